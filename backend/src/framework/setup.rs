//! An agreement put in force with its catalogue: categories, product sheets, the admitted
//! suppliers (parties) and their first offers, each with its first version and its audit
//! event, in one transaction. What the agreement's selection (its procedure) ends with; the
//! demo data's agreement is recorded through it.

use chrono::{Months, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;
use std::collections::HashMap;

use super::products::Attribute;
use crate::{
    app::App,
    audit::{self, Actor, NewEvent},
    db::{DbConnection, write_transaction},
    domain::{
        AgreementId, BuyerId, Currency, Money, OfferId, ProductId, RegistrationStatus, SupplierId,
        text::fold_for_search,
    },
    error::{AppError, FieldError},
    schema::{
        buyers, catalogue_categories, catalogue_offer_regions, catalogue_offer_versions,
        catalogue_offers, catalogue_products, framework_agreements, framework_parties, suppliers,
    },
};

/// The longest an agreement may be in force, in months.
pub const MAX_TERM_MONTHS: u32 = 48;

/// A product sheet of a new agreement.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// Name (unique in the agreement: offers name their product by it).
    pub name: String,
    /// Unit of the prices.
    pub unit: String,
    /// UNSPSC code.
    pub unspsc: String,
    /// What every offer must meet.
    pub attributes: Vec<Attribute>,
}

/// A category of a new agreement.
#[derive(Debug, Clone)]
pub struct NewCategory {
    /// Name.
    pub name: String,
    /// Its product sheets.
    pub products: Vec<NewProduct>,
}

/// An admitted supplier's offer.
#[derive(Debug, Clone)]
pub struct NewOffer {
    /// The product's name.
    pub product: String,
    /// Brand.
    pub brand: String,
    /// Model.
    pub model: String,
    /// Unit price.
    pub unit_price: Money,
    /// Least order value.
    pub min_order_value: Money,
    /// Units in stock.
    pub stock: i64,
    /// Departments delivered to, with the days delivery takes.
    pub regions: Vec<(String, i32)>,
}

/// An admitted supplier and its offers.
#[derive(Debug, Clone)]
pub struct NewParty {
    /// The supplier (verified in the registry).
    pub supplier_id: SupplierId,
    /// Its offers.
    pub offers: Vec<NewOffer>,
}

/// An agreement to put in force.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    /// The central purchasing body.
    pub buyer_id: BuyerId,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Currency of every price.
    pub currency: Currency,
    /// In force from.
    pub starts_at: NaiveDateTime,
    /// In force until (exclusive), at most [`MAX_TERM_MONTHS`] after the start.
    pub ends_at: NaiveDateTime,
    /// Fewest parties.
    pub min_participants: i32,
    /// Most parties.
    pub max_participants: i32,
    /// The catalogue's categories and sheets.
    pub categories: Vec<NewCategory>,
    /// The admitted suppliers.
    pub parties: Vec<NewParty>,
}

/// Marks a buyer entity as a central purchasing body (it may run framework agreements).
pub fn mark_central_purchasing_in(
    conn: &mut DbConnection,
    actor: &Actor,
    buyer: BuyerId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(
            buyers::table
                .find(buyer)
                .filter(buyers::central_purchasing.eq(false)),
        )
        .set(buyers::central_purchasing.eq(true))
        .execute(conn)?;
        if changed == 1 {
            audit::record(
                conn,
                now,
                actor,
                NewEvent::on("buyer", buyer, "buyer.central_purchasing", json!({})),
            )?;
        }
        Ok(())
    })
}

fn check(conn: &mut DbConnection, new: &NewAgreement) -> Result<(), AppError> {
    let central: Option<bool> = buyers::table
        .find(new.buyer_id)
        .select(buyers::central_purchasing)
        .first(conn)
        .optional()?;
    let mut errors = Vec::new();
    if central != Some(true) {
        errors.push(FieldError::new("buyer_id", "not_central_purchasing"));
    }
    let longest = new
        .starts_at
        .checked_add_months(Months::new(MAX_TERM_MONTHS));
    if new.ends_at <= new.starts_at || longest.is_none_or(|l| new.ends_at > l) {
        errors.push(FieldError::new("ends_at", "agreement_term").arg("months", MAX_TERM_MONTHS));
    }
    let parties = i32::try_from(new.parties.len()).unwrap_or(i32::MAX);
    if new.min_participants < 1
        || new.max_participants < new.min_participants
        || !(new.min_participants..=new.max_participants).contains(&parties)
    {
        errors.push(
            FieldError::new("parties", "participants_out_of_range")
                .arg("min", new.min_participants)
                .arg("max", new.max_participants),
        );
    }
    let ids: Vec<SupplierId> = new.parties.iter().map(|p| p.supplier_id).collect();
    let verified: i64 = suppliers::table
        .filter(suppliers::id.eq_any(&ids))
        .filter(suppliers::status.eq(RegistrationStatus::Verified))
        .count()
        .get_result(conn)?;
    if usize::try_from(verified).ok() != Some(ids.len()) {
        errors.push(FieldError::new("parties", "party_not_verified"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Puts the agreement in force with its catalogue at `now` (see the module).
pub fn record_agreement_in(
    app: &App,
    conn: &mut DbConnection,
    actor: &Actor,
    new: &NewAgreement,
    now: NaiveDateTime,
) -> Result<AgreementId, AppError> {
    write_transaction(conn, |conn| {
        check(conn, new)?;
        let currency = new.currency.code();
        let id: AgreementId = diesel::insert_into(framework_agreements::table)
            .values((
                // A placeholder of its own until the id gives the ocid (a shared one would
                // make concurrent inserts wait on the unique index).
                framework_agreements::ocid.eq(format!("pending-{:016x}", rand::random::<u64>())),
                framework_agreements::buyer_id.eq(new.buyer_id),
                framework_agreements::title.eq(&new.title),
                framework_agreements::description.eq(&new.description),
                framework_agreements::currency.eq(currency),
                framework_agreements::starts_at.eq(new.starts_at),
                framework_agreements::ends_at.eq(new.ends_at),
                framework_agreements::min_participants.eq(new.min_participants),
                framework_agreements::max_participants.eq(new.max_participants),
                framework_agreements::created_at.eq(now),
            ))
            .returning(framework_agreements::id)
            .get_result(conn)?;
        let ocid = format!("ocds-{}-am-{id}", app.settings.ocid_prefix);
        diesel::update(framework_agreements::table.find(id))
            .set(framework_agreements::ocid.eq(&ocid))
            .execute(conn)?;
        let mut products: HashMap<&str, (ProductId, String)> = HashMap::new();
        for category in &new.categories {
            let category_id: i64 = diesel::insert_into(catalogue_categories::table)
                .values((
                    catalogue_categories::agreement_id.eq(id),
                    catalogue_categories::name.eq(&category.name),
                ))
                .returning(catalogue_categories::id)
                .get_result(conn)?;
            for product in &category.products {
                let attributes = serde_json::to_string(&product.attributes)
                    .map_err(|e| AppError::internal(e.to_string()))?;
                let product_id: ProductId = diesel::insert_into(catalogue_products::table)
                    .values((
                        catalogue_products::category_id.eq(category_id),
                        catalogue_products::name.eq(&product.name),
                        catalogue_products::unit.eq(&product.unit),
                        catalogue_products::unspsc.eq(&product.unspsc),
                        catalogue_products::attributes.eq(attributes),
                    ))
                    .returning(catalogue_products::id)
                    .get_result(conn)?;
                let words = product
                    .attributes
                    .iter()
                    .map(|a| a.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let text = format!(
                    "{} {} {} {words}",
                    product.name, category.name, product.unspsc
                );
                products.insert(&product.name, (product_id, text));
            }
        }
        audit::record_first(
            conn,
            now,
            actor,
            NewEvent::on(
                "framework_agreement",
                id,
                "framework.agreement.in_force",
                json!({
                    "ocid": ocid,
                    "buyer_id": new.buyer_id,
                    "title": new.title,
                    "starts_at": crate::domain::utc::format(new.starts_at),
                    "ends_at": crate::domain::utc::format(new.ends_at),
                    "parties": new.parties.iter().map(|p| p.supplier_id).collect::<Vec<_>>(),
                    "products": products.len(),
                }),
            ),
        )?;
        for party in &new.parties {
            diesel::insert_into(framework_parties::table)
                .values((
                    framework_parties::agreement_id.eq(id),
                    framework_parties::supplier_id.eq(party.supplier_id),
                    framework_parties::admitted_at.eq(now),
                ))
                .execute(conn)?;
            for offer in &party.offers {
                let Some((product_id, text)) = products.get(offer.product.as_str()) else {
                    return Err(AppError::Validation(vec![
                        FieldError::new("product", "unknown_product")
                            .arg("code", offer.product.clone()),
                    ]));
                };
                list_offer(
                    conn,
                    actor,
                    id,
                    *product_id,
                    text,
                    party.supplier_id,
                    offer,
                    now,
                )?;
            }
        }
        super::open_data::publish_agreement(conn, id, &["tender", "award"], now)?;
        Ok(id)
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "one offer's row and its context, written once"
)]
fn list_offer(
    conn: &mut DbConnection,
    actor: &Actor,
    agreement: AgreementId,
    product: ProductId,
    product_text: &str,
    supplier: SupplierId,
    offer: &NewOffer,
    now: NaiveDateTime,
) -> Result<OfferId, AppError> {
    let search_text = fold_for_search(&format!("{product_text} {} {}", offer.brand, offer.model));
    let id: OfferId = diesel::insert_into(catalogue_offers::table)
        .values((
            catalogue_offers::product_id.eq(product),
            catalogue_offers::agreement_id.eq(agreement),
            catalogue_offers::supplier_id.eq(supplier),
            catalogue_offers::brand.eq(&offer.brand),
            catalogue_offers::model.eq(&offer.model),
            catalogue_offers::currency.eq(offer.unit_price.currency().code()),
            catalogue_offers::unit_price.eq(offer.unit_price.minor()),
            catalogue_offers::min_order_value.eq(offer.min_order_value.minor()),
            catalogue_offers::stock.eq(offer.stock),
            catalogue_offers::version.eq(1),
            catalogue_offers::updated_at.eq(now),
            catalogue_offers::search_text.eq(search_text),
        ))
        .returning(catalogue_offers::id)
        .get_result(conn)?;
    for (department, days) in &offer.regions {
        diesel::insert_into(catalogue_offer_regions::table)
            .values((
                catalogue_offer_regions::offer_id.eq(id),
                catalogue_offer_regions::department.eq(department),
                catalogue_offer_regions::delivery_days.eq(days),
            ))
            .execute(conn)?;
    }
    diesel::insert_into(catalogue_offer_versions::table)
        .values((
            catalogue_offer_versions::offer_id.eq(id),
            catalogue_offer_versions::version.eq(1),
            catalogue_offer_versions::unit_price.eq(offer.unit_price.minor()),
            catalogue_offer_versions::stock.eq(offer.stock),
            catalogue_offer_versions::changed_at.eq(now),
        ))
        .execute(conn)?;
    audit::record_first(
        conn,
        now,
        actor,
        NewEvent::on(
            "catalogue_offer",
            id,
            "catalogue.offer.listed",
            json!({
                "agreement_id": agreement,
                "product_id": product,
                "supplier_id": supplier,
                "brand": offer.brand,
                "model": offer.model,
                "unit_price": offer.unit_price.amount().to_string(),
                "stock": offer.stock,
                "regions": offer.regions.iter().map(|(d, n)| json!({"department": d, "delivery_days": n})).collect::<Vec<_>>(),
            }),
        ),
    )?;
    Ok(id)
}
