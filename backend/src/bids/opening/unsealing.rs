//! Unsealing at the opening: every live envelope checked against its receipt (hash and
//! signature), decrypted with the tender's rebuilt key and checked to be a bid (oferta) of its
//! tender and company, its prices and documents recorded (kept documents taken from the earlier
//! envelope they name), and the transcript published.

use crate::domain::{BidId, BidStatus, SupplierId, TenderId, UserId};
use std::path::Path;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{OpenedBid, OpenedDocument, Transcript};
use crate::bids::{
    ENVELOPE_FORMAT, ReceiptKeys, SealedBid, leaf_bytes, live_leaves, supplier_names, user_names,
};
use crate::{
    audit::{self, Actor, NewEvent},
    db::DbConnection,
    domain::{Currency, Money},
    error::AppError,
    merkle,
    schema::{bid_documents, bid_prices, bids, tender_key_shares, tender_seals, tenders},
    tenders as tender_rules,
    tenders::sealing,
};

/// A live bid to open; its envelope is read when its turn comes (one envelope in memory at a
/// time, however many large bids the tender has).
#[derive(Debug, Queryable)]
struct Envelope {
    id: BidId,
    supplier_id: SupplierId,
    envelope_sha256: String,
    submitted_at: NaiveDateTime,
    confirmed_at: NaiveDateTime,
    receipt_signature: String,
}

/// Opens every live bid with the rebuilt key and publishes the transcript.
pub(super) fn open(
    conn: &mut DbConnection,
    data_dir: &Path,
    receipt_keys: &ReceiptKeys,
    tender_id: TenderId,
    members: &[UserId],
    shares: &[Vec<u8>],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (recipient, threshold, root, leaf_count): (String, i32, Option<String>, Option<i32>) =
        tender_seals::table
            .find(tender_id)
            .select((
                tender_seals::recipient,
                tender_seals::threshold,
                tender_seals::merkle_root,
                tender_seals::leaf_count,
            ))
            .first(conn)?;
    let identity = sealing::rebuild_identity(shares, threshold, &recipient).map_err(|e| {
        tracing::error!(tender_id = %tender_id, problem = %e, "opening: the shares do not rebuild the key");
        AppError::field("opening", "shares_do_not_rebuild")
    })?;
    let (ocid, currency): (Option<String>, Currency) = tenders::table
        .find(tender_id)
        .select((tenders::ocid, tenders::currency))
        .first(conn)?;
    let ocid = ocid.unwrap_or_default();
    let lots: Vec<i32> = crate::schema::tender_lots::table
        .filter(crate::schema::tender_lots::tender_id.eq(tender_id))
        .select(crate::schema::tender_lots::number)
        .load(conn)?;
    let material = tender_rules::latest_material_amendment(conn, tender_id)?;
    let leaves = live_leaves(conn, tender_id)?;
    let root = root.unwrap_or_default();
    let root_matches = hex::encode(merkle::root(&leaf_bytes(&leaves)?)) == root;
    let envelopes: Vec<Envelope> = bids::table
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::status.eq(BidStatus::Submitted))
        .order(bids::id)
        .select((
            bids::id,
            bids::supplier_id,
            bids::envelope_sha256,
            bids::submitted_at,
            bids::confirmed_at,
            bids::receipt_signature,
        ))
        .load(conn)?;
    let supplier_ids: Vec<SupplierId> = envelopes.iter().map(|e| e.supplier_id).collect();
    let companies = supplier_names(conn, &supplier_ids)?;
    let mut opened = Vec::with_capacity(envelopes.len());
    let mut earlier = std::collections::HashMap::new();
    for e in envelopes {
        let envelope: Vec<u8> = bids::table.find(e.id).select(bids::envelope).first(conn)?;
        let (ruc, name) = companies.get(&e.supplier_id).cloned().unwrap_or_default();
        let receipt = receipt_keys.restore(
            &ocid,
            e.id,
            &ruc,
            e.submitted_at,
            &e.envelope_sha256,
            &e.receipt_signature,
        );
        let intact = hex::encode(Sha256::digest(&envelope)) == e.envelope_sha256
            && receipt_keys.verify(&receipt);
        let mut bid = OpenedBid {
            bid_id: e.id,
            supplier_ruc: ruc.clone(),
            supplier_name: name,
            submitted_at: e.submitted_at,
            envelope_sha256: e.envelope_sha256.clone(),
            result: String::new(),
            prices: Vec::new(),
            documents: Vec::new(),
            withheld_lots: Vec::new(),
            documents_withheld: false,
        };
        bid.result = if !intact {
            "tampered"
        } else if material.is_some_and(|m| e.confirmed_at < m) {
            "unconfirmed"
        } else {
            let opened = unseal(&identity, &envelope, &ocid, &ruc, &lots, currency)
                .map(|content| {
                    let origin = Origin {
                        tender_id,
                        supplier_id: e.supplier_id,
                        ocid: &ocid,
                        ruc: &ruc,
                    };
                    let files = files_of(
                        conn,
                        receipt_keys,
                        &identity,
                        &origin,
                        &content,
                        &mut earlier,
                    )?;
                    Ok::<_, AppError>(files.map(|files| (content, files)))
                })
                .transpose()?
                .flatten();
            match opened {
                Some((content, files)) => {
                    record_content(conn, data_dir, e.id, &content, files, &mut bid, now)?;
                    "opened"
                }
                None => "invalid",
            }
        }
        .to_owned();
        diesel::update(bids::table.find(e.id))
            .set(bids::opening_result.eq(&bid.result))
            .execute(conn)?;
        opened.push(bid);
    }
    let names = user_names(conn, members)?;
    let transcript = Transcript {
        tender_id,
        ocid,
        opened_at: now,
        members_present: members
            .iter()
            .filter_map(|m| names.get(m).cloned())
            .collect(),
        merkle_root: root.clone(),
        leaf_count: leaf_count.unwrap_or(0),
        root_matches,
        bids: opened,
    };
    let text = serde_json::to_string(&transcript).map_err(AppError::internal)?;
    diesel::update(tender_seals::table.find(tender_id))
        .set((
            tender_seals::opened_at.eq(now),
            tender_seals::transcript.eq(&text),
        ))
        .execute(conn)?;
    // The key is gone again: nobody holds k shares any more.
    diesel::update(tender_key_shares::table.filter(tender_key_shares::tender_id.eq(tender_id)))
        .set(tender_key_shares::contributed_share.eq(None::<Vec<u8>>))
        .execute(conn)?;
    audit::record(
        conn,
        now,
        &Actor::system(),
        NewEvent::on(
            "tender",
            tender_id,
            "tender.bids_opened",
            json!({
                "merkle_root": root,
                "root_matches": root_matches,
                "members": members,
                "transcript_sha256": hex::encode(Sha256::digest(text.as_bytes())),
            }),
        ),
    )?;
    crate::projection::on_event(conn, tender_id, "tender.bids_opened", now)
}

/// Decrypts and checks one envelope: `None` when it does not open with the tender's key, is
/// not a Licita bid, was sealed for another tender or company, or names unknown lots.
fn unseal(
    identity: &age::x25519::Identity,
    envelope: &[u8],
    ocid: &str,
    ruc: &str,
    lots: &[i32],
    currency: Currency,
) -> Option<SealedBid> {
    let bid = decrypt(identity, envelope, ocid, ruc)?;
    let lots_ok = !bid.lots.is_empty()
        && bid.lots.iter().enumerate().all(|(i, p)| {
            lots.contains(&p.lot)
                && !bid.lots[..i].iter().any(|q| q.lot == p.lot)
                && p.currency == currency.code()
                && Money::parse(&p.amount, currency, "price").is_ok_and(|m| m.minor() > 0)
        });
    lots_ok.then_some(bid)
}

/// An envelope's plaintext, if it opens with the tender's key and is a Licita bid of this
/// tender and company.
fn decrypt(
    identity: &age::x25519::Identity,
    envelope: &[u8],
    ocid: &str,
    ruc: &str,
) -> Option<SealedBid> {
    let plain = age::decrypt(identity, envelope).ok()?;
    let bid: SealedBid = serde_json::from_slice(&plain).ok()?;
    (bid.format == ENVELOPE_FORMAT && bid.ocid == ocid && bid.supplier_ruc == ruc).then_some(bid)
}

/// A revealed document: its name and content.
type File = (String, Vec<u8>);

/// The tender and company whose earlier envelopes a bid may keep documents from.
struct Origin<'a> {
    tender_id: TenderId,
    supplier_id: SupplierId,
    ocid: &'a str,
    ruc: &'a str,
}

/// A bid's files in order: those it keeps from earlier bids, then its own; `None` when a kept
/// document is not in the earlier envelope it names, with the SHA-256 it states (the bid is
/// invalid). Earlier envelopes are opened once each per company (`earlier`), must belong
/// to the same tender and company, and must match their own receipts.
fn files_of(
    conn: &mut DbConnection,
    receipt_keys: &ReceiptKeys,
    identity: &age::x25519::Identity,
    origin: &Origin,
    content: &SealedBid,
    earlier: &mut std::collections::HashMap<(SupplierId, BidId), Option<SealedBid>>,
) -> Result<Option<Vec<File>>, AppError> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut files = Vec::new();
    for kept in &content.carried_documents {
        // Keyed by company too: an envelope opened for one company is never another's source.
        let key = (origin.supplier_id, kept.bid_id);
        if let std::collections::hash_map::Entry::Vacant(slot) = earlier.entry(key) {
            let row: Option<(Vec<u8>, String, NaiveDateTime, String)> = bids::table
                .filter(bids::id.eq(kept.bid_id))
                .filter(bids::tender_id.eq(origin.tender_id))
                .filter(bids::supplier_id.eq(origin.supplier_id))
                .select((
                    bids::envelope,
                    bids::envelope_sha256,
                    bids::submitted_at,
                    bids::receipt_signature,
                ))
                .first(conn)
                .optional()?;
            let opened = row.and_then(|(envelope, sha256, at, signature)| {
                let receipt = receipt_keys.restore(
                    origin.ocid,
                    kept.bid_id,
                    origin.ruc,
                    at,
                    &sha256,
                    &signature,
                );
                let intact = hex::encode(Sha256::digest(&envelope)) == sha256
                    && receipt_keys.verify(&receipt);
                intact
                    .then(|| decrypt(identity, &envelope, origin.ocid, origin.ruc))
                    .flatten()
            });
            slot.insert(opened);
        }
        let bytes = earlier
            .get(&key)
            .and_then(Option::as_ref)
            .and_then(|bid| bid.documents.get(usize::try_from(kept.position).ok()?))
            .and_then(|d| b64.decode(&d.content_base64).ok())
            .filter(|bytes| hex::encode(Sha256::digest(bytes)) == kept.sha256);
        match bytes {
            Some(bytes) => files.push((kept.name.clone(), bytes)),
            None => return Ok(None),
        }
    }
    for d in &content.documents {
        // An undecodable document of a client-sealed envelope is left out, as below.
        if let Ok(bytes) = b64.decode(&d.content_base64) {
            files.push((d.name.clone(), bytes));
        }
    }
    Ok(Some(files))
}

fn record_content(
    conn: &mut DbConnection,
    data_dir: &Path,
    bid_id: BidId,
    content: &SealedBid,
    files: Vec<File>,
    out: &mut OpenedBid,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for p in &content.lots {
        let currency = Currency::parse(&p.currency, "currency")
            .map_err(|_| AppError::internal("checked currency"))?;
        let money = Money::parse(&p.amount, currency, "price")
            .map_err(|_| AppError::internal("checked amount"))?;
        diesel::insert_into(bid_prices::table)
            .values((
                bid_prices::bid_id.eq(bid_id),
                bid_prices::lot_number.eq(p.lot),
                bid_prices::amount.eq(money.minor()),
                bid_prices::currency.eq(currency.code()),
            ))
            .execute(conn)?;
        out.prices.push(p.clone());
    }
    let mut position = 0i32;
    for (name, bytes) in files {
        // A client-sealed envelope may carry a file the upload checks would refuse; it is
        // left out (and absent from the transcript) rather than stored.
        let Ok(blob) = crate::blobs::store_bytes(data_dir, &name, &bytes) else {
            continue;
        };
        crate::blobs::register_blob(conn, &blob, now)?;
        diesel::insert_into(bid_documents::table)
            .values((
                bid_documents::bid_id.eq(bid_id),
                bid_documents::position.eq(position),
                bid_documents::sha256.eq(&blob.sha256),
                bid_documents::filename.eq(&blob.filename),
            ))
            .execute(conn)?;
        position += 1;
        out.documents.push(OpenedDocument {
            name: blob.filename,
            sha256: blob.sha256,
            size: blob.size,
        });
    }
    diesel::update(bids::table.find(bid_id))
        .set(bids::declarations.eq(serde_json::to_string(&content.declarations).ok()))
        .execute(conn)?;
    Ok(())
}
