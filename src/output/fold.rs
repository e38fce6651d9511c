//! Plots and tables with a row per team stay readable and small for any number of teams: at
//! most [`TOP_TEAMS`] teams are shown, chosen by a weight (handoffs, busy share), and the rest
//! are folded into one "others" row that sums them. A model with at most [`TOP_TEAMS`] teams
//! is shown whole, in team order, exactly as before folding existed. Report plots drop teams
//! whose weight is zero (no handoffs, no work) first, and say how many ([`Folding::nonzero`]).

/// Most teams a per-team plot or table shows before folding the rest into "others".
pub const TOP_TEAMS: usize = 30;

/// Which teams a per-team plot shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Folding {
    /// Teams shown, in team order.
    pub shown: Vec<usize>,
    /// How many teams there are in all.
    pub teams: usize,
    /// Teams left out because their weight is zero (only with [`Folding::nonzero`]).
    pub hidden: Vec<usize>,
}

impl Folding {
    /// All teams when there are at most [`TOP_TEAMS`]; otherwise the [`TOP_TEAMS`] with the
    /// largest weight (ties: the earlier team), listed in team order.
    pub fn top(weights: &[f64]) -> Folding {
        let teams = weights.len();
        let mut shown: Vec<usize> = (0..teams).collect();
        if teams > TOP_TEAMS {
            shown.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
            shown.truncate(TOP_TEAMS);
            shown.sort_unstable();
        }
        Folding {
            shown,
            teams,
            hidden: Vec::new(),
        }
    }

    /// Like [`Folding::top`] over the teams whose weight is above zero; the others are
    /// hidden: in no row, not in "others" either.
    pub fn nonzero(weights: &[f64]) -> Folding {
        let live: Vec<usize> = (0..weights.len()).filter(|&t| weights[t] > 0.0).collect();
        let inner = Folding::top(&live.iter().map(|&t| weights[t]).collect::<Vec<_>>());
        Folding {
            shown: inner.shown.iter().map(|&k| live[k]).collect(),
            teams: weights.len(),
            hidden: (0..weights.len()).filter(|&t| weights[t] <= 0.0).collect(),
        }
    }

    /// How many teams are folded into "others".
    pub fn folded(&self) -> usize {
        self.teams - self.shown.len() - self.hidden.len()
    }

    /// The row of each team (as [`Folding::row_of`]), or `None` for a hidden team.
    pub fn slot_of(&self) -> Vec<Option<usize>> {
        let mut slot: Vec<Option<usize>> = self.row_of().into_iter().map(Some).collect();
        for &t in &self.hidden {
            slot[t] = None;
        }
        slot
    }

    /// Rows of the plot: the shown teams, then "others" when any are folded.
    pub fn rows(&self) -> usize {
        self.shown.len() + usize::from(self.folded() > 0)
    }

    /// The row of each team: its place among the shown, or the "others" row.
    pub fn row_of(&self) -> Vec<usize> {
        let mut row = vec![self.shown.len(); self.teams];
        for (k, &t) in self.shown.iter().enumerate() {
            row[t] = k;
        }
        row
    }

    /// The label of each row: team ids (as given by `name`), then "others (N teams)".
    pub fn labels<'a>(&self, name: impl Fn(usize) -> &'a str) -> Vec<String> {
        let mut out: Vec<String> = self.shown.iter().map(|&t| name(t).to_string()).collect();
        if self.folded() > 0 {
            out.push(format!("others ({} teams)", self.folded()));
        }
        out
    }

    /// "top 30 of 2000 teams by BY; the other 1970 folded into \"others\"", or `None` when
    /// nothing is folded.
    pub fn note(&self, by: &str) -> Option<String> {
        (self.folded() > 0).then(|| {
            format!(
                "top {} of {} teams by {by}; the other {} folded into \"others\"",
                self.shown.len(),
                self.teams - self.hidden.len(),
                self.folded()
            )
        })
    }

    /// "not shown: 3 teams with no WHAT (a, b, c)" (the first five ids, as given by `name`),
    /// or `None` when none is hidden.
    pub fn hidden_note<'a>(&self, what: &str, name: impl Fn(usize) -> &'a str) -> Option<String> {
        let n = self.hidden.len();
        (n > 0).then(|| {
            let mut ids: Vec<&str> = self.hidden.iter().take(5).map(|&t| name(t)).collect();
            if n > 5 {
                ids.push("...");
            }
            format!(
                "not shown: {n} team{} with no {what} ({})",
                if n == 1 { "" } else { "s" },
                ids.join(", ")
            )
        })
    }

    /// `what`, followed by the note in parentheses when teams are folded.
    pub fn described(&self, what: &str, by: &str) -> String {
        match self.note(by) {
            Some(note) => format!("{what} ({note})"),
            None => what.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_teams_are_shown_whole_in_order() {
        let f = Folding::top(&[0.0, 3.0, 1.0]);
        assert_eq!(f.shown, vec![0, 1, 2]);
        assert_eq!((f.folded(), f.rows()), (0, 3));
        assert_eq!(f.note("x"), None);
        assert_eq!(f.described("to team", "x"), "to team");
        assert_eq!(f.labels(|t| ["a", "b", "c"][t]), vec!["a", "b", "c"]);
    }

    #[test]
    fn many_teams_fold_all_but_the_heaviest() {
        // Team t weighs t % 50, so teams 20..50 and 70..100 tie pairwise; the earlier wins.
        let w: Vec<f64> = (0..100).map(|t| (t % 50) as f64).collect();
        let f = Folding::top(&w);
        let want: Vec<usize> = (35..50).chain(85..100).collect();
        assert_eq!(f.shown, want);
        assert_eq!((f.folded(), f.rows()), (70, 31));
        let row = f.row_of();
        assert_eq!((row[35], row[99], row[0], row[84]), (0, 29, 30, 30));
        let ids: Vec<String> = (0..100).map(|t| format!("t{t}")).collect();
        let labels = f.labels(|t| ids[t].as_str());
        assert_eq!(labels.len(), 31);
        assert_eq!(labels[30], "others (70 teams)");
        assert_eq!(
            f.note("busy share").unwrap(),
            "top 30 of 100 teams by busy share; the other 70 folded into \"others\""
        );
        assert!(f
            .described("to team", "x")
            .starts_with("to team (top 30 of 100 teams by x;"));
    }

    #[test]
    fn teams_of_zero_weight_are_hidden_not_folded() {
        // Teams 1 and 3 have nothing: hidden, in no row; 0, 2 and 4 are shown whole.
        let f = Folding::nonzero(&[2.0, 0.0, 1.0, 0.0, 5.0]);
        assert_eq!(f.shown, vec![0, 2, 4]);
        assert_eq!((f.folded(), f.rows()), (0, 3));
        assert_eq!(f.slot_of(), vec![Some(0), None, Some(1), None, Some(2)]);
        assert_eq!(f.note("x"), None);
        let ids = ["a", "b", "c", "d", "e"];
        assert_eq!(
            f.hidden_note("handoffs", |t| ids[t]).unwrap(),
            "not shown: 2 teams with no handoffs (b, d)"
        );
        // 40 teams, 5 idle: the 35 others fold to the top 30 and 5 in "others".
        let w: Vec<f64> = (0..40)
            .map(|t| if t < 5 { 0.0 } else { t as f64 })
            .collect();
        let f = Folding::nonzero(&w);
        assert_eq!(f.shown, (10..40).collect::<Vec<_>>());
        assert_eq!((f.folded(), f.rows(), f.hidden.len()), (5, 31, 5));
        let slot = f.slot_of();
        assert_eq!(
            (slot[0], slot[5], slot[10], slot[39]),
            (None, Some(30), Some(0), Some(29))
        );
        assert_eq!(
            f.note("x").unwrap(),
            "top 30 of 35 teams by x; the other 5 folded into \"others\""
        );
    }
}
