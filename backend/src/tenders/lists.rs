//! The buyer's tenders and the committee's candidates, for the officers' pages.

use super::*;
use crate::domain::{BuyerId, TenderId, UserId};

/// The buyer's tenders (drafts included), newest first, for its officers ([`buyer_tenders_in`]).
pub async fn buyer_tenders(
    app: &crate::app::AppState,
    user: &CurrentUser,
) -> Result<Vec<TenderSummary>, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| buyer_tenders_in(conn, &user, now))
        .await
}

/// The buyer's tenders (drafts included), newest first, for its officers.
pub fn buyer_tenders_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    now: NaiveDateTime,
) -> Result<Vec<TenderSummary>, AppError> {
    let Some(buyer_id) = user.buyer_id.filter(|_| user.role == Role::Officer) else {
        return Err(AppError::Forbidden);
    };
    let ids: Vec<TenderId> = tenders::table
        .filter(tenders::buyer_id.eq(buyer_id))
        .order(tenders::id.desc())
        .select(tenders::id)
        .limit(500)
        .load(conn)?;
    search::summaries(conn, &ids, now)
}

/// (user id, name) of the buyer's officers, and of every auditor.
pub type CommitteeCandidates = (Vec<(UserId, String)>, Vec<(UserId, String)>);

/// Who may sit on the opening committees of `user`'s entity ([`committee_candidates_in`]):
/// officers only.
pub async fn committee_candidates(
    app: &crate::app::AppState,
    user: &CurrentUser,
) -> Result<CommitteeCandidates, AppError> {
    user.require(&[Role::Officer])?;
    let buyer = user.buyer_id.ok_or(AppError::Forbidden)?;
    app.db
        .run(move |conn| committee_candidates_in(conn, buyer))
        .await
}

/// Officers of a buyer entity and every auditor: who may sit on its opening committees.
pub fn committee_candidates_in(
    conn: &mut DbConnection,
    buyer_id: BuyerId,
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
                    electronic_auction: l.electronic_auction,
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
