//! Per model, over all scenarios: the handoff heatmap (mean wait from team to team, and
//! handoffs per run) and team utilisation. Teams with no handoffs (no work) are left out and
//! named under the chart; beyond `fold::TOP_TEAMS` the rest fold into "others".

use super::bars::{none_panel, Row, Stacked, Unit, PANEL_W};
use super::svg::{width, Style, Svg, SMALL, TITLE};
use super::{colour, PlotText};
use crate::analysis::compare::Comparison;
use crate::domain::duration::format_human;
use crate::output::fold::Folding;

/// Per-team utilisation (work over staffed time) for one model, all scenarios.
pub fn utilisation(t: PlotText, c: &Comparison, model: usize) -> String {
    let teams = &c.models[model].teams;
    let mut busy = vec![(0u64, 0u64); teams.len()];
    for s in &c.scenarios {
        let bd = &s.models[model].breakdown;
        for (k, b) in busy.iter_mut().enumerate() {
            b.0 += bd.busy[k];
            b.1 += bd.capacity[k];
        }
    }
    let share = |(work, cap): (u64, u64)| work as f64 / cap.max(1) as f64;
    let fold = Folding::nonzero(&busy.iter().map(|&b| share(b)).collect::<Vec<_>>());
    let mut rows = vec![(0u64, 0u64); fold.rows()];
    for (k, slot) in fold.slot_of().into_iter().enumerate() {
        if let Some(r) = slot {
            rows[r].0 += busy[k].0;
            rows[r].1 += busy[k].1;
        }
    }
    let notes: Vec<String> = [
        fold.note("utilisation"),
        fold.hidden_note("work", |k| teams[k].id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    Stacked {
        text: t,
        rows: fold
            .labels(|k| teams[k].id.as_str())
            .into_iter()
            .map(|label| Row {
                label,
                swatch: None,
            })
            .collect(),
        categories: vec![("utilisation".into(), colour(model))],
        legend: false,
        values: rows.into_iter().map(|r| vec![share(r)]).collect(),
        unit: Unit::Share,
        axis: "time working / time staffed".into(),
        none: "no team did any work".into(),
        notes,
    }
    .render()
}

/// Summed handoff wait and count from team to team for one model over all scenarios, with
/// senders and receivers of no handoff hidden and the rest folded.
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
    let (rows, cols) = (Folding::nonzero(&sent), Folding::nonzero(&received));
    let (row_of, col_of) = (rows.slot_of(), cols.slot_of());
    let mut cells = vec![vec![(0u64, 0u64); cols.rows()]; rows.rows()];
    for s in &c.scenarios {
        let bd = &s.models[model].breakdown;
        for (from, r) in row_of.iter().enumerate() {
            let Some(r) = *r else { continue };
            for (to, k) in col_of.iter().enumerate() {
                let Some(k) = *k else { continue };
                let p = bd.pair(from, to);
                cells[r][k].0 += bd.handoff_wait[p];
                cells[r][k].1 += bd.handoffs[p];
            }
        }
    }
    (rows, cols, cells)
}

const CELL_W: f64 = 84.0;
const CELL_H: f64 = 40.0;
const ROW_LABELS: f64 = 160.0;

/// The width the heatmap of one model is drawn at.
pub fn heatmap_width(c: &Comparison, model: usize) -> f64 {
    let (_, cols, _) = handoff_cells(c, model);
    heatmap_w(cols.rows())
}

fn heatmap_w(cols: usize) -> f64 {
    (ROW_LABELS + 12.0 + cols as f64 * CELL_W + 90.0).max(PANEL_W)
}

/// The mean handoff wait from team to team for one model as a heatmap, each cell with the
/// handoffs per run under it.
pub fn handoff_heatmap(t: PlotText, c: &Comparison, model: usize) -> String {
    let teams = &c.models[model].teams;
    let (rows, cols, cells) = handoff_cells(c, model);
    if rows.rows() == 0 {
        return none_panel(&t, "no handoffs between teams");
    }
    let name = |k: usize| teams[k].id.as_str();
    let (row_names, col_names) = (rows.labels(name), cols.labels(name));
    let longest = col_names
        .iter()
        .map(|l| width(l, SMALL).min(140.0))
        .fold(0.0, f64::max);
    let (left, top) = (ROW_LABELS + 12.0, 56.0 + longest * 0.64 + 14.0);
    let w = heatmap_w(col_names.len());
    let notes: Vec<String> = [
        rows.note("handoffs sent"),
        cols.note("handoffs received"),
        rows.hidden_note("handoffs sent", name),
        cols.hidden_note("handoffs received", name),
    ]
    .into_iter()
    .flatten()
    .collect();
    let h = top + CELL_H * row_names.len() as f64 + 34.0 + 18.0 * notes.len() as f64;
    let mut s = Svg::new(w, h, &t.full);
    let head = Style::new(TITLE - 1.0).bold();
    s.label(8.0, 20.0, &t.title, w - 16.0, head);
    s.label(8.0, 38.0, &t.subtitle, w - 16.0, Style::new(SMALL).grey());
    let corner = Style::new(SMALL).end().grey();
    s.text(left - 8.0, top - 6.0, "from \u{2193} to \u{2192}", corner);
    for (k, l) in col_names.iter().enumerate() {
        let x = left + (k as f64 + 0.5) * CELL_W;
        s.label(
            x - 4.0,
            top - 8.0,
            l,
            140.0,
            Style::new(SMALL).rotated(-40.0),
        );
    }
    for (r, l) in row_names.iter().enumerate() {
        let y = top + r as f64 * CELL_H + CELL_H / 2.0 + 4.0;
        s.label(left - 8.0, y, l, ROW_LABELS - 8.0, Style::new(SMALL).end());
    }
    let runs = (c.runs * c.scenarios.len() as u64).max(1) as f64;
    heatmap_cells(&mut s, &cells, left, top, runs);
    let mut y = top + CELL_H * row_names.len() as f64 + 20.0;
    let key = "each cell: mean wait of a handoff (colour), and handoffs per run below it";
    s.text(8.0, y, key, Style::new(SMALL).grey());
    for note in notes {
        y += 18.0;
        s.label(8.0, y, &note, w - 16.0, Style::new(SMALL).grey());
    }
    s.finish()
}

/// The cells from (`left`, `top`): shaded by mean wait (of the longest), the wait and the
/// handoffs per run (of `runs`) written in each.
fn heatmap_cells(s: &mut Svg, cells: &[Vec<(u64, u64)>], left: f64, top: f64, runs: f64) {
    let mean = |cell: (u64, u64)| (cell.1 > 0).then(|| cell.0 as f64 / cell.1 as f64);
    let max = cells
        .iter()
        .flatten()
        .filter_map(|&c| mean(c))
        .fold(0.0, f64::max)
        .max(1.0);
    for (r, row) in cells.iter().enumerate() {
        let y = top + r as f64 * CELL_H;
        for (k, &cell) in row.iter().enumerate() {
            let x = left + k as f64 * CELL_W;
            let Some(secs) = mean(cell) else {
                s.rect(x + 1.0, y + 1.0, CELL_W - 2.0, CELL_H - 2.0, "#f4f4f4", "");
                continue;
            };
            s.rect(
                x + 1.0,
                y + 1.0,
                CELL_W - 2.0,
                CELL_H - 2.0,
                &shade(secs / max),
                "",
            );
            let cx = x + CELL_W / 2.0;
            let wait = Style::new(13.0).middle().bold();
            s.text(cx, y + 17.0, &format_human(secs), wait);
            let per_run = per_run_text(cell.1 as f64 / runs);
            s.text(cx, y + 32.0, &per_run, Style::new(SMALL).middle());
        }
    }
}

/// Handoffs per run as printed in a cell.
fn per_run_text(v: f64) -> String {
    if v >= 10.0 {
        format!("{v:.0}/run")
    } else if v >= 0.01 {
        format!("{v:.2}/run")
    } else {
        "<0.01/run".into()
    }
}

/// A cell's colour for a wait `k` of the longest (0..1): pale yellow to orange-red.
fn shade(k: f64) -> String {
    let k = k.clamp(0.0, 1.0);
    let g = (236.0 - 150.0 * k) as u8;
    let b = (200.0 - 150.0 * k) as u8;
    format!("#{:02x}{:02x}{:02x}", 253, g, b)
}
