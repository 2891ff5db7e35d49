//! The reverse auction's page (`/subastas/{id}`), for everyone: the rules, the close and the
//! time left by the server's clock, the best price and the ranking under anonymous names
//! (the companies' for the buyer's officers and auditors), every move of the close with its
//! reason; for an admitted bidder its own price, rank and position and a form for the next
//! lance with the highest price it may have. Without JavaScript: while the auction is not
//! closed the answer carries `Refresh: 5`, so an old browser at a telecentre follows it; a
//! lance is an ordinary form post. The officer schedules a lot's auction from the tender page.

use axum::{
    extract::{Query, State},
    response::Response,
};
use backend::{
    AppError, AppState,
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
                return Err(crate::outcome::PageFailure::new(
                    &ctx,
                    AppError::Validation(vec![FieldError::new(
                        "minimal_step",
                        "auction_step_out_of_range",
                    )]),
                ));
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
        // Back on the tender page, the summary naming the field.
        Err(e) => {
            let errors = form_errors(e).or_page(&ctx)?;
            super::tenders::render_detail(&app, &ctx, id, errors, None).await
        }
    }
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
    // without its one-time notice); a bidder, who may be typing, less often. With it, the
    // script follows the live events instead.
    let live = matches!(v.status.as_str(), "scheduled" | "running");
    let every = if v.mine.is_some() { 10 } else { 5 };
    let url = format!("/subastas/{id}");
    let refresh = (live && errors.is_empty()).then(|| (every, url.clone()));
    let body = view! {
        <div id="auction-live" data-live=live.to_string() data-events=format!("/api/v1/auctions/{id}/events")
            data-url=url data-refresh=refresh.as_ref().map(|r| r.0.to_string()).unwrap_or_default()
            {..live_data(ctx, &v)}>
            {body}
        </div>
    };
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

fn view_body(
    ctx: &PageContext,
    v: &AuctionView,
    tz: chrono_tz::Tz,
    errors: &[FieldError],
    typed: &str,
) -> impl IntoView + use<> {
    // To the second: an extension can move the close by seconds.
    let when = |text: &str| {
        utc(text)
            .map(|t| {
                t.and_utc()
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    };
    // Amounts as people read them (S/ 139,000.00); the form's value stays plain to edit.
    let money = |amount: &str| shown_money(&v.currency, amount);
    let now = utc(&v.server_time);
    let closes = utc(&v.closes_at);
    let target = if v.status == "scheduled" {
        utc(&v.opens_at)
    } else {
        closes
    };
    let left = match (now, target) {
        (Some(now), Some(target)) if target > now => {
            let secs = (target - now).num_seconds();
            ctx.t_args(
                if v.status == "scheduled" {
                    "auction-time-to-start"
                } else {
                    "auction-time-left"
                },
                &[
                    ("minutes", (secs / 60).to_string()),
                    ("seconds", (secs % 60).to_string()),
                ],
            )
        }
        _ => String::new(),
    };
    let state = ctx.t_args(
        &format!("auction-status-{}", v.status),
        &[
            ("opens", when(&v.opens_at)),
            ("closes", when(&v.closes_at)),
            ("server", when(&v.server_time)),
        ],
    );
    // Always there, hidden until five minutes before the close (the script shows it then).
    let closing = matches!((now, closes), (Some(now), Some(closes))
        if v.status == "running" && closes - now <= chrono::Duration::minutes(5));
    let warning = view! {
        <p class="warning" id="auction-warning" role="status" hidden=!closing>{ctx.t_args("auction-closing-soon", &[("extension", v.rules.extension_minutes.to_string())])}</p>
    };
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
        let standing = ctx.t_args(
            &format!("auction-mine-{}", m.position),
            &[
                ("price", money(&m.price)),
                ("rank", m.rank.to_string()),
                ("of", m.of.to_string()),
                ("seat", m.seat.clone()),
                ("currency", v.currency.clone()),
            ],
        );
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
                <p class="key" id="auction-standing" aria-live="polite">{standing}</p>
                {form}
            </section>
        }
    });
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
                    &[("from", when(&m.from)), ("to", when(&m.to))],
                );
                view! { <li>{text}</li> }
            })
            .collect_view();
        view! {
            <h2>{ctx.t("auction-moves-heading")}</h2>
            <ul>{items}</ul>
        }
    });
    let transcript = (v.status == "closed").then(|| {
        let href = format!("/api/v1/auctions/{}/transcript", v.id);
        view! {
            <p><a href=href>{ctx.t("auction-transcript-link")}</a>" · "
               <a href="/recibos/verificar">{ctx.t("auction-verify-link")}</a></p>
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
        <p class="status-badge">{state}</p>
        <p class="countdown" id="auction-countdown">{left}</p>
        {warning}
        <p class="hint" id="auction-live-note" aria-live="polite"></p>
        <p>{rules}</p>
        {mine}
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
        {transcript}
    }
}
