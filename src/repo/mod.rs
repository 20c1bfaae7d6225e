//! The repository as a run sees it: one walk ([`index`]), the role of each
//! file ([`roles`]), reads and writes that stay inside the root
//! ([`safe_fs`]), where the run stands ([`location`]), what git says it is
//! ([`identity`]), and byte offsets to lines ([`text`]).

pub mod identity;
pub mod index;
pub mod location;
pub mod roles;
pub mod safe_fs;
pub mod text;
