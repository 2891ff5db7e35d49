//! Alerts: supplier users subscribe to UNSPSC segments and buyer entities. On publication,
//! amendment or cancellation every matching subscriber — and, for amendments, cancellations
//! and answers, every follower of the tender — gets one email (however many of their
//! subscriptions match), queued in the outbox in the transaction of the change.

use crate::domain::{TenderId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::{
    auth::CurrentUser,
    catalogue,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{alert_subscriptions, buyers, tender_followers, tenders, users},
};

/// A user's alert subscriptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertSubscriptions {
    /// UNSPSC segment codes (two digits).
    pub segments: Vec<String>,
    /// Buyer entity ids.
    pub buyers: Vec<i64>,
}

/// The alerts `user` receives ([`alert_subscriptions_in`]).
pub async fn alert_subscriptions(
    app: &crate::app::AppState,
    user: &CurrentUser,
) -> Result<AlertSubscriptions, AppError> {
    let user_id = user.id;
    app.db
        .run(move |conn| alert_subscriptions_in(conn, user_id))
        .await
}

/// The subscriptions of `user_id`.
pub fn alert_subscriptions_in(
    conn: &mut DbConnection,
    user_id: UserId,
) -> Result<AlertSubscriptions, AppError> {
    let rows: Vec<(String, String)> = alert_subscriptions::table
        .filter(alert_subscriptions::user_id.eq(user_id))
        .order((alert_subscriptions::kind, alert_subscriptions::value))
        .select((alert_subscriptions::kind, alert_subscriptions::value))
        .load(conn)?;
    Ok(AlertSubscriptions {
        segments: rows
            .iter()
            .filter(|(k, _)| k == "segment")
            .map(|(_, v)| v.clone())
            .collect(),
        buyers: rows
            .iter()
            .filter(|(k, _)| k == "buyer")
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
    })
}

/// A supplier user replaces the alerts they receive for new tenders.
#[tracing::instrument(skip(app, user, wanted), fields(user = user.id.get()))]
pub async fn set_alert_subscriptions(
    app: &crate::app::AppState,
    user: &CurrentUser,
    wanted: AlertSubscriptions,
) -> Result<AlertSubscriptions, AppError> {
    let user = user.clone();
    app.db
        .run(move |conn| set_alert_subscriptions_in(conn, &user, &wanted))
        .await
}

/// The step of [`set_alert_subscriptions`], in the caller's connection.
pub fn set_alert_subscriptions_in(
    conn: &mut DbConnection,
    user: &CurrentUser,
    wanted: &AlertSubscriptions,
) -> Result<AlertSubscriptions, AppError> {
    if user.role != Role::Supplier {
        return Err(AppError::Forbidden);
    }
    let segments = if wanted.segments.is_empty() {
        Vec::new()
    } else {
        catalogue::parse_segments(&wanted.segments, "segments")
            .map_err(|e| AppError::Validation(vec![e]))?
    };
    let mut buyer_ids = wanted.buyers.clone();
    buyer_ids.sort_unstable();
    buyer_ids.dedup();
    if buyer_ids.len() > 100 {
        return Err(AppError::Validation(vec![
            FieldError::new("buyers", "too_many").arg("max", 100),
        ]));
    }
    write_transaction(conn, |conn| {
        let known: Vec<i64> = buyers::table
            .filter(buyers::id.eq_any(&buyer_ids))
            .select(buyers::id)
            .load(conn)?;
        if let Some(unknown) = buyer_ids.iter().find(|b| !known.contains(b)) {
            return Err(AppError::Validation(vec![
                FieldError::new("buyers", "unknown_buyer").arg("id", unknown),
            ]));
        }
        diesel::delete(alert_subscriptions::table.filter(alert_subscriptions::user_id.eq(user.id)))
            .execute(conn)?;
        let rows = segments
            .iter()
            .map(|s| ("segment", s.clone()))
            .chain(buyer_ids.iter().map(|b| ("buyer", b.to_string())));
        for (kind, value) in rows {
            diesel::insert_into(alert_subscriptions::table)
                .values((
                    alert_subscriptions::user_id.eq(user.id),
                    alert_subscriptions::kind.eq(kind),
                    alert_subscriptions::value.eq(value),
                ))
                .execute(conn)?;
        }
        alert_subscriptions_in(conn, user.id)
    })
}

/// Why suppliers are being told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occasion {
    /// A tender matching their subscriptions was published.
    Published,
    /// A tender they follow or that matches was amended.
    Amended,
    /// A tender they follow or that matches was cancelled.
    Cancelled,
    /// A question on a tender they follow was answered.
    Answered,
}

impl Occasion {
    fn key(self) -> &'static str {
        match self {
            Occasion::Published => "tender-published",
            Occasion::Amended => "tender-amended",
            Occasion::Cancelled => "tender-cancelled",
            Occasion::Answered => "tender-answered",
        }
    }
}

/// Queues one email per interested user.
pub(crate) fn notify(
    conn: &mut DbConnection,
    public_url: &str,
    now: NaiveDateTime,
    tender_id: TenderId,
    occasion: Occasion,
) -> Result<(), AppError> {
    let (title, ocid, classification, buyer_id, buyer_name): (
        String,
        Option<String>,
        String,
        i64,
        String,
    ) = tenders::table
        .inner_join(buyers::table)
        .filter(tenders::id.eq(tender_id))
        .select((
            tenders::title,
            tenders::ocid,
            tenders::classification,
            tenders::buyer_id,
            buyers::name,
        ))
        .first(conn)?;
    let mut recipients: Vec<i64> = Vec::new();
    if occasion != Occasion::Answered {
        let segment = classification.get(..2).unwrap_or("").to_owned();
        recipients.extend(
            alert_subscriptions::table
                .filter(
                    alert_subscriptions::kind
                        .eq("segment")
                        .and(alert_subscriptions::value.eq(segment))
                        .or(alert_subscriptions::kind
                            .eq("buyer")
                            .and(alert_subscriptions::value.eq(buyer_id.to_string()))),
                )
                .select(alert_subscriptions::user_id)
                .load::<i64>(conn)?,
        );
    }
    if occasion != Occasion::Published {
        recipients.extend(
            tender_followers::table
                .filter(tender_followers::tender_id.eq(tender_id))
                .select(tender_followers::user_id)
                .load::<i64>(conn)?,
        );
    }
    recipients.sort_unstable();
    recipients.dedup();
    let people: BTreeMap<i64, (String, String, String)> = users::table
        .filter(users::id.eq_any(&recipients))
        .filter(users::active.eq(true))
        .filter(users::email_verified_at.is_not_null())
        .select((
            users::id,
            (users::email, users::locale, users::display_name),
        ))
        .load::<(i64, (String, String, String))>(conn)?
        .into_iter()
        .collect();
    let link = format!("{public_url}/licitaciones/{tender_id}");
    for (email, locale, name) in people.values() {
        let lang = Lang::from_code(locale).unwrap_or_default();
        let args: Vec<(&str, String)> = vec![
            ("name", name.clone()),
            ("title", title.clone()),
            ("ocid", ocid.clone().unwrap_or_default()),
            ("buyer", buyer_name.clone()),
            ("link", link.clone()),
        ];
        mail::queue(
            conn,
            now,
            &OutgoingMail {
                to: email.clone(),
                subject: t_args(lang, &format!("email-{}-subject", occasion.key()), &args),
                body: t_args(lang, &format!("email-{}-body", occasion.key()), &args),
            },
        )?;
    }
    Ok(())
}
