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

/// An upload written to `<data>/documents/incoming/` as it arrived, hashed and counted on
/// the way: a telecentre's slow 25 MB upload holds a few kilobytes of memory, not 25 MB. The
/// file is deleted when this is dropped, unless [`Spooled::store`] moved it into the store.
#[derive(Debug)]
pub struct Spooled {
    path: tempfile::TempPath,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    /// The first bytes, for type detection.
    pub head: Vec<u8>,
}

/// Why an upload could not be spooled.
#[derive(Debug)]
pub enum SpoolError {
    /// It passed the limit (reading stopped there).
    TooLarge,
    /// The body stalled or broke off.
    Interrupted,
    /// The data directory refused the write.
    Storage(String),
}

/// What a spool has seen: its size, its hash so far and its head.
struct Tally {
    hasher: Sha256,
    head: Vec<u8>,
    size: u64,
}

impl Tally {
    fn new() -> Self {
        Self {
            hasher: Sha256::new(),
            head: Vec::new(),
            size: 0,
        }
    }

    fn add(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        self.hasher.update(bytes);
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
    }

    fn into_spooled(self, path: tempfile::TempPath) -> Spooled {
        Spooled {
            path,
            size: self.size,
            sha256: hex::encode(self.hasher.finalize()),
            head: self.head,
        }
    }
}

/// Deletes spool files older than a day from `<data>/documents/incoming/` (left by a server
/// that was killed mid-upload; a live upload of another server sharing the directory is
/// younger). Returns how many.
pub fn sweep_spool(data_dir: &Path) -> usize {
    let dir = data_dir.join("documents").join("incoming");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let day = std::time::Duration::from_secs(24 * 3600);
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| at.elapsed().ok())
                .is_some_and(|age| age > day)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}

/// A new spool file in `<data>/documents/incoming/`, deleted when its path is dropped.
fn spool_file(data_dir: &Path) -> Result<(std::fs::File, tempfile::TempPath), String> {
    let dir = data_dir.join("documents").join("incoming");
    let storage = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(&dir).map_err(storage)?;
    Ok(tempfile::NamedTempFile::new_in(&dir)
        .map_err(storage)?
        .into_parts())
}

/// Writes to a spool file, tallying what it writes.
struct SpoolWriter {
    file: std::io::BufWriter<std::fs::File>,
    tally: Tally,
}

impl std::io::Write for SpoolWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.tally.add(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Spooled {
    /// Spools `body` until it ends, refusing it as soon as it passes `max_bytes`.
    pub async fn receive<S, E>(
        data_dir: &Path,
        max_bytes: u64,
        mut body: S,
    ) -> Result<Self, SpoolError>
    where
        S: Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let (file, path) = spool_file(data_dir).map_err(SpoolError::Storage)?;
        let mut file =
            tokio::io::BufWriter::with_capacity(64 * 1024, tokio::fs::File::from_std(file));
        let mut tally = Tally::new();
        let storage = |e: std::io::Error| SpoolError::Storage(format!("spool: {e}"));
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                tracing::debug!(error = %e, "upload interrupted");
                SpoolError::Interrupted
            })?;
            if tally.size + chunk.len() as u64 > max_bytes {
                return Err(SpoolError::TooLarge);
            }
            tally.add(&chunk);
            file.write_all(&chunk).await.map_err(storage)?;
        }
        file.flush().await.map_err(storage)?;
        Ok(tally.into_spooled(path))
    }

    /// Spools bytes already in memory (a decoded API document, the demo's files).
    pub fn from_bytes(data_dir: &Path, bytes: &[u8]) -> std::io::Result<Self> {
        Self::write_with(data_dir, |w| w.write_all(bytes))
    }

    /// Spools what `write` writes (a document as it is decoded).
    pub fn write_with(
        data_dir: &Path,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> std::io::Result<Self> {
        use std::io::Write as _;
        let (file, path) = spool_file(data_dir).map_err(std::io::Error::other)?;
        let mut writer = SpoolWriter {
            file: std::io::BufWriter::with_capacity(64 * 1024, file),
            tally: Tally::new(),
        };
        write(&mut writer)?;
        writer.flush()?;
        Ok(writer.tally.into_spooled(path))
    }

    /// The content, opened for reading from its start.
    pub fn open(&self) -> std::io::Result<std::fs::File> {
        std::fs::File::open(&self.path)
    }

    /// The whole content in memory (a small file; or a sealed envelope on its way into its
    /// row).
    pub fn read_all(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(&self.path)
    }

    /// Puts the file into the content-addressed store under `filename` (a hard link: the
    /// spool file itself goes when this is dropped), after the name and type checks (the row
    /// is added by [`register_blob`]).
    pub fn store(&self, data_dir: &Path, filename: &str) -> Result<StoredBlob, FieldError> {
        let filename = check_filename(filename)?;
        if self.size == 0 {
            return Err(FieldError::new("file", "file_empty"));
        }
        let media_type = sniff(&self.head, &filename)?;
        let target = blob_path(data_dir, &self.sha256);
        // Same content, same name: an existing file is already the right one (and this one
        // is deleted when dropped).
        if !target.exists() {
            let kept = target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::File::open(&self.path)?.sync_all())
                .and_then(|()| match std::fs::hard_link(&self.path, &target) {
                    // Stored meanwhile by a concurrent upload of the same content.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
                    // A volume without hard links: a copy, renamed into place whole.
                    Err(_) => {
                        let copy = self.path.with_extension("copy");
                        std::fs::copy(&self.path, &copy)
                            .and_then(|_| std::fs::rename(&copy, &target))
                            .inspect_err(|_| {
                                let _ = std::fs::remove_file(&copy);
                            })
                    }
                    linked => linked,
                });
            if let Err(e) = kept {
                tracing::error!(error = %e, "cannot store an upload");
                return Err(FieldError::new("file", "file_not_stored"));
            }
        }
        Ok(StoredBlob {
            sha256: self.sha256.clone(),
            size: i64::try_from(self.size).unwrap_or(i64::MAX),
            media_type: media_type.to_owned(),
            filename,
        })
    }
}

impl SpoolError {
    /// The answer to the uploader; `too_large` says which limit was passed.
    pub fn into_app_error(self, too_large: impl FnOnce() -> AppError) -> AppError {
        match self {
            SpoolError::TooLarge => too_large(),
            SpoolError::Interrupted => {
                AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted)
            }
            SpoolError::Storage(e) => AppError::internal(e),
        }
    }
}

/// Streams `body` into the content-addressed store, refusing more than `max_bytes` as soon as
/// it is exceeded. Returns the stored file (its row is added by [`register_blob`], inside the
/// transaction that attaches it).
pub async fn store_upload<S, E>(
    data_dir: &Path,
    filename: &str,
    max_bytes: u64,
    body: S,
) -> Result<StoredBlob, AppError>
where
    S: Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let filename = check_filename(filename).map_err(|e| AppError::Validation(vec![e]))?;
    let spooled = Spooled::receive(data_dir, max_bytes, body)
        .await
        .map_err(|e| {
            e.into_app_error(|| {
                AppError::TooLarge(
                    FieldError::new("file", "file_too_large").arg("max", max_bytes / (1024 * 1024)),
                )
            })
        })?;
    let data_dir = data_dir.to_owned();
    tokio::task::spawn_blocking(move || spooled.store(&data_dir, &filename))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::Validation(vec![e]))
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
    Spooled::from_bytes(data_dir, bytes)
        .map_err(|e| {
            tracing::error!(error = %e, "cannot store an opened bid document");
            FieldError::new("file", "file_not_stored")
        })?
        .store(data_dir, &filename)
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
