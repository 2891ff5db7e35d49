//! The tender search benchmark (not a test): fills a database with generated tenders and
//! times five representative searches through `backend::tenders::search`, the function the
//! API and the pages call.
//!
//! ```text
//! cargo bench --bench tender_search -- --database-url sqlite:///tmp/bench.db --tenders 1000000
//! cargo bench --bench tender_search -- --database-url postgres://postgres@127.0.0.1/licita_bench --tenders 1000000
//! ```
//!
//! The generator is deterministic (a fixed seed), idempotent (it tops the table up to
//! `--tenders`) and bulk-loads rows with the same normalised search text the application
//! writes (and, on SQLite, the same FTS5 stems). It prints a Markdown table of p50/p95/p99 per
//! query for `BENCHMARKS.md`.

use backend::{
    App,
    clock::ManualClock,
    config::Settings,
    db::DbConnection,
    tenders::{self, TenderQuery, search::normalize, search::stems},
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
    let total = count_tenders(&mut conn);
    let queries: Vec<(&str, TenderQuery)> = vec![
        (
            "free text: `computadoras portatiles`",
            TenderQuery {
                q: Some("computadoras portatiles".into()),
                ..Default::default()
            },
        ),
        (
            "text + filters: `mantenimiento`, open, services, S/ 100k–5M",
            TenderQuery {
                q: Some("mantenimiento".into()),
                status: Some("open".into()),
                procurement_category: Some("services".into()),
                value_min: Some("100000".into()),
                value_max: Some("5000000".into()),
                ..Default::default()
            },
        ),
        (
            "filters only: licitación pública, open, one buyer, by value",
            TenderQuery {
                method: Some("licitacion_publica".into()),
                status: Some("open".into()),
                buyer: Some("2".into()),
                sort: Some("-value".into()),
                ..Default::default()
            },
        ),
        (
            "deep page: open, page 500 of 20",
            TenderQuery {
                status: Some("open".into()),
                page: Some(500),
                per_page: Some(20),
                ..Default::default()
            },
        ),
        (
            "no match: `zzzxxy inexistente`",
            TenderQuery {
                q: Some("zzzxxy inexistente".into()),
                ..Default::default()
            },
        ),
    ];
    let engine = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!("\n{engine}, {total} tenders, {runs} runs per query (after 10 warm-up runs)\n");
    println!("| Query | matches | p50 ms | p95 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    let now = bench_now();
    for (name, query) in &queries {
        let mut times = Vec::with_capacity(runs);
        let mut matches = String::new();
        for i in 0..runs + 10 {
            let started = Instant::now();
            let page = tenders::search_in(&mut conn, query, now).expect("search");
            let elapsed = started.elapsed().as_secs_f64() * 1000.0;
            if i >= 10 {
                times.push(elapsed);
            }
            matches = format!(
                "{}{}",
                page.total,
                if page.total_is_lower_bound { "+" } else { "" }
            );
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)];
        println!(
            "| {name} | {matches} | {:.1} | {:.1} | {:.1} |",
            pct(0.50),
            pct(0.95),
            pct(0.99)
        );
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
    let postgres = matches!(conn, DbConnection::Postgresql(_));
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
    if postgres {
        conn.batch_execute("DROP INDEX IF EXISTS tenders_search")
            .expect("drop gin");
    }
    let batch = 2_000;
    let mut done = 0;
    while done < n {
        let size = batch.min(n - done);
        let mut rows = Vec::with_capacity(size as usize);
        let mut fts = Vec::new();
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
            fts.push(stems(&search_text).join(" "));
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
                c.batch_execute("BEGIN IMMEDIATE").expect("begin");
                c.batch_execute(&sql).expect("insert batch");
                let first: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                    "last_insert_rowid()",
                ))
                .get_result(c)
                .expect("rowid");
                let first = first - size + 1;
                let values: Vec<String> = fts
                    .iter()
                    .enumerate()
                    .map(|(i, terms)| format!("({}, {})", first + i as i64, quote(terms)))
                    .collect();
                c.batch_execute(&format!(
                    "INSERT INTO tender_search (rowid, terms) VALUES {}; COMMIT;",
                    values.join(", ")
                ))
                .expect("fts batch");
            }
        }
        done += size;
        if done % 100_000 == 0 {
            eprintln!("  {done} / {n}");
        }
    }
    match conn {
        DbConnection::Postgresql(c) => {
            eprintln!("building the GIN index and analysing");
            c.batch_execute(
                "CREATE INDEX IF NOT EXISTS tenders_search ON tenders USING GIN (search_vector); ANALYZE tenders;",
            )
            .expect("gin");
        }
        DbConnection::Sqlite(c) => {
            c.batch_execute(
                "ANALYZE; INSERT INTO tender_search (tender_search) VALUES ('optimize');",
            )
            .expect("analyze");
        }
    }
}
