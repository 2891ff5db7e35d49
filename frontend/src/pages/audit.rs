//! The auditor's view of the audit log's integrity.

use axum::{extract::State, http::StatusCode, response::Response};
use backend::{AppState, audit, domain::Role};
use leptos::prelude::*;

use crate::{
    context::PageContext,
    layout::{error_page, page},
};

/// `GET /auditoria`: recomputes every chain and says whether the log is intact.
pub async fn show(State(app): State<AppState>, ctx: PageContext) -> Response {
    if let Err(e) = ctx.require_role(&[Role::Auditor, Role::Admin]) {
        return error_page(&ctx, e);
    }
    let result = match app.db.run(audit::verify).await {
        Ok(result) => result,
        Err(e) => return error_page(&ctx, e),
    };
    let title = ctx.t("audit-title");
    let heading = title.clone();
    let counts = ctx.t_args(
        "audit-counts",
        &[
            ("events", result.events_checked.to_string()),
            ("chains", result.chains.to_string()),
        ],
    );
    let verdict = match &result.first_mismatch {
        None => {
            let text = ctx.t("audit-intact");
            view! { <p class="ok" role="status">{text}</p> }.into_any()
        }
        Some(m) => {
            let text = ctx.t_args(
                "audit-broken",
                &[
                    ("id", m.id.to_string()),
                    ("chain", m.chain.clone()),
                    ("seq", m.seq.to_string()),
                    ("reason", ctx.t(&format!("audit-reason-{}", m.reason))),
                ],
            );
            view! { <p class="warning" role="alert">{text}</p> }.into_any()
        }
    };
    let awards = ctx.t("audit-awards-title");
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! { <h1>{heading}</h1>{verdict}<p>{counts}</p><p><a href="/auditoria/adjudicaciones">{awards}</a></p> },
    )
}
