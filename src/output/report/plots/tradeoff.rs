//! The trade-off chart: each model's restricted mean time to containment (x) against its
//! wrongful revocations per benign run (y), lower being better on both. Models no other model
//! beats on both (the Pareto frontier) are filled and joined by a line; dominated models are
//! hollow. Every point carries its model's name, placed where it overlaps no other label or
//! point.

use super::svg::{cut, n, width, Style, Svg, SMALL, TITLE};
use super::ticks::{count_axis, duration_axis};
use super::{colour, text_colour, PlotText};
use crate::output::escape::visible;

/// For each point (lower is better on both coordinates), the points that dominate it: no
/// worse on both and better on at least one. Empty for a point on the frontier. Identical
/// points do not dominate each other.
pub fn dominated_by(points: &[(f64, f64)]) -> Vec<Vec<usize>> {
    points
        .iter()
        .map(|&(x, y)| {
            (0..points.len())
                .filter(|&j| {
                    let (a, b) = points[j];
                    a <= x && b <= y && (a < x || b < y)
                })
                .collect()
        })
        .collect()
}

/// A label's box: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Boxed {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Boxed {
    fn overlaps(&self, o: &Boxed) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
    fn inside(&self, b: &Boxed) -> bool {
        self.x >= b.x
            && self.y >= b.y
            && self.x + self.w <= b.x + b.w
            && self.y + self.h <= b.y + b.h
    }
}

/// Where to put a label of each size (`sizes[i]` for the point at `points[i]`, pixels) so it
/// overlaps no other label and no point (a marker of radius `r`) and stays in `bounds`: tried
/// right, left, above, below and the diagonals, at growing distances. `None` when no place is
/// free.
pub fn place_labels(
    points: &[(f64, f64)],
    sizes: &[(f64, f64)],
    r: f64,
    bounds: Boxed,
) -> Vec<Option<Boxed>> {
    let free = Free {
        markers: points,
        r,
        lines: &[],
        bounds,
    };
    place(points, sizes, &free, Vec::new())
}

/// What a label must keep clear of: markers of radius `r`, the line through `lines`, and the
/// outside of `bounds`.
struct Free<'a> {
    markers: &'a [(f64, f64)],
    r: f64,
    lines: &'a [(f64, f64)],
    bounds: Boxed,
}

impl Free<'_> {
    /// Whether box `b` is clear of every marker and of the line (sampled every 3 px).
    fn clear(&self, b: &Boxed) -> bool {
        let r = self.r;
        let hit = |&(x, y): &(f64, f64)| {
            x > b.x - r && x < b.x + b.w + r && y > b.y - r && y < b.y + b.h + r
        };
        if !b.inside(&self.bounds) || self.markers.iter().any(hit) {
            return false;
        }
        !self.lines.windows(2).any(|seg| {
            let ((x0, y0), (x1, y1)) = (seg[0], seg[1]);
            let steps = ((x1 - x0).hypot(y1 - y0) / 3.0).ceil().max(1.0) as usize;
            (0..=steps).any(|k| {
                let f = k as f64 / steps as f64;
                let (x, y) = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f);
                x > b.x - 1.0 && x < b.x + b.w + 1.0 && y > b.y - 1.0 && y < b.y + b.h + 1.0
            })
        })
    }
}

/// Labels for `points`, clear of `free` and of the boxes `taken` and of each other.
fn place(
    points: &[(f64, f64)],
    sizes: &[(f64, f64)],
    free: &Free,
    mut taken: Vec<Boxed>,
) -> Vec<Option<Boxed>> {
    let mut out = Vec::new();
    for (&(px, py), &(w, h)) in points.iter().zip(sizes) {
        let found = candidates(px, py, w, h, free.r)
            .into_iter()
            .find(|b| free.clear(b) && !taken.iter().any(|p| p.overlaps(b)));
        if let Some(b) = found {
            taken.push(b);
        }
        out.push(found);
    }
    out
}

/// Boxes around a point, nearest first.
fn candidates(px: f64, py: f64, w: f64, h: f64, r: f64) -> Vec<Boxed> {
    let mut out = Vec::new();
    for step in [0.0, 14.0, 28.0, 44.0, 62.0, 84.0, 110.0, 140.0] {
        let d = r + 3.0 + step;
        for (x, y) in [
            (px + d, py - h / 2.0),
            (px - d - w, py - h / 2.0),
            (px - w / 2.0, py - d - h),
            (px - w / 2.0, py + d),
            (px + d * 0.7, py - d * 0.7 - h),
            (px + d * 0.7, py + d * 0.7),
            (px - d * 0.7 - w, py - d * 0.7 - h),
            (px - d * 0.7 - w, py + d * 0.7),
        ] {
            out.push(Boxed { x, y, w, h });
        }
    }
    out
}

/// One model's point.
pub struct Point {
    pub name: String,
    /// The model's index (its colour).
    pub model: usize,
    /// Restricted mean time to containment, seconds.
    pub x: f64,
    /// Wrongful revocations per benign run.
    pub y: f64,
}

const R: f64 = 6.0;

/// The chart, `w` wide (1060 for the page, 520 for a panel).
pub fn chart(t: &PlotText, points: &[Point], w: f64) -> String {
    let h = if w > 600.0 { 440.0 } else { 340.0 };
    let (left, top, right, bottom) = (62.0, 52.0, w - 20.0, h - 52.0);
    // Both axes from zero, so a small difference looks small.
    let xmax = points.iter().map(|p| p.x).fold(0.0f64, f64::max);
    let xa = duration_axis(0.0, xmax, ((right - left) / 90.0) as usize);
    let ya = count_axis(points.iter().map(|p| p.y).fold(0.0, f64::max), 4);
    let fx = |v: f64| left + (right - left) * (v - xa.lo) / (xa.hi - xa.lo);
    let fy = |v: f64| bottom - (bottom - top) * (v - ya.lo) / (ya.hi - ya.lo);
    let mut s = Svg::new(w, h, &t.full);
    s.label(
        8.0,
        20.0,
        &t.title,
        w - 16.0,
        Style::new(TITLE - 1.0).bold(),
    );
    s.label(8.0, 38.0, &t.subtitle, w - 16.0, Style::new(SMALL).grey());
    for (v, l) in &xa.ticks {
        s.line(fx(*v), top, fx(*v), bottom, "#e4e4e4", 1.0);
        s.text(fx(*v), bottom + 16.0, l, Style::new(SMALL).middle());
    }
    for (v, l) in &ya.ticks {
        s.line(left, fy(*v), right, fy(*v), "#e4e4e4", 1.0);
        s.text(left - 6.0, fy(*v) + 4.0, l, Style::new(SMALL).end());
    }
    s.line(left, top, left, bottom, "#777", 1.0);
    s.line(left, bottom, right, bottom, "#777", 1.0);
    s.text(
        (left + right) / 2.0,
        h - 16.0,
        "restricted mean time to containment (lower is better)",
        Style::new(SMALL).middle(),
    );
    s.text(
        16.0,
        (top + bottom) / 2.0,
        "wrongful revocations per benign run",
        Style::new(SMALL).middle().rotated(-90.0),
    );
    let px: Vec<(f64, f64)> = points.iter().map(|p| (fx(p.x), fy(p.y))).collect();
    let dom = dominated_by(&points.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>());
    let line = frontier_line(&mut s, &px, &dom);
    for (i, p) in points.iter().enumerate() {
        let fill = if dom[i].is_empty() {
            colour(p.model)
        } else {
            "#fff"
        };
        s.circle(px[i].0, px[i].1, R, fill, colour(p.model));
    }
    let free = Free {
        markers: &px,
        r: R + 1.0,
        lines: &line,
        bounds: Boxed {
            x: left + 2.0,
            y: top,
            w: right - left - 2.0,
            h: bottom - top,
        },
    };
    labels(&mut s, points, &free);
    s.finish()
}

/// The frontier's points in order of x, joined by a dashed line; returns them.
fn frontier_line(s: &mut Svg, px: &[(f64, f64)], dom: &[Vec<usize>]) -> Vec<(f64, f64)> {
    let mut f: Vec<(f64, f64)> = (0..px.len())
        .filter(|&i| dom[i].is_empty())
        .map(|i| px[i])
        .collect();
    f.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    if f.len() > 1 {
        let d: String = f
            .iter()
            .enumerate()
            .map(|(k, (x, y))| format!("{}{} {}", if k == 0 { "M" } else { "L" }, n(*x), n(*y)))
            .collect();
        s.path(&d, "#333", 1.5, r#"stroke-dasharray="5 3""#);
    }
    f
}

/// Each point's name (cut to 260 px) where it fits clear of `free`; else its number, "#3"
/// (the table under the chart numbers the models the same way).
fn labels(s: &mut Svg, points: &[Point], free: &Free) {
    let px = free.markers;
    let names: Vec<String> = points
        .iter()
        .map(|p| {
            let v = visible(&p.name).into_owned();
            cut(&v, SMALL, 260.0).unwrap_or(v)
        })
        .collect();
    let sizes: Vec<(f64, f64)> = names.iter().map(|l| (width(l, SMALL), 15.0)).collect();
    let mut spots = place(px, &sizes, free, Vec::new());
    let numbers: Vec<String> = points.iter().map(|p| format!("#{}", p.model + 1)).collect();
    let missing: Vec<usize> = (0..points.len()).filter(|&i| spots[i].is_none()).collect();
    if !missing.is_empty() {
        let small: Vec<(f64, f64)> = missing
            .iter()
            .map(|&i| (width(&numbers[i], SMALL), 15.0))
            .collect();
        let pts: Vec<(f64, f64)> = missing.iter().map(|&i| px[i]).collect();
        let named: Vec<Boxed> = spots.iter().flatten().copied().collect();
        for (k, spot) in place(&pts, &small, free, named).into_iter().enumerate() {
            spots[missing[k]] = spot;
        }
    }
    for (i, spot) in spots.iter().enumerate() {
        let Some(b) = spot else { continue };
        let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
        let (dx, dy) = (
            (cx - px[i].0).abs() - b.w / 2.0,
            (cy - px[i].1).abs() - b.h / 2.0,
        );
        if dx.max(dy) > R + 8.0 {
            // A leader from the point to the nearest edge of its label.
            let ex = px[i].0.clamp(b.x, b.x + b.w);
            let ey = px[i].1.clamp(b.y, b.y + b.h);
            s.line(px[i].0, px[i].1, ex, ey, "#999", 1.0);
        }
        let st = Style::new(SMALL).coloured(text_colour(points[i].model));
        if missing.contains(&i) {
            s.text(b.x, b.y + 11.5, &numbers[i], st);
        } else {
            s.label_with_tail(b.x, b.y + 11.5, &points[i].name, "", b.w + 1.0, st);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frontier_is_the_points_no_other_beats_on_both() {
        // a (10, 5), b (20, 1), c (15, 6): a beats c on both (10 < 15, 5 < 6); b does not
        // (20 > 15). d (10, 5) equals a: neither dominates the other. e (30, 1): b is faster
        // at the same wrongful rate. f (5, 9): the fastest, on the frontier.
        let p = [
            (10.0, 5.0),
            (20.0, 1.0),
            (15.0, 6.0),
            (10.0, 5.0),
            (30.0, 1.0),
            (5.0, 9.0),
        ];
        let d = dominated_by(&p);
        assert_eq!(d, vec![vec![], vec![], vec![0, 3], vec![], vec![1], vec![]]);
    }

    #[test]
    fn labels_of_crowded_points_do_not_overlap() {
        // Three points on top of each other and one near: every label finds its own place.
        let pts = [
            (100.0, 100.0),
            (100.0, 100.0),
            (101.0, 102.0),
            (130.0, 100.0),
        ];
        let sizes = [(80.0, 15.0); 4];
        let bounds = Boxed {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        };
        let spots = place_labels(&pts, &sizes, 7.0, bounds);
        let boxes: Vec<Boxed> = spots.iter().map(|b| b.expect("placed")).collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.inside(&bounds));
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
            for &(x, y) in &pts {
                let m = Boxed {
                    x: x - 7.0,
                    y: y - 7.0,
                    w: 14.0,
                    h: 14.0,
                };
                assert!(!a.overlaps(&m), "{a:?} covers the point at {x}, {y}");
            }
        }
        // The first would go right of its point (x from 100 + 7 + 3 = 110 to 190), but that
        // covers the marker at 130 (123 to 137); so left: x = 100 - 10 - 80 = 10, centred on y.
        assert_eq!(
            boxes[0],
            Boxed {
                x: 10.0,
                y: 92.5,
                w: 80.0,
                h: 15.0
            }
        );
        // No room at all in a box the size of one label.
        let tight = Boxed {
            x: 0.0,
            y: 0.0,
            w: 90.0,
            h: 20.0,
        };
        assert_eq!(
            place_labels(&[(45.0, 10.0)], &[(80.0, 15.0)], 7.0, tight),
            vec![None]
        );
    }
}
