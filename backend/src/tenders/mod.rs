//! Tenders (convocatorias): an officer of a buyer entity drafts one with its lots, award
//! criteria, schedule, opening committee and documents; publication validates it against the
//! rules of its method and gives it an OCDS ocid; after that it changes only through public
//! amendments (addenda) or a cancellation. Suppliers ask questions (consultas) while enquiries
//! are open; officers answer them publicly without naming the asker.
//!
//! Stored statuses move on with the clock ([`advance_statuses`], run by a background task);
//! every rule also checks the time itself ([`effective_status`]), so nothing depends on
//! when the task last ran. Each change writes its audit event on the chain `tender:<id>` and
//! queues its emails in the same write transaction.

mod alerts;
mod amendments;
pub mod documents;
mod enquiries;
pub mod notes;
pub mod sealing;
pub mod search;

pub use crate::domain::procurement::{
    AwardCriteria, Category, Method, effective_status, lima_date, lima_input_value,
    lima_local_to_rfc3339, parse_instant,
};
pub use alerts::{AlertSubscriptions, alert_subscriptions, set_alert_subscriptions};
pub use amendments::{AmendmentInput, amend, amend_in, latest_material_amendment};
pub use documents::{attach_document, open_document, receive_document};
pub use enquiries::{answer, answer_in, ask, ask_in, follow, follow_in, is_following};
pub use search::{TenderPage, TenderQuery, TenderSummary, search};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    app::AppState,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    catalogue,
    config::Settings,
    db::{DbConnection, write_transaction},
    domain::{BoundedText, Currency, Money, Role, Validator, utc},
    error::{AppError, FieldError},
    schema::{
        buyers, tender_amendments, tender_committee, tender_criteria, tender_documents,
        tender_enquiries, tender_lots, tenders, users,
    },
};

/// Title: 10 to 300 characters.
pub type Title = BoundedText<10, 300>;
/// Description: 20 to 10,000 characters.
pub type Description = BoundedText<20, 10_000>;
/// Lot title or criterion name: 3 to 200 characters.
pub type ShortTitle = BoundedText<3, 200>;
/// Unit of measure: 1 to 30 characters.
pub type Unit = BoundedText<1, 30>;
/// Rationale, ground, question or answer: 10 to 4,000 characters.
pub type Statement = BoundedText<10, 4_000>;

/// Most lots per tender.
pub const MAX_LOTS: usize = 50;
/// Most quality criteria per tender.
pub const MAX_QUALITY_CRITERIA: usize = 10;
/// Largest committee.
pub const MAX_COMMITTEE: usize = 20;

/// An amount with its currency, as clients read and write it (`"1500.00"`, `"PEN"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Amount {
    /// Decimal amount with two decimals.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: Currency,
}

impl Amount {
    /// From stored minor units and currency code.
    pub fn from_stored(minor: i64, currency: &str) -> Result<Self, AppError> {
        let currency = Currency::parse(currency, "currency")
            .map_err(|_| AppError::internal("stored currency unknown"))?;
        let money = Money::from_minor(minor, currency)
            .map_err(|_| AppError::internal("stored amount out of range"))?;
        Ok(Self::from(money))
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Self {
        Self {
            amount: format!("{:.2}", m.amount()),
            currency: m.currency(),
        }
    }
}

/// A lot as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LotInput {
    /// Title.
    pub title: String,
    /// Quantity, a decimal number above zero (e.g. `120` or `2.5`).
    pub quantity: String,
    /// Unit of measure (e.g. `unidad`, `tonelada`, `servicio`).
    pub unit: String,
    /// Estimated value in the tender's currency, e.g. `"45000.00"`.
    pub estimated_value: String,
}

/// A quality criterion as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CriterionInput {
    /// What is scored (e.g. `Experiencia del postor`).
    pub name: String,
    /// Points, 1 to 99.
    pub weight: i64,
}

/// A tender as drafted (`POST /api/v1/tenders`, `PUT /api/v1/tenders/{id}`, the draft form).
/// Instants are RFC 3339 with their offset (`2026-12-10T17:00:00-05:00`, `…T22:00:00Z`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TenderInput {
    /// Title.
    #[schema(required = true, min_length = 1)]
    pub title: String,
    /// Description of what is bought.
    #[schema(required = true, min_length = 1)]
    pub description: String,
    /// Procurement method code (e.g. `licitacion_publica`).
    #[schema(required = true, min_length = 1)]
    pub method: String,
    /// `goods`, `works` or `services`.
    #[schema(required = true, min_length = 1)]
    pub procurement_category: String,
    /// UNSPSC code, 8 digits (its first two, the segment, must be in the catalogue).
    #[schema(required = true, min_length = 1)]
    pub classification: String,
    /// `PEN` or `USD`; every lot is valued in it.
    #[schema(required = true, min_length = 1)]
    pub currency: String,
    /// One to 50 lots.
    #[schema(required = true)]
    pub lots: Vec<LotInput>,
    /// `lowest_price` or `price_quality`.
    #[schema(required = true, min_length = 1)]
    pub award_criteria: String,
    /// Points for price (price_quality only), 1 to 99.
    pub price_weight: Option<i64>,
    /// Quality criteria (price_quality only); with the price they sum to 100.
    pub quality_criteria: Vec<CriterionInput>,
    /// Last moment to ask questions.
    #[schema(required = true, min_length = 1, format = DateTime)]
    pub enquiry_deadline: String,
    /// Last moment to submit bids.
    #[schema(required = true, min_length = 1, format = DateTime)]
    pub submission_deadline: String,
    /// When the committee opens the bids.
    #[schema(required = true, min_length = 1, format = DateTime)]
    pub opening_at: String,
    /// User ids of the committee: officers of the buyer entity.
    pub committee: Vec<i64>,
    /// User id of an auditor observing the opening (optional).
    pub observer: Option<i64>,
    /// Members needed to open the bids (2 ≤ k ≤ committee size).
    #[schema(required = true)]
    pub committee_threshold: Option<i64>,
}

/// A parsed lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lot {
    /// Title.
    pub title: String,
    /// Quantity (decimal text, normalised).
    pub quantity: String,
    /// Unit.
    pub unit: String,
    /// Estimated value.
    pub estimated_value: Money,
}

/// A parsed award criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Criterion {
    /// `price` or `quality`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Points.
    pub weight: i32,
}

/// A parsed draft: every field well-formed. The rules that depend on time and on the
/// committee's size are checked at publication.
#[derive(Debug, Clone)]
pub struct TenderDraft {
    title: String,
    description: String,
    method: Method,
    category: Category,
    classification: String,
    currency: Currency,
    lots: Vec<Lot>,
    award_criteria: AwardCriteria,
    criteria: Vec<Criterion>,
    enquiry_deadline: NaiveDateTime,
    submission_deadline: NaiveDateTime,
    opening_at: NaiveDateTime,
    committee: Vec<i64>,
    observer: Option<i64>,
    threshold: i32,
}

/// Parses lots for `field` in `currency`.
pub(crate) fn parse_lots(
    v: &mut Validator,
    lots: &[LotInput],
    currency: Option<Currency>,
) -> Option<Vec<Lot>> {
    if lots.is_empty() {
        v.push(FieldError::new("lots", "lots_required"));
        return None;
    }
    if lots.len() > MAX_LOTS {
        v.push(FieldError::new("lots", "too_many").arg("max", MAX_LOTS));
        return None;
    }
    let mut out = Vec::new();
    for (i, lot) in lots.iter().enumerate() {
        let n = i + 1;
        let title =
            v.check(ShortTitle::parse(&lot.title, "lot_title").map_err(|e| e.arg("lot", n)));
        let quantity = v.check(parse_quantity(&lot.quantity).map_err(|e| e.arg("lot", n)));
        let unit = v.check(Unit::parse(&lot.unit, "lot_unit").map_err(|e| e.arg("lot", n)));
        let value = currency.and_then(|c| {
            v.check(Money::parse(&lot.estimated_value, c, "lot_value").map_err(|e| e.arg("lot", n)))
        });
        if let (Some(title), Some(quantity), Some(unit), Some(value)) =
            (title, quantity, unit, value)
        {
            out.push(Lot {
                title: title.into_inner(),
                quantity,
                unit: unit.into_inner(),
                estimated_value: value,
            });
        }
    }
    (out.len() == lots.len()).then_some(out)
}

fn parse_quantity(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new("lot_quantity", "required"));
    }
    match text.parse::<rust_decimal::Decimal>() {
        Ok(q)
            if q > rust_decimal::Decimal::ZERO
                && q.scale() <= 3
                && q < rust_decimal::Decimal::from(1_000_000_000i64) =>
        {
            Ok(q.normalize().to_string())
        }
        _ => Err(FieldError::new("lot_quantity", "invalid_quantity")),
    }
}

/// Parses award criteria.
pub(crate) fn parse_criteria(
    v: &mut Validator,
    kind: &str,
    price_weight: Option<i64>,
    quality: &[CriterionInput],
) -> Option<(AwardCriteria, Vec<Criterion>)> {
    let kind = v.check(AwardCriteria::parse(kind, "award_criteria"))?;
    match kind {
        AwardCriteria::LowestPrice => Some((
            kind,
            vec![Criterion {
                kind: "price".into(),
                name: "Precio".into(),
                weight: 100,
            }],
        )),
        AwardCriteria::PriceQuality => {
            let price = match price_weight {
                Some(w) if (1..=99).contains(&w) => Some(w),
                Some(_) => {
                    v.push(
                        FieldError::new("price_weight", "out_of_range")
                            .arg("min", 1)
                            .arg("max", 99),
                    );
                    None
                }
                None => {
                    v.push(FieldError::new("price_weight", "required"));
                    None
                }
            };
            if quality.is_empty() || quality.len() > MAX_QUALITY_CRITERIA {
                v.push(
                    FieldError::new("quality_criteria", "quality_criteria_count")
                        .arg("max", MAX_QUALITY_CRITERIA),
                );
                return None;
            }
            let mut rows = Vec::new();
            for (i, c) in quality.iter().enumerate() {
                let name = v.check(
                    ShortTitle::parse(&c.name, "criterion_name")
                        .map_err(|e| e.arg("criterion", i + 1)),
                );
                if !(1..=99).contains(&c.weight) {
                    v.push(
                        FieldError::new("criterion_weight", "out_of_range")
                            .arg("min", 1)
                            .arg("max", 99)
                            .arg("criterion", i + 1),
                    );
                }
                if let Some(name) = name {
                    rows.push(Criterion {
                        kind: "quality".into(),
                        name: name.into_inner(),
                        weight: i32::try_from(c.weight).unwrap_or(0),
                    });
                }
            }
            let price = price?;
            let sum = price + quality.iter().map(|c| c.weight).sum::<i64>();
            if sum != 100 {
                v.push(FieldError::new("quality_criteria", "weights_must_sum_100").arg("sum", sum));
                return None;
            }
            let mut all = vec![Criterion {
                kind: "price".into(),
                name: "Precio".into(),
                weight: i32::try_from(price).unwrap_or(0),
            }];
            all.extend(rows);
            (all.len() == quality.len() + 1).then_some((kind, all))
        }
    }
}

/// Parses a UNSPSC code: 8 digits whose segment is in the catalogue.
pub fn parse_classification(code: &str, field: &str) -> Result<String, FieldError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if code.len() == 8
        && code.chars().all(|c| c.is_ascii_digit())
        && catalogue::segment(&code[..2]).is_some()
    {
        Ok(code.to_owned())
    } else {
        Err(FieldError::new(field, "invalid_classification"))
    }
}

impl TenderInput {
    /// The input as a page's form sent it: its dates and times are Lima's, without offset,
    /// and get Lima's offset here before [`TenderInput::parse`] (which requires one).
    pub fn with_lima_offsets(&self) -> Self {
        Self {
            enquiry_deadline: lima_local_to_rfc3339(&self.enquiry_deadline),
            submission_deadline: lima_local_to_rfc3339(&self.submission_deadline),
            opening_at: lima_local_to_rfc3339(&self.opening_at),
            ..self.clone()
        }
    }

    /// Parses, reporting every wrong field at once.
    pub fn parse(&self) -> Result<TenderDraft, AppError> {
        let mut v = Validator::new();
        let title = v.check(Title::parse(&self.title, "title"));
        let description = v.check(Description::parse_lines(&self.description, "description"));
        let method = v.check(Method::parse(&self.method, "method"));
        let category = v.check(Category::parse(
            &self.procurement_category,
            "procurement_category",
        ));
        let classification = v.check(parse_classification(&self.classification, "classification"));
        let currency = v.check(Currency::parse(&self.currency, "currency"));
        let lots = parse_lots(&mut v, &self.lots, currency);
        let criteria = parse_criteria(
            &mut v,
            &self.award_criteria,
            self.price_weight,
            &self.quality_criteria,
        );
        let enquiry = v.check(parse_instant(&self.enquiry_deadline, "enquiry_deadline"));
        let submission = v.check(parse_instant(
            &self.submission_deadline,
            "submission_deadline",
        ));
        let opening = v.check(parse_instant(&self.opening_at, "opening_at"));
        let mut committee = self.committee.clone();
        committee.sort_unstable();
        committee.dedup();
        if committee.len() > MAX_COMMITTEE {
            v.push(FieldError::new("committee", "too_many").arg("max", MAX_COMMITTEE));
        }
        let threshold = match self.committee_threshold {
            Some(k) if (2..=MAX_COMMITTEE as i64).contains(&k) => i32::try_from(k).ok(),
            Some(_) => {
                v.push(
                    FieldError::new("committee_threshold", "out_of_range")
                        .arg("min", 2)
                        .arg("max", MAX_COMMITTEE),
                );
                None
            }
            None => {
                v.push(FieldError::new("committee_threshold", "required"));
                None
            }
        };
        v.finish()?;
        let missing = || AppError::internal("validator passed with missing values");
        let (award_criteria, criteria) = criteria.ok_or_else(missing)?;
        Ok(TenderDraft {
            title: title.ok_or_else(missing)?.into_inner(),
            description: description.ok_or_else(missing)?.into_inner(),
            method: method.ok_or_else(missing)?,
            category: category.ok_or_else(missing)?,
            classification: classification.ok_or_else(missing)?,
            currency: currency.ok_or_else(missing)?,
            lots: lots.ok_or_else(missing)?,
            award_criteria,
            criteria,
            enquiry_deadline: enquiry.ok_or_else(missing)?,
            submission_deadline: submission.ok_or_else(missing)?,
            opening_at: opening.ok_or_else(missing)?,
            committee,
            observer: self.observer,
            threshold: threshold.ok_or_else(missing)?,
        })
    }
}

/// A lot as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LotView {
    /// Lot number, from 1.
    pub number: i32,
    /// Title.
    pub title: String,
    /// Quantity.
    pub quantity: String,
    /// Unit.
    pub unit: String,
    /// Estimated value.
    pub estimated_value: Amount,
}

/// A member of the opening committee.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommitteeMember {
    /// User id.
    pub user_id: i64,
    /// Name.
    pub display_name: String,
    /// `member` or `observer`.
    pub committee_role: String,
}

/// A document of a tender.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    /// Id (download at `/api/v1/tenders/{tender}/documents/{id}`).
    pub id: i64,
    /// File name.
    pub filename: String,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Media type detected from the content.
    pub media_type: String,
    /// Published (UTC); none while staged for the next amendment or in a draft.
    #[serde(with = "crate::domain::utc::option")]
    pub published_at: Option<NaiveDateTime>,
    /// The amendment that published it, if any.
    pub added_in: Option<i64>,
    /// The amendment that withdrew it, if any.
    pub withdrawn_in: Option<i64>,
}

/// A question and its answer, without the asker.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnquiryView {
    /// Id.
    pub id: i64,
    /// The question.
    pub question: String,
    /// Asked (UTC).
    #[serde(with = "crate::domain::utc")]
    pub asked_at: NaiveDateTime,
    /// The answer, once given.
    pub answer: Option<String>,
    /// Answered (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub answered_at: Option<NaiveDateTime>,
}

/// An amendment (addendum) with what it changed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AmendmentView {
    /// Id.
    pub id: i64,
    /// Number within the tender, from 1.
    pub number: i32,
    /// Why.
    pub rationale: String,
    /// Bids submitted before it must be confirmed again.
    pub material: bool,
    /// What changed: field → `{before, after}` (documents: added/withdrawn lists).
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
    /// When (UTC).
    #[serde(with = "crate::domain::utc")]
    pub created_at: NaiveDateTime,
}

/// A tender with everything the public (or, for a draft, its buyer's staff) may see.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tender {
    /// Id.
    pub id: i64,
    /// OCDS ocid, from publication.
    pub ocid: Option<String>,
    /// Status now.
    pub status: String,
    /// Buyer entity id.
    pub buyer_id: i64,
    /// Buyer entity name.
    pub buyer_name: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Procurement method.
    pub method: Method,
    /// OCDS procurementMethod.
    pub procurement_method: String,
    /// Category.
    pub procurement_category: Category,
    /// UNSPSC code.
    pub classification: String,
    /// Estimated value: the sum of the lots.
    pub estimated_value: Amount,
    /// Lots.
    pub lots: Vec<LotView>,
    /// Award criteria.
    pub award_criteria: AwardCriteria,
    /// Criteria and weights (price first).
    pub criteria: Vec<Criterion>,
    /// Enquiry deadline (UTC).
    #[serde(with = "crate::domain::utc")]
    pub enquiry_deadline: NaiveDateTime,
    /// Submission deadline (UTC).
    #[serde(with = "crate::domain::utc")]
    pub submission_deadline: NaiveDateTime,
    /// Opening (UTC).
    #[serde(with = "crate::domain::utc")]
    pub opening_at: NaiveDateTime,
    /// Opening committee.
    pub committee: Vec<CommitteeMember>,
    /// Members needed to open.
    pub committee_threshold: i32,
    /// Documents (published ones; staff also see staged ones).
    pub documents: Vec<DocumentView>,
    /// Questions and answers.
    pub enquiries: Vec<EnquiryView>,
    /// Amendments, oldest first.
    pub amendments: Vec<AmendmentView>,
    /// Published (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub published_at: Option<NaiveDateTime>,
    /// Cancelled (UTC).
    #[serde(with = "crate::domain::utc::option")]
    pub cancelled_at: Option<NaiveDateTime>,
    /// Ground of the cancellation.
    pub cancellation_ground: Option<String>,
    /// Drafted by (user id).
    pub created_by: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenders)]
struct TenderRow {
    id: i64,
    buyer_id: i64,
    created_by: i64,
    title: String,
    description: String,
    method: String,
    category: String,
    classification: String,
    currency: String,
    estimated_value: i64,
    award_criteria: String,
    enquiry_deadline: NaiveDateTime,
    submission_deadline: NaiveDateTime,
    opening_at: NaiveDateTime,
    committee_threshold: i32,
    status: String,
    ocid: Option<String>,
    published_at: Option<NaiveDateTime>,
    cancelled_at: Option<NaiveDateTime>,
    cancellation_ground: Option<String>,
}

/// Is `user` staff of the tender's buyer (an officer of that entity)?
pub fn is_buyer_staff(user: Option<&CurrentUser>, buyer_id: i64) -> bool {
    user.is_some_and(|u| u.role == Role::Officer && u.buyer_id == Some(buyer_id))
}

/// Whether `viewer` may see a tender of `buyer_id` in `status`: drafts only the buyer's
/// officers and auditors (404 for everyone else). Returns whether the viewer is the buyer's
/// staff (who also see staged documents).
pub(crate) fn visible_to(
    viewer: Option<&CurrentUser>,
    buyer_id: i64,
    status: &str,
) -> Result<bool, AppError> {
    let staff = is_buyer_staff(viewer, buyer_id);
    if status == "draft" && !(staff || viewer.is_some_and(|u| u.role == Role::Auditor)) {
        return Err(AppError::NotFound);
    }
    Ok(staff)
}

/// One tender as `viewer` may see it ([`find`]): drafts only for its buyer's staff.
pub async fn view(
    app: &AppState,
    viewer: Option<&CurrentUser>,
    tender_id: i64,
) -> Result<Tender, AppError> {
    let (viewer, now) = (viewer.cloned(), app.clock.now_db());
    app.db
        .run(move |conn| find(conn, tender_id, viewer.as_ref(), now))
        .await
}

/// Loads a tender as `viewer` may see it: drafts only for the buyer's officers and auditors
/// (404 for everyone else); staged documents only for the buyer's officers.
pub fn find(
    conn: &mut DbConnection,
    id: i64,
    viewer: Option<&CurrentUser>,
    now: NaiveDateTime,
) -> Result<Tender, AppError> {
    let (row, buyer_name): (TenderRow, String) = tenders::table
        .inner_join(buyers::table)
        .filter(tenders::id.eq(id))
        .select((TenderRow::as_select(), buyers::name))
        .first(conn)?;
    let staff = visible_to(viewer, row.buyer_id, &row.status)?;
    let lots = tender_lots::table
        .filter(tender_lots::tender_id.eq(id))
        .order(tender_lots::number)
        .select((
            tender_lots::number,
            tender_lots::title,
            tender_lots::quantity,
            tender_lots::unit,
            tender_lots::estimated_value,
        ))
        .load::<(i32, String, String, String, i64)>(conn)?
        .into_iter()
        .map(|(number, title, quantity, unit, value)| {
            Ok(LotView {
                number,
                title,
                quantity,
                unit,
                estimated_value: Amount::from_stored(value, &row.currency)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let criteria = tender_criteria::table
        .filter(tender_criteria::tender_id.eq(id))
        .order(tender_criteria::position)
        .select((
            tender_criteria::kind,
            tender_criteria::name,
            tender_criteria::weight,
        ))
        .load::<(String, String, i32)>(conn)?
        .into_iter()
        .map(|(kind, name, weight)| Criterion { kind, name, weight })
        .collect();
    let committee = tender_committee::table
        .inner_join(users::table)
        .filter(tender_committee::tender_id.eq(id))
        .order((tender_committee::committee_role, users::display_name))
        .select((
            users::id,
            users::display_name,
            tender_committee::committee_role,
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(user_id, display_name, committee_role)| CommitteeMember {
            user_id,
            display_name,
            committee_role,
        })
        .collect();
    let documents = documents::list(conn, id, staff)?;
    let enquiries = tender_enquiries::table
        .filter(tender_enquiries::tender_id.eq(id))
        .order(tender_enquiries::id)
        .select((
            tender_enquiries::id,
            tender_enquiries::question,
            tender_enquiries::asked_at,
            tender_enquiries::answer,
            tender_enquiries::answered_at,
        ))
        .load::<(
            i64,
            String,
            NaiveDateTime,
            Option<String>,
            Option<NaiveDateTime>,
        )>(conn)?
        .into_iter()
        .map(
            |(id, question, asked_at, answer, answered_at)| EnquiryView {
                id,
                question,
                asked_at,
                answer,
                answered_at,
            },
        )
        .collect();
    let amendments = tender_amendments::table
        .filter(tender_amendments::tender_id.eq(id))
        .order(tender_amendments::number)
        .select((
            tender_amendments::id,
            tender_amendments::number,
            tender_amendments::rationale,
            tender_amendments::material,
            tender_amendments::changes,
            tender_amendments::created_at,
        ))
        .load::<(i64, i32, String, bool, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(
            |(id, number, rationale, material, changes, created_at)| AmendmentView {
                id,
                number,
                rationale,
                material,
                changes: serde_json::from_str(&changes).unwrap_or(serde_json::Value::Null),
                created_at,
            },
        )
        .collect();
    let method = Method::from_code(&row.method).ok_or_else(|| AppError::internal("method"))?;
    Ok(Tender {
        id: row.id,
        ocid: row.ocid,
        status: effective_status(
            &row.status,
            row.enquiry_deadline,
            row.submission_deadline,
            now,
        )
        .code()
        .to_owned(),
        buyer_id: row.buyer_id,
        buyer_name,
        title: row.title,
        description: row.description,
        method,
        procurement_method: method.ocds().to_owned(),
        procurement_category: Category::parse(&row.category, "category")
            .map_err(|_| AppError::internal("stored category unknown"))?,
        classification: row.classification,
        estimated_value: Amount::from_stored(row.estimated_value, &row.currency)?,
        lots,
        award_criteria: AwardCriteria::parse(&row.award_criteria, "award_criteria")
            .map_err(|_| AppError::internal("stored award criteria unknown"))?,
        criteria,
        enquiry_deadline: row.enquiry_deadline,
        submission_deadline: row.submission_deadline,
        opening_at: row.opening_at,
        committee,
        committee_threshold: row.committee_threshold,
        documents,
        enquiries,
        amendments,
        published_at: row.published_at,
        cancelled_at: row.cancelled_at,
        cancellation_ground: row.cancellation_ground,
        created_by: row.created_by,
    })
}

/// The stored status, buyer and deadlines of a tender (for rule checks).
#[derive(Debug, Clone)]
pub(crate) struct TenderState {
    pub buyer_id: i64,
    pub status: String,
    pub method: String,
    pub enquiry_deadline: NaiveDateTime,
    pub submission_deadline: NaiveDateTime,
    pub opening_at: NaiveDateTime,
}

impl TenderState {
    pub fn effective(&self, now: NaiveDateTime) -> crate::domain::TenderStatus {
        effective_status(
            &self.status,
            self.enquiry_deadline,
            self.submission_deadline,
            now,
        )
    }
}

pub(crate) fn state(conn: &mut DbConnection, id: i64) -> Result<TenderState, AppError> {
    let (buyer_id, status, method, enquiry_deadline, submission_deadline, opening_at) =
        tenders::table
            .find(id)
            .select((
                tenders::buyer_id,
                tenders::status,
                tenders::method,
                tenders::enquiry_deadline,
                tenders::submission_deadline,
                tenders::opening_at,
            ))
            .first::<(
                i64,
                String,
                String,
                NaiveDateTime,
                NaiveDateTime,
                NaiveDateTime,
            )>(conn)?;
    Ok(TenderState {
        buyer_id,
        status,
        method,
        enquiry_deadline,
        submission_deadline,
        opening_at,
    })
}

/// Appends `action` by `user` to the tender's audit chain (`tender:<id>`).
pub(crate) fn record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    tender_id: i64,
    action: &'static str,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        now,
        &Actor::user(user.id, user.role),
        NewEvent::on("tender", tender_id, action, payload),
    )
}

/// Fails with 403 unless `user` is an officer of the tender's buyer; 404 when the tender is a
/// draft the user may not even know about.
pub(crate) fn require_staff(user: &CurrentUser, state: &TenderState) -> Result<(), AppError> {
    require_staff_of(user, state.buyer_id, &state.status)
}

/// [`require_staff`] for a tender known by its buyer and stored status.
pub(crate) fn require_staff_of(
    user: &CurrentUser,
    buyer_id: i64,
    status: &str,
) -> Result<(), AppError> {
    if is_buyer_staff(Some(user), buyer_id) {
        Ok(())
    } else if status == "draft" && user.role != Role::Auditor {
        Err(AppError::NotFound)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Documents may be added to drafts (published with them) and to tenders still open for
/// bids (staged for the next amendment).
pub(crate) fn accepts_documents(st: &TenderState, now: NaiveDateTime) -> Result<(), AppError> {
    let status = st.effective(now);
    if status == "draft" || status.receives_bids() {
        Ok(())
    } else {
        Err(wrong_status(
            "file",
            "tender_closed_for_documents",
            status.code(),
        ))
    }
}

/// A rule of the tender's life forbids this now (422 naming the status).
pub(crate) fn wrong_status(field: &str, code: &'static str, status: &str) -> AppError {
    AppError::Validation(vec![FieldError::new(field, code).arg("status", status)])
}

fn check_committee(
    conn: &mut DbConnection,
    buyer_id: i64,
    committee: &[i64],
    observer: Option<i64>,
) -> Result<(), AppError> {
    let officers: Vec<i64> = users::table
        .filter(users::id.eq_any(committee))
        .filter(users::role.eq("officer"))
        .filter(users::buyer_id.eq(buyer_id))
        .filter(users::active.eq(true))
        .select(users::id)
        .load(conn)?;
    let mut errors = Vec::new();
    if let Some(stranger) = committee.iter().find(|id| !officers.contains(id)) {
        errors.push(
            FieldError::new("committee", "committee_not_buyer_officer").arg("user", stranger),
        );
    }
    if let Some(observer) = observer {
        let auditor: bool = diesel::select(diesel::dsl::exists(
            users::table
                .filter(users::id.eq(observer))
                .filter(users::role.eq("auditor"))
                .filter(users::active.eq(true)),
        ))
        .get_result(conn)?;
        if !auditor {
            errors.push(FieldError::new("observer", "observer_not_auditor"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

pub(crate) fn search_text(conn: &mut DbConnection, tender_id: i64) -> Result<String, AppError> {
    let (title, description, ocid, buyer): (String, String, Option<String>, String) =
        tenders::table
            .inner_join(buyers::table)
            .filter(tenders::id.eq(tender_id))
            .select((
                tenders::title,
                tenders::description,
                tenders::ocid,
                buyers::name,
            ))
            .first(conn)?;
    let lots: Vec<String> = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select(tender_lots::title)
        .load(conn)?;
    Ok(search::normalize(&format!(
        "{title} {description} {} {buyer} {}",
        lots.join(" "),
        ocid.unwrap_or_default()
    )))
}

/// Recomputes the searchable text (and, on SQLite, the full-text row).
pub(crate) fn reindex(
    conn: &mut DbConnection,
    tender_id: i64,
    published: bool,
) -> Result<(), AppError> {
    let text = search_text(conn, tender_id)?;
    diesel::update(tenders::table.find(tender_id))
        .set(tenders::search_text.eq(&text))
        .execute(conn)?;
    if published {
        search::index(conn, tender_id, &text)?;
    }
    Ok(())
}

pub(crate) fn replace_lots(
    conn: &mut DbConnection,
    tender_id: i64,
    lots: &[Lot],
) -> Result<i64, AppError> {
    diesel::delete(tender_lots::table.filter(tender_lots::tender_id.eq(tender_id)))
        .execute(conn)?;
    let mut total = 0i64;
    for (i, lot) in lots.iter().enumerate() {
        total = total
            .checked_add(lot.estimated_value.minor())
            .filter(|t| *t <= Money::MAX_MINOR)
            .ok_or_else(|| AppError::field("lots", "amount_out_of_range"))?;
        diesel::insert_into(tender_lots::table)
            .values((
                tender_lots::tender_id.eq(tender_id),
                tender_lots::number.eq(i32::try_from(i + 1).unwrap_or(i32::MAX)),
                tender_lots::title.eq(&lot.title),
                tender_lots::quantity.eq(&lot.quantity),
                tender_lots::unit.eq(&lot.unit),
                tender_lots::estimated_value.eq(lot.estimated_value.minor()),
            ))
            .execute(conn)?;
    }
    Ok(total)
}

pub(crate) fn replace_criteria(
    conn: &mut DbConnection,
    tender_id: i64,
    criteria: &[Criterion],
) -> Result<(), AppError> {
    diesel::delete(tender_criteria::table.filter(tender_criteria::tender_id.eq(tender_id)))
        .execute(conn)?;
    for (i, c) in criteria.iter().enumerate() {
        diesel::insert_into(tender_criteria::table)
            .values((
                tender_criteria::tender_id.eq(tender_id),
                tender_criteria::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                tender_criteria::kind.eq(&c.kind),
                tender_criteria::name.eq(&c.name),
                tender_criteria::weight.eq(c.weight),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn replace_committee(
    conn: &mut DbConnection,
    tender_id: i64,
    committee: &[i64],
    observer: Option<i64>,
) -> Result<(), AppError> {
    diesel::delete(tender_committee::table.filter(tender_committee::tender_id.eq(tender_id)))
        .execute(conn)?;
    let rows = committee
        .iter()
        .map(|id| (*id, "member"))
        .chain(observer.map(|id| (id, "observer")));
    for (user_id, role) in rows {
        diesel::insert_into(tender_committee::table)
            .values((
                tender_committee::tender_id.eq(tender_id),
                tender_committee::user_id.eq(user_id),
                tender_committee::committee_role.eq(role),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn draft_payload(d: &TenderDraft) -> serde_json::Value {
    json!({
        "title": d.title, "description": d.description, "method": d.method,
        "procurement_category": d.category, "classification": d.classification, "currency": d.currency,
        "lots": d.lots, "award_criteria": d.award_criteria, "criteria": d.criteria,
        "enquiry_deadline": utc::format(d.enquiry_deadline),
        "submission_deadline": utc::format(d.submission_deadline),
        "opening_at": utc::format(d.opening_at), "committee": d.committee, "observer": d.observer,
        "committee_threshold": d.threshold,
    })
}

fn save_fields(
    conn: &mut DbConnection,
    tender_id: i64,
    d: &TenderDraft,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let total = replace_lots(conn, tender_id, &d.lots)?;
    replace_criteria(conn, tender_id, &d.criteria)?;
    replace_committee(conn, tender_id, &d.committee, d.observer)?;
    diesel::update(tenders::table.find(tender_id))
        .set((
            tenders::title.eq(&d.title),
            tenders::description.eq(&d.description),
            tenders::method.eq(d.method.code()),
            tenders::category.eq(d.category.code()),
            tenders::classification.eq(&d.classification),
            tenders::currency.eq(d.currency.code()),
            tenders::estimated_value.eq(total),
            tenders::award_criteria.eq(d.award_criteria.code()),
            tenders::enquiry_deadline.eq(d.enquiry_deadline),
            tenders::submission_deadline.eq(d.submission_deadline),
            tenders::opening_at.eq(d.opening_at),
            tenders::committee_threshold.eq(d.threshold),
            tenders::updated_at.eq(now),
        ))
        .execute(conn)?;
    reindex(conn, tender_id, false)
}

/// Creates a draft for the caller's buyer ([`create_draft_in`]); its id. A half-filled form
/// kept as `from_note` ([`notes`]) is discarded: it became this draft.
#[tracing::instrument(skip(app, user, draft), fields(user = user.id))]
pub async fn create_draft(
    app: &AppState,
    user: &CurrentUser,
    draft: TenderDraft,
    from_note: Option<i64>,
) -> Result<i64, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| {
            let id = create_draft_in(conn, &user, &draft, now)?;
            if let Some(note) = from_note {
                notes::discard(conn, &user, note)?;
            }
            Ok(id)
        })
        .await
}

/// An officer drafts a tender for their buyer entity.
pub fn create_draft_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    draft: &TenderDraft,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let buyer_id = match (user.role, user.buyer_id) {
        (Role::Officer, Some(b)) => b,
        _ => return Err(AppError::Forbidden),
    };
    write_transaction(conn, |conn| {
        check_committee(conn, buyer_id, &draft.committee, draft.observer)?;
        let id: i64 = diesel::insert_into(tenders::table)
            .values((
                tenders::buyer_id.eq(buyer_id),
                tenders::created_by.eq(user.id),
                tenders::title.eq(&draft.title),
                tenders::description.eq(&draft.description),
                tenders::method.eq(draft.method.code()),
                tenders::category.eq(draft.category.code()),
                tenders::classification.eq(&draft.classification),
                tenders::currency.eq(draft.currency.code()),
                tenders::estimated_value.eq(0i64),
                tenders::award_criteria.eq(draft.award_criteria.code()),
                tenders::enquiry_deadline.eq(draft.enquiry_deadline),
                tenders::submission_deadline.eq(draft.submission_deadline),
                tenders::opening_at.eq(draft.opening_at),
                tenders::committee_threshold.eq(draft.threshold),
                tenders::status.eq("draft"),
                tenders::search_text.eq(""),
                tenders::created_at.eq(now),
                tenders::updated_at.eq(now),
            ))
            .returning(tenders::id)
            .get_result(conn)?;
        save_fields(conn, id, draft, now)?;
        record(conn, now, user, id, "tender.drafted", draft_payload(draft))?;
        Ok(id)
    })
}

/// Replaces a draft's contents ([`update_draft_in`]).
#[tracing::instrument(skip(app, user, draft), fields(user = user.id))]
pub async fn update_draft(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    draft: TenderDraft,
) -> Result<(), AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| update_draft_in(conn, &user, tender_id, &draft, now))
        .await
}

/// Replaces a draft's fields. Only drafts: a published tender changes through [`amend`].
pub fn update_draft_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: i64,
    draft: &TenderDraft,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        if st.status != "draft" {
            return Err(wrong_status(
                "status",
                "tender_not_draft",
                st.effective(now).code(),
            ));
        }
        check_committee(conn, st.buyer_id, &draft.committee, draft.observer)?;
        save_fields(conn, tender_id, draft, now)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.updated",
            draft_payload(draft),
        )?;
        Ok(())
    })
}

/// Checks the schedule against the method's rules at `now`: the minimum submission period
/// (Lima calendar days from publication to the deadline), enquiries closing before the
/// deadline and after now, the opening at or after the deadline.
pub(crate) fn check_schedule(
    settings: &Settings,
    method: Method,
    enquiry: NaiveDateTime,
    deadline: NaiveDateTime,
    opening: NaiveDateTime,
    from: NaiveDateTime,
    errors: &mut Vec<FieldError>,
) {
    let min = settings
        .min_submission_days
        .get(&method)
        .copied()
        .unwrap_or(0);
    let days = (lima_date(deadline) - lima_date(from)).num_days();
    if deadline <= from {
        errors.push(FieldError::new("submission_deadline", "in_the_past"));
    } else if days < i64::from(min) {
        errors.push(
            FieldError::new("submission_deadline", "period_too_short")
                .arg("min", min)
                .arg("days", days),
        );
    }
    if enquiry <= from {
        errors.push(FieldError::new("enquiry_deadline", "in_the_past"));
    }
    if enquiry >= deadline {
        errors.push(FieldError::new(
            "enquiry_deadline",
            "enquiry_after_submission",
        ));
    }
    if opening < deadline {
        errors.push(FieldError::new("opening_at", "opening_before_deadline"));
    }
}

/// Publishes a draft after checking every rule of its method ([`publish_in`]); its ocid. Wakes
/// the outbox for the alerts of matching companies.
#[tracing::instrument(skip(app, user), fields(user = user.id))]
pub async fn publish(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
) -> Result<String, AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    let ocid = app
        .db
        .run(move |conn| publish_in(conn, &state.settings, &user, tender_id, now))
        .await?;
    app.wake_outbox();
    Ok(ocid)
}

/// Publishes a draft after checking every rule; gives it its ocid, publishes its documents,
/// indexes it for search and alerts subscribed suppliers.
pub fn publish_in(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &CurrentUser,
    tender_id: i64,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        if st.status != "draft" {
            return Err(wrong_status(
                "status",
                "tender_not_draft",
                st.effective(now).code(),
            ));
        }
        let method = Method::from_code(&st.method).ok_or_else(|| AppError::internal("method"))?;
        let mut errors = Vec::new();
        check_schedule(
            settings,
            method,
            st.enquiry_deadline,
            st.submission_deadline,
            st.opening_at,
            now,
            &mut errors,
        );
        let members: Vec<i64> = tender_committee::table
            .filter(tender_committee::tender_id.eq(tender_id))
            .filter(tender_committee::committee_role.eq("member"))
            .select(tender_committee::user_id)
            .load(conn)?;
        let observer: Option<i64> = tender_committee::table
            .filter(tender_committee::tender_id.eq(tender_id))
            .filter(tender_committee::committee_role.eq("observer"))
            .select(tender_committee::user_id)
            .first(conn)
            .optional()?;
        if let Err(AppError::Validation(e)) = check_committee(conn, st.buyer_id, &members, observer)
        {
            errors.extend(e);
        }
        let threshold: i32 = tenders::table
            .find(tender_id)
            .select(tenders::committee_threshold)
            .first(conn)?;
        if members.len() < 2 {
            errors.push(FieldError::new("committee", "committee_too_small").arg("min", 2));
        } else if !(2..=members.len() as i64).contains(&i64::from(threshold)) {
            errors.push(
                FieldError::new("committee_threshold", "threshold_out_of_range")
                    .arg("max", members.len()),
            );
        }
        let unvalued: Vec<i32> = tender_lots::table
            .filter(tender_lots::tender_id.eq(tender_id))
            .filter(tender_lots::estimated_value.le(0))
            .order(tender_lots::number)
            .select(tender_lots::number)
            .load(conn)?;
        if let Some(n) = unvalued.first() {
            errors.push(FieldError::new("lots", "lot_unvalued").arg("lot", n));
        }
        let documents: i64 = tender_documents::table
            .filter(tender_documents::tender_id.eq(tender_id))
            .count()
            .get_result(conn)?;
        if documents == 0 {
            errors.push(FieldError::new("documents", "documents_required"));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        crate::tenders::sealing::seal_tender(conn, tender_id, threshold, now)?;
        let ocid = format!("ocds-{}-{tender_id}", settings.ocid_prefix);
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::status.eq("open"),
                tenders::ocid.eq(&ocid),
                tenders::published_at.eq(now),
                tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(tender_documents::table.filter(tender_documents::tender_id.eq(tender_id)))
            .set(tender_documents::published_at.eq(now))
            .execute(conn)?;
        reindex(conn, tender_id, true)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.published",
            json!({"ocid": ocid}),
        )?;
        alerts::notify(
            conn,
            &settings.public_url,
            now,
            tender_id,
            alerts::Occasion::Published,
        )?;
        Ok(ocid)
    })
}

/// Cancels a published tender before award ([`cancel_in`]); followers and bidders are told.
#[tracing::instrument(skip(app, user, ground), fields(user = user.id))]
pub async fn cancel(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    ground: String,
) -> Result<(), AppError> {
    let (state, user, now) = (app.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| cancel_in(conn, &state.settings, &user, tender_id, &ground, now))
        .await?;
    app.wake_outbox();
    Ok(())
}

/// Cancels a published tender before award, with a ground; followers and subscribers are
/// emailed.
pub fn cancel_in(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &CurrentUser,
    tender_id: i64,
    ground: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        let ground =
            Statement::parse_lines(ground, "ground").map_err(|e| AppError::Validation(vec![e]))?;
        let status = st.effective(now);
        if !(status.receives_bids() || status == "closed") {
            return Err(wrong_status(
                "status",
                "tender_not_cancellable",
                status.code(),
            ));
        }
        diesel::update(tenders::table.find(tender_id))
            .set((
                tenders::status.eq("cancelled"),
                tenders::cancelled_at.eq(now),
                tenders::cancellation_ground.eq(ground.as_str()),
                tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.cancelled",
            json!({"ground": ground.as_str(), "status_before": status}),
        )?;
        alerts::notify(
            conn,
            &settings.public_url,
            now,
            tender_id,
            alerts::Occasion::Cancelled,
        )
    })
}

/// Moves stored statuses on at `now`: `open` → `enquiries_closed` at the enquiry deadline,
/// `open`/`enquiries_closed` → `closed` at the submission deadline, each with its audit event.
/// Each move is a conditional `UPDATE … RETURNING`, so when two servers run this against one
/// PostgreSQL at once a tender is moved, and its event written, exactly once (the second
/// server's update waits for the first's row lock, then no longer matches).
pub fn advance_statuses(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    advance(conn, now, None)
}

/// [`advance_statuses`] for one tender (the demo data moves each tender at its own times).
pub fn advance_status_of(
    conn: &mut DbConnection,
    tender_id: i64,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    advance(conn, now, Some(tender_id))
}

fn advance(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    only: Option<i64>,
) -> Result<usize, AppError> {
    let (first, last) = only.map_or((i64::MIN, i64::MAX), |id| (id, id));
    write_transaction(conn, |conn| {
        let closed: Vec<(i64, String)> = diesel::update(
            tenders::table
                .filter(tenders::id.between(first, last))
                .filter(tenders::status.eq_any(["open", "enquiries_closed"]))
                .filter(tenders::submission_deadline.le(now)),
        )
        .set((tenders::status.eq("closed"), tenders::updated_at.eq(now)))
        .returning((tenders::id, tenders::method))
        .get_results(conn)?;
        for (id, _) in &closed {
            audit::record(
                conn,
                now,
                &Actor::system(),
                NewEvent::on("tender", id, "tender.tendering_closed", json!({})),
            )?;
        }
        let enquiries: Vec<i64> = diesel::update(
            tenders::table
                .filter(tenders::id.between(first, last))
                .filter(tenders::status.eq("open"))
                .filter(tenders::enquiry_deadline.le(now)),
        )
        .set((
            tenders::status.eq("enquiries_closed"),
            tenders::updated_at.eq(now),
        ))
        .returning(tenders::id)
        .get_results(conn)?;
        for id in &enquiries {
            audit::record(
                conn,
                now,
                &Actor::system(),
                NewEvent::on("tender", id, "tender.enquiries_closed", json!({})),
            )?;
        }
        Ok(closed.len() + enquiries.len())
    })
}

/// The buyer's tenders (drafts included), newest first, for its officers.
pub fn buyer_tenders(
    conn: &mut DbConnection,
    user: &CurrentUser,
    now: NaiveDateTime,
) -> Result<Vec<TenderSummary>, AppError> {
    let Some(buyer_id) = user.buyer_id.filter(|_| user.role == Role::Officer) else {
        return Err(AppError::Forbidden);
    };
    let ids: Vec<i64> = tenders::table
        .filter(tenders::buyer_id.eq(buyer_id))
        .order(tenders::id.desc())
        .select(tenders::id)
        .limit(500)
        .load(conn)?;
    search::summaries(conn, &ids, now)
}

/// (user id, name) of the buyer's officers, and of every auditor.
pub type CommitteeCandidates = (Vec<(i64, String)>, Vec<(i64, String)>);

/// Officers of a buyer entity and every auditor: who may sit on its opening committees.
pub fn committee_candidates(
    conn: &mut DbConnection,
    buyer_id: i64,
) -> Result<CommitteeCandidates, AppError> {
    let officers = users::table
        .filter(users::role.eq("officer"))
        .filter(users::buyer_id.eq(buyer_id))
        .filter(users::active.eq(true))
        .order(users::display_name)
        .select((users::id, users::display_name))
        .load(conn)?;
    let auditors = users::table
        .filter(users::role.eq("auditor"))
        .filter(users::active.eq(true))
        .order(users::display_name)
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok((officers, auditors))
}

impl Tender {
    /// This tender as the input that drafted it, with instants written by `instant`:
    /// [`lima_input_value`] for a page's form, [`utc::format`] for the API's
    /// `GET /api/v1/tenders/{id}/draft`, whose answer `PUT` takes back unchanged.
    pub fn to_input(&self, instant: fn(NaiveDateTime) -> String) -> TenderInput {
        let price_weight = self
            .criteria
            .iter()
            .find(|c| c.kind == "price")
            .map(|c| i64::from(c.weight));
        TenderInput {
            title: self.title.clone(),
            description: self.description.clone(),
            method: self.method.code().to_owned(),
            procurement_category: self.procurement_category.code().to_owned(),
            classification: self.classification.clone(),
            currency: self.estimated_value.currency.code().to_owned(),
            lots: self
                .lots
                .iter()
                .map(|l| LotInput {
                    title: l.title.clone(),
                    quantity: l.quantity.clone(),
                    unit: l.unit.clone(),
                    estimated_value: l.estimated_value.amount.clone(),
                })
                .collect(),
            award_criteria: self.award_criteria.code().to_owned(),
            price_weight: (self.award_criteria == AwardCriteria::PriceQuality)
                .then_some(price_weight)
                .flatten(),
            quality_criteria: self
                .criteria
                .iter()
                .filter(|c| c.kind == "quality")
                .map(|c| CriterionInput {
                    name: c.name.clone(),
                    weight: i64::from(c.weight),
                })
                .collect(),
            enquiry_deadline: instant(self.enquiry_deadline),
            submission_deadline: instant(self.submission_deadline),
            opening_at: instant(self.opening_at),
            committee: self
                .committee
                .iter()
                .filter(|m| m.committee_role == "member")
                .map(|m| m.user_id)
                .collect(),
            observer: self
                .committee
                .iter()
                .find(|m| m.committee_role == "observer")
                .map(|m| m.user_id),
            committee_threshold: Some(i64::from(self.committee_threshold)),
        }
    }
}
