//! The pack's documents: every `.docx` is a valid zip whose `word/document.xml` parses and holds
//! the title, the headings and the table cells of the document's Markdown, in order; the same
//! pack twice gives the same bytes; the index `README.md` names every file of the pack.

use std::io::Read as _;

use raci_sim::input::library::{load_model, load_scenario, MODELS};
use raci_sim::output::tabletop::{build_pack, play, Pick};

const SEED: u64 = 20261123;

/// A pack's files: (path, bytes).
type Files = Vec<(String, Vec<u8>)>;

fn pack(scenario: &str, model: &str, run: u64) -> Files {
    let sc = load_scenario(scenario).unwrap();
    let m = load_model(model).unwrap();
    let text = MODELS.iter().find(|x| x.name == model).unwrap();
    let played = play(&sc, &m, SEED, run, 1_000_000).unwrap();
    build_pack(
        &sc,
        &m,
        (text.path, text.text),
        &played,
        Pick::Run(run),
        SEED,
        None,
    )
    .expect("the run fills the modules")
}

/// The packs the tests read: runs that fill the modules, of different scenarios and models.
fn packs() -> Vec<(String, Files)> {
    [
        ("compromised-service-account", "single-incident-lead", 3),
        ("user-to-workload-compromise", "anti-siloed-human-nhi", 3),
        ("break-glass-misuse", "hub-and-spoke", 3),
    ]
    .into_iter()
    .map(|(s, m, r)| (format!("{s} {m} run {r}"), pack(s, m, r)))
    .collect()
}

/// Text written by `escape::markdown`, read back.
fn unescape(s: &str) -> String {
    let s = s.replace("&lt;", "<").replace("&gt;", ">");
    let s = s.replace("&amp;", "&");
    let mut o = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => o.extend(chars.next()),
            _ => o.push(c),
        }
    }
    o
}

/// The cells of a Markdown table row `| a | b \| c |`, split at unescaped pipes.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let cell = out.last_mut().unwrap();
                cell.push('\\');
                cell.extend(chars.next());
            }
            '|' => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out.iter().map(|c| unescape(c.trim())).collect()
}

/// What the tests compare: the title, the headings, the table cells in order.
#[derive(Debug, PartialEq)]
struct Outline {
    title: String,
    headings: Vec<String>,
    cells: Vec<String>,
}

fn markdown_outline(md: &str) -> Outline {
    let title = md.lines().next().unwrap().strip_prefix("# ").unwrap();
    let headings = md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(unescape);
    let rows = md
        .lines()
        .filter(|l| l.starts_with("| ") || l.starts_with("||"));
    Outline {
        title: unescape(title),
        headings: headings.collect(),
        cells: rows.flat_map(cells).collect(),
    }
}

/// The zip's entries as (name, bytes); panics when it is not a valid zip.
pub fn entries(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a valid zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn docx_outline(docx: &[u8]) -> Outline {
    let entries = entries(docx);
    for part in ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"] {
        assert!(entries.iter().any(|e| e.0 == part), "no {part}");
    }
    let xml = &entries
        .iter()
        .find(|e| e.0 == "word/document.xml")
        .expect("word/document.xml")
        .1;
    let doc = roxmltree::Document::parse(std::str::from_utf8(xml).unwrap()).expect("parses");
    let text = |n: roxmltree::Node| -> String {
        let t = n.descendants().filter(|d| d.tag_name().name() == "t");
        t.filter_map(|d| d.text()).collect()
    };
    let styled = |style: &'static str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == "p")
            .filter(move |p| {
                p.descendants().any(|d| {
                    d.tag_name().name() == "pStyle" && d.attributes().any(|a| a.value() == style)
                })
            })
            .map(text)
    };
    Outline {
        title: styled("Title").collect::<Vec<_>>().join(" / "),
        headings: styled("Heading1").collect(),
        cells: doc
            .descendants()
            .filter(|n| n.tag_name().name() == "tc")
            .map(text)
            .collect(),
    }
}

#[test]
fn every_docx_holds_the_headings_and_table_cells_of_its_markdown() {
    let mut checked = 0;
    for (label, files) in packs() {
        for (path, bytes) in files.iter().filter(|f| f.0.ends_with(".docx")) {
            let md_path = path.replace(".docx", ".md");
            let md = files.iter().find(|f| f.0 == md_path).expect(&md_path);
            let expected = markdown_outline(std::str::from_utf8(&md.1).unwrap());
            assert!(!expected.cells.is_empty(), "{label} {md_path} has tables");
            assert_eq!(docx_outline(bytes), expected, "{label} {path}");
            checked += 1;
        }
        // Every document comes as .md, .html and .docx.
        for (path, _) in files.iter().filter(|f| f.0.ends_with(".html")) {
            let docx = path.replace(".html", ".docx");
            assert!(files.iter().any(|f| f.0 == docx), "{label}: no {docx}");
        }
    }
    assert!(checked >= 3);
}

#[test]
fn the_same_pack_twice_gives_the_same_docx_bytes() {
    let a = pack("compromised-service-account", "single-incident-lead", 3);
    let _other = pack("break-glass-misuse", "hub-and-spoke", 3);
    let b = pack("compromised-service-account", "single-incident-lead", 3);
    let docx = |p: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
        p.iter()
            .filter(|f| f.0.ends_with(".docx"))
            .cloned()
            .collect()
    };
    assert!(!docx(&a).is_empty());
    assert!(docx(&a) == docx(&b));
}

#[test]
fn the_index_names_every_file_of_the_pack_and_how_to_replay_the_room() {
    for (label, files) in packs() {
        let index = files
            .iter()
            .find(|f| f.0 == "README.md")
            .expect("README.md");
        let index = String::from_utf8(index.1.clone()).unwrap();
        let table: Vec<Vec<String>> = index
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| File |"))
            .map(cells)
            .collect();
        for (path, _) in files.iter().filter(|f| f.0 != "README.md") {
            let (stem, ext) = path.rsplit_once('.').unwrap();
            let listed = table.iter().any(|row| {
                row[0] == *path
                    || (row[0].starts_with(&format!("{stem}."))
                        && row[0].split(", ").any(|x| x.ends_with(&format!(".{ext}"))))
            });
            assert!(listed, "{label}: {path} is not in the index");
        }
        // Who each handout is for: the team it belongs to.
        assert!(
            table.iter().any(|r| r[1].starts_with("players of team ")),
            "{label}"
        );
        assert!(index
            .contains("raci-sim tabletop replay . --decisions facilitator/decision-capture.csv"));
    }
}
