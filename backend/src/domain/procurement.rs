//! The words of a tender: procurement methods (Peru's and their OCDS mapping), categories,
//! award criteria, statuses, and the parsing of instants typed in Lima time.

use chrono::{NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};

use super::TenderStatus;
use crate::error::FieldError;

/// A procurement method of Peru's public procurement law.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Method {
    /// Licitación pública (goods and works above the threshold).
    LicitacionPublica,
    /// Concurso público (services and consultancy above the threshold).
    ConcursoPublico,
    /// Adjudicación simplificada.
    AdjudicacionSimplificada,
    /// Subasta inversa electrónica (common goods and services, lowest price).
    SubastaInversaElectronica,
    /// Comparación de precios (readily available goods and services).
    ComparacionPrecios,
    /// Contratación directa (legally justified direct award).
    ContratacionDirecta,
}

impl Method {
    /// Does this method run an electronic reverse auction of the admitted offers' prices
    /// (the procedure machine's `ScheduleAuction` row says the same; a test holds them to it)?
    pub fn runs_auctions(self) -> bool {
        self == Method::SubastaInversaElectronica
    }

    /// Every method, in the order forms list them.
    pub const ALL: [Method; 6] = [
        Method::LicitacionPublica,
        Method::ConcursoPublico,
        Method::AdjudicacionSimplificada,
        Method::SubastaInversaElectronica,
        Method::ComparacionPrecios,
        Method::ContratacionDirecta,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Method::LicitacionPublica => "licitacion_publica",
            Method::ConcursoPublico => "concurso_publico",
            Method::AdjudicacionSimplificada => "adjudicacion_simplificada",
            Method::SubastaInversaElectronica => "subasta_inversa_electronica",
            Method::ComparacionPrecios => "comparacion_precios",
            Method::ContratacionDirecta => "contratacion_directa",
        }
    }

    /// The OCDS `procurementMethod`: anyone may bid (`open`), the buyer asks suppliers of its
    /// choice for quotes (`limited`), or one supplier is chosen (`direct`).
    pub fn ocds(self) -> &'static str {
        match self {
            Method::LicitacionPublica
            | Method::ConcursoPublico
            | Method::AdjudicacionSimplificada
            | Method::SubastaInversaElectronica => "open",
            Method::ComparacionPrecios => "limited",
            Method::ContratacionDirecta => "direct",
        }
    }

    /// Default minimum submission period in calendar days (Lima dates from publication to
    /// the deadline), overridable with `LICITA_MIN_SUBMISSION_DAYS`.
    pub fn default_min_days(self) -> u32 {
        match self {
            Method::LicitacionPublica | Method::ConcursoPublico => 22,
            Method::AdjudicacionSimplificada | Method::SubastaInversaElectronica => 8,
            Method::ComparacionPrecios => 5,
            Method::ContratacionDirecta => 1,
        }
    }

    /// Default standstill after an award in business days, overridable with
    /// `LICITA_STANDSTILL_DAYS`: 8 for licitación and concurso público, 5 for the others.
    pub fn default_standstill_days(self) -> u32 {
        match self {
            Method::LicitacionPublica | Method::ConcursoPublico => 8,
            _ => 5,
        }
    }

    /// From a stored or submitted code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Parses the value of `field`.
    pub fn parse(code: &str, field: &str) -> Result<Self, FieldError> {
        match code.trim() {
            "" => Err(FieldError::new(field, "required")),
            other => Self::from_code(other).ok_or_else(|| FieldError::new(field, "invalid_choice")),
        }
    }
}

/// OCDS `mainProcurementCategory`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Category {
    /// Bienes.
    Goods,
    /// Obras.
    Works,
    /// Servicios.
    Services,
}

impl Category {
    /// Every category.
    pub const ALL: [Category; 3] = [Category::Goods, Category::Works, Category::Services];

    /// Stored code (also the OCDS code).
    pub fn code(self) -> &'static str {
        match self {
            Category::Goods => "goods",
            Category::Works => "works",
            Category::Services => "services",
        }
    }

    /// From a stored or submitted code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Parses the value of `field`.
    pub fn parse(code: &str, field: &str) -> Result<Self, FieldError> {
        match code.trim() {
            "" => Err(FieldError::new(field, "required")),
            other => Self::from_code(other).ok_or_else(|| FieldError::new(field, "invalid_choice")),
        }
    }
}

/// How the winner is chosen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum AwardCriteria {
    /// Lowest valid price wins.
    LowestPrice,
    /// Price plus quality criteria, weights summing to 100.
    PriceQuality,
}

impl AwardCriteria {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            AwardCriteria::LowestPrice => "lowest_price",
            AwardCriteria::PriceQuality => "price_quality",
        }
    }

    /// From a stored or submitted code.
    pub fn from_code(code: &str) -> Option<Self> {
        [AwardCriteria::LowestPrice, AwardCriteria::PriceQuality]
            .into_iter()
            .find(|c| c.code() == code)
    }

    /// Parses the value of `field`.
    pub fn parse(code: &str, field: &str) -> Result<Self, FieldError> {
        match code.trim() {
            "" => Err(FieldError::new(field, "required")),
            other => Self::from_code(other).ok_or_else(|| FieldError::new(field, "invalid_choice")),
        }
    }
}

super::status::stored_as_code!(Method);
super::status::stored_as_code!(Category);
super::status::stored_as_code!(AwardCriteria);

/// The status at `now`: the stored one, moved on by the deadlines that have passed.
///
/// Instants are any ordered type: `NaiveDateTime` for a tender, whole seconds for the search
/// image's rows (one comparison instead of three conversions per row), one rule for both.
pub fn effective_status<At: PartialOrd>(
    stored: TenderStatus,
    enquiry_deadline: At,
    submission_deadline: At,
    now: At,
) -> TenderStatus {
    match stored {
        TenderStatus::Open | TenderStatus::EnquiriesClosed if now >= submission_deadline => {
            TenderStatus::Closed
        }
        TenderStatus::Open if now >= enquiry_deadline => TenderStatus::EnquiriesClosed,
        other => other,
    }
}

/// Parses an instant for `field`: RFC 3339 with its offset (`2026-12-10T17:00:00-05:00`,
/// `2026-12-10T22:00:00Z`), as every instant leaves the server. A date and time without an
/// offset is refused (`datetime_without_offset`): Lima and UTC differ by five hours, and a
/// guess would move a deadline. Pages, whose `<input type=datetime-local>` sends Lima time
/// without one, add it first with [`lima_local_to_rfc3339`]. Returns UTC, truncated to the
/// second.
pub fn parse_instant(input: &str, field: &str) -> Result<NaiveDateTime, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.naive_utc().with_nanosecond_zero());
    }
    if local_lima(text).is_some() {
        return Err(FieldError::new(field, "datetime_without_offset"));
    }
    Err(FieldError::new(field, "invalid_datetime"))
}

/// A date and time as a form sends it (`2026-12-10T17:00`, `2026-12-10 17:00`), without offset.
fn local_lima(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

/// What a page's date and time field sent, read as Lima time and written as RFC 3339 with
/// Lima's offset for [`parse_instant`]. Anything else (already with an offset, blank,
/// malformed) is passed on unchanged, for [`parse_instant`] to accept or name.
pub fn lima_local_to_rfc3339(input: &str) -> String {
    let text = input.trim();
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return text.to_owned();
    }
    local_lima(text)
        .and_then(|local| {
            chrono_tz::America::Lima
                .from_local_datetime(&local)
                .single()
        })
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_else(|| input.to_owned())
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}

/// A deadline as people read it in `tz`: a deadline at midnight is the end of the day before
/// (`2026-12-11 24:00`, not `2026-12-12 00:00`), anything else its day and time.
pub fn deadline_text(time: NaiveDateTime, tz: chrono_tz::Tz) -> String {
    use chrono::Timelike as _;
    let local = time.and_utc().with_timezone(&tz);
    if local.num_seconds_from_midnight() == 0 {
        let day_before = local.date_naive() - chrono::Duration::days(1);
        format!("{} 24:00", day_before.format("%Y-%m-%d"))
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A UTC instant as Lima local time for forms (`2026-12-10 17:00`), which
/// [`parse_instant`] reads back.
pub fn lima_input_value(at: NaiveDateTime) -> String {
    at.and_utc()
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The Lima calendar date of a UTC instant.
pub fn lima_date(at: NaiveDateTime) -> chrono::NaiveDate {
    at.and_utc()
        .with_timezone(&chrono_tz::America::Lima)
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("valid")
    }

    #[test]
    fn instants_need_their_offset_and_forms_add_lima_s() {
        assert_eq!(
            parse_instant("2026-12-10T17:00", "x")
                .expect_err("no offset")
                .code,
            "datetime_without_offset"
        );
        assert_eq!(
            parse_instant("2026-12-10 17:00", "x")
                .expect_err("no offset")
                .code,
            "datetime_without_offset"
        );
        assert_eq!(
            lima_local_to_rfc3339("2026-12-10T17:00"),
            "2026-12-10T17:00:00-05:00"
        );
        assert_eq!(
            parse_instant(&lima_local_to_rfc3339("2026-12-10 17:00"), "x").expect("local"),
            at(2026, 12, 10, 22, 0)
        );
        assert_eq!(lima_local_to_rfc3339(" mañana "), " mañana ");
        assert_eq!(
            lima_local_to_rfc3339("2026-12-10T22:00:00Z"),
            "2026-12-10T22:00:00Z"
        );
        assert_eq!(
            parse_instant("2026-12-10T17:00:00Z", "x").expect("utc"),
            at(2026, 12, 10, 17, 0)
        );
        assert_eq!(
            parse_instant("2026-12-10T17:00:00-05:00", "x").expect("offset"),
            at(2026, 12, 10, 22, 0)
        );
        assert_eq!(
            parse_instant("mañana", "x").expect_err("bad").code,
            "invalid_datetime"
        );
        assert_eq!(parse_instant(" ", "x").expect_err("empty").code, "required");
        assert_eq!(
            lima_input_value(at(2026, 12, 10, 22, 0)),
            "2026-12-10 17:00"
        );
        // 20:00 in Lima on the 1st is already the 2nd in UTC.
        assert_eq!(
            lima_date(at(2026, 12, 2, 1, 0)),
            NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
        );
    }

    #[test]
    fn status_follows_the_deadlines() {
        let enquiry = at(2026, 12, 5, 0, 0);
        let deadline = at(2026, 12, 10, 0, 0);
        assert_eq!(
            effective_status(
                TenderStatus::Open,
                enquiry,
                deadline,
                at(2026, 12, 4, 23, 59)
            ),
            TenderStatus::Open
        );
        assert_eq!(
            effective_status(TenderStatus::Open, enquiry, deadline, enquiry),
            TenderStatus::EnquiriesClosed
        );
        assert_eq!(
            effective_status(TenderStatus::Open, enquiry, deadline, deadline),
            TenderStatus::Closed
        );
        assert_eq!(
            effective_status(TenderStatus::Cancelled, enquiry, deadline, deadline),
            TenderStatus::Cancelled
        );
        assert_eq!(
            effective_status(TenderStatus::Draft, enquiry, deadline, deadline),
            TenderStatus::Draft
        );
    }

    #[test]
    fn every_method_maps_to_an_ocds_method() {
        for m in Method::ALL {
            assert!(["open", "selective", "limited", "direct"].contains(&m.ocds()));
            assert_eq!(Method::from_code(m.code()), Some(m));
        }
    }
}
