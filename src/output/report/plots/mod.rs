//! The report's charts, as SVG text written by hand (`svg`): drawn at the width they are shown
//! at in the page, so text is at least 12 px on screen; axes ticked on whole units (`ticks`);
//! long names cut with an ellipsis, the full name in a `<title>`. Per scenario: survival curves
//! with censoring marks (`survival`), waiting by cause, missed revocations by credential kind and
//! abandoned tasks by cause (`bars`, one 520-wide panel each) and the trade-off (`tradeoff`); the
//! trade-off over all scenarios; per model the handoff heatmap and team utilisation (`teams`);
//! sweep lines (`lines`). [`charts`] lists every chart of a comparison with its file and title.

mod bars;
mod lines;
pub mod survival;
pub mod svg;
pub mod teams;
pub mod ticks;
pub mod tradeoff;

pub use bars::{Unit, PANEL_W};
pub use lines::lines;

use crate::analysis::compare::{Comparison, ModelResult, ScenarioResult, METRICS};
use crate::domain::{CredentialKind, WaitCause};
use bars::{Row, Stacked};
use tradeoff::Point;

/// Model colours: distinguishable and readable on white (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

/// The colour of model `i`, everywhere in the report.
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// The model colours darkened to three quarters, for text on white (labels of points).
const DARK: [&str; 10] = [
    "#175987", "#bf5f0a", "#217821", "#a01d1e", "#6f4d8e", "#694038", "#aa5991", "#5f5f5f",
    "#8d8e19", "#118e9b",
];

/// The colour of model `i`'s text labels: its colour, dark enough to read on white.
pub fn text_colour(i: usize) -> &'static str {
    DARK[i % DARK.len()]
}

/// Colours of categories (wait causes, credential kinds) in stacked bars: muted, unlike the
/// model colours, and fixed per category so a cause has one colour on every panel.
const CATEGORY: [&str; 12] = [
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3",
    "#80b1d3", "#bc80bd", "#fb8072", "#8dd3c7",
];

/// A chart's words: the title drawn at its top, a subtitle (the scenario), and the full title
/// for its `<title>` and for the list of plots.
pub struct PlotText {
    pub title: String,
    pub subtitle: String,
    pub full: String,
}

impl PlotText {
    fn new(title: &str, subtitle: &str) -> PlotText {
        PlotText {
            title: title.to_string(),
            subtitle: subtitle.to_string(),
            full: if subtitle.is_empty() {
                title.to_string()
            } else {
                format!("{subtitle}: {title}")
            },
        }
    }
}

/// Every chart of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    Tradeoff,
    Survival(usize),
    Wait(usize),
    Missed(usize),
    Abandoned(usize),
    ScenarioTradeoff(usize),
    Handoffs(usize),
    Utilisation(usize),
}

/// Whether a scenario has benign runs (so wrongful disruption is measured).
pub fn has_benign(s: &ScenarioResult) -> bool {
    s.models
        .first()
        .is_some_and(|m| m.runs.iter().any(|r| !r.attack))
}

/// The charts of a comparison, in page order: the trade-off (when some scenario has benign
/// runs), each scenario's, each model's.
pub fn charts(c: &Comparison) -> Vec<Chart> {
    let mut out = Vec::new();
    if c.scenarios.iter().any(has_benign) {
        out.push(Chart::Tradeoff);
    }
    for (k, s) in c.scenarios.iter().enumerate() {
        out.extend([
            Chart::Survival(k),
            Chart::Wait(k),
            Chart::Missed(k),
            Chart::Abandoned(k),
        ]);
        if has_benign(s) {
            out.push(Chart::ScenarioTradeoff(k));
        }
    }
    for m in 0..c.models.len() {
        out.extend([Chart::Handoffs(m), Chart::Utilisation(m)]);
    }
    out
}

impl Chart {
    /// The file name in `plots/`.
    pub fn file(self) -> String {
        match self {
            Chart::Tradeoff => "tradeoff.svg".into(),
            Chart::Survival(k) => format!("scenario-{:02}-survival.svg", k + 1),
            Chart::Wait(k) => format!("scenario-{:02}-wait-by-cause.svg", k + 1),
            Chart::Missed(k) => format!("scenario-{:02}-missed-by-kind.svg", k + 1),
            Chart::Abandoned(k) => format!("scenario-{:02}-abandoned-by-cause.svg", k + 1),
            Chart::ScenarioTradeoff(k) => format!("scenario-{:02}-tradeoff.svg", k + 1),
            Chart::Handoffs(m) => format!("handoffs-{:02}.svg", m + 1),
            Chart::Utilisation(m) => format!("utilisation-{:02}.svg", m + 1),
        }
    }

    /// The chart's words.
    pub fn text(self, c: &Comparison) -> PlotText {
        let sc = |k: usize| c.scenarios[k].scenario.name.as_str();
        let model = |m: usize| c.models[m].name.as_str();
        match self {
            Chart::Tradeoff => PlotText::new(
                "Trade-off: time to containment against wrongful disruption",
                &format!("each model's mean over {} scenarios", c.scenarios.len()),
            ),
            Chart::Survival(k) => {
                let mut t = PlotText::new("share of attacks not yet contained", sc(k));
                t.title = t.full.clone();
                t
            }
            Chart::Wait(k) => PlotText::new("Waiting per run, by cause", sc(k)),
            Chart::Missed(k) => PlotText::new(
                "Missed revocations per attack run, by credential kind",
                sc(k),
            ),
            Chart::Abandoned(k) => PlotText::new("Abandoned tasks per run, by cause", sc(k)),
            Chart::ScenarioTradeoff(k) => {
                PlotText::new("Time to containment against wrongful disruption", sc(k))
            }
            Chart::Handoffs(m) => PlotText::new(
                "Handoffs from team to team: mean wait, and how many",
                &format!("{}, all scenarios", model(m)),
            ),
            Chart::Utilisation(m) => {
                PlotText::new("Team utilisation", &format!("{}, all scenarios", model(m)))
            }
        }
    }

    /// The chart's SVG.
    pub fn render(self, c: &Comparison) -> String {
        let t = self.text(c);
        match self {
            Chart::Tradeoff => tradeoff::chart(&t, &tradeoff_points(c), 1060.0),
            Chart::Survival(k) => survival::survival(&t, &c.scenarios[k], &names(c)),
            Chart::Wait(k) => wait_by_cause(t, c, k),
            Chart::Missed(k) => missed_by_kind(t, c, k),
            Chart::Abandoned(k) => abandoned_by_cause(t, c, k),
            Chart::ScenarioTradeoff(k) => tradeoff::chart(&t, &scenario_points(c, k), PANEL_W),
            Chart::Handoffs(m) => teams::handoff_heatmap(t, c, m),
            Chart::Utilisation(m) => teams::utilisation(t, c, m),
        }
    }
}

fn names(c: &Comparison) -> Vec<String> {
    c.models.iter().map(|m| m.name.clone()).collect()
}

/// The metrics of the trade-off: restricted mean time to containment (hours) and wrongful
/// revocations per benign run.
const TTC: &str = METRICS[0].key;
const WRONGFUL: &str = METRICS[4].key;

/// A model's mean of metric `key` on one scenario (0 when it is not compared).
fn mean_of(m: &ModelResult, key: &str) -> f64 {
    m.diffs
        .iter()
        .find(|d| d.metric == key)
        .map_or(0.0, |d| d.model_mean)
}

/// Each model's point on one scenario: restricted mean time to containment (seconds) and
/// wrongful revocations per benign run.
pub fn scenario_points(c: &Comparison, k: usize) -> Vec<Point> {
    let s = &c.scenarios[k];
    (0..c.models.len())
        .map(|i| Point {
            name: c.models[i].name.clone(),
            model: i,
            x: mean_of(&s.models[i], TTC) * 3600.0,
            y: mean_of(&s.models[i], WRONGFUL),
        })
        .collect()
}

/// Each model's point over all scenarios, each scenario weighing the same: the mean of its
/// restricted mean times to containment (seconds) over every scenario, and of its wrongful
/// revocations per benign run over the scenarios with benign runs (0 when none has any).
pub fn tradeoff_points(c: &Comparison) -> Vec<Point> {
    let benign: Vec<&ScenarioResult> = c.scenarios.iter().filter(|s| has_benign(s)).collect();
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
    (0..c.models.len())
        .map(|i| {
            let ttc = c.scenarios.iter().map(|s| mean_of(&s.models[i], TTC));
            let wrongful = benign.iter().map(|s| mean_of(&s.models[i], WRONGFUL));
            Point {
                name: c.models[i].name.clone(),
                model: i,
                x: mean(ttc.collect()) * 3600.0,
                y: mean(wrongful.collect()),
            }
        })
        .collect()
}

/// A stacked panel with a row per model, its categories' zero columns dropped.
fn per_model(
    t: PlotText,
    c: &Comparison,
    categories: Vec<(String, &'static str)>,
    values: Vec<Vec<f64>>,
    unit: Unit,
    axis: &str,
    none: &str,
) -> String {
    Stacked {
        text: t,
        rows: (0..c.models.len())
            .map(|i| Row {
                label: c.models[i].name.clone(),
                swatch: Some(colour(i)),
            })
            .collect(),
        categories,
        legend: true,
        values,
        unit,
        axis: axis.into(),
        none: none.into(),
        notes: Vec::new(),
    }
    .without_empty_categories()
    .render()
}

fn causes() -> Vec<(String, &'static str)> {
    WaitCause::ALL
        .iter()
        .map(|c| {
            (
                c.name().replace('_', " "),
                CATEGORY[c.index() % CATEGORY.len()],
            )
        })
        .collect()
}

/// Mean waiting per run (all runs) by cause, per model.
fn wait_by_cause(t: PlotText, c: &Comparison, k: usize) -> String {
    let values = c.scenarios[k]
        .models
        .iter()
        .map(|m| {
            let n = m.runs.len().max(1) as f64;
            WaitCause::ALL
                .iter()
                .map(|w| {
                    m.runs
                        .iter()
                        .map(|r| r.wait_by_cause[w.index()])
                        .sum::<u64>() as f64
                        / n
                })
                .collect()
        })
        .collect();
    per_model(
        t,
        c,
        causes(),
        values,
        Unit::Seconds,
        "mean wait per run",
        "no task waited",
    )
}

/// Per category `i < len`, the sum over `runs` of `count(run, i)` divided by `per` runs (at
/// least one).
fn sums_per_run(
    runs: &[crate::engine::metrics::RunMetrics],
    per: usize,
    len: usize,
    count: impl Fn(&crate::engine::metrics::RunMetrics, usize) -> u64,
) -> Vec<f64> {
    let per = per.max(1) as f64;
    (0..len)
        .map(|i| runs.iter().map(|r| count(r, i)).sum::<u64>() as f64 / per)
        .collect()
}

/// Missed revocations per attack run by credential kind, per model.
fn missed_by_kind(t: PlotText, c: &Comparison, k: usize) -> String {
    let kinds = CredentialKind::ALL
        .iter()
        .map(|k| {
            (
                k.name().replace('_', " "),
                CATEGORY[k.index() % CATEGORY.len()],
            )
        })
        .collect();
    let values = c.scenarios[k]
        .models
        .iter()
        .map(|m| {
            let attacks = m.runs.iter().filter(|r| r.attack).count();
            sums_per_run(&m.runs, attacks, CredentialKind::COUNT, |r, i| {
                r.missed_by_kind[i] as u64
            })
        })
        .collect();
    per_model(
        t,
        c,
        kinds,
        values,
        Unit::Count,
        "missed revocations per attack run",
        "no model missed a revocation",
    )
}

/// Abandoned tasks per run (all runs) by the cause of the wait that ended them, per model.
fn abandoned_by_cause(t: PlotText, c: &Comparison, k: usize) -> String {
    let values = c.scenarios[k]
        .models
        .iter()
        .map(|m| {
            sums_per_run(&m.runs, m.runs.len(), WaitCause::COUNT, |r, i| {
                r.abandoned_by_cause[i] as u64
            })
        })
        .collect();
    per_model(
        t,
        c,
        causes(),
        values,
        Unit::Count,
        "abandoned tasks per run",
        "no model abandoned a task",
    )
}
