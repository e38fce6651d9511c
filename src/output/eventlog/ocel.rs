//! The OCEL 2.0 JSON log. Objects belong to one run: the run's `incident` (`run-000007`, the
//! case of the incident case notion), and the run's `team` and `credential` objects
//! (`run-000007/team/soc`, `run-000007/credential/ci-token`), so flattening the log on any
//! object type gives cases that never mix runs. A run has the team and credential objects its
//! events relate to; a run in which no team started a task has no events and no objects.

use serde_json::{json, Value};

use super::{case_id, iso, task_id, team, TaskRecord};
use crate::input::{Model, Scenario};

/// Object attribute values hold from the start of time: an object's team, credential and kind
/// never change.
const SINCE: &str = "1970-01-01T00:00:00Z";

fn team_object(run: u64, team: &str) -> String {
    format!("{}/team/{team}", case_id(run))
}

fn credential_object(run: u64, credential: &str) -> String {
    format!("{}/credential/{credential}", case_id(run))
}

fn attribute(name: &str, value: &str) -> Value {
    json!({"name": name, "time": SINCE, "value": value})
}

/// The objects of one run's tasks: its incident, then its teams in model order, then its
/// credentials in scenario order, each related from the incident (object-to-object).
fn run_objects(run: &[TaskRecord], scenario: &Scenario, model: &Model, out: &mut Vec<Value>) {
    let r = run[0].run;
    let mut teams: Vec<usize> = run.iter().map(|t| t.team).collect();
    teams.sort_unstable();
    teams.dedup();
    let mut credentials: Vec<usize> = run.iter().filter_map(|t| t.credential).collect();
    credentials.sort_unstable();
    credentials.dedup();
    let mut related: Vec<Value> = teams
        .iter()
        .map(|&t| json!({"objectId": team_object(r, team(model, t)), "qualifier": "team"}))
        .collect();
    related.extend(credentials.iter().map(|&c| {
        let id = credential_object(r, &scenario.credentials[c].id);
        json!({"objectId": id, "qualifier": "credential"})
    }));
    out.push(json!({"id": case_id(r), "type": "incident",
        "attributes": [attribute("run", &case_id(r))], "relationships": related}));
    out.extend(teams.iter().map(|&t| {
        let name = team(model, t);
        json!({"id": team_object(r, name), "type": "team",
            "attributes": [attribute("run", &case_id(r)), attribute("team", name)]})
    }));
    out.extend(credentials.iter().map(|&c| {
        let cred = &scenario.credentials[c];
        json!({"id": credential_object(r, &cred.id), "type": "credential",
            "attributes": [attribute("run", &case_id(r)), attribute("credential", &cred.id),
                attribute("kind", cred.kind.name())]})
    }));
}

fn event(t: &TaskRecord, scenario: &Scenario, model: &Model) -> Value {
    let name = team(model, t.team);
    let mut rel = vec![
        json!({"objectId": case_id(t.run), "qualifier": "incident"}),
        json!({"objectId": team_object(t.run, name), "qualifier": "resource"}),
    ];
    let mut attributes = vec![
        json!({"name": "start_timestamp", "value": iso(t.start)}),
        json!({"name": "lifecycle", "value": t.transition()}),
        json!({"name": "resource", "value": name}),
        json!({"name": "task", "value": t.task}),
        json!({"name": "wait_seconds", "value": t.wait}),
        json!({"name": "phase", "value": t.phase.name()}),
    ];
    if let Some(c) = t.cause {
        attributes.push(json!({"name": "wait_cause", "value": c.name()}));
    }
    if let Some(f) = t.handoff_from {
        attributes.push(json!({"name": "handoff_from", "value": team(model, f)}));
    }
    if let Some(c) = t.credential {
        let cred = &scenario.credentials[c];
        rel.push(
            json!({"objectId": credential_object(t.run, &cred.id), "qualifier": "credential"}),
        );
        attributes.push(json!({"name": "credential", "value": cred.id}));
        attributes.push(json!({"name": "credential_kind", "value": cred.kind.name()}));
    }
    json!({
        "id": task_id(t.run, t.task),
        "type": t.activity.name(),
        "time": iso(t.timestamp()),
        "attributes": attributes,
        "relationships": rel,
    })
}

/// The log's declared types: every object type, and one event type per activity logged.
fn types(tasks: &[TaskRecord]) -> (Value, Vec<Value>) {
    let string = |n: &str| json!({"name": n, "type": "string"});
    let object_types = json!([
        {"name": "incident", "attributes": [string("run")]},
        {"name": "team", "attributes": [string("run"), string("team")]},
        {"name": "credential", "attributes": [string("run"), string("credential"), string("kind")]},
    ]);
    let mut activities: Vec<&str> = tasks.iter().map(|t| t.activity.name()).collect();
    activities.sort_unstable();
    activities.dedup();
    let event_types = activities
        .iter()
        .map(|a| {
            json!({"name": a, "attributes": [
                {"name": "start_timestamp", "type": "time"},
                string("lifecycle"),
                string("resource"),
                {"name": "task", "type": "integer"},
                {"name": "wait_seconds", "type": "integer"},
                string("phase"),
                string("wait_cause"),
                string("handoff_from"),
                string("credential"),
                string("credential_kind"),
            ]})
        })
        .collect();
    (object_types, event_types)
}

pub(super) fn ocel(tasks: &[TaskRecord], scenario: &Scenario, model: &Model) -> Vec<u8> {
    let mut objects = Vec::new();
    for run in tasks.chunk_by(|a, b| a.run == b.run) {
        run_objects(run, scenario, model, &mut objects);
    }
    let events: Vec<Value> = tasks.iter().map(|t| event(t, scenario, model)).collect();
    let (object_types, event_types) = types(tasks);
    let doc = json!({
        "objectTypes": object_types,
        "eventTypes": event_types,
        "objects": objects,
        "events": events,
    });
    let mut s = crate::output::escape::json_for_html(
        serde_json::to_string_pretty(&doc).expect("plain data"),
    );
    s.push('\n');
    s.into_bytes()
}
