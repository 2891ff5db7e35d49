//! Sealed bids (ofertas): submission sealed to the tender's key, signed receipts, replace,
//! withdraw and re-confirmation before the deadline, the Merkle root frozen at the deadline,
//! and the opening by the committee.
//!
//! ## What is sealed, and when
//! A bid's content — prices per lot, the declarations and the technical documents — is the
//! JSON [`SealedBid`], encrypted with age to the tender's X25519 recipient *in memory*, in the
//! request that received it. Only the ciphertext (the envelope) is written, to the database,
//! in the transaction that records the bid. An API client may seal the same JSON itself to
//! the published recipient and send the envelope; both are stored the same way. Nobody can
//! read an envelope until k committee members bring their shares of the tender's key
//! ([`opening`]).
//!
//! ## Documents a replacement keeps
//! A bid that replaces the company's live bid keeps that bid's documents unless the bidder
//! removes them (by SHA-256, or by uploading a file of the same name): its envelope lists
//! them as [`CarriedDocument`]s — the earlier bid, the position there, name, size and
//! SHA-256 — instead of carrying their bytes again over a slow link. The server knows which
//! documents a bid has without opening it from the bid's manifest, kept encrypted in custody
//! ([`crate::keys::custody`]). At the opening each carried document is taken from the earlier
//! envelope (of the same tender and company, itself checked against its receipt) and must have the
//! SHA-256 the new envelope states, or the bid is reported invalid.
//!
//! ## The deadline
//! The time that counts is read inside the write transaction that stores the bid: a bid is
//! accepted when that time is before the submission deadline, and its receipt carries it. On
//! PostgreSQL every submission holds a shared advisory lock on its tender for the length of
//! its transaction and the freeze takes it exclusively, so no bid can commit after the Merkle
//! root was computed without being in it. SQLite has one writer at a time anyway.

use crate::domain::{BidId, SupplierId, TenderId, UserId};
use crate::tenders::{exclusive_deadline_lock, share_deadline_lock};
pub mod confirmation;
mod freeze;
mod mine;
pub mod opening;
pub mod receipts;
mod sealing;
mod submission;
mod terms;

pub use freeze::*;
pub use mine::*;
pub use sealing::*;
pub use submission::*;
pub use terms::*;

use base64::Engine as _;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    app::AppState,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    clock::Clock,
    db::{DbConnection, write_transaction},
    domain::{Currency, Money, Role},
    error::{AppError, FieldError},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    merkle,
    schema::{bid_confirmations, bids, suppliers, tender_lots, tender_seals, tenders, users},
    suppliers as supplier_registry,
    tenders::{self as tender_rules, lima_input_value},
};
pub use receipts::{Receipt, ReceiptKeys};

/// The format tag inside every envelope.
pub const ENVELOPE_FORMAT: &str = "licita-bid/1";

/// The sworn declarations (declaraciones juradas) every bid makes.
pub const DECLARATIONS: [&str; 4] = [
    "truthful",
    "not_debarred",
    "no_conflict_of_interest",
    "accepts_terms",
];

/// Most documents in one bid.
pub const MAX_DOCUMENTS: usize = 20;

/// A price for one lot, as submitted.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PriceInput {
    /// Lot number.
    pub lot: i32,
    /// Decimal amount, two decimals at most (`"1500.00"`).
    pub amount: String,
    /// ISO 4217 code; must be the tender's currency (defaults to it).
    pub currency: Option<String>,
}

/// A technical document sent through the API.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DocumentInput {
    /// File name with its extension (`propuesta-tecnica.pdf`).
    pub name: String,
    /// The file's bytes, base64.
    pub content_base64: String,
}

/// A bid as an API client sends it: either the content, sealed by the server, or an
/// `envelope` the client sealed itself to the tender's recipient (base64 of the age file
/// whose plaintext is a [`SealedBid`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BidInput {
    /// One price per lot bid for.
    pub lots: Vec<PriceInput>,
    /// The declarations made; all of [`DECLARATIONS`] are required.
    pub declarations: Vec<String>,
    /// Technical documents.
    pub documents: Vec<DocumentInput>,
    /// An envelope sealed by the client instead of the fields above.
    pub envelope: Option<String>,
    /// When replacing: SHA-256 of documents of the replaced bid to leave out (the others are
    /// kept; an uploaded document with the same name as a kept one replaces it).
    pub remove_documents: Vec<String>,
}

impl DocumentInput {
    /// The document decoded into a spool file as it is decoded (no second copy of it in
    /// memory); base64 that does not decode is an `InvalidData` error.
    pub fn decode(&self, data_dir: &std::path::Path) -> std::io::Result<Attachment> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let file = crate::blobs::Spooled::write_with(data_dir, |w| {
            let mut reader =
                base64::read::DecoderReader::new(self.content_base64.trim().as_bytes(), &b64);
            std::io::copy(&mut reader, w).map(|_| ())
        })?;
        Ok(Attachment {
            name: self.name.clone(),
            file,
        })
    }
}

/// A document received: its name, and its content spooled to the data directory as it
/// arrived (never held in memory whole).
#[derive(Debug)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// Content.
    pub file: crate::blobs::Spooled,
}

/// What a bidder submits, before sealing.
#[derive(Debug, Default)]
pub struct BidContent {
    /// Prices.
    pub lots: Vec<PriceInput>,
    /// Declarations.
    pub declarations: Vec<String>,
    /// Documents.
    pub documents: Vec<Attachment>,
    /// When replacing: SHA-256 of the replaced bid's documents to leave out.
    pub remove_documents: Vec<String>,
}

/// Refuses a bid whose lists are longer than any bid can need: more prices than a tender has
/// lots, more declarations than there are, more documents than a bid takes.
pub fn check_counts(
    lots: usize,
    declarations: usize,
    documents: usize,
    remove_documents: usize,
) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if lots > crate::tenders::MAX_LOTS {
        errors.push(FieldError::new("lots", "too_many").arg("max", crate::tenders::MAX_LOTS));
    }
    if declarations > DECLARATIONS.len() {
        errors.push(FieldError::new("declarations", "too_many").arg("max", DECLARATIONS.len()));
    }
    if documents > MAX_DOCUMENTS {
        errors.push(FieldError::new("documents", "too_many_documents").arg("max", MAX_DOCUMENTS));
    }
    if remove_documents > MAX_DOCUMENTS {
        errors.push(FieldError::new("remove_documents", "too_many").arg("max", MAX_DOCUMENTS));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A submission: content for the server to seal, or an envelope sealed by the client.
#[derive(Debug)]
pub enum Submission {
    /// Sealed by the server.
    Content(BidContent),
    /// Sealed by the client.
    Envelope(Vec<u8>),
}

impl BidInput {
    /// Refuses lists longer than any bid can need ([`check_counts`]).
    fn check_counts(&self) -> Result<(), AppError> {
        check_counts(
            self.lots.len(),
            self.declarations.len(),
            self.documents.len(),
            self.remove_documents.len(),
        )
    }

    /// Decodes the documents (spooled into `data_dir`) or the envelope, naming what is
    /// malformed.
    pub fn into_submission(self, data_dir: &std::path::Path) -> Result<Submission, AppError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        if let Some(envelope) = self.envelope {
            if !self.lots.is_empty()
                || !self.documents.is_empty()
                || !self.remove_documents.is_empty()
            {
                return Err(AppError::field("envelope", "envelope_with_content"));
            }
            let bytes = b64
                .decode(envelope.trim())
                .map_err(|_| AppError::field("envelope", "not_base64"))?;
            return Ok(Submission::Envelope(bytes));
        }
        // Counted before anything is read: a bid has at most a price per lot, each declaration
        // once and 20 documents (each becomes a spool file), so a body of a million empty
        // entries is one error, not a million.
        self.check_counts()?;
        let mut documents = Vec::new();
        let mut errors = Vec::new();
        for (i, d) in self.documents.iter().enumerate() {
            match d.decode(data_dir) {
                Ok(attachment) => documents.push(attachment),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    errors.push(FieldError::new("documents", "not_base64").arg("n", i + 1));
                }
                Err(e) => return Err(AppError::internal(format!("spool a document: {e}"))),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(Submission::Content(BidContent {
            lots: self.lots,
            declarations: self.declarations,
            documents,
            remove_documents: self.remove_documents,
        }))
    }
}

impl Submission {
    /// What a retry under the same `Idempotency-Key` must repeat to be the same request: the
    /// tender, where the bid goes, and the content (prices as typed, declarations, each
    /// document's name and SHA-256; or the client's envelope's SHA-256). Key order and white
    /// space of the JSON body do not matter.
    pub(super) fn fingerprint(
        &self,
        keys: &ReceiptKeys,
        tender_id: TenderId,
        placement: Placement,
    ) -> String {
        use sha2::{Digest, Sha256};
        let content = match self {
            Submission::Content(c) => {
                let mut declarations = c.declarations.clone();
                declarations.sort();
                json!({
                    "lots": c.lots.iter().map(|p| json!([p.lot, p.amount.trim(), p.currency])).collect::<Vec<_>>(),
                    "declarations": declarations,
                    "documents": c.documents.iter().map(|d| json!([d.name, d.file.sha256])).collect::<Vec<_>>(),
                    "remove_documents": c.remove_documents,
                })
            }
            Submission::Envelope(bytes) => json!({"envelope": hex::encode(Sha256::digest(bytes))}),
        };
        let placement = match placement {
            Placement::New => None,
            Placement::Replaces(bid) => Some(bid),
        };
        let request = json!({"tender": tender_id, "replaces": placement, "content": content});
        keys.custody()
            .fingerprint(audit::canonical_json(&request).as_bytes())
    }
}

/// One lot's price inside an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SealedPrice {
    /// Lot number.
    pub lot: i32,
    /// Decimal amount.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// One document inside an envelope.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SealedDocument {
    /// File name.
    pub name: String,
    /// Content, base64.
    pub content_base64: String,
}

/// The plaintext of an envelope. Binding the ocid and the RUC inside stops an envelope from
/// being replayed on another tender or for another company.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SealedBid {
    /// Always [`ENVELOPE_FORMAT`].
    pub format: String,
    /// The tender's ocid.
    pub ocid: String,
    /// The bidder's RUC.
    pub supplier_ruc: String,
    /// Prices per lot.
    pub lots: Vec<SealedPrice>,
    /// Declarations made.
    pub declarations: Vec<String>,
    /// Technical documents.
    pub documents: Vec<SealedDocument>,
    /// Documents kept from an earlier bid of the same company on the same tender, by
    /// reference (see the module's documentation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried_documents: Vec<CarriedDocument>,
}

/// A document a bid keeps from an earlier bid of its company on the same tender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CarriedDocument {
    /// The bid whose envelope holds the document.
    pub bid_id: BidId,
    /// Its position among that envelope's `documents`.
    pub position: i32,
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content (hex): the opening checks it.
    pub sha256: String,
}

/// One document of a bid as its company sees it before the opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ManifestDocument {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// The earlier bid it is kept from (none: sealed in this bid's envelope).
    pub kept_from_bid: Option<BidId>,
    /// Its position in the envelope that holds it.
    pub position: i32,
}

/// What a bid seals, as the bidder confirms it and keeps it: prices as understood, the
/// documents (kept and new) and the declarations. Never stored in plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BidSummary {
    /// Tender id.
    pub tender_id: TenderId,
    /// Tender ocid.
    pub ocid: String,
    /// Bidder's RUC.
    pub supplier_ruc: String,
    /// The bid it replaces, if any.
    pub replaces: Option<BidId>,
    /// Prices per lot, as sealed.
    pub prices: Vec<SealedPrice>,
    /// Documents.
    pub documents: Vec<ManifestDocument>,
    /// Declarations made.
    pub declarations: Vec<String>,
}

/// A submission made ready to record: the envelope, who sealed it, and (when the server
/// sealed it) the manifest and summary.
#[derive(Debug, Clone)]
pub struct Sealed {
    /// The envelope (age).
    pub envelope: Vec<u8>,
    /// `server` or `client`.
    pub sealed_by: &'static str,
    /// What the bidder confirms and keeps (server-sealed only).
    pub summary: Option<BidSummary>,
    /// When its content was checked against the tender's terms: a material amendment after
    /// this and before its record makes it stale (refused, to be submitted again).
    pub sealed_at: NaiveDateTime,
}

/// The bidders' company names, for officers once the bids are open (ids in order).
pub(crate) fn supplier_names(
    conn: &mut DbConnection,
    ids: &[SupplierId],
) -> Result<std::collections::HashMap<SupplierId, (String, String)>, AppError> {
    Ok(suppliers::table
        .filter(suppliers::id.eq_any(ids))
        .select((suppliers::id, (suppliers::ruc, suppliers::legal_name)))
        .load::<(SupplierId, (String, String))>(conn)?
        .into_iter()
        .collect())
}

/// Display names of users.
pub(crate) fn user_names(
    conn: &mut DbConnection,
    ids: &[UserId],
) -> Result<std::collections::HashMap<UserId, String>, AppError> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(UserId, String)>(conn)?
        .into_iter()
        .collect())
}
