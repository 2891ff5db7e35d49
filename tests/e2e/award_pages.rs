//! The loop after the opening through the pages, on SQLite and PostgreSQL: the demo draft is
//! published, bid on, opened, evaluated, awarded, appealed, awarded again, contracted and
//! modified, every step a form post a browser without JavaScript would make; and who may
//! open each of those forms.

use crate::bids::{LIMA_OFFICER_3, PASSPHRASE, naive, secret_pdf};
use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, MINSA_OFFICER};
use diesel::prelude::*;

/// The demo draft the officer takes all the way: one lot, lowest price, 96,000 PEN.
const DEMO_DRAFT: &str = "Adquisición de tabletas para la fiscalización municipal";

/// The first `href` on the page that starts with `prefix`.
fn link(html: &str, prefix: &str) -> String {
    let marker = format!("href=\"{prefix}");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("a link to {prefix}… in {html}"))
        + "href=\"".len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The evaluation link of `bidder`'s bid on the officer's sheet.
fn evaluation_link(html: &str, tender: i64, bidder: &str) -> String {
    let marker = format!("\" aria-label=\"Evaluar: {bidder}");
    let end = html
        .find(&marker)
        .unwrap_or_else(|| panic!("an evaluation link for {bidder} in {html}"));
    let start = html[..end]
        .rfind(&format!("href=\"/licitaciones/{tender}/evaluacion/"))
        .expect("its href")
        + "href=\"".len();
    html[start..end].to_owned()
}

/// Posts a form found on `page_path`, with the CSRF token of that page.
async fn post_from_page(
    app: &TestApp,
    client: &reqwest::Client,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = page_text(client, app.url(page_path)).await;
    let csrf = csrf_from(&page);
    let mut all = vec![("csrf_token", csrf.as_str())];
    all.extend_from_slice(fields);
    post_form(client, app.url(action), &all).await
}

/// Posts the form and expects the redirect of a success; returns where it leads.
async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> String {
    let response = post_from_page(app, client, page_path, action, fields).await;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("location").to_owned());
    let body = response.text().await.expect("text");
    assert_eq!(status, 303, "{action}: {body}");
    location.expect("a redirect")
}

/// Posts the form but expects it back with errors (422): returns the page.
async fn refused(
    app: &TestApp,
    client: &reqwest::Client,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> String {
    let response = post_from_page(app, client, page_path, action, fields).await;
    assert_eq!(response.status(), 422, "{action}");
    let body = response.text().await.expect("text");
    assert!(body.contains("error-summary"), "{body}");
    body
}

/// A client signed in through the login page as `who`, or signed out.
async fn client_for(app: &TestApp, who: Option<&str>) -> reqwest::Client {
    match who {
        Some(email) => page_login(app, email, DEMO_PASSWORD).await,
        None => app.client(),
    }
}

/// Each caller (`None`: signed out) GETs each path and gets the status on its row.
async fn assert_page_statuses<const N: usize>(
    app: &TestApp,
    paths: &[String; N],
    expected: &[(Option<&str>, [u16; N])],
) {
    for (who, statuses) in expected {
        let client = client_for(app, *who).await;
        for (path, status) in paths.iter().zip(statuses) {
            let got = client
                .get(app.url(path))
                .send()
                .await
                .expect("get")
                .status()
                .as_u16();
            assert_eq!(got, *status, "{who:?} GET {path}");
        }
    }
}

/// A multipart post (forms with files) with the page's CSRF token first.
async fn post_multipart(
    app: &TestApp,
    client: &reqwest::Client,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let page = page_text(client, app.url(page_path)).await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", csrf_from(&page));
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "documents",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    client
        .post(app.url(action))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

/// A sealed bid through the bid form.
/// The proposal the company of `email` hands in: its own document.
fn proposal_of(email: &str) -> Vec<u8> {
    backend::tenders::documents::demo_pdf(&["Propuesta tecnica", email])
}

async fn bid_through_the_form(app: &TestApp, email: &str, tender: i64, price: &str) {
    let client = page_login(app, email, DEMO_PASSWORD).await;
    let path = format!("/licitaciones/{tender}/oferta");
    let mut fields = vec![("price_1", price)];
    for d in [
        "declaration_truthful",
        "declaration_not_debarred",
        "declaration_no_conflict_of_interest",
        "declaration_accepts_terms",
    ] {
        fields.push((d, "1"));
    }
    let r = post_multipart(
        app,
        &client,
        &path,
        &path,
        &fields,
        // Each company's own proposal: one document from two companies is a red flag.
        Some(("Propuesta.pdf", proposal_of(email))),
    )
    .await;
    assert_eq!(r.status(), 200, "{email}");
    let review = r.text().await.expect("review");
    crate::bids::seal_reviewed(app, &client, tender, &review).await;
}

#[tokio::test]
async fn the_demo_draft_goes_from_publication_to_a_modified_contract_through_the_pages() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let id: i64 = app
            .app
            .db
            .run(|conn| {
                Ok(backend::schema::tenders::table
                    .filter(backend::schema::tenders::title.eq(DEMO_DRAFT))
                    .select(backend::schema::tenders::id)
                    .first(conn)?)
            })
            .await
            .expect("the demo draft");
        let tender_path = format!("/licitaciones/{id}");

        // Publication, by the officer who drafted it.
        let officer = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        submit(
            &app,
            &officer,
            &tender_path,
            &format!("{tender_path}/publicar"),
            &[],
        )
        .await;
        let tender = app.get_public(&format!("/api/v1/tenders/{id}")).await;
        assert_eq!(tender["status"], "open", "{tender}");

        // Two companies bid through the bid form; Sol is cheaper.
        bid_through_the_form(&app, SUPPLIER, id, "90000.00").await;
        bid_through_the_form(&app, OTHER_OWNER, id, "88000.00").await;

        // After the deadline two of the three committee members open, each on the page.
        let opening_at = naive(tender["opening_at"].as_str().expect("opening"));
        app.set_clock(opening_at + chrono::Duration::minutes(10));
        for member in [OFFICER, LIMA_OFFICER_3] {
            let client = page_login(&app, member, DEMO_PASSWORD).await;
            let opening = format!("{tender_path}/apertura");
            submit(
                &app,
                &client,
                &opening,
                &opening,
                &[("passphrase", PASSPHRASE)],
            )
            .await;
        }

        // Evaluation: the tender page leads the officer to the sheet.
        let officer = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let detail = page_text(&officer, app.url(&tender_path)).await;
        let sheet_path = link(&detail, &format!("{tender_path}/evaluacion"));
        let sheet = page_text(&officer, app.url(&sheet_path)).await;
        assert!(
            sheet.contains("S/ 88,000.00") && sheet.contains("sin evaluar"),
            "{sheet}"
        );
        let sol_entry = evaluation_link(&sheet, id, "Constructora Sol del Sur S.R.L.");
        let andina_entry = evaluation_link(&sheet, id, "Andina Tecnología S.A.C.");
        // The officer reads each bid's documents, opened with it, before evaluating.
        let entry = page_text(&officer, app.url(&andina_entry)).await;
        let document = link(&entry, &format!("{tender_path}/ofertas/"));
        let downloaded = officer
            .get(app.url(&document))
            .send()
            .await
            .expect("download");
        assert_eq!(downloaded.status(), 200);
        assert_eq!(
            downloaded.bytes().await.expect("bytes").to_vec(),
            proposal_of(SUPPLIER),
            "the document as the bidder sent it"
        );
        let competitor = page_login(&app, OTHER_OWNER, DEMO_PASSWORD).await;
        let peek = competitor
            .get(app.url(&document))
            .send()
            .await
            .expect("peek");
        assert_eq!(
            peek.status(),
            403,
            "a competitor does not read Andina's bid"
        );
        // Disqualifying without a ground: the form comes back naming the field.
        let page = refused(
            &app,
            &officer,
            &sol_entry,
            &sol_entry,
            &[("admissible", "no"), ("note", "")],
        )
        .await;
        assert!(page.contains("Causal de descalificación"), "{page}");
        for entry in [&sol_entry, &andina_entry] {
            let to = submit(
                &app,
                &officer,
                entry,
                entry,
                &[
                    ("admissible", "yes"),
                    ("note", "Cumple las especificaciones."),
                ],
            )
            .await;
            assert!(to.ends_with("aviso=evaluation-saved"), "{to}");
        }

        // The award page: Sol first, no red flag; a justification is required.
        let sheet = page_text(&officer, app.url(&sheet_path)).await;
        let award_path = link(&sheet, &format!("{tender_path}/lotes/1/adjudicar"));
        let preview = page_text(&officer, app.url(&award_path)).await;
        assert!(
            preview.contains("La buena pro corresponde a Constructora Sol")
                && preview.contains("No se detectó ninguna alerta"),
            "{preview}"
        );
        let page = refused(&app, &officer, &award_path, &award_path, &[]).await;
        assert!(page.contains("Justificación"), "{page}");
        let to = submit(
            &app,
            &officer,
            &award_path,
            &award_path,
            &[("justification", "Oferta válida de menor precio.")],
        )
        .await;
        assert_eq!(to, format!("{tender_path}/adjudicacion?aviso=award-made"));
        let decided = page_text(&officer, app.url(&sol_entry)).await;
        assert!(
            decided.contains("ya tiene buena pro") && !decided.contains("name=\"admissible\""),
            "a decided lot's evaluation is closed: {decided}"
        );

        // The winner is not offered a complaint about its own award.
        let sol = page_login(&app, OTHER_OWNER, DEMO_PASSWORD).await;
        let record = page_text(&sol, app.url(&format!("{tender_path}/adjudicacion"))).await;
        assert!(
            record.contains("Constructora Sol") && !record.contains("/apelacion\""),
            "{record}"
        );
        // Andina appeals from the public record, with a document, in English.
        let andina = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
        page_text(
            &andina,
            app.url(&format!("/idioma/en?volver={tender_path}/adjudicacion")),
        )
        .await;
        let record = page_text(&andina, app.url(&format!("{tender_path}/adjudicacion"))).await;
        let complaint_path = link(&record, "/adjudicaciones/");
        assert!(complaint_path.ends_with("/apelacion"), "{complaint_path}");
        let form = page_text(&andina, app.url(&complaint_path)).await;
        assert!(
            form.contains("Complaint about the award of lot 1") && form.contains("Lima time"),
            "{form}"
        );
        let empty =
            post_multipart(&app, &andina, &complaint_path, &complaint_path, &[], None).await;
        assert_eq!(empty.status(), 422);
        let empty = empty.text().await.expect("text");
        assert!(empty.contains("Grounds of the complaint"), "{empty}");
        let filed = post_multipart(
            &app,
            &andina,
            &complaint_path,
            &complaint_path,
            &[(
                "grounds",
                "La oferta ganadora no acredita la conectividad 4G exigida.",
            )],
            Some(("Informe de conectividad.pdf", secret_pdf())),
        )
        .await;
        assert_eq!(filed.status(), 303, "{:?}", filed.text().await);

        // The officers who may decide it are told, with the link; the one who awarded is not.
        app.settle_mail().await;
        let told: Vec<_> = app
            .app
            .mailer
            .sent()
            .into_iter()
            .filter(|m| {
                m.subject
                    .starts_with("Apelación contra la buena pro del lote 1")
            })
            .collect();
        let recipients: Vec<&str> = told.iter().map(|m| m.to.as_str()).collect();
        assert!(
            recipients.contains(&LIMA_OFFICER_2)
                && recipients.contains(&LIMA_OFFICER_3)
                && !recipients.contains(&OFFICER),
            "{recipients:?}"
        );
        assert!(
            told[0].body.contains("/apelaciones/") && told[0].body.contains("conectividad 4G"),
            "{}",
            told[0].body
        );

        // The officer who awarded may not decide it; another officer upholds it.
        let record = page_text(&officer, app.url(&format!("{tender_path}/adjudicacion"))).await;
        assert!(
            record.contains("Informe de conectividad.pdf")
                && !record.contains("Resolver la apelación"),
            "{record}"
        );
        let second = page_login(&app, LIMA_OFFICER_2, DEMO_PASSWORD).await;
        let record = page_text(&second, app.url(&format!("{tender_path}/adjudicacion"))).await;
        let decision_path = link(&record, "/adjudicaciones/");
        assert!(decision_path.contains("/apelaciones/"), "{decision_path}");
        submit(
            &app,
            &second,
            &decision_path,
            &decision_path,
            &[
                ("decision", "upheld"),
                (
                    "reasoning",
                    "La ficha técnica del ganador no acredita la conectividad 4G.",
                ),
            ],
        )
        .await;
        let record = page_text(&second, app.url(&format!("{tender_path}/adjudicacion"))).await;
        assert!(
            record.contains("anulada") && record.contains("fundada"),
            "{record}"
        );

        // The lot goes back to the officer: Andina is next, and the others-disqualified flag
        // needs its own justification.
        let sheet = page_text(&officer, app.url(&sheet_path)).await;
        assert!(sheet.contains("excluida"), "{sheet}");
        let excluded = page_text(&officer, app.url(&sol_entry)).await;
        assert!(
            excluded.contains("quedó excluida") && !excluded.contains("name=\"admissible\""),
            "{excluded}"
        );
        let award_path = link(&sheet, &format!("{tender_path}/lotes/1/adjudicar"));
        let preview = page_text(&officer, app.url(&award_path)).await;
        assert!(
            preview.contains("La buena pro corresponde a Andina")
                && preview.contains("name=\"flag_others_all_disqualified\""),
            "{preview}"
        );
        let page = refused(
            &app,
            &officer,
            &award_path,
            &award_path,
            &[("justification", "Siguiente en el orden de prelación.")],
        )
        .await;
        assert!(
            page.contains("Justificación: todas las demás ofertas descalificadas"),
            "{page}"
        );
        submit(
            &app,
            &officer,
            &award_path,
            &award_path,
            &[
                ("justification", "Siguiente en el orden de prelación."),
                (
                    "flag_others_all_disqualified",
                    "La única otra oferta quedó excluida por la apelación fundada.",
                ),
            ],
        )
        .await;

        // The standstill runs out with no complaint: the award is final.
        app.set_clock(opening_at + chrono::Duration::days(20));
        let officer = page_login(&app, OFFICER, DEMO_PASSWORD).await;
        let record = page_text(&officer, app.url(&format!("{tender_path}/adjudicacion"))).await;
        assert!(record.contains("consentida"), "{record}");
        let contract_path = link(&record, "/adjudicaciones/");
        assert!(contract_path.ends_with("/contrato"), "{contract_path}");
        let today = (opening_at + chrono::Duration::days(20) - chrono::Duration::hours(5))
            .date()
            .to_string();
        let missing = post_multipart(
            &app,
            &officer,
            &contract_path,
            &contract_path,
            &[("signed_on", &today), ("duration_days", "60")],
            None,
        )
        .await;
        assert_eq!(missing.status(), 422);
        let missing = missing.text().await.expect("text");
        assert!(missing.contains("Monto del contrato"), "{missing}");
        let recorded = post_multipart(
            &app,
            &officer,
            &contract_path,
            &contract_path,
            &[
                ("signed_on", &today),
                ("value", "90000.00"),
                ("duration_days", "60"),
            ],
            Some(("Contrato firmado.pdf", secret_pdf())),
        )
        .await;
        assert_eq!(recorded.status(), 303, "{:?}", recorded.text().await);

        // Two modifications: 10%, then 30% in all, which flags the award.
        let record = page_text(&officer, app.url(&format!("{tender_path}/adjudicacion"))).await;
        let modification_path = link(&record, "/adjudicaciones/");
        assert!(modification_path.ends_with("/modificacion"), "{record}");
        for (change, reason) in [
            ("9000.00", "Se amplían 8 tabletas para la sede de Cercado."),
            (
                "18000.00",
                "Se amplían 16 tabletas para la sede de San Juan.",
            ),
        ] {
            submit(
                &app,
                &officer,
                &modification_path,
                &modification_path,
                &[("value_change", change), ("reason", reason)],
            )
            .await;
        }
        let public = app
            .client()
            .get(app.url(&format!("{tender_path}/adjudicacion")))
            .send()
            .await
            .expect("public record")
            .text()
            .await
            .expect("text");
        for expected in [
            "Contrato firmado.pdf",
            "S/ 117,000.00",
            "Modificación 2",
            "30.00 % de variación",
            "Modificaciones del contrato sobre el umbral",
            "La ficha técnica del ganador no acredita la conectividad 4G.",
        ] {
            assert!(public.contains(expected), "{expected} on {db:?}: {public}");
        }
        assert!(
            !public.contains("/contrato\"") && !public.contains("/apelacion\""),
            "the public sees no forms: {public}"
        );
    }
}

#[tokio::test]
async fn only_the_right_people_open_the_forms_after_the_opening() {
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let (id, _, opening_at) = app.sealed_tender("Compra de mobiliario escolar").await;
    // Two sealed bids (Sol del Sur on lot 1 only), opened by two of the three members.
    let build = app.build();
    let tender = backend::domain::TenderId(id);
    build
        .sealed_bid(
            &build.person(SUPPLIER).await,
            tender,
            &["150000.00", "20000.00"],
        )
        .await;
    build
        .sealed_bid(&build.person(OTHER_OWNER).await, tender, &["140000.00"])
        .await;
    let members = [
        build.person(OFFICER).await,
        build.person(LIMA_OFFICER_3).await,
    ];
    build
        .opened(tender, opening_at, &[&members[0], &members[1]])
        .await;
    let sheet = app
        .get_json(
            &format!("/api/v1/tenders/{id}/evaluation"),
            &app.token(OFFICER).await,
        )
        .await;
    let bid = sheet["lots"][0]["ranking"][0]["bid_id"]
        .as_i64()
        .expect("bid");
    let forms = [
        format!("/licitaciones/{id}/evaluacion"),
        format!("/licitaciones/{id}/evaluacion/1/{bid}"),
        format!("/licitaciones/{id}/lotes/1/adjudicar"),
    ];
    // Who opens each: the buyer's officer acts, the auditor reads all three without their
    // forms, everyone else is refused; signed out goes to login.
    let expected: [(Option<&str>, [u16; 3]); 6] = [
        (Some(OFFICER), [200, 200, 200]),
        (Some(AUDITOR), [200, 200, 200]),
        (Some(MINSA_OFFICER), [403, 403, 403]),
        (Some(SUPPLIER), [403, 403, 403]),
        (Some(REGISTRY_OFFICER), [403, 403, 403]),
        (None, [303, 303, 303]),
    ];
    assert_page_statuses(&app, &forms, &expected).await;
    for (who, _) in expected {
        let client = client_for(&app, who).await;
        // Nobody posts a form without its CSRF token.
        let forged = client
            .post(app.url(&forms[2]))
            .form(&[("justification", "x")])
            .send()
            .await
            .expect("post")
            .status()
            .as_u16();
        assert!(
            [303, 403].contains(&forged),
            "{who:?} forged post: {forged}"
        );
    }
    let auditor_pages = page_login(&app, AUDITOR, DEMO_PASSWORD).await;
    let read_only = page_text(&auditor_pages, app.url(&forms[1])).await;
    assert!(
        read_only.contains("La oferta no trae documentos")
            && !read_only.contains("name=\"admissible\""),
        "{read_only}"
    );
    // Nothing was awarded by any of it.
    let awards = app
        .get_public(&format!("/api/v1/tenders/{id}/awards"))
        .await;
    assert_eq!(awards.as_array().map(Vec::len), Some(0), "{awards}");

    // An award (through the API) to Sol, and Andina's complaint: who opens the forms that act
    // on it.
    let officer = app.token(OFFICER).await;
    for entry in sheet["lots"][0]["ranking"].as_array().expect("ranking") {
        let points = if entry["supplier_ruc"] == ANDINA_RUC {
            "10"
        } else {
            "20"
        };
        let r = app
            .put_json(
                &format!(
                    "/api/v1/tenders/{id}/lots/1/bids/{}/evaluation",
                    entry["bid_id"]
                ),
                &officer,
                &serde_json::json!({"admissible": true, "scores": [
                    {"criterion": 1, "points": points, "comment": "Experiencia."},
                    {"criterion": 2, "points": "5", "comment": "Plazo."}]}),
            )
            .await;
        assert_eq!(r.status(), 204);
    }
    let r = app
        .post_json(
            &format!("/api/v1/tenders/{id}/lots/1/award"),
            &officer,
            &serde_json::json!({"justification": "Mayor puntaje total."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let award = r.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("award");
    let r = app
        .post_json(
            &format!("/api/v1/awards/{award}/complaints"),
            &app.token(SUPPLIER).await,
            &serde_json::json!({"grounds": "El puntaje no sigue las bases.", "documents": []}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let complaint = r.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("complaint");
    let forms = [
        format!("/adjudicaciones/{award}/apelacion"),
        format!("/adjudicaciones/{award}/apelaciones/{complaint}"),
        format!("/adjudicaciones/{award}/contrato"),
        format!("/adjudicaciones/{award}/modificacion"),
    ];
    // The awarding officer sees the decision and contract pages explain why they cannot act
    // yet; there is no contract to modify.
    let expected: [(Option<&str>, [u16; 4]); 9] = [
        (Some(OFFICER), [403, 200, 200, 404]),
        (Some(LIMA_OFFICER_2), [403, 200, 200, 404]),
        (Some(AUDITOR), [403, 403, 403, 403]),
        (Some(MINSA_OFFICER), [403, 403, 403, 403]),
        (Some(SUPPLIER), [200, 403, 403, 403]),
        // The winner may not complain about its own award.
        (Some(OTHER_OWNER), [403, 403, 403, 403]),
        // Nor may a company that did not bid.
        (Some(crate::tenders::TECHPERU_OWNER), [403, 403, 403, 403]),
        (Some(REGISTRY_OFFICER), [403, 403, 403, 403]),
        (None, [303, 303, 303, 303]),
    ];
    assert_page_statuses(&app, &forms, &expected).await;
    let awarder = page_login(&app, OFFICER, DEMO_PASSWORD).await;
    let page = page_text(&awarder, app.url(&forms[1])).await;
    assert!(
        page.contains("distinto del que otorgó") && !page.contains("name=\"reasoning\""),
        "{page}"
    );
    let other_buyer = page_login(&app, MINSA_OFFICER, DEMO_PASSWORD).await;
    let csrf = csrf_from(&page_text(&other_buyer, app.url("/cuenta")).await);
    let refused = post_form(
        &other_buyer,
        app.url(&forms[1]),
        &[
            ("csrf_token", csrf.as_str()),
            ("decision", "upheld"),
            ("reasoning", "Intento desde otra entidad."),
        ],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let still = app.get_public(&format!("/api/v1/awards/{award}")).await;
    assert_eq!(still["complaints"][0]["status"], "filed", "{still}");

    // Only auditors move a finding along.
    let auditor = app.token(AUDITOR).await;
    let r = app
        .post_json(
            &format!("/api/v1/audit/tenders/{id}/findings"),
            &auditor,
            &serde_json::json!({"note": "Revisar la difusión de la convocatoria.", "severity": "low"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let finding = r.json::<serde_json::Value>().await.expect("json")["id"]
        .as_i64()
        .expect("finding");
    for who in [OFFICER, SUPPLIER, MINSA_OFFICER] {
        let client = page_login(&app, who, DEMO_PASSWORD).await;
        let csrf = csrf_from(&page_text(&client, app.url("/cuenta")).await);
        let refused = post_form(
            &client,
            app.url(&format!("/auditoria/hallazgos/{finding}")),
            &[("csrf_token", csrf.as_str()), ("status", "closed")],
        )
        .await;
        assert_eq!(refused.status(), 403, "{who}");
    }
    let timeline = app
        .get_json(&format!("/api/v1/audit/tenders/{id}/timeline"), &auditor)
        .await;
    assert_eq!(timeline["findings"][0]["status"], "open", "{timeline}");
}
