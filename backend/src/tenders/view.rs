//! A tender as a reader sees it (drafts only for its buyer's staff), its state at an instant, and the rules of who may see and change it.

use super::*;
use crate::domain::{BuyerId, TenderId, TenderStatus, UserId};

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
    /// Are the admitted offers' prices bid down in an electronic auction before the award?
    pub electronic_auction: bool,
}

/// A member of the opening committee.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommitteeMember {
    /// User id.
    pub user_id: UserId,
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
    pub id: TenderId,
    /// OCDS ocid, from publication.
    pub ocid: Option<String>,
    /// Status now.
    pub status: TenderStatus,
    /// Where it stands in its procedure now (several phases share the status `closed`).
    pub phase: crate::procedure::Phase,
    /// What its procedure allows now, to whoever holds the role for it (a company asks and
    /// bids, an officer answers, amends, cancels…): the pages show their buttons from this.
    pub allowed_actions: Vec<crate::procedure::Action>,
    /// Buyer entity id.
    pub buyer_id: BuyerId,
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
    pub created_by: UserId,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tenders)]
pub(super) struct TenderRow {
    pub(super) id: TenderId,
    pub(super) buyer_id: BuyerId,
    pub(super) created_by: UserId,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) method: Method,
    pub(super) category: Category,
    pub(super) classification: String,
    pub(super) currency: Currency,
    pub(super) estimated_value: i64,
    pub(super) award_criteria: AwardCriteria,
    pub(super) enquiry_deadline: NaiveDateTime,
    pub(super) submission_deadline: NaiveDateTime,
    pub(super) opening_at: NaiveDateTime,
    pub(super) committee_threshold: i32,
    pub(super) status: TenderStatus,
    pub(super) ocid: Option<String>,
    pub(super) published_at: Option<NaiveDateTime>,
    pub(super) cancelled_at: Option<NaiveDateTime>,
    pub(super) cancellation_ground: Option<String>,
}

/// Is `user` staff of the tender's buyer (an officer of that entity)?
pub fn is_buyer_staff(user: Option<&CurrentUser>, buyer_id: BuyerId) -> bool {
    user.is_some_and(|u| u.role == Role::Officer && u.buyer_id == Some(buyer_id))
}

/// Whether `viewer` may see a tender of `buyer_id` in `status`: drafts only the buyer's
/// officers and auditors (404 for everyone else). Returns whether the viewer is the buyer's
/// staff (who also see staged documents).
pub(crate) fn visible_to(
    viewer: Option<&CurrentUser>,
    buyer_id: BuyerId,
    status: TenderStatus,
) -> Result<bool, AppError> {
    let staff = is_buyer_staff(viewer, buyer_id);
    if status == TenderStatus::Draft && !(staff || viewer.is_some_and(|u| u.role == Role::Auditor))
    {
        return Err(AppError::NotFound);
    }
    Ok(staff)
}

/// One tender as `viewer` may see it ([`find`]): drafts only for its buyer's staff.
pub async fn view(
    app: &AppState,
    viewer: Option<&CurrentUser>,
    tender_id: TenderId,
) -> Result<Tender, AppError> {
    let (viewer, now) = (viewer.cloned(), app.clock.now_db());
    app.db
        .run(move |conn| find(conn, tender_id, viewer.as_ref(), now))
        .await
}

/// One tender as its buyer's staff see it, to edit or amend: 403 for anyone else who may
/// see it, 404 as [`view`] for the rest.
pub async fn view_for_staff(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
) -> Result<Tender, AppError> {
    let tender = view(app, Some(user), tender_id).await?;
    if is_buyer_staff(Some(user), tender.buyer_id) {
        Ok(tender)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Loads a tender as `viewer` may see it: drafts only for the buyer's officers and auditors
/// (404 for everyone else); staged documents only for the buyer's officers.
pub fn find(
    conn: &mut DbConnection,
    id: TenderId,
    viewer: Option<&CurrentUser>,
    now: NaiveDateTime,
) -> Result<Tender, AppError> {
    let (row, buyer_name): (TenderRow, String) = tenders::table
        .inner_join(buyers::table)
        .filter(tenders::id.eq(id))
        .select((TenderRow::as_select(), buyers::name))
        .first(conn)?;
    let staff = visible_to(viewer, row.buyer_id, row.status)?;
    let lots = tender_lots::table
        .filter(tender_lots::tender_id.eq(id))
        .order(tender_lots::number)
        .select((
            tender_lots::number,
            tender_lots::title,
            tender_lots::quantity,
            tender_lots::unit,
            tender_lots::estimated_value,
            tender_lots::electronic_auction,
        ))
        .load::<(i32, String, String, String, i64, bool)>(conn)?
        .into_iter()
        .map(
            |(number, title, quantity, unit, value, electronic_auction)| {
                Ok(LotView {
                    number,
                    title,
                    quantity,
                    unit,
                    estimated_value: Amount::from_stored(value, row.currency)?,
                    electronic_auction,
                })
            },
        )
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
        .load::<(UserId, String, String)>(conn)?
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
    let facts = crate::procedure::facts(conn, row.id)?;
    let phase = facts.phase(now);
    let method = row.method;
    Ok(Tender {
        id: row.id,
        ocid: row.ocid,
        status: phase.status(),
        phase,
        allowed_actions: facts.procedure().allowed(phase),
        buyer_id: row.buyer_id,
        buyer_name,
        title: row.title,
        description: row.description,
        method,
        procurement_method: method.ocds().to_owned(),
        procurement_category: row.category,
        classification: row.classification,
        estimated_value: Amount::from_stored(row.estimated_value, row.currency)?,
        lots,
        award_criteria: row.award_criteria,
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

impl Tender {
    /// Does its procedure allow `action` now?
    pub fn allows(&self, action: crate::procedure::Action) -> bool {
        self.allowed_actions.contains(&action)
    }

    /// `Ok` when its procedure allows `action` now, else the procedure's refusal (what a
    /// page says instead of showing a form the action's entry would refuse).
    pub fn require(&self, action: crate::procedure::Action) -> Result<(), AppError> {
        crate::procedure::of(self.method, self.lots.iter().any(|l| l.electronic_auction))
            .require(self.phase, action)
    }
}

/// The buyer of a tender and what its procedure's phase depends on (for rule checks).
#[derive(Debug, Clone)]
pub(crate) struct TenderState {
    pub buyer_id: BuyerId,
    pub status: TenderStatus,
    pub method: Method,
    pub submission_deadline: NaiveDateTime,
    pub opening_at: NaiveDateTime,
    /// The phase's facts.
    pub facts: crate::procedure::Facts,
}

impl TenderState {
    /// The status at `now` (the stored one moved on by the deadlines passed).
    pub fn effective(&self, now: NaiveDateTime) -> TenderStatus {
        self.facts.status_at(now)
    }

    /// `Ok` when the tender's procedure allows `action` at `now`, else its refusal.
    pub fn require(
        &self,
        action: crate::procedure::Action,
        now: NaiveDateTime,
    ) -> Result<(), AppError> {
        self.facts.require(action, now)
    }
}

pub(crate) fn state(conn: &mut DbConnection, id: TenderId) -> Result<TenderState, AppError> {
    let buyer_id: BuyerId = tenders::table
        .find(id)
        .select(tenders::buyer_id)
        .first(conn)?;
    let facts = crate::procedure::facts(conn, id)?;
    Ok(TenderState {
        buyer_id,
        status: facts.status,
        method: facts.method,
        submission_deadline: facts.submission_deadline,
        opening_at: facts.opening_at,
        facts,
    })
}

/// Appends `action` by `user` to the tender's audit chain (`tender:<id>`), and its OCDS
/// release when the action is public.
pub(crate) fn record(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    tender_id: TenderId,
    action: &'static str,
    payload: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        now,
        &Actor::user(user.id, user.role),
        NewEvent::on("tender", tender_id, action, payload),
    )?;
    crate::projection::on_event(conn, tender_id, action, now)
}

/// Fails with 403 unless `user` is an officer of the tender's buyer; 404 when the tender is a
/// draft the user may not even know about.
pub(crate) fn require_staff(user: &CurrentUser, state: &TenderState) -> Result<(), AppError> {
    require_staff_of(user, state.buyer_id, state.status)
}

/// [`require_staff`] for a tender known by its buyer and stored status.
pub(crate) fn require_staff_of(
    user: &CurrentUser,
    buyer_id: BuyerId,
    status: TenderStatus,
) -> Result<(), AppError> {
    if is_buyer_staff(Some(user), buyer_id) {
        Ok(())
    } else if status == TenderStatus::Draft && user.role != Role::Auditor {
        Err(AppError::NotFound)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A rule of the tender's life forbids this now (422 naming the status).
pub(crate) fn wrong_status(field: &str, code: &'static str, status: &str) -> AppError {
    AppError::Validation(vec![FieldError::new(field, code).arg("status", status)])
}
