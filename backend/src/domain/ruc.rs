//! `Ruc`: Peru's taxpayer number (Registro Único de Contribuyentes).
//!
//! 11 digits; the first two are 10, 15, 16, 17 or 20; the last is a check digit
//! `(11 − (Σ dᵢ·wᵢ mod 11)) mod 10` over the first ten digits with weights
//! 5,4,3,2,7,6,5,4,3,2.

use crate::error::FieldError;
use std::fmt;

/// A valid RUC.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Ruc(String);

const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const PREFIXES: [&str; 5] = ["10", "15", "16", "17", "20"];

impl Ruc {
    /// Parses `input` (surrounding spaces ignored) as the value of `field`.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(field, "ruc_digits"));
        }
        if text.len() != 11 {
            return Err(FieldError::new(field, "ruc_length").arg("length", text.chars().count()));
        }
        if !PREFIXES.contains(&&text[..2]) {
            return Err(FieldError::new(field, "ruc_prefix"));
        }
        let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits[10] != check_digit(&digits[..10]) {
            return Err(FieldError::new(field, "ruc_check_digit"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The check digit for the first ten digits of a RUC.
pub fn check_digit(first_ten: &[u32]) -> u32 {
    let sum: u32 = first_ten.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 10
}

impl fmt::Display for Ruc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Ruc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_documented_examples() {
        assert!(Ruc::parse("20512333797", "ruc").is_ok());
        assert_eq!(
            Ruc::parse("20512333798", "ruc")
                .expect_err("bad check")
                .code,
            "ruc_check_digit"
        );
        assert_eq!(
            Ruc::parse("2051233379", "ruc").expect_err("short").code,
            "ruc_length"
        );
        assert_eq!(
            Ruc::parse("2051233379A", "ruc").expect_err("letter").code,
            "ruc_digits"
        );
        assert_eq!(
            Ruc::parse("30512333797", "ruc").expect_err("prefix").code,
            "ruc_prefix"
        );
        assert_eq!(Ruc::parse("  ", "ruc").expect_err("empty").code, "required");
    }

    #[test]
    fn the_one_collision_of_the_check_digit() {
        // 2051233301: weighted sum ≡ 0 (mod 11) → check digit (11 − 0) mod 10 = 1.
        // 2011233301: third digit 5→1, weighted sum ≡ 10 → check digit (11 − 10) mod 10 = 1.
        // Both are valid RUCs one digit apart: the algorithm's final `mod 10` cannot tell them.
        assert!(Ruc::parse("20512333011", "ruc").is_ok());
        assert!(Ruc::parse("20112333011", "ruc").is_ok());
    }

    fn valid_ruc() -> impl Strategy<Value = String> {
        (
            prop::sample::select(PREFIXES.to_vec()),
            prop::collection::vec(0u32..10, 8),
        )
            .prop_map(|(prefix, rest)| {
                let mut digits: Vec<u32> = prefix.chars().filter_map(|c| c.to_digit(10)).collect();
                digits.extend(rest);
                let check = check_digit(&digits);
                digits.push(check);
                digits
                    .iter()
                    .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn every_generated_valid_ruc_parses(ruc in valid_ruc()) {
            prop_assert_eq!(Ruc::parse(&ruc, "ruc").map(|r| r.0), Ok(ruc));
        }

        /// Changing one digit is rejected, except in the single case the algorithm cannot catch:
        /// weighted-sum residues 0 and 10 both give check digit 1 (the final `mod 10`), so a
        /// change that moves the residue between them still checks. Changing the check digit
        /// itself is always rejected.
        #[test]
        fn changing_any_one_digit_is_rejected(ruc in valid_ruc(), pos in 0usize..11, delta in 1u32..10) {
            let digits: Vec<u32> = ruc.chars().filter_map(|c| c.to_digit(10)).collect();
            let mut changed = digits.clone();
            changed[pos] = (changed[pos] + delta) % 10;
            let text: String = changed.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
            let residue = |d: &[u32]| d[..10].iter().zip(WEIGHTS).map(|(d, w)| d * w).sum::<u32>() % 11;
            let collision = pos < 10
                && [residue(&digits), residue(&changed)].contains(&0)
                && [residue(&digits), residue(&changed)].contains(&10)
                && PREFIXES.contains(&&text[..2]);
            if collision {
                prop_assert!(Ruc::parse(&text, "ruc").is_ok());
            } else {
                prop_assert!(Ruc::parse(&text, "ruc").is_err(), "{} accepted", text);
            }
        }

        #[test]
        fn wrong_length_is_rejected(digits in "[0-9]{0,10}|[0-9]{12,20}") {
            prop_assert!(Ruc::parse(&digits, "ruc").is_err());
        }

        #[test]
        fn letters_are_rejected(ruc in valid_ruc(), pos in 0usize..11, letter in "[A-Za-zÑñ ]") {
            let mut chars: Vec<char> = ruc.chars().collect();
            chars[pos] = letter.chars().next().unwrap_or('A');
            let text: String = chars.into_iter().collect();
            prop_assume!(text.trim().len() == 11 || letter != " ");
            prop_assert!(Ruc::parse(&text, "ruc").is_err());
        }

        #[test]
        fn other_prefixes_are_rejected(ruc in valid_ruc(), prefix in "[0-9]{2}") {
            prop_assume!(!PREFIXES.contains(&prefix.as_str()));
            let text = format!("{prefix}{}", &ruc[2..]);
            prop_assert!(Ruc::parse(&text, "ruc").is_err());
        }
    }
}
