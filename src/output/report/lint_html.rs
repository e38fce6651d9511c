//! The report's lint section: every model's lint findings, each beside the failure it predicts
//! as measured in this comparison's runs (`analysis::consequence::evaluate`): borne out, not
//! borne out, or nothing measurable.

use std::fmt::Write as _;

use crate::analysis::compare::Comparison;
use crate::analysis::consequence::{evaluate, Evaluation, Outcome, COUNT_OBSERVED, WAIT_OBSERVED};
use crate::analysis::lint::{Finding, Level};
use crate::output::escape::html;

use super::Report;

/// The section `<section id="lint">`.
pub fn lint_section(o: &mut String, r: &Report) {
    let c = r.comparison;
    let _ = writeln!(
        o,
        "<section id=\"lint\"><h2>Lint findings beside what the runs show</h2>"
    );
    let _ = writeln!(
        o,
        "<p><code>raci-sim lint</code> reads each model file against the compared scenarios before anything is simulated (docs/lint.md). Here each finding sits beside the failure it predicts, measured in these runs. <b>Borne out</b>: observed in at least one scenario the finding concerns, that is on average at least {} min of waiting per run, or {} tasks, revocations or signals per run (once in {} runs). <b>Not borne out</b>: measured there and never observed. Codes that predict nothing the simulation measures say so. A borne-out finding shows the failure happened, not that this gap alone caused it; the baseline's value is beside it.</p>",
        WAIT_OBSERVED / 60.0,
        COUNT_OBSERVED,
        (1.0 / COUNT_OBSERVED).round()
    );
    if r.lint.is_empty() {
        o.push_str("<p>No lint findings were computed for this report.</p></section>\n");
        return;
    }
    let evaluated: Vec<Vec<(&Finding, Evaluation)>> = r
        .lint
        .iter()
        .enumerate()
        .map(|(m, l)| l.findings.iter().map(|f| (f, evaluate(c, m, f))).collect())
        .collect();
    summary_table(o, c, &evaluated);
    for (m, found) in evaluated.iter().enumerate() {
        model_findings(o, c, m, found);
    }
    o.push_str("</section>\n");
}

fn count(found: &[(&Finding, Evaluation)], outcome: Outcome) -> usize {
    found.iter().filter(|(_, e)| e.outcome == outcome).count()
}

/// One row per model: findings by level and by outcome.
fn summary_table(o: &mut String, c: &Comparison, evaluated: &[Vec<(&Finding, Evaluation)>]) {
    o.push_str("<div class=\"wide\"><table><thead><tr><th class=\"name\">model</th><th>errors</th><th>warnings</th><th>borne out</th><th>not borne out</th><th>nothing to measure</th></tr></thead><tbody>\n");
    for (m, found) in evaluated.iter().enumerate() {
        let errors = found
            .iter()
            .filter(|(f, _)| f.level == Level::Error)
            .count();
        let _ = writeln!(
            o,
            "<tr><td class=\"name\"><a href=\"#lint-m{}\">{}</a>{}</td><td>{errors}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            m + 1,
            html(&c.models[m].name),
            if m == c.baseline { " <small>(baseline)</small>" } else { "" },
            found.len() - errors,
            count(found, Outcome::BorneOut),
            count(found, Outcome::NotBorneOut),
            count(found, Outcome::NotMeasurable) + count(found, Outcome::NotApplicable),
        );
    }
    o.push_str("</tbody></table></div>\n");
}

/// A model's fold: one row per finding.
fn model_findings(o: &mut String, c: &Comparison, m: usize, found: &[(&Finding, Evaluation)]) {
    let open = m == c.baseline || c.models.len() <= 2;
    let _ = writeln!(
        o,
        "<details id=\"lint-m{}\"{}><summary><b>{}</b>: {} finding{}, {} borne out, {} not borne out</summary>",
        m + 1,
        if open { " open=\"\"" } else { "" },
        html(&c.models[m].name),
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        count(found, Outcome::BorneOut),
        count(found, Outcome::NotBorneOut),
    );
    if found.is_empty() {
        o.push_str(
            "<p>No findings: lint sees no ownership gap against these scenarios.</p></details>\n",
        );
        return;
    }
    o.push_str("<div class=\"wide\"><table class=\"lint\"><thead><tr><th class=\"name\">code</th><th class=\"name\">finding</th><th class=\"name\">what the runs show</th></tr></thead><tbody>\n");
    for (f, e) in found {
        let _ = writeln!(
            o,
            "<tr><td class=\"name\"><b>{}</b><br><small>{}<br>{}</small></td><td class=\"name\">{}<br><small><code>{}:{}</code> {}{}<br>help: {}</small></td><td class=\"name {}\">{}{}</td></tr>",
            f.code,
            f.name,
            f.level.name(),
            html(&f.message),
            html(&f.file),
            f.line,
            html(&f.field),
            f.scenario
                .as_deref()
                .map_or(String::new(), |s| format!(", scenario {}", html(s))),
            html(&f.help),
            outcome_class(e.outcome),
            html(&e.sentence(c)),
            evidence(c, m, e),
        );
    }
    o.push_str("</tbody></table></div></details>\n");
}

fn outcome_class(o: Outcome) -> &'static str {
    match o {
        Outcome::BorneOut => "borne",
        Outcome::NotBorneOut => "unborne",
        Outcome::NotMeasurable | Outcome::NotApplicable => "unmeasured",
    }
}

/// The measured values, model and baseline: inline for one scenario, else in a fold.
fn evidence(c: &Comparison, m: usize, e: &Evaluation) -> String {
    if e.evidence.is_empty() {
        return String::new();
    }
    let value =
        |q: usize, v: Option<f64>| v.map_or("n/a".to_string(), |v| e.quantities[q].format(v));
    let cells = |ev: &crate::analysis::consequence::ScenarioEvidence| -> Vec<String> {
        (0..e.quantities.len())
            .map(|q| {
                if m == c.baseline {
                    value(q, ev.values[q])
                } else {
                    format!(
                        "{} (baseline {})",
                        value(q, ev.values[q]),
                        value(q, ev.baseline[q])
                    )
                }
            })
            .collect()
    };
    let heads: Vec<String> = e
        .quantities
        .iter()
        .map(|q| format!("{} {}", q.describe(), q.per()))
        .collect();
    if e.evidence.len() == 1 {
        // The sentence has the model's value when borne out: show the baseline's beside it;
        // when not, show what was measured.
        let ev = &e.evidence[0];
        let shown: Vec<String> = (0..e.quantities.len())
            .filter_map(|q| {
                let v = if e.outcome == Outcome::BorneOut {
                    (m != c.baseline).then(|| format!("baseline {}", value(q, ev.baseline[q])))?
                } else {
                    format!("measured {}", cells(ev)[q])
                };
                Some(if e.quantities.len() == 1 {
                    v
                } else {
                    format!("{}: {v}", heads[q])
                })
            })
            .collect();
        if shown.is_empty() {
            return String::new();
        }
        return format!("<br><small>{}</small>", html(&shown.join("; ")));
    }
    let mut o = String::from("<details><summary>per scenario</summary><table><thead><tr><th class=\"name\">scenario</th>");
    for h in &heads {
        let _ = write!(o, "<th>{}</th>", html(h));
    }
    o.push_str("</tr></thead><tbody>");
    for ev in &e.evidence {
        let _ = write!(
            o,
            "<tr><td class=\"name\">{}{}</td>",
            html(&c.scenarios[ev.scenario].scenario.name),
            if ev.observed { " (observed)" } else { "" }
        );
        for v in cells(ev) {
            let _ = write!(o, "<td>{}</td>", html(&v));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></details>");
    o
}
