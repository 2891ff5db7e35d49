//! A bid the bidder checks before it counts: the bid form's submission is sealed at once
//! (its plaintext is never written), then shown back — each price in figures and in words,
//! the documents with their sizes and SHA-256, the declarations — and only the bidder's
//! confirmation records it and issues the receipt.
//!
//! Between the two, the sealed envelope waits in `bid_confirmations` with the manifest and
//! what the page showed, both encrypted in custody ([`crate::keys::custody`]); confirming moves the
//! envelope into `bids` and deletes the row in the same transaction, and the confirmation's
//! response hands the bidder its copy of what it sealed, made from that summary. A
//! confirmation expires after [`LIFETIME_MINUTES`] or at the deadline, whichever comes first
//! (the deadline rule is [`super::record_bid`]'s).
//!
//! The token is the confirmation's `Idempotency-Key`: confirming twice (a reload, a double
//! click) gives the first receipt back, without a second bid.

use crate::domain::{BidId, BidStatus, TenderId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    BidSummary, BidTerms, Placement, Receipt, ReceiptKeys, Sealed, Submission, by_idempotency_key,
    record_bid,
};
use crate::{
    app::AppState,
    auth::CurrentUser,
    clock::Clock,
    db::{DbConnection, write_transaction},
    domain::Role,
    error::{AppError, FieldError},
    schema::{bid_confirmations, bids},
};

/// How long a sealed bid waits for its confirmation.
pub const LIFETIME_MINUTES: i64 = 30;

fn summary_context(token: &str) -> String {
    format!("confirmation:{token}")
}

/// A sealed bid waiting for its bidder's confirmation.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The token the confirmation form sends back.
    pub token: String,
    /// What the confirmation page shows.
    pub summary: BidSummary,
    /// When it expires.
    pub expires_at: NaiveDateTime,
}

/// Seals a bid from the bid page (holding no database connection while it seals) and keeps
/// it for the bidder's confirmation ([`keep_for_confirmation`]); what to show the bidder.
#[tracing::instrument(skip(app, user, submission), fields(user = user.id.get()))]
pub async fn prepare(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: Submission,
    placement: Placement,
) -> Result<Pending, AppError> {
    let (terms, sealed) =
        super::seal_off_the_pool(app, user, tender_id, submission, placement).await?;
    let (clock, keys, user) = (app.clock.clone(), app.receipts.clone(), user.clone());
    app.db
        .run(move |conn| {
            keep_for_confirmation(
                conn,
                clock.as_ref(),
                &keys,
                &user,
                placement,
                &terms,
                &sealed,
            )
        })
        .await
}

/// Keeps a bid sealed from the page for its confirmation; what to show the bidder.
fn keep_for_confirmation(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    placement: Placement,
    terms: &BidTerms,
    sealed: &Sealed,
) -> Result<Pending, AppError> {
    let now = clock.now_db();
    // Refused now what sealing would refuse, so the bidder does not review a bid in vain: a
    // second live bid, or the replacement of a bid that is no longer live.
    let live: Option<BidId> = bids::table
        .filter(bids::tender_id.eq(terms.tender_id))
        .filter(bids::supplier_id.eq(terms.supplier_id))
        .filter(bids::status.eq(BidStatus::Submitted))
        .select(bids::id)
        .first(conn)
        .optional()?;
    match (placement, live) {
        (Placement::New, Some(_)) => {
            return Err(AppError::Conflict(FieldError::new("bid", "bid_exists")));
        }
        (Placement::Replaces(old), live) if live != Some(old) => return Err(AppError::NotFound),
        _ => {}
    }
    let summary = sealed
        .summary
        .clone()
        .ok_or_else(|| AppError::internal("a page bid is sealed by the server"))?;
    let token = crate::keys::random_token();
    let expires_at = (now + chrono::Duration::minutes(LIFETIME_MINUTES)).min(terms.deadline);
    let custody = keys.custody();
    let manifest = custody.seal(
        &super::manifest_context(terms.tender_id, terms.supplier_id),
        &serde_json::to_vec(&summary.documents).map_err(AppError::internal)?,
    );
    let shown = custody.seal(
        &summary_context(&token),
        &serde_json::to_vec(&summary).map_err(AppError::internal)?,
    );
    write_transaction(conn, |conn| {
        diesel::delete(bid_confirmations::table.filter(bid_confirmations::expires_at.lt(now)))
            .execute(conn)?;
        diesel::insert_into(bid_confirmations::table)
            .values((
                bid_confirmations::token.eq(&token),
                bid_confirmations::tender_id.eq(terms.tender_id),
                bid_confirmations::supplier_id.eq(terms.supplier_id),
                bid_confirmations::user_id.eq(user.id),
                bid_confirmations::replaces.eq(summary.replaces),
                bid_confirmations::envelope.eq(&sealed.envelope),
                bid_confirmations::sealed_manifest.eq(&manifest),
                bid_confirmations::sealed_summary.eq(&shown),
                bid_confirmations::created_at.eq(now),
                bid_confirmations::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        Ok::<_, AppError>(())
    })?;
    Ok(Pending {
        token,
        summary,
        expires_at,
    })
}

/// What confirming gives: the receipt and, the first time, the summary the bidder's copy is
/// made of (a repeated confirmation finds the bid already sealed and no summary any more).
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The signed receipt.
    pub receipt: Receipt,
    /// What was sealed, for the bidder's copy (first confirmation only).
    pub summary: Option<BidSummary>,
}

/// Confirms the sealed bid `token` of the caller on `tender_id`: records it and issues its
/// receipt. A token already confirmed gives its receipt again; an unknown or expired one is
/// refused (`confirmation_expired`: the bidder starts again from the form).
#[tracing::instrument(skip(app, user, token), fields(user = user.id.get()))]
pub async fn confirm(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    token: String,
) -> Result<Confirmed, AppError> {
    let (clock, keys, user) = (app.clock.clone(), app.receipts.clone(), user.clone());
    let confirmed = app
        .db
        .run(move |conn| confirm_in(conn, clock.as_ref(), &keys, &user, tender_id, &token))
        .await;
    // A receipt email is queued even when the answer is the first confirmation's receipt.
    app.wake_outbox();
    confirmed
}

/// The steps of [`confirm`], in one write transaction.
pub fn confirm_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: TenderId,
    token: &str,
) -> Result<Confirmed, AppError> {
    let Some(supplier_id) = user.supplier_id.filter(|_| user.role == Role::Supplier) else {
        return Err(AppError::Forbidden);
    };
    let key = format!("page-{token}");
    if let Some((tender, receipt, _)) = by_idempotency_key(conn, keys, supplier_id, &key)?
        && tender == tender_id
    {
        return Ok(Confirmed {
            receipt,
            summary: None,
        });
    }
    type Row = (
        Option<BidId>,
        Vec<u8>,
        Vec<u8>,
        NaiveDateTime,
        NaiveDateTime,
    );
    let row: Option<Row> = bid_confirmations::table
        .filter(bid_confirmations::token.eq(token))
        .filter(bid_confirmations::tender_id.eq(tender_id))
        .filter(bid_confirmations::user_id.eq(user.id))
        .filter(bid_confirmations::supplier_id.eq(supplier_id))
        .select((
            bid_confirmations::replaces,
            bid_confirmations::envelope,
            bid_confirmations::sealed_summary,
            bid_confirmations::expires_at,
            bid_confirmations::created_at,
        ))
        .first(conn)
        .optional()?;
    let now = clock.now_db();
    let Some((replaces, envelope, shown, _, sealed_at)) = row.filter(|r| r.3 > now) else {
        return Err(AppError::field("bid", "confirmation_expired"));
    };
    let summary: BidSummary = keys
        .custody()
        .open(&summary_context(token), &shown)
        .and_then(|plain| serde_json::from_slice(&plain).ok())
        .ok_or_else(|| AppError::internal("a confirmation's summary does not open"))?;
    let terms: BidTerms = super::terms(conn, user, tender_id, now)?;
    let placement = replaces.map_or(Placement::New, Placement::Replaces);
    let fingerprint = keys.custody().fingerprint(&envelope);
    let sealed = Sealed {
        sealed_at,
        envelope,
        sealed_by: "server",
        summary: Some(summary.clone()),
    };
    let receipt = record_bid(
        conn,
        clock,
        keys,
        user,
        &terms,
        &sealed,
        placement,
        Some((key.as_str(), fingerprint.as_str())),
        Some(token),
    )?;
    Ok(Confirmed {
        receipt,
        summary: Some(summary),
    })
}

/// The bidder's copy of what it sealed: the summary and the receipt, as a JSON document to
/// keep. Made in the confirmation's response; Licita does not keep it.
pub fn copy_json(summary: &BidSummary, receipt: &Receipt) -> String {
    let copy = serde_json::json!({
        "format": super::BID_COPY_FORMAT,
        "note": "Copia de lo que usted selló; Licita no la guarda sin cifrar. Compruebe el recibo en /recibos/verificar.",
        "sealed": summary,
        "receipt": receipt,
    });
    serde_json::to_string_pretty(&copy).unwrap_or_default()
}

/// The copy as a `data:` address, so the page that confirms the bid can offer it for
/// download without the server keeping it anywhere to serve later.
pub fn copy_data_uri(summary: &BidSummary, receipt: &Receipt) -> String {
    use base64::Engine as _;
    format!(
        "data:application/json;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(copy_json(summary, receipt).as_bytes())
    )
}
