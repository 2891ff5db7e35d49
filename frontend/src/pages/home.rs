//! The home page (public) and the signed-in user's dashboard.

use axum::{extract::Query, http::StatusCode, response::Response};
use backend::domain::Role;
use leptos::prelude::*;

use super::Notice;
use crate::{
    context::PageContext,
    layout::{error_page, notice, page},
};

/// `GET /`.
pub async fn home(ctx: PageContext, Query(q): Query<Notice>) -> Response {
    let title = ctx.t("home-title");
    let lead = ctx.t("home-lead");
    let points = [
        "home-point-sealed",
        "home-point-audit",
        "home-point-open",
        "home-point-light",
    ]
    .into_iter()
    .map(|k| {
        let text = ctx.t(k);
        view! { <li>{text}</li> }
    })
    .collect_view();
    let cta = match &ctx.user {
        Some(_) => {
            let label = ctx.t("nav-dashboard");
            view! { <a class="button" href="/panel">{label}</a> }.into_any()
        }
        None => {
            let (login, register) = (ctx.t("nav-login"), ctx.t("suppliers-register-link"));
            view! {
                <a class="button" href="/ingresar">{login}</a>
                " "
                <a class="button secondary" href="/proveedores/registro">{register}</a>
            }
            .into_any()
        }
    };
    let shown = notice(&ctx, q.aviso.as_deref());
    let heading = title.clone();
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <section class="hero">
                <h1>{heading}</h1>
                <p class="lead">{lead}</p>
                <ul class="points">{points}</ul>
                <p>{cta}</p>
            </section>
        },
    )
}

/// `GET /panel`: what the signed-in user can do, by role.
pub async fn dashboard(ctx: PageContext) -> Response {
    let user = match ctx.require_user() {
        Ok(user) => user.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let title = ctx.t("dashboard-title");
    let greeting = ctx.t_args("dashboard-greeting", &[("name", user.display_name.clone())]);
    let role_text = ctx.t(&format!("dashboard-role-{}", user.role.as_str()));
    let buyer = user.buyer_name.clone().map(|name| {
        let label = ctx.t_args("dashboard-buyer", &[("buyer", name)]);
        view! { <p class="buyer">{label}</p> }
    });
    let unverified = (!user.email_verified).then(|| {
        let text = ctx.t("dashboard-email-unverified");
        view! { <p class="warning">{text}</p> }
    });
    let links = match user.role {
        Role::Admin => vec![
            ("/admin", ctx.t("nav-admin")),
            ("/auditoria", ctx.t("nav-audit")),
        ],
        Role::Auditor => vec![
            ("/auditoria/adjudicaciones", ctx.t("audit-awards-title")),
            ("/registro", ctx.t("nav-registry")),
            ("/auditoria", ctx.t("nav-audit")),
        ],
        Role::Officer if user.registry_officer => vec![
            ("/registro", ctx.t("nav-registry")),
            ("/cuenta", ctx.t("nav-account")),
        ],
        Role::Officer => vec![
            ("/mis-licitaciones", ctx.t("nav-my-tenders")),
            ("/cuenta", ctx.t("nav-account")),
        ],
        Role::Supplier => vec![
            ("/empresa", ctx.t("nav-my-company")),
            ("/cuenta", ctx.t("nav-account")),
        ],
    }
    .into_iter()
    .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
    .collect_view();
    let heading = title.clone();
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{greeting}</p>
            {buyer}
            {unverified}
            <p>{role_text}</p>
            <ul>{links}</ul>
        },
    )
}
