//! The report's charts: every plot file written is linked from index.html, and the charts of a
//! hand-computed pair of models say what the runs did (censored shares and marks, whole-unit
//! ticks, categories with nothing left out, "none" panels, no trade-off without benign runs).

use std::path::{Path, PathBuf};

use raci_sim::analysis::compare::Comparison;
use raci_sim::input::library::{load_model, load_scenario};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::report::plots::{colour, has_benign, tradeoff_points, Chart};
use raci_sim::output::{write_report, Report};

use crate::common::*;

fn run(scenarios: Vec<Scenario>, models: Vec<Model>, runs: u64, seed: u64) -> Comparison {
    crate::common::compare_all(scenarios, models, runs, seed)
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-plots-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn write(c: &Comparison, dir: &Path) {
    let cmd = vec!["raci-sim".into()];
    let report = Report {
        comparison: c,
        inputs: &[],
        command_line: &cmd,
        extra: &[],
        lint: &[],
        improvement: None,
    };
    write_report(dir, &report, false).unwrap();
}

/// Every `.svg` file under `dir` (paths relative to it, `/`-separated).
fn svg_files(dir: &Path, sub: &str, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir.join(sub)).unwrap() {
        let e = e.unwrap();
        let rel = if sub.is_empty() {
            e.file_name().to_string_lossy().to_string()
        } else {
            format!("{sub}/{}", e.file_name().to_string_lossy())
        };
        if e.path().is_dir() {
            svg_files(dir, &rel, out);
        } else if rel.ends_with(".svg") {
            out.push(rel);
        }
    }
}

/// Asserts that index.html in `dir` links every SVG file written into `dir`, and that every
/// plot it links exists; returns how many there are.
pub fn every_svg_is_linked(dir: &Path) -> usize {
    let mut svgs = Vec::new();
    svg_files(dir, "", &mut svgs);
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for svg in &svgs {
        assert!(
            html.contains(&format!("<a href=\"{svg}\"")),
            "{svg} is not linked from index.html"
        );
    }
    for link in html.split("href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        if target.ends_with(".svg") {
            assert!(
                svgs.iter().any(|s| s == target),
                "{target} is linked but not written"
            );
        }
    }
    svgs.len()
}

#[test]
fn every_plot_written_is_linked_from_index_html() {
    // Two scenarios, one with benign runs (benign-lookalike-automation) and one without
    // (orphaned-nhi-key), three models.
    let c = run(
        vec![
            load_scenario("benign-lookalike-automation").unwrap(),
            load_scenario("orphaned-nhi-key").unwrap(),
        ],
        vec![
            load_model("hub-and-spoke").unwrap(),
            load_model("split-iam-security").unwrap(),
            load_model("anti-soc-owns-hygiene").unwrap(),
        ],
        30,
        2,
    );
    assert!(raci_sim::output::report::plots::has_benign(&c.scenarios[0]));
    assert!(!raci_sim::output::report::plots::has_benign(
        &c.scenarios[1]
    ));
    let dir = temp_dir("linked");
    write(&c, &dir);
    // The trade-off; per scenario survival, waiting, missed, abandoned, and a trade-off for the
    // scenario with benign runs only; per model handoffs and utilisation.
    assert_eq!(every_svg_is_linked(&dir), 1 + (4 + 1) + 4 + 3 * 2);
    assert!(dir.join("plots/scenario-01-tradeoff.svg").exists());
    assert!(!dir.join("plots/scenario-02-tradeoff.svg").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_trade_off_averages_wrongful_disruption_over_the_scenarios_with_benign_runs_only() {
    let c = run(
        vec![
            load_scenario("benign-lookalike-automation").unwrap(),
            load_scenario("orphaned-nhi-key").unwrap(),
        ],
        vec![
            load_model("hub-and-spoke").unwrap(),
            load_model("anti-approval-committee").unwrap(),
        ],
        40,
        3,
    );
    let value = |k: usize, m: usize, key: &str| {
        let d = &c.scenarios[k].models[m].diffs;
        d.iter().find(|d| d.metric == key).unwrap().model_mean
    };
    let p = tradeoff_points(&c);
    for (m, point) in p.iter().enumerate() {
        let ttc = "restricted_mean_time_to_containment_hours";
        let mean_ttc = (value(0, m, ttc) + value(1, m, ttc)) / 2.0;
        assert!((point.x - mean_ttc * 3600.0).abs() < 1e-6, "{m}");
        // orphaned-nhi-key has no benign runs: it does not halve the rate.
        let wrongful = value(0, m, "wrongful_revocations");
        assert!(wrongful > 0.0);
        assert!(
            (point.y - wrongful).abs() < 1e-12,
            "{m}: {} vs {wrongful}",
            point.y
        );
    }
}

/// Attribute values of every element named `tag` in an SVG.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.children()
                .filter(|c| c.is_text())
                .map(|c| c.text().unwrap())
                .collect::<String>()
        })
        .collect()
}

/// Two models on the hand-computed chain (tests/cases.rs, case (a)): "ops" revokes the API key
/// and contains every attack at 5100 s (1h25m); "no key owner" never revokes it, so every run
/// is censored at the 30-day horizon, with one API key missed and one revocation abandoned
/// (unowned) per run.
#[test]
fn the_charts_of_a_hand_computed_pair_say_what_the_runs_did() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let owned = model(&ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    ));
    let gap = ops_model(
        r#"Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    )
    .replace("ops-only", "no key owner");
    let c = run(vec![sc], vec![owned, model(&gap)], 20, 1);
    assert!(!has_benign(&c.scenarios[0]));
    let survival = texts(&Chart::Survival(0).render(&c));
    assert!(
        survival.contains(&"ops-only (none censored)".to_string()),
        "{survival:?}"
    );
    assert!(survival.contains(&"no key owner (100.0% censored)".to_string()));
    // The log axis starts at the whole unit below the first containment (5100 s): 1h; the
    // horizon (30d) closes it. 626 px from 1h to 30d is 95.1 px per e-fold: 1h at 0, 2h at 66,
    // 6h at 170, 12h at 236, 1d at 302, 2d at 368, 7d at 488, 14d at 554 (a grid line, its
    // label would touch the 71 px "30d horizon" at the right end), each at least 44 px apart.
    let from = survival.iter().position(|t| t == "100%").unwrap() + 1;
    let to = survival.iter().position(|t| t == "30d horizon").unwrap();
    assert_eq!(
        survival[from..to],
        ["1h", "2h", "6h", "12h", "1d", "2d", "7d"],
        "{survival:?}"
    );
    // A censoring mark (a vertical stroke at the horizon) in the censored model's colour only.
    let svg = Chart::Survival(0).render(&c);
    let mark = |i: usize| format!(r#"stroke="{}" stroke-width="3""#, colour(i));
    assert_eq!(
        svg.matches(&mark(1)).count(),
        2,
        "the mark and its legend line"
    );
    assert_eq!(svg.matches(&mark(0)).count(), 1, "the legend line only");
    // Missed: one API key per attack run under the gap, nothing else: only "api key" drawn.
    let missed = texts(&Chart::Missed(0).render(&c));
    assert!(missed.contains(&"1.00".to_string()) && missed.contains(&"0".to_string()));
    assert!(missed.contains(&"api key".to_string()));
    assert!(
        !missed.iter().any(|t| t == "secret" || t == "session"),
        "{missed:?}"
    );
    // Abandoned: the unowned revocation, once a run.
    let abandoned = texts(&Chart::Abandoned(0).render(&c));
    assert!(abandoned.contains(&"unowned".to_string()), "{abandoned:?}");
    assert!(abandoned.contains(&"1.00".to_string()));
    // No benign runs: no trade-off chart, and the section says why.
    assert!(!raci_sim::output::report::plots::charts(&c).contains(&Chart::Tradeoff));
    let dir = temp_dir("pair");
    write(&c, &dir);
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(html.contains("has benign runs, so wrongful disruption is not measured"));
    every_svg_is_linked(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}
