//! The server's secrets, and the one loader that makes them on first run: session-token keys
//! ([`JwtKeys`]), the Ed25519 signing key of receipts and checkpoints ([`ReceiptKeys`]) with
//! the custody keys derived from its seed ([`custody`]), and random tokens and their digests.
//! Nothing here knows a tender or a bid.

pub mod custody;
mod session;
mod signing;

pub use session::{Claims, JwtKeys};
pub use signing::ReceiptKeys;
pub(crate) use signing::verify_raw;

use rand::RngCore;

use crate::config::Settings;

/// Both keys, from the configuration or from `<data_dir>` (made there on first run).
pub fn load(settings: &Settings) -> Result<(JwtKeys, ReceiptKeys), String> {
    let secret = jwt_secret(settings)?;
    Ok((JwtKeys::new(secret.as_bytes()), receipt_keys(settings)?))
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 hex of a token (what we store instead of the token).
pub fn token_digest(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two secrets (the `subtle` crate), so timing does not reveal
/// how much of a guessed CSRF token was right.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The configured session secret, or the one generated into `<data_dir>/jwt-secret` on first run.
fn jwt_secret(settings: &Settings) -> Result<String, String> {
    match &settings.jwt_secret {
        Some(secret) => Ok(secret.clone()),
        None => generated_secret(settings, "jwt-secret", random_token, |s| s.len() >= 32),
    }
}

/// The configured receipt key, or the one generated into `<data_dir>/receipt-signing-key`
/// on first run.
fn receipt_keys(settings: &Settings) -> Result<ReceiptKeys, String> {
    let seed = match &settings.receipt_key {
        Some(hex_seed) => hex_seed.clone(),
        None => generated_secret(
            settings,
            "receipt-signing-key",
            || {
                let mut seed = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
                hex::encode(seed)
            },
            |s| s.len() == 64,
        )?,
    };
    let bytes = hex::decode(&seed).map_err(|_| "LICITA_RECEIPT_KEY: not hexadecimal".to_owned())?;
    let seed: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "LICITA_RECEIPT_KEY: must be 32 bytes".to_owned())?;
    Ok(ReceiptKeys::from_seed(seed))
}

/// The secret in `<data_dir>/<name>`, made with `make` on first run. Servers starting at once
/// on one data directory agree on one secret: it is written under a temporary name and
/// linked into place, which fails for all but the first, and the others read the first's.
fn generated_secret(
    settings: &Settings,
    name: &str,
    make: fn() -> String,
    valid: fn(&str) -> bool,
) -> Result<String, String> {
    let path = settings.data_dir.join(name);
    let read = || {
        std::fs::read_to_string(&path)
            .ok()
            .map(|text| text.trim().to_owned())
            .filter(|text| valid(text))
    };
    if let Some(secret) = read() {
        return Ok(secret);
    }
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
        format!(
            "LICITA_DATA_DIR: cannot create {}: {e}",
            settings.data_dir.display()
        )
    })?;
    let temp = settings
        .data_dir
        .join(format!(".{name}-{}", random_token()));
    let secret = make();
    write_private(&temp, &secret)
        .map_err(|e| format!("LICITA_DATA_DIR: cannot write {}: {e}", temp.display()))?;
    let linked = std::fs::hard_link(&temp, &path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(secret),
        // Another server was first (or an invalid file is in the way: say so).
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read().ok_or_else(|| {
            format!(
                "LICITA_DATA_DIR: {} exists but is not a valid {name}",
                path.display()
            )
        }),
        Err(e) => Err(format!(
            "LICITA_DATA_DIR: cannot write {}: {e}",
            path.display()
        )),
    }
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}
