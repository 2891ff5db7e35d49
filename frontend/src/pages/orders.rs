//! Orders from the catalogue: an officer compares a product's offers for a department and a
//! quantity and orders (`/catalogo/productos/{id}/pedir`); everyone reads the orders
//! (`/catalogo/pedidos`, `/catalogo/pedidos/{id}`: what was bought, by whom, from whom, at
//! what price beside the catalogue's median); on an order's page the supplier whose turn it
//! is accepts or declines, an invited supplier quotes, and the buyer's officers record the
//! delivery and the conformity.

use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use backend::{
    AppError, AppState,
    domain::{Currency, Money, ProductId, Role, money_shown},
    error::FieldError,
    framework::orders::{
        self, AnswerInput, OptionsQuery, OrderInput, OrderOptions, OrderQuery, OrderView,
        PendingOrder, QuoteInput, Receipt,
    },
};
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{CsrfForm, NoFields, PageContext},
    extract::PagePath,
    layout::{
        card_table, column_heads, csrf_input, error_summary, form_status, local_deadline,
        local_time, notice, page, pagination, plain_field, redirect, select_field, text_area,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

fn department_options(ctx: &PageContext) -> Vec<(String, String)> {
    std::iter::once((String::new(), "—".to_owned()))
        .chain(
            backend::catalogue::catalogue()
                .departments
                .iter()
                .map(|d| (d.clone(), d.clone())),
        )
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(v, t)| {
            (
                v,
                if t == "—" {
                    ctx.t("order-choose-department")
                } else {
                    t
                },
            )
        })
        .collect()
}

/// The department and quantity form (a GET: comparing changes nothing).
fn ask_form(
    ctx: &PageContext,
    product: ProductId,
    department: &str,
    quantity: &str,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let action = format!("/catalogo/productos/{product}/pedir");
    let submit = ctx.t("order-compare");
    view! {
        <form method="get" action=action class="finder" novalidate>
            {select_field(ctx, "department", department_options(ctx), department, errors)}
            {plain_field(ctx, "quantity", quantity, errors, None)}
            <button type="submit">{submit}</button>
        </form>
    }
}

/// The product page's box to start an order.
pub fn start_box(ctx: &PageContext, product: ProductId) -> impl IntoView + use<> {
    let heading = ctx.t("order-start");
    let lead = ctx.t("order-start-lead");
    view! {
        <section class="glance">
            <h2>{heading}</h2>
            <p>{lead}</p>
            {ask_form(ctx, product, "", "", &[])}
        </section>
    }
}

fn refusal_text(ctx: &PageContext, code: &str) -> String {
    ctx.t(&format!("order-refusal-{}", code.replace('_', "-")))
}

fn render_options(
    ctx: &PageContext,
    product: ProductId,
    query: &OptionsQuery,
    found: Option<&OrderOptions>,
    typed: &OrderInput,
    errors: &[FieldError],
) -> PageResult {
    let title = found.map_or_else(|| ctx.t("order-title"), |f| f.product.clone());
    let heading = match found {
        Some(f) => ctx.t_args("order-heading", &[("product", f.product.clone())]),
        None => title.clone(),
    };
    let back = ctx.t("catalogue-back");
    let back_href = format!("/catalogo/productos/{product}");
    let summary = error_summary(ctx, errors, None);
    let ask = ask_form(ctx, product, &query.department, &query.quantity, errors);
    let may_order = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.role == Role::Officer && u.buyer_id.is_some());
    let body = found.map(|found| {
        let eligible = found.options.iter().filter(|o| o.refusal.is_none()).count();
        let lead = ctx.t_args(
            if found.kind == "quotes" { "order-lead-quotes" } else { "order-lead-direct" },
            &[
                ("threshold", money_shown("PEN", &found.quote_threshold)),
                ("suppliers", eligible.to_string()),
            ],
        );
        let lowest = found.lowest.map(|id| id.to_string()).unwrap_or_default();
        let chosen = typed.offer_id.clone().filter(|c| !c.is_empty()).unwrap_or(lowest);
        let direct = found.kind == "direct";
        let (l_choice, l_offer, l_supplier, l_price, l_total, l_delivery, l_stock) = (
            ctx.t("order-choice"),
            ctx.t("catalogue-brand-model"),
            ctx.t("catalogue-supplier"),
            ctx.t("field-unit-price"),
            ctx.t("order-total"),
            ctx.t("catalogue-delivery"),
            ctx.t("field-stock"),
        );
        let head = column_heads(&[&l_choice, &l_offer, &l_supplier, &l_price, &l_total, &l_delivery, &l_stock]);
        let rows = found
            .options
            .iter()
            .map(|o| {
                let id = o.offer.id.to_string();
                let input_id = format!("f-offer_id-{id}");
                let choice = match (&o.refusal, direct && may_order) {
                    (None, true) => {
                        let checked = id == chosen;
                        let label = ctx.t("order-choose");
                        let for_id = input_id.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input type="radio" id=input_id name="offer_id" value=id checked=checked/>
                                {label}
                            </label>
                        }
                        .into_any()
                    }
                    (None, false) => ctx.t("order-may-take").into_any(),
                    (Some(code), _) => refusal_text(ctx, code).into_any(),
                };
                let offer = format!("{} {}", o.offer.brand, o.offer.model);
                let supplier = format!("{} (RUC {})", o.offer.supplier_name, o.offer.supplier_ruc);
                let price = money_shown(&o.offer.currency, &o.offer.unit_price);
                let total = money_shown(&o.offer.currency, &o.total);
                let days = o.delivery_days.map_or_else(
                    || "—".to_owned(),
                    |n| ctx.t_args("order-days", &[("days", n.to_string())]),
                );
                let stock = o.offer.stock.to_string();
                let labels = (
                    l_choice.clone(),
                    l_offer.clone(),
                    l_supplier.clone(),
                    l_price.clone(),
                    l_total.clone(),
                    l_delivery.clone(),
                    l_stock.clone(),
                );
                view! {
                    <tr>
                        <td data-label=labels.0>{choice}</td>
                        <td data-label=labels.1>{offer}</td>
                        <td data-label=labels.2>{supplier}</td>
                        <td class="num" data-label=labels.3>{price}</td>
                        <td class="key num" data-label=labels.4>{total}</td>
                        <td data-label=labels.5>{days}</td>
                        <td class="num" data-label=labels.6>{stock}</td>
                    </tr>
                }
            })
            .collect_view();
        let table = card_table(found.options.len(), None, Some(head), rows);
        let content = if may_order && eligible > 0 {
            let action = format!("/catalogo/productos/{product}/pedidos");
            let (department, quantity) = (found.department.clone(), found.quantity.to_string());
            let extra = if direct {
                let hint = ctx.t("order-reason-hint");
                view! {
                    <p class="hint">{hint}</p>
                    {text_area(ctx, "reason", typed.reason.clone(), errors, 3)}
                }
                .into_any()
            } else {
                let days = typed.quote_days.clone().unwrap_or_else(|| "2".into());
                plain_field(ctx, "quote_days", &days, errors, Some("order-quote-days-hint")).into_any()
            };
            let submit = ctx.t(if direct { "order-submit-direct" } else { "order-submit-quotes" });
            view! {
                <form method="post" action=action class="stack" novalidate>
                    {csrf_input(ctx)}
                    <input type="hidden" name="department" value=department/>
                    <input type="hidden" name="quantity" value=quantity/>
                    {table}
                    {extra}
                    <button type="submit">{submit}</button>
                </form>
            }
            .into_any()
        } else {
            let note = (!may_order).then(|| {
                let text = ctx.t("order-officers-only");
                view! { <p class="hint">{text}</p> }
            });
            view! { {table}{note} }.into_any()
        };
        let nothing = (eligible == 0).then(|| {
            let text = ctx.t("order-no-offer");
            view! { <p class="notice" role="status">{text}</p> }
        });
        view! { {nothing}<p>{lead}</p>{content} }
    });
    Ok(page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <p><a href=back_href>{back}</a></p>
            <h1>{heading}</h1>
            {summary}
            {ask}
            {body}
        },
    ))
}

/// `GET /catalogo/productos/{id}/pedir`: the offers compared for a department and a
/// quantity; an officer's order form.
pub async fn compare(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(product): PagePath<ProductId>,
    Query(query): Query<OptionsQuery>,
) -> PageResult {
    if query.department.is_empty() && query.quantity.is_empty() {
        return render_options(&ctx, product, &query, None, &OrderInput::default(), &[]);
    }
    match orders::options(&app, product, &query).await {
        Ok(found) => render_options(
            &ctx,
            product,
            &query,
            Some(&found),
            &OrderInput::default(),
            &[],
        ),
        Err(AppError::Validation(errors)) => {
            render_options(&ctx, product, &query, None, &OrderInput::default(), &errors)
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}

/// The order form as posted.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct OrderForm {
    department: String,
    quantity: String,
    offer_id: String,
    reason: String,
    quote_days: String,
}

/// `POST /catalogo/productos/{id}/pedidos`: places the order.
pub async fn place(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(product): PagePath<ProductId>,
    form: Result<CsrfForm<OrderForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let input = OrderInput {
        department: form.department.clone(),
        quantity: form.quantity.clone(),
        offer_id: Some(form.offer_id).filter(|o| !o.is_empty()),
        reason: form.reason,
        quote_days: Some(form.quote_days).filter(|d| !d.is_empty()),
    };
    match orders::place(&app, &user, product, input.clone()).await {
        Ok(id) => Ok(redirect(
            &ctx,
            &format!("/catalogo/pedidos/{id}?aviso=order-placed"),
        )),
        Err(AppError::Validation(errors)) => {
            let query = OptionsQuery {
                department: form.department,
                quantity: form.quantity,
            };
            let found = orders::options(&app, product, &query).await.ok();
            render_options(&ctx, product, &query, found.as_ref(), &input, &errors)
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}

fn flag_text(ctx: &PageContext, flag: backend::framework::flags::OrderFlag) -> String {
    ctx.t(&format!("order-flag-{}", flag.code().replace('_', "-")))
}

fn status_text(ctx: &PageContext, order: &OrderView) -> String {
    let shown = match (
        order.status.as_str(),
        order.delivered_at,
        order.conformity_at,
    ) {
        ("accepted", Some(_), Some(_)) => "conformed",
        ("accepted", Some(_), None) => "delivered",
        (status, _, _) => status,
    };
    ctx.t(&format!("order-status-{}", shown.replace('_', "-")))
}

/// The supplier of an order: the one that accepted it, or the one whose turn it is.
fn supplier_text(ctx: &PageContext, order: &OrderView) -> String {
    if let Some(name) = &order.supplier_name {
        return name.clone();
    }
    order
        .candidates
        .iter()
        .find(|c| Some(c.supplier_id) == order.awaiting)
        .map_or_else(
            || "—".to_owned(),
            |c| {
                ctx.t_args(
                    "order-awaiting-supplier",
                    &[("supplier", c.supplier_name.clone())],
                )
            },
        )
}

fn money(order: &OrderView, amount: &Option<String>) -> String {
    amount
        .as_deref()
        .map_or_else(|| "—".to_owned(), |a| money_shown(&order.currency, a))
}

fn time(at: Option<chrono::NaiveDateTime>, tz: chrono_tz::Tz) -> String {
    at.map_or_else(|| "—".to_owned(), |t| local_time(t, tz))
}

/// A deadline in Lima time (one at midnight as the end of the day before).
fn deadline(at: Option<chrono::NaiveDateTime>, tz: chrono_tz::Tz) -> String {
    at.map_or_else(|| "—".to_owned(), |t| local_deadline(t, tz))
}

/// `GET /catalogo/pedidos`: every order, the newest first.
pub async fn list(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(query): Query<OrderQuery>,
) -> PageResult {
    let found = orders::list(&app, &query).await.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t("orders-title");
    let heading = title.clone();
    let lead = ctx.t("orders-lead");
    let (l_order, l_buyer, l_product, l_supplier, l_total, l_status) = (
        ctx.t("orders-order"),
        ctx.t("orders-buyer"),
        ctx.t("order-created"),
        ctx.t("catalogue-supplier"),
        ctx.t("order-total"),
        ctx.t("catalogue-status"),
    );
    let head = column_heads(&[
        &l_order,
        &l_buyer,
        &l_product,
        &l_supplier,
        &l_total,
        &l_status,
    ]);
    let rows = found
        .orders
        .iter()
        .map(|o| {
            let href = format!("/catalogo/pedidos/{}", o.id);
            let what = format!("{} × {} ({})", o.quantity, o.product, o.department);
            let buyer = o.buyer_name.clone();
            let product = format!("{} · {}", local_time(o.created_at, tz), o.ocid);
            let supplier = supplier_text(&ctx, o);
            let total = money(o, &o.total);
            let mut status = status_text(&ctx, o);
            if o.late {
                status = format!("{status} · {}", ctx.t("order-late"));
            }
            for flag in &o.flags {
                status = format!("{status} · ⚑ {}", flag_text(&ctx, *flag));
            }
            let labels = (
                l_order.clone(),
                l_buyer.clone(),
                l_product.clone(),
                l_supplier.clone(),
                l_total.clone(),
                l_status.clone(),
            );
            view! {
                <tr>
                    <td data-label=labels.0><a href=href>{what}</a></td>
                    <td data-label=labels.1>{buyer}</td>
                    <td data-label=labels.2>{product}</td>
                    <td data-label=labels.3>{supplier}</td>
                    <td class="key num" data-label=labels.4>{total}</td>
                    <td data-label=labels.5>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let none = (found.total == 0).then(|| {
        let text = ctx.t("orders-none");
        view! { <p>{text}</p> }
    });
    let pages = ((found.total + 19) / 20).max(1);
    let link = |page: i64| format!("/catalogo/pedidos?page={page}");
    let nav = pagination(&ctx, i64::from(found.page), pages, &link);
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {none}
            {card_table(found.orders.len(), None, Some(head), rows)}
            {nav}
        },
    ))
}

fn render_order(
    ctx: &PageContext,
    order: &OrderView,
    tz: chrono_tz::Tz,
    errors: &[FieldError],
    shown_notice: Option<&str>,
    typed_quote: &str,
    my_quote: Option<&PendingOrder>,
) -> PageResult {
    let heading = ctx.t_args(
        "order-page-heading",
        &[
            ("quantity", order.quantity.to_string()),
            ("product", order.product.clone()),
        ],
    );
    let title = heading.clone();
    let shown = notice(ctx, shown_notice);
    let summary = error_summary(ctx, errors, None);
    let facts = [
        (ctx.t("catalogue-ocid"), order.ocid.clone()),
        (ctx.t("orders-buyer"), order.buyer_name.clone()),
        (ctx.t("field-department"), order.department.clone()),
        (ctx.t("order-created"), local_time(order.created_at, tz)),
        (ctx.t("catalogue-status"), status_text(ctx, order)),
        (
            ctx.t("order-kind"),
            ctx.t(&format!("order-kind-{}", order.kind)),
        ),
        (ctx.t("catalogue-supplier"), supplier_text(ctx, order)),
        (ctx.t("field-unit-price"), money(order, &order.unit_price)),
        (ctx.t("order-total"), money(order, &order.total)),
        (
            ctx.t("order-median-at-order"),
            money(order, &order.catalogue_median),
        ),
        (
            ctx.t("order-quotes-close"),
            deadline(order.quotes_close_at, tz),
        ),
        (ctx.t("order-accept-by"), deadline(order.accept_by, tz)),
        (ctx.t("order-delivery-due"), time(order.delivery_due_at, tz)),
        (ctx.t("order-delivered"), time(order.delivered_at, tz)),
        (ctx.t("order-conformity"), time(order.conformity_at, tz)),
    ]
    .into_iter()
    // What has not happened yet is left out (a quote request has no price to show).
    .filter(|(_, v)| v != "—")
    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
    .collect_view();
    let late = order.late.then(|| {
        let text = ctx.t("order-late-note");
        view! { <p class="notice" role="status">{text}</p> }
    });
    let flags = (!order.flags.is_empty()).then(|| {
        let heading = ctx.t("order-flags");
        let items = order
            .flags
            .iter()
            .map(|f| {
                let text = flag_text(ctx, *f);
                view! { <li>{text}</li> }
            })
            .collect_view();
        view! { <section class="glance"><h2>{heading}</h2><ul>{items}</ul></section> }
    });
    let reason = order.choice_reason.clone().map(|r| {
        let label = ctx.t("order-choice-reason");
        view! { <p><strong>{label}</strong>" "{r}</p> }
    });
    let (l_supplier, l_price, l_rank, l_outcome) = (
        ctx.t("catalogue-supplier"),
        ctx.t("field-unit-price"),
        ctx.t("order-rank"),
        ctx.t("order-outcome"),
    );
    let head = column_heads(&[&l_rank, &l_supplier, &l_price, &l_outcome]);
    let rows = order
        .candidates
        .iter()
        .map(|c| {
            let rank = c.rank.map_or_else(|| "—".to_owned(), |r| r.to_string());
            let supplier = format!("{} (RUC {})", c.supplier_name, c.supplier_ruc);
            let price = match (&c.unit_price, order.status.as_str()) {
                (Some(p), _) => money_shown(&order.currency, p),
                (None, "quoting") if c.quoted => ctx.t("order-quote-sealed"),
                (None, _) => "—".to_owned(),
            };
            let outcome = match (&c.outcome, order.awaiting == Some(c.supplier_id)) {
                (Some(o), _) => ctx.t(&format!("order-outcome-{o}")),
                (None, true) => ctx.t("order-outcome-turn"),
                (None, false) => String::new(),
            };
            let labels = (
                l_rank.clone(),
                l_supplier.clone(),
                l_price.clone(),
                l_outcome.clone(),
            );
            view! {
                <tr>
                    <td class="num" data-label=labels.0>{rank}</td>
                    <td class="key" data-label=labels.1>{supplier}</td>
                    <td class="num" data-label=labels.2>{price}</td>
                    <td data-label=labels.3>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    let candidates_heading = ctx.t("order-candidates");
    let received = (order.status == "quoting").then(|| {
        let text = ctx.t_args(
            "order-quotes-received",
            &[("count", order.quotes_received.to_string())],
        );
        view! { <p>{text}</p> }
    });
    let actions = order_actions(ctx, order, errors, typed_quote, my_quote);
    Ok(page(
        ctx,
        form_status(errors),
        &title,
        view! {
            {shown}
            <p><a href="/catalogo/pedidos">{ctx.t("orders-back")}</a></p>
            <h1>{heading}</h1>
            <p>
                <a href=format!("/catalogo/productos/{}", order.product_id)>{ctx.t("order-product-link")}</a>
                " · "
                <a href=format!("/catalogo/acuerdos/{}", order.agreement_id)>{ctx.t("order-agreement-link")}</a>
                " · "
                <a href=format!("/api/v1/ocds/records/{}", order.ocid)>{ctx.t("order-open-data")}</a>
            </p>
            {late}
            {flags}
            {summary}
            {actions}
            <dl class="details">{facts}</dl>
            {reason}
            <h2>{candidates_heading}</h2>
            {received}
            {card_table(order.candidates.len(), None, Some(head), rows)}
        },
    ))
}

/// The forms the viewer may use on the order now.
fn order_actions(
    ctx: &PageContext,
    order: &OrderView,
    errors: &[FieldError],
    typed_quote: &str,
    mine: Option<&PendingOrder>,
) -> Option<AnyView> {
    let user = ctx.user.as_ref()?;
    let id = order.id;
    let button = |path: &str, name: Option<(&str, &str)>, key: &str| {
        let action = format!("/catalogo/pedidos/{id}/{path}");
        let text = ctx.t(key);
        // Declining passes the order on for good: it does not look like accepting.
        let class = (name == Some(("answer", "decline"))).then_some("danger");
        let field = name
            .map(|(n, v)| view! { <input type="hidden" name=n.to_owned() value=v.to_owned()/> });
        view! {
            <form method="post" action=action class="inline">
                {csrf_input(ctx)}
                {field}
                <button type="submit" class=class>{text}</button>
            </form>
        }
    };
    if user.role == Role::Supplier && user.supplier_id.is_some() {
        let candidate = order
            .candidates
            .iter()
            .find(|c| Some(c.supplier_id) == user.supplier_id)?;
        if order.status == "awaiting_acceptance" && order.awaiting == Some(candidate.supplier_id) {
            let lead = ctx.t("order-your-turn");
            return Some(
                view! {
                    <section class="glance">
                        <p>{lead}</p>
                        {button("respuesta", Some(("answer", "accept")), "order-accept")}
                        {button("respuesta", Some(("answer", "decline")), "order-decline")}
                    </section>
                }
                .into_any(),
            );
        }
        if order.status == "quoting" {
            let action = format!("/catalogo/pedidos/{id}/cotizacion");
            let lead = ctx.t("order-quote-lead");
            let submit = ctx.t("order-quote-submit");
            let current = mine.and_then(|p| p.my_quote.clone()).map(|price| {
                let total = Currency::from_code(&order.currency)
                    .and_then(|c| Money::parse(&price, c, "unit_price").ok())
                    .and_then(|m| m.minor().checked_mul(order.quantity))
                    .map(|t| backend::framework::decimal(t, &order.currency))
                    .map_or_else(|| "—".to_owned(), |t| money_shown(&order.currency, &t));
                let text = ctx.t_args(
                    "order-your-quote",
                    &[
                        ("price", money_shown(&order.currency, &price)),
                        ("total", total),
                    ],
                );
                view! { <p><strong>{text}</strong></p> }
            });
            return Some(
                view! {
                    <section class="glance">
                        <p>{lead}</p>
                        {current}
                        <form method="post" action=action class="stack" novalidate>
                            {csrf_input(ctx)}
                            {plain_field(ctx, "unit_price", typed_quote, errors, Some("catalogue-price-hint"))}
                            <button type="submit">{submit}</button>
                        </form>
                    </section>
                }
                .into_any(),
            );
        }
        return None;
    }
    if user.role == Role::Officer
        && user.buyer_id == Some(order.buyer_id)
        && order.status == "accepted"
    {
        if order.delivered_at.is_none() {
            return Some(button("entrega", None, "order-record-delivery").into_any());
        }
        if order.conformity_at.is_none() {
            return Some(button("conformidad", None, "order-record-conformity").into_any());
        }
    }
    None
}

/// `GET /catalogo/pedidos/{id}`.
pub async fn show(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    Query(q): Query<Notice>,
) -> PageResult {
    let order = orders::view(&app, id).await.or_page(&ctx)?;
    let mine = my_pending(&app, &ctx, id).await;
    render_order(
        &ctx,
        &order,
        app.settings.timezone,
        &[],
        q.aviso.as_deref(),
        "",
        mine.as_ref(),
    )
}

/// What the signed-in supplier has pending on order `id` (its quote so far).
async fn my_pending(app: &AppState, ctx: &PageContext, id: i64) -> Option<PendingOrder> {
    let user = ctx.user.as_ref().filter(|u| u.role == Role::Supplier)?;
    orders::pending(app, user)
        .await
        .ok()?
        .into_iter()
        .find(|p| p.id == id)
}

/// After an action on the order: back to its page, or the page with the error.
async fn after(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    done: Result<(), AppError>,
    notice_key: &str,
    typed_quote: &str,
) -> Result<Response, PageFailure> {
    let errors = match done {
        Ok(()) => {
            return Ok(redirect(
                ctx,
                &format!("/catalogo/pedidos/{id}?aviso={notice_key}"),
            ));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Conflict(error)) => vec![error],
        Err(e) => return Err(PageFailure::new(ctx, e)),
    };
    let order = orders::view(app, id).await.or_page(ctx)?;
    let mine = my_pending(app, ctx, id).await;
    render_order(
        ctx,
        &order,
        app.settings.timezone,
        &errors,
        None,
        typed_quote,
        mine.as_ref(),
    )
}

/// The quote form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct QuoteForm {
    unit_price: String,
}

/// `POST /catalogo/pedidos/{id}/cotizacion`.
pub async fn quote(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    form: Result<CsrfForm<QuoteForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let done = orders::quote(
        &app,
        &user,
        id,
        QuoteInput {
            unit_price: form.unit_price.clone(),
        },
    )
    .await;
    after(&app, &ctx, id, done, "quote-saved", &form.unit_price).await
}

/// The answer form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
}

/// `POST /catalogo/pedidos/{id}/respuesta`.
pub async fn answer(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    form: Result<CsrfForm<AnswerForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let done = orders::answer(
        &app,
        &user,
        id,
        AnswerInput {
            answer: form.answer,
        },
    )
    .await;
    after(&app, &ctx, id, done, "order-answered", "").await
}

/// `POST /catalogo/pedidos/{id}/entrega`.
pub async fn delivery(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    form: Result<CsrfForm<NoFields>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    form.or_page(&ctx)?;
    let done = orders::record(&app, &user, id, Receipt::Delivery).await;
    after(&app, &ctx, id, done, "order-recorded", "").await
}

/// `POST /catalogo/pedidos/{id}/conformidad`.
pub async fn conformity(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    form: Result<CsrfForm<NoFields>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    form.or_page(&ctx)?;
    let done = orders::record(&app, &user, id, Receipt::Conformity).await;
    after(&app, &ctx, id, done, "order-recorded", "").await
}
