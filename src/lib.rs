//! The assembled Licita server: the backend's JSON API and the frontend's pages behind one set
//! of layers (request id, tracing, security headers, limits), the email worker, and graceful
//! shutdown. The binary (`main.rs`) and the end-to-end tests both start the server through
//! [`serve`], so tests exercise exactly what runs in production.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
};
use backend::{App, AppState};
use std::{future::Future, sync::Arc, time::Duration};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::RequestBodyTimeoutLayer,
    trace::TraceLayer,
};

/// Content-Security-Policy of every page: no inline script, nothing from other origins.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Largest request body accepted (forms and JSON). Upload routes will raise it for themselves.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Is this response text worth compressing (HTML, CSS, JSON, CSV, SVG, JavaScript) and not
/// tiny?
fn compressible(
    _status: axum::http::StatusCode,
    _version: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _extensions: &axum::http::Extensions,
) -> bool {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let text = [
        "text/",
        "application/json",
        "application/problem+json",
        "image/svg+xml",
        "application/javascript",
    ]
    .iter()
    .any(|prefix| kind.starts_with(prefix))
        // Server-sent events leave as they happen: a compressor would hold them back.
        && !kind.starts_with("text/event-stream");
    let small = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n < 256);
    text && !small
}

/// Does this request upload a body worth waiting for (a form with files, a JSON bid)?
fn uploads(request: &Request<axum::body::Body>) -> bool {
    let headers = request.headers();
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    length.is_some_and(|n| n > 64 * 1024)
        || headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"multipart/"))
}

/// The longest an upload may take, start to answer.
const LONGEST_UPLOAD: Duration = Duration::from_secs(3600);

/// Answers 408 when a request that uploads nothing takes longer than `limit`; an upload has
/// [`LONGEST_UPLOAD`] (its body is also cut when it stalls, by the idle timeout), so a bidder
/// on a slow link is not told "failed" about a bid that was stored.
async fn deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // An upload still has an end: a 50 MB bid at a telecentre's 25 KB/s takes 35 minutes, so
    // an hour; a client trickling a byte now and then (under the idle timeout) cannot hold
    // a connection for ever.
    let limit = if uploads(&request) {
        LONGEST_UPLOAD.max(limit)
    } else {
        limit
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::response::IntoResponse::into_response(StatusCode::REQUEST_TIMEOUT),
    }
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    // Served over https: browsers are told to come back only over https.
    let hsts = state
        .settings
        .public_url
        .starts_with("https://")
        .then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    let (request_timeout, upload_idle) =
        (state.settings.request_timeout, state.settings.upload_idle);
    Router::new()
        .merge(backend::api::router())
        .merge(frontend::router())
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Pages, the stylesheet and JSON travel compressed (gzip or brotli, as the client
        // accepts) to a telecentre's slow link; documents (already compressed PDFs, office
        // files, images) are sent as stored, with their length.
        .layer(CompressionLayer::new().compress_when(compressible))
        // A bug that panics answers a 500 problem (logged with its cause) instead of
        // dropping the connection.
        .layer(CatchPanicLayer::custom(|cause: Box<dyn std::any::Any + Send>| {
            let text = cause
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| cause.downcast_ref::<&str>().copied())
                .unwrap_or("panic");
            axum::response::IntoResponse::into_response(backend::AppError::internal(format!("handler panicked: {text}")))
        }))
        // A request that uploads nothing is answered within LICITA_REQUEST_TIMEOUT_SECS; an
        // upload is never cut while it keeps arriving (a telecentre's 25 KB/s), only when it
        // stalls for LICITA_UPLOAD_IDLE_SECS, before anything of it is recorded.
        .layer(axum::middleware::from_fn_with_state(request_timeout, deadline))
        .layer(RequestBodyTimeoutLayer::new(upload_idle))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, move |_: &axum::response::Response| hsts.clone()))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or("-")
                .to_owned();
            tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

/// Serves until `shutdown` resolves, then finishes in-flight requests and stops the email
/// worker after its current delivery, the tender status task and the audit checkpoint task.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(backend::jobs::run_outbox_worker(
        app.clone(),
        worker_stop.clone(),
    ));
    let ticker = tokio::spawn(backend::jobs::run_clock_task(
        app.clone(),
        Duration::from_secs(10),
        worker_stop.clone(),
    ));
    // Every server hears every server's auction events (PostgreSQL LISTEN); SQLite has one.
    let listener_task = (app.db.engine() == backend::db::Engine::Postgres).then(|| {
        tokio::spawn(backend::live::listen(
            app.settings.database_url.clone(),
            app.clone(),
            worker_stop.clone(),
        ))
    });
    let checkpoints = tokio::spawn(backend::jobs::run_checkpoint_task(app.clone(), worker_stop));
    let header_timeout = app.settings.request_timeout;
    let watched = app.clone();
    let shutdown = async move {
        shutdown.await;
        watched.live.close_all();
    };
    let result = accept(listener, router(AppState(app)), header_timeout, shutdown).await;
    let _ = stop_worker.send(true);
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "email worker ended abnormally");
    }
    if let Err(e) = ticker.await {
        tracing::error!(error = %e, "tender status task ended abnormally");
    }
    if let Some(Err(e)) = match listener_task {
        Some(task) => Some(task.await),
        None => None,
    } {
        tracing::error!(error = %e, "auction listener ended abnormally");
    }
    if let Err(e) = checkpoints.await {
        tracing::error!(error = %e, "audit checkpoint task ended abnormally");
    }
    result
}

/// Serves each accepted connection with `router` (HTTP/1.1 and HTTP/2) until `shutdown`
/// resolves, then lets the open connections finish. A client whose request headers have not
/// all arrived within `header_timeout` is disconnected (hyper's header-read timeout, which
/// needs the timer `axum::serve` does not give it): slow headers cannot hold connections.
async fn accept(
    listener: tokio::net::TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto::Builder, graceful::GracefulShutdown},
        service::TowerToHyperService,
    };
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                request.map(axum::body::Body::new)
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown requested: finishing in-flight requests");
}
