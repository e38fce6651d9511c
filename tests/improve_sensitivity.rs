//! The tornado of `improve`: each calibration assumption moved for both models, recommended
//! minus original on time to containment at each end (src/analysis/improve/sensitivity.rs,
//! docs/improve.md "Sensitivity").

use raci_sim::analysis::improve::evaluate::simulate;
use raci_sim::analysis::improve::sensitivity::{
    background_cap, factors, label, move_model, move_scenario, moved_accuracy, sensitivity,
    Assumption, Runs, World, RANGES,
};
use raci_sim::analysis::verdict::{Practical, Verdict};
use raci_sim::domain::duration::Dist;
use raci_sim::domain::{Activity, Plane};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_model, load_scenario};
use raci_sim::input::{Coverage, Model};

use crate::common::*;

const H: f64 = 3600.0;

/// `iam` revokes API keys; `coverage` is its coverage.
fn iam_revokes(coverage: &str) -> Model {
    model(&ops_model(
        r#"ApiKey: (r: ["iam"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        &format!(r#"(id: "iam", staff: 1, coverage: {coverage}),"#),
    ))
}

/// The attack starts Saturday 02:00 UTC, off shift for a business-hours team. Every step is
/// fixed: stage done 600 -> detect 600..900 -> triage 900..1500 -> scope 1500..2400 ->
/// validate 2400..3600 || confirm 2400..4200 -> approve 4200..4500: the revoke is ready at 4500.
/// - original: iam works 09:00-17:00 on weekdays with an on-call (40 min page latency) for
///   Medium and up: paged at 4500, answers at 6900, revokes 6900..7500: contained at 7500;
/// - recommended: iam always on: revokes 4500..5100: contained at 5100.
///
/// Recommended minus original: -2400 s = -0.667 h; the threshold is the larger of 30 min and
/// 10% of 2.08 h: 0.5 h, so better. At page latency x0.5 (20 min) the original contains at
/// 6300, -1200 s = -0.333 h: equivalent, the verdict flips. At x2 (80 min): 9900, -4800 s:
/// better. Background load (no team has any), inventory accuracy (the only credential is the
/// alert's own, always found) and triage accuracy (1.0: no miss rate to move) cannot matter:
/// identical to the base. Detection delay (detect 5 min -> 2.5 min and 15 min) shifts both
/// models alike (the revoke is still off shift): -150 s and +600 s, the same difference.
#[test]
fn page_latency_flips_a_change_that_only_matters_off_shift() {
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Sat, time: "02:00")"#,
    ));
    let on_call = r#"BusinessHours(start: "09:00", end: "17:00",
        on_call: (page_latency: "40m", min_severity: Medium))"#;
    let original = iam_revokes(on_call);
    let recommended = iam_revokes("AlwaysOn");
    let p = Practical::default();
    let s = sensitivity(
        std::slice::from_ref(&sc),
        &original,
        &recommended,
        7,
        4,
        &p,
        DEFAULT_MAX_EVENTS,
    )
    .expect("runs");
    assert_eq!(s.runs, 4);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(s.base.reference_mean, 7500.0 / H));
    assert!(close(s.base.model_mean, 5100.0 / H));
    assert!(close(s.base.difference.mean, -2400.0 / H));
    assert_eq!(s.base.verdict, Verdict::Better);

    let names: Vec<&str> = s.bars.iter().map(|b| b.assumption).collect();
    assert_eq!(
        names,
        [
            "page latency",
            // no swing at all: by name
            "background load",
            "detection delay",
            "inventory accuracy",
            "triage accuracy"
        ]
    );
    let page = &s.bars[0];
    assert_eq!(
        (page.low_label.as_str(), page.high_label.as_str()),
        ("x0.5", "x2")
    );
    assert!(close(page.low.reference_mean, 6300.0 / H));
    assert!(close(page.low.difference.mean, -1200.0 / H));
    assert_eq!(page.low.verdict, Verdict::Equivalent);
    assert!(close(page.high.reference_mean, 9900.0 / H));
    assert_eq!(page.high.verdict, Verdict::Better);
    assert!(page.flips);
    assert!(page.range.contains("page_latency"), "{}", page.range);

    for b in &s.bars[1..] {
        assert!(!b.flips, "{}", b.assumption);
        for end in [&b.low, &b.high] {
            assert!(
                close(end.difference.mean, s.base.difference.mean),
                "{}",
                b.assumption
            );
            assert_eq!(end.verdict, s.base.verdict, "{}", b.assumption);
        }
    }
    for b in s.bars[1..]
        .iter()
        .filter(|b| b.assumption != "detection delay")
    {
        for end in [&b.low, &b.high] {
            assert_eq!(
                end.reference_mean, s.base.reference_mean,
                "{}",
                b.assumption
            );
            assert_eq!(end.model_mean, s.base.model_mean, "{}", b.assumption);
        }
    }
    let detect = s.bars.iter().find(|b| b.assumption == "detection delay");
    let detect = detect.expect("bar");
    assert!(close(detect.low.reference_mean, 7350.0 / H));
    assert!(close(detect.high.reference_mean, 8100.0 / H));
    assert!(close(detect.high.model_mean, 5700.0 / H));
    let triage = s.bars.iter().find(|b| b.assumption == "triage accuracy");
    let triage = triage.expect("bar");
    assert_eq!(
        (triage.low_label.as_str(), triage.high_label.as_str()),
        ("1.00", "1.00")
    );
}

/// Moving any assumption by x1 changes nothing: the moved copies simulate exactly the runs of
/// the calibrated ones (shipped pairs with random efforts, background load, on-call teams and
/// external reports, so every draw counts), and none is flagged as changed. The far end of each
/// range does change the runs of at least one pair, so the equality is not vacuous.
#[test]
fn every_assumption_at_its_calibrated_value_reproduces_the_base() {
    let pairs = [
        ("okta-support-2023", "okta-support-2023-as-it-was"),
        ("replayed-token", "split-iam-security"),
    ];
    let pairs: Vec<_> = pairs
        .iter()
        .map(|(s, m)| {
            (
                load_scenario(s).expect("shipped"),
                load_model(m).expect("shipped"),
            )
        })
        .collect();
    let runs = |sc: &raci_sim::input::Scenario, m: &Model| {
        simulate(sc, m, 0, 12, 3, DEFAULT_MAX_EVENTS).expect("runs")
    };
    for r in &RANGES {
        let mut moved_somewhere = false;
        for (sc, m) in &pairs {
            let base = runs(sc, m);
            let (m1, m_changed) = move_model(r.assumption, m, 1.0);
            let (sc1, sc_changed) = move_scenario(r.assumption, sc, 1.0);
            assert!(!m_changed && !sc_changed, "{}", r.name);
            assert_eq!(runs(&sc1, &m1), base, "{}", r.name);
            let (m3, _) = move_model(r.assumption, m, r.low);
            let (sc3, _) = move_scenario(r.assumption, sc, r.low);
            moved_somewhere |= runs(&sc3, &m3) != base;
        }
        assert!(moved_somewhere, "{} x{} moves nothing", r.name, r.low);
    }
}

/// The same inputs give the same tornado, to the byte; bars are sorted widest swing first and
/// `flips` says whether an end's verdict differs from the base.
#[test]
fn sensitivity_is_deterministic_and_sorted_by_swing() {
    let scenarios = vec![
        load_scenario("replayed-token").expect("shipped"),
        load_scenario("compromised-service-account").expect("shipped"),
    ];
    let original = load_model("anti-approval-committee").expect("shipped");
    let recommended = load_model("single-incident-lead").expect("shipped");
    let p = Practical::default();
    let run = || {
        let s = sensitivity(
            &scenarios,
            &original,
            &recommended,
            11,
            16,
            &p,
            DEFAULT_MAX_EVENTS,
        )
        .expect("runs");
        serde_json::to_string(&s).expect("serializes")
    };
    let first = run();
    assert_eq!(first, run());
    // Starting from calibrated runs simulated elsewhere gives the same tornado, and simulates
    // only the ends: 5 assumptions x 2 ends x 2 models x 2 scenarios x 16 runs at most.
    let w = World {
        scenarios: &scenarios,
        models: [&original, &recommended],
        seed: 11,
        runs: 16,
        practical: &p,
        max_events: DEFAULT_MAX_EVENTS,
    };
    let base: Runs = [&original, &recommended].map(|m| {
        scenarios
            .iter()
            .map(|sc| simulate(sc, m, 0, 16, 11, DEFAULT_MAX_EVENTS).expect("runs"))
            .collect()
    });
    let (from, simulated) = w.tornado_from(&base).expect("runs");
    assert_eq!(serde_json::to_string(&from).unwrap(), first);
    assert!(simulated <= 5 * 2 * 2 * 2 * 16, "{simulated}");
    assert_eq!(w.tornado().expect("runs").1, simulated + 2 * 2 * 16);
    let s = sensitivity(
        &scenarios,
        &original,
        &recommended,
        11,
        16,
        &p,
        DEFAULT_MAX_EVENTS,
    )
    .expect("runs");
    assert_eq!(s.bars.len(), 5);
    let swings: Vec<f64> = s
        .bars
        .iter()
        .map(|b| (b.high.difference.mean - b.low.difference.mean).abs())
        .collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1] - 1e-6), "{swings:?}");
    for b in &s.bars {
        let differs = b.low.verdict != s.base.verdict || b.high.verdict != s.base.verdict;
        assert_eq!(b.flips, differs, "{}", b.assumption);
        assert_eq!(b.low.difference.n, b.high.difference.n);
    }
    assert!(
        s.bars
            .iter()
            .any(|b| b.low.difference.mean != b.high.difference.mean),
        "some assumption matters for these models"
    );
}

/// A team of 1 always on with one 37-minute alert an hour (load 37/60 = 0.617 staff) can take
/// its background load up to x(0.98 x 60 / 37) = x1.589 before `Team::overload` (within 2% of
/// capacity) refuses it: the high end stops at x1.58 (rounded down) and the bar says so.
#[test]
fn background_load_stops_where_a_team_would_be_overloaded() {
    let busy = model(&ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        r#"(id: "desk", staff: 1, coverage: AlwaysOn,
            background: (alerts_per_hour: 1.0, effort: Fixed("37m"))),"#,
    ));
    let calm = iam_revokes("AlwaysOn");
    let models = [&calm, &busy];
    assert_eq!(background_cap(&models), 1.58);
    let r = RANGES
        .iter()
        .find(|r| r.assumption == Assumption::BackgroundLoad)
        .expect("range");
    assert_eq!(factors(r, &models), (0.5, 1.58));
    assert_eq!(label(r, &models, 1.58), "x1.58");
    let (moved, _) = move_model(Assumption::BackgroundLoad, &busy, 1.58);
    let desk = &moved.teams[moved.team_index("desk").unwrap()];
    assert!(desk.overload().is_none());
    assert!((desk.background.unwrap().rate - 1.58 / H).abs() < 1e-12);
    let (over, _) = move_model(Assumption::BackgroundLoad, &busy, 1.59);
    assert!(over.teams.iter().any(|t| t.overload().is_some()));
    // Without background load nothing limits the range.
    assert_eq!(factors(r, &[&calm]), (0.5, 2.0));

    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let s = sensitivity(
        &[sc],
        &calm,
        &busy,
        1,
        3,
        &Practical::default(),
        DEFAULT_MAX_EVENTS,
    )
    .expect("runs");
    let bar = s.bars.iter().find(|b| b.assumption == "background load");
    let bar = bar.expect("bar");
    assert_eq!(bar.high_label, "x1.58");
    assert!(bar.range.contains("clamped"), "{}", bar.range);
}

/// How each assumption is applied to a model.
#[test]
fn assumptions_move_the_documented_values() {
    let m = model(&ops_model(
        r#"ApiKey: (r: ["iam"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        "triage_accuracy: 0.85",
        r#"(id: "iam", staff: 2, coverage: BusinessHours(on_call: (page_latency: "40m")),
            visibility: {Directory: 0.9, CloudIam: 1.0},
            background: (alerts_per_hour: 0.5, effort: Fixed("10m"))),
           (id: "day", coverage: BusinessHours()),"#,
    ));
    let iam = m.team_index("iam").unwrap();
    let (dir, cloud) = (Plane::Directory.index(), Plane::CloudIam.index());

    // Inventory accuracy x0.6: 0.9 -> 0.54, 1.0 -> 0.6; x1.2 clamps at 1.0; planes the team
    // cannot see stay unseen; telemetry (which follows visibility here) is untouched.
    let (low, changed) = move_model(Assumption::InventoryAccuracy, &m, 0.6);
    assert!(changed);
    let v = low.teams[iam].visibility;
    assert!((v[dir].unwrap() - 0.54).abs() < 1e-12);
    assert!((v[cloud].unwrap() - 0.6).abs() < 1e-12);
    assert_eq!(v[Plane::Saas.index()], None);
    assert_eq!(low.teams[iam].telemetry, m.teams[iam].telemetry);
    let (high, _) = move_model(Assumption::InventoryAccuracy, &m, 1.2);
    assert_eq!(high.teams[iam].visibility[dir], Some(1.0));
    assert_eq!(high.teams[iam].visibility[cloud], Some(1.0));

    // Page latency: every on-call team (40 min -> 20 min); teams without one are untouched.
    let (paged, _) = move_model(Assumption::PageLatency, &m, 0.5);
    let Coverage::BusinessHours {
        on_call: Some(oc), ..
    } = paged.teams[iam].coverage
    else {
        panic!("iam keeps its on-call")
    };
    assert_eq!(oc.page_latency, 1200);
    let day = m.team_index("day").unwrap();
    assert_eq!(paged.teams[day].coverage, m.teams[day].coverage);

    // Triage accuracy through its miss rate: 0.85 -> 0.70 (x2) and 0.925 (x0.5).
    let (t, _) = move_model(Assumption::TriageAccuracy, &m, 2.0);
    assert!((t.policy.triage_accuracy - 0.70).abs() < 1e-12);
    assert!((moved_accuracy(0.85, 0.5) - 0.925).abs() < 1e-12);
    assert_eq!(moved_accuracy(0.4, 2.0), 0.0, "clamped at 0");
    let r = RANGES
        .iter()
        .find(|r| r.assumption == Assumption::TriageAccuracy);
    let r = r.unwrap();
    assert_eq!(label(r, &[&m], r.low), "0.70");
    assert_eq!(label(r, &[&m], r.high), "0.925");

    // Background load: every team's rate.
    let (b, _) = move_model(Assumption::BackgroundLoad, &m, 2.0);
    assert!((b.teams[iam].background.unwrap().rate - 1.0 / H).abs() < 1e-12);

    // Detection delay: the detect and intake efforts (detect Fixed 5 min -> 15 min) ...
    let (d, _) = move_model(Assumption::DetectionDelay, &m, 3.0);
    assert_eq!(d.effort[Activity::Detect.index()], Dist::Fixed(900));
    assert_eq!(
        d.effort[Activity::Intake.index()],
        m.effort[Activity::Intake.index()].scaled(3.0)
    );
    assert_eq!(
        d.effort[Activity::Triage.index()],
        m.effort[Activity::Triage.index()]
    );
    // ... and every external report's delay in the scenarios.
    let okta = load_scenario("okta-support-2023").expect("shipped");
    let (moved, changed) = move_scenario(Assumption::DetectionDelay, &okta, 3.0);
    assert!(changed);
    let delays = |s: &raci_sim::input::Scenario| -> Vec<Dist> {
        s.stages
            .iter()
            .flat_map(|st| st.reports.iter().map(|r| r.delay))
            .collect()
    };
    let want: Vec<Dist> = delays(&okta).iter().map(|d| d.scaled(3.0)).collect();
    assert!(!want.is_empty());
    assert_eq!(delays(&moved), want);
    let plain = scenario(&chain_scenario("ApiKey", "0s", "UniformWeek"));
    assert!(!move_scenario(Assumption::DetectionDelay, &plain, 3.0).1);
    assert!(!move_scenario(Assumption::PageLatency, &okta, 3.0).1);
}

/// docs/improve.md lists every range of the code, with the same factors.
#[test]
fn the_documented_ranges_are_the_ones_in_the_code() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/improve.md"))
        .expect("docs/improve.md");
    let section = doc
        .split("## Sensitivity")
        .nth(1)
        .expect("a Sensitivity section");
    let num = |x: f64| {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    for r in &RANGES {
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", r.name)))
            .unwrap_or_else(|| panic!("no table row for {}", r.name));
        let ends = format!("x{} | x{}", num(r.low), num(r.high));
        assert!(row.contains(&ends), "{}: want `{ends}` in {row}", r.name);
        for anchor in r.source.split_whitespace().filter(|w| w.contains('#')) {
            let anchor = anchor
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != '-' && c != '.');
            let tag = &anchor[anchor.find('#').unwrap()..];
            assert!(row.contains(tag), "{}: the table cites {tag}", r.name);
        }
    }
}
