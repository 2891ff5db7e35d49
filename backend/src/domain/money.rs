//! `Money`: an amount in minor units (céntimos, cents) with its ISO 4217 currency.
//!
//! Stored as `BIGINT` minor units plus the currency code, because decimal columns do not behave
//! the same on SQLite and PostgreSQL; parsed and shown through `rust_decimal`, so no amount
//! ever passes through a float.

use rust_decimal::Decimal;
use std::{fmt, str::FromStr};

use crate::error::FieldError;

/// Currencies tenders may use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum Currency {
    /// Peruvian sol.
    #[serde(rename = "PEN")]
    Pen,
    /// United States dollar.
    #[serde(rename = "USD")]
    Usd,
}

impl Currency {
    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Pen => "PEN",
            Currency::Usd => "USD",
        }
    }

    /// The symbol used in Peru.
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Pen => "S/",
            Currency::Usd => "US$",
        }
    }

    /// Parses an ISO code as the value of `field`.
    pub fn parse(code: &str, field: &str) -> Result<Self, FieldError> {
        match code.trim().to_ascii_uppercase().as_str() {
            "PEN" => Ok(Currency::Pen),
            "USD" => Ok(Currency::Usd),
            "" => Err(FieldError::new(field, "required")),
            _ => Err(FieldError::new(field, "invalid_currency")),
        }
    }
}

/// A non-negative amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// Largest accepted amount: 10^13 minor units (one hundred billion soles), far above any
    /// public contract and far below `i64` overflow when summing lots.
    pub const MAX_MINOR: i64 = 10_000_000_000_000;

    /// From stored minor units.
    pub fn from_minor(minor: i64, currency: Currency) -> Result<Self, FieldError> {
        if !(0..=Self::MAX_MINOR).contains(&minor) {
            return Err(FieldError::new("amount", "amount_out_of_range"));
        }
        Ok(Self { minor, currency })
    }

    /// Parses a decimal amount such as `1234.5` or `1,234.50` (a comma is taken as a
    /// thousands separator, as written in Peru) for `field`: at most two decimals, not
    /// negative, within [`Money::MAX_MINOR`].
    pub fn parse(amount: &str, currency: Currency, field: &str) -> Result<Self, FieldError> {
        let text = amount.trim().replace([',', ' '], "");
        if text.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        // Plain digits with at most one decimal point: rust_decimal would also take "1e3".
        let plain = text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            && text.matches('.').count() <= 1;
        if !plain {
            return Err(FieldError::new(field, "invalid_amount"));
        }
        let value =
            Decimal::from_str(&text).map_err(|_| FieldError::new(field, "invalid_amount"))?;
        if value.is_sign_negative() {
            return Err(FieldError::new(field, "amount_negative"));
        }
        if value.normalize().scale() > 2 {
            return Err(FieldError::new(field, "amount_too_precise"));
        }
        let minor = (value * Decimal::ONE_HUNDRED)
            .trunc()
            .to_string()
            .parse::<i64>()
            .map_err(|_| FieldError::new(field, "amount_out_of_range"))?;
        Self::from_minor(minor, currency).map_err(|_| FieldError::new(field, "amount_out_of_range"))
    }

    /// Minor units (to store).
    pub fn minor(self) -> i64 {
        self.minor
    }

    /// Currency.
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The amount as a decimal in major units.
    pub fn amount(self) -> Decimal {
        Decimal::new(self.minor, 2)
    }

    /// Sum of two amounts in the same currency; `None` on a currency mismatch or overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        if self.currency != other.currency {
            return None;
        }
        let minor = self.minor.checked_add(other.minor)?;
        Some(Money {
            minor,
            currency: self.currency,
        })
    }
}

impl fmt::Display for Money {
    /// `S/ 1,234,567.50`: the symbol, thousands separated by commas, two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = (self.minor / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(
            f,
            "{} {grouped}.{:02}",
            self.currency.symbol(),
            self.minor % 100
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_peruvian_amounts_and_rejects_bad_ones() {
        let pen = |s| Money::parse(s, Currency::Pen, "estimated_value");
        assert_eq!(pen("1234.5").expect("ok").minor(), 123_450);
        assert_eq!(pen("1,234,567.89").expect("ok").minor(), 123_456_789);
        assert_eq!(pen("0").expect("ok").minor(), 0);
        assert_eq!(
            pen("1.50").expect("ok").minor(),
            150,
            "trailing zeros are not extra precision"
        );
        assert_eq!(pen("").expect_err("empty").code, "required");
        assert_eq!(pen("-1").expect_err("negative").code, "amount_negative");
        assert_eq!(
            pen("1.001").expect_err("precision").code,
            "amount_too_precise"
        );
        assert_eq!(pen("12abc").expect_err("junk").code, "invalid_amount");
        assert_eq!(
            pen("100000000001").expect_err("huge").code,
            "amount_out_of_range"
        );
        assert_eq!(pen("1e3").expect_err("exponent").code, "invalid_amount");
        assert_eq!(Currency::parse("usd", "currency"), Ok(Currency::Usd));
        assert_eq!(
            Currency::parse("EUR", "currency").expect_err("eur").code,
            "invalid_currency"
        );
    }

    #[test]
    fn displays_with_symbol_and_grouping() {
        let m = Money::parse("1234567.5", Currency::Pen, "x").expect("ok");
        assert_eq!(m.to_string(), "S/ 1,234,567.50");
        assert_eq!(
            Money::parse("0.07", Currency::Usd, "x")
                .expect("ok")
                .to_string(),
            "US$ 0.07"
        );
        assert_eq!(
            Money::parse("999", Currency::Pen, "x")
                .expect("ok")
                .to_string(),
            "S/ 999.00"
        );
    }

    #[test]
    fn sums_only_in_one_currency() {
        let a = Money::parse("10.25", Currency::Pen, "x").expect("ok");
        let b = Money::parse("0.75", Currency::Pen, "x").expect("ok");
        assert_eq!(a.checked_add(b).map(|m| m.minor()), Some(1100));
        assert_eq!(
            a.checked_add(Money::parse("1", Currency::Usd, "x").expect("ok")),
            None
        );
    }

    proptest! {
        #[test]
        fn minor_units_round_trip_through_text(minor in 0i64..=Money::MAX_MINOR) {
            let money = Money::from_minor(minor, Currency::Pen).expect("in range");
            let text = format!("{}", money.amount());
            prop_assert_eq!(Money::parse(&text, Currency::Pen, "x").map(Money::minor), Ok(minor));
            let shown = money.to_string();
            let shown_amount = shown.trim_start_matches("S/ ");
            prop_assert_eq!(Money::parse(shown_amount, Currency::Pen, "x").map(Money::minor), Ok(minor));
        }
    }
}
