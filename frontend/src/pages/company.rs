//! "My company": a supplier user's dashboard (status and what is still missing to bid), the
//! owner's profile, member and invitation management, and accepting an invitation.

use crate::layout::data_table;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use backend::domain::{SupplierId, UserId};
use backend::{
    AppError, AppState,
    domain::Role,
    error::FieldError,
    http::ApiPath,
    suppliers::{self, AcceptInvitation, Missing, ProfileInput},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::{
    Notice,
    suppliers::{profile_fields, status_label, supplier_details},
};
use crate::{
    context::{CsrfForm, NoFields, PageContext},
    layout::{
        Field, csrf_input, error_summary, notice, page, redirect, set_session_cookie, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

fn missing_text(ctx: &PageContext, missing: &Missing, tz: chrono_tz::Tz) -> String {
    match missing {
        Missing::OwnerEmailUnverified => ctx.t("missing-owner-email-unverified"),
        Missing::PendingReview => ctx.t("missing-pending-review"),
        Missing::Rejected => ctx.t("missing-rejected"),
        Missing::Suspended => ctx.t("missing-suspended"),
        Missing::Debarred { until } => ctx.t_args(
            "missing-debarred",
            &[("until", super::suppliers::last_day(ctx, *until, tz))],
        ),
    }
}

async fn render(
    app: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    invite_errors: Vec<FieldError>,
    invite_email: String,
    shown: Option<&str>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(ctx)?.clone();
    let title = ctx.t("company-title");
    let heading = title.clone();
    let shown = notice(ctx, shown);
    let Some(supplier_id) = user.supplier_id else {
        let text = ctx.t("company-none");
        return Ok(page(
            ctx,
            StatusCode::OK,
            &title,
            view! { {shown}<h1>{heading}</h1><p>{text}</p> },
        ));
    };
    let loaded = tokio::try_join!(
        suppliers::view(app, Some(&user), supplier_id),
        suppliers::eligibility(app, &user, supplier_id),
        suppliers::members(app, &user, supplier_id)
    );
    let (supplier, eligibility, members) = loaded.or_page(ctx)?;
    let tz = app.settings.timezone;
    let name = supplier.legal_name.clone();
    let badge = status_label(ctx, supplier.status);
    let verdict = if eligibility.can_bid {
        let text = ctx.t("company-can-bid");
        view! { <p class="ok" role="status">{text}</p> }.into_any()
    } else {
        let text = ctx.t("company-cannot-bid");
        let items = eligibility
            .missing
            .iter()
            .map(|m| {
                let item = missing_text(ctx, m, tz);
                view! { <li>{item}</li> }
            })
            .collect_view();
        view! { <div class="warning" role="status"><p>{text}</p><ul>{items}</ul></div> }.into_any()
    };
    let details = supplier_details(ctx, &supplier, tz);
    let owner = user.supplier_owner;
    let edit = owner.then(|| {
        let label = ctx.t("company-edit-profile");
        view! { <p><a href="/empresa/datos">{label}</a></p> }
    });
    let alerts = {
        let label = ctx.t("alerts-title");
        view! { <p><a href="/empresa/alertas">{label}</a></p> }
    };
    let members_heading = ctx.t("company-members");
    let member_rows = members
        .iter()
        .map(|m| {
            let role = ctx.t(&format!("company-member-role-{}", m.member_role));
            let (name, email) = (m.display_name.clone(), m.email.clone());
            let actions = (owner && m.member_role == "member").then(|| {
                let (remove, make_owner) = (ctx.t("company-remove"), ctx.t("company-make-owner"));
                let remove_action = format!("/empresa/miembros/{}/retirar", m.user_id);
                let owner_action = format!("/empresa/miembros/{}/titular", m.user_id);
                view! {
                    <form method="post" action=remove_action class="inline">{csrf_input(ctx)}<button type="submit" class="link-button">{remove}</button></form>
                    " · "
                    <form method="post" action=owner_action class="inline">{csrf_input(ctx)}<button type="submit" class="link-button">{make_owner}</button></form>
                }
            });
            view! { <tr><td>{name}</td><td>{email}</td><td>{role}</td><td>{actions}</td></tr> }
        })
        .collect_view();
    let invite = owner.then(|| {
        let (heading, submit) = (ctx.t("company-invite"), ctx.t("company-invite-submit"));
        let summary = error_summary(ctx, &invite_errors, None);
        let field = text_field(
            ctx,
            Field {
                name: "email",
                input_type: "email",
                value: invite_email.clone(),
                autocomplete: "off",
                errors: &invite_errors,
                hint: None,
            },
        );
        view! {
            <h3>{heading}</h3>
            {summary}
            <form method="post" action="/empresa/invitaciones" class="stack" novalidate>
                {csrf_input(ctx)}
                {field}
                <button type="submit">{submit}</button>
            </form>
        }
    });
    let (c_name, c_email, c_role) = (
        ctx.t("field-display-name"),
        ctx.t("field-email"),
        ctx.t("field-role"),
    );
    Ok(page(
        ctx,
        status,
        &title,
        view! {
            {shown}
            <h1>{heading}": "{name}</h1>
            <p class="badge">{badge}</p>
            {verdict}
            {details}
            {edit}
            {alerts}
            <h2>{members_heading}</h2>
            {data_table(members.len(), Some(view! { <th scope="col">{c_name}</th><th scope="col">{c_email}</th><th scope="col">{c_role}</th><th scope="col"></th> }), member_rows)}
            {invite}
        },
    ))
}

/// `GET /empresa`.
pub async fn dashboard(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<Notice>,
) -> PageResult {
    render(
        &app,
        &ctx,
        StatusCode::OK,
        Vec::new(),
        String::new(),
        q.aviso.as_deref(),
    )
    .await
}

/// The invitation form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    email: String,
}

/// `POST /empresa/invitaciones`.
pub async fn invite(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<InviteForm>, AppError>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    let CsrfForm(form) = form.or_page(&ctx)?;
    let Some(supplier_id) = user.supplier_id else {
        return Err(PageFailure::new(&ctx, AppError::Forbidden));
    };
    match suppliers::invite(&app, &user, supplier_id, form.email.clone()).await {
        Ok(()) => Ok(redirect(&ctx, "/empresa?aviso=invitation-sent")),
        Err(e) if !e.field_errors().is_empty() => {
            render(&app, &ctx, e.status(), e.field_errors(), form.email, None).await
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}

/// `POST /empresa/miembros/{user_id}/retirar`.
pub async fn remove(
    State(app): State<AppState>,
    ctx: PageContext,
    member: Result<ApiPath<UserId>, AppError>,
    form: Result<CsrfForm<NoFields>, AppError>,
) -> PageResult {
    member_action(app, ctx, member, form, MemberChange::Remove).await
}

/// `POST /empresa/miembros/{user_id}/titular`.
pub async fn make_owner(
    State(app): State<AppState>,
    ctx: PageContext,
    member: Result<ApiPath<UserId>, AppError>,
    form: Result<CsrfForm<NoFields>, AppError>,
) -> PageResult {
    member_action(app, ctx, member, form, MemberChange::MakeOwner).await
}

/// What the owner does to a member.
#[derive(Clone, Copy)]
enum MemberChange {
    /// Takes them out of the company.
    Remove,
    /// Hands them the company.
    MakeOwner,
}

async fn member_action(
    app: AppState,
    ctx: PageContext,
    member: Result<ApiPath<UserId>, AppError>,
    form: Result<CsrfForm<NoFields>, AppError>,
    change: MemberChange,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    let ApiPath(member) = member.or_page(&ctx)?;
    form.or_page(&ctx)?;
    let Some(supplier_id) = user.supplier_id else {
        return Err(PageFailure::new(&ctx, AppError::Forbidden));
    };
    let (result, done) = match change {
        MemberChange::Remove => (
            suppliers::remove_member(&app, &user, supplier_id, member).await,
            "member-removed",
        ),
        MemberChange::MakeOwner => (
            suppliers::transfer_ownership(&app, &user, supplier_id, member).await,
            "owner-changed",
        ),
    };
    result.or_page(&ctx)?;
    Ok(redirect(&ctx, &format!("/empresa?aviso={done}")))
}

fn render_profile(
    ctx: &PageContext,
    status: StatusCode,
    input: &ProfileInput,
    errors: Vec<FieldError>,
) -> Response {
    let title = ctx.t("profile-title");
    let heading = title.clone();
    let note = ctx.t("profile-identity-note");
    let submit = ctx.t("profile-submit");
    let summary = error_summary(ctx, &errors, None);
    let fields = profile_fields(ctx, input, &errors);
    page(
        ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            <p class="hint">{note}</p>
            <form method="post" action="/empresa/datos" class="stack" novalidate>
                {csrf_input(ctx)}
                {fields}
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

fn owned_supplier(ctx: &PageContext) -> Result<(backend::auth::CurrentUser, SupplierId), AppError> {
    let user = ctx.require_role(&[Role::Supplier])?.clone();
    match user.supplier_id {
        Some(id) if user.supplier_owner => Ok((user, id)),
        _ => Err(AppError::Forbidden),
    }
}

/// `GET /empresa/datos`.
pub async fn profile_form(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    let (_, supplier_id) = owned_supplier(&ctx).or_page(&ctx)?;
    let supplier = suppliers::view(&app, ctx.user.as_ref(), supplier_id)
        .await
        .or_page(&ctx)?;
    let p = suppliers::profile_of(&supplier);
    let input = ProfileInput {
        trade_name: p.trade_name.unwrap_or_default(),
        department: p.department,
        province: p.province,
        district: p.district,
        address: p.address,
        contact_email: p.contact_email,
        contact_phone: p.contact_phone,
        categories: p.categories,
    };
    Ok(render_profile(&ctx, StatusCode::OK, &input, Vec::new()))
}

/// `POST /empresa/datos`.
pub async fn profile_save(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<ProfileInput>, AppError>,
) -> PageResult {
    let (user, supplier_id) = owned_supplier(&ctx).or_page(&ctx)?;
    let CsrfForm(input) = form.or_page(&ctx)?;
    let profile = match input.parse() {
        Ok(p) => p,
        Err(e) => return Ok(render_profile(&ctx, e.status(), &input, e.field_errors())),
    };
    match suppliers::update_profile(&app, &user, supplier_id, profile).await {
        Ok(_) => Ok(redirect(&ctx, "/empresa?aviso=profile-updated")),
        Err(e) if !e.field_errors().is_empty() => {
            Ok(render_profile(&ctx, e.status(), &input, e.field_errors()))
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}

/// The invitation token and, for a new account, its name and password.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    token: String,
    display_name: String,
    password: String,
}

async fn render_invitation(
    app: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    form: &AcceptForm,
    errors: Vec<FieldError>,
) -> PageResult {
    let title = ctx.t("invitation-title");
    let heading = title.clone();
    let details = suppliers::invitation_details(app, &form.token).await;
    let (legal_name, email) = match details {
        Ok(d) => d,
        Err(e) if !e.field_errors().is_empty() => {
            let summary = error_summary(ctx, &e.field_errors(), None);
            return Ok(page(
                ctx,
                e.status(),
                &title,
                view! { <h1>{heading}</h1>{summary} },
            ));
        }
        Err(e) => return Err(PageFailure::new(ctx, e)),
    };
    let intro = ctx.t_args(
        "invitation-intro",
        &[("legal_name", legal_name), ("email", email)],
    );
    let summary = error_summary(ctx, &errors, None);
    let accept = ctx.t("invitation-accept");
    let account = ctx.user.is_none().then(|| {
        let heading = ctx.t("invitation-new-account");
        let name = text_field(
            ctx,
            Field {
                name: "display_name",
                input_type: "text",
                value: form.display_name.clone(),
                autocomplete: "name",
                errors: &errors,
                hint: None,
            },
        );
        let password = text_field(
            ctx,
            Field {
                name: "password",
                input_type: "password",
                value: String::new(),
                autocomplete: "new-password",
                errors: &errors,
                hint: Some("hint-password"),
            },
        );
        view! { <h2>{heading}</h2>{name}{password} }
    });
    let token = form.token.clone();
    Ok(page(
        ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            <p>{intro}</p>
            <form method="post" action="/invitacion" class="stack" novalidate>
                {csrf_input(ctx)}
                <input type="hidden" name="token" value=token/>
                {account}
                <button type="submit" id="f-token">{accept}</button>
            </form>
        },
    ))
}

/// `GET /invitacion?token=…`.
pub async fn invitation(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(form): Query<AcceptForm>,
) -> PageResult {
    render_invitation(&app, &ctx, StatusCode::OK, &form, Vec::new()).await
}

/// `POST /invitacion`: joins the company; a new account is signed in.
pub async fn accept(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<AcceptForm>, AppError>,
) -> PageResult {
    let CsrfForm(form) = form.or_page(&ctx)?;
    let who = match &ctx.user {
        Some(user) => AcceptInvitation::Existing(user.clone()),
        None => AcceptInvitation::NewAccount {
            display_name: form.display_name.clone(),
            password: form.password.clone(),
        },
    };
    match suppliers::accept_invitation(&app, &form.token, who).await {
        Ok((_, user_id)) => {
            let mut response = redirect(&ctx, "/empresa?aviso=joined");
            if ctx.user.is_none() {
                let (token, _) =
                    backend::auth::issue_token(&app, user_id, Role::Supplier).or_page(&ctx)?;
                set_session_cookie(&mut response, &app.settings, &token);
            }
            Ok(response)
        }
        Err(e) if !e.field_errors().is_empty() => {
            render_invitation(&app, &ctx, e.status(), &form, e.field_errors()).await
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}
