//! A forgotten password: asking for a reset link (`/cuenta/olvido`), and the link's page that
//! sets a new one (`/cuenta/restablecer`). `GET` of the link only shows the form, so a mail
//! scanner that fetches links cannot use the token up; the person's `POST` does.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use backend::{AppError, AppState, accounts::recovery, error::FieldError, http::ClientAddress};
use leptos::prelude::*;
use serde::Deserialize;

use crate::{
    context::{CsrfForm, PageContext},
    layout::{Field, csrf_input, error_summary, page, redirect, text_field},
    outcome::{OrPage, PageFailure, PageResult},
};

/// The request form as posted.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    email: String,
}

/// The link's form as posted (the token also arrives in the link's query).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    token: String,
    new_password: String,
}

fn render_request(
    ctx: &PageContext,
    status: StatusCode,
    email: String,
    errors: Vec<FieldError>,
    general: Option<String>,
) -> Response {
    let title = ctx.t("reset-request-title");
    let heading = title.clone();
    let intro = ctx.t("reset-request-intro");
    let submit = ctx.t("reset-request-submit");
    let summary = error_summary(ctx, &errors, general);
    let email_field = text_field(
        ctx,
        Field {
            name: "email",
            input_type: "email",
            value: email,
            autocomplete: "username",
            errors: &errors,
            hint: None,
        },
    );
    page(
        ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            <p>{intro}</p>
            <form method="post" action="/cuenta/olvido" class="stack" novalidate>
                {csrf_input(ctx)}
                {email_field}
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /cuenta/olvido`.
pub async fn request_form(ctx: PageContext) -> Response {
    render_request(&ctx, StatusCode::OK, String::new(), Vec::new(), None)
}

/// `POST /cuenta/olvido`: the same answer whether the address has an account or not.
pub async fn request(
    State(app): State<AppState>,
    ctx: PageContext,
    ClientAddress(address): ClientAddress,
    form: Result<CsrfForm<RequestForm>, AppError>,
) -> PageResult {
    let CsrfForm(form) = form.or_page(&ctx)?;
    match recovery::request_reset(&app, &form.email, &address).await {
        Ok(()) => Ok(redirect(&ctx, "/ingresar?aviso=reset-sent")),
        Err(AppError::Validation(errors)) => Ok(render_request(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.email,
            errors,
            None,
        )),
        Err(e @ AppError::TooManyRequests { .. }) => {
            let general = e
                .problem(ctx.lang)
                .detail
                .unwrap_or_else(|| e.title(ctx.lang));
            Ok(render_request(
                &ctx,
                e.status(),
                form.email,
                Vec::new(),
                Some(general),
            ))
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}

fn render_reset(
    ctx: &PageContext,
    status: StatusCode,
    token: String,
    errors: Vec<FieldError>,
) -> Response {
    let title = ctx.t("reset-title");
    let heading = title.clone();
    let intro = ctx.t("reset-intro");
    let submit = ctx.t("reset-submit");
    // A link that no longer works is said in words: it has no field to point at.
    let (token_errors, errors): (Vec<FieldError>, Vec<FieldError>) =
        errors.into_iter().partition(|e| e.field == "token");
    let dead_link = token_errors.first().map(|e| e.message(ctx.lang));
    let summary = error_summary(ctx, &errors, dead_link.clone());
    let password = text_field(
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
    let again = dead_link.is_some().then(|| {
        let text = ctx.t("reset-request-again");
        view! { <p><a href="/cuenta/olvido">{text}</a></p> }
    });
    let form = dead_link.is_none().then(|| {
        view! {
            <p>{intro}</p>
            <form method="post" action="/cuenta/restablecer" class="stack" novalidate>
                {csrf_input(ctx)}
                <input type="hidden" name="token" value=token/>
                {password}
                <button type="submit">{submit}</button>
            </form>
        }
    });
    page(
        ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            {again}
            {form}
        },
    )
}

/// `GET /cuenta/restablecer?token=…`: the form, the token unspent; a link that no longer
/// works says so at once, with the way to ask for a new one, and shows no form.
pub async fn reset_form(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<ResetForm>,
) -> PageResult {
    if recovery::reset_link_valid(&app, &q.token)
        .await
        .or_page(&ctx)?
    {
        Ok(render_reset(&ctx, StatusCode::OK, q.token, Vec::new()))
    } else {
        Ok(render_reset(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            q.token,
            vec![FieldError::new("token", "invalid_reset_token")],
        ))
    }
}

/// `POST /cuenta/restablecer`.
pub async fn reset(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<ResetForm>, AppError>,
) -> PageResult {
    let CsrfForm(form) = form.or_page(&ctx)?;
    match recovery::reset_password(&app, &form.token, &form.new_password).await {
        Ok(()) => Ok(redirect(&ctx, "/ingresar?aviso=password-reset")),
        Err(AppError::Validation(errors)) => Ok(render_reset(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.token,
            errors,
        )),
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}
