//! Bounded, trimmed, printable text: names, titles, reasons.
//!
//! One rule for what a person types: it may not carry invisible characters: controls,
//! zero-width characters and the bidi overrides that make `gpj.exe` display as `exe.jpg`
//! ([`is_invisible`]). Names (of companies, people, entities, files) are also brought to
//! Unicode NFKC ([`BoundedText::parse_name`]): a full-width `Ａ` or a ligature `ﬁ` is the
//! letter it looks like, so two spellings that look alike are one name. Free text (titles,
//! descriptions, reasons) keeps what was typed — NFKC would turn `m²` into `m2`.

use unicode_normalization::UnicodeNormalization;

use crate::error::FieldError;

/// Lower-case, accents removed: what searches compare, the same on both databases.
pub fn fold_for_search(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// Is `c` a character a reader cannot see but that changes what text means or how it shows:
/// a control (C0, C1), or a format character (Unicode category Cf: zero-width space and
/// joiners, bidi marks, embeddings, overrides and isolates, the word joiner and invisible
/// operators, the byte-order mark, tag characters, the soft hyphen).
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{0600}'..='\u{0605}'
                | '\u{061C}'
                | '\u{06DD}'
                | '\u{070F}'
                | '\u{0890}'..='\u{0891}'
                | '\u{08E2}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{110BD}'
                | '\u{110CD}'
                | '\u{13430}'..='\u{1343F}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// `input` trimmed and in NFKC.
pub fn normalized(input: &str) -> String {
    input.trim().nfkc().collect::<String>().trim().to_owned()
}

/// Text of `MIN..=MAX` characters after trimming, without invisible characters
/// ([`is_invisible`]). Unicode letters (Ñ, tildes) are kept; HTML is not interpreted here,
/// pages escape it when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> BoundedText<MIN, MAX> {
    /// Parses `input` as the value of `field`.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        Self::checked(input.trim().to_owned(), field)
    }

    /// Parses a name: as [`parse`](Self::parse), after NFKC.
    pub fn parse_name(input: &str, field: &str) -> Result<Self, FieldError> {
        Self::checked(normalized(input), field)
    }

    /// Parses free text of several lines (a description, a reason): as
    /// [`parse`](Self::parse), but line breaks are kept (a textarea's `\r\n` becomes `\n`).
    pub fn parse_lines(input: &str, field: &str) -> Result<Self, FieldError> {
        let text = input.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        // The bounds and the character rules, line breaks aside.
        Self::checked(text.replace('\n', " "), field)?;
        Ok(Self(text.to_owned()))
    }

    fn checked(text: String, field: &str) -> Result<Self, FieldError> {
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
        if text.chars().any(is_invisible) {
            return Err(FieldError::new(field, "invisible_characters"));
        }
        Ok(Self(text))
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

/// Prefixes a cell starting with `=`, `+`, `-`, `@`, tab or carriage return with `'`, so a
/// spreadsheet shows it instead of evaluating it (CSV injection). Signed numbers keep their
/// sign only when the whole cell is a number (`-2500.00`): `-1+cmd|…` is a formula.
pub fn spreadsheet_safe(cell: &str) -> String {
    let number = |t: &str| {
        !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.chars().filter(|c| *c == '.').count() <= 1
    };
    let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
        || (cell.starts_with('-') && !number(&cell[1..]));
    if risky {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_signed_numbers_kept() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-2500.00"), "-2500.00");
        assert_eq!(spreadsheet_safe("-cmd"), "'-cmd");
        // A number in front does not make a formula safe.
        assert_eq!(
            spreadsheet_safe("-1+cmd|' /C calc'!A0"),
            "'-1+cmd|' /C calc'!A0"
        );
        assert_eq!(spreadsheet_safe("Andina"), "Andina");
    }

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

    #[test]
    fn look_alikes_are_one_spelling_and_invisible_characters_are_refused() {
        type Name = BoundedText<2, 50>;
        // Full-width letters and a ligature are the letters they look like.
        assert_eq!(
            Name::parse_name("ＡＮＤＩＮＡ ﬁnanzas", "name")
                .expect("ok")
                .as_str(),
            "ANDINA finanzas"
        );
        // Composed and decomposed Ñ are one.
        assert_eq!(
            Name::parse_name("N\u{303}uñoa", "name")
                .expect("ok")
                .as_str(),
            "Ñuñoa"
        );
        // Free text keeps what was typed, and its paragraphs.
        assert_eq!(Name::parse("50 m²", "name").expect("ok").as_str(), "50 m²");
        assert_eq!(
            Name::parse_lines(" Uno.\r\n\r\nDos. ", "name")
                .expect("ok")
                .as_str(),
            "Uno.\n\nDos."
        );
        assert_eq!(
            Name::parse_lines("Uno\u{202E}dos", "name")
                .expect_err("bidi")
                .code,
            "invisible_characters"
        );
        for hidden in [
            "An\u{200B}dina",
            "Andina \u{202E}gpj.exe",
            "\u{FEFF}Andina",
            "An\u{2066}dina",
        ] {
            assert_eq!(
                Name::parse(hidden, "name").expect_err(hidden).code,
                "invisible_characters",
                "{hidden:?}"
            );
        }
    }
}
