//! The CI gate: `check` writes what `study` writes (sweep included) plus the gate files; gates
//! at sweep points; power (a gate states what it must detect, and runs that cannot resolve it
//! exit 2); exact exit codes for every bad `--baseline`; JUnit skipped checks.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use raci_sim::analysis::gate::{underpowered, Collector, Status};
use raci_sim::analysis::plan::Plan;
use raci_sim::analysis::stats::t_975;
use raci_sim::domain::duration::format_human;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::MODELS;
use raci_sim::input::study::{load_study, Study};

use crate::common::{chain_scenario, ops_model, SURE};

pub fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-gates-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn raci(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A model where ops does everything but nobody owns revoking API keys: the revoke is ready at
/// 4500 s and escalated to `lead` after `after`, who revokes in 600 s (tests/cases.rs, case
/// (c)): contained at 5100 s + `after`, in every run (the attack starts Monday 09:00).
pub fn escalating(name: &str, after: &str) -> String {
    ops_model(
        r#"Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        &format!(r#"{SURE}, escalation: (after: "{after}", to: "lead")"#),
        r#"(id: "lead", staff: 1, coverage: AlwaysOn),"#,
    )
    .replacen("name: \"ops-only\"", &format!("name: \"{name}\""), 1)
}

/// Writes chain.ron (scenario "chain"), today.ron (escalation after 2 h: contained at 12300 s)
/// and proposal.ron (escalation after `proposal_after`), and a study of both with `gates`,
/// `runs` and `more` fields; returns the study's file name.
pub fn tiny(dir: &Path, proposal_after: &str, runs: u64, gates: &str, more: &str) -> &'static str {
    let chain = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#);
    std::fs::write(dir.join("chain.ron"), chain).unwrap();
    std::fs::write(dir.join("today.ron"), escalating("today", "2h")).unwrap();
    let proposal = escalating("proposal", proposal_after);
    std::fs::write(dir.join("proposal.ron"), proposal).unwrap();
    let study = format!(
        r#"Study(
    name: "tiny",
    models: ["today.ron", "proposal.ron"],
    scenarios: ["chain.ron"],
    baseline: "today",
    runs: {runs},
    seed: 1,
    out: "report",
    gates: [
        {gates}
    ],
    {more}
)"#
    );
    std::fs::write(dir.join("study.ron"), study).unwrap();
    "study.ron"
}

/// Every file of a report folder (plots included), by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["", "plots"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        let mut names: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        names.sort();
        for p in names.into_iter().filter(|p| p.is_file()) {
            let name = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            out.push((name, std::fs::read(&p).unwrap()));
        }
    }
    out
}

pub const SWEEP: &str = r#"sweep: [(parameter: EscalationTimeout, values: ["1h", "3h"])],"#;

#[test]
fn check_writes_what_study_writes_then_the_gate_files() {
    let dir = temp("same-files");
    let study = tiny(
        &dir,
        "2h",
        30,
        r#"(metric: MissedRevocationRate, at_most: 0.5)"#,
        SWEEP,
    );
    assert_eq!(
        raci(&dir, &["study", study, "--out", "s"]).status.code(),
        Some(0)
    );
    let out = raci(&dir, &["check", study, "--out", "c"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (s, c) = (files(&dir.join("s")), files(&dir.join("c")));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let mut expected = names(&s);
    expected.extend(["check.junit.xml".to_string(), "check.md".to_string()]);
    expected.sort();
    let mut got = names(&c);
    got.sort();
    assert_eq!(got, expected);
    assert!(got.contains(&"sweep.csv".to_string()), "{got:?}");
    assert!(got.iter().any(|n| n.starts_with("plots/sweep-")), "{got:?}");
    // The same bytes, but for the recorded command (`raci-sim check study.ron` there).
    let mut recorded = 0;
    // The marker lists every file with its hash (check's files too): compared without it.
    let not_marker = |f: &&(String, Vec<u8>)| f.0 != ".raci-sim-output";
    for ((name, a), (_, b)) in s.iter().filter(not_marker).zip(
        c.iter()
            .filter(not_marker)
            .filter(|(n, _)| !n.starts_with("check.")),
    ) {
        let b = String::from_utf8_lossy(b);
        recorded += b.contains("raci-sim check study.ron") as usize;
        let b = b
            .replace("raci-sim check study.ron", "raci-sim study study.ron")
            .replace(
                "\"raci-sim\",\n      \"check\",",
                "\"raci-sim\",\n      \"study\",",
            );
        assert!(b.as_bytes() == a.as_slice(), "{name} differs");
    }
    assert!(recorded > 0, "no file records the check command");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Time to containment is 5100 s + the escalation timeout in every run: 12300 s for the study's
/// own models (2 h), 8700 s at the sweep point 1 h, 15900 s at 3 h. Each gate holds it to 3 h
/// (10800 s); every run is equal, so the runs resolve any effect.
#[test]
fn a_gate_at_a_sweep_point_measures_that_points_models() {
    let dir = temp("at");
    let limit = r#"metric: TimeToContainmentP50, model: "proposal", at_most: "3h""#;
    let study = tiny(
        &dir,
        "2h",
        20,
        &format!(
            r#"(name: "own", {limit}),
        (name: "at-1h", {limit}, at: [(parameter: EscalationTimeout, value: "1h")]),
        (name: "at-3h", {limit}, at: [(parameter: EscalationTimeout, value: "3h")]),"#
        ),
        SWEEP,
    );
    let s = load_study(&dir.join(study).to_string_lossy()).unwrap();
    assert_eq!(
        s.gates.iter().map(|g| g.point).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    let results = gate_results(&s);
    let measured: Vec<(&str, &str, &Status)> = (results.iter())
        .map(|r| {
            (
                r.name.as_str(),
                r.checks[0].measured.as_str(),
                &r.checks[0].status,
            )
        })
        .collect();
    assert_eq!(
        measured,
        [
            ("own", format_human(12_300.0).as_str(), &Status::Failed),
            ("at-1h", format_human(8_700.0).as_str(), &Status::Passed),
            ("at-3h", format_human(15_900.0).as_str(), &Status::Failed),
        ]
    );
    // Through the binary: exit 1; the JUnit names the point, and each failure the study file
    // and its gate's line (gates start on line 10).
    let out = raci(&dir, &["check", study]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let junit = std::fs::read_to_string(dir.join("report/check.junit.xml")).unwrap();
    assert!(
        junit.contains(r#"name="chain with proposal at escalation_timeout_seconds = 3600""#),
        "{junit}"
    );
    let failures: Vec<&str> = junit.lines().filter(|l| l.contains("<failure ")).collect();
    assert_eq!(failures.len(), 2, "{junit}");
    assert!(
        failures[0].contains(r#"message="study.ron:10:9: own: measured 3.4h"#),
        "{}",
        failures[0]
    );
    assert!(
        failures[1].contains(r#"message="study.ron:12:9: at-3h: measured 4.4h"#),
        "{}",
        failures[1]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the study and evaluates its gates at every point, as `check` does.
fn gate_results(s: &Study) -> Vec<raci_sim::analysis::gate::GateResult> {
    let plan = Plan::resolve(s);
    let mut gates = Collector::new(s, None);
    plan.run_visiting(DEFAULT_MAX_EVENTS, |_| {}, &mut gates)
        .unwrap();
    gates.finish()
}

#[test]
fn gate_fields_that_do_not_fit_are_located() {
    let dir = temp("bad-at");
    let g = r#"metric: TimeToContainmentP50, at_most: "3h""#;
    let cases = [
        (
            format!(r#"({g}, at: [(parameter: Diffusion, value: 0.5)]),"#),
            SWEEP,
            "study.ron:10:61: field `gates[0].at[0].parameter`: the sweep does not vary diffusion\n  help: the sweep varies escalation_timeout_seconds\n",
        ),
        (
            format!(r#"({g}, at: [(parameter: EscalationTimeout, value: "2h")]),"#),
            SWEEP,
            "study.ron:10:91: field `gates[0].at[0].value`: 7200 is not a value of the sweep axis escalation_timeout_seconds\n  help: its values are 3600, 10800\n",
        ),
        (
            format!(r#"({g}, at: [(parameter: EscalationTimeout, value: "1h")]),"#),
            "",
            "study.ron:10:55: field `gates[0].at`: the study has no sweep, so a gate has no sweep point to name\n  help: remove `at`, or add a `sweep`\n",
        ),
        (
            format!(r#"({g}, at: [(parameter: EscalationTimeout, value: "1h")]),"#),
            r#"sweep: [(parameter: EscalationTimeout, values: ["1h"]), (parameter: Diffusion, values: [0.5])],"#,
            "study.ron:10:55: field `gates[0].at`: gives no value for diffusion: a sweep point gives every axis a value\n  help: the sweep varies escalation_timeout_seconds, diffusion\n",
        ),
        (
            format!(r#"({g}, detect: 0.5),"#),
            "",
            "study.ron:10:55: field `gates[0].detect`: time to containment p50 is a time: write a duration\n  help: e.g. detect: \"1h\"\n",
        ),
        (
            r#"(metric: ContainedShare, at_least: 0.9, detect: -0.01),"#.to_string(),
            "",
            "study.ron:10:49: field `gates[0].detect`: the effect to detect must be a number greater than zero (share contained is not a time)\n  help: shares are fractions: detect: 0.02 is 2 percentage points\n",
        ),
    ];
    for (gate, more, expected) in cases {
        let study = tiny(&dir, "2h", 20, &gate, more);
        for cmd in ["study", "check"] {
            let out = raci(&dir, &[cmd, study]);
            assert_eq!(out.status.code(), Some(2), "{cmd} {gate}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                format!("error: {expected}"),
                "{cmd} {gate}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------- power

/// split-iam-security renamed "proposal" without IAM's on-call: revocations wait for office
/// hours, about 11 hours slower on average on compromised-service-account.
fn slower_proposal() -> String {
    let today = MODELS
        .iter()
        .find(|m| m.name == "split-iam-security")
        .unwrap()
        .text;
    let slower = today
        .replacen(r#"name: "split-iam-security""#, r#"name: "proposal""#, 1)
        .replace(r#"on_call: (page_latency: "30m", min_severity: High)"#, "");
    assert_ne!(slower.len(), today.len());
    slower
}

/// A study of split-iam-security and the slower proposal, with one gate: restricted mean time
/// to containment no worse than today's by 10%, with `detect`.
fn slower_study(dir: &Path, runs: u64, seed: u64, detect: &str) -> &'static str {
    let today = MODELS
        .iter()
        .find(|m| m.name == "split-iam-security")
        .unwrap()
        .text;
    std::fs::write(dir.join("today.ron"), today).unwrap();
    std::fs::write(dir.join("proposal.ron"), slower_proposal()).unwrap();
    let study = format!(
        r#"Study(
    name: "power",
    models: ["today.ron", "proposal.ron"],
    scenarios: ["compromised-service-account"],
    baseline: "split-iam-security",
    runs: {runs},
    seed: {seed},
    out: "report",
    gates: [
        (name: "no slower", metric: RestrictedMeanTimeToContainment,
         no_worse_than_baseline_by: 0.10, detect: "{detect}"),
    ],
)"#
    );
    std::fs::write(dir.join("study.ron"), study).unwrap();
    "study.ron"
}

/// At 2,000 runs the gate resolves 6 hours and the proposal fails it. At 50 runs the interval
/// is so wide that the gate alone would often let it pass; the power rule refuses instead
/// (exit 2), so on no seed does it pass.
#[test]
fn a_slower_model_that_fails_at_2000_runs_never_passes_at_50() {
    let dir = temp("power");
    let study = slower_study(&dir, 2000, 20261123, "6h");
    let out = raci(&dir, &["check", study, "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let mut passed_without_power = 0;
    for seed in 1..=8 {
        let _ = std::fs::remove_dir_all(dir.join("report"));
        let study = slower_study(&dir, 50, seed, "6h");
        let out = raci(&dir, &["check", study, "--quiet"]);
        let code = out.status.code();
        assert!(matches!(code, Some(1 | 2)), "seed {seed}: {}", text(&out));
        if code == Some(2) {
            assert!(
                !dir.join("report").exists(),
                "seed {seed}: a refused check wrote"
            );
        }
        // Without the power rule the interval rule alone would have passed it.
        let s = load_study(&dir.join(study).to_string_lossy()).unwrap();
        let results = gate_results(&s);
        if results[0].passed() {
            assert!(!underpowered(&results).is_empty(), "seed {seed}");
            passed_without_power += 1;
        }
    }
    assert!(passed_without_power > 0, "the power rule was never needed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_gate_that_must_detect_only_a_huge_effect_is_evaluated_at_50_runs() {
    let dir = temp("huge");
    let study = slower_study(&dir, 50, 3, "30d");
    let out = raci(&dir, &["check", study, "--quiet"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    assert!(dir.join("report/check.junit.xml").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The refusal's numbers, recomputed from the per-run values: the paired differences' standard
/// error se, t = t(49); resolvable = se (t + 0.841621); runs needed = ceil(50 (r / 6 h)^2).
#[test]
fn the_power_refusal_names_the_gate_and_gives_hand_checked_numbers() {
    let dir = temp("message");
    let seed = 2;
    let study = slower_study(&dir, 50, seed, "6h");
    let out = raci(&dir, &["check", study, "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let s = load_study(&dir.join(study).to_string_lossy()).unwrap();
    let c = Plan::resolve(&s).run(DEFAULT_MAX_EVENTS, |_| {}).unwrap();
    let sc = &c.comparison.scenarios[0];
    let horizon = sc.scenario.horizon;
    let hours = |r: &raci_sim::engine::metrics::RunMetrics| {
        r.time_to_containment.unwrap_or(horizon) as f64 / 3600.0
    };
    let d: Vec<f64> = (sc.models[0].runs.iter().zip(&sc.models[1].runs))
        .filter(|(a, _)| a.attack)
        .map(|(a, b)| hours(b) - hours(a))
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let t = t_975(d.len() - 1);
    let resolves = sd / n.sqrt() * (t + 0.841_621_233_572_914_3);
    let needed = (50.0 * (resolves / 6.0).powi(2)).ceil() as u64;
    let expected = format!(
        "error: study.ron:10:9: field `gates[0]`: gate `no slower` on scenario `compromised-service-account` with model `proposal`: 50 runs resolve {}, the gate must detect 6.0h (its `detect`)\n  help: about {needed} runs would resolve it\nstudy.ron:6:5: field `runs`: the study's 50 runs cannot resolve what 1 check of its gates must detect; `runs: {needed}` would resolve them all\n  help: raise `runs`, or give a gate the effect it must detect with `detect:` (docs/ci.md, \"Power\"); nothing was written\n",
        format_human(resolves * 3600.0)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    assert!(!dir.join("report").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
