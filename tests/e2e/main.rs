//! End-to-end tests of the assembled server: real HTTP on port 0, real SQLite and PostgreSQL,
//! a real SMTP server, headless Chromium. All compile into this one test binary.

mod auction;
mod audit_log;
mod auth;
mod award_pages;
mod awards;
mod bids;
mod browser;
mod build;
mod catalogue;
mod cli;
mod demo_story;
mod email;
mod escaping;
mod hostile;
mod money;
mod open_data;
mod pages;
mod procedure;
mod round_trip;
mod schema_parity;
mod schemathesis;
mod search;
mod small_screens;
mod suppliers;
mod support;
mod tenders;
mod transparency;
