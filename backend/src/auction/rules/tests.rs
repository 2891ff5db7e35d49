//! The auction's rules checked at their edges with an injected clock (the extension exactly
//! N minutes before the close, the M-th and the (M+1)-th extension, an outage just over the
//! gap) and on random auctions: no accepted lance raises a price or breaks the step, none is
//! accepted after the close, the close only moves later and lances move it at most M times.

use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

fn start() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 7)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .expect("date")
}

fn secs(s: i64) -> NaiveDateTime {
    start() + TimeDelta::seconds(s)
}

/// A lot estimated at S/ 100,000.00: the 0.5 % step is S/ 500.00.
fn rules() -> Rules {
    Rules::for_lot(10_000_000, Rules::DEFAULT_STEP_BASIS_POINTS).expect("rules")
}

/// Three sealed offers: S/ 95,000, 97,000 and 99,000.
fn auction() -> Auction {
    Auction::open(rules(), start(), &[9_500_000, 9_700_000, 9_900_000]).expect("auction")
}

/// A server alive every 10 seconds up to `until` (no outage).
fn ticking(mut a: Auction, until: i64) -> Auction {
    let mut s = 10;
    while s <= until {
        a = a.alive(secs(s)).0;
        s += 10;
    }
    a
}

#[test]
fn the_step_is_the_percentage_of_the_estimated_value_rounded_up_and_the_law_s_range_holds() {
    assert_eq!(rules().minimal_step, 50_000);
    assert_eq!(Rules::for_lot(333, 50).expect("rules").minimal_step, 2);
    assert_eq!(
        Rules::for_lot(10_000_000, 300).expect("rules").minimal_step,
        300_000
    );
    for refused in [0, 49, 301] {
        let e = Rules::for_lot(10_000_000, refused).expect_err("out of range");
        assert_eq!(
            (e.field.as_str(), e.code),
            ("minimal_step", "auction_step_out_of_range")
        );
    }
    assert_eq!(rules().window, TimeDelta::minutes(30));
    assert_eq!(auction().closes_at, secs(30 * 60));
}

#[test]
fn a_lance_must_lower_the_bidder_s_own_price_by_the_step_and_stay_above_the_floor() {
    let a = auction();
    // Seat C (S/ 99,000) may go to 98,500 even though it stays last.
    assert_eq!(
        a.place(Seat(2), 9_850_001, secs(5)),
        Err(Refusal::StepTooSmall {
            highest_allowed: 9_850_000
        })
    );
    let (a, moved) = a.place(Seat(2), 9_850_000, secs(5)).expect("accepted");
    assert!(moved.is_empty());
    let c = a.standing(Seat(2), secs(5)).expect("seat");
    assert_eq!((c.rank, c.of, c.position), (3, 3, Position::Losing));
    assert_eq!(c.next_highest, Some(9_800_000));
    assert_eq!(
        a.place(Seat(0), 0, secs(6)),
        Err(Refusal::BelowFloor { floor: 1 })
    );
    assert_eq!(a.place(Seat(9), 1_000, secs(6)), Err(Refusal::NotAdmitted));
    assert_eq!(
        auction().place(Seat(0), 9_000_000, secs(-1)),
        Err(Refusal::NotStarted { opens_at: start() })
    );
}

#[test]
fn equal_prices_keep_the_earlier_first_and_both_see_the_tie() {
    let (a, _) = auction()
        .place(Seat(1), 9_500_000, secs(60))
        .expect("ties the best");
    assert_eq!(a.ranking()[0].0, Seat(0), "the sealed price came first");
    let first = a.standing(Seat(0), secs(60)).expect("seat");
    let second = a.standing(Seat(1), secs(60)).expect("seat");
    assert_eq!((first.rank, first.position), (1, Position::Tied));
    assert_eq!((second.rank, second.position), (2, Position::Tied));
    let (a, _) = a.place(Seat(2), 9_500_000, secs(61)).expect("ties too");
    assert_eq!(
        a.ranking().iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        vec![Seat(0), Seat(1), Seat(2)]
    );
    let (a, _) = a.place(Seat(2), 9_400_000, secs(62)).expect("beats");
    let c = a.standing(Seat(2), secs(62)).expect("seat");
    assert_eq!(
        (c.rank, c.position, c.best_price),
        (1, Position::Best, 9_400_000)
    );
}

#[test]
fn a_best_lance_exactly_n_minutes_before_the_close_does_not_move_it_one_second_later_does() {
    let n = rules().extension.num_seconds();
    let close = 30 * 60;
    let a = ticking(auction(), close - n);
    let (at_edge, moved) = a
        .place(Seat(1), 9_400_000, secs(close - n))
        .expect("accepted");
    assert!(moved.is_empty(), "at exactly N minutes the close stays");
    assert_eq!((at_edge.closes_at, at_edge.extensions), (secs(close), 0));

    let a = ticking(auction(), close - n + 1);
    let (inside, moved) = a
        .place(Seat(1), 9_400_000, secs(close - n + 1))
        .expect("accepted");
    assert_eq!(inside.closes_at, secs(close + 1));
    assert_eq!(inside.extensions, 1);
    assert!(matches!(
        moved.as_slice(),
        [CloseMoved {
            why: Moved::Extension { number: 1, .. },
            ..
        }]
    ));
    // A lance in the final minutes that is neither best nor tying does not extend.
    let (losing, moved) = ticking(inside, close - 10)
        .place(Seat(2), 9_800_000, secs(close - 10))
        .expect("accepted");
    assert!(moved.is_empty());
    assert_eq!(losing.closes_at, secs(close + 1));
}

#[test]
fn the_m_th_extension_moves_the_close_and_the_m_plus_first_does_not() {
    let r = rules();
    let m = r.max_extensions;
    let mut a = auction();
    let mut at = 30 * 60 - 30;
    let mut price = 9_400_000;
    let mut seat = 1;
    for number in 1..=m {
        a = ticking(a, at);
        let (next, moved) = a.place(Seat(seat), price, secs(at)).expect("accepted");
        assert_eq!(next.extensions, number);
        assert_eq!(next.closes_at, secs(at) + r.extension);
        assert_eq!(moved.len(), 1);
        a = next;
        at = (a.closes_at - start()).num_seconds() - 30;
        price -= 100_000;
        seat = if seat == 1 { 2 } else { 1 };
    }
    a = ticking(a, at);
    let close = a.closes_at;
    let (last, moved) = a
        .place(Seat(seat), price, secs(at))
        .expect("still accepted");
    assert!(moved.is_empty(), "no extension after the M-th");
    assert_eq!((last.closes_at, last.extensions), (close, m));
    assert_eq!(
        last.place(Seat(0), 1_000, close),
        Err(Refusal::Closed {
            closes_at: close,
            server_time: close
        }),
        "a lance at the close is refused with the server's time"
    );
    assert!(last.is_closed(close));
}

#[test]
fn a_silence_longer_than_the_gap_moves_the_close_by_the_silence_and_every_bidder_is_told() {
    let a = ticking(auction(), 600);
    // Exactly the gap: no move.
    let (same, moved) = a.alive(secs(630));
    assert!(moved.is_none());
    assert_eq!(same.closes_at, secs(1800));
    // 31 s of silence: the close moves 31 s.
    let (later, moved) = same.alive(secs(661));
    assert_eq!(later.closes_at, secs(1831));
    assert_eq!(
        moved,
        Some(CloseMoved {
            why: Moved::Outage {
                silent_from: secs(630),
                back_at: secs(661)
            },
            from: secs(1800),
            to: secs(1831)
        })
    );
    // Servers down across the close: a lance when they are back is taken, the bidders get
    // back the time they had when the silence began.
    let down = ticking(auction(), 1790);
    let (after, moved) = down
        .place(Seat(1), 9_600_000, secs(1900))
        .expect("the outage does not close the auction");
    assert_eq!(after.closes_at, secs(1800 + 110));
    assert!(matches!(moved[0].why, Moved::Outage { .. }));
    // Silence after the close moves nothing.
    let closed = ticking(auction(), 1800);
    assert_eq!(closed.alive(secs(4000)).0.closes_at, secs(1800));
}

#[test]
fn the_record_replays_to_the_same_state_on_any_server() {
    let mut a = auction();
    let mut record = Vec::new();
    for (i, (seat, price)) in [(1, 9_400_000), (2, 9_300_000), (0, 9_200_000)]
        .into_iter()
        .enumerate()
    {
        let at = secs(100 * i as i64 + 50);
        record.push(Happening::Alive {
            at: secs(100 * i as i64 + 40),
        });
        a = a.alive(secs(100 * i as i64 + 40)).0;
        record.push(Happening::Lance {
            seat: Seat(seat),
            price,
            at,
        });
        a = a.place(Seat(seat), price, at).expect("accepted").0;
    }
    assert_eq!(auction().replay(&record), a);
    assert_eq!(Seat(0).letters(), "A");
    assert_eq!(Seat(25).letters(), "Z");
    assert_eq!(Seat(26).letters(), "AA");
}

#[test]
fn a_winning_price_far_below_the_others_is_abnormally_low() {
    // Others opened at 100 and 200 (mean 150): 90 is 40 % below it, 91 is not.
    assert!(abnormally_low(90, &[100, 200], None));
    assert!(!abnormally_low(91, &[100, 200], None));
    // The next final price 100: 70 is 30 % below it, 71 is not.
    assert!(abnormally_low(70, &[1_000], Some(100)));
    assert!(!abnormally_low(71, &[100], Some(100)));
    assert!(!abnormally_low(50, &[], None), "alone, nothing to compare");
}

/// A random auction's happenings: lances from any seat (some not admitted) at prices near
/// the step, and signs of life, at instants that go forward by 0–200 seconds.
fn happenings() -> impl Strategy<Value = Vec<(bool, u16, i64, i64)>> {
    prop::collection::vec((any::<bool>(), 0u16..5, -2i64..6, 0i64..200), 1..120)
}

proptest! {
    #[test]
    fn no_accepted_lance_breaks_the_rules(steps in happenings(), bidders in 1usize..5) {
        let opening: Vec<i64> = (0..bidders).map(|i| 9_000_000 + 100_000 * i as i64).collect();
        let mut a = Auction::open(rules(), start(), &opening).expect("auction");
        let step = a.rules.minimal_step;
        let mut at = start();
        for (is_lance, seat, steps_down, advance) in steps {
            at += TimeDelta::seconds(advance);
            let before = a.clone();
            if !is_lance {
                let (next, moved) = a.alive(at);
                prop_assert!(next.closes_at >= before.closes_at);
                prop_assert_eq!(next.extensions, before.extensions);
                if let Some(m) = moved {
                    let outage = matches!(m.why, Moved::Outage { .. });
                    prop_assert!(outage, "only an outage moves the close without a lance");
                    prop_assert!(m.to > m.from);
                }
                a = next;
                continue;
            }
            let own = before.prices.get(usize::from(seat)).map(|p| p.amount);
            let price = own.unwrap_or(9_000_000) - steps_down * step / 2;
            match before.place(Seat(seat), price, at) {
                Ok((next, moved)) => {
                    let own = own.expect("only admitted seats are accepted");
                    prop_assert!(own - price >= step, "the step holds");
                    prop_assert!(price >= before.rules.floor);
                    prop_assert!(at < next.closes_at, "nothing after the close");
                    prop_assert!(at >= before.opens_at);
                    prop_assert!(next.closes_at >= before.closes_at, "the close only moves later");
                    prop_assert!(next.extensions <= next.rules.max_extensions);
                    prop_assert!(next.extensions - before.extensions <= 1);
                    for (i, p) in next.prices.iter().enumerate() {
                        prop_assert!(p.amount <= before.prices[i].amount, "no price rises");
                        if i != usize::from(seat) {
                            prop_assert_eq!(*p, before.prices[i]);
                        }
                    }
                    prop_assert_eq!(next.lances, before.lances + 1);
                    prop_assert!(moved.iter().all(|m| m.to > m.from));
                    a = next;
                }
                Err(Refusal::Closed { closes_at, server_time }) => {
                    prop_assert!(server_time >= closes_at);
                    prop_assert!(closes_at >= before.closes_at);
                }
                Err(Refusal::StepTooSmall { highest_allowed }) => {
                    prop_assert!(price > highest_allowed);
                    prop_assert_eq!(highest_allowed, own.expect("admitted") - step);
                }
                Err(Refusal::NotAdmitted) => prop_assert!(own.is_none()),
                Err(Refusal::BelowFloor { floor }) => prop_assert!(price < floor),
                Err(Refusal::NotStarted { .. }) => prop_assert!(at < before.opens_at),
            }
            // The ranking is always the prices in order, equal prices by arrival.
            let ranking = a.ranking();
            for pair in ranking.windows(2) {
                prop_assert!((pair[0].1.amount, pair[0].1.order) < (pair[1].1.amount, pair[1].1.order));
            }
        }
    }
}
