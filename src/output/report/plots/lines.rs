//! Lines over categorical x positions (a sweep's grid points), one per series, with markers;
//! the legend in its own column so it never covers a line.

use super::bars::Unit;
use super::svg::{n, width, Style, Svg, SMALL, TITLE};
use super::ticks::{count_axis, duration_axis, share_axis};
use super::{colour, PlotText};

const W: f64 = 1000.0;
const LEFT: f64 = 74.0;
const TOP: f64 = 52.0;
const RIGHT: f64 = W - 280.0;
const BOTTOM: f64 = 380.0;

/// The chart: `xs` are the x labels, each series a name and one value per x (`unit` says how
/// values read: seconds, counts or shares).
pub fn lines(
    t: &PlotText,
    x_desc: &str,
    xs: &[String],
    series: &[(String, Vec<f64>)],
    unit: Unit,
) -> String {
    let slot = (RIGHT - LEFT) / xs.len().max(1) as f64;
    let rotate = xs.iter().any(|l| width(l, SMALL) > slot - 6.0);
    let longest = xs
        .iter()
        .map(|l| width(l, SMALL).min(160.0))
        .fold(0.0, f64::max);
    let label_h = if rotate { longest * 0.6 + 16.0 } else { 20.0 };
    let h = BOTTOM + label_h + 34.0;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let axis = match unit {
        Unit::Seconds => duration_axis(0.0, max, 6),
        Unit::Count => count_axis(max, 6),
        Unit::Share => share_axis(max.max(0.01), 5),
    };
    let fx = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let fy = |v: f64| BOTTOM - (BOTTOM - TOP) * (v - axis.lo) / (axis.hi - axis.lo);
    let mut s = Svg::new(W, h, &t.full);
    s.label(8.0, 20.0, &t.title, W - 16.0, Style::new(TITLE).bold());
    s.label(8.0, 38.0, &t.subtitle, W - 16.0, Style::new(SMALL).grey());
    for (v, l) in &axis.ticks {
        s.line(LEFT, fy(*v), RIGHT, fy(*v), "#e4e4e4", 1.0);
        s.text(LEFT - 6.0, fy(*v) + 4.0, l, Style::new(SMALL).end());
    }
    s.line(LEFT, TOP, LEFT, BOTTOM, "#777", 1.0);
    s.line(LEFT, BOTTOM, RIGHT, BOTTOM, "#777", 1.0);
    for (i, l) in xs.iter().enumerate() {
        if rotate {
            let st = Style::new(SMALL).end().rotated(-35.0);
            s.label(fx(i) + 4.0, BOTTOM + 14.0, l, 160.0, st);
        } else {
            s.text(fx(i), BOTTOM + 16.0, l, Style::new(SMALL).middle());
        }
    }
    let desc = Style::new(SMALL).middle().grey();
    s.label((LEFT + RIGHT) / 2.0, h - 12.0, x_desc, RIGHT - LEFT, desc);
    for (k, (_, ys)) in series.iter().enumerate() {
        let pts: Vec<(f64, f64)> = ys
            .iter()
            .enumerate()
            .filter(|(_, y)| y.is_finite())
            .map(|(i, &y)| (fx(i), fy(y)))
            .collect();
        draw_series(&mut s, &pts, colour(k));
    }
    legend(&mut s, series);
    s.finish()
}

/// One series: a line through its points (when there are two or more) and a dot on each.
fn draw_series(s: &mut Svg, pts: &[(f64, f64)], colour: &str) {
    if pts.len() > 1 {
        let d: String = pts
            .iter()
            .enumerate()
            .map(|(j, (x, y))| format!("{}{} {}", if j == 0 { "M" } else { "L" }, n(*x), n(*y)))
            .collect();
        s.path(&d, colour, 2.0, "");
    }
    for &(x, y) in pts {
        s.circle(x, y, 3.5, colour, colour);
    }
}

/// The legend, right of the chart: a line in each series' colour and its name.
fn legend(s: &mut Svg, series: &[(String, Vec<f64>)]) {
    let x0 = RIGHT + 24.0;
    for (k, (name, _)) in series.iter().enumerate() {
        let y = TOP + 10.0 + 20.0 * k as f64;
        s.line(x0, y - 4.0, x0 + 22.0, y - 4.0, colour(k), 3.0);
        s.label(x0 + 30.0, y, name, W - x0 - 38.0, Style::new(SMALL));
    }
}
