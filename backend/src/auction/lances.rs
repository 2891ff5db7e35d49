//! A lance: one write transaction that takes the auction's lock, reads the server's time
//! after it, applies the pure rules and writes the lance with its Ed25519-signed receipt,
//! the seat, the close and the audit events; a refusal says what to try.

use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::live::{Announced, announce, event as live_event};
use super::rules::Refusal;
use super::store::{load, lock, save};
use crate::{
    audit::{self, Actor, NewEvent, canonical_json},
    auth::CurrentUser,
    clock::Clock,
    db::{DbConnection, write_transaction},
    domain::{Currency, Money, Role},
    error::{AppError, FieldError},
    keys::ReceiptKeys,
    procedure::Action,
    schema::{auction_lances, suppliers, tenders},
};

/// What a lance's signature covers, before its canonical JSON.
pub const LANCE_CONTEXT: &str = "licita-lance-v1\n";

/// A lance's signed receipt.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanceReceipt {
    /// The auction.
    pub auction_id: i64,
    /// The lance's number in the auction (1, 2, …).
    pub number: i64,
    /// The tender's ocid.
    pub ocid: String,
    /// The lot.
    pub lot: i32,
    /// The bidding company's RUC.
    pub supplier_ruc: String,
    /// The price offered, as a decimal amount.
    pub price: String,
    /// ISO 4217.
    pub currency: String,
    /// When the server took it (UTC, RFC 3339).
    pub server_time: String,
    /// The close after it (UTC, RFC 3339).
    pub closes_at: String,
    /// The server's Ed25519 public key (hex).
    pub public_key: String,
    /// Ed25519 signature (base64) over `licita-lance-v1\n` and the canonical JSON of the
    /// fields above but the key.
    pub signature: String,
}

/// The message a lance's signature covers.
pub fn lance_message(r: &LanceReceipt) -> String {
    canonical_json(&json!({
        "auction_id": r.auction_id,
        "closes_at": r.closes_at,
        "currency": r.currency,
        "lot": r.lot,
        "number": r.number,
        "ocid": r.ocid,
        "price": r.price,
        "server_time": r.server_time,
        "supplier_ruc": r.supplier_ruc,
    }))
}

/// A refusal of the rules as the caller reads it: the field, the code and what to try.
fn refused(refusal: Refusal, currency: Currency) -> AppError {
    let time = crate::bids::lima_seconds;
    let money = |minor: i64| {
        Money::from_minor(minor, currency)
            .map(|m| m.to_string())
            .unwrap_or_else(|_| minor.to_string())
    };
    let e = FieldError::new("price", refusal.code());
    let e = match refusal {
        Refusal::NotStarted { opens_at } => e.arg("opens_at", time(opens_at)),
        Refusal::Closed {
            closes_at,
            server_time,
        } => e
            .arg("closes_at", time(closes_at))
            .arg("server_time", time(server_time)),
        Refusal::NotAdmitted => return AppError::Forbidden,
        // Its own price is already within a step of nothing: no lance is left to it.
        Refusal::StepTooSmall { highest_allowed } if highest_allowed < 1 => {
            FieldError::new("price", "lance_no_room")
        }
        Refusal::StepTooSmall { highest_allowed } => e.arg("highest", money(highest_allowed)),
        Refusal::BelowFloor { floor } => e.arg("floor", money(floor)),
    };
    match refusal {
        Refusal::Closed { .. } => AppError::Conflict(e),
        _ => AppError::Validation(vec![e]),
    }
}

/// Places a lance of the caller's company at `price` (a decimal amount in the lot's currency)
/// at the time read after the auction's lock; its signed receipt, and the event its watchers
/// are still to hear ([`super::live`]).
pub fn place_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    auction_id: i64,
    price: &str,
) -> Result<(LanceReceipt, Announced), AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    write_transaction(conn, |conn| {
        lock(conn, auction_id)?;
        let now = clock.now_db();
        let stored = load(conn, auction_id)?;
        let Some(seat) = stored.seats.iter().find(|s| s.supplier_id == supplier_id) else {
            return Err(AppError::Forbidden);
        };
        // A company suspended or sanctioned since its offer was admitted bids no more.
        if !crate::suppliers::can_bid(conn, supplier_id, now)?.can_bid {
            return Err(AppError::field("price", "supplier_cannot_bid"));
        }
        // A cancelled tender takes no lance, whatever its auction's clock says.
        crate::tenders::state(conn, stored.tender_id)?.require(Action::PlaceLance, now)?;
        let amount = Money::parse(price, stored.currency, "price")
            .map_err(|e| AppError::Validation(vec![e]))?;
        let (after, moved) = stored
            .state
            .place(seat.seat, amount.minor(), now)
            .map_err(|r| refused(r, stored.currency))?;
        let (ocid, ruc): (Option<String>, String) = tenders::table
            .find(stored.tender_id)
            .inner_join(suppliers::table.on(suppliers::id.eq(supplier_id)))
            .select((tenders::ocid, suppliers::ruc))
            .first(conn)?;
        let number = i64::try_from(after.lances).unwrap_or(i64::MAX);
        let time = crate::bids::receipts::receipt_time;
        let mut receipt = LanceReceipt {
            auction_id,
            number,
            ocid: ocid.unwrap_or_default(),
            lot: stored.lot_number,
            supplier_ruc: ruc,
            price: amount.amount().to_string(),
            currency: stored.currency.code().to_owned(),
            server_time: time(now),
            closes_at: time(after.closes_at),
            public_key: keys.public_hex(),
            signature: String::new(),
        };
        receipt.signature = keys.sign_with_context(LANCE_CONTEXT, &lance_message(&receipt));
        diesel::insert_into(auction_lances::table)
            .values((
                auction_lances::auction_id.eq(auction_id),
                auction_lances::number.eq(number),
                auction_lances::seat.eq(i32::from(seat.seat.0)),
                auction_lances::price.eq(amount.minor()),
                auction_lances::placed_at.eq(now),
                auction_lances::closes_at.eq(after.closes_at),
                auction_lances::placed_by.eq(user.id),
                auction_lances::signature.eq(&receipt.signature),
                auction_lances::supplier_ruc.eq(&receipt.supplier_ruc),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            now,
            &Actor::user(user.id, user.role),
            NewEvent::on(
                "auction",
                auction_id,
                "auction.lance",
                json!({"number": number, "seat": seat.seat.letters(), "price": receipt.price,
                       "signature": receipt.signature}),
            ),
        )?;
        // The lance first in the record, then the move of the close it caused.
        save(conn, &stored, &after, &moved, now)?;
        let event = live_event(
            &stored,
            &after,
            "lance",
            Some((seat.seat.letters(), amount.minor())),
            now,
        );
        Ok((receipt, announce(conn, event)?))
    })
}

/// Places a lance ([`place_in`]) and tells every watcher; its signed receipt.
#[tracing::instrument(skip(app, user), fields(user = user.id.get()))]
pub async fn place(
    app: &crate::app::AppState,
    user: &CurrentUser,
    auction_id: i64,
    price: String,
) -> Result<LanceReceipt, AppError> {
    let (clock, keys, user) = (app.clock.clone(), app.receipts.clone(), user.clone());
    let (receipt, announced) = app
        .db
        .run(move |conn| place_in(conn, clock.as_ref(), &keys, &user, auction_id, &price))
        .await?;
    announced.publish(&app.live);
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(error: AppError) -> Vec<FieldError> {
        match error {
            AppError::Validation(errors) => errors,
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn a_step_refusal_names_the_highest_price_left_or_that_none_is() {
        let some = codes(refused(
            Refusal::StepTooSmall {
                highest_allowed: 13_899_900,
            },
            Currency::Pen,
        ));
        assert_eq!(some[0].code, "lance_step_too_small");
        assert_eq!(some[0].args, [("highest", "S/ 138,999.00".to_owned())]);
        // Within a step of nothing: no price is left, and no negative amount is shown.
        let none = codes(refused(
            Refusal::StepTooSmall {
                highest_allowed: -4_999_900,
            },
            Currency::Pen,
        ));
        assert_eq!(none[0].code, "lance_no_room");
        assert!(none[0].args.is_empty(), "{none:?}");
    }
}
