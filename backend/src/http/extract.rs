//! Extractors that read a request's path, query string and JSON body into typed values, and
//! turn every way they can fail into a problem document in the caller's language naming the
//! field ([`Unreadable`]), never a parser's text; a body over its limit is a 413.

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, RawPathParams, Request, rejection::PathRejection},
    http::{HeaderMap, header, request::Parts},
};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldError, RequestPart, Unreadable, UnreadableReason};

/// The default limit of a JSON body (axum's default body limit), in bytes.
pub const JSON_BODY_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Path parameters whose malformed values (`/suppliers/abc`) become a 400 problem naming the
/// parameter, before any query runs.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let names: Vec<String> = RawPathParams::from_request_parts(parts, state)
            .await
            .map(|raw| raw.iter().map(|(k, _)| k.to_owned()).collect())
            .unwrap_or_default();
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::Malformed(path_problem(&rejection, &names))),
        }
    }
}

fn path_problem(rejection: &PathRejection, names: &[String]) -> Unreadable {
    use axum::extract::path::ErrorKind;
    let field = match rejection {
        PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
            ErrorKind::ParseErrorAtKey { key, .. }
            | ErrorKind::DeserializeError { key, .. }
            | ErrorKind::InvalidUtf8InPathParam { key } => Some(key.clone()),
            ErrorKind::ParseErrorAtIndex { index, .. } => names.get(*index).cloned(),
            _ => None,
        },
        _ => None,
    }
    // A route with one parameter: that one.
    .or_else(|| match names {
        [only] => Some(only.clone()),
        _ => None,
    });
    Unreadable {
        part: RequestPart::Path,
        field,
        reason: UnreadableReason::Value,
    }
}

/// A query string read into `T` (serde_urlencoded), its errors naming the parameter.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parse_query(parts.uri.query().unwrap_or("")).map(Self)
    }
}

/// Reads a query string (without its `?`) into `T`.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer)
        .map_err(|e| AppError::Malformed(Unreadable::urlencoded(RequestPart::Query, e)))
}

/// A JSON body (declared `application/json`, at most [`JSON_BODY_MAX_BYTES`]) read into `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        if !declares_json(request.headers()) {
            return Err(AppError::Malformed(Unreadable::new(
                RequestPart::Body,
                UnreadableReason::ContentType,
            )));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge(
                        FieldError::new("body", "body_too_large")
                            .arg("max", JSON_BODY_MAX_BYTES / (1024 * 1024)),
                    )
                } else {
                    AppError::Malformed(Unreadable::new(
                        RequestPart::Body,
                        UnreadableReason::Interrupted,
                    ))
                }
            })?;
        parse_json(&bytes).map(Self)
    }
}

/// Does the request declare a JSON body (`application/json` or `application/*+json`)?
pub fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == "application"
                && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
        })
}

/// Reads a whole JSON document into `T`; trailing content after it is an error. A whole
/// number written with a fraction of zero (`8423.0`) is a whole number, as JSON Schema's
/// `integer` says: such a body is read a second time with those numbers made integers.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => value,
        Err(e) if e.inner().classify() == serde_json::error::Category::Data => {
            let first = AppError::Malformed(Unreadable::json(RequestPart::Body, e));
            return with_whole_numbers(bytes).ok_or(first);
        }
        Err(e) => return Err(AppError::Malformed(Unreadable::json(RequestPart::Body, e))),
    };
    deserializer
        .end()
        .map_err(|e| AppError::Malformed(Unreadable::json_at(RequestPart::Body, None, &e)))?;
    Ok(value)
}

/// `bytes` read as `T` once every integral float in it is an integer; `None` if that does
/// not help.
fn with_whole_numbers<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    fn whole(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
                // Whole and inside i64's range (the float is the number the client wrote,
                // to the 17 significant digits JSON numbers carry in practice).
                match n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18) {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "checked to be whole and in range"
                    )]
                    Some(f) => {
                        *value = serde_json::Value::from(f as i64);
                        true
                    }
                    None => false,
                }
            }
            // Every element is visited (no short cut): each may hold such a number.
            serde_json::Value::Array(items) => {
                items.iter_mut().map(whole).filter(|w| *w).count() > 0
            }
            serde_json::Value::Object(map) => {
                map.values_mut().map(whole).filter(|w| *w).count() > 0
            }
            _ => false,
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !whole(&mut value) {
        return None;
    }
    serde_json::from_value(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;
    use crate::i18n::Lang;

    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only deserialized")]
    struct Proof {
        tree_size: u64,
    }

    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only deserialized")]
    struct Verify {
        proof: Proof,
    }

    fn detail(error: AppError, lang: Lang) -> String {
        error.problem(lang).detail.unwrap_or_default()
    }

    #[test]
    fn json_errors_name_the_field_in_the_callers_language_without_parser_text() {
        let wrong =
            parse_json::<Verify>(br#"{"proof": {"tree_size": "many"}}"#).expect_err("refused");
        let es = detail(wrong.clone(), Lang::Es);
        assert!(
            es.contains("proof.tree_size") && es.contains("cuerpo"),
            "{es}"
        );
        let en = detail(wrong, Lang::En);
        assert!(
            en.contains("proof.tree_size") && en.contains("body"),
            "{en}"
        );
        for text in [&es, &en] {
            assert!(!text.contains("invalid type"), "{text}");
            assert!(!text.contains("deserialize"), "{text}");
        }
        let syntax = detail(
            parse_json::<Verify>(b"{\n  \"proof\": ").expect_err("refused"),
            Lang::En,
        );
        assert!(syntax.contains("ends too early"), "{syntax}");
        let syntax = detail(
            parse_json::<Verify>(b"{\n  x").expect_err("refused"),
            Lang::Es,
        );
        assert!(syntax.contains("línea 2"), "{syntax}");
        let trailing = detail(
            parse_json::<Verify>(br#"{"proof": {"tree_size": 1}} []"#).expect_err("refused"),
            Lang::En,
        );
        assert!(trailing.contains("not valid JSON"), "{trailing}");
        // JSON Schema's integer: 7.0 is 7; 7.5 is not.
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Owner {
            user_id: UserId,
        }
        assert_eq!(
            parse_json::<Owner>(br#"{"user_id": 7.0}"#).ok(),
            Some(Owner { user_id: UserId(7) })
        );
        assert!(parse_json::<Owner>(br#"{"user_id": 7.5}"#).is_err());
        assert_eq!(
            parse_json::<Vec<i64>>(b"[-263.0, 758, -2251799813685247.0]").ok(),
            Some(vec![-263, 758, -2_251_799_813_685_247])
        );
    }

    #[test]
    fn query_errors_say_query_not_body() {
        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "only deserialized")]
        struct Page {
            page: u32,
        }
        let es = detail(
            parse_query::<Page>("page=dos").expect_err("refused"),
            Lang::Es,
        );
        assert!(es.contains("parámetros de la dirección"), "{es}");
        assert!(!es.contains("cuerpo"), "{es}");
        assert!(es.contains("page") || es.contains("Página"), "{es}");
    }
}
