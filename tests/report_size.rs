//! Reports stay small. The default report's page (every shipped model on every shipped
//! scenario, 2000 runs) is under 5 MB. A huge model's report stays small: per-team plots show
//! the top 30 teams and fold the rest into "others" (a 2,000-team model wrote a 3 GB report
//! before); so does the tabletop timeline.

use std::path::Path;

use raci_sim::analysis::compare::compare;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_scenario, parse_model, MODELS, SCENARIOS};
use raci_sim::output::fold::TOP_TEAMS;
use raci_sim::output::tabletop::{build_pack, play, Pick};
use raci_sim::output::{write_report, Report};

use crate::output_safety::{raci_sim, scratch};

const TEAMS: usize = 2000;

fn team(i: usize) -> String {
    format!("t{:04}", i % TEAMS)
}

fn list(ids: impl Iterator<Item = String>) -> String {
    ids.map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// RACI rows: 50 responsible teams (any may take a task) and 10 consulted, a different block
/// of teams for every row, so handoffs spread over many pairs.
fn row(k: usize, extra: &str) -> String {
    format!(
        "(r: [{}], c: [{}]{extra})",
        list((0..50).map(|j| team(k * 50 + j))),
        list((0..10).map(|j| team(k * 50 + 1000 + j * 7)))
    )
}

/// A valid model of 2,000 teams, every fourth with light background work it has staff for.
fn huge_model() -> String {
    let teams: Vec<String> = (0..TEAMS)
        .map(|i| {
            let bg = if i % 4 == 0 {
                r#", background: (alerts_per_hour: 0.05, effort: Fixed("30m"))"#
            } else {
                ""
            };
            format!(
                "(id: \"{}\", staff: 2, coverage: AlwaysOn{bg}, visibility: {{Directory: 0.9, CloudIam: 0.9, Saas: 0.9}})",
                team(i)
            )
        })
        .collect();
    let a = r#", a: ["t0000"]"#;
    let kinds = [
        "Session",
        "AccessToken",
        "RefreshToken",
        "ApiKey",
        "Secret",
        "AgentCredential",
        "Password",
        "SshKey",
        "Certificate",
    ];
    let revoke: Vec<String> = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k}: {}", row(8 + i, "")))
        .collect();
    format!(
        r#"Model(name: "huge", summary: "2000 teams", teams: [{}],
raci: (
    detect: [(r: [{}])],
    triage: {}, scope: {}, validate_entitlement: {}, confirm_business: {},
    approve_containment: {}, verify: {}, capture_evidence: {}, close: {},
    revoke: {{{}}},
),
policy: (escalation: (after: "2h", to: "t0000"), diffusion: 0.5),
)"#,
        teams.join(",\n"),
        list((1950..2000).map(team)),
        row(0, a),
        row(1, ""),
        row(2, ""),
        row(3, ""),
        row(4, a),
        row(5, ""),
        row(6, ""),
        row(7, a),
        revoke.join(", ")
    )
}

fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                folder_size(&p)
            } else {
                p.metadata().unwrap().len()
            }
        })
        .sum()
}

/// Distinct (x, y) positions of the heatmap's cells: every rect but the background (the one
/// without a position).
fn cell_grid(svg: &str) -> (usize, usize) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let (mut xs, mut ys): (Vec<&str>, Vec<&str>) = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("x").is_some())
        .map(|n| (n.attribute("x").unwrap(), n.attribute("y").unwrap()))
        .unzip();
    for v in [&mut xs, &mut ys] {
        v.sort_unstable();
        v.dedup();
    }
    (xs.len(), ys.len())
}

/// The page a user opens first must open quickly in a browser: index.html is one file holding
/// every table and inline plot, and grows with models x scenarios (and, through the survival
/// curves, with the runs until their steps are thinned). So the check is on the real default
/// report: `raci-sim` with no arguments, run in an empty folder, as a user types it.
#[test]
fn the_default_reports_page_stays_under_five_megabytes() {
    let dir = scratch("default-size");
    let o = raci_sim().current_dir(&dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = dir.join("reports/shipped-library-seed-20261123-runs-2000");
    let index = std::fs::metadata(report.join("index.html")).unwrap().len();
    assert!(index < 5_000_000, "index.html is {index} bytes");
    // It is the whole library: a summary row for every shipped model on every shipped scenario.
    let rows = std::fs::read_to_string(report.join("summary.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, 1 + SCENARIOS.len() * MODELS.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_two_thousand_team_report_stays_under_twenty_megabytes() {
    let m = parse_model("huge.ron", &huge_model()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.teams.len(), TEAMS);
    let sc = load_scenario("replayed-token").unwrap();
    let c = compare(
        vec![sc],
        vec![m],
        0,
        3,
        7,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    // Handoffs do spread over many teams and pairs.
    let bd = &c.scenarios[0].models[0].breakdown;
    let pairs = (0..TEAMS * TEAMS).filter(|&p| bd.handoffs[p] > 0).count();
    assert!(pairs > 200, "{pairs} pairs");
    let dir = std::env::temp_dir().join(format!("raci-sim-huge-{}", std::process::id()));
    let cmd = vec!["raci-sim".to_string()];
    let report = Report {
        comparison: &c,
        inputs: &[],
        command_line: &cmd,
        extra: &[],
        lint: &[],
        improvement: None,
    };
    write_report(&dir, &report, false).unwrap();
    let size = folder_size(&dir);
    assert!(size < 20_000_000, "{size} bytes");
    // Teams that sent (received) no handoff have no row (column); the rest fold past 30.
    let (senders, receivers) = (
        (0..TEAMS)
            .filter(|&f| (0..TEAMS).any(|t| bd.handoffs[bd.pair(f, t)] > 0))
            .count(),
        (0..TEAMS)
            .filter(|&t| (0..TEAMS).any(|f| bd.handoffs[bd.pair(f, t)] > 0))
            .count(),
    );
    assert!(senders > 10 && senders < TEAMS && receivers > TOP_TEAMS);
    let shown = |n: usize| n.min(TOP_TEAMS) + usize::from(n > TOP_TEAMS);
    let heatmap = std::fs::read_to_string(dir.join("plots/handoffs-01.svg")).unwrap();
    assert_eq!(cell_grid(&heatmap), (shown(receivers), shown(senders)));
    assert!(heatmap.contains(&format!("others ({} teams)", receivers - TOP_TEAMS)));
    assert!(heatmap.contains(&format!("top 30 of {receivers} teams by handoffs received")));
    assert!(heatmap.contains(&format!(
        "not shown: {} teams with no handoffs sent",
        TEAMS - senders
    )));
    let util = std::fs::read_to_string(dir.join("plots/utilisation-01.svg")).unwrap();
    let busy = (0..TEAMS).filter(|&t| bd.busy[t] > 0).count();
    assert!(busy > TOP_TEAMS, "{busy}");
    assert!(util.contains(&format!("top 30 of {busy} teams by utilisation")));
    // Row labels: team ids ("t0123") and the "others" row.
    let ids = util
        .split("\">t")
        .skip(1)
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .count();
    let labels = ids + util.matches("\">others (").count();
    assert_eq!(labels, TOP_TEAMS + 1, "bars");
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(index.len() < 5_000_000, "{}", index.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_two_thousand_team_timeline_has_thirty_team_lanes_and_others() {
    let text = huge_model();
    let m = parse_model("huge.ron", &text).unwrap();
    let sc = load_scenario("replayed-token").unwrap();
    // The first run that fills the modules (run 0 is never detected).
    let pack = (0..20)
        .find_map(|run| {
            let played = play(&sc, &m, 7, run, DEFAULT_MAX_EVENTS).unwrap();
            build_pack(
                &sc,
                &m,
                ("huge.ron", &text),
                &played,
                Pick::Run(run),
                7,
                None,
            )
            .ok()
        })
        .expect("a run among the first 20 fills the modules");
    let svg = String::from_utf8(
        pack.iter()
            .find(|(p, _)| p.ends_with("timeline.svg") && !p.contains("vs/"))
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    // Lane labels are the right-aligned texts: the attacker, 30 teams, others.
    let lanes = svg.matches(r#"text-anchor="end">"#).count();
    assert_eq!(lanes, 1 + TOP_TEAMS + 1);
    assert!(svg.contains("top 30 of 2000 teams by events in this run"));
    assert!(svg.contains(r#"text-anchor="end">others ("#));
    assert!(svg.len() < 2_000_000, "{}", svg.len());
    let handouts = pack
        .iter()
        .filter(|(p, _)| p.starts_with("participants/handouts/") && p.ends_with(".md"))
        .count();
    assert_eq!(handouts, TEAMS);
}
