//! The tender page: its facts, lots, documents, questions, amendments, the countdown and what the reader may do next.

use super::*;
use backend::domain::{TenderId, TenderStatus};
use backend::procedure::Action;

/// `GET /licitaciones/{id}`.
pub async fn detail(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    Query(notice_query): Query<Notice>,
) -> PageResult {
    render_detail(&app, &ctx, id, Vec::new(), notice_query.aviso.as_deref()).await
}

/// An officer's auction scheduling as typed, shown again with its errors.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScheduleTyped {
    /// The lot.
    pub(crate) lot: i32,
    /// Its start as typed (Lima time).
    pub(crate) opens_at: String,
    /// Its minimal step as typed (percent).
    pub(crate) step_percent: String,
}

pub(crate) async fn render_detail(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
    errors: Vec<FieldError>,
    shown: Option<&str>,
) -> PageResult {
    render_detail_with(app, ctx, id, errors, shown, None).await
}

/// [`render_detail`], with an auction's scheduling as the officer typed it.
pub(crate) async fn render_detail_with(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
    errors: Vec<FieldError>,
    shown: Option<&str>,
    scheduling: Option<ScheduleTyped>,
) -> PageResult {
    // The tender first: a draft the reader may not see is a 404 before anything else is read.
    let loaded = match tenders::view(app, ctx.user.as_ref(), id).await {
        Ok(tender) => tokio::try_join!(
            tenders::is_following(app, ctx.user.as_ref(), id),
            backend::bids::sealing(app, id)
        )
        .map(|(following, sealing)| (tender, following, sealing)),
        Err(e) => Err(e),
    };
    let (tender, following, sealing) = loaded.or_page(ctx)?;
    let now = app.clock.now_db();
    let tz = app.settings.timezone;
    let staff = tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id);
    let status_code = form_status(&errors);
    let summary = error_summary(ctx, &errors, None);
    let shown = notice(ctx, shown);
    let title = tender.title.clone();
    let body = tender_view(ctx, &tender, now, tz);
    // A company the registry has not cleared is told so, instead of forms it would be refused.
    let not_cleared = match ctx.user.as_ref() {
        Some(u)
            if u.role == Role::Supplier
                && (tender.allows(Action::Ask) || tender.allows(Action::Bid)) =>
        {
            match backend::bids::may_bid(app, u, id).await {
                Err(AppError::Validation(errors))
                    if errors.iter().any(|e| e.code == "supplier_cannot_bid") =>
                {
                    errors
                        .iter()
                        .find(|e| e.code == "supplier_cannot_bid")
                        .map(|e| e.message(ctx.lang))
                }
                _ => None,
            }
        }
        _ => None,
    };
    let sealed =
        super::super::bids::tender_section(ctx, &tender, sealing.as_ref(), not_cleared.is_none());
    // The buyer's officers are warned of a deadline on a weekend or a public holiday
    // (LICITA_HOLIDAYS): bidders at a telecentre may find it closed that day.
    let auctions = backend::auction::of_tender(app, id).await.or_page(ctx)?;
    let auctions = auction_section(ctx, &tender, &auctions, staff, scheduling, &errors);
    let holiday = (staff
        && matches!(
            tender.status,
            TenderStatus::Draft | TenderStatus::Open | TenderStatus::EnquiriesClosed
        ))
    .then(|| {
        let date = backend::domain::utc::in_lima(tender.submission_deadline).date();
        (!app.calendar.is_business_day(date)).then(|| {
            let text = ctx.t_args(
                "tender-deadline-not-working-day",
                &[("date", date.to_string())],
            );
            view! { <p class="warning" role="status">{text}</p> }
        })
    })
    .flatten();
    let manage = staff.then(|| staff_panel(ctx, &tender, &errors));
    let supplier = ctx
        .user
        .as_ref()
        .filter(|u| u.role == Role::Supplier && tender.status != TenderStatus::Draft)
        .map(|_| supplier_panel(ctx, &tender, following, &errors, not_cleared));
    Ok(page(
        ctx,
        status_code,
        &title,
        view! {
            {crate::layout::breadcrumbs(ctx, Vec::new(), &tender.title)}
            {shown}
            {summary}
            {holiday}
            {body}
            {sealed}
            {auctions}
            {supplier}
            {manage}
        },
    ))
}

/// The lots' electronic auctions: a link to each; for the buyer's officers, when the
/// procedure allows it, a form to schedule the auction of each lot without one.
fn auction_section(
    ctx: &PageContext,
    t: &Tender,
    auctions: &[(i32, i64)],
    staff: bool,
    scheduling: Option<ScheduleTyped>,
    errors: &[FieldError],
) -> Option<impl IntoView + use<>> {
    let may_schedule = staff && t.allows(Action::ScheduleAuction);
    if auctions.is_empty() && !may_schedule {
        return None;
    }
    let links = auctions
        .iter()
        .map(|(lot, auction)| {
            let href = format!("/subastas/{auction}");
            let text = ctx.t_args("tender-auction-link", &[("lot", lot.to_string())]);
            view! { <li><a href=href>{text}</a></li> }
        })
        .collect_view();
    let forms = may_schedule.then(|| {
        t.lots
            .iter()
            .filter(|l| l.electronic_auction && !auctions.iter().any(|(lot, _)| *lot == l.number))
            .map(|l| {
                // The lot just refused keeps what was typed, under the ids the error summary
                // links to; the other lots' fields are numbered.
                let typed = scheduling.as_ref().filter(|s| s.lot == l.number);
                let legend = ctx.t_args("tender-auction-schedule", &[("lot", l.number.to_string())]);
                let action = format!("/licitaciones/{}/lotes/{}/subasta", t.id, l.number);
                let fields = match typed {
                    Some(typed) => {
                        view! {
                            {plain_field(ctx, "opens_at", &typed.opens_at, errors, Some("tender-auction-opens-hint"))}
                            {plain_field(ctx, "step_percent", &typed.step_percent, errors, None)}
                        }
                        .into_any()
                    }
                    None => {
                        let (opens_id, step_id) = (format!("f-opens_at-{}", l.number), format!("f-step_percent-{}", l.number));
                        let (opens_for, step_for) = (opens_id.clone(), step_id.clone());
                        let hint_id = format!("{opens_id}-hint");
                        let described = hint_id.clone();
                        let (opens_label, step_label) = (ctx.t("field-opens-at"), ctx.t("field-step-percent"));
                        let hint = ctx.t("tender-auction-opens-hint");
                        view! {
                            <div class="field">
                                <label for=opens_for>{opens_label}</label>
                                <p class="hint" id=hint_id>{hint}</p>
                                <input type="text" id=opens_id name="opens_at" placeholder="2026-12-10 10:00" required=true aria-describedby=described/>
                            </div>
                            <div class="field">
                                <label for=step_for>{step_label}</label>
                                <input type="text" id=step_id name="step_percent" value="0.5" inputmode="decimal"/>
                            </div>
                        }
                        .into_any()
                    }
                };
                let submit = ctx.t("tender-auction-schedule-submit");
                let csrf = csrf_input(ctx);
                view! {
                    <form method="post" action=action>
                        {csrf}
                        <fieldset>
                            <legend>{legend}</legend>
                            {fields}
                        </fieldset>
                        <button type="submit">{submit}</button>
                    </form>
                }
            })
            .collect_view()
    });
    let heading = ctx.t("tender-auctions-heading");
    Some(view! {
        <section aria-labelledby="auctions-heading" id="subastas">
            <h2 id="auctions-heading">{heading}</h2>
            <ul>{links}</ul>
            {forms}
        </section>
    })
}

pub(super) fn tender_view(
    ctx: &PageContext,
    t: &Tender,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let status = status_name(ctx, t.status);
    let countdown = t.allows(Action::Bid).then(|| {
        let text = remaining(ctx, t.submission_deadline, now);
        let label = ctx.t("tender-countdown");
        view! { <p class="countdown"><strong>{label}</strong>" "{text}</p> }
    });
    // What a bidder needs first: when it closes, what it is worth, the documents, how to bid.
    let taking_bids = t.allows(Action::Bid);
    let at_a_glance = taking_bids.then(|| {
        let [heading, l_deadline, l_value, l_documents, l_how] = [
            "tender-glance-heading",
            "field-submission-deadline",
            "tender-estimated-value",
            "tender-glance-documents",
            "tender-glance-how",
        ]
        .map(|k| ctx.t(k));
        let deadline = local_deadline(t.submission_deadline, tz);
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
        let (label, when) = (ctx.t(k), local_deadline(at, tz));
        view! { <tr><th scope="row">{label}</th><td>{when}</td></tr> }
    })
    .collect_view();
    let [l_n, l_title, l_qty, l_value] = [
        "tender-lot-number",
        "field-lot-title",
        "field-lot-quantity",
        "tender-estimated-value",
    ]
    .map(|k| ctx.t(k));
    let lot_rows = t
        .lots
        .iter()
        .map(|l| {
            let value = money_shown(l.estimated_value.currency.code(), &l.estimated_value.amount);
            let (n, title, qty) = (l.number, l.title.clone(), format!("{} {}", l.quantity, l.unit));
            let (a, b, c, d) = (l_n.clone(), l_title.clone(), l_qty.clone(), l_value.clone());
            let auction = l.electronic_auction.then(|| {
                let text = ctx.t("tender-lot-has-auction");
                view! { <br/><span class="status-badge">{text}</span> }
            });
            view! { <tr><td data-label=a>{n}</td><td data-label=b>{title}{auction}</td><td data-label=c>{qty}</td><td class="num key" data-label=d>{value}</td></tr> }
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
    let doc_labels = [
        "field-file",
        "tender-document-type",
        "tender-document-size",
        "tender-document-hash",
        "tender-document-state",
    ]
    .map(|k| ctx.t(k));
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
            let (name, size, kind) = (d.filename.clone(), format!("{} KB", (d.size + 1023) / 1024), d.media_type.clone());
            let hash = short_hash(&d.sha256);
            let [a, b, c, e, f] = doc_labels.clone();
            view! { <tr><td class="key" data-label=a><a href=href download="">{name}</a></td><td data-label=b>{kind}</td><td class="num" data-label=c>{size}</td><td data-label=e>{hash}</td><td data-label=f>{state}</td></tr> }
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
            let changes = change_list(ctx, &a.changes, tz, t.estimated_value.currency.code());
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
            {card_table(t.lots.len(), None, Some(view! { <th scope="col">{c_n}</th><th scope="col">{c_title}</th><th scope="col">{c_qty}</th><th scope="col">{c_value}</th> }), lot_rows)}
            <h2>{h_criteria}</h2>
            {data_table(t.criteria.len(), Some(view! { <th scope="col">{c_crit}</th><th scope="col">{c_points}</th> }), criteria_rows)}
            <h2>{h_committee}</h2>
            <ul>{committee}</ul>
            <p>{threshold}</p>
            <h2 id="documentos">{h_documents}</h2>
            <p class="hint">{hash_help}</p>
            {no_documents}
            {card_table(t.documents.len(), None, Some(view! { <th scope="col">{c_file}</th><th scope="col">{c_type}</th><th scope="col">{c_size}</th><th scope="col">{c_hash}</th><th scope="col">{c_state}</th> }), documents)}
            <h2 id="consultas">{h_enquiries}</h2>
            {no_enquiries}
            <ol class="enquiries">{enquiries}</ol>
            <h2 id="enmiendas">{h_amendments}</h2>
            {no_amendments}
            <ol class="amendments">{amendments}</ol>
        </article>
    }
}

pub(super) fn amendment_number(t: &Tender, amendment_id: i64) -> String {
    t.amendments
        .iter()
        .find(|a| a.id == amendment_id)
        .map(|a| a.number.to_string())
        .unwrap_or_default()
}

/// What an amendment changed, as a readable list.
pub(super) fn change_list(
    ctx: &PageContext,
    changes: &serde_json::Value,
    tz: chrono_tz::Tz,
    currency: &str,
) -> impl IntoView + use<> {
    // A lot as its page shows it: "1. Title — 40 unidades — S/ 96,000.00".
    let lot = |n: usize, o: &serde_json::Map<String, serde_json::Value>| -> Option<String> {
        let text = |k: &str| {
            o.get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        };
        let value = o.get("estimated_value")?.as_str()?;
        let auction = if o.get("electronic_auction") == Some(&serde_json::Value::Bool(true)) {
            format!(" — {}", ctx.t("tender-lot-has-auction"))
        } else {
            String::new()
        };
        Some(format!(
            "{n}. {} — {} {} — {}{auction}",
            text("title")?,
            text("quantity")?,
            text("unit")?,
            money_shown(currency, value)
        ))
    };
    // A document as its list shows it: its name and the start of its SHA-256.
    let document = |o: &serde_json::Map<String, serde_json::Value>| -> Option<String> {
        let name = o.get("name")?.as_str()?;
        let sha = o.get("sha256")?.as_str()?;
        Some(format!(
            "{name} (SHA-256 {}…)",
            sha.chars().take(12).collect::<String>()
        ))
    };
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
                .enumerate()
                .map(|(n, i)| match i {
                    serde_json::Value::Object(o) => {
                        lot(n + 1, o).or_else(|| document(o)).unwrap_or_else(|| {
                            o.values()
                                .map(|x| {
                                    x.as_str()
                                        .map(str::to_owned)
                                        .unwrap_or_else(|| x.to_string())
                                })
                                .collect::<Vec<_>>()
                                .join(" · ")
                        })
                    }
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

pub(super) fn supplier_panel(
    ctx: &PageContext,
    t: &Tender,
    following: bool,
    errors: &[FieldError],
    not_cleared: Option<String>,
) -> impl IntoView + use<> {
    let cleared = not_cleared.is_none();
    let not_cleared = not_cleared.map(|text| view! { <p class="notice" role="status">{text}</p> });
    let ask = (cleared && t.allows(Action::Ask)).then(|| {
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
        {not_cleared}
        {ask}
        <form method="post" action=action class="inline">
            {csrf}
            <input type="hidden" name="following" value=value/>
            <button type="submit" class="secondary">{follow_label}</button>
        </form>
    }
}

pub(super) fn staff_panel(
    ctx: &PageContext,
    t: &Tender,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let heading = ctx.t("tender-manage");
    let draft = t.status == TenderStatus::Draft;
    let live = t.allows(Action::Amend);
    let edit = t.allows(Action::EditDraft).then(|| {
        let (href, label) = (
            format!("/licitaciones/{}/editar", t.id),
            ctx.t("tender-edit"),
        );
        view! { <p><a class="button" href=href>{label}</a></p> }
    });
    let upload = t.allows(Action::AddDocument).then(|| {
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
    let publish = t.allows(Action::Publish).then(|| {
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
    let closed_cancel = (t.allows(Action::Cancel) && !live).then(|| {
        let (cancel, cancel_href) = (
            ctx.t("tender-cancel"),
            format!("/licitaciones/{}/cancelar", t.id),
        );
        view! { <p><a class="button secondary" href=cancel_href>{cancel}</a></p> }
    });
    // What the procedure allows: answers until the submission deadline (after the enquiry
    // period too, as SEACE's absolución de consultas); questions only while it is open.
    let answers = t.allows(Action::Answer).then(|| {
        t.enquiries
            .iter()
            .filter(|e| e.answer.is_none())
            .map(|e| {
                let action = format!("/licitaciones/{}/consultas/{}/respuesta", t.id, e.id);
                // The field is named per question, so the error summary's link lands on it.
                let field = format!("answer_{}", e.id);
                let label_id = format!("f-{field}");
                let label = ctx.t_args("enquiry-answer-label", &[("question", e.question.clone())]);
                let submit = ctx.t("enquiry-answer-submit");
                let csrf = csrf_input(ctx);
                let for_id = label_id.clone();
                let error = errors.iter().find(|x| x.field == field).map(|x| x.message(ctx.lang));
                let invalid = error.is_some();
                let error_id = format!("{label_id}-error");
                let described = invalid.then(|| error_id.clone());
                view! {
                    <form method="post" action=action>
                        {csrf}
                        <div class="field" class:field-invalid=invalid>
                            <label for=for_id>{label}</label>
                            {error.map(|text| view! { <p class="field-error" id=error_id>{text}</p> })}
                            <textarea id=label_id name="answer" rows="4" aria-invalid=invalid.then_some("true") aria-describedby=described></textarea>
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
