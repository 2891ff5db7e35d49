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

mod documents;
mod unsealing;

pub use documents::*;
use unsealing::open;

use crate::domain::{BidId, OpeningState, TenderId, TenderStatus, UserId};

use crate::procedure::{Action, Phase};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{SealedPrice, exclusive_deadline_lock, freeze_if_due};
use crate::{
    app::AppState,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    error::{AppError, FieldError},
    schema::{opening_keys, tender_key_shares, tender_seals, tenders},
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
    /// Lots whose price this reader may not see yet: the lot's auction has not closed, and
    /// the sealed price would tell which anonymous bidder the company is
    /// ([`crate::ocds::withheld`]).
    #[serde(default)]
    pub withheld_lots: Vec<i32>,
    /// The documents' names, sizes and hashes are withheld from this reader too while a lot's
    /// auction has not closed: a templated price form's hash could be guessed.
    #[serde(default)]
    pub documents_withheld: bool,
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
    let mut transcript: Option<Transcript> = transcript
        .map(|t| serde_json::from_str(&t).map_err(AppError::internal))
        .transpose()?;
    if let Some(t) = transcript.as_mut() {
        withhold_auction_prices(conn, viewer, st.buyer_id, t)?;
    }
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

/// Takes out of `transcript` the companies' sealed prices `viewer` may not see yet (lots
/// whose auction has not closed), but for the viewer's own company's.
fn withhold_auction_prices(
    conn: &mut DbConnection,
    viewer: Option<&CurrentUser>,
    buyer_id: crate::domain::BuyerId,
    transcript: &mut Transcript,
) -> Result<(), AppError> {
    if crate::ocds::sees_sealed_prices(viewer, buyer_id) {
        return Ok(());
    }
    let withheld = crate::ocds::withheld_lots(conn, transcript.tender_id)?;
    if withheld.is_empty() {
        return Ok(());
    }
    let own_ruc: Option<String> = match viewer.and_then(|v| v.supplier_id) {
        Some(supplier) => Some(
            crate::schema::suppliers::table
                .find(supplier)
                .select(crate::schema::suppliers::ruc)
                .first(conn)?,
        ),
        None => None,
    };
    for bid in &mut transcript.bids {
        if own_ruc.as_deref() == Some(bid.supplier_ruc.as_str()) {
            continue;
        }
        bid.withheld_lots = bid
            .prices
            .iter()
            .map(|p| p.lot)
            .filter(|lot| withheld.contains(lot))
            .collect();
        bid.prices.retain(|p| !withheld.contains(&p.lot));
        bid.documents_withheld = !bid.documents.is_empty();
        bid.documents.clear();
    }
    Ok(())
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
