//! Transparency, for anyone and without JavaScript: the dashboard of public buying (figures
//! over all buyers or one, a date range and a method, with server-drawn SVG charts, each
//! followed by its data table and the CSV/JSON behind it), a buyer's page, and the public
//! list of awards and contracts. The supplier page's "what it won" section is made here too.

use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::{
    AppError, AppState,
    domain::{BuyerId, Method, money_shown},
    error::FieldError,
    framework::spend::CatalogueSpend,
    http::ApiPath,
    transparency::{
        self, Dashboard, DashboardQuery, Figures,
        awards::{AwardsPage, AwardsQuery, SupplierRecord},
    },
};
use leptos::prelude::*;

use crate::{
    context::PageContext,
    layout::{
        Field, captioned_table, error_summary, form_errors, form_status, local_time, page,
        pagination, select_field, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// A percentage as pages show it, or a dash when there is nothing to divide.
fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1} %"))
}

/// The money figures of `f`, one currency after another.
fn money_awarded(f: &Figures) -> String {
    if f.savings.is_empty() {
        return money_shown("PEN", "0.00");
    }
    f.savings
        .iter()
        .map(|s| money_shown(&s.currency, &s.awarded))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn savings(f: &Figures) -> String {
    if f.savings.is_empty() {
        return "—".to_owned();
    }
    f.savings
        .iter()
        .map(|s| {
            if f.savings.len() == 1 {
                pct(s.percent)
            } else {
                format!("{} ({})", pct(s.percent), s.currency)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The headline figures as a definition list.
fn figure_list(ctx: &PageContext, f: &Figures) -> impl IntoView + use<> {
    let number = |v: Option<f64>, digits: usize| {
        v.map_or_else(|| "—".to_owned(), |v| format!("{v:.digits$}"))
    };
    let items: Vec<(String, String)> = vec![
        (ctx.t("dash-tenders"), f.tenders_published.to_string()),
        (ctx.t("dash-value-awarded"), money_awarded(f)),
        (
            ctx.t("dash-single-bid-rate"),
            format!(
                "{} ({}/{})",
                pct(f.single_bid_rate),
                f.single_bid_lots,
                f.lots_with_bids
            ),
        ),
        (
            ctx.t("dash-bidders-per-lot"),
            number(f.average_bidders_per_lot, 2),
        ),
        (ctx.t("dash-savings"), savings(f)),
        (
            ctx.t("dash-direct-share"),
            format!(
                "{} ({}/{})",
                pct(f.direct_contracting_share),
                f.direct_contracting,
                f.tenders_published
            ),
        ),
        (ctx.t("dash-median-days"), number(f.median_days_to_award, 1)),
        (
            ctx.t("dash-disqualification-rate"),
            format!(
                "{} ({}/{})",
                pct(f.disqualification_rate),
                f.disqualified,
                f.evaluations
            ),
        ),
        (
            ctx.t("dash-complaints"),
            ctx.t_args(
                "dash-complaints-value",
                &[
                    ("filed", f.complaints_filed.to_string()),
                    ("upheld", f.complaints_upheld.to_string()),
                ],
            ),
        ),
        (
            ctx.t("dash-flags"),
            ctx.t_args(
                "dash-flags-value",
                &[
                    ("raised", f.flags_raised.to_string()),
                    ("justified", f.flags_justified.to_string()),
                ],
            ),
        ),
    ];
    let items = items
        .into_iter()
        .map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! { <dl class="figures">{items}</dl> }
}

/// The catalogue's orders, apart from the tenders' figures.
fn catalogue_section(
    ctx: &PageContext,
    c: &CatalogueSpend,
    buyer: Option<&str>,
) -> impl IntoView + use<> {
    // The list of orders of the same entity as the figures (a buyer the filter parsed: an
    // id, digits only).
    let list = match buyer.map(str::trim).and_then(|b| b.parse::<i64>().ok()) {
        Some(id) => format!("/catalogo/pedidos?buyer={id}"),
        None => "/catalogo/pedidos".to_owned(),
    };
    let spent = if c.spent.is_empty() {
        money_shown("PEN", "0.00")
    } else {
        c.spent
            .iter()
            .map(|s| money_shown(&s.currency, &s.amount))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let items = [
        (ctx.t("dash-catalogue-orders"), c.orders_placed.to_string()),
        (ctx.t("dash-catalogue-quotes"), c.quote_requests.to_string()),
        (
            ctx.t("dash-catalogue-accepted"),
            c.orders_accepted.to_string(),
        ),
        (ctx.t("dash-catalogue-spent"), spent),
        (ctx.t("dash-catalogue-void"), c.orders_void.to_string()),
    ]
    .into_iter()
    .map(|(term, value)| view! { <div><dt>{term}</dt><dd>{value}</dd></div> })
    .collect_view();
    view! {
        <section aria-labelledby="catalogue-heading">
            <h2 id="catalogue-heading">{ctx.t("dash-catalogue")}</h2>
            <p>{ctx.t("dash-catalogue-lead")}</p>
            <dl class="figures">{items}</dl>
            <p><a href=list>{ctx.t("dash-catalogue-list")}</a></p>
        </section>
    }
}

/// Horizontal bars, one per row (label above its bar, value at its end): drawn for a 320-unit
/// width so that on a phone its text is the size of the page's.
fn bar_chart(id: &str, bars: &[(String, f64, String)], max: f64) -> impl IntoView + use<> {
    const WIDTH: f64 = 320.0;
    const ROW: f64 = 40.0;
    let height = ROW * bars.len() as f64;
    let view_box = format!("0 0 {WIDTH} {height}");
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, (label, value, text))| {
            let top = ROW * i as f64;
            let share = if max > 0.0 { value / max } else { 0.0 };
            let width = (share * (WIDTH - 70.0)).max(1.0);
            let (label_y, bar_y, value_x) = (top + 14.0, top + 20.0, width + 6.0);
            let value_y = bar_y + 12.0;
            // The chart's width holds about 44 characters; the table below has the whole name.
            let label = if label.chars().count() > 44 {
                format!("{}…", label.chars().take(43).collect::<String>())
            } else {
                label.clone()
            };
            view! {
                <text x="0" y=label_y.to_string() class="chart-label">{label}</text>
                <rect x="0" y=bar_y.to_string() width=format!("{width:.1}") height="14" class="chart-bar"></rect>
                <text x=format!("{value_x:.1}") y=value_y.to_string() class="chart-value">{text.clone()}</text>
            }
        })
        .collect_view();
    let labelled = format!("{id}-caption");
    view! {
        <svg class="chart" viewBox=view_box role="img" aria-labelledby=labelled
            xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">{rows}</svg>
    }
}

/// Vertical bars, one per month: each with its figure above it (while the bars are wide
/// enough for one) and its month and figure as its title; months named under the axis at
/// most six times, evenly, the last always (the table below gives every month in words).
fn month_chart(id: &str, months: &[(String, f64)]) -> impl IntoView + use<> {
    const WIDTH: f64 = 320.0;
    const HEIGHT: f64 = 140.0;
    let max = months.iter().map(|m| m.1).fold(0.0, f64::max);
    let n = months.len().max(1);
    let slot = WIDTH / n as f64;
    let every = n.div_ceil(6);
    let axis_y = HEIGHT + 16.0;
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, (month, value))| {
            let h = if max > 0.0 { value / max * HEIGHT } else { 0.0 };
            let (x, y) = (slot * i as f64 + slot * 0.1, HEIGHT - h);
            let centre = format!("{:.1}", slot * i as f64 + slot / 2.0);
            let figure = (slot >= 14.0).then(|| {
                view! {
                    <text x=centre.clone() y=format!("{:.1}", y - 3.0) text-anchor="middle"
                        class="chart-value">{format!("{value}")}</text>
                }
            });
            let named = i + 1 == n || (i % every == 0 && n - 1 - i >= every);
            let label = named.then(|| {
                let anchor = if i == 0 {
                    "start"
                } else if i + 1 == n {
                    "end"
                } else {
                    "middle"
                };
                let at = match anchor {
                    "start" => format!("{:.1}", slot * i as f64),
                    "end" => format!("{:.1}", slot * (i + 1) as f64),
                    _ => centre.clone(),
                };
                view! {
                    <text x=at y=axis_y.to_string() text-anchor=anchor class="chart-label">{month.clone()}</text>
                }
            });
            view! {
                <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.1}", slot * 0.8)
                    height=format!("{h:.1}") class="chart-bar"><title>{format!("{month}: {value}")}</title></rect>
                {figure}
                {label}
            }
        })
        .collect_view();
    let view_box = format!("0 -16 {WIDTH} {}", HEIGHT + 36.0);
    let labelled = format!("{id}-caption");
    view! {
        <svg class="chart" viewBox=view_box role="img" aria-labelledby=labelled
            xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">
            {bars}
            <line x1="0" y1=HEIGHT.to_string() x2=WIDTH.to_string() y2=HEIGHT.to_string() class="chart-axis"></line>
        </svg>
    }
}

/// The query string of a dashboard filter (for the CSV and JSON links).
fn query_string(query: &DashboardQuery) -> String {
    let pairs = [
        ("buyer", &query.buyer),
        ("published_from", &query.published_from),
        ("published_to", &query.published_to),
        ("method", &query.method),
    ];
    encoded(&pairs)
}

/// `name=value&…` of the pairs whose value is not empty.
fn encoded(pairs: &[(&str, &Option<String>)]) -> String {
    let present: Vec<(&str, &str)> = pairs
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (*name, v))
        })
        .collect();
    serde_urlencoded::to_string(present).unwrap_or_default()
}

/// "CSV · JSON" links to the data behind a chart.
fn data_links(ctx: &PageContext, csv: &str, query: &str) -> impl IntoView + use<> {
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let csv_href = format!("/api/v1/transparency/{csv}{suffix}");
    let json_href = format!("/api/v1/transparency{suffix}");
    let (csv_text, json_text) = (ctx.t("dash-data-csv"), ctx.t("dash-data-json"));
    view! { <p class="data-links"><a href=csv_href download>{csv_text}</a>" · "<a href=json_href>{json_text}</a></p> }
}

/// The per-buyer chart (single-bid rate) and its table.
fn buyers_section(ctx: &PageContext, dashboard: &Dashboard, query: &str) -> impl IntoView + use<> {
    let heading = ctx.t("dash-by-buyer");
    let caption = ctx.t("dash-chart-single-bid");
    let bars: Vec<(String, f64, String)> = dashboard
        .buyers
        .iter()
        .map(|b| {
            let rate = b.figures.single_bid_rate;
            (b.name.clone(), rate.unwrap_or(0.0), pct(rate))
        })
        .collect();
    let chart = (!bars.is_empty()).then(|| bar_chart("chart-buyers", &bars, 100.0));
    let head = view! {
        <th scope="col">{ctx.t("dash-col-buyer")}</th>
        <th scope="col">{ctx.t("dash-tenders")}</th>
        <th scope="col">{ctx.t("dash-value-awarded")}</th>
        <th scope="col">{ctx.t("dash-single-bid-rate")}</th>
        <th scope="col">{ctx.t("dash-bidders-per-lot")}</th>
        <th scope="col">{ctx.t("dash-savings")}</th>
        <th scope="col">{ctx.t("dash-flags")}</th>
    };
    let rows = dashboard
        .buyers
        .iter()
        .map(|b| {
            let f = &b.figures;
            let href = format!("/entidades/{}", b.buyer_id);
            let bidders = f
                .average_bidders_per_lot
                .map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"));
            let [l_tenders, l_value, l_single, l_bidders, l_savings, l_flags] = [
                "dash-tenders",
                "dash-value-awarded",
                "dash-single-bid-rate",
                "dash-bidders-per-lot",
                "dash-savings",
                "dash-flags",
            ]
            .map(|k| ctx.t(k));
            view! {
                <tr>
                    <th scope="row"><a href=href>{b.name.clone()}</a></th>
                    <td data-label=l_tenders>{f.tenders_published}</td>
                    <td data-label=l_value>{money_awarded(f)}</td>
                    <td data-label=l_single>{pct(f.single_bid_rate)}</td>
                    <td data-label=l_bidders>{bidders}</td>
                    <td data-label=l_savings>{savings(f)}</td>
                    <td data-label=l_flags>{f.flags_raised}</td>
                </tr>
            }
        })
        .collect_view();
    let table_caption = ctx.t("dash-table-buyers");
    let table = crate::layout::card_table(
        dashboard.buyers.len(),
        Some(table_caption),
        Some(head),
        rows,
    );
    chart_section(ctx, "buyers", heading, caption, chart, table, query)
}

/// A dashboard section: its heading, the chart with its caption, the table that is the
/// chart's text alternative, and the links to the data behind it (`{slug}.csv`, JSON).
fn chart_section<C, T>(
    ctx: &PageContext,
    slug: &str,
    heading: String,
    caption: String,
    chart: C,
    table: T,
    query: &str,
) -> impl IntoView + use<C, T>
where
    C: IntoView + 'static,
    T: IntoView + 'static,
{
    let links = data_links(ctx, &format!("{slug}.csv"), query);
    let heading_id = format!("by-{slug}-heading");
    let labelled = heading_id.clone();
    let caption_id = format!("chart-{slug}-caption");
    view! {
        <section aria-labelledby=labelled>
            <h2 id=heading_id>{heading}</h2>
            <figure>
                <figcaption id=caption_id>{caption}</figcaption>
                {chart}
            </figure>
            {table}
            {links}
        </section>
    }
}

/// The monthly series (tenders published) and its table.
fn months_section(ctx: &PageContext, dashboard: &Dashboard, query: &str) -> impl IntoView + use<> {
    let heading = ctx.t("dash-by-month");
    let caption = ctx.t("dash-chart-months");
    let series: Vec<(String, f64)> = dashboard
        .months
        .iter()
        .map(|m| (m.month.clone(), m.figures.tenders_published as f64))
        .collect();
    let chart = (!series.is_empty()).then(|| month_chart("chart-months", &series));
    let head = view! {
        <th scope="col">{ctx.t("dash-col-month")}</th>
        <th scope="col">{ctx.t("dash-tenders")}</th>
        <th scope="col">{ctx.t("dash-value-awarded")}</th>
        <th scope="col">{ctx.t("dash-single-bid-rate")}</th>
        <th scope="col">{ctx.t("dash-savings")}</th>
    };
    let rows = dashboard
        .months
        .iter()
        .map(|m| {
            let f = &m.figures;
            let [l_tenders, l_value, l_single, l_savings] = [
                "dash-tenders",
                "dash-value-awarded",
                "dash-single-bid-rate",
                "dash-savings",
            ]
            .map(|k| ctx.t(k));
            view! {
                <tr>
                    <th scope="row">{m.month.clone()}</th>
                    <td data-label=l_tenders>{f.tenders_published}</td>
                    <td data-label=l_value>{money_awarded(f)}</td>
                    <td data-label=l_single>{pct(f.single_bid_rate)}</td>
                    <td data-label=l_savings>{savings(f)}</td>
                </tr>
            }
        })
        .collect_view();
    let table_caption = ctx.t("dash-table-months");
    let table = crate::layout::card_table(
        dashboard.months.len(),
        Some(table_caption),
        Some(head),
        rows,
    );
    chart_section(ctx, "months", heading, caption, chart, table, query)
}

/// `GET /transparencia`: the dashboard.
pub async fn dashboard(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Ok(Query(query)) = query else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    let (result, buyers) = tokio::join!(
        transparency::dashboard(&app, &query),
        backend::accounts::list_buyers(&app)
    );
    let buyers = buyers.or_page(&ctx)?;
    let (dashboard, errors) = match result {
        Ok(d) => (Some(d), Vec::new()),
        Err(e) => (None, form_errors(e).or_page(&ctx)?),
    };
    let title = ctx.t("dash-title");
    let heading = title.clone();
    let lead = ctx.t("dash-lead");
    let summary = error_summary(&ctx, &errors, None);
    let any = ctx.t("filter-any");
    let mut buyer_options = vec![(String::new(), any.clone())];
    buyer_options.extend(buyers.iter().map(|b| (b.id.to_string(), b.name.clone())));
    let form = filter_form(&ctx, &query, buyer_options, &errors, &any);
    let body = dashboard.map(|d| {
        let q = query_string(&query);
        let totals = ctx.t("dash-totals");
        let figures = figure_list(&ctx, &d.total);
        let by_buyer = buyers_section(&ctx, &d, &q);
        let by_month = months_section(&ctx, &d, &q);
        let catalogue = d
            .catalogue
            .as_ref()
            .map(|c| catalogue_section(&ctx, c, query.buyer.as_deref()));
        view! {
            <section aria-labelledby="totals-heading">
                <h2 id="totals-heading">{totals}</h2>
                {figures}
            </section>
            {catalogue}
            {by_buyer}
            {by_month}
        }
    });
    let definitions = ctx.t("dash-definitions");
    let awards_link = ctx.t("public-awards-title");
    Ok(page(
        &ctx,
        form_status(&errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            {form}
            {body}
            <p class="hint">{definitions}</p>
            <p><a href="/adjudicaciones">{awards_link}</a>" · "<a href="/datos-abiertos">{ctx.t("open-data-title")}</a></p>
        },
    ))
}

fn filter_form(
    ctx: &PageContext,
    query: &DashboardQuery,
    buyer_options: Vec<(String, String)>,
    errors: &[FieldError],
    any: &str,
) -> impl IntoView + use<> {
    let mut method_options = vec![(String::new(), any.to_owned())];
    method_options.extend(Method::ALL.iter().map(|m| {
        (
            m.code().to_owned(),
            ctx.t(&format!("method-{}", m.code().replace('_', "-"))),
        )
    }));
    let date = |name: &'static str, value: &Option<String>| {
        text_field(
            ctx,
            Field {
                name,
                input_type: "date",
                value: value.clone().unwrap_or_default(),
                autocomplete: "off",
                errors,
                hint: None,
            },
        )
    };
    let buyer = query.buyer.clone().unwrap_or_default();
    let method = query.method.clone().unwrap_or_default();
    view! {
        <form method="get" action="/transparencia" class="filters">
            {select_field(ctx, "buyer", buyer_options, &buyer, errors)}
            {select_field(ctx, "method", method_options, &method, errors)}
            {date("published_from", &query.published_from)}
            {date("published_to", &query.published_to)}
            <button type="submit">{ctx.t("filter-apply")}</button>
        </form>
    }
}

/// The table of a page of awards (with the buyer column unless the page is one buyer's).
fn awards_table(
    ctx: &PageContext,
    awards: &AwardsPage,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let head = view! {
        <th scope="col">{ctx.t("audit-col-tender")}</th>
        <th scope="col">{ctx.t("audit-col-lot")}</th>
        <th scope="col">{ctx.t("award-col-bidder")}</th>
        <th scope="col">{ctx.t("award-col-price")}</th>
        <th scope="col">{ctx.t("public-awards-contract")}</th>
        // Codes only: each award's page has the justifications.
        <th scope="col">{ctx.t("dash-flags")}</th>
        <th scope="col">{ctx.t("award-col-result")}</th>
    };
    let rows = awards
        .awards
        .iter()
        .map(|a| {
            let tender = format!("/licitaciones/{}", a.tender_id);
            let buyer = format!("/entidades/{}", a.buyer_id);
            let winner = match (&a.supplier_id, &a.supplier_name) {
                (Some(id), Some(name)) => {
                    let href = format!("/proveedores/{id}");
                    view! { <a href=href>{name.clone()}</a> }.into_any()
                }
                _ => "—".into_any(),
            };
            let amount = a
                .amount
                .as_ref()
                .map(|m| money_shown(&a.currency, m))
                .unwrap_or_else(|| "—".to_owned());
            let contract = a.contract.as_ref().map_or_else(
                || "—".to_owned(),
                |c| {
                    let value = money_shown(&a.currency, &c.value_now);
                    if c.modifications > 0 {
                        ctx.t_args(
                            "public-awards-modified",
                            &[("value", value), ("count", c.modifications.to_string())],
                        )
                    } else {
                        value
                    }
                },
            );
            let flags = a
                .flags
                .iter()
                .map(|code| ctx.t(&format!("flag-{}", code.replace('_', "-"))))
                .collect::<Vec<_>>()
                .join(", ");
            // No flag says so, as an award without a contract does (an empty label reads as
            // something missing).
            let flags = if flags.is_empty() { "—".to_owned() } else { flags };
            let status = ctx.t(&format!("award-status-{}", a.status));
            let when = local_time(a.awarded_at, tz);
            let [l_tender, l_lot, l_winner, l_amount, l_contract, l_flags, l_status] = [
                "audit-col-tender",
                "audit-col-lot",
                "award-col-bidder",
                "award-col-price",
                "public-awards-contract",
                "dash-flags",
                "award-col-result",
            ]
            .map(|k| ctx.t(k));
            view! {
                <tr>
                    <td data-label=l_tender><a href=tender>{a.title.clone()}</a><br/><a href=buyer>{a.buyer_name.clone()}</a><br/>{when}</td>
                    <td data-label=l_lot>{a.lot_number}" · "{a.lot_title.clone()}</td>
                    <td class="key" data-label=l_winner>{winner}</td>
                    <td class="key" data-label=l_amount>{amount}</td>
                    <td data-label=l_contract>{contract}</td>
                    <td data-label=l_flags>{flags}</td>
                    <td data-label=l_status>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = ctx.t_args(
        "public-awards-count",
        &[("count", awards.total.to_string())],
    );
    let none = (awards.total == 0).then(|| view! { <p>{ctx.t("public-awards-none")}</p> });
    view! { {none}{crate::layout::card_table(awards.awards.len(), Some(caption), Some(head), rows)} }
}

fn pages_of(awards: &AwardsPage) -> i64 {
    ((awards.total + awards.per_page - 1) / awards.per_page).max(1)
}

/// `GET /adjudicaciones`: every decided lot, newest first, with its contract.
pub async fn awards_list(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<AwardsQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Ok(Query(query)) = query else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    let awards = transparency::awards::public_awards(&app, &query)
        .await
        .or_page(&ctx)?;
    let title = ctx.t("public-awards-title");
    let heading = title.clone();
    let lead = ctx.t("public-awards-lead");
    let table = awards_table(&ctx, &awards, app.settings.timezone);
    let base = encoded(&[("buyer", &query.buyer), ("supplier", &query.supplier)]);
    let link = move |p: i64| {
        if base.is_empty() {
            format!("/adjudicaciones?page={p}")
        } else {
            format!("/adjudicaciones?{base}&page={p}")
        }
    };
    let nav = pagination(&ctx, i64::from(awards.page), pages_of(&awards), &link);
    let json = "/api/v1/awards";
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}" "<a href=json>{ctx.t("dash-data-json")}</a></p>
            {table}
            {nav}
            <p><a href="/transparencia">{ctx.t("dash-title")}</a></p>
        },
    ))
}

/// `GET /entidades/{id}`: one buyer's figures, its tenders and its awards with their flags.
pub async fn buyer_page(
    State(app): State<AppState>,
    ctx: PageContext,
    id: Result<ApiPath<BuyerId>, AppError>,
) -> PageResult {
    let Ok(ApiPath(id)) = id else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    let buyers = backend::accounts::list_buyers(&app).await.or_page(&ctx)?;
    let Some(buyer) = buyers.into_iter().find(|b| b.id == id) else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    let query = DashboardQuery {
        buyer: Some(id.to_string()),
        ..Default::default()
    };
    let awards_query = AwardsQuery {
        buyer: Some(id.to_string()),
        ..Default::default()
    };
    let (dashboard, awards) = tokio::join!(
        transparency::dashboard(&app, &query),
        transparency::awards::public_awards(&app, &awards_query)
    );
    let dashboard = dashboard.or_page(&ctx)?;
    let awards = awards.or_page(&ctx)?;
    let title = buyer.name.clone();
    let heading = title.clone();
    let ruc = ctx.t_args("dash-buyer-ruc", &[("ruc", buyer.ruc.clone())]);
    let figures = figure_list(&ctx, &dashboard.total);
    let by_month = months_section(&ctx, &dashboard, &query_string(&query));
    let tenders_href = format!("/licitaciones?buyer={id}");
    let more = (awards.total > awards.per_page).then(|| {
        let href = format!("/adjudicaciones?buyer={id}&page=2");
        view! { <p><a href=href>{ctx.t("page-next")}</a></p> }
    });
    let table = awards_table(&ctx, &awards, app.settings.timezone);
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{ruc}" · "<a href=tenders_href>{ctx.t("dash-buyer-tenders")}</a></p>
            <section aria-labelledby="totals-heading">
                <h2 id="totals-heading">{ctx.t("dash-totals")}</h2>
                {figures}
            </section>
            {by_month}
            <section aria-labelledby="awards-heading">
                <h2 id="awards-heading">{ctx.t("public-awards-title")}</h2>
                {table}
                {more}
            </section>
            <p><a href="/transparencia">{ctx.t("dash-title")}</a></p>
        },
    ))
}

/// The supplier page's section: what it won, from which buyers, and its awards.
pub fn won_section(
    ctx: &PageContext,
    record: &SupplierRecord,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let head = view! {
        <th scope="col">{ctx.t("dash-col-buyer")}</th>
        <th scope="col">{ctx.t("supplier-won-lots")}</th>
        <th scope="col">{ctx.t("supplier-won-amount")}</th>
    };
    let rows = record
        .won_from
        .iter()
        .map(|w| {
            let href = format!("/entidades/{}", w.buyer_id);
            view! {
                <tr>
                    <th scope="row"><a href=href>{w.buyer_name.clone()}</a></th>
                    <td>{w.lots}</td>
                    <td>{money_shown(&w.currency, &w.amount)}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = ctx.t("supplier-won-from");
    let from = captioned_table(record.won_from.len(), caption, Some(head), rows);
    let more = (record.awards.total > record.awards.per_page).then(|| {
        let href = format!("/adjudicaciones?supplier={}&page=2", record.supplier_id);
        view! { <p><a href=href>{ctx.t("page-next")}</a></p> }
    });
    let table = awards_table(ctx, &record.awards, tz);
    view! {
        <section aria-labelledby="won-heading">
            <h2 id="won-heading">{ctx.t("supplier-won-title")}</h2>
            {from}
            {table}
            {more}
        </section>
    }
}
