//! Licita's backend: domain, persistence, JSON API and background jobs. No HTML.
//!
//! The modules stand on floors (see `ARCHITECTURE.md`; a test keeps the arrows pointing
//! down): infrastructure ([`i18n`], [`error`], [`clock`], [`schema`], [`merkle`], [`domain`],
//! [`db`], [`catalogue`], [`config`], [`passwords`], [`throttle`]) → [`keys`] → [`blobs`] →
//! [`mail`] → [`app`] → [`http`] → [`audit`] → [`auth`] → [`procedure`] → the domain in the order of a
//! tender's life ([`accounts`] → [`suppliers`] → [`tenders`] → [`bids`] → [`auction`] →
//! [`awards`]) →
//! [`jobs`], [`panel`], [`seed`] → [`api`]. The frontend crate calls the domain's operations,
//! as [`api`] does, and never [`api`] itself.

pub mod accounts;
pub mod api;
pub mod app;
pub mod auction;
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
pub mod framework;
pub mod http;
pub mod i18n;
pub mod jobs;
pub mod keys;
pub mod live;
pub mod mail;
pub mod merkle;
pub mod ocds;
pub mod panel;
pub mod passwords;
pub mod procedure;
pub mod projection;
#[expect(
    missing_docs,
    reason = "diesel::table! generates undocumented column types"
)]
pub mod schema;
pub mod search_index;
pub mod seed;
pub mod suppliers;
pub mod tenders;
pub mod throttle;
pub mod transparency;

#[cfg(test)]
mod architecture;

pub use app::{App, AppState};
pub use error::AppError;
