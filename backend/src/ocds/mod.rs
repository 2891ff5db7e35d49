//! Open data: every public event of a contracting process as an immutable OCDS 1.1.5 release.
//!
//! **When a release is made.** The functions that write a public event to a tender's audit
//! chain (`tender.published`, `tender.amended`, an answered enquiry, `tender.cancelled`,
//! `tender.bids_opened`, `award.made`, `lot.declared_unsuccessful`, `award.cancelled`,
//! `award.final`, `contract.signed`, `contract.modified`) call [`on_event`] in the same write
//! transaction. It reads the tender's tables as they are at that instant — which, inside the
//! transaction, is the state the event produced — maps them onto OCDS ([`mapping`]) and stores
//! the release. So the release list of an ocid follows its audit chain event by event, a
//! release's `date` is its event's time, and a stored release is never rewritten: later
//! events add releases, they do not change earlier ones.
//!
//! **Order.** Each release gets a server-assigned sequence number (`ocds_releases.seq`) that
//! the API pages on (keyset). On PostgreSQL, writers take an exclusive transaction lock
//! ([`RELEASES_LOCK`]) just before inserting a release, so sequence numbers commit in order
//! and a reader walking `seq > after` never skips one that commits later. SQLite has one
//! writer at a time.
//!
//! **Confidentiality.** Before the opening a release carries no bid, no bidder and no count
//! of bids: the mapping reads bids only once `tender_seals.opened_at` is set.
//!
//! **Complaints.** No official extension covers them: Licita's own (`complaints/`, served
//! at [`COMPLAINTS_EXTENSION`] and declared in every package) adds `complaints` — who
//! complained against which award, the grounds, and the decision with its reasoning — and
//! the buyer, which decides them, gets the `reviewBody` role.
//!
//! **Processes that are not tenders.** A framework agreement and each order from its
//! catalogue have ocids of their own; their module maps them and stores each release through
//! [`store_release`], the one writer of releases (`crate::framework::open_data`). The party and
//! amount helpers are shared so every process names organisations and money alike.
//!
//! **URLs.** Stored releases name Licita's own files by path (`/api/v1/…`); the routes that
//! serve them put the configured public URL in front ([`absolute_urls`]).
//!
//! Bulk files ([`bulk`]) stream every process's compiled release as gzip-compressed JSON
//! lines. Records ([`merge`]) compile an ocid's releases by the OCDS merge rules into a
//! `compiledRelease` and a `versionedRelease`.

pub mod bulk;
pub mod flat;
mod mapping;
pub mod merge;
mod publish;
pub mod withheld;

pub use mapping::{
    parties::{add_registered_contacts, party, party_id},
    value as money_value,
};
pub use publish::*;
pub use withheld::{sees_sealed_prices, withheld_lots};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    db::DbConnection,
    domain::TenderId,
    error::AppError,
    schema::{ocds_compiled, ocds_releases, tenders},
};

/// Advisory-lock key a PostgreSQL transaction holds (exclusively, to its end) from the moment
/// it inserts a release: sequence numbers commit in the order they are drawn.
pub const RELEASES_LOCK: i64 = 0x4c49_4349_4f43; // "LICIOC"

/// The OCDS version Licita publishes.
pub const VERSION: &str = "1.1";

/// The release tag of an audit action, or `None` when the action is not published.
pub fn tag_of(action: &str) -> Option<&'static str> {
    Some(match action {
        "tender.published" => "tender",
        "tender.amended" => "tenderAmendment",
        "tender.enquiry_answered" | "tender.bids_opened" => "tenderUpdate",
        // A lot's auction: its page and rules once scheduled, its transcript and the bids'
        // final prices once closed.
        "auction.scheduled" | "auction.closed" => "tenderUpdate",
        // A void lot is an award of its own, with the status `unsuccessful`.
        "lot.declared_unsuccessful" => "award",
        "tender.cancelled" => "tenderCancellation",
        "award.made" => "award",
        "award.final" => "awardUpdate",
        "award.cancelled" => "awardCancellation",
        "contract.signed" => "contract",
        "contract.modified" => "contractAmendment",
        // Complaints and their decisions (the local complaints extension); an upheld
        // complaint's cancellation of the award follows as its own awardCancellation.
        "complaint.filed" | "complaint.upheld" | "complaint.dismissed" => "awardUpdate",
        _ => return None,
    })
}

/// Called by every writer of a tender's audit chain, in its transaction, after the change:
/// records the release of `action` at `at` when the action is public (and does nothing
/// otherwise).
pub fn on_event(
    conn: &mut DbConnection,
    tender_id: TenderId,
    action: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(tag) = tag_of(action) else {
        return Ok(());
    };
    let (ocid, buyer_id): (Option<String>, crate::domain::BuyerId) = tenders::table
        .find(tender_id)
        .select((tenders::ocid, tenders::buyer_id))
        .first(conn)?;
    let Some(ocid) = ocid else {
        return Ok(());
    };
    let release = mapping::release(conn, tender_id, &ocid)?;
    store_release(
        conn,
        &Process {
            ocid: &ocid,
            tender_id: Some(tender_id),
            buyer_id,
        },
        &[tag],
        at,
        release,
    )
}

/// A contracting process that publishes releases: a tender, or one that is not (a framework
/// agreement, an order from its catalogue), which has no tender.
#[derive(Debug, Clone, Copy)]
pub struct Process<'a> {
    /// Its ocid.
    pub ocid: &'a str,
    /// Its tender, for a tender's process.
    pub tender_id: Option<TenderId>,
    /// The buyer the feed files it under.
    pub buyer_id: crate::domain::BuyerId,
}

/// Stores `release` (mapped by the caller, in the write transaction of its event) as the
/// next release of `process`, tagged `tags`, dated `at`, and recompiles the process: the one
/// writer of `ocds_releases`, whatever the kind of process.
pub fn store_release(
    conn: &mut DbConnection,
    process: &Process<'_>,
    tags: &[&str],
    at: NaiveDateTime,
    mut release: Value,
) -> Result<(), AppError> {
    let ocid = process.ocid;
    let Some(tag) = tags.first().copied() else {
        return Err(AppError::internal("a release without a tag"));
    };
    if let DbConnection::Postgresql(_) = conn {
        diesel::connection::SimpleConnection::batch_execute(
            conn,
            &format!("SELECT pg_advisory_xact_lock({RELEASES_LOCK})"),
        )?;
    }
    let earlier: Vec<(String, String, NaiveDateTime)> = ocds_releases::table
        .filter(ocds_releases::ocid.eq(ocid))
        .order(ocds_releases::seq.asc())
        .select((
            ocds_releases::release_id,
            ocds_releases::tag,
            ocds_releases::released_at,
        ))
        .load(conn)?;
    let release_id = format!("{ocid}-{:03}", earlier.len() + 1);
    // Releases are merged in `date` order: two of one process never share a date, or their
    // order would depend on who reads them. Events of the same second follow one another a
    // second apart.
    // Whole seconds: dates are compared as text by readers (ocdsmerge sorts the strings), and
    // `…:17Z` sorts after `…:17.3Z`.
    let at =
        chrono::DateTime::from_timestamp(at.and_utc().timestamp(), 0).map_or(at, |d| d.naive_utc());
    let at = match earlier.iter().map(|e| e.2).max() {
        Some(last) if last >= at => last + chrono::Duration::seconds(1),
        _ => at,
    };
    let previous: Option<String> = ocds_compiled::table
        .find(ocid)
        .select(ocds_compiled::body)
        .first(conn)
        .optional()?;
    if let Some(previous) = previous {
        let previous: Value = serde_json::from_str(&previous).map_err(AppError::internal)?;
        withdraw_missing(&mut release, &previous);
    }
    name_amendment_releases(&mut release, &earlier, &release_id);
    release["id"] = Value::from(release_id.clone());
    release["date"] = Value::from(crate::domain::utc::format(at));
    release["tag"] = serde_json::json!(tags);
    let body = serde_json::to_string(&release).map_err(AppError::internal)?;
    diesel::insert_into(ocds_releases::table)
        .values((
            ocds_releases::ocid.eq(ocid),
            ocds_releases::release_id.eq(&release_id),
            ocds_releases::tender_id.eq(process.tender_id),
            ocds_releases::buyer_id.eq(process.buyer_id),
            ocds_releases::tag.eq(tag),
            ocds_releases::released_at.eq(at),
            ocds_releases::body.eq(body),
        ))
        .execute(conn)?;
    store_compiled(conn, process.tender_id, ocid)
}

/// What an earlier release published and this one no longer has, said so: the merge keeps an
/// identified item until a release names it, so a lot dropped by an amendment is named
/// `cancelled`, and an item or document that left has each of its fields set to `null` (as
/// the standard prescribes for removing an object from an array).
fn withdraw_missing(release: &mut Value, previous: &Value) {
    for list in ["lots", "items", "documents"] {
        let Some(before) = previous["tender"][list].as_array() else {
            continue;
        };
        let now: Vec<Value> = release["tender"][list]
            .as_array()
            .map(|items| items.iter().map(|i| i["id"].clone()).collect())
            .unwrap_or_default();
        let gone: Vec<Value> = before
            .iter()
            .filter(|item| !now.contains(&item["id"]))
            .map(|item| match list {
                "lots" => serde_json::json!({"id": item["id"], "status": "cancelled"}),
                _ => nulled(item),
            })
            .collect();
        if gone.is_empty() {
            continue;
        }
        match release["tender"][list].as_array_mut() {
            Some(items) => items.extend(gone),
            None => release["tender"][list] = Value::from(gone),
        }
    }
}

/// `item` with every value but its `id` set to `null`, down to the leaves (a `null` on an
/// object leaves its fields in place when merged).
fn nulled(item: &Value) -> Value {
    fn leaves(v: &Value) -> Value {
        match v {
            Value::Object(fields) => fields
                .iter()
                .map(|(k, v)| (k.clone(), leaves(v)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
            _ => Value::Null,
        }
    }
    let mut out = leaves(item);
    out["id"] = item["id"].clone();
    out
}

/// Each tender amendment names the release that made it (`releaseID`) and the one it amends
/// (`amendsReleaseID`): the n-th amendment is the n-th `tenderAmendment` release, this one
/// (`release_id`) when it is not yet stored.
fn name_amendment_releases(
    release: &mut Value,
    earlier: &[(String, String, NaiveDateTime)],
    release_id: &str,
) {
    let Some(amendments) = release
        .get_mut("tender")
        .and_then(|t| t.get_mut("amendments"))
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    let mut made_by = earlier
        .iter()
        .enumerate()
        .filter(|(_, e)| e.1 == "tenderAmendment")
        .map(|(i, e)| {
            (
                e.0.as_str(),
                i.checked_sub(1).map(|p| earlier[p].0.as_str()),
            )
        });
    for amendment in amendments {
        let (made, amends) = made_by
            .next()
            .unwrap_or((release_id, earlier.last().map(|e| e.0.as_str())));
        amendment["releaseID"] = Value::from(made);
        if let Some(amends) = amends {
            amendment["amendsReleaseID"] = Value::from(amends);
        }
    }
}

/// Compiles the releases of `ocid` (the merge rules over all of them, so the result never
/// depends on the order events came in) and stores the result as the process's compiled
/// release, replacing the one before.
pub fn store_compiled(
    conn: &mut DbConnection,
    tender_id: Option<TenderId>,
    ocid: &str,
) -> Result<(), AppError> {
    let rows: Vec<(i64, NaiveDateTime, String)> = ocds_releases::table
        .filter(ocds_releases::ocid.eq(ocid))
        .order(ocds_releases::seq.asc())
        .select((
            ocds_releases::seq,
            ocds_releases::released_at,
            ocds_releases::body,
        ))
        .load(conn)?;
    let (Some(first), Some(last)) = (rows.iter().map(|r| r.1).min(), rows.last().map(|r| r.0))
    else {
        return Ok(());
    };
    let releases: Vec<Value> = rows
        .iter()
        .map(|(_, _, body)| serde_json::from_str(body))
        .collect::<Result<_, _>>()
        .map_err(AppError::internal)?;
    let body = serde_json::to_string(&merge::compile(&releases)).map_err(AppError::internal)?;
    diesel::delete(ocds_compiled::table.find(ocid)).execute(conn)?;
    diesel::insert_into(ocds_compiled::table)
        .values((
            ocds_compiled::tender_id.eq(tender_id),
            ocds_compiled::ocid.eq(ocid),
            ocds_compiled::first_released_at.eq(first),
            ocds_compiled::last_seq.eq(last),
            ocds_compiled::body.eq(body),
        ))
        .execute(conn)?;
    Ok(())
}

/// The processes whose compiled release is missing or older than their newest release (a
/// database from before compiled releases were stored): their tenders (if tenders) and ocids.
pub fn behind(conn: &mut DbConnection) -> Result<Vec<(Option<TenderId>, String)>, AppError> {
    let newest: Vec<(Option<TenderId>, String, Option<i64>)> = ocds_releases::table
        .group_by((ocds_releases::tender_id, ocds_releases::ocid))
        .select((
            ocds_releases::tender_id,
            ocds_releases::ocid,
            diesel::dsl::max(ocds_releases::seq),
        ))
        .load(conn)?;
    let stored: std::collections::HashMap<String, i64> = ocds_compiled::table
        .select((ocds_compiled::ocid, ocds_compiled::last_seq))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(newest
        .into_iter()
        .filter(|(_, ocid, seq)| stored.get(ocid) != seq.as_ref())
        .map(|(tender, ocid, _)| (tender, ocid))
        .collect())
}

/// `body` (a stored release or compiled release, as serde writes JSON: no spaces) with every
/// Licita path (`"url":"/api/v1/…"`, a related process's `"uri"`) made absolute under `public_url` — the text form of
/// [`absolute_urls`], for the bulk files, which copy stored text without parsing it. The
/// pattern can only match a key and its value: inside a JSON string every quote is escaped.
pub fn absolute_urls_in_text(body: &str, public_url: &str) -> String {
    let base = serde_json::to_string(public_url.trim_end_matches('/')).unwrap_or_default();
    let base = base.trim_matches('"');
    body.replace("\"url\":\"/", &format!("\"url\":\"{base}/"))
        .replace("\"uri\":\"/", &format!("\"uri\":\"{base}/"))
}

/// Admits one more open-data request from `client` (its address), or answers 429 with the
/// seconds to wait: the quota refills continuously, so a client that paces itself is never
/// refused.
pub fn admit(app: &crate::app::App, client: &str) -> Result<(), AppError> {
    use governor::clock::{Clock, DefaultClock};
    match app.open_data_quota.check_key(&client.to_owned()) {
        Ok(()) => Ok(()),
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Err(AppError::TooManyRequests {
                retry_after_secs: i64::try_from(wait.as_secs()).unwrap_or(60) + 1,
            })
        }
    }
}

/// `release` with every Licita path (`"url": "/api/v1/…"`, a related process's `"uri"`) made absolute under `public_url`.
pub fn absolute_urls(mut release: Value, public_url: &str) -> Value {
    fn walk(value: &mut Value, base: &str) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    match v {
                        Value::String(s)
                            if (key == "url" || key == "uri") && s.starts_with('/') =>
                        {
                            *s = format!("{base}{s}");
                        }
                        other => walk(other, base),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, base)),
            _ => {}
        }
    }
    walk(&mut release, public_url.trim_end_matches('/'));
    release
}
