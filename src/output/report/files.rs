//! One exporter per report file, except index.html (`index_html.rs`). All read the same `Report`;
//! every string that came from an input file is escaped for its format.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Exporter, Report};
use crate::analysis::compare::{
    MetricDiff, Practical, RankEntry, ScenarioResult, Verdict, METRICS,
};
use crate::analysis::decision::Decision;
use crate::analysis::stats::SurvivalStep;
use crate::analysis::summary::{Censored, Summary};
use crate::domain::duration::format_human;
use crate::output::escape::{csv_text, json_for_html, markdown};
use crate::output::provenance::Provenance;

/// Version of results.json (3: version, seed, runs, command line and inputs moved into
/// `provenance`, with the commit and the command as typed; the practical thresholds, the
/// decision, and the threshold and power of every difference).
pub const RESULTS_SCHEMA_VERSION: u32 = 3;

pub(super) fn pct(x: f64) -> String {
    crate::output::text::pct(x)
}

pub(super) fn value(key: &str, v: f64) -> String {
    match key {
        k if k.ends_with("_share") => pct(v),
        k if k.ends_with("_hours") => format_human(v * 3600.0),
        "damage" => format!("{v:.0}"),
        _ => format!("{v:.2}"),
    }
}

fn signed(key: &str, v: f64) -> String {
    let sign = if v > 0.0 {
        "+"
    } else if v < 0.0 {
        "-"
    } else {
        "±"
    };
    let a = v.abs();
    let body = match key {
        k if k.ends_with("_share") => format!("{:.1} pts", 100.0 * a),
        k if k.ends_with("_hours") => format_human(a * 3600.0),
        "damage" => format!("{a:.0}"),
        _ => format!("{a:.2}"),
    };
    format!("{sign}{body}")
}

/// "+2.1h [+1.5h, +2.7h]", or "baseline".
pub(super) fn diff_text(d: &MetricDiff, is_baseline: bool) -> String {
    if is_baseline {
        return "baseline".into();
    }
    if d.verdict == Verdict::NoData {
        return "no data".into();
    }
    format!(
        "{} [{}, {}]",
        signed(d.metric, d.difference.mean),
        signed(d.metric, d.difference.low),
        signed(d.metric, d.difference.high)
    )
}

pub(super) fn rank_of<'a>(ranking: &'a [RankEntry], model: &str) -> &'a RankEntry {
    ranking
        .iter()
        .find(|r| r.model == model)
        .expect("every model is ranked")
}

/// "1. a; 2. b = c (tied: neither is better by the verdict rule at 2000 runs)"
pub(super) fn ranking_sentence(s: &ScenarioResult, runs: u64, esc: fn(&str) -> String) -> String {
    // (rank, names, the model above that is better than the group's first)
    let mut groups: Vec<(usize, Vec<String>, Option<String>)> = Vec::new();
    for r in &s.ranking {
        match groups.last_mut() {
            Some((rank, names, _)) if *rank == r.rank => names.push(esc(&r.model)),
            _ => groups.push((r.rank, vec![esc(&r.model)], r.below.as_deref().map(esc))),
        }
    }
    groups
        .iter()
        .map(|(rank, names, below)| {
            let why = below
                .as_ref()
                .map_or(String::new(), |b| format!(" ({b} is better)"));
            if names.len() == 1 {
                format!("{rank}. {}{why}", names[0])
            } else {
                format!(
                    "{rank}. {}{why} (tied: none is better than another by the verdict rule at {runs} runs)",
                    names.join(" = ")
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn ttc(s: &Summary, c: Censored) -> String {
    c.display(s.horizon_seconds)
}

// ---------------------------------------------------------------- summary.md

pub struct SummaryMarkdown;

impl Exporter for SummaryMarkdown {
    fn file_name(&self) -> &'static str {
        "summary.md"
    }

    fn render(&self, r: &Report) -> Vec<u8> {
        let c = r.comparison;
        let baseline = &c.models[c.baseline].name;
        let mut o = String::new();
        let _ = writeln!(o, "# Ownership model comparison\n");
        let _ = writeln!(
            o,
            "{} runs per model and scenario, seed {}, baseline **{}**. Every model sees the same attacks; differences are model minus baseline with 95% paired intervals. *Better* or *worse*: the interval excludes zero and the difference exceeds the practical threshold ({}); *equivalent*: the whole interval lies within it; *inconclusive*: neither. Time to containment (TTC) is until the attacker first holds no working credential, censored at the horizon: `> 30.0d` means not reached. Dwell is from first compromise until a team learns of the attack; re-entered is the share of attack runs in which the attacker came back after containment.\n",
            c.runs,
            c.seed,
            markdown(baseline),
            c.practical.describe()
        );
        let _ = writeln!(o, "## Decision\n");
        for line in crate::output::decision_text::decision_lines(c).lines() {
            let _ = writeln!(o, "- {}", markdown(line.trim()));
        }
        o.push('\n');
        for s in &c.scenarios {
            let _ = writeln!(o, "## {}\n", markdown(&s.scenario.name));
            let _ = writeln!(
                o,
                "Ranking by restricted mean time to containment: {}.\n",
                ranking_sentence(s, c.runs, markdown)
            );
            let _ = writeln!(o, "| rank | model | contained | TTC p50 | TTC p90 | dwell p50 | re-entered | abandoned tasks / run | restricted mean TTC vs baseline | missed revocations / run vs baseline | wrongful revocations / benign run vs baseline | TTC verdict vs baseline |");
            let _ = writeln!(
                o,
                "|---:|---|---:|---:|---:|---:|---:|---:|---|---|---|---|"
            );
            for entry in &s.ranking {
                let i = (c.models.iter().position(|m| m.name == entry.model))
                    .expect("every ranked model is compared");
                let m = &s.models[i];
                let sm = &m.summary;
                let is_base = i == c.baseline;
                let name = &c.models[i].name;
                let _ = writeln!(
                    o,
                    "| {}{} | {} | {} | {} | {} | {} | {} | {:.2} | {} ({}) | {} ({}) | {} ({}) | {} |",
                    if entry.tied_with_previous { "=" } else { "" },
                    entry.rank,
                    markdown(name),
                    pct(sm.share_contained),
                    ttc(sm, sm.time_to_containment_p50),
                    ttc(sm, sm.time_to_containment_p90),
                    ttc(sm, sm.dwell_p50),
                    pct(sm.share_re_entered),
                    sm.abandoned_mean,
                    value(m.diffs[0].metric, m.diffs[0].model_mean),
                    diff_text(&m.diffs[0], is_base),
                    value(m.diffs[2].metric, m.diffs[2].model_mean),
                    diff_text(&m.diffs[2], is_base),
                    value(m.diffs[4].metric, m.diffs[4].model_mean),
                    diff_text(&m.diffs[4], is_base),
                    if is_base {
                        "baseline"
                    } else {
                        m.diffs[0].verdict.text()
                    }
                );
            }
            o.push('\n');
            o.push_str(&super::credentials::markdown_table(c, s));
        }
        o.into_bytes()
    }
}

// ---------------------------------------------------------------- summary.csv

pub struct SummaryCsv;

impl Exporter for SummaryCsv {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }

    fn render(&self, r: &Report) -> Vec<u8> {
        let c = r.comparison;
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = [
            "scenario",
            "model",
            "baseline",
            "rank",
            "runs",
            "attack_runs",
            "benign_runs",
            "share_detected",
            "share_contained",
            "ttc_p50_seconds",
            "ttc_p50_beyond_horizon",
            "ttc_p90_seconds",
            "ttc_p90_beyond_horizon",
        ]
        .map(String::from)
        .to_vec();
        for m in METRICS {
            for part in [
                "mean",
                "diff",
                "diff_low",
                "diff_high",
                "threshold",
                "verdict",
                "resolvable",
                "runs_needed",
            ] {
                header.push(format!("{}_{part}", m.key));
            }
        }
        w.write_record(&header).expect("in-memory CSV");
        for s in &c.scenarios {
            for (i, m) in s.models.iter().enumerate() {
                let sm = &m.summary;
                let name = &c.models[i].name;
                let pct_cell = |p: Censored| match p {
                    Censored::Seconds(v) => (v.to_string(), "false".to_string()),
                    Censored::BeyondHorizon => (String::new(), "true".to_string()),
                    Censored::NoData => (String::new(), String::new()),
                };
                let (p50, p50b) = pct_cell(sm.time_to_containment_p50);
                let (p90, p90b) = pct_cell(sm.time_to_containment_p90);
                let mut row = vec![
                    csv_text(&s.scenario.name),
                    csv_text(name),
                    (i == c.baseline).to_string(),
                    rank_of(&s.ranking, name).rank.to_string(),
                    sm.runs.to_string(),
                    sm.attack_runs.to_string(),
                    sm.benign_runs.to_string(),
                    format!("{:.6}", sm.share_detected),
                    format!("{:.6}", sm.share_contained),
                    p50,
                    p50b,
                    p90,
                    p90b,
                ];
                for d in &m.diffs {
                    row.extend(diff_cells(d, i == c.baseline));
                }
                w.write_record(&row).expect("in-memory CSV");
            }
        }
        w.into_inner().expect("in-memory CSV")
    }
}

/// The summary.csv cells of one difference, in the header's order.
fn diff_cells(d: &MetricDiff, is_baseline: bool) -> [String; 8] {
    [
        format!("{:.6}", d.model_mean),
        format!("{:.6}", d.difference.mean),
        format!("{:.6}", d.difference.low),
        format!("{:.6}", d.difference.high),
        format!("{:.6}", d.threshold),
        if is_baseline {
            "baseline"
        } else {
            d.verdict.text()
        }
        .to_string(),
        d.resolvable.map_or(String::new(), |r| format!("{r:.6}")),
        d.runs_needed.map_or(String::new(), |n| n.to_string()),
    ]
}

// ---------------------------------------------------------------- runs.csv

pub struct RunsCsv;

impl Exporter for RunsCsv {
    fn file_name(&self) -> &'static str {
        "runs.csv"
    }

    fn render(&self, r: &Report) -> Vec<u8> {
        use crate::output::runs::{run_row, runs_header, stage_columns, stage_map};
        let c = r.comparison;
        let columns = stage_columns(c.scenarios.iter().map(|s| &s.scenario));
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(runs_header(&columns))
            .expect("in-memory CSV");
        for s in &c.scenarios {
            let scenario = csv_text(&s.scenario.name);
            let map = stage_map(&columns, &s.scenario);
            for (i, m) in s.models.iter().enumerate() {
                let model = csv_text(&c.models[i].name);
                for (k, run) in m.runs.iter().enumerate() {
                    let row = run_row((&scenario, &model), run, m.stage_done.run(k), &map);
                    w.write_record(row).expect("in-memory CSV");
                }
            }
        }
        w.into_inner().expect("in-memory CSV")
    }
}

// ---------------------------------------------------------------- results.json

#[derive(Serialize)]
struct ResultsDoc<'a> {
    schema_version: u32,
    provenance: Provenance<'a>,
    baseline: &'a str,
    method: Method,
    practical: &'a Practical,
    decision: &'a Decision,
    scenarios: Vec<ScenarioDoc<'a>>,
    /// Each model's lint findings, read against these runs.
    lint: Vec<LintDoc<'a>>,
}

#[derive(Serialize)]
struct LintDoc<'a> {
    model: &'a str,
    findings: Vec<crate::analysis::consequence::FindingDoc<'a>>,
}

#[derive(Serialize)]
struct Method {
    pairing: &'static str,
    interval: &'static str,
    ranking: &'static str,
    verdict: &'static str,
    power: &'static str,
    decision: &'static str,
    censoring: &'static str,
}

#[derive(Serialize)]
struct ScenarioDoc<'a> {
    name: &'a str,
    horizon_seconds: u64,
    ranking: &'a [RankEntry],
    models: Vec<ModelDoc<'a>>,
}

#[derive(Serialize)]
struct ModelDoc<'a> {
    model: &'a str,
    summary: &'a Summary,
    differences_from_baseline: &'a [MetricDiff],
    survival: &'a [SurvivalStep],
    credentials: Vec<crate::output::runs::CredentialRow>,
    /// Mean seconds per run waited on each activity for each cause (non-zero cells).
    waits_by_activity: Vec<crate::analysis::consequence::RowWait>,
}

pub struct ResultsJson;

impl Exporter for ResultsJson {
    fn file_name(&self) -> &'static str {
        "results.json"
    }

    fn render(&self, r: &Report) -> Vec<u8> {
        let c = r.comparison;
        let doc = ResultsDoc {
            schema_version: RESULTS_SCHEMA_VERSION,
            provenance: Provenance::of(r),
            baseline: &c.models[c.baseline].name,
            practical: &c.practical,
            decision: &c.decision,
            method: Method {
                pairing: "common random numbers: every model sees the same attacks (seed, run index)",
                interval: "95% paired t interval of the mean per-run difference, model minus baseline",
                ranking: "restricted mean time to containment; a model shares the rank of the group above unless a model of that group is better than it by the verdict rule",
                verdict: "better or worse: the 95% interval excludes zero and the mean difference exceeds the practical threshold; equivalent: the whole interval lies within the threshold; inconclusive: otherwise",
                power: "resolvable: the smallest difference a 95% interval excludes zero for with 80% power at this run count, (t + 0.8416) x standard error; runs_needed: runs that would resolve the threshold, n x (resolvable / threshold)^2",
                decision: "every scenario weighs the same: overall values are means over scenarios; a pooled difference is the mean of per-scenario paired differences with standard error sqrt(sum se^2) / S; models ranked by the ranking rule on pooled verdicts",
                censoring: "time to containment is the first containment; runs not contained by the horizon count as the horizon in restricted means; percentiles beyond the horizon are reported as beyond it; survival is Kaplan-Meier of the first containment; eviction at the horizon and re-entry are reported beside it",
            },
            scenarios: c
                .scenarios
                .iter()
                .enumerate()
                .map(|(k, s)| ScenarioDoc {
                    name: &s.scenario.name,
                    horizon_seconds: s.scenario.horizon,
                    ranking: &s.ranking,
                    models: s
                        .models
                        .iter()
                        .enumerate()
                        .map(|(i, m)| ModelDoc {
                            model: &c.models[i].name,
                            summary: &m.summary,
                            differences_from_baseline: &m.diffs,
                            survival: &m.survival,
                            credentials: crate::output::runs::credential_rows(
                                &m.breakdown.credentials,
                                &s.scenario,
                                &c.models[i],
                                m.summary.attack_runs,
                            ),
                            waits_by_activity: crate::analysis::consequence::row_wait_cells(
                                c, k, i,
                            ),
                        })
                        .collect(),
                })
                .collect(),
            lint: r
                .lint
                .iter()
                .enumerate()
                .map(|(m, l)| LintDoc {
                    model: &l.model,
                    findings: crate::analysis::consequence::finding_docs(c, m, &l.findings),
                })
                .collect(),
        };
        let mut s = json_for_html(serde_json::to_string_pretty(&doc).expect("plain data"));
        s.push('\n');
        s.into_bytes()
    }
}
