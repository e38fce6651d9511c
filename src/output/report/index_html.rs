//! index.html: the report's one page, headlines first, then the plots, the method and the
//! inputs, in sections of one function each. Styles are inline; every input string is escaped.

use std::fmt::Write as _;

use super::files::{diff_text, pct, rank_of, ranking_sentence, ttc, value};
use super::style::CSS;
use super::{plot_files, Exporter, Report};
use crate::analysis::compare::{Comparison, MetricDiff, ScenarioResult, Verdict};
use crate::output::escape::html;

pub struct IndexHtml;

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        _ => "same",
    }
}

fn headline_table(o: &mut String, c: &Comparison, s: &ScenarioResult) {
    o.push_str("<table><thead><tr><th>rank</th><th class=\"name\">model</th><th>contained</th><th>TTC p50</th><th>TTC p90</th><th>dwell p50</th><th>re-entered</th><th>abandoned tasks / run</th><th>restricted mean TTC<br><small>vs baseline [95% CI]</small></th><th>missed revocations / run<br><small>vs baseline</small></th><th>wrongful / benign run<br><small>vs baseline</small></th><th>stalled / run<br><small>vs baseline</small></th></tr></thead><tbody>\n");
    for (i, m) in s.models.iter().enumerate() {
        let sm = &m.summary;
        let name = &c.models[i].name;
        let base = i == c.baseline;
        let cell = |d: &MetricDiff| {
            let class = if base {
                "same"
            } else {
                verdict_class(d.verdict)
            };
            format!(
                "<td class=\"{class}\">{}<br><small>{}</small></td>",
                html(&value(d.metric, d.model_mean)),
                html(&diff_text(d, base))
            )
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"name\">{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td>{}{}{}{}</tr>",
            rank_of(&s.ranking, name).rank,
            html(name),
            if base { " <small>(baseline)</small>" } else { "" },
            pct(sm.share_contained),
            html(&ttc(sm, sm.time_to_containment_p50)),
            html(&ttc(sm, sm.time_to_containment_p90)),
            html(&ttc(sm, sm.dwell_p50)),
            pct(sm.share_re_entered),
            sm.abandoned_mean,
            cell(&m.diffs[0]),
            cell(&m.diffs[2]),
            cell(&m.diffs[4]),
            cell(&m.diffs[3]),
        );
    }
    o.push_str("</tbody></table>\n");
}

impl Exporter for IndexHtml {
    fn file_name(&self) -> &'static str {
        "index.html"
    }

    fn render(&self, r: &Report) -> Vec<u8> {
        let c = r.comparison;
        let plots = plot_files(c);
        let mut o = String::new();
        index_lead(&mut o, c);
        let _ = writeln!(
            o,
            "<p class=\"basis\">{}</p>",
            super::provenance_html::basis_line(r)
        );
        index_headlines(&mut o, c, &plots);
        index_plots(&mut o, c, &plots);
        index_method(&mut o);
        super::provenance_html::provenance_section(&mut o, r);
        o.push_str("</body></html>\n");
        o.into_bytes()
    }
}

/// The SVG of plot file `name`, or nothing.
fn plot<'a>(plots: &'a [(String, String)], name: &str) -> &'a str {
    plots
        .iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, svg)| svg.as_str())
}

/// The page head and the lead paragraph.
fn index_lead(o: &mut String, c: &Comparison) {
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Ownership model comparison</title><style>{CSS}</style></head><body>\n"
    );
    let _ = writeln!(o, "<h1>Ownership model comparison</h1>");
    let _ = writeln!(
        o,
        "<p class=\"lead\">{} ownership models on {} breach scenarios, {} simulated runs each (seed {}), compared with the baseline <b>{}</b> on the same attacks. Time to containment (TTC) is until the attacker first holds no working credential; <i>&gt; horizon</i> means that share of attacks was not contained. Green: better than the baseline; red: worse; grey: cannot be told apart at this many runs.</p>",
        c.models.len(),
        c.scenarios.len(),
        c.runs,
        c.seed,
        html(&c.models[c.baseline].name)
    );
}

/// Per scenario: the ranking, the headline table and the survival plot.
fn index_headlines(o: &mut String, c: &Comparison, plots: &[(String, String)]) {
    let _ = writeln!(o, "<h2>Headlines</h2>");
    for (k, s) in c.scenarios.iter().enumerate() {
        let _ = writeln!(o, "<h3>{}</h3>", html(&s.scenario.name));
        let _ = writeln!(o, "<p><small>{}</small></p>", html(&s.scenario.summary));
        let _ = writeln!(o, "<p>Ranking: {}.</p>", ranking_sentence(s, c.runs, html));
        headline_table(o, c, s);
        let _ = writeln!(
            o,
            "<div class=\"plot\">{}</div>",
            plot(plots, &format!("survival-{:02}.svg", k + 1))
        );
        o.push_str(&super::credentials::html_table(c, s));
    }
}

/// What is missed and where time goes, then handoffs and team load per model.
fn index_plots(o: &mut String, c: &Comparison, plots: &[(String, String)]) {
    let _ = writeln!(o, "<h2>What is missed, and where time goes</h2>");
    let _ = writeln!(
        o,
        "<div class=\"plot\">{}</div>",
        plot(plots, "missed-by-kind.svg")
    );
    let _ = writeln!(
        o,
        "<div class=\"plot\">{}</div>",
        plot(plots, "wait-by-cause.svg")
    );
    let _ = writeln!(o, "<h2>Handoffs and team load, per model</h2>");
    for (m, model) in c.models.iter().enumerate() {
        let _ = writeln!(o, "<h3>{}</h3>", html(&model.name));
        let _ = writeln!(o, "<p><small>{}</small></p>", html(&model.summary));
        let _ = writeln!(
            o,
            "<div class=\"plot\">{}</div><div class=\"plot\">{}</div>",
            plot(plots, &format!("handoffs-{:02}.svg", m + 1)),
            plot(plots, &format!("utilisation-{:02}.svg", m + 1))
        );
    }
}

/// How the numbers were made, in five sentences.
fn index_method(o: &mut String) {
    let _ = writeln!(o, "<h2>Method</h2><ul>");
    for line in [
        "Each run replays the scenario's attack with its own random streams for the attacker, each team and each stage, keyed by the seed and run index, so every model faces the same attacks (common random numbers) and differences come from the models.",
        "Differences are model minus baseline, averaged over runs, with a 95% paired t interval. At these run counts the mean of independent per-run differences is normal to a very good approximation; the interval is exact when every difference is zero.",
        "Restricted mean time to containment counts an attack not contained by the horizon as the horizon, so no run is dropped. Survival curves are Kaplan-Meier estimates of the share of attacks not yet contained.",
        "Models are ranked by restricted mean time to containment; a model whose paired interval with the model ranked just above contains zero shares its rank.",
        "Every parameter of the shipped scenarios and models cites a source article or public figure, or is labelled an assumption in its file. Read differences as consequences of the ownership choices under those assumptions.",
    ] {
        let _ = writeln!(o, "<li>{}</li>", html(line));
    }
    o.push_str("</ul>\n");
}
