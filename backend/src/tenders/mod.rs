//! Tenders (convocatorias): an officer of a buyer entity drafts one with its lots, award
//! criteria, schedule, opening committee and documents; publication validates it against the
//! rules of its method and gives it an OCDS ocid; after that it changes only through public
//! amendments (addenda) or a cancellation. Suppliers ask questions (consultas) while enquiries
//! are open; officers answer them publicly without naming the asker.
//!
//! Stored statuses move on with the clock ([`advance_statuses`], run by a background task);
//! every rule also checks the time itself ([`effective_status`]), so nothing depends on
//! when the task last ran. Each change writes its audit event on the chain `tender:<id>` and
//! queues its emails in the same write transaction.

mod alerts;
mod amendments;
pub mod documents;
mod draft;
mod enquiries;
mod input;
mod lifecycle;
mod lists;
pub mod notes;
pub mod sealing;
pub mod search;
mod terms_lock;
mod view;

pub use draft::*;
pub use input::*;
pub use lifecycle::*;
pub use lists::*;
pub use view::*;

pub use crate::domain::procurement::{
    AwardCriteria, Category, Method, effective_status, lima_date, lima_input_value,
    lima_local_to_rfc3339, parse_instant,
};
pub use alerts::{
    AlertSubscriptions, alert_subscriptions, alert_subscriptions_in, set_alert_subscriptions,
};
pub use amendments::{AmendmentInput, amend, amend_in, latest_material_amendment};
pub use documents::{attach_document, open_document, receive_document};
pub use enquiries::{answer, answer_in, ask, ask_in, follow, follow_in, is_following};
pub use search::{TenderPage, TenderQuery, TenderSummary, search, search_in};
pub use terms_lock::{exclusive_deadline_lock, share_deadline_lock};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    app::AppState,
    audit::{self, Actor, NewEvent},
    auth::CurrentUser,
    catalogue,
    config::Settings,
    db::{DbConnection, write_transaction},
    domain::{BoundedText, Currency, Money, Role, Validator, utc},
    error::{AppError, FieldError},
    schema::{
        buyers, tender_amendments, tender_committee, tender_criteria, tender_documents,
        tender_enquiries, tender_lots, tenders, users,
    },
};

/// Title: 10 to 300 characters.
pub type Title = BoundedText<10, 300>;
/// Description: 20 to 10,000 characters.
pub type Description = BoundedText<20, 10_000>;
/// Lot title or criterion name: 3 to 200 characters.
pub type ShortTitle = BoundedText<3, 200>;
/// Unit of measure: 1 to 30 characters.
pub type Unit = BoundedText<1, 30>;
/// Rationale, ground, question or answer: 10 to 4,000 characters.
pub type Statement = BoundedText<10, 4_000>;

/// Most lots per tender.
pub const MAX_LOTS: usize = 50;
/// Most quality criteria per tender.
pub const MAX_QUALITY_CRITERIA: usize = 10;
/// Largest committee.
pub const MAX_COMMITTEE: usize = 20;
