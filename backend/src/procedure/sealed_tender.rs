//! The sealed tender: the life every method of Peru's law follows today (licitación and
//! concurso público, adjudicación simplificada, comparación de precios, contratación directa
//! and, until its auction is built, the subasta inversa).
//!
//! Published with its terms, the tender takes questions until the enquiry deadline (Ley
//! 30225's *formulación de consultas*) and answers until the submission deadline (SEACE's
//! *absolución de consultas* follows the consultation period); it takes sealed bids, which
//! may be replaced or withdrawn, until the submission deadline, when they are frozen. At the
//! opening time the committee gives its key shares; once opened, each lot is evaluated and
//! awarded or declared void; each award stands still for its standstill (complaints), then
//! becomes final and its contract may be signed. The buyer may cancel until the tender is
//! decided. Read each table against that text.

use super::{Phase::*, Procedure, Refusal, Rule, Step, Timed, TimedEvent, Transition};
use crate::domain::TenderStatus as S;

const fn refuse(field: &'static str, code: &'static str) -> Refusal {
    Refusal { field, code }
}

/// A bid after the deadline: the refusal names the server's time.
const AFTER_THE_DEADLINE: &[(super::Phase, Refusal)] = &[
    (SubmissionClosed, refuse("bid", "deadline_passed")),
    (Opening, refuse("bid", "deadline_passed")),
    (Evaluation, refuse("bid", "deadline_passed")),
    (Awarded, refuse("bid", "deadline_passed")),
    (Unsuccessful, refuse("bid", "deadline_passed")),
];

/// A withdrawal after the deadline: the bid stays in the opening; the refusal names the
/// server's time.
const WITHDRAWAL_AFTER_THE_DEADLINE: &[(super::Phase, Refusal)] = &[
    (SubmissionClosed, refuse("bid", "withdrawal_closed")),
    (Opening, refuse("bid", "withdrawal_closed")),
    (Evaluation, refuse("bid", "withdrawal_closed")),
    (Awarded, refuse("bid", "withdrawal_closed")),
    (Unsuccessful, refuse("bid", "withdrawal_closed")),
];

/// The sealed tender.
pub static SEALED_TENDER: Procedure = Procedure {
    name: "sealed_tender",
    actions: &[ACTIONS],
    steps: STEPS,
    timed: TIMED,
};

/// What may be done in each phase (the reverse auction builds on these rows).
pub(super) const ACTIONS: &[Rule] = &[
    Rule {
        action: super::Action::EditDraft,
        allowed: &[Draft],
        refusal: refuse("status", "tender_not_draft"),
        except: &[],
    },
    Rule {
        action: super::Action::Publish,
        allowed: &[Draft],
        refusal: refuse("status", "tender_not_draft"),
        except: &[],
    },
    Rule {
        action: super::Action::AddDocument,
        allowed: &[Draft, Open, EnquiriesClosed],
        refusal: refuse("file", "tender_closed_for_documents"),
        except: &[],
    },
    Rule {
        action: super::Action::Ask,
        allowed: &[Open],
        refusal: refuse("question", "enquiries_closed"),
        except: &[],
    },
    Rule {
        action: super::Action::Answer,
        allowed: &[Open, EnquiriesClosed],
        refusal: refuse("answer", "answers_closed"),
        except: &[(Cancelled, refuse("answer", "tender_cancelled"))],
    },
    Rule {
        action: super::Action::Amend,
        allowed: &[Open, EnquiriesClosed],
        refusal: refuse("status", "tender_not_amendable"),
        except: &[],
    },
    Rule {
        action: super::Action::Cancel,
        allowed: &[Open, EnquiriesClosed, SubmissionClosed, Opening, Evaluation],
        refusal: refuse("status", "tender_not_cancellable"),
        except: &[],
    },
    Rule {
        action: super::Action::Bid,
        allowed: &[Open, EnquiriesClosed],
        refusal: refuse("bid", "tender_not_taking_bids"),
        except: AFTER_THE_DEADLINE,
    },
    Rule {
        action: super::Action::Withdraw,
        allowed: &[Open, EnquiriesClosed],
        refusal: refuse("bid", "tender_not_taking_bids"),
        except: WITHDRAWAL_AFTER_THE_DEADLINE,
    },
    Rule {
        action: super::Action::ShareKey,
        allowed: &[Opening],
        refusal: refuse("opening", "opening_not_yet"),
        except: &[
            (Cancelled, refuse("opening", "tender_cancelled")),
            (Evaluation, refuse("opening", "already_opened")),
            (Awarded, refuse("opening", "already_opened")),
            (Unsuccessful, refuse("opening", "already_opened")),
        ],
    },
    Rule {
        action: super::Action::Evaluate,
        allowed: &[Evaluation, Awarded, Unsuccessful],
        refusal: refuse("evaluation", "bids_not_opened"),
        except: &[(Cancelled, refuse("evaluation", "tender_cancelled"))],
    },
    Rule {
        action: super::Action::Award,
        allowed: &[Evaluation, Awarded, Unsuccessful],
        refusal: refuse("award", "bids_not_opened"),
        except: &[(Cancelled, refuse("award", "tender_cancelled"))],
    },
    Rule {
        action: super::Action::Complain,
        allowed: &[Evaluation, Awarded],
        refusal: refuse("grounds", "standstill_over"),
        except: &[(Cancelled, refuse("grounds", "tender_cancelled"))],
    },
    Rule {
        action: super::Action::DecideComplaint,
        allowed: &[Evaluation, Awarded, Unsuccessful, Cancelled],
        refusal: refuse("decision", "complaint_not_decidable"),
        except: &[],
    },
    Rule {
        action: super::Action::SignContract,
        allowed: &[Evaluation, Awarded],
        refusal: refuse("contract", "award_not_final"),
        except: &[(Cancelled, refuse("contract", "tender_cancelled"))],
    },
    Rule {
        action: super::Action::ModifyContract,
        allowed: &[Evaluation, Awarded],
        refusal: refuse("contract", "contract_not_active"),
        except: &[(Cancelled, refuse("contract", "tender_cancelled"))],
    },
    // A sealed tender decides on the sealed prices: no auction.
    Rule {
        action: super::Action::ScheduleAuction,
        allowed: &[],
        refusal: refuse("method", "method_without_auction"),
        except: &[],
    },
    Rule {
        action: super::Action::PlaceLance,
        allowed: &[],
        refusal: refuse("method", "method_without_auction"),
        except: &[],
    },
];

/// The status changes.
pub(super) const STEPS: &[Step] = &[
    Step {
        transition: Transition::Publish,
        from: &[S::Draft],
        to: &[S::Open],
    },
    Step {
        transition: Transition::CloseEnquiries,
        from: &[S::Open],
        to: &[S::EnquiriesClosed],
    },
    Step {
        transition: Transition::CloseSubmission,
        from: &[S::Open, S::EnquiriesClosed],
        to: &[S::Closed],
    },
    // An amendment moves the deadlines: enquiries stay or reopen, or stay closed.
    Step {
        transition: Transition::Amend,
        from: &[S::Open, S::EnquiriesClosed],
        to: &[S::Open, S::EnquiriesClosed],
    },
    Step {
        transition: Transition::Cancel,
        from: &[S::Open, S::EnquiriesClosed, S::Closed],
        to: &[S::Cancelled],
    },
    // A lot decided: the tender waits for its other lots, or is decided. An upheld
    // complaint undoes an award: the tender waits again.
    Step {
        transition: Transition::Decide,
        from: &[S::Closed, S::Awarded, S::Unsuccessful],
        to: &[S::Closed, S::Awarded, S::Unsuccessful],
    },
];

/// What it asks the clock for: the submission deadline first, so a tender past both
/// deadlines closes at once.
pub(super) const TIMED: &[Timed] = &[
    Timed {
        event: TimedEvent::SubmissionDeadline,
        transition: Some(Transition::CloseSubmission),
    },
    Timed {
        event: TimedEvent::EnquiryDeadline,
        transition: Some(Transition::CloseEnquiries),
    },
    Timed {
        event: TimedEvent::Opening,
        transition: None,
    },
    Timed {
        event: TimedEvent::StandstillEnd,
        transition: None,
    },
];
