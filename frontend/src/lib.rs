//! Licita's pages: Leptos 0.8 components rendered on the server, forms as real
//! `<form method="post">` answered with a redirect (post/redirect/get). Every page works with
//! JavaScript disabled, in Spanish (default) and English.
//!
//! This crate holds no SQL: handlers call the backend's service functions, the same the JSON
//! API calls. Reading order: [`context`] (who is asking, in which language, CSRF) →
//! [`layout`] (shell and form parts) → [`outcome`] (a handler's failure is the error page) →
//! [`extract`] (bad requests answered with the error page) → [`pages`].

pub mod context;
pub mod extract;
pub mod layout;
pub mod outcome;
pub mod pages;

pub use pages::router;
