//! Pages over plain HTTP (no JavaScript): login and logout, forms with error summaries,
//! the language switch, error pages, probes and the API documentation.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn login_and_logout_through_the_pages_on_both_databases() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let client = app.client();
        let page = client.get(app.url("/ingresar")).send().await.expect("get");
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.expect("text");
        assert!(
            html.contains("<html lang=\"es\">")
                && html.contains("<label for=\"f-email\">Correo electrónico</label>"),
            "{html}"
        );
        let csrf = csrf_from(&html);

        let wrong = post_form(
            &client,
            app.url("/ingresar"),
            &[
                ("csrf_token", csrf.as_str()),
                ("email", OFFICER),
                ("password", "equivocada"),
            ],
        )
        .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let html = wrong.text().await.expect("text");
        assert!(
            html.contains("class=\"error-summary\""),
            "error summary shown"
        );
        assert!(html.contains("El correo o la contraseña no son correctos."));
        assert!(
            html.contains(&format!("value=\"{OFFICER}\"")),
            "the typed email is kept"
        );
        assert!(!html.contains("equivocada"), "the password is never echoed");

        let empty = post_form(
            &client,
            app.url("/ingresar"),
            &[
                ("csrf_token", csrf.as_str()),
                ("email", ""),
                ("password", ""),
            ],
        )
        .await;
        assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = empty.text().await.expect("text");
        assert!(
            html.contains("href=\"#f-email\"") && html.contains("href=\"#f-password\""),
            "summary links each field"
        );
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(
            html.contains("autofocus"),
            "focus moves to the first wrong field without JavaScript"
        );

        let ok = post_form(
            &client,
            app.url("/ingresar"),
            &[
                ("csrf_token", csrf.as_str()),
                ("email", OFFICER),
                ("password", DEMO_PASSWORD),
                ("volver", "/cuenta"),
            ],
        )
        .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        assert_eq!(ok.headers()["location"], "/cuenta");
        let cookie = ok
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap_or("").to_owned())
            .find(|c| c.starts_with("licita_session="))
            .expect("session cookie");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let account = page_text(&client, app.url("/cuenta")).await;
        assert!(
            account.contains("Julio Huamán")
                && account.contains("Municipalidad Metropolitana de Lima")
        );
        assert!(account.contains("Cerrar sesión"));

        let csrf = csrf_from(&account);
        let out = post_form(&client, app.url("/salir"), &[("csrf_token", csrf.as_str())]).await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        let home = page_text(&client, app.url("/?aviso=signed-out")).await;
        assert!(home.contains("Cerró su sesión."));
        let after = client.get(app.url("/cuenta")).send().await.expect("get");
        assert_eq!(
            after.status(),
            StatusCode::SEE_OTHER,
            "signed out for real ({db:?})"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn admin_forms_keep_input_and_list_every_wrong_field() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let client = page_login(&app, ADMIN, DEMO_PASSWORD).await;
        let csrf = csrf_from(&page_text(&client, app.url("/admin")).await);
        let bad = post_form(
            &client,
            app.url("/admin/usuarios"),
            &[
                ("csrf_token", csrf.as_str()),
                ("email", "sin-arroba"),
                ("display_name", "<script>alert(1)</script>"),
                ("role", "officer"),
                ("buyer_id", ""),
                ("locale", "es"),
                ("password", "corta"),
            ],
        )
        .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = bad.text().await.expect("text");
        for field in ["email", "password", "buyer_id"] {
            assert!(
                html.contains(&format!("href=\"#f-{field}\"")),
                "summary lists {field}"
            );
        }
        assert!(html.contains("value=\"sin-arroba\""), "typed value kept");
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "HTML typed is shown as text"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

        // The procurement office's contact is optional, and checked when given.
        let bad_office = post_form(
            &client,
            app.url("/admin/entidades"),
            &[
                ("csrf_token", csrf.as_str()),
                ("name", "Municipalidad Distrital de Ñuñoa"),
                ("ruc", "20600111222"),
                ("contact_address", "Av. Principal 100"),
                ("contact_email", "sin-arroba"),
            ],
        )
        .await;
        assert_eq!(
            bad_office.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{db:?}"
        );
        let html = bad_office.text().await.expect("text");
        assert!(
            html.contains("href=\"#f-contact_email\"")
                && html.contains("value=\"Av. Principal 100\""),
            "{db:?}: the summary names the email and the address typed is kept"
        );
        let ok = post_form(
            &client,
            app.url("/admin/entidades"),
            &[
                ("csrf_token", csrf.as_str()),
                ("name", "Municipalidad Distrital de Ñuñoa"),
                ("ruc", "20600111222"),
                ("contact_address", "Av. Principal 100"),
                ("contact_district", "Ñuñoa"),
                ("contact_department", "Lima"),
                ("contact_email", "logistica@munnunoa.gob.pe"),
            ],
        )
        .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let listed = page_text(&client, app.url("/admin?aviso=buyer-created")).await;
        assert!(
            listed.contains("Municipalidad Distrital de Ñuñoa")
                && listed.contains("Entidad registrada."),
            "{db:?}"
        );
        let dup = post_form(
            &client,
            app.url("/admin/entidades"),
            &[
                ("csrf_token", csrf.as_str()),
                ("name", "Otra"),
                ("ruc", "20600111222"),
            ],
        )
        .await;
        assert_eq!(dup.status(), StatusCode::CONFLICT);
        assert!(
            dup.text()
                .await
                .expect("text")
                .contains("Ya hay una entidad registrada con ese RUC.")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_language_switch_translates_every_page_and_stays_on_site() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let client = app.client();
    let switch = client
        .get(app.url("/idioma/en?volver=%2Fingresar"))
        .send()
        .await
        .expect("get");
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()["location"], "/ingresar");
    let html = page_text(&client, app.url("/ingresar")).await;
    assert!(
        html.contains("<html lang=\"en\">")
            && html.contains("Email address")
            && html.contains("Español"),
        "{html}"
    );
    let offsite = client
        .get(app.url("/idioma/es?volver=%2F%2Fevil.example"))
        .send()
        .await
        .expect("get");
    assert_eq!(offsite.headers()["location"], "/", "no open redirect");
    let missing = client.get(app.url("/no-existe")).send().await.expect("get");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .await
            .expect("text")
            .contains("No encontramos la página")
    );
    // Accept-Language alone also picks English.
    let en = app
        .client()
        .get(app.url("/"))
        .header("accept-language", "en-US,en;q=0.8")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(en.contains("Public procurement open to every company"));
}

#[tokio::test]
async fn probes_security_headers_and_api_documentation() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let client = app.client();
        let health = client.get(app.url("/health")).send().await.expect("get");
        assert_eq!(health.status(), StatusCode::OK);
        assert!(
            health.headers().contains_key("x-request-id"),
            "every response names its request"
        );
        let ready: Value = client
            .get(app.url("/ready"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(ready["status"], "ready");
        assert_eq!(
            ready["database"],
            if db == Db::Postgres {
                "postgresql"
            } else {
                "sqlite"
            }
        );
        let home = client.get(app.url("/")).send().await.expect("get");
        let csp = home.headers()["content-security-policy"]
            .to_str()
            .expect("csp");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(home.headers()["x-frame-options"], "DENY");
        app.stop().await;
    }
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let doc: Value = app
        .client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/verify-email",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/buyers",
        "/api/v1/users",
        "/api/v1/audit/verify",
        "/api/v1/audit/chains/{chain}",
        "/api/v1/suppliers",
        "/api/v1/suppliers/{id}",
        "/api/v1/suppliers/{id}/eligibility",
        "/api/v1/suppliers/{id}/decisions",
        "/api/v1/suppliers/{id}/members/{user_id}",
        "/api/v1/invitations/accept",
        "/api/v1/registry/queue",
        "/api/v1/sanctions",
        "/api/v1/catalogue",
        "/api/v1/users/{id}/registry-officer",
        "/health",
        "/ready",
    ] {
        assert!(paths.contains_key(path), "{path} documented");
    }
    // The document describes what the server does: a secured operation says 401; query
    // parameters are in the query with their limits; required fields are required; the
    // two decision bodies have their own names.
    let me = &doc["paths"]["/api/v1/me"]["get"]["responses"];
    assert!(me["401"].is_object(), "{me}");
    let search = doc["paths"]["/api/v1/tenders"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let per_page = search
        .iter()
        .find(|p| p["name"] == "per_page")
        .expect("per_page");
    assert_eq!(per_page["in"], "query");
    assert_eq!(per_page["schema"]["maximum"], 100);
    let schemas = &doc["components"]["schemas"];
    let login_required = schemas["LoginRequest"]["required"]
        .as_array()
        .expect("required");
    assert!(
        login_required.contains(&Value::from("email")),
        "{login_required:?}"
    );
    assert!(schemas["ComplaintDecisionInput"]["properties"]["decision"].is_object());
    assert!(schemas["DecisionInput"]["properties"]["reason"].is_object());
    let download = &doc["paths"]["/api/v1/tenders/{id}/documents/{document_id}"]["get"]["responses"]
        ["200"]["content"];
    assert!(download["application/pdf"].is_object(), "{download}");
    let docs = app
        .client()
        .get(app.url("/api/docs"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        docs.contains("/api/docs/swagger-ui-bundle.js") && !docs.contains("https://"),
        "served locally"
    );
    let bundle = app
        .client()
        .get(app.url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .expect("get");
    assert_eq!(bundle.status(), StatusCode::OK);
    assert!(bundle.bytes().await.expect("bytes").len() > 500_000);
    let api_404 = app
        .client()
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .expect("get");
    assert_eq!(api_404.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        api_404.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn pages_css_and_json_travel_compressed_and_documents_as_stored() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let client = app.client();
    for (path, encoding) in [
        ("/", "br"),
        ("/licitaciones", "gzip"),
        ("/static/licita.css", "br"),
        ("/api/v1/tenders", "gzip"),
    ] {
        let plain = client.get(app.url(path)).send().await.expect("get");
        let plain_size = plain.bytes().await.expect("bytes").len();
        let response = client
            .get(app.url(path))
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("get");
        assert_eq!(response.headers()["content-encoding"], encoding, "{path}");
        let size = response.bytes().await.expect("bytes").len();
        assert!(
            size * 2 < plain_size,
            "{path}: {size} of {plain_size} bytes"
        );
    }
    // A published tender's PDF is sent as stored, with its length.
    let tender: Value = app.get_public("/api/v1/tenders/1").await;
    let document = tender["documents"][0]["id"].as_i64().expect("document");
    let pdf = client
        .get(app.url(&format!("/api/v1/tenders/1/documents/{document}")))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(pdf.headers().get("content-encoding").is_none());
    assert!(pdf.headers().get("content-length").is_some());
    // The service's mark, where browsers look for it.
    let icon = client
        .get(app.url("/favicon.ico"))
        .send()
        .await
        .expect("icon");
    assert_eq!(icon.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(icon.headers()["location"], "/static/favicon.svg");
    let svg = client
        .get(app.url("/static/favicon.svg"))
        .send()
        .await
        .expect("svg");
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let home = client
        .get(app.url("/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("html");
    assert!(home.contains(r#"<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">"#));
}
