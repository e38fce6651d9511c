//! Where things are in a RON file. serde forgets positions, so after a file has been read this
//! module walks its text once and records the span of every value under its field path
//! (`stages[2].needs[0]`, `raci.revoke.ApiKey.r[0]`). Validation names a path and gets a line and
//! column back; a parse error's position is turned into the path of the field it falls in.
//!
//! The walk is lenient: on text it does not understand it stops and keeps what it found.

/// 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone)]
struct Entry {
    path: String,
    start: usize,
    end: usize,
}

/// The spans of every value in one RON text.
#[derive(Debug)]
pub struct RonMap<'a> {
    text: &'a str,
    entries: Vec<Entry>,
    /// Entry indices sorted by path (then by position), for lookups in O(log n).
    by_path: Vec<usize>,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
}

impl<'a> RonMap<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut w = Walker {
            s: text.as_bytes(),
            i: 0,
            entries: Vec::new(),
            depth: 0,
            rewrites: 0,
        };
        w.inner_attributes();
        let _ = w.value(String::new());
        let entries = w.entries;
        let mut by_path: Vec<usize> = (0..entries.len()).collect();
        by_path.sort_by(|&a, &b| entries[a].path.cmp(&entries[b].path));
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        RonMap {
            text,
            entries,
            by_path,
            line_starts,
        }
    }

    /// The first entry recorded for `path`.
    fn entry(&self, path: &str) -> Option<&Entry> {
        let at = self
            .by_path
            .partition_point(|&i| self.entries[i].path.as_str() < path);
        let &i = self.by_path.get(at)?;
        (self.entries[i].path == path).then(|| &self.entries[i])
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        let text = self.text;
        text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end])
    }

    /// Line and column of the value at `path`; the nearest recorded ancestor if the path itself
    /// is absent (a defaulted field), or the start of the file.
    pub fn locate(&self, path: &str) -> LineCol {
        let mut p = path;
        loop {
            if let Some(e) = self.entry(p) {
                return self.line_col(e.start);
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p = &p[..cut],
                None => return self.line_col(0),
            }
        }
    }

    /// The path of the innermost value containing `at` (a 1-based line and column).
    pub fn path_at(&self, at: LineCol) -> Option<&str> {
        let offset = self.offset(at)?;
        self.entries
            .iter()
            .filter(|e| e.start <= offset && offset <= e.end && !e.path.is_empty())
            .min_by_key(|e| e.end - e.start)
            .map(|e| e.path.as_str())
    }

    fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = self.line_starts[line - 1];
        LineCol {
            line,
            col: self.text[line_start..offset].chars().count() + 1,
        }
    }

    fn offset(&self, at: LineCol) -> Option<usize> {
        let line_start = *self.line_starts.get(at.line.max(1) - 1)?;
        let line = &self.text[line_start..];
        let within = line
            .char_indices()
            .nth(at.col.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        Some(line_start + within)
    }
}

/// Nesting deeper than this is not walked (the parser stops at `input::MAX_NESTING`, 64).
const MAX_DEPTH: usize = 80;
/// Most values recorded, longest path kept (bytes), and most path rewrites (for lone elements)
/// in one walk: past these the walk stops, so hostile text costs bounded time and memory (a
/// real file has a few thousand values with paths under 60 bytes).
const MAX_ENTRIES: usize = 200_000;
const MAX_PATH: usize = 200;
const MAX_REWRITES: usize = 1_000_000;

struct Walker<'s> {
    s: &'s [u8],
    i: usize,
    entries: Vec<Entry>,
    depth: usize,
    rewrites: usize,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        loop {
            match self.peek() {
                Some(c) if c.is_ascii_whitespace() => self.i += 1,
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'*') => {
                    self.i += 2;
                    let mut nest = 1;
                    while nest > 0 && self.i < self.s.len() {
                        if self.s[self.i..].starts_with(b"/*") {
                            nest += 1;
                            self.i += 2;
                        } else if self.s[self.i..].starts_with(b"*/") {
                            nest -= 1;
                            self.i += 2;
                        } else {
                            self.i += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// Skips the inner attributes a file may start with (`#![enable(implicit_some)]`), so the
    /// value after them is walked (and located) like any other.
    fn inner_attributes(&mut self) {
        loop {
            self.skip_ws();
            if !self.s[self.i..].starts_with(b"#![") {
                return;
            }
            self.i += 3;
            let mut depth = 1usize;
            while depth > 0 {
                match self.peek() {
                    None => return,
                    Some(b'[') => depth += 1,
                    Some(b']') => depth -= 1,
                    _ => {}
                }
                self.i += 1;
            }
        }
    }

    fn ident(&mut self) -> Option<&str> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'#' {
                self.i += 1;
            } else {
                break;
            }
        }
        (self.i > start).then(|| std::str::from_utf8(&self.s[start..self.i]).unwrap_or(""))
    }

    /// Whether a raw string (`r"..."`, `r#"..."#`) starts here, rather than an identifier.
    fn raw_string_opens(&self) -> bool {
        let rest = self.s.get(self.i + 1..).unwrap_or_default();
        let hashes = rest.iter().take_while(|&&c| c == b'#').count();
        rest.get(hashes) == Some(&b'"')
    }

    /// `r#"..."#`: ends at a quote followed by as many hashes as opened it.
    fn raw_string(&mut self) -> Option<()> {
        self.i += 1;
        let hashes = self.s[self.i..].iter().take_while(|&&c| c == b'#').count();
        self.i += hashes + 1;
        let rest = self.s.get(self.i..)?;
        let end = (0..rest.len()).find(|&k| {
            rest[k] == b'"'
                && rest.len() - k > hashes
                && rest[k + 1..=k + hashes].iter().all(|&c| c == b'#')
        })?;
        self.i += end + hashes + 1;
        Some(())
    }

    fn string(&mut self) -> Option<()> {
        let quote = self.peek()?;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == b'\\' {
                self.i += 1;
            } else if c == quote {
                return Some(());
            }
        }
        None
    }

    fn value(&mut self, path: String) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH || path.len() > MAX_PATH || self.entries.len() >= MAX_ENTRIES {
            return None;
        }
        self.skip_ws();
        let start = self.i;
        let c = self.peek()?;
        match c {
            b'"' | b'\'' => self.string()?,
            b'[' => {
                self.i += 1;
                self.seq(&path, b']')?;
            }
            b'{' => {
                self.i += 1;
                self.map(&path)?;
            }
            b'(' => {
                self.i += 1;
                self.group(&path)?;
            }
            b'r' if self.raw_string_opens() => self.raw_string()?,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident()?;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.i += 1;
                    self.group(&path)?;
                }
            }
            _ => {
                // number, sign, or anything scalar up to a delimiter
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b')' | b']' | b'}' | b':') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.i += 1;
                }
                if self.i == start {
                    return None;
                }
            }
        }
        self.entries.push(Entry {
            path,
            start,
            end: self.i,
        });
        self.depth -= 1;
        Some(())
    }

    /// Elements up to `close`; returns how many.
    fn seq(&mut self, path: &str, close: u8) -> Option<usize> {
        let mut n = 0;
        loop {
            self.skip_ws();
            if self.peek()? == close {
                self.i += 1;
                return Some(n);
            }
            self.value(format!("{path}[{n}]"))?;
            n += 1;
            self.skip_ws();
            if self.peek()? == b',' {
                self.i += 1;
            }
        }
    }

    fn map(&mut self, path: &str) -> Option<()> {
        loop {
            self.skip_ws();
            if self.peek()? == b'}' {
                self.i += 1;
                return Some(());
            }
            let key_start = self.i;
            self.value(String::new())?;
            self.entries.pop();
            let key = String::from_utf8_lossy(&self.s[key_start..self.i]);
            let child = join(path, key.trim_matches('"'));
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.value_from(child, key_start)?;
            self.skip_ws();
            if self.peek()? == b',' {
                self.i += 1;
            }
        }
    }

    /// Contents of `( ... )`: named fields (`a: 1, b: 2`) or unnamed elements. A single unnamed
    /// element (`Some(x)`, `Fixed("5m")`) keeps the parent's path.
    fn group(&mut self, path: &str) -> Option<()> {
        self.skip_ws();
        let save = self.i;
        let named = {
            let is_ident = self.ident().is_some();
            self.skip_ws();
            let colon = self.peek() == Some(b':') && self.s.get(self.i + 1) != Some(&b':');
            self.i = save;
            is_ident && colon
        };
        if named {
            loop {
                self.skip_ws();
                if self.peek()? == b')' {
                    self.i += 1;
                    return Some(());
                }
                let key_start = self.i;
                let name = self.ident()?.to_string();
                self.skip_ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.i += 1;
                self.value_from(join(path, &name), key_start)?;
                self.skip_ws();
                if self.peek()? == b',' {
                    self.i += 1;
                }
            }
        }
        // Unnamed elements are `[i]`; a lone one (`Some(x)`, `Fixed("5m")`) takes the
        // parent's path, since it is the parent's value.
        let mark = self.entries.len();
        let count = self.seq(path, b')')?;
        if count == 1 {
            self.rewrites += self.entries.len() - mark;
            if self.rewrites > MAX_REWRITES {
                return None;
            }
            let lone = format!("{path}[0]");
            for e in &mut self.entries[mark..] {
                if let Some(rest) = e.path.strip_prefix(&lone) {
                    e.path = format!("{path}{rest}");
                }
            }
        }
        Some(())
    }

    /// A value whose entry should span from `from` (the field name) to the value's end.
    fn value_from(&mut self, path: String, from: usize) -> Option<()> {
        self.value(path)?;
        if let Some(e) = self.entries.last_mut() {
            e.start = e.start.min(from);
        }
        Some(())
    }
}

/// Longest field name kept in a path, in characters: longer ones are cut, so a hostile file's
/// paths (one per value) stay small.
const MAX_SEGMENT: usize = 64;

fn join(path: &str, name: &str) -> String {
    let name = match name.char_indices().nth(MAX_SEGMENT) {
        Some((cut, _)) => &name[..cut],
        None => name,
    };
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"Scenario(
    name: "x", // comment
    stages: [
        (id: "a", needs: ["k1", "k2"], duration: Fixed("5m")),
        (id: "b", duration: LogNormal(median: "1m", p90: "2m")),
    ],
    raci: (revoke: {ApiKey: (r: ["iam"])}),
)"#;

    #[test]
    fn locates_nested_paths() {
        let m = RonMap::new(TEXT);
        assert_eq!(m.locate("name"), LineCol { line: 2, col: 5 });
        assert_eq!(m.locate("stages[0].needs[1]"), LineCol { line: 4, col: 33 });
        assert_eq!(
            m.locate("stages[1].duration.p90"),
            LineCol { line: 5, col: 53 }
        );
        assert_eq!(
            m.locate("raci.revoke.ApiKey.r[0]"),
            LineCol { line: 7, col: 34 }
        );
        // a defaulted field falls back to its parent
        assert_eq!(m.locate("stages[1].grants"), LineCol { line: 5, col: 9 });
    }

    #[test]
    fn finds_the_field_at_a_position() {
        let m = RonMap::new(TEXT);
        assert_eq!(
            m.path_at(LineCol { line: 4, col: 36 }),
            Some("stages[0].needs[1]")
        );
        assert_eq!(
            m.path_at(LineCol { line: 5, col: 60 }),
            Some("stages[1].duration.p90")
        );
    }

    #[test]
    fn inner_attributes_are_skipped() {
        let text = "// a study\n#![enable(implicit_some)]\n#![enable(unwrap_newtypes)]\nStudy(\n    runs: 0,\n)\n";
        let at = RonMap::new(text).locate("runs");
        assert_eq!((at.line, at.col), (5, 5));
        // An attribute left open ends the walk without a panic.
        let _ = RonMap::new("#![enable(implicit_some");
    }

    #[test]
    fn raw_strings_are_walked_whole() {
        let m = RonMap::new("(a: r##\"x\"# \"##, b: r\"y\", c: r#ident)");
        assert_eq!(m.locate("b"), LineCol { line: 1, col: 18 });
        assert_eq!(m.locate("c"), LineCol { line: 1, col: 27 });
    }

    #[test]
    fn truncated_and_odd_text_never_panics() {
        let long_key = format!("{{\"{}\": [[1]]}}", "k".repeat(500));
        let cases = [
            "r#",
            "r",
            "r##",
            "r#\"",
            "r##\"abc\"#",
            "r\"",
            "(a: r#",
            "b\"x",
            "b'",
            "'",
            "'\\",
            "\"\\",
            "\"é\\",
            "/*",
            "/* /* */",
            "//",
            "(a: /*",
            "é",
            "(é: 1)",
            "(a: \"\u{0}\")",
            "[r#\"]",
            "{r#: 1}",
            "(a: 1e",
            "ü\\\"",
            &long_key,
        ];
        for text in cases {
            let m = RonMap::new(text);
            let _ = m.locate("a.b[0]");
            for col in 0..8 {
                let _ = m.path_at(LineCol { line: 1, col });
            }
        }
        // Deep paths of long names over a wide list stop the walk early.
        let deep = format!(
            "{}[{}]",
            "{\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": ".repeat(60),
            "1,".repeat(300_000)
        );
        let m = RonMap::new(&deep);
        assert!(m.entries.iter().all(|e| e.path.len() <= MAX_PATH + 70));
        let nested = format!("{}[{}]", "(".repeat(70), "1,".repeat(300_000));
        assert!(RonMap::new(&nested).entries.len() <= MAX_ENTRIES);
        // A long field name is cut in paths.
        let m = RonMap::new(&long_key);
        assert!(m.entries.iter().all(|e| e.path.len() <= 70), "{m:?}");
    }
}
