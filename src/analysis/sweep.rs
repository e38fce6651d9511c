//! Parameter sweeps: every point of a study's grid, every model, every scenario; a tidy CSV
//! (one row per grid point x model x scenario) and a plot of each metric against the grid.

use crate::analysis::compare::RawResult;
use crate::analysis::summary::Summary;
use crate::input::study::Study;
use crate::input::Model;
use crate::output::escape::csv_text;
use crate::output::report::files::{censored_cells, num_cell};

/// The grid's points: the cartesian product of the axes' values, first axis slowest.
pub fn grid(study: &Study) -> Vec<Vec<f64>> {
    let mut points = vec![Vec::new()];
    for axis in &study.sweep {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |&v| {
                    let mut q = p.clone();
                    q.push(v);
                    q
                })
            })
            .collect();
    }
    points
}

/// One grid point x model x scenario.
pub struct SweepRow {
    pub point: Vec<f64>,
    pub model: String,
    pub scenario: String,
    pub summary: Summary,
    pub restricted_mean_hours: f64,
}

/// Every model of the study with a grid point's parameters applied.
pub fn models_at(study: &Study, point: &[f64]) -> Vec<Model> {
    study
        .models
        .iter()
        .map(|model| {
            let mut m = model.clone();
            for (axis, &v) in study.sweep.iter().zip(point) {
                m = axis.parameter.apply(&m, v);
            }
            m
        })
        .collect()
}

/// The rows of one grid point from its runs (`raw[scenario][model]` of `models`, the study's
/// models at the point, every run in run order).
pub fn rows_at(
    study: &Study,
    point: &[f64],
    models: &[Model],
    raw: &[Vec<RawResult>],
) -> Vec<SweepRow> {
    let mut rows = Vec::new();
    for (m, model) in models.iter().enumerate() {
        for (sc, results) in study.scenarios.iter().zip(raw) {
            let runs = &results[m].runs;
            let mut summary = Summary::new(sc, model, study.seed);
            for r in runs {
                summary.add(r);
            }
            summary.finish();
            // Mean time to containment, a run not contained counting as the horizon.
            let times = summary.containment_times();
            let rmst = if times.is_empty() {
                0.0
            } else {
                times
                    .iter()
                    .map(|t| t.unwrap_or(sc.horizon) as f64)
                    .sum::<f64>()
                    / times.len() as f64
                    / 3600.0
            };
            rows.push(SweepRow {
                point: point.to_vec(),
                model: model.name.clone(),
                scenario: sc.name.clone(),
                summary,
                restricted_mean_hours: rmst,
            });
        }
    }
    rows
}

/// The tidy CSV of a sweep.
pub fn sweep_csv(study: &Study, rows: &[SweepRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = study
        .sweep
        .iter()
        .map(|a| csv_text(&a.parameter.column()))
        .collect();
    header.extend(
        [
            "model",
            "scenario",
            "runs",
            "horizon_seconds",
            "attack_runs",
            "benign_runs",
            "share_detected",
            "share_contained",
            "ttc_p50_seconds",
            "ttc_p50_beyond_horizon",
            "ttc_p90_seconds",
            "ttc_p90_beyond_horizon",
            "restricted_mean_ttc_hours",
            "missed_revocations_mean",
            "share_with_missed",
            "stall_hours_mean",
            "wrongful_per_benign_run",
            "damage_mean",
        ]
        .map(String::from),
    );
    w.write_record(&header).expect("in-memory CSV");
    for r in rows {
        let s = &r.summary;
        // Per attack run (or benign run): empty when there were none (docs/data.md).
        let attack = |x: f64| num_cell((s.attack_runs > 0).then_some(x));
        let (p50, p50b) = censored_cells(s.time_to_containment_p50);
        let (p90, p90b) = censored_cells(s.time_to_containment_p90);
        let mut rec: Vec<String> = r.point.iter().map(|v| format!("{v}")).collect();
        rec.extend([
            csv_text(&r.model),
            csv_text(&r.scenario),
            s.runs.to_string(),
            s.horizon_seconds.to_string(),
            s.attack_runs.to_string(),
            s.benign_runs.to_string(),
            attack(s.share_detected),
            attack(s.share_contained),
            p50,
            p50b,
            p90,
            p90b,
            attack(r.restricted_mean_hours),
            attack(s.missed_revocations_mean),
            attack(s.share_with_missed),
            num_cell(Some(s.stall_wait_mean / 3600.0)),
            num_cell((s.benign_runs > 0).then_some(s.wrongful_per_benign_run)),
            attack(s.damage_mean),
        ]);
        w.write_record(&rec).expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// Plots of each metric against the grid: one line per model, averaged over scenarios (each
/// scenario weighing the same). Times are drawn on whole-unit duration axes, shares in percent.
pub fn sweep_plots(study: &Study, rows: &[SweepRow]) -> Vec<(String, String)> {
    use crate::output::report::plots::{lines, PlotText, Unit};
    let points = grid(study);
    let labels: Vec<String> = points.iter().map(|p| point_label(study, p)).collect();
    let x_desc = study
        .sweep
        .iter()
        .map(|a| a.parameter.column())
        .collect::<Vec<_>>()
        .join(", ");
    type Metric = (&'static str, &'static str, Unit, fn(&SweepRow) -> f64);
    let metrics: [Metric; 4] = [
        (
            "restricted-mean-ttc",
            "Restricted mean time to containment",
            Unit::Seconds,
            |r| r.restricted_mean_hours * 3600.0,
        ),
        (
            "share-contained",
            "Share of attacks contained by the horizon",
            Unit::Share,
            |r| r.summary.share_contained,
        ),
        (
            "missed-revocations",
            "Missed revocations per attack run",
            Unit::Count,
            |r| r.summary.missed_revocations_mean,
        ),
        ("stall-hours", "Stalled time per run", Unit::Seconds, |r| {
            r.summary.stall_wait_mean
        }),
    ];
    metrics
        .iter()
        .map(|(file, title, unit, value)| {
            let series: Vec<(String, Vec<f64>)> = study
                .models
                .iter()
                .map(|m| {
                    let ys = points
                        .iter()
                        .map(|p| {
                            let vs: Vec<f64> = rows
                                .iter()
                                .filter(|r| r.model == m.name && &r.point == p)
                                .map(value)
                                .collect();
                            vs.iter().sum::<f64>() / vs.len().max(1) as f64
                        })
                        .collect();
                    (m.name.clone(), ys)
                })
                .collect();
            let text = PlotText {
                title: format!("{title}, by sweep point"),
                subtitle: format!(
                    "{}: each model's mean over {} scenarios",
                    study.name,
                    study.scenarios.len()
                ),
                full: format!("{}: {title} by {x_desc}", study.name),
            };
            (
                format!("plots/sweep-{file}.svg"),
                lines(&text, &x_desc, &labels, &series, *unit),
            )
        })
        .collect()
}

/// A grid point as its axis values, durations in whole units ("30m, 0.2", "1h30m, 4").
fn point_label(study: &Study, p: &[f64]) -> String {
    p.iter()
        .zip(&study.sweep)
        .map(|(v, a)| match a.parameter {
            crate::input::study::Parameter::EscalationTimeout
            | crate::input::study::Parameter::PageLatency(_) => {
                let secs = v.round().max(0.0) as u64;
                crate::output::report::plots::ticks::duration_label(secs, secs)
            }
            _ => format!("{v}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
