//! Verdicts with practical significance, the ranking rule, the overall decision, and the
//! thresholds from studies and the command line.

use std::process::Command;

use raci_sim::analysis::compare::{
    compare, metric_diff, rank_by, Comparison, Place, Practical, METRICS,
};
use raci_sim::analysis::decision::pooled;
use raci_sim::analysis::verdict::Verdict;
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{load_model, load_scenario};

fn shipped_comparison(models: &[&str], scenarios: &[&str], runs: u64, p: Practical) -> Comparison {
    compare(
        scenarios
            .iter()
            .map(|s| load_scenario(s).unwrap())
            .collect(),
        models.iter().map(|m| load_model(m).unwrap()).collect(),
        0,
        runs,
        20261123,
        p,
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap()
}

const MODELS: [&str; 5] = [
    "split-iam-security",
    "single-incident-lead",
    "anti-approval-committee",
    "cross-channel-identity-assurance",
    "anti-siloed-human-nhi",
];
const SCENARIOS: [&str; 3] = [
    "compromised-service-account",
    "replayed-token",
    "alert-storm-cover",
];

fn places(r: &[Place]) -> Vec<(usize, usize, bool, Option<usize>)> {
    r.iter()
        .map(|p| (p.index, p.rank, p.tied, p.beaten_by))
        .collect()
}

#[test]
fn the_ranking_rule_on_hand_made_keys() {
    // Keys 1 < 2 < 3 < 4. "Better" only 0 over 2 and 0 over 3, 1 over 3.
    let better = |a: usize, b: usize| matches!((a, b), (0, 2) | (0, 3) | (1, 3));
    let r = rank_by(&[1.0, 2.0, 3.0, 4.0], better);
    // 0 rank 1; 1 ties (0 is not better than 1); 2 starts rank 3 (0 beats it); 3 ties with 2
    // (2 does not beat it; 0 and 1 do, but they are not in its group).
    assert_eq!(
        places(&r),
        vec![
            (0, 1, false, None),
            (1, 1, true, None),
            (2, 3, false, Some(0)),
            (3, 3, true, None)
        ]
    );
    // A chain never ties a model with one that beats it: 0 ~ 1, 1 ~ 2 but 0 beats 2.
    let better = |a: usize, b: usize| (a, b) == (0, 2);
    let r = rank_by(&[1.0, 2.0, 3.0], better);
    assert_eq!(
        places(&r),
        vec![
            (0, 1, false, None),
            (1, 1, true, None),
            (2, 3, false, Some(0))
        ]
    );
    // Equal keys keep input order.
    let r = rank_by(&[5.0, 5.0], |_, _| false);
    assert_eq!(places(&r), vec![(0, 1, false, None), (1, 1, true, None)]);
}

/// No model is ranked above, or tied with, a model that is better than it, per scenario and
/// overall; rows of the ranking are sorted by rank.
#[test]
fn rankings_never_contradict_verdicts() {
    let p = Practical::default();
    let c = shipped_comparison(&MODELS, &SCENARIOS, 300, p);
    let idx = |name: &str| c.models.iter().position(|m| m.name == name).unwrap();
    for s in &c.scenarios {
        let h = s.scenario.horizon;
        for (x, above) in s.ranking.iter().enumerate() {
            for below in &s.ranking[x + 1..] {
                assert!(below.rank >= above.rank, "sorted by rank");
                let (a, b) = (idx(&above.model), idx(&below.model));
                let v = metric_diff(&METRICS[0], &s.models[a].runs, &s.models[b].runs, h, &p);
                assert_ne!(
                    v.verdict,
                    Verdict::Better,
                    "{} below {}",
                    below.model,
                    above.model
                );
                if below.rank == above.rank {
                    let v = metric_diff(&METRICS[0], &s.models[b].runs, &s.models[a].runs, h, &p);
                    assert_ne!(v.verdict, Verdict::Better, "tied yet better");
                }
            }
        }
    }
    let r = &c.decision.ranking;
    for (x, above) in r.iter().enumerate() {
        for below in &r[x + 1..] {
            assert!(below.rank >= above.rank);
            let v = pooled(&c.scenarios, below.index, above.index, 0, &p).verdict;
            assert_ne!(v, Verdict::Better, "{} below {}", below.model, above.model);
        }
    }
    // The preferred model is really better than the last on this library slice.
    let last = r.last().unwrap();
    let v = pooled(&c.scenarios, r[0].index, last.index, 0, &p);
    assert_eq!(v.verdict, Verdict::Better, "{v:?}");
}

/// A model against a copy of itself differs by exactly zero: equivalent on every metric that
/// has data, in every scenario and pooled; the two share first place.
#[test]
fn a_model_and_its_copy_are_equivalent_and_tied() {
    let a = load_model("split-iam-security").unwrap();
    let mut b = a.clone();
    b.name = "copy".into();
    let scenarios: Vec<_> = SCENARIOS
        .iter()
        .map(|s| load_scenario(s).unwrap())
        .collect();
    let c = compare(
        scenarios,
        vec![a, b],
        0,
        200,
        7,
        Practical::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    for p in &c.decision.headline {
        assert_eq!(p.difference.mean, 0.0);
        assert!(
            matches!(p.verdict, Verdict::Equivalent | Verdict::NoData),
            "{p:?}"
        );
        assert_eq!(p.tally.better + p.tally.worse + p.tally.inconclusive, 0);
    }
    assert!(c.decision.ranking[1].tied_with_previous);
    assert_eq!(c.decision.ranking[1].rank, 1);
}

/// The pooled difference is the mean of the per-scenario differences, and its interval is
/// built from their standard errors: sqrt(sum se^2) / S (hand-checked from the parts).
#[test]
fn pooled_difference_is_the_mean_of_scenario_differences() {
    let p = Practical::default();
    let c = shipped_comparison(&MODELS[..2], &SCENARIOS, 400, p);
    let pool = pooled(&c.scenarios, 1, 0, 0, &p);
    let parts: Vec<_> = c.scenarios.iter().map(|s| &s.models[1].diffs[0]).collect();
    let mean = parts.iter().map(|d| d.difference.mean).sum::<f64>() / 3.0;
    assert!((pool.difference.mean - mean).abs() < 1e-9);
    let t = |n: usize| raci_sim::analysis::stats::t_975(n - 1);
    let var: f64 = parts
        .iter()
        .map(|d| ((d.difference.high - d.difference.low) / 2.0 / t(d.difference.n)).powi(2))
        .sum();
    let half = t(pool.difference.n) * var.sqrt() / 3.0;
    assert!((pool.difference.high - pool.difference.mean - half).abs() < 1e-9);
    assert_eq!(
        pool.difference.n,
        parts.iter().map(|d| d.difference.n).sum::<usize>()
    );
}

/// A practical threshold larger than every difference makes nothing better or worse; a zero
/// threshold lets every excluded-zero interval be a verdict.
#[test]
fn thresholds_decide_what_counts_as_a_win() {
    let huge = Practical {
        time_seconds: 365 * 86_400,
        relative: 10.0,
        share_points: 100.0,
        count: 1e6,
    };
    let c = shipped_comparison(&MODELS, &SCENARIOS[..1], 200, huge);
    for m in &c.scenarios[0].models {
        for d in &m.diffs {
            assert!(
                matches!(d.verdict, Verdict::Equivalent | Verdict::NoData),
                "{} {:?}",
                d.metric,
                d.verdict
            );
        }
    }
    let zero = Practical {
        time_seconds: 0,
        relative: 0.0,
        share_points: 0.0,
        count: 0.0,
    };
    let c = shipped_comparison(&MODELS, &SCENARIOS[..1], 200, zero);
    for m in &c.scenarios[0].models {
        for d in &m.diffs {
            let excludes_zero = d.difference.n > 0 && !d.difference.indistinguishable();
            assert_eq!(
                matches!(d.verdict, Verdict::Better | Verdict::Worse),
                excludes_zero,
                "{} {:?}",
                d.metric,
                d.difference
            );
        }
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raci-sim"))
}

#[test]
fn practical_thresholds_from_a_study_and_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("s.ron");
    std::fs::write(
        &study,
        "(\n    name: \"p\",\n    models: [\"split-iam-security\", \"anti-approval-committee\"],\n    scenarios: [\"replayed-token\"],\n    runs: 200,\n    practical: (time: \"400d\"),\n)\n",
    )
    .unwrap();
    let out = bin()
        .args(["study", study.to_str().unwrap(), "--quiet", "--out"])
        .arg(dir.path().join("r1"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("s.ron:6:") && err.contains("practical.time"),
        "{err}"
    );
    assert!(err.contains("longer than a year"), "{err}");
    std::fs::write(
        &study,
        std::fs::read_to_string(&study)
            .unwrap()
            .replace("400d", "300d"),
    )
    .unwrap();
    let json = |dir: &std::path::Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
    };
    let r1 = dir.path().join("r1");
    let out = bin()
        .args(["study", study.to_str().unwrap(), "--quiet", "--out"])
        .arg(&r1)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&r1);
    assert_eq!(doc["practical"]["time_seconds"], 300 * 86_400);
    let ttc = &doc["scenarios"][0]["models"][1]["differences_from_baseline"][0];
    assert_eq!(ttc["verdict"], "equivalent", "{ttc}");
    // The command line overrides the study.
    let r2 = dir.path().join("r2");
    let out = bin()
        .args([
            "study",
            study.to_str().unwrap(),
            "--quiet",
            "--practical-time",
            "1m",
        ])
        .args(["--practical-relative", "0", "--out"])
        .arg(&r2)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&r2);
    assert_eq!(doc["practical"]["time_seconds"], 60);
    // The recorded command reproduces the thresholds given on the command line.
    let command = doc["provenance"]["command"].as_str().unwrap();
    assert!(
        command.ends_with("--practical-time 60s --practical-relative 0"),
        "{command}"
    );
    let ttc = &doc["scenarios"][0]["models"][1]["differences_from_baseline"][0];
    assert_eq!(ttc["verdict"], "worse", "the committee is slower: {ttc}");
    // A bad flag is a usage error.
    let out = bin()
        .args(["compare", "--practical-share", "250", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be from 0 to 100"));
}

/// The first screen comes first: the decision header before the contents, naming the preferred
/// model and the runner-up, the interval, and the basis.
#[test]
fn index_opens_with_the_decision() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "compare",
            "--models",
            "anti-siloed-human-nhi",
            "cross-channel-identity-assurance",
        ])
        .args(["--scenarios", "compromised-service-account"])
        .args(["--runs", "300", "--quiet", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("prefer: cross-channel-identity-assurance; runner-up: anti-siloed-human-nhi"),
        "{stdout}"
    );
    let html = std::fs::read_to_string(dir.path().join("r/index.html")).unwrap();
    let decision = html
        .find("<header id=\"decision\">")
        .expect("decision header");
    let contents = html.find("<nav id=\"contents\">").expect("contents");
    assert!(decision < contents);
    let head = &html[decision..contents];
    assert!(
        head.contains("Prefer <b>cross-channel-identity-assurance</b>; runner-up"),
        "{head}"
    );
    assert!(head.contains("95% CI"), "{head}");
    assert!(
        head.contains("Basis: 300 runs x 1 scenario x 2 models, seed 20261123, raci-sim "),
        "{head}"
    );
    for id in [
        "ranking",
        "scenarios",
        "definitions",
        "method",
        "provenance",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    for anchor in [
        "def-ttc",
        "def-censored",
        "def-missed",
        "def-stall",
        "def-wrongful",
    ] {
        assert!(html.contains(&format!("id=\"{anchor}\"")), "{anchor}");
        assert!(
            html.contains(&format!("href=\"#{anchor}\"")),
            "a link to {anchor}"
        );
    }
}
