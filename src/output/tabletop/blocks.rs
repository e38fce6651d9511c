//! The facilitator guide as a list of blocks, rendered to Markdown and to HTML alike.

use std::fmt::Write as _;

use crate::output::escape::{html, markdown};

/// A block of the facilitator guide, rendered to Markdown and HTML alike.
pub(super) enum Block {
    Heading(String),
    Para(String),
    Bullets(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
    Svg(String),
    /// (text, relative link) items: links to files of the pack.
    Links(Vec<(String, String)>),
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
        }
    }
    o
}

const CSS: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;font-size:.9rem;width:100%;margin:.5rem 0}th,td{border:1px solid #d6d6d6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}td:empty::after{content:\"\\a0\"}.svg{overflow-x:auto;margin:.8rem 0}.svg svg{max-width:100%;height:auto}li{margin:.2rem 0}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}tr,.svg,li{break-inside:avoid}.svg{overflow:visible}}";

/// HTML table cells of one kind (`th` or `td`), every cell escaped.
fn html_cells(o: &mut String, tag: &str, cells: &[String]) {
    for c in cells {
        let _ = write!(o, "<{tag}>{}</{tag}>", html(c));
    }
}

/// The guide as one HTML page; `svgs` holds the pack's (file, SVG) pairs, inlined where an
/// `Svg` block names them.
pub(super) fn to_html(title: &str, blocks: &[Block], svgs: &[(String, String)]) -> String {
    let mut o = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n<h1>{}</h1>\n",
        html(title),
        html(title)
    );
    for b in blocks {
        match b {
            Block::Heading(h) => {
                let _ = writeln!(o, "<h2>{}</h2>", html(h));
            }
            Block::Para(p) => {
                let _ = writeln!(o, "<p>{}</p>", html(p));
            }
            Block::Bullets(items) => {
                o.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(o, "<li>{}</li>", html(i));
                }
                o.push_str("</ul>\n");
            }
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
        }
    }
    o.push_str("</body></html>\n");
    o
}
