//! What a client sends to draft a tender (lots, criteria, schedule, committee, amounts as typed) and its parsing into a [`TenderDraft`] that names every wrong field.

use super::*;
use crate::domain::UserId;

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
    pub fn from_stored(minor: i64, currency: Currency) -> Result<Self, AppError> {
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

/// A lot as submitted (a field it does not have is refused: a misspelt
/// `electronic_auction` would otherwise drop the auction unseen).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LotInput {
    /// Title.
    pub title: String,
    /// Quantity, a decimal number above zero (e.g. `120` or `2.5`).
    pub quantity: String,
    /// Unit of measure (e.g. `unidad`, `tonelada`, `servicio`).
    pub unit: String,
    /// Estimated value in the tender's currency, e.g. `"45000.00"`.
    pub estimated_value: String,
    /// Are the admitted offers' prices bid down in an electronic auction before the award?
    /// Always so on a `subasta_inversa_electronica`; on another method only where the
    /// setting `LICITA_AUCTION_METHODS` lists it, and with `lowest_price` award criteria.
    pub electronic_auction: bool,
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
    pub committee: Vec<UserId>,
    /// User id of an auditor observing the opening (optional).
    pub observer: Option<UserId>,
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
    /// Bid down in an electronic auction before the award.
    pub electronic_auction: bool,
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
    pub(super) title: String,
    pub(super) description: String,
    pub(super) method: Method,
    pub(super) category: Category,
    pub(super) classification: String,
    pub(super) currency: Currency,
    pub(super) lots: Vec<Lot>,
    pub(super) award_criteria: AwardCriteria,
    pub(super) criteria: Vec<Criterion>,
    pub(super) enquiry_deadline: NaiveDateTime,
    pub(super) submission_deadline: NaiveDateTime,
    pub(super) opening_at: NaiveDateTime,
    pub(super) committee: Vec<UserId>,
    pub(super) observer: Option<UserId>,
    pub(super) threshold: i32,
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
                electronic_auction: lot.electronic_auction,
            });
        }
    }
    (out.len() == lots.len()).then_some(out)
}

pub(super) fn parse_quantity(text: &str) -> Result<String, FieldError> {
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

/// Settles which of `lots` run an electronic auction under `method`: every lot of a method
/// that always runs one ([`Method::runs_auctions`]); the others as the officer chose, which
/// needs the lowest price to decide (an auction ranks prices only). The errors name each
/// lot whose choice is refused; the setting's methods are checked where the settings are
/// ([`super::lifecycle::check_auction_methods`]).
pub(crate) fn auction_lots_errors(
    method: Method,
    award_criteria: AwardCriteria,
    lots: &mut [Lot],
) -> Vec<FieldError> {
    if method.runs_auctions() {
        for lot in lots.iter_mut() {
            lot.electronic_auction = true;
        }
        // Its auction decides: by price, as the law has it.
        return if award_criteria == AwardCriteria::LowestPrice {
            Vec::new()
        } else {
            vec![FieldError::new(
                "award_criteria",
                "auction_lots_need_lowest_price",
            )]
        };
    }
    lots.iter()
        .enumerate()
        .filter(|(_, lot)| lot.electronic_auction && award_criteria != AwardCriteria::LowestPrice)
        .map(|(i, _)| {
            FieldError::new("lot_auction", "auction_needs_lowest_price").arg("lot", i + 1)
        })
        .collect()
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
        let mut lots = lots;
        if let (Some(method), Some(lots), Some((award_criteria, _))) =
            (method, lots.as_mut(), criteria.as_ref())
        {
            for e in auction_lots_errors(method, *award_criteria, lots) {
                v.push(e);
            }
        }
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
