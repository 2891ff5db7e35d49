//! The reverse auction (subasta inversa electrónica) through the API on both databases:
//! publication → sealed offers → opening → admission → the auction of a lot (lances with
//! signed receipts, refusals, an extension, the close by the server's clock) → the award at
//! the final price; a lot with one admitted offer has no auction and is decided on its
//! sealed price; nobody but the buyer's officers and the auditors learns who is who.

use crate::awards::bid_body;
use crate::bids::{PASSPHRASE, naive};
use crate::procedure::{
    People, committee, created, drafted, drafted_with, evaluate_all, freeze_and_finalise, publish,
};
use crate::support::*;
use crate::tenders::{draft, error_codes, lima};
use backend::auction::LanceReceipt;
use backend::domain::Method;
use chrono::{Duration, NaiveDateTime};
use serde_json::{Value, json};

/// Moves the test clock to `until` in steps of 20 seconds, running the auctions' clock step
/// at each (a server alive throughout: no outage).
pub(crate) async fn tick_to(app: &TestApp, until: NaiveDateTime) {
    loop {
        let now = backend::clock::Clock::now_db(&app.clock);
        let next = (now + Duration::seconds(20)).min(until);
        app.set_clock(next);
        let (keys, url) = (
            app.app.receipts.clone(),
            app.app.settings.public_url.clone(),
        );
        app.app
            .db
            .run(move |conn| backend::auction::tick_due(conn, &keys, &url, next))
            .await
            .expect("the auctions' clock step")
            .1
            .publish(&app.app.live);
        if next >= until {
            break;
        }
    }
}

async fn lance(app: &TestApp, token: &str, auction: i64, price: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/auctions/{auction}/lances"),
        token,
        &json!({ "price": price }),
    )
    .await
}

async fn receipt(response: reqwest::Response) -> LanceReceipt {
    let status = response.status();
    let text = response.text().await.expect("text");
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).expect("a lance receipt")
}

/// A subasta inversa published, bid on by Andina (150,000 and 20,000) and Constructora Sol
/// (140,000 and 21,000) and opened at 19:30 Lima time on day 25; its id.
async fn opened_subasta(app: &TestApp, who: &People) -> i64 {
    let id = drafted(
        app,
        who,
        Method::SubastaInversaElectronica,
        "Papel bond A4 para las oficinas municipales",
    )
    .await;
    publish(app, who, id).await;
    for (token, one, two) in [
        (&who.bidder, "150000.00", "20000.00"),
        (&who.rival, "140000.00", "21000.00"),
    ] {
        let r = app.bid(token, id, &bid_body(one, Some(two)), None).await;
        assert_eq!(r.status(), 201, "{:?}", r.text().await);
    }
    app.set_clock(naive(&lima(25, "19:30")));
    freeze_and_finalise(app).await;
    for member in [OFFICER, crate::bids::LIMA_OFFICER_3] {
        let r = app.give_share(member, id, PASSPHRASE).await;
        assert!(r.status().is_success(), "{:?}", r.text().await);
    }
    id
}

/// [`opened_subasta`] with its offers admitted and lot 1's auction scheduled for 20:00 Lima
/// time and running (the clock ten seconds past its start): the tender, the auction and its
/// start as sent.
async fn running_auction(app: &TestApp, who: &People) -> (i64, i64, String) {
    let id = opened_subasta(app, who).await;
    evaluate_all(app, who, id).await;
    let opens = lima(25, "20:00");
    let auction = created(
        app.post_json(
            &format!("/api/v1/tenders/{id}/lots/1/auction"),
            &who.officer,
            &json!({ "opens_at": opens }),
        )
        .await,
    )
    .await;
    tick_to(app, naive(&opens) + Duration::seconds(10)).await;
    (id, auction, opens)
}

/// A watcher of an auction's server-sent events.
pub struct Watcher {
    response: reqwest::Response,
    buffer: String,
}

impl Watcher {
    /// Connects to `url` (an auction's `/events`).
    pub async fn connect(url: String) -> Watcher {
        let response = reqwest::Client::new()
            .get(url)
            .send()
            .await
            .expect("events");
        assert_eq!(response.status(), 200);
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert!(kind.starts_with("text/event-stream"), "{kind}");
        Watcher {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (its kind and data) within 10 seconds; `None` when the stream ended.
    pub async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut kind, mut data) = (None, String::new());
                for line in block.lines() {
                    if let Some(k) = line.strip_prefix("event: ") {
                        kind = Some(k.to_owned());
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data.push_str(d);
                    }
                }
                match kind {
                    Some(kind) => return Some((kind, serde_json::from_str(&data).expect("data"))),
                    None => continue,
                }
            }
            let chunk =
                tokio::time::timeout(std::time::Duration::from_secs(10), self.response.chunk())
                    .await
                    .expect("an event within 10 s")
                    .expect("the stream reads")?;
            self.buffer
                .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }
}

/// The compiled OCDS release of tender `id`, as published.
async fn compiled(app: &TestApp, id: i64) -> Value {
    let ocid = app.get_public(&format!("/api/v1/tenders/{id}")).await["ocid"]
        .as_str()
        .expect("ocid")
        .to_owned();
    app.get_public(&format!("/api/v1/ocds/records/{ocid}"))
        .await["records"][0]["compiledRelease"]
        .clone()
}

/// The bid details of `release` on lot `lot` by the company whose name has `company`.
fn bid_on(release: &Value, lot: i32, company: &str) -> Value {
    release["bids"]["details"]
        .as_array()
        .expect("bids")
        .iter()
        .find(|b| {
            b["relatedLots"][0] == format!("lot-{lot}")
                && b["tenderers"][0]["name"]
                    .as_str()
                    .is_some_and(|n| n.contains(company))
        })
        .cloned()
        .unwrap_or_else(|| panic!("{company}'s bid on lot {lot}: {release}"))
}

/// The lot prices of the opening transcript as `token` (or the public) sees them: per
/// company name, the lots priced and the lots withheld.
async fn transcript_prices(
    app: &TestApp,
    id: i64,
    token: Option<&str>,
) -> Vec<(String, Vec<i64>, Vec<i64>)> {
    let path = format!("/api/v1/tenders/{id}/opening");
    let opening = match token {
        Some(token) => app.get_json(&path, token).await,
        None => app.get_public(&path).await,
    };
    opening["transcript"]["bids"]
        .as_array()
        .expect("bids")
        .iter()
        .map(|b| {
            let lots = |key: &str, field: Option<&str>| -> Vec<i64> {
                b[key]
                    .as_array()
                    .expect("list")
                    .iter()
                    .filter_map(|p| match field {
                        Some(f) => p[f].as_i64(),
                        None => p.as_i64(),
                    })
                    .collect()
            };
            (
                b["supplier_name"].as_str().unwrap_or("").to_owned(),
                lots("prices", Some("lot")),
                lots("withheld_lots", None),
            )
        })
        .collect()
}

async fn spawn(db: Db) -> (TestApp, People) {
    let app = TestApp::spawn_cast_with(
        db,
        &[("LICITA_SESSION_HOURS", "720")],
        crate::build::BIDDING_CAST,
    )
    .await;
    app.set_clock(naive("2026-11-23T14:00:00Z"));
    let who = People::sign_in(&app).await;
    (app, who)
}

/// Each lot's `electronic_auction` as the tender's API gives it.
async fn auction_lots(app: &TestApp, id: i64, token: &str) -> Vec<bool> {
    app.get_json(&format!("/api/v1/tenders/{id}"), token).await["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| l["electronic_auction"].as_bool().expect("a flag per lot"))
        .collect()
}

#[tokio::test]
async fn an_officer_gives_one_lot_of_a_licitacion_an_auction_and_the_other_lot_is_decided_sealed() {
    for db in backends() {
        let (app, who) = spawn(db).await;
        let officer = &who.officer;
        // An auction ranks prices only: not on a lot awarded on price and quality.
        let mut weighted = draft(
            "Computadoras y estaciones de acoplamiento",
            "licitacion_publica",
            &committee(&app).await,
            &lima(25, "17:00"),
        );
        weighted["lots"][1]["electronic_auction"] = json!(true);
        let refused = app.post_json("/api/v1/tenders", officer, &weighted).await;
        assert_eq!(refused.status(), 422);
        let refused: Value = refused.json().await.expect("json");
        assert_eq!(
            error_codes(&refused),
            [(
                "lot_auction".to_owned(),
                "auction_needs_lowest_price".to_owned()
            )]
        );
        // A method the setting does not list (concurso público, services) is refused at
        // publication, naming the lot.
        let services = drafted_with(
            &app,
            &who,
            Method::ConcursoPublico,
            "Servicio de limpieza de sedes",
            |b| {
                b["lots"][1]["electronic_auction"] = json!(true);
            },
        )
        .await;
        let r = app
            .post_json(
                &format!("/api/v1/tenders/{services}/publish"),
                officer,
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), 422);
        let r: Value = r.json().await.expect("json");
        assert_eq!(
            error_codes(&r),
            [(
                "lot_auction".to_owned(),
                "auction_not_allowed_for_method".to_owned()
            )],
            "{r}"
        );
        // A subasta's lots always have one, whatever the body says; and its auction decides
        // by price alone.
        let subasta = drafted(
            &app,
            &who,
            Method::SubastaInversaElectronica,
            "Papel bond A4",
        )
        .await;
        assert_eq!(auction_lots(&app, subasta, officer).await, [true, true]);
        let mut weighted_subasta = weighted.clone();
        weighted_subasta["method"] = json!("subasta_inversa_electronica");
        let refused = app
            .post_json("/api/v1/tenders", officer, &weighted_subasta)
            .await;
        assert_eq!(refused.status(), 422);
        let refused: Value = refused.json().await.expect("json");
        assert_eq!(
            error_codes(&refused),
            [(
                "award_criteria".to_owned(),
                "auction_lots_need_lowest_price".to_owned()
            )]
        );
        // A misspelt flag is refused, not dropped unseen.
        let mut misspelt = weighted.clone();
        misspelt["lots"][1] = json!({"title": "Estaciones", "quantity": "40", "unit": "unidad",
                                      "estimated_value": "24000.50", "electronic_auctoin": true});
        let refused = app.post_json("/api/v1/tenders", officer, &misspelt).await;
        assert_eq!(refused.status(), 400);

        // An amendment may give a published tender's lot an auction, or take it away: the
        // amendment's record says so, and the open data follows both ways.
        let amended = drafted(&app, &who, Method::LicitacionPublica, "Impresoras láser").await;
        publish(&app, &who, amended).await;
        let tender = app
            .get_json(&format!("/api/v1/tenders/{amended}"), officer)
            .await;
        let lots_with = |flag: bool| -> Value {
            let lot = |l: &Value, flag: bool| {
                json!({"title": l["title"], "quantity": l["quantity"], "unit": l["unit"],
                       "estimated_value": l["estimated_value"]["amount"], "electronic_auction": flag})
            };
            json!([
                lot(&tender["lots"][0], flag),
                lot(&tender["lots"][1], false)
            ])
        };
        for (n, flag) in [(1usize, true), (2, false)] {
            let r = app
                .post_json(
                    &format!("/api/v1/tenders/{amended}/amendments"),
                    officer,
                    &json!({"rationale": "Se decide la subasta electrónica del lote 1.",
                            "lots": lots_with(flag)}),
                )
                .await;
            assert_eq!(r.status(), 200, "{:?}", r.text().await);
            let tender = app
                .get_json(&format!("/api/v1/tenders/{amended}"), officer)
                .await;
            assert_eq!(
                tender["amendments"][n - 1]["material"],
                true,
                "the bids must be confirmed again: {tender}"
            );
            let changes = &tender["amendments"][n - 1]["changes"]["lots"];
            assert_eq!(changes["after"][0]["electronic_auction"], flag, "{tender}");
            assert_eq!(
                changes["before"][0]["electronic_auction"], !flag,
                "{tender}"
            );
            let release = compiled(&app, amended).await;
            assert_eq!(
                release["tender"]["lots"][0]["techniques"]["hasElectronicAuction"], flag,
                "the merged record follows: {release}"
            );
        }

        // A licitación pública with an auction on lot 2 only.
        let id = drafted_with(
            &app,
            &who,
            Method::LicitacionPublica,
            "Computadoras portátiles y estaciones",
            |b| {
                b["lots"][1]["electronic_auction"] = json!(true);
            },
        )
        .await;
        assert_eq!(auction_lots(&app, id, officer).await, [false, true]);
        publish(&app, &who, id).await;
        for (token, one, two) in [
            (&who.bidder, "150000.00", "20000.00"),
            (&who.rival, "140000.00", "21000.00"),
        ] {
            let r = app.bid(token, id, &bid_body(one, Some(two)), None).await;
            assert_eq!(r.status(), 201, "{:?}", r.text().await);
        }
        app.set_clock(naive(&lima(25, "19:30")));
        freeze_and_finalise(&app).await;
        for member in [OFFICER, crate::bids::LIMA_OFFICER_3] {
            let r = app.give_share(member, id, PASSPHRASE).await;
            assert!(r.status().is_success(), "{:?}", r.text().await);
        }
        evaluate_all(&app, &who, id).await;
        // Only lot 2's sealed prices are withheld from the public; lot 1's are published.
        let everyone = transcript_prices(&app, id, None).await;
        assert!(
            everyone
                .iter()
                .all(|(_, prices, withheld)| prices == &[1] && withheld == &[2]),
            "{everyone:?}"
        );
        let release = compiled(&app, id).await;
        assert_eq!(
            release["tender"]["lots"][0]["techniques"]["hasElectronicAuction"], false,
            "{release}"
        );
        assert_eq!(
            release["tender"]["lots"][1]["techniques"]["hasElectronicAuction"],
            true
        );
        // Lot 1 has no auction: it is awarded on the sealed prices.
        let opens = lima(25, "20:00");
        let body = json!({ "opens_at": opens });
        let no_auction = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/1/auction"),
                officer,
                &body,
            )
            .await;
        assert_eq!(no_auction.status(), 422);
        let no_auction: Value = no_auction.json().await.expect("json");
        assert_eq!(error_codes(&no_auction)[0].1, "lot_without_auction");
        let lot_1 = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/1/award"), officer)
            .await;
        assert_eq!(lot_1["winner"]["price"], "140000.00", "{lot_1}");
        assert!(lot_1["blocked_by"].is_null(), "{lot_1}");
        // Lot 2 is decided in its auction, not on the sealed prices.
        let award_2 = format!("/api/v1/tenders/{id}/lots/2/award");
        let lot_2 = app.get_json(&award_2, officer).await;
        assert_eq!(lot_2["blocked_by"], "auction_required", "{lot_2}");
        let auction = created(
            app.post_json(
                &format!("/api/v1/tenders/{id}/lots/2/auction"),
                officer,
                &body,
            )
            .await,
        )
        .await;
        tick_to(&app, naive(&opens) + Duration::seconds(10)).await;
        receipt(lance(&app, &who.rival, auction, "19800.00").await).await;
        tick_to(&app, naive(&opens) + Duration::minutes(31)).await;
        let lot_2 = app.get_json(&award_2, officer).await;
        assert_eq!(lot_2["winner"]["price"], "19800.00", "{lot_2}");
        assert!(
            lot_2["winner"]["supplier_name"]
                .as_str()
                .is_some_and(|n| n.contains("Sol")),
            "{lot_2}"
        );
        let everyone = transcript_prices(&app, id, None).await;
        assert!(
            everyone
                .iter()
                .all(|(_, prices, withheld)| prices == &[1, 2] && withheld.is_empty()),
            "the close publishes lot 2's sealed prices: {everyone:?}"
        );
    }
}

#[tokio::test]
async fn a_subasta_inversa_runs_from_its_offers_through_its_auction_to_the_award() {
    for db in backends() {
        let (app, who) = spawn(db).await;
        let id = opened_subasta(&app, &who).await;
        let schedule = format!("/api/v1/tenders/{id}/lots/1/auction");
        let opens = lima(25, "20:00");
        let body = json!({ "opens_at": opens });
        // Nobody admitted yet: no auction.
        let early = app.post_json(&schedule, &who.officer, &body).await;
        assert_eq!(early.status(), 422);
        let early: Value = early.json().await.expect("json");
        assert_eq!(
            error_codes(&early),
            [("lot".to_owned(), "too_few_admitted_for_auction".to_owned())]
        );
        // Admission: both offers on lot 1; on lot 2 Sol is not admitted.
        evaluate_all(&app, &who, id).await;
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &who.officer)
            .await;
        let sol_lot_2 = sheet["lots"][1]["ranking"]
            .as_array()
            .expect("ranking")
            .iter()
            .find(|b| b["supplier_name"].as_str().unwrap_or("").contains("Sol"))
            .and_then(|b| b["bid_id"].as_i64())
            .expect("Sol's bid");
        let rejected = app
            .put_json(
                &format!("/api/v1/tenders/{id}/lots/2/bids/{sol_lot_2}/evaluation"),
                &who.officer,
                &json!({"admissible": false, "disqualification_ground": "missing_documents",
                        "note": "Falta la ficha técnica del producto."}),
            )
            .await;
        assert_eq!(rejected.status(), 204, "{:?}", rejected.text().await);
        let one = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/2/auction"),
                &who.officer,
                &body,
            )
            .await;
        assert_eq!(one.status(), 422, "one admitted offer: no auction");

        // Only the buyer's officers schedule; once per lot.
        let by_bidder = app.post_json(&schedule, &who.bidder, &body).await;
        assert_eq!(by_bidder.status(), 403);
        let auction = created(app.post_json(&schedule, &who.officer, &body).await).await;
        let again = app.post_json(&schedule, &who.officer, &body).await;
        assert_eq!(again.status(), 409);
        // Each admitted company hears of it by mail.
        for bidder in [SUPPLIER, OTHER_OWNER] {
            let subjects = app.subjects_sent_to(bidder).await;
            assert!(
                subjects.iter().any(|s| s.contains("lote 1")
                    && (s.contains("programada") || s.contains("scheduled"))),
                "{bidder}: {subjects:?}"
            );
        }
        let far = app
            .post_json(
                &format!("/api/v1/tenders/{id}/lots/2/auction"),
                &who.officer,
                &json!({"opens_at": "9999-12-31T23:59:00-05:00"}),
            )
            .await;
        assert_eq!(far.status(), 422, "a year's typo would lock the lot");
        // Not awarded while its auction has not closed.
        let award = format!("/api/v1/tenders/{id}/lots/1/award");
        let premature = app
            .post_json(
                &award,
                &who.officer,
                &json!({"justification": "Menor precio."}),
            )
            .await;
        assert_eq!(premature.status(), 422);
        let premature: Value = premature.json().await.expect("json");
        assert_eq!(error_codes(&premature)[0].1, "auction_not_closed");

        // The sealed prices would tell which letter is which company: until the auction
        // closes, only the buyer's officers, the auditors and each company itself see them.
        let everyone = transcript_prices(&app, id, None).await;
        assert!(
            everyone
                .iter()
                .all(|(_, prices, withheld)| prices.is_empty() && withheld == &[1, 2]),
            "{everyone:?}"
        );
        let andina_sees = transcript_prices(&app, id, Some(&who.bidder)).await;
        for (name, prices, withheld) in &andina_sees {
            if name.contains("Andina") {
                assert_eq!(
                    (prices.as_slice(), withheld.as_slice()),
                    ([1, 2].as_slice(), [].as_slice())
                );
            } else {
                assert_eq!(
                    (prices.as_slice(), withheld.as_slice()),
                    ([].as_slice(), [1, 2].as_slice())
                );
            }
        }
        let officer_sees = transcript_prices(&app, id, Some(&who.officer)).await;
        assert!(
            officer_sees
                .iter()
                .all(|(_, p, w)| p == &[1, 2] && w.is_empty())
        );
        let opening_page = app
            .client()
            .get(app.url(&format!("/licitaciones/{id}/apertura")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(!opening_page.contains("150,000.00") && !opening_page.contains("140,000.00"));
        assert!(opening_page.contains("reservado hasta el cierre de la subasta"));
        let release = compiled(&app, id).await;
        for company in ["Andina", "Sol"] {
            let bid = bid_on(&release, 1, company);
            assert!(
                bid.get("value").is_none(),
                "no sealed price in open data: {bid}"
            );
        }
        let techniques = &release["tender"]["lots"][0]["techniques"];
        assert_eq!(techniques["hasElectronicAuction"], true, "{release}");
        assert!(
            techniques["electronicAuction"]["url"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/subastas/{auction}"))),
            "{techniques}"
        );
        assert!(
            techniques["electronicAuction"]["description"]
                .as_str()
                .is_some_and(|d| d.contains("800.00 PEN") && d.contains("30 minutos")),
            "{techniques}"
        );

        // Before the start: the rules are shown, the bidders are letters.
        let public = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
        assert_eq!(public["status"], "scheduled", "{public}");
        assert_eq!(public["rules"]["window_minutes"], 30);
        assert_eq!(public["rules"]["extension_minutes"], 2);
        let names: Vec<&str> = public["ranking"]
            .as_array()
            .expect("ranking")
            .iter()
            .filter_map(|r| r["bidder"].as_str())
            .collect();
        let mut letters = names.clone();
        letters.sort_unstable();
        assert_eq!(letters, ["A", "B"], "under letters only: {public}");
        assert!(!public.to_string().contains("Sol") && !public.to_string().contains("Andina"));
        // Admission is settled: it no longer changes once the auction is scheduled.
        let sheet = app
            .get_json(&format!("/api/v1/tenders/{id}/evaluation"), &who.officer)
            .await;
        let a_bid = sheet["lots"][0]["ranking"][0]["bid_id"]
            .as_i64()
            .expect("bid");
        let frozen = app
            .put_json(
                &format!("/api/v1/tenders/{id}/lots/1/bids/{a_bid}/evaluation"),
                &who.officer,
                &json!({"admissible": false, "disqualification_ground": "missing_documents",
                        "note": "Falta la ficha técnica del producto."}),
            )
            .await;
        assert_eq!(frozen.status(), 422);
        let frozen: Value = frozen.json().await.expect("json");
        assert_eq!(error_codes(&frozen)[0].1, "auction_scheduled");
        let none = app
            .client()
            .get(app.url(&format!("/api/v1/auctions/{auction}/transcript")))
            .send()
            .await
            .expect("get");
        assert_eq!(none.status(), 404, "no transcript before the close");
        let step = public["rules"]["minimal_step"]
            .as_str()
            .expect("step")
            .to_owned();
        let not_yet = lance(&app, &who.bidder, auction, "139000.00").await;
        assert_eq!(not_yet.status(), 422);
        let not_yet: Value = not_yet.json().await.expect("json");
        assert_eq!(error_codes(&not_yet)[0].1, "auction_not_started");

        // Running: Andina (A) goes below Sol with a signed lance, and a watcher of the live
        // page hears of it at once.
        let start = naive(&opens);
        tick_to(&app, start + Duration::seconds(10)).await;
        let mut watcher =
            Watcher::connect(app.url(&format!("/api/v1/auctions/{auction}/events"))).await;
        let (kind, snapshot) = watcher.next().await.expect("the state first");
        assert_eq!(
            (kind.as_str(), snapshot["lances"].as_i64()),
            ("snapshot", Some(0)),
            "{snapshot}"
        );
        assert!(!snapshot.to_string().contains("Andina") && !snapshot.to_string().contains("Sol"));
        let first = receipt(lance(&app, &who.bidder, auction, "139000.00").await).await;
        let (kind, heard) = watcher.next().await.expect("the lance");
        assert_eq!(kind, "lance", "{heard}");
        assert_eq!(heard["lances"], 1);
        assert_eq!(heard["price"], "139000.00");
        assert_eq!(heard["ranking"], json!([]), "a lance carries itself only");
        assert_eq!(
            snapshot["ranking"].as_array().map(Vec::len),
            Some(2),
            "the state carries the ranking"
        );
        assert_eq!((first.number, first.price.as_str()), (1, "139000.00"));
        assert!(backend::keys::ReceiptKeys::verify_with_context(
            &first.public_key,
            backend::auction::LANCE_CONTEXT,
            &backend::auction::lance_message(&first),
            &first.signature
        ));
        let mut forged = first.clone();
        forged.price = "100.00".to_owned();
        assert!(!backend::keys::ReceiptKeys::verify_with_context(
            &forged.public_key,
            backend::auction::LANCE_CONTEXT,
            &backend::auction::lance_message(&forged),
            &forged.signature
        ));
        let andina = app
            .get_json(&format!("/api/v1/auctions/{auction}"), &who.bidder)
            .await;
        assert_eq!(andina["mine"]["position"], "best", "{andina}");
        assert_eq!(
            (
                andina["mine"]["rank"].as_i64(),
                andina["mine"]["of"].as_i64()
            ),
            (Some(1), Some(2))
        );
        let sol = app
            .get_json(&format!("/api/v1/auctions/{auction}"), &who.rival)
            .await;
        assert_eq!(sol["mine"]["position"], "losing", "{sol}");
        assert_eq!(sol["best_price"], "139000.00");
        assert!(
            !sol.to_string().contains("Andina"),
            "no competitor's name: {sol}"
        );
        let officer = app
            .get_json(&format!("/api/v1/auctions/{auction}"), &who.officer)
            .await;
        assert!(
            officer.to_string().contains("Andina Tecnología"),
            "{officer}"
        );

        // Refused: a lance not lowering one's own price by the step; anyone not admitted.
        let small = lance(&app, &who.bidder, auction, "138999.00").await;
        assert_eq!(small.status(), 422);
        let small: Value = small.json().await.expect("json");
        assert_eq!(
            error_codes(&small),
            [("price".to_owned(), "lance_step_too_small".to_owned())]
        );
        assert_eq!(step, "800.00", "0.5 % of the lot's S/ 160,000.00");
        assert!(
            small.to_string().contains("138,200.00"),
            "the highest price allowed is named: {small}"
        );
        for token in [&who.officer, &who.decider] {
            assert_eq!(lance(&app, token, auction, "1000.00").await.status(), 403);
        }
        let anonymous = app
            .client()
            .post(app.url(&format!("/api/v1/auctions/{auction}/lances")))
            .json(&json!({"price": "1000.00"}))
            .send()
            .await
            .expect("post");
        assert_eq!(anonymous.status(), 401);

        // A minute before the close Sol takes the best price: the close moves 2 minutes on.
        let close = start + Duration::minutes(30);
        tick_to(&app, close - Duration::seconds(60)).await;
        // Five minutes before the close, once, every bidder was warned.
        let warned = app
            .subjects_sent_to(SUPPLIER)
            .await
            .iter()
            .filter(|s| s.contains("Cinco minutos") || s.contains("Five minutes"))
            .count();
        assert_eq!(warned, 1);
        // Sol goes to 89,000: 40 % below Andina's opening 150,000 (and 36 % below its 139,000).
        let late = receipt(lance(&app, &who.rival, auction, "89000.00").await).await;
        let extended = close + Duration::seconds(60);
        assert_eq!(
            late.closes_at,
            backend::bids::receipts::receipt_time(extended)
        );
        let moves = app.get_public(&format!("/api/v1/auctions/{auction}")).await["moves"].clone();
        assert_eq!(moves[0]["reason"], "extension", "{moves}");
        let (kind, heard) = watcher.next().await.expect("the second lance");
        assert_eq!(
            (kind.as_str(), heard["lances"].as_i64()),
            ("lance", Some(2))
        );
        assert_eq!(heard["closes_at"].as_str(), Some(late.closes_at.as_str()));
        assert_eq!(heard["extensions"], 1);
        // The clock closes it; a lance after is refused with the server's time.
        tick_to(&app, extended + Duration::seconds(5)).await;
        let (kind, heard) = watcher.next().await.expect("the close");
        assert_eq!(kind, "closed", "{heard}");
        assert_eq!(heard["ranking"][0]["price"], "89000.00");
        assert!(
            watcher.next().await.is_none(),
            "the stream ends with the auction"
        );
        // Now the open data has each bid's final price, its opening price and its rank, and
        // the signed transcript among the documents.
        let release = compiled(&app, id).await;
        let sol = bid_on(&release, 1, "Sol");
        assert_eq!(sol["value"]["amount"], 89000.0, "{sol}");
        assert_eq!(sol["electronicAuction"]["rank"], 1);
        assert_eq!(sol["electronicAuction"]["openingValue"]["amount"], 140000.0);
        assert_eq!(
            bid_on(&release, 1, "Andina")["electronicAuction"]["rank"],
            2
        );
        assert!(
            release["tender"]["documents"]
                .as_array()
                .expect("documents")
                .iter()
                .any(|d| d["url"].as_str().is_some_and(
                    |u| u.ends_with(&format!("/api/v1/auctions/{auction}/transcript"))
                )),
            "{release}"
        );
        let everyone = transcript_prices(&app, id, None).await;
        assert!(
            everyone
                .iter()
                .all(|(_, prices, withheld)| prices.contains(&1) && !withheld.contains(&1)),
            "lot 1's sealed prices are public after its auction: {everyone:?}"
        );
        let closed = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
        assert_eq!(closed["status"], "closed", "{closed}");
        // The signed transcript: the whole verifies, and so does each lance's receipt in it.
        let signed: backend::auction::SignedAuctionTranscript = serde_json::from_value(
            app.get_public(&format!("/api/v1/auctions/{auction}/transcript"))
                .await,
        )
        .expect("a signed transcript");
        let message = backend::auction::transcript::transcript_message(&signed.transcript)
            .expect("canonical JSON");
        assert!(backend::keys::ReceiptKeys::verify_with_context(
            &signed.public_key,
            backend::auction::TRANSCRIPT_CONTEXT,
            &message,
            &signed.signature
        ));
        assert_eq!(signed.transcript.lances.len(), 2);
        assert_eq!(signed.transcript.lances[0].signature, first.signature);
        for receipt in &signed.transcript.lances {
            assert!(
                backend::keys::ReceiptKeys::verify_with_context(
                    &receipt.public_key,
                    backend::auction::LANCE_CONTEXT,
                    &backend::auction::lance_message(receipt),
                    &receipt.signature
                ),
                "{receipt:?}"
            );
        }
        assert_eq!(signed.transcript.moves[0].reason, "extension");
        assert_eq!(signed.transcript.ranking[0].final_price, "89000.00");
        assert!(signed.transcript.ranking[0].supplier_name.contains("Sol"));
        let mut altered = signed.transcript.clone();
        altered.ranking[0].final_price = "139000.00".to_owned();
        assert!(!backend::keys::ReceiptKeys::verify_with_context(
            &signed.public_key,
            backend::auction::TRANSCRIPT_CONTEXT,
            &backend::auction::transcript::transcript_message(&altered).expect("json"),
            &signed.signature
        ));
        let after = lance(&app, &who.bidder, auction, "130000.00").await;
        assert_eq!(after.status(), 409);
        let after: Value = after.json().await.expect("json");
        assert_eq!(error_codes(&after)[0].1, "auction_closed");

        // The award goes to the lowest final price; lot 2 is decided on its sealed price.
        let who = People::sign_in(&app).await;
        let preview = app.get_json(&award, &who.officer).await;
        assert_eq!(preview["winner"]["price"], "89000.00", "{preview}");
        assert!(
            preview["winner"]["supplier_name"]
                .as_str()
                .unwrap_or("")
                .contains("Sol"),
            "{preview}"
        );
        // So low a price is a red flag the award must justify.
        assert!(
            preview["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&json!("abnormally_low_price"))),
            "{preview}"
        );
        let unjustified = app
            .post_json(
                &award,
                &who.officer,
                &json!({"justification": "Menor precio final de la subasta."}),
            )
            .await;
        assert_eq!(unjustified.status(), 422);
        let unjustified: Value = unjustified.json().await.expect("json");
        assert!(
            error_codes(&unjustified).contains(&(
                "flag_abnormally_low_price".to_owned(),
                "required".to_owned()
            )),
            "{unjustified}"
        );
        let flags: serde_json::Map<String, Value> = preview["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(Value::as_str)
            .map(|c| {
                (
                    c.to_owned(),
                    json!("Verificado: el postor acreditó su estructura de costos."),
                )
            })
            .collect();
        let awarded = app
            .post_json(
                &award,
                &who.officer,
                &json!({"justification": "Menor precio final de la subasta.", "flag_justifications": flags}),
            )
            .await;
        assert_eq!(awarded.status(), 201, "{:?}", awarded.text().await);
        let made = app
            .get_public(&format!("/api/v1/tenders/{id}/awards"))
            .await;
        assert!(
            made.to_string().contains("89000"),
            "awarded at the final price: {made}"
        );
        let lot_2 = app
            .get_json(&format!("/api/v1/tenders/{id}/lots/2/award"), &who.officer)
            .await;
        assert_eq!(lot_2["winner"]["price"], "20000.00", "{lot_2}");
        let timeline = app
            .get_json(
                &format!("/api/v1/audit/chains/auction:{auction}"),
                &app.token(AUDITOR).await,
            )
            .await;
        let actions: Vec<&str> = timeline
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["action"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            actions,
            [
                "auction.scheduled",
                "auction.lance",
                "auction.lance",
                "auction.close_moved",
                "auction.closed"
            ],
            "{timeline}"
        );
        // The auditors' timeline of the tender carries the auction, its chain intact.
        let tender_timeline = app
            .get_json(
                &format!("/api/v1/audit/tenders/{id}/timeline"),
                &app.token(AUDITOR).await,
            )
            .await;
        assert!(
            tender_timeline["chains"].as_array().is_some_and(|c| c
                .iter()
                .any(|x| x["chain"] == format!("auction:{auction}") && x["ok"] == true)),
            "{tender_timeline}"
        );
        let lances = tender_timeline["events"]
            .as_array()
            .map(|e| e.iter().filter(|x| x["action"] == "auction.lance").count());
        assert_eq!(lances, Some(2));
        app.stop().await;
    }
}

/// The pages without JavaScript: the officer schedules from the tender page; the public
/// page follows the auction under letters and reloads itself; a bidder places two lances
/// through the ordinary form and sees its place change; a refused lance keeps what was
/// typed and says why.
#[tokio::test]
async fn bidders_take_part_in_the_auction_through_plain_forms() {
    let (app, who) = spawn(Db::Sqlite).await;
    let id = opened_subasta(&app, &who).await;
    evaluate_all(&app, &who, id).await;
    let officer = page_login(&app, OFFICER, DEMO_PASSWORD).await;
    let page = page_text(&officer, app.url(&format!("/licitaciones/{id}"))).await;
    assert!(
        page.contains(&format!("/licitaciones/{id}/lotes/1/subasta")),
        "{page}"
    );
    // Too soon: the bidders hear of it by mail and need the time. The tender page comes
    // back with the summary linking to the field, and the form as typed.
    let schedule = app.url(&format!("/licitaciones/{id}/lotes/1/subasta"));
    let soon = lima(25, "19:45");
    let soon = format!("{} {}", &soon[..10], &soon[11..16]);
    let too_soon = post_form(
        &officer,
        schedule.clone(),
        &[
            ("csrf_token", &csrf_from(&page)),
            ("opens_at", &soon),
            ("step_percent", "0.7"),
        ],
    )
    .await;
    assert_eq!(too_soon.status(), 422);
    let too_soon = too_soon.text().await.expect("html");
    assert!(
        too_soon.contains("href=\"#f-opens_at\"")
            && too_soon.contains("id=\"f-opens_at\"")
            && too_soon.contains(&format!("value=\"{soon}\""))
            && too_soon.contains("value=\"0.7\"")
            && too_soon.contains("al menos 30 minutos"),
        "{too_soon}"
    );
    // Reloading the address the refusal left goes back to the tender, sending nothing.
    let reload = officer.get(schedule).send().await.expect("get");
    assert_eq!(reload.status(), 303);
    assert_eq!(
        reload
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok()),
        Some(format!("/licitaciones/{id}#subastas").as_str())
    );
    let opens = lima(25, "20:00");
    let lima_local = format!("{} {}", &opens[..10], &opens[11..16]);
    let scheduled = post_form(
        &officer,
        app.url(&format!("/licitaciones/{id}/lotes/1/subasta")),
        &[
            ("csrf_token", &csrf_from(&page)),
            // As people write it: Lima time.
            ("opens_at", &lima_local),
            ("step_percent", "0.5"),
        ],
    )
    .await;
    assert_eq!(scheduled.status(), 303);
    let place = scheduled
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .split('?')
        .next()
        .expect("path")
        .to_owned();
    assert!(place.starts_with("/subastas/"), "{place}");

    let public = app.client().get(app.url(&place)).send().await.expect("get");
    let public = public.text().await.expect("text");
    // Without JavaScript the page reloads itself (a refresh the script makes needless).
    assert!(
        public.contains(&format!(
            "<noscript><meta http-equiv=\"refresh\" content=\"5; url={place}\"/></noscript>"
        )) || public.contains(&format!(
            "<noscript><meta http-equiv=\"refresh\" content=\"5; url={place}\"></noscript>"
        )),
        "the page follows the auction without JavaScript"
    );
    assert!(public.contains("<script src=\"/static/auction.js\" defer"));
    assert!(
        public.contains("Postor A") && public.contains("Postor B") && !public.contains("Andina"),
        "{public}"
    );

    tick_to(&app, naive(&opens) + Duration::seconds(10)).await;
    let andina = page_login(&app, SUPPLIER, DEMO_PASSWORD).await;
    // Its bids page leads to the auction it has a seat in.
    let bids_page = page_text(&andina, app.url("/mis-ofertas")).await;
    assert!(
        bids_page.contains(&format!("href=\"{place}\"")),
        "{bids_page}"
    );
    let mine = page_text(&andina, app.url(&place)).await;
    assert!(
        mine.contains("No va primero") && mine.contains("149,200.00"),
        "{mine}"
    );
    let csrf = csrf_from(&mine);
    let first = post_form(
        &andina,
        app.url(&place),
        &[("csrf_token", &csrf), ("price", "139000.00")],
    )
    .await;
    assert_eq!(first.status(), 303);
    let mine = page_text(&andina, app.url(&place)).await;
    assert!(
        mine.contains("Va primero") && mine.contains("1.º de 2"),
        "{mine}"
    );
    // Too little below its own price: refused, what was typed stays, the reason is named.
    let refused = post_form(
        &andina,
        app.url(&place),
        &[("csrf_token", &csrf), ("price", "138999.00")],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("text");
    assert!(
        refused.contains("href=\"#f-price\"")
            && refused.contains("138999.00")
            && refused.contains("138,200.00"),
        "{refused}"
    );
    // Sol goes below; Andina sees it has lost first place, and goes below again.
    let sol = page_login(&app, OTHER_OWNER, DEMO_PASSWORD).await;
    let sol_page = page_text(&sol, app.url(&place)).await;
    let lowered = post_form(
        &sol,
        app.url(&place),
        &[
            ("csrf_token", &csrf_from(&sol_page)),
            ("price", "138000.00"),
        ],
    )
    .await;
    assert_eq!(lowered.status(), 303);
    let mine = page_text(&andina, app.url(&place)).await;
    assert!(
        mine.contains("No va primero") && mine.contains("2.º de 2"),
        "{mine}"
    );
    let second = post_form(
        &andina,
        app.url(&place),
        &[("csrf_token", &csrf), ("price", "137000.00")],
    )
    .await;
    assert_eq!(second.status(), 303);
    let mine = page_text(&andina, app.url(&place)).await;
    assert!(
        mine.contains("Va primero") && mine.contains("1.º de 2"),
        "{mine}"
    );
    // A slipped digit (1,750 for 17,500…) asks for a confirmation before it is signed.
    let sol_page = page_text(&sol, app.url(&place)).await;
    let sol_csrf = csrf_from(&sol_page);
    let slip = post_form(
        &sol,
        app.url(&place),
        &[("csrf_token", &sol_csrf), ("price", "1750.00")],
    )
    .await;
    assert_eq!(slip.status(), 200);
    let slip = slip.text().await.expect("text");
    assert!(
        slip.contains("Confirme el lance") && slip.contains("S/ 1,750.00"),
        "{slip}"
    );
    let id_of = place.trim_start_matches("/subastas/").to_owned();
    let before = app.get_public(&format!("/api/v1/auctions/{id_of}")).await["lances"].clone();
    assert_eq!(before, 3, "nothing signed before the confirmation");
    let confirmed = post_form(
        &sol,
        app.url(&place),
        &[
            ("csrf_token", &sol_csrf),
            ("price", "1750.00"),
            ("confirm", "1"),
        ],
    )
    .await;
    assert_eq!(confirmed.status(), 303);
    let sol_page = page_text(&sol, app.url(&place)).await;
    assert!(sol_page.contains("Va primero"), "{sol_page}");
    app.stop().await;
}

/// Every lance a watcher hears until it has heard `count`: (number, seat, price).
async fn hear_lances(watcher: &mut Watcher, count: usize) -> Vec<(i64, String, String)> {
    let mut heard = Vec::new();
    while heard.len() < count {
        let (kind, event) = watcher.next().await.expect("the stream goes on");
        if kind == "lance" {
            heard.push((
                event["lances"].as_i64().expect("number"),
                event["seat"].as_str().expect("seat").to_owned(),
                event["price"].as_str().expect("price").to_owned(),
            ));
        }
    }
    heard
}

#[tokio::test]
async fn two_servers_put_lances_racing_at_the_same_instant_in_one_order() {
    if !backends().contains(&Db::Postgres) {
        return;
    }
    let (app, who) = spawn(Db::Postgres).await;
    let (_, auction, _) = running_auction(&app, &who).await;
    // A second server on the same database; a watcher on each.
    let peer = app.peer().await;
    let events = format!("/api/v1/auctions/{auction}/events");
    let mut here = Watcher::connect(app.url(&events)).await;
    let mut there = Watcher::connect(peer.url(&events)).await;
    for w in [&mut here, &mut there] {
        assert_eq!(w.next().await.expect("state").0, "snapshot");
    }
    assert_eq!(
        peer.app.live.watchers(),
        1,
        "the second watcher is the second server's"
    );
    // Andina through the first server, Sol through the second, at the same instant (the
    // clock stands still), five times.
    let client = reqwest::Client::new();
    let path = format!("/api/v1/auctions/{auction}/lances");
    let mut numbers = Vec::new();
    for round in 0..5_i64 {
        let (andina, sol) = tokio::join!(
            client
                .post(app.url(&path))
                .bearer_auth(&who.bidder)
                .json(&json!({"price": format!("{}.00", 139_000 - 1_000 * round)}))
                .send(),
            client
                .post(peer.url(&path))
                .bearer_auth(&who.rival)
                .json(&json!({"price": format!("{}.00", 138_500 - 1_000 * round)}))
                .send(),
        );
        for response in [andina.expect("post"), sol.expect("post")] {
            numbers.push(receipt(response).await.number);
        }
    }
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=10).collect::<Vec<_>>(),
        "each lance once, one order"
    );
    // Both servers' watchers hear the same ten lances in the same order, numbered 1 to 10.
    let heard_here = hear_lances(&mut here, 10).await;
    let heard_there = hear_lances(&mut there, 10).await;
    assert_eq!(heard_here, heard_there);
    assert_eq!(
        heard_here.iter().map(|l| l.0).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    // And both servers rank the bidders alike.
    let on = |url: String| {
        let client = client.clone();
        async move {
            let v: Value = client
                .get(url)
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            v["ranking"].clone()
        }
    };
    let view = format!("/api/v1/auctions/{auction}");
    let (a, b) = (on(app.url(&view)).await, on(peer.url(&view)).await);
    assert_eq!(a, b);
    assert_eq!(a[0]["price"], "134500.00", "{a}");
    // The second server goes down mid-auction: its watcher's stream ends (a browser
    // reconnects elsewhere), and the auction goes on where it was on the first.
    peer.stop().await;
    assert!(
        there.next().await.is_none(),
        "the stopped server's stream ended"
    );
    let after = receipt(
        client
            .post(app.url(&path))
            .bearer_auth(&who.rival)
            .json(&json!({"price": "133000.00"}))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(after.number, 11, "numbered on from the record");
    assert_eq!(hear_lances(&mut here, 1).await[0].0, 11);
    let view = app.get_public(&view).await;
    assert_eq!(view["ranking"][0]["price"], "133000.00", "{view}");
}

/// The status of a JSON POST as `token` (anonymous without one).
async fn posted_as(
    client: &reqwest::Client,
    url: String,
    body: Value,
    token: &Option<String>,
) -> u16 {
    let request = client.post(url).json(&body);
    let request = match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    };
    request.send().await.expect("post").status().as_u16()
}

/// The demo's scheduled auction (the containers of Lima): its id and when it opens.
async fn demo_auction(app: &TestApp) -> (i64, NaiveDateTime) {
    let view = app.get_public("/api/v1/auctions/1").await;
    assert_eq!(view["status"], "scheduled", "{view}");
    assert!(
        view["tender_title"]
            .as_str()
            .is_some_and(|t| t.contains("contenedores")),
        "{view}"
    );
    let opens = chrono::DateTime::parse_from_rfc3339(view["opens_at"].as_str().expect("opens"))
        .expect("RFC 3339")
        .naive_utc();
    (1, opens)
}

#[tokio::test]
async fn every_auction_route_answers_each_role_as_it_may_and_names_nobody_during_the_auction() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (auction, opens) = demo_auction(&app).await;
    let tender = app.get_public(&format!("/api/v1/auctions/{auction}")).await["tender_id"]
        .as_i64()
        .expect("tender");
    app.set_clock(opens + Duration::seconds(30));
    let people = [
        ("anonymous", None),
        ("buyer's officer", Some(OFFICER)),
        (
            "another buyer's officer",
            Some(crate::tenders::MINSA_OFFICER),
        ),
        ("auditor", Some(AUDITOR)),
        ("admitted bidder", Some(SUPPLIER)),
        ("company not admitted", Some(crate::tenders::TECHPERU_OWNER)),
        ("admin", Some(ADMIN)),
    ];
    let mut roles = Vec::new();
    for (role, email) in people {
        let (token, browser) = match email {
            Some(email) => (
                Some(app.token(email).await),
                page_login(&app, email, DEMO_PASSWORD).await,
            ),
            None => (None, app.client()),
        };
        roles.push((role, token, browser));
    }
    let client = reqwest::Client::new();
    let with = |request: reqwest::RequestBuilder, token: &Option<String>| match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    };
    for (role, token, browser) in &roles {
        // Scheduling: only the buyer's officers (the lot has its auction already: 409).
        let schedule = posted_as(
            &client,
            app.url(&format!("/api/v1/tenders/{tender}/lots/1/auction")),
            json!({"opens_at": "2026-11-28T10:00:00-05:00"}),
            token,
        )
        .await;
        let expected = match *role {
            "anonymous" => 401,
            "buyer's officer" => 409,
            _ => 403,
        };
        assert_eq!(schedule, expected, "{role} schedules");
        // Reading: everyone; the companies' names only for the buyer's officers and auditors.
        let view: Value = with(
            client.get(app.url(&format!("/api/v1/auctions/{auction}"))),
            token,
        )
        .send()
        .await
        .expect("view")
        .json()
        .await
        .expect("json");
        let named = view.to_string().contains("Andina") || view.to_string().contains("Sol del Sur");
        assert_eq!(
            named,
            matches!(*role, "buyer's officer" | "auditor"),
            "{role} sees names: {view}"
        );
        let page = browser
            .get(app.url(&format!("/subastas/{auction}")))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        let named = page.contains("Andina") || page.contains("Sol del Sur");
        // (A signed-in page names the reader's own company in its header.)
        let own = *role == "admitted bidder";
        assert_eq!(
            named && !own,
            matches!(*role, "buyer's officer" | "auditor"),
            "{role}'s page names companies"
        );
        if own {
            assert!(
                !page.contains("Sol del Sur"),
                "a bidder never sees its rival's name"
            );
        }
        // Lances: only an admitted bidder.
        let lance = posted_as(
            &client,
            app.url(&format!("/api/v1/auctions/{auction}/lances")),
            json!({"price": "500000.00"}),
            token,
        )
        .await;
        let expected = match *role {
            "anonymous" => 401,
            "admitted bidder" => 201,
            _ => 403,
        };
        assert_eq!(lance, expected, "{role} places a lance");
        // No transcript before the close, for anyone; the events name nobody.
        let transcript = with(
            client.get(app.url(&format!("/api/v1/auctions/{auction}/transcript"))),
            token,
        )
        .send()
        .await
        .expect("transcript");
        assert_eq!(
            transcript.status(),
            404,
            "{role} reads the transcript early"
        );
        let mut events =
            Watcher::connect(app.url(&format!("/api/v1/auctions/{auction}/events"))).await;
        let (_, first) = events.next().await.expect("state");
        assert!(!first.to_string().contains("Andina") && !first.to_string().contains("Sol"));
    }
    // The lance by the admitted bidder is the only one.
    let view = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
    assert_eq!(view["lances"], 1, "{view}");
    // An auction that does not exist: 404 everywhere.
    for path in [
        "/api/v1/auctions/999",
        "/api/v1/auctions/999/events",
        "/api/v1/auctions/999/transcript",
    ] {
        let r = client.get(app.url(path)).send().await.expect("get");
        assert_eq!(r.status(), 404, "{path}");
    }
}

/// The text of `css` in `browser` once it contains `expected` (up to 10 s); panics with the
/// last text otherwise.
async fn wait_for_text(browser: &fantoccini::Client, css: &str, expected: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(element) = browser.find(fantoccini::Locator::Css(css)).await
            && let Ok(text) = element.text().await
        {
            if text.contains(expected) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let source = browser.source().await.unwrap_or_default();
    let main = source
        .split("<main")
        .nth(1)
        .and_then(|m| m.split("</main>").next())
        .unwrap_or(&source);
    panic!("{css} never said {expected:?}; it said {last:?}; the page: {main}");
}

/// [`wait_for_text`] in the frame through which a bidder's page without JavaScript follows
/// the auction (the page's own copy is hidden there, as it would go stale).
async fn wait_in_frame(browser: &fantoccini::Client, css: &str, expected: &str) -> String {
    browser.enter_frame(0).await.expect("the live frame");
    let text = wait_for_text(browser, css, expected).await;
    browser
        .enter_parent_frame()
        .await
        .expect("back to the page");
    text
}

/// A lance through the auction page's form, as a bidder types it.
async fn lance_on_page(browser: &fantoccini::Client, auction: i64, price: &str) {
    crate::browser::fill(browser, "#f-price", price).await;
    crate::browser::click(
        browser,
        &format!("form[action='/subastas/{auction}'] button[type=submit]"),
    )
    .await;
    wait_for_text(browser, ".notice", "lance").await;
}

#[tokio::test]
async fn two_companies_bid_down_the_demo_auction_in_a_browser_with_and_without_javascript() {
    let Some((_plain_driver, plain)) = crate::browser::start_browser_with(false).await else {
        return;
    };
    let Some((_live_driver, live)) = crate::browser::start_browser_with(true).await else {
        return;
    };
    let app = TestApp::spawn(Db::Sqlite).await;
    let (auction, opens) = demo_auction(&app).await;
    tick_to(&app, opens + Duration::seconds(30)).await;
    let page = app.url(&format!("/subastas/{auction}"));

    // Without JavaScript: Constructora Sol, second on its sealed price, bids twice and
    // climbs from second to first.
    crate::browser::sign_in(&app, &plain, OTHER_OWNER).await;
    plain.goto(&page).await.expect("auction page");
    wait_in_frame(&plain, "#auction-standing", "2.º de 2").await;
    lance_on_page(&plain, auction, "600000.00").await;
    wait_in_frame(&plain, "#auction-standing", "2.º de 2").await;
    lance_on_page(&plain, auction, "590000.00").await;
    wait_in_frame(&plain, "#auction-standing", "1.º de 2").await;

    // The public page shows the progress under letters only.
    let public = app
        .client()
        .get(&page)
        .send()
        .await
        .expect("public page")
        .text()
        .await
        .expect("html");
    assert!(public.contains("S/ 590,000.00") && public.contains("Postor A"));
    assert!(!public.contains("Andina") && !public.contains("Sol del Sur"));

    // With JavaScript: Andina's page hears Sol's next lance without a reload.
    crate::browser::sign_in(&app, &live, SUPPLIER).await;
    live.goto(&page).await.expect("auction page");
    wait_for_text(&live, "#auction-live-note", "lance").await;
    live.execute("window.stillHere = 'the same page'; return 1;", vec![])
        .await
        .expect("script");
    lance_on_page(&plain, auction, "585000.00").await;
    wait_for_text(&live, "#auction-best", "585,000.00").await;
    wait_for_text(&live, "#auction-standing", "2.º de 2").await;
    let same = live
        .execute("return window.stillHere || null;", vec![])
        .await
        .expect("script");
    assert_eq!(same, json!("the same page"), "updated without a reload");

    // The registry corrects Sol's RUC mid-auction: its receipts stay as they were signed.
    let sol = app
        .app
        .db
        .run(|conn| {
            use diesel::prelude::*;
            Ok(backend::schema::suppliers::table
                .filter(backend::schema::suppliers::ruc.eq("20601234565"))
                .select(backend::schema::suppliers::id)
                .first::<i64>(conn)?)
        })
        .await
        .expect("Sol");
    let first_ten = "2077777777";
    let ten: Vec<u32> = first_ten.chars().filter_map(|c| c.to_digit(10)).collect();
    let corrected = format!("{first_ten}{}", backend::domain::ruc_check_digit(&ten));
    let registry = app.token(REGISTRY_OFFICER).await;
    let changed = app
        .put_json(
            &format!("/api/v1/suppliers/{sol}/identity"),
            &registry,
            &json!({"legal_name": "Constructora Sol del Sur S.R.L.", "ruc": corrected,
                    "reason": "Corrección del RUC según la SUNAT"}),
        )
        .await;
    assert_eq!(changed.status(), 200, "{:?}", changed.text().await);

    // A minute before the close Andina takes the best price through its page: the close
    // moves once; the clock closes it and the award goes to the lowest final price.
    let close = opens + Duration::minutes(30);
    tick_to(&app, close - Duration::seconds(60)).await;
    // Sol, without JavaScript, has begun typing its next price: its page does not reload
    // under it; the frame tells it that it lost first place.
    crate::browser::fill(&plain, "#f-price", "57").await;
    lance_on_page(&live, auction, "583000.00").await;
    wait_in_frame(&plain, "#auction-standing", "2.º de 2").await;
    let typed = plain
        .find(fantoccini::Locator::Css("#f-price"))
        .await
        .expect("the price field")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(typed.as_deref(), Some("57"), "the half-typed price stays");
    let view = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
    assert_eq!(view["extensions"], 1, "{view}");
    tick_to(&app, close + Duration::seconds(65)).await;
    let view = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
    assert_eq!(view["status"], "closed", "{view}");
    let tender = view["tender_id"].as_i64().expect("tender");
    let officer = app.token(OFFICER).await;
    let award = format!("/api/v1/tenders/{tender}/lots/1/award");
    let preview = app.get_json(&award, &officer).await;
    assert_eq!(preview["winner"]["price"], "583000.00", "{preview}");
    let flags: serde_json::Map<String, Value> = preview["flags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|c| (c.to_owned(), json!("Revisado por el comité de selección.")))
        .collect();
    let made = app
        .post_json(
            &award,
            &officer,
            &json!({"justification": "Menor precio final de la subasta.", "flag_justifications": flags}),
        )
        .await;
    assert_eq!(made.status(), 201, "{:?}", made.text().await);
    // The transcript and each lance's receipt verify with the public verifier.
    let signed = app
        .get_public(&format!("/api/v1/auctions/{auction}/transcript"))
        .await;
    assert_eq!(
        signed["transcript"]["lances"].as_array().map(Vec::len),
        Some(4)
    );
    for body in std::iter::once(signed.clone()).chain(
        signed["transcript"]["lances"]
            .as_array()
            .expect("lances")
            .iter()
            .cloned(),
    ) {
        let answer = app.post_public_json("/api/v1/receipts/verify", &body).await;
        assert_eq!(
            (
                answer["signature_valid"].as_bool(),
                answer["on_record"].as_bool()
            ),
            (Some(true), Some(true)),
            "{answer}"
        );
    }
    let mut forged = signed["transcript"]["lances"][0].clone();
    forged["price"] = json!("1.00");
    let answer = app
        .post_public_json("/api/v1/receipts/verify", &forged)
        .await;
    assert_eq!(answer["signature_valid"], false, "{answer}");
}

#[tokio::test]
async fn a_tender_cancelled_mid_auction_ends_it_for_every_watcher_without_a_final_record() {
    let (app, who) = spawn(Db::Sqlite).await;
    let (id, auction, opens) = running_auction(&app, &who).await;
    receipt(lance(&app, &who.bidder, auction, "139000.00").await).await;
    let mut watcher =
        Watcher::connect(app.url(&format!("/api/v1/auctions/{auction}/events"))).await;
    assert_eq!(watcher.next().await.expect("state").0, "snapshot");
    let cancelled = app
        .post_json(
            &format!("/api/v1/tenders/{id}/cancel"),
            &who.officer,
            &json!({"ground": "Desaparece la necesidad del área usuaria."}),
        )
        .await;
    assert_eq!(cancelled.status(), 204, "{:?}", cancelled.text().await);
    // No lance from the cancellation on; the clock's next step ends the auction and tells
    // its watchers (their pages reload to say so).
    let refused = lance(&app, &who.rival, auction, "138000.00").await;
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.expect("json");
    assert_eq!(error_codes(&refused)[0].1, "tender_cancelled");
    tick_to(&app, naive(&opens) + Duration::seconds(40)).await;
    assert_eq!(watcher.next().await.expect("the end").0, "closed");
    assert!(watcher.next().await.is_none(), "the stream ends");
    let view = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
    assert_eq!(view["status"], "cancelled", "{view}");
    // Hours later, with no server ticking meanwhile, its close is where it ended: a silence
    // after the end is no outage to make up for.
    app.set_clock(naive(&opens) + Duration::hours(3));
    let later = app.get_public(&format!("/api/v1/auctions/{auction}")).await;
    assert_eq!(later["closes_at"], view["closes_at"], "{later}");
    let mut late = Watcher::connect(app.url(&format!("/api/v1/auctions/{auction}/events"))).await;
    let (kind, first) = late.next().await.expect("the end at once");
    assert_eq!(kind, "closed");
    assert_eq!(
        first["closes_at"].as_str().map(|t| &t[..19]),
        view["closes_at"].as_str().map(|t| &t[..19]),
        "{first} {view}"
    );
    // Past its old close nothing is signed as its final order, and nothing is awarded.
    tick_to(&app, naive(&opens) + Duration::minutes(31)).await;
    let transcript = app
        .client()
        .get(app.url(&format!("/api/v1/auctions/{auction}/transcript")))
        .send()
        .await
        .expect("get");
    assert_eq!(transcript.status(), 404);
    let chain = app
        .get_json(
            &format!("/api/v1/audit/chains/auction:{auction}"),
            &app.token(AUDITOR).await,
        )
        .await;
    let actions: Vec<&str> = chain
        .as_array()
        .map(|e| e.iter().filter_map(|x| x["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        actions,
        ["auction.scheduled", "auction.lance", "auction.cancelled"],
        "{chain}"
    );
}

#[tokio::test]
async fn a_tie_at_the_close_goes_to_the_earlier_lance_and_two_admitted_offers_need_their_auction() {
    let (app, who) = spawn(Db::Sqlite).await;
    let (id, auction, opens) = running_auction(&app, &who).await;
    // Lot 2 has two admitted offers and no auction: it may not be awarded on sealed prices.
    let lot_2 = app
        .get_json(&format!("/api/v1/tenders/{id}/lots/2/award"), &who.officer)
        .await;
    assert_eq!(lot_2["blocked_by"], "auction_required", "{lot_2}");
    // Sol (who sealed its offer after Andina) reaches 130,000 first; Andina ties it later.
    receipt(lance(&app, &who.rival, auction, "130000.00").await).await;
    tick_to(&app, naive(&opens) + Duration::seconds(40)).await;
    receipt(lance(&app, &who.bidder, auction, "130000.00").await).await;
    tick_to(&app, naive(&opens) + Duration::minutes(31)).await;
    let preview = app
        .get_json(&format!("/api/v1/tenders/{id}/lots/1/award"), &who.officer)
        .await;
    assert!(
        preview["winner"]["supplier_name"]
            .as_str()
            .is_some_and(|n| n.contains("Sol")),
        "the earlier lance wins the tie, not the earlier sealed offer: {preview}"
    );
    assert!(
        !preview["flags"]
            .as_array()
            .is_some_and(|f| f.contains(&json!("identical_prices"))),
        "a tie the auction's rule settles is no sign of agreed sealed prices: {preview}"
    );
    // The award's page says its prices are the auction's final ones, and where it ran.
    let officer = page_login(&app, OFFICER, DEMO_PASSWORD).await;
    let award_page = page_text(
        &officer,
        app.url(&format!("/licitaciones/{id}/lotes/1/adjudicar")),
    )
    .await;
    assert!(
        award_page.contains("los precios son los finales")
            && award_page.contains(&format!("href=\"/subastas/{auction}\"")),
        "{award_page}"
    );
    let signed = app
        .get_public(&format!("/api/v1/auctions/{auction}/transcript"))
        .await;
    assert!(
        signed["transcript"]["ranking"][0]["supplier_name"]
            .as_str()
            .is_some_and(|n| n.contains("Sol")),
        "{signed}"
    );
}

#[tokio::test]
async fn one_client_address_cannot_hold_every_live_stream() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let (auction, _) = demo_auction(&app).await;
    let url = app.url(&format!("/api/v1/auctions/{auction}/events"));
    let mut held = Vec::new();
    for _ in 0..backend::live::MAX_WATCHERS_PER_ADDRESS {
        let mut watcher = Watcher::connect(url.clone()).await;
        watcher.next().await.expect("state");
        held.push(watcher);
    }
    let refused = reqwest::Client::new().get(&url).send().await.expect("get");
    assert_eq!(refused.status(), 429, "one address holds its share only");
    assert!(refused.headers().contains_key("retry-after"));
    // A stream that ends gives its place back.
    held.pop();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut again = Watcher::connect(url).await;
    assert_eq!(again.next().await.expect("state").0, "snapshot");
}
