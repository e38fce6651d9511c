//! One exporter per report file, except index.html (`index_html.rs`). All read the same `Report`;
//! every string that came from an input file is escaped for its format.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Exporter, Report};
use crate::analysis::compare::{
    MetricDiff, Practical, RankEntry, ScenarioResult, Verdict, METRICS,
};
use crate::analysis::summary::{Censored, Summary};
use crate::domain::duration::format_human;
use crate::output::escape::{csv_text, json_for_html, markdown};
use crate::output::json_doc;
use crate::output::provenance::Provenance;
use crate::output::runs::bit;

/// Version of results.json (3: version, seed, runs, command line and inputs moved into
/// `provenance`, with the commit and the command as typed; the practical thresholds, the
/// decision, and the threshold and power of every difference. 4: every numeric field a number
/// or `null` (percentiles as `_seconds` with a `_beyond_horizon` flag; `null` for no data),
/// counts by cause and kind as objects, durations named by unit; schemas/results.schema.json).
pub const RESULTS_SCHEMA_VERSION: u32 = 4;

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
        if let Some(imp) = r.improvement {
            o.push_str(&crate::output::improve::summary_markdown(imp));
        }
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
            "horizon_seconds",
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
                let (p50, p50b) = censored_cells(sm.time_to_containment_p50);
                let (p90, p90b) = censored_cells(sm.time_to_containment_p90);
                let share = |x: f64| num_cell((sm.attack_runs > 0).then_some(x));
                let mut row = vec![
                    csv_text(&s.scenario.name),
                    csv_text(name),
                    bit(i == c.baseline),
                    rank_of(&s.ranking, name).rank.to_string(),
                    sm.runs.to_string(),
                    sm.horizon_seconds.to_string(),
                    sm.attack_runs.to_string(),
                    sm.benign_runs.to_string(),
                    share(sm.share_detected),
                    share(sm.share_contained),
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

/// A number with six decimals, or empty for `None` (no data) and non-finite values.
pub(crate) fn num_cell(x: Option<f64>) -> String {
    x.and_then(crate::output::json_doc::finite)
        .map_or(String::new(), |v| format!("{v:.6}"))
}

/// A censored percentile as (seconds, beyond the horizon) cells: `(s, 0)`, `("", 1)` beyond
/// the horizon, `("", "")` with no runs to take it over.
pub(crate) fn censored_cells(c: Censored) -> (String, String) {
    let (s, b) = crate::output::json_doc::censored(c);
    (
        s.map_or(String::new(), |v| v.to_string()),
        b.map_or(String::new(), bit),
    )
}

/// The summary.csv cells of one difference, in the header's order; means and the difference
/// are empty with no runs of the metric's kind (verdict `no_data`).
fn diff_cells(d: &MetricDiff, is_baseline: bool) -> [String; 8] {
    let data = |x: f64| num_cell((d.difference.n > 0).then_some(x));
    [
        data(d.model_mean),
        data(d.difference.mean),
        data(d.difference.low),
        data(d.difference.high),
        num_cell(Some(d.threshold)),
        if is_baseline {
            "baseline"
        } else {
            crate::output::json_doc::verdict_name(d.verdict)
        }
        .to_string(),
        num_cell(d.resolvable),
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
                    let at = (s.scenario.horizon, m.stage_done.run(k));
                    let row = run_row((&scenario, &model), run, at, &map);
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
    decision: DecisionDoc<'a>,
    scenarios: Vec<ScenarioDoc<'a>>,
    /// Each model's lint findings, read against these runs.
    lint: Vec<LintDoc<'a>>,
}

#[derive(Serialize)]
struct DecisionDoc<'a> {
    ranking: Vec<json_doc::OverallDoc<'a>>,
    headline: Vec<json_doc::PooledDoc>,
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
    /// The scenario's stage ids, in order: its `stage_<id>_done` columns of runs.csv.
    stages: Vec<&'a str>,
    ranking: Vec<json_doc::RankDoc<'a>>,
    models: Vec<ModelDoc<'a>>,
}

#[derive(Serialize)]
struct ModelDoc<'a> {
    model: &'a str,
    summary: json_doc::SummaryDoc<'a>,
    differences_from_baseline: Vec<json_doc::DiffDoc>,
    survival: Vec<json_doc::SurvivalDoc>,
    credentials: Vec<crate::output::runs::CredentialRow>,
    /// Mean seconds per run waited on each activity for each cause (non-zero cells).
    waits_by_activity: Vec<crate::analysis::consequence::RowWait>,
}

const METHOD: Method = Method {
    pairing: "common random numbers: every model sees the same attacks (seed, run index)",
    interval: "95% paired t interval of the mean per-run difference, model minus baseline",
    ranking: "restricted mean time to containment; a model shares the rank of the group above unless a model of that group is better than it by the verdict rule",
    verdict: "better or worse: the 95% interval excludes zero and the mean difference exceeds the practical threshold; equivalent: the whole interval lies within the threshold; inconclusive: otherwise",
    power: "resolvable: the smallest difference a 95% interval excludes zero for with 80% power at this run count, (t + 0.8416) x standard error; runs_needed: runs that would resolve the threshold, n x (resolvable / threshold)^2",
    decision: "every scenario weighs the same: overall values are means over scenarios; a pooled difference is the mean of per-scenario paired differences with standard error sqrt(sum se^2) / S; models ranked by the ranking rule on pooled verdicts",
    censoring: "time to containment is the first containment; runs not contained by the horizon count as the horizon in restricted means; a percentile beyond the horizon is null with its _beyond_horizon flag true (null with the flag null: no runs to take it over); survival is Kaplan-Meier of the first containment; eviction at the horizon and re-entry are reported beside it",
};

fn decision_doc(c: &crate::analysis::compare::Comparison) -> DecisionDoc<'_> {
    let has_data = |m: usize| -> Vec<bool> {
        (0..METRICS.len())
            .map(|k| {
                c.scenarios
                    .iter()
                    .any(|s| s.models[m].diffs[k].difference.n > 0)
            })
            .collect()
    };
    DecisionDoc {
        ranking: (c.decision.ranking.iter())
            .map(|e| json_doc::OverallDoc::new(e, &has_data(e.index)))
            .collect(),
        headline: c
            .decision
            .headline
            .iter()
            .map(json_doc::PooledDoc::new)
            .collect(),
    }
}

fn scenario_doc<'a>(r: &'a Report, k: usize) -> ScenarioDoc<'a> {
    let c = r.comparison;
    let s = &c.scenarios[k];
    ScenarioDoc {
        name: &s.scenario.name,
        horizon_seconds: s.scenario.horizon,
        stages: s.scenario.stages.iter().map(|st| st.id.as_str()).collect(),
        ranking: (s.ranking.iter())
            .map(|e| json_doc::RankDoc::new(e, s.models[0].summary.attack_runs))
            .collect(),
        models: (s.models.iter().enumerate())
            .map(|(i, m)| ModelDoc {
                model: &c.models[i].name,
                summary: json_doc::SummaryDoc::new(&m.summary),
                differences_from_baseline: m.diffs.iter().map(json_doc::DiffDoc::new).collect(),
                survival: m.survival.iter().map(json_doc::SurvivalDoc::new).collect(),
                credentials: crate::output::runs::credential_rows(
                    &m.breakdown.credentials,
                    &s.scenario,
                    &c.models[i],
                    m.summary.attack_runs,
                ),
                waits_by_activity: crate::analysis::consequence::row_wait_cells(c, k, i),
            })
            .collect(),
    }
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
            decision: decision_doc(c),
            method: METHOD,
            scenarios: (0..c.scenarios.len()).map(|k| scenario_doc(r, k)).collect(),
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
