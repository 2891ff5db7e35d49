//! Submission: a sealed bid (oferta) recorded at the time read inside its transaction, before
//! the deadline, with its signed receipt and the receipt's email (the JSON route's one step,
//! the page's two through [`super::confirmation`]); a retry under the same `Idempotency-Key`
//! answered with the first receipt; and the advisory locks that keep submissions and the
//! deadline's freeze apart.

use super::*;
use crate::domain::{BidId, BidStatus, TenderId};
use crate::procedure::Action;

/// Runs memory-heavy bid work (a large body parsed and decoded, a bid sealed) on a blocking
/// thread once this server has a turn for it ([`crate::app::App::bid_work`]).
pub async fn in_turn<T: Send + 'static>(
    app: &crate::app::App,
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let turn = app
        .bid_work
        .clone()
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(AppError::internal)?
}

/// Where a submitted envelope goes.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// A first bid (409 if the company already has a live one).
    New,
    /// Replaces the company's live bid with this id.
    Replaces(BidId),
}

/// Records a sealed envelope as a bid, at the time read inside its transaction, and returns
/// its signed receipt. A second live bid of the company, or a second bid under the same
/// `Idempotency-Key`, is refused by a unique index ([`submit`] turns the latter into the first
/// receipt).
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
pub(super) fn record_bid(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    terms: &BidTerms,
    sealed: &Sealed,
    placement: Placement,
    idempotency: Option<(&str, &str)>,
    confirmation: Option<&str>,
) -> Result<Receipt, AppError> {
    use sha2::{Digest, Sha256};
    let (envelope, sealed_by) = (&sealed.envelope, sealed.sealed_by);
    let sha256 = hex::encode(Sha256::digest(envelope));
    let (idempotency_key, fingerprint) = idempotency.unzip();
    let manifest = sealed
        .summary
        .as_ref()
        .map(|s| -> Result<Vec<u8>, AppError> {
            let plain = serde_json::to_vec(&s.documents).map_err(AppError::internal)?;
            Ok(keys.custody().seal(
                &manifest_context(terms.tender_id, terms.supplier_id),
                &plain,
            ))
        })
        .transpose()?;
    write_transaction(conn, |conn| {
        share_deadline_lock(conn, terms.tender_id)?;
        let now = clock.now_db();
        let st = tender_rules::state(conn, terms.tender_id)?;
        taking_bids(&st.facts, Action::Bid, now)?;
        // Amended in a way that matters while this bid was sealed (or waited for its
        // confirmation): it was made against the old terms.
        if tender_rules::latest_material_amendment(conn, terms.tender_id)?
            .is_some_and(|amended| amended > sealed.sealed_at)
        {
            return Err(AppError::Conflict(FieldError::new(
                "bid",
                "tender_amended_while_sealing",
            )));
        }
        // A new bid beside a live one is refused by the `bids_live` unique index at the
        // insert below (no look-up first: one statement fewer per bid in a rush).
        let replaces = match placement {
            Placement::New => None,
            Placement::Replaces(old) => {
                let superseded = diesel::update(
                    bids::table
                        .find(old)
                        .filter(bids::tender_id.eq(terms.tender_id))
                        .filter(bids::supplier_id.eq(terms.supplier_id))
                        .filter(bids::status.eq(BidStatus::Submitted)),
                )
                .set(bids::status.eq(BidStatus::Superseded))
                .execute(conn)?;
                if superseded != 1 {
                    return Err(AppError::NotFound);
                }
                Some(old)
            }
        };
        let id: BidId = diesel::insert_into(bids::table)
            .values((
                bids::tender_id.eq(terms.tender_id),
                bids::supplier_id.eq(terms.supplier_id),
                bids::submitted_by.eq(user.id),
                bids::status.eq(BidStatus::Submitted),
                bids::sealed_by.eq(sealed_by),
                bids::envelope.eq(envelope),
                bids::envelope_sha256.eq(&sha256),
                bids::envelope_size.eq(envelope.len() as i64),
                bids::submitted_at.eq(now),
                bids::confirmed_at.eq(now),
                bids::receipt_signature.eq(""),
                bids::idempotency_key.eq(idempotency_key),
                bids::idempotency_fingerprint.eq(fingerprint),
                bids::sealed_manifest.eq(&manifest),
                bids::replaces.eq(replaces),
            ))
            .returning(bids::id)
            .get_result(conn)
            .map_err(|e| match e {
                // A concurrent request of the same company got in first (same key, or a
                // second live bid).
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => AppError::Conflict(FieldError::new("bid", "bid_exists")),
                e => e.into(),
            })?;
        let receipt = keys.sign(&terms.ocid, id, &terms.ruc, now, &sha256);
        diesel::update(bids::table.find(id))
            .set(bids::receipt_signature.eq(&receipt.signature))
            .execute(conn)?;
        let actor = Actor::user(user.id, user.role);
        if let Some(old) = replaces {
            audit::record(
                conn,
                now,
                &actor,
                NewEvent::on("bid", old, "bid.superseded", json!({"by": id})),
            )?;
        }
        // The bid was inserted just now: its chain starts here.
        audit::record_first(
            conn,
            now,
            &actor,
            NewEvent::on(
                "bid",
                id,
                if replaces.is_some() {
                    "bid.replaced"
                } else {
                    "bid.submitted"
                },
                json!({
                    "tender_id": terms.tender_id,
                    "supplier_id": terms.supplier_id,
                    "envelope_sha256": sha256,
                    "sealed_by": sealed_by,
                    "replaces": replaces,
                }),
            ),
        )?;
        queue_receipt_mail(conn, now, user, &receipt)?;
        if let Some(token) = confirmation {
            diesel::delete(bid_confirmations::table.find(token)).execute(conn)?;
        }
        Ok(receipt)
    })
}

/// Submits a sealed bid for the caller's company (the JSON route): seals it (holding no
/// database connection meanwhile), records it and wakes the outbox for the receipt email.
/// The steps, and the `Idempotency-Key` rule, are [`submit_in`]'s.
#[tracing::instrument(skip(app, user, submission), fields(user = user.id.get()))]
pub async fn submit(
    app: &AppState,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: Submission,
    placement: Placement,
    idempotency_key: Option<String>,
) -> Result<Receipt, AppError> {
    let fingerprint = idempotency_key
        .as_ref()
        .map(|_| submission.fingerprint(&app.receipts, tender_id, placement));
    let attempt = match seal_off_the_pool(app, user, tender_id, submission, placement).await {
        Ok((terms, sealed)) => {
            let (clock, keys, caller) = (app.clock.clone(), app.receipts.clone(), user.clone());
            let (key, print) = (idempotency_key.clone(), fingerprint.clone());
            app.db
                .run(move |conn| {
                    record_bid(
                        conn,
                        clock.as_ref(),
                        &keys,
                        &caller,
                        &terms,
                        &sealed,
                        placement,
                        key.as_deref().zip(print.as_deref()),
                        None,
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    let receipt = match (attempt, idempotency_key.zip(fingerprint)) {
        (Err(e), Some((key, fingerprint))) => {
            let (keys, caller) = (app.receipts.clone(), user.clone());
            app.db
                .run(move |conn| replay_or(conn, &keys, &caller, tender_id, &key, &fingerprint, e))
                .await?
        }
        (attempt, _) => attempt?,
    };
    app.wake_outbox();
    Ok(receipt)
}

/// A failed attempt under an `Idempotency-Key`: the first receipt if the key's first
/// request already made the bid and this one repeats it ([`idempotent_replay`]), else the
/// failure.
fn replay_or(
    conn: &mut DbConnection,
    keys: &ReceiptKeys,
    user: &CurrentUser,
    tender_id: TenderId,
    key: &str,
    fingerprint: &str,
    failure: AppError,
) -> Result<Receipt, AppError> {
    match user.supplier_id {
        Some(supplier_id) if user.role == Role::Supplier => {
            match by_idempotency_key(conn, keys, supplier_id, key)? {
                Some(first) => idempotent_replay(first, tender_id, fingerprint),
                None => Err(failure),
            }
        }
        _ => Err(failure),
    }
}

/// Submits a bid: the terms it must meet, the sealing, and [`record_bid`]. With an
/// `Idempotency-Key`, a request that fails because the key's first request already made a
/// bid (the unique index refused a second one, the first replaced the bid this one names, or
/// the deadline passed in between) returns the first receipt instead — when it repeats the
/// first request; with another body (another price, tender or document) it is refused with
/// `idempotency_key_conflict`, as payment APIs do, so a client never takes the first receipt
/// for its new price. The key is looked up only when something fails, not before every bid.
#[expect(clippy::too_many_arguments, reason = "one submission's parts")]
pub fn submit_in(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    keys: &ReceiptKeys,
    max_bytes: u64,
    user: &CurrentUser,
    tender_id: TenderId,
    submission: Submission,
    placement: Placement,
    idempotency_key: Option<&str>,
) -> Result<Receipt, AppError> {
    let fingerprint = idempotency_key.map(|_| submission.fingerprint(keys, tender_id, placement));
    let idempotency = idempotency_key.zip(fingerprint.as_deref());
    let attempt = (|| {
        let (terms, sealed) = seal_submission(
            conn,
            keys,
            max_bytes,
            user,
            tender_id,
            submission,
            placement,
            clock.now_db(),
        )?;
        record_bid(
            conn,
            clock,
            keys,
            user,
            &terms,
            &sealed,
            placement,
            idempotency,
            None,
        )
    })();
    match (attempt, idempotency) {
        (Err(e), Some((key, fingerprint))) => {
            replay_or(conn, keys, user, tender_id, key, fingerprint, e)
        }
        (attempt, _) => attempt,
    }
}

/// The answer to a retry whose key made `first` (tender, receipt, fingerprint): the first
/// receipt when the request is the same, else the conflict named. Bids recorded before
/// fingerprints were kept compare by tender only.
pub(super) fn idempotent_replay(
    first: (TenderId, Receipt, Option<String>),
    tender_id: TenderId,
    fingerprint: &str,
) -> Result<Receipt, AppError> {
    let same = match &first.2 {
        Some(stored) => stored == fingerprint,
        None => first.0 == tender_id,
    };
    if same {
        Ok(first.1)
    } else {
        Err(AppError::field(
            "idempotency_key",
            "idempotency_key_conflict",
        ))
    }
}

pub(super) fn queue_receipt_mail(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    user: &CurrentUser,
    receipt: &Receipt,
) -> Result<(), AppError> {
    let lang = Lang::from_code(&user.locale).unwrap_or_default();
    let json = serde_json::to_string_pretty(receipt).map_err(AppError::internal)?;
    // The subject names the tender as people know it, the body the time as every page shows
    // it (Lima), the receipt itself keeps its UTC instant.
    let title: String = crate::schema::tenders::table
        .filter(crate::schema::tenders::ocid.eq(&receipt.ocid))
        .select(crate::schema::tenders::title)
        .first(conn)?;
    let lima = crate::domain::utc::in_lima(now)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let args = [
        ("name", user.display_name.clone()),
        ("ocid", receipt.ocid.clone()),
        ("title", title),
        ("bid", receipt.bid_id.to_string()),
        ("time", lima),
        ("sha256", receipt.envelope_sha256.clone()),
        ("receipt", json),
    ];
    mail::queue(
        conn,
        now,
        &OutgoingMail {
            to: user.email.clone(),
            subject: t_args(lang, "email-bid-receipt-subject", &args),
            body: t_args(lang, "email-bid-receipt-body", &args),
        },
    )
}
