//! The open-data benchmark (not a test): fills a database with generated contracting
//! processes with their whole life, then measures the bulk export, the release-package page
//! of the change feed at several depths, and the transparency dashboard over everything.
//!
//! ```text
//! cargo bench --bench open_data -- --database-url sqlite:///tmp/bench-ocds.db --tenders 100000
//! cargo bench --bench open_data -- --database-url postgres://postgres@127.0.0.1/licita_ocds --tenders 100000
//! ```
//!
//! **The generator** (deterministic, a fixed seed; idempotent: it tops up to `--tenders`)
//! writes each process's rows as the application would leave them at its end: 1–3 lots;
//! 2–5 bids from distinct companies, each pricing every lot; the opening; an evaluation per
//! bid and lot (one in ten inadmissible); per lot the award to the cheapest admissible bid
//! (or the lot declared unsuccessful), a red flag when one bid was left; a contract for
//! 85 % of the awards, a 10 % modification for one contract in ten, a dismissed complaint
//! for one award in twenty. Then the process's OCDS releases: its release is built once by
//! `ocds::on_event` from those rows and stored four times, as the `tender`,
//! `tenderUpdate` (opening), `award` and `contract` releases with their own id, tag and date
//! (so each release is the size of a finished process's — the heaviest case for the export),
//! and its compiled release stored as each release stores it. The dashboard's counts are
//! rebuilt once from the tables for all processes (`projection::figures::rebuild`, timed).
//!
//! **The measures.** The export is `ocds::bulk::compiled` (JSON lines, gzip) — the function behind
//! `licita export ocds` and `GET /api/v1/ocds/bulk/full.jsonl.gz` — streamed to a file; its
//! peak memory is the process's high-water mark (`VmHWM`, reset through
//! `/proc/self/clear_refs` just before) minus its resident size at rest. The feed page is
//! `ocds::releases` (100 releases, `links.next` included) after sequence 0, the middle and
//! the end; the dashboard is `transparency::dashboard_in` with no filter.

use backend::{
    App, AppState,
    clock::ManualClock,
    config::Settings,
    db::DbConnection,
    ocds::{
        self, ReleaseQuery,
        bulk::{Bulk, Format},
    },
    transparency::{self, DashboardFilter},
};
use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use diesel::{
    AggregateExpressionMethods, ExpressionMethods, QueryDsl, RunQueryDsl,
    connection::SimpleConnection,
};
use futures_util::StreamExt;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::{io::Write, sync::Arc, time::Instant};

const PRODUCTS: &[(&str, &str, &str)] = &[
    ("computadoras portátiles", "goods", "43211503"),
    ("mascarillas N95", "goods", "42131600"),
    ("oxígeno medicinal", "goods", "12142100"),
    ("mobiliario escolar", "goods", "56101500"),
    ("cemento portland", "goods", "30111600"),
    ("alimentos para programas sociales", "goods", "50192100"),
    ("limpieza de locales", "services", "76111500"),
    ("vigilancia privada", "services", "92121500"),
    ("mantenimiento de vías vecinales", "works", "72141100"),
    ("construcción de aulas", "works", "72121400"),
];
const METHODS: &[&str] = &[
    "licitacion_publica",
    "concurso_publico",
    "adjudicacion_simplificada",
    "subasta_inversa_electronica",
    "comparacion_precios",
    "contratacion_directa",
];
/// Generated companies that bid.
const COMPANIES: i64 = 200;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn bench_now() -> NaiveDateTime {
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0)
        .single()
        .expect("date")
        .naive_utc()
}

/// A figure of `/proc/self/status` in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentiles(mut times: Vec<f64>) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    (pct(0.50), pct(0.95), pct(0.99))
}

fn main() {
    let url = arg("--database-url").unwrap_or_else(|| "sqlite://target/bench-ocds.db".into());
    let count: i64 = arg("--tenders")
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(100);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("none.toml"), "").expect("config");
    let settings = Settings::from_lookup(|k| match k {
        "LICITA_DATABASE_URL" => Some(url.clone()),
        "LICITA_DATA_DIR" => Some(dir.path().display().to_string()),
        "LICITA_MAIL_TRANSPORT" => Some("memory".into()),
        "LICITA_CONFIG" => Some(dir.path().join("none.toml").display().to_string()),
        "LICITA_DB_POOL_SIZE" => Some("2".into()),
        _ => None,
    })
    .expect("settings");
    let clock = ManualClock::new(bench_now().and_utc());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let app = Arc::new(App::start(settings, Arc::new(clock)).expect("app starts"));
    let state = AppState(app.clone());
    {
        let mut conn = app.db.get().expect("connection");
        if processes(&mut conn) == 0 {
            runtime
                .block_on(backend::seed::seed(&app))
                .expect("demo data");
        }
        let existing = processes(&mut conn);
        if existing < count {
            let started = Instant::now();
            generate(&mut conn, count - existing);
            eprintln!(
                "generated {} processes in {:.1} s",
                count - existing,
                started.elapsed().as_secs_f64()
            );
        }
    }
    // The dashboard's counts, rebuilt from the tables in one pass (what a database from
    // before the projection gets at start-up), timed.
    let rebuild_s = {
        let mut conn = app.db.get().expect("connection");
        let started = Instant::now();
        let n = backend::db::write_transaction(&mut conn, backend::projection::figures::rebuild)
            .expect("rebuild");
        let s = started.elapsed().as_secs_f64();
        eprintln!("rebuilt the figures of {n} tenders in {s:.1} s");
        s
    };
    let mut conn = app.db.get().expect("connection");
    let total = processes(&mut conn);
    let releases: i64 = backend::schema::ocds_releases::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    let engine = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!("\n{engine}: {total} processes, {releases} releases\n");

    // The export, with the process's memory at rest as the baseline.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let idle_kb = status_kb("VmRSS:");
    let output = dir.path().join("full.jsonl.gz");
    let started = Instant::now();
    let bytes = runtime.block_on(async {
        let mut file = std::fs::File::create(&output).expect("output");
        let place = ocds::bulk::admit_export(&state).expect("a free place");
        let mut stream = std::pin::pin!(ocds::bulk::compiled(
            &state,
            place,
            Bulk::Full,
            Format::JsonLinesGz,
            None,
        ));
        let mut bytes = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.expect("chunk");
            bytes += chunk.len();
            file.write_all(&chunk).expect("write");
        }
        bytes
    });
    let export_s = started.elapsed().as_secs_f64();
    let peak_kb = status_kb("VmHWM:");
    // The file reads back whole (its gzip members one after another): one line a process.
    {
        use std::io::BufRead;
        let file = std::fs::File::open(&output).expect("output");
        let lines = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file))
            .lines()
            .count();
        assert_eq!(lines as i64, total, "one line per process");
    }
    println!("| Measure | result | target |");
    println!("|---|---:|---:|");
    println!(
        "| export of every compiled release to `full.jsonl.gz` ({:.1} MB) | {export_s:.2} s | ≤ 5 s |",
        bytes as f64 / 1e6
    );
    println!(
        "| its peak resident memory above rest ({:.0} MB at rest) | {:.1} MB | ≤ 64 MB |",
        idle_kb as f64 / 1024.0,
        peak_kb.saturating_sub(idle_kb) as f64 / 1024.0
    );

    // The feed page at three depths.
    let max_seq: i64 = backend::schema::ocds_releases::table
        .select(diesel::dsl::max(backend::schema::ocds_releases::seq))
        .first::<Option<i64>>(&mut conn)
        .expect("max")
        .unwrap_or(0);
    for (name, after) in [
        ("first", 0),
        ("middle", max_seq / 2),
        ("last full", (max_seq - 100).max(0)),
    ] {
        let query = ReleaseQuery {
            after: Some(after),
            limit: Some(100),
            ..Default::default()
        };
        let mut times = Vec::with_capacity(runs);
        for i in 0..runs + 5 {
            let started = Instant::now();
            let page = runtime
                .block_on(ocds::releases(&state, &query))
                .expect("page");
            if i >= 5 {
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            assert_eq!(page["releases"].as_array().map(Vec::len), Some(100));
        }
        let (p50, p95, p99) = percentiles(times);
        println!(
            "| release package of 100, {name} page (after {after}) | p50 {p50:.1} / p95 {p95:.1} / p99 {p99:.1} ms | p95 ≤ 50 ms |"
        );
    }

    // The dashboard over everything.
    let dashboard_runs = (runs / 5).max(10);
    let mut times = Vec::with_capacity(dashboard_runs);
    for i in 0..dashboard_runs + 2 {
        let started = Instant::now();
        let dashboard =
            transparency::dashboard_in(&mut conn, &DashboardFilter::default()).expect("dashboard");
        if i >= 2 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        assert!(dashboard.total.tenders_published >= total);
    }
    let (p50, p95, p99) = percentiles(times);
    println!(
        "| dashboard, every buyer, no filter | p50 {p50:.1} / p95 {p95:.1} / p99 {p99:.1} ms | p95 ≤ 200 ms |"
    );
    println!(
        "| rebuild of every tender's dashboard counts from the tables | {rebuild_s:.1} s | — |"
    );
    println!(
        "\nopen-data-100k {engine}: export {export_s:.2} s, {:.1} MB above rest; feed p95 ok; dashboard p95 {p95:.1} ms",
        peak_kb.saturating_sub(idle_kb) as f64 / 1024.0
    );
}

/// Processes with releases.
fn processes(conn: &mut DbConnection) -> i64 {
    use backend::schema::ocds_releases;
    ocds_releases::table
        .select(diesel::dsl::count(ocds_releases::ocid).aggregate_distinct())
        .first(conn)
        .expect("count")
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn ts(t: NaiveDateTime) -> String {
    quote(&t.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn next_id(conn: &mut DbConnection, table: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS id FROM {table}");
    let max: Max = match conn {
        DbConnection::Postgresql(c) => diesel::sql_query(sql).get_result(c),
        DbConnection::Sqlite(c) => diesel::sql_query(sql).get_result(c),
    }
    .expect("max id");
    max.id + 1
}

/// The rows of one batch, as `INSERT … VALUES` lists per table.
#[derive(Default)]
struct Batch {
    tenders: Vec<String>,
    lots: Vec<String>,
    seals: Vec<String>,
    bids: Vec<String>,
    prices: Vec<String>,
    evaluations: Vec<String>,
    awards: Vec<String>,
    flags: Vec<String>,
    contracts: Vec<String>,
    modifications: Vec<String>,
    complaints: Vec<String>,
    /// (tender, publication, opening, award, contract signature)
    events: Vec<(
        i64,
        NaiveDateTime,
        NaiveDateTime,
        NaiveDateTime,
        NaiveDateTime,
    )>,
}

/// Makes `n` processes in batches of 500, one transaction each.
fn generate(conn: &mut DbConnection, n: i64) {
    use backend::schema::{buyers, users};
    let mut rng = StdRng::seed_from_u64(20261202);
    let now = bench_now();
    let postgres = matches!(conn, DbConnection::Postgresql(_));
    let buyer_ids: Vec<i64> = buyers::table.select(buyers::id).load(conn).expect("buyers");
    let officer: i64 = users::table
        .filter(users::role.eq("officer"))
        .select(users::id)
        .first(conn)
        .expect("an officer");
    // The companies that bid.
    let first_company = next_id(conn, "suppliers");
    let have: i64 = backend::schema::suppliers::table
        .count()
        .get_result(conn)
        .expect("suppliers");
    if have < COMPANIES {
        let rows: Vec<String> = (0..COMPANIES)
            .map(|i| {
                let id = first_company + i;
                format!(
                    "({id}, '20{:09}', 'Empresa de prueba {id} S.A.C.', 'sac', 'Lima', 'Lima', 'Lima', 'Av. Prueba {id}', 'ventas{id}@ejemplo.pe', '01 555 0000', 'verified', 'empresa de prueba {id}', {}, {})",
                    id,
                    ts(now),
                    ts(now)
                )
            })
            .collect();
        conn.batch_execute(&format!(
            "INSERT INTO suppliers (id, ruc, legal_name, legal_form, department, province, district, address, contact_email, contact_phone, status, search_text, created_at, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .expect("companies");
    }
    let companies: Vec<i64> = backend::schema::suppliers::table
        .select(backend::schema::suppliers::id)
        .load(conn)
        .expect("companies");
    let envelope = if postgres { "'\\x00'::bytea" } else { "X'00'" };
    let (mut tender_id, mut bid_id, mut award_id, mut contract_id) = (
        next_id(conn, "tenders"),
        next_id(conn, "bids"),
        next_id(conn, "awards"),
        next_id(conn, "contracts"),
    );
    let batch_size = 500;
    let mut done = 0;
    let started = Instant::now();
    while done < n {
        let size = batch_size.min(n - done);
        let mut b = Batch::default();
        for _ in 0..size {
            let t = tender_id;
            tender_id += 1;
            let (product, category, classification) = PRODUCTS[rng.gen_range(0..PRODUCTS.len())];
            let method = METHODS[rng.gen_range(0..METHODS.len())];
            let buyer = buyer_ids[rng.gen_range(0..buyer_ids.len())];
            let published = now - Duration::minutes(rng.gen_range(60 * 24 * 60..3 * 525_600));
            let deadline = published + Duration::days(rng.gen_range(8..30));
            let opening = deadline + Duration::hours(2);
            let awarded = opening + Duration::days(rng.gen_range(3..20));
            let signed = awarded + Duration::days(rng.gen_range(9..20));
            let lots = rng.gen_range(1..=3);
            let estimates: Vec<i64> = (0..lots)
                .map(|_| rng.gen_range(5_000_000..500_000_000))
                .collect();
            let title = format!("Adquisición de {product} — proceso {t}");
            b.tenders.push(format!(
                "({t}, {buyer}, {officer}, {}, {}, '{method}', '{category}', '{classification}', 'PEN', {}, 'lowest_price', {}, {}, {}, 2, 'awarded', 'ocds-bench-{t}', {}, {}, {}, {})",
                quote(&title),
                quote(&format!("Contratación de {product}.")),
                estimates.iter().sum::<i64>(),
                ts(deadline - Duration::days(3)),
                ts(deadline),
                ts(opening),
                ts(published),
                quote(&title.to_lowercase()),
                ts(published),
                ts(signed),
            ));
            for (l, estimate) in estimates.iter().enumerate() {
                b.lots.push(format!(
                    "({t}, {}, 'Lote {}', '10', 'unidad', {estimate})",
                    l + 1,
                    l + 1
                ));
            }
            b.seals.push(format!(
                "({t}, 'bench', 2, {}, {}, {})",
                ts(published),
                ts(deadline),
                ts(opening + Duration::minutes(20))
            ));
            // Distinct bidders.
            let bidders = rng.gen_range(2..=5);
            let mut chosen: Vec<i64> = Vec::new();
            while chosen.len() < bidders {
                let c = companies[rng.gen_range(0..companies.len())];
                if !chosen.contains(&c) {
                    chosen.push(c);
                }
            }
            let first_bid = bid_id;
            for company in &chosen {
                b.bids.push(format!(
                    "({bid_id}, {t}, {company}, {officer}, 'submitted', 'server', {envelope}, 'x', 1, {}, {}, 'x')",
                    ts(deadline - Duration::days(1)),
                    ts(deadline - Duration::days(1)),
                ));
                bid_id += 1;
            }
            for (l, estimate) in estimates.iter().enumerate() {
                let lot = l + 1;
                // (bid, price, admissible)
                let mut offers: Vec<(i64, i64, bool)> = (0..bidders as i64)
                    .map(|i| {
                        (
                            first_bid + i,
                            estimate * rng.gen_range(80..110) / 100,
                            !rng.gen_bool(0.1),
                        )
                    })
                    .collect();
                for (bid, price, admissible) in &offers {
                    b.prices.push(format!("({bid}, {lot}, {price}, 'PEN')"));
                    b.evaluations.push(format!(
                        "({bid}, {lot}, {}, {}, {}, '[]', {officer}, {})",
                        if *admissible { "TRUE" } else { "FALSE" },
                        if *admissible {
                            "NULL"
                        } else {
                            "'technical_noncompliance'"
                        },
                        if *admissible {
                            "NULL"
                        } else {
                            "'No cumple la ficha técnica.'"
                        },
                        ts(opening + Duration::days(1))
                    ));
                }
                offers.retain(|o| o.2);
                offers.sort_by_key(|o| o.1);
                let a = award_id;
                award_id += 1;
                match offers.first() {
                    Some((bid, price, _)) => {
                        b.awards.push(format!(
                            "({a}, {t}, {lot}, {bid}, 'final', {price}, 'PEN', '[]', 'Mejor oferta admitida.', {officer}, {}, {}, {}, NULL)",
                            ts(awarded),
                            ts(awarded + Duration::days(8)),
                            ts(awarded + Duration::days(8)),
                        ));
                        if offers.len() == 1 {
                            b.flags.push(format!(
                                "({a}, 'single_bid', 'Mercado reducido.', {})",
                                ts(awarded)
                            ));
                        }
                        if rng.gen_bool(0.05) {
                            let loser = chosen[rng.gen_range(0..chosen.len())];
                            b.complaints.push(format!(
                                "({a}, {loser}, {officer}, 'La evaluación no siguió las bases.', {}, 'dismissed', {officer}, {}, 'Infundada.')",
                                ts(awarded + Duration::days(2)),
                                ts(awarded + Duration::days(6)),
                            ));
                        }
                        if rng.gen_bool(0.85) {
                            let c = contract_id;
                            contract_id += 1;
                            b.contracts.push(format!(
                                "({c}, {a}, {}, {price}, 'PEN', 90, 'active', {officer}, {})",
                                quote(&signed.date().to_string()),
                                ts(signed)
                            ));
                            if rng.gen_bool(0.1) {
                                b.modifications.push(format!(
                                    "({c}, 1, 'Mayores metrados.', {}, 1000, {officer}, {})",
                                    price / 10,
                                    ts(signed + Duration::days(30))
                                ));
                            }
                        }
                    }
                    None => b.awards.push(format!(
                        "({a}, {t}, {lot}, NULL, 'unsuccessful', NULL, 'PEN', '[]', 'Ninguna oferta admitida.', {officer}, {}, NULL, NULL, NULL)",
                        ts(awarded)
                    )),
                }
            }
            b.events.push((t, published, opening, awarded, signed));
        }
        let mut sql = String::new();
        let mut insert = |table: &str, columns: &str, rows: &[String]| {
            if !rows.is_empty() {
                sql.push_str(&format!(
                    "INSERT INTO {table} ({columns}) VALUES {};\n",
                    rows.join(", ")
                ));
            }
        };
        insert(
            "tenders",
            "id, buyer_id, created_by, title, description, method, category, classification, currency, estimated_value, award_criteria, enquiry_deadline, submission_deadline, opening_at, committee_threshold, status, ocid, published_at, search_text, created_at, updated_at",
            &b.tenders,
        );
        insert(
            "tender_lots",
            "tender_id, number, title, quantity, unit, estimated_value",
            &b.lots,
        );
        insert(
            "tender_seals",
            "tender_id, recipient, threshold, created_at, frozen_at, opened_at",
            &b.seals,
        );
        insert(
            "bids",
            "id, tender_id, supplier_id, submitted_by, status, sealed_by, envelope, envelope_sha256, envelope_size, submitted_at, confirmed_at, receipt_signature",
            &b.bids,
        );
        insert(
            "bid_prices",
            "bid_id, lot_number, amount, currency",
            &b.prices,
        );
        insert(
            "bid_evaluations",
            "bid_id, lot_number, admissible, disqualification_ground, disqualification_note, scores, evaluated_by, evaluated_at",
            &b.evaluations,
        );
        insert(
            "awards",
            "id, tender_id, lot_number, bid_id, status, amount, currency, ranking, justification, awarded_by, awarded_at, standstill_ends_at, final_at, cancelled_at",
            &b.awards,
        );
        insert(
            "award_flags",
            "award_id, code, justification, raised_at",
            &b.flags,
        );
        insert(
            "complaints",
            "award_id, supplier_id, filed_by, grounds, filed_at, status, decided_by, decided_at, reasoning",
            &b.complaints,
        );
        insert(
            "contracts",
            "id, award_id, signed_on, value, currency, duration_days, status, recorded_by, recorded_at",
            &b.contracts,
        );
        insert(
            "contract_modifications",
            "contract_id, number, reason, value_change, basis_points, recorded_by, recorded_at",
            &b.modifications,
        );
        backend::db::write_transaction(conn, |conn| {
            conn.batch_execute(&sql)?;
            for (t, published, opening, awarded, signed) in &b.events {
                releases_of(
                    conn,
                    *t,
                    &[
                        ("tender", *published),
                        ("tenderUpdate", *opening),
                        ("award", *awarded),
                        ("contract", *signed),
                    ],
                )?;
            }
            Ok::<_, backend::AppError>(())
        })
        .expect("batch");
        done += size;
        if done % 10_000 == 0 || done == n {
            eprintln!("  {done} / {n} ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    if let DbConnection::Postgresql(c) = conn {
        c.batch_execute(
            "SELECT setval(pg_get_serial_sequence('tenders', 'id'), (SELECT MAX(id) FROM tenders));
             SELECT setval(pg_get_serial_sequence('bids', 'id'), (SELECT MAX(id) FROM bids));
             SELECT setval(pg_get_serial_sequence('awards', 'id'), (SELECT MAX(id) FROM awards));
             SELECT setval(pg_get_serial_sequence('contracts', 'id'), (SELECT MAX(id) FROM contracts));
             SELECT setval(pg_get_serial_sequence('suppliers', 'id'), (SELECT MAX(id) FROM suppliers));
             ANALYZE;",
        )
        .expect("sequences");
    } else {
        conn.batch_execute("ANALYZE").expect("analyze");
    }
}

/// Tender `t`'s releases: built once from its rows by `ocds::on_event`, then stored again
/// under each later tag with its own id and date.
fn releases_of(
    conn: &mut DbConnection,
    t: i64,
    events: &[(&str, NaiveDateTime)],
) -> Result<(), backend::AppError> {
    use backend::schema::ocds_releases;
    let Some(((_, first_at), rest)) = events.split_first() else {
        return Ok(());
    };
    ocds::on_event(
        conn,
        backend::domain::TenderId(t),
        "tender.published",
        *first_at,
    )?;
    let (ocid, buyer, body): (String, i64, String) = ocds_releases::table
        .filter(ocds_releases::tender_id.eq(t))
        .select((
            ocds_releases::ocid,
            ocds_releases::buyer_id,
            ocds_releases::body,
        ))
        .first(conn)?;
    let mut release: serde_json::Value =
        serde_json::from_str(&body).map_err(backend::AppError::internal)?;
    for (n, (tag, at)) in rest.iter().enumerate() {
        let id = format!("{ocid}-{:03}", n + 2);
        release["id"] = serde_json::json!(id);
        release["tag"] = serde_json::json!([tag]);
        release["date"] = serde_json::json!(backend::domain::utc::format(*at));
        diesel::insert_into(ocds_releases::table)
            .values((
                ocds_releases::ocid.eq(&ocid),
                ocds_releases::release_id.eq(&id),
                ocds_releases::tender_id.eq(t),
                ocds_releases::buyer_id.eq(buyer),
                ocds_releases::tag.eq(*tag),
                ocds_releases::released_at.eq(*at),
                ocds_releases::body.eq(release.to_string()),
            ))
            .execute(conn)?;
    }
    ocds::store_compiled(conn, Some(backend::domain::TenderId(t)), &ocid)
}
