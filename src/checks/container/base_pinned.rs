//! `container.base-pinned`: every `FROM` names a tag other than `latest`,
//! or a digest.

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::findings::{Finding, Severity};
use crate::repo::text::plural;
use crate::views::dockerfile::{DockerFile, Parsed};

const EXPLAIN: &str = r#"
## What it checks
That every `FROM` of the product's Dockerfiles and Containerfiles names its
base image by a tag other than `latest`, or by a digest (`@sha256:…`).
A `FROM` that builds on an earlier stage (`FROM build`) and `FROM scratch`
have nothing to pin. `ARG` defaults are substituted (`ARG GO_VERSION=1.22`
makes `FROM golang:${GO_VERSION}` pinned); an `ARG` without a default is
decided at build time, so that `FROM` is reported as unknown, not as a
failure. Only images the product ships are checked: not Dockerfiles in
test data, examples or vendored code, dev containers (`.devcontainer/`), CI
helper images (`.github/`, `.circleci/`), directories named for tests or
examples, or variants named `test`, `e2e`, `dev`, `debug`, `local`, `ci`. A
Dockerfile that cannot be parsed makes the check `error`.

## Why it matters
`FROM node` and `FROM node:latest` build on whatever the registry serves
that day: the same commit builds a different image tomorrow, a new major
version of the runtime arrives unreviewed, and a rollback to an old commit
does not bring the old image back.

## How to fix
Name a version tag (`node:20.11-alpine`), or better a digest, which a bot
such as Renovate or Dependabot keeps up to date.

## Example
```dockerfile
ARG GO_VERSION=1.22.5
FROM golang:${GO_VERSION} AS build
RUN go build -o /app .

FROM gcr.io/distroless/static-debian12:nonroot@sha256:8dd8d3ca2cf283383304fd45a5c9c74d5f2cd9da8d3b077d720e264880077c65
COPY --from=build /app /app
```
"#;

pub(super) fn check() -> Box<dyn Check> {
    super::check(
        CheckMeta::define("container.base-pinned")
            .title("Container base images pinned")
            .severity(Severity::Warning)
            .explain(EXPLAIN)
            .fix("name a version tag or a digest in every FROM (`FROM node:20.11-alpine`, `@sha256:…`)")
            .build(),
        run,
    )
}

fn run(files: &[(&DockerFile, &Parsed)], _ctx: &Context) -> Outcome {
    let mut findings = Vec::new();
    let mut pinned = 0;
    let mut unknown: Vec<String> = Vec::new();
    for (f, p) in files {
        for st in &p.stages {
            let from = &st.from;
            if from.stage.is_some() || from.is_scratch() {
                continue;
            }
            let Some(image) = &from.image else {
                unknown.push(if from.unresolved.is_empty() {
                    format!("{}:{} (`{}`)", f.path, from.line, from.written)
                } else {
                    format!(
                        "{}:{} (ARG {} has no default)",
                        f.path,
                        from.line,
                        from.unresolved.join(", ")
                    )
                });
                continue;
            };
            if image.digest.is_some() {
                pinned += 1;
                continue;
            }
            match image.tag.as_deref() {
                Some(t) if !t.eq_ignore_ascii_case("latest") => pinned += 1,
                tag => {
                    let how = if tag.is_some() {
                        "the `latest` tag"
                    } else {
                        "no tag (that is `latest`)"
                    };
                    let shown = if from.written == image.full {
                        format!("`FROM {}`", image.full)
                    } else {
                        format!("`FROM {}` (`{}`)", from.written, image.full)
                    };
                    findings.push(
                        Finding::new(format!(
                            "{shown} names {how}: the base image changes under the same commit; name a version tag or a digest"
                        ))
                        .at(f.path.clone(), Some(from.line)),
                    );
                }
            }
        }
    }
    let unknown_note = if unknown.is_empty() {
        String::new()
    } else {
        let shown: Vec<&str> = unknown.iter().take(5).map(String::as_str).collect();
        format!(
            "; {} {} decided at build time, not judged: {}{}",
            plural(unknown.len(), "FROM"),
            if unknown.len() == 1 { "is" } else { "are" },
            shown.join(", "),
            if unknown.len() > 5 { ", …" } else { "" }
        )
    };
    if findings.is_empty() && pinned == 0 {
        return Outcome::skip(format!(
            "no base image to judge in {}{unknown_note}",
            plural(files.len(), "Dockerfile")
        ));
    }
    let n = findings.len();
    let pass = format!(
        "{} in {} {} a tag or digest{unknown_note}",
        plural(pinned, "base image"),
        plural(files.len(), "Dockerfile"),
        if pinned == 1 { "names" } else { "name" },
    );
    if n == 0 {
        return Outcome::pass(pass);
    }
    Outcome::fail(
        format!(
            "{} without a version tag or digest{unknown_note}",
            plural(n, "base image")
        ),
        findings,
    )
}
