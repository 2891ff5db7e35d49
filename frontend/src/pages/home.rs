//! The home page (public) and the signed-in user's dashboard.

use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use backend::domain::BidStatus;
use backend::{
    AppState,
    domain::Role,
    tenders::{self, TenderQuery},
};
use leptos::prelude::*;

use super::Notice;
use crate::{
    context::PageContext,
    layout::{notice, page},
    outcome::{OrPage, PageResult},
};

/// `GET /`: what a citizen came for — a search box, the tenders closing soonest and the
/// newest ones, and the three ways in (search tenders, register a company, sign in).
pub async fn home(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(q): Query<Notice>,
) -> PageResult {
    let now = app.clock.now_db();
    // Closing soonest puts every tender still taking bids first (open, or closed to
    // enquiries only); the ones after them are left out here.
    let closing = TenderQuery {
        sort: Some("deadline".into()),
        per_page: Some(HOME_LIST),
        ..TenderQuery::default()
    };
    let latest = TenderQuery {
        sort: Some("-published".into()),
        per_page: Some(HOME_LIST),
        ..TenderQuery::default()
    };
    let listed = tokio::try_join!(
        tenders::search(&app, &closing),
        tenders::search(&app, &latest)
    );
    let (mut closing, latest) = listed.or_page(&ctx)?;
    closing.tenders.retain(|t| t.status.receives_bids());
    let tz = app.settings.timezone;
    let title = ctx.t("home-title");
    let lead = ctx.t("home-lead");
    let points = [
        "home-point-sealed",
        "home-point-audit",
        "home-point-open",
        "home-point-light",
    ]
    .into_iter()
    .map(|k| {
        let text = ctx.t(k);
        view! { <li>{text}</li> }
    })
    .collect_view();
    let mut paths = vec![("/licitaciones", "home-path-search")];
    match &ctx.user {
        None => {
            paths.push(("/proveedores/registro", "home-path-register"));
            paths.push(("/ingresar", "home-path-login"));
        }
        Some(_) => paths.push(("/panel", "home-path-dashboard")),
    }
    let paths = paths
        .into_iter()
        .map(|(href, key)| {
            let (label, help) = (ctx.t(key), ctx.t(&format!("{key}-help")));
            view! { <li><a href=href class="card-title">{label}</a><p>{help}</p></li> }
        })
        .collect_view();
    let list = |heading: &str, found: &tenders::TenderPage, more: String| {
        let heading = ctx.t(heading);
        let none = found.tenders.is_empty().then(|| {
            let text = ctx.t("tenders-none");
            view! { <p>{text}</p> }
        });
        let cards = found
            .tenders
            .iter()
            .map(|t| super::tenders::tender_card(&ctx, t, tz, now))
            .collect_view();
        let more_text = ctx.t("home-see-all");
        view! {
            <section>
                <h2>{heading}</h2>
                {none}
                <ol class="cards">{cards}</ol>
                <p><a href=more>{more_text}</a></p>
            </section>
        }
    };
    let closing = list(
        "home-closing-soon",
        &closing,
        "/licitaciones?sort=deadline".into(),
    );
    let latest = list(
        "home-latest",
        &latest,
        "/licitaciones?sort=-published".into(),
    );
    let search_label = ctx.t("home-search-label");
    let search_hint = ctx.t("tenders-q-hint");
    let search_button = ctx.t("tenders-search");
    let shown = notice(&ctx, q.aviso.as_deref());
    let heading = title.clone();
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <section class="hero">
                <h1>{heading}</h1>
                <p class="lead">{lead}</p>
                <form method="get" action="/licitaciones" class="home-search" role="search">
                    <div class="field">
                        <label for="home-q">{search_label}</label>
                        <p class="hint" id="home-q-hint">{search_hint}</p>
                        <input type="search" id="home-q" name="q" aria-describedby="home-q-hint"/>
                    </div>
                    <button type="submit">{search_button}</button>
                </form>
                <ul class="paths">{paths}</ul>
            </section>
            {closing}
            {latest}
            <section>
                <ul class="points">{points}</ul>
            </section>
        },
    ))
}

/// How many tenders each list of the home page shows.
const HOME_LIST: u32 = 5;

/// `GET /panel`: what waits for the signed-in user (by role), then what they can do.
pub async fn dashboard(State(app): State<AppState>, ctx: PageContext) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let loaded = async {
        let work = backend::panel::next_work(&app, &user).await?;
        let bids = if user.role == Role::Supplier && user.supplier_id.is_some() {
            backend::bids::my_bids(&app, &user, None).await?
        } else {
            Vec::new()
        };
        // A registry officer's work: the registrations waiting for review.
        let registrations = if user.registry_officer {
            backend::suppliers::review_queue(&app, &user).await?
        } else {
            Vec::new()
        };
        Ok::<_, backend::AppError>((work, bids, registrations))
    }
    .await;
    let (work, bids, registrations) = loaded.or_page(&ctx)?;
    let next = next_work_view(&ctx, &user, &work, &bids);
    let queue = user.registry_officer.then(|| {
        let heading = ctx.t("registry-queue");
        let none = registrations.is_empty().then(|| {
            let text = ctx.t("registry-queue-empty");
            view! { <p>{text}</p> }
        });
        let items = registrations
            .iter()
            .take(10)
            .map(|(s, ready)| {
                let href = format!("/registro/proveedores/{}", s.id);
                let email = ctx.t(if *ready {
                    "registry-email-ok"
                } else {
                    "registry-email-pending"
                });
                let name = s.legal_name.clone();
                view! { <li><a href=href>{name}</a>" "<span class="tag">{email}</span></li> }
            })
            .collect_view();
        let all = ctx.t_args(
            "panel-registrations-all",
            &[("count", registrations.len().to_string())],
        );
        view! {
            <section>
                <h2>{heading}</h2>
                {none}
                <ul class="cards">{items}</ul>
                <p><a href="/registro">{all}</a></p>
            </section>
        }
    });
    let title = ctx.t("dashboard-title");
    let greeting = ctx.t_args("dashboard-greeting", &[("name", user.display_name.clone())]);
    // A registry officer reviews companies: not the buyer's procurement officer's sentence.
    let role_text = ctx.t(if user.registry_officer {
        "dashboard-role-registry"
    } else {
        match user.role {
            Role::Supplier => "dashboard-role-supplier",
            Role::Officer => "dashboard-role-officer",
            Role::Auditor => "dashboard-role-auditor",
            Role::Admin => "dashboard-role-admin",
        }
    });
    let buyer = user.buyer_name.clone().map(|name| {
        let label = ctx.t_args("dashboard-buyer", &[("buyer", name)]);
        view! { <p class="buyer">{label}</p> }
    });
    let unverified = (!user.email_verified).then(|| {
        let text = ctx.t("dashboard-email-unverified");
        view! { <p class="warning">{text}</p> }
    });
    let links = match user.role {
        Role::Admin => vec![
            ("/admin", ctx.t("nav-admin")),
            ("/auditoria", ctx.t("nav-audit")),
        ],
        Role::Auditor => vec![
            ("/auditoria/adjudicaciones", ctx.t("audit-awards-title")),
            ("/registro", ctx.t("nav-registry")),
            ("/auditoria", ctx.t("nav-audit")),
        ],
        Role::Officer if user.registry_officer => vec![
            ("/registro", ctx.t("nav-registry")),
            ("/cuenta", ctx.t("nav-account")),
        ],
        Role::Officer => vec![
            ("/mis-licitaciones", ctx.t("nav-my-tenders")),
            ("/cuenta", ctx.t("nav-account")),
        ],
        Role::Supplier => vec![
            ("/empresa", ctx.t("nav-my-company")),
            ("/cuenta", ctx.t("nav-account")),
        ],
    }
    .into_iter()
    .map(|(href, label)| view! { <li><a href=href>{label}</a></li> })
    .collect_view();
    let heading = title.clone();
    Ok(page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{greeting}</p>
            {buyer}
            {unverified}
            {queue}
            {next}
            <p>{role_text}</p>
            <ul>{links}</ul>
        },
    ))
}

/// What waits: an officer's questions, openings, evaluations and appeals; a company's bids
/// with their outcome and the tenders matching its alerts; an auditor's newest red flags.
fn next_work_view(
    ctx: &PageContext,
    user: &backend::auth::CurrentUser,
    work: &[backend::panel::WorkItem],
    bids: &[backend::bids::MyBid],
) -> impl IntoView + use<> {
    let item = |w: &backend::panel::WorkItem| {
        let href = match w.kind {
            "questions" => format!("/licitaciones/{}#consultas", w.tender_id),
            "opening" => format!("/licitaciones/{}/apertura", w.tender_id),
            "evaluation" => format!("/licitaciones/{}/evaluacion", w.tender_id),
            "complaints" => format!("/licitaciones/{}/adjudicacion", w.tender_id),
            "flags" => format!("/auditoria/licitaciones/{}", w.tender_id),
            _ => format!("/licitaciones/{}", w.tender_id),
        };
        let what = ctx.t_args(
            &format!("panel-work-{}", w.kind),
            &[("count", w.count.to_string())],
        );
        let title = w.title.clone();
        view! { <li><a href=href>{title}</a>": "{what}</li> }
    };
    let (matching, tasks): (Vec<_>, Vec<_>) = work.iter().partition(|w| w.kind == "matching");
    let heading = ctx.t(match user.role {
        Role::Auditor => "panel-flags-heading",
        _ => "panel-work-heading",
    });
    let tasks_view = (user.role != Role::Admin && !user.registry_officer).then(|| {
        let none = (tasks.is_empty() && user.role != Role::Supplier).then(|| {
            let text = ctx.t("panel-work-none");
            view! { <p>{text}</p> }
        });
        let items = tasks.iter().map(|w| item(w)).collect_view();
        let list = (!tasks.is_empty()).then(|| view! { <ul class="cards">{items}</ul> });
        let show = user.role != Role::Supplier || !tasks.is_empty();
        show.then(|| view! { <section><h2>{heading.clone()}</h2>{none}{list}</section> })
    });
    let bids_view = (user.role == Role::Supplier).then(|| {
        let heading = ctx.t("nav-my-bids");
        let none = bids.is_empty().then(|| {
            let text = ctx.t("my-bids-empty");
            view! { <p>{text}</p> }
        });
        let items = bids
            .iter()
            .filter(|b| b.status != BidStatus::Superseded)
            .take(5)
            .map(|b| {
                let href = format!("/mis-ofertas#oferta-{}", b.id);
                let (outcome, tag) = super::bids::outcome_tag(ctx, b);
                let title = b.tender_title.clone();
                view! { <li><a href=href>{title}</a>" "<span class=tag>{outcome}</span></li> }
            })
            .collect_view();
        let heading_matching = ctx.t("panel-matching-heading");
        let matching_none = matching.is_empty().then(|| {
            let text = ctx.t("panel-matching-none");
            view! { <p>{text}" "<a href="/empresa/alertas">{ctx.t("panel-matching-alerts")}</a></p> }
        });
        let matching_items = matching.iter().map(|w| item(w)).collect_view();
        view! {
            <section><h2>{heading}</h2>{none}<ul class="cards">{items}</ul></section>
            <section><h2>{heading_matching}</h2>{matching_none}<ul class="cards">{matching_items}</ul></section>
        }
    });
    view! { {tasks_view}{bids_view} }
}
