//! The escaping sweep: every form on every page reachable by each role, in Spanish and in
//! English, is sent with an HTML-breaking value in each of its text fields, and no page —
//! the form shown back with its errors, the page it leads to, or any page crawled after
//! (where a stored value is shown) — contains that value's markup unescaped.

use crate::support::*;
use scraper::{Html, Selector};
use std::collections::{BTreeSet, VecDeque};

/// Closes a textarea, a title and an attribute, then opens an element: found raw in a page,
/// the page was broken into.
const PAYLOAD: &str =
    "Valor «de prueba» x\"'></textarea></title><b id=\"pwn\">¡hola!</b><script>alert(1)</script>";
/// What only an unescaped PAYLOAD can put in a page.
const MARKERS: [&str; 2] = ["<b id=\"pwn\">", "<script>alert(1)"];

/// Pages a role can reach: the crawl starts here.
const STARTS: [&str; 4] = ["/", "/panel", "/licitaciones", "/proveedores"];
/// How many pages a crawl reads per role and language.
const PAGES_PER_CRAWL: usize = 70;

fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("selector")
}

/// Links of a page worth following: same site, a page (not a download, the language switch
/// or signing out).
pub(crate) fn links(html: &Html) -> Vec<String> {
    html.select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| {
            !h.starts_with("/idioma")
                && !h.starts_with("/salir")
                && !h.starts_with("/static")
                && !h.starts_with("/api")
                && !h.contains("/documentos/")
                && !h.ends_with(".csv")
                && !h.ends_with(".json")
                && !h.contains('#')
        })
        .map(str::to_owned)
        .collect()
}

/// One form to send: where, how, and its fields with PAYLOAD in every text field.
struct FormToSend {
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
    text_fields: usize,
}

fn forms(html: &Html, page: &str) -> Vec<FormToSend> {
    let mut found = Vec::new();
    for form in html.select(&sel("form")) {
        let method = form.value().attr("method").unwrap_or("get");
        let action = form.value().attr("action").unwrap_or(page).to_owned();
        if !method.eq_ignore_ascii_case("post") || action.starts_with("/salir") {
            continue;
        }
        let multipart = form
            .value()
            .attr("enctype")
            .is_some_and(|e| e.contains("multipart"));
        let mut fields = Vec::new();
        let mut text_fields = 0;
        for input in form.select(&sel("input[name], textarea[name], select[name]")) {
            let name = input.value().attr("name").unwrap_or("").to_owned();
            let kind = input.value().attr("type").unwrap_or("text");
            match (input.value().name(), kind) {
                ("input", "hidden") => {
                    fields.push((name, input.value().attr("value").unwrap_or("").to_owned()))
                }
                ("input", "checkbox" | "radio") => {
                    if input.value().attr("checked").is_some() {
                        fields.push((name, input.value().attr("value").unwrap_or("on").to_owned()));
                    }
                }
                ("input", "file" | "submit" | "button" | "password") => {}
                ("select", _) => {
                    let first = input
                        .select(&sel("option"))
                        .filter_map(|o| o.value().attr("value"))
                        .find(|v| !v.is_empty())
                        .unwrap_or("");
                    fields.push((name, first.to_owned()));
                }
                _ => {
                    text_fields += 1;
                    fields.push((name, PAYLOAD.to_owned()));
                }
            }
        }
        found.push(FormToSend {
            action,
            multipart,
            fields,
            text_fields,
        });
    }
    found
}

fn assert_escaped(body: &str, what: &str) {
    for marker in MARKERS {
        assert!(
            !body.contains(marker),
            "{what}: `{marker}` written raw into the page:\n{}",
            body.split(marker)
                .next()
                .unwrap_or("")
                .chars()
                .rev()
                .take(300)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        );
    }
}

/// Crawls from [`STARTS`] as `client`; returns the pages read (path and HTML).
async fn crawl(app: &TestApp, client: &reqwest::Client) -> Vec<(String, String)> {
    crawl_where(app, client, PAGES_PER_CRAWL, &|_| true).await
}

/// Crawls from [`STARTS`] as `client`, breadth first, reading at most `limit` pages and only
/// links `wanted` accepts; returns the pages read (path and HTML). Every page is checked
/// for a server error and for unescaped markup.
pub(crate) async fn crawl_where(
    app: &TestApp,
    client: &reqwest::Client,
    limit: usize,
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<(String, String)> {
    let mut queue: VecDeque<String> = STARTS.iter().map(|s| (*s).to_owned()).collect();
    let mut seen = BTreeSet::new();
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if pages.len() >= limit || !wanted(&path) || !seen.insert(path.clone()) {
            continue;
        }
        let response = client.get(app.url(&path)).send().await.expect("get");
        let status = response.status();
        assert!(!status.is_server_error(), "GET {path}: {status}");
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        let body = response.text().await.expect("body");
        assert_escaped(&body, &format!("GET {path}"));
        let html = Html::parse_document(&body);
        queue.extend(links(&html));
        pages.push((path, body));
    }
    pages
}

async fn send(app: &TestApp, client: &reqwest::Client, form: &FormToSend) -> String {
    let request = client.post(app.url(&form.action));
    let request = if form.multipart {
        let mut multipart = reqwest::multipart::Form::new();
        for (k, v) in &form.fields {
            multipart = multipart.text(k.clone(), v.clone());
        }
        request.multipart(multipart)
    } else {
        request.form(&form.fields)
    };
    let response = request.send().await.expect("post");
    let status = response.status();
    assert!(!status.is_server_error(), "POST {}: {status}", form.action);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = response.text().await.expect("body");
    if let Some(location) = location.filter(|l| l.starts_with('/')) {
        body.push_str(&page_text(client, app.url(&location)).await);
    }
    body
}

#[tokio::test]
async fn every_form_field_comes_back_escaped_in_both_languages() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let roles: [Option<&str>; 6] = [
        None,
        Some(OFFICER),
        Some(SUPPLIER),
        Some(AUDITOR),
        Some(ADMIN),
        Some(REGISTRY_OFFICER),
    ];
    let mut sent = 0;
    let mut fields = 0;
    for lang in ["es", "en"] {
        for role in roles {
            let client = match role {
                Some(email) => page_login(&app, email, DEMO_PASSWORD).await,
                None => app.client(),
            };
            page_text(&client, app.url(&format!("/idioma/{lang}?volver=/"))).await;
            let pages = crawl(&app, &client).await;
            let mut seen_forms = BTreeSet::new();
            for (path, body) in &pages {
                let html = Html::parse_document(body);
                for form in forms(&html, path) {
                    // Each form once per role and language; only forms a person types into.
                    if form.text_fields == 0 || !seen_forms.insert(form.action.clone()) {
                        continue;
                    }
                    let answer = send(&app, &client, &form).await;
                    assert_escaped(
                        &answer,
                        &format!("{role:?} {lang} POST {} (from {path})", form.action),
                    );
                    sent += 1;
                    fields += form.text_fields;
                }
            }
        }
    }
    // Stored values are shown escaped wherever they appear afterwards.
    for role in roles {
        let client = match role {
            Some(email) => page_login(&app, email, DEMO_PASSWORD).await,
            None => app.client(),
        };
        crawl(&app, &client).await;
    }
    eprintln!("escaping sweep: {sent} forms sent, {fields} text fields");
    assert!(sent >= 30, "the sweep reached only {sent} forms");
}
