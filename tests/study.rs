//! Studies, the CI gate, sweeps and shards.

use std::path::{Path, PathBuf};
use std::process::Command;

use raci_sim::analysis::compare::compare;
use raci_sim::analysis::gate::evaluate;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::MODELS;
use raci_sim::input::study::parse_study;

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-study-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn shipped(name: &str) -> &'static str {
    MODELS.iter().find(|m| m.name == name).unwrap().text
}

/// Writes the baseline model, a candidate and a study naming both, gated on missed revocations
/// and restricted mean time to containment, no worse than the baseline by 10%.
fn setup(dir: &Path, candidate_text: &str, seed: u64, runs: u64) -> PathBuf {
    std::fs::write(dir.join("today.ron"), shipped("split-iam-security")).unwrap();
    std::fs::write(dir.join("proposal.ron"), candidate_text).unwrap();
    let study = format!(
        r#"Study(
    name: "gate-test",
    models: ["today.ron", "proposal.ron"],
    scenarios: ["compromised-service-account"],
    baseline: "split-iam-security",
    runs: {runs},
    seed: {seed},
    out: "report",
    gates: [
        (name: "missed revocations no worse than today", metric: MissedRevocationRate,
         no_worse_than_baseline_by: 0.10),
        (name: "containment no slower than today", metric: RestrictedMeanTimeToContainment,
         no_worse_than_baseline_by: 0.10, detect: "1d"),
    ],
)"#
    );
    let path = dir.join("study.ron");
    std::fs::write(&path, study).unwrap();
    path
}

fn renamed(text: &str, from: &str, to: &str) -> String {
    text.replacen(&format!("name: \"{from}\""), &format!("name: \"{to}\""), 1)
}

/// split-iam-security renamed "proposal", without the secret's revoke owner and the escalation
/// that would cover it.
fn worse_proposal() -> String {
    renamed(
        shipped("split-iam-security"),
        "split-iam-security",
        "proposal",
    )
    .replace(r#"Secret: (r: ["iam"], i: ["soc"]),"#, "")
    .replace(
        r#"escalation: (after: "4h", to: "soc"),     // [assumption]"#,
        "",
    )
}

#[test]
fn a_worsened_model_fails_check_with_exit_1_and_a_junit_failure() {
    let dir = temp("worse");
    let worse = worse_proposal();
    let study = setup(&dir, &worse, 20261123, 600);
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["check"])
        .arg(&study)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("| missed revocations no worse than today | **FAIL** |"),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(dir.join("report/check.junit.xml")).unwrap();
    // Both gates fail: the secret is never revoked, so the attacker is never evicted either.
    assert!(
        junit.contains(r#"tests="2" failures="2" errors="0" skipped="0" time="0">"#),
        "{junit}"
    );
    // The failure names the gate and the measured value.
    let failure = junit
        .lines()
        .find(|l| l.contains("<failure "))
        .expect("a failure");
    assert!(
        failure.contains("missed revocations no worse than today: measured 1.0"),
        "{failure}"
    );
    assert!(
        failure.contains("compromised-service-account with proposal"),
        "{failure}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_unchanged_model_passes_on_twenty_seeds() {
    let dir = temp("same");
    let same = renamed(
        shipped("split-iam-security"),
        "split-iam-security",
        "proposal",
    );
    for seed in 1..=20 {
        let path = setup(&dir, &same, seed, 300);
        let study = parse_study(
            &path.to_string_lossy(),
            &std::fs::read_to_string(&path).unwrap(),
        )
        .unwrap();
        let c = compare(
            study.scenarios.clone(),
            study.models.clone(),
            study.baseline,
            study.runs,
            study.seed,
            Default::default(),
            DEFAULT_MAX_EVENTS,
            |_| {},
        )
        .unwrap();
        for r in evaluate(&study, &c, None) {
            assert!(r.passed(), "seed {seed}: {} failed: {:?}", r.name, r.checks);
            // and the difference is exactly zero: the same attacks, the same model
            assert!(
                r.checks.iter().all(|c| c.measured.contains("(+0")),
                "{:?}",
                r.checks
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_recorded_baseline_holds_an_unchanged_model_and_catches_a_worse_one() {
    let dir = temp("recorded");
    let study = setup(
        &dir,
        &renamed(
            shipped("split-iam-security"),
            "split-iam-security",
            "proposal",
        ),
        5,
        400,
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_raci-sim"))
            .args(args)
            .output()
            .unwrap()
    };
    let s = study.to_string_lossy().to_string();
    assert_eq!(run(&["study", &s]).status.code(), Some(0));
    let recorded = dir.join("recorded.json");
    std::fs::copy(dir.join("report/results.json"), &recorded).unwrap();
    let r = recorded.to_string_lossy().to_string();
    let out = run(&["check", &s, "--baseline", &r]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Now the proposal (same name as recorded) gets worse.
    let worse = worse_proposal();
    std::fs::write(dir.join("proposal.ron"), worse).unwrap();
    let out = run(&["check", &s, "--baseline", &r]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["", "plots"] {
        let d = dir.join(sub);
        let mut names: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        names.sort();
        for p in names {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            out.push((rel, std::fs::read(&p).unwrap()));
        }
    }
    out
}

/// Runs `study` whole and as shards (in `order`, of `order.len()`), merges them, and checks
/// every report file is byte-identical; returns the report's file names.
fn shards_merge_to_the_whole_report(dir: &Path, study: &Path, order: &[u64]) -> Vec<String> {
    let s = study.to_string_lossy().to_string();
    let run = |args: Vec<String>| {
        let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let whole = dir.join("whole");
    run(vec![
        "study".into(),
        s.clone(),
        "--out".into(),
        whole.to_string_lossy().into(),
    ]);
    let mut shard_dirs = Vec::new();
    for k in order {
        let d = dir.join(format!("shard-{k}"));
        run(vec![
            "study".into(),
            s.clone(),
            "--shard".into(),
            format!("{k}/{}", order.len()),
            "--out".into(),
            d.to_string_lossy().into(),
        ]);
        shard_dirs.push(d.to_string_lossy().to_string());
    }
    let merged = dir.join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(shard_dirs);
    args.extend(["--out".into(), merged.to_string_lossy().into()]);
    run(args);
    let (a, b) = (files(&whole), files(&merged));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (x, y) in a.iter().zip(&b) {
        assert!(
            x.1 == y.1,
            "{} differs between one run and merged shards",
            x.0
        );
    }
    a.into_iter().map(|(name, _)| name).collect()
}

#[test]
fn four_shards_merged_are_byte_identical_to_one_run() {
    let dir = temp("shards");
    let study = setup(
        &dir,
        &renamed(shipped("hub-and-spoke"), "hub-and-spoke", "proposal"),
        3,
        500,
    );
    let names = shards_merge_to_the_whole_report(&dir, &study, &[3, 1, 4, 2]);
    assert!(names.len() >= 10);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_sharded_sweep_merges_to_the_same_sweep_csv_and_plots() {
    let dir = temp("sharded-sweep");
    let study = dir.join("study.ron");
    std::fs::write(
        &study,
        r#"Study(
    name: "sharded-sweep",
    models: ["split-iam-security", "hub-and-spoke"],
    scenarios: ["replayed-token"],
    runs: 90,
    seed: 5,
    sweep: [
        (parameter: TeamStaff(team: "soc"), values: [1, 3]),
        (parameter: Diffusion, values: [0.2, 0.9]),
    ],
)"#,
    )
    .unwrap();
    let names = shards_merge_to_the_whole_report(&dir, &study, &[2, 3, 1]);
    assert!(names.contains(&"sweep.csv".to_string()), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("plots/sweep-")),
        "{names:?}"
    );
    // 2 x 2 grid points x 2 models x 1 scenario, and a header.
    let csv = std::fs::read_to_string(dir.join("merged/sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 8);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn merge_refuses_an_incomplete_set_of_shards() {
    let dir = temp("partial");
    let study = setup(
        &dir,
        &renamed(shipped("hub-and-spoke"), "hub-and-spoke", "proposal"),
        3,
        40,
    );
    let s = study.to_string_lossy().to_string();
    let d1 = dir.join("s1");
    let ok = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["study", &s, "--shard", "1/2", "--out"])
        .arg(&d1)
        .output()
        .unwrap();
    assert!(ok.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["merge"])
        .arg(&d1)
        .arg("--out")
        .arg(dir.join("merged"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("merge needs shards 1 to 2 exactly once each, got 1"));
    assert!(!dir.join("merged").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_sweep_writes_one_row_per_grid_point_model_and_scenario_and_plots() {
    let dir = temp("sweep");
    std::fs::write(
        dir.join("study.ron"),
        r#"Study(
    name: "sweep-test",
    models: ["split-iam-security", "hub-and-spoke"],
    scenarios: ["replayed-token", "break-glass-misuse"],
    runs: 60,
    out: "report",
    sweep: [
        (parameter: EscalationTimeout, values: ["30m", "4h", "1d"]),
        (parameter: Diffusion, values: [0.2, 0.8]),
    ],
)"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["study"])
        .arg(dir.join("study.ron"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv_text = std::fs::read_to_string(dir.join("report/sweep.csv")).unwrap();
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().unwrap().clone();
    assert_eq!(&h[0], "escalation_timeout_seconds");
    assert_eq!(&h[1], "diffusion");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(
        rows.len(),
        3 * 2 * 2 * 2,
        "grid points x models x scenarios"
    );
    let mut keys: Vec<String> = rows
        .iter()
        .map(|x| format!("{}|{}|{}|{}", &x[0], &x[1], &x[2], &x[3]))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(
        keys.len(),
        24,
        "every row is a distinct grid point x model x scenario"
    );
    for name in [
        "restricted-mean-ttc",
        "share-contained",
        "missed-revocations",
        "stall-hours",
    ] {
        let svg =
            std::fs::read_to_string(dir.join(format!("report/plots/sweep-{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{name}");
        // A line per model in its colour, through the grid points.
        for colour in [
            raci_sim::output::report::plots::colour(0),
            raci_sim::output::report::plots::colour(1),
        ] {
            let line = format!(r#"fill="none" stroke="{colour}" stroke-width="2""#);
            assert!(svg.contains(&line), "{name}: no line in {colour}");
        }
        assert!(
            svg.contains("30m, 0.2") && svg.contains("1d, 0.8"),
            "{name}: x labels"
        );
        assert!(
            svg.contains("split-iam-security") && svg.contains("hub-and-spoke"),
            "{name}: legend"
        );
        assert!(!svg.contains("plot failed"), "{name}");
    }
    // The sweep plots are linked from index.html like every other plot.
    let svgs = crate::plots::every_svg_is_linked(&dir.join("report"));
    assert!(svgs >= 4 + 2 * 4, "{svgs} plots");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_study_exits_2_naming_file_line_and_field() {
    let dir = temp("malformed");
    let cases = [
        (
            "bad-metric.ron",
            r#"Study(
    name: "x",
    models: ["split-iam-security"],
    scenarios: ["replayed-token"],
    gates: [(metric: TimeToContainmentP99, at_most: "4h")],
)"#,
            "bad-metric.ron:5:22: field `gates[0].metric`: unknown variant `TimeToContainmentP99` of GateMetric\n  help: did you mean `TimeToContainmentP90`?\n",
        ),
        (
            "bad-model.ron",
            r#"Study(
    name: "x",
    models: ["split-iam-securty"],
    scenarios: ["replayed-token"],
)"#,
            "bad-model.ron:3:14: field `models[0]`: no shipped model or file named \"split-iam-securty\"\n  help: give a shipped model name (`raci-sim list`) or a path relative to the study file\n",
        ),
        (
            "bad-gate-model.ron",
            r#"Study(
    name: "x",
    models: ["split-iam-security"],
    scenarios: ["replayed-token"],
    gates: [(metric: ContainedShare, model: "split-iam", at_least: 0.9)],
)"#,
            "bad-gate-model.ron:5:38: field `gates[0].model`: unknown model \"split-iam\"\n  help: known models: \"split-iam-security\"\n",
        ),
        (
            // iam works business hours (40 of 168 hours) with 0.5 background alerts an hour of
            // mean effort 1732 s: 0.241 staff of work against 1 x 40/168 = 0.238 on shift.
            "overloaded-sweep.ron",
            r#"Study(
    name: "x",
    models: ["anti-approval-committee"],
    scenarios: ["replayed-token"],
    sweep: [(parameter: TeamStaff(team: "iam"), values: [1, 2])],
)"#,
            "overloaded-sweep.ron:5:58: field `sweep[0].values[0]`: with 1 staff, team \"iam\" of model \"anti-approval-committee\" is overloaded: background work needs 0.241 staff on average but only 0.238 would be on shift\n  help: sweep staff from 2 up\n",
        ),
    ];
    for (file, text, expected) in cases {
        std::fs::write(dir.join(file), text).unwrap();
        for cmd in ["check", "study"] {
            let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
                .args([cmd, file])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{cmd} {file}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                format!("error: {expected}"),
                "{cmd} {file}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
