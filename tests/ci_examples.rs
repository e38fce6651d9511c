//! The CI gate as the shipped workflows run it: scripts/ci-gate.sh in a real git repository
//! with a base branch and a pull request, through the `run:` lines of
//! .github/workflows/ownership-gate.yml and the `script:` lines of docs/examples/gitlab-ci.yml
//! (read from the files, so editing them changes what is tested), and docs/ci.md showing
//! exactly those files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{chain_scenario, ops_model, SURE};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const WORKFLOW: &str = ".github/workflows/ownership-gate.yml";
const GITLAB: &str = "docs/examples/gitlab-ci.yml";
const GATE_SCRIPT: &str = "scripts/ci-gate.sh";

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap()
}

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-ci-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The hand-computed chain (tests/cases.rs, case (a)): every run is contained at 5,100 s
/// (revoke 4,500..5,100). The gate holds restricted mean time to containment to the base
/// branch's within 10%.
const STUDY: &str = r#"Study(
    name: "ci-example",
    models: ["../models/ours.ron"],
    scenarios: ["../scenarios/chain.ron"],
    gates: [
        (name: "containment no slower than on the base branch",
         metric: RestrictedMeanTimeToContainment, no_worse_than_baseline_by: 0.10),
    ],
)"#;

fn ours() -> String {
    ops_model(
        r#"ApiKey: (r: ["ops"]), AccessToken: (r: ["ops"]), Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    )
}

/// A bare "origin" whose `main` holds the base commit and whose `pr` holds the pull request
/// (`change` applied to the base's files), cloned one commit deep at `pr` the way
/// actions/checkout does; returns the clone.
fn repository(tag: &str, change: impl FnOnce(&Path)) -> PathBuf {
    let dir = temp(tag);
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    write(&src, "ci/ownership-study.ron", STUDY);
    write(&src, "models/ours.ron", &ours());
    let scenario = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#);
    write(&src, "scenarios/chain.ron", &scenario);
    // Copied with its mode: the workflows run it as a program.
    copy_dir(&Path::new(ROOT).join("scripts"), &src.join("scripts"));
    git(&src, &["init", "-q", "-b", "main"]);
    git(&src, &["add", "-A"]);
    git(&src, &["commit", "-q", "-m", "base"]);
    git(&src, &["checkout", "-q", "-b", "pr"]);
    change(&src);
    git(&src, &["add", "-A"]);
    git(
        &src,
        &["commit", "-q", "--allow-empty", "-m", "pull request"],
    );
    git(&dir, &["clone", "-q", "--bare", "src", "origin.git"]);
    let url = format!("file://{}", dir.join("origin.git").display());
    git(
        &dir,
        &["clone", "-q", "--depth=1", "--branch", "pr", &url, "work"],
    );
    let work = dir.join("work");
    // The binary under test where the workflows put theirs.
    for bin in ["target/release", ".tools/bin"] {
        std::fs::create_dir_all(work.join(bin)).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_raci-sim"),
            work.join(bin).join("raci-sim"),
        )
        .unwrap();
    }
    work
}

/// The `run:` lines of the workflow's steps (each a single line), with each step's `env:`;
/// `${{ github.base_ref }}` is `main`. Steps that `uses:` an action have no `run:`.
fn workflow_steps(yaml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut steps = Vec::new();
    let mut env: Vec<(String, String)> = Vec::new();
    let mut in_env = false;
    for line in yaml.lines() {
        let t = line.trim_start();
        if t.starts_with("- ") {
            env.clear();
            in_env = false;
        }
        let t = t.trim_start_matches("- ");
        if t == "env:" {
            in_env = true;
        } else if let Some(cmd) = t.strip_prefix("run: ") {
            steps.push((cmd.to_string(), env.clone()));
            in_env = false;
        } else if in_env {
            if let Some((k, v)) = t.split_once(": ") {
                env.push((k.to_string(), v.replace("${{ github.base_ref }}", "main")));
            }
        }
    }
    steps
}

/// Runs `lines` with `sh -c` in `dir` as a CI job would (each must succeed but the last),
/// with a job summary file; returns the last line's output and the summary.
fn job(dir: &Path, lines: &[(String, Vec<(String, String)>)], base: &str) -> (Output, String) {
    let summary = dir.join("summary.md");
    let mut last = None;
    for (i, (line, env)) in lines.iter().enumerate() {
        let out = Command::new("sh")
            .args(["-c", line])
            .current_dir(dir)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", base)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .unwrap();
        if i + 1 < lines.len() {
            assert!(
                out.status.success(),
                "{line}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        last = Some(out);
    }
    let summary = std::fs::read_to_string(&summary).unwrap_or_default();
    (last.expect("a line"), summary)
}

/// The GitHub workflow's run lines, less the build (the test's binary stands in for it).
fn github_job(dir: &Path) -> (Output, String) {
    let steps: Vec<_> = workflow_steps(&read(WORKFLOW))
        .into_iter()
        .filter(|(line, _)| !line.starts_with("cargo build"))
        .collect();
    assert_eq!(steps.len(), 2, "the fetch and the gate: {steps:?}");
    job(dir, &steps, "main")
}

/// The GitLab job's `before_script` and `script` lines, less the install of raci-sim.
fn gitlab_job(dir: &Path) -> (Output, String) {
    let lines: Vec<_> = read(GITLAB)
        .lines()
        .filter_map(|l| l.strip_prefix("    - "))
        .filter(|l| l.starts_with("git ") || l.starts_with("RACI_SIM="))
        .map(|l| (l.to_string(), Vec::new()))
        .collect();
    assert_eq!(lines.len(), 2, "the fetch and the gate: {lines:?}");
    job(dir, &lines, "main")
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Revoking takes 10 hours instead of 10 minutes: containment at 40,500 s instead of 5,100 s.
fn slower(src: &Path) {
    let m = ours().replace(r#"revoke: Fixed("10m")"#, r#"revoke: Fixed("10h")"#);
    assert_ne!(m, ours());
    write(src, "models/ours.ron", &m);
}

#[test]
fn the_github_workflow_fails_a_pull_request_that_makes_a_model_slower() {
    let work = repository("gh-worse", slower);
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(summary.contains("## Ownership gate: `ci/ownership-study.ron`"));
    assert!(
        summary.contains("held to its own results on `origin/main`"),
        "{summary}"
    );
    assert!(summary.contains("| containment no slower than on the base branch | **FAIL** |"));
    let junit = std::fs::read_to_string(work.join("reports/ci-gate/check.junit.xml")).unwrap();
    assert!(junit.contains("<failure"), "{junit}");
    assert!(work.join("reports/ci-gate/index.html").is_file());
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

#[test]
fn the_github_workflow_passes_a_pull_request_that_changes_no_model() {
    let work = repository("gh-same", |src| {
        write(src, "README.md", "a change that is not a model\n");
    });
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        summary.contains("held to its own results on `origin/main`"),
        "{summary}"
    );
    assert!(summary.contains("| containment no slower than on the base branch | pass |"));
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

#[test]
fn the_gitlab_job_fails_the_slower_model_and_writes_its_junit_report() {
    let work = repository("gl-worse", slower);
    let (out, _) = gitlab_job(&work);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let yaml = read(GITLAB);
    let junit = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("junit: "))
        .expect("artifacts: reports: junit:");
    assert!(std::fs::read_to_string(work.join(junit))
        .unwrap()
        .contains("<failure"));
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// A pull request that adds a model the base branch has no file for: there is no baseline
/// for it, the gate says so and holds every model to the study's baseline model instead.
#[test]
fn a_new_model_file_is_checked_against_the_study_baseline_and_said_so() {
    let work = repository("gh-new", |src| {
        let theirs = ours().replace("name: \"ops-only\"", "name: \"theirs\"");
        write(src, "models/theirs.ron", &theirs);
        let study = STUDY.replace(
            r#"["../models/ours.ron"]"#,
            r#"["../models/ours.ron", "../models/theirs.ron"]"#,
        );
        write(src, "ci/ownership-study.ron", &study);
    });
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(summary.contains("**No baseline:**"), "{summary}");
    assert!(text(&out).contains("::warning::"), "{}", text(&out));
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// This repository's own gated study passes a pull request that changes no model (the run
/// count and gates the workflow uses are enough for check).
#[test]
fn the_repository_study_passes_an_unchanged_pull_request() {
    let work = {
        let dir = temp("own");
        let src = dir.join("src");
        for rel in ["ci", "scenarios", "scripts"] {
            copy_dir(&Path::new(ROOT).join(rel), &src.join(rel));
        }
        git(&src, &["init", "-q", "-b", "main"]);
        git(&src, &["add", "-A"]);
        git(&src, &["commit", "-q", "-m", "base"]);
        git(&src, &["checkout", "-q", "-b", "pr"]);
        git(
            &src,
            &["commit", "-q", "--allow-empty", "-m", "pull request"],
        );
        git(&dir, &["clone", "-q", "--bare", "src", "origin.git"]);
        let url = format!("file://{}", dir.join("origin.git").display());
        git(
            &dir,
            &["clone", "-q", "--depth=1", "--branch", "pr", &url, "work"],
        );
        let work = dir.join("work");
        std::fs::create_dir_all(work.join("target/release")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_raci-sim"),
            work.join("target/release/raci-sim"),
        )
        .unwrap();
        work
    };
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(0), "{}\n{summary}", text(&out));
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// docs/ci.md shows each file whole, in a fenced block, as it is in the repository.
#[test]
fn docs_ci_shows_the_workflow_files_verbatim() {
    let docs = read("docs/ci.md");
    for (rel, lang) in [(WORKFLOW, "yaml"), (GITLAB, "yaml"), (GATE_SCRIPT, "bash")] {
        let block = format!("```{lang}\n# {rel}\n{}```\n", read(rel));
        assert!(
            docs.contains(&block),
            "docs/ci.md does not show {rel} as it is; paste it whole under a `# {rel}` line"
        );
    }
}
