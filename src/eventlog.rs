//! Event logs for process-mining tools: one record per completed task (case = run, activity,
//! team as resource and group, start and completion timestamps in UTC), written as CSV, XES or
//! OCEL 2.0 JSON. Simulated time is placed on the calendar at the week of Monday 2026-01-05, so
//! a run's weekday and hour are the ones the simulation used.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::domain::{Activity, WaitCause};
use crate::engine::{simulate, Context, SimError, TraceEvent, Workspace};
use crate::export::escape::{csv_text, html};
use crate::input::{Model, Scenario};
use crate::metrics::{Breakdown, RunMetrics};

/// Unix time of Monday 2026-01-05 00:00:00 UTC: week 0 of every simulated run.
pub const CALENDAR_BASE: u64 = 1_767_571_200;

/// One completed task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    pub run: u64,
    pub task: u32,
    pub activity: Activity,
    pub team: usize,
    /// Unix seconds.
    pub start: u64,
    pub complete: u64,
    pub handoff_from: Option<usize>,
    pub credential: Option<usize>,
    pub wait: u64,
    pub cause: Option<WaitCause>,
}

/// The case id of a run: one incident per run (a reopened incident stays the same case).
pub fn case_id(run: u64) -> String {
    format!("run-{run:06}")
}

/// Completed tasks of one traced run, in completion order (ties in event order).
pub fn task_records(m: &RunMetrics, trace: &[TraceEvent]) -> Vec<TaskRecord> {
    let origin = CALENDAR_BASE + m.start_in_week;
    let mut started: Vec<(u32, &TraceEvent)> = Vec::new();
    let mut out = Vec::new();
    for e in trace {
        let Some(task) = e.task else { continue };
        if e.what == "started" {
            started.push((task.id, e));
        } else if e.what == "done" {
            if let Some(pos) = started.iter().position(|(id, _)| *id == task.id) {
                let (_, s) = started.swap_remove(pos);
                out.push(TaskRecord {
                    run: m.run,
                    task: task.id,
                    activity: e.activity.expect("tasks have activities"),
                    team: e.team.expect("tasks have teams"),
                    start: origin + s.time,
                    complete: origin + e.time,
                    handoff_from: s.task.and_then(|t| t.handoff_from),
                    credential: task.credential,
                    wait: s.wait,
                    cause: s.cause,
                });
            }
        }
    }
    out
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
            || (Workspace::new(&ctx), Breakdown::new(model.teams.len())),
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

/// Renders tasks (already in run order, each run's in completion order) in `format`.
pub fn render(format: Format, tasks: &[TaskRecord], scenario: &Scenario, model: &Model) -> Vec<u8> {
    match format {
        Format::Csv => csv(tasks, scenario, model),
        Format::Xes => xes(tasks, scenario, model),
        Format::Ocel => ocel(tasks, scenario, model),
    }
}

fn team(model: &Model, t: usize) -> &str {
    &model.teams[t].id
}

fn csv(tasks: &[TaskRecord], scenario: &Scenario, model: &Model) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "case:concept:name",
        "concept:name",
        "time:timestamp",
        "start_timestamp",
        "org:resource",
        "org:group",
        "lifecycle:transition",
        "raci:task",
        "raci:handoff_from",
        "raci:wait_seconds",
        "raci:wait_cause",
        "raci:credential",
    ])
    .expect("in-memory CSV");
    for t in tasks {
        let resource = csv_text(team(model, t.team));
        w.write_record([
            case_id(t.run),
            t.activity.name().to_string(),
            iso(t.complete),
            iso(t.start),
            resource.clone(),
            resource,
            "complete".to_string(),
            t.task.to_string(),
            t.handoff_from
                .map_or(String::new(), |f| csv_text(team(model, f))),
            t.wait.to_string(),
            t.cause.map_or(String::new(), |c| c.name().to_string()),
            t.credential
                .map_or(String::new(), |c| csv_text(&scenario.credentials[c].id)),
        ])
        .expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

fn xes(tasks: &[TaskRecord], scenario: &Scenario, model: &Model) -> Vec<u8> {
    let mut o = String::new();
    o.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
"#);
    let _ = writeln!(
        o,
        r#"  <string key="concept:name" value="{} vs {}"/>"#,
        html(&scenario.name),
        html(&model.name)
    );
    let mut i = 0;
    while i < tasks.len() {
        let run = tasks[i].run;
        let _ = writeln!(
            o,
            r#"  <trace>
    <string key="concept:name" value="{}"/>"#,
            case_id(run)
        );
        while i < tasks.len() && tasks[i].run == run {
            let t = &tasks[i];
            let r = html(team(model, t.team));
            let _ = writeln!(
                o,
                r#"    <event>
      <string key="concept:name" value="{}"/>
      <date key="time:timestamp" value="{}"/>
      <date key="start_timestamp" value="{}"/>
      <string key="org:resource" value="{r}"/>
      <string key="org:group" value="{r}"/>
      <string key="lifecycle:transition" value="complete"/>
      <int key="raci:task" value="{}"/>
      <int key="raci:wait_seconds" value="{}"/>
    </event>"#,
                t.activity.name(),
                iso(t.complete),
                iso(t.start),
                t.task,
                t.wait
            );
            i += 1;
        }
        o.push_str("  </trace>\n");
    }
    o.push_str("</log>\n");
    o.into_bytes()
}

fn ocel(tasks: &[TaskRecord], scenario: &Scenario, model: &Model) -> Vec<u8> {
    use serde_json::{json, Value};
    let activities: Vec<&str> = {
        let mut a: Vec<&str> = tasks.iter().map(|t| t.activity.name()).collect();
        a.sort_unstable();
        a.dedup();
        a
    };
    let mut runs: Vec<u64> = tasks.iter().map(|t| t.run).collect();
    runs.dedup();
    let mut objects: Vec<Value> = runs
        .iter()
        .map(|r| json!({"id": case_id(*r), "type": "incident", "attributes": []}))
        .collect();
    objects.extend(
        model
            .teams
            .iter()
            .map(|t| json!({"id": format!("team:{}", t.id), "type": "team", "attributes": []})),
    );
    objects.extend(scenario.credentials.iter().map(|c| {
        json!({"id": format!("credential:{}", c.id), "type": "credential",
               "attributes": [{"name": "kind", "time": "1970-01-01T00:00:00Z", "value": c.kind.name()}]})
    }));
    let events: Vec<Value> = tasks
        .iter()
        .map(|t| {
            let mut rel = vec![
                json!({"objectId": case_id(t.run), "qualifier": "incident"}),
                json!({"objectId": format!("team:{}", team(model, t.team)), "qualifier": "resource"}),
            ];
            if let Some(c) = t.credential {
                rel.push(json!({"objectId": format!("credential:{}", scenario.credentials[c].id), "qualifier": "credential"}));
            }
            json!({
                "id": format!("{}:{}", case_id(t.run), t.task),
                "type": t.activity.name(),
                "time": iso(t.complete),
                "attributes": [
                    {"name": "start_timestamp", "value": iso(t.start)},
                    {"name": "resource", "value": team(model, t.team)},
                    {"name": "wait_seconds", "value": t.wait},
                ],
                "relationships": rel,
            })
        })
        .collect();
    let doc = json!({
        "objectTypes": [
            {"name": "incident", "attributes": []},
            {"name": "team", "attributes": []},
            {"name": "credential", "attributes": [{"name": "kind", "type": "string"}]},
        ],
        "eventTypes": activities.iter().map(|a| json!({"name": a, "attributes": [
            {"name": "start_timestamp", "type": "time"},
            {"name": "resource", "type": "string"},
            {"name": "wait_seconds", "type": "integer"},
        ]})).collect::<Vec<_>>(),
        "objects": objects,
        "events": events,
    });
    let mut s = crate::export::escape::json_for_html(
        serde_json::to_string_pretty(&doc).expect("plain data"),
    );
    s.push('\n');
    s.into_bytes()
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
