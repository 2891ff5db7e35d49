//! The content-addressed file store every module that keeps files uses (tender documents,
//! bid documents revealed at the opening, complaints' evidence, contracts, amendments): each
//! content stored once, named by its SHA-256 under `<LICITA_DATA_DIR>/documents/<first two
//! hex>/<hash>`, with the hash published next to the file so anyone can check what they
//! downloaded.
//!
//! An upload is streamed to a temporary file while it is hashed and counted; it stops at the
//! configured limit without ever holding the file in memory. The type is decided by the
//! content (magic numbers, via the `infer` crate), and the file name's extension must agree.
//! The name is only a label: storage never uses it as a path, and names with path separators
//! or `..` are refused outright so nobody is misled by one.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

use crate::{
    db::{Database, DbConnection},
    error::{AppError, FieldError, RequestPart, UnreadableReason},
    schema::blobs,
};

/// Bytes of the head kept for type detection (OOXML files need their first zip entries).
const SNIFF_BYTES: usize = 64 * 1024;

/// Accepted types: media type and the extensions a file of that type may carry (a download
/// is served with its detected type, one of these; the OpenAPI document lists them).
pub const ACCEPTED: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    ("application/vnd.oasis.opendocument.text", &["odt"]),
    ("application/vnd.oasis.opendocument.spreadsheet", &["ods"]),
    ("application/vnd.oasis.opendocument.presentation", &["odp"]),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
    ("application/vnd.ms-powerpoint", &["ppt"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("application/zip", &["zip"]),
];

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StoredBlob {
    /// SHA-256 (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Media type detected from the content.
    pub media_type: String,
    /// The file name as given (checked).
    pub filename: String,
}

/// Checks a file name: NFKC, 1 to 200 characters, an extension, no path separators, no `..`,
/// no invisible characters (a right-to-left override, U+202E, would show `factura` + U+202E
/// + `fdp.exe` as `facturaexe.pdf`), not hidden.
pub fn check_filename(name: &str) -> Result<String, FieldError> {
    let name = crate::domain::text::normalized(name);
    let name = name.as_str();
    if name.is_empty() {
        return Err(FieldError::new("file", "file_missing"));
    }
    if name.contains(['/', '\\'])
        || name.contains("..")
        || name.starts_with('.')
        || name.chars().any(crate::domain::text::is_invisible)
        || name.chars().count() > 200
        || !name.contains('.')
    {
        return Err(FieldError::new("file", "file_name_invalid"));
    }
    Ok(name.to_owned())
}

fn extension(name: &str) -> String {
    name.rsplit('.').next().unwrap_or("").to_ascii_lowercase()
}

/// The media type of `head`, if it is one we accept and `filename`'s extension agrees.
pub fn sniff(head: &[u8], filename: &str) -> Result<&'static str, FieldError> {
    let ext = extension(filename);
    let detected = infer::get(head).map(|k| k.mime_type());
    // OOXML and OpenDocument files are zip archives; `infer` recognises them by their first
    // entries, which is why the head kept is 64 KB.
    let media = match detected {
        Some(m) => ACCEPTED.iter().find(|(t, _)| *t == m),
        None => None,
    };
    let Some((media, extensions)) = media else {
        return Err(FieldError::new("file", "file_type_unsupported").arg("ext", ext));
    };
    if extensions.contains(&ext.as_str()) {
        return Ok(media);
    }
    Err(FieldError::new("file", "file_type_mismatch")
        .arg("ext", ext)
        .arg("detected", extensions.first().copied().unwrap_or("?")))
}

pub(crate) fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("documents").join(&sha256[..2]).join(sha256)
}

/// Streams `body` into the content-addressed store, refusing more than `max_bytes` as soon as
/// it is exceeded. Returns the stored file (its row is added by [`register_blob`], inside the
/// transaction that attaches it).
pub async fn store_upload<S, E>(
    data_dir: &Path,
    filename: &str,
    max_bytes: u64,
    mut body: S,
) -> Result<StoredBlob, AppError>
where
    S: Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let filename = check_filename(filename).map_err(|e| AppError::Validation(vec![e]))?;
    let tmp_dir = data_dir.join("documents").join("incoming");
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(|e| AppError::internal(format!("create {}: {e}", tmp_dir.display())))?;
    let tmp = tmp_dir.join(crate::keys::random_token());
    let result = async {
        let mut file = tokio::fs::File::create(&tmp)
            .await
            .map_err(|e| AppError::internal(format!("create upload file: {e}")))?;
        let mut hasher = Sha256::new();
        let mut head = Vec::new();
        let mut size: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                tracing::debug!(error = %e, "upload interrupted");
                AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted)
            })?;
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(AppError::TooLarge(
                    FieldError::new("file", "file_too_large").arg("max", max_bytes / (1024 * 1024)),
                ));
            }
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk)
                .await
                .map_err(|e| AppError::internal(format!("write upload: {e}")))?;
        }
        if size == 0 {
            return Err(AppError::Validation(vec![FieldError::new(
                "file",
                "file_empty",
            )]));
        }
        let media_type = sniff(&head, &filename).map_err(|e| AppError::Validation(vec![e]))?;
        file.sync_all()
            .await
            .map_err(|e| AppError::internal(format!("sync upload: {e}")))?;
        let sha256 = hex::encode(hasher.finalize());
        let target = blob_path(data_dir, &sha256);
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| AppError::internal(format!("create {}: {e}", parent.display())))?;
        }
        // Same content, same name: an existing file is already the right one.
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            let _ = tokio::fs::remove_file(&tmp).await;
        } else {
            tokio::fs::rename(&tmp, &target)
                .await
                .map_err(|e| AppError::internal(format!("store upload: {e}")))?;
        }
        Ok(StoredBlob {
            sha256,
            size: i64::try_from(size).unwrap_or(i64::MAX),
            media_type: media_type.to_owned(),
            filename,
        })
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}

/// Records a stored file's row (once per content; a concurrent insert of the same bytes is
/// the same row).
pub(crate) fn register_blob(
    conn: &mut DbConnection,
    blob: &StoredBlob,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let insert = diesel::insert_into(blobs::table)
        .values((
            blobs::sha256.eq(&blob.sha256),
            blobs::size.eq(blob.size),
            blobs::media_type.eq(&blob.media_type),
            blobs::created_at.eq(now),
        ))
        .on_conflict_do_nothing();
    // `ON CONFLICT` is per engine in diesel (not through MultiConnection); a failed insert
    // would abort a PostgreSQL transaction, so it must not be caught instead.
    match conn {
        DbConnection::Sqlite(c) => insert.execute(c)?,
        DbConnection::Postgresql(c) => insert.execute(c)?,
    };
    Ok(())
}

/// Stores bytes already in memory (a bid's document revealed at the opening) in the
/// content-addressed store, after the same name and type checks as an upload.
pub(crate) fn store_bytes(
    data_dir: &Path,
    filename: &str,
    bytes: &[u8],
) -> Result<StoredBlob, FieldError> {
    let filename = check_filename(filename)?;
    if bytes.is_empty() {
        return Err(FieldError::new("file", "file_empty"));
    }
    let media_type = sniff(&bytes[..bytes.len().min(SNIFF_BYTES)], &filename)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let target = blob_path(data_dir, &sha256);
    if !target.exists() {
        let write = || -> std::io::Result<()> {
            let tmp_dir = data_dir.join("documents").join("incoming");
            std::fs::create_dir_all(&tmp_dir)?;
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let tmp = tmp_dir.join(crate::keys::random_token());
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &target)
        };
        write().map_err(|e| {
            tracing::error!(error = %e, "cannot store an opened bid document");
            FieldError::new("file", "file_not_stored")
        })?;
    }
    Ok(StoredBlob {
        sha256,
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        media_type: media_type.to_owned(),
        filename,
    })
}

/// A stored file ready to stream to its reader, under the name it is known by there.
#[derive(Debug)]
pub struct Download {
    /// The file, opened.
    pub file: tokio::fs::File,
    /// The name to save it as.
    pub filename: String,
    /// SHA-256 (hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// Media type detected when it was stored.
    pub media_type: String,
    /// Anyone may read it (a published tender's published document, a complaint's or a
    /// contract's): shared caches may keep it. Otherwise it is private and never stored
    /// (a shared telecentre PC must not keep an opened bid or a draft).
    pub public: bool,
}

/// Opens the stored file `sha256` for download as `filename`.
pub async fn download(
    db: &Database,
    data_dir: &Path,
    sha256: String,
    filename: String,
    public: bool,
) -> Result<Download, AppError> {
    let blob = open(db, data_dir, sha256.clone()).await?;
    Ok(Download {
        file: blob.file,
        filename,
        sha256,
        size: blob.size,
        media_type: blob.media_type,
        public,
    })
}

/// A stored file opened for reading, with its row.
#[derive(Debug)]
pub struct BlobFile {
    /// The file, opened.
    pub file: tokio::fs::File,
    /// Size in bytes.
    pub size: i64,
    /// Media type detected when it was stored.
    pub media_type: String,
}

/// Opens the stored file `sha256` (its row says its size and type).
pub async fn open(db: &Database, data_dir: &Path, sha256: String) -> Result<BlobFile, AppError> {
    let key = sha256.clone();
    let (size, media_type): (i64, String) = db
        .run(move |conn| {
            Ok(blobs::table
                .find(key)
                .select((blobs::size, blobs::media_type))
                .first(conn)?)
        })
        .await?;
    let file = open_file(data_dir, &sha256).await?;
    Ok(BlobFile {
        file,
        size,
        media_type,
    })
}

/// Opens the stored file `sha256` without reading its row. A file the database knows but this
/// server's data directory lacks was stored by another server: a 503 (the deployment is
/// misconfigured, nothing is lost), not a 500 — every server must share one data directory
/// until files live in an object store.
pub async fn open_file(data_dir: &Path, sha256: &str) -> Result<tokio::fs::File, AppError> {
    let path = blob_path(data_dir, sha256);
    tokio::fs::File::open(&path).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            AppError::unavailable(format!(
                "document {} is not in this server's data directory ({e}): every server of a \
                 deployment must share one LICITA_DATA_DIR",
                path.display()
            ))
        } else {
            AppError::internal(format!("document {}: {e}", path.display()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_path_tricks_are_refused() {
        for bad in [
            "../etc/passwd",
            "..\\boot.ini",
            "a/b.pdf",
            ".hidden.pdf",
            "sin-extension",
            "a\u{0}.pdf",
            "",
            // Shown as "facturaexe.pdf" by a bidi-aware file list.
            "factura\u{202E}fdp.exe",
            "bases\u{200B}.pdf",
        ] {
            assert!(check_filename(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            check_filename("ﬁcha técnica.pdf").expect("nfkc"),
            "ficha técnica.pdf"
        );
        assert_eq!(
            check_filename(" Bases integradas.pdf ").expect("ok"),
            "Bases integradas.pdf"
        );
    }

    #[test]
    fn the_content_decides_the_type() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
        assert_eq!(sniff(pdf, "bases.pdf").expect("pdf"), "application/pdf");
        assert_eq!(
            sniff(pdf, "bases.PDF").expect("pdf upper"),
            "application/pdf"
        );
        assert_eq!(
            sniff(pdf, "bases.docx").expect_err("mismatch").code,
            "file_type_mismatch"
        );
        let html = b"<html><script>alert(1)</script></html>";
        assert_eq!(
            sniff(html, "bases.pdf").expect_err("html").code,
            "file_type_unsupported"
        );
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png, "plano.png").expect("png"), "image/png");
    }
}
