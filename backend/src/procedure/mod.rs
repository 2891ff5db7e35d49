//! A tender's life in one place: each procurement procedure is a state machine, declared as
//! tables in a file of its own ([`sealed_tender`] today), and this module is the one writer
//! of a tender's status.
//!
//! - A **phase** ([`Phase`]) is where a tender stands now: its stored status moved on by the
//!   deadlines that have passed, and, once bids are closed, whether the opening time has come
//!   and whether the bids were opened.
//! - An **action** ([`Action`]) is something a person asks to do (ask, bid, award, …); each
//!   procedure's table says in which phases it is allowed and with which refusal it is refused
//!   elsewhere. Every entry, page, panel and API answer asks [`Procedure::may`] or
//!   [`Procedure::require`], so they cannot disagree.
//! - A **transition** ([`Transition`]) changes the stored status; each procedure declares the
//!   `(transition, from, to)` triples it allows. [`apply`] checks one, writes the status,
//!   records its audit event and runs the projections, in that order: nothing else writes
//!   `tenders.status` (the architecture test checks it).
//! - A **timed event** ([`TimedEvent`]) is what a procedure asks the clock for: the deadlines
//!   that move the status on, the opening, the end of an award's standstill.
//!
//! A method ([`Method`]) names the procedure it follows in [`of`]: a new procedure is a new
//! file here and a row there.

pub mod replay;
pub mod reverse_auction;
pub mod sealed_tender;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    audit::{self, Actor, NewEvent},
    db::DbConnection,
    domain::{Method, TenderId, TenderStatus},
    error::{AppError, FieldError},
    schema::{tender_seals, tenders},
};

/// Where a tender stands now. Several phases share one stored status (`closed` covers the
/// wait for the opening, the opening and the evaluation).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Being written by its buyer's officers.
    Draft,
    /// Published: questions and bids are received.
    Open,
    /// The enquiry deadline has passed; bids are still received.
    EnquiriesClosed,
    /// The submission deadline has passed; the bids are frozen, the opening time not come.
    SubmissionClosed,
    /// The opening time has come: the committee gives its key shares.
    Opening,
    /// The bids are opened (or none was received): each lot is evaluated and decided.
    Evaluation,
    /// Every lot decided, at least one awarded.
    Awarded,
    /// Every lot declared void.
    Unsuccessful,
    /// Cancelled by its buyer.
    Cancelled,
}

impl Phase {
    /// Every phase, in the order of a tender's life.
    pub const ALL: [Phase; 9] = [
        Phase::Draft,
        Phase::Open,
        Phase::EnquiriesClosed,
        Phase::SubmissionClosed,
        Phase::Opening,
        Phase::Evaluation,
        Phase::Awarded,
        Phase::Unsuccessful,
        Phase::Cancelled,
    ];

    /// The status stored (and published) for a tender in this phase.
    pub const fn status(self) -> TenderStatus {
        match self {
            Phase::Draft => TenderStatus::Draft,
            Phase::Open => TenderStatus::Open,
            Phase::EnquiriesClosed => TenderStatus::EnquiriesClosed,
            Phase::SubmissionClosed | Phase::Opening | Phase::Evaluation => TenderStatus::Closed,
            Phase::Awarded => TenderStatus::Awarded,
            Phase::Unsuccessful => TenderStatus::Unsuccessful,
            Phase::Cancelled => TenderStatus::Cancelled,
        }
    }

    /// The code sent in JSON and used in page keys (`phase-<code>`).
    pub const fn code(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Open => "open",
            Phase::EnquiriesClosed => "enquiries_closed",
            Phase::SubmissionClosed => "submission_closed",
            Phase::Opening => "opening",
            Phase::Evaluation => "evaluation",
            Phase::Awarded => "awarded",
            Phase::Unsuccessful => "unsuccessful",
            Phase::Cancelled => "cancelled",
        }
    }
}

/// Something a person asks to do on a tender.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Change a draft (its fields, lots, committee).
    EditDraft,
    /// Publish a draft.
    Publish,
    /// Add a document (to a draft, or staged for the next amendment).
    AddDocument,
    /// A company asks a question.
    Ask,
    /// An officer answers a question.
    Answer,
    /// An officer amends the published terms.
    Amend,
    /// An officer cancels the tender.
    Cancel,
    /// A company submits or replaces its sealed bid.
    Bid,
    /// A company withdraws its bid.
    Withdraw,
    /// A committee member gives a key share at the opening.
    ShareKey,
    /// An officer evaluates a bid on a lot.
    Evaluate,
    /// An officer awards a lot or declares it void.
    Award,
    /// A bidder complains against an award (within its standstill).
    Complain,
    /// An officer decides a complaint.
    DecideComplaint,
    /// An officer records a signed contract (for a final award).
    SignContract,
    /// An officer records a modification of a contract.
    ModifyContract,
    /// An officer schedules a lot's electronic auction on its admitted offers.
    ScheduleAuction,
    /// An admitted bidder lowers its price in a lot's auction (a lance).
    PlaceLance,
}

impl Action {
    /// Every action, in the order of a tender's life.
    pub const ALL: [Action; 18] = [
        Action::EditDraft,
        Action::Publish,
        Action::AddDocument,
        Action::Ask,
        Action::Answer,
        Action::Amend,
        Action::Cancel,
        Action::Bid,
        Action::Withdraw,
        Action::ShareKey,
        Action::Evaluate,
        Action::Award,
        Action::Complain,
        Action::DecideComplaint,
        Action::ScheduleAuction,
        Action::PlaceLance,
        Action::SignContract,
        Action::ModifyContract,
    ];
}

/// A change of the stored status.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// A draft is published.
    Publish,
    /// The clock: the enquiry deadline passed.
    CloseEnquiries,
    /// The clock: the submission deadline passed.
    CloseSubmission,
    /// The terms were amended (the deadlines may move, and enquiries reopen).
    Amend,
    /// The buyer cancelled the tender.
    Cancel,
    /// A lot was decided, or its decision undone by an upheld complaint: the tender is
    /// awarded, void, or waits for its other lots.
    Decide,
}

/// What a procedure asks the clock for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimedEvent {
    /// The enquiry deadline: questions close.
    EnquiryDeadline,
    /// The submission deadline: bids close and are frozen.
    SubmissionDeadline,
    /// The opening time: the committee may give its shares.
    Opening,
    /// An award's standstill ends: the award becomes final unless a complaint waits.
    StandstillEnd,
}

/// The refusal of an action: the field it names and its message code (422, with the
/// tender's status as the `status` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The field named in the error.
    pub field: &'static str,
    /// The message code.
    pub code: &'static str,
}

impl Refusal {
    /// The error an entry answers, naming the tender's status.
    pub fn error(self, status: TenderStatus) -> AppError {
        AppError::Validation(vec![
            FieldError::new(self.field, self.code).arg("status", status.code()),
        ])
    }
}

/// One row of a procedure's action table.
#[derive(Debug)]
pub struct Rule {
    /// The action.
    pub action: Action,
    /// The phases it is allowed in.
    pub allowed: &'static [Phase],
    /// Its refusal in every other phase…
    pub refusal: Refusal,
    /// …except these, refused with a refusal of their own.
    pub except: &'static [(Phase, Refusal)],
}

/// One row of a procedure's transition table.
#[derive(Debug)]
pub struct Step {
    /// The transition.
    pub transition: Transition,
    /// The stored statuses it leaves.
    pub from: &'static [TenderStatus],
    /// The stored statuses it may lead to.
    pub to: &'static [TenderStatus],
}

/// One row of a procedure's clock table.
#[derive(Debug)]
pub struct Timed {
    /// The event.
    pub event: TimedEvent,
    /// The transition it makes when due (declared in the steps), if it moves the status.
    pub transition: Option<Transition>,
}

/// A procurement procedure: its life as three tables.
#[derive(Debug)]
pub struct Procedure {
    /// Its name (in code and documents).
    pub name: &'static str,
    /// What may be done in each phase: its own rows first, then the rows of the procedure
    /// it builds on (the first row of an action counts).
    pub actions: &'static [&'static [Rule]],
    /// The status changes it allows.
    pub steps: &'static [Step],
    /// What it asks the clock for.
    pub timed: &'static [Timed],
}

impl Procedure {
    /// The row of `action` (every procedure has one per action).
    pub fn rule(&self, action: Action) -> &Rule {
        self.rows()
            .find(|r| r.action == action)
            .unwrap_or(&REFUSED_EVERYWHERE)
    }

    /// Every row, its own first.
    pub fn rows(&self) -> impl Iterator<Item = &Rule> {
        self.actions.iter().flat_map(|part| part.iter())
    }

    /// Does this procedure run electronic auctions (some phase allows scheduling one)? The
    /// same as [`Method::runs_auctions`] of the methods that follow it (tested).
    pub fn runs_auctions(&self) -> bool {
        !self.rule(Action::ScheduleAuction).allowed.is_empty()
    }

    /// May `action` happen in `phase`?
    pub fn may(&self, phase: Phase, action: Action) -> bool {
        self.rule(action).allowed.contains(&phase)
    }

    /// `Ok` when `action` may happen in `phase`, else its refusal.
    pub fn check(&self, phase: Phase, action: Action) -> Result<(), Refusal> {
        let rule = self.rule(action);
        if rule.allowed.contains(&phase) {
            return Ok(());
        }
        Err(rule
            .except
            .iter()
            .find(|(p, _)| *p == phase)
            .map_or(rule.refusal, |(_, r)| *r))
    }

    /// [`Procedure::check`] as the error an entry answers (naming the phase's status).
    pub fn require(&self, phase: Phase, action: Action) -> Result<(), AppError> {
        self.check(phase, action)
            .map_err(|r| r.error(phase.status()))
    }

    /// The actions allowed in `phase`.
    pub fn allowed(&self, phase: Phase) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.may(phase, *a))
            .collect()
    }

    /// Is `transition` from `from` to `to` declared?
    pub fn declares(&self, transition: Transition, from: TenderStatus, to: TenderStatus) -> bool {
        self.steps
            .iter()
            .any(|s| s.transition == transition && s.from.contains(&from) && s.to.contains(&to))
    }

    /// The stored statuses in which `action` is allowed in at least one phase (for queries
    /// that list what may be done, like the officers' panel; the deadlines still apply).
    pub fn statuses_allowing(&self, action: Action) -> Vec<TenderStatus> {
        let mut statuses: Vec<TenderStatus> = self
            .rule(action)
            .allowed
            .iter()
            .map(|p| p.status())
            .collect();
        statuses.dedup();
        statuses
    }

    /// The clock's move due at `now` on a tender with these facts, if any: the first timed
    /// event whose instant has passed and whose source is the stored status.
    pub fn due(&self, facts: &Facts, now: NaiveDateTime) -> Option<(Transition, TenderStatus)> {
        self.timed.iter().find_map(|t| {
            let transition = t.transition?;
            let at = facts.instant(t.event)?;
            let step = self.step_from(transition, facts.status)?;
            (now >= at).then_some((transition, *step.to.first()?))
        })
    }

    /// The step of `transition` that leaves `from`, if declared.
    fn step_from(&self, transition: Transition, from: TenderStatus) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.transition == transition && s.from.contains(&from))
    }
}

/// An action no table names is refused everywhere.
static REFUSED_EVERYWHERE: Rule = Rule {
    action: Action::EditDraft,
    allowed: &[],
    refusal: Refusal {
        field: "status",
        code: "action_not_in_procedure",
    },
    except: &[],
};

/// Every procedure.
pub static PROCEDURES: &[&Procedure] = &[
    &sealed_tender::SEALED_TENDER,
    &reverse_auction::REVERSE_AUCTION,
];

/// The procedure a tender of `method` follows: the subasta inversa electrónica its reverse
/// auction; every other method of Peru's law the sealed tender, or the reverse auction's
/// when the officer gave some of its lots an electronic auction (`auctioned`; the setting
/// `LICITA_AUCTION_METHODS` says on which methods that may be done).
pub fn of(method: Method, auctioned: bool) -> &'static Procedure {
    match method {
        Method::SubastaInversaElectronica => &reverse_auction::REVERSE_AUCTION,
        _ if auctioned => &reverse_auction::REVERSE_AUCTION,
        Method::LicitacionPublica
        | Method::ConcursoPublico
        | Method::AdjudicacionSimplificada
        | Method::ComparacionPrecios
        | Method::ContratacionDirecta => &sealed_tender::SEALED_TENDER,
    }
}

/// What decides a tender's phase: its stored status, its instants and its seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The tender.
    pub id: TenderId,
    /// Its method.
    pub method: Method,
    /// Does some lot of it have an electronic auction?
    pub auctioned: bool,
    /// The stored status.
    pub status: TenderStatus,
    /// Questions close.
    pub enquiry_deadline: NaiveDateTime,
    /// Bids close.
    pub submission_deadline: NaiveDateTime,
    /// The opening may start.
    pub opening_at: NaiveDateTime,
    /// The bids were opened, or the tender was frozen with none to open.
    pub opened: bool,
}

impl Facts {
    /// Are the bids opened, from the seal's columns: opened, or frozen with none to open?
    pub fn opened_from(
        opened_at: Option<NaiveDateTime>,
        frozen_at: Option<NaiveDateTime>,
        leaf_count: Option<i32>,
    ) -> bool {
        opened_at.is_some() || (frozen_at.is_some() && leaf_count == Some(0))
    }

    /// The instant of a tender-wide timed event (a standstill belongs to an award).
    pub fn instant(&self, event: TimedEvent) -> Option<NaiveDateTime> {
        match event {
            TimedEvent::EnquiryDeadline => Some(self.enquiry_deadline),
            TimedEvent::SubmissionDeadline => Some(self.submission_deadline),
            TimedEvent::Opening => Some(self.opening_at),
            TimedEvent::StandstillEnd => None,
        }
    }

    /// The procedure the tender follows.
    pub fn procedure(&self) -> &'static Procedure {
        of(self.method, self.auctioned)
    }

    /// The status at `now`: the stored one moved on by the clock's due moves.
    pub fn status_at(&self, now: NaiveDateTime) -> TenderStatus {
        let mut facts = self.clone();
        while let Some((_, to)) = facts.procedure().due(&facts, now) {
            facts.status = to;
        }
        facts.status
    }

    /// The phase at `now`.
    pub fn phase(&self, now: NaiveDateTime) -> Phase {
        match self.status_at(now) {
            TenderStatus::Draft => Phase::Draft,
            TenderStatus::Open => Phase::Open,
            TenderStatus::EnquiriesClosed => Phase::EnquiriesClosed,
            TenderStatus::Closed if self.opened => Phase::Evaluation,
            TenderStatus::Closed if now >= self.opening_at => Phase::Opening,
            TenderStatus::Closed => Phase::SubmissionClosed,
            TenderStatus::Awarded => Phase::Awarded,
            TenderStatus::Unsuccessful => Phase::Unsuccessful,
            TenderStatus::Cancelled => Phase::Cancelled,
        }
    }

    /// `Ok` when `action` may happen at `now`, else the error the entry answers.
    pub fn require(&self, action: Action, now: NaiveDateTime) -> Result<(), AppError> {
        self.procedure().require(self.phase(now), action)
    }

    /// May `action` happen at `now`?
    pub fn may(&self, action: Action, now: NaiveDateTime) -> bool {
        self.procedure().may(self.phase(now), action)
    }
}

/// The tender columns its phase is read from (with its seal's, for whether it was opened):
/// select them beside others, then [`Facts::from_row`].
pub const PHASE_COLUMNS: (
    tenders::method,
    tenders::electronic_auction,
    tenders::status,
    tenders::enquiry_deadline,
    tenders::submission_deadline,
    tenders::opening_at,
) = (
    tenders::method,
    tenders::electronic_auction,
    tenders::status,
    tenders::enquiry_deadline,
    tenders::submission_deadline,
    tenders::opening_at,
);

/// What [`PHASE_COLUMNS`] read.
pub type PhaseRow = (
    Method,
    bool,
    TenderStatus,
    NaiveDateTime,
    NaiveDateTime,
    NaiveDateTime,
);

impl Facts {
    /// The facts of tender `id` from its [`PHASE_COLUMNS`] and whether it was opened.
    pub fn from_row(id: TenderId, row: PhaseRow, opened: bool) -> Facts {
        let (method, auctioned, status, enquiry_deadline, submission_deadline, opening_at) = row;
        Facts {
            id,
            method,
            auctioned,
            status,
            enquiry_deadline,
            submission_deadline,
            opening_at,
            opened,
        }
    }
}

/// Reads the facts of a tender (404 when there is none).
pub fn facts(conn: &mut DbConnection, id: TenderId) -> Result<Facts, AppError> {
    let row: PhaseRow = tenders::table.find(id).select(PHASE_COLUMNS).first(conn)?;
    let seal: Option<(Option<NaiveDateTime>, Option<NaiveDateTime>, Option<i32>)> =
        tender_seals::table
            .find(id)
            .select((
                tender_seals::opened_at,
                tender_seals::frozen_at,
                tender_seals::leaf_count,
            ))
            .first(conn)
            .optional()?;
    let opened = seal.is_some_and(|(opened_at, frozen_at, leaves)| {
        Facts::opened_from(opened_at, frozen_at, leaves)
    });
    Ok(Facts::from_row(id, row, opened))
}

/// The status column's value for a new tender: every procedure starts as a draft.
pub fn initial_status() -> diesel::dsl::Eq<tenders::status, TenderStatus> {
    tenders::status.eq(TenderStatus::Draft)
}

/// Changes tender `id`'s stored status by `transition` to `to` at `at`, the one writer of
/// `tenders.status`: the clock's due moves are made first (so the stored status is the
/// machine's), then the transition is checked against the tender's procedure, the status
/// written (only if it is still the one read: a concurrent writer makes this fail with a
/// conflict instead of overwriting), `event` recorded on the tender's chain, and the
/// projections (OCDS, figures, search) run once.
pub fn apply(
    conn: &mut DbConnection,
    id: TenderId,
    transition: Transition,
    to: TenderStatus,
    at: NaiveDateTime,
    actor: &Actor,
    event: NewEvent,
) -> Result<(), AppError> {
    advance_one(conn, id, at)?;
    let facts = facts(conn, id)?;
    if !facts.procedure().declares(transition, facts.status, to) {
        return Err(AppError::Conflict(
            FieldError::new("status", "transition_not_declared")
                .arg("status", facts.status.code())
                .arg("to", to.code()),
        ));
    }
    if !write_status(conn, id, facts.status, to, at)? {
        return Err(AppError::Conflict(
            FieldError::new("status", "status_changed").arg("status", facts.status.code()),
        ));
    }
    let action = event.action;
    audit::record(conn, at, actor, event)?;
    crate::projection::on_event(conn, id, action, at)
}

/// Writes `to` over `from` (a compare-and-set: `false` when another writer moved it first).
fn write_status(
    conn: &mut DbConnection,
    id: TenderId,
    from: TenderStatus,
    to: TenderStatus,
    at: NaiveDateTime,
) -> Result<bool, AppError> {
    let changed = diesel::update(tenders::table.find(id).filter(tenders::status.eq(from)))
        .set((tenders::status.eq(to), tenders::updated_at.eq(at)))
        .execute(conn)?;
    Ok(changed == 1)
}

/// The audit action of a clock move.
fn timed_action(transition: Transition) -> &'static str {
    match transition {
        Transition::CloseEnquiries => "tender.enquiries_closed",
        _ => "tender.tendering_closed",
    }
}

/// Makes the clock's due moves on one tender at `now`, each with its audit event (by the
/// system) and projections; returns how many it made. A move another server made first is
/// skipped, not repeated.
fn advance_one(
    conn: &mut DbConnection,
    id: TenderId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let mut moved = 0;
    loop {
        let facts = facts(conn, id)?;
        let Some((transition, to)) = facts.procedure().due(&facts, now) else {
            return Ok(moved);
        };
        if !write_status(conn, id, facts.status, to, now)? {
            continue;
        }
        let action = timed_action(transition);
        audit::record(
            conn,
            now,
            &Actor::system(),
            NewEvent::on("tender", id, action, serde_json::json!({})),
        )?;
        crate::projection::on_event(conn, id, action, now)?;
        moved += 1;
    }
}

/// The clock: makes every due move at `now` (on one tender, or on all), each in the
/// transaction of its tender. With several servers on one PostgreSQL each move is made,
/// and its event written, once: the write is conditional on the status read.
pub fn advance(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    only: Option<TenderId>,
) -> Result<usize, AppError> {
    let (first, last) = only.map_or((i64::MIN, i64::MAX), |id| (id.get(), id.get()));
    // The candidates, one query per timed event of each procedure: the stored statuses its
    // transition leaves, its instant passed. `Procedure::due` decides each.
    let mut due = std::collections::BTreeSet::new();
    for procedure in PROCEDURES {
        for timed in procedure.timed {
            let Some(transition) = timed.transition else {
                continue;
            };
            for step in procedure
                .steps
                .iter()
                .filter(|s| s.transition == transition)
            {
                let candidates = tenders::table
                    .filter(tenders::id.between(first, last))
                    .filter(tenders::status.eq_any(step.from))
                    .select(tenders::id);
                let ids: Vec<TenderId> = match timed.event {
                    TimedEvent::EnquiryDeadline => candidates
                        .filter(tenders::enquiry_deadline.le(now))
                        .load(conn)?,
                    TimedEvent::SubmissionDeadline => candidates
                        .filter(tenders::submission_deadline.le(now))
                        .load(conn)?,
                    TimedEvent::Opening => {
                        candidates.filter(tenders::opening_at.le(now)).load(conn)?
                    }
                    TimedEvent::StandstillEnd => Vec::new(),
                };
                due.extend(ids);
            }
        }
    }
    let mut moved = 0;
    for id in due {
        moved += crate::db::write_transaction(conn, |conn| advance_one(conn, id, now))?;
    }
    Ok(moved)
}

#[cfg(test)]
mod tests;
