//! Every page route, in one place.

mod account;
mod admin;
mod agreements;
mod auction;
mod audit;
mod award_actions;
mod awards;
mod bids;
mod catalogue;
mod company;
mod home;
mod login;
mod open_data;
mod orders;
mod password_reset;
mod registry;
mod story;
mod suppliers;
mod tenders;
mod transparency;
mod verify_email;

use axum::{
    Router,
    extract::{Path, Query},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use backend::{AppError, AppState, i18n::Lang};
use serde::Deserialize;

use crate::{
    context::{PageContext, safe_return_path},
    layout::{append_cookie, error_page, lang_cookie, redirect},
    outcome::{PageFailure, PageResult},
};

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/ingresar", get(login::form).post(login::submit))
        .route("/salir", post(login::logout))
        .route("/panel", get(home::dashboard))
        .route("/cuenta", get(account::show))
        .route("/cuenta/contrasena", post(account::change_password))
        .route(
            "/cuenta/olvido",
            get(password_reset::request_form).post(password_reset::request),
        )
        .route(
            "/cuenta/restablecer",
            get(password_reset::reset_form).post(password_reset::reset),
        )
        .route(
            "/verificar-correo",
            get(verify_email::show).post(verify_email::confirm),
        )
        .route("/admin", get(admin::show))
        .route("/admin/entidades", post(admin::create_buyer))
        .route("/admin/usuarios", post(admin::create_user))
        .route(
            "/admin/usuarios/{id}/registro",
            post(admin::registry_permission),
        )
        .route("/auditoria", get(audit::show))
        .route("/auditoria/adjudicaciones", get(awards::audit_list))
        .route("/auditoria/adjudicaciones.csv", get(awards::audit_csv))
        .route("/auditoria/licitaciones/{id}", get(awards::timeline))
        .route(
            "/auditoria/licitaciones/{id}/hallazgos",
            post(awards::record_finding),
        )
        .route("/auditoria/hallazgos/{id}", post(awards::update_finding))
        .route(
            "/licitaciones/{id}/adjudicacion",
            get(awards::public_awards),
        )
        .route("/licitaciones/{id}/evaluacion", get(award_actions::sheet))
        .route(
            "/licitaciones/{id}/evaluacion/{lot}/{bid}",
            get(award_actions::entry_form).post(award_actions::entry_save),
        )
        .route(
            "/licitaciones/{id}/ofertas/{bid}/documentos/{position}",
            get(award_actions::bid_document),
        )
        .route(
            "/licitaciones/{id}/lotes/{lot}/adjudicar",
            get(award_actions::award_form).post(award_actions::award_confirm),
        )
        .route(
            "/adjudicaciones/{id}/apelacion",
            // The form enforces the upload limit itself while reading.
            get(award_actions::complaint_form)
                .post(award_actions::complaint_file)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/adjudicaciones/{id}/apelaciones/{complaint}",
            get(award_actions::decision_form).post(award_actions::decide),
        )
        .route(
            "/adjudicaciones/{id}/contrato",
            get(award_actions::contract_form)
                .post(award_actions::contract_record)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/adjudicaciones/{id}/modificacion",
            get(award_actions::modification_form).post(award_actions::modification_record),
        )
        .route("/catalogo", get(catalogue::search))
        .route("/catalogo/acuerdos", get(agreements::list))
        .route("/catalogo/acuerdos/{id}", get(agreements::show))
        .route(
            "/catalogo/acuerdos/{id}/suspensiones",
            post(agreements::suspend),
        )
        .route(
            "/catalogo/acuerdos/{id}/suspensiones/{suspension}/levantar",
            post(agreements::lift),
        )
        .route("/catalogo/productos/{id}", get(catalogue::product))
        .route("/catalogo/mis-ofertas", get(catalogue::mine))
        .route("/catalogo/mis-ofertas/{id}", get(catalogue::offer_form))
        .route("/catalogo/ofertas/{id}", post(catalogue::change))
        .route("/catalogo/productos/{id}/pedir", get(orders::compare))
        .route("/catalogo/productos/{id}/pedidos", post(orders::place))
        .route("/catalogo/pedidos", get(orders::list))
        .route("/catalogo/pedidos/{id}", get(orders::show))
        .route("/catalogo/pedidos/{id}/cotizacion", post(orders::quote))
        .route("/catalogo/pedidos/{id}/respuesta", post(orders::answer))
        .route("/catalogo/pedidos/{id}/entrega", post(orders::delivery))
        .route(
            "/catalogo/pedidos/{id}/conformidad",
            post(orders::conformity),
        )
        .route("/proveedores", get(suppliers::directory))
        .route("/proveedores/sanciones", get(suppliers::sanctions))
        .route(
            "/proveedores/registro",
            get(suppliers::register_form).post(suppliers::register),
        )
        .route("/proveedores/{id}", get(suppliers::detail))
        .route("/empresa", get(company::dashboard))
        .route(
            "/empresa/datos",
            get(company::profile_form).post(company::profile_save),
        )
        .route("/empresa/invitaciones", post(company::invite))
        .route("/empresa/miembros/{id}/retirar", post(company::remove))
        .route("/empresa/miembros/{id}/titular", post(company::make_owner))
        .route(
            "/invitacion",
            get(company::invitation).post(company::accept),
        )
        .route("/registro", get(registry::queue))
        .route("/registro/proveedores/{id}", get(registry::supplier))
        .route(
            "/registro/proveedores/{id}/decision",
            post(registry::decide),
        )
        .route(
            "/registro/proveedores/{id}/identidad",
            post(registry::identity),
        )
        .route("/licitaciones", get(tenders::search))
        .route(
            "/licitaciones/nueva",
            get(tenders::new_form).post(tenders::create),
        )
        .route("/licitaciones/{id}", get(tenders::detail))
        .route(
            "/licitaciones/{id}/editar",
            get(tenders::edit_form).post(tenders::update),
        )
        .route(
            "/licitaciones/{id}/documentos",
            // The upload enforces LICITA_UPLOAD_MAX_MB itself while streaming.
            post(tenders::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/licitaciones/{id}/publicar", post(tenders::publish))
        .route("/licitaciones/{id}/consultas", post(tenders::ask))
        .route(
            "/licitaciones/{id}/consultas/{enquiry}/respuesta",
            post(tenders::answer),
        )
        .route("/licitaciones/{id}/seguir", post(tenders::follow))
        .route(
            "/licitaciones/{id}/enmienda",
            get(tenders::amend_form).post(tenders::amend),
        )
        .route(
            "/licitaciones/{id}/cancelar",
            get(tenders::cancel_form).post(tenders::cancel),
        )
        .route(
            "/licitaciones/{id}/oferta",
            // The form enforces LICITA_BID_MAX_MB itself while reading.
            get(bids::form)
                .post(bids::submit)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/licitaciones/{id}/oferta/sellar",
            get(bids::seal_form).post(bids::seal),
        )
        .route(
            "/licitaciones/{id}/oferta/{bid}/retirar",
            post(bids::withdraw),
        )
        .route(
            "/licitaciones/{id}/oferta/{bid}/confirmar",
            post(bids::confirm),
        )
        .route(
            "/licitaciones/{id}/apertura",
            get(bids::opening_page).post(bids::give_share),
        )
        .route(
            "/subastas/{id}",
            get(auction::auction_page).post(auction::place),
        )
        .route("/subastas/{id}/en-vivo", get(auction::follow_frame))
        .route(
            "/licitaciones/{id}/lotes/{lot}/subasta",
            get(auction::schedule_again).post(auction::schedule),
        )
        .route("/mis-ofertas", get(bids::mine))
        .route(
            "/mis-ofertas/{bid}/constancia.json",
            get(bids::receipt_file),
        )
        .route("/mis-ofertas/{bid}/prueba.json", get(bids::proof_file))
        .route(
            "/recibos/verificar",
            get(bids::verify_form).post(bids::verify),
        )
        .route(
            "/cuenta/clave-apertura",
            get(bids::key_form).post(bids::set_key),
        )
        .route("/mis-licitaciones", get(tenders::mine))
        .route("/puntos-de-control", get(audit::checkpoints_page))
        .route("/datos-abiertos", get(open_data::open_data))
        .route("/datos-abiertos/politica", get(open_data::policy))
        .route("/transparencia", get(transparency::dashboard))
        .route("/adjudicaciones", get(transparency::awards_list))
        .route("/entidades/{id}", get(transparency::buyer_page))
        .route(
            "/empresa/alertas",
            get(tenders::alerts).post(tenders::save_alerts),
        )
        .route("/idioma/{code}", get(switch_language))
        .route("/static/licita.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .route("/static/auction.js", get(auction_script))
        // Browsers ask for it before reading the page's icon link.
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/static/favicon.svg") }),
        )
        .fallback(not_found)
}

async fn not_found(ctx: PageContext) -> Response {
    error_page(&ctx, AppError::NotFound)
}

#[derive(Deserialize)]
struct ReturnTo {
    volver: Option<String>,
    aviso: Option<String>,
}

/// Remembers the chosen language in a cookie and goes back where the user was.
async fn switch_language(
    ctx: PageContext,
    Path(code): Path<String>,
    Query(q): Query<ReturnTo>,
) -> PageResult {
    let Some(lang) = Lang::from_code(&code) else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    let mut response = redirect(&ctx, &safe_return_path(q.volver.as_deref(), "/"));
    append_cookie(&mut response, &lang_cookie(lang, ctx.cookie_secure));
    Ok(response)
}

/// A file compiled into the binary, served with its type and how long caches may keep it.
fn asset(content_type: &'static str, cache: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    asset(
        "text/css; charset=utf-8",
        "public, max-age=3600",
        include_str!("../../assets/licita.css"),
    )
}

/// The live auction page's one script (progressive: the page works without it).
async fn auction_script() -> Response {
    asset(
        "application/javascript; charset=utf-8",
        "public, max-age=3600",
        include_str!("../../assets/auction.js"),
    )
}

/// The service's mark: an L and a forward arrow (an open, moving process).
async fn favicon() -> Response {
    asset(
        "image/svg+xml",
        "public, max-age=86400",
        include_str!("../../assets/favicon.svg"),
    )
}

/// `?aviso=KEY` after a redirect.
#[derive(Deserialize, Default)]
struct Notice {
    aviso: Option<String>,
}
