//! Bulk downloads: every contracting process's compiled release, one JSON line each,
//! gzip-compressed (`full.jsonl.gz`, or one year's processes by the year of their first
//! release; blocks of lines compressed in parallel, so the file is a series of gzip members,
//! as `pigz` writes, which gzip readers read whole — `zcat`, Python's `gzip`, Go, Java), or flattened for spreadsheets (`full.csv`, one row per lot, award and
//! contract: [`super::flat`]). Each process's compiled release is kept up to date by each
//! of its releases (`ocds_compiled`, [`super::store_compiled`]), so a bulk file copies
//! stored text and never merges. Streamed as it is made: the processes are read a page at a
//! time on a blocking thread and encoded into a bounded channel, so memory stays flat
//! whatever the size of the registry; `ETag` and `Last-Modified` come from the newest
//! release.

use std::{
    io::Write,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use flate2::{Compression, write::GzEncoder};
use serde_json::Value;

use super::{absolute_urls_in_text, flat};
use crate::{
    app::AppState,
    db::DbConnection,
    domain::{text::spreadsheet_safe, utc},
    error::AppError,
    schema::{ocds_compiled, ocds_releases},
};

/// Processes read per page.
const PAGE: i64 = 500;

/// Which processes a bulk file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    /// Every process.
    Full,
    /// The processes whose first release is of this year.
    Year(i32),
}

/// How a bulk file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One compiled release per line, gzip-compressed.
    JsonLinesGz,
    /// The flat CSV (UTF-8, a header row, cells a spreadsheet cannot run as formulas).
    FlatCsv,
}

/// Uncompressed bytes of JSON lines per gzip member (compressed on a core of its own).
const BLOCK: usize = 4 * 1024 * 1024;

/// `raw` as one complete gzip member.
fn gzip_member(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut gz = GzEncoder::new(Vec::with_capacity(raw.len() / 8), Compression::default());
    gz.write_all(raw)?;
    gz.finish()
}

/// What a compressing thread made.
fn joined(thread: std::thread::JoinHandle<std::io::Result<Vec<u8>>>) -> std::io::Result<Vec<u8>> {
    thread
        .join()
        .map_err(|_| std::io::Error::other("a compressing thread panicked"))?
}

/// Bytes of a file sent at a time.
const CHUNK: usize = 64 * 1024;

/// The writer a bulk file is encoded into: it hands the bytes to the response a chunk at a
/// time (the bounded channel holds four), so a slow client slows the reading, never fills
/// memory. Writing after the client left fails with `BrokenPipe`, which ends the work.
struct Chunks {
    buffer: Vec<u8>,
    sender: tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
}

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// A place among the bulk files being made at once, held until the file is written, or a
/// 429: a file keeps every core busy while it streams, so a client that asks for many at
/// once must not take the server from everyone else.
pub fn admit_export(app: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
    app.bulk_exports
        .clone()
        .try_acquire_owned()
        .map_err(|_| AppError::TooManyRequests {
            retry_after_secs: 30,
        })
}

/// The file `work` writes on a blocking thread with a connection of its own, as a stream of
/// chunks for a response body; `place` is held until the work ends.
fn streamed<F>(
    app: &AppState,
    place: tokio::sync::OwnedSemaphorePermit,
    work: F,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static
where
    F: FnOnce(&mut DbConnection, &mut Chunks) -> std::io::Result<()> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || {
        let _place = place;
        let mut out = Chunks {
            buffer: Vec::with_capacity(CHUNK),
            sender: sender.clone(),
        };
        let result = db
            .get()
            .map_err(std::io::Error::other)
            .and_then(|mut conn| work(&mut conn, &mut out))
            .and_then(|()| out.flush());
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {} // the client left
            Err(e) => {
                let _ = sender.blocking_send(Err(e));
            }
            Ok(()) => {}
        }
    });
    // Fused: the compression layer polls a body once more after its end, and a bare `unfold`
    // panics when polled past its end (`full.csv` came out empty for every browser).
    futures_util::StreamExt::fuse(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move {
            receiver
                .recv()
                .await
                .map(|chunk| (chunk.map(axum::body::Bytes::from), receiver))
        },
    ))
}

/// The version of the published data: the newest release's sequence number and the latest
/// release date (`None` before anything is published).
pub async fn version(app: &AppState) -> Result<Option<(i64, NaiveDateTime)>, AppError> {
    app.db
        .run(|conn| {
            let (seq, at): (Option<i64>, Option<NaiveDateTime>) = ocds_releases::table
                .select((
                    diesel::dsl::max(ocds_releases::seq),
                    diesel::dsl::max(ocds_releases::released_at),
                ))
                .first(conn)?;
            Ok(seq.zip(at))
        })
        .await
}

/// The compiled releases of `which` encoded as `format`, as a stream of chunks of the file;
/// `progress` counts the processes read; `place` comes from [`admit_export`].
pub fn compiled(
    app: &AppState,
    place: tokio::sync::OwnedSemaphorePermit,
    which: Bulk,
    format: Format,
    progress: Option<Arc<AtomicU64>>,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    let public_url = app.settings.public_url.clone();
    streamed(app, place, move |conn, out| {
        // Every stored compiled release of `which`, in process order, a page at a time.
        let mut each = |put: &mut dyn FnMut(&str) -> std::io::Result<()>| {
            let mut after = String::new();
            loop {
                let page = compiled_after(conn, which, &after).map_err(std::io::Error::other)?;
                let Some(last) = page.last().map(|(ocid, _)| ocid.clone()) else {
                    return Ok::<_, std::io::Error>(());
                };
                for (_, body) in &page {
                    put(&absolute_urls_in_text(body, &public_url))?;
                }
                if let Some(p) = &progress {
                    p.fetch_add(page.len() as u64, Ordering::Relaxed);
                }
                after = last;
            }
        };
        match format {
            // The stored text as it is: nothing is parsed or serialised again.
            // Blocks of lines compressed on every core, each as a gzip member of its own,
            // written in order: deflate was most of the export's time on one core.
            Format::JsonLinesGz => {
                let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
                let mut pending = std::collections::VecDeque::new();
                let mut block = Vec::with_capacity(BLOCK + 64 * 1024);
                each(&mut |body| {
                    block.extend_from_slice(body.as_bytes());
                    block.push(b'\n');
                    if block.len() >= BLOCK {
                        let raw =
                            std::mem::replace(&mut block, Vec::with_capacity(BLOCK + 64 * 1024));
                        pending.push_back(std::thread::spawn(move || gzip_member(&raw)));
                        if pending.len() >= workers
                            && let Some(done) = pending.pop_front()
                        {
                            out.write_all(&joined(done)?)?;
                        }
                    }
                    Ok(())
                })?;
                if !block.is_empty() || pending.is_empty() {
                    pending.push_back(std::thread::spawn(move || gzip_member(&block)));
                }
                while let Some(done) = pending.pop_front() {
                    out.write_all(&joined(done)?)?;
                }
            }
            Format::FlatCsv => {
                out.write_all(crate::http::UTF8_BOM.as_bytes())?;
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record(flat::COLUMNS)?;
                each(&mut |body| {
                    let compiled: Value = serde_json::from_str(body)?;
                    for row in flat::rows(&compiled) {
                        csv.write_record(row.iter().map(|c| spreadsheet_safe(c)))?;
                    }
                    Ok(())
                })?;
                csv.flush()?;
            }
        }
        Ok(())
    })
}

/// The release package of every release of one Lima month (by its date), as a ZIP holding
/// `<YYYY-MM>.json`; streamed; `place` comes from [`admit_export`].
pub fn month_package(
    app: &AppState,
    place: tokio::sync::OwnedSemaphorePermit,
    month: Month,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    let settings = app.settings.clone();
    streamed(app, place, move |conn, out| {
        let (start, end) = month.bounds();
        let newest: Option<NaiveDateTime> = ocds_releases::table
            .filter(ocds_releases::released_at.ge(start))
            .filter(ocds_releases::released_at.lt(end))
            .select(diesel::dsl::max(ocds_releases::released_at))
            .first(conn)
            .map_err(std::io::Error::other)?;
        let base = settings.public_url.trim_end_matches('/');
        let package = super::publish::package(
            &settings,
            format!("{base}/api/v1/ocds/bulk/{}.zip", month.name()),
            newest.unwrap_or(start),
        );
        // The package's fields, then its releases written one by one (the closing brace
        // of the serialised object makes way for them).
        let head = serde_json::to_string(&package)?;
        let head = head.strip_suffix('}').unwrap_or(&head);
        let mut zip = zip::ZipWriter::new_stream(out);
        zip.start_file(
            format!("{}.json", month.name()),
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(zip_time(utc::in_lima(newest.unwrap_or(start)))),
        )
        .map_err(std::io::Error::other)?;
        zip.write_all(head.as_bytes())?;
        zip.write_all(b",\"releases\":[")?;
        let mut after = 0i64;
        let mut first = true;
        loop {
            let page: Vec<(i64, String)> = ocds_releases::table
                .filter(ocds_releases::released_at.ge(start))
                .filter(ocds_releases::released_at.lt(end))
                .filter(ocds_releases::seq.gt(after))
                .order(ocds_releases::seq.asc())
                .select((ocds_releases::seq, ocds_releases::body))
                .limit(PAGE)
                .load(conn)
                .map_err(std::io::Error::other)?;
            let Some(last) = page.last().map(|(seq, _)| *seq) else {
                break;
            };
            for (_, body) in &page {
                if !first {
                    zip.write_all(b",")?;
                }
                first = false;
                zip.write_all(absolute_urls_in_text(body, &settings.public_url).as_bytes())?;
            }
            after = last;
        }
        zip.write_all(b"]}")?;
        // Beside the month's releases, the audit log's latest signed checkpoint: whoever
        // keeps the file keeps a witness that `licita audit verify --against` reads.
        if let Some(checkpoint) =
            crate::audit::checkpoints::latest(conn).map_err(std::io::Error::other)?
        {
            zip.start_file(
                CHECKPOINT_ENTRY,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .last_modified_time(zip_time(utc::in_lima(checkpoint.created_at))),
            )
            .map_err(std::io::Error::other)?;
            zip.write_all(&serde_json::to_vec_pretty(&checkpoint)?)?;
        }
        zip.finish().map_err(std::io::Error::other)?;
        Ok(())
    })
}

/// The monthly ZIP's entry holding the audit log's latest signed checkpoint.
pub const CHECKPOINT_ENTRY: &str = "punto-de-control.json";

/// `at` (Lima time) as a ZIP entry's time (two-second steps; 1980 at the earliest).
fn zip_time(at: NaiveDateTime) -> zip::DateTime {
    use chrono::Timelike;
    let part = |n: u32| u8::try_from(n).unwrap_or(0);
    zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        part(at.month()),
        part(at.day()),
        part(at.hour()),
        part(at.minute()),
        part(at.second()),
    )
    .unwrap_or_default()
}

/// A calendar month of releases, in Lima time like every month Licita shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// `YYYY-MM`, or `None` when it is not a month.
    pub fn parse(text: &str) -> Option<Self> {
        let (year, month) = text.split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        chrono::NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Self { year, month })
    }

    /// `YYYY-MM`.
    pub fn name(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Its first instant and the next month's (UTC).
    fn bounds(self) -> (NaiveDateTime, NaiveDateTime) {
        let first = chrono::NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default();
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first);
        (utc::from_lima(first), utc::from_lima(next))
    }

    /// The month of a UTC instant.
    fn of(at: NaiveDateTime) -> Self {
        let lima = utc::in_lima(at);
        Self {
            year: lima.year(),
            month: lima.month(),
        }
    }
}

/// The version of one month's releases, as [`version`] is of all.
pub async fn month_version(
    app: &AppState,
    month: Month,
) -> Result<Option<(i64, NaiveDateTime)>, AppError> {
    let (start, end) = month.bounds();
    app.db
        .run(move |conn| {
            let (seq, at): (Option<i64>, Option<NaiveDateTime>) = ocds_releases::table
                .filter(ocds_releases::released_at.ge(start))
                .filter(ocds_releases::released_at.lt(end))
                .select((
                    diesel::dsl::max(ocds_releases::seq),
                    diesel::dsl::max(ocds_releases::released_at),
                ))
                .first(conn)?;
            Ok(seq.zip(at))
        })
        .await
}

/// The months with releases, newest first (an index probe per month).
pub async fn months(app: &AppState) -> Result<Vec<Month>, AppError> {
    app.db
        .run(|conn| {
            let (first, last): (Option<NaiveDateTime>, Option<NaiveDateTime>) =
                ocds_releases::table
                    .select((
                        diesel::dsl::min(ocds_releases::released_at),
                        diesel::dsl::max(ocds_releases::released_at),
                    ))
                    .first(conn)?;
            let (Some(first), Some(last)) = (first, last) else {
                return Ok(Vec::new());
            };
            let mut months = Vec::new();
            let mut month = Month::of(first);
            while month <= Month::of(last) {
                let (start, end) = month.bounds();
                let any: Option<i64> = ocds_releases::table
                    .filter(ocds_releases::released_at.ge(start))
                    .filter(ocds_releases::released_at.lt(end))
                    .select(ocds_releases::seq)
                    .first(conn)
                    .optional()?;
                if any.is_some() {
                    months.push(month);
                }
                month = Month::of(end);
            }
            months.reverse();
            Ok(months)
        })
        .await
}

/// The next page of (ocid, compiled release) of `which`, after ocid `after`: tenders,
/// framework agreements and catalogue orders alike, in ocid order.
fn compiled_after(
    conn: &mut DbConnection,
    which: Bulk,
    after: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let mut query = ocds_compiled::table
        .filter(ocds_compiled::ocid.gt(after))
        .select((ocds_compiled::ocid, ocds_compiled::body))
        .order(ocds_compiled::ocid.asc())
        .limit(PAGE)
        .into_boxed();
    if let Bulk::Year(year) = which {
        let (start, end) = year_bounds(year);
        query = query
            .filter(ocds_compiled::first_released_at.ge(start))
            .filter(ocds_compiled::first_released_at.lt(end));
    }
    Ok(query.load(conn)?)
}

/// The first instant of `year` and of the next.
fn year_bounds(year: i32) -> (NaiveDateTime, NaiveDateTime) {
    let start = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default()
    };
    (start(year), start(year + 1))
}

/// The years in which processes started (their first release), newest first.
pub async fn years(app: &AppState) -> Result<Vec<i32>, AppError> {
    app.db
        .run(|conn| {
            let (first, last): (Option<NaiveDateTime>, Option<NaiveDateTime>) =
                ocds_compiled::table
                    .select((
                        diesel::dsl::min(ocds_compiled::first_released_at),
                        diesel::dsl::max(ocds_compiled::first_released_at),
                    ))
                    .first(conn)?;
            let (Some(first), Some(last)) = (first, last) else {
                return Ok(Vec::new());
            };
            // Only the years some process started in (an index probe per year).
            let mut years = Vec::new();
            for year in first.year()..=last.year() {
                let (start, end) = year_bounds(year);
                let any: Option<String> = ocds_compiled::table
                    .filter(ocds_compiled::first_released_at.ge(start))
                    .filter(ocds_compiled::first_released_at.lt(end))
                    .select(ocds_compiled::ocid)
                    .first(conn)
                    .optional()?;
                if any.is_some() {
                    years.push(year);
                }
            }
            years.sort_unstable_by(|a, b| b.cmp(a));
            years.dedup();
            Ok(years)
        })
        .await
}

/// How many contracting processes have releases.
pub async fn process_count(app: &AppState) -> Result<u64, AppError> {
    app.db
        .run(|conn| {
            let n: i64 = ocds_compiled::table.count().get_result(conn)?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn gzip_members_one_after_another_read_as_one_file() {
        let (a, b) = (
            b"{\"ocid\":\"a\"}\n".repeat(1000),
            b"{\"ocid\":\"b\"}\n".to_vec(),
        );
        let mut file = gzip_member(&a).expect("a");
        file.extend(gzip_member(&b).expect("b"));
        let mut text = Vec::new();
        flate2::read::MultiGzDecoder::new(&file[..])
            .read_to_end(&mut text)
            .expect("gzip");
        assert_eq!(text, [a, b].concat());
    }
}
