//! Sessions, tokens, CSRF, throttling and the role matrix, on both back ends.

use crate::support::*;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn forge(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .expect("encode")
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("me")
        .status()
}

#[tokio::test]
async fn login_me_logout_on_both_databases() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let token = app.token(OFFICER).await;
        let me: Value = app.get_json("/api/v1/me", &token).await;
        assert_eq!(me["email"], OFFICER, "{db:?}");
        assert_eq!(me["role"], "officer");
        assert_eq!(me["buyer_name"], "Municipalidad Metropolitana de Lima");
        let out = app
            .client()
            .post(app.url("/api/v1/auth/logout"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("logout");
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            me_status(&app, &token).await,
            StatusCode::UNAUTHORIZED,
            "a logged-out token must stop working ({db:?})"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn wrong_passwords_are_refused_and_throttled_per_account() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let client = app.client();
        let attempt = |password: &'static str| {
            client
                .post(app.url("/api/v1/auth/login"))
                .header("accept-language", "en")
                .json(&json!({"email": OFFICER, "password": password}))
                .send()
        };
        let first = attempt("wrong password").await.expect("login");
        assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(first.headers()["content-type"], "application/problem+json");
        let problem: Value = first.json().await.expect("json");
        assert_eq!(problem["title"], "Wrong email or password");
        for _ in 0..4 {
            assert_eq!(
                attempt("wrong password").await.expect("login").status(),
                StatusCode::UNAUTHORIZED
            );
        }
        let locked = attempt(DEMO_PASSWORD).await.expect("login");
        assert_eq!(
            locked.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits out the lock ({db:?})"
        );
        assert!(locked.headers().contains_key("retry-after"));
        // Another account from the same address is not locked by the first one's failures.
        let other = client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": AUDITOR, "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(other.status(), StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(
            attempt(DEMO_PASSWORD).await.expect("login").status(),
            StatusCode::OK,
            "lock ends after the window"
        );
        // Unknown accounts get the same answer as wrong passwords.
        let unknown = client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": "nadie@example.pe", "password": "whatever-123"}))
            .send()
            .await
            .expect("login");
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        app.stop().await;
    }
}

#[tokio::test]
async fn spraying_accounts_from_one_address_is_slowed_not_locked_for_the_others_behind_it() {
    let app = TestApp::spawn_people_with(
        Db::Sqlite,
        &[("LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS", "3")],
    )
    .await;
    let login = |email: &'static str, password: &'static str| {
        let request = app
            .client()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": email, "password": password}));
        async move { request.send().await.expect("login") }
    };
    for email in ["a@x.pe", "b@x.pe", "c@x.pe", "d@x.pe"] {
        assert_eq!(
            login(email, "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Past the address's limit every attempt waits its turn (a few seconds)...
    let slowed = login(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS, "slowed");
    let wait: i64 = slowed.headers()["retry-after"]
        .to_str()
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!(
        (1..=backend::throttle::SLOW_INTERVAL_SECS).contains(&wait),
        "{wait}"
    );
    // ... and then goes through: another person at that telecentre still signs in.
    app.clock.advance(chrono::Duration::seconds(wait));
    assert_eq!(login(ADMIN, DEMO_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn forged_expired_and_tampered_tokens_are_rejected() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let token = app.token(ADMIN).await;
        assert_eq!(me_status(&app, &token).await, StatusCode::OK);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let parts: Vec<&str> = token.split('.').collect();
        let mut claims: Value =
            serde_json::from_slice(&b64.decode(parts[1]).expect("b64")).expect("claims");

        // Signed with another key.
        assert_eq!(
            me_status(&app, &forge(&claims, b"another-secret-another-secret-xx")).await,
            StatusCode::UNAUTHORIZED
        );
        // alg: none.
        let none = format!(
            "{}.{}.",
            b64.encode(br#"{"alg":"none","typ":"JWT"}"#),
            parts[1]
        );
        assert_eq!(me_status(&app, &none).await, StatusCode::UNAUTHORIZED);
        // Payload changed (another user id) but the old signature kept.
        claims["sub"] = json!("2");
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64.encode(claims.to_string()),
            parts[2]
        );
        assert_eq!(me_status(&app, &tampered).await, StatusCode::UNAUTHORIZED);
        // Garbage.
        assert_eq!(
            me_status(&app, "not-a-token").await,
            StatusCode::UNAUTHORIZED
        );
        // Expired: the session lifetime is 8 hours by default.
        app.clock
            .advance(chrono::Duration::hours(8) + chrono::Duration::seconds(1));
        let expired = app
            .client()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(expired.headers()["www-authenticate"], "Bearer");
        app.stop().await;
    }
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_to_change_anything() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let client = page_login(&app, ADMIN, DEMO_PASSWORD).await;
    // Reading with the cookie works.
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .status(),
        StatusCode::OK
    );
    let page = page_text(&client, app.url("/cuenta")).await;
    let csrf = csrf_from(&page);
    let buyer = json!({"name": "Gobierno Regional del Cusco", "ruc": "20600111222"});
    let missing = client
        .post(app.url("/api/v1/buyers"))
        .json(&buyer)
        .send()
        .await
        .expect("post");
    assert_eq!(missing.status(), StatusCode::FORBIDDEN, "no CSRF header");
    let wrong = client
        .post(app.url("/api/v1/buyers"))
        .header("x-csrf-token", "wrong")
        .json(&buyer)
        .send()
        .await
        .expect("post");
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN, "wrong CSRF header");
    let right = client
        .post(app.url("/api/v1/buyers"))
        .header("x-csrf-token", &csrf)
        .json(&buyer)
        .send()
        .await
        .expect("post");
    assert_eq!(right.status(), StatusCode::CREATED);
    // Page forms: missing and wrong tokens are refused with a friendly page, nothing written.
    let no_token = post_form(
        &client,
        app.url("/admin/entidades"),
        &[("name", "Entidad X"), ("ruc", "20490000128")],
    )
    .await;
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert!(
        no_token
            .text()
            .await
            .expect("text")
            .contains("El formulario caducó")
    );
    let bad_token = post_form(
        &client,
        app.url("/admin/entidades"),
        &[
            ("csrf_token", "nope"),
            ("name", "Entidad X"),
            ("ruc", "20490000128"),
        ],
    )
    .await;
    assert_eq!(bad_token.status(), StatusCode::FORBIDDEN);
    let buyers: Value = client
        .get(app.url("/api/v1/buyers"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(
        !buyers
            .as_array()
            .expect("array")
            .iter()
            .any(|b| b["ruc"] == "20490000128"),
        "refused form wrote nothing"
    );
}

#[tokio::test]
async fn a_tampered_session_cookie_signs_the_browser_out() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let token = app.token(OFFICER).await;
    let mut chars: Vec<char> = token.chars().collect();
    let last = chars.len() - 2;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let client = app.client();
    let api = client
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("licita_session={tampered}"))
        .send()
        .await
        .expect("me");
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    let page = client
        .get(app.url("/panel"))
        .header("cookie", format!("licita_session={tampered}"))
        .send()
        .await
        .expect("panel");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert!(
        page.headers()["location"]
            .to_str()
            .expect("location")
            .starts_with("/ingresar")
    );
    let cleared = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|c| c.to_str().unwrap_or("").starts_with("licita_session=;"));
    assert!(cleared, "the bad cookie is cleared");
}

#[tokio::test]
async fn changing_the_password_ends_older_sessions() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let other_session = app.token(AUDITOR).await;
        let session = app.token(AUDITOR).await;
        app.clock.advance(chrono::Duration::seconds(2));
        let wrong = app
            .post_json(
                "/api/v1/me/password",
                &session,
                &json!({"current_password": "not it", "new_password": "una frase nueva y larga"}),
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = wrong.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], "current_password");
        let changed = app.post_json("/api/v1/me/password", &session, &json!({"current_password": DEMO_PASSWORD, "new_password": "una frase nueva y larga"})).await;
        assert_eq!(changed.status(), StatusCode::OK, "{db:?}");
        let fresh: Value = changed.json().await.expect("json");
        assert_eq!(
            me_status(&app, &other_session).await,
            StatusCode::UNAUTHORIZED,
            "old sessions end ({db:?})"
        );
        assert_eq!(
            me_status(&app, fresh["token"].as_str().expect("token")).await,
            StatusCode::OK
        );
        let old_password = app
            .client()
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({"email": AUDITOR, "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(old_password.status(), StatusCode::UNAUTHORIZED);
        app.stop().await;
    }
}

#[tokio::test]
async fn validation_errors_name_each_field_in_the_callers_language() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let admin = app.token(ADMIN).await;
        let bad = json!({"email": "no-es-correo", "display_name": "", "password": "corta", "role": "king", "buyer_id": "7"});
        let post = |lang: &'static str| {
            app.client()
                .post(app.url("/api/v1/users"))
                .bearer_auth(&admin)
                .header("accept-language", lang)
                .json(&bad)
                .send()
        };
        let es = post("es-PE,es;q=0.9").await.expect("post");
        assert_eq!(es.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(es.headers()["content-type"], "application/problem+json");
        let es: Value = es.json().await.expect("json");
        let fields: Vec<&str> = es["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            fields,
            ["email", "display_name", "password", "role"],
            "{es}"
        );
        assert_eq!(
            es["errors"][0]["message"],
            "«Correo electrónico» no es una dirección de correo válida."
        );
        let en: Value = post("en").await.expect("post").json().await.expect("json");
        assert_eq!(
            en["errors"][0]["message"],
            "“Email address” is not a valid email address."
        );
        assert_eq!(en["title"], "Some data needs correcting");

        // An officer without a buyer, and a supplier with one.
        let officer = json!({"email": "nuevo@munlima.gob.pe", "display_name": "Nuevo", "password": "una clave larga", "role": "officer"});
        let r: Value = app
            .client()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .json(&officer)
            .send()
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        assert_eq!(r["errors"][0]["field"], "buyer_id");
        // Malformed JSON is a 400 problem, not a crash.
        let broken = app
            .client()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body("{\"email\": ")
            .send()
            .await
            .expect("post");
        assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
        assert_eq!(broken.headers()["content-type"], "application/problem+json");
        // Duplicate email and duplicate RUC are conflicts naming the field.
        let dup = json!({"email": OFFICER.to_uppercase(), "display_name": "Otro", "password": "una clave larga", "role": "auditor"});
        let r = app
            .client()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .json(&dup)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            r.json::<Value>().await.expect("json")["errors"][0]["field"],
            "email"
        );
        let r = app
            .post_json(
                "/api/v1/buyers",
                &admin,
                &json!({"name": "Copia", "ruc": "20131380951"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r: Value = app
            .post_json(
                "/api/v1/buyers",
                &admin,
                &json!({"name": "X", "ruc": "20512333798"}),
            )
            .await
            .json()
            .await
            .expect("json");
        let codes: Vec<&str> = r["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["code"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(codes, ["too_short", "ruc_check_digit"]);
        app.stop().await;
    }
}

#[tokio::test]
async fn each_role_reaches_only_its_own_routes_and_pages() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let roles = [
            ("anonymous", None),
            ("supplier", Some(SUPPLIER)),
            ("officer", Some(OFFICER)),
            ("auditor", Some(AUDITOR)),
            ("admin", Some(ADMIN)),
        ];
        // (method, path, body, [expected status for anonymous, supplier, officer, auditor, admin])
        let api: [(&str, &str, Value, [u16; 5]); 7] = [
            ("GET", "/api/v1/me", Value::Null, [401, 200, 200, 200, 200]),
            (
                "GET",
                "/api/v1/users",
                Value::Null,
                [401, 403, 403, 403, 200],
            ),
            (
                "POST",
                "/api/v1/users",
                json!({}),
                [401, 403, 403, 403, 422],
            ),
            (
                "GET",
                "/api/v1/buyers",
                Value::Null,
                [200, 200, 200, 200, 200],
            ),
            (
                "POST",
                "/api/v1/buyers",
                json!({}),
                [401, 403, 403, 403, 422],
            ),
            (
                "GET",
                "/api/v1/audit/verify",
                Value::Null,
                [401, 403, 403, 200, 200],
            ),
            (
                "GET",
                "/api/v1/audit/chains/buyer:1",
                Value::Null,
                [401, 403, 403, 200, 200],
            ),
        ];
        let pages: [(&str, [u16; 5]); 5] = [
            ("/panel", [303, 200, 200, 200, 200]),
            ("/cuenta", [303, 200, 200, 200, 200]),
            ("/admin", [303, 403, 403, 403, 200]),
            ("/auditoria", [303, 403, 403, 200, 200]),
            ("/ingresar", [200, 303, 303, 303, 303]),
        ];
        for (i, (role, email)) in roles.iter().enumerate() {
            let token = match email {
                Some(e) => Some(app.token(e).await),
                None => None,
            };
            let client = match email {
                Some(e) => page_login(&app, e, DEMO_PASSWORD).await,
                None => app.client(),
            };
            assert_role_column(&app, i, role, token.as_deref(), &client, &api, &pages).await;
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_the_others() {
    let attempt =
        |app: &TestApp, forwarded: &'static str, email: &'static str, password: &'static str| {
            let request = app
                .client()
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", forwarded)
                .json(&json!({"email": email, "password": password}));
            async move { request.send().await.expect("login").status() }
        };
    // The test talks to the server from 127.0.0.1, which plays the load balancer here.
    let app = TestApp::spawn_people_with(
        Db::Sqlite,
        &[
            ("LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS", "3"),
            ("LICITA_TRUSTED_PROXIES", "127.0.0.1"),
        ],
    )
    .await;
    for email in ["a@x.pe", "b@x.pe", "c@x.pe", "d@x.pe"] {
        assert_eq!(
            attempt(&app, "198.51.100.1", email, "wrong-password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&app, "198.51.100.1", ADMIN, DEMO_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the sprayer is slowed"
    );
    assert_eq!(
        attempt(&app, "198.51.100.2", ADMIN, DEMO_PASSWORD).await,
        StatusCode::OK,
        "everyone else signs in at once"
    );
    app.stop().await;

    // Without trusted proxies the header is ignored: rotating it does not evade the slowing.
    let app = TestApp::spawn_people_with(
        Db::Sqlite,
        &[("LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS", "3")],
    )
    .await;
    for (forwarded, email) in [
        ("203.0.113.1", "a@x.pe"),
        ("203.0.113.2", "b@x.pe"),
        ("203.0.113.3", "c@x.pe"),
        ("203.0.113.4", "d@x.pe"),
    ] {
        assert_eq!(
            attempt(&app, forwarded, email, "wrong-password").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&app, "203.0.113.5", ADMIN, DEMO_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn forty_parallel_guesses_get_the_limit_evaluated_and_lock_nobody_else_out() {
    for db in backends() {
        let app = TestApp::spawn_people_with(db, &[("LICITA_TRUSTED_PROXIES", "127.0.0.1")]).await;
        let attempt = |from: &str, email: &str, password: &str| {
            let request = app
                .client()
                .post(app.url("/api/v1/auth/login"))
                .header("x-forwarded-for", from.to_owned())
                .json(&json!({"email": email, "password": password}));
            async move { request.send().await.expect("login").status() }
        };
        // 40 wrong passwords for one officer from one address, all at once.
        let guesses: Vec<_> = (0..40)
            .map(|i| {
                attempt(
                    "198.51.100.7",
                    OFFICER,
                    if i % 2 == 0 { "wrong-1" } else { "wrong-2" },
                )
            })
            .collect();
        let statuses = futures_util::future::join_all(guesses).await;
        let evaluated = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(
            (evaluated, refused),
            (5, 35),
            "at most LICITA_LOGIN_MAX_FAILURES are checked on {db:?}: {statuses:?}"
        );
        // The officer, from the office, still signs in: the lock is the guesser's.
        assert_eq!(
            attempt("203.0.113.20", OFFICER, DEMO_PASSWORD).await,
            StatusCode::OK,
            "{db:?}"
        );
        // 30 failures from a telecentre (the address limit) lock out no other account there.
        for i in 0..30 {
            let email = format!("cliente{i}@example.pe");
            assert_eq!(
                attempt("192.0.2.50", &email, "wrong-password").await,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(
            attempt("192.0.2.50", SUPPLIER, DEMO_PASSWORD).await,
            StatusCode::OK,
            "another user at the telecentre signs in ({db:?})"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn a_stolen_session_cannot_guess_the_current_password_or_the_opening_passphrase() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let officer = app.token(OFFICER).await;
        for _ in 0..5 {
            let r = app
                .post_json(
                    "/api/v1/me/password",
                    &officer,
                    &json!({"current_password": "a guess", "new_password": "otra frase bastante larga"}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = app
            .post_json(
                "/api/v1/me/password",
                &officer,
                &json!({"current_password": DEMO_PASSWORD, "new_password": "otra frase bastante larga"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{db:?}");
        for _ in 0..5 {
            let r = app
                .put_json(
                    "/api/v1/me/opening-key",
                    &officer,
                    &json!({"current_passphrase": "una frase equivocada", "passphrase": "una frase nueva y larga"}),
                )
                .await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let r = app
            .put_json(
                "/api/v1/me/opening-key",
                &officer,
                &json!({"current_passphrase": crate::bids::PASSPHRASE, "passphrase": "una frase nueva y larga"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{db:?}");
        app.stop().await;
    }
}

/// Is `location` a path on this site (what a browser will not take to another host)?
fn stays_on_site(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location.contains('\\')
        && location.bytes().all(|b| b.is_ascii_graphic())
}

#[tokio::test]
async fn return_paths_never_leave_the_site_before_or_after_signing_in() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    // As sent in a URL (percent-encoded) and as a form field (decoded).
    let hostile: [(&str, &str); 11] = [
        ("/%09/evil.example", "/\t/evil.example"),
        ("//evil.example/phish", "//evil.example/phish"),
        ("/%5Cevil.example", "/\\evil.example"),
        ("%5C%5Cevil.example", "\\\\evil.example"),
        ("/%00", "/\u{0}"),
        ("/%7F", "/\u{7f}"),
        ("https://evil.example/", "https://evil.example/"),
        ("http:evil.example", "http:evil.example"),
        ("/%0D%0ASet-Cookie:%20x=1", "/\r\nSet-Cookie: x=1"),
        ("%2F%2Fevil.example", "%2F%2Fevil.example"),
        ("/%E2%80%AE/evil.example", "/\u{202E}/evil.example"),
    ];
    let check = |what: String, response: reqwest::Response| {
        let status = response.status();
        assert!(!status.is_server_error(), "{what}: {status}");
        if let Some(location) = response.headers().get("location") {
            let location = location.to_str().expect("ascii location");
            assert!(stays_on_site(location), "{what} → {location}");
        }
    };
    let anonymous = app.client();
    for (encoded, _) in hostile {
        for lang in ["es", "en"] {
            let url = app.url(&format!("/idioma/{lang}?volver={encoded}"));
            check(url.clone(), anonymous.get(url).send().await.expect("get"));
        }
        // The login page does not carry a return path it would not follow.
        let url = app.url(&format!("/ingresar?volver={encoded}"));
        let page = anonymous.get(&url).send().await.expect("get");
        assert_eq!(page.status(), StatusCode::OK, "{url}");
        let html = page.text().await.expect("html");
        let carried = html
            .split("name=\"volver\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("return field");
        assert!(!carried.contains("evil.example"), "{url}: {carried}");
    }
    // A real sign-in with each hostile return path lands on the site, signed in.
    for (_, decoded) in hostile {
        let (client, response) = page_login_returning(&app, OFFICER, DEMO_PASSWORD, decoded).await;
        assert_eq!(response.status(), 303, "{decoded:?}");
        assert!(
            response.headers().get("set-cookie").is_some(),
            "{decoded:?}"
        );
        check(format!("POST /ingresar volver={decoded:?}"), response);
        // Signed in, the language switch keeps to the site as well.
        for (encoded, _) in hostile {
            let url = app.url(&format!("/idioma/en?volver={encoded}"));
            check(url.clone(), client.get(url).send().await.expect("get"));
        }
    }
    // A safe return path is followed.
    let client = app.client();
    let response = client
        .get(app.url("/idioma/en?volver=/licitaciones%3Fq%3Dagua"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.headers()["location"], "/licitaciones?q=agua");
}
