//! Account routes: login, logout, email verification, the caller's own account, and the
//! administration of buyer entities and users.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiUser, ClientAddress};
use crate::{
    accounts::{self, Account, Buyer, NewAccountInput, NewBuyer, Verification},
    app::AppState,
    audit::Actor,
    auth::{self, CurrentUser},
    domain::Role,
    error::{AppError, Problem},
};

/// Login request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LoginRequest {
    /// Email address.
    #[schema(required = true, min_length = 1)]
    pub email: String,
    /// Password.
    #[schema(required = true, min_length = 1)]
    pub password: String,
}

/// A session token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// The JWT to send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// When it expires (UTC).
    pub expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: CurrentUser,
}

/// Signs in with email and password. Failed attempts are throttled per account and address.
#[utoipa::path(post, path = "/auth/login", tag = "accounts", request_body = LoginRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(app): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let outcome = auth::login(&app, &body.email, &body.password, &address).await?;
    let (token, claims) = auth::issue_token(&app, outcome.user_id, outcome.role)?;
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        axum::http::header::AUTHORIZATION,
        format!("Bearer {token}")
            .parse()
            .map_err(AppError::internal)?,
    );
    let user = auth::authenticate(&app, &headers)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Json(TokenResponse {
        token,
        token_type: "Bearer",
        expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or_default(),
        user,
    }))
}

/// Ends the session: the token stops working at once.
#[utoipa::path(post, path = "/auth/logout", tag = "accounts", security(("bearer" = [])), responses(
    (status = 204, description = "Signed out"),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn logout(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<StatusCode, AppError> {
    auth::sign_out(&app, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Email verification request (the token from the emailed link).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VerifyEmailRequest {
    /// Token from the link.
    #[schema(required = true, min_length = 1)]
    pub token: String,
}

/// Marks the address of the link's account verified.
#[utoipa::path(post, path = "/auth/verify-email", tag = "accounts", request_body = VerifyEmailRequest, responses(
    (status = 200, body = Account),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn verify_email(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<VerifyEmailRequest>,
) -> Result<Json<Account>, AppError> {
    Ok(Json(accounts::verify_email(&app, body.token).await?))
}

/// A request for a password reset link.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordResetRequest {
    /// The account's email address.
    #[schema(required = true, min_length = 1, max_length = 254)]
    pub email: String,
}

/// Mails a link to choose a new password to the address, if an active account uses it. The
/// answer is the same either way; requests are throttled per address and per client.
#[utoipa::path(post, path = "/auth/password-reset", tag = "accounts", request_body = PasswordResetRequest, responses(
    (status = 202, description = "If an account uses the address, a link was mailed to it"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many requests; see Retry-After")))]
pub async fn request_password_reset(
    State(app): State<AppState>,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> Result<StatusCode, AppError> {
    accounts::recovery::request_reset(&app, &body.email, &address).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A new password with the token of a reset link.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordResetConfirmation {
    /// The token from the mailed link.
    #[schema(required = true, min_length = 1)]
    pub token: String,
    /// The new password (10 to 128 characters).
    #[schema(required = true, min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Sets a new password with a reset link's token (once, within an hour); every session of the
/// account ends. The opening passphrase is not changed.
#[utoipa::path(post, path = "/auth/password-reset/confirm", tag = "accounts", request_body = PasswordResetConfirmation, responses(
    (status = 204, description = "The password was changed; log in again"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn confirm_password_reset(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetConfirmation>,
) -> Result<StatusCode, AppError> {
    accounts::recovery::reset_password(&app, &body.token, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])), responses(
    (status = 200, body = CurrentUser),
    (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(ApiUser(user): ApiUser) -> Json<CurrentUser> {
    Json(user)
}

/// Password change request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[schema(required = true, min_length = 1)]
    pub current_password: String,
    /// The new password (10 to 128 characters).
    #[schema(required = true, min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Changes the caller's password; every earlier token stops working, and a new one is returned.
#[utoipa::path(post, path = "/me/password", tag = "accounts", security(("bearer" = [])), request_body = ChangePasswordRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many attempts; see Retry-After")))]
pub async fn change_password(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    let (id, role) = (user.id, user.role);
    accounts::change_password(&app, id, role, &body.current_password, &body.new_password).await?;
    let (token, claims) = auth::issue_token(&app, id, role)?;
    Ok(Json(TokenResponse {
        token,
        token_type: "Bearer",
        expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or_default(),
        user,
    }))
}

/// Every buyer entity (public: they are government organizations).
#[utoipa::path(get, path = "/buyers", tag = "administration", responses((status = 200, body = Vec<Buyer>)))]
pub async fn list_buyers(State(app): State<AppState>) -> Result<Json<Vec<Buyer>>, AppError> {
    Ok(Json(accounts::list_buyers(&app).await?))
}

/// New buyer entity request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewBuyerRequest {
    /// Official name (3 to 200 characters).
    #[schema(required = true, min_length = 1)]
    pub name: String,
    /// RUC (11 digits with a valid check digit).
    #[schema(required = true, min_length = 1)]
    pub ruc: String,
    /// Its procurement office's address and contact, published with its open data.
    pub contact: accounts::BuyerContact,
}

/// Creates a buyer entity (admin).
#[utoipa::path(post, path = "/buyers", tag = "administration", security(("bearer" = [])), request_body = NewBuyerRequest, responses(
    (status = 201, body = Buyer),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_buyer(
    State(app): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewBuyerRequest>,
) -> Result<(StatusCode, Json<Buyer>), AppError> {
    let admin = user.require(&[Role::Admin])?;
    let actor = Actor::user(admin.id, admin.role);
    let input = NewBuyer::parse(&body.name, &body.ruc, &body.contact)?;
    let buyer = accounts::create_buyer(&app, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(buyer)))
}

/// Every account (admin).
#[utoipa::path(get, path = "/users", tag = "administration", security(("bearer" = [])), responses(
    (status = 200, body = Vec<Account>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_users(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<Account>>, AppError> {
    Ok(Json(accounts::list_accounts(&app, &user).await?))
}

/// Creates an account (admin): officers of a buyer entity, auditors, admins or supplier users.
/// The new user is emailed a link to verify the address.
#[utoipa::path(post, path = "/users", tag = "administration", security(("bearer" = [])), request_body = NewAccountInput, responses(
    (status = 201, body = Account),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_user(
    State(app): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewAccountInput>,
) -> Result<(StatusCode, Json<Account>), AppError> {
    let admin = user.require(&[Role::Admin])?;
    let actor = Actor::user(admin.id, admin.role);
    let input = body.parse()?;
    let account = accounts::create_account(&app, actor, input, Verification::SendEmail).await?;
    Ok((StatusCode::CREATED, Json(account)))
}
