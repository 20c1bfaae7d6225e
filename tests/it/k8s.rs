//! `k8s.*` and `deploy.strategy` on fixture repositories in the shapes
//! real repositories have: a Helm chart whose values set replicas and
//! resources, a Kustomize base with overlays, an Argo Rollout canary, an
//! ECS service in Terraform, CronJobs, and test fixtures that are not the
//! product.

use crate::common::{Repo, check_summary};

type Summary = (String, String, Vec<(String, u64)>, Vec<String>);

fn run(repo: &Repo, id: &str) -> Summary {
    check_summary(repo, id)
}

fn loc(path: &str, line: u64) -> (String, u64) {
    (path.to_string(), line)
}

// ---------------------------------------------------------------- Helm

const CHART: &str = "apiVersion: v2\nname: shop\nversion: 0.3.0\nappVersion: \"1.4.2\"\n";

const VALUES_GOOD: &str = r#"replicaCount: 3
image:
  repository: ghcr.io/acme/shop
  # Overrides the image tag whose default is the chart appVersion.
  tag: ""
hpa:
  enabled: false
resources:
  requests:
    cpu: 100m
    memory: 128Mi
  limits:
    memory: 256Mi
pdb:
  enabled: true
"#;

const VALUES_BAD: &str = r#"replicaCount: 1
image:
  repository: ghcr.io/acme/shop
  tag: latest
hpa:
  enabled: false
resources: {}
pdb:
  enabled: false
"#;

const DEPLOYMENT_TPL: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  {{- if not .Values.hpa.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "shop.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "shop.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          ports:
            - containerPort: 8080
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"#;

const SERVICE_TPL: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: {{ include "shop.fullname" . }}
spec:
  selector:
    {{- include "shop.selectorLabels" . | nindent 4 }}
  ports:
    - port: 80
      targetPort: 8080
"#;

const PDB_TPL: &str = r#"{{- if .Values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "shop.fullname" . }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "shop.selectorLabels" . | nindent 6 }}
{{- end }}
"#;

fn chart(values: &str) -> Repo {
    let r = Repo::plain();
    r.write("charts/shop/Chart.yaml", CHART)
        .write("charts/shop/values.yaml", values)
        .write(
            "charts/shop/templates/_helpers.tpl",
            "{{- define \"shop.fullname\" -}}{{ .Release.Name }}{{- end }}\n",
        )
        .write("charts/shop/templates/deployment.yaml", DEPLOYMENT_TPL)
        .write("charts/shop/templates/service.yaml", SERVICE_TPL)
        .write("charts/shop/templates/pdb.yaml", PDB_TPL);
    r
}

#[test]
fn helm_values_set_replicas_resources_and_the_tag() {
    let r = chart(VALUES_GOOD);
    for id in [
        "k8s.resources",
        "k8s.disruption",
        "k8s.images-pinned",
        "deploy.strategy",
    ] {
        let (status, msg, locs, _) = run(&r, id);
        assert_eq!(status, "pass", "{id}: {msg} {locs:?}");
    }
    let (_, msg, _, _) = run(&r, "k8s.images-pinned");
    assert!(msg.contains("1 image"), "{msg}");
}

#[test]
fn helm_values_that_leave_gaps_fail_where_the_value_is() {
    let r = chart(VALUES_BAD);
    let (status, _, locs, msgs) = run(&r, "k8s.resources");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("charts/shop/templates/deployment.yaml", 2)]);
    assert!(
        msgs[0].contains("no CPU request, memory request, memory limit"),
        "{msgs:?}"
    );

    let (status, _, locs, msgs) = run(&r, "k8s.disruption");
    assert_eq!(status, "fail");
    // The replica count to raise is in values.yaml.
    assert_eq!(locs, vec![loc("charts/shop/values.yaml", 1)]);
    assert!(
        msgs[0].contains("runs 1 replica and no PodDisruptionBudget"),
        "{msgs:?}"
    );

    let (status, _, locs, msgs) = run(&r, "k8s.images-pinned");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("charts/shop/values.yaml", 4)]);
    assert!(msgs[0].contains("ghcr.io/acme/shop:latest"), "{msgs:?}");
}

#[test]
fn helm_values_the_model_cannot_resolve_are_not_failures() {
    let r = chart("image:\n  repository: ghcr.io/acme/shop\n");
    // resources, replicaCount and tag are missing from values.yaml: a
    // `toYaml` of nothing, an unknown count and the appVersion default.
    let (status, msg, _, _) = run(&r, "k8s.images-pinned");
    assert_eq!(status, "pass", "{msg}");
    let (status, msg, _, _) = run(&r, "k8s.disruption");
    assert_eq!(status, "fail", "{msg}");
    let (_, _, _, msgs) = run(&r, "k8s.disruption");
    assert!(!msgs[0].contains("replica"), "{msgs:?}");
}

// ---------------------------------------------------------------- Kustomize

const BASE_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
"#;

const BASE_SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n";

const PDB: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: api\n";

fn kustomize(prod_pdb: bool) -> Repo {
    let r = Repo::plain();
    r.write("deploy/base/deployment.yaml", BASE_DEPLOYMENT)
        .write("deploy/base/service.yaml", BASE_SERVICE)
        .write(
            "deploy/base/kustomization.yaml",
            "resources:\n  - deployment.yaml\n  - service.yaml\n",
        )
        .write(
            "deploy/overlays/dev/kustomization.yaml",
            "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newTag: dev-3f2a1c\n",
        )
        .write(
            "deploy/overlays/production/replicas.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n",
        )
        .write("deploy/overlays/production/pdb.yaml", PDB);
    let resources = if prod_pdb {
        "  - ../../base\n  - pdb.yaml\n"
    } else {
        "  - ../../base\n"
    };
    r.write(
        "deploy/overlays/production/kustomization.yaml",
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n{resources}patches:\n  - path: replicas.yaml\nimages:\n  - name: ghcr.io/acme/api\n    newTag: 1.4.2\n"
        ),
    );
    r
}

#[test]
fn a_kustomize_overlay_raising_replicas_passes() {
    let r = kustomize(true);
    for id in [
        "k8s.resources",
        "k8s.disruption",
        "k8s.images-pinned",
        "deploy.strategy",
    ] {
        let (status, msg, locs, _) = run(&r, id);
        assert_eq!(status, "pass", "{id}: {msg} {locs:?}");
    }
}

#[test]
fn an_overlay_without_a_budget_fails_at_the_base_object() {
    let r = kustomize(false);
    let (status, _, locs, msgs) = run(&r, "k8s.disruption");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("deploy/base/deployment.yaml", 2)]);
    // The dev overlay may run one replica; production has 3 but no PDB.
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("no PodDisruptionBudget") && msgs[0].contains("overlay production"),
        "{msgs:?}"
    );
    assert!(!msgs[0].contains("replica"), "{msgs:?}");
}

#[test]
fn an_image_the_overlay_does_not_pin_fails_at_the_image_line() {
    let r = kustomize(true);
    r.write(
        "deploy/overlays/production/kustomization.yaml",
        "resources:\n  - ../../base\n  - pdb.yaml\npatches:\n  - path: replicas.yaml\n",
    );
    let (status, _, locs, msgs) = run(&r, "k8s.images-pinned");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("deploy/base/deployment.yaml", 17)]);
    assert!(msgs[0].contains("ghcr.io/acme/api has no tag"), "{msgs:?}");
}

// ---------------------------------------------------------------- plain manifests

#[test]
fn one_workload_shipped_three_ways_is_one_finding_naming_every_place() {
    // microservices-demo's and bank-of-anthos' shape: the same Deployment
    // in plain manifests, a Kustomize base and a variant under `extras/`;
    // the shallowest is the one reported.
    let r = Repo::plain();
    let both = format!("{BASE_DEPLOYMENT}---\n{BASE_SERVICE}");
    r.write("kubernetes-manifests/api.yaml", &both)
        .write("kustomize/base/api.yaml", &both)
        .write(
            "kustomize/base/kustomization.yaml",
            "resources:\n  - api.yaml\n",
        )
        .write(
            "extras/cloudsql/bundle.yaml",
            format!("{BASE_SERVICE}---\n{BASE_DEPLOYMENT}"),
        );
    let (status, msg, locs, msgs) = run(&r, "k8s.disruption");
    assert_eq!(status, "fail");
    assert_eq!(
        msg,
        "1 workload behind a Service can be taken down by one disruption (3 places to fix)"
    );
    assert_eq!(locs, vec![loc("kubernetes-manifests/api.yaml", 6)]);
    assert!(
        msgs[0].ends_with(
            "; also defined at extras/cloudsql/bundle.yaml:16, kustomize/base/api.yaml:6"
        ),
        "{msgs:?}"
    );
}

fn plain(strategy: &str, image: &str) -> Repo {
    let r = Repo::plain();
    r.write(
        "k8s/web.yaml",
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n{strategy}  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: {image}\n          resources:\n            requests: {{cpu: 50m, memory: 64Mi}}\n            limits: {{memory: 128Mi}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {{app: web}}\n  ports: [{{port: 80}}]\n"
        ),
    );
    r
}

#[test]
fn recreate_behind_a_service_fails_at_the_strategy() {
    let r = plain("  strategy:\n    type: Recreate\n", "nginx:1.27");
    let (status, _, locs, msgs) = run(&r, "deploy.strategy");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("k8s/web.yaml", 7)]);
    assert!(msgs[0].contains("Recreate"), "{msgs:?}");

    let r = plain(
        "  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: 100%}\n",
        "nginx:1.27",
    );
    let (status, _, _, msgs) = run(&r, "deploy.strategy");
    assert_eq!(status, "fail", "{msgs:?}");

    // No strategy is Kubernetes' default rolling update (25% unavailable).
    let r = plain("", "nginx:1.27");
    let (status, msg, _, _) = run(&r, "deploy.strategy");
    assert_eq!(status, "pass", "{msg}");
}

#[test]
fn limits_alone_are_the_requests() {
    let r = plain("", "nginx:1.27");
    r.write(
        "k8s/web.yaml",
        r.read("k8s/web.yaml").replace(
            "requests: {cpu: 50m, memory: 64Mi}\n            limits: {memory: 128Mi}",
            "limits: {cpu: 500m, memory: 128Mi}",
        ),
    );
    let (status, msg, locs, _) = run(&r, "k8s.resources");
    assert_eq!(status, "pass", "{msg} {locs:?}");
    r.write(
        "k8s/web.yaml",
        r.read("k8s/web.yaml")
            .replace("limits: {cpu: 500m, memory: 128Mi}", "limits: {cpu: 500m}"),
    );
    let (status, _, locs, msgs) = run(&r, "k8s.resources");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("k8s/web.yaml", 2)]);
    assert_eq!(
        msgs,
        vec!["Deployment web: web (no memory request, memory limit)"]
    );
}

#[test]
fn latest_fails_at_the_image_line() {
    let r = plain("", "nginx:latest");
    let (status, _, locs, _) = run(&r, "k8s.images-pinned");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("k8s/web.yaml", 15)]);
    let r = plain(
        "",
        "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
    );
    assert_eq!(run(&r, "k8s.images-pinned").0, "pass");
}

#[test]
fn cronjobs_need_no_budget_and_test_fixtures_are_not_workloads() {
    let r = Repo::plain();
    r.write(
        "k8s/report.yaml",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {app: report}\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: ghcr.io/acme/report:2.0.1\n              resources:\n                requests: {cpu: 10m, memory: 32Mi}\n                limits: {memory: 64Mi}\n",
    )
    // A fixture of the test suite: unpinned, no resources, no budget.
    .write(
        "testdata/bad/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  template:\n    metadata:\n      labels: {app: bad}\n    spec:\n      containers:\n        - name: bad\n          image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata: {name: bad}\nspec:\n  selector: {app: bad}\n",
    );
    let (status, msg, _, _) = run(&r, "k8s.disruption");
    assert_eq!(status, "skip", "{msg}");
    assert_eq!(run(&r, "k8s.resources").0, "pass");
    assert_eq!(run(&r, "k8s.images-pinned").0, "pass");
    // Nothing long-running to roll out.
    assert_eq!(run(&r, "deploy.strategy").0, "skip");
}

#[test]
fn nothing_kubernetes_skips() {
    let r = Repo::plain();
    r.write("README.md", "# lib\n");
    for id in [
        "k8s.resources",
        "k8s.disruption",
        "k8s.images-pinned",
        "deploy.strategy",
    ] {
        let (status, msg, _, _) = run(&r, id);
        assert_eq!(status, "skip", "{id}: {msg}");
    }
}

// ---------------------------------------------------------------- rollouts

const ROLLOUT: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 4
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout}
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:3.1.0
          resources:
            requests: {cpu: 200m, memory: 256Mi}
            limits: {memory: 512Mi}
  strategy:
    canary:
      canaryService: checkout-canary
      stableService: checkout
      analysis:
        templates:
          - templateName: success-rate
      steps:
        - setWeight: 20
        - pause: {duration: 5m}
        - setWeight: 50
        - pause: {duration: 10m}
---
apiVersion: v1
kind: Service
metadata: {name: checkout}
spec:
  selector: {app: checkout}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: checkout}
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: checkout}
"#;

#[test]
fn an_argo_rollout_canary_is_a_safe_strategy() {
    let r = Repo::plain();
    r.write("deploy/checkout.yaml", ROLLOUT);
    let (status, msg, _, _) = run(&r, "deploy.strategy");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("Argo Rollouts canary"), "{msg}");
    assert_eq!(run(&r, "k8s.disruption").0, "pass");
    assert_eq!(run(&r, "k8s.resources").0, "pass");
}

const ECS: &str = r#"resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 3

  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
"#;

#[test]
fn an_ecs_service_that_may_stop_every_task_fails() {
    let r = Repo::plain();
    r.write("infra/ecs.tf", ECS);
    let (status, _, locs, msgs) = run(&r, "deploy.strategy");
    assert_eq!(status, "fail");
    assert_eq!(locs, vec![loc("infra/ecs.tf", 1)]);
    assert!(
        msgs[0].contains("deployment_minimum_healthy_percent = 0"),
        "{msgs:?}"
    );

    r.write(
        "infra/ecs.tf",
        ECS.replace(
            "deployment_minimum_healthy_percent = 0",
            "deployment_minimum_healthy_percent = 50",
        ),
    );
    let (status, msg, _, _) = run(&r, "deploy.strategy");
    assert_eq!(status, "pass", "{msg}");
    assert!(msg.contains("Terraform"), "{msg}");
}

// ---------------------------------------------------------------- scaffold

#[test]
fn scaffold_missing_writes_a_budget_that_makes_disruption_pass() {
    let r = Repo::plain();
    r.write(
        "k8s/api.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api, tier: web}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.2\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec:\n  selector: {app: api}\n",
    );
    assert_eq!(run(&r, "k8s.disruption").0, "fail");
    let out = r.readyctl(&["scaffold", "--missing", "."]);
    assert!(
        out.stdout.contains("k8s/api-disruption.yaml"),
        "{}",
        out.stdout
    );
    let written = r.read("k8s/api-disruption.yaml");
    assert!(
        written.contains("kind: PodDisruptionBudget")
            && written.contains("kind: HorizontalPodAutoscaler"),
        "{written}"
    );
    assert!(written.contains("namespace: shop"), "{written}");
    let (status, msg, _, _) = run(&r, "k8s.disruption");
    assert_eq!(status, "pass", "{msg}");
    // Run again: nothing left to write, and that is not an error.
    let again = r.readyctl(&["scaffold", "disruption", "."]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("nothing to scaffold"),
        "{}",
        again.stdout
    );
}

// ---------------------------------------------------------------- one meaning

#[test]
fn health_declared_and_disruption_agree_on_behind_a_service() {
    let r = Repo::plain();
    // A queue worker with no Service near it, and an unrelated demo
    // Service elsewhere that happens to select the same label.
    r.write(
        "k8s/worker.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    metadata:\n      labels: {app: worker}\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/acme/worker:2.0.0\n",
    )
    .write(
        "extras/demo/kubernetes-manifests/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: worker}\nspec:\n  selector: {app: worker}\n",
    )
    .write(
        "k8s/api.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:2.0.0\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n",
    );
    let (_, _, locs, _) = run(&r, "health.declared");
    assert_eq!(locs, vec![loc("k8s/api.yaml", 2)]);
    let (_, _, locs, _) = run(&r, "k8s.disruption");
    assert_eq!(locs, vec![loc("k8s/api.yaml", 2)]);
}
