//! The supplier registry for registry officers (decisions, identity corrections) and auditors
//! (read only).

use crate::layout::data_table;
use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::domain::SupplierId;
use backend::{
    AppError, AppState,
    auth::CurrentUser,
    error::FieldError,
    http::ApiPath,
    suppliers::{self, DecisionInput},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::{
    Notice,
    suppliers::{status_label, supplier_details},
};
use crate::{
    context::{CsrfForm, PageContext},
    layout::{
        Field, csrf_input, error_summary, local_time, notice, page, redirect, select_field,
        text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// Registry officers and auditors may look; only registry officers decide.
fn reader(ctx: &PageContext) -> Result<CurrentUser, AppError> {
    let user = ctx.require_user()?;
    if suppliers::may_read_registry(user) {
        Ok(user.clone())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `GET /registro`: the review queue and the reviewed suppliers.
pub async fn queue(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<Notice>,
) -> PageResult {
    let user = reader(&ctx).or_page(&ctx)?;
    let loaded = tokio::try_join!(
        suppliers::review_queue(&app, &user),
        suppliers::reviewed(&app, &user)
    );
    let (pending, reviewed) = loaded.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t("registry-title");
    let heading = title.clone();
    let queue_heading = ctx.t("registry-queue");
    let empty = pending.is_empty().then(|| {
        let text = ctx.t("registry-queue-empty");
        view! { <p>{text}</p> }
    });
    let open = ctx.t("registry-open");
    let pending_rows = pending
        .iter()
        .map(|(s, ready)| {
            let href = format!("/registro/proveedores/{}", s.id);
            let email = ctx.t(if *ready { "registry-email-ok" } else { "registry-email-pending" });
            let (name, ruc, when, open) = (s.legal_name.clone(), s.ruc.clone(), local_time(s.created_at, tz), open.clone());
            view! { <tr><td>{name}</td><td>{ruc}</td><td>{when}</td><td>{email}</td><td><a href=href>{open}</a></td></tr> }
        })
        .collect_view();
    let all_heading = ctx.t("registry-all");
    let reviewed_rows = reviewed
        .iter()
        .map(|s| {
            let href = format!("/registro/proveedores/{}", s.id);
            let (name, ruc, status, open) = (s.legal_name.clone(), s.ruc.clone(), status_label(&ctx, s.status), open.clone());
            view! { <tr><td>{name}</td><td>{ruc}</td><td>{status}</td><td><a href=href>{open}</a></td></tr> }
        })
        .collect_view();
    let (c_name, c_ruc, c_when, c_email, c_status) = (
        ctx.t("field-legal-name"),
        ctx.t("field-ruc"),
        ctx.t("supplier-registered"),
        ctx.t("field-email"),
        ctx.t("suppliers-status"),
    );
    let shown = notice(&ctx, q.aviso.as_deref());
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <h2>{queue_heading}</h2>
            {empty}
            {data_table(pending.len(), Some(view! { <th scope="col">{c_name.clone()}</th><th scope="col">{c_ruc.clone()}</th><th scope="col">{c_when}</th><th scope="col">{c_email}</th><th scope="col"></th> }), pending_rows)}
            <h2>{all_heading}</h2>
            {data_table(reviewed.len(), Some(view! { <th scope="col">{c_name}</th><th scope="col">{c_ruc}</th><th scope="col">{c_status}</th><th scope="col"></th> }), reviewed_rows)}
        },
    ))
}

/// What the identity form posts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IdentityForm {
    legal_name: String,
    ruc: String,
    reason: String,
}

/// Which form came back with errors.
enum Failed {
    Decision(DecisionInput, Vec<FieldError>),
    Identity(IdentityForm, Vec<FieldError>),
}

async fn render(
    app: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    id: SupplierId,
    failed: Option<Failed>,
) -> PageResult {
    let user = reader(ctx).or_page(ctx)?;
    let supplier = suppliers::view(app, Some(&user), id).await.or_page(ctx)?;
    let title = supplier.legal_name.clone();
    let heading = title.clone();
    let details = supplier_details(ctx, &supplier, app.settings.timezone);
    let forms = user.registry_officer.then(|| {
        let (decision, decision_errors, identity, identity_errors) = match failed {
            Some(Failed::Decision(d, e)) => (
                d,
                e,
                IdentityForm {
                    legal_name: supplier.legal_name.clone(),
                    ruc: supplier.ruc.clone(),
                    reason: String::new(),
                },
                Vec::new(),
            ),
            Some(Failed::Identity(i, e)) => (DecisionInput::default(), Vec::new(), i, e),
            None => (
                DecisionInput::default(),
                Vec::new(),
                IdentityForm {
                    legal_name: supplier.legal_name.clone(),
                    ruc: supplier.ruc.clone(),
                    reason: String::new(),
                },
                Vec::new(),
            ),
        };
        let options = ["verify", "reject", "suspend", "reinstate", "debar"]
            .into_iter()
            .map(|d| (d.to_owned(), ctx.t(&format!("registry-decision-{d}"))))
            .collect();
        let decide_heading = ctx.t("registry-decide");
        let decide_submit = ctx.t("registry-decision-submit");
        let decision_summary = error_summary(ctx, &decision_errors, None);
        let decision_action = format!("/registro/proveedores/{id}/decision");
        let decision_field = select_field(
            ctx,
            "decision",
            options,
            &decision.decision,
            &decision_errors,
        );
        let reason_field = text_field(
            ctx,
            Field {
                name: "reason",
                input_type: "text",
                value: decision.reason.clone(),
                autocomplete: "off",
                errors: &decision_errors,
                hint: None,
            },
        );
        let until_field = text_field(
            ctx,
            Field {
                name: "until",
                input_type: "date",
                value: decision.until.clone(),
                autocomplete: "off",
                errors: &decision_errors,
                hint: None,
            },
        );
        let identity_heading = ctx.t("registry-identity-title");
        let identity_submit = ctx.t("registry-identity-submit");
        let identity_summary = error_summary(ctx, &identity_errors, None);
        let identity_action = format!("/registro/proveedores/{id}/identidad");
        let name_field = text_field(
            ctx,
            Field {
                name: "legal_name",
                input_type: "text",
                value: identity.legal_name.clone(),
                autocomplete: "off",
                errors: &identity_errors,
                hint: None,
            },
        );
        let ruc_field = text_field(
            ctx,
            Field {
                name: "ruc",
                input_type: "text",
                value: identity.ruc.clone(),
                autocomplete: "off",
                errors: &identity_errors,
                hint: Some("hint-ruc"),
            },
        );
        let identity_reason = text_field(
            ctx,
            Field {
                name: "reason",
                input_type: "text",
                value: identity.reason.clone(),
                autocomplete: "off",
                errors: &identity_errors,
                hint: None,
            },
        );
        view! {
            <h2>{decide_heading}</h2>
            {decision_summary}
            <form method="post" action=decision_action class="stack" novalidate>
                {csrf_input(ctx)}
                {decision_field}
                {reason_field}
                {until_field}
                <button type="submit">{decide_submit}</button>
            </form>
            <h2>{identity_heading}</h2>
            {identity_summary}
            <form method="post" action=identity_action class="stack" novalidate>
                {csrf_input(ctx)}
                {name_field}
                {ruc_field}
                {identity_reason}
                <button type="submit">{identity_submit}</button>
            </form>
        }
    });
    Ok(page(
        ctx,
        status,
        &title,
        view! { <h1>{heading}</h1>{details}{forms} },
    ))
}

/// `GET /registro/proveedores/{id}`.
pub async fn supplier(
    State(app): State<AppState>,
    ctx: PageContext,
    id: Result<ApiPath<SupplierId>, AppError>,
) -> PageResult {
    match id {
        Ok(ApiPath(id)) => render(&app, &ctx, StatusCode::OK, id, None).await,
        Err(_) => Err(PageFailure::new(&ctx, AppError::NotFound)),
    }
}

/// `POST /registro/proveedores/{id}/decision`.
pub async fn decide(
    State(app): State<AppState>,
    ctx: PageContext,
    id: Result<ApiPath<SupplierId>, AppError>,
    form: Result<CsrfForm<DecisionInput>, AppError>,
) -> PageResult {
    let officer = ctx.require_user().or_page(&ctx)?.clone();
    let ApiPath(id) = id.or_page(&ctx)?;
    let CsrfForm(input) = form.or_page(&ctx)?;
    if !officer.registry_officer {
        return Err(PageFailure::new(&ctx, AppError::Forbidden));
    }
    let decision = match input.parse(suppliers::today(&app)) {
        Ok(d) => d,
        Err(e) => {
            return render(
                &app,
                &ctx,
                e.status(),
                id,
                Some(Failed::Decision(input, e.field_errors())),
            )
            .await;
        }
    };
    match suppliers::decide(&app, &officer, id, decision).await {
        Ok(_) => Ok(redirect(&ctx, "/registro?aviso=decision-recorded")),
        Err(e) if !e.field_errors().is_empty() => {
            render(
                &app,
                &ctx,
                e.status(),
                id,
                Some(Failed::Decision(input, e.field_errors())),
            )
            .await
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}

/// `POST /registro/proveedores/{id}/identidad`.
pub async fn identity(
    State(app): State<AppState>,
    ctx: PageContext,
    id: Result<ApiPath<SupplierId>, AppError>,
    form: Result<CsrfForm<IdentityForm>, AppError>,
) -> PageResult {
    let officer = ctx.require_user().or_page(&ctx)?.clone();
    let ApiPath(id) = id.or_page(&ctx)?;
    let CsrfForm(input) = form.or_page(&ctx)?;
    let form = input.clone();
    match suppliers::change_identity(&app, &officer, id, form.legal_name, form.ruc, form.reason)
        .await
    {
        Ok(_) => Ok(redirect(&ctx, "/registro?aviso=identity-changed")),
        Err(e) if !e.field_errors().is_empty() => {
            render(
                &app,
                &ctx,
                e.status(),
                id,
                Some(Failed::Identity(input, e.field_errors())),
            )
            .await
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}
