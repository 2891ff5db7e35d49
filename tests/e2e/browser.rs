//! A real browser: Debian's headless Chromium with JavaScript disabled, driven through
//! chromedriver (fantoccini). The demo officer logs in and out in Spanish, then in English.

use crate::support::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};

pub(crate) struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .map(|p| (*p).to_owned())
}

async fn start_browser() -> Option<(Driver, Client)> {
    start_browser_with(false).await
}

/// Starts Chromium; `javascript` enables scripts (only the accessibility checker needs them:
/// Licita's pages themselves never do).
pub(crate) async fn start_browser_with(javascript: bool) -> Option<(Driver, Client)> {
    let chromedriver = find_program(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let chromium = find_program(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let (Some(chromedriver), Some(chromium)) = (chromedriver, chromium) else {
        missing(
            "Chromium",
            "install Debian's chromium and chromium-driver packages",
        );
        return None;
    };
    // fantoccini speaks rustls; pick its crypto provider once per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().expect("profile dir");
    let driver = Driver {
        child,
        port,
        _profile: profile,
    };
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--lang=es",
                format!("--user-data-dir={}", driver._profile.path().display()),
            ],
            "prefs": {
                "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 },
                "intl.accept_languages": "es-PE,es"
            }
        }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    let mut last_error = String::new();
    for _ in 0..50 {
        match ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Some((driver, client)),
            Err(e) => {
                last_error = e.to_string();
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
    }
    panic!("chromedriver did not accept a session: {last_error}");
}

pub(crate) async fn fill(browser: &Client, css: &str, text: &str) {
    let field = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.send_keys(text).await.expect("type");
}

pub(crate) async fn click(browser: &Client, css: &str) {
    let target = browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    target.click().await.expect("click");
}

/// Waits (up to 10 s) until the browser is at `path`: a click on a submit button returns
/// before the navigation it starts has finished.
pub(crate) async fn wait_for_path(browser: &Client, path: &str) {
    let mut at = String::new();
    for _ in 0..100 {
        at = browser.current_url().await.expect("url").path().to_owned();
        if at == path && browser.find(Locator::Css("footer")).await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("expected to arrive at {path}, still at {at}");
}

/// Waits (up to 10 s) for an element: pages load after the click that asked for them.
pub(crate) async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    for _ in 0..100 {
        if let Ok(element) = browser.find(Locator::Css(css)).await {
            return element;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never appeared");
}

/// The text of `css`. A page that is still loading (after a submit) can replace the element
/// between finding it and reading it, or not have it yet: then it is looked for again, for
/// up to two seconds.
async fn text_of(browser: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..20 {
        match browser.find(Locator::Css(css)).await {
            Ok(element) => match element.text().await {
                Ok(text) => return text,
                Err(e) if e.to_string().contains("stale element") => last = e.to_string(),
                Err(e) => panic!("{css}: {e}"),
            },
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css}: {last}");
}

async fn log_in_and_out(
    app: &TestApp,
    browser: &Client,
    login_label: &str,
    dashboard_title: &str,
    logout_label: &str,
    signed_out: &str,
) {
    browser.goto(&app.url("/")).await.expect("home");
    let login_link = browser
        .find(Locator::LinkText(login_label))
        .await
        .expect("login link in the header");
    login_link.click().await.expect("click login");
    wait_for_path(browser, "/ingresar").await;
    assert_eq!(text_of(browser, "h1").await, login_label);
    fill(browser, "#f-email", OFFICER).await;
    fill(browser, "#f-password", DEMO_PASSWORD).await;
    click(browser, "form[action='/ingresar'] button[type=submit]").await;
    wait_for_path(browser, "/panel").await;
    assert_eq!(text_of(browser, "h1").await, dashboard_title);
    assert!(
        text_of(browser, "main")
            .await
            .contains("Municipalidad Metropolitana de Lima")
    );
    let logout = browser
        .find(Locator::XPath(&format!(
            "//button[normalize-space()='{logout_label}']"
        )))
        .await
        .expect("logout button");
    logout.click().await.expect("click logout");
    wait_for_path(browser, "/").await;
    assert!(text_of(browser, ".notice").await.contains(signed_out));
    browser.goto(&app.url("/panel")).await.expect("panel");
    assert_eq!(
        browser.current_url().await.expect("url").path(),
        "/ingresar",
        "signed out for real"
    );
}

#[tokio::test]
async fn the_demo_officer_logs_in_and_out_without_javascript_in_spanish_and_english() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn_people(Db::Sqlite).await;
    // JavaScript is really off: only then does the browser parse <noscript> content as
    // markup, so the link inside the API docs' <noscript> becomes an element.
    browser.goto(&app.url("/api/docs")).await.expect("docs");
    browser
        .find(Locator::Css("noscript a"))
        .await
        .expect("scripting is disabled in this browser");
    browser.goto(&app.url("/")).await.expect("home");
    assert_eq!(
        browser
            .find(Locator::Css("html"))
            .await
            .expect("html")
            .attr("lang")
            .await
            .expect("lang")
            .as_deref(),
        Some("es")
    );

    log_in_and_out(
        &app,
        &browser,
        "Ingresar",
        "Mi panel",
        "Cerrar sesión",
        "Cerró su sesión",
    )
    .await;

    browser
        .find(Locator::LinkText("English"))
        .await
        .expect("language switch")
        .click()
        .await
        .expect("click");
    // The page now speaks English (the switch redirects back to the same page).
    wait_for(&browser, "html[lang='en']").await;
    log_in_and_out(
        &app,
        &browser,
        "Log in",
        "My dashboard",
        "Log out",
        "You have logged out",
    )
    .await;

    // A wrong password shows the error summary in English and focus lands on the field.
    browser.goto(&app.url("/ingresar")).await.expect("login");
    fill(&browser, "#f-email", OFFICER).await;
    click(&browser, "form[action='/ingresar'] button[type=submit]").await;
    let summary = wait_for(&browser, ".error-summary")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        summary.contains("There is a problem") && summary.contains("Password"),
        "{summary}"
    );
    let active = browser.active_element().await.expect("focus");
    assert_eq!(
        active.attr("id").await.expect("id").as_deref(),
        Some("f-password"),
        "focus on the first wrong field"
    );
    browser.close().await.expect("close");
}

#[tokio::test]
async fn a_new_company_registers_and_its_owner_sees_pending_review_without_javascript() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn_people(Db::Sqlite).await;
    browser.goto(&app.url("/")).await.expect("home");
    // From the home page, as a newcomer would.
    browser
        .find(Locator::LinkText("Inscribir mi empresa"))
        .await
        .expect("call to action")
        .click()
        .await
        .expect("click");
    wait_for_path(&browser, "/proveedores/registro").await;
    assert_eq!(text_of(&browser, "h1").await, "Inscribir una empresa");
    for (css, text) in [
        ("#f-legal_name", "Ñuñoa Servicios Generales S.A.C."),
        ("#f-ruc", "20520202022"),
        ("#f-province", "Huamanga"),
        ("#f-district", "Ayacucho"),
        ("#f-address", "Jr. 28 de Julio 310"),
        ("#f-contact_email", "contacto@nunoa.pe"),
        ("#f-contact_phone", "066 312 000"),
        ("#f-owner_name", "Carmen Ñuñoa"),
        ("#f-owner_email", "carmen@nunoa.pe"),
        ("#f-owner_password", "una clave larga y segura"),
    ] {
        fill(&browser, css, text).await;
    }
    browser
        .find(Locator::Css("#f-legal_form"))
        .await
        .expect("select")
        .select_by_value("sac")
        .await
        .expect("legal form");
    browser
        .find(Locator::Css("#f-department"))
        .await
        .expect("select")
        .select_by_value("Ayacucho")
        .await
        .expect("department");
    click(&browser, "#f-categories-47").await;
    click(&browser, "#f-categories-76").await;
    click(
        &browser,
        "form[action='/proveedores/registro'] button[type=submit]",
    )
    .await;
    // The answer does not say whether the address already had an account: it asks the
    // owner to check the mail and sign in.
    wait_for_path(&browser, "/ingresar").await;
    let notice = text_of(&browser, "main").await;
    assert!(notice.contains("Revise su correo"), "{notice}");
    fill(&browser, "#f-email", "carmen@nunoa.pe").await;
    fill(&browser, "#f-password", "una clave larga y segura").await;
    click(&browser, "form[action='/ingresar'] button[type=submit]").await;
    wait_for_path(&browser, "/panel").await;
    browser.goto(&app.url("/empresa")).await.expect("company");
    let main = text_of(&browser, "main").await;
    assert!(main.contains("Ñuñoa Servicios Generales S.A.C."), "{main}");
    assert!(main.contains("Pendiente de revisión"), "{main}");
    assert!(
        main.contains("Su empresa aún no puede presentar ofertas"),
        "{main}"
    );
    assert!(
        main.contains("El titular debe verificar su correo electrónico"),
        "{main}"
    );
    assert!(
        main.contains("Un funcionario del registro debe revisar"),
        "{main}"
    );
    // The link in the mail confirms the owner's address; the company page then asks only
    // for the registry's review.
    let link = app
        .link_sent_to("carmen@nunoa.pe", "/verificar-correo")
        .await;
    browser.goto(&link).await.expect("verify");
    click(
        &browser,
        "form[action='/verificar-correo'] button[type=submit]",
    )
    .await;
    wait_for_path(&browser, "/").await;
    browser.goto(&app.url("/empresa")).await.expect("company");
    let main = text_of(&browser, "main").await;
    assert!(
        !main.contains("El titular debe verificar su correo electrónico"),
        "{main}"
    );
    assert!(
        main.contains("Un funcionario del registro debe revisar"),
        "{main}"
    );
    browser.close().await.expect("close");
}

/// Runs axe-core's WCAG 2 A and AA rules on the current page; returns "rule: target" lines.
pub(crate) async fn accessibility_violations(browser: &Client) -> Vec<String> {
    const AXE: &str = include_str!("vendor/axe-core/axe.min.js");
    let script = format!(
        "{AXE}\nconst done = arguments[arguments.length - 1];\n\
         axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }} }})\n\
           .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))\n\
           .catch(e => done(['axe failed: ' + e]));"
    );
    let result = browser
        .execute_async(&script, vec![])
        .await
        .expect("axe ran");
    serde_json::from_value(result).expect("a list of violations")
}

#[tokio::test]
async fn pages_and_forms_meet_wcag_2_aa_by_axe_core() {
    let Some((_driver, browser)) = start_browser_with(true).await else {
        return;
    };
    let app = TestApp::spawn(Db::Sqlite).await;
    // The checker itself works: an unlabelled input on a page without a language is reported.
    browser
        .goto("data:text/html,<title>x</title><input type=text>")
        .await
        .expect("broken page");
    let control = accessibility_violations(&browser).await;
    assert!(
        control.iter().any(|v| v.starts_with("label")),
        "axe reports a missing label: {control:?}"
    );
    let mut found = Vec::new();
    let mut check = |page: String, violations: Vec<String>| {
        for v in violations {
            found.push(format!("{page}: {v}"));
        }
    };
    for path in [
        "/",
        "/ingresar",
        "/proveedores",
        "/proveedores/sanciones",
        "/proveedores/registro",
        "/idioma/en?volver=%2Fproveedores%2Fregistro",
        "/licitaciones",
        "/licitaciones?q=computadoras&status=open",
        "/licitaciones/1",
        "/licitaciones/3",
        "/idioma/es?volver=%2Flicitaciones%2F3",
        "/recibos/verificar",
        "/licitaciones/20/apertura",
        "/subastas/1",
        "/subastas/2",
        "/puntos-de-control",
        "/datos-abiertos",
        "/datos-abiertos/politica",
        "/transparencia",
        "/transparencia?published_from=ayer",
        "/adjudicaciones",
        "/entidades/1",
        "/proveedores/1",
    ] {
        browser.goto(&app.url(path)).await.expect("page");
        check(path.to_owned(), accessibility_violations(&browser).await);
    }
    // Forms with their error summaries showing.
    browser
        .goto(&app.url("/idioma/es?volver=%2Fproveedores%2Fregistro"))
        .await
        .expect("page");
    click(
        &browser,
        "form[action='/proveedores/registro'] button[type=submit]",
    )
    .await;
    wait_for(&browser, ".error-summary").await;
    check(
        "registration with errors".into(),
        accessibility_violations(&browser).await,
    );
    browser.goto(&app.url("/ingresar")).await.expect("login");
    click(&browser, "form[action='/ingresar'] button[type=submit]").await;
    wait_for(&browser, ".error-summary").await;
    check(
        "login with errors".into(),
        accessibility_violations(&browser).await,
    );
    // Signed-in pages of each kind.
    for (email, paths) in [
        (ADMIN, vec!["/admin", "/auditoria", "/cuenta"]),
        (
            SUPPLIER,
            vec![
                "/empresa",
                "/empresa/datos",
                "/empresa/alertas",
                "/licitaciones/1",
                "/licitaciones/1/oferta",
                "/mis-ofertas",
            ],
        ),
        (
            OFFICER,
            vec![
                "/mis-licitaciones",
                "/licitaciones/nueva",
                "/licitaciones/1",
                "/licitaciones/1/enmienda",
                "/licitaciones/1/cancelar",
                "/cuenta/clave-apertura",
                "/licitaciones/20/apertura",
                "/subastas/1",
                "/subastas/2",
            ],
        ),
        (REGISTRY_OFFICER, vec!["/registro"]),
    ] {
        browser.goto(&app.url("/ingresar")).await.expect("login");
        fill(&browser, "#f-email", email).await;
        fill(&browser, "#f-password", DEMO_PASSWORD).await;
        click(&browser, "form[action='/ingresar'] button[type=submit]").await;
        wait_for_path(&browser, "/panel").await;
        for path in paths {
            browser.goto(&app.url(path)).await.expect("page");
            check(
                format!("{path} as {email}"),
                accessibility_violations(&browser).await,
            );
        }
        click(&browser, "form[action='/salir'] button[type=submit]").await;
        wait_for_path(&browser, "/").await;
    }
    // The bid form with its error summary, and the receipt check with a bad receipt.
    sign_in(&app, &browser, SUPPLIER).await;
    browser
        .goto(&app.url("/licitaciones/1/oferta"))
        .await
        .expect("bid form");
    click(
        &browser,
        "form[action='/licitaciones/1/oferta'] button[type=submit]",
    )
    .await;
    wait_for(&browser, ".error-summary").await;
    check(
        "bid form with errors".into(),
        accessibility_violations(&browser).await,
    );
    // The review before sealing, and the sealed bid with the bidder's copy.
    for field in browser
        .find_all(Locator::Css("input[name^='price_']"))
        .await
        .expect("prices")
    {
        field.clear().await.expect("clear");
        field.send_keys("1,250.50").await.expect("type");
    }
    for declaration in browser
        .find_all(Locator::Css("input[name^='declaration_']"))
        .await
        .expect("declarations")
    {
        if !declaration.is_selected().await.expect("checked") {
            declaration.click().await.expect("tick");
        }
    }
    click(
        &browser,
        "form[action='/licitaciones/1/oferta'] button[type=submit]",
    )
    .await;
    wait_for(&browser, "form[action$='/oferta/sellar']").await;
    check(
        "bid review".into(),
        accessibility_violations(&browser).await,
    );
    click(
        &browser,
        "form[action$='/oferta/sellar'] button[type=submit]",
    )
    .await;
    wait_for(&browser, ".bid-copy").await;
    check(
        "sealed bid".into(),
        accessibility_violations(&browser).await,
    );
    sign_out(&browser).await;
    browser
        .goto(&app.url("/recibos/verificar"))
        .await
        .expect("check");
    fill(&browser, "#f-receipt", "not a receipt").await;
    click(
        &browser,
        "form[action='/recibos/verificar'] button[type=submit]",
    )
    .await;
    wait_for(&browser, ".error-summary").await;
    check(
        "receipt check with errors".into(),
        accessibility_violations(&browser).await,
    );
    for (page, violations) in after_the_opening(&app, &browser).await {
        check(page, violations);
    }
    browser.close().await.expect("close");
    assert!(found.is_empty(), "WCAG violations:\n{}", found.join("\n"));
}

/// Every page after the opening, each form also with its error summary showing: the tender
/// is taken through evaluation, award, appeal, decision and contract (the steps between pages
/// through the API). Returns what axe found per page.
async fn after_the_opening(app: &TestApp, browser: &Client) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let andina = app.token(SUPPLIER).await;
    let sol = app.token(OTHER_OWNER).await;
    let id = crate::awards::opened_tender(
        app,
        &[
            (&andina, crate::awards::bid_body("150000.00", None)),
            (&sol, crate::awards::bid_body("140000.00", None)),
        ],
    )
    .await;
    let t = format!("/licitaciones/{id}");
    let visit = |path: String, with_errors: bool| {
        let browser = browser.clone();
        let url = app.url(&path);
        async move {
            browser.goto(&url).await.expect("page");
            if with_errors {
                click(&browser, "main form[method=post] button[type=submit]").await;
                wait_for(&browser, ".error-summary").await;
            }
            let label = if with_errors {
                format!("{path} with errors")
            } else {
                path
            };
            (label, accessibility_violations(&browser).await)
        }
    };
    sign_in(app, browser, OFFICER).await;
    found.push(visit(format!("{t}/evaluacion"), false).await);
    let sheet = app
        .get_json(
            &format!("/api/v1/tenders/{id}/evaluation"),
            &app.token(OFFICER).await,
        )
        .await;
    let bid = sheet["lots"][0]["ranking"][0]["bid_id"]
        .as_i64()
        .expect("bid");
    found.push(visit(format!("{t}/evaluacion/1/{bid}"), true).await);
    let officer = app.token(OFFICER).await;
    // Sol wins, so Andina may complain.
    for entry in sheet["lots"][0]["ranking"].as_array().expect("ranking") {
        let points = if entry["supplier_ruc"] == ANDINA_RUC {
            "10"
        } else {
            "18"
        };
        let r = app
            .put_json(
                &format!(
                    "/api/v1/tenders/{id}/lots/1/bids/{}/evaluation",
                    entry["bid_id"]
                ),
                &officer,
                &json!({"admissible": true, "scores": [
                    {"criterion": 1, "points": points, "comment": "Experiencia acreditada."},
                    {"criterion": 2, "points": "9", "comment": "Plazo de entrega."}]}),
            )
            .await;
        assert_eq!(r.status(), 204);
    }
    found.push(visit(format!("{t}/lotes/1/adjudicar"), true).await);
    let r = app
        .post_json(
            &format!("/api/v1/tenders/{id}/lots/1/award"),
            &officer,
            &json!({"justification": "Mayor puntaje total."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let award = r.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("award id");
    sign_out(browser).await;

    sign_in(app, browser, SUPPLIER).await;
    found.push(visit(format!("{t}/adjudicacion"), false).await);
    found.push(visit(format!("/adjudicaciones/{award}/apelacion"), true).await);
    let r = app
        .post_json(
            &format!("/api/v1/awards/{award}/complaints"),
            &app.token(SUPPLIER).await,
            &json!({"grounds": "El puntaje de experiencia no corresponde.", "documents": []}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let complaint = r.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("complaint id");
    sign_out(browser).await;

    sign_in(app, browser, crate::tenders::LIMA_OFFICER_2).await;
    found.push(
        visit(
            format!("/adjudicaciones/{award}/apelaciones/{complaint}"),
            true,
        )
        .await,
    );
    let r = app
        .post_json(
            &format!("/api/v1/complaints/{complaint}/decision"),
            &app.token(crate::tenders::LIMA_OFFICER_2).await,
            &json!({"decision": "dismissed", "reasoning": "El puntaje sigue la ficha técnica."}),
        )
        .await;
    assert_eq!(r.status(), 204);
    sign_out(browser).await;

    // After the standstill: the contract form, then the modification form.
    let now = backend::clock::Clock::now_db(&app.clock);
    app.set_clock(now + chrono::Duration::days(20));
    sign_in(app, browser, OFFICER).await;
    found.push(visit(format!("/adjudicaciones/{award}/contrato"), true).await);
    let today = (now + chrono::Duration::days(20) - chrono::Duration::hours(5))
        .date()
        .to_string();
    let r = app
        .post_json(
            &format!("/api/v1/awards/{award}/contract"),
            &app.token(OFFICER).await,
            &json!({"signed_on": today, "value": "140000.00", "duration_days": "30", "documents": []}),
        )
        .await;
    assert_eq!(r.status(), 201, "{:?}", r.text().await);
    found.push(visit(format!("/adjudicaciones/{award}/modificacion"), true).await);
    found.push(visit(format!("{t}/adjudicacion"), false).await);
    sign_out(browser).await;

    sign_in(app, browser, AUDITOR).await;
    found.push(visit("/auditoria/adjudicaciones?flag=any".into(), false).await);
    found.push(visit(format!("/auditoria/licitaciones/{id}"), true).await);
    sign_out(browser).await;
    found
}

pub(crate) async fn sign_in(app: &TestApp, browser: &Client, email: &str) {
    browser.goto(&app.url("/ingresar")).await.expect("login");
    fill(browser, "#f-email", email).await;
    fill(browser, "#f-password", DEMO_PASSWORD).await;
    click(browser, "form[action='/ingresar'] button[type=submit]").await;
    wait_for_path(browser, "/panel").await;
}

pub(crate) async fn sign_out(browser: &Client) {
    click(browser, "form[action='/salir'] button[type=submit]").await;
    wait_for_path(browser, "/").await;
}

/// Waits (up to 10 s) for the notice after a post/redirect/get to say `expected` (the
/// previous page may still show its own notice for a moment).
pub(crate) async fn wait_for_notice(browser: &Client, expected: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(element) = browser.find(Locator::Css(".notice")).await
            && let Ok(text) = element.text().await
        {
            if text.contains(expected) {
                return;
            }
            last = text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no notice saying {expected:?}; last notice: {last:?}");
}

#[tokio::test]
async fn an_officer_publishes_a_supplier_finds_and_asks_and_the_officer_answers_without_javascript()
{
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let second_officer = app.user_id(crate::tenders::LIMA_OFFICER_2).await;
    let me = app.user_id(OFFICER).await;

    // The officer drafts the tender through the form.
    sign_in(&app, &browser, OFFICER).await;
    browser
        .goto(&app.url("/mis-licitaciones"))
        .await
        .expect("mine");
    click(&browser, "a[href='/licitaciones/nueva']").await;
    wait_for_path(&browser, "/licitaciones/nueva").await;
    fill(
        &browser,
        "#f-title",
        "Adquisición de computadoras portátiles para la Biblioteca Municipal",
    )
    .await;
    fill(&browser, "#f-description", "Computadoras portátiles para la sala de lectura digital de la Biblioteca Municipal de Lima.").await;
    browser
        .find(Locator::Css("#f-method"))
        .await
        .expect("method")
        .select_by_value("adjudicacion_simplificada")
        .await
        .expect("select");
    fill(&browser, "#f-classification", "43211503").await;
    fill(
        &browser,
        "#f-lot_title",
        "Computadoras portátiles de 14 pulgadas",
    )
    .await;
    fill(&browser, "#f-lot_quantity", "25").await;
    fill(&browser, "#f-lot_unit", "unidad").await;
    fill(&browser, "#f-lot_value", "95000.00").await;
    fill(&browser, "#f-enquiry_deadline", "2026-11-27 17:00").await;
    fill(&browser, "#f-submission_deadline", "2026-12-04 12:00").await;
    fill(&browser, "#f-opening_at", "2026-12-04 15:00").await;
    click(&browser, &format!("#f-committee-{me}")).await;
    click(&browser, &format!("#f-committee-{second_officer}")).await;
    click(&browser, "form.tender-form button.save").await;
    wait_for_notice(&browser, "Borrador guardado").await;
    let tender_path = browser.current_url().await.expect("url").path().to_owned();
    assert!(tender_path.starts_with("/licitaciones/"), "{tender_path}");

    // Uploads the bases (a real PDF) and publishes.
    let dir = tempfile::tempdir().expect("dir");
    let pdf = dir.path().join("Bases integradas.pdf");
    std::fs::write(&pdf, crate::tenders::REAL_PDF).expect("write pdf");
    browser
        .find(Locator::Css("#f-file"))
        .await
        .expect("file input")
        .send_keys(&pdf.display().to_string())
        .await
        .expect("choose file");
    click(
        &browser,
        "form[enctype='multipart/form-data'] button[type=submit]",
    )
    .await;
    wait_for_notice(&browser, "Documento subido").await;
    click(
        &browser,
        &format!("form[action='{tender_path}/publicar'] button[type=submit]"),
    )
    .await;
    wait_for_notice(&browser, "Convocatoria publicada").await;
    assert!(text_of(&browser, "main").await.contains("ocds-licita-"));
    sign_out(&browser).await;

    // A supplier finds it without accents and asks a question.
    sign_in(&app, &browser, SUPPLIER).await;
    browser
        .goto(&app.url("/licitaciones"))
        .await
        .expect("search page");
    fill(&browser, "#f-q", "computadora portatil biblioteca").await;
    click(&browser, "form[role=search] button[type=submit]").await;
    // Wait for this query's results: the search page itself also lists tenders.
    let mut found = None;
    for _ in 0..100 {
        let url = browser.current_url().await.expect("url");
        if url.query().is_some_and(|q| q.contains("biblioteca")) {
            found = browser
                .find(Locator::LinkText(
                    "Adquisición de computadoras portátiles para la Biblioteca Municipal",
                ))
                .await
                .ok();
            if found.is_some() {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    found
        .expect("found by accent-less search")
        .click()
        .await
        .expect("open");
    wait_for_path(&browser, &tender_path).await;
    fill(
        &browser,
        "#f-question",
        "¿Pueden ofertarse equipos con teclado en inglés?",
    )
    .await;
    click(
        &browser,
        &format!("form[action='{tender_path}/consultas'] button[type=submit]"),
    )
    .await;
    wait_for_notice(&browser, "Consulta enviada").await;
    sign_out(&browser).await;

    // The officer answers; the public page shows both, without naming the asker.
    sign_in(&app, &browser, OFFICER).await;
    browser.goto(&app.url(&tender_path)).await.expect("tender");
    fill(
        &browser,
        "textarea[name=answer]",
        "No: el teclado debe estar en español latinoamericano.",
    )
    .await;
    click(&browser, "form[action*='/respuesta'] button[type=submit]").await;
    wait_for_notice(&browser, "Respuesta publicada").await;
    sign_out(&browser).await;
    browser
        .goto(&app.url(&tender_path))
        .await
        .expect("public page");
    let page = text_of(&browser, "#consultas + ol").await;
    assert!(
        page.contains("teclado en inglés") && page.contains("español latinoamericano"),
        "{page}"
    );
    assert!(
        !text_of(&browser, "main").await.contains("Andina"),
        "the asker is not named"
    );
    browser.close().await.expect("close");
}

/// What the browser's session would download from `path`: the same cookies, outside the
/// browser (a download is not a page the driver can read).
async fn download_as(app: &TestApp, browser: &Client, path: &str) -> String {
    let cookies = browser
        .get_all_cookies()
        .await
        .expect("cookies")
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let response = app
        .client()
        .get(app.url(path))
        .header("Cookie", cookies)
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), 200, "{path}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    response.text().await.expect("body")
}

/// Pastes `receipt` (and `proof`) into the public check and returns what it says.
async fn check_receipt(app: &TestApp, browser: &Client, receipt: &str, proof: &str) -> String {
    browser
        .goto(&app.url("/recibos/verificar"))
        .await
        .expect("check page");
    fill(browser, "#f-receipt", receipt).await;
    if !proof.is_empty() {
        fill(browser, "#f-proof", proof).await;
    }
    click(
        browser,
        "form[action='/recibos/verificar'] button[type=submit]",
    )
    .await;
    wait_for(browser, "section.notice")
        .await
        .text()
        .await
        .expect("text")
}

/// A committee member gives their share on the opening page.
async fn give_share(browser: &Client, tender_path: &str) {
    browser
        .find(Locator::Css(&format!("a[href='{tender_path}/apertura']")))
        .await
        .expect("link to the opening")
        .click()
        .await
        .expect("click");
    wait_for_path(browser, &format!("{tender_path}/apertura")).await;
    fill(browser, "#f-passphrase", crate::bids::PASSPHRASE).await;
    click(
        browser,
        &format!("form[action='{tender_path}/apertura'] button[type=submit]"),
    )
    .await;
}

#[tokio::test]
async fn a_supplier_seals_withdraws_and_rebids_then_two_of_three_open_without_javascript() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let (id, deadline, opening_at) = app
        .sealed_tender("Mantenimiento de áreas verdes del Parque de la Exposición")
        .await;
    let tender_path = format!("/licitaciones/{id}");
    let price = crate::bids::SECRET_PRICE;
    let dir = tempfile::tempdir().expect("dir");
    let document = dir.path().join("Propuesta técnica.pdf");
    std::fs::write(&document, crate::bids::secret_pdf()).expect("write pdf");

    // From the tender page to the bid form, as a supplier would.
    sign_in(&app, &browser, SUPPLIER).await;
    browser.goto(&app.url(&tender_path)).await.expect("tender");
    assert!(text_of(&browser, "#ofertas").await.contains("age1"));
    click(&browser, &format!("a[href='{tender_path}/oferta']")).await;
    wait_for_path(&browser, &format!("{tender_path}/oferta")).await;
    let submit = format!("form[action='{tender_path}/oferta'] button[type=submit]");
    // A missing declaration: the error summary names it and nothing is recorded.
    fill(&browser, "#f-price_1", price).await;
    click(&browser, &submit).await;
    let summary = wait_for(&browser, ".error-summary")
        .await
        .text()
        .await
        .expect("text");
    assert!(summary.contains("Debe aceptar"), "{summary}");
    let my_bids = app.url("/mis-ofertas");
    let bid_with_document = |browser: &Client| {
        let (browser, document, submit, my_bids) = (
            browser.clone(),
            document.clone(),
            submit.clone(),
            my_bids.clone(),
        );
        async move {
            let field = browser
                .find(Locator::Css("#f-price_1"))
                .await
                .expect("price");
            field.clear().await.expect("clear");
            field.send_keys(price).await.expect("type");
            for d in [
                "truthful",
                "not_debarred",
                "no_conflict_of_interest",
                "accepts_terms",
            ] {
                let box_ = browser
                    .find(Locator::Css(&format!("#f-declaration_{d}")))
                    .await
                    .expect("declaration");
                if !box_.is_selected().await.expect("checked") {
                    box_.click().await.expect("tick");
                }
            }
            browser
                .find(Locator::Css("#f-documents"))
                .await
                .expect("file input")
                .send_keys(&document.display().to_string())
                .await
                .expect("choose file");
            click(&browser, &submit).await;
            // The review: the price in figures and in words, the document; then the seal.
            let review = wait_for(&browser, "form[action$='/oferta/sellar']").await;
            let main = text_of(&browser, "main").await;
            assert!(
                main.contains("S/ 987,654.32")
                    && main.contains("con 32/100 soles")
                    && main.contains("Propuesta técnica.pdf"),
                "{main}"
            );
            review
                .find(Locator::Css("button[type=submit]"))
                .await
                .expect("seal button")
                .click()
                .await
                .expect("seal");
            wait_for_notice(&browser, "fue sellada y registrada").await;
            let copy = browser
                .find(Locator::Css(
                    "a[download][href^='data:application/json;base64,']",
                ))
                .await
                .expect("the bidder's copy is offered");
            assert!(copy.attr("download").await.expect("attr").is_some());
            browser.goto(&my_bids).await.expect("my bids");
        }
    };
    bid_with_document(&browser).await;

    // Withdraws it from the form, then bids again.
    browser
        .goto(&app.url(&format!("{tender_path}/oferta")))
        .await
        .expect("form");
    click(&browser, "form[action$='/retirar'] button[type=submit]").await;
    wait_for_notice(&browser, "Su oferta fue retirada").await;
    browser
        .goto(&app.url(&format!("{tender_path}/oferta")))
        .await
        .expect("form");
    assert!(
        browser
            .find(Locator::Css("form[action$='/retirar']"))
            .await
            .is_err(),
        "no live bid after the withdrawal"
    );
    bid_with_document(&browser).await;
    let mine = text_of(&browser, "main").await;
    assert!(
        mine.contains("Retirada") && mine.contains("Vigente"),
        "both bids are listed: {mine}"
    );
    assert!(!crate::bids::shows_secret_price(&mine), "{mine}");

    // Keeps the receipt: the file it downloads is the one on the page, and it checks out.
    let live = browser
        .find(Locator::Css("article:first-of-type"))
        .await
        .expect("newest bid first");
    // The page shows the receipt as a summary: when, which tender, the envelope's
    // fingerprint (its hash's first 16 characters).
    let shown = live
        .find(Locator::Css("p.receipt"))
        .await
        .expect("receipt")
        .text()
        .await
        .expect("text");
    let href = live
        .find(Locator::Css("a[href$='/constancia.json']"))
        .await
        .expect("download link")
        .attr("href")
        .await
        .expect("href")
        .expect("href");
    let kept = download_as(&app, &browser, &href).await;
    let kept_json: serde_json::Value = serde_json::from_str(&kept).expect("json");
    let fingerprint: String = kept_json["envelope_sha256"]
        .as_str()
        .expect("hash")
        .chars()
        .take(16)
        .collect();
    assert!(
        shown.contains(&fingerprint)
            && shown.contains(kept_json["ocid"].as_str().expect("ocid"))
            && !shown.contains('{'),
        "the summary names the kept receipt: {shown}"
    );
    let verdict = check_receipt(&app, &browser, &kept, "").await;
    assert!(
        verdict.contains("La firma es válida") && verdict.contains("está registrada"),
        "{verdict}"
    );
    let mut forged = kept_json.clone();
    forged["server_time"] = serde_json::json!("2026-01-01T00:00:00.000000Z");
    let verdict = check_receipt(&app, &browser, &forged.to_string(), "").await;
    assert!(verdict.contains("NO es válida"), "{verdict}");
    sign_out(&browser).await;

    // Before the opening, nobody sees the price: not the committee, not the public.
    sign_in(&app, &browser, OFFICER).await;
    for path in [tender_path.clone(), format!("{tender_path}/apertura")] {
        browser.goto(&app.url(&path)).await.expect("page");
        assert!(
            !crate::bids::shows_secret_price(&text_of(&browser, "main").await),
            "{path}"
        );
    }
    sign_out(&browser).await;

    // After the deadline the envelopes are frozen; the supplier proves its bid is in.
    app.set_clock(opening_at.max(deadline));
    sign_in(&app, &browser, SUPPLIER).await;
    browser
        .goto(&app.url("/mis-ofertas"))
        .await
        .expect("my bids");
    let proof_href = browser
        .find(Locator::Css("a[href$='/prueba.json']"))
        .await
        .expect("proof link after the deadline")
        .attr("href")
        .await
        .expect("href")
        .expect("href");
    let proof = download_as(&app, &browser, &proof_href).await;
    let verdict = check_receipt(&app, &browser, &kept, &proof).await;
    assert!(
        verdict.contains("La firma es válida")
            && verdict.contains("lleva la huella del sobre hasta la raíz publicada"),
        "{verdict}"
    );
    sign_out(&browser).await;

    // Two of the three committee members open: the first in Spanish, the second in English.
    sign_in(&app, &browser, OFFICER).await;
    browser.goto(&app.url(&tender_path)).await.expect("tender");
    give_share(&browser, &tender_path).await;
    wait_for_notice(&browser, "Su parte de la clave fue aportada").await;
    let waiting = text_of(&browser, "main").await;
    assert!(
        waiting.contains("falta 1 de 2") && !crate::bids::shows_secret_price(&waiting),
        "{waiting}"
    );
    sign_out(&browser).await;
    sign_in(&app, &browser, crate::tenders::LIMA_OFFICER_2).await;
    browser
        .goto(&app.url(&format!("/idioma/en?volver={tender_path}")))
        .await
        .expect("english");
    wait_for(&browser, "html[lang='en']").await;
    give_share(&browser, &tender_path).await;
    let transcript = wait_for(&browser, "#transcript-heading + p").await;
    assert!(transcript.text().await.expect("text").contains("Opened"));
    let opened = text_of(&browser, "main").await;
    assert!(
        opened.contains("Opening transcript")
            && opened.contains(crate::bids::SECRET_PRICE_SHOWN)
            && opened.contains("Propuesta técnica.pdf"),
        "{opened}"
    );
    sign_out(&browser).await;

    // The public transcript, in Spanish again, names the bidder and its price.
    browser
        .goto(&app.url(&format!("/idioma/es?volver={tender_path}/apertura")))
        .await
        .expect("public transcript");
    wait_for(&browser, "html[lang='es']").await;
    let public = text_of(&browser, "main").await;
    assert!(
        public.contains("Acta de apertura")
            && public.contains(crate::bids::SECRET_PRICE_SHOWN)
            && public.contains("Andina"),
        "{public}"
    );
    browser.close().await.expect("close");
}

pub(crate) async fn choose(browser: &Client, css: &str, value: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
}

#[tokio::test]
async fn a_single_bid_award_needs_its_flag_justified_and_an_auditor_records_a_finding_without_javascript()
 {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let andina = app.token(SUPPLIER).await;
    let id = crate::awards::opened_tender(
        &app,
        &[(&andina, crate::awards::bid_body("150000.00", None))],
    )
    .await;
    let tender_path = format!("/licitaciones/{id}");

    // The officer evaluates the only bid from the tender page, scoring both criteria.
    sign_in(&app, &browser, OFFICER).await;
    browser.goto(&app.url(&tender_path)).await.expect("tender");
    click(&browser, &format!("a[href='{tender_path}/evaluacion']")).await;
    wait_for_path(&browser, &format!("{tender_path}/evaluacion")).await;
    click(&browser, "a[aria-label^='Evaluar: Andina']").await;
    wait_for(&browser, "#f-score_1").await;
    choose(&browser, "#f-admissible", "yes").await;
    fill(&browser, "#f-score_1", "18").await;
    fill(
        &browser,
        "#f-comment_1",
        "Experiencia acreditada en 12 contratos.",
    )
    .await;
    fill(&browser, "#f-score_2", "9").await;
    fill(&browser, "#f-comment_2", "Entrega en 20 días.").await;
    click(&browser, "main form button[type=submit]").await;
    wait_for_notice(&browser, "La evaluación quedó registrada").await;
    assert!(
        text_of(&browser, "main").await.contains("97.00"),
        "70 + 18 + 9"
    );

    // The award page shows the single-bid flag and refuses to confirm without its reason.
    click(
        &browser,
        &format!("a[href='{tender_path}/lotes/1/adjudicar']"),
    )
    .await;
    wait_for(&browser, "#f-flag_single_bid").await;
    assert!(
        text_of(&browser, "main")
            .await
            .contains("Una sola oferta en un procedimiento abierto o selectivo")
    );
    fill(
        &browser,
        "#f-justification",
        "Única oferta, válida y bajo el valor estimado.",
    )
    .await;
    click(&browser, "main form button[type=submit]").await;
    let summary = wait_for(&browser, ".error-summary")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        summary.contains("Justificación: una sola oferta"),
        "{summary}"
    );
    let single_bid_reason = "Se invitó a 14 empresas del rubro; solo una presentó oferta.";
    fill(&browser, "#f-flag_single_bid", single_bid_reason).await;
    click(&browser, "main form button[type=submit]").await;
    wait_for_notice(&browser, "La decisión quedó registrada").await;
    sign_out(&browser).await;

    // The auditor filters the red-flag list, finds the justification, opens the timeline.
    sign_in(&app, &browser, AUDITOR).await;
    browser.goto(&app.url("/auditoria")).await.expect("audit");
    click(&browser, "a[href='/auditoria/adjudicaciones']").await;
    wait_for_path(&browser, "/auditoria/adjudicaciones").await;
    choose(&browser, "#f-flag", "single_bid").await;
    click(
        &browser,
        "form[action='/auditoria/adjudicaciones'] button[type=submit]",
    )
    .await;
    wait_for(&browser, "td ul.flags li").await;
    let listed = text_of(&browser, "main").await;
    assert!(
        listed.contains(single_bid_reason) && listed.contains("Andina Tecnología"),
        "{listed}"
    );
    click(&browser, &format!("a[href='/auditoria/licitaciones/{id}']")).await;
    wait_for_path(&browser, &format!("/auditoria/licitaciones/{id}")).await;
    let timeline = text_of(&browser, "main").await;
    assert!(
        timeline.contains("están íntegras")
            && timeline.contains("Julio Huamán (Funcionario de compras) evaluó la oferta de")
            && timeline.contains("otorgó la buena pro del lote 1 a Andina Tecnología")
            && !timeline.contains("award.made")
            && !timeline.contains("lote 0")
            && !timeline.contains("de una empresa")
            && timeline.contains("la oferta sellada de Andina Tecnología S.A.C.\n")
            && !timeline.contains("S.A.C.."),
        "{timeline}"
    );
    // An empty finding is refused with a summary; a real one is listed.
    let finding =
        format!("form[action='/auditoria/licitaciones/{id}/hallazgos'] button[type=submit]");
    click(&browser, &finding).await;
    let summary = wait_for(&browser, ".error-summary")
        .await
        .text()
        .await
        .expect("text");
    assert!(summary.contains("Sustento"), "{summary}");
    let note = "Verificar las invitaciones cursadas: la única oferta vino de un postor frecuente.";
    fill(&browser, "#f-note", note).await;
    choose(&browser, "#f-severity", "high").await;
    click(&browser, &finding).await;
    wait_for_path(&browser, &format!("/auditoria/licitaciones/{id}")).await;
    let recorded = text_of(&browser, "main").await;
    assert!(
        recorded.contains(note) && recorded.contains("Gravedad alta, abierto"),
        "{recorded}"
    );
    // Once the entity answers, the auditor marks the finding addressed.
    choose(&browser, "select[id^='f-status-']", "addressed").await;
    click(
        &browser,
        "form[action^='/auditoria/hallazgos/'] button[type=submit]",
    )
    .await;
    wait_for_notice(&browser, "El estado del hallazgo quedó registrado").await;
    let updated = text_of(&browser, "main").await;
    assert!(
        updated.contains("Gravedad alta, atendido") && updated.contains("actualizó un hallazgo"),
        "{updated}"
    );
    browser.close().await.expect("close");
}

/// The current value of a form control.
async fn value_of(browser: &Client, css: &str) -> Option<String> {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("value")
        .await
        .expect("value")
}

/// The draft form helps without JavaScript: "Add a lot" returns the form with one more lot
/// row and everything typed kept; "Remove lot 2" takes that row away; the UNSPSC catalogue
/// is searched by a word and the segment chosen fills the classification; saved half-filled,
/// the form is kept as an incomplete draft of the entity and continued later.
#[tokio::test]
async fn the_draft_form_adds_lots_finds_a_classification_and_keeps_a_half_filled_tender_without_javascript()
 {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let app = TestApp::spawn_people(Db::Sqlite).await;
    sign_in(&app, &browser, OFFICER).await;
    browser
        .goto(&app.url("/idioma/es?volver=%2Flicitaciones%2Fnueva"))
        .await
        .expect("form");
    let rows = |b: Client| async move {
        b.find_all(Locator::Css("input[name=lot_title]"))
            .await
            .expect("lot rows")
            .len()
    };
    assert_eq!(
        rows(browser.clone()).await,
        1,
        "a new draft starts with one lot"
    );
    fill(&browser, "#f-title", "Mobiliario escolar para Comas").await;
    fill(&browser, "#f-lot_title", "Carpetas unipersonales").await;
    click(&browser, "button[name=form_action][value=add_lot]").await;
    wait_for(&browser, "#f-lot_title-2").await;
    assert_eq!(rows(browser.clone()).await, 2);
    let kept = value_of(&browser, "#f-title").await;
    assert_eq!(kept.as_deref(), Some("Mobiliario escolar para Comas"));
    fill(&browser, "#f-lot_title-2", "Pizarras acrílicas").await;
    click(&browser, "button[name=form_action][value=add_lot]").await;
    wait_for(&browser, "#f-lot_title-3").await;
    click(&browser, "button[name=remove_lot][value='3']").await;
    for _ in 0..100 {
        if rows(browser.clone()).await == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(rows(browser.clone()).await, 2, "the third row is gone");
    let second = value_of(&browser, "#f-lot_title-2").await;
    assert_eq!(second.as_deref(), Some("Pizarras acrílicas"));
    // The catalogue by a word, accents and case aside.
    fill(&browser, "#f-classification_query", "Construccion").await;
    click(
        &browser,
        "button[name=form_action][value=find_classification]",
    )
    .await;
    let choice = wait_for(&browser, "#f-classification-72").await;
    choice.click().await.expect("choose");
    click(&browser, "button[name=form_action][value=add_lot]").await;
    wait_for(&browser, "#f-lot_title-3").await;
    let classification = value_of(&browser, "#f-classification").await;
    assert_eq!(classification.as_deref(), Some("72000000"));

    // Saved half-filled: the checks answer with their errors, and what was typed is kept
    // as an incomplete draft of the entity, to be finished later.
    click(&browser, "form.tender-form button.save").await;
    wait_for(&browser, ".error-summary").await;
    wait_for_notice(&browser, "borrador incompleto").await;
    browser
        .goto(&app.url("/mis-licitaciones"))
        .await
        .expect("my tenders");
    let note = wait_for(&browser, "a[href^='/licitaciones/nueva?nota=']").await;
    assert_eq!(
        note.text().await.expect("text"),
        "Mobiliario escolar para Comas"
    );
    let note_path = note.attr("href").await.expect("href").expect("href");
    note.click().await.expect("open the note");
    wait_for(&browser, "#f-lot_title-2").await;
    assert_eq!(
        value_of(&browser, "#f-lot_title-2").await.as_deref(),
        Some("Pizarras acrílicas")
    );
    assert_eq!(
        value_of(&browser, "#f-classification").await.as_deref(),
        Some("72000000")
    );
    // Saving again updates the same note instead of making another.
    click(&browser, "form.tender-form button.save").await;
    wait_for_notice(&browser, "borrador incompleto").await;
    browser
        .goto(&app.url("/mis-licitaciones"))
        .await
        .expect("my tenders");
    wait_for(&browser, "a[href^='/licitaciones/nueva?nota=']").await;
    let notes = browser
        .find_all(Locator::Css("a[href^='/licitaciones/nueva?nota=']"))
        .await
        .expect("notes");
    assert_eq!(notes.len(), 1, "one note for one tender being written");
    browser.close().await.expect("close");
    // Nobody outside the entity reads it: another entity's officer gets a 404, a company 403.
    let minsa = page_login(&app, crate::tenders::MINSA_OFFICER, DEMO_PASSWORD).await;
    let other = minsa.get(app.url(&note_path)).send().await.expect("get");
    assert_eq!(other.status(), 404);
    let supplier = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
    let company = supplier.get(app.url(&note_path)).send().await.expect("get");
    assert_eq!(company.status(), 403);
}
