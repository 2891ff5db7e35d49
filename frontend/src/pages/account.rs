//! The signed-in user's own account: details and password change.

use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::{AppError, AppState, accounts, auth, error::FieldError};
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{CsrfForm, PageContext},
    layout::{
        Field, csrf_input, error_summary, notice, page, redirect, set_session_cookie, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

fn render(
    ctx: &PageContext,
    status: StatusCode,
    errors: Vec<FieldError>,
    shown_notice: Option<&str>,
) -> PageResult {
    let user = ctx.require_user().or_page(ctx)?.clone();
    let title = ctx.t("account-title");
    let heading = title.clone();
    let rows = [
        (ctx.t("field-display-name"), user.display_name.clone()),
        (ctx.t("field-email"), user.email.clone()),
        (
            ctx.t("field-role"),
            ctx.t(&format!("role-{}", user.role.as_str())),
        ),
        (
            ctx.t("account-buyer"),
            user.buyer_name.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            ctx.t("account-email-status"),
            ctx.t(if user.email_verified {
                "account-email-verified"
            } else {
                "account-email-unverified"
            }),
        ),
    ]
    .into_iter()
    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
    .collect_view();
    let password_heading = ctx.t("account-password-title");
    let submit = ctx.t("account-password-submit");
    let summary = error_summary(ctx, &errors, None);
    let current = text_field(
        ctx,
        Field {
            name: "current_password",
            input_type: "password",
            value: String::new(),
            autocomplete: "current-password",
            errors: &errors,
            hint: None,
        },
    );
    let new = text_field(
        ctx,
        Field {
            name: "new_password",
            input_type: "password",
            value: String::new(),
            autocomplete: "new-password",
            errors: &errors,
            hint: Some("hint-password"),
        },
    );
    let shown = notice(ctx, shown_notice);
    let opening_key = ctx
        .user
        .as_ref()
        .filter(|u| backend::tenders::sealing::may_hold_key(u))
        .map(|_| {
            let text = ctx.t("opening-key-title");
            view! { <p><a href="/cuenta/clave-apertura">{text}</a></p> }
        });
    Ok(page(
        ctx,
        status,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <dl class="details">{rows}</dl>
            {opening_key}
            <h2>{password_heading}</h2>
            {summary}
            <form method="post" action="/cuenta/contrasena" class="stack" novalidate>
                {csrf_input(ctx)}
                {current}
                {new}
                <button type="submit">{submit}</button>
            </form>
        },
    ))
}

/// `GET /cuenta`.
pub async fn show(ctx: PageContext, Query(q): Query<Notice>) -> PageResult {
    render(&ctx, StatusCode::OK, Vec::new(), q.aviso.as_deref())
}

/// The password form as posted.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// `POST /cuenta/contrasena`: other sessions end; this one continues with a new cookie.
pub async fn change_password(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<PasswordForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let (id, role) = (user.id, user.role);
    let changed =
        accounts::change_password(&app, id, role, &form.current_password, &form.new_password).await;
    match changed {
        Ok(()) => {}
        Err(AppError::Validation(errors)) => {
            return render(&ctx, StatusCode::UNPROCESSABLE_ENTITY, errors, None);
        }
        Err(e) => return Err(PageFailure::new(&ctx, e)),
    }
    let (token, _) = auth::issue_token(&app, id, role).or_page(&ctx)?;
    let mut response = redirect(&ctx, "/cuenta?aviso=password-changed");
    set_session_cookie(&mut response, &app.settings, &token);
    Ok(response)
}
