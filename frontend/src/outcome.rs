//! How a page handler fails: a [`PageResult`] is the page, or a [`PageFailure`] that already
//! holds the error page for the reader (their language, the login redirect for a missing
//! session). A handler writes `service(..).await.or_page(&ctx)?` instead of matching each error
//! by hand, and axum answers the failure like any response.
//!
//! Which page an error gets is decided once, in [`error_page`]; this module only carries it out
//! of the handler. An error a page answers otherwise (a form shown again with its validation
//! errors) is matched before it reaches `or_page`, never turned into a failure here.

use axum::response::{IntoResponse, Response};
use backend::AppError;

use crate::{context::PageContext, layout::error_page};

/// The error page a handler stopped at, ready to send. Boxed: a `Response` is large, and the
/// failure travels through every `?` of the happy path.
#[derive(Debug)]
pub struct PageFailure(Box<Response>);

impl PageFailure {
    /// The error page for `error`, as the reader of `ctx` should see it.
    pub fn new(ctx: &PageContext, error: AppError) -> Self {
        Self(Box::new(error_page(ctx, error)))
    }
}

impl IntoResponse for PageFailure {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// What a page handler, or a helper that renders a page, returns.
pub type PageResult<T = Response> = Result<T, PageFailure>;

/// Turns a backend error into the error page, for `?` in a page handler.
pub trait OrPage<T> {
    /// The value, or the error page for the reader of `ctx`.
    fn or_page(self, ctx: &PageContext) -> PageResult<T>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, ctx: &PageContext) -> PageResult<T> {
        self.map_err(|error| PageFailure::new(ctx, error))
    }
}
