//! The live-auction benchmark (not a test): one reverse auction with 50 admitted bidders
//! placing lances as fast as the rules allow (each lowers its own price by the minimal step,
//! again and again) while 2,000 watchers follow it through server-sent events, half on each
//! of two servers behind one PostgreSQL database. Reports accepted lances per second, the
//! time from a lance's acceptance (its bidder has the answer) to its arrival at every watcher
//! (p50/p95/p99), the servers' memory per connected watcher, and checks that every watcher
//! received every lance once and in order.
//!
//! ```text
//! ulimit -n 20000   # 2,000 watchers are 4,000 sockets in the two processes
//! cargo bench --bench auction_live -- --database-url postgres://postgres@127.0.0.1/licita_live
//! ```
//!
//! `--pause-ms N` makes each bidder wait N ms after each answer (a paced auction instead of
//! one as fast as the rules allow); `--seconds`, `--bidders`, `--watchers` as named.
//!
//! The database must be empty. The servers run in this process (their memory is measured
//! here); the bidders and watchers in a child process of the same program (`--watch`). The
//! servers' clock stands still inside the auction's window, so the benchmark measures lances
//! and their fan-out, not the close.

mod common;

use backend::{
    App,
    auth::{self, CurrentUser},
    clock::{Clock, ManualClock},
    config::Settings,
    domain::{Role, TenderId, UserId},
    schema::users,
};
use common::{arg, load_bidders, peak_rss_mib, percentile, publish_tenders, tempfile_dir};
use diesel::prelude::*;
use std::{
    io::{BufRead, BufReader},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// The server process's resident memory now (MiB).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    if arg("--watch", "").is_empty() {
        servers();
    } else {
        watch();
    }
}

fn user(app: &App, email: &str) -> CurrentUser {
    let mut conn = app.db.get().expect("conn");
    let id: UserId = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut *conn)
        .expect("user");
    auth::load_user(&mut conn, id).expect("load user")
}

/// The servers' side: two apps on one database, the auction made ready, the child started,
/// memory read before and after the watchers connect.
fn servers() {
    let url = arg(
        "--database-url",
        "postgres://postgres@127.0.0.1/licita_live",
    );
    let bidders: u32 = arg("--bidders", "50").parse().expect("--bidders");
    let watchers: usize = arg("--watchers", "2000").parse().expect("--watchers");
    let seconds = arg("--seconds", "10");
    let data = tempfile_dir();
    let lookup = |k: &str| match k {
        "LICITA_CONFIG" => Some(data.join("none.toml").display().to_string()),
        "LICITA_DATABASE_URL" => Some(url.clone()),
        "LICITA_DATA_DIR" => Some(data.display().to_string()),
        "LICITA_MAIL_TRANSPORT" => Some("memory".into()),
        "LICITA_DB_POOL_SIZE" => Some("16".into()),
        "LICITA_OPENING_KEY_WORK_FACTOR" => Some("10".into()),
        "LICITA_MIN_SUBMISSION_DAYS" => Some("subasta_inversa_electronica=0".into()),
        "LICITA_LOG" => Some("warn".into()),
        // The watchers come through "a load balancer" on loopback, each with its own address
        // (a server admits 64 streams per address).
        "LICITA_TRUSTED_PROXIES" => Some("127.0.0.1/32".into()),
        _ => None,
    };
    let clock = ManualClock::new(chrono::Utc::now());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let settings = Settings::from_lookup(lookup).expect("settings");
        let first = Arc::new(App::start(settings, Arc::new(clock.clone())).expect("app"));
        backend::seed::seed(&first).await.expect("seed");
        let second = Arc::new(
            App::start(
                Settings::from_lookup(lookup).expect("settings"),
                Arc::new(clock.clone()),
            )
            .expect("second app"),
        );
        let mut bases = Vec::new();
        let mut stops = Vec::new();
        for app in [&first, &second] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            bases.push(format!("http://{}", listener.local_addr().expect("addr")));
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(licita::serve(app.clone(), listener, async {
                let _ = stopped.await;
            }));
            stops.push(stop);
        }
        // The tender, its sealed offers, the opening, the admission and the auction.
        let officer = user(&first, "compras@munlima.gob.pe");
        let tender: TenderId = publish_tenders(&first, &officer, 1, "subasta_inversa_electronica")
            .await[0];
        let ids = {
            let app = first.clone();
            tokio::task::spawn_blocking(move || load_bidders(&app, bidders))
                .await
                .expect("bidders")
        };
        // The clock stands still: sessions must be newer than the passwords just stored.
        clock.advance(chrono::Duration::minutes(5));
        let tokens: Vec<String> = ids
            .iter()
            .map(|id| auth::issue_token(&first, *id, Role::Supplier).expect("token").0)
            .collect();
        let client = reqwest::Client::new();
        let mut opening_prices = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let price = format!("{}.00", 45_000 + 10 * i);
            let r = client
                .post(format!("{}/api/v1/tenders/{tender}/bids", bases[0]))
                .bearer_auth(token)
                .json(&serde_json::json!({
                    "lots": [{"lot": 1, "amount": price}],
                    "declarations": ["truthful", "not_debarred", "no_conflict_of_interest", "accepts_terms"],
                }))
                .send()
                .await
                .expect("bid");
            assert_eq!(r.status(), 201, "{:?}", r.text().await);
            opening_prices.push(price);
        }
        clock.advance(chrono::Duration::days(2) + chrono::Duration::hours(2));
        for email in ["compras@munlima.gob.pe", "logistica@munlima.gob.pe"] {
            let member = user(&first, email);
            backend::bids::opening::contribute_at(
                &first,
                &member,
                tender,
                "apertura-demo-2026",
                clock.now_db(),
            )
            .await
            .expect("share");
        }
        let (state, officer_c) = (first.clone(), officer.clone());
        let auction = first
            .db
            .run(move |conn| {
                let now = state.clock.now_db();
                let sheet = backend::awards::evaluation_in(conn, &officer_c, tender)?;
                for bid in &sheet.lots[0].ranking {
                    let input = backend::awards::EvaluationInput {
                        admissible: true,
                        note: "Cumple las especificaciones técnicas.".into(),
                        ..Default::default()
                    };
                    backend::awards::evaluate_in(conn, now, &officer_c, tender, bid.bid_id, 1, &input)?;
                }
                let input = backend::auction::ScheduleInput {
                    // A second more: the instant is written to the second.
                    opens_at: backend::domain::utc::format(now + chrono::Duration::minutes(i64::from(state.settings.auction_notice_minutes)) + chrono::Duration::seconds(1)),
                    step_basis_points: None,
                };
                backend::auction::schedule_in(conn, &state.settings, &officer_c, tender, 1, &input, now)
            })
            .await
            .expect("auction");
        clock.advance(chrono::Duration::minutes(i64::from(first.settings.auction_notice_minutes)) + chrono::Duration::seconds(2));
        let step = first
            .db
            .run(move |conn| backend::auction::store::load(conn, auction))
            .await
            .expect("load")
            .state
            .rules
            .minimal_step;
        // Sessions last hours: the bidders sign in again on the auction's day.
        let tokens: Vec<String> = ids
            .iter()
            .map(|id| auth::issue_token(&first, *id, Role::Supplier).expect("token").0)
            .collect();
        let plan = std::env::temp_dir().join(format!("licita-live-{}.json", std::process::id()));
        std::fs::write(
            &plan,
            serde_json::json!({"bases": bases, "auction": auction, "tokens": tokens,
                               "prices": opening_prices, "step": step})
                .to_string(),
        )
        .expect("plan");
        let before = rss_mib();
        let mut child = std::process::Command::new(std::env::current_exe().expect("exe"))
            .args(["--watch", &plan.display().to_string(), "--watchers", &watchers.to_string(), "--seconds", &seconds, "--pause-ms", &arg("--pause-ms", "0")])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the watchers' process");
        let out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut lines = out.lines();
        let mut connected = 0.0;
        let mut result = String::new();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in lines.by_ref().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        while let Some(line) = rx.recv().await {
            if line == "connected" {
                tokio::time::sleep(Duration::from_secs(1)).await;
                connected = rss_mib();
                println!(
                    "watchers connected: {} on the servers",
                    first.live.watchers() + second.live.watchers()
                );
            } else {
                result = line;
            }
        }
        let _ = child.wait();
        println!("{result}");
        println!(
            "Server memory: {before:.0} MiB before the watchers, {connected:.0} MiB with {watchers} connected: {:.1} KiB per watcher; peak {:.0} MiB",
            (connected - before) * 1024.0 / watchers as f64,
            peak_rss_mib()
        );
        for stop in stops {
            let _ = stop.send(());
        }
    });
}

/// One watcher's record: for each lance number, when it arrived (ms since the start); and
/// what was wrong (a number out of order, twice, or missing).
struct Heard {
    arrivals: Vec<Option<f64>>,
    disorder: usize,
}

/// The clients' side: the watchers connect, then the bidders bid for `--seconds`.
fn watch() {
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(arg("--watch", "")).expect("plan"))
            .expect("plan JSON");
    let watchers: usize = arg("--watchers", "2000").parse().expect("--watchers");
    let seconds: u64 = arg("--seconds", "10").parse().expect("--seconds");
    // A pause after each answer (0: as fast as the rules allow).
    let pause: u64 = arg("--pause-ms", "0").parse().expect("--pause-ms");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let start = Instant::now();
        let bases: Vec<String> = serde_json::from_value(plan["bases"].clone()).expect("bases");
        let auction = plan["auction"].as_i64().expect("auction");
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
        let done = Arc::new(tokio::sync::Notify::new());
        let mut listening = Vec::new();
        for w in 0..watchers {
            let url = format!("{}/api/v1/auctions/{auction}/events", bases[w % bases.len()]);
            let (ready, done) = (ready_tx.clone(), done.clone());
            listening.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut response = client
                    .get(url)
                    .header("x-forwarded-for", format!("10.8.{}.{}", w / 250, w % 250 + 1))
                    .send()
                    .await
                    .expect("events");
                let mut heard = Heard { arrivals: Vec::new(), disorder: 0 };
                let mut buffer = String::new();
                let mut next = None;
                let stop = done.notified();
                tokio::pin!(stop);
                loop {
                    tokio::select! {
                        chunk = response.chunk() => {
                            let Ok(Some(chunk)) = chunk else { break };
                            let at = start.elapsed().as_secs_f64() * 1000.0;
                            buffer.push_str(&String::from_utf8_lossy(&chunk));
                            while let Some(end) = buffer.find("\n\n") {
                                let block: String = buffer.drain(..end + 2).collect();
                                // The kind and number from the SSE fields (a browser reads them
                                // so too): the watchers' side stays light beside the servers.
                                let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
                                let (Some(kind), Some(number)) = (field("event: "), field("id: ")) else { continue };
                                let number: u64 = number.parse().expect("number");
                                match Some(kind.as_str()) {
                                    Some("snapshot") => {
                                        next = Some(number + 1);
                                        let _ = ready.send(());
                                    }
                                    Some("lance") => {
                                        if next != Some(number) {
                                            heard.disorder += 1;
                                        }
                                        next = Some(number + 1);
                                        let i = usize::try_from(number).unwrap_or(0);
                                        if heard.arrivals.len() <= i {
                                            heard.arrivals.resize(i + 1, None);
                                        }
                                        heard.arrivals[i] = Some(at);
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ = &mut stop => break,
                    }
                }
                heard
            }));
        }
        drop(ready_tx);
        for _ in 0..watchers {
            ready_rx.recv().await.expect("a watcher's first state");
        }
        println!("connected");
        tokio::time::sleep(Duration::from_secs(3)).await;
        // The bidders: each lowers its own price by the step as soon as its last is answered.
        let tokens: Vec<String> = serde_json::from_value(plan["tokens"].clone()).expect("tokens");
        let prices: Vec<String> = serde_json::from_value(plan["prices"].clone()).expect("prices");
        let step = plan["step"].as_i64().expect("step");
        let accepted = Arc::new(Mutex::new(Vec::<(u64, f64)>::new()));
        let refused = Arc::new(Mutex::new(0usize));
        let bid_start = Instant::now();
        let mut bidding = Vec::new();
        for (i, (token, price)) in tokens.into_iter().zip(prices).enumerate() {
            let url = format!("{}/api/v1/auctions/{auction}/lances", bases[i % bases.len()]);
            let (accepted, refused) = (accepted.clone(), refused.clone());
            let mut own: i64 = price.trim_end_matches(".00").parse::<i64>().expect("price") * 100;
            bidding.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                while bid_start.elapsed() < Duration::from_secs(seconds) && own - step > step {
                    let next = own - step;
                    let body = serde_json::json!({"price": format!("{}.{:02}", next / 100, next % 100)});
                    let r = client.post(&url).bearer_auth(&token).json(&body).send().await.expect("lance");
                    let at = start.elapsed().as_secs_f64() * 1000.0;
                    if pause > 0 {
                        tokio::time::sleep(Duration::from_millis(pause)).await;
                    }
                    if r.status() == 201 {
                        let receipt: serde_json::Value = r.json().await.expect("receipt");
                        accepted.lock().expect("accepted").push((receipt["number"].as_u64().expect("number"), at));
                        own = next;
                    } else {
                        let first = {
                            let mut refused = refused.lock().expect("refused");
                            *refused += 1;
                            *refused == 1
                        };
                        if first {
                            let status = r.status();
                            eprintln!("first refusal: {status} {}", r.text().await.unwrap_or_default());
                        }
                    }
                }
            }));
        }
        for b in bidding {
            b.await.expect("bidder");
        }
        let bidding_seconds = bid_start.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(3)).await;
        done.notify_waiters();
        let mut heard = Vec::new();
        for l in listening {
            heard.push(l.await.expect("watcher"));
        }
        let accepted = accepted.lock().expect("accepted").clone();
        let total = accepted.len();
        let mut latencies = Vec::new();
        let (mut lost, mut disorder) = (0usize, 0usize);
        for h in &heard {
            disorder += h.disorder;
            for (number, at) in &accepted {
                match h.arrivals.get(usize::try_from(*number).unwrap_or(usize::MAX)).copied().flatten() {
                    Some(arrived) => latencies.push((arrived - at).max(0.0)),
                    None => lost += 1,
                }
            }
        }
        latencies.sort_by(f64::total_cmp);
        println!(
            "| {} bidders, {watchers} watchers, 2 servers | {total} accepted, {} refused | {:.0} lances/s | {:.1} | {:.1} | {:.1} | {} |",
            plan["tokens"].as_array().map_or(0, Vec::len),
            refused.lock().expect("refused"),
            total as f64 / bidding_seconds,
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.95),
            percentile(&latencies, 0.99),
            if lost == 0 && disorder == 0 {
                format!("all {} deliveries, none lost, duplicated or out of order", latencies.len())
            } else {
                format!("{lost} lost, {disorder} out of order or duplicated")
            }
        );
    });
}
