//! Lint checks of the response fields (issue 14): blind inventories (L010), believed-unused
//! credentials no rotate-all covers (L011) and credential owners the model lacks (L012).

use crate::domain::{Activity, InventoryStatus, Plane};
use crate::input::Scenario;

use super::{About, Level, Linter};

impl Linter<'_> {
    /// L010: a plane a team lists with inventory accuracy 0.
    pub(super) fn blind_inventories(&mut self) {
        let m = self.model;
        for (t, team) in m.teams.iter().enumerate() {
            for &plane in Plane::ALL {
                if team.visibility[plane.index()] != Some(0.0) {
                    continue;
                }
                self.push(
                    Level::Warning,
                    "L010",
                    &format!("teams[{t}].visibility.{plane:?}"),
                    format!(
                        "team \"{}\" has inventory accuracy 0 in the {} plane: its scope and verify never find a credential there",
                        team.id,
                        plane.name()
                    ),
                    format!(
                        "if the team really has no inventory of `{plane:?}`, leave the plane out; otherwise give its accuracy (a probability above 0)"
                    ),
                    None,
                    About {
                        activities: vec![Activity::Scope, Activity::Verify],
                        plane: Some(plane),
                        team: Some(t),
                        ..About::default()
                    },
                );
            }
        }
    }

    /// L011: believed-unused credentials of a scenario that no rotate-all of the model covers.
    pub(super) fn believed_unused_not_rotated(&mut self, s: &Scenario) {
        let sn = s.name.as_str();
        let ra = self.model.policy.rotate_all;
        let ids: Vec<&str> = s
            .credentials
            .iter()
            .filter(|c| c.inventory == InventoryStatus::BelievedUnused)
            .filter(|c| !ra.is_some_and(|r| r.covers(c.plane, c.kind)))
            .map(|c| c.id.as_str())
            .collect();
        if ids.is_empty() {
            return;
        }
        let field = if ra.is_some() {
            "policy.rotate_all"
        } else {
            "policy"
        };
        self.push(
            Level::Warning,
            "L011",
            field,
            format!(
                "scenario \"{sn}\" has believed-unused credentials ({}) that no rotate-all covers: scope skips them, so they are missed together unless verify sees the attacker use them",
                ids.join(", ")
            ),
            "add `rotate_all: (from_severity: High)` to `policy` (or widen its planes and kinds) so a severe incident rotates them".into(),
            Some(sn),
            About {
                credentials: ids.iter().map(|id| id.to_string()).collect(),
                ..About::default()
            },
        );
    }

    /// L012: credential owners that name no team of the model.
    pub(super) fn absent_owners(&mut self, s: &Scenario) {
        let sn = s.name.as_str();
        for c in &s.credentials {
            let Some(owner) = &c.owner else {
                continue;
            };
            if self.model.team_index(owner).is_some() {
                continue;
            }
            let (level, help) = self.gap(&format!(
                "add a team \"{owner}\" to `teams`, or change the owner of \"{}\" in the scenario",
                c.id
            ));
            self.push(
                level,
                "L012",
                "teams",
                format!(
                    "credential \"{}\" of scenario \"{sn}\" is owned by \"{owner}\", which is not a team of this model: nobody revokes it",
                    c.id
                ),
                help,
                Some(sn),
                About {
                    activities: vec![Activity::Revoke],
                    credentials: vec![c.id.clone()],
                    ..About::default()
                },
            );
        }
    }
}
