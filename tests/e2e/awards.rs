//! After the opening, end to end on SQLite and PostgreSQL: evaluation, ranking, award with
//! its red flags, notices, a complaint upheld and the award to the next-ranked, the
//! standstill in Lima business days, the contract and its modifications; the auditors'
//! list, CSV, timeline and findings; and who may call what.

use crate::bids::{LIMA_OFFICER_3, PASSPHRASE, all_declarations, naive, verified_companies};
use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, MINSA_OFFICER, TECHPERU_OWNER, error_codes};
use serde_json::{Value, json};

pub fn bid_body(lot1: &str, lot2: Option<&str>) -> Value {
    let mut lots = vec![json!({"lot": 1, "amount": lot1})];
    if let Some(p) = lot2 {
        lots.push(json!({"lot": 2, "amount": p}));
    }
    json!({"lots": lots, "declarations": all_declarations(), "documents": []})
}

/// A published 2-of-3 tender with these bids (token, body), opened by two members.
pub async fn opened_tender(app: &TestApp, bids: &[(&str, Value)]) -> i64 {
    let (id, _deadline, opening_at) = app
        .sealed_tender("Equipos de cómputo para la Gerencia de Desarrollo Social")
        .await;
    for (token, body) in bids {
        let r = app.bid(token, id, body, None).await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
    }
    let build = app.build();
    let members = [
        build.person(OFFICER).await,
        build.person(LIMA_OFFICER_3).await,
    ];
    build
        .opened(
            backend::domain::TenderId(id),
            opening_at,
            &[&members[0], &members[1]],
        )
        .await;
    id
}

/// The evaluation sheet's bid id of the company with `ruc` on `lot`.
pub(crate) fn bid_of(sheet: &Value, lot: usize, name: &str) -> i64 {
    sheet["lots"][lot - 1]["ranking"]
        .as_array()
        .expect("ranking")
        .iter()
        .find(|b| {
            b["supplier_name"]
                .as_str()
                .is_some_and(|n| n.contains(name))
        })
        .and_then(|b| b["bid_id"].as_i64())
        .unwrap_or_else(|| panic!("{name} on lot {lot}: {sheet}"))
}

/// The Municipalidad de Lima's buyer id (the demo data has awards of other buyers too).
async fn lima_id(app: &TestApp) -> i64 {
    app.app
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(backend::schema::buyers::table
                .filter(backend::schema::buyers::ruc.eq("20131380951"))
                .select(backend::schema::buyers::id)
                .first(conn)?)
        })
        .await
        .expect("Lima's id")
}

/// The id of what a `201 Created` answer made.
async fn created_id(response: reqwest::Response) -> i64 {
    let body: Value = response.json().await.expect("json");
    body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("an id in {body}"))
}

pub(crate) async fn evaluate(
    app: &TestApp,
    token: &str,
    tender: i64,
    lot: usize,
    bid: i64,
    body: Value,
) {
    let r = app
        .put_json(
            &format!("/api/v1/tenders/{tender}/lots/{lot}/bids/{bid}/evaluation"),
            token,
            &body,
        )
        .await;
    assert_eq!(r.status(), 204, "{:?}", r.text().await);
}

pub(crate) fn scores(a: &str, b: &str) -> Value {
    json!({"admissible": true, "scores": [
        {"criterion": 1, "points": a, "comment": "Según la ficha técnica presentada."},
        {"criterion": 2, "points": b, "comment": "Según el cronograma ofrecido."}
    ]})
}

pub(crate) fn disqualified() -> Value {
    json!({"admissible": false, "disqualification_ground": "technical_noncompliance",
           "note": "El equipo ofertado tiene 8 GB de memoria; las bases piden 16 GB."})
}

#[tokio::test]
async fn a_tender_goes_from_opening_through_a_complaint_to_a_modified_contract() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        let rush = verified_companies(&app, 1).await.remove(0);
        let id = opened_tender(
            &app,
            &[
                (&andina, bid_body("150000.00", Some("20000.00"))),
                (&sol, bid_body("140000.00", Some("21000.00"))),
                (&rush, bid_body("130000.00", Some("20000.00"))),
            ],
        )
        .await;
        // Sessions from before the clock moved to the opening have expired.
        let sol = app.token(OTHER_OWNER).await;
        let officer = app.token(OFFICER).await;
        let second = app.token(LIMA_OFFICER_2).await;

        // Evaluation: price weighs 70, then two quality criteria of 20 and 10 points.
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
            .await;
        assert_eq!(sheet["quality_criteria"][0]["weight"], 20, "{sheet}");
        assert_eq!(sheet["lots"][0]["complete"], false);
        let premature = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &json!({"justification": "Primer puesto."}),
            )
            .await;
        assert_eq!(premature.status(), 422);
        let premature: Value = premature.json().await.expect("json");
        assert_eq!(error_codes(&premature)[0].1, "evaluation_incomplete");
        let over = app
            .put_json(
                &format!(
                    "/api/v1/tenders/{id}/lots/1/bids/{}/evaluation",
                    bid_of(&sheet, 1, "Andina")
                ),
                &officer,
                &scores("25", "10"),
            )
            .await;
        assert_eq!(over.status(), 422, "20 is the most for criterion 1");
        let over: Value = over.json().await.expect("json");
        assert_eq!(
            error_codes(&over),
            vec![("score_1".into(), "score_out_of_range".into())]
        );
        for (lot, name, body) in [
            (1, "Andina", scores("20", "10")),
            (1, "Constructora Sol", scores("15", "5")),
            (1, "Rush", disqualified()),
            (2, "Andina", scores("20", "10")),
            (2, "Constructora Sol", scores("20", "10")),
            (2, "Rush", scores("10", "5")),
        ] {
            evaluate(&app, &officer, id, lot, bid_of(&sheet, lot, name), body).await;
        }

        // Lot 1: Andina 65.33 + 30 beats Sol 70 + 20; Rush is disqualified. No flag.
        let preview = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/1/award"), &officer)
            .await;
        assert_eq!(
            preview["winner"]["supplier_name"], "Andina Tecnología S.A.C.",
            "{preview}"
        );
        assert_eq!(preview["winner"]["total_points"], "95.33");
        assert_eq!(preview["lot"]["ranking"][1]["total_points"], "90.00");
        assert_eq!(preview["flags"], json!([]));
        let no_reason = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &json!({"justification": "  "}),
            )
            .await;
        assert_eq!(no_reason.status(), 422);
        let awarded = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &json!({"justification": "Mayor puntaje total según las bases."}),
            )
            .await;
        assert_eq!(awarded.status(), 201, "{:?}", awarded.text().await);
        let first_award = created_id(awarded).await;

        // Lot 2: Andina and Rush both asked 20,000.00: identical prices need a justification.
        let preview2 = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/2/award"), &officer)
            .await;
        assert_eq!(preview2["flags"], json!(["identical_prices"]), "{preview2}");
        let unjustified = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/2/award"),
                &officer,
                &json!({"justification": "Mayor puntaje."}),
            )
            .await;
        assert_eq!(unjustified.status(), 422);
        let unjustified: Value = unjustified.json().await.expect("json");
        assert_eq!(
            error_codes(&unjustified),
            vec![("flag_identical_prices".into(), "required".into())]
        );
        let lot2 = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/2/award"),
                &officer,
                &json!({"justification": "Mayor puntaje.",
                        "flag_justifications": {"identical_prices": "Precio de lista del fabricante; ofertas técnicas distintas."}}),
            )
            .await;
        assert_eq!(lot2.status(), 201);
        let tender = app
            .get_json(&format!("/api/v1/tenders/{id}"), &officer)
            .await;
        assert_eq!(tender["status"], "awarded");

        // Every bidder is told, with the ranking.
        app.deliver_mail().await;
        let sent = app.app.mailer.sent();
        let notices: Vec<_> = sent
            .iter()
            .filter(|m| m.subject.contains("Buena pro del lote 1"))
            .collect();
        assert_eq!(notices.len(), 3, "{sent:?}");
        assert!(
            notices[0].body.contains("1. Andina Tecnología S.A.C."),
            "{}",
            notices[0].body
        );
        assert!(
            notices[0].body.contains("2. Constructora Sol"),
            "{}",
            notices[0].body
        );
        assert!(
            notices[0]
                .body
                .contains(&app.url(&format!("/licitaciones/{id}/adjudicacion"))),
            "the notice links to the award's page: {}",
            notices[0].body
        );

        // The standstill: 8 Lima business days from the day after the award (Friday 18
        // December), skipping two weekends and Christmas: it ends at 00:00 on 1 January.
        let award = app
            .get_public(&format!("/api/v1/awards/{first_award}"))
            .await;
        assert_eq!(award["status"], "pending");
        assert_eq!(award["standstill_ends_at"], "2027-01-01T05:00:00Z");

        // Sol complains; only a bidder may, and only once.
        let complaint_path = format!("/api/v1/awards/{first_award}/complaints");
        let grounds = json!({"grounds": "La garantía ofertada por Andina no cumple el mínimo de las bases.",
                             "documents": [{"name": "sustento.pdf", "content_base64": crate::bids::b64(crate::tenders::REAL_PDF)}]});
        assert_eq!(
            app.post_json(&complaint_path, &officer, &grounds)
                .await
                .status(),
            403
        );
        let techperu = app.token(TECHPERU_OWNER).await;
        assert_eq!(
            app.post_json(&complaint_path, &techperu, &grounds)
                .await
                .status(),
            403
        );
        let filed = app.post_json(&complaint_path, &sol, &grounds).await;
        assert_eq!(filed.status(), 201, "{:?}", filed.text().await);
        let complaint = created_id(filed).await;
        assert_eq!(
            app.post_json(&complaint_path, &sol, &grounds)
                .await
                .status(),
            409
        );
        let document = app
            .client()
            .get(app.url(&format!("/api/v1/complaints/{complaint}/documents/1")))
            .send()
            .await
            .expect("download");
        assert_eq!(document.status(), 200);
        assert_eq!(
            document.bytes().await.expect("bytes").as_ref(),
            crate::tenders::REAL_PDF
        );

        // The officer who awarded cannot decide it; another upholds it.
        let decision = format!("/api/v1/complaints/{complaint}/decision");
        let upheld = json!({"decision": "upheld", "reasoning": "La garantía ofertada es de 12 meses; las bases exigen 24."});
        let own = app.post_json(&decision, &officer, &upheld).await;
        assert_eq!(own.status(), 422);
        let own: Value = own.json().await.expect("json");
        assert_eq!(error_codes(&own)[0].1, "decider_made_the_award");
        assert_eq!(
            app.post_json(&decision, &second, &upheld).await.status(),
            204
        );
        assert_eq!(
            app.post_json(&decision, &second, &upheld).await.status(),
            409
        );
        let award = app
            .get_public(&format!("/api/v1/awards/{first_award}"))
            .await;
        assert_eq!(award["status"], "cancelled");
        assert_eq!(award["complaints"][0]["status"], "upheld");
        let tender = app
            .get_json(&format!("/api/v1/tenders/{id}"), &officer)
            .await;
        assert_eq!(tender["status"], "closed", "lot 1 waits for its new award");

        // The next-ranked valid bid: Sol. Andina is excluded, Rush disqualified: the guard
        // asks again, now for "every other bid out".
        let again = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/1/award"), &officer)
            .await;
        assert_eq!(
            again["winner"]["supplier_name"], "Constructora Sol del Sur S.R.L.",
            "{again}"
        );
        assert_eq!(again["flags"], json!(["others_all_disqualified"]));
        let reaward = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &json!({"justification": "Siguiente en el orden de prelación tras la apelación fundada.",
                        "flag_justifications": {"others_all_disqualified": "Andina excluida por apelación; Rush no cumplió la memoria exigida."}}),
            )
            .await;
        assert_eq!(reaward.status(), 201, "{:?}", reaward.text().await);
        let award_id = created_id(reaward).await;

        // No contract before the standstill ends; the day it ends the award is final.
        let contract_body = json!({"signed_on": "2027-01-04", "value": "140000.00", "duration_days": "60",
                                   "documents": [{"name": "contrato.pdf", "content_base64": crate::bids::b64(crate::tenders::REAL_PDF)}]});
        let early = app
            .post_json(
                &format!("/api/v1/awards/{award_id}/contract"),
                &officer,
                &contract_body,
            )
            .await;
        assert_eq!(early.status(), 422);
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        let ends = naive(award["standstill_ends_at"].as_str().expect("end"));
        app.set_clock(ends - chrono::Duration::seconds(1));
        assert_eq!(
            app.get_public(&format!("/api/v1/awards/{award_id}")).await["status"],
            "pending"
        );
        app.set_clock(ends + chrono::Duration::days(3));
        assert_eq!(
            app.get_public(&format!("/api/v1/awards/{award_id}")).await["status"],
            "final"
        );
        let officer = app.token(OFFICER).await;
        let auditor = app.token(AUDITOR).await;
        let bad = app
            .post_json(
                &format!("/api/v1/awards/{award_id}/contract"),
                &officer,
                &json!({"signed_on": "ayer", "value": "-5", "duration_days": "0"}),
            )
            .await;
        assert_eq!(bad.status(), 422);
        let bad: Value = bad.json().await.expect("json");
        let fields: Vec<String> = error_codes(&bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["signed_on", "value", "duration_days"]);
        let contract = app
            .post_json(
                &format!("/api/v1/awards/{award_id}/contract"),
                &officer,
                &contract_body,
            )
            .await;
        assert_eq!(contract.status(), 201, "{:?}", contract.text().await);
        let contract = created_id(contract).await;
        // Every lot decided: the tender is no longer cancellable.
        assert_eq!(
            cancel(&app, &officer, id).await,
            (
                422,
                vec![("status".into(), "tender_not_cancellable".into())]
            )
        );

        // Modifications: +10% raises nothing; +20% more (30% in all) raises the red flag.
        let modify = format!("/api/v1/contracts/{contract}/modifications");
        let ten = app
            .post_json(
                &modify,
                &officer,
                &json!({"reason": "Ampliación de 4 equipos.", "value_change": "14000.00"}),
            )
            .await;
        assert_eq!(ten.status(), 201);
        assert_eq!(ten.json::<Value>().await.expect("json")["percent"], "10.00");
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        assert_eq!(award["flags"].as_array().map(Vec::len), Some(1), "{award}");
        let twenty = app
            .post_json(
                &modify,
                &officer,
                &json!({"reason": "Ampliación de 8 equipos más.", "value_change": "28000.00"}),
            )
            .await;
        assert_eq!(twenty.status(), 201);
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        assert_eq!(
            award["flags"][1]["code"], "modification_above_threshold",
            "{award}"
        );
        assert_eq!(award["contract"]["current_value"], "182000.00");
        assert_eq!(award["contract"]["cumulative_percent"], "30.00");

        // The public record: both awards of lot 1, the complaint and its decision.
        let public = app
            .get_public(&format!("/api/v1/tenders/{id}/awards"))
            .await;
        let statuses: Vec<&str> = public
            .as_array()
            .expect("awards")
            .iter()
            .map(|a| a["status"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(statuses, vec!["cancelled", "final", "final"]);
        assert_eq!(public[0]["complaints"][0]["reasoning"], upheld["reasoning"]);

        // The auditors' list by flag, the CSV, the timeline and a finding.
        let flagged = app
            .get_json(
                "/api/v1/audit/awards?flag=modification_above_threshold",
                &auditor,
            )
            .await;
        assert_eq!(flagged.as_array().map(Vec::len), Some(1), "{flagged}");
        assert_eq!(flagged[0]["id"], award_id);
        let csv = app
            .client()
            .get(app.url(&format!(
                "/api/v1/audit/awards.csv?flag=any&buyer={}",
                lima_id(&app).await
            )))
            .bearer_auth(&auditor)
            .send()
            .await
            .expect("csv");
        // What only auditors may read is kept by no cache.
        assert_eq!(csv.headers()["cache-control"], "no-store");
        let csv = csv.text().await.expect("text");
        // A byte-order mark first, so Excel on Windows reads the accents.
        assert!(csv.starts_with("\u{feff}award_id,ocid,title"), "{csv}");
        assert!(csv.contains("Andina excluida por apelación"), "{csv}");
        assert_eq!(
            csv.lines().count(),
            3,
            "two flagged awards and the header: {csv}"
        );
        let finding = app
            .post_json(
                &format!("/api/v1/audit/tenders/{id}/findings"),
                &auditor,
                &json!({"note": "Revisar por qué la garantía no se verificó en la evaluación.", "severity": "medium"}),
            )
            .await;
        assert_eq!(finding.status(), 201);
        let timeline = app
            .get_json(&format!("/api/v1/audit/tenders/{id}/timeline"), &auditor)
            .await;
        assert_eq!(timeline["intact"], true, "{timeline}");
        let actions: Vec<&str> = timeline["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["action"].as_str().unwrap_or_default())
            .collect();
        for expected in [
            "tender.published",
            "bid.submitted",
            "bid.evaluated",
            "award.made",
            "complaint.filed",
            "complaint.upheld",
            "award.cancelled",
            "award.final",
            "contract.signed",
            "contract.modified",
            "award.flag_raised",
            "finding.recorded",
        ] {
            assert!(actions.contains(&expected), "{expected} in {actions:?}");
        }
        assert_eq!(timeline["findings"][0]["status"], "open");
        // The appeal concerns lot 1, as its award does; the disqualification reads in words.
        let filed = timeline["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["action"] == "complaint.filed")
            .expect("the appeal")
            .clone();
        assert_eq!(filed["lot"], 1, "{db:?}: {filed}");
        let pages = page_login(&app, AUDITOR, DEMO_PASSWORD).await;
        let story = page_text(&pages, app.url(&format!("/auditoria/licitaciones/{id}"))).await;
        assert!(
            story.contains("presentó una apelación sobre el lote 1")
                && !story.contains("lote 0")
                && story.contains("descalificó la oferta de")
                && story.contains("No cumple las especificaciones técnicas")
                && !story.contains("<blockquote class=\"prewrap\">technical_noncompliance"),
            "{db:?}: {story}"
        );
        let verify = app.get_json("/api/v1/audit/verify", &auditor).await;
        assert_eq!(verify["ok"], true, "{verify}");
    }
}

#[tokio::test]
async fn a_single_bid_award_needs_its_justification_and_shows_in_the_auditors_list() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let andina = app.token(SUPPLIER).await;
        let id = opened_tender(&app, &[(&andina, bid_body("150000.00", None))]).await;
        let officer = app.token(OFFICER).await;
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
            .await;
        evaluate(
            &app,
            &officer,
            id,
            1,
            bid_of(&sheet, 1, "Andina"),
            scores("18.5", "7"),
        )
        .await;
        let preview = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/1/award"), &officer)
            .await;
        assert_eq!(preview["flags"], json!(["single_bid"]), "{preview}");
        let refused = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &json!({"justification": "Única oferta válida."}),
            )
            .await;
        assert_eq!(refused.status(), 422);
        let refused: Value = refused.json().await.expect("json");
        assert_eq!(
            error_codes(&refused),
            vec![("flag_single_bid".into(), "required".into())]
        );
        // The award page shows the flag and refuses the confirmation without its reason.
        let why = "Mercado reducido: solo dos fabricantes autorizados en el país.";
        let officer_pages = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let award_page = app.url(&format!("/licitaciones/{id}/lotes/1/adjudicar"));
        let form = page_text(&officer_pages, award_page.clone()).await;
        assert!(
            form.contains("Una sola oferta en un procedimiento abierto")
                && form.contains("name=\"flag_single_bid\""),
            "{form}"
        );
        let csrf = csrf_from(&form);
        let refused = post_form(
            &officer_pages,
            award_page.clone(),
            &[
                ("csrf_token", &csrf),
                ("justification", "Única oferta válida."),
            ],
        )
        .await;
        assert_eq!(refused.status(), 422);
        let refused = refused.text().await.expect("text");
        assert!(
            refused.contains("href=\"#f-flag_single_bid\"")
                && refused.contains("Justificación: una sola oferta")
                && refused.contains("Única oferta válida."),
            "the summary names the flag and what was typed stays: {refused}"
        );
        let none = app
            .get_public(&format!("/api/v1/tenders/{id}/awards"))
            .await;
        assert_eq!(none, json!([]), "nothing half-awarded");
        let made = post_form(
            &officer_pages,
            award_page,
            &[
                ("csrf_token", &csrf),
                ("justification", "Única oferta válida."),
                ("flag_single_bid", why),
            ],
        )
        .await;
        assert_eq!(made.status(), 303);
        // Lot 2 had no bid: declared unsuccessful, with no standstill.
        let desierto = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/2/award"),
                &officer,
                &json!({"justification": "Ninguna oferta para el lote."}),
            )
            .await;
        assert_eq!(desierto.status(), 201);
        let auditor = app.token(AUDITOR).await;
        let lima = lima_id(&app).await;
        let listed = app
            .get_json(
                &format!("/api/v1/audit/awards?flag=single_bid&buyer={lima}"),
                &auditor,
            )
            .await;
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
        assert_eq!(listed[0]["flags"][0]["justification"], why);
        assert_eq!(listed[0]["tender_id"], id);
        let nobody = app
            .get_json("/api/v1/audit/awards?buyer=999999", &auditor)
            .await;
        assert_eq!(nobody, json!([]));
        let other = app
            .get_json("/api/v1/audit/awards?flag=above_estimate", &auditor)
            .await;
        assert_eq!(other, json!([]));
        let lots = app
            .get_public(&format!("/api/v1/tenders/{id}/awards"))
            .await;
        assert_eq!(lots[1]["status"], "unsuccessful");
        assert_eq!(lots[1]["standstill_ends_at"], Value::Null);

        // The pages: the public record in Spanish and English, the auditors' list, the
        // timeline and a finding recorded through its form (with an error summary first).
        let public = page_text(
            &app.client(),
            app.url(&format!("/licitaciones/{id}/adjudicacion")),
        )
        .await;
        assert!(
            public.contains("Una sola oferta") && public.contains(why),
            "{public}"
        );
        assert!(public.contains("Declarado desierto"), "{public}");
        let english = app.client();
        english
            .get(app.url("/idioma/en"))
            .send()
            .await
            .expect("language");
        let public_en = page_text(
            &english,
            app.url(&format!("/licitaciones/{id}/adjudicacion")),
        )
        .await;
        assert!(
            public_en.contains("Single bid") && public_en.contains("Declared unsuccessful"),
            "{public_en}"
        );
        let officer_pages = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let refused = officer_pages
            .get(app.url("/auditoria/adjudicaciones"))
            .send()
            .await
            .expect("page");
        assert_eq!(refused.status(), 403);
        let pages = page_login(&app, AUDITOR, DEMO_PASSWORD).await;
        let list = page_text(&pages, app.url("/auditoria/adjudicaciones?flag=single_bid")).await;
        assert!(list.contains(why), "{list}");
        assert!(
            list.contains(&format!("/auditoria/licitaciones/{id}")),
            "{list}"
        );
        let wrong = pages
            .get(app.url("/auditoria/adjudicaciones?from=ayer"))
            .send()
            .await
            .expect("page");
        assert_eq!(wrong.status(), 422);
        assert!(wrong.text().await.expect("text").contains("error-summary"));
        let timeline_url = app.url(&format!("/auditoria/licitaciones/{id}"));
        let timeline = page_text(&pages, timeline_url.clone()).await;
        assert!(
            timeline.contains("award.made") && timeline.contains("íntegras"),
            "{timeline}"
        );
        let csrf = csrf_from(&timeline);
        let empty = post_form(
            &pages,
            app.url(&format!("/auditoria/licitaciones/{id}/hallazgos")),
            &[("csrf_token", &csrf), ("note", ""), ("severity", "high")],
        )
        .await;
        assert_eq!(empty.status(), 422);
        let empty = empty.text().await.expect("text");
        assert!(
            empty.contains("error-summary") && empty.contains("f-note"),
            "{empty}"
        );
        let note = "Justificación de oferta única sin estudio de mercado adjunto.";
        let recorded = post_form(
            &pages,
            app.url(&format!("/auditoria/licitaciones/{id}/hallazgos")),
            &[("csrf_token", &csrf), ("note", note), ("severity", "high")],
        )
        .await;
        assert_eq!(recorded.status(), 303);
        let timeline = page_text(&pages, timeline_url).await;
        assert!(
            timeline.contains(note) && timeline.contains("finding.recorded"),
            "{timeline}"
        );

        let bad = app
            .client()
            .get(app.url("/api/v1/audit/awards?flag=nonsense&from=mañana&buyer=lima"))
            .bearer_auth(&auditor)
            .send()
            .await
            .expect("get");
        assert_eq!(bad.status(), 422);
        let bad: Value = bad.json().await.expect("json");
        let fields: Vec<String> = error_codes(&bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["from", "buyer", "flag"]);
    }
}

#[tokio::test]
async fn every_award_route_answers_each_role_as_it_should() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let andina = app.token(SUPPLIER).await;
        let sol = app.token(OTHER_OWNER).await;
        let id = opened_tender(
            &app,
            &[
                (&andina, bid_body("150000.00", None)),
                (&sol, bid_body("140000.00", None)),
            ],
        )
        .await;
        let officer = app.token(OFFICER).await;
        let sol = app.token(OTHER_OWNER).await;
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
            .await;
        // Sol wins, so Andina (the bidder column) is a losing bidder who may complain.
        let bid = bid_of(&sheet, 1, "Andina");
        evaluate(&app, &officer, id, 1, bid, scores("10", "5")).await;
        evaluate(
            &app,
            &officer,
            id,
            1,
            bid_of(&sheet, 1, "Sol"),
            scores("20", "10"),
        )
        .await;
        let made = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/award"),
                &officer,
                &json!({"justification": "Mayor puntaje."}),
            )
            .await;
        assert_eq!(made.status(), 201);
        let award = created_id(made).await;
        // The winner may not complain about its own award; the loser may.
        let own = app
            .post_json(
                &format!("/api/v1/awards/{award}/complaints"),
                &sol,
                &json!({"grounds": "Motivos."}),
            )
            .await;
        assert_eq!(own.status(), 403);
        let complaint = created_id(
            app.post_json(
                &format!("/api/v1/awards/{award}/complaints"),
                &app.token(SUPPLIER).await,
                &json!({"grounds": "Motivos."}),
            )
            .await,
        )
        .await;
        let finding = created_id(
            app.post_json(
                &format!("/api/v1/audit/tenders/{id}/findings"),
                &app.token(AUDITOR).await,
                &json!({"note": "Nota.", "severity": "low"}),
            )
            .await,
        )
        .await;
        let before = app.get_public(&format!("/api/v1/awards/{award}")).await;

        // Columns: anonymous, admin, auditor, Lima officer (awarded), second Lima officer,
        // MINSA officer, Andina (bidder), pending TechPeru (not a bidder). Write bodies are
        // empty, so a permitted caller gets 422 and nothing changes.
        let e = json!({});
        let api: Vec<(&str, String, Value, [u16; 8])> = vec![
            (
                // Andina's opened bid: its documents are for the buyer's officers, auditors
                // and Andina itself.
                "GET",
                format!("/api/v1/tenders/{id}/bids/{bid}/documents"),
                Value::Null,
                [401, 403, 200, 200, 200, 403, 200, 403],
            ),
            (
                "GET",
                format!("/api/v1/tenders/{id}/evaluation"),
                Value::Null,
                [401, 403, 200, 200, 200, 403, 403, 403],
            ),
            (
                "PUT",
                format!("/api/v1/tenders/{id}/lots/1/bids/{bid}/evaluation"),
                json!({"admissible": false}),
                [401, 403, 403, 422, 422, 403, 403, 403],
            ),
            (
                "GET",
                format!("/api/v1/tenders/{id}/lots/1/award"),
                Value::Null,
                [401, 403, 200, 200, 200, 403, 403, 403],
            ),
            (
                "POST",
                format!("/api/v1/tenders/{id}/lots/1/award"),
                e.clone(),
                [401, 403, 403, 422, 422, 403, 403, 403],
            ),
            (
                "GET",
                format!("/api/v1/tenders/{id}/awards"),
                Value::Null,
                [200; 8],
            ),
            (
                "GET",
                format!("/api/v1/awards/{award}"),
                Value::Null,
                [200; 8],
            ),
            (
                "POST",
                format!("/api/v1/awards/{award}/complaints"),
                e.clone(),
                [401, 403, 403, 403, 403, 403, 422, 403],
            ),
            (
                "POST",
                format!("/api/v1/complaints/{complaint}/decision"),
                e.clone(),
                [401, 403, 403, 422, 422, 403, 403, 403],
            ),
            (
                "POST",
                format!("/api/v1/awards/{award}/contract"),
                e.clone(),
                [401, 403, 403, 422, 422, 403, 403, 403],
            ),
            (
                "GET",
                "/api/v1/audit/awards".into(),
                Value::Null,
                [401, 200, 200, 403, 403, 403, 403, 403],
            ),
            (
                "GET",
                "/api/v1/audit/awards.csv".into(),
                Value::Null,
                [401, 200, 200, 403, 403, 403, 403, 403],
            ),
            (
                "GET",
                format!("/api/v1/audit/tenders/{id}/timeline"),
                Value::Null,
                [401, 200, 200, 403, 403, 403, 403, 403],
            ),
            (
                "POST",
                format!("/api/v1/audit/tenders/{id}/findings"),
                e.clone(),
                [401, 403, 422, 403, 403, 403, 403, 403],
            ),
            (
                "PUT",
                format!("/api/v1/audit/findings/{finding}"),
                e.clone(),
                [401, 403, 422, 403, 403, 403, 403, 403],
            ),
        ];
        let roles: [(&str, Option<&str>); 8] = [
            ("anonymous", None),
            ("admin", Some(ADMIN)),
            ("auditor", Some(AUDITOR)),
            ("Lima officer", Some(OFFICER)),
            ("second Lima officer", Some(LIMA_OFFICER_2)),
            ("MINSA officer", Some(MINSA_OFFICER)),
            ("bidder", Some(SUPPLIER)),
            ("pending supplier", Some(TECHPERU_OWNER)),
        ];
        let no_pages: &[(&str, [u16; 8])] = &[];
        for (column, (role, email)) in roles.iter().enumerate() {
            let token = match email {
                Some(e) => Some(app.token(e).await),
                None => None,
            };
            assert_role_column(
                &app,
                column,
                role,
                token.as_deref(),
                &app.client(),
                &api,
                no_pages,
            )
            .await;
        }
        // Nobody's attempt changed the award, its complaint or the evaluation.
        let after = app.get_public(&format!("/api/v1/awards/{award}")).await;
        assert_eq!(before, after);
        let sheet_after = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
            .await;
        assert_eq!(
            sheet["lots"][0]["ranking"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(sheet_after["lots"][0]["ranking"][0]["evaluation"], "valid");
    }
}

/// A tender that received no bids: nobody is asked for a passphrase at its opening (the page
/// and the API say no bids arrived; a share is refused, naming why), the empty tree's root is
/// not shown, and each lot goes to the award, which declares it void by the usual rule.
#[tokio::test]
async fn a_tender_without_bids_asks_no_passphrase_and_its_lots_are_declared_void() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, _deadline, opening_at) = app
            .sealed_tender("Servicio de fumigación de los mercados municipales")
            .await;
        app.set_clock(opening_at + chrono::Duration::minutes(30));
        let status = app
            .get_public(&format!("/api/v1/tenders/{id}/opening"))
            .await;
        assert_eq!(status["status"], "no_bids", "{status}");
        assert_eq!(status["leaf_count"], 0);
        let share = app.give_share(OFFICER, id, PASSPHRASE).await;
        assert_eq!(share.status(), 422);
        let share: Value = share.json().await.expect("json");
        assert_eq!(
            error_codes(&share),
            vec![("opening".into(), "no_bids_received".into())]
        );
        let officer_pages = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let page = page_text(
            &officer_pages,
            app.url(&format!("/licitaciones/{id}/apertura")),
        )
        .await;
        assert!(page.contains("No se recibieron ofertas"), "{page}");
        assert!(
            !page.contains("name=\"passphrase\"") && !page.contains("Raíz de Merkle"),
            "no passphrase asked, no empty root shown"
        );
        // The panel sends the officer to the award, which declares each lot void.
        let panel = page_text(&officer_pages, app.url("/panel")).await;
        assert!(
            panel.contains(&format!("/licitaciones/{id}/evaluacion")),
            "{panel}"
        );
        let officer = app.token(OFFICER).await;
        for lot in [1, 2] {
            let preview = app
                .get_json(&format!("/api/v1/tenders/{id}/lots/{lot}/award"), &officer)
                .await;
            assert!(preview["winner"].is_null(), "{preview}");
            let void = app
                .post_json(
                    &format!("/api/v1/tenders/{id}/lots/{lot}/award"),
                    &officer,
                    &json!({"justification": "No se recibieron ofertas en el plazo."}),
                )
                .await;
            assert_eq!(void.status(), 201, "{:?}", void.text().await);
        }
        let tender = app.get_public(&format!("/api/v1/tenders/{id}")).await;
        assert_eq!(tender["status"], "unsuccessful", "{tender}");
    }
}

/// Cancels tender `id` as `officer`: the status and the error codes.
async fn cancel(app: &TestApp, officer: &str, id: i64) -> (u16, Vec<(String, String)>) {
    let answer = app
        .post_json(
            &format!("/api/v1/tenders/{id}/cancel"),
            officer,
            &json!({"ground": "Desaparece la necesidad del área usuaria."}),
        )
        .await;
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap_or(Value::Null);
    (status, error_codes(&body))
}

/// A tender opened with Andina's one bid, its lot 1 evaluated and awarded (the single-bid
/// flag justified): the tender's and the award's ids.
async fn single_bid_award(app: &TestApp) -> (i64, i64) {
    let andina = app.token(SUPPLIER).await;
    let id = opened_tender(app, &[(&andina, bid_body("150000.00", None))]).await;
    let officer = app.token(OFFICER).await;
    let sheet = app
        .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &officer)
        .await;
    evaluate(
        app,
        &officer,
        id,
        1,
        bid_of(&sheet, 1, "Andina"),
        scores("18.5", "7"),
    )
    .await;
    let awarded = app
        .post_json(
            &format!("/api/v1/tenders/{id}/lots/1/award"),
            &officer,
            &json!({"justification": "Única oferta válida.",
                    "flag_justifications": {"single_bid": "Mercado reducido: un solo fabricante autorizado."}}),
        )
        .await;
    assert_eq!(awarded.status(), 201, "{:?}", awarded.text().await);
    (id, created_id(awarded).await)
}

/// A tender cancelled while an award stands still takes the award with it: the award is
/// cancelled at once and does not become final when its standstill ends.
#[tokio::test]
async fn cancelling_a_tender_in_standstill_cancels_its_award_and_nothing_becomes_final_after() {
    for db in backends() {
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, award_id) = single_bid_award(&app).await;
        let officer = app.token(OFFICER).await;
        assert_eq!(cancel(&app, &officer, id).await, (204, vec![]));
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        assert_eq!(award["status"], "cancelled", "{award}");
        let ends = naive(award["standstill_ends_at"].as_str().expect("end"));
        app.set_clock(ends + chrono::Duration::days(3));
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        assert_eq!(
            award["status"], "cancelled",
            "the clock does not revive it: {award}"
        );
        let tender = app.get_public(&format!("/api/v1/tenders/{id}")).await;
        assert_eq!(tender["status"], "cancelled");
        let auditor = app.token(AUDITOR).await;
        let timeline = app
            .get_json(&format!("/api/v1/audit/tenders/{id}/timeline"), &auditor)
            .await;
        let actions: Vec<&str> = timeline["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert!(!actions.contains(&"award.final"), "{actions:?}");
        let cancellation = timeline["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["action"] == "tender.cancelled")
            .expect("the cancellation");
        assert_eq!(
            cancellation["payload"]["awards_cancelled"],
            json!([award_id])
        );

        app.stop().await;

        // Another tender: lot 1 awarded, final and under contract, lot 2 not decided. The
        // buyer may no longer cancel it (Ley 30225, art. 30: until a contract is signed).
        let app = TestApp::spawn_cast(db, crate::build::BIDDING_CAST).await;
        let (id, award_id) = single_bid_award(&app).await;
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        let ends = naive(award["standstill_ends_at"].as_str().expect("end"));
        app.set_clock(ends + chrono::Duration::days(1));
        let officer = app.token(OFFICER).await;
        let signed_on = (ends + chrono::Duration::days(1)).date().to_string();
        let contract = app
            .post_json(
                &format!("/api/v1/awards/{award_id}/contract"),
                &officer,
                &json!({"signed_on": signed_on, "value": "150000.00", "duration_days": "60",
                        "documents": [{"name": "contrato.pdf", "content_base64": crate::bids::b64(crate::tenders::REAL_PDF)}]}),
            )
            .await;
        assert_eq!(contract.status(), 201, "{:?}", contract.text().await);
        assert_eq!(
            cancel(&app, &officer, id).await,
            (
                422,
                vec![("status".into(), "contract_already_signed".into())]
            )
        );
        let award = app.get_public(&format!("/api/v1/awards/{award_id}")).await;
        assert_eq!(award["status"], "final", "nothing changed: {award}");
        app.stop().await;
    }
}
