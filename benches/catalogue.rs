//! The electronic catalogue's benchmark (not a test): an agreement of 200 product sheets,
//! 50 suppliers offering each of them in all 25 departments (10,000 offers, 250,000
//! product × supplier × department delivery rows), and 100,000 orders of 50 buying entities
//! over a year. Reports the catalogue search (words + category + department, sorted by
//! price) p50/p95/p99 at 1 and 16 concurrent searches, an order placed (options, checks,
//! candidates, audit event) p50/p95/p99 at 1 and 8 concurrent officers, and the time of the
//! red flags (split orders and the rest) over all 100,000 orders.
//!
//! ```text
//! cargo bench --bench catalogue -- --database-url sqlite:///tmp/licita-catalogue.db
//! cargo bench --bench catalogue -- --database-url postgres://postgres@127.0.0.1/licita_catalogue
//! ```
//!
//! The database must be empty (the demo data is loaded first, for its central purchasing
//! body and officers). The agreement goes through the code that puts agreements in force;
//! the orders' history is written straight into the table in batches (placing 100,000 one
//! by one would measure the loading, not the reading).

#[expect(dead_code, reason = "the catalogue publishes no tender")]
mod common;

use backend::{
    App, AppState,
    audit::Actor,
    auth::{self, CurrentUser},
    clock::SystemClock,
    config::Settings,
    domain::{BuyerId, Currency, Money, ProductId, SupplierId, UserId},
    framework::{
        self, CatalogueQuery, flags,
        orders::{self, OrderInput},
        products::Attribute,
        setup::{NewAgreement, NewCategory, NewOffer, NewParty, NewProduct, record_agreement_in},
    },
    schema::{buyers, catalogue_orders, catalogue_products, supplier_members, users},
};
use common::{arg, load_bidders, peak_rss_mib, percentile, tempfile_dir};
use diesel::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// Kinds of goods the catalogue sells: (category, name stem, UNSPSC, unit, base price in
/// céntimos, brands).
type Good = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static [&'static str],
);

const GOODS: &[Good] = &[
    (
        "Computadoras de escritorio",
        "Computadora de escritorio Core i5 16 GB SSD 512 GB",
        "43211507",
        "unidad",
        289_900,
        &["Lenovo", "HP", "Dell", "Asus", "Acer"],
    ),
    (
        "Computadoras portátiles",
        "Computadora portátil 14\" Core i7 16 GB SSD 1 TB",
        "43211503",
        "unidad",
        429_000,
        &["Lenovo", "HP", "Dell", "Asus", "Acer"],
    ),
    (
        "Impresoras",
        "Impresora multifuncional láser monocromática A4 40 ppm",
        "43212105",
        "unidad",
        219_900,
        &["Brother", "HP", "Lexmark", "Canon", "Epson"],
    ),
    (
        "Tóneres y tintas",
        "Tóner negro de alto rendimiento 10,000 páginas",
        "44103103",
        "unidad",
        38_900,
        &["HP", "Brother", "Lexmark", "Canon", "Samsung"],
    ),
    (
        "Papel y útiles de oficina",
        "Papel bond A4 80 g/m² paquete de 500 hojas",
        "14111507",
        "paquete",
        1_690,
        &["Atlas", "Report", "Chamex", "Navigator", "Double A"],
    ),
    (
        "Neumáticos",
        "Neumático radial 205/55 R16 para automóvil",
        "25172504",
        "unidad",
        42_000,
        &[
            "Michelin",
            "Bridgestone",
            "Goodyear",
            "Pirelli",
            "Continental",
        ],
    ),
    (
        "Mobiliario de oficina",
        "Silla ergonómica giratoria con apoyabrazos y soporte lumbar",
        "56112104",
        "unidad",
        64_900,
        &["Mobilia", "Steelcase", "Ofimueble", "Ergo Perú", "Cima"],
    ),
    (
        "Material médico",
        "Guantes de examen de nitrilo sin polvo talla M caja de 100",
        "42132203",
        "caja",
        2_890,
        &["Medline", "Ansell", "Kimtech", "Sempermed", "Supermax"],
    ),
    (
        "Medicamentos",
        "Paracetamol 500 mg tableta blíster de 100",
        "51142106",
        "caja",
        990,
        &[
            "Portugal",
            "Medifarma",
            "Farmindustria",
            "Genfar",
            "Induquímica",
        ],
    ),
    (
        "Limpieza",
        "Detergente industrial en polvo bolsa de 15 kg",
        "47131807",
        "bolsa",
        8_990,
        &["Sapolio", "Bolívar", "Ace", "Opal", "Marsella"],
    ),
];

const DEPARTMENTS: &[&str] = &[
    "Amazonas",
    "Áncash",
    "Apurímac",
    "Arequipa",
    "Ayacucho",
    "Cajamarca",
    "Callao",
    "Cusco",
    "Huancavelica",
    "Huánuco",
    "Ica",
    "Junín",
    "La Libertad",
    "Lambayeque",
    "Lima",
    "Loreto",
    "Madre de Dios",
    "Moquegua",
    "Pasco",
    "Piura",
    "Puno",
    "San Martín",
    "Tacna",
    "Tumbes",
    "Ucayali",
];

/// 200 sheets: each kind of goods in 20 variants (capacity, size, presentation).
fn sheets() -> Vec<NewCategory> {
    GOODS
        .iter()
        .map(|(category, stem, unspsc, unit, _, _)| NewCategory {
            name: (*category).to_owned(),
            products: (1..=20)
                .map(|v| NewProduct {
                    name: format!("{stem} — variante {v:02}"),
                    unit: (*unit).to_owned(),
                    unspsc: (*unspsc).to_owned(),
                    attributes: vec![
                        Attribute {
                            name: "Garantía".into(),
                            value: format!("{} años", 1 + v % 3),
                        },
                        Attribute {
                            name: "Presentación".into(),
                            value: format!("Serie {v:02}"),
                        },
                    ],
                })
                .collect(),
        })
        .collect()
}

fn offers_of(supplier: u32, rng: &mut StdRng) -> Vec<NewOffer> {
    let mut out = Vec::new();
    for (_, stem, _, _, base, brands) in GOODS {
        for v in 1..=20 {
            let brand = brands[(supplier as usize + v) % brands.len()];
            let price = base * (85 + rng.gen_range(0..30)) / 100;
            out.push(NewOffer {
                product: format!("{stem} — variante {v:02}"),
                brand: brand.to_owned(),
                model: format!("{}{}-{}", &brand[..2].to_uppercase(), 100 + v, supplier),
                unit_price: Money::from_minor(price.max(1), Currency::Pen).expect("price"),
                min_order_value: Money::from_minor(0, Currency::Pen).expect("zero"),
                stock: rng.gen_range(0..5_000),
                regions: DEPARTMENTS
                    .iter()
                    .map(|d| ((*d).to_owned(), rng.gen_range(2..15)))
                    .collect(),
            });
        }
    }
    out
}

fn report(label: &str, mut ms: Vec<f64>, wall: Duration) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{label}: {} in {:.1} s ({:.0}/s) — p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        wall.as_secs_f64(),
        ms.len() as f64 / wall.as_secs_f64(),
        percentile(&ms, 0.50),
        percentile(&ms, 0.95),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(0.0),
    );
}

fn main() {
    let url = arg("--database-url", "sqlite:///tmp/licita-catalogue.db");
    let data = tempfile_dir();
    let settings = Settings::from_lookup(|k| match k {
        "LICITA_CONFIG" => Some(data.join("none.toml").display().to_string()),
        "LICITA_DATABASE_URL" => Some(url.clone()),
        "LICITA_DATA_DIR" => Some(data.display().to_string()),
        "LICITA_MAIL_TRANSPORT" => Some("memory".into()),
        "LICITA_DB_POOL_SIZE" => Some("16".into()),
        "LICITA_OPENING_KEY_WORK_FACTOR" => Some("10".into()),
        "LICITA_LOG" => Some("warn".into()),
        _ => None,
    })
    .expect("settings");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let inner = Arc::new(App::start(settings, Arc::new(SystemClock)).expect("app"));
        backend::seed::seed(&inner).await.expect("seed");
        let app = AppState(inner.clone());
        let mut rng = StdRng::seed_from_u64(33);

        // 50 suppliers and the agreement, through the code that puts one in force.
        let started = Instant::now();
        let owners = {
            let state = inner.clone();
            tokio::task::spawn_blocking(move || load_bidders(&state, 50)).await.expect("bidders")
        };
        let parties: Vec<NewParty> = {
            let mut conn = app.db.get().expect("conn");
            owners
                .iter()
                .enumerate()
                .map(|(i, owner)| NewParty {
                    supplier_id: supplier_members::table
                        .filter(supplier_members::user_id.eq(*owner))
                        .select(supplier_members::supplier_id)
                        .first::<SupplierId>(&mut *conn)
                        .expect("supplier"),
                    offers: offers_of(i as u32, &mut rng),
                })
                .collect()
        };
        let central: BuyerId = {
            let mut conn = app.db.get().expect("conn");
            buyers::table
                .filter(buyers::central_purchasing.eq(true))
                .select(buyers::id)
                .first(&mut *conn)
                .expect("the demo's central purchasing body")
        };
        let now = app.clock.now_db();
        let agreement = NewAgreement {
            buyer_id: central,
            title: "Acuerdo Marco IM-CE-2026-9: bienes de uso común de las entidades".into(),
            description: "Computadoras, impresoras, tóneres, papel, neumáticos, mobiliario, material médico, medicamentos y limpieza.".into(),
            currency: Currency::Pen,
            starts_at: now - chrono::Duration::days(400),
            ends_at: now + chrono::Duration::days(700),
            min_participants: 3,
            max_participants: 60,
            categories: sheets(),
            parties,
        };
        let agreement_id = {
            let state = app.clone();
            tokio::task::spawn_blocking(move || {
                let mut conn = state.db.get().expect("conn");
                record_agreement_in(&state, &mut conn, &Actor::system(), &agreement, now)
                    .expect("agreement")
            })
            .await
            .expect("agreement task")
        };
        println!("agreement: 200 sheets, 50 suppliers, 10,000 offers, 250,000 delivery rows in {:.1} s", started.elapsed().as_secs_f64());

        // 100,000 orders of 50 entities over a year, written in batches.
        let started = Instant::now();
        // The bench agreement's sheets (the demo's agreement has its own), with their kind's
        // base price.
        let products: Vec<(ProductId, i64)> = {
            let mut conn = app.db.get().expect("conn");
            catalogue_products::table
                .select((catalogue_products::id, catalogue_products::name))
                .load::<(ProductId, String)>(&mut *conn)
                .expect("products")
                .into_iter()
                .filter_map(|(id, name)| {
                    GOODS
                        .iter()
                        .find(|g| name.starts_with(&format!("{} — variante", g.1)))
                        .map(|g| (id, g.4))
                })
                .collect()
        };
        assert_eq!(products.len(), 200, "the bench's 200 sheets");
        let buyer_ids: Vec<BuyerId> = {
            let mut conn = app.db.get().expect("conn");
            let mut ids: Vec<BuyerId> = buyers::table.select(buyers::id).load(&mut *conn).expect("buyers");
            ids.truncate(50);
            ids
        };
        let officer: UserId = {
            let mut conn = app.db.get().expect("conn");
            users::table
                .filter(users::email.eq("compras@munlima.gob.pe"))
                .select(users::id)
                .first(&mut *conn)
                .expect("officer")
        };
        let supplier_ids: Vec<SupplierId> = {
            let mut conn = app.db.get().expect("conn");
            supplier_members::table
                .filter(supplier_members::user_id.eq_any(&owners))
                .select(supplier_members::supplier_id)
                .load(&mut *conn)
                .expect("suppliers")
        };
        let mut conn = app.db.get().expect("conn");
        let year_ago = now - chrono::Duration::days(365);
        for batch in 0..100 {
            let rows: Vec<_> = (0..1_000)
                .map(|i| {
                    let n = batch * 1_000 + i;
                    let (product, base) = products[rng.gen_range(0..products.len())];
                    let quantity: i64 = rng.gen_range(1..60);
                    let price = base * (85 + rng.gen_range(0..30)) / 100;
                    let value = price * quantity;
                    let kind = if value >= app.settings.catalogue_quote_threshold { "quotes" } else { "direct" };
                    let accepted = rng.gen_range(0..10) < 8;
                    let at = year_ago + chrono::Duration::minutes(rng.gen_range(0..525_600));
                    (
                        catalogue_orders::ocid.eq(format!("ocds-licita-oc-b{n}")),
                        catalogue_orders::agreement_id.eq(agreement_id),
                        catalogue_orders::product_id.eq(product),
                        catalogue_orders::buyer_id.eq(buyer_ids[rng.gen_range(0..buyer_ids.len())]),
                        catalogue_orders::ordered_by.eq(officer),
                        catalogue_orders::department.eq(DEPARTMENTS[rng.gen_range(0..DEPARTMENTS.len())]),
                        catalogue_orders::quantity.eq(quantity),
                        catalogue_orders::currency.eq("PEN"),
                        catalogue_orders::kind.eq(kind),
                        catalogue_orders::status.eq(if accepted { "accepted" } else { "void" }),
                        catalogue_orders::lowest_value.eq(value),
                        catalogue_orders::median_price.eq(Some(base)),
                        catalogue_orders::supplier_id.eq(accepted.then(|| supplier_ids[rng.gen_range(0..supplier_ids.len())])),
                        catalogue_orders::unit_price.eq(accepted.then_some(price)),
                        catalogue_orders::total.eq(accepted.then_some(value)),
                        catalogue_orders::created_at.eq(at),
                    )
                })
                .collect();
            // One statement per order, a transaction per thousand (diesel's multi-row insert
            // does not cross its two-engine connection).
            backend::db::write_transaction(&mut conn, |conn| {
                for row in &rows {
                    diesel::insert_into(catalogue_orders::table)
                        .values(row.clone())
                        .execute(conn)?;
                }
                Ok::<_, diesel::result::Error>(())
            })
            .expect("orders");
        }
        drop(conn);
        println!("orders: 100,000 written in {:.1} s", started.elapsed().as_secs_f64());

        // The red flags over every order.
        for round in 0..3 {
            let state = app.clone();
            let started = Instant::now();
            let (count, flagged) = tokio::task::spawn_blocking(move || {
                let mut conn = state.db.get().expect("conn");
                let rows = flags::rows(&mut conn, None).expect("rows");
                let judged = flags::judge(&rows, flags::Thresholds::of(&state.settings));
                let split = judged.values().filter(|f| f.contains(&flags::OrderFlag::SplitOrder)).count();
                (rows.len(), split)
            })
            .await
            .expect("flags");
            println!("red flags over {count} orders (round {round}): {:.0} ms, {flagged} split", started.elapsed().as_secs_f64() * 1000.0);
        }

        // Catalogue searches: a word of the goods + a category + a department, by price.
        let categories = framework::categories(&app).await.expect("categories");
        let words = ["core", "portatil", "toner", "papel bond", "neumatico", "silla", "guantes nitrilo", "paracetamol", "detergente", "lenovo", "michelin", "laser"];
        let queries: Vec<CatalogueQuery> = (0..400)
            .map(|i| CatalogueQuery {
                q: Some(words[i % words.len()].to_owned()),
                category: Some(categories[i % categories.len()].id.to_string()),
                department: Some(DEPARTMENTS[i % DEPARTMENTS.len()].to_owned()),
                ..CatalogueQuery::default()
            })
            .collect();
        let one_by_one = {
            let started = Instant::now();
            let mut ms = Vec::new();
            for q in queries.iter().take(200) {
                let t = Instant::now();
                framework::search(&app, q).await.expect("search");
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            (ms, started.elapsed())
        };
        report("catalogue search, 1 at a time", one_by_one.0, one_by_one.1);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for chunk in queries.chunks(25) {
            let (app, chunk) = (app.clone(), chunk.to_vec());
            tasks.push(tokio::spawn(async move {
                let mut ms = Vec::new();
                for q in &chunk {
                    let t = Instant::now();
                    framework::search(&app, q).await.expect("search");
                    ms.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                ms
            }));
        }
        let mut ms = Vec::new();
        for t in tasks {
            ms.extend(t.await.expect("task"));
        }
        report("catalogue search, 16 at once", ms, started.elapsed());

        // Orders placed by officers: 20 units of a product for a department (direct).
        let officer_user: CurrentUser = {
            let mut conn = app.db.get().expect("conn");
            auth::load_user(&mut conn, officer).expect("officer")
        };
        let place = |i: usize| OrderInput {
            department: DEPARTMENTS[i % DEPARTMENTS.len()].to_owned(),
            quantity: "3".into(),
            ..OrderInput::default()
        };
        let started = Instant::now();
        let mut ms = Vec::new();
        for i in 0..200 {
            let t = Instant::now();
            orders::place(&app, &officer_user, products[i % products.len()].0, place(i)).await.expect("order");
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        report("order placed, 1 at a time", ms, started.elapsed());
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..8 {
            let (app, officer_user, products) = (app.clone(), officer_user.clone(), products.clone());
            tasks.push(tokio::spawn(async move {
                let mut ms = Vec::new();
                for i in 0..50 {
                    let k = w * 50 + i;
                    let t = Instant::now();
                    orders::place(&app, &officer_user, products[(k * 7) % products.len()].0, place(k)).await.expect("order");
                    ms.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                ms
            }));
        }
        let mut ms = Vec::new();
        for t in tasks {
            ms.extend(t.await.expect("task"));
        }
        report("order placed, 8 officers at once", ms, started.elapsed());
        println!("peak memory of the process: {:.0} MiB", peak_rss_mib());
    });
}
