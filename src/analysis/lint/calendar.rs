//! Calendar checks: holidays that cannot apply.

use crate::input::Scenario;

use super::{Level, Linter};

impl Linter<'_> {
    /// L020: the model lists holidays but the scenario's start has no date, so they never apply.
    pub(super) fn holidays_undated(&mut self, s: &Scenario) {
        if self.model.holidays.is_empty() || s.start.dated() {
            return;
        }
        let sn = s.name.as_str();
        self.push(
            Level::Warning,
            "L020",
            "holidays",
            format!(
                "the model lists {} holiday(s) but scenario \"{sn}\" starts on no date (`At` or `UniformWeek`): holidays do not apply to it",
                self.model.holidays.len()
            ),
            "give the scenario a dated start, e.g. `start: WeekOf(\"2024-12-23\")` or `start: Date(\"2024-12-24T18:00:00Z\")`".into(),
            Some(sn),
            super::About::default(),
        );
    }
}
