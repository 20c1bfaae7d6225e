//! `--format sarif`.

use super::View;
use crate::model::Report;

pub fn render(_report: &Report, _view: &View) -> anyhow::Result<String> {
    anyhow::bail!("--format sarif is not available in this build")
}
