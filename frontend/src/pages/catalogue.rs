//! The electronic catalogue's pages: the public search (`/catalogo`), a product's page with
//! its offers, price spread and history (`/catalogo/productos/{id}`), and a supplier's own
//! offers with the form that changes their price or stock (`/catalogo/mis-ofertas`).

use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::{
    AppError, AppState,
    domain::{OfferId, ProductId, money_shown},
    error::{FieldError, RequestPart, UnreadableReason},
    framework::{self, CatalogueOffer, CatalogueQuery, OfferChangeInput, offers::MyOffer},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{CsrfForm, PageContext},
    extract::PagePath,
    layout::{
        Field, card_table, column_heads, csrf_input, error_summary, form_status, local_time,
        notice, page, pagination, plain_field, redirect, select_field, text_area, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

fn money(offer: &CatalogueOffer, amount: &str) -> String {
    money_shown(&offer.currency, amount)
}

fn status_text(ctx: &PageContext, offer: &CatalogueOffer) -> String {
    ctx.t(&format!(
        "offer-status-{}",
        offer.status.code().replace('_', "-")
    ))
}

/// Where an offer delivers: the days to `department` when one was chosen, else every
/// department with its days.
fn delivery(ctx: &PageContext, offer: &CatalogueOffer, department: Option<&str>) -> String {
    match department.and_then(|d| offer.delivery_days(d).map(|n| (d, n))) {
        Some((d, n)) => ctx.t_args(
            "catalogue-days-to",
            &[("department", d.to_owned()), ("days", n.to_string())],
        ),
        None => offer
            .regions
            .iter()
            .map(|r| {
                ctx.t_args(
                    "catalogue-days-to",
                    &[
                        ("department", r.department.clone()),
                        ("days", r.delivery_days.to_string()),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// `GET /catalogo`: the public catalogue, the cheapest offer first.
pub async fn search(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<CatalogueQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Ok(Query(query)) = query else {
        return Err(PageFailure::new(
            &ctx,
            AppError::unreadable(RequestPart::Query, UnreadableReason::Value),
        ));
    };
    let categories = framework::categories(&app).await.or_page(&ctx)?;
    let (found, errors) = match framework::search(&app, &query).await {
        Ok(found) => (Some(found), Vec::new()),
        Err(AppError::Validation(errors)) => (None, errors),
        Err(e) => return Err(PageFailure::new(&ctx, e)),
    };
    let title = ctx.t("catalogue-title");
    let heading = title.clone();
    let lead = ctx.t("catalogue-lead");
    let q_field = text_field(
        &ctx,
        Field {
            name: "q",
            input_type: "search",
            value: query.q.clone().unwrap_or_default(),
            autocomplete: "off",
            errors: &errors,
            hint: Some("catalogue-q-hint"),
        },
    );
    let category_options = std::iter::once((String::new(), ctx.t("catalogue-all-categories")))
        .chain(
            categories
                .iter()
                .map(|c| (c.id.to_string(), c.name.clone())),
        )
        .collect();
    let category_field = select_field(
        &ctx,
        "category",
        category_options,
        query.category.as_deref().unwrap_or(""),
        &errors,
    );
    let department_options = std::iter::once((String::new(), ctx.t("catalogue-all-departments")))
        .chain(
            backend::catalogue::catalogue()
                .departments
                .iter()
                .map(|d| (d.clone(), d.clone())),
        )
        .collect();
    let department_field = select_field(
        &ctx,
        "department",
        department_options,
        query.department.as_deref().unwrap_or(""),
        &errors,
    );
    let min_field = plain_field(
        &ctx,
        "min_price",
        query.min_price.as_deref().unwrap_or(""),
        &errors,
        None,
    );
    let max_field = plain_field(
        &ctx,
        "max_price",
        query.max_price.as_deref().unwrap_or(""),
        &errors,
        None,
    );
    let submit = ctx.t("catalogue-search");
    let summary = error_summary(&ctx, &errors, None);
    let department = query.department.clone().filter(|d| !d.trim().is_empty());
    let results = found.map(|found| {
        let count = ctx.t_args("catalogue-count", &[("total", found.total.to_string())]);
        let pages =
            ((found.total + i64::from(found.per_page) - 1) / i64::from(found.per_page)).max(1);
        let none = (found.total == 0).then(|| {
            let text = ctx.t("catalogue-none");
            view! { <p>{text}</p> }
        });
        let (l_product, l_offer, l_supplier, l_price, l_delivery, l_stock, l_status) = (
            ctx.t("catalogue-product"),
            ctx.t("catalogue-brand-model"),
            ctx.t("catalogue-supplier"),
            ctx.t("field-unit-price"),
            ctx.t("catalogue-delivery"),
            ctx.t("field-stock"),
            ctx.t("catalogue-status"),
        );
        let head = column_heads(&[
            &l_product,
            &l_offer,
            &l_supplier,
            &l_price,
            &l_delivery,
            &l_stock,
            &l_status,
        ]);
        let rows = found
            .offers
            .iter()
            .map(|o| {
                let href = format!("/catalogo/productos/{}", o.product_id);
                let product = o.product.clone();
                let offer = format!("{} {}", o.brand, o.model);
                let supplier = format!("{} (RUC {})", o.supplier_name, o.supplier_ruc);
                let price = money(o, &o.unit_price);
                let days = delivery(&ctx, o, department.as_deref());
                let stock = o.stock.to_string();
                let status = status_text(&ctx, o);
                let (l_product, l_offer, l_supplier, l_price, l_delivery, l_stock, l_status) = (
                    l_product.clone(),
                    l_offer.clone(),
                    l_supplier.clone(),
                    l_price.clone(),
                    l_delivery.clone(),
                    l_stock.clone(),
                    l_status.clone(),
                );
                view! {
                    <tr>
                        <td data-label=l_product><a href=href>{product}</a></td>
                        <td data-label=l_offer>{offer}</td>
                        <td data-label=l_supplier>{supplier}</td>
                        <td class="key num" data-label=l_price>{price}</td>
                        <td data-label=l_delivery>{days}</td>
                        <td class="num" data-label=l_stock>{stock}</td>
                        <td data-label=l_status>{status}</td>
                    </tr>
                }
            })
            .collect_view();
        let link = |page: i64| {
            let mut params = vec![format!("page={page}")];
            for (key, value) in [
                ("q", &query.q),
                ("category", &query.category),
                ("department", &query.department),
                ("min_price", &query.min_price),
                ("max_price", &query.max_price),
            ] {
                if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                    params.push(format!("{key}={}", urlencoding::encode(v)));
                }
            }
            format!("/catalogo?{}", params.join("&"))
        };
        let nav = pagination(&ctx, i64::from(found.page), pages, &link);
        view! {
            <p role="status">{count}</p>
            {none}
            {card_table(found.offers.len(), None, Some(head), rows)}
            {nav}
        }
    });
    let mine = ctx
        .user
        .as_ref()
        .filter(|u| u.supplier_id.is_some())
        .map(|_| {
            let text = ctx.t("catalogue-my-offers");
            view! { <p><a href="/catalogo/mis-ofertas">{text}</a></p> }
        });
    let orders_link = ctx.t("orders-title");
    let agreements_link = ctx.t("catalogue-agreements-link");
    Ok(page(
        &ctx,
        form_status(&errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            <p><a href="/catalogo/pedidos">{orders_link}</a>" · "<a href="/catalogo/acuerdos">{agreements_link}</a></p>
            {mine}
            {summary}
            <form method="get" action="/catalogo" class="finder" role="search" novalidate>
                {q_field}
                {category_field}
                {department_field}
                {min_field}
                {max_field}
                <button type="submit">{submit}</button>
            </form>
            {results}
        },
    ))
}

/// `GET /catalogo/productos/{id}`: the product's sheet, its offers, the spread of their
/// prices and every price they had.
pub async fn product(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<ProductId>,
) -> PageResult {
    let found = framework::product_page(&app, id).await.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let sheet = &found.product;
    let title = sheet.name.clone();
    let heading = title.clone();
    let back = ctx.t("catalogue-back");
    let crumbs = view! { <p><a href="/catalogo">{back}</a></p> };
    let facts = [
        (ctx.t("catalogue-category"), sheet.category.clone()),
        (ctx.t("catalogue-unit"), sheet.unit.clone()),
        (ctx.t("catalogue-unspsc"), sheet.unspsc.clone()),
        (ctx.t("catalogue-agreement"), sheet.agreement.clone()),
        (ctx.t("catalogue-ocid"), sheet.agreement_ocid.clone()),
        (
            ctx.t("catalogue-in-force"),
            format!(
                "{} – {}",
                local_time(sheet.agreement_starts_at, tz),
                local_time(sheet.agreement_ends_at, tz)
            ),
        ),
    ]
    .into_iter()
    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
    .collect_view();
    let attributes = sheet
        .attributes
        .iter()
        .map(|a| {
            let (name, value) = (a.name.clone(), a.value.clone());
            view! { <dt>{name}</dt><dd>{value}</dd> }
        })
        .collect_view();
    let currency = found
        .offers
        .first()
        .map(|o| o.currency.clone())
        .unwrap_or_else(|| "PEN".into());
    let spread = match &found.spread {
        Some(s) => {
            let text = ctx.t_args(
                "catalogue-spread",
                &[
                    ("offers", s.offers.to_string()),
                    ("lowest", money_shown(&currency, &s.lowest)),
                    ("median", money_shown(&currency, &s.median)),
                    ("highest", money_shown(&currency, &s.highest)),
                ],
            );
            view! { <p class="glance">{text}</p> }.into_any()
        }
        None => {
            let text = ctx.t("catalogue-no-orderable");
            view! { <p>{text}</p> }.into_any()
        }
    };
    let (l_offer, l_supplier, l_price, l_min, l_delivery, l_stock, l_status) = (
        ctx.t("catalogue-brand-model"),
        ctx.t("catalogue-supplier"),
        ctx.t("field-unit-price"),
        ctx.t("catalogue-min-order"),
        ctx.t("catalogue-delivery"),
        ctx.t("field-stock"),
        ctx.t("catalogue-status"),
    );
    let head = column_heads(&[
        &l_offer,
        &l_supplier,
        &l_price,
        &l_min,
        &l_delivery,
        &l_stock,
        &l_status,
    ]);
    let rows = found
        .offers
        .iter()
        .map(|o| {
            let offer = format!("{} {}", o.brand, o.model);
            let supplier_href = format!("/proveedores/{}", o.supplier_id);
            let supplier = format!("{} (RUC {})", o.supplier_name, o.supplier_ruc);
            let price = money(o, &o.unit_price);
            let min = if o.min_order_minor == 0 {
                ctx.t("catalogue-no-minimum")
            } else {
                money(o, &o.min_order_value)
            };
            let days = delivery(&ctx, o, None);
            let stock = o.stock.to_string();
            let status = status_text(&ctx, o);
            let labels = (
                l_offer.clone(),
                l_supplier.clone(),
                l_price.clone(),
                l_min.clone(),
                l_delivery.clone(),
                l_stock.clone(),
                l_status.clone(),
            );
            view! {
                <tr>
                    <td data-label=labels.0>{offer}</td>
                    <td data-label=labels.1><a href=supplier_href>{supplier}</a></td>
                    <td class="key num" data-label=labels.2>{price}</td>
                    <td class="num" data-label=labels.3>{min}</td>
                    <td data-label=labels.4>{days}</td>
                    <td class="num" data-label=labels.5>{stock}</td>
                    <td data-label=labels.6>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let offers_heading = ctx.t("catalogue-offers");
    let history_heading = ctx.t("catalogue-history");
    let (h_when, h_supplier, h_version, h_price, h_stock, h_reason) = (
        ctx.t("catalogue-when"),
        ctx.t("catalogue-supplier"),
        ctx.t("catalogue-version"),
        ctx.t("field-unit-price"),
        ctx.t("field-stock"),
        ctx.t("field-reason"),
    );
    let history_head = column_heads(&[
        &h_when,
        &h_supplier,
        &h_version,
        &h_price,
        &h_stock,
        &h_reason,
    ]);
    let history_rows = found
        .history
        .iter()
        .map(|p| {
            let when = local_time(p.changed_at, tz);
            let supplier = p.supplier_name.clone();
            let version = p.version.to_string();
            let price = money_shown(&currency, &p.unit_price);
            let stock = p.stock.to_string();
            let reason = p.reason.clone().unwrap_or_default();
            let labels = (
                h_when.clone(),
                h_supplier.clone(),
                h_version.clone(),
                h_price.clone(),
                h_stock.clone(),
                h_reason.clone(),
            );
            view! {
                <tr>
                    <td data-label=labels.0>{when}</td>
                    <td class="key" data-label=labels.1>{supplier}</td>
                    <td class="num" data-label=labels.2>{version}</td>
                    <td class="num" data-label=labels.3>{price}</td>
                    <td class="num" data-label=labels.4>{stock}</td>
                    <td data-label=labels.5>{reason}</td>
                </tr>
            }
        })
        .collect_view();
    let attributes_heading = ctx.t("catalogue-attributes");
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {crumbs}
            <h1>{heading}</h1>
            <dl class="details">{facts}</dl>
            <h2>{attributes_heading}</h2>
            <dl class="details">{attributes}</dl>
            {spread}
            {super::orders::start_box(&ctx, found.product.id)}
            <h2>{offers_heading}</h2>
            {card_table(found.offers.len(), None, Some(head), rows)}
            <h2>{history_heading}</h2>
            {card_table(found.history.len(), None, Some(history_head), history_rows)}
        },
    ))
}

fn rules_text(ctx: &PageContext, m: &MyOffer, tz: chrono_tz::Tz) -> String {
    match m.next_increase_at {
        Some(at) => ctx.t_args("catalogue-increase-from", &[("date", local_time(at, tz))]),
        None => ctx.t_args(
            "catalogue-increase-up-to",
            &[("highest", money(&m.offer, &m.highest_price_now))],
        ),
    }
}

/// `GET /catalogo/mis-ofertas`: the company's offers, each with a link to its form.
pub async fn mine(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<Notice>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let offers = framework::my_offers(&app, &user).await.or_page(&ctx)?;
    let pending = backend::framework::orders::pending(&app, &user)
        .await
        .or_page(&ctx)?;
    let tz = app.settings.timezone;
    let pending_heading = ctx.t("order-pending-title");
    let pending_list = if pending.is_empty() {
        let text = ctx.t("order-pending-none");
        view! { <p>{text}</p> }.into_any()
    } else {
        let items = pending
            .iter()
            .map(|p| {
                let href = format!("/catalogo/pedidos/{}", p.id);
                let what = format!(
                    "{} × {} ({}) — {}",
                    p.quantity, p.product, p.department, p.buyer_name
                );
                let due = ctx.t_args(
                    if p.awaits == "quote" {
                        "order-pending-quote"
                    } else {
                        "order-pending-answer"
                    },
                    &[("deadline", crate::layout::local_deadline(p.deadline, tz))],
                );
                view! { <li><a href=href>{what}</a>" · "{due}</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    let title = ctx.t("catalogue-my-offers");
    let heading = title.clone();
    let lead = ctx.t("catalogue-my-offers-lead");
    let shown = notice(&ctx, q.aviso.as_deref());
    let none = offers.is_empty().then(|| {
        let text = ctx.t("catalogue-my-offers-none");
        view! { <p>{text}</p> }
    });
    let (l_product, l_price, l_stock, l_status, l_rules, l_change) = (
        ctx.t("catalogue-product"),
        ctx.t("field-unit-price"),
        ctx.t("field-stock"),
        ctx.t("catalogue-status"),
        ctx.t("catalogue-rules"),
        ctx.t("catalogue-change"),
    );
    let head = column_heads(&[
        &l_product, &l_price, &l_stock, &l_status, &l_rules, &l_change,
    ]);
    let rows = offers
        .iter()
        .map(|m| {
            let o = &m.offer;
            let product = format!("{} — {} {}", o.product, o.brand, o.model);
            let (price, stock, status) = (
                money(o, &o.unit_price),
                o.stock.to_string(),
                status_text(&ctx, o),
            );
            let rules = rules_text(&ctx, m, tz);
            let href = format!("/catalogo/mis-ofertas/{}", o.id);
            let change = ctx.t("catalogue-change");
            let labels = (
                l_product.clone(),
                l_price.clone(),
                l_stock.clone(),
                l_status.clone(),
                l_rules.clone(),
                l_change.clone(),
            );
            view! {
                <tr>
                    <td class="key" data-label=labels.0>{product}</td>
                    <td class="num" data-label=labels.1>{price}</td>
                    <td class="num" data-label=labels.2>{stock}</td>
                    <td data-label=labels.3>{status}</td>
                    <td data-label=labels.4>{rules}</td>
                    <td data-label=labels.5><a href=href>{change}</a></td>
                </tr>
            }
        })
        .collect_view();
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <section class="glance">
                <h2>{pending_heading}</h2>
                {pending_list}
            </section>
            <p>{lead}</p>
            {none}
            {card_table(offers.len(), None, Some(head), rows)}
        },
    ))
}

/// One offer's form, with what was typed and its errors.
fn render_offer_form(
    ctx: &PageContext,
    m: &MyOffer,
    tz: chrono_tz::Tz,
    typed: Option<&OfferChangeInput>,
    errors: &[FieldError],
) -> PageResult {
    let o = &m.offer;
    let title = format!("{} — {} {}", o.product, o.brand, o.model);
    let heading = title.clone();
    let (price, stock, reason) = match typed {
        Some(t) => (t.unit_price.clone(), t.stock.clone(), t.reason.clone()),
        None => (o.unit_price.clone(), o.stock.to_string(), String::new()),
    };
    let summary = error_summary(ctx, errors, None);
    let now = ctx.t_args(
        "catalogue-offer-now",
        &[
            ("price", money(o, &o.unit_price)),
            ("stock", o.stock.to_string()),
            ("version", o.version.to_string()),
            ("status", status_text(ctx, o)),
        ],
    );
    let rules = rules_text(ctx, m, tz);
    let action = format!("/catalogo/ofertas/{}", o.id);
    let back = ctx.t("catalogue-my-offers");
    let submit = ctx.t("catalogue-save");
    let version = o.version.to_string();
    Ok(page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <p><a href="/catalogo/mis-ofertas">{back}</a></p>
            <h1>{heading}</h1>
            <p>{now}</p>
            <p class="hint">{rules}</p>
            {summary}
            <form method="post" action=action class="stack" novalidate>
                {csrf_input(ctx)}
                <input type="hidden" name="version" value=version/>
                {plain_field(ctx, "unit_price", &price, errors, Some("catalogue-price-hint"))}
                {text_field(ctx, Field { name: "stock", input_type: "text", value: stock, autocomplete: "off", errors, hint: None })}
                {text_area(ctx, "reason", reason, errors, 3)}
                <button type="submit">{submit}</button>
            </form>
        },
    ))
}

async fn my_offer(app: &AppState, ctx: &PageContext, id: OfferId) -> Result<MyOffer, PageFailure> {
    let user = ctx.require_user().or_page(ctx)?.clone();
    framework::my_offers(app, &user)
        .await
        .or_page(ctx)?
        .into_iter()
        .find(|m| m.offer.id == id)
        .ok_or(AppError::NotFound)
        .or_page(ctx)
}

/// `GET /catalogo/mis-ofertas/{id}`: the form that changes one offer.
pub async fn offer_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<OfferId>,
) -> PageResult {
    let m = my_offer(&app, &ctx, id).await?;
    render_offer_form(&ctx, &m, app.settings.timezone, None, &[])
}

/// The offer form as posted.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct OfferForm {
    unit_price: String,
    stock: String,
    reason: String,
    version: String,
}

/// `POST /catalogo/ofertas/{id}`: changes the offer's price or stock.
pub async fn change(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<OfferId>,
    form: Result<CsrfForm<OfferForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let input = OfferChangeInput {
        unit_price: form.unit_price,
        stock: form.stock,
        reason: form.reason,
        version: form.version.trim().parse().unwrap_or(0),
    };
    let (errors, status) = match framework::change_offer(&app, &user, id, input.clone()).await {
        Ok(_) => return Ok(redirect(&ctx, "/catalogo/mis-ofertas?aviso=offer-saved")),
        Err(AppError::Validation(errors)) => (errors, None),
        Err(AppError::Conflict(error)) => (vec![error], Some(StatusCode::CONFLICT)),
        Err(e) => return Err(PageFailure::new(&ctx, e)),
    };
    let m = my_offer(&app, &ctx, id).await?;
    let mut shown = render_offer_form(&ctx, &m, app.settings.timezone, Some(&input), &errors)?;
    if let Some(status) = status {
        *shown.status_mut() = status;
    }
    Ok(shown)
}
