//! Account values: email address, password policy, role.

use crate::error::FieldError;
use std::{fmt, str::FromStr};

/// A syntactically valid email address, trimmed and lower-cased (the unique key of a user).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses `input` as the value of `field`, using lettre's RFC 5322 address parser, after
    /// NFKC and lower-casing. Refused as well, because they would be a second account that
    /// looks like the first or an address mail cannot reach: a quoted local part
    /// (`"a@b"@example.pe`), invisible characters, and a local part or a domain label that
    /// mixes scripts (a Cyrillic `е` inside a Latin `ventas`).
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let text = super::text::normalized(input).to_lowercase();
        if text.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if text.starts_with('"')
            || text.chars().any(super::text::is_invisible)
            || text.split(['@', '.']).any(mixes_scripts)
        {
            return Err(FieldError::new(field, "invalid_email"));
        }
        if text.chars().count() > 254 {
            return Err(FieldError::new(field, "too_long").arg("max", 254));
        }
        let address = lettre::Address::from_str(&text)
            .map_err(|_| FieldError::new(field, "invalid_email"))?;
        if !address.domain().contains('.') {
            return Err(FieldError::new(field, "invalid_email"));
        }
        // One mailbox, one address: a punycode domain (`xn--…`) is stored as the Unicode
        // domain it spells, so `ñandú.pe` and `xn--and-6ma2c.pe` are one account.
        let (unicode, valid) = idna::domain_to_unicode(address.domain());
        if valid.is_err() || mixes_scripts(&unicode) {
            return Err(FieldError::new(field, "invalid_email"));
        }
        Ok(Self(format!("{}@{unicode}", address.user())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Does `part` mix letters of two scripts (characters common to all scripts, such as digits
/// and `-`, do not count)?
fn mixes_scripts(part: &str) -> bool {
    use unicode_script::{Script, UnicodeScript};
    let mut seen = None;
    for script in part.chars().map(|c| c.script()) {
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        match seen {
            None => seen = Some(script),
            Some(first) if first != script => return true,
            Some(_) => {}
        }
    }
    false
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy for a new password: 10 to 128 characters (the upper bound
/// keeps argon2 from being used for denial of service), not only one repeated character.
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Minimum length in characters.
    pub const MIN: usize = 10;
    /// Maximum length in characters.
    pub const MAX: usize = 128;

    /// Parses `input` as the value of `field`.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        let len = input.chars().count();
        if len == 0 {
            return Err(FieldError::new(field, "required"));
        }
        if len < Self::MIN {
            return Err(FieldError::new(field, "password_too_short").arg("min", Self::MIN));
        }
        if len > Self::MAX {
            return Err(FieldError::new(field, "too_long").arg("max", Self::MAX));
        }
        let mut chars = input.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(FieldError::new(field, "password_weak"));
        }
        Ok(Self(input.to_owned()))
    }

    /// The password text (to hash it).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// What a user account may do.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A user of a supplier company.
    Supplier,
    /// A procurement officer of one buyer entity.
    Officer,
    /// An auditor: reads everything, changes no procurement data.
    Auditor,
    /// Manages buyer entities and officer / auditor accounts.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Supplier, Role::Officer, Role::Auditor, Role::Admin];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Supplier => "supplier",
            Role::Officer => "officer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored or submitted role name as the value of `field`.
    pub fn parse(input: &str, field: &str) -> Result<Self, FieldError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == input.trim())
            .ok_or_else(|| FieldError::new(field, "invalid_role"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            EmailAddress::parse("  Compras@MunLima.gob.pe ", "email")
                .expect("ok")
                .as_str(),
            "compras@munlima.gob.pe"
        );
        for bad in ["", "nobody", "a@b", "a b@c.pe", "<script>@x.pe"] {
            assert!(EmailAddress::parse(bad, "email").is_err(), "{bad} accepted");
        }
        // Look-alikes and addresses mail cannot reach.
        for bad in [
            "v\u{0435}ntas@andinasac.com.pe",  // Cyrillic е among Latin letters
            "ventas@\u{0430}ndinasac.com.pe",  // Cyrillic а in the domain
            "\"a@b\"@example.pe",              // quoted local part
            "ven\u{200B}tas@andinasac.com.pe", // zero-width space
            "ventas@andinasac.com.pe\u{202E}", // bidi override
        ] {
            assert_eq!(
                EmailAddress::parse(bad, "email").map_err(|e| e.code),
                Err("invalid_email"),
                "{bad:?}"
            );
        }
        // An internationalised domain and its punycode spelling are one address.
        let punycode = format!(
            "ventas@{}",
            idna::domain_to_ascii("ñandú.pe").expect("a valid domain")
        );
        assert!(punycode.contains("xn--"), "{punycode}");
        assert_eq!(
            EmailAddress::parse(&punycode, "email")
                .expect("ok")
                .as_str(),
            EmailAddress::parse("ventas@ñandú.pe", "email")
                .expect("ok")
                .as_str()
        );
        // Full-width letters are the ASCII letters they look like (NFKC).
        assert_eq!(
            EmailAddress::parse("ｖｅｎｔａｓ@andinasac.com.pe", "email")
                .expect("ok")
                .as_str(),
            "ventas@andinasac.com.pe"
        );
    }

    #[test]
    fn password_policy() {
        assert!(NewPassword::parse("correct horse", "password").is_ok());
        assert_eq!(
            NewPassword::parse("short", "password")
                .expect_err("short")
                .code,
            "password_too_short"
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa", "password")
                .expect_err("weak")
                .code,
            "password_weak"
        );
        assert_eq!(
            NewPassword::parse(&"x1".repeat(100), "password")
                .expect_err("long")
                .code,
            "too_long"
        );
        assert!(
            !format!(
                "{:?}",
                NewPassword::parse("correct horse", "p").expect("ok")
            )
            .contains("horse")
        );
    }
}
