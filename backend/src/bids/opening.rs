//! The public opening (apertura de ofertas) by the committee.
//!
//! After the opening time each committee member signs in and gives their opening passphrase:
//! the server decrypts the member's share of the tender's key with it and holds the share
//! until k are present. With the k-th share the key is rebuilt in memory, every live
//! envelope is checked against its receipt (hash and signature) and opened, the revealed
//! prices and documents are recorded, the transcript is published, and the shares are
//! erased. A tampered envelope, an envelope that does not open or does not belong to its
//! tender and bidder, and a bid not confirmed again after a material amendment are reported
//! in the transcript and not opened. A bid that keeps documents of an earlier bid of its
//! company opens them from that bid's envelope; one that names a document the earlier
//! envelope does not hold, with that SHA-256, is reported invalid.

use crate::domain::{
    BidId, BidStatus, BuyerId, OpeningState, SupplierId, TenderId, TenderStatus, UserId,
};
use std::path::Path;

use crate::procedure::{Action, Phase};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{
    ENVELOPE_FORMAT, ReceiptKeys, SealedBid, SealedPrice, exclusive_deadline_lock, freeze_if_due,
    leaf_bytes, live_leaves,
};
use crate::{
    app::AppState,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{Currency, Money},
    error::{AppError, FieldError},
    merkle,
    schema::{
        bid_documents, bid_prices, bids, opening_keys, tender_key_shares, tender_seals, tenders,
    },
    tenders as tender_rules,
    tenders::sealing,
};

/// A committee member at the opening.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpeningMember {
    /// User id.
    pub user_id: UserId,
    /// Name.
    pub name: String,
    /// Has the member given their share?
    pub present: bool,
}

/// One bid in the transcript.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpenedBid {
    /// Bid id.
    pub bid_id: BidId,
    /// Bidder's RUC.
    pub supplier_ruc: String,
    /// Bidder's legal name.
    pub supplier_name: String,
    /// Receipt time (UTC).
    #[serde(with = "crate::domain::utc")]
    pub submitted_at: NaiveDateTime,
    /// The envelope's SHA-256 on the receipt.
    pub envelope_sha256: String,
    /// opened, tampered, unconfirmed or invalid.
    pub result: String,
    /// Prices per lot (opened bids).
    pub prices: Vec<SealedPrice>,
    /// Documents (opened bids): name and SHA-256.
    pub documents: Vec<OpenedDocument>,
}

/// A document revealed by the opening.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OpenedDocument {
    /// File name.
    pub name: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
}

/// The opening transcript (acta de apertura), published.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Transcript {
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender ocid.
    pub ocid: String,
    /// When opened (UTC).
    #[serde(with = "crate::domain::utc")]
    pub opened_at: NaiveDateTime,
    /// Members whose shares opened it.
    pub members_present: Vec<String>,
    /// The Merkle root frozen at the deadline.
    pub merkle_root: String,
    /// Envelopes frozen.
    pub leaf_count: i32,
    /// Do the stored envelope hashes still give the frozen root?
    pub root_matches: bool,
    /// Every live bid, in id order.
    pub bids: Vec<OpenedBid>,
}

/// The state of a tender's opening.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpeningStatus {
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender title.
    pub title: String,
    /// Opening time (UTC).
    #[serde(with = "crate::domain::utc")]
    pub opening_at: NaiveDateTime,
    /// before_opening, awaiting_shares, opened, cancelled, or no_bids (frozen empty: nothing
    /// to open, no share asked for).
    pub status: OpeningState,
    /// Members needed.
    pub threshold: i32,
    /// Members still needed.
    pub still_needed: i32,
    /// The committee's members.
    pub members: Vec<OpeningMember>,
    /// Is the caller a member who has not yet given their share?
    pub caller_may_contribute: bool,
    /// Envelopes frozen at the deadline (once frozen).
    pub leaf_count: Option<i32>,
    /// Merkle root (once frozen).
    pub merkle_root: Option<String>,
    /// The transcript, once opened.
    pub transcript: Option<Transcript>,
}

/// The opening's state as `viewer` may see it ([`status_in`]).
pub async fn status(
    app: &AppState,
    viewer: Option<&CurrentUser>,
    tender_id: TenderId,
) -> Result<OpeningStatus, AppError> {
    let (viewer, now) = (viewer.cloned(), app.clock.now_db());
    app.db
        .run(move |conn| status_in(conn, viewer.as_ref(), tender_id, now))
        .await
}

/// The opening's state as anyone may see it (drafts: 404).
pub fn status_in(
    conn: &mut DbConnection,
    viewer: Option<&CurrentUser>,
    tender_id: TenderId,
    now: NaiveDateTime,
) -> Result<OpeningStatus, AppError> {
    let st = tender_rules::state(conn, tender_id)?;
    tender_rules::visible_to(viewer, st.buyer_id, st.status)?;
    freeze_if_due(conn, tender_id, now)?;
    let title: String = tenders::table
        .find(tender_id)
        .select(tenders::title)
        .first(conn)?;
    type SealRow = (i32, Option<String>, Option<i32>, Option<String>);
    let seal: Option<SealRow> = tender_seals::table
        .find(tender_id)
        .select((
            tender_seals::threshold,
            tender_seals::merkle_root,
            tender_seals::leaf_count,
            tender_seals::transcript,
        ))
        .first(conn)
        .optional()?;
    let Some((threshold, merkle_root, leaf_count, transcript)) = seal else {
        return Err(AppError::NotFound);
    };
    let shares: Vec<(UserId, Option<NaiveDateTime>)> = tender_key_shares::table
        .filter(tender_key_shares::tender_id.eq(tender_id))
        .order(tender_key_shares::user_id)
        .select((
            tender_key_shares::user_id,
            tender_key_shares::contributed_at,
        ))
        .load(conn)?;
    let ids: Vec<UserId> = shares.iter().map(|(u, _)| *u).collect();
    let names = super::user_names(conn, &ids)?;
    let members: Vec<OpeningMember> = shares
        .iter()
        .map(|(u, at)| OpeningMember {
            user_id: *u,
            name: names.get(u).cloned().unwrap_or_default(),
            present: at.is_some(),
        })
        .collect();
    let present = i32::try_from(members.iter().filter(|m| m.present).count()).unwrap_or(0);
    let transcript: Option<Transcript> = transcript
        .map(|t| serde_json::from_str(&t).map_err(AppError::internal))
        .transpose()?;
    let status = if transcript.is_some() {
        OpeningState::Opened
    } else if st.status == TenderStatus::Cancelled {
        OpeningState::Cancelled
    } else if merkle_root.is_some() && leaf_count == Some(0) {
        // Frozen empty: no envelope to open, no passphrase to ask for.
        OpeningState::NoBids
    } else if now < st.opening_at {
        OpeningState::BeforeOpening
    } else {
        OpeningState::AwaitingShares
    };
    let caller_may_contribute = status == OpeningState::AwaitingShares
        && viewer.is_some_and(|v| members.iter().any(|m| m.user_id == v.id && !m.present));
    Ok(OpeningStatus {
        tender_id,
        title,
        opening_at: st.opening_at,
        status: status.to_owned(),
        threshold,
        still_needed: if transcript.is_some() {
            0
        } else {
            (threshold - present).max(0)
        },
        members,
        caller_may_contribute,
        leaf_count,
        merkle_root,
        transcript,
    })
}

/// A member gives their share with their opening passphrase. With the k-th share the bids
/// are opened in the same transaction. Returns the opening's state.
pub async fn contribute(
    app: &crate::App,
    user: &CurrentUser,
    tender_id: TenderId,
    passphrase: &str,
) -> Result<OpeningStatus, AppError> {
    contribute_at(app, user, tender_id, passphrase, app.clock.now_db()).await
}

/// [`contribute`] at `now` (the demo data, which tells a past that could have happened).
pub async fn contribute_at(
    app: &crate::App,
    user: &CurrentUser,
    tender_id: TenderId,
    passphrase: &str,
    now: NaiveDateTime,
) -> Result<OpeningStatus, AppError> {
    let member = user.clone();
    let (wrapped, sealed) = app
        .db
        .run(move |conn| {
            let st = tender_rules::state(conn, tender_id)?;
            let share: Option<Vec<u8>> = tender_key_shares::table
                .find((tender_id, member.id))
                .select(tender_key_shares::sealed_share)
                .first(conn)
                .optional()?;
            let Some(sealed) = share else {
                tender_rules::visible_to(Some(&member), st.buyer_id, st.status)?;
                return Err(AppError::Forbidden);
            };
            if !sealing::may_hold_key(&member) {
                return Err(AppError::Forbidden);
            }
            freeze_if_due(conn, tender_id, now)?;
            opening_may_proceed(conn, tender_id, &st, member.id, now)?;
            let wrapped: Vec<u8> = opening_keys::table
                .find(member.id)
                .select(opening_keys::wrapped_identity)
                .first(conn)?;
            Ok((wrapped, sealed))
        })
        .await?;
    if passphrase.is_empty() {
        return Err(AppError::field("passphrase", "required"));
    }
    let rule = sealing::passphrase_rule(app, user.id);
    let throttle_key = rule.key.clone();
    app.db
        .run(move |conn| crate::throttle::reserve(conn, &[rule], now))
        .await?;
    let passphrase = passphrase.to_owned();
    let share =
        tokio::task::spawn_blocking(move || sealing::open_share(&wrapped, &sealed, &passphrase))
            .await
            .map_err(AppError::internal)?;
    let actor = Actor::user(user.id, user.role);
    let share = match share {
        Ok(s) => s,
        Err(e) => {
            // A refused passphrase is on the record (who, when), never what was typed.
            let actor = actor.clone();
            app.db
                .run(move |conn| {
                    write_transaction(conn, |conn| {
                        audit::record(
                            conn,
                            now,
                            &actor,
                            NewEvent::on(
                                "tender",
                                tender_id,
                                "tender.opening_passphrase_refused",
                                json!({}),
                            ),
                        )
                    })
                })
                .await?;
            return Err(e);
        }
    };
    let data_dir = app.settings.data_dir.clone();
    let keys = app.receipts.clone();
    let member = user.clone();
    app.db
        .run(move |conn| {
            crate::throttle::clear(conn, &[throttle_key])?;
            write_transaction(conn, |conn| {
                exclusive_deadline_lock(conn, tender_id)?;
                let st = tender_rules::state(conn, tender_id)?;
                opening_may_proceed(conn, tender_id, &st, member.id, now)?;
                diesel::update(tender_key_shares::table.find((tender_id, member.id)))
                    .set((
                        tender_key_shares::contributed_at.eq(now),
                        tender_key_shares::contributed_share.eq(&share),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    now,
                    &actor,
                    NewEvent::on("tender", tender_id, "tender.opening_share_given", json!({})),
                )?;
                let given: Vec<(UserId, Option<Vec<u8>>)> = tender_key_shares::table
                    .filter(tender_key_shares::tender_id.eq(tender_id))
                    .filter(tender_key_shares::contributed_at.is_not_null())
                    .order(tender_key_shares::user_id)
                    .select((
                        tender_key_shares::user_id,
                        tender_key_shares::contributed_share,
                    ))
                    .load(conn)?;
                let threshold: i32 = tender_seals::table
                    .find(tender_id)
                    .select(tender_seals::threshold)
                    .first(conn)?;
                if given.len() >= usize::try_from(threshold).unwrap_or(usize::MAX) {
                    let members: Vec<UserId> = given.iter().map(|(u, _)| *u).collect();
                    let shares: Vec<Vec<u8>> = given.into_iter().filter_map(|(_, s)| s).collect();
                    open(conn, &data_dir, &keys, tender_id, &members, &shares, now)?;
                }
                Ok::<_, AppError>(())
            })?;
            status_in(conn, Some(&member), tender_id, now)
        })
        .await
        .inspect(|s| {
            if s.transcript.is_some() {
                app.wake_checkpoints();
            }
        })
}

/// The opening may take this member's share now: published, not cancelled, opening time
/// reached, not yet opened, the member's share not yet given.
fn opening_may_proceed(
    conn: &mut DbConnection,
    tender_id: TenderId,
    st: &tender_rules::TenderState,
    user_id: UserId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // The procedure decides when shares are taken; a cancelled tender's refusal comes first,
    // then an empty one's (nothing to open), then the procedure's own.
    let phase = st.facts.phase(now);
    let allowed = st.facts.procedure().check(phase, Action::ShareKey);
    if phase == Phase::Cancelled {
        allowed.map_err(|r| r.error(TenderStatus::Cancelled))?;
    }
    let (frozen_count,): (Option<i32>,) = tender_seals::table
        .find(tender_id)
        .select((tender_seals::leaf_count,))
        .first(conn)?;
    if frozen_count == Some(0) {
        return Err(AppError::field("opening", "no_bids_received"));
    }
    match allowed {
        Err(r) if r.code == "opening_not_yet" => {
            return Err(AppError::Validation(vec![
                FieldError::new(r.field, r.code)
                    .arg("opening_at", tender_rules::lima_input_value(st.opening_at)),
            ]));
        }
        Err(r) => return Err(AppError::field(r.field, r.code)),
        Ok(()) => {}
    }
    let given: Option<NaiveDateTime> = tender_key_shares::table
        .filter(tender_key_shares::tender_id.eq(tender_id))
        .filter(tender_key_shares::user_id.eq(user_id))
        .select(tender_key_shares::contributed_at)
        .first(conn)?;
    if given.is_some() {
        return Err(AppError::field("opening", "share_already_given"));
    }
    Ok(())
}

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
fn open(
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
    let companies = super::supplier_names(conn, &supplier_ids)?;
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
    let names = super::user_names(conn, members)?;
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

/// A document of an opened bid, by its position.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BidDocument {
    /// Position (download by it).
    pub position: i32,
    /// File name.
    pub filename: String,
    /// SHA-256 of the content.
    pub sha256: String,
}

/// Audit events of bids whose tender is not opened yet, with who bid left out: the acting
/// user and the payload (tender, company, envelope hash) are withheld until the opening, for
/// every reader of the log (auditors and admins included); the chain, the order, the action,
/// the time and the hashes stay, so the record is still seen to be whole.
pub fn withhold_bidders(
    conn: &mut DbConnection,
    mut events: Vec<crate::audit::AuditEvent>,
) -> Result<Vec<crate::audit::AuditEvent>, AppError> {
    let bid_of = |e: &crate::audit::AuditEvent| {
        e.chain
            .strip_prefix("bid:")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let mut ids: Vec<i64> = events.iter().filter_map(bid_of).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(events);
    }
    let opened: std::collections::HashMap<i64, bool> = bids::table
        .left_join(tender_seals::table.on(tender_seals::tender_id.eq(bids::tender_id)))
        .filter(bids::id.eq_any(&ids))
        .select((bids::id, tender_seals::opened_at.nullable()))
        .load::<(i64, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, at)| (id, at.is_some()))
        .collect();
    for event in &mut events {
        if let Some(id) = bid_of(event)
            && !opened.get(&id).copied().unwrap_or(false)
        {
            event.actor_id = None;
            event.payload = r#"{"withheld_until":"opening"}"#.to_owned();
        }
    }
    Ok(events)
}

/// Have the bids of `tender_id` been opened?
pub fn is_opened(conn: &mut DbConnection, tender_id: TenderId) -> Result<bool, AppError> {
    Ok(tender_seals::table
        .find(tender_id)
        .select(tender_seals::opened_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten()
        .is_some())
}

/// May `user` read the opened documents of a bid on a tender of `buyer_id` by `supplier_id`:
/// the buyer's officers (who evaluate them), auditors, and the bidder itself.
fn may_read_bid(user: &CurrentUser, buyer_id: BuyerId, supplier_id: SupplierId) -> bool {
    tender_rules::is_buyer_staff(Some(user), buyer_id)
        || user.role == crate::domain::Role::Auditor
        || user.supplier_id == Some(supplier_id)
}

/// The documents of an opened bid, for the buyer's officers, auditors and the bidder
/// ([`bid_documents_in`]).
pub async fn bid_documents(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<Vec<BidDocument>, AppError> {
    let user = user.clone();
    app.db
        .run(move |conn| bid_documents_in(conn, &user, tender_id, bid_id))
        .await
}

/// Document `position` of an opened bid, for download by the same readers (never cached).
pub async fn bid_document(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
    position: i32,
) -> Result<crate::blobs::Download, AppError> {
    let doc = bid_documents(app, user, tender_id, bid_id)
        .await?
        .into_iter()
        .find(|d| d.position == position)
        .ok_or(AppError::NotFound)?;
    crate::blobs::download(
        &app.db,
        &app.settings.data_dir,
        doc.sha256,
        doc.filename,
        false,
    )
    .await
}

/// The documents of an opened bid of tender `tender_id` (what the opening decrypted and
/// stored), for those who may read them; before the opening there are none to list.
pub fn bid_documents_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
) -> Result<Vec<BidDocument>, AppError> {
    let (supplier_id, buyer_id): (SupplierId, BuyerId) = bids::table
        .inner_join(tenders::table)
        .filter(bids::id.eq(bid_id))
        .filter(bids::tender_id.eq(tender_id))
        .select((bids::supplier_id, tenders::buyer_id))
        .first(conn)?;
    let own = user.role == crate::domain::Role::Supplier && user.supplier_id == Some(supplier_id);
    // Before the opening, whether a bid exists is the bidder's secret: everyone else gets the
    // answer a bid that does not exist gets.
    if !own && !is_opened(conn, tender_id)? {
        return Err(AppError::NotFound);
    }
    if !may_read_bid(user, buyer_id, supplier_id) {
        return Err(AppError::Forbidden);
    }
    Ok(bid_documents::table
        .filter(bid_documents::bid_id.eq(bid_id))
        .order(bid_documents::position)
        .select((
            bid_documents::position,
            bid_documents::filename,
            bid_documents::sha256,
        ))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(position, filename, sha256)| BidDocument {
            position,
            filename,
            sha256,
        })
        .collect())
}
