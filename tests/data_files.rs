//! The research data as a researcher meets it (docs/data.md): results.json validated against
//! the shipped JSON Schema (a real compare, a study with a sweep, doctored files rejected), the
//! CSV files loaded with Python's csv module and checked against the data dictionary, and the
//! censoring columns worked out by hand on a tiny scenario.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

const SCHEMA: &str = include_str!("../schemas/results.schema.json");
const DATA_MD: &str = include_str!("../docs/data.md");
/// The shipped scenarios' horizon, 30 days.
const HORIZON: u64 = 30 * 86_400;

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-data-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn raci(args: &[&str], dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    jsonschema::draft202012::new(&schema).expect("the schema is a valid draft 2020-12 schema")
}

/// The schema's complaints about `doc`, as "instance path: message" (at most 10).
fn schema_errors(doc: &Value) -> Vec<String> {
    let v = validator();
    v.iter_errors(doc)
        .take(10)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(doc: &Value) {
    let errors = schema_errors(doc);
    assert!(
        errors.is_empty(),
        "results.json fails its schema:\n{}",
        errors.join("\n")
    );
}

/// `python3 scripts/check-data-files.py DIR`: every CSV column and cell against docs/data.md.
fn assert_dictionary_holds(dir: &Path) -> String {
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-data-files.py"))
        .arg(dir)
        .output()
        .expect("python3 runs the data dictionary check (a development requirement)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Every summary of `doc`.
fn summaries(doc: &Value) -> Vec<&Value> {
    let scenarios = doc["scenarios"].as_array().unwrap();
    let models = scenarios
        .iter()
        .flat_map(|s| s["models"].as_array().unwrap());
    models.map(|m| &m["summary"]).collect()
}

#[test]
fn a_real_compare_writes_files_that_match_the_dictionary_and_the_schema() {
    let dir = temp("compare");
    raci(
        &["compare", "--runs", "40", "--quiet", "--out", "rep"],
        &dir,
    );
    let rep = dir.join("rep");
    let doc = json(&rep.join("results.json"));
    assert_eq!(
        doc["schema_version"],
        raci_sim::output::RESULTS_SCHEMA_VERSION
    );
    assert_valid(&doc);
    // The nullable paths are exercised, not just allowed: a percentile beyond the horizon
    // (null with its flag), and a metric without data (no benign runs).
    let beyond = summaries(&doc).into_iter().any(|s| {
        s["time_to_containment_p90_beyond_horizon"] == true
            && s["time_to_containment_p90_seconds"].is_null()
    });
    assert!(
        beyond,
        "some model leaves attacks uncontained at the horizon"
    );
    let no_data = doc["scenarios"][0]["models"][1]["differences_from_baseline"]
        .as_array()
        .unwrap()
        .iter()
        .chain(doc["scenarios"].as_array().unwrap().iter().flat_map(|s| {
            s["models"][1]["differences_from_baseline"]
                .as_array()
                .unwrap()
        }))
        .any(|d| d["verdict"] == "no_data" && d["model_mean"].is_null());
    assert!(no_data, "some scenario has no benign runs");
    let checked = assert_dictionary_holds(&rep);
    assert!(checked.contains("runs.csv: 5040 rows"), "{checked}");
    assert!(checked.contains("summary.csv: 126 rows"), "{checked}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_study_with_a_sweep_writes_files_that_match_the_dictionary_and_the_schema() {
    let dir = temp("sweep");
    std::fs::write(
        dir.join("study.ron"),
        r#"Study(
    name: "data-sweep",
    models: ["split-iam-security", "hub-and-spoke"],
    scenarios: ["replayed-token", "compromised-service-account"],
    runs: 60,
    seed: 3,
    sweep: [
        (parameter: TeamStaff(team: "soc"), values: [1, 3]),
        (parameter: EscalationTimeout, values: ["30m", "1d"]),
    ],
)"#,
    )
    .unwrap();
    raci(&["study", "study.ron", "--quiet", "--out", "rep"], &dir);
    let rep = dir.join("rep");
    assert_valid(&json(&rep.join("results.json")));
    let checked = assert_dictionary_holds(&rep);
    // 2 x 2 grid points x 2 models x 2 scenarios.
    assert!(checked.contains("sweep.csv: 16 rows"), "{checked}");
    let csv = std::fs::read_to_string(rep.join("sweep.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("staff[soc],escalation_timeout_seconds,model,scenario,runs,horizon_seconds,attack_runs,benign_runs,"),
        "{header}"
    );
    assert!(header.contains(",ttc_p50_seconds,ttc_p50_beyond_horizon,"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A doctored copy of `doc`: `edit` applied to the first scenario's first model.
fn doctored(doc: &Value, edit: impl Fn(&mut Value)) -> Value {
    let mut d = doc.clone();
    edit(&mut d["scenarios"][0]["models"][0]);
    d
}

#[test]
fn the_schema_rejects_a_doctored_results_json() {
    let dir = temp("doctored");
    raci(
        &[
            "compare",
            "--scenarios",
            "replayed-token",
            "--models",
            "split-iam-security",
            "hub-and-spoke",
            "--runs",
            "20",
            "--quiet",
            "--out",
            "rep",
        ],
        &dir,
    );
    let doc = json(&dir.join("rep/results.json"));
    assert_valid(&doc);
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, &str, Edit)> = vec![
        (
            "a string where a percentile belongs",
            "/summary/time_to_containment_p50_seconds",
            Box::new(|m| m["summary"]["time_to_containment_p50_seconds"] = "> 30.0d".into()),
        ),
        (
            "schema 3's percentile object",
            "/summary/time_to_containment_p50_seconds",
            Box::new(|m| {
                m["summary"]["time_to_containment_p50_seconds"] = serde_json::json!({"seconds": 5})
            }),
        ),
        (
            "a share as text",
            "/summary/share_contained",
            Box::new(|m| m["summary"]["share_contained"] = "97.9%".into()),
        ),
        (
            "a share above 1",
            "/summary/share_contained",
            Box::new(|m| m["summary"]["share_contained"] = 1.5.into()),
        ),
        (
            "a mean as text",
            "/differences_from_baseline/0/model_mean",
            Box::new(|m| m["differences_from_baseline"][0]["model_mean"] = "27.4".into()),
        ),
        (
            "an unknown verdict",
            "/differences_from_baseline/0/verdict",
            Box::new(|m| m["differences_from_baseline"][0]["verdict"] = "no data".into()),
        ),
        (
            "a missing field",
            "/summary",
            Box::new(|m| {
                m["summary"]
                    .as_object_mut()
                    .unwrap()
                    .remove("horizon_seconds");
            }),
        ),
    ];
    for (what, path, edit) in cases {
        let errors = schema_errors(&doctored(&doc, edit));
        assert!(!errors.is_empty(), "{what}: accepted");
        let at = format!("/scenarios/0/models/0{path}");
        assert!(
            errors.iter().any(|e| e.starts_with(&format!("{at}:"))),
            "{what}: not reported at {at}: {errors:?}"
        );
    }
    let mut old = doc.clone();
    old["schema_version"] = 3.into();
    assert!(!schema_errors(&old).is_empty(), "schema 3 accepted");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn enum_of(schema: &Value, def: &str) -> Vec<String> {
    (schema["$defs"][def]["enum"].as_array().unwrap().iter())
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_schema_vocabularies_are_the_tools() {
    use raci_sim::domain::{Activity, CredentialKind, WaitCause};
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let names = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    let causes = names(WaitCause::ALL.iter().map(|c| c.name()).collect());
    assert_eq!(enum_of(&schema, "wait_cause"), causes);
    let kinds = names(CredentialKind::ALL.iter().map(|k| k.name()).collect());
    assert_eq!(enum_of(&schema, "credential_kind"), kinds);
    let activities = names(Activity::ALL.iter().map(|a| a.name()).collect());
    assert_eq!(enum_of(&schema, "activity"), activities);
    let metrics = names(
        (raci_sim::analysis::compare::METRICS.iter())
            .map(|m| m.key)
            .collect(),
    );
    assert_eq!(enum_of(&schema, "metric"), metrics);
    let required = |def: &str| -> Vec<String> {
        (schema["$defs"][def]["required"].as_array().unwrap().iter())
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(required("counts_by_cause"), causes);
    assert_eq!(required("counts_by_kind"), kinds);
    assert_eq!(
        schema["properties"]["schema_version"]["const"],
        raci_sim::output::RESULTS_SCHEMA_VERSION
    );
}

/// Every property name the schema knows, recursively.
fn property_names(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                out.extend(props.keys().cloned());
            }
            m.values().for_each(|x| property_names(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| property_names(x, out)),
        _ => {}
    }
}

#[test]
fn every_results_json_field_is_in_the_data_dictionary() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let mut names = std::collections::BTreeSet::new();
    property_names(&schema, &mut names);
    // Every word inside a `code span` of docs/data.md.
    let documented: std::collections::BTreeSet<&str> = DATA_MD
        .split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .collect();
    let missing: Vec<&String> = (names.iter())
        .filter(|n| !documented.contains(n.as_str()))
        .collect();
    assert!(missing.is_empty(), "not in docs/data.md: {missing:?}");
}

// ------------------------------------------------------------ by hand

/// The chain of tests/cases.rs: detect at 900, contained at 5100 when ops owns revoking API
/// keys; never when nobody does (no escalation: abandoned). Half the runs benign (no attacker).
fn hand_files(dir: &Path) {
    let chain = chain_scenario("ApiKey", "0s", r#"At(day: Mon, time: "09:00")"#);
    let benign = chain.replace(
        "horizon: \"30d\",",
        "horizon: \"30d\",\n    benign_share: 0.5,",
    );
    assert_ne!(benign, chain);
    std::fs::write(dir.join("chain.ron"), benign).unwrap();
    let attack_only = chain.replace("name: \"chain\"", "name: \"attack-only\"");
    std::fs::write(dir.join("attack-only.ron"), attack_only).unwrap();
    let decides = r#"(r: ["ops"], a: ["ops"])"#;
    let owned = ops_model(r#"ApiKey: (r: ["ops"])"#, decides, SURE, "");
    std::fs::write(dir.join("ops-only.ron"), owned).unwrap();
    let unowned = ops_model(r#"Secret: (r: ["ops"])"#, decides, SURE, "")
        .replace("name: \"ops-only\"", "name: \"no-key-owner\"");
    std::fs::write(dir.join("no-key-owner.ron"), unowned).unwrap();
}

fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .zip(rec.iter())
                .map(|(a, b)| (a.into(), b.into()))
                .collect()
        })
        .collect()
}

/// The hand-computed files' comparison: both scenarios, both models, 20 runs, into `rep`.
const HAND_COMPARE: [&str; 14] = [
    "compare",
    "--scenarios",
    "chain.ron",
    "attack-only.ron",
    "--models",
    "ops-only.ron",
    "no-key-owner.ron",
    "--runs",
    "20",
    "--seed",
    "1",
    "--quiet",
    "--out",
    "rep",
];

/// runs.csv by hand: the horizon on every row; an attack contained at 5100 reads `1`, 5100; an
/// attack never contained `0` and empty (censored at the horizon); a benign run empty and
/// empty (no attacker), with no compromise and no dwell.
#[test]
fn runs_csv_marks_censored_and_not_applicable_apart_by_hand() {
    let dir = temp("hand-runs");
    hand_files(&dir);
    raci(&HAND_COMPARE, &dir);
    let rows = csv_rows(&dir.join("rep/runs.csv"));
    assert_eq!(rows.len(), 2 * 2 * 20);
    let mut benign = 0;
    for r in &rows {
        assert_eq!(r["horizon_seconds"], HORIZON.to_string());
        assert_eq!(r["detected"], "1");
        assert_eq!(r["time_to_detect_seconds"], "900");
        let cells = (
            r["attack"].as_str(),
            r["model"].as_str(),
            r["contained"].as_str(),
            r["time_to_containment_seconds"].as_str(),
        );
        match cells {
            ("1", "ops-only", "1", "5100") => assert_eq!(r["false_closure"], "0"),
            ("1", "no-key-owner", "0", "") => {
                assert_eq!(r["false_closure"], "1");
                assert_eq!(r["missed_revocations"], "1");
            }
            ("0", _, "", "") => {
                benign += 1;
                assert_eq!(r["scenario"], "chain");
                assert_eq!(r["first_compromise_seconds"], "");
                assert_eq!(r["dwell_seconds"], "");
                assert_eq!(r["first_notice"], "");
            }
            other => panic!("unexpected attack, model, contained, ttc: {other:?}"),
        }
    }
    assert!(benign > 0 && benign < 40, "{benign} benign rows");
    assert_dictionary_holds(&dir.join("rep"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// summary.csv and results.json by hand: ops-only's median is 5100 s (every attack run), the
/// other's is beyond the horizon (no attack run contained); attack-only has no benign runs, so
/// wrongful revocations per benign run are no data (empty, null), never 0.
#[test]
fn summaries_give_percentiles_as_numbers_with_a_flag_by_hand() {
    let dir = temp("hand-summary");
    hand_files(&dir);
    raci(&HAND_COMPARE, &dir);
    let rows = csv_rows(&dir.join("rep/summary.csv"));
    let row = |s: &str, m: &str| rows.iter().find(|r| r["scenario"] == s && r["model"] == m);
    let (ops, none) = (
        row("attack-only", "ops-only").unwrap(),
        row("attack-only", "no-key-owner").unwrap(),
    );
    assert_eq!(
        (ops["baseline"].as_str(), none["baseline"].as_str()),
        ("1", "0")
    );
    assert_eq!(ops["horizon_seconds"], HORIZON.to_string());
    assert_eq!(
        (
            ops["ttc_p50_seconds"].as_str(),
            ops["ttc_p50_beyond_horizon"].as_str()
        ),
        ("5100", "0")
    );
    assert_eq!(
        (
            none["ttc_p50_seconds"].as_str(),
            none["ttc_p50_beyond_horizon"].as_str()
        ),
        ("", "1")
    );
    assert_eq!(none["share_contained"], "0.000000");
    assert_eq!(none["contained_share_mean"], "0.000000");
    assert_eq!(none["wrongful_revocations_mean"], "");
    assert_eq!(none["wrongful_revocations_diff"], "");
    assert_eq!(none["wrongful_revocations_verdict"], "no_data");
    // restricted mean: ops-only 5100 s = 1.416667 h; no-key-owner the horizon, 720 h.
    assert_eq!(
        ops["restricted_mean_time_to_containment_hours_mean"],
        "1.416667"
    );
    assert_eq!(
        none["restricted_mean_time_to_containment_hours_mean"],
        "720.000000"
    );
    assert_eq!(
        none["restricted_mean_time_to_containment_hours_diff"],
        "718.583333"
    );

    let doc = json(&dir.join("rep/results.json"));
    assert_valid(&doc);
    let sc = &doc["scenarios"][1];
    assert_eq!(sc["name"], "attack-only");
    assert_eq!(sc["stages"], serde_json::json!(["use"]));
    let (s0, s1) = (&sc["models"][0]["summary"], &sc["models"][1]["summary"]);
    assert_eq!(s0["time_to_containment_p50_seconds"], 5100);
    assert_eq!(s0["time_to_containment_p50_beyond_horizon"], false);
    assert!(s1["time_to_containment_p50_seconds"].is_null());
    assert_eq!(s1["time_to_containment_p50_beyond_horizon"], true);
    assert_eq!(s1["horizon_seconds"], HORIZON);
    assert!(s1["wrongful_per_benign_run"].is_null());
    assert_eq!(s1["stalls_by_cause"]["unowned"], 20);
    assert_eq!(s1["abandoned_by_cause"]["unowned"], 20);
    assert_eq!(s1["missed_by_kind"]["api_key"], 20);
    assert_eq!(s1["missed_by_kind"]["secret"], 0);
    let wrongful = &sc["models"][1]["differences_from_baseline"][4];
    assert_eq!(wrongful["metric"], "wrongful_revocations");
    assert!(wrongful["model_mean"].is_null() && wrongful["difference"]["mean"].is_null());
    assert_eq!(wrongful["verdict"], "no_data");
    // chain has benign runs: the same measure is a number there.
    assert!(doc["scenarios"][0]["models"][1]["summary"]["wrongful_per_benign_run"].is_number());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `run --json` by hand: the run records carry the horizon and `contained` is null in a
/// benign run, true at 5100 s in an attack run.
#[test]
fn run_json_records_carry_the_horizon_and_containment_by_hand() {
    let dir = temp("hand-run");
    hand_files(&dir);
    let args = [
        "run",
        "chain.ron",
        "--model",
        "ops-only.ron",
        "--runs",
        "20",
        "--seed",
        "1",
        "--json",
        "run.json",
    ];
    raci(&args, &dir);
    let doc = json(&dir.join("run.json"));
    assert_eq!(doc["schema_version"], 3);
    assert_eq!(doc["summary"]["time_to_containment_p50_seconds"], 5100);
    assert_eq!(
        doc["summary"]["time_to_containment_p50_beyond_horizon"],
        false
    );
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 20);
    for r in runs {
        assert_eq!(r["horizon_seconds"], HORIZON);
        // Counts by kind and cause are objects with every key, 0 included.
        assert_eq!(r["missed_by_kind"].as_object().unwrap().len(), 12);
        assert_eq!(r["missed_by_kind"]["api_key"], 0);
        assert_eq!(r["stalls_by_cause"].as_object().unwrap().len(), 9);
        if r["attack"] == true {
            assert_eq!(r["contained"], true);
            assert_eq!(r["time_to_containment_seconds"], 5100);
        } else {
            assert!(r["contained"].is_null() && r["time_to_containment_seconds"].is_null());
        }
    }
    assert!(runs.iter().any(|r| r["attack"] == false));
    std::fs::remove_dir_all(&dir).unwrap();
}
