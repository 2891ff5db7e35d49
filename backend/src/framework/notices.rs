//! Mail to the catalogue's suppliers about what waits for them, so no order lapses unseen:
//! an invitation to quote (with the close), an order whose turn to accept is theirs (with
//! its deadline), and a suspension from an agreement (with its last day and reason). Each is
//! queued in the outbox in the transaction of its event, to every active member of the
//! supplier, in each member's language.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    app::App,
    db::DbConnection,
    domain::{SupplierId, procurement::deadline_text},
    error::AppError,
    i18n::{Lang, t_args},
    mail::{self, OutgoingMail},
    schema::{buyers, catalogue_orders, catalogue_products, supplier_members, users},
};

/// What a mail is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Invited to quote on an order.
    QuoteRequest,
    /// An order awaits the supplier's acceptance.
    YourTurn,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::QuoteRequest => "email-catalogue-quote-request",
            Notice::YourTurn => "email-catalogue-your-turn",
        }
    }
}

/// Queues `key`'s subject and body with `args` (and each member's `name`) to every active
/// member of `supplier`.
pub fn to_members(
    conn: &mut DbConnection,
    supplier: SupplierId,
    key: &str,
    args: &[(&str, String)],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let people: Vec<(String, String, String)> = supplier_members::table
        .inner_join(users::table)
        .filter(supplier_members::supplier_id.eq(supplier))
        .filter(users::active.eq(true))
        .select((users::email, users::display_name, users::locale))
        .load(conn)?;
    for (email, name, locale) in people {
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let mut all: Vec<(&str, String)> = vec![("name", name)];
        all.extend(args.iter().cloned());
        mail::queue(
            conn,
            now,
            &OutgoingMail {
                to: email,
                subject: t_args(lang, &format!("{key}-subject"), &all),
                body: t_args(lang, &format!("{key}-body"), &all),
            },
        )?;
    }
    Ok(())
}

/// Tells `supplier` about order `order`: `deadline` is the quotes' close or the time to
/// accept by.
pub fn order_notice(
    app: &App,
    conn: &mut DbConnection,
    order: i64,
    supplier: SupplierId,
    notice: Notice,
    deadline: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (product, quantity, department, buyer): (String, i64, String, String) =
        catalogue_orders::table
            .inner_join(catalogue_products::table)
            .inner_join(buyers::table)
            .filter(catalogue_orders::id.eq(order))
            .select((
                catalogue_products::name,
                catalogue_orders::quantity,
                catalogue_orders::department,
                buyers::name,
            ))
            .first(conn)?;
    let link = format!(
        "{}/catalogo/pedidos/{order}",
        app.settings.public_url.trim_end_matches('/')
    );
    to_members(
        conn,
        supplier,
        notice.key(),
        &[
            ("product", product),
            ("quantity", quantity.to_string()),
            ("department", department),
            ("buyer", buyer),
            // As the order's page says it (a midnight close is the day before's 24:00).
            ("deadline", deadline_text(deadline, app.settings.timezone)),
            ("link", link),
        ],
        now,
    )
}
