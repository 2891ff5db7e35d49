//! The award of a lot (otorgamiento de la buena pro): the preview with its red flags, the decision with their justifications, the standstill and the bidders' notices.

use super::*;
use crate::domain::{AwardId, AwardStatus, BidStatus, TenderId};
use crate::procedure;

pub(super) fn preview_of(
    conn: &mut DbConnection,
    facts: &TenderFacts,
    lot_number: i32,
) -> Result<(AwardPreview, i64), AppError> {
    let criteria = criteria(conn, facts.id)?;
    let Some(lot) = lots(conn, facts.id)?
        .into_iter()
        .find(|l| l.number == lot_number)
    else {
        return Err(AppError::NotFound);
    };
    let sheet = lot_sheet(conn, facts, &criteria, &lot)?;
    let winner = sheet.ranking.iter().find(|b| b.rank == Some(1)).cloned();
    let shared = winner.is_some() && documents_shared(conn, &sheet.ranking)?;
    let auction = crate::auction::outcome(conn, facts.id, lot_number)?;
    let mut flags: Vec<&str> = winner
        .as_ref()
        .map(|w| red_flags(facts, lot.estimated_value, &sheet.ranking, w, shared))
        .unwrap_or_default();
    if let (Some(w), crate::auction::Outcome::Closed(prices)) = (&winner, &auction) {
        let others: Vec<i64> = prices
            .iter()
            .filter(|(bid, _)| **bid != w.bid_id)
            .map(|(_, place)| place.opening)
            .collect();
        let next = sheet
            .ranking
            .iter()
            .filter(|b| b.rank.is_some_and(|r| r > 1))
            .min_by_key(|b| b.rank)
            .map(|b| b.price_minor);
        if crate::auction::rules::abnormally_low(w.price_minor, &others, next) {
            flags.push("abnormally_low_price");
        }
    }
    let flags: Vec<String> = flags.into_iter().map(str::to_owned).collect();
    let blocked_by = if sheet.award_id.is_some() {
        Some("lot_already_decided")
    } else if !sheet.complete {
        Some("evaluation_incomplete")
    } else if auction == crate::auction::Outcome::NotClosed {
        Some("auction_not_closed")
    } else if auction == crate::auction::Outcome::NoAuction
        && lot.electronic_auction
        && sheet
            .ranking
            .iter()
            .filter(|b| b.evaluation == Evaluation::Valid)
            .count()
            >= crate::auction::record::MIN_BIDDERS
    {
        // Enough admitted offers for an auction: the lot is decided by one, not on the
        // sealed prices.
        Some("auction_required")
    } else {
        None
    };
    Ok((
        AwardPreview {
            lot: sheet,
            winner,
            flags,
            blocked_by,
        },
        lot.estimated_value,
    ))
}

/// Do two different bidders on this lot hand in the same document (one SHA-256)? A copied
/// proposal is a sign that the bids were prepared together.
pub(crate) fn documents_shared(
    conn: &mut DbConnection,
    ranking: &[RankedBid],
) -> Result<bool, AppError> {
    use crate::schema::bid_documents;
    let ids: Vec<BidId> = ranking.iter().map(|b| b.bid_id).collect();
    let owner: std::collections::HashMap<BidId, SupplierId> =
        ranking.iter().map(|b| (b.bid_id, b.supplier_id)).collect();
    let documents: Vec<(BidId, String)> = bid_documents::table
        .filter(bid_documents::bid_id.eq_any(&ids))
        .select((bid_documents::bid_id, bid_documents::sha256))
        .load(conn)?;
    Ok(shared_across_bidders(documents.into_iter().filter_map(
        |(bid, sha256)| owner.get(&bid).map(|supplier| (*supplier, sha256)),
    )))
}

/// Does one document (SHA-256) come from two different companies?
pub(crate) fn shared_across_bidders(
    documents: impl IntoIterator<Item = (SupplierId, String)>,
) -> bool {
    let mut first_from: std::collections::HashMap<String, SupplierId> =
        std::collections::HashMap::new();
    for (supplier, sha256) in documents {
        match first_from.get(&sha256) {
            Some(other) if *other != supplier => return true,
            Some(_) => {}
            None => {
                first_from.insert(sha256, supplier);
            }
        }
    }
    false
}

/// What awarding the lot now would do, and the red flags it raises (officers of the buyer
/// and auditors).
pub async fn preview(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    lot_number: i32,
) -> Result<AwardPreview, AppError> {
    let user = user.clone();
    app.db
        .run(move |conn| preview_in(conn, &user, tender_id, lot_number))
        .await
}

/// The step of [`preview`], in the caller's connection.
pub fn preview_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    lot_number: i32,
) -> Result<AwardPreview, AppError> {
    let facts = tender_facts(conn, tender_id)?;
    if user.role != Role::Auditor {
        tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
    }
    require_opened(&facts, procedure::Action::Award)?;
    Ok(preview_of(conn, &facts, lot_number)?.0)
}

/// Awards lot `lot_number` of the tender ([`award_in`]) and wakes the outbox for the notices
/// to every bidder and the checkpointer: what the award page and the JSON route both do.
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn award(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    lot_number: i32,
    input: AwardInput,
) -> Result<AwardId, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    let award = app
        .db
        .run(move |conn| {
            award_in(
                conn,
                now,
                &state.calendar,
                &state.settings,
                &user,
                tender_id,
                lot_number,
                &input,
            )
        })
        .await?;
    app.wake_outbox();
    app.wake_checkpoints();
    Ok(award)
}

/// Awards the lot to its top-ranked valid bid, or declares it unsuccessful when there is
/// none. Every red flag needs a justification. Starts the standstill and emails every bidder
/// the result with the ranking. Officers of the buyer.
#[expect(
    clippy::too_many_arguments,
    reason = "a service call takes the request's context and its inputs"
)]
pub fn award_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    calendar: &Calendar,
    settings: &crate::config::Settings,
    user: &CurrentUser,
    tender_id: TenderId,
    lot_number: i32,
    input: &AwardInput,
) -> Result<AwardId, AppError> {
    write_transaction(conn, |conn| {
        let facts = tender_facts(conn, tender_id)?;
        tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
        require_opened(&facts, procedure::Action::Award)?;
        let (preview, _) = preview_of(conn, &facts, lot_number)?;
        if let Some(reason) = preview.blocked_by {
            return Err(AppError::field("award", reason));
        }
        let mut errors = Vec::new();
        let justification = check_text(&input.justification, "justification", &mut errors);
        let mut flags = Vec::new();
        for code in &preview.flags {
            let field = format!("flag_{code}");
            let text = input
                .flag_justifications
                .get(code)
                .map(String::as_str)
                .unwrap_or("");
            let text = check_text(text, &field, &mut errors);
            flags.push((code.clone(), text));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let ranking = serde_json::to_string(&preview.lot.ranking).map_err(AppError::internal)?;
        let (status, standstill) = match &preview.winner {
            Some(_) => {
                let days = settings
                    .standstill_days
                    .get(&facts.method)
                    .copied()
                    .unwrap_or(5);
                let end = calendar.end_of_period(now.and_utc(), days).naive_utc();
                (AwardStatus::Pending, Some(end))
            }
            None => (AwardStatus::Unsuccessful, None),
        };
        let id: AwardId = diesel::insert_into(awards::table)
            .values((
                awards::tender_id.eq(tender_id),
                awards::lot_number.eq(lot_number),
                awards::bid_id.eq(preview.winner.as_ref().map(|w| w.bid_id)),
                awards::status.eq(status),
                awards::amount.eq(preview.winner.as_ref().map(|w| w.price_minor)),
                awards::currency.eq(facts.currency.code()),
                awards::ranking.eq(&ranking),
                awards::justification.eq(&justification),
                awards::awarded_by.eq(user.id),
                awards::awarded_at.eq(now),
                awards::standstill_ends_at.eq(standstill),
            ))
            .returning(awards::id)
            .get_result(conn)
            .map_err(|e| {
                if crate::error::is_unique_violation(&e) {
                    AppError::Conflict(FieldError::new("award", "lot_already_decided"))
                } else {
                    e.into()
                }
            })?;
        for (code, text) in &flags {
            diesel::insert_into(award_flags::table)
                .values((
                    award_flags::award_id.eq(id),
                    award_flags::code.eq(code),
                    award_flags::justification.eq(text),
                    award_flags::raised_at.eq(now),
                ))
                .execute(conn)?;
        }
        decide_lot(
            conn,
            now,
            Some(user),
            tender_id,
            tender_chain_event(
                tender_id,
                "award",
                id,
                if status == AwardStatus::Pending {
                    "award.made"
                } else {
                    "lot.declared_unsuccessful"
                },
                json!({
                    "lot": lot_number,
                    "bid": preview.winner.as_ref().map(|w| w.bid_id),
                    "amount": preview.winner.as_ref().map(|w| w.price.clone()),
                    "justification": justification,
                    "flags": flags.iter().map(|(c, j)| json!({"code": c, "justification": j})).collect::<Vec<_>>(),
                    "standstill_ends_at": standstill.map(crate::domain::utc::format),
                }),
            ),
        )?;
        let link = format!(
            "{}/licitaciones/{tender_id}/adjudicacion",
            settings.public_url
        );
        notify_bidders(conn, now, &facts, lot_number, &preview, standstill, &link)?;
        Ok(id)
    })
}

/// Records `event` (a lot's decision, or its undoing) on the tender's chain through the
/// tender's procedure ([`procedure::apply`]): the tender is `awarded` when every lot has a
/// live decision and at least one was awarded, `unsuccessful` when every lot was declared so,
/// and `closed` while a lot waits (after a complaint cancelled its award).
pub(crate) fn decide_lot(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: Option<&CurrentUser>,
    tender_id: TenderId,
    event: crate::audit::NewEvent,
) -> Result<(), AppError> {
    let lot_count: i64 = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .count()
        .get_result(conn)?;
    let live: Vec<AwardStatus> = awards::table
        .filter(awards::tender_id.eq(tender_id))
        .filter(awards::status.ne(AwardStatus::Cancelled))
        .select(awards::status)
        .load(conn)?;
    let status = if i64::try_from(live.len()).unwrap_or(0) < lot_count {
        TenderStatus::Closed
    } else if live.iter().all(|s| *s == AwardStatus::Unsuccessful) {
        TenderStatus::Unsuccessful
    } else {
        TenderStatus::Awarded
    };
    let actor = user.map_or_else(Actor::system, |u| Actor::user(u.id, u.role));
    procedure::apply(
        conn,
        tender_id,
        procedure::Transition::Decide,
        status,
        now,
        &actor,
        event,
    )
}

/// Every bidder whose bid was opened, with the address and language of who submitted it.
pub(crate) fn bidder_contacts(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(bids::table
        .inner_join(users::table.on(users::id.eq(bids::submitted_by)))
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::status.eq(BidStatus::Submitted))
        .order(bids::id)
        .select((users::email, users::display_name, users::locale))
        .load(conn)?)
}

pub(super) fn notify_bidders(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    facts: &TenderFacts,
    lot_number: i32,
    preview: &AwardPreview,
    standstill: Option<NaiveDateTime>,
    link: &str,
) -> Result<(), AppError> {
    for (email, name, locale) in bidder_contacts(conn, facts.id)? {
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let ranking = preview
            .lot
            .ranking
            .iter()
            .map(|b| {
                let place = b.rank.map_or_else(|| "-".to_owned(), |r| r.to_string());
                let state = crate::i18n::t(lang, &format!("evaluation-{}", b.evaluation));
                format!(
                    "{place}. {} ({}) {} {} — {state}{}",
                    b.supplier_name,
                    b.supplier_ruc,
                    facts.currency.symbol(),
                    b.price,
                    b.total_points
                        .as_deref()
                        .map(|t| format!(" · {t}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let args = [
            ("name", name.clone()),
            ("title", facts.title.clone()),
            ("ocid", facts.ocid.clone()),
            ("lot", lot_number.to_string()),
            (
                "winner",
                preview
                    .winner
                    .as_ref()
                    .map(|w| format!("{} ({})", w.supplier_name, w.supplier_ruc))
                    .unwrap_or_default(),
            ),
            (
                "amount",
                preview
                    .winner
                    .as_ref()
                    .map(|w| format!("{} {}", facts.currency.symbol(), w.price))
                    .unwrap_or_default(),
            ),
            ("ranking", ranking),
            ("link", link.to_owned()),
            (
                "standstill_end",
                standstill
                    .map(tender_rules::lima_input_value)
                    .unwrap_or_default(),
            ),
        ];
        let key = if preview.winner.is_some() {
            "email-award"
        } else {
            "email-unsuccessful"
        };
        mail::queue(
            conn,
            now,
            &OutgoingMail {
                to: email,
                subject: t_args(lang, &format!("{key}-subject"), &args),
                body: t_args(lang, &format!("{key}-body"), &args),
            },
        )?;
    }
    Ok(())
}
