//! Event logs for process-mining tools: one record per task a team started (activity, team as
//! resource and group, start and completion timestamps in UTC, lifecycle `complete`, or `start`
//! for a task still worked at the horizon, the wait and its cause, the credential and its kind,
//! the run's phase), written as CSV, XES (`cases`) or OCEL 2.0 JSON (`ocel`). A CSV or XES
//! case is a run's incident, or (`CaseNotion::Task`) one task with the handoff into it; OCEL
//! objects belong to one run each. A dated scenario's run is placed at its own start instant;
//! an undated one at the week of Monday 2026-01-05, so a run's weekday and hour are the ones the
//! simulation used.

mod cases;
mod ocel;

use rayon::prelude::*;

use crate::domain::{Activity, WaitCause};
use crate::engine::metrics::{Breakdown, RunMetrics, RunPhase};
use crate::engine::{simulate, Context, SimError, TraceEvent, Workspace};
use crate::input::{Model, Scenario};

/// Unix time of Monday 2026-01-05 00:00:00 UTC: week 0 of every simulated run.
pub const CALENDAR_BASE: u64 = 1_767_571_200;

/// One task a team started: finished, or still being worked at the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    pub run: u64,
    pub task: u32,
    pub activity: Activity,
    pub team: usize,
    /// Unix seconds the task came into being (its predecessor finished).
    pub ready: u64,
    /// Unix seconds.
    pub start: u64,
    /// `None`: still being worked when the run reached its horizon.
    pub complete: Option<u64>,
    /// The team that finished the task's predecessor, whichever it was.
    pub from_team: Option<usize>,
    /// `from_team` when that is another team: the simulator counted a handoff.
    pub handoff_from: Option<usize>,
    pub credential: Option<usize>,
    /// Seconds from ready to start.
    pub wait: u64,
    pub cause: Option<WaitCause>,
    /// The run's phase at the end of the second of the record's timestamp (its completion, or
    /// its start): what the task's completion led to in that second is included.
    pub phase: RunPhase,
    /// The run's phase when the task came into being.
    pub ready_phase: RunPhase,
}

impl TaskRecord {
    /// When the record happened: its completion, or its start if it never completed.
    pub fn timestamp(&self) -> u64 {
        self.complete.unwrap_or(self.start)
    }

    /// The XES lifecycle transition of the record.
    pub fn transition(&self) -> &'static str {
        if self.complete.is_some() {
            "complete"
        } else {
            "start"
        }
    }
}

/// The case id of a run: one incident per run (a reopened incident stays the same case). It is
/// also the id of the run's OCEL `incident` object and the prefix of its other objects' ids.
pub fn case_id(run: u64) -> String {
    format!("run-{run:06}")
}

/// The id of a task within its run: `run-000007/task-00012`, a task case of a CSV or XES log and
/// an OCEL event.
pub fn task_id(run: u64, task: u32) -> String {
    format!("{}/task-{task:05}", case_id(run))
}

/// The name of team `t` of `model`.
fn team(model: &Model, t: usize) -> &str {
    &model.teams[t].id
}

/// Tasks of one traced run that a team started, in the order of their timestamp (completion,
/// or start for a task still in progress at the horizon), ties in event order.
pub fn task_records(m: &RunMetrics, trace: &[TraceEvent]) -> Vec<TaskRecord> {
    // A dated run sits at its own date; an undated one in the week of CALENDAR_BASE.
    let origin = m
        .start_unix
        .map_or(CALENDAR_BASE + m.start_in_week, |t| t.max(0) as u64);
    // (index of the start event, the event) of tasks started and not yet done.
    let mut started: Vec<(usize, &TraceEvent)> = Vec::new();
    // (index of the event that timestamps the record, record).
    let mut out: Vec<(usize, TaskRecord)> = Vec::new();
    // The phase at the end of simulated second `t` (that of its last event, or the last one
    // before it), so a revoke that evicts the attacker reads `contained`.
    let phase_at = |t: u64| {
        let n = trace.partition_point(|e| e.time <= t);
        n.checked_sub(1)
            .map_or(RunPhase::BeforeCompromise, |i| trace[i].phase)
    };
    let record = |s: &TraceEvent, done: Option<&TraceEvent>| {
        let task = s.task.expect("start events carry their task");
        TaskRecord {
            run: m.run,
            task: task.id,
            activity: s.activity.expect("tasks have activities"),
            team: s.team.expect("tasks have teams"),
            ready: origin + s.time - s.wait,
            start: origin + s.time,
            complete: done.map(|d| origin + d.time),
            from_team: task.from_team,
            handoff_from: task.handoff_from,
            credential: task.credential,
            wait: s.wait,
            cause: s.cause,
            phase: phase_at(done.map_or(s.time, |d| d.time)),
            ready_phase: phase_at(s.time - s.wait),
        }
    };
    for (i, e) in trace.iter().enumerate() {
        let Some(task) = e.task else { continue };
        if e.what == "started" {
            started.push((i, e));
        } else if e.what == "done" {
            let id = |&(_, s): &(usize, &TraceEvent)| s.task.is_some_and(|t| t.id == task.id);
            if let Some(pos) = started.iter().position(id) {
                let (_, s) = started.remove(pos);
                out.push((i, record(s, Some(e))));
            }
        }
    }
    out.extend(started.into_iter().map(|(i, s)| (i, record(s, None))));
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Simulates runs `0..runs` with tracing, in parallel, returning each run's metrics and tasks
/// in run order.
pub fn traced_runs(
    scenario: &Scenario,
    model: &Model,
    seed: u64,
    runs: u64,
    max_events: u64,
) -> Result<Vec<(RunMetrics, Vec<TaskRecord>)>, SimError> {
    let mut ctx = Context::new(scenario, model, seed);
    ctx.max_events = max_events;
    (0..runs)
        .into_par_iter()
        .map_init(
            || {
                (
                    Workspace::new(&ctx),
                    Breakdown::new(model.teams.len(), scenario.credentials.len()),
                )
            },
            |(ws, bd), run| {
                let mut trace = Vec::new();
                let m = simulate(&ctx, ws, run, bd, Some(&mut trace))?;
                let tasks = task_records(&m, &trace);
                Ok((m, tasks))
            },
        )
        .collect()
}

/// Unix seconds as ISO 8601 UTC with a Z: "2026-01-05T09:00:00Z".
pub fn iso(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Which format a path asks for, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xes,
    Ocel,
}

impl Format {
    /// Whether the format can hold cases of `notion`.
    pub fn check(self, notion: CaseNotion) -> Result<(), String> {
        if self == Format::Ocel && notion != CaseNotion::Incident {
            return Err("an OCEL 2.0 log has objects, not cases; --case-notion task is for .csv and .xes logs".to_string());
        }
        Ok(())
    }

    pub fn from_path(path: &str) -> Result<Format, String> {
        if path.ends_with(".csv") {
            Ok(Format::Csv)
        } else if path.ends_with(".xes") {
            Ok(Format::Xes)
        } else if path.ends_with(".jsonocel") {
            Ok(Format::Ocel)
        } else {
            Err(format!(
                "cannot tell the event-log format of \"{path}\"; end the file name in .csv, .xes or .jsonocel"
            ))
        }
    }
}

/// What a case of a CSV or XES log is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CaseNotion {
    /// One case per run's incident: every task of the response, in time order. Direct
    /// succession in a case is what process-discovery tools draw.
    #[default]
    Incident,
    /// One case per task, like a ticket: a `schedule` event when the task came into being,
    /// by the team that finished its predecessor (omitted when no team did: a detection
    /// raised by a signal), then the work by the team that took it. Handover of work within
    /// these cases is exactly the simulator's handoffs.
    Task,
}

impl CaseNotion {
    pub fn parse(s: &str) -> Result<CaseNotion, String> {
        match s {
            "incident" => Ok(CaseNotion::Incident),
            "task" => Ok(CaseNotion::Task),
            _ => Err(format!(
                "\"{s}\" is not a case notion; use incident (one case per run's incident) or task (one case per task)"
            )),
        }
    }
}

/// Renders tasks (in run order, each run's in timestamp order, as `task_records` gives them)
/// in `format`. OCEL 2.0 has objects instead of cases: `notion` must be `Incident` for it.
pub fn render(
    format: Format,
    notion: CaseNotion,
    tasks: &[TaskRecord],
    scenario: &Scenario,
    model: &Model,
) -> Result<Vec<u8>, String> {
    format.check(notion)?;
    let log = || cases::cases(notion, tasks);
    Ok(match format {
        Format::Csv => cases::csv(&log(), scenario, model),
        Format::Xes => cases::xes(&log(), scenario, model),
        Format::Ocel => ocel::ocel(tasks, scenario, model),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_right() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(CALENDAR_BASE), "2026-01-05T00:00:00Z");
        assert_eq!(
            iso(CALENDAR_BASE + 4 * 86_400 + 18 * 3600),
            "2026-01-09T18:00:00Z"
        );
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
    }
}
