//! The mapping of one contracting process, as its tables stand now, onto an OCDS release
//! (core, Bids, Lots, Bid opening and Enquiries extensions): parties, tender with lots, items,
//! documents, amendments and enquiries; after the opening the bids; awards and contracts.
//!
//! This file maps the tender itself and assembles the release; [`parties`] holds the
//! organisations with their registered contacts, [`bids`] the bids after the opening, and
//! [`after_award`] the complaints and contracts that follow the awards.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    db::DbConnection,
    domain::{AwardStatus, BuyerId, Method, TenderId, TenderStatus, utc},
    error::AppError,
    i18n::{Lang, t},
    schema::{
        award_flags, awards, blobs, buyers, tender_amendments, tender_documents, tender_enquiries,
        tender_lots, tender_seals, tenders,
    },
};

mod after_award;
mod auctions;
mod bids;
pub(super) mod parties;
use after_award::{complaints_section, contracts_section};
use bids::{bid_lot_id, bids_section};
use parties::{add_registered_contacts, party, party_id};

/// A stored amount (minor units, two decimals) as an OCDS `Value`.
pub fn value(minor: i64, currency: &str) -> Value {
    json!({"amount": minor as f64 / 100.0, "currency": currency})
}

fn method_details(method: Method) -> String {
    t(
        Lang::Es,
        &format!("method-{}", method.code().replace('_', "-")),
    )
}

/// The OCDS `tenderStatus` of a stored status.
fn tender_status(status: TenderStatus) -> &'static str {
    match status {
        TenderStatus::Draft => "planning",
        TenderStatus::Open | TenderStatus::EnquiriesClosed | TenderStatus::Closed => "active",
        TenderStatus::Cancelled => "cancelled",
        TenderStatus::Awarded => "complete",
        TenderStatus::Unsuccessful => "unsuccessful",
    }
}

/// The OCDS `awardStatus`: in its standstill an award is proposed, not yet in force.
fn award_status(status: AwardStatus) -> &'static str {
    match status {
        AwardStatus::Pending => "pending",
        AwardStatus::Final => "active",
        AwardStatus::Cancelled => "cancelled",
        AwardStatus::Unsuccessful => "unsuccessful",
    }
}

type TenderRow = (
    BuyerId,
    String,
    String,
    Method,
    crate::domain::Category,
    String,
    String,
    i64,
    crate::domain::AwardCriteria,
    (
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    ),
    TenderStatus,
    Option<chrono::NaiveDateTime>,
    Option<String>,
);

/// The release of tender `tender_id` (ocid `ocid`) as its tables stand; the caller sets `id`,
/// `date` and `tag`.
pub(super) fn release(
    conn: &mut DbConnection,
    tender_id: TenderId,
    ocid: &str,
) -> Result<Value, AppError> {
    let (
        buyer_id,
        title,
        description,
        method,
        category,
        classification,
        currency,
        estimated,
        criteria,
        (enquiry_deadline, submission_deadline, opening_at),
        status,
        published_at,
        cancellation_ground,
    ): TenderRow = tenders::table
        .find(tender_id)
        .select((
            tenders::buyer_id,
            tenders::title,
            tenders::description,
            tenders::method,
            tenders::category,
            tenders::classification,
            tenders::currency,
            tenders::estimated_value,
            tenders::award_criteria,
            (
                tenders::enquiry_deadline,
                tenders::submission_deadline,
                tenders::opening_at,
            ),
            tenders::status,
            tenders::published_at,
            tenders::cancellation_ground,
        ))
        .first(conn)?;
    let (buyer_name, buyer_ruc): (String, String) = buyers::table
        .find(buyer_id)
        .select((buyers::name, buyers::ruc))
        .first(conn)?;
    let published = published_at.map(utc::format);
    let mut parties = vec![party(
        &buyer_ruc,
        &buyer_name,
        &["buyer", "procuringEntity"],
    )];

    // Lots and their items; a lot declared void is unsuccessful.
    let lots: Vec<(i32, String, String, String, i64)> = tender_lots::table
        .filter(tender_lots::tender_id.eq(tender_id))
        .order(tender_lots::number)
        .select((
            tender_lots::number,
            tender_lots::title,
            tender_lots::quantity,
            tender_lots::unit,
            tender_lots::estimated_value,
        ))
        .load(conn)?;
    let award_rows: Vec<AwardRow> = awards::table
        .filter(awards::tender_id.eq(tender_id))
        .order(awards::id)
        .select((
            awards::id,
            awards::lot_number,
            awards::bid_id,
            awards::status,
            awards::amount,
            awards::currency,
            awards::awarded_at,
        ))
        .load(conn)?;
    let lot_status = |number: i32| {
        if status == TenderStatus::Cancelled {
            "cancelled"
        } else if award_rows
            .iter()
            .any(|a| a.1 == number && a.3 == AwardStatus::Unsuccessful)
        {
            "unsuccessful"
        } else if award_rows
            .iter()
            .any(|a| a.1 == number && a.3 == AwardStatus::Final)
        {
            "complete"
        } else {
            "active"
        }
    };
    let auctions = auctions::Auctions::of(conn, tender_id)?;
    let lots_json: Vec<Value> = lots
        .iter()
        .map(|(n, title, _, _, minor)| {
            json!({
                "id": format!("lot-{n}"),
                "title": title,
                "status": lot_status(*n),
                "value": value(*minor, &currency),
                "techniques": auctions.techniques(*n),
            })
        })
        .collect();
    let items: Vec<Value> = lots
        .iter()
        .map(|(n, title, quantity, unit, _)| {
            let mut item = json!({
                "id": format!("item-{n}"),
                "description": title,
                "classification": {"scheme": "UNSPSC", "id": classification},
                "unit": {"name": unit},
                "relatedLot": format!("lot-{n}"),
            });
            if let Ok(q) = quantity.trim().replace(',', ".").parse::<f64>() {
                item["quantity"] = json!(q);
            }
            item
        })
        .collect();

    // Published documents, with their SHA-256.
    let documents: Vec<(i64, String, Option<chrono::NaiveDateTime>, String, String)> =
        tender_documents::table
            .inner_join(blobs::table)
            .filter(tender_documents::tender_id.eq(tender_id))
            .filter(tender_documents::published_at.is_not_null())
            .filter(tender_documents::withdrawn_in.is_null())
            .order(tender_documents::id)
            .select((
                tender_documents::id,
                tender_documents::filename,
                tender_documents::published_at,
                tender_documents::sha256,
                blobs::media_type,
            ))
            .load(conn)?;
    let mut documents: Vec<Value> = documents
        .into_iter()
        .map(|(id, filename, uploaded, sha256, media_type)| {
            json!({
                "id": format!("doc-{id}"),
                "documentType": "biddingDocuments",
                "title": filename,
                "description": format!("SHA-256: {sha256}"),
                "url": format!("/api/v1/tenders/{tender_id}/documents/{id}"),
                // When this document was published: with the tender, or by a later amendment.
                "datePublished": uploaded.map(utc::format).or_else(|| published.clone()),
                "format": media_type,
                "language": "es",
            })
        })
        .collect();

    documents.extend(auctions.documents());

    let amendments: Vec<(i32, String, bool, String, chrono::NaiveDateTime)> =
        tender_amendments::table
            .filter(tender_amendments::tender_id.eq(tender_id))
            .order(tender_amendments::number)
            .select((
                tender_amendments::number,
                tender_amendments::rationale,
                tender_amendments::material,
                tender_amendments::changes,
                tender_amendments::created_at,
            ))
            .load(conn)?;
    let amendments: Vec<Value> = amendments
        .into_iter()
        .map(|(number, rationale, material, changes, at)| {
            json!({
                "id": format!("amendment-{number}"),
                "date": utc::format(at),
                "rationale": rationale,
                "description": format!(
                    "{}{}",
                    if material { "Enmienda sustancial. " } else { "" },
                    changes_text(&changes)
                ),
            })
        })
        .collect();

    // Answered enquiries only: a question is public with its answer.
    let enquiries: Vec<(
        i64,
        String,
        chrono::NaiveDateTime,
        String,
        chrono::NaiveDateTime,
    )> = tender_enquiries::table
        .filter(tender_enquiries::tender_id.eq(tender_id))
        .filter(tender_enquiries::answered_at.is_not_null())
        .order(tender_enquiries::id)
        .select((
            tender_enquiries::id,
            tender_enquiries::question,
            tender_enquiries::asked_at,
            tender_enquiries::answer.assume_not_null(),
            tender_enquiries::answered_at.assume_not_null(),
        ))
        .load(conn)?;
    let enquiries: Vec<Value> = enquiries
        .into_iter()
        .map(|(id, question, asked, answer, answered)| {
            json!({
                "id": format!("enquiry-{id}"),
                "date": utc::format(asked),
                "description": question,
                "answer": answer,
                "dateAnswered": utc::format(answered),
            })
        })
        .collect();

    let opened_at: Option<chrono::NaiveDateTime> = tender_seals::table
        .find(tender_id)
        .select(tender_seals::opened_at)
        .first::<Option<chrono::NaiveDateTime>>(conn)
        .optional()?
        .flatten();

    // Every lot decided for good — its award final (consentida) or the lot void: complete, or
    // unsuccessful when none was awarded. An award still in its standstill decides nothing.
    let live = |a: &&AwardRow| a.3 != AwardStatus::Cancelled;
    let settled = |a: &&AwardRow| matches!(a.3, AwardStatus::Final | AwardStatus::Unsuccessful);
    let decided = lots
        .iter()
        .all(|(n, ..)| award_rows.iter().filter(settled).any(|a| a.1 == *n));
    let ocds_status = if status != TenderStatus::Cancelled && !lots.is_empty() && decided {
        if award_rows
            .iter()
            .filter(live)
            .all(|a| a.3 == AwardStatus::Unsuccessful)
        {
            "unsuccessful"
        } else {
            "complete"
        }
    } else {
        tender_status(status)
    };
    let mut tender = json!({
        "id": format!("{ocid}-tender"),
        "title": title,
        "description": description,
        "status": ocds_status,
        "value": value(estimated, &currency),
        "procurementMethod": method.ocds(),
        "procurementMethodDetails": method_details(method),
        "mainProcurementCategory": category.code(),
        "awardCriteria": match criteria {
            crate::domain::AwardCriteria::LowestPrice => "priceOnly",
            crate::domain::AwardCriteria::PriceQuality => "ratedCriteria",
        },
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": published.clone(),
            "endDate": utc::format(submission_deadline),
        },
        "enquiryPeriod": {
            "startDate": published.clone(),
            "endDate": utc::format(enquiry_deadline),
        },
        "hasEnquiries": !enquiries.is_empty(),
        "procuringEntity": {"id": party_id(&buyer_ruc), "name": buyer_name},
        "bidOpening": {"date": utc::format(opening_at)},
        "items": items,
        "lots": lots_json,
        "documents": documents,
    });
    if !amendments.is_empty() {
        tender["amendments"] = Value::from(amendments);
    }
    if !enquiries.is_empty() {
        tender["enquiries"] = Value::from(enquiries);
    }
    // `statusDetails` comes from Licita's local extension (OCDS 1.1.5 has no such field).
    if let Some(ground) = cancellation_ground.filter(|_| status == TenderStatus::Cancelled) {
        tender["statusDetails"] = Value::from(format!("Cancelada: {ground}"));
    }

    let mut release = json!({
        "ocid": ocid,
        "initiationType": "tender",
        "language": "es",
        "buyer": {"id": party_id(&buyer_ruc), "name": buyer_name},
        "tender": tender,
    });

    // Nothing about a bid before the opening.
    let mut bid_of_supplier: BTreeMap<i64, (String, String)> = BTreeMap::new();
    if opened_at.is_some() {
        let (details, statistics, tenderers) =
            bids_section(conn, tender_id, &currency, &auctions, &mut bid_of_supplier)?;
        for (ruc, name) in tenderers.values() {
            parties.push(party(ruc, name, &["tenderer"]));
        }
        release["tender"]["numberOfTenderers"] = Value::from(tenderers.len());
        release["tender"]["tenderers"] = tenderers
            .values()
            .map(|(ruc, name)| json!({"id": party_id(ruc), "name": name}))
            .collect();
        release["bids"] = json!({"statistics": statistics, "details": details});
    }

    if !award_rows.is_empty() {
        // Licita's red flags and their written justifications (the local extension), so an
        // analyst can check each one against the data.
        let award_ids: Vec<i64> = award_rows.iter().map(|a| a.0).collect();
        let flags: Vec<(i64, String, String, chrono::NaiveDateTime)> = award_flags::table
            .filter(award_flags::award_id.eq_any(&award_ids))
            .order((
                award_flags::award_id,
                award_flags::raised_at,
                award_flags::code,
            ))
            .select((
                award_flags::award_id,
                award_flags::code,
                award_flags::justification,
                award_flags::raised_at,
            ))
            .load(conn)?;
        let mut awards_json = Vec::new();
        for (id, lot, bid, st, amount, award_currency, awarded_at) in &award_rows {
            let mut award = json!({
                "id": format!("award-{id}"),
                "title": format!("Lote {lot}"),
                "status": award_status(*st),
                "date": utc::format(*awarded_at),
                "relatedLots": [format!("lot-{lot}")],
            });
            let own: Vec<Value> = flags
                .iter()
                .filter(|f| f.0 == *id)
                .map(|(_, code, justification, raised)| {
                    json!({
                        "id": code,
                        "code": code,
                        "justification": justification,
                        "date": utc::format(*raised),
                    })
                })
                .collect();
            if !own.is_empty() {
                award["redFlags"] = Value::from(own);
            }
            if let Some(item) = items
                .iter()
                .find(|i| i["relatedLot"] == format!("lot-{lot}"))
            {
                award["items"] = json!([item]);
            }
            if let (Some(bid), Some(amount)) = (bid, amount) {
                award["value"] = value(*amount, award_currency);
                // The Bids extension's field: the bid's entry for this lot.
                award["relatedBid"] = Value::from(bid_lot_id(*bid, *lot));
                if let Some((ruc, name)) = bid_of_supplier.get(bid) {
                    award["suppliers"] = json!([{"id": party_id(ruc), "name": name}]);
                    if matches!(st, AwardStatus::Pending | AwardStatus::Final)
                        && let Some(p) = parties.iter_mut().find(|p| p["id"] == party_id(ruc))
                        && let Some(roles) = p["roles"].as_array_mut()
                        && !roles.contains(&Value::from("supplier"))
                    {
                        roles.push(Value::from("supplier"));
                    }
                }
            }
            awards_json.push(award);
        }
        release["awards"] = Value::from(awards_json);
        let contracts_json = contracts_section(conn, &award_rows)?;
        if !contracts_json.is_empty() {
            release["contracts"] = Value::from(contracts_json);
        }
        let complaints_json = complaints_section(conn, &award_rows)?;
        if !complaints_json.is_empty() {
            release["complaints"] = Value::from(complaints_json);
            // The buyer decides complaints: it is the process's review body.
            if let Some(roles) = parties
                .iter_mut()
                .find(|p| p["id"] == party_id(&buyer_ruc))
                .and_then(|p| p["roles"].as_array_mut())
            {
                roles.push(Value::from("reviewBody"));
            }
        }
    }
    add_registered_contacts(conn, &mut parties)?;
    release["parties"] = Value::from(parties);
    Ok(release)
}

type AwardRow = (
    i64,
    i32,
    Option<i64>,
    AwardStatus,
    Option<i64>,
    String,
    chrono::NaiveDateTime,
);

/// An amendment's stored changes (`{"field": {"from":…, "to":…}}`) as one sentence.
fn changes_text(changes: &str) -> String {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(changes) else {
        return String::new();
    };
    // Named as the tender's page names them ("Fin de presentación de ofertas"), not by the
    // stored keys.
    let fields: Vec<String> = map
        .keys()
        .map(|k| t(Lang::Es, &format!("change-{}", k.replace('_', "-"))))
        .collect();
    if fields.is_empty() {
        String::new()
    } else {
        format!("Cambia: {}.", fields.join(", "))
    }
}
