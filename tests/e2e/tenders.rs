//! Tenders end to end on SQLite and PostgreSQL: drafting, publication rules, the state
//! machine, date rules at their edges in Lima time, search (stemming, accents, parity across
//! engines), uploads, enquiries, amendments, cancellation, alerts and the status task.

use crate::support::*;
use backend::domain::TenderStatus;
use chrono::Duration;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A second officer of the Municipalidad de Lima (the first is `OFFICER`).
pub const LIMA_OFFICER_2: &str = "logistica@munlima.gob.pe";
/// An officer of another entity (Ministerio de Salud).
pub const MINSA_OFFICER: &str = "abastecimiento@minsa.gob.pe";
/// The owner of TechPerú, whose registration is still pending.
pub const TECHPERU_OWNER: &str = "sales@techperu.com";
/// The PDF every upload test sends: a real document made by another tool.
pub const REAL_PDF: &[u8] = include_bytes!("fixtures/shared-mime-info-spec.pdf");

impl TestApp {
    /// Uploads `bytes` as `name` to tender `id` through the API.
    pub async fn upload(
        &self,
        token: &str,
        id: i64,
        name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        self.client()
            .post(self.url(&format!("/api/v1/tenders/{id}/documents")))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("upload")
    }

    /// Moves the test clock.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Runs the status task once, now.
    pub async fn tick(&self) -> usize {
        let now = backend::clock::Clock::now_db(&self.clock);
        let app = self.app.clone();
        app.db
            .run(move |conn| backend::tenders::advance_statuses(conn, now))
            .await
            .expect("advance statuses")
    }
}

/// Lima local time `days` days and `hm` after the test clock's start date (2026-11-23, a
/// Monday, 09:00 in Lima), as `<input type=datetime-local>` sends it.
pub fn lima(days: i64, hm: &str) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date") + Duration::days(days);
    format!("{date}T{hm}:00-05:00")
}

/// A complete draft for the Municipalidad de Lima with two lots and a committee.
pub fn draft(title: &str, method: &str, committee: &[i64], deadline: &str) -> Value {
    json!({
        "title": title,
        "description": "Adquisición de computadoras portátiles con garantía de tres años para las oficinas de atención al ciudadano.",
        "method": method,
        "procurement_category": "goods",
        "classification": "43211503",
        "currency": "PEN",
        "lots": [
            {"title": "Computadoras portátiles de 14 pulgadas", "quantity": "40", "unit": "unidad", "estimated_value": "160000.00"},
            {"title": "Estaciones de acoplamiento", "quantity": "40", "unit": "unidad", "estimated_value": "24000.50"}
        ],
        "award_criteria": "price_quality",
        "price_weight": 70,
        "quality_criteria": [{"name": "Garantía comercial adicional", "weight": 20}, {"name": "Plazo de entrega", "weight": 10}],
        "enquiry_deadline": lima(3, "17:00"),
        "submission_deadline": deadline,
        "opening_at": deadline,
        "committee": committee,
        "committee_threshold": 2
    })
}

/// The status code of `POST path` with `body` as `token`.
async fn post_status(app: &TestApp, path: &str, token: &str, body: Value) -> u16 {
    app.post_json(path, token, &body).await.status().as_u16()
}

async fn status_of(app: &TestApp, id: i64) -> String {
    let t = app
        .get_json(&format!("/api/v1/tenders/{id}"), &app.token(AUDITOR).await)
        .await;
    t["status"].as_str().unwrap_or_default().to_owned()
}

pub fn error_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").to_owned(),
                        e["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn expect_error(response: reqwest::Response, status: u16, field: &str, code: &str) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(got, status, "{body}");
    assert!(
        error_codes(&body).contains(&(field.to_owned(), code.to_owned())),
        "expected {field}/{code} in {body}"
    );
    body
}

/// Drafts (and documents) a tender as `OFFICER`; returns its id.
async fn drafted(app: &TestApp, officer: &str, body: &Value) -> i64 {
    let response = app.post_json("/api/v1/tenders", officer, body).await;
    assert_eq!(
        response.status(),
        201,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let id = response.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let upload = app
        .upload(officer, id, "Bases integradas.pdf", REAL_PDF.to_vec())
        .await;
    assert_eq!(upload.status(), 201);
    id
}

#[tokio::test]
async fn a_tender_goes_through_every_allowed_move_and_refuses_the_rest() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let officer = app.token(OFFICER).await;
        let other_buyer = app.token(MINSA_OFFICER).await;
        let supplier = app.token(SUPPLIER).await;
        let committee = [
            app.user_id(OFFICER).await,
            app.user_id(LIMA_OFFICER_2).await,
        ];
        let auditor_id = app.user_id(AUDITOR).await;

        // Drafting is for officers; a supplier, or nobody, may not.
        let mut body = draft(
            "Adquisición de computadoras portátiles para atención al ciudadano",
            "adjudicacion_simplificada",
            &committee,
            &lima(10, "12:00"),
        );
        body["observer"] = json!(auditor_id);
        assert_eq!(
            app.post_json("/api/v1/tenders", &supplier, &body)
                .await
                .status(),
            403
        );
        assert_eq!(
            app.client()
                .post(app.url("/api/v1/tenders"))
                .json(&body)
                .send()
                .await
                .expect("post")
                .status(),
            401
        );
        // Every wrong field at once, each named.
        let problem = expect_error(
            app.post_json("/api/v1/tenders", &officer, &json!({"title": "x"}))
                .await,
            422,
            "title",
            "too_short",
        )
        .await;
        let fields: Vec<String> = error_codes(&problem).into_iter().map(|(f, _)| f).collect();
        for f in [
            "description",
            "method",
            "procurement_category",
            "classification",
            "currency",
            "lots",
            "award_criteria",
            "submission_deadline",
            "committee_threshold",
        ] {
            assert!(fields.contains(&f.to_owned()), "{f} missing in {problem}");
        }
        // A committee member from another entity is refused.
        let mut stranger = body.clone();
        stranger["committee"] = json!([committee[0], app.user_id(MINSA_OFFICER).await]);
        expect_error(
            app.post_json("/api/v1/tenders", &officer, &stranger).await,
            422,
            "committee",
            "committee_not_buyer_officer",
        )
        .await;
        // Weights must sum to 100.
        let mut weights = body.clone();
        weights["price_weight"] = json!(60);
        expect_error(
            app.post_json("/api/v1/tenders", &officer, &weights).await,
            422,
            "quality_criteria",
            "weights_must_sum_100",
        )
        .await;

        let id = drafted(&app, &officer, &body).await;
        // The draft is private: not found for the public or another entity, not in search.
        assert_eq!(
            app.client()
                .get(app.url(&format!("/api/v1/tenders/{id}")))
                .send()
                .await
                .expect("get")
                .status(),
            404
        );
        assert_eq!(
            app.client()
                .get(app.url(&format!("/api/v1/tenders/{id}")))
                .bearer_auth(&other_buyer)
                .send()
                .await
                .expect("get")
                .status(),
            404
        );
        let found = app
            .get_json(
                "/api/v1/tenders?q=portatiles%20atencion%20ciudadano",
                &supplier,
            )
            .await;
        assert!(
            !found["tenders"]
                .as_array()
                .expect("list")
                .iter()
                .any(|t| t["id"] == id)
        );
        let t = app
            .get_json(&format!("/api/v1/tenders/{id}"), &officer)
            .await;
        assert_eq!(t["status"], "draft");
        assert_eq!(
            t["estimated_value"],
            json!({"amount": "184000.50", "currency": "PEN"}),
            "sum of the lots"
        );
        assert_eq!(t["procurement_method"], "open");
        assert!(t["ocid"].is_null());

        // Another entity's officer may not publish it; the buyer's may, once the rules hold.
        assert_eq!(
            post_status(
                &app,
                &format!("/api/v1/tenders/{id}/publish"),
                &other_buyer,
                json!({})
            )
            .await,
            404
        );
        // Too short for an adjudicación simplificada (8 days): 7 Lima days.
        let mut short = body.clone();
        short["submission_deadline"] = json!(lima(7, "23:59"));
        short["opening_at"] = json!(lima(7, "23:59"));
        assert_eq!(
            app.put_json(&format!("/api/v1/tenders/{id}"), &officer, &short)
                .await
                .status(),
            200
        );
        let problem = expect_error(
            app.post_json(
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                &json!({}),
            )
            .await,
            422,
            "submission_deadline",
            "period_too_short",
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap_or("").contains('8'),
            "{problem}"
        );
        // Opening before the deadline and enquiries after it are refused too.
        let mut order = body.clone();
        order["enquiry_deadline"] = json!(lima(11, "12:00"));
        order["opening_at"] = json!(lima(9, "12:00"));
        assert_eq!(
            app.put_json(&format!("/api/v1/tenders/{id}"), &officer, &order)
                .await
                .status(),
            200
        );
        let response = app
            .post_json(
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                &json!({}),
            )
            .await;
        let problem = expect_error(response, 422, "opening_at", "opening_before_deadline").await;
        assert!(
            error_codes(&problem)
                .contains(&("enquiry_deadline".into(), "enquiry_after_submission".into()))
        );
        // A one-member committee cannot publish.
        let mut lonely = body.clone();
        lonely["committee"] = json!([committee[0]]);
        assert_eq!(
            app.put_json(&format!("/api/v1/tenders/{id}"), &officer, &lonely)
                .await
                .status(),
            200
        );
        expect_error(
            app.post_json(
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                &json!({}),
            )
            .await,
            422,
            "committee",
            "committee_too_small",
        )
        .await;

        assert_eq!(
            app.put_json(&format!("/api/v1/tenders/{id}"), &officer, &body)
                .await
                .status(),
            200
        );
        let response = app
            .post_json(
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                &json!({}),
            )
            .await;
        assert_eq!(response.status(), 200);
        let ocid = response.json::<Value>().await.expect("json")["ocid"]
            .as_str()
            .expect("ocid")
            .to_owned();
        assert_eq!(ocid, format!("ocds-licita-{id}"));
        assert_eq!(status_of(&app, id).await, "open");
        let public = app
            .client()
            .get(app.url(&format!("/api/v1/tenders/{id}")))
            .send()
            .await
            .expect("get")
            .json::<Value>()
            .await
            .expect("json");
        assert_eq!(
            public["committee"].as_array().expect("committee").len(),
            3,
            "two members and the observer"
        );

        // Published: no more edits nor a second publication.
        expect_error(
            app.put_json(&format!("/api/v1/tenders/{id}"), &officer, &body)
                .await,
            422,
            "status",
            "tender_not_draft",
        )
        .await;
        expect_error(
            app.post_json(
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                &json!({}),
            )
            .await,
            422,
            "status",
            "tender_not_draft",
        )
        .await;

        // Enquiries: a verified supplier asks, an officer answers once; the asker is never shown.
        let asked = app
            .post_json(
                &format!("/api/v1/tenders/{id}/enquiries"),
                &supplier,
                &json!({"question": "¿Se aceptan equipos con teclado en inglés?"}),
            )
            .await;
        assert_eq!(asked.status(), 201);
        let enquiry = asked.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        assert_eq!(
            post_status(
                &app,
                &format!("/api/v1/tenders/{id}/enquiries"),
                &officer,
                json!({"question": "¿Una consulta de un funcionario?"})
            )
            .await,
            403
        );
        let answer = format!("/api/v1/tenders/{id}/enquiries/{enquiry}/answer");
        assert_eq!(
            post_status(
                &app,
                &answer,
                &supplier,
                json!({"answer": "Respuesta de un proveedor."})
            )
            .await,
            403
        );
        assert_eq!(
            post_status(
                &app,
                &answer,
                &officer,
                json!({"answer": "No: el teclado debe estar en español."})
            )
            .await,
            204
        );
        expect_error(
            app.post_json(
                &answer,
                &officer,
                &json!({"answer": "Segunda respuesta distinta."}),
            )
            .await,
            409,
            "answer",
            "already_answered",
        )
        .await;
        let public = app
            .client()
            .get(app.url(&format!("/api/v1/tenders/{id}")))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        assert!(public.contains("teclado debe estar en español"));
        assert!(
            !public.contains("Andina") && !public.contains(ANDINA_RUC),
            "the asker is not named"
        );

        // A pending supplier may not ask.
        let techperu = app.token(TECHPERU_OWNER).await;
        expect_error(
            app.post_json(
                &format!("/api/v1/tenders/{id}/enquiries"),
                &techperu,
                &json!({"question": "¿Pregunta de una empresa pendiente?"}),
            )
            .await,
            422,
            "question",
            "supplier_cannot_bid",
        )
        .await;

        // After the enquiry deadline: no questions, no answers; the status says so even before
        // the background task runs, and the task then records the move once.
        let asked = app
            .post_json(
                &format!("/api/v1/tenders/{id}/enquiries"),
                &supplier,
                &json!({"question": "¿Última pregunta antes del cierre?"}),
            )
            .await;
        let late_enquiry = asked.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        app.advance(Duration::days(4));
        // Sessions last 8 hours: sign in again after the jump.
        let (officer, other_buyer, supplier) = (
            app.token(OFFICER).await,
            app.token(MINSA_OFFICER).await,
            app.token(SUPPLIER).await,
        );
        assert_eq!(status_of(&app, id).await, "enquiries_closed");
        expect_error(
            app.post_json(
                &format!("/api/v1/tenders/{id}/enquiries"),
                &supplier,
                &json!({"question": "¿Pregunta fuera de plazo?"}),
            )
            .await,
            422,
            "question",
            "enquiries_closed",
        )
        .await;
        // Questions close with the enquiry period, answers do not: the committee still
        // answers (absolución de consultas) until the submission deadline, and the officer's
        // panel lists the question as waiting until it is answered.
        let pages = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let panel = page_text(&pages, app.url("/panel")).await;
        assert!(
            panel.contains(&format!("/licitaciones/{id}#consultas")),
            "{db:?}: the panel omits a question that may still be answered: {panel}"
        );
        let answered = app
            .post_json(
                &format!("/api/v1/tenders/{id}/enquiries/{late_enquiry}/answer"),
                &officer,
                &json!({"answer": "Se acepta la marca equivalente."}),
            )
            .await;
        assert_eq!(
            answered.status(),
            204,
            "{db:?}: {:?}",
            answered.text().await
        );
        let panel = page_text(&pages, app.url("/panel")).await;
        assert!(
            !panel.contains(&format!("/licitaciones/{id}#consultas")),
            "{db:?}: an answered question is still listed: {panel}"
        );
        assert!(app.tick().await >= 1);

        // Amendments: need a rationale and a change; public history says what changed.
        let amendments = format!("/api/v1/tenders/{id}/amendments");
        expect_error(
            app.post_json(
                &amendments,
                &officer,
                &json!({"rationale": "Sin cambios reales."}),
            )
            .await,
            422,
            "rationale",
            "amendment_without_changes",
        )
        .await;
        expect_error(app.post_json(&amendments, &officer, &json!({"rationale": "Se adelanta el cierre.", "submission_deadline": lima(9, "12:00")})).await, 422, "submission_deadline", "deadline_moved_earlier").await;
        assert_eq!(post_status(&app, &amendments, &other_buyer, json!({"rationale": "Enmienda ajena a la entidad.", "description": "Otra descripción completamente distinta de la original."})).await, 403);
        let response = app
            .post_json(&amendments, &officer, &json!({"rationale": "Se precisa la garantía exigida.", "material": true, "description": "Adquisición de computadoras portátiles con garantía de cinco años en sitio para las oficinas de atención al ciudadano."}))
            .await;
        assert_eq!(response.status(), 200);
        let t: Value = response.json().await.expect("json");
        assert_eq!(t["amendments"][0]["number"], 1);
        assert_eq!(t["amendments"][0]["material"], true);
        assert!(
            t["amendments"][0]["changes"]["description"]["before"]
                .as_str()
                .expect("before")
                .contains("tres años")
        );

        // Cancellation: with a ground, before award; not twice.
        let cancel = format!("/api/v1/tenders/{id}/cancel");
        expect_error(
            app.post_json(&cancel, &officer, &json!({"ground": "corto"}))
                .await,
            422,
            "ground",
            "too_short",
        )
        .await;
        assert_eq!(
            post_status(
                &app,
                &cancel,
                &supplier,
                json!({"ground": "Un proveedor no puede cancelar."})
            )
            .await,
            403
        );
        assert_eq!(
            post_status(
                &app,
                &cancel,
                &officer,
                json!({"ground": "Se cancela por recorte presupuestal dispuesto por el MEF."})
            )
            .await,
            204
        );
        assert_eq!(status_of(&app, id).await, "cancelled");
        expect_error(
            app.post_json(
                &cancel,
                &officer,
                &json!({"ground": "Segunda cancelación del mismo proceso."}),
            )
            .await,
            422,
            "status",
            "tender_not_cancellable",
        )
        .await;
        expect_error(app.post_json(&amendments, &officer, &json!({"rationale": "Enmienda tras la cancelación.", "material": false, "description": "Una descripción nueva después de cancelar la convocatoria."})).await, 422, "status", "tender_not_amendable").await;
        expect_error(
            app.upload(&officer, id, "Anexo.pdf", REAL_PDF.to_vec())
                .await,
            422,
            "file",
            "tender_closed_for_documents",
        )
        .await;

        // After the deadline an amendment is refused; after award (issue 6 sets it) so is a
        // cancellation.
        let second = drafted(
            &app,
            &officer,
            &draft(
                "Adquisición de estaciones de trabajo para el área de catastro",
                "adjudicacion_simplificada",
                &committee,
                &lima(20, "12:00"),
            ),
        )
        .await;
        let mut later = draft(
            "x",
            "adjudicacion_simplificada",
            &committee,
            &lima(20, "12:00"),
        );
        later["title"] = json!("Adquisición de estaciones de trabajo para el área de catastro");
        later["enquiry_deadline"] = json!(lima(10, "12:00"));
        assert_eq!(
            app.put_json(&format!("/api/v1/tenders/{second}"), &officer, &later)
                .await
                .status(),
            200
        );
        assert_eq!(
            post_status(
                &app,
                &format!("/api/v1/tenders/{second}/publish"),
                &officer,
                json!({})
            )
            .await,
            200
        );
        app.advance(Duration::days(17));
        let officer = app.token(OFFICER).await;
        assert_eq!(status_of(&app, second).await, "closed");
        expect_error(app.post_json(&format!("/api/v1/tenders/{second}/amendments"), &officer, &json!({"rationale": "Enmienda fuera de plazo.", "submission_deadline": lima(40, "12:00")})).await, 422, "status", "tender_not_amendable").await;
        let db_app = app.app.clone();
        db_app
            .db
            .run(move |conn| {
                use backend::schema::tenders;
                use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
                diesel::update(tenders::table.find(second))
                    .set(tenders::status.eq(TenderStatus::Awarded))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .expect("award stand-in");
        expect_error(
            app.post_json(
                &format!("/api/v1/tenders/{second}/cancel"),
                &officer,
                &json!({"ground": "Cancelación después de adjudicar."}),
            )
            .await,
            422,
            "status",
            "tender_not_cancellable",
        )
        .await;

        // Every move is in the tender's audit chain, and the chain verifies.
        let auditor = app.token(AUDITOR).await;
        let chain = app
            .get_json(&format!("/api/v1/audit/chains/tender:{id}"), &auditor)
            .await;
        let actions: Vec<&str> = chain
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        for action in [
            "tender.drafted",
            "tender.document_uploaded",
            "tender.updated",
            "tender.published",
            "tender.enquiry_asked",
            "tender.enquiry_answered",
            "tender.enquiries_closed",
            "tender.amended",
            "tender.cancelled",
        ] {
            assert!(actions.contains(&action), "{action} missing in {actions:?}");
        }
        assert_eq!(
            app.get_json("/api/v1/audit/verify", &auditor).await["ok"],
            true
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn date_rules_hold_exactly_at_their_edges_in_lima_time() {
    for db in backends() {
        let app = TestApp::spawn_people(db).await;
        let officer = app.token(OFFICER).await;
        let committee = [
            app.user_id(OFFICER).await,
            app.user_id(LIMA_OFFICER_2).await,
        ];
        // The clock is 2026-11-23 09:00 in Lima. Adjudicación simplificada needs 8 calendar
        // days: 2026-12-01 is the first allowed Lima date, however early in that day.
        let publish = |deadline: String| {
            let app = &app;
            let officer = officer.clone();
            let body = draft(
                "Adquisición de computadoras portátiles para el área de rentas",
                "adjudicacion_simplificada",
                &committee,
                &deadline,
            );
            async move {
                let id = drafted(app, &officer, &body).await;
                app.post_json(
                    &format!("/api/v1/tenders/{id}/publish"),
                    &officer,
                    &json!({}),
                )
                .await
            }
        };
        assert_eq!(
            publish(lima(8, "00:01")).await.status(),
            200,
            "exactly the minimum period"
        );
        expect_error(
            publish(lima(7, "23:59")).await,
            422,
            "submission_deadline",
            "period_too_short",
        )
        .await;
        // 03:00 UTC on 2026-12-01 is still 2026-11-30 in Lima: refused.
        expect_error(
            publish("2026-12-01T03:00:00Z".into()).await,
            422,
            "submission_deadline",
            "period_too_short",
        )
        .await;

        // The amendment rule (default 3 days): exactly 3 days before the deadline no
        // extension is needed; one minute later it is, to at least 3 days after the amendment.
        let id = drafted(
            &app,
            &officer,
            &draft(
                "Adquisición de computadoras portátiles para la gerencia de obras",
                "adjudicacion_simplificada",
                &committee,
                &lima(12, "09:00"),
            ),
        )
        .await;
        assert_eq!(
            post_status(
                &app,
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                json!({})
            )
            .await,
            200
        );
        let amendments = format!("/api/v1/tenders/{id}/amendments");
        app.advance(Duration::days(9));
        let officer = app.token(OFFICER).await;
        let plain = |n: u32| json!({"rationale": format!("Aclaración número {n} de las especificaciones."), "description": format!("Adquisición de computadoras portátiles, aclaración {n}, para la gerencia de obras de la municipalidad.")});
        assert_eq!(
            app.post_json(&amendments, &officer, &plain(1))
                .await
                .status(),
            200,
            "exactly at the threshold"
        );
        app.advance(Duration::minutes(1));
        let problem = expect_error(
            app.post_json(&amendments, &officer, &plain(2)).await,
            422,
            "submission_deadline",
            "amendment_requires_extension",
        )
        .await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or("")
                .contains("2026-12-05 09:01"),
            "names the earliest deadline in Lima time: {problem}"
        );
        let mut extended = plain(3);
        // One minute short of 3 days after the amendment: still refused.
        extended["submission_deadline"] = json!(lima(12, "09:00"));
        extended["opening_at"] = json!(lima(12, "10:00"));
        expect_error(
            app.post_json(&amendments, &officer, &extended).await,
            422,
            "submission_deadline",
            "amendment_requires_extension",
        )
        .await;
        extended["submission_deadline"] = json!(lima(12, "09:01"));
        assert_eq!(
            app.post_json(&amendments, &officer, &extended)
                .await
                .status(),
            200,
            "extended to exactly 3 days after"
        );
        app.stop().await;
    }
}

/// Queries and the titles they must find in the demo tenders.
const SEARCHES: &[&str] = &[
    "q=computadoras",
    "q=computadora",
    "q=COMPUTADORA",
    "q=construccion",
    "q=construcción",
    "q=puente",
    "q=vacunacion",
    "q=insulina%20humana",
    "q=de%20la",
    "q=zzzxxy",
    "q=servicio&procurement_category=services",
    "status=open&sort=-value",
    "status=closed",
    "status=enquiries_closed",
    "status=cancelled",
    "method=licitacion_publica&sort=value",
    "procurement_category=works",
    "classification=43",
    "classification=43211507",
    "currency=USD&value_min=1000000",
    "value_min=100000&value_max=500000&sort=-value",
    "deadline_from=2026-11-24&deadline_to=2026-12-10",
    "per_page=5&page=2",
    // What the search form sends when nothing is chosen.
    "q=puente&status=&method=&buyer=&procurement_category=&classification=&currency=PEN&value_min=&value_max=&deadline_from=&deadline_to=&sort=deadline",
    "per_page=7&page=3&sort=-published",
    // Every sort, the buyer filter, RUCs, winners, the any-word fallback, combinations.
    "sort=published",
    "sort=-deadline&per_page=4",
    "buyer=1&sort=-deadline",
    "buyer=2&status=open&sort=value",
    "q=20131380951",
    "q=20512333797",
    "q=andina",
    "q=mantenimiento%20de%20vias",
    "q=construcci%C3%B3n%20puente&sort=-value",
    "classification=72&sort=published",
    "deadline_from=2026-12-01",
    "deadline_to=2026-12-15&sort=-published",
    "method=adjudicacion_simplificada&procurement_category=goods",
    "q=adquisicion&status=open&per_page=3&page=2",
];

async fn titles_for(app: &TestApp, query: &str) -> Vec<String> {
    crate::search::found(app, query).await["tenders"]
        .as_array()
        .expect("tenders")
        .iter()
        .map(|t| t["title"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn search_stems_spanish_ignores_accents_and_agrees_across_engines() {
    let mut per_engine = Vec::new();
    for db in backends() {
        let app = TestApp::spawn(db).await;
        // Plural and singular, upper case, with and without accents find the same tenders.
        let plural = titles_for(&app, "q=computadoras").await;
        assert!(
            plural
                .iter()
                .any(|t| t.contains("computadoras de escritorio")),
            "{plural:?}"
        );
        assert!(
            plural.iter().any(|t| t.contains("computadoras portátiles")),
            "{plural:?}"
        );
        assert_eq!(titles_for(&app, "q=computadora").await, plural);
        assert_eq!(titles_for(&app, "q=COMPUTADORA").await, plural);
        let accented = titles_for(&app, "q=construcción").await;
        assert!(
            accented
                .iter()
                .any(|t| t.starts_with("Construcción del puente")),
            "{accented:?}"
        );
        assert_eq!(titles_for(&app, "q=construccion").await, accented);
        assert!(titles_for(&app, "q=zzzxxy").await.is_empty());
        // Drafts never show; cancelled ones do, with their status.
        assert!(
            !titles_for(&app, "q=tabletas%20fiscalizacion")
                .await
                .iter()
                .any(|t| t.contains("tabletas"))
        );
        assert_eq!(titles_for(&app, "status=cancelled").await.len(), 3);
        // Bad filters are named.
        let response = app
            .client()
            .get(app.url("/api/v1/tenders?status=borrador&sort=azar&value_min=abc"))
            .send()
            .await
            .expect("search");
        let problem = expect_error(response, 422, "status", "invalid_choice").await;
        assert!(error_codes(&problem).contains(&("sort".into(), "invalid_choice".into())));
        assert!(error_codes(&problem).contains(&("value_min".into(), "invalid_amount".into())));
        let mut results = Vec::new();
        for query in SEARCHES {
            results.push((query.to_string(), crate::search::ids_for(&app, query).await));
        }
        per_engine.push((db, results));
        app.stop().await;
    }
    if let [(_, sqlite), (_, postgres)] = per_engine.as_slice() {
        for ((query, a), (_, b)) in sqlite.iter().zip(postgres) {
            assert_eq!(a, b, "SQLite and PostgreSQL disagree on {query}");
        }
    }
}

#[tokio::test]
async fn uploads_are_checked_by_content_limited_while_streaming_and_round_trip() {
    for db in backends() {
        let app = TestApp::spawn_people_with(db, &[("LICITA_UPLOAD_MAX_MB", "1")]).await;
        let officer = app.token(OFFICER).await;
        let committee = [
            app.user_id(OFFICER).await,
            app.user_id(LIMA_OFFICER_2).await,
        ];
        let id = drafted(
            &app,
            &officer,
            &draft(
                "Adquisición de computadoras portátiles para el archivo central",
                "adjudicacion_simplificada",
                &committee,
                &lima(10, "12:00"),
            ),
        )
        .await;

        // Over the limit: 413 naming the file and the limit; nothing kept.
        let mut big = REAL_PDF.to_vec();
        big.resize(1024 * 1024 + 1, b' ');
        let problem = expect_error(
            app.upload(&officer, id, "Planos.pdf", big).await,
            413,
            "file",
            "file_too_large",
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap_or("").contains("1 MB"),
            "{problem}"
        );
        let incoming = app.dir.path().join("data/documents/incoming");
        assert_eq!(
            std::fs::read_dir(&incoming).map(|d| d.count()).unwrap_or(0),
            0,
            "no partial file left"
        );
        // Content that is not what the name says.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
        expect_error(
            app.upload(&officer, id, "Bases.pdf", png).await,
            422,
            "file",
            "file_type_mismatch",
        )
        .await;
        expect_error(
            app.upload(
                &officer,
                id,
                "Bases.pdf",
                b"<html><script>alert(1)</script></html>".to_vec(),
            )
            .await,
            422,
            "file",
            "file_type_unsupported",
        )
        .await;
        // Path tricks.
        expect_error(
            app.upload(&officer, id, "../../etc/passwd.pdf", REAL_PDF.to_vec())
                .await,
            422,
            "file",
            "file_name_invalid",
        )
        .await;
        expect_error(
            app.upload(&officer, id, "..\\bases.pdf", REAL_PDF.to_vec())
                .await,
            422,
            "file",
            "file_name_invalid",
        )
        .await;
        // Only the buyer's officers upload.
        assert_eq!(
            app.upload(
                &app.token(SUPPLIER).await,
                id,
                "Bases.pdf",
                REAL_PDF.to_vec()
            )
            .await
            .status(),
            404,
            "a draft is not even visible"
        );
        assert_eq!(
            app.upload(
                &app.token(MINSA_OFFICER).await,
                id,
                "Bases.pdf",
                REAL_PDF.to_vec()
            )
            .await
            .status(),
            404
        );

        // A real PDF round-trips byte for byte with its SHA-256 published.
        let response = app
            .upload(
                &officer,
                id,
                "Especificación técnica.pdf",
                REAL_PDF.to_vec(),
            )
            .await;
        assert_eq!(response.status(), 201);
        let document: Value = response.json().await.expect("json");
        let expected = hex::encode(Sha256::digest(REAL_PDF));
        assert_eq!(document["sha256"], expected);
        assert_eq!(document["media_type"], "application/pdf");
        assert!(
            app.dir
                .path()
                .join(format!("data/documents/{}/{expected}", &expected[..2]))
                .exists(),
            "stored by its hash"
        );
        assert_eq!(
            post_status(
                &app,
                &format!("/api/v1/tenders/{id}/publish"),
                &officer,
                json!({})
            )
            .await,
            200
        );
        let url = app.url(&format!(
            "/api/v1/tenders/{id}/documents/{}",
            document["id"]
        ));
        let download = app.client().get(&url).send().await.expect("download");
        assert_eq!(download.status(), 200);
        assert_eq!(download.headers()["content-type"], "application/pdf");
        assert!(
            download.headers()["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("attachment;")
        );
        assert_eq!(
            download.headers()["etag"],
            format!("\"{expected}\"").as_str()
        );
        let bytes = download.bytes().await.expect("bytes");
        assert_eq!(bytes.as_ref(), REAL_PDF);
        let page = page_text(&app.client(), app.url(&format!("/licitaciones/{id}"))).await;
        assert!(page.contains(&expected), "the hash is on the public page");
        // Uploading to a published tender stages it until an amendment publishes it.
        let response = app
            .upload(&officer, id, "Anexo de preguntas.pdf", REAL_PDF.to_vec())
            .await;
        let staged: Value = response.json().await.expect("json");
        let public: Value = app
            .client()
            .get(app.url(&format!("/api/v1/tenders/{id}")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert!(
            !public["documents"]
                .as_array()
                .expect("docs")
                .iter()
                .any(|d| d["id"] == staged["id"]),
            "staged is not public"
        );
        assert_eq!(
            app.client()
                .get(app.url(&format!("/api/v1/tenders/{id}/documents/{}", staged["id"])))
                .send()
                .await
                .expect("get")
                .status(),
            404
        );
        let amended = app
            .post_json(
                &format!("/api/v1/tenders/{id}/amendments"),
                &officer,
                &json!({"rationale": "Se publica el anexo con las preguntas frecuentes."}),
            )
            .await;
        assert_eq!(amended.status(), 200);
        let public: Value = amended.json().await.expect("json");
        assert!(
            public["documents"]
                .as_array()
                .expect("docs")
                .iter()
                .any(|d| d["id"] == staged["id"] && d["added_in"].is_i64())
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn script_in_a_title_or_description_is_shown_as_text() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let officer = app.token(OFFICER).await;
    let committee = [
        app.user_id(OFFICER).await,
        app.user_id(LIMA_OFFICER_2).await,
    ];
    let mut body = draft(
        "<script>alert('xss')</script> Compra de sillas",
        "adjudicacion_simplificada",
        &committee,
        &lima(10, "12:00"),
    );
    body["description"] =
        json!("<img src=x onerror=alert(1)> Sillas ergonómicas para las oficinas municipales.");
    let id = drafted(&app, &officer, &body).await;
    assert_eq!(
        post_status(
            &app,
            &format!("/api/v1/tenders/{id}/publish"),
            &officer,
            json!({})
        )
        .await,
        200
    );
    for path in [
        format!("/licitaciones/{id}"),
        "/licitaciones?q=sillas".to_owned(),
    ] {
        let html = page_text(&app.client(), app.url(&path)).await;
        assert!(html.contains("&lt;script&gt;"), "{path}: escaped");
        assert!(!html.contains("<script>alert"), "{path}: never raw");
        assert!(!html.contains("<img src=x"), "{path}: never raw");
    }
}

#[tokio::test]
async fn the_status_task_moves_each_tender_once_even_with_two_servers() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        // A second server process on the same database, with the same clock.
        let settings = backend::config::Settings::from_lookup(|k| match k {
            "LICITA_DATABASE_URL" => Some(app.database_url.clone()),
            "LICITA_DATA_DIR" => Some(app.dir.path().join("data2").display().to_string()),
            "LICITA_MAIL_TRANSPORT" => Some("memory".into()),
            "LICITA_JWT_SECRET" => Some(JWT_SECRET.into()),
            "LICITA_CONFIG" => Some(app.dir.path().join("none.toml").display().to_string()),
            _ => None,
        })
        .expect("settings");
        let clock = app.clock.clone();
        let second = std::sync::Arc::new(
            tokio::task::spawn_blocking(move || {
                backend::App::start(settings, std::sync::Arc::new(clock))
            })
            .await
            .expect("task")
            .expect("second server starts"),
        );
        app.advance(Duration::days(60));
        let now = backend::clock::Clock::now_db(&app.clock);
        let (a, b) = (app.app.clone(), second.clone());
        let (one, two) = tokio::join!(
            a.db.run(move |conn| backend::tenders::advance_statuses(conn, now)),
            b.db.run(move |conn| backend::tenders::advance_statuses(conn, now)),
        );
        let moved = one.expect("first") + two.expect("second");
        assert!(moved > 0);
        let auditor = app.token_with(AUDITOR, DEMO_PASSWORD).await;
        let page = app.get_json("/api/v1/tenders?per_page=100", &auditor).await;
        let mut closings = 0;
        for t in page["tenders"].as_array().expect("tenders") {
            let chain = app
                .get_json(
                    &format!("/api/v1/audit/chains/tender:{}", t["id"]),
                    &auditor,
                )
                .await;
            let count = chain
                .as_array()
                .expect("events")
                .iter()
                .filter(|e| e["action"] == "tender.tendering_closed")
                .count();
            if t["status"] != "cancelled" {
                assert_eq!(count, 1, "tender {} closed exactly once on {db:?}", t["id"]);
                closings += 1;
            }
        }
        assert!(closings >= 20);
        assert_eq!(app.tick().await, 0, "nothing left to move");
        app.stop().await;
    }
}

#[tokio::test]
async fn subscribers_and_followers_get_one_email_per_event() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let officer = app.token(OFFICER).await;
    let supplier = app.token(SUPPLIER).await;
    let lima_buyer = app.get_json("/api/v1/me", &officer).await["buyer_id"]
        .as_i64()
        .expect("buyer");
    // Subscribed to the segment and to the buyer: both match, one email.
    let response = app
        .put_json(
            "/api/v1/me/alerts",
            &supplier,
            &json!({"segments": ["43"], "buyers": [lima_buyer]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    expect_error(
        app.put_json(
            "/api/v1/me/alerts",
            &supplier,
            &json!({"segments": ["99"], "buyers": []}),
        )
        .await,
        422,
        "segments",
        "unknown_category",
    )
    .await;
    assert_eq!(
        app.put_json(
            "/api/v1/me/alerts",
            &officer,
            &json!({"segments": ["43"], "buyers": []})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.put_json("/api/v1/me/alerts", &supplier, &json!({}))
            .await
            .status(),
        400,
        "an empty body never wipes alerts"
    );
    let committee = [
        app.user_id(OFFICER).await,
        app.user_id(LIMA_OFFICER_2).await,
    ];
    let id = drafted(
        &app,
        &officer,
        &draft(
            "Adquisición de impresoras multifuncionales para las agencias",
            "adjudicacion_simplificada",
            &committee,
            &lima(10, "12:00"),
        ),
    )
    .await;
    app.settle_mail().await;
    let before = app.subjects_sent_to(SUPPLIER).await.len();
    assert_eq!(
        post_status(
            &app,
            &format!("/api/v1/tenders/{id}/publish"),
            &officer,
            json!({})
        )
        .await,
        200
    );
    let subjects = app.subjects_sent_to(SUPPLIER).await;
    let new: Vec<&String> = subjects[before..].iter().collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(new[0].contains("impresoras multifuncionales"));
    // Constructora Sol subscribes to nothing: no email.
    assert!(
        app.subjects_sent_to(OTHER_OWNER)
            .await
            .iter()
            .all(|s| !s.contains("impresoras"))
    );
    // Constructora Sol asks, so it follows: it hears about the answer, the amendment and the
    // cancellation; Andina (subscriber) about the amendment and the cancellation.
    let other = app.token(OTHER_OWNER).await;
    let asked = app
        .post_json(
            &format!("/api/v1/tenders/{id}/enquiries"),
            &other,
            &json!({"question": "¿Se requiere instalación en cada agencia?"}),
        )
        .await;
    let enquiry = asked.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    app.post_json(
        &format!("/api/v1/tenders/{id}/enquiries/{enquiry}/answer"),
        &officer,
        &json!({"answer": "Sí, en las 12 agencias listadas en el anexo."}),
    )
    .await;
    app.post_json(&format!("/api/v1/tenders/{id}/amendments"), &officer, &json!({"rationale": "Se amplía el plazo de presentación.", "submission_deadline": lima(12, "12:00"), "opening_at": lima(12, "12:00")})).await;
    app.post_json(
        &format!("/api/v1/tenders/{id}/cancel"),
        &officer,
        &json!({"ground": "Se cancela por reorganización de las agencias."}),
    )
    .await;
    let sol = app.subjects_sent_to(OTHER_OWNER).await;
    for expected in ["Nueva respuesta", "Enmienda", "Cancelada"] {
        assert_eq!(
            sol.iter()
                .filter(|s| s.contains(expected) && s.contains("impresoras"))
                .count(),
            1,
            "{expected} in {sol:?}"
        );
    }
    let andina = app.subjects_sent_to(SUPPLIER).await;
    assert_eq!(
        andina.iter().filter(|s| s.contains("impresoras")).count(),
        3,
        "{andina:?}"
    );
    let cancel_mail = app
        .app
        .mailer
        .sent()
        .into_iter()
        .find(|m| m.to == OTHER_OWNER && m.subject.starts_with("Cancelada"))
        .expect("mail");
    assert!(
        cancel_mail.body.contains(&format!("/licitaciones/{id}")),
        "links to the tender"
    );
}

#[tokio::test]
async fn officers_draft_amend_and_cancel_through_the_pages() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let client = page_login(&app, OFFICER, DEMO_PASSWORD).await;
    let form = page_text(&client, app.url("/licitaciones/nueva")).await;
    let csrf = csrf_from(&form);
    // An empty form comes back with the error summary and labelled fields.
    let response = post_form(
        &client,
        app.url("/licitaciones/nueva"),
        &[("csrf_token", csrf.as_str())],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("error-summary") && html.contains("href=\"#f-title\""));
    assert!(html.contains("<label for=\"f-lot_title\">"));
    // The cancellation page of a fixture tender (open, Municipalidad de Lima).
    let found = app
        .client()
        .get(app.url("/api/v1/tenders?q=uniformes%20serenazgo"))
        .send()
        .await
        .expect("search")
        .json::<Value>()
        .await
        .expect("json");
    let id = found["tenders"][0]["id"].as_i64().expect("id");
    let response = post_form(
        &client,
        app.url(&format!("/licitaciones/{id}/cancelar")),
        &[("csrf_token", csrf.as_str()), ("ground", "corto")],
    )
    .await;
    assert_eq!(response.status(), 422);
    // The amendment page sends only what changed.
    let amend_page = page_text(&client, app.url(&format!("/licitaciones/{id}/enmienda"))).await;
    assert!(amend_page.contains("name=\"rationale\""));
    let tender = app
        .client()
        .get(app.url(&format!("/api/v1/tenders/{id}")))
        .send()
        .await
        .expect("get")
        .json::<Value>()
        .await
        .expect("json");
    let local = |key: &str| {
        backend::tenders::lima_input_value(crate::bids::naive(tender[key].as_str().expect("date")))
    };
    let new_deadline =
        crate::bids::naive(tender["submission_deadline"].as_str().expect("d")) + Duration::days(2);
    let deadline = backend::tenders::lima_input_value(new_deadline);
    let mut fields: Vec<(String, String)> = vec![
        ("csrf_token".into(), csrf.clone()),
        (
            "rationale".into(),
            "Se amplía el plazo por el feriado regional.".into(),
        ),
        (
            "description".into(),
            tender["description"].as_str().expect("d").into(),
        ),
        ("enquiry_deadline".into(), local("enquiry_deadline")),
        ("submission_deadline".into(), deadline.clone()),
        ("opening_at".into(), deadline.clone()),
        ("award_criteria".into(), "lowest_price".into()),
    ];
    for lot in tender["lots"].as_array().expect("lots") {
        fields.push(("lot_title".into(), lot["title"].as_str().expect("t").into()));
        fields.push((
            "lot_quantity".into(),
            lot["quantity"].as_str().expect("q").into(),
        ));
        fields.push(("lot_unit".into(), lot["unit"].as_str().expect("u").into()));
        fields.push((
            "lot_value".into(),
            lot["estimated_value"]["amount"].as_str().expect("v").into(),
        ));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = post_form(
        &client,
        app.url(&format!("/licitaciones/{id}/enmienda")),
        &pairs,
    )
    .await;
    assert_eq!(
        response.status(),
        303,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let t = app
        .client()
        .get(app.url(&format!("/api/v1/tenders/{id}")))
        .send()
        .await
        .expect("get")
        .json::<Value>()
        .await
        .expect("json");
    let changes = t["amendments"].as_array().expect("a").last().expect("one")["changes"].clone();
    assert_eq!(
        changes.as_object().expect("obj").keys().collect::<Vec<_>>(),
        vec!["opening_at", "submission_deadline"],
        "only the dates changed"
    );
    let page = page_text(&app.client(), app.url(&format!("/licitaciones/{id}"))).await;
    assert!(page.contains("Se amplía el plazo por el feriado regional."));
    // English pages, too.
    let english = app
        .client()
        .get(app.url(&format!("/licitaciones/{id}")))
        .header("accept-language", "en")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(english.contains("Amendments") && english.contains("Questions and answers"));
}

#[tokio::test]
async fn a_description_keeps_its_paragraphs() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let officer = app.token(OFFICER).await;
    let committee = vec![
        app.user_id(OFFICER).await,
        app.user_id(LIMA_OFFICER_2).await,
        app.user_id(crate::bids::LIMA_OFFICER_3).await,
    ];
    let mut body = draft(
        "Mantenimiento de parques zonales",
        "licitacion_publica",
        &committee,
        &lima(25, "17:00"),
    );
    // As a textarea sends it.
    body["description"] = json!("Primer párrafo del objeto.\r\n\r\nSegundo párrafo: alcance.");
    let created = app.post_json("/api/v1/tenders", &officer, &body).await;
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let id = created.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let draft: Value = app
        .get_json(&format!("/api/v1/tenders/{id}/draft"), &officer)
        .await;
    assert_eq!(
        draft["description"],
        "Primer párrafo del objeto.\n\nSegundo párrafo: alcance."
    );
    // Other controls are still refused.
    body["description"] = json!("Primer párrafo del objeto.\u{7}\nSegundo párrafo.");
    let refused = app.post_json("/api/v1/tenders", &officer, &body).await;
    assert_eq!(refused.status(), 422);
}

/// A tender saved half-filled through the page is kept as typed (a note of the entity, not
/// a tender: no ocid, nothing published); completed, the same form becomes a draft and the
/// note is gone. Publication then checks everything, as for any draft.
#[tokio::test]
async fn a_half_filled_tender_is_kept_and_becomes_a_draft_once_complete() {
    let app = TestApp::spawn_people(Db::Sqlite).await;
    let client = page_login(&app, OFFICER, DEMO_PASSWORD).await;
    let csrf = csrf_from(&page_text(&client, app.url("/licitaciones/nueva")).await);
    let title = "Útiles de escritorio para las agencias municipales";
    let half = post_form(
        &client,
        app.url("/licitaciones/nueva"),
        &[("csrf_token", csrf.as_str()), ("title", title)],
    )
    .await;
    assert_eq!(half.status(), 422, "the checks still answer");
    let html = half.text().await.expect("html");
    assert!(html.contains("error-summary") && html.contains("borrador incompleto"));
    let note = html
        .split("name=\"note\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries its note")
        .to_owned();
    let mine = page_text(&client, app.url("/mis-licitaciones")).await;
    assert!(mine.contains(&format!("/licitaciones/nueva?nota={note}")) && mine.contains(title));
    // Nothing was published or drafted: the API knows no such tender.
    let drafts = app
        .get_json("/api/v1/me/tenders", &app.token(OFFICER).await)
        .await;
    assert!(
        !drafts.to_string().contains(title),
        "a note is not a tender"
    );
    // An empty form keeps nothing.
    post_form(
        &client,
        app.url("/licitaciones/nueva"),
        &[("csrf_token", csrf.as_str())],
    )
    .await;
    let mine = page_text(&client, app.url("/mis-licitaciones")).await;
    assert_eq!(mine.matches("/licitaciones/nueva?nota=").count(), 1);
    // Completed, with the note's id: a draft, and the note is gone.
    let mut committee = Vec::new();
    for email in [OFFICER, LIMA_OFFICER_2, crate::bids::LIMA_OFFICER_3] {
        committee.push(app.user_id(email).await.to_string());
    }
    let local = |s: String| s.trim_end_matches(":00-05:00").to_owned();
    let deadline = local(lima(30, "12:00"));
    let enquiries = local(lima(10, "17:00"));
    let mut fields: Vec<(&str, &str)> = vec![
        ("csrf_token", csrf.as_str()),
        ("note", note.as_str()),
        ("title", title),
        (
            "description",
            "Papel bond, lapiceros, archivadores y tóner para las doce agencias municipales.",
        ),
        ("method", "licitacion_publica"),
        ("procurement_category", "goods"),
        ("classification", "44000000"),
        ("currency", "PEN"),
        ("lot_title", "Útiles de escritorio"),
        ("lot_quantity", "12"),
        ("lot_unit", "lote"),
        ("lot_value", "48,000.00"),
        ("award_criteria", "lowest_price"),
        ("enquiry_deadline", enquiries.as_str()),
        ("submission_deadline", deadline.as_str()),
        ("opening_at", deadline.as_str()),
        ("committee_threshold", "2"),
    ];
    for id in &committee {
        fields.push(("committee", id.as_str()));
    }
    let done = post_form(&client, app.url("/licitaciones/nueva"), &fields).await;
    assert_eq!(done.status(), 303, "{:?}", done.text().await);
    let mine = page_text(&client, app.url("/mis-licitaciones")).await;
    assert!(
        !mine.contains("/licitaciones/nueva?nota="),
        "the note became the draft"
    );
    assert!(mine.contains(title));
}

#[tokio::test]
async fn a_document_stored_by_another_server_answers_503_not_500() {
    let app = TestApp::spawn_cast(Db::Sqlite, &[OFFICER, LIMA_OFFICER_2]).await;
    let build = app.build();
    let (author, second) = (
        build.person(OFFICER).await,
        build.person(LIMA_OFFICER_2).await,
    );
    let (id, _, _) = build
        .published_tender(&author, "Mantenimiento de semáforos", &[&author, &second])
        .await;
    let view = app.get_public(&format!("/api/v1/tenders/{id}")).await;
    let (document, sha256) = (
        view["documents"][0]["id"].as_i64().expect("id"),
        view["documents"][0]["sha256"]
            .as_str()
            .expect("sha")
            .to_owned(),
    );
    let url = app.url(&format!("/api/v1/tenders/{id}/documents/{document}"));
    assert_eq!(
        app.client().get(&url).send().await.expect("get").status(),
        200
    );
    // Another server stored it: this one's data directory does not have the file.
    let file = app
        .dir
        .path()
        .join("data/documents")
        .join(&sha256[..2])
        .join(&sha256);
    std::fs::remove_file(&file).expect("remove the stored file");
    let answer = app.client().get(&url).send().await.expect("get");
    assert_eq!(answer.status(), 503, "a deployment problem, not a bug");
    app.stop().await;
}

#[tokio::test]
async fn an_officer_is_warned_of_a_deadline_on_a_public_holiday() {
    let app = TestApp::spawn_cast(Db::Sqlite, &[OFFICER, LIMA_OFFICER_2]).await;
    let officer = app.token(OFFICER).await;
    let committee = [
        app.user_id(OFFICER).await,
        app.user_id(LIMA_OFFICER_2).await,
    ];
    let pages = page_login(&app, OFFICER, DEMO_PASSWORD).await;
    let warning = "un día no laborable";
    // New Year's Day 2027 (a Friday, a national holiday), then an ordinary Thursday.
    for (deadline, warned) in [
        ("2027-01-01T17:00:00-05:00", true),
        (lima(31, "17:00").as_str(), false),
    ] {
        let id = drafted(
            &app,
            &officer,
            &draft(
                "Servicio de limpieza de mercados",
                "licitacion_publica",
                &committee,
                deadline,
            ),
        )
        .await;
        let page = page_text(&pages, app.url(&format!("/licitaciones/{id}"))).await;
        assert_eq!(page.contains(warning), warned, "{deadline}: {page}");
        if warned {
            assert!(page.contains("2027-01-01"), "{page}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_supplier_without_alerts_sees_the_open_tenders_of_its_registered_segments() {
    // Andina registered in segment 43 and chose no alert: its panel lists the open computer
    // tenders instead of saying nothing matches.
    let app = TestApp::spawn(Db::Sqlite).await;
    let pages = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
    let panel = page_text(&pages, app.url("/panel")).await;
    let section = panel
        .split("Convocatorias según sus alertas")
        .nth(1)
        .unwrap_or_else(|| panic!("no matching section: {panel}"));
    assert!(
        section.contains("computadoras"),
        "the company's segment 43 finds the computer tenders: {section}"
    );
    assert!(
        !section.contains("Ninguna convocatoria abierta coincide"),
        "{section}"
    );
    app.stop().await;
}
