//! The audit log: every change writes an event, the chain catches tampering, the database
//! refuses updates, and concurrent appends neither collide nor serialize across chains.

use crate::support::*;
use diesel::{Connection, connection::SimpleConnection};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::Command;

fn licita(app: &TestApp, args: &[&str]) -> std::process::Output {
    let config = app.dir.path().join("none.toml");
    Command::new(env!("CARGO_BIN_EXE_licita"))
        .args(args)
        .env("LICITA_CONFIG", &config)
        .env("LICITA_DATABASE_URL", &app.database_url)
        // The server's data directory: the command line signs with the server's key.
        .env("LICITA_DATA_DIR", app.dir.path().join("data"))
        .env("LICITA_LOG", "warn")
        .output()
        .expect("run licita")
}

fn tamper(app: &TestApp, sql: &str) {
    match app.db {
        Db::Sqlite => {
            let path = app.database_url.trim_start_matches("sqlite://");
            let mut conn = diesel::SqliteConnection::establish(path).expect("sqlite");
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = 5000; DROP TRIGGER audit_events_no_update; {sql}"
            ))
            .expect("tamper");
        }
        Db::Postgres => {
            let mut conn = diesel::PgConnection::establish(&app.database_url).expect("pg");
            conn.batch_execute(&format!(
                "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; {sql}"
            ))
            .expect("tamper");
        }
    }
}

#[tokio::test]
async fn changing_one_audit_row_is_named_by_the_cli_and_the_api() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let auditor = app.token(AUDITOR).await;
        let verify = || {
            app.client()
                .get(app.url("/api/v1/audit/verify"))
                .bearer_auth(&auditor)
                .send()
        };
        let intact: Value = verify().await.expect("verify").json().await.expect("json");
        assert_eq!(intact["ok"], true, "{db:?}: {intact}");
        assert!(
            intact["events_checked"].as_u64().expect("count") >= 10,
            "seed wrote events: {intact}"
        );
        let ok = licita(&app, &["audit", "verify"]);
        assert!(
            ok.status.success(),
            "{db:?}: {}",
            String::from_utf8_lossy(&ok.stdout)
        );
        assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));

        // Someone with database access rewrites event 4's payload.
        tamper(
            &app,
            "UPDATE audit_events SET payload = '{\"email\":\"otro@x.pe\"}' WHERE id = 4",
        );
        let broken = licita(&app, &["audit", "verify"]);
        let out = String::from_utf8_lossy(&broken.stdout);
        assert_eq!(broken.status.code(), Some(1), "{db:?}: {out}");
        assert!(out.contains("event 4 "), "names the event: {out}");
        let api: Value = verify().await.expect("verify").json().await.expect("json");
        assert_eq!(api["ok"], false);
        assert_eq!(api["first_mismatch"]["id"], 4);
        assert_eq!(api["first_mismatch"]["reason"], "hash");
        app.stop().await;
    }
}

#[tokio::test]
async fn removing_an_event_mid_chain_is_detected() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let admin = app.token(ADMIN).await;
    // Three events on the chain of user 2: its creation, its opening key (demo data) and a
    // password change.
    let officer = app.token(OFFICER).await;
    app.clock.advance(chrono::Duration::seconds(1));
    let r = app.post_json("/api/v1/me/password", &officer, &json!({"current_password": DEMO_PASSWORD, "new_password": "otra frase bastante larga"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let chain: Value = app.get_json("/api/v1/audit/chains/user:2", &admin).await;
    let events = chain.as_array().expect("events");
    assert_eq!(events.len(), 3, "{chain}");
    assert_eq!(events[1]["action"], "user.opening_key_created");
    assert_eq!(events[2]["action"], "user.password_changed");
    assert_eq!(events[2]["prev_hash"], events[1]["hash"]);
    let first_id = events[0]["id"].as_i64().expect("id");
    let path = app.database_url.trim_start_matches("sqlite://").to_owned();
    let mut conn = diesel::SqliteConnection::establish(&path).expect("sqlite");
    conn.batch_execute(&format!("PRAGMA busy_timeout = 5000; DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE id = {first_id}")).expect("delete");
    let api: Value = app.get_json("/api/v1/audit/verify", &admin).await;
    assert_eq!(api["first_mismatch"]["chain"], "user:2");
    assert_eq!(api["first_mismatch"]["reason"], "sequence");
}

#[tokio::test]
async fn the_database_refuses_updates_and_deletes_of_events() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let update = "UPDATE audit_events SET action = 'x' WHERE id = 1";
        let delete = "DELETE FROM audit_events WHERE id = 1";
        for sql in [update, delete] {
            let refused = match db {
                Db::Sqlite => diesel::SqliteConnection::establish(
                    app.database_url.trim_start_matches("sqlite://"),
                )
                .expect("sqlite")
                .batch_execute(sql),
                Db::Postgres => diesel::PgConnection::establish(&app.database_url)
                    .expect("pg")
                    .batch_execute(sql),
            };
            let err = refused.expect_err("append-only");
            assert!(err.to_string().contains("append-only"), "{db:?}: {err}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn every_change_is_an_event_with_its_actor() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let admin = app.token(ADMIN).await;
        let buyer: Value = app
            .post_json(
                "/api/v1/buyers",
                &admin,
                &json!({"name": "Gobierno Regional de Puno", "ruc": "20600111222"}),
            )
            .await
            .json()
            .await
            .expect("json");
        let id = buyer["id"].as_i64().expect("id");
        let chain: Value = app
            .get_json(&format!("/api/v1/audit/chains/buyer:{id}"), &admin)
            .await;
        assert_eq!(chain[0]["action"], "buyer.created", "{db:?}");
        assert_eq!(chain[0]["actor_id"], 1, "the demo admin is user 1");
        assert_eq!(chain[0]["actor_role"], "admin");
        let payload: Value =
            serde_json::from_str(chain[0]["payload"].as_str().expect("payload")).expect("json");
        assert_eq!(payload["ruc"], "20600111222");
        app.stop().await;
    }
}

#[tokio::test]
async fn concurrent_writers_keep_every_chain_intact() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let admin = app.token(ADMIN).await;
        let demo_users = app
            .get_json("/api/v1/users", &admin)
            .await
            .as_array()
            .expect("users")
            .len();
        let mut tasks = Vec::new();
        for i in 0..16 {
            let client = app.client();
            let url = app.url("/api/v1/users");
            let admin = admin.clone();
            tasks.push(tokio::spawn(async move {
                let body = json!({"email": format!("carga{i}@munlima.gob.pe"), "display_name": format!("Usuario {i}"), "password": "clave de prueba larga", "role": "auditor"});
                client.post(url).bearer_auth(admin).json(&body).send().await.expect("post").status()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.expect("task"), StatusCode::CREATED, "{db:?}");
        }
        let verify: Value = app.get_json("/api/v1/audit/verify", &admin).await;
        assert_eq!(verify["ok"], true, "{db:?}: {verify}");
        let users: Value = app.get_json("/api/v1/users", &admin).await;
        assert_eq!(users.as_array().expect("users").len(), demo_users + 16);
        app.stop().await;
    }
}

/// Runs `sql` as a database administrator could: with every append-only trigger of the audit
/// log and its checkpoints out of the way.
fn as_dba(app: &TestApp, sql: &str) {
    match app.db {
        Db::Sqlite => {
            let path = app.database_url.trim_start_matches("sqlite://");
            let mut conn = diesel::SqliteConnection::establish(path).expect("sqlite");
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = 5000; \
                 DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete; \
                 DROP TRIGGER IF EXISTS audit_checkpoints_no_delete; DROP TRIGGER IF EXISTS audit_checkpoint_heads_no_delete; {sql}"
            ))
            .expect("tamper");
        }
        Db::Postgres => {
            let mut conn = diesel::PgConnection::establish(&app.database_url).expect("pg");
            conn.batch_execute(&format!(
                "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only; \
                 ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only; \
                 ALTER TABLE audit_checkpoint_heads DISABLE TRIGGER audit_checkpoint_heads_append_only; {sql}"
            ))
            .expect("tamper");
        }
    }
}

/// `licita audit verify` (with `--against file` when given): exit code and what it printed.
fn verify_cli(app: &TestApp, against: Option<&std::path::Path>) -> (Option<i32>, String) {
    let mut args = vec!["audit", "verify"];
    let file;
    if let Some(path) = against {
        file = path.display().to_string();
        args.extend(["--against", file.as_str()]);
    }
    let out = licita(app, &args);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test]
async fn the_end_of_the_record_cannot_be_cut_or_rewritten_after_a_signed_checkpoint() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let admin = app.token(ADMIN).await;
        // Three chains the attacks will aim at: an officer's password change at the end of
        // user:2, a new buyer whose chain is one event, and user:3's last event.
        let officer = app.token(OFFICER).await;
        let r = app.post_json("/api/v1/me/password", &officer, &json!({"current_password": DEMO_PASSWORD, "new_password": "otra frase bastante larga"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let buyer: Value = app
            .post_json(
                "/api/v1/buyers",
                &admin,
                &json!({"name": "Gobierno Regional de Puno", "ruc": "20600111222"}),
            )
            .await
            .json()
            .await
            .expect("json");
        let buyer_chain = format!("buyer:{}", buyer["id"]);
        let user2 = app.get_json("/api/v1/audit/chains/user:2", &admin).await;
        let user3 = app.get_json("/api/v1/audit/chains/user:3", &admin).await;
        let (last2, last3) = (
            user2.as_array().expect("events").len(),
            user3.as_array().expect("events").len(),
        );
        assert!(last3 >= 2, "{user3}");

        // A checkpoint is signed, and a witness keeps it (as the API publishes it).
        let signed = licita(&app, &["audit", "checkpoint"]);
        assert!(signed.status.success(), "{signed:?}");
        let listing: Value = app.get_public("/api/v1/audit/checkpoints").await;
        let latest = &listing["latest"];
        assert_eq!(latest["public_key"], listing["public_key"]);
        let witness = app.dir.path().join("punto-de-control.json");
        std::fs::write(&witness, listing.to_string()).expect("save");

        // Anyone can prove a public tender's chain is in it, and that it extends the first.
        let id = latest["id"].as_i64().expect("id");
        let proof: backend::audit::checkpoints::HeadProof = app
            .client()
            .get(app.url(&format!(
                "/api/v1/audit/checkpoints/{id}/proof?chain=tender:1"
            )))
            .send()
            .await
            .expect("proof")
            .json()
            .await
            .expect("json");
        assert!(proof.verifies(), "{proof:?}");
        let consistency: backend::audit::checkpoints::ConsistencyProof = serde_json::from_value(
            app.get_public(&format!(
                "/api/v1/audit/checkpoints/consistency?from=1&to={id}"
            ))
            .await,
        )
        .expect("consistency");
        assert!(consistency.verifies(), "{consistency:?}");
        // An account's chain is not the public's business.
        let anonymous = app
            .client()
            .get(app.url(&format!(
                "/api/v1/audit/checkpoints/{id}/proof?chain=user:2"
            )))
            .send()
            .await
            .expect("proof");
        assert_eq!(anonymous.status(), 404);
        let page = page_text(&app.client(), app.url("/puntos-de-control")).await;
        assert!(
            page.contains(latest["root"].as_str().expect("root")),
            "the page shows the root"
        );

        // Untouched, the log verifies against the latest checkpoint and the witness's.
        for against in [None, Some(witness.as_path())] {
            let (code, out) = verify_cli(&app, against);
            assert_eq!(code, Some(0), "{db:?}: {out}");
            assert!(out.contains(&format!("Checkpoint #{id}")), "{out}");
        }

        // 1. A DBA deletes the last event of user:2's chain.
        as_dba(
            &app,
            &format!("DELETE FROM audit_events WHERE chain = 'user:2' AND seq = {last2}"),
        );
        // 2. ... and the whole one-event chain of the new buyer.
        as_dba(
            &app,
            &format!("DELETE FROM audit_events WHERE chain = '{buyer_chain}'"),
        );
        // 3. ... and rewrites user:3's last event with a recomputed, well-linked hash.
        as_dba(
            &app,
            &format!("DELETE FROM audit_events WHERE chain = 'user:3' AND seq = {last3}"),
        );
        let database = backend::db::Database::connect(&app.database_url, 1).expect("db");
        let mut conn = database.get().expect("conn");
        let now = backend::clock::Clock::now_db(&app.clock);
        backend::db::write_transaction(&mut conn, |conn| {
            backend::audit::record(
                conn,
                now,
                &backend::audit::Actor::system(),
                backend::audit::NewEvent::on(
                    "user",
                    3,
                    "user.updated",
                    json!({"note": "nothing happened"}),
                ),
            )
        })
        .expect("forged tail");
        drop(conn);
        // The chains alone still look intact: that is what a checkpoint is for.
        let chains: Value = app.get_json("/api/v1/audit/verify", &admin).await;
        assert_eq!(chains["first_mismatch"], Value::Null, "{chains}");
        assert_eq!(
            chains["checkpoint"]["problems"].as_array().map(Vec::len),
            Some(3),
            "{chains}"
        );
        for against in [None, Some(witness.as_path())] {
            let (code, out) = verify_cli(&app, against);
            assert_eq!(code, Some(1), "{db:?}: {out}");
            assert!(
                out.contains(&format!("chain user:2: event {last2}")) && out.contains("is missing"),
                "{out}"
            );
            assert!(
                out.contains(&format!("chain {buyer_chain}: event 1")),
                "{out}"
            );
            assert!(
                out.contains(&format!("chain user:3: event {last3} differs")),
                "{out}"
            );
        }

        // A thorough DBA also deletes the checkpoints and their heads: the record on the
        // server now says nothing, but the witness's checkpoint still convicts it.
        as_dba(
            &app,
            "DELETE FROM audit_checkpoint_heads; DELETE FROM audit_checkpoints",
        );
        let (code, out) = verify_cli(&app, Some(witness.as_path()));
        assert_eq!(code, Some(1), "{db:?}: {out}");
        assert!(
            out.contains(&format!(
                "checkpoint #{id}, which the witness saved, is not on record"
            )),
            "{out}"
        );
        assert!(out.contains("fewer chain heads are on record"), "{out}");
        app.stop().await;
    }
}

/// Rewrites the tail of `chain` as a DBA with a tool of their own could: its last event is
/// deleted and a forged one appended with a recomputed, well-linked hash.
fn forge_tail(app: &TestApp, chain_type: &'static str, id: i64, last_seq: usize) {
    as_dba(
        app,
        &format!("DELETE FROM audit_events WHERE chain = '{chain_type}:{id}' AND seq = {last_seq}"),
    );
    let database = backend::db::Database::connect(&app.database_url, 1).expect("db");
    let mut conn = database.get().expect("conn");
    let now = backend::clock::Clock::now_db(&app.clock);
    backend::db::write_transaction(&mut conn, |conn| {
        backend::audit::record(
            conn,
            now,
            &backend::audit::Actor::system(),
            backend::audit::NewEvent::on(chain_type, id, "user.updated", json!({"note": "forged"})),
        )
    })
    .expect("forged tail");
}

/// The number of events on `chain`.
async fn chain_length(app: &TestApp, admin: &str, chain: &str) -> usize {
    app.get_json(&format!("/api/v1/audit/chains/{chain}"), admin)
        .await
        .as_array()
        .expect("events")
        .len()
}

#[tokio::test]
async fn no_attack_on_the_checkpoints_talks_the_verifier_round() {
    for db in backends() {
        // 1. Every checkpoint deleted after a tail was rewritten, then a restart.
        let app = TestApp::spawn(db).await;
        let admin = app.token(ADMIN).await;
        let signed = licita(&app, &["audit", "checkpoint"]);
        assert!(signed.status.success(), "{db:?}: {signed:?}");
        let (code, out) = verify_cli(&app, None);
        assert_eq!(code, Some(0), "{db:?}: untouched, the log passes: {out}");
        assert!(out.contains("signed by this deployment's key"), "{out}");
        let last3 = chain_length(&app, &admin, "user:3").await;
        forge_tail(&app, "user", 3, last3);
        as_dba(
            &app,
            "DELETE FROM audit_checkpoint_heads; DELETE FROM audit_checkpoints",
        );
        let (code, out) = verify_cli(&app, None);
        assert_eq!(code, Some(1), "{db:?}: {out}");
        assert!(out.contains("which this server signed"), "{db:?}: {out}");
        assert!(out.contains("is covered by no checkpoint"), "{db:?}: {out}");
        // The next start would sign the tampered log: it refuses, and says why.
        let restart = licita(&app, &["audit", "checkpoint"]);
        let said = String::from_utf8_lossy(&restart.stderr).into_owned()
            + &String::from_utf8_lossy(&restart.stdout);
        assert!(!restart.status.success(), "{db:?}: {said}");
        assert!(
            said.contains("refusing to sign") && said.contains("no longer on record"),
            "{db:?}: {said}"
        );
        // Without this server's own witness (a verifier elsewhere), the log's own times
        // still convict it: months of events that no checkpoint covers.
        std::fs::remove_file(app.dir.path().join("data/audit-checkpoint.json")).expect("rm");
        let (code, out) = verify_cli(&app, None);
        assert_eq!(code, Some(1), "{db:?}: {out}");
        assert!(
            out.contains("is covered by no checkpoint, though the log goes on"),
            "{db:?}: {out}"
        );
        app.stop().await;

        // 2. The newest checkpoint deleted (with the heads it added).
        let app = TestApp::spawn(db).await;
        let admin = app.token(ADMIN).await;
        let officer = app.token(OFFICER).await;
        let r = app.post_json("/api/v1/me/password", &officer, &json!({"current_password": DEMO_PASSWORD, "new_password": "otra frase bastante larga"})).await;
        assert_eq!(r.status(), StatusCode::OK);
        let signed = licita(&app, &["audit", "checkpoint"]);
        assert!(signed.status.success(), "{db:?}: {signed:?}");
        let newest: Value = app.get_public("/api/v1/audit/checkpoints").await;
        let newest_id = newest["latest"]["id"].as_i64().expect("id");
        assert!(newest_id >= 2, "the seed's and the operator's: {newest}");
        let last2 = chain_length(&app, &admin, "user:2").await;
        forge_tail(&app, "user", 2, last2);
        as_dba(
            &app,
            &format!(
                "DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = {newest_id}; \
                 DELETE FROM audit_checkpoints WHERE id = {newest_id}"
            ),
        );
        let (code, out) = verify_cli(&app, None);
        assert_eq!(code, Some(1), "{db:?}: {out}");
        assert!(
            out.contains(&format!(
                "checkpoint #{newest_id}, which this server signed"
            )),
            "{db:?}: {out}"
        );

        // 3. ... and a new checkpoint signed over the rewritten chain with another key (the
        // attacker's own tool), the server's witness gone too.
        std::fs::remove_file(app.dir.path().join("data/audit-checkpoint.json")).expect("rm");
        let database = backend::db::Database::connect(&app.database_url, 1).expect("db");
        let mut conn = database.get().expect("conn");
        let foreign = backend::keys::ReceiptKeys::from_seed([7u8; 32]);
        let forged = backend::audit::checkpoints::create(
            &mut conn,
            &foreign,
            backend::clock::Clock::now_db(&app.clock),
            "operator",
        )
        .expect("sign")
        .expect("a checkpoint");
        drop(conn);
        assert!(forged.signature_valid(), "valid under its own key");
        let (code, out) = verify_cli(&app, None);
        assert_eq!(code, Some(1), "{db:?}: {out}");
        assert!(
            out.contains(&format!(
                "checkpoint #{} is signed by a key that is not this deployment's",
                forged.id
            )),
            "{db:?}: {out}"
        );
        // The server will not sign on top of it either.
        let refused = licita(&app, &["audit", "checkpoint"]);
        assert!(!refused.status.success(), "{db:?}");

        // 4. A checkpoint in the middle deleted: a gap in their sequence.
        as_dba(
            &app,
            "DELETE FROM audit_checkpoint_heads WHERE checkpoint_id = 1; \
             DELETE FROM audit_checkpoints WHERE id = 1",
        );
        let (code, out) = verify_cli(&app, None);
        assert_eq!(code, Some(1), "{db:?}: {out}");
        assert!(
            out.contains("checkpoint #1 is missing from the sequence"),
            "{db:?}: {out}"
        );
        app.stop().await;
    }
}
