//! The report section "Improving <model>" (first on index.html when the report comes from
//! `raci-sim improve`): the recommended change and what it buys, how sure (the tornado), the
//! front, how the search went, the files. And its short block at the top of summary.md.

use std::fmt::Write as _;

use super::{
    cost_parts, diff_ci, edits_text, flips, front, race_runs, recommended, ron_path, saved_text,
    thousands, trim_number, value, weighed, weights_text, LABELS, SHORT,
};
use crate::analysis::decision::Pooled;
use crate::analysis::improve::{Candidate, Finalist, Improvement};
use crate::analysis::verdict::Verdict;
use crate::output::escape::{html, markdown};

/// Styles of the section (added to the page only when it is shown).
pub const CSS: &str = "section#improve{border-bottom:2px solid #1f4e79;padding-bottom:.6rem}
section#improve h2{margin-top:.4rem}ul.changes{margin:.2rem 0 .5rem;padding-left:1.2rem}ul.changes code{font-size:.92rem}
p.recommend{font-size:1.15rem}ul.changes li,table.front ul li{list-style:square}table.front ul{margin:0;padding-left:1rem}
table.front td.name{max-width:26rem}p.flip{background:#fde8d4;border-left:4px solid #a35200;padding:.2rem .5rem}";

fn class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Equivalent => "same",
        _ => "open",
    }
}

/// The section, `<section id="improve">`.
pub fn section_html(imp: &Improvement) -> String {
    let mut o = String::new();
    let orig = html(&imp.original.name);
    let _ = writeln!(o, "<section id=\"improve\"><h2>Improving {orig}</h2>");
    let _ = writeln!(
        o,
        "<p class=\"lead\">{} candidate models, each <b>{orig}</b> with one or two documented edits, raced on the same attacks (common random numbers) over {} scenario{}; the finalists ran {} runs per scenario, seed {}. Differences are candidate minus original, pooled over scenarios, with 95% intervals; verdicts by the report's rule (<a href=\"#def-verdict\">verdicts</a>; thresholds: {}).</p>",
        imp.candidates.len(),
        imp.scenarios.len(),
        if imp.scenarios.len() == 1 { "" } else { "s" },
        thousands(imp.final_runs),
        imp.seed,
        html(&imp.practical.describe())
    );
    match recommended(imp) {
        Some((c, f)) => recommendation(&mut o, imp, c, f),
        None => {
            let _ = writeln!(o, "<p class=\"recommend\"><b>No recommendation:</b> no candidate beat {orig} by the verdict rule (shorter time to containment beyond the practical threshold without being worse on missed or wrongful revocations). The front below is what the search found; none of it is a clear improvement. When one or two edits cannot help, the model may have gaps they cannot close: <code>raci-sim lint</code> on the model file lists rows without an owner.</p>");
        }
    }
    front_table(&mut o, imp);
    search(&mut o, imp);
    o.push_str("</section>\n");
    o
}

/// The recommended change: what to change, what it buys, what it costs, how sure.
fn recommendation(o: &mut String, imp: &Improvement, c: &Candidate, f: Option<&Finalist>) {
    let _ = writeln!(
        o,
        "<p class=\"recommend\">Recommended change ({}, <a href=\"{}\">{}</a>):</p>",
        edits_text(c.edits.len()),
        html(&ron_path(c)),
        html(&c.id)
    );
    changes_list(o, c);
    if let Some(f) = f {
        o.push_str("<ul class=\"trade\">");
        for (j, p) in f.versus_original.iter().enumerate().take(3) {
            let _ = write!(o, "<li>{}</li>", buys(j, p));
        }
        o.push_str("</ul>\n");
    }
    let reason = imp.recommended.as_ref().map_or("", |r| r.reason.as_str());
    let _ = writeln!(
        o,
        "<p>It costs {}: weighed {} ({}). Why this one: {}{}</p>",
        html(&cost_parts(c)),
        trim_number(weighed(
            imp,
            imp.recommended.as_ref().map_or(0, |r| r.candidate)
        )),
        html(&weights_text(&imp.weights)),
        html(reason),
        if reason.ends_with('.') { "" } else { "." }
    );
    if let Some(other) = super::fastest_other(imp) {
        let _ = writeln!(
            o,
            "<p>The fastest front model is {}. The comparison further down ranks the models by time to containment alone, without their cost, so its \"prefer\" may name that one: weigh the extra gain against the extra cost.</p>",
            html(&other)
        );
    }
    sure(o, imp);
}

/// "time to containment: 12.0h against 20.1h, -8.1h (95% CI ...): better (threshold 2.0h)".
fn buys(j: usize, p: &Pooled) -> String {
    format!(
        "{}: {} against {}, {}: <span class=\"v-{}\">{}</span> (threshold {})",
        LABELS[j],
        html(&value(j, p.model_mean)),
        html(&value(j, p.reference_mean)),
        html(&diff_ci(j, p)),
        class(p.verdict),
        p.verdict.text(),
        html(&value(j, p.threshold))
    )
}

fn changes_list(o: &mut String, c: &Candidate) {
    o.push_str("<ul class=\"changes\">");
    for line in &c.changes {
        let _ = write!(o, "<li><code>{}</code></li>", html(line));
    }
    o.push_str("</ul>\n");
}

/// How sure: the tornado and the flips in words.
fn sure(o: &mut String, imp: &Improvement) {
    let Some(s) = &imp.sensitivity else {
        o.push_str("<p class=\"muted\">The sensitivity of the recommendation to the calibration assumptions was not measured.</p>\n");
        return;
    };
    let _ = writeln!(o, "<h3>How sure: if a calibration assumption is wrong</h3>");
    let fl = flips(imp);
    if fl.is_empty() {
        let _ = writeln!(
            o,
            "<p>The verdict on time to containment (<b>{}</b>) holds with every one of the {} assumptions moved to either end of its documented range.</p>",
            s.base.verdict.text(),
            s.bars.len()
        );
    } else {
        let _ = writeln!(
            o,
            "<p class=\"flip\">The verdict on time to containment (<b>{}</b> at the calibrated values) <b>flips</b> if {}: {}.</p>",
            s.base.verdict.text(),
            if fl.len() == 1 { "this assumption is wrong" } else { "these assumptions are wrong" },
            html(&fl.join("; "))
        );
    }
    let rec = recommended(imp).map_or("", |(c, _)| c.name.as_str());
    let svg = super::tornado_svg(s, &imp.original.name, rec);
    let _ = writeln!(
        o,
        "<figure class=\"fig\">{svg}<figcaption>Each bar moves one assumption for both models, from its low to its high end ({} runs per scenario at each end); widest swing first. <a href=\"improve/tornado.svg\">SVG</a></figcaption></figure>",
        s.runs
    );
    o.push_str("<div class=\"wide\"><table><thead><tr><th class=\"name\">assumption</th><th class=\"name\">range and source</th><th>low end</th><th>high end</th><th class=\"name\">verdict</th></tr></thead><tbody>\n");
    for b in &s.bars {
        let end = |label: &str, p: &Pooled| {
            format!(
                "<td class=\"{}\">{}: {} {}</td>",
                class(p.verdict),
                html(label),
                html(&diff_ci(0, p)),
                p.verdict.text()
            )
        };
        let _ = writeln!(
            o,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td>{}{}<td class=\"name\">{}</td></tr>",
            html(b.assumption),
            html(&b.range),
            end(&b.low_label, &b.low),
            end(&b.high_label, &b.high),
            if b.flips { "<b>flips</b>" } else { "holds" }
        );
    }
    o.push_str("</tbody></table></div>\n");
}

/// Every front model: changes, cost, the three metrics against the original.
fn front_table(o: &mut String, imp: &Improvement) {
    let fr = front(imp);
    let _ = writeln!(
        o,
        "<h3>The front: {} model{} no other finalist beats on all of time to containment, missed revocations, wrongful revocations and cost</h3>",
        fr.len(),
        if fr.len() == 1 { "" } else { "s" }
    );
    o.push_str("<div class=\"wide\"><table class=\"front\"><thead><tr><th class=\"name\">model</th><th class=\"name\">change in RACI terms</th><th>weighed cost</th>");
    for (j, label) in SHORT.iter().enumerate() {
        let _ = write!(
            o,
            "<th title=\"{}\">{label}<br><small>vs original</small></th>",
            LABELS[j]
        );
    }
    o.push_str("</tr></thead><tbody>\n");
    let _ = write!(
        o,
        "<tr><td class=\"name\">{} <small>(original)</small></td><td class=\"name\">none</td><td>0</td>",
        html(&imp.original.name)
    );
    for j in 0..3 {
        let _ = write!(o, "<td>{}</td>", html(&value(j, imp.original_means[j])));
    }
    o.push_str("</tr>\n");
    for f in &fr {
        let c = &imp.candidates[f.candidate];
        let rec = imp
            .recommended
            .as_ref()
            .is_some_and(|r| r.candidate == f.candidate);
        let _ = write!(
            o,
            "<tr><td class=\"name\"><a href=\"{}\">{}</a>{}</td><td class=\"name\"><ul>",
            html(&ron_path(c)),
            html(&c.id),
            if rec { " <b>recommended</b>" } else { "" }
        );
        for line in &c.changes {
            let _ = write!(o, "<li><code>{}</code></li>", html(line));
        }
        let _ = write!(
            o,
            "</ul></td><td title=\"{}\">{}</td>",
            html(&cost_parts(c)),
            trim_number(weighed(imp, f.candidate))
        );
        for (j, p) in f.versus_original.iter().enumerate().take(3) {
            let _ = write!(
                o,
                "<td class=\"{}\">{}<br><small>{} {}</small></td>",
                class(p.verdict),
                html(&value(j, p.model_mean)),
                html(&diff_ci(j, p)),
                p.verdict.text()
            );
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div>\n");
    if fr.is_empty() {
        o.push_str("<p>No finalist is on the front.</p>\n");
    }
}

/// How the search went: candidates, rounds, runs, the files.
fn search(o: &mut String, imp: &Improvement) {
    let pairs = imp.candidates.len().saturating_sub(imp.singles);
    let _ = writeln!(
        o,
        "<h3>How the search went</h3>\n<p>{} candidates: {} with one edit, {} with two. Successive halving: every round each remaining candidate and the original run the same first runs of every scenario; the weaker part is dropped and the rest get more runs (docs/improve.md, \"Racing\").</p>",
        imp.candidates.len(),
        imp.singles,
        pairs
    );
    o.push_str("<table><thead><tr><th>round</th><th>runs per scenario</th><th>entrants</th><th>kept</th><th>runs simulated</th></tr></thead><tbody>\n");
    for (i, r) in imp.rounds.iter().enumerate() {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            thousands(r.runs),
            r.entrants,
            r.kept,
            thousands(r.simulated)
        );
    }
    o.push_str("</tbody></table>\n");
    let _ = writeln!(
        o,
        "<p>The race simulated {} runs; evaluating every candidate at {} runs per scenario would have taken {}: {}. Runs simulated in all, sensitivity included: {}.</p>",
        thousands(race_runs(imp)),
        thousands(imp.final_runs),
        thousands(imp.runs_without_racing),
        saved_text(imp),
        thousands(imp.runs_simulated)
    );
    o.push_str("<p>Files: <a href=\"improve/changes.md\">changes.md</a> (the front in RACI terms), <a href=\"improve/candidates.csv\">candidates.csv</a> (every candidate), <a href=\"improve/improve.json\">improve.json</a> (everything)");
    if imp.sensitivity.is_some() {
        o.push_str(", <a href=\"improve/tornado.svg\">tornado.svg</a>");
    }
    o.push_str("; front models:");
    for f in front(imp) {
        let c = &imp.candidates[f.candidate];
        let _ = write!(
            o,
            " <a href=\"{}\">{}.ron</a>",
            html(&ron_path(c)),
            html(&c.id)
        );
    }
    o.push_str(".</p>\n");
}

/// The block at the top of summary.md.
pub fn summary_markdown(imp: &Improvement) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## Improving {}\n", markdown(&imp.original.name));
    match recommended(imp) {
        Some((c, f)) => {
            let _ = writeln!(
                o,
                "Recommended change ({}, `{}`), weighed cost {}:\n",
                edits_text(c.edits.len()),
                ron_path(c),
                trim_number(c.cost.weighed(&imp.weights))
            );
            for line in &c.changes {
                let _ = writeln!(o, "- {}", super::code_span(line));
            }
            if let Some(p) = f.and_then(|f| f.versus_original.first()) {
                let _ = writeln!(
                    o,
                    "- {}: {}, {}",
                    LABELS[0],
                    markdown(&diff_ci(0, p)),
                    p.verdict.text()
                );
            }
            if let Some(other) = super::fastest_other(imp) {
                let _ = writeln!(
                    o,
                    "- fastest on the front: {} (the decision below ranks by time alone, without cost)",
                    markdown(&other)
                );
            }
        }
        None => {
            let _ = writeln!(o, "No candidate beat the original by the verdict rule.");
        }
    }
    let fl = flips(imp);
    if !fl.is_empty() {
        let _ = writeln!(o, "- the verdict flips if: {}", markdown(&fl.join("; ")));
    }
    let _ = writeln!(
        o,
        "\n{} front model{}, {} candidates; details in `improve/changes.md`.\n",
        front(imp).len(),
        if front(imp).len() == 1 { "" } else { "s" },
        imp.candidates.len()
    );
    o
}
