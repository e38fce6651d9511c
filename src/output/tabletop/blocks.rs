//! Every document of the pack as a list of blocks, rendered to Markdown, to print-ready HTML
//! and (in `docx`) to an editable Word file alike.
//!
//! # Print rules (HTML and DOCX alike)
//!
//! - Margins fit A4 and Letter alike (18 mm top and sides, 22 mm at the bottom for the footer);
//!   the HTML leaves the paper size to the printer, the DOCX is A4.
//! - A heading that starts with "Module " starts a new page (unless it is the document's first
//!   block or follows a `PageBreak`), so each module of the exercise can be handed out or
//!   revealed on its own sheet; `PageBreak` forces a break anywhere else.
//! - A table's header row repeats on every page; no row is split across two pages; a heading
//!   stays with what follows it.
//! - Every printed page ends with a footer line: the document's title, "exercise material: not
//!   a real incident", and the page number.
//! - Links print with their target (`handouts/soc.html`), since paper has no links.

use std::fmt::Write as _;

use crate::output::escape::{html, markdown, visible};

/// A block of a document, rendered to Markdown, HTML and DOCX alike.
pub(super) enum Block {
    Heading(String),
    Para(String),
    Bullets(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
    Svg(String),
    /// (text, relative link) items: links to files of the pack.
    Links(Vec<(String, String)>),
    // Constructed by the CTEP documents (issue 17) and the tests.
    /// `n` blank ruled lines to write on (notes, answers on a printed form).
    #[allow(dead_code)]
    Lines(usize),
    /// Items to tick on a printed form, each with an empty box.
    #[allow(dead_code)]
    Checkboxes(Vec<String>),
    /// The next block starts a new printed page.
    #[allow(dead_code)]
    PageBreak,
}

/// Whether a heading starts a new printed page: the modules of the exercise (see the module
/// documentation).
pub(super) fn starts_page(heading: &str) -> bool {
    heading.starts_with("Module ")
}

/// The footer line of every printed page, before the page number.
pub(super) fn footer(title: &str) -> String {
    format!("{title} \u{b7} exercise material: not a real incident")
}

impl Block {
    /// A table whose header is given as string literals.
    pub(super) fn table<const N: usize>(head: [&str; N], rows: Vec<Vec<String>>) -> Block {
        Block::Table(head.map(String::from).to_vec(), rows)
    }
}

/// One Markdown table row, every cell escaped.
fn markdown_row(o: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| markdown(c)).collect();
    let _ = writeln!(o, "| {} |", cells.join(" | "));
}

pub(super) fn to_markdown(blocks: &[Block]) -> String {
    let mut o = String::new();
    for b in blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(o, "## {}\n", markdown(h));
            }
            Block::Para(p) => {
                let _ = writeln!(o, "{}\n", markdown(p));
            }
            Block::Bullets(items) => {
                for i in items {
                    let _ = writeln!(o, "- {}", markdown(i));
                }
                o.push('\n');
            }
            Block::Table(head, rows) => {
                markdown_row(&mut o, head);
                let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
                for r in rows {
                    markdown_row(&mut o, r);
                }
                o.push('\n');
            }
            Block::Svg(file) => {
                let _ = writeln!(o, "![timeline]({file})\n");
            }
            Block::Links(links) => {
                for (text, href) in links {
                    let _ = writeln!(o, "- [{}]({href})", markdown(text));
                }
                o.push('\n');
            }
            // A thematic break reads as a ruled line both raw and rendered.
            Block::Lines(n) => {
                for _ in 0..*n {
                    let _ = writeln!(o, "{}\n", "_".repeat(60));
                }
            }
            Block::Checkboxes(items) => {
                for i in items {
                    let _ = writeln!(o, "- [ ] {}", markdown(i));
                }
                o.push('\n');
            }
            // Markdown has no page break: the HTML one, for tools that print Markdown via HTML.
            Block::PageBreak => o.push_str("<div style=\"break-after: page\"></div>\n\n"),
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;font-size:.9rem;width:100%;margin:.5rem 0}th,td{border:1px solid #d6d6d6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}td:empty::after{content:\"\\a0\"}.svg{overflow-x:auto;margin:.8rem 0}.svg svg{max-width:100%;height:auto}li{margin:.2rem 0}
.line{border-bottom:1px solid #999;height:2.2em}.lines{margin:.4rem 0 1rem}
ul.checks{list-style:none;padding-left:.4rem}ul.checks li::before{content:\"\";display:inline-block;width:.9em;height:.9em;border:1px solid #444;margin-right:.6em;vertical-align:-.1em}
@page{margin:18mm 18mm 22mm;@bottom-right{content:\"page \" counter(page) \" of \" counter(pages);font:8pt system-ui,sans-serif;color:#555}}
@media print{body{margin:0;max-width:none;font-size:10pt;padding:0}h1,h2{break-after:avoid}h2.module{break-before:page}
.page-break{break-after:page}thead{display:table-header-group}tr,.svg,li,.line{break-inside:avoid}.svg{overflow:visible}
th{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}a[href]::after{content:\" (\" attr(href) \")\";font-size:.9em;color:#444}}";

/// HTML table cells of one kind (`th` or `td`), every cell escaped.
fn html_cells(o: &mut String, tag: &str, cells: &[String]) {
    for c in cells {
        let _ = write!(o, "<{tag}>{}</{tag}>", html(c));
    }
}

/// `s` as the content of a CSS string: every character but ASCII letters, digits and spaces
/// as a hex escape, so neither a quote nor `</style>` can end it.
fn css_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in visible(s).chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            o.push(c);
        } else {
            let _ = write!(o, "\\{:x} ", c as u32);
        }
    }
    o.push('"');
    o
}

/// The page's `<head>`: the title, the shared CSS and the footer line of this document.
fn html_head(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}\n@page{{@bottom-left{{content:{};font:8pt system-ui,sans-serif;color:#555}}}}</style></head><body>\n<h1>{}</h1>\n",
        html(title),
        css_string(&footer(title)),
        html(title)
    )
}

/// A document as one HTML page, print-ready (see the module documentation); `svgs` holds the
/// pack's (file, SVG) pairs, inlined where an `Svg` block names them.
pub(super) fn to_html(title: &str, blocks: &[Block], svgs: &[(String, String)]) -> String {
    let mut o = html_head(title);
    for b in blocks {
        match b {
            Block::Heading(h) if starts_page(h) => {
                let _ = writeln!(o, "<h2 class=\"module\">{}</h2>", html(h));
            }
            Block::Heading(h) => {
                let _ = writeln!(o, "<h2>{}</h2>", html(h));
            }
            Block::Para(p) => {
                let _ = writeln!(o, "<p>{}</p>", html(p));
            }
            Block::Bullets(items) => html_list(&mut o, "<ul>", items),
            Block::Checkboxes(items) => html_list(&mut o, "<ul class=\"checks\">", items),
            Block::Table(head, rows) => {
                o.push_str("<table><thead><tr>");
                html_cells(&mut o, "th", head);
                o.push_str("</tr></thead><tbody>\n");
                for r in rows {
                    o.push_str("<tr>");
                    html_cells(&mut o, "td", r);
                    o.push_str("</tr>\n");
                }
                o.push_str("</tbody></table>\n");
            }
            Block::Svg(file) => {
                let svg = svgs.iter().find(|(f, _)| f == file).map_or("", |(_, s)| s);
                let _ = writeln!(o, "<div class=\"svg\">{svg}</div>");
            }
            Block::Links(links) => {
                o.push_str("<ul>\n");
                for (text, href) in links {
                    let _ = writeln!(o, "<li><a href=\"{}\">{}</a></li>", html(href), html(text));
                }
                o.push_str("</ul>\n");
            }
            Block::Lines(n) => {
                o.push_str("<div class=\"lines\">");
                o.push_str(&"<div class=\"line\"></div>".repeat(*n));
                o.push_str("</div>\n");
            }
            Block::PageBreak => o.push_str("<div class=\"page-break\"></div>\n"),
        }
    }
    o.push_str("</body></html>\n");
    o
}

/// An HTML list opened by `open`, every item escaped.
fn html_list(o: &mut String, open: &str, items: &[String]) {
    o.push_str(open);
    o.push('\n');
    for i in items {
        let _ = writeln!(o, "<li>{}</li>", html(i));
    }
    o.push_str("</ul>\n");
}
