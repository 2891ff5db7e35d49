//! Sealing a bid (oferta) into its envelope: the checked content encrypted with age to the
//! tender's recipient as it is written (documents streamed from their spool files, only the
//! envelope in memory), a client's own envelope checked, and the sealing done holding no
//! database connection ([`seal_off_the_pool`]), so the bid is ready for its receipt.

use super::*;
use crate::domain::{BidId, TenderId};

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
