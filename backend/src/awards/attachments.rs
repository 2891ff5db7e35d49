//! Documents attached to a complaint or a contract: at most [`MAX_ATTACHMENTS`], decoded from
//! an API body or taken from a form, checked and stored content-addressed before the
//! transaction that records them, and listed by position.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError};

/// Most documents attached to a complaint or a contract.
pub const MAX_ATTACHMENTS: usize = 5;

/// A file attached to a complaint or a contract.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachedDocument {
    /// Position (download by it).
    pub position: i32,
    /// File name.
    pub filename: String,
    /// SHA-256 of the content.
    pub sha256: String,
}

/// Checks and stores attachments (content-addressed, so storing before the transaction
/// leaves nothing half-written: an unreferenced file is just a cached copy).
pub(crate) fn store_attachments(
    data_dir: &Path,
    files: &[crate::bids::Attachment],
    max_bytes: u64,
) -> Result<Vec<crate::blobs::StoredBlob>, AppError> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(AppError::Validation(vec![
            FieldError::new("documents", "too_many_documents").arg("max", MAX_ATTACHMENTS),
        ]));
    }
    let mut stored = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        if f.file.size > max_bytes {
            return Err(AppError::TooLarge(
                FieldError::new("documents", "file_too_large")
                    .arg("max", max_bytes / (1024 * 1024)),
            ));
        }
        match f.file.store(data_dir, &f.name) {
            Ok(blob) => stored.push(blob),
            Err(e) => errors.push(
                e.for_field("documents")
                    .arg("name", f.name.chars().take(80).collect::<String>()),
            ),
        }
    }
    if errors.is_empty() {
        Ok(stored)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Decodes the base64 documents of an API body into spool files.
pub fn decode_documents(
    data_dir: &Path,
    documents: &[crate::bids::DocumentInput],
) -> Result<Vec<crate::bids::Attachment>, AppError> {
    documents
        .iter()
        .map(|d| {
            d.decode(data_dir).map_err(|e| {
                if e.kind() == std::io::ErrorKind::InvalidData {
                    AppError::field("documents", "invalid_base64")
                } else {
                    AppError::internal(format!("spool a document: {e}"))
                }
            })
        })
        .collect()
}
