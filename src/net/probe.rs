//! HTTP probing of health endpoints, shared by `health.reachable` and the
//! declarative `http` rule.
//!
//! Endpoints are probed on a tokio runtime with reqwest over rustls (ring
//! provider): at most `concurrency` at once, each attempt bounded by
//! `timeout` (connect, headers and body together), failed attempts retried
//! with exponential backoff and jitter, and the whole run bounded by
//! `deadline`. Bodies are read up to [`BODY_CAP`]; redirects are followed by
//! hand (at most [`MAX_REDIRECTS`]) so that a loop is named as such and
//! headers are never sent to another origin. Header values are never part
//! of any message.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::Rng;
use regex::Regex;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::config::{Endpoint, ExpectStatus, HealthConfig};
use crate::repo::text::plural;

/// Bytes of a response body read at most; the rest is not downloaded.
pub const BODY_CAP: usize = 1024 * 1024;
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 10;
/// First backoff delay; doubled after each failed attempt.
const BACKOFF_BASE: Duration = Duration::from_millis(100);
/// Longest backoff delay.
const BACKOFF_MAX: Duration = Duration::from_secs(2);

/// How endpoints are probed (from `readyctl.yaml`'s `health:` section).
#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries after a failed attempt.
    pub retries: u32,
    /// Endpoints probed at once.
    pub concurrency: usize,
    /// Upper bound for the whole run.
    pub deadline: Duration,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            timeout: Duration::from_secs(5),
            retries: 2,
            concurrency: 32,
            deadline: Duration::from_secs(60),
        }
    }
}

impl ProbeSettings {
    /// The settings of `readyctl.yaml`'s `health:` section, defaults filled in.
    pub fn from_config(h: &HealthConfig) -> ProbeSettings {
        let d = ProbeSettings::default();
        ProbeSettings {
            timeout: h.timeout.map(|t| t.0).unwrap_or(d.timeout),
            retries: h.retries.unwrap_or(d.retries),
            concurrency: h.concurrency.unwrap_or(d.concurrency).max(1),
            deadline: h.deadline.map(|t| t.0).unwrap_or(d.deadline),
        }
    }

    /// The longest one endpoint can take: every attempt timing out, plus
    /// the longest backoffs between them.
    pub fn worst_case(&self) -> Duration {
        let attempts = self.retries + 1;
        let mut total = self.timeout * attempts;
        for i in 0..self.retries {
            total += backoff_ceiling(i);
        }
        total
    }
}

/// What probing one endpoint found.
#[derive(Debug, Clone)]
pub struct ProbeResult {
    /// The endpoint's name.
    pub name: String,
    /// The URL probed (never with header values; passwords and query
    /// values are masked).
    pub url: String,
    pub ok: bool,
    /// What failed, e.g. `status 500 (expected 200)`, or what passed.
    pub message: String,
    pub attempts: u32,
    /// Latency of the last attempt.
    pub latency: Option<Duration>,
    /// Days until the peer certificate expires (HTTPS).
    pub cert_days_left: Option<i64>,
}

/// Probe every endpoint, with bounded concurrency, retries and a deadline.
/// Results are in the order of `endpoints`.
pub fn probe_all(endpoints: &[Endpoint], settings: &ProbeSettings) -> Vec<ProbeResult> {
    probe_all_with(endpoints, settings, &|_| {})
}

/// [`probe_all`], calling `on_done` as each endpoint finishes (for progress).
pub fn probe_all_with(
    endpoints: &[Endpoint],
    settings: &ProbeSettings,
    on_done: &(dyn Fn(&ProbeResult) + Sync),
) -> Vec<ProbeResult> {
    if endpoints.is_empty() {
        return Vec::new();
    }
    // A runtime cannot be started from inside another one: probe from a
    // thread of our own when called from async code.
    if tokio::runtime::Handle::try_current().is_ok() {
        return std::thread::scope(|s| {
            s.spawn(|| run_blocking(endpoints, settings, on_done))
                .join()
                .unwrap_or_else(|_| failed_all(endpoints, "the probe thread panicked"))
        });
    }
    run_blocking(endpoints, settings, on_done)
}

fn failed_all(endpoints: &[Endpoint], message: &str) -> Vec<ProbeResult> {
    endpoints
        .iter()
        .map(|e| ProbeResult {
            name: e.name.clone(),
            url: display_url_str(&e.url),
            ok: false,
            message: message.to_string(),
            attempts: 0,
            latency: None,
            cert_days_left: None,
        })
        .collect()
}

fn run_blocking(
    endpoints: &[Endpoint],
    settings: &ProbeSettings,
    on_done: &(dyn Fn(&ProbeResult) + Sync),
) -> Vec<ProbeResult> {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return failed_all(endpoints, &format!("cannot start the HTTP runtime: {e}")),
    };
    rt.block_on(run_all(endpoints, settings, on_done))
}

/// Use ring as rustls' crypto provider (reqwest is built without one).
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may win the race; either way ring is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn build_client(
    settings: &ProbeSettings,
    ca_cert: Option<&str>,
) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_info(true)
        .connect_timeout(settings.timeout)
        .pool_max_idle_per_host(settings.concurrency.max(1))
        .user_agent(concat!(
            "readyctl/",
            env!("CARGO_PKG_VERSION"),
            " (health probe)"
        ));
    if let Some(path) = ca_cert {
        let pem = crate::repo::safe_fs::read_regular(
            std::path::Path::new(path),
            crate::repo::safe_fs::MAX_BYTES,
        )
        .map_err(|e| format!("ca_cert {path}: cannot read: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("ca_cert {path}: not a PEM certificate bundle: {e}"))?;
        if certs.is_empty() {
            return Err(format!("ca_cert {path}: holds no PEM certificate"));
        }
        b = b.tls_certs_merge(certs);
    }
    b.build()
        .map_err(|e| format!("cannot set up the HTTP client: {}", error_chain(&e)))
}

async fn run_all(
    endpoints: &[Endpoint],
    settings: &ProbeSettings,
    on_done: &(dyn Fn(&ProbeResult) + Sync),
) -> Vec<ProbeResult> {
    install_crypto_provider();
    let deadline = tokio::time::Instant::now() + settings.deadline;
    let sem = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut clients: HashMap<Option<String>, Result<reqwest::Client, String>> = HashMap::new();
    let mut results: Vec<Option<ProbeResult>> = vec![None; endpoints.len()];
    let mut set = JoinSet::new();
    for (i, ep) in endpoints.iter().enumerate() {
        let client = clients
            .entry(ep.ca_cert.clone())
            .or_insert_with(|| build_client(settings, ep.ca_cert.as_deref()))
            .clone();
        let ep = ep.clone();
        let settings = settings.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let attempts = Arc::new(AtomicU32::new(0));
            let not_probed = format!(
                "not probed: the deadline of {} was reached first",
                fmt_duration(settings.deadline)
            );
            let probe = async {
                let _permit = sem.acquire().await;
                if tokio::time::Instant::now() >= deadline {
                    return failure(&ep, not_probed.clone(), 0, None);
                }
                match client {
                    Ok(client) => probe_one(&client, &ep, &settings, &attempts).await,
                    Err(e) => failure(&ep, e, 0, None),
                }
            };
            let r = match tokio::time::timeout_at(deadline, probe).await {
                Ok(r) => r,
                Err(_) => {
                    let n = attempts.load(Ordering::Relaxed);
                    let msg = if n == 0 {
                        not_probed
                    } else {
                        format!(
                            "deadline of {} reached ({})",
                            fmt_duration(settings.deadline),
                            plural(n as usize, "attempt")
                        )
                    };
                    failure(&ep, msg, n, None)
                }
            };
            (i, r)
        });
    }
    while let Some(joined) = set.join_next().await {
        if let Ok((i, r)) = joined {
            on_done(&r);
            results[i] = Some(r);
        }
    }
    results
        .into_iter()
        .zip(endpoints)
        .map(|(r, ep)| r.unwrap_or_else(|| failure(ep, "the probe task failed".into(), 0, None)))
        .collect()
}

fn failure(
    ep: &Endpoint,
    message: String,
    attempts: u32,
    latency: Option<Duration>,
) -> ProbeResult {
    ProbeResult {
        name: ep.name.clone(),
        url: display_url_str(&ep.url),
        ok: false,
        message,
        attempts,
        latency,
        cert_days_left: None,
    }
}

/// Everything about an endpoint that does not change between attempts.
struct Prepared {
    url: Url,
    method: Method,
    headers: HeaderMap,
    expect: Expect,
}

/// What of an endpoint can be checked without the network or the
/// environment: its URL, method, expected status and header names. Run at
/// load (exit 2 at the endpoint's line), online or offline.
pub fn validate_endpoint(ep: &Endpoint) -> Result<(), String> {
    parse_static(ep)?;
    for name in ep.headers.keys() {
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            format!(
                "invalid header name `{}`",
                crate::repo::text::clip(name, 40)
            )
        })?;
    }
    Ok(())
}

fn parse_static(ep: &Endpoint) -> Result<(Url, Method, Expect), String> {
    let url = Url::parse(&ep.url).map_err(|e| format!("invalid url: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "unsupported url scheme `{}` (use http or https)",
            crate::repo::text::clip(url.scheme(), 20)
        ));
    }
    let method = match &ep.method {
        None => Method::GET,
        Some(m) => Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("invalid method `{}`", crate::repo::text::clip(m, 20)))?,
    };
    let expect = Expect::parse(ep.expect_status.as_ref())?;
    Ok((url, method, expect))
}

fn prepare(ep: &Endpoint) -> Result<Prepared, String> {
    let (url, method, expect) = parse_static(ep)?;
    let headers = interpolate_headers(&ep.headers, |v| std::env::var(v).ok())?;
    Ok(Prepared {
        url,
        method,
        headers,
        expect,
    })
}

static ENV_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}").expect("valid regex"));

/// Build the request headers, replacing `${VAR}` from the environment. A
/// missing or empty variable is an error naming the header and the
/// variable (never the value).
pub fn interpolate_headers(
    headers: &std::collections::BTreeMap<String, String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, template) in headers {
        let mut missing: Option<String> = None;
        let value = ENV_REF.replace_all(template, |c: &regex::Captures| {
            let var = &c[1];
            match env(var) {
                Some(v) if !v.is_empty() => v,
                _ => {
                    missing.get_or_insert_with(|| var.to_string());
                    String::new()
                }
            }
        });
        if let Some(var) = missing {
            return Err(format!(
                "header {name} needs environment variable {var}, which is not set (or empty)"
            ));
        }
        let hn = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name `{name}`"))?;
        let mut hv = HeaderValue::from_str(&value)
            .map_err(|_| format!("header {name} has an invalid value (not shown)"))?;
        hv.set_sensitive(true);
        map.append(hn, hv);
    }
    Ok(map)
}

/// An HTTP status code a server can send (100 to 599).
fn status_code(c: u16) -> Result<u16, String> {
    if (100..=599).contains(&c) {
        Ok(c)
    } else {
        Err(format!(
            "expect_status: {c} is not an HTTP status (100 to 599)"
        ))
    }
}

/// `expect_status`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Codes(Vec<u16>),
    /// `2xx`: the hundreds digit.
    Class(u16),
}

impl Expect {
    pub fn parse(e: Option<&ExpectStatus>) -> Result<Expect, String> {
        match e {
            None => Ok(Expect::Class(2)),
            Some(ExpectStatus::Code(c)) => Ok(Expect::Codes(vec![status_code(*c)?])),
            Some(ExpectStatus::Codes(cs)) if cs.is_empty() => {
                Err("expect_status: empty list".into())
            }
            Some(ExpectStatus::Codes(cs)) => Ok(Expect::Codes(
                cs.iter()
                    .map(|c| status_code(*c))
                    .collect::<Result<_, _>>()?,
            )),
            Some(ExpectStatus::Class(s)) => {
                let t = s.trim().to_ascii_lowercase();
                if let Ok(code) = t.parse::<u16>() {
                    return Ok(Expect::Codes(vec![status_code(code)?]));
                }
                match t.as_bytes() {
                    [d @ b'1'..=b'5', b'x', b'x'] => Ok(Expect::Class(u16::from(d - b'0'))),
                    _ => Err(format!(
                        "expect_status `{s}`: use a code (200), a list ([200, 204]) or a class (2xx)"
                    )),
                }
            }
        }
    }

    pub fn matches(&self, code: u16) -> bool {
        match self {
            Expect::Codes(cs) => cs.contains(&code),
            Expect::Class(c) => code / 100 == *c,
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Class(c) => write!(f, "{c}xx"),
            Expect::Codes(cs) => {
                let s: Vec<String> = cs.iter().map(|c| c.to_string()).collect();
                f.write_str(&s.join(" or "))
            }
        }
    }
}

/// Why one attempt failed.
struct AttemptFailure {
    message: String,
    /// Might another attempt succeed?
    retry: bool,
    latency: Option<Duration>,
    cert_days_left: Option<i64>,
}

impl AttemptFailure {
    fn new(message: impl Into<String>, retry: bool) -> AttemptFailure {
        AttemptFailure {
            message: message.into(),
            retry,
            latency: None,
            cert_days_left: None,
        }
    }
}

struct AttemptSuccess {
    status: u16,
    latency: Duration,
    cert_days_left: Option<i64>,
}

async fn probe_one(
    client: &reqwest::Client,
    ep: &Endpoint,
    settings: &ProbeSettings,
    attempts: &AtomicU32,
) -> ProbeResult {
    let prepared = match prepare(ep) {
        Ok(p) => p,
        Err(e) => return failure(ep, e, 0, None),
    };
    let total = settings.retries + 1;
    let mut last: Option<AttemptFailure> = None;
    let mut timed_out_all = true;
    for i in 0..total {
        let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
        let result =
            match tokio::time::timeout(settings.timeout, attempt(client, ep, &prepared)).await {
                Ok(r) => r,
                Err(_) => Err(AttemptFailure::new(
                    format!("timed out after {}", fmt_duration(settings.timeout)),
                    true,
                )),
            };
        match result {
            Ok(s) => {
                let mut message = format!("{} in {} ms", s.status, s.latency.as_millis());
                if let Some(d) = s.cert_days_left {
                    message.push_str(&format!(", certificate valid for {d} more days"));
                }
                if n > 1 {
                    message.push_str(&format!(" (attempt {n})"));
                }
                return ProbeResult {
                    name: ep.name.clone(),
                    url: display_url(&prepared.url),
                    ok: true,
                    message,
                    attempts: n,
                    latency: Some(s.latency),
                    cert_days_left: s.cert_days_left,
                };
            }
            Err(f) => {
                timed_out_all &= f.message.starts_with("timed out after");
                let retry = f.retry;
                last = Some(f);
                if !retry || i + 1 == total {
                    break;
                }
                tokio::time::sleep(backoff(i)).await;
            }
        }
    }
    let n = attempts.load(Ordering::Relaxed);
    let f = last.unwrap_or_else(|| AttemptFailure::new("no attempt was made", false));
    let message = if n <= 1 {
        f.message
    } else if timed_out_all {
        format!("{} ({n} attempts)", f.message)
    } else {
        format!("{}; {n} attempts", f.message)
    };
    ProbeResult {
        name: ep.name.clone(),
        url: display_url(&prepared.url),
        ok: false,
        message,
        attempts: n,
        latency: f.latency,
        cert_days_left: f.cert_days_left,
    }
}

/// The largest backoff after failed attempt `i` (0-based).
fn backoff_ceiling(i: u32) -> Duration {
    BACKOFF_BASE
        .saturating_mul(1u32 << i.min(16))
        .min(BACKOFF_MAX)
}

/// Exponential backoff with jitter: between half and all of the ceiling.
fn backoff(i: u32) -> Duration {
    let ceil = backoff_ceiling(i);
    let ms = ceil.as_millis() as u64;
    Duration::from_millis(rand::rng().random_range(ms / 2..=ms))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

async fn attempt(
    client: &reqwest::Client,
    ep: &Endpoint,
    p: &Prepared,
) -> Result<AttemptSuccess, AttemptFailure> {
    let start = Instant::now();
    let mut url = p.url.clone();
    let mut method = p.method.clone();
    let mut chain: Vec<Url> = vec![url.clone()];
    let mut resp = loop {
        let mut req = client.request(method.clone(), url.clone());
        // Headers (often credentials) only go to the origin they were written for.
        if same_origin(&url, &p.url) {
            req = req.headers(p.headers.clone());
        }
        let resp = req.send().await.map_err(classify)?;
        let status = resp.status();
        if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
            break resp;
        }
        let Some(loc) = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok()) else {
            break resp;
        };
        let next = url.join(loc).map_err(|e| {
            AttemptFailure::new(format!("redirect to an invalid location: {e}"), false)
        })?;
        if chain.contains(&next) {
            chain.push(next);
            return Err(AttemptFailure::new(
                format!("redirect loop: {}", redirect_chain(&chain)),
                false,
            ));
        }
        if chain.len() > MAX_REDIRECTS {
            return Err(AttemptFailure::new(
                format!(
                    "more than {MAX_REDIRECTS} redirects (last: {})",
                    display_url(&next)
                ),
                false,
            ));
        }
        if matches!(status.as_u16(), 301..=303) && method != Method::HEAD {
            method = Method::GET;
        }
        chain.push(next.clone());
        url = next;
    };

    let cert_days_left = resp
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|t| t.peer_certificate())
        .and_then(cert_days_left);
    let status = resp.status().as_u16();

    // Read the body up to the cap; stop there (an endless body ends here).
    let mut body: Vec<u8> = Vec::new();
    let mut truncated = false;
    if p.method != Method::HEAD {
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    let room = BODY_CAP - body.len();
                    if chunk.len() >= room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(AttemptFailure {
                        latency: Some(start.elapsed()),
                        ..AttemptFailure::new(
                            format!("reading the body failed: {}", error_chain(&e)),
                            true,
                        )
                    });
                }
            }
        }
    }
    drop(resp);
    let latency = start.elapsed();

    let mut problems: Vec<String> = Vec::new();
    let mut retry = true;
    if !p.expect.matches(status) {
        problems.push(format!("status {status} (expected {})", p.expect));
        // A wrong 4xx will not fix itself; 5xx, 429 and the rest may.
        retry &= !(400..500).contains(&status) || status == 429 || status == 408;
    }
    if let Some(needle) = &ep.body_contains {
        let hay = String::from_utf8_lossy(&body);
        if !hay.contains(needle.as_str()) {
            problems.push(if truncated {
                format!(
                    "body lacks {needle:?} (in its first {} read; the body is longer)",
                    fmt_bytes(BODY_CAP)
                )
            } else {
                format!("body lacks {needle:?}")
            });
        }
    }
    if let Some(max) = ep.max_latency
        && latency > max.0
    {
        problems.push(format!(
            "{} ms > {} ms",
            latency.as_millis(),
            max.0.as_millis()
        ));
    }
    if let (Some(min), Some(days)) = (ep.min_cert_days, cert_days_left)
        && days < i64::from(min)
    {
        problems.push(format!(
            "certificate expires in {days} day{} (minimum {min})",
            if days == 1 { "" } else { "s" }
        ));
        retry = false;
    }
    if problems.is_empty() {
        Ok(AttemptSuccess {
            status,
            latency,
            cert_days_left,
        })
    } else {
        Err(AttemptFailure {
            message: problems.join("; "),
            retry,
            latency: Some(latency),
            cert_days_left,
        })
    }
}

fn redirect_chain(chain: &[Url]) -> String {
    let first = &chain[0];
    chain
        .iter()
        .enumerate()
        .map(|(i, u)| {
            if i > 0 && same_origin(u, first) {
                let mut s = u.path().to_string();
                if u.query().is_some() {
                    s.push_str("?…");
                }
                s
            } else {
                display_url(u)
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// Whole days until the certificate's `notAfter` (negative once expired).
fn cert_days_left(der: &[u8]) -> Option<i64> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = cert.validity().not_after.timestamp();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() as i64;
    Some((not_after - now).div_euclid(86_400))
}

/// The next error in a chain. `io::Error::source()` skips the error it
/// wraps, so look into it by hand.
fn next_error<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    if let Some(io) = e.downcast_ref::<std::io::Error>()
        && let Some(inner) = io.get_ref()
    {
        return Some(inner);
    }
    e.source()
}

/// What a failed request means, in words.
fn classify(e: reqwest::Error) -> AttemptFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            match io.kind() {
                ConnectionRefused => return AttemptFailure::new("connection refused", true),
                ConnectionReset => return AttemptFailure::new("connection reset", true),
                ConnectionAborted => return AttemptFailure::new("connection aborted", true),
                _ => {}
            }
        }
        if let Some(tls) = s.downcast_ref::<rustls::Error>() {
            return AttemptFailure::new(format!("TLS: {tls}"), false);
        }
        source = next_error(s);
    }
    let chain = error_chain(&e);
    if chain.contains("dns error") || chain.contains("failed to lookup address") {
        let host = e
            .url()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        return AttemptFailure::new(format!("cannot resolve host {host}"), true);
    }
    if e.is_connect() {
        return AttemptFailure::new(format!("cannot connect: {chain}"), true);
    }
    AttemptFailure::new(format!("request failed: {chain}"), true)
}

/// The messages of an error and its sources, without the URL (it is shown
/// elsewhere, masked).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        let mut text = s.to_string();
        if let Some(re) = s.downcast_ref::<reqwest::Error>()
            && let Some(u) = re.url()
        {
            text = text.replace(&format!(" for url ({u})"), "");
        }
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = next_error(s);
    }
    parts.join(": ")
}

/// The URL as shown: no password, query values masked.
pub fn display_url(u: &Url) -> String {
    let mut u = u.clone();
    if u.password().is_some() {
        let _ = u.set_password(Some("****"));
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                (
                    k.into_owned(),
                    if v.is_empty() {
                        String::new()
                    } else {
                        "****".into()
                    },
                )
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// [`display_url`] of a URL string (an unparsable one is cut before `?` and `@`).
pub fn display_url_str(s: &str) -> String {
    match Url::parse(s) {
        Ok(u) => display_url(&u),
        Err(_) => {
            let s = s.split('?').next().unwrap_or("");
            match (s.find("://"), s.rfind('@')) {
                (Some(a), Some(b)) if b > a => format!("{}://****{}", &s[..a], &s[b..]),
                (None, Some(b)) => format!("****{}", &s[b..]),
                _ => s.to_string(),
            }
        }
    }
}

/// `500ms`, `1s`, `1.5s`, `2m`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{:.3}", d.as_secs_f64());
        format!("{}s", s.trim_end_matches('0').trim_end_matches('.'))
    }
}

fn fmt_bytes(n: usize) -> String {
    if n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{} KiB", n / 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn expect_status_forms() {
        assert_eq!(Expect::parse(None).unwrap(), Expect::Class(2));
        let e = Expect::parse(Some(&ExpectStatus::Class("2xx".into()))).unwrap();
        assert!(e.matches(204) && !e.matches(301));
        let e = Expect::parse(Some(&ExpectStatus::Codes(vec![200, 204]))).unwrap();
        assert!(e.matches(204) && !e.matches(201));
        assert_eq!(e.to_string(), "200 or 204");
        assert!(Expect::parse(Some(&ExpectStatus::Class("9xx".into()))).is_err());
        assert!(Expect::parse(Some(&ExpectStatus::Class("ok".into()))).is_err());
        assert_eq!(
            Expect::parse(Some(&ExpectStatus::Class("503".into()))).unwrap(),
            Expect::Codes(vec![503])
        );
    }

    #[test]
    fn headers_interpolate_and_never_go_empty() {
        let mut h = BTreeMap::new();
        h.insert("Authorization".to_string(), "Bearer ${TOKEN}".to_string());
        let env = |v: &str| (v == "TOKEN").then(|| "abc".to_string());
        let m = interpolate_headers(&h, env).unwrap();
        assert_eq!(m["authorization"], "Bearer abc");
        assert!(m["authorization"].is_sensitive());
        let err = interpolate_headers(&h, |_| None).unwrap_err();
        assert!(
            err.contains("TOKEN") && err.contains("Authorization"),
            "{err}"
        );
        let err = interpolate_headers(&h, |_| Some(String::new())).unwrap_err();
        assert!(err.contains("TOKEN"), "{err}");
    }

    #[test]
    fn urls_are_masked() {
        let u = Url::parse("https://user:pw@example.com/h?token=abc&x=").unwrap();
        let s = display_url(&u);
        assert!(!s.contains("pw") && !s.contains("abc"), "{s}");
        assert!(s.contains("token=****"), "{s}");
        let s = display_url_str("https://user:pw@exa mple.com/?t=1");
        assert!(!s.contains("pw") && !s.contains("t=1"), "{s}");
    }

    fn endpoint(name: &str, url: &str) -> Endpoint {
        Endpoint {
            name: name.into(),
            url: url.into(),
            method: None,
            expect_status: None,
            max_latency: None,
            body_contains: None,
            headers: BTreeMap::new(),
            min_cert_days: None,
            ca_cert: None,
        }
    }

    #[test]
    fn probe_all_works_from_inside_a_runtime() {
        // The declarative `http` rule may call in from async code.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let eps = vec![
            endpoint("gone", &format!("http://127.0.0.1:{port}/")),
            endpoint("bad", "ftp://example.com/"),
        ];
        let settings = ProbeSettings {
            retries: 0,
            ..ProbeSettings::default()
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let results = rt.block_on(async { probe_all(&eps, &settings) });
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].message, "connection refused");
        assert_eq!(results[0].attempts, 1);
        assert!(results[1].message.contains("unsupported url scheme `ftp`"));
        assert_eq!(results[1].attempts, 0);
    }

    #[test]
    fn durations_print_short() {
        assert_eq!(fmt_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(fmt_duration(Duration::from_secs(1)), "1s");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(fmt_duration(Duration::from_secs(120)), "2m");
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        for i in 0..20 {
            let b = backoff(i);
            assert!(b <= backoff_ceiling(i) && b >= backoff_ceiling(i) / 2);
        }
        assert_eq!(backoff_ceiling(0), Duration::from_millis(100));
        assert_eq!(backoff_ceiling(1), Duration::from_millis(200));
        assert_eq!(backoff_ceiling(10), BACKOFF_MAX);
        let s = ProbeSettings {
            timeout: Duration::from_secs(1),
            retries: 1,
            ..ProbeSettings::default()
        };
        assert_eq!(s.worst_case(), Duration::from_millis(2100));
    }
}
