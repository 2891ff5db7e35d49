//! The background jobs: the outbox worker, the audit checkpointer and the clock task. Each is
//! a loop that wakes on its [`App`] notification or every few seconds and calls the step its
//! module owns; no rule lives here.

use std::sync::Arc;

use crate::{App, AppError, audit::checkpoints, awards, bids, tenders};

/// Delivers every due outbox message once ([`crate::mail::deliver_due`]); how many were sent.
pub async fn deliver_outbox(app: &App) -> Result<usize, AppError> {
    crate::mail::deliver_due(&app.db, &app.mailer, app.clock.as_ref(), &app.settings).await
}

/// Runs the delivery worker until `shutdown` resolves: wakes when mail is queued
/// ([`App::wake_outbox`]) or every few seconds for retries. A delivery in progress finishes
/// before the worker stops.
pub async fn run_outbox_worker(app: Arc<App>, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = deliver_outbox(&app).await {
            tracing::warn!(error = %e, "outbox pass failed");
        }
        tokio::select! {
            _ = app.outbox_wakeup.notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            _ = shutdown.changed() => {
                tracing::info!("email worker stopped");
                return;
            }
        }
    }
}

/// Runs each module's time-driven step ([`tenders::advance_statuses`], [`bids::freeze_due`],
/// [`awards::finalise_due`]) every `every` until `stop` turns true.
pub async fn run_clock_task(
    app: Arc<App>,
    every: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let now = app.clock.now_db();
        let (keys, public_url) = (app.receipts.clone(), app.settings.public_url.clone());
        let state = app.clone();
        let moved = app
            .db
            .run(move |conn| {
                let (closed, announced) = crate::auction::tick_due(conn, &keys, &public_url, now)?;
                let moved = tenders::advance_statuses(conn, now)?
                    + bids::freeze_due(conn, now)?
                    + closed
                    + awards::finalise_due(conn, now)?
                    + crate::framework::orders::tick_due(&state, conn, now)?;
                Ok((moved, announced))
            })
            .await
            .map(|(moved, announced)| {
                announced.publish(&app.live);
                moved
            });
        match moved {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(
                    moved = n,
                    "tender statuses moved on, envelopes frozen, awards made final"
                );
                app.wake_checkpoints();
            }
            Err(e) => tracing::warn!(error = %e, "tender status task failed; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Runs until `shutdown`: makes a checkpoint when one is [`checkpoints::due`], waking every few seconds
/// or when told ([`App::wake_checkpoints`]).
pub async fn run_checkpoint_task(app: Arc<App>, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        let state = app.clone();
        let made = app
            .db
            .run(move |conn| {
                let now = state.clock.now_db();
                match checkpoints::due(conn, now, state.settings.checkpoint_interval)? {
                    Some(reason) => checkpoints::sign(conn, &state, now, reason),
                    None => Ok(None),
                }
            })
            .await;
        match made {
            Ok(Some(c)) => {
                tracing::info!(checkpoint = c.id, tree_size = c.tree_size, reason = %c.reason, "audit checkpoint signed")
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
        }
        tokio::select! {
            _ = app.checkpoint_wakeup.notified() => {}
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
