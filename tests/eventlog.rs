//! Event logs: one row per task a team started, ordered timestamps, and the simulator's own
//! handoffs: in every record's `raci:handoff_from`, and as direct succession in task cases.

use std::collections::BTreeMap;

use raci_sim::engine::batch::{run_batch, BatchOptions};
use raci_sim::engine::metrics::RunMetrics;
use raci_sim::input::library::{load_model, load_scenario};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::eventlog::{
    render, task_records, traced_runs, CaseNotion, Format, TaskRecord,
};

type Traced = Vec<(RunMetrics, Vec<TaskRecord>)>;

fn flat(t: &Traced) -> Vec<TaskRecord> {
    t.iter().flat_map(|(_, x)| x.clone()).collect()
}

/// The rows of a CSV log, with a column lookup.
fn csv_rows(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_reader(bytes);
    let h = r.headers().unwrap().clone();
    (h, r.records().map(|x| x.unwrap()).collect())
}

fn col(h: &csv::StringRecord, name: &str) -> usize {
    h.iter().position(|x| x == name).unwrap()
}

/// Handoffs by (from team, to team) as the simulator counted them, from an untraced batch.
fn counted_handoffs(
    sc: &Scenario,
    m: &Model,
    seed: u64,
    runs: u64,
) -> BTreeMap<(String, String), u64> {
    let opts = BatchOptions {
        first: 0,
        runs,
        seed,
        keep_runs: false,
        max_events: 1_000_000,
    };
    let bd = run_batch(sc, m, opts, |_| {}).unwrap().breakdown;
    let mut out = BTreeMap::new();
    for from in 0..m.teams.len() {
        for to in 0..m.teams.len() {
            let n = bd.handoffs[bd.pair(from, to)];
            if n > 0 {
                out.insert((m.teams[from].id.clone(), m.teams[to].id.clone()), n);
            }
        }
    }
    out
}

/// Handover of work as PM4Py computes it (beta = 0): consecutive resources within a case, the
/// rows already in case order; only pairs of two different teams.
fn handover_of_work(
    h: &csv::StringRecord,
    rows: &[csv::StringRecord],
) -> BTreeMap<(String, String), u64> {
    let (case, res) = (col(h, "case:concept:name"), col(h, "org:resource"));
    let mut out = BTreeMap::new();
    for w in rows.windows(2) {
        if w[0][case] == w[1][case] && w[0][res] != w[1][res] {
            *out.entry((w[0][res].to_string(), w[1][res].to_string()))
                .or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn csv_log_has_one_ordered_row_per_started_task_and_the_simulators_handoffs() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let m = load_model("single-incident-lead").unwrap();
    let traced = traced_runs(&sc, &m, 3, 40, 1_000_000).unwrap();
    let tasks = flat(&traced);
    let (h, rows) = csv_rows(&render(Format::Csv, CaseNotion::Incident, &tasks, &sc, &m).unwrap());
    assert_eq!(rows.len(), tasks.len());
    // Within a case, timestamps never go back, and start <= complete.
    for w in rows.windows(2) {
        if w[0][col(&h, "case:concept:name")] == w[1][col(&h, "case:concept:name")] {
            assert!(w[0][col(&h, "time:timestamp")] <= w[1][col(&h, "time:timestamp")]);
        }
    }
    for row in &rows {
        assert!(row[col(&h, "start_timestamp")] <= row[col(&h, "time:timestamp")]);
        assert!(row[col(&h, "time:timestamp")].ends_with('Z'));
    }
    // Every handoff the simulator counted is on the row of the task it handed over.
    let mut logged = BTreeMap::new();
    for r in &rows {
        let from = &r[col(&h, "raci:handoff_from")];
        if !from.is_empty() {
            let to = r[col(&h, "org:resource")].to_string();
            *logged.entry((from.to_string(), to)).or_insert(0) += 1;
        }
    }
    assert_eq!(logged, counted_handoffs(&sc, &m, 3, 40));
    assert!(!logged.is_empty());
}

/// The property `scripts/pm4py-handover.py` checks with PM4Py itself, over more of the library.
#[test]
fn handover_of_work_in_task_cases_is_exactly_the_simulators_handoff_network() {
    for (scenario, model) in [
        ("compromised-service-account", "single-incident-lead"),
        ("replayed-token", "split-iam-security"),
        ("agent-privilege-chaining", "hub-and-spoke"),
        ("user-to-workload-compromise", "anti-approval-committee"),
        ("alert-storm-cover", "three-way-decision-rights"),
    ] {
        let sc = load_scenario(scenario).unwrap();
        let m = load_model(model).unwrap();
        let tasks = flat(&traced_runs(&sc, &m, 11, 60, 1_000_000).unwrap());
        let csv = render(Format::Csv, CaseNotion::Task, &tasks, &sc, &m).unwrap();
        let (h, rows) = csv_rows(&csv);
        let counted = counted_handoffs(&sc, &m, 11, 60);
        assert!(counted.values().sum::<u64>() > 0, "{scenario} x {model}");
        assert_eq!(handover_of_work(&h, &rows), counted, "{scenario} x {model}");
        // With one case per incident, direct succession is a different network.
        let incident = render(Format::Csv, CaseNotion::Incident, &tasks, &sc, &m).unwrap();
        let (h, rows) = csv_rows(&incident);
        assert_ne!(handover_of_work(&h, &rows), counted, "{scenario} x {model}");
    }
}

#[test]
fn a_task_case_is_a_schedule_by_the_predecessors_team_then_the_work() {
    let sc = load_scenario("replayed-token").unwrap();
    let m = load_model("hub-and-spoke").unwrap();
    let tasks = flat(&traced_runs(&sc, &m, 5, 20, 1_000_000).unwrap());
    let (h, rows) = csv_rows(&render(Format::Csv, CaseNotion::Task, &tasks, &sc, &m).unwrap());
    let mut cases: BTreeMap<String, Vec<&csv::StringRecord>> = BTreeMap::new();
    for r in &rows {
        cases
            .entry(r[col(&h, "case:concept:name")].to_string())
            .or_default()
            .push(r);
    }
    assert_eq!(cases.len(), tasks.len());
    let life = col(&h, "lifecycle:transition");
    let mut scheduled = 0;
    for (id, events) in &cases {
        let work = events.last().unwrap();
        assert_ne!(&work[life], "schedule", "{id}");
        assert!(id.starts_with(&work[col(&h, "raci:run")]), "{id}");
        match events.as_slice() {
            [_] => assert!(work[col(&h, "raci:handoff_from")].is_empty(), "{id}"),
            [s, w] => {
                scheduled += 1;
                assert_eq!(&s[life], "schedule", "{id}");
                // Scheduled when it came into being; the handoff is named by the work row.
                assert_eq!(s[col(&h, "time:timestamp")], s[col(&h, "start_timestamp")]);
                assert!(s[col(&h, "time:timestamp")] <= w[col(&h, "start_timestamp")]);
                let from = &w[col(&h, "raci:handoff_from")];
                assert!(
                    from.is_empty() || from == &s[col(&h, "org:resource")],
                    "{id}"
                );
                assert_eq!(
                    from.is_empty(),
                    s[col(&h, "org:resource")] == w[col(&h, "org:resource")]
                );
            }
            _ => panic!("{id} has {} events", events.len()),
        }
    }
    assert!(scheduled > 0 && scheduled < cases.len());
}

#[test]
fn a_task_still_worked_at_the_horizon_is_logged_as_started() {
    let mut sc = load_scenario("compromised-service-account").unwrap();
    let m = load_model("single-incident-lead").unwrap();
    // Cut the runs short so that some end with a team mid-task.
    sc.horizon = 3 * 3600;
    let traced = traced_runs(&sc, &m, 3, 40, 1_000_000).unwrap();
    let tasks = flat(&traced);
    let open: Vec<_> = tasks.iter().filter(|t| t.complete.is_none()).collect();
    assert!(!open.is_empty());
    for t in &open {
        assert_eq!(t.transition(), "start");
        assert_eq!(t.timestamp(), t.start);
    }
    // They still carry their handoffs, so the log holds every handoff counted.
    let logged: u64 = tasks.iter().filter(|t| t.handoff_from.is_some()).count() as u64;
    let counted: u64 = counted_handoffs(&sc, &m, 3, 40).values().sum();
    assert_eq!(logged, counted);
    // A run's records stay in timestamp order with open tasks among them.
    for (_, run) in &traced {
        assert!(run.windows(2).all(|w| w[0].timestamp() <= w[1].timestamp()));
    }
}

#[test]
fn the_same_run_gives_the_same_log_bytes_and_all_formats_parse() {
    let sc = load_scenario("replayed-token").unwrap();
    let m = load_model("hub-and-spoke").unwrap();
    let once = traced_runs(&sc, &m, 9, 12, 1_000_000).unwrap();
    let twice = traced_runs(&sc, &m, 9, 12, 1_000_000).unwrap();
    for f in [Format::Csv, Format::Xes, Format::Ocel] {
        for n in [CaseNotion::Incident, CaseNotion::Task] {
            if f == Format::Ocel && n == CaseNotion::Task {
                let err = render(f, n, &flat(&once), &sc, &m).unwrap_err();
                assert!(err.contains("objects, not cases"), "{err}");
                continue;
            }
            assert_eq!(
                render(f, n, &flat(&once), &sc, &m),
                render(f, n, &flat(&twice), &sc, &m)
            );
        }
    }
    let ocel: serde_json::Value = serde_json::from_slice(
        &render(Format::Ocel, CaseNotion::Incident, &flat(&once), &sc, &m).unwrap(),
    )
    .unwrap();
    assert!(!ocel["events"].as_array().unwrap().is_empty());
    let xes =
        |n| String::from_utf8(render(Format::Xes, n, &flat(&once), &sc, &m).unwrap()).unwrap();
    assert_eq!(xes(CaseNotion::Incident).matches("<trace>").count(), 12);
    let by_task = xes(CaseNotion::Task);
    assert_eq!(by_task.matches("<trace>").count(), flat(&once).len());
    assert_eq!(
        by_task.matches(r#"value="schedule""#).count(),
        flat(&once).iter().filter(|t| t.from_team.is_some()).count()
    );
    assert!(task_records(&once[0].0, &[]).is_empty());
    assert!(Format::from_path("log.txt")
        .unwrap_err()
        .contains(".csv, .xes or .jsonocel"));
    assert!(CaseNotion::parse("tasks").unwrap_err().contains("incident"));
}

#[test]
fn an_event_log_flag_that_cannot_be_used_exits_2_before_simulating_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("raci-eventlog-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (log, notion, says) in [
        (
            "runs.txt",
            "incident",
            "end the file name in .csv, .xes or .jsonocel",
        ),
        ("runs.jsonocel", "task", "objects, not cases"),
        ("runs.csv", "tasks", "\"tasks\" is not a case notion"),
    ] {
        let path = dir.join(log);
        let out = crate::common::event_log_command(5, &path, notion)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{log} {notion}: {stderr}");
        assert!(stderr.contains(says), "{stderr}");
        // Refused before the batch ran: no summary printed, no file written.
        assert!(out.stdout.is_empty());
        assert!(!path.exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every event of an XES log as (its trace's concept:name, key -> value), in file order.
fn xes_events(xes: &[u8]) -> Vec<(String, BTreeMap<String, String>)> {
    let text = std::str::from_utf8(xes).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let attrs = |n: roxmltree::Node| -> BTreeMap<String, String> {
        n.children()
            .filter(|c| c.is_element() && c.has_attribute("key"))
            .map(|c| {
                let (k, v) = (c.attribute("key").unwrap(), c.attribute("value").unwrap());
                (k.to_string(), v.to_string())
            })
            .collect()
    };
    let mut out = Vec::new();
    for trace in doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name("trace"))
    {
        let case = attrs(trace)["concept:name"].clone();
        for e in trace.children().filter(|c| c.has_tag_name("event")) {
            out.push((case.clone(), attrs(e)));
        }
    }
    out
}

/// The XES log holds the CSV log's fields, event by event: the same keys, the same values, an
/// attribute absent exactly where the CSV cell is empty; both case notions, three pairs.
#[test]
fn xes_events_carry_every_field_of_the_csv_rows() {
    let mut seen = BTreeMap::new();
    for (scenario, model) in [
        ("compromised-service-account", "single-incident-lead"),
        ("replayed-token", "hub-and-spoke"),
        ("alert-storm-cover", "three-way-decision-rights"),
    ] {
        let sc = load_scenario(scenario).unwrap();
        let m = load_model(model).unwrap();
        let tasks = flat(&traced_runs(&sc, &m, 4, 30, 1_000_000).unwrap());
        for notion in [CaseNotion::Incident, CaseNotion::Task] {
            let (h, rows) = csv_rows(&render(Format::Csv, notion, &tasks, &sc, &m).unwrap());
            let events = xes_events(&render(Format::Xes, notion, &tasks, &sc, &m).unwrap());
            assert_eq!(events.len(), rows.len(), "{scenario} {notion:?}");
            for (row, (case, attrs)) in rows.iter().zip(&events) {
                assert_eq!(case, &row[0]);
                assert_eq!(attrs.get("raci:run"), None, "raci:run is the trace's");
                for (i, key) in h.iter().enumerate().skip(1) {
                    let want = (!row[i].is_empty()).then(|| row[i].to_string());
                    let got = attrs.get(key).cloned();
                    if key == "raci:run" {
                        assert!(case.starts_with(&row[i]));
                        continue;
                    }
                    assert_eq!(got, want, "{scenario} {notion:?} {case} {key}");
                    if want.is_some() {
                        *seen.entry(key.to_string()).or_insert(0) += 1;
                    }
                }
                assert_eq!(
                    attrs.len(),
                    row.iter().skip(1).filter(|c| !c.is_empty()).count() - 1
                );
            }
        }
    }
    // Not vacuous: every optional field appears somewhere.
    for key in [
        "raci:wait_cause",
        "raci:handoff_from",
        "raci:credential",
        "raci:credential_kind",
    ] {
        assert!(
            seen.get(key).copied().unwrap_or(0) > 0,
            "{key} never logged"
        );
    }
}

/// Hand-computed case (c) of tests/cases.rs, as an event log: the attack starts Monday 09:00
/// (2026-01-05T09:00:00Z, an undated scenario's week); nobody owns API-key revocation, so the
/// revoke is ready at 4500 (10:15:00) after ops approves, waits the 2 h escalation timeout
/// (7200 s, cause `unowned`), is started by the lead at 11700 (12:15:00), done at 12300
/// (12:25:00), which evicts the attacker (residual 0): phase `contained`. The lead took it from
/// ops (a handoff); the task is about the API key `key`.
fn escalated_revoke() -> (Scenario, Model, Vec<TaskRecord>) {
    use crate::common::{chain_scenario, model, ops_model, scenario, SURE};
    let sc = scenario(&chain_scenario(
        "ApiKey",
        "0s",
        r#"At(day: Mon, time: "09:00")"#,
    ));
    let m = model(&ops_model(
        r#"Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        &format!(r#"{SURE}, escalation: (after: "2h", to: "lead")"#),
        r#"(id: "lead", staff: 1, coverage: AlwaysOn),"#,
    ));
    let tasks = flat(&traced_runs(&sc, &m, 1, 2, 1_000_000).unwrap());
    (sc, m, tasks)
}

#[test]
fn the_escalated_revoke_is_logged_with_its_wait_cause_credential_and_handoff() {
    let (sc, m, tasks) = escalated_revoke();
    let revoke = |events: &[(String, BTreeMap<String, String>)], transition: &str| {
        events
            .iter()
            .find(|(case, e)| {
                case.starts_with("run-000000")
                    && e["concept:name"] == "revoke"
                    && e["lifecycle:transition"] == transition
            })
            .map(|(_, e)| e.clone())
            .unwrap()
    };
    let incident = xes_events(&render(Format::Xes, CaseNotion::Incident, &tasks, &sc, &m).unwrap());
    let work = revoke(&incident, "complete");
    let task = work["raci:task"].clone();
    let want: BTreeMap<String, String> = [
        ("concept:name", "revoke"),
        ("time:timestamp", "2026-01-05T12:25:00Z"),
        ("start_timestamp", "2026-01-05T12:15:00Z"),
        ("org:resource", "lead"),
        ("org:group", "lead"),
        ("lifecycle:transition", "complete"),
        ("raci:task", &task),
        ("raci:phase", "contained"),
        ("raci:wait_seconds", "7200"),
        ("raci:wait_cause", "unowned"),
        ("raci:handoff_from", "ops"),
        ("raci:credential", "key"),
        ("raci:credential_kind", "api_key"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(work, want);
    // As a task case: scheduled by ops at 10:15:00, when the revoke came into being (phase
    // `response`), then the same work.
    let by_task = xes_events(&render(Format::Xes, CaseNotion::Task, &tasks, &sc, &m).unwrap());
    let schedule = revoke(&by_task, "schedule");
    assert_eq!(schedule["org:resource"], "ops");
    assert_eq!(schedule["time:timestamp"], "2026-01-05T10:15:00Z");
    assert_eq!(schedule["raci:phase"], "response");
    assert_eq!(schedule["raci:credential_kind"], "api_key");
    for key in ["raci:wait_seconds", "raci:wait_cause", "raci:handoff_from"] {
        assert!(!schedule.contains_key(key), "{key} belongs to the work");
    }
    assert_eq!(revoke(&by_task, "complete"), want);
}

/// OCEL objects of the hand-computed case: two identical runs, each with its own incident,
/// teams and credential; every event relates to its own run's objects only.
#[test]
fn ocel_objects_belong_to_one_run_each() {
    let (sc, m, tasks) = escalated_revoke();
    let doc: serde_json::Value = serde_json::from_slice(
        &render(Format::Ocel, CaseNotion::Incident, &tasks, &sc, &m).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "run-000000",
            "run-000000/team/ops",
            "run-000000/team/lead",
            "run-000000/credential/key",
            "run-000001",
            "run-000001/team/ops",
            "run-000001/team/lead",
            "run-000001/credential/key",
        ]
    );
    let lead = &doc["objects"][2];
    assert_eq!(lead["type"], "team");
    assert_eq!(lead["attributes"][1]["value"], "lead");
    let key = &doc["objects"][3]["attributes"];
    assert_eq!(
        (&key[1]["value"], &key[2]["value"]),
        (&"key".into(), &"api_key".into())
    );
    assert_eq!(
        doc["objects"][0]["relationships"].as_array().unwrap().len(),
        3
    );
    // Flattened on teams by hand: run 0's lead case is the one revoke, its ops case the rest.
    let flat = flatten(&doc, "team");
    let run0 = tasks.iter().filter(|t| t.run == 0).count();
    assert_eq!(flat["run-000000/team/lead"].len(), 1);
    assert_eq!(flat["run-000000/team/ops"].len(), run0 - 1);
    let revoke = &doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"].as_str().unwrap() == flat["run-000000/team/lead"][0]);
    let revoke = revoke.unwrap();
    assert_eq!(revoke["type"], "revoke");
    assert_eq!(revoke["time"], "2026-01-05T12:25:00Z");
    let attr = |n: &str| {
        revoke["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == n)
            .map(|a| a["value"].clone())
    };
    assert_eq!(attr("wait_seconds"), Some(7200.into()));
    assert_eq!(attr("wait_cause"), Some("unowned".into()));
    assert_eq!(attr("handoff_from"), Some("ops".into()));
    assert_eq!(attr("credential_kind"), Some("api_key".into()));
}

/// Flattening an OCEL 2.0 log on an object type, the way PM4Py's `ocel_flattening` does: each
/// object of the type is a case holding the ids of the events related to it.
fn flatten(doc: &serde_json::Value, object_type: &str) -> BTreeMap<String, Vec<String>> {
    let of_type: Vec<&str> = doc["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == object_type)
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    let mut cases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in doc["events"].as_array().unwrap() {
        for r in e["relationships"].as_array().unwrap() {
            let id = r["objectId"].as_str().unwrap();
            if of_type.contains(&id) {
                let events = cases.entry(id.to_string()).or_default();
                events.push(e["id"].as_str().unwrap().to_string());
            }
        }
    }
    cases
}

/// Over many runs: flattened on any object type, a case's events are all of the run its object
/// id names; the incident cases are the incident-case CSV's cases; there is one team case per
/// (run, team) and one credential case per (run, credential) the CSV has; every object has
/// events and every related object exists.
#[test]
fn flattening_the_ocel_log_on_any_object_type_gives_per_run_cases() {
    let sc = load_scenario("compromised-service-account").unwrap();
    let m = load_model("single-incident-lead").unwrap();
    let tasks = flat(&traced_runs(&sc, &m, 2, 50, 1_000_000).unwrap());
    let doc: serde_json::Value = serde_json::from_slice(
        &render(Format::Ocel, CaseNotion::Incident, &tasks, &sc, &m).unwrap(),
    )
    .unwrap();
    let (h, rows) = csv_rows(&render(Format::Csv, CaseNotion::Incident, &tasks, &sc, &m).unwrap());
    let pairs = |c: &str| -> std::collections::BTreeSet<String> {
        rows.iter()
            .filter(|r| !r[col(&h, c)].is_empty())
            .map(|r| {
                format!(
                    "{}/{}/{}",
                    &r[0],
                    c.trim_start_matches("raci:"),
                    &r[col(&h, c)]
                )
            })
            .collect()
    };
    let mut csv_cases: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *csv_cases.entry(r[0].to_string()).or_default() += 1;
    }
    let objects = doc["objects"].as_array().unwrap().len();
    let mut cased = 0;
    for (object_type, want) in [
        ("incident", csv_cases.keys().cloned().collect()),
        (
            "team",
            pairs("org:resource")
                .into_iter()
                .map(|p| p.replace("/org:resource/", "/team/"))
                .collect(),
        ),
        ("credential", pairs("raci:credential")),
    ] {
        let cases = flatten(&doc, object_type);
        let got: std::collections::BTreeSet<String> = cases.keys().cloned().collect();
        assert_eq!(got, want, "{object_type}");
        for (object, events) in &cases {
            let run = &object[..10];
            assert!(
                events
                    .iter()
                    .all(|e| e.starts_with(&format!("{run}/task-"))),
                "{object}"
            );
        }
        if object_type == "incident" {
            let sizes: BTreeMap<String, usize> =
                cases.iter().map(|(k, v)| (k.clone(), v.len())).collect();
            assert_eq!(sizes, csv_cases);
        }
        cased += cases.len();
    }
    assert_eq!(cased, objects, "every object has events");
    assert!(csv_cases.len() > 40);
}

/// Both XES case notions validate against the IEEE 1849-2016 schema (scripts/xes/, vendored)
/// with xmllint, where xmllint is installed (.ci/run installs it and validates again through
/// scripts/pm4py-discover.py); a doctored log fails, so the check is real.
#[test]
fn xes_logs_validate_against_the_ieee_schema_with_xmllint() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("xmllint is not installed: XES schema validation skipped");
        return;
    }
    let sc = load_scenario("replayed-token").unwrap();
    let m = load_model("hub-and-spoke").unwrap();
    let tasks = flat(&traced_runs(&sc, &m, 6, 20, 1_000_000).unwrap());
    let dir = std::env::temp_dir().join(format!("raci-xes-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/xes/xes-namespaced.xsd"
    );
    let valid = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--schema", schema])
            .arg(&path)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    for notion in [CaseNotion::Incident, CaseNotion::Task] {
        let xes = render(Format::Xes, notion, &tasks, &sc, &m).unwrap();
        let (ok, stderr) = valid("log.xes", &xes);
        assert!(ok, "{notion:?}: {stderr}");
        // An attribute without a value, as a broken writer would leave it, is refused.
        let broken = String::from_utf8(xes)
            .unwrap()
            .replacen(r#" value="revoke""#, "", 1);
        let (ok, stderr) = valid("broken.xes", broken.as_bytes());
        assert!(!ok && stderr.contains("'value' is required"), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
