//! The search index: the search projection, one narrow row per published tender with what the public search
//! filters and sorts on and its stems ([`rows`], kept in step in the transaction of every
//! change of the tender), and each server's copy of it in memory ([`image`]), which the
//! public search ([`crate::tenders::search`]) reads.
//!
//! Text is analysed once, in Rust, the same on both engines: [`normalize`] folds case and
//! accents and turns punctuation into spaces; [`stems`] then runs the Snowball Spanish stemmer
//! (`rust-stemmers`, the algorithm of PostgreSQL's `spanish` configuration) and drops
//! PostgreSQL's Spanish stop words (`spanish.stop`, vendored). Words with digits (a RUC, a
//! model number, an ocid) are kept whole.

pub mod image;
pub mod rows;

pub use image::SearchImage;
pub use rows::{Reindexed, SearchRow, complete, project, reindex, tender_count};

use std::{collections::HashSet, sync::OnceLock};

use crate::domain::text::fold_for_search;

const STOP_WORDS: &str = include_str!("spanish.stop");

fn stop_words() -> &'static HashSet<&'static str> {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        STOP_WORDS
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect()
    })
}

/// Lower case, accents removed, every run of non-alphanumeric characters one space.
pub fn normalize(text: &str) -> String {
    fold_for_search(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lexemes of `text`: PostgreSQL's `to_tsvector('spanish', normalize(text))`, computed here.
pub fn stems(text: &str) -> Vec<String> {
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Spanish);
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .filter_map(|word| {
            if word.chars().any(|c| c.is_ascii_digit()) {
                Some(word.to_owned())
            } else if stop_words().contains(word) {
                None
            } else {
                Some(stemmer.stem(word).into_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analysis_folds_accents_and_stems_plurals() {
        assert_eq!(stems("computadoras"), stems("Computadora"));
        assert_eq!(stems("construcción"), stems("CONSTRUCCION"));
        assert_eq!(
            normalize("Adquisición de tóner (HP-85A), N° 001-2026"),
            "adquisicion de toner hp 85a n 001 2026"
        );
        // Stop words go, words with digits stay whole.
        assert_eq!(stems("de la 85A"), vec!["85a".to_owned()]);
    }
}
