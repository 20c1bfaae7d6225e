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

use crate::check::Check;

/// The `resilience.*` checks (SPEC §3).
pub fn checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(datastore_ha::DatastoreHa::new()),
        Box::new(backups::Backups::new()),
    ]
}
