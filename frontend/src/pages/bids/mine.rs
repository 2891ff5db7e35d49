//! My bids: the company's bids with their receipts, and the receipt and proof files.

use super::*;
use backend::domain::{BidId, BidStatus};

/// `GET /mis-ofertas`: the company's bids with their receipts.
pub async fn mine(
    State(app): State<AppState>,
    ctx: PageContext,
    Query(n): Query<Notice>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    let list = bids::my_bids(&app, &user, None).await.or_page(&ctx)?;
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
            let proof = (!b.tender_open && b.status == BidStatus::Submitted).then(|| {
                let href = format!("/mis-ofertas/{}/prueba.json", b.id);
                let text = ctx.t("my-bids-download-proof");
                view! { <a href=href>{text}</a> }
            });
            let actions = (b.tender_open && b.status == BidStatus::Submitted).then(|| {
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
            // The auctions it takes part in: their pages, where it bids its price down.
            let auctions = (!b.auctions.is_empty()).then(|| {
                let links = b
                    .auctions
                    .iter()
                    .map(|a| {
                        let href = format!("/subastas/{}", a.auction_id);
                        let text = ctx.t_args("tender-auction-link", &[("lot", a.lot.to_string())]);
                        view! { <li><a href=href>{text}</a></li> }
                    })
                    .collect_view();
                view! { <ul class="auctions">{links}</ul> }
            });
            view! {
                <article id=anchor>
                    <h2><a href=tender_href>{heading}</a></h2>
                    <p class=outcome_class>{outcome}</p>
                    <p>{status}</p>
                    {result}
                    {auctions}
                    {documents}
                    <p class="receipt">{receipt}</p>
                    <p><a href=download>{download_text}</a>" "{proof}</p>
                    {actions}
                </article>
            }
        })
        .collect_view();
    let verify_text = ctx.t("receipt-check-link");
    Ok(page(
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
    ))
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

pub(super) fn json_download(name: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    // A bidder's own receipt and proof: no shared cache (a telecentre's proxy) may keep them.
    headers.insert(
        header::CACHE_CONTROL,
        backend::http::Audience::Restricted.cache_control(),
    );
    response
}

/// `GET /mis-ofertas/{bid}/constancia.json`: the signed receipt, to keep.
pub async fn receipt_file(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(bid): PagePath<BidId>,
) -> PageResult {
    let user = ctx.require_role(&[Role::Supplier]).or_page(&ctx)?.clone();
    let list = bids::my_bids(&app, &user, None).await.or_page(&ctx)?;
    let Some(b) = list.into_iter().find(|b| b.id == bid) else {
        return Err(PageFailure::new(&ctx, AppError::NotFound));
    };
    Ok(json_download(
        &format!("constancia-oferta-{bid}.json"),
        serde_json::to_string_pretty(&b.receipt).unwrap_or_default(),
    ))
}

/// `GET /mis-ofertas/{bid}/prueba.json`: the inclusion proof, after the deadline.
pub async fn proof_file(
    State(app): State<AppState>,
    ctx: PageContext,
    PagePath(bid): PagePath<BidId>,
) -> PageResult {
    let user = ctx.require_user().or_page(&ctx)?.clone();
    let p = bids::inclusion_proof(&app, &user, bid)
        .await
        .or_page(&ctx)?;
    Ok(json_download(
        &format!("prueba-inclusion-{bid}.json"),
        serde_json::to_string_pretty(&p).unwrap_or_default(),
    ))
}
