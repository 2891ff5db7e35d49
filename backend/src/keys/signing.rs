//! The server's Ed25519 signing key: bid receipts and audit checkpoints are signed with it,
//! each message under its own context string so one can never pass for the other.

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::custody;

/// The server's Ed25519 signing key (bid receipts, audit checkpoints) and the custody keys
/// derived from its seed ([`custody`]).
pub struct ReceiptKeys {
    signing: SigningKey,
    custody: custody::Custody,
}

impl std::fmt::Debug for ReceiptKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReceiptKeys({})", self.public_hex())
    }
}

impl ReceiptKeys {
    /// From a 32-byte seed.
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(&seed),
            custody: custody::Custody::from_seed(&seed),
        }
    }

    /// The custody keys derived from the same seed.
    pub fn custody(&self) -> &custody::Custody {
        &self.custody
    }

    /// Signs `message` for a purpose other than receipts, separated from them by `context`
    /// (e.g. `licita-checkpoint-v1\n`): base64 of the Ed25519 signature over both.
    pub fn sign_with_context(&self, context: &str, message: &str) -> String {
        self.sign_raw(format!("{context}{message}").as_bytes())
    }

    pub(crate) fn sign_raw(&self, message: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.signing.sign(message).to_bytes())
    }

    /// Checks a signature made by [`ReceiptKeys::sign_with_context`] with the key `public_hex`
    /// (this server's or another one's, e.g. a checkpoint a witness saved).
    pub fn verify_with_context(
        public_hex: &str,
        context: &str,
        message: &str,
        signature_b64: &str,
    ) -> bool {
        verify_raw(
            public_hex,
            format!("{context}{message}").as_bytes(),
            signature_b64,
        )
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().as_bytes())
    }
}

/// Checks an Ed25519 signature (base64) of `message` by the key `public_hex`.
pub(crate) fn verify_raw(public_hex: &str, message: &[u8], signature_b64: &str) -> bool {
    let Some(key) = hex::decode(public_hex)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(signature) = base64::engine::general_purpose::STANDARD
        .decode(signature_b64)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
    else {
        return false;
    };
    key.verify_strict(message, &signature).is_ok()
}
