//! The demo data tells a story that could have happened: for every tender, its audit events
//! follow one another in time along each chain and in an order the tender's life allows
//! (drafted → published → questions and bids → closed → frozen → opened → evaluated →
//! awarded → final → contract); nothing is dated after the moment the data was loaded;
//! deadlines fall at office hours in Lima; and no two bidders sent the same document.

use crate::support::*;
use std::collections::{BTreeMap, BTreeSet};

/// Where an action stands in a tender's life: milestones in the order they happen.
fn milestone(action: &str) -> Option<u8> {
    Some(match action {
        "tender.drafted" => 0,
        "tender.published" => 1,
        "tender.enquiries_closed" => 2,
        "tender.tendering_closed" => 3,
        "tender.bids_frozen" => 4,
        "tender.opening_share_given" => 5,
        "tender.bids_opened" => 6,
        "bid.evaluated" => 7,
        "award.made" | "lot.declared_unsuccessful" | "award.flag_raised" => 8,
        "award.final" => 9,
        "contract.signed" => 10,
        "contract.modified" => 11,
        _ => return None,
    })
}

/// The milestones between which other actions may happen (inclusive): questions while
/// they are open, bids and amendments until the deadline.
fn window(action: &str) -> Option<(u8, u8)> {
    Some(match action {
        "tender.enquiry_asked" | "tender.enquiry_answered" => (1, 1),
        a if a.starts_with("bid.") && a != "bid.evaluated" => (1, 2),
        "tender.amended" | "tender.cancelled" => (1, 2),
        "tender.document_uploaded" | "tender.updated" => (0, 2),
        _ => return None,
    })
}

fn instant(value: &serde_json::Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a time")).expect("RFC 3339")
}

#[tokio::test]
async fn every_demo_tender_tells_a_story_that_could_have_happened() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let loaded = chrono::Utc::now() + chrono::Duration::minutes(1);
    let auditor = app.token(AUDITOR).await;
    let lima = chrono::FixedOffset::west_opt(5 * 3600).expect("Lima");
    let mut problems = Vec::new();
    let mut tenders = 0;
    let mut opened = 0;
    for id in 1.. {
        let response = app
            .client()
            .get(app.url(&format!("/api/v1/audit/tenders/{id}/timeline")))
            .bearer_auth(&auditor)
            .send()
            .await
            .expect("timeline");
        if response.status() == 404 {
            break;
        }
        let timeline: serde_json::Value = response.json().await.expect("json");
        tenders += 1;
        let events = timeline["events"].as_array().expect("events");
        assert!(!events.is_empty(), "tender {id} has a history");
        // Along each chain, a later link never happened earlier.
        let mut chains: BTreeMap<String, Vec<(i64, chrono::DateTime<chrono::FixedOffset>)>> =
            BTreeMap::new();
        for e in events {
            chains
                .entry(e["chain"].as_str().expect("chain").to_owned())
                .or_default()
                .push((e["seq"].as_i64().expect("seq"), instant(&e["occurred_at"])));
        }
        for (chain, mut links) in chains {
            links.sort();
            for pair in links.windows(2) {
                if pair[1].1 < pair[0].1 {
                    problems.push(format!(
                        "tender {id}: {chain} #{} at {} before #{} at {}",
                        pair[1].0, pair[1].1, pair[0].0, pair[0].1
                    ));
                }
            }
        }
        // In time order, the tender's life moves forward only.
        let mut reached = 0u8;
        let mut seen = Vec::new();
        for e in events {
            let action = e["action"].as_str().expect("action");
            let at = instant(&e["occurred_at"]);
            if at > loaded {
                problems.push(format!("tender {id}: {action} dated {at}, after the load"));
            }
            if let Some(stage) = milestone(action) {
                if stage < reached {
                    problems.push(format!(
                        "tender {id}: {action} at {at} after {}",
                        seen.join(", ")
                    ));
                }
                reached = reached.max(stage);
            } else if let Some((from, to)) = window(action)
                && !(from..=to).contains(&reached)
            {
                problems.push(format!(
                    "tender {id}: {action} at {at} after {}",
                    seen.join(", ")
                ));
            }
            seen.push(action.to_owned());
        }
        // Published tenders: deadlines at office hours on Lima's clock.
        let tender = app
            .get_json(&format!("/api/v1/tenders/{id}"), &auditor)
            .await;
        if let Some(deadline) = tender["submission_deadline"].as_str() {
            let local = instant(&deadline.into()).with_timezone(&lima);
            let hour = chrono::Timelike::hour(&local);
            if !(8..=17).contains(&hour) {
                problems.push(format!(
                    "tender {id}: bids close at {local}, out of office hours"
                ));
            }
        }
        // Opened tenders: each bidder sent its own documents.
        let opening = app
            .get_json(&format!("/api/v1/tenders/{id}/opening"), &auditor)
            .await;
        if let Some(bids) = opening["transcript"]["bids"].as_array() {
            opened += 1;
            let mut hashes = BTreeSet::new();
            for bid in bids {
                for doc in bid["documents"].as_array().expect("documents") {
                    let hash = doc["sha256"].as_str().expect("hash");
                    if !hashes.insert(hash.to_owned()) {
                        problems.push(format!("tender {id}: two bidders sent the document {hash}"));
                    }
                }
            }
        }
    }
    assert!(tenders >= 30, "the demo has {tenders} tenders");
    assert!(opened >= 2, "the demo has {opened} opened tenders");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
