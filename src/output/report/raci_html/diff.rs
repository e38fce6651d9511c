//! Each model's changes from the baseline: changed cells by team id and row, team and policy
//! changes, then what the runs measured on every changed row (`effects.rs`).

use std::fmt::Write as _;

use super::{coverage, group, label, policy_lines};
use crate::analysis::compare::Comparison;
use crate::analysis::consequence::{rows, RowKey};
use crate::domain::CredentialKind;
use crate::input::{Model, Team};
use crate::output::escape::html;

/// A column of a diff: a team by id, and its index in the baseline and in the model.
struct Column<'a> {
    id: &'a str,
    base: Option<usize>,
    model: Option<usize>,
}

fn columns<'a>(b: &'a Model, m: &'a Model) -> Vec<Column<'a>> {
    let mut out: Vec<Column> = b
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| Column {
            id: &t.id,
            base: Some(i),
            model: m.team_index(&t.id),
        })
        .collect();
    for (i, t) in m.teams.iter().enumerate() {
        if b.team_index(&t.id).is_none() {
            out.push(Column {
                id: &t.id,
                base: None,
                model: Some(i),
            });
        }
    }
    out
}

/// The row keys of both models: the baseline's, with the model's own rows inserted after the
/// row they follow in the model.
fn union_keys(b: &[(RowKey, Vec<String>)], m: &[(RowKey, Vec<String>)]) -> Vec<RowKey> {
    let mut out: Vec<RowKey> = b.iter().map(|(k, _)| k.clone()).collect();
    let mut at = 0;
    for (k, _) in m {
        match out.iter().position(|x| x == k) {
            Some(p) => at = p + 1,
            None => {
                out.insert(at, k.clone());
                at += 1;
            }
        }
    }
    out
}

/// The baseline's and a model's rows side by side, by team id.
struct Diff<'a> {
    cols: Vec<Column<'a>>,
    base: &'a [(RowKey, Vec<String>)],
    model: &'a [(RowKey, Vec<String>)],
}

/// The cell of `key` for team index `t` in `rows` ("" where the row or the team is missing).
fn cell<'a>(rows: &'a [(RowKey, Vec<String>)], key: &RowKey, t: Option<usize>) -> &'a str {
    let row = rows.iter().find(|(k, _)| k == key);
    match (row, t) {
        (Some((_, cells)), Some(t)) => &cells[t],
        _ => "",
    }
}

impl Diff<'_> {
    /// (baseline, model) cell of every column in row `k`.
    fn pairs(&self, k: &RowKey) -> Vec<(&str, &str)> {
        self.cols
            .iter()
            .map(|col| (cell(self.base, k, col.base), cell(self.model, k, col.model)))
            .collect()
    }

    fn changed_cells(&self, k: &RowKey) -> usize {
        self.pairs(k).iter().filter(|(x, y)| x != y).count()
    }

    /// " (baseline only)", " (this model only)" or "".
    fn only(&self, k: &RowKey) -> &'static str {
        let has = |rows: &[(RowKey, Vec<String>)]| rows.iter().any(|(x, _)| x == k);
        match (has(self.base), has(self.model)) {
            (true, false) => " <small>(baseline only)</small>",
            (false, true) => " <small>(this model only)</small>",
            _ => "",
        }
    }
}

/// `<h3>` and one fold per model: its changed cells, teams and policy, and what the runs
/// measured on every changed row.
pub(super) fn diff_section(
    o: &mut String,
    c: &Comparison,
    kinds: &[CredentialKind],
    reports: bool,
) {
    let base = &c.models[c.baseline];
    let _ = writeln!(
        o,
        "<h3 id=\"raci-diff\">What each model changes from the baseline ({}), and what the runs measured</h3>",
        html(&base.name)
    );
    let _ = writeln!(
        o,
        "<p>Only changed rows are shown; changed cells read <i>baseline → model</i> (—: no role), teams matched by id. Each changed row links to what the runs measured on its activity: waiting per run by cause, and for revoke rows the missed revocations of each kind per attack run, baseline → model, averaged over the {} scenarios (each weighs the same; missed revocations over the scenarios that hold the kind), each scenario in its fold. A consult's or sign-off's wait counts on the row it serves; waits on revoke are for every kind together. Changed hours or on-call show as <code>off_hours</code> and <code>paging</code> waits on the rows the team holds. <a href=\"#def-stall\">What a wait and a stall are</a>; <a href=\"#def-missed\">missed revocation</a>.</p>",
        c.scenarios.len()
    );
    let base_rows = rows(base, kinds, reports);
    for (m, model) in c.models.iter().enumerate() {
        if m != c.baseline {
            let model_rows = rows(model, kinds, reports);
            let d = Diff {
                cols: columns(base, model),
                base: &base_rows,
                model: &model_rows,
            };
            model_diff(o, c, m, &d);
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// One model's fold: the changed rows, team and policy changes, and the consequences.
fn model_diff(o: &mut String, c: &Comparison, m: usize, d: &Diff) {
    let (b, model) = (&c.models[c.baseline], &c.models[m]);
    let keys = union_keys(d.base, d.model);
    let changed: Vec<&RowKey> = keys.iter().filter(|k| d.changed_cells(k) > 0).collect();
    let cells: usize = changed.iter().map(|k| d.changed_cells(k)).sum();
    let lines = group(&changed, |x, y| d.pairs(x) == d.pairs(y));
    let teams = team_changes(b, model);
    let policy = policy_changes(b, model);
    let _ =
        writeln!(
        o,
        "<details id=\"raci-diff-m{}\"{}><summary><b>{}</b>: {} changed in {}; {}; {}</summary>",
        m + 1,
        if c.models.len() <= 3 { " open=\"\"" } else { "" },
        html(&model.name),
        plural(cells, "cell"),
        plural(lines.len(), "row"),
        plural(teams.len(), "team change"),
        plural(policy.len(), "policy change"),
    );
    if !lines.is_empty() {
        changed_rows(o, m, d, &lines);
    }
    for (what, list) in [("Teams", &teams), ("Policy", &policy)] {
        if !list.is_empty() {
            let _ = writeln!(o, "<p>{what}:</p><ul class=\"policy\">");
            for line in list.iter() {
                let _ = writeln!(o, "<li>{}</li>", html(line));
            }
            o.push_str("</ul>\n");
        }
    }
    if !lines.is_empty() {
        super::effects::effects(o, c, m, &lines);
    }
    o.push_str("</details>\n");
}

/// The diff table: changed rows only, changed cells marked "before → after".
fn changed_rows(o: &mut String, m: usize, d: &Diff, lines: &[Vec<&RowKey>]) {
    o.push_str(
        "<div class=\"wide\"><table class=\"raci\"><thead><tr><th class=\"name\">activity</th>",
    );
    for col in &d.cols {
        let note = match (col.base, col.model) {
            (Some(_), None) => "<br><small>(removed)</small>",
            (None, Some(_)) => "<br><small>(added)</small>",
            _ => "",
        };
        let _ = write!(o, "<th>{}{note}</th>", html(col.id));
    }
    o.push_str("<th class=\"name\">measured</th></tr></thead><tbody>\n");
    let dash = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            html(s)
        }
    };
    for line in lines {
        let k = line[0];
        let _ = write!(
            o,
            "<tr><td class=\"name\">{}{}</td>",
            html(&label(line)),
            d.only(k)
        );
        for (x, y) in d.pairs(k) {
            if x == y {
                let _ = write!(o, "<td>{}</td>", html(x));
            } else {
                let _ = write!(o, "<td class=\"chg\">{} → {}</td>", dash(x), dash(y));
            }
        }
        let what = if matches!(k, RowKey::Revoke(_)) {
            "waits, missed"
        } else {
            "waits"
        };
        let _ = writeln!(
            o,
            "<td class=\"name\"><a href=\"#raci-c{}-{}\">{what}</a></td></tr>",
            m + 1,
            k.slug()
        );
    }
    o.push_str("</tbody></table></div>\n");
}

/// "iam: Mon-Fri 09:00-17:00 UTC, no on-call -> 24x7, always on", "added: lead (...)".
fn team_changes(b: &Model, m: &Model) -> Vec<String> {
    let describe = |t: &Team| {
        let (hours, on_call) = coverage(t);
        format!("{} staff, {hours}, {on_call}", t.staff)
    };
    let mut out = Vec::new();
    for t in &b.teams {
        match m.team_index(&t.id) {
            None => out.push(format!("removed {} ({})", t.id, describe(t))),
            Some(i) => {
                let (x, y) = (describe(t), describe(&m.teams[i]));
                if x != y {
                    out.push(format!("{}: {x} → {y}", t.id));
                }
            }
        }
    }
    for t in &m.teams {
        if b.team_index(&t.id).is_none() {
            out.push(format!("added {} ({})", t.id, describe(t)));
        }
    }
    out
}

/// Policy sentences of one model and not the other.
fn policy_changes(b: &Model, m: &Model) -> Vec<String> {
    let (x, y) = (policy_lines(b), policy_lines(m));
    let mut out: Vec<String> = x
        .iter()
        .filter(|l| !y.contains(l))
        .map(|l| format!("baseline: {l}"))
        .collect();
    out.extend(
        y.iter()
            .filter(|l| !x.contains(l))
            .map(|l| format!("this model: {l}")),
    );
    out
}
