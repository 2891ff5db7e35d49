//! The page shell (header, navigation by role, language switch, footer), reusable form parts
//! (labelled fields, the error summary) and the functions that turn a view into a response.
//!
//! Rendering is synchronous: a handler first asks the backend for everything the page shows,
//! then renders the whole document with `to_html()`. Nothing is streamed and there is no
//! Suspense fallback, so a browser without JavaScript always receives the finished page —
//! the goal `SsrMode::Async` serves in a leptos_axum app, reached without a client bundle.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use backend::{
    AppError,
    auth::{CSRF_COOKIE, SESSION_COOKIE},
    domain::Role,
    error::{FieldError, field_label},
    i18n::{LANG_COOKIE, Lang},
};
use cookie::{Cookie, SameSite, time::Duration};
use leptos::prelude::*;

use crate::context::PageContext;

/// Renders a complete HTML document with the shell around `body`.
pub fn page(
    ctx: &PageContext,
    status: StatusCode,
    title: &str,
    body: impl IntoView + 'static,
) -> Response {
    page_with(ctx, status, title, Live::default(), body)
}

/// What a page that follows something live adds to its head.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// Without JavaScript, reload to this URL every so many seconds (a `<noscript>` refresh,
    /// so a page whose script follows the events does not also reload).
    pub refresh: Option<(u32, String)>,
    /// The script that follows the events (one of `/static/*.js`).
    pub script: Option<&'static str>,
}

/// [`page`] with a live page's refresh and script.
pub fn page_with(
    ctx: &PageContext,
    status: StatusCode,
    title: &str,
    live: Live,
    body: impl IntoView + 'static,
) -> Response {
    let document = shell(ctx, title.to_owned(), live, body);
    let html = format!("<!DOCTYPE html>{}", document.to_html());
    let mut response = (status, axum::response::Html(html)).into_response();
    finish_cookies(ctx, &mut response);
    if ctx.user.is_some() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A 303 redirect (post/redirect/get) carrying the context's cookie updates.
pub fn redirect(ctx: &PageContext, to: &str) -> Response {
    // `Redirect::to` panics on a value a header cannot carry; every target here is built by
    // the pages or passed through `safe_return_path`, but a bad one goes home, not to a 500.
    let to = if HeaderValue::from_str(to).is_ok() {
        to
    } else {
        "/"
    };
    let mut response = Redirect::to(to).into_response();
    finish_cookies(ctx, &mut response);
    response
}

fn finish_cookies(ctx: &PageContext, response: &mut Response) {
    if let Some(token) = &ctx.new_anonymous_csrf {
        append_cookie(
            response,
            &cookie(CSRF_COOKIE, token, None, ctx.cookie_secure),
        );
    }
    if ctx.clear_session {
        append_cookie(
            response,
            &cookie(SESSION_COOKIE, "", Some(0), ctx.cookie_secure),
        );
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, optionally Secure and Max-Age
/// (`Some(0)` deletes the cookie).
pub fn cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> String {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build();
    if let Some(age) = max_age {
        // No lifetime in the settings comes near i64::MAX seconds; one that did would last
        // "forever" either way.
        cookie.set_max_age(Duration::seconds(i64::try_from(age).unwrap_or(i64::MAX)));
    }
    cookie.to_string()
}

/// Sets the session cookie for `token` on `response`, living as long as the token.
pub fn set_session_cookie(
    response: &mut Response,
    settings: &backend::config::Settings,
    token: &str,
) {
    let max_age = settings.session_lifetime.as_secs();
    append_cookie(
        response,
        &cookie(SESSION_COOKIE, token, Some(max_age), settings.cookie_secure),
    );
}

/// Adds a `Set-Cookie` header.
pub fn append_cookie(response: &mut Response, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Turns an error into the page a person should see: the login for a missing session, else a
/// friendly error page in their language (500s are logged with their cause, shown without).
pub fn error_page(ctx: &PageContext, error: AppError) -> Response {
    match &error {
        AppError::Unauthenticated => {
            let back = urlencoding::encode(&ctx.path).into_owned();
            return redirect(ctx, &format!("/ingresar?volver={back}"));
        }
        AppError::Internal(cause) => {
            tracing::error!(cause = %cause.chain(), "internal error on a page")
        }
        AppError::Unavailable(cause) => {
            tracing::warn!(cause = %cause.chain(), "dependency unavailable on a page")
        }
        _ => {}
    }
    let key = match &error {
        AppError::Forbidden => "error-page-forbidden",
        AppError::Csrf => "error-page-csrf",
        AppError::NotFound => "error-page-not-found",
        AppError::Malformed(_) | AppError::Validation(_) | AppError::Conflict(_) => {
            "error-page-bad-request"
        }
        AppError::TooManyRequests { .. } => "error-page-too-many",
        _ => "error-page-internal",
    };
    let title = error.title(ctx.lang);
    // A refusal says why (the deadline passed, the tender is cancelled…), as the API does;
    // only a request that could not be read at all gets the general explanation.
    let reasons: Vec<String> = error
        .field_errors()
        .iter()
        .map(|e| e.message(ctx.lang))
        .collect();
    let explanation = reasons.is_empty().then(|| ctx.t(key));
    let home = ctx.t("error-page-home");
    page(
        ctx,
        error.status(),
        &title.clone(),
        view! {
            <section class="error-page">
                <h1>{title}</h1>
                {explanation.map(|text| view! { <p>{text}</p> })}
                {(!reasons.is_empty()).then(|| view! {
                    <ul class="error-reasons">
                        {reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                    </ul>
                })}
                <p><a href="/">{home}</a></p>
            </section>
        },
    )
}

fn nav_links(ctx: &PageContext) -> Vec<(&'static str, String)> {
    let mut links = vec![
        ("/", ctx.t("nav-home")),
        ("/licitaciones", ctx.t("nav-tenders")),
        ("/catalogo", ctx.t("nav-catalogue")),
        ("/proveedores", ctx.t("nav-suppliers")),
        // Who won what, and the figures: for the citizens and journalists who watch, not only
        // in the footer.
        ("/adjudicaciones", ctx.t("nav-awards")),
        ("/transparencia", ctx.t("nav-transparency")),
    ];
    if let Some(user) = &ctx.user {
        links.push(("/panel", ctx.t("nav-dashboard")));
        match user.role {
            Role::Admin => {
                links.push(("/admin", ctx.t("nav-admin")));
                links.push(("/auditoria", ctx.t("nav-audit")));
            }
            Role::Auditor => {
                links.push(("/registro", ctx.t("nav-registry")));
                links.push(("/auditoria", ctx.t("nav-audit")));
            }
            Role::Officer if user.registry_officer => {
                links.push(("/mis-licitaciones", ctx.t("nav-my-tenders")));
                links.push(("/registro", ctx.t("nav-registry")))
            }
            Role::Officer => links.push(("/mis-licitaciones", ctx.t("nav-my-tenders"))),
            Role::Supplier => {
                links.push(("/empresa", ctx.t("nav-my-company")));
                links.push(("/mis-ofertas", ctx.t("nav-my-bids")));
            }
        }
        links.push(("/cuenta", ctx.t("nav-account")));
    }
    links
}

fn shell<B: IntoView + 'static>(
    ctx: &PageContext,
    title: String,
    live: Live,
    body: B,
) -> impl IntoView + use<B> {
    let refresh = live.refresh.map(|(every, url)| {
        let content = format!("{every}; url={url}");
        view! { <noscript><meta http-equiv="refresh" content=content/></noscript> }
    });
    let script = live
        .script
        .map(|src| view! { <script src=src defer></script> });
    let lang_code = ctx.lang.code();
    let full_title = format!("{title} · Licita");
    let path = ctx.path.clone();
    let current = path.split('?').next().unwrap_or("/").to_owned();
    let links = nav_links(ctx)
        .into_iter()
        .map(|(href, label)| {
            let here = current == href;
            view! { <li><a href=href aria-current=here.then_some("page")>{label}</a></li> }
        })
        .collect_view();
    let switch = Lang::ALL
        .into_iter()
        .filter(|l| *l != ctx.lang)
        .map(|l| {
            let href = format!("/idioma/{}?volver={}", l.code(), urlencoding::encode(&path));
            let label = ctx.t(&format!("lang-switch-{}", l.code()));
            view! { <a class="lang-switch" href=href hreflang=l.code() lang=l.code()>{label}</a> }
        })
        .collect_view();
    let account = match &ctx.user {
        Some(user) => {
            let signed_in = ctx.t_args(
                "header-signed-in-as",
                &[
                    ("name", user.display_name.clone()),
                    ("role", ctx.t(&format!("role-{}", user.role.as_str()))),
                ],
            );
            let logout = ctx.t("nav-logout");
            let csrf = ctx.csrf.clone();
            view! {
                <span class="who">{signed_in}</span>
                <form method="post" action="/salir" class="inline">
                    <input type="hidden" name="csrf_token" value=csrf/>
                    <button type="submit" class="link-button">{logout}</button>
                </form>
            }
            .into_any()
        }
        None => {
            let login = ctx.t("nav-login");
            view! { <a href="/ingresar" class="button">{login}</a> }.into_any()
        }
    };
    let skip = ctx.t("skip-to-content");
    let nav_label = ctx.t("nav-label");
    let tagline = ctx.t("footer-tagline");
    let api = ctx.t("footer-api");
    let checkpoints = ctx.t("footer-checkpoints");
    let open_data = ctx.t("footer-open-data");
    let transparency = ctx.t("footer-transparency");
    let city = ctx
        .timezone
        .name()
        .rsplit('/')
        .next()
        .unwrap_or("")
        .replace('_', " ");
    let zone = ctx.t_args("footer-time-zone", &[("city", city)]);
    view! {
        <html lang=lang_code>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{full_title}</title>
                <link rel="stylesheet" href="/static/licita.css"/>
                <link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>
                {refresh}
                {script}
            </head>
            <body>
                <a class="skip" href="#main">{skip}</a>
                <header class="site-header">
                    <a class="brand" href="/">"Licita"</a>
                    <nav aria-label=nav_label><ul>{links}</ul></nav>
                    <div class="header-tools">{switch}{account}</div>
                </header>
                <main id="main" tabindex="-1">{body}</main>
                <footer class="site-footer">
                    <p>{tagline}</p>
                    <p>{zone}</p>
                    <p><a href="/transparencia">{transparency}</a>" · "<a href="/datos-abiertos">{open_data}</a>" · "<a href="/api/docs">{api}</a>" · "<a href="/puntos-de-control">{checkpoints}</a></p>
                </footer>
            </body>
        </html>
    }
}

/// A notice shown after a successful post/redirect/get (`?aviso=KEY`, the translation key
/// `notice-KEY`).
pub fn notice(ctx: &PageContext, key: Option<&str>) -> Option<impl IntoView + use<>> {
    // Only keys the catalogue knows are shown, so a crafted `?aviso=` cannot inject text.
    let key = key.filter(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '-'))?;
    let text = backend::i18n::t_opt(ctx.lang, &format!("notice-{key}"))?;
    Some(view! { <div class="notice" role="status">{text}</div> })
}

/// One form field's specification.
pub struct Field<'a> {
    /// Name of the input (and key of its errors).
    pub name: &'a str,
    /// Input type (`text`, `email`, `password`…).
    pub input_type: &'static str,
    /// The value to show (what the user typed); never set for passwords.
    pub value: String,
    /// `autocomplete` hint.
    pub autocomplete: &'static str,
    /// Errors of the whole form.
    pub errors: &'a [FieldError],
    /// Extra help text key.
    pub hint: Option<&'static str>,
}

/// [`text_field`] of plain text with nothing for the browser to fill in: the common case
/// of the officers' forms (dates typed as Lima time, titles, amounts).
pub fn plain_field(
    ctx: &PageContext,
    name: &str,
    value: &str,
    errors: &[FieldError],
    hint: Option<&'static str>,
) -> impl IntoView + use<> {
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
}

/// A labelled input with its error message, linked for screen readers. The first field in
/// error gets `autofocus`, which moves focus to it without JavaScript.
pub fn text_field(ctx: &PageContext, field: Field<'_>) -> impl IntoView + use<> {
    suggesting_field(ctx, field, Vec::new())
}

/// [`text_field`] offering `suggestions` (value, label) as the browser's list under the
/// input (`<datalist>`); anything else may still be typed.
pub fn suggesting_field(
    ctx: &PageContext,
    field: Field<'_>,
    suggestions: Vec<(String, String)>,
) -> impl IntoView + use<> {
    let id = format!("f-{}", field.name);
    let list_id = format!("{id}-list");
    let list = (!suggestions.is_empty()).then(|| list_id.clone());
    let datalist = (!suggestions.is_empty()).then(|| {
        let options = suggestions
            .into_iter()
            .map(|(value, label)| view! { <option value=value>{label}</option> })
            .collect_view();
        view! { <datalist id=list_id>{options}</datalist> }
    });
    let label = field_label(ctx.lang, field.name);
    let error = field
        .errors
        .iter()
        .find(|e| e.field == field.name)
        .map(|e| e.message(ctx.lang));
    let first_error = field.errors.first().map(|e| e.field.as_str()) == Some(field.name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let hint = field.hint.map(|k| ctx.t(k));
    let described = [
        hint.as_ref().map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let invalid = error.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <input
                type=field.input_type
                id=id
                name=field.name.to_owned()
                value=field.value
                autocomplete=field.autocomplete
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
                autofocus=first_error
                list=list
            />
            {datalist}
        </div>
    }
}

/// Where a deep page sits: Home › Tenders › … › this page (the last, not a link).
pub fn breadcrumbs(
    ctx: &PageContext,
    trail: Vec<(String, String)>,
    here: &str,
) -> impl IntoView + use<> {
    let label = ctx.t("breadcrumbs-label");
    let home = ctx.t("nav-home");
    let tenders = ctx.t("nav-tenders");
    let steps = [
        ("/".to_owned(), home),
        ("/licitaciones".to_owned(), tenders),
    ]
    .into_iter()
    .chain(trail)
    .map(|(href, text)| view! { <li><a href=href>{text}</a></li> })
    .collect_view();
    let here = here.to_owned();
    view! {
        <nav class="breadcrumbs" aria-label=label>
            <ol>{steps}<li aria-current="page">{here}</li></ol>
        </nav>
    }
}

/// A table of the pages: its header cells (`<th>`s, in one row) and its body rows, or
/// nothing when it has no rows — a header over nothing says nothing, and each list says
/// "none" in words beside it. On a phone its rows become cards ([`card_table`]); it keeps
/// the keyboard's focus for the desktop's wide tables (WCAG 2.1.1).
pub fn data_table<H, B>(rows: usize, head: Option<H>, body: B) -> Option<impl IntoView + use<H, B>>
where
    H: IntoView + 'static,
    B: IntoView + 'static,
{
    (rows > 0).then(|| table(None, head, body))
}

/// [`data_table`] with a caption.
pub fn captioned_table<H, B>(
    rows: usize,
    caption: String,
    head: Option<H>,
    body: B,
) -> Option<impl IntoView + use<H, B>>
where
    H: IntoView + 'static,
    B: IntoView + 'static,
{
    card_table(rows, Some(caption), head, body)
}

/// [`data_table`] whose rows become cards on a phone (see `table.as-cards` in the
/// stylesheet): each cell says its column (`data-label`), the cell marked `key` (the price,
/// the winner) comes first, and nothing is cut or hidden behind a sideways scroll.
pub fn card_table<H, B>(
    rows: usize,
    caption: Option<String>,
    head: Option<H>,
    body: B,
) -> Option<impl IntoView + use<H, B>>
where
    H: IntoView + 'static,
    B: IntoView + 'static,
{
    (rows > 0).then(|| table(caption, head, body))
}

/// A SHA-256 shown short (its first 12 digits), the whole value one tap away.
pub fn short_hash(hash: &str) -> impl IntoView + use<> {
    let short = format!("{}…", hash.chars().take(12).collect::<String>());
    let full = hash.to_owned();
    view! { <details class="hash-short"><summary><code>{short}</code></summary><code class="hash">{full}</code></details> }
}

fn table<H, B>(caption: Option<String>, head: Option<H>, body: B) -> impl IntoView + use<H, B>
where
    H: IntoView + 'static,
    B: IntoView + 'static,
{
    let caption = caption.map(|c| view! { <caption>{c}</caption> });
    let head = head.map(|h| view! { <thead><tr>{h}</tr></thead> });
    // Every table becomes cards on a phone; cells with a `data-label` say their column.
    view! { <table class="as-cards" tabindex="0">{caption}{head}<tbody>{body}</tbody></table> }
}

/// A table's column heads, one `<th scope="col">` per label, in order.
pub fn column_heads(labels: &[&String]) -> impl IntoView + use<> {
    labels
        .iter()
        .map(|l| {
            let text = (*l).clone();
            view! { <th scope="col">{text}</th> }
        })
        .collect_view()
}

/// "Previous · page N of M · next" links; `link` makes the URL of a page number.
pub fn pagination(
    ctx: &PageContext,
    page: i64,
    pages: i64,
    link: &dyn Fn(i64) -> String,
) -> impl IntoView + use<> {
    // A page past the last (an old link, a hand-typed address) says so and leads to the last.
    if page > pages {
        let text = ctx.t_args(
            "page-beyond",
            &[("page", page.to_string()), ("pages", pages.to_string())],
        );
        let (href, label, aria) = (link(pages), ctx.t("page-last"), text.clone());
        return view! {
            <nav class="pagination" aria-label=aria>
                <span>{text}</span>" "<a href=href>{label}</a>
            </nav>
        }
        .into_any();
    }
    let previous = (page > 1).then(|| {
        let (href, label) = (link(page - 1), ctx.t("page-previous"));
        view! { <a rel="prev" href=href>{label}</a> }
    });
    let next = (page < pages).then(|| {
        let (href, label) = (link(page + 1), ctx.t("page-next"));
        view! { <a rel="next" href=href>{label}</a> }
    });
    let of = ctx.t_args(
        "page-of",
        &[("page", page.to_string()), ("pages", pages.to_string())],
    );
    let label = of.clone();
    view! { <nav class="pagination" aria-label=label>{previous}" "<span>{of}</span>" "{next}</nav> }
        .into_any()
}

/// A `<textarea>`'s content, escaped. Leptos escapes every text node it writes except a
/// textarea's (its element is declared as not escaping its children), so a value containing
/// `</textarea>` would end the element and inject markup. Every textarea of the pages is made
/// by [`text_area`] or gets its text through this.
pub fn textarea_text(value: &str) -> String {
    html_escape::encode_text(value).into_owned()
}

/// A labelled `<textarea>` with its error message, like [`text_field`]; the value comes back
/// escaped.
pub fn text_area(
    ctx: &PageContext,
    name: &str,
    value: String,
    errors: &[FieldError],
    rows: u32,
) -> impl IntoView + use<> {
    let id = format!("f-{name}");
    let label = field_label(ctx.lang, name);
    let error = errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message(ctx.lang));
    let first_error = errors.first().map(|e| e.field.as_str()) == Some(name);
    let error_id = format!("{id}-error");
    let invalid = error.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <textarea
                id=id
                name=name.to_owned()
                rows=rows
                aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then_some(error_id.clone())
                autofocus=first_error
            >{textarea_text(&value)}</textarea>
        </div>
    }
}

/// A labelled `<select>`.
pub fn select_field(
    ctx: &PageContext,
    name: &str,
    options: Vec<(String, String)>,
    selected: &str,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let id = format!("f-{name}");
    let label = field_label(ctx.lang, name);
    let error = errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message(ctx.lang));
    let first_error = errors.first().map(|e| e.field.as_str()) == Some(name);
    let error_id = format!("{id}-error");
    let invalid = error.is_some();
    let selected = selected.to_owned();
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let is_selected = value == selected;
            view! { <option value=value selected=is_selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            <select id=id name=name.to_owned() aria-invalid=invalid.then_some("true") autofocus=first_error>{options}</select>
        </div>
    }
}

/// The error summary at the top of a form: a heading and a link to each wrong field.
pub fn error_summary(
    ctx: &PageContext,
    errors: &[FieldError],
    general: Option<String>,
) -> Option<impl IntoView + use<>> {
    if errors.is_empty() && general.is_none() {
        return None;
    }
    let heading = ctx.t("error-summary-title");
    let items = errors
        .iter()
        .map(|e| {
            let href = format!("#f-{}", e.field);
            let text = e.message(ctx.lang);
            view! { <li><a href=href>{text}</a></li> }
        })
        .collect_view();
    Some(view! {
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
            <h2 id="error-summary-title">{heading}</h2>
            {general.map(|g| view! { <p>{g}</p> })}
            <ul>{items}</ul>
        </div>
    })
}

/// The status of a form page: 200 without errors, 413 when an upload was too large, 422
/// otherwise.
pub fn form_status(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else if errors
        .iter()
        .any(|e| matches!(e.code, "file_too_large" | "bid_too_large"))
    {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The field errors a form page shows again, or the error for an error page.
pub fn form_errors(e: AppError) -> Result<Vec<FieldError>, AppError> {
    match e {
        AppError::Validation(errors) => Ok(errors),
        AppError::Conflict(f) | AppError::TooLarge(f) => Ok(vec![f]),
        other => Err(other),
    }
}

/// The hidden CSRF input every form carries.
pub fn csrf_input(ctx: &PageContext) -> impl IntoView + use<> {
    let token = ctx.csrf.clone();
    view! { <input type="hidden" name="csrf_token" value=token/> }
}

/// Formats a UTC time in the display zone.
pub fn local_time(time: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> String {
    time.and_utc()
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Formats a deadline in the display zone. One at midnight is shown as the end of the day
/// before (`2026-12-15 24:00`, ISO 8601's end of day): "2026-12-16 00:00" leaves a bidder
/// unsure whether the 16th still counts.
pub fn local_deadline(time: chrono::NaiveDateTime, tz: chrono_tz::Tz) -> String {
    backend::domain::procurement::deadline_text(time, tz)
}

/// The cookie that remembers a language choice for a year.
pub fn lang_cookie(lang: Lang, secure: bool) -> String {
    cookie(LANG_COOKIE, lang.code(), Some(365 * 24 * 3600), secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_keep_their_attributes() {
        let parts = |text: String| {
            let mut parts: Vec<String> = text.split("; ").map(str::to_owned).collect();
            parts.sort();
            parts
        };
        assert_eq!(
            parts(cookie("licita_session", "t0k", Some(3600), true)),
            [
                "HttpOnly",
                "Max-Age=3600",
                "Path=/",
                "SameSite=Lax",
                "Secure",
                "licita_session=t0k"
            ]
        );
        assert_eq!(
            parts(cookie("licita_csrf", "x", None, false)),
            ["HttpOnly", "Path=/", "SameSite=Lax", "licita_csrf=x"]
        );
        assert_eq!(
            parts(lang_cookie(Lang::En, false)),
            [
                "HttpOnly",
                "Max-Age=31536000",
                "Path=/",
                "SameSite=Lax",
                "licita_lang=en"
            ]
        );
    }

    #[test]
    fn a_deadline_at_midnight_is_the_end_of_the_day_before() {
        let lima = chrono_tz::America::Lima;
        let at = |d: u32, h: u32, m: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, d)
                .and_then(|d| d.and_hms_opt(h, m, 0))
                .expect("a date")
        };
        // 05:00 UTC is midnight in Lima.
        assert_eq!(local_deadline(at(16, 5, 0), lima), "2026-12-15 24:00");
        assert_eq!(local_deadline(at(16, 5, 1), lima), "2026-12-16 00:01");
        assert_eq!(local_deadline(at(16, 22, 0), lima), "2026-12-16 17:00");
        assert_eq!(local_time(at(16, 5, 0), lima), "2026-12-16 00:00");
    }

    #[test]
    fn a_table_takes_focus_and_is_left_out_without_rows() {
        let none = data_table(
            0,
            Some(view! { <th>"x"</th> }),
            view! { <tr><td>"1"</td></tr> },
        );
        assert!(none.is_none());
        let html = data_table(1, None::<()>, view! { <tr><td>"1"</td></tr> })
            .expect("a table")
            .to_html();
        // Focusable on a desktop, cards on a phone.
        assert!(
            html.starts_with("<table tabindex=\"0\" class=\"as-cards\">"),
            "{html}"
        );
        assert!(html.contains("<tbody><tr><td>1</td></tr></tbody>") && !html.contains("<thead>"));
        let headed = data_table(
            2,
            Some(view! { <th>"x"</th> }),
            view! { <tr><td>"1"</td></tr> },
        )
        .expect("a table")
        .to_html();
        assert!(
            headed.contains("<thead><tr><th>x</th></tr></thead>"),
            "{headed}"
        );
    }
}
