//! CI gate results as JUnit XML (one test case per gate) and as a Markdown job summary. Only
//! rendering: `analysis::gate` evaluates the gates.

use std::fmt::Write as _;

use crate::analysis::gate::{Check, GateResult};
use crate::input::study::Study;
use crate::output::escape::{html, markdown};

/// JUnit XML: one test case per gate; a failure names the gate, the scenario, the model and the
/// measured value.
pub fn junit(study: &Study, results: &[GateResult]) -> String {
    let failures = results.iter().filter(|r| !r.passed()).count();
    let mut o = String::new();
    let _ = writeln!(o, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        o,
        r#"<testsuites name="raci-sim check" tests="{}" failures="{failures}">"#,
        results.len()
    );
    let _ = writeln!(
        o,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}">"#,
        html(&study.name),
        results.len()
    );
    for r in results {
        let _ = write!(
            o,
            r#"    <testcase classname="raci-sim.gates" name="{}""#,
            html(&r.name)
        );
        let failed: Vec<&Check> = r.checks.iter().filter(|c| !c.passed).collect();
        if failed.is_empty() {
            o.push_str("/>\n");
            continue;
        }
        let first = failed[0];
        let _ = writeln!(
            o,
            r#">
      <failure message="{}: measured {} on {} with {}">"#,
            html(&r.name),
            html(&first.measured),
            html(&first.scenario),
            html(&first.model)
        );
        for c in failed {
            let _ = writeln!(
                o,
                "{} / {}: {}",
                html(&c.scenario),
                html(&c.model),
                html(&c.detail)
            );
        }
        o.push_str("      </failure>\n    </testcase>\n");
    }
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}

/// A Markdown summary for a CI job page.
pub fn summary_markdown(study: &Study, results: &[GateResult]) -> String {
    let failed = results.iter().filter(|r| !r.passed()).count();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## raci-sim check: {}\n\n{} of {} gates passed ({} runs, seed {}).\n",
        markdown(&study.name),
        results.len() - failed,
        results.len(),
        study.runs,
        study.seed
    );
    o.push_str("| gate | result | scenario | model | measured |\n|---|---|---|---|---|\n");
    for r in results {
        for c in &r.checks {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                markdown(&r.name),
                if c.passed { "pass" } else { "**FAIL**" },
                markdown(&c.scenario),
                markdown(&c.model),
                markdown(&c.measured)
            );
        }
    }
    o
}
