//! Kaplan-Meier curves of the share of attacks not yet contained, one per model, on a log time
//! axis ticked at whole units. A run not contained by the horizon is censored there (the only
//! censoring): each curve with censored runs ends in a vertical mark at the horizon, and the
//! legend gives each model's censored share. Steps under a pixel are merged so the file stays
//! small.

use super::svg::{n, width, Style, Svg, SMALL, TITLE};
use super::ticks::{duration_label, log_floor, log_ticks};
use super::{colour, PlotText};
use crate::analysis::compare::ScenarioResult;

const W: f64 = 1060.0;
const H: f64 = 390.0;
const LEFT: f64 = 64.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = H - 58.0;
const LEGEND_W: f64 = 340.0;
const RIGHT: f64 = W - LEGEND_W - 30.0;

/// How many attack runs of one model were censored at the horizon, of how many.
pub fn censored(result: &ScenarioResult, model: usize) -> (usize, usize) {
    let runs = result.models[model].runs.iter().filter(|r| r.attack);
    runs.fold((0, 0), |(c, a), r| {
        (c + usize::from(r.time_to_containment.is_none()), a + 1)
    })
}

/// "5.9% censored", "none censored" or "no attack runs".
pub fn censored_text((censored, attacks): (usize, usize)) -> String {
    match (censored, attacks) {
        (_, 0) => "no attack runs".into(),
        (0, _) => "none censored".into(),
        (c, a) => format!("{:.1}% censored", 100.0 * c as f64 / a as f64),
    }
}

/// The survival chart of one scenario; `models` are the model names.
pub fn survival(t: &PlotText, result: &ScenarioResult, models: &[String]) -> String {
    let horizon = result.scenario.horizon.max(2);
    let first = result
        .models
        .iter()
        .filter_map(|m| m.survival.iter().find(|s| s.survival < 1.0).map(|s| s.time))
        .min();
    let lo = log_floor(first, horizon).min(horizon / 2).max(1);
    let x = |secs: u64| {
        let v = secs.clamp(lo, horizon) as f64;
        LEFT + (RIGHT - LEFT) * (v / lo as f64).ln() / (horizon as f64 / lo as f64).ln()
    };
    let y = |share: f64| BOTTOM - (BOTTOM - TOP) * share;
    let mut s = Svg::new(W, H, &t.full);
    s.label(16.0, 24.0, &t.title, W - 32.0, Style::new(TITLE).bold());
    frame(&mut s, lo, horizon, &x, &y);
    for (i, m) in result.models.iter().enumerate() {
        let mut d = format!("M{} {}", n(LEFT), n(y(1.0)));
        let mut last = y(1.0);
        for (k, step) in m.survival.iter().enumerate().skip(1) {
            let yy = y(step.survival);
            // Merge steps under a pixel into the next one, keeping the last.
            if (last - yy).abs() < 1.0 && k + 1 < m.survival.len() {
                continue;
            }
            d.push_str(&format!("H{}V{}", n(x(step.time)), n(yy)));
            last = yy;
        }
        d.push_str(&format!("H{}", n(RIGHT)));
        s.path(&d, colour(i), 2.0, "");
        if censored(result, i).0 > 0 {
            s.line(RIGHT, last - 7.0, RIGHT, last + 7.0, colour(i), 3.0);
        }
    }
    legend(&mut s, result, models);
    s.finish()
}

/// Axes, grid lines and tick labels.
fn frame(s: &mut Svg, lo: u64, horizon: u64, x: &dyn Fn(u64) -> f64, y: &dyn Fn(f64) -> f64) {
    for k in 0..=4 {
        let share = k as f64 / 4.0;
        s.line(LEFT, y(share), RIGHT, y(share), "#e4e4e4", 1.0);
        s.text(
            LEFT - 6.0,
            y(share) + 4.0,
            &format!("{}%", k * 25),
            Style::new(SMALL).end(),
        );
    }
    let end = format!("{} horizon", duration_label(horizon, horizon));
    let end_w = width(&end, SMALL);
    for (v, label) in log_ticks(lo, horizon, RIGHT - LEFT, 44.0) {
        s.line(x(v), TOP, x(v), BOTTOM, "#e4e4e4", 1.0);
        if x(v) < RIGHT - end_w - 16.0 {
            s.text(x(v), BOTTOM + 16.0, &label, Style::new(SMALL).middle());
        }
    }
    s.text(RIGHT, BOTTOM + 16.0, &end, Style::new(SMALL).end());
    s.line(LEFT, TOP, LEFT, BOTTOM, "#777", 1.0);
    s.line(LEFT, BOTTOM, RIGHT, BOTTOM, "#777", 1.0);
    s.text(
        (LEFT + RIGHT) / 2.0,
        H - 18.0,
        "time since the attack started (log scale)",
        Style::new(SMALL).middle(),
    );
    s.text(
        18.0,
        (TOP + BOTTOM) / 2.0,
        "attacks not yet contained",
        Style::new(SMALL).middle().rotated(-90.0),
    );
}

/// One entry per model: its colour, its name and its censored share; then what the mark is.
fn legend(s: &mut Svg, result: &ScenarioResult, models: &[String]) {
    let x0 = RIGHT + 26.0;
    let max = W - x0 - 34.0;
    s.text(
        x0,
        TOP + 4.0,
        "model (share censored at the horizon)",
        Style::new(SMALL).bold(),
    );
    let mut yy = TOP + 26.0;
    for (i, name) in models.iter().enumerate() {
        s.line(x0, yy - 4.0, x0 + 22.0, yy - 4.0, colour(i), 3.0);
        let tail = format!(" ({})", censored_text(censored(result, i)));
        s.label_with_tail(x0 + 30.0, yy, name, &tail, max, Style::new(SMALL));
        yy += 19.0;
    }
    yy += 8.0;
    s.line(x0 + 11.0, yy - 11.0, x0 + 11.0, yy + 3.0, "#333", 3.0);
    s.text(
        x0 + 30.0,
        yy,
        "runs still not contained at the horizon",
        Style::new(SMALL).grey(),
    );
}
