//! The pack's documents as editable Word files (`.docx`, through docx-rs): the same blocks as
//! the Markdown and the HTML, with the same print rules (see `blocks`), so a facilitator can
//! adapt a pack in Word or LibreOffice before printing it.
//!
//! - The title is a "Title" paragraph, each `Heading` a "Heading 1" (Word's navigation pane
//!   and outline list them); `Bullets` and `Links` are a bulleted list (a link as "text
//!   (path)": the files sit beside the document); `Checkboxes` a list of "☐ item" lines.
//! - A table has a shaded, bold header row that repeats on every page, and rows that never
//!   split; its columns share the text width evenly.
//! - `Svg` becomes a note naming the SVG file (the HTML shows it inline).
//! - `Lines(n)`: `n` empty paragraphs ruled at the bottom, tall enough to write on.
//! - The page is A4 with the HTML's margins; the footer holds the same line as the printed
//!   HTML and the page number.
//!
//! # Same blocks, same bytes
//!
//! docx-rs writes no clock: its core properties default to 1970-01-01 and, with zip's `time`
//! feature off (it is: `zip` comes without default features), every zip entry is dated
//! 1980-01-01 00:00 (the test suite checks both). Paragraph ids (`w14:paraId`) would come from
//! a per-thread counter: every paragraph gets its number in the document instead.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, Docx, Footer, IndentLevel, Level, LevelJc,
    LevelText, LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin, PageNum, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, Run, RunFonts, Shading, SpecialIndentType, Start,
    Style, StyleType, Table, TableCell, TableRow, WidthType,
};

use super::blocks::{footer, starts_page, Block};
use crate::output::escape::visible;

/// A4 in twentieths of a point, and the HTML's margins (18 mm; 22 mm at the bottom).
const PAGE: (u32, u32) = (11906, 16838);
const MARGIN: i32 = 1020;
const MARGIN_BOTTOM: i32 = 1247;
/// The text width: what the table columns share.
const TEXT_WIDTH: usize = (PAGE.0 as i32 - 2 * MARGIN) as usize;
/// The bulleted list's numbering id (abstract and concrete): docx-rs already writes a default
/// decimal numbering with id 1, so ours takes 2 (a duplicate id made Word and LibreOffice
/// number every bullet as one continuous decimal list).
const BULLETS: usize = 2;

/// The document being written: paragraphs are numbered in order (see the module doc), and a
/// page break waits for the next paragraph.
struct Writer {
    docx: Docx,
    para: u32,
    break_before: bool,
}

impl Writer {
    /// A new paragraph with the next id; it starts a page when a break is pending.
    fn paragraph(&mut self) -> Paragraph {
        self.para += 1;
        let p = Paragraph::new().id(format!("{:08X}", self.para));
        if std::mem::take(&mut self.break_before) {
            p.page_break_before(true)
        } else {
            p
        }
    }

    fn push(&mut self, p: Paragraph) {
        self.docx = std::mem::take(&mut self.docx).add_paragraph(p);
    }

    /// A paragraph of one run of text, `after` twips of space below it.
    fn text(&mut self, text: &str, after: u32) -> Paragraph {
        self.paragraph()
            .add_run(run(text))
            .line_spacing(LineSpacing::new().after(after))
    }

    fn bullets(&mut self, items: impl Iterator<Item = String>) {
        for i in items {
            let p = self
                .text(&i, 40)
                .numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
            self.push(p);
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading(h) => {
                if starts_page(h) && self.para > 1 {
                    self.break_before = true;
                }
                let p = self.paragraph().add_run(run(h)).style("Heading1");
                let p = p
                    .keep_next(true)
                    .line_spacing(LineSpacing::new().before(280).after(100));
                self.push(p);
            }
            Block::Para(t) => {
                let p = self.text(t, 120);
                self.push(p);
            }
            Block::Bullets(items) => self.bullets(items.iter().cloned()),
            Block::Links(links) => {
                self.bullets(links.iter().map(|(text, href)| format!("{text} ({href})")))
            }
            Block::Checkboxes(items) => {
                for i in items {
                    let p = self
                        .paragraph()
                        .line_spacing(LineSpacing::new().after(80))
                        .indent(Some(360), Some(SpecialIndentType::Hanging(360)), None, None)
                        .add_run(
                            run("\u{2610}\u{a0}").fonts(RunFonts::new().ascii("Segoe UI Symbol")),
                        )
                        .add_run(run(i));
                    self.push(p);
                }
            }
            Block::Table(head, rows) => self.table(head, rows),
            Block::Svg(file) => {
                let note = format!(
                    "Timeline: see {file} beside this document (the HTML version shows it inline)."
                );
                let p = self.text(&note, 120).italic();
                self.push(p);
            }
            Block::Lines(n) => {
                for _ in 0..*n {
                    let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                        .val(BorderType::Single)
                        .size(4)
                        .color("999999");
                    let mut p = self
                        .paragraph()
                        .line_spacing(LineSpacing::new().before(280));
                    p.property = p.property.set_border(rule);
                    self.push(p);
                }
            }
            Block::PageBreak => self.break_before = true,
        }
    }

    fn table(&mut self, head: &[String], rows: &[Vec<String>]) {
        // A pending page break goes on an empty paragraph before the table.
        if self.break_before {
            let p = self.paragraph();
            self.push(p);
        }
        let widths = column_widths(head, rows);
        let mut cell = |text: &str, header: bool, col: usize| {
            let mut r = run(text);
            let mut c = TableCell::new().width(widths[col], WidthType::Dxa);
            if header {
                r = r.bold();
                c = c.shading(Shading::new().fill("F3F4F6"));
            }
            c.add_paragraph(
                self.paragraph()
                    .add_run(r)
                    .line_spacing(LineSpacing::new().after(0)),
            )
        };
        let row = |cells: &[String], header: bool, cell: &mut dyn FnMut(&str, bool, usize) -> _| {
            let cells = cells.iter().enumerate().map(|(i, t)| cell(t, header, i));
            TableRow::new(cells.collect()).cant_split()
        };
        let mut body = vec![row(head, true, &mut cell)];
        for r in rows {
            body.push(row(r, false, &mut cell));
        }
        let table = Table::new(body)
            .set_grid(widths)
            .width(TEXT_WIDTH, WidthType::Dxa);
        self.docx = std::mem::take(&mut self.docx).add_table(table);
        // A paragraph between tables keeps Word from merging them.
        let p = self.paragraph();
        self.push(p);
    }
}

/// Column widths in twips: each column at least as wide as its longest word (so "T+00:32" or
/// "identity" never break), the rest of the text width shared by each column's longest text
/// (counted between 4 and 40 characters), so long text gets the room.
fn column_widths(head: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    const CHAR: usize = 125; // twips per character of 10.5 pt text, with room to spare
    let texts =
        |c: usize| std::iter::once(&head[c]).chain(rows.iter().filter_map(move |r| r.get(c)));
    let longest = |c: usize| texts(c).map(|t| t.chars().count()).max().unwrap_or(0);
    let word = |c: usize| {
        let words = texts(c).flat_map(|t| t.split_whitespace());
        words.map(|w| w.chars().count()).max().unwrap_or(0)
    };
    let n = head.len();
    let floors: Vec<usize> = (0..n)
        .map(|c| ((word(c) + 2) * CHAR).min(TEXT_WIDTH / n.max(1)))
        .collect();
    let weights: Vec<usize> = (0..n).map(|c| longest(c).clamp(4, 40)).collect();
    let rest = TEXT_WIDTH - floors.iter().sum::<usize>();
    let total = weights.iter().sum::<usize>().max(1);
    (0..n)
        .map(|c| floors[c] + rest * weights[c] / total)
        .collect()
}

/// A run of visible text: hidden characters as their visible escapes (as every other output),
/// line breaks as spaces (as the Markdown).
fn run(text: &str) -> Run {
    Run::new().add_text(visible(text).replace(['\n', '\r'], " "))
}

/// The styles, bullets, page and footer every document shares.
fn base(title: &str) -> Docx {
    let heading = |id: &str, name: &str, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .bold()
            .size(size)
            .outline_lvl(if id == "Title" { 0 } else { 1 })
    };
    let bullet = Level::new(
        0,
        Start::new(1),
        NumberFormat::new("bullet"),
        LevelText::new("\u{2022}"),
        LevelJc::new("left"),
    )
    .indent(Some(360), Some(SpecialIndentType::Hanging(360)), None, None);
    let foot = Paragraph::new()
        .id("7FFFFFFF")
        .size(16)
        .color("555555")
        .add_run(Run::new().add_text(format!("{} \u{b7} page ", visible(&footer(title)))))
        .add_page_num(PageNum::new());
    Docx::new()
        .page_size(PAGE.0, PAGE.1)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .bottom(MARGIN_BOTTOM),
        )
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri"))
        .default_size(21)
        .add_style(heading("Title", "Title", 32))
        .add_style(heading("Heading1", "heading 1", 26))
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(bullet))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .footer(Footer::new().add_paragraph(foot))
}

/// The document as `.docx` bytes: the title, then every block (see the module documentation).
pub(super) fn to_docx(title: &str, blocks: &[Block]) -> Vec<u8> {
    let mut w = Writer {
        docx: base(title),
        para: 0,
        break_before: false,
    };
    let t = w.text(title, 200).style("Title").align(AlignmentType::Left);
    w.push(t);
    for b in blocks {
        w.block(b);
    }
    let mut xml = w.docx.build();
    xml.document = repeat_header_rows(&xml.document);
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out)
        .expect("writing a zip archive to memory cannot fail");
    out.into_inner()
}

/// Marks the first row of every table as a header row that repeats on each page
/// (`<w:tblHeader/>`), which docx-rs has no setter for. Every first row has `<w:trPr>` (rows
/// never split), and text cannot hold a raw `<`, so the markup found is docx-rs's own.
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(document);
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest: &str = &xml;
    while let Some(t) = rest.find("<w:tbl>") {
        let Some(pr) = rest[t..].find("</w:trPr>") else {
            break;
        };
        let at = t + pr;
        out.push_str(&rest[..at]);
        out.push_str("<w:tblHeader />");
        rest = &rest[at..];
    }
    out.push_str(rest);
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::output::tabletop::blocks::{to_html, to_markdown};

    fn s(t: &str) -> String {
        t.to_string()
    }

    /// Every kind of block, with a module heading after other content and a forced break.
    fn sample() -> Vec<Block> {
        vec![
            Block::Heading(s("Background")),
            Block::Para(s("A service account key leaks \u{1b}[31m.")),
            Block::Bullets(vec![s("one"), s("two")]),
            Block::Heading(s("Module 1: First signal")),
            Block::Table(
                vec![s("T+"), s("what happens")],
                vec![
                    vec![s("T+00:10"), s("alert <high> & | pipe")],
                    vec![s("T+01:00"), s("")],
                ],
            ),
            Block::Svg(s("timeline.svg")),
            Block::Links(vec![(s("soc"), s("handouts/soc.html"))]),
            Block::Checkboxes(vec![s("The exercise was well organised")]),
            Block::Lines(3),
            Block::PageBreak,
            Block::Heading(s("Notes")),
        ]
    }

    /// The parts of a .docx: (name, last-modified (date, time) in DOS form, text).
    fn parts(docx: &[u8]) -> Vec<(String, (u16, u16), String)> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let t = f.last_modified().unwrap();
                let mut text = String::new();
                f.read_to_string(&mut text).unwrap();
                (
                    f.name().unwrap().to_string(),
                    (t.datepart(), t.timepart()),
                    text,
                )
            })
            .collect()
    }

    fn document_xml(docx: &[u8]) -> String {
        let parts = parts(docx);
        parts
            .into_iter()
            .find(|p| p.0 == "word/document.xml")
            .unwrap()
            .2
    }

    /// The text of every `w:p` of the body, with its style, whether it starts a page and
    /// whether it is ruled at the bottom.
    fn paragraphs(xml: &str) -> Vec<(String, String, bool, bool)> {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let has =
            |n: roxmltree::Node, tag: &str| n.descendants().any(|d| d.tag_name().name() == tag);
        doc.descendants()
            .filter(|n| n.tag_name().name() == "p")
            .map(|p| {
                let text: String = p
                    .descendants()
                    .filter(|n| n.tag_name().name() == "t")
                    .filter_map(|n| n.text())
                    .collect();
                let style = p
                    .descendants()
                    .find(|n| n.tag_name().name() == "pStyle")
                    .and_then(|n| n.attributes().next().map(|a| a.value().to_string()))
                    .unwrap_or_default();
                (text, style, has(p, "pageBreakBefore"), has(p, "pBdr"))
            })
            .collect()
    }

    #[test]
    fn every_block_kind_reaches_the_docx() {
        let xml = document_xml(&to_docx("Situation Manual", &sample()));
        let ps = paragraphs(&xml);
        let styled = |style: &str| -> Vec<&str> {
            ps.iter()
                .filter(|p| p.1 == style)
                .map(|p| p.0.as_str())
                .collect()
        };
        assert_eq!(styled("Title"), ["Situation Manual"]);
        assert_eq!(
            styled("Heading1"),
            ["Background", "Module 1: First signal", "Notes"]
        );
        // Hidden characters as their visible escapes, markup as text.
        assert!(ps
            .iter()
            .any(|p| p.0 == "A service account key leaks \\u{1b}[31m."));
        assert!(ps.iter().any(|p| p.0 == "alert <high> & | pipe"));
        // A module heading after other content, and what follows a PageBreak, start a page;
        // nothing else does.
        let breaks: Vec<&str> = ps.iter().filter(|p| p.2).map(|p| p.0.as_str()).collect();
        assert_eq!(breaks, ["Module 1: First signal", "Notes"]);
        // Three ruled lines, empty.
        let ruled: Vec<&str> = ps.iter().filter(|p| p.3).map(|p| p.0.as_str()).collect();
        assert_eq!(ruled, ["", "", ""]);
        assert!(ps
            .iter()
            .any(|p| p.0 == "\u{2610}\u{a0}The exercise was well organised"));
        assert!(ps.iter().any(|p| p.0 == "soc (handouts/soc.html)"));
        assert!(ps.iter().any(|p| p.0.contains("see timeline.svg")));
        // Bullets are numbered paragraphs of the bullet list.
        assert_eq!(xml.matches("<w:numId w:val=\"2\" />").count(), 3);
        // The header row repeats, no row splits.
        assert_eq!(xml.matches("<w:tblHeader />").count(), 1);
        assert_eq!(xml.matches("<w:cantSplit />").count(), 3);
        let header = xml.find("<w:tblHeader />").unwrap();
        assert!(xml[header..].find("T+").unwrap() < xml[header..].find("T+00:10").unwrap());
    }

    /// numbering.xml: (abstractNum ids, (num id, its abstractNum id) pairs, the numFmt of
    /// each abstractNum).
    type Pairs = Vec<(String, String)>;

    fn numbering(docx: &[u8]) -> (Vec<String>, Pairs, Pairs) {
        let text = parts(docx)
            .into_iter()
            .find(|p| p.0 == "word/numbering.xml")
            .unwrap()
            .2;
        let doc = roxmltree::Document::parse(&text).unwrap();
        let val = |n: roxmltree::Node, tag: &str| {
            n.descendants()
                .find(|d| d.tag_name().name() == tag)
                .and_then(|d| d.attributes().find(|a| a.name() == "val"))
                .map(|a| a.value().to_string())
                .unwrap_or_default()
        };
        let attr = |n: roxmltree::Node, name: &str| {
            n.attributes()
                .find(|a| a.name() == name)
                .map(|a| a.value().to_string())
                .unwrap_or_default()
        };
        let named = |tag: &'static str| {
            doc.descendants()
                .filter(move |n| n.tag_name().name() == tag)
                .collect::<Vec<_>>()
        };
        let abstracts = named("abstractNum");
        let ids = abstracts
            .iter()
            .map(|n| attr(*n, "abstractNumId"))
            .collect();
        let formats = abstracts
            .iter()
            .map(|n| (attr(*n, "abstractNumId"), val(*n, "numFmt")))
            .collect();
        let nums = named("num")
            .iter()
            .map(|n| (attr(*n, "numId"), val(*n, "abstractNumId")))
            .collect();
        (ids, nums, formats)
    }

    #[test]
    fn numbering_ids_are_unique_and_bullets_point_to_a_bullet_format() {
        let docx = to_docx("Situation Manual", &sample());
        let (ids, nums, formats) = numbering(&docx);
        let unique = |v: Vec<&String>| {
            let n = v.len();
            let set: std::collections::BTreeSet<_> = v.into_iter().collect();
            set.len() == n
        };
        assert!(unique(ids.iter().collect()), "abstractNum ids {ids:?}");
        assert!(
            unique(nums.iter().map(|n| &n.0).collect()),
            "num ids {nums:?}"
        );
        let xml = document_xml(&docx);
        let used = format!("<w:numId w:val=\"{BULLETS}\" />");
        assert_eq!(xml.matches(&used).count(), 3);
        let abs = &nums.iter().find(|n| n.0 == BULLETS.to_string()).unwrap().1;
        let fmt = &formats.iter().find(|f| &f.0 == abs).unwrap().1;
        assert_eq!(fmt, "bullet");
    }

    #[test]
    fn same_blocks_same_bytes_whatever_was_written_before_and_no_clock() {
        let a = to_docx("A", &sample());
        let _ = to_docx(
            "B",
            &[Block::Para(s("other")), Block::Bullets(vec![s("x")])],
        );
        assert!(a == to_docx("A", &sample()), "same thread");
        let other = std::thread::spawn(|| to_docx("A", &sample()))
            .join()
            .unwrap();
        assert!(a == other, "another thread");
        for (name, (date, time), text) in parts(&a) {
            // 1980-01-01 00:00: DOS date (0 << 9 | 1 << 5 | 1), time 0.
            assert_eq!((date, time), (33, 0), "{name} is dated");
            if name == "docProps/core.xml" {
                assert!(text.contains("1970-01-01T00:00:00Z"), "{text}");
            }
        }
    }

    #[test]
    fn lines_checkboxes_and_page_breaks_in_markdown_and_html() {
        let md = to_markdown(&sample());
        assert_eq!(md.matches(&format!("{}\n", "_".repeat(60))).count(), 3);
        assert!(md.contains("- [ ] The exercise was well organised\n"));
        assert!(md.contains("<div style=\"break-after: page\"></div>"));
        let html = to_html("T", &sample(), &[]);
        assert_eq!(html.matches("<div class=\"line\"></div>").count(), 3);
        assert!(html.contains("<ul class=\"checks\">\n<li>The exercise was well organised</li>"));
        assert!(html.contains("<div class=\"page-break\"></div>"));
        assert!(html.contains("<h2 class=\"module\">Module 1: First signal</h2>"));
        assert!(html.contains("<h2>Notes</h2>"));
    }

    #[test]
    fn the_html_footer_is_a_css_string_no_title_can_end() {
        let html = to_html("a\" } </style><script>x", &[], &[]);
        let head = &html[..html.find("</head>").unwrap()];
        assert_eq!(head.matches("</style>").count(), 1);
        assert!(head.contains("@bottom-left{content:\"a\\22  \\7d  \\3c \\2f style\\3e \\3c script\\3e x \\b7  exercise material\\3a  not a real incident\""));
    }
}
