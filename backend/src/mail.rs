//! Email: one [`Mailer`] over three transports, an outbox table, and one delivery pass
//! ([`deliver_due`]) that the outbox job ([`crate::jobs::run_outbox_worker`]) repeats.
//!
//! - A service that must send mail calls [`queue`] inside the write transaction of the change
//!   that causes it: the message exists if and only if the change committed.
//! - Each pass claims up to 50 due rows at once by
//!   moving them to `sending` with one conditional `UPDATE … RETURNING …`, which also sets
//!   their `next_attempt_at` to the end of a **lease** (`LICITA_MAIL_CLAIM_TIMEOUT_SECS`).
//!   Only the server whose update hit a row sends it. After the pass its rows become `sent`
//!   (one statement for all), or `pending` again with an exponential backoff (30 s · 2ⁿ,
//!   capped at 6 h), or `failed` after `LICITA_MAIL_MAX_ATTEMPTS`.
//! - A worker that dies (a crash, `kill -9`) leaves its rows in `sending`; when their lease
//!   ends any worker claims them again. A worker stops sending a batch before its lease ends
//!   and hands the rest back, so a live worker's rows are never taken from it.
//!
//! **The guarantee is at least once, never silently dropped**: every queued message is sent
//! or, after its last attempt, marked `failed` for an operator. A crash between sending and
//! recording means a message may go out twice; each carries the same `Message-ID`
//! (`<outbox-{row}@{domain}>`, derived from its row), so a receiving system can drop the
//! duplicate, and the file transport writes each row's file (`outbox-{row}.eml`) at most once:
//! it is written under a temporary name and linked into place, and a row whose file exists
//! is recorded as delivered, not written again.

use crate::domain::OutboxStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use crate::{
    clock::Clock,
    config::{MailTransportKind, Settings},
    db::{Database, DbConnection},
    error::AppError,
    schema::outbox,
};

/// A message kept by the in-memory transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// How messages leave the server.
#[derive(Clone)]
pub enum Transport {
    /// A real SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a directory, one per outbox row (`outbox-{row}.eml`).
    File(PathBuf),
    /// Kept in memory (tests).
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// The one mailer of the application.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    message_id_domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::File(_) => "file",
            Transport::Memory(_) => "memory",
        };
        write!(f, "Mailer({kind}, from {})", self.from)
    }
}

impl Mailer {
    /// Builds the mailer the settings ask for.
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        let transport = match &settings.mail_transport {
            MailTransportKind::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("LICITA_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build(),
            ),
            MailTransportKind::File => {
                let dir = settings.data_dir.join("outbox");
                std::fs::create_dir_all(&dir).map_err(|e| {
                    format!("LICITA_DATA_DIR: cannot create {}: {e}", dir.display())
                })?;
                Transport::File(dir)
            }
            MailTransportKind::Memory => Transport::Memory(Arc::default()),
        };
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| format!("LICITA_MAIL_FROM: {e}"))?;
        let message_id_domain = from.email.domain().to_owned();
        Ok(Self {
            transport,
            from,
            message_id_domain,
        })
    }

    /// Messages kept by the in-memory transport (empty for the others).
    pub fn sent(&self) -> Vec<SentMail> {
        match &self.transport {
            Transport::Memory(store) => store.lock().map(|v| v.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), String> {
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| format!("recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!(
                "<outbox-{}@{}>",
                row.id, self.message_id_domain
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(row.body_text.clone())
            .map_err(|e| format!("build: {e}"))?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::File(dir) => {
                let (dir, id, bytes) = (dir.clone(), row.id, message.formatted());
                tokio::task::spawn_blocking(move || write_once(&dir, id, &bytes))
                    .await
                    .map_err(|e| format!("file transport task: {e}"))?
            }
            Transport::Memory(store) => {
                store
                    .lock()
                    .map_err(|_| "memory transport poisoned".to_owned())?
                    .push(SentMail {
                        to: row.recipient.clone(),
                        subject: row.subject.clone(),
                        body: row.body_text.clone(),
                    });
                Ok(())
            }
        }
    }
}

/// Writes outbox row `id`'s message as `outbox-{id}.eml` unless that file exists already (a
/// crash after writing and before recording it as sent): written under a temporary name,
/// then hard-linked into place, which fails when the name exists, so no reader ever sees a
/// half-written file and no row is written twice.
fn write_once(dir: &Path, id: i64, bytes: &[u8]) -> Result<(), String> {
    // A server killed between writing its temporary file and linking it leaves the file
    // behind; the row comes round again (at least once), and this attempt clears it.
    let leftover = format!(".outbox-{id}-");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&leftover) && name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let path = dir.join(format!("outbox-{id}.eml"));
    if path.exists() {
        return Ok(());
    }
    let temp = dir.join(format!(".outbox-{id}-{}.tmp", crate::keys::random_token()));
    std::fs::write(&temp, bytes).map_err(|e| format!("{}: {e}", temp.display()))?;
    let linked = std::fs::hard_link(&temp, &path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// An email to queue.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Queues an email in the outbox; call inside the transaction of its cause.
pub fn queue(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    mail: &OutgoingMail,
) -> Result<(), AppError> {
    // A name a user typed can hold an RFC 2047 encoded-word (`=?utf-8?q?…?=`) that a mail
    // reader would decode into characters the name checks refuse: broken up, it is plain text.
    let subject = mail.subject.replace("=?", "= ?");
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient.eq(&mail.to),
            outbox::subject.eq(&subject),
            outbox::body_text.eq(&mail.body),
            outbox::status.eq(OutboxStatus::Pending),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A message a worker may claim: waiting, or claimed by a worker whose lease ended.
const DUE: [OutboxStatus; 2] = [OutboxStatus::Pending, OutboxStatus::Sending];

#[derive(Debug, Clone, Queryable)]
struct OutboxRow {
    id: i64,
    recipient: String,
    subject: String,
    body_text: String,
    attempts: i32,
}

/// Backoff before attempt `attempts + 1`.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 20));
    chrono::Duration::seconds(secs.min(6 * 3600))
}

/// Delivers every due outbox message once; returns how many were sent. Claiming and
/// recording are one statement per pass, not per message: a deadline rush queues thousands of
/// receipts, and the worker must not compete with the bids for the database.
pub async fn deliver_due(
    db: &Database,
    mailer: &Mailer,
    clock: &dyn Clock,
    settings: &Settings,
) -> Result<usize, AppError> {
    let now = clock.now_db();
    let lease = settings.mail_claim_timeout;
    let claimed: Vec<OutboxRow> = db
        .run(move |conn| {
            // Due: pending and its time has come, or claimed by a worker whose lease ended
            // (it died before recording the pass).
            let due: Vec<i64> = outbox::table
                .filter(outbox::status.eq_any(DUE))
                .filter(outbox::next_attempt_at.le(now))
                .order(outbox::id.asc())
                .limit(50)
                .select(outbox::id)
                .load(conn)?;
            if due.is_empty() {
                return Ok(Vec::new());
            }
            // The conditions make the claim safe against a second worker: a row another pass
            // took has a lease in the future and is not returned here.
            let mut claimed: Vec<OutboxRow> = diesel::update(
                outbox::table
                    .filter(outbox::id.eq_any(&due))
                    .filter(outbox::status.eq_any(DUE))
                    .filter(outbox::next_attempt_at.le(now)),
            )
            .set((
                outbox::status.eq(OutboxStatus::Sending),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::next_attempt_at.eq(now + lease),
            ))
            .returning((
                outbox::id,
                outbox::recipient,
                outbox::subject,
                outbox::body_text,
                outbox::attempts,
            ))
            .get_results(conn)?;
            claimed.sort_by_key(|row| row.id);
            Ok(claimed)
        })
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    // Stop well before the lease ends (each SMTP send may take up to its 30 s timeout), and
    // hand back what was not sent, so no other worker takes a row this one still holds.
    let started = std::time::Instant::now();
    let budget = (lease * 3 / 4).to_std().unwrap_or_default();
    let max_attempts = settings.mail_max_attempts;
    let mut delivered = Vec::new();
    let mut failed = Vec::new();
    let mut handed_back = Vec::new();
    for row in claimed {
        if started.elapsed() >= budget {
            handed_back.push(row.id);
            continue;
        }
        match mailer.send(&row).await {
            Ok(()) => delivered.push(row.id),
            Err(e) => {
                tracing::warn!(outbox_id = row.id, attempt = row.attempts, error = %e, "email delivery failed");
                failed.push((row.id, row.attempts, e));
            }
        }
    }
    let sent = delivered.len();
    let done_at = clock.now_db();
    db.run(move |conn| {
        if !delivered.is_empty() {
            diesel::update(outbox::table.filter(outbox::id.eq_any(&delivered)))
                .set((
                    outbox::status.eq(OutboxStatus::Sent),
                    outbox::sent_at.eq(Some(done_at)),
                    outbox::last_error.eq(None::<String>),
                ))
                .execute(conn)?;
        }
        if !handed_back.is_empty() {
            diesel::update(outbox::table.filter(outbox::id.eq_any(&handed_back)))
                .set((
                    outbox::status.eq(OutboxStatus::Pending),
                    outbox::attempts.eq(outbox::attempts - 1),
                    outbox::next_attempt_at.eq(done_at),
                ))
                .execute(conn)?;
        }
        for (id, attempts, e) in failed {
            let status = if attempts >= max_attempts {
                OutboxStatus::Failed
            } else {
                OutboxStatus::Pending
            };
            diesel::update(outbox::table.filter(outbox::id.eq(id)))
                .set((
                    outbox::status.eq(status),
                    outbox::next_attempt_at.eq(done_at + backoff(attempts)),
                    outbox::last_error.eq(Some(e.chars().take(500).collect::<String>())),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
    .await?;
    Ok(sent)
}

/// Outbox counts by status (for operators and tests).
pub fn outbox_counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, AppError> {
    Ok(outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load::<(OutboxStatus, i64)>(conn)?
        .into_iter()
        .map(|(status, count)| (status.code().to_owned(), count))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(1).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 240);
        assert_eq!(backoff(40).num_seconds(), 6 * 3600);
    }
}
