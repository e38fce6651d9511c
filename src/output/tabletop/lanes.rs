//! The swimlane timeline's lanes: the attacker, then every team, or for a model of more than
//! `fold::TOP_TEAMS` teams the teams with the most events in the run and one "others" lane
//! holding the rest (the title says so).

use super::Played;
use crate::input::Model;
use crate::output::fold::Folding;

pub(super) struct Lanes {
    /// Lane labels, the attacker's first.
    pub names: Vec<String>,
    /// The lane of each team.
    pub of_team: Vec<usize>,
    /// The title, with a note when teams are folded.
    pub title: String,
}

pub(super) fn lanes(title: &str, played: &Played, model: &Model) -> Lanes {
    let mut events = vec![0f64; model.teams.len()];
    for t in played.trace.iter().filter_map(|e| e.team) {
        events[t] += 1.0;
    }
    let fold = Folding::top(&events);
    Lanes {
        names: std::iter::once("attacker".to_string())
            .chain(fold.labels(|t| model.teams[t].id.as_str()))
            .collect(),
        of_team: fold.row_of().into_iter().map(|lane| lane + 1).collect(),
        title: match fold.note("events in this run") {
            Some(note) => format!("{title} ({note})"),
            None => title.to_string(),
        },
    }
}
