//! The network: HTTP probes of health endpoints (the only network access).

pub mod probe;
