//! Tender documents (bases, technical specifications, drawings): attached to a draft, or
//! staged on a published tender until an amendment publishes them; the files themselves are in
//! the content-addressed store ([`crate::blobs`]).

use crate::domain::{TenderId, TenderStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures_util::Stream;
use serde_json::json;

use super::{DocumentView, record, require_staff, state};
use crate::procedure::Action;
use crate::{
    auth::CurrentUser,
    blobs::{self, StoredBlob, register_blob, store_upload},
    db::{DbConnection, write_transaction},
    error::AppError,
    schema::{blobs as blob_rows, tender_documents},
};

/// Attaches a stored file to a tender: to a draft directly (published with it), to a
/// published tender as staged until the next amendment publishes it.
pub fn attach_document(
    conn: &mut DbConnection,
    user: &CurrentUser,
    tender_id: TenderId,
    blob: &StoredBlob,
    now: NaiveDateTime,
) -> Result<DocumentView, AppError> {
    write_transaction(conn, |conn| {
        let st = state(conn, tender_id)?;
        require_staff(user, &st)?;
        st.require(Action::AddDocument, now)?;
        register_blob(conn, blob, now)?;
        let id: i64 = diesel::insert_into(tender_documents::table)
            .values((
                tender_documents::tender_id.eq(tender_id),
                tender_documents::sha256.eq(&blob.sha256),
                tender_documents::filename.eq(&blob.filename),
                tender_documents::uploaded_by.eq(user.id),
                tender_documents::uploaded_at.eq(now),
            ))
            .returning(tender_documents::id)
            .get_result(conn)?;
        record(
            conn,
            now,
            user,
            tender_id,
            "tender.document_uploaded",
            json!({"document_id": id, "filename": blob.filename, "sha256": blob.sha256, "size": blob.size, "media_type": blob.media_type}),
        )?;
        Ok(DocumentView {
            id,
            filename: blob.filename.clone(),
            sha256: blob.sha256.clone(),
            size: blob.size,
            media_type: blob.media_type.clone(),
            published_at: None,
            added_in: None,
            withdrawn_in: None,
        })
    })
}

/// The whole upload of one document by `user` to tender `tender_id`: permission and status
/// are checked before a byte is read, then the body streams into the store and the document
/// is attached. The API and the page both call this.
pub async fn receive_document<S, E>(
    app: &crate::app::App,
    user: &CurrentUser,
    tender_id: TenderId,
    filename: &str,
    body: S,
) -> Result<DocumentView, AppError>
where
    S: Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let now = app.clock.now_db();
    let who = user.clone();
    app.db
        .run(move |conn| {
            let st = state(conn, tender_id)?;
            require_staff(&who, &st)?;
            st.require(Action::AddDocument, now)
        })
        .await?;
    let blob = store_upload(
        &app.settings.data_dir,
        filename,
        app.settings.upload_max_bytes,
        body,
    )
    .await?;
    let who = user.clone();
    let now = app.clock.now_db();
    app.db
        .run(move |conn| attach_document(conn, &who, tender_id, &blob, now))
        .await
}

type DocumentRow = (
    i64,
    String,
    String,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<i64>,
);

/// A tender's documents; staged ones (not yet published) only when `staff`.
pub(crate) fn list(
    conn: &mut DbConnection,
    tender_id: TenderId,
    staff: bool,
) -> Result<Vec<DocumentView>, AppError> {
    let rows: Vec<DocumentRow> = tender_documents::table
        .inner_join(blob_rows::table)
        .filter(tender_documents::tender_id.eq(tender_id))
        .order(tender_documents::id)
        .select((
            tender_documents::id,
            tender_documents::filename,
            tender_documents::sha256,
            blob_rows::size,
            blob_rows::media_type,
            tender_documents::published_at,
            tender_documents::added_in,
            tender_documents::withdrawn_in,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| staff || r.5.is_some())
        .map(
            |(id, filename, sha256, size, media_type, published_at, added_in, withdrawn_in)| {
                DocumentView {
                    id,
                    filename,
                    sha256,
                    size,
                    media_type,
                    published_at,
                    added_in,
                    withdrawn_in,
                }
            },
        )
        .collect())
}

/// Opens document `document_id` of tender `tender_id` if `viewer` may see it (published
/// tender and document, or the buyer's staff), checking the bytes are still the ones whose
/// hash was published.
pub async fn open_document(
    app: &crate::app::App,
    viewer: Option<CurrentUser>,
    tender_id: TenderId,
    document_id: i64,
) -> Result<blobs::Download, AppError> {
    // Only the tender's visibility and its documents, not the whole tender.
    let (document, public) = app
        .db
        .run(move |conn| {
            let st = state(conn, tender_id)?;
            let staff = super::visible_to(viewer.as_ref(), st.buyer_id, st.status)?;
            let document = list(conn, tender_id, staff)?
                .into_iter()
                .find(|d| d.id == document_id)
                .ok_or(AppError::NotFound)?;
            let public = !staff
                || (st.status != TenderStatus::Draft
                    && list(conn, tender_id, false)?
                        .iter()
                        .any(|d| d.id == document_id));
            Ok((document, public))
        })
        .await?;
    let file = blobs::open_file(&app.settings.data_dir, &document.sha256).await?;
    Ok(blobs::Download {
        file,
        filename: document.filename,
        sha256: document.sha256,
        size: document.size,
        media_type: document.media_type,
        public,
    })
}

/// A one-page PDF with `lines` of text (Helvetica, WinAnsi encoding): the documents of the
/// demo data, so `cargo run` shows tenders with real, downloadable files.
pub fn demo_pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 14 Tf 18 TL 56 780 Td ");
    for line in lines {
        let escaped: String = line
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if (c as u32) < 256 => c.to_string(),
                _ => "?".into(),
            })
            .collect();
        text.push_str(&format!("({escaped}) Tj T* "));
    }
    text.push_str("ET");
    // WinAnsi: one byte per character (Latin-1 covers Spanish).
    let content: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(c as u32).unwrap_or(b'?'))
        .collect();
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(), content, b"\nendstream".to_vec()].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
