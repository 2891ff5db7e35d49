//! Translations: Spanish (default) and English, from Fluent files in `backend/locales/`.
//!
//! The backend owns the catalogue because API error messages are translated as well as pages;
//! the frontend calls [`t`] with the same keys. A test checks that both languages define
//! exactly the same keys, so no string is left untranslated in either.

use fluent_templates::{Loader, fluent_bundle::FluentValue, static_loader};
use std::{borrow::Cow, collections::HashMap};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Español (default).
    #[default]
    Es,
    /// English.
    En,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 2] = [Lang::Es, Lang::En];

    /// The BCP 47 code (`es`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// A count as this language writes it: `10 000` (a no-break space every three digits, as
    /// the RAE asks for numbers that are not amounts) or `10,000`.
    pub fn count(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let separator = match self {
            Lang::Es => '\u{a0}',
            Lang::En => ',',
        };
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        if n < 0 {
            format!("-{grouped}")
        } else {
            grouped
        }
    }

    /// Parses a code such as `es`, `en`, `en-GB`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best language for an `Accept-Language` header (weights honoured), else Spanish.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    fn id(self) -> &'static fluent_templates::LanguageIdentifier {
        static ES: std::sync::LazyLock<fluent_templates::LanguageIdentifier> =
            std::sync::LazyLock::new(|| fluent_templates::langid!("es"));
        static EN: std::sync::LazyLock<fluent_templates::LanguageIdentifier> =
            std::sync::LazyLock::new(|| fluent_templates::langid!("en"));
        match self {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }
}

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "licita_lang";

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES.lookup(lang.id(), key)
}

/// The text for `key` in `lang`, or `None` when the catalogue has no such key.
pub fn t_opt(lang: Lang, key: &str) -> Option<String> {
    LOCALES.try_lookup(lang.id(), key)
}

/// The text for `key` in `lang` with named arguments, or `None` when the catalogue has no
/// such key.
pub fn t_args_opt(lang: Lang, key: &str, args: &[(&str, String)]) -> Option<String> {
    let map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), fluent_value(v)))
        .collect();
    LOCALES.try_lookup_with_args(lang.id(), key, &map)
}

/// An argument as Fluent sees it: a whole number written canonically (no sign, no leading
/// zero, at most 15 digits, so exact as a float) is a number, which the messages' plural
/// rules select on (`1 convocatoria`, `2 convocatorias`); anything else is text, shown as it
/// is (a RUC or an amount keeps every digit and its form).
fn fluent_value(v: &str) -> FluentValue<'static> {
    match v.parse::<u64>() {
        Ok(n) if v.len() <= 15 && n.to_string() == v => FluentValue::from(n),
        _ => FluentValue::from(v.to_owned()),
    }
}

/// The text for `key` in `lang` with named arguments.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    t_args_opt(lang, key, args).unwrap_or_else(|| t(lang, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: &str) -> BTreeSet<String> {
        let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("locale file");
        text.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or_default().trim().to_owned())
            .collect()
    }

    #[test]
    fn a_wait_of_one_second_reads_in_the_singular() {
        let wait = |lang, n: u32| {
            t_args(
                lang,
                "problem-too-many-requests-seconds",
                &[("seconds", n.to_string())],
            )
            .replace(['\u{2068}', '\u{2069}'], "")
        };
        assert!(
            wait(Lang::Es, 1).ends_with("en 1 segundo."),
            "{}",
            wait(Lang::Es, 1)
        );
        assert!(wait(Lang::Es, 30).ends_with("en 30 segundos."));
        assert!(
            wait(Lang::En, 1).ends_with("in 1 second."),
            "{}",
            wait(Lang::En, 1)
        );
        assert!(wait(Lang::En, 30).ends_with("in 30 seconds."));
    }

    #[test]
    fn no_message_is_defined_twice() {
        // Fluent refuses a catalogue with a message defined twice, and every page would
        // panic on its first translation: named here instead.
        for lang in ["es", "en"] {
            let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("locale file");
            let mut seen = BTreeSet::new();
            let twice: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next())
                .map(str::trim)
                .filter(|k| !seen.insert(*k))
                .collect();
            assert!(twice.is_empty(), "{lang}: defined twice: {twice:?}");
        }
    }

    #[test]
    fn spanish_and_english_define_the_same_keys() {
        let es = keys("es");
        let en = keys("en");
        assert!(es.len() > 50, "catalogue looks empty: {}", es.len());
        let only_es: Vec<_> = es.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&es).collect();
        assert!(only_es.is_empty(), "untranslated in English: {only_es:?}");
        assert!(only_en.is_empty(), "untranslated in Spanish: {only_en:?}");
    }

    /// Every error code written in the source as `FieldError::new(field, "code")` or
    /// `AppError::field(field, "code")` has its message (schemathesis once met a code
    /// without one, shown as the catalogue's "unknown key" text).
    #[test]
    fn every_error_code_in_the_source_has_a_message() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("../frontend/src"), &mut files);
        let es = keys("es");
        let mut missing = BTreeSet::new();
        let mut seen = 0;
        // This file names the calls in its own text.
        files.retain(|f| !f.ends_with("i18n.rs"));
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            for call in ["FieldError::new(", "AppError::field("] {
                for rest in text.split(call).skip(1) {
                    // The second argument, when it is a string literal.
                    let Some((_, after_comma)) = rest.split_once(',') else {
                        continue;
                    };
                    let after_comma = after_comma.trim_start();
                    let Some(literal) = after_comma.strip_prefix('"') else {
                        continue;
                    };
                    let Some((code, _)) = literal.split_once('"') else {
                        continue;
                    };
                    if code.is_empty() || code.contains(' ') {
                        continue;
                    }
                    seen += 1;
                    let key = format!("error-{}", code.replace('_', "-"));
                    if !es.contains(&key) {
                        missing.insert(format!("{key} ({})", file.display()));
                    }
                }
            }
        }
        assert!(seen > 100, "found only {seen} error codes");
        assert!(missing.is_empty(), "codes without a message: {missing:?}");
    }

    /// Every audit action the source records (`"tender.published"`, …) reads as a sentence
    /// on the timeline: it has its `event-` message.
    #[test]
    fn every_audit_action_has_a_sentence() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut texts = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    texts.push(std::fs::read_to_string(&path).expect("source"));
                }
            }
        }
        let prefixes = [
            "tender",
            "bid",
            "award",
            "lot",
            "complaint",
            "contract",
            "finding",
        ];
        let es = keys("es");
        let mut actions = BTreeSet::new();
        for text in &texts {
            for piece in text.split('"').skip(1).step_by(2) {
                if let Some((kind, what)) = piece.split_once('.')
                    && prefixes.contains(&kind)
                    && !what.is_empty()
                    && what.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    actions.insert(piece.to_owned());
                }
            }
        }
        assert!(actions.len() > 30, "found only {} actions", actions.len());
        let missing: Vec<_> = actions
            .iter()
            .filter(|a| !es.contains(&format!("event-{}", a.replace(['.', '_'], "-"))))
            .collect();
        assert!(
            missing.is_empty(),
            "actions without a sentence: {missing:?}"
        );
    }

    /// Counts choose their plural form in both languages.
    #[test]
    fn counts_take_the_plural_rules_of_each_language() {
        for (lang, one, many) in [
            (
                Lang::Es,
                "1 convocatoria encontrada.",
                "2 convocatorias encontradas.",
            ),
            (Lang::En, "1 tender found.", "2 tenders found."),
        ] {
            assert_eq!(t_args(lang, "tenders-count", &[("total", "1".into())]), one);
            assert_eq!(
                t_args(lang, "tenders-count", &[("total", "2".into())]),
                many
            );
        }
        assert_eq!(
            t_args(Lang::Es, "tenders-count", &[("total", "0".into())]),
            "0 convocatorias encontradas."
        );
        // Digits that are not a plain count keep every character.
        assert!(
            t_args(
                Lang::Es,
                "event-who",
                &[("name", "0042".into()), ("role", "x".into())]
            )
            .starts_with("0042")
        );
    }

    proptest::proptest! {
        /// Every count takes its language's plural form: one for exactly 1, other otherwise.
        #[test]
        fn every_count_agrees_with_its_noun(n in 0u64..1_000_000) {
            let es = t_args(Lang::Es, "tenders-count", &[("total", n.to_string())]);
            let en = t_args(Lang::En, "tenders-count", &[("total", n.to_string())]);
            if n == 1 {
                proptest::prop_assert_eq!(es, "1 convocatoria encontrada.");
                proptest::prop_assert_eq!(en, "1 tender found.");
            } else {
                proptest::prop_assert_eq!(es, format!("{n} convocatorias encontradas."));
                proptest::prop_assert_eq!(en, format!("{n} tenders found."));
            }
        }
    }

    #[test]
    fn lookups_differ_by_language_and_take_arguments() {
        assert_eq!(t(Lang::Es, "nav-login"), "Ingresar");
        assert_eq!(t(Lang::En, "nav-login"), "Log in");
        let msg = t_args(
            Lang::En,
            "error-too-long",
            &[("field", "Name".into()), ("max", "5".into())],
        );
        assert!(msg.contains("Name") && msg.contains('5'), "{msg}");
    }

    #[test]
    fn accept_language_honours_weights() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, es;q=0.8"),
            Lang::Es
        );
        assert_eq!(Lang::from_accept_language("de"), Lang::Es);
        assert_eq!(Lang::from_accept_language(""), Lang::Es);
    }
}
