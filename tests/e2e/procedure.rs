//! The procedure machine through the entries, on SQLite and PostgreSQL, for every method:
//! tenders walked through every phase (draft → open → enquiries closed → submission closed →
//! opening → evaluation → awarded; void; cancelled), and at each phase every action tried
//! through the JSON API. An action the method's procedure refuses answers 422 with the
//! table's refusal code; one it allows is never refused for the phase (it fails, if at all,
//! on what was sent: the probes of actions with lasting effects send empty content). The
//! phase the API reports, and the actions it lists as allowed, are the table's. Then the
//! demo's whole audit history is replayed through the machine.

use crate::awards::{bid_body, scores};
use crate::bids::{LIMA_OFFICER_3, PASSPHRASE, naive};
use crate::support::*;
use crate::tenders::{LIMA_OFFICER_2, REAL_PDF, draft, error_codes, lima};
use backend::domain::Method;
use backend::procedure::{self, Action, Phase};
use serde_json::{Value, json};

/// What the probes act on, as the tender's life makes it.
#[derive(Debug, Default, Clone, Copy)]
struct Ids {
    tender: i64,
    enquiry: Option<i64>,
    bid: Option<i64>,
    award: Option<i64>,
    complaint: Option<i64>,
    contract: Option<i64>,
}

/// An id that names nothing (the entity cannot exist yet in this phase).
const NONE: i64 = 987_654_321;

/// The people of a probe, signed in again after each move of the clock.
pub(crate) struct People {
    pub(crate) officer: String,
    pub(crate) decider: String,
    pub(crate) bidder: String,
    pub(crate) rival: String,
}

impl People {
    pub(crate) async fn sign_in(app: &TestApp) -> Self {
        Self {
            officer: app.token(OFFICER).await,
            decider: app.token(LIMA_OFFICER_2).await,
            bidder: app.token(SUPPLIER).await,
            rival: app.token(OTHER_OWNER).await,
        }
    }
}

/// Tries `action` on the tender; `empty` sends content that fails on its own (for actions
/// with lasting effects, where the phase allows them).
async fn attempt(
    app: &TestApp,
    who: &People,
    ids: &Ids,
    method: &str,
    action: Action,
    empty: bool,
) -> reqwest::Response {
    let t = ids.tender;
    let text = |full: &str| {
        if empty {
            String::new()
        } else {
            full.to_owned()
        }
    };
    match action {
        Action::EditDraft => {
            let mut body = lowest_price(draft(
                "Adquisición de equipos de cómputo",
                method,
                &committee(app).await,
                &lima(25, "17:00"),
            ));
            body["opening_at"] = json!(lima(25, "19:00"));
            app.put_json(&format!("/api/v1/tenders/{t}"), &who.officer, &body)
                .await
        }
        Action::Publish => {
            app.post_json(&format!("/api/v1/tenders/{t}/publish"), &who.officer, &json!({}))
                .await
        }
        Action::AddDocument => app.upload(&who.officer, t, "anexo.pdf", REAL_PDF.to_vec()).await,
        Action::Ask => {
            app.post_json(
                &format!("/api/v1/tenders/{t}/enquiries"),
                &who.bidder,
                &json!({"question": text("¿Se aceptan equipos reacondicionados?")}),
            )
            .await
        }
        Action::Answer => {
            let e = ids.enquiry.unwrap_or(NONE);
            app.post_json(
                &format!("/api/v1/tenders/{t}/enquiries/{e}/answer"),
                &who.officer,
                &json!({"answer": text("No; los equipos deben ser nuevos.")}),
            )
            .await
        }
        Action::Amend => {
            app.post_json(
                &format!("/api/v1/tenders/{t}/amendments"),
                &who.officer,
                &json!({"rationale": text("Se precisa la garantía."), "material": false,
                        "description": "Adquisición de computadoras portátiles con garantía de tres años y soporte en sitio."}),
            )
            .await
        }
        Action::Cancel => {
            app.post_json(
                &format!("/api/v1/tenders/{t}/cancel"),
                &who.officer,
                &json!({"ground": text("Se desestimó la necesidad.")}),
            )
            .await
        }
        Action::Bid => app.bid(&who.bidder, t, &bid_body("150000.00", Some("20000.00")), None).await,
        Action::Withdraw => {
            let b = ids.bid.unwrap_or(NONE);
            app.client()
                .delete(app.url(&format!("/api/v1/tenders/{t}/bids/{b}")))
                .bearer_auth(&who.bidder)
                .send()
                .await
                .expect("withdraw")
        }
        Action::ShareKey => {
            app.post_json(
                &format!("/api/v1/tenders/{t}/opening"),
                &who.officer,
                &json!({"passphrase": if empty { "no-es-la-clave" } else { PASSPHRASE }}),
            )
            .await
        }
        Action::Evaluate => {
            let b = ids.bid.unwrap_or(NONE);
            app.put_json(
                &format!("/api/v1/tenders/{t}/lots/1/bids/{b}/evaluation"),
                &who.officer,
                &if empty { json!({"admissible": false}) } else { scores("15", "8") },
            )
            .await
        }
        Action::Award => {
            app.post_json(
                &format!("/api/v1/tenders/{t}/lots/1/award"),
                &who.officer,
                &json!({"justification": text("Primer puesto.")}),
            )
            .await
        }
        Action::Complain => {
            let a = ids.award.unwrap_or(NONE);
            app.post_json(
                &format!("/api/v1/awards/{a}/complaints"),
                &who.bidder,
                &json!({"grounds": text("La garantía ofertada no cumple las bases.")}),
            )
            .await
        }
        Action::DecideComplaint => {
            let c = ids.complaint.unwrap_or(NONE);
            app.post_json(
                &format!("/api/v1/complaints/{c}/decision"),
                &who.decider,
                &json!({"decision": text("dismissed"), "reasoning": text("Las bases piden 24 meses; se ofertaron 24.")}),
            )
            .await
        }
        Action::ScheduleAuction => {
            app.post_json(
                &format!("/api/v1/tenders/{t}/lots/1/auction"),
                &who.officer,
                &json!({"opens_at": text("2027-06-01 10:00")}),
            )
            .await
        }
        // No auction is scheduled in the walk: the route answers 404 for the unknown one,
        // after the caller's role (the auction's own test bids in one).
        Action::PlaceLance => {
            app.post_json(
                &format!("/api/v1/auctions/{NONE}/lances"),
                &who.bidder,
                &json!({"price": text("1.00")}),
            )
            .await
        }
        Action::SignContract => {
            let a = ids.award.unwrap_or(NONE);
            app.post_json(
                &format!("/api/v1/awards/{a}/contract"),
                &who.officer,
                &json!({"signed_on": text("2027-03-01"), "value": text("150000.00"), "duration_days": text("60")}),
            )
            .await
        }
        Action::ModifyContract => {
            let c = ids.contract.unwrap_or(NONE);
            app.post_json(
                &format!("/api/v1/contracts/{c}/modifications"),
                &who.officer,
                &json!({"reason": text("Ampliación de 2 equipos."), "value_change": text("7500.00")}),
            )
            .await
        }
    }
}

/// Actions whose probe, where the phase allows them, would change the tender for good: they
/// send empty content there.
fn lasting(action: Action) -> bool {
    !matches!(
        action,
        Action::EditDraft | Action::AddDocument | Action::Bid | Action::Withdraw
    )
}

/// Checks the tender is in `phase` (as the API reports it, with the table's allowed
/// actions), then tries every action but `skip`; returns the failures as text.
async fn probe_phase(
    app: &TestApp,
    who: &People,
    ids: &mut Ids,
    method: Method,
    phase: Phase,
    skip: &[Action],
    exact: &mut usize,
) -> Vec<String> {
    let procedure = procedure::of(method, false);
    let mut failures = Vec::new();
    let tender = app
        .get_json(&format!("/api/v1/tenders/{}", ids.tender), &who.officer)
        .await;
    if tender["phase"] != json!(phase.code()) {
        failures.push(format!(
            "{method:?}: expected {phase:?}, the API says {}",
            tender["phase"]
        ));
        return failures;
    }
    let listed: Vec<Action> =
        serde_json::from_value(tender["allowed_actions"].clone()).expect("allowed actions");
    if listed != procedure.allowed(phase) {
        failures.push(format!("{method:?} {phase:?}: the API lists {listed:?}"));
    }
    // Withdraw before Bid: a withdrawn bid is submitted again, so a live bid goes on.
    let mut actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| !skip.contains(a))
        .collect();
    if let (Some(w), Some(b)) = (
        actions.iter().position(|a| *a == Action::Withdraw),
        actions.iter().position(|a| *a == Action::Bid),
    ) {
        actions.swap(w, b);
    }
    for action in actions {
        let allowed = procedure.may(phase, action);
        let response = attempt(
            app,
            who,
            ids,
            method.code(),
            action,
            allowed && lasting(action),
        )
        .await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let codes: Vec<(String, String)> = if status == 422 {
            error_codes(&body)
        } else {
            Vec::new()
        };
        match procedure.check(phase, action) {
            Err(refusal) => {
                // Refused before the phase is asked: nothing to act on yet (404), nobody in
                // that role may (403: a draft's committee has no shares yet, a void lot no
                // complainant), or a tender frozen with no envelope to open.
                let earlier = status == 404
                    || status == 403
                    || codes.iter().any(|(_, c)| c == "no_bids_received");
                let refused = codes
                    .first()
                    .is_some_and(|(f, c)| f == refusal.field && c == refusal.code);
                *exact += usize::from(refused);
                if !(refused || earlier) {
                    failures.push(format!(
                        "{method:?} {phase:?} {action:?}: refused by the table with {}/{}, the entry answered {status} {body}",
                        refusal.field, refusal.code
                    ));
                }
            }
            Ok(()) => {
                let refusal_codes: Vec<&str> = std::iter::once(procedure.rule(action))
                    .flat_map(|r| {
                        std::iter::once(r.refusal.code).chain(r.except.iter().map(|(_, x)| x.code))
                    })
                    .collect();
                if codes
                    .iter()
                    .any(|(_, c)| refusal_codes.contains(&c.as_str()))
                {
                    failures.push(format!(
                        "{method:?} {phase:?} {action:?}: allowed by the table, refused by the entry: {body}"
                    ));
                }
                if action == Action::Bid && status == 201 {
                    ids.bid = body["bid_id"].as_i64().or(body["id"].as_i64());
                }
            }
        }
    }
    failures
}

pub(crate) async fn created(response: reqwest::Response) -> i64 {
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert!(status.is_success(), "{status} {body}");
    body["id"]
        .as_i64()
        .or(body["bid_id"].as_i64())
        .unwrap_or_else(|| panic!("an id in {body}"))
}

/// The Lima committee of three (two shares open).
pub(crate) async fn committee(app: &TestApp) -> [i64; 3] {
    [
        app.user_id(OFFICER).await,
        app.user_id(LIMA_OFFICER_2).await,
        app.user_id(LIMA_OFFICER_3).await,
    ]
}

/// A draft awarded on price alone (no scores to give in the walk).
fn lowest_price(mut body: Value) -> Value {
    body["award_criteria"] = json!("lowest_price");
    body["price_weight"] = json!(100);
    body["quality_criteria"] = json!([]);
    body
}

/// A Lima tender of `method` as a draft, with its document; its id.
pub(crate) async fn drafted(app: &TestApp, who: &People, method: Method, title: &str) -> i64 {
    drafted_with(app, who, method, title, |_| {}).await
}

/// [`drafted`], its body changed by `edit` before it is sent.
pub(crate) async fn drafted_with(
    app: &TestApp,
    who: &People,
    method: Method,
    title: &str,
    edit: impl FnOnce(&mut Value),
) -> i64 {
    let officer = &who.officer;
    let mut body = lowest_price(draft(
        title,
        method.code(),
        &committee(app).await,
        &lima(25, "17:00"),
    ));
    body["opening_at"] = json!(lima(25, "19:00"));
    edit(&mut body);
    let id = created(app.post_json("/api/v1/tenders", officer, &body).await).await;
    assert_eq!(
        app.upload(officer, id, "bases.pdf", REAL_PDF.to_vec())
            .await
            .status(),
        201
    );
    id
}

pub(crate) async fn publish(app: &TestApp, who: &People, id: i64) {
    let r = app
        .post_json(
            &format!("/api/v1/tenders/{id}/publish"),
            &who.officer,
            &json!({}),
        )
        .await;
    assert!(r.status().is_success(), "{:?}", r.text().await);
}

pub(crate) async fn freeze_and_finalise(app: &TestApp) {
    let now = backend::clock::Clock::now_db(&app.clock);
    app.app
        .db
        .run(move |conn| {
            backend::bids::freeze_due(conn, now)?;
            backend::awards::finalise_due(conn, now)
        })
        .await
        .expect("the clock's jobs");
}

pub(crate) async fn evaluate_all(app: &TestApp, who: &People, tender: i64) {
    let officer = &who.officer;
    let sheet = app
        .get_json(&format!("/api/v1/tenders/{tender}/evaluation"), officer)
        .await;
    for (lot, entry) in sheet["lots"].as_array().expect("lots").iter().enumerate() {
        for bid in entry["ranking"].as_array().expect("ranking") {
            let bid = bid["bid_id"].as_i64().expect("bid");
            let r = app
                .put_json(
                    &format!(
                        "/api/v1/tenders/{tender}/lots/{}/bids/{bid}/evaluation",
                        lot + 1
                    ),
                    officer,
                    &json!({"admissible": true}),
                )
                .await;
            assert_eq!(r.status(), 204, "{:?}", r.text().await);
        }
    }
}

pub(crate) async fn award(app: &TestApp, who: &People, tender: i64, lot: usize) -> i64 {
    let officer = &who.officer;
    let path = format!("/api/v1/tenders/{tender}/lots/{lot}/award");
    let mut preview = app.get_json(&path, officer).await;
    if preview["blocked_by"] == "auction_required" {
        // A subasta's lot with two admitted offers is decided by its auction: a short one,
        // without lances, closed by the clock.
        let now = backend::clock::Clock::now_db(&app.clock);
        let opens =
            now + chrono::Duration::minutes(i64::from(app.app.settings.auction_notice_minutes));
        created(
            app.post_json(
                &format!("/api/v1/tenders/{tender}/lots/{lot}/auction"),
                officer,
                &json!({"opens_at": backend::domain::utc::format(opens)}),
            )
            .await,
        )
        .await;
        crate::auction::tick_to(app, opens + chrono::Duration::minutes(31)).await;
        preview = app.get_json(&path, officer).await;
    }
    let flags: serde_json::Map<String, Value> = preview["flags"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(Value::as_str)
                .map(|c| {
                    (
                        c.to_owned(),
                        json!("Justificado en el expediente de contratación."),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    created(
        app.post_json(
            &format!("/api/v1/tenders/{tender}/lots/{lot}/award"),
            officer,
            &json!({"justification": "Menor precio entre las ofertas válidas.", "flag_justifications": flags}),
        )
        .await,
    )
    .await
}

/// One method's whole life, every phase probed; the failures.
async fn walk(app: &TestApp, method: Method, exact: &mut usize) -> Vec<String> {
    let mut failures = Vec::new();
    app.set_clock(naive("2026-11-23T14:00:00Z"));
    let mut who = People::sign_in(app).await;
    // The main tender: draft → open → … → awarded.
    let mut ids = Ids {
        tender: drafted(app, &who, method, "Adquisición de computadoras portátiles").await,
        ..Ids::default()
    };
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut ids,
            method,
            Phase::Draft,
            &[Action::Publish],
            exact,
        )
        .await,
    );
    publish(app, &who, ids.tender).await;
    let rival = &who.rival;
    assert_eq!(
        app.bid(
            rival,
            ids.tender,
            &bid_body("140000.00", Some("21000.00")),
            None
        )
        .await
        .status(),
        201
    );
    let bidder = &who.bidder;
    ids.enquiry = Some(
        created(
            app.post_json(
                &format!("/api/v1/tenders/{}/enquiries", ids.tender),
                bidder,
                &json!({"question": "¿El plazo de entrega incluye la instalación?"}),
            )
            .await,
        )
        .await,
    );
    failures.extend(probe_phase(app, &who, &mut ids, method, Phase::Open, &[], exact).await);
    app.set_clock(naive(&lima(4, "09:00")));
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut ids,
            method,
            Phase::EnquiriesClosed,
            &[],
            exact,
        )
        .await,
    );
    app.set_clock(naive(&lima(25, "18:00")));
    freeze_and_finalise(app).await;
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut ids,
            method,
            Phase::SubmissionClosed,
            &[],
            exact,
        )
        .await,
    );
    app.set_clock(naive(&lima(25, "19:30")));
    failures.extend(probe_phase(app, &who, &mut ids, method, Phase::Opening, &[], exact).await);
    for member in [OFFICER, LIMA_OFFICER_3] {
        let r = app.give_share(member, ids.tender, PASSPHRASE).await;
        assert!(r.status().is_success(), "{:?}", r.text().await);
    }
    failures.extend(probe_phase(app, &who, &mut ids, method, Phase::Evaluation, &[], exact).await);
    // Lot 1 awarded; a rival's complaint filed and dismissed; the award final; its contract.
    evaluate_all(app, &who, ids.tender).await;
    ids.award = Some(award(app, &who, ids.tender, 1).await);
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut ids,
            method,
            Phase::Evaluation,
            &[Action::SignContract],
            exact,
        )
        .await,
    );
    // Sol's lower price won lot 1; Andina complains.
    let loser = &who.bidder;
    ids.complaint = Some(
        created(
            app.post_json(
                &format!("/api/v1/awards/{}/complaints", ids.award.unwrap_or(NONE)),
                loser,
                &json!({"grounds": "La garantía ofertada no cumple el mínimo de las bases."}),
            )
            .await,
        )
        .await,
    );
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut ids,
            method,
            Phase::Evaluation,
            &[Action::SignContract],
            exact,
        )
        .await,
    );
    let decider = &who.decider;
    let r = app
        .post_json(
            &format!("/api/v1/complaints/{}/decision", ids.complaint.unwrap_or(NONE)),
            decider,
            &json!({"decision": "dismissed", "reasoning": "La garantía ofertada es de 24 meses, como piden las bases."}),
        )
        .await;
    assert_eq!(r.status(), 204, "{:?}", r.text().await);
    let award_view = app
        .get_public(&format!("/api/v1/awards/{}", ids.award.unwrap_or(NONE)))
        .await;
    let ends = naive(
        award_view["standstill_ends_at"]
            .as_str()
            .expect("standstill"),
    );
    app.set_clock(ends + chrono::Duration::hours(1));
    freeze_and_finalise(app).await;
    who = People::sign_in(app).await;
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut ids,
            method,
            Phase::Evaluation,
            &[Action::ModifyContract],
            exact,
        )
        .await,
    );
    let officer = &who.officer;
    ids.contract = Some(
        created(
            app.post_json(
                &format!("/api/v1/awards/{}/contract", ids.award.unwrap_or(NONE)),
                officer,
                &json!({"signed_on": backend::domain::utc::in_lima(ends + chrono::Duration::hours(1)).date().to_string(),
                        "value": "140000.00", "duration_days": "60"}),
            )
            .await,
        )
        .await,
    );
    award(app, &who, ids.tender, 2).await;
    failures.extend(probe_phase(app, &who, &mut ids, method, Phase::Awarded, &[], exact).await);

    // A tender nobody bid on: frozen empty, both lots declared void.
    app.set_clock(naive("2026-11-23T14:00:00Z"));
    who = People::sign_in(app).await;
    let mut void = Ids {
        tender: drafted(app, &who, method, "Servicio de mantenimiento de ascensores").await,
        ..Ids::default()
    };
    publish(app, &who, void.tender).await;
    app.set_clock(naive(&lima(25, "18:00")));
    freeze_and_finalise(app).await;
    award(app, &who, void.tender, 1).await;
    void.award = Some(award(app, &who, void.tender, 2).await);
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut void,
            method,
            Phase::Unsuccessful,
            &[],
            exact,
        )
        .await,
    );

    // A tender cancelled while it took bids.
    app.set_clock(naive("2026-11-23T14:00:00Z"));
    who = People::sign_in(app).await;
    let mut cancelled = Ids {
        tender: drafted(app, &who, method, "Adquisición de útiles de escritorio").await,
        ..Ids::default()
    };
    publish(app, &who, cancelled.tender).await;
    let bidder = &who.bidder;
    cancelled.bid = Some(
        created(
            app.bid(
                bidder,
                cancelled.tender,
                &bid_body("150000.00", Some("20000.00")),
                None,
            )
            .await,
        )
        .await,
    );
    let officer = &who.officer;
    let r = app
        .post_json(
            &format!("/api/v1/tenders/{}/cancel", cancelled.tender),
            officer,
            &json!({"ground": "La necesidad fue atendida por otra entidad."}),
        )
        .await;
    assert!(r.status().is_success(), "{:?}", r.text().await);
    failures.extend(
        probe_phase(
            app,
            &who,
            &mut cancelled,
            method,
            Phase::Cancelled,
            &[],
            exact,
        )
        .await,
    );
    failures
}

#[tokio::test]
async fn every_method_allows_and_refuses_each_action_as_its_procedure_table_says() {
    for db in backends() {
        let app = TestApp::spawn_cast_with(
            db,
            &[
                ("LICITA_SESSION_HOURS", "720"),
                // The walk signs in again after each long move of the test clock.
                ("LICITA_LOGIN_MAX_FAILURES_PER_ADDRESS", "100000"),
            ],
            crate::build::BIDDING_CAST,
        )
        .await;
        let mut failures = Vec::new();
        let mut exact = 0;
        for method in Method::ALL {
            failures.extend(walk(&app, method, &mut exact).await);
        }
        assert!(failures.is_empty(), "{db:?}:\n{}", failures.join("\n"));
        // Most refusals reach the procedure's own (a few are refused earlier, above).
        assert!(
            exact >= 6 * 80,
            "{db:?}: {exact} refusals with the table's code"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn the_demo_s_audit_history_replays_through_the_procedure_machine() {
    for db in backends() {
        let app = TestApp::spawn(db).await;
        let replayed = app
            .app
            .db
            .run(backend::procedure::replay::all)
            .await
            .expect("replay");
        assert!(replayed.tenders > 10, "{replayed:?}");
        assert!(
            replayed.refused.is_empty(),
            "{db:?}: {:?}",
            replayed.refused
        );
        assert!(
            replayed.disagree.is_empty(),
            "{db:?}: {:?}",
            replayed.disagree
        );
        app.stop().await;
    }
}

/// The pages ask the procedure too: no form it would refuse, and when one is asked for or
/// sent anyway, the page says why in the entry's words (not "we could not read what you
/// sent"); a company the registry has not cleared is told so instead of a question form;
/// an answer's error lands on that question's field.
#[tokio::test]
async fn the_pages_offer_no_form_the_procedure_refuses_and_say_why() {
    let app = TestApp::spawn_cast(Db::Sqlite, crate::build::BIDDING_CAST).await;
    let officer = app.token(OFFICER).await;
    let andina = app.token(SUPPLIER).await;
    let officer_pages = page_login(&app, OFFICER, DEMO_PASSWORD).await;

    // A cancelled tender: its cancellation form is not offered, and asking for it says why.
    let (cancelled, _, _) = app
        .sealed_tender("Útiles de oficina para las agencias")
        .await;
    let done = app
        .post_json(
            &format!("/api/v1/tenders/{cancelled}/cancel"),
            &officer,
            &json!({"ground": "Desaparece la necesidad del área usuaria."}),
        )
        .await;
    assert_eq!(done.status(), 204);
    let page = page_text(
        &officer_pages,
        app.url(&format!("/licitaciones/{cancelled}")),
    )
    .await;
    assert!(
        !page.contains(&format!("/licitaciones/{cancelled}/cancelar")),
        "{page}"
    );
    let form = officer_pages
        .get(app.url(&format!("/licitaciones/{cancelled}/cancelar")))
        .send()
        .await
        .expect("get");
    assert_eq!(form.status(), 422);
    let form = form.text().await.expect("text");
    assert!(
        form.contains("No se puede cancelar") && !form.contains("name=\"ground\""),
        "the refusal instead of the form: {form}"
    );

    // An open tender: a company pending review is told why it cannot ask or bid.
    let (open, deadline, _) = app
        .sealed_tender("Mobiliario para la biblioteca municipal")
        .await;
    let pending = page_login(&app, crate::tenders::TECHPERU_OWNER, DEMO_PASSWORD).await;
    let page = page_text(&pending, app.url(&format!("/licitaciones/{open}"))).await;
    assert!(
        page.contains("Your company may not take part yet")
            && !page.contains("name=\"question\"")
            && !page.contains(&format!("/licitaciones/{open}/oferta\"")),
        "{page}"
    );
    let cleared = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
    let page = page_text(&cleared, app.url(&format!("/licitaciones/{open}"))).await;
    assert!(
        page.contains("name=\"question\""),
        "a cleared company may ask: {page}"
    );

    // An answer refused for its text: the summary's link lands on that question's field.
    let asked = app
        .post_json(
            &format!("/api/v1/tenders/{open}/enquiries"),
            &andina,
            &json!({"question": "¿Se aceptan muebles de melamina?"}),
        )
        .await;
    assert_eq!(asked.status(), 201);
    let question = asked.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let page = page_text(&officer_pages, app.url(&format!("/licitaciones/{open}"))).await;
    let refused = post_form(
        &officer_pages,
        app.url(&format!(
            "/licitaciones/{open}/consultas/{question}/respuesta"
        )),
        &[("csrf_token", &csrf_from(&page)), ("answer", " ")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("text");
    assert!(
        refused.contains(&format!("href=\"#f-answer_{question}\""))
            && refused.contains(&format!("id=\"f-answer_{question}\""))
            && refused.contains("aria-invalid=\"true\""),
        "{refused}"
    );

    // Past the deadline: no bid form, and a withdrawal sent anyway is refused with the reason.
    let receipt: Value = app
        .bid(&andina, open, &bid_body("150000.00", None), None)
        .await
        .json()
        .await
        .expect("receipt");
    let bid = receipt["bid_id"].as_i64().expect("bid id");
    app.set_clock(deadline + chrono::Duration::minutes(1));
    // The session from before the clock moved has expired.
    let cleared = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
    let csrf = csrf_from(&page_text(&cleared, app.url("/mis-ofertas")).await);
    let form = cleared
        .get(app.url(&format!("/licitaciones/{open}/oferta")))
        .send()
        .await
        .expect("get");
    assert_eq!(form.status(), 422);
    let form = form.text().await.expect("text");
    assert!(
        form.contains("no recibe ofertas") && !form.contains("name=\"price_1\""),
        "{form}"
    );
    let withdraw = post_form(
        &cleared,
        app.url(&format!("/licitaciones/{open}/oferta/{bid}/retirar")),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(withdraw.status(), 422);
    let withdraw = withdraw.text().await.expect("text");
    assert!(
        withdraw.contains("pueden retirarse hasta el cierre")
            && !withdraw.contains("No pudimos leer lo que envió"),
        "{withdraw}"
    );
    app.stop().await;
}
