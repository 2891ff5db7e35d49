//! The receipt check anyone can run, with or without an inclusion proof. It takes what Licita
//! hands out: the receipt (*Mis ofertas*) or the bidder's copy made at sealing, a reverse
//! auction's lance receipt or its signed transcript, pasted or uploaded as a file (the form
//! is multipart; a urlencoded post of pasted text works too).

use super::*;
use axum::extract::{FromRequest, Request};
use backend::auction::AnyReceipt;

/// Largest kept file the check reads (a copy is a few kilobytes).
const KEPT_FILE_LIMIT: u64 = 256 * 1024;

/// The receipt check form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    pub(super) receipt: String,
    pub(super) proof: String,
    /// What was wrong with the uploaded file (not text — a PDF, an image — or too large): it
    /// is named, never shown.
    #[serde(skip)]
    pub(super) file_error: Option<&'static str>,
}

pub(super) fn render_verify(
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
    let file_label = ctx.t("field-receipt-file");
    let file_hint = ctx.t("hint-receipt-file");
    let file_error = errors
        .iter()
        .find(|e| e.field == "receipt_file")
        .map(|e| e.message(ctx.lang));
    let file_invalid = file_error.is_some();
    let file_described = if file_invalid {
        "f-receipt_file-hint f-receipt_file-error"
    } else {
        "f-receipt_file-hint"
    };
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
            <form method="post" action="/recibos/verificar" enctype="multipart/form-data">
                {csrf}{receipt}
                <div class="field" class:field-invalid=file_invalid>
                    <label for="f-receipt_file">{file_label}</label>
                    <p class="hint" id="f-receipt_file-hint">{file_hint}</p>
                    {file_error.map(|e| view! { <p class="field-error" id="f-receipt_file-error">{e}</p> })}
                    <input type="file" id="f-receipt_file" name="receipt_file" accept=".json,application/json"
                        aria-describedby=file_described aria-invalid=file_invalid.then_some("true")
                        autofocus=file_invalid/>
                </div>
                {proof}
                <button type="submit">{submit}</button>
            </form>
        },
    )
}

/// `GET /recibos/verificar`.
pub async fn verify_form(ctx: PageContext) -> PageResult {
    Ok(render_verify(&ctx, &VerifyForm::default(), None, &[]))
}

/// The form as posted: multipart (with an uploaded file, which wins over pasted text) or
/// urlencoded.
async fn read_form(app: &AppState, ctx: &PageContext, request: Request) -> PageResult<VerifyForm> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"multipart/"));
    if !multipart {
        return PageForm::<VerifyForm>::from_request(request, app)
            .await
            .map(|PageForm(form)| form);
    }
    let parts = Multipart::from_request(request, app).await;
    let posted = read_multipart(ctx, parts, &app.settings.data_dir, KEPT_FILE_LIMIT)
        .await
        .or_page(ctx)?;
    let mut form = VerifyForm {
        receipt: posted.value("receipt"),
        proof: posted.value("proof"),
        file_error: None,
    };
    if posted.too_large {
        form.receipt = String::new();
        form.file_error = Some("receipt_file_too_large");
    } else if let Some(file) = posted.files.first() {
        // A receipt or a copy is UTF-8 JSON; anything else (a PDF, a photo) is not echoed
        // back into the form as bytes.
        match file.file.read_all().map(String::from_utf8) {
            Ok(Ok(text)) if !text.contains('\0') && !text.starts_with("%PDF") => {
                form.receipt = text;
            }
            Ok(_) => {
                form.receipt = String::new();
                form.file_error = Some("receipt_file_not_text");
            }
            Err(e) => {
                return Err(PageFailure::new(
                    ctx,
                    AppError::internal(format!("read an uploaded receipt: {e}")),
                ));
            }
        }
    }
    Ok(form)
}

/// What a check found, in words: the signature, then (when it holds) whether what it signs
/// is on record, in the words `record` gives (a bid's, or an auction's).
fn checked_lines(
    ctx: &PageContext,
    check: &bids::ReceiptCheck,
    record: (&str, &str),
) -> Vec<String> {
    let mut lines = vec![ctx.t(if check.signature_valid {
        "receipt-check-signature-valid"
    } else {
        "receipt-check-signature-invalid"
    })];
    if check.signature_valid {
        lines.push(ctx.t(if check.on_record { record.0 } else { record.1 }));
    }
    lines
}

/// `POST /recibos/verificar`.
pub async fn verify(State(app): State<AppState>, ctx: PageContext, request: Request) -> PageResult {
    let form = read_form(&app, &ctx, request).await?;
    if let Some(code) = form.file_error {
        let e = FieldError::new("receipt_file", code);
        return Ok(render_verify(&ctx, &form, None, &[e]));
    }
    // A reverse auction's lance receipt or signed transcript, checked by the same page.
    if let Ok(any @ (AnyReceipt::Lance(_) | AnyReceipt::AuctionTranscript(_))) =
        serde_json::from_str::<AnyReceipt>(form.receipt.trim().trim_start_matches('\u{feff}'))
    {
        let answer = backend::auction::verify_any(&app, any)
            .await
            .or_page(&ctx)?;
        let mut lines = checked_lines(
            &ctx,
            &answer.check,
            (
                "receipt-check-auction-on-record",
                "receipt-check-auction-not-on-record",
            ),
        );
        if let (Some(all), Some(valid)) = (answer.lances, answer.lances_valid) {
            lines.push(ctx.t_args(
                "receipt-check-lances",
                &[("valid", valid.to_string()), ("all", all.to_string())],
            ));
        }
        return Ok(render_verify(&ctx, &form, Some(lines), &[]));
    }
    let receipt = match bids::receipts::read_kept(&form.receipt) {
        Some(r) => r,
        None => {
            let e = FieldError::new("receipt", "receipt_unreadable");
            return Ok(render_verify(&ctx, &form, None, &[e]));
        }
    };
    let request = if form.proof.trim().is_empty() {
        VerifyRequest::Receipt(receipt)
    } else {
        match serde_json::from_str(form.proof.trim()) {
            Ok(proof) => VerifyRequest::WithProof(bids::ReceiptWithProof { receipt, proof }),
            Err(_) => {
                let e = FieldError::new("proof", "proof_unreadable");
                return Ok(render_verify(&ctx, &form, None, &[e]));
            }
        }
    };
    let summary = bids::copy_summary(&form.receipt);
    let receipt_of_copy = match &request {
        VerifyRequest::Receipt(r)
        | VerifyRequest::WithProof(bids::ReceiptWithProof { receipt: r, .. })
        | VerifyRequest::Copy { receipt: r, .. } => r.clone(),
    };
    let answer = bids::verify(&app, request).await.or_page(&ctx)?;
    let mut lines = checked_lines(
        &ctx,
        &answer.check,
        ("receipt-check-on-record", "receipt-check-not-on-record"),
    );
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
    // A copy lists prices beside its receipt: what the signature does not cover is
    // said, and checked against the opened bid once there is one.
    if let Some(summary) = summary.filter(|_| answer.check.signature_valid) {
        let checked = bids::check_copy(&app, &receipt_of_copy, &summary).await;
        let said = match checked.or_page(&ctx)? {
            bids::CopyCheck::NotThisBid => "receipt-copy-not-this-bid",
            bids::CopyCheck::NotYetOpened => "receipt-copy-not-yet-opened",
            bids::CopyCheck::PricesMatch => "receipt-copy-prices-match",
            bids::CopyCheck::PricesDiffer => "receipt-copy-prices-differ",
        };
        lines.push(ctx.t(said));
    }
    Ok(render_verify(&ctx, &form, Some(lines), &[]))
}
