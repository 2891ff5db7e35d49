//! The electronic catalogue of the framework agreements, on both databases, on the demo's
//! agreement (PERÚ COMPRAS's computers and printers): the public search by words, category,
//! department and price, the cheapest first; a product's offers, price spread and history;
//! the price rules of a supplier's offer (decreases at will; an increase with a reason,
//! within the largest step, once per period; a change on a stale version refused); every
//! change an audit event and a version; orders, direct and by quotes, with their mail, open
//! data (the agreement and each order as OCDS processes of their own) and place on the
//! dashboard; a party suspended from the agreement; the pages without JavaScript; who may
//! do what.

use serde_json::{Value, json};

use crate::support::{
    DEMO_PASSWORD, Db, OFFICER, SUPPLIER, TestApp, backends, page_login, page_text, post_form,
};

const COMPUMARKET: &str = "ventas@compumarket.com.pe";
const GRAU: &str = "licitaciones@grauoficinas.com.pe";
/// PERÚ COMPRAS's officer, who runs the agreement.
const CENTRAL: &str = "acuerdos@perucompras.gob.pe";

fn codes(problem: &Value) -> Vec<(String, String)> {
    crate::tenders::error_codes(problem)
}

async fn search(app: &TestApp, query: &str) -> Value {
    app.get_public(&format!("/api/v1/catalogue/offers{query}"))
        .await
}

/// The demo's desktop computer (Core i5) sheet's id, found by searching its words.
async fn desktop_i5(app: &TestApp) -> i64 {
    let found = search(app, "?q=escritorio%20core%20i5").await;
    found["offers"][0]["product_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a Core i5 desktop in the catalogue: {found}"))
}

async fn my_offer(app: &TestApp, token: &str, product: i64) -> Value {
    let mine = app.get_json("/api/v1/me/catalogue-offers", token).await;
    mine.as_array()
        .and_then(|offers| offers.iter().find(|o| o["product_id"] == product))
        .cloned()
        .unwrap_or_else(|| panic!("the supplier offers product {product}: {mine}"))
}

async fn change(app: &TestApp, token: &str, offer: i64, body: Value) -> (u16, Value) {
    let response = app
        .put_json(&format!("/api/v1/catalogue/offers/{offer}"), token, &body)
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_catalogue_is_searched_and_its_price_rules_hold_on_both_databases() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        the_public_search(&app, db).await;
        the_price_rules(&app, db).await;
        the_pages_without_javascript(&app, db).await;
        let verified = app
            .app
            .db
            .run(backend::audit::verify_in)
            .await
            .expect("audit verify");
        assert!(verified.ok, "{db:?}: {verified:?}");
        app.stop().await;
    }
}

async fn the_public_search(app: &TestApp, db: Db) {
    let all = search(app, "").await;
    assert_eq!(all["total"], 10, "{db:?}: the demo lists ten offers: {all}");
    let prices: Vec<f64> = all["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .map(|o| {
            o["unit_price"]
                .as_str()
                .and_then(|p| p.parse().ok())
                .expect("price")
        })
        .collect();
    assert!(
        prices.windows(2).all(|w| w[0] <= w[1]),
        "{db:?}: the cheapest first: {prices:?}"
    );

    // Words are matched without accents or case, on the product, brand and model.
    let laptops = search(app, "?q=PORTATIL").await;
    assert_eq!(laptops["total"], 2, "{db:?}: {laptops}");
    let hp = search(app, "?q=hp%20probook").await;
    assert_eq!(hp["total"], 1, "{db:?}: {hp}");
    assert_eq!(
        hp["offers"][0]["supplier_name"],
        "Compumarket del Perú S.A.C."
    );

    // A category, a department delivered to, and a price range narrow it.
    let categories = app.get_public("/api/v1/catalogue/categories").await;
    let printers = categories
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "Impresoras"))
        .map(|c| c["id"].to_string())
        .expect("a printers category");
    let in_cusco = search(app, &format!("?category={printers}&department=Cusco")).await;
    assert_eq!(
        in_cusco["total"], 1,
        "{db:?}: only Compumarket delivers printers to Cusco: {in_cusco}"
    );
    assert!(
        in_cusco["offers"][0]["regions"]
            .as_array()
            .expect("regions")
            .iter()
            .any(|r| r["department"] == "Cusco" && r["delivery_days"] == 5),
        "{db:?}: {in_cusco}"
    );
    let cheap_desktops = search(app, "?q=escritorio&max_price=3,000.00").await;
    assert_eq!(cheap_desktops["total"], 1, "{db:?}: {cheap_desktops}");
    assert_eq!(cheap_desktops["offers"][0]["unit_price"], "2849.00");

    // What cannot be read is refused, naming the field.
    let response = app
        .client()
        .get(app.url(
            "/api/v1/catalogue/offers?department=Narnia&min_price=abc&category=x&max_price=-1",
        ))
        .send()
        .await
        .expect("bad search");
    assert_eq!(response.status(), 422, "{db:?}");
    let problem: Value = response.json().await.expect("problem");
    let fields: Vec<String> = codes(&problem).into_iter().map(|(f, _)| f).collect();
    for field in ["department", "min_price", "category", "max_price"] {
        assert!(
            fields.iter().any(|f| f == field),
            "{db:?}: {field} named: {problem}"
        );
    }

    // A product's page: its offers, the spread of the orderable ones (Andina's printer has
    // no stock, so it is out of the spread) and every price they had.
    let product = desktop_i5(app).await;
    let page = app
        .get_public(&format!("/api/v1/catalogue/products/{product}"))
        .await;
    assert_eq!(
        page["offers"].as_array().map(Vec::len),
        Some(3),
        "{db:?}: {page}"
    );
    assert_eq!(
        page["spread"],
        json!({"offers": 3, "lowest": "2849.00", "median": "3050.00", "highest": "3100.00"}),
        "{db:?}"
    );
    let andina: Vec<&Value> = page["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|p| p["supplier_name"] == "Andina Tecnología S.A.C.")
        .collect();
    assert_eq!(
        andina
            .iter()
            .map(|p| p["unit_price"].clone())
            .collect::<Vec<_>>(),
        vec![json!("2849.00"), json!("2899.00")],
        "{db:?}: Andina's lowered price, newest first: {page}"
    );
    let printer_search = search(app, &format!("?category={printers}")).await;
    let out_of_stock = printer_search["offers"]
        .as_array()
        .expect("offers")
        .iter()
        .find(|o| o["supplier_ruc"] == "20512333797")
        .cloned()
        .expect("Andina's printer");
    assert_eq!(out_of_stock["status"], "out_of_stock", "{db:?}");
    let missing = app
        .client()
        .get(app.url("/api/v1/catalogue/products/999999"))
        .send()
        .await
        .expect("missing product");
    assert_eq!(missing.status(), 404, "{db:?}");
}

async fn the_price_rules(app: &TestApp, db: Db) {
    let product = desktop_i5(app).await;
    let andina = app.token(SUPPLIER).await;
    let offer = my_offer(app, &andina, product).await;
    let id = offer["id"].as_i64().expect("offer id");
    let version = offer["version"].as_i64().expect("version");
    assert_eq!(offer["unit_price"], "2849.00", "{db:?}");
    assert_eq!(
        offer["highest_price_now"], "3133.90",
        "{db:?}: 10 % above: {offer}"
    );

    // A decrease and a stock change: accepted at once, a new version.
    let (status, lowered) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "2,799.00", "stock": "150", "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{db:?}: {lowered}");
    assert_eq!(
        (
            &lowered["unit_price"],
            &lowered["stock"],
            &lowered["version"]
        ),
        (&json!("2799.00"), &json!(150), &json!(version + 1)),
        "{db:?}"
    );

    // The same change again on the old version: refused, the current version named.
    let (status, stale) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "2,700.00", "version": version}),
    )
    .await;
    assert_eq!(status, 409, "{db:?}: {stale}");
    assert_eq!(
        codes(&stale),
        vec![("version".into(), "offer_changed".into())],
        "{db:?}"
    );
    let version = version + 1;

    // An increase needs a reason, and may not pass 10 %: 2,799.00 × 1.10 = 3,078.90.
    let (status, refused) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "3078.91", "version": version}),
    )
    .await;
    assert_eq!(status, 422, "{db:?}: {refused}");
    assert_eq!(
        codes(&refused),
        vec![
            ("reason".into(), "reason_required_for_increase".into()),
            ("unit_price".into(), "price_increase_too_large".into()),
        ],
        "{db:?}"
    );
    let reason = "Alza del precio del fabricante para el segundo semestre, según la lista de precios adjunta.";
    let (status, raised) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "3078.90", "reason": reason, "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{db:?}: exactly 10 % is allowed: {raised}");
    let version = version + 1;

    // A second increase within 90 days: refused, naming the day it is allowed again; a
    // decrease still goes through.
    let (status, too_soon) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "3080.00", "reason": reason, "version": version}),
    )
    .await;
    assert_eq!(status, 422, "{db:?}: {too_soon}");
    assert_eq!(
        codes(&too_soon),
        vec![("unit_price".into(), "price_increase_too_soon".into())],
        "{db:?}"
    );
    assert!(
        too_soon.to_string().contains("2027-02-21"),
        "{db:?}: the day it is allowed again (90 days after 2026-11-23): {too_soon}"
    );
    let (status, _) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "2990.00", "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{db:?}: a decrease is always allowed");
    let version = version + 1;

    // Nonsense is refused naming the field, and nothing is written.
    let (status, bad) = change(
        app,
        &andina,
        id,
        json!({"unit_price": "0", "stock": "-3", "version": version}),
    )
    .await;
    assert_eq!(status, 422, "{db:?}: {bad}");
    assert_eq!(
        codes(&bad),
        vec![
            ("unit_price".into(), "amount_not_positive".into()),
            ("stock".into(), "out_of_range".into()),
        ],
        "{db:?}"
    );
    assert!(
        bad.to_string().contains("entre 0 y 1000000"),
        "{db:?}: the refusal says the range: {bad}"
    );

    // Only the offer's own company changes it.
    for (who, expected) in [(COMPUMARKET, 403), (OFFICER, 403)] {
        let token = app.token(who).await;
        let (status, _) = change(
            app,
            &token,
            id,
            json!({"unit_price": "1.00", "version": version}),
        )
        .await;
        assert_eq!(status, expected, "{db:?}: {who}");
    }
    let anonymous = app
        .client()
        .put(app.url(&format!("/api/v1/catalogue/offers/{id}")))
        .json(&json!({"unit_price": "1.00", "version": version}))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(anonymous.status(), 401, "{db:?}");

    // The history keeps every version, with the increase's reason; the chain has each.
    let page = app
        .get_public(&format!("/api/v1/catalogue/products/{product}"))
        .await;
    let versions: Vec<(i64, String, Option<String>)> = page["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|p| p["offer_id"] == id)
        .map(|p| {
            (
                p["version"].as_i64().expect("version"),
                p["unit_price"].as_str().expect("price").to_owned(),
                p["reason"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        versions,
        vec![
            (5, "2990.00".into(), None),
            (4, "3078.90".into(), Some(reason.into())),
            (3, "2799.00".into(), None),
            (2, "2849.00".into(), None),
            (1, "2899.00".into(), None),
        ],
        "{db:?}"
    );
    let chain = format!("catalogue_offer:{id}");
    let events = app
        .app
        .db
        .run(move |conn| backend::audit::chain_events(conn, &chain))
        .await
        .expect("events");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "catalogue.offer.listed",
            "catalogue.offer.changed",
            "catalogue.offer.changed",
            "catalogue.offer.changed",
            "catalogue.offer.changed",
        ],
        "{db:?}"
    );
}

async fn the_pages_without_javascript(app: &TestApp, db: Db) {
    // The public catalogue, filtered, in both languages.
    let anonymous = app.client();
    let html = page_text(
        &anonymous,
        app.url("/catalogo?q=impresora&department=Cusco"),
    )
    .await;
    assert!(html.contains("HP LaserJet Pro MFP 4103fdw"), "{db:?}");
    assert!(html.contains("Cusco: 5 días"), "{db:?}");
    assert!(
        !html.contains("Brother"),
        "{db:?}: Andina does not deliver to Cusco"
    );
    let bad = anonymous
        .get(app.url("/catalogo?min_price=mucho"))
        .send()
        .await
        .expect("bad filter");
    assert_eq!(bad.status(), 422, "{db:?}");
    let bad = bad.text().await.expect("text");
    assert!(
        bad.contains("error-summary") && bad.contains("Precio mínimo"),
        "{db:?}"
    );
    let english = anonymous
        .get(app.url("/catalogo?q=impresora&department=Cusco"))
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("english")
        .text()
        .await
        .expect("text");
    assert!(english.contains("Cusco: 5 days"), "{db:?}");

    // Grau lowers its desktop's price through its page; a too-large rise comes back with
    // what it typed and the rule.
    let grau = page_login(app, GRAU, DEMO_PASSWORD).await;
    let mine = page_text(&grau, app.url("/catalogo/mis-ofertas")).await;
    let product = desktop_i5(app).await;
    let token = app.token(GRAU).await;
    let offer = my_offer(app, &token, product).await;
    let id = offer["id"].as_i64().expect("id");
    let version = offer["version"].to_string();
    let csrf = crate::support::csrf_from(&mine);
    let action = app.url(&format!("/catalogo/ofertas/{id}"));
    let too_high = post_form(
        &grau,
        action.clone(),
        &[
            ("csrf_token", &csrf),
            ("unit_price", "4000.00"),
            ("stock", "50"),
            ("reason", "Nuevo modelo del fabricante."),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(too_high.status(), 422, "{db:?}");
    let html = too_high.text().await.expect("text");
    assert!(html.contains("error-summary"), "{db:?}");
    assert!(
        html.contains("S/ 3,410.00"),
        "{db:?}: the highest allowed price: {html}"
    );
    assert!(
        html.contains("value=\"4000.00\""),
        "{db:?}: what was typed is kept"
    );
    let lowered = post_form(
        &grau,
        action,
        &[
            ("csrf_token", &csrf),
            ("unit_price", "3,050.00"),
            ("stock", "48"),
            ("reason", ""),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(lowered.status(), 303, "{db:?}");
    let after = my_offer(app, &token, product).await;
    assert_eq!(
        (&after["unit_price"], &after["stock"]),
        (&json!("3050.00"), &json!(48)),
        "{db:?}"
    );
    let history = app
        .get_public(&format!("/api/v1/catalogue/products/{product}"))
        .await;
    assert!(
        history["history"]
            .as_array()
            .expect("history")
            .iter()
            .any(|p| p["offer_id"] == id
                && p["version"] == after["version"]
                && p["unit_price"] == "3050.00"
                && p["stock"] == 48),
        "{db:?}: the page's change is a version: {history}"
    );
    let public = page_text(
        &anonymous,
        app.url(&format!("/catalogo/productos/{product}")),
    )
    .await;
    assert!(
        public.contains("Dell OptiPlex 7010 Tower") && public.contains("mediana S/ 3,050.00"),
        "{db:?}"
    );

    // A buyer's officer has no offers to keep.
    let officer = page_login(app, OFFICER, DEMO_PASSWORD).await;
    let status = officer
        .get(app.url("/catalogo/mis-ofertas"))
        .send()
        .await
        .expect("officer")
        .status();
    assert_eq!(status, 403, "{db:?}");
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let response = app.post_json(path, token, &body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn order(app: &TestApp, id: i64) -> Value {
    app.get_public(&format!("/api/v1/catalogue/orders/{id}"))
        .await
}

async fn tick(app: &TestApp) -> usize {
    let (state, now) = (app.app.clone(), app.app.clock.now_db());
    app.app
        .db
        .run(move |conn| backend::framework::orders::tick_due(&state, conn, now))
        .await
        .expect("tick")
}

async fn product_named(app: &TestApp, words: &str) -> i64 {
    let found = search(app, &format!("?q={words}")).await;
    found["offers"][0]["product_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{words} in the catalogue: {found}"))
}

#[tokio::test]
async fn orders_go_direct_below_the_threshold_are_quoted_above_it_and_pass_on_on_both_databases() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let mut officer = app.token(OFFICER).await;
        let mut andina = app.token(SUPPLIER).await;
        let mut compumarket = app.token(COMPUMARKET).await;
        let desktop = desktop_i5(&app).await;

        // Twenty desktops for Lima: S/ 56,980.00 at the lowest price, a direct order. The
        // options compare every offer; a dearer choice needs its reason.
        let options = app
            .get_public(&format!(
                "/api/v1/catalogue/products/{desktop}/order-options?department=Lima&quantity=20"
            ))
            .await;
        assert_eq!(options["kind"], "direct", "{db:?}: {options}");
        assert_eq!(options["options"][0]["total"], "56980.00", "{db:?}");
        let grau_offer = options["options"]
            .as_array()
            .expect("options")
            .iter()
            .find(|o| o["offer"]["supplier_name"] == "Distribuidora Grau S.A.")
            .map(|o| o["offer"]["id"].to_string())
            .expect("Grau's offer");
        let path = format!("/api/v1/catalogue/products/{desktop}/orders");
        let (status, refused) = post(
            &app,
            &officer,
            &path,
            json!({"department": "Lima", "quantity": "20", "offer_id": grau_offer}),
        )
        .await;
        assert_eq!(status, 422, "{db:?}: {refused}");
        assert_eq!(
            codes(&refused),
            vec![("reason".into(), "reason_required_for_choice".into())]
        );
        let (status, _) = post(
            &app,
            &andina,
            &path,
            json!({"department": "Lima", "quantity": "20"}),
        )
        .await;
        assert_eq!(status, 403, "{db:?}: a supplier does not order");
        let (status, placed) = post(
            &app,
            &officer,
            &path,
            json!({"department": "Lima", "quantity": "20"}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {placed}");
        let direct = placed["id"].as_i64().expect("order id");
        let shown = order(&app, direct).await;
        assert_eq!(shown["status"], "awaiting_acceptance", "{db:?}: {shown}");
        assert!(
            shown["ocid"]
                .as_str()
                .is_some_and(|o| o.ends_with(&format!("-oc-{direct}")))
        );
        let ranking: Vec<&str> = shown["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .map(|c| c["supplier_name"].as_str().expect("name"))
            .collect();
        assert_eq!(
            ranking,
            vec![
                "Andina Tecnología S.A.C.",
                "Compumarket del Perú S.A.C.",
                "Distribuidora Grau S.A."
            ],
            "{db:?}: the lowest first, then by price"
        );

        // Only the supplier whose turn it is answers; accepting takes its stock.
        let answer = format!("/api/v1/catalogue/orders/{direct}/answer");
        let (status, not_yet) =
            post(&app, &compumarket, &answer, json!({"answer": "accept"})).await;
        assert_eq!(status, 409, "{db:?}: {not_yet}");
        assert_eq!(
            codes(&not_yet),
            vec![("order".into(), "not_your_turn".into())]
        );
        let (status, _) = post(&app, &officer, &answer, json!({"answer": "accept"})).await;
        assert_eq!(status, 403, "{db:?}");
        let (status, accepted) = post(&app, &andina, &answer, json!({"answer": "accept"})).await;
        assert_eq!(status, 204, "{db:?}: {accepted}");
        let shown = order(&app, direct).await;
        assert_eq!(
            (
                &shown["status"],
                &shown["total"],
                &shown["unit_price"],
                &shown["supplier_name"]
            ),
            (
                &json!("accepted"),
                &json!("56980.00"),
                &json!("2849.00"),
                &json!("Andina Tecnología S.A.C.")
            ),
            "{db:?}: {shown}"
        );
        assert_eq!(
            my_offer(&app, &andina, desktop).await["stock"],
            100,
            "{db:?}"
        );
        let (status, again) = post(&app, &andina, &answer, json!({"answer": "accept"})).await;
        assert_eq!(status, 409, "{db:?}: accepted once: {again}");

        // The buyer's officers record the delivery, then the conformity; nobody else.
        let delivery = format!("/api/v1/catalogue/orders/{direct}/delivery");
        let conformity = format!("/api/v1/catalogue/orders/{direct}/conformity");
        let minsa = app.token("abastecimiento@minsa.gob.pe").await;
        assert_eq!(
            post(&app, &minsa, &delivery, Value::Null).await.0,
            403,
            "{db:?}"
        );
        assert_eq!(
            post(&app, &officer, &conformity, Value::Null).await.0,
            409,
            "{db:?}"
        );
        assert_eq!(
            post(&app, &officer, &delivery, Value::Null).await.0,
            204,
            "{db:?}"
        );
        assert_eq!(
            post(&app, &officer, &delivery, Value::Null).await.0,
            409,
            "{db:?}"
        );
        assert_eq!(
            post(&app, &officer, &conformity, Value::Null).await.0,
            204,
            "{db:?}"
        );
        let shown = order(&app, direct).await;
        assert!(shown["delivered_at"].is_string() && shown["conformity_at"].is_string());
        assert_eq!(
            shown["late"], false,
            "{db:?}: delivered the day it was ordered"
        );

        // The same twenty desktops ordered again the same day: together S/ 113,960.00, at or
        // above the quote threshold: both orders are flagged as split; nothing else is.
        assert_eq!(order(&app, direct).await["flags"], json!([]), "{db:?}");
        let (status, again) = post(
            &app,
            &officer,
            &path,
            json!({"department": "Lima", "quantity": "20"}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {again}");
        let split = again["id"].as_i64().expect("id");
        for id in [direct, split] {
            assert_eq!(
                order(&app, id).await["flags"],
                json!(["split_order"]),
                "{db:?}: {id}"
            );
        }
        let dearer = options["options"][1]["offer"]["id"].to_string();
        let (status, chosen) = post(
            &app,
            &minsa,
            &path,
            json!({"department": "Lima", "quantity": "2", "offer_id": dearer, "reason": "Entrega en cinco días con instalación incluida."}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {chosen}");
        let chosen = order(&app, chosen["id"].as_i64().expect("id")).await;
        assert_eq!(chosen["flags"], json!(["not_lowest"]), "{db:?}: {chosen}");
        assert_eq!(
            chosen["choice_reason"],
            "Entrega en cinco días con instalación incluida."
        );

        // Ten laptops for Arequipa go to Compumarket (the lowest); it declines, Andina lets
        // its two business days pass, and with nobody left the order is void.
        let laptop = product_named(&app, "portatil").await;
        let (status, placed) = post(
            &app,
            &officer,
            &format!("/api/v1/catalogue/products/{laptop}/orders"),
            json!({"department": "Arequipa", "quantity": "10"}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {placed}");
        let passing = placed["id"].as_i64().expect("id");
        let answer = format!("/api/v1/catalogue/orders/{passing}/answer");
        assert_eq!(
            order(&app, passing).await["candidates"][0]["supplier_name"],
            "Compumarket del Perú S.A.C."
        );
        let (status, _) = post(&app, &compumarket, &answer, json!({"answer": "decline"})).await;
        assert_eq!(status, 204, "{db:?}");
        let shown = order(&app, passing).await;
        assert_eq!(
            shown["awaiting"], shown["candidates"][1]["supplier_id"],
            "{db:?}: passed on: {shown}"
        );
        app.clock.advance(chrono::Duration::days(3));
        // The server's clock task may have passed it over already; the step is idempotent.
        tick(&app).await;
        // Sessions do not last days: everyone signs in again.
        (officer, andina, compumarket) = (
            app.token(OFFICER).await,
            app.token(SUPPLIER).await,
            app.token(COMPUMARKET).await,
        );
        let grau = app.token(GRAU).await;
        let (status, late) = post(&app, &andina, &answer, json!({"answer": "accept"})).await;
        assert_eq!(status, 409, "{db:?}: too late: {late}");
        let shown = order(&app, passing).await;
        assert_eq!(shown["status"], "void", "{db:?}: {shown}");
        let outcomes: Vec<&Value> = shown["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .map(|c| &c["outcome"])
            .collect();
        assert_eq!(
            outcomes,
            vec![&json!("declined"), &json!("lapsed")],
            "{db:?}"
        );

        // The first order, due two days after it was placed, was delivered on time; a new
        // one not delivered by its date shows late. Forty desktops for Lima (S/ 113,960.00
        // at the lowest price) are a quote request to the three suppliers delivering there.
        let options = app
            .get_public(&format!(
                "/api/v1/catalogue/products/{desktop}/order-options?department=Lima&quantity=40"
            ))
            .await;
        assert_eq!(options["kind"], "quotes", "{db:?}: {options}");
        let (status, placed) = post(
            &app,
            &officer,
            &path,
            json!({"department": "Lima", "quantity": "40"}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {placed}");
        let quoted = placed["id"].as_i64().expect("id");
        // Every supplier invited is told by mail, with the close; the first order's supplier
        // was told its turn to accept.
        let mail = queued_mail(&app).await;
        for invited in [SUPPLIER, COMPUMARKET, GRAU] {
            assert!(
                mail.iter().any(|(to, subject, body)| to == invited
                    && subject.starts_with("Solicitud de cotización: 40 ×")
                    && body.contains(&format!("/catalogo/pedidos/{quoted}"))
                    // The close at midnight reads as the page says it: the day before's 24:00.
                    && body.contains(" 24:00 (hora de Lima)")),
                "{db:?}: {invited} invited: {mail:?}"
            );
        }
        assert!(
            mail.iter().any(|(to, subject, body)| to == SUPPLIER
                && subject.starts_with("Una orden de compra espera su aceptación: 20 ×")
                && body.contains(&format!("/catalogo/pedidos/{direct}"))),
            "{db:?}: {mail:?}"
        );
        let quote = format!("/api/v1/catalogue/orders/{quoted}/quote");
        let put = |token: &str, price: &str| {
            let (app, token, quote, body) = (
                &app,
                token.to_owned(),
                quote.clone(),
                json!({"unit_price": price}),
            );
            async move {
                let r = app.put_json(&quote, &token, &body).await;
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        assert_eq!(put(&andina, "2800.00").await.0, 204, "{db:?}");
        assert_eq!(put(&compumarket, "2750.00").await.0, 204, "{db:?}");
        let (status, above) = put(&grau, "3200.00").await;
        assert_eq!(status, 422, "{db:?}: {above}");
        assert_eq!(
            codes(&above),
            vec![("unit_price".into(), "quote_above_catalogue".into())]
        );
        assert_eq!(put(&grau, "2760.00").await.0, 204, "{db:?}");
        let outsider = app.token(crate::support::OTHER_OWNER).await;
        assert_eq!(put(&outsider, "1.00").await.0, 403, "{db:?}: not invited");
        let open = order(&app, quoted).await;
        assert_eq!(open["status"], "quoting", "{db:?}");
        assert!(
            open["candidates"]
                .as_array()
                .expect("c")
                .iter()
                .all(|c| c["unit_price"].is_null() && c["quoted"] == false),
            "{db:?}: quotes, and who quoted, sealed until the close: {open}"
        );
        assert_eq!(open["quotes_received"], 3, "{db:?}");
        // The log the auditors read holds no quote's price before the close.
        let chain = format!("catalogue_order:{quoted}");
        let events = app
            .app
            .db
            .run(move |conn| backend::audit::chain_events(conn, &chain))
            .await
            .expect("events");
        assert!(
            events
                .iter()
                .all(|e| !e.payload.to_string().contains("2750")),
            "{db:?}: no sealed price in the log"
        );
        // Each invited supplier sees the request among what awaits it.
        let waiting = app.get_json("/api/v1/me/catalogue-orders", &grau).await;
        assert!(
            waiting
                .as_array()
                .expect("pending")
                .iter()
                .any(|p| p["id"] == quoted && p["awaits"] == "quote" && p["my_quote"] == "2760.00"),
            "{db:?}: {waiting}"
        );
        // Placed on Thursday: open Friday and Monday, closed from Tuesday 00:00 in Lima.
        app.clock.advance(chrono::Duration::days(5));
        let (andina, compumarket) = (app.token(SUPPLIER).await, app.token(COMPUMARKET).await);
        let put = |token: &str, price: &str| {
            let (app, token, quote, body) = (
                &app,
                token.to_owned(),
                quote.clone(),
                json!({"unit_price": price}),
            );
            async move { app.put_json(&quote, &token, &body).await.status().as_u16() }
        };
        assert_eq!(put(&andina, "2000.00").await, 409, "{db:?}: closed");
        tick(&app).await;
        let closed = order(&app, quoted).await;
        assert_eq!(closed["status"], "awaiting_acceptance", "{db:?}: {closed}");
        let prices: Vec<(&str, &str)> = closed["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .map(|c| {
                (
                    c["supplier_name"].as_str().expect("n"),
                    c["unit_price"].as_str().expect("p"),
                )
            })
            .collect();
        assert_eq!(
            prices,
            vec![
                ("Compumarket del Perú S.A.C.", "2750.00"),
                ("Distribuidora Grau S.A.", "2760.00"),
                ("Andina Tecnología S.A.C.", "2800.00"),
            ],
            "{db:?}: the lowest quote first"
        );
        let answer = format!("/api/v1/catalogue/orders/{quoted}/answer");
        assert_eq!(
            post(&app, &compumarket, &answer, json!({"answer": "accept"}))
                .await
                .0,
            204
        );
        let won = order(&app, quoted).await;
        assert_eq!(
            (&won["total"], &won["late"]),
            (&json!("110000.00"), &json!(false)),
            "{db:?}"
        );
        app.clock.advance(chrono::Duration::days(6));
        assert_eq!(
            order(&app, quoted).await["late"],
            true,
            "{db:?}: five days to Lima have passed"
        );

        // Everyone sees the orders; each step is on the order's chain; the log verifies.
        let list = app.get_public("/api/v1/catalogue/orders").await;
        assert_eq!(list["total"], 5, "{db:?}");
        let chain = format!("catalogue_order:{quoted}");
        let events = app
            .app
            .db
            .run(move |conn| backend::audit::chain_events(conn, &chain))
            .await
            .expect("events");
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            vec![
                "catalogue.order.placed",
                "catalogue.order.quoted",
                "catalogue.order.quoted",
                "catalogue.order.quoted",
                "catalogue.order.quotes_closed",
                "catalogue.order.passed_on",
                "catalogue.order.accepted",
            ],
            "{db:?}"
        );
        let verified = app
            .app
            .db
            .run(backend::audit::verify_in)
            .await
            .expect("verify");
        assert!(verified.ok, "{db:?}: {verified:?}");
        the_orders_in_open_data(&app, db, direct, passing, quoted).await;
        the_orders_on_the_dashboard(&app, db, direct).await;
        app.stop().await;
    }
}

async fn agreement_view(app: &TestApp, id: i64) -> Value {
    app.get_public(&format!("/api/v1/catalogue/agreements/{id}"))
        .await
}

async fn twenty_in_lima(app: &TestApp, product: i64) -> Value {
    app.get_public(&format!(
        "/api/v1/catalogue/products/{product}/order-options?department=Lima&quantity=20"
    ))
    .await
}

#[tokio::test]
async fn a_party_suspended_from_the_agreement_cannot_be_ordered_from_until_it_ends_on_both_databases()
 {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let central = app.token(CENTRAL).await;
        let officer = app.token(OFFICER).await;
        let listed = app.get_public("/api/v1/catalogue/agreements").await;
        let agreement = listed[0]["id"].as_i64().expect("the demo's agreement");
        let shown = agreement_view(&app, agreement).await;
        let andina = shown["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .find(|p| p["supplier_name"] == "Andina Tecnología S.A.C.")
            .map(|p| p["supplier_id"].clone())
            .expect("Andina is a party");
        let path = format!("/api/v1/catalogue/agreements/{agreement}/suspensions");
        let today = backend::domain::procurement::lima_date(app.app.clock.now_db());
        let in_ten_days = (today + chrono::Duration::days(10)).to_string();

        // Another entity's officer may not; bad input names each field; nothing is written.
        let (status, _) = post(
            &app,
            &officer,
            &path,
            json!({"supplier": andina.to_string(), "suspended_until": in_ten_days, "reason": "x"}),
        )
        .await;
        assert_eq!(status, 403, "{db:?}: only the central purchasing body");
        let (status, refused) = post(
            &app,
            &central,
            &path,
            json!({"supplier": "", "suspended_until": "2020-01-31", "reason": "  "}),
        )
        .await;
        assert_eq!(status, 422, "{db:?}: {refused}");
        assert_eq!(
            codes(&refused),
            vec![
                ("supplier".into(), "required".into()),
                ("suspended_until".into(), "in_the_past".into()),
                ("reason".into(), "required".into()),
            ]
        );
        let (status, refused) = post(
            &app,
            &central,
            &path,
            json!({"supplier": "999999", "suspended_until": "2031-01-01", "reason": "Entrega tardía reiterada"}),
        )
        .await;
        assert_eq!(status, 422, "{db:?}: {refused}");
        assert_eq!(
            codes(&refused),
            vec![
                ("supplier".into(), "not_a_party".into()),
                ("suspended_until".into(), "after_agreement_end".into()),
            ]
        );
        assert!(
            agreement_view(&app, agreement).await["parties"]
                .as_array()
                .expect("parties")
                .iter()
                .all(|p| p["suspensions"] == json!([])),
            "{db:?}: nothing written"
        );

        // A quote request goes out before the suspension: Andina is invited. Invisible
        // characters in a public reason are refused.
        let desktop = desktop_i5(&app).await;
        let (status, placed) = post(
            &app,
            &officer,
            &format!("/api/v1/catalogue/products/{desktop}/orders"),
            json!({"department": "Lima", "quantity": "40"}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {placed}");
        let quoting = placed["id"].as_i64().expect("order");
        let (status, placed) = post(
            &app,
            &officer,
            &format!("/api/v1/catalogue/products/{desktop}/orders"),
            json!({"department": "Lima", "quantity": "20"}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {placed}");
        let waiting = placed["id"].as_i64().expect("order");
        assert_eq!(order(&app, waiting).await["awaiting"], andina, "{db:?}");
        let (status, refused) = post(
            &app,
            &central,
            &path,
            json!({"supplier": andina.to_string(), "suspended_until": in_ten_days, "reason": "Entregas\u{202e} tardías"}),
        )
        .await;
        assert_eq!(status, 422, "{db:?}: {refused}");
        assert_eq!(
            codes(&refused),
            vec![("reason".into(), "invisible_characters".into())]
        );

        // Suspended for ten days: Andina's desktop offer cannot take an order; Compumarket's
        // is now the lowest.
        let reason = "Entregas fuera de plazo en tres órdenes del último trimestre";
        let (status, created) = post(
            &app,
            &central,
            &path,
            json!({"supplier": andina.to_string(), "suspended_until": in_ten_days, "reason": reason}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}: {created}");
        let suspension = created["id"].as_i64().expect("id");
        // The order that awaited Andina's acceptance passed on at once.
        let passed = order(&app, waiting).await;
        assert_eq!(
            (&passed["candidates"][0]["outcome"], &passed["status"]),
            (&json!("barred"), &json!("awaiting_acceptance")),
            "{db:?}: {passed}"
        );
        assert_ne!(passed["awaiting"], andina, "{db:?}");
        // Invited before, Andina may no longer quote; Compumarket does, and while the request
        // is open the auditors' log does not tell who quoted.
        let quote = format!("/api/v1/catalogue/orders/{quoting}/quote");
        let andina_token = app.token(SUPPLIER).await;
        let r = app
            .put_json(&quote, &andina_token, &json!({"unit_price": "2700.00"}))
            .await;
        assert_eq!(r.status(), 409, "{db:?}: a suspended party does not quote");
        let compumarket = app.token(COMPUMARKET).await;
        let r = app
            .put_json(&quote, &compumarket, &json!({"unit_price": "2750.00"}))
            .await;
        assert_eq!(r.status(), 204, "{db:?}");
        let auditor = app.token(crate::support::AUDITOR).await;
        let log = app
            .get_json(
                &format!("/api/v1/audit/chains/catalogue_order:{quoting}"),
                &auditor,
            )
            .await;
        let quoted: Vec<&Value> = log
            .as_array()
            .or_else(|| log["events"].as_array())
            .expect("events")
            .iter()
            .filter(|e| e["action"] == "catalogue.order.quoted")
            .collect();
        assert_eq!(quoted.len(), 1, "{db:?}: {log}");
        assert!(
            quoted[0]["actor_id"].is_null()
                && quoted[0].to_string().contains("withheld_until")
                && !quoted[0].to_string().contains("supplier_id"),
            "{db:?}: who quoted is sealed until the close: {log}"
        );
        assert!(
            queued_mail(&app)
                .await
                .iter()
                .any(|(to, subject, body)| to == SUPPLIER
                    && subject == "Su empresa fue suspendida del acuerdo marco"
                    && body.contains(reason)
                    && body.contains(&in_ten_days)),
            "{db:?}: Andina is told"
        );
        let compared = twenty_in_lima(&app, desktop).await;
        let andina_option = compared["options"]
            .as_array()
            .expect("options")
            .iter()
            .find(|o| o["offer"]["supplier_id"] == andina)
            .expect("Andina's offer is listed")
            .clone();
        assert_eq!(
            (&andina_option["offer"]["status"], &andina_option["refusal"]),
            (&json!("suspended_from_agreement"), &json!("not_orderable")),
            "{db:?}: {compared}"
        );
        assert_ne!(
            compared["lowest"], andina_option["offer"]["id"],
            "{db:?}: no order goes to a suspended party"
        );
        let (status, again) = post(
            &app,
            &central,
            &path,
            json!({"supplier": andina.to_string(), "suspended_until": in_ten_days, "reason": reason}),
        )
        .await;
        assert_eq!(status, 422, "{db:?}: {again}");
        assert_eq!(
            codes(&again),
            vec![("supplier".into(), "party_already_suspended".into())]
        );
        let party = agreement_view(&app, agreement).await["parties"]
            .as_array()
            .expect("parties")
            .iter()
            .find(|p| p["supplier_id"] == andina)
            .cloned()
            .expect("Andina");
        assert_eq!(party["suspensions"][0]["reason"], reason, "{db:?}");
        assert_eq!(party["suspensions"][0]["in_force"], true, "{db:?}");

        // Its open data says so, and so does the agreement's page, to anyone.
        let ocid = agreement_view(&app, agreement).await["ocid"]
            .as_str()
            .expect("ocid")
            .to_owned();
        let records = crate::open_data::records_of_processes(&app, db, &[&ocid]).await;
        let award = records[0]["compiledRelease"]["awards"]
            .as_array()
            .expect("awards")
            .iter()
            .find(|a| a["suppliers"][0]["name"] == "Andina Tecnología S.A.C.")
            .cloned()
            .expect("Andina's award");
        assert!(
            award["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Suspendida") && d.contains(reason)),
            "{db:?}: {award}"
        );
        let page = app
            .client()
            .get(app.url(&format!("/catalogo/acuerdos/{agreement}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("text");
        assert!(
            page.contains(&format!(
                "Suspendido hasta el {in_ten_days} inclusive: {reason}"
            )),
            "{db:?}: the agreement's page shows the suspension"
        );

        // Lifted early with a reason: orderable again; a second lift is refused.
        let lift = format!("{path}/{suspension}/lift");
        let (status, refused) = post(&app, &central, &lift, json!({"reason": ""})).await;
        assert_eq!(status, 422, "{db:?}: {refused}");
        let (status, _) = post(
            &app,
            &central,
            &lift,
            json!({"reason": "Resolución de reconsideración 014-2026"}),
        )
        .await;
        assert_eq!(status, 204, "{db:?}");
        let (status, _) = post(&app, &central, &lift, json!({"reason": "otra vez"})).await;
        assert_eq!(status, 409, "{db:?}");
        assert!(
            queued_mail(&app)
                .await
                .iter()
                .any(|(to, subject, _)| to == SUPPLIER
                    && subject == "Se levantó la suspensión de su empresa del acuerdo marco"),
            "{db:?}: Andina is told it may sell again"
        );
        assert_eq!(
            twenty_in_lima(&app, desktop).await["lowest"],
            andina_option["offer"]["id"],
            "{db:?}: Andina's lowest price takes orders again"
        );

        // A suspension to the end of today ends with the day, by itself.
        let (status, _) = post(
            &app,
            &central,
            &path,
            json!({"supplier": andina.to_string(), "suspended_until": today.to_string(), "reason": reason}),
        )
        .await;
        assert_eq!(status, 201, "{db:?}");
        assert_ne!(
            twenty_in_lima(&app, desktop).await["lowest"],
            andina_option["offer"]["id"]
        );
        app.clock.advance(chrono::Duration::days(1));
        assert_eq!(
            twenty_in_lima(&app, desktop).await["lowest"],
            andina_option["offer"]["id"],
            "{db:?}: the day it named is over"
        );
        let chain = format!("framework_agreement:{agreement}");
        let events = app
            .app
            .db
            .run(move |conn| backend::audit::chain_events(conn, &chain))
            .await
            .expect("events");
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            vec![
                "framework.agreement.in_force",
                "framework.party.suspended",
                "framework.party.reinstated",
                "framework.party.suspended",
            ],
            "{db:?}"
        );
        app.stop().await;
    }
}

/// Every mail in the outbox: recipient, subject, body.
async fn queued_mail(app: &TestApp) -> Vec<(String, String, String)> {
    app.app
        .db
        .run(|conn| {
            use backend::schema::outbox;
            use diesel::prelude::*;
            Ok(outbox::table
                .select((outbox::recipient, outbox::subject, outbox::body_text))
                .load::<(String, String, String)>(conn)?)
        })
        .await
        .expect("outbox")
}

/// The dashboard counts the catalogue's orders apart from tenders, for the same buyer: the
/// officer's entity placed four (one a quote request), two were accepted for S/ 56,980.00 and
/// S/ 110,000.00, two are void (the laptops nobody took, and the split order, which every
/// supplier let lapse while the clock ran on); with a tender method chosen there are none to
/// count.
async fn the_orders_on_the_dashboard(app: &TestApp, db: Db, one: i64) {
    let buyer = order(app, one).await["buyer_id"].clone();
    let dashboard = app
        .get_public(&format!("/api/v1/transparency?buyer={buyer}"))
        .await;
    assert_eq!(
        dashboard["catalogue"],
        json!({
            "orders_placed": 4,
            "quote_requests": 1,
            "orders_accepted": 2,
            "orders_void": 2,
            "spent": [{"currency": "PEN", "amount": "166980.00"}],
        }),
        "{db:?}: {dashboard}"
    );
    let everyone = app.get_public("/api/v1/transparency").await;
    assert_eq!(everyone["catalogue"]["orders_placed"], 5, "{db:?}");
    let tenders_only = app
        .get_public("/api/v1/transparency?method=licitacion_publica")
        .await;
    assert!(tenders_only["catalogue"].is_null(), "{db:?}");
    let page = app
        .client()
        .get(app.url(&format!("/transparencia?buyer={buyer}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains("Compras por catálogo electrónico") && page.contains("166,980.00"),
        "{db:?}: the dashboard page shows the catalogue's spend"
    );
}

/// The orders and their agreement in open data, each a process of its own: the order's
/// record links to the agreement (`framework`, by ocid), says whether competition was
/// reopened, and follows the order to its delivery and conformity; a quote request's first
/// release tells no quote and no quoter; a void order is `unsuccessful`.
async fn the_orders_in_open_data(app: &TestApp, db: Db, direct: i64, void: i64, quoted: i64) {
    let ocid = |shown: Value| shown["ocid"].as_str().expect("ocid").to_owned();
    let (direct, void, quoted) = (
        ocid(order(app, direct).await),
        ocid(order(app, void).await),
        ocid(order(app, quoted).await),
    );
    let first = crate::open_data::records_of_processes(app, db, &[&direct]).await;
    let agreement = first[0]["compiledRelease"]["relatedProcesses"][0].clone();
    assert_eq!(
        (
            &agreement["relationship"],
            &agreement["scheme"],
            &agreement["title"]
        ),
        (
            &json!(["framework"]),
            &json!("ocid"),
            &json!(
                "Acuerdo Marco IM-CE-2026-3: computadoras de escritorio, portátiles e impresoras"
            )
        ),
        "{db:?}: {agreement}"
    );
    let agreement = agreement["identifier"]
        .as_str()
        .expect("its ocid")
        .to_owned();
    assert!(agreement.contains("-am-"), "{db:?}: {agreement}");
    let records =
        crate::open_data::records_of_processes(app, db, &[&agreement, &direct, &void, &quoted])
            .await;
    let tags = |record: &Value| -> Vec<String> {
        record["releases"]
            .as_array()
            .expect("releases")
            .iter()
            .map(|r| {
                r["tag"]
                    .as_array()
                    .expect("tags")
                    .iter()
                    .map(|t| t.as_str().expect("tag"))
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect()
    };

    // The agreement: its selection with the framework technique, each party an award.
    let framework = &records[0]["compiledRelease"];
    assert_eq!(tags(&records[0]), vec!["tender+award"], "{db:?}");
    let technique = &framework["tender"]["techniques"];
    assert_eq!(technique["hasFrameworkAgreement"], true, "{db:?}");
    assert_eq!(
        technique["frameworkAgreement"]["method"],
        "withAndWithoutReopeningCompetition"
    );
    assert!(technique["frameworkAgreement"]["period"]["endDate"].is_string());
    let parties: Vec<&str> = framework["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .map(|a| a["suppliers"][0]["name"].as_str().expect("name"))
        .collect();
    assert!(
        parties.contains(&"Compumarket del Perú S.A.C.") && parties.len() >= 3,
        "{db:?}: {parties:?}"
    );
    assert!(
        framework["tender"]["items"]
            .as_array()
            .expect("sheets")
            .iter()
            .all(|i| i["classification"]["scheme"] == "UNSPSC"),
        "{db:?}"
    );

    // The direct order: placed, accepted, delivered, conformed.
    assert_eq!(
        tags(&records[1]),
        vec![
            "tender",
            "award+contract",
            "implementation",
            "contractTermination"
        ],
        "{db:?}"
    );
    let compiled = &records[1]["compiledRelease"];
    assert_eq!(compiled["tender"]["competitive"], false, "{db:?}");
    assert_eq!(
        compiled["tender"]["techniques"]["hasFrameworkAgreement"],
        true
    );
    assert_eq!(compiled["awards"][0]["value"]["amount"], 56980.0, "{db:?}");
    assert_eq!(
        compiled["awards"][0]["suppliers"][0]["name"],
        "Andina Tecnología S.A.C."
    );
    let contract = &compiled["contracts"][0];
    assert_eq!(contract["status"], "terminated", "{db:?}: {contract}");
    assert_eq!(contract["milestones"][0]["type"], "delivery");
    assert_eq!(contract["milestones"][0]["status"], "met", "{db:?}");
    assert!(contract["milestones"][0]["dateMet"].is_string());

    // The void order: nobody accepted.
    assert_eq!(tags(&records[2]), vec!["tender", "tenderUpdate"], "{db:?}");
    let compiled = &records[2]["compiledRelease"];
    assert_eq!(compiled["tender"]["status"], "unsuccessful", "{db:?}");
    assert!(compiled["awards"].is_null(), "{db:?}: {compiled}");

    // The quote request: sealed while open, then its quoters and the lowest quote's award.
    assert_eq!(
        tags(&records[3]),
        vec!["tender", "tenderUpdate", "award+contract"],
        "{db:?}"
    );
    let opened = &records[3]["releases"][0];
    assert!(
        opened["tender"]["tenderers"].is_null()
            && !opened.to_string().contains("2750")
            && !opened.to_string().contains("Compumarket"),
        "{db:?}: the first release tells no quote and no quoter: {opened}"
    );
    let compiled = &records[3]["compiledRelease"];
    assert_eq!(compiled["tender"]["competitive"], true, "{db:?}");
    assert_eq!(compiled["tender"]["numberOfTenderers"], 3, "{db:?}");
    assert_eq!(compiled["awards"][0]["value"]["amount"], 110000.0, "{db:?}");
    assert_eq!(
        compiled["contracts"][0]["milestones"][0]["status"], "scheduled",
        "{db:?}: as of its last release, before the due date"
    );
}

/// On a 360 px phone with JavaScript off: an officer of a municipality finds the desktop
/// computer, compares the offers for twenty units in Lima and orders; the supplier accepts
/// on the order's page; another supplier lowers a price.
#[tokio::test]
async fn an_officer_orders_twenty_computers_on_a_phone_without_javascript() {
    use crate::browser::{choose, click, fill, sign_in, sign_out, wait_for, wait_for_notice};
    let Some((_driver, browser)) = crate::browser::start_browser_with(false).await else {
        return;
    };
    let app = TestApp::spawn(Db::Sqlite).await;
    browser.set_window_size(360, 800).await.expect("resize");
    sign_in(&app, &browser, OFFICER).await;

    browser
        .goto(&app.url("/catalogo"))
        .await
        .expect("catalogue");
    fill(&browser, "#f-q", "escritorio core i5").await;
    choose(&browser, "#f-department", "Lima").await;
    click(&browser, "form.finder button[type=submit]").await;
    // The unfiltered catalogue lists products too: wait for the search's own page.
    for _ in 0..100 {
        let url = browser.current_url().await.expect("url");
        if url.query().is_some_and(|q| q.contains("department=Lima")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    wait_for(&browser, "table.as-cards a[href^='/catalogo/productos/']")
        .await
        .click()
        .await
        .expect("open the product");
    wait_for(&browser, "#f-quantity").await;
    choose(&browser, "#f-department", "Lima").await;
    fill(&browser, "#f-quantity", "20").await;
    click(&browser, "form.finder button[type=submit]").await;
    // The comparison: three offers, the lowest chosen; ordering it needs no reason.
    let lowest = wait_for(&browser, "input[name=offer_id]:checked").await;
    assert_eq!(
        lowest.prop("checked").await.expect("checked").as_deref(),
        Some("true")
    );
    let page = browser.source().await.expect("source");
    assert!(page.contains("S/ 56,980.00"), "the lowest total shown");
    click(&browser, "form[action$='/pedidos'] button[type=submit]").await;
    wait_for_notice(&browser, "El pedido quedó registrado").await;
    let order_path = browser.current_url().await.expect("url").path().to_owned();
    let page = browser.source().await.expect("source");
    assert!(page.contains("Andina Tecnología S.A.C.") && page.contains("debe responder"));
    let overflow: bool = serde_json::from_value(
        browser
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .expect("measure"),
    )
    .expect("bool");
    assert!(!overflow, "the order's page fits 360 px");
    sign_out(&browser).await;

    // Andina accepts on the order's page.
    sign_in(&app, &browser, SUPPLIER).await;
    browser.goto(&app.url(&order_path)).await.expect("order");
    click(
        &browser,
        "form[action$='/respuesta'] input[value=accept] ~ button",
    )
    .await;
    wait_for_notice(&browser, "Su respuesta quedó registrada").await;
    let page = browser.source().await.expect("source");
    assert!(page.contains("aceptado (contrato)") && page.contains("S/ 56,980.00"));
    sign_out(&browser).await;

    // Grau lowers its desktop's price on its page.
    sign_in(&app, &browser, GRAU).await;
    browser
        .goto(&app.url("/catalogo/mis-ofertas"))
        .await
        .expect("my offers");
    // Its first offer is the Core i5 desktop.
    wait_for(&browser, "a[href^='/catalogo/mis-ofertas/']")
        .await
        .click()
        .await
        .expect("open the offer's form");
    let price = wait_for(&browser, "#f-unit_price").await;
    price.clear().await.expect("clear");
    price.send_keys("3,000.00").await.expect("type");
    click(
        &browser,
        "form[action^='/catalogo/ofertas/'] button[type=submit]",
    )
    .await;
    wait_for_notice(&browser, "nueva versión").await;
    let token = app.token(GRAU).await;
    let desktop = desktop_i5(&app).await;
    assert_eq!(
        my_offer(&app, &token, desktop).await["unit_price"],
        "3000.00"
    );
    sign_out(&browser).await;

    // PERÚ COMPRAS suspends Grau from the agreement on the agreement's page: an empty form
    // first names each field, then the suspension shows with its last day and reason.
    let agreement = app.get_public("/api/v1/catalogue/agreements").await[0].clone();
    let grau = agreement["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .find(|p| p["supplier_name"] == "Distribuidora Grau S.A.")
        .map(|p| p["supplier_id"].to_string())
        .expect("Grau");
    let until = (backend::domain::procurement::lima_date(app.app.clock.now_db())
        + chrono::Duration::days(10))
    .to_string();
    sign_in(&app, &browser, CENTRAL).await;
    browser
        .goto(&app.url("/catalogo/acuerdos"))
        .await
        .expect("agreements");
    wait_for(&browser, "table a[href^='/catalogo/acuerdos/']")
        .await
        .click()
        .await
        .expect("open the agreement");
    wait_for(&browser, "#f-supplier").await;
    click(
        &browser,
        "form[action$='/suspensiones'] button[type=submit]",
    )
    .await;
    wait_for(&browser, ".error-summary a[href='#f-supplier']").await;
    let page = browser.source().await.expect("source");
    assert!(
        page.contains("href=\"#f-suspended_until\"") && page.contains("href=\"#f-reason\""),
        "each missing field is named"
    );
    choose(&browser, "#f-supplier", &grau).await;
    browser
        .execute(
            "document.getElementById('f-suspended_until').value = arguments[0];",
            vec![json!(until)],
        )
        .await
        .expect("the date");
    fill(&browser, "#f-reason", "Entregas fuera de plazo").await;
    click(
        &browser,
        "form[action$='/suspensiones'] button[type=submit]",
    )
    .await;
    wait_for_notice(&browser, "quedó suspendido del acuerdo").await;
    let page = browser.source().await.expect("source");
    assert!(
        page.contains(&format!(
            "Suspendido hasta el {until} inclusive: Entregas fuera de plazo"
        )),
        "the suspension shows"
    );
    let overflow: bool = serde_json::from_value(
        browser
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .expect("measure"),
    )
    .expect("bool");
    assert!(!overflow, "the agreement's page fits 360 px");
    browser.close().await.expect("close");
    app.stop().await;
}

/// Every catalogue route × every role: who may read, who may act, and nothing changes for
/// those refused (the pages too, each role with its page session).
#[tokio::test]
async fn the_catalogue_s_authorization_matrix() {
    use crate::support::{ADMIN, AUDITOR, OTHER_OWNER, assert_role_column};
    use crate::tenders::{MINSA_OFFICER, TECHPERU_OWNER};
    let app = TestApp::spawn(Db::Sqlite).await;
    let officer = app.token(OFFICER).await;
    let desktop = desktop_i5(&app).await;
    let andina = app.token(SUPPLIER).await;
    let offer = my_offer(&app, &andina, desktop).await["id"]
        .as_i64()
        .expect("offer");
    let (status, placed) = post(
        &app,
        &officer,
        &format!("/api/v1/catalogue/products/{desktop}/orders"),
        json!({"department": "Lima", "quantity": "5"}),
    )
    .await;
    assert_eq!(status, 201, "{placed}");
    let order_id = placed["id"].as_i64().expect("order");
    let agreement = app.get_public("/api/v1/catalogue/agreements").await[0]["id"]
        .as_i64()
        .expect("the demo's agreement");
    let before = (
        order(&app, order_id).await,
        app.get_public(&format!("/api/v1/catalogue/products/{desktop}"))
            .await,
    );
    let e = json!({});
    // Columns: anonymous, admin, auditor, Lima officer (the order's buyer), MINSA officer,
    // Andina (a party, the offer's company, the order's turn), Constructora (no party),
    // TechPerú (registration pending).
    let api: Vec<(&str, String, Value, [u16; 8])> = vec![
        (
            "GET",
            "/api/v1/catalogue/offers".into(),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            "/api/v1/catalogue/categories".into(),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            format!("/api/v1/catalogue/products/{desktop}"),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            format!(
                "/api/v1/catalogue/products/{desktop}/order-options?department=Lima&quantity=2"
            ),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            "/api/v1/catalogue/orders".into(),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            format!("/api/v1/catalogue/orders/{order_id}"),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            "/api/v1/me/catalogue-offers".into(),
            Value::Null,
            [401, 403, 403, 403, 403, 200, 200, 200],
        ),
        (
            "GET",
            "/api/v1/me/catalogue-orders".into(),
            Value::Null,
            [401, 403, 403, 403, 403, 200, 200, 200],
        ),
        (
            "PUT",
            format!("/api/v1/catalogue/offers/{offer}"),
            json!({"unit_price": "1.00", "version": 0}),
            [401, 403, 403, 403, 403, 422, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/catalogue/products/{desktop}/orders"),
            e.clone(),
            [401, 403, 403, 422, 422, 403, 403, 403],
        ),
        (
            "PUT",
            format!("/api/v1/catalogue/orders/{order_id}/quote"),
            json!({"unit_price": "1.00"}),
            [401, 403, 403, 403, 403, 409, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/catalogue/orders/{order_id}/answer"),
            json!({"answer": "maybe"}),
            [401, 403, 403, 403, 403, 422, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/catalogue/orders/{order_id}/delivery"),
            Value::Null,
            [401, 403, 403, 409, 403, 403, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/catalogue/orders/{order_id}/conformity"),
            Value::Null,
            [401, 403, 403, 409, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/api/v1/catalogue/agreements".into(),
            Value::Null,
            [200; 8],
        ),
        (
            "GET",
            format!("/api/v1/catalogue/agreements/{agreement}"),
            Value::Null,
            [200; 8],
        ),
        // Only the central purchasing body's officers (not a column: see the suspension
        // test) suspend a party or lift a suspension.
        (
            "POST",
            format!("/api/v1/catalogue/agreements/{agreement}/suspensions"),
            e.clone(),
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "POST",
            format!("/api/v1/catalogue/agreements/{agreement}/suspensions/1/lift"),
            json!({"reason": "x"}),
            [401, 403, 403, 403, 403, 403, 403, 403],
        ),
    ];
    let pages: Vec<(String, [u16; 8])> = vec![
        ("/catalogo".into(), [200; 8]),
        (format!("/catalogo/productos/{desktop}"), [200; 8]),
        (
            format!("/catalogo/productos/{desktop}/pedir?department=Lima&quantity=2"),
            [200; 8],
        ),
        ("/catalogo/pedidos".into(), [200; 8]),
        (format!("/catalogo/pedidos/{order_id}"), [200; 8]),
        (
            "/catalogo/mis-ofertas".into(),
            [303, 403, 403, 403, 403, 200, 200, 200],
        ),
        (
            format!("/catalogo/mis-ofertas/{offer}"),
            [303, 403, 403, 403, 403, 200, 404, 404],
        ),
        ("/catalogo/acuerdos".into(), [200; 8]),
        (format!("/catalogo/acuerdos/{agreement}"), [200; 8]),
    ];
    let roles: [(&str, Option<&str>); 8] = [
        ("anonymous", None),
        ("admin", Some(ADMIN)),
        ("auditor", Some(AUDITOR)),
        ("Lima officer", Some(OFFICER)),
        ("MINSA officer", Some(MINSA_OFFICER)),
        ("Andina", Some(SUPPLIER)),
        ("Constructora", Some(OTHER_OWNER)),
        ("TechPerú", Some(TECHPERU_OWNER)),
    ];
    for (column, (role, email)) in roles.iter().enumerate() {
        let token = match email {
            Some(e) => Some(app.token(e).await),
            None => None,
        };
        let client = match email {
            Some(e) => page_login(&app, e, DEMO_PASSWORD).await,
            None => app.client(),
        };
        assert_role_column(&app, column, role, token.as_deref(), &client, &api, &pages).await;
    }
    let after = (
        order(&app, order_id).await,
        app.get_public(&format!("/api/v1/catalogue/products/{desktop}"))
            .await,
    );
    assert_eq!(
        before, after,
        "nobody's attempt changed the order or the offers"
    );
    app.stop().await;
}
