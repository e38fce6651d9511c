//! One handout per team, under a file name that is unique for any set of team ids.
//!
//! # Naming rule
//!
//! A team's handout is `handouts/{name}.md`, where `name` is:
//!
//! 1. the team id's slug (`export::slug`: ASCII letters and digits lowercased, anything else a
//!    dash, at most 40 characters; `team` for an id with no ASCII letter or digit), when no
//!    other team of the model has the same slug and the slug is not a name Windows reserves
//!    (`con`, `nul`, `com1`, ...);
//! 2. otherwise the slug, a dash and the first 8 hex digits of the SHA-256 of the exact id
//!    (`soc-7114d75b`), so case variants, ids that differ only in punctuation or beyond 40
//!    characters, and non-ASCII ids get names of their own;
//! 3. and if the names of steps 1 and 2 still repeat (an id spelled like another's hashed
//!    name, or a hash prefix shared by two ids), every team's name is instead its 1-based
//!    position in the model, zero-padded, a dash and its slug (`0003-soc`).
//!
//! The names depend only on the model's team ids and their order, so a pack is reproducible.

use std::fmt::Write as _;

use super::blocks::Block;
use super::injects::{inject_text, injects, team_view, wall_clock};
use super::Played;
use crate::domain::duration::format_offset;
use crate::input::Model;
use crate::output::escape::markdown;
use crate::output::{sha256_hex, slug};

const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

fn base(id: &str) -> String {
    if id.chars().any(|c| c.is_ascii_alphanumeric()) {
        slug(id)
    } else {
        "team".to_string()
    }
}

/// The handout path of each team id, in the same order (see the module documentation).
pub fn handout_paths<S: AsRef<str>>(ids: &[S]) -> Vec<String> {
    let bases: Vec<String> = ids.iter().map(|id| base(id.as_ref())).collect();
    let shared = |b: &String| bases.iter().filter(|o| *o == b).count() > 1;
    let names: Vec<String> = ids
        .iter()
        .zip(&bases)
        .map(|(id, b)| {
            if shared(b) || RESERVED.contains(&b.as_str()) {
                format!("{b}-{}", &sha256_hex(id.as_ref().as_bytes())[..8])
            } else {
                b.clone()
            }
        })
        .collect();
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort_unstable();
    let unique = sorted.windows(2).all(|w| w[0] != w[1]);
    let names = if unique {
        names
    } else {
        let width = ids.len().to_string().len().max(4);
        bases
            .iter()
            .enumerate()
            .map(|(i, b)| format!("{:0width$}-{b}", i + 1))
            .collect()
    };
    names
        .into_iter()
        .map(|n| format!("handouts/{n}.md"))
        .collect()
}

/// The handout paths of a model's teams, in team order.
pub fn model_handout_paths(model: &Model) -> Vec<String> {
    let ids: Vec<&str> = model.teams.iter().map(|t| t.id.as_str()).collect();
    handout_paths(&ids)
}

/// The guide's list of handouts: each team, linked to its file.
pub(super) fn guide_links(model: &Model) -> Vec<Block> {
    let links = model
        .teams
        .iter()
        .zip(model_handout_paths(model))
        .map(|(t, path)| (t.id.clone(), path))
        .collect();
    vec![
        Block::Heading("Handouts".into()),
        Block::Para("Give each team its own handout, and nothing else.".into()),
        Block::Links(links),
    ]
}

/// Every team's handout: what reached it, and when.
pub(super) fn handout_files(model: &Model, played: &Played) -> Vec<(String, Vec<u8>)> {
    let start_in_week = played.metrics.start_in_week;
    let paths = model_handout_paths(model);
    let mut files = Vec::with_capacity(paths.len());
    for ((t, team), path) in model.teams.iter().enumerate().zip(paths) {
        let mut o = format!(
            "# Handout: {}\n\nWhat your team sees during the exercise, and when. You see nothing else.\n\n| T+ | clock | what reaches you |\n|---|---|---|\n",
            markdown(&team.id)
        );
        let seen = team_view(played, t);
        if seen.is_empty() {
            o.push_str("| - | - | nothing reaches your team in this run |\n");
        }
        for i in injects(seen) {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                format_offset(i.event.time),
                wall_clock(start_in_week, i.event.time),
                markdown(&inject_text(&i))
            );
        }
        files.push((path, o.into_bytes()));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_slugs_unless_they_collide() {
        let paths = handout_paths(&["soc", "Identity Programme", "pam"]);
        assert_eq!(
            paths,
            [
                "handouts/soc.md",
                "handouts/identity-programme.md",
                "handouts/pam.md"
            ]
        );
        let paths = handout_paths(&["soc", "SOC", "nul", "???"]);
        let hash = |id: &str| sha256_hex(id.as_bytes())[..8].to_string();
        assert_eq!(paths[0], format!("handouts/soc-{}.md", hash("soc")));
        assert_eq!(paths[1], format!("handouts/soc-{}.md", hash("SOC")));
        assert_eq!(paths[2], format!("handouts/nul-{}.md", hash("nul")));
        assert_eq!(paths[3], "handouts/team.md");
    }

    #[test]
    fn an_id_spelled_like_a_hashed_name_falls_back_to_positions() {
        let spelled = format!("soc-{}", &sha256_hex(b"soc")[..8]);
        let paths = handout_paths(&["soc", "SOC", spelled.as_str()]);
        assert_eq!(
            paths,
            [
                "handouts/0001-soc.md".to_string(),
                "handouts/0002-soc.md".to_string(),
                format!("handouts/0003-{spelled}.md"),
            ]
        );
    }
}
