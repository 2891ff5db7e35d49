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

use crate::domain::{AwardId, BidId, BuyerId, Evaluation, SupplierId, TenderId, TenderStatus};
pub mod attachments;
mod award;
pub mod complaints;
pub mod contracts;
mod evaluation;
mod finality;
pub mod oversight;

pub use award::*;
pub use evaluation::*;
pub use finality::*;

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
pub const FLAGS: [&str; 9] = [
    "single_bid",
    "lowest_bid_disqualified",
    "others_all_disqualified",
    "identical_prices",
    "identical_documents",
    "above_estimate",
    "abnormally_low_price",
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
    pub bid_id: BidId,
    /// Company id.
    pub supplier_id: SupplierId,
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
    pub evaluation: Evaluation,
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
    /// Its place in the lot's closed auction (1 for the lowest final price; equal prices in
    /// the order they were reached): ties in the ranking follow it, not the sealed bid's time.
    #[serde(skip)]
    pub auction_rank: Option<usize>,
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
    pub award_id: Option<AwardId>,
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
    pub tender_id: TenderId,
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
    pub id: TenderId,
    pub buyer_id: BuyerId,
    pub title: String,
    pub ocid: String,
    pub method: Method,
    /// Some lot has an electronic auction (the procedure it follows).
    pub auctioned: bool,
    pub criteria: AwardCriteria,
    pub currency: Currency,
    pub status: TenderStatus,
    pub published_at: Option<NaiveDateTime>,
    pub submission_deadline: NaiveDateTime,
    pub opened: bool,
}

pub(crate) fn tender_facts(conn: &mut DbConnection, id: TenderId) -> Result<TenderFacts, AppError> {
    #[expect(clippy::type_complexity, reason = "one row of a multi-column select")]
    let row: (
        (
            BuyerId,
            String,
            Option<String>,
            Method,
            AwardCriteria,
            Currency,
            TenderStatus,
        ),
        (Option<NaiveDateTime>, NaiveDateTime, bool),
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
            (
                tenders::published_at,
                tenders::submission_deadline,
                tenders::electronic_auction,
            ),
            (
                tender_seals::opened_at.nullable(),
                tender_seals::frozen_at.nullable(),
                tender_seals::leaf_count.nullable(),
            ),
        ))
        .first(conn)?;
    let (
        (buyer_id, title, ocid, method, criteria, currency, status),
        (published, deadline, auctioned),
        (opened_at, frozen_at, leaf_count),
    ) = row;
    Ok(TenderFacts {
        id,
        buyer_id,
        title,
        ocid: ocid.unwrap_or_default(),
        method,
        auctioned,
        criteria,
        currency,
        status,
        published_at: published,
        submission_deadline: deadline,
        // Envelopes frozen with none inside have nothing to open: the lots go on to the award,
        // which declares them unsuccessful.
        opened: crate::procedure::Facts::opened_from(opened_at, frozen_at, leaf_count),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn bid(id: i64, supplier: i64, price: i64, evaluation: &str, minute: u32) -> RankedBid {
        RankedBid {
            bid_id: BidId(id),
            supplier_id: SupplierId(supplier),
            supplier_ruc: String::new(),
            supplier_name: String::new(),
            submitted_at: NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(10, minute, 0))
                .expect("time"),
            price: minor_text(price),
            price_minor: price,
            evaluation: Evaluation::from_code(evaluation).expect("an evaluation"),
            ground: None,
            note: None,
            scores: Vec::new(),
            price_points: None,
            total_points: None,
            rank: None,
            auction_rank: None,
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
        ranked.iter().map(|b| (b.bid_id.get(), b.rank)).collect()
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
        assert_eq!(ranked[0].bid_id, BidId(1));
        assert_eq!(ranked[0].price_points.as_deref(), Some("48.00"));
        assert_eq!(ranked[0].total_points.as_deref(), Some("88.00"));
        assert_eq!(ranked[1].bid_id, BidId(2));
        assert_eq!(ranked[1].total_points.as_deref(), Some("80.00"));
        assert_eq!(ranked[2].bid_id, BidId(3));
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
            id: TenderId(1),
            buyer_id: BuyerId(1),
            title: "t".into(),
            ocid: "ocds-x-1".into(),
            method,
            auctioned: false,
            criteria,
            currency: Currency::Pen,
            status: TenderStatus::Closed,
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
        red_flags(facts, 100_000, &ranked, &winner, false)
    }

    fn open_lowest() -> TenderFacts {
        facts(Method::LicitacionPublica, AwardCriteria::LowestPrice, 22)
    }

    #[test]
    fn a_document_from_two_companies_is_flagged_but_not_one_company_twice() {
        use super::award::shared_across_bidders;
        let (a, b) = (SupplierId(1), SupplierId(2));
        let doc = |s: SupplierId, h: &str| (s, h.to_owned());
        assert!(shared_across_bidders([doc(a, "aa"), doc(b, "aa")]));
        // Near misses: the same company's document in two bids, different documents.
        assert!(!shared_across_bidders([
            doc(a, "aa"),
            doc(a, "aa"),
            doc(b, "bb")
        ]));
        assert!(!shared_across_bidders([doc(a, "aa"), doc(b, "ab")]));
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
    fn shared_documents_are_flagged_in_the_pages_order_with_the_other_flags() {
        let facts = open_lowest();
        let ranked = rank(
            facts.criteria,
            100,
            vec![
                bid(1, 1, 120_000, "valid", 0),
                bid(2, 2, 120_000, "valid", 1),
            ],
        );
        let winner = ranked.iter().find(|b| b.rank == Some(1)).expect("a winner");
        let flags = red_flags(&facts, 100_000, &ranked, winner, true);
        assert_eq!(
            flags,
            ["identical_prices", "identical_documents", "above_estimate"]
        );
        assert!(
            !red_flags(&facts, 100_000, &ranked, winner, false).contains(&"identical_documents")
        );
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
