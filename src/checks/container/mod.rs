//! `container.*`: Dockerfiles build from pinned base images and run as a
//! user other than root. Both read the Dockerfile view
//! ([`crate::views::dockerfile`]); only the product's Dockerfiles are checked.

mod base_pinned;
mod non_root;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::repo::text::plural;
use crate::views::dockerfile::{DockerFile, Dockerfiles, Parsed};

/// The `container.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![base_pinned::check(), non_root::check()]
}

/// A `container.*` check: `run` reads the product's Dockerfiles; it is not
/// called when there is none (skip) or one cannot be read (error, fail
/// closed).
fn check(
    meta: CheckMeta,
    run: fn(&[(&DockerFile, &Parsed)], &Context) -> Outcome,
) -> Box<dyn Check> {
    crate::checks::check(meta, move |ctx| {
        let view = crate::views::dockerfile::view(ctx.index);
        match parsed(&view) {
            Ok(files) => run(&files, ctx),
            Err(o) => *o,
        }
    })
}

/// The product's Dockerfiles that parsed, or the outcome to return: `skip`
/// without Dockerfiles, `error` (fail closed) when one cannot be read.
pub(crate) fn parsed(view: &Dockerfiles) -> Result<Vec<(&DockerFile, &Parsed)>, Box<Outcome>> {
    let files: Vec<&DockerFile> = view.shipped().collect();
    if files.is_empty() {
        let others = view.files.len();
        return Err(Box::new(Outcome::skip(if others == 0 {
            "no Dockerfile or Containerfile".to_string()
        } else {
            format!(
                "no Dockerfile of an image the product ships ({} of dev containers, CI, tests, examples or vendored code not checked)",
                plural(others, "Dockerfile")
            )
        })));
    }
    let mut out = Vec::new();
    let mut broken = Vec::new();
    for f in files {
        match &f.parsed {
            Ok(p) => out.push((f, p)),
            Err(e) => broken.push(format!("{}:{}: {}", f.path, e.line, e.message)),
        }
    }
    if !broken.is_empty() {
        return Err(Box::new(Outcome::error(format!(
            "cannot read {}: {}",
            plural(broken.len(), "Dockerfile"),
            broken.join("; ")
        ))));
    }
    Ok(out)
}
