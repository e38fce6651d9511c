//! `raci-sim export` then `raci-sim import`: every shipped model's RACI matrix comes back the
//! same, through CSV and through .xlsx; an unusual hand-made workbook reads as documented; an
//! imported model runs. (docs/spreadsheets.md)

use std::process::Command;

use raci_sim::domain::CredentialKind;
use raci_sim::input::file::{ModelFile, RowFile};
use raci_sim::input::library::{all_models, parse_model};
use raci_sim::input::parse_ron;
use raci_sim::input::sheet::{import, parse_mapping, parse_sheet, Mapping};
use raci_sim::output::sheet::{csv, matrix, model_text, xlsx};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raci-sim"))
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sheet")
        .join(name)
}

/// The model the sheet `bytes` imports to, checked to load.
fn imported(file: &str, bytes: Vec<u8>, mapping: &Mapping) -> ModelFile {
    let table = parse_sheet(file, file, bytes, None).unwrap_or_else(|e| panic!("{file}: {e}"));
    let imp = import(&table, mapping, "back").unwrap_or_else(|e| panic!("{file}: {e}"));
    let text = model_text(&imp);
    parse_model("back.ron", &text).unwrap_or_else(|e| panic!("{file}: {e}\n{text}"));
    imp.model
}

#[test]
fn every_shipped_model_round_trips_through_csv_and_xlsx() {
    let mut n = 0;
    for s in all_models() {
        let file: ModelFile = parse_ron(s.path, s.text).unwrap();
        let m = matrix(&file);
        // Every revoke kind of the model is its own row; every team a column.
        assert_eq!(m.teams.len(), file.teams.len(), "{}", s.name);
        let revoke_rows = m
            .rows
            .iter()
            .filter(|(r, _)| r.starts_with("revoke "))
            .count();
        assert_eq!(revoke_rows, file.raci.revoke.len(), "{}", s.name);
        let from_csv = imported("m.csv", csv(&m), &Mapping::default());
        assert_eq!(matrix(&from_csv), m, "{} through CSV", s.name);
        let from_xlsx = imported("m.xlsx", xlsx(&m, &file.name).unwrap(), &Mapping::default());
        assert_eq!(matrix(&from_xlsx), m, "{} through .xlsx", s.name);
        // The same rows and letters, as sets of teams (the sheet orders teams by column).
        let sorted = |r: &RowFile| {
            let s = |v: &Vec<String>| {
                let mut v = v.clone();
                v.sort();
                v
            };
            (s(&r.r), s(&r.a), s(&r.c), s(&r.i))
        };
        for (kind, row) in &file.raci.revoke {
            assert_eq!(
                sorted(&from_xlsx.raci.revoke[kind]),
                sorted(row),
                "{} {kind:?}",
                s.name
            );
        }
        assert_eq!(
            sorted(&from_csv.raci.approve_containment),
            sorted(&file.raci.approve_containment)
        );
        assert_eq!(
            from_csv.raci.rotate_all.is_some(),
            file.raci.rotate_all.is_some()
        );
        assert_eq!(from_csv.raci.intake.len(), file.raci.intake.len());
        n += 1;
    }
    assert_eq!(n, 17, "every shipped model, library and incidents");
}

#[test]
fn exports_are_byte_for_byte_deterministic() {
    let file: ModelFile = parse_ron("x", all_models().next().unwrap().text).unwrap();
    let m = matrix(&file);
    let a = xlsx(&m, "x").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(a, xlsx(&m, "x").unwrap(), "a second later, the same bytes");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    let mut core = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
        .unwrap();
    assert!(core.contains("2000-01-01T00:00:00Z"), "{core}");
    let text = String::from_utf8(csv(&m)).unwrap();
    assert!(text.starts_with("activity,soc,iam,"), "{text}");
    assert!(text.contains("\napprove_containment,A/R,"), "{text}");
}

/// The fixture: a cover sheet first; on "Team RACI" a title row, a blank row, the matrix from
/// B4 with a corner label, a Description column (ignored by the mapping), a section heading,
/// blank rows, mixed spellings and cells. Made by `write_unusual_fixture` below.
#[test]
fn an_unusual_workbook_reads_as_documented() {
    let bytes = std::fs::read(fixture("unusual.xlsx")).unwrap();
    let mapping = parse_mapping(
        "map.ron",
        &std::fs::read_to_string(fixture("unusual-map.ron")).unwrap(),
    )
    .unwrap();
    let table = parse_sheet("unusual.xlsx", "unusual.xlsx", bytes, Some("Team RACI")).unwrap();
    let imp = import(&table, &mapping, "unusual").unwrap();
    let m = &imp.model;
    let ids: Vec<&str> = m.teams.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["soc", "iam", "business-owner", "incident-lead"]);
    let row = |r: &[&str], a: &[&str], c: &[&str], i: &[&str]| RowFile {
        r: r.iter().map(|s| s.to_string()).collect(),
        a: a.iter().map(|s| s.to_string()).collect(),
        c: c.iter().map(|s| s.to_string()).collect(),
        i: i.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(m.raci.detect.len(), 1);
    assert_eq!(m.raci.detect[0].r, ["soc"]);
    assert_eq!(m.raci.detect[0].i, ["incident-lead"]);
    assert_eq!(m.raci.triage, row(&["soc"], &["incident-lead"], &[], &[]));
    assert_eq!(
        m.raci.approve_containment,
        row(&["incident-lead"], &["incident-lead"], &["iam"], &[])
    );
    // "Kill sessions" (mapped) for sessions, "Revoke API keys" for API keys, "Revoke" for the
    // other kinds.
    assert_eq!(
        m.raci.revoke[&CredentialKind::Session],
        row(&["soc"], &[], &[], &["iam"])
    );
    assert_eq!(
        m.raci.revoke[&CredentialKind::ApiKey],
        row(&["business-owner"], &[], &[], &[])
    );
    assert_eq!(
        m.raci.revoke[&CredentialKind::Password],
        row(&["iam"], &[], &[], &[])
    );
    assert_eq!(m.raci.revoke.len(), CredentialKind::ALL.len());
    assert_eq!(
        m.raci.close,
        row(&["incident-lead"], &["incident-lead"], &[], &["soc", "iam"])
    );
    assert_eq!(m.raci.scope, RowFile::default(), "not in the sheet: nobody");
    // Defaults: R on detect -> always on; R on a row that works with credentials -> visibility
    // 0.8 on every plane; the rest business hours with on-call, no visibility; staff 1.
    use raci_sim::input::file::CoverageFile;
    let team = |id: &str| m.teams.iter().find(|t| t.id == id).unwrap();
    assert_eq!(team("soc").coverage, CoverageFile::AlwaysOn);
    for id in ["soc", "iam", "business-owner"] {
        let v = &team(id).visibility;
        assert_eq!(v.len(), raci_sim::domain::Plane::ALL.len(), "{id}");
        assert!(v.values().all(|&x| x == 0.8), "{id}");
    }
    let lead = team("incident-lead");
    assert!(lead.visibility.is_empty());
    assert!(
        matches!(&lead.coverage, CoverageFile::BusinessHours { on_call: Some(oc), .. } if oc.page_latency.0 == 1800)
    );
    assert!(m
        .teams
        .iter()
        .all(|t| t.staff == 1 && t.background.is_none()));
    assert!(m.policy.escalation.is_none() && m.policy.emergency_containment.is_none());
    assert!(imp
        .header
        .iter()
        .any(|h| h.contains("'Team RACI'!B8 \"Containment\" (a heading")));
    assert!(imp
        .header
        .iter()
        .any(|h| h.contains("header row at 'Team RACI'!B4")));
    assert!(
        imp.warnings[0].contains("nobody owns them: scope, validate_entitlement, confirm_business"),
        "{:?}",
        imp.warnings
    );
}

/// Rewrites tests/fixtures/sheet/unusual.xlsx (`UPDATE_FIXTURES=1`); otherwise checks the
/// committed file is what this writes, so the fixture's layout is readable here.
#[test]
fn write_unusual_fixture() {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(2024, 5, 1).unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let cover = wb.add_worksheet();
    cover.set_name("Cover").unwrap();
    cover
        .write_string(0, 0, "Identity incident response: who does what")
        .unwrap();
    cover.write_string(1, 0, "Owner: CISO office").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Team RACI").unwrap();
    let bold = Format::new().set_bold();
    ws.merge_range(0, 1, 0, 5, "Identity incident RACI (v3)", &bold)
        .unwrap();
    let header = [
        "Activity / Team",
        "Security Operations (SOC)",
        "IAM",
        "Description",
        "Business Owner",
        "Incident Lead",
    ];
    for (j, h) in header.iter().enumerate() {
        ws.write_string_with_format(3, j as u16 + 1, *h, &bold)
            .unwrap();
    }
    let rows: [&[&str]; 11] = [
        &["Detect", "R", "", "signals from every plane", "", "I"],
        &[],
        &["Triage", "r", "", "", "", " A "],
        &["Containment"],
        &[
            "Approve Containment",
            "",
            "C",
            "one lead decides",
            "",
            "A/R",
        ],
        &["Kill sessions", "Responsible", "i", "", "", ""],
        &["Revoke API keys", "", "", "", "R", ""],
        &["revoke", "", "R", "every other kind", "", "-"],
        &[],
        &["Close", "I", "I", "", "", "R, A"],
        &["Legend: R responsible, A accountable, C consulted, I informed"],
    ];
    for (i, cells) in rows.iter().enumerate() {
        for (j, c) in cells.iter().enumerate() {
            if !c.is_empty() {
                ws.write_string(4 + i as u32, j as u16 + 1, *c).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let path = fixture("unusual.xlsx");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "UPDATE_FIXTURES=1 rewrites it"
    );
}

#[test]
fn an_imported_model_runs_and_names_its_assumptions() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model.ron");
    let o = bin()
        .arg("import")
        .arg(fixture("unusual.xlsx"))
        .args(["--sheet", "Team RACI", "--mapping"])
        .arg(fixture("unusual-map.ron"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("warning: not in the sheet, so nobody owns them: scope"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(
        "// Imported by raci-sim import from unusual.xlsx, sheet \"Team RACI\" (header row at 'Team RACI'!B4).\n"
    ), "{text}");
    assert_eq!(
        text.matches("[assumption]").count(),
        6,
        "the header, 4 teams, the policy:\n{text}"
    );
    let o = bin()
        .args(["run", "replayed-token", "--runs", "20", "--model"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Export of the imported model, imported again, is the same model.
    let csv_path = dir.path().join("m.csv");
    let o = bin()
        .arg("export")
        .arg(&out)
        .arg("--out")
        .arg(&csv_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let back = dir.path().join("back.ron");
    let o = bin()
        .arg("import")
        .arg(&csv_path)
        .arg("--out")
        .arg(&back)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a: ModelFile = parse_ron("a", &text).unwrap();
    let b: ModelFile = parse_ron("b", &std::fs::read_to_string(&back).unwrap()).unwrap();
    assert_eq!((a.teams, a.raci), (b.teams, b.raci));
}

#[test]
fn export_writes_csv_to_standard_output_and_xlsx_only_to_a_file() {
    let o = bin()
        .args(["export", "single-incident-lead"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("activity,soc,iam,business-owner,incident-lead")
    );
    assert!(text.contains("\nrevoke api_key,,R,,I\n"), "{text}");
    let o = bin()
        .args(["export", "single-incident-lead", "--format", "xlsx"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give --out FILE"));
}
