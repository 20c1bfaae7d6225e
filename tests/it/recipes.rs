//! The fleet recipes in examples/fleet/ do what docs/FLEET.md says: the
//! Indexed Job's script, run here once per index against local clones of
//! fixture repositories, writes one report per repository (each exactly
//! once), and the aggregation Job's commands make the scorecard of them.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{Repo, crate_root};

fn yaml_docs(rel: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(crate_root().join(rel)).unwrap();
    readyctl::views::yaml::from_str_multi(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn container_script(job: &Value) -> String {
    job["spec"]["template"]["spec"]["containers"][0]["args"][0]
        .as_str()
        .expect("the container's script")
        .to_string()
}

/// Run `script` with `sh`, the recipe's paths moved into `root`, readyctl
/// on PATH.
fn sh(script: &str, root: &Path, env: &[(&str, String)]) -> std::process::Output {
    let script = script
        .replace("/config/", &format!("{}/config/", root.display()))
        .replace("/fleet/", &format!("{}/fleet/", root.display()));
    let bin = assert_cmd::cargo::cargo_bin("readyctl");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(script)
        .env("PATH", path)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(root);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("sh runs")
}

#[test]
fn kubernetes_indexed_job_shards_the_list_and_the_aggregation_makes_the_scorecard() {
    let docs = yaml_docs("examples/fleet/kubernetes/check-job.yaml");
    let job = &docs[0];
    assert_eq!(job["kind"], "Job");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    let env = job["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    let shards: u64 = env.iter().find(|e| e["name"] == "SHARDS").unwrap()["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(job["spec"]["completions"].as_u64(), Some(shards));
    let script = container_script(job);

    // Five repositories (one of them the two-service monorepo), a comment
    // and a blank line, and no newline at the end of the list.
    let repos: Vec<Repo> = (0..4)
        .map(|i| {
            let r = Repo::git();
            r.write("README.md", format!("# repo {i}\n"));
            r.commit("init");
            r
        })
        .chain(std::iter::once(crate::services::monorepo()))
        .collect();
    let work = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(work.path().join("config")).unwrap();
    let mut list = String::from("# the fleet\n\n");
    for r in &repos {
        list.push_str(&format!("file://{}\n", r.path().display()));
    }
    std::fs::write(work.path().join("config/repositories.txt"), list.trim_end()).unwrap();

    for index in 0..shards {
        let out = sh(
            &script,
            work.path(),
            &[
                ("JOB_COMPLETION_INDEX", index.to_string()),
                ("SHARDS", shards.to_string()),
            ],
        );
        assert!(
            out.status.success(),
            "index {index}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut written: Vec<String> = std::fs::read_dir(work.path().join("fleet/reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written.len(),
        repos.len(),
        "each repository once: {written:?}"
    );

    // A repository that cannot be cloned fails its index (Kubernetes retries it).
    std::fs::write(
        work.path().join("config/repositories.txt"),
        "file:///nonexistent/repo.git\n",
    )
    .unwrap();
    let out = sh(
        &script,
        work.path(),
        &[
            ("JOB_COMPLETION_INDEX", "0".into()),
            ("SHARDS", shards.to_string()),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot clone"));

    // Fan-in.
    let agg = yaml_docs("examples/fleet/kubernetes/aggregate-job.yaml");
    let out = sh(&container_script(&agg[0]), work.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("of 6 ready (5 reports)"), "{stdout}");
    let card = work.path().join("fleet/scorecard");
    let html = std::fs::read_to_string(card.join("index.html")).unwrap();
    crate::fleet::assert_self_contained(&html);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(card.join("fleet.json")).unwrap()).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 6);
    assert!(
        std::fs::read_to_string(card.join("fleet.md"))
            .unwrap()
            .starts_with("## readyctl fleet")
    );
}

#[test]
fn github_matrix_recipe_uploads_one_report_per_repository_and_aggregates_them() {
    let docs = yaml_docs("examples/fleet/github/fleet.yml");
    let wf = &docs[0];
    let check = &wf["jobs"]["check"];
    assert!(
        check["strategy"]["matrix"]["repository"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    assert_eq!(check["strategy"]["fail-fast"], false);
    let steps = check["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("readyctl check repo") && r.contains("--format json"))
    );
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .unwrap();
    assert!(
        upload["with"]["name"]
            .as_str()
            .unwrap()
            .contains("strategy.job-index")
    );
    let scorecard = &wf["jobs"]["scorecard"];
    assert_eq!(scorecard["needs"], "check");
    let agg: Vec<&str> = scorecard["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        agg.iter()
            .any(|r| r.contains("readyctl fleet reports --format html"))
    );
    // Every action pinned to a full commit SHA.
    for job in wf["jobs"].as_object().unwrap().values() {
        for s in job["steps"].as_array().unwrap() {
            if let Some(u) = s["uses"].as_str() {
                let sha = u.split_once('@').unwrap().1;
                assert!(
                    sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                    "{u}"
                );
            }
        }
    }
}
