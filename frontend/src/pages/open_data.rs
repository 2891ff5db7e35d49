//! Open data, for anyone: "Datos abiertos" (what Licita publishes in OCDS, the bulk files to
//! download and the API to follow), and the publication policy every OCDS package links to.

use axum::{extract::State, http::StatusCode, response::Response};
use backend::{AppState, ocds};
use leptos::prelude::*;

use crate::{
    context::PageContext,
    layout::page,
    outcome::{OrPage, PageResult},
};

/// `GET /datos-abiertos`: the bulk downloads and the OCDS API.
pub async fn open_data(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    let years = ocds::bulk::years(&app).await.or_page(&ctx)?;
    let months = ocds::bulk::months(&app).await.or_page(&ctx)?;
    let month_items = months
        .into_iter()
        .map(|month| {
            let href = format!("/api/v1/ocds/bulk/{}.zip", month.name());
            let text = ctx.t_args("open-data-month", &[("month", month.name())]);
            view! { <li><a href=href download>{text}</a></li> }
        })
        .collect_view();
    let packages = ctx.t("open-data-packages");
    let title = ctx.t("open-data-title");
    let heading = title.clone();
    let lead = ctx.t("open-data-lead");
    let downloads = ctx.t("open-data-downloads");
    let full_text = ctx.t("open-data-full");
    let flat_text = ctx.t("open-data-flat");
    let year_items = years
        .into_iter()
        .map(|year| {
            let href = format!("/api/v1/ocds/bulk/{year}.jsonl.gz");
            let text = ctx.t_args("open-data-year", &[("year", year.to_string())]);
            view! { <li><a href=href download>{text}</a></li> }
        })
        .collect_view();
    let api = ctx.t("open-data-api");
    let api_feed = ctx.t("open-data-api-feed");
    let api_record = ctx.t("open-data-api-record");
    let licence = ctx.t_args(
        "open-data-licence",
        &[("publisher", app.settings.ocds_publisher_name.clone())],
    );
    let licence_url = app.settings.ocds_license.clone();
    let policy = ctx.t("open-data-policy-link");
    let formats = ctx.t("open-data-formats");
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            <section aria-labelledby="downloads-heading">
                <h2 id="downloads-heading">{downloads}</h2>
                <p>{formats}</p>
                <ul>
                    <li><a href="/api/v1/ocds/bulk/full.jsonl.gz" download>{full_text}</a></li>
                    {year_items}
                    <li><a href="/api/v1/ocds/bulk/full.csv" download>{flat_text}</a></li>
                </ul>
                <p>{packages}</p>
                <ul>{month_items}</ul>
            </section>
            <section aria-labelledby="api-heading">
                <h2 id="api-heading">{api}</h2>
                <p>{api_feed}" "<a href="/api/v1/ocds/releases"><code>"/api/v1/ocds/releases"</code></a></p>
                <p>{api_record}" "<code>"/api/v1/ocds/records/{ocid}"</code></p>
                <p><a href="/api/docs">"OpenAPI"</a></p>
            </section>
            <p>{licence}" "<a href=licence_url.clone()>{licence_url.clone()}</a></p>
            <p><a href="/datos-abiertos/politica">{policy}</a>" · "<a href="/transparencia">{ctx.t("dash-title")}</a></p>
        },
    ))
}

/// `GET /datos-abiertos/politica`: what is published, when, and what is withheld.
pub async fn policy(State(app): State<AppState>, ctx: PageContext) -> Response {
    let title = ctx.t("open-data-policy-title");
    let heading = title.clone();
    let paragraphs = [
        "open-data-policy-what",
        "open-data-policy-when",
        "open-data-policy-withheld",
        "open-data-policy-ids",
        "open-data-policy-never",
    ]
    .into_iter()
    .map(|key| {
        let text = ctx.t_args(
            key,
            &[
                ("prefix", app.settings.ocid_prefix.clone()),
                ("licence", app.settings.ocds_license.clone()),
            ],
        );
        view! { <p>{text}</p> }
    })
    .collect_view();
    let back = ctx.t("open-data-title");
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            {paragraphs}
            <p><a href="/datos-abiertos">{back}</a></p>
        },
    )
}
