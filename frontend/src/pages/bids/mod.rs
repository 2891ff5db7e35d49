//! Sealed-bid pages: the supplier's bid form (submit or replace, sealed on receipt), withdraw
//! and re-confirm, "my bids" with receipts and inclusion proofs, the public receipt check,
//! the committee member's opening passphrase, and the opening page with its transcript.
//! Every form works without JavaScript.

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
        Field, csrf_input, error_summary, form_errors, form_status, local_time, notice, page,
        redirect, text_area, text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

/// The sealed-bids section of a tender page: the recipient, the frozen root and the links.
pub fn tender_section(
    ctx: &PageContext,
    tender: &Tender,
    sealing: Option<&Sealing>,
    company_cleared: bool,
) -> Option<impl IntoView + use<>> {
    let sealing = sealing?;
    let heading = ctx.t("bids-section-heading");
    let lead = ctx.t("bids-section-lead");
    let recipient_label = ctx.t("bids-recipient");
    let recipient = sealing.recipient.clone();
    let root = frozen_root(ctx, sealing.merkle_root.as_deref(), sealing.leaf_count);
    let bid_link = (ctx.user.as_ref().is_some_and(|u| u.role == Role::Supplier)
        && company_cleared
        && tender.allows(backend::procedure::Action::Bid))
    .then(|| {
        let href = format!("/licitaciones/{}/oferta", tender.id);
        let text = ctx.t("bids-submit-link");
        view! { <p><a class="button" href=href>{text}</a></p> }
    });
    let opening_href = format!("/licitaciones/{}/apertura", tender.id);
    let opening_text = ctx.t("bids-opening-link");
    let awards_href = format!("/licitaciones/{}/adjudicacion", tender.id);
    let awards_text = ctx.t("awards-title");
    // The buyer's officers evaluate and award once the bids are open (or the procedure
    // moved a tender without bids to evaluation); auditors read along.
    let evaluation = ((sealing.opened_at.is_some()
        || tender.allows(backend::procedure::Action::Evaluate))
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

mod committee;
mod mine;
mod passphrase;
mod submission;
mod verify;

pub use committee::*;
pub use mine::*;
pub use passphrase::*;
pub use submission::*;
pub use verify::*;
