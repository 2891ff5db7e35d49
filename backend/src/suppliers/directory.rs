//! The public directory of registered companies and the list of sanctions in force.

use super::*;
use crate::domain::RegistrationStatus;

/// Directory query.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DirectoryQuery {
    /// Words of the name or digits of the RUC (accents and case ignored).
    pub q: Option<String>,
    /// UNSPSC segment code.
    pub category: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// Results per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectoryPage {
    /// Matching suppliers on this page.
    pub suppliers: Vec<Supplier>,
    /// All matches.
    pub total: i64,
    /// This page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// The public directory ([`directory_in`]).
pub async fn directory(
    app: &crate::app::AppState,
    query: &DirectoryQuery,
) -> Result<DirectoryPage, AppError> {
    let (query, now) = (query.clone(), app.clock.now_db());
    app.db
        .run(move |conn| directory_in(conn, &query, now))
        .await
}

/// Verified suppliers (also while sanctioned, which their status shows), by legal name, with
/// stable pagination (name, then id).
pub fn directory_in(
    conn: &mut DbConnection,
    query: &DirectoryQuery,
    now: NaiveDateTime,
) -> Result<DirectoryPage, AppError> {
    let per_page = query.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(AppError::field("per_page", "out_of_range"));
    }
    let page = query.page.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(AppError::Validation(vec![
            FieldError::new("page", "out_of_range")
                .arg("min", 1)
                .arg("max", 10_000),
        ]));
    }
    let category = query
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(code) = category
        && catalogue::segment(code).is_none()
    {
        return Err(AppError::Validation(vec![
            FieldError::new("category", "unknown_category").arg("code", code),
        ]));
    }
    let text = query
        .q
        .as_deref()
        .map(fold_for_search)
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 100) {
        return Err(AppError::Validation(vec![
            FieldError::new("q", "too_long").arg("max", 100),
        ]));
    }
    let filtered = || {
        let mut q = suppliers::table
            .filter(suppliers::status.eq(RegistrationStatus::Verified))
            .into_boxed();
        if let Some(text) = &text {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            q = q.filter(
                suppliers::search_text
                    .like(format!("%{escaped}%"))
                    .escape('\\'),
            );
        }
        if let Some(code) = category {
            q = q.filter(
                suppliers::id.eq_any(
                    supplier_categories::table
                        .filter(supplier_categories::segment.eq(code.to_owned()))
                        .select(supplier_categories::supplier_id),
                ),
            );
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let rows: Vec<SupplierRow> = filtered()
        .order((suppliers::legal_name.asc(), suppliers::id.asc()))
        .limit(i64::from(per_page))
        .offset(i64::from(page - 1) * i64::from(per_page))
        .select(SupplierRow::as_select())
        .load(conn)?;
    Ok(DirectoryPage {
        suppliers: assemble(conn, rows, now)?,
        total,
        page,
        per_page,
    })
}

/// A sanction in force, with the supplier it applies to (the public sanctions list).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicSanction {
    /// Supplier id.
    pub supplier_id: SupplierId,
    /// RUC.
    pub ruc: String,
    /// Legal name.
    pub legal_name: String,
    /// `suspension` or `debarment`.
    pub kind: String,
    /// Legal ground.
    pub ground: String,
    /// From (UTC).
    #[serde(with = "crate::domain::utc")]
    pub starts_at: NaiveDateTime,
    /// Until (UTC, exclusive); none for a suspension until reinstated.
    #[serde(with = "crate::domain::utc::option")]
    pub ends_at: Option<NaiveDateTime>,
}

/// Every sanction in force now ([`sanctions_in_force_in`]): public.
pub async fn sanctions_in_force(
    app: &crate::app::AppState,
) -> Result<Vec<PublicSanction>, AppError> {
    let now = app.clock.now_db();
    app.db
        .run(move |conn| sanctions_in_force_in(conn, now))
        .await
}

/// Every sanction in force at `now`.
pub fn sanctions_in_force_in(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Vec<PublicSanction>, AppError> {
    let rows: Vec<(SanctionRow, String, String)> = supplier_sanctions::table
        .inner_join(suppliers::table)
        .filter(supplier_sanctions::starts_at.le(now))
        .filter(supplier_sanctions::lifted_at.is_null())
        .filter(
            supplier_sanctions::ends_at
                .is_null()
                .or(supplier_sanctions::ends_at.gt(now)),
        )
        .order((suppliers::legal_name.asc(), supplier_sanctions::id.asc()))
        .select((
            SanctionRow::as_select(),
            suppliers::ruc,
            suppliers::legal_name,
        ))
        .load::<(SanctionRow, String, String)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(s, ruc, legal_name)| PublicSanction {
            supplier_id: s.supplier_id,
            ruc,
            legal_name,
            kind: s.kind,
            ground: s.ground,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
        })
        .collect())
}
