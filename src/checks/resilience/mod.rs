//! `resilience.*`: datastores that fail over by themselves and are backed
//! up, read from the repository's infrastructure code and manifests.

mod backups;
mod datastore_ha;
pub mod inventory;
pub(crate) mod manifests;
pub mod redis_conf;
mod sql_charts;
mod terraform;

pub use datastore_ha::short_list;

use crate::check::{Check, CheckMeta, Context, Outcome};
use inventory::Inventory;

/// The `resilience.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![datastore_ha::check(), backups::check()]
}

/// A `resilience.*` check: `run` reads the datastore inventory; it is not
/// called when there is no datastore (skip) or a declaration cannot be read
/// (error, fail closed).
fn check(meta: CheckMeta, run: fn(&Inventory, &Context) -> Outcome) -> Box<dyn Check> {
    crate::checks::on_view(meta, inventory::inventory, datastore_ha::nothing, run)
}
