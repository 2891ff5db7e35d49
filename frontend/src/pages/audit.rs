//! The audit log's integrity: the auditor's verdict (chains and the latest checkpoint), and
//! the public page of signed checkpoints that anyone may keep.

use crate::layout::data_table;
use axum::{extract::State, http::StatusCode};
use backend::{
    AppState,
    audit::{self, checkpoints},
    domain::Role,
};
use leptos::prelude::*;

use crate::{
    context::PageContext,
    layout::{local_time, page},
    outcome::{OrPage, PageFailure, PageResult},
};

/// `GET /auditoria`: recomputes every chain and says whether the log is intact.
pub async fn show(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    ctx.require_role(&[Role::Auditor, Role::Admin])
        .or_page(&ctx)?;
    let mut result = audit::verify(&app, None).await.or_page(&ctx)?;
    let Some(check) = result.checkpoint.take() else {
        return Err(PageFailure::new(
            &ctx,
            backend::error::AppError::internal("no checkpoint check"),
        ));
    };
    let tz = app.settings.timezone;
    let checkpoint = match &check.checkpoint {
        None => {
            let text = ctx.t("audit-checkpoint-none");
            view! { <p>{text}</p> }.into_any()
        }
        Some(c) if check.problems.is_empty() => {
            let text = ctx.t_args(
                "audit-checkpoint-ok",
                &[
                    ("id", c.id.to_string()),
                    ("time", local_time(c.created_at, tz)),
                ],
            );
            view! { <p class="ok">{text}</p> }.into_any()
        }
        Some(c) => {
            let text = ctx.t_args("audit-checkpoint-broken", &[("id", c.id.to_string())]);
            let items = check
                .problems
                .iter()
                .map(|p| view! { <li>{p.describe()}</li> })
                .collect_view();
            view! { <div class="warning" role="alert"><p>{text}</p><ul>{items}</ul></div> }
                .into_any()
        }
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
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! { <h1>{heading}</h1>{verdict}{checkpoint}<p>{counts}</p><p><a href="/auditoria/adjudicaciones">{awards}</a></p> },
    ))
}

/// `GET /puntos-de-control`: the signed checkpoints, for anyone to keep and check.
pub async fn checkpoints_page(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    let (_, list) = checkpoints::history(&app, None, 20).await.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t("checkpoints-title");
    let heading = title.clone();
    let lead = ctx.t("checkpoints-lead");
    let key_label = ctx.t("checkpoints-key");
    let key = app.receipts.public_hex();
    let reason = |r: &str| ctx.t(&format!("checkpoint-reason-{r}"));
    let latest = match list.first() {
        None => {
            let text = ctx.t("checkpoints-none");
            view! { <p>{text}</p> }.into_any()
        }
        Some(c) => {
            let heading = ctx.t("checkpoints-latest");
            let facts = ctx.t_args(
                "checkpoints-facts",
                &[
                    ("id", c.id.to_string()),
                    ("time", local_time(c.created_at, tz)),
                    ("reason", reason(&c.reason)),
                    ("heads", c.tree_size.to_string()),
                ],
            );
            let root_label = ctx.t("checkpoints-root");
            let download = format!("/api/v1/audit/checkpoints/{}", c.id);
            let download_text = ctx.t("checkpoints-download");
            view! {
                <section aria-labelledby="latest-heading">
                    <h2 id="latest-heading">{heading}</h2>
                    <p>{facts}</p>
                    <p>{root_label}" "<code class="hash">{c.root.clone()}</code></p>
                    <p><a href=download download="punto-de-control.json">{download_text}</a></p>
                </section>
            }
            .into_any()
        }
    };
    let history = (list.len() > 1).then(|| {
        let heading = ctx.t("checkpoints-history");
        let cols = [
            ctx.t("checkpoints-col-id"),
            ctx.t("checkpoints-col-time"),
            ctx.t("checkpoints-col-reason"),
            ctx.t("checkpoints-col-heads"),
            ctx.t("checkpoints-col-root"),
        ];
        let head = cols
            .into_iter()
            .map(|c| view! { <th scope="col">{c}</th> })
            .collect_view();
        let rows = list
            .iter()
            .skip(1)
            .map(|c| {
                let href = format!("/api/v1/audit/checkpoints/{}", c.id);
                view! {
                    <tr>
                        <td><a href=href>{c.id}</a></td>
                        <td>{local_time(c.created_at, tz)}</td>
                        <td>{reason(&c.reason)}</td>
                        <td>{c.tree_size}</td>
                        <td><code class="hash">{c.root.chars().take(16).collect::<String>()}"…"</code></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="history-heading">
                <h2 id="history-heading">{heading}</h2>
                {data_table(list.len().saturating_sub(1), Some(head), rows)}
            </section>
        }
    });
    let how = ctx.t("checkpoints-how");
    let how_cli = ctx.t("checkpoints-how-cli");
    let how_api = ctx.t("checkpoints-how-api");
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            <p>{key_label}" "<code class="hash">{key}</code></p>
            {latest}
            {history}
            <h2>{how}</h2>
            <p>{how_cli}</p>
            <p>{how_api}</p>
        },
    ))
}
