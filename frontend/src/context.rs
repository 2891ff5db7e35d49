//! What every page knows about its request: language, signed-in user, CSRF token, path.
//!
//! [`PageContext`] is an axum extractor; [`CsrfForm`] reads a posted form and refuses it unless
//! its `csrf_token` matches the session's (or, signed out, the double-submit cookie's).

use axum::{
    extract::{FromRequest, FromRequestParts, Multipart, Request, multipart::MultipartRejection},
    http::{Method, request::Parts},
};
use backend::{
    AppError, AppState,
    auth::{self, CSRF_COOKIE, CurrentUser},
    bids::Attachment,
    blobs::{SpoolError, Spooled},
    domain::Role,
    error::{RequestPart, UnreadableReason},
    i18n::{self, Lang},
};

/// The request as a page sees it.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// Interface language.
    pub lang: Lang,
    /// Signed-in user, if any.
    pub user: Option<CurrentUser>,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// A newly made anonymous CSRF token to set as a cookie with this response.
    pub new_anonymous_csrf: Option<String>,
    /// The session cookie was present but no longer valid: clear it.
    pub clear_session: bool,
    /// Path and query of this request (for the language switch and "back" links).
    pub path: String,
    /// Mark cookies set with this response `Secure` (`LICITA_COOKIE_SECURE`).
    pub cookie_secure: bool,
    /// The time zone pages show times in (named in every page's footer).
    pub timezone: chrono_tz::Tz,
}

impl PageContext {
    /// Translates `key`.
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    /// Translates `key` with arguments.
    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        i18n::t_args(self.lang, key, args)
    }

    /// The signed-in user, or `Unauthenticated` (pages redirect to the login).
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The signed-in user if their role is one of `roles`; else `Unauthenticated` / `Forbidden`.
    pub fn require_role(&self, roles: &[Role]) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        if roles.contains(&user.role) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ctx) = parts.extensions.get::<PageContext>() {
            return Ok(ctx.clone());
        }
        // A bearer token is for API clients; pages only honour the cookie.
        let cookie_only = {
            let mut headers = parts.headers.clone();
            headers.remove(axum::http::header::AUTHORIZATION);
            headers
        };
        let (user, clear_session) = match auth::authenticate(state, &cookie_only).await {
            Ok(user) => (user, false),
            Err(AppError::Unauthenticated) => (None, true),
            Err(e) => {
                tracing::warn!(error = %e, "session lookup failed; page served signed out");
                (None, false)
            }
        };
        let mut lang = backend::http::lang_from_headers(&parts.headers);
        if backend::http::cookie_value(&parts.headers, i18n::LANG_COOKIE).is_none()
            && let Some(user_lang) = user.as_ref().and_then(|u| Lang::from_code(&u.locale))
        {
            lang = user_lang;
        }
        let (csrf, new_anonymous_csrf) = match (
            &user,
            backend::http::cookie_value(&parts.headers, CSRF_COOKIE),
        ) {
            (Some(u), _) => (u.csrf.clone(), None),
            (None, Some(existing)) if existing.len() >= 32 => (existing, None),
            (None, _) => {
                let fresh = backend::keys::random_token();
                (fresh.clone(), Some(fresh))
            }
        };
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let ctx = Self {
            lang,
            user,
            csrf,
            new_anonymous_csrf,
            clear_session,
            path,
            cookie_secure: state.settings.cookie_secure,
            timezone: state.settings.timezone,
        };
        parts.extensions.insert(ctx.clone());
        Ok(ctx)
    }
}

/// A posted `application/x-www-form-urlencoded` form whose `csrf_token` field was checked.
#[derive(Debug, Clone)]
pub struct CsrfForm<T>(pub T);

impl<T> FromRequest<AppState> for CsrfForm<T>
where
    T: serde::de::DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = request.into_parts();
        let Ok(ctx) = PageContext::from_request_parts(&mut parts, state).await;
        if parts.method != Method::POST {
            return Err(AppError::unreadable(
                RequestPart::Form,
                UnreadableReason::ContentType,
            ));
        }
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::unreadable(RequestPart::Form, UnreadableReason::Value))?;
        let sent = pairs
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        // A signed-out form must match the double-submit cookie the browser sent, never a token
        // minted for this very request.
        let valid =
            ctx.new_anonymous_csrf.is_none() && backend::keys::secrets_equal(sent, &ctx.csrf);
        if !valid {
            return Err(AppError::Csrf);
        }
        // serde_html_form, unlike serde_urlencoded, reads repeated keys (checkbox groups) into
        // a Vec.
        serde_html_form::from_bytes(&bytes)
            .map(Self)
            .map_err(|_| AppError::unreadable(RequestPart::Form, UnreadableReason::Value))
    }
}

/// The most files one form may carry (a bid takes 20 documents).
const MAX_FORM_FILES: usize = 25;

/// The most text fields one multipart form may carry (a bid's 50 lots and their choices).
const MAX_TEXT_FIELDS: usize = 400;

/// The longest text field of a multipart form (a justification is 4,000 characters).
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// A posted `multipart/form-data` form (one with files): its text fields and its files.
#[derive(Debug, Default)]
pub struct MultipartForm {
    /// Text fields in the order sent (repeated names repeat).
    pub fields: Vec<(String, String)>,
    /// Files chosen; an empty file input sends nothing here.
    pub files: Vec<Attachment>,
    /// The files together went over the limit: reading stopped there.
    pub too_large: bool,
}

impl MultipartForm {
    /// The first value of text field `name`, or empty.
    pub fn value(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// A multipart text field's value, or `None` past [`MAX_TEXT_FIELD_BYTES`] (reading stops
/// there).
async fn bounded_text(
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<Option<String>, AppError> {
    let mut value = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|_| AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted))?
    {
        value.extend_from_slice(&chunk);
        if value.len() > MAX_TEXT_FIELD_BYTES {
            return Ok(None);
        }
    }
    Ok(Some(String::from_utf8_lossy(&value).into_owned()))
}

/// Reads a multipart form whose first field is `csrf_token` (every form here puts it first),
/// refusing it before reading anything else when the token is wrong. Files are spooled into
/// `data_dir` as they arrive (never held in memory) and reading stops once they pass `limit`
/// bytes together.
pub async fn read_multipart(
    ctx: &PageContext,
    multipart: Result<Multipart, MultipartRejection>,
    data_dir: &std::path::Path,
    limit: u64,
) -> Result<MultipartForm, AppError> {
    let mut multipart = multipart
        .map_err(|_| AppError::unreadable(RequestPart::Form, UnreadableReason::ContentType))?;
    let mut form = MultipartForm::default();
    let mut csrf_ok = false;
    let mut total: u64 = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::unreadable(RequestPart::Form, UnreadableReason::Interrupted))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == "csrf_token" {
            let Some(sent) = bounded_text(&mut field).await? else {
                return Err(AppError::Csrf);
            };
            csrf_ok =
                ctx.new_anonymous_csrf.is_none() && backend::keys::secrets_equal(&sent, &ctx.csrf);
            continue;
        }
        if !csrf_ok {
            return Err(AppError::Csrf);
        }
        let Some(filename) = field.file_name().map(str::to_owned) else {
            // A text field is a price, a choice, a paragraph: never megabytes, never thousands.
            let Some(value) = bounded_text(&mut field).await? else {
                form.too_large = true;
                return Ok(form);
            };
            if form.fields.len() >= MAX_TEXT_FIELDS {
                form.too_large = true;
                return Ok(form);
            }
            form.fields.push((name, value));
            continue;
        };
        let file = match Spooled::receive(data_dir, limit - total.min(limit), &mut field).await {
            Ok(file) => file,
            Err(SpoolError::TooLarge) => {
                form.too_large = true;
                return Ok(form);
            }
            Err(e) => {
                return Err(e.into_app_error(|| {
                    AppError::unreadable(RequestPart::Form, UnreadableReason::Value)
                }));
            }
        };
        total += file.size;
        // Each file is a spool file: a form of countless empty files is refused as too large.
        if form.files.len() >= MAX_FORM_FILES {
            form.too_large = true;
            return Ok(form);
        }
        // A file input left empty sends a nameless, empty part.
        if !(filename.is_empty() && file.size == 0) {
            form.files.push(Attachment {
                name: filename,
                file,
            });
        }
    }
    if csrf_ok {
        Ok(form)
    } else {
        Err(AppError::Csrf)
    }
}

/// The body of a form that carries nothing but its CSRF token (logout, one-button actions).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NoFields {}

/// A local path to return to after a form, or `fallback` when `candidate` could lead off-site.
/// The one rule: a same-origin relative path — `/` followed by anything but a second `/` or
/// a `\`, made only of visible ASCII (no TAB, no NUL, no DEL, no space, no non-ASCII), with no
/// `\` anywhere. Browsers drop TABs and newlines and read `\` as `/`, so `/\t/evil` and
/// `/\evil` would lead to `//evil`; anything a header cannot carry would fail the redirect.
pub fn safe_return_path(candidate: Option<&str>, fallback: &str) -> String {
    match candidate {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p.to_owned()
        }
        _ => fallback.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn return_paths_stay_on_site() {
        assert_eq!(safe_return_path(Some("/admin"), "/"), "/admin");
        assert_eq!(safe_return_path(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_return_path(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_return_path(Some("/\\evil.example"), "/"), "/");
        assert_eq!(safe_return_path(None, "/panel"), "/panel");
        for hostile in [
            "/\t/evil.example",
            "/\t/\t/evil.example",
            "/\n/evil.example",
            "/\0",
            "/\u{7f}",
            "/ /evil.example",
            "/ñ",
            "\\\\evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_return_path(Some(hostile), "/"), "/", "{hostile:?}");
        }
        assert_eq!(
            safe_return_path(Some("/licitaciones?q=a%20b&page=2"), "/"),
            "/licitaciones?q=a%20b&page=2"
        );
    }
}
