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
    repository_from(tag, |_| {}, change)
}

/// As `repository`, with `base` applied to the base commit's files first.
fn repository_from(tag: &str, base: impl FnOnce(&Path), change: impl FnOnce(&Path)) -> PathBuf {
    let dir = temp(tag);
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    write(&src, "ci/ownership-study.ron", STUDY);
    write(&src, "models/ours.ron", &ours());
    let scenario = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#);
    write(&src, "scenarios/chain.ron", &scenario);
    // Copied with its mode: the workflows run it as a program.
    copy_dir(&Path::new(ROOT).join("scripts"), &src.join("scripts"));
    base(&src);
    publish(&dir, change)
}

/// Commits `dir/src` as `main`, then `change` applied to it as `pr`; pushes both to a bare
/// "origin" and clones it one commit deep at `pr` the way actions/checkout does, with the
/// binary under test where the workflows put theirs. Returns the clone.
fn publish(dir: &Path, change: impl FnOnce(&Path)) -> PathBuf {
    let src = dir.join("src");
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
    git(dir, &["clone", "-q", "--bare", "src", "origin.git"]);
    let url = format!("file://{}", dir.join("origin.git").display());
    git(
        dir,
        &["clone", "-q", "--depth=1", "--branch", "pr", &url, "work"],
    );
    let work = dir.join("work");
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
    assert!(!text(&out).contains("::warning::"), "{}", text(&out));
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

/// The base's study is the one the gate runs, beside the pull request's (the hidden copy is
/// removed afterwards and no tracked file is touched).
fn assert_base_study_used(work: &Path, out: &Output, summary: &str) {
    assert!(
        summary.contains("under the base branch's study"),
        "{summary}"
    );
    let changed =
        "the gate used the base branch's study; your changes to it take effect once merged";
    assert!(summary.contains(changed), "{summary}");
    assert!(text(out).contains("::warning::"), "{}", text(out));
    assert!(text(out).contains(changed), "{}", text(out));
    let left: Vec<_> = std::fs::read_dir(work.join("ci"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        left,
        ["ownership-study.ron"],
        "the temporary study is removed"
    );
}

/// The reviewer's attack: a pull request that makes the model 8x slower (containment at
/// 40,500 s instead of 5,100 s) and loosens its own gate (30 runs, another seed, `detect:
/// "20d"`, a 1000% tolerance, under which 40,500 s passes). The gate runs the base's study,
/// whose 10% tolerance the slower model fails.
#[test]
fn a_pull_request_cannot_loosen_its_own_gate() {
    let work = repository("gh-loosen", |src| {
        slower(src);
        let study = STUDY
            .replace(
                "no_worse_than_baseline_by: 0.10",
                r#"no_worse_than_baseline_by: 10.0, detect: "20d""#,
            )
            .replace("gates: [", "runs: 30, seed: 99, gates: [");
        assert_ne!(study, STUDY);
        write(src, "ci/ownership-study.ron", &study);
    });
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(1), "{}\n{summary}", text(&out));
    assert_base_study_used(&work, &out, &summary);
    assert!(summary.contains("| containment no slower than on the base branch | **FAIL** |"));
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// A pull request that adds a scenario to the study (the base has no file for it) and makes
/// the baseline model slower: the base runs its own study, so there is still a baseline and
/// the slower model fails.
#[test]
fn a_new_scenario_in_the_study_does_not_unhook_the_baseline() {
    let work = repository("gh-new-scenario", |src| {
        slower(src);
        let other = chain_scenario("ApiKey", "0s", r#"At(day: Tue, time: "09:00")"#)
            .replace("name: \"chain\"", "name: \"other\"");
        write(src, "scenarios/other.ron", &other);
        let study = STUDY.replace(
            r#"["../scenarios/chain.ron"]"#,
            r#"["../scenarios/chain.ron", "../scenarios/other.ron"]"#,
        );
        write(src, "ci/ownership-study.ron", &study);
    });
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(1), "{}\n{summary}", text(&out));
    assert_base_study_used(&work, &out, &summary);
    assert!(!summary.contains("No baseline"), "{summary}");
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// A pull request that adds a model and puts it in the study: the base's study (without it)
/// is the gate, so the existing model is still held to its base results; the new one is gated
/// from the next pull request on.
#[test]
fn a_new_model_in_the_study_is_gated_once_merged() {
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
    assert_eq!(out.status.code(), Some(0), "{}\n{summary}", text(&out));
    assert_base_study_used(&work, &out, &summary);
    assert!(summary.contains("held to its own results on `origin/main`"));
    assert!(
        !summary.contains("theirs"),
        "only the base's models: {summary}"
    );
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// The pull request that introduces the gate: the base has no study file, so `check` runs on
/// the pull request's study without a baseline, and the log and summary say so.
#[test]
fn a_pull_request_introducing_the_study_is_checked_without_a_baseline() {
    let work = repository_from(
        "gh-introduce",
        |src| std::fs::remove_file(src.join("ci/ownership-study.ron")).unwrap(),
        |src| write(src, "ci/ownership-study.ron", STUDY),
    );
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(0), "{}\n{summary}", text(&out));
    assert!(summary.contains("**No baseline:**"), "{summary}");
    assert!(summary.contains("introduces the gate"), "{summary}");
    assert!(summary.contains("without `--baseline`"), "{summary}");
    assert!(
        text(&out).contains("::warning::**No baseline:**"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// A base whose own study cannot run (it names a model file the base does not have): there is
/// nothing to compare against, so the gate exits 2 with the base's error, even though the pull
/// request's study would run.
#[test]
fn a_base_that_cannot_run_its_study_fails_the_gate() {
    let broken = STUDY.replace("../models/ours.ron", "../models/missing.ron");
    let work = repository_from(
        "gh-broken-base",
        |src| write(src, "ci/ownership-study.ron", &broken),
        |src| write(src, "ci/ownership-study.ron", STUDY),
    );
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(2), "{}\n{summary}", text(&out));
    assert!(
        summary.contains("The base branch cannot run its own study"),
        "{summary}"
    );
    assert!(
        summary.contains("missing.ron"),
        "the base's error: {summary}"
    );
    assert!(text(&out).contains("missing.ron"), "{}", text(&out));
    assert!(!work.join("reports/ci-gate/check.md").exists());
    std::fs::remove_dir_all(work.parent().unwrap()).unwrap();
}

/// A pull request that renames a model file the base's study names: `check` cannot find it in
/// the pull request (exit 2), and the summary says a human must look.
#[test]
fn a_renamed_model_file_stops_the_gate_for_a_human() {
    let work = repository("gh-rename", |src| {
        std::fs::rename(src.join("models/ours.ron"), src.join("models/mine.ron")).unwrap();
        let study = STUDY.replace("../models/ours.ron", "../models/mine.ron");
        write(src, "ci/ownership-study.ron", &study);
    });
    let (out, summary) = github_job(&work);
    assert_eq!(out.status.code(), Some(2), "{}\n{summary}", text(&out));
    assert!(summary.contains("refused the input (exit 2)"), "{summary}");
    assert!(summary.contains("deletes or renames"), "{summary}");
    assert!(summary.contains("ours.ron"), "{summary}");
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
        publish(&dir, |_| {})
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
