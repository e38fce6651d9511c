//! What the XES and OCEL logs hold: the CSV log's fields in XES, hand-computed values, OCEL
//! objects per run and flattening per object type, the IEEE XES schema.

use std::collections::BTreeMap;

use raci_sim::input::library::{load_model, load_scenario};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::eventlog::{render, traced_runs, CaseNotion, Format, TaskRecord};

use super::{col, csv_rows, flat};

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
