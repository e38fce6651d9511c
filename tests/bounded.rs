//! Error output is bounded (issue 12): for any input up to 1 MB, all messages together stay
//! under 64 KB and arrive within 2 s, exit 2. Worst cases are built here: thousands of unknown
//! references with long names, duplicate ids, deep nesting, one huge string, one long line, and
//! every list over its cap, for scenario, model and study files. Also: list caps and control
//! characters in ids, each with its exact message.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use raci_sim::input::library::{parse_model, parse_scenario};
use raci_sim::input::study::parse_study_shipped;

const MB: usize = 1_000_000;

/// Pads `body` (a list's elements, repeated) up to about 1 MB inside `open` .. `close`.
fn fill(open: &str, element: impl Fn(usize) -> String, close: &str) -> String {
    let mut s = open.to_string();
    let mut i = 0;
    while s.len() < MB - close.len() - 2_000 {
        s.push_str(&element(i));
        i += 1;
    }
    s.push_str(close);
    s
}

fn long(i: usize) -> String {
    format!("{i:06}-{}", "n".repeat(200))
}

const SCENARIO_HEAD: &str = r#"Scenario(name: "x", summary: "", sources: [],
    identities: [(id: "svc", kind: Workload)],
    credentials: [(id: "k", identity: "svc", kind: ApiKey, plane: CloudIam, held_at_start: true)],
    start: UniformWeek, horizon: "7d","#;

fn scenarios() -> Vec<(&'static str, String)> {
    vec![
        (
            "unknown references, long names",
            fill(
                &format!("{SCENARIO_HEAD} stages: ["),
                |i| {
                    format!(
                        "(id: \"s{i}\", needs: [\"{}\"], duration: Fixed(\"1m\")),",
                        long(i)
                    )
                },
                "])",
            ),
        ),
        (
            "duplicate long ids",
            fill(
                &format!("{SCENARIO_HEAD} stages: ["),
                |_| format!("(id: \"{}\", duration: Fixed(\"1m\")),", long(0)),
                "])",
            ),
        ),
        (
            "a stage needing thousands of credentials",
            fill(
                &format!("{SCENARIO_HEAD} stages: [(id: \"a\", duration: Fixed(\"1m\"), needs: ["),
                |i| format!("\"{}\",", long(i)),
                "])])",
            ),
        ),
        ("deep nesting", "(".repeat(MB)),
        (
            "deep lists",
            format!("{SCENARIO_HEAD} stages: {}", "[".repeat(MB / 2)),
        ),
        (
            "one huge string",
            format!("Scenario(name: \"{}\")", "x".repeat(MB - 20)),
        ),
        (
            "a huge duration",
            format!(
                "{SCENARIO_HEAD} stages: [(id: \"a\", duration: Fixed(\"{}h\"))])",
                "9".repeat(MB - 400)
            ),
        ),
        (
            "a huge unknown field",
            format!("Scenario({}: 1)", "f".repeat(MB - 20)),
        ),
        (
            "a huge map key",
            format!("Scenario(name: {{\"{}\": [[[1]]]}})", "k".repeat(MB - 40)),
        ),
        (
            "one long line of numbers",
            fill("[", |i| format!("{i},"), "]"),
        ),
        (
            // Took 14 s and 3.8 GB before paths were bounded (one path per value).
            "deep paths of long keys over a wide list",
            fill(
                &format!(
                    "Scenario(name: {}[",
                    format!("{{\"{}\": ", "k".repeat(64)).repeat(60)
                ),
                |_| "1,".into(),
                &format!("]{})", "}".repeat(60)),
            ),
        ),
        (
            "a wide list in 60 lone groups",
            fill(
                &format!("Scenario(name: {}[", "(".repeat(60)),
                |_| "1,".into(),
                &format!("]{})", ")".repeat(60)),
            ),
        ),
    ]
}

const MODEL_HEAD: &str = r#"Model(name: "m", summary: "", sources: [],"#;
/// Every RACI row but `detect`, which follows.
const RACI: &str = r#"raci: (triage: (r: ["soc"]), scope: (r: ["soc"]),
    validate_entitlement: (r: ["soc"]), confirm_business: (r: ["soc"]),
    approve_containment: (r: ["soc"]), revoke: {}, verify: (r: ["soc"]),
    capture_evidence: (r: ["soc"]), close: (r: ["soc"]),"#;

fn models() -> Vec<(&'static str, String)> {
    vec![
        (
            "unknown teams in RACI rows, long names",
            fill(
                &format!("{MODEL_HEAD} teams: [(id: \"soc\")], {RACI} detect: ["),
                |i| format!("(r: [\"{}\"]),", long(i)),
                "]))",
            ),
        ),
        ("2000 teams and unknown references", {
            let teams: String = (0..2000)
                .map(|i| format!("(id: \"t{i:05}-{}\"),", "q".repeat(60)))
                .collect();
            fill(
                &format!("{MODEL_HEAD} teams: [(id: \"soc\"), {teams}], {RACI} detect: ["),
                |i| format!("(r: [\"t{i:05}-{}\"]),", "q".repeat(61)),
                "]))",
            )
        }),
        (
            "duplicate long team ids",
            fill(
                &format!("{MODEL_HEAD} teams: ["),
                |_| format!("(id: \"{}\"),", long(0)),
                "])",
            ),
        ),
        (
            "deep nesting",
            format!("{MODEL_HEAD} teams: {}", "(".repeat(MB / 2)),
        ),
        (
            "one huge string",
            format!("Model(name: \"{}\")", "\u{1b}".repeat(MB / 2)),
        ),
    ]
}

fn studies() -> Vec<(&'static str, String)> {
    let head = r#"Study(name: "s", models: ["split-iam-security"], scenarios: ["replayed-token"],"#;
    vec![
        (
            "thousands of unknown models",
            fill(
                "Study(name: \"s\", scenarios: [], models: [",
                |i| format!("\"{}\",", long(i)),
                "])",
            ),
        ),
        (
            "gates naming unknown models",
            fill(
                &format!("{head} gates: ["),
                |i| format!("(metric: Damage, model: \"{}\", at_most: 1.0),", long(i)),
                "])",
            ),
        ),
        (
            "a grid of 2^100 points",
            fill(
                &format!("{head} sweep: ["),
                |_| "(parameter: Diffusion, values: [0.1, 0.2]),".to_string(),
                "])",
            ),
        ),
        (
            "an axis of many values",
            fill(
                &format!("{head} sweep: [(parameter: Diffusion, values: ["),
                |_| "0.5,".into(),
                "])])",
            ),
        ),
        (
            "one huge string",
            format!("Study(name: \"{}\")", "s".repeat(MB - 20)),
        ),
    ]
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    assert!(text.len() <= 1 << 20, "{name}: {} bytes", text.len());
    let path = dir.join(name.replace(' ', "-") + ".ron");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the binary; asserts exit 2, under 64 KB of stderr within 2 s.
fn refused_quickly(args: &[&str], path: &Path, what: &str) -> String {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert!(
        out.stderr.len() < 64 * 1024,
        "{what}: {} bytes of errors",
        out.stderr.len()
    );
    assert!(took < Duration::from_secs(2), "{what}: took {took:?}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "{what}: raw escape in {stderr}");
    stderr
}

#[test]
fn worst_case_1mb_inputs_get_bounded_errors_quickly() {
    let dir = std::env::temp_dir().join(format!("raci-sim-bounded-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (what, text) in scenarios() {
        let p = write(&dir, &format!("scenario {what}"), &text);
        refused_quickly(&["run", "--model", "split-iam-security"], &p, what);
        refused_quickly(&["lint", "split-iam-security", "--scenario"], &p, what);
    }
    for (what, text) in models() {
        let p = write(&dir, &format!("model {what}"), &text);
        refused_quickly(&["run", "replayed-token", "--model"], &p, what);
        refused_quickly(&["lint"], &p, what);
    }
    for (what, text) in studies() {
        let p = write(&dir, &format!("study {what}"), &text);
        refused_quickly(&["check"], &p, what);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn scenario_error(text: &str) -> String {
    parse_scenario("s.ron", text)
        .map(|_| ())
        .expect_err("rejected")
        .to_string()
}

fn model_error(text: &str) -> String {
    parse_model("m.ron", text)
        .map(|_| ())
        .expect_err("rejected")
        .to_string()
}

#[test]
fn unknown_references_show_one_suggestion_or_ten_names() {
    let teams: String = (0..30).map(|i| format!("(id: \"team-{i:02}\"),")).collect();
    let e = model_error(&format!(
        "{MODEL_HEAD} teams: [(id: \"soc\"), {teams}], {RACI}\n detect: [(r: [\"team-3\", \"{}\"])]))",
        "z".repeat(100)
    ));
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(
        lines[0],
        "m.ron:5:16: field `raci.detect[0].r[0]`: unknown team \"team-3\""
    );
    assert_eq!(lines[1], "  help: did you mean \"team-03\"?");
    assert_eq!(
        lines[2],
        format!(
            "m.ron:5:26: field `raci.detect[0].r[1]`: unknown team \"{}…\"",
            "z".repeat(60)
        )
    );
    assert_eq!(
        lines[3],
        "  help: known teams: \"soc\", \"team-00\", \"team-01\", \"team-02\", \"team-03\", \
         \"team-04\", \"team-05\", \"team-06\", \"team-07\", \"team-08\", and 21 more"
    );
}

#[test]
fn many_problems_show_twenty_and_a_count() {
    let stages: String = (0..500)
        .map(|i| format!("(id: \"s{i}\", needs: [\"nope{i}\"], duration: Fixed(\"1m\")),"))
        .collect();
    let e = scenario_error(&format!("{SCENARIO_HEAD} stages: [{stages}])"));
    assert_eq!(e.matches("unknown credential").count(), 20, "{e}");
    assert!(
        e.ends_with("  help: 480 more problems not shown; fix these first"),
        "{e}"
    );
}

#[test]
fn every_list_has_a_cap_with_a_located_error() {
    let needs = vec!["\"k\""; 101].join(", ");
    let e = scenario_error(&format!(
        "{SCENARIO_HEAD}\n stages: [(id: \"a\", duration: Fixed(\"1m\"), needs: [{needs}])])"
    ));
    assert_eq!(
        e,
        "s.ron:5:44: field `stages[0].needs`: 101 entries, more than the limit of 100\n  \
         help: docs/lint.md lists every limit"
    );
    let days = ["Mon"; 8].join(", ");
    let e = model_error(&format!(
        "{MODEL_HEAD}\n teams: [(id: \"soc\", coverage: BusinessHours(days: [{days}]))], {RACI} detect: []))"
    ));
    assert!(
        e.starts_with(
            "m.ron:2:46: field `teams[0].coverage.days`: 8 entries, more than the limit of 7"
        ),
        "{e}"
    );
    let r = vec!["\"soc\""; 101].join(", ");
    let e = model_error(&format!(
        "{MODEL_HEAD} teams: [(id: \"soc\")], {} detect: []))",
        RACI.replace("revoke: {}", &format!("revoke: {{ApiKey: (r: [{r}])}}"))
    ));
    assert!(
        e.contains("field `raci.revoke.ApiKey.r`: 101 entries, more than the limit of 100"),
        "{e}"
    );
    let head = r#"Study(name: "s", models: ["split-iam-security"], scenarios: ["replayed-token"],"#;
    let axes = "(parameter: Diffusion, values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]),".repeat(4);
    let e = parse_study_shipped("s.ron", &format!("{head} sweep: [{axes}])"))
        .map(|_| ())
        .expect_err("rejected")
        .to_string();
    assert_eq!(
        e,
        "s.ron:1:81: field `sweep`: the sweep grid has 1296 points, more than 1000\n  \
         help: sweep fewer values, or fewer parameters at once"
    );
    let models = vec!["\"split-iam-security\""; 51].join(", ");
    let e = parse_study_shipped(
        "s.ron",
        &format!("Study(name: \"s\", models: [{models}], scenarios: [])"),
    )
    .map(|_| ())
    .expect_err("rejected")
    .to_string();
    assert!(
        e.starts_with("s.ron:1:18: field `models`: 51 entries, more than the limit of 50"),
        "{e}"
    );
}

#[test]
fn ids_and_names_refuse_control_characters() {
    let e = model_error(&format!(
        "{MODEL_HEAD} teams: [(id: \"soc\"), (id: \"so\u{1b}c\")], {RACI} detect: []))"
    ));
    assert_eq!(
        e,
        "m.ron:1:66: field `teams[1].id`: id contains a control character U+001B at position 3; \
         ids are printed and used in file names\n  \
         help: remove it; summaries and sources may hold any text"
    );
    let e = scenario_error(
        &SCENARIO_HEAD
            .replace("name: \"x\"", "name: \"a\\tb\"")
            .to_string()
            .replace(
                "horizon: \"7d\",",
                "horizon: \"7d\", stages: [(id: \"a\", duration: Fixed(\"1m\"))])",
            ),
    );
    assert!(
        e.starts_with("s.ron:1:10: field `name`: name contains a control character U+0009 at position 2; names are printed"),
        "{e}"
    );
    let e = model_error(&format!(
        "{MODEL_HEAD} teams: [(id: \"soc\"), (id: \"{}\")], {RACI} detect: []))",
        "t".repeat(101)
    ));
    assert_eq!(
        e,
        "m.ron:1:66: field `teams[1].id`: id is 101 characters long, more than the limit of 100\n  \
         help: ids are printed and used in file names; keep them short"
    );
    // Free text keeps them.
    let ok = SCENARIO_HEAD
        .replace("summary: \"\"", "summary: \"a\\tb\u{7}\"")
        .replace(
            "horizon: \"7d\",",
            "horizon: \"7d\", stages: [(id: \"a\", duration: Fixed(\"1m\"))])",
        );
    assert_eq!(parse_scenario("s.ron", &ok).unwrap().summary, "a\tb\u{7}");
}

#[test]
fn lint_of_two_thousand_idle_teams_on_one_line_is_quick_and_shows_short_lines() {
    let teams: String = (0..1999)
        .map(|i| format!("(id: \"t{i:04}-{}\"), ", "w".repeat(90)))
        .collect();
    let text = format!("{MODEL_HEAD} teams: [(id: \"soc\"), {teams}], {RACI} detect: []))");
    let dir = std::env::temp_dir().join(format!("raci-sim-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = write(&dir, "idle", &text);
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .arg("lint")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("warning[L009]").count(), 1999);
    let longest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 250, "a line of {longest} characters");
    std::fs::remove_dir_all(&dir).unwrap();
}
