//! `tabletop replay`: the capture sheet read back (CSV and RON), the room's decisions
//! replayed on a hand-computed case, and the command end to end on a shipped pack.
//!
//! Hand-computed case. Scenario `two-keys`: `key` (an API key of `svc`, held from the start,
//! known to the inventory) and `spare` (an API key of `svc` the attacker never holds). Stage
//! `use` needs `key` for 10 minutes and always alerts. Model: `ops` does everything at once
//! (staff 10, always on), common::EFFORT: detect 300, triage 600, scope 900, validate 1200,
//! confirm 1800, approve 300, revoke 600, evidence 300, verify 600, close 300 (ops signs its
//! own decisions: no extra sign-off time).
//!
//! The model as written: `use` done at 600, detected 900: triage needed at 900 (D1, T+00:15),
//! declared 1500; scope 1500-2400 finds `key`; the approval path begins at 2400 (D2, T+00:40):
//! validate 2400-3600, confirm 2400-4200, approve 4200-4500; `key` revoked 4500-5100:
//! contained at 5100; evidence to 5400, verify 5400-6000; close needed at 6000 (D3, T+01:40),
//! closed 6300. One revocation, none wrongful, nothing missed.
//!
//! The room: declares 10 minutes after D1 (T+00:25 = 1500, as the model); scope 1500-2400;
//! approves 5 minutes after D2 (T+00:45 = 2700) revoking only `spare` (one of the two
//! credentials the inventory lists). `spare` revoked 2700-3300: wrongful (never held);
//! evidence to 3600; verify 3600-4200 finds `key` (held, known), revoked 4200-4800: contained
//! at 4800 (300 s earlier than the model); evidence to 5100; verify 5100-5700; close (the
//! model's) 5700-6000. Two revocations, one wrongful; nothing missed at close.

use std::path::{Path, PathBuf};
use std::process::Command;

use raci_sim::engine::room::RoomPlan;
use raci_sim::input::decisions::{
    parse_decisions, room_decision, CapturePoint, Format, RoomRow, SheetChoice, SheetContext,
};
use raci_sim::input::{Model, Scenario};
use raci_sim::output::tabletop::debrief::play_room;
use raci_sim::output::tabletop::{capture, decision_points, modules};

use crate::common::{model, ops_model, scenario, SURE};

fn two_keys() -> Scenario {
    scenario(
        r#"Scenario(
    name: "two-keys",
    summary: "test scenario",
    identities: [(id: "svc", kind: ServiceAccount)],
    credentials: [
        (id: "key", kind: ApiKey, plane: CloudIam, identity: "svc", held_at_start: true),
        (id: "spare", kind: ApiKey, plane: CloudIam, identity: "svc"),
    ],
    stages: [
        (id: "use", needs: ["key"], duration: Fixed("10m"),
         signals: [(kind: Generic, plane: CloudIam, probability: 1.0, severity: Medium)]),
    ],
    start: At(day: Mon, time: "09:00"),
    horizon: "30d",
)"#,
    )
}

fn ops() -> Model {
    model(&ops_model(
        r#"ApiKey: (r: ["ops"])"#,
        r#"(r: ["ops"], a: ["ops"])"#,
        SURE,
        "",
    ))
}

/// The sheet's points of run 0 under the model as written.
fn points(sc: &Scenario, m: &Model) -> Vec<CapturePoint> {
    let played = play_room(sc, m, 1, 0, 1_000_000, None).unwrap();
    let decisions = decision_points(&played.trace, m);
    let mods = modules(&decisions, &played.trace).unwrap();
    capture::points(sc, &played.trace, &decisions, &mods)
}

const SHEET_CSV: &str = "point,module,decision,occurrence,needed_at,options,credentials,team,decided_at,choice,revoke,notes\r
D1,1. First signal,triage,0,T+00:15,declare|dismiss,,ops,T+00:25,declare,,\r
D2,3. The containment decision,containment,0,T+00:40,approve|hold,key spare,ops,T+00:45,approve,spare,\"the room thought \"\"spare\"\" was used\"\r
D3,4. Verification and closure,close,0,T+01:40,close|hold,,,,,,\r
";

const SHEET_RON: &str = r#"[
    (point: "D1", decision: "triage", occurrence: 0, needed_at: "T+00:15",
     team: "ops", decided_at: "T+00:25", choice: "declare"),
    (point: "D2", decision: "containment", occurrence: 0, needed_at: "T+00:40",
     team: "ops", decided_at: "T+00:45", choice: "approve", revoke: ["spare"]),
    (point: "D3", decision: "close", occurrence: 0, needed_at: "T+01:40"),
]"#;

fn load(text: &str, format: Format) -> Result<Vec<RoomRow>, String> {
    let (sc, m) = (two_keys(), ops());
    let p = points(&sc, &m);
    let cx = SheetContext {
        points: &p,
        model: &m,
        scenario: &sc,
    };
    parse_decisions("sheet", text, format, &cx).map_err(|e| e.to_string())
}

#[test]
fn the_sheet_lists_the_packs_decision_points_where_a_replay_finds_them() {
    let (sc, m) = (two_keys(), ops());
    let p = points(&sc, &m);
    let got: Vec<(&str, &str, u32, u64, Vec<String>)> = p
        .iter()
        .map(|p| {
            (
                p.point.as_str(),
                p.decision.name(),
                p.occurrence,
                p.needed,
                p.credentials.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("D1", "triage", 0, 900, vec![]),
            (
                "D2",
                "containment",
                0,
                2400,
                vec!["key".into(), "spare".into()]
            ),
            ("D3", "close", 0, 6000, vec![]),
        ]
    );
}

#[test]
fn csv_and_ron_sheets_read_the_same_room_decisions() {
    let csv = load(SHEET_CSV, Format::Csv).unwrap();
    assert_eq!(csv, load(SHEET_RON, Format::Ron).unwrap());
    let got: Vec<(usize, SheetChoice, u64, Vec<usize>)> = csv
        .iter()
        .map(|r| (r.point, r.choice, r.delay, r.revoke.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (0, SheetChoice::Declare, 600, vec![]),
            (1, SheetChoice::Approve, 300, vec![1]),
        ]
    );
}

#[test]
fn the_rooms_replayed_run_matches_the_hand_computed_numbers() {
    let (sc, m) = (two_keys(), ops());
    let model = play_room(&sc, &m, 1, 0, 1_000_000, None).unwrap().metrics;
    assert_eq!(model.time_to_containment, Some(5100));
    assert_eq!((model.revocations, model.wrongful_revocations), (1, 0));
    let rows = load(SHEET_CSV, Format::Csv).unwrap();
    let plan = RoomPlan::new(rows.iter().map(room_decision).collect(), 1, 2).unwrap();
    let room = play_room(&sc, &m, 1, 0, 1_000_000, Some(&plan))
        .unwrap()
        .metrics;
    assert_eq!(room.time_to_declare, Some(1500));
    assert_eq!(room.time_to_first_revocation, Some(3300));
    assert_eq!(room.time_to_containment, Some(4800));
    assert_eq!(room.time_to_first_close, Some(6000));
    assert_eq!((room.revocations, room.wrongful_revocations), (2, 1));
    assert_eq!(room.missed_revocations, 0);
}

/// Loads a CSV sheet whose D1 row is `d1` (the other rows blank).
fn d1(row: &str) -> String {
    load(
        &format!("point,decision,occurrence,needed_at,team,decided_at,choice,revoke\n{row}\n"),
        Format::Csv,
    )
    .unwrap_err()
}

#[test]
fn sheet_errors_name_the_cell_the_field_and_a_fix() {
    assert_eq!(
        d1("D1,triage,0,T+00:15,opz,T+00:25,declare,"),
        "sheet:2:21: field `team`: unknown team \"opz\"\n  help: did you mean \"ops\"?"
    );
    assert_eq!(
        d1("D1,triage,0,T+00:15,ops,T+00:10,declare,"),
        "sheet:2:25: field `decided_at`: the room cannot decide before the point was needed: D1 was needed at T+00:15, decided_at is T+00:10\n  help: write the exercise clock when the room decided, e.g. T+00:25 (D1 was needed at T+00:15)"
    );
    assert!(d1("D1,triage,0,T+00:15,ops,T+00:25,declar,")
        .starts_with("sheet:2:33: field `choice`: \"declar\" is not a choice at D1\n  help: did you mean declare?"));
    assert!(d1("D1,triage,0,T+00:16,ops,T+00:25,declare,").starts_with(
        "sheet:2:13: field `needed_at`: point D1 was needed at T+00:15 in this pack, the sheet says \"T+00:16\"\n  help: this sheet is not from this pack"
    ));
    assert!(d1("D1,triage,0,T+00:15,,T+00:25,declare,")
        .contains("field `team`: the room's choice needs the team that acted"));
    assert!(d1("D1,triage,0,T+00:15,ops,,,")
        .contains("sheet:2:21: field `team`: `team` is filled but `choice` is blank"));
    assert!(d1("D1,triage,0,T+00:15,ops,T+00:25,declare,key")
        .contains("field `revoke`: `revoke` names credentials but the choice is declare"));
    assert!(d1("D9,triage,0,T+00:15,ops,T+00:25,declare,")
        .contains("sheet:2:1: field `point`: this pack has no decision point \"D9\""));
    assert!(d1("D1,triage,0,T+00:15,ops,25 min,declare,")
        .contains("\"25 min\" is not an exercise time: write it as T+hh:mm"));
    let e = load(
        "point,decision,occurrence,needed_at,team,decided_at,choice,revoke\nD2,containment,0,T+00:40,ops,T+00:45,approve,\"key  sparee\"\n",
        Format::Csv,
    )
    .unwrap_err();
    assert_eq!(
        e,
        "sheet:2:52: field `revoke`: unknown credential \"sparee\"\n  help: did you mean \"spare\"?"
    );
    let e = load("point,decisoin\n", Format::Csv).unwrap_err();
    assert!(
        e.starts_with("sheet:1:7: unknown column `decisoin`\n  help: did you mean `decision`?"),
        "{e}"
    );
    let e = load(
        r#"[(point: "D1", decision: "triage", occurrence: 0, needed_at: "T+00:15",
     team: "opz", decided_at: "T+00:25", choice: "declare")]"#,
        Format::Ron,
    )
    .unwrap_err();
    assert_eq!(
        e,
        "sheet:2:6: field `[0].team`: unknown team \"opz\"\n  help: did you mean \"ops\"?"
    );
    let e = load(r#"[(point: "D1", decison: "")]"#, Format::Ron).unwrap_err();
    assert!(
        e.contains("unknown field `decison`") && e.contains("did you mean `decision`?"),
        "{e}"
    );
}

#[test]
fn hostile_sheets_get_bounded_errors() {
    for text in [
        "\"".to_string(),
        ",".repeat(100_000),
        "point\n".to_string() + &"D1\n".repeat(5000),
        format!("point,decision,occurrence,needed_at,team,decided_at,choice,revoke\n{}", "D1,triage,0,T+00:15,nobody,T+99999999:00,x,y\n".repeat(300)),
        "[".repeat(10_000),
        "point,decision,occurrence,needed_at,team,decided_at,choice,revoke\nD2,containment,0,T+00:40,ops,T+00:45,approve,".to_string() + &"x ".repeat(100_000),
    ] {
        for format in [Format::Csv, Format::Ron] {
            let e = load(&text, format).unwrap_err();
            assert!(e.len() < 8_000, "{} bytes: {}", e.len(), &e[..200]);
        }
    }
    let every =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")).unwrap();
    for f in every {
        raci_sim::fuzzing::fuzz_decisions(&std::fs::read(f.unwrap().path()).unwrap());
    }
}

// ---------------------------------------------------------------- the command

fn temp(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("raci-replay-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn raci_sim(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_raci-sim"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A shipped pack (p90 of 200 runs), and its CSV sheet with D1 declared by `team` 10 minutes
/// after it was needed and D2 approved 5 minutes after, revoking `etl-api-key`.
fn pack_and_sheet(dir: &Path, pick: &str, team: &str, d1_offset: i64) -> (String, PathBuf) {
    let pack = dir.join(format!("pack-{pick}"));
    let (code, err) = raci_sim(&[
        "tabletop",
        "compromised-service-account",
        "--model",
        "single-incident-lead",
        "--runs",
        "200",
        "--pick",
        pick,
        "--out",
        pack.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let blank = std::fs::read_to_string(pack.join("facilitator/decision-capture.csv")).unwrap();
    let shift = |at: &str, by: i64| {
        let (h, m) = at.trim_start_matches("T+").split_once(':').unwrap();
        let t = h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap() + by;
        format!("T+{:02}:{:02}", t / 60, t % 60)
    };
    let filled: Vec<String> = blank
        .lines()
        .map(|l| {
            let mut c: Vec<String> = l.split(',').map(String::from).collect();
            match c[2].as_str() {
                "triage" => {
                    c[7] = team.into();
                    c[8] = shift(&c[4], d1_offset);
                    c[9] = "declare".into();
                }
                "containment" => {
                    c[7] = "incident-lead".into();
                    c[8] = shift(&c[4], 5);
                    c[9] = "approve".into();
                    c[10] = "etl-api-key".into();
                }
                _ => {}
            }
            c.join(",")
        })
        .collect();
    let sheet = dir.join(format!("sheet-{pick}-{team}.csv"));
    std::fs::write(&sheet, filled.join("\n")).unwrap();
    (pack.to_str().unwrap().to_string(), sheet)
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn replay_writes_the_same_debrief_twice_and_refuses_bad_sheets() {
    let dir = temp("cli");
    let (pack, sheet) = pack_and_sheet(&dir, "p90", "soc", 10);
    let sheet = sheet.to_str().unwrap();
    let mut outs = Vec::new();
    for n in ["a", "b"] {
        let out = dir.join(format!("debrief-{n}"));
        let (code, err) = raci_sim(&[
            "tabletop",
            "replay",
            &pack,
            "--decisions",
            sheet,
            "--runs",
            "60",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(0), "{err}");
        outs.push(files(&out));
    }
    assert_eq!(outs[0], outs[1], "same inputs, same bytes");
    let names: Vec<&str> = outs[0].iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "debrief.md",
        "debrief.html",
        "timeline-room.svg",
        "timeline-model.svg",
        "timeline-best.svg",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    let md = String::from_utf8(
        outs[0]
            .iter()
            .find(|(n, _)| n == "debrief.md")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(
        md.contains("| D1 | 1. First signal |") && md.contains("| soc |"),
        "{md}"
    );
    assert!(md.contains("Over 60 runs on common random numbers"));
    assert!(md.contains("Best shipped model ("));

    // The default folder is PACK/debrief.
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        &pack,
        "--decisions",
        sheet,
        "--runs",
        "10",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(Path::new(&pack).join("debrief/debrief.html").is_file());

    // Exit 2: an unknown team (with the closest), a decision before it was needed, a sheet
    // from another pack.
    let (_, typo) = pack_and_sheet(&dir, "p90", "socc", 10);
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        &pack,
        "--decisions",
        typo.to_str().unwrap(),
        "--runs",
        "10",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("field `team`: unknown team \"socc\"\n  help: did you mean \"soc\"?"),
        "{err}"
    );
    let (_, early) = pack_and_sheet(&dir, "p90", "iam", -1);
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        &pack,
        "--decisions",
        early.to_str().unwrap(),
        "--runs",
        "10",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("the room cannot decide before the point was needed"),
        "{err}"
    );
    let (_, other) = pack_and_sheet(&dir, "median", "soc", 10);
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        &pack,
        "--decisions",
        other.to_str().unwrap(),
        "--runs",
        "10",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("this sheet is not from this pack"), "{err}");
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        dir.to_str().unwrap(),
        "--decisions",
        sheet,
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("replay/pack.ron"), "{err}");
    // The debrief never replaces the pack it reads.
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        &pack,
        "--decisions",
        sheet,
        "--out",
        &pack,
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("the debrief would replace the pack itself"),
        "{err}"
    );
    assert!(Path::new(&pack).join("replay/pack.ron").is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A sheet with no decision filled in is refused: the room would be the model as written.
#[test]
fn a_blank_sheet_is_refused() {
    let dir = temp("blank");
    let (pack, _) = pack_and_sheet(&dir, "p90", "soc", 10);
    let blank = format!("{pack}/facilitator/decision-capture.csv");
    let out = dir.join("debrief");
    let (code, err) = raci_sim(&[
        "tabletop",
        "replay",
        &pack,
        "--decisions",
        &blank,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("no decision is filled in (every row's `choice` is blank)"),
        "{err}"
    );
    assert!(!out.exists());
}
