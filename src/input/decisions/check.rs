//! Checking a capture sheet's rows against the pack: the point each row is about (a sheet
//! from another pack is refused), then the room's columns (choice, team, decided_at, revoke).

use super::*;

/// Checks every row against the pack and turns the filled ones into room decisions.
pub(super) fn check_rows(rows: &[RawRow], cx: &SheetContext, found: &mut Found) -> Vec<RoomRow> {
    let mut seen: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for row in rows {
        let Some(p) = identify(row, cx, found) else {
            continue;
        };
        if seen.contains(&p) {
            let cell = row.point.as_ref().expect("identified rows name a point");
            found.error(
                cell.at,
                &cell.field,
                format!("point {} is given twice", cx.points[p].point),
                Some("one row per decision point".into()),
            );
            continue;
        }
        seen.push(p);
        if let Some(r) = room_decision(row, p, cx, found) {
            out.push(r);
        }
    }
    out.sort_by_key(|r| r.point);
    out
}

fn text(c: &Option<Cell>) -> &str {
    c.as_ref().map_or("", |c| c.text.trim())
}

/// The pack's point a row is about, checking that the sheet describes it as the pack does
/// (a sheet from another pack is refused here).
fn identify(row: &RawRow, cx: &SheetContext, found: &mut Found) -> Option<usize> {
    let at = |c: &Option<Cell>| {
        c.as_ref()
            .map_or((row.at, String::new()), |c| (c.at, c.field.clone()))
    };
    let name = text(&row.point);
    let ids = || cx.points.iter().map(|p| p.point.as_str());
    let Some(p) = cx
        .points
        .iter()
        .position(|p| p.point.eq_ignore_ascii_case(name))
    else {
        let (at, field) = at(&row.point);
        let help = match closest(name, ids()) {
            Some(best) => {
                format!("did you mean {best}? Is this the capture sheet of another pack?")
            }
            None => format!(
                "this pack's points are {}; is this the capture sheet of another pack?",
                known_list(ids(), '"')
            ),
        };
        let message = if name.is_empty() {
            "the row names no decision point".to_string()
        } else {
            format!("this pack has no decision point \"{}\"", clip(name))
        };
        found.error(at, &field, message, Some(help));
        return None;
    };
    let point = &cx.points[p];
    let another = "this sheet is not from this pack (or its filled-in columns were edited): replay it with the pack it came from";
    let checks = [
        (&row.decision, point.decision.name().to_string(), "decision"),
        (&row.occurrence, point.occurrence.to_string(), "occurrence"),
    ];
    let mut ok = true;
    for (cell, want, what) in checks {
        if !text(cell).eq_ignore_ascii_case(&want) {
            let (at, field) = at(cell);
            found.error(
                at,
                &field,
                format!(
                    "point {}'s {what} is {want} in this pack, the sheet says \"{}\"",
                    point.point,
                    clip(text(cell))
                ),
                Some(another.into()),
            );
            ok = false;
        }
    }
    let shown = point.needed / 60 * 60;
    if parse_offset(text(&row.needed_at)) != Ok(shown) {
        let (at, field) = at(&row.needed_at);
        found.error(
            at,
            &field,
            format!(
                "point {} was needed at {} in this pack, the sheet says \"{}\"",
                point.point,
                format_offset(shown),
                clip(text(&row.needed_at))
            ),
            Some(another.into()),
        );
        ok = false;
    }
    ok.then_some(p)
}

/// The room's decision in a row, if its `choice` is filled.
fn room_decision(row: &RawRow, p: usize, cx: &SheetContext, found: &mut Found) -> Option<RoomRow> {
    let point = &cx.points[p];
    let choice_text = text(&row.choice);
    if choice_text.is_empty() {
        let filled = [&row.team, &row.decided_at]
            .into_iter()
            .flatten()
            .find(|c| !c.text.trim().is_empty())
            .or(row.revoke.first());
        if let Some(c) = filled {
            found.error(
                c.at,
                &c.field,
                format!("`{}` is filled but `choice` is blank", c.field.rsplit('.').next().unwrap_or("")),
                Some(format!(
                    "write the room's choice at {} ({}), or clear team, decided_at and revoke to keep the model's decision",
                    point.point,
                    point.decision.options_text()
                )),
            );
        }
        return None;
    }
    let choice = parse_choice(row, point, found);
    let team = resolve_team(row, cx, found);
    let delay = decision_delay(row, point, found);
    let revoke = resolve_revoke(row, choice, cx, found);
    Some(RoomRow {
        point: p,
        decision: point.decision,
        occurrence: point.occurrence,
        team: team?,
        delay: delay?,
        choice: choice?,
        revoke: revoke?,
    })
}

fn parse_choice(row: &RawRow, point: &CapturePoint, found: &mut Found) -> Option<SheetChoice> {
    let cell = row.choice.as_ref()?;
    let given = cell.text.trim().to_ascii_lowercase();
    let options = point.decision.options();
    if let Some(c) = options.iter().find(|c| c.name() == given) {
        return Some(*c);
    }
    let help = match closest(&given, options.iter().map(|c| c.name())) {
        Some(best) => format!(
            "did you mean {best}? A {} point takes {}",
            point.decision.name(),
            point.decision.options_text()
        ),
        None => format!(
            "a {} point takes {} (or leave choice blank to keep the model's decision)",
            point.decision.name(),
            point.decision.options_text()
        ),
    };
    found.error(
        cell.at,
        &cell.field,
        format!(
            "\"{}\" is not a choice at {}",
            clip(&cell.text),
            point.point
        ),
        Some(help),
    );
    None
}

fn resolve_team(row: &RawRow, cx: &SheetContext, found: &mut Found) -> Option<usize> {
    let ids = || cx.model.teams.iter().map(|t| t.id.as_str());
    let (at, field) = row
        .team
        .as_ref()
        .map_or((row.at, "team".to_string()), |c| (c.at, c.field.clone()));
    let given = text(&row.team);
    if let Some(t) = cx.model.teams.iter().position(|t| t.id == given) {
        return Some(t);
    }
    let (message, help) = if given.is_empty() {
        (
            "the room's choice needs the team that acted (`team`)".to_string(),
            format!("the model's teams: {}", known_list(ids(), '"')),
        )
    } else {
        (
            format!("unknown team \"{}\"", clip(given)),
            match closest(given, ids()) {
                Some(best) => format!("did you mean \"{}\"?", clip(best)),
                None => format!("the model's teams: {}", known_list(ids(), '"')),
            },
        )
    };
    found.error(at, &field, message, Some(help));
    None
}

/// `decided_at - needed_at` (as the sheet shows needed_at: whole minutes).
fn decision_delay(row: &RawRow, point: &CapturePoint, found: &mut Found) -> Option<u64> {
    let (at, field) = row
        .decided_at
        .as_ref()
        .map_or((row.at, "decided_at".to_string()), |c| {
            (c.at, c.field.clone())
        });
    let shown = point.needed / 60 * 60;
    let given = text(&row.decided_at);
    let help = format!(
        "write the exercise clock when the room decided, e.g. {} ({} was needed at {})",
        format_offset(shown + 600),
        point.point,
        format_offset(shown)
    );
    if given.is_empty() {
        found.error(
            at,
            &field,
            "the room's choice needs the time it was made (`decided_at`)".into(),
            Some(help),
        );
        return None;
    }
    match parse_offset(given) {
        Err(why) => {
            found.error(
                at,
                &field,
                format!("\"{}\" is not an exercise time: {why}", clip(given)),
                Some(help),
            );
            None
        }
        Ok(t) if t < shown => {
            found.error(
                at,
                &field,
                format!(
                    "the room cannot decide before the point was needed: {} was needed at {}, decided_at is {}",
                    point.point,
                    format_offset(shown),
                    format_offset(t)
                ),
                Some(help),
            );
            None
        }
        Ok(t) => Some(t - shown),
    }
}

fn resolve_revoke(
    row: &RawRow,
    choice: Option<SheetChoice>,
    cx: &SheetContext,
    found: &mut Found,
) -> Option<Vec<usize>> {
    let ids = || cx.scenario.credentials.iter().map(|c| c.id.as_str());
    if choice != Some(SheetChoice::Approve) {
        if let (Some(c), Some(choice)) = (row.revoke.first(), choice) {
            found.error(
                c.at,
                &c.field,
                format!(
                    "`revoke` names credentials but the choice is {}",
                    choice.name()
                ),
                Some(
                    "credentials are revoked only when the room approves containment; clear revoke"
                        .into(),
                ),
            );
        }
        return Some(Vec::new());
    }
    if row.revoke.is_empty() {
        let cell = row.choice.as_ref()?;
        found.error(
            cell.at,
            "revoke",
            "the room approved containment but `revoke` names no credential".into(),
            Some("list the credential ids the room revokes, separated by spaces (the `credentials` column shows the inventory's)".into()),
        );
        return None;
    }
    let mut out: Vec<usize> = Vec::new();
    let mut ok = true;
    for c in &row.revoke {
        match cx.scenario.credentials.iter().position(|k| k.id == c.text) {
            Some(k) if out.contains(&k) => {
                found.error(
                    c.at,
                    &c.field,
                    format!("credential \"{}\" is listed twice", clip(&c.text)),
                    None,
                );
                ok = false;
            }
            Some(k) => out.push(k),
            None => {
                let help = match closest(&c.text, ids()) {
                    Some(best) => format!("did you mean \"{}\"?", clip(best)),
                    None => format!("the scenario's credentials: {}", known_list(ids(), '"')),
                };
                found.error(
                    c.at,
                    &c.field,
                    format!("unknown credential \"{}\"", clip(&c.text)),
                    Some(help),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}
