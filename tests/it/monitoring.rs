//! `monitoring` tests: `monitoring.configured` on fixture repositories.

use crate::common::{Repo, check_summary};

fn run(repo: &Repo) -> (String, String, Vec<(String, u64)>, Vec<String>) {
    check_summary(repo, "monitoring.configured")
}

const RULES: &str = r#"groups:
  - name: api.rules
    interval: 30s
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - alert: HighErrorRate
        expr: |
          sum(rate(http_requests_total{code=~"5.."}[5m]))
            / sum(rate(http_requests_total[5m])) > 0.05
        for: 10m
        labels:
          severity: page
        annotations:
          summary: "More than 5% of requests fail ({{ $value | humanizePercentage }})"
      - alert: InstanceDown
        expr: up == 0
        for: 5m
"#;

#[test]
fn nothing_configured_fails() {
    let repo = Repo::plain();
    repo.write("README.md", "# app\n");
    repo.write("config.yaml", "groups: [a, b]\nname: x\n");
    let (st, msg, locs, _) = run(&repo);
    assert_eq!(st, "fail");
    assert!(
        msg.starts_with("no monitoring or alerting configuration found"),
        "{msg}"
    );
    assert!(locs.is_empty());
}

#[test]
fn prometheus_rule_file_passes() {
    let repo = Repo::plain();
    repo.write("monitoring/alerts.yml", RULES);
    let (st, msg, _, f) = run(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert_eq!(
        msg,
        "monitoring configured: monitoring/alerts.yml:1 Prometheus rules (2 alerts, 1 recording rule)"
    );
}

#[test]
fn broken_rule_files_are_findings_at_their_line() {
    let repo = Repo::plain();
    repo.write(
        "monitoring/bad.yml",
        r#"groups:
  - name: api
    rules:
      - alert: Unclosed
        expr: sum(rate(http_requests_total[5m])
      - alert: NoExpr
        for: 5m
      - expr: up == 0
      - alert: BadFor
        expr: up == 0
        for: five minutes
  - rules: []
"#,
    );
    repo.write(
        "monitoring/broken.yml",
        "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: [up\n",
    );
    let (st, msg, locs, f) = run(&repo);
    assert_eq!(st, "fail", "{msg}");
    assert_eq!(
        locs,
        vec![
            ("monitoring/bad.yml".to_string(), 5),
            ("monitoring/bad.yml".to_string(), 6),
            ("monitoring/bad.yml".to_string(), 8),
            ("monitoring/bad.yml".to_string(), 11),
            ("monitoring/bad.yml".to_string(), 12),
            ("monitoring/broken.yml".to_string(), 5),
        ],
        "{f:?}"
    );
    assert!(
        f[0].contains("rule Unclosed: expr has an unclosed `(`"),
        "{f:?}"
    );
    assert!(f[1].contains("rule NoExpr: no `expr`"), "{f:?}");
    assert!(f[2].contains("neither `alert` nor `record`"), "{f:?}");
    assert!(
        f[3].contains("\"five minutes\" is not a Prometheus duration"),
        "{f:?}"
    );
    assert!(f[4].contains("rule group has no `name`"), "{f:?}");
    assert!(f[5].starts_with("does not parse as YAML"), "{f:?}");
}

#[test]
fn prometheus_operator_resources() {
    let repo = Repo::plain();
    let indented: String = RULES.lines().map(|l| format!("  {l}\n")).collect();
    repo.write(
        "k8s/monitoring.yaml",
        format!(
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: api\nspec:\n  selector: {{matchLabels: {{app: api}}}}\n  endpoints: [{{port: metrics, interval: 30s}}]\n---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: api-alerts\nspec:\n{indented}"
        ),
    );
    let (st, msg, _, f) = run(&repo);
    assert_eq!(st, "pass", "{msg} {f:?}");
    assert!(
        msg.contains("k8s/monitoring.yaml:2 ServiceMonitor api"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "k8s/monitoring.yaml:10 PrometheusRule api-alerts (2 alerts, 1 recording rule)"
        ),
        "{msg}"
    );
}

#[test]
fn helm_templated_pod_monitor_is_read_as_text() {
    let repo = Repo::plain();
    repo.write(
        "charts/api/templates/podmonitor.yaml",
        "{{- if .Values.metrics.enabled }}\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata:\n  name: {{ include \"api.fullname\" . }}\n{{- end }}\n",
    );
    let (st, msg, _, _) = run(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.contains("charts/api/templates/podmonitor.yaml:3 PodMonitor (template)"),
        "{msg}"
    );
}

#[test]
fn alertmanager_and_prometheus_config() {
    let repo = Repo::plain();
    repo.write(
        "alertmanager/alertmanager.yml",
        "route:\n  receiver: pager\n  group_by: [alertname]\nreceivers:\n  - name: pager\n    pagerduty_configs:\n      - routing_key_file: /etc/pd/key\n",
    );
    repo.write(
        "prometheus/prometheus.yml",
        "global:\n  scrape_interval: 15s\nrule_files: [rules/*.yml]\nscrape_configs:\n  - job_name: api\n    static_configs: [{targets: ['api:9090']}]\n",
    );
    let (st, msg, _, _) = run(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.contains("alertmanager/alertmanager.yml:1 Alertmanager configuration (1 receiver)"),
        "{msg}"
    );
    assert!(
        msg.contains("prometheus/prometheus.yml:4 Prometheus configuration (1 scrape job)"),
        "{msg}"
    );
}

#[test]
fn grafana_dashboards() {
    let repo = Repo::plain();
    repo.write(
        "dashboards/api.json",
        r#"{"title": "API", "uid": "api", "panels": [{"type": "timeseries", "title": "RPS"}, {"type": "stat"}], "schemaVersion": 39}"#,
    );
    repo.write(
        "package.json",
        r#"{"name": "x", "panels": "not a dashboard"}"#,
    );
    let (st, msg, _, _) = run(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert_eq!(
        msg,
        "monitoring configured: dashboards/api.json:1 Grafana dashboard \"API\" (2 panels)"
    );

    repo.write(
        "dashboards/broken.json",
        "{\"title\": \"x\",\n \"panels\": [\n}",
    );
    let (st, _, locs, f) = run(&repo);
    assert_eq!(st, "fail");
    assert_eq!(
        locs,
        vec![("dashboards/broken.json".to_string(), 3)],
        "{f:?}"
    );
}

#[test]
fn terraform_monitoring_resources() {
    let repo = Repo::plain();
    repo.write(
        "infra/alarms.tf",
        r#"resource "aws_lb" "api" {}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "api-5xx"
  comparison_operator = "GreaterThanThreshold"
}

resource "datadog_monitor" "latency" {
  name = "p99 latency"
}
"#,
    );
    repo.write(
        "infra/pd.tf",
        "resource \"pagerduty_service\" \"api\" {\n  name = \"api\"\n}\n",
    );
    let (st, msg, _, _) = run(&repo);
    assert_eq!(st, "pass", "{msg}");
    for want in [
        "infra/alarms.tf:3 Terraform aws_cloudwatch_metric_alarm.api_5xx",
        "infra/alarms.tf:8 Terraform datadog_monitor.latency",
        "infra/pd.tf:1 Terraform pagerduty_service.api",
    ] {
        assert!(msg.contains(want), "missing {want:?} in {msg}");
    }
}

#[test]
fn terraform_json_monitoring_resources_count_and_comments_do_not() {
    // `.tf.json` is Terraform too: read through the same model as `.tf`.
    let repo = Repo::plain();
    repo.write(
        "infra/alarms.tf.json",
        "{\n  \"resource\": {\n    \"aws_cloudwatch_metric_alarm\": {\n      \"api_5xx\": {\n        \"alarm_name\": \"api-5xx\"\n      }\n    }\n  }\n}\n",
    );
    let (st, msg, _, _) = run(&repo);
    assert_eq!(st, "pass", "{msg}");
    assert!(
        msg.contains("infra/alarms.tf.json:4 Terraform aws_cloudwatch_metric_alarm.api_5xx"),
        "{msg}"
    );
    // A resource only written in a heredoc or commented out is not one.
    let repo = Repo::plain();
    repo.write(
        "infra/main.tf",
        "# resource \"datadog_monitor\" \"old\" {}\nlocals {\n  doc = <<EOT\nresource \"pagerduty_service\" \"x\" {}\nEOT\n}\n",
    );
    let (st, msg, _, _) = run(&repo);
    assert_eq!(st, "fail", "{msg}");
}

#[test]
fn deliberately_broken_test_configs_do_not_fail() {
    // Prometheus-style repositories keep invalid rule files as test input.
    let repo = crate::common::Repo::git();
    repo.write(
        "monitoring/alerts.yml",
        "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: up{job=\"api\"} == 0\n        for: 5m\n        labels:\n          severity: page\n        annotations:\n          summary: API down\n",
    );
    repo.write(
        "cmd/promtool/testdata/rules.bad.yml",
        "groups:\n  - name: x\n    rules:\n      - alert: Bad\n        expr: up ==\n",
    );
    repo.write("config/bad_rules.bad.yml", "groups:\n  - rules: [\n");
    repo.commit("rules");
    let (r, _) = repo.check_json(&["--only", "monitoring.configured"]);
    let c = crate::common::check(&r, "monitoring.configured");
    assert_eq!(c["status"], "pass", "{c:#}");
}

#[test]
fn grafana_alerting_provisioning_is_grafana_not_prometheus() {
    // The OpenTelemetry demo's shape: Grafana-managed alert rules.
    let repo = crate::common::Repo::git();
    repo.write(
        "src/grafana/provisioning/alerting/cart-service-alerting.yml",
        "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: cart\n    folder: Demo\n    interval: 1m\n    rules:\n      - uid: cart-errors\n        title: Cart errors\n        condition: C\n        data:\n          - refId: A\n            datasourceUid: prometheus\n            model:\n              expr: sum(rate(app_cart_errors_total[5m]))\n        for: 5m\n",
    );
    repo.commit("grafana");
    let (r, _) = repo.check_json(&["--only", "monitoring.configured"]);
    let c = crate::common::check(&r, "monitoring.configured");
    assert_eq!(c["status"], "pass", "{c:#}");
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("Grafana alert rules (1)"),
        "{c:#}"
    );
}

#[test]
fn promql_comment_with_an_apostrophe_is_not_an_unterminated_string() {
    let repo = crate::common::Repo::git();
    repo.write(
        "monitoring/rules.yml",
        "groups:\n  - name: api\n    rules:\n      - alert: ApiDown\n        expr: |\n          # don't page for a single scrape miss\n          up{job=\"api\"} == 0\n        for: 5m\n",
    );
    repo.commit("rules");
    let (r, _) = repo.check_json(&["--only", "monitoring.configured"]);
    let c = crate::common::check(&r, "monitoring.configured");
    assert_eq!(c["status"], "pass", "{c:#}");
}
