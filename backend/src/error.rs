//! The one error type of Licita, and the rules for it.
//!
//! Rules:
//! 1. Every fallible service or handler returns [`AppError`]. Lower layers' errors (diesel,
//!    r2d2, lettre, io) become `AppError::Internal` through `From`, keeping their text for the
//!    log; diesel's `NotFound` becomes [`AppError::NotFound`] (404), a unique violation becomes
//!    [`AppError::Conflict`] only where a service maps it with a field name.
//! 2. A client sees a stable `code`, an HTTP status and a message in its language, never
//!    internal detail: an `Internal` error is logged with its cause (inside the request's span,
//!    so with its request id) and answered with a generic 500.
//! 3. API responses are `application/problem+json` (RFC 9457) with `errors: [{field, code,
//!    message}]` for validation failures. Pages (frontend) turn the same error into a friendly
//!    page or a form re-rendered with an error summary.
//! 4. Messages are translated at the edge: [`AppError::into_response`] renders Spanish; the
//!    API's `localize` middleware re-renders in the caller's language (Accept-Language or the
//!    `licita_lang` cookie).

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use std::sync::Arc;

use crate::i18n::{Lang, t, t_args};

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the client sent it (e.g. `email`).
    pub field: String,
    /// Stable machine code, e.g. `required`, `too_long`, `invalid_email`.
    pub code: &'static str,
    /// Arguments of the message, e.g. `("max", "120")`.
    pub args: Vec<(&'static str, String)>,
}

/// The label of a form field, in `lang`. A field of a repeated row (`score_2`) is labelled
/// like its kind (`score`); forms put the row's name in their legend.
pub fn field_label(lang: Lang, field: &str) -> String {
    let kind = match field.trim_end_matches(|c: char| c.is_ascii_digit()) {
        k if k.len() < field.len() && k.ends_with('_') => &k[..k.len() - 1],
        _ => field,
    };
    t(lang, &format!("field-{}", kind.replace('_', "-")))
}

impl FieldError {
    /// The same error about another field (a file checked as `file`, sent as one of a
    /// form's `documents`), its message's arguments kept.
    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// A field error without arguments.
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
            args: Vec::new(),
        }
    }

    /// Adds a message argument.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// The message in `lang`, naming the field by its translated label.
    pub fn message(&self, lang: Lang) -> String {
        let mut args: Vec<(&str, String)> = vec![("field", field_label(lang, &self.field))];
        // A `status` argument is a status code; it is shown by its translated name.
        args.extend(self.args.iter().map(|(k, v)| match *k {
            "status" => (*k, t(lang, &format!("status-{}", v.replace('_', "-")))),
            _ => (*k, v.clone()),
        }));
        let key = format!("error-{}", self.code.replace('_', "-"));
        // A range refusal that knows its bounds says them (`error-<code>-between`).
        let bounded = ["min", "max"]
            .iter()
            .all(|k| self.args.iter().any(|(a, _)| a == k));
        let message = bounded
            .then(|| crate::i18n::t_args_opt(lang, &format!("{key}-between"), &args))
            .flatten()
            .unwrap_or_else(|| t_args(lang, &key, &args));
        // Errors in one row of a repeated group (a lot, a criterion) say which row.
        match self
            .args
            .iter()
            .find(|(k, _)| *k == "lot" || *k == "criterion")
        {
            Some((k, n)) if self.field != "lots" => format!(
                "{message} ({})",
                t_args(lang, &format!("error-in-{k}"), &[("n", n.clone())])
            ),
            _ => message,
        }
    }
}

/// Which part of a request could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPart {
    /// The JSON body.
    Body,
    /// A path segment (`/tenders/{id}`).
    Path,
    /// The query string.
    Query,
    /// A submitted form (urlencoded or multipart).
    Form,
}

impl RequestPart {
    fn key(self) -> &'static str {
        match self {
            Self::Body => "body",
            Self::Path => "path",
            Self::Query => "query",
            Self::Form => "form",
        }
    }
}

/// Why a request part could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnreadableReason {
    /// Not JSON (or not a form) at all, at this line and column.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The body ends before the value does.
    Truncated,
    /// A field's value has the wrong type or form (a word where a number goes, an unknown
    /// choice, a number out of range).
    Value,
    /// A field the operation needs is missing.
    Missing,
    /// The body is not declared as the content type the operation reads.
    ContentType,
    /// The body could not be received (connection closed, bad encoding).
    Interrupted,
}

/// A request part that could not be read (400): which part, which field if known, and why.
/// Built from a parser's error without keeping its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Body, path, query or form.
    pub part: RequestPart,
    /// The field, as a dotted path when nested (`proof.tree_size`), when the parser knows it.
    pub field: Option<String>,
    /// Why.
    pub reason: UnreadableReason,
}

impl Unreadable {
    /// A part that could not be read for `reason`, no field known.
    pub fn new(part: RequestPart, reason: UnreadableReason) -> Self {
        Self {
            part,
            field: None,
            reason,
        }
    }

    /// From a JSON error, with the path of the field it happened at.
    pub fn json(part: RequestPart, error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let field = Some(error.path().to_string()).filter(|p| p != "." && !p.is_empty());
        Self::json_at(part, field, error.inner())
    }

    /// From a JSON error at `field` (if known).
    pub fn json_at(part: RequestPart, field: Option<String>, inner: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let reason = match inner.classify() {
            Category::Syntax => UnreadableReason::Syntax {
                line: inner.line(),
                column: inner.column(),
            },
            Category::Eof => UnreadableReason::Truncated,
            Category::Io => UnreadableReason::Interrupted,
            Category::Data if inner.to_string().starts_with("missing field") => {
                UnreadableReason::Missing
            }
            Category::Data => UnreadableReason::Value,
        };
        Self {
            part,
            field,
            reason,
        }
    }

    /// From a form or query-string error, with the field it happened at.
    pub fn urlencoded(
        part: RequestPart,
        error: serde_path_to_error::Error<serde_urlencoded::de::Error>,
    ) -> Self {
        let field = Some(error.path().to_string()).filter(|p| p != "." && !p.is_empty());
        let reason = if error.inner().to_string().starts_with("missing field") {
            UnreadableReason::Missing
        } else {
            UnreadableReason::Value
        };
        Self {
            part,
            field,
            reason,
        }
    }

    /// The field's name as a person reads it: its label when the catalogue has one (the
    /// last segment of a nested path), else the name as sent.
    fn field_name(&self, lang: Lang) -> Option<String> {
        let field = self.field.as_deref()?;
        let last = field.rsplit('.').next().unwrap_or(field);
        let key = format!("field-{}", last.replace('_', "-"));
        Some(crate::i18n::t_opt(lang, &key).unwrap_or_else(|| field.to_owned()))
    }

    /// The sentence shown as the problem's `detail`.
    pub fn sentence(&self, lang: Lang) -> String {
        let part = t(lang, &format!("unreadable-part-{}", self.part.key()));
        let mut args = vec![("part", part)];
        let key = match (self.reason, self.field_name(lang)) {
            (UnreadableReason::Syntax { line, column }, _) => {
                args.push(("line", line.to_string()));
                args.push(("column", column.to_string()));
                "unreadable-syntax"
            }
            (UnreadableReason::Truncated, _) => "unreadable-truncated",
            (UnreadableReason::ContentType, _) => "unreadable-content-type",
            (UnreadableReason::Interrupted, _) => "unreadable-interrupted",
            (UnreadableReason::Missing, Some(field)) => {
                args.push(("field", field));
                "unreadable-missing-field"
            }
            (UnreadableReason::Value, Some(field)) => {
                args.push(("field", field));
                "unreadable-value-field"
            }
            (UnreadableReason::Missing | UnreadableReason::Value, None) => "unreadable-value",
        };
        t_args(lang, key, &args)
    }
}

/// Every way a request can fail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// One or more fields are wrong (422).
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// No valid credentials (401).
    #[error("unauthenticated")]
    Unauthenticated,
    /// Email or password wrong (401); deliberately does not say which.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Authenticated, but this role may not do this (403).
    #[error("forbidden")]
    Forbidden,
    /// Cookie-authenticated change without a valid CSRF token (403).
    #[error("csrf token missing or wrong")]
    Csrf,
    /// The thing does not exist, or the caller may not know it exists (404).
    #[error("not found")]
    NotFound,
    /// The change conflicts with existing data (409), e.g. a RUC already registered.
    #[error("conflict: {0:?}")]
    Conflict(FieldError),
    /// The upload is larger than allowed (413), with the field and the limit.
    #[error("payload too large: {0:?}")]
    TooLarge(FieldError),
    /// Too many failed attempts (429).
    #[error("too many attempts, retry after {retry_after_secs}s")]
    TooManyRequests {
        /// Seconds until the lock ends.
        retry_after_secs: i64,
    },
    /// A part of the request could not be read as the expected JSON, form, query or path
    /// (400); said in the caller's language, naming the field, never with a parser's text.
    #[error("malformed request: {0:?}")]
    Malformed(Unreadable),
    /// A dependency (database) is unavailable (503). The cause is logged, not shown.
    #[error("unavailable: {0}")]
    Unavailable(#[source] Cause),
    /// A bug or an unexpected failure (500). The cause is logged, not shown.
    #[error("internal: {0}")]
    Internal(#[source] Cause),
}

/// The cause of an internal or unavailable error, kept whole (with its own sources) for the
/// log: a database error stays a database error, not a flattened string.
#[derive(Debug, Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// A cause that is only a message.
    pub fn message(text: impl std::fmt::Display) -> Self {
        Self(Arc::new(Message(text.to_string())))
    }

    /// A cause that is an error, with its sources.
    pub fn error(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(error))
    }

    /// The cause and each of its sources, joined by `: ` (what the log shows).
    pub fn chain(&self) -> String {
        let mut text = self.0.to_string();
        let mut next = self.0.source();
        while let Some(source) = next {
            text.push_str(": ");
            text.push_str(&source.to_string());
            next = source.source();
        }
        text
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// A cause given as text.
#[derive(Debug)]
struct Message(String);

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

impl AppError {
    /// A request part that could not be read, no field known (400).
    pub fn unreadable(part: RequestPart, reason: UnreadableReason) -> Self {
        Self::Malformed(Unreadable::new(part, reason))
    }

    /// A single-field validation error.
    pub fn field(field: impl Into<String>, code: &'static str) -> Self {
        Self::Validation(vec![FieldError::new(field, code)])
    }

    /// An internal error with its cause (for the log).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(Cause::message(cause))
    }

    /// A dependency is unavailable, with its cause (for the log).
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        Self::Unavailable(Cause::message(cause))
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code (the last segment of the problem `type`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid-credentials",
            Self::Forbidden => "forbidden",
            Self::Csrf => "csrf",
            Self::NotFound => "not-found",
            Self::Conflict(_) => "conflict",
            Self::TooLarge(_) => "too-large",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Malformed(_) => "malformed",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// Field errors, if any (validation and conflict).
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Validation(errors) => errors.clone(),
            Self::Conflict(e) | Self::TooLarge(e) => vec![e.clone()],
            _ => Vec::new(),
        }
    }

    /// The title shown to a person, in `lang`.
    pub fn title(&self, lang: Lang) -> String {
        t(lang, &format!("problem-{}", self.code()))
    }

    /// The RFC 9457 problem document in `lang`.
    pub fn problem(&self, lang: Lang) -> Problem {
        let errors: Vec<ProblemField> = self
            .field_errors()
            .iter()
            .map(|e| ProblemField {
                field: e.field.clone(),
                code: e.code,
                message: e.message(lang),
            })
            .collect();
        let detail = match self {
            Self::Malformed(why) => Some(why.sentence(lang)),
            Self::TooManyRequests { retry_after_secs } if *retry_after_secs < 60 => Some(t_args(
                lang,
                "problem-too-many-requests-seconds",
                &[("seconds", retry_after_secs.max(&1).to_string())],
            )),
            Self::TooManyRequests { retry_after_secs } => Some(t_args(
                lang,
                "problem-too-many-requests-detail",
                &[("minutes", ((retry_after_secs + 59) / 60).to_string())],
            )),
            _ if !errors.is_empty() => Some(
                errors
                    .iter()
                    .map(|e| e.message.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        };
        Problem {
            problem_type: format!("/problems/{}", self.code()),
            title: self.title(lang),
            status: self.status().as_u16(),
            detail,
            errors,
        }
    }

    /// Renders the problem document as a response in `lang`.
    pub fn to_response(&self, lang: Lang) -> Response {
        let mut response = (self.status(), axum::Json(self.problem(lang))).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Self::TooManyRequests { retry_after_secs } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.max(&1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if matches!(self, Self::Unauthenticated) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(Arc::new(self.clone()));
        response
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem, e.g. `/problems/validation`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary in the caller's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Explanation in the caller's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field-level problems (validation and conflicts).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One field-level problem inside a [`Problem`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// The field's name as sent.
    pub field: String,
    /// Stable machine code.
    pub code: &'static str,
    /// Message in the caller's language, naming the field.
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(cause) => tracing::error!(cause = %cause.chain(), "internal error"),
            Self::Unavailable(cause) => {
                tracing::warn!(cause = %cause.chain(), "dependency unavailable")
            }
            _ => {}
        }
        self.to_response(Lang::Es)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Self::NotFound,
            other => Self::Internal(Cause::error(other)),
        }
    }
}

/// Is this diesel error a unique-constraint violation?
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
