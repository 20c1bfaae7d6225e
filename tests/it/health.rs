//! `health` tests: `health.reachable` against real servers on 127.0.0.1
//! (axum for plain HTTP, raw sockets for hanging and endless answers,
//! tokio-rustls with an rcgen certificate for TLS), and `health.declared`
//! on fixture repositories.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

use crate::common::{Repo, bin, check, check_summary, finding_locations, status};

/// The header value `/auth` wants; built at run time.
fn token() -> String {
    ["probe", "token", "7f3a"].join("-")
}

struct Servers {
    http: u16,
    hang: u16,
    endless: u16,
    tls: u16,
    /// PEM of the CA that signed the TLS server's certificate.
    ca_pem: String,
}

fn servers() -> &'static Servers {
    static S: OnceLock<Servers> = OnceLock::new();
    S.get_or_init(start_servers)
}

async fn bind() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.expect("bind")
}

fn port(l: &TcpListener) -> u16 {
    l.local_addr().expect("addr").port()
}

/// Start every test server on a thread with its own runtime.
fn start_servers() -> Servers {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let http = bind().await;
            let hang = bind().await;
            let endless = bind().await;
            let tls = bind().await;
            let (ca_pem, tls_config) = tls_config();
            tx.send(Servers {
                http: port(&http),
                hang: port(&hang),
                endless: port(&endless),
                tls: port(&tls),
                ca_pem,
            })
            .expect("send ports");
            tokio::spawn(async move { axum::serve(http, app()).await });
            tokio::spawn(serve_hang(hang));
            tokio::spawn(serve_endless(endless));
            tokio::spawn(serve_tls(tls, tls_config));
            std::future::pending::<()>().await;
        });
    });
    rx.recv().expect("servers started")
}

fn app() -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/fail",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "ok"
            }),
        )
        .route("/degraded", get(|| async { "status: degraded" }))
        .route(
            "/auth",
            get(|headers: HeaderMap| async move {
                match headers.get("x-health-token") {
                    Some(v) if v.as_bytes() == token().as_bytes() => (StatusCode::OK, "ok"),
                    _ => (StatusCode::UNAUTHORIZED, "who are you"),
                }
            }),
        )
        .route("/loop/a", get(|| async { redirect("/loop/b") }))
        .route("/loop/b", get(|| async { redirect("/loop/a") }))
        .route("/moved", get(|| async { redirect("/healthz") }))
}

fn redirect(to: &'static str) -> impl IntoResponse {
    (StatusCode::FOUND, [(header::LOCATION, to)], "")
}

/// Accepts connections and never answers.
async fn serve_hang(l: TcpListener) {
    let mut held = Vec::new();
    while let Ok((s, _)) = l.accept().await {
        held.push(s);
    }
}

/// Answers 200 with a body that never ends.
async fn serve_endless(l: TcpListener) {
    while let Ok((mut s, _)) = l.accept().await {
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
            if s.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 16 * 1024];
            while s.write_all(&chunk).await.is_ok() {}
        });
    }
}

/// Serves `ok` over TLS with a certificate that expires in 3 days.
async fn serve_tls(l: TcpListener, config: Arc<rustls::ServerConfig>) {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    while let Ok((s, _)) = l.accept().await {
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let Ok(mut tls) = acceptor.accept(s).await else {
                return;
            };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let _ = tls
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
                .await;
            let _ = tls.shutdown().await;
        });
    }
}

/// A CA and a server certificate for 127.0.0.1 signed by it, valid for 3 more days.
fn tls_config() -> (String, Arc<rustls::ServerConfig>) {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "readyctl test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca cert");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let key = rcgen::KeyPair::generate().expect("key");
    let mut params =
        rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("params");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let epoch = rcgen::date_time_ymd(1970, 1, 1);
    params.not_before = epoch + Duration::from_secs(now - 86_400);
    params.not_after = epoch + Duration::from_secs(now + 3 * 86_400 + 3600);
    let cert = params.signed_by(&key, &issuer).expect("leaf cert");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .expect("server config");
    (ca_cert.pem(), Arc::new(config))
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let p = l.local_addr().expect("addr").port();
    drop(l);
    p
}

/// Run `readyctl check` (online) on a repo whose readyctl.yaml is `config`.
fn probe(repo: &Repo, config: &str, env: &[(&str, &str)]) -> (serde_json::Value, i32, String) {
    repo.write("readyctl.yaml", config);
    let mut cmd = bin();
    cmd.args([
        "check",
        "--format",
        "json",
        "--no-progress",
        "--only",
        "health.reachable",
    ])
    .current_dir(repo.path())
    .env_remove("HEALTH_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("readyctl runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("JSON report: {e}\nstdout: {stdout}\nstderr: {stderr}"));
    (v, out.status.code().unwrap_or(-1), stdout + &stderr)
}

/// One endpoint, with extra keys, under a quick health section.
fn one(name: &str, url: &str, extra: &str) -> String {
    let mut s = format!(
        "version: 1\nhealth:\n  timeout: 1s\n  retries: 1\n  endpoints:\n    - name: {name}\n      url: {url}\n"
    );
    for l in extra.lines().filter(|l| !l.trim().is_empty()) {
        s.push_str(&format!("      {}\n", l.trim()));
    }
    s
}

fn findings(report: &serde_json::Value) -> Vec<String> {
    check(report, "health.reachable")["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn http(path: &str) -> String {
    format!("http://127.0.0.1:{}{path}", servers().http)
}

#[test]
fn healthy_endpoint_passes() {
    let repo = Repo::plain();
    let (v, code, _) = probe(
        &repo,
        &one(
            "api",
            &http("/healthz"),
            "expect_status: 200\nbody_contains: ok",
        ),
        &[],
    );
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");
    assert_eq!(code, 0);
    let msg = check(&v, "health.reachable")["message"].as_str().unwrap();
    assert!(msg.contains("1 endpoint answered as expected"), "{msg}");
}

#[test]
fn status_500_names_the_expectation_and_the_line() {
    let repo = Repo::plain();
    let cfg = format!(
        "version: 1\nhealth:\n  timeout: 1s\n  retries: 0\n  endpoints:\n    - name: ok\n      url: {}\n    - name: broken\n      url: {}\n      expect_status: 200\n",
        http("/healthz"),
        http("/fail")
    );
    let (v, code, _) = probe(&repo, &cfg, &[]);
    assert_eq!(status(&v, "health.reachable"), "fail", "{v:#}");
    assert_eq!(code, 1);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].starts_with("broken ("), "{f:?}");
    assert!(f[0].contains("status 500 (expected 200)"), "{f:?}");
    assert_eq!(
        finding_locations(&v, "health.reachable"),
        vec![("readyctl.yaml".to_string(), 8)]
    );
    let msg = check(&v, "health.reachable")["message"].as_str().unwrap();
    assert!(msg.contains("1 of 2 endpoints failed"), "{msg}");
}

#[test]
fn status_class_and_list() {
    let repo = Repo::plain();
    let (v, _, _) = probe(
        &repo,
        &one("a", &http("/fail"), "expect_status: [200, 204]"),
        &[],
    );
    assert!(findings(&v)[0].contains("status 500 (expected 200 or 204)"));
    let (v, _, _) = probe(&repo, &one("a", &http("/fail"), "expect_status: 5xx"), &[]);
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");
    // A class that cannot be is a config error at load, online or offline.
    repo.write(
        "readyctl.yaml",
        one("a", &http("/fail"), "expect_status: 7xx"),
    );
    let run = repo.readyctl(&["check", "--no-progress", "--only", "health.reachable"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("expect_status `7xx`"), "{}", run.stderr);
}

#[test]
fn hanging_server_times_out_within_its_budget() {
    let repo = Repo::plain();
    let url = format!("http://127.0.0.1:{}/healthz", servers().hang);
    let start = Instant::now();
    let (v, _, _) = probe(&repo, &one("hang", &url, ""), &[]);
    let took = start.elapsed();
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(f[0].contains("timed out after 1s (2 attempts)"), "{f:?}");
    // timeout × attempts + the longest backoff = 2.1 s; allow 3× for a
    // loaded machine (and the process start).
    assert!(took < Duration::from_millis(6300), "took {took:?}");
}

#[test]
fn connection_refused() {
    let repo = Repo::plain();
    let url = format!("http://127.0.0.1:{}/healthz", closed_port());
    let (v, _, _) = probe(&repo, &one("gone", &url, ""), &[]);
    let f = findings(&v);
    assert!(f[0].contains("connection refused; 2 attempts"), "{f:?}");
}

#[test]
fn body_mismatch() {
    let repo = Repo::plain();
    let (v, _, _) = probe(
        &repo,
        &one("deg", &http("/degraded"), "body_contains: ok"),
        &[],
    );
    let f = findings(&v);
    assert!(f[0].contains("body lacks \"ok\""), "{f:?}");
}

#[test]
fn latency_over_budget() {
    let repo = Repo::plain();
    let (v, _, _) = probe(
        &repo,
        &one("slow", &http("/slow"), "max_latency: 100ms"),
        &[],
    );
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    let re = regex::Regex::new(r"\d+ ms > 100 ms").unwrap();
    assert!(re.is_match(&f[0]), "{f:?}");
    // Within budget it passes.
    let (v, _, _) = probe(
        &repo,
        &one("slow", &http("/slow"), "max_latency: 900ms"),
        &[],
    );
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");
    // Slower than the timeout: each attempt is cut off.
    let cfg = one("slow", &http("/slow"), "").replace("timeout: 1s", "timeout: 150ms");
    let (v, _, _) = probe(&repo, &cfg, &[]);
    let f = findings(&v);
    assert!(f[0].contains("timed out after 150ms (2 attempts)"), "{f:?}");
}

#[test]
fn header_from_the_environment_arrives_and_is_never_printed() {
    let repo = Repo::plain();
    let cfg = one(
        "auth",
        &http("/auth"),
        "headers: {X-Health-Token: \"${HEALTH_TOKEN}\"}",
    );
    let tok = token();
    let (v, _, _) = probe(&repo, &cfg, &[("HEALTH_TOKEN", &tok)]);
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");

    let wrong = format!("{tok}-wrong");
    let (v, _, out) = probe(&repo, &cfg, &[("HEALTH_TOKEN", &wrong)]);
    let f = findings(&v);
    assert!(f[0].contains("status 401 (expected 2xx)"), "{f:?}");
    assert!(!out.contains(&wrong), "header value printed: {out}");

    // Missing: a clear error naming the endpoint and the variable, no request.
    let (v, code, out) = probe(&repo, &cfg, &[]);
    assert_eq!(code, 1);
    let f = findings(&v);
    assert!(
        f[0].starts_with("auth (")
            && f[0].contains("header X-Health-Token needs environment variable HEALTH_TOKEN"),
        "{f:?}"
    );
    assert!(!out.contains(&tok));
}

#[test]
fn redirects_are_followed_and_loops_named() {
    let repo = Repo::plain();
    let (v, _, _) = probe(
        &repo,
        &one("moved", &http("/moved"), "body_contains: ok"),
        &[],
    );
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");
    let (v, _, _) = probe(&repo, &one("loop", &http("/loop/a"), ""), &[]);
    let f = findings(&v);
    assert!(
        f[0].contains("redirect loop: ") && f[0].contains("/loop/a → /loop/b → /loop/a"),
        "{f:?}"
    );
    // Not retried: the loop will not fix itself.
    assert!(!f[0].contains("attempts"), "{f:?}");
}

#[test]
fn endless_body_is_read_up_to_the_cap() {
    let repo = Repo::plain();
    let url = format!("http://127.0.0.1:{}/stream", servers().endless);
    let (v, _, _) = probe(&repo, &one("endless", &url, "body_contains: ok"), &[]);
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(
        f[0].contains("body lacks \"ok\" (in its first 1 MiB read; the body is longer)"),
        "{f:?}"
    );
}

fn tls_repo() -> Repo {
    let repo = Repo::plain();
    repo.write("certs/ca.pem", &servers().ca_pem);
    repo
}

#[test]
fn certificate_expiring_in_3_days() {
    let repo = tls_repo();
    let url = format!("https://127.0.0.1:{}/healthz", servers().tls);
    let (v, _, _) = probe(
        &repo,
        &one("tls", &url, "ca_cert: certs/ca.pem\nmin_cert_days: 14"),
        &[],
    );
    let f = findings(&v);
    assert_eq!(f.len(), 1, "{v:#}");
    assert!(
        f[0].contains("certificate expires in 3 days (minimum 14)"),
        "{f:?}"
    );
    // Enough days: passes, and says how many are left.
    let (v, _, _) = probe(
        &repo,
        &one("tls", &url, "ca_cert: certs/ca.pem\nmin_cert_days: 2"),
        &[],
    );
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");
}

#[test]
fn untrusted_certificate_fails_and_ssl_cert_file_is_honoured() {
    let repo = tls_repo();
    let url = format!("https://127.0.0.1:{}/healthz", servers().tls);
    let (v, _, _) = probe(&repo, &one("tls", &url, ""), &[]);
    let f = findings(&v);
    assert!(f[0].contains("TLS: invalid peer certificate"), "{f:?}");
    let ca = repo.path().join("certs/ca.pem");
    let (v, _, _) = probe(
        &repo,
        &one("tls", &url, ""),
        &[("SSL_CERT_FILE", ca.to_str().unwrap())],
    );
    assert_eq!(status(&v, "health.reachable"), "pass", "{v:#}");
}

#[test]
fn offline_and_no_endpoints_skip_with_a_reason() {
    let repo = Repo::plain();
    repo.write("readyctl.yaml", one("api", &http("/healthz"), ""));
    let (v, _) = repo.check_json(&["--only", "health.reachable"]);
    assert_eq!(status(&v, "health.reachable"), "skip");
    let msg = check(&v, "health.reachable")["message"].as_str().unwrap();
    assert!(
        msg.contains("--offline") && msg.contains("1 endpoint"),
        "{msg}"
    );

    let (v, code, _) = probe(&repo, "version: 1\n", &[]);
    assert_eq!(code, 0);
    assert_eq!(status(&v, "health.reachable"), "skip");
    let msg = check(&v, "health.reachable")["message"].as_str().unwrap();
    assert!(msg.contains("no health.endpoints"), "{msg}");
}

#[test]
fn deadline_bounds_the_whole_check() {
    let repo = Repo::plain();
    let hang = format!("http://127.0.0.1:{}/h", servers().hang);
    let mut cfg = String::from(
        "version: 1\nhealth:\n  timeout: 5s\n  retries: 2\n  concurrency: 1\n  deadline: 1s\n  endpoints:\n",
    );
    for i in 0..3 {
        cfg.push_str(&format!("    - name: h{i}\n      url: {hang}\n"));
    }
    let start = Instant::now();
    let (v, _, _) = probe(&repo, &cfg, &[]);
    let took = start.elapsed();
    let f = findings(&v);
    assert_eq!(f.len(), 3, "{v:#}");
    // One endpoint (whichever the scheduler started) was being probed when
    // the deadline came; the other two never started.
    let reached = f
        .iter()
        .filter(|m| m.contains("deadline of 1s reached (1 attempt)"))
        .count();
    let not_probed = f
        .iter()
        .filter(|m| m.contains("not probed: the deadline of 1s was reached first"))
        .count();
    assert_eq!((reached, not_probed), (1, 2), "{f:?}");
    assert!(took < Duration::from_secs(4), "took {took:?}");
}

#[test]
fn many_endpoints_with_bounded_concurrency() {
    let repo = Repo::plain();
    let mut cfg = String::from("version: 1\nhealth:\n  concurrency: 8\n  endpoints:\n");
    for i in 0..200 {
        cfg.push_str(&format!(
            "    - name: e{i}\n      url: {}\n      body_contains: ok\n",
            http("/healthz")
        ));
    }
    let (v, code, _) = probe(&repo, &cfg, &[]);
    assert_eq!(code, 0, "{v:#}");
    let msg = check(&v, "health.reachable")["message"].as_str().unwrap();
    assert!(msg.contains("200 endpoints answered as expected"), "{msg}");
}

// ---- health.declared ---------------------------------------------------------

fn declared(repo: &Repo) -> (String, String, Vec<(String, u64)>, Vec<String>) {
    check_summary(repo, "health.declared")
}

/// A multi-document manifest in the shape `kubectl create deployment
/// --dry-run -o yaml` and most app repos use: Deployment + Service + Ingress,
/// a StatefulSet, a Job and a CronJob.
const K8S_WITH_PROBES: &str = r#"---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
          ports:
            - containerPort: 8080
              name: http
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 5
          livenessProbe:
            tcpSocket: {port: 8080}
        - name: log-shipper
          image: fluent/fluent-bit:3.0
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: postgres
          image: postgres:16
          readinessProbe:
            exec:
              command: ["pg_isready", "-U", "postgres"]
          startupProbe:
            grpc: {port: 5433}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/web:1.4.2
          args: ["migrate"]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: ghcr.io/acme/report:2
"#;

#[test]
fn kubernetes_multi_document_with_probes() {
    let repo = Repo::plain();
    repo.write("deploy/k8s/app.yaml", K8S_WITH_PROBES);
    let (st, msg, locs, f) = declared(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(locs.is_empty(), "Jobs and CronJobs are not findings: {f:?}");
    for want in [
        "deploy/k8s/app.yaml:21 readinessProbe of Deployment web, container web (HTTP GET /healthz on port http)",
        "deploy/k8s/app.yaml:26 livenessProbe of Deployment web, container web (TCP connect on port 8080)",
        "deploy/k8s/app.yaml:50 readinessProbe of StatefulSet db, container postgres (exec: pg_isready -U postgres)",
        "deploy/k8s/app.yaml:53 startupProbe of StatefulSet db, container postgres (gRPC health on port 5433)",
    ] {
        assert!(msg.contains(want), "missing {want:?} in {msg}");
    }
    assert!(msg.starts_with("4 health checks declared"), "{msg}");
}

#[test]
fn kubernetes_workloads_without_readiness_are_findings_at_their_line() {
    let repo = Repo::plain();
    // Liveness alone is not readiness; a DaemonSet with none at all.
    let manifest = K8S_WITH_PROBES.replace(
        "          readinessProbe:\n            httpGet:",
        "          startupProbe:\n            httpGet:",
    ) + r#"---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter}
spec:
  selector: {matchLabels: {app: ne}}
  template:
    metadata: {labels: {app: ne}}
    spec:
      containers:
        - name: node-exporter
          image: prom/node-exporter:v1.8.0
---
apiVersion: v1
kind: Service
metadata: {name: node-exporter}
spec:
  selector: {app: ne}
  ports: [{port: 9100}]
---
# A load generator: no Service sends it traffic, so no readiness needed.
apiVersion: apps/v1
kind: Deployment
metadata: {name: loadgenerator}
spec:
  selector: {matchLabels: {app: loadgenerator}}
  template:
    metadata: {labels: {app: loadgenerator}}
    spec:
      containers:
        - name: main
          image: ghcr.io/acme/loadgen:1.0.0
"#;
    repo.write("k8s/all.yaml", &manifest);
    let (st, msg, locs, f) = declared(&repo);
    assert_eq!(st, "fail", "{msg}");
    assert_eq!(
        locs,
        vec![
            ("k8s/all.yaml".to_string(), 3),
            ("k8s/all.yaml".to_string(), 83)
        ],
        "{f:?}"
    );
    assert!(
        f[0].starts_with("Deployment web is behind a Service but has no readinessProbe"),
        "{f:?}"
    );
    assert!(
        f[1].starts_with("DaemonSet node-exporter is behind a Service but has no readinessProbe"),
        "{f:?}"
    );
    // The message names the problems; the declarations are the pass's evidence.
    assert_eq!(msg, "4 health checks declared, but 2 problems");
}

/// `helm create` (Helm 3.14+) templates probes from values.yaml.
const HELM_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
  labels:
    {{- include "web.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
          {{- with .Values.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .Values.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
"#;

const HELM_VALUES: &str = r#"replicaCount: 1
image:
  repository: nginx
  tag: ""
service:
  port: 80
livenessProbe:
  httpGet:
    path: /live
    port: http
readinessProbe:
  httpGet:
    path: /ready
    port: http
"#;

/// Older charts write probes inline, and some forget them.
const HELM_NO_PROBE: &str = r#"{{- if .Values.worker.enabled }}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "web.fullname" . }}-worker
spec:
  template:
    metadata:
      labels:
        app: worker
    spec:
      containers:
        - name: worker
          image: "{{ .Values.image.repository }}"
          resources:
            {{- toYaml .Values.worker.resources | nindent 12 }}
{{- end }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "web.fullname" . }}-migrate
spec:
  template:
    spec:
      containers:
        - name: migrate
          image: "{{ .Values.image.repository }}"
"#;

/// Helm templates are rendered against the chart's values.yaml: a probe
/// written in values and templated in is listed at the template's line,
/// with what it checks.
#[test]
fn helm_probes_from_values_are_rendered() {
    let repo = Repo::plain();
    repo.write(
        "charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    repo.write("charts/web/values.yaml", HELM_VALUES);
    repo.write("charts/web/templates/deployment.yaml", HELM_DEPLOYMENT);
    let (st, msg, _, f) = declared(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert_eq!(
        msg,
        "2 health checks declared: \
         charts/web/templates/deployment.yaml:20 livenessProbe of Deployment ({{ include web.fullname }}), container web (HTTP GET /live on port http); \
         charts/web/templates/deployment.yaml:24 readinessProbe of Deployment ({{ include web.fullname }}), container web (HTTP GET /ready on port http)"
    );

    // A worker with no Service in front of it, in a chart whose Service
    // fronts another workload: nothing sends it traffic.
    repo.write(
        "charts/web/values.yaml",
        format!("{HELM_VALUES}worker:\n  enabled: true\n"),
    );
    repo.write(
        "charts/web/templates/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector:\n    app: web\n",
    );
    repo.write("charts/web/templates/worker.yaml", HELM_NO_PROBE);
    let (st, msg, locs, f) = declared(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(locs.is_empty(), "{f:?}");
    // With a Service selecting it, it must be ready first.
    repo.write(
        "charts/web/templates/worker.yaml",
        format!(
            "{HELM_NO_PROBE}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: worker\nspec:\n  selector:\n    app: worker\n"
        ),
    );
    let (st, _, locs, f) = declared(&repo);
    assert_eq!(st, "fail");
    assert_eq!(
        locs,
        vec![("charts/web/templates/worker.yaml".to_string(), 3)],
        "only the StatefulSet, not the Job: {f:?}"
    );
    assert_eq!(
        f[0],
        "StatefulSet {{ include web.fullname }}-worker is behind a Service but has no readinessProbe: traffic reaches pods before they can serve it"
    );
    // Disabled in values (the chart's default), the worker is not deployed.
    repo.write("charts/web/values.yaml", HELM_VALUES);
    let (st, msg, locs, f) = declared(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(locs.is_empty(), "{f:?}");
}

#[test]
fn compose_healthchecks() {
    let repo = Repo::plain();
    repo.write(
        "docker-compose.yml",
        r#"services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 10s
      retries: 5
  web:
    build: .
    depends_on:
      db: {condition: service_healthy}
    healthcheck:
      test: curl -fsS http://localhost:8000/health || exit 1
  worker:
    build: .
    healthcheck:
      disable: true
"#,
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.contains(
            "docker-compose.yml:6 healthcheck of compose service db (pg_isready -U postgres)"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("docker-compose.yml:14 healthcheck of compose service web (curl -fsS http://localhost:8000/health || exit 1)"),
        "{msg}"
    );
    assert!(!msg.contains("worker"), "{msg}");
    assert!(msg.starts_with("2 health checks declared"), "{msg}");
}

#[test]
fn compose_without_healthcheck_and_nothing_else_fails() {
    let repo = Repo::plain();
    repo.write(
        "compose.yaml",
        "services:\n  web:\n    build: .\n    ports: [\"8000:8000\"]\n  redis:\n    image: redis:7\n",
    );
    repo.write(
        "Dockerfile",
        "FROM python:3.12\nHEALTHCHECK NONE\nCMD [\"python\", \"app.py\"]\n",
    );
    let (st, msg, locs, _) = declared(&repo);
    assert_eq!(st, "fail");
    assert!(msg.starts_with("no health endpoint declared"), "{msg}");
    assert!(msg.contains("2 candidate files"), "{msg}");
    assert!(locs.is_empty());
}

#[test]
fn dockerfile_healthcheck_with_continuation() {
    let repo = Repo::plain();
    repo.write(
        "docker/api.Dockerfile",
        "FROM node:20-alpine\nWORKDIR /app\n# HEALTHCHECK CMD not-this\nHEALTHCHECK --interval=30s --timeout=3s \\\n  CMD wget -qO- http://localhost:3000/healthz || exit 1\nCMD [\"node\", \"server.js\"]\n",
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert_eq!(
        msg,
        "1 health check declared: docker/api.Dockerfile:4 Dockerfile HEALTHCHECK (wget -qO- http://localhost:3000/healthz || exit 1)"
    );
}

#[test]
fn terraform_health_checks_in_hcl() {
    let repo = Repo::plain();
    repo.write(
        "infra/lb.tf",
        r#"resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = var.vpc_id

  health_check {
    path                = "/healthz"
    healthy_threshold   = 2
    matcher             = "200"
  }
}

resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([{
    name  = "api"
    image = "acme/api:1.0"
    healthCheck = {
      command  = ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"]
      interval = 30
    }
  }])
}
"#,
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.contains(
            "infra/lb.tf:7 Terraform health_check of aws_lb_target_group.api (GET /healthz)"
        ),
        "{msg}"
    );
    assert!(
        msg.contains(
            "infra/lb.tf:19 Terraform ECS container healthCheck of aws_ecs_task_definition.api"
        ),
        "{msg}"
    );
}

/// The shapes real Terraform writes health checks in, read through the
/// Terraform model: Terraform JSON (`health_check` as an object and as a
/// list), an ECS task definition whose containers are a JSON heredoc or a
/// JSON string, a Google health check's nested `request_path`, a
/// `dynamic "health_check"`, and a module input.
#[test]
fn terraform_health_checks_in_every_shape() {
    let repo = Repo::plain();
    repo.write(
        "infra/lb.tf.json",
        r#"{
  "resource": {
    "aws_lb_target_group": {
      "api": {
        "name": "api",
        "port": 8080,
        "health_check": {"path": "/healthz", "matcher": "200"}
      },
      "admin": {
        "port": 9090,
        "health_check": [{"path": "/admin/health"}]
      }
    },
    "aws_ecs_task_definition": {
      "worker": {
        "family": "worker",
        "container_definitions": "[{\"name\": \"worker\", \"healthCheck\": {\"command\": [\"CMD-SHELL\", \"worker --ping\"]}}]"
      }
    }
  }
}
"#,
    );
    repo.write(
        "infra/ecs.tf",
        r#"resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = <<DEFINITION
[
  {
    "name": "web",
    "image": "${var.image}",
    "healthCheck": {
      "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
      "interval": 30
    }
  }
]
DEFINITION
}

resource "google_compute_health_check" "http" {
  name = "http"
  http_health_check {
    port         = 8080
    request_path = "/ready"
  }
}

resource "aws_lb_target_group" "dyn" {
  port = 80
  dynamic "health_check" {
    for_each = var.checks
    content {
      path = "/dyn"
    }
  }
}

module "alb" {
  source = "terraform-aws-modules/alb/aws"
  target_groups = {
    app = {
      port = 80
      health_check = {
        path    = "/app/health"
        matcher = "200-399"
      }
    }
  }
}
"#,
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "pass", "{msg}");
    for want in [
        "infra/ecs.tf:8 Terraform ECS container healthCheck of aws_ecs_task_definition.web (curl -f http://localhost/ || exit 1)",
        "infra/ecs.tf:17 Terraform google_compute_health_check.http (GET /ready)",
        "infra/ecs.tf:27 Terraform health_check of aws_lb_target_group.dyn (GET /dyn)",
        "infra/ecs.tf:40 Terraform health_check of module.alb (GET /app/health)",
        "infra/lb.tf.json:7 Terraform health_check of aws_lb_target_group.api (GET /healthz)",
        "infra/lb.tf.json:11 Terraform health_check of aws_lb_target_group.admin (GET /admin/health)",
        "infra/lb.tf.json:17 Terraform ECS container healthCheck of aws_ecs_task_definition.worker (worker --ping)",
    ] {
        assert!(msg.contains(want), "missing {want:?} in {msg}");
    }
    assert!(msg.starts_with("7 health checks declared"), "{msg}");

    // A Terraform JSON target group without a health check is a candidate
    // with nothing declared.
    let repo = Repo::plain();
    repo.write(
        "lb.tf.json",
        r#"{"resource": {"aws_lb_target_group": {"api": {"port": 8080}}}}"#,
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "fail", "{msg}");
    assert!(msg.contains("in 1 candidate file"), "{msg}");
}

#[test]
fn readyctl_yaml_endpoints_are_declarations() {
    let repo = Repo::plain();
    repo.write(
        "readyctl.yaml",
        "version: 1\nhealth:\n  endpoints:\n    - name: api\n      url: https://api.example.com/healthz?key=abc\n",
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "pass");
    assert_eq!(
        msg,
        "1 health check declared: readyctl.yaml:4 endpoint api (https://api.example.com/healthz?key=****)"
    );
}

#[test]
fn broken_manifests_are_findings_not_panics() {
    let repo = Repo::plain();
    repo.write(
        "k8s/bad.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n   bad: [unclosed\n",
    );
    repo.write("compose.yml", "services:\n  web: {build: .\n");
    repo.write("k8s/bin.yaml", [0xffu8, 0xfe, 0x00, 0x01]);
    let (st, _, locs, f) = declared(&repo);
    assert_eq!(st, "fail");
    assert_eq!(locs.len(), 2, "{f:?}");
    assert!(
        f.iter().all(|m| m.starts_with("cannot read as YAML")),
        "{f:?}"
    );
    assert!(locs.iter().all(|(_, l)| *l > 0), "{locs:?}");
}

#[test]
fn kustomize_patches_and_shared_helm_probes_are_not_findings() {
    let repo = Repo::plain();
    repo.write("k8s/base/deployment.yaml", K8S_WITH_PROBES);
    repo.write(
        "k8s/overlays/prod/kustomization.yaml",
        "resources: [../../base]\npatches:\n  - path: replicas.yaml\n",
    );
    // A strategic-merge patch: containers without an image.
    repo.write(
        "k8s/overlays/prod/replicas.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 6\n  template:\n    spec:\n      containers:\n        - name: web\n          resources: {limits: {memory: 1Gi}}\n",
    );
    repo.write(
        "charts/api/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: {{ .Values.image }}\n          {{- include \"common.probes\" . | nindent 10 }}\n",
    );
    let (st, msg, locs, f) = declared(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(locs.is_empty());
}

/// A base deployed by two kustomize overlays (each renaming it): each
/// probe line of the base is one declaration, not one per overlay.
#[test]
fn kustomize_overlays_declare_each_probe_once() {
    let repo = Repo::plain();
    repo.write("k8s/base/app.yaml", K8S_WITH_PROBES);
    repo.write("k8s/base/kustomization.yaml", "resources: [app.yaml]\n");
    for env in ["staging", "production"] {
        repo.write(
            &format!("k8s/overlays/{env}/kustomization.yaml"),
            format!("resources: [../../base]\nnamePrefix: {env}-\n"),
        );
    }
    let (st, msg, locs, f) = declared(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(locs.is_empty(), "{f:?}");
    assert!(msg.starts_with("4 health checks declared"), "{msg}");
    for line in [21, 26, 50, 53] {
        assert_eq!(
            msg.matches(&format!("k8s/base/app.yaml:{line} ")).count(),
            1,
            "{msg}"
        );
    }
}

#[test]
fn kubernetes_fixtures_in_testdata_are_not_the_service() {
    // A Kubernetes tool's test fixtures: workloads without probes under
    // testdata/ and a test_files/ tree must not fail health.declared.
    let repo = crate::common::Repo::git();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
    repo.write("pkg/lint/testdata/deploy.yaml", deployment);
    repo.write("test_files/no-probe.yaml", deployment);
    repo.write("main.go", "package main\n");
    repo.commit("fixtures");
    let (r, _) = repo.check_json(&["--only", "health.declared"]);
    let c = crate::common::check(&r, "health.declared");
    assert_ne!(c["status"], "fail", "{c:#}");
    assert!(c["findings"].as_array().unwrap().is_empty(), "{c:#}");
}

#[test]
fn a_policy_that_names_probes_is_not_a_probe_and_a_cli_image_serves_nothing() {
    // A Kubernetes policy tool: its check definitions are JSON Schemas that
    // mention livenessProbe; its image runs a CLI and exposes no port.
    let repo = Repo::plain();
    repo.write(
        "pkg/config/checks/livenessProbeMissing.yaml",
        "successMessage: Liveness probe is configured\ntarget: Container\nschema:\n  '$schema': http://json-schema.org/draft-07/schema\n  type: object\n  required:\n  - livenessProbe\n  properties:\n    livenessProbe:\n      type: object\n      not:\n        const: null\n",
    );
    repo.write(
        "Dockerfile",
        "FROM alpine:3.20\nCOPY kube-score /usr/bin/\nENTRYPOINT [\"kube-score\"]\n",
    );
    let (st, msg, _, f) = declared(&repo);
    assert_eq!(st, "skip", "{msg} {f:?}");
    // The same image serving a port is a candidate, and has nothing declared.
    repo.write(
        "Dockerfile",
        "FROM alpine:3.20\nEXPOSE 8080\nENTRYPOINT [\"server\"]\n",
    );
    let (st, msg, _, _) = declared(&repo);
    assert_eq!(st, "fail", "{msg}");
}
