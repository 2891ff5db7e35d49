//! Public supplier pages: the directory, the sanctions list, a supplier's page and the
//! registration of a new company. Also the form parts the company and registry pages share.

use crate::layout::data_table;
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use backend::domain::{SupplierId, SupplierStanding};
use backend::{
    AppError, AppState,
    accounts::Verification,
    catalogue,
    error::{FieldError, RequestPart, UnreadableReason},
    http::{ApiPath, ClientAddress},
    suppliers::{self, DirectoryQuery, ProfileInput, RegistrationInput, Supplier},
};
use leptos::prelude::*;

use crate::{
    context::{CsrfForm, PageContext},
    layout::{
        Field, csrf_input, error_summary, local_time, page, pagination, redirect, select_field,
        text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// The translated status of a supplier.
pub fn status_label(ctx: &PageContext, status: SupplierStanding) -> String {
    ctx.t(&format!("status-{status}"))
}

/// Category names in the page's language.
pub fn category_names(ctx: &PageContext, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            catalogue::segment(c)
                .map(|s| format!("{c} {}", s.name(ctx.lang)))
                .unwrap_or_else(|| c.clone())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The end of a sanction as a Lima date (the last day it applies).
pub fn last_day(
    ctx: &PageContext,
    ends: Option<chrono::NaiveDateTime>,
    tz: chrono_tz::Tz,
) -> String {
    match ends {
        Some(end) => (end - chrono::Duration::seconds(1))
            .and_utc()
            .with_timezone(&tz)
            .format("%Y-%m-%d")
            .to_string(),
        None => ctx.t("sanctions-until-reinstated"),
    }
}

/// The category checkboxes, as one labelled group.
pub fn category_checkboxes(
    ctx: &PageContext,
    chosen: &[String],
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let legend = ctx.t("field-categories");
    let error = errors
        .iter()
        .find(|e| e.field == "categories")
        .map(|e| e.message(ctx.lang));
    let first_error = errors.first().map(|e| e.field.as_str()) == Some("categories");
    let invalid = error.is_some();
    let boxes = catalogue::catalogue()
        .unspsc_segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let id = format!("f-categories-{}", s.code);
            let for_id = id.clone();
            let checked = chosen.iter().any(|c| c == &s.code);
            let label = format!("{} {}", s.code, s.name(ctx.lang));
            let focus = first_error && i == 0;
            view! {
                <label class="check" for=for_id>
                    <input type="checkbox" id=id name="categories" value=s.code.clone() checked=checked autofocus=focus/>
                    {label}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset id="f-categories" class="field checks" class:field-invalid=invalid>
            <legend>{legend}</legend>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
            <div class="check-grid">{boxes}</div>
        </fieldset>
    }
}

/// Contact, address and category fields (registration and profile edit).
pub fn profile_fields(
    ctx: &PageContext,
    input: &ProfileInput,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let departments = std::iter::once((String::new(), "—".to_owned()))
        .chain(
            catalogue::catalogue()
                .departments
                .iter()
                .map(|d| (d.clone(), d.clone())),
        )
        .collect();
    let address_heading = ctx.t("register-address");
    let contact_heading = ctx.t("register-contact");
    view! {
        {text_field(ctx, Field { name: "trade_name", input_type: "text", value: input.trade_name.clone(), autocomplete: "organization", errors, hint: None })}
        <h3>{address_heading}</h3>
        {select_field(ctx, "department", departments, &input.department, errors)}
        {text_field(ctx, Field { name: "province", input_type: "text", value: input.province.clone(), autocomplete: "address-level2", errors, hint: None })}
        {text_field(ctx, Field { name: "district", input_type: "text", value: input.district.clone(), autocomplete: "address-level3", errors, hint: None })}
        {text_field(ctx, Field { name: "address", input_type: "text", value: input.address.clone(), autocomplete: "street-address", errors, hint: None })}
        <h3>{contact_heading}</h3>
        {text_field(ctx, Field { name: "contact_email", input_type: "email", value: input.contact_email.clone(), autocomplete: "email", errors, hint: None })}
        {text_field(ctx, Field { name: "contact_phone", input_type: "tel", value: input.contact_phone.clone(), autocomplete: "tel", errors, hint: None })}
        {category_checkboxes(ctx, &input.categories, errors)}
    }
}

/// `GET /proveedores`: the public directory.
pub async fn directory(
    State(app): State<AppState>,
    ctx: PageContext,
    query: Result<Query<DirectoryQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let Ok(Query(query)) = query else {
        return Err(PageFailure::new(
            &ctx,
            AppError::unreadable(RequestPart::Query, UnreadableReason::Value),
        ));
    };
    let result = suppliers::directory(&app, &query).await;
    let (found, errors) = match result {
        Ok(found) => (Some(found), Vec::new()),
        Err(AppError::Validation(errors)) => (None, errors),
        Err(e) => return Err(PageFailure::new(&ctx, e)),
    };
    let title = ctx.t("suppliers-title");
    let heading = title.clone();
    let lead = ctx.t("suppliers-lead");
    let mut categories = vec![(String::new(), ctx.t("suppliers-all-categories"))];
    categories.extend(
        catalogue::catalogue()
            .unspsc_segments
            .iter()
            .map(|s| (s.code.clone(), format!("{} {}", s.code, s.name(ctx.lang)))),
    );
    let category_field = select_field(
        &ctx,
        "category",
        categories,
        query.category.as_deref().unwrap_or(""),
        &errors,
    );
    let q_field = text_field(
        &ctx,
        Field {
            name: "q",
            input_type: "search",
            value: query.q.clone().unwrap_or_default(),
            autocomplete: "off",
            errors: &errors,
            hint: Some("suppliers-q-hint"),
        },
    );
    let search = ctx.t("suppliers-search");
    let summary = error_summary(&ctx, &errors, None);
    let results = found.map(|found| {
        let count = ctx.t_args("suppliers-count", &[("total", found.total.to_string())]);
        let pages = ((found.total + i64::from(found.per_page) - 1) / i64::from(found.per_page)).max(1);
        let rows = found
            .suppliers
            .iter()
            .map(|s| {
                let href = format!("/proveedores/{}", s.id);
                let (name, ruc, cats, status) = (s.legal_name.clone(), s.ruc.clone(), category_names(&ctx, &s.categories), status_label(&ctx, s.status));
                view! { <tr><td><a href=href>{name}</a></td><td>{ruc}</td><td>{cats}</td><td>{status}</td></tr> }
            })
            .collect_view();
        let link = |page: i64| {
            let mut params = vec![format!("page={page}")];
            if let Some(q) = &query.q {
                params.push(format!("q={}", urlencoding::encode(q)));
            }
            if let Some(c) = &query.category {
                params.push(format!("category={}", urlencoding::encode(c)));
            }
            format!("/proveedores?{}", params.join("&"))
        };
        let nav = pagination(&ctx, i64::from(found.page), pages, &link);
        let none = (found.total == 0).then(|| {
            let text = ctx.t("suppliers-none");
            view! { <p>{text}</p> }
        });
        let (c_name, c_ruc, c_cat, c_status) = (ctx.t("field-legal-name"), ctx.t("field-ruc"), ctx.t("field-categories"), ctx.t("suppliers-status"));
        view! {
            <p role="status">{count}</p>
            {none}
            {data_table(found.suppliers.len(), Some(view! { <th scope="col">{c_name}</th><th scope="col">{c_ruc}</th><th scope="col">{c_cat}</th><th scope="col">{c_status}</th> }), rows)}
            {nav}
        }
    });
    let sanctions = ctx.t("suppliers-sanctions-link");
    // Only someone signed out may register a company (the form refuses a signed-in user).
    let register = ctx.user.is_none().then(|| {
        let text = ctx.t("suppliers-register-link");
        view! { " · "<a href="/proveedores/registro">{text}</a> }
    });
    Ok(page(
        &ctx,
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            <p><a href="/proveedores/sanciones">{sanctions}</a>{register}</p>
            {summary}
            <form method="get" action="/proveedores" class="search" role="search">
                {q_field}
                {category_field}
                <button type="submit">{search}</button>
            </form>
            {results}
        },
    ))
}

/// `GET /proveedores/sanciones`: suspensions and debarments in force.
pub async fn sanctions(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    let list = suppliers::sanctions_in_force(&app).await.or_page(&ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t("sanctions-title");
    let heading = title.clone();
    let lead = ctx.t("sanctions-lead");
    let none = list.is_empty().then(|| {
        let text = ctx.t("sanctions-none");
        view! { <p>{text}</p> }
    });
    let rows = list
        .iter()
        .map(|s| {
            let kind = ctx.t(&format!("sanction-{}", s.kind));
            let (name, ruc, ground) = (s.legal_name.clone(), s.ruc.clone(), s.ground.clone());
            let (from, until) = (local_time(s.starts_at, tz), last_day(&ctx, s.ends_at, tz));
            view! { <tr><td>{name}</td><td>{ruc}</td><td>{kind}</td><td>{ground}</td><td>{from}</td><td>{until}</td></tr> }
        })
        .collect_view();
    let heads = [
        "field-legal-name",
        "field-ruc",
        "sanctions-kind",
        "sanctions-ground",
        "sanctions-from",
        "sanctions-until",
    ]
    .into_iter()
    .map(|k| {
        let text = ctx.t(k);
        view! { <th scope="col">{text}</th> }
    })
    .collect_view();
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {none}
            {data_table(list.len(), Some(heads), rows)}
        },
    ))
}

/// The facts of a supplier as a definition list.
pub fn supplier_details(
    ctx: &PageContext,
    s: &Supplier,
    tz: chrono_tz::Tz,
) -> impl IntoView + use<> {
    let form = catalogue::legal_form(&s.legal_form)
        .map(|f| f.name(ctx.lang).to_owned())
        .unwrap_or_else(|| s.legal_form.clone());
    let mut rows = vec![
        (ctx.t("field-ruc"), s.ruc.clone()),
        (ctx.t("field-legal-name"), s.legal_name.clone()),
        (
            ctx.t("field-trade-name"),
            s.trade_name.clone().unwrap_or_else(|| "—".into()),
        ),
        (ctx.t("field-legal-form"), form),
        (
            ctx.t("supplier-location"),
            format!(
                "{}, {} — {}, {}",
                s.address, s.district, s.province, s.department
            ),
        ),
        (
            ctx.t("supplier-contact"),
            format!("{} · {}", s.contact_email, s.contact_phone),
        ),
        (
            ctx.t("field-categories"),
            category_names(ctx, &s.categories),
        ),
        (ctx.t("suppliers-status"), status_label(ctx, s.status)),
        (ctx.t("supplier-registered"), local_time(s.created_at, tz)),
    ];
    if let Some(sanction) = &s.sanction {
        rows.push((
            ctx.t(&format!("sanction-{}", sanction.kind)),
            format!(
                "{} — {}",
                sanction.ground,
                last_day(ctx, sanction.ends_at, tz)
            ),
        ));
    }
    if let Some(reason) = &s.status_reason {
        rows.push((ctx.t("field-reason"), reason.clone()));
    }
    let items = rows
        .into_iter()
        .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
        .collect_view();
    view! { <dl class="details">{items}</dl> }
}

/// `GET /proveedores/{id}`.
pub async fn detail(
    State(app): State<AppState>,
    ctx: PageContext,
    id: Result<ApiPath<SupplierId>, AppError>,
) -> PageResult {
    let Ok(ApiPath(id)) = id else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    let supplier = suppliers::view(&app, ctx.user.as_ref(), id)
        .await
        .or_page(&ctx)?;
    let won = backend::transparency::awards::supplier_record(&app, id, 1)
        .await
        .or_page(&ctx)?;
    let title = supplier.legal_name.clone();
    let heading = title.clone();
    let details = supplier_details(&ctx, &supplier, app.settings.timezone);
    let won = super::transparency::won_section(&ctx, &won, app.settings.timezone);
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! { <h1>{heading}</h1>{details}{won} },
    ))
}

fn render_register(
    ctx: &PageContext,
    status: StatusCode,
    form: &RegistrationInput,
    errors: Vec<FieldError>,
) -> Response {
    let title = ctx.t("register-title");
    let heading = title.clone();
    if ctx.user.is_some() {
        let text = ctx.t("register-signed-in");
        return page(
            ctx,
            StatusCode::FORBIDDEN,
            &title,
            view! { <h1>{heading}</h1><p>{text}</p> },
        );
    }
    let intro = ctx.t("register-intro");
    let company = ctx.t("register-company");
    let owner = ctx.t("register-owner");
    let owner_hint = ctx.t("register-owner-hint");
    let submit = ctx.t("register-submit");
    let summary = error_summary(ctx, &errors, None);
    let forms = std::iter::once((String::new(), "—".to_owned()))
        .chain(
            catalogue::catalogue()
                .legal_forms
                .iter()
                .map(|f| (f.code.clone(), f.name(ctx.lang).to_owned())),
        )
        .collect();
    let profile = form.profile();
    let errs = &errors;
    page(
        ctx,
        status,
        &title,
        view! {
            <h1>{heading}</h1>
            {summary}
            <p>{intro}</p>
            <form method="post" action="/proveedores/registro" class="stack" novalidate>
                {csrf_input(ctx)}
                <h2>{company}</h2>
                {text_field(ctx, Field { name: "legal_name", input_type: "text", value: form.legal_name.clone(), autocomplete: "organization", errors: errs, hint: None })}
                {text_field(ctx, Field { name: "ruc", input_type: "text", value: form.ruc.clone(), autocomplete: "off", errors: errs, hint: Some("hint-ruc") })}
                {select_field(ctx, "legal_form", forms, &form.legal_form, errs)}
                {profile_fields(ctx, &profile, errs)}
                <h2>{owner}</h2>
                <p class="hint">{owner_hint}</p>
                {text_field(ctx, Field { name: "owner_name", input_type: "text", value: form.owner_name.clone(), autocomplete: "name", errors: errs, hint: None })}
                {text_field(ctx, Field { name: "owner_email", input_type: "email", value: form.owner_email.clone(), autocomplete: "email", errors: errs, hint: None })}
                {text_field(ctx, Field { name: "owner_password", input_type: "password", value: String::new(), autocomplete: "new-password", errors: errs, hint: Some("hint-password") })}
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /proveedores/registro`.
pub async fn register_form(ctx: PageContext) -> Response {
    render_register(
        &ctx,
        StatusCode::OK,
        &RegistrationInput::default(),
        Vec::new(),
    )
}

/// `POST /proveedores/registro`: registers the company and sends the owner to the login with
/// a notice to check their email — the same answer whether the address had an account or
/// not (its owner is emailed instead), so the form tells nobody who has one.
pub async fn register(
    State(app): State<AppState>,
    ctx: PageContext,
    ClientAddress(address): ClientAddress,
    form: Result<CsrfForm<RegistrationInput>, AppError>,
) -> PageResult {
    let CsrfForm(form) = form.or_page(&ctx)?;
    if ctx.user.is_some() {
        return Ok(render_register(
            &ctx,
            StatusCode::FORBIDDEN,
            &form,
            Vec::new(),
        ));
    }
    // The owner's emails go out in the language they registered in.
    let mut form = form;
    form.locale = Some(ctx.lang.code().to_owned());
    let result = match form.parse() {
        Ok(input) => suppliers::register(&app, input, Verification::SendEmail, &address).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(redirect(&ctx, "/ingresar?aviso=supplier-check-email")),
        Err(e) if !e.field_errors().is_empty() => {
            Ok(render_register(&ctx, e.status(), &form, e.field_errors()))
        }
        Err(e) => Err(PageFailure::new(&ctx, e)),
    }
}
