//! The audit record as each reader may see it: one chain's events for auditors (bidders
//! withheld until the opening), and a chain head's proof in a checkpoint for whoever may know
//! the chain exists.

use super::*;
use crate::audit::{
    AuditEvent,
    checkpoints::{self, HeadProof},
};
use crate::domain::{SupplierId, UserId};

/// A chain key as a reader typed it (`kind:id`), or a field error.
fn chain_key(chain: &str) -> Result<String, AppError> {
    let chain = chain.trim();
    if chain.is_empty() || chain.len() > 120 || !chain.contains(':') {
        return Err(AppError::field("chain", "invalid_chain"));
    }
    Ok(chain.to_owned())
}

/// The events of one chain (e.g. `user:7`), oldest first, for auditors and admins; before a
/// tender's opening its bids' events keep their place but not who bid
/// ([`crate::bids::opening::withhold_bidders`]). 404 for a chain with no event.
#[tracing::instrument(skip(app, user), fields(user = user.id.get()))]
pub async fn chain(
    app: &AppState,
    user: &CurrentUser,
    chain: &str,
) -> Result<Vec<AuditEvent>, AppError> {
    user.require(&[Role::Auditor, Role::Admin])?;
    let chain = chain_key(chain)?;
    let events = app
        .db
        .run(move |conn| {
            let events = crate::audit::chain_events(conn, &chain)?;
            crate::bids::opening::withhold_bidders(conn, events)
        })
        .await?;
    if events.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(events)
}

/// The inclusion proof of `chain`'s latest head in checkpoint `checkpoint_id`, for whoever
/// [`may_see_chain`]; 404 for everyone else, as if the chain did not exist.
pub async fn head_proof(
    app: &AppState,
    viewer: Option<&CurrentUser>,
    checkpoint_id: i64,
    chain: &str,
) -> Result<HeadProof, AppError> {
    let (viewer, chain) = (viewer.cloned(), chain_key(chain)?);
    app.db
        .run(move |conn| {
            if !may_see_chain(conn, viewer.as_ref(), &chain)? {
                return Err(AppError::NotFound);
            }
            checkpoints::head_proof(conn, checkpoint_id, &chain)
        })
        .await
}

/// May `viewer` learn that `chain` exists and its head: anyone for a published tender's
/// chain, auditors and admins for every chain, a company's users for its own company and
/// bids, a user for their own account.
fn may_see_chain(
    conn: &mut DbConnection,
    viewer: Option<&CurrentUser>,
    chain: &str,
) -> Result<bool, AppError> {
    if viewer.is_some_and(|v| matches!(v.role, Role::Auditor | Role::Admin)) {
        return Ok(true);
    }
    let Some((kind, id)) = chain
        .split_once(':')
        .and_then(|(k, id)| Some((k, id.parse::<i64>().ok()?)))
    else {
        return Ok(false);
    };
    let supplier = viewer
        .filter(|v| v.role == Role::Supplier)
        .and_then(|v| v.supplier_id);
    Ok(match kind {
        "tender" => tenders::table
            .find(id)
            .select(tenders::status)
            .first::<TenderStatus>(conn)
            .optional()?
            .is_some_and(|s| s != TenderStatus::Draft),
        "bid" => match supplier {
            Some(own) => {
                bids::table
                    .find(id)
                    .select(bids::supplier_id)
                    .first::<SupplierId>(conn)
                    .optional()?
                    == Some(own)
            }
            None => false,
        },
        "supplier" => supplier == Some(SupplierId(id)),
        "user" => viewer.is_some_and(|v| v.id == UserId(id)),
        _ => false,
    })
}
