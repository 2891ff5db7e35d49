//! The receipt check anyone can run, with or without an inclusion proof.

use super::*;

/// The receipt check form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyForm {
    pub(super) receipt: String,
    pub(super) proof: String,
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
