//! The report's plots, as SVG text (plotters' SVG backend: no system fonts needed; text is
//! left to the viewer's sans-serif). Every plot has a title, labelled axes and a legend where
//! there is more than one series. Input text is passed through `escape::visible` before
//! plotters (which escapes markup, not control characters) writes it. Plots with a row per team
//! fold all but the top teams into "others" (`fold`).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::analysis::compare::{Comparison, ScenarioResult};
use crate::domain::{CredentialKind, WaitCause};
use crate::output::escape::visible;
use crate::output::fold::Folding;

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Colours for models and causes, distinguishable and readable on white.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn render(size: (u32, u32), draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let result = root
            .fill(&WHITE)
            .map_err(|e| e.to_string().into())
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(|e| e.to_string().into()));
        if let Err(e) = result {
            // Drawing into a string cannot fail on IO; keep the report whole and say so.
            drop(root);
            return format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"40\"><text x=\"4\" y=\"24\">plot failed: {}</text></svg>",
                size.0,
                crate::output::escape::html(&e.to_string())
            );
        }
    }
    svg
}

/// Input text as plot text: hidden characters as visible escapes.
fn shown(s: &str) -> String {
    visible(s).into_owned()
}

fn hours_label(h: f64) -> String {
    if h >= 48.0 {
        format!("{:.0}d", h / 24.0)
    } else if h >= 1.0 {
        format!("{h:.0}h")
    } else {
        format!("{:.0}m", h * 60.0)
    }
}

/// Kaplan-Meier curves of "not yet contained" for every model on one scenario.
pub fn survival(result: &ScenarioResult, models: &[String]) -> String {
    let horizon_h = result.scenario.horizon as f64 / 3600.0;
    let floor = 0.1f64; // 6 minutes: the log axis starts here
    render((900, 440), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "{}: share of attacks not yet contained",
                    shown(&result.scenario.name)
                ),
                ("sans-serif", 18),
            )
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(56)
            .build_cartesian_2d((floor..horizon_h).log_scale(), 0f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_desc("hours since the attack started (log scale)")
            .y_desc("not yet contained")
            .x_label_formatter(&|h| hours_label(*h))
            .y_label_formatter(&|s| format!("{:.0}%", s * 100.0))
            .label_style(("sans-serif", 13))
            .draw()?;
        for (i, m) in result.models.iter().enumerate() {
            let mut points = Vec::with_capacity(m.survival.len() * 2 + 1);
            let mut last = 1.0;
            for (k, step) in m.survival.iter().enumerate() {
                // Drop steps too small to see (under 0.2 points), keeping the last one.
                if (last - step.survival) < 0.002 && k + 1 < m.survival.len() {
                    continue;
                }
                let t = (step.time as f64 / 3600.0).max(floor);
                points.push((t, last));
                points.push((t, step.survival));
                last = step.survival;
            }
            points.push((horizon_h, last));
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(points, c.stroke_width(2)))?
                .label(shown(&models[i]))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 13))
            .draw()?;
        Ok(())
    })
}

/// Grouped bars: one group per category, one bar per series.
struct Bars<'a> {
    title: String,
    y_desc: &'a str,
    categories: Vec<String>,
    series: Vec<String>,
    /// values[series][category]
    values: Vec<Vec<f64>>,
    format: fn(f64) -> String,
}

fn grouped_bars(b: Bars) -> String {
    let n_cat = b.categories.len().max(1);
    let n_ser = b.series.len().max(1);
    let ymax = b
        .values
        .iter()
        .flatten()
        .cloned()
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.15;
    let legend_width = if b.series.len() > 1 { 280 } else { 0 };
    let width = (160 + n_cat * (n_ser * 14 + 30)).clamp(700, 1400) as u32 + legend_width;
    render((width, 460), |whole| {
        // The legend gets its own column so it never covers a bar.
        let (root, legend) = whole.split_horizontally(width - legend_width);
        let root = &root;
        let mut chart = ChartBuilder::on(root)
            .caption(shown(&b.title), ("sans-serif", 18))
            .margin(14)
            .x_label_area_size(70)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..n_cat as f64, 0f64..ymax)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc(b.y_desc)
            .y_label_formatter(&|v| (b.format)(*v))
            .label_style(("sans-serif", 13))
            .draw()?;
        let slot = 0.8 / n_ser as f64;
        for (s, name) in b.series.iter().enumerate() {
            let c = colour(s);
            chart.draw_series(b.values[s].iter().enumerate().map(|(k, &v)| {
                let x0 = k as f64 + 0.1 + s as f64 * slot;
                Rectangle::new([(x0, 0.0), (x0 + slot * 0.9, v)], c.filled())
            }))?;
            if legend_width > 0 {
                let y = 50 + 20 * s as i32;
                legend.draw(&Rectangle::new([(10, y - 6), (24, y + 6)], c.filled()))?;
                legend.draw(&Text::new(
                    shown(name),
                    (32, y),
                    ("sans-serif", 13).into_font().color(&BLACK).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Left,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    ),
                ))?;
            }
        }
        for (k, cat) in b.categories.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(k as f64 + 0.5, 0.0));
            root.draw(&Text::new(
                shown(cat),
                (px, py + 10),
                ("sans-serif", 13).into_font().color(&BLACK).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Top,
                    ),
                ),
            ))?;
        }
        Ok(())
    })
}

/// Missed revocations per attack run, by credential kind, for each model (all scenarios).
pub fn missed_by_kind(c: &Comparison) -> String {
    let kinds: Vec<CredentialKind> = CredentialKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            c.scenarios.iter().any(|s| {
                s.models
                    .iter()
                    .any(|m| m.runs.iter().any(|r| r.missed_by_kind[k.index()] > 0))
            })
        })
        .collect();
    let values = (0..c.models.len())
        .map(|i| {
            kinds
                .iter()
                .map(|k| {
                    let (missed, attacks) = c.scenarios.iter().fold((0u64, 0u64), |acc, s| {
                        let runs = &s.models[i].runs;
                        (
                            acc.0
                                + runs
                                    .iter()
                                    .map(|r| r.missed_by_kind[k.index()] as u64)
                                    .sum::<u64>(),
                            acc.1 + runs.iter().filter(|r| r.attack).count() as u64,
                        )
                    });
                    missed as f64 / attacks.max(1) as f64
                })
                .collect()
        })
        .collect();
    grouped_bars(Bars {
        title: "Missed revocations per attack run, by credential kind (all scenarios)".into(),
        y_desc: "missed per attack run",
        categories: if kinds.is_empty() {
            vec!["(none missed)".into()]
        } else {
            kinds.iter().map(|k| k.name().to_string()).collect()
        },
        series: c.models.iter().map(|m| m.name.clone()).collect(),
        values: if kinds.is_empty() {
            vec![vec![0.0]; c.models.len()]
        } else {
            values
        },
        format: |v| format!("{v:.2}"),
    })
}

/// Mean hours of waiting per run by cause, for each model (all scenarios).
pub fn wait_by_cause(c: &Comparison) -> String {
    let values = (0..c.models.len())
        .map(|i| {
            WaitCause::ALL
                .iter()
                .map(|cause| {
                    let (sum, n) = c.scenarios.iter().fold((0u64, 0u64), |acc, s| {
                        let runs = &s.models[i].runs;
                        (
                            acc.0
                                + runs
                                    .iter()
                                    .map(|r| r.wait_by_cause[cause.index()])
                                    .sum::<u64>(),
                            acc.1 + runs.len() as u64,
                        )
                    });
                    sum as f64 / n.max(1) as f64 / 3600.0
                })
                .collect()
        })
        .collect();
    grouped_bars(Bars {
        title: "Waiting per run by cause, mean over all scenarios".into(),
        y_desc: "hours per run",
        categories: WaitCause::ALL
            .iter()
            .map(|c| c.name().to_string())
            .collect(),
        series: c.models.iter().map(|m| m.name.clone()).collect(),
        values,
        format: |v| format!("{v:.0}h"),
    })
}

/// Per-team utilisation (work over staffed time) for one model, all scenarios; beyond
/// `fold::TOP_TEAMS` teams, the busiest and one "others" bar (their summed work over their
/// summed staffed time).
pub fn utilisation(c: &Comparison, model: usize) -> String {
    let teams = &c.models[model].teams;
    let mut busy = vec![(0u64, 0u64); teams.len()];
    for s in &c.scenarios {
        let bd = &s.models[model].breakdown;
        for (t, b) in busy.iter_mut().enumerate() {
            b.0 += bd.busy[t];
            b.1 += bd.capacity[t];
        }
    }
    let share = |(work, cap): (u64, u64)| work as f64 / cap.max(1) as f64;
    let fold = Folding::top(&busy.iter().map(|&b| share(b)).collect::<Vec<_>>());
    let mut rows = vec![(0u64, 0u64); fold.rows()];
    for (t, row) in fold.row_of().into_iter().enumerate() {
        rows[row].0 += busy[t].0;
        rows[row].1 += busy[t].1;
    }
    let mut title = format!(
        "{}: team utilisation (work / staffed time)",
        c.models[model].name
    );
    if let Some(note) = fold.note("utilisation") {
        title = format!("{title}, {note}");
    }
    grouped_bars(Bars {
        title,
        y_desc: "utilisation",
        categories: fold.labels(|t| teams[t].id.as_str()),
        series: vec![c.models[model].name.clone()],
        values: vec![rows.into_iter().map(share).collect()],
        format: |v| format!("{:.0}%", v * 100.0),
    })
}

/// Summed handoff wait and count from team to team for one model over all scenarios, folded:
/// rows are senders, columns receivers, each the top `fold::TOP_TEAMS` by handoffs plus
/// "others".
fn handoff_cells(c: &Comparison, model: usize) -> (Folding, Folding, Vec<Vec<(u64, u64)>>) {
    let n = c.models[model].teams.len();
    let (mut sent, mut received) = (vec![0f64; n], vec![0f64; n]);
    for s in &c.scenarios {
        let bd = &s.models[model].breakdown;
        for (from, out) in sent.iter_mut().enumerate() {
            for (to, into) in received.iter_mut().enumerate() {
                let h = bd.handoffs[bd.pair(from, to)] as f64;
                *out += h;
                *into += h;
            }
        }
    }
    let (rows, cols) = (Folding::top(&sent), Folding::top(&received));
    let (row_of, col_of) = (rows.row_of(), cols.row_of());
    let mut cells = vec![vec![(0u64, 0u64); cols.rows()]; rows.rows()];
    for s in &c.scenarios {
        let bd = &s.models[model].breakdown;
        for from in 0..n {
            for to in 0..n {
                let p = bd.pair(from, to);
                let cell = &mut cells[row_of[from]][col_of[to]];
                cell.0 += bd.handoff_wait[p];
                cell.1 += bd.handoffs[p];
            }
        }
    }
    (rows, cols, cells)
}

/// A heatmap cell's colour and two lines of text: the mean wait in hours, and the count.
fn cell_look(mean: Option<f64>, count: u64, max: f64) -> (RGBColor, (String, String)) {
    match mean {
        Some(h) => {
            let k = (h / max).clamp(0.0, 1.0);
            let shade = RGBColor(255, (235.0 - 180.0 * k) as u8, (220.0 - 200.0 * k) as u8);
            let wait = crate::domain::duration::format_human(h * 3600.0);
            (shade, (wait, format!("{count} handoffs")))
        }
        None => (RGBColor(245, 245, 245), ("-".to_string(), String::new())),
    }
}

/// Mean handoff wait from team to team for one model, all scenarios, as a heatmap; beyond
/// `fold::TOP_TEAMS` teams, the top senders and receivers and an "others" row and column.
pub fn handoff_heatmap(c: &Comparison, model: usize) -> String {
    let teams = &c.models[model].teams;
    let (rows, cols, wait) = handoff_cells(c, model);
    let (row_names, col_names) = (
        rows.labels(|t| teams[t].id.as_str()),
        cols.labels(|t| teams[t].id.as_str()),
    );
    let (nr, nc) = (row_names.len(), col_names.len());
    let mean = |cell: (u64, u64)| (cell.1 > 0).then(|| cell.0 as f64 / cell.1 as f64 / 3600.0);
    let max = wait
        .iter()
        .flatten()
        .filter_map(|&c| mean(c))
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let (x_desc, y_desc) = (
        cols.described("to team", "handoffs received"),
        rows.described("from team", "handoffs sent"),
    );
    let (w, h) = ((nc as u32 * 90).max(180), (nr as u32 * 90).max(180));
    render((w + 260, h + 150), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "{}: mean handoff wait (hours)",
                    shown(&c.models[model].name)
                ),
                ("sans-serif", 18),
            )
            .margin(14)
            .x_label_area_size(60)
            .y_label_area_size(150)
            .build_cartesian_2d(0f64..nc as f64, 0f64..nr as f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(x_desc.as_str())
            .y_desc(y_desc.as_str())
            .draw()?;
        for (from, row) in wait.iter().enumerate() {
            for (to, &cell) in row.iter().enumerate() {
                let y = (nr - 1 - from) as f64;
                let x = to as f64;
                let (fill, label) = cell_look(mean(cell), cell.1, max);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x + 0.02, y + 0.02), (x + 0.98, y + 0.98)],
                    fill.filled(),
                )))?;
                let (px, py) = chart.backend_coord(&(x + 0.5, y + 0.5));
                root.draw(&Text::new(label.0, (px, py - 8), centred(14)))?;
                root.draw(&Text::new(label.1, (px, py + 9), centred(11)))?;
            }
        }
        // Each column's label, then each row's, interleaved (the order of the unfolded plot).
        for i in 0..nr.max(nc) {
            if let Some(t) = col_names.get(i) {
                let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
                root.draw(&Text::new(shown(t), (px, py + 14), centred(13)))?;
            }
            let Some(t) = row_names.get(i) else { continue };
            let (qx, qy) = chart.backend_coord(&(0.0, (nr - 1 - i) as f64 + 0.5));
            root.draw(&Text::new(
                shown(t),
                (qx - 8, qy),
                ("sans-serif", 13).into_font().color(&BLACK).pos(
                    plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Right,
                        plotters::style::text_anchor::VPos::Center,
                    ),
                ),
            ))?;
        }
        Ok(())
    })
}

fn centred(size: u32) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&BLACK)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ))
}

/// Lines over categorical x positions (a sweep's grid points), one per series, with markers.
pub fn lines(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    xs: &[String],
    series: &[(String, Vec<f64>)],
) -> String {
    let n = xs.len().max(1);
    let ymax = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-9)
        // Headroom for the legend in the upper right, a row per series.
        * (1.15 + 0.07 * series.len() as f64);
    render((900, 460), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(shown(title), ("sans-serif", 18))
            .margin(14)
            .x_label_area_size(56)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..ymax)?;
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < xs.len() {
                    shown(&xs[i as usize])
                } else {
                    String::new()
                }
            })
            .x_desc(shown(x_desc))
            .y_desc(shown(y_desc))
            .label_style(("sans-serif", 13))
            .draw()?;
        for (k, (name, ys)) in series.iter().enumerate() {
            let c = colour(k);
            let pts: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?
                .label(shown(name))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 4, c.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font(("sans-serif", 13))
            .draw()?;
        Ok(())
    })
}
