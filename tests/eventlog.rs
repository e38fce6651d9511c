//! Event logs: one row per task a team started, ordered timestamps, and the simulator's own
//! handoffs: in every record's `raci:handoff_from`, and as direct succession in task cases.

mod formats;

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

/// The property `scripts/pm4py-discover.py` checks with PM4Py itself, over more of the library.
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
