//! Tender pages: the public search (`/licitaciones`) and tender page with its documents,
//! questions, amendments and a countdown computed on the server; the officer's drafting form,
//! uploads, publication, answers, amendment and cancellation; the supplier's question form,
//! following and alert subscriptions. Every form works without JavaScript.

use crate::layout::data_table;
use axum::{
    extract::{Multipart, Query, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use backend::{
    AppError, AppState,
    accounts::{self, Buyer},
    catalogue,
    domain::Role,
    domain::money_shown,
    error::{FieldError, RequestPart, UnreadableReason},
    tenders::{
        self, AlertSubscriptions, AmendmentInput, Category, CriterionInput, LotInput, Method,
        Tender, TenderInput, TenderQuery,
    },
};
use chrono::NaiveDateTime;
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{NoFields, PageContext},
    extract::{PageForm, PagePath},
    layout::{
        Field, csrf_input, error_page, error_summary, form_errors, form_status, local_time, notice,
        page, pagination, redirect, select_field, text_area, text_field,
    },
};

fn method_name(ctx: &PageContext, m: Method) -> String {
    ctx.t(&format!("method-{}", m.code().replace('_', "-")))
}

fn category_name(ctx: &PageContext, c: Category) -> String {
    ctx.t(&format!("category-{}", c.code()))
}

fn status_name(ctx: &PageContext, status: &str) -> String {
    ctx.t(&format!("status-{}", status.replace('_', "-")))
}

fn classification_name(ctx: &PageContext, code: &str) -> String {
    code.get(..2)
        .and_then(catalogue::segment)
        .map(|s| format!("{code} — {}", s.name(ctx.lang)))
        .unwrap_or_else(|| code.to_owned())
}

/// "Closes in 3 days 4 hours" (or "closed"), computed when the page is rendered.
pub fn remaining(ctx: &PageContext, deadline: NaiveDateTime, now: NaiveDateTime) -> String {
    remaining_as(ctx, "tender-remaining", deadline, now)
}

fn remaining_as(
    ctx: &PageContext,
    key: &str,
    deadline: NaiveDateTime,
    now: NaiveDateTime,
) -> String {
    if now >= deadline {
        return ctx.t("tender-deadline-passed");
    }
    let left = deadline - now;
    ctx.t_args(
        key,
        &[
            ("days", left.num_days().to_string()),
            ("hours", (left.num_hours() % 24).to_string()),
            ("minutes", (left.num_minutes() % 60).to_string()),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// Search

/// One tender in a list (search results, the home page): its title as a link, its status
/// as a coloured tag with its name, the buyer, the estimated value, the deadline with the
/// time left, and the method. A card reads on a phone where a six-column row would not.
pub(crate) fn tender_card(
    ctx: &PageContext,
    t: &tenders::TenderSummary,
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
) -> impl IntoView + use<> {
    let href = format!("/licitaciones/{}", t.id);
    let value = money_shown(t.estimated_value.currency.code(), &t.estimated_value.amount);
    let tag = format!("status-badge status-{}", t.status);
    let deadline = format!(
        "{} ({})",
        local_time(t.submission_deadline, tz),
        remaining_as(ctx, "tender-remaining-short", t.submission_deadline, now)
    );
    let [l_value, l_deadline, l_method] = [
        "tender-estimated-value",
        "field-submission-deadline",
        "field-method",
    ]
    .map(|k| ctx.t(k));
    let (title, buyer, method, status) = (
        t.title.clone(),
        t.buyer_name.clone(),
        method_name(ctx, t.method),
        status_name(ctx, &t.status),
    );
    view! {
        <li class="tender-card">
            <p class="card-title"><a href=href>{title}</a></p>
            <p><span class=tag>{status}</span>" "{buyer}</p>
            <dl class="facts">
                <dt>{l_value}</dt><dd>{value}</dd>
                <dt>{l_deadline}</dt><dd>{deadline}</dd>
                <dt>{l_method}</dt><dd>{method}</dd>
            </dl>
        </li>
    }
}

/// `GET /licitaciones`: search published tenders.
pub async fn search(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<TenderQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return error_page(
            &ctx,
            AppError::unreadable(RequestPart::Query, UnreadableReason::Value),
        );
    };
    let now = app.clock.now_db();
    let q = query.clone();
    let result = app
        .db
        .run(move |conn| Ok((tenders::search(conn, &q, now), accounts::list_buyers(conn)?)))
        .await;
    let (result, buyers) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&ctx, e),
    };
    let (found, errors) = match result {
        Ok(found) => (Some(found), Vec::new()),
        Err(e) => match form_errors(e) {
            Ok(errors) => (None, errors),
            Err(e) => return error_page(&ctx, e),
        },
    };
    let tz = app.settings.timezone;
    let title = ctx.t("tenders-title");
    let heading = title.clone();
    let lead = ctx.t("tenders-lead");
    let any = ctx.t("tenders-any");
    // A filter: "any" first, then the choices; the query's value selected.
    let filter = |name: &'static str, choices: Vec<(String, String)>, selected: &Option<String>| {
        let mut options = vec![(String::new(), any.clone())];
        options.extend(choices);
        select_field(
            &ctx,
            name,
            options,
            selected.as_deref().unwrap_or(""),
            &errors,
        )
    };
    let text = |name, input_type, value: &Option<String>| {
        text_field(
            &ctx,
            Field {
                name,
                input_type,
                value: value.clone().unwrap_or_default(),
                autocomplete: "off",
                errors: &errors,
                hint: (name == "q").then_some("tenders-q-hint"),
            },
        )
    };
    let q_field = text("q", "search", &query.q);
    let statuses = [
        "open",
        "enquiries_closed",
        "closed",
        "cancelled",
        "awarded",
        "unsuccessful",
    ];
    let status_field = filter(
        "status",
        statuses
            .into_iter()
            .map(|s| (s.to_owned(), status_name(&ctx, s)))
            .collect(),
        &query.status,
    );
    let method_field = filter(
        "method",
        Method::ALL
            .into_iter()
            .map(|m| (m.code().to_owned(), method_name(&ctx, m)))
            .collect(),
        &query.method,
    );
    let category_field = filter(
        "procurement_category",
        Category::ALL
            .into_iter()
            .map(|c| (c.code().to_owned(), category_name(&ctx, c)))
            .collect(),
        &query.procurement_category,
    );
    let buyer_field = filter(
        "buyer",
        buyers
            .iter()
            .map(|b: &Buyer| (b.id.to_string(), b.name.clone()))
            .collect(),
        &query.buyer,
    );
    let classification_field = filter(
        "classification",
        catalogue::catalogue()
            .unspsc_segments
            .iter()
            .map(|s| (s.code.clone(), format!("{} {}", s.code, s.name(ctx.lang))))
            .collect(),
        &query.classification,
    );
    let currency_field = select_field(
        &ctx,
        "currency",
        vec![
            ("PEN".into(), "PEN (S/)".into()),
            ("USD".into(), "USD (US$)".into()),
        ],
        query.currency.as_deref().unwrap_or("PEN"),
        &errors,
    );
    let value_min = text("value_min", "text", &query.value_min);
    let value_max = text("value_max", "text", &query.value_max);
    let deadline_from = text("deadline_from", "date", &query.deadline_from);
    let deadline_to = text("deadline_to", "date", &query.deadline_to);
    let sort_field = select_field(
        &ctx,
        "sort",
        ["deadline", "-deadline", "-published", "value", "-value"]
            .into_iter()
            .map(|s| {
                (
                    s.to_owned(),
                    ctx.t(&format!(
                        "tenders-sort-{}",
                        s.trim_start_matches('-').to_owned()
                            + if s.starts_with('-') { "-desc" } else { "" }
                    )),
                )
            })
            .collect(),
        query.sort.as_deref().unwrap_or("deadline"),
        &errors,
    );
    let search_label = ctx.t("tenders-search");
    let more_filters = ctx.t("tenders-more-filters");
    let summary = error_summary(&ctx, &errors, None);
    let results = found.map(|found| {
        let count = if found.total_is_lower_bound {
            ctx.t_args("tenders-count-more", &[("total", found.total.to_string())])
        } else {
            ctx.t_args("tenders-count", &[("total", found.total.to_string())])
        };
        let pages =
            ((found.total + i64::from(found.per_page) - 1) / i64::from(found.per_page)).max(1);
        let rows = found
            .tenders
            .iter()
            .map(|t| tender_card(&ctx, t, tz, now))
            .collect_view();
        let link = |page: i64| {
            let mut params = serde_urlencoded::to_string(TenderQuery {
                page: None,
                ..query.clone()
            })
            .unwrap_or_default();
            if !params.is_empty() {
                params.push('&');
            }
            format!("/licitaciones?{params}page={page}")
        };
        let nav = pagination(&ctx, i64::from(found.page), pages, &link);
        let none = (found.total == 0).then(|| {
            let text = ctx.t("tenders-none");
            view! { <p>{text}</p> }
        });
        view! {
            <p role="status">{count}</p>
            {none}
            <ol class="cards">{rows}</ol>
            {nav}
        }
    });
    page(
        &ctx,
        form_status(&errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="get" action="/licitaciones" class="search" role="search">
                {q_field}
                {status_field}
                {sort_field}
                <details>
                    <summary>{more_filters}</summary>
                    {method_field}
                    {category_field}
                    {buyer_field}
                    {classification_field}
                    {currency_field}
                    {value_min}
                    {value_max}
                    {deadline_from}
                    {deadline_to}
                </details>
                <button type="submit">{search_label}</button>
            </form>
            {results}
        },
    )
}

// ---------------------------------------------------------------------------------------
// The tender page

/// `GET /licitaciones/{id}`.
pub async fn detail(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    Query(notice_query): Query<Notice>,
) -> Response {
    render_detail(&app, &ctx, id, Vec::new(), notice_query.aviso.as_deref()).await
}

async fn render_detail(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    errors: Vec<FieldError>,
    shown: Option<&str>,
) -> Response {
    let now = app.clock.now_db();
    let viewer = ctx.user.clone();
    let loaded = app
        .db
        .run(move |conn| {
            let tender = tenders::find(conn, id, viewer.as_ref(), now)?;
            let following = match &viewer {
                Some(u) if u.role == Role::Supplier => tenders::is_following(conn, id, u.id)?,
                _ => false,
            };
            let sealing = backend::bids::sealing(conn, id, now)?;
            Ok((tender, following, sealing))
        })
        .await;
    let (tender, following, sealing) = match loaded {
        Ok(t) => t,
        Err(e) => return error_page(ctx, e),
    };
    let tz = app.settings.timezone;
    let staff = tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id);
    let status_code = form_status(&errors);
    let summary = error_summary(ctx, &errors, None);
    let shown = notice(ctx, shown);
    let title = tender.title.clone();
    let body = tender_view(ctx, &tender, now, tz);
    let sealed = super::bids::tender_section(ctx, &tender, sealing.as_ref());
    let manage = staff.then(|| staff_panel(ctx, &tender, &errors));
    let supplier = ctx
        .user
        .as_ref()
        .filter(|u| u.role == Role::Supplier && tender.status != "draft")
        .map(|_| supplier_panel(ctx, &tender, following, &errors));
    page(
        ctx,
        status_code,
        &title,
        view! {
            {crate::layout::breadcrumbs(ctx, Vec::new(), &tender.title)}
            {shown}
            {summary}
            {body}
            {sealed}
            {supplier}
            {manage}
        },
    )
}

fn tender_view(
    ctx: &PageContext,
    t: &Tender,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let status = status_name(ctx, &t.status);
    let countdown = ["open", "enquiries_closed"]
        .contains(&t.status.as_str())
        .then(|| {
            let text = remaining(ctx, t.submission_deadline, now);
            let label = ctx.t("tender-countdown");
            view! { <p class="countdown"><strong>{label}</strong>" "{text}</p> }
        });
    // What a bidder needs first: when it closes, what it is worth, the documents, how to bid.
    let taking_bids = ["open", "enquiries_closed"].contains(&t.status.as_str());
    let at_a_glance = taking_bids.then(|| {
        let [heading, l_deadline, l_value, l_documents, l_how] = [
            "tender-glance-heading",
            "field-submission-deadline",
            "tender-estimated-value",
            "tender-glance-documents",
            "tender-glance-how",
        ]
        .map(|k| ctx.t(k));
        let deadline = local_time(t.submission_deadline, tz);
        let value = money_shown(t.estimated_value.currency.code(), &t.estimated_value.amount);
        let documents = ctx.t_args(
            "tender-glance-documents-count",
            &[("count", t.documents.len().to_string())],
        );
        let how = match &ctx.user {
            Some(u) if u.role == Role::Supplier => view! {
                <a href="#ofertas">{ctx.t("tender-glance-how-supplier")}</a>
            }
            .into_any(),
            Some(_) => view! { {ctx.t("tender-glance-how-staff")} }.into_any(),
            None => {
                let login = format!(
                    "/ingresar?volver={}",
                    urlencoding::encode(&format!("/licitaciones/{}", t.id))
                );
                view! {
                    <a href=login>{ctx.t("tender-glance-how-login")}</a>
                    " · "
                    <a href="/proveedores/registro">{ctx.t("home-path-register")}</a>
                }
                .into_any()
            }
        };
        view! {
            <section class="glance" aria-labelledby="glance-heading">
                <h2 id="glance-heading">{heading}</h2>
                <dl class="facts">
                    <dt>{l_deadline}</dt><dd>{deadline}</dd>
                    <dt>{l_value}</dt><dd>{value}</dd>
                    <dt>{l_documents}</dt><dd><a href="#documentos">{documents}</a></dd>
                    <dt>{l_how}</dt><dd>{how}</dd>
                </dl>
            </section>
        }
    });
    let cancelled = t.cancelled_at.map(|at| {
        let text = ctx.t_args(
            "tender-cancelled-notice",
            &[
                ("at", local_time(at, tz)),
                ("ground", t.cancellation_ground.clone().unwrap_or_default()),
            ],
        );
        view! { <div class="notice notice-warning" role="status">{text}</div> }
    });
    let facts = vec![
        (
            ctx.t("tender-ocid"),
            t.ocid.clone().unwrap_or_else(|| ctx.t("tender-no-ocid")),
        ),
        (ctx.t("field-buyer"), t.buyer_name.clone()),
        (ctx.t("field-status"), status.clone()),
        (ctx.t("field-method"), method_name(ctx, t.method)),
        (
            ctx.t("field-procurement-category"),
            category_name(ctx, t.procurement_category),
        ),
        (
            ctx.t("field-classification"),
            classification_name(ctx, &t.classification),
        ),
        (
            ctx.t("tender-estimated-value"),
            money_shown(t.estimated_value.currency.code(), &t.estimated_value.amount),
        ),
        (
            ctx.t("field-award-criteria"),
            ctx.t(&format!(
                "criteria-{}",
                t.award_criteria.code().replace('_', "-")
            )),
        ),
        (
            ctx.t("tender-published-at"),
            t.published_at
                .map(|p| local_time(p, tz))
                .unwrap_or_else(|| "—".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
    .collect_view();
    let schedule = [
        ("field-enquiry-deadline", t.enquiry_deadline),
        ("field-submission-deadline", t.submission_deadline),
        ("field-opening-at", t.opening_at),
    ]
    .into_iter()
    .map(|(k, at)| {
        let (label, when) = (ctx.t(k), local_time(at, tz));
        view! { <tr><th scope="row">{label}</th><td>{when}</td></tr> }
    })
    .collect_view();
    let lot_rows = t
        .lots
        .iter()
        .map(|l| {
            let value = money_shown(l.estimated_value.currency.code(), &l.estimated_value.amount);
            let (n, title, qty) = (l.number, l.title.clone(), format!("{} {}", l.quantity, l.unit));
            view! { <tr><td>{n}</td><td>{title}</td><td>{qty}</td><td class="num">{value}</td></tr> }
        })
        .collect_view();
    let criteria_rows = t
        .criteria
        .iter()
        .map(|c| {
            let (name, weight) = (c.name.clone(), c.weight);
            view! { <tr><td>{name}</td><td class="num">{weight}</td></tr> }
        })
        .collect_view();
    let committee = t
        .committee
        .iter()
        .map(|m| {
            let role = ctx.t(&format!("committee-{}", m.committee_role));
            let name = m.display_name.clone();
            view! { <li>{name}" — "{role}</li> }
        })
        .collect_view();
    let threshold = ctx.t_args(
        "tender-threshold",
        &[("k", t.committee_threshold.to_string())],
    );
    let documents = t
        .documents
        .iter()
        .map(|d| {
            let href = format!("/api/v1/tenders/{}/documents/{}", t.id, d.id);
            let state = if let Some(a) = d.withdrawn_in {
                ctx.t_args("document-withdrawn", &[("n", amendment_number(t, a))])
            } else if let Some(a) = d.added_in {
                ctx.t_args("document-added-in", &[("n", amendment_number(t, a))])
            } else if d.published_at.is_none() {
                ctx.t("document-staged")
            } else {
                String::new()
            };
            let (name, sha, size, kind) = (d.filename.clone(), d.sha256.clone(), format!("{} KB", (d.size + 1023) / 1024), d.media_type.clone());
            view! { <tr><td><a href=href download="">{name}</a></td><td>{kind}</td><td class="num">{size}</td><td><code class="hash">{sha}</code></td><td>{state}</td></tr> }
        })
        .collect_view();
    let no_documents = t.documents.is_empty().then(|| {
        let text = ctx.t("tender-no-documents");
        view! { <p>{text}</p> }
    });
    let enquiries = t
        .enquiries
        .iter()
        .map(|e| {
            let asked = ctx.t_args("enquiry-asked", &[("at", local_time(e.asked_at, tz))]);
            let answer = match (&e.answer, e.answered_at) {
                (Some(a), Some(at)) => {
                    let when = ctx.t_args("enquiry-answered", &[("at", local_time(at, tz))]);
                    let a = a.clone();
                    view! { <p class="answer"><strong>{when}</strong>" "{a}</p> }.into_any()
                }
                _ => {
                    let pending = ctx.t("enquiry-pending");
                    view! { <p class="answer pending">{pending}</p> }.into_any()
                }
            };
            let (q, anchor) = (e.question.clone(), format!("consulta-{}", e.id));
            view! { <li id=anchor><p class="question"><strong>{asked}</strong>" "{q}</p>{answer}</li> }
        })
        .collect_view();
    let no_enquiries = t.enquiries.is_empty().then(|| {
        let text = ctx.t("tender-no-enquiries");
        view! { <p>{text}</p> }
    });
    let amendments = t
        .amendments
        .iter()
        .map(|a| {
            let heading = ctx.t_args(
                "amendment-heading",
                &[
                    ("n", a.number.to_string()),
                    ("at", local_time(a.created_at, tz)),
                ],
            );
            let material = a.material.then(|| {
                let text = ctx.t("amendment-material");
                view! { <p class="notice-warning">{text}</p> }
            });
            let changes = change_list(ctx, &a.changes, tz);
            let rationale = a.rationale.clone();
            view! { <li><h3>{heading}</h3>{material}<p>{rationale}</p>{changes}</li> }
        })
        .collect_view();
    let no_amendments = t.amendments.is_empty().then(|| {
        let text = ctx.t("tender-no-amendments");
        view! { <p>{text}</p> }
    });
    let labels = [
        "tender-schedule",
        "tender-lots",
        "tender-criteria",
        "tender-committee",
        "tender-documents",
        "tender-enquiries",
        "tender-amendments",
        "field-description",
        "tender-lot-number",
        "field-lot-title",
        "field-lot-quantity",
        "tender-estimated-value",
        "field-criterion-name",
        "tender-points",
        "field-file",
        "tender-document-type",
        "tender-document-size",
        "tender-document-hash",
        "tender-document-state",
        "tender-hash-help",
    ]
    .map(|k| ctx.t(k));
    let [
        h_schedule,
        h_lots,
        h_criteria,
        h_committee,
        h_documents,
        h_enquiries,
        h_amendments,
        h_description,
        c_n,
        c_title,
        c_qty,
        c_value,
        c_crit,
        c_points,
        c_file,
        c_type,
        c_size,
        c_hash,
        c_state,
        hash_help,
    ] = labels;
    let (heading, description) = (t.title.clone(), t.description.clone());
    view! {
        <article class="tender">
            <h1>{heading}</h1>
            <p class=format!("status-badge status-{}", t.status)>{status}</p>
            {cancelled}
            {countdown}
            {at_a_glance}
            <dl class="facts">{facts}</dl>
            <h2>{h_description}</h2>
            <p class="prewrap">{description}</p>
            <h2>{h_schedule}</h2>
            {data_table(3, None::<()>, schedule)}
            <h2>{h_lots}</h2>
            {data_table(t.lots.len(), Some(view! { <th scope="col">{c_n}</th><th scope="col">{c_title}</th><th scope="col">{c_qty}</th><th scope="col">{c_value}</th> }), lot_rows)}
            <h2>{h_criteria}</h2>
            {data_table(t.criteria.len(), Some(view! { <th scope="col">{c_crit}</th><th scope="col">{c_points}</th> }), criteria_rows)}
            <h2>{h_committee}</h2>
            <ul>{committee}</ul>
            <p>{threshold}</p>
            <h2 id="documentos">{h_documents}</h2>
            <p class="hint">{hash_help}</p>
            {no_documents}
            {data_table(t.documents.len(), Some(view! { <th scope="col">{c_file}</th><th scope="col">{c_type}</th><th scope="col">{c_size}</th><th scope="col">{c_hash}</th><th scope="col">{c_state}</th> }), documents)}
            <h2 id="consultas">{h_enquiries}</h2>
            {no_enquiries}
            <ol class="enquiries">{enquiries}</ol>
            <h2 id="enmiendas">{h_amendments}</h2>
            {no_amendments}
            <ol class="amendments">{amendments}</ol>
        </article>
    }
}

fn amendment_number(t: &Tender, amendment_id: i64) -> String {
    t.amendments
        .iter()
        .find(|a| a.id == amendment_id)
        .map(|a| a.number.to_string())
        .unwrap_or_default()
}

/// What an amendment changed, as a readable list.
fn change_list(
    ctx: &PageContext,
    changes: &serde_json::Value,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let show = |v: &serde_json::Value| -> String {
        match v {
            // Instants are RFC 3339 with Z; amendments recorded before that are bare UTC.
            serde_json::Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
                .map(|at| at.naive_utc())
                .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
                .map(|at| local_time(at, tz))
                .unwrap_or_else(|_| s.clone()),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|i| match i {
                    serde_json::Value::Object(o) => o
                        .values()
                        .map(|x| {
                            x.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| x.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(" · "),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" | "),
            other => other.to_string(),
        }
    };
    let items = changes
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(field, change)| {
                    let label = ctx.t(&format!("change-{}", field.replace('_', "-")));
                    let text = match (change.get("before"), change.get("after")) {
                        (Some(b), Some(a)) => ctx.t_args(
                            "change-before-after",
                            &[("before", show(b)), ("after", show(a))],
                        ),
                        _ => show(change),
                    };
                    view! { <li><strong>{label}</strong>": "{text}</li> }
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    view! { <ul class="changes">{items}</ul> }
}

fn supplier_panel(
    ctx: &PageContext,
    t: &Tender,
    following: bool,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let ask = (t.status == "open").then(|| {
        let heading = ctx.t("enquiry-ask-heading");
        let help = ctx.t("enquiry-ask-help");
        let submit = ctx.t("enquiry-ask-submit");
        let action = format!("/licitaciones/{}/consultas", t.id);
        let field = text_area(ctx, "question", String::new(), errors, 5);
        let csrf = csrf_input(ctx);
        view! {
            <section aria-labelledby="ask-heading">
                <h2 id="ask-heading">{heading}</h2>
                <p>{help}</p>
                <form method="post" action=action>
                    {csrf}
                    {field}
                    <button type="submit">{submit}</button>
                </form>
            </section>
        }
    });
    let follow_label = ctx.t(if following {
        "tender-unfollow"
    } else {
        "tender-follow"
    });
    let action = format!("/licitaciones/{}/seguir", t.id);
    let value = if following { "0" } else { "1" };
    let csrf = csrf_input(ctx);
    view! {
        {ask}
        <form method="post" action=action class="inline">
            {csrf}
            <input type="hidden" name="following" value=value/>
            <button type="submit" class="secondary">{follow_label}</button>
        </form>
    }
}

fn staff_panel(ctx: &PageContext, t: &Tender, errors: &[FieldError]) -> impl IntoView + use<> {
    let heading = ctx.t("tender-manage");
    let draft = t.status == "draft";
    let live = ["open", "enquiries_closed"].contains(&t.status.as_str());
    let edit = draft.then(|| {
        let (href, label) = (
            format!("/licitaciones/{}/editar", t.id),
            ctx.t("tender-edit"),
        );
        view! { <p><a class="button" href=href>{label}</a></p> }
    });
    let upload = (draft || live).then(|| {
        let label = ctx.t(if draft { "tender-upload" } else { "tender-upload-staged" });
        let file_label = ctx.t("field-file");
        let submit = ctx.t("tender-upload-submit");
        let action = format!("/licitaciones/{}/documentos", t.id);
        let error = errors.iter().find(|e| e.field == "file").map(|e| e.message(ctx.lang));
        let first = errors.first().is_some_and(|e| e.field == "file");
        let csrf = ctx.csrf.clone();
        let invalid = error.is_some();
        view! {
            <form method="post" action=action enctype="multipart/form-data">
                <h3>{label}</h3>
                <input type="hidden" name="csrf_token" value=csrf/>
                <div class="field" class:field-invalid=invalid>
                    <label for="f-file">{file_label}</label>
                    {error.map(|e| view! { <p class="field-error" id="f-file-error">{e}</p> })}
                    <input type="file" id="f-file" name="file" required=true autofocus=first aria-invalid=invalid.then_some("true")
                        accept=".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.doc,.xls,.ppt,.png,.jpg,.jpeg,.zip"/>
                </div>
                <button type="submit">{submit}</button>
            </form>
        }
    });
    let publish = draft.then(|| {
        let (action, label, help) = (
            format!("/licitaciones/{}/publicar", t.id),
            ctx.t("tender-publish"),
            ctx.t("tender-publish-help"),
        );
        let csrf = csrf_input(ctx);
        view! {
            <form method="post" action=action>
                {csrf}
                <p>{help}</p>
                <button type="submit">{label}</button>
            </form>
        }
    });
    let amend_cancel = live.then(|| {
        let (amend, cancel) = (ctx.t("tender-amend"), ctx.t("tender-cancel"));
        let (amend_href, cancel_href) = (format!("/licitaciones/{}/enmienda", t.id), format!("/licitaciones/{}/cancelar", t.id));
        view! { <p><a class="button" href=amend_href>{amend}</a>" "<a class="button secondary" href=cancel_href>{cancel}</a></p> }
    });
    let closed_cancel = (t.status == "closed").then(|| {
        let (cancel, cancel_href) = (
            ctx.t("tender-cancel"),
            format!("/licitaciones/{}/cancelar", t.id),
        );
        view! { <p><a class="button secondary" href=cancel_href>{cancel}</a></p> }
    });
    let answers = (t.status == "open").then(|| {
        t.enquiries
            .iter()
            .filter(|e| e.answer.is_none())
            .map(|e| {
                let action = format!("/licitaciones/{}/consultas/{}/respuesta", t.id, e.id);
                let label_id = format!("f-answer-{}", e.id);
                let label = ctx.t_args("enquiry-answer-label", &[("question", e.question.clone())]);
                let submit = ctx.t("enquiry-answer-submit");
                let csrf = csrf_input(ctx);
                let for_id = label_id.clone();
                view! {
                    <form method="post" action=action>
                        {csrf}
                        <div class="field">
                            <label for=for_id>{label}</label>
                            <textarea id=label_id name="answer" rows="4"></textarea>
                        </div>
                        <button type="submit">{submit}</button>
                    </form>
                }
            })
            .collect_view()
    });
    view! {
        <section class="manage" aria-labelledby="manage-heading">
            <h2 id="manage-heading">{heading}</h2>
            {edit}
            {publish}
            {upload}
            {amend_cancel}
            {closed_cancel}
            {answers}
        </section>
    }
}

// ---------------------------------------------------------------------------------------
// Drafting

/// The draft form as posted: lots and criteria are repeated inputs; blank rows are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TenderForm {
    title: String,
    description: String,
    method: String,
    procurement_category: String,
    classification: String,
    currency: String,
    lot_title: Vec<String>,
    lot_quantity: Vec<String>,
    lot_unit: Vec<String>,
    lot_value: Vec<String>,
    award_criteria: String,
    price_weight: String,
    criterion_name: Vec<String>,
    criterion_weight: Vec<String>,
    enquiry_deadline: String,
    submission_deadline: String,
    opening_at: String,
    committee: Vec<String>,
    observer: String,
    committee_threshold: String,
    /// Which button sent the form: empty to save, `add_lot` for one more lot row,
    /// `find_classification` to search the catalogue (nothing is saved by those two).
    form_action: String,
    /// The lot row whose "remove" button sent the form (from 1).
    remove_lot: String,
    /// How many lot rows the form showed.
    lot_rows: String,
    /// Words to find a UNSPSC segment by.
    classification_query: String,
    /// The segment chosen among those found (it replaces the classification typed).
    classification_choice: String,
    /// The note (a half-filled tender kept as typed) this form continues.
    note: String,
    // The amendment form adds these (not flattened: repeated keys need a flat struct).
    rationale: String,
    material: Option<String>,
    withdraw_documents: Vec<String>,
}

fn number_or_invalid(text: &str) -> Option<i64> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(-1))
}

fn lots_from(form: &TenderForm) -> Vec<LotInput> {
    let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
    (0..form.lot_title.len().max(form.lot_value.len()))
        .map(|i| LotInput {
            title: at(&form.lot_title, i),
            quantity: at(&form.lot_quantity, i),
            unit: at(&form.lot_unit, i),
            estimated_value: at(&form.lot_value, i),
        })
        .filter(|l| {
            !(l.title.trim().is_empty()
                && l.quantity.trim().is_empty()
                && l.estimated_value.trim().is_empty())
        })
        .collect()
}

fn criteria_from(form: &TenderForm) -> Vec<CriterionInput> {
    (0..form.criterion_name.len())
        .map(|i| CriterionInput {
            name: form.criterion_name[i].clone(),
            weight: number_or_invalid(
                form.criterion_weight
                    .get(i)
                    .map(String::as_str)
                    .unwrap_or(""),
            )
            .unwrap_or(0),
        })
        .filter(|c| !(c.name.trim().is_empty() && c.weight == 0))
        .collect()
}

impl TenderForm {
    fn into_input(self) -> TenderInput {
        TenderInput {
            lots: lots_from(&self),
            quality_criteria: if self.award_criteria == "price_quality" {
                criteria_from(&self)
            } else {
                Vec::new()
            },
            price_weight: if self.award_criteria == "price_quality" {
                number_or_invalid(&self.price_weight)
            } else {
                None
            },
            committee: self
                .committee
                .iter()
                .filter_map(|c| c.parse().ok())
                .collect(),
            observer: self.observer.trim().parse().ok(),
            committee_threshold: number_or_invalid(&self.committee_threshold),
            title: self.title,
            description: self.description,
            method: self.method,
            procurement_category: self.procurement_category,
            classification: if self.classification_choice.trim().is_empty() {
                self.classification
            } else {
                self.classification_choice
            },
            currency: self.currency,
            award_criteria: self.award_criteria,
            enquiry_deadline: self.enquiry_deadline,
            submission_deadline: self.submission_deadline,
            opening_at: self.opening_at,
        }
    }
}

/// What the draft form shows beyond the tender's fields: how many lot rows, and the
/// catalogue search with what it found.
#[derive(Debug, Default)]
struct FormHelp {
    lot_rows: usize,
    classification_query: String,
    found: Option<Vec<&'static backend::catalogue::Coded>>,
    /// The note this form continues, and whether it was just saved.
    note: Option<i64>,
    note_saved: bool,
}

impl TenderForm {
    /// A button that changes the form rather than saving it: one more lot row, one row
    /// fewer, or a catalogue search. Returns the form's input and what to show, keeping
    /// everything typed.
    fn helping(self) -> Result<(TenderInput, FormHelp), Box<Self>> {
        let shown: usize = self.lot_rows.trim().parse().unwrap_or(1).clamp(1, 200);
        let remove: Option<usize> = self.remove_lot.trim().parse().ok();
        let note = self.note.trim().parse().ok();
        let action = self.form_action.clone();
        let query = self.classification_query.clone();
        if remove.is_none() && action != "add_lot" && action != "find_classification" {
            return Err(Box::new(self));
        }
        let mut form = self;
        if let Some(n) = remove.filter(|n| *n >= 1) {
            for column in [
                &mut form.lot_title,
                &mut form.lot_quantity,
                &mut form.lot_unit,
                &mut form.lot_value,
            ] {
                if n <= column.len() {
                    column.remove(n - 1);
                }
            }
        }
        let lots = lots_from(&form).len();
        let lot_rows = match (action.as_str(), remove) {
            (_, Some(_)) => shown.saturating_sub(1).max(lots).max(1),
            ("add_lot", _) => shown.max(lots) + 1,
            _ => shown.max(lots),
        };
        let found =
            (action == "find_classification").then(|| backend::catalogue::find_segments(&query));
        Ok((
            form.into_input(),
            FormHelp {
                lot_rows,
                classification_query: query,
                found,
                note,
                note_saved: false,
            },
        ))
    }
}

fn lot_rows(
    ctx: &PageContext,
    lots: &[LotInput],
    errors: &[FieldError],
    shown: usize,
    editable: bool,
) -> impl IntoView + use<> {
    let blank = LotInput::default();
    let count = shown.max(lots.len()).max(1);
    let legend = ctx.t("field-lots");
    let help = ctx.t("tender-lots-help");
    let group_error = errors
        .iter()
        .find(|e| e.field == "lots")
        .map(|e| e.message(ctx.lang));
    let rows = (0..count)
        .map(|i| {
            let lot = lots.get(i).unwrap_or(&blank);
            let n = i + 1;
            let caption = ctx.t_args("tender-lot-n", &[("n", n.to_string())]);
            let cell = |name: &'static str, value: String, kind: &'static str| {
                let id = if i == 0 { format!("f-{name}") } else { format!("f-{name}-{n}") };
                let label = ctx.t(&format!("field-{}", name.replace('_', "-")));
                let error = errors
                    .iter()
                    .find(|e| e.field == name && e.args.iter().any(|(k, v)| *k == "lot" && *v == n.to_string()))
                    .map(|e| e.message(ctx.lang));
                let invalid = error.is_some();
                let for_id = id.clone();
                view! {
                    <div class="field" class:field-invalid=invalid>
                        <label for=for_id>{label}</label>
                        {error.map(|e| view! { <p class="field-error">{e}</p> })}
                        <input type=kind id=id name=name value=value aria-invalid=invalid.then_some("true")/>
                    </div>
                }
            };
            let remove = (editable && count > 1).then(|| {
                let text = ctx.t_args("tender-lot-remove", &[("n", n.to_string())]);
                view! { <button type="submit" name="remove_lot" value=n.to_string() class="secondary" formnovalidate=true>{text}</button> }
            });
            view! {
                <fieldset class="row">
                    <legend>{caption}</legend>
                    {cell("lot_title", lot.title.clone(), "text")}
                    {cell("lot_quantity", lot.quantity.clone(), "text")}
                    {cell("lot_unit", lot.unit.clone(), "text")}
                    {cell("lot_value", lot.estimated_value.clone(), "text")}
                    {remove}
                </fieldset>
            }
        })
        .collect_view();
    let add = editable.then(|| {
        let text = ctx.t("tender-lot-add");
        view! {
            <input type="hidden" name="lot_rows" value=count.to_string()/>
            <p><button type="submit" name="form_action" value="add_lot" class="button secondary" formnovalidate=true>{text}</button></p>
        }
    });
    view! {
        <fieldset id="f-lots" class="field">
            <legend>{legend}</legend>
            <p class="hint">{help}</p>
            {group_error.map(|e| view! { <p class="field-error">{e}</p> })}
            {rows}
            {add}
        </fieldset>
    }
}

fn criteria_rows(
    ctx: &PageContext,
    input: &TenderInput,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let options = ["lowest_price", "price_quality"]
        .into_iter()
        .map(|c| {
            (
                c.to_owned(),
                ctx.t(&format!("criteria-{}", c.replace('_', "-"))),
            )
        })
        .collect();
    let kind = select_field(
        ctx,
        "award_criteria",
        options,
        &input.award_criteria,
        errors,
    );
    let price = text_field(
        ctx,
        Field {
            name: "price_weight",
            input_type: "number",
            value: input
                .price_weight
                .map(|w| w.to_string())
                .unwrap_or_default(),
            autocomplete: "off",
            errors,
            hint: Some("tender-price-weight-help"),
        },
    );
    let legend = ctx.t("field-quality-criteria");
    let group_error = errors
        .iter()
        .find(|e| e.field == "quality_criteria")
        .map(|e| e.message(ctx.lang));
    let blank = CriterionInput::default();
    let count = (input.quality_criteria.len() + 1).max(3);
    let rows = (0..count)
        .map(|i| {
            let c = input.quality_criteria.get(i).unwrap_or(&blank);
            let n = i + 1;
            let caption = ctx.t_args("tender-criterion-n", &[("n", n.to_string())]);
            let (name_id, weight_id) = if i == 0 {
                ("f-criterion_name".to_owned(), "f-criterion_weight".to_owned())
            } else {
                (format!("f-criterion_name-{n}"), format!("f-criterion_weight-{n}"))
            };
            let (name_label, weight_label) = (ctx.t("field-criterion-name"), ctx.t("field-criterion-weight"));
            let weight = if c.weight == 0 { String::new() } else { c.weight.to_string() };
            let (name_for, weight_for) = (name_id.clone(), weight_id.clone());
            view! {
                <fieldset class="row">
                    <legend>{caption}</legend>
                    <div class="field"><label for=name_for>{name_label}</label><input type="text" id=name_id name="criterion_name" value=c.name.clone()/></div>
                    <div class="field"><label for=weight_for>{weight_label}</label><input type="number" id=weight_id name="criterion_weight" value=weight/></div>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        {kind}
        {price}
        <fieldset id="f-quality_criteria" class="field">
            <legend>{legend}</legend>
            {group_error.map(|e| view! { <p class="field-error">{e}</p> })}
            {rows}
        </fieldset>
    }
}

fn schedule_fields(
    ctx: &PageContext,
    input: &TenderInput,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let field = |name: &'static str, value: &str| {
        text_field(
            ctx,
            Field {
                name,
                // Plain text (2026-12-10 17:00): typed the same in every browser, old or new.
                input_type: "text",
                value: value.to_owned(),
                autocomplete: "off",
                errors,
                hint: Some("tender-lima-time"),
            },
        )
    };
    view! {
        {field("enquiry_deadline", &input.enquiry_deadline)}
        {field("submission_deadline", &input.submission_deadline)}
        {field("opening_at", &input.opening_at)}
    }
}

fn tender_form(
    ctx: &PageContext,
    action: String,
    input: &TenderInput,
    errors: &[FieldError],
    candidates: &tenders::CommitteeCandidates,
    help: &FormHelp,
) -> impl IntoView + use<> {
    let text = |name: &'static str, value: &str, hint: Option<&'static str>| {
        text_field(
            ctx,
            Field {
                name,
                input_type: "text",
                value: value.to_owned(),
                autocomplete: "off",
                errors,
                hint,
            },
        )
    };
    let methods = Method::ALL
        .into_iter()
        .map(|m| (m.code().to_owned(), method_name(ctx, m)))
        .collect();
    let categories = Category::ALL
        .into_iter()
        .map(|c| (c.code().to_owned(), category_name(ctx, c)))
        .collect();
    let currencies = vec![
        ("PEN".to_owned(), "PEN (S/)".to_owned()),
        ("USD".to_owned(), "USD (US$)".to_owned()),
    ];
    let (officers, auditors) = candidates;
    let committee_legend = ctx.t("field-committee");
    let committee_help = ctx.t("tender-committee-help");
    let committee_error = errors
        .iter()
        .find(|e| e.field == "committee")
        .map(|e| e.message(ctx.lang));
    let first_committee = errors.first().is_some_and(|e| e.field == "committee");
    let boxes = officers
        .iter()
        .enumerate()
        .map(|(i, (id, name))| {
            let box_id = format!("f-committee-{id}");
            let for_id = box_id.clone();
            let checked = input.committee.contains(id);
            let name = name.clone();
            view! { <label class="check" for=for_id><input type="checkbox" id=box_id name="committee" value=id.to_string() checked=checked autofocus=first_committee && i == 0/>{name}</label> }
        })
        .collect_view();
    let mut observer_options = vec![(String::new(), ctx.t("tender-no-observer"))];
    observer_options.extend(
        auditors
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
    );
    let observer = select_field(
        ctx,
        "observer",
        observer_options,
        &input.observer.map(|o| o.to_string()).unwrap_or_default(),
        errors,
    );
    let threshold = text_field(
        ctx,
        Field {
            name: "committee_threshold",
            input_type: "number",
            value: input
                .committee_threshold
                .map(|k| k.to_string())
                .unwrap_or_default(),
            autocomplete: "off",
            errors,
            hint: None,
        },
    );
    let submit = ctx.t("tender-save-draft");
    let csrf = csrf_input(ctx);
    // Enter in a field presses a form's first submit button: saving comes first (off
    // screen, out of the tab order), before the lot and catalogue buttons.
    let default_save = submit.clone();
    view! {
        <form method="post" action=action class="tender-form">
            <button type="submit" class="default-action" tabindex="-1">{default_save}</button>
            {csrf}
            {help.note.map(|id| view! { <input type="hidden" name="note" value=id.to_string()/> })}
            {text("title", &input.title, None)}
            {text_area(ctx, "description", input.description.clone(), errors, 8)}
            {select_field(ctx, "method", methods, &input.method, errors)}
            {select_field(ctx, "procurement_category", categories, &input.procurement_category, errors)}
            {text("classification", &input.classification, Some("tender-classification-help"))}
            {classification_finder(ctx, help)}
            {select_field(ctx, "currency", currencies, &input.currency, errors)}
            {lot_rows(ctx, &input.lots, errors, help.lot_rows, true)}
            {criteria_rows(ctx, input, errors)}
            {schedule_fields(ctx, input, errors)}
            <fieldset id="f-committee" class="field checks" class:field-invalid=committee_error.is_some()>
                <legend>{committee_legend}</legend>
                <p class="hint">{committee_help}</p>
                {committee_error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                {boxes}
            </fieldset>
            {observer}
            {threshold}
            <button type="submit" class="save">{submit}</button>
        </form>
    }
}

/// The catalogue search beside the classification: words, a button that sends the form
/// back with the matching segments (nothing saved), and the matches as choices.
fn classification_finder(ctx: &PageContext, help: &FormHelp) -> impl IntoView + use<> {
    let label = ctx.t("field-classification-query");
    let hint = ctx.t("tender-classification-query-help");
    let button = ctx.t("tender-classification-find");
    let query = help.classification_query.clone();
    let found = help.found.as_ref().map(|found| {
        if found.is_empty() {
            let text = ctx.t("tender-classification-none");
            return view! { <p role="status">{text}</p> }.into_any();
        }
        let legend = ctx.t("tender-classification-found");
        let choices = found
            .iter()
            .map(|s| {
                let code = format!("{}000000", s.code);
                let id = format!("f-classification-{}", s.code);
                let text = format!("{code} — {}", s.name(ctx.lang));
                let for_id = id.clone();
                view! {
                    <label class="check" for=for_id>
                        <input type="radio" id=id name="classification_choice" value=code/>
                        {text}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="checks" role="status">
                <legend>{legend}</legend>
                {choices}
            </fieldset>
        }
        .into_any()
    });
    view! {
        <div class="finder">
            <div class="field">
                <label for="f-classification_query">{label}</label>
                <p class="hint" id="f-classification_query-hint">{hint}</p>
                <input type="search" id="f-classification_query" name="classification_query" value=query aria-describedby="f-classification_query-hint"/>
            </div>
            <button type="submit" name="form_action" value="find_classification" class="button secondary" formnovalidate=true>{button}</button>
            {found}
        </div>
    }
}

async fn candidates_for(
    app: &AppState,
    ctx: &PageContext,
) -> Result<tenders::CommitteeCandidates, AppError> {
    let user = ctx.require_role(&[Role::Officer])?;
    let buyer = user.buyer_id.ok_or(AppError::Forbidden)?;
    app.db
        .run(move |conn| tenders::committee_candidates(conn, buyer))
        .await
}

async fn render_form(
    app: &AppState,
    ctx: &PageContext,
    tender_id: Option<i64>,
    input: TenderInput,
    errors: Vec<FieldError>,
) -> Response {
    let help = FormHelp {
        lot_rows: input.lots.len() + 1,
        ..FormHelp::default()
    };
    render_form_with(app, ctx, tender_id, input, errors, &help).await
}

async fn render_form_with(
    app: &AppState,
    ctx: &PageContext,
    tender_id: Option<i64>,
    input: TenderInput,
    errors: Vec<FieldError>,
    help: &FormHelp,
) -> Response {
    let candidates = match candidates_for(app, ctx).await {
        Ok(c) => c,
        Err(e) => return error_page(ctx, e),
    };
    let title = ctx.t(if tender_id.is_some() {
        "tender-edit-title"
    } else {
        "tender-new-title"
    });
    let heading = title.clone();
    let lead = ctx.t("tender-new-lead");
    let action = match tender_id {
        Some(id) => format!("/licitaciones/{id}/editar"),
        None => "/licitaciones/nueva".to_owned(),
    };
    let summary = error_summary(ctx, &errors, None);
    let kept = help.note_saved.then(|| {
        let text = ctx.t("tender-note-kept");
        view! { <div class="notice" role="status">{text}</div> }
    });
    let form = tender_form(ctx, action, &input, &errors, &candidates, help);
    page(
        ctx,
        form_status(&errors),
        &title,
        view! { <h1>{heading}</h1><p>{lead}</p>{kept}{summary}{form} },
    )
}

/// `GET /licitaciones/nueva`: an empty draft form (officers).
pub async fn new_form(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<NoteQuery>,
) -> Response {
    // `?nota=N` continues a half-filled tender kept as typed.
    if let Some(id) = q.nota.as_deref().and_then(|n| n.trim().parse::<i64>().ok()) {
        let user = match ctx.require_role(&[Role::Officer]) {
            Ok(u) => u.clone(),
            Err(e) => return error_page(&ctx, e),
        };
        let input = match app
            .db
            .run(move |conn| tenders::notes::note(conn, &user, id))
            .await
        {
            Ok(input) => input,
            Err(e) => return error_page(&ctx, e),
        };
        let help = FormHelp {
            lot_rows: input.lots.len() + 1,
            note: Some(id),
            ..FormHelp::default()
        };
        return render_form_with(&app, &ctx, None, input, Vec::new(), &help).await;
    }
    let input = TenderInput {
        currency: "PEN".into(),
        award_criteria: "lowest_price".into(),
        committee_threshold: Some(2),
        ..TenderInput::default()
    };
    render_form(&app, &ctx, None, input, Vec::new()).await
}

/// `?nota=N` on the new-tender form.
#[derive(Debug, Default, Deserialize)]
pub struct NoteQuery {
    nota: Option<String>,
}

/// A new tender's form that does not pass the checks yet: kept as typed (a note of the
/// entity), then shown back with its errors and the note's id, so nothing typed is lost.
async fn keep_half_filled(
    app: &AppState,
    ctx: &PageContext,
    user: backend::auth::CurrentUser,
    note: Option<i64>,
    input: TenderInput,
    e: AppError,
) -> Response {
    let mut errors = match form_errors(e) {
        Ok(errors) => errors,
        Err(e) => return error_page(ctx, e),
    };
    let now = app.clock.now_db();
    let typed = input.clone();
    // A form with nothing typed yet keeps nothing.
    let blank = input.title.trim().is_empty()
        && input.description.trim().is_empty()
        && input.classification.trim().is_empty()
        && input.lots.is_empty();
    let kept = if blank && note.is_none() {
        None
    } else {
        match app
            .db
            .run(move |conn| tenders::notes::keep(conn, &user, note, &typed, now))
            .await
        {
            Ok(id) => Some(id),
            // Too much to keep (too long, or the entity's limit of notes): said with the
            // form's other errors.
            Err(e) if !e.field_errors().is_empty() => {
                errors.extend(e.field_errors());
                None
            }
            Err(e) => {
                // The errors are still shown; only the keeping failed.
                tracing::warn!(error = %e, "a half-filled tender could not be kept");
                None
            }
        }
    };
    let help = FormHelp {
        lot_rows: input.lots.len() + 1,
        note: kept.or(note),
        note_saved: kept.is_some(),
        ..FormHelp::default()
    };
    render_form_with(app, ctx, None, input, errors, &help).await
}

/// `POST /licitaciones/nueva`: saves a new draft and shows it.
pub async fn create(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<TenderForm>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let form = match form.helping() {
        Ok((input, help)) => {
            return render_form_with(&app, &ctx, None, input, Vec::new(), &help).await;
        }
        Err(form) => *form,
    };
    let note: Option<i64> = form.note.trim().parse().ok();
    let input = form.into_input();
    let draft = match input.with_lima_offsets().parse() {
        Ok(d) => d,
        Err(e) => return keep_half_filled(&app, &ctx, user, note, input, e).await,
    };
    match tenders::create_draft(&app, &user, draft, note).await {
        Ok(id) => redirect(&ctx, &format!("/licitaciones/{id}?aviso=tender-drafted")),
        Err(e) => keep_half_filled(&app, &ctx, user, note, input, e).await,
    }
}

async fn form_error(
    app: &AppState,
    ctx: &PageContext,
    id: Option<i64>,
    input: TenderInput,
    e: AppError,
) -> Response {
    match form_errors(e) {
        Ok(errors) => render_form(app, ctx, id, input, errors).await,
        Err(e) => error_page(ctx, e),
    }
}

/// `GET /licitaciones/{id}/editar`: the draft form filled in.
pub async fn edit_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    let now = app.clock.now_db();
    let viewer = ctx.user.clone();
    let tender = match app
        .db
        .run(move |conn| tenders::find(conn, id, viewer.as_ref(), now))
        .await
    {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    if !tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id) {
        return error_page(&ctx, AppError::Forbidden);
    }
    if tender.status != "draft" {
        return redirect(&ctx, &format!("/licitaciones/{id}/enmienda"));
    }
    render_form(
        &app,
        &ctx,
        Some(id),
        tender.to_input(tenders::lima_input_value),
        Vec::new(),
    )
    .await
}

/// `POST /licitaciones/{id}/editar`.
pub async fn update(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<TenderForm>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let form = match form.helping() {
        Ok((input, help)) => {
            return render_form_with(&app, &ctx, Some(id), input, Vec::new(), &help).await;
        }
        Err(form) => *form,
    };
    let input = form.into_input();
    let draft = match input.with_lima_offsets().parse() {
        Ok(d) => d,
        Err(e) => return form_error(&app, &ctx, Some(id), input, e).await,
    };
    match tenders::update_draft(&app, &user, id, draft).await {
        Ok(()) => redirect(&ctx, &format!("/licitaciones/{id}?aviso=tender-saved")),
        Err(e) => form_error(&app, &ctx, Some(id), input, e).await,
    }
}

// ---------------------------------------------------------------------------------------
// Actions on the tender page

async fn after_action(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    result: Result<(), AppError>,
    notice_key: &str,
    anchor: &str,
) -> Response {
    match result {
        Ok(()) => redirect(
            ctx,
            &format!("/licitaciones/{id}?aviso={notice_key}{anchor}"),
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_detail(app, ctx, id, errors, None).await,
            Err(e) => error_page(ctx, e),
        },
    }
}

/// `POST /licitaciones/{id}/documentos` (multipart: `csrf_token` first, then `file`).
pub async fn upload(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let Ok(mut multipart) = multipart else {
        return error_page(
            &ctx,
            AppError::unreadable(RequestPart::Form, UnreadableReason::ContentType),
        );
    };
    let mut csrf_ok = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return error_page(
                    &ctx,
                    AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted),
                );
            }
        };
        match field.name() {
            Some("csrf_token") => {
                let sent = field.text().await.unwrap_or_default();
                csrf_ok = backend::keys::secrets_equal(&sent, &ctx.csrf);
            }
            Some("file") if csrf_ok => {
                let filename = field.file_name().unwrap_or("").to_owned();
                let result = tenders::receive_document(&app, &user, id, &filename, field)
                    .await
                    .map(|_| ());
                return after_action(&app, &ctx, id, result, "document-uploaded", "#documentos")
                    .await;
            }
            _ => break,
        }
    }
    if csrf_ok {
        after_action(
            &app,
            &ctx,
            id,
            Err(AppError::Validation(vec![FieldError::new(
                "file",
                "file_missing",
            )])),
            "",
            "",
        )
        .await
    } else {
        error_page(&ctx, AppError::Csrf)
    }
}

/// `POST /licitaciones/{id}/publicar`.
pub async fn publish(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(_): PageForm<NoFields>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let result = tenders::publish(&app, &user, id).await.map(|_| ());
    after_action(&app, &ctx, id, result, "tender-published", "").await
}

/// A question form.
#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    question: String,
}

/// `POST /licitaciones/{id}/consultas`.
pub async fn ask(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<QuestionForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let result = tenders::ask(&app, &user, id, form.question)
        .await
        .map(|_| ());
    after_action(&app, &ctx, id, result, "enquiry-sent", "#consultas").await
}

/// An answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    answer: String,
}

/// `POST /licitaciones/{id}/consultas/{enquiry}/respuesta`.
pub async fn answer(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, enquiry)): PagePath<(i64, i64)>,
    PageForm(form): PageForm<AnswerForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let result = tenders::answer(&app, &user, id, enquiry, form.answer).await;
    after_action(&app, &ctx, id, result, "enquiry-answered", "#consultas").await
}

/// The follow button.
#[derive(Debug, Deserialize)]
pub struct FollowForm {
    following: String,
}

/// `POST /licitaciones/{id}/seguir`.
pub async fn follow(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<FollowForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let on = form.following == "1";
    let result = tenders::follow(&app, &user, id, on).await;
    after_action(
        &app,
        &ctx,
        id,
        result,
        if on {
            "tender-followed"
        } else {
            "tender-unfollowed"
        },
        "",
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Amendment and cancellation

async fn load_for_staff(app: &AppState, ctx: &PageContext, id: i64) -> Result<Tender, AppError> {
    let now = app.clock.now_db();
    let viewer = ctx.user.clone();
    let tender = app
        .db
        .run(move |conn| tenders::find(conn, id, viewer.as_ref(), now))
        .await?;
    if !tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id) {
        return Err(if ctx.user.is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        });
    }
    Ok(tender)
}

fn render_amend(
    ctx: &PageContext,
    t: &Tender,
    input: &TenderInput,
    rationale: &str,
    material: bool,
    withdraw: &[i64],
    errors: &[FieldError],
) -> Response {
    let title = ctx.t_args("amend-title", &[("title", t.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("amend-lead");
    let summary = error_summary(ctx, errors, None);
    let action = format!("/licitaciones/{}/enmienda", t.id);
    let material_label = ctx.t("amend-material");
    let material_help = ctx.t("amend-material-help");
    let staged: Vec<String> = t
        .documents
        .iter()
        .filter(|d| d.published_at.is_none())
        .map(|d| d.filename.clone())
        .collect();
    let staged_text = (!staged.is_empty()).then(|| {
        let text = ctx.t_args("amend-staged", &[("files", staged.join(", "))]);
        view! { <p class="notice">{text}</p> }
    });
    let withdraw_legend = ctx.t("field-withdraw-documents");
    let boxes = t
        .documents
        .iter()
        .filter(|d| d.published_at.is_some() && d.withdrawn_in.is_none())
        .map(|d| {
            let id = format!("f-withdraw-{}", d.id);
            let for_id = id.clone();
            let checked = withdraw.contains(&d.id);
            let name = d.filename.clone();
            view! { <label class="check" for=for_id><input type="checkbox" id=id name="withdraw_documents" value=d.id.to_string() checked=checked/>{name}</label> }
        })
        .collect_view();
    let description = text_area(ctx, "description", input.description.clone(), errors, 8);
    let rationale_field = text_area(ctx, "rationale", rationale.to_owned(), errors, 4);
    let schedule = schedule_fields(ctx, input, errors);
    let lots = lot_rows(ctx, &input.lots, errors, input.lots.len() + 1, false);
    let criteria = criteria_rows(ctx, input, errors);
    let submit = ctx.t("amend-submit");
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            {staged_text}
            <form method="post" action=action>
                {csrf}
                {rationale_field}
                <div class="field">
                    <label class="check" for="f-material"><input type="checkbox" id="f-material" name="material" value="1" checked=material/>{material_label}</label>
                    <p class="hint">{material_help}</p>
                </div>
                {description}
                {schedule}
                {lots}
                {criteria}
                <fieldset id="f-withdraw_documents" class="field checks">
                    <legend>{withdraw_legend}</legend>
                    {boxes}
                </fieldset>
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /licitaciones/{id}/enmienda`.
pub async fn amend_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    match load_for_staff(&app, &ctx, id).await {
        Ok(t) => render_amend(
            &ctx,
            &t,
            &t.to_input(tenders::lima_input_value),
            "",
            false,
            &[],
            &[],
        ),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /licitaciones/{id}/enmienda`: only what differs from the tender is sent as changed.
pub async fn amend(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<TenderForm>,
) -> Response {
    let tender = match load_for_staff(&app, &ctx, id).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let Some(user) = ctx.user.clone() else {
        return error_page(&ctx, AppError::Unauthenticated);
    };
    let current = tender.to_input(tenders::lima_input_value);
    let material = form.material.is_some();
    let withdraw: Vec<i64> = form
        .withdraw_documents
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let rationale = form.rationale.clone();
    let wanted = form.into_input();
    let differs = |a: &str, b: &str| (a.trim() != b.trim()).then(|| a.to_owned());
    let lots_changed =
        serde_json::to_value(&wanted.lots).ok() != serde_json::to_value(&current.lots).ok();
    let criteria_changed = wanted.award_criteria != current.award_criteria
        || wanted.price_weight != current.price_weight
        || serde_json::to_value(&wanted.quality_criteria).ok()
            != serde_json::to_value(&current.quality_criteria).ok();
    let input = AmendmentInput {
        rationale: rationale.clone(),
        material,
        description: differs(&wanted.description, &current.description),
        enquiry_deadline: differs(&wanted.enquiry_deadline, &current.enquiry_deadline),
        submission_deadline: differs(&wanted.submission_deadline, &current.submission_deadline),
        opening_at: differs(&wanted.opening_at, &current.opening_at),
        lots: lots_changed.then(|| wanted.lots.clone()),
        award_criteria: criteria_changed.then(|| wanted.award_criteria.clone()),
        price_weight: wanted.price_weight,
        quality_criteria: wanted.quality_criteria.clone(),
        withdraw_documents: withdraw.clone(),
    }
    .with_lima_offsets();
    match tenders::amend(&app, &user, id, input.clone()).await {
        Ok(_) => redirect(
            &ctx,
            &format!("/licitaciones/{id}?aviso=tender-amended#enmiendas"),
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_amend(
                &ctx, &tender, &wanted, &rationale, material, &withdraw, &errors,
            ),
            Err(e) => error_page(&ctx, e),
        },
    }
}

/// The cancellation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelForm {
    ground: String,
}

fn render_cancel(ctx: &PageContext, t: &Tender, ground: &str, errors: &[FieldError]) -> Response {
    let title = ctx.t_args("cancel-title", &[("title", t.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("cancel-lead");
    let summary = error_summary(ctx, errors, None);
    let action = format!("/licitaciones/{}/cancelar", t.id);
    let field = text_area(ctx, "ground", ground.to_owned(), errors, 5);
    let submit = ctx.t("cancel-submit");
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="post" action=action>{csrf}{field}<button type="submit" class="danger">{submit}</button></form>
        },
    )
}

/// `GET /licitaciones/{id}/cancelar`.
pub async fn cancel_form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    match load_for_staff(&app, &ctx, id).await {
        Ok(t) => render_cancel(&ctx, &t, "", &[]),
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /licitaciones/{id}/cancelar`.
pub async fn cancel(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<CancelForm>,
) -> Response {
    let tender = match load_for_staff(&app, &ctx, id).await {
        Ok(t) => t,
        Err(e) => return error_page(&ctx, e),
    };
    let Some(user) = ctx.user.clone() else {
        return error_page(&ctx, AppError::Unauthenticated);
    };
    match tenders::cancel(&app, &user, id, form.ground.clone()).await {
        Ok(()) => redirect(&ctx, &format!("/licitaciones/{id}?aviso=tender-cancelled")),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_cancel(&ctx, &tender, &form.ground, &errors),
            Err(e) => error_page(&ctx, e),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Lists and alerts

/// `GET /mis-licitaciones`: the officer's entity's tenders, drafts included.
pub async fn mine(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(n): Query<Notice>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let now = app.clock.now_db();
    let (list, notes) = match app
        .db
        .run(move |conn| {
            let notes = if user.registry_officer {
                Vec::new()
            } else {
                tenders::notes::notes(conn, &user)?
            };
            Ok((tenders::buyer_tenders(conn, &user, now)?, notes))
        })
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(&ctx, e),
    };
    let tz = app.settings.timezone;
    let notes_view = (!notes.is_empty()).then(|| {
        let heading = ctx.t("tender-notes-heading");
        let help = ctx.t("tender-notes-help");
        let untitled = ctx.t("tender-note-untitled");
        let items = notes
            .iter()
            .map(|n| {
                let href = format!("/licitaciones/nueva?nota={}", n.id);
                let title = if n.title.is_empty() {
                    untitled.clone()
                } else {
                    n.title.clone()
                };
                let saved = ctx.t_args(
                    "tender-note-saved-at",
                    &[("time", local_time(n.updated_at, tz))],
                );
                view! { <li><a href=href>{title}</a>" · "{saved}</li> }
            })
            .collect_view();
        view! { <section><h2>{heading}</h2><p>{help}</p><ul class="cards">{items}</ul></section> }
    });
    let title = ctx.t("my-tenders-title");
    let heading = title.clone();
    let new_label = ctx.t("tender-new-title");
    let shown = notice(&ctx, n.aviso.as_deref());
    let rows = list
        .iter()
        .map(|t| {
            let href = format!("/licitaciones/{}", t.id);
            let (name, status, deadline) = (
                t.title.clone(),
                status_name(&ctx, &t.status),
                local_time(t.submission_deadline, tz),
            );
            view! { <tr><td><a href=href>{name}</a></td><td>{status}</td><td>{deadline}</td></tr> }
        })
        .collect_view();
    let (c_title, c_status, c_deadline) = (
        ctx.t("field-title"),
        ctx.t("field-status"),
        ctx.t("field-submission-deadline"),
    );
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <p><a class="button" href="/licitaciones/nueva">{new_label}</a></p>
            {notes_view}
            {data_table(list.len(), Some(view! { <th scope="col">{c_title}</th><th scope="col">{c_status}</th><th scope="col">{c_deadline}</th> }), rows)}
        },
    )
}

/// The alerts form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AlertsForm {
    segments: Vec<String>,
    buyers: Vec<String>,
}

async fn render_alerts(
    app: &AppState,
    ctx: &PageContext,
    chosen: AlertSubscriptions,
    errors: Vec<FieldError>,
    shown: Option<&str>,
) -> Response {
    if let Err(e) = ctx.require_role(&[Role::Supplier]) {
        return error_page(ctx, e);
    }
    let buyers = match app.db.run(accounts::list_buyers).await {
        Ok(b) => b,
        Err(e) => return error_page(ctx, e),
    };
    let title = ctx.t("alerts-title");
    let heading = title.clone();
    let lead = ctx.t("alerts-lead");
    let summary = error_summary(ctx, &errors, None);
    let shown = notice(ctx, shown);
    let segment_boxes = catalogue::catalogue()
        .unspsc_segments
        .iter()
        .map(|s| {
            let id = format!("f-segments-{}", s.code);
            let for_id = id.clone();
            let checked = chosen.segments.contains(&s.code);
            let label = format!("{} {}", s.code, s.name(ctx.lang));
            view! { <label class="check" for=for_id><input type="checkbox" id=id name="segments" value=s.code.clone() checked=checked/>{label}</label> }
        })
        .collect_view();
    let buyer_boxes = buyers
        .iter()
        .map(|b| {
            let id = format!("f-buyers-{}", b.id);
            let for_id = id.clone();
            let checked = chosen.buyers.contains(&b.id);
            let name = b.name.clone();
            view! { <label class="check" for=for_id><input type="checkbox" id=id name="buyers" value=b.id.to_string() checked=checked/>{name}</label> }
        })
        .collect_view();
    let (segments_legend, buyers_legend, submit) = (
        ctx.t("field-segments"),
        ctx.t("field-buyers"),
        ctx.t("alerts-save"),
    );
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(&errors),
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="post" action="/empresa/alertas">
                {csrf}
                <fieldset id="f-buyers" class="field checks"><legend>{buyers_legend}</legend>{buyer_boxes}</fieldset>
                <fieldset id="f-segments" class="field checks"><legend>{segments_legend}</legend><div class="check-grid">{segment_boxes}</div></fieldset>
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /empresa/alertas`.
pub async fn alerts(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(n): Query<Notice>,
) -> Response {
    let Some(user) = ctx.user.clone() else {
        return error_page(&ctx, AppError::Unauthenticated);
    };
    match app
        .db
        .run(move |conn| tenders::alert_subscriptions(conn, user.id))
        .await
    {
        Ok(chosen) => render_alerts(&app, &ctx, chosen, Vec::new(), n.aviso.as_deref()).await,
        Err(e) => error_page(&ctx, e),
    }
}

/// `POST /empresa/alertas`.
pub async fn save_alerts(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<AlertsForm>,
) -> Response {
    let Some(user) = ctx.user.clone() else {
        return error_page(&ctx, AppError::Unauthenticated);
    };
    let wanted = AlertSubscriptions {
        segments: form.segments,
        buyers: form.buyers.iter().filter_map(|b| b.parse().ok()).collect(),
    };
    let keep = wanted.clone();
    match app
        .db
        .run(move |conn| tenders::set_alert_subscriptions(conn, &user, &wanted))
        .await
    {
        Ok(_) => redirect(&ctx, "/empresa/alertas?aviso=alerts-saved"),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_alerts(&app, &ctx, keep, errors, None).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}
