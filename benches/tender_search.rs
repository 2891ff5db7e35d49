//! The tender search benchmark (not a test): fills a database with generated tenders and
//! times thirteen representative searches (together every filter and sort, a deep page,
//! accents, a very common word, the any-word fallback) through `backend::tenders::search_in`,
//! the function the API and the pages call, and then over HTTP through the JSON route and the
//! page.
//!
//! ```text
//! cargo bench --bench tender_search -- --database-url sqlite:///tmp/bench.db --tenders 1000000
//! cargo bench --bench tender_search -- --database-url postgres://postgres@127.0.0.1/licita_bench --tenders 1000000
//! ```
//!
//! The generator is deterministic (a fixed seed), idempotent (it tops the table up to
//! `--tenders`) and bulk-loads rows with the same normalised search text the application
//! writes, then rebuilds the search projection from the tables (`licita search reindex`'s
//! function). It prints Markdown tables of p50/p95/p99 per query for `BENCHMARKS.md` and a
//! summary line per engine starting `search-1M <engine>:`.

use backend::{
    App,
    clock::ManualClock,
    config::Settings,
    db::DbConnection,
    tenders::{self, TenderQuery, search::normalize},
};
use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use diesel::{RunQueryDsl, connection::SimpleConnection};
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::{sync::Arc, time::Instant};

const PRODUCTS: &[(&str, &str, &str)] = &[
    ("computadoras de escritorio", "goods", "43211507"),
    ("computadoras portátiles", "goods", "43211503"),
    ("impresoras multifuncionales", "goods", "43212105"),
    ("servidores y almacenamiento", "goods", "43211501"),
    ("licencias de software ofimático", "goods", "43231500"),
    ("mascarillas N95", "goods", "42131600"),
    ("guantes de nitrilo", "goods", "42132200"),
    ("camas clínicas eléctricas", "goods", "42192200"),
    ("equipos de rayos X", "goods", "42201700"),
    ("insulina humana", "goods", "51181700"),
    ("vacunas contra la influenza", "goods", "51201600"),
    ("oxígeno medicinal", "goods", "12142100"),
    ("uniformes institucionales", "goods", "53102700"),
    ("botas de seguridad", "goods", "46181600"),
    ("útiles escolares", "goods", "44121600"),
    ("mobiliario de oficina", "goods", "56101500"),
    ("combustible diésel", "goods", "15101500"),
    ("cemento portland", "goods", "30111600"),
    ("señales de tránsito", "goods", "46161500"),
    ("luminarias LED", "goods", "39111500"),
    ("motobombas", "goods", "40151500"),
    ("ambulancias", "goods", "25101500"),
    ("camionetas 4x4", "goods", "25101500"),
    ("alimentos para programas sociales", "goods", "50192100"),
    ("contenedores de residuos", "goods", "47121700"),
    ("limpieza de locales", "services", "76111500"),
    ("vigilancia privada", "services", "92121500"),
    ("mantenimiento de áreas verdes", "services", "70111700"),
    ("mantenimiento de ambulancias", "services", "78181500"),
    (
        "mantenimiento de aire acondicionado",
        "services",
        "72101500",
    ),
    ("lavandería hospitalaria", "services", "91111500"),
    ("transporte de carga", "services", "78101800"),
    ("consultoría de obras", "services", "81101500"),
    ("supervisión de obras", "services", "81101500"),
    ("auditoría financiera", "services", "84111600"),
    ("capacitación del personal", "services", "86101700"),
    ("telecomunicaciones e internet", "services", "81161700"),
    ("fumigación y desinfección", "services", "70141500"),
    ("alimentación de pacientes", "services", "90101600"),
    ("seguros patrimoniales", "services", "84131500"),
    ("construcción de veredas", "works", "72141100"),
    ("construcción de puentes", "works", "72141500"),
    ("mejoramiento de carreteras", "works", "72141000"),
    ("rehabilitación de colegios", "works", "72111000"),
    ("construcción de hospitales", "works", "72121000"),
    ("saneamiento y agua potable", "works", "72141200"),
    ("electrificación rural", "works", "72151500"),
    ("canales de riego", "works", "72141300"),
];

const PLACES: &[&str] = &[
    "Lima",
    "Arequipa",
    "Cusco",
    "Puno",
    "Piura",
    "Trujillo",
    "Chiclayo",
    "Iquitos",
    "Huancayo",
    "Tacna",
    "Ayacucho",
    "Cajamarca",
    "Huaraz",
    "Tumbes",
    "Moquegua",
    "Abancay",
];

const PURPOSES: &[&str] = &[
    "para las sedes institucionales",
    "para los establecimientos de salud",
    "para las instituciones educativas",
    "para las agencias de atención al ciudadano",
    "para las oficinas regionales",
    "para la atención de emergencias",
];

const METHODS: &[&str] = &[
    "licitacion_publica",
    "concurso_publico",
    "adjudicacion_simplificada",
    "subasta_inversa_electronica",
    "comparacion_precios",
    "contratacion_directa",
];

/// Clients sending searches at the same time in the concurrent measurement.
const CLIENTS: usize = 8;

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

fn main() {
    // `cargo bench` also passes `--bench`; only our own flags matter.
    let url = arg("--database-url").unwrap_or_else(|| "sqlite://target/bench-tenders.db".into());
    let count: i64 = arg("--tenders")
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = arg("--runs").and_then(|n| n.parse().ok()).unwrap_or(200);
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
    let mut conn = app.db.get().expect("connection");
    let existing: i64 = count_tenders(&mut conn);
    if existing == 0 {
        runtime
            .block_on(backend::seed::seed(&app))
            .expect("demo data");
    }
    let existing = count_tenders(&mut conn);
    if existing < count {
        let started = Instant::now();
        generate(&mut conn, count - existing);
        eprintln!(
            "generated {} tenders in {:.1} s",
            count - existing,
            started.elapsed().as_secs_f64()
        );
    }
    if !backend::search_index::complete(&mut conn).expect("complete") {
        let started = Instant::now();
        let done = backend::search_index::reindex(&mut conn, &|_| ()).expect("reindex");
        eprintln!(
            "search projection of {} tenders rebuilt in {:.1} s",
            done.tenders,
            started.elapsed().as_secs_f64()
        );
    }
    let total = count_tenders(&mut conn);
    let engine = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let rest_kb = resident_kb();
    let started = Instant::now();
    app.search.refresh(&mut conn).expect("image");
    let load_s = started.elapsed().as_secs_f64();
    let image_mb = resident_kb().saturating_sub(rest_kb) as f64 / 1024.0;
    println!(
        "\n{engine}, {total} tenders: search image of {} tenders loaded in {load_s:.1} s, {image_mb:.0} MB resident; {}",
        app.search.len(),
        sizes(&mut conn)
    );
    let queries = queries();
    println!(
        "\nIn process (`backend::tenders::search_in`), {runs} runs per query after 10 warm-up runs\n"
    );
    println!("| # | Query | matches | p50 ms | p95 ms | p99 ms |");
    println!("|---|---|---:|---:|---:|---:|");
    let now = bench_now();
    let mut summary = Vec::new();
    for (n, (name, query)) in queries.iter().enumerate() {
        let mut times = Vec::with_capacity(runs);
        let mut matches = String::new();
        for i in 0..runs + 10 {
            let started = Instant::now();
            let page = tenders::search_in(&mut conn, &app.search, query, now).expect("search");
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            if i >= 10 {
                times.push(elapsed);
            }
            matches = format!(
                "{}{}{}",
                page.total,
                if page.total_is_lower_bound { "+" } else { "" },
                if page.any_word { " (any word)" } else { "" }
            );
        }
        let (p50, p95, p99) = percentiles(times);
        summary.push(format!("{p95:.1}"));
        println!(
            "| {} | {name} | {matches} | {p50:.1} | {p95:.1} | {p99:.1} |",
            n + 1
        );
    }
    drop(conn);

    // The same queries over HTTP, through the router `licita serve` runs.
    let http_runs = (runs / 2).max(20);
    let (api, pages, (rate, together)) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("port");
        let address = listener.local_addr().expect("address");
        let router = licita::router(backend::AppState(app.clone()));
        tokio::spawn(async move { axum::serve(listener, router).await });
        let client = reqwest::Client::new();
        let mut api = Vec::new();
        let mut pages = Vec::new();
        for (_, query) in &queries {
            let params = serde_urlencoded::to_string(query).expect("query");
            for (route, into) in [("/api/v1/tenders", &mut api), ("/licitaciones", &mut pages)] {
                let url = format!("http://{address}{route}?{params}");
                let mut times = Vec::with_capacity(http_runs);
                for i in 0..http_runs + 5 {
                    let started = Instant::now();
                    let response = client.get(&url).send().await.expect("request");
                    assert_eq!(response.status(), 200, "{url}");
                    response.bytes().await.expect("body");
                    if i >= 5 {
                        times.push(started.elapsed().as_secs_f64() * 1000.0);
                    }
                }
                into.push(percentiles(times));
            }
        }
        // Many citizens at once: every client sends the queries' API and page requests in
        // turn, all clients at the same time.
        let urls: Vec<String> = queries
            .iter()
            .flat_map(|(_, query)| {
                let params = serde_urlencoded::to_string(query).expect("query");
                ["/api/v1/tenders", "/licitaciones"]
                    .map(|route| format!("http://{address}{route}?{params}"))
            })
            .collect();
        let urls = Arc::new(urls);
        let started = Instant::now();
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                let client = client.clone();
                let urls = urls.clone();
                tokio::spawn(async move {
                    let mut times = Vec::with_capacity(http_runs);
                    for i in 0..http_runs {
                        let url = &urls[(c + i) % urls.len()];
                        let started = Instant::now();
                        let response = client.get(url).send().await.expect("request");
                        assert_eq!(response.status(), 200, "{url}");
                        response.bytes().await.expect("body");
                        times.push(started.elapsed().as_secs_f64() * 1000.0);
                    }
                    times
                })
            })
            .collect();
        let mut together = Vec::new();
        for client in clients {
            together.extend(client.await.expect("client"));
        }
        let rate = together.len() as f64 / started.elapsed().as_secs_f64();
        (api, pages, (rate, percentiles(together)))
    });
    println!(
        "\nOver HTTP (one client, keep-alive), {http_runs} runs per query after 5 warm-up runs\n"
    );
    println!(
        "| # | `GET /api/v1/tenders` p50 / p95 / p99 ms | `GET /licitaciones` p50 / p95 / p99 ms |"
    );
    println!("|---|---:|---:|");
    let mut http_summary = Vec::new();
    for (n, (a, p)) in api.iter().zip(&pages).enumerate() {
        http_summary.push(format!("{:.1}/{:.1}", a.1, p.1));
        println!(
            "| {} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} / {:.1} |",
            n + 1,
            a.0,
            a.1,
            a.2,
            p.0,
            p.1,
            p.2
        );
    }
    println!(
        "\n{CLIENTS} clients at once, {http_runs} requests each (every query, API and page in turn): {rate:.0} requests/s, p50 / p95 / p99 {:.1} / {:.1} / {:.1} ms",
        together.0, together.1, together.2
    );
    println!("\nsearch-1M {engine}: {}", summary.join(" "));
    println!(
        "search-1M {engine} over HTTP (api/page): {}",
        http_summary.join(" ")
    );
}

/// The queries, the five of 2026-11-21 first; together they use every filter and sort.
fn queries() -> Vec<(&'static str, TenderQuery)> {
    let q = |text: &str| Some(text.to_owned());
    vec![
        (
            "free text: `computadoras portatiles`",
            TenderQuery {
                q: q("computadoras portatiles"),
                ..Default::default()
            },
        ),
        (
            "text + filters: `mantenimiento`, open, services, S/ 100k–5M",
            TenderQuery {
                q: q("mantenimiento"),
                status: q("open"),
                procurement_category: q("services"),
                value_min: q("100000"),
                value_max: q("5000000"),
                ..Default::default()
            },
        ),
        (
            "filters only: licitación pública, open, one buyer, by value",
            TenderQuery {
                method: q("licitacion_publica"),
                status: q("open"),
                buyer: q("2"),
                sort: q("-value"),
                ..Default::default()
            },
        ),
        (
            "deep page: open, page 500 of 20",
            TenderQuery {
                status: q("open"),
                page: Some(500),
                per_page: Some(20),
                ..Default::default()
            },
        ),
        (
            "no match: `zzzxxy inexistente`",
            TenderQuery {
                q: q("zzzxxy inexistente"),
                ..Default::default()
            },
        ),
        (
            "very common word: `adquisición`, newest first",
            TenderQuery {
                q: q("adquisición"),
                sort: q("-published"),
                ..Default::default()
            },
        ),
        (
            "accents, three words: `construcción puentes Cusco`, latest deadline first",
            TenderQuery {
                q: q("construcción puentes Cusco"),
                sort: q("-deadline"),
                ..Default::default()
            },
        ),
        (
            "segment 72 (works) + deadline range of a month, oldest published first",
            TenderQuery {
                classification: q("72"),
                deadline_from: q("2026-12-01"),
                deadline_to: q("2026-12-31"),
                sort: q("published"),
                ..Default::default()
            },
        ),
        (
            "value S/ 1M–2M, cheapest first, page 3 of 50",
            TenderQuery {
                currency: q("PEN"),
                value_min: q("1000000"),
                value_max: q("2000000"),
                sort: q("value"),
                page: Some(3),
                per_page: Some(50),
                ..Default::default()
            },
        ),
        (
            "buyer + comparación de precios + closed, latest deadline first",
            TenderQuery {
                buyer: q("3"),
                method: q("comparacion_precios"),
                status: q("closed"),
                sort: q("-deadline"),
                ..Default::default()
            },
        ),
        (
            "any-word fallback: `mantenimiento de vías`",
            TenderQuery {
                q: q("mantenimiento de vías"),
                ..Default::default()
            },
        ),
        (
            "deep text page: `mantenimiento`, dearest first, page 400 of 25",
            TenderQuery {
                q: q("mantenimiento"),
                sort: q("-value"),
                page: Some(400),
                per_page: Some(25),
                ..Default::default()
            },
        ),
        (
            "cancelled, UNSPSC 43211503, goods, newest first",
            TenderQuery {
                status: q("cancelled"),
                classification: q("43211503"),
                procurement_category: q("goods"),
                sort: q("-published"),
                ..Default::default()
            },
        ),
    ]
}

fn percentiles(mut times: Vec<f64>) -> (f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    (pct(0.50), pct(0.95), pct(0.99))
}

/// This process's resident memory (Linux), in kB.
fn resident_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The on-disk size of the search projection and its indexes.
fn sizes(conn: &mut DbConnection) -> String {
    use diesel::sql_types::BigInt;
    #[derive(diesel::QueryableByName)]
    struct Size {
        #[diesel(sql_type = BigInt)]
        bytes: i64,
    }
    let query = match conn {
        DbConnection::Postgresql(_) => {
            "SELECT pg_total_relation_size('tender_search_rows') AS bytes"
        }
        DbConnection::Sqlite(_) => {
            "SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name LIKE '%tender_search_rows%'"
        }
    };
    match diesel::sql_query(query).get_result::<Size>(conn) {
        Ok(s) => format!(
            "projection with its indexes {:.0} MB on disk",
            s.bytes as f64 / 1e6
        ),
        Err(e) => format!("projection size unknown ({e})"),
    }
}

fn count_tenders(conn: &mut DbConnection) -> i64 {
    use diesel::QueryDsl;
    backend::schema::tenders::table
        .count()
        .get_result(conn)
        .expect("count")
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Inserts `n` generated published tenders in batches of 2,000, one transaction each.
fn generate(conn: &mut DbConnection, n: i64) {
    let mut rng = StdRng::seed_from_u64(20261121);
    let now = bench_now();
    let (buyers, officer): (Vec<(i64, String)>, i64) = {
        use backend::schema::{buyers, users};
        use diesel::{ExpressionMethods, QueryDsl};
        let b = buyers::table
            .select((buyers::id, buyers::name))
            .load(conn)
            .expect("buyers");
        let o = users::table
            .filter(users::role.eq("officer"))
            .select(users::id)
            .first(conn)
            .expect("an officer");
        (b, o)
    };
    let batch = 2_000;
    let mut done = 0;
    while done < n {
        let size = batch.min(n - done);
        let mut rows = Vec::with_capacity(size as usize);
        for _ in 0..size {
            let (product, category, classification) = PRODUCTS[rng.gen_range(0..PRODUCTS.len())];
            let place = PLACES[rng.gen_range(0..PLACES.len())];
            let purpose = PURPOSES[rng.gen_range(0..PURPOSES.len())];
            let (buyer_id, buyer_name) = &buyers[rng.gen_range(0..buyers.len())];
            let method = METHODS[rng.gen_range(0..METHODS.len())];
            let title = format!("Adquisición de {product} {purpose} de {place}");
            let description = format!(
                "Contratación de {product} {purpose}, con entrega en {place} y garantía según las especificaciones técnicas del expediente."
            );
            let search_text = normalize(&format!("{title} {description} {product} {buyer_name}"));
            let value: i64 = rng.gen_range(1_000_000..2_000_000_000);
            let deadline = now + Duration::minutes(rng.gen_range(-2 * 525_600..365 * 24 * 60));
            let published = deadline - Duration::days(rng.gen_range(10..40));
            let enquiry = deadline - Duration::days(3);
            let status = if deadline <= now {
                if rng.gen_bool(0.1) {
                    "cancelled"
                } else {
                    "closed"
                }
            } else if rng.gen_bool(0.08) {
                "cancelled"
            } else if enquiry <= now {
                "enquiries_closed"
            } else {
                "open"
            };
            let ts = |t: NaiveDateTime| quote(&t.format("%Y-%m-%d %H:%M:%S").to_string());
            rows.push(format!(
                "({buyer_id}, {officer}, {}, {}, '{method}', '{category}', '{classification}', 'PEN', {value}, 'lowest_price', {}, {}, {}, 2, '{status}', {}, {}, {}, {})",
                quote(&title),
                quote(&description),
                ts(enquiry),
                ts(deadline),
                ts(deadline + Duration::hours(2)),
                ts(published),
                quote(&search_text),
                ts(published),
                ts(published),
            ));
        }
        // Generated rows keep ocid NULL: it plays no part in search.
        let sql = format!(
            "INSERT INTO tenders (buyer_id, created_by, title, description, method, category, classification, currency, estimated_value, award_criteria, enquiry_deadline, submission_deadline, opening_at, committee_threshold, status, published_at, search_text, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        match conn {
            DbConnection::Postgresql(c) => {
                c.batch_execute(&format!("BEGIN; {sql}; COMMIT;"))
                    .expect("insert batch");
            }
            DbConnection::Sqlite(c) => {
                c.batch_execute(&format!("BEGIN IMMEDIATE; {sql}; COMMIT;"))
                    .expect("insert batch");
            }
        }
        done += size;
        if done % 100_000 == 0 {
            eprintln!("  {done} / {n}");
        }
    }
    conn.batch_execute("ANALYZE").expect("analyze");
}
