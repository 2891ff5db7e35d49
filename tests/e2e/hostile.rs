//! Hostile input against every write route: malformed JSON, wrong types, wrong content type,
//! oversized bodies, malformed path ids, broken form encodings. Each must be a clear 4xx (a
//! problem document for the API, a page for forms) and never a 5xx.

use crate::support::*;
use reqwest::StatusCode;

/// Every JSON route that takes a body, with a path whose ids exist.
fn json_routes(andina: i64, techperu: i64) -> Vec<(&'static str, String)> {
    vec![
        ("POST", "/api/v1/auth/login".into()),
        ("POST", "/api/v1/auth/verify-email".into()),
        ("POST", "/api/v1/me/password".into()),
        ("POST", "/api/v1/buyers".into()),
        ("POST", "/api/v1/users".into()),
        ("PUT", "/api/v1/users/2/registry-officer".into()),
        ("POST", "/api/v1/suppliers".into()),
        ("PUT", format!("/api/v1/suppliers/{andina}/profile")),
        ("POST", format!("/api/v1/suppliers/{andina}/invitations")),
        ("POST", format!("/api/v1/suppliers/{andina}/owner")),
        ("POST", format!("/api/v1/suppliers/{techperu}/decisions")),
        ("PUT", format!("/api/v1/suppliers/{andina}/identity")),
        ("POST", "/api/v1/invitations/accept".into()),
        // Tender 1 is an open tender of the Municipalidad de Lima; 28 is one of its drafts.
        ("POST", "/api/v1/tenders".into()),
        ("PUT", "/api/v1/tenders/28".into()),
        ("POST", "/api/v1/tenders/28/documents".into()),
        ("POST", "/api/v1/tenders/1/cancel".into()),
        ("POST", "/api/v1/tenders/1/amendments".into()),
        ("POST", "/api/v1/tenders/1/enquiries".into()),
        ("POST", "/api/v1/tenders/1/enquiries/1/answer".into()),
        ("PUT", "/api/v1/tenders/1/follow".into()),
        ("PUT", "/api/v1/me/alerts".into()),
    ]
}

#[tokio::test]
async fn malformed_bodies_never_reach_a_5xx() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let andina = app.supplier_id(ANDINA_RUC).await;
    let techperu = app.supplier_id(TECHPERU_RUC).await;
    // The caller with the most rights on each route, so the body is what gets judged.
    let owner = app.token(SUPPLIER).await;
    let officer = app.token(REGISTRY_OFFICER).await;
    let admin = app.token(ADMIN).await;
    let buyer_officer = app.token(OFFICER).await;
    let huge = format!("{{\"email\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let bodies: [(&str, String); 7] = [
        ("application/json", "{".into()),
        ("application/json", "[]".into()),
        ("application/json", "null".into()),
        (
            "application/json",
            r#"{"email": 7, "categories": "43", "granted": "yes", "user_id": "uno"}"#.into(),
        ),
        ("application/json", "\u{0}\u{1}binary".into()),
        ("text/plain", r#"{"email": "a@b.pe"}"#.into()),
        ("application/json", huge),
    ];
    for (method, path) in json_routes(andina, techperu) {
        let token = if path.contains("/decisions") || path.contains("/identity") {
            &officer
        } else if path.contains("/buyers") || path.contains("/users") {
            &admin
        } else if path.contains("/tenders")
            && !path.contains("/enquiries")
            && !path.contains("/follow")
            || path.ends_with("/answer")
        {
            &buyer_officer
        } else {
            &owner
        };
        for (content_type, body) in &bodies {
            let response = app
                .client()
                .request(method.parse().expect("method"), app.url(&path))
                .bearer_auth(token)
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .expect("request");
            let status = response.status();
            assert!(
                status.is_client_error(),
                "{method} {path} with {content_type} {:.40}: {status}",
                body
            );
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{method} {path}: {status}"
            );
            let problem: serde_json::Value = response.json().await.expect("problem");
            let detail = problem["detail"].as_str().unwrap_or_default();
            // A sentence for a person, never the parser's own words.
            for parser_words in [
                "deserialize",
                "invalid type",
                "untagged",
                "expected",
                "line 1",
            ] {
                assert!(
                    !detail.contains(parser_words),
                    "{method} {path} {content_type}: {detail}"
                );
            }
        }
    }
    // A path or query that cannot be read is said to be the address, not the body; the field
    // is named, in the caller's language.
    for (path, lang, words) in [
        ("/api/v1/suppliers/abc", "es", "«id» en la dirección (ruta)"),
        ("/api/v1/suppliers/abc", "en", "“id” in the address (path)"),
        (
            "/api/v1/tenders?page=dos",
            "es",
            "«Página» en los parámetros de la dirección",
        ),
        (
            "/api/v1/tenders?page=dos",
            "en",
            "“Page” in the address's parameters",
        ),
    ] {
        let problem: serde_json::Value = app
            .client()
            .get(app.url(path))
            .header("accept-language", lang)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("problem");
        assert_eq!(problem["status"], 400, "{path}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(words), "{path} {lang}: {detail}");
    }
    // Malformed ids in paths are refused before any query runs.
    for path in [
        "/api/v1/suppliers/abc",
        "/api/v1/suppliers/99999999999999999999",
        "/api/v1/suppliers/-1/eligibility",
        "/api/v1/suppliers/1;DROP/members",
    ] {
        let response = app
            .client()
            .get(app.url(path))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("get");
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
    }
}

#[tokio::test]
async fn malformed_forms_get_a_page_not_a_crash() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let client = page_login(&app, REGISTRY_OFFICER, DEMO_PASSWORD).await;
    let csrf = csrf_from(&page_text(&client, app.url("/registro")).await);
    let techperu = app.supplier_id(TECHPERU_RUC).await;
    let forms = [
        "/ingresar".to_owned(),
        "/cuenta/contrasena".to_owned(),
        format!("/registro/proveedores/{techperu}/decision"),
        format!("/registro/proveedores/{techperu}/identidad"),
        "/empresa/datos".to_owned(),
        "/proveedores/registro".to_owned(),
        "/invitacion".to_owned(),
        "/verificar-correo".to_owned(),
        "/admin/entidades".to_owned(),
        "/licitaciones/nueva".to_owned(),
        "/licitaciones/1/enmienda".to_owned(),
        "/licitaciones/1/cancelar".to_owned(),
        "/licitaciones/1/consultas".to_owned(),
        "/licitaciones/1/publicar".to_owned(),
        "/empresa/alertas".to_owned(),
        "/licitaciones/1/evaluacion/1/1".to_owned(),
        "/licitaciones/1/lotes/1/adjudicar".to_owned(),
        "/licitaciones/x/lotes/-1/adjudicar".to_owned(),
        "/adjudicaciones/1/apelacion".to_owned(),
        "/adjudicaciones/1/apelaciones/1".to_owned(),
        "/adjudicaciones/1/contrato".to_owned(),
        "/adjudicaciones/1/modificacion".to_owned(),
        "/auditoria/licitaciones/1/hallazgos".to_owned(),
        "/auditoria/hallazgos/1".to_owned(),
    ];
    let bodies = [
        format!("csrf_token={csrf}&%%%=%ZZ"),
        format!(
            "csrf_token={csrf}&decision=verify&until=2026-99-99&reason={}",
            "r".repeat(5000)
        ),
        format!("csrf_token={csrf}&{}", "a=1&".repeat(20_000)),
        "not even a form".to_owned(),
    ];
    for path in &forms {
        for body in &bodies {
            let response = client
                .post(app.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .expect("post");
            let status = response.status();
            assert!(
                status.is_client_error() || status.is_redirection(),
                "{path} {:.30}: {status}",
                body
            );
            if status.is_client_error() {
                let html = response.text().await.expect("text");
                assert!(
                    html.contains("<html lang=\"es\">"),
                    "{path}: a page in the user's language"
                );
            }
        }
    }
}

#[tokio::test]
async fn transport_headers_protect_sessions_on_shared_computers() {
    // Served at an https address: every answer tells the browser to stay on https.
    let app = TestApp::spawn_people_with(
        Db::Sqlite,
        &[("LICITA_PUBLIC_URL", "https://licita.example.gob.pe")],
    )
    .await;
    // ... and its cookies travel only over https, without LICITA_COOKIE_SECURE set by hand.
    let login = app
        .client()
        .get(app.url("/ingresar"))
        .send()
        .await
        .expect("login page");
    let cookies: Vec<&str> = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        !cookies.is_empty() && cookies.iter().all(|c| c.contains("Secure")),
        "{cookies:?}"
    );
    for path in ["/", "/api/v1/tenders", "/ingresar"] {
        let response = app.client().get(app.url(path)).send().await.expect("get");
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    // JSON about the caller is never stored by a browser or a proxy.
    let officer = app.token(OFFICER).await;
    for path in ["/api/v1/me", "/api/v1/tenders"] {
        let response = app
            .client()
            .get(app.url(path))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("get");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    // The scheme of the Authorization header is case-insensitive.
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .client()
            .get(app.url("/api/v1/me"))
            .header("authorization", format!("{scheme} {officer}"))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
    // Served over plain http (a developer's machine): no HSTS.
    let plain = TestApp::spawn_people(Db::Sqlite).await;
    let response = plain
        .client()
        .get(plain.url("/"))
        .send()
        .await
        .expect("get");
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_do_not_hold_a_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Slowloris: a client that never finishes its request headers is disconnected once the
    // request timeout (here 1 s) passes; a whole request on the same server is still served.
    let app = TestApp::spawn_empty_with(Db::Sqlite, &[("LICITA_REQUEST_TIMEOUT_SECS", "1")]).await;
    let mut slow = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: licita\r\nX-Slow: a")
        .await
        .expect("write");
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    // The server closes the connection (EOF) or answers 408; never waits for more.
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        slow.read_to_end(&mut answer),
    )
    .await;
    assert!(
        read.is_ok(),
        "the connection was still open 10 s after headers stopped arriving"
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "cut before the timeout: {:?}",
        started.elapsed()
    );
    let whole = app
        .client()
        .get(app.url("/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(whole.status(), 200);
    app.stop().await;
}
