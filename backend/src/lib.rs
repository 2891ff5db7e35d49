//! Licita's backend: domain, persistence, JSON API and background jobs. No HTML.
//!
//! Reading order: [`config`] → [`db`] → [`error`] → [`domain`] → [`passwords`] → [`auth`] → [`audit`] →
//! [`mail`] → [`accounts`] → [`suppliers`] → [`tenders`] → [`bids`] → [`awards`] → [`api`]. The frontend crate calls the same service functions
//! ([`accounts`], [`suppliers`], [`audit`]) that the API handlers call.

pub mod accounts;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod awards;
pub mod bids;
pub mod blobs;
pub mod catalogue;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod keys;
pub mod mail;
pub mod merkle;
pub mod panel;
pub mod passwords;
#[expect(
    missing_docs,
    reason = "diesel::table! generates undocumented column types"
)]
pub mod schema;
pub mod seed;
pub mod suppliers;
pub mod tenders;
pub mod throttle;

#[cfg(test)]
mod architecture;

pub use app::{App, AppState};
pub use error::AppError;
