//! Parsed views of the repository's files: each computed once per index on
//! first use ([`crate::repo::index::Index::view`]) and shared by every check,
//! scaffold and command. One module per format or model; nothing else in the
//! crate parses these formats.
//!
//! - [`yaml`]: the one spanned YAML tree (serde-saphyr), with a depth guard.
//! - [`markdown`]: headings, sections and links (pulldown-cmark).
//! - [`checklist`]: `deployment-readiness.md`, its items and markers.
//! - [`dockerfile`]: Dockerfiles (parse-dockerfile), stages, ARG/ENV, USER.
//! - [`terraform`]: the Terraform model, `.tf` (hcl-edit) and `.tf.json`.
//! - [`ci`]: which files are CI configuration, and the jobs of every system.
//! - [`k8s`]: Kubernetes objects from manifests, Helm charts and Kustomize.
//! - [`json`]: JSON files as values (Grafana dashboards, package.json).
//! - [`manifest`]: package manifests (Cargo.toml, pyproject.toml, package.json, go.mod).

pub mod checklist;
pub mod ci;
pub mod dockerfile;
pub mod json;
pub mod k8s;
pub mod manifest;
pub mod markdown;
pub mod parallel;
pub mod terraform;
pub mod yaml;
