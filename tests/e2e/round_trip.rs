//! What leaves the server comes back meaning the same: every instant in JSON is RFC 3339 with
//! its offset, an instant sent without one is refused (never guessed as Lima or UTC), and a
//! client that sends back what it read — a draft, an amendment's dates, a contract and its
//! modifications, a finding — changes nothing.

use crate::bids::{LIMA_OFFICER_3, naive};
use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, REAL_PDF, draft, error_codes, lima};
use serde_json::{Value, json};

/// Every string in `value` that starts like a date and time carries an offset.
fn assert_instants_have_offsets(value: &Value, path: &str) {
    match value {
        Value::String(s) => {
            let looks_like_instant = s.len() >= 16
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[10] == b'T'
                && s[..4].bytes().all(|b| b.is_ascii_digit());
            if looks_like_instant {
                assert!(
                    chrono::DateTime::parse_from_rfc3339(s).is_ok(),
                    "{path} = {s} is not RFC 3339 with an offset"
                );
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_instants_have_offsets(item, &format!("{path}[{i}]"));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                assert_instants_have_offsets(v, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn what_the_api_gives_back_changes_nothing_and_instants_carry_their_offset() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let officer = app.token(OFFICER).await;
        let committee = [
            app.user_id(OFFICER).await,
            app.user_id(LIMA_OFFICER_2).await,
            app.user_id(LIMA_OFFICER_3).await,
        ];
        let body = draft(
            "Adquisición de tabletas para brigadas de empadronamiento",
            "licitacion_publica",
            &committee,
            &lima(25, "17:00"),
        );
        let created = app.post_json("/api/v1/tenders", &officer, &body).await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");

        // The draft: GET its input form, PUT it back, nothing moves (it moved 5 hours when
        // instants left without an offset and came back read as Lima time).
        let tender_path = format!("/api/v1/tenders/{id}");
        let before = app.get_json(&tender_path, &officer).await;
        assert_eq!(before["submission_deadline"], "2026-12-18T22:00:00Z");
        assert_instants_have_offsets(&before, "tender");
        let editable = app
            .get_json(&format!("/api/v1/tenders/{id}/draft"), &officer)
            .await;
        assert_eq!(editable["submission_deadline"], "2026-12-18T22:00:00Z");
        for _ in 0..2 {
            let put = app.put_json(&tender_path, &officer, &editable).await;
            assert_eq!(put.status(), 200, "{:?}", put.text().await);
        }
        assert_eq!(app.get_json(&tender_path, &officer).await, before);
        assert_eq!(
            app.get_json(&format!("/api/v1/tenders/{id}/draft"), &officer)
                .await,
            editable
        );
        // Only the buyer's officers read a draft's input; a supplier does not learn it exists.
        let supplier = app.token(SUPPLIER).await;
        assert_eq!(
            app.client()
                .get(app.url(&format!("/api/v1/tenders/{id}/draft")))
                .bearer_auth(&supplier)
                .send()
                .await
                .expect("get")
                .status(),
            404
        );

        // An instant without an offset is refused, naming the field, in either language.
        let mut local = editable.clone();
        local["submission_deadline"] = json!("2026-12-18T17:00");
        for (lang, words) in [("es", "diferencia horaria"), ("en", "UTC offset")] {
            let refused = app
                .client()
                .put(app.url(&tender_path))
                .bearer_auth(&officer)
                .header("accept-language", lang)
                .json(&local)
                .send()
                .await
                .expect("put");
            assert_eq!(refused.status(), 422);
            let problem: Value = refused.json().await.expect("problem");
            assert!(
                error_codes(&problem).contains(&(
                    "submission_deadline".to_owned(),
                    "datetime_without_offset".to_owned()
                )),
                "{problem}"
            );
            assert!(
                problem["detail"].as_str().unwrap_or("").contains(words),
                "{problem}"
            );
        }
        assert_eq!(app.get_json(&tender_path, &officer).await, before);

        // Published, an amendment that sends the dates exactly as read changes only what
        // differs.
        assert_eq!(
            app.upload(&officer, id, "bases.pdf", REAL_PDF.to_vec())
                .await
                .status(),
            201
        );
        let published = app
            .post_json(
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                &json!({}),
            )
            .await;
        assert_eq!(published.status(), 200, "{:?}", published.text().await);
        let published = app.get_json(&tender_path, &officer).await;
        let amended = app
            .post_json(
                &format!("/api/v1/tenders/{id}/amendments"),
                &officer,
                &json!({
                    "rationale": "Se precisa la descripción de las tabletas.",
                    "description": "Tabletas de 10 pulgadas con funda resistente para brigadas de empadronamiento en zonas rurales.",
                    "enquiry_deadline": published["enquiry_deadline"],
                    "submission_deadline": published["submission_deadline"],
                    "opening_at": published["opening_at"],
                }),
            )
            .await;
        assert_eq!(amended.status(), 200, "{:?}", amended.text().await);
        let after = app.get_json(&tender_path, &officer).await;
        for key in ["enquiry_deadline", "submission_deadline", "opening_at"] {
            assert_eq!(after[key], published[key], "{key}");
        }
        let changes = &after["amendments"][0]["changes"];
        let changed: Vec<&String> = changes.as_object().expect("changes").keys().collect();
        assert_eq!(changed, vec!["description"], "{changes}");
        assert_instants_have_offsets(&after, "amended tender");

        // A contract and its modifications: what GET shows, sent back, is read the same.
        let award = demo_final_award(&app).await;
        let minsa = app.token(crate::tenders::MINSA_OFFICER).await;
        let today =
            backend::tenders::lima_date(backend::clock::Clock::now_db(&app.clock)).to_string();
        // The duration as GET shows it (a number) is accepted as well as typed text.
        let recorded = app
            .post_json(
                &format!("/api/v1/awards/{award}/contract"),
                &minsa,
                &json!({"signed_on": today, "value": "140,000.00", "duration_days": 60}),
            )
            .await;
        assert_eq!(recorded.status(), 201, "{:?}", recorded.text().await);
        let contract_id = recorded.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        let view = app.get_public(&format!("/api/v1/awards/{award}")).await;
        let contract = &view["contract"];
        assert_eq!(contract["signed_on"], json!(today));
        assert_eq!(contract["value"], "140000.00");
        assert_eq!(contract["duration_days"], 60);
        assert_instants_have_offsets(&view, "award");
        let modify = format!("/api/v1/contracts/{contract_id}/modifications");
        let first = app
            .post_json(
                &modify,
                &minsa,
                &json!({"reason": "Reducción de 1 equipo.", "value_change": "-1,500.50"}),
            )
            .await;
        assert_eq!(first.status(), 201, "{:?}", first.text().await);
        let shown =
            app.get_public(&format!("/api/v1/awards/{award}")).await["contract"]["modifications"]
                [0]
            .clone();
        assert_eq!(shown["value_change"], "-1500.50");
        let again = app
            .post_json(
                &modify,
                &minsa,
                &json!({"reason": "Otra reducción igual.", "value_change": shown["value_change"]}),
            )
            .await;
        assert_eq!(again.status(), 201);
        let mods =
            app.get_public(&format!("/api/v1/awards/{award}")).await["contract"]["modifications"]
                .clone();
        assert_eq!(mods[1]["value_change"], mods[0]["value_change"]);
        assert_eq!(mods[1]["percent"], mods[0]["percent"]);

        app.stop().await;
    }
}

/// The demo's single-bid award (glucómetros), made final by moving the clock past its
/// standstill.
async fn demo_final_award(app: &TestApp) -> i64 {
    let tenders = app
        .get_public("/api/v1/tenders?q=glucómetros&status=awarded")
        .await;
    let tender = tenders["tenders"][0]["id"].as_i64().expect("demo tender");
    let awards = app
        .get_public(&format!("/api/v1/tenders/{tender}/awards"))
        .await;
    let award = &awards[0];
    let ends = naive(award["standstill_ends_at"].as_str().expect("standstill"));
    app.set_clock(ends + chrono::Duration::days(14));
    let id = award["id"].as_i64().expect("award");
    assert_eq!(
        app.get_public(&format!("/api/v1/awards/{id}")).await["status"],
        "final"
    );
    id
}
