//! Every page, as each role reaches it from the home page, in Spanish and in English, in
//! Debian's headless Chromium with JavaScript off: at 360 × 800 (a phone) and 1,280 × 800
//! (a desktop) no page is wider than the window; its visible text holds no raw JSON, role
//! key, action code or UTC timestamp; axe-core finds nothing; and the home, search and
//! tender pages each weigh at most 50 KB on the wire.

use crate::browser::{accessibility_violations, sign_in, start_browser_with};
use crate::support::*;
use fantoccini::Client;
use std::collections::BTreeMap;

/// At most this many pages a crawl reads per role and language: above what the crawl reaches
/// (it ends when every shape of page was seen, about 30 each), so no page is left out.
const PAGES_PER_CRAWL: usize = 120;
/// Pages of one shape (the path with its numbers as `N`) a crawl keeps.
const PER_SHAPE: usize = 2;
/// What a page may weigh on the wire: compressed HTML, stylesheet and icon.
const PAGE_WEIGHT_LIMIT: f64 = 50.0 * 1024.0;

/// A path's shape: `/licitaciones/12/oferta?x=1` → `/licitaciones/N/oferta?x`.
fn shape(path: &str) -> String {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let mut shape: String = route
        .split('/')
        .map(|s| {
            if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
                "N"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let keys: Vec<&str> = query
        .split('&')
        .filter_map(|kv| kv.split('=').next())
        .filter(|k| !k.is_empty())
        .collect();
    if !keys.is_empty() {
        shape.push('?');
        shape.push_str(&keys.join("&"));
    }
    shape
}

/// Pages `client` reaches by following links from the home page, at most [`PER_SHAPE`] of a
/// shape (a search result page with another number is the same page to a layout).
async fn pages_reached(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let counts = std::sync::Mutex::new(BTreeMap::<String, usize>::new());
    let wanted = |path: &str| {
        let mut counts = counts.lock().expect("counts");
        let n = counts.entry(shape(path)).or_default();
        *n += 1;
        *n <= PER_SHAPE
    };
    crate::escaping::crawl_where(app, client, PAGES_PER_CRAWL, &wanted)
        .await
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

/// Does `text` show something meant for machines? Returns what it found.
fn machine_text(text: &str) -> Option<String> {
    let patterns = [
        // JSON: a quoted key followed by a colon, or an object opening with one.
        r#""[A-Za-z_]+"\s*:"#,
        // Role keys shown as such.
        r"\((officer|supplier|auditor|admin|system|registry)\)",
        // Audit action codes and entity references.
        r"\b(tender|bid|award|lot|complaint|contract|supplier|user|buyer|finding)\.[a-z_]+\b",
        r"\b(tender|bid|award|complaint|contract|supplier|user):\d+",
        // Amounts without their thousands grouped (`PEN 109500.00`, `S/ 1500.00`).
        r"(S/|US\$|PEN|USD) ?-?\d{4,}",
        // Instants in UTC, as stored.
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
        r"\d{2}:\d{2}(:\d{2})?(\.\d+)?Z\b",
        r"\bUTC\b",
    ];
    patterns.iter().find_map(|p| {
        regex::Regex::new(p).expect("pattern").find(text).map(|m| {
            let start = text[..m.start()]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(i, _)| i);
            let end = (m.end() + 40).min(text.len());
            let end = (end..=text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(text.len());
            format!("`{}` in «{}»", m.as_str(), &text[start..end])
        })
    })
}

/// The page's width against the window's, after a resize to `width` × 800.
async fn overflow_at(browser: &Client, width: u32) -> Option<String> {
    browser.set_window_size(width, 800).await.expect("resize");
    let measured = browser
        .execute(
            "return [window.innerWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .expect("measure");
    let [inner, scroll]: [u32; 2] = serde_json::from_value(measured).expect("two widths");
    assert_eq!(inner, width, "the window is {inner} px wide, not {width}");
    (scroll > inner).then(|| format!("{scroll} px wide at {inner} px"))
}

/// Table cells whose content does not fit them, and tables that hide columns behind a
/// sideways scroll, at the current width: on a phone a table must read whole (as cards).
async fn cut_cells(browser: &Client) -> Vec<String> {
    let found = browser
        .execute(
            "const out = [];
             for (const t of document.querySelectorAll('table')) {
               if (t.scrollWidth > t.clientWidth + 1 && !t.classList.contains('as-cards'))
                 out.push('a table scrolls sideways: ' + (t.querySelector('th') || t).textContent.trim().slice(0, 40));
               for (const c of t.querySelectorAll('td, th')) {
                 // A card table's header row is there for screen readers only.
                 const shown = c.offsetParent !== null
                   && !(t.classList.contains('as-cards') && c.closest('thead'));
                 if (shown && c.scrollWidth > c.clientWidth + 1)
                   out.push('a cell is cut: ' + c.textContent.trim().slice(0, 40));
               }
             }
             return out;",
            vec![],
        )
        .await
        .expect("cells");
    serde_json::from_value(found).expect("a list")
}

/// Bytes the current page took on the wire: the document and what it loaded (stylesheet,
/// icon), compressed as sent.
async fn page_weight(browser: &Client) -> f64 {
    let weight = browser
        .execute(
            "return performance.getEntries()
               .filter(e => e.entryType === 'navigation' || e.entryType === 'resource')
               .reduce((sum, e) => sum + e.encodedBodySize, 0);",
            vec![],
        )
        .await
        .expect("weight");
    weight.as_f64().expect("a number of bytes")
}

#[tokio::test]
async fn every_page_fits_a_phone_and_a_desktop_and_reads_as_words_in_both_languages() {
    let Some((_driver, browser)) = start_browser_with(false).await else {
        return;
    };
    // axe-core needs scripts (its timers do not run with JavaScript off): a second browser
    // with them on, signed in as the same role, reads the same pages — which carry no script.
    let (_checker_driver, checker) = start_browser_with(true).await.expect("a second browser");
    checker.set_window_size(360, 800).await.expect("resize");
    let app = TestApp::spawn(Db::Sqlite).await;
    // The checks can fail: a page wider than a phone and a JSON payload are both caught.
    browser
        .goto("data:text/html,<meta name=viewport content='width=device-width'><div style='width:700px'>{\"minor\":850}</div>")
        .await
        .expect("control page");
    assert!(overflow_at(&browser, 360).await.is_some());
    // ... and so is a table that hides its columns behind a sideways scroll.
    browser
        .goto("data:text/html,<meta name=viewport content='width=device-width'><style>table{display:block;overflow-x:auto}td{white-space:nowrap}</style><table><tr><td>S/ 120,000.00 S/ 120,000.00</td><td>S/ 120,000.00 S/ 120,000.00</td><td>S/ 120,000.00 S/ 120,000.00</td></tr></table>")
        .await
        .expect("control table");
    browser.set_window_size(360, 800).await.expect("resize");
    assert!(
        !cut_cells(&browser).await.is_empty(),
        "a scrolling table is caught"
    );
    assert!(machine_text("Monto {\"minor\":8500000}").is_some());
    assert!(machine_text("bid.submitted · bid:3").is_some());
    assert!(machine_text("recibida 2026-12-01T09:03:12.171512Z").is_some());
    assert!(machine_text("Sistema (system)").is_some());
    assert!(machine_text("Buena pro por PEN 109500.00").is_some());
    assert!(machine_text("Buena pro por S/ 109,500.00").is_none());
    assert!(machine_text("Recibida el 1 dic. 2026, 04:03 (hora de Lima)").is_none());

    let roles: [Option<&str>; 6] = [
        None,
        Some(SUPPLIER),
        Some(OFFICER),
        Some(AUDITOR),
        Some(ADMIN),
        Some(REGISTRY_OFFICER),
    ];
    let mut problems = Vec::new();
    let mut visited = 0;
    for role in roles {
        let client = match role {
            Some(email) => page_login(&app, email, DEMO_PASSWORD).await,
            None => app.client(),
        };
        if let Some(email) = role {
            sign_in(&app, &browser, email).await;
            sign_in(&app, &checker, email).await;
        }
        for lang in ["es", "en"] {
            page_text(&client, app.url(&format!("/idioma/{lang}?volver=/"))).await;
            browser
                .goto(&app.url(&format!("/idioma/{lang}?volver=/")))
                .await
                .expect("language");
            for path in pages_reached(&app, &client).await {
                browser.goto(&app.url(&path)).await.expect("page");
                visited += 1;
                let at = format!("{role:?} {lang} {path}");
                for width in [360, 1280] {
                    if let Some(found) = overflow_at(&browser, width).await {
                        problems.push(format!("{at}: {found}"));
                    }
                    if width == 360 {
                        for found in cut_cells(&browser).await {
                            problems.push(format!("{at}: {found}"));
                        }
                    }
                }
                let text = browser
                    .find(fantoccini::Locator::Css("body"))
                    .await
                    .expect("body")
                    .text()
                    .await
                    .expect("text");
                if let Some(found) = machine_text(&text) {
                    problems.push(format!("{at}: {found}"));
                }
                // axe once per page, at the phone's width, in Spanish.
                if lang == "es" {
                    checker.goto(&app.url(&path)).await.expect("page");
                    for v in accessibility_violations(&checker).await {
                        problems.push(format!("{at}: axe {v}"));
                    }
                }
            }
        }
        if role.is_some() {
            for b in [&browser, &checker] {
                crate::browser::click(b, "form[action='/salir'] button[type=submit]").await;
                crate::browser::wait_for_path(b, "/").await;
            }
        }
    }
    // What a citizen's first three pages weigh, fresh (nothing cached).
    for path in ["/", "/licitaciones", "/licitaciones/1"] {
        let (_driver, fresh) = start_browser_with(false).await.expect("a second browser");
        fresh.goto(&app.url(path)).await.expect("page");
        let weight = page_weight(&fresh).await;
        assert!(
            weight > 500.0,
            "{path}: the weight was measured ({weight} B)"
        );
        if weight > PAGE_WEIGHT_LIMIT {
            problems.push(format!("{path}: {weight} B on the wire"));
        }
        eprintln!("page weight {path}: {weight} B");
        fresh.close().await.expect("close");
    }
    browser.close().await.expect("close");
    checker.close().await.expect("close");
    eprintln!("small screens: {visited} pages in two widths");
    assert!(visited >= 150, "the crawl reached only {visited} pages");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The issue's "done when", on a 360 px phone with JavaScript off: a company's user finds a
/// tender from the home page's search box, bids (form, review, seal) and, once the tender
/// is opened and awarded, reads its outcome in *Mis ofertas* — no page wider than the phone.
#[tokio::test]
async fn a_supplier_on_a_phone_finds_a_tender_from_the_home_page_bids_and_reads_its_outcome() {
    use crate::browser::{click, fill, wait_for_path};
    let Some((_driver, browser)) = start_browser_with(false).await else {
        return;
    };
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let title = "Carpetas escolares para las instituciones educativas de Comas";
    let (id, _deadline, opening_at) = app.sealed_tender(title).await;
    sign_in(&app, &browser, SUPPLIER).await;
    browser
        .goto(&app.url("/idioma/es?volver=%2F"))
        .await
        .expect("home");
    let fits = |browser: Client, at: &'static str| async move {
        assert_eq!(
            overflow_at(&browser, 360).await,
            None,
            "{at} is wider than the phone"
        );
    };
    fits(browser.clone(), "the home page").await;
    fill(&browser, "#home-q", "carpetas comas").await;
    click(&browser, "form.home-search button[type=submit]").await;
    wait_for_path(&browser, "/licitaciones").await;
    fits(browser.clone(), "the results").await;
    click(&browser, &format!("a[href='/licitaciones/{id}']")).await;
    wait_for_path(&browser, &format!("/licitaciones/{id}")).await;
    fits(browser.clone(), "the tender").await;
    click(&browser, "a[href='#ofertas']").await;
    click(
        &browser,
        &format!("a.button[href='/licitaciones/{id}/oferta']"),
    )
    .await;
    wait_for_path(&browser, &format!("/licitaciones/{id}/oferta")).await;
    fits(browser.clone(), "the bid form").await;
    fill(&browser, "#f-price_1", "158,400.00").await;
    for declaration in browser
        .find_all(fantoccini::Locator::Css("input[name^='declaration_']"))
        .await
        .expect("declarations")
    {
        declaration.click().await.expect("tick");
    }
    click(
        &browser,
        &format!("form[action='/licitaciones/{id}/oferta'] button[type=submit]"),
    )
    .await;
    crate::browser::wait_for(&browser, "form[action$='/oferta/sellar']").await;
    fits(browser.clone(), "the review").await;
    click(
        &browser,
        "form[action$='/oferta/sellar'] button[type=submit]",
    )
    .await;
    crate::browser::wait_for(&browser, ".bid-copy").await;
    fits(browser.clone(), "the sealed bid").await;

    // The committee opens; the officer evaluates and awards lot 1 (through the API).
    app.set_clock(opening_at + chrono::Duration::minutes(30));
    for member in [OFFICER, crate::bids::LIMA_OFFICER_3] {
        let r = app.give_share(member, id, crate::bids::PASSPHRASE).await;
        assert!(r.status().is_success(), "{:?}", r.text().await);
    }
    let officer = app.token(OFFICER).await;
    let sheet = app
        .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
        .await;
    let bid = crate::awards::bid_of(&sheet, 1, "Andina");
    crate::awards::evaluate(
        &app,
        &officer,
        id,
        1,
        bid,
        crate::awards::scores("20", "10"),
    )
    .await;
    let awarded = app
        .post_json(
            &format!("/api/v1/tenders/{id}/lots/1/award"),
            &officer,
            &serde_json::json!({
                "justification": "Única oferta; cumple las bases.",
                "flag_justifications": {"single_bid": "Se invitó a doce proveedores del rubro."}
            }),
        )
        .await;
    assert_eq!(awarded.status(), 201, "{:?}", awarded.text().await);

    // Weeks later: the session has expired, the user signs in again.
    sign_in(&app, &browser, SUPPLIER).await;
    browser
        .goto(&app.url("/mis-ofertas"))
        .await
        .expect("my bids");
    let mine = browser
        .find(fantoccini::Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text");
    assert!(
        mine.contains(title) && mine.contains("Ganó la buena pro del lote 1"),
        "{mine}"
    );
    fits(browser.clone(), "Mis ofertas").await;
    browser.close().await.expect("close");
}
