//! The report's `improve/` folder: each front model's RON file (exactly the text that was
//! loaded and simulated), changes.md (the front in RACI terms with verdicts), candidates.csv
//! (one row per candidate) and improve.json (the whole result), and tornado.svg when the
//! recommended change was tested for sensitivity. Columns and fields: docs/improve.md.

use std::fmt::Write as _;

use serde::Serialize;

use super::{
    code_span, cost_parts, edits_text, front, operator, ron_path, trim_number, verdict_line,
    weighed, weights_text, LABELS,
};
use crate::analysis::improve::{Bar, Edit, Improvement, Round};
use crate::analysis::verdict::Practical;
use crate::output::escape::{csv_text, json_for_html, markdown};
use crate::output::json_doc::{finite, PooledDoc};
use crate::output::report::files::num_cell;
use crate::output::runs::bit;

/// Version of improve.json.
pub const IMPROVE_SCHEMA_VERSION: u32 = 1;

/// Every file of the report's `improve/` folder: (path inside the report folder, bytes).
pub fn files(imp: &Improvement) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for f in front(imp) {
        let c = &imp.candidates[f.candidate];
        out.push((ron_path(c), c.text.clone().into_bytes()));
    }
    out.push(("improve/changes.md".into(), changes_md(imp).into_bytes()));
    out.push(("improve/candidates.csv".into(), candidates_csv(imp)));
    out.push((
        "improve/improve.json".into(),
        improve_json(imp).into_bytes(),
    ));
    if let Some(s) = &imp.sensitivity {
        let rec = super::recommended(imp).map_or("", |(c, _)| c.name.as_str());
        let svg = super::tornado_svg(s, &imp.original.name, rec);
        out.push(("improve/tornado.svg".into(), svg.into_bytes()));
    }
    out
}

/// changes.md: the recommendation, then every front model: its changes in RACI terms, its
/// cost, its verdicts against the original.
fn changes_md(imp: &Improvement) -> String {
    let mut o = String::new();
    let orig = markdown(&imp.original.name);
    let _ = writeln!(o, "# Improving {orig}\n");
    let _ = writeln!(
        o,
        "Candidate models made from **{orig}** by one or two edits, raced on common random numbers over {} scenario{}; the finalists ran {} runs per scenario (seed {}). Differences are candidate minus original, pooled over scenarios (every scenario weighs the same), with 95% intervals. *Better* or *worse*: the interval excludes zero and the difference exceeds the practical threshold ({}); *equivalent*: the whole interval lies within it; *inconclusive*: neither. Cost weights: {}.\n",
        imp.scenarios.len(),
        if imp.scenarios.len() == 1 { "" } else { "s" },
        imp.final_runs,
        imp.seed,
        markdown(&imp.practical.describe()),
        weights_text(&imp.weights)
    );
    match super::recommended(imp) {
        Some((c, _)) => {
            let reason = imp.recommended.as_ref().map_or("", |r| r.reason.as_str());
            let _ = writeln!(
                o,
                "**Recommended: {}** ({}). Why: {}\n",
                markdown(&c.id),
                markdown(&c.name),
                markdown(reason)
            );
        }
        None => {
            let _ = writeln!(o, "**No recommendation**: no candidate beat the original by the verdict rule. The front, if any, is listed below; `raci-sim lint` on the model file lists ownership gaps one or two edits cannot close.\n");
        }
    }
    let fr = front(imp);
    let _ = writeln!(
        o,
        "## The front ({} model{})\n",
        fr.len(),
        if fr.len() == 1 { "" } else { "s" }
    );
    if fr.is_empty() {
        let _ = writeln!(o, "No finalist is on the front.\n");
    }
    for f in fr {
        let c = &imp.candidates[f.candidate];
        let rec = imp
            .recommended
            .as_ref()
            .is_some_and(|r| r.candidate == f.candidate);
        let _ = writeln!(
            o,
            "### {}{}\n",
            markdown(&c.id),
            if rec { " (recommended)" } else { "" }
        );
        let _ = writeln!(o, "- model: {} (`{}`)", markdown(&c.name), ron_path(c));
        let _ = writeln!(
            o,
            "- cost: {}; weighed {}",
            cost_parts(c),
            trim_number(weighed(imp, f.candidate))
        );
        let _ = writeln!(o, "- change ({}):", edits_text(c.edits.len()));
        for line in &c.changes {
            let _ = writeln!(o, "  - {}", code_span(line));
        }
        let _ = writeln!(o, "- against the original:");
        for (j, p) in f.versus_original.iter().enumerate().take(3) {
            let _ = writeln!(
                o,
                "  - {}: {} vs {}, {}",
                LABELS[j],
                super::value(j, p.model_mean),
                super::value(j, p.reference_mean),
                markdown(&verdict_line(j, p))
            );
        }
        o.push('\n');
    }
    o
}

/// The columns of candidates.csv (docs/improve.md).
pub const CANDIDATE_COLUMNS: [&str; 18] = [
    "candidate",
    "model",
    "edits",
    "operators",
    "changes",
    "cells",
    "on_call_teams",
    "coverage_hours",
    "weighed_cost",
    "runs",
    "dropped_after_round",
    "finalist",
    "on_front",
    "recommended",
    "restricted_mean_ttc_hours",
    "missed_revocations",
    "wrongful_revocations",
    "ttc_verdict",
];

/// candidates.csv: one row per candidate, in candidate order.
fn candidates_csv(imp: &Improvement) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CANDIDATE_COLUMNS).expect("in-memory CSV");
    for (i, c) in imp.candidates.iter().enumerate() {
        let st = imp.standings.iter().find(|s| s.candidate == i);
        let fin = imp.finalists.iter().find(|f| f.candidate == i);
        let ops: Vec<String> = c.edits.iter().map(operator).collect();
        let mean = |k: usize| num_cell(st.map(|s| s.means[k]));
        let row = vec![
            csv_text(&c.id),
            csv_text(&c.name),
            c.edits.len().to_string(),
            ops.join(";"),
            csv_text(&c.changes.join("; ")),
            c.cost.cells.to_string(),
            c.cost.on_call_teams.to_string(),
            num_cell(Some(c.cost.coverage_hours)),
            num_cell(Some(weighed(imp, i))),
            st.map_or(String::new(), |s| s.runs.to_string()),
            st.and_then(|s| s.dropped_after)
                .map_or(String::new(), |r| (r + 1).to_string()),
            bit(fin.is_some()),
            bit(fin.is_some_and(|f| f.on_front)),
            bit(imp.recommended.as_ref().is_some_and(|r| r.candidate == i)),
            mean(0),
            mean(1),
            mean(2),
            fin.and_then(|f| f.versus_original.first())
                .map_or(String::new(), |p| {
                    crate::output::json_doc::verdict_name(p.verdict).to_string()
                }),
        ];
        w.write_record(&row).expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

#[derive(Serialize)]
struct ImproveDoc<'a> {
    schema_version: u32,
    tool_version: &'static str,
    commit: Option<&'static str>,
    original: &'a str,
    scenarios: &'a [String],
    seed: u64,
    final_runs: u64,
    practical: &'a Practical,
    cost_weights: &'a crate::analysis::improve::CostWeights,
    metrics: [&'static str; 3],
    original_means: [Option<f64>; 3],
    singles: usize,
    pairs: usize,
    rounds: &'a [Round],
    candidates: Vec<CandidateDoc<'a>>,
    /// Candidate ids on the front, cheapest first.
    front: Vec<&'a str>,
    recommended: Option<RecommendedDoc<'a>>,
    sensitivity: Option<SensitivityDoc<'a>>,
    runs_simulated: u64,
    runs_race: u64,
    runs_without_racing: u64,
}

#[derive(Serialize)]
struct CandidateDoc<'a> {
    id: &'a str,
    model: &'a str,
    /// Each edit: `operator` and its arguments; rows by their file names.
    edits: Vec<serde_json::Value>,
    changes: &'a [String],
    cost: crate::analysis::improve::Cost,
    weighed_cost: f64,
    /// Relative to the report folder; `null` when not on the front (no file written).
    file: Option<String>,
    runs: Option<u64>,
    /// 1-based, as in the rounds table; `null` for a finalist.
    dropped_after_round: Option<usize>,
    means: Option<[Option<f64>; 3]>,
    finalist: bool,
    on_front: bool,
    /// Candidate minus original, one per metric; empty for a candidate dropped in the race.
    versus_original: Vec<PooledDoc>,
}

#[derive(Serialize)]
struct RecommendedDoc<'a> {
    candidate: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct SensitivityDoc<'a> {
    metric: &'static str,
    runs: u64,
    base: PooledDoc,
    bars: Vec<BarDoc<'a>>,
}

#[derive(Serialize)]
struct BarDoc<'a> {
    assumption: &'a str,
    range: &'a str,
    low_label: &'a str,
    high_label: &'a str,
    low: PooledDoc,
    high: PooledDoc,
    flips: bool,
}

fn means3(m: &[f64; 3]) -> [Option<f64>; 3] {
    [finite(m[0]), finite(m[1]), finite(m[2])]
}

fn candidate_doc(imp: &Improvement, i: usize) -> CandidateDoc<'_> {
    let c = &imp.candidates[i];
    let st = imp.standings.iter().find(|s| s.candidate == i);
    let fin = imp.finalists.iter().find(|f| f.candidate == i);
    let on_front = fin.is_some_and(|f| f.on_front);
    CandidateDoc {
        id: &c.id,
        model: &c.name,
        edits: c.edits.iter().map(edit_doc).collect(),
        changes: &c.changes,
        cost: c.cost,
        weighed_cost: weighed(imp, i),
        file: on_front.then(|| ron_path(c)),
        runs: st.map(|s| s.runs),
        dropped_after_round: st.and_then(|s| s.dropped_after).map(|r| r + 1),
        means: st.map(|s| means3(&s.means)),
        finalist: fin.is_some(),
        on_front,
        versus_original: fin.map_or(Vec::new(), |f| {
            f.versus_original.iter().map(PooledDoc::new).collect()
        }),
    }
}

/// An edit as JSON, its row (if any) named as files name it ("approve_containment").
fn edit_doc(e: &Edit) -> serde_json::Value {
    let mut v = serde_json::to_value(e).expect("plain data");
    let row = match e {
        Edit::OwnRow { row, .. }
        | Edit::CollapseCommittee { row, .. }
        | Edit::Visibility { row, .. }
        | Edit::DropConsult { row, .. } => Some(row.name()),
        _ => None,
    };
    if let (Some(row), Some(obj)) = (row, v.as_object_mut()) {
        obj.insert("row".into(), row.into());
    }
    v
}

fn bar_doc(b: &Bar) -> BarDoc<'_> {
    BarDoc {
        assumption: b.assumption,
        range: &b.range,
        low_label: &b.low_label,
        high_label: &b.high_label,
        low: PooledDoc::new(&b.low),
        high: PooledDoc::new(&b.high),
        flips: b.flips,
    }
}

/// improve.json: the whole result.
fn improve_json(imp: &Improvement) -> String {
    let keys = crate::analysis::improve::evaluate::SEARCHED
        .map(|k| crate::analysis::compare::METRICS[k].key);
    let doc = ImproveDoc {
        schema_version: IMPROVE_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        commit: crate::BUILD_COMMIT,
        original: &imp.original.name,
        scenarios: &imp.scenarios,
        seed: imp.seed,
        final_runs: imp.final_runs,
        practical: &imp.practical,
        cost_weights: &imp.weights,
        metrics: keys,
        original_means: means3(&imp.original_means),
        singles: imp.singles,
        pairs: imp.candidates.len().saturating_sub(imp.singles),
        rounds: &imp.rounds,
        candidates: (0..imp.candidates.len())
            .map(|i| candidate_doc(imp, i))
            .collect(),
        front: front(imp)
            .iter()
            .map(|f| imp.candidates[f.candidate].id.as_str())
            .collect(),
        recommended: imp.recommended.as_ref().map(|r| RecommendedDoc {
            candidate: &imp.candidates[r.candidate].id,
            reason: &r.reason,
        }),
        sensitivity: imp.sensitivity.as_ref().map(|s| SensitivityDoc {
            metric: keys[0],
            runs: s.runs,
            base: PooledDoc::new(&s.base),
            bars: s.bars.iter().map(bar_doc).collect(),
        }),
        runs_simulated: imp.runs_simulated,
        runs_race: super::race_runs(imp),
        runs_without_racing: imp.runs_without_racing,
    };
    let mut s = json_for_html(serde_json::to_string_pretty(&doc).expect("plain data"));
    s.push('\n');
    s
}
