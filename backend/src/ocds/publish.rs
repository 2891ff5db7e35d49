//! What Licita publishes from the stored releases: release packages (a keyset page of the
//! change feed, or one release), and record packages (every release of an ocid with its
//! compiled and versioned release). Public: no caller, no login.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{VERSION, absolute_urls, merge};
use crate::{
    app::AppState,
    config::Settings,
    db::DbConnection,
    domain::{BuyerId, utc},
    error::{AppError, FieldError},
    schema::ocds_releases,
};

/// The official extensions Licita's releases use, by the `extension.json` URL of the version
/// they are checked against (names for readers and validators; never fetched): Bids, Lots,
/// Bid opening (which has no release: its commit) with the Location extension it depends on,
/// Enquiries, and Techniques (electronic auctions; no release either: its commit).
pub const EXTENSIONS: [&str; 6] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bidOpening_extension/47c5765/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/5568b00/extension.json",
];

/// Releases per page by default, and at most.
pub const DEFAULT_LIMIT: i64 = 100;
/// The largest page.
pub const MAX_LIMIT: i64 = 1000;

/// A page of the change feed, as a client asks for it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReleaseQuery {
    /// Only releases after this sequence number (from `links.next`).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many, 1 to 1000 (100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
    /// Only releases dated from this instant (RFC 3339, with its offset).
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Only releases dated before this instant (RFC 3339, with its offset).
    #[param(format = DateTime)]
    pub before: Option<String>,
    /// Only releases of this buyer entity (its id).
    pub buyer: Option<i64>,
}

struct ParsedQuery {
    after: i64,
    limit: i64,
    since: Option<NaiveDateTime>,
    before: Option<NaiveDateTime>,
    buyer: Option<BuyerId>,
}

impl ReleaseQuery {
    fn parse(&self) -> Result<ParsedQuery, AppError> {
        let mut errors = Vec::new();
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            errors.push(
                FieldError::new("limit", "out_of_range")
                    .arg("min", 1)
                    .arg("max", MAX_LIMIT),
            );
        }
        let after = self.after.unwrap_or(0);
        if after < 0 {
            errors.push(
                FieldError::new("after", "out_of_range")
                    .arg("min", 0)
                    .arg("max", i64::MAX),
            );
        }
        let mut instant = |text: &Option<String>, field: &str| match text.as_deref() {
            None => None,
            Some(t) => match crate::domain::procurement::parse_instant(t, field) {
                Ok(at) => Some(at),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let since = instant(&self.since, "since");
        let before = instant(&self.before, "before");
        if errors.is_empty() {
            Ok(ParsedQuery {
                after,
                limit,
                since,
                before,
                buyer: self.buyer.map(BuyerId),
            })
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

/// Where Licita serves its local extension for complaints (under the public URL).
pub const COMPLAINTS_EXTENSION: &str = "/api/v1/ocds/extensions/complaints/extension.json";

/// A file of the complaints extension (`extension.json` or `release-schema.json`), with its
/// links made absolute under `public_url`; `None` for any other name.
pub fn complaints_extension_file(name: &str, public_url: &str) -> Option<String> {
    let base = public_url.trim_end_matches('/');
    match name {
        "extension.json" => Some(include_str!("complaints/extension.json").replace(
            "\"/datos-abiertos/politica\"",
            &format!("\"{base}/datos-abiertos/politica\""),
        )),
        "release-schema.json" => Some(include_str!("complaints/release-schema.json").to_owned()),
        _ => None,
    }
}

/// The package metadata every package carries: `uri`, `publishedDate`, `publisher`,
/// `license`, `publicationPolicy`, `version`, `extensions`.
pub(super) fn package(settings: &Settings, uri: String, published: NaiveDateTime) -> Value {
    let base = settings.public_url.trim_end_matches('/');
    let mut publisher = json!({"name": settings.ocds_publisher_name});
    if let Some(ruc) = &settings.ocds_publisher_ruc {
        publisher["scheme"] = json!("PE-RUC");
        publisher["uid"] = json!(ruc);
    }
    json!({
        "uri": uri,
        "version": VERSION,
        "publishedDate": utc::format(published),
        "publisher": publisher,
        "license": settings.ocds_license,
        "publicationPolicy": format!("{base}/datos-abiertos/politica"),
        "extensions": EXTENSIONS
            .iter()
            .map(|url| (*url).to_owned())
            .chain([format!("{base}{COMPLAINTS_EXTENSION}")])
            .collect::<Vec<_>>(),
    })
}

/// A stored release, as published (`url`s absolute).
fn published(body: &str, settings: &Settings) -> Result<Value, AppError> {
    let release: Value = serde_json::from_str(body).map_err(AppError::internal)?;
    Ok(absolute_urls(release, &settings.public_url))
}

/// A page of the change feed ([`releases_in`]).
pub async fn releases(app: &AppState, query: &ReleaseQuery) -> Result<Value, AppError> {
    let parsed = query.parse()?;
    let state = app.clone();
    app.db
        .run(move |conn| releases_in(conn, &state.settings, &parsed))
        .await
}

fn releases_in(
    conn: &mut DbConnection,
    settings: &Settings,
    q: &ParsedQuery,
) -> Result<Value, AppError> {
    let mut query = ocds_releases::table
        .filter(ocds_releases::seq.gt(q.after))
        .order(ocds_releases::seq.asc())
        // One more than the page: `links.next` only when something follows (a full last page
        // would otherwise point at an empty package, which the schema forbids).
        .limit(q.limit + 1)
        .select((
            ocds_releases::seq,
            ocds_releases::released_at,
            ocds_releases::body,
        ))
        .into_boxed();
    if let Some(since) = q.since {
        query = query.filter(ocds_releases::released_at.ge(since));
    }
    if let Some(before) = q.before {
        query = query.filter(ocds_releases::released_at.lt(before));
    }
    if let Some(buyer) = q.buyer {
        query = query.filter(ocds_releases::buyer_id.eq(buyer));
    }
    let mut rows: Vec<(i64, NaiveDateTime, String)> = query.load(conn)?;
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > q.limit;
    rows.truncate(usize::try_from(q.limit).unwrap_or(usize::MAX));
    let base = settings.public_url.trim_end_matches('/');
    let mut filters = String::new();
    for (key, value) in [
        ("limit", Some(q.limit.to_string())),
        ("since", q.since.map(utc::format)),
        ("before", q.before.map(utc::format)),
        ("buyer", q.buyer.map(|b| b.to_string())),
    ] {
        if let Some(v) = value {
            filters.push_str(&format!("&{key}={}", urlencode(&v)));
        }
    }
    let published_date = rows
        .iter()
        .map(|r| r.1)
        .max()
        .unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.naive_utc());
    let uri = format!("{base}/api/v1/ocds/releases?after={}{filters}", q.after);
    let mut out = package(settings, uri, published_date);
    let last = rows.last().map(|r| r.0);

    out["releases"] = rows
        .iter()
        .map(|(_, _, body)| published(body, settings))
        .collect::<Result<Vec<_>, _>>()?
        .into();
    if let (Some(last), true) = (last, more) {
        out["links"] =
            json!({"next": format!("{base}/api/v1/ocds/releases?after={last}{filters}")});
    }
    Ok(out)
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One release as a release package; 404 for an unknown ocid or id.
pub async fn release(app: &AppState, ocid: &str, release_id: &str) -> Result<Value, AppError> {
    let (ocid, release_id, state) = (ocid.to_owned(), release_id.to_owned(), app.clone());
    app.db
        .run(move |conn| {
            let (at, body): (NaiveDateTime, String) = ocds_releases::table
                .filter(ocds_releases::ocid.eq(&ocid))
                .filter(ocds_releases::release_id.eq(&release_id))
                .select((ocds_releases::released_at, ocds_releases::body))
                .first(conn)?;
            let base = state.settings.public_url.trim_end_matches('/');
            let uri = format!("{base}/api/v1/ocds/releases/{ocid}/{release_id}");
            let mut out = package(&state.settings, uri, at);
            out["releases"] = json!([published(&body, &state.settings)?]);
            Ok(out)
        })
        .await
}

/// Every release of `ocid`, oldest first; 404 when it has none.
fn releases_of(
    conn: &mut DbConnection,
    ocid: &str,
) -> Result<Vec<(NaiveDateTime, String)>, AppError> {
    let rows: Vec<(NaiveDateTime, String)> = ocds_releases::table
        .filter(ocds_releases::ocid.eq(ocid))
        .order(ocds_releases::seq.asc())
        .select((ocds_releases::released_at, ocds_releases::body))
        .load(conn)?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(rows)
}

/// The record of `ocid` as a record package: every release, the compiled release and the
/// versioned release (OCDS merge rules); 404 for an unknown ocid.
pub async fn record(app: &AppState, ocid: &str) -> Result<Value, AppError> {
    let (ocid, state) = (ocid.to_owned(), app.clone());
    app.db
        .run(move |conn| {
            let rows = releases_of(conn, &ocid)?;
            let settings = &state.settings;
            let releases = rows
                .iter()
                .map(|(_, body)| published(body, settings))
                .collect::<Result<Vec<_>, _>>()?;
            let latest = rows.iter().map(|r| r.0).max().unwrap_or_default();
            let base = settings.public_url.trim_end_matches('/');
            let mut out = package(
                settings,
                format!("{base}/api/v1/ocds/records/{ocid}"),
                latest,
            );
            out["records"] = json!([{
                "ocid": ocid,
                "releases": releases,
                "compiledRelease": merge::compile(&releases),
                "versionedRelease": merge::versioned(&releases),
            }]);
            Ok(out)
        })
        .await
}
