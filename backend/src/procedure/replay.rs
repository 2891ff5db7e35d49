//! Replays a tender's audit chain through its procedure: each recorded status change must be
//! a step the table declares from where the tender stood, each recorded action one the table
//! allows there, and the stored status where the replay ends. An event does not always say
//! where a step led (an amendment may reopen enquiries or not; a decided lot may leave the
//! tender waiting, awarded or void), so the replay carries every status the tender may be in
//! and narrows it as later events tell.

use std::collections::BTreeSet;

use diesel::prelude::*;

use super::{Action, Phase, Procedure, Transition};
use crate::{
    db::DbConnection,
    domain::{Method, TenderId, TenderStatus},
    error::AppError,
    schema::{audit_events, tenders},
};

/// What a replay found.
#[derive(Debug, Default)]
pub struct Replay {
    /// Tenders replayed.
    pub tenders: usize,
    /// Events replayed.
    pub events: usize,
    /// Events the machine refuses, as `tender: seq action (from statuses)`.
    pub refused: Vec<String>,
    /// Tenders whose stored status is not where their replay ends.
    pub disagree: Vec<String>,
}

/// What a recorded action means to the machine.
enum Meaning {
    /// A status change.
    Step(Transition),
    /// An action, allowed in some phase of the status.
    Act(Action),
    /// Neither (a follow, a refused passphrase, a flag raised…).
    Other,
}

fn meaning(action: &str) -> Meaning {
    match action {
        "tender.published" => Meaning::Step(Transition::Publish),
        "tender.enquiries_closed" => Meaning::Step(Transition::CloseEnquiries),
        "tender.tendering_closed" => Meaning::Step(Transition::CloseSubmission),
        "tender.amended" => Meaning::Step(Transition::Amend),
        "tender.cancelled" => Meaning::Step(Transition::Cancel),
        "award.made" | "lot.declared_unsuccessful" | "award.cancelled" => {
            Meaning::Step(Transition::Decide)
        }
        "tender.updated" => Meaning::Act(Action::EditDraft),
        "tender.document_uploaded" => Meaning::Act(Action::AddDocument),
        "tender.enquiry_asked" => Meaning::Act(Action::Ask),
        "tender.enquiry_answered" => Meaning::Act(Action::Answer),
        "tender.opening_share_given" => Meaning::Act(Action::ShareKey),
        "bid.evaluated" => Meaning::Act(Action::Evaluate),
        "complaint.filed" => Meaning::Act(Action::Complain),
        "complaint.upheld" | "complaint.dismissed" => Meaning::Act(Action::DecideComplaint),
        "contract.signed" => Meaning::Act(Action::SignContract),
        "contract.modified" => Meaning::Act(Action::ModifyContract),
        _ => Meaning::Other,
    }
}

/// The statuses a tender may be in after `transition` from any of `from`.
fn after(
    procedure: &Procedure,
    transition: Transition,
    from: &BTreeSet<TenderStatus>,
) -> BTreeSet<TenderStatus> {
    procedure
        .steps
        .iter()
        .filter(|s| s.transition == transition)
        .filter(|s| s.from.iter().any(|f| from.contains(f)))
        .flat_map(|s| s.to.iter().copied())
        .collect()
}

/// Does the procedure allow `action` in some phase of a status in `statuses`?
fn allowed_in(procedure: &Procedure, action: Action, statuses: &BTreeSet<TenderStatus>) -> bool {
    Phase::ALL
        .into_iter()
        .any(|p| statuses.contains(&p.status()) && procedure.may(p, action))
}

/// Replays one tender's chain.
pub fn tender(conn: &mut DbConnection, id: TenderId, out: &mut Replay) -> Result<(), AppError> {
    let (method, auctioned, stored): (Method, bool, TenderStatus) = tenders::table
        .find(id)
        .select((
            tenders::method,
            tenders::electronic_auction,
            tenders::status,
        ))
        .first(conn)?;
    let procedure = super::of(method, auctioned);
    let events: Vec<(i64, String)> = audit_events::table
        .filter(audit_events::chain.eq(format!("tender:{id}")))
        .order(audit_events::seq)
        .select((audit_events::seq, audit_events::action))
        .load(conn)?;
    let mut may_be = BTreeSet::from([TenderStatus::Draft]);
    for (seq, action) in &events {
        out.events += 1;
        let next = match meaning(action) {
            Meaning::Step(transition) => after(procedure, transition, &may_be),
            Meaning::Act(a) if allowed_in(procedure, a, &may_be) => may_be.clone(),
            Meaning::Act(_) => BTreeSet::new(),
            Meaning::Other => may_be.clone(),
        };
        if next.is_empty() {
            out.refused
                .push(format!("tender {id}: #{seq} {action} from {may_be:?}"));
            return Ok(());
        }
        may_be = next;
    }
    if !may_be.contains(&stored) {
        out.disagree.push(format!(
            "tender {id}: stored {stored:?}, replayed {may_be:?}"
        ));
    }
    out.tenders += 1;
    Ok(())
}

/// Replays every tender's chain.
pub fn all(conn: &mut DbConnection) -> Result<Replay, AppError> {
    let ids: Vec<TenderId> = tenders::table
        .order(tenders::id)
        .select(tenders::id)
        .load(conn)?;
    let mut out = Replay::default();
    for id in ids {
        tender(conn, id, &mut out)?;
    }
    Ok(out)
}
