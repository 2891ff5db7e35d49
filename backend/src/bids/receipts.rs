//! Bid receipts: what the server promises a bidder, signed with the server's Ed25519 key.
//!
//! The signed message is `licita-receipt-v1\n` followed by the canonical JSON (sorted keys,
//! no spaces) of the receipt's fields: tender ocid, bid id, supplier RUC, server time (UTC,
//! RFC 3339 with microseconds) and the envelope's SHA-256. Anyone holding a receipt and the
//! published public key can check it, with Licita's `POST /api/v1/receipts/verify` or any
//! Ed25519 library.

use crate::domain::BidId;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{audit::canonical_json, keys::verify_raw};

pub use crate::keys::ReceiptKeys;

const CONTEXT: &str = "licita-receipt-v1\n";

/// A receipt as the bidder keeps it. A field it does not have is refused: the signature
/// covers these fields only, and an added one must not read as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The tender's OCDS ocid.
    pub ocid: String,
    /// The bid's id.
    pub bid_id: BidId,
    /// The bidding company's RUC.
    pub supplier_ruc: String,
    /// When the server accepted the bid (UTC, RFC 3339).
    pub server_time: String,
    /// SHA-256 of the sealed envelope (hex).
    pub envelope_sha256: String,
    /// The server's Ed25519 public key (hex) that signed it.
    pub public_key: String,
    /// Ed25519 signature (base64) over the fields above but the key.
    pub signature: String,
}

/// The receipt in what a bidder kept, pasted or uploaded: the receipt itself (as *Mis ofertas*
/// downloads it), or a document that carries it under `receipt` (the bidder's copy handed out
/// at sealing, `licita-bid-copy/1`). `None` when the text holds neither.
pub fn read_kept(text: &str) -> Option<Receipt> {
    // A file saved by an editor on Windows may start with a byte-order mark.
    let text = text.trim().trim_start_matches('\u{feff}');
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let inner = match value.get("receipt") {
        Some(receipt) if receipt.is_object() => receipt.clone(),
        _ => value,
    };
    serde_json::from_value(inner).ok()
}

/// How a receipt's time is written.
pub fn receipt_time(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn message(ocid: &str, bid_id: BidId, ruc: &str, time: &str, sha256: &str) -> String {
    format!(
        "{CONTEXT}{}",
        canonical_json(&json!({
            "bid_id": bid_id,
            "envelope_sha256": sha256,
            "ocid": ocid,
            "server_time": time,
            "supplier_ruc": ruc,
        }))
    )
}

impl ReceiptKeys {
    /// Signs a receipt for these fields.
    pub fn sign(
        &self,
        ocid: &str,
        bid_id: BidId,
        ruc: &str,
        at: NaiveDateTime,
        sha256: &str,
    ) -> Receipt {
        let time = receipt_time(at);
        let signature = self.sign_raw(message(ocid, bid_id, ruc, &time, sha256).as_bytes());
        self.restore(ocid, bid_id, ruc, at, sha256, &signature)
    }

    /// A receipt as issued earlier, from its stored fields and signature (not re-signed: a
    /// changed field no longer verifies).
    pub fn restore(
        &self,
        ocid: &str,
        bid_id: BidId,
        ruc: &str,
        at: NaiveDateTime,
        sha256: &str,
        signature: &str,
    ) -> Receipt {
        Receipt {
            ocid: ocid.to_owned(),
            bid_id,
            supplier_ruc: ruc.to_owned(),
            server_time: receipt_time(at),
            envelope_sha256: sha256.to_owned(),
            public_key: self.public_hex(),
            signature: signature.to_owned(),
        }
    }

    /// Was `receipt` signed by this server's key, with exactly these fields?
    pub fn verify(&self, receipt: &Receipt) -> bool {
        receipt.public_key == self.public_hex() && verify_with(&receipt.public_key, receipt)
    }
}

/// Checks a receipt against the public key (hex) it names.
pub fn verify_with(public_hex: &str, receipt: &Receipt) -> bool {
    let message = message(
        &receipt.ocid,
        receipt.bid_id,
        &receipt.supplier_ruc,
        &receipt.server_time,
        &receipt.envelope_sha256,
    );
    verify_raw(public_hex, message.as_bytes(), &receipt.signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_verifies_and_any_changed_field_does_not() {
        let keys = ReceiptKeys::from_seed([7; 32]);
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_micro_opt(16, 59, 59, 999_000))
            .expect("date");
        let receipt = keys.sign(
            "ocds-licita-1",
            BidId(42),
            "20512333797",
            at,
            &"ab".repeat(32),
        );
        assert!(keys.verify(&receipt));
        let mut changed = vec![receipt.clone(); 6];
        changed[0].ocid = "ocds-licita-2".into();
        changed[1].bid_id = BidId(43);
        changed[2].supplier_ruc = "20555666773".into();
        changed[3].server_time = receipt_time(at - chrono::Duration::seconds(1));
        changed[4].envelope_sha256 = "ac".repeat(32);
        changed[5].public_key = ReceiptKeys::from_seed([8; 32]).public_hex();
        for c in &changed {
            assert!(!keys.verify(c), "{c:?}");
        }
        let other = ReceiptKeys::from_seed([8; 32]);
        assert!(!other.verify(&receipt));
    }
}
