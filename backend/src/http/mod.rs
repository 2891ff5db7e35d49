//! What every HTTP adapter shares, API and pages alike: reading cookies and the request's
//! language, the client's address, and extractors that turn a malformed path, query or JSON
//! body into a problem naming the field, and the responses of a download (a stored file, a
//! CSV). No operation lives here.

mod extract;

use axum::{
    body::Body,
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, HeaderValue, header, request::Parts},
    response::{IntoResponse, Response},
};
use cookie::Cookie;
use std::net::SocketAddr;

use crate::{
    app::AppState,
    blobs::Download,
    error::AppError,
    i18n::{LANG_COOKIE, Lang},
};

pub use extract::{
    ApiJson, ApiPath, ApiQuery, JSON_BODY_MAX_BYTES, declares_json, parse_json, parse_query,
};

/// Reads one cookie from the request headers (the first of that name; a pair that does not
/// parse is skipped).
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// The language of a request: the `licita_lang` cookie if set, else `Accept-Language`, else
/// Spanish.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    if let Some(lang) = cookie_value(headers, LANG_COOKIE).and_then(|c| Lang::from_code(&c)) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// The client's address (for login throttling): the socket peer, unless that peer is one of
/// `LICITA_TRUSTED_PROXIES`, in which case the right-most `X-Forwarded-For` entry that is not a
/// trusted proxy. Entries left of it are whatever the client claimed and are never believed.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .collect::<Vec<_>>();
        let address = client_address(peer, &forwarded, &state.settings.trusted_proxies);
        Ok(Self(
            address
                .map(|a| a.to_string())
                .unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// Resolves the client address from the peer and the `X-Forwarded-For` entries (oldest first).
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: &[String],
    trusted: &[ipnet::IpNet],
) -> Option<std::net::IpAddr> {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut current = peer?;
    for entry in forwarded.iter().rev() {
        if !is_trusted(&current) {
            break;
        }
        match entry.parse::<std::net::IpAddr>() {
            Ok(ip) => current = ip,
            // A malformed hop: stop at the last address we could vouch for.
            Err(_) => break,
        }
    }
    Some(current)
}

/// The streaming response of a document.
pub fn download_response(doc: Download) -> Result<Response, AppError> {
    let ascii: String = doc
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencoding::encode(&doc.filename)
    );
    let header = |v: &str| HeaderValue::from_str(v).map_err(AppError::internal);
    let mut response = Response::new(Body::from_stream(tokio_util::io::ReaderStream::new(
        doc.file,
    )));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header(&doc.media_type)?);
    headers.insert(header::CONTENT_LENGTH, header(&doc.size.to_string())?);
    headers.insert(header::CONTENT_DISPOSITION, header(&disposition)?);
    headers.insert(header::ETAG, header(&format!("\"{}\"", doc.sha256))?);
    headers.insert("x-content-sha256", header(&doc.sha256)?);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if doc.public {
            "public, max-age=3600"
        } else {
            "no-store"
        }),
    );
    Ok(response)
}

/// The UTF-8 byte-order mark every CSV download starts with: without it Excel on Windows reads
/// the file as the local code page and breaks every accent.
pub const UTF8_BOM: &str = "\u{feff}";

/// Who may read a download, which decides whether caches may keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone: shared caches may keep it.
    Public,
    /// Only its caller (auditors' lists, a bidder's own receipt): `Cache-Control: no-store`.
    Restricted,
}

impl Audience {
    /// The `Cache-Control` value for this audience.
    pub fn cache_control(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Public => "public, no-cache",
            Self::Restricted => "no-store",
        })
    }
}

/// A CSV download (UTF-8, with a byte-order mark) saved as `filename` (ASCII, no quotes).
pub fn csv_download(filename: &'static str, body: String, audience: Audience) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, audience.cache_control()),
        ],
        format!("{UTF8_BOM}{body}"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{client_address, cookie_value};
    use axum::http::{HeaderMap, HeaderValue, header};

    #[test]
    fn a_cookie_is_found_in_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; broken; licita_lang=en"),
        );
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("licita_lang=es;b= 2 "),
        );
        assert_eq!(cookie_value(&headers, "licita_lang").as_deref(), Some("en"));
        assert_eq!(cookie_value(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }

    #[test]
    fn forwarded_addresses_are_believed_only_through_trusted_proxies() {
        let trusted = vec!["10.0.0.0/8".parse().expect("cidr")];
        let peer = |s: &str| Some(s.parse().expect("ip"));
        let hops = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // Direct client: the header is ignored.
        assert_eq!(
            client_address(peer("203.0.113.9"), &hops(&["1.2.3.4"]), &trusted),
            peer("203.0.113.9")
        );
        // Through the load balancer: the client it saw.
        assert_eq!(
            client_address(peer("10.0.0.5"), &hops(&["198.51.100.7"]), &trusted),
            peer("198.51.100.7")
        );
        // A spoofed left-most entry is not believed.
        assert_eq!(
            client_address(
                peer("10.0.0.5"),
                &hops(&["6.6.6.6", "198.51.100.7"]),
                &trusted
            ),
            peer("198.51.100.7")
        );
        // Two trusted hops.
        assert_eq!(
            client_address(
                peer("10.0.0.5"),
                &hops(&["198.51.100.7", "10.0.0.9"]),
                &trusted
            ),
            peer("198.51.100.7")
        );
        // No proxies configured: always the peer.
        assert_eq!(
            client_address(peer("10.0.0.5"), &hops(&["198.51.100.7"]), &[]),
            peer("10.0.0.5")
        );
    }
}
