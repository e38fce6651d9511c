//! A small SVG writer for the report's charts: text with a width estimate (DejaVu Sans, the
//! widest common sans-serif, so an estimate never falls short), labels cut to a width with an
//! ellipsis and the full text in a `<title>`, and numbers with at most one decimal so the files
//! stay small and their bytes deterministic. Every input string is escaped (`escape::html`,
//! which also makes hidden characters visible).

use std::fmt::Write as _;

use crate::output::escape::{html, visible};

/// Smallest font size used, in SVG units; charts are drawn at the width they are shown at, so
/// this is the size on screen at 100% zoom.
pub const SMALL: f64 = 12.0;
/// Labels and legends.
pub const NORMAL: f64 = 13.0;
/// Chart titles.
pub const TITLE: f64 = 15.0;

/// A number for an attribute: at most one decimal, no trailing ".0".
pub fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Advance width of one character in DejaVu Sans, in ems (the font's own metrics for ASCII
/// letters and digits; 1 em for anything else, wider than most characters).
fn advance(c: char) -> f64 {
    const LOWER: [f64; 26] = [
        0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974,
        0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525,
    ];
    match c {
        'a'..='z' => LOWER[c as usize - 'a' as usize],
        '0'..='9' => 0.636,
        ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
        '-' | '(' | ')' | '[' | ']' | '/' => 0.39,
        'M' | 'W' | '%' | '@' | '…' => 1.0,
        'A'..='Z' | '#' | '&' | '+' | '=' | '<' | '>' | '_' | '~' => 0.78,
        c if c.is_ascii() => 0.62,
        _ => 1.0,
    }
}

/// Estimated width of `s` at font size `size` (an upper bound for DejaVu Sans).
pub fn width(s: &str, size: f64) -> f64 {
    s.chars().map(advance).sum::<f64>() * size
}

/// `s` cut so it fits `max` at `size`, with an ellipsis when cut; `None` when it fits whole.
pub fn cut(s: &str, size: f64, max: f64) -> Option<String> {
    if width(s, size) <= max {
        return None;
    }
    let budget = max - width("…", size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += advance(c) * size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    Some(out)
}

/// `s` in at most `lines` lines of at most `max` each, broken after a hyphen or at a space;
/// the last line is cut with an ellipsis when the rest does not fit.
pub fn wrap(s: &str, size: f64, max: f64, lines: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() && out.len() + 1 < lines && width(rest, size) > max {
        // The longest prefix ending after '-' or before ' ' that fits.
        let mut best = None;
        for (i, c) in rest.char_indices() {
            let end = i + c.len_utf8();
            if (c == '-' || c == ' ') && width(rest[..end].trim_end(), size) <= max {
                best = Some(end);
            }
        }
        let Some(end) = best else { break };
        out.push(rest[..end].trim_end().to_string());
        rest = rest[end..].trim_start();
    }
    if !rest.is_empty() {
        out.push(cut(rest, size, max).unwrap_or_else(|| rest.to_string()));
    }
    out
}

/// Horizontal placement of text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// How a piece of text looks.
#[derive(Clone, Copy)]
pub struct Style {
    pub size: f64,
    pub anchor: Anchor,
    pub bold: bool,
    pub fill: &'static str,
    /// Degrees, about the text's position.
    pub rotate: f64,
}

impl Style {
    pub const fn new(size: f64) -> Style {
        Style {
            size,
            anchor: Anchor::Start,
            bold: false,
            fill: "#1a1a1a",
            rotate: 0.0,
        }
    }
    pub const fn end(mut self) -> Style {
        self.anchor = Anchor::End;
        self
    }
    pub const fn middle(mut self) -> Style {
        self.anchor = Anchor::Middle;
        self
    }
    pub const fn bold(mut self) -> Style {
        self.bold = true;
        self
    }
    pub const fn grey(mut self) -> Style {
        self.fill = "#555";
        self
    }
    pub const fn coloured(mut self, fill: &'static str) -> Style {
        self.fill = fill;
        self
    }
    pub const fn rotated(mut self, degrees: f64) -> Style {
        self.rotate = degrees;
        self
    }
}

/// An SVG document being written.
pub struct Svg {
    o: String,
}

impl Svg {
    /// A `w` x `h` drawing on white, with `title` as its accessible name (and tooltip).
    pub fn new(w: f64, h: f64, title: &str) -> Svg {
        let mut o = String::with_capacity(8192);
        let _ = write!(
            o,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="{s}" role="img"><title>{t}</title><rect width="{w}" height="{h}" fill="#fff"/>"##,
            w = n(w),
            h = n(h),
            s = n(NORMAL),
            t = html(title)
        );
        o.push('\n');
        Svg { o }
    }

    fn text_open(&mut self, x: f64, y: f64, st: Style) {
        let _ = write!(self.o, r#"<text x="{}" y="{}""#, n(x), n(y));
        if st.size != NORMAL {
            let _ = write!(self.o, r#" font-size="{}""#, n(st.size));
        }
        match st.anchor {
            Anchor::Start => {}
            Anchor::Middle => self.o.push_str(r#" text-anchor="middle""#),
            Anchor::End => self.o.push_str(r#" text-anchor="end""#),
        }
        if st.bold {
            self.o.push_str(r#" font-weight="bold""#);
        }
        if st.fill != "#1a1a1a" {
            let _ = write!(self.o, r#" fill="{}""#, st.fill);
        }
        if st.rotate != 0.0 {
            let _ = write!(
                self.o,
                r#" transform="rotate({} {} {})""#,
                n(st.rotate),
                n(x),
                n(y)
            );
        }
        self.o.push('>');
    }

    /// Text as given (escaped).
    pub fn text(&mut self, x: f64, y: f64, s: &str, st: Style) {
        self.text_open(x, y, st);
        self.o.push_str(&html(s));
        self.o.push_str("</text>\n");
    }

    /// Text cut to `max` wide with an ellipsis; the full text in a `<title>` when cut.
    pub fn label(&mut self, x: f64, y: f64, s: &str, max: f64, st: Style) {
        let shown = visible(s);
        match cut(&shown, st.size * if st.bold { 1.08 } else { 1.0 }, max) {
            None => self.text(x, y, s, st),
            Some(short) => {
                self.text_open(x, y, st);
                let _ = write!(self.o, "<title>{}</title>{}</text>", html(s), html(&short));
                self.o.push('\n');
            }
        }
    }

    /// `name` cut so that it and `tail` fit `max`, then `tail`; the full name in a `<title>`
    /// when it was cut.
    pub fn label_with_tail(&mut self, x: f64, y: f64, name: &str, tail: &str, max: f64, st: Style) {
        let shown = visible(name);
        let room = max - width(tail, st.size);
        self.text_open(x, y, st);
        match cut(&shown, st.size, room) {
            None => self.o.push_str(&html(name)),
            Some(short) => {
                let _ = write!(self.o, "<title>{}</title>{}", html(name), html(&short));
            }
        }
        self.o.push_str(&html(tail));
        self.o.push_str("</text>\n");
    }

    /// Text in up to `lines` lines `step` apart (see [`wrap`]), the first at `y`; the full
    /// text in a `<title>` when it was cut. Returns the number of lines drawn.
    pub fn wrapped(&mut self, x: f64, y: f64, s: &str, max: f64, lines: usize, st: Style) -> usize {
        let shown = visible(s).into_owned();
        let parts = wrap(&shown, st.size, max, lines);
        let whole = parts.concat().replace(' ', "") == shown.replace(' ', "");
        for (i, p) in parts.iter().enumerate() {
            self.text_open(x, y + i as f64 * st.size * 1.15, st);
            if !whole && i + 1 == parts.len() {
                let _ = write!(self.o, "<title>{}</title>", html(s));
            }
            self.o.push_str(&html(p));
            self.o.push_str("</text>\n");
        }
        parts.len()
    }

    /// A filled rectangle; `extra` is more attributes, written as given.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        let _ = writeln!(
            self.o,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"{}{extra}/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            if extra.is_empty() { "" } else { " " }
        );
    }

    /// A straight line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = writeln!(
            self.o,
            r#"<path d="M{} {}L{} {}" stroke="{stroke}" stroke-width="{}"/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2),
            n(width)
        );
    }

    /// A path with path data `d`, unfilled.
    pub fn path(&mut self, d: &str, stroke: &str, width: f64, extra: &str) {
        let _ = writeln!(
            self.o,
            r#"<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{}"{}{extra}/>"#,
            n(width),
            if extra.is_empty() { "" } else { " " }
        );
    }

    /// A circle, filled with `fill` ("none" for hollow) and outlined with `stroke`.
    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, stroke: &str) {
        let _ = writeln!(
            self.o,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>"#,
            n(cx),
            n(cy),
            n(r)
        );
    }

    /// A `<desc>`: the chart in words, for screen readers (after the `<title>`).
    pub fn desc(&mut self, text: &str) {
        let _ = writeln!(self.o, "<desc>{}</desc>", html(text));
    }

    /// The finished document.
    pub fn finish(mut self) -> String {
        self.o.push_str("</svg>\n");
        self.o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_one_decimal_at_most() {
        assert_eq!(n(3.0), "3");
        assert_eq!(n(3.04), "3");
        assert_eq!(n(3.06), "3.1");
        assert_eq!(n(-0.04), "0");
        assert_eq!(n(1234.56), "1234.6");
    }

    #[test]
    fn long_names_wrap_after_hyphens_and_are_cut_with_an_ellipsis() {
        // Room for exactly "cross-channel-identity-": the name breaks after its second hyphen.
        let w = width("cross-channel-identity-", 12.0);
        let lines = wrap("cross-channel-identity-assurance", 12.0, w, 2);
        assert_eq!(lines, vec!["cross-channel-identity-", "assurance"]);
        let one = wrap("cross-channel-identity-assurance", 12.0, w, 1);
        assert_eq!(one.len(), 1);
        assert!(
            one[0].ends_with('…') && width(&one[0], 12.0) <= w,
            "{one:?}"
        );
        assert_eq!(cut("short", 12.0, 200.0), None);
    }
}
