//! The demo's framework agreement: PERÚ COMPRAS's *acuerdo marco* of computers and printers,
//! in force since two months ago, with three suppliers' offers across departments, one out
//! of stock, one lowered and one raised with its reason (so a product's price history has
//! something to show).

use diesel::prelude::*;
use std::sync::Arc;

use super::History;
use crate::{
    app::App,
    audit::Actor,
    auth,
    domain::{BuyerId, Currency, Money, OfferId, SupplierId, UserId},
    error::AppError,
    framework::{
        OfferChangeInput,
        offers::change_offer_in,
        products::Attribute,
        setup::{NewAgreement, NewCategory, NewOffer, NewParty, NewProduct, record_agreement_in},
    },
    schema::{buyers, catalogue_offers, framework_agreements, suppliers, users},
};

const DESKTOP_I5: &str = "Computadora de escritorio Core i5, 16 GB, SSD 512 GB, monitor 23.8\"";
const DESKTOP_I7: &str = "Computadora de escritorio Core i7, 32 GB, SSD 1 TB, monitor 27\"";
const LAPTOP: &str = "Computadora portátil 14\" Core i5, 16 GB, SSD 512 GB";
const PRINTER: &str = "Impresora multifuncional láser monocromática A4, 40 ppm";

fn attributes(pairs: &[(&str, &str)]) -> Vec<Attribute> {
    pairs
        .iter()
        .map(|(name, value)| Attribute {
            name: (*name).to_owned(),
            value: (*value).to_owned(),
        })
        .collect()
}

fn sheet(name: &str, unspsc: &str, pairs: &[(&str, &str)]) -> NewProduct {
    NewProduct {
        name: name.to_owned(),
        unit: "unidad".to_owned(),
        unspsc: unspsc.to_owned(),
        attributes: attributes(pairs),
    }
}

fn soles(minor: i64) -> Result<Money, AppError> {
    Money::from_minor(minor, Currency::Pen).map_err(|e| AppError::internal(e.code))
}

fn offer(
    product: &str,
    (brand, model): (&str, &str),
    price: i64,
    stock: i64,
    regions: &[(&str, i32)],
) -> Result<NewOffer, AppError> {
    Ok(NewOffer {
        product: product.to_owned(),
        brand: brand.to_owned(),
        model: model.to_owned(),
        unit_price: soles(price)?,
        min_order_value: soles(if price > 300_000 { 300_000 } else { 0 })?,
        stock,
        regions: regions.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect(),
    })
}

fn categories() -> Vec<NewCategory> {
    vec![
        NewCategory {
            name: "Computadoras de escritorio".into(),
            products: vec![
                sheet(
                    DESKTOP_I5,
                    "43211507",
                    &[
                        (
                            "Procesador",
                            "Intel Core i5 de 13.ª generación o AMD Ryzen 5 7000, o superior",
                        ),
                        ("Memoria", "16 GB DDR4 o superior"),
                        ("Almacenamiento", "SSD NVMe de 512 GB"),
                        ("Monitor", "23.8\" Full HD IPS"),
                        ("Garantía", "3 años en el lugar de uso"),
                    ],
                ),
                sheet(
                    DESKTOP_I7,
                    "43211507",
                    &[
                        (
                            "Procesador",
                            "Intel Core i7 de 13.ª generación o AMD Ryzen 7 7000, o superior",
                        ),
                        ("Memoria", "32 GB DDR5"),
                        ("Almacenamiento", "SSD NVMe de 1 TB"),
                        ("Monitor", "27\" QHD IPS"),
                        ("Garantía", "3 años en el lugar de uso"),
                    ],
                ),
            ],
        },
        NewCategory {
            name: "Computadoras portátiles".into(),
            products: vec![sheet(
                LAPTOP,
                "43211503",
                &[
                    (
                        "Procesador",
                        "Intel Core i5 de 13.ª generación o AMD Ryzen 5 7000, o superior",
                    ),
                    ("Memoria", "16 GB"),
                    ("Pantalla", "14\" Full HD antirreflejo"),
                    ("Batería", "8 horas o más"),
                    ("Garantía", "3 años"),
                ],
            )],
        },
        NewCategory {
            name: "Impresoras".into(),
            products: vec![sheet(
                PRINTER,
                "43212105",
                &[
                    ("Tecnología", "Láser monocromática"),
                    ("Velocidad", "40 páginas por minuto o más"),
                    ("Funciones", "Impresión, copia y escaneo dúplex"),
                    ("Conectividad", "Ethernet y Wi-Fi"),
                ],
            )],
        },
    ]
}

const ANDINA: &str = "20512333797";
const COMPUMARKET: &str = "20604771235";
const GRAU: &str = "20488123450";

fn parties(ids: &[(String, SupplierId)]) -> Result<Vec<NewParty>, AppError> {
    let id = |ruc: &str| {
        ids.iter()
            .find(|(r, _)| r == ruc)
            .map(|(_, id)| *id)
            .ok_or_else(|| AppError::internal(format!("demo supplier {ruc} missing")))
    };
    let north = [
        ("La Libertad", 3),
        ("Lambayeque", 4),
        ("Piura", 5),
        ("Lima", 4),
        ("Cajamarca", 6),
    ];
    let south = [
        ("Arequipa", 2),
        ("Cusco", 5),
        ("Puno", 6),
        ("Tacna", 4),
        ("Moquegua", 4),
        ("Lima", 5),
    ];
    let lima = [
        ("Lima", 2),
        ("Callao", 2),
        ("Ica", 4),
        ("Junín", 5),
        ("Áncash", 5),
        ("Arequipa", 6),
    ];
    Ok(vec![
        NewParty {
            supplier_id: id(ANDINA)?,
            offers: vec![
                offer(
                    DESKTOP_I5,
                    ("Lenovo", "ThinkCentre M70s Gen 4"),
                    289_900,
                    120,
                    &lima,
                )?,
                offer(
                    DESKTOP_I7,
                    ("Lenovo", "ThinkCentre M90s Gen 4"),
                    489_000,
                    35,
                    &lima,
                )?,
                offer(LAPTOP, ("Lenovo", "ThinkPad E14 Gen 5"), 349_000, 60, &lima)?,
                offer(PRINTER, ("Brother", "MFC-L6710DW"), 219_900, 0, &lima)?,
            ],
        },
        NewParty {
            supplier_id: id(COMPUMARKET)?,
            offers: vec![
                offer(DESKTOP_I5, ("HP", "Pro Tower 400 G9"), 305_000, 80, &south)?,
                offer(LAPTOP, ("HP", "ProBook 440 G10"), 339_500, 45, &south)?,
                offer(
                    PRINTER,
                    ("HP", "LaserJet Pro MFP 4103fdw"),
                    231_000,
                    25,
                    &south,
                )?,
            ],
        },
        NewParty {
            supplier_id: id(GRAU)?,
            offers: vec![
                offer(
                    DESKTOP_I5,
                    ("Dell", "OptiPlex 7010 Tower"),
                    310_000,
                    50,
                    &north,
                )?,
                offer(
                    DESKTOP_I7,
                    ("Dell", "OptiPlex 7010 Plus"),
                    512_000,
                    12,
                    &north,
                )?,
                offer(PRINTER, ("Lexmark", "MX532adwe"), 224_500, 18, &north)?,
            ],
        },
    ])
}

/// Records the demo agreement once (nothing when an agreement exists); returns how many
/// agreements it recorded.
pub(super) async fn seed_catalogue(app: &Arc<App>, history: History) -> Result<usize, AppError> {
    let state = app.clone();
    app.db
        .run(move |conn| {
            let exists: bool =
                diesel::select(diesel::dsl::exists(framework_agreements::table.select(framework_agreements::id))).get_result(conn)?;
            let central: Option<BuyerId> = buyers::table
                .filter(buyers::central_purchasing.eq(true))
                .select(buyers::id)
                .first(conn)
                .optional()?;
            let Some(central) = central.filter(|_| !exists) else {
                return Ok(0);
            };
            let ids: Vec<(String, SupplierId)> = suppliers::table
                .filter(suppliers::ruc.eq_any([ANDINA, COMPUMARKET, GRAU]))
                .select((suppliers::ruc, suppliers::id))
                .load(conn)?;
            if ids.len() < 3 {
                return Ok(0);
            }
            let starts_at = history.at(-60, 0, 0);
            let agreement = NewAgreement {
                buyer_id: central,
                title: "Acuerdo Marco IM-CE-2026-3: computadoras de escritorio, portátiles e impresoras".into(),
                description: "Catálogo electrónico de computadoras de escritorio, computadoras portátiles e impresoras multifuncionales para las entidades públicas, con entrega en los departamentos que cada proveedor atiende.".into(),
                currency: Currency::Pen,
                starts_at,
                ends_at: history.at(670, 0, 0),
                min_participants: 3,
                max_participants: 20,
                categories: categories(),
                parties: parties(&ids)?,
            };
            record_agreement_in(&state, conn, &Actor::system(), &agreement, starts_at)?;
            // Andina lowered its desktop's price a month ago; Compumarket raised its printer's
            // a fortnight ago, with the reason the rules require.
            change(&state, conn, ANDINA, DESKTOP_I5, "2849.00", "", history.at(-30, 10, 15))?;
            change(
                &state,
                conn,
                COMPUMARKET,
                PRINTER,
                "2450.00",
                "Alza del tipo de cambio del dólar y del flete desde el puerto del Callao; sustento en la factura de importación adjunta al expediente.",
                history.at(-14, 16, 40),
            )?;
            Ok(1)
        })
        .await
}

fn change(
    app: &App,
    conn: &mut crate::db::DbConnection,
    ruc: &str,
    product: &str,
    price: &str,
    reason: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let (offer, supplier, version): (OfferId, SupplierId, i32) = catalogue_offers::table
        .inner_join(suppliers::table)
        .inner_join(crate::schema::catalogue_products::table)
        .filter(suppliers::ruc.eq(ruc))
        .filter(crate::schema::catalogue_products::name.eq(product))
        .select((
            catalogue_offers::id,
            catalogue_offers::supplier_id,
            catalogue_offers::version,
        ))
        .first(conn)?;
    let owner: UserId = users::table
        .inner_join(crate::schema::supplier_members::table)
        .filter(crate::schema::supplier_members::supplier_id.eq(supplier))
        .select(users::id)
        .first(conn)?;
    let user = auth::load_user(conn, owner)?;
    let input = OfferChangeInput {
        unit_price: price.into(),
        stock: String::new(),
        reason: reason.into(),
        version: i64::from(version),
    };
    change_offer_in(app, conn, &user, offer, &input, at).map(|_| ())
}
