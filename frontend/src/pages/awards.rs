//! Award pages: the public record of a tender's awards (ranking, red flags with their
//! justifications, complaints and decisions, contract and modifications), and the auditors'
//! workspace (award list with filters and CSV, a tender's timeline, findings).

use crate::layout::card_table;
use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::domain::{AwardStatus, ComplaintStatus, FindingStatus, TenderId};
use backend::{
    AppError, AppState,
    awards::{
        FLAGS, RankedBid,
        complaints::AttachedDocument,
        oversight::{self, AwardFilter, AwardView, FindingInput, SEVERITIES},
    },
    domain::{Role, money_shown},
    error::{FieldError, RequestPart, UnreadableReason},
    tenders::Method,
};
use leptos::prelude::*;

use super::Notice;
use crate::{
    context::PageContext,
    extract::{PageForm, PagePath},
    layout::{
        Field, csrf_input, error_summary, form_errors, form_status, local_time, notice, page,
        redirect, select_field, text_area, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// What the signed-in user may do on this award: a bidder appeals during the standstill; the
/// buyer's officers decide complaints (not the one who awarded), record the contract of a
/// final award and its modifications, and go back to the evaluation.
fn award_actions(ctx: &PageContext, a: &AwardView) -> Option<impl IntoView + use<>> {
    let user = ctx.user.as_ref()?;
    let mut links: Vec<(String, String)> = Vec::new();
    if user.role == Role::Supplier
        && a.status == AwardStatus::Pending
        && backend::awards::complaints::may_complain(user, &a.ranking, a.bid_id)
    {
        links.push((
            format!("/adjudicaciones/{}/apelacion", a.id),
            ctx.t("complaint-link"),
        ));
    }
    if user.role == Role::Officer && user.buyer_id == Some(a.buyer_id) {
        for c in a
            .complaints
            .iter()
            .filter(|c| c.status == ComplaintStatus::Filed)
        {
            if user.id != a.awarded_by_id {
                links.push((
                    format!("/adjudicaciones/{}/apelaciones/{}", a.id, c.id),
                    ctx.t_args("decision-link", &[("bidder", c.supplier_name.clone())]),
                ));
            }
        }
        if a.status == AwardStatus::Final && a.bid_id.is_some() && a.contract.is_none() {
            links.push((
                format!("/adjudicaciones/{}/contrato", a.id),
                ctx.t("contract-link"),
            ));
        }
        if a.contract.is_some() {
            links.push((
                format!("/adjudicaciones/{}/modificacion", a.id),
                ctx.t("modification-link"),
            ));
        }
        if a.status == AwardStatus::Cancelled {
            links.push((
                format!("/licitaciones/{}/evaluacion", a.tender_id),
                ctx.t("award-evaluation-link"),
            ));
        }
    }
    (!links.is_empty()).then(|| {
        let items = links
            .into_iter()
            .map(|(href, text)| view! { <li><a href=href>{text}</a></li> })
            .collect_view();
        view! { <ul class="actions">{items}</ul> }
    })
}

/// What a ranking row may offer for its bid (a link), if anything.
pub(super) type BidAction = dyn Fn(&RankedBid) -> Option<AnyView>;

/// A lot's ranking: place, bidder, price, points and the evaluation's result with its
/// ground; `action` adds a last column (a link per bid) on the officers' evaluation sheet.
pub(super) fn ranking_table(
    ctx: &PageContext,
    ranking: &[RankedBid],
    currency: &str,
    caption: &str,
    action: Option<&BidAction>,
) -> impl IntoView + use<> {
    let (c_place, c_bidder, c_price, c_points, c_result) = (
        ctx.t("award-col-place"),
        ctx.t("award-col-bidder"),
        ctx.t("award-col-price"),
        ctx.t("award-col-points"),
        ctx.t("award-col-result"),
    );
    let c_action = action.map(|_| {
        let text = ctx.t("award-col-action");
        view! { <th scope="col">{text}</th> }
    });
    let rows = ranking
        .iter()
        .map(|b| {
            let place = b.rank.map(|r| r.to_string()).unwrap_or_default();
            let bidder = format!("{} ({})", b.supplier_name, b.supplier_ruc);
            let price = money_shown(currency, &b.price);
            let points = b.total_points.clone().unwrap_or_default();
            let mut result = ctx.t(&format!("evaluation-{}", b.evaluation));
            if let Some(g) = &b.ground {
                result = format!(
                    "{result}: {} — {}",
                    ctx.t(&format!("ground-{}", g.replace('_', "-"))),
                    b.note.clone().unwrap_or_default()
                );
            }
            let act_label = ctx.t("award-col-action");
            let act = action.map(|f| view! { <td data-label=act_label>{f(b)}</td> });
            let (l_place, l_bidder, l_price, l_points, l_result) = (
                c_place.clone(),
                c_bidder.clone(),
                c_price.clone(),
                c_points.clone(),
                c_result.clone(),
            );
            view! { <tr><td data-label=l_place>{place}</td><td class="key" data-label=l_bidder>{bidder}</td><td class="key" data-label=l_price>{price}</td><td data-label=l_points>{points}</td><td data-label=l_result>{result}</td>{act}</tr> }
        })
        .collect_view();
    let caption = ctx.t(caption);
    view! {
        {card_table(ranking.len(), Some(caption), Some(view! { <th scope="col">{c_place}</th><th scope="col">{c_bidder}</th><th scope="col">{c_price}</th><th scope="col">{c_points}</th><th scope="col">{c_result}</th>{c_action} }), rows)}
    }
}

/// "Awarded to … for … (estimate …)", or "declared unsuccessful".
pub(super) fn award_outcome(ctx: &PageContext, a: &AwardView) -> String {
    match (&a.winner_name, &a.amount) {
        (Some(w), Some(amount)) => ctx.t_args(
            "award-winner",
            &[
                (
                    "winner",
                    format!("{w} ({})", a.winner_ruc.clone().unwrap_or_default()),
                ),
                ("amount", money_shown(&a.currency, amount)),
                ("estimate", money_shown(&a.currency, &a.estimated_value)),
            ],
        ),
        _ => ctx.t("award-no-winner"),
    }
}

/// Who awarded, when, and until when it can be complained about.
pub(super) fn award_facts(ctx: &PageContext, tz: chrono_tz::Tz, a: &AwardView) -> String {
    ctx.t_args(
        "award-facts",
        &[
            ("by", a.awarded_by.clone()),
            ("time", local_time(a.awarded_at, tz)),
            (
                "standstill",
                a.standstill_ends_at
                    .map(|s| local_time(s, tz))
                    .unwrap_or_else(|| "—".into()),
            ),
        ],
    )
}

/// Download links of a complaint's or a contract's documents (`kind`: `complaints` or
/// `contracts`, as in their API paths).
pub(super) fn attached_documents(
    kind: &'static str,
    owner: i64,
    documents: &[AttachedDocument],
) -> impl IntoView + use<> {
    let items = documents
        .iter()
        .map(|d| {
            let href = format!("/api/v1/{kind}/{owner}/documents/{}", d.position);
            let name = d.filename.clone();
            view! { <li><a href=href>{name}</a></li> }
        })
        .collect_view();
    view! { <ul>{items}</ul> }
}

fn award_card(ctx: &PageContext, tz: chrono_tz::Tz, a: &AwardView) -> impl IntoView + use<> {
    let heading = ctx.t_args(
        "award-lot",
        &[
            ("lot", a.lot_number.to_string()),
            ("title", a.lot_title.clone()),
        ],
    );
    let status = ctx.t(&format!("award-status-{}", a.status));
    let (outcome, facts) = (award_outcome(ctx, a), award_facts(ctx, tz, a));
    let justification_label = ctx.t("award-justification");
    let justification = a.justification.clone();
    let flags = (!a.flags.is_empty()).then(|| {
        let heading = ctx.t("award-flags");
        let items = a
            .flags
            .iter()
            .map(|f| {
                let name = ctx.t(&format!("flag-{}", f.code.replace('_', "-")));
                let why = f.justification.clone();
                view! { <li><strong>{name}</strong>": "{why}</li> }
            })
            .collect_view();
        view! { <h4>{heading}</h4><ul class="flags">{items}</ul> }
    });
    let complaints =
        (!a.complaints.is_empty()).then(|| {
            let heading = ctx.t("award-complaints");
            let items = a
            .complaints
            .iter()
            .map(|c| {
                let head = ctx.t_args(
                    "complaint-line",
                    &[
                        ("bidder", c.supplier_name.clone()),
                        ("time", local_time(c.filed_at, tz)),
                        ("status", ctx.t(&format!("complaint-status-{}", c.status))),
                    ],
                );
                let grounds = c.grounds.clone();
                let decision = c.reasoning.clone().map(|r| {
                    let by = ctx.t_args(
                        "complaint-decided",
                        &[
                            ("by", c.decided_by.clone().unwrap_or_default()),
                            ("time", c.decided_at.map(|t| local_time(t, tz)).unwrap_or_default()),
                        ],
                    );
                    view! { <p>{by}" "{r}</p> }
                });
                let docs = attached_documents("complaints", c.id.get(), &c.documents);
                view! { <li><p><strong>{head}</strong></p><p>{grounds}</p>{docs}{decision}</li> }
            })
            .collect_view();
            view! { <h4>{heading}</h4><ul>{items}</ul> }
        });
    let contract = a.contract.as_ref().map(|c| {
        let heading = ctx.t("award-contract");
        let line = ctx.t_args(
            "contract-line",
            &[
                ("signed", c.signed_on.to_string()),
                ("value", money_shown(&a.currency, &c.value)),
                ("current", money_shown(&a.currency, &c.current_value)),
                ("percent", c.cumulative_percent.clone()),
                ("days", c.duration_days.to_string()),
            ],
        );
        let mods = c
            .modifications
            .iter()
            .map(|m| {
                let text = ctx.t_args(
                    "modification-line",
                    &[
                        ("n", m.number.to_string()),
                        ("change", money_shown(&a.currency, &m.value_change)),
                        ("percent", m.percent.clone()),
                        ("reason", m.reason.clone()),
                    ],
                );
                view! { <li>{text}</li> }
            })
            .collect_view();
        let docs = attached_documents("contracts", c.id.get(), &c.documents);
        view! { <h4>{heading}</h4><p>{line}</p>{docs}<ol>{mods}</ol> }
    });
    let actions = award_actions(ctx, a);
    view! {
        <section class="award">
            <h3>{heading}" — "{status}</h3>
            {actions}
            <p>{outcome}</p>
            <p>{facts}</p>
            <p><strong>{justification_label}</strong>" "{justification}</p>
            {flags}
            {ranking_table(ctx, &a.ranking, &a.currency, "award-ranking", None)}
            {complaints}
            {contract}
        </section>
    }
}

/// `GET /licitaciones/{id}/adjudicacion`: the public record of the tender's awards.
pub async fn public_awards(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    Query(n): Query<Notice>,
) -> PageResult {
    let awards = oversight::tender_awards(&app, id).await.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t("awards-title");
    let heading = title.clone();
    let back = format!("/licitaciones/{id}");
    let back_text = ctx.t("opening-back");
    let shown = notice(&ctx, n.aviso.as_deref());
    let body = if awards.is_empty() {
        let none = ctx.t("awards-none");
        view! { <p>{none}</p> }.into_any()
    } else {
        awards
            .iter()
            .map(|a| award_card(&ctx, tz, a))
            .collect_view()
            .into_any()
    };
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! { <h1>{heading}</h1>{shown}<p><a href=back>{back_text}</a></p>{body} },
    ))
}

/// `GET /auditoria/adjudicaciones`: awards with their red flags, filtered (auditors, admins).
pub async fn audit_list(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<AwardFilter>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let user = ctx
        .require_role(&[Role::Auditor, Role::Admin])
        .or_page(&ctx)?
        .clone();
    let filter = match query {
        Ok(Query(f)) => f,
        Err(_) => {
            return Err(PageFailure::new(
                &ctx,
                AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted),
            ));
        }
    };
    let tz = app.settings.timezone;
    let (awards, buyers) = tokio::join!(
        oversight::award_list(&app, &user, &filter),
        backend::accounts::list_buyers(&app)
    );
    let buyers = buyers.or_page(&ctx)?;
    let (awards, errors) = match awards {
        Ok(a) => (a, Vec::new()),
        Err(e) => (Vec::new(), form_errors(e).or_page(&ctx)?),
    };
    let title = ctx.t("audit-awards-title");
    let heading = title.clone();
    let summary = error_summary(&ctx, &errors, None);
    let any = ctx.t("filter-any");
    let mut flag_options = vec![
        (String::new(), any.clone()),
        ("any".to_owned(), ctx.t("filter-any-flag")),
    ];
    flag_options.extend(FLAGS.iter().map(|c| {
        (
            (*c).to_owned(),
            ctx.t(&format!("flag-{}", c.replace('_', "-"))),
        )
    }));
    let mut buyer_options = vec![(String::new(), any.clone())];
    buyer_options.extend(buyers.iter().map(|b| (b.id.to_string(), b.name.clone())));
    let buyer = filter.buyer.clone().unwrap_or_default();
    let mut method_options = vec![(String::new(), any)];
    method_options.extend(Method::ALL.iter().map(|m| {
        (
            m.code().to_owned(),
            ctx.t(&format!("method-{}", m.code().replace('_', "-"))),
        )
    }));
    let text = |name: &'static str, value: &Option<String>| {
        text_field(
            &ctx,
            Field {
                name,
                input_type: "text",
                value: value.clone().unwrap_or_default(),
                autocomplete: "off",
                errors: &errors,
                hint: None,
            },
        )
    };
    let form = view! {
        <form method="get" action="/auditoria/adjudicaciones" class="filters">
            {select_field(&ctx, "buyer", buyer_options, &buyer, &errors)}
            {select_field(&ctx, "flag", flag_options, filter.flag.as_deref().unwrap_or(""), &errors)}
            {select_field(&ctx, "method", method_options, filter.method.as_deref().unwrap_or(""), &errors)}
            {text("from", &filter.from)}
            {text("to", &filter.to)}
            {text("min_value", &filter.min_value)}
            {text("max_value", &filter.max_value)}
            <button type="submit">{ctx.t("filter-apply")}</button>
        </form>
    };
    let csv = format!(
        "/auditoria/adjudicaciones.csv?{}",
        serde_urlencoded::to_string(&filter).unwrap_or_default()
    );
    let csv_text = ctx.t("audit-awards-csv");
    let (c_tender, c_lot, c_winner, c_amount, c_flags, c_status) = (
        ctx.t("audit-col-tender"),
        ctx.t("audit-col-lot"),
        ctx.t("award-col-bidder"),
        ctx.t("award-col-price"),
        ctx.t("award-flags"),
        ctx.t("award-col-result"),
    );
    let count = ctx.t_args("audit-awards-count", &[("count", awards.len().to_string())]);
    let rows = awards
        .iter()
        .map(|a| {
            let link = format!("/auditoria/licitaciones/{}", a.tender_id);
            let tender = format!("{} — {}", a.ocid, a.title);
            let buyer = a.buyer_name.clone();
            let lot = a.lot_number.to_string();
            let winner = a.winner_name.clone().unwrap_or_else(|| "—".into());
            let amount = a
                .amount
                .clone()
                .map(|m| money_shown(&a.currency, &m))
                .unwrap_or_default();
            let flags = a
                .flags
                .iter()
                .map(|f| {
                    let name = ctx.t(&format!("flag-{}", f.code.replace('_', "-")));
                    let why = f.justification.clone();
                    view! { <li><strong>{name}</strong>": "{why}</li> }
                })
                .collect_view();
            let status = ctx.t(&format!("award-status-{}", a.status));
            let when = local_time(a.awarded_at, tz);
            let [l_tender, l_lot, l_winner, l_amount, l_flags, l_status] = [
                &c_tender, &c_lot, &c_winner, &c_amount, &c_flags, &c_status,
            ]
            .map(|l| l.clone());
            view! {
                <tr>
                    <td data-label=l_tender><a href=link>{tender}</a><br/>{buyer}<br/>{when}</td>
                    <td data-label=l_lot>{lot}</td><td class="key" data-label=l_winner>{winner}</td><td class="key" data-label=l_amount>{amount}</td>
                    <td data-label=l_flags><ul class="flags">{flags}</ul></td><td data-label=l_status>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let status = form_status(&errors);
    Ok(page(
        &ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            {form}
            <p>{count}" · "<a href=csv>{csv_text}</a></p>
            {card_table(awards.len(), None, Some(view! { <th scope="col">{c_tender}</th><th scope="col">{c_lot}</th><th scope="col">{c_winner}</th><th scope="col">{c_amount}</th><th scope="col">{c_flags}</th><th scope="col">{c_status}</th> }), rows)}
        },
    ))
}

/// `GET /auditoria/adjudicaciones.csv`: the filtered list as CSV.
pub async fn audit_csv(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<AwardFilter>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let user = ctx
        .require_role(&[Role::Auditor, Role::Admin])
        .or_page(&ctx)?
        .clone();
    let Ok(Query(filter)) = query else {
        return Err(PageFailure::new(
            &ctx,
            AppError::unreadable(RequestPart::Query, UnreadableReason::Value),
        ));
    };
    let body = oversight::awards_csv(&app, &user, filter)
        .await
        .or_page(&ctx)?;
    Ok(backend::http::csv_download(
        "adjudicaciones.csv",
        body,
        backend::http::Audience::Restricted,
    ))
}

async fn render_timeline(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
    form: &FindingInput,
    errors: &[FieldError],
    shown: Option<&str>,
) -> PageResult {
    let user = ctx
        .require_role(&[Role::Auditor, Role::Admin])
        .or_page(ctx)?
        .clone();
    let timeline = oversight::timeline(app, &user, id).await.or_page(ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t_args("timeline-title", &[("title", timeline.title.clone())]);
    let heading = title.clone();
    let integrity = if timeline.intact {
        let text = ctx.t_args(
            "timeline-intact",
            &[("chains", timeline.chains.len().to_string())],
        );
        view! { <p class="ok" role="status">{text}</p> }.into_any()
    } else {
        let broken = timeline
            .chains
            .iter()
            .filter_map(|c| c.first_mismatch.as_ref())
            .map(|m| {
                let text = ctx.t_args(
                    "audit-broken",
                    &[
                        ("id", m.id.to_string()),
                        ("chain", m.chain.clone()),
                        ("seq", m.seq.to_string()),
                        ("reason", ctx.t(&format!("audit-reason-{}", m.reason))),
                    ],
                );
                view! { <li>{text}</li> }
            })
            .collect_view();
        view! { <div class="warning" role="alert"><ul>{broken}</ul></div> }.into_any()
    };
    let awards_link = format!("/licitaciones/{id}/adjudicacion");
    let awards_text = ctx.t("timeline-awards-link");
    let events_heading = ctx.t("timeline-events-heading");
    let events = super::story::timeline_list(ctx, &timeline.events, &timeline.currency, tz);
    let is_auditor = ctx.user.as_ref().map(|u| u.role) == Some(Role::Auditor);
    let findings_heading = ctx.t("findings-heading");
    let findings = timeline
        .findings
        .iter()
        .map(|f| {
            let text = ctx.t_args(
                "finding-line",
                &[
                    ("severity", ctx.t(&format!("severity-{}", f.severity))),
                    ("status", ctx.t(&format!("finding-status-{}", f.status))),
                    ("auditor", f.auditor.clone()),
                    ("time", local_time(f.created_at, tz)),
                ],
            );
            let note = f.note.clone();
            // The auditor moves a finding along: open → addressed → closed.
            let change = is_auditor.then(|| {
                let id = format!("f-status-{}", f.id);
                let label = ctx.t("field-status");
                let options = FindingStatus::ALL
                    .iter()
                    .map(|s| {
                        let text = ctx.t(&format!("finding-status-{s}"));
                        let selected = *s == f.status;
                        view! { <option value=s.code() selected=selected>{text}</option> }
                    })
                    .collect_view();
                let action = format!("/auditoria/hallazgos/{}", f.id);
                let submit = ctx.t("finding-update");
                view! {
                    <form method="post" action=action class="inline">
                        {csrf_input(ctx)}
                        <label for=id.clone()>{label}</label>
                        <select id=id name="status">{options}</select>
                        <button type="submit">{submit}</button>
                    </form>
                }
            });
            view! { <li><p><strong>{text}</strong></p><p>{note}</p>{change}</li> }
        })
        .collect_view();
    let finding_form = is_auditor.then(|| {
        let summary = error_summary(ctx, errors, None);
        let severities = SEVERITIES
            .iter()
            .map(|s| ((*s).to_owned(), ctx.t(&format!("severity-{s}"))))
            .collect();
        let action = format!("/auditoria/licitaciones/{id}/hallazgos");
        let submit = ctx.t("finding-submit");
        let legend = ctx.t("finding-new");
        view! {
            <form method="post" action=action>
                {summary}
                <fieldset>
                    <legend>{legend}</legend>
                    {csrf_input(ctx)}
                    {text_area(ctx, "note", form.note.clone(), errors, 4)}
                    {select_field(ctx, "severity", severities, &form.severity, errors)}
                    <button type="submit">{submit}</button>
                </fieldset>
            </form>
        }
    });
    Ok(page(
        ctx,
        form_status(errors),
        &title,
        view! {
            {crate::layout::breadcrumbs(ctx, vec![(format!("/licitaciones/{id}"), timeline.title.clone())], &ctx.t("timeline-crumb"))}
            <h1>{heading}</h1>
            {notice(ctx, shown)}
            {integrity}
            <p><a href=awards_link>{awards_text}</a></p>
            <h2>{findings_heading}</h2>
            <ul>{findings}</ul>
            {finding_form}
            <h2>{events_heading}</h2>
            {events}
        },
    ))
}

/// `GET /auditoria/licitaciones/{id}`: a tender's timeline, chain verification and findings.
pub async fn timeline(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    Query(n): Query<Notice>,
) -> PageResult {
    render_timeline(
        &app,
        &ctx,
        id,
        &FindingInput::default(),
        &[],
        n.aviso.as_deref(),
    )
    .await
}

/// `POST /auditoria/licitaciones/{id}/hallazgos`: records a finding (auditors).
pub async fn record_finding(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(input): PageForm<FindingInput>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Auditor]).or_page(&ctx)?.clone();
    match oversight::record_finding(&app, &user, id, input.clone()).await {
        Ok(_) => Ok(redirect(
            &ctx,
            &format!("/auditoria/licitaciones/{id}?aviso=finding-recorded"),
        )),
        Err(e) => {
            render_timeline(&app, &ctx, id, &input, &form_errors(e).or_page(&ctx)?, None).await
        }
    }
}

/// `POST /auditoria/hallazgos/{id}`: moves a finding to open, addressed or closed (auditors).
pub async fn update_finding(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(input): PageForm<FindingInput>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Auditor]).or_page(&ctx)?.clone();
    let tender = oversight::update_finding(&app, &user, id, input)
        .await
        .or_page(&ctx)?;
    Ok(redirect(
        &ctx,
        &format!("/auditoria/licitaciones/{tender}?aviso=finding-updated"),
    ))
}
