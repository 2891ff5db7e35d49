//! Supplier registry routes: registration, the public directory and sanctions list, the
//! owner's profile and members, registry officers' decisions, eligibility to bid.

use crate::domain::{SupplierId, UserId};
use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath, ApiQuery, ApiUser, ClientAddress, MaybeApiUser};
use crate::{
    accounts::Verification,
    app::AppState,
    audit::Actor,
    catalogue::{self, Coded},
    domain::Role,
    error::{AppError, Problem},
    suppliers::{
        self, AcceptInvitation, DecisionInput, DirectoryPage, DirectoryQuery, Eligibility, Member,
        ProfileInput, PublicSanction, RegistrationInput, Supplier,
    },
};

/// A registration received: the owner follows the link emailed to the address given, then
/// signs in. The same answer whether that address had an account or not (then its owner is
/// told instead), so the form cannot be used to learn who has one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationAccepted {
    /// Always `check_email`.
    pub status: &'static str,
}

/// Registers a company and its owner. For callers without a session: staff and existing
/// supplier users cannot register another company with their own session. Throttled per
/// client address (429).
#[utoipa::path(post, path = "/suppliers", tag = "suppliers", request_body = RegistrationInput, security((), ("bearer" = [])), responses(
    (status = 202, body = RegistrationAccepted),
    (status = 429, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(app): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    ClientAddress(address): ClientAddress,
    ApiJson(body): ApiJson<RegistrationInput>,
) -> Result<(StatusCode, Json<RegistrationAccepted>), AppError> {
    if user.is_some() {
        return Err(AppError::Forbidden);
    }
    let input = body.parse()?;
    // The same answer whether or not the owner's email already had an account.
    suppliers::register(&app, input, Verification::SendEmail, &address).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RegistrationAccepted {
            status: "check_email",
        }),
    ))
}

/// Verified suppliers, searchable by name or RUC and filtered by UNSPSC segment.
#[utoipa::path(get, path = "/suppliers", tag = "suppliers", params(DirectoryQuery), responses(
    (status = 200, body = DirectoryPage),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn directory(
    State(app): State<AppState>,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> Result<Json<DirectoryPage>, AppError> {
    Ok(Json(suppliers::directory(&app, &query).await?))
}

/// One supplier. Pending and rejected ones are visible only to their members, registry
/// officers and auditors (404 to everyone else).
#[utoipa::path(get, path = "/suppliers/{id}", tag = "suppliers", security((), ("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Supplier),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn detail(
    State(app): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    ApiPath(id): ApiPath<SupplierId>,
) -> Result<Json<Supplier>, AppError> {
    Ok(Json(suppliers::view(&app, user.as_ref(), id).await?))
}

/// Whether the supplier may bid now, and what is missing. Its members and staff.
#[utoipa::path(get, path = "/suppliers/{id}/eligibility", tag = "suppliers", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Eligibility),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn eligibility(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
) -> Result<Json<Eligibility>, AppError> {
    Ok(Json(suppliers::eligibility(&app, &user, id).await?))
}

/// The members of a supplier. Its members, registry officers and auditors.
#[utoipa::path(get, path = "/suppliers/{id}/members", tag = "suppliers", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<Member>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn members(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
) -> Result<Json<Vec<Member>>, AppError> {
    Ok(Json(suppliers::members(&app, &user, id).await?))
}

/// The owner edits contact data, address and categories.
#[utoipa::path(put, path = "/suppliers/{id}/profile", tag = "suppliers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ProfileInput, responses(
    (status = 200, body = Supplier),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_profile(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
    ApiJson(body): ApiJson<ProfileInput>,
) -> Result<Json<Supplier>, AppError> {
    suppliers::require_owner(&user, id)?;
    let profile = body.parse()?;
    Ok(Json(
        suppliers::update_profile(&app, &user, id, profile).await?,
    ))
}

/// An invitation request.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InvitationRequest {
    /// Email address to invite.
    #[schema(required = true, min_length = 1)]
    pub email: String,
}

/// The owner invites a user by email.
#[utoipa::path(post, path = "/suppliers/{id}/invitations", tag = "suppliers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = InvitationRequest, responses(
    (status = 202, description = "Invitation emailed"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn invite(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
    ApiJson(body): ApiJson<InvitationRequest>,
) -> Result<StatusCode, AppError> {
    suppliers::invite(&app, &user, id, body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Accepting an invitation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AcceptRequest {
    /// Token from the emailed link.
    #[schema(required = true, min_length = 1)]
    pub token: String,
    /// Name for a new account (when not signed in).
    #[schema(required = true, min_length = 1)]
    pub display_name: String,
    /// Password for a new account (when not signed in).
    #[schema(required = true, min_length = 10, max_length = 128)]
    pub password: String,
}

/// The supplier and user an invitation attached.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Joined {
    /// Supplier id.
    pub supplier_id: SupplierId,
    /// User id.
    pub user_id: UserId,
}

/// Accepts an invitation: signed in, the caller joins (their email must be the invited one);
/// otherwise a new account is made for the invited email.
#[utoipa::path(post, path = "/invitations/accept", tag = "suppliers", request_body = AcceptRequest, security((), ("bearer" = [])), responses(
    (status = 200, body = Joined),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(app): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> Result<Json<Joined>, AppError> {
    let who = match user {
        Some(user) => AcceptInvitation::Existing(user),
        None => AcceptInvitation::NewAccount {
            display_name: body.display_name,
            password: body.password,
        },
    };
    let (supplier_id, user_id) = suppliers::accept_invitation(&app, &body.token, who).await?;
    Ok(Json(Joined {
        supplier_id,
        user_id,
    }))
}

/// Removes a member (owner only).
#[utoipa::path(delete, path = "/suppliers/{id}/members/{user_id}", tag = "suppliers", security(("bearer" = [])),
    params(("id" = i64, Path), ("user_id" = i64, Path)), responses(
    (status = 200, body = Vec<Member>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json", description = "The owner cannot remove themselves")))]
pub async fn remove_member(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, member)): ApiPath<(SupplierId, UserId)>,
) -> Result<Json<Vec<Member>>, AppError> {
    Ok(Json(
        suppliers::remove_member(&app, &user, id, member).await?,
    ))
}

/// Ownership handover.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OwnerRequest {
    /// The member who becomes owner.
    #[schema(required = true)]
    pub user_id: UserId,
}

/// Hands ownership to a member (owner only).
#[utoipa::path(post, path = "/suppliers/{id}/owner", tag = "suppliers", security(("bearer" = [])), params(("id" = i64, Path)), request_body = OwnerRequest, responses(
    (status = 200, body = Vec<Member>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn transfer(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
    ApiJson(body): ApiJson<OwnerRequest>,
) -> Result<Json<Vec<Member>>, AppError> {
    Ok(Json(
        suppliers::transfer_ownership(&app, &user, id, body.user_id).await?,
    ))
}

/// A registry officer's decision: verify, reject, suspend, reinstate or debar.
#[utoipa::path(post, path = "/suppliers/{id}/decisions", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = DecisionInput, responses(
    (status = 200, body = Supplier),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
    ApiJson(body): ApiJson<DecisionInput>,
) -> Result<Json<Supplier>, AppError> {
    if !user.registry_officer {
        return Err(AppError::Forbidden);
    }
    let decision = body.parse(suppliers::today(&app))?;
    Ok(Json(suppliers::decide(&app, &user, id, decision).await?))
}

/// Identity correction by a registry officer.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IdentityRequest {
    /// Legal name.
    #[schema(required = true, min_length = 1)]
    pub legal_name: String,
    /// RUC.
    #[schema(required = true, min_length = 1)]
    pub ruc: String,
    /// Why it changes.
    #[schema(required = true, min_length = 1)]
    pub reason: String,
}

/// Changes the RUC or legal name (registry officers only).
#[utoipa::path(put, path = "/suppliers/{id}/identity", tag = "registry", security(("bearer" = [])), params(("id" = i64, Path)), request_body = IdentityRequest, responses(
    (status = 200, body = Supplier),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change_identity(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<SupplierId>,
    ApiJson(body): ApiJson<IdentityRequest>,
) -> Result<Json<Supplier>, AppError> {
    Ok(Json(
        suppliers::change_identity(&app, &user, id, body.legal_name, body.ruc, body.reason).await?,
    ))
}

/// A registration awaiting review.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueEntry {
    /// The supplier.
    pub supplier: Supplier,
    /// Has the owner verified their email (required before verification)?
    pub owner_email_verified: bool,
}

/// Registrations waiting for review (registry officers and auditors).
#[utoipa::path(get, path = "/registry/queue", tag = "registry", security(("bearer" = [])), responses(
    (status = 200, body = Vec<QueueEntry>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn queue(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<QueueEntry>>, AppError> {
    let list = suppliers::review_queue(&app, &user).await?;
    Ok(Json(
        list.into_iter()
            .map(|(supplier, owner_email_verified)| QueueEntry {
                supplier,
                owner_email_verified,
            })
            .collect(),
    ))
}

/// Suspensions and debarments in force now (public).
#[utoipa::path(get, path = "/sanctions", tag = "suppliers", responses((status = 200, body = Vec<PublicSanction>)))]
pub async fn sanctions(State(app): State<AppState>) -> Result<Json<Vec<PublicSanction>>, AppError> {
    Ok(Json(suppliers::sanctions_in_force(&app).await?))
}

/// The reference lists.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueResponse {
    /// UNSPSC segments.
    pub unspsc_segments: Vec<Coded>,
    /// Departments.
    pub departments: Vec<String>,
    /// Legal forms.
    pub legal_forms: Vec<Coded>,
}

/// UNSPSC segments, departments and legal forms accepted by registration.
#[utoipa::path(get, path = "/catalogue", tag = "suppliers", responses((status = 200, body = CatalogueResponse)))]
pub async fn catalogue_lists() -> Json<CatalogueResponse> {
    let c = catalogue::catalogue();
    Json(CatalogueResponse {
        unspsc_segments: c.unspsc_segments.clone(),
        departments: c.departments.clone(),
        legal_forms: c.legal_forms.clone(),
    })
}

/// Registry permission. `granted` is required: an empty body must not mean "withdraw".
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegistryPermission {
    /// Grant (true) or withdraw (false).
    pub granted: bool,
}

/// Grants or withdraws an officer's registry permission (admin).
#[utoipa::path(put, path = "/users/{id}/registry-officer", tag = "administration", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RegistryPermission, responses(
    (status = 204, description = "Changed"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn registry_permission(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<RegistryPermission>,
) -> Result<StatusCode, AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let actor = Actor::user(user.id, user.role);
    suppliers::set_registry_officer(&app, &actor, id, body.granted).await?;
    Ok(StatusCode::NO_CONTENT)
}
