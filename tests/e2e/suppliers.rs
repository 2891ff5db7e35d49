//! The supplier registry end to end: registration, email verification, review, sanctions and
//! `can_bid` over time; membership; the directory; bad input; the authorization matrix.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn eligibility(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_json(&format!("/api/v1/suppliers/{id}/eligibility"), token)
        .await
}

fn lima_today(app: &TestApp) -> chrono::NaiveDate {
    backend::suppliers::lima_today(app.app.clock.now())
}

#[tokio::test]
async fn register_verify_debar_and_bid_again_after_the_date_on_both_databases() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let owner_email = "gerencia@andesdelsur.pe";
        let created = app
            .client()
            .post(app.url("/api/v1/suppliers"))
            .json(&registration(
                "20604445559",
                "Andés del Sur Ingeniería S.A.C.",
                owner_email,
            ))
            .send()
            .await
            .expect("post");
        assert_eq!(created.status(), StatusCode::ACCEPTED, "{db:?}");
        let created: Value = created.json().await.expect("json");
        assert_eq!(created, json!({"status": "check_email"}));

        let owner = app.token_with(owner_email, "clave de prueba larga").await;
        let id = app.supplier_id("20604445559").await;
        let mine = app
            .get_json(&format!("/api/v1/suppliers/{id}"), &owner)
            .await;
        assert_eq!(mine["status"], "pending");
        assert_eq!(
            mine["legal_name"], "Andés del Sur Ingeniería S.A.C.",
            "Unicode kept exactly"
        );
        let before = eligibility(&app, &owner, id).await;
        assert_eq!(before["can_bid"], false);
        let codes: Vec<&str> = before["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .filter_map(|m| m["code"].as_str())
            .collect();
        assert_eq!(codes, ["owner_email_unverified", "pending_review"]);

        // Nor can it mail anyone through invitations before then.
        let invite = app
            .post_json(
                &format!("/api/v1/suppliers/{id}/invitations"),
                &owner,
                &json!({"email": "alguien@otra-empresa.pe"}),
            )
            .await;
        assert_eq!(invite.status(), StatusCode::UNPROCESSABLE_ENTITY, "{db:?}");
        assert_eq!(
            invite.json::<Value>().await.expect("json")["errors"][0]["code"],
            "inviter_email_unverified"
        );
        assert!(
            app.subjects_sent_to("alguien@otra-empresa.pe")
                .await
                .is_empty()
        );

        // The registry officer's panel lists the registration waiting for review.
        let registry_pages = page_login(&app, REGISTRY_OFFICER, DEMO_PASSWORD).await;
        let panel = page_text(&registry_pages, app.url("/panel")).await;
        assert!(
            panel.contains("Inscripciones por revisar")
                && panel.contains("Andés del Sur Ingeniería S.A.C.")
                && panel.contains("Correo del titular sin verificar")
                && !panel.contains("funcionario de compras"),
            "{db:?}: {panel}"
        );

        // The registry officer cannot verify before the owner verified the address.
        let officer = app.token(REGISTRY_OFFICER).await;
        let early = app
            .post_json(
                &format!("/api/v1/suppliers/{id}/decisions"),
                &officer,
                &json!({"decision": "verify"}),
            )
            .await;
        assert_eq!(early.status(), StatusCode::CONFLICT);
        assert_eq!(
            early.json::<Value>().await.expect("json")["errors"][0]["code"],
            "owner_email_unverified"
        );

        // The emailed link verifies the address.
        let link = app.link_sent_to(owner_email, "/verificar-correo").await;
        let token = link.split("token=").nth(1).expect("token");
        let verified = app
            .client()
            .post(app.url("/api/v1/auth/verify-email"))
            .json(&json!({"token": token}))
            .send()
            .await
            .expect("post");
        assert_eq!(verified.status(), StatusCode::OK);

        let decided = app
            .post_json(
                &format!("/api/v1/suppliers/{id}/decisions"),
                &officer,
                &json!({"decision": "verify"}),
            )
            .await;
        assert_eq!(decided.status(), StatusCode::OK, "{db:?}");
        assert_eq!(eligibility(&app, &owner, id).await["can_bid"], true);
        assert!(
            app.subjects_sent_to(owner_email)
                .await
                .iter()
                .any(|s| s.contains("quedó verificada")),
            "the owner is told"
        );

        // The directory finds it without accents or capitals.
        let found = app
            .client()
            .get(app.url("/api/v1/suppliers?q=ANDES%20del%20sur"))
            .send()
            .await
            .expect("get")
            .json::<Value>()
            .await
            .expect("json");
        assert_eq!(found["total"], 1, "{found}");

        // Debarred through a date 30 days ahead (Lima).
        let through = lima_today(&app) + chrono::Duration::days(30);
        let ground = "Art. 87 de la Ley 32069: documentación falsa";
        let debarred = app
            .post_json(
                &format!("/api/v1/suppliers/{id}/decisions"),
                &officer,
                &json!({"decision": "debar", "reason": ground, "until": through.to_string()}),
            )
            .await;
        assert_eq!(debarred.status(), StatusCode::OK);
        assert_eq!(
            debarred.json::<Value>().await.expect("json")["status"],
            "debarred"
        );
        let sanctions: Value = app
            .client()
            .get(app.url("/api/v1/sanctions"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert!(
            sanctions
                .as_array()
                .expect("list")
                .iter()
                .any(|s| s["supplier_id"] == id && s["ground"] == ground),
            "{sanctions}"
        );
        let page = page_text(&app.client(), app.url("/proveedores/sanciones")).await;
        assert!(
            page.contains("Andés del Sur Ingeniería S.A.C.")
                && page.contains(ground)
                && page.contains(&through.to_string()),
            "public sanctions page lists it"
        );
        let during = eligibility(&app, &owner, id).await;
        assert_eq!(during["can_bid"], false);
        assert_eq!(during["missing"][0]["code"], "debarred");

        // The day after the last day, it may bid again and the list no longer shows it.
        app.clock.advance(chrono::Duration::days(31));
        // A month later the old session has expired; the owner signs in again.
        let owner = app.token_with(owner_email, "clave de prueba larga").await;
        assert_eq!(
            eligibility(&app, &owner, id).await["can_bid"],
            true,
            "{db:?}"
        );
        let page = page_text(&app.client(), app.url("/proveedores/sanciones")).await;
        assert!(!page.contains("Andés del Sur"));

        // Every decision is in the supplier's audit chain with the officer and the reason.
        let auditor = app.token(AUDITOR).await;
        let chain = app
            .get_json(&format!("/api/v1/audit/chains/supplier:{id}"), &auditor)
            .await;
        let actions: Vec<&str> = chain
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "supplier.registered",
                "supplier.verified",
                "supplier.debarred"
            ]
        );
        let debar = &chain[2];
        assert_eq!(debar["actor_role"], "officer");
        assert!(
            debar["payload"]
                .as_str()
                .expect("payload")
                .contains("Ley 32069")
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn suspension_and_reinstatement_rejection_and_identity_changes() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let officer = app.token(REGISTRY_OFFICER).await;
        let andina = app.supplier_id(ANDINA_RUC).await;
        let path = format!("/api/v1/suppliers/{andina}/decisions");
        let decide = |body: Value| {
            let (app, path, officer) = (&app, &path, &officer);
            async move { app.post_json(path, officer, &body).await }
        };
        let reinstate_first =
            decide(json!({"decision": "reinstate", "reason": "sin motivo"})).await;
        assert_eq!(
            reinstate_first.status(),
            StatusCode::CONFLICT,
            "nothing to reinstate"
        );
        let problem: Value = reinstate_first.json().await.expect("json");
        assert_eq!(
            problem["errors"][0]["message"],
            "Esa decisión no procede para un proveedor en estado «Verificado»."
        );
        let suspended = decide(json!({"decision": "suspend", "reason": "Garantía vencida"})).await;
        assert_eq!(
            suspended.json::<Value>().await.expect("json")["status"],
            "suspended"
        );
        let owner = app.token(SUPPLIER).await;
        assert_eq!(
            eligibility(&app, &owner, andina).await["missing"][0]["code"],
            "suspended"
        );
        let back = decide(json!({"decision": "reinstate", "reason": "Garantía renovada"})).await;
        assert_eq!(
            back.json::<Value>().await.expect("json")["status"],
            "verified"
        );
        assert_eq!(eligibility(&app, &owner, andina).await["can_bid"], true);

        let techperu = app.supplier_id(TECHPERU_RUC).await;
        let rejected = app
            .post_json(
                &format!("/api/v1/suppliers/{techperu}/decisions"),
                &officer,
                &json!({"decision": "reject", "reason": "RUC no habido en SUNAT"}),
            )
            .await;
        assert_eq!(
            rejected.json::<Value>().await.expect("json")["status"],
            "rejected"
        );
        assert!(
            app.subjects_sent_to("sales@techperu.com")
                .await
                .iter()
                .any(|s| s.contains("was rejected")),
            "English owner gets English mail"
        );

        // Only a registry officer changes RUC and legal name; a RUC already taken is a conflict.
        let taken = app.put_json(&format!("/api/v1/suppliers/{andina}/identity"), &officer, &json!({"legal_name": "Andina Tecnología S.A.C.", "ruc": "20601234565", "reason": "Corrección"})).await;
        assert_eq!(taken.status(), StatusCode::CONFLICT);
        let changed = app.put_json(&format!("/api/v1/suppliers/{andina}/identity"), &officer, &json!({"legal_name": "Andina Tecnologías S.A.C.", "ruc": ANDINA_RUC, "reason": "Error de tipeo en la razón social"})).await;
        assert_eq!(changed.status(), StatusCode::OK);
        let auditor = app.token(AUDITOR).await;
        let chain = app
            .get_json(&format!("/api/v1/audit/chains/supplier:{andina}"), &auditor)
            .await;
        let last = chain
            .as_array()
            .expect("events")
            .last()
            .expect("event")
            .clone();
        assert_eq!(last["action"], "supplier.identity_changed");
        let payload: Value =
            serde_json::from_str(last["payload"].as_str().expect("payload")).expect("json");
        assert_eq!(payload["before"]["legal_name"], "Andina Tecnología S.A.C.");
        assert_eq!(payload["after"]["legal_name"], "Andina Tecnologías S.A.C.");
        app.stop().await;
    }
}

#[tokio::test]
async fn owners_edit_their_profile_and_manage_members() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let owner = app.token(SUPPLIER).await;
        let andina = app.supplier_id(ANDINA_RUC).await;
        let profile = json!({"trade_name": "Andina TI", "department": "Lima", "province": "Lima", "district": "San Isidro",
            "address": "Av. Camino Real 456", "contact_email": "contacto@andinasac.com.pe", "contact_phone": "01 222 3333", "categories": ["43", "44", "81"]});
        let saved = app
            .put_json(
                &format!("/api/v1/suppliers/{andina}/profile"),
                &owner,
                &profile,
            )
            .await;
        assert_eq!(saved.status(), StatusCode::OK, "{db:?}");
        assert_eq!(
            saved.json::<Value>().await.expect("json")["categories"],
            json!(["43", "44", "81"])
        );
        let auditor = app.token(AUDITOR).await;
        let chain = app
            .get_json(&format!("/api/v1/audit/chains/supplier:{andina}"), &auditor)
            .await;
        let event = chain
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["action"] == "supplier.profile_updated")
            .expect("event")
            .clone();
        let payload: Value =
            serde_json::from_str(event["payload"].as_str().expect("payload")).expect("json");
        assert_eq!(payload["before"]["district"], "Miraflores");
        assert_eq!(payload["after"]["district"], "San Isidro");
        // The RUC cannot be changed through the profile: the field is simply not part of it.
        let with_ruc = app
            .put_json(
                &format!("/api/v1/suppliers/{andina}/profile"),
                &owner,
                &json!({"ruc": "20601234565"}),
            )
            .await;
        assert_eq!(with_ruc.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Invite a new person; the link creates their account and they join as a member.
        let invited = app
            .post_json(
                &format!("/api/v1/suppliers/{andina}/invitations"),
                &owner,
                &json!({"email": "compras@andinasac.com.pe"}),
            )
            .await;
        assert_eq!(invited.status(), StatusCode::ACCEPTED);
        let link = app
            .link_sent_to("compras@andinasac.com.pe", "/invitacion")
            .await;
        let token = link.split("token=").nth(1).expect("token").to_owned();
        let joined = app.client().post(app.url("/api/v1/invitations/accept"))
            .json(&json!({"token": token, "display_name": "Mario Quispe", "password": "otra clave bastante larga"}))
            .send().await.expect("post");
        assert_eq!(joined.status(), StatusCode::OK);
        let member_id = joined.json::<Value>().await.expect("json")["user_id"]
            .as_i64()
            .expect("id");
        let again = app.client().post(app.url("/api/v1/invitations/accept"))
            .json(&json!({"token": token, "display_name": "Otro", "password": "otra clave bastante larga"}))
            .send().await.expect("post");
        assert_eq!(
            again.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "an invitation works once"
        );
        // Someone already in a company cannot be invited to another.
        let other = app.token(OTHER_OWNER).await;
        let constructora = app.supplier_id("20601234565").await;
        let poach = app
            .post_json(
                &format!("/api/v1/suppliers/{constructora}/invitations"),
                &other,
                &json!({"email": "compras@andinasac.com.pe"}),
            )
            .await;
        // ... and the answer is any address's: nothing tells that it is taken, nothing is sent.
        assert_eq!(poach.status(), StatusCode::ACCEPTED);
        let invitations = app.subjects_sent_to("compras@andinasac.com.pe").await.len();
        assert_eq!(
            invitations, 1,
            "only Andina's invitation reached the address"
        );
        let to_an_officer = app
            .post_json(
                &format!("/api/v1/suppliers/{constructora}/invitations"),
                &other,
                &json!({"email": OFFICER}),
            )
            .await;
        assert_eq!(to_an_officer.status(), StatusCode::ACCEPTED);
        assert!(
            app.subjects_sent_to(OFFICER).await.is_empty(),
            "an officer gets nothing"
        );

        // Hand ownership over, then the new owner removes the old one.
        let members = app
            .post_json(
                &format!("/api/v1/suppliers/{andina}/owner"),
                &owner,
                &json!({"user_id": member_id}),
            )
            .await;
        assert_eq!(members.status(), StatusCode::OK);
        let new_owner = app
            .token_with("compras@andinasac.com.pe", "otra clave bastante larga")
            .await;
        let removed = app
            .client()
            .delete(app.url(&format!(
                "/api/v1/suppliers/{andina}/members/{}",
                owner_user_id(&app, SUPPLIER).await
            )))
            .bearer_auth(&new_owner)
            .send()
            .await
            .expect("delete");
        assert_eq!(removed.status(), StatusCode::OK);
        let list: Value = removed.json().await.expect("json");
        assert_eq!(list.as_array().expect("members").len(), 1);
        assert_eq!(list[0]["member_role"], "owner");
        let ex_owner = app.token(SUPPLIER).await;
        let me = app.get_json("/api/v1/me", &ex_owner).await;
        assert!(
            me["supplier_id"].is_null(),
            "the removed user belongs to no company: {me}"
        );
        app.stop().await;
    }
}

async fn owner_user_id(app: &TestApp, email: &str) -> i64 {
    let token = app.token(email).await;
    app.get_json("/api/v1/me", &token).await["id"]
        .as_i64()
        .expect("id")
}

#[tokio::test]
async fn bad_registrations_name_every_field_and_write_nothing() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let post = |body: Value| {
            app.client()
                .post(app.url("/api/v1/suppliers"))
                .json(&body)
                .send()
        };
        let empty: Value = post(json!({}))
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        let fields: Vec<&str> = empty["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(
            fields,
            [
                "legal_name",
                "ruc",
                "legal_form",
                "department",
                "province",
                "district",
                "address",
                "contact_email",
                "contact_phone",
                "categories",
                "owner_name",
                "owner_email",
                "owner_password"
            ],
            "{db:?}"
        );
        let mut bad = registration("2051233379X", &"N".repeat(201), "not-an-email");
        bad["contact_phone"] = json!("llámame");
        bad["categories"] = json!(["99"]);
        bad["department"] = json!("Narnia");
        let r = post(bad).await.expect("post");
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = r.json().await.expect("json");
        let codes: Vec<(&str, &str)> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap_or(""),
                    e["code"].as_str().unwrap_or(""),
                )
            })
            .collect();
        for expected in [
            ("legal_name", "too_long"),
            ("ruc", "ruc_digits"),
            ("department", "unknown_department"),
            ("contact_email", "invalid_email"),
            ("contact_phone", "invalid_phone"),
            ("categories", "unknown_category"),
            ("owner_email", "invalid_email"),
        ] {
            assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
        }
        // A company form with a natural person's RUC.
        let mismatch: Value = post(registration(
            &ruc("10", 4123456),
            "Juan Pérez",
            "juan@perez.pe",
        ))
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
        assert_eq!(mismatch["errors"][0]["code"], "legal_form_ruc_mismatch");

        // Eight concurrent registrations of one RUC: exactly one succeeds, nothing else stays.
        let contested = ruc("20", 7777777);
        let admin = app.token(ADMIN).await;
        let users_before = app
            .get_json("/api/v1/users", &admin)
            .await
            .as_array()
            .expect("users")
            .len();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let client = app.client();
            let url = app.url("/api/v1/suppliers");
            let body = registration(
                &contested,
                "Empresa Disputada S.A.C.",
                &format!("dueno{i}@disputada.pe"),
            );
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .expect("post")
                    .status()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.expect("task"));
        }
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::ACCEPTED)
                .count(),
            1,
            "{db:?}: {statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
        let users_after = app
            .get_json("/api/v1/users", &admin)
            .await
            .as_array()
            .expect("users")
            .len();
        assert_eq!(
            users_after,
            users_before + 1,
            "losers left no owner account behind"
        );
        // The winner's owner email, used for another company: answered exactly as a new
        // address is (nothing tells who has an account), nothing created, and the owner told.
        let users = app.get_json("/api/v1/users", &admin).await;
        let winner = users
            .as_array()
            .expect("users")
            .iter()
            .filter_map(|u| u["email"].as_str())
            .find(|e| e.ends_with("@disputada.pe"))
            .expect("winner")
            .to_owned();
        let fresh = post(registration(
            &ruc("20", 7777779),
            "Nueva S.A.C.",
            "nuevo@nueva.pe",
        ))
        .await
        .expect("post");
        let dup = post(registration(&ruc("20", 7777778), "Otra S.A.C.", &winner))
            .await
            .expect("post");
        assert_eq!(dup.status(), fresh.status());
        let (dup_headers, fresh_headers) = (dup.headers().clone(), fresh.headers().clone());
        assert_eq!(
            dup_headers.get("content-type"),
            fresh_headers.get("content-type")
        );
        assert!(
            dup_headers.get("set-cookie").is_none() && fresh_headers.get("set-cookie").is_none()
        );
        assert_eq!(
            dup.text().await.expect("text"),
            fresh.text().await.expect("text"),
            "the same answer for an address with an account"
        );
        assert!(
            !app.get_public(&format!("/api/v1/suppliers?q={}", ruc("20", 7777778)))
                .await
                .to_string()
                .contains("Otra S.A.C."),
        );
        let told = app.subjects_sent_to(&winner).await;
        assert!(
            told.iter().any(|s| s.contains("Otra S.A.C.")),
            "the existing owner is told: {told:?}"
        );

        // HTML typed in a field is shown as text on the pages.
        let html_name = "Ñandú & Cía. <b>S.A.C.</b>";
        let created = post(registration(
            &ruc("20", 5550001),
            html_name,
            "html@nandu.pe",
        ))
        .await
        .expect("post");
        assert_eq!(created.status(), StatusCode::ACCEPTED);
        let id = app.supplier_id(&ruc("20", 5550001)).await;
        let client = page_login(&app, REGISTRY_OFFICER, DEMO_PASSWORD).await;
        let page = page_text(&client, app.url(&format!("/registro/proveedores/{id}"))).await;
        assert!(
            page.contains("Ñandú &amp; Cía. &lt;b&gt;S.A.C.&lt;/b&gt;"),
            "escaped on the page"
        );
        assert!(!page.contains("<b>S.A.C.</b>"));
        app.stop().await;
    }
}

#[tokio::test]
async fn the_directory_searches_filters_and_pages() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let get = |q: &str| {
        let url = app.url(&format!("/api/v1/suppliers{q}"));
        let client = app.client();
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("get")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let all = get("").await;
    assert_eq!(all["total"], 2, "only verified suppliers: {all}");
    assert_eq!(
        get("?q=tecnologia").await["suppliers"][0]["ruc"],
        ANDINA_RUC,
        "accent-insensitive"
    );
    assert_eq!(
        get("?q=2060123").await["suppliers"][0]["legal_name"],
        "Constructora Sol del Sur S.R.L.",
        "by RUC digits"
    );
    assert_eq!(get("?category=72").await["total"], 1);
    assert_eq!(
        get("?q=%25").await["total"],
        0,
        "LIKE wildcards are literal"
    );
    let first = get("?per_page=1&page=1").await;
    let second = get("?per_page=1&page=2").await;
    assert_ne!(first["suppliers"][0]["id"], second["suppliers"][0]["id"]);
    let bad = app
        .client()
        .get(app.url("/api/v1/suppliers?per_page=1000"))
        .send()
        .await
        .expect("get");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = app
        .client()
        .get(app.url("/api/v1/suppliers?page=abc"))
        .send()
        .await
        .expect("get");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let page = page_text(&app.client(), app.url("/proveedores?q=sol&category=72")).await;
    assert!(
        page.contains("Constructora Sol del Sur S.R.L.") && !page.contains("Andina Tecnología")
    );
}

#[tokio::test]
async fn every_supplier_registry_route_by_every_role() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let andina = app.supplier_id(ANDINA_RUC).await;
        let techperu = app.supplier_id(TECHPERU_RUC).await;
        // A member of Andina, through an invitation.
        let owner = app.token(SUPPLIER).await;
        app.post_json(
            &format!("/api/v1/suppliers/{andina}/invitations"),
            &owner,
            &json!({"email": "miembro@andinasac.com.pe"}),
        )
        .await;
        let link = app
            .link_sent_to("miembro@andinasac.com.pe", "/invitacion")
            .await;
        let token = link.split("token=").nth(1).expect("token");
        let joined = app.client().post(app.url("/api/v1/invitations/accept")).json(&json!({"token": token, "display_name": "Miembro", "password": "clave del miembro 1"})).send().await.expect("post");
        assert_eq!(joined.status(), StatusCode::OK);
        let logistica = owner_user_id(&app, "logistica@munlima.gob.pe").await;

        let roles: [(&str, Option<&str>); 8] = [
            ("anonymous", None),
            ("owner", Some(SUPPLIER)),
            ("member", Some("miembro@andinasac.com.pe")),
            ("other owner", Some(OTHER_OWNER)),
            ("officer", Some(OFFICER)),
            ("registry officer", Some(REGISTRY_OFFICER)),
            ("auditor", Some(AUDITOR)),
            ("admin", Some(ADMIN)),
        ];
        let profile = json!({"department": "Lima", "province": "Lima", "district": "Miraflores", "address": "Av. Larco 1150", "contact_email": "ventas@andinasac.com.pe", "contact_phone": "01 445 2200", "categories": ["43"]});
        // (method, path, body, expected for the roles above, in order)
        let routes: Vec<(&str, String, Value, [u16; 8])> = vec![
            ("GET", "/api/v1/suppliers".into(), Value::Null, [200; 8]),
            ("GET", "/api/v1/sanctions".into(), Value::Null, [200; 8]),
            ("GET", "/api/v1/catalogue".into(), Value::Null, [200; 8]),
            (
                "GET",
                format!("/api/v1/suppliers/{andina}"),
                Value::Null,
                [200; 8],
            ),
            (
                "GET",
                format!("/api/v1/suppliers/{techperu}"),
                Value::Null,
                [404, 404, 404, 404, 404, 200, 200, 404],
            ),
            (
                "GET",
                format!("/api/v1/suppliers/{andina}/eligibility"),
                Value::Null,
                [401, 200, 200, 403, 200, 200, 200, 200],
            ),
            (
                "GET",
                format!("/api/v1/suppliers/{andina}/members"),
                Value::Null,
                [401, 200, 200, 403, 403, 200, 200, 403],
            ),
            (
                "PUT",
                format!("/api/v1/suppliers/{andina}/profile"),
                profile.clone(),
                [401, 200, 403, 403, 403, 403, 403, 403],
            ),
            (
                "POST",
                format!("/api/v1/suppliers/{andina}/invitations"),
                json!({"email": "nuevo@andinasac.com.pe"}),
                [401, 202, 403, 403, 403, 403, 403, 403],
            ),
            (
                "DELETE",
                format!("/api/v1/suppliers/{andina}/members/999999"),
                Value::Null,
                [401, 404, 403, 403, 403, 403, 403, 403],
            ),
            (
                "POST",
                format!("/api/v1/suppliers/{andina}/owner"),
                json!({"user_id": 999999}),
                [401, 422, 403, 403, 403, 403, 403, 403],
            ),
            (
                "POST",
                format!("/api/v1/suppliers/{techperu}/decisions"),
                json!({"decision": "nope"}),
                [401, 403, 403, 403, 403, 422, 403, 403],
            ),
            (
                "PUT",
                format!("/api/v1/suppliers/{andina}/identity"),
                json!({}),
                [401, 403, 403, 403, 403, 422, 403, 403],
            ),
            (
                "GET",
                "/api/v1/registry/queue".into(),
                Value::Null,
                [401, 403, 403, 403, 403, 200, 200, 403],
            ),
            (
                "PUT",
                format!("/api/v1/users/{logistica}/registry-officer"),
                json!({"granted": false}),
                [401, 403, 403, 403, 403, 403, 403, 204],
            ),
            (
                "POST",
                "/api/v1/invitations/accept".into(),
                json!({"token": "forged"}),
                [422, 422, 422, 422, 422, 422, 422, 422],
            ),
        ];
        let pages: Vec<(String, [u16; 8])> = vec![
            ("/proveedores".into(), [200; 8]),
            ("/proveedores/sanciones".into(), [200; 8]),
            (format!("/proveedores/{andina}"), [200; 8]),
            (
                format!("/proveedores/{techperu}"),
                [404, 404, 404, 404, 404, 200, 200, 404],
            ),
            (
                "/proveedores/registro".into(),
                [200, 403, 403, 403, 403, 403, 403, 403],
            ),
            ("/empresa".into(), [303, 200, 200, 200, 403, 403, 403, 403]),
            (
                "/empresa/datos".into(),
                [303, 200, 403, 200, 403, 403, 403, 403],
            ),
            ("/registro".into(), [303, 403, 403, 403, 403, 200, 200, 403]),
            (
                format!("/registro/proveedores/{techperu}"),
                [303, 403, 403, 403, 403, 200, 200, 403],
            ),
        ];
        for (i, (role, email)) in roles.iter().enumerate() {
            let password = if *role == "member" {
                "clave del miembro 1"
            } else {
                DEMO_PASSWORD
            };
            let token = match email {
                Some(e) => Some(app.token_with(e, password).await),
                None => None,
            };
            let client = match email {
                Some(e) => page_login(&app, e, password).await,
                None => app.client(),
            };
            assert_role_column(&app, i, role, token.as_deref(), &client, &routes, &pages).await;
            // Registration is for people without a session.
            let fresh = registration(
                &ruc("20", 9000 + i as u32),
                &format!("Empresa Matriz {i} S.A.C."),
                &format!("matriz{i}@empresa.pe"),
            );
            let mut request = app.client().post(app.url("/api/v1/suppliers")).json(&fresh);
            if let Some(t) = &token {
                request = request.bearer_auth(t);
            }
            let expected = if email.is_none() { 202 } else { 403 };
            assert_eq!(
                request.send().await.expect("post").status().as_u16(),
                expected,
                "register as {role} on {db:?}"
            );
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn registry_officers_decide_and_owners_edit_through_the_pages() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let techperu = app.supplier_id(TECHPERU_RUC).await;
        let andina = app.supplier_id(ANDINA_RUC).await;

        // A supplier owner cannot post a decision page form, even with a valid CSRF token.
        let owner = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
        let csrf = csrf_from(&page_text(&owner, app.url("/empresa")).await);
        let forged = post_form(
            &owner,
            app.url(&format!("/registro/proveedores/{techperu}/decision")),
            &[
                ("csrf_token", &csrf),
                ("decision", "reject"),
                ("reason", "porque sí"),
            ],
        )
        .await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);

        // The registry officer: a missing reason comes back with the error summary, then debars.
        let officer = page_login(&app, REGISTRY_OFFICER, DEMO_PASSWORD).await;
        let page = page_text(
            &officer,
            app.url(&format!("/registro/proveedores/{andina}")),
        )
        .await;
        let csrf = csrf_from(&page);
        let path = app.url(&format!("/registro/proveedores/{andina}/decision"));
        let missing = post_form(
            &officer,
            path.clone(),
            &[
                ("csrf_token", &csrf),
                ("decision", "debar"),
                ("reason", ""),
                ("until", ""),
            ],
        )
        .await;
        assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = missing.text().await.expect("text");
        assert!(
            html.contains("href=\"#f-reason\"") && html.contains("href=\"#f-until\""),
            "summary lists reason and date"
        );
        let through = (lima_today(&app) + chrono::Duration::days(10)).to_string();
        let ok = post_form(
            &officer,
            path,
            &[
                ("csrf_token", &csrf),
                ("decision", "debar"),
                ("reason", "Resolución 123-2026-TCE"),
                ("until", &through),
            ],
        )
        .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER, "{db:?}");
        let listed = page_text(&app.client(), app.url("/proveedores/sanciones")).await;
        assert!(
            listed.contains("Andina Tecnología S.A.C.")
                && listed.contains("Resolución 123-2026-TCE")
        );

        // The owner's profile form: no category chosen is an error; the rest is kept.
        let csrf = csrf_from(&page_text(&owner, app.url("/empresa/datos")).await);
        let fields = [
            ("csrf_token", csrf.as_str()),
            ("trade_name", "Andina"),
            ("department", "Lima"),
            ("province", "Lima"),
            ("district", "Surco"),
            ("address", "Av. Primavera 120"),
            ("contact_email", "ventas@andinasac.com.pe"),
            ("contact_phone", "01 445 2200"),
        ];
        let no_categories = post_form(&owner, app.url("/empresa/datos"), &fields).await;
        assert_eq!(no_categories.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = no_categories.text().await.expect("text");
        assert!(html.contains("href=\"#f-categories\"") && html.contains("value=\"Surco\""));
        let mut with_categories = fields.to_vec();
        with_categories.extend([("categories", "43"), ("categories", "52")]);
        let saved = post_form(&owner, app.url("/empresa/datos"), &with_categories).await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let page = page_text(&owner, app.url("/empresa?aviso=profile-updated")).await;
        assert!(
            page.contains("Datos actualizados.")
                && page.contains("Surco")
                && page.contains("52 Artículos domésticos"),
            "{db:?}: {page}"
        );
        assert!(
            page.contains("Inhabilitado"),
            "the owner sees the debarment"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn invitations_create_or_attach_accounts_through_the_pages() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let owner = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
    let csrf = csrf_from(&page_text(&owner, app.url("/empresa")).await);
    let invited = post_form(
        &owner,
        app.url("/empresa/invitaciones"),
        &[("csrf_token", &csrf), ("email", "nueva@andinasac.com.pe")],
    )
    .await;
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    let bad = post_form(
        &owner,
        app.url("/empresa/invitaciones"),
        &[("csrf_token", &csrf), ("email", "no es correo")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A newcomer opens the link, creates an account and lands in the company, signed in.
    let link = app
        .link_sent_to("nueva@andinasac.com.pe", "/invitacion")
        .await;
    let newcomer = app.client();
    let page = page_text(&newcomer, link.clone()).await;
    assert!(page.contains("Andina Tecnología S.A.C.") && page.contains("nueva@andinasac.com.pe"));
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let csrf = csrf_from(&page);
    let short = post_form(
        &newcomer,
        app.url("/invitacion"),
        &[
            ("csrf_token", &csrf),
            ("token", &token),
            ("display_name", "Nueva Persona"),
            ("password", "corta"),
        ],
    )
    .await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let joined = post_form(
        &newcomer,
        app.url("/invitacion"),
        &[
            ("csrf_token", &csrf),
            ("token", &token),
            ("display_name", "Nueva Persona"),
            ("password", "una clave larga nueva"),
        ],
    )
    .await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    let company = page_text(&newcomer, app.url("/empresa?aviso=joined")).await;
    assert!(
        company.contains("Ahora forma parte de la empresa.")
            && company.contains("Andina Tecnología S.A.C."),
        "{company}"
    );

    // An existing supplier account without a company joins while signed in; only the invited
    // address can use the link.
    let admin = app.token(ADMIN).await;
    for email in ["libre@proveedor.pe", "otra@proveedor.pe"] {
        let r = app.post_json("/api/v1/users", &admin, &json!({"email": email, "display_name": "Cuenta Libre", "password": "clave de cuenta libre", "role": "supplier"})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let owner_token = app.token(SUPPLIER).await;
    let andina = app.supplier_id(ANDINA_RUC).await;
    app.post_json(
        &format!("/api/v1/suppliers/{andina}/invitations"),
        &owner_token,
        &json!({"email": "libre@proveedor.pe"}),
    )
    .await;
    let link = app.link_sent_to("libre@proveedor.pe", "/invitacion").await;
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let intruder = app
        .token_with("otra@proveedor.pe", "clave de cuenta libre")
        .await;
    let wrong = app
        .post_json(
            "/api/v1/invitations/accept",
            &intruder,
            &json!({"token": token}),
        )
        .await;
    assert_eq!(
        wrong.json::<Value>().await.expect("json")["errors"][0]["code"],
        "invitation_for_another_email"
    );
    let anonymous = app
        .client()
        .post(app.url("/api/v1/invitations/accept"))
        .json(&json!({"token": token, "display_name": "X Y", "password": "clave de cuenta libre"}))
        .send()
        .await
        .expect("post");
    assert_eq!(
        anonymous.json::<Value>().await.expect("json")["errors"][0]["code"],
        "sign_in_to_accept"
    );
    let invitee = app
        .token_with("libre@proveedor.pe", "clave de cuenta libre")
        .await;
    let joined = app
        .post_json(
            "/api/v1/invitations/accept",
            &invitee,
            &json!({"token": token}),
        )
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    assert_eq!(
        app.get_json("/api/v1/me", &invitee).await["supplier_id"],
        andina
    );
}

#[tokio::test]
async fn look_alike_addresses_and_invisible_characters_are_refused() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let cases = [
        // A Cyrillic е in the demo supplier's address would be a second, look-alike account.
        (
            "owner_email",
            "v\u{0435}ntas@andinasac.com.pe",
            "Andes Look S.A.C.",
            "invalid_email",
        ),
        // A quoted local part cannot be mailed.
        (
            "owner_email",
            "\"a@b\"@example.pe",
            "Andes Quote S.A.C.",
            "invalid_email",
        ),
        (
            "legal_name",
            "nueva@empresa.pe",
            "Andes\u{200B} Sur S.A.C.",
            "invisible_characters",
        ),
        (
            "legal_name",
            "otra@empresa.pe",
            "Andes \u{202E}C.A.S rus",
            "invisible_characters",
        ),
    ];
    for (field, email, name, code) in cases {
        let response = app
            .client()
            .post(app.url("/api/v1/suppliers"))
            .header("accept-language", "en")
            .json(&registration("20604445559", name, email))
            .send()
            .await
            .expect("post");
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email} {name:?}"
        );
        let problem: Value = response.json().await.expect("problem");
        let codes = crate::tenders::error_codes(&problem);
        assert!(
            codes.contains(&(field.to_owned(), code.to_owned())),
            "{codes:?}"
        );
    }
    // Nothing was written.
    let found: Value = app.get_public("/api/v1/suppliers?q=Andes").await;
    assert_eq!(found["total"], 0, "{found}");
    // Full-width letters are the company's ordinary name (NFKC): the RUC's name is one.
    let accepted = app
        .client()
        .post(app.url("/api/v1/suppliers"))
        .json(&registration(
            "20604445559",
            "ＡＮＤＥＳ Ingeniería S.A.C.",
            "gerencia@andesingenieria.pe",
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(accepted.status(), StatusCode::ACCEPTED);
    let id = app.supplier_id("20604445559").await;
    let registry = app.token(REGISTRY_OFFICER).await;
    let detail: Value = app
        .get_json(&format!("/api/v1/suppliers/{id}"), &registry)
        .await;
    assert_eq!(detail["legal_name"], "ANDES Ingeniería S.A.C.");
}
