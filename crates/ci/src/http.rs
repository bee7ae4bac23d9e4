//! What both providers share around a request: conditional GETs (an `ETag` remembered per URL,
//! sent back as `If-None-Match`; a 304 costs nothing on GitHub's rate limit and returns the body
//! kept from before), the rate limit read from every answer, counts of requests for the
//! benchmark, and an answer's status turned into an [`Error`] that says what to do.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{Error, Result};
use crate::model::RateBudget;

/// A provider's answer, read whole.
#[derive(Debug)]
pub struct Exchange {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Exchange {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn header_number(&self, name: &str) -> Option<i64> {
        self.header(name)
            .and_then(|value| value.trim().parse().ok())
    }

    /// The comma-separated list in a header (`X-OAuth-Scopes`).
    pub fn header_list(&self, name: &str) -> Option<Vec<String>> {
        self.header(name).map(|value| {
            value
                .split(',')
                .map(str::trim)
                .filter(|scope| !scope.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }

    /// The rate limit as GitHub (`x-ratelimit-*`) or GitLab (`RateLimit-*`) states it.
    pub fn rate_budget(&self) -> Option<RateBudget> {
        let [limit, remaining, reset] = ["limit", "remaining", "reset"].map(|part| {
            self.header_number(&format!("x-ratelimit-{part}"))
                .or_else(|| self.header_number(&format!("ratelimit-{part}")))
        });
        Some(RateBudget {
            limit: u32::try_from(limit?).ok()?,
            remaining: u32::try_from(remaining?).ok()?,
            reset_at: reset.unwrap_or_default(),
        })
    }

    /// The provider's own words for a refusal: GitHub's and GitLab's `message`, GitLab's
    /// `error_description`.
    pub fn message(&self) -> String {
        let json: serde_json::Value = serde_json::from_slice(&self.body).unwrap_or_default();
        ["message", "error_description", "error"]
            .iter()
            .find_map(|key| match &json[key] {
                serde_json::Value::String(text) => Some(text.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            })
            .unwrap_or_else(|| {
                self.status
                    .canonical_reason()
                    .unwrap_or("no reason given")
                    .to_owned()
            })
    }
}

/// Requests sent and how many of them the provider answered "not modified".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RequestCounts {
    /// Every request, 304s included (JSON numbers: plenty for a session's count).
    pub requests: u32,
    pub not_modified: u32,
}

/// The bodies last seen per URL with their `ETag`s, the rate limit, the counts.
#[derive(Default)]
pub struct Conditional {
    seen: Mutex<HashMap<String, Seen>>,
    budget: Mutex<Option<RateBudget>>,
    requests: AtomicU64,
    not_modified: AtomicU64,
}

/// The last answer to a GET: its `ETag`, headers (pagination) and body.
struct Seen {
    etag: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A body with its headers, and whether it differs from the one seen before.
pub struct Fresh {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub changed: bool,
}

impl Fresh {
    pub fn json<T: serde::de::DeserializeOwned>(&self, host: &str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|error| Error::Protocol {
            host: host.to_owned(),
            detail: error.to_string(),
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl Conditional {
    /// The `If-None-Match` value for a URL.
    pub fn etag_for(&self, url: &str) -> Option<String> {
        lock(&self.seen).get(url).map(|seen| seen.etag.clone())
    }

    /// Reads an answer to a GET of `url`: the budget, the counts, the body (the kept one on a
    /// 304), or the error it means.
    pub fn settle(&self, host: &str, url: &str, exchange: Exchange) -> Result<Fresh> {
        self.count(&exchange);
        if exchange.status == StatusCode::NOT_MODIFIED {
            if let Some(seen) = lock(&self.seen).get(url) {
                return Ok(Fresh {
                    headers: seen.headers.clone(),
                    body: seen.body.clone(),
                    changed: false,
                });
            }
            return Err(Error::Protocol {
                host: host.to_owned(),
                detail: "304 for a request sent without an ETag".to_owned(),
            });
        }
        let exchange = self.check(host, exchange)?;
        if let Some(etag) = exchange.header("etag") {
            let seen = Seen {
                etag: etag.to_owned(),
                headers: exchange.headers.clone(),
                body: exchange.body.clone(),
            };
            lock(&self.seen).insert(url.to_owned(), seen);
        }
        Ok(Fresh {
            headers: exchange.headers,
            body: exchange.body,
            changed: true,
        })
    }

    /// Counts an answer and keeps its budget.
    pub fn count(&self, exchange: &Exchange) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if exchange.status == StatusCode::NOT_MODIFIED {
            self.not_modified.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(budget) = exchange.rate_budget() {
            *lock(&self.budget) = Some(budget);
        }
    }

    /// The answer when it is a success; the error it means otherwise.
    pub fn check(&self, host: &str, exchange: Exchange) -> Result<Exchange> {
        if exchange.status.is_success() {
            return Ok(exchange);
        }
        Err(refusal(host, &exchange, self.budget()))
    }

    pub fn budget(&self) -> Option<RateBudget> {
        *lock(&self.budget)
    }

    pub fn counts(&self) -> RequestCounts {
        let read = |counter: &AtomicU64| {
            u32::try_from(counter.load(Ordering::Relaxed)).unwrap_or(u32::MAX)
        };
        RequestCounts {
            requests: read(&self.requests),
            not_modified: read(&self.not_modified),
        }
    }
}

/// What a refusal means. A 403 or 429 with no requests left is the rate limit; a 403 whose
/// headers list the scopes an endpoint accepts, none of which the token has, is a scope missing.
fn refusal(host: &str, exchange: &Exchange, budget: Option<RateBudget>) -> Error {
    let status = exchange.status;
    let limited = status == StatusCode::TOO_MANY_REQUESTS
        || (status == StatusCode::FORBIDDEN && budget.is_some_and(|b| b.remaining == 0));
    if limited {
        return Error::RateLimited {
            host: host.to_owned(),
            reset_at: budget.map_or_else(|| "the limit resets".to_owned(), |b| clock(b.reset_at)),
        };
    }
    if status == StatusCode::UNAUTHORIZED {
        return Error::BadCredentials {
            host: host.to_owned(),
        };
    }
    if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
        if let Some(missing) = missing_scopes(exchange) {
            return missing;
        }
    }
    if status == StatusCode::NOT_FOUND {
        return Error::NotFound {
            what: format!("{} on {host}", exchange.message()),
        };
    }
    Error::Rejected {
        host: host.to_owned(),
        status: status.as_u16(),
        message: exchange.message(),
    }
}

/// GitHub: `X-Accepted-OAuth-Scopes` against `X-OAuth-Scopes` (a scope such as `repo` covers its
/// `repo:*` parts). GitLab: `insufficient_scope` with the `scope` it needs.
fn missing_scopes(exchange: &Exchange) -> Option<Error> {
    let json: serde_json::Value = serde_json::from_slice(&exchange.body).unwrap_or_default();
    if json["error"] == "insufficient_scope" {
        let needed = json["scope"].as_str().unwrap_or("api");
        return Some(Error::MissingScopes {
            missing: needed.split_whitespace().map(str::to_owned).collect(),
            have: Vec::new(),
        });
    }
    let have = exchange.header_list("x-oauth-scopes")?;
    let accepted = exchange.header_list("x-accepted-oauth-scopes")?;
    let covered = |scope: &String| {
        have.iter()
            .any(|h| h == scope || scope.starts_with(&format!("{h}:")))
    };
    if accepted.is_empty() || accepted.iter().any(covered) {
        return None;
    }
    Some(Error::MissingScopes {
        missing: accepted,
        have,
    })
}

/// `HH:MM:SS UTC` of a Unix time, enough to say when a limit ends.
fn clock(unix: i64) -> String {
    let seconds = unix.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02} UTC",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(status: u16, headers: &[(&'static str, &str)], body: &str) -> Exchange {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, value.parse().expect("header"));
        }
        Exchange {
            status: StatusCode::from_u16(status).expect("status"),
            headers: map,
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn a_304_returns_the_kept_body_and_counts_apart() {
        let cache = Conditional::default();
        let first = exchange(
            200,
            &[
                ("etag", "W/\"1\""),
                ("x-ratelimit-limit", "5000"),
                ("x-ratelimit-remaining", "4999"),
                ("x-ratelimit-reset", "100"),
            ],
            "[1]",
        );
        assert!(cache.settle("h", "/runs", first).expect("200").changed);
        assert_eq!(cache.etag_for("/runs").as_deref(), Some("W/\"1\""));
        let again = cache
            .settle("h", "/runs", exchange(304, &[("etag", "W/\"1\"")], ""))
            .expect("304");
        assert!(!again.changed);
        assert_eq!(&again.body[..], b"[1]");
        assert_eq!(
            cache.counts(),
            RequestCounts {
                requests: 2,
                not_modified: 1
            }
        );
        assert_eq!(cache.budget().map(|b| b.remaining), Some(4999));
    }

    #[test]
    fn refusals_say_what_they_mean() {
        let cache = Conditional::default();
        let scopes = exchange(
            403,
            &[
                ("x-oauth-scopes", "read:org"),
                ("x-accepted-oauth-scopes", "repo"),
            ],
            r#"{"message":"Resource not accessible by personal access token"}"#,
        );
        match cache.check("api.github.com", scopes) {
            Err(Error::MissingScopes { missing, have }) => {
                assert_eq!(missing, ["repo"]);
                assert_eq!(have, ["read:org"]);
            }
            other => panic!("{other:?}"),
        }
        let covered = exchange(
            403,
            &[
                ("x-oauth-scopes", "repo"),
                ("x-accepted-oauth-scopes", "repo:status"),
            ],
            r#"{"message":"This workflow is already running"}"#,
        );
        assert!(matches!(
            cache.check("h", covered),
            Err(Error::Rejected { status: 403, .. })
        ));
        let gitlab = exchange(403, &[], r#"{"error":"insufficient_scope","scope":"api"}"#);
        assert!(
            matches!(cache.check("h", gitlab), Err(Error::MissingScopes { missing, .. }) if missing == ["api"])
        );
        assert!(matches!(
            cache.check("h", exchange(401, &[], "{}")),
            Err(Error::BadCredentials { .. })
        ));
        let limited = exchange(
            403,
            &[
                ("x-ratelimit-limit", "5000"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "3723"),
            ],
            r#"{"message":"API rate limit exceeded"}"#,
        );
        cache.count(&limited);
        match cache.check("api.github.com", limited) {
            Err(Error::RateLimited { reset_at, .. }) => assert_eq!(reset_at, "01:02:03 UTC"),
            other => panic!("{other:?}"),
        }
        let gitlab_limited = exchange(
            429,
            &[
                ("ratelimit-limit", "2000"),
                ("ratelimit-remaining", "0"),
                ("ratelimit-reset", "0"),
            ],
            "Retry later",
        );
        assert!(matches!(
            cache.check("h", gitlab_limited),
            Err(Error::RateLimited { .. })
        ));
    }

    #[test]
    fn a_low_budget_is_below_a_tenth() {
        let budget = |remaining| RateBudget {
            limit: 5000,
            remaining,
            reset_at: 0,
        };
        assert!(budget(499).is_low());
        assert!(!budget(500).is_low());
    }
}
