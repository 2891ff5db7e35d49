//! The forms after the opening, for the people who act on a tender: the buyer's officers
//! evaluate each bid (admissibility, scores), award each lot with a justification for every
//! red flag, decide complaints, and record the contract and its modifications; a bidder
//! files a complaint during the standstill. Each form re-shows what was typed with an error
//! summary naming the fields, and works without JavaScript.

use std::collections::BTreeMap;

use axum::{
    extract::{Multipart, Query, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use backend::{
    AppError, AppState,
    auth::CurrentUser,
    awards::{
        self, AwardInput, AwardPreview, DISQUALIFICATION_GROUNDS, EvaluationInput, EvaluationSheet,
        RankedBid, ScoreInput,
        complaints::{self, ComplaintView, DecisionInput, MAX_ATTACHMENTS},
        contracts::{self, ContractInput, ModificationInput},
        oversight::{self, AwardView},
    },
    bids::opening,
    domain::Role,
    domain::money_shown,
    error::FieldError,
    http::download_response,
};
use leptos::prelude::*;

use super::{
    Notice,
    awards::{attached_documents, award_facts, award_outcome, ranking_table},
};
use crate::{
    context::{MultipartForm, PageContext, read_multipart},
    extract::{PageForm, PagePath},
    layout::{
        Field, csrf_input, error_summary, form_errors, form_status, local_time, notice, page,
        redirect, select_field, text_area, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// A posted form read as name → value (forms whose field names carry a number or a code).
type Posted = BTreeMap<String, String>;

fn posted(form: &Posted, name: &str) -> String {
    form.get(name).cloned().unwrap_or_default()
}

/// What a page shows of the award it acts on: the lot, the outcome and the standstill.
fn award_summary(ctx: &PageContext, tz: chrono_tz::Tz, a: &AwardView) -> impl IntoView + use<> {
    let tender = format!("{} — {}", a.ocid, a.title);
    let href = format!("/licitaciones/{}/adjudicacion", a.tender_id);
    let outcome = award_outcome(ctx, a);
    let status = format!(
        "{} — {}",
        ctx.t(&format!("award-status-{}", a.status)),
        award_facts(ctx, tz, a)
    );
    view! { <p><a href=href>{tender}</a></p><p>{outcome}</p><p>{status}</p> }
}

fn documents_field(
    ctx: &PageContext,
    hint: &'static str,
    errors: &[FieldError],
) -> impl IntoView + use<> {
    let label = ctx.t("field-documents");
    let hint = ctx.t(hint);
    let error = errors
        .iter()
        .find(|e| e.field == "documents")
        .map(|e| e.message(ctx.lang));
    let invalid = error.is_some();
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for="f-documents">{label}</label>
            <p class="hint" id="f-documents-hint">{hint}</p>
            {error.map(|e| view! { <p class="field-error" id="f-documents-error">{e}</p> })}
            <input type="file" id="f-documents" name="documents" multiple=true aria-describedby="f-documents-hint"/>
        </div>
    }
}

/// The read limit of a form with attachments: every allowed file at its largest.
fn attachments_limit(app: &AppState) -> u64 {
    app.settings.upload_max_bytes * MAX_ATTACHMENTS as u64
}

fn too_large(app: &AppState) -> AppError {
    AppError::TooLarge(
        FieldError::new("documents", "file_too_large")
            .arg("max", app.settings.upload_max_bytes / (1024 * 1024)),
    )
}

/// A form page: the status follows the errors, the summary leads the form.
fn form_page(
    ctx: &PageContext,
    title: &str,
    errors: &[FieldError],
    intro: impl IntoView + 'static,
    form: impl IntoView + 'static,
) -> Response {
    let heading = title.to_owned();
    let summary = error_summary(ctx, errors, None);
    page(
        ctx,
        form_status(errors),
        title,
        view! { <h1>{heading}</h1>{intro}{summary}{form} },
    )
}

mod appeals;
mod award;
mod contract;
mod evaluation;

pub use appeals::*;
pub use award::*;
pub use contract::*;
pub use evaluation::*;
