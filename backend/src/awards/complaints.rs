//! Complaints (recursos de apelación) against an award during its standstill, and their
//! decision by an officer of the buyer other than the one who awarded.
//!
//! - Any bidder whose bid was opened, except the winner, may file one complaint per award
//!   while the standstill runs, with grounds and documents. While a complaint is undecided the award cannot become
//!   final.
//! - Upheld: the award is cancelled, the tender goes back to `closed` for that lot, and the
//!   lot may be awarded again to the next-ranked valid bid (the cancelled winner is
//!   excluded), through the same red-flag guard. Dismissed: the award stands.
//! - Complaints and decisions are public; each is an audit event on the tender's chain.

use crate::domain::{
    AwardId, AwardStatus, BidId, ComplaintId, ComplaintStatus, SupplierId, TenderId, UserId,
};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{RankedBid, check_text, decide_lot, tender_chain_event, tender_event, tender_facts};
use crate::procedure::Action;
use crate::{
    app::AppState,
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{awards, complaint_documents, complaints, users},
    tenders as tender_rules,
};

// Attachments are shared with contracts (`super::attachments`); callers name them here too.
use super::attachments::store_attachments;
pub use super::attachments::{AttachedDocument, MAX_ATTACHMENTS, decode_documents};

/// A complaint as anyone sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComplaintView {
    /// Id.
    pub id: ComplaintId,
    /// The award complained about.
    pub award_id: AwardId,
    /// Complainant's RUC.
    pub supplier_ruc: String,
    /// Complainant's legal name.
    pub supplier_name: String,
    /// Grounds.
    pub grounds: String,
    /// Filed (UTC).
    #[serde(with = "crate::domain::utc")]
    pub filed_at: NaiveDateTime,
    /// filed, upheld or dismissed.
    pub status: ComplaintStatus,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub decided_at: Option<NaiveDateTime>,
    /// Reasoning of the decision.
    pub reasoning: Option<String>,
    /// Attached documents.
    pub documents: Vec<AttachedDocument>,
}

/// A complaint to file.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ComplaintInput {
    /// Grounds (required).
    #[schema(required = true, min_length = 1)]
    #[serde(default)]
    pub grounds: String,
    /// Supporting documents (name and base64 content), at most five.
    #[serde(default)]
    pub documents: Vec<crate::bids::DocumentInput>,
}

/// A decision on a complaint.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ComplaintDecisionInput)]
pub struct DecisionInput {
    /// upheld or dismissed.
    #[serde(default)]
    pub decision: String,
    /// Reasoning (required).
    #[serde(default)]
    pub reasoning: String,
}

/// May the user's company complain about an award with this ranking and winning bid: a
/// supplier whose company's bid on the lot was opened (it is ranked), and lost. The page
/// shows the form ([`super::oversight::award_for_complainant`]), and [`file`] accepts it, by
/// this rule.
pub fn may_complain(user: &CurrentUser, ranking: &[RankedBid], winning_bid: Option<BidId>) -> bool {
    user.role == Role::Supplier
        && user.supplier_id.is_some_and(|s| {
            ranking
                .iter()
                .any(|b| b.supplier_id == s && Some(b.bid_id) != winning_bid)
        })
}

/// Files a complaint with its documents ([`file_in`]) and wakes the outbox for the officers'
/// notice: what the complaint page and the JSON route both do.
#[tracing::instrument(skip(app, user, grounds, files), fields(user = user.id.get()))]
pub async fn file(
    app: &AppState,
    user: &CurrentUser,
    award_id: AwardId,
    grounds: String,
    files: Vec<crate::bids::Attachment>,
) -> Result<ComplaintId, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    let complaint = app
        .db
        .run(move |conn| {
            file_in(
                conn,
                &state.settings,
                now,
                &user,
                award_id,
                &grounds,
                &files,
            )
        })
        .await?;
    app.wake_outbox();
    Ok(complaint)
}

/// Files a complaint against a pending award (a losing bidder of the tender, during the
/// standstill), and tells the officers who may decide it.
pub fn file_in(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    now: NaiveDateTime,
    user: &CurrentUser,
    award_id: AwardId,
    grounds: &str,
    files: &[crate::bids::Attachment],
) -> Result<ComplaintId, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    // Only the lot's losing bidders may complain: checked before anything else is looked at.
    let bidder_of =
        |conn: &mut DbConnection| -> Result<(TenderId, AwardStatus, Option<NaiveDateTime>), AppError> {
            let (tender_id, status, ends, winning_bid, ranking): (
                TenderId,
                AwardStatus,
                Option<NaiveDateTime>,
                Option<BidId>,
                String,
            ) = awards::table
                .find(award_id)
                .select((
                    awards::tender_id,
                    awards::status,
                    awards::standstill_ends_at,
                    awards::bid_id,
                    awards::ranking,
                ))
                .first(conn)?;
            let ranking: Vec<RankedBid> = serde_json::from_str(&ranking).unwrap_or_default();
            if !may_complain(user, &ranking, winning_bid) {
                return Err(AppError::Forbidden);
            }
            Ok((tender_id, status, ends))
        };
    // Who may complain, and whether the procedure takes complaints now, are settled before
    // the grounds are judged.
    let (tender_id, _, _) = bidder_of(conn)?;
    tender_rules::state(conn, tender_id)?.require(Action::Complain, now)?;
    let mut errors = Vec::new();
    let grounds = check_text(grounds, "grounds", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let stored = store_attachments(&settings.data_dir, files, settings.upload_max_bytes)?;
    write_transaction(conn, |conn| {
        let (tender_id, status, ends) = bidder_of(conn)?;
        tender_rules::state(conn, tender_id)?.require(Action::Complain, now)?;
        if status != AwardStatus::Pending || ends.is_none_or(|end| now >= end) {
            return Err(AppError::field("grounds", "standstill_over"));
        }
        let already: i64 = complaints::table
            .filter(complaints::award_id.eq(award_id))
            .filter(complaints::supplier_id.eq(supplier_id))
            .filter(complaints::status.eq(ComplaintStatus::Filed))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Err(AppError::Conflict(FieldError::new(
                "grounds",
                "complaint_already_filed",
            )));
        }
        let id: ComplaintId = diesel::insert_into(complaints::table)
            .values((
                complaints::award_id.eq(award_id),
                complaints::supplier_id.eq(supplier_id),
                complaints::filed_by.eq(user.id),
                complaints::grounds.eq(&grounds),
                complaints::filed_at.eq(now),
                complaints::status.eq(ComplaintStatus::Filed),
            ))
            .returning(complaints::id)
            .get_result(conn)?;
        for (i, blob) in stored.iter().enumerate() {
            crate::blobs::register_blob(conn, blob, now)?;
            diesel::insert_into(complaint_documents::table)
                .values((
                    complaint_documents::complaint_id.eq(id),
                    complaint_documents::position.eq(i32::try_from(i).unwrap_or(0) + 1),
                    complaint_documents::sha256.eq(&blob.sha256),
                    complaint_documents::filename.eq(&blob.filename),
                ))
                .execute(conn)?;
        }
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "complaint",
            id,
            "complaint.filed",
            json!({
                "award": award_id,
                "grounds": grounds,
                "documents": stored.iter().map(|b| json!({"name": b.filename, "sha256": b.sha256})).collect::<Vec<_>>(),
            }),
        )?;
        notify_deciders(conn, settings, now, tender_id, award_id, id, &grounds)?;
        Ok(id)
    })
}

/// Tells the buyer's officers who may decide a new complaint (all but the one who awarded)
/// that it is waiting, with the link to its decision page.
fn notify_deciders(
    conn: &mut DbConnection,
    settings: &crate::config::Settings,
    now: NaiveDateTime,
    tender_id: TenderId,
    award_id: AwardId,
    complaint_id: ComplaintId,
    grounds: &str,
) -> Result<(), AppError> {
    let facts = tender_facts(conn, tender_id)?;
    let (awarded_by, lot): (UserId, i32) = awards::table
        .find(award_id)
        .select((awards::awarded_by, awards::lot_number))
        .first(conn)?;
    let deciders: Vec<(String, String, String)> = users::table
        .filter(users::buyer_id.eq(facts.buyer_id))
        .filter(users::role.eq("officer"))
        .filter(users::active.eq(true))
        .filter(users::id.ne(awarded_by))
        .order(users::id)
        .select((users::email, users::display_name, users::locale))
        .load(conn)?;
    let link = format!(
        "{}/adjudicaciones/{award_id}/apelaciones/{complaint_id}",
        settings.public_url
    );
    for (email, name, locale) in deciders {
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let args = [
            ("name", name),
            ("title", facts.title.clone()),
            ("ocid", facts.ocid.clone()),
            ("lot", lot.to_string()),
            ("grounds", grounds.to_owned()),
            ("link", link.clone()),
        ];
        mail::queue(
            conn,
            now,
            &OutgoingMail {
                to: email,
                subject: t_args(lang, "email-complaint-filed-subject", &args),
                body: t_args(lang, "email-complaint-filed-body", &args),
            },
        )?;
    }
    Ok(())
}

/// Decides a complaint ([`decide_in`]) and wakes the outbox for the parties' notices.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn decide(
    app: &AppState,
    user: &CurrentUser,
    complaint_id: ComplaintId,
    input: DecisionInput,
) -> Result<(), AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| decide_in(conn, now, &user, complaint_id, &input))
        .await?;
    app.wake_outbox();
    Ok(())
}

/// Decides a complaint (an officer of the buyer who did not make the award).
pub fn decide_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    complaint_id: ComplaintId,
    input: &DecisionInput,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let (award_id, status, filed_by): (AwardId, ComplaintStatus, UserId) = complaints::table
            .find(complaint_id)
            .select((
                complaints::award_id,
                complaints::status,
                complaints::filed_by,
            ))
            .first(conn)?;
        let (tender_id, awarded_by, award_status, lot): (TenderId, UserId, AwardStatus, i32) =
            awards::table
                .find(award_id)
                .select((
                    awards::tender_id,
                    awards::awarded_by,
                    awards::status,
                    awards::lot_number,
                ))
                .first(conn)?;
        let facts = tender_facts(conn, tender_id)?;
        tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
        tender_rules::state(conn, tender_id)?.require(Action::DecideComplaint, now)?;
        let mut errors = Vec::new();
        if !["upheld", "dismissed"].contains(&input.decision.as_str()) {
            errors.push(FieldError::new(
                "decision",
                if input.decision.is_empty() {
                    "required"
                } else {
                    "invalid_choice"
                },
            ));
        }
        let reasoning = check_text(&input.reasoning, "reasoning", &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if user.id == awarded_by {
            return Err(AppError::field("decision", "decider_made_the_award"));
        }
        if status != ComplaintStatus::Filed {
            return Err(AppError::Conflict(FieldError::new(
                "decision",
                "complaint_already_decided",
            )));
        }
        diesel::update(complaints::table.find(complaint_id))
            .set((
                complaints::status.eq(&input.decision),
                complaints::decided_by.eq(user.id),
                complaints::decided_at.eq(now),
                complaints::reasoning.eq(&reasoning),
            ))
            .execute(conn)?;
        let upheld = input.decision == "upheld";
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "complaint",
            complaint_id,
            if upheld {
                "complaint.upheld"
            } else {
                "complaint.dismissed"
            },
            json!({"award": award_id, "reasoning": reasoning}),
        )?;
        if upheld && award_status == AwardStatus::Pending {
            diesel::update(awards::table.find(award_id))
                .set((
                    awards::status.eq(AwardStatus::Cancelled),
                    awards::cancelled_at.eq(now),
                ))
                .execute(conn)?;
            decide_lot(
                conn,
                now,
                Some(user),
                tender_id,
                tender_chain_event(
                    tender_id,
                    "award",
                    award_id,
                    "award.cancelled",
                    json!({"lot": lot, "complaint": complaint_id}),
                ),
            )?;
        }
        // The complainant hears the decision.
        let (email, name, locale): (String, String, String) = users::table
            .find(filed_by)
            .select((users::email, users::display_name, users::locale))
            .first(conn)?;
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let args = [
            ("name", name),
            ("title", facts.title.clone()),
            ("ocid", facts.ocid.clone()),
            ("lot", lot.to_string()),
            (
                "decision",
                crate::i18n::t(lang, &format!("complaint-status-{}", input.decision)),
            ),
            ("reasoning", reasoning.clone()),
        ];
        mail::queue(
            conn,
            now,
            &OutgoingMail {
                to: email,
                subject: t_args(lang, "email-complaint-decided-subject", &args),
                body: t_args(lang, "email-complaint-decided-body", &args),
            },
        )
    })
}

/// The complaints against these awards, oldest first.
pub(crate) fn for_awards(
    conn: &mut DbConnection,
    award_ids: &[AwardId],
) -> Result<Vec<ComplaintView>, AppError> {
    #[expect(clippy::type_complexity, reason = "one row of a multi-column select")]
    let rows: Vec<(
        ComplaintId,
        AwardId,
        SupplierId,
        String,
        NaiveDateTime,
        ComplaintStatus,
        Option<UserId>,
        Option<NaiveDateTime>,
        Option<String>,
    )> = complaints::table
        .filter(complaints::award_id.eq_any(award_ids))
        .order(complaints::id)
        .select((
            complaints::id,
            complaints::award_id,
            complaints::supplier_id,
            complaints::grounds,
            complaints::filed_at,
            complaints::status,
            complaints::decided_by,
            complaints::decided_at,
            complaints::reasoning,
        ))
        .load(conn)?;
    let suppliers: Vec<SupplierId> = rows.iter().map(|r| r.2).collect();
    let names = crate::bids::supplier_names(conn, &suppliers)?;
    let deciders: Vec<UserId> = rows.iter().filter_map(|r| r.6).collect();
    let people = crate::bids::user_names(conn, &deciders)?;
    let ids: Vec<ComplaintId> = rows.iter().map(|r| r.0).collect();
    let docs: Vec<(ComplaintId, i32, String, String)> = complaint_documents::table
        .filter(complaint_documents::complaint_id.eq_any(&ids))
        .order((
            complaint_documents::complaint_id,
            complaint_documents::position,
        ))
        .select((
            complaint_documents::complaint_id,
            complaint_documents::position,
            complaint_documents::filename,
            complaint_documents::sha256,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (ruc, name) = names.get(&r.2).cloned().unwrap_or_default();
            ComplaintView {
                id: r.0,
                award_id: r.1,
                supplier_ruc: ruc,
                supplier_name: name,
                grounds: r.3,
                filed_at: r.4,
                status: r.5,
                decided_by: r.6.and_then(|u| people.get(&u).cloned()),
                decided_at: r.7,
                reasoning: r.8,
                documents: docs
                    .iter()
                    .filter(|d| d.0 == r.0)
                    .map(|d| AttachedDocument {
                        position: d.1,
                        filename: d.2.clone(),
                        sha256: d.3.clone(),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Document `position` of a complaint, for download (anyone, like the complaint).
pub async fn document(
    app: &AppState,
    complaint_id: ComplaintId,
    position: i32,
) -> Result<crate::blobs::Download, AppError> {
    let (sha256, filename) = app
        .db
        .run(move |conn| document_in(conn, complaint_id, position))
        .await?;
    crate::blobs::download(&app.db, &app.settings.data_dir, sha256, filename, true).await
}

/// A complaint's attached document: its blob and name, for download (public, like the
/// complaint).
pub fn document_in(
    conn: &mut DbConnection,
    complaint_id: ComplaintId,
    position: i32,
) -> Result<(String, String), AppError> {
    Ok(complaint_documents::table
        .filter(complaint_documents::complaint_id.eq(complaint_id))
        .filter(complaint_documents::position.eq(position))
        .select((complaint_documents::sha256, complaint_documents::filename))
        .first(conn)?)
}
