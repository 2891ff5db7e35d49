//! What the benchmarks share: arguments, companies loaded straight into the tables, memory
//! readings and percentiles.

use std::sync::Arc;

use backend::{
    App,
    auth::CurrentUser,
    domain::{TenderId, UserId},
    schema::{supplier_members, suppliers, users},
    tenders,
};
use diesel::prelude::*;

/// The value after `name` on the command line, or `default`.
pub fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

/// A valid RUC (check digit from the domain's rule).
pub fn ruc(n: u32) -> String {
    let first_ten = format!("20{n:08}");
    let digits: Vec<u32> = first_ten.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{first_ten}{}", backend::domain::ruc_check_digit(&digits))
}

/// The process's peak resident memory (MiB).
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The `p` quantile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Loads `n` verified companies with verified owners; returns their owners' user ids.
pub fn load_bidders(app: &App, n: u32) -> Vec<UserId> {
    let mut conn = app.db.get().expect("conn");
    let now = chrono::Utc::now().naive_utc();
    let hash: String = users::table
        .filter(users::role.eq("supplier"))
        .select(users::password_hash)
        .first(&mut *conn)
        .expect("a demo supplier's hash");
    let mut ids = Vec::new();
    backend::db::write_transaction(&mut conn, |conn| {
        for i in 0..n {
            let user: UserId = diesel::insert_into(users::table)
                .values((
                    users::email.eq(format!("rush{i}@postores.pe")),
                    users::display_name.eq(format!("Postor {i}")),
                    users::password_hash.eq(&hash),
                    users::role.eq("supplier"),
                    users::locale.eq("es"),
                    users::email_verified_at.eq(now),
                    users::password_changed_at.eq(now),
                    users::active.eq(true),
                    users::created_at.eq(now),
                    users::registry_officer.eq(false),
                ))
                .returning(users::id)
                .get_result(conn)?;
            let supplier: i64 = diesel::insert_into(suppliers::table)
                .values((
                    suppliers::ruc.eq(ruc(80_000 + i)),
                    suppliers::legal_name.eq(format!("Postor Rush {i} SAC")),
                    suppliers::legal_form.eq("sac"),
                    suppliers::department.eq("Lima"),
                    suppliers::province.eq("Lima"),
                    suppliers::district.eq("Lima"),
                    suppliers::address.eq("Av. Abancay 123"),
                    suppliers::contact_email.eq(format!("rush{i}@postores.pe")),
                    suppliers::contact_phone.eq("+51 1 555 0000"),
                    suppliers::status.eq("verified"),
                    suppliers::search_text.eq(format!("postor rush {i}")),
                    suppliers::created_at.eq(now),
                    suppliers::updated_at.eq(now),
                ))
                .returning(suppliers::id)
                .get_result(conn)?;
            diesel::insert_into(supplier_members::table)
                .values((
                    supplier_members::user_id.eq(user),
                    supplier_members::supplier_id.eq(supplier),
                    supplier_members::member_role.eq("owner"),
                    supplier_members::joined_at.eq(now),
                ))
                .execute(conn)?;
            ids.push(user);
        }
        Ok::<_, backend::AppError>(())
    })
    .expect("bidders");
    ids
}

/// A fresh data directory with an empty config file.
pub fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("licita-rush-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("data dir");
    std::fs::write(dir.join("none.toml"), "").expect("config");
    dir
}

/// Drafts, documents and publishes `n` tenders of `method` of the Municipalidad de Lima
/// closing in two days by the app's clock (every Lima officer on the committee, two to open).
pub async fn publish_tenders(
    app: &Arc<App>,
    officer: &CurrentUser,
    n: usize,
    method: &str,
) -> Vec<TenderId> {
    let pdf = tenders::documents::demo_pdf(&["Bases de la convocatoria"]);
    let blob = backend::blobs::store_upload(
        &app.settings.data_dir,
        "bases.pdf",
        1 << 20,
        futures_util::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(pdf))]),
    )
    .await
    .expect("blob");
    let deadline = app.clock.now_db() + chrono::Duration::days(2);
    let instant = backend::domain::utc::format;
    let mut ids = Vec::new();
    for i in 0..n {
        let input = tenders::TenderInput {
            title: format!("Adquisición de útiles de oficina, convocatoria {i}"),
            description: "Adquisición de útiles de oficina para las gerencias municipales del Cercado de Lima.".into(),
            method: method.into(),
            procurement_category: "goods".into(),
            classification: "44121600".into(),
            currency: "PEN".into(),
            lots: vec![tenders::LotInput {
                title: "Útiles de oficina".into(),
                quantity: "100".into(),
                unit: "lote".into(),
                estimated_value: "50000.00".into(),
                electronic_auction: false,
            }],
            award_criteria: "lowest_price".into(),
            price_weight: None,
            quality_criteria: Vec::new(),
            enquiry_deadline: instant(deadline - chrono::Duration::days(1)),
            submission_deadline: instant(deadline),
            opening_at: instant(deadline + chrono::Duration::hours(1)),
            committee: Vec::new(),
            observer: None,
            committee_threshold: Some(2),
        };
        let (state, officer, blob) = (app.clone(), officer.clone(), blob.clone());
        let id = app
            .db
            .run(move |conn| {
                let mut input = input;
                input.committee = users::table
                    .filter(users::buyer_id.eq(officer.buyer_id))
                    .filter(users::role.eq("officer"))
                    .select(users::id)
                    .load(conn)?;
                let now = state.clock.now_db();
                let id = tenders::create_draft_in(conn, &officer, &input.parse()?, now)?;
                tenders::attach_document(conn, &officer, id, &blob, now)?;
                tenders::publish_in(conn, &state.settings, &officer, id, now)?;
                Ok(id)
            })
            .await
            .expect("tender");
        ids.push(id);
    }
    ids
}
