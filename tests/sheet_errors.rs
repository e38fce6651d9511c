//! `raci-sim import` on bad spreadsheets: every problem at its cell in spreadsheet terms
//! (`Sheet1!C7`; for CSV also line:column), what was found and what is allowed; at most 20 in
//! full; exit 2 and nothing written. (docs/spreadsheets.md, "Errors")

use std::process::Command;

use raci_sim::input::sheet::{import, parse_mapping, parse_sheet, Mapping};
use rust_xlsxwriter::Workbook;

const ALLOWED: &str = "allowed: R, A, C, I, a combination such as A/R (also R/A, \"A,R\", AR), \
                       the words Responsible, Accountable, Consulted, Informed, or blank (or -)";

/// The help of a cell that is not letters, under team `team`.
fn allowed(team: &str) -> String {
    format!(
        "{ALLOWED}; a column that is not a team (notes, a description) is skipped with \
         ignore_columns: [\"{team}\"] in a mapping file (--mapping)"
    )
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_raci-sim"))
}

/// The error of importing CSV `text` as raci.csv.
fn csv_error(text: &str) -> String {
    csv_error_mapped(text, &Mapping::default())
}

fn csv_error_mapped(text: &str, mapping: &Mapping) -> String {
    let e = parse_sheet("raci.csv", "raci.csv", text.as_bytes().to_vec(), None)
        .and_then(|t| import(&t, mapping, "m"))
        .expect_err("an error");
    e.to_string()
}

/// A workbook with one sheet `Sheet1` holding `cells` (row, column, text), 0-based.
fn workbook(cells: &[(u32, u16, &str)], number_at: Option<(u32, u16)>) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for &(r, c, t) in cells {
        ws.write_string(r, c, t).unwrap();
    }
    if let Some((r, c)) = number_at {
        ws.write_number(r, c, 3.0).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn xlsx_error(bytes: Vec<u8>, sheet: Option<&str>) -> String {
    parse_sheet("book.xlsx", "book.xlsx", bytes, sheet)
        .and_then(|t| import(&t, &Mapping::default(), "m"))
        .expect_err("an error")
        .to_string()
}

#[test]
fn a_bad_csv_cell_is_named_by_address_line_and_column() {
    let e = csv_error("activity,soc,iam\ntriage,R,X\n");
    assert_eq!(
        e,
        format!(
            "raci.csv:2:10: field `raci.csv!C2`: team \"iam\", activity \"triage\": found \"X\", \
             not RACI letters\n  help: {}",
            allowed("iam")
        )
    );
    // A quoted line break moves the line, not the row: the cell is still C3.
    let e = csv_error("activity,soc,iam\n\"triage\nalerts\",R,\nscope,,Q\n");
    assert!(
        e.starts_with(
            "raci.csv:4:8: field `raci.csv!C3`: team \"iam\", activity \"scope\": found \"Q\""
        ),
        "{e}"
    );
}

#[test]
fn a_bad_xlsx_cell_is_named_by_its_sheet_address() {
    let mut cells = vec![(0, 0, "Activity"), (0, 1, "SOC"), (0, 2, "IAM")];
    cells.extend([(6, 0, "Approve containment"), (6, 1, "R"), (6, 2, "Maybe")]);
    let e = xlsx_error(workbook(&cells, Some((3, 2))), None);
    assert_eq!(
        e,
        format!(
            "book.xlsx:4:3: field `Sheet1!C4`: activity: Sheet1!A4 has letters but no activity \
             name\n  help: write the activity in the first column of the row\n\
             book.xlsx:7:3: field `Sheet1!C7`: team \"IAM\", activity \"Approve containment\": \
             found \"Maybe\", not RACI letters\n  help: {}",
            allowed("IAM")
        )
    );
    let mut cells = vec![(0, 0, "Activity"), (0, 1, "SOC"), (0, 2, "IAM")];
    cells.push((6, 0, "Approve containment"));
    let e = xlsx_error(workbook(&cells, Some((6, 2))), None);
    assert_eq!(
        e,
        format!(
            "book.xlsx:7:3: field `Sheet1!C7`: team \"IAM\", activity \"Approve containment\": \
             found the number 3, not RACI letters\n  help: {}",
            allowed("IAM")
        )
    );
}

#[test]
fn an_unknown_activity_gets_the_closest_row_or_the_list() {
    let e = csv_error("activity,soc\nAprove containment,R\n");
    assert_eq!(
        e,
        "raci.csv:2:1: field `raci.csv!A2`: activity: found \"Aprove containment\": not a \
         raci-sim activity\n  help: did you mean \"approve_containment\"?; or map it in a mapping \
         file (--mapping): activities: {\"Aprove containment\": \"<row>\"}"
    );
    // A word of the name is a row: that row, and the mapping that says so.
    let e = csv_error("activity,soc\nDetect suspicious sign-in,R\n");
    assert_eq!(
        e,
        "raci.csv:2:1: field `raci.csv!A2`: activity: found \"Detect suspicious sign-in\": not a \
         raci-sim activity\n  help: did you mean \"detect\"? name it in a mapping file \
         (--mapping): activities: {\"Detect suspicious sign-in\": \"detect\"}"
    );
    let e = csv_error("activity,soc\nKill sessions,R\n");
    assert!(
        e.contains("help: raci-sim rows: detect, intake, triage"),
        "{e}"
    );
    // Mapped, it is a row; a heading (no letters, nothing close) is skipped.
    let m = parse_mapping(
        "m.ron",
        r#"Mapping(activities: {"Kill sessions": "revoke session"})"#,
    )
    .unwrap();
    let t = parse_sheet(
        "raci.csv",
        "raci.csv",
        b"activity,soc\nContainment\nKill sessions,R\n".to_vec(),
        None,
    )
    .unwrap();
    let imp = import(&t, &m, "m").unwrap();
    assert_eq!(imp.model.raci.revoke.len(), 1);
    assert!(imp
        .header
        .iter()
        .any(|h| h == "Skipped row raci.csv!A2 \"Containment\" (a heading: no letters)."));
    // A misspelled row with no letters is still an error, not a heading.
    let e = csv_error("activity,soc\nTriag\n");
    assert!(e.contains("did you mean \"triage\"?"), "{e}");
}

#[test]
fn a_malformed_matrix_is_reported_cell_by_cell() {
    let e = csv_error(
        "activity,SOC,soc,,IAM\n\
         triage,R,,,\n\
         Triage,,,,R\n\
         detect,A,,,\n\
         ,R,,,\n\
         scope,,,C,\n",
    );
    let lines: Vec<&str> = e.lines().filter(|l| !l.starts_with("  help")).collect();
    assert_eq!(
        lines,
        [
            "raci.csv:1:14: field `raci.csv!C1`: found \"soc\": team \"soc\" is already the column at raci.csv!B1",
            "raci.csv:3:1: field `raci.csv!A3`: activity: triage is given twice (first at raci.csv!A2)",
            "raci.csv:4:8: field `raci.csv!B4`: team \"SOC\", activity \"detect\": found A; detect rows take R and I only",
            "raci.csv:5:2: field `raci.csv!B5`: activity: raci.csv!A5 has letters but no activity name",
            "raci.csv:6:9: field `raci.csv!D6`: a cell under no team (activity \"scope\")",
        ]
    );
}

#[test]
fn at_most_twenty_problems_are_shown_and_the_rest_counted() {
    let mut text = String::from("activity,soc\n");
    for _ in 0..30 {
        text.push_str("triage,X\n");
    }
    let e = csv_error(&text);
    let shown = e.lines().filter(|l| l.starts_with("raci.csv:")).count();
    assert_eq!(shown, 20, "{e}");
    // 30 bad cells and 29 repeats of triage: 59 problems, 20 shown.
    assert!(
        e.ends_with("help: 39 more problems not shown; fix these first"),
        "{e}"
    );
}

#[test]
fn sizes_are_bounded() {
    // A cell past row 1000 of a workbook.
    let e = xlsx_error(
        workbook(&[(0, 0, "a"), (0, 1, "soc"), (1000, 0, "x")], None),
        None,
    );
    assert!(e.starts_with("book.xlsx:1001:1: field `Sheet1!A1001`: a cell outside the area a RACI matrix may use (1000 rows, 128 columns: A1 to DX1000)"), "{e}");
    // Too many columns of CSV.
    let e = csv_error(&format!("activity{}\n", ",t".repeat(200)));
    assert!(
        e.contains("more than 128 fields in one row: this is not a RACI matrix"),
        "{e}"
    );
    // A zip bomb: a part that inflates past 64 MiB is refused before calamine reads it.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("xl/sharedStrings.xml", o).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..65 {
        std::io::Write::write_all(&mut w, &chunk).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    let e = xlsx_error(bomb, None);
    assert!(
        e.starts_with("book.xlsx:1:1: the workbook decompresses to more than 64 MiB"),
        "{e}"
    );
}

#[test]
fn wrong_files_and_sheets_are_named() {
    // Named on the command line: no cell position in the file.
    let e = xlsx_error(workbook(&[(0, 0, "a"), (0, 1, "b")], None), Some("Shet1"));
    assert_eq!(
        e,
        "book.xlsx: field `--sheet`: the workbook has no sheet named \"Shet1\"\n  help: did you \
         mean \"Sheet1\"?"
    );
    let e = parse_sheet("old.xls", "old.xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0], None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("an Excel 97-2003 (.xls) workbook"), "{e}");
    let e = parse_sheet("x.xlsx", "x.xlsx", b"activity,soc\n".to_vec(), None)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("x.xlsx:1:1: not an .xlsx workbook"), "{e}");
    let e = csv_error("just a title\n");
    assert!(
        e.starts_with("raci.csv:1:1: field `raci.csv!A1`: no header row"),
        "{e}"
    );
}

#[test]
fn a_bad_sheet_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("raci.csv");
    std::fs::write(&sheet, "activity,soc\ntriage,X\n").unwrap();
    let out = dir.path().join("model.ron");
    let o = bin()
        .arg("import")
        .arg(&sheet)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("raci.csv:2:8: field `raci.csv!B2`: team \"soc\""),
        "{stderr}"
    );
    assert!(!out.exists());
    let e = bin()
        .arg("import")
        .arg(&sheet)
        .args(["--out", "m.ron", "--mapping"])
        .arg(dir.path().join("absent.ron"))
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(2));
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("raci.csv");
    std::fs::write(&sheet, "activity,soc\ntriage,R\n").unwrap();
    let out = dir.path().join("model.ron");
    std::fs::write(&out, "my own notes").unwrap();
    let import = |force: bool| {
        let mut c = bin();
        c.arg("import").arg(&sheet).arg("--out").arg(&out);
        if force {
            c.arg("--force");
        }
        c.output().unwrap()
    };
    let o = import(false);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists; raci-sim does not overwrite"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "my own notes");
    let o = import(true);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&out).unwrap().contains("Model("));
    // export follows the same rule.
    let o = bin()
        .args(["export", "hub-and-spoke", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// The fuzz target's checks (an import loads; export then import keeps the matrix) on the
/// fixtures, every shipped model's exports, a mapped sheet and the hostile files; inputs the
/// fuzzer found are added to tests/fixtures/sheet/fuzz/.
#[test]
fn the_fuzz_entry_holds_on_fixtures_exports_and_hostile_files() {
    use raci_sim::fuzzing::fuzz_sheet;
    use raci_sim::input::file::ModelFile;
    use raci_sim::output::sheet::{csv, matrix, xlsx};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in [
        "tests/fixtures/sheet",
        "tests/fixtures/sheet/fuzz",
        "tests/hostile",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten().filter(|e| e.path().is_file()) {
            fuzz_sheet(&std::fs::read(e.path()).unwrap());
            n += 1;
        }
    }
    assert!(n > 10, "{n} files");
    for s in raci_sim::input::library::all_models() {
        let file: ModelFile = raci_sim::input::parse_ron(s.path, s.text).unwrap();
        let m = matrix(&file);
        fuzz_sheet(&csv(&m));
        fuzz_sheet(&xlsx(&m, "x").unwrap());
    }
    let map = std::fs::read_to_string(root.join("tests/fixtures/sheet/unusual-map.ron")).unwrap();
    let mapped = format!(
        "{}\n%%\nActivity,Security Operations (SOC),Description,IAM\nKill sessions,r,,A/R\n",
        map.lines()
            .filter(|l| !l.starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    fuzz_sheet(mapped.as_bytes());
}

#[test]
fn a_notes_column_is_told_how_to_skip() {
    let e = csv_error("activity,soc,Notes\ntriage,R,SIEM\n");
    assert_eq!(
        e,
        format!(
            "raci.csv:2:10: field `raci.csv!C2`: team \"Notes\", activity \"triage\": found \
             \"SIEM\", not RACI letters\n  help: {}",
            allowed("Notes")
        )
    );
    // And so it is skipped.
    let m = parse_mapping("m.ron", r#"Mapping(ignore_columns: ["Notes"])"#).unwrap();
    let t = parse_sheet(
        "raci.csv",
        "raci.csv",
        b"activity,soc,Notes\ntriage,R,SIEM\n".to_vec(),
        None,
    )
    .unwrap();
    assert_eq!(import(&t, &m, "m").unwrap().model.teams.len(), 1);
}

/// A workbook whose Sheet1 has the header Activity, SOC, IAM and on row 12 `close` with the
/// formula `f` in C12 (IAM); `result` its saved value, `None` for none at all (as
/// openpyxl and scripts write it: no `<v>` text, so a spreadsheet would calculate it on
/// opening, and a reader cannot).
fn formula_book(f: &str, result: Option<&str>) -> Vec<u8> {
    use rust_xlsxwriter::Formula;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, t) in ["Activity", "SOC", "IAM"].iter().enumerate() {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    ws.write_string(11, 0, "close").unwrap();
    ws.write_string(11, 1, "A").unwrap();
    ws.write_formula(11, 2, Formula::new(f).set_result(result.unwrap_or("")))
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    // rust_xlsxwriter saves a formula without a result as the number 0: write the cell as
    // openpyxl does (no value) or as Excel does for a formula that gave "" (`t="str"`, empty).
    let (from, to) = match result {
        Some(r) if !r.is_empty() => return bytes,
        Some(_) => ("<c r=\"C12\"><f>", "<c r=\"C12\" t=\"str\"><f>"),
        None => ("</f><v>0</v>", "</f>"),
    };
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut part = zin.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut text).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let s = String::from_utf8(text).unwrap();
            let t = s.replace(from, to).replace("</f><v>0</v>", "</f><v></v>");
            assert_ne!(s, t);
            text = t.into_bytes();
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, &text).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_formula_with_no_saved_value_is_an_error_at_its_cell() {
    let help =
        "\n  help: open the workbook in a spreadsheet program and save it (that stores every \
                formula's value), or paste the cells as values";
    for f in ["=IF(1,\"R\",\"A\")", "=1+1"] {
        let e = xlsx_error(formula_book(f, None), None);
        assert_eq!(
            e,
            format!(
                "book.xlsx:12:3: field `Sheet1!C12`: the formula {f} has no saved value (the \
                 program that wrote the workbook did not calculate it){help}"
            )
        );
    }
    // With a saved value, the formula is read by it.
    let t = parse_sheet(
        "book.xlsx",
        "book.xlsx",
        formula_book("=IF(1,\"R\",\"A\")", Some("R")),
        None,
    )
    .unwrap();
    let close = import(&t, &Mapping::default(), "m")
        .unwrap()
        .model
        .raci
        .close;
    assert_eq!(
        (close.r, close.a),
        (vec!["iam".to_string()], vec!["soc".to_string()])
    );
    // A formula that gave "" (Excel saves `t="str"` and an empty value) is a blank cell.
    let t = parse_sheet(
        "book.xlsx",
        "book.xlsx",
        formula_book("=IF(0,\"R\",\"\")", Some("")),
        None,
    )
    .unwrap();
    let close = import(&t, &Mapping::default(), "m")
        .unwrap()
        .model
        .raci
        .close;
    assert!(close.r.is_empty() && close.a == ["soc"], "{close:?}");
}
