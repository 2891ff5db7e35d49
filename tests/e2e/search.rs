//! The public tender search at work on both engines: the search projection follows every
//! change of a tender at once (publication, amendment, cancellation, the clock's status
//! moves, an award), a bidder's name finds nothing before it wins, `reindex` rebuilds the
//! projection identically, a query matching nothing with all its words falls back to any of
//! them, and a buyer's RUC or a winner's name or RUC finds their tenders.

use crate::awards::{bid_body, bid_of, evaluate, opened_tender, scores};
use crate::bids::LIMA_OFFICER_3;
use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, lima};
use backend::search_index::{SearchImage, SearchRow};
use diesel::prelude::*;
use serde_json::{Value, json};

/// The answer of `GET /api/v1/tenders?{query}` (200 asserted).
pub async fn found(app: &TestApp, query: &str) -> Value {
    let response = app
        .client()
        .get(app.url(&format!("/api/v1/tenders?{query}")))
        .send()
        .await
        .expect("search");
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.expect("json")
}

/// The ids `GET /api/v1/tenders?{query}` lists, in order.
pub async fn ids_for(app: &TestApp, query: &str) -> Vec<i64> {
    found(app, query).await["tenders"]
        .as_array()
        .expect("tenders")
        .iter()
        .map(|t| t["id"].as_i64().expect("id"))
        .collect()
}

/// Every row of the search projection, by tender.
async fn projection(app: &TestApp) -> Vec<SearchRow> {
    app.app
        .db
        .run(|conn| {
            use backend::schema::tender_search_rows as rows;
            Ok(rows::table
                .order(rows::tender_id)
                .select(SearchRow::as_select())
                .load(conn)?)
        })
        .await
        .expect("projection")
}

#[tokio::test]
async fn the_search_follows_each_change_at_once_and_a_reindex_rebuilds_it_identically() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let build = app.build();
        let officer = build.person(OFFICER).await;
        let second = build.person(LIMA_OFFICER_2).await;
        let third = build.person(LIMA_OFFICER_3).await;
        let committee = [&officer, &second, &third];

        // Publication: found at once by its words, open, with its estimate.
        let (road, ..) = build
            .published_tender(
                &officer,
                "Servicio de mantenimiento vial de la avenida Grau",
                &committee,
            )
            .await;
        let road = road.get();
        assert_eq!(ids_for(&app, "q=mantenimiento%20vial").await, vec![road]);
        assert_eq!(ids_for(&app, "q=Mantenimiento%20VIALES").await, vec![road]);
        let answer = found(&app, "q=mantenimiento%20vial").await;
        assert_eq!(answer["tenders"][0]["status"], "open", "{answer}");
        assert_eq!(answer["total"], 1);
        assert_eq!(answer["any_word"], false);
        assert_eq!(ids_for(&app, "status=open").await, vec![road]);
        assert!(ids_for(&app, "value_min=900000").await.is_empty());

        // No tender has "vías": the same search with any of its words finds the road's.
        let any = found(&app, "q=mantenimiento%20de%20v%C3%ADas").await;
        assert_eq!(any["any_word"], true, "{any}");
        assert_eq!(any["tenders"][0]["id"], road);
        assert!(
            ids_for(&app, "q=v%C3%ADas").await.is_empty(),
            "one word: no fallback"
        );

        // Amendment of the description, the lots' values and the dates.
        let token = app.token(OFFICER).await;
        let amended = app
            .post_json(
                &format!("/api/v1/tenders/{road}/amendments"),
                &token,
                &json!({
                    "rationale": "Se amplía el servicio a la señalización horizontal.",
                    "material": true,
                    "description": "Mantenimiento vial y señalización horizontal de la avenida Grau, con personal y equipos a cargo del contratista.",
                    "submission_deadline": lima(30, "17:00"),
                    "opening_at": lima(30, "19:00"),
                    "lots": [
                        {"title": "Mantenimiento vial", "quantity": "1", "unit": "servicio", "estimated_value": "900000.00"},
                        {"title": "Señalización horizontal", "quantity": "1", "unit": "servicio", "estimated_value": "50000.00"}
                    ]
                }),
            )
            .await;
        assert_eq!(amended.status(), 200, "{:?}", amended.text().await);
        assert_eq!(ids_for(&app, "q=senalizacion").await, vec![road]);
        assert_eq!(ids_for(&app, "value_min=900000").await, vec![road]);
        assert_eq!(
            ids_for(&app, "deadline_from=2026-12-23&deadline_to=2026-12-23").await,
            vec![road]
        );
        assert!(
            ids_for(&app, "deadline_to=2026-12-18").await.is_empty(),
            "the old deadline no longer matches"
        );

        // Cancellation.
        let (cones, ..) = build
            .published_tender(
                &officer,
                "Adquisición de conos de seguridad vial",
                &committee,
            )
            .await;
        let cones = cones.get();
        assert_eq!(
            ids_for(&app, "q=vial&sort=-published").await,
            vec![cones, road]
        );
        let cancelled = app
            .post_json(
                &format!("/api/v1/tenders/{cones}/cancel"),
                &token,
                &json!({"ground": "La necesidad fue atendida por el almacén central."}),
            )
            .await;
        assert!(
            cancelled.status().is_success(),
            "{:?}",
            cancelled.text().await
        );
        assert_eq!(ids_for(&app, "status=cancelled").await, vec![cones]);
        assert_eq!(ids_for(&app, "status=open").await, vec![road]);

        // An award: the winner's name and RUC find the tender, a losing bidder's do not, and
        // neither did before the award.
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        let awarded = opened_tender(
            &app,
            &[
                (&andina, bid_body("150000.00", Some("20000.00"))),
                (&sol, bid_body("140000.00", Some("21000.00"))),
            ],
        )
        .await;
        assert!(ids_for(&app, "q=andina").await.is_empty());
        assert!(ids_for(&app, "q=20512333797").await.is_empty());
        let token = app.token(OFFICER).await;
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{awarded}/evaluation"), &token)
            .await;
        for (name, body) in [
            ("Andina", scores("20", "10")),
            ("Constructora Sol", scores("10", "5")),
        ] {
            evaluate(&app, &token, awarded, 1, bid_of(&sheet, 1, name), body).await;
        }
        let award = app
            .post_json(
                &format!("/api/v1/tenders/{awarded}/lots/1/award"),
                &token,
                &json!({"justification": "Mayor puntaje total según las bases."}),
            )
            .await;
        assert_eq!(award.status(), 201, "{:?}", award.text().await);
        assert_eq!(ids_for(&app, "q=andina%20tecnologia").await, vec![awarded]);
        assert_eq!(ids_for(&app, "q=20512333797").await, vec![awarded]);
        assert!(ids_for(&app, "q=20601234565").await.is_empty(), "Sol lost");
        assert!(ids_for(&app, "q=constructora%20sol").await.is_empty());
        // The clock: past the enquiry deadline the road's tender shows as such at once,
        // before the status task moves its stored status; after it moves it, the projection
        // is still in step (a reindex finds nothing to rewrite).
        // (The award's opening moved the clock to day 25: past the road's enquiries.)
        assert_eq!(ids_for(&app, "status=enquiries_closed").await, vec![road]);
        assert!(ids_for(&app, "status=open").await.is_empty());
        let now = backend::clock::Clock::now_db(&app.clock);
        // (The server's own status task may have moved it already.)
        app.app
            .db
            .run(move |conn| backend::tenders::advance_statuses(conn, now))
            .await
            .expect("statuses move");
        assert_eq!(ids_for(&app, "status=enquiries_closed").await, vec![road]);

        // The buyer's RUC finds every one of its tenders.
        assert_eq!(
            ids_for(&app, "q=20131380951&sort=published").await,
            vec![road, cones, awarded]
        );

        // Reindex: nothing to rewrite; from empty, the same rows; a new server's image
        // (read from scratch) answers as this one's (kept in step change by change).
        let before = projection(&app).await;
        assert_eq!(before.len(), 3);
        let again = app
            .app
            .db
            .run(|conn| backend::search_index::reindex(conn, &|_| ()))
            .await
            .expect("reindex");
        assert_eq!((again.tenders, again.rewritten), (3, 0));
        let rebuilt = app
            .app
            .db
            .run(|conn| {
                diesel::delete(backend::schema::tender_search_rows::table).execute(conn)?;
                backend::search_index::reindex(conn, &|_| ())
            })
            .await
            .expect("reindex from empty");
        assert_eq!((rebuilt.tenders, rebuilt.rewritten), (3, 3));
        assert_eq!(projection(&app).await, before);
        let queries = [
            "q=vial&sort=-deadline",
            "status=enquiries_closed",
            "status=cancelled",
            "q=andina",
            "sort=-value",
            "value_min=100000&value_max=200000",
            "q=mantenimiento%20de%20vias",
        ];
        let mut here = Vec::new();
        for q in queries {
            here.push(ids_for(&app, q).await);
        }
        let now = backend::clock::Clock::now_db(&app.clock);
        let fresh = app
            .app
            .db
            .run(move |conn| {
                let image = SearchImage::default();
                let mut answers = Vec::new();
                for q in queries {
                    let query: backend::tenders::TenderQuery =
                        serde_urlencoded::from_str(q).expect("query");
                    let page = backend::tenders::search_in(conn, &image, &query, now)?;
                    answers.push(page.tenders.iter().map(|t| t.id.get()).collect::<Vec<_>>());
                }
                Ok(answers)
            })
            .await
            .expect("a fresh image");
        assert_eq!(fresh, here);
        app.stop().await;
    }
}

#[tokio::test]
async fn the_demo_is_found_by_its_buyers_ruc_and_by_its_winners_on_both_engines() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        // A buyer's RUC finds exactly its published tenders, as the buyer filter does.
        let lima_id: i64 = app
            .app
            .db
            .run(|conn| {
                use backend::schema::buyers;
                Ok(buyers::table
                    .filter(buyers::ruc.eq("20131380951"))
                    .select(buyers::id)
                    .first(conn)?)
            })
            .await
            .expect("Lima");
        let by_ruc = ids_for(&app, "q=20131380951&per_page=100").await;
        assert!(by_ruc.len() >= 5, "{by_ruc:?}");
        assert_eq!(
            by_ruc,
            ids_for(&app, &format!("buyer={lima_id}&per_page=100")).await
        );
        // A supplier's name or RUC finds the tenders it won (a standing award), and only them.
        let won: Vec<i64> = app
            .app
            .db
            .run(|conn| {
                use backend::schema::{awards, bids, suppliers};
                Ok(awards::table
                    .inner_join(bids::table.on(awards::bid_id.eq(bids::id.nullable())))
                    .inner_join(suppliers::table.on(suppliers::id.eq(bids::supplier_id)))
                    .filter(suppliers::ruc.eq("20512333797"))
                    .filter(awards::status.eq_any(["pending", "final"]))
                    .select(awards::tender_id)
                    .distinct()
                    .load(conn)?)
            })
            .await
            .expect("Andina's awards");
        assert!(!won.is_empty(), "the demo has awards to Andina");
        let mut by_name = ids_for(&app, "q=Andina%20Tecnolog%C3%ADa&per_page=100").await;
        by_name.sort();
        let mut won = won;
        won.sort();
        assert_eq!(by_name, won);
        let mut by_supplier_ruc = ids_for(&app, "q=20512333797&per_page=100").await;
        by_supplier_ruc.sort();
        assert_eq!(by_supplier_ruc, won);
        app.stop().await;
    }
}

#[tokio::test]
async fn a_page_past_the_last_says_so_and_leads_to_the_last() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let page = page_text(&app.client(), app.url("/licitaciones?page=3")).await;
    assert!(
        page.contains("La página 3 no existe: esta lista tiene 2 páginas"),
        "{page}"
    );
    assert!(page.contains("page=2\">Ir a la última página"), "{page}");
    assert!(!page.contains("Página 3 de 2"));
    // Past the 10,000 results that can be browsed, but there are far fewer: the same answer,
    // not "narrow the search".
    let far = page_text(&app.client(), app.url("/licitaciones?page=999")).await;
    assert!(
        far.contains("La página 999 no existe: esta lista tiene 2 páginas"),
        "{far}"
    );
    assert!(!far.contains("afine la búsqueda"), "{far}");
    // A UNSPSC family, a class written with its trailing zeros, a commodity: each finds the
    // demo's computers (43211507); a three-digit code is refused, naming the field.
    for code in ["43", "4321", "432115", "43211500", "43211507"] {
        let found = app
            .get_public(&format!("/api/v1/tenders?classification={code}"))
            .await;
        let codes: Vec<&str> = found["tenders"]
            .as_array()
            .expect("tenders")
            .iter()
            .filter_map(|t| t["classification"].as_str())
            .collect();
        assert!(codes.contains(&"43211507"), "{code}: {codes:?}");
        let prefix = code.trim_end_matches("00");
        assert!(
            codes.iter().all(|c| c.starts_with(prefix)),
            "{code}: {codes:?}"
        );
    }
    let refused = app
        .client()
        .get(app.url("/api/v1/tenders?classification=432"))
        .send()
        .await
        .expect("search");
    assert_eq!(refused.status(), 422);
    app.stop().await;
}
