//! Plots and tables with a row per team stay readable and small for any number of teams: at
//! most [`TOP_TEAMS`] teams are shown, chosen by a weight (handoffs, busy share), and the rest
//! are folded into one "others" row that sums them. A model with at most [`TOP_TEAMS`] teams
//! is shown whole, in team order, exactly as before folding existed.

/// Most teams a per-team plot or table shows before folding the rest into "others".
pub const TOP_TEAMS: usize = 30;

/// Which teams a per-team plot shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Folding {
    /// Teams shown, in team order.
    pub shown: Vec<usize>,
    /// How many teams there are in all.
    pub teams: usize,
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
        Folding { shown, teams }
    }

    /// How many teams are folded into "others".
    pub fn folded(&self) -> usize {
        self.teams - self.shown.len()
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
                self.teams,
                self.folded()
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
}
