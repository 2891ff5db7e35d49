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

pub mod confirmation;
pub mod opening;
pub mod receipts;

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

/// Advisory-lock namespace of the deadline (PostgreSQL): submissions share it, the freeze
/// takes it alone.
const DEADLINE_LOCK: i32 = 5_100;

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

/// A document's bytes, received.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// What a bidder submits, before sealing.
#[derive(Debug, Clone, Default)]
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

/// A submission: content for the server to seal, or an envelope sealed by the client.
#[derive(Debug, Clone)]
pub enum Submission {
    /// Sealed by the server.
    Content(BidContent),
    /// Sealed by the client.
    Envelope(Vec<u8>),
}

impl BidInput {
    /// Decodes the documents (or the envelope), naming what is malformed.
    pub fn into_submission(self) -> Result<Submission, AppError> {
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
        let mut documents = Vec::new();
        let mut errors = Vec::new();
        for (i, d) in self.documents.into_iter().enumerate() {
            match b64.decode(d.content_base64.trim()) {
                Ok(bytes) => documents.push(Attachment {
                    name: d.name,
                    bytes,
                }),
                Err(_) => errors.push(FieldError::new("documents", "not_base64").arg("n", i + 1)),
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
    fn fingerprint(&self, keys: &ReceiptKeys, tender_id: i64, placement: Placement) -> String {
        use sha2::{Digest, Sha256};
        let content = match self {
            Submission::Content(c) => {
                let mut declarations = c.declarations.clone();
                declarations.sort();
                json!({
                    "lots": c.lots.iter().map(|p| json!([p.lot, p.amount.trim(), p.currency])).collect::<Vec<_>>(),
                    "declarations": declarations,
                    "documents": c.documents.iter().map(|d| json!([d.name, hex::encode(Sha256::digest(&d.bytes))])).collect::<Vec<_>>(),
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
    pub bid_id: i64,
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
    pub kept_from_bid: Option<i64>,
    /// Its position in the envelope that holds it.
    pub position: i32,
}

/// What a bid seals, as the bidder confirms it and keeps it: prices as understood, the
/// documents (kept and new) and the declarations. Never stored in plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BidSummary {
    /// Tender id.
    pub tender_id: i64,
    /// Tender ocid.
    pub ocid: String,
    /// Bidder's RUC.
    pub supplier_ruc: String,
    /// The bid it replaces, if any.
    pub replaces: Option<i64>,
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
}

fn manifest_context(tender_id: i64, supplier_id: i64) -> String {
    format!("manifest:tender:{tender_id}:supplier:{supplier_id}")
}

/// The documents of one of the company's bids on a tender, from its manifest in custody
/// (`None` when the bid was sealed by its client, or under another server key).
fn bid_manifest(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    terms: &BidTerms,
    bid_id: i64,
) -> Result<Option<Vec<ManifestDocument>>, AppError> {
    let sealed: Option<Option<Vec<u8>>> = bids::table
        .filter(bids::id.eq(bid_id))
        .filter(bids::tender_id.eq(terms.tender_id))
        .filter(bids::supplier_id.eq(terms.supplier_id))
        .select(bids::sealed_manifest)
        .first(conn)
        .optional()?;
    let Some(sealed) = sealed else {
        return Err(AppError::NotFound);
    };
    Ok(sealed.and_then(|s| {
        keys.custody()
            .open(&manifest_context(terms.tender_id, terms.supplier_id), &s)
            .and_then(|plain| serde_json::from_slice(&plain).ok())
    }))
}

/// The documents a replacement of bid `old` keeps: the old bid's, less those removed by
/// SHA-256 and those replaced by an upload of the same name. A SHA-256 to remove that the
/// old bid does not have is refused, naming it.
fn kept_documents(
    old: i64,
    old_documents: &[ManifestDocument],
    content: &BidContent,
) -> Result<Vec<CarriedDocument>, AppError> {
    let unknown: Vec<FieldError> = content
        .remove_documents
        .iter()
        .filter(|sha| !old_documents.iter().any(|d| &d.sha256 == *sha))
        .map(|sha| {
            FieldError::new("remove_documents", "document_not_in_bid")
                .arg("sha256", sha.chars().take(64).collect::<String>())
        })
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::Validation(unknown));
    }
    Ok(old_documents
        .iter()
        .filter(|d| !content.remove_documents.contains(&d.sha256))
        .filter(|d| !content.documents.iter().any(|n| n.name == d.name))
        .map(|d| CarriedDocument {
            bid_id: d.kept_from_bid.unwrap_or(old),
            position: d.position,
            name: d.name.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
        })
        .collect())
}

/// What a submission needs to know of the tender and the bidder.
#[derive(Debug, Clone)]
pub struct BidTerms {
    /// Tender id.
    pub tender_id: i64,
    /// Tender ocid.
    pub ocid: String,
    /// The tender's recipient.
    pub recipient: String,
    /// The tender's currency.
    pub currency: Currency,
    /// Lot numbers.
    pub lots: Vec<i32>,
    /// Submission deadline.
    pub deadline: NaiveDateTime,
    /// The bidding company.
    pub supplier_id: i64,
    /// Its RUC.
    pub ruc: String,
}

/// Checks a bid's content against the tender, naming every wrong field at once, and returns
/// the plaintext to seal.
pub fn check_content(
    content: &BidContent,
    terms: &BidTerms,
    max_bytes: u64,
    carried: Vec<CarriedDocument>,
) -> Result<SealedBid, AppError> {
    let mut errors = Vec::new();
    let mut prices = Vec::new();
    if content.lots.is_empty() {
        errors.push(FieldError::new("lots", "bid_no_price"));
    }
    for p in &content.lots {
        if !terms.lots.contains(&p.lot) {
            errors.push(FieldError::new("lots", "lot_unknown").arg("lot", p.lot));
            continue;
        }
        if prices.iter().any(|s: &SealedPrice| s.lot == p.lot) {
            errors.push(FieldError::new("lots", "lot_repeated").arg("lot", p.lot));
            continue;
        }
        if let Some(c) = p.currency.as_deref().filter(|c| !c.is_empty())
            && c != terms.currency.code()
        {
            errors.push(
                FieldError::new("currency", "currency_mismatch")
                    .arg("currency", terms.currency.code()),
            );
            continue;
        }
        match Money::parse(&p.amount, terms.currency, "price") {
            Ok(m) if m.minor() > 0 => prices.push(SealedPrice {
                lot: p.lot,
                amount: format!("{:.2}", m.amount()),
                currency: terms.currency.code().to_owned(),
            }),
            Ok(_) => errors.push(FieldError::new("price", "price_not_positive").arg("lot", p.lot)),
            Err(e) => errors.push(e.arg("lot", p.lot)),
        }
    }
    for d in &content.declarations {
        if !DECLARATIONS.contains(&d.as_str()) {
            errors.push(FieldError::new("declarations", "declaration_unknown"));
        }
    }
    for required in DECLARATIONS {
        if !content.declarations.iter().any(|d| d == required) {
            errors.push(FieldError::new(
                format!("declaration_{required}"),
                "declaration_missing",
            ));
        }
    }
    if content.documents.len() + carried.len() > MAX_DOCUMENTS {
        errors.push(FieldError::new("documents", "too_many_documents").arg("max", MAX_DOCUMENTS));
    }
    let total: u64 = content.documents.iter().map(|d| d.bytes.len() as u64).sum();
    if total > max_bytes {
        return Err(AppError::TooLarge(
            FieldError::new("documents", "bid_too_large").arg("max", max_bytes / (1024 * 1024)),
        ));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut sealed_documents = Vec::new();
    for d in &content.documents {
        let checked = crate::blobs::check_filename(&d.name)
            .map_err(|e| FieldError::new("documents", e.code))
            .and_then(|name| {
                if d.bytes.is_empty() {
                    return Err(FieldError::new("documents", "file_empty"));
                }
                let head = &d.bytes[..d.bytes.len().min(64 * 1024)];
                crate::blobs::sniff(head, &name)
                    .map(|_| name)
                    .map_err(|e| FieldError::new("documents", e.code))
            });
        match checked {
            Ok(name) => sealed_documents.push(SealedDocument {
                name,
                content_base64: b64.encode(&d.bytes),
            }),
            Err(e) => errors.push(e.arg("name", d.name.chars().take(80).collect::<String>())),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(SealedBid {
        format: ENVELOPE_FORMAT.to_owned(),
        ocid: terms.ocid.clone(),
        supplier_ruc: terms.ruc.clone(),
        lots: prices,
        declarations: content.declarations.clone(),
        documents: sealed_documents,
        carried_documents: carried,
    })
}

/// Seals a bid to a recipient (age X25519), in memory.
pub fn seal(bid: &SealedBid, recipient: &str) -> Result<Vec<u8>, AppError> {
    let recipient: age::x25519::Recipient = recipient
        .parse()
        .map_err(|e| AppError::internal(format!("stored recipient: {e}")))?;
    let plain = serde_json::to_vec(bid).map_err(AppError::internal)?;
    age::encrypt(&recipient, &plain).map_err(AppError::internal)
}

/// Checks that client-sealed bytes are an age file for X25519 recipients (the content can
/// only be checked at the opening).
fn check_envelope(bytes: &[u8], max_bytes: u64) -> Result<(), AppError> {
    if bytes.len() as u64 > max_bytes {
        return Err(AppError::TooLarge(
            FieldError::new("envelope", "bid_too_large").arg("max", max_bytes / (1024 * 1024)),
        ));
    }
    match age::Decryptor::new(bytes) {
        Ok(d) if !d.is_scrypt() => Ok(()),
        _ => Err(AppError::field("envelope", "envelope_invalid")),
    }
}

/// Refuses, before a bid's body is read, a caller who may not bid on the tender now (not a
/// supplier whose company may bid, a draft, a closed deadline): checked again when it is
/// recorded, but an ineligible company's 30 MB upload is never buffered.
pub async fn may_bid(
    app: &crate::app::App,
    user: &CurrentUser,
    tender_id: i64,
) -> Result<(), AppError> {
    let now = app.clock.now_db();
    let user = user.clone();
    app.db
        .run(move |conn| terms(conn, &user, tender_id, now).map(|_| ()))
        .await
}

/// Has the caller's company a bid recorded under `key` (so a request with it is a retry,
/// answered from that bid even after the deadline)?
pub async fn is_retry(
    app: &crate::app::App,
    user: &CurrentUser,
    key: Option<&str>,
) -> Result<bool, AppError> {
    let (Some(key), Some(supplier_id)) = (key.map(str::to_owned), user.supplier_id) else {
        return Ok(false);
    };
    app.db
        .run(move |conn| {
            Ok(bids::table
                .filter(bids::supplier_id.eq(supplier_id))
                .filter(bids::idempotency_key.eq(&key))
                .count()
                .get_result::<i64>(conn)?
                > 0)
        })
        .await
}

/// The tender and bidder facts a submission needs, after checking that the caller may bid
/// on this tender now: a supplier user whose company `can_bid`, on a published tender still
/// taking bids.
pub fn terms(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: i64,
    now: NaiveDateTime,
) -> Result<BidTerms, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(if user.role == Role::Supplier {
            AppError::Forbidden
        } else {
            forbidden_or_hidden(conn, tender_id)?
        });
    };
    // The tender's state and its seal in one statement: this runs once per bid in a rush.
    type Row = (
        (String, NaiveDateTime, NaiveDateTime),
        (Option<String>, String, Option<String>),
    );
    let ((status, enquiry_deadline, submission_deadline), (ocid, currency, recipient)): Row =
        tenders::table
            .left_join(tender_seals::table)
            .filter(tenders::id.eq(tender_id))
            .select((
                (
                    tenders::status,
                    tenders::enquiry_deadline,
                    tenders::submission_deadline,
                ),
                (
                    tenders::ocid,
                    tenders::currency,
                    tender_seals::recipient.nullable(),
                ),
            ))
            .first(conn)?;
    if status == "draft" {
        return Err(AppError::NotFound);
    }
    let effective =
        tender_rules::effective_status(&status, enquiry_deadline, submission_deadline, now);
    if !effective.receives_bids() {
        return Err(deadline_error(now, submission_deadline, effective.code()));
    }
    let recipient =
        recipient.ok_or_else(|| AppError::internal("a published tender without its seal"))?;
    if !supplier_registry::can_bid(conn, supplier_id, now)?.can_bid {
        return Err(AppError::field("bid", "supplier_cannot_bid"));
    }
    let lots = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select(tender_lots::number)
        .load(conn)?;
    let ruc = suppliers::table
        .find(supplier_id)
        .select(suppliers::ruc)
        .first(conn)?;
    Ok(BidTerms {
        tender_id,
        ocid: ocid.unwrap_or_default(),
        recipient,
        currency: Currency::parse(&currency, "currency")
            .map_err(|_| AppError::internal("stored currency"))?,
        lots,
        deadline: submission_deadline,
        supplier_id,
        ruc,
    })
}

fn forbidden_or_hidden(conn: &mut DbConnection, tender_id: i64) -> Result<AppError, AppError> {
    let st = tender_rules::state(conn, tender_id)?;
    Ok(if st.status == "draft" {
        AppError::NotFound
    } else {
        AppError::Forbidden
    })
}

/// The refusal of a bid that arrives when the tender no longer takes bids: it names the
/// server's time and the deadline (Lima).
fn deadline_error(now: NaiveDateTime, deadline: NaiveDateTime, status: &str) -> AppError {
    if status == "cancelled" || now < deadline {
        return AppError::Validation(vec![
            FieldError::new("bid", "tender_not_taking_bids").arg("status", status),
        ]);
    }
    AppError::Validation(vec![
        FieldError::new("bid", "deadline_passed")
            .arg("server_time", lima_seconds(now))
            .arg("deadline", lima_input_value(deadline)),
    ])
}

fn lima_seconds(at: NaiveDateTime) -> String {
    at.and_utc()
        .with_timezone(&chrono_tz::America::Lima)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Seals (or checks) a submission for these terms: the envelope to store and, when the
/// server sealed it, its summary. A replacement's content keeps the replaced bid's documents
/// (`replaces` with their manifest) unless removed.
pub fn prepare(
    submission: Submission,
    terms: &BidTerms,
    max_bytes: u64,
    replaces: Option<(i64, Vec<ManifestDocument>)>,
) -> Result<Sealed, AppError> {
    use sha2::{Digest, Sha256};
    match submission {
        Submission::Content(content) => {
            let carried = match &replaces {
                Some((old, documents)) => kept_documents(*old, documents, &content)?,
                None if !content.remove_documents.is_empty() => {
                    return Err(AppError::field("remove_documents", "nothing_to_remove"));
                }
                None => Vec::new(),
            };
            let plain = check_content(&content, terms, max_bytes, carried)?;
            let envelope = seal(&plain, &terms.recipient)?;
            let mut documents: Vec<ManifestDocument> = plain
                .carried_documents
                .iter()
                .map(|c| ManifestDocument {
                    name: c.name.clone(),
                    size: c.size,
                    sha256: c.sha256.clone(),
                    kept_from_bid: Some(c.bid_id),
                    position: c.position,
                })
                .collect();
            documents.extend(
                content
                    .documents
                    .iter()
                    .enumerate()
                    .map(|(i, d)| ManifestDocument {
                        name: plain.documents[i].name.clone(),
                        size: d.bytes.len() as i64,
                        sha256: hex::encode(Sha256::digest(&d.bytes)),
                        kept_from_bid: None,
                        position: i32::try_from(i).unwrap_or(i32::MAX),
                    }),
            );
            Ok(Sealed {
                envelope,
                sealed_by: "server",
                summary: Some(BidSummary {
                    tender_id: terms.tender_id,
                    ocid: terms.ocid.clone(),
                    supplier_ruc: terms.ruc.clone(),
                    replaces: replaces.map(|(old, _)| old),
                    prices: plain.lots,
                    documents,
                    declarations: plain.declarations,
                }),
            })
        }
        Submission::Envelope(bytes) => {
            check_envelope(&bytes, max_bytes)?;
            Ok(Sealed {
                envelope: bytes,
                sealed_by: "client",
                summary: None,
            })
        }
    }
}

/// The terms and the sealed submission, ready to record or to confirm: the caller may bid
/// now, and a replacement of server-sealed content keeps the replaced bid's documents.
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
pub fn seal_submission(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    max_bytes: u64,
    user: &CurrentUser,
    tender_id: i64,
    submission: Submission,
    placement: Placement,
    now: NaiveDateTime,
) -> Result<(BidTerms, Sealed), AppError> {
    let terms = terms(conn, user, tender_id, now)?;
    let replaces = match (placement, &submission) {
        (Placement::Replaces(old), Submission::Content(_)) => Some((
            old,
            bid_manifest(conn, keys, &terms, old)?.unwrap_or_default(),
        )),
        _ => None,
    };
    let sealed = prepare(submission, &terms, max_bytes, replaces)?;
    Ok((terms, sealed))
}

/// Where a submitted envelope goes.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// A first bid (409 if the company already has a live one).
    New,
    /// Replaces the company's live bid with this id.
    Replaces(i64),
}

/// Records a sealed envelope as a bid, at the time read inside its transaction, and returns
/// its signed receipt. A second live bid of the company, or a second bid under the same
/// `Idempotency-Key`, is refused by a unique index ([`submit`] turns the latter into the first
/// receipt).
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
fn record_bid(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    terms: &BidTerms,
    sealed: &Sealed,
    placement: Placement,
    idempotency: Option<(&str, &str)>,
    confirmation: Option<&str>,
) -> Result<Receipt, AppError> {
    use sha2::{Digest, Sha256};
    let (envelope, sealed_by) = (&sealed.envelope, sealed.sealed_by);
    let sha256 = hex::encode(Sha256::digest(envelope));
    let (idempotency_key, fingerprint) = idempotency.unzip();
    let manifest = sealed
        .summary
        .as_ref()
        .map(|s| -> Result<Vec<u8>, AppError> {
            let plain = serde_json::to_vec(&s.documents).map_err(AppError::internal)?;
            Ok(keys.custody().seal(
                &manifest_context(terms.tender_id, terms.supplier_id),
                &plain,
            ))
        })
        .transpose()?;
    write_transaction(conn, |conn| {
        share_deadline_lock(conn, terms.tender_id)?;
        let now = clock.now_db();
        let st = tender_rules::state(conn, terms.tender_id)?;
        let status = st.effective(now);
        if !status.receives_bids() {
            return Err(deadline_error(now, st.submission_deadline, status.code()));
        }
        // A new bid beside a live one is refused by the `bids_live` unique index at the
        // insert below (no look-up first: one statement fewer per bid in a rush).
        let replaces = match placement {
            Placement::New => None,
            Placement::Replaces(old) => {
                let superseded = diesel::update(
                    bids::table
                        .find(old)
                        .filter(bids::tender_id.eq(terms.tender_id))
                        .filter(bids::supplier_id.eq(terms.supplier_id))
                        .filter(bids::status.eq("submitted")),
                )
                .set(bids::status.eq("superseded"))
                .execute(conn)?;
                if superseded != 1 {
                    return Err(AppError::NotFound);
                }
                Some(old)
            }
        };
        let id: i64 = diesel::insert_into(bids::table)
            .values((
                bids::tender_id.eq(terms.tender_id),
                bids::supplier_id.eq(terms.supplier_id),
                bids::submitted_by.eq(user.id),
                bids::status.eq("submitted"),
                bids::sealed_by.eq(sealed_by),
                bids::envelope.eq(envelope),
                bids::envelope_sha256.eq(&sha256),
                bids::envelope_size.eq(envelope.len() as i64),
                bids::submitted_at.eq(now),
                bids::confirmed_at.eq(now),
                bids::receipt_signature.eq(""),
                bids::idempotency_key.eq(idempotency_key),
                bids::idempotency_fingerprint.eq(fingerprint),
                bids::sealed_manifest.eq(&manifest),
                bids::replaces.eq(replaces),
            ))
            .returning(bids::id)
            .get_result(conn)
            .map_err(|e| match e {
                // A concurrent request of the same company got in first (same key, or a
                // second live bid).
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => AppError::Conflict(FieldError::new("bid", "bid_exists")),
                e => e.into(),
            })?;
        let receipt = keys.sign(&terms.ocid, id, &terms.ruc, now, &sha256);
        diesel::update(bids::table.find(id))
            .set(bids::receipt_signature.eq(&receipt.signature))
            .execute(conn)?;
        let actor = Actor::user(user.id, user.role);
        if let Some(old) = replaces {
            audit::record(
                conn,
                now,
                &actor,
                NewEvent::on("bid", old, "bid.superseded", json!({"by": id})),
            )?;
        }
        // The bid was inserted just now: its chain starts here.
        audit::record_first(
            conn,
            now,
            &actor,
            NewEvent::on(
                "bid",
                id,
                if replaces.is_some() {
                    "bid.replaced"
                } else {
                    "bid.submitted"
                },
                json!({
                    "tender_id": terms.tender_id,
                    "supplier_id": terms.supplier_id,
                    "envelope_sha256": sha256,
                    "sealed_by": sealed_by,
                    "replaces": replaces,
                }),
            ),
        )?;
        queue_receipt_mail(conn, now, user, &receipt)?;
        if let Some(token) = confirmation {
            diesel::delete(bid_confirmations::table.find(token)).execute(conn)?;
        }
        Ok(receipt)
    })
}

/// Submits a sealed bid for the caller's company (the JSON route): seals it, records it and
/// wakes the outbox for the receipt email. The steps are [`submit_in`]'s.
#[tracing::instrument(skip(app, user, submission), fields(user = user.id))]
pub async fn submit(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    submission: Submission,
    placement: Placement,
    idempotency_key: Option<String>,
) -> Result<Receipt, AppError> {
    let (clock, keys, user) = (app.clock.clone(), app.receipts.clone(), user.clone());
    let max_bytes = app.settings.bid_max_bytes;
    let receipt = app
        .db
        .run(move |conn| {
            submit_in(
                conn,
                clock.as_ref(),
                &keys,
                max_bytes,
                &user,
                tender_id,
                submission,
                placement,
                idempotency_key.as_deref(),
            )
        })
        .await?;
    app.wake_outbox();
    Ok(receipt)
}

/// Submits a bid: the terms it must meet, the sealing, and [`record_bid`]. With an
/// `Idempotency-Key`, a request that fails because the key's first request already made a
/// bid (the unique index refused a second one, the first replaced the bid this one names, or
/// the deadline passed in between) returns the first receipt instead — when it repeats the
/// first request; with another body (another price, tender or document) it is refused with
/// `idempotency_key_conflict`, as payment APIs do, so a client never takes the first receipt
/// for its new price. The key is looked up only when something fails, not before every bid.
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
pub fn submit_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    max_bytes: u64,
    user: &CurrentUser,
    tender_id: i64,
    submission: Submission,
    placement: Placement,
    idempotency_key: Option<&str>,
) -> Result<Receipt, AppError> {
    let fingerprint = idempotency_key.map(|_| submission.fingerprint(keys, tender_id, placement));
    let idempotency = idempotency_key.zip(fingerprint.as_deref());
    let attempt = (|| {
        let (terms, sealed) = seal_submission(
            conn,
            keys,
            max_bytes,
            user,
            tender_id,
            submission,
            placement,
            clock.now_db(),
        )?;
        record_bid(
            conn,
            clock,
            keys,
            user,
            &terms,
            &sealed,
            placement,
            idempotency,
            None,
        )
    })();
    match (attempt, idempotency, user.supplier_id) {
        (Err(e), Some((key, fingerprint)), Some(supplier_id)) if user.role == Role::Supplier => {
            match by_idempotency_key(conn, keys, supplier_id, key)? {
                Some(first) => idempotent_replay(first, tender_id, fingerprint),
                None => Err(e),
            }
        }
        (attempt, _, _) => attempt,
    }
}

/// The answer to a retry whose key made `first` (tender, receipt, fingerprint): the first
/// receipt when the request is the same, else the conflict named. Bids recorded before
/// fingerprints were kept compare by tender only.
fn idempotent_replay(
    first: (i64, Receipt, Option<String>),
    tender_id: i64,
    fingerprint: &str,
) -> Result<Receipt, AppError> {
    let same = match &first.2 {
        Some(stored) => stored == fingerprint,
        None => first.0 == tender_id,
    };
    if same {
        Ok(first.1)
    } else {
        Err(AppError::field(
            "idempotency_key",
            "idempotency_key_conflict",
        ))
    }
}

fn share_deadline_lock(conn: &mut DbConnection, tender_id: i64) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(DEADLINE_LOCK)
            .bind::<diesel::sql_types::Integer, _>(lock_key(tender_id))
            .execute(pg)?;
    }
    Ok(())
}

fn exclusive_deadline_lock(conn: &mut DbConnection, tender_id: i64) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(DEADLINE_LOCK)
            .bind::<diesel::sql_types::Integer, _>(lock_key(tender_id))
            .execute(pg)?;
    }
    Ok(())
}

fn lock_key(tender_id: i64) -> i32 {
    // Ids beyond i32 share keys: a lock wider than needed, never a missing one.
    (tender_id % i64::from(i32::MAX)) as i32
}

fn queue_receipt_mail(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    receipt: &Receipt,
) -> Result<(), AppError> {
    let lang = Lang::from_code(&user.locale).unwrap_or_default();
    let json = serde_json::to_string_pretty(receipt).map_err(AppError::internal)?;
    let args = [
        ("name", user.display_name.clone()),
        ("ocid", receipt.ocid.clone()),
        ("bid", receipt.bid_id.to_string()),
        ("time", receipt.server_time.clone()),
        ("sha256", receipt.envelope_sha256.clone()),
        ("receipt", json),
    ];
    mail::queue(
        conn,
        now,
        &OutgoingMail {
            to: user.email.clone(),
            subject: t_args(lang, "email-bid-receipt-subject", &args),
            body: t_args(lang, "email-bid-receipt-body", &args),
        },
    )
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bids)]
struct BidRow {
    id: i64,
    tender_id: i64,
    status: String,
    envelope_sha256: String,
    submitted_at: NaiveDateTime,
    confirmed_at: NaiveDateTime,
    receipt_signature: String,
    withdrawn_at: Option<NaiveDateTime>,
    opening_result: Option<String>,
    sealed_manifest: Option<Vec<u8>>,
}

fn receipt_from(keys: &ReceiptKeys, row: &BidRow, ocid: &str, ruc: &str) -> Receipt {
    keys.restore(
        ocid,
        row.id,
        ruc,
        row.submitted_at,
        &row.envelope_sha256,
        &row.receipt_signature,
    )
}

fn by_idempotency_key(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    supplier_id: i64,
    key: &str,
) -> Result<Option<(i64, Receipt, Option<String>)>, AppError> {
    let found: Option<(BidRow, Option<String>, String, Option<String>)> = bids::table
        .inner_join(tenders::table)
        .inner_join(suppliers::table)
        .filter(bids::supplier_id.eq(supplier_id))
        .filter(bids::idempotency_key.eq(key))
        .select((
            BidRow::as_select(),
            tenders::ocid,
            suppliers::ruc,
            bids::idempotency_fingerprint,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(row, ocid, ruc, fingerprint)| {
        (
            row.tender_id,
            receipt_from(keys, &row, &ocid.unwrap_or_default(), &ruc),
            fingerprint,
        )
    }))
}

/// A bid as its company sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyBid {
    /// Bid id.
    pub id: i64,
    /// Tender id.
    pub tender_id: i64,
    /// Tender title.
    pub tender_title: String,
    /// submitted, superseded or withdrawn.
    pub status: String,
    /// Must the company confirm it again (the tender was materially amended after it)?
    pub needs_confirmation: bool,
    /// Is the tender still taking bids?
    pub tender_open: bool,
    /// When withdrawn.
    #[serde(with = "crate::domain::utc::option")]
    pub withdrawn_at: Option<NaiveDateTime>,
    /// Result of the opening: opened, tampered, unconfirmed, invalid.
    pub opening_result: Option<String>,
    /// The documents it carries, kept and new (none known when its client sealed it).
    pub documents: Option<Vec<ManifestDocument>>,
    /// Where the bid stands for its company: `open` (the tender still takes bids),
    /// `withdrawn`, `superseded`, `awaiting_opening`, `not_admitted` (opened but tampered,
    /// unconfirmed or invalid), `in_evaluation`, `won` (see `won_lots`), `not_won` or
    /// `unsuccessful` (every lot declared void).
    pub outcome: String,
    /// The lots this bid was awarded (a pending or final award).
    pub won_lots: Vec<i32>,
    /// The signed receipt.
    pub receipt: Receipt,
}

/// Where a bid stands: see [`MyBid::outcome`]. `awards` are the tender's live awards (lot,
/// winning bid, status) and `lots` how many lots it has.
fn bid_outcome(
    row: &BidRow,
    open: bool,
    awards: &[(i32, Option<i64>, String)],
    lots: i64,
) -> (&'static str, Vec<i32>) {
    let won: Vec<i32> = awards
        .iter()
        .filter(|(_, bid, _)| *bid == Some(row.id))
        .map(|(lot, _, _)| *lot)
        .collect();
    let outcome = match (row.status.as_str(), row.opening_result.as_deref()) {
        ("withdrawn", _) => "withdrawn",
        ("superseded", _) => "superseded",
        _ if open => "open",
        (_, None) => "awaiting_opening",
        (_, Some(result)) if result != "opened" => "not_admitted",
        _ if !won.is_empty() => "won",
        _ if awards.is_empty() || (awards.len() as i64) < lots => "in_evaluation",
        _ if awards.iter().all(|(_, _, status)| status == "unsuccessful") => "unsuccessful",
        _ => "not_won",
    };
    (outcome, won)
}

/// The caller's company's bids, newest first (optionally on one tender), with receipts.
pub async fn my_bids(
    app: &AppState,
    user: &CurrentUser,
    tender_id: Option<i64>,
) -> Result<Vec<MyBid>, AppError> {
    let (keys, user, now) = (app.receipts.clone(), user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| my_bids_in(conn, &keys, &user, tender_id, now))
        .await
}

/// The caller's company's bids, newest first (optionally on one tender).
pub fn my_bids_in(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<Vec<MyBid>, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    let mut query = bids::table
        .inner_join(tenders::table)
        .inner_join(suppliers::table)
        .filter(bids::supplier_id.eq(supplier_id))
        .select((
            BidRow::as_select(),
            tenders::ocid,
            suppliers::ruc,
            tenders::title,
        ))
        .order(bids::id.desc())
        .limit(500)
        .into_boxed();
    if let Some(t) = tender_id {
        query = query.filter(bids::tender_id.eq(t));
    }
    let rows: Vec<(BidRow, Option<String>, String, String)> = query.load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    // Per tender once: its latest material amendment and whether it still takes bids.
    let mut tender_facts = std::collections::HashMap::new();
    for (row, ocid, ruc, title) in rows {
        let (material, open, awards, lots) = match tender_facts.get(&row.tender_id) {
            Some(facts) => facts,
            None => {
                let material = tender_rules::latest_material_amendment(conn, row.tender_id)?;
                let st = tender_rules::state(conn, row.tender_id)?;
                let open = st.effective(now).receives_bids();
                let awards: Vec<(i32, Option<i64>, String)> = crate::schema::awards::table
                    .filter(crate::schema::awards::tender_id.eq(row.tender_id))
                    .filter(crate::schema::awards::status.ne("cancelled"))
                    .select((
                        crate::schema::awards::lot_number,
                        crate::schema::awards::bid_id,
                        crate::schema::awards::status,
                    ))
                    .load(conn)?;
                let lots: i64 = crate::schema::tender_lots::table
                    .filter(crate::schema::tender_lots::tender_id.eq(row.tender_id))
                    .count()
                    .get_result(conn)?;
                tender_facts
                    .entry(row.tender_id)
                    .or_insert((material, open, awards, lots))
            }
        };
        let (material, open) = (*material, *open);
        let (outcome, won_lots) = bid_outcome(&row, open, awards, *lots);
        out.push(MyBid {
            id: row.id,
            tender_id: row.tender_id,
            tender_title: title,
            needs_confirmation: row.status == "submitted"
                && material.is_some_and(|m| row.confirmed_at < m),
            tender_open: open,
            status: row.status.clone(),
            withdrawn_at: row.withdrawn_at,
            opening_result: row.opening_result.clone(),
            documents: row.sealed_manifest.as_ref().and_then(|sealed| {
                keys.custody()
                    .open(&manifest_context(row.tender_id, supplier_id), sealed)
                    .and_then(|plain| serde_json::from_slice(&plain).ok())
            }),
            outcome: outcome.to_owned(),
            won_lots,
            receipt: receipt_from(keys, &row, &ocid.unwrap_or_default(), &ruc),
        });
    }
    Ok(out)
}

/// The caller's company's live bid `bid_id` on `tender_id`, for a change before the deadline.
fn live_bid_for_change(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
    now: NaiveDateTime,
) -> Result<BidRow, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(forbidden_or_hidden(conn, tender_id)?);
    };
    let row: BidRow = bids::table
        .filter(bids::id.eq(bid_id))
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::supplier_id.eq(supplier_id))
        .select(BidRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if row.status != "submitted" {
        return Err(AppError::Validation(vec![
            FieldError::new("bid", "bid_not_live").arg("status", &row.status),
        ]));
    }
    let st = tender_rules::state(conn, tender_id)?;
    let status = st.effective(now);
    if !status.receives_bids() {
        return Err(deadline_error(now, st.submission_deadline, status.code()));
    }
    Ok(row)
}

/// Withdraws the company's live bid before the deadline ([`withdraw_in`]).
#[tracing::instrument(skip(app, user), fields(user = user.id))]
pub async fn withdraw(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
) -> Result<(), AppError> {
    on_live_bid(app, user, tender_id, bid_id, withdraw_in).await
}

/// A change to the caller's live bid: `(conn, clock, user, tender, bid)`.
type LiveBidStep =
    fn(&mut DbConnection, &dyn Clock, &CurrentUser, i64, i64) -> Result<(), AppError>;

/// Runs `step` (a change to the caller's live bid before the deadline) on the pool.
async fn on_live_bid(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
    step: LiveBidStep,
) -> Result<(), AppError> {
    let (clock, user) = (app.clock.clone(), user.clone());
    app.db
        .run(move |conn| step(conn, clock.as_ref(), &user, tender_id, bid_id))
        .await
}

/// Withdraws the company's live bid before the deadline (an audit event; the envelope is
/// kept, and never opened).
pub fn withdraw_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        share_deadline_lock(conn, tender_id)?;
        let now = clock.now_db();
        live_bid_for_change(conn, user, tender_id, bid_id, now)?;
        diesel::update(bids::table.find(bid_id))
            .set((bids::status.eq("withdrawn"), bids::withdrawn_at.eq(now)))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "bid",
                bid_id,
                "bid.withdrawn",
                json!({"tender_id": tender_id}),
            ),
        )
    })
}

/// Confirms a live bid again after a material amendment, before the deadline
/// ([`confirm_in`]).
#[tracing::instrument(skip(app, user), fields(user = user.id))]
pub async fn confirm(
    app: &AppState,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
) -> Result<(), AppError> {
    on_live_bid(app, user, tender_id, bid_id, confirm_in).await
}

/// Confirms a live bid again after a material amendment, before the deadline.
pub fn confirm_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    user: &CurrentUser,
    tender_id: i64,
    bid_id: i64,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        share_deadline_lock(conn, tender_id)?;
        let now = clock.now_db();
        live_bid_for_change(conn, user, tender_id, bid_id, now)?;
        diesel::update(bids::table.find(bid_id))
            .set(bids::confirmed_at.eq(now))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "bid",
                bid_id,
                "bid.confirmed",
                json!({"tender_id": tender_id}),
            ),
        )
    })
}

/// The public sealing facts of a tender.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Sealing {
    /// The age X25519 recipient bids are sealed to.
    pub recipient: String,
    /// Committee members needed to open.
    pub threshold: i32,
    /// When the envelopes were frozen (the deadline passed).
    #[serde(with = "crate::domain::utc::option")]
    pub frozen_at: Option<NaiveDateTime>,
    /// Merkle root (RFC 6962, hex) of the frozen envelopes' SHA-256, in bid-id order.
    pub merkle_root: Option<String>,
    /// Number of envelopes frozen.
    pub leaf_count: Option<i32>,
    /// When opened.
    #[serde(with = "crate::domain::utc::option")]
    pub opened_at: Option<NaiveDateTime>,
}

/// The tender's sealing facts, freezing it first if its deadline has passed. `None` for a
/// tender without a sealing key (drafts).
pub fn sealing(
    conn: &mut DbConnection,
    tender_id: i64,
    now: NaiveDateTime,
) -> Result<Option<Sealing>, AppError> {
    freeze_if_due(conn, tender_id, now)?;
    Ok(tender_seals::table
        .find(tender_id)
        .select((
            tender_seals::recipient,
            tender_seals::threshold,
            tender_seals::frozen_at,
            tender_seals::merkle_root,
            tender_seals::leaf_count,
            tender_seals::opened_at,
        ))
        .first::<(
            String,
            i32,
            Option<NaiveDateTime>,
            Option<String>,
            Option<i32>,
            Option<NaiveDateTime>,
        )>(conn)
        .optional()?
        .map(
            |(recipient, threshold, frozen_at, merkle_root, leaf_count, opened_at)| Sealing {
                recipient,
                threshold,
                frozen_at,
                merkle_root,
                leaf_count,
                opened_at,
            },
        ))
}

/// The frozen leaves of a tender: (bid id, envelope SHA-256) of its live bids in id order.
fn live_leaves(conn: &mut DbConnection, tender_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(bids::table
        .filter(bids::tender_id.eq(tender_id))
        .filter(bids::status.eq("submitted"))
        .order(bids::id)
        .select((bids::id, bids::envelope_sha256))
        .load(conn)?)
}

fn leaf_bytes(leaves: &[(i64, String)]) -> Result<Vec<Vec<u8>>, AppError> {
    leaves
        .iter()
        .map(|(_, h)| hex::decode(h).map_err(|_| AppError::internal("stored envelope hash")))
        .collect()
}

/// Freezes the tender's envelopes once its submission deadline has passed: computes and
/// publishes the Merkle root (one audit event). Idempotent; cheap when nothing is due.
pub fn freeze_if_due(
    conn: &mut DbConnection,
    tender_id: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let due: Option<(Option<NaiveDateTime>, NaiveDateTime, String)> = tender_seals::table
        .inner_join(tenders::table)
        .filter(tender_seals::tender_id.eq(tender_id))
        .select((
            tender_seals::frozen_at,
            tenders::submission_deadline,
            tenders::status,
        ))
        .first(conn)
        .optional()?;
    let Some((None, deadline, status)) = due else {
        return Ok(());
    };
    if now < deadline || status == "cancelled" {
        return Ok(());
    }
    write_transaction(conn, |conn| {
        exclusive_deadline_lock(conn, tender_id)?;
        let frozen: Option<NaiveDateTime> = tender_seals::table
            .find(tender_id)
            .select(tender_seals::frozen_at)
            .first(conn)?;
        if frozen.is_some() {
            return Ok(());
        }
        let leaves = live_leaves(conn, tender_id)?;
        let root = hex::encode(merkle::root(&leaf_bytes(&leaves)?));
        let count = i32::try_from(leaves.len()).map_err(AppError::internal)?;
        diesel::update(tender_seals::table.find(tender_id))
            .set((
                tender_seals::frozen_at.eq(now),
                tender_seals::merkle_root.eq(&root),
                tender_seals::leaf_count.eq(count),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::system(),
            NewEvent::on(
                "tender",
                tender_id,
                "tender.bids_frozen",
                json!({"merkle_root": root, "leaf_count": count}),
            ),
        )
    })
}

/// Freezes every tender whose deadline has passed (the status task calls this).
pub fn freeze_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let due: Vec<i64> = tender_seals::table
        .inner_join(tenders::table)
        .filter(tender_seals::frozen_at.is_null())
        .filter(tenders::submission_deadline.le(now))
        .filter(tenders::status.ne("cancelled"))
        .select(tender_seals::tender_id)
        .load(conn)?;
    for id in &due {
        freeze_if_due(conn, *id, now)?;
    }
    Ok(due.len())
}

/// An inclusion proof of one bid's envelope in its tender's frozen Merkle tree.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InclusionProof {
    /// Bid id.
    pub bid_id: i64,
    /// The leaf: the envelope's SHA-256 (hex).
    pub envelope_sha256: String,
    /// Position of the leaf.
    #[schema(maximum = 9223372036854775807_u64)]
    pub leaf_index: u64,
    /// Number of leaves (a tree is stored with a signed 64-bit size).
    #[schema(maximum = 9223372036854775807_u64)]
    pub tree_size: u64,
    /// Audit path (hex), from the leaf's sibling upwards.
    pub audit_path: Vec<String>,
    /// The published root (hex).
    pub merkle_root: String,
}

impl InclusionProof {
    /// Does the path lead from the leaf to the root?
    pub fn verifies(&self) -> bool {
        let (Ok(leaf), Ok(root)) = (
            hex::decode(&self.envelope_sha256),
            hex::decode(&self.merkle_root),
        ) else {
            return false;
        };
        let Ok(root) = <[u8; 32]>::try_from(root.as_slice()) else {
            return false;
        };
        let path: Option<Vec<merkle::Hash>> = self
            .audit_path
            .iter()
            .map(|h| {
                hex::decode(h)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            })
            .collect();
        path.is_some_and(|p| {
            merkle::verify_inclusion(&leaf, self.leaf_index, self.tree_size, &p, &root)
        })
    }
}

/// A receipt to check, optionally with an inclusion proof.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum VerifyRequest {
    /// A receipt and the proof of its inclusion.
    WithProof {
        /// The receipt.
        receipt: Receipt,
        /// The proof.
        proof: InclusionProof,
    },
    /// A receipt alone.
    Receipt(Receipt),
}

/// The answer of a receipt check.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerifyAnswer {
    /// The signature, the record and the status.
    #[serde(flatten)]
    pub check: ReceiptCheck,
    /// With a proof: does it put this receipt's envelope under the tender's published root?
    pub included: Option<bool>,
}

/// Checks a receipt (anyone), optionally with its inclusion proof ([`verify_in`]).
pub async fn verify(app: &AppState, request: VerifyRequest) -> Result<VerifyAnswer, AppError> {
    let (keys, now) = (app.receipts.clone(), app.clock.now_db());
    app.db
        .run(move |conn| verify_in(conn, &keys, &request, now))
        .await
}

/// The check behind [`verify`]: the signature, the record and, with a proof, its inclusion.
pub fn verify_in(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    request: &VerifyRequest,
    now: NaiveDateTime,
) -> Result<VerifyAnswer, AppError> {
    let (receipt, proof) = match request {
        VerifyRequest::WithProof { receipt, proof } => (receipt, Some(proof)),
        VerifyRequest::Receipt(r) => (r, None),
    };
    if let Some(p) = proof {
        let range = |field: &str, n: u64| {
            (i64::try_from(n).is_err()).then(|| {
                FieldError::new(format!("proof.{field}"), "out_of_range")
                    .arg("min", 0)
                    .arg("max", i64::MAX)
            })
        };
        let errors: Vec<FieldError> = [
            range("leaf_index", p.leaf_index),
            range("tree_size", p.tree_size),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
    }
    let check = check_receipt(conn, keys, receipt)?;
    let included = match proof {
        None => None,
        Some(p) => {
            let published = if check.on_record {
                published_root(conn, receipt.bid_id, now)?
            } else {
                None
            };
            Some(
                p.verifies()
                    && p.bid_id == receipt.bid_id
                    && p.envelope_sha256 == receipt.envelope_sha256
                    && published.as_deref() == Some(p.merkle_root.as_str()),
            )
        }
    };
    Ok(VerifyAnswer { check, included })
}

/// The inclusion proof of bid `bid_id` for the caller ([`inclusion_proof_in`]).
pub async fn inclusion_proof(
    app: &AppState,
    user: &CurrentUser,
    bid_id: i64,
) -> Result<InclusionProof, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| inclusion_proof_in(conn, &user, bid_id, now))
        .await
}

/// A tender's sealing facts ([`sealing`]), `NotFound` for a tender not yet published.
pub async fn sealing_of(app: &AppState, tender_id: i64) -> Result<Sealing, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| sealing(conn, tender_id, now))
        .await?
        .ok_or(AppError::NotFound)
}

/// The inclusion proof of a bid, for its company once the tender is frozen, and for the
/// buyer's officers and auditors once the bids are opened (before, whether a bid exists is
/// its company's secret).
pub fn inclusion_proof_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    bid_id: i64,
    now: NaiveDateTime,
) -> Result<InclusionProof, AppError> {
    let (tender_id, supplier_id, buyer_id): (i64, i64, i64) = bids::table
        .inner_join(tenders::table)
        .filter(bids::id.eq(bid_id))
        .select((bids::tender_id, bids::supplier_id, tenders::buyer_id))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let own = user.role == Role::Supplier && user.supplier_id == Some(supplier_id);
    if !(own || user.role == Role::Auditor || tender_rules::is_buyer_staff(Some(user), buyer_id)) {
        return Err(AppError::NotFound);
    }
    // Only the bidder learns why there is no proof yet (not frozen, withdrawn, replaced);
    // for anyone else a bid without a proof answers as a bid that does not exist.
    let unless_own = |e: AppError| if own { e } else { AppError::NotFound };
    if !own && !opening::is_opened(conn, tender_id)? {
        return Err(AppError::NotFound);
    }
    let Some(sealing) = sealing(conn, tender_id, now)? else {
        return Err(AppError::NotFound);
    };
    let Some(root) = sealing.merkle_root else {
        return Err(unless_own(AppError::field("bid", "not_frozen_yet")));
    };
    let leaves = live_leaves(conn, tender_id)?;
    let Some(index) = leaves.iter().position(|(id, _)| *id == bid_id) else {
        return Err(unless_own(AppError::field("bid", "bid_not_in_tree")));
    };
    let path = merkle::inclusion_proof(&leaf_bytes(&leaves)?, index)
        .ok_or_else(|| AppError::internal("leaf index"))?;
    Ok(InclusionProof {
        bid_id,
        envelope_sha256: leaves[index].1.clone(),
        leaf_index: index as u64,
        tree_size: leaves.len() as u64,
        audit_path: path.iter().map(hex::encode).collect(),
        merkle_root: root,
    })
}

/// The published Merkle root of the tender a bid belongs to (once frozen).
pub fn published_root(
    conn: &mut DbConnection,
    bid_id: i64,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let tender_id: Option<i64> = bids::table
        .find(bid_id)
        .select(bids::tender_id)
        .first(conn)
        .optional()?;
    match tender_id {
        Some(t) => Ok(sealing(conn, t, now)?.and_then(|s| s.merkle_root)),
        None => Ok(None),
    }
}

/// What `POST /api/v1/receipts/verify` answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceiptCheck {
    /// The signature is this server's, over exactly these fields.
    pub signature_valid: bool,
    /// A bid with this id, tender, company and envelope hash is on record.
    pub on_record: bool,
    /// The bid's status now (submitted, superseded, withdrawn), when on record.
    pub status: Option<String>,
}

/// Checks a receipt: its signature, and whether the bid it names is on record as stated.
pub fn check_receipt(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    receipt: &Receipt,
) -> Result<ReceiptCheck, AppError> {
    let signature_valid = keys.verify(receipt);
    let row: Option<(String, String, Option<String>, String)> = bids::table
        .inner_join(tenders::table)
        .inner_join(suppliers::table)
        .filter(bids::id.eq(receipt.bid_id))
        .select((
            bids::envelope_sha256,
            bids::status,
            tenders::ocid,
            suppliers::ruc,
        ))
        .first(conn)
        .optional()?;
    let on_record = signature_valid
        && row.as_ref().is_some_and(|(sha, _, ocid, ruc)| {
            *sha == receipt.envelope_sha256
                && ocid.as_deref() == Some(receipt.ocid.as_str())
                && *ruc == receipt.supplier_ruc
        });
    Ok(ReceiptCheck {
        signature_valid,
        on_record,
        status: row.filter(|_| on_record).map(|(_, s, _, _)| s),
    })
}

/// The bidders' company names, for officers once the bids are open (ids in order).
pub(crate) fn supplier_names(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (String, String)>, AppError> {
    Ok(suppliers::table
        .filter(suppliers::id.eq_any(ids))
        .select((suppliers::id, (suppliers::ruc, suppliers::legal_name)))
        .load::<(i64, (String, String))>(conn)?
        .into_iter()
        .collect())
}

/// Display names of users.
pub(crate) fn user_names(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}
