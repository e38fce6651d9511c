//! The comparison table on the terminal (`compare`, the default command, `study`, `merge`, and
//! `table` without the ranking): one block per scenario, its name as a heading line, its models
//! in the report's ranking order, at most [`WIDTH`] columns, laid out by comfy-table. Lines of
//! notes (warnings) may follow each block.

use comfy_table::{
    Cell, CellAlignment, ColumnConstraint, ContentArrangement, ContentLineStyle, LineStyle, Table,
    TableStyle, Width,
};

use crate::analysis::compare::{Comparison, ScenarioResult};
use crate::analysis::summary::Summary;
use crate::output::text::pct;

/// The widest line printed, in characters.
pub const WIDTH: usize = 100;

/// No borders, no lines between columns; dashes under the header.
const STYLE: TableStyle = TableStyle::new().header_separator(LineStyle::none().fill('-'));

/// Column headers, two lines each (bottom-aligned), and the spaces after each column.
const HEADER: [&str; 9] = [
    "\nrank",
    "\nmodel",
    "\ncontained",
    "TTC\np50",
    "TTC\np90",
    "missed\n/run",
    "wrongful\n/benign",
    "top stall\ncause",
    "TTC vs\nbaseline",
];
const GAP: [u16; 9] = [1, 1, 1, 1, 1, 1, 2, 2, 0];
/// The widest a wrapped cell may be: stall cause, verdict.
const WRAP: [(usize, usize); 2] = [(7, 14), (8, 12)];
const MODEL: usize = 1;

/// One line of a block: a model on the scenario.
struct Line<'a> {
    rank: String,
    model: &'a str,
    s: &'a Summary,
    /// The verdict on time to containment against the baseline ("baseline" for it); `None`
    /// for a table without a baseline (`raci-sim table`).
    verdict: Option<&'static str>,
}

/// A block: the scenario's name and its lines.
struct Block<'a> {
    scenario: &'a str,
    lines: Vec<Line<'a>>,
}

/// The comparison table of `c`, one block per scenario.
pub fn comparison_table(c: &Comparison) -> String {
    comparison_table_with_notes(c, |_| Vec::new())
}

/// The comparison table with `notes(k)` (lines of text, e.g. warnings) under the block of
/// scenario `k`, each wrapped to [`WIDTH`] and indented by two spaces.
pub fn comparison_table_with_notes(c: &Comparison, notes: impl Fn(usize) -> Vec<String>) -> String {
    let blocks: Vec<Block> = c.scenarios.iter().map(|s| ranked_block(c, s)).collect();
    render(&blocks, true, notes)
}

/// The table of `raci-sim table`: summaries in the order given, scenario-major, one block per
/// scenario, no rank or verdict (no baseline).
pub fn summary_table(rows: &[Summary]) -> String {
    let mut blocks: Vec<Block> = Vec::new();
    for s in rows {
        if blocks.last().is_none_or(|b| b.scenario != s.scenario) {
            blocks.push(Block {
                scenario: &s.scenario,
                lines: Vec::new(),
            });
        }
        let b = blocks.last_mut().expect("pushed");
        b.lines.push(Line {
            rank: String::new(),
            model: &s.model,
            s,
            verdict: None,
        });
    }
    render(&blocks, false, |_| Vec::new())
}

/// A scenario's models in ranking order; ranks shared by several models read "=2".
fn ranked_block<'a>(c: &'a Comparison, s: &'a ScenarioResult) -> Block<'a> {
    let lines = s
        .ranking
        .iter()
        .map(|r| {
            let i = (c.models.iter())
                .position(|m| m.name == r.model)
                .expect("every ranked model is compared");
            let tied = s.ranking.iter().filter(|x| x.rank == r.rank).count() > 1;
            let m = &s.models[i];
            Line {
                rank: format!("{}{}", if tied { "=" } else { "" }, r.rank),
                model: &c.models[i].name,
                s: &m.summary,
                verdict: Some(if i == c.baseline {
                    "baseline"
                } else {
                    m.diffs[0].verdict.text()
                }),
            }
        })
        .collect();
    Block {
        scenario: &s.scenario.name,
        lines,
    }
}

fn cells(l: &Line, model_width: usize) -> [String; 9] {
    let s = l.s;
    let h = s.horizon_seconds;
    let cause = s
        .top_stall_cause()
        .map_or("-".to_string(), |(c, _)| c.replace('_', " "));
    [
        l.rank.clone(),
        truncate(l.model, model_width),
        pct(s.share_contained),
        s.time_to_containment_p50.display(h),
        s.time_to_containment_p90.display(h),
        format!("{:.2}", s.missed_revocations_mean),
        format!("{:.2}", s.wrongful_per_benign_run),
        wrap(&cause, WRAP[0].1),
        wrap(l.verdict.unwrap_or(""), WRAP[1].1),
    ]
}

fn chars(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// `s` cut to `w` characters, the last one an ellipsis when cut.
fn truncate(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    let mut o: String = s.chars().take(w.saturating_sub(1)).collect();
    o.push('…');
    o
}

/// Words greedily on lines of at most `w` characters (a longer word stands alone).
fn wrap(s: &str, w: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split(' ') {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= w => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines.join("\n")
}

/// Every block with the same column widths, so the blocks line up.
fn render(blocks: &[Block], ranked: bool, notes: impl Fn(usize) -> Vec<String>) -> String {
    let shown: Vec<usize> = if ranked {
        (0..9).collect()
    } else {
        (1..8).collect()
    };
    let mut widths = [0usize; 9];
    for &i in &shown {
        widths[i] = chars(HEADER[i]);
    }
    for l in blocks.iter().flat_map(|b| &b.lines) {
        for (i, cell) in cells(l, usize::MAX).iter().enumerate() {
            if i != MODEL {
                widths[i] = widths[i].max(chars(cell));
            }
        }
    }
    let gaps: usize = shown.iter().map(|&i| GAP[i] as usize).sum::<usize>()
        - GAP[*shown.last().expect("columns")] as usize;
    let others: usize = shown
        .iter()
        .filter(|&&i| i != MODEL)
        .map(|&i| widths[i])
        .sum();
    let longest = blocks
        .iter()
        .flat_map(|b| &b.lines)
        .map(|l| l.model.chars().count());
    widths[MODEL] = longest
        .max()
        .unwrap_or(0)
        .max(chars(HEADER[MODEL]))
        .min(WIDTH - others - gaps);
    let mut o = String::new();
    for (k, b) in blocks.iter().enumerate() {
        if k > 0 {
            o.push('\n');
        }
        o.push_str(&truncate(b.scenario, WIDTH));
        o.push('\n');
        o.push_str(&block_table(b, &shown, &widths));
        for n in notes(k) {
            o.push_str(&indented(&n));
        }
    }
    o
}

fn block_table(b: &Block, shown: &[usize], widths: &[usize; 9]) -> String {
    let mut t = Table::new();
    t.load_style(STYLE.content_lines(ContentLineStyle::none()))
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(shown.iter().map(|&i| Cell::new(HEADER[i])));
    for l in &b.lines {
        let row = cells(l, widths[MODEL]);
        t.add_row(shown.iter().map(|&i| Cell::new(&row[i])));
    }
    let last = *shown.last().expect("columns");
    for (c, &i) in shown.iter().enumerate() {
        let gap = if i == last { 0 } else { GAP[i] };
        let col = t.column_mut(c).expect("column");
        col.set_padding((0, gap));
        col.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
            widths[i] as u16 + gap,
        )));
        if (2..=6).contains(&i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut o = String::new();
    for line in t.lines() {
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o
}

/// A note wrapped to [`WIDTH`], indented by two spaces.
fn indented(note: &str) -> String {
    let mut o = String::new();
    for line in wrap(note, WIDTH - 2).lines() {
        o.push_str("  ");
        o.push_str(line);
        o.push('\n');
    }
    o
}

#[cfg(test)]
mod tests {
    use super::{truncate, wrap};

    #[test]
    fn long_names_end_in_an_ellipsis_within_the_width() {
        assert_eq!(
            truncate("cross-channel-identity-assurance", 10),
            "cross-cha…"
        );
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly-10", 10), "exactly-10");
    }

    #[test]
    fn words_wrap_greedily() {
        assert_eq!(wrap("cannot be told apart", 12), "cannot be\ntold apart");
        assert_eq!(wrap("split accountability", 14), "split\naccountability");
        assert_eq!(wrap("queue", 14), "queue");
    }
}
