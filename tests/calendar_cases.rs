//! Hand-computed calendar cases (issue 14): dated starts, weeks of a date, holidays in each
//! team's local date, and long horizons end to end.

use raci_sim::domain::{Activity, WaitCause};

use crate::common::*;

const DAY: u64 = 86_400;
const HOUR: u64 = 3600;

/// One held key used for 1 h with a medium signal at its end.
fn hour_scenario(start: &str) -> String {
    chain_scenario("ApiKey", "0s", start).replace(r#"Fixed("10m")"#, r#"Fixed("1h")"#)
}

/// `day` (09:00-17:00 weekdays, local time at `offset` hours, no on-call) triages; ops does the
/// rest. `holidays` is spliced in as the model's holidays.
fn day_triages(offset: i32, holidays: &str) -> raci_sim::input::Model {
    let text = ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        &format!(
            r#"(id: "day", utc_offset_hours: {offset},
                coverage: BusinessHours(start: "09:00", end: "17:00")),"#
        ),
    )
    .replace(
        r#"triage: (r: ["ops"], a: ["ops"])"#,
        r#"triage: (r: ["day"], a: ["day"])"#,
    )
    .replace(
        r#"summary: "test model","#,
        &format!(r#"summary: "test model", holidays: [{holidays}],"#),
    );
    model(&text)
}

fn triage_start(sc: &str, m: &raci_sim::input::Model) -> raci_sim::engine::TraceEvent {
    let (_, trace) = run_one(&scenario(sc), m, 1, 0);
    trace
        .into_iter()
        .find(|e| e.activity == Some(Activity::Triage) && e.what == "started")
        .expect("triage started")
}

/// Friday 2024-12-20 16:00 UTC; Monday 2024-12-23 is a holiday. The stage ends 17:00 (3600),
/// detect 17:00..17:05: triage is ready at 3900, after Friday's shift. Monday is skipped: it
/// starts Tuesday 09:00, 89 h after the start (320400), having waited 316500 s off hours.
#[test]
fn friday_evening_work_waits_past_a_monday_holiday_to_tuesday() {
    let m = day_triages(0, r#""2024-12-23""#);
    let start = triage_start(&hour_scenario(r#"Date("2024-12-20T16:00:00Z")"#), &m);
    assert_eq!(start.time, 89 * HOUR);
    assert_eq!(start.waits[WaitCause::OffHours.index()], 89 * HOUR - 3900);
    assert_eq!(start.waits[WaitCause::Queue.index()], 0);
    // Undated, the same weekday and time: holidays do not apply, Monday 09:00.
    let start = triage_start(&hour_scenario(r#"At(day: Fri, time: "16:00")"#), &m);
    assert_eq!(start.time, 65 * HOUR);
    // Dated with no holiday: Monday 09:00 too.
    let start = triage_start(
        &hour_scenario(r#"Date("2024-12-20T16:00:00Z")"#),
        &day_triages(0, ""),
    );
    assert_eq!(start.time, 65 * HOUR);
}

/// Holidays are the team's local date. `day` is at UTC+10; the run starts Sunday 2024-12-22
/// 22:00 UTC = Monday 2024-12-23 08:00 local, a holiday. Triage is ready at 3900 (Monday 09:05
/// local, Sunday 23:05 UTC): Monday is off, it starts Tuesday 09:00 local, 23 h 55 min later.
#[test]
fn a_holiday_is_the_teams_local_date() {
    let sc = hour_scenario(r#"Date("2024-12-22T22:00:00Z")"#);
    let start = triage_start(&sc, &day_triages(10, r#""2024-12-23""#));
    assert_eq!(start.time, 3900 + 23 * HOUR + 55 * 60);
    // A holiday on the UTC date (Sunday 22nd) is no holiday for this team's Monday.
    let start = triage_start(&sc, &day_triages(10, r#""2024-12-22""#));
    assert_eq!(start.time, 3900);
}

/// A dated start is on the calendar's weekday: 2023-09-28 was a Thursday, so 14:00 UTC is 3 d
/// 14 h into the week, whatever the offset it is written with.
#[test]
fn dated_start_maps_to_its_weekday_and_time() {
    let m = day_triages(0, "");
    for start in [
        r#"Date("2023-09-28T14:00:00Z")"#,
        r#"Date("2023-09-28T16:00+02:00")"#,
        r#"Date("2023-09-28T09:00:00-05:00")"#,
    ] {
        let (met, _) = run_one(&scenario(&hour_scenario(start)), &m, 1, 0);
        assert_eq!(met.start_in_week, 3 * DAY + 14 * HOUR, "{start}");
    }
}

/// `WeekOf` draws the same offset as `UniformWeek` (common random numbers): from a Monday it is
/// the same second of the week; from a Wednesday, two days later in the week.
#[test]
fn week_of_a_date_shares_the_uniform_week_draw() {
    let m = day_triages(0, "");
    let uniform = scenario(&hour_scenario("UniformWeek"));
    let monday = scenario(&hour_scenario(r#"WeekOf("2024-12-23")"#));
    let wednesday = scenario(&hour_scenario(r#"WeekOf("2024-12-25")"#));
    for run in 0..40 {
        let u = run_one(&uniform, &m, 9, run).0.start_in_week;
        assert_eq!(run_one(&monday, &m, 9, run).0.start_in_week, u);
        let w = run_one(&wednesday, &m, 9, run).0.start_in_week;
        assert_eq!(w, (u + 2 * DAY) % (7 * DAY), "run {run}");
    }
}

/// A model with holidays linted against an undated scenario: L020, pointing at `holidays`.
#[test]
fn holidays_with_an_undated_scenario_are_linted() {
    let text = ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    )
    .replace(
        r#"summary: "test model","#,
        r#"summary: "test model", holidays: ["2024-12-25"],"#,
    );
    let m = model(&text);
    let undated = scenario(&hour_scenario("UniformWeek"));
    let dated = scenario(&hour_scenario(r#"WeekOf("2024-12-23")"#));
    let codes = |s: &raci_sim::input::Scenario| {
        raci_sim::analysis::lint::lint(&m, "m.ron", &text, std::slice::from_ref(s))
            .into_iter()
            .filter(|f| f.code == "L020")
            .collect::<Vec<_>>()
    };
    let found = codes(&undated);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].field, "holidays");
    assert_eq!(found[0].line, 3);
    assert!(codes(&dated).is_empty());
}

/// A 180-day horizon runs end to end through the binary: a dated week, holidays, and a
/// revocation nobody owns, abandoned to the horizon.
#[test]
fn a_180_day_horizon_runs_end_to_end() {
    let dir = std::env::temp_dir().join(format!("raci-sim-180d-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sc = hour_scenario(r#"WeekOf("2024-12-23")"#).replace(r#""30d""#, r#""180d""#);
    let text = ops_model(
        r#"Secret: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    )
    .replace(
        r#"summary: "test model","#,
        r#"summary: "test model", holidays: ["2024-12-25", "2025-01-01"],"#,
    );
    std::fs::write(dir.join("long.ron"), sc).unwrap();
    std::fs::write(dir.join("m.ron"), text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(["run", "long.ron", "--model", "m.ron", "--runs", "200"])
        .args(["--json", "out.json"])
        .current_dir(&dir)
        .output()
        .expect("binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = std::fs::read_to_string(dir.join("out.json")).unwrap();
    assert!(
        json.contains(&format!("\"horizon_seconds\": {}", 180 * DAY)),
        "{json:.400}"
    );
    // The unowned revoke is never done: missed, a false closure, in every run.
    assert!(
        json.contains("\"missed_revocations_total\": 200,"),
        "{json:.1000}"
    );
    assert!(json.contains("\"false_closures\": 200,"), "{json:.1000}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A dated scenario's runs carry their start in runs.csv/--json and their real dates in event
/// logs: okta-support-2023 starts 2023-09-28T15:00:00Z, so its first customer report (pinned at
/// +1 d 3 h) is taken in on 2023-09-29 or later, never in the undated week of 2026-01-05.
#[test]
fn a_dated_run_carries_its_start_and_real_dates_into_outputs() {
    let dir = std::env::temp_dir().join(format!("raci-sim-dated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, log) = (dir.join("runs.json"), dir.join("log.csv"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args([
            "run",
            "okta-support-2023",
            "--model",
            "okta-support-2023-as-it-was",
        ])
        .args(["--runs", "2", "--json"])
        .arg(&json)
        .arg("--event-log")
        .arg(&log)
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    for r in doc["runs"].as_array().unwrap() {
        assert_eq!(r["start_utc"], "2023-09-28T15:00:00Z");
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let first = text.lines().nth(1).expect("a record");
    let stamp = first.split(',').nth(2).unwrap();
    assert!(stamp.starts_with("2023-"), "{first}");
    assert!(stamp >= "2023-09-29T18:00:00Z", "{first}");
    std::fs::remove_dir_all(&dir).ok();
}
