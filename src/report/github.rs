//! `--format github`.

use super::View;
use crate::model::Report;

pub fn render(_report: &Report, _view: &View) -> anyhow::Result<String> {
    anyhow::bail!("--format github is not available in this build")
}
