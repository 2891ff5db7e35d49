//! The auditors' list of awards, with its filters, and its CSV export (cells a spreadsheet
//! cannot mistake for formulas).

use super::*;
use crate::domain::text::spreadsheet_safe;

/// Filters of the auditors' award list (all optional).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AwardFilter {
    /// Buyer entity id (empty: every buyer, as the page's "all" choice sends it).
    pub buyer: Option<String>,
    /// Procurement method code.
    pub method: Option<String>,
    /// Red flag code; `any` for awards with at least one flag.
    pub flag: Option<String>,
    /// Awarded on or after (YYYY-MM-DD, Lima).
    pub from: Option<String>,
    /// Awarded on or before (YYYY-MM-DD, Lima).
    pub to: Option<String>,
    /// Amount at least.
    pub min_value: Option<String>,
    /// Amount at most.
    pub max_value: Option<String>,
}

pub(super) fn require_auditor(user: &CurrentUser) -> Result<(), AppError> {
    if matches!(user.role, Role::Auditor | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The awards matching `filter` ([`award_list_in`]): auditors and admins.
pub async fn award_list(
    app: &AppState,
    user: &CurrentUser,
    filter: &AwardFilter,
) -> Result<Vec<AwardView>, AppError> {
    let (user, filter, now) = (user.clone(), filter.clone(), app.clock.now_db());
    app.db
        .run(move |conn| award_list_in(conn, &user, &filter, now))
        .await
}

/// The awards matching `filter`, newest first, at most 1,000 (auditors and admins).
pub fn award_list_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    filter: &AwardFilter,
    now: NaiveDateTime,
) -> Result<Vec<AwardView>, AppError> {
    require_auditor(user)?;
    // The same parsing as the tender search: dates are Lima days, amounts in soles.
    let mut v = crate::domain::Validator::new();
    let amount = |v: &mut crate::domain::Validator, text: &Option<String>, field: &str| {
        present(text).and_then(|t| {
            v.check(crate::domain::Money::parse(
                t,
                crate::domain::Currency::Pen,
                field,
            ))
            .map(|m| m.minor())
        })
    };
    let min = amount(&mut v, &filter.min_value, "min_value");
    let max = amount(&mut v, &filter.max_value, "max_value");
    let from = present(&filter.from)
        .and_then(|d| v.check(parse_date(d, "from")))
        .map(|d| end_of_day_in_lima(d - chrono::Duration::days(1)));
    let to = present(&filter.to)
        .and_then(|d| v.check(parse_date(d, "to")))
        .map(end_of_day_in_lima);
    let method = present(&filter.method).and_then(|m| v.check(Method::parse(m, "method")));
    let buyer = present(&filter.buyer).and_then(|b| {
        v.check(
            b.trim()
                .parse::<i64>()
                .map_err(|_| FieldError::new("buyer", "invalid_choice")),
        )
    });
    let flag = present(&filter.flag).and_then(|f| {
        v.check(if f == "any" || FLAGS.contains(&f) {
            Ok(f.to_owned())
        } else {
            Err(FieldError::new("flag", "invalid_choice"))
        })
    });
    v.finish()?;
    let mut q = awards::table
        .inner_join(tenders::table.inner_join(buyers::table))
        .into_boxed();
    if let Some(b) = buyer {
        q = q.filter(tenders::buyer_id.eq(b));
    }
    if let Some(m) = method {
        q = q.filter(tenders::method.eq(m.code()));
    }
    match flag.as_deref() {
        None => {}
        Some("any") => {
            q = q.filter(diesel::dsl::exists(
                award_flags::table.filter(award_flags::award_id.eq(awards::id)),
            ));
        }
        Some(code) => {
            q = q.filter(diesel::dsl::exists(
                award_flags::table
                    .filter(award_flags::award_id.eq(awards::id))
                    .filter(award_flags::code.eq(code.to_owned())),
            ));
        }
    }
    if let Some(from) = from {
        q = q.filter(awards::awarded_at.ge(from));
    }
    if let Some(to) = to {
        q = q.filter(awards::awarded_at.lt(to));
    }
    if let Some(min) = min {
        q = q.filter(awards::amount.ge(min));
    }
    if let Some(max) = max {
        q = q.filter(awards::amount.le(max));
    }
    let rows: Vec<AwardRow> = q
        .order((awards::awarded_at.desc(), awards::id.desc()))
        .limit(1000)
        .select(award_select!())
        .load(conn)?;
    award_views(conn, rows, now)
}

/// The auditors' award list as CSV ([`awards_csv_in`]).
pub async fn awards_csv(
    app: &AppState,
    user: &CurrentUser,
    filter: AwardFilter,
) -> Result<String, AppError> {
    let (user, now) = (user.clone(), app.clock.now_db());
    app.db
        .run(move |conn| awards_csv_in(conn, &user, &filter, now))
        .await
}

/// The award list as CSV, one row per award, with its flags and justifications and the
/// tender's findings (auditors and admins).
pub fn awards_csv_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    filter: &AwardFilter,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let awards = award_list_in(conn, user, filter, now)?;
    let tender_ids: Vec<TenderId> = awards.iter().map(|a| a.tender_id).collect();
    let findings = findings_of(conn, &tender_ids)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "award_id",
        "ocid",
        "title",
        "buyer",
        "method",
        "lot",
        "status",
        "winner_ruc",
        "winner",
        "amount",
        "currency",
        "estimated_value",
        "awarded_at_utc",
        "justification",
        "flags",
        "flag_justifications",
        "complaints",
        // The value signed, before modifications (the public CSV's contract_value_current
        // includes them).
        "contract_value_original",
        "contract_change_percent",
        "findings",
    ];
    out.write_record(header).map_err(AppError::internal)?;
    for a in &awards {
        let own: Vec<&FindingView> = findings
            .iter()
            .filter(|f| f.tender_id == a.tender_id)
            .collect();
        let record = [
            a.id.to_string(),
            a.ocid.clone(),
            a.title.clone(),
            a.buyer_name.clone(),
            a.method.clone(),
            a.lot_number.to_string(),
            a.status.code().to_owned(),
            a.winner_ruc.clone().unwrap_or_default(),
            a.winner_name.clone().unwrap_or_default(),
            a.amount.clone().unwrap_or_default(),
            a.currency.clone(),
            a.estimated_value.clone(),
            a.awarded_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            a.justification.clone(),
            a.flags
                .iter()
                .map(|f| f.code.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            a.flags
                .iter()
                .map(|f| format!("{}: {}", f.code, f.justification))
                .collect::<Vec<_>>()
                .join(" | "),
            a.complaints
                .iter()
                .map(|c| format!("{} {}", c.supplier_ruc, c.status))
                .collect::<Vec<_>>()
                .join("; "),
            a.contract
                .as_ref()
                .map(|c| c.value.clone())
                .unwrap_or_default(),
            a.contract
                .as_ref()
                .map(|c| c.cumulative_percent.clone())
                .unwrap_or_default(),
            own.iter()
                .map(|f| format!("[{}/{}] {}", f.severity, f.status, f.note))
                .collect::<Vec<_>>()
                .join(" | "),
        ];
        // A cell a spreadsheet would run as a formula is quoted as text.
        out.write_record(record.iter().map(|c| spreadsheet_safe(c)))
            .map_err(AppError::internal)?;
    }
    String::from_utf8(out.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)
}
