//! What the server keeps *for* a bidder without the database alone revealing it.
//!
//! A bid's content is sealed to the tender's key and nobody reads it before the opening. Two
//! things about it must still be usable before then, by the server, for the bidder only:
//! - the **manifest** of its documents (names, sizes, SHA-256, and in which earlier bid each
//!   was sealed), so *Mis ofertas* and the replacement form can list them and a replacement
//!   can carry them without the documents being uploaded again or the envelope opened;
//! - the **summary** a confirmation page showed (prices and documents), kept for the minutes
//!   between the page and the bidder's confirmation, so the sealing response can hand the
//!   bidder its copy, then deleted.
//!
//! Both are encrypted with ChaCha20-Poly1305 under a key derived (HKDF-SHA256) from the
//! server's signing seed, and bound to what they describe (tender and company) as associated
//! data. This protects them from whoever holds only the database (a dump, a backup, a
//! replica); the running server can read them, as it read the bid's plaintext for the
//! moment it sealed it. The prices themselves are never in a manifest.
//!
//! The same derivation gives an HMAC key for **request fingerprints**: a retry under an
//! `Idempotency-Key` is compared with the first request by its keyed hash, which a database
//! reader cannot invert by trying likely prices.

use chacha20poly1305::{
    ChaCha20Poly1305, KeyInit, Nonce,
    aead::{Aead, Payload},
};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The server's custody keys (see the module's documentation).
pub struct Custody {
    cipher: ChaCha20Poly1305,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for Custody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Custody(..)")
    }
}

const NONCE: usize = 12;

impl Custody {
    /// Derives the custody keys from the server's 32-byte signing seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let hkdf = hkdf::Hkdf::<Sha256>::new(Some(b"licita custody v1"), seed);
        let mut cipher_key = [0u8; 32];
        let mut mac_key = [0u8; 32];
        // Cannot fail: 32 bytes is far below HKDF-SHA256's 8,160-byte limit.
        let _ = hkdf.expand(b"bid documents and summaries", &mut cipher_key);
        let _ = hkdf.expand(b"request fingerprints", &mut mac_key);
        Self {
            cipher: ChaCha20Poly1305::new(&cipher_key.into()),
            mac_key,
        }
    }

    /// Encrypts `plain`, bound to `context` (e.g. `manifest:tender:7:supplier:3`).
    pub fn seal(&self, context: &str, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut nonce);
        let payload = Payload {
            msg: plain,
            aad: context.as_bytes(),
        };
        // Cannot fail: ChaCha20-Poly1305 only refuses messages beyond 256 GiB.
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), payload)
            .unwrap_or_default();
        [nonce.as_slice(), &sealed].concat()
    }

    /// Decrypts what [`Custody::seal`] made for the same `context`; `None` when it was made
    /// for another context, altered, or made with another server key.
    pub fn open(&self, context: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().ok()?;
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: context.as_bytes(),
                },
            )
            .ok()
    }

    /// A keyed fingerprint (HMAC-SHA256, hex) of `bytes`.
    pub fn fingerprint(&self, bytes: &[u8]) -> String {
        // Cannot fail: HMAC takes a key of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(bytes);
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_in_its_context_and_with_its_key() {
        let custody = Custody::from_seed(&[7; 32]);
        let sealed = custody.seal("manifest:tender:1:supplier:2", b"propuesta.pdf");
        assert!(!sealed.windows(9).any(|w| w == b"propuesta"));
        assert_eq!(
            custody.open("manifest:tender:1:supplier:2", &sealed),
            Some(b"propuesta.pdf".to_vec())
        );
        assert_eq!(custody.open("manifest:tender:1:supplier:3", &sealed), None);
        assert_eq!(
            Custody::from_seed(&[8; 32]).open("manifest:tender:1:supplier:2", &sealed),
            None
        );
        let mut altered = sealed.clone();
        altered[20] ^= 1;
        assert_eq!(custody.open("manifest:tender:1:supplier:2", &altered), None);
        assert_eq!(custody.fingerprint(b"a"), custody.fingerprint(b"a"));
        assert_ne!(custody.fingerprint(b"a"), custody.fingerprint(b"b"));
        assert_ne!(
            custody.fingerprint(b"a"),
            Custody::from_seed(&[8; 32]).fingerprint(b"a")
        );
    }
}
