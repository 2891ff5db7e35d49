//! Sealed-bid pages: the supplier's bid form (submit or replace, sealed on receipt), withdraw
//! and re-confirm, "my bids" with receipts and inclusion proofs, the public receipt check,
//! the committee member's opening passphrase, and the opening page with its transcript.
//! Every form works without JavaScript.

use crate::layout::data_table;
use axum::{
    extract::{Multipart, Query, State, multipart::MultipartRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use backend::{
    AppError, AppState,
    bids::{
        self, BidContent, BidSummary, DECLARATIONS, MyBid, Placement, PriceInput, Sealing,
        Submission, VerifyRequest, confirmation, opening,
    },
    domain::{Currency, Money, Role},
    error::FieldError,
    tenders::{self, Tender},
};
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{NoFields, PageContext, read_multipart},
    extract::{PageForm, PagePath},
    layout::{
        Field, csrf_input, error_page, error_summary, form_errors, form_status, local_time, notice,
        page, redirect, text_area, text_field,
    },
};

/// The sealed-bids section of a tender page: the recipient, the frozen root and the links.
pub fn tender_section(
    ctx: &PageContext,
    tender: &Tender,
    sealing: Option<&Sealing>,
) -> Option<impl IntoView + use<>> {
    let sealing = sealing?;
    let heading = ctx.t("bids-section-heading");
    let lead = ctx.t("bids-section-lead");
    let recipient_label = ctx.t("bids-recipient");
    let recipient = sealing.recipient.clone();
    let root = frozen_root(ctx, sealing.merkle_root.as_deref(), sealing.leaf_count);
    let bid_link = (ctx.user.as_ref().is_some_and(|u| u.role == Role::Supplier)
        && ["open", "enquiries_closed"].contains(&tender.status.as_str()))
    .then(|| {
        let href = format!("/licitaciones/{}/oferta", tender.id);
        let text = ctx.t("bids-submit-link");
        view! { <p><a class="button" href=href>{text}</a></p> }
    });
    let opening_href = format!("/licitaciones/{}/apertura", tender.id);
    let opening_text = ctx.t("bids-opening-link");
    let awards_href = format!("/licitaciones/{}/adjudicacion", tender.id);
    let awards_text = ctx.t("awards-title");
    // The buyer's officers evaluate and award once the bids are open; auditors read along.
    let evaluation = (sealing.opened_at.is_some()
        && (tenders::is_buyer_staff(ctx.user.as_ref(), tender.buyer_id)
            || ctx.user.as_ref().is_some_and(|u| u.role == Role::Auditor)))
    .then(|| {
        let href = format!("/licitaciones/{}/evaluacion", tender.id);
        let text = ctx.t("evaluation-link");
        view! { <p><a href=href>{text}</a></p> }
    });
    Some(view! {
        <section aria-labelledby="sealed-heading" id="ofertas">
            <h2 id="sealed-heading">{heading}</h2>
            <p>{lead}</p>
            <p>{recipient_label}" "<code class="hash">{recipient}</code></p>
            {root}
            {bid_link}
            <p><a href=opening_href>{opening_text}</a></p>
            {evaluation}
            <p><a href=awards_href>{awards_text}</a></p>
        </section>
    })
}

/// The published Merkle root of the frozen envelopes with their count. An empty tree's root
/// proves nothing anyone needs: with no bids it is not shown.
fn frozen_root(
    ctx: &PageContext,
    root: Option<&str>,
    count: Option<i32>,
) -> Option<impl IntoView + use<>> {
    let root = root.filter(|_| count != Some(0))?.to_owned();
    let label = ctx.t_args(
        "bids-frozen-root",
        &[("count", count.unwrap_or(0).to_string())],
    );
    Some(view! { <p>{label}" "<code class="hash">{root}</code></p> })
}

// ---------------------------------------------------------------------------------------
// The bid form, its confirmation, and the sealed bid with the bidder's copy

struct BidFormState {
    prices: Vec<(i32, String)>,
    declarations: Vec<String>,
    remove: Vec<String>,
}

async fn load_bid_page(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
) -> Result<(Tender, Vec<MyBid>), AppError> {
    let user = ctx.require_role(&[Role::Supplier])?.clone();
    let now = app.clock.now_db();
    let reader = user.clone();
    let tender = app
        .db
        .run(move |conn| tenders::find(conn, id, Some(&reader), now))
        .await?;
    Ok((tender, bids::my_bids(app, &user, Some(id)).await?))
}

/// A size for people: `850 B`, `340 KB`, `2.4 MB`.
pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", (b + 512) / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn render_bid_form(
    ctx: &PageContext,
    tender: &Tender,
    mine: &[MyBid],
    form: &BidFormState,
    errors: &[FieldError],
    tz: chrono_tz::Tz,
) -> Response {
    let live = mine.iter().find(|b| b.status == "submitted");
    let title = ctx.t_args("bid-form-title", &[("title", tender.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("bid-form-lead");
    let summary = error_summary(ctx, errors, None);
    let action = format!("/licitaciones/{}/oferta", tender.id);
    let current = live.map(|b| {
        let received = chrono::DateTime::parse_from_rfc3339(&b.receipt.server_time)
            .map(|t| local_time(t.naive_utc(), tz))
            .unwrap_or_else(|_| b.receipt.server_time.clone());
        let text = ctx.t_args(
            "bid-form-replaces",
            &[("bid", b.id.to_string()), ("time", received)],
        );
        view! { <div class="notice" role="status"><p>{text}</p></div> }
    });
    // Withdrawing is the destructive choice: last on the page, drawn as a secondary button.
    let withdraw = live.map(|b| {
        let withdraw_action = format!("/licitaciones/{}/oferta/{}/retirar", tender.id, b.id);
        let withdraw = ctx.t("bid-withdraw");
        let help = ctx.t("bid-withdraw-help");
        let csrf = csrf_input(ctx);
        view! {
            <section class="actions-last">
                <p>{help}</p>
                <form method="post" action=withdraw_action class="inline">
                    {csrf}<button type="submit" class="danger">{withdraw}</button>
                </form>
            </section>
        }
    });
    let price_hint = ctx.t("bid-price-hint");
    let lots = tender
        .lots
        .iter()
        .map(|lot| {
            let name = format!("price_{}", lot.number);
            let id = format!("f-{name}");
            let label = ctx.t_args(
                "bid-price-for-lot",
                &[
                    ("n", lot.number.to_string()),
                    ("lot", lot.title.clone()),
                    ("currency", tender.estimated_value.currency.code().to_owned()),
                ],
            );
            let value = form
                .prices
                .iter()
                .find(|(n, _)| *n == lot.number)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let error = errors
                .iter()
                .find(|e| {
                    (e.field == "price" || e.field == "lots")
                        && e.args.iter().any(|(k, v)| *k == "lot" && *v == lot.number.to_string())
                })
                .map(|e| e.message(ctx.lang));
            let hint_id = format!("{id}-hint");
            let error_id = format!("{id}-error");
            let described = match &error {
                Some(_) => format!("{hint_id} {error_id}"),
                None => hint_id.clone(),
            };
            let invalid = error.is_some();
            let hint = price_hint.clone();
            view! {
                <div class="field" class:field-invalid=invalid>
                    <label for=id.clone()>{label}</label>
                    <p class="hint" id=hint_id>{hint}</p>
                    {error.map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
                    <input type="text" inputmode="decimal" autocomplete="off" id=id name=name value=value aria-describedby=described aria-invalid=invalid.then_some("true")/>
                </div>
            }
        })
        .collect_view();
    let declarations = DECLARATIONS
        .iter()
        .map(|d| {
            let name = format!("declaration_{d}");
            let id = format!("f-{name}");
            let label = ctx.t(&format!("field-declaration-{}", d.replace('_', "-")));
            let checked = form.declarations.iter().any(|x| x == d);
            let error = errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message(ctx.lang));
            let invalid = error.is_some();
            view! {
                <div class="field checkbox" class:field-invalid=invalid>
                    {error.map(|e| view! { <p class="field-error">{e}</p> })}
                    <input type="checkbox" id=id.clone() name=name value="1" checked=checked/>
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    // The live bid's documents: kept by the replacement unless ticked for removal.
    let kept = live
        .and_then(|b| b.documents.as_ref())
        .filter(|docs| !docs.is_empty())
        .map(|docs| {
            let legend = ctx.t("bid-kept-legend");
            let lead = ctx.t("bid-kept-lead");
            let error = errors
                .iter()
                .find(|e| e.field == "remove_documents")
                .map(|e| e.message(ctx.lang));
            let items = docs
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let id = if i == 0 {
                        "f-remove_documents".to_owned()
                    } else {
                        format!("f-remove_documents-{i}")
                    };
                    let label = ctx.t_args(
                        "bid-kept-remove",
                        &[("name", d.name.clone()), ("size", human_size(d.size))],
                    );
                    let checked = form.remove.contains(&d.sha256);
                    view! {
                        <div class="field checkbox">
                            <input type="checkbox" id=id.clone() name="remove_document" value=d.sha256.clone() checked=checked/>
                            <label for=id>{label}</label>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <fieldset>
                    <legend>{legend}</legend>
                    <p class="hint">{lead}</p>
                    {error.map(|e| view! { <p class="field-error">{e}</p> })}
                    {items}
                </fieldset>
            }
        });
    let (decl_legend, docs_label, docs_hint, submit) = (
        ctx.t("field-declarations"),
        ctx.t("field-documents"),
        ctx.t("bid-documents-hint"),
        ctx.t(if live.is_some() {
            "bid-replace-submit"
        } else {
            "bid-submit"
        }),
    );
    let docs_error = errors
        .iter()
        .find(|e| e.field == "documents")
        .map(|e| e.message(ctx.lang));
    let docs_invalid = docs_error.is_some();
    let replaces =
        live.map(|b| view! { <input type="hidden" name="replaces" value=b.id.to_string()/> });
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            {crate::layout::breadcrumbs(ctx, vec![(format!("/licitaciones/{}", tender.id), tender.title.clone())], &ctx.t("bid-crumb"))}
            <h1>{heading}</h1>
            <p>{lead}</p>
            {current}
            {summary}
            <form method="post" action=action enctype="multipart/form-data">
                {csrf}
                {replaces}
                {lots}
                <fieldset>
                    <legend>{decl_legend}</legend>
                    {declarations}
                </fieldset>
                {kept}
                <div class="field" class:field-invalid=docs_invalid>
                    <label for="f-documents">{docs_label}</label>
                    <p class="hint" id="f-documents-hint">{docs_hint}</p>
                    {docs_error.map(|e| view! { <p class="field-error">{e}</p> })}
                    <input type="file" id="f-documents" name="documents" multiple=true aria-describedby="f-documents-hint"/>
                </div>
                <button type="submit">{submit}</button>
            </form>
            {withdraw}
        },
    )
}

/// `GET /licitaciones/{id}/oferta`: the bid form (suppliers).
pub async fn form(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
) -> Response {
    match load_bid_page(&app, &ctx, id).await {
        Ok((tender, mine)) => {
            let state = BidFormState {
                prices: Vec::new(),
                declarations: Vec::new(),
                remove: Vec::new(),
            };
            render_bid_form(&ctx, &tender, &mine, &state, &[], app.settings.timezone)
        }
        Err(e) => error_page(&ctx, e),
    }
}

/// What a bid seals, as the confirmation page and the bidder's copy show it: each price in
/// figures and in words, the documents with size and SHA-256, the declarations.
fn summary_view(ctx: &PageContext, tender: &Tender, summary: &BidSummary) -> impl IntoView + use<> {
    let prices_heading = ctx.t("bid-confirm-prices");
    let prices = summary
        .prices
        .iter()
        .map(|p| {
            let lot_title = tender
                .lots
                .iter()
                .find(|l| l.number == p.lot)
                .map(|l| l.title.clone())
                .unwrap_or_default();
            let label = ctx.t_args(
                "bid-confirm-price",
                &[("n", p.lot.to_string()), ("lot", lot_title)],
            );
            let money = Currency::parse(&p.currency, "currency")
                .ok()
                .and_then(|c| Money::parse(&p.amount, c, "price").ok());
            let figures = money
                .map(|m| m.to_string())
                .unwrap_or_else(|| p.amount.clone());
            let words = money
                .map(|m| ctx.t_args("bid-confirm-words", &[("words", m.in_words(ctx.lang))]))
                .unwrap_or_default();
            view! {
                <li>
                    <span class="price-label">{label}</span>" "
                    <strong class="price-figures">{figures}</strong>
                    <br/><span class="price-words">{words}</span>
                </li>
            }
        })
        .collect_view();
    let documents_heading = ctx.t("bid-confirm-documents");
    let documents = if summary.documents.is_empty() {
        let text = ctx.t("bid-confirm-no-documents");
        view! { <p class="warning">{text}</p> }.into_any()
    } else {
        let items = summary
            .documents
            .iter()
            .map(|d| {
                let origin = match d.kept_from_bid {
                    Some(bid) => {
                        ctx.t_args("bid-confirm-document-kept", &[("bid", bid.to_string())])
                    }
                    None => ctx.t("bid-confirm-document-new"),
                };
                view! {
                    <li>
                        <strong>{d.name.clone()}</strong>" — "{human_size(d.size)}" — "{origin}
                        <br/>"SHA-256 "<code class="hash">{d.sha256.clone()}</code>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="documents">{items}</ul> }.into_any()
    };
    let declarations_heading = ctx.t("bid-confirm-declarations");
    let declarations = summary
        .declarations
        .iter()
        .map(|d| {
            let text = ctx.t(&format!("field-declaration-{}", d.replace('_', "-")));
            view! { <li>{text}</li> }
        })
        .collect_view();
    let replaces = summary.replaces.map(|bid| {
        let text = ctx.t_args("bid-confirm-replaces", &[("bid", bid.to_string())]);
        view! { <p>{text}</p> }
    });
    view! {
        {replaces}
        <h2>{prices_heading}</h2>
        <ul class="prices">{prices}</ul>
        <h2>{documents_heading}</h2>
        {documents}
        <h2>{declarations_heading}</h2>
        <ul>{declarations}</ul>
    }
}

fn render_confirmation(
    app: &AppState,
    ctx: &PageContext,
    tender: &Tender,
    pending: &confirmation::Pending,
) -> Response {
    let title = ctx.t_args("bid-confirm-title", &[("title", tender.title.clone())]);
    let heading = title.clone();
    let lead = ctx.t("bid-confirm-lead");
    let expires = ctx.t_args(
        "bid-confirm-expires",
        &[(
            "time",
            local_time(pending.expires_at, app.settings.timezone),
        )],
    );
    let shown = summary_view(ctx, tender, &pending.summary);
    let action = format!("/licitaciones/{}/oferta/sellar", tender.id);
    let submit = ctx.t("bid-confirm-submit");
    let correct_href = format!("/licitaciones/{}/oferta", tender.id);
    let correct = ctx.t("bid-confirm-correct");
    let csrf = csrf_input(ctx);
    let token = pending.token.clone();
    page(
        ctx,
        StatusCode::OK,
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {shown}
            <p>{expires}</p>
            <form method="post" action=action>
                {csrf}
                <input type="hidden" name="token" value=token/>
                <button type="submit">{submit}</button>
            </form>
            <p><a href=correct_href>{correct}</a></p>
        },
    )
}

/// `POST /licitaciones/{id}/oferta` (multipart): sealed in memory on arrival and kept for
/// the bidder's confirmation, which the answer asks for.
pub async fn submit(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let user = match ctx.require_role(&[Role::Supplier]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    // An ineligible company's upload is refused before it is read.
    if let Err(e) = backend::bids::may_bid(&app, &user, id).await {
        return error_page(&ctx, e);
    }
    let limit = app.settings.bid_max_bytes;
    let form = match read_multipart(&ctx, multipart, limit).await {
        Ok(form) => form,
        Err(e) => return error_page(&ctx, e),
    };
    let mut state = BidFormState {
        prices: Vec::new(),
        declarations: Vec::new(),
        remove: Vec::new(),
    };
    let mut replaces = None;
    for (name, value) in form.fields {
        if let Some(n) = name.strip_prefix("price_").and_then(|n| n.parse().ok()) {
            if !value.trim().is_empty() {
                state.prices.push((n, value));
            }
        } else if let Some(d) = name.strip_prefix("declaration_") {
            state.declarations.push(d.to_owned());
        } else if name == "replaces" {
            replaces = value.parse::<i64>().ok();
        } else if name == "remove_document" {
            state.remove.push(value);
        }
    }
    let (documents, too_large) = (form.files, form.too_large);
    let result = if too_large {
        Err(AppError::TooLarge(
            FieldError::new("documents", "bid_too_large").arg("max", limit / (1024 * 1024)),
        ))
    } else {
        let content = BidContent {
            lots: state
                .prices
                .iter()
                .map(|(lot, amount)| PriceInput {
                    lot: *lot,
                    amount: amount.clone(),
                    currency: None,
                })
                .collect(),
            declarations: state.declarations.clone(),
            documents,
            remove_documents: state.remove.clone(),
        };
        let placement = replaces.map_or(Placement::New, Placement::Replaces);
        confirmation::prepare(&app, &user, id, Submission::Content(content), placement).await
    };
    match result {
        Ok(pending) => match load_bid_page(&app, &ctx, id).await {
            Ok((tender, _)) => render_confirmation(&app, &ctx, &tender, &pending),
            Err(e) => error_page(&ctx, e),
        },
        Err(e) => match form_errors(e) {
            Ok(errors) => match load_bid_page(&app, &ctx, id).await {
                Ok((tender, mine)) => {
                    render_bid_form(&ctx, &tender, &mine, &state, &errors, app.settings.timezone)
                }
                Err(e) => error_page(&ctx, e),
            },
            Err(e) => error_page(&ctx, e),
        },
    }
}

/// The confirmation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SealForm {
    token: String,
}

/// `POST /licitaciones/{id}/oferta/sellar`: the bidder confirms; the bid is recorded and the
/// answer is the bidder's copy (not a redirect: the copy exists only in this answer).
pub async fn seal(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<SealForm>,
) -> Response {
    let user = match ctx.require_role(&[Role::Supplier]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let token = form.token.trim().to_owned();
    let confirmed = confirmation::confirm(&app, &user, id, token).await;
    let (tender, mine) = match load_bid_page(&app, &ctx, id).await {
        Ok(loaded) => loaded,
        Err(e) => return error_page(&ctx, e),
    };
    match confirmed {
        Ok(confirmed) => render_sealed(&app, &ctx, &tender, &confirmed),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let state = BidFormState {
                    prices: Vec::new(),
                    declarations: Vec::new(),
                    remove: Vec::new(),
                };
                render_bid_form(&ctx, &tender, &mine, &state, &errors, app.settings.timezone)
            }
            Err(e) => error_page(&ctx, e),
        },
    }
}

/// `GET /licitaciones/{id}/oferta/sellar`: nothing to confirm by address; back to the form.
pub async fn seal_form(ctx: PageContext, PagePath(id): PagePath<i64>) -> Response {
    redirect(&ctx, &format!("/licitaciones/{id}/oferta"))
}

fn render_sealed(
    app: &AppState,
    ctx: &PageContext,
    tender: &Tender,
    confirmed: &confirmation::Confirmed,
) -> Response {
    let receipt = &confirmed.receipt;
    let title = ctx.t_args("bid-sealed-title", &[("title", tender.title.clone())]);
    let heading = title.clone();
    let sealed_at = chrono::DateTime::parse_from_rfc3339(&receipt.server_time)
        .map(|t| local_time(t.naive_utc(), app.settings.timezone))
        .unwrap_or_else(|_| receipt.server_time.clone());
    let lead = ctx.t_args(
        "bid-sealed-lead",
        &[("bid", receipt.bid_id.to_string()), ("time", sealed_at)],
    );
    let fingerprint = ctx.t("bid-sealed-receipt");
    let sha256 = receipt.envelope_sha256.clone();
    let copy = match &confirmed.summary {
        Some(summary) => {
            let heading = ctx.t("bid-sealed-copy");
            let href = confirmation::copy_data_uri(summary, receipt);
            let file = format!("oferta-{}-copia.json", receipt.bid_id);
            let download = ctx.t("bid-sealed-download");
            let print = ctx.t("bid-sealed-print");
            let shown = summary_view(ctx, tender, summary);
            view! {
                <section aria-labelledby="copy-heading" class="bid-copy">
                    <h2 id="copy-heading">{heading}</h2>
                    <p><a class="button" href=href download=file>{download}</a></p>
                    <p class="hint">{print}</p>
                    {shown}
                </section>
            }
            .into_any()
        }
        None => {
            let text = ctx.t("bid-sealed-again");
            view! { <p>{text}</p> }.into_any()
        }
    };
    let my_bids = ctx.t("bid-sealed-my-bids");
    let my_bids_href = format!("/mis-ofertas#oferta-{}", receipt.bid_id);
    let check = ctx.t("receipt-check-link");
    page(
        ctx,
        StatusCode::OK,
        &title,
        view! {
            <div class="notice" role="status"><p>{lead}</p></div>
            <h1>{heading}</h1>
            <p>{fingerprint}" "<code class="hash">{sha256}</code></p>
            {copy}
            <p><a href=my_bids_href>{my_bids}</a>" · "<a href="/recibos/verificar">{check}</a></p>
        },
    )
}

/// `POST /licitaciones/{id}/oferta/{bid}/retirar`.
pub async fn withdraw(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, bid)): PagePath<(i64, i64)>,
    PageForm(_): PageForm<NoFields>,
) -> Response {
    change(app, ctx, id, bid, BidChange::Withdraw).await
}

/// `POST /licitaciones/{id}/oferta/{bid}/confirmar`.
pub async fn confirm(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, bid)): PagePath<(i64, i64)>,
    PageForm(_): PageForm<NoFields>,
) -> Response {
    change(app, ctx, id, bid, BidChange::Confirm).await
}

/// What a one-button form does to a live bid.
#[derive(Debug, Clone, Copy)]
enum BidChange {
    Withdraw,
    Confirm,
}

async fn change(app: AppState, ctx: PageContext, id: i64, bid: i64, change: BidChange) -> Response {
    let user = match ctx.require_role(&[Role::Supplier]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let (done, result) = match change {
        BidChange::Withdraw => ("bid-withdrawn", bids::withdraw(&app, &user, id, bid).await),
        BidChange::Confirm => ("bid-confirmed", bids::confirm(&app, &user, id, bid).await),
    };
    match result {
        Ok(()) => redirect(&ctx, &format!("/mis-ofertas?aviso={done}")),
        Err(e) => error_page(&ctx, e),
    }
}

// ---------------------------------------------------------------------------------------
// My bids

/// `GET /mis-ofertas`: the company's bids with their receipts.
pub async fn mine(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(n): Query<Notice>,
) -> Response {
    let user = match ctx.require_role(&[Role::Supplier]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let list = match bids::my_bids(&app, &user, None).await {
        Ok(l) => l,
        Err(e) => return error_page(&ctx, e),
    };
    let title = ctx.t("my-bids-title");
    let heading = title.clone();
    let shown = notice(&ctx, n.aviso.as_deref());
    let empty = list.is_empty().then(|| ctx.t("my-bids-empty"));
    let items = list
        .iter()
        .map(|b| {
            let anchor = format!("oferta-{}", b.id);
            let tender_href = format!("/licitaciones/{}", b.tender_id);
            let heading = ctx.t_args(
                "my-bids-item",
                &[("bid", b.id.to_string()), ("title", b.tender_title.clone())],
            );
            let status = ctx.t(&format!("status-{}", b.status));
            let result = b
                .opening_result
                .as_ref()
                .map(|r| view! { <p>{ctx.t(&format!("result-{r}"))}</p> });
            let (outcome, outcome_class) = outcome_tag(&ctx, b);
            let received = chrono::DateTime::parse_from_rfc3339(&b.receipt.server_time)
                .map(|at| local_time(at.naive_utc(), app.settings.timezone))
                .unwrap_or_else(|_| b.receipt.server_time.clone());
            let receipt = ctx.t_args(
                "my-bids-receipt-summary",
                &[
                    ("time", received),
                    ("ocid", b.receipt.ocid.clone()),
                    ("fingerprint", b.receipt.envelope_sha256.chars().take(16).collect()),
                ],
            );
            let documents = b.documents.as_ref().map(|docs| {
                let text = if docs.is_empty() {
                    ctx.t("my-bids-no-documents")
                } else {
                    let list = docs
                        .iter()
                        .map(|d| format!("{} ({})", d.name, human_size(d.size)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    ctx.t_args(
                        "my-bids-documents",
                        &[("list", list), ("count", docs.len().to_string())],
                    )
                };
                view! { <p>{text}</p> }
            });
            let download = format!("/mis-ofertas/{}/constancia.json", b.id);
            let download_text = ctx.t("my-bids-download-receipt");
            let proof = (!b.tender_open && b.status == "submitted").then(|| {
                let href = format!("/mis-ofertas/{}/prueba.json", b.id);
                let text = ctx.t("my-bids-download-proof");
                view! { <a href=href>{text}</a> }
            });
            let actions = (b.tender_open && b.status == "submitted").then(|| {
                let replace_href = format!("/licitaciones/{}/oferta", b.tender_id);
                let replace_text = ctx.t("bid-replace-link");
                let confirm = b.needs_confirmation.then(|| {
                    let action = format!("/licitaciones/{}/oferta/{}/confirmar", b.tender_id, b.id);
                    let text = ctx.t("bid-confirm");
                    let why = ctx.t("bid-needs-confirmation");
                    let csrf = csrf_input(&ctx);
                    view! {
                        <p class="field-error">{why}</p>
                        <form method="post" action=action class="inline">{csrf}<button type="submit">{text}</button></form>
                    }
                });
                view! { {confirm}<p><a href=replace_href>{replace_text}</a></p> }
            });
            view! {
                <article id=anchor>
                    <h2><a href=tender_href>{heading}</a></h2>
                    <p class=outcome_class>{outcome}</p>
                    <p>{status}</p>
                    {result}
                    {documents}
                    <p class="receipt">{receipt}</p>
                    <p><a href=download>{download_text}</a>" "{proof}</p>
                    {actions}
                </article>
            }
        })
        .collect_view();
    let verify_text = ctx.t("receipt-check-link");
    page(
        &ctx,
        StatusCode::OK,
        &title,
        view! {
            {shown}
            <h1>{heading}</h1>
            {empty.map(|e| view! { <p>{e}</p> })}
            {items}
            <p><a href="/recibos/verificar">{verify_text}</a></p>
        },
    )
}

/// Where a bid stands for its company, in words ("Ganó la buena pro del lote 1"), and the
/// class of its tag.
pub(crate) fn outcome_tag(ctx: &PageContext, b: &bids::MyBid) -> (String, String) {
    let lots = b
        .won_lots
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let text = ctx.t_args(
        &format!("my-bids-outcome-{}", b.outcome.replace('_', "-")),
        &[("lots", lots), ("count", b.won_lots.len().to_string())],
    );
    (text, format!("status-badge outcome-{}", b.outcome))
}

fn json_download(name: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /mis-ofertas/{bid}/constancia.json`: the signed receipt, to keep.
pub async fn receipt_file(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(bid): PagePath<i64>,
) -> Response {
    let user = match ctx.require_role(&[Role::Supplier]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    match bids::my_bids(&app, &user, None).await {
        Ok(list) => match list.into_iter().find(|b| b.id == bid) {
            Some(b) => json_download(
                &format!("constancia-oferta-{bid}.json"),
                serde_json::to_string_pretty(&b.receipt).unwrap_or_default(),
            ),
            None => error_page(&ctx, AppError::NotFound),
        },
        Err(e) => error_page(&ctx, e),
    }
}

/// `GET /mis-ofertas/{bid}/prueba.json`: the inclusion proof, after the deadline.
pub async fn proof_file(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(bid): PagePath<i64>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    match bids::inclusion_proof(&app, &user, bid).await {
        Ok(p) => json_download(
            &format!("prueba-inclusion-{bid}.json"),
            serde_json::to_string_pretty(&p).unwrap_or_default(),
        ),
        Err(e) => error_page(&ctx, e),
    }
}

// ---------------------------------------------------------------------------------------
// Receipt check

/// The receipt check form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    receipt: String,
    proof: String,
}

fn render_verify(
    ctx: &PageContext,
    form: &VerifyForm,
    outcome: Option<Vec<String>>,
    errors: &[FieldError],
) -> Response {
    let title = ctx.t("receipt-check-title");
    let heading = title.clone();
    let lead = ctx.t("receipt-check-lead");
    let summary = error_summary(ctx, errors, None);
    let receipt = text_area(ctx, "receipt", form.receipt.clone(), errors, 10);
    let proof = text_area(ctx, "proof", form.proof.clone(), errors, 8);
    let submit = ctx.t("receipt-check-submit");
    let csrf = csrf_input(ctx);
    let outcome = outcome.map(|lines| {
        let items = lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view();
        view! { <section class="notice" role="status" aria-live="polite"><ul>{items}</ul></section> }
    });
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            {outcome}
            <form method="post" action="/recibos/verificar">
                {csrf}{receipt}{proof}
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /recibos/verificar`.
pub async fn verify_form(ctx: PageContext) -> Response {
    render_verify(&ctx, &VerifyForm::default(), None, &[])
}

/// `POST /recibos/verificar`.
pub async fn verify(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<VerifyForm>,
) -> Response {
    let receipt = match serde_json::from_str(form.receipt.trim()) {
        Ok(r) => r,
        Err(_) => {
            let e = FieldError::new("receipt", "receipt_unreadable");
            return render_verify(&ctx, &form, None, &[e]);
        }
    };
    let request = if form.proof.trim().is_empty() {
        VerifyRequest::Receipt(receipt)
    } else {
        match serde_json::from_str(form.proof.trim()) {
            Ok(proof) => VerifyRequest::WithProof { receipt, proof },
            Err(_) => {
                let e = FieldError::new("proof", "proof_unreadable");
                return render_verify(&ctx, &form, None, &[e]);
            }
        }
    };
    match bids::verify(&app, request).await {
        Ok(answer) => {
            let mut lines = vec![ctx.t(if answer.check.signature_valid {
                "receipt-check-signature-valid"
            } else {
                "receipt-check-signature-invalid"
            })];
            if answer.check.signature_valid {
                lines.push(ctx.t(if answer.check.on_record {
                    "receipt-check-on-record"
                } else {
                    "receipt-check-not-on-record"
                }));
            }
            if let Some(s) = &answer.check.status {
                lines.push(ctx.t(&format!("status-{s}")));
            }
            if let Some(included) = answer.included {
                lines.push(ctx.t(if included {
                    "receipt-check-included"
                } else {
                    "receipt-check-not-included"
                }));
            }
            render_verify(&ctx, &form, Some(lines), &[])
        }
        Err(e) => error_page(&ctx, e),
    }
}

// ---------------------------------------------------------------------------------------
// Opening passphrase

/// The opening passphrase form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PassphraseForm {
    passphrase: String,
    current_passphrase: String,
}

async fn render_key(app: &AppState, ctx: &PageContext, errors: &[FieldError]) -> Response {
    let user = match ctx.require_role(&[Role::Officer, Role::Auditor]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(ctx, e),
    };
    let has_key = match app
        .db
        .run(move |conn| backend::tenders::sealing::has_opening_key(conn, user.id))
        .await
    {
        Ok(h) => h,
        Err(e) => return error_page(ctx, e),
    };
    let title = ctx.t("opening-key-title");
    let heading = title.clone();
    let lead = ctx.t(if has_key {
        "opening-key-change-lead"
    } else {
        "opening-key-lead"
    });
    let summary = error_summary(ctx, errors, None);
    let current = has_key.then(|| {
        text_field(
            ctx,
            Field {
                name: "current_passphrase",
                input_type: "password",
                value: String::new(),
                autocomplete: "current-password",
                errors,
                hint: None,
            },
        )
    });
    let new = text_field(
        ctx,
        Field {
            name: "passphrase",
            input_type: "password",
            value: String::new(),
            autocomplete: "new-password",
            errors,
            hint: Some("opening-key-hint"),
        },
    );
    let submit = ctx.t("opening-key-submit");
    let csrf = csrf_input(ctx);
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            <h1>{heading}</h1>
            <p>{lead}</p>
            {summary}
            <form method="post" action="/cuenta/clave-apertura">
                {csrf}{current}{new}
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /cuenta/clave-apertura` (officers and auditors).
pub async fn key_form(State(app): State<AppState>, ctx: PageContext) -> Response {
    render_key(&app, &ctx, &[]).await
}

/// `POST /cuenta/clave-apertura`.
pub async fn set_key(
    State(app): State<AppState>,
    ctx: PageContext,
    PageForm(form): PageForm<PassphraseForm>,
) -> Response {
    let user = match ctx.require_role(&[Role::Officer, Role::Auditor]) {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    let current = (!form.current_passphrase.is_empty()).then_some(form.current_passphrase.as_str());
    match backend::tenders::sealing::set_opening_passphrase(&app, &user, &form.passphrase, current)
        .await
    {
        Ok(()) => redirect(&ctx, "/cuenta?aviso=opening-key-set"),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_key(&app, &ctx, &errors).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}

// ---------------------------------------------------------------------------------------
// The opening

/// The share form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShareForm {
    passphrase: String,
}

async fn render_opening(
    app: &AppState,
    ctx: &PageContext,
    id: i64,
    errors: &[FieldError],
    shown: Option<&str>,
) -> Response {
    let now = app.clock.now_db();
    let viewer = ctx.user.clone();
    let status = match app
        .db
        .run(move |conn| opening::status(conn, viewer.as_ref(), id, now))
        .await
    {
        Ok(s) => s,
        Err(e) => return error_page(ctx, e),
    };
    let tz = app.settings.timezone;
    let title = ctx.t_args("opening-title", &[("title", status.title.clone())]);
    let heading = title.clone();
    let back = format!("/licitaciones/{id}");
    let back_text = ctx.t("opening-back");
    let back_text_here = ctx.t("opening-crumb");
    let state_line = ctx.t_args(
        &format!("opening-state-{}", status.status.replace('_', "-")),
        &[
            ("time", local_time(status.opening_at, tz)),
            ("needed", status.still_needed.to_string()),
            ("threshold", status.threshold.to_string()),
        ],
    );
    let members = status
        .members
        .iter()
        .map(|m| {
            let state = ctx.t(if m.present {
                "opening-member-present"
            } else {
                "opening-member-absent"
            });
            view! { <li>{m.name.clone()}": "{state}</li> }
        })
        .collect_view();
    let members_heading = ctx.t("opening-members");
    let root = frozen_root(ctx, status.merkle_root.as_deref(), status.leaf_count);
    let no_bids = status.status == "no_bids";
    let summary = error_summary(ctx, errors, None);
    let shown = notice(ctx, shown);
    let share_form = status.caller_may_contribute.then(|| {
        let field = text_field(
            ctx,
            Field {
                name: "passphrase",
                input_type: "password",
                value: String::new(),
                autocomplete: "current-password",
                errors,
                hint: Some("opening-share-hint"),
            },
        );
        let submit = ctx.t("opening-share-submit");
        let action = format!("/licitaciones/{id}/apertura");
        let csrf = csrf_input(ctx);
        view! {
            <form method="post" action=action>{csrf}{field}<button type="submit">{submit}</button></form>
        }
    });
    let transcript = status.transcript.as_ref().map(|t| {
        let heading = ctx.t("transcript-heading");
        let facts = ctx.t_args(
            "transcript-facts",
            &[
                ("time", local_time(t.opened_at, tz)),
                ("members", t.members_present.join(", ")),
                ("count", t.leaf_count.to_string()),
            ],
        );
        let root_state = ctx.t(if t.root_matches {
            "transcript-root-matches"
        } else {
            "transcript-root-differs"
        });
        let (c_bidder, c_result, c_prices, c_docs) = (
            ctx.t("transcript-bidder"),
            ctx.t("transcript-result"),
            ctx.t("transcript-prices"),
            ctx.t("field-documents"),
        );
        let rows = t
            .bids
            .iter()
            .map(|b| {
                let bidder = format!("{} ({})", b.supplier_name, b.supplier_ruc);
                let result = ctx.t(&format!("result-{}", b.result));
                let prices = b
                    .prices
                    .iter()
                    .map(|p| {
                        let text = ctx.t_args(
                            "transcript-price",
                            &[
                                ("lot", p.lot.to_string()),
                                ("amount", backend::domain::money_shown(&p.currency, &p.amount)),
                            ],
                        );
                        view! { <li>{text}</li> }
                    })
                    .collect_view();
                let docs = b
                    .documents
                    .iter()
                    .map(|d| view! { <li>{d.name.clone()}" "<code class="hash">{d.sha256.clone()}</code></li> })
                    .collect_view();
                view! {
                    <tr><td>{bidder}</td><td>{result}</td><td><ul>{prices}</ul></td><td><ul>{docs}</ul></td></tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="transcript-heading">
                <h2 id="transcript-heading">{heading}</h2>
                <p>{facts}</p>
                <p>{root_state}</p>
                {data_table(t.bids.len(), Some(view! { <th scope="col">{c_bidder}</th><th scope="col">{c_result}</th><th scope="col">{c_prices}</th><th scope="col">{c_docs}</th> }), rows)}
            </section>
        }
    });
    page(
        ctx,
        form_status(errors),
        &title,
        view! {
            {crate::layout::breadcrumbs(ctx, vec![(back.clone(), status.title.clone())], &back_text_here)}
            {shown}
            <h1>{heading}</h1>
            <p><a href=back>{back_text}</a></p>
            {summary}
            <p>{state_line}</p>
            {root}
            {(!no_bids).then(|| view! { <h2>{members_heading}</h2><ul>{members}</ul> })}
            {share_form}
            {transcript}
        },
    )
}

/// `GET /licitaciones/{id}/apertura`: the opening's state and, once opened, the transcript.
pub async fn opening_page(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    Query(n): Query<Notice>,
) -> Response {
    render_opening(&app, &ctx, id, &[], n.aviso.as_deref()).await
}

/// `POST /licitaciones/{id}/apertura`: a committee member gives their share.
pub async fn give_share(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ShareForm>,
) -> Response {
    let user = match ctx.require_user() {
        Ok(u) => u.clone(),
        Err(e) => return error_page(&ctx, e),
    };
    match opening::contribute(&app, &user, id, &form.passphrase).await {
        Ok(_) => redirect(
            &ctx,
            &format!("/licitaciones/{id}/apertura?aviso=share-given"),
        ),
        Err(e) => match form_errors(e) {
            Ok(errors) => render_opening(&app, &ctx, id, &errors, None).await,
            Err(e) => error_page(&ctx, e),
        },
    }
}
