//! A built-in check as data: its metadata and the function that runs it.
//!
//! Most checks read one view of the repository (the Terraform model, the CI
//! model, the datastore inventory, the Dockerfiles), do not apply when the
//! view holds nothing, and fail closed when it cannot be read. [`on_view`]
//! holds that shape once; each area names its view and its gate in one
//! helper (`terraform::check`, `ci::check`, ...), and a check file is its
//! metadata, its explanation and a function of the view.

use std::sync::Arc;

use crate::check::{Check, CheckMeta, Context, Outcome};
use crate::repo::index::Index;

type Run = Box<dyn Fn(&Context) -> Outcome + Send + Sync>;

/// A check made of its metadata and a function of the run's context.
struct FnCheck {
    meta: CheckMeta,
    run: Run,
}

impl Check for FnCheck {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        (self.run)(ctx)
    }
}

/// The check `meta` that runs `run`.
pub(crate) fn check(
    meta: CheckMeta,
    run: impl Fn(&Context) -> Outcome + Send + Sync + 'static,
) -> Box<dyn Check> {
    Box::new(FnCheck {
        meta,
        run: Box::new(run),
    })
}

/// The check `meta` that runs `run` on the view `view` builds, unless
/// `gate` returns the outcome instead (a skip when the view holds nothing,
/// an error when it cannot be read).
pub(crate) fn on_view<V: Send + Sync + 'static>(
    meta: CheckMeta,
    view: fn(&Index) -> Arc<V>,
    gate: fn(&V) -> Option<Outcome>,
    run: impl Fn(&V, &Context) -> Outcome + Send + Sync + 'static,
) -> Box<dyn Check> {
    check(meta, move |ctx| {
        let v = view(ctx.index);
        gate(&v).unwrap_or_else(|| run(&v, ctx))
    })
}
