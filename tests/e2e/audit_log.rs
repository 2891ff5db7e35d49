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
        .env("LICITA_DATA_DIR", app.dir.path().join("cli-data"))
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
        let app = TestApp::spawn(db).await;
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
    let app = TestApp::spawn(Db::Sqlite).await;
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
        let app = TestApp::spawn(db).await;
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
        let app = TestApp::spawn(db).await;
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
        let app = TestApp::spawn(db).await;
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
