//! The framework agreements' pages: the list (`/catalogo/acuerdos`) and one agreement
//! (`/catalogo/acuerdos/{id}`: its term, central body, parties, their offers and
//! suspensions, its open data), where the central body's officers suspend a party until a
//! Lima day with a reason, or lift a suspension early.

use axum::extract::{Query, State};
use backend::{
    AppError, AppState,
    domain::{AgreementId, Role},
    error::FieldError,
    framework::agreements::{self, AgreementView, LiftInput, SuspensionInput},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::{Notice, suppliers::last_day};
use crate::{
    context::{CsrfForm, PageContext},
    extract::PagePath,
    layout::{
        Field, card_table, column_heads, csrf_input, error_summary, form_status, local_time,
        notice, page, plain_field, redirect, select_field, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// The term of an agreement as shown: first and last Lima day, and whether in force.
fn term(ctx: &PageContext, a: &AgreementView, tz: chrono_tz::Tz) -> String {
    let first = a
        .starts_at
        .and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string();
    let state = if a.in_force {
        ctx.t("agreement-in-force")
    } else {
        ctx.t("agreement-not-in-force")
    };
    format!("{first} – {} ({state})", last_day(ctx, Some(a.ends_at), tz))
}

/// `GET /catalogo/acuerdos`.
pub async fn list(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    let all = agreements::list(&app).await.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t("agreements-title");
    let (l_title, l_body, l_term, l_parties) = (
        ctx.t("agreement-col-title"),
        ctx.t("agreement-central-body"),
        ctx.t("agreement-term"),
        ctx.t("agreement-parties"),
    );
    let head = column_heads(&[&l_title, &l_body, &l_term, &l_parties]);
    let rows = all
        .iter()
        .map(|a| {
            let href = format!("/catalogo/acuerdos/{}", a.id);
            let labels = (
                l_title.clone(),
                l_body.clone(),
                l_term.clone(),
                l_parties.clone(),
            );
            view! {
                <tr>
                    <td class="key" data-label=labels.0><a href=href>{a.title.clone()}</a></td>
                    <td data-label=labels.1>{a.buyer_name.clone()}</td>
                    <td data-label=labels.2>{term(&ctx, a, tz)}</td>
                    <td class="num" data-label=labels.3>{a.parties.len().to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let lead = ctx.t("agreements-lead");
    Ok(page(
        &ctx,
        axum::http::StatusCode::OK,
        &title,
        view! {
            <p><a href="/catalogo">{ctx.t("catalogue-back")}</a></p>
            <h1>{title.clone()}</h1>
            <p>{lead}</p>
            {card_table(all.len(), None, Some(head), rows)}
        },
    ))
}

/// What the suspension form had typed.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct SuspensionForm {
    supplier: String,
    suspended_until: String,
    reason: String,
}

/// What a lift form had typed (its field is `lift_reason`: the suspension form on the same
/// page has its own `reason`).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct LiftForm {
    lift_reason: String,
}

/// Which form of the page an error belongs to.
#[derive(Clone, Copy)]
enum Typed<'a> {
    Nothing,
    Suspension(&'a SuspensionForm),
    Lift(i64, &'a LiftForm),
}

fn render(
    ctx: &PageContext,
    a: &AgreementView,
    tz: chrono_tz::Tz,
    errors: &[FieldError],
    typed: Typed<'_>,
    shown_notice: Option<&str>,
) -> PageResult {
    let shown = notice(ctx, shown_notice);
    let manages = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.role == Role::Officer && u.buyer_id == Some(a.buyer_id));
    let facts = [
        (ctx.t("catalogue-ocid"), a.ocid.clone()),
        (ctx.t("agreement-central-body"), a.buyer_name.clone()),
        (ctx.t("agreement-term"), term(ctx, a, tz)),
        (
            ctx.t("agreement-participants"),
            ctx.t_args(
                "agreement-participants-range",
                &[
                    ("min", a.min_participants.to_string()),
                    ("max", a.max_participants.to_string()),
                ],
            ),
        ),
        (ctx.t("agreement-products"), a.products.to_string()),
        (ctx.t("agreement-orders"), a.orders.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
    .collect_view();
    let (l_supplier, l_admitted, l_offers, l_standing) = (
        ctx.t("catalogue-supplier"),
        ctx.t("agreement-admitted"),
        ctx.t("agreement-offers"),
        ctx.t("agreement-standing"),
    );
    let head = column_heads(&[&l_supplier, &l_admitted, &l_offers, &l_standing]);
    let lift_errors: &[FieldError] = match typed {
        Typed::Lift(..) => errors,
        _ => &[],
    };
    let rows = a
        .parties
        .iter()
        .map(|p| {
            let current = p.suspensions.iter().find(|s| s.in_force);
            let standing = current.map_or_else(
                || ctx.t("agreement-party-in-good-standing"),
                |s| {
                    ctx.t_args(
                        "agreement-party-suspended",
                        &[
                            ("until", last_day(ctx, Some(s.ends_at), tz)),
                            ("reason", s.reason.clone()),
                        ],
                    )
                },
            );
            let lift = current.filter(|_| manages).map(|s| {
                let action = format!("/catalogo/acuerdos/{}/suspensiones/{}/levantar", a.id, s.id);
                let typed_reason = match typed {
                    Typed::Lift(id, form) if id == s.id => form.lift_reason.clone(),
                    _ => String::new(),
                };
                let errors: &[FieldError] = match typed {
                    Typed::Lift(id, _) if id == s.id => lift_errors,
                    _ => &[],
                };
                view! {
                    <form method="post" action=action class="stack" novalidate>
                        {csrf_input(ctx)}
                        {plain_field(ctx, "lift_reason", &typed_reason, errors, None)}
                        <button type="submit">{ctx.t("agreement-lift-submit")}</button>
                    </form>
                }
            });
            let supplier = format!("{} (RUC {})", p.supplier_name, p.supplier_ruc);
            let labels = (
                l_supplier.clone(),
                l_admitted.clone(),
                l_offers.clone(),
                l_standing.clone(),
            );
            view! {
                <tr>
                    <td class="key" data-label=labels.0>{supplier}</td>
                    <td data-label=labels.1>{p.admitted_at.and_utc().with_timezone(&tz).format("%Y-%m-%d").to_string()}</td>
                    <td class="num" data-label=labels.2>{p.offers.to_string()}</td>
                    <td data-label=labels.3>{standing}{lift}</td>
                </tr>
            }
        })
        .collect_view();
    let history: Vec<_> = a
        .parties
        .iter()
        .flat_map(|p| p.suspensions.iter().map(move |s| (p, s)))
        .filter(|(_, s)| !s.in_force)
        .map(|(p, s)| {
            let text = ctx.t_args(
                "agreement-past-suspension",
                &[
                    ("supplier", p.supplier_name.clone()),
                    ("from", local_time(s.starts_at, tz)),
                    ("until", last_day(ctx, Some(s.ends_at), tz)),
                    ("reason", s.reason.clone()),
                ],
            );
            let lifted = s.lifted_reason.clone().map(|r| {
                let text = ctx.t_args("agreement-lifted", &[("reason", r)]);
                view! { " "<em>{text}</em> }
            });
            view! { <li>{text}{lifted}</li> }
        })
        .collect();
    let history = (!history.is_empty()).then(|| {
        view! {
            <h2>{ctx.t("agreement-past-suspensions")}</h2>
            <ul>{history}</ul>
        }
    });
    let suspend = manages.then(|| {
        let (form, form_errors): (SuspensionForm, &[FieldError]) = match typed {
            Typed::Suspension(f) => (f.clone(), errors),
            _ => (SuspensionForm::default(), &[]),
        };
        let mut options = vec![(String::new(), ctx.t("agreement-choose-party"))];
        options.extend(
            a.parties
                .iter()
                .map(|p| (p.supplier_id.to_string(), p.supplier_name.clone())),
        );
        let action = format!("/catalogo/acuerdos/{}/suspensiones", a.id);
        let until = text_field(
            ctx,
            Field {
                name: "suspended_until",
                input_type: "date",
                value: form.suspended_until.clone(),
                autocomplete: "off",
                errors: form_errors,
                hint: None,
            },
        );
        view! {
            <section class="glance" aria-labelledby="suspend-heading">
                <h2 id="suspend-heading">{ctx.t("agreement-suspend-heading")}</h2>
                <p>{ctx.t("agreement-suspend-lead")}</p>
                <form method="post" action=action class="stack" novalidate>
                    {csrf_input(ctx)}
                    {select_field(ctx, "supplier", options, &form.supplier, form_errors)}
                    {until}
                    {plain_field(ctx, "reason", &form.reason, form_errors, None)}
                    <button type="submit">{ctx.t("agreement-suspend-submit")}</button>
                </form>
            </section>
        }
    });
    let summary = error_summary(ctx, errors, None);
    let record = format!("/api/v1/ocds/records/{}", a.ocid);
    Ok(page(
        ctx,
        form_status(errors),
        &a.title,
        view! {
            {shown}
            <p><a href="/catalogo/acuerdos">{ctx.t("agreements-back")}</a></p>
            <h1>{a.title.clone()}</h1>
            <p>{a.description.clone()}</p>
            {summary}
            <dl class="details">{facts}</dl>
            <p><a href=record>{ctx.t("agreement-open-data")}</a></p>
            <h2>{ctx.t("agreement-parties")}</h2>
            {card_table(a.parties.len(), None, Some(head), rows)}
            {history}
            {suspend}
        },
    ))
}

/// `GET /catalogo/acuerdos/{id}`.
pub async fn show(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AgreementId>,
    Query(q): Query<Notice>,
) -> PageResult {
    let a = agreements::view(&app, id).await.or_page(&ctx)?;
    render(
        &ctx,
        &a,
        app.settings.timezone,
        &[],
        Typed::Nothing,
        q.aviso.as_deref(),
    )
}

/// After a form: back to the page with a notice, or the page with the form's errors.
async fn after(
    app: &AppState,
    ctx: &PageContext,
    id: AgreementId,
    done: Result<(), AppError>,
    notice_key: &str,
    typed: Typed<'_>,
) -> PageResult {
    let errors = match done {
        Ok(()) => {
            return Ok(redirect(
                ctx,
                &format!("/catalogo/acuerdos/{id}?aviso={notice_key}"),
            ));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Conflict(error)) => vec![error],
        Err(e) => return Err(PageFailure::new(ctx, e)),
    };
    let a = agreements::view(app, id).await.or_page(ctx)?;
    render(ctx, &a, app.settings.timezone, &errors, typed, None)
}

/// `POST /catalogo/acuerdos/{id}/suspensiones`.
pub async fn suspend(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<AgreementId>,
    form: Result<CsrfForm<SuspensionForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let done = agreements::suspend(
        &app,
        &user,
        id,
        SuspensionInput {
            supplier: form.supplier.clone(),
            suspended_until: form.suspended_until.clone(),
            reason: form.reason.clone(),
        },
    )
    .await
    .map(|_| ());
    after(
        &app,
        &ctx,
        id,
        done,
        "party-suspended",
        Typed::Suspension(&form),
    )
    .await
}

/// `POST /catalogo/acuerdos/{id}/suspensiones/{suspension}/levantar`.
pub async fn lift(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, suspension)): PagePath<(AgreementId, i64)>,
    form: Result<CsrfForm<LiftForm>, AppError>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let done = agreements::lift(
        &app,
        &user,
        id,
        suspension,
        LiftInput {
            reason: form.lift_reason.clone(),
        },
    )
    .await
    .map_err(|e| match e {
        AppError::Validation(errors) => AppError::Validation(
            errors
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "reason" => e.for_field("lift_reason"),
                    _ => e,
                })
                .collect(),
        ),
        other => other,
    });
    after(
        &app,
        &ctx,
        id,
        done,
        "party-reinstated",
        Typed::Lift(suspension, &form),
    )
    .await
}
