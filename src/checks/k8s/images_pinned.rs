//! `k8s.images-pinned`: every container image names a tag other than
//! `latest`, or a digest.

use super::dedupe;
use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;

const EXPLAIN: &str = r#"
## What it checks
That every container and init container image of every Kubernetes workload
names a tag other than `latest` (`ghcr.io/acme/api:1.4.2`) or a digest
(`…@sha256:…`). An image without a tag means `latest`.

Helm charts are rendered against their own `values.yaml`: an image whose
tag defaults to `.Chart.AppVersion` (`{{ .Values.image.tag | default .Chart.AppVersion }}`)
is pinned to the chart's `appVersion`. An image the repository builds with
Skaffold (`build.artifacts[].image`) is tagged by Skaffold at deploy time
and is not judged. Kustomize `images:` entries
(`newTag`, `digest`) apply to the overlay's objects. A tag the model cannot
resolve is unknown, never a failure. The finding points at the line to
change: the image line, the values.yaml key or the kustomization entry.

## Why it matters
`latest` moves: two nodes pull two different images for the same
Deployment, a rollback redeploys whatever `latest` is today, and a reviewer
cannot tell from the manifest what runs.

## How to fix
Pin each image to a version tag your release process bumps, or to a digest.

## Example
```yaml
containers:
  - name: api
    image: ghcr.io/acme/api:1.4.2
```
"#;

pub struct ImagesPinned {
    meta: CheckMeta,
}

impl ImagesPinned {
    pub fn new() -> Self {
        ImagesPinned {
            meta: CheckMeta::define("k8s.images-pinned")
                .title("Kubernetes images are pinned")
                .severity(Severity::Warning)
                .explain(EXPLAIN)
                .fix("give every container image a version tag (not latest) or a digest")
                .build(),
        }
    }
}

impl Check for ImagesPinned {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let k8s = crate::views::k8s::model(ctx.index);
        if k8s.workloads.is_empty() {
            return Outcome::skip("no Kubernetes workloads in the product");
        }
        let mut findings = Vec::new();
        let mut images = std::collections::HashSet::new();
        let mut built = std::collections::HashSet::new();
        for w in &k8s.workloads {
            for c in &w.containers {
                let Some(reference) = c.image.reference.value() else {
                    continue;
                };
                if k8s.built_by_repo(reference) {
                    built.insert(reference.to_string());
                } else {
                    images.insert(reference.to_string());
                }
                if c.image.pinned() == Some(false) && !k8s.built_by_repo(reference) {
                    let why = if reference.ends_with(":latest") {
                        "`latest`"
                    } else {
                        "no tag (means `latest`)"
                    };
                    findings.push(
                        Finding::new(format!(
                            "{}, container {}: image {} has {why}",
                            w.describe(),
                            c.name,
                            crate::views::k8s::helm::shown(reference)
                        ))
                        .at(c.image.at.path.clone(), Some(c.image.at.line))
                        .rule("image-tag"),
                    );
                }
            }
        }
        let findings = dedupe(findings);
        Outcome::from_findings(
            findings.clone(),
            if built.is_empty() {
                format!(
                    "{} pinned to a tag or digest",
                    plural(images.len(), "image")
                )
            } else {
                format!(
                    "{} pinned to a tag or digest; {} tagged by Skaffold at deploy time",
                    plural(images.len(), "image"),
                    built.len()
                )
            },
            format!(
                "{} not pinned (no tag or `latest`)",
                plural(findings.len(), "container image")
            ),
        )
    }
}
