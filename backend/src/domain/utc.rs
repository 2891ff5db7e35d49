//! How instants leave the server in JSON: RFC 3339 in UTC with its `Z`
//! (`2027-01-10T22:00:00Z`), so a client that sends a value back sends the same instant.
//!
//! Storage keeps `NaiveDateTime` in UTC (both engines' `TIMESTAMP`); every serialised
//! instant goes through this module with `#[serde(with = "crate::domain::utc")]` (or
//! [`option`]). Reading accepts RFC 3339 with any offset and, for JSON that Licita stored
//! before this format (transcripts, ranking snapshots), a bare UTC date and time. Instants a
//! client *sends* are parsed by the input types, which require an offset.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// Peru keeps UTC−5 all year (no daylight saving): the Lima wall time of a UTC instant.
pub fn in_lima(at: NaiveDateTime) -> NaiveDateTime {
    at - chrono::Duration::hours(5)
}

/// The UTC instant of a Lima wall time.
pub fn from_lima(at: NaiveDateTime) -> NaiveDateTime {
    at + chrono::Duration::hours(5)
}

/// The Lima month (`YYYY-MM`) of a UTC instant: the month the dashboard and the monthly
/// files put it in.
pub fn lima_month(at: NaiveDateTime) -> String {
    in_lima(at).format("%Y-%m").to_string()
}

/// An instant stored as UTC, written as RFC 3339 with `Z` (fractions only when present).
pub fn format(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn read(text: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| at.naive_utc())
        .ok()
        .or_else(|| text.parse::<NaiveDateTime>().ok())
}

/// Serialises an instant (serde `with`).
pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*at))
}

/// Deserialises an instant written by [`serialize`] or stored before it.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDateTime, D::Error> {
    let text = String::deserialize(deserializer)?;
    read(&text).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date-time"))
}

/// The same for optional instants.
pub mod option {
    use super::*;

    /// Serialises an optional instant (`null` when absent).
    pub fn serialize<S: Serializer>(
        at: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serializer.serialize_str(&format(*at)),
            None => serializer.serialize_none(),
        }
    }

    /// Deserialises an optional instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| {
                read(&text)
                    .ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 date-time"))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct At {
        #[serde(with = "super")]
        at: NaiveDateTime,
        #[serde(with = "super::option")]
        maybe: Option<NaiveDateTime>,
    }

    #[test]
    fn instants_carry_their_offset_and_read_back() {
        let at = chrono::NaiveDate::from_ymd_opt(2027, 1, 10)
            .and_then(|d| d.and_hms_micro_opt(22, 0, 0, 0))
            .expect("valid");
        let value = At {
            at,
            maybe: Some(at + chrono::Duration::microseconds(1500)),
        };
        let json = serde_json::to_string(&value).expect("json");
        assert_eq!(
            json,
            r#"{"at":"2027-01-10T22:00:00Z","maybe":"2027-01-10T22:00:00.001500Z"}"#
        );
        assert_eq!(serde_json::from_str::<At>(&json).expect("back"), value);
        let legacy: At =
            serde_json::from_str(r#"{"at":"2027-01-10T22:00:00","maybe":null}"#).expect("legacy");
        assert_eq!(legacy.at, at);
        let lima: At = serde_json::from_str(r#"{"at":"2027-01-10T17:00:00-05:00","maybe":null}"#)
            .expect("offset");
        assert_eq!(lima.at, at);
    }
}
