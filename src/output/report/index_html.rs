//! index.html: the report's one page: the decision on the first screen, the contents, then one
//! section per function (`SECTIONS` in page order). Styles are inline; every input string is escaped.

use std::fmt::Write as _;

use super::style::CSS;
use super::{Exporter, Report};
use crate::output::escape::html;

pub struct IndexHtml;

impl Exporter for IndexHtml {
    fn file_name(&self) -> &'static str {
        "index.html"
    }

    fn render(&self, r: &Report) -> Vec<u8> {
        let c = r.comparison;
        let mut o = String::new();
        page_head(&mut o, r.improvement.is_some());
        if let Some(imp) = r.improvement {
            o.push_str(&crate::output::improve::section_html(imp));
        }
        super::decision_html::first_screen(&mut o, r, &super::provenance_html::basis_line(r));
        contents(&mut o, r.improvement.map(|i| i.original.name.as_str()));
        super::decision_html::ranking_section(&mut o, r);
        super::figures_html::tradeoff_section(&mut o, r);
        index_headlines(&mut o, r);
        super::raci_html::raci_section(&mut o, r);
        super::lint_html::lint_section(&mut o, r);
        super::figures_html::teams_section(&mut o, r);
        super::figures_html::all_plots_section(&mut o, r);
        super::glossary_html::definitions_section(&mut o, &c.practical);
        index_method(&mut o);
        super::provenance_html::provenance_section(&mut o, r);
        o.push_str("</body></html>\n");
        o.into_bytes()
    }
}

/// The sections of the page, in order: (id, title).
const SECTIONS: [(&str, &str); 10] = [
    ("ranking", "Ranking across scenarios"),
    (
        "tradeoff",
        "Trade-off: time to containment against wrongful disruption",
    ),
    ("scenarios", "Scenario by scenario"),
    ("raci", "Who owns what: the RACI matrices"),
    ("lint", "Lint findings beside what the runs show"),
    ("teams", "Handoffs and team load, per model"),
    ("plots", "All plots"),
    ("definitions", "What the numbers mean"),
    ("method", "Method"),
    ("provenance", "Provenance"),
];

/// The table of contents.
fn contents(o: &mut String, improving: Option<&str>) {
    o.push_str("<nav id=\"contents\"><h2>Contents</h2><ol>");
    if let Some(name) = improving {
        let _ = write!(
            o,
            "<li><a href=\"#improve\">Improving {}</a></li>",
            html(name)
        );
    }
    for (id, title) in SECTIONS {
        let _ = write!(o, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    o.push_str("</ol></nav>\n");
}

/// The page head.
fn page_head(o: &mut String, improving: bool) {
    let extra = if improving {
        format!("\n{}", crate::output::improve::CSS)
    } else {
        String::new()
    };
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Ownership model comparison</title><style>{CSS}\n{}{extra}</style></head><body>\n",
        super::decision_html::CSS
    );
}

/// Per scenario: the ranking, the table, the plots and the credentials.
fn index_headlines(o: &mut String, r: &Report) {
    let c = r.comparison;
    let _ = writeln!(o, "<section id=\"scenarios\"><h2>Scenario by scenario</h2>");
    let _ = writeln!(
        o,
        "<p>Each model against the baseline <b>{}</b> on the same attacks. Green: better; red: worse; grey: equivalent (the difference is too small to matter); yellow: inconclusive. See <a href=\"#def-verdict\">verdicts</a>.</p>",
        html(&c.models[c.baseline].name)
    );
    for (k, s) in c.scenarios.iter().enumerate() {
        super::scenario_html::scenario_head(o, c, k);
        super::figures_html::scenario_figures(o, r, k);
        o.push_str(&super::credentials::html_table(c, s));
    }
    o.push_str("</section>\n");
}

/// How the numbers were made, in five sentences.
fn index_method(o: &mut String) {
    let _ = writeln!(o, "<section id=\"method\"><h2>Method</h2><ul>");
    for line in [
        "Each run replays the scenario's attack with its own random streams for the attacker, each team and each stage, keyed by the seed and run index, so every model faces the same attacks (common random numbers) and differences come from the models.",
        "Differences are model minus baseline, averaged over runs, with a 95% paired t interval. At these run counts the mean of independent per-run differences is normal to a very good approximation; the interval is exact when every difference is zero.",
        "Restricted mean time to containment counts an attack not contained by the horizon as the horizon, so no run is dropped. Survival curves are Kaplan-Meier estimates of the share of attacks not yet contained.",
        "Verdicts have practical significance: better or worse only when the 95% interval excludes zero and the difference exceeds the practical threshold; equivalent when the whole interval lies within the threshold; inconclusive otherwise.",
        "Models are ranked by restricted mean time to containment; walking down the sorted models, a model shares the rank of the group above unless a model of that group is better than it, so no model is ranked above or tied with one that beats it. Across scenarios every scenario weighs the same: overall values are means over scenarios, and a pooled difference averages the per-scenario paired differences.",
        "Every parameter of the shipped scenarios and models cites a source article or public figure, or is labelled an assumption in its file. Read differences as consequences of the ownership choices under those assumptions.",
    ] {
        let _ = writeln!(o, "<li>{}</li>", html(line));
    }
    o.push_str("</ul></section>\n");
}
