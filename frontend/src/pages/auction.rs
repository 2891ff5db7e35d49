//! The reverse auction's page (`/subastas/{id}`), for everyone: the rules, the close and the
//! time left by the server's clock, the best price and the ranking under anonymous names
//! (the companies' for the buyer's officers and auditors), every move of the close with its
//! reason; for an admitted bidder its own price, rank and position and a form for the next
//! lance with the highest price it may have. Without JavaScript: while the auction is not
//! closed the page reloads itself every few seconds (a `<noscript>` refresh), so an old
//! browser at a telecentre follows it, except for a bidder who may be typing a lance: its page
//! stays and frames `/subastas/{id}/en-vivo`, which reloads itself instead; a lance is an
//! ordinary form post. The officer schedules a lot's auction from the tender page.

use axum::{
    extract::{Query, State},
    response::Response,
};
use backend::{
    AppState,
    auction::{self, AuctionView, ScheduleInput},
    domain::{Currency, Money, Role, TenderId},
    error::FieldError,
};
use chrono::NaiveDateTime;
use leptos::prelude::*;
use serde::Deserialize;

use crate::{
    context::PageContext,
    extract::{PageForm, PagePath},
    layout::{
        Field, Live, csrf_input, error_summary, form_errors, form_status, notice, page, page_with,
        redirect, text_field,
    },
    outcome::{OrPage, PageResult},
};

/// A lance sent from the page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanceForm {
    price: String,
    /// `1` once the bidder confirmed a drop of more than a fifth of its own price.
    confirm: String,
}

/// A drop of more than this share of the bidder's own price asks for a confirmation on the
/// page (a slipped digit is signed and cannot be taken back).
const CONFIRM_DROP_PERCENT: i64 = 20;

/// The officer's form to schedule a lot's auction.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScheduleForm {
    opens_at: String,
    step_percent: String,
}

/// An amount as people read it (S/ 139,000.00).
fn shown_money(currency: &str, amount: &str) -> String {
    Currency::from_code(currency)
        .and_then(|c| Money::parse(amount, c, "price").ok())
        .map(|m| m.to_string())
        .unwrap_or_else(|| amount.to_owned())
}

fn utc(text: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.naive_utc())
}

/// `GET /subastas/{id}`.
pub async fn auction_page(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    Query(n): Query<super::Notice>,
) -> PageResult {
    render(&app, &ctx, id, &[], "", n.aviso.as_deref()).await
}

/// `POST /subastas/{id}`: a lance.
pub async fn place(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<LanceForm>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    if form.confirm != "1"
        && let Some((own, new)) = big_drop(&app, &user, id, &form.price).await
    {
        return Ok(confirm_page(&ctx, id, &form.price, &own, &new));
    }
    match auction::place(&app, &user, id, form.price.clone()).await {
        Ok(_) => Ok(redirect(
            &ctx,
            &format!("/subastas/{id}?aviso=lance-accepted"),
        )),
        Err(e) => {
            let errors = form_errors(e).or_page(&ctx)?;
            render(&app, &ctx, id, &errors, &form.price, None).await
        }
    }
}

/// `POST /licitaciones/{id}/lotes/{lot}/subasta`: the officer schedules the lot's auction.
pub async fn schedule(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, lot)): PagePath<(TenderId, i32)>,
    PageForm(form): PageForm<ScheduleForm>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Officer]).or_page(&ctx)?.clone();
    let percent = form.step_percent.trim().replace(',', ".");
    let step_basis_points = if percent.is_empty() {
        None
    } else {
        match percent.parse::<f64>() {
            Ok(p) if p.is_finite() && p > 0.0 => Some((p * 100.0).round() as u32),
            _ => {
                let typed = super::tenders::ScheduleTyped {
                    lot,
                    opens_at: form.opens_at.clone(),
                    step_percent: form.step_percent.clone(),
                };
                let errors = vec![FieldError::new("step_percent", "auction_step_out_of_range")];
                return super::tenders::render_detail_with(
                    &app,
                    &ctx,
                    id,
                    errors,
                    None,
                    Some(typed),
                )
                .await;
            }
        }
    };
    let input = ScheduleInput {
        // The page's field is Lima time, as every date on the site.
        opens_at: backend::domain::procurement::lima_local_to_rfc3339(&form.opens_at),
        step_basis_points,
    };
    match auction::schedule(&app, &user, id, lot, input).await {
        Ok(scheduled) => Ok(redirect(
            &ctx,
            &format!("/subastas/{scheduled}?aviso=auction-scheduled"),
        )),
        // Back on the tender page, the summary naming the field, the form as typed.
        Err(e) => {
            let errors = form_errors(e)
                .or_page(&ctx)?
                .into_iter()
                .map(|mut e| {
                    // The page asks for the step as a percentage.
                    if e.field == "minimal_step" {
                        e.field = "step_percent".into();
                    }
                    e
                })
                .collect();
            let typed = super::tenders::ScheduleTyped {
                lot,
                opens_at: form.opens_at,
                step_percent: form.step_percent,
            };
            super::tenders::render_detail_with(&app, &ctx, id, errors, None, Some(typed)).await
        }
    }
}

/// `GET /licitaciones/{id}/lotes/{lot}/subasta`: the address a refused scheduling leaves in
/// the browser; reloading it goes back to the tender's auctions (nothing is sent again).
pub async fn schedule_again(
    ctx: PageContext,
    PagePath((id, _lot)): PagePath<(TenderId, i32)>,
) -> Response {
    redirect(&ctx, &format!("/licitaciones/{id}#subastas"))
}

/// The bidder's own price and the new one, as people read them, when `price` would lower
/// it by more than [`CONFIRM_DROP_PERCENT`] (anything the rules refuse is left to them).
async fn big_drop(
    app: &AppState,
    user: &backend::auth::CurrentUser,
    id: i64,
    price: &str,
) -> Option<(String, String)> {
    let v = auction::view(app, Some(user), id).await.ok()?;
    let currency = Currency::from_code(&v.currency)?;
    let own = Money::parse(&v.mine?.price, currency, "price").ok()?;
    let new = Money::parse(price, currency, "price").ok()?;
    (new.minor() * 100 < own.minor() * (100 - CONFIRM_DROP_PERCENT))
        .then(|| (own.to_string(), new.to_string()))
}

/// Asks the bidder to confirm a large drop before it is signed.
fn confirm_page(ctx: &PageContext, id: i64, price: &str, own: &str, new: &str) -> Response {
    let title = ctx.t("auction-confirm-title");
    let text = ctx.t_args(
        "auction-confirm-text",
        &[("own", own.to_owned()), ("new", new.to_owned())],
    );
    let (submit, back) = (
        ctx.t("auction-confirm-submit"),
        ctx.t("auction-confirm-back"),
    );
    let action = format!("/subastas/{id}");
    let back_href = action.clone();
    let csrf = csrf_input(ctx);
    let price = price.to_owned();
    page(
        ctx,
        axum::http::StatusCode::OK,
        &title.clone(),
        view! {
            <h1>{title}</h1>
            <p class="warning" role="alert">{text}</p>
            <form method="post" action=action>
                {csrf}
                <input type="hidden" name="price" value=price/>
                <input type="hidden" name="confirm" value="1"/>
                <button type="submit">{submit}</button>
            </form>
            <p><a href=back_href>{back}</a></p>
        },
    )
}

async fn render(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    errors: &[FieldError],
    typed: &str,
    shown: Option<&str>,
) -> PageResult {
    let v = auction::view(app, ctx.user.as_ref(), id)
        .await
        .or_page(ctx)?;
    let tz = app.settings.timezone;
    let title = ctx.t_args(
        "auction-title",
        &[
            ("lot", v.lot.to_string()),
            ("tender", v.tender_title.clone()),
        ],
    );
    let lot_line = ctx.t_args(
        "auction-lot",
        &[
            ("lot", v.lot.to_string()),
            ("title", v.lot_title.clone()),
            ("estimate", shown_money(&v.currency, &v.estimated_value)),
        ],
    );
    let body = view_body(ctx, &v, tz, errors, typed);
    let shown = notice(ctx, shown);
    let summary = error_summary(ctx, errors, None);
    let back = format!("/licitaciones/{}", v.tender_id);
    let back_text = ctx.t("auction-back");
    // Without JavaScript the page follows the auction by reloading itself (to the page
    // without its one-time notice). A bidder with the lance form, who may be typing a price,
    // is not reloaded: the auction's state is followed in a frame that reloads itself
    // instead. With JavaScript, the script follows the live events (an old browser without
    // them reloads, as `data-refresh` says).
    let live = matches!(v.status.as_str(), "scheduled" | "running");
    let framed = v.status == "running" && v.mine.as_ref().is_some_and(|m| m.next_highest.is_some());
    let every = if v.mine.is_some() { 10 } else { 5 };
    let url = format!("/subastas/{id}");
    let refresh = (live && errors.is_empty()).then(|| (every, url.clone()));
    let frame = framed.then(|| {
        let src = format!("/subastas/{id}/en-vivo");
        let title = ctx.t("auction-frame-title");
        view! { <noscript><iframe class="auction-frame" src=src title=title></iframe></noscript> }
    });
    let body = view! {
        <div id="auction-live" class:framed=framed data-live=live.to_string() data-events=format!("/api/v1/auctions/{id}/events")
            data-url=url data-refresh=refresh.as_ref().map(|r| r.0.to_string()).unwrap_or_default()
            {..live_data(ctx, &v)}>
            {frame}
            {body}
        </div>
    };
    let refresh = refresh.filter(|_| !framed);
    Ok(page_with(
        ctx,
        form_status(errors),
        &title.clone(),
        Live {
            refresh,
            script: live.then_some("/static/auction.js"),
        },
        view! {
            <p><a href=back>{back_text}</a></p>
            {shown}
            {summary}
            <h1>{title}</h1>
            <p>{lot_line}</p>
            {body}
        },
    ))
}

/// What the page's script needs, as `data-*` attributes: the auction's state when the page
/// was made, and each text it writes in the reader's language with `{placeholders}`.
fn live_data(ctx: &PageContext, v: &AuctionView) -> Vec<leptos::attr::any_attribute::AnyAttribute> {
    use leptos::attr::{any_attribute::IntoAnyAttribute, custom::custom_attribute};
    let prefix = Currency::from_code(&v.currency)
        .and_then(|c| Money::from_minor(0, c).ok())
        .map(|m| m.to_string().trim_end_matches("0.00").trim().to_owned())
        .unwrap_or_else(|| v.currency.clone());
    fn hole(names: &[&'static str]) -> Vec<(&'static str, String)> {
        names.iter().map(|n| (*n, format!("{{{n}}}"))).collect()
    }
    let mine = |key: &str| {
        let mut args = hole(&["price", "rank", "of", "seat"]);
        args.push(("currency", v.currency.clone()));
        ctx.t_args(key, &args)
    };
    // The companies' names, for the buyer's officers and auditors (the events name seats).
    let names: std::collections::BTreeMap<&str, &str> = v
        .ranking
        .iter()
        .filter(|r| r.bidder != r.seat)
        .map(|r| (r.seat.as_str(), r.bidder.as_str()))
        .collect();
    let mut attrs = vec![
        (
            "data-seat",
            v.mine.as_ref().map(|m| m.seat.clone()).unwrap_or_default(),
        ),
        ("data-step", v.rules.minimal_step.clone()),
        ("data-floor", v.rules.floor.clone()),
        ("data-prefix", prefix),
        ("data-server-time", v.server_time.clone()),
        ("data-opens-at", v.opens_at.clone()),
        ("data-closes-at", v.closes_at.clone()),
        ("data-status", v.status.clone()),
        ("data-lances", v.lances.to_string()),
        (
            "data-t-bidder",
            ctx.t_args("auction-bidder", &hole(&["letters"])),
        ),
        (
            "data-t-best",
            ctx.t_args("auction-best", &hole(&["price", "lances"])),
        ),
        (
            "data-t-left",
            ctx.t_args("auction-time-left-live", &hole(&["minutes", "seconds"])),
        ),
        (
            "data-t-starts",
            ctx.t_args("auction-time-to-start-live", &hole(&["minutes", "seconds"])),
        ),
        (
            "data-t-starts-hours",
            ctx.t_args(
                "auction-time-to-start-hours-live",
                &hole(&["hours", "minutes", "seconds"]),
            ),
        ),
        ("data-t-first", mine("auction-mine-best")),
        ("data-t-tied", mine("auction-mine-tied")),
        ("data-t-losing", mine("auction-mine-losing")),
        (
            "data-t-hint",
            ctx.t_args("auction-lance-hint", &hole(&["highest"])),
        ),
        ("data-t-live", ctx.t("auction-live-on")),
        ("data-t-col-rank", ctx.t("auction-col-rank")),
        ("data-t-col-bidder", ctx.t("auction-col-bidder")),
        ("data-t-col-price", ctx.t("auction-col-price")),
    ];
    if !names.is_empty() {
        attrs.push((
            "data-names",
            serde_json::to_string(&names).unwrap_or_default(),
        ));
    }
    attrs
        .into_iter()
        .map(|(k, v)| custom_attribute(k.to_owned(), v).into_any_attr())
        .collect()
}

/// A UTC instant of the view as Lima's (the settings' zone) wall clock, to the second: an
/// extension can move the close by seconds.
fn local(tz: chrono_tz::Tz, text: &str) -> String {
    utc(text)
        .map(|t| {
            t.and_utc()
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// The time left (to the start or the close) in words, as hours, minutes and seconds.
fn time_left(ctx: &PageContext, v: &AuctionView) -> String {
    let now = utc(&v.server_time);
    let target = if v.status == "scheduled" {
        utc(&v.opens_at)
    } else {
        utc(&v.closes_at)
    };
    match (now, target) {
        (Some(now), Some(target)) if target > now && v.status != "cancelled" => {
            let secs = (target - now).num_seconds();
            let key = match (v.status == "scheduled", secs >= 3600) {
                (true, true) => "auction-time-to-start-hours",
                (true, false) => "auction-time-to-start",
                (false, _) => "auction-time-left",
            };
            ctx.t_args(
                key,
                &[
                    ("hours", (secs / 3600).to_string()),
                    (
                        "minutes",
                        (if secs >= 3600 { secs % 3600 } else { secs } / 60).to_string(),
                    ),
                    ("seconds", (secs % 60).to_string()),
                ],
            )
        }
        _ => String::new(),
    }
}

/// Where the auction stands: its status, the time left, the closing warning and the live
/// note the script writes.
fn state_view(ctx: &PageContext, v: &AuctionView, tz: chrono_tz::Tz) -> impl IntoView + use<> {
    let now = utc(&v.server_time);
    let closes = utc(&v.closes_at);
    let state = ctx.t_args(
        &format!("auction-status-{}", v.status),
        &[
            ("opens", local(tz, &v.opens_at)),
            ("closes", local(tz, &v.closes_at)),
            ("server", local(tz, &v.server_time)),
        ],
    );
    // Always there, hidden until five minutes before the close (the script shows it then).
    let closing = matches!((now, closes), (Some(now), Some(closes))
        if v.status == "running" && closes - now <= chrono::Duration::minutes(5));
    let warning = ctx.t_args(
        "auction-closing-soon",
        &[("extension", v.rules.extension_minutes.to_string())],
    );
    let left = time_left(ctx, v);
    view! {
        <p class="status-badge">{state}</p>
        <p class="countdown" id="auction-countdown">{left}</p>
        <p class="warning" id="auction-warning" role="status" hidden=!closing>{warning}</p>
        <p class="hint" id="auction-live-note" aria-live="polite"></p>
    }
}

/// The bidder's own price, place and rank.
fn standing_view(ctx: &PageContext, v: &AuctionView) -> Option<impl IntoView + use<>> {
    let m = v.mine.as_ref()?;
    let standing = ctx.t_args(
        &format!("auction-mine-{}", m.position),
        &[
            ("price", shown_money(&v.currency, &m.price)),
            ("rank", m.rank.to_string()),
            ("of", m.of.to_string()),
            ("seat", m.seat.clone()),
            ("currency", v.currency.clone()),
        ],
    );
    Some(view! { <p class="key" id="auction-standing" aria-live="polite">{standing}</p> })
}

/// The best price, the ranking (letters, or the companies' names for the buyer's officers and
/// the auditors) and every move of the close with its reason.
fn ranking_view(ctx: &PageContext, v: &AuctionView, tz: chrono_tz::Tz) -> impl IntoView + use<> {
    let money = |amount: &str| shown_money(&v.currency, amount);
    let (col_rank, col_bidder, col_price) = (
        ctx.t("auction-col-rank"),
        ctx.t("auction-col-bidder"),
        ctx.t("auction-col-price"),
    );
    let rows = v
        .ranking
        .iter()
        .map(|r| {
            let (l_rank, l_bidder, l_price) =
                (col_rank.clone(), col_bidder.clone(), col_price.clone());
            let bidder = if r.bidder.chars().all(|c| c.is_ascii_uppercase()) {
                ctx.t_args("auction-bidder", &[("letters", r.bidder.clone())])
            } else {
                r.bidder.clone()
            };
            view! {
                <tr>
                    <td class="num" data-label=l_rank>{r.rank}</td>
                    <td class="key" data-label=l_bidder>{bidder}</td>
                    <td class="num" data-label=l_price>{money(&r.price)}</td>
                </tr>
            }
        })
        .collect_view();
    let moves = (!v.moves.is_empty()).then(|| {
        let items = v
            .moves
            .iter()
            .map(|m| {
                let text = ctx.t_args(
                    &format!("auction-move-{}", m.reason),
                    &[("from", local(tz, &m.from)), ("to", local(tz, &m.to))],
                );
                view! { <li>{text}</li> }
            })
            .collect_view();
        view! {
            <h2>{ctx.t("auction-moves-heading")}</h2>
            <ul>{items}</ul>
        }
    });
    let best = ctx.t_args(
        "auction-best",
        &[
            ("price", money(&v.best_price)),
            ("lances", v.lances.to_string()),
        ],
    );
    view! {
        <h2>{ctx.t("auction-ranking-heading")}</h2>
        <p id="auction-best">{best}</p>
        <table class="as-cards">
            <thead><tr>
                <th scope="col">{col_rank}</th>
                <th scope="col">{col_bidder}</th>
                <th scope="col">{col_price}</th>
            </tr></thead>
            <tbody id="auction-ranking-body">{rows}</tbody>
        </table>
        {moves}
    }
}

fn view_body(
    ctx: &PageContext,
    v: &AuctionView,
    tz: chrono_tz::Tz,
    errors: &[FieldError],
    typed: &str,
) -> impl IntoView + use<> {
    // Amounts as people read them (S/ 139,000.00); the form's value stays plain to edit.
    let money = |amount: &str| shown_money(&v.currency, amount);
    let rules = ctx.t_args(
        "auction-rules",
        &[
            ("step", money(&v.rules.minimal_step)),
            ("window", v.rules.window_minutes.to_string()),
            ("extension", v.rules.extension_minutes.to_string()),
            ("times", v.rules.max_extensions.to_string()),
            ("gap", v.rules.outage_gap_seconds.to_string()),
            ("currency", v.currency.clone()),
        ],
    );
    let mine = v.mine.as_ref().map(|m| {
        let form = m.next_highest.clone().map(|highest| {
            let hint = ctx.t_args("auction-lance-hint", &[("highest", money(&highest))]);
            // Not prefilled: a reload must not leave a price the bidder did not choose.
            let value = typed.to_owned();
            let field = text_field(
                ctx,
                Field {
                    name: "price",
                    input_type: "text",
                    value,
                    autocomplete: "off",
                    errors,
                    hint: None,
                },
            );
            let submit = ctx.t("auction-lance-submit");
            let action = format!("/subastas/{}", v.id);
            let csrf = csrf_input(ctx);
            view! {
                <form method="post" action=action>
                    {csrf}
                    <p class="hint" id="auction-hint">{hint}</p>
                    {field}
                    <button type="submit">{submit}</button>
                </form>
            }
        });
        view! {
            <section class="auction-mine" aria-labelledby="mine-heading">
                <h2 id="mine-heading">{ctx.t("auction-mine-heading")}</h2>
                <div class="follow">{standing_view(ctx, v)}</div>
                {form}
            </section>
        }
    });
    let transcript = (v.status == "closed").then(|| {
        let href = format!("/api/v1/auctions/{}/transcript", v.id);
        view! {
            <p><a href=href>{ctx.t("auction-transcript-link")}</a>" · "
               <a href="/recibos/verificar">{ctx.t("auction-verify-link")}</a></p>
        }
    });
    view! {
        <div class="follow">{state_view(ctx, v, tz)}</div>
        <p>{rules}</p>
        {mine}
        <div class="follow">{ranking_view(ctx, v, tz)}</div>
        {transcript}
    }
}

/// `GET /subastas/{id}/en-vivo`: where the auction stands, alone, for the frame a bidder's
/// page shows without JavaScript. The frame reloads itself every 5 seconds while the auction
/// is live; the page around it, with the bidder's half-typed price, stays.
pub async fn follow_frame(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> PageResult {
    let v = auction::view(&app, ctx.user.as_ref(), id)
        .await
        .or_page(&ctx)?;
    let tz = app.settings.timezone;
    let live = matches!(v.status.as_str(), "scheduled" | "running");
    let refresh = live.then(|| view! { <meta http-equiv="refresh" content="5"/> });
    let result = (!live).then(|| {
        let href = format!("/subastas/{id}");
        view! { <p><a href=href target="_top">{ctx.t("auction-frame-result")}</a></p> }
    });
    let title = ctx.t("auction-frame-title");
    let document = view! {
        <html lang=ctx.lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                {refresh}
                <title>{title}</title>
                <link rel="stylesheet" href="/static/licita.css"/>
            </head>
            <body class="auction-frame-body">
                {state_view(&ctx, &v, tz)}
                {standing_view(&ctx, &v)}
                {ranking_view(&ctx, &v, tz)}
                {result}
            </body>
        </html>
    };
    let html = format!("<!DOCTYPE html>{}", document.to_html());
    let mut response = axum::response::IntoResponse::into_response(axum::response::Html(html));
    let headers = response.headers_mut();
    // Framed by the auction's own page only.
    headers.insert(
        axum::http::header::X_FRAME_OPTIONS,
        axum::http::HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static(FRAME_CSP),
    );
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The frame's Content-Security-Policy: the site's, framed by its own pages only.
const FRAME_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'";
