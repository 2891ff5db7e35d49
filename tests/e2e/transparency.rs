//! The transparency dashboard, the public list of awards and the supplier's "what it won",
//! on SQLite and PostgreSQL: figures equal to those computed by hand from a small world
//! made here, nothing of a sealed bid before its opening, the charts and tables in the
//! page without JavaScript, the CSV, and a wrong filter named in both languages.

use crate::awards::{bid_body, bid_of, evaluate, opened_tender, scores};
use crate::support::*;
use crate::tenders::MINSA_OFFICER;
use serde_json::{Value, json};

const MINSA_OFFICER_2: &str = "adquisiciones@minsa.gob.pe";
/// Andina's price on the tender that is never opened.
const SEALED_PRICE: &str = "987654.32";

fn buyer<'a>(dashboard: &'a Value, name: &str) -> &'a Value {
    dashboard["buyers"]
        .as_array()
        .expect("buyers")
        .iter()
        .find(|b| b["name"].as_str().is_some_and(|n| n.contains(name)))
        .unwrap_or_else(|| panic!("{name} in {dashboard}"))
}

/// Awards `lot` of `tender` after checking the red flags its preview raises are `flags`.
async fn award(app: &TestApp, officer: &str, tender: i64, lot: usize, flags: &[&str]) -> i64 {
    let path = format!("/api/v1/tenders/{tender}/lots/{lot}/award");
    let preview = app.get_json(&path, officer).await;
    assert_eq!(preview["flags"], json!(flags), "lot {lot}: {preview}");
    let justifications: serde_json::Map<String, Value> = flags
        .iter()
        .map(|f| {
            (
                (*f).to_owned(),
                json!("Sustentado en el informe del comité."),
            )
        })
        .collect();
    let made = app
        .post_json(
            &path,
            officer,
            &json!({"justification": "Mejor oferta admitida.", "flag_justifications": justifications}),
        )
        .await;
    assert_eq!(made.status(), 201, "{:?}", made.text().await);
    let body: Value = made.json().await.expect("json");
    body["id"].as_i64().expect("award id")
}

#[tokio::test]
async fn the_dashboard_shows_the_figures_computed_by_hand_and_nothing_sealed() {
    let mut cast = crate::build::BIDDING_CAST.to_vec();
    cast.push(MINSA_OFFICER_2);
    for db in backends() {
        let app = TestApp::spawn_cast(db, &cast).await;
        let build = app.build();
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;

        // B: a Lima tender with Andina's sealed bid, never opened.
        let (sealed, _, _) = app.sealed_tender("Uniformes para serenazgo").await;
        let r = app
            .bid(&andina, sealed, &bid_body(SEALED_PRICE, None), None)
            .await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
        // C: MINSA's direct contracting, published, no bid.
        let (minsa, minsa_2) = (
            build.person(MINSA_OFFICER).await,
            build.person(MINSA_OFFICER_2).await,
        );
        build
            .published_tender_by(
                &minsa,
                "Oxígeno medicinal para el hospital de emergencia",
                "contratacion_directa",
                &[&minsa, &minsa_2],
            )
            .await;

        // Before any opening: tenders count, nothing of the bid does.
        let before = app.get_public("/api/v1/transparency").await;
        assert_eq!(before["total"]["tenders_published"], 2, "{db:?} {before}");
        assert_eq!(before["total"]["lots_opened"], 0, "{db:?} {before}");
        assert_eq!(before["total"]["lots_with_bids"], 0, "{db:?}");
        assert_eq!(before["total"]["average_bidders_per_lot"], Value::Null);
        let csv = page_text(&app.client(), app.url("/api/v1/transparency/buyers.csv")).await;
        let page = page_text(&app.client(), app.url("/transparencia")).await;
        let awards = app.get_public("/api/v1/awards").await;
        let flat = page_text(&app.client(), app.url("/api/v1/ocds/bulk/full.csv")).await;
        assert!(flat.contains("Uniformes para serenazgo"), "{db:?}: {flat}");
        for (what, text) in [
            ("JSON", before.to_string()),
            ("CSV", csv),
            ("flat OCDS CSV", flat),
            ("page", page),
            ("awards", awards.to_string()),
        ] {
            for secret in [SEALED_PRICE, "987,654.32", "Andina", ANDINA_RUC] {
                assert!(
                    !text.contains(secret),
                    "{db:?}: {secret} in the dashboard's {what} before the opening"
                );
            }
        }

        // A: Lima, two lots (estimates 160,000.00 and 24,000.50). Lot 1: Andina 150,000.00
        // and Sol 140,000.00 (disqualified); lot 2: Andina alone, 20,000.50.
        let mut andina_bid = bid_body("150000.00", Some("20000.50"));
        andina_bid["lots"][1]["amount"] = json!("20000.50");
        let tender = opened_tender(
            &app,
            &[(&andina, andina_bid), (&sol, bid_body("140000.00", None))],
        )
        .await;
        let officer = app.token(OFFICER).await;
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{tender}/evaluation"), &officer)
            .await;
        let (andina_1, sol_1, andina_2) = (
            bid_of(&sheet, 1, "Andina"),
            bid_of(&sheet, 1, "Sol"),
            bid_of(&sheet, 2, "Andina"),
        );
        evaluate(&app, &officer, tender, 1, andina_1, scores("18", "8")).await;
        evaluate(
            &app,
            &officer,
            tender,
            1,
            sol_1,
            json!({"admissible": false, "disqualification_ground": "technical_noncompliance",
                   "note": "No acredita la garantía mínima."}),
        )
        .await;
        evaluate(&app, &officer, tender, 2, andina_2, scores("17", "9")).await;
        let lot_1 = award(&app, &officer, tender, 1, &["others_all_disqualified"]).await;
        award(&app, &officer, tender, 2, &["single_bid"]).await;
        // Sol complains against lot 1's award; undecided. (A new session: the clock moved.)
        let sol = app.token(OTHER_OWNER).await;
        let filed = app
            .post_json(
                &format!("/api/v1/awards/{lot_1}/complaints"),
                &sol,
                &json!({"grounds": "La descalificación no tiene sustento en las bases.",
                        "documents": []}),
            )
            .await;
        assert_eq!(filed.status(), 201, "{:?}", filed.text().await);
        // The complaint is published (local extension) and the buyer is the review body.
        let record = app
            .get_public(&format!("/api/v1/ocds/records/ocds-licita-{tender}"))
            .await;
        let releases = record["records"][0]["releases"]
            .as_array()
            .expect("releases");
        let last = releases.last().expect("a release");
        assert_eq!(last["tag"], json!(["awardUpdate"]), "{db:?}");
        let compiled = &record["records"][0]["compiledRelease"];
        assert_eq!(
            compiled["complaints"][0]["status"], "filed",
            "{db:?} {compiled}"
        );
        assert_eq!(
            compiled["complaints"][0]["awardID"],
            format!("award-{lot_1}")
        );
        let extension_url = record["extensions"]
            .as_array()
            .expect("extensions")
            .iter()
            .filter_map(Value::as_str)
            .find(|u| u.contains("/ocds/extensions/complaints/"))
            .expect("the local extension is declared")
            .to_owned();
        let extension: Value = app
            .client()
            .get(&extension_url)
            .send()
            .await
            .expect("extension")
            .json()
            .await
            .expect("json");
        assert_eq!(extension["schemas"], json!(["release-schema.json"]));
        let schema_url = extension_url.replace("extension.json", "release-schema.json");
        let schema: Value = app
            .client()
            .get(&schema_url)
            .send()
            .await
            .expect("schema")
            .json()
            .await
            .expect("json");
        assert!(schema["definitions"]["Complaint"].is_object());

        // By hand. Lima: tenders A and B; A's two lots opened, 2 + 1 bids; one single-bid
        // lot of two with bids; 3 evaluations, 1 disqualified; awarded 150,000.00 +
        // 20,000.50 = 170,000.50 against 184,000.50 estimated: savings 14,000 / 184,000.50
        // = 7.6 %; 1 complaint, not upheld; 2 red flags (lot 1: every other bid disqualified; lot 2:
        // a single bid), each justified.
        let published = app.get_public(&format!("/api/v1/tenders/{tender}")).await;
        let awarded = app.get_public(&format!("/api/v1/awards/{lot_1}")).await;
        let at = |v: &Value| {
            chrono::DateTime::parse_from_rfc3339(v.as_str().expect("a time")).expect("rfc3339")
        };
        let days = (at(&awarded["awarded_at"]) - at(&published["published_at"])).num_days();
        let dashboard = app.get_public("/api/v1/transparency").await;
        let total = &dashboard["total"];
        assert_eq!(total["tenders_published"], 3, "{db:?} {dashboard}");
        assert_eq!(total["direct_contracting"], 1);
        assert_eq!(total["direct_contracting_share"], 33.3);
        let lima = &buyer(&dashboard, "Lima")["tenders_published"];
        assert_eq!(*lima, 2, "{db:?}");
        let lima = buyer(&dashboard, "Lima");
        for (figure, expected) in [
            ("lots_opened", json!(2)),
            ("lots_with_bids", json!(2)),
            ("single_bid_lots", json!(1)),
            ("single_bid_rate", json!(50.0)),
            ("average_bidders_per_lot", json!(1.5)),
            ("awarded_lots", json!(2)),
            ("evaluations", json!(3)),
            ("disqualified", json!(1)),
            ("disqualification_rate", json!(33.3)),
            ("complaints_filed", json!(1)),
            ("complaints_upheld", json!(0)),
            ("flags_raised", json!(2)),
            ("flags_justified", json!(2)),
            ("direct_contracting_share", json!(0.0)),
            ("median_days_to_award", json!(days as f64)),
        ] {
            assert_eq!(lima[figure], expected, "{db:?}: Lima's {figure} in {lima}");
        }
        assert_eq!(
            lima["savings"],
            json!([{"currency": "PEN", "estimated": "184000.50", "awarded": "170000.50", "percent": 7.6}]),
            "{db:?}"
        );
        let minsa_figures = buyer(&dashboard, "Ministerio de Salud");
        assert_eq!(minsa_figures["tenders_published"], 1, "{db:?}");
        assert_eq!(minsa_figures["direct_contracting_share"], 100.0);
        assert_eq!(minsa_figures["single_bid_rate"], Value::Null);
        // The months add up to the total.
        let months = dashboard["months"].as_array().expect("months");
        let by_month: i64 = months
            .iter()
            .map(|m| m["tenders_published"].as_i64().expect("a count"))
            .sum();
        assert_eq!(by_month, 3, "{db:?} {months:?}");
        // Still nothing of the sealed tender.
        assert!(!dashboard.to_string().contains(SEALED_PRICE), "{db:?}");
        // The figures were kept in step event by event: rebuilt from the tables, they are
        // the same.
        let rebuilt = app
            .app
            .db
            .run(|conn| backend::db::write_transaction(conn, backend::projection::figures::rebuild))
            .await
            .expect("rebuild");
        assert_eq!(rebuilt, 3, "{db:?}: every published tender");
        assert_eq!(
            app.get_public("/api/v1/transparency").await,
            dashboard,
            "{db:?}: the rebuilt figures"
        );
        // Date ranges: whole months come from the sums per month, partial ones from the
        // tenders' rows, and the two agree. A range of whole months padded by ten days on
        // each side gives the total; a month cut in two gives its figures in two parts.
        let day = |m: &str, d: u32| {
            chrono::NaiveDate::parse_from_str(&format!("{m}-{d:02}"), "%Y-%m-%d").expect("day")
        };
        let (first, last) = (
            months[0]["month"].as_str().expect("month"),
            months[months.len() - 1]["month"].as_str().expect("month"),
        );
        let after_last = day(last, 1)
            .checked_add_months(chrono::Months::new(1))
            .expect("next month");
        let padded = app
            .get_public(&format!(
                "/api/v1/transparency?published_from={}&published_to={}",
                day(first, 1) - chrono::Duration::days(10),
                after_last + chrono::Duration::days(9)
            ))
            .await;
        assert_eq!(padded["total"], dashboard["total"], "{db:?}: padded range");
        let whole = app
            .get_public(&format!(
                "/api/v1/transparency?published_from={}&published_to={}",
                day(first, 1),
                after_last - chrono::Duration::days(1)
            ))
            .await;
        assert_eq!(whole["total"], dashboard["total"], "{db:?}: whole months");
        for month in months.iter().filter(|m| m["tenders_published"] != 0) {
            let m = month["month"].as_str().expect("month");
            let end = day(m, 1)
                .checked_add_months(chrono::Months::new(1))
                .expect("next")
                - chrono::Duration::days(1);
            let part = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
                format!("/api/v1/transparency?published_from={from}&published_to={to}")
            };
            let a = app.get_public(&part(day(m, 1), day(m, 15))).await;
            let b = app.get_public(&part(day(m, 16), end)).await;
            for figure in [
                "tenders_published",
                "lots_opened",
                "complaints_filed",
                "flags_raised",
            ] {
                let sum = a["total"][figure].as_i64().expect("a")
                    + b["total"][figure].as_i64().expect("b");
                assert_eq!(Some(sum), month[figure].as_i64(), "{db:?} {m} {figure}");
            }
        }

        // One buyer, one method: only MINSA's direct contracting.
        let minsa_id = minsa_figures["buyer_id"].as_i64().expect("id");
        let only = app
            .get_public(&format!(
                "/api/v1/transparency?buyer={minsa_id}&method=contratacion_directa"
            ))
            .await;
        assert_eq!(only["total"]["tenders_published"], 1, "{db:?} {only}");
        assert_eq!(only["buyers"].as_array().map(Vec::len), Some(1));
        let none = app
            .get_public("/api/v1/transparency?published_to=2020-01-31")
            .await;
        assert_eq!(none["total"]["tenders_published"], 0, "{db:?}");
        assert_eq!(none["months"], json!([]));

        // The CSV has Lima's row with the same figures.
        let csv = page_text(&app.client(), app.url("/api/v1/transparency/buyers.csv")).await;
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header = reader.headers().expect("header").clone();
        let column = |name: &str| header.iter().position(|h| h == name).expect(name);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let lima_row = rows
            .iter()
            .find(|r| r[column("buyer")].contains("Lima"))
            .expect("Lima's row");
        assert_eq!(&lima_row[column("single_bid_rate_percent")], "50");
        assert_eq!(&lima_row[column("savings_percent_pen")], "7.6");
        assert_eq!(&lima_row[column("value_awarded_pen")], "170000.50");

        // The flat OCDS CSV: one row per lot of A (each awarded, no contract yet), one per lot
        // of B and of C, with the bids received only where the tender was opened.
        let flat = page_text(&app.client(), app.url("/api/v1/ocds/bulk/full.csv")).await;
        // Excel on Windows reads accents right only after a byte-order mark.
        assert!(flat.starts_with('\u{feff}'), "{db:?}: no BOM");
        // A browser asks for it compressed: the same bytes come back.
        for encoding in ["gzip", "br"] {
            let compressed = app
                .client()
                .get(app.url("/api/v1/ocds/bulk/full.csv"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("get");
            assert_eq!(compressed.status(), 200);
            assert_eq!(compressed.headers()["content-encoding"], encoding, "{db:?}");
            let bytes = compressed.bytes().await.expect("body");
            let mut plain = Vec::new();
            match encoding {
                "gzip" => std::io::Read::read_to_end(
                    &mut flate2::read::GzDecoder::new(&bytes[..]),
                    &mut plain,
                ),
                _ => std::io::Read::read_to_end(
                    &mut brotli_decompressor::Decompressor::new(&bytes[..], 4096),
                    &mut plain,
                ),
            }
            .expect("decompresses");
            assert_eq!(plain, flat.as_bytes(), "{db:?} {encoding}");
        }
        // Other bytes, so a weak tag (a shared cache must not take one for the other), that
        // still revalidates whichever encoding the client kept.
        let etag = app
            .client()
            .get(app.url("/api/v1/ocds/bulk/full.csv"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("get")
            .headers()["etag"]
            .to_str()
            .expect("etag")
            .to_owned();
        assert!(etag.starts_with("W/\""), "{db:?}: {etag}");
        let revalidated = app
            .client()
            .get(app.url("/api/v1/ocds/bulk/full.csv"))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(revalidated.status(), 304, "{db:?}");
        let any = app
            .client()
            .get(app.url("/api/v1/ocds/bulk/full.csv"))
            .header("if-none-match", "*")
            .send()
            .await
            .expect("get");
        assert_eq!(any.status(), 304, "{db:?}: * matches the file that exists");
        let mut reader = csv::Reader::from_reader(flat.as_bytes());
        let header = reader.headers().expect("header").clone();
        let column = |name: &str| header.iter().position(|h| h == name).expect(name);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 6, "{db:?}: {flat}");
        let of_a: Vec<&csv::StringRecord> = rows
            .iter()
            .filter(|r| r[column("ocid")] == format!("ocds-licita-{tender}"))
            .collect();
        let received: Vec<&str> = of_a.iter().map(|r| &r[column("bids_received")]).collect();
        assert_eq!(received, ["2", "1"], "{db:?}");
        assert_eq!(&of_a[1][column("award_value")], "20000.5");
        assert!(of_a[0][column("supplier_names")].contains("Andina"));
        assert!(
            rows.iter()
                .filter(|r| r[column("ocid")] != format!("ocds-licita-{tender}"))
                .all(|r| r[column("bids_received")].is_empty()),
            "{db:?}: no bid count before an opening"
        );

        // The page: figures, an SVG chart per section followed by its table, data links;
        // the same in English.
        let page = page_text(&app.client(), app.url("/transparencia")).await;
        for expected in [
            "Tablero de transparencia",
            "50.0 %",
            "7.6 %",
            "S/ 170,000.50",
            "<svg",
            "chart-buyers-caption",
            "chart-months-caption",
            "<caption>Cifras por entidad</caption>",
            "/api/v1/transparency/buyers.csv",
            "/api/v1/transparency/months.csv",
            "1 presentadas, 0 fundadas",
        ] {
            assert!(page.contains(expected), "{db:?}: {expected} in the page");
        }
        assert!(!page.contains("<script"), "no JavaScript");
        let english = app
            .client()
            .get(app.url("/transparencia"))
            .header("Accept-Language", "en")
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("text");
        assert!(
            english.contains("Transparency dashboard")
                && english.contains("Lots with a single bid"),
            "{db:?}"
        );
        // A wrong filter is named in the summary, in the user's language, and shows no figures.
        let wrong =
            app.client()
                .get(app.url(
                    "/transparencia?published_from=ayer&published_to=2026-01-01&method=trueque",
                ))
                .send()
                .await
                .expect("page");
        assert_eq!(wrong.status(), 422, "{db:?}");
        let wrong = wrong.text().await.expect("text");
        assert!(
            wrong.contains("href=\"#f-published_from\"")
                && wrong.contains("«Publicadas desde» debe ser una fecha")
                && wrong.contains("href=\"#f-method\""),
            "{db:?}: {wrong}"
        );
        let api_wrong = app
            .client()
            .get(app.url("/api/v1/transparency?published_from=2026-12-01&published_to=2026-11-01"))
            .send()
            .await
            .expect("api");
        assert_eq!(api_wrong.status(), 422, "{db:?}");
        let problem: Value = api_wrong.json().await.expect("problem");
        assert_eq!(
            crate::tenders::error_codes(&problem),
            vec![("published_to".into(), "date_before_start".into())]
        );

        // The public list of awards and the supplier's page.
        let list = app.get_public("/api/v1/awards").await;
        assert_eq!(list["total"], 2, "{db:?} {list}");
        let first = &list["awards"][0];
        assert!(
            first["supplier_name"]
                .as_str()
                .is_some_and(|n| n.contains("Andina"))
        );
        let andina_id = first["supplier_id"].as_i64().expect("supplier id");
        let record = app
            .get_public(&format!("/api/v1/suppliers/{andina_id}/awards"))
            .await;
        assert_eq!(
            record["won_from"].as_array().map(Vec::len),
            Some(1),
            "{record}"
        );
        assert_eq!(record["won_from"][0]["lots"], 2);
        assert_eq!(record["won_from"][0]["amount"], "170000.50");
        let supplier_page =
            page_text(&app.client(), app.url(&format!("/proveedores/{andina_id}"))).await;
        assert!(
            supplier_page.contains("Lo que ganó")
                && supplier_page.contains("Municipalidad Metropolitana de Lima")
                && supplier_page.contains("S/ 170,000.50"),
            "{db:?}"
        );
        let awards_page = page_text(&app.client(), app.url("/adjudicaciones")).await;
        assert!(
            awards_page.contains("2 adjudicaciones") && awards_page.contains("Una sola oferta"),
            "{db:?}"
        );
        let lima_id = lima["buyer_id"].as_i64().expect("id");
        let buyer_page = page_text(&app.client(), app.url(&format!("/entidades/{lima_id}"))).await;
        assert!(
            buyer_page.contains("Municipalidad Metropolitana de Lima")
                && buyer_page.contains("50.0 %")
                && buyer_page.contains("7.6 %"),
            "{db:?}"
        );
        assert_eq!(
            app.client()
                .get(app.url("/entidades/999999"))
                .send()
                .await
                .expect("page")
                .status(),
            404
        );
        app.stop().await;
    }
}
