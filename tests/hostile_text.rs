//! Input text full of control characters and markup reaches every output raci-sim writes: the
//! report folder, event logs, a tabletop pack, JUnit and check.md, a sweep. Every XML output
//! (and the HTML, read as XHTML) parses with a real XML parser, the markup round-trips, and no
//! raw control character lands in any file.

use std::path::{Path, PathBuf};

use raci_sim::analysis::compare::{compare, Comparison};
use raci_sim::analysis::gate::evaluate;
use raci_sim::analysis::plan::Plan;
use raci_sim::analysis::sweep::{sweep_csv, sweep_plots};
use raci_sim::engine::DEFAULT_MAX_EVENTS;
use raci_sim::input::library::{parse_model, parse_scenario};
use raci_sim::input::study::{parse_study, Parameter, Study};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::escape::is_hidden;
use raci_sim::output::eventlog::{render, traced_runs, CaseNotion, Format};
use raci_sim::output::gate::{junit, summary_markdown};
use raci_sim::output::tabletop::{build_pack, play, Pick};
use raci_sim::output::{write_report, InputFile, Report};

/// ESC[31m, U+0001, backspace, VT, FF, DEL, NEL, U+FFFE, markup and a CDATA end.
const HOSTILE: &str = "\u{1b}[31mred\u{1}\u{8}\u{b}\u{c}\u{7f}\u{85}\u{fffe} <>&\"' ]]>";

/// The raw characters that must never reach a file.
const RAW: [char; 8] = [
    '\u{1b}', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{7f}', '\u{85}', '\u{fffe}',
];

fn hostile(tag: &str) -> String {
    format!("{tag}{HOSTILE}")
}

/// A RON string literal holding `s` with its control characters raw.
fn ron(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn hostile_scenario() -> Scenario {
    let text = format!(
        r#"Scenario(
    name: "hostile", summary: {}, sources: [{}, {}],
    identities: [(id: "svc", kind: ServiceAccount), (id: "bob", kind: Human)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true,
         residual_validity: "0s"),
        (id: "pw", kind: Password, plane: Directory, identity: "bob", held_at_start: true,
         residual_validity: "0s"),
    ],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"), repeat: Fixed("2h"), damage: 1,
         signals: [(kind: Generic, plane: CloudIam, probability: 0.9, severity: High)]),
        (id: "login", needs: ["pw"], duration: Fixed("20m"),
         signals: [(kind: UnusualRegion, plane: Directory, probability: 0.5, severity: Medium)]),
    ],
    benign_share: 0.3,
    start: UniformWeek,
    horizon: "10d",
)"#,
        ron(&hostile("summary")),
        ron(&hostile("source 1")),
        ron(&hostile("source 2"))
    );
    let mut sc = parse_scenario(&hostile("scenario.ron"), &text).unwrap_or_else(|e| panic!("{e}"));
    // Names and ids may still hold anything today: set them directly.
    sc.name = hostile("scenario");
    for (i, x) in sc.identities.iter_mut().enumerate() {
        x.id = hostile(&format!("identity {i}"));
    }
    for (i, x) in sc.credentials.iter_mut().enumerate() {
        x.id = hostile(&format!("credential {i}"));
    }
    for (i, x) in sc.stages.iter_mut().enumerate() {
        x.id = hostile(&format!("stage {i}"));
    }
    sc
}

fn hostile_model(name: &str, diffusion: f64) -> Model {
    let text = hostile_model_text(diffusion);
    let mut m = parse_model(&hostile("model.ron"), &text).unwrap_or_else(|e| panic!("{e}"));
    m.name = hostile(name);
    for (i, t) in m.teams.iter_mut().enumerate() {
        t.id = hostile(&format!("team {i}"));
    }
    m
}

/// The hostile model's file (its names and team ids are made hostile after parsing).
fn hostile_model_text(diffusion: f64) -> String {
    format!(
        r#"Model(
    name: "m", summary: {}, sources: [{}],
    teams: [
        (id: "soc", staff: 2, coverage: AlwaysOn,
         visibility: {{CloudIam: 0.9, Directory: 0.9}}),
        (id: "iam", staff: 1, coverage: BusinessHours(on_call: (page_latency: "30m", min_severity: High)),
         visibility: {{CloudIam: 0.9, Directory: 0.9}}),
        (id: "app", staff: 1, coverage: BusinessHours()),
    ],
    raci: (
        detect: [(r: ["soc"])],
        triage: (r: ["soc"], a: ["soc"]),
        scope: (r: ["iam"], c: ["app"]),
        validate_entitlement: (r: ["iam", "app"]),
        confirm_business: (r: ["app"], i: ["soc"]),
        approve_containment: (r: ["iam"], a: ["iam", "soc"]),
        revoke: {{ApiKey: (r: ["iam"]), Password: (r: ["soc"], i: ["iam"])}},
        verify: (r: ["soc"]),
        capture_evidence: (r: ["app"]),
        close: (r: ["iam"], a: ["iam"], i: ["soc", "app"]),
    ),
    policy: (escalation: (after: "2h", to: "soc"), diffusion: {diffusion}),
)"#,
        ron(&hostile("model summary")),
        ron(&hostile("model source")),
    )
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-sim-hostile-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// A study over the hostile models (gates, a sweep), with hostile names everywhere.
fn hostile_study(sc: &Scenario, models: &[Model]) -> Study {
    let text = r#"Study(
    name: "s",
    models: ["split-iam-security", "hub-and-spoke"],
    scenarios: ["replayed-token"],
    runs: 30,
    seed: 3,
    gates: [
        (name: "g1", metric: MissedRevocationRate, no_worse_than_baseline_by: 0.0),
        (name: "g2", metric: ContainedShare, at_least: 1.0),
        (name: "g3", metric: TimeToContainmentP90, at_most: "1m"),
    ],
    sweep: [(parameter: Diffusion, values: [0.3, 0.9])],
)"#;
    let mut study = parse_study("study.ron", text).unwrap_or_else(|e| panic!("{e}"));
    study.name = hostile("study");
    study.models = models.to_vec();
    study.scenarios = vec![sc.clone()];
    for (i, g) in study.gates.iter_mut().enumerate() {
        g.name = hostile(&format!("gate {i}"));
    }
    study
}

/// Event logs of the model's runs: every format, both case notions.
fn event_logs(sc: &Scenario, m: &Model) -> Vec<(String, Vec<u8>)> {
    let traced = traced_runs(sc, m, 3, 6, DEFAULT_MAX_EVENTS).unwrap();
    let tasks: Vec<_> = traced.into_iter().flat_map(|(_, t)| t).collect();
    [
        (Format::Csv, CaseNotion::Incident, "log-incident.csv"),
        (Format::Csv, CaseNotion::Task, "log-task.csv"),
        (Format::Xes, CaseNotion::Incident, "log-incident.xes"),
        (Format::Xes, CaseNotion::Task, "log-task.xes"),
        (Format::Ocel, CaseNotion::Incident, "log.jsonocel"),
    ]
    .into_iter()
    .map(|(format, notion, name)| {
        let bytes = render(format, notion, &tasks, sc, m).unwrap();
        (name.to_string(), bytes)
    })
    .collect()
}

/// Every output, as (name, bytes).
fn all_outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let sc = hostile_scenario();
    let models = vec![hostile_model("model a", 0.5), hostile_model("model b", 0.9)];
    let mut out = Vec::new();
    // The report folder, with gate results and a sweep as extra files.
    let c: Comparison = compare(
        vec![sc.clone()],
        models.clone(),
        0,
        30,
        3,
        Default::default(),
        DEFAULT_MAX_EVENTS,
        |_| {},
    )
    .unwrap();
    let mut study = hostile_study(&sc, &models);
    let results = evaluate(&study, &c, None);
    assert!(results.iter().any(|r| !r.passed()), "a failing gate");
    let rows = Plan::resolve(&study)
        .run(DEFAULT_MAX_EVENTS, |_| {})
        .unwrap()
        .sweep;
    // A team parameter puts a team id in the sweep's column names.
    study.sweep[0].parameter = Parameter::TeamStaff(models[0].teams[0].id.clone());
    let mut extra = vec![
        (
            "check.xml".to_string(),
            junit(&study, &results).into_bytes(),
        ),
        (
            "check.md".to_string(),
            summary_markdown(&study, &results).into_bytes(),
        ),
        ("sweep.csv".to_string(), sweep_csv(&study, &rows)),
    ];
    for (name, svg) in sweep_plots(&study, &rows) {
        extra.push((name, svg.into_bytes()));
    }
    let inputs = vec![InputFile {
        kind: "model",
        name: hostile("input"),
        source: hostile("path"),
        sha256: "0".repeat(64),
    }];
    let cmd = vec!["raci-sim".to_string(), hostile("--out")];
    let report = dir.join("report");
    // Lint findings quote team ids and the file's label: hostile too.
    let files: Vec<(String, String)> = [0.5, 0.9]
        .map(|d| (hostile("model.ron"), hostile_model_text(d)))
        .to_vec();
    let lint = raci_sim::analysis::consequence::lint_models(&c, &files);
    assert!(
        lint.iter().all(|l| !l.findings.is_empty()),
        "findings to show"
    );
    let r = Report {
        comparison: &c,
        inputs: &inputs,
        command_line: &cmd,
        extra: &extra,
        lint: &lint,
        improvement: None,
    };
    write_report(&report, &r, false).unwrap();
    for f in walk(&report) {
        let name = f.strip_prefix(dir).unwrap().to_string_lossy().to_string();
        out.push((name, std::fs::read(&f).unwrap()));
    }
    out.extend(event_logs(&sc, &models[0]));
    // A tabletop pack with a comparison run.
    let a = play(&sc, &models[0], 3, 1, DEFAULT_MAX_EVENTS).unwrap();
    let b = play(&sc, &models[1], 3, 1, DEFAULT_MAX_EVENTS).unwrap();
    let label = hostile("model.ron");
    let pack = build_pack(
        &sc,
        &models[0],
        (&label, "Model()"),
        &a,
        Pick::Run(1),
        3,
        Some((&models[1], &b)),
    )
    .expect("the run fills the modules");
    out.extend(pack.into_iter().map(|(p, b)| (format!("pack/{p}"), b)));
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files.sort();
    files
}

/// The HTML we write, as XHTML: no doctype, void elements closed.
fn as_xhtml(html: &str) -> String {
    let body = html
        .replacen("<!doctype html>", "", 1)
        .replace("<br>", "<br/>");
    let mut o = String::with_capacity(body.len());
    let mut rest = body.as_str();
    while let Some(i) = rest.find("<meta ") {
        let end = i + rest[i..].find('>').expect("closed meta");
        o.push_str(&rest[..end]);
        o.push_str("/>");
        rest = &rest[end + 1..];
    }
    o.push_str(rest);
    o
}

/// Every text node and attribute value of a parsed document.
/// A `.docx` (a zip) as its `word/document.xml`, where the text is; any other file as it is.
fn docx_document_xml((name, bytes): (String, Vec<u8>)) -> (String, Vec<u8>) {
    if !name.ends_with(".docx") {
        return (name, bytes);
    }
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a valid zip");
    let mut xml = Vec::new();
    let mut part = zip.by_name("word/document.xml").expect("word/document.xml");
    part.read_to_end(&mut xml).unwrap();
    (format!("{name}/word/document.xml"), xml)
}

fn texts(doc: &roxmltree::Document) -> String {
    let mut o = String::new();
    for n in doc.descendants() {
        if let Some(t) = n.text() {
            o.push_str(t);
        }
        for a in n.attributes() {
            o.push_str(a.value());
            o.push('\n');
        }
    }
    o
}

#[test]
fn hostile_text_is_escaped_in_every_output_and_every_xml_output_parses() {
    let dir = temp_dir("all");
    let files: Vec<(String, Vec<u8>)> = all_outputs(&dir)
        .into_iter()
        .map(docx_document_xml)
        .collect();
    let mut parsed = 0;
    let mut shown = 0;
    for (name, bytes) in &files {
        let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some((i, c)) = text
            .char_indices()
            .find(|&(_, c)| RAW.contains(&c) || is_hidden(c))
        {
            panic!(
                "{name}: raw {c:?} at byte {i}: {:?}",
                &text[i.saturating_sub(40)..i]
            );
        }
        let ext = name.rsplit('.').next().unwrap();
        let xml = match ext {
            "svg" | "xes" | "xml" => Some(text.to_string()),
            "html" => Some(as_xhtml(text)),
            _ => None,
        };
        if let Some(xml) = xml {
            let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
            parsed += 1;
            // The markup round-trips: the parsed text holds the hostile string, made visible.
            let made_visible = r#"\u{1b}[31mred\u{1}\u{8}\u{b}\u{c}\u{7f}\u{85}\u{fffe} <>&"' ]]>"#;
            assert!(texts(&doc).contains(made_visible), "{name}");
        }
        if matches!(ext, "md" | "csv") {
            // Markdown escapes the `[`.
            let shows = |s: &str| text.contains(s) || text.contains(&s.replace('[', "\\["));
            assert!(
                shows(r"\u{1b}[31mred\u{1}\u{8}\u{b}\u{c}\u{7f}\u{85}\u{fffe}"),
                "{name}"
            );
            shown += 1;
        }
        if matches!(ext, "json" | "jsonocel") {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            // JSON keeps the exact text.
            assert!(v.to_string().contains("\\u001b[31mred"), "{name}");
        }
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "report/index.html",
        "report/plots/handoffs-01.svg",
        "report/plots/utilisation-02.svg",
        "report/plots/scenario-01-survival.svg",
        "report/plots/scenario-01-wait-by-cause.svg",
        "report/plots/tradeoff.svg",
        "report/plots/sweep-share-contained.svg",
        "report/check.xml",
        "report/check.md",
        "report/sweep.csv",
        "report/summary.md",
        "report/summary.csv",
        "report/runs.csv",
        "report/results.json",
        "log-task.xes",
        "pack/facilitator/handbook.html",
        "pack/facilitator/handbook.md",
        "pack/facilitator/hot-wash.md",
        "pack/facilitator/after-action-report.html",
        "pack/participants/feedback-form.md",
        "pack/facilitator/timeline.svg",
        "pack/facilitator/vs/timeline.svg",
    ] {
        assert!(names.contains(&want), "{want} not among {names:?}");
    }
    assert!(parsed >= 18, "{parsed} XML files parsed");
    assert!(shown >= 11, "{shown} Markdown and CSV files checked");
    std::fs::remove_dir_all(&dir).unwrap();
}
