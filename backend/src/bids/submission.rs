//! Submission: the terms a bid must meet, its content checked and sealed to the tender's key (documents streamed from their spool files, only the envelope in memory, no database connection held while sealing), and its record with its receipt (the JSON route's one step, the page's two through [`super::confirmation`]).

use super::*;
use crate::domain::Method;
use crate::domain::{BidId, BidStatus, SupplierId, TenderId, TenderStatus};
use crate::procedure::{self, Action};

pub(super) fn manifest_context(tender_id: TenderId, supplier_id: SupplierId) -> String {
    format!("manifest:tender:{tender_id}:supplier:{supplier_id}")
}

/// The documents of one of the company's bids on a tender, from its manifest in custody
/// (`None` when the bid was sealed by its client, or under another server key).
pub(super) fn bid_manifest(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    terms: &BidTerms,
    bid_id: BidId,
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
pub(super) fn kept_documents(
    old: BidId,
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
    pub tender_id: TenderId,
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
    pub supplier_id: SupplierId,
    /// Its RUC.
    pub ruc: String,
    /// When these terms were read.
    pub read_at: NaiveDateTime,
}

/// Checks a bid's content against the tender, naming every wrong field at once, and returns
/// the plaintext to seal (its documents read only for their type: they stay spooled).
pub fn check_content(
    content: &BidContent,
    terms: &BidTerms,
    max_bytes: u64,
    carried: Vec<CarriedDocument>,
) -> Result<CheckedBid, AppError> {
    check_counts(
        content.lots.len(),
        content.declarations.len(),
        content.documents.len(),
        content.remove_documents.len(),
    )?;
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
    let total: u64 = content.documents.iter().map(|d| d.file.size).sum();
    if total > max_bytes {
        return Err(AppError::TooLarge(
            FieldError::new("documents", "bid_too_large").arg("max", max_bytes / (1024 * 1024)),
        ));
    }
    let mut names = Vec::new();
    for d in &content.documents {
        let checked = crate::blobs::check_filename(&d.name)
            .map_err(|e| e.for_field("documents"))
            .and_then(|name| {
                if d.file.size == 0 {
                    return Err(FieldError::new("documents", "file_empty"));
                }
                crate::blobs::sniff(&d.file.head, &name)
                    .map(|_| name)
                    .map_err(|e| e.for_field("documents"))
            });
        match checked {
            Ok(name) => names.push(name),
            Err(e) => errors.push(e.arg("name", d.name.chars().take(80).collect::<String>())),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(CheckedBid {
        bid: SealedBid {
            format: ENVELOPE_FORMAT.to_owned(),
            ocid: terms.ocid.clone(),
            supplier_ruc: terms.ruc.clone(),
            lots: prices,
            declarations: content.declarations.clone(),
            documents: Vec::new(),
            carried_documents: carried,
        },
        names,
    })
}

/// A bid's content checked against the tender: the plaintext to seal, whose documents are
/// still in their spool files (`names` are their checked names, in order).
#[derive(Debug)]
pub struct CheckedBid {
    /// The plaintext, its `documents` empty until it is sealed.
    pub bid: SealedBid,
    /// The documents' names as they will be sealed.
    pub names: Vec<String>,
}

/// Writes a [`SealedBid`]'s JSON whose documents are the spooled files (named `names`):
/// each document's content is base64-encoded from its file as it is written, never held as
/// a string; a file that cannot be read is an error, not a truncated envelope.
fn write_plaintext(
    out: &mut dyn std::io::Write,
    bid: &SealedBid,
    names: &[String],
    documents: &[Attachment],
) -> std::io::Result<()> {
    let serde_json::Value::Object(mut fields) =
        serde_json::to_value(bid).map_err(std::io::Error::other)?
    else {
        return Err(std::io::Error::other("a sealed bid is a JSON object"));
    };
    fields.remove("documents");
    out.write_all(b"{")?;
    for (key, value) in &fields {
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, value)?;
        out.write_all(b",")?;
    }
    out.write_all(b"\"documents\":[")?;
    for (i, (name, document)) in names.iter().zip(documents).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"name\":")?;
        serde_json::to_writer(&mut *out, name)?;
        out.write_all(b",\"content_base64\":\"")?;
        {
            let mut encoder = base64::write::EncoderWriter::new(
                &mut *out,
                &base64::engine::general_purpose::STANDARD,
            );
            std::io::copy(&mut document.file.open()?, &mut encoder)?;
            encoder.finish()?;
        }
        out.write_all(b"\"}")?;
    }
    out.write_all(b"]}")
}

/// Encrypts what `write` writes to a recipient (age X25519) as it is written; `size_hint`
/// sizes the envelope's buffer so it is allocated once.
fn encrypt_with(
    recipient: &str,
    size_hint: usize,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<Vec<u8>, AppError> {
    use std::io::Write as _;
    let recipient: age::x25519::Recipient = recipient
        .parse()
        .map_err(|e| AppError::internal(format!("stored recipient: {e}")))?;
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(AppError::internal)?;
    // age adds a header and 16 bytes per 64 KiB chunk.
    let envelope = Vec::with_capacity(size_hint + size_hint / 4096 + 1024);
    let mut writer = encryptor
        .wrap_output(envelope)
        .map_err(AppError::internal)?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, &mut writer);
        write(&mut buffered)
            .and_then(|()| buffered.flush())
            .map_err(|e| AppError::internal(format!("seal: {e}")))?;
    }
    writer.finish().map_err(AppError::internal)
}

/// Seals a bid to a recipient (age X25519), in memory.
pub fn seal(bid: &SealedBid, recipient: &str) -> Result<Vec<u8>, AppError> {
    encrypt_with(recipient, 4096, |out| {
        serde_json::to_writer(out, bid).map_err(std::io::Error::other)
    })
}

/// Seals checked content with its spooled documents: the plaintext is never held whole,
/// only the envelope, allocated once.
pub fn seal_checked(
    checked: &CheckedBid,
    documents: &[Attachment],
    recipient: &str,
) -> Result<Vec<u8>, AppError> {
    let base64_size: u64 = documents
        .iter()
        .map(|d| d.file.size.div_ceil(3) * 4 + 512)
        .sum();
    encrypt_with(
        recipient,
        usize::try_from(base64_size).unwrap_or(usize::MAX / 2) + 4096,
        |out| write_plaintext(out, &checked.bid, &checked.names, documents),
    )
}

/// Checks that client-sealed bytes are an age file for X25519 recipients (the content can
/// only be checked at the opening).
pub(super) fn check_envelope(bytes: &[u8], max_bytes: u64) -> Result<(), AppError> {
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
    tender_id: TenderId,
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
    tender_id: TenderId,
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
        (
            Method,
            TenderStatus,
            NaiveDateTime,
            NaiveDateTime,
            NaiveDateTime,
        ),
        (Option<String>, Currency, Option<String>),
        (Option<NaiveDateTime>, Option<NaiveDateTime>, Option<i32>),
    );
    let (
        (method, status, enquiry_deadline, submission_deadline, opening_at),
        (ocid, currency, recipient),
        (opened_at, frozen_at, leaf_count),
    ): Row = tenders::table
        .left_join(tender_seals::table)
        .filter(tenders::id.eq(tender_id))
        .select((
            (
                tenders::method,
                tenders::status,
                tenders::enquiry_deadline,
                tenders::submission_deadline,
                tenders::opening_at,
            ),
            (
                tenders::ocid,
                tenders::currency,
                tender_seals::recipient.nullable(),
            ),
            (
                tender_seals::opened_at.nullable(),
                tender_seals::frozen_at.nullable(),
                tender_seals::leaf_count.nullable(),
            ),
        ))
        .first(conn)?;
    if status == TenderStatus::Draft {
        return Err(AppError::NotFound);
    }
    let facts = procedure::Facts {
        id: tender_id,
        method,
        status,
        enquiry_deadline,
        submission_deadline,
        opening_at,
        opened: procedure::Facts::opened_from(opened_at, frozen_at, leaf_count),
    };
    taking_bids(&facts, Action::Bid, now)?;
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
        currency,
        lots,
        deadline: submission_deadline,
        supplier_id,
        ruc,
        read_at: now,
    })
}

pub(super) fn forbidden_or_hidden(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<AppError, AppError> {
    let st = tender_rules::state(conn, tender_id)?;
    Ok(if st.status == TenderStatus::Draft {
        AppError::NotFound
    } else {
        AppError::Forbidden
    })
}

/// `Ok` when the tender's procedure takes `action` (a bid, a withdrawal) now, else its
/// refusal; one that comes after the deadline names the server's time and the deadline
/// (Lima), so a bidder whose upload ended a second late sees why.
pub(super) fn taking_bids(
    facts: &procedure::Facts,
    action: Action,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let phase = facts.phase(now);
    match facts.procedure().check(phase, action) {
        Ok(()) => Ok(()),
        Err(refusal) if refusal.code == "deadline_passed" => Err(AppError::Validation(vec![
            FieldError::new(refusal.field, refusal.code)
                .arg("server_time", lima_seconds(now))
                .arg("deadline", lima_input_value(facts.submission_deadline)),
        ])),
        Err(refusal) => Err(refusal.error(phase.status())),
    }
}

pub(super) fn lima_seconds(at: NaiveDateTime) -> String {
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
    replaces: Option<(BidId, Vec<ManifestDocument>)>,
) -> Result<Sealed, AppError> {
    match submission {
        Submission::Content(content) => {
            let carried = match &replaces {
                Some((old, documents)) => kept_documents(*old, documents, &content)?,
                None if !content.remove_documents.is_empty() => {
                    return Err(AppError::field("remove_documents", "nothing_to_remove"));
                }
                None => Vec::new(),
            };
            let checked = check_content(&content, terms, max_bytes, carried)?;
            let envelope = seal_checked(&checked, &content.documents, &terms.recipient)?;
            let CheckedBid { bid: plain, names } = checked;
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
            documents.extend(content.documents.iter().enumerate().zip(names).map(
                |((i, d), name)| ManifestDocument {
                    name,
                    size: i64::try_from(d.file.size).unwrap_or(i64::MAX),
                    sha256: d.file.sha256.clone(),
                    kept_from_bid: None,
                    position: i32::try_from(i).unwrap_or(i32::MAX),
                },
            ));
            Ok(Sealed {
                sealed_at: terms.read_at,
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
                sealed_at: terms.read_at,
                envelope: bytes,
                sealed_by: "client",
                summary: None,
            })
        }
    }
}

/// What sealing a submission needs from the database: the terms (the caller may bid now)
/// and, for a replacement of server-sealed content, the replaced bid's documents it keeps.
pub type SealingTerms = (BidTerms, Option<(BidId, Vec<ManifestDocument>)>);

/// Reads a submission's [`SealingTerms`].
pub fn sealing_terms(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: &Submission,
    placement: Placement,
    now: NaiveDateTime,
) -> Result<SealingTerms, AppError> {
    let terms = terms(conn, user, tender_id, now)?;
    let replaces = match (placement, submission) {
        (Placement::Replaces(old), Submission::Content(_)) => Some((
            old,
            bid_manifest(conn, keys, &terms, old)?.unwrap_or_default(),
        )),
        _ => None,
    };
    Ok((terms, replaces))
}

/// The terms and the sealed submission, ready to record or to confirm. Sealing a large bid
/// takes a while: the async callers read the terms, let the connection go while sealing
/// ([`seal_off_the_pool`]) and take one again to record, so a rush of large bids never holds
/// every pooled connection; this one-connection form serves the demo data.
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
pub fn seal_submission(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    max_bytes: u64,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: Submission,
    placement: Placement,
    now: NaiveDateTime,
) -> Result<(BidTerms, Sealed), AppError> {
    let (terms, replaces) =
        sealing_terms(conn, keys, user, tender_id, &submission, placement, now)?;
    let sealed = prepare(submission, &terms, max_bytes, replaces)?;
    Ok((terms, sealed))
}

/// [`sealing_terms`] on a pooled connection, then [`prepare`] on a blocking thread holding
/// none.
pub(super) async fn seal_off_the_pool(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: Submission,
    placement: Placement,
) -> Result<(BidTerms, Sealed), AppError> {
    let (clock, keys, caller) = (app.clock.clone(), app.receipts.clone(), user.clone());
    let max_bytes = app.settings.bid_max_bytes;
    let (submission, (terms, replaces)) = app
        .db
        .run(move |conn| {
            let terms = sealing_terms(
                conn,
                &keys,
                &caller,
                tender_id,
                &submission,
                placement,
                clock.now_db(),
            )?;
            Ok((submission, terms))
        })
        .await?;
    in_turn(app, move || {
        let sealed = prepare(submission, &terms, max_bytes, replaces)?;
        Ok((terms, sealed))
    })
    .await
}

/// Runs memory-heavy bid work (a large body parsed and decoded, a bid sealed) on a blocking
/// thread once this server has a turn for it ([`crate::app::App::bid_work`]).
pub async fn in_turn<T: Send + 'static>(
    app: &crate::app::App,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let turn = app
        .bid_work
        .clone()
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(AppError::internal)?
}

/// Where a submitted envelope goes.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// A first bid (409 if the company already has a live one).
    New,
    /// Replaces the company's live bid with this id.
    Replaces(BidId),
}

/// Records a sealed envelope as a bid, at the time read inside its transaction, and returns
/// its signed receipt. A second live bid of the company, or a second bid under the same
/// `Idempotency-Key`, is refused by a unique index ([`submit`] turns the latter into the first
/// receipt).
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
pub(super) fn record_bid(
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
        taking_bids(&st.facts, Action::Bid, now)?;
        // Amended in a way that matters while this bid was sealed (or waited for its
        // confirmation): it was made against the old terms.
        if tender_rules::latest_material_amendment(conn, terms.tender_id)?
            .is_some_and(|amended| amended > sealed.sealed_at)
        {
            return Err(AppError::Conflict(FieldError::new(
                "bid",
                "tender_amended_while_sealing",
            )));
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
                        .filter(bids::status.eq(BidStatus::Submitted)),
                )
                .set(bids::status.eq(BidStatus::Superseded))
                .execute(conn)?;
                if superseded != 1 {
                    return Err(AppError::NotFound);
                }
                Some(old)
            }
        };
        let id: BidId = diesel::insert_into(bids::table)
            .values((
                bids::tender_id.eq(terms.tender_id),
                bids::supplier_id.eq(terms.supplier_id),
                bids::submitted_by.eq(user.id),
                bids::status.eq(BidStatus::Submitted),
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

/// Submits a sealed bid for the caller's company (the JSON route): seals it (holding no
/// database connection meanwhile), records it and wakes the outbox for the receipt email.
/// The steps, and the `Idempotency-Key` rule, are [`submit_in`]'s.
#[tracing::instrument(skip(app, user, submission), fields(user = user.id.get()))]
pub async fn submit(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: Submission,
    placement: Placement,
    idempotency_key: Option<String>,
) -> Result<Receipt, AppError> {
    let fingerprint = idempotency_key
        .as_ref()
        .map(|_| submission.fingerprint(&app.receipts, tender_id, placement));
    let attempt = match seal_off_the_pool(app, user, tender_id, submission, placement).await {
        Ok((terms, sealed)) => {
            let (clock, keys, caller) = (app.clock.clone(), app.receipts.clone(), user.clone());
            let (key, print) = (idempotency_key.clone(), fingerprint.clone());
            app.db
                .run(move |conn| {
                    record_bid(
                        conn,
                        clock.as_ref(),
                        &keys,
                        &caller,
                        &terms,
                        &sealed,
                        placement,
                        key.as_deref().zip(print.as_deref()),
                        None,
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    let receipt = match (attempt, idempotency_key.zip(fingerprint)) {
        (Err(e), Some((key, fingerprint))) => {
            let (keys, caller) = (app.receipts.clone(), user.clone());
            app.db
                .run(move |conn| replay_or(conn, &keys, &caller, tender_id, &key, &fingerprint, e))
                .await?
        }
        (attempt, _) => attempt?,
    };
    app.wake_outbox();
    Ok(receipt)
}

/// A failed attempt under an `Idempotency-Key`: the first receipt if the key's first
/// request already made the bid and this one repeats it ([`idempotent_replay`]), else the
/// failure.
fn replay_or(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: TenderId,
    key: &str,
    fingerprint: &str,
    failure: AppError,
) -> Result<Receipt, AppError> {
    match user.supplier_id {
        Some(supplier_id) if user.role == Role::Supplier => {
            match by_idempotency_key(conn, keys, supplier_id, key)? {
                Some(first) => idempotent_replay(first, tender_id, fingerprint),
                None => Err(failure),
            }
        }
        _ => Err(failure),
    }
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
    tender_id: TenderId,
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
    match (attempt, idempotency) {
        (Err(e), Some((key, fingerprint))) => {
            replay_or(conn, keys, user, tender_id, key, fingerprint, e)
        }
        (attempt, _) => attempt,
    }
}

/// The answer to a retry whose key made `first` (tender, receipt, fingerprint): the first
/// receipt when the request is the same, else the conflict named. Bids recorded before
/// fingerprints were kept compare by tender only.
pub(super) fn idempotent_replay(
    first: (TenderId, Receipt, Option<String>),
    tender_id: TenderId,
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

pub(super) fn share_deadline_lock(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(DEADLINE_LOCK)
            .bind::<diesel::sql_types::Integer, _>(lock_key(tender_id))
            .execute(pg)?;
    }
    Ok(())
}

pub(super) fn exclusive_deadline_lock(
    conn: &mut DbConnection,
    tender_id: TenderId,
) -> Result<(), AppError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind::<diesel::sql_types::Integer, _>(DEADLINE_LOCK)
            .bind::<diesel::sql_types::Integer, _>(lock_key(tender_id))
            .execute(pg)?;
    }
    Ok(())
}

pub(super) fn lock_key(tender_id: TenderId) -> i32 {
    // Ids beyond i32 share keys: a lock wider than needed, never a missing one.
    (tender_id.get() % i64::from(i32::MAX)) as i32
}

pub(super) fn queue_receipt_mail(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    receipt: &Receipt,
) -> Result<(), AppError> {
    let lang = Lang::from_code(&user.locale).unwrap_or_default();
    let json = serde_json::to_string_pretty(receipt).map_err(AppError::internal)?;
    // The subject names the tender as people know it, the body the time as every page shows
    // it (Lima), the receipt itself keeps its UTC instant.
    let title: String = crate::schema::tenders::table
        .filter(crate::schema::tenders::ocid.eq(&receipt.ocid))
        .select(crate::schema::tenders::title)
        .first(conn)?;
    let lima = crate::domain::utc::in_lima(now)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let args = [
        ("name", user.display_name.clone()),
        ("ocid", receipt.ocid.clone()),
        ("title", title),
        ("bid", receipt.bid_id.to_string()),
        ("time", lima),
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
