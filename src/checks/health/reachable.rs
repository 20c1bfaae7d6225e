//! `health.reachable`: every endpoint of `readyctl.yaml` answers as expected, in time.

use std::path::Path;
use std::time::Duration;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::net::probe::{self, ProbeSettings, fmt_duration};

const EXPLAIN: &str = r#"
## What it checks
That every endpoint listed under `health.endpoints` in `readyctl.yaml` answers
as expected: the status (`expect_status`: a code, a list or a class such as
`2xx`; default `2xx`), a piece of the body (`body_contains`), the latency
(`max_latency`) and, for HTTPS, the days left on the certificate
(`min_cert_days`). Requests use `method` and `headers` (with `${VAR}` taken from
the environment; a missing variable is an error, never an empty header).
Endpoints are probed at most `concurrency` at once, each attempt bounded by
`timeout`, failed attempts retried (`retries`) with exponential backoff and
jitter, and the whole check bounded by `deadline`. Redirects are followed (at
most 10; a loop fails). Bodies are read up to 1 MiB. A private CA is trusted
with `ca_cert: path/to/ca.pem` (or `SSL_CERT_FILE`). With `--offline`, or
when no endpoint is configured, the check reports `skip`.

## Why it matters
A release gate should know that the service it is about to ship — or the one
already running that it will replace — answers its health checks. Kubernetes
linters check that probes exist but never call them; uptime probers are
daemons with no one-shot CI mode.

## How to fix
Read each finding: it names the endpoint's line in `readyctl.yaml` and what
failed (`status 500 (expected 200)`, `timed out after 5s (3 attempts)`,
`connection refused`, `body lacks "ok"`, `812 ms > 500 ms`,
`certificate expires in 9 days (minimum 14)`). Fix the service, or correct the
expectation if the endpoint changed.

## Example
```yaml
health:
  timeout: 5s
  retries: 2
  concurrency: 32
  deadline: 60s
  endpoints:
    - name: api
      url: https://api.example.com/healthz
      expect_status: 200
      max_latency: 500ms
      body_contains: ok
      headers: {Authorization: "Bearer ${HEALTH_TOKEN}"}
      min_cert_days: 14
```
"#;

pub struct Reachable {
    meta: CheckMeta,
}

impl Reachable {
    pub fn new() -> Self {
        Reachable {
            meta: CheckMeta::define("health.reachable")
                .title("Health endpoints answer")
                .severity(Severity::Error)
                .explain(EXPLAIN)
                .fix("make every endpoint in readyctl.yaml answer as expected, or fix the expectation")
                .build(),
        }
    }
}

impl Check for Reachable {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let health = &ctx.config.config.health;
        let n = health.endpoints.len();
        if n == 0 {
            return Outcome::skip(match &ctx.config.file {
                Some(f) => format!("no endpoints to probe: {f} has no health.endpoints"),
                None => "no endpoints to probe: there is no readyctl.yaml (health.endpoints)"
                    .to_string(),
            });
        }
        if ctx.options.offline {
            return Outcome::skip(format!(
                "--offline: {n} endpoint{} not probed",
                if n == 1 { "" } else { "s" }
            ));
        }
        let settings = ProbeSettings::from_config(health);
        let endpoints: Vec<_> = health
            .endpoints
            .iter()
            .map(|e| {
                let mut ep = e.value.clone();
                if let Some(ca) = &ep.ca_cert
                    && Path::new(ca).is_relative()
                {
                    ep.ca_cert = Some(ctx.root.join(ca).to_string_lossy().into_owned());
                }
                ep
            })
            .collect();
        let bar = crate::cli::progress::delayed_bar(
            ctx.options.progress && n >= 2,
            Some(n as u64),
            "probing health endpoints {bar:30} {pos}/{len} {elapsed}",
            Duration::from_millis(500),
        );
        let results = probe::probe_all_with(&endpoints, &settings, &|_| {
            if let Some(b) = &bar {
                b.inc(1);
            }
        });
        if let Some(b) = &bar {
            b.finish_and_clear();
        }

        let file = ctx.config.file_name().to_string();
        let mut findings = Vec::new();
        let mut slowest: Option<(Duration, &str)> = None;
        for (r, e) in results.iter().zip(&health.endpoints) {
            if r.ok {
                if let Some(l) = r.latency
                    && slowest.is_none_or(|(s, _)| l > s)
                {
                    slowest = Some((l, &r.name));
                }
                continue;
            }
            let line = e.referenced.line();
            findings.push(
                Finding::new(format!("{} ({}): {}", r.name, r.url, r.message))
                    .at(file.clone(), (line > 0).then_some(line as u32)),
            );
        }
        if findings.is_empty() {
            let slow = slowest
                .map(|(l, name)| format!(" (slowest: {name}, {} ms)", l.as_millis()))
                .unwrap_or_default();
            return Outcome::pass(format!(
                "{n} endpoint{} answered as expected{slow}",
                if n == 1 { "" } else { "s" }
            ));
        }
        Outcome::fail(
            format!(
                "{} of {n} endpoint{} failed (timeout {}, {} retr{}, deadline {})",
                findings.len(),
                if n == 1 { "" } else { "s" },
                fmt_duration(settings.timeout),
                settings.retries,
                if settings.retries == 1 { "y" } else { "ies" },
                fmt_duration(settings.deadline),
            ),
            findings,
        )
    }
}
