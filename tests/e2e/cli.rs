//! The command line: settings errors, an unreachable database, `--help`, `user create`, `seed`, `export ocds`.

use std::{io::Write, process::Command, process::Stdio};

fn licita(
    dir: &std::path::Path,
    env: &[(&str, &str)],
    args: &[&str],
    stdin: Option<&str>,
) -> std::process::Output {
    let config = dir.join("none.toml");
    std::fs::write(&config, "").expect("config");
    let mut command = Command::new(env!("CARGO_BIN_EXE_licita"));
    command
        .args(args)
        .env("LICITA_CONFIG", &config)
        .env("LICITA_DATA_DIR", dir.join("data"))
        .env("LICITA_LOG", "warn")
        .env("LICITA_MAIL_TRANSPORT", "file")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("spawn licita");
    if let Some(input) = stdin
        && let Some(mut pipe) = child.stdin.take()
    {
        pipe.write_all(input.as_bytes()).expect("stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("output")
}

#[test]
fn a_bad_setting_stops_the_start_with_one_line_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = licita(
        dir.path(),
        &[("LICITA_BIND", "not-an-address")],
        &["serve"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("LICITA_BIND") && err.contains("not-an-address"),
        "{err}"
    );
}

#[test]
fn an_unreachable_postgres_is_one_line_naming_the_url_without_its_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = licita(
        dir.path(),
        &[(
            "LICITA_DATABASE_URL",
            "postgres://licita:hunter2@127.0.0.1:1/licita",
        )],
        &["serve"],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("postgres://licita:***@127.0.0.1:1/licita"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
}

#[test]
fn help_lists_every_setting_with_its_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = licita(dir.path(), &[], &["--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    for setting in backend::config::SETTINGS {
        assert!(
            help.contains(setting.env),
            "{} missing from --help",
            setting.env
        );
        assert!(
            help.contains(&format!("[default: {}]", setting.default)),
            "default of {} missing",
            setting.env
        );
    }
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for setting in backend::config::SETTINGS {
        assert!(
            readme.contains(setting.env),
            "{} missing from the README's settings table",
            setting.env
        );
    }
}

#[test]
fn user_create_seed_and_migrate_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let env = [("LICITA_DATABASE_URL", url.as_str())];
    let seeded = licita(dir.path(), &env, &["seed"], None);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let again = licita(dir.path(), &env, &["seed"], None);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(
        text.contains("0 records created"),
        "seeding is idempotent: {text}"
    );
    assert!(
        text.contains("compras@munlima.gob.pe"),
        "prints the demo logins: {text}"
    );

    let created = licita(
        dir.path(),
        &env,
        &[
            "user",
            "create",
            "--email",
            "jefa@minsa.gob.pe",
            "--name",
            "Jefa de Logística",
            "--role",
            "officer",
            "--buyer-ruc",
            "20131373237",
            "--password-stdin",
        ],
        Some("una clave muy larga\n"),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("officer account jefa@minsa.gob.pe"));
    let bad = licita(
        dir.path(),
        &env,
        &[
            "user", "create", "--email", "x", "--name", "Y", "--role", "king",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("email:") && err.contains("role:"), "{err}");
    let migrate = licita(dir.path(), &env, &["migrate"], None);
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("up to date"));
}

#[test]
fn serve_seeds_an_empty_database_prints_logins_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("none.toml");
    std::fs::write(&config, "").expect("config");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_licita"))
        .env("LICITA_CONFIG", &config)
        .env("LICITA_DATA_DIR", dir.path().join("data"))
        .env(
            "LICITA_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("serve.db").display()),
        )
        .env("LICITA_BIND", format!("127.0.0.1:{port}"))
        .env("LICITA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn licita serve");
    let mut up = false;
    for _ in 0..600 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            stream
                .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .expect("write");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            up = answer.starts_with("HTTP/1.1 200");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let killed = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    assert!(killed.success());
    let output = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(up, "the server answered /health: {stdout}");
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("Empty database: loaded the demo data"),
        "{stdout}"
    );
    assert!(
        stdout.contains("compras@munlima.gob.pe") && stdout.contains("licita-demo-2026"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("serving on http://127.0.0.1:{port}")),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("Licita stopped."),
        "graceful shutdown: {stdout}"
    );
}

/// Starts `licita serve` on `port` with `database_url` and a data directory of its own,
/// sharing the deployment's keys as servers of one deployment do.
fn serve_process(dir: &std::path::Path, database_url: &str, port: u16) -> std::process::Child {
    std::fs::write(dir.join("none.toml"), "").expect("config");
    Command::new(env!("CARGO_BIN_EXE_licita"))
        .env("LICITA_CONFIG", dir.join("none.toml"))
        .env("LICITA_DATA_DIR", dir.join("data"))
        .env("LICITA_DATABASE_URL", database_url)
        .env("LICITA_BIND", format!("127.0.0.1:{port}"))
        .env("LICITA_JWT_SECRET", crate::support::JWT_SECRET)
        .env("LICITA_RECEIPT_KEY", "11".repeat(32))
        .env("LICITA_MAIL_TRANSPORT", "memory")
        .env("LICITA_OPENING_KEY_WORK_FACTOR", "10")
        .env("LICITA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn licita serve")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// `GET path` on `port` until it answers 200 (or a minute passes); the body.
async fn until_served(port: u16, path: &str) -> Option<String> {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .send()
            .await
            && r.status() == 200
        {
            return r.text().await.ok();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test]
async fn two_servers_started_at_once_on_an_empty_database_both_serve_and_seed_once() {
    use crate::support::{backends, fresh_database};
    use diesel::prelude::*;
    for db in backends() {
        let shared = tempfile::tempdir().expect("tempdir");
        let (database_url, _) = fresh_database(db, shared.path());
        let dirs = [
            tempfile::tempdir().expect("tempdir"),
            tempfile::tempdir().expect("tempdir"),
        ];
        let ports = [free_port(), free_port()];
        // The same instant: both processes are spawned before either has done anything.
        let mut children: Vec<std::process::Child> = dirs
            .iter()
            .zip(ports)
            .map(|(dir, port)| serve_process(dir.path(), &database_url, port))
            .collect();
        for port in ports {
            if until_served(port, "/health").await.is_none() {
                let said: Vec<String> = children
                    .drain(..)
                    .map(|mut c| {
                        let _ = c.kill();
                        let o = c.wait_with_output().expect("wait");
                        format!(
                            "{}{}",
                            String::from_utf8_lossy(&o.stdout),
                            String::from_utf8_lossy(&o.stderr)
                        )
                    })
                    .collect();
                panic!("the server on {port} does not serve ({db:?}): {said:?}");
            }
            let search = until_served(port, "/api/v1/tenders?status=open").await;
            assert!(
                search.is_some_and(|body| body.contains("\"tenders\"")),
                "{db:?}"
            );
        }
        let mut outputs = Vec::new();
        for child in children {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let output = child.wait_with_output().expect("wait");
            assert!(
                output.status.success(),
                "exit {:?} on {db:?}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            outputs.push(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let loaded = outputs
            .iter()
            .filter(|o| o.contains("Empty database: loaded the demo data"))
            .count();
        assert_eq!(loaded, 1, "one server loads the demo data: {outputs:?}");
        // The seed is there once: each demo buyer and each demo login exactly once.
        let database = backend::db::Database::connect(&database_url, 1).expect("db");
        let mut conn = database.get().expect("conn");
        let lima: i64 = backend::schema::buyers::table
            .filter(backend::schema::buyers::ruc.eq("20131380951"))
            .count()
            .get_result(&mut *conn)
            .expect("count");
        let officer: i64 = backend::schema::users::table
            .filter(backend::schema::users::email.eq(crate::support::OFFICER))
            .count()
            .get_result(&mut *conn)
            .expect("count");
        let tenders: Vec<String> = backend::schema::tenders::table
            .select(backend::schema::tenders::title)
            .load(&mut *conn)
            .expect("titles");
        let mut distinct = tenders.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!((lima, officer), (1, 1), "{db:?}");
        assert_eq!(
            distinct.len(),
            tenders.len(),
            "no demo tender twice on {db:?}"
        );
    }
}

#[test]
fn export_ocds_writes_one_compiled_release_per_process() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let env = [("LICITA_DATABASE_URL", url.as_str())];
    let seeded = licita(dir.path(), &env, &["seed"], None);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let file = dir.path().join("full.jsonl.gz");
    let file_arg = file.display().to_string();
    let exported = licita(
        dir.path(),
        &env,
        &["export", "ocds", "--output", &file_arg],
        None,
    );
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&file).expect("file"))
        .read_to_string(&mut text)
        .expect("gzip");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(lines.len() > 20, "{} processes", lines.len());
    assert!(
        lines
            .iter()
            .all(|l| l["tag"][0] == "compiled" && l["ocid"].is_string())
    );
    let said = String::from_utf8_lossy(&exported.stdout);
    assert!(
        said.contains(&format!("{} processes", lines.len())),
        "{said}"
    );
    // A year with no process writes an empty, valid file.
    let none = licita(
        dir.path(),
        &env,
        &["export", "ocds", "--output", &file_arg, "--year", "2019"],
        None,
    );
    assert!(none.status.success());
    let mut empty = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&file).expect("file"))
        .read_to_string(&mut empty)
        .expect("gzip");
    assert!(empty.is_empty());
}

#[test]
fn search_reindex_rebuilds_a_lost_projection_and_then_finds_nothing_to_rewrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("cli.db");
    let url = format!("sqlite://{}", db.display());
    let env = [("LICITA_DATABASE_URL", url.as_str())];
    let seeded = licita(dir.path(), &env, &["seed"], None);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    // An operator's slip (or a restore from before the projection): every row gone.
    {
        use diesel::{Connection, RunQueryDsl};
        let mut conn =
            diesel::SqliteConnection::establish(&db.display().to_string()).expect("database");
        diesel::sql_query("DELETE FROM tender_search_rows")
            .execute(&mut conn)
            .expect("rows deleted");
    }
    let reindexed = licita(dir.path(), &env, &["search", "reindex"], None);
    assert!(
        reindexed.status.success(),
        "{}",
        String::from_utf8_lossy(&reindexed.stderr)
    );
    let said = String::from_utf8_lossy(&reindexed.stdout).to_string();
    let numbers: Vec<usize> = said
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    // "… in 0.1 s: N published tenders, N rows rewritten."
    let (tenders, rewritten) = (numbers[numbers.len() - 2], numbers[numbers.len() - 1]);
    assert!(tenders > 20, "{said}");
    assert_eq!(rewritten, tenders, "{said}");
    let again = licita(dir.path(), &env, &["search", "reindex"], None);
    let said = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(
        said.contains(&format!("{tenders} published tenders, 0 rows rewritten")),
        "{said}"
    );
}

/// The server's resident memory in MB (Linux).
fn resident_mb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

#[tokio::test]
async fn ten_concurrent_25_mb_bids_leave_the_server_s_memory_where_it_was() {
    use crate::support::{Db, fresh_database};
    use serde_json::{Value, json};
    // One process of its own (the other tests share this one's memory), on SQLite: what is
    // measured is the server's handling of large bodies, the same on either engine.
    let dir = tempfile::tempdir().expect("tempdir");
    let (database_url, _) = fresh_database(Db::Sqlite, dir.path());
    let port = free_port();
    let mut child = serve_process(dir.path(), &database_url, port);
    assert!(
        until_served(port, "/health").await.is_some(),
        "the server does not serve"
    );
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for email in [
        crate::support::SUPPLIER,
        crate::support::OTHER_OWNER,
        crate::tenders::TECHPERU_OWNER,
    ] {
        let login: Value = client
            .post(format!("{base}/auth/login"))
            .json(&json!({"email": email, "password": crate::support::DEMO_PASSWORD}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("json");
        tokens.push(login["token"].as_str().expect("token").to_owned());
    }
    let open: Value = client
        .get(format!("{base}/tenders?status=open&per_page=100"))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    let declarations = crate::bids::all_declarations();
    // Ten live bids, small, wherever a demo company may bid; then all ten replaced at once
    // by 25 MB ones.
    /// A live bid: its company's token, the tender, the lots' prices and the bid's id.
    type LiveBid = (String, i64, Vec<Value>, i64);
    let mut live: Vec<LiveBid> = Vec::new();
    'tenders: for tender in open["tenders"].as_array().expect("tenders") {
        let id = tender["id"].as_i64().expect("id");
        let detail: Value = client
            .get(format!("{base}/tenders/{id}"))
            .send()
            .await
            .expect("tender")
            .json()
            .await
            .expect("json");
        let lots: Vec<Value> = detail["lots"]
            .as_array()
            .expect("lots")
            .iter()
            .map(|l| json!({"lot": l["number"], "amount": "1000.00"}))
            .collect();
        for token in &tokens {
            let small = client
                .post(format!("{base}/tenders/{id}/bids"))
                .bearer_auth(token)
                .json(&json!({"lots": lots, "declarations": declarations, "documents": []}))
                .send()
                .await
                .expect("bid");
            if small.status() == 201 {
                let receipt: Value = small.json().await.expect("receipt");
                let bid = receipt["bid_id"].as_i64().expect("bid id");
                live.push((token.clone(), id, lots.clone(), bid));
                if live.len() == 10 {
                    break 'tenders;
                }
            }
        }
    }
    assert_eq!(live.len(), 10, "the demo has room for ten bids");
    // Each bid replaced by the same company: ten at once, first with a small document (the
    // server's pool and threads grow to ten at once: that is where memory starts), then with
    // a 25 MB one.
    let replace_all =
        |live: Vec<(String, i64, Vec<Value>, i64)>, document: String| {
            let replacements = live.into_iter().map(|(token, id, lots, bid)| {
            let (client, base, document, declarations) = (
                client.clone(),
                base.clone(),
                document.clone(),
                declarations.clone(),
            );
            tokio::spawn(async move {
                let body = json!({
                    "lots": lots,
                    "declarations": declarations,
                    "documents": [{"name": "propuesta-completa.pdf", "content_base64": document}],
                });
                let answer = client
                    .put(format!("{base}/tenders/{id}/bids/{bid}"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .expect("the bid was answered");
                let status = answer.status().as_u16();
                let receipt: Value = answer.json().await.unwrap_or_default();
                (status, (token, id, lots, receipt["bid_id"].as_i64().unwrap_or(0)))
            })
        });
            futures_util::future::join_all(replacements)
        };
    let pdf = |size: usize| {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.resize(size, b'7');
        crate::bids::b64(&pdf)
    };
    let warmed: Vec<(u16, LiveBid)> = replace_all(live, pdf(64 * 1024))
        .await
        .into_iter()
        .map(|r| r.expect("join"))
        .collect();
    assert!(
        warmed.iter().all(|(s, _)| *s == 201),
        "small replacements sealed"
    );
    let live = warmed.into_iter().map(|(_, l)| l).collect();
    let pid = child.id();
    let before = resident_mb(pid);
    let answers: Vec<u16> = replace_all(live, pdf(25 * 1024 * 1024))
        .await
        .into_iter()
        .map(|r| r.expect("join").0)
        .collect();
    assert_eq!(answers, [201; 10], "every 25 MB bid is sealed");
    // Memory is given back once the bids are sealed (the allocator may keep some a while).
    let mut after = resident_mb(pid);
    for _ in 0..60 {
        if after <= before + 50 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        after = resident_mb(pid);
    }
    let _ = child.kill();
    let _ = child.wait();
    println!("resident memory: {before} MB before ten concurrent 25 MB bids, {after} MB after");
    assert!(
        after <= before + 50,
        "resident memory was {before} MB before ten 25 MB bids and {after} MB 30 s after"
    );
}
