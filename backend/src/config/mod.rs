//! Configuration: every setting Licita reads, its default, and how a bad value is reported.
//!
//! One table ([`SETTINGS`]) is the single source of truth: `licita --help` prints it, the
//! README documents it, and [`Settings::load`] reads it. A value comes from, in order of
//! precedence, the `LICITA_*` environment variable, the optional `licita.toml` (keys are the
//! variable names without the prefix, lower-case), and the default. A bad value stops the start
//! with one line naming the setting and what is wrong ([`ConfigError`]).
//!
//! This module must not touch the database or the network.
//!
//! This file reads the settings ([`Settings::from_lookup`], and the TOML file); [`table`]
//! holds the table and its help text, [`parse`] how each kind of value is checked.

use std::{collections::BTreeMap, net::SocketAddr, path::PathBuf, time::Duration};

mod parse;
mod table;
use parse::{
    boolean, number, parse_license, parse_method_days, parse_methods, parse_networks,
    parse_ocid_prefix, parse_publisher, parse_publisher_ruc,
};
use table::default_of;
pub use table::{SETTINGS, SettingSpec};

/// A setting that could not be used. Its `Display` is the one line printed before exiting.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{setting}: {problem}")]
pub struct ConfigError {
    /// The environment variable name of the setting.
    pub setting: &'static str,
    /// What is wrong with the value.
    pub problem: String,
}

/// How outgoing mail is delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransportKind {
    /// `.eml` files in a directory.
    File,
    /// A real SMTP server.
    Smtp(String),
    /// Kept in memory (tests).
    Memory,
}

/// The validated configuration of one Licita process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `LICITA_DATABASE_URL`.
    pub database_url: String,
    /// `LICITA_BIND`.
    pub bind: SocketAddr,
    /// `LICITA_PUBLIC_URL`, without a trailing slash.
    pub public_url: String,
    /// `LICITA_DATA_DIR`.
    pub data_dir: PathBuf,
    /// `LICITA_JWT_SECRET`; `None` means "generate/read `<data_dir>/jwt-secret`".
    pub jwt_secret: Option<String>,
    /// `LICITA_SESSION_HOURS`.
    pub session_lifetime: Duration,
    /// `LICITA_COOKIE_SECURE`.
    pub cookie_secure: bool,
    /// `LICITA_DB_POOL_SIZE`.
    pub db_pool_size: u32,
    /// `LICITA_MAIL_TRANSPORT` (+ `LICITA_SMTP_URL`).
    pub mail_transport: MailTransportKind,
    /// `LICITA_MAIL_FROM`.
    pub mail_from: String,
    /// `LICITA_MAIL_MAX_ATTEMPTS`.
    pub mail_max_attempts: i32,
    /// `LICITA_MAIL_CLAIM_TIMEOUT_SECS`.
    pub mail_claim_timeout: chrono::Duration,
    /// `LICITA_CHECKPOINT_MINUTES`.
    pub checkpoint_interval: chrono::Duration,
    /// `LICITA_LOGIN_MAX_FAILURES`.
    pub login_max_failures: i32,
    /// `LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS`.
    pub login_max_failures_per_address: i32,
    /// `LICITA_LOGIN_LOCKOUT_MINUTES`.
    pub login_lockout: chrono::Duration,
    /// `LICITA_TRUSTED_PROXIES`.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `LICITA_SEED_DEMO`.
    pub seed_demo: bool,
    /// `LICITA_TIMEZONE`.
    pub timezone: chrono_tz::Tz,
    /// `LICITA_HOLIDAYS`.
    pub holidays: Vec<chrono::NaiveDate>,
    /// `LICITA_LOG`.
    pub log_filter: String,
    /// `LICITA_OCID_PREFIX`.
    pub ocid_prefix: String,
    /// `LICITA_MIN_SUBMISSION_DAYS`, complete for every method.
    pub min_submission_days: BTreeMap<crate::domain::Method, u32>,
    /// `LICITA_AUCTION_METHODS`: where an officer may give a lot an electronic auction (a
    /// subasta inversa electrónica's lots always have one).
    pub auction_methods: std::collections::BTreeSet<crate::domain::Method>,
    /// `LICITA_AUCTION_NOTICE_MINUTES`.
    pub auction_notice_minutes: u32,
    /// `LICITA_CATALOGUE_MAX_INCREASE_PERCENT`.
    pub catalogue_max_increase_percent: u32,
    /// `LICITA_CATALOGUE_INCREASE_DAYS`.
    pub catalogue_increase_days: u32,
    /// `LICITA_CATALOGUE_QUOTE_THRESHOLD`, in céntimos.
    pub catalogue_quote_threshold: i64,
    /// `LICITA_CATALOGUE_SPLIT_DAYS`.
    pub catalogue_split_days: u32,
    /// `LICITA_CATALOGUE_ABOVE_MEDIAN_PERCENT`.
    pub catalogue_above_median_percent: u32,
    /// `LICITA_CATALOGUE_SUPPLIER_SHARE_PERCENT`.
    pub catalogue_supplier_share_percent: u32,
    /// `LICITA_STANDSTILL_DAYS`, complete for every method.
    pub standstill_days: BTreeMap<crate::domain::Method, u32>,
    /// `LICITA_OCDS_PUBLISHER`.
    pub ocds_publisher_name: String,
    /// `LICITA_OCDS_PUBLISHER_RUC`, when set.
    pub ocds_publisher_ruc: Option<String>,
    /// `LICITA_OCDS_LICENSE`.
    pub ocds_license: String,
    /// `LICITA_OCDS_REQUESTS_PER_MINUTE`.
    pub ocds_requests_per_minute: u32,
    /// `LICITA_OCDS_BULK_AT_ONCE`.
    pub ocds_bulk_at_once: u32,
    /// `LICITA_MODIFICATION_FLAG_PERCENT`.
    pub modification_flag_percent: u32,
    /// `LICITA_AMENDMENT_EXTENSION_DAYS`.
    pub amendment_extension_days: u32,
    /// `LICITA_REQUEST_TIMEOUT_SECS`.
    pub request_timeout: std::time::Duration,
    /// `LICITA_UPLOAD_IDLE_SECS`.
    pub upload_idle: std::time::Duration,
    /// `LICITA_UPLOAD_MAX_MB` in bytes.
    pub upload_max_bytes: u64,
    /// `LICITA_BID_MAX_MB` in bytes.
    pub bid_max_bytes: u64,
    /// `LICITA_OPENING_KEY_WORK_FACTOR`.
    pub opening_key_work_factor: u8,
    /// `LICITA_RECEIPT_KEY`, when set.
    pub receipt_key: Option<String>,
}

impl Settings {
    /// Reads the settings from the process environment and the optional TOML file.
    pub fn load() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `env` (a stand-in for the environment, for tests) and the
    /// TOML file that `LICITA_CONFIG` names.
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file_path = env("LICITA_CONFIG").unwrap_or_else(|| "licita.toml".to_owned());
        let file = read_toml(&file_path, env("LICITA_CONFIG").is_some())?;
        let get = |name: &'static str| -> Option<String> {
            env(name).or_else(|| {
                let key = name.trim_start_matches("LICITA_").to_ascii_lowercase();
                file.get(&key).cloned()
            })
        };
        let text = |name: &'static str| get(name).unwrap_or_else(|| default_of(name).to_owned());

        let database_url = text("LICITA_DATABASE_URL");
        crate::db::DatabaseUrl::parse(&database_url).map_err(|problem| ConfigError {
            setting: "LICITA_DATABASE_URL",
            problem,
        })?;
        let bind: SocketAddr = text("LICITA_BIND").parse().map_err(|_| ConfigError {
            setting: "LICITA_BIND",
            problem: format!(
                "'{}' is not an address and port such as 127.0.0.1:8080",
                text("LICITA_BIND")
            ),
        })?;
        let public_url = match get("LICITA_PUBLIC_URL") {
            Some(url) => {
                let parsed = url::Url::parse(&url).map_err(|e| ConfigError {
                    setting: "LICITA_PUBLIC_URL",
                    problem: format!("'{url}' is not a URL ({e})"),
                })?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(ConfigError {
                        setting: "LICITA_PUBLIC_URL",
                        problem: "must start with http:// or https://".into(),
                    });
                }
                url.trim_end_matches('/').to_owned()
            }
            None => format!("http://{bind}"),
        };
        let jwt_secret = get("LICITA_JWT_SECRET");
        if let Some(secret) = &jwt_secret
            && secret.len() < 32
        {
            return Err(ConfigError {
                setting: "LICITA_JWT_SECRET",
                problem: format!("must be at least 32 bytes long, got {}", secret.len()),
            });
        }
        let session_hours: u64 = number(
            &text("LICITA_SESSION_HOURS"),
            "LICITA_SESSION_HOURS",
            1,
            720,
        )?;
        let mail_transport = match text("LICITA_MAIL_TRANSPORT").as_str() {
            "file" => MailTransportKind::File,
            "memory" => MailTransportKind::Memory,
            "smtp" => {
                let url = get("LICITA_SMTP_URL").ok_or_else(|| ConfigError {
                    setting: "LICITA_SMTP_URL",
                    problem: "is required when LICITA_MAIL_TRANSPORT=smtp".into(),
                })?;
                url::Url::parse(&url)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "smtp" | "smtps"))
                    .ok_or_else(|| ConfigError {
                        setting: "LICITA_SMTP_URL",
                        problem: "must be an smtp:// or smtps:// URL".into(),
                    })?;
                MailTransportKind::Smtp(url)
            }
            other => {
                return Err(ConfigError {
                    setting: "LICITA_MAIL_TRANSPORT",
                    problem: format!("'{other}' is not one of file, smtp, memory"),
                });
            }
        };
        let mail_from = text("LICITA_MAIL_FROM");
        mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError {
                setting: "LICITA_MAIL_FROM",
                problem: format!("'{mail_from}' is not an email address ({e})"),
            })?;
        let timezone_text = text("LICITA_TIMEZONE");
        let timezone = timezone_text
            .parse::<chrono_tz::Tz>()
            .map_err(|_| ConfigError {
                setting: "LICITA_TIMEZONE",
                problem: format!("'{timezone_text}' is not an IANA time zone such as America/Lima"),
            })?;
        // Served over https, a session cookie must never travel over plain http.
        let cookie_secure = boolean(&text("LICITA_COOKIE_SECURE"), "LICITA_COOKIE_SECURE")?
            || public_url.starts_with("https://");
        Ok(Self {
            database_url,
            bind,
            public_url,
            data_dir: PathBuf::from(text("LICITA_DATA_DIR")),
            jwt_secret,
            session_lifetime: Duration::from_secs(session_hours * 3600),
            cookie_secure,
            db_pool_size: number(&text("LICITA_DB_POOL_SIZE"), "LICITA_DB_POOL_SIZE", 1, 256)?,
            mail_transport,
            mail_from,
            mail_max_attempts: number(
                &text("LICITA_MAIL_MAX_ATTEMPTS"),
                "LICITA_MAIL_MAX_ATTEMPTS",
                1,
                50,
            )?,
            mail_claim_timeout: chrono::Duration::seconds(number(
                &text("LICITA_MAIL_CLAIM_TIMEOUT_SECS"),
                "LICITA_MAIL_CLAIM_TIMEOUT_SECS",
                5,
                86_400,
            )?),
            checkpoint_interval: chrono::Duration::minutes(number(
                &text("LICITA_CHECKPOINT_MINUTES"),
                "LICITA_CHECKPOINT_MINUTES",
                1,
                1440,
            )?),
            login_max_failures: number(
                &text("LICITA_LOGIN_MAX_FAILURES"),
                "LICITA_LOGIN_MAX_FAILURES",
                1,
                1000,
            )?,
            login_max_failures_per_address: number(
                &text("LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS"),
                "LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS",
                1,
                100_000,
            )?,
            login_lockout: chrono::Duration::minutes(number(
                &text("LICITA_LOGIN_LOCKOUT_MINUTES"),
                "LICITA_LOGIN_LOCKOUT_MINUTES",
                1,
                10_080,
            )?),
            trusted_proxies: parse_networks(&get("LICITA_TRUSTED_PROXIES").unwrap_or_default())?,
            seed_demo: boolean(&text("LICITA_SEED_DEMO"), "LICITA_SEED_DEMO")?,
            timezone,
            holidays: crate::domain::calendar::parse_holidays(
                &get("LICITA_HOLIDAYS")
                    .unwrap_or_else(|| crate::domain::calendar::DEFAULT_HOLIDAYS.to_owned()),
            )
            .map_err(|problem| ConfigError {
                setting: "LICITA_HOLIDAYS",
                problem,
            })?,
            log_filter: text("LICITA_LOG"),
            ocid_prefix: parse_ocid_prefix(&text("LICITA_OCID_PREFIX"))?,
            min_submission_days: parse_method_days(
                &text("LICITA_MIN_SUBMISSION_DAYS"),
                "LICITA_MIN_SUBMISSION_DAYS",
                crate::domain::Method::default_min_days,
            )?,
            auction_methods: parse_methods(
                &text("LICITA_AUCTION_METHODS"),
                "LICITA_AUCTION_METHODS",
            )?,
            auction_notice_minutes: number(
                &text("LICITA_AUCTION_NOTICE_MINUTES"),
                "LICITA_AUCTION_NOTICE_MINUTES",
                0,
                10_080,
            )?,
            catalogue_max_increase_percent: number(
                &text("LICITA_CATALOGUE_MAX_INCREASE_PERCENT"),
                "LICITA_CATALOGUE_MAX_INCREASE_PERCENT",
                0,
                100,
            )?,
            catalogue_increase_days: number(
                &text("LICITA_CATALOGUE_INCREASE_DAYS"),
                "LICITA_CATALOGUE_INCREASE_DAYS",
                0,
                3_650,
            )?,
            catalogue_quote_threshold: crate::domain::Money::parse(
                &text("LICITA_CATALOGUE_QUOTE_THRESHOLD"),
                crate::domain::Currency::Pen,
                "LICITA_CATALOGUE_QUOTE_THRESHOLD",
            )
            .map(crate::domain::Money::minor)
            .map_err(|_| ConfigError {
                setting: "LICITA_CATALOGUE_QUOTE_THRESHOLD",
                problem: "is not an amount in soles such as 100000.00".into(),
            })?,
            catalogue_split_days: number(
                &text("LICITA_CATALOGUE_SPLIT_DAYS"),
                "LICITA_CATALOGUE_SPLIT_DAYS",
                0,
                365,
            )?,
            catalogue_above_median_percent: number(
                &text("LICITA_CATALOGUE_ABOVE_MEDIAN_PERCENT"),
                "LICITA_CATALOGUE_ABOVE_MEDIAN_PERCENT",
                0,
                1_000,
            )?,
            catalogue_supplier_share_percent: number(
                &text("LICITA_CATALOGUE_SUPPLIER_SHARE_PERCENT"),
                "LICITA_CATALOGUE_SUPPLIER_SHARE_PERCENT",
                1,
                100,
            )?,
            standstill_days: parse_method_days(
                &text("LICITA_STANDSTILL_DAYS"),
                "LICITA_STANDSTILL_DAYS",
                crate::domain::Method::default_standstill_days,
            )?,
            ocds_publisher_name: parse_publisher(&text("LICITA_OCDS_PUBLISHER"))?,
            ocds_publisher_ruc: parse_publisher_ruc(&text("LICITA_OCDS_PUBLISHER_RUC"))?,
            ocds_license: parse_license(&text("LICITA_OCDS_LICENSE"))?,
            ocds_requests_per_minute: number(
                &text("LICITA_OCDS_REQUESTS_PER_MINUTE"),
                "LICITA_OCDS_REQUESTS_PER_MINUTE",
                1,
                1_000_000,
            )?,
            ocds_bulk_at_once: number(
                &text("LICITA_OCDS_BULK_AT_ONCE"),
                "LICITA_OCDS_BULK_AT_ONCE",
                1,
                64,
            )?,
            modification_flag_percent: number(
                &text("LICITA_MODIFICATION_FLAG_PERCENT"),
                "LICITA_MODIFICATION_FLAG_PERCENT",
                1,
                100,
            )?,
            amendment_extension_days: number(
                &text("LICITA_AMENDMENT_EXTENSION_DAYS"),
                "LICITA_AMENDMENT_EXTENSION_DAYS",
                0,
                60,
            )?,
            request_timeout: std::time::Duration::from_secs(number::<u64>(
                &text("LICITA_REQUEST_TIMEOUT_SECS"),
                "LICITA_REQUEST_TIMEOUT_SECS",
                1,
                3600,
            )?),
            upload_idle: std::time::Duration::from_secs(number::<u64>(
                &text("LICITA_UPLOAD_IDLE_SECS"),
                "LICITA_UPLOAD_IDLE_SECS",
                1,
                600,
            )?),
            upload_max_bytes: number::<u64>(
                &text("LICITA_UPLOAD_MAX_MB"),
                "LICITA_UPLOAD_MAX_MB",
                1,
                2048,
            )? * 1024
                * 1024,
            bid_max_bytes: number::<u64>(&text("LICITA_BID_MAX_MB"), "LICITA_BID_MAX_MB", 1, 1024)?
                * 1024
                * 1024,
            opening_key_work_factor: number(
                &text("LICITA_OPENING_KEY_WORK_FACTOR"),
                "LICITA_OPENING_KEY_WORK_FACTOR",
                10,
                22,
            )?,
            receipt_key: match get("LICITA_RECEIPT_KEY") {
                None => None,
                Some(k) if k.trim().len() == 64 && hex::decode(k.trim()).is_ok() => {
                    Some(k.trim().to_owned())
                }
                Some(_) => {
                    return Err(ConfigError {
                        setting: "LICITA_RECEIPT_KEY",
                        problem: "must be 64 hexadecimal digits (a 32-byte Ed25519 seed)".into(),
                    });
                }
            },
        })
    }
}

/// The settings in the TOML file at `path` (keys lower-case, values as text); a file that is
/// not there is empty unless `explicit` (named by `LICITA_CONFIG`).
fn read_toml(path: &str, explicit: bool) -> Result<BTreeMap<String, String>, ConfigError> {
    let err = |problem: String| ConfigError {
        setting: "LICITA_CONFIG",
        problem,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(BTreeMap::new());
        }
        Err(e) => return Err(err(format!("cannot read '{path}': {e}"))),
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        err(format!("'{path}' is not valid TOML: {}", e.message()))
    })?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let known = SETTINGS.iter().any(|s| {
            s.env
                .trim_start_matches("LICITA_")
                .eq_ignore_ascii_case(&key)
        });
        if !known {
            return Err(err(format!("'{path}' has unknown setting '{key}'")));
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(err(format!(
                    "'{key}' in '{path}' must be a string, number or boolean, got {}",
                    other.type_str()
                )));
            }
        };
        values.insert(key.to_ascii_lowercase(), text);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_sqlite_and_local_port_8080() {
        let map: BTreeMap<String, String> = BTreeMap::new();
        let s = Settings::from_lookup(|k| map.get(k).cloned()).expect("defaults are valid");
        assert_eq!(s.database_url, "sqlite://data/licita.db");
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert_eq!(s.mail_transport, MailTransportKind::File);
    }

    #[test]
    fn a_missing_explicit_config_file_names_the_setting() {
        let err = lookup(&[("LICITA_CONFIG", "/nonexistent/licita.toml")])
            .expect_err("explicit file that does not exist");
        assert_eq!(err.setting, "LICITA_CONFIG");
    }

    #[test]
    fn bad_values_name_their_setting() {
        let cases = [
            ("LICITA_BIND", "8080", "LICITA_BIND"),
            ("LICITA_DATABASE_URL", "mysql://x", "LICITA_DATABASE_URL"),
            ("LICITA_SESSION_HOURS", "0", "LICITA_SESSION_HOURS"),
            ("LICITA_JWT_SECRET", "short", "LICITA_JWT_SECRET"),
            ("LICITA_MAIL_TRANSPORT", "pigeon", "LICITA_MAIL_TRANSPORT"),
            ("LICITA_MAIL_TRANSPORT", "smtp", "LICITA_SMTP_URL"),
            ("LICITA_TIMEZONE", "Mars/Olympus", "LICITA_TIMEZONE"),
            ("LICITA_COOKIE_SECURE", "maybe", "LICITA_COOKIE_SECURE"),
            ("LICITA_HOLIDAYS", "2026-13-01", "LICITA_HOLIDAYS"),
            (
                "LICITA_TRUSTED_PROXIES",
                "10.0.0.0/33",
                "LICITA_TRUSTED_PROXIES",
            ),
        ];
        for (key, value, named) in cases {
            let err = lookup(&[(key, value)]).expect_err(key);
            assert_eq!(err.setting, named, "{key}={value}: {err}");
        }
    }

    #[test]
    fn toml_file_is_read_and_environment_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("licita.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:9999\"\nsession_hours = 2\n").expect("write");
        let path_text = path.to_string_lossy().to_string();
        let s = Settings::from_lookup(|k| match k {
            "LICITA_CONFIG" => Some(path_text.clone()),
            "LICITA_SESSION_HOURS" => Some("3".into()),
            _ => None,
        })
        .expect("valid");
        assert_eq!(s.bind.port(), 9999);
        assert_eq!(s.session_lifetime.as_secs(), 3 * 3600);
        std::fs::write(&path, "colour = \"blue\"\n").expect("write");
        let err = Settings::from_lookup(|k| (k == "LICITA_CONFIG").then(|| path_text.clone()))
            .expect_err("unknown key");
        assert!(err.problem.contains("colour"), "{err}");
    }
}
