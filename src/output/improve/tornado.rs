//! The tornado chart: the recommended change (recommended minus original, restricted mean time
//! to containment, hours) with each calibration assumption moved to the low and the high end of
//! its documented range, one bar per assumption from one end's difference to the other's,
//! widest swing first. Each end's 95% interval is a whisker; the shaded band is the practical
//! threshold around zero (no difference that matters); the dashed line is the difference at the
//! calibrated values. A bar whose verdict flips at either end is amber and says "flips" in
//! words beside it. Drawn 760 wide, the report's SVG conventions (`report::plots::svg`).

use crate::analysis::decision::Pooled;
use crate::analysis::improve::{Bar, Sensitivity};
use crate::output::report::plots::svg::{n, width, Style, Svg, NORMAL, SMALL, TITLE};
use crate::output::report::plots::ticks::duration_label;

use super::signed;

const W: f64 = 760.0;
const LABEL_X: f64 = 8.0;
const LABEL_W: f64 = 178.0;
const PLOT_L: f64 = 196.0;
const PLOT_R: f64 = 560.0;
const WORDS_X: f64 = 576.0;
const WORDS_W: f64 = W - WORDS_X - 8.0;
const TOP: f64 = 100.0;
const ROW_H: f64 = 46.0;

const BAR: &str = "#9dbcd9";
const BAR_EDGE: &str = "#3f6f9e";
const FLIP: &str = "#f2b36b";
const FLIP_EDGE: &str = "#a35200";
const FLIP_TEXT: &str = "#8a3b00";
const BAND: &str = "#e9e9e9";

/// Ladder of tick steps, seconds.
const STEPS: [u64; 16] = [
    60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 345600, 604800,
    1209600,
];

/// The tornado of `s`, the change from `original` to `recommended` (model names).
pub fn tornado_svg(s: &Sensitivity, original: &str, recommended: &str) -> String {
    let bars = &s.bars;
    let bottom = TOP + ROW_H * bars.len().max(1) as f64;
    let h = bottom + 88.0;
    let title = "If an assumption is wrong: the recommended change, time to containment";
    let mut g = Svg::new(W, h, title);
    g.desc(&describe(s, original, recommended));
    g.label(
        LABEL_X,
        20.0,
        title,
        W - 16.0,
        Style::new(TITLE - 1.0).bold(),
    );
    g.wrapped(
        LABEL_X,
        38.0,
        &format!(
            "{recommended} minus {original}; both models under each moved assumption, {} runs per scenario at each end",
            s.runs
        ),
        W - 16.0,
        2,
        Style::new(SMALL).grey(),
    );
    let base = &s.base;
    g.label(
        LABEL_X,
        72.0,
        &format!(
            "At the calibrated values, on these runs: {} (95% CI {} to {}), {}",
            signed(0, base.difference.mean),
            signed(0, base.difference.low),
            signed(0, base.difference.high),
            base.verdict.text()
        ),
        W - 16.0,
        Style::new(SMALL),
    );
    g.text(
        LABEL_X,
        TOP - 8.0,
        "assumption: its range",
        Style::new(SMALL).grey(),
    );
    g.text(
        WORDS_X,
        TOP - 8.0,
        "verdict at each end",
        Style::new(SMALL).grey(),
    );
    if bars.is_empty() {
        g.text(
            PLOT_L,
            TOP + 24.0,
            "no assumption was moved",
            Style::new(NORMAL),
        );
        return g.finish();
    }
    let scale = Scale::of(s);
    scale.grid(&mut g, TOP - 2.0, bottom);
    for (r, b) in bars.iter().enumerate() {
        let mid = TOP + ROW_H * r as f64 + ROW_H / 2.0;
        row(&mut g, &scale, b, mid);
    }
    let x0 = scale.x(0.0);
    g.line(x0, TOP - 2.0, x0, bottom, "#1a1a1a", 1.2);
    let xb = scale.x(base.difference.mean);
    g.path(
        &format!("M{} {}L{} {}", n(xb), n(TOP - 2.0), n(xb), n(bottom)),
        "#1a1a1a",
        1.2,
        r#"stroke-dasharray="5 3""#,
    );
    legend(&mut g, s, bottom);
    g.finish()
}

/// The chart in words, for its `<desc>`.
fn describe(s: &Sensitivity, original: &str, recommended: &str) -> String {
    let mut parts = vec![format!(
        "{recommended} minus {original}, restricted mean time to containment, at the calibrated values {} ({}).",
        signed(0, s.base.difference.mean),
        s.base.verdict.text()
    )];
    for b in &s.bars {
        parts.push(format!(
            "{}: {} at {}, {} at {}{}.",
            b.assumption,
            end_text(&b.low),
            b.low_label,
            end_text(&b.high),
            b.high_label,
            if b.flips { "; flips the verdict" } else { "" }
        ));
    }
    parts.join(" ")
}

fn end_text(p: &Pooled) -> String {
    format!("{} ({})", signed(0, p.difference.mean), p.verdict.text())
}

/// One assumption: labels, the bar, the whiskers, the end labels, the verdict in words.
fn row(g: &mut Svg, sc: &Scale, b: &Bar, mid: f64) {
    g.label(
        LABEL_X,
        mid - 3.0,
        b.assumption,
        LABEL_W,
        Style::new(NORMAL),
    );
    g.label(
        LABEL_X,
        mid + 13.0,
        &format!("{} to {}", b.low_label, b.high_label),
        LABEL_W,
        Style::new(SMALL).grey(),
    );
    let (lo, hi) = (&b.low.difference, &b.high.difference);
    let (a, z) = (sc.x(lo.mean.min(hi.mean)), sc.x(lo.mean.max(hi.mean)));
    let (fill, edge) = if b.flips {
        (FLIP, FLIP_EDGE)
    } else {
        (BAR, BAR_EDGE)
    };
    let w = (z - a).max(2.0);
    g.rect(
        a.min(z - 2.0).max(PLOT_L),
        mid - 8.0,
        w,
        16.0,
        fill,
        &format!(
            r#"stroke="{edge}" stroke-width="1" class="{}""#,
            if b.flips { "bar flips" } else { "bar" }
        ),
    );
    for (p, dy) in [(&b.low, -3.5), (&b.high, 3.5)] {
        let d = &p.difference;
        let (x1, x2, y) = (sc.x(d.low), sc.x(d.high), mid + dy);
        g.line(x1, y, x2, y, "#1a1a1a", 1.3);
        g.line(x1, y - 2.5, x1, y + 2.5, "#1a1a1a", 1.3);
        g.line(x2, y - 2.5, x2, y + 2.5, "#1a1a1a", 1.3);
        g.circle(sc.x(d.mean), y, 1.2, "#1a1a1a", "#1a1a1a");
    }
    // The end further left is labelled on the left, the other on the right.
    let low_left = lo.mean <= hi.mean;
    let (left, right) = if low_left {
        ((&b.low_label, lo), (&b.high_label, hi))
    } else {
        ((&b.high_label, hi), (&b.low_label, lo))
    };
    let lx = sc.x(left.1.low.min(left.1.mean)) - 5.0;
    let rx = sc.x(right.1.high.max(right.1.mean)) + 5.0;
    g.text(lx, mid + 4.0, left.0, Style::new(SMALL).end());
    g.text(rx, mid + 4.0, right.0, Style::new(SMALL));
    let words = format!(
        "{}: {}; {}: {}",
        b.low_label,
        b.low.verdict.text(),
        b.high_label,
        b.high.verdict.text()
    );
    if b.flips {
        g.text(
            WORDS_X,
            mid - 3.0,
            "FLIPS the verdict",
            Style::new(NORMAL).bold().coloured(FLIP_TEXT),
        );
    } else {
        g.text(WORDS_X, mid - 3.0, "holds", Style::new(NORMAL).grey());
    }
    g.wrapped(WORDS_X, mid + 11.0, &words, WORDS_W, 2, Style::new(SMALL));
}

/// The horizontal scale (hours to pixels) and its ticks.
struct Scale {
    lo: f64,
    hi: f64,
    step: u64,
    threshold: f64,
}

impl Scale {
    /// Covers every whisker, zero, the base and the threshold band, with room for end labels.
    fn of(s: &Sensitivity) -> Scale {
        let threshold = s.base.threshold.max(0.0);
        let mut lo = (-threshold).min(s.base.difference.low);
        let mut hi = threshold.max(s.base.difference.high);
        for b in &s.bars {
            for p in [&b.low, &b.high] {
                let d = &p.difference;
                for v in [d.low, d.high, d.mean] {
                    if v.is_finite() {
                        lo = lo.min(v);
                        hi = hi.max(v);
                    }
                }
            }
        }
        // Room for the end labels ("x0.5") beyond the outermost whiskers.
        let label = 44.0 / (PLOT_R - PLOT_L);
        let span = (hi - lo).max(1.0 / 60.0);
        let (lo, hi) = (lo - span * label, hi + span * label);
        let (lo_s, hi_s) = (lo * 3600.0, hi * 3600.0);
        let intervals = ((PLOT_R - PLOT_L) / 52.0).floor();
        let step = STEPS
            .into_iter()
            .find(|&st| {
                let st = st as f64;
                (hi_s / st).ceil() - (lo_s / st).floor() <= intervals
            })
            .unwrap_or(STEPS[STEPS.len() - 1]);
        Scale {
            lo,
            hi,
            step,
            threshold,
        }
    }

    fn x(&self, hours: f64) -> f64 {
        let v = hours.clamp(self.lo, self.hi);
        PLOT_L + (PLOT_R - PLOT_L) * (v - self.lo) / (self.hi - self.lo)
    }

    /// The threshold band, grid lines and tick labels.
    fn grid(&self, g: &mut Svg, top: f64, bottom: f64) {
        let (a, z) = (self.x(-self.threshold), self.x(self.threshold));
        g.rect(a, top, z - a, bottom - top, BAND, "");
        let st = self.step as f64 / 3600.0;
        let first = (self.lo / st).ceil() as i64;
        let last = (self.hi / st).floor() as i64;
        for k in first..=last {
            let v = k as f64 * st;
            let x = self.x(v);
            if k != 0 {
                g.line(x, top, x, bottom, "#d8d8d8", 1.0);
            }
            let secs = k.unsigned_abs() * self.step;
            let sign = match k.signum() {
                1 => "+",
                -1 => "-",
                _ => "",
            };
            let label = format!("{sign}{}", duration_label(secs, self.step));
            g.text(x, bottom + 16.0, &label, Style::new(SMALL).middle());
        }
    }
}

/// The axis title and the key under the chart.
fn legend(g: &mut Svg, s: &Sensitivity, bottom: f64) {
    g.text(
        (PLOT_L + PLOT_R) / 2.0,
        bottom + 34.0,
        "recommended minus original (left of 0: the change contains sooner)",
        Style::new(SMALL).middle().grey(),
    );
    let y = bottom + 58.0;
    let mut x = LABEL_X;
    g.rect(x, y - 10.0, 14.0, 12.0, BAND, "");
    let t = format!(
        "within ±{} of 0: no difference that matters (practical threshold)",
        crate::domain::duration::format_human(s.base.threshold * 3600.0)
    );
    g.text(x + 18.0, y, &t, Style::new(SMALL));
    x += 18.0 + width(&t, SMALL) + 28.0;
    g.path(
        &format!("M{} {}L{} {}", n(x), n(y - 11.0), n(x), n(y + 2.0)),
        "#1a1a1a",
        1.2,
        r#"stroke-dasharray="5 3""#,
    );
    g.text(x + 6.0, y, "at the calibrated values", Style::new(SMALL));
    let y = y + 20.0;
    let x = LABEL_X;
    g.line(x, y - 4.0, x + 14.0, y - 4.0, "#1a1a1a", 1.3);
    g.line(x, y - 6.5, x, y - 1.5, "#1a1a1a", 1.3);
    g.line(x + 14.0, y - 6.5, x + 14.0, y - 1.5, "#1a1a1a", 1.3);
    g.text(
        x + 20.0,
        y,
        "95% interval at each end (upper: low end, lower: high end)",
        Style::new(SMALL),
    );
    let x2 = x
        + 20.0
        + width(
            "95% interval at each end (upper: low end, lower: high end)",
            SMALL,
        )
        + 24.0;
    g.rect(
        x2,
        y - 10.0,
        14.0,
        12.0,
        FLIP,
        &format!(r#"stroke="{FLIP_EDGE}""#),
    );
    g.text(
        x2 + 18.0,
        y,
        "the verdict flips at an end",
        Style::new(SMALL),
    );
}
