//! After the opening: evaluation (evaluación), ranking, the award of each lot (otorgamiento de
//! la buena pro) with its red flags, the standstill, and the award becoming final
//! (consentida). Complaints, contracts and the auditors' workspace live in the submodules.
//!
//! ## Ranking (documented, deterministic)
//! - Only bids the opening opened and that priced the lot take part; each needs an evaluation
//!   (admissible, or disqualified with a ground) before the lot can be awarded.
//! - **Lowest price**: valid bids by price, lowest first.
//! - **Price and quality**: price points = price weight × lowest valid price ÷ the bid's price
//!   (so the lowest gets the full weight), plus the points given per quality criterion (0 to
//!   the criterion's weight); totals rounded to two decimals; highest first.
//! - **Ties** (equal price, or equal total and then equal price): the bid whose receipt time is
//!   earlier wins, then the lower bid id. Both are on the signed receipt, so anyone can
//!   recompute the order.
//! - A bid whose award was cancelled by an upheld complaint is excluded from the lot's next
//!   award.
//!
//! ## Red flags
//! Before the officer confirms, [`preview`] lists every flag that applies to the award about
//! to be made; [`award`] refuses it until each has a written justification. The flags are
//! stored with their justifications and shown to auditors and the public.
//!
//! Every change is an audit event on the tender's chain (`tender:<id>`) and its emails go
//! through the outbox in the same transaction.

pub mod complaints;
pub mod contracts;
pub mod oversight;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    app::AppState,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    db::{DbConnection, write_transaction},
    domain::{Calendar, Currency, Money, Role},
    error::{AppError, FieldError},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{
        award_flags, awards, bid_evaluations, bid_prices, bids, tender_criteria, tender_lots,
        tender_seals, tenders, users,
    },
    tenders::{self as tender_rules, AwardCriteria, Method},
};

/// Grounds for disqualifying a bid (the form's list; free text explains each case).
pub const DISQUALIFICATION_GROUNDS: [&str; 6] = [
    "missing_documents",
    "technical_noncompliance",
    "price_above_ceiling",
    "supplier_not_eligible",
    "false_declaration",
    "other",
];

/// Red flags an award can raise, in the order pages list them.
pub const FLAGS: [&str; 7] = [
    "single_bid",
    "lowest_bid_disqualified",
    "others_all_disqualified",
    "identical_prices",
    "above_estimate",
    "short_submission_period",
    "modification_above_threshold",
];

/// Longest justification, reasoning or note.
pub const MAX_TEXT: usize = 4000;

/// A score given to one quality criterion.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreInput {
    /// The criterion's position in the tender.
    pub criterion: i32,
    /// Points, from 0 to the criterion's weight, up to two decimals (e.g. "17.5").
    pub points: String,
    /// Why.
    #[serde(default)]
    pub comment: String,
}

/// One evaluation entry: a bid on a lot.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationInput {
    /// Does the bid meet the requirements?
    pub admissible: bool,
    /// Disqualification ground (one of [`DISQUALIFICATION_GROUNDS`]) when not admissible.
    #[serde(default)]
    pub disqualification_ground: Option<String>,
    /// Free text: the facts behind the ground.
    #[serde(default)]
    pub note: String,
    /// Points per quality criterion (price-quality tenders, admissible bids).
    #[serde(default)]
    pub scores: Vec<ScoreInput>,
}

/// A score as stored and shown.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    /// Criterion position.
    pub criterion: i32,
    /// Criterion name.
    pub name: String,
    /// Most points (the criterion's weight).
    pub max: i32,
    /// Points given.
    pub points: String,
    /// Why.
    pub comment: String,
}

/// A bid in a lot's ranking.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RankedBid {
    /// Bid id.
    pub bid_id: i64,
    /// Company id.
    pub supplier_id: i64,
    /// Bidder's RUC.
    pub supplier_ruc: String,
    /// Bidder's legal name.
    pub supplier_name: String,
    /// Receipt time (UTC), the tie-break.
    #[serde(with = "crate::domain::utc")]
    pub submitted_at: NaiveDateTime,
    /// Price for the lot.
    pub price: String,
    /// Price in minor units.
    pub price_minor: i64,
    /// pending (not evaluated), valid, disqualified, or excluded (its award was cancelled).
    pub evaluation: String,
    /// Disqualification ground.
    pub ground: Option<String>,
    /// The evaluator's note.
    pub note: Option<String>,
    /// Quality scores.
    pub scores: Vec<Score>,
    /// Price points (price-quality tenders, valid bids).
    pub price_points: Option<String>,
    /// Total points (price-quality tenders, valid bids).
    pub total_points: Option<String>,
    /// Place among the valid bids, from 1.
    pub rank: Option<u32>,
}

/// A lot's evaluation sheet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LotEvaluation {
    /// Lot number.
    pub lot_number: i32,
    /// Lot title.
    pub lot_title: String,
    /// Estimated value of the lot.
    pub estimated_value: String,
    /// Currency.
    pub currency: Currency,
    /// The bids, ranked valid ones first.
    pub ranking: Vec<RankedBid>,
    /// Has every bid been evaluated?
    pub complete: bool,
    /// The live decision on the lot, if any (award id).
    pub award_id: Option<i64>,
}

/// A quality criterion to score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QualityCriterion {
    /// Position.
    pub position: i32,
    /// Name.
    pub name: String,
    /// Weight: the most points.
    pub weight: i32,
}

/// A tender's evaluation: every lot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationSheet {
    /// Tender id.
    pub tender_id: i64,
    /// Title.
    pub title: String,
    /// lowest_price or price_quality.
    pub award_criteria: AwardCriteria,
    /// Weight of price (price-quality).
    pub price_weight: i32,
    /// Quality criteria (price-quality).
    pub quality_criteria: Vec<QualityCriterion>,
    /// Lots.
    pub lots: Vec<LotEvaluation>,
}

/// The award about to be made on a lot, with the red flags that need a justification.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwardPreview {
    /// The lot's sheet.
    pub lot: LotEvaluation,
    /// The top-ranked valid bid; none means the lot is declared unsuccessful (desierto).
    pub winner: Option<RankedBid>,
    /// Codes of the red flags that apply.
    pub flags: Vec<String>,
    /// Missing evaluations or an award already made stop the award: the reason, if any.
    pub blocked_by: Option<&'static str>,
}

/// The officer's confirmation.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AwardInput {
    /// Why this outcome (required).
    #[serde(default)]
    pub justification: String,
    /// A justification per red flag code.
    #[serde(default)]
    pub flag_justifications: BTreeMap<String, String>,
}

/// A red flag with its justification.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FlagView {
    /// Flag code.
    pub code: String,
    /// The justification given.
    pub justification: String,
    /// When raised (UTC).
    #[serde(with = "crate::domain::utc")]
    pub raised_at: NaiveDateTime,
}

/// Facts of a tender the award rules need.
#[derive(Debug, Clone)]
pub(crate) struct TenderFacts {
    pub id: i64,
    pub buyer_id: i64,
    pub title: String,
    pub ocid: String,
    pub method: Method,
    pub criteria: AwardCriteria,
    pub currency: Currency,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub submission_deadline: NaiveDateTime,
    pub opened: bool,
}

pub(crate) fn tender_facts(conn: &mut DbConnection, id: i64) -> Result<TenderFacts, AppError> {
    #[expect(clippy::type_complexity, reason = "one row of a multi-column select")]
    let row: (
        (i64, String, Option<String>, String, String, String, String),
        (Option<NaiveDateTime>, NaiveDateTime),
        (Option<NaiveDateTime>, Option<NaiveDateTime>, Option<i32>),
    ) = tenders::table
        .left_join(tender_seals::table)
        .filter(tenders::id.eq(id))
        .select((
            (
                tenders::buyer_id,
                tenders::title,
                tenders::ocid,
                tenders::method,
                tenders::award_criteria,
                tenders::currency,
                tenders::status,
            ),
            (tenders::published_at, tenders::submission_deadline),
            (
                tender_seals::opened_at.nullable(),
                tender_seals::frozen_at.nullable(),
                tender_seals::leaf_count.nullable(),
            ),
        ))
        .first(conn)?;
    let (
        (buyer_id, title, ocid, method, criteria, currency, status),
        (published, deadline),
        (opened_at, frozen_at, leaf_count),
    ) = row;
    Ok(TenderFacts {
        id,
        buyer_id,
        title,
        ocid: ocid.unwrap_or_default(),
        method: Method::from_code(&method).ok_or_else(|| AppError::internal("method"))?,
        criteria: AwardCriteria::parse(&criteria, "award_criteria")
            .map_err(|_| AppError::internal("award criteria"))?,
        currency: Currency::parse(&currency, "currency")
            .map_err(|_| AppError::internal("currency"))?,
        status,
        published_at: published,
        submission_deadline: deadline,
        // Envelopes frozen with none inside have nothing to open: the lots go on to the award,
        // which declares them unsuccessful.
        opened: opened_at.is_some() || (frozen_at.is_some() && leaf_count == Some(0)),
    })
}

/// Evaluation needs the opening done and the tender not cancelled.
fn require_opened(facts: &TenderFacts, field: &str) -> Result<(), AppError> {
    if facts.status == "cancelled" {
        return Err(tender_rules::wrong_status(
            field,
            "tender_not_taking_bids",
            "cancelled",
        ));
    }
    if !facts.opened {
        return Err(AppError::field(field.to_owned(), "bids_not_opened"));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredScore {
    criterion: i32,
    points: String,
    comment: String,
}

struct Criteria {
    price_weight: i32,
    quality: Vec<QualityCriterion>,
}

fn criteria(conn: &mut DbConnection, tender_id: i64) -> Result<Criteria, AppError> {
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

struct LotRow {
    number: i32,
    title: String,
    estimated_value: i64,
}

fn lots(conn: &mut DbConnection, tender_id: i64) -> Result<Vec<LotRow>, AppError> {
    Ok(tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select((
            tender_lots::number,
            tender_lots::title,
            tender_lots::estimated_value,
        ))
        .load::<(i32, String, i64)>(conn)?
        .into_iter()
        .map(|(number, title, estimated_value)| LotRow {
            number,
            title,
            estimated_value,
        })
        .collect())
}

type EvaluationRow = (i64, bool, Option<String>, Option<String>, String);

/// The lot's bids with their evaluations, ranked.
fn lot_sheet(
    conn: &mut DbConnection,
    facts: &TenderFacts,
    criteria: &Criteria,
    lot: &LotRow,
) -> Result<LotEvaluation, AppError> {
    let priced: Vec<(i64, i64, NaiveDateTime, i64)> = bids::table
        .inner_join(bid_prices::table)
        .filter(bids::tender_id.eq(facts.id))
        .filter(bids::status.eq("submitted"))
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
    let ids: Vec<i64> = priced.iter().map(|p| p.0).collect();
    let evaluations: BTreeMap<i64, EvaluationRow> = bid_evaluations::table
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
    let excluded: Vec<i64> = awards::table
        .filter(awards::tender_id.eq(facts.id))
        .filter(awards::lot_number.eq(lot.number))
        .filter(awards::status.eq("cancelled"))
        .filter(awards::bid_id.is_not_null())
        .select(awards::bid_id.assume_not_null())
        .load(conn)?;
    let award_id: Option<i64> = awards::table
        .filter(awards::tender_id.eq(facts.id))
        .filter(awards::lot_number.eq(lot.number))
        .filter(awards::status.ne("cancelled"))
        .select(awards::id)
        .first(conn)
        .optional()?;
    let suppliers: Vec<i64> = priced.iter().map(|p| p.1).collect();
    let names = crate::bids::supplier_names(conn, &suppliers)?;
    let entries = priced
        .into_iter()
        .map(|(bid_id, supplier_id, submitted_at, amount)| {
            let (ruc, name) = names.get(&supplier_id).cloned().unwrap_or_default();
            let (evaluation, ground, note, scores) = match evaluations.get(&bid_id) {
                _ if excluded.contains(&bid_id) => ("excluded", None, None, Vec::new()),
                None => ("pending", None, None, Vec::new()),
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
                        if *admissible { "valid" } else { "disqualified" },
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
                evaluation: evaluation.to_owned(),
                ground,
                note,
                scores,
                price_points: None,
                total_points: None,
                rank: None,
            }
        })
        .collect::<Vec<_>>();
    let ranking = rank(facts.criteria, criteria.price_weight, entries);
    Ok(LotEvaluation {
        lot_number: lot.number,
        lot_title: lot.title.clone(),
        estimated_value: minor_text(lot.estimated_value),
        currency: facts.currency,
        complete: ranking.iter().all(|b| b.evaluation != "pending"),
        ranking,
        award_id,
    })
}

/// Minor units as a two-decimal amount.
pub fn minor_text(minor: i64) -> String {
    format!("{:.2}", Decimal::new(minor, 2))
}

fn points(text: &str) -> Decimal {
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
        .filter(|b| b.evaluation == "valid")
        .map(|b| b.price_minor)
        .min();
    if criteria == AwardCriteria::PriceQuality
        && let Some(lowest) = lowest
    {
        for b in bids.iter_mut().filter(|b| b.evaluation == "valid") {
            let price_points = (Decimal::from(price_weight) * Decimal::from(lowest)
                / Decimal::from(b.price_minor.max(1)))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let quality: Decimal = b.scores.iter().map(|s| points(&s.points)).sum();
            b.price_points = Some(format!("{price_points:.2}"));
            b.total_points = Some(format!("{:.2}", price_points + quality));
        }
    }
    let class = |b: &RankedBid| match b.evaluation.as_str() {
        "valid" => 0,
        "disqualified" => 1,
        "excluded" => 2,
        _ => 3,
    };
    bids.sort_by(|a, b| {
        class(a)
            .cmp(&class(b))
            .then_with(|| {
                let total = |x: &RankedBid| x.total_points.as_deref().map(points);
                total(b).cmp(&total(a))
            })
            .then(a.price_minor.cmp(&b.price_minor))
            .then(a.submitted_at.cmp(&b.submitted_at))
            .then(a.bid_id.cmp(&b.bid_id))
    });
    let mut place = 0;
    for b in bids.iter_mut().filter(|b| b.evaluation == "valid") {
        place += 1;
        b.rank = Some(place);
    }
    bids
}

/// The evaluation sheet of every lot (officers of the buyer and auditors; after the opening).
pub fn evaluation(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: i64,
) -> Result<EvaluationSheet, AppError> {
    let facts = tender_facts(conn, tender_id)?;
    if user.role != Role::Auditor {
        tender_rules::require_staff_of(user, facts.buyer_id, &facts.status)?;
    }
    require_opened(&facts, "evaluation")?;
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

fn check_text(text: &str, field: &str, errors: &mut Vec<FieldError>) -> String {
    let text = text.trim();
    if text.is_empty() {
        errors.push(FieldError::new(field.to_owned(), "required"));
    } else if text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(field.to_owned(), "too_long").arg("max", MAX_TEXT));
    }
    text.to_owned()
}

/// Records the evaluation of one bid on one lot ([`evaluate_in`]).
#[tracing::instrument(skip(app, user, input), fields(user = user.id))]
pub async fn evaluate(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
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
    tender_id: i64,
    bid_id: i64,
    lot_number: i32,
    input: &EvaluationInput,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let facts = tender_facts(conn, tender_id)?;
        tender_rules::require_staff_of(user, facts.buyer_id, &facts.status)?;
        require_opened(&facts, "evaluation")?;
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
        if entry.evaluation == "excluded" {
            return Err(AppError::field("evaluation", "bid_excluded"));
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
    tender_id: i64,
    entity_type: &'static str,
    entity_id: i64,
    action: &'static str,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    let actor = user.map_or_else(Actor::system, |u| Actor::user(u.id, u.role));
    audit::record(
        conn,
        now,
        &actor,
        NewEvent {
            chain: format!("tender:{tender_id}"),
            action,
            entity_type,
            entity_id: entity_id.to_string(),
            payload,
        },
    )
}

/// The red flags that apply to awarding `winner` on this lot (see [`FLAGS`]).
pub(crate) fn red_flags(
    facts: &TenderFacts,
    estimated_value: i64,
    ranking: &[RankedBid],
    winner: &RankedBid,
) -> Vec<&'static str> {
    let mut flags = Vec::new();
    let received = ranking.len();
    if received == 1 && matches!(facts.method.ocds(), "open" | "selective") {
        flags.push("single_bid");
    }
    if facts.criteria == AwardCriteria::LowestPrice
        && ranking
            .iter()
            .any(|b| b.evaluation == "disqualified" && b.price_minor < winner.price_minor)
    {
        flags.push("lowest_bid_disqualified");
    }
    if received >= 2
        && ranking
            .iter()
            .filter(|b| b.bid_id != winner.bid_id)
            .all(|b| matches!(b.evaluation.as_str(), "disqualified" | "excluded"))
    {
        flags.push("others_all_disqualified");
    }
    let mut prices: Vec<(i64, i64)> = ranking
        .iter()
        .map(|b| (b.price_minor, b.supplier_id))
        .collect();
    prices.sort();
    if prices
        .windows(2)
        .any(|w| w[0].0 == w[1].0 && w[0].1 != w[1].1)
    {
        flags.push("identical_prices");
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

fn preview_of(
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
    let flags = winner
        .as_ref()
        .map(|w| red_flags(facts, lot.estimated_value, &sheet.ranking, w))
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let blocked_by = if sheet.award_id.is_some() {
        Some("lot_already_decided")
    } else if !sheet.complete {
        Some("evaluation_incomplete")
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

/// What awarding the lot now would do, and the red flags it raises (officers of the buyer
/// and auditors).
pub fn preview(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: i64,
    lot_number: i32,
) -> Result<AwardPreview, AppError> {
    let facts = tender_facts(conn, tender_id)?;
    if user.role != Role::Auditor {
        tender_rules::require_staff_of(user, facts.buyer_id, &facts.status)?;
    }
    require_opened(&facts, "award")?;
    Ok(preview_of(conn, &facts, lot_number)?.0)
}

/// Awards lot `lot_number` of the tender ([`award_in`]) and wakes the outbox for the notices
/// to every bidder and the checkpointer: what the award page and the JSON route both do.
#[tracing::instrument(skip(app, user, input), fields(user = user.id))]
pub async fn award(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    lot_number: i32,
    input: AwardInput,
) -> Result<i64, AppError> {
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
    tender_id: i64,
    lot_number: i32,
    input: &AwardInput,
) -> Result<i64, AppError> {
    write_transaction(conn, |conn| {
        let facts = tender_facts(conn, tender_id)?;
        tender_rules::require_staff_of(user, facts.buyer_id, &facts.status)?;
        require_opened(&facts, "award")?;
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
                ("pending", Some(end))
            }
            None => ("unsuccessful", None),
        };
        let id: i64 = diesel::insert_into(awards::table)
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
        tender_event(
            conn,
            now,
            Some(user),
            tender_id,
            "award",
            id,
            if status == "pending" {
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
        )?;
        refresh_tender_status(conn, now, tender_id)?;
        let link = format!(
            "{}/licitaciones/{tender_id}/adjudicacion",
            settings.public_url
        );
        notify_bidders(conn, now, &facts, lot_number, &preview, standstill, &link)?;
        Ok(id)
    })
}

/// The tender is `awarded` when every lot has a live decision and at least one was awarded,
/// `unsuccessful` when every lot was declared so, and back to `closed` while a lot waits
/// (after a complaint cancelled its award).
pub(crate) fn refresh_tender_status(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    tender_id: i64,
) -> Result<(), AppError> {
    let lot_count: i64 = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .count()
        .get_result(conn)?;
    let live: Vec<String> = awards::table
        .filter(awards::tender_id.eq(tender_id))
        .filter(awards::status.ne("cancelled"))
        .select(awards::status)
        .load(conn)?;
    let status = if i64::try_from(live.len()).unwrap_or(0) < lot_count {
        "closed"
    } else if live.iter().all(|s| s == "unsuccessful") {
        "unsuccessful"
    } else {
        "awarded"
    };
    diesel::update(tenders::table.find(tender_id))
        .set((tenders::status.eq(status), tenders::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Every bidder whose bid was opened, with the address and language of who submitted it.
pub(crate) fn bidder_contacts(
    conn: &mut DbConnection,
    tender_id: i64,
) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(bids::table
        .inner_join(users::table.on(users::id.eq(bids::submitted_by)))
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::status.eq("submitted"))
        .order(bids::id)
        .select((users::email, users::display_name, users::locale))
        .load(conn)?)
}

fn notify_bidders(
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

/// The status an award has at `now`: a pending award whose standstill ended with no complaint
/// left undecided is final even before [`finalise_due`] has run.
pub fn effective_award_status(
    status: &str,
    standstill_ends_at: Option<NaiveDateTime>,
    open_complaints: usize,
    now: NaiveDateTime,
) -> &str {
    match (status, standstill_ends_at) {
        ("pending", Some(end)) if now >= end && open_complaints == 0 => "final",
        (s, _) => s,
    }
}

/// Makes final (consentida) every pending award whose standstill has ended with no complaint
/// left undecided. Run by the status task and before anything that needs a final award.
pub fn finalise_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    write_transaction(conn, |conn| {
        let due: Vec<(i64, i64)> = awards::table
            .filter(awards::status.eq("pending"))
            .filter(awards::standstill_ends_at.le(now))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                crate::schema::complaints::table
                    .filter(crate::schema::complaints::award_id.eq(awards::id))
                    .filter(crate::schema::complaints::status.eq("filed")),
            )))
            .select((awards::id, awards::tender_id))
            .load(conn)?;
        for (id, tender_id) in &due {
            diesel::update(awards::table.find(id))
                .set((awards::status.eq("final"), awards::final_at.eq(now)))
                .execute(conn)?;
            tender_event(
                conn,
                now,
                None,
                *tender_id,
                "award",
                *id,
                "award.final",
                json!({}),
            )?;
        }
        Ok(due.len())
    })
}

/// Parses a signed amount ("-1500.00") in `currency` for `field`: minor units.
pub(crate) fn signed_minor(text: &str, currency: Currency, field: &str) -> Result<i64, FieldError> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let money = Money::parse(digits, currency, field)?;
    Ok(if negative {
        -money.minor()
    } else {
        money.minor()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn bid(id: i64, supplier: i64, price: i64, evaluation: &str, minute: u32) -> RankedBid {
        RankedBid {
            bid_id: id,
            supplier_id: supplier,
            supplier_ruc: String::new(),
            supplier_name: String::new(),
            submitted_at: NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(10, minute, 0))
                .expect("time"),
            price: minor_text(price),
            price_minor: price,
            evaluation: evaluation.into(),
            ground: None,
            note: None,
            scores: Vec::new(),
            price_points: None,
            total_points: None,
            rank: None,
        }
    }

    fn scored(mut b: RankedBid, quality: &str) -> RankedBid {
        b.scores.push(Score {
            criterion: 2,
            name: "Experiencia".into(),
            max: 40,
            points: quality.into(),
            comment: "ok".into(),
        });
        b
    }

    fn order(ranked: &[RankedBid]) -> Vec<(i64, Option<u32>)> {
        ranked.iter().map(|b| (b.bid_id, b.rank)).collect()
    }

    #[test]
    fn price_only_ranks_by_price_and_breaks_ties_by_receipt_time_then_id() {
        let ranked = rank(
            AwardCriteria::LowestPrice,
            100,
            vec![
                bid(1, 1, 50_000, "valid", 30),
                bid(2, 2, 40_000, "disqualified", 1),
                bid(3, 3, 45_000, "valid", 20),
                bid(4, 4, 45_000, "valid", 10),
                bid(5, 5, 45_000, "valid", 10),
                bid(6, 6, 1_000, "pending", 0),
            ],
        );
        assert_eq!(
            order(&ranked),
            vec![
                (4, Some(1)),
                (5, Some(2)),
                (3, Some(3)),
                (1, Some(4)),
                (2, None),
                (6, None)
            ]
        );
    }

    #[test]
    fn weighted_ranks_by_total_with_price_points_proportional_to_the_lowest() {
        // Price weight 60: the lowest (80,000) gets 60; 100,000 gets 48.
        let ranked = rank(
            AwardCriteria::PriceQuality,
            60,
            vec![
                scored(bid(1, 1, 100_000, "valid", 0), "40"),
                scored(bid(2, 2, 80_000, "valid", 5), "20"),
                scored(bid(3, 3, 120_000, "valid", 1), "40"),
            ],
        );
        assert_eq!(ranked[0].bid_id, 1);
        assert_eq!(ranked[0].price_points.as_deref(), Some("48.00"));
        assert_eq!(ranked[0].total_points.as_deref(), Some("88.00"));
        assert_eq!(ranked[1].bid_id, 2);
        assert_eq!(ranked[1].total_points.as_deref(), Some("80.00"));
        assert_eq!(ranked[2].bid_id, 3);
        assert_eq!(ranked[2].price_points.as_deref(), Some("40.00"));
    }

    #[test]
    fn weighted_ties_go_to_the_lower_price_then_the_earlier_receipt() {
        // 100,000 with 40 quality → 48 + 40 = 88; 80,000 with 28 → 60 + 28 = 88: the cheaper
        // wins the tie. Two identical bids: the earlier receipt wins.
        let ranked = rank(
            AwardCriteria::PriceQuality,
            60,
            vec![
                scored(bid(1, 1, 100_000, "valid", 0), "40"),
                scored(bid(2, 2, 80_000, "valid", 9), "28"),
                scored(bid(3, 3, 80_000, "valid", 8), "28"),
            ],
        );
        assert_eq!(
            order(&ranked),
            vec![(3, Some(1)), (2, Some(2)), (1, Some(3))]
        );
    }

    fn facts(method: Method, criteria: AwardCriteria, days: i64) -> TenderFacts {
        let deadline = NaiveDate::from_ymd_opt(2026, 12, 30)
            .and_then(|d| d.and_hms_opt(22, 0, 0))
            .expect("deadline");
        TenderFacts {
            id: 1,
            buyer_id: 1,
            title: "t".into(),
            ocid: "ocds-x-1".into(),
            method,
            criteria,
            currency: Currency::Pen,
            status: "closed".into(),
            published_at: Some(deadline - chrono::Duration::days(days)),
            submission_deadline: deadline,
            opened: true,
        }
    }

    /// The flags for `bids` (ranked by price) awarded to the top-ranked, estimate 100,000.
    fn flags_for(facts: &TenderFacts, bids: Vec<RankedBid>) -> Vec<&'static str> {
        let ranked = rank(facts.criteria, 100, bids);
        let winner = ranked
            .iter()
            .find(|b| b.rank == Some(1))
            .expect("a winner")
            .clone();
        red_flags(facts, 100_000, &ranked, &winner)
    }

    fn open_lowest() -> TenderFacts {
        facts(Method::LicitacionPublica, AwardCriteria::LowestPrice, 22)
    }

    #[test]
    fn a_single_bid_on_an_open_procedure_is_flagged_but_not_on_a_direct_award() {
        let one = || vec![bid(1, 1, 90_000, "valid", 0)];
        assert_eq!(flags_for(&open_lowest(), one()), vec!["single_bid"]);
        let direct = facts(Method::ContratacionDirecta, AwardCriteria::LowestPrice, 22);
        assert!(flags_for(&direct, one()).is_empty());
        let two = vec![bid(1, 1, 90_000, "valid", 0), bid(2, 2, 95_000, "valid", 1)];
        assert!(flags_for(&open_lowest(), two).is_empty());
    }

    #[test]
    fn the_lowest_bid_disqualified_is_flagged_only_when_it_was_lower_than_the_winner() {
        let lower = vec![
            bid(1, 1, 80_000, "disqualified", 0),
            bid(2, 2, 90_000, "valid", 1),
            bid(3, 3, 95_000, "valid", 2),
        ];
        assert_eq!(
            flags_for(&open_lowest(), lower),
            vec!["lowest_bid_disqualified"]
        );
        let higher = vec![
            bid(1, 1, 99_000, "disqualified", 0),
            bid(2, 2, 90_000, "valid", 1),
            bid(3, 3, 95_000, "valid", 2),
        ];
        assert!(flags_for(&open_lowest(), higher).is_empty());
        // On a price-quality tender the cheapest need not win: no flag.
        let weighted = facts(Method::LicitacionPublica, AwardCriteria::PriceQuality, 22);
        let lower = vec![
            bid(1, 1, 80_000, "disqualified", 0),
            bid(2, 2, 90_000, "valid", 1),
            bid(3, 3, 95_000, "valid", 2),
        ];
        assert!(!flags_for(&weighted, lower).contains(&"lowest_bid_disqualified"));
    }

    #[test]
    fn every_other_bid_disqualified_is_flagged_but_one_other_valid_is_not() {
        let all = vec![
            bid(1, 1, 90_000, "valid", 0),
            bid(2, 2, 95_000, "disqualified", 1),
            bid(3, 3, 97_000, "disqualified", 2),
        ];
        assert_eq!(
            flags_for(&open_lowest(), all),
            vec!["others_all_disqualified"]
        );
        let one_valid = vec![
            bid(1, 1, 90_000, "valid", 0),
            bid(2, 2, 95_000, "disqualified", 1),
            bid(3, 3, 97_000, "valid", 2),
        ];
        assert!(flags_for(&open_lowest(), one_valid).is_empty());
    }

    #[test]
    fn identical_prices_from_different_bidders_are_flagged_but_one_centimo_apart_are_not() {
        let same = vec![bid(1, 1, 90_000, "valid", 0), bid(2, 2, 90_000, "valid", 1)];
        assert_eq!(flags_for(&open_lowest(), same), vec!["identical_prices"]);
        let apart = vec![bid(1, 1, 90_000, "valid", 0), bid(2, 2, 90_001, "valid", 1)];
        assert!(flags_for(&open_lowest(), apart).is_empty());
    }

    #[test]
    fn a_winning_price_above_the_estimate_is_flagged_but_equal_to_it_is_not() {
        let above = vec![
            bid(1, 1, 100_001, "valid", 0),
            bid(2, 2, 120_000, "valid", 1),
        ];
        assert_eq!(flags_for(&open_lowest(), above), vec!["above_estimate"]);
        let equal = vec![
            bid(1, 1, 100_000, "valid", 0),
            bid(2, 2, 120_000, "valid", 1),
        ];
        assert!(flags_for(&open_lowest(), equal).is_empty());
    }

    #[test]
    fn a_submission_period_shorter_than_the_method_usual_minimum_is_flagged() {
        let two = || vec![bid(1, 1, 90_000, "valid", 0), bid(2, 2, 95_000, "valid", 1)];
        let short = facts(Method::LicitacionPublica, AwardCriteria::LowestPrice, 21);
        assert_eq!(flags_for(&short, two()), vec!["short_submission_period"]);
        let usual = facts(Method::LicitacionPublica, AwardCriteria::LowestPrice, 22);
        assert!(flags_for(&usual, two()).is_empty());
    }

    #[test]
    fn signed_amounts_parse_both_ways() {
        assert_eq!(signed_minor("-1500.50", Currency::Pen, "v"), Ok(-150_050));
        assert_eq!(signed_minor("+20", Currency::Pen, "v"), Ok(2_000));
        assert_eq!(
            signed_minor("abc", Currency::Pen, "v")
                .expect_err("bad")
                .code,
            "invalid_amount"
        );
    }
}
