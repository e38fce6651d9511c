//! Robustness harness: drives any bytes through the loaders, validation, lint and a short
//! simulation, and mutates valid files into hostile ones. Used by `examples/fuzz.rs` (long runs,
//! crashes saved to tests/hostile/) and by tests (fixed seeds, and every corpus file as a
//! regression test). Nothing here may panic on any input: that is what it checks.

use rand::{Rng, RngExt};

use crate::analysis::lint::lint;
use crate::engine::batch::{run_batch, BatchOptions};
use crate::input::library::{load_model, load_scenario, parse_model, parse_scenario};

/// Events a fuzzed run may take: enough to exercise the engine, small enough to stay fast.
pub const FUZZ_MAX_EVENTS: u64 = 200_000;

/// What an input did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub scenario_ok: bool,
    pub model_ok: bool,
    pub simulated: bool,
    pub sim_error: bool,
}

/// Loads `bytes` as a scenario and as a model; lints and briefly simulates whatever loads,
/// paired with a shipped counterpart. Errors are fine; a panic is the bug being looked for.
pub fn check(bytes: &[u8]) -> Outcome {
    let mut out = Outcome::default();
    let Ok(text) = std::str::from_utf8(bytes) else {
        // The loaders read UTF-8 text; bytes that are not are rejected before parsing.
        return out;
    };
    let shipped_model = load_model("split-iam-security").expect("shipped model loads");
    let shipped_scenario = load_scenario("replayed-token").expect("shipped scenario loads");
    let opts = BatchOptions {
        first: 0,
        runs: 2,
        seed: 1,
        keep_runs: true,
        max_events: FUZZ_MAX_EVENTS,
    };
    if let Ok(s) = parse_scenario("fuzz.ron", text) {
        out.scenario_ok = true;
        let _ = lint(
            &shipped_model,
            "split-iam-security.ron",
            crate::input::library::MODELS[0].text,
            std::slice::from_ref(&s),
        );
        match run_batch(&s, &shipped_model, opts, |_| {}) {
            Ok(_) => out.simulated = true,
            Err(_) => out.sim_error = true,
        }
    }
    if let Ok(m) = parse_model("fuzz.ron", text) {
        out.model_ok = true;
        let _ = lint(
            &m,
            "fuzz.ron",
            text,
            std::slice::from_ref(&shipped_scenario),
        );
        match run_batch(&shipped_scenario, &m, opts, |_| {}) {
            Ok(_) => out.simulated = true,
            Err(_) => out.sim_error = true,
        }
    }
    out
}

/// Most bytes of error text any one input may produce (issue 12: under 64 KB for any input up
/// to 1 MB).
pub const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Panics (a finding for the fuzzer) if an error's text is over [`MAX_ERROR_BYTES`].
fn bounded<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            let n = e.to_string().len();
            assert!(n < MAX_ERROR_BYTES, "{what} error text is {n} bytes");
            None
        }
    }
}

/// Fuzz entry: `bytes` as scenario text; what loads is linted and briefly simulated.
pub fn fuzz_scenario(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Some(s) = bounded("scenario", parse_scenario("fuzz.ron", text)) {
        let model = load_model("split-iam-security").expect("shipped model loads");
        let _ = lint(
            &model,
            "m.ron",
            crate::input::library::MODELS[0].text,
            std::slice::from_ref(&s),
        );
        let _ = run_batch(&s, &model, fuzz_batch(), |_| {});
    }
}

/// Fuzz entry: `bytes` as model text; what loads is linted and briefly simulated.
pub fn fuzz_model(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Some(m) = bounded("model", parse_model("fuzz.ron", text)) {
        let scenario = load_scenario("replayed-token").expect("shipped scenario loads");
        let _ = lint(&m, "fuzz.ron", text, std::slice::from_ref(&scenario));
        let _ = run_batch(&scenario, &m, fuzz_batch(), |_| {});
    }
}

/// Fuzz entry: `bytes` as study text (shipped models and scenarios only; no file access).
pub fn fuzz_study(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    if let Some(study) = bounded(
        "study",
        crate::input::study::parse_study_shipped("s.ron", text),
    ) {
        for a in &study.sweep {
            for &v in &a.values {
                let _ = a.parameter.apply(&study.models[0], v);
            }
        }
    }
}

/// Fuzz entry: `bytes` as the results.json of `check --baseline`, evaluated against a small
/// study's gates.
pub fn fuzz_baseline(bytes: &[u8]) {
    use std::sync::OnceLock;
    static FIXED: OnceLock<(
        crate::input::study::Study,
        crate::analysis::compare::Comparison,
    )> = OnceLock::new();
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let (study, comparison) = FIXED.get_or_init(|| {
        let study =
            crate::input::study::parse_study_shipped("s.ron", BASELINE_STUDY).expect("loads");
        let c = crate::analysis::plan::Plan::resolve(&study)
            .run(FUZZ_MAX_EVENTS, |_| {})
            .expect("simulates")
            .comparison;
        (study, c)
    });
    // As `check` does: the file checked against the gates first, evaluated only if it passes.
    let Ok(recorded) = crate::analysis::gate::RecordedBaseline::check("b.json", v, study) else {
        return;
    };
    let results = crate::analysis::gate::evaluate(study, comparison, Some(&recorded));
    let _ = crate::output::gate::junit(study, &results);
    let _ = crate::output::gate::summary_markdown(study, &results);
    let _ = crate::output::gate::power_refusal(study, &results);
}

/// Fuzz entry: `bytes` as a shard.json, rebuilt into its study as `merge` does.
pub fn fuzz_shard(bytes: &[u8]) {
    let path = std::path::Path::new("shard.json");
    let Some(shard) = bounded("shard", crate::analysis::shard::parse_shard(path, bytes)) else {
        return;
    };
    // What merge does with it: every check, then the merge itself (one shard of one).
    let _ = bounded(
        "shard",
        crate::analysis::shard::merge(vec![(path.into(), shard)]),
    );
}

/// Fuzz entry: `bytes` as a filled-in decision capture sheet (CSV and RON) of a fixed pack
/// (see `DECISIONS_SCENARIO`, seed 1, the first run that fills the modules); a sheet that loads is replayed
/// for a few runs with the room's decisions.
pub fn fuzz_decisions(bytes: &[u8]) {
    use crate::input::decisions::{parse_decisions, CapturePoint, Format, SheetContext};
    use std::sync::OnceLock;
    static FIXED: OnceLock<(
        crate::input::Scenario,
        crate::input::Model,
        Vec<CapturePoint>,
    )> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let (sc, m, points) = FIXED.get_or_init(decisions_pack);
    let cx = SheetContext {
        points,
        model: m,
        scenario: sc,
    };
    for format in [Format::Csv, Format::Ron] {
        let Some(rows) = bounded("decisions", parse_decisions("d", text, format, &cx)) else {
            continue;
        };
        let decisions = rows
            .iter()
            .map(crate::input::decisions::room_decision)
            .collect();
        let plan =
            crate::engine::room::RoomPlan::new(decisions, m.teams.len(), sc.credentials.len())
                .expect("a loaded sheet is a valid plan");
        let _ =
            crate::output::tabletop::debrief::room_runs(sc, m, 1, 2, FUZZ_MAX_EVENTS, Some(&plan));
    }
}

/// Fuzz entry: `bytes` as a RACI spreadsheet for `raci-sim import`: an .xlsx workbook (a zip,
/// `PK`), a mapping file then CSV (`Mapping(...)`, a line `%%`, the CSV), or CSV. What imports
/// must load as a model, and its export to CSV must import to the same rows and letters.
pub fn fuzz_sheet(bytes: &[u8]) {
    use crate::input::sheet::{import, parse_mapping, parse_sheet, Mapping};
    use crate::output::sheet::{csv, matrix, model_text};
    let (mapping, sheet, name) = if bytes.starts_with(b"PK") {
        (Mapping::default(), bytes.to_vec(), "fuzz.xlsx")
    } else if bytes.starts_with(b"Mapping") {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        let (m, rest) = text.split_once("\n%%\n").unwrap_or((text, ""));
        let Some(m) = bounded("mapping", parse_mapping("map.ron", m)) else {
            return;
        };
        (m, rest.as_bytes().to_vec(), "fuzz.csv")
    } else {
        (Mapping::default(), bytes.to_vec(), "fuzz.csv")
    };
    let Some(table) = bounded("sheet", parse_sheet(name, name, sheet, None)) else {
        return;
    };
    let Some(imp) = bounded("import", import(&table, &mapping, "fuzz")) else {
        return;
    };
    let text = model_text(&imp);
    if let Err(e) = parse_model("imported.ron", &text) {
        panic!("an imported model does not load: {e}\n{text}");
    }
    let m = matrix(&imp.model);
    let back = parse_sheet("b.csv", "b.csv", csv(&m), None)
        .and_then(|t| import(&t, &Mapping::default(), "fuzz"))
        .unwrap_or_else(|e| panic!("an export does not import: {e}"));
    let again = matrix(&back.model);
    assert_eq!(again.rows, m.rows, "export then import changes the matrix");
    assert_eq!(again.teams.len(), m.teams.len());
}

/// The pack `fuzz_decisions` reads sheets against: the first of runs 0..50 that fills the
/// modules.
fn decisions_pack() -> (
    crate::input::Scenario,
    crate::input::Model,
    Vec<crate::input::decisions::CapturePoint>,
) {
    use crate::output::tabletop::{capture, decision_points, modules, play};
    let sc = load_scenario(DECISIONS_SCENARIO).expect("shipped scenario loads");
    let m = load_model(DECISIONS_MODEL).expect("shipped model loads");
    for run in 0..50 {
        let played = play(&sc, &m, 1, run, FUZZ_MAX_EVENTS).expect("shipped pair simulates");
        let decisions = decision_points(&played.trace, &m);
        if let Ok(mods) = modules(&decisions, &played.trace) {
            let points = capture::points(&sc, &played.trace, &decisions, &mods);
            return (sc, m, points);
        }
    }
    panic!("no run of the fuzzed pack fills the modules")
}

/// The pair behind `fuzz_decisions`' pack (tests/hostile/ sheets name its teams and
/// credentials).
pub const DECISIONS_SCENARIO: &str = "compromised-service-account";
pub const DECISIONS_MODEL: &str = "single-incident-lead";

/// The study `fuzz_baseline` evaluates recorded baselines against.
const BASELINE_STUDY: &str = r#"Study(name: "b", models: ["split-iam-security", "single-incident-lead"],
    scenarios: ["replayed-token"], runs: 4, seed: 1, gates: [
    (metric: RestrictedMeanTimeToContainment, no_worse_than_baseline_by: 0.1),
    (metric: ContainedShare, no_worse_than_baseline_by: 0.1),
    (metric: Damage, no_worse_than_baseline_by: 0.5),
    (metric: TimeToContainmentP90, at_most: "4d")])"#;

fn fuzz_batch() -> BatchOptions {
    BatchOptions {
        first: 0,
        runs: 2,
        seed: 1,
        keep_runs: true,
        max_events: FUZZ_MAX_EVENTS,
    }
}

/// Values that break naive code: zero, negative, huge, fractional, non-numbers, odd durations.
const EDGE_TOKENS: &[&str] = &[
    "0",
    "-1",
    "1",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "1e309",
    "-0.0",
    "NaN",
    "inf",
    "0.5",
    "1.5",
    "\"0s\"",
    "\"-5m\"",
    "\"99999999999d\"",
    "\"1s\"",
    "\"3650d\"",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "()",
    "None",
    "Some(\"a\")",
    "true",
];

/// One random edit of `input`, drawing splices from `corpus`.
pub fn mutate<R: Rng>(rng: &mut R, input: &[u8], corpus: &[&[u8]]) -> Vec<u8> {
    let mut v = input.to_vec();
    if v.is_empty() {
        v.push(b'(');
    }
    let pos = rng.random_range(0..v.len());
    match rng.random_range(0..9u32) {
        // flip a byte
        0 => v[pos] = rng.random::<u8>(),
        // delete a range
        1 => {
            let end = (pos + rng.random_range(1..64usize)).min(v.len());
            v.drain(pos..end);
        }
        // duplicate a range
        2 => {
            let end = (pos + rng.random_range(1..256usize)).min(v.len());
            let piece = v[pos..end].to_vec();
            let at = rng.random_range(0..=v.len());
            v.splice(at..at, piece);
        }
        // splice from another file
        3 => splice_from_corpus(rng, &mut v, pos, corpus),
        // replace a number or a quoted string with an edge value
        4 | 5 => edge_value(rng, &mut v, pos),
        // swap an identifier-ish word for another from the text
        6 => {
            let words: Vec<(usize, usize)> = word_spans(&v);
            if words.len() > 1 {
                let (a0, a1) = words[rng.random_range(0..words.len())];
                let (b0, b1) = words[rng.random_range(0..words.len())];
                let word = v[b0..b1].to_vec();
                v.splice(a0..a1, word);
            }
        }
        // deep nesting
        7 => {
            let depth = rng.random_range(1..2000usize);
            let open = if rng.random_bool(0.5) { b'[' } else { b'(' };
            let piece: Vec<u8> = std::iter::repeat_n(open, depth).collect();
            v.splice(pos..pos, piece);
        }
        // repeat a list element many times (many stages, many teams)
        _ => repeat_element(rng, &mut v, pos),
    }
    v.truncate(crate::input::MAX_INPUT_BYTES + 1024);
    v
}

/// Replaces up to 128 bytes at `pos` with up to 511 bytes from a random corpus file.
fn splice_from_corpus<R: Rng>(rng: &mut R, v: &mut Vec<u8>, pos: usize, corpus: &[&[u8]]) {
    let other = corpus[rng.random_range(0..corpus.len())];
    if !other.is_empty() {
        let a = rng.random_range(0..other.len());
        let b = (a + rng.random_range(1..512usize)).min(other.len());
        let end = (pos + rng.random_range(0..128usize)).min(v.len());
        v.splice(pos..end, other[a..b].iter().copied());
    }
}

/// Replaces the first number or quoted string from `pos` on with an edge value.
fn edge_value<R: Rng>(rng: &mut R, v: &mut Vec<u8>, pos: usize) {
    let start = (pos..v.len()).find(|&i| v[i].is_ascii_digit() || v[i] == b'"');
    if let Some(s) = start {
        let end = if v[s] == b'"' {
            (s + 1..v.len())
                .find(|&i| v[i] == b'"')
                .map_or(v.len(), |e| e + 1)
        } else {
            (s..v.len())
                .find(|&i| !(v[i].is_ascii_digit() || v[i] == b'.'))
                .unwrap_or(v.len())
        };
        let token = EDGE_TOKENS[rng.random_range(0..EDGE_TOKENS.len())];
        v.splice(s..end, token.bytes());
    }
}

/// Repeats the first parenthesised element from `pos` on, 1 to 299 times, right after it.
fn repeat_element<R: Rng>(rng: &mut R, v: &mut Vec<u8>, pos: usize) {
    if let Some(s) = (pos..v.len()).find(|&i| v[i] == b'(') {
        if let Some(e) = (s..v.len()).find(|&i| v[i] == b')') {
            let piece = v[s..=e].to_vec();
            let n = rng.random_range(1..300usize);
            let mut rep = Vec::with_capacity(piece.len() * n + n);
            for _ in 0..n {
                rep.extend_from_slice(&piece);
                rep.push(b',');
            }
            v.splice(e + 1..e + 1, rep.into_iter().chain([b',']));
        }
    }
}

fn word_spans(v: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        if v[i].is_ascii_alphabetic() {
            let s = i;
            while i < v.len() && (v[i].is_ascii_alphanumeric() || v[i] == b'_') {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}
