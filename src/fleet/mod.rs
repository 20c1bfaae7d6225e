//! `readyctl fleet` (SPEC §13): JSON reports of many repositories or
//! services, written anywhere, aggregated into one scorecard.
//!
//! Reports are read leniently (only what the scorecard needs is
//! deserialized; fields later versions added may be missing, with a
//! warning), but a file that is not JSON, or not a readyctl report, is an
//! error that names it.

pub mod html;
pub mod render;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::findings::Status;
use crate::repo::identity;

/// `schema` of `readyctl fleet --format json`.
pub const FLEET_SCHEMA: &str = "readyctl.fleet/v1";

/// The part of a check entry the scorecard reads.
#[derive(Debug, Deserialize)]
struct RawCheck {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    severity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct RawRepository {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    remote: Option<String>,
    #[serde(default)]
    commit: Option<String>,
    #[serde(default)]
    service: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawService {
    name: String,
    #[serde(default)]
    path: Option<String>,
    ready: bool,
    #[serde(default)]
    level: Option<serde_json::Value>,
    checks: Vec<RawCheck>,
}

#[derive(Debug, Deserialize)]
struct RawReport {
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    root: Option<String>,
    /// A bool in reports (a count in a scorecard: read loosely).
    ready: Option<serde_json::Value>,
    checks: Option<Vec<RawCheck>>,
    #[serde(default)]
    repository: Option<RawRepository>,
    #[serde(default)]
    generated_at: Option<String>,
    #[serde(default)]
    level: Option<serde_json::Value>,
    #[serde(default)]
    services: Option<Vec<RawService>>,
}

/// A check's status as a report writes it (`"pass"`, ...), if it is one.
fn parse_status(s: &str) -> Option<Status> {
    [Status::Pass, Status::Fail, Status::Skip, Status::Error]
        .into_iter()
        .find(|st| st.as_str() == s)
}

/// One row of the scorecard: a repository, or one service of it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub repository: String,
    pub owner: Option<String>,
    pub remote: Option<String>,
    pub commit: Option<String>,
    pub service: Option<String>,
    /// The service's directory in its repository.
    pub path: Option<String>,
    /// The level reached; `None` when none was, or the report has no levels.
    pub level: Option<String>,
    /// Did the report carry a level at all?
    pub has_level: bool,
    pub ready: bool,
    /// Ids of failing checks (status `fail` or `error`), the row's own and
    /// the repository-wide ones.
    pub failing: Vec<String>,
    /// When the report was written (RFC 3339), from the report, else the
    /// file's modification time.
    pub generated_at: Option<String>,
    /// Seconds since then.
    pub age_seconds: Option<i64>,
    /// The report file.
    pub source: String,
    #[serde(skip)]
    generated: Option<i64>,
}

/// The pass rate of one check over the rows that ran it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckRate {
    pub id: String,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub skip: usize,
    /// pass / (pass + fail + error); `None` when it never ran.
    pub rate: Option<f64>,
}

/// The whole scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub schema: String,
    pub version: String,
    pub generated_at: String,
    /// Report files read (after duplicates were set aside).
    pub reports: usize,
    pub ready: usize,
    pub rows: Vec<Row>,
    pub checks: Vec<CheckRate>,
    /// Rows per level reached: the built-in levels in order, other names
    /// alphabetically, then `none` (no level reached) and `unknown` (the
    /// report carries no level).
    pub levels: Vec<(String, usize)>,
    pub warnings: Vec<String>,
}

/// A fleet error: exit 2, naming the file.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FleetError(pub String);

/// Every report file under `inputs`: files as given, directories walked
/// for `*.json`, sorted.
pub fn collect(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, FleetError> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input)
            .map_err(|e| FleetError(format!("{}: {e}", input.display())))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            for entry in ignore::WalkBuilder::new(input)
                .standard_filters(false)
                .follow_links(false)
                .build()
            {
                let entry = entry.map_err(|e| FleetError(format!("{}: {e}", input.display())))?;
                if entry.file_type().is_some_and(|t| t.is_file())
                    && entry
                        .path()
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                {
                    found.push(entry.into_path());
                }
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

/// The rows of one report file, and warnings about it.
fn read_one(path: &Path, now: i64) -> Result<ReadReport, FleetError> {
    let shown = path.display().to_string();
    let bytes =
        std::fs::read(path).map_err(|e| FleetError(format!("{shown}: cannot read: {e}")))?;
    let raw: RawReport = serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_data() {
            FleetError(format!(
                "{shown}:{}:{}: not a readyctl JSON report: {e}",
                e.line(),
                e.column()
            ))
        } else {
            FleetError(format!(
                "{shown}:{}:{}: invalid JSON: {e}",
                e.line(),
                e.column()
            ))
        }
    })?;
    let mut warnings = Vec::new();
    match raw.schema.as_deref() {
        Some(crate::findings::REPORT_SCHEMA) => {}
        Some(FLEET_SCHEMA) => {
            // A scorecard written next to the reports it was made from.
            warnings.push(format!(
                "{shown}: a fleet scorecard, not a report: left out"
            ));
            return Ok((Vec::new(), warnings, Vec::new()));
        }
        Some(s) if s.starts_with("readyctl.report/") => warnings.push(format!(
            "{shown}: schema `{s}` is not {}; read as far as it matches",
            crate::findings::REPORT_SCHEMA
        )),
        Some(s) => {
            return Err(FleetError(format!(
                "{shown}: not a readyctl JSON report (schema `{s}`)"
            )));
        }
        None => warnings.push(format!(
            "{shown}: no `schema`: read as {}",
            crate::findings::REPORT_SCHEMA
        )),
    }
    let (Some(checks), Some(serde_json::Value::Bool(ready))) = (raw.checks, raw.ready) else {
        return Err(FleetError(format!(
            "{shown}: not a readyctl JSON report (no `checks` or `ready`; write one with `readyctl check --format json`)"
        )));
    };
    let parse_checks = |checks: &[RawCheck],
                        what: &str|
     -> Result<Vec<(String, Status, bool)>, FleetError> {
        checks
            .iter()
            .map(|c| {
                let Some(id) = c.id.as_deref() else {
                    return Err(FleetError(format!("{shown}: {what}a check without `id`")));
                };
                let status = c.status.as_deref().unwrap_or("");
                let st = parse_status(status).ok_or_else(|| {
                    FleetError(format!(
                        "{shown}: {what}check `{id}` has unknown status `{status}`"
                    ))
                })?;
                let blocking = st == Status::Error
                    || (st == Status::Fail && c.severity.as_deref().unwrap_or("error") == "error");
                Ok((id.to_string(), st, blocking))
            })
            .collect()
    };
    let wide = parse_checks(&checks, "")?;

    let repo = match raw.repository {
        Some(r) => r,
        None => {
            warnings.push(format!(
                "{shown}: no `repository` (written by readyctl {} or older?): named after its root",
                raw.version.as_deref().unwrap_or("0.1")
            ));
            RawRepository::default()
        }
    };
    let name = repo
        .name
        .clone()
        .or_else(|| repo.remote.as_deref().and_then(identity::name_from_remote))
        .or_else(|| {
            raw.root.as_deref().and_then(|r| {
                Path::new(r)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
        })
        .unwrap_or_else(|| shown.clone());
    let owner = repo.remote.as_deref().and_then(identity::owner_from_remote);
    let (generated, generated_at) = match raw.generated_at.as_deref() {
        Some(t) => match identity::parse_time(t) {
            Some(s) => (Some(s), Some(t.to_string())),
            None => {
                warnings.push(format!(
                    "{shown}: `generated_at` `{t}` is not a time; using the file's"
                ));
                file_time(path)
            }
        },
        None => file_time(path),
    };
    let level_of = |v: &Option<serde_json::Value>| -> (bool, Option<String>) {
        match v {
            None => (false, None),
            Some(serde_json::Value::Null) => (true, None),
            Some(serde_json::Value::String(s)) => (true, Some(s.clone())),
            Some(serde_json::Value::Object(m)) => (
                true,
                m.get("reached")
                    .and_then(|r| r.as_str())
                    .map(str::to_string),
            ),
            Some(_) => (false, None),
        }
    };
    let row = |service: Option<String>,
               path: Option<String>,
               level: (bool, Option<String>),
               ready: bool,
               failing: Vec<String>| Row {
        repository: name.clone(),
        owner: owner.clone(),
        remote: repo.remote.clone(),
        commit: repo.commit.clone(),
        service,
        path,
        level: level.1,
        has_level: level.0,
        ready,
        failing,
        generated_at: generated_at.clone(),
        age_seconds: generated.map(|g| (now - g).max(0)),
        source: shown.clone(),
        generated,
    };
    let failing = |checks: &[(String, Status, bool)]| -> Vec<String> {
        checks
            .iter()
            .filter(|(_, s, _)| matches!(s, Status::Fail | Status::Error))
            .map(|(id, _, _)| id.clone())
            .collect()
    };
    let mut counted: Vec<CountedCheck> = wide.iter().map(|(id, s, _)| (id.clone(), *s)).collect();
    let services = raw.services.unwrap_or_default();
    let rows = if services.is_empty() {
        vec![row(
            repo.service.clone(),
            None,
            level_of(&raw.level),
            ready,
            failing(&wide),
        )]
    } else {
        let all_ready = services.iter().all(|s| s.ready);
        // Did the repository-wide checks block? Known for sure when every
        // service is ready; else judged by the default gate (error severity).
        let wide_blocks = !ready && (all_ready || wide.iter().any(|(_, _, b)| *b));
        let wide_failing = failing(&wide);
        let mut rows = Vec::new();
        for s in &services {
            let own = parse_checks(&s.checks, &format!("service `{}`: ", s.name))?;
            counted.extend(own.iter().map(|(id, st, _)| (id.clone(), *st)));
            let mut f = wide_failing.clone();
            f.extend(failing(&own));
            let level = if s.level.is_some() {
                level_of(&s.level)
            } else {
                level_of(&raw.level)
            };
            rows.push(row(
                Some(s.name.clone()),
                s.path.clone(),
                level,
                s.ready && !wide_blocks,
                f,
            ));
        }
        rows
    };
    Ok((rows, warnings, counted))
}

type CountedCheck = (String, Status);

/// One file's rows, warnings, and check statuses to count.
type ReadReport = (Vec<Row>, Vec<String>, Vec<CountedCheck>);

fn file_time(path: &Path) -> (Option<i64>, Option<String>) {
    let secs = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    (secs, secs.map(identity::format_rfc3339))
}

/// Read every report under `inputs` and build the scorecard.
pub fn scorecard(inputs: &[PathBuf], now: i64) -> Result<Scorecard, FleetError> {
    let files = collect(inputs)?;
    if files.is_empty() {
        return Err(FleetError(format!(
            "no JSON report found in {}",
            inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let read: Vec<_> = files
        .par_iter()
        .map(|f| read_one(f, now))
        .collect::<Result<Vec<_>, _>>()?;

    // One row per (repository, remote, service): the newest report wins.
    let mut warnings = Vec::new();
    let mut newest: HashMap<(String, Option<String>, Option<String>), usize> = HashMap::new();
    let mut keep = vec![true; read.len()];
    for (i, (rows, _, _)) in read.iter().enumerate() {
        for r in rows {
            let key = (r.repository.clone(), r.remote.clone(), r.service.clone());
            match newest.get(&key) {
                Some(&j) => {
                    let older = read[j].0.iter().map(|r| r.generated).max() > Some(r.generated);
                    let (drop, win) = if older { (i, j) } else { (j, i) };
                    newest.insert(key, win);
                    if !keep[drop] {
                        continue;
                    }
                    keep[drop] = false;
                    warnings.push(format!(
                        "{}: older report of {} set aside (newer: {})",
                        files[drop].display(),
                        display_name(r),
                        files[win].display()
                    ));
                }
                None => {
                    newest.insert(key, i);
                }
            }
        }
    }

    let mut rows = Vec::new();
    let mut counts: BTreeMap<String, CheckRate> = BTreeMap::new();
    let mut reports = 0;
    for ((r, w, counted), k) in read.into_iter().zip(keep) {
        if !k {
            continue;
        }
        if !r.is_empty() {
            reports += 1;
        }
        warnings.extend(w);
        for (id, st) in counted {
            let e = counts.entry(id.clone()).or_insert_with(|| CheckRate {
                id,
                ..CheckRate::default()
            });
            match st {
                Status::Pass => e.pass += 1,
                Status::Fail => e.fail += 1,
                Status::Error => e.error += 1,
                Status::Skip => e.skip += 1,
            }
        }
        rows.extend(r);
    }
    let mut checks: Vec<CheckRate> = counts
        .into_values()
        .map(|mut c| {
            let ran = c.pass + c.fail + c.error;
            c.rate = (ran > 0).then(|| c.pass as f64 / ran as f64);
            c
        })
        .collect();
    // Worst first: that is where the organisation's work is.
    checks.sort_by(|a, b| {
        a.rate
            .unwrap_or(2.0)
            .total_cmp(&b.rate.unwrap_or(2.0))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows.sort_by(|a, b| {
        (a.ready, &a.repository, &a.service).cmp(&(b.ready, &b.repository, &b.service))
    });
    let mut levels: Vec<(String, usize)> = Vec::new();
    for r in &rows {
        let l = match (&r.level, r.has_level) {
            (Some(l), _) => l.clone(),
            (None, true) => "none".to_string(),
            (None, false) => "unknown".to_string(),
        };
        match levels.iter_mut().find(|(n, _)| *n == l) {
            Some((_, c)) => *c += 1,
            None => levels.push((l, 1)),
        }
    }
    // The built-in levels in their order, then others by name, then none
    // reached, then not reported.
    let rank = |n: &str| match n {
        "bronze" => 0,
        "silver" => 1,
        "gold" => 2,
        "none" => 4,
        "unknown" => 5,
        _ => 3,
    };
    levels.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    Ok(Scorecard {
        schema: FLEET_SCHEMA.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at: identity::format_rfc3339(now),
        reports,
        ready: rows.iter().filter(|r| r.ready).count(),
        rows,
        checks,
        levels,
        warnings,
    })
}

/// `repository` or `repository/service`.
pub fn display_name(r: &Row) -> String {
    match &r.service {
        Some(s) => format!("{}/{s}", r.repository),
        None => r.repository.clone(),
    }
}

/// `3m`, `5h`, `2d`.
pub fn age(seconds: Option<i64>) -> String {
    match seconds {
        None => "?".into(),
        Some(s) if s < 60 => format!("{s}s"),
        Some(s) if s < 3600 => format!("{}m", s / 60),
        Some(s) if s < 48 * 3600 => format!("{}h", s / 3600),
        Some(s) => format!("{}d", s / 86400),
    }
}
