//! Lines over categorical x positions (a sweep's grid points), one per series, with markers;
//! the legend in its own column so it never covers a line.

use super::bars::Unit;
use super::svg::{n, width, Style, Svg, SMALL, TITLE};
use super::ticks::{count_axis, duration_axis, share_axis};
use super::{colour, PlotText};

const W: f64 = 1000.0;
const LEGEND_W: f64 = 260.0;

/// The chart: `xs` are the x labels, each series a name and one value per x (`unit` says how
/// values read: seconds, counts or shares).
pub fn lines(
    t: &PlotText,
    x_desc: &str,
    xs: &[String],
    series: &[(String, Vec<f64>)],
    unit: Unit,
) -> String {
    let nx = xs.len().max(1);
    let (left, top, right) = (74.0, 52.0, W - LEGEND_W - 20.0);
    let slot = (right - left) / nx as f64;
    let rotate = xs.iter().any(|l| width(l, SMALL) > slot - 6.0);
    let label_h = if rotate {
        xs.iter()
            .map(|l| width(l, SMALL).min(160.0))
            .fold(0.0, f64::max)
            * 0.6
            + 16.0
    } else {
        20.0
    };
    let bottom = 380.0;
    let h = bottom + label_h + 34.0;
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
    let fx = |i: usize| left + slot * (i as f64 + 0.5);
    let fy = |v: f64| bottom - (bottom - top) * (v - axis.lo) / (axis.hi - axis.lo);
    let mut s = Svg::new(W, h, &t.full);
    s.label(8.0, 20.0, &t.title, W - 16.0, Style::new(TITLE).bold());
    s.label(8.0, 38.0, &t.subtitle, W - 16.0, Style::new(SMALL).grey());
    for (v, l) in &axis.ticks {
        s.line(left, fy(*v), right, fy(*v), "#e4e4e4", 1.0);
        s.text(left - 6.0, fy(*v) + 4.0, l, Style::new(SMALL).end());
    }
    s.line(left, top, left, bottom, "#777", 1.0);
    s.line(left, bottom, right, bottom, "#777", 1.0);
    for (i, l) in xs.iter().enumerate() {
        if rotate {
            s.label(
                fx(i) + 4.0,
                bottom + 14.0,
                l,
                160.0,
                Style::new(SMALL).end().rotated(-35.0),
            );
        } else {
            s.text(fx(i), bottom + 16.0, l, Style::new(SMALL).middle());
        }
    }
    s.label(
        (left + right) / 2.0,
        h - 12.0,
        x_desc,
        right - left,
        Style::new(SMALL).middle().grey(),
    );
    for (k, (_, ys)) in series.iter().enumerate() {
        let pts: Vec<(f64, f64)> = ys
            .iter()
            .enumerate()
            .filter(|(_, y)| y.is_finite())
            .map(|(i, &y)| (fx(i), fy(y)))
            .collect();
        let d: String = pts
            .iter()
            .enumerate()
            .map(|(j, (x, y))| format!("{}{} {}", if j == 0 { "M" } else { "L" }, n(*x), n(*y)))
            .collect();
        if pts.len() > 1 {
            s.path(&d, colour(k), 2.0, "");
        }
        for (x, y) in pts {
            s.circle(x, y, 3.5, colour(k), colour(k));
        }
    }
    let x0 = right + 24.0;
    for (k, (name, _)) in series.iter().enumerate() {
        let y = top + 10.0 + 20.0 * k as f64;
        s.line(x0, y - 4.0, x0 + 22.0, y - 4.0, colour(k), 3.0);
        s.label(x0 + 30.0, y, name, W - x0 - 38.0, Style::new(SMALL));
    }
    s.finish()
}
