//! Sealed-bid routes: submission (sealed by the server or by the client), replace, withdraw,
//! re-confirmation, the caller's bids with their receipts, inclusion proofs, receipt
//! verification and the server's public key; committee opening keys and the opening.

use crate::domain::{BidId, TenderId};
use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode},
};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiPath, ApiUser, MaybeApiUser};
use crate::{
    app::{App, AppState},
    auth::CurrentUser,
    bids::{
        self, BidInput, InclusionProof, MyBid, Placement, Receipt, Sealing, Submission,
        VerifyAnswer,
        opening::{self, OpeningStatus},
    },
    blobs::{SpoolError, Spooled},
    error::{AppError, FieldError, Problem, RequestPart, UnreadableReason},
    http::download_response,
};

/// Reads a bid's JSON body of at most the bid limit (documents travel base64, a third
/// larger), once the caller is known to be allowed to bid on the tender: a declared length
/// over the limit is refused before anything is read, and reading stops at the limit. The
/// body is spooled to disk as it arrives (a slow upload holds no memory) and its documents
/// decoded into spool files of their own.
async fn bid_body(
    app: &App,
    user: &CurrentUser,
    tender_id: TenderId,
    key: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Submission, AppError> {
    if let Err(refused) = bids::may_bid(app, user, tender_id).await
        && !bids::is_retry(app, user, key).await?
    {
        return Err(refused);
    }
    if !crate::http::declares_json(headers) {
        return Err(AppError::unreadable(
            RequestPart::Body,
            UnreadableReason::ContentType,
        ));
    }
    let limit = app.settings.bid_max_bytes / 3 * 4 + 64 * 1024;
    let too_large = || {
        AppError::TooLarge(
            FieldError::new("documents", "bid_too_large")
                .arg("max", app.settings.bid_max_bytes / (1024 * 1024)),
        )
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // Past the limit is too large; a body that stalled (the idle timeout) or broke off is
    // interrupted — never "too large" to a bidder on a slow link.
    let spooled = Spooled::receive(&app.settings.data_dir, limit, body.into_data_stream())
        .await
        .map_err(|e| match e {
            SpoolError::Interrupted => {
                AppError::unreadable(RequestPart::Body, UnreadableReason::Interrupted)
            }
            e => e.into_app_error(too_large),
        })?;
    let data_dir = app.settings.data_dir.clone();
    bids::in_turn(app, move || {
        // Read whole once it has all arrived (exactly its size; a reader would grow a
        // scratch buffer by doubling for the longest string), parsed, then let go before the
        // documents are decoded into their own spool files.
        let input: BidInput = {
            let bytes = spooled
                .read_all()
                .map_err(|e| AppError::internal(format!("read a spooled bid: {e}")))?;
            drop(spooled);
            crate::http::parse_json(&bytes)?
        };
        input.into_submission(&data_dir)
    })
    .await
}

/// The `Idempotency-Key` header: 1 to 100 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(k) if (1..=100).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
                Ok(Some(k.to_owned()))
            }
            _ => Err(AppError::field(
                "idempotency_key",
                "invalid_idempotency_key",
            )),
        },
    }
}

/// Submits a sealed bid (suppliers whose company may bid, before the deadline). The server
/// seals prices and documents to the tender's key in memory before storing anything; or the
/// client sends an `envelope` it sealed itself. A retried request with the same
/// `Idempotency-Key` returns the first receipt.
#[utoipa::path(post, path = "/tenders/{id}/bids", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,100}$", description = "1 to 100 visible ASCII characters; a retry with the same key returns the first receipt")), request_body = BidInput, responses(
    (status = 201, body = Receipt),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
    (status = 413, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Receipt>), AppError> {
    let key = idempotency_key(&headers)?;
    let submission = bid_body(&app, &user, id, key.as_deref(), &headers, body).await?;
    let receipt = bids::submit(&app, &user, id, submission, Placement::New, key).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Replaces the company's live bid before the deadline; the old envelope is kept, marked
/// superseded.
#[utoipa::path(put, path = "/tenders/{id}/bids/{bid}", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path), ("bid" = i64, Path), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,100}$", description = "1 to 100 visible ASCII characters; a retry with the same key returns the first receipt")), request_body = BidInput, responses(
    (status = 201, body = Receipt),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn replace(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, bid)): ApiPath<(TenderId, BidId)>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Receipt>), AppError> {
    let key = idempotency_key(&headers)?;
    let submission = bid_body(&app, &user, id, key.as_deref(), &headers, body).await?;
    let receipt = bids::submit(&app, &user, id, submission, Placement::Replaces(bid), key).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Withdraws the company's live bid before the deadline.
#[utoipa::path(delete, path = "/tenders/{id}/bids/{bid}", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path), ("bid" = i64, Path)), responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, bid)): ApiPath<(TenderId, BidId)>,
) -> Result<StatusCode, AppError> {
    bids::withdraw(&app, &user, id, bid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirms the company's live bid again after a material amendment, before the deadline.
#[utoipa::path(post, path = "/tenders/{id}/bids/{bid}/confirm", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path), ("bid" = i64, Path)), responses(
    (status = 204),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, bid)): ApiPath<(TenderId, BidId)>,
) -> Result<StatusCode, AppError> {
    bids::confirm(&app, &user, id, bid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's company's bids on one tender, with receipts (suppliers).
#[utoipa::path(get, path = "/tenders/{id}/bids", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path)), responses(
    (status = 200, body = Vec<MyBid>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn on_tender(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<Vec<MyBid>>, AppError> {
    Ok(Json(bids::my_bids(&app, &user, Some(id)).await?))
}

/// The caller's company's bids, newest first, with receipts and status (suppliers).
#[utoipa::path(get, path = "/me/bids", tag = "bids", security(("bearer" = [])), responses(
    (status = 200, body = Vec<MyBid>),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn mine(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<MyBid>>, AppError> {
    Ok(Json(bids::my_bids(&app, &user, None).await?))
}

/// The documents of an opened bid (the buyer's officers, who evaluate them, auditors and the
/// bidder itself).
#[utoipa::path(get, path = "/tenders/{id}/bids/{bid}/documents", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path), ("bid" = i64, Path)), responses(
    (status = 200, body = Vec<opening::BidDocument>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn bid_documents(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, bid)): ApiPath<(TenderId, BidId)>,
) -> Result<Json<Vec<opening::BidDocument>>, AppError> {
    Ok(Json(opening::bid_documents(&app, &user, id, bid).await?))
}

/// One document of an opened bid, as a download (same readers).
#[utoipa::path(get, path = "/tenders/{id}/bids/{bid}/documents/{position}", tag = "bids", security(("bearer" = [])),
    params(("id" = i64, Path), ("bid" = i64, Path), ("position" = i32, Path)), responses(
    (status = 200, content_type = "application/octet-stream"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn bid_document(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, bid, position)): ApiPath<(TenderId, BidId, i32)>,
) -> Result<axum::response::Response, AppError> {
    download_response(opening::bid_document(&app, &user, id, bid, position).await?)
}

/// The inclusion proof of a bid in its tender's frozen Merkle tree (the bid's company after
/// the deadline; the buyer's officers and auditors after the opening, and until then the
/// answer a bid that does not exist gets).
#[utoipa::path(get, path = "/bids/{bid}/proof", tag = "bids", security(("bearer" = [])),
    params(("bid" = i64, Path)), responses(
    (status = 200, body = InclusionProof),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn proof(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(bid): ApiPath<BidId>,
) -> Result<Json<InclusionProof>, AppError> {
    Ok(Json(bids::inclusion_proof(&app, &user, bid).await?))
}

/// A tender's sealing facts: the recipient bids are sealed to and, after the deadline, the
/// Merkle root of the frozen envelopes.
#[utoipa::path(get, path = "/tenders/{id}/sealing", tag = "bids", params(("id" = i64, Path)), responses(
    (status = 200, body = Sealing),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn sealing(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<Sealing>, AppError> {
    Ok(Json(bids::sealing_of(&app, id).await?))
}

/// Checks a receipt (anyone): the server's signature over its fields, and whether what it
/// names is on record as stated. A bid's receipt, with a proof also its inclusion under the
/// published Merkle root; a reverse auction's lance receipt; or an auction's signed
/// transcript, with each lance's receipt in it.
#[utoipa::path(post, path = "/receipts/verify", tag = "bids", request_body = crate::auction::AnyReceipt, responses(
    (status = 200, body = VerifyAnswer),
    (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn verify(
    State(app): State<AppState>,
    ApiJson(body): ApiJson<crate::auction::AnyReceipt>,
) -> Result<Json<VerifyAnswer>, AppError> {
    Ok(Json(crate::auction::verify_any(&app, body).await?))
}

/// The key receipts are signed with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceiptKey {
    /// Always `Ed25519`.
    pub algorithm: &'static str,
    /// The public key (hex).
    pub public_key: String,
    /// What is signed.
    pub message: &'static str,
}

/// The server's receipt signing public key and how a receipt's message is built.
#[utoipa::path(get, path = "/receipts/key", tag = "bids", responses((status = 200, body = ReceiptKey)))]
pub async fn receipt_key(State(app): State<AppState>) -> Json<ReceiptKey> {
    Json(ReceiptKey {
        algorithm: "Ed25519",
        public_key: app.receipts.public_hex(),
        message: "\"licita-receipt-v1\\n\" followed by the JSON object of bid_id, envelope_sha256, ocid, server_time and supplier_ruc with keys sorted and no spaces; a reverse auction's lance: \"licita-lance-v1\\n\" and the JSON object of auction_id, closes_at, currency, lot, number, ocid, price, server_time and supplier_ruc; its transcript: \"licita-auction-transcript-v1\\n\" and the transcript object, keys sorted at every level",
    })
}

/// Setting or changing one's opening passphrase.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OpeningKeyInput {
    /// The new passphrase (12 to 200 characters).
    #[schema(required = true, min_length = 12, max_length = 200)]
    pub passphrase: String,
    /// The current passphrase, to change it.
    pub current_passphrase: Option<String>,
}

/// Whether the caller has an opening key.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpeningKeyState {
    /// Has the caller set an opening passphrase?
    pub has_key: bool,
}

/// Does the caller have an opening key (officers and auditors)?
#[utoipa::path(get, path = "/me/opening-key", tag = "bids", security(("bearer" = [])), responses(
    (status = 200, body = OpeningKeyState),
    (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn opening_key(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<OpeningKeyState>, AppError> {
    let has_key = crate::tenders::sealing::has_opening_key(&app, &user).await?;
    Ok(Json(OpeningKeyState { has_key }))
}

/// Sets (once) or changes (with the current one) the caller's opening passphrase (officers
/// and auditors).
#[utoipa::path(put, path = "/me/opening-key", tag = "bids", security(("bearer" = [])), request_body = OpeningKeyInput, responses(
    (status = 204),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many attempts; see Retry-After")))]
pub async fn set_opening_key(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<OpeningKeyInput>,
) -> Result<StatusCode, AppError> {
    crate::tenders::sealing::set_opening_passphrase(
        &app,
        &user,
        &body.passphrase,
        body.current_passphrase.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The opening's state: members present and still needed; the transcript once opened.
#[utoipa::path(get, path = "/tenders/{id}/opening", tag = "bids", security((), ("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = OpeningStatus),
    (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn opening_status(
    State(app): State<AppState>,
    MaybeApiUser(user): MaybeApiUser,
    ApiPath(id): ApiPath<TenderId>,
) -> Result<Json<OpeningStatus>, AppError> {
    Ok(Json(opening::status(&app, user.as_ref(), id).await?))
}

/// A committee member's passphrase, to give their share.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ShareInput {
    /// The member's opening passphrase.
    #[schema(required = true, min_length = 12, max_length = 200)]
    pub passphrase: String,
}

/// A committee member gives their share (after the opening time); with k shares the bids
/// are opened and the transcript published.
#[utoipa::path(post, path = "/tenders/{id}/opening", tag = "bids", security(("bearer" = [])), params(("id" = i64, Path)), request_body = ShareInput, responses(
    (status = 200, body = OpeningStatus),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json", description = "Too many attempts; see Retry-After")))]
pub async fn give_share(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<TenderId>,
    ApiJson(body): ApiJson<ShareInput>,
) -> Result<Json<OpeningStatus>, AppError> {
    Ok(Json(
        opening::contribute(&app, &user, id, &body.passphrase).await?,
    ))
}
