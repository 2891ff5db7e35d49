//! Bulk downloads: every contracting process's compiled release, one JSON line each,
//! gzip-compressed (`full.jsonl.gz`, or one year's processes by the year of their first
//! release), or flattened for spreadsheets (`full.csv`, one row per lot, award and
//! contract: [`super::flat`]). Streamed as it is made: the processes are read a page at a
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

use super::{absolute_urls, flat, merge};
use crate::{
    app::AppState, db::DbConnection, domain::text::spreadsheet_safe, error::AppError,
    schema::ocds_releases,
};

/// Processes compiled per page.
const PAGE: i64 = 200;

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

/// Where the compiled releases are written, one after another.
enum Sink {
    Gz(GzEncoder<Vec<u8>>),
    Csv(Vec<u8>),
}

impl Sink {
    fn new(format: Format) -> std::io::Result<Self> {
        Ok(match format {
            Format::JsonLinesGz => Self::Gz(GzEncoder::new(Vec::new(), Compression::default())),
            Format::FlatCsv => {
                let mut out = Vec::new();
                let mut csv = csv::Writer::from_writer(&mut out);
                csv.write_record(flat::COLUMNS)?;
                csv.flush()?;
                drop(csv);
                Self::Csv(out)
            }
        })
    }

    fn put(&mut self, compiled: &Value) -> std::io::Result<()> {
        match self {
            // One write per line: the encoder zero-fills its 32 KB buffer on every write it
            // gets, and serde writes a token at a time (that was a third of the export).
            Self::Gz(gz) => {
                let mut line = serde_json::to_vec(compiled)?;
                line.push(b'\n');
                gz.write_all(&line)
            }
            Self::Csv(out) => {
                let mut csv = csv::Writer::from_writer(out);
                for row in flat::rows(compiled) {
                    csv.write_record(row.iter().map(|c| spreadsheet_safe(c)))?;
                }
                csv.flush()
            }
        }
    }

    /// What is ready to send.
    fn chunk(&mut self) -> std::io::Result<Vec<u8>> {
        Ok(match self {
            Self::Gz(gz) => {
                gz.flush()?;
                std::mem::take(gz.get_mut())
            }
            Self::Csv(out) => std::mem::take(out),
        })
    }

    fn finish(self) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Gz(gz) => gz.finish(),
            Self::Csv(out) => Ok(out),
        }
    }
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
/// `progress` counts the processes read.
pub fn compiled(
    app: &AppState,
    which: Bulk,
    format: Format,
    progress: Option<Arc<AtomicU64>>,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let (db, public_url) = (app.db.clone(), app.settings.public_url.clone());
    tokio::task::spawn_blocking(move || {
        let result = (|| -> Result<(), std::io::Error> {
            let mut conn = db.get().map_err(std::io::Error::other)?;
            let mut sink = Sink::new(format)?;
            let mut after = 0i64;
            loop {
                let page = ocids_after(&mut conn, after).map_err(std::io::Error::other)?;
                let Some(last) = page.last().map(|(tender, _)| *tender) else {
                    break;
                };
                let first = page.first().map_or(0, |(tender, _)| *tender);
                let mut rows = releases_between(&mut conn, first, last)
                    .map_err(std::io::Error::other)?
                    .into_iter()
                    .peekable();
                while let Some((tender, at, body)) = rows.next() {
                    let mut bodies = vec![body];
                    while let Some((_, _, more)) = rows.next_if(|r| r.0 == tender) {
                        bodies.push(more);
                    }
                    if let Some(p) = &progress {
                        p.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Bulk::Year(year) = which
                        && at.year() != year
                    {
                        continue;
                    }
                    let releases: Vec<Value> = bodies
                        .iter()
                        .map(|b| serde_json::from_str(b).map(|r| absolute_urls(r, &public_url)))
                        .collect::<Result<_, _>>()
                        .map_err(std::io::Error::other)?;
                    sink.put(&merge::compile(&releases))?;
                }
                let chunk = sink.chunk()?;
                if !chunk.is_empty() && sender.blocking_send(Ok(chunk)).is_err() {
                    return Ok(()); // the client left
                }
                after = last;
            }
            let rest = sink.finish()?;
            let _ = sender.blocking_send(Ok(rest));
            Ok(())
        })();
        if let Err(e) = result {
            let _ = sender.blocking_send(Err(e));
        }
    });
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|chunk| (chunk.map(axum::body::Bytes::from), receiver))
    })
}

/// The next page of (tender id, ocid) with releases, after tender `after`.
fn ocids_after(conn: &mut DbConnection, after: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(ocds_releases::table
        .filter(ocds_releases::tender_id.gt(after))
        .select((ocds_releases::tender_id, ocds_releases::ocid))
        .distinct()
        .order(ocds_releases::tender_id.asc())
        .limit(PAGE)
        .load(conn)?)
}

/// The releases of tenders `first..=last`, by tender then sequence.
fn releases_between(
    conn: &mut DbConnection,
    first: i64,
    last: i64,
) -> Result<Vec<(i64, NaiveDateTime, String)>, AppError> {
    Ok(ocds_releases::table
        .filter(ocds_releases::tender_id.between(first, last))
        .order((ocds_releases::tender_id.asc(), ocds_releases::seq.asc()))
        .select((
            ocds_releases::tender_id,
            ocds_releases::released_at,
            ocds_releases::body,
        ))
        .load(conn)?)
}

/// The years in which processes started (their first release), newest first.
pub async fn years(app: &AppState) -> Result<Vec<i32>, AppError> {
    app.db
        .run(|conn| {
            let firsts: Vec<Option<NaiveDateTime>> = ocds_releases::table
                .group_by(ocds_releases::tender_id)
                .select(diesel::dsl::min(ocds_releases::released_at))
                .load(conn)?;
            let mut years: Vec<i32> = firsts.into_iter().flatten().map(|at| at.year()).collect();
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
            let n: i64 = ocds_releases::table
                .select(diesel::dsl::count(ocds_releases::tender_id).aggregate_distinct())
                .first(conn)?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
}
