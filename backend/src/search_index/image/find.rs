//! How the image finds a search's window: the tenders having the words, then the cheapest
//! of three ways (few candidates sorted, a walk in the sort's order, or one pass over the
//! rows), as the module's note explains; with the property test that every way gives the
//! plain answer.

use roaring::RoaringBitmap;

use super::{
    Image, Sort, Window,
    query::{Compiled, SORTS},
};

/// Candidates up to this many are filtered and sorted rather than walked in order.
const FEW: u64 = 16_384;

/// Rows a walk in order visits between checks of its rate of matches.
pub(super) const STRIDE: usize = 16_384;

impl Image {
    /// The slots having every one of `words` (`all`) or any of them.
    pub(super) fn having(&self, words: &[String], all: bool) -> RoaringBitmap {
        let mut lists: Vec<&RoaringBitmap> = words
            .iter()
            .filter_map(|w| self.postings.get(w.as_str()))
            .collect();
        if all {
            if lists.len() < words.len() {
                return RoaringBitmap::new();
            }
            lists.sort_by_key(|b| b.len());
            let mut found = lists.first().map(|b| (*b).clone()).unwrap_or_default();
            for list in &lists[1..] {
                found &= *list;
            }
            found
        } else {
            lists
                .into_iter()
                .fold(RoaringBitmap::new(), |acc, b| acc | b)
        }
    }

    /// The `window` of the slots in `candidates` (every slot when none) passing `filter`,
    /// and their count (see the module's note for the three ways).
    pub(super) fn find(
        &self,
        candidates: Option<&RoaringBitmap>,
        filter: &Compiled,
        window: Window,
    ) -> (Vec<i64>, usize) {
        let rows = &self.rows;
        let accepts = |s: u32| filter.accepts(&rows[s as usize]);
        if let Some(few) = candidates.filter(|c| c.len() <= FEW) {
            let matched: Vec<u32> = few.iter().filter(|&s| accepts(s)).collect();
            let total = matched.len();
            return (self.sorted_page(matched, window, filter.now), total);
        }
        let order = self.order_within(filter, window.sort);
        let keep = |s: u32| candidates.is_none_or(|c| c.contains(s)) && accepts(s);
        if let Some(found) = self.walk(order, window, filter.now, &keep, true) {
            return found;
        }
        let matched: Vec<u32> = match candidates {
            None => (0..rows.len() as u32).filter(|&s| accepts(s)).collect(),
            Some(many) => many.iter().filter(|&s| accepts(s)).collect(),
        };
        let total = matched.len();
        if total * 16 <= rows.len() {
            return (self.sorted_page(matched, window, filter.now), total);
        }
        let mut bits = vec![0u64; rows.len().div_ceil(64)];
        for s in &matched {
            bits[*s as usize / 64] |= 1 << (s % 64);
        }
        let in_bits = |s: u32| bits[s as usize / 64] & (1 << (s % 64)) != 0;
        let (ids, _) = self
            .walk(order, window, filter.now, &in_bits, false)
            .unwrap_or_default();
        (ids, total)
    }

    /// The sort's order; for the deadline sort only its part inside the filter's deadline
    /// range.
    fn order_within(&self, filter: &Compiled, sort: Sort) -> &[u32] {
        let rows = &self.rows;
        let order = &self.orders[SORTS.iter().position(|s| *s == sort).unwrap_or(0)];
        if sort != Sort::Deadline {
            return order;
        }
        let (from, to) = filter.deadline;
        let start = order.partition_point(|&s| rows[s as usize].submission_deadline < from);
        let end = order.partition_point(|&s| rows[s as usize].submission_deadline <= to);
        &order[start..end.max(start)]
    }

    /// Walks `order` keeping `keep`'s slots until the window is full and more than
    /// `count_to` are counted (or the order ends). With `give_up`, returns `None` as soon
    /// as the rate of matches says the walk would visit more than an eighth of the rows.
    fn walk(
        &self,
        order: &[u32],
        window: Window,
        now: i64,
        keep: &dyn Fn(u32) -> bool,
        give_up: bool,
    ) -> Option<(Vec<i64>, usize)> {
        let Window {
            sort,
            descending,
            offset,
            limit,
            count_to,
            ..
        } = window;
        let wanted = offset.saturating_add(limit);
        let enough = wanted.max(count_to.saturating_add(1));
        let mut ids = Vec::with_capacity(limit.min(order.len()));
        let mut count = 0usize;
        let slots: Box<dyn Iterator<Item = &u32>> = if descending {
            Box::new(order.iter().rev())
        } else if sort == Sort::Deadline {
            // Closing soonest (`Row::soonest_key`): those taking bids from `now` on, then
            // every other row from the latest deadline back.
            let rows = &self.rows;
            let ahead = order.partition_point(|&s| rows[s as usize].submission_deadline < now);
            Box::new(
                order[ahead..]
                    .iter()
                    .filter(move |&&s| rows[s as usize].taking_bids(now))
                    .chain(
                        order
                            .iter()
                            .rev()
                            .filter(move |&&s| !rows[s as usize].taking_bids(now)),
                    ),
            )
        } else {
            Box::new(order.iter())
        };
        let mut visited = 0usize;
        for &s in slots {
            visited += 1;
            if give_up && visited.is_multiple_of(STRIDE) {
                let to_come = (enough - count).saturating_mul(visited) / count.max(1);
                if count == 0 || visited.saturating_add(to_come) > self.rows.len() / 8 {
                    return None;
                }
            }
            if keep(s) {
                if count >= offset && count < wanted {
                    ids.push(self.rows[s as usize].id);
                }
                count += 1;
                if count >= enough {
                    break;
                }
            }
        }
        Some((ids, count))
    }

    /// The window of `matched` by a partial sort.
    fn sorted_page(&self, mut matched: Vec<u32>, window: Window, now: i64) -> Vec<i64> {
        let rows = &self.rows;
        let Window {
            sort,
            descending,
            offset,
            limit,
            ..
        } = window;
        let compare = |a: &u32, b: &u32| {
            let (a, b) = (&rows[*a as usize], &rows[*b as usize]);
            let ordering = if sort == Sort::Deadline && !descending {
                a.soonest_key(now).cmp(&b.soonest_key(now))
            } else {
                a.key(sort).cmp(&b.key(sort))
            };
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        };
        let wanted = offset.saturating_add(limit);
        if wanted < matched.len() {
            matched.select_nth_unstable_by(wanted, compare);
            matched.truncate(wanted);
        }
        matched.sort_unstable_by(compare);
        matched
            .iter()
            .skip(offset)
            .map(|&s| rows[s as usize].id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    //! Every way [`Image::find`] takes (few candidates, a walk in order, a pass over the rows
    //! with a partial sort or a bitset walk) against the plain answer: filter every row, sort,
    //! cut the window.
    use super::*;
    use crate::domain::procurement::effective_status as status_at;
    use crate::{
        domain::{
            Currency, TenderStatus,
            procurement::{Category, Method},
        },
        search_index::{
            image::{Filter, seconds},
            rows::SearchRow,
        },
    };
    use chrono::{Duration, NaiveDate, NaiveDateTime};
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};
    use std::sync::OnceLock;

    /// Stems with their share of tenders: a very common word, a common one, rare ones.
    const WORDS: [(&str, f64); 5] = [
        ("adquisicion", 0.6),
        ("mantenimiento", 0.2),
        ("puente", 0.05),
        ("cusco", 0.02),
        ("toner", 0.002),
    ];
    const TENDERS: i64 = 40_000;

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 6)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap_or_default()
    }

    fn stored() -> &'static (Vec<SearchRow>, Image) {
        static STORED: OnceLock<(Vec<SearchRow>, Image)> = OnceLock::new();
        STORED.get_or_init(|| {
            let mut rng = StdRng::seed_from_u64(19);
            let statuses = [
                TenderStatus::Open,
                TenderStatus::Open,
                TenderStatus::EnquiriesClosed,
                TenderStatus::Closed,
                TenderStatus::Cancelled,
                TenderStatus::Awarded,
                TenderStatus::Unsuccessful,
            ];
            let rows: Vec<SearchRow> = (1..=TENDERS)
                .map(|id| {
                    let deadline = now() + Duration::hours(rng.gen_range(-24 * 400..24 * 200));
                    let terms: Vec<&str> = WORDS
                        .iter()
                        .filter(|(_, share)| rng.gen_bool(*share))
                        .map(|(w, _)| *w)
                        .collect();
                    SearchRow {
                        tender_id: id,
                        status: statuses[rng.gen_range(0..statuses.len())],
                        buyer_id: rng.gen_range(1..=8),
                        method: Method::ALL[rng.gen_range(0..6)],
                        category: Category::ALL[rng.gen_range(0..3)],
                        classification: format!("{}", rng.gen_range(10_000_000..95_000_000)),
                        currency: if rng.gen_bool(0.9) {
                            Currency::Pen
                        } else {
                            Currency::Usd
                        },
                        // Few distinct values, so ties fall to the id.
                        estimated_value: rng.gen_range(1..2_000) * 100_000,
                        enquiry_deadline: deadline - Duration::days(rng.gen_range(0..10)),
                        submission_deadline: deadline,
                        published_at: deadline - Duration::days(rng.gen_range(10..60)),
                        terms: terms.join(" "),
                    }
                })
                .collect();
            let mut image = Image::default();
            for row in &rows {
                image.apply(row).expect("a generated row is valid");
            }
            image.finish_loading();
            (rows, image)
        })
    }

    /// The plain answer: every row tested, all matches sorted.
    fn plain(
        rows: &[SearchRow],
        words: &[String],
        filter: &Filter,
        window: Window,
    ) -> (Vec<i64>, usize) {
        let now = filter.now.unwrap_or_default();
        let mut matched: Vec<((bool, i64, i64), i64)> = rows
            .iter()
            .filter(|r| {
                let terms: Vec<&str> = r.terms.split(' ').collect();
                words.iter().all(|w| terms.contains(&w.as_str()))
                    && filter.status.is_none_or(|s| {
                        status_at(r.status, r.enquiry_deadline, r.submission_deadline, now) == s
                    })
                    && filter.method.is_none_or(|m| m == r.method)
                    && filter.buyer.is_none_or(|b| b == r.buyer_id)
                    && filter.category.is_none_or(|c| c == r.category)
                    && filter.classification.is_none_or(|(lo, hi)| {
                        (lo..=hi).contains(&r.classification.parse::<u32>().unwrap_or(0))
                    })
                    && filter.currency.is_none_or(|c| c == r.currency)
                    && filter.value_min.is_none_or(|v| r.estimated_value >= v)
                    && filter.value_max.is_none_or(|v| r.estimated_value <= v)
                    && filter
                        .deadline_from
                        .is_none_or(|d| r.submission_deadline >= d)
                    && filter.deadline_to.is_none_or(|d| r.submission_deadline < d)
            })
            .map(|r| {
                let key = match window.sort {
                    // Closing soonest: those taking bids first, nearest first; then every
                    // other, most recent deadline first.
                    Sort::Deadline
                        if !window.descending
                            && (r.submission_deadline < now || !r.status.receives_bids()) =>
                    {
                        (true, -seconds(r.submission_deadline), -r.tender_id)
                    }
                    Sort::Deadline => (false, seconds(r.submission_deadline), r.tender_id),
                    Sort::Published => (false, seconds(r.published_at), r.tender_id),
                    Sort::Value => (false, r.estimated_value, r.tender_id),
                };
                (key, r.tender_id)
            })
            .collect();
        matched.sort_unstable();
        if window.descending {
            matched.reverse();
        }
        let ids = matched
            .iter()
            .skip(window.offset)
            .take(window.limit)
            .map(|(_, id)| *id)
            .collect();
        (ids, matched.len())
    }

    fn some<T: Clone + std::fmt::Debug + 'static>(
        of: impl Strategy<Value = T> + 'static,
    ) -> impl Strategy<Value = Option<T>> {
        prop_oneof![2 => Just(None), 1 => of.prop_map(Some)]
    }

    fn filters() -> impl Strategy<Value = Filter> {
        let statuses: Vec<TenderStatus> = TenderStatus::ALL[1..].to_vec();
        (
            some(proptest::sample::select(statuses)),
            some(proptest::sample::select(Method::ALL.to_vec())),
            some(1i64..=8),
            some(proptest::sample::select(Category::ALL.to_vec())),
            some(10u32..95).prop_map(|s| s.map(|s| (s * 1_000_000, s * 1_000_000 + 999_999))),
            some(proptest::sample::select(vec![Currency::Pen, Currency::Usd])),
            some(1i64..2_000).prop_map(|v| v.map(|v| v * 100_000)),
            some(1i64..2_000).prop_map(|v| v.map(|v| v * 100_000)),
            some(-400i64..200).prop_map(|d| d.map(|d| now() + Duration::days(d))),
            some(-400i64..200).prop_map(|d| d.map(|d| now() + Duration::days(d))),
        )
            .prop_map(
                |(
                    status,
                    method,
                    buyer,
                    category,
                    classification,
                    currency,
                    min,
                    max,
                    from,
                    to,
                )| {
                    Filter {
                        status,
                        now: Some(now()),
                        method,
                        buyer,
                        category,
                        classification,
                        currency,
                        value_min: min,
                        value_max: max,
                        deadline_from: from,
                        deadline_to: to,
                    }
                },
            )
    }

    fn windows() -> impl Strategy<Value = Window> {
        (
            proptest::sample::select(SORTS.to_vec()),
            any::<bool>(),
            prop_oneof![0usize..60, 0usize..12_000],
            1usize..=100,
            proptest::sample::select(vec![50usize, 1_000, 10_000, usize::MAX]),
        )
            .prop_map(|(sort, descending, offset, limit, count_to)| Window {
                sort,
                descending,
                offset,
                limit,
                count_to,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn every_way_of_finding_gives_the_plain_answer(
            words in proptest::sample::subsequence(WORDS.iter().map(|(w, _)| *w).collect::<Vec<_>>(), 0..=2),
            filter in filters(),
            window in windows(),
        ) {
            let (rows, image) = stored();
            let words: Vec<String> = words.into_iter().map(str::to_owned).collect();
            let candidates = (!words.is_empty()).then(|| image.having(&words, true));
            let (ids, total) = image.find(candidates.as_ref(), &filter.compile(), window);
            let (want_ids, want_total) = plain(rows, &words, &filter, window);
            prop_assert_eq!(ids, want_ids);
            if want_total <= window.count_to {
                prop_assert_eq!(total, want_total);
            } else {
                prop_assert!(total > window.count_to, "{total} counted of {want_total}");
            }
        }
    }

    #[test]
    fn a_changed_tender_moves_in_every_order_and_leaves_its_old_words() {
        let (rows, _) = stored();
        let mut image = Image::default();
        for row in rows.iter().take(2_000) {
            image.apply(row).expect("valid");
        }
        image.finish_loading();
        let mut changed = rows[0].clone();
        changed.terms = "zanja".to_owned();
        changed.estimated_value = 1;
        changed.submission_deadline = now() + Duration::days(900);
        image.apply(&changed).expect("valid");
        let window = |sort, descending| Window {
            sort,
            descending,
            offset: 0,
            limit: 1,
            count_to: 10,
        };
        let all = image.having(&["zanja".to_owned()], true);
        let none = Filter::default().compile();
        assert_eq!(
            image.find(Some(&all), &none, window(Sort::Value, false)).0,
            [1]
        );
        assert_eq!(image.find(None, &none, window(Sort::Value, false)).0, [1]);
        assert_eq!(image.find(None, &none, window(Sort::Deadline, true)).0, [1]);
        let old: Vec<String> = rows[0].terms.split(' ').map(str::to_owned).collect();
        if !rows[0].terms.is_empty() {
            let still = image.having(&old, true);
            assert!(!still.contains(0), "the old words still find it");
        }
    }
}
