//! Sign in and sign out.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use backend::{AppError, AppState, auth, error::FieldError, http::ClientAddress};
use leptos::prelude::*;
use serde::Deserialize;

use super::ReturnTo;
use crate::{
    context::{CsrfForm, NoFields, PageContext, safe_return_path},
    layout::{
        Field, append_cookie, cookie, csrf_input, error_summary, notice, page, redirect,
        set_session_cookie, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// The login form as posted.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    volver: Option<String>,
}

fn render(
    ctx: &PageContext,
    status: StatusCode,
    email: String,
    volver: Option<String>,
    errors: Vec<FieldError>,
    general: Option<String>,
    shown: Option<&str>,
) -> Response {
    let title = ctx.t("login-title");
    let heading = title.clone();
    let intro = ctx.t("login-intro");
    let submit = ctx.t("login-submit");
    let forgot = ctx.t("login-forgot");
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
    let password_field = text_field(
        ctx,
        Field {
            name: "password",
            input_type: "password",
            value: String::new(),
            autocomplete: "current-password",
            errors: &errors,
            hint: None,
        },
    );
    // Only a return path that will be followed is carried in the form.
    let volver = safe_return_path(volver.as_deref().filter(|v| !v.is_empty()), "");
    page(
        ctx,
        status,
        &title,
        view! {
            {notice(ctx, shown)}
            <h1>{heading}</h1>
            {summary}
            <p>{intro}</p>
            <form method="post" action="/ingresar" class="stack" novalidate>
                {csrf_input(ctx)}
                <input type="hidden" name="volver" value=volver/>
                {email_field}
                {password_field}
                <button type="submit">{submit}</button>
            </form>
            <p><a href="/cuenta/olvido">{forgot}</a></p>
        },
    )
}

/// `GET /ingresar`.
pub async fn form(ctx: PageContext, Query(q): Query<ReturnTo>) -> Response {
    if ctx.user.is_some() {
        return redirect(&ctx, "/panel");
    }
    render(
        &ctx,
        StatusCode::OK,
        String::new(),
        q.volver,
        Vec::new(),
        None,
        q.aviso.as_deref(),
    )
}

/// `POST /ingresar`: on success sets the session cookie and goes where the user was going.
pub async fn submit(
    State(app): State<AppState>,
    ctx: PageContext,
    ClientAddress(address): ClientAddress,
    form: Result<CsrfForm<LoginForm>, AppError>,
) -> PageResult {
    let CsrfForm(form) = form.or_page(&ctx)?;
    let outcome = auth::login(&app, &form.email, &form.password, &address).await;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(AppError::Validation(errors)) => {
            return Ok(render(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                form.email,
                form.volver,
                errors,
                None,
                None,
            ));
        }
        Err(e @ (AppError::InvalidCredentials | AppError::TooManyRequests { .. })) => {
            let general = match &e {
                AppError::TooManyRequests { .. } => e
                    .problem(ctx.lang)
                    .detail
                    .unwrap_or_else(|| e.title(ctx.lang)),
                _ => ctx.t("login-failed"),
            };
            return Ok(render(
                &ctx,
                e.status(),
                form.email,
                form.volver,
                Vec::new(),
                Some(general),
                None,
            ));
        }
        Err(e) => return Err(PageFailure::new(&ctx, e)),
    };
    let (token, _) = auth::issue_token(&app, outcome.user_id, outcome.role).or_page(&ctx)?;
    let target = safe_return_path(form.volver.as_deref().filter(|v| !v.is_empty()), "/panel");
    let mut response = redirect(&ctx, &target);
    set_session_cookie(&mut response, &app.settings, &token);
    Ok(response)
}

/// `POST /salir`: revokes the session token and clears the cookie.
pub async fn logout(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<NoFields>, AppError>,
) -> PageResult {
    form.or_page(&ctx)?;
    if let Some(user) = ctx.user.clone() {
        auth::sign_out(&app, &user).await.or_page(&ctx)?;
    }
    let mut response = redirect(&ctx, "/?aviso=signed-out");
    append_cookie(
        &mut response,
        &cookie(auth::SESSION_COOKIE, "", Some(0), ctx.cookie_secure),
    );
    Ok(response)
}
