//! The runbook's and the rollback document's commands, in the language of
//! the deploy mechanism the profile found: `helm rollback`, `kubectl rollout
//! undo`, `aws ecs update-service` to the previous task definition,
//! `argocd app rollback`, `flux suspend` + revert, Cloud Run traffic,
//! `serverless rollback`.

use serde::Serialize;

use super::context::RepoContext;

/// One mechanism's procedures.
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    /// Display name (`Helm release`, `Flux`, ...).
    pub name: String,
    /// Where it was found.
    pub evidence: String,
    /// Shell lines that deploy a release.
    pub deploy: Vec<String>,
    /// Shell lines that go back to the previous release.
    pub rollback: Vec<String>,
    /// One sentence on what to watch out for.
    pub note: Option<String>,
}

fn ns_flag(ns: Option<&str>) -> String {
    ns.map(|n| format!(" -n {n}")).unwrap_or_default()
}

/// The first workload the health probes name (`deployment/api`).
fn workload(ctx: &RepoContext) -> Option<String> {
    ctx.health.iter().find_map(|h| h.workload.clone())
}

/// The procedures of every deploy mechanism found, most specific first.
pub fn procedures(ctx: &RepoContext) -> Vec<Procedure> {
    let mut out = Vec::new();
    for d in &ctx.deploy {
        let ns = d.namespace.as_deref();
        let n = ns_flag(ns);
        let p = |deploy: Vec<String>, rollback: Vec<String>, note: Option<&str>| Procedure {
            name: d.name.clone(),
            evidence: d.evidence.clone(),
            deploy,
            rollback,
            note: note.map(str::to_string),
        };
        match d.id.as_str() {
            "flux" => {
                let (kind, name) = d
                    .detail
                    .as_deref()
                    .and_then(|x| x.split_once(' '))
                    .map(|(k, n)| (k.to_string(), n.to_string()))
                    .unwrap_or_else(|| ("kustomization".into(), "flux-system".into()));
                out.push(p(
                    vec![
                        "git push  # Flux applies the default branch".into(),
                        format!("flux reconcile {kind} {name}{n} --with-source"),
                    ],
                    vec![
                        format!("flux suspend {kind} {name}{n}"),
                        "git revert --no-edit <bad-commit> && git push".into(),
                        format!("flux resume {kind} {name}{n}"),
                        format!("flux reconcile {kind} {name}{n} --with-source"),
                    ],
                    Some(
                        "Flux reverts whatever is not in Git: suspend it before any manual change, and resume it once the revert is merged.",
                    ),
                ));
            }
            "argocd" => {
                let app = d.detail.clone().unwrap_or_else(|| ctx.name.clone());
                out.push(p(
                    vec![format!("argocd app sync {app}")],
                    vec![
                        format!("argocd app history {app}"),
                        format!("argocd app set {app} --sync-policy none  # stop auto-sync first"),
                        format!("argocd app rollback {app} <history-id>"),
                        "git revert --no-edit <bad-commit> && git push  # then re-enable auto-sync"
                            .into(),
                    ],
                    Some("Argo CD refuses to roll back an application with auto-sync on."),
                ));
            }
            "helm" => {
                let release = d.detail.clone().unwrap_or_else(|| {
                    ctx.iac
                        .iter()
                        .find(|i| i.id == "helm")
                        .and_then(|i| i.detail.as_deref())
                        .and_then(|c| c.rsplit('/').next())
                        .filter(|c| *c != ".")
                        .unwrap_or(&ctx.name)
                        .to_string()
                });
                let chart = ctx
                    .iac
                    .iter()
                    .find(|i| i.id == "helm")
                    .and_then(|i| i.detail.clone())
                    .map(|c| {
                        if c == "." {
                            ".".into()
                        } else {
                            format!("./{c}")
                        }
                    })
                    .unwrap_or_else(|| "<chart>".into());
                out.push(p(
                    vec![format!(
                        "helm upgrade --install {release} {chart}{n} --atomic --wait"
                    )],
                    vec![
                        format!("helm history {release}{n}"),
                        format!("helm rollback {release} <previous-revision>{n} --wait"),
                    ],
                    None,
                ));
            }
            "kubectl" => {
                let target = workload(ctx).unwrap_or_else(|| format!("deployment/{}", ctx.name));
                // The folder of the manifests that declare the service's
                // probes is what gets applied; else the first kustomization.
                let probed = ctx
                    .health
                    .iter()
                    .find(|h| h.workload.is_some())
                    .and_then(|h| h.source.rsplit_once('/').map(|(dir, _)| dir.to_string()));
                let kustomizations: Vec<&str> = ctx
                    .iac
                    .iter()
                    .filter(|i| i.id == "kustomize")
                    .filter_map(|k| k.detail.as_deref())
                    .collect();
                let apply = probed
                    .map(|dir| {
                        if kustomizations.contains(&dir.as_str()) {
                            format!("kubectl apply -k {dir}")
                        } else {
                            format!("kubectl apply -f {dir}/")
                        }
                    })
                    .or_else(|| {
                        kustomizations
                            .first()
                            .map(|dir| format!("kubectl apply -k {dir}"))
                    })
                    .unwrap_or_else(|| match d.evidence.rsplit_once('/') {
                        Some((dir, _)) => format!("kubectl apply -f {dir}/"),
                        None if d.evidence.ends_with(".yaml") || d.evidence.ends_with(".yml") => {
                            format!("kubectl apply -f {}", d.evidence)
                        }
                        None => "kubectl apply -f <manifests>".into(),
                    });
                out.push(p(
                    vec![apply, format!("kubectl rollout status {target}{n}")],
                    vec![
                        format!("kubectl rollout history {target}{n}"),
                        format!("kubectl rollout undo {target}{n}"),
                        format!("kubectl rollout status {target}{n}"),
                    ],
                    Some(
                        "`rollout undo` changes the cluster, not Git: revert the commit too, or the next apply brings the release back.",
                    ),
                ));
            }
            "ecs" => {
                let service = d.detail.clone().unwrap_or_else(|| ctx.name.clone());
                out.push(p(
                    vec![format!(
                        "aws ecs update-service --cluster \"$CLUSTER\" --service {service} --task-definition <family>:<revision>"
                    )],
                    vec![
                        "aws ecs list-task-definitions --family-prefix <family> --sort DESC --max-items 3".into(),
                        format!(
                            "aws ecs update-service --cluster \"$CLUSTER\" --service {service} --task-definition <family>:<previous-revision>"
                        ),
                        format!("aws ecs wait services-stable --cluster \"$CLUSTER\" --services {service}"),
                    ],
                    None,
                ));
            }
            "cloud-run" => {
                let service = ctx.name.clone();
                out.push(p(
                    vec![format!(
                        "gcloud run deploy {service} --image <image> --region \"$REGION\""
                    )],
                    vec![
                        format!("gcloud run revisions list --service {service} --region \"$REGION\""),
                        format!(
                            "gcloud run services update-traffic {service} --to-revisions <previous-revision>=100 --region \"$REGION\""
                        ),
                    ],
                    None,
                ));
            }
            "serverless" => {
                let sam = ctx.iac.iter().any(|i| i.id == "sam");
                if sam {
                    out.push(p(
                        vec!["sam build && sam deploy".into()],
                        vec![
                            "git checkout <last-good-tag>".into(),
                            "sam build && sam deploy".into(),
                        ],
                        Some("CloudFormation rolls a failed update back by itself; a bad release that deployed cleanly is undone by deploying the previous version."),
                    ));
                } else {
                    out.push(p(
                        vec!["serverless deploy --stage <stage>".into()],
                        vec![
                            "serverless deploy list --stage <stage>".into(),
                            "serverless rollback --timestamp <timestamp> --stage <stage>".into(),
                        ],
                        None,
                    ));
                }
            }
            _ => {}
        }
    }
    if out.is_empty()
        && let Some(cfn) = ctx.iac.iter().find(|i| i.id == "cloudformation")
    {
        let stack = ctx.name.clone();
        out.push(Procedure {
            name: "CloudFormation".into(),
            evidence: cfn.evidence.clone(),
            deploy: vec![format!(
                "aws cloudformation deploy --stack-name {stack} --template-file {}",
                cfn.evidence.split(':').next().unwrap_or("template.yaml")
            )],
            rollback: vec![
                "git checkout <last-good-tag>".into(),
                format!(
                    "aws cloudformation deploy --stack-name {stack} --template-file {}",
                    cfn.evidence.split(':').next().unwrap_or("template.yaml")
                ),
                format!("aws cloudformation describe-stack-events --stack-name {stack} --max-items 20"),
            ],
            note: Some("A failed stack update rolls back by itself; `aws cloudformation cancel-update-stack` stops one in progress.".into()),
        });
    }
    out
}
