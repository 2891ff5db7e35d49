//! The deadline-rush benchmark (not a test): suppliers submit sealed bids over HTTP to a real
//! Licita server, 64 clients at once: one tender with 2,000 bidders, then 200 tenders with 20
//! bidders each. Reports accepted bids per second, p50/p95/p99 latency and the process's peak
//! memory, checks that every accepted bid is stored exactly once, and on PostgreSQL runs
//! `pgbench` (insert-only, same concurrency) against the same server as the reference.
//!
//! ```text
//! cargo bench --bench deadline_rush -- --database-url sqlite:///tmp/rush.db
//! cargo bench --bench deadline_rush -- --database-url postgres://postgres@127.0.0.1/licita_rush
//! ```
//!
//! The database must be empty (a new SQLite path, or a new PostgreSQL database). Bidders are
//! loaded directly (2,000 verified companies); tenders go through drafting and publication.

mod common;

use backend::{
    App, auth,
    clock::SystemClock,
    config::Settings,
    domain::{Role, TenderId, UserId},
    schema::users,
};
use common::{arg, load_bidders, peak_rss_mib, percentile, publish_tenders, tempfile_dir};
use diesel::prelude::*;
use std::{
    sync::{Arc, Mutex},
    time::Instant,
};

struct Outcome {
    accepted: usize,
    refused: usize,
    seconds: f64,
    latencies_ms: Vec<f64>,
}

async fn rush(base: &str, jobs: Vec<(TenderId, String, u32)>, clients: usize) -> Outcome {
    let queue = Arc::new(Mutex::new(jobs));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let counts = Arc::new(Mutex::new((0usize, 0usize)));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (queue, latencies, counts) = (queue.clone(), latencies.clone(), counts.clone());
        let client = reqwest::Client::new();
        let base = base.to_owned();
        workers.push(tokio::spawn(async move {
            loop {
                let job = queue.lock().expect("queue").pop();
                let Some((tender, token, n)) = job else { break };
                let body = serde_json::json!({
                    "lots": [{"lot": 1, "amount": format!("{}.{:02}", 40_000 + n, n % 100)}],
                    "declarations": ["truthful", "not_debarred", "no_conflict_of_interest", "accepts_terms"],
                });
                let t = Instant::now();
                let status = client
                    .post(format!("{base}/api/v1/tenders/{tender}/bids"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("rush-{tender}-{n}"))
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                latencies
                    .lock()
                    .expect("latencies")
                    .push(t.elapsed().as_secs_f64() * 1000.0);
                let mut c = counts.lock().expect("counts");
                if status == 201 {
                    c.0 += 1;
                } else {
                    c.1 += 1;
                }
            }
        }));
    }
    for w in workers {
        w.await.expect("worker");
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut latencies_ms = latencies.lock().expect("latencies").clone();
    latencies_ms.sort_by(f64::total_cmp);
    let (accepted, refused) = *counts.lock().expect("counts");
    Outcome {
        accepted,
        refused,
        seconds,
        latencies_ms,
    }
}

fn pgbench(url: &str, clients: usize) -> Option<f64> {
    let script = std::env::temp_dir().join("licita-rush-insert.sql");
    std::fs::write(
        &script,
        "INSERT INTO rush_reference (bidder, price, at) VALUES (random() * 2000, random() * 100000, now());\n",
    )
    .ok()?;
    let setup = std::process::Command::new("psql")
        .arg(url)
        .arg("-qc")
        .arg("CREATE TABLE IF NOT EXISTS rush_reference (id BIGSERIAL PRIMARY KEY, bidder INT, price NUMERIC, at TIMESTAMPTZ)")
        .status()
        .ok()?;
    if !setup.success() {
        return None;
    }
    let out = std::process::Command::new("pgbench")
        .args([
            "-n",
            "-T",
            "15",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-f",
        ])
        .arg(&script)
        .arg(url)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
}

fn report(name: &str, o: &Outcome, expected: usize, stored: i64) {
    println!(
        "| {name} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} |",
        o.accepted,
        o.refused,
        o.accepted as f64 / o.seconds,
        percentile(&o.latencies_ms, 0.50),
        percentile(&o.latencies_ms, 0.95),
        percentile(&o.latencies_ms, 0.99),
        if o.accepted == expected && stored == expected as i64 {
            "none lost, none duplicated".to_owned()
        } else {
            format!(
                "MISMATCH: {expected} sent, {} accepted, {stored} stored",
                o.accepted
            )
        }
    );
}

fn main() {
    let url = arg("--database-url", "sqlite:///tmp/licita-rush.db");
    let clients: usize = arg("--clients", "64").parse().expect("--clients");
    let bidders: u32 = arg("--bidders", "2000").parse().expect("--bidders");
    let pool = arg("--pool", "16");
    let data = tempfile_dir();
    let settings = Settings::from_lookup(|k| match k {
        "LICITA_CONFIG" => Some(data.join("none.toml").display().to_string()),
        "LICITA_DATABASE_URL" => Some(url.clone()),
        "LICITA_DATA_DIR" => Some(data.display().to_string()),
        "LICITA_MAIL_TRANSPORT" => Some("memory".into()),
        "LICITA_DB_POOL_SIZE" => Some(pool.clone()),
        "LICITA_OPENING_KEY_WORK_FACTOR" => Some("10".into()),
        "LICITA_LOG" => Some("warn".into()),
        _ => None,
    })
    .expect("settings");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let app = Arc::new(App::start(settings, Arc::new(SystemClock)).expect("app starts"));
        backend::seed::seed(&app).await.expect("seed");
        let officer = {
            let state = app.clone();
            app.db
                .run(move |conn| {
                    let id: UserId = users::table
                        .filter(users::email.eq("compras@munlima.gob.pe"))
                        .select(users::id)
                        .first(conn)?;
                    let _ = &state;
                    auth::load_user(conn, id)
                })
                .await
                .expect("officer")
        };
        let bidder_ids = {
            let state = app.clone();
            tokio::task::spawn_blocking(move || load_bidders(&state, bidders))
                .await
                .expect("bidders")
        };
        let tokens: Vec<String> = bidder_ids
            .iter()
            .map(|id| {
                auth::issue_token(&app, *id, Role::Supplier)
                    .expect("token")
                    .0
            })
            .collect();
        let one = publish_tenders(&app, &officer, 1, "contratacion_directa").await;
        let many = publish_tenders(&app, &officer, 200, "contratacion_directa").await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(licita::serve(app.clone(), listener, async {
            let _ = stopped.await;
        }));
        let count = |ids: Vec<TenderId>| {
            let state = app.clone();
            async move {
                state
                    .db
                    .run(move |conn| {
                        Ok(backend::schema::bids::table
                            .filter(backend::schema::bids::tender_id.eq_any(ids))
                            .count()
                            .get_result::<i64>(conn)?)
                    })
                    .await
                    .expect("count")
            }
        };
        println!(
            "Database: {}; {clients} concurrent clients; pool of {pool} connections",
            app.db.redacted_url()
        );
        println!("| Scenario | Accepted | Refused | Bids/s | p50 ms | p95 ms | p99 ms | Check |");
        println!("|---|---|---|---|---|---|---|---|");
        let jobs: Vec<(TenderId, String, u32)> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (one[0], t.clone(), i as u32))
            .collect();
        let expected = jobs.len();
        let o = rush(&base, jobs, clients).await;
        report(
            &format!("1 tender × {bidders} bidders"),
            &o,
            expected,
            count(one.clone()).await,
        );
        let mut jobs = Vec::new();
        for (t, tender) in many.iter().enumerate() {
            for j in 0..20usize {
                let b = (t * 20 + j) % tokens.len();
                jobs.push((*tender, tokens[b].clone(), b as u32));
            }
        }
        let expected = jobs.len();
        let o = rush(&base, jobs, clients).await;
        report(
            "200 tenders × 20 bidders",
            &o,
            expected,
            count(many.clone()).await,
        );
        println!(
            "Peak memory of the process (server and load clients): {:.0} MiB",
            peak_rss_mib()
        );
        if url.starts_with("postgres") {
            match pgbench(&url, clients) {
                Some(tps) => {
                    println!("pgbench insert-only, {clients} clients, same database: {tps:.0} tps")
                }
                None => println!("pgbench unavailable"),
            }
        }
        let _ = stop.send(());
        let _ = server.await;
    });
}
