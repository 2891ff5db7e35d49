//! Administration: buyer entities and officer / auditor / admin accounts.

use crate::layout::data_table;
use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::domain::{BuyerId, UserId};
use backend::{
    AppError, AppState,
    accounts::{self, Account, Buyer, NewAccountInput, NewBuyer, Verification},
    audit::Actor,
    domain::Role,
    error::FieldError,
};
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{CsrfForm, PageContext},
    layout::{
        Field, csrf_input, error_summary, local_time, notice, page, redirect, select_field,
        text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// The new-buyer form as posted.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct BuyerForm {
    name: String,
    ruc: String,
    contact_address: String,
    contact_district: String,
    contact_department: String,
    contact_email: String,
    contact_telephone: String,
}

impl BuyerForm {
    /// The procurement office's contact as typed.
    fn contact(&self) -> accounts::BuyerContact {
        accounts::BuyerContact {
            address: self.contact_address.clone(),
            district: self.contact_district.clone(),
            department: self.contact_department.clone(),
            email: self.contact_email.clone(),
            telephone: self.contact_telephone.clone(),
        }
    }
}

/// Which form failed, with what the user typed.
enum Failed {
    Buyer(BuyerForm, Vec<FieldError>),
    User(NewAccountInput, Vec<FieldError>),
}

async fn render(
    app: &AppState,
    ctx: &PageContext,
    status: StatusCode,
    failed: Option<Failed>,
    shown_notice: Option<&str>,
) -> PageResult {
    let admin = ctx.require_role(&[Role::Admin]).or_page(ctx)?;
    let loaded = tokio::try_join!(
        accounts::list_buyers(app),
        accounts::list_accounts(app, admin)
    );
    let (buyers, users): (Vec<Buyer>, Vec<Account>) = loaded.or_page(ctx)?;
    let (buyer_form, buyer_errors, user_form, user_errors) = match failed {
        Some(Failed::Buyer(form, errors)) => (form, errors, NewAccountInput::default(), Vec::new()),
        Some(Failed::User(form, errors)) => (BuyerForm::default(), Vec::new(), form, errors),
        None => (
            BuyerForm::default(),
            Vec::new(),
            NewAccountInput::default(),
            Vec::new(),
        ),
    };
    let tz = app.settings.timezone;
    let title = ctx.t("admin-title");
    let heading = title.clone();

    let buyer_heading = ctx.t("admin-buyers");
    let buyer_rows = buyers
        .iter()
        .map(|b| {
            let (name, ruc, created) =
                (b.name.clone(), b.ruc.clone(), local_time(b.created_at, tz));
            view! { <tr><td>{name}</td><td>{ruc}</td><td>{created}</td></tr> }
        })
        .collect_view();
    let (col_name, col_ruc, col_created) = (
        ctx.t("field-name"),
        ctx.t("field-ruc"),
        ctx.t("admin-created"),
    );
    let new_buyer = ctx.t("admin-new-buyer");
    let buyer_submit = ctx.t("admin-create-buyer");
    let buyer_summary = error_summary(ctx, &buyer_errors, None);
    let name_field = text_field(
        ctx,
        Field {
            name: "name",
            input_type: "text",
            value: buyer_form.name,
            autocomplete: "organization",
            errors: &buyer_errors,
            hint: None,
        },
    );
    let ruc_field = text_field(
        ctx,
        Field {
            name: "ruc",
            input_type: "text",
            value: buyer_form.ruc,
            autocomplete: "off",
            errors: &buyer_errors,
            hint: Some("hint-ruc"),
        },
    );
    // The procurement office as the open data will name it: optional, each part.
    let contact_fields = [
        (
            "contact_address",
            buyer_form.contact_address,
            "street-address",
            Some("hint-contact-address"),
        ),
        (
            "contact_district",
            buyer_form.contact_district,
            "address-level3",
            None,
        ),
        (
            "contact_department",
            buyer_form.contact_department,
            "address-level1",
            None,
        ),
        ("contact_email", buyer_form.contact_email, "email", None),
        (
            "contact_telephone",
            buyer_form.contact_telephone,
            "tel",
            None,
        ),
    ]
    .into_iter()
    .map(|(name, value, autocomplete, hint)| {
        text_field(
            ctx,
            Field {
                name,
                input_type: match name {
                    "contact_email" => "email",
                    "contact_telephone" => "tel",
                    _ => "text",
                },
                value,
                autocomplete,
                errors: &buyer_errors,
                hint,
            },
        )
    })
    .collect_view();

    let users_heading = ctx.t("admin-users");
    let buyer_name = |id: Option<BuyerId>| {
        id.and_then(|id| buyers.iter().find(|b| b.id == id))
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let user_rows = users
        .iter()
        .map(|u| {
            let role = ctx.t(&format!("role-{}", u.role));
            let verified = ctx.t(if u.email_verified_at.is_some() { "yes" } else { "no" });
            let (email, name, buyer) = (u.email.clone(), u.display_name.clone(), buyer_name(u.buyer_id));
            let registry = (u.role == "officer").then(|| {
                let action = format!("/admin/usuarios/{}/registro", u.id);
                let (granted, label) = if u.registry_officer { ("false", ctx.t("admin-withdraw")) } else { ("true", ctx.t("admin-grant")) };
                view! {
                    <form method="post" action=action class="inline">
                        {csrf_input(ctx)}
                        <input type="hidden" name="granted" value=granted/>
                        <button type="submit" class="link-button">{label}</button>
                    </form>
                }
            });
            view! { <tr><td>{name}</td><td>{email}</td><td>{role}</td><td>{buyer}</td><td>{verified}</td><td>{registry}</td></tr> }
        })
        .collect_view();
    let (col_email, col_role, col_buyer, col_verified) = (
        ctx.t("field-email"),
        ctx.t("field-role"),
        ctx.t("field-buyer-id"),
        ctx.t("admin-verified"),
    );
    let new_user = ctx.t("admin-new-user");
    let user_submit = ctx.t("admin-create-user");
    let user_summary = error_summary(ctx, &user_errors, None);
    let email_field = text_field(
        ctx,
        Field {
            name: "email",
            input_type: "email",
            value: user_form.email.clone(),
            autocomplete: "off",
            errors: &user_errors,
            hint: None,
        },
    );
    let display_field = text_field(
        ctx,
        Field {
            name: "display_name",
            input_type: "text",
            value: user_form.display_name.clone(),
            autocomplete: "off",
            errors: &user_errors,
            hint: None,
        },
    );
    let password_field = text_field(
        ctx,
        Field {
            name: "password",
            input_type: "password",
            value: String::new(),
            autocomplete: "new-password",
            errors: &user_errors,
            hint: Some("hint-password"),
        },
    );
    let role_options = [Role::Officer, Role::Auditor, Role::Admin, Role::Supplier]
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                ctx.t(&format!("role-{}", r.as_str())),
            )
        })
        .collect();
    let role_field = select_field(ctx, "role", role_options, &user_form.role, &user_errors);
    let mut buyer_options = vec![(String::new(), ctx.t("admin-no-buyer"))];
    buyer_options.extend(buyers.iter().map(|b| (b.id.to_string(), b.name.clone())));
    let buyer_field = select_field(
        ctx,
        "buyer_id",
        buyer_options,
        user_form.buyer_id.as_deref().unwrap_or(""),
        &user_errors,
    );
    let locale_options = vec![
        ("es".to_owned(), "Español".to_owned()),
        ("en".to_owned(), "English".to_owned()),
    ];
    let locale_field = select_field(
        ctx,
        "locale",
        locale_options,
        user_form.locale.as_deref().unwrap_or("es"),
        &user_errors,
    );
    let shown = notice(ctx, shown_notice);

    Ok(page(
        ctx,
        status,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            <section>
                <h2>{buyer_heading}</h2>
                {data_table(buyers.len(), Some(view! { <th scope="col">{col_name}</th><th scope="col">{col_ruc}</th><th scope="col">{col_created}</th> }), buyer_rows)}
                <h3>{new_buyer}</h3>
                {buyer_summary}
                <form method="post" action="/admin/entidades" class="stack" novalidate>
                    {csrf_input(ctx)}
                    {name_field}
                    {ruc_field}
                    {contact_fields}
                    <button type="submit">{buyer_submit}</button>
                </form>
            </section>
            <section>
                <h2>{users_heading}</h2>
                {data_table(users.len(), Some(view! { <th scope="col">{ctx.t("field-display-name")}</th><th scope="col">{col_email}</th><th scope="col">{col_role}</th><th scope="col">{col_buyer}</th><th scope="col">{col_verified}</th><th scope="col">{ctx.t("admin-registry")}</th> }), user_rows)}
                <h3>{new_user}</h3>
                {user_summary}
                <form method="post" action="/admin/usuarios" class="stack" novalidate>
                    {csrf_input(ctx)}
                    {email_field}
                    {display_field}
                    {role_field}
                    {buyer_field}
                    {locale_field}
                    {password_field}
                    <button type="submit">{user_submit}</button>
                </form>
            </section>
        },
    ))
}

/// `GET /admin`.
pub async fn show(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<Notice>,
) -> PageResult {
    render(&app, &ctx, StatusCode::OK, None, q.aviso.as_deref()).await
}

fn admin_actor(ctx: &PageContext) -> Result<Actor, AppError> {
    let admin = ctx.require_role(&[Role::Admin])?;
    Ok(Actor::user(admin.id, admin.role))
}

/// `POST /admin/entidades`.
pub async fn create_buyer(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<BuyerForm>, AppError>,
) -> PageResult {
    let actor = admin_actor(&ctx).or_page(&ctx)?;
    let CsrfForm(form) = form.or_page(&ctx)?;
    let input = match NewBuyer::parse(&form.name, &form.ruc, &form.contact()) {
        Ok(input) => input,
        Err(e) => return failed(&app, &ctx, e, |errors| Failed::Buyer(form, errors)).await,
    };
    match accounts::create_buyer(&app, &actor, input).await {
        Ok(_) => Ok(redirect(&ctx, "/admin?aviso=buyer-created")),
        Err(e) => failed(&app, &ctx, e, |errors| Failed::Buyer(form, errors)).await,
    }
}

/// `POST /admin/usuarios`.
pub async fn create_user(
    State(app): State<AppState>,
    ctx: PageContext,
    form: Result<CsrfForm<NewAccountInput>, AppError>,
) -> PageResult {
    let actor = admin_actor(&ctx).or_page(&ctx)?;
    let CsrfForm(form) = form.or_page(&ctx)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(e) => return failed(&app, &ctx, e, |errors| Failed::User(form, errors)).await,
    };
    match accounts::create_account(&app, actor, input, Verification::SendEmail).await {
        Ok(_) => Ok(redirect(&ctx, "/admin?aviso=user-created")),
        Err(e) => failed(&app, &ctx, e, |errors| Failed::User(form, errors)).await,
    }
}

/// Field errors re-render the page with what was typed; anything else is an error page.
async fn failed(
    app: &AppState,
    ctx: &PageContext,
    error: AppError,
    keep: impl FnOnce(Vec<FieldError>) -> Failed,
) -> PageResult {
    let errors = error.field_errors();
    if errors.is_empty() {
        return Err(PageFailure::new(ctx, error));
    }
    render(app, ctx, error.status(), Some(keep(errors)), None).await
}

/// The registry-permission toggle as posted; `granted` is required, never defaulted.
#[derive(Debug, Deserialize)]
pub struct PermissionForm {
    granted: bool,
}

/// `POST /admin/usuarios/{id}/registro`.
pub async fn registry_permission(
    State(app): State<AppState>,
    ctx: PageContext,
    id: Result<backend::http::ApiPath<UserId>, AppError>,
    form: Result<CsrfForm<PermissionForm>, AppError>,
) -> PageResult {
    let actor = admin_actor(&ctx).or_page(&ctx)?;
    let backend::http::ApiPath(id) = id.or_page(&ctx)?;
    let CsrfForm(form) = form.or_page(&ctx)?;
    backend::suppliers::set_registry_officer(&app, &actor, id, form.granted)
        .await
        .or_page(&ctx)?;
    Ok(redirect(&ctx, "/admin?aviso=permission-changed"))
}
