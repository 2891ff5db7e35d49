//! Amounts in words, as Peruvian invoices and bids write them beside the figures
//! ("cuatrocientos cincuenta mil con 50/100 soles"), so a bidder reads back what it is about
//! to seal in a second form that no misplaced separator can change.
//!
//! The whole units are spelled out, the céntimos written as a fraction of 100, and the
//! currency named last (in Spanish "veintiuno con 00/100 soles", not "veintiún": the noun does
//! not follow the number). Spanish follows the RAE's rules: `cien` alone and `ciento` before
//! more, `veintiún`/`un` before `mil` and `millón`, `dieciséis`, `veintidós`, `veintitrés` and
//! `veintiséis` with their accents, `mil millones` for 10⁹ (no "billón"). English is the
//! cheque style: "four hundred fifty thousand and 50/100 soles". Crates were checked first:
//! `num2words` has no Spanish, the others are unmaintained or pull arbitrary-precision
//! libraries for 120 languages to spell integers below 10¹¹.

use super::{Currency, Money};
use crate::i18n::Lang;

impl Money {
    /// The amount in words in `lang`, e.g. "cuatrocientos cincuenta mil con 50/100 soles".
    pub fn in_words(self, lang: Lang) -> String {
        let units = self.minor() / 100;
        let cents = self.minor() % 100;
        match lang {
            Lang::Es => format!(
                "{} con {cents:02}/100 {}",
                spanish(units),
                match self.currency() {
                    Currency::Pen => "soles",
                    Currency::Usd => "dólares estadounidenses",
                }
            ),
            Lang::En => format!(
                "{} and {cents:02}/100 {}",
                english(units),
                match self.currency() {
                    Currency::Pen => "soles",
                    Currency::Usd => "US dollars",
                }
            ),
        }
    }
}

const ES_UNITS: [&str; 30] = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
];
const ES_TENS: [&str; 10] = [
    "",
    "",
    "",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
];
const ES_HUNDREDS: [&str; 10] = [
    "",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
];

/// 0 to 999 in Spanish; `apocope` gives the form before a noun (`un`, `veintiún`).
fn spanish_below_thousand(n: i64, apocope: bool) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let mut words = Vec::new();
    if hundreds > 0 {
        words.push(if n == 100 {
            "cien".to_owned()
        } else {
            ES_HUNDREDS[hundreds as usize].to_owned()
        });
    }
    if rest > 0 || n == 0 {
        let below_hundred = if rest < 30 {
            ES_UNITS[rest as usize].to_owned()
        } else if rest % 10 == 0 {
            ES_TENS[(rest / 10) as usize].to_owned()
        } else {
            format!(
                "{} y {}",
                ES_TENS[(rest / 10) as usize],
                ES_UNITS[(rest % 10) as usize]
            )
        };
        words.push(match (apocope, rest % 10 == 1 && rest != 11) {
            (true, true) if rest == 21 => "veintiún".to_owned(),
            (true, true) => {
                below_hundred
                    .strip_suffix("uno")
                    .unwrap_or(&below_hundred)
                    .to_owned()
                    + "un"
            }
            _ => below_hundred,
        });
    }
    words.join(" ")
}

/// 0 to 999,999 in Spanish.
fn spanish_below_million(n: i64, apocope: bool) -> String {
    let (thousands, rest) = (n / 1000, n % 1000);
    let mut words = Vec::new();
    match thousands {
        0 => {}
        1 => words.push("mil".to_owned()),
        t => words.push(format!("{} mil", spanish_below_thousand(t, true))),
    }
    if rest > 0 || n == 0 {
        words.push(spanish_below_thousand(rest, apocope));
    }
    words.join(" ")
}

/// A whole number of units in Spanish (up to 999,999,999,999).
fn spanish(n: i64) -> String {
    let (millions, rest) = (n / 1_000_000, n % 1_000_000);
    let mut words = Vec::new();
    match millions {
        0 => {}
        1 => words.push("un millón".to_owned()),
        m => words.push(format!("{} millones", spanish_below_million(m, true))),
    }
    if rest > 0 || n == 0 {
        words.push(spanish_below_million(rest, false));
    }
    words.join(" ")
}

const EN_UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn english_below_thousand(n: i64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    let mut words = Vec::new();
    if hundreds > 0 {
        words.push(format!("{} hundred", EN_UNITS[hundreds as usize]));
    }
    if rest > 0 || n == 0 {
        words.push(if rest < 20 {
            EN_UNITS[rest as usize].to_owned()
        } else if rest % 10 == 0 {
            EN_TENS[(rest / 10) as usize].to_owned()
        } else {
            format!(
                "{}-{}",
                EN_TENS[(rest / 10) as usize],
                EN_UNITS[(rest % 10) as usize]
            )
        });
    }
    words.join(" ")
}

/// A whole number of units in English (short scale, up to 999,999,999,999).
fn english(n: i64) -> String {
    if n == 0 {
        return EN_UNITS[0].to_owned();
    }
    let mut words = Vec::new();
    for (scale, name) in [
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        let part = (n / scale) % 1000;
        if part > 0 {
            words.push(format!("{} {name}", english_below_thousand(part)));
        }
    }
    if n % 1000 > 0 {
        words.push(english_below_thousand(n % 1000));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pen(minor: i64) -> Money {
        Money::from_minor(minor, Currency::Pen).expect("in range")
    }

    #[test]
    fn spanish_as_peruvian_invoices_write_it() {
        let cases = [
            (45_000_050, "cuatrocientos cincuenta mil con 50/100 soles"),
            (0, "cero con 00/100 soles"),
            (100, "uno con 00/100 soles"),
            (2_100, "veintiuno con 00/100 soles"),
            (1_600, "dieciséis con 00/100 soles"),
            (10_000, "cien con 00/100 soles"),
            (10_100, "ciento uno con 00/100 soles"),
            (100_000, "mil con 00/100 soles"),
            (2_100_000, "veintiún mil con 00/100 soles"),
            (3_100_000, "treinta y un mil con 00/100 soles"),
            (10_100_000, "ciento un mil con 00/100 soles"),
            (50_050_007, "quinientos mil quinientos con 07/100 soles"),
            (100_000_000, "un millón con 00/100 soles"),
            (
                123_456_789,
                "un millón doscientos treinta y cuatro mil quinientos sesenta y siete con 89/100 soles",
            ),
            (2_100_000_000, "veintiún millones con 00/100 soles"),
            (100_000_000_000, "mil millones con 00/100 soles"),
            (Money::MAX_MINOR, "cien mil millones con 00/100 soles"),
        ];
        for (minor, words) in cases {
            assert_eq!(pen(minor).in_words(Lang::Es), words, "{minor}");
        }
        assert_eq!(
            Money::from_minor(150, Currency::Usd)
                .expect("ok")
                .in_words(Lang::Es),
            "uno con 50/100 dólares estadounidenses"
        );
    }

    #[test]
    fn english_in_cheque_style() {
        let cases = [
            (45_000_050, "four hundred fifty thousand and 50/100 soles"),
            (0, "zero and 00/100 soles"),
            (2_100, "twenty-one and 00/100 soles"),
            (10_100, "one hundred one and 00/100 soles"),
            (
                123_456_789,
                "one million two hundred thirty-four thousand five hundred sixty-seven and 89/100 soles",
            ),
            (Money::MAX_MINOR, "one hundred billion and 00/100 soles"),
        ];
        for (minor, words) in cases {
            assert_eq!(pen(minor).in_words(Lang::En), words, "{minor}");
        }
    }
}
