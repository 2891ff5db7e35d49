//! How each kind of setting value is checked and read: whole numbers in a range, booleans,
//! networks, per-method day lists and the open-data publisher's fields; a bad value becomes
//! a [`ConfigError`] naming its setting.

use std::collections::BTreeMap;

use super::ConfigError;

pub(super) fn parse_publisher(text: &str) -> Result<String, ConfigError> {
    let name = text.trim();
    if (1..=200).contains(&name.chars().count()) {
        Ok(name.to_owned())
    } else {
        Err(ConfigError {
            setting: "LICITA_OCDS_PUBLISHER",
            problem: "must be 1 to 200 characters".into(),
        })
    }
}

pub(super) fn parse_publisher_ruc(text: &str) -> Result<Option<String>, ConfigError> {
    let ruc = text.trim();
    if ruc.is_empty() {
        return Ok(None);
    }
    crate::domain::Ruc::parse(ruc, "ruc")
        .map(|r| Some(r.as_str().to_owned()))
        .map_err(|_| ConfigError {
            setting: "LICITA_OCDS_PUBLISHER_RUC",
            problem: format!("'{ruc}' is not a valid RUC (11 digits with its check digit)"),
        })
}

pub(super) fn parse_license(text: &str) -> Result<String, ConfigError> {
    let url = text.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url.to_owned())
    } else {
        Err(ConfigError {
            setting: "LICITA_OCDS_LICENSE",
            problem: format!("'{url}' must be an http(s) URL"),
        })
    }
}

pub(super) fn parse_ocid_prefix(text: &str) -> Result<String, ConfigError> {
    let prefix = text.trim();
    if (1..=40).contains(&prefix.len())
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(prefix.to_owned())
    } else {
        Err(ConfigError {
            setting: "LICITA_OCID_PREFIX",
            problem: format!("'{text}' must be 1 to 40 letters, digits or hyphens"),
        })
    }
}

/// A `method=days` list (e.g. `licitacion_publica=22,comparacion_precios=5`); methods not
/// listed keep `default`.
pub(super) fn parse_method_days(
    text: &str,
    setting: &'static str,
    default: fn(crate::domain::Method) -> u32,
) -> Result<BTreeMap<crate::domain::Method, u32>, ConfigError> {
    use crate::domain::Method;
    let mut days: BTreeMap<Method, u32> = Method::ALL.iter().map(|m| (*m, default(*m))).collect();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let err = || ConfigError {
            setting,
            problem: format!(
                "'{entry}' is not method=days with a known method (e.g. licitacion_publica=8) and 0 to 365 days"
            ),
        };
        let (method, n) = entry.split_once('=').ok_or_else(err)?;
        let method = Method::from_code(method.trim()).ok_or_else(err)?;
        let n: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= 365)
            .ok_or_else(err)?;
        days.insert(method, n);
    }
    Ok(days)
}
/// Method codes, comma-separated (the empty text: none).
pub(super) fn parse_methods(
    text: &str,
    setting: &'static str,
) -> Result<std::collections::BTreeSet<crate::domain::Method>, ConfigError> {
    text.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|code| {
            crate::domain::Method::from_code(code).ok_or_else(|| ConfigError {
                setting,
                problem: format!("'{code}' is not a method code (e.g. licitacion_publica)"),
            })
        })
        .collect()
}

pub(super) fn number<T>(text: &str, setting: &'static str, min: T, max: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match text.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(ConfigError {
            setting,
            problem: format!("'{text}' is not a whole number from {min} to {max}"),
        }),
    }
}

/// IPs (as /32 or /128) and CIDRs, comma-separated.
pub(super) fn parse_networks(text: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError {
                    setting: "LICITA_TRUSTED_PROXIES",
                    problem: format!("'{s}' is not an IP address or CIDR such as 10.0.0.0/8"),
                })
        })
        .collect()
}

pub(super) fn boolean(text: &str, setting: &'static str) -> Result<bool, ConfigError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ConfigError {
            setting,
            problem: format!("'{text}' is not true or false"),
        }),
    }
}
