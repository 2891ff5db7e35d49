//! Evaluation after the opening: each bid's admissibility and scores per lot, the ranking, and the evaluation sheet.

use super::*;
use crate::domain::{AwardId, AwardStatus, BidId, BidStatus, TenderId};

/// Evaluating and awarding need the opening done and the tender not cancelled: the tender's
/// procedure decides ([`crate::procedure::Action::Evaluate`], `Award`).
pub(super) fn require_opened(
    facts: &TenderFacts,
    action: crate::procedure::Action,
) -> Result<(), AppError> {
    use crate::procedure::Phase;
    // Past the deadlines (or cancelled) the stored status and the seal tell the phase; an
    // unopened tender's phase before its opening does not matter to these actions.
    let phase = match facts.status {
        TenderStatus::Cancelled => Phase::Cancelled,
        TenderStatus::Awarded => Phase::Awarded,
        TenderStatus::Unsuccessful => Phase::Unsuccessful,
        _ if facts.opened => Phase::Evaluation,
        _ => Phase::SubmissionClosed,
    };
    crate::procedure::of(facts.method, facts.auctioned).require(phase, action)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StoredScore {
    pub(super) criterion: i32,
    pub(super) points: String,
    pub(super) comment: String,
}

pub(super) struct Criteria {
    pub(super) price_weight: i32,
    pub(super) quality: Vec<QualityCriterion>,
}

pub(super) fn criteria(conn: &mut DbConnection, tender_id: TenderId) -> Result<Criteria, AppError> {
    let rows: Vec<(i32, String, String, i32)> = tender_criteria::table
        .filter(tender_criteria::tender_id.eq(tender_id))
        .order(tender_criteria::position)
        .select((
            tender_criteria::position,
            tender_criteria::kind,
            tender_criteria::name,
            tender_criteria::weight,
        ))
        .load(conn)?;
    let price_weight = rows
        .iter()
        .find(|r| r.1 == "price")
        .map(|r| r.3)
        .unwrap_or(100);
    Ok(Criteria {
        price_weight,
        quality: rows
            .into_iter()
            .filter(|r| r.1 == "quality")
            .map(|(position, _, name, weight)| QualityCriterion {
                position,
                name,
                weight,
            })
            .collect(),
    })
}

pub(super) struct LotRow {
    pub(super) number: i32,
    pub(super) title: String,
    pub(super) estimated_value: i64,
    /// Bid down in an electronic auction before the award.
    pub(super) electronic_auction: bool,
}

pub(super) fn lots(conn: &mut DbConnection, tender_id: TenderId) -> Result<Vec<LotRow>, AppError> {
    Ok(tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select((
            tender_lots::number,
            tender_lots::title,
            tender_lots::estimated_value,
            tender_lots::electronic_auction,
        ))
        .load::<(i32, String, i64, bool)>(conn)?
        .into_iter()
        .map(
            |(number, title, estimated_value, electronic_auction)| LotRow {
                number,
                title,
                estimated_value,
                electronic_auction,
            },
        )
        .collect())
}

pub(super) type EvaluationRow = (BidId, bool, Option<String>, Option<String>, String);

/// The lot's bids with their evaluations, ranked.
pub(super) fn lot_sheet(
    conn: &mut DbConnection,
    facts: &TenderFacts,
    criteria: &Criteria,
    lot: &LotRow,
) -> Result<LotEvaluation, AppError> {
    let priced: Vec<(BidId, SupplierId, NaiveDateTime, i64)> = bids::table
        .inner_join(bid_prices::table)
        .filter(bids::tender_id.eq(facts.id))
        .filter(bids::status.eq(BidStatus::Submitted))
        .filter(bids::opening_result.eq("opened"))
        .filter(bid_prices::lot_number.eq(lot.number))
        .order(bids::id)
        .select((
            bids::id,
            bids::supplier_id,
            bids::submitted_at,
            bid_prices::amount,
        ))
        .load(conn)?;
    // A lot bid down in its auction is ranked on the final prices, equal ones in the order
    // the auction reached them.
    let finals = match crate::auction::outcome(conn, facts.id, lot.number)? {
        crate::auction::Outcome::Closed(finals) => finals,
        _ => Default::default(),
    };
    let priced: Vec<_> = priced
        .into_iter()
        .map(|(bid, supplier, at, sealed)| {
            (
                bid,
                supplier,
                at,
                finals.get(&bid).map_or(sealed, |place| place.last),
            )
        })
        .collect();
    let ids: Vec<BidId> = priced.iter().map(|p| p.0).collect();
    let evaluations: BTreeMap<BidId, EvaluationRow> = bid_evaluations::table
        .filter(bid_evaluations::bid_id.eq_any(&ids))
        .filter(bid_evaluations::lot_number.eq(lot.number))
        .select((
            bid_evaluations::bid_id,
            bid_evaluations::admissible,
            bid_evaluations::disqualification_ground,
            bid_evaluations::disqualification_note,
            bid_evaluations::scores,
        ))
        .load::<EvaluationRow>(conn)?
        .into_iter()
        .map(|e| (e.0, e))
        .collect();
    let excluded: Vec<BidId> = awards::table
        .filter(awards::tender_id.eq(facts.id))
        .filter(awards::lot_number.eq(lot.number))
        .filter(awards::status.eq(AwardStatus::Cancelled))
        .filter(awards::bid_id.is_not_null())
        .select(awards::bid_id.assume_not_null())
        .load(conn)?;
    let award_id: Option<AwardId> = awards::table
        .filter(awards::tender_id.eq(facts.id))
        .filter(awards::lot_number.eq(lot.number))
        .filter(awards::status.ne(AwardStatus::Cancelled))
        .select(awards::id)
        .first(conn)
        .optional()?;
    let suppliers: Vec<SupplierId> = priced.iter().map(|p| p.1).collect();
    let names = crate::bids::supplier_names(conn, &suppliers)?;
    let entries = priced
        .into_iter()
        .map(|(bid_id, supplier_id, submitted_at, amount)| {
            let (ruc, name) = names.get(&supplier_id).cloned().unwrap_or_default();
            let (evaluation, ground, note, scores) = match evaluations.get(&bid_id) {
                _ if excluded.contains(&bid_id) => (Evaluation::Excluded, None, None, Vec::new()),
                None => (Evaluation::Pending, None, None, Vec::new()),
                Some((_, admissible, ground, note, scores)) => {
                    let stored: Vec<StoredScore> = serde_json::from_str(scores).unwrap_or_default();
                    let scores = stored
                        .into_iter()
                        .filter_map(|s| {
                            let c = criteria
                                .quality
                                .iter()
                                .find(|c| c.position == s.criterion)?;
                            Some(Score {
                                criterion: s.criterion,
                                name: c.name.clone(),
                                max: c.weight,
                                points: s.points,
                                comment: s.comment,
                            })
                        })
                        .collect();
                    (
                        if *admissible {
                            Evaluation::Valid
                        } else {
                            Evaluation::Disqualified
                        },
                        ground.clone(),
                        note.clone(),
                        scores,
                    )
                }
            };
            RankedBid {
                bid_id,
                supplier_id,
                supplier_ruc: ruc,
                supplier_name: name,
                submitted_at,
                price: minor_text(amount),
                price_minor: amount,
                evaluation,
                ground,
                note,
                scores,
                price_points: None,
                total_points: None,
                rank: None,
                auction_rank: finals.get(&bid_id).map(|place| place.rank),
            }
        })
        .collect::<Vec<_>>();
    let ranking = rank(facts.criteria, criteria.price_weight, entries);
    Ok(LotEvaluation {
        lot_number: lot.number,
        lot_title: lot.title.clone(),
        estimated_value: minor_text(lot.estimated_value),
        currency: facts.currency,
        complete: ranking.iter().all(|b| b.evaluation != Evaluation::Pending),
        ranking,
        award_id,
    })
}

/// Minor units as a two-decimal amount.
pub fn minor_text(minor: i64) -> String {
    format!("{:.2}", Decimal::new(minor, 2))
}

pub(super) fn points(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

/// Orders a lot's bids by the documented rule (see the module's documentation) and numbers
/// the valid ones. Invalid, excluded and unevaluated bids follow, by price.
pub fn rank(
    criteria: AwardCriteria,
    price_weight: i32,
    mut bids: Vec<RankedBid>,
) -> Vec<RankedBid> {
    let lowest = bids
        .iter()
        .filter(|b| b.evaluation == Evaluation::Valid)
        .map(|b| b.price_minor)
        .min();
    if criteria == AwardCriteria::PriceQuality
        && let Some(lowest) = lowest
    {
        for b in bids
            .iter_mut()
            .filter(|b| b.evaluation == Evaluation::Valid)
        {
            let price_points = (Decimal::from(price_weight) * Decimal::from(lowest)
                / Decimal::from(b.price_minor.max(1)))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let quality: Decimal = b.scores.iter().map(|s| points(&s.points)).sum();
            b.price_points = Some(format!("{price_points:.2}"));
            b.total_points = Some(format!("{:.2}", price_points + quality));
        }
    }
    let class = |b: &RankedBid| match b.evaluation {
        Evaluation::Valid => 0,
        Evaluation::Disqualified => 1,
        Evaluation::Excluded => 2,
        Evaluation::Pending => 3,
    };
    bids.sort_by(|a, b| {
        class(a)
            .cmp(&class(b))
            .then_with(|| {
                let total = |x: &RankedBid| x.total_points.as_deref().map(points);
                total(b).cmp(&total(a))
            })
            .then(a.price_minor.cmp(&b.price_minor))
            .then(a.auction_rank.cmp(&b.auction_rank))
            .then(a.submitted_at.cmp(&b.submitted_at))
            .then(a.bid_id.cmp(&b.bid_id))
    });
    let mut place = 0;
    for b in bids
        .iter_mut()
        .filter(|b| b.evaluation == Evaluation::Valid)
    {
        place += 1;
        b.rank = Some(place);
    }
    bids
}

/// The evaluation sheet of every lot (officers of the buyer and auditors; after the opening).
pub async fn evaluation(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<EvaluationSheet, AppError> {
    let user = user.clone();
    app.db
        .run(move |conn| evaluation_in(conn, &user, tender_id))
        .await
}

/// The step of [`evaluation`], in the caller's connection.
pub fn evaluation_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<EvaluationSheet, AppError> {
    let facts = tender_facts(conn, tender_id)?;
    if user.role != Role::Auditor {
        tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
    }
    require_opened(&facts, crate::procedure::Action::Evaluate)?;
    let criteria = criteria(conn, tender_id)?;
    let lots = lots(conn, tender_id)?
        .iter()
        .map(|lot| lot_sheet(conn, &facts, &criteria, lot))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(EvaluationSheet {
        tender_id,
        title: facts.title,
        award_criteria: facts.criteria,
        price_weight: criteria.price_weight,
        quality_criteria: criteria.quality,
        lots,
    })
}

pub(super) fn check_text(text: &str, field: &str, errors: &mut Vec<FieldError>) -> String {
    let text = text.trim();
    if text.is_empty() {
        errors.push(FieldError::new(field.to_owned(), "required"));
    } else if text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(field.to_owned(), "too_long").arg("max", MAX_TEXT));
    }
    text.to_owned()
}

/// Records the evaluation of one bid on one lot ([`evaluate_in`]).
#[tracing::instrument(skip(app, user, input), fields(user = user.id.get()))]
pub async fn evaluate(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
    lot_number: i32,
    input: EvaluationInput,
) -> Result<(), AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| evaluate_in(conn, now, &user, tender_id, bid_id, lot_number, &input))
        .await
}

/// Records (or corrects) the evaluation of one bid on one lot, while the lot has no live
/// award. Officers of the buyer.
pub fn evaluate_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    tender_id: TenderId,
    bid_id: BidId,
    lot_number: i32,
    input: &EvaluationInput,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let facts = tender_facts(conn, tender_id)?;
        tender_rules::require_staff_of(user, facts.buyer_id, facts.status)?;
        require_opened(&facts, crate::procedure::Action::Evaluate)?;
        let criteria = criteria(conn, tender_id)?;
        let Some(lot) = lots(conn, tender_id)?
            .into_iter()
            .find(|l| l.number == lot_number)
        else {
            return Err(AppError::NotFound);
        };
        let sheet = lot_sheet(conn, &facts, &criteria, &lot)?;
        let Some(entry) = sheet.ranking.iter().find(|b| b.bid_id == bid_id) else {
            return Err(AppError::NotFound);
        };
        if sheet.award_id.is_some() {
            return Err(AppError::field("evaluation", "lot_already_decided"));
        }
        if entry.evaluation == Evaluation::Excluded {
            return Err(AppError::field("evaluation", "bid_excluded"));
        }
        // Admission is settled before the auction: its seats are the offers admitted then.
        if crate::auction::outcome(conn, tender_id, lot_number)?
            != crate::auction::Outcome::NoAuction
        {
            return Err(AppError::field("evaluation", "auction_scheduled"));
        }
        let mut errors = Vec::new();
        let mut stored = Vec::new();
        let (ground, note) = if input.admissible {
            if facts.criteria == AwardCriteria::PriceQuality {
                for c in &criteria.quality {
                    let field = format!("score_{}", c.position);
                    let given = input.scores.iter().find(|s| s.criterion == c.position);
                    let Some(given) = given.filter(|g| !g.points.trim().is_empty()) else {
                        errors
                            .push(FieldError::new(field, "required").arg("criterion", c.position));
                        continue;
                    };
                    match given.points.trim().parse::<Decimal>() {
                        Ok(p)
                            if !p.is_sign_negative()
                                && p <= Decimal::from(c.weight)
                                && p.normalize().scale() <= 2 =>
                        {
                            let comment = check_text(
                                &given.comment,
                                &format!("comment_{}", c.position),
                                &mut errors,
                            );
                            stored.push(StoredScore {
                                criterion: c.position,
                                points: format!("{:.2}", p),
                                comment,
                            });
                        }
                        _ => errors.push(
                            FieldError::new(field, "score_out_of_range")
                                .arg("max", c.weight)
                                .arg("criterion", c.position),
                        ),
                    }
                }
                if let Some(s) = input
                    .scores
                    .iter()
                    .find(|s| !criteria.quality.iter().any(|c| c.position == s.criterion))
                {
                    errors.push(
                        FieldError::new("scores", "criterion_unknown")
                            .arg("criterion", s.criterion),
                    );
                }
            }
            (None, None)
        } else {
            let ground = input
                .disqualification_ground
                .as_deref()
                .unwrap_or("")
                .trim();
            if ground.is_empty() {
                errors.push(FieldError::new("disqualification_ground", "required"));
            } else if !DISQUALIFICATION_GROUNDS.contains(&ground) {
                errors.push(FieldError::new("disqualification_ground", "invalid_choice"));
            }
            let note = check_text(&input.note, "note", &mut errors);
            (Some(ground.to_owned()), Some(note))
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let scores = serde_json::to_string(&stored).map_err(AppError::internal)?;
        diesel::delete(
            bid_evaluations::table
                .filter(bid_evaluations::bid_id.eq(bid_id))
                .filter(bid_evaluations::lot_number.eq(lot_number)),
        )
        .execute(conn)?;
        diesel::insert_into(bid_evaluations::table)
            .values((
                bid_evaluations::bid_id.eq(bid_id),
                bid_evaluations::lot_number.eq(lot_number),
                bid_evaluations::admissible.eq(input.admissible),
                bid_evaluations::disqualification_ground.eq(&ground),
                bid_evaluations::disqualification_note.eq(&note),
                bid_evaluations::scores.eq(&scores),
                bid_evaluations::evaluated_by.eq(user.id),
                bid_evaluations::evaluated_at.eq(now),
            ))
            .execute(conn)?;
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "bid",
            bid_id,
            "bid.evaluated",
            json!({
                "lot": lot_number,
                "admissible": input.admissible,
                "ground": ground,
                "note": note,
                "scores": stored,
                "previous": entry.evaluation,
            }),
        )
    })
}

/// Appends an event about `entity` to the tender's chain, so a tender's whole life after the
/// opening reads in one chain.
#[expect(
    clippy::too_many_arguments,
    reason = "a service call takes the request's context and its inputs"
)]
pub(crate) fn tender_event(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: Option<&CurrentUser>,
    tender_id: TenderId,
    entity_type: &'static str,
    entity_id: impl std::fmt::Display,
    action: &'static str,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    let actor = user.map_or_else(Actor::system, |u| Actor::user(u.id, u.role));
    audit::record(
        conn,
        now,
        &actor,
        tender_chain_event(tender_id, entity_type, entity_id, action, payload),
    )?;
    crate::projection::on_event(conn, tender_id, action, now)
}

/// An event about `entity` on the tender's chain.
pub(crate) fn tender_chain_event(
    tender_id: TenderId,
    entity_type: &'static str,
    entity_id: impl std::fmt::Display,
    action: &'static str,
    payload: serde_json::Value,
) -> NewEvent {
    NewEvent {
        chain: format!("tender:{tender_id}"),
        action,
        entity_type,
        entity_id: entity_id.to_string(),
        payload,
    }
}

/// The red flags that apply to awarding `winner` on this lot (see [`FLAGS`]), every one
/// decided here; `documents_shared` is the one fact read from the bids' documents
/// ([`super::award::documents_shared`]).
pub(crate) fn red_flags(
    facts: &TenderFacts,
    estimated_value: i64,
    ranking: &[RankedBid],
    winner: &RankedBid,
    documents_shared: bool,
) -> Vec<&'static str> {
    let mut flags = Vec::new();
    let received = ranking.len();
    if received == 1 && matches!(facts.method.ocds(), "open" | "selective") {
        flags.push("single_bid");
    }
    if facts.criteria == AwardCriteria::LowestPrice
        && ranking
            .iter()
            .any(|b| b.evaluation == Evaluation::Disqualified && b.price_minor < winner.price_minor)
    {
        flags.push("lowest_bid_disqualified");
    }
    if received >= 2
        && ranking
            .iter()
            .filter(|b| b.bid_id != winner.bid_id)
            .all(|b| {
                matches!(
                    b.evaluation,
                    Evaluation::Disqualified | Evaluation::Excluded
                )
            })
    {
        flags.push("others_all_disqualified");
    }
    let mut prices: Vec<(i64, SupplierId)> = ranking
        .iter()
        .map(|b| (b.price_minor, b.supplier_id))
        .collect();
    prices.sort();
    // In an auction equal final prices are its rule at work (the earlier lance first), not
    // a sign of sealed prices agreed beforehand.
    let auctioned = ranking.iter().any(|b| b.auction_rank.is_some());
    if !auctioned
        && prices
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && w[0].1 != w[1].1)
    {
        flags.push("identical_prices");
    }
    if documents_shared {
        flags.push("identical_documents");
    }
    if winner.price_minor > estimated_value {
        flags.push("above_estimate");
    }
    if let Some(published) = facts.published_at {
        let days = (tender_rules::lima_date(facts.submission_deadline)
            - tender_rules::lima_date(published))
        .num_days();
        if days < i64::from(facts.method.default_min_days()) {
            flags.push("short_submission_period");
        }
    }
    flags
}
