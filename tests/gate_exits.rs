//! `check --baseline`: one test per way a baseline file is bad input (exit 2 before anything
//! runs, nothing written), exit 1 and 0, and checks without data (skipped, or exit 2 when the
//! gate names the scenario).

use std::path::Path;

use crate::common::chain_scenario;
use crate::gates::{raci, temp, text, tiny, SWEEP};

/// Missed revocations no worse than today's: 0 in every run for both tiny models.
const MISSED: &str = r#"(metric: MissedRevocationRate, no_worse_than_baseline_by: 0.10),"#;

/// `check --baseline FILE` exits 2 before anything runs, with `expected` in its message, and
/// writes nothing.
fn refused_baseline(dir: &Path, file: &str, expected: &str) {
    let out = raci(dir, &["check", "study.ron", "--baseline", file]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr.contains(expected), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        !dir.join("report").exists(),
        "a refused check wrote its report"
    );
}

#[test]
fn a_missing_baseline_exits_2() {
    let dir = temp("missing");
    tiny(&dir, "2h", 20, MISSED, "");
    refused_baseline(&dir, "nowhere.json", "cannot read nowhere.json");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unreadable_baseline_exits_2() {
    let dir = temp("unreadable");
    tiny(&dir, "2h", 20, MISSED, "");
    std::fs::create_dir(dir.join("folder.json")).unwrap();
    refused_baseline(&dir, "folder.json", "cannot read folder.json");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_baseline_that_is_not_json_exits_2() {
    let dir = temp("not-json");
    tiny(&dir, "2h", 20, MISSED, "");
    std::fs::write(dir.join("b.json"), "Study(name: \"x\")").unwrap();
    refused_baseline(
        &dir,
        "b.json",
        "b.json:1:1: not a results.json: expected value",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `{"x":1}`, and a real results.json with its `schema_version` taken out.
#[test]
fn a_baseline_without_a_schema_version_exits_2() {
    let dir = temp("no-version");
    tiny(&dir, "2h", 20, MISSED, "");
    assert_eq!(
        raci(&dir, &["study", "study.ron", "--out", "base"])
            .status
            .code(),
        Some(0)
    );
    let real = std::fs::read_to_string(dir.join("base/results.json")).unwrap();
    let v = raci_sim::output::RESULTS_SCHEMA_VERSION;
    let unversioned = real.replacen(&format!("\"schema_version\": {v},"), "", 1);
    assert_ne!(unversioned, real);
    for body in [r#"{"x":1}"#, unversioned.as_str()] {
        std::fs::write(dir.join("b.json"), body).unwrap();
        refused_baseline(
            &dir,
            "b.json",
            &format!("b.json:1:1: has no `schema_version`: not a results.json this raci-sim reads (schema version {v})"),
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_baseline_of_another_schema_version_exits_2() {
    let dir = temp("version");
    tiny(&dir, "2h", 20, MISSED, "");
    std::fs::write(
        dir.join("b.json"),
        r#"{"schema_version": 999, "scenarios": []}"#,
    )
    .unwrap();
    refused_baseline(
        &dir,
        "b.json",
        "b.json:1:1: has `schema_version` 999: not a results.json",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The results of an earlier `study` of today.ron alone: the proposal is new.
#[test]
fn a_baseline_lacking_a_model_exits_2_naming_it() {
    let dir = temp("no-model");
    tiny(&dir, "2h", 20, MISSED, "");
    let only_today = std::fs::read_to_string(dir.join("study.ron"))
        .unwrap()
        .replace(r#"["today.ron", "proposal.ron"]"#, r#"["today.ron"]"#)
        .replace(r#"out: "report""#, r#"out: "base""#);
    std::fs::write(dir.join("base.ron"), only_today).unwrap();
    assert_eq!(raci(&dir, &["study", "base.ron"]).status.code(), Some(0));
    refused_baseline(
        &dir,
        "base/results.json",
        "base/results.json:1:1: has no results for model `proposal` on scenario `chain`; it holds models `today`",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_baseline_lacking_a_scenario_exits_2_naming_it() {
    let dir = temp("no-scenario");
    tiny(&dir, "2h", 20, MISSED, "");
    let other = chain_scenario("ApiKey", "0s", "UniformWeek").replacen(
        "name: \"chain\"",
        "name: \"other\"",
        1,
    );
    std::fs::write(dir.join("other.ron"), other).unwrap();
    let elsewhere = std::fs::read_to_string(dir.join("study.ron"))
        .unwrap()
        .replace(r#"["chain.ron"]"#, r#"["other.ron"]"#)
        .replace(r#"out: "report""#, r#"out: "base""#);
    std::fs::write(dir.join("base.ron"), elsewhere).unwrap();
    assert_eq!(raci(&dir, &["study", "base.ron"]).status.code(), Some(0));
    refused_baseline(
        &dir,
        "base/results.json",
        "base/results.json:1:1: has no results for scenario `chain`; it holds scenarios `other`",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_baseline_gate_at_a_sweep_point_cannot_use_recorded_results() {
    let dir = temp("at-recorded");
    let gate = r#"(metric: MissedRevocationRate, no_worse_than_baseline_by: 0.10,
          at: [(parameter: EscalationTimeout, value: "1h")]),"#;
    tiny(&dir, "2h", 20, gate, SWEEP);
    assert_eq!(
        raci(&dir, &["study", "study.ron", "--out", "base"])
            .status
            .code(),
        Some(0)
    );
    refused_baseline(
        &dir,
        "base/results.json",
        "is at a sweep point (escalation_timeout_seconds = 3600)",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The proposal escalates after 3 h instead of 2: contained 3600 s later in every run, more
/// than the 10% tolerance (1230 s); escalating after 2 h it is the same model.
#[test]
fn a_failing_gate_exits_1_and_passing_gates_exit_0() {
    let dir = temp("codes");
    let gate = r#"(metric: RestrictedMeanTimeToContainment, no_worse_than_baseline_by: 0.10),"#;
    for (after, code) in [("3h", 1), ("2h", 0)] {
        tiny(&dir, after, 20, gate, "");
        let out = raci(&dir, &["check", "study.ron", "--force"]);
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------- no data

/// The chain scenario has no benign runs: wrongful revocations cannot be measured there. A gate
/// over every scenario skips the check (JUnit `skipped`, with the reason); a gate that names the
/// scenario can never be measured, which is bad input (exit 2).
#[test]
fn a_check_without_data_is_skipped_or_refused_when_its_gate_names_the_scenario() {
    let dir = temp("no-data");
    tiny(
        &dir,
        "2h",
        20,
        r#"(metric: WrongfulRevocationRate, at_most: 0.1),"#,
        "",
    );
    let out = raci(&dir, &["check", "study.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let junit = std::fs::read_to_string(dir.join("report/check.junit.xml")).unwrap();
    assert!(
        junit.contains(r#"tests="2" failures="0" errors="0" skipped="2" time="0""#),
        "{junit}"
    );
    assert!(
        junit.contains(r#"<skipped message="no benign runs in 20 runs: wrongful revocations per benign run needs them"/>"#),
        "{junit}"
    );
    tiny(
        &dir,
        "2h",
        20,
        r#"(metric: WrongfulRevocationRate, scenario: "chain", at_most: 0.1),"#,
        "",
    );
    let out = raci(&dir, &["check", "study.ron", "--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: study.ron:10:9: field `gates[0]`: gate `wrongful revocations per benign run at most 0.100 on chain` on scenario `chain` with model `today`: no benign runs in 20 runs"),
        "{}",
        text(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A recorded results.json holds `null` for a mean it had no runs for (no benign runs on the
/// chain scenario: wrongful revocations). Held to it, the check is skipped with that reason,
/// not refused as a baseline lacking the metric, and not failed.
#[test]
fn a_recorded_mean_without_data_skips_its_check() {
    let dir = temp("recorded-null");
    let gate = r#"(metric: WrongfulRevocationRate, no_worse_than_baseline_by: 0.10),"#;
    tiny(&dir, "2h", 20, gate, "");
    let base = raci(&dir, &["study", "study.ron", "--out", "base"]);
    assert_eq!(base.status.code(), Some(0), "{}", text(&base));
    let results = std::fs::read_to_string(dir.join("base/results.json")).unwrap();
    assert!(
        results.contains(r#""metric": "wrongful_revocations""#),
        "{results}"
    );
    let out = raci(
        &dir,
        &["check", "study.ron", "--baseline", "base/results.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let junit = std::fs::read_to_string(dir.join("report/check.junit.xml")).unwrap();
    assert!(
        junit.contains(r#"tests="2" failures="0" errors="0" skipped="2""#),
        "{junit}"
    );
    assert!(
        junit.contains("the baseline results recorded no data for wrongful revocations"),
        "{junit}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `check`'s exit 1 means a gate failed and nothing else: a run over the event cap (a model
/// or scenario no run can finish) is exit 2, with nothing written.
#[test]
fn a_run_over_the_event_cap_exits_2_not_1() {
    let dir = temp("event-cap");
    tiny(&dir, "2h", 20, MISSED, "");
    let out = raci(&dir, &["check", "study.ron", "--max-events", "3"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("exceeded the cap of 3 events"),
        "{}",
        text(&out)
    );
    assert!(!dir.join("report").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
