//! CSV and XES logs: cases (a run's incident, or one task), events in case order, the same
//! fields in both formats.

use std::fmt::Write as _;

use super::{case_id, iso, task_id, team, CaseNotion, TaskRecord};
use crate::input::{Model, Scenario};
use crate::output::escape::{csv_text, html};

/// One event of a CSV or XES log.
pub(super) struct LogEvent<'a> {
    task: &'a TaskRecord,
    /// A `schedule` event (the task came into being, by `task.from_team`), not the work.
    schedule: bool,
}

impl LogEvent<'_> {
    fn resource(&self) -> usize {
        if self.schedule {
            self.task.from_team.expect("scheduled by a team")
        } else {
            self.task.team
        }
    }

    fn timestamp(&self) -> u64 {
        if self.schedule {
            self.task.ready
        } else {
            self.task.timestamp()
        }
    }

    fn start(&self) -> u64 {
        if self.schedule {
            self.task.ready
        } else {
            self.task.start
        }
    }

    fn transition(&self) -> &'static str {
        if self.schedule {
            "schedule"
        } else {
            self.task.transition()
        }
    }

    fn phase(&self) -> &'static str {
        if self.schedule {
            self.task.ready_phase.name()
        } else {
            self.task.phase.name()
        }
    }
}

pub(super) struct LogCase<'a> {
    id: String,
    run: u64,
    events: Vec<LogEvent<'a>>,
}

pub(super) fn cases(notion: CaseNotion, tasks: &[TaskRecord]) -> Vec<LogCase<'_>> {
    let mut out: Vec<LogCase> = Vec::new();
    match notion {
        CaseNotion::Incident => {
            for t in tasks {
                if out.last().is_none_or(|c| c.run != t.run) {
                    out.push(LogCase {
                        id: case_id(t.run),
                        run: t.run,
                        events: Vec::new(),
                    });
                }
                let case = out.last_mut().expect("pushed above");
                case.events.push(LogEvent {
                    task: t,
                    schedule: false,
                });
            }
        }
        CaseNotion::Task => {
            let mut by_task: Vec<&TaskRecord> = tasks.iter().collect();
            // Task ids count up as tasks come into being, so this is ready-time order.
            by_task.sort_by_key(|t| (t.run, t.task));
            for t in by_task {
                let mut events = Vec::with_capacity(2);
                if t.from_team.is_some() {
                    events.push(LogEvent {
                        task: t,
                        schedule: true,
                    });
                }
                events.push(LogEvent {
                    task: t,
                    schedule: false,
                });
                out.push(LogCase {
                    id: task_id(t.run, t.task),
                    run: t.run,
                    events,
                });
            }
        }
    }
    out
}

/// The fields a CSV row and an XES event share beyond the standard ones: the task, the
/// simulator's handoff, the wait and its cause (all three on the work, not on a `schedule`
/// event), the credential and its kind, the phase.
struct Extras {
    handoff_from: Option<String>,
    wait_seconds: Option<u64>,
    wait_cause: Option<&'static str>,
    credential: Option<String>,
    credential_kind: Option<&'static str>,
}

impl Extras {
    fn of(e: &LogEvent, scenario: &Scenario, model: &Model) -> Extras {
        let t = e.task;
        let work = !e.schedule;
        let credential = t.credential.map(|c| &scenario.credentials[c]);
        Extras {
            handoff_from: t
                .handoff_from
                .filter(|_| work)
                .map(|f| team(model, f).to_string()),
            wait_seconds: Some(t.wait).filter(|_| work),
            wait_cause: t.cause.filter(|_| work).map(|c| c.name()),
            credential: credential.map(|c| c.id.clone()),
            credential_kind: credential.map(|c| c.kind.name()),
        }
    }
}

pub(super) fn csv(cases: &[LogCase], scenario: &Scenario, model: &Model) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "case:concept:name",
        "concept:name",
        "time:timestamp",
        "start_timestamp",
        "org:resource",
        "org:group",
        "lifecycle:transition",
        "raci:run",
        "raci:task",
        "raci:handoff_from",
        "raci:wait_seconds",
        "raci:wait_cause",
        "raci:credential",
        "raci:credential_kind",
        "raci:phase",
    ])
    .expect("in-memory CSV");
    for case in cases {
        for e in &case.events {
            let t = e.task;
            let x = Extras::of(e, scenario, model);
            let resource = csv_text(team(model, e.resource()));
            let text = |s: Option<String>| s.map_or(String::new(), |s| csv_text(&s));
            w.write_record([
                case.id.clone(),
                t.activity.name().to_string(),
                iso(e.timestamp()),
                iso(e.start()),
                resource.clone(),
                resource,
                e.transition().to_string(),
                case_id(case.run),
                t.task.to_string(),
                text(x.handoff_from),
                x.wait_seconds.map_or(String::new(), |s| s.to_string()),
                x.wait_cause.unwrap_or_default().to_string(),
                text(x.credential),
                x.credential_kind.unwrap_or_default().to_string(),
                e.phase().to_string(),
            ])
            .expect("in-memory CSV");
        }
    }
    w.into_inner().expect("in-memory CSV")
}

/// The XES header: extensions, the attributes every trace and event has (globals, with values
/// no event uses: every event sets its own), classifiers, the log's name.
fn xes_header(o: &mut String, scenario: &Scenario, model: &Model) {
    o.push_str(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
    <string key="raci:run" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00Z"/>
    <date key="start_timestamp" value="1970-01-01T00:00:00Z"/>
    <string key="org:resource" value="__INVALID__"/>
    <string key="org:group" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
    <int key="raci:task" value="-1"/>
    <string key="raci:phase" value="__INVALID__"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity_and_transition" keys="concept:name lifecycle:transition"/>
  <classifier name="Resource" keys="org:resource"/>
  <string key="lifecycle:model" value="standard"/>
"#,
    );
    let _ = writeln!(
        o,
        r#"  <string key="concept:name" value="{} vs {}"/>"#,
        html(&scenario.name),
        html(&model.name)
    );
}

fn xes_event(o: &mut String, e: &LogEvent, scenario: &Scenario, model: &Model) {
    let t = e.task;
    let r = html(team(model, e.resource()));
    let _ = writeln!(
        o,
        r#"    <event>
      <string key="concept:name" value="{}"/>
      <date key="time:timestamp" value="{}"/>
      <date key="start_timestamp" value="{}"/>
      <string key="org:resource" value="{r}"/>
      <string key="org:group" value="{r}"/>
      <string key="lifecycle:transition" value="{}"/>
      <int key="raci:task" value="{}"/>
      <string key="raci:phase" value="{}"/>"#,
        t.activity.name(),
        iso(e.timestamp()),
        iso(e.start()),
        e.transition(),
        t.task,
        e.phase(),
    );
    let x = Extras::of(e, scenario, model);
    if let Some(s) = x.wait_seconds {
        let _ = writeln!(o, r#"      <int key="raci:wait_seconds" value="{s}"/>"#);
    }
    let strings = [
        ("raci:wait_cause", x.wait_cause.map(str::to_string)),
        ("raci:handoff_from", x.handoff_from),
        ("raci:credential", x.credential),
        (
            "raci:credential_kind",
            x.credential_kind.map(str::to_string),
        ),
    ];
    for (key, value) in strings {
        if let Some(v) = value {
            let _ = writeln!(o, r#"      <string key="{key}" value="{}"/>"#, html(&v));
        }
    }
    o.push_str("    </event>\n");
}

pub(super) fn xes(cases: &[LogCase], scenario: &Scenario, model: &Model) -> Vec<u8> {
    let mut o = String::new();
    xes_header(&mut o, scenario, model);
    for case in cases {
        let _ = writeln!(
            o,
            r#"  <trace>
    <string key="concept:name" value="{}"/>
    <string key="raci:run" value="{}"/>"#,
            case.id,
            case_id(case.run)
        );
        for e in &case.events {
            xes_event(&mut o, e, scenario, model);
        }
        o.push_str("  </trace>\n");
    }
    o.push_str("</log>\n");
    o.into_bytes()
}
