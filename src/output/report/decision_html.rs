//! The report's first screen (which model to prefer, the runner-up, the headline difference in
//! words with its interval, the risk each model leaves, the basis) and the overall ranking.

use std::fmt::Write as _;

use super::files::pct;
use super::Report;
use crate::analysis::compare::{Comparison, METRICS};
use crate::analysis::decision::{OverallEntry, Pooled, Tally};
use crate::analysis::verdict::Verdict;
use crate::domain::duration::format_human;
use crate::output::escape::html;

/// Metric indices in `METRICS`.
const TTC: usize = 0;
const CONTAINED: usize = 1;
const MISSED: usize = 2;
const STALLED: usize = 3;
const WRONGFUL: usize = 4;
const DAMAGE: usize = 5;

/// Hours in words: "6.2h", "45m", "3.1d".
fn hours(h: f64) -> String {
    format_human(h.abs() * 3600.0)
}

/// A signed number of hours: "+1.2h", "-45m", "0s".
fn signed_hours(h: f64) -> String {
    let sign = if h > 0.0 {
        "+"
    } else if h < 0.0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{}", hours(h))
}

/// A value of metric `k` in its unit.
fn metric_value(k: usize, v: f64) -> String {
    match METRICS[k].kind {
        crate::analysis::verdict::MetricKind::Time => hours(v),
        crate::analysis::verdict::MetricKind::Share => pct(v),
        crate::analysis::verdict::MetricKind::Damage => signed_thousands(v),
        _ => format!("{v:.2}"),
    }
}

/// A whole number with thousands separators and its sign: "-1,234", "56,789".
fn signed_thousands(v: f64) -> String {
    let sign = if v.round() < 0.0 { "-" } else { "" };
    format!("{sign}{}", thousands(v.abs().round() as u64))
}

/// A signed difference of metric `k`: "+0.12", "-1.5 pts", "+2.0h"; never "-0.00".
fn metric_signed(k: usize, v: f64) -> String {
    let shown_zero = match METRICS[k].kind {
        crate::analysis::verdict::MetricKind::Share => (v * 1000.0).round() == 0.0,
        crate::analysis::verdict::MetricKind::Time => false,
        _ => (v * 100.0).round() == 0.0,
    };
    let v = if shown_zero { 0.0 } else { v };
    if METRICS[k].kind == crate::analysis::verdict::MetricKind::Damage {
        let t = signed_thousands(v);
        return if t.starts_with('-') || t == "0" {
            t
        } else {
            format!("+{t}")
        };
    }
    match METRICS[k].kind {
        crate::analysis::verdict::MetricKind::Time => signed_hours(v),
        crate::analysis::verdict::MetricKind::Share => format!("{:+.1} pts", 100.0 * v),
        _ => format!("{v:+.2}"),
    }
}

/// "better on 9, equivalent on 3, inconclusive on 2 of 14 scenarios"
pub fn tally_text(t: &Tally, scenarios: usize) -> String {
    let mut parts = Vec::new();
    for (n, word) in [
        (t.better, "better"),
        (t.equivalent, "equivalent"),
        (t.inconclusive, "inconclusive"),
        (t.worse, "worse"),
    ] {
        if n > 0 {
            parts.push(format!("{word} on {n}"));
        }
    }
    if parts.is_empty() {
        return format!("no data on any of {scenarios} scenarios");
    }
    format!("{} of {scenarios} scenarios", parts.join(", "))
}

/// An interval of "sooner" hours in words: "2.5h to 5.1h sooner", "1.0h later to 3.0h sooner".
fn sooner_range(low: f64, high: f64) -> String {
    let word = |h: f64| {
        if h >= 0.0 {
            format!("{} sooner", hours(h))
        } else {
            format!("{} later", hours(h))
        }
    };
    if low >= 0.0 {
        format!("{} to {} sooner", hours(low), hours(high))
    } else if high <= 0.0 {
        format!("{} to {} later", hours(high), hours(low))
    } else {
        format!("{} to {}", word(low), word(high))
    }
}

/// The headline sentence on time to containment, preferred against runner-up.
fn ttc_sentence(p: &Pooled, a: &str, b: &str, scenarios: usize) -> String {
    let d = &p.difference;
    // Sooner is minus the difference (model minus reference).
    let (sooner, low, high) = (-d.mean, -d.high, -d.low);
    let ci = format!("95% CI {}", sooner_range(low, high));
    let amount = if sooner >= 0.0 {
        format!("{} sooner", hours(sooner))
    } else {
        format!("{} later", hours(sooner))
    };
    let over = format!(
        "on average over {} scenario{}",
        p.scenarios,
        if p.scenarios == 1 { "" } else { "s" }
    );
    if d.n > 0 && d.low == 0.0 && d.high == 0.0 {
        return format!(
            "<b>{a}</b> and <b>{b}</b> contain the attacker at exactly the same moment in every run; per scenario: {}.",
            tally_text(&p.tally, scenarios)
        );
    }
    let main = match p.verdict {
        Verdict::Better => format!(
            "<b>{a}</b> contains the attacker <b>{amount}</b> than <b>{b}</b> {over} (restricted mean time to containment, {ci})"
        ),
        Verdict::Equivalent => format!(
            "On restricted mean time to containment <b>{a}</b> and <b>{b}</b> are equivalent {over}: {a} is {amount} ({ci}), within the practical threshold of {}",
            hours(p.threshold)
        ),
        _ => format!(
            "<b>{a}</b> contains the attacker {amount} than <b>{b}</b> {over} on restricted mean time to containment, but the runs cannot tell whether that matters ({ci}; practical threshold {})",
            hours(p.threshold)
        ),
    };
    format!("{main}; per scenario: {}.", tally_text(&p.tally, scenarios))
}

/// "At the median, a contains sooner on 9 of 14 scenarios and later on 3 (median of the
/// scenarios' medians: 12.6h against 25.0h)."
fn median_sentence(c: &Comparison, a: &OverallEntry, b: &OverallEntry) -> String {
    use crate::analysis::summary::Censored;
    let key = |x: Censored| match x {
        Censored::Seconds(s) => Some(s as f64),
        Censored::BeyondHorizon => Some(f64::INFINITY),
        Censored::NoData => None,
    };
    let (mut sooner, mut later) = (0, 0);
    let (mut ma, mut mb) = (Vec::new(), Vec::new());
    for s in &c.scenarios {
        let (x, y) = (
            key(s.models[a.index].summary.time_to_containment_p50),
            key(s.models[b.index].summary.time_to_containment_p50),
        );
        if let (Some(x), Some(y)) = (x, y) {
            sooner += (x < y) as usize;
            later += (x > y) as usize;
            ma.push(x);
            mb.push(y);
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return "no data".to_string();
        }
        let m = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        if m.is_finite() {
            hours(m / 3600.0)
        } else {
            "beyond the horizon".into()
        }
    };
    format!(
        "At the median, {} contains the attacker sooner on {sooner} and later on {later} of {} scenarios (median of the scenarios' medians: {} against {}); the restricted mean also counts the attacks never contained.",
        html(&a.model),
        ma.len(),
        med(&mut ma),
        med(&mut mb)
    )
}

/// "at the cost of 3% more wrongful disruption (2.61 vs 2.53 wrongful revocations per benign
/// run, 95% CI +0.01 to +0.15)", or the gain, for metric `k`.
fn trade_phrase(p: &Pooled, k: usize) -> String {
    let def = &METRICS[k];
    let d = &p.difference;
    let worse = (d.mean > 0.0) == def.lower_is_better && d.mean != 0.0;
    let rel = if p.reference_mean.abs() > 1e-12 {
        format!(" ({:+.0}%)", 100.0 * d.mean / p.reference_mean)
    } else {
        String::new()
    };
    let what = match p.verdict {
        Verdict::Equivalent | Verdict::NoData => "no practical difference",
        Verdict::Inconclusive => "unclear",
        _ if worse => "a cost",
        _ => "a gain",
    };
    format!(
        "{}: {} vs {}{rel}, {what}: <span class=\"v-{}\">{}</span> (95% CI {} to {})",
        def.label,
        metric_value(k, p.model_mean),
        metric_value(k, p.reference_mean),
        verdict_class(p.verdict),
        p.verdict.text(),
        metric_signed(k, d.low),
        metric_signed(k, d.high)
    )
}

pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "better",
        Verdict::Worse => "worse",
        Verdict::Equivalent => "same",
        _ => "open",
    }
}

/// The power warning for a pooled or per-scenario difference, if the runs cannot resolve its
/// threshold.
pub fn power_warning(
    runs: u64,
    resolvable: Option<f64>,
    needed: Option<u64>,
    k: usize,
) -> Option<String> {
    let need = needed?;
    let r = resolvable?;
    let def = &METRICS[k];
    Some(format!(
        "At {runs} runs the smallest difference in {} these runs can resolve is {}, larger than the practical threshold; about {} runs per model and scenario would resolve it.",
        def.label,
        metric_value(k, r).trim_start_matches('+'),
        thousands(need)
    ))
}

/// 12345 -> "12,345".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `<header id="decision">`: everything a reader needs to decide, in the first screen.
pub fn first_screen(o: &mut String, r: &Report, basis: &str) {
    let c = r.comparison;
    let d = &c.decision;
    let s = c.scenarios.len();
    o.push_str("<header id=\"decision\">\n<h1>Which ownership model to prefer</h1>\n");
    let first = d.preferred();
    match d.runner_up() {
        None => {
            let _ = writeln!(
                o,
                "<p class=\"answer\">One model, <b>{}</b>, on {s} scenario{}: nothing to compare it with. Add models with <code>--models</code>.</p>",
                html(&first.model),
                if s == 1 { "" } else { "s" }
            );
        }
        Some(second) => answer(o, c, first, second),
    }
    risk_table(o, c);
    let _ = writeln!(
        o,
        "<p class=\"basis\">Basis: {basis}; baseline {}. <a href=\"#provenance\">Inputs and the command to reproduce</a>.</p>\n</header>",
        html(&c.models[c.baseline].name)
    );
}

/// The answer: prefer, runner-up, the headline difference, the trade-offs, the power warning.
fn answer(o: &mut String, c: &Comparison, first: &OverallEntry, second: &OverallEntry) {
    let d = &c.decision;
    let (a, b) = (html(&first.model), html(&second.model));
    let tied = second.tied_with_previous;
    let _ = writeln!(
        o,
        "<p class=\"answer\">{}</p>",
        if tied {
            let why = if first.means[TTC] < second.means[TTC] {
                format!("{a} is listed first for its lower restricted mean time to containment.")
            } else {
                format!(
                    "Their restricted means are equal; {a} is listed first as it was given first."
                )
            };
            format!("<b>{a}</b> and <b>{b}</b> share first place: neither is better than the other by the verdict rule. {why}")
        } else {
            format!("Prefer <b>{a}</b>; runner-up <b>{b}</b>.")
        }
    );
    let ttc = &d.headline[TTC];
    let _ = writeln!(
        o,
        "<p>{} <a href=\"#def-restricted-mean\">(definition)</a> {}</p>",
        ttc_sentence(ttc, &a, &b, c.scenarios.len()),
        median_sentence(c, first, second)
    );
    o.push_str("<ul class=\"trade\">");
    for k in [WRONGFUL, MISSED, CONTAINED, DAMAGE, STALLED] {
        if d.headline[k].verdict != Verdict::NoData {
            let _ = write!(o, "<li>{}</li>", trade_phrase(&d.headline[k], k));
        }
    }
    o.push_str("</ul>\n");
    first_screen_power(o, c);
}

/// One warning on the first screen for every headline metric the runs cannot resolve.
fn first_screen_power(o: &mut String, c: &Comparison) {
    let d = &c.decision;
    let short: Vec<String> = [TTC, WRONGFUL, MISSED, CONTAINED, DAMAGE, STALLED]
        .iter()
        .filter_map(|&k| {
            let p = &d.headline[k];
            let need = p.runs_needed?;
            Some(format!(
                "{} (resolves {}, threshold {}; ~{} runs)",
                METRICS[k].label,
                metric_value(k, p.resolvable?),
                metric_value(k, p.threshold),
                thousands(need)
            ))
        })
        .collect();
    if short.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"warn\">Too few runs ({}) to resolve what matters in: {}. The preferred model and the ranking may change with more runs.</p>",
        thousands(c.runs),
        html(&short.join("; "))
    );
}

/// Every model, best first: rank, overall values, and the biggest risk it leaves.
fn risk_table(o: &mut String, c: &Comparison) {
    o.push_str("<table class=\"risks\"><thead><tr><th>rank</th><th class=\"name\">model</th><th><a href=\"#def-restricted-mean\">restricted mean TTC</a></th><th><a href=\"#def-censored\">contained</a></th><th><a href=\"#def-missed\">missed / attack run</a></th><th><a href=\"#def-wrongful\">wrongful / benign run</a></th><th class=\"name\">top <a href=\"#def-stall\">stall</a> cause</th><th>its wait/run</th><th class=\"name\">most-missed kind</th><th>per attack run</th></tr></thead><tbody>\n");
    for e in &c.decision.ranking {
        let (cause, wait) = e
            .risk
            .top_stall_cause
            .map_or(("none".to_string(), String::new()), |(cause, _, h)| {
                (cause.replace('_', " "), hours(h))
            });
        let (kind, missed) = e
            .risk
            .most_missed_kind
            .map_or(("none".to_string(), String::new()), |(k, n)| {
                (k.replace('_', " "), format!("{n:.2}"))
            });
        let _ = writeln!(
            o,
            "<tr><td>{}{}</td><td class=\"name nowrap\">{}{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td><td class=\"name nowrap\">{cause}</td><td>{wait}</td><td class=\"name\">{kind}</td><td>{missed}</td></tr>",
            if e.tied_with_previous { "=" } else { "" },
            e.rank,
            html(&e.model),
            if e.index == c.baseline { " <small>(baseline)</small>" } else { "" },
            hours(e.means[TTC]),
            pct(e.means[CONTAINED]),
            e.means[MISSED],
            e.means[WRONGFUL],
        );
    }
    o.push_str("</tbody></table>\n");
}

/// `<section id="ranking">`: how every model fares against the preferred one, overall and per
/// scenario, and the rule.
pub fn ranking_section(o: &mut String, r: &Report) {
    let c = r.comparison;
    o.push_str("<section id=\"ranking\"><h2>Ranking across scenarios</h2>\n");
    let _ = writeln!(
        o,
        "<p>Every scenario weighs the same. Models are sorted by <a href=\"#def-restricted-mean\">restricted mean time to containment</a> averaged over scenarios; a model shares the rank of the group above it unless a model of that group is <a href=\"#def-verdict\">better</a> than it. Practical thresholds: {}.</p>",
        html(&c.practical.describe())
    );
    o.push_str("<div class=\"wide\"><table><thead><tr><th>rank</th><th class=\"name\">model</th>");
    for (i, s) in c.scenarios.iter().enumerate() {
        let _ = write!(
            o,
            "<th title=\"{}\"><a href=\"#scenario-{}\">S{}</a></th>",
            html(&s.scenario.name),
            i + 1,
            i + 1
        );
    }
    o.push_str("</tr></thead><tbody>\n");
    for e in &c.decision.ranking {
        let _ = write!(
            o,
            "<tr><td>{}{}</td><td class=\"name\">{}</td>",
            if e.tied_with_previous { "=" } else { "" },
            e.rank,
            html(&e.model)
        );
        for s in &c.scenarios {
            let entry = s.ranking.iter().find(|x| x.model == e.model);
            let _ = write!(
                o,
                "<td>{}</td>",
                entry.map_or(String::new(), |x| format!(
                    "{}{}",
                    if x.tied_with_previous { "=" } else { "" },
                    x.rank
                ))
            );
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody></table></div>\n<p><small>Cells: the model's rank on that scenario (S1, S2, ... as in the scenario sections; = marks a tie).</small></p>\n</section>\n");
}

/// Styles of the first screen, the contents and the verdict classes.
pub const CSS: &str = "header#decision{border-bottom:2px solid #1f4e79;padding-bottom:.4rem}
header#decision h1{margin:0 0 .3rem}header#decision p{margin:.3rem 0}
p.answer{font-size:1.25rem}ul.trade{margin:.2rem 0;padding-left:1.2rem;font-size:.92rem}
p.warn,ul.warn{background:#fff4d6;border-left:4px solid #c98a00;padding:.2rem .5rem;font-size:.9rem}ul.warn{padding-left:1.6rem}
table.risks{font-size:.85rem;margin:.4rem 0}table.risks td,table.risks th{padding:.12rem .4rem}
p.basis{font-size:.85rem;color:#333}table.risks th{vertical-align:bottom}
nav#contents ol{columns:2;font-size:.95rem}
td.open,span.v-open{background:#fff4d6}span.v-better{background:#e6f4ea}span.v-worse{background:#fde8e8}span.v-same{background:#f0f0f0}
td.base{background:#fff}.nowrap{white-space:nowrap}dt{font-weight:600;margin-top:.6rem}dd{margin-left:1.2rem}";
