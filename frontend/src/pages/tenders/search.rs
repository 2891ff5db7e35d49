//! The public search (`/licitaciones`): filters, results as cards, pagination.

use super::*;
use backend::domain::TenderStatus;

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
    // The time left only while bids are taken: a cancelled tender has no countdown.
    let deadline = if t.status.receives_bids() {
        format!(
            "{} ({})",
            local_deadline(t.submission_deadline, tz),
            remaining_as(ctx, "tender-remaining-short", t.submission_deadline, now)
        )
    } else {
        local_deadline(t.submission_deadline, tz)
    };
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
        status_name(ctx, t.status),
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
) -> PageResult {
    let Ok(Query(query)) = query else {
        return Err(PageFailure::new(
            &ctx,
            AppError::unreadable(RequestPart::Query, UnreadableReason::Value),
        ));
    };
    let now = app.clock.now_db();
    let (result, buyers) = tokio::join!(
        tenders::search(&app, &query),
        accounts::list_publishing_buyers(&app)
    );
    let buyers = buyers.or_page(&ctx)?;
    let (found, errors) = match result {
        Ok(found) => (Some(found), Vec::new()),
        Err(e) => (None, form_errors(e).or_page(&ctx)?),
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
    // Every status a published tender can have (drafts are never listed).
    let statuses = TenderStatus::ALL
        .iter()
        .copied()
        .filter(|s| *s != TenderStatus::Draft);
    let status_field = filter(
        "status",
        statuses
            .map(|s| (s.code().to_owned(), status_name(&ctx, s)))
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
    // A segment (2 digits, suggested by name) or a whole 8-digit code, typed.
    let classification_field = suggesting_field(
        &ctx,
        Field {
            name: "classification",
            input_type: "text",
            value: query.classification.clone().unwrap_or_default(),
            autocomplete: "off",
            errors: &errors,
            hint: Some("tenders-classification-hint"),
        },
        catalogue::catalogue()
            .unspsc_segments
            .iter()
            .map(|s| (s.code.clone(), format!("{} {}", s.code, s.name(ctx.lang))))
            .collect(),
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
    // Open when one of its filters is in use or in error: what narrows the list, or what
    // was refused, is never hidden.
    let inner = [
        "method",
        "procurement_category",
        "buyer",
        "classification",
        "currency",
        "value_min",
        "value_max",
        "deadline_from",
        "deadline_to",
    ];
    let more_open = errors.iter().any(|e| inner.contains(&e.field.as_str()))
        || [
            &query.method,
            &query.procurement_category,
            &query.buyer,
            &query.classification,
            &query.value_min,
            &query.value_max,
            &query.deadline_from,
            &query.deadline_to,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
    let summary = error_summary(&ctx, &errors, None);
    let results = found.map(|found| {
        let count = if found.total_is_lower_bound {
            ctx.t_args(
                "tenders-count-more",
                &[("total", ctx.lang.count(found.total))],
            )
        } else {
            ctx.t_args("tenders-count", &[("total", ctx.lang.count(found.total))])
        };
        let any_word = found.any_word.then(|| {
            let text = ctx.t("tenders-any-word");
            view! { <p class="notice">{text}</p> }
        });
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
            {any_word}
            {none}
            <ol class="cards">{rows}</ol>
            {nav}
        }
    });
    Ok(page(
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
                <details open=more_open>
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
    ))
}
