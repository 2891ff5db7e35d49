//! Open data (OCDS 1.1.5) on SQLite and PostgreSQL: every release, release package and record
//! package of the demo is valid against the standard's schemas (offline, `$ref`s served from
//! `../shared/ocds`) and, in CI, by `libcoveocds`; one tender's life adds exactly its releases
//! and never rewrites one; the change feed walks every release once while others are written;
//! and before the opening nothing tells a bid's price, its bidder or how many bids there are.

use crate::bids::{LIMA_OFFICER_3, SECRET_PRICE, SECRET_PRICE_SHOWN};
use crate::support::*;
use crate::tenders::LIMA_OFFICER_2;
use serde_json::Value;
use std::path::PathBuf;

/// Where the OCDS schemas are (`OCDS_SCHEMA_DIR`, else `../shared/ocds` from the project).
fn schema_dir() -> Option<PathBuf> {
    let dir = std::env::var("OCDS_SCHEMA_DIR").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/ocds"),
        PathBuf::from,
    );
    if dir.join("release-schema-extended.json").is_file() {
        Some(dir)
    } else {
        missing(
            "the OCDS schemas",
            &format!("{} has no release-schema-extended.json", dir.display()),
        );
        None
    }
}

fn read_json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema JSON")
}

/// Serves the standard's schema URLs from the local files: the core release schema as the
/// extended one (core + Bids, Lots, Bid opening, Submission terms, Techniques, Enquiries), so
/// packages are checked with every extension's fields. The versioned release's validation
/// schema is not among the local files: it is accepted as it is, and its shape asserted by
/// the tests below.
struct LocalSchemas {
    release: Value,
}

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "https://standard.open-contracting.org/schema/1__1__5/release-schema.json" => {
                Ok(self.release.clone())
            }
            "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json" => {
                Ok(serde_json::json!({}))
            }
            other => Err(format!("{other} is not a local schema: nothing is fetched").into()),
        }
    }
}

/// Validators of a release, a release package and a record package.
struct Schemas {
    release: jsonschema::Validator,
    release_package: jsonschema::Validator,
    record_package: jsonschema::Validator,
}

impl Schemas {
    fn load(dir: &std::path::Path) -> Self {
        let mut release = read_json(dir.join("release-schema-extended.json"));
        // The Bid opening extension's `location` refers to the Location extension's
        // definition, which the merged schema lacks (validators that resolve lazily never
        // notice): Licita sends no `bidOpening.location`, and this keeps it so.
        release["definitions"]["Location"] = serde_json::json!({"not": {}});
        let build = |schema: &Value| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(true)
                .with_retriever(LocalSchemas {
                    release: release.clone(),
                })
                .build(schema)
                .expect("schema compiles")
        };
        Self {
            release: build(&release),
            release_package: build(&read_json(dir.join("release-package-schema.json"))),
            record_package: build(&read_json(dir.join("record-package-schema.json"))),
        }
    }
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect()
}

/// Every release of the feed, walking `links.next` from the start with pages of `limit`.
async fn walk_feed(app: &TestApp, limit: usize) -> (Vec<Value>, Vec<Value>) {
    let mut url = app.url(&format!("/api/v1/ocds/releases?limit={limit}"));
    let (mut releases, mut packages) = (Vec::new(), Vec::new());
    for _ in 0..10_000 {
        let response = app.client().get(&url).send().await.expect("feed");
        assert_eq!(response.status(), 200, "{url}");
        let page: Value = response.json().await.expect("package");
        releases.extend(
            page["releases"]
                .as_array()
                .expect("releases")
                .iter()
                .cloned(),
        );
        let next = page["links"]["next"].as_str().map(str::to_owned);
        packages.push(page);
        match next {
            Some(next) => url = next,
            None => return (releases, packages),
        }
    }
    panic!("the feed never ended");
}

/// The lines of a bulk file (`full.jsonl.gz` or `<year>.jsonl.gz`), decompressed; with the
/// answer's ETag.
async fn bulk_lines(app: &TestApp, file: &str) -> (Vec<Value>, String) {
    use std::io::Read;
    let response = app
        .client()
        .get(app.url(&format!("/api/v1/ocds/bulk/{file}")))
        .send()
        .await
        .expect("bulk");
    assert_eq!(response.status(), 200, "{file}");
    assert_eq!(response.headers()["content-type"], "application/gzip");
    assert!(response.headers().contains_key("last-modified"));
    let etag = response.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let bytes = response.bytes().await.expect("body");
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .expect("gzip");
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON document per line"))
        .collect();
    (lines, etag)
}

/// The Lima month (`YYYY-MM`) of a release's `date`: the month file it is in.
fn month_of(date: &str) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(date).expect("an RFC 3339 date");
    backend::domain::utc::lima_month(at.naive_utc())
}

/// The release package inside a month's ZIP (`<YYYY-MM>.zip`, one `<YYYY-MM>.json` entry).
async fn month_package(app: &TestApp, month: &str) -> Value {
    month_package_witnessed(app, month).await.0
}

/// A month's release package, and whether its ZIP carried the latest audit checkpoint.
async fn month_package_witnessed(app: &TestApp, month: &str) -> (Value, bool) {
    use std::io::Read;
    let response = app
        .client()
        .get(app.url(&format!("/api/v1/ocds/bulk/{month}.zip")))
        .send()
        .await
        .expect("month zip");
    assert_eq!(response.status(), 200, "{month}");
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.expect("body");
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a ZIP archive");
    // The month's releases, and the audit log's latest checkpoint for every downloader to
    // keep as a witness (signed by the key the server publishes).
    assert!(
        archive.len() <= 2,
        "{month}: the releases and the checkpoint"
    );
    let witnessed = archive.len() == 2;
    if witnessed {
        let mut witness = archive
            .by_name(backend::ocds::bulk::CHECKPOINT_ENTRY)
            .expect("the checkpoint entry");
        let mut text = String::new();
        witness.read_to_string(&mut text).expect("checkpoint JSON");
        let checkpoint =
            backend::audit::checkpoints::parse_saved(&text).expect("a checkpoint a witness keeps");
        assert!(checkpoint.signature_valid(), "{text}");
        assert_eq!(checkpoint.public_key, app.app.receipts.public_hex());
    }
    let mut entry = archive.by_index(0).expect("entry");
    assert_eq!(entry.name(), format!("{month}.json"));
    let stamped = entry.last_modified().map(|t| (t.year(), t.month()));
    assert_eq!(
        stamped.map(|(y, m)| format!("{y:04}-{m:02}")).as_deref(),
        Some(month),
        "{month}: the entry is dated by its newest release"
    );
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("deflated JSON");
    (
        serde_json::from_str(&text).expect("a release package"),
        witnessed,
    )
}

/// Runs `libcoveocds` (PyPI, `LICITA_LIBCOVEOCDS`) on `package` with the standard's zip;
/// returns its validation errors.
/// Async: libcoveocds fetches the extensions a package declares, Licita's own from the
/// server under test, which must keep answering meanwhile.
async fn libcove_errors(dir: &std::path::Path, package: &Value, name: &str) -> Option<Value> {
    let Ok(tool) = std::env::var("LICITA_LIBCOVEOCDS") else {
        missing(
            "libcoveocds",
            "LICITA_LIBCOVEOCDS is not set (.ci/run installs it)",
        );
        return None;
    };
    let work = tempfile::tempdir().expect("tempdir");
    let file = work.path().join(format!("{name}.json"));
    std::fs::write(&file, serde_json::to_vec(package).expect("json")).expect("write");
    let output = tokio::process::Command::new(&tool)
        .arg("--standard-zip")
        .arg(dir.join("standard-1__1__5.zip"))
        .arg("-o")
        .arg(work.path().join("out"))
        .arg("-d")
        .arg(&file)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        output.status.success(),
        "libcoveocds on {name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("libcoveocds JSON report");
    assert!(
        report["additional_closed_codelist_values"]
            .as_object()
            .is_none_or(|m| m.is_empty()),
        "{name}: values outside closed codelists: {}",
        report["additional_closed_codelist_values"]
    );
    Some(report["validation_errors"].clone())
}

/// `ocdskit compile` (PyPI, pinned, `LICITA_OCDSKIT`) over `releases` with the schema Licita
/// publishes under (core and the official extensions, with the Location extension's
/// definitions the Bid opening extension refers to): each ocid's record as the Open
/// Contracting Partnership's own merge routine makes it.
fn ocdskit_records(
    dir: &std::path::Path,
    releases: &[Value],
) -> Option<std::collections::BTreeMap<String, Value>> {
    let Ok(tool) = std::env::var("LICITA_OCDSKIT") else {
        missing("ocdskit", "LICITA_OCDSKIT is not set (.ci/run installs it)");
        return None;
    };
    let work = tempfile::tempdir().expect("tempdir");
    let mut schema = read_json(dir.join("release-schema-extended.json"));
    let location = read_json(dir.join("extensions/location/release-schema.json"));
    for (name, definition) in location["definitions"].as_object().expect("definitions") {
        if schema["definitions"].get(name).is_none() {
            schema["definitions"][name] = definition.clone();
        }
    }
    let schema_file = work.path().join("release-schema.json");
    std::fs::write(&schema_file, serde_json::to_vec(&schema).expect("json")).expect("write");
    let input = work.path().join("releases.json");
    let package = serde_json::json!({
        "uri": "https://licita.test/releases.json",
        "publishedDate": "2026-12-07T00:00:00Z",
        "version": "1.1",
        "releases": releases,
    });
    std::fs::write(&input, serde_json::to_vec(&package).expect("json")).expect("write");
    let output = std::process::Command::new(&tool)
        .args(["compile", "--package", "--versioned", "--schema"])
        .arg(&schema_file)
        .stdin(std::fs::File::open(&input).expect("input"))
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        output.status.success(),
        "ocdskit compile: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let package: Value = serde_json::from_slice(&output.stdout).expect("a record package");
    Some(
        package["records"]
            .as_array()
            .expect("records")
            .iter()
            .map(|r| (r["ocid"].as_str().expect("ocid").to_owned(), r.clone()))
            .collect(),
    )
}

/// The first path at which `a` and `b` differ, for a readable failure.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (l, r) = (x.get(key), y.get(key));
                match (l, r) {
                    (Some(l), Some(r)) => {
                        if let Some(d) = first_difference(l, r, &format!("{path}/{key}")) {
                            return Some(d);
                        }
                    }
                    _ => return Some(format!("{path}/{key}: {l:?} vs {r:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{path}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

/// Every record Licita serves compiles and versions as `ocdskit compile` does with the same
/// releases, field by field.
async fn agrees_with_ocdskit(app: &TestApp, dir: &std::path::Path, ocids: &[&str], db: Db) {
    let mut records = Vec::new();
    let mut all = Vec::new();
    for ocid in ocids {
        let package: Value = app
            .get_public(&format!("/api/v1/ocds/records/{ocid}"))
            .await;
        let record = package["records"][0].clone();
        let releases = record["releases"]
            .as_array()
            .unwrap_or_else(|| panic!("{db:?} {ocid}: {package}"));
        all.extend(releases.iter().cloned());
        records.push(record);
    }
    let Some(theirs) = ocdskit_records(dir, &all) else {
        return;
    };
    assert_eq!(theirs.len(), records.len(), "{db:?}: one record per ocid");
    for ours in &records {
        let ocid = ours["ocid"].as_str().expect("ocid");
        let theirs = &theirs[ocid];
        for part in ["compiledRelease", "versionedRelease"] {
            assert!(
                ours[part] == theirs[part],
                "{db:?} {ocid} {part}: Licita and ocdskit differ at {}",
                first_difference(&ours[part], &theirs[part], "").unwrap_or_default()
            );
        }
    }
}

#[tokio::test]
async fn the_demo_publishes_valid_ocds_with_the_whole_history_of_each_process() {
    let Some(dir) = schema_dir() else { return };
    let schemas = Schemas::load(&dir);
    for db in backends() {
        let app = TestApp::spawn(db).await;
        // One more process: an amendment withdraws every document and drops a lot.
        let officer = app.token(OFFICER).await;
        let build = app.build();
        let (members, author) = (
            [
                build.person(OFFICER).await,
                build.person(LIMA_OFFICER_2).await,
            ],
            build.person(OFFICER).await,
        );
        let (amended, _, _) = build
            .published_tender(
                &author,
                "Sillas de ruedas para el programa de salud del adulto mayor",
                &[&members[0], &members[1]],
            )
            .await;
        let view: Value = app
            .get_json(&format!("/api/v1/tenders/{amended}"), &officer)
            .await;
        let documents: Vec<i64> = view["documents"]
            .as_array()
            .expect("documents")
            .iter()
            .filter_map(|d| d["id"].as_i64())
            .collect();
        assert!(!documents.is_empty(), "{view}");
        let first_lot = crate::tenders::draft("", "licitacion_publica", &[], "")["lots"][0].clone();
        let r = app
            .post_json(
                &format!("/api/v1/tenders/{amended}/amendments"),
                &officer,
                &serde_json::json!({
                    "rationale": "Se retiran las bases y el segundo lote para reformularlos.",
                    "withdraw_documents": documents,
                    "lots": [first_lot],
                }),
            )
            .await;
        assert_eq!(r.status(), 200, "{db:?}: {:?}", r.text().await);
        let (releases, packages) = walk_feed(&app, 7).await;
        assert!(releases.len() > 30, "{db:?}: {} releases", releases.len());
        for package in &packages {
            let found = errors(&schemas.release_package, package);
            assert!(found.is_empty(), "{db:?} release package: {found:?}");
        }
        for release in &releases {
            let found = errors(&schemas.release, release);
            assert!(found.is_empty(), "{db:?} {}: {found:?}", release["id"]);
        }
        // Release ids are unique; each ocid's releases are in the order of their events.
        let mut ids: Vec<&str> = releases.iter().filter_map(|r| r["id"].as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), releases.len(), "{db:?}: a release id repeats");

        // Lima's furniture for the soup kitchens: from the tender to the 10 % modification.
        let furniture = releases
            .iter()
            .find(|r| {
                r["tender"]["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("mobiliario para comedores populares"))
            })
            .expect("the furniture tender is published");
        let ocid = furniture["ocid"].as_str().expect("ocid");
        let record: Value = app
            .get_public(&format!("/api/v1/ocds/records/{ocid}"))
            .await;
        let found = errors(&schemas.record_package, &record);
        assert!(found.is_empty(), "{db:?} record package: {found:?}");
        let record = &record["records"][0];
        let tags: Vec<&str> = record["releases"]
            .as_array()
            .expect("releases")
            .iter()
            .filter_map(|r| r["tag"][0].as_str())
            .collect();
        assert_eq!(
            tags,
            [
                "tender",
                "tenderUpdate",
                "award",
                "awardUpdate",
                "contract",
                "contractAmendment"
            ],
            "{db:?}"
        );
        let compiled = &record["compiledRelease"];
        assert_eq!(compiled["tag"][0], "compiled");
        assert_eq!(compiled["tender"]["status"], "complete", "{db:?}");
        assert_eq!(compiled["awards"][0]["status"], "active", "{db:?}");
        let contract = &compiled["contracts"][0];
        assert_eq!(contract["awardID"], compiled["awards"][0]["id"]);
        assert_eq!(
            contract["amendments"].as_array().map(Vec::len),
            Some(1),
            "{db:?} {contract}"
        );
        assert!(
            contract["amendments"][0]["rationale"]
                .as_str()
                .is_some_and(|r| r.contains("10 %")),
            "{contract}"
        );
        // The winner is a party with the supplier role, and every bid opened is listed.
        let supplier = &compiled["awards"][0]["suppliers"][0]["id"];
        assert!(
            compiled["parties"]
                .as_array()
                .expect("parties")
                .iter()
                .any(|p| &p["id"] == supplier
                    && p["roles"]
                        .as_array()
                        .is_some_and(|r| r.contains(&"supplier".into()))),
            "{compiled}"
        );
        assert!(
            !compiled["bids"]["details"]
                .as_array()
                .expect("bids")
                .is_empty()
        );
        // The versioned release keeps each value with the release that set it: the contract's
        // value before and after the modification.
        let values = &record["versionedRelease"]["contracts"][0]["value"]["amount"];
        assert_eq!(values.as_array().map(Vec::len), Some(2), "{values}");
        assert_eq!(values[1]["releaseTag"][0], "contractAmendment");

        // The bulk file: one compiled release per process, each valid, the same as the record's.
        let (lines, etag) = bulk_lines(&app, "full.jsonl.gz").await;
        let mut ocids: Vec<&str> = releases.iter().filter_map(|r| r["ocid"].as_str()).collect();
        ocids.sort_unstable();
        ocids.dedup();
        assert_eq!(lines.len(), ocids.len(), "{db:?}: one line per process");
        for line in &lines {
            let found = errors(&schemas.release, line);
            assert!(found.is_empty(), "{db:?} bulk {}: {found:?}", line["ocid"]);
        }
        let line = lines
            .iter()
            .find(|l| l["ocid"] == ocid)
            .expect("the furniture's line");
        assert_eq!(line, compiled, "{db:?}");
        // Every stored compiled release is the merge of its process's releases.
        for line in &lines {
            let ocid = line["ocid"].as_str().expect("ocid");
            let record: Value = app
                .get_public(&format!("/api/v1/ocds/records/{ocid}"))
                .await;
            assert_eq!(line, &record["records"][0]["compiledRelease"], "{db:?}");
        }
        // The amended process: its documents and its second lot withdrawn, as the record says.
        let amended_ocid = format!("ocds-licita-{}", amended.get());
        let amended_record: Value = app
            .get_public(&format!("/api/v1/ocds/records/{amended_ocid}"))
            .await;
        let amended_compiled = &amended_record["records"][0]["compiledRelease"];
        let lots = amended_compiled["tender"]["lots"].as_array().expect("lots");
        assert_eq!(lots.len(), 2, "{db:?}: {amended_compiled}");
        assert_eq!(lots[0]["status"], "active");
        assert_eq!(lots[1]["status"], "cancelled", "{db:?}: the dropped lot");
        assert!(
            amended_compiled["tender"]["documents"]
                .as_array()
                .expect("documents")
                .iter()
                .all(|d| d
                    .as_object()
                    .is_some_and(|d| d.len() == 1 && d.contains_key("id"))),
            "{db:?}: every withdrawn document is only its id: {amended_compiled}"
        );
        let amendment = &amended_compiled["tender"]["amendments"][0];
        assert_eq!(
            amendment["releaseID"],
            format!("{amended_ocid}-002"),
            "{amendment}"
        );
        assert_eq!(amendment["amendsReleaseID"], format!("{amended_ocid}-001"));
        // The CSV no longer shows the dropped lot as open for bids.
        let flat = page_text(&app.client(), app.url("/api/v1/ocds/bulk/full.csv")).await;
        let dropped: Vec<&str> = flat
            .lines()
            .filter(|l| l.contains(&amended_ocid) && l.contains(",lot-2,"))
            .collect();
        assert!(
            dropped.iter().all(|l| l.contains("cancelled")),
            "{db:?}: {dropped:?}"
        );
        // An outside analyst compiling the releases with ocdskit gets the same records.
        agrees_with_ocdskit(&app, &dir, &ocids, db).await;
        let (this_year, _) = bulk_lines(&app, "2026.jsonl.gz").await;
        assert_eq!(
            this_year.len(),
            lines.len(),
            "{db:?}: every demo process starts in 2026"
        );
        assert!(bulk_lines(&app, "2019.jsonl.gz").await.0.is_empty());
        let again = app
            .client()
            .get(app.url("/api/v1/ocds/bulk/full.jsonl.gz"))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("revalidate");
        assert_eq!(again.status(), 304, "{db:?}");
        // The monthly ZIPs: every release exactly once, as the feed serves it, in valid
        // release packages; libcoveocds reads the first month's whole.
        let mut months: Vec<String> = releases
            .iter()
            .filter_map(|r| r["date"].as_str().map(month_of))
            .collect();
        months.sort_unstable();
        months.dedup();
        let mut zipped = Vec::new();
        for month in &months {
            let package = month_package(&app, month).await;
            let found = errors(&schemas.release_package, &package);
            assert!(found.is_empty(), "{db:?} {month}.zip: {found:?}");
            zipped.extend(package["releases"].as_array().expect("releases").clone());
        }
        // Each month in the order releases were written; the demo is seeded out of date order.
        let by_id = |mut list: Vec<Value>| {
            list.sort_by_key(|r| r["id"].as_str().map(str::to_owned));
            list
        };
        let (zipped, fed) = (by_id(zipped), by_id(releases.clone()));
        assert_eq!(zipped.len(), fed.len(), "{db:?}: releases in the months");
        for (z, f) in zipped.iter().zip(&fed) {
            assert!(
                z == f,
                "{db:?}: {} in its month differs from the feed",
                f["id"]
            );
        }
        let before = app
            .client()
            .get(app.url("/api/v1/ocds/bulk/2019-01.zip"))
            .send()
            .await
            .expect("empty month");
        assert_eq!(before.status(), 404, "{db:?}: a month without releases");
        let (first_month, witnessed) = month_package_witnessed(&app, &months[0]).await;
        assert!(
            witnessed,
            "{db:?}: the demo's checkpoint travels with its open data"
        );
        if let Some(errors) = libcove_errors(&dir, &first_month, "release-package").await {
            assert_eq!(
                errors,
                serde_json::json!([]),
                "{db:?} libcoveocds, releases"
            );
        }
        // libcoveocds 0.17 dereferences a record package's versioned-release schema by URL,
        // which it cannot reach offline (the standard's zip does not help there): the record
        // package is checked above against record-package-schema.json, and libcoveocds checks
        // its releases and its compiled release, as a release package.
        let mut as_releases = packages[0].clone();
        let mut contents = record["releases"].as_array().expect("releases").clone();
        contents.push(compiled.clone());
        as_releases["releases"] = Value::from(contents);
        if let Some(errors) = libcove_errors(&dir, &as_releases, "record-releases").await {
            assert_eq!(errors, serde_json::json!([]), "{db:?} libcoveocds, record");
        }
        app.stop().await;
    }
}

/// The releases of `ocid` as stored text, through the API (one request per release).
async fn releases_of(app: &TestApp, ocid: &str) -> Vec<(String, String)> {
    let record = app
        .get_public(&format!("/api/v1/ocds/records/{ocid}"))
        .await;
    let mut out = Vec::new();
    for r in record["records"][0]["releases"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = r["id"].as_str().expect("id");
        let one = app
            .client()
            .get(app.url(&format!("/api/v1/ocds/releases/{ocid}/{id}")))
            .send()
            .await
            .expect("release")
            .text()
            .await
            .expect("text");
        let package: Value = serde_json::from_str(&one).expect("json");
        out.push((
            r["tag"][0].as_str().unwrap_or_default().to_owned(),
            serde_json::to_string(&package["releases"][0]).expect("json"),
        ));
    }
    out
}

#[tokio::test]
async fn each_event_adds_its_release_and_nothing_of_a_bid_shows_before_the_opening() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let build = app.build();
        let (officer, second, third) = (
            build.person(OFFICER).await,
            build.person(LIMA_OFFICER_2).await,
            build.person(LIMA_OFFICER_3).await,
        );
        let (tender, _deadline, opening_at) = build
            .published_tender(
                &officer,
                "Mobiliario para bibliotecas municipales",
                &[&officer, &second, &third],
            )
            .await;
        let ocid = format!("ocds-licita-{tender}");
        let after_publication = releases_of(&app, &ocid).await;
        let tags: Vec<&str> = after_publication.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tags, ["tender"], "{db:?}");

        // Two sealed bids: no release, and nothing in the open data tells them.
        let andina = build.person(SUPPLIER).await;
        let sol = build.person(OTHER_OWNER).await;
        build
            .sealed_bid(&andina, tender, &[SECRET_PRICE, "20000.00"])
            .await;
        build.sealed_bid(&sol, tender, &["150000.00"]).await;
        let before = releases_of(&app, &ocid).await;
        assert_eq!(
            before, after_publication,
            "{db:?}: a sealed bid made a release"
        );
        let (feed, _) = walk_feed(&app, 50).await;
        let everything = format!(
            "{}{}",
            serde_json::to_string(&feed).expect("json"),
            app.client()
                .get(app.url(&format!("/api/v1/ocds/records/{ocid}")))
                .send()
                .await
                .expect("record")
                .text()
                .await
                .expect("text")
        );
        let (bulk, _) = bulk_lines(&app, "full.jsonl.gz").await;
        let mut everything = format!(
            "{everything}{}",
            serde_json::to_string(&bulk).expect("json")
        );
        // And the monthly ZIP of every month with a release.
        let mut months: Vec<String> = feed
            .iter()
            .filter_map(|r| r["date"].as_str().map(month_of))
            .collect();
        months.sort();
        months.dedup();
        for month in &months {
            everything.push_str(&month_package(&app, month).await.to_string());
        }
        for secret in [
            SECRET_PRICE,
            SECRET_PRICE_SHOWN,
            "987654.32",
            ANDINA_RUC,
            "Andina",
            "Sol del Sur",
            "\"bids\"",
        ] {
            assert!(
                !everything.contains(secret),
                "{db:?}: {secret} before the opening"
            );
        }

        // The opening: one tenderUpdate listing both bids with their values.
        build.opened(tender, opening_at, &[&officer, &third]).await;
        let after_opening = releases_of(&app, &ocid).await;
        let tags: Vec<&str> = after_opening.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tags, ["tender", "tenderUpdate"], "{db:?}");
        // The earlier release is byte for byte what it was.
        assert_eq!(after_opening[0], after_publication[0], "{db:?}");
        let opened: Value = serde_json::from_str(&after_opening[1].1).expect("json");
        // One entry per bid and lot: Andina priced both lots, Sol the first.
        let details = opened["bids"]["details"].as_array().expect("bid details");
        assert_eq!(details.len(), 3, "{db:?} {opened}");
        let andina_bid = details
            .iter()
            .find(|b| {
                b["tenderers"][0]["id"] == format!("PE-RUC-{ANDINA_RUC}")
                    && b["relatedLots"][0] == "lot-1"
            })
            .expect("Andina's bid on lot 1");
        assert_eq!(
            andina_bid["value"]["amount"].as_f64(),
            Some(987_654.32),
            "{andina_bid}"
        );
        assert_eq!(andina_bid["status"], "pending");
        let (bulk, _) = bulk_lines(&app, "full.jsonl.gz").await;
        assert_eq!(
            bulk[0]["bids"]["details"].as_array().map(Vec::len),
            Some(3),
            "{db:?}"
        );
        let statistics = opened["bids"]["statistics"].as_array().expect("statistics");
        assert!(
            statistics
                .iter()
                .any(|s| s["relatedLot"] == "lot-1" && s["measure"] == "bids" && s["value"] == 2),
            "{statistics:?}"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_feed_returns_every_release_once_while_new_ones_are_written() {
    use crate::awards::{bid_body, bid_of, evaluate, opened_tender, scores};
    use std::sync::atomic::{AtomicBool, Ordering};
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let build = app.build();
        let officer = build.person(OFFICER).await;
        let second = build.person(LIMA_OFFICER_2).await;
        for n in 0..3 {
            build
                .published_tender(
                    &officer,
                    &format!("Adquisición de útiles de oficina, lote {n}"),
                    &[&officer, &second],
                )
                .await;
        }
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        let written = AtomicBool::new(false);
        // The writer: more tenders, bids, their opening, the evaluation and two awards —
        // while the reader walks the feed two releases at a time.
        let writer = async {
            // (Publications first: the opening moves the clock past their deadlines.)
            for n in 0..3 {
                build
                    .published_tender(
                        &officer,
                        &format!("Adquisición de tóner, pedido {n}"),
                        &[&officer, &second],
                    )
                    .await;
            }
            let id = opened_tender(
                &app,
                &[
                    (&andina, bid_body("150000.00", Some("20000.00"))),
                    (&sol, bid_body("140000.00", Some("21000.00"))),
                ],
            )
            .await;
            let token = app.token(OFFICER).await;
            let sheet = app
                .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &token)
                .await;
            for lot in [1, 2] {
                for name in ["Andina", "Constructora Sol"] {
                    let bid = bid_of(&sheet, lot, name);
                    evaluate(&app, &token, id, lot, bid, scores("15", "5")).await;
                }
                let awarded = app
                    .post_json(
                        &format!("/api/v1/tenders/{id}/lots/{lot}/award"),
                        &token,
                        &serde_json::json!({"justification": "Mayor puntaje total según las bases."}),
                    )
                    .await;
                assert_eq!(awarded.status(), 201, "{:?}", awarded.text().await);
            }
            written.store(true, Ordering::SeqCst);
        };
        // The reader follows links.next; at the end of the feed it waits and asks again
        // until the writer is done (known before that last request was sent).
        let reader = async {
            let mut url = app.url("/api/v1/ocds/releases?limit=2");
            let mut seen: Vec<String> = Vec::new();
            loop {
                let finished = written.load(Ordering::SeqCst);
                let page = app.get_public(url.trim_start_matches(&app.url(""))).await;
                let ids = page["releases"]
                    .as_array()
                    .expect("releases")
                    .iter()
                    .map(|r| r["id"].as_str().expect("id").to_owned());
                match page["links"]["next"].as_str() {
                    Some(next) => {
                        seen.extend(ids);
                        url = next.to_owned();
                    }
                    None if finished => {
                        seen.extend(ids);
                        return seen;
                    }
                    // A short last page: the same page again once more is written.
                    None => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        };
        let ((), seen) = tokio::join!(writer, reader);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            seen.len(),
            "{db:?}: a release came twice: {seen:?}"
        );
        let (all, _) = walk_feed(&app, 100).await;
        let mut every: Vec<String> = all
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_owned())
            .collect();
        every.sort();
        // 7 tenders (the seventh takes the bids), its opening and its 2 awards.
        assert_eq!(every.len(), 10, "{db:?}: {every:?}");
        assert_eq!(unique, every, "{db:?}: the walk missed a release");
        // Bad pages are refused naming the field.
        let bad = app
            .client()
            .get(app.url("/api/v1/ocds/releases?limit=0"))
            .send()
            .await
            .expect("bad");
        assert_eq!(bad.status(), 422);
        let problem: Value = bad.json().await.expect("problem");
        assert_eq!(problem["errors"][0]["field"], "limit");
        let unknown = app
            .client()
            .get(app.url("/api/v1/ocds/records/ocds-licita-999999"))
            .send()
            .await
            .expect("unknown");
        assert_eq!(unknown.status(), 404);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_open_data_page_lists_the_downloads_and_says_what_is_withheld_in_both_languages() {
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let build = app.build();
    let officer = build.person(OFFICER).await;
    let second = build.person(LIMA_OFFICER_2).await;
    build
        .published_tender(
            &officer,
            "Adquisición de mobiliario escolar",
            &[&officer, &second],
        )
        .await;
    let feed = app.get_public("/api/v1/ocds/releases").await;
    let month = month_of(feed["releases"][0]["date"].as_str().expect("a release"));
    let month_zip = format!("/api/v1/ocds/bulk/{month}.zip");
    for (lang, heading, withheld) in [
        ("es", "Datos abiertos", "no se publica nada sobre ellas"),
        ("en", "Open data", "nothing about them is published"),
    ] {
        let client = app.client();
        page_text(&client, app.url(&format!("/idioma/{lang}?volver=/"))).await;
        let page = page_text(&client, app.url("/datos-abiertos")).await;
        assert!(
            page.contains(&format!("<h1>{heading}</h1>")),
            "{lang}: {page}"
        );
        for link in [
            "/api/v1/ocds/bulk/full.jsonl.gz",
            "/api/v1/ocds/bulk/2026.jsonl.gz",
            &month_zip,
            "/api/v1/ocds/releases",
            "/datos-abiertos/politica",
        ] {
            assert!(
                page.contains(&format!("href=\"{link}\"")),
                "{lang}: no link to {link}"
            );
        }
        let policy = page_text(&client, app.url("/datos-abiertos/politica")).await;
        assert!(policy.contains(withheld), "{lang}: {policy}");
        assert!(policy.contains("ocds-licita-"), "{lang}");
        // Every page's footer leads here.
        let home = page_text(&client, app.url("/")).await;
        assert!(home.contains("href=\"/datos-abiertos\""), "{lang}");
    }
}

#[tokio::test]
async fn a_bulk_file_beyond_those_being_made_at_once_is_told_when_to_come_back() {
    let app =
        TestApp::spawn_cast_with(Db::Sqlite, &[("LICITA_OCDS_BULK_AT_ONCE", "1")], &[OFFICER])
            .await;
    let state = backend::AppState(app.app.clone());
    // One file is being made (its place held as a download holds it while it streams).
    let place = backend::ocds::bulk::admit_export(&state).expect("the one place");
    for file in ["full.jsonl.gz", "full.csv", "2026.jsonl.gz"] {
        let busy = app
            .client()
            .get(app.url(&format!("/api/v1/ocds/bulk/{file}")))
            .send()
            .await
            .expect("busy");
        assert_eq!(busy.status(), 429, "{file}");
        assert_eq!(busy.headers()["retry-after"], "30", "{file}");
    }
    // Revalidating costs nothing and is still answered; an unknown file is still a 404.
    let unknown = app
        .client()
        .get(app.url("/api/v1/ocds/bulk/todo.zip"))
        .send()
        .await
        .expect("unknown");
    assert_eq!(unknown.status(), 404);
    drop(place);
    let (lines, etag) = bulk_lines(&app, "full.jsonl.gz").await;
    assert!(lines.is_empty(), "no process is published yet");
    let again = app
        .client()
        .get(app.url("/api/v1/ocds/bulk/full.jsonl.gz"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(again.status(), 304);
    // The place came back when the file was written.
    let place = backend::ocds::bulk::admit_export(&state).expect("free again");
    let cached = app
        .client()
        .get(app.url("/api/v1/ocds/bulk/full.jsonl.gz"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate while busy");
    assert_eq!(cached.status(), 304, "a 304 makes no file");
    drop(place);
}

#[tokio::test]
async fn a_client_over_its_quota_is_told_when_to_come_back() {
    let app = TestApp::spawn_cast_with(
        Db::Sqlite,
        &[("LICITA_OCDS_REQUESTS_PER_MINUTE", "3")],
        &[OFFICER],
    )
    .await;
    for _ in 0..3 {
        let ok = app
            .client()
            .get(app.url("/api/v1/ocds/releases"))
            .send()
            .await
            .expect("feed");
        assert_eq!(ok.status(), 200);
    }
    let over = app
        .client()
        .get(app.url("/api/v1/ocds/bulk/full.jsonl.gz"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("over");
    assert_eq!(over.status(), 429);
    let wait: u64 = over.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=21).contains(&wait), "{wait}");
    let problem: Value = over.json().await.expect("problem");
    assert_eq!(problem["status"], 429);
    // The pages and the rest of the API are not counted.
    let home = app.client().get(app.url("/")).send().await.expect("home");
    assert_eq!(home.status(), 200);
}

#[tokio::test]
async fn each_bid_is_judged_per_lot_and_the_tender_is_complete_only_once_its_awards_are_final() {
    use crate::awards::{bid_body, bid_of, disqualified, evaluate, opened_tender, scores};
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        // Both hand in the very same PDF.
        let with_copy = |mut body: Value| {
            use base64::Engine as _;
            body["documents"] = serde_json::json!([{
                "name": "propuesta.pdf",
                "content_base64": base64::engine::general_purpose::STANDARD.encode(crate::tenders::REAL_PDF),
            }]);
            body
        };
        let id = opened_tender(
            &app,
            &[
                (&andina, with_copy(bid_body("150000.00", Some("20000.00")))),
                (&sol, with_copy(bid_body("140000.00", Some("21000.00")))),
            ],
        )
        .await;
        let officer = app.token(OFFICER).await;
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
            .await;
        let (andina_bid, sol_bid) = (bid_of(&sheet, 1, "Andina"), bid_of(&sheet, 1, "Sol"));
        // Andina is valid on lot 1 and disqualified on lot 2.
        for (lot, bid, body) in [
            (1, andina_bid, scores("20", "10")),
            (1, sol_bid, scores("15", "5")),
            (2, andina_bid, disqualified()),
            (2, sol_bid, scores("20", "10")),
        ] {
            evaluate(&app, &officer, id, lot, bid, body).await;
        }
        // The same document from two companies is a red flag the officer must justify.
        let preview = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/1/award"), &officer)
            .await;
        assert_eq!(
            preview["flags"],
            serde_json::json!(["identical_documents"]),
            "{db:?}: {preview}"
        );
        let justification =
            "Las bases públicas fueron adjuntadas por ambos postores; no es una propuesta copiada.";
        let awarded = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &serde_json::json!({"justification": "Mayor puntaje total según las bases.",
                    "flag_justifications": {"identical_documents": justification}}),
            )
            .await;
        assert_eq!(awarded.status(), 201, "{db:?}: {:?}", awarded.text().await);
        let ocid = format!("ocds-licita-{id}");
        let record: Value = app
            .get_public(&format!("/api/v1/ocds/records/{ocid}"))
            .await;
        let compiled = &record["records"][0]["compiledRelease"];
        let detail = |id: String| {
            compiled["bids"]["details"]
                .as_array()
                .expect("details")
                .iter()
                .find(|d| d["id"] == id.as_str())
                .cloned()
                .unwrap_or_else(|| panic!("{db:?}: no {id} in {compiled}"))
        };
        // Each company carries its registered address and contact point, and the buyer its
        // procurement office's.
        let parties = compiled["parties"].as_array().expect("parties");
        let andina = parties
            .iter()
            .find(|p| {
                p["roles"]
                    .as_array()
                    .is_some_and(|r| r.contains(&Value::from("supplier")))
            })
            .unwrap_or_else(|| panic!("{db:?}: no supplier in {compiled}"));
        assert!(
            andina["address"]["region"].is_string()
                && andina["address"]["streetAddress"].is_string()
                && andina["address"]["countryName"] == "Perú",
            "{db:?}: {andina}"
        );
        assert!(
            andina["contactPoint"]["email"]
                .as_str()
                .is_some_and(|e| e.contains('@')),
            "{andina}"
        );
        let buyer = parties
            .iter()
            .find(|p| {
                p["roles"]
                    .as_array()
                    .is_some_and(|r| r.contains(&Value::from("buyer")))
            })
            .expect("buyer");
        assert_eq!(
            buyer["address"]["streetAddress"], "Jr. de la Unión 300",
            "{buyer}"
        );
        assert_eq!(buyer["address"]["region"], "Lima");
        assert!(buyer["contactPoint"]["email"].is_string(), "{buyer}");
        assert!(buyer["contactPoint"].get("telephone").is_none(), "{buyer}");
        let won = detail(format!("bid-{andina_bid}-lot-1"));
        assert_eq!(won["status"], "valid", "{db:?}");
        assert_eq!(won["relatedLots"], serde_json::json!(["lot-1"]));
        assert_eq!(won["value"]["amount"], 150000.0);
        assert_eq!(
            detail(format!("bid-{andina_bid}-lot-2"))["status"],
            "disqualified",
            "{db:?}"
        );
        let award = &compiled["awards"][0];
        assert_eq!(award["relatedBid"], format!("bid-{andina_bid}-lot-1"));
        // The flag and its justification are in the open data, as Licita shows them.
        assert_eq!(
            award["redFlags"][0]["code"], "identical_documents",
            "{award}"
        );
        assert_eq!(award["redFlags"][0]["justification"], justification);
        assert_eq!(award["items"][0]["relatedLot"], "lot-1", "{award}");
        let valid_on_lot_2 = compiled["bids"]["statistics"]
            .as_array()
            .expect("statistics")
            .iter()
            .find(|s| s["measure"] == "validBids" && s["relatedLot"] == "lot-2")
            .expect("validBids of lot 2")["value"]
            .clone();
        assert_eq!(valid_on_lot_2, 1, "{db:?}");
        assert_eq!(compiled["tender"]["numberOfTenderers"], 2, "{db:?}");
        assert_eq!(
            compiled["tender"]["procuringEntity"]["id"],
            compiled["buyer"]["id"]
        );
        // In its standstill the award is pending and lot 2 undecided: the tender is active.
        assert_eq!(award["status"], "pending");
        assert_eq!(compiled["tender"]["status"], "active", "{db:?}");
        assert!(compiled["tender"].get("statusDetails").is_none());
        app.stop().await;
    }
}

/// The records of `ocids` — processes that are not tenders (a framework agreement, orders from
/// its catalogue) — checked as every tender's are: each record package and each release
/// valid against the extended schema (Techniques included), the releases accepted by
/// libcoveocds, each record compiled as ocdskit compiles it, and every ocid in the feed and in
/// the full bulk file. Returns the records, for the caller's own assertions.
pub(crate) async fn records_of_processes(app: &TestApp, db: Db, ocids: &[&str]) -> Vec<Value> {
    let mut records = Vec::new();
    let dir = schema_dir();
    let schemas = dir.as_deref().map(Schemas::load);
    for ocid in ocids {
        let package: Value = app
            .get_public(&format!("/api/v1/ocds/records/{ocid}"))
            .await;
        let record = package["records"][0].clone();
        assert_eq!(record["ocid"], *ocid, "{db:?}: {package}");
        if let Some(schemas) = &schemas {
            let found = errors(&schemas.record_package, &package);
            assert!(found.is_empty(), "{db:?} {ocid} record package: {found:?}");
            for release in record["releases"].as_array().expect("releases") {
                let found = errors(&schemas.release, release);
                assert!(found.is_empty(), "{db:?} {}: {found:?}", release["id"]);
            }
        }
        records.push(record);
    }
    let (releases, packages) = walk_feed(app, 100).await;
    let (lines, _) = bulk_lines(app, "full.jsonl.gz").await;
    for ocid in ocids {
        assert!(
            releases.iter().any(|r| r["ocid"] == *ocid),
            "{db:?}: {ocid} in the feed"
        );
        assert!(
            lines.iter().any(|l| l["ocid"] == *ocid),
            "{db:?}: {ocid} in the bulk file"
        );
    }
    if let Some(dir) = dir {
        agrees_with_ocdskit(app, &dir, ocids, db).await;
        let ours: Vec<Value> = releases
            .iter()
            .filter(|r| ocids.contains(&r["ocid"].as_str().unwrap_or_default()))
            .cloned()
            .collect();
        let mut package = packages[0].clone();
        package["releases"] = Value::from(ours);
        if let Some(errors) = libcove_errors(&dir, &package, "catalogue-releases").await {
            assert_eq!(errors, serde_json::json!([]), "{db:?}: libcoveocds");
        }
    }
    records
}
