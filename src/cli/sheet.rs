//! `raci-sim import` (a RACI spreadsheet to a model file) and `raci-sim export` (a model's
//! matrix to CSV or .xlsx). docs/spreadsheets.md describes both.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use raci_sim::input::file::ModelFile;
use raci_sim::input::library::{model_source, parse_model};
use raci_sim::input::sheet::{self, load_mapping, Mapping};
use raci_sim::input::{clip, parse_ron};
use raci_sim::output::sheet::{csv, matrix, model_text, xlsx};
use raci_sim::output::{check_new_file_target, write_new_file};

use super::terminal::{err, out, out_bytes};
use super::Usage;

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The spreadsheet: an .xlsx workbook or a .csv file (activities down the first column,
    /// teams across the header row, cells R, A, A/R, C, I or blank).
    #[arg(value_name = "SPREADSHEET")]
    file: PathBuf,
    /// The model file to write (`-` for standard output). An existing file is refused unless
    /// --force.
    #[arg(long, value_name = "FILE")]
    out: String,
    /// A mapping file (RON) for activity and team names that differ from raci-sim's.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// The worksheet to read (default: the workbook's first).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// The model's name (default: the spreadsheet's file name).
    #[arg(long)]
    name: Option<String>,
    /// Replace an existing --out file.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SheetFormat {
    Csv,
    Xlsx,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Shipped model name or path.
    model: String,
    /// csv or xlsx (default: from --out's extension, else csv).
    #[arg(long, value_enum)]
    format: Option<SheetFormat>,
    /// The file to write (default: standard output for CSV; .xlsx needs a file, or `-`).
    /// An existing file is refused unless --force.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    /// Replace an existing --out file.
    #[arg(long)]
    force: bool,
}

fn check_out(path: &str, force: bool) -> Result<()> {
    if path != "-" {
        check_new_file_target(Path::new(path), force)?;
    }
    Ok(())
}

fn write_out(path: &str, bytes: &[u8], force: bool) -> Result<()> {
    if path == "-" {
        out_bytes(bytes);
        return Ok(());
    }
    write_new_file(Path::new(path), bytes, force).with_context(|| format!("cannot write {path}"))
}

/// `raci-sim import`.
pub fn import(a: ImportArgs) -> Result<ExitCode> {
    check_out(&a.out, a.force)?;
    let name = a
        .name
        .clone()
        .unwrap_or_else(|| sheet::default_name(&a.file));
    if name.trim().is_empty() || name.chars().count() > 100 || name.contains(char::is_control) {
        return Err(Usage(format!(
            "--name \"{}\": a model name is 1 to 100 characters, no control characters",
            clip(&name)
        ))
        .into());
    }
    let mapping = match &a.mapping {
        Some(p) => load_mapping(p)?,
        None => Mapping::default(),
    };
    let table = sheet::read_sheet(&a.file, a.sheet.as_deref())?;
    let imported = sheet::import(&table, &mapping, &name)?;
    let text = model_text(&imported);
    // What import writes must load; anything else is a bug here, reported before writing.
    parse_model(&a.out, &text).context("internal error: the imported model does not load")?;
    for w in &imported.warnings {
        err(&format!("warning: {w}\n"));
    }
    write_out(&a.out, text.as_bytes(), a.force)?;
    if a.out != "-" {
        let m = &imported.model;
        err(&format!(
            "wrote {}: model \"{}\", {} teams; staff, hours, visibility and policy are \
             assumptions to review (docs/spreadsheets.md)\n",
            a.out,
            m.name,
            m.teams.len()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `raci-sim export`.
pub fn export(a: ExportArgs) -> Result<ExitCode> {
    let format = a.format.unwrap_or_else(|| match &a.out {
        Some(o) if o.to_lowercase().ends_with(".xlsx") => SheetFormat::Xlsx,
        _ => SheetFormat::Csv,
    });
    let out_path =
        match (&a.out, format) {
            (Some(o), _) => o.clone(),
            (None, SheetFormat::Csv) => "-".into(),
            (None, SheetFormat::Xlsx) => return Err(Usage(
                "an .xlsx workbook is binary: give --out FILE (or --out - to send it to a pipe)"
                    .into(),
            )
            .into()),
        };
    if out_path == "-" && format == SheetFormat::Xlsx && std::io::stdout().is_terminal() {
        return Err(
            Usage("not writing an .xlsx workbook to a terminal: give --out FILE".into()).into(),
        );
    }
    check_out(&out_path, a.force)?;
    let src = model_source(&a.model)?;
    // Validated like every model, then read as written (team order, rows as given).
    parse_model(&src.label, &src.text)?;
    let file: ModelFile = parse_ron(&src.label, &src.text)?;
    let m = matrix(&file);
    let bytes = match format {
        SheetFormat::Csv => csv(&m),
        SheetFormat::Xlsx => xlsx(&m, &file.name).context("cannot build the workbook")?,
    };
    if out_path == "-" && format == SheetFormat::Csv {
        out(&String::from_utf8_lossy(&bytes));
        return Ok(ExitCode::SUCCESS);
    }
    write_out(&out_path, &bytes, a.force)?;
    Ok(ExitCode::SUCCESS)
}
