//! Business days in the display time zone (Lima by default): Monday to Friday, except the
//! configured holidays (`LICITA_HOLIDAYS`). Periods such as the standstill after an award are
//! counted in business days that start the day after the notice, as Peruvian rules count
//! *días hábiles*.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use std::collections::BTreeSet;

/// A calendar of business days.
#[derive(Debug, Clone)]
pub struct Calendar {
    tz: chrono_tz::Tz,
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar in `tz` with these holidays.
    pub fn new(tz: chrono_tz::Tz, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            tz,
            holidays: holidays.into_iter().collect(),
        }
    }

    /// Is `date` a business day?
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The `n`-th business day after `from` (`from` itself does not count; `n = 0` is `from`).
    pub fn add_business_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date += Duration::days(1);
            if self.is_business_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The instant a period of `n` business days that begins the day after `start` ends: the
    /// local midnight after its last day, in UTC.
    pub fn end_of_period(&self, start: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let last = self.add_business_days(self.local_date(start), n);
        let next = (last + Duration::days(1)).and_time(NaiveTime::MIN);
        self.tz
            .from_local_datetime(&next)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            // A zone whose midnight is skipped by a clock change: count from the naive UTC.
            .unwrap_or_else(|| Utc.from_utc_datetime(&next))
    }
}

/// Peru's national holidays for 2026 and 2027 (the default of `LICITA_HOLIDAYS`). Keep the
/// setting up to date each year, including days the government declares non-working.
pub const DEFAULT_HOLIDAYS: &str = "2026-01-01,2026-04-02,2026-04-03,2026-05-01,2026-06-07,2026-06-29,2026-07-23,\
2026-07-28,2026-07-29,2026-08-06,2026-08-30,2026-10-08,2026-11-01,2026-12-08,2026-12-09,2026-12-25,\
2027-01-01,2027-03-25,2027-03-26,2027-05-01,2027-06-07,2027-06-29,2027-07-23,2027-07-28,2027-07-29,\
2027-08-06,2027-08-30,2027-10-08,2027-11-01,2027-12-08,2027-12-09,2027-12-25";

/// Parses a comma-separated list of `YYYY-MM-DD` dates; the error names the bad entry.
pub fn parse_holidays(text: &str) -> Result<Vec<NaiveDate>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("'{s}' is not a date written YYYY-MM-DD"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn lima() -> Calendar {
        Calendar::new(
            chrono_tz::America::Lima,
            parse_holidays(DEFAULT_HOLIDAYS).expect("defaults parse"),
        )
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let cal = lima();
        // Friday 2026-11-27 + 1 business day = Monday 2026-11-30.
        assert_eq!(
            cal.add_business_days(date("2026-11-27"), 1),
            date("2026-11-30")
        );
        // Friday 2026-12-04 + 3: Mon 7, (Tue 8 and Wed 9 are holidays), Thu 10, Fri 11.
        assert_eq!(
            cal.add_business_days(date("2026-12-04"), 3),
            date("2026-12-11")
        );
        // Across the new year: Thu 2026-12-24 + 2: (Fri 25 holiday, weekend) Mon 28, Tue 29.
        assert_eq!(
            cal.add_business_days(date("2026-12-24"), 2),
            date("2026-12-29")
        );
        assert_eq!(
            cal.add_business_days(date("2026-12-24"), 0),
            date("2026-12-24")
        );
    }

    #[test]
    fn a_period_ends_at_lima_midnight_after_its_last_day() {
        let cal = lima();
        // Award notified Friday 2026-11-27 at 16:00 Lima (21:00 UTC). Eight business days:
        // 30 Nov, 1-4 Dec, 7 Dec, (8 and 9 are holidays), 10 and 11 Dec. The period ends at
        // 2026-12-12 00:00 Lima, 05:00 UTC.
        let notice = Utc
            .with_ymd_and_hms(2026, 11, 27, 21, 0, 0)
            .single()
            .expect("instant");
        let end = Utc
            .with_ymd_and_hms(2026, 12, 12, 5, 0, 0)
            .single()
            .expect("instant");
        assert_eq!(cal.end_of_period(notice, 8), end);
        // Late evening in Lima is still that day, though UTC is already the next.
        let late = Utc
            .with_ymd_and_hms(2026, 11, 28, 4, 30, 0)
            .single()
            .expect("instant");
        assert_eq!(cal.local_date(late), date("2026-11-27"));
    }

    #[test]
    fn holiday_lists_are_checked() {
        assert_eq!(
            parse_holidays(" 2026-01-01 , 2026-05-01,")
                .expect("ok")
                .len(),
            2
        );
        assert!(
            parse_holidays("2026-02-30")
                .expect_err("bad")
                .contains("2026-02-30")
        );
    }

    proptest! {
        #[test]
        fn the_result_is_a_business_day_exactly_n_business_days_later(days in 0i64..3000, n in 1u32..40) {
            let cal = lima();
            let from = date("2025-06-01") + Duration::days(days);
            let end = cal.add_business_days(from, n);
            prop_assert!(cal.is_business_day(end));
            let counted = (1..=(end - from).num_days()).filter(|d| cal.is_business_day(from + Duration::days(*d))).count();
            prop_assert_eq!(counted as u32, n);
        }
    }
}
