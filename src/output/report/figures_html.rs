//! The report page's charts: the trade-off section, each scenario's small multiples, handoffs
//! and team load per model, and the list of every plot file written. Each chart is inlined
//! as SVG (drawn at the width it is shown at) and written to `plots/` (`plots::charts`).

use std::fmt::Write as _;

use super::plots::tradeoff::{dominated_by, Point};
use super::plots::{charts, colour, has_benign, teams, tradeoff_points, Chart, PANEL_W};
use super::Report;
use crate::domain::duration::format_human;
use crate::output::escape::html;

/// A chart inline, with its caption and a link to its file; `natural` keeps a chart wider than
/// the page at its size (in a scrolling box) instead of shrinking its text.
fn figure(o: &mut String, r: &Report, chart: Chart, caption: &str, natural: bool) {
    let svg = chart.render(r.comparison);
    let file = chart.file();
    if natural {
        o.push_str("<div class=\"wide\">");
    }
    let _ = write!(
        o,
        "<figure class=\"fig{}\">{svg}<figcaption>{caption} <a href=\"plots/{file}\">SVG</a></figcaption></figure>",
        if natural { " natural" } else { "" }
    );
    if natural {
        o.push_str("</div>");
    }
    o.push('\n');
}

/// A colour swatch for model `i`.
pub fn swatch(i: usize) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        colour(i)
    )
}

const SURVIVAL: &str = "Each line is a model: the share of attacks it has not yet contained, falling as attacks are contained (<a href=\"#def-ttc\">time to containment</a>, log scale). A thick tick at the right edge marks runs still not contained at the horizon: <a href=\"#def-censored\">censored</a> there, never dropped; the legend gives each model's censored share.";
const WAIT: &str = "Mean time tasks waited per run, split by what they waited for; a wait with an ownership cause is a <a href=\"#def-stall\">stall</a>. Causes with no wait under any model are left out.";
const MISSED: &str = "<a href=\"#def-missed\">Missed revocations</a> per attack run, by credential kind. Kinds no model missed are left out.";
const ABANDONED: &str =
    "Tasks nobody would ever do (no owner, no escalation) per run, by the cause of their wait.";
const SCENARIO_TRADEOFF: &str = "Lower left is better. Filled: on the frontier (no other model is both faster and less disruptive); hollow: dominated. See the <a href=\"#tradeoff\">trade-off over all scenarios</a>.";

/// Scenario `k`'s charts: survival curves across the page, then panels in a grid.
pub fn scenario_figures(o: &mut String, r: &Report, k: usize) {
    figure(o, r, Chart::Survival(k), SURVIVAL, false);
    o.push_str("<div class=\"figs\">\n");
    figure(o, r, Chart::Wait(k), WAIT, false);
    figure(o, r, Chart::Missed(k), MISSED, false);
    figure(o, r, Chart::Abandoned(k), ABANDONED, false);
    if has_benign(&r.comparison.scenarios[k]) {
        figure(o, r, Chart::ScenarioTradeoff(k), SCENARIO_TRADEOFF, false);
    }
    o.push_str("</div>\n");
}

/// The trade-off over all scenarios: the chart and a table of both values and each model's
/// place on the frontier.
pub fn tradeoff_section(o: &mut String, r: &Report) {
    let c = r.comparison;
    let benign = c.scenarios.iter().filter(|s| has_benign(s)).count();
    let _ = writeln!(
        o,
        "<section id=\"tradeoff\"><h2>Trade-off: <a href=\"#def-ttc\">time to containment</a> against <a href=\"#def-wrongful\">wrongful disruption</a></h2>"
    );
    if benign == 0 {
        let _ = writeln!(
            o,
            "<p>No scenario of this comparison has benign runs, so wrongful disruption is not measured and there is no trade-off to show; models are compared on time to containment alone.</p>"
        );
    } else {
        let _ = writeln!(
            o,
            "<p>Each model's <a href=\"#def-restricted-mean\">restricted mean time to containment</a> (the mean over {} scenarios, each weighing the same) against its wrongful revocations per benign run (the mean over the {benign} scenarios with benign runs). Lower is better on both. A model is on the <b>frontier</b> (filled, joined by the dashed line) when no other model is both faster and less disruptive; a hollow point is dominated: some model beats it on both. Choosing between frontier models is a trade: faster containment at the cost of more wrongful revocations.</p>",
            c.scenarios.len()
        );
        figure(
            o,
            r,
            Chart::Tradeoff,
            "Lower left is better; each scenario's own trade-off is drawn with the scenario.",
            false,
        );
    }
    tradeoff_table(o, r, benign > 0);
    o.push_str("</section>\n");
}

/// The models sorted by restricted mean time to containment, with both values and their
/// place on the frontier.
fn tradeoff_table(o: &mut String, r: &Report, measured: bool) {
    let c = r.comparison;
    let points: Vec<Point> = tradeoff_points(c);
    let dom = dominated_by(&points.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>());
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| points[a].x.total_cmp(&points[b].x).then(a.cmp(&b)));
    o.push_str("<div class=\"wide\"><table><thead><tr><th title=\"the number a point carries in the chart when its name does not fit\">point</th><th class=\"name\">model</th><th><a href=\"#def-restricted-mean\">restricted mean TTC</a><br><small>mean over scenarios</small></th><th><a href=\"#def-wrongful\">wrongful revocations / benign run</a><br><small>mean over scenarios with benign runs</small></th><th class=\"name\">frontier</th></tr></thead><tbody>\n");
    for i in order {
        let p = &points[i];
        let status = if dom[i].is_empty() {
            "<b>on the frontier</b>".to_string()
        } else {
            let names: Vec<String> = dom[i]
                .iter()
                .filter(|&&j| dom[j].is_empty())
                .map(|&j| html(&points[j].name))
                .collect();
            format!("dominated by {}", names.join(", "))
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"name\">{}{}</td><td>{}</td><td>{}</td><td class=\"name\">{status}</td></tr>",
            i + 1,
            swatch(i),
            html(&p.name),
            html(&format_human(p.x)),
            if measured { format!("{:.2}", p.y) } else { "not measured".into() },
        );
    }
    o.push_str("</tbody></table></div>\n");
}

const HEATMAP: &str = "Rows hand off to columns: the wait is from the handoff until the receiving team starts. Teams that sent (received) no handoff have no row (column).";
const UTILISATION: &str = "Time each team spent working over the time it was staffed, all scenarios together; idle teams are left out.";

/// Per model: the handoff heatmap and team utilisation.
pub fn teams_section(o: &mut String, r: &Report) {
    let c = r.comparison;
    let _ = writeln!(
        o,
        "<section id=\"teams\"><h2>Handoffs and team load, per model</h2>"
    );
    for (m, model) in c.models.iter().enumerate() {
        let _ = writeln!(o, "<h3>{}{}</h3>", swatch(m), html(&model.name));
        let _ = writeln!(o, "<p><small>{}</small></p>", html(&model.summary));
        let w = teams::heatmap_width(c, m);
        if w <= PANEL_W {
            o.push_str("<div class=\"figs\">\n");
            figure(o, r, Chart::Handoffs(m), HEATMAP, false);
        } else {
            figure(o, r, Chart::Handoffs(m), HEATMAP, w > 1060.0);
            o.push_str("<div class=\"figs\">\n");
        }
        figure(o, r, Chart::Utilisation(m), UTILISATION, false);
        o.push_str("</div>\n");
    }
    o.push_str("</section>\n");
}

/// A chart's name in the list of plots.
fn short(chart: Chart) -> &'static str {
    match chart {
        Chart::Tradeoff => "trade-off over all scenarios",
        Chart::Survival(_) => "share not yet contained",
        Chart::Wait(_) => "waiting by cause",
        Chart::Missed(_) => "missed revocations by kind",
        Chart::Abandoned(_) => "abandoned tasks by cause",
        Chart::ScenarioTradeoff(_) => "trade-off",
        Chart::Handoffs(_) => "handoffs",
        Chart::Utilisation(_) => "team utilisation",
    }
}

/// The text of the first `<title>` of an SVG file, unescaped; `None` when it has none.
fn svg_title(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<title>")? + "<title>".len();
    let end = start + text[start..].find("</title>")?;
    Some(
        text[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// Every plot file written, linked: the report's charts by scenario and by model, then every
/// SVG among the extra files (a study's sweep plots).
pub fn all_plots_section(o: &mut String, r: &Report) {
    let c = r.comparison;
    let _ = writeln!(
        o,
        "<section id=\"plots\"><h2>All plots</h2><p>Every chart of this report is also a file in <code>plots/</code>, to open or reuse on its own.</p><ul class=\"plots\">"
    );
    let link = |chart: Chart| {
        format!(
            "<a href=\"plots/{}\" title=\"{}\">{}</a>",
            chart.file(),
            html(&chart.text(c).full),
            short(chart)
        )
    };
    let all = charts(c);
    let group = |o: &mut String, label: String, of: &dyn Fn(Chart) -> bool| {
        let links: Vec<String> = all.iter().copied().filter(|&ch| of(ch)).map(link).collect();
        if !links.is_empty() {
            let _ = writeln!(o, "<li>{label}: {}</li>", links.join(" · "));
        }
    };
    group(o, "All scenarios".into(), &|ch| ch == Chart::Tradeoff);
    for (k, s) in c.scenarios.iter().enumerate() {
        group(
            o,
            format!("<b>{}</b>", html(&s.scenario.name)),
            &|ch| matches!(ch, Chart::Survival(j) | Chart::Wait(j) | Chart::Missed(j) | Chart::Abandoned(j) | Chart::ScenarioTradeoff(j) if j == k),
        );
    }
    for (m, model) in c.models.iter().enumerate() {
        group(
            o,
            format!("{}{}", swatch(m), html(&model.name)),
            &|ch| matches!(ch, Chart::Handoffs(j) | Chart::Utilisation(j) if j == m),
        );
    }
    let extra: Vec<&(String, Vec<u8>)> = r
        .extra
        .iter()
        .filter(|(p, _)| p.ends_with(".svg"))
        .collect();
    for (path, bytes) in &extra {
        let title = svg_title(bytes).unwrap_or_else(|| path.clone());
        let _ = writeln!(
            o,
            "<li>{}: <a href=\"{}\">{}</a></li>",
            if path.contains("sweep-") {
                "Sweep"
            } else {
                "Study"
            },
            html(path),
            html(&title)
        );
    }
    o.push_str("</ul>\n");
    extra_figures(o, &extra);
    o.push_str("</section>\n");
}

/// The study's own plots (a sweep's), shown here since no other section draws them.
fn extra_figures(o: &mut String, extra: &[&(String, Vec<u8>)]) {
    if extra.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h3>Sweep</h3><p>Each metric at every point of the study's sweep grid, one line per model, each the mean over the study's scenarios.</p>"
    );
    for (path, bytes) in extra {
        // Written by raci-sim (analysis::sweep) into this folder: an SVG document as text.
        let Ok(svg) = std::str::from_utf8(bytes) else {
            continue;
        };
        let _ = writeln!(
            o,
            "<figure class=\"fig\">{svg}<figcaption><a href=\"{}\">SVG</a></figcaption></figure>",
            html(path)
        );
    }
}
