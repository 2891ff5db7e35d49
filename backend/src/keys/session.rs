//! Session tokens: the claims a signed-in browser or API client carries, signed with HS256.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{domain::Role, error::AppError};

/// The claims inside a session token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role at issue time (informative; the database is authoritative).
    pub role: Role,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Issued at, in Unix milliseconds: a password change or reset in the same second ends
    /// the sessions issued before it (absent from tokens issued before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat_ms: Option<i64>,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Token id, for revocation on logout.
    pub jti: String,
    /// CSRF token bound to this session.
    pub csrf: String,
}

/// Signing and checking of session tokens.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(***)")
    }
}

impl JwtKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the application's clock in `decode`.
        validation.validate_exp = false;
        validation.required_spec_claims = ["exp", "iat", "sub"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs claims.
    pub fn encode(&self, claims: &Claims) -> Result<String, AppError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| AppError::internal(format!("jwt encode: {e}")))
    }

    /// Checks signature, algorithm and expiry (at `now`, Unix seconds).
    pub fn decode(&self, token: &str, now: i64) -> Result<Claims, AppError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| AppError::Unauthenticated)?;
        if data.claims.exp <= now {
            return Err(AppError::Unauthenticated);
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn tokens_check_signature_algorithm_and_expiry() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let claims = Claims {
            sub: "7".into(),
            role: Role::Officer,
            iat: 1000,
            iat_ms: Some(1_000_000),
            exp: 2000,
            jti: "j".into(),
            csrf: "c".into(),
        };
        let token = keys.encode(&claims).expect("encode");
        assert_eq!(keys.decode(&token, 1500).expect("valid"), claims);
        assert!(keys.decode(&token, 2000).is_err(), "expired");
        let other = JwtKeys::new(b"another-secret-another-secret-!!");
        assert!(other.decode(&token, 1500).is_err(), "other key");
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = token.split('.').nth(1).expect("payload");
        let none = format!(
            "{}.{payload}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#)
        );
        assert!(keys.decode(&none, 1500).is_err(), "alg none");
    }
}
