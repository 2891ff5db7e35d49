//! Money means one thing on every field that takes it: `450,000.50` and `450000.50` are read
//! as Peru writes them; `450.000,00`, `12,34` and `450000,50` — which another convention
//! reads as another amount — are refused naming the field, with the accepted form, in the
//! user's language, through the API and through the pages, and nothing is recorded.

use crate::bids::{all_declarations, naive};
use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, MINSA_OFFICER, draft, lima};
use serde_json::{Value, json};

/// The misreadings the issue found, each once sealed as another amount.
const MISREAD: [&str; 3] = ["450.000,00", "12,34", "450000,50"];

/// The refusal's words in each language.
fn refusal(lang: &str) -> &'static str {
    match lang {
        "en" => "could be read as another amount",
        _ => "puede leerse como otro importe",
    }
}

/// Asserts a problem document names `field` as ambiguous, in `lang`, with the example.
async fn assert_refused(response: reqwest::Response, field: &str, lang: &str, what: &str) {
    assert_eq!(response.status(), 422, "{what}");
    let problem: Value = response.json().await.expect("problem");
    let error = problem["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["field"] == field))
        .unwrap_or_else(|| panic!("{what}: no error on {field}: {problem}"))
        .clone();
    assert_eq!(error["code"], "amount_ambiguous", "{what}: {problem}");
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains(refusal(lang)) && message.contains("450,000.50"),
        "{what}: {message}"
    );
}

/// Asserts a page shows the error summary with the refusal in `lang`.
fn assert_page_refused(status: u16, page: &str, lang: &str, what: &str) {
    assert_eq!(status, 422, "{what}");
    assert!(
        page.contains("error-summary") && page.contains(refusal(lang)),
        "{what}: {page}"
    );
}

async fn with_lang(app: &TestApp, client: &reqwest::Client, lang: &str) {
    let r = client
        .get(app.url(&format!("/idioma/{lang}")))
        .send()
        .await
        .expect("language");
    assert_eq!(r.status(), 303);
}

/// The demo's awards: the one with a contract, and the single-bid one made final.
async fn demo_awards(app: &TestApp) -> (i64, i64, i64) {
    let auditor = app.token(AUDITOR).await;
    let list = app.get_json("/api/v1/audit/awards", &auditor).await;
    let mut with_contract = None;
    let mut without = None;
    for a in list.as_array().expect("awards") {
        let id = a["id"].as_i64().expect("id");
        let detail = app.get_public(&format!("/api/v1/awards/{id}")).await;
        match detail["contract"]["id"].as_i64() {
            Some(contract) => with_contract = Some((id, contract)),
            None => without = Some((id, detail["standstill_ends_at"].clone())),
        }
    }
    let (with_contract, contract) = with_contract.expect("a demo award with its contract");
    let (single, ends) = without.expect("the demo award in its standstill");
    app.set_clock(naive(ends.as_str().expect("standstill end")) + chrono::Duration::days(3));
    (with_contract, contract, single)
}

#[tokio::test]
async fn misread_amounts_are_refused_on_every_money_field_through_the_api_and_the_pages() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let (open_tender, _, _) = app.sealed_tender("Adquisición de sillas para aulas").await;
        let (_, contract, single) = demo_awards(&app).await;
        let officer = app.token(OFFICER).await;
        let minsa = app.token(MINSA_OFFICER).await;
        let auditor = app.token(AUDITOR).await;
        let supplier = app.token(SUPPLIER).await;
        let committee = [
            app.user_id(OFFICER).await,
            app.user_id(LIMA_OFFICER_2).await,
        ];
        let before = app.get_json("/api/v1/me/bids", &supplier).await;
        let (award_path, contract_path) = (
            format!("/api/v1/awards/{single}/contract"),
            format!("/api/v1/contracts/{contract}/modifications"),
        );
        for lang in ["es", "en"] {
            for text in MISREAD {
                let send = |method: reqwest::Method, path: &str, token: &str, body: Value| {
                    let request = app
                        .client()
                        .request(method, app.url(path))
                        .bearer_auth(token)
                        .header("accept-language", lang);
                    let request = if body.is_null() {
                        request
                    } else {
                        request.json(&body)
                    };
                    request.send()
                };
                // A bid's price.
                let bid = json!({"lots": [{"lot": 1, "amount": text}], "declarations": all_declarations()});
                let r = send(
                    reqwest::Method::POST,
                    &format!("/api/v1/tenders/{open_tender}/bids"),
                    &supplier,
                    bid,
                )
                .await
                .expect("bid");
                assert_refused(r, "price", lang, &format!("bid price {text}")).await;
                // A lot's estimated value in a draft.
                let mut body = draft(
                    "Adquisición de escritorios",
                    "adjudicacion_simplificada",
                    &committee,
                    &lima(20, "12:00"),
                );
                body["lots"][0]["estimated_value"] = json!(text);
                let r = send(reqwest::Method::POST, "/api/v1/tenders", &officer, body)
                    .await
                    .expect("draft");
                assert_refused(r, "lot_value", lang, &format!("lot value {text}")).await;
                // A contract's value.
                let body = json!({"signed_on": backend::tenders::lima_date(backend::clock::Clock::now_db(&app.clock)).to_string(), "value": text, "duration_days": "30"});
                let r = send(reqwest::Method::POST, &award_path, &minsa, body)
                    .await
                    .expect("contract");
                assert_refused(r, "value", lang, &format!("contract value {text}")).await;
                // A modification's change of value, signed.
                let body = json!({"reason": "Ampliación.", "value_change": format!("+{text}")});
                let r = send(reqwest::Method::POST, &contract_path, &officer, body)
                    .await
                    .expect("modification");
                assert_refused(r, "value_change", lang, &format!("value change {text}")).await;
                // The public search's and the auditors' value filters.
                let query = text.replace(',', "%2C");
                let r = send(
                    reqwest::Method::GET,
                    &format!("/api/v1/tenders?value_min={query}"),
                    &supplier,
                    Value::Null,
                )
                .await
                .expect("search");
                assert_refused(r, "value_min", lang, &format!("search filter {text}")).await;
                let r = send(
                    reqwest::Method::GET,
                    &format!("/api/v1/audit/awards?max_value={query}"),
                    &auditor,
                    Value::Null,
                )
                .await
                .expect("audit filter");
                assert_refused(r, "max_value", lang, &format!("audit filter {text}")).await;
            }
        }
        // Nothing was recorded: no bid, no contract, no modification.
        assert_eq!(app.get_json("/api/v1/me/bids", &supplier).await, before);
        let award = app.get_public(&format!("/api/v1/awards/{single}")).await;
        assert_eq!(award["contract"], Value::Null, "{award}");

        // The pages, in both languages: each form comes back with the summary and the
        // amount as typed.
        for lang in ["es", "en"] {
            let text = MISREAD[(lang == "en") as usize];
            let andina = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
            with_lang(&app, &andina, lang).await;
            let form = page_text(
                &andina,
                app.url(&format!("/licitaciones/{open_tender}/oferta")),
            )
            .await;
            let mut multipart = reqwest::multipart::Form::new()
                .text("csrf_token", csrf_from(&form))
                .text("price_1", text.to_owned());
            for d in [
                "truthful",
                "not_debarred",
                "no_conflict_of_interest",
                "accepts_terms",
            ] {
                multipart = multipart.text(format!("declaration_{d}"), "1");
            }
            let r = andina
                .post(app.url(&format!("/licitaciones/{open_tender}/oferta")))
                .multipart(multipart)
                .send()
                .await
                .expect("bid page");
            let status = r.status().as_u16();
            let page = r.text().await.expect("text");
            assert_page_refused(status, &page, lang, "bid form");
            assert!(
                page.contains(&format!("value=\"{text}\"")),
                "kept as typed: {page}"
            );

            let lima_officer = page_login(&app, OFFICER, DEMO_PASSWORD).await;
            with_lang(&app, &lima_officer, lang).await;
            let form = page_text(&lima_officer, app.url("/licitaciones/nueva")).await;
            let r = post_form(
                &lima_officer,
                app.url("/licitaciones/nueva"),
                &[
                    ("csrf_token", csrf_from(&form).as_str()),
                    ("title", "Adquisición de escritorios"),
                    ("currency", "PEN"),
                    ("lot_title", "Escritorios"),
                    ("lot_quantity", "10"),
                    ("lot_unit", "unidad"),
                    ("lot_value", text),
                ],
            )
            .await;
            let status = r.status().as_u16();
            assert_page_refused(status, &r.text().await.expect("text"), lang, "draft form");

            let contracted = contract_award(&app, contract).await;
            let path = format!("/adjudicaciones/{contracted}/modificacion");
            let form = page_text(&lima_officer, app.url(&path)).await;
            let change = format!("-{text}");
            let r = post_form(
                &lima_officer,
                app.url(&path),
                &[
                    ("csrf_token", csrf_from(&form).as_str()),
                    ("reason", "Reducción."),
                    ("value_change", change.as_str()),
                ],
            )
            .await;
            let status = r.status().as_u16();
            assert_page_refused(
                status,
                &r.text().await.expect("text"),
                lang,
                "modification form",
            );

            let minsa_page = page_login(&app, MINSA_OFFICER, DEMO_PASSWORD).await;
            with_lang(&app, &minsa_page, lang).await;
            let path = format!("/adjudicaciones/{single}/contrato");
            let form = page_text(&minsa_page, app.url(&path)).await;
            let multipart = reqwest::multipart::Form::new()
                .text("csrf_token", csrf_from(&form))
                .text("signed_on", "2026-12-01")
                .text("value", text.to_owned())
                .text("duration_days", "30");
            let r = minsa_page
                .post(app.url(&path))
                .multipart(multipart)
                .send()
                .await
                .expect("contract page");
            let status = r.status().as_u16();
            assert_page_refused(
                status,
                &r.text().await.expect("text"),
                lang,
                "contract form",
            );

            let query = text.replace(',', "%2C");
            let r = andina
                .get(app.url(&format!("/licitaciones?value_min={query}")))
                .send()
                .await
                .expect("search page");
            let status = r.status().as_u16();
            assert_page_refused(status, &r.text().await.expect("text"), lang, "search page");
        }
        app.stop().await;
    }
}

/// The award a contract executes.
async fn contract_award(app: &TestApp, contract: i64) -> i64 {
    let app_state = app.app.clone();
    app_state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            Ok(backend::schema::contracts::table
                .find(contract)
                .select(backend::schema::contracts::award_id)
                .first::<i64>(conn)?)
        })
        .await
        .expect("award of the contract")
}
