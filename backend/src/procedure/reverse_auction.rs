//! The reverse auction (*subasta inversa electrónica*, Ley 30225 art. 54 and its
//! regulation): the sealed tender's life, with an electronic auction of the admitted offers'
//! prices between the opening and the award. After the opening the committee admits or
//! rejects each offer (the evaluation's admissibility); with at least two admitted offers on
//! a lot the officer schedules its auction, whose bidders lower their own prices under the
//! rules of [`crate::auction::rules`] (SEACE's *periodo de lances*); the lot is then awarded
//! at the final prices. A lot with fewer admitted offers is decided on the sealed prices.
//! Read the two rows below against that text; every other row is the sealed tender's.

use super::{Phase::*, Procedure, Refusal, Rule, sealed_tender};

const fn refuse(field: &'static str, code: &'static str) -> Refusal {
    Refusal { field, code }
}

/// The reverse auction.
pub static REVERSE_AUCTION: Procedure = Procedure {
    name: "reverse_auction",
    actions: &[AUCTION, sealed_tender::ACTIONS],
    steps: sealed_tender::STEPS,
    timed: sealed_tender::TIMED,
};

/// What the auction adds: scheduling it and bidding in it, once the bids are opened and
/// before the tender is cancelled.
const AUCTION: &[Rule] = &[
    Rule {
        action: super::Action::ScheduleAuction,
        allowed: &[Evaluation],
        refusal: refuse("lot", "bids_not_opened"),
        except: &[
            (Cancelled, refuse("lot", "tender_cancelled")),
            (Awarded, refuse("lot", "lot_already_decided")),
            (Unsuccessful, refuse("lot", "lot_already_decided")),
        ],
    },
    Rule {
        action: super::Action::PlaceLance,
        allowed: &[Evaluation],
        refusal: refuse("price", "auction_not_running"),
        except: &[(Cancelled, refuse("price", "tender_cancelled"))],
    },
];
