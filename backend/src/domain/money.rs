//! `Money`: an amount in minor units (céntimos, cents) with its ISO 4217 currency.
//!
//! Stored as `BIGINT` minor units plus the currency code, because decimal columns do not behave
//! the same on SQLite and PostgreSQL; parsed and shown through `rust_decimal`, so no amount
//! ever passes through a float.
//!
//! ## The one format amounts are typed in
//! Peru writes amounts as `450,000.50`: a comma between thousands, a point before the
//! céntimos. Licita reads exactly that, in Spanish and in English alike (the English interface
//! serves the same Peruvian public), and nothing that another convention would read
//! differently:
//! - accepted: `450000.50`, `450,000.50`, `450,000`, `0.5`, optionally after the currency's
//!   symbol or code (`S/ 450,000.50`, `PEN 450000.50`, as [`Money`]'s `Display` prints it);
//! - refused as ambiguous (`amount_ambiguous`), with the accepted form as an example:
//!   `450.000,00` and `12,34` (a decimal comma), `450000,50`, `1,00,000` and `1,2345` (a group
//!   that is not three digits), `1.234.567` (two decimal marks), `450.000` and `1.500`
//!   (three digits after the point: a thousands point elsewhere). A reader of the other
//!   convention could take any of these for a different amount, so none is guessed;
//! - refused otherwise: letters, exponents, spaces inside the number (`invalid_amount`), more
//!   than three decimals (`amount_too_precise`), a sign (`amount_negative`), a symbol of
//!   another currency (`currency_mismatch`), more than [`Money::MAX_MINOR`].
//!
//! The property tests below check that whatever [`Money`] prints reads back as the same amount,
//! and that no accepted text means something else once its comma and point are swapped.

use rust_decimal::Decimal;
use std::{fmt, str::FromStr};

use crate::error::FieldError;

/// Currencies tenders may use.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
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

    /// From a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Currency::Pen, Currency::Usd]
            .into_iter()
            .find(|c| c.code() == code)
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

super::status::stored_as_code!(Currency);

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

    /// Parses an amount typed as Peru writes it (see the module's documentation) for `field`:
    /// `450,000.50` or `450000.50`, at most two decimals, not negative, within
    /// [`Money::MAX_MINOR`]. Anything another convention could read as a different amount is
    /// refused, naming the field.
    pub fn parse(amount: &str, currency: Currency, field: &str) -> Result<Self, FieldError> {
        let text = strip_currency(amount.trim(), currency, field)?;
        if text.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if text.starts_with('-') {
            return Err(FieldError::new(field, "amount_negative"));
        }
        let plain = digits_of(text).map_err(|code| FieldError::new(field, code))?;
        let value =
            Decimal::from_str(&plain).map_err(|_| FieldError::new(field, "invalid_amount"))?;
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

/// The amount's text without a leading symbol or code of `currency` (`S/`, `S/.`, `PEN`;
/// `US$`, `$`, `USD`); a symbol of the other currency is refused.
fn strip_currency<'a>(
    text: &'a str,
    currency: Currency,
    field: &str,
) -> Result<&'a str, FieldError> {
    const PREFIXES: [(&str, Currency); 6] = [
        ("S/.", Currency::Pen),
        ("S/", Currency::Pen),
        ("PEN", Currency::Pen),
        ("US$", Currency::Usd),
        ("USD", Currency::Usd),
        ("$", Currency::Usd),
    ];
    for (prefix, of) in PREFIXES {
        let Some(rest) = text
            .get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(prefix))
            .map(|_| &text[prefix.len()..])
        else {
            continue;
        };
        if of != currency {
            return Err(
                FieldError::new(field, "currency_mismatch").arg("currency", currency.code())
            );
        }
        return Ok(rest.trim_start());
    }
    Ok(text)
}

/// The plain decimal (`450000.50`) an amount's text stands for, or the code of why it is
/// refused: thousands only as comma-separated groups of three, a point only before one or
/// two decimals.
fn digits_of(text: &str) -> Result<String, &'static str> {
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return Err("invalid_amount");
    }
    let (whole, decimals) = match text.split_once('.') {
        Some((w, d)) => (w, Some(d)),
        None => (text, None),
    };
    if let Some(d) = decimals {
        if d.contains(['.', ',']) {
            // `1.234.567`, `450.000,00`: two marks.
            return Err("amount_ambiguous");
        }
        match d.len() {
            0 => return Err("invalid_amount"),
            1 | 2 => {}
            // `450.000`: elsewhere the point groups thousands.
            3 => return Err("amount_ambiguous"),
            _ => return Err("amount_too_precise"),
        }
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    let rest: Vec<&str> = groups.collect();
    let grouped_ok = if rest.is_empty() {
        !first.is_empty()
    } else {
        // `12,34`, `450000,50`, `1,00,000`: a comma not followed by exactly three digits.
        (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3)
    };
    if !grouped_ok {
        return Err(if first.is_empty() && rest.is_empty() {
            "invalid_amount"
        } else {
            "amount_ambiguous"
        });
    }
    let mut plain: String = whole.chars().filter(char::is_ascii_digit).collect();
    if let Some(d) = decimals {
        plain.push('.');
        plain.push_str(d);
    }
    Ok(plain)
}

/// An amount as pages show it (`S/ 576,000.00`): `amount` (plain decimal text, as views
/// carry it) in the currency with ISO code `currency`, grouped in thousands; a change below
/// zero keeps its sign (`-S/ 5,000.00`); text that is not such an amount is shown as it is.
pub fn shown(currency: &str, amount: &str) -> String {
    if let Some(magnitude) = amount.trim().strip_prefix('-') {
        return format!("-{}", shown(currency, magnitude));
    }
    Currency::parse(currency, "currency")
        .and_then(|c| Money::parse(amount, c, "amount"))
        .map(|m| m.to_string())
        .unwrap_or_else(|_| format!("{currency} {amount}"))
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

    #[test]
    fn pages_show_amounts_grouped_in_thousands() {
        assert_eq!(shown("PEN", "576000.00"), "S/ 576,000.00");
        assert_eq!(shown("PEN", "109500"), "S/ 109,500.00");
        assert_eq!(shown("PEN", "950.5"), "S/ 950.50");
        assert_eq!(shown("PEN", "-10950.00"), "-S/ 10,950.00");
        assert_eq!(shown("XYZ", "12"), "XYZ 12");
    }
    use proptest::prelude::*;

    fn pen(s: &str) -> Result<i64, &'static str> {
        Money::parse(s, Currency::Pen, "price")
            .map(Money::minor)
            .map_err(|e| e.code)
    }

    #[test]
    fn reads_amounts_as_peru_writes_them() {
        assert_eq!(pen("450,000.50"), Ok(45_000_050));
        assert_eq!(pen("450000.50"), Ok(45_000_050));
        assert_eq!(pen("450,000"), Ok(45_000_000));
        assert_eq!(pen("1,234,567.89"), Ok(123_456_789));
        assert_eq!(pen("1234.5"), Ok(123_450));
        assert_eq!(pen(" 0 "), Ok(0));
        assert_eq!(
            pen("1.50"),
            Ok(150),
            "trailing zeros are not extra precision"
        );
        assert_eq!(pen("S/ 450,000.50"), Ok(45_000_050));
        assert_eq!(pen("S/.450000.50"), Ok(45_000_050));
        assert_eq!(pen("pen 12.00"), Ok(1_200));
        assert_eq!(
            Money::parse("US$ 1,000", Currency::Usd, "x").map(Money::minor),
            Ok(100_000)
        );
    }

    #[test]
    fn refuses_what_another_convention_reads_differently() {
        for text in [
            "450.000,00",
            "12,34",
            "450000,50",
            "1,00,000",
            "1,2345",
            "12345,678",
            "1.234.567",
            "450.000",
            "1.500",
            "1.001",
            ",5",
            "1,,000",
            "1,000,",
        ] {
            assert_eq!(pen(text), Err("amount_ambiguous"), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(pen(""), Err("required"));
        assert_eq!(pen("S/ "), Err("required"));
        assert_eq!(pen("-1"), Err("amount_negative"));
        assert_eq!(pen("1.0001"), Err("amount_too_precise"));
        assert_eq!(pen("12abc"), Err("invalid_amount"));
        assert_eq!(pen("1e3"), Err("invalid_amount"));
        assert_eq!(pen("450 000.50"), Err("invalid_amount"));
        assert_eq!(pen(".5"), Err("invalid_amount"));
        assert_eq!(pen("5."), Err("invalid_amount"));
        assert_eq!(pen("100000000001"), Err("amount_out_of_range"));
        assert_eq!(pen("US$ 10"), Err("currency_mismatch"));
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

    /// The other convention's reading of a text: comma and point swapped.
    fn swapped(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                ',' => '.',
                '.' => ',',
                c => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn whatever_is_printed_reads_back_the_same(minor in 0i64..=Money::MAX_MINOR, usd: bool) {
            let currency = if usd { Currency::Usd } else { Currency::Pen };
            let money = Money::from_minor(minor, currency).expect("in range");
            for text in [money.to_string(), format!("{}", money.amount()), format!("{:.2}", money.amount())] {
                prop_assert_eq!(Money::parse(&text, currency, "x").map(Money::minor), Ok(minor), "{}", text);
            }
        }

        /// Pages show every amount with its thousands grouped (the same in Spanish and in
        /// English: Peru writes `S/ 1,234.50` in both), and what they show reads back.
        #[test]
        fn every_amount_on_a_page_is_grouped_and_reads_back(minor in 0i64..=Money::MAX_MINOR, usd: bool) {
            let (currency, code) = if usd { (Currency::Usd, "USD") } else { (Currency::Pen, "PEN") };
            let plain = format!("{}.{:02}", minor / 100, minor % 100);
            let text = shown(code, &plain);
            let (symbol, figures) = text.split_once(' ').expect("symbol and figures");
            prop_assert_eq!(symbol, currency.symbol());
            let (units, cents) = figures.split_once('.').expect("two decimals");
            prop_assert_eq!(cents.len(), 2);
            let groups: Vec<&str> = units.split(',').collect();
            prop_assert!(!groups[0].is_empty() && groups[0].len() <= 3, "{}", text);
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{}", text);
            prop_assert_eq!(Money::parse(&text, currency, "x").map(Money::minor), Ok(minor), "{}", text);
        }

        /// No accepted text changes magnitude: its value is its digits read with the commas
        /// removed, and the other convention either refuses it or reads the same amount.
        #[test]
        fn no_accepted_text_means_another_amount(text in "[0-9]{1,7}([.,][0-9]{1,4}){0,3}") {
            if let Ok(minor) = pen(&text) {
                let plain: Decimal = text.replace(',', "").parse().expect("digits and a point");
                prop_assert_eq!(Decimal::new(minor, 2), plain);
                let other = pen(&swapped(&text));
                prop_assert!(other.is_err() || other == Ok(minor), "{} vs {}", text, swapped(&text));
            }
        }
    }
}
