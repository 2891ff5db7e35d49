//! The procedure tables checked for what a reader of the law relies on: every action has a
//! row, every clock move is a declared step, the phase's status is the clock's, and random
//! lives never leave the tables.

use super::*;
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

fn at(hours: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("date")
        + Duration::hours(hours)
}

fn facts(status: TenderStatus, opened: bool) -> Facts {
    Facts {
        id: TenderId(1),
        method: Method::LicitacionPublica,
        auctioned: false,
        status,
        enquiry_deadline: at(10),
        submission_deadline: at(20),
        opening_at: at(21),
        opened,
    }
}

#[test]
fn every_procedure_has_one_row_per_action_and_declares_its_clock_moves() {
    for (method, auctioned) in Method::ALL
        .into_iter()
        .flat_map(|m| [(m, false), (m, true)])
    {
        let procedure = of(method, auctioned);
        assert!(PROCEDURES.iter().any(|p| std::ptr::eq(*p, procedure)));
        for action in Action::ALL {
            for part in procedure.actions {
                let rows = part.iter().filter(|r| r.action == action).count();
                assert!(rows <= 1, "{}: {action:?} has {rows} rows", procedure.name);
            }
            assert!(
                procedure.rows().any(|r| r.action == action),
                "{}: {action:?} has no row",
                procedure.name
            );
        }
        for timed in procedure.timed {
            if let Some(transition) = timed.transition {
                assert!(
                    procedure.steps.iter().any(|s| s.transition == transition),
                    "{}: the clock's {transition:?} is not a step",
                    procedure.name
                );
            }
        }
        for rule in procedure.rows() {
            for (phase, _) in rule.except {
                assert!(
                    !rule.allowed.contains(phase),
                    "{:?} both allowed and refused in {phase:?}",
                    rule.action
                );
            }
        }
    }
}

#[test]
fn the_sealed_tender_reads_as_the_law() {
    let p = &sealed_tender::SEALED_TENDER;
    // Questions close with the enquiry period; answers and bids with the submission deadline.
    assert!(p.may(Phase::Open, Action::Ask));
    assert!(!p.may(Phase::EnquiriesClosed, Action::Ask));
    assert!(p.may(Phase::EnquiriesClosed, Action::Answer));
    assert!(!p.may(Phase::SubmissionClosed, Action::Answer));
    assert!(p.may(Phase::EnquiriesClosed, Action::Bid));
    assert!(!p.may(Phase::SubmissionClosed, Action::Bid));
    // Shares are given at the opening only; evaluation and award follow it.
    assert_eq!(
        p.check(Phase::SubmissionClosed, Action::ShareKey)
            .map_err(|r| r.code),
        Err("opening_not_yet")
    );
    assert!(p.may(Phase::Opening, Action::ShareKey));
    assert_eq!(
        p.check(Phase::Evaluation, Action::ShareKey)
            .map_err(|r| r.code),
        Err("already_opened")
    );
    assert!(!p.may(Phase::Opening, Action::Award));
    assert!(p.may(Phase::Evaluation, Action::Award));
    // Cancellation until the tender is decided, never after.
    assert!(p.may(Phase::Evaluation, Action::Cancel));
    assert!(!p.may(Phase::Awarded, Action::Cancel));
    // A cancelled tender signs no contract.
    assert_eq!(
        p.check(Phase::Cancelled, Action::SignContract)
            .map_err(|r| r.code),
        Err("tender_cancelled")
    );
    // The panel's query and the entries read the same row.
    assert_eq!(
        p.statuses_allowing(Action::Answer),
        vec![TenderStatus::Open, TenderStatus::EnquiriesClosed]
    );
}

#[test]
fn a_tender_past_both_deadlines_closes_in_one_move() {
    let f = facts(TenderStatus::Open, false);
    assert_eq!(
        f.procedure().due(&f, at(25)),
        Some((Transition::CloseSubmission, TenderStatus::Closed))
    );
    assert_eq!(
        f.procedure().due(&f, at(12)),
        Some((Transition::CloseEnquiries, TenderStatus::EnquiriesClosed))
    );
    assert_eq!(f.procedure().due(&f, at(1)), None);
    assert_eq!(f.phase(at(20)), Phase::SubmissionClosed);
    assert_eq!(f.phase(at(21)), Phase::Opening);
    assert_eq!(
        facts(TenderStatus::Closed, true).phase(at(21)),
        Phase::Evaluation
    );
}

fn status_strategy() -> impl Strategy<Value = TenderStatus> {
    proptest::sample::select(TenderStatus::ALL.to_vec())
}

/// One step of a random life: a person's transition, or the clock moving on.
#[derive(Debug, Clone)]
enum Move {
    Person(Transition, TenderStatus),
    Clock(i64),
    Open,
}

fn move_strategy() -> impl Strategy<Value = Move> {
    prop_oneof![
        (
            proptest::sample::select(vec![
                Transition::Publish,
                Transition::Amend,
                Transition::Cancel,
                Transition::Decide,
            ]),
            status_strategy()
        )
            .prop_map(|(t, s)| Move::Person(t, s)),
        (0i64..30).prop_map(Move::Clock),
        Just(Move::Open),
    ]
}

proptest! {
    /// The clock's status and the domain's `effective_status` (which the search image runs
    /// over a million rows) are one rule.
    #[test]
    fn the_clock_agrees_with_effective_status(status in status_strategy(), hours in -5i64..40) {
        let f = facts(status, false);
        prop_assert_eq!(
            f.status_at(at(hours)),
            crate::domain::procurement::effective_status(
                status,
                f.enquiry_deadline,
                f.submission_deadline,
                at(hours)
            )
        );
    }

    /// Random lives (people's transitions, the clock, the opening) never reach a status the
    /// table does not lead to, and the phase always stands on the stored status moved on by
    /// the clock.
    #[test]
    fn random_lives_stay_inside_the_tables(moves in proptest::collection::vec(move_strategy(), 1..40)) {
        let mut f = facts(TenderStatus::Draft, false);
        let mut now = at(0);
        for m in moves {
            // The clock's due moves first, as `apply` makes them.
            while let Some((transition, to)) = f.procedure().due(&f, now) {
                prop_assert!(f.procedure().declares(transition, f.status, to));
                f.status = to;
            }
            match m {
                Move::Person(transition, to) => {
                    if f.procedure().declares(transition, f.status, to) {
                        f.status = to;
                    }
                }
                Move::Clock(hours) => now += Duration::hours(hours),
                Move::Open => {
                    if f.may(Action::ShareKey, now) {
                        f.opened = true;
                    }
                }
            }
            let phase = f.phase(now);
            prop_assert_eq!(phase.status(), f.status_at(now));
            prop_assert!(Phase::ALL.contains(&phase));
            if f.opened {
                prop_assert!(now >= f.opening_at);
            }
        }
    }
}

#[test]
fn a_tender_runs_auctions_exactly_when_its_method_or_its_lots_give_it_one() {
    for method in Method::ALL {
        assert_eq!(
            method.runs_auctions(),
            of(method, false).runs_auctions(),
            "{method:?}"
        );
        assert!(
            of(method, true).runs_auctions(),
            "{method:?} with auction lots"
        );
    }
}
