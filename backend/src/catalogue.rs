//! Reference lists shipped in `fixtures/catalogue.json`: UNSPSC segments, Peru's departments
//! and legal forms, each with its names in Spanish and English. Loaded once, read-only.

use serde::Deserialize;
use std::sync::LazyLock;

use crate::{error::FieldError, i18n::Lang};

/// One coded entry with its names.
#[derive(Debug, Clone, Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct Coded {
    /// Stable code.
    pub code: String,
    /// Spanish name.
    pub es: String,
    /// English name.
    pub en: String,
}

impl Coded {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Es => &self.es,
            Lang::En => &self.en,
        }
    }
}

/// The shipped lists.
#[derive(Debug, Deserialize)]
pub struct Catalogue {
    /// UNSPSC segments.
    pub unspsc_segments: Vec<Coded>,
    /// Departments of Peru (and Callao).
    pub departments: Vec<String>,
    /// Legal forms.
    pub legal_forms: Vec<Coded>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    // The file is part of the binary and checked by a test; it cannot be malformed at run time.
    serde_json::from_str(include_str!("../../fixtures/catalogue.json")).unwrap_or(Catalogue {
        unspsc_segments: Vec::new(),
        departments: Vec::new(),
        legal_forms: Vec::new(),
    })
});

/// The catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// The segment with `code`, if it exists.
pub fn segment(code: &str) -> Option<&'static Coded> {
    CATALOGUE.unspsc_segments.iter().find(|s| s.code == code)
}

/// UNSPSC segments whose Spanish or English name holds every word of `query` (case and
/// accents ignored), or whose code starts with it: how an officer finds a classification
/// without knowing its number.
pub fn find_segments(query: &str) -> Vec<&'static Coded> {
    let fold = |text: &str| -> String {
        use unicode_normalization::UnicodeNormalization;
        text.nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return Vec::new();
    }
    CATALOGUE
        .unspsc_segments
        .iter()
        .filter(|s| {
            let names = fold(&format!("{} {}", s.es, s.en));
            words
                .iter()
                .all(|w| names.contains(w.as_str()) || s.code.starts_with(w.as_str()))
        })
        .collect()
}

/// The legal form with `code`, if it exists.
pub fn legal_form(code: &str) -> Option<&'static Coded> {
    CATALOGUE.legal_forms.iter().find(|s| s.code == code)
}

/// Parses a list of segment codes for `field`: 1 to 20 known codes, duplicates dropped.
pub fn parse_segments(codes: &[String], field: &str) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if segment(code).is_none() {
            return Err(FieldError::new(field, "unknown_category").arg("code", code));
        }
        if !out.iter().any(|c| c == code) {
            out.push(code.to_owned());
        }
    }
    if out.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if out.len() > 20 {
        return Err(FieldError::new(field, "too_many_categories").arg("max", 20));
    }
    out.sort();
    Ok(out)
}

/// Parses a department name for `field` (exact name as listed).
pub fn parse_department(name: &str, field: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    CATALOGUE
        .departments
        .iter()
        .find(|d| d.as_str() == name)
        .cloned()
        .ok_or_else(|| FieldError::new(field, "unknown_department"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_found_by_a_word_in_either_language_without_accents() {
        let codes = |q: &str| {
            find_segments(q)
                .iter()
                .map(|s| s.code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("TELECOMUNICACIONES"), vec!["43".to_owned()]);
        assert!(
            codes("construccion").contains(&"72".to_owned()),
            "{:?}",
            codes("construccion")
        );
        assert!(codes("Building").contains(&"72".to_owned()));
        assert_eq!(codes("72"), vec!["72".to_owned()]);
        assert!(codes("   ").is_empty());
        assert!(codes("zzzz-no-such-thing").is_empty());
    }

    #[test]
    fn the_shipped_catalogue_loads() {
        assert_eq!(catalogue().unspsc_segments.len(), 56);
        assert_eq!(catalogue().departments.len(), 25);
        assert!(legal_form("sac").is_some());
        assert_eq!(
            segment("43").map(|s| s.name(Lang::Es)),
            Some("Tecnologías de la información, difusión y telecomunicaciones")
        );
    }

    #[test]
    fn segments_and_departments_are_checked() {
        let codes = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_segments(&codes(&["44", "43", "43"]), "categories").expect("ok"),
            codes(&["43", "44"])
        );
        assert_eq!(
            parse_segments(&codes(&[]), "categories")
                .expect_err("empty")
                .code,
            "required"
        );
        assert_eq!(
            parse_segments(&codes(&["99"]), "categories")
                .expect_err("unknown")
                .code,
            "unknown_category"
        );
        assert_eq!(
            parse_department("Áncash", "department").expect("ok"),
            "Áncash"
        );
        assert!(parse_department("Narnia", "department").is_err());
    }
}
