//! Turning results into what people read: the run summary, the comparison table (`table.rs`), the JSON
//! document with its `schema_version`, the trace as text and as JSON Lines, and writing files
//! whole or not at all.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::analysis::summary::Summary;
use crate::domain::duration::{format_human, format_offset};
use crate::domain::{Activity, WaitCause};
use crate::engine::batch::Batch;
use crate::engine::metrics::Breakdown;
use crate::engine::TraceEvent;
use crate::input::{Model, Scenario};
pub use crate::output::runs::RunRecord;
use crate::output::runs::{credential_rows, CredentialRow};
pub use crate::output::table::{comparison_table, comparison_table_with_notes, summary_table};

/// Version of the JSON documents `run --json` and `trace --jsonl` write; bumped on any
/// incompatible change (3: the summary as in results.json schema 4, numbers or `null`; each
/// run's `horizon_seconds`, `contained` `null` in benign runs).
pub const SCHEMA_VERSION: u32 = 3;

/// A share as a percentage with one decimal. Every share raci-sim prints is a count over the
/// count it is part of (runs of runs, evidence of revocations), so it lies in 0..=1: debug
/// builds (and the tests) stop on one outside, and the text never reads above 100% or below 0%
/// whatever the number.
pub fn pct(x: f64) -> String {
    debug_assert!((0.0..=1.0).contains(&x), "a share of {x} is not in 0..=1");
    format!("{:.1}%", 100.0 * x.clamp(0.0, 1.0))
}

/// The summary `raci-sim run` prints: what was run, the headline measures, where time waits
/// and where work stalls.
pub fn summary_text(s: &Summary, bd: &Breakdown, model: &Model) -> String {
    let mut o = String::new();
    what_was_run(&mut o, s);
    let _ = writeln!(o);
    headlines(&mut o, s);
    phase_lines(&mut o, s);
    let _ = writeln!(o);
    wait_by_cause(&mut o, s);
    where_work_stalls(&mut o, bd, model);
    o
}

fn what_was_run(o: &mut String, s: &Summary) {
    let _ = writeln!(o, "scenario  {}", s.scenario);
    let _ = writeln!(o, "model     {}", s.model);
    let _ = writeln!(
        o,
        "runs      {} ({} attack, {} benign look-alike), seed {}, horizon {}",
        s.runs,
        s.attack_runs,
        s.benign_runs,
        s.seed,
        format_human(s.horizon_seconds as f64)
    );
}

fn headlines(o: &mut String, s: &Summary) {
    let h = s.horizon_seconds;
    let _ = writeln!(o, "detected                      {}", pct(s.share_detected));
    let _ = writeln!(
        o,
        "contained (at least once)     {}",
        pct(s.share_contained)
    );
    let _ = writeln!(
        o,
        "time to first containment     {} / {} (p50/p90)",
        s.time_to_containment_p50.display(h),
        s.time_to_containment_p90.display(h)
    );
    let _ = writeln!(
        o,
        "time to detect p50            {}",
        s.time_to_detect_p50.display(h)
    );
    let _ = writeln!(
        o,
        "missed revocations            {:.2} per attack run; {} of runs miss at least one",
        s.missed_revocations_mean,
        pct(s.share_with_missed)
    );
    if !s.missed_by_kind.is_empty() {
        let kinds: Vec<String> = s
            .missed_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let _ = writeln!(o, "  missed by credential kind   {}", kinds.join(", "));
    }
    let _ = writeln!(
        o,
        "false closures, reopened      {}, {}",
        s.false_closures, s.reopened
    );
    let _ = writeln!(
        o,
        "wrongful revocations          {} ({:.2} per benign run)",
        s.wrongful_revocations_total, s.wrongful_per_benign_run
    );
    let _ = writeln!(
        o,
        "evidence complete at close    {}",
        pct(s.evidence_completeness)
    );
    let _ = writeln!(
        o,
        "stalls                        {:.2} per run ({} in all), {} stalled per run",
        s.stalls_mean,
        s.stalls_total,
        format_human(s.stall_wait_mean)
    );
}

/// Dwell, re-entry, eviction at the horizon, abandoned tasks.
fn phase_lines(o: &mut String, s: &Summary) {
    let h = s.horizon_seconds;
    let _ = writeln!(
        o,
        "dwell p50/p90                 {} / {} ({} compromised attack runs)",
        s.dwell_p50.display(h),
        s.dwell_p90.display(h),
        s.compromised
    );
    let _ = writeln!(
        o,
        "re-entered after containment  {}; evicted at the horizon {}",
        pct(s.share_re_entered),
        pct(s.share_evicted_at_horizon)
    );
    let causes: Vec<String> = s
        .abandoned_by_cause
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let _ = writeln!(
        o,
        "abandoned tasks               {:.2} per run ({} in all){}",
        s.abandoned_mean,
        s.abandoned_total,
        if causes.is_empty() {
            String::new()
        } else {
            format!(": {}", causes.join(", "))
        }
    );
}

fn wait_by_cause(o: &mut String, s: &Summary) {
    let _ = writeln!(o, "wait by cause (mean per run)   stalls");
    for ((cause, wait), (_, stalls)) in s.wait_mean_by_cause.iter().zip(&s.stalls_by_cause) {
        if *wait > 0.0 || *stalls > 0 {
            let _ = writeln!(o, "  {cause:<22} {:>8}   {stalls}", format_human(*wait));
        }
    }
}

/// The five (from, to, activity) cells with the most stalls, if any.
fn where_work_stalls(o: &mut String, bd: &Breakdown, model: &Model) {
    let top = top_stalls(bd, model, 5);
    if top.is_empty() {
        return;
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "where work stalls (from -> to, activity: stalls, mean wait)"
    );
    for st in top {
        let _ = writeln!(
            o,
            "  {} -> {}, {}: {}, {}",
            st.from,
            st.to,
            st.activity,
            st.stalls,
            st.mean_wait_seconds
                .map_or("never done (abandoned)".to_string(), format_human)
        );
    }
}

/// One (from team, to team, activity) cell of the stall breakdown.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StallCell {
    pub from: String,
    pub to: String,
    pub activity: &'static str,
    pub stalls: u64,
    /// `None` for tasks nobody would ever do (to "(nobody)"): their wait has no end.
    pub mean_wait_seconds: Option<f64>,
}

/// One (from team, to team) cell of the handoff network.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HandoffCell {
    pub from: String,
    pub to: String,
    pub handoffs: u64,
    /// From the task coming into being to its start.
    pub mean_wait_seconds: f64,
}

/// Every team pair with handoffs, in team order: the network the simulator counted.
pub fn handoff_network(bd: &Breakdown, model: &Model) -> Vec<HandoffCell> {
    let mut cells = Vec::new();
    for from in 0..bd.teams {
        for to in 0..bd.teams {
            let p = bd.pair(from, to);
            if bd.handoffs[p] > 0 {
                cells.push(HandoffCell {
                    from: model.teams[from].id.clone(),
                    to: model.teams[to].id.clone(),
                    handoffs: bd.handoffs[p],
                    mean_wait_seconds: bd.handoff_wait[p] as f64 / bd.handoffs[p] as f64,
                });
            }
        }
    }
    cells
}

/// The cells with the most stalls, most first (ties by position, so the order is stable).
pub fn top_stalls(bd: &Breakdown, model: &Model, n: usize) -> Vec<StallCell> {
    let name = |t: usize, nobody: &str| {
        model
            .teams
            .get(t)
            .map_or(nobody.to_string(), |x| x.id.clone())
    };
    let mut cells = Vec::new();
    for from in 0..=bd.teams {
        for to in 0..=bd.teams {
            for &a in Activity::ALL {
                let i = bd.stall_index(from, to, a);
                if bd.stalls[i] > 0 {
                    cells.push(StallCell {
                        from: name(from, "(signal)"),
                        to: name(to, "(nobody)"),
                        activity: a.name(),
                        stalls: bd.stalls[i],
                        mean_wait_seconds: (to < bd.teams)
                            .then(|| bd.stall_wait[i] as f64 / bd.stalls[i] as f64),
                    });
                }
            }
        }
    }
    cells.sort_by_key(|c| std::cmp::Reverse(c.stalls));
    cells.truncate(n);
    cells
}

#[derive(Serialize)]
struct RunDocument<'a> {
    schema_version: u32,
    tool_version: &'static str,
    summary: crate::output::json_doc::SummaryDoc<'a>,
    handoffs: Vec<HandoffCell>,
    handoff_stalls: Vec<StallCell>,
    credentials: Vec<CredentialRow>,
    runs: Vec<RunRecord<'a>>,
}

/// The `--json` document of `raci-sim run`.
pub fn run_json(batch: &Batch, scenario: &Scenario, model: &Model) -> String {
    let doc = RunDocument {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        summary: crate::output::json_doc::SummaryDoc::new(&batch.summary),
        handoffs: handoff_network(&batch.breakdown, model),
        handoff_stalls: top_stalls(&batch.breakdown, model, usize::MAX),
        credentials: credential_rows(
            &batch.breakdown.credentials,
            scenario,
            model,
            batch.summary.attack_runs,
        ),
        runs: (batch.runs.iter().enumerate())
            .map(|(i, m)| RunRecord::new(m, scenario, batch.stage_done.run(i)))
            .collect(),
    };
    let mut s = crate::output::escape::json_for_html(
        serde_json::to_string_pretty(&doc).expect("serialising plain data cannot fail"),
    );
    s.push('\n');
    s
}

fn team_name(model: &Model, t: Option<usize>) -> &str {
    t.map_or("attacker", |t| model.teams[t].id.as_str())
}

/// The readable trace: one line per event.
pub fn trace_text(events: &[TraceEvent], scenario: &Scenario, model: &Model) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} vs {} (T+ is hours:minutes since the attack started; then the run's phase)",
        scenario.name, model.name
    );
    for e in events {
        let who = if e.team.is_none() && e.activity.is_some() {
            "-"
        } else {
            team_name(model, e.team)
        };
        let activity = e.activity.map_or("", |a| a.name());
        let _ = write!(
            o,
            "{}  {:<17} {who:<18} {activity:<21} {}",
            format_offset(e.time),
            e.phase.name(),
            e.what
        );
        if let Some(cause) = e.cause {
            let _ = write!(
                o,
                "  (waited {}, mostly {cause})",
                format_human(e.wait as f64)
            );
        }
        o.push('\n');
    }
    o
}

#[derive(Serialize)]
struct TraceLine<'a> {
    schema_version: u32,
    time_seconds: u64,
    offset: String,
    team: &'a str,
    activity: Option<&'static str>,
    what: &'a str,
    phase: &'static str,
    wait_seconds: u64,
    cause: Option<&'static str>,
    waits: BTreeMap<&'static str, u64>,
}

/// The trace as JSON Lines.
pub fn trace_jsonl(events: &[TraceEvent], model: &Model) -> String {
    let mut o = String::new();
    for e in events {
        let line = TraceLine {
            schema_version: SCHEMA_VERSION,
            time_seconds: e.time,
            offset: format_offset(e.time),
            team: team_name(model, e.team),
            activity: e.activity.map(|a| a.name()),
            what: &e.what,
            phase: e.phase.name(),
            wait_seconds: e.wait,
            cause: e.cause.map(|c| c.name()),
            waits: WaitCause::ALL
                .iter()
                .filter(|c| e.waits[c.index()] > 0)
                .map(|c| (c.name(), e.waits[c.index()]))
                .collect(),
        };
        o.push_str(&crate::output::escape::json_for_html(
            serde_json::to_string(&line).expect("plain data"),
        ));
        o.push('\n');
    }
    o
}

/// The findings table as Markdown: one row per scenario x model.
pub fn findings_markdown(rows: &[Summary]) -> String {
    let mut o = String::new();
    o.push_str("| scenario | model | TTC p50 | TTC p90 | contained | missed revocations / run | runs with a missed revocation | mean stall time / run | wrongful revocations / benign run |\n");
    o.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for s in rows {
        let h = s.horizon_seconds;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {:.2} | {} | {} | {:.2} |",
            crate::output::escape::markdown(&s.scenario),
            crate::output::escape::markdown(&s.model),
            s.time_to_containment_p50.display(h),
            s.time_to_containment_p90.display(h),
            pct(s.share_contained),
            s.missed_revocations_mean,
            pct(s.share_with_missed),
            format_human(s.stall_wait_mean),
            s.wrongful_per_benign_run
        );
    }
    o
}
