//! Tender pages: the public search (`/licitaciones`) and tender page with its documents,
//! questions, amendments and a countdown computed on the server; the officer's drafting form,
//! uploads, publication, answers, amendment and cancellation; the supplier's question form,
//! following and alert subscriptions. Every form works without JavaScript.

use crate::layout::{card_table, data_table, short_hash};
use axum::{
    extract::{Multipart, Query, State, multipart::MultipartRejection},
    http::StatusCode,
    response::Response,
};
use backend::domain::TenderStatus;
use backend::{
    AppError, AppState,
    accounts::{self, Buyer},
    catalogue,
    domain::Role,
    domain::money_shown,
    error::{FieldError, RequestPart, UnreadableReason},
    tenders::{
        self, AlertSubscriptions, AmendmentInput, Category, CriterionInput, LotInput, Method,
        Tender, TenderInput, TenderQuery,
    },
};
use chrono::NaiveDateTime;
use leptos::prelude::*;
use serde::Deserialize;

use super::Notice;
use crate::{
    context::{NoFields, PageContext},
    extract::{PageForm, PagePath},
    layout::{
        Field, csrf_input, error_summary, form_errors, form_status, local_deadline, local_time,
        notice, page, pagination, plain_field, redirect, select_field, suggesting_field, text_area,
        text_field,
    },
    outcome::{OrPage, PageFailure, PageResult},
};

fn method_name(ctx: &PageContext, m: Method) -> String {
    ctx.t(&format!("method-{}", m.code().replace('_', "-")))
}

fn category_name(ctx: &PageContext, c: Category) -> String {
    ctx.t(&format!("category-{}", c.code()))
}

fn status_name(ctx: &PageContext, status: TenderStatus) -> String {
    ctx.t(&format!("status-{}", status.code().replace('_', "-")))
}

fn classification_name(ctx: &PageContext, code: &str) -> String {
    code.get(..2)
        .and_then(catalogue::segment)
        .map(|s| format!("{code} — {}", s.name(ctx.lang)))
        .unwrap_or_else(|| code.to_owned())
}

/// "Closes in 3 days 4 hours" (or "closed"), computed when the page is rendered.
pub fn remaining(ctx: &PageContext, deadline: NaiveDateTime, now: NaiveDateTime) -> String {
    remaining_as(ctx, "tender-remaining", deadline, now)
}

fn remaining_as(
    ctx: &PageContext,
    key: &str,
    deadline: NaiveDateTime,
    now: NaiveDateTime,
) -> String {
    if now >= deadline {
        return ctx.t("tender-deadline-passed");
    }
    let left = deadline - now;
    ctx.t_args(
        key,
        &[
            ("days", left.num_days().to_string()),
            ("hours", (left.num_hours() % 24).to_string()),
            ("minutes", (left.num_minutes() % 60).to_string()),
        ],
    )
}

mod actions;
mod alerts;
mod amend;
mod detail;
mod draft;
mod search;

pub use actions::*;
pub use alerts::*;
pub use amend::*;
pub use detail::*;
pub use draft::*;
pub use search::*;
