//! The link in the welcome email. `GET` only shows a confirm button: mail scanners that
//! pre-fetch links must not use up the token; the person's `POST` verifies.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use backend::{AppError, AppState, accounts};
use leptos::prelude::*;
use serde::Deserialize;

use crate::{
    context::{CsrfForm, PageContext},
    layout::{csrf_input, error_summary, page, redirect},
    outcome::{OrPage, PageFailure, PageResult},
};

/// The token from the link (query or form).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    token: String,
}

fn render(
    ctx: &PageContext,
    status: StatusCode,
    token: String,
    errors: Vec<backend::error::FieldError>,
) -> Response {
    let title = ctx.t("verify-title");
    let heading = title.clone();
    let intro = ctx.t("verify-intro");
    let submit = ctx.t("verify-submit");
    let summary = error_summary(ctx, &errors, None);
    page(
        ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            <p>{intro}</p>
            <form method="post" action="/verificar-correo" class="stack">
                {csrf_input(ctx)}
                <input type="hidden" name="token" value=token/>
                <button type="submit" id="f-token">{submit}</button>
            </form>
        },
    )
}

/// `GET /verificar-correo?token=…`.
pub async fn show(ctx: PageContext, Query(q): Query<TokenForm>) -> PageResult {
    Ok(render(&ctx, StatusCode::OK, q.token, Vec::new()))
}

/// `POST /verificar-correo`.
pub async fn confirm(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<TokenForm>, AppError>,
) -> PageResult {
    let CsrfForm(form) = form.or_page(&ctx)?;
    match accounts::verify_email(&app, form.token.clone()).await {
        Ok(_) => Ok(redirect(&ctx, "/?aviso=email-verified")),
        Err(AppError::Validation(errors)) => Ok(render(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.token,
            errors,
        )),
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}
