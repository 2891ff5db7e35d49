//! Domain values that can be wrong are types that can only be built valid ("parse, don't
//! validate"). Parsing happens once, at the edge (API body, form, CLI, fixtures); services take
//! these types and never re-check them. Each parser reports a [`FieldError`] naming the field.

mod account;
pub mod calendar;
mod ids;
mod money;
pub mod procurement;
mod ruc;
mod status;
pub mod text;
pub mod utc;
mod words;

pub use account::{EmailAddress, NewPassword, Role};
pub use calendar::Calendar;
pub use ids::{
    AgreementId, AwardId, BidId, BuyerId, ComplaintId, ContractId, LotId, OfferId, ProductId,
    SupplierId, TenderId, UserId,
};
pub use money::{Currency, Money, shown as money_shown};
pub use procurement::{AwardCriteria, Category, Method};
pub use ruc::{Ruc, check_digit as ruc_check_digit};
pub use status::{
    AwardStatus, BidStatus, ComplaintStatus, ContractStatus, Evaluation, FindingStatus,
    OpeningState, OutboxStatus, RegistrationStatus, SupplierStanding, TenderStatus,
};
pub use text::BoundedText;

use crate::error::FieldError;

/// Parses an optional language code submitted as `field`: empty or absent means Spanish.
pub fn parse_locale(code: Option<&str>, field: &str) -> Result<crate::i18n::Lang, FieldError> {
    match code.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(crate::i18n::Lang::Es),
        Some(code) => crate::i18n::Lang::from_code(code)
            .ok_or_else(|| FieldError::new(field, "invalid_locale")),
    }
}

/// Collects field errors from several parses so a form can show all of them at once.
#[derive(Debug, Default)]
pub struct Validator(Vec<FieldError>);

impl Validator {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value, or records the error and yields `None`.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// Records an error directly.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// `Ok` when nothing failed, else every error.
    pub fn finish(self) -> Result<(), crate::error::AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(crate::error::AppError::Validation(self.0))
        }
    }
}

/// Deserialises a field that a client may send as text (`"60"`, what a form sends) or as the
/// JSON number an answer of the API shows (`60`): either is kept as text for its parser, so
/// what a client read can be sent back unchanged.
pub fn text_or_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(match serde::Deserialize::deserialize(deserializer)? {
        TextOrNumber::Text(text) => text,
        TextOrNumber::Number(n) => n.to_string(),
    })
}
