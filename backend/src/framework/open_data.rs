//! The catalogue's open data: a framework agreement and each order from its catalogue are
//! contracting processes of their own, published as OCDS releases like a tender's (through
//! [`crate::ocds::store_release`], in the transaction of the event).
//!
//! - **The agreement** (`ocds-<prefix>-am-<id>`): its selection with
//!   `tender.techniques.hasFrameworkAgreement` and `frameworkAgreement` (fewest and most
//!   participants, the method — orders below the quote threshold go straight to the lowest
//!   price, those at or above it reopen competition among the suppliers — the period), the
//!   product sheets as items (UNSPSC), and each admitted supplier as an award whose contract
//!   period is the agreement's.
//! - **An order** (`ocds-<prefix>-oc-<id>`): a call-off whose `relatedProcesses` names the
//!   agreement (`framework`, scheme `ocid`); `tender.competitive` says whether it was a quote
//!   request; once accepted, its award and its contract, the delivery as the contract's
//!   milestone (due, met, late), and the conformity closing the contract.
//!
//! Quotes are never published before the request closes: a release reads only what the
//! order's public page shows at that instant.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    db::DbConnection,
    domain::{AgreementId, BuyerId, SupplierId, utc},
    error::AppError,
    ocds::{self, Process},
    schema::{
        buyers, catalogue_categories, catalogue_order_candidates, catalogue_orders,
        catalogue_products, framework_agreements, framework_suspensions, suppliers,
    },
};

/// The release tags of an order's event, or `None` when the event is not published (a
/// supplier's decline or lapse changes nothing public until the order is accepted or void).
pub fn order_tags(action: &str) -> Option<&'static [&'static str]> {
    Some(match action {
        "catalogue.order.placed" => &["tender"],
        "catalogue.order.quotes_closed" | "catalogue.order.void" => &["tenderUpdate"],
        "catalogue.order.accepted" => &["award", "contract"],
        "catalogue.order.delivered" => &["implementation"],
        "catalogue.order.conformity" => &["contractTermination"],
        _ => return None,
    })
}

fn supplier_party(conn: &mut DbConnection, id: SupplierId) -> Result<(String, String), AppError> {
    Ok(suppliers::table
        .find(id)
        .select((suppliers::ruc, suppliers::legal_name))
        .first(conn)?)
}

fn buyer_party(conn: &mut DbConnection, id: BuyerId) -> Result<(String, String), AppError> {
    Ok(buyers::table
        .find(id)
        .select((buyers::ruc, buyers::name))
        .first(conn)?)
}

/// Publishes the agreement's release tagged `tags` at `at` (see the module).
pub fn publish_agreement(
    conn: &mut DbConnection,
    agreement: AgreementId,
    tags: &[&str],
    at: NaiveDateTime,
) -> Result<(), AppError> {
    type Row = (
        String,
        BuyerId,
        String,
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
        i32,
        i32,
    );
    let (ocid, buyer_id, title, description, _currency, starts, ends, min, max): Row =
        framework_agreements::table
            .find(agreement)
            .select((
                framework_agreements::ocid,
                framework_agreements::buyer_id,
                framework_agreements::title,
                framework_agreements::description,
                framework_agreements::currency,
                framework_agreements::starts_at,
                framework_agreements::ends_at,
                framework_agreements::min_participants,
                framework_agreements::max_participants,
            ))
            .first(conn)?;
    let (buyer_ruc, buyer_name) = buyer_party(conn, buyer_id)?;
    let products: Vec<(i64, String, String, String, String)> = catalogue_products::table
        .inner_join(catalogue_categories::table)
        .filter(catalogue_categories::agreement_id.eq(agreement))
        .order(catalogue_products::id.asc())
        .select((
            catalogue_products::id,
            catalogue_products::name,
            catalogue_products::unit,
            catalogue_products::unspsc,
            catalogue_categories::name,
        ))
        .load(conn)?;
    let admitted: Vec<(SupplierId, NaiveDateTime, String, String)> =
        super::agreements::parties_of(conn, agreement)?
            .into_iter()
            .map(|(supplier, name, ruc, at)| (supplier, at, ruc, name))
            .collect();
    // A party suspended at the release's instant says so, with the last day and the reason;
    // every party's award carries a description, so a later release clears a lifted one.
    let suspensions: Vec<(SupplierId, NaiveDateTime, String)> = framework_suspensions::table
        .filter(framework_suspensions::agreement_id.eq(agreement))
        .filter(framework_suspensions::starts_at.le(at))
        .filter(framework_suspensions::ends_at.gt(at))
        .filter(framework_suspensions::lifted_at.is_null())
        .select((
            framework_suspensions::supplier_id,
            framework_suspensions::ends_at,
            framework_suspensions::reason,
        ))
        .load(conn)?;
    let standing = |supplier: &SupplierId| {
        suspensions.iter().find(|s| s.0 == *supplier).map_or_else(
            || "Parte del acuerdo marco: sus ofertas pueden pedirse.".to_owned(),
            |(_, until, reason)| {
                format!(
                    "Suspendida del acuerdo marco hasta el {} inclusive: {reason}",
                    crate::domain::procurement::lima_date(*until - chrono::Duration::seconds(1))
                )
            },
        )
    };
    let period = json!({"startDate": utc::format(starts), "endDate": utc::format(ends)});
    let mut parties = vec![ocds::party(
        &buyer_ruc,
        &buyer_name,
        &["buyer", "procuringEntity"],
    )];
    parties.extend(
        admitted
            .iter()
            .map(|(_, _, ruc, name)| ocds::party(ruc, name, &["supplier", "tenderer"])),
    );
    ocds::add_registered_contacts(conn, &mut parties)?;
    let buyer = json!({"id": ocds::party_id(&buyer_ruc), "name": buyer_name});
    let release = json!({
        "ocid": ocid,
        "initiationType": "tender",
        "language": "es",
        "parties": parties,
        "buyer": buyer,
        "tender": {
            "id": format!("{ocid}-selection"),
            "title": title,
            "description": description,
            "status": "complete",
            "procuringEntity": buyer,
            "procurementMethod": "open",
            "procurementMethodDetails": "Acuerdo marco (catálogo electrónico)",
            "mainProcurementCategory": "goods",
            "items": products.iter().map(|(id, name, unit, unspsc, category)| json!({
                "id": id.to_string(),
                "description": format!("{name} ({category})"),
                "classification": {"scheme": "UNSPSC", "id": unspsc},
                "unit": {"name": unit},
            })).collect::<Vec<_>>(),
            "numberOfTenderers": admitted.len(),
            "techniques": {
                "hasFrameworkAgreement": true,
                "frameworkAgreement": {
                    "minimumParticipants": min,
                    "maximumParticipants": max,
                    "method": "withAndWithoutReopeningCompetition",
                    "period": period,
                    "buyerCategories": "Todas las entidades públicas",
                    "description": "Órdenes directas al menor precio por debajo del umbral \
                        de cotización; a partir de él, cotización entre los proveedores del \
                        acuerdo que entregan en el departamento.",
                },
            },
        },
        "awards": admitted.iter().map(|(supplier, admitted_at, ruc, name)| json!({
            "id": format!("party-{supplier}"),
            "title": format!("Admisión al acuerdo marco: {name}"),
            "description": standing(supplier),
            "status": "active",
            "date": utc::format(*admitted_at),
            "suppliers": [{"id": ocds::party_id(ruc), "name": name}],
            "contractPeriod": period,
        })).collect::<Vec<_>>(),
    });
    ocds::store_release(
        conn,
        &Process {
            ocid: &ocid,
            tender_id: None,
            buyer_id,
        },
        tags,
        at,
        release,
    )
}

/// Publishes order `order`'s release for its event `action` at `at`, when the event is
/// public ([`order_tags`]).
pub fn on_order_event(
    conn: &mut DbConnection,
    order: i64,
    action: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(tags) = order_tags(action) else {
        return Ok(());
    };
    let o = catalogue_orders::table
        .find(order)
        .select(OrderFacts::as_select())
        .first(conn)?;
    let (agreement_ocid, agreement_title): (String, String) = framework_agreements::table
        .find(o.agreement_id)
        .select((framework_agreements::ocid, framework_agreements::title))
        .first(conn)?;
    let (product, unit, unspsc): (String, String, String) = catalogue_products::table
        .find(o.product_id)
        .select((
            catalogue_products::name,
            catalogue_products::unit,
            catalogue_products::unspsc,
        ))
        .first(conn)?;
    let (buyer_ruc, buyer_name) = buyer_party(conn, o.buyer_id)?;
    let buyer = json!({"id": ocds::party_id(&buyer_ruc), "name": buyer_name});
    let mut parties = vec![ocds::party(
        &buyer_ruc,
        &buyer_name,
        &["buyer", "procuringEntity"],
    )];
    let quotes = o.kind == "quotes";
    let quotes_open = o.status == "quoting";
    let status = match o.status.as_str() {
        "accepted" => "complete",
        "void" => "unsuccessful",
        _ => "active",
    };
    let mut item = json!({
        "id": "1",
        "description": product,
        "classification": {"scheme": "UNSPSC", "id": unspsc},
        "quantity": o.quantity,
        "unit": {"name": unit},
    });
    let mut tender = json!({
        "id": format!("{}-order", o.ocid),
        "title": format!("Orden de compra: {product}"),
        "status": status,
        "procuringEntity": buyer,
        "procurementMethod": if quotes { "selective" } else { "direct" },
        "procurementMethodDetails": if quotes {
            "Orden de compra de catálogo electrónico por cotización"
        } else {
            "Orden de compra directa de catálogo electrónico"
        },
        "mainProcurementCategory": "goods",
        "value": ocds::money_value(o.lowest_value, &o.currency),
        "competitive": quotes,
        "techniques": {"hasFrameworkAgreement": true},
    });
    if let Some(reason) = &o.choice_reason {
        tender["procurementMethodRationale"] = Value::from(reason.as_str());
    }
    if let Some(close) = o.quotes_close_at {
        tender["tenderPeriod"] =
            json!({"startDate": utc::format(o.created_at), "endDate": utc::format(close)});
    }
    if quotes && !quotes_open {
        // Who quoted is told once the request is closed, never before.
        let quoted: Vec<(String, String)> = catalogue_order_candidates::table
            .inner_join(suppliers::table)
            .filter(catalogue_order_candidates::order_id.eq(order))
            .filter(catalogue_order_candidates::quoted_at.is_not_null())
            .order(suppliers::ruc.asc())
            .select((suppliers::ruc, suppliers::legal_name))
            .load(conn)?;
        tender["numberOfTenderers"] = Value::from(quoted.len());
        tender["tenderers"] = quoted
            .iter()
            .map(|(ruc, name)| json!({"id": ocds::party_id(ruc), "name": name}))
            .collect();
        parties.extend(
            quoted
                .iter()
                .map(|(ruc, name)| ocds::party(ruc, name, &["tenderer"])),
        );
    }
    let mut release = json!({
        "ocid": o.ocid,
        "initiationType": "tender",
        "language": "es",
        "buyer": buyer,
        "relatedProcesses": [{
            "id": "framework",
            "relationship": ["framework"],
            "title": agreement_title,
            "scheme": "ocid",
            "identifier": agreement_ocid,
            "uri": format!("/api/v1/ocds/records/{agreement_ocid}"),
        }],
    });
    if let (Some(supplier), Some(price), Some(total), Some(accepted), Some(due)) = (
        o.supplier_id,
        o.unit_price,
        o.total,
        o.accepted_at,
        o.delivery_due_at,
    ) {
        let (ruc, name) = supplier_party(conn, supplier)?;
        match parties.iter_mut().find(|p| p["id"] == ocds::party_id(&ruc)) {
            Some(party) => party["roles"] = json!(["tenderer", "supplier"]),
            None => parties.push(ocds::party(&ruc, &name, &["supplier"])),
        }
        item["unit"]["value"] = ocds::money_value(price, &o.currency);
        let value = ocds::money_value(total, &o.currency);
        release["awards"] = json!([{
            "id": "1",
            "status": "active",
            "date": utc::format(accepted),
            "value": value,
            "suppliers": [{"id": ocds::party_id(&ruc), "name": name}],
            "items": [item],
        }]);
        let late = o.delivered_at.map_or(at > due, |d| d > due);
        let mut delivery = json!({
            "id": "delivery",
            "title": format!("Entrega en {}", o.department),
            "type": "delivery",
            "dueDate": utc::format(due),
            "status": if o.delivered_at.is_some() { "met" } else if late { "notMet" } else { "scheduled" },
        });
        if let Some(delivered) = o.delivered_at {
            delivery["dateMet"] = Value::from(utc::format(delivered));
        }
        let mut period = json!({"startDate": utc::format(accepted), "endDate": utc::format(due)});
        if let Some(conformity) = o.conformity_at {
            period["endDate"] = Value::from(utc::format(conformity));
        }
        release["contracts"] = json!([{
            "id": "1",
            "awardID": "1",
            "title": format!("Orden de compra: {product}"),
            "status": if o.conformity_at.is_some() { "terminated" } else { "active" },
            "dateSigned": utc::format(accepted),
            "value": value,
            "period": period,
            "items": [item],
            "milestones": [delivery],
        }]);
    }
    tender["items"] = json!([item]);
    ocds::add_registered_contacts(conn, &mut parties)?;
    release["parties"] = Value::from(parties);
    release["tender"] = tender;
    ocds::store_release(
        conn,
        &Process {
            ocid: &o.ocid,
            tender_id: None,
            buyer_id: o.buyer_id,
        },
        tags,
        at,
        release,
    )
}

/// What an order's release reads of its row.
#[derive(Queryable, Selectable)]
#[diesel(table_name = catalogue_orders)]
struct OrderFacts {
    ocid: String,
    agreement_id: AgreementId,
    product_id: crate::domain::ProductId,
    buyer_id: BuyerId,
    department: String,
    quantity: i64,
    currency: String,
    kind: String,
    status: String,
    lowest_value: i64,
    choice_reason: Option<String>,
    quotes_close_at: Option<NaiveDateTime>,
    supplier_id: Option<SupplierId>,
    unit_price: Option<i64>,
    total: Option<i64>,
    accepted_at: Option<NaiveDateTime>,
    delivery_due_at: Option<NaiveDateTime>,
    delivered_at: Option<NaiveDateTime>,
    conformity_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}
