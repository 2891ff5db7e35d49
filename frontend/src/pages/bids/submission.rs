//! The bid form, its confirmation, and the sealed bid with the bidder's copy.

use super::*;
use backend::domain::{BidId, BidStatus, TenderId};

/// What the bid form shows filled in (empty on a first visit).
#[derive(Default)]
pub(super) struct BidFormState {
    pub(super) prices: Vec<(i32, String)>,
    pub(super) declarations: Vec<String>,
    pub(super) remove: Vec<String>,
    /// Files the bidder chose before the form came back: a browser cannot keep them chosen,
    /// so the form names them to be attached again.
    pub(super) reattach: Vec<String>,
}

pub(super) async fn load_bid_page(
    app: &AppState,
    ctx: &PageContext,
    id: TenderId,
) -> Result<(Tender, Vec<MyBid>), AppError> {
    let user = ctx.require_role(&[Role::Supplier])?.clone();
    let tender = tenders::view(app, Some(&user), id).await?;
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

pub(super) fn render_bid_form(
    ctx: &PageContext,
    tender: &Tender,
    mine: &[MyBid],
    form: &BidFormState,
    errors: &[FieldError],
    tz: chrono_tz::Tz,
) -> Response {
    let live = mine.iter().find(|b| b.status == BidStatus::Submitted);
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
            // A lot bid down in an auction: the sealed price is where the bidder starts.
            let hint = if lot.electronic_auction {
                format!("{price_hint} {}", ctx.t("bid-price-auction-hint"))
            } else {
                price_hint.clone()
            };
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
    let reattach = (!form.reattach.is_empty()).then(|| {
        let text = ctx.t_args("bid-reattach", &[("files", form.reattach.join(", "))]);
        view! { <p class="warning" role="status">{text}</p> }
    });
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
                    {reattach}
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
    PagePath(id): PagePath<TenderId>,
) -> PageResult {
    let (tender, mine) = load_bid_page(&app, &ctx, id).await.or_page(&ctx)?;
    // Past the deadline (or cancelled) the form would only be refused: say so instead (the
    // table's refusal for a bid, without the server time a refused bid is told).
    if !tender.allows(backend::procedure::Action::Bid) {
        return Err(PageFailure::new(
            &ctx,
            AppError::Validation(vec![
                FieldError::new("bid", "tender_not_taking_bids").arg("status", tender.status),
            ]),
        ));
    }
    Ok(render_bid_form(
        &ctx,
        &tender,
        &mine,
        &BidFormState::default(),
        &[],
        app.settings.timezone,
    ))
}

/// What a bid seals, as the confirmation page and the bidder's copy show it: each price in
/// figures and in words, the documents with size and SHA-256, the declarations.
pub(super) fn summary_view(
    ctx: &PageContext,
    tender: &Tender,
    summary: &BidSummary,
    sealed: bool,
) -> impl IntoView + use<> {
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
        // Before sealing it will replace; once sealed it has.
        let key = if sealed {
            "bid-sealed-replaced"
        } else {
            "bid-confirm-replaces"
        };
        let text = ctx.t_args(key, &[("bid", bid.to_string())]);
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

pub(super) fn render_confirmation(
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
    let shown = summary_view(ctx, tender, &pending.summary, false);
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
    PagePath(id): PagePath<TenderId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    // An ineligible company's upload is refused before it is read.
    backend::bids::may_bid(&app, &user, id)
        .await
        .or_page(&ctx)?;
    let limit = app.settings.bid_max_bytes;
    let form = read_multipart(&ctx, multipart, &app.settings.data_dir, limit)
        .await
        .or_page(&ctx)?;
    let mut state = BidFormState {
        prices: Vec::new(),
        declarations: Vec::new(),
        remove: Vec::new(),
        reattach: Vec::new(),
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
            replaces = value.parse::<BidId>().ok();
        } else if name == "remove_document" {
            state.remove.push(value);
        }
    }
    let (documents, too_large) = (form.files, form.too_large);
    state.reattach = documents.iter().map(|d| d.name.clone()).collect();
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
        Ok(pending) => {
            let (tender, _) = load_bid_page(&app, &ctx, id).await.or_page(&ctx)?;
            Ok(render_confirmation(&app, &ctx, &tender, &pending))
        }
        Err(e) => {
            let errors = form_errors(e).or_page(&ctx)?;
            let (tender, mine) = load_bid_page(&app, &ctx, id).await.or_page(&ctx)?;
            Ok(render_bid_form(
                &ctx,
                &tender,
                &mine,
                &state,
                &errors,
                app.settings.timezone,
            ))
        }
    }
}

/// The confirmation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SealForm {
    pub(super) token: String,
}

/// `POST /licitaciones/{id}/oferta/sellar`: the bidder confirms; the bid is recorded and the
/// answer is the bidder's copy (not a redirect: the copy exists only in this answer).
pub async fn seal(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(id): PagePath<TenderId>,
    PageForm(form): PageForm<SealForm>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    let token = form.token.trim().to_owned();
    let confirmed = confirmation::confirm(&app, &user, id, token).await;
    let (tender, mine) = load_bid_page(&app, &ctx, id).await.or_page(&ctx)?;
    match confirmed {
        Ok(confirmed) => Ok(render_sealed(&app, &ctx, &tender, &confirmed)),
        Err(e) => {
            let errors = form_errors(e).or_page(&ctx)?;
            Ok(render_bid_form(
                &ctx,
                &tender,
                &mine,
                &BidFormState::default(),
                &errors,
                app.settings.timezone,
            ))
        }
    }
}

/// `GET /licitaciones/{id}/oferta/sellar`: nothing to confirm by address; back to the form.
pub async fn seal_form(ctx: PageContext, PagePath(id): PagePath<TenderId>) -> Response {
    redirect(&ctx, &format!("/licitaciones/{id}/oferta"))
}

pub(super) fn render_sealed(
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
            let shown = summary_view(ctx, tender, summary, true);
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
    PagePath((id, bid)): PagePath<(TenderId, BidId)>,
    PageForm(_): PageForm<NoFields>,
) -> PageResult {
    change(app, ctx, id, bid, BidChange::Withdraw).await
}

/// `POST /licitaciones/{id}/oferta/{bid}/confirmar`.
pub async fn confirm(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath((id, bid)): PagePath<(TenderId, BidId)>,
    PageForm(_): PageForm<NoFields>,
) -> PageResult {
    change(app, ctx, id, bid, BidChange::Confirm).await
}

/// What a one-button form does to a live bid.
#[derive(Debug, Clone, Copy)]
pub(super) enum BidChange {
    Withdraw,
    Confirm,
}

pub(super) async fn change(
    app: AppState,
    ctx: PageContext,
    id: TenderId,
    bid: BidId,
    change: BidChange,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    let (done, result) = match change {
        BidChange::Withdraw => ("bid-withdrawn", bids::withdraw(&app, &user, id, bid).await),
        BidChange::Confirm => ("bid-confirmed", bids::confirm(&app, &user, id, bid).await),
    };
    result.or_page(&ctx)?;
    Ok(redirect(&ctx, &format!("/mis-ofertas?aviso={done}")))
}
