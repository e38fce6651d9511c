//! One handout per team, under a file name that is unique for any set of team ids.
//!
//! # Naming rule
//!
//! A team's handout is `participants/handouts/{name}` (as `.md`, `.html` and the pack's other
//! document formats), where `name` is:
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

use super::blocks::Block;
use super::injects::wall_clock;
use super::player::PlayerInject;
use super::{document, names, Exercise};
use crate::domain::duration::format_offset;
use crate::domain::{Activity, CredentialKind, Weekday, DAY, HOUR, MINUTE};
use crate::input::{Coverage, Model};
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

/// The handout path (its Markdown file) of each team id, in the same order (see the module
/// documentation).
pub fn handout_paths<S: AsRef<str>>(ids: &[S]) -> Vec<String> {
    handout_stems(ids)
        .into_iter()
        .map(|s| format!("{s}.md"))
        .collect()
}

/// The handout stem of each team id (the path without its extension: the handout is written
/// as `.md`, `.html` and any other format the pack's documents have).
pub fn handout_stems<S: AsRef<str>>(ids: &[S]) -> Vec<String> {
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
        .map(|n| format!("{HANDOUTS}/{n}"))
        .collect()
}

/// Where the handouts are, in the pack.
pub const HANDOUTS: &str = "participants/handouts";

/// The handout paths (Markdown) of a model's teams, in team order.
pub fn model_handout_paths(model: &Model) -> Vec<String> {
    let ids: Vec<&str> = model.teams.iter().map(|t| t.id.as_str()).collect();
    handout_paths(&ids)
}

fn handout_stems_of(model: &Model) -> Vec<String> {
    let ids: Vec<&str> = model.teams.iter().map(|t| t.id.as_str()).collect();
    handout_stems(&ids)
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

/// Every team's handout (see `handout`), as documents under `participants/handouts/`.
pub(super) fn handout_files(ex: &Exercise, shown: &[Vec<PlayerInject>]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (t, stem) in handout_stems_of(ex.model).into_iter().enumerate() {
        let title = format!("Handout: {}", ex.model.teams[t].id);
        files.extend(document(&stem, &title, &handout(ex, t, shown), &[]));
    }
    files
}

/// One team's handout: its part in the plan (its RACI rows), its coverage at each module's
/// start, and per module only the injects that reached it.
fn handout(ex: &Exercise, team: usize, shown: &[Vec<PlayerInject>]) -> Vec<Block> {
    let (model, start) = (ex.model, &ex.played.metrics);
    let mut blocks = vec![
        Block::Para(format!(
            "For the players of {} only. It lists what reaches your team during the exercise, when, and how; you see nothing else unless another team tells you. Keep it to yourselves until the facilitator says otherwise.",
            model.teams[team].id
        )),
        Block::Heading("Your part in the plan".into()),
    ];
    let rows = raci_rows(model, team);
    blocks.push(if rows.is_empty() {
        Block::Para("Your team holds no role in any row of the plan.".into())
    } else {
        Block::Bullets(rows)
    });
    blocks.push(Block::Heading("Your coverage".into()));
    let coverage = ex
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                format!("{}. {}", i + 1, m.kind.title()),
                format_offset(m.from),
                wall_clock(start.start_in_week, m.from),
                coverage_at(model, team, start.start_unix, start.start_in_week, m.from),
            ]
        })
        .collect();
    blocks.push(Block::table(
        ["module", "starts", "day and time", "your team then"],
        coverage,
    ));
    for (i, (m, injects)) in ex.modules.iter().zip(shown).enumerate() {
        blocks.push(Block::Heading(format!(
            "Module {}: {}",
            i + 1,
            m.kind.title()
        )));
        let rows = inject_rows(ex, injects.iter().filter(|p| p.to.contains(&team)));
        blocks.push(if rows.is_empty() {
            Block::Para("Nothing reaches your team in this module.".into())
        } else {
            Block::table(["T+", "day and time", "form", "to", "what you see"], rows)
        });
    }
    blocks
}

/// Injects as table rows (T+, day and time, form, recipients, text), with repeats folded: a
/// run of consecutive injects with the same form, recipients and text is one row, the first,
/// its text followed by "(and N more times, the last at T+hh:mm)".
pub(super) fn inject_rows<'a>(
    ex: &Exercise,
    injects: impl IntoIterator<Item = &'a PlayerInject>,
) -> Vec<Vec<String>> {
    let mut runs: Vec<(&PlayerInject, u32, u64)> = Vec::new();
    for p in injects {
        match runs.last_mut() {
            Some((first, n, last))
                if first.form == p.form && first.to == p.to && first.text == p.text =>
            {
                *n += 1;
                *last = p.time;
            }
            _ => runs.push((p, 0, p.time)),
        }
    }
    runs.into_iter()
        .map(|(p, n, last)| {
            let mut text = p.text.clone();
            if n > 0 {
                let times = if n == 1 { "time" } else { "times" };
                text.push_str(&format!(
                    " (and {n} more {times}, the last at {})",
                    format_offset(last)
                ));
            }
            vec![
                format_offset(p.time),
                wall_clock(ex.played.metrics.start_in_week, p.time),
                p.form.name().into(),
                names(ex.model, &p.to),
                text,
            ]
        })
        .collect()
}

/// Every row of the plan where `team` is R, A, C or I, as "activity: A (with x, y)".
pub fn raci_rows(model: &Model, team: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut row = |label: String, roles: [(&str, &[usize]); 4]| {
        let held: Vec<String> = roles
            .iter()
            .filter(|(_, teams)| teams.contains(&team))
            .map(|(letter, teams)| {
                let others: Vec<usize> = teams.iter().copied().filter(|&t| t != team).collect();
                if others.is_empty() {
                    letter.to_string()
                } else {
                    format!("{letter} (with {})", names(model, &others))
                }
            })
            .collect();
        if !held.is_empty() {
            out.push(format!("{label}: {}", held.join("; ")));
        }
    };
    for d in &model.detect {
        let kinds: Vec<&str> = d.signals.iter().map(|k| k.name()).collect();
        let label = if kinds.is_empty() {
            "detect (every signal)".to_string()
        } else {
            format!("detect ({})", kinds.join(", "))
        };
        row(label, [("R", &d.r), ("A", &[]), ("C", &[]), ("I", &d.i)]);
    }
    for d in &model.intake {
        let sources: Vec<&str> = d.sources.iter().map(|k| k.name()).collect();
        let label = if sources.is_empty() {
            "intake (every report source)".to_string()
        } else {
            format!("intake ({})", sources.join(", "))
        };
        row(label, [("R", &d.r), ("A", &[]), ("C", &[]), ("I", &d.i)]);
    }
    let lifecycle = Activity::ALL.iter().filter(|a| {
        !matches!(
            a,
            Activity::Detect
                | Activity::Revoke
                | Activity::Consult
                | Activity::SignOff
                | Activity::RotateAll
                | Activity::Intake
        )
    });
    for &a in lifecycle {
        let r = &model.rows[a.index()];
        row(
            a.name().into(),
            [("R", &r.r), ("A", &r.a), ("C", &r.c), ("I", &r.i)],
        );
    }
    for (&kind, r) in CredentialKind::ALL.iter().zip(&model.revoke) {
        let label = format!("revoke {kind}");
        row(label, [("R", &r.r), ("A", &r.a), ("C", &r.c), ("I", &r.i)]);
    }
    if let Some(r) = &model.rotate_all {
        row(
            "rotate_all".into(),
            [("R", &r.r), ("A", &r.a), ("C", &r.c), ("I", &r.i)],
        );
    }
    out
}

/// A team's coverage at run time `t`: on shift, on call (with its page latency and threshold),
/// or off; from the team's calendar in the model (the engine's rule: team-local hours and
/// working days, holidays on dated runs).
pub fn coverage_at(
    model: &Model,
    team: usize,
    start_unix: Option<i64>,
    start_in_week: u64,
    t: u64,
) -> String {
    let tm = &model.teams[team];
    let Coverage::BusinessHours {
        start,
        end,
        days,
        on_call,
    } = tm.coverage
    else {
        return "on shift (staffed around the clock)".into();
    };
    // The engine's undated week is that of Monday 1970-01-05.
    let epoch0 = start_unix.unwrap_or(4 * DAY as i64 + start_in_week as i64);
    let local = epoch0 + t as i64 + tm.utc_offset;
    let day = local.div_euclid(DAY as i64);
    let sec = local.rem_euclid(DAY as i64) as u64;
    let weekday = (day + 3).rem_euclid(7);
    let holiday = start_unix.is_some() && model.holidays.binary_search(&day).is_ok();
    let working = days & (1 << weekday) != 0 && !holiday;
    let hours = format!(
        "hours {:02}:{:02}-{:02}:{:02} {}, {}",
        start / HOUR,
        start % HOUR / MINUTE,
        end / HOUR,
        end % HOUR / MINUTE,
        zone(tm.utc_offset),
        day_names(days)
    );
    if working && sec >= start && sec < end {
        return format!("on shift ({hours})");
    }
    let off = if holiday {
        "off (a holiday)"
    } else {
        "off shift"
    };
    match on_call {
        Some(oc) => format!(
            "{off}; on call for {} severity and above, answering a page within {} ({hours})",
            oc.min_severity,
            words(oc.page_latency)
        ),
        None => format!("{off}, nobody on call ({hours})"),
    }
}

/// A team's time zone as "UTC", "UTC+2" or "UTC+05:30".
pub(super) fn zone(utc_offset: i64) -> String {
    let (sign, a) = (
        if utc_offset < 0 { '-' } else { '+' },
        utc_offset.unsigned_abs(),
    );
    match (a / HOUR, a % HOUR / MINUTE) {
        (0, 0) => "UTC".into(),
        (h, 0) => format!("UTC{sign}{h}"),
        (h, m) => format!("UTC{sign}{h:02}:{m:02}"),
    }
}

/// Working days as "mon-fri" style names, e.g. "mon, tue, wed, thu, fri".
pub(super) fn day_names(days: u8) -> String {
    let names: Vec<&str> = Weekday::ALL
        .iter()
        .filter(|d| days & (1 << d.index()) != 0)
        .map(|d| d.name())
        .collect();
    names.join(", ")
}

/// A duration in words ("1 hour 30 minutes"), for participant material (never the compact
/// "1.5h" form, which reads like a measured wait).
pub(super) fn words(seconds: u64) -> String {
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let (h, m, s) = (seconds / HOUR, seconds % HOUR / MINUTE, seconds % MINUTE);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(unit(h, "hour"));
    }
    if m > 0 {
        parts.push(unit(m, "minute"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(unit(s, "second"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words_and_zones_as_offsets() {
        assert_eq!(words(1800), "30 minutes");
        assert_eq!(words(3600 + 60 + 1), "1 hour 1 minute 1 second");
        assert_eq!(words(0), "0 seconds");
        assert_eq!(zone(0), "UTC");
        assert_eq!(zone(-5 * 3600), "UTC-5");
        assert_eq!(zone(5 * 3600 + 1800), "UTC+05:30");
    }

    #[test]
    fn coverage_follows_the_team_calendar() {
        let text = r#"Model(name: "m", summary: "s",
            teams: [(id: "a", coverage: AlwaysOn),
                    (id: "b", utc_offset_hours: 1, coverage: BusinessHours()),
                    (id: "c", coverage: BusinessHours(on_call: (page_latency: "45m")))],
            raci: (detect: [(r: ["a"])], triage: (r: ["a"], a: ["b"]), scope: (r: ["a"]),
                   validate_entitlement: (r: ["a"]), confirm_business: (r: ["a"]),
                   approve_containment: (r: ["a"], a: ["a", "b", "c"]), revoke: {Session: (r: ["a"])},
                   verify: (r: ["a"]), capture_evidence: (r: ["a"]), close: (r: ["a"], a: ["a"])))"#;
        let m = crate::input::library::parse_model("m.ron", text).unwrap_or_else(|e| panic!("{e}"));
        // Monday 08:30 UTC: 09:30 for b (UTC+1, on shift), 08:30 for c (off, on call).
        let mon_0830 = 8 * HOUR + 30 * MINUTE;
        assert_eq!(
            coverage_at(&m, 0, None, mon_0830, 0),
            "on shift (staffed around the clock)"
        );
        assert!(coverage_at(&m, 1, None, mon_0830, 0)
            .starts_with("on shift (hours 09:00-17:00 UTC+1, mon, tue, wed, thu, fri)"));
        assert!(coverage_at(&m, 2, None, mon_0830, 0).starts_with(
            "off shift; on call for high severity and above, answering a page within 45 minutes"
        ));
        // Saturday noon: b is off with nobody on call.
        assert!(coverage_at(&m, 1, None, 0, 5 * DAY + 12 * HOUR)
            .starts_with("off shift, nobody on call"));
        assert_eq!(
            raci_rows(&m, 1),
            ["triage: A", "approve_containment: A (with a, c)"]
        );
    }

    #[test]
    fn names_are_slugs_unless_they_collide() {
        let paths = handout_paths(&["soc", "Identity Programme", "pam"]);
        assert_eq!(
            paths,
            [
                "participants/handouts/soc.md",
                "participants/handouts/identity-programme.md",
                "participants/handouts/pam.md"
            ]
        );
        let paths = handout_paths(&["soc", "SOC", "nul", "???"]);
        let hash = |id: &str| sha256_hex(id.as_bytes())[..8].to_string();
        assert_eq!(
            paths[0],
            format!("participants/handouts/soc-{}.md", hash("soc"))
        );
        assert_eq!(
            paths[1],
            format!("participants/handouts/soc-{}.md", hash("SOC"))
        );
        assert_eq!(
            paths[2],
            format!("participants/handouts/nul-{}.md", hash("nul"))
        );
        assert_eq!(paths[3], "participants/handouts/team.md");
    }

    #[test]
    fn an_id_spelled_like_a_hashed_name_falls_back_to_positions() {
        let spelled = format!("soc-{}", &sha256_hex(b"soc")[..8]);
        let paths = handout_paths(&["soc", "SOC", spelled.as_str()]);
        assert_eq!(
            paths,
            [
                "participants/handouts/0001-soc.md".to_string(),
                "participants/handouts/0002-soc.md".to_string(),
                format!("participants/handouts/0003-{spelled}.md"),
            ]
        );
    }
}
