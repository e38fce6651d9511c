//! CI gate results as JUnit XML (one test case per check: a gate on one scenario and model),
//! as a Markdown job summary, and the refusal of a study whose runs cannot resolve its gates.
//! Only rendering: `analysis::gate` evaluates the gates.

use std::fmt::Write as _;

use crate::analysis::gate::{underpowered, Check, GateResult, Power, Status};
use crate::engine::budget::MAX_RUNS;
use crate::input::study::{GateMetric, Study};
use crate::input::{clip, Diagnostic};
use crate::output::escape::{html, markdown};

/// The fixed `timestamp` of the JUnit suite: the Ant schema requires one, and the file must be
/// byte-identical for the same inputs (the report's provenance says what ran).
pub const JUNIT_TIMESTAMP: &str = "1970-01-01T00:00:00";

/// Every check of every gate, in gate order, with its gate.
fn checks(results: &[GateResult]) -> impl Iterator<Item = (&GateResult, &Check)> {
    results
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
}

/// "study.ron:12:9".
fn location(study: &Study, r: &GateResult) -> String {
    format!("{}:{}:{}", study.label, r.line, r.col)
}

/// "replayed-token with proposal" (and the sweep point, if any).
fn case_name(r: &GateResult, c: &Check) -> String {
    let mut s = format!("{} with {}", c.scenario, c.model);
    if !r.at.is_empty() {
        let _ = write!(s, " at {}", r.at);
    }
    s
}

/// JUnit XML valid against the Ant schema (JUnit.xsd, as Jenkins documents it) and Jenkins
/// xunit's junit-10.xsd: one suite, one test case per check, `time` 0 and a fixed timestamp so
/// the same inputs give the same bytes. A failure names the study file and the gate's line.
pub fn junit(study: &Study, results: &[GateResult]) -> String {
    let count = |f: fn(&Check) -> bool| checks(results).filter(|(_, c)| f(c)).count();
    let tests = count(|_| true);
    let failures = count(|c| c.status == Status::Failed);
    let skipped = count(|c| matches!(c.status, Status::NoData(_)));
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    let _ = writeln!(
        o,
        r#"  <testsuite name="{}" package="raci-sim" id="0" timestamp="{JUNIT_TIMESTAMP}" hostname="localhost" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}" time="0">"#,
        html(&study.name)
    );
    o.push_str("    <properties>\n");
    for (name, value) in [
        ("study", study.label.clone()),
        ("runs", study.runs.to_string()),
        ("seed", study.seed.to_string()),
    ] {
        let _ = writeln!(
            o,
            r#"      <property name="{name}" value="{}"/>"#,
            html(&value)
        );
    }
    o.push_str("    </properties>\n");
    for (r, c) in checks(results) {
        let _ = write!(
            o,
            r#"    <testcase classname="{}" name="{}" time="0""#,
            html(&r.name),
            html(&case_name(r, c))
        );
        match &c.status {
            Status::Passed => o.push_str("/>\n"),
            Status::NoData(reason) => {
                let _ = writeln!(
                    o,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    html(reason)
                );
            }
            Status::Failed => {
                let at = location(study, r);
                let _ = writeln!(
                    o,
                    ">\n      <failure type=\"gate\" message=\"{}: {}: measured {} on {}\">{}: gate `{}` ({})\n{}: {}{}</failure>\n    </testcase>",
                    html(&at),
                    html(&r.name),
                    html(&c.measured),
                    html(&case_name(r, c)),
                    html(&at),
                    html(&r.name),
                    html(&r.field),
                    html(&case_name(r, c)),
                    html(&c.detail),
                    c.power.as_ref().map(|p| html(&format!("\n{}", power_line(p, r)))).unwrap_or_default(),
                );
            }
        }
    }
    o.push_str("    <system-out></system-out>\n    <system-err></system-err>\n");
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}

/// An effect in the gate's unit, as people read it.
pub fn show_effect(metric: GateMetric, v: f64) -> String {
    if !v.is_finite() {
        "nothing (fewer than two runs of the kind it needs)".into()
    } else if metric.is_time() {
        crate::domain::duration::format_human(v)
    } else if matches!(metric.kind(), crate::analysis::verdict::MetricKind::Share) {
        format!("{:.2} percentage points", v * 100.0)
    } else {
        format!("{v:.3}")
    }
}

/// "these runs resolve 12m; the gate must detect 30m (the practical threshold)".
fn power_line(p: &Power, r: &GateResult) -> String {
    let metric = r.metric;
    format!(
        "power: these runs resolve {} (95% confidence, 80% power); the gate must detect {}{}",
        show_effect(metric, p.resolves),
        show_effect(metric, p.detect),
        if p.by_default {
            " (the practical threshold)"
        } else {
            " (its `detect`)"
        }
    )
}

/// A Markdown summary for a CI job page.
pub fn summary_markdown(study: &Study, results: &[GateResult]) -> String {
    let failed = results.iter().filter(|r| !r.passed()).count();
    let all: Vec<&Check> = results.iter().flat_map(|r| &r.checks).collect();
    let count_all = all.len();
    let count = |s: Status| all.iter().filter(|c| c.status == s).count();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## raci-sim check: {}\n\n{} of {} gates passed: {} of {} checks (a gate on one scenario and model) passed, {} failed, {} skipped ({} runs, seed {}).\n",
        markdown(&study.name),
        results.len() - failed,
        results.len(),
        count(Status::Passed),
        count_all,
        count(Status::Failed),
        count_all - count(Status::Passed) - count(Status::Failed),
        study.runs,
        study.seed
    );
    o.push_str("| gate | result | scenario | model | measured | resolves | must detect | line |\n|---|---|---|---|---|---|---|---|\n");
    for (r, c) in checks(results) {
        let metric = r.metric;
        let (resolves, detect) = match &c.power {
            Some(p) => (
                show_effect(metric, p.resolves),
                show_effect(metric, p.detect),
            ),
            None => ("n/a".into(), "n/a".into()),
        };
        let scenario = if r.at.is_empty() {
            c.scenario.clone()
        } else {
            format!("{} at {}", c.scenario, r.at)
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            markdown(&r.name),
            match c.status {
                Status::Passed => "pass",
                Status::Failed => "**FAIL**",
                Status::NoData(_) => "skipped",
            },
            markdown(&scenario),
            markdown(&c.model),
            markdown(&c.measured),
            markdown(&resolves),
            markdown(&detect),
            markdown(&location(study, r)),
        );
    }
    o
}

/// Most checks named one by one when a study's runs cannot resolve its gates.
const MAX_NAMED: usize = 20;

/// When some check's runs cannot resolve what its gate must detect (or a gate that names its
/// scenario has no data there): a diagnostic per such check at its gate's line (the first
/// [`MAX_NAMED`]), then one at `runs` with the run count that resolves them all.
pub fn power_refusal(study: &Study, results: &[GateResult]) -> Option<Vec<Diagnostic>> {
    let short = underpowered(results);
    if short.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (r, c) in short.iter().take(MAX_NAMED) {
        out.push(short_check(study, r, c));
    }
    let needs: Vec<u64> = (short.iter())
        .filter_map(|(_, c)| c.power.as_ref()?.runs_needed)
        .collect();
    let hopeless = needs.iter().filter(|&&n| n > MAX_RUNS).count();
    let most = needs.iter().copied().filter(|&n| n <= MAX_RUNS).max();
    let at = crate::input::ronpath::RonMap::new(&study.text).locate("runs");
    let mut message = format!(
        "the study's {} runs cannot resolve what {} check{} of its gates must detect",
        study.runs,
        short.len(),
        if short.len() == 1 { "" } else { "s" }
    );
    if short.len() > MAX_NAMED {
        let _ = write!(message, " ({} not shown)", short.len() - MAX_NAMED);
    }
    match most {
        Some(n) if hopeless == 0 && needs.len() == short.len() => {
            let _ = write!(message, "; `runs: {n}` would resolve them all");
        }
        Some(n) => {
            let _ = write!(
                message,
                "; `runs: {n}` would resolve those that more runs can"
            );
        }
        None => {}
    }
    out.push(Diagnostic {
        file: study.label.clone(),
        line: at.line.max(1),
        col: at.col.max(1),
        field: "runs".into(),
        message,
        help: Some(format!(
            "raise `runs`, or give a gate the effect it must detect with `detect:` (docs/ci.md, \"Power\"); nothing was written{}",
            if hopeless > 0 {
                format!("; {hopeless} would need more than {MAX_RUNS} runs")
            } else {
                String::new()
            }
        )),
    });
    Some(out)
}

/// One check its runs cannot resolve, at its gate's line.
fn short_check(study: &Study, r: &GateResult, c: &Check) -> Diagnostic {
    let metric = r.metric;
    let what = format!(
        "gate `{}` on scenario `{}` with model `{}`{}",
        clip(&r.name),
        clip(&c.scenario),
        clip(&c.model),
        if r.at.is_empty() {
            String::new()
        } else {
            format!(" at {}", r.at)
        }
    );
    let (message, help) = match &c.power {
        None => (
            format!("{what}: {}", c.detail),
            "a gate that names a scenario must be measurable on it: choose a metric its runs give, or leave out `scenario` (then the check is skipped)".to_string(),
        ),
        Some(p) => (
            format!(
                "{what}: {} runs resolve {}, the gate must detect {}{}",
                study.runs,
                show_effect(metric, p.resolves),
                show_effect(metric, p.detect),
                if p.by_default {
                    " (the practical threshold; set `detect` to choose)"
                } else {
                    " (its `detect`)"
                }
            ),
            match p.runs_needed {
                Some(n) if n <= MAX_RUNS => format!("about {n} runs would resolve it"),
                _ => format!("no run count up to {MAX_RUNS} resolves it: give a larger `detect`"),
            },
        ),
    };
    Diagnostic {
        file: study.label.clone(),
        line: r.line,
        col: r.col,
        field: r.field.clone(),
        message,
        help: Some(help),
    }
}
