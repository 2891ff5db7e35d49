//! Extractors whose failures are answered with the error page in the reader's language (a
//! form whose CSRF token is wrong, a path whose id is not a number), so a handler only sees
//! what it can use.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::request::Parts,
};
use backend::AppState;

use crate::{
    context::{CsrfForm, PageContext},
    outcome::{OrPage, PageFailure},
};

/// A [`CsrfForm`] whose rejection is the error page in the user's language (not a JSON
/// problem): what page handlers take.
#[derive(Debug, Clone)]
pub struct PageForm<T>(pub T);

impl<T> FromRequest<AppState> for PageForm<T>
where
    T: serde::de::DeserializeOwned,
{
    type Rejection = PageFailure;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Ok(ctx) = PageContext::from_request_parts(&mut parts, state).await;
        let request = Request::from_parts(parts, body);
        CsrfForm::<T>::from_request(request, state)
            .await
            .map(|CsrfForm(form)| Self(form))
            .or_page(&ctx)
    }
}

/// Path parameters whose malformed values get the error page.
#[derive(Debug, Clone)]
pub struct PagePath<T>(pub T);

impl<T> FromRequestParts<AppState> for PagePath<T>
where
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = PageFailure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(ctx) = PageContext::from_request_parts(parts, state).await;
        backend::http::ApiPath::<T>::from_request_parts(parts, state)
            .await
            .map(|backend::http::ApiPath(value)| Self(value))
            .or_page(&ctx)
    }
}
