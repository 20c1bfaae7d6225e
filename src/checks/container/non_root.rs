//! `container.non-root`: the final stage of every Dockerfile runs as a
//! user other than root.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::dockerfile::{DockerFile, ImageRef, Parsed};

const EXPLAIN: &str = r#"
## What it checks
That the image each of the product's Dockerfiles builds runs as a user
other than root: its final stage sets `USER` to a name or id other than
`root`/`0` — itself, or through the earlier stage it builds `FROM` — or it
builds on a base image that is known to run as non-root by default:
distroless images with a `nonroot` tag (`gcr.io/distroless/static:nonroot`),
Chainguard images (`cgr.dev/chainguard/*`), `nginxinc/nginx-unprivileged`
and .NET `-chiseled` images. A `USER ${APP_UID}` whose `ARG` has no default
counts as set. An image that only exports build artifacts (`FROM scratch`
with no `CMD` or `ENTRYPOINT`) runs nothing and is left out.

An image that sets no USER still passes when the Kubernetes workloads that
run it (a container image whose last path component is the Dockerfile's
directory, `api` for `api.Dockerfile`, or the repository's name for a
Dockerfile at the root) all set `runAsNonRoot: true` or a `runAsUser` other
than 0 in the pod or container `securityContext` (development overlays left
out).

Only images the product ships are checked: not Dockerfiles in test data,
examples or vendored code, dev containers (`.devcontainer/`), CI helper
images (`.github/`, `.circleci/`), directories named for tests or examples,
or variants named `test`, `e2e`, `dev`, `debug`, `local`, `ci`. A Dockerfile
that cannot be parsed makes the check `error`.

## Why it matters
A process running as root in a container is root on the container's
filesystem and one kernel or runtime bug away from root on the node. Most
services need no privilege at all; Kubernetes' restricted Pod Security
Standard and most production checklists refuse root containers.

## How to fix
Create an unprivileged user and switch to it at the end of the final stage;
on distroless or scratch images, use the numeric `nonroot` user. The finding
suggests the lines for the base image in use.

## Example
```dockerfile
FROM python:3.12-slim
RUN useradd --system --uid 10001 app
COPY --chown=app . /app
USER 10001
CMD ["python", "/app/main.py"]
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("container.non-root")
            .title("Containers run as non-root")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("end the final stage with `USER` set to an unprivileged user (`USER 65532:65532` on distroless/scratch)")
            .build(),
        run,
    )
}

/// Base images that run as a non-root user unless told otherwise.
pub(crate) fn runs_non_root(image: &ImageRef) -> bool {
    let name = image.name.to_ascii_lowercase();
    let repo = image.repository().to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    (repo.starts_with("distroless/") && tag.contains("nonroot"))
        || name.starts_with("cgr.dev/chainguard/")
        || repo == "nginxinc/nginx-unprivileged"
        || (repo.starts_with("dotnet/") && tag.contains("chiseled"))
        // AWS Lambda runs a function's image as its own unprivileged user,
        // whatever the image's USER.
        || name.starts_with("public.ecr.aws/lambda/")
        || repo.starts_with("amazon/aws-lambda-")
}

/// The lines that make a final stage built on `base` run unprivileged.
fn suggestion(base: Option<&ImageRef>) -> String {
    let repo = base
        .map(|b| b.repository().to_ascii_lowercase())
        .unwrap_or_default();
    let tag = base
        .and_then(|b| b.tag.as_deref())
        .unwrap_or("")
        .to_ascii_lowercase();
    if repo.is_empty() || repo == "scratch" {
        "add `USER 65532:65532` at the end of the final stage".into()
    } else if repo.starts_with("distroless/") {
        "use the `:nonroot` tag of the image, or add `USER 65532:65532`".into()
    } else if repo.contains("alpine") || tag.contains("alpine") {
        "add `RUN addgroup -S app && adduser -S -G app app` and `USER app`".into()
    } else {
        "add `RUN useradd --system --uid 10001 app` (or `adduser`) and `USER 10001`".into()
    }
}

fn run(files: &[(&DockerFile, &Parsed)], ctx: &Context) -> Outcome {
    let k8s = crate::views::k8s::model(ctx.index);
    let repo_name = ctx
        .index
        .git
        .as_ref()
        .and_then(|g| g.workdir.file_name())
        .or_else(|| ctx.index.root.file_name())
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut findings = Vec::new();
    let mut ok: Vec<String> = Vec::new();
    let mut artifacts = 0;
    for (f, p) in files {
        if p.final_stage().is_some_and(|(i, _)| !p.runs(i)) {
            // `FROM scratch` + `COPY` only: exported, never run.
            artifacts += 1;
            continue;
        }
        match verdict(p) {
            Ok(why) => ok.push(format!("{} ({why})", f.path)),
            Err((line, msg)) => match workload_non_root(&k8s, &f.path, &repo_name) {
                Ok(why) => ok.push(format!("{} ({why})", f.path)),
                Err(root) => {
                    let msg = match root {
                        Some(r) => format!("{msg} ({r})"),
                        None => msg,
                    };
                    findings.push(Finding::new(msg).at(f.path.clone(), Some(line)))
                }
            },
        }
    }
    let shown: Vec<&str> = ok.iter().take(5).map(String::as_str).collect();
    let more = if ok.len() > 5 { ", …" } else { "" };
    let judged = files.len() - artifacts;
    if judged == 0 {
        return Outcome::skip(format!(
            "{} only export build artifacts (`FROM scratch` without CMD or ENTRYPOINT): nothing runs",
            plural(files.len(), "Dockerfile")
        ));
    }
    if findings.is_empty() {
        return Outcome::pass(format!(
            "{} run{} as non-root: {}{more}",
            plural(judged, "image"),
            if judged == 1 { "s" } else { "" },
            shown.join(", ")
        ));
    }
    Outcome::fail(
        format!(
            "{} of {} run{} as root",
            findings.len(),
            plural(judged, "image"),
            if findings.len() == 1 { "s" } else { "" },
        ),
        findings,
    )
}

/// The names the image of the Dockerfile at `path` is likely published
/// under: its directory (and the one above a `src/`), `api` for
/// `api.Dockerfile`, the repository's name for a Dockerfile at the root.
fn image_names(path: &str, repo_name: &str) -> Vec<String> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let mut names = Vec::new();
    let lower = file.to_ascii_lowercase();
    for suffix in [".dockerfile", ".containerfile"] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            names.push(stem.to_string());
        }
    }
    match parts.as_slice() {
        [] => names.push(repo_name.to_ascii_lowercase()),
        [.., parent, last] if matches!(*last, "src" | "docker" | "build" | "rootfs") => {
            names.push(parent.to_ascii_lowercase())
        }
        [.., last] => names.push(last.to_ascii_lowercase()),
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The Kubernetes workloads that run the image the Dockerfile at `path`
/// builds (an image whose last path component is one of its
/// [`image_names`]) all run it as non-root: `runAsNonRoot: true` or a
/// `runAsUser` other than 0, on the container or the pod (development
/// overlays left out). `Ok` with the evidence when they all do; `Err` with
/// one that does not when others do; `Err(None)` when none runs it so.
fn workload_non_root(
    k8s: &crate::views::k8s::K8s,
    path: &str,
    repo_name: &str,
) -> Result<String, Option<String>> {
    let names = image_names(path, repo_name);
    let mut evidence = None;
    let mut root = None;
    for w in k8s.workloads.iter().filter(|w| !w.is_dev()) {
        for c in w.app_containers() {
            let Some(image) = c.image.reference.value() else {
                continue;
            };
            let repo = ImageRef::parse(image);
            let last = repo
                .name
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if !names.contains(&last) {
                continue;
            }
            let non_root = c
                .security
                .run_as_non_root
                .or(w.pod_security.run_as_non_root);
            let user = c.security.run_as_user.or(w.pod_security.run_as_user);
            if non_root == Some(true) || user.is_some_and(|u| u > 0) {
                let at = c
                    .security
                    .at
                    .as_ref()
                    .or(w.pod_security.at.as_ref())
                    .unwrap_or(&w.at);
                evidence.get_or_insert(format!(
                    "{} runs it as non-root at {}:{}",
                    w.describe(),
                    at.path,
                    at.line
                ));
            } else {
                root.get_or_insert(format!(
                    "{} at {}:{} runs it without runAsNonRoot",
                    w.describe(),
                    w.at.path,
                    w.at.line
                ));
            }
        }
    }
    match (evidence, root) {
        (Some(e), None) => Ok(e),
        (Some(_), Some(r)) => Err(Some(r)),
        _ => Err(None),
    }
}

/// Why the final stage of `p` runs as non-root, or where and why not.
fn verdict(p: &Parsed) -> Result<String, (u32, String)> {
    let Some((last, stage)) = p.final_stage() else {
        return Err((1, "no build stage".into()));
    };
    let base = p.base_of(last).and_then(|f| f.image.as_ref());
    match p.effective_user(last) {
        Some(u) if u.is_root() => Err((
            u.line,
            format!(
                "the final stage runs as root (`USER {}`); {}",
                u.written,
                suggestion(base)
            ),
        )),
        Some(u) => Ok(format!("`USER {}` at line {}", u.written, u.line)),
        None => match base {
            Some(b) if runs_non_root(b) => Ok(format!("`{}` runs as non-root", b.full)),
            _ => Err((
                stage.from.line,
                format!(
                    "the final stage (`FROM {}`) sets no USER, so the container runs as root; {}",
                    stage.from.written,
                    suggestion(base)
                ),
            )),
        },
    }
}
