//! Horizontal bars, a row per model (or team), stacked by category (wait cause, credential
//! kind) when there is more than one. Drawn 520 wide for a panel of a two-column grid. Only
//! categories with something in them are drawn and listed; a panel with nothing at all says
//! "none" instead of drawing empty bars.

use super::svg::{width, Style, Svg, NORMAL, SMALL, TITLE};
use super::ticks::{count_axis, duration_axis, share_axis, Axis};
use super::PlotText;
use crate::domain::duration::format_human;

/// Width of a panel in a two-column grid.
pub const PANEL_W: f64 = 520.0;

/// What the values are and how they read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds, on a duration axis.
    Seconds,
    /// Counts per run, on a 1-2-5 axis.
    Count,
    /// Shares (0..1), in percent.
    Share,
}

impl Unit {
    fn axis(self, hi: f64, intervals: usize) -> Axis {
        match self {
            Unit::Seconds => duration_axis(0.0, hi, intervals),
            Unit::Count => count_axis(hi, intervals),
            Unit::Share => share_axis(hi, intervals),
        }
    }

    /// A value as printed at the end of its bar.
    pub fn text(self, v: f64) -> String {
        match self {
            _ if v == 0.0 => "0".into(),
            Unit::Seconds => format_human(v),
            Unit::Count if v < 0.005 => "<0.01".into(),
            Unit::Count => format!("{v:.2}"),
            Unit::Share => format!("{:.0}%", v * 100.0),
        }
    }
}

/// A row of bars: its label and the colour of its swatch (none for a single series).
pub struct Row {
    pub label: String,
    pub swatch: Option<&'static str>,
}

/// One panel of stacked bars.
pub struct Stacked {
    pub text: PlotText,
    pub rows: Vec<Row>,
    /// Category names and colours.
    pub categories: Vec<(String, &'static str)>,
    /// Whether the categories get a legend (not for a single series named by the title).
    pub legend: bool,
    /// `values[row][category]`.
    pub values: Vec<Vec<f64>>,
    pub unit: Unit,
    /// What the axis measures.
    pub axis: String,
    /// What "none" means here: "no revocation was missed".
    pub none: String,
    /// Lines under the axis (folded or hidden teams).
    pub notes: Vec<String>,
}

const LABEL_X: f64 = 8.0;
const LABEL_W: f64 = 150.0;
const BAR_X: f64 = 172.0;
const BAR_END: f64 = PANEL_W - 60.0;

impl Stacked {
    /// Drops categories that are zero in every row.
    pub fn without_empty_categories(mut self) -> Stacked {
        let keep: Vec<bool> = (0..self.categories.len())
            .map(|c| self.values.iter().any(|row| row[c] > 0.0))
            .collect();
        let mut k = keep.iter();
        self.categories.retain(|_| *k.next().unwrap());
        for row in &mut self.values {
            let mut k = keep.iter();
            row.retain(|_| *k.next().unwrap());
        }
        self
    }

    /// The panel's SVG.
    pub fn render(&self) -> String {
        let total: Vec<f64> = self.values.iter().map(|r| r.iter().sum()).collect();
        let max = total.iter().cloned().fold(0.0f64, f64::max);
        if self.categories.is_empty() || max <= 0.0 {
            return none_panel(&self.text, &self.none);
        }
        let two_lines = self
            .rows
            .iter()
            .any(|r| width(&r.label, SMALL) > LABEL_W - 14.0);
        let row_h = if two_lines { 32.0 } else { 22.0 };
        let (chips, legend_h) = if self.legend {
            chips(&self.categories)
        } else {
            (Vec::new(), 0.0)
        };
        let top = 54.0 + legend_h;
        let bottom = top + row_h * self.rows.len() as f64;
        let note_h = 18.0 * self.notes.len() as f64;
        let h = bottom + 46.0 + note_h;
        let mut s = Svg::new(PANEL_W, h, &self.text.full);
        heading(&mut s, &self.text);
        for (name, colour, x, y) in &chips {
            s.rect(*x, y - 10.0, 11.0, 11.0, colour, "");
            s.text(x + 15.0, *y, name, Style::new(SMALL));
        }
        let axis = self.unit.axis(max, ((BAR_END - BAR_X) / 62.0) as usize);
        let scale = |v: f64| (BAR_END - BAR_X) * (v - axis.lo) / (axis.hi - axis.lo);
        for (v, label) in &axis.ticks {
            let x = BAR_X + scale(*v);
            s.line(x, top - 4.0, x, bottom, "#e4e4e4", 1.0);
            s.text(x, bottom + 16.0, label, Style::new(SMALL).middle());
        }
        s.line(BAR_X, top - 4.0, BAR_X, bottom, "#777", 1.0);
        for (r, row) in self.rows.iter().enumerate() {
            let y0 = top + r as f64 * row_h;
            let mid = y0 + row_h / 2.0;
            self.row_label(&mut s, row, mid);
            let mut x = BAR_X;
            for (c, &v) in self.values[r].iter().enumerate() {
                let w = scale(v);
                if w > 0.0 {
                    let fill = self.categories[c].1;
                    s.rect(
                        x,
                        mid - 7.0,
                        w,
                        14.0,
                        fill,
                        r##"stroke="#fff" stroke-width="0.5""##,
                    );
                    x += w;
                }
            }
            s.text(
                x + 4.0,
                mid + 4.0,
                &self.unit.text(total[r]),
                Style::new(SMALL),
            );
        }
        s.text(
            (BAR_X + BAR_END) / 2.0,
            bottom + 34.0,
            &self.axis,
            Style::new(SMALL).middle().grey(),
        );
        for (k, note) in self.notes.iter().enumerate() {
            let y = bottom + 54.0 + 18.0 * k as f64;
            s.label(LABEL_X, y, note, PANEL_W - 16.0, Style::new(SMALL).grey());
        }
        s.finish()
    }

    fn row_label(&self, s: &mut Svg, row: &Row, mid: f64) {
        let mut x = LABEL_X;
        if let Some(c) = row.swatch {
            s.rect(x, mid - 5.0, 10.0, 10.0, c, "");
            x += 14.0;
        }
        let max = LABEL_W - (x - LABEL_X);
        let lines = super::svg::wrap(&crate::output::escape::visible(&row.label), SMALL, max, 2);
        let first = mid + 4.0 - (lines.len() as f64 - 1.0) * SMALL * 1.15 / 2.0;
        s.wrapped(x, first, &row.label, max, 2, Style::new(SMALL));
    }
}

/// The title (bold) and the subtitle (grey) of a panel.
pub fn heading(s: &mut Svg, t: &PlotText) {
    s.label(
        LABEL_X,
        20.0,
        &t.title,
        PANEL_W - 16.0,
        Style::new(TITLE - 1.0).bold(),
    );
    if !t.subtitle.is_empty() {
        s.label(
            LABEL_X,
            38.0,
            &t.subtitle,
            PANEL_W - 16.0,
            Style::new(SMALL).grey(),
        );
    }
}

/// A panel with nothing to draw: its heading and "none: ...".
pub fn none_panel(t: &PlotText, none: &str) -> String {
    let mut s = Svg::new(PANEL_W, 80.0, &t.full);
    heading(&mut s, t);
    s.label(
        LABEL_X,
        64.0,
        &format!("none: {none}"),
        PANEL_W - 16.0,
        Style::new(NORMAL),
    );
    s.finish()
}

/// Legend chips laid out left to right, wrapping: (name, colour, x, baseline y); and the
/// height they take.
fn chips(cats: &[(String, &'static str)]) -> (Vec<(String, &'static str, f64, f64)>, f64) {
    let mut out = Vec::new();
    let (mut x, mut y) = (LABEL_X, 60.0);
    for (name, colour) in cats {
        let w = 15.0 + width(name, SMALL) + 14.0;
        if x + w > PANEL_W - 8.0 && x > LABEL_X {
            x = LABEL_X;
            y += 18.0;
        }
        out.push((name.clone(), *colour, x, y));
        x += w;
    }
    (out, y - 60.0 + 24.0)
}
