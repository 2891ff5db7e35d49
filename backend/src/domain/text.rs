//! Bounded, trimmed, printable text: names, titles, reasons.

use crate::error::FieldError;

/// Text of `MIN..=MAX` characters after trimming, without control characters. Unicode (Ñ,
/// tildes) is kept exactly; HTML is not interpreted here, pages escape it when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> BoundedText<MIN, MAX> {
    /// Parses `input` as the value of `field`.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        let len = text.chars().count();
        if len == 0 && MIN > 0 {
            return Err(FieldError::new(field, "required"));
        }
        if len < MIN {
            return Err(FieldError::new(field, "too_short").arg("min", MIN));
        }
        if len > MAX {
            return Err(FieldError::new(field, "too_long").arg("max", MAX));
        }
        if text.chars().any(char::is_control) {
            return Err(FieldError::new(field, "control_characters"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The owned text.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_unicode_and_rejects_bounds() {
        type Name = BoundedText<2, 5>;
        assert_eq!(Name::parse("  Ñoño ", "name").expect("ok").as_str(), "Ñoño");
        assert_eq!(Name::parse("", "name").expect_err("empty").code, "required");
        assert_eq!(
            Name::parse("a", "name").expect_err("short").code,
            "too_short"
        );
        assert_eq!(
            Name::parse("abcdef", "name").expect_err("long").code,
            "too_long"
        );
        assert_eq!(
            Name::parse("a\u{0}b", "name").expect_err("nul").code,
            "control_characters"
        );
    }
}
