//! The comparison and its report folder: exact zeros against itself, a detectable gap, snapshots
//! of the small files, tidy runs.csv, hostile names escaped everywhere, atomic replacement.

use std::path::{Path, PathBuf};

use raci_sim::analysis::compare::{Comparison, Verdict, METRICS};
use raci_sim::input::library::{
    load_model, load_scenario, parse_model, parse_scenario, MODELS, SCENARIOS,
};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::{exporters, write_report, InputFile, Report};

fn shipped(list: &[raci_sim::input::library::Shipped], name: &str) -> &'static str {
    list.iter().find(|s| s.name == name).expect("shipped").text
}

fn renamed_model(name: &str, new_name: &str) -> Model {
    let text = shipped(MODELS, name).replacen(
        &format!("name: \"{name}\""),
        &format!("name: {new_name:?}"),
        1,
    );
    parse_model("renamed.ron", &text).expect("valid")
}

fn run(scenarios: Vec<Scenario>, models: Vec<Model>, runs: u64, seed: u64) -> Comparison {
    crate::common::compare_all(scenarios, models, runs, seed)
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-report-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn a_model_compared_with_itself_differs_by_exactly_zero() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let a = load_model("split-iam-security").unwrap();
    let b = renamed_model("split-iam-security", "split-iam-security copy");
    let c = run(vec![sc], vec![a, b], 400, 9);
    let s = &c.scenarios[0];
    for d in &s.models[1].diffs {
        assert_eq!(
            (d.difference.mean, d.difference.low, d.difference.high),
            (0.0, 0.0, 0.0),
            "{}",
            d.metric
        );
        assert_eq!(d.verdict, Verdict::Equivalent, "{}", d.metric);
    }
    assert_eq!(s.ranking[0].rank, 1);
    assert_eq!(s.ranking[1].rank, 1, "tied models share a rank");
    assert!(s.ranking[1].tied_with_previous);
    let md =
        String::from_utf8(raci_sim::output::report::SummaryMarkdown.render_for_test(&c)).unwrap();
    assert!(
        md.contains("(tied: none is better than another by the verdict rule at 400 runs)"),
        "{md}"
    );
}

/// Render one exporter with an empty input list and a fixed command line.
trait RenderForTest {
    fn render_for_test(&self, c: &Comparison) -> Vec<u8>;
}

impl<E: raci_sim::output::report::Exporter> RenderForTest for E {
    fn render_for_test(&self, c: &Comparison) -> Vec<u8> {
        self.render(&Report {
            comparison: c,
            inputs: &[],
            command_line: &["raci-sim".into(), "compare".into()],
            extra: &[],
            lint: &[],
            improvement: None,
        })
    }
}

#[test]
fn removing_a_revoke_owner_raises_missed_revocations_beyond_doubt() {
    let sc = load_scenario("compromised-service-account").unwrap();
    // Without escalation, so an unowned revocation is never done.
    let base_text = shipped(MODELS, "split-iam-security").replace(
        r#"escalation: (after: "4h", to: "soc"),     // [assumption]"#,
        "",
    );
    let base = parse_model("base.ron", &base_text).unwrap();
    let gap_text = base_text
        .replace(r#"Secret: (r: ["iam"], i: ["soc"]),"#, "")
        .replace(
            r#"name: "split-iam-security""#,
            r#"name: "no secret owner""#,
        );
    let gap = parse_model("gap.ron", &gap_text).unwrap();
    assert!(base.policy.escalation.is_none());
    assert!(gap.revoke[raci_sim::domain::CredentialKind::Secret.index()]
        .r
        .is_empty());
    let c = run(vec![sc], vec![base, gap], 1000, 4);
    let missed = c.scenarios[0].models[1]
        .diffs
        .iter()
        .find(|d| d.metric == "missed_revocations")
        .unwrap();
    assert!(missed.difference.mean > 0.0, "{missed:?}");
    assert!(
        missed.difference.low > 0.0,
        "interval must exclude 0: {missed:?}"
    );
    assert_eq!(missed.verdict, Verdict::Worse);
}

fn small_comparison() -> Comparison {
    run(
        vec![load_scenario("replayed-token").unwrap()],
        vec![
            load_model("cross-channel-identity-assurance").unwrap(),
            load_model("anti-approval-committee").unwrap(),
        ],
        60,
        7,
    )
}

fn inputs() -> Vec<InputFile> {
    vec![InputFile {
        kind: "scenario",
        name: "replayed-token".into(),
        source: "scenarios/replayed-token.ron".into(),
        sha256: raci_sim::output::sha256_hex(shipped(SCENARIOS, "replayed-token").as_bytes()),
    }]
}

fn render(c: &Comparison, file: &str) -> String {
    let inputs = inputs();
    let cmd = vec!["raci-sim".to_string(), "compare".to_string()];
    // Each shipped model's file, for its lint findings.
    let sources: Vec<(String, String)> = c
        .models
        .iter()
        .map(|m| {
            let label = format!("scenarios/models/{}.ron", m.name);
            (label, shipped(MODELS, &m.name).to_string())
        })
        .collect();
    let lint = raci_sim::analysis::consequence::lint_models(c, &sources);
    let report = Report {
        comparison: c,
        inputs: &inputs,
        command_line: &cmd,
        extra: &[],
        lint: &lint,
        improvement: None,
    };
    let e = exporters()
        .into_iter()
        .find(|e| e.file_name() == file)
        .expect("exporter");
    String::from_utf8(e.render(&report)).expect("utf-8")
}

#[test]
fn summary_markdown_snapshot() {
    insta::assert_snapshot!(render(&small_comparison(), "summary.md"));
}

#[test]
fn summary_csv_snapshot() {
    insta::assert_snapshot!(render(&small_comparison(), "summary.csv"));
}

#[test]
fn results_json_snapshot() {
    let json = render(&small_comparison(), "results.json");
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["schema_version"], 4);
    let p = &doc["provenance"];
    assert_eq!(p["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(p["command"], "raci-sim compare");
    assert_eq!(p["commit"].as_str(), raci_sim::BUILD_COMMIT);
    // The commit changes with every commit: the snapshot holds a placeholder.
    let commit_line = |l: &str| l.trim_start().starts_with("\"commit\": ");
    assert_eq!(json.lines().filter(|l| commit_line(l)).count(), 1);
    let masked: Vec<String> = json
        .lines()
        .map(|l| match commit_line(l) {
            true => "    \"commit\": \"<commit>\",".to_string(),
            false => l.to_string(),
        })
        .collect();
    insta::assert_snapshot!(masked.join("\n"));
}

#[test]
fn runs_csv_has_one_row_per_run_model_and_scenario() {
    let c = run(
        vec![
            load_scenario("replayed-token").unwrap(),
            load_scenario("break-glass-misuse").unwrap(),
        ],
        vec![
            load_model("hub-and-spoke").unwrap(),
            load_model("split-iam-security").unwrap(),
            load_model("anti-soc-owns-hygiene").unwrap(),
        ],
        25,
        1,
    );
    let text = render(&c, "runs.csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (s, m, r, ttc) = (
        col("scenario"),
        col("model"),
        col("run"),
        col("time_to_containment_seconds"),
    );
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = 0;
    for rec in reader.records() {
        let rec = rec.unwrap();
        assert_eq!(rec.len(), headers.len());
        assert!(seen.insert((
            rec[s].to_string(),
            rec[m].to_string(),
            rec[r].parse::<u64>().unwrap()
        )));
        // censored runs have an empty cell, never zero; benign runs leave both empty
        match (&rec[col("attack")], &rec[col("contained")]) {
            ("1", "0") | ("0", "") => assert_eq!(&rec[ttc], ""),
            ("1", "1") => assert!(rec[ttc].parse::<u64>().is_ok(), "{rec:?}"),
            other => panic!("attack, contained: {other:?}"),
        }
        rows += 1;
    }
    assert_eq!(rows, 2 * 3 * 25);
}

#[test]
fn hostile_names_come_out_escaped_in_every_format() {
    let sc_text = shipped(SCENARIOS, "replayed-token").replacen(
        r#"name: "replayed-token""#,
        r#"name: "=HYPERLINK(\"http://x\")""#,
        1,
    );
    let sc = parse_scenario("hostile-scenario.ron", &sc_text).unwrap();
    let evil = renamed_model("split-iam-security", "<script>alert(1)</script>");
    let plus = renamed_model("hub-and-spoke", "+cmd|' /C calc'!A0");
    let c = run(vec![sc], vec![evil, plus], 20, 1);
    let dir = temp_dir("hostile");
    let inputs = inputs();
    let cmd = vec!["raci-sim".into()];
    write_report(
        &dir,
        &Report {
            comparison: &c,
            inputs: &inputs,
            command_line: &cmd,
            extra: &[],
            lint: &[],
            improvement: None,
        },
        false,
    )
    .unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .chain(std::fs::read_dir(dir.join("plots")).unwrap())
        .map(|e| e.unwrap().path())
        // Report files, not the .raci-sim-output marker (the tool's own text).
        .filter(|p| p.is_file() && p.extension().is_some())
        .collect();
    files.sort();
    assert!(files.len() >= 9);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let ext = f.extension().unwrap().to_str().unwrap();
        // Markup formats must not carry the tag; CSV carries it as quoted data (entity-encoding
        // would corrupt the value) and is checked for formulas instead.
        if ext != "csv" {
            assert!(
                !text.contains("<script>"),
                "{} has a raw <script>",
                f.display()
            );
        }
        if ext == "csv" {
            for rec in csv::Reader::from_reader(text.as_bytes()).records() {
                // Numbers (negative differences) are numbers; text must never read as a formula.
                for cell in rec.unwrap().iter().filter(|c| c.parse::<f64>().is_err()) {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@']),
                        "{}: formula cell {cell:?}",
                        f.display()
                    );
                }
            }
        }
    }
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        md.contains("+cmd\\|"),
        "pipes in names must not break the table"
    );
    let json = std::fs::read_to_string(dir.join("results.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        doc["baseline"], "<script>alert(1)</script>",
        "JSON keeps the name as data"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn report_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn a_report_folder_is_replaced_only_when_the_new_one_is_whole() {
    let c = small_comparison();
    let dir = temp_dir("atomic");
    let inputs = inputs();
    let cmd = vec!["raci-sim".into()];
    let report = Report {
        comparison: &c,
        inputs: &inputs,
        command_line: &cmd,
        extra: &[],
        lint: &[],
        improvement: None,
    };
    write_report(&dir, &report, false).unwrap();
    assert_eq!(
        report_files(&dir),
        [
            ".raci-sim-output",
            "index.html",
            "plots",
            "results.json",
            "runs.csv",
            "summary.csv",
            "summary.md"
        ]
    );
    // raci-sim wrote it and nothing changed, so a second write replaces it whole; a file
    // added since makes it refuse (docs/safety.md), and with the file gone it replaces again.
    write_report(&dir, &report, false).unwrap();
    std::fs::write(dir.join("added-later"), "old").unwrap();
    let refused = write_report(&dir, &report, false).unwrap_err().to_string();
    assert!(
        refused.contains("has changed since: added-later"),
        "{refused}"
    );
    assert!(dir.join("added-later").exists());
    std::fs::remove_file(dir.join("added-later")).unwrap();
    write_report(&dir, &report, false).unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let leftovers: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}")))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_metric_has_a_verdict_for_every_model() {
    let c = small_comparison();
    for s in &c.scenarios {
        for m in &s.models {
            assert_eq!(m.diffs.len(), METRICS.len());
        }
    }
}
