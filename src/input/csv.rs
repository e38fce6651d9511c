//! A small CSV reader for the files people fill in by hand, the tabletop capture sheet and RACI
//! matrices (RFC 4180: quoted fields, `""` for a quote, line breaks inside quotes), that
//! remembers where each field starts, as a 1-based line and character column and as its record
//! (the row a spreadsheet shows it in), so every problem can be reported at the cell it is in.
//!
//! What spreadsheets add is accepted: a UTF-8 byte order mark, CRLF line ends, `;` as the
//! separator (when the header line has a `;` and no `,`), and rows of empty cells (skipped).

use crate::input::ronpath::LineCol;

/// One field of a CSV row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    pub text: String,
    /// Where the field starts (its opening quote, when quoted).
    pub at: LineCol,
    pub quoted: bool,
    /// The 1-based record the field is in, counting empty records: the row a spreadsheet
    /// opening the file shows it in (a line break inside quotes does not start a row).
    pub row: usize,
}

/// How much a reader accepts before giving up, and what the file is called in that message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub fields: usize,
    pub rows: usize,
    /// "a capture sheet": said when a limit is passed ("this is not a capture sheet").
    pub what: &'static str,
}

/// Most fields in one row, and most rows, read before giving up (the sheet has 13 columns and
/// at most a few rows; anything far larger is not a capture sheet).
pub(crate) const MAX_FIELDS: usize = 64;
pub(crate) const MAX_ROWS: usize = 1_000;

/// The capture sheet's limits.
pub(crate) const CAPTURE_SHEET: Limits = Limits {
    fields: MAX_FIELDS,
    rows: MAX_ROWS,
    what: "a capture sheet",
};

/// The rows of a capture sheet (see [`parse_limited`]).
pub(crate) fn parse(text: &str) -> Result<Vec<Vec<Field>>, (LineCol, String)> {
    parse_limited(text, CAPTURE_SHEET)
}

/// The rows of `text`, each a list of fields; rows of empty cells are left out. `Err` names
/// where the text stops being CSV or passes a limit.
pub(crate) fn parse_limited(
    text: &str,
    limits: Limits,
) -> Result<Vec<Vec<Field>>, (LineCol, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.contains(';') && !first_line.contains(',') {
        ';'
    } else {
        ','
    };
    let mut r = Reader {
        chars: text.chars().peekable(),
        line: 1,
        col: 1,
        sep,
        record: 1,
        limits,
    };
    let mut rows = Vec::new();
    while r.chars.peek().is_some() {
        let row = r.row()?;
        r.record += 1;
        if row.iter().any(|f| !f.text.trim().is_empty()) {
            if rows.len() == limits.rows {
                return Err((
                    row[0].at,
                    format!(
                        "more than {} rows: this is not {}",
                        limits.rows, limits.what
                    ),
                ));
            }
            rows.push(row);
        }
    }
    Ok(rows)
}

struct Reader<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    col: usize,
    sep: char,
    /// The record being read (1-based).
    record: usize,
    limits: Limits,
}

impl Reader<'_> {
    fn at(&self) -> LineCol {
        LineCol {
            line: self.line,
            col: self.col,
        }
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    /// One row, up to and including its line end.
    fn row(&mut self) -> Result<Vec<Field>, (LineCol, String)> {
        let mut fields = Vec::new();
        loop {
            if fields.len() == self.limits.fields {
                return Err((
                    self.at(),
                    format!(
                        "more than {} fields in one row: this is not {}",
                        self.limits.fields, self.limits.what
                    ),
                ));
            }
            let field = self.field()?;
            fields.push(field);
            match self.next() {
                Some(c) if c == self.sep => continue,
                Some('\r') => {
                    if self.chars.peek() == Some(&'\n') {
                        self.next();
                    }
                    return Ok(fields);
                }
                Some('\n') | None => return Ok(fields),
                Some(c) => {
                    return Err((
                        LineCol {
                            line: self.line,
                            col: self.col - 1,
                        },
                        format!(
                            "unexpected {:?} after a quoted field: a quoted field ends at its closing quote",
                            c
                        ),
                    ))
                }
            }
        }
    }

    /// One field, stopping before the separator or line end that follows it.
    fn field(&mut self) -> Result<Field, (LineCol, String)> {
        let at = self.at();
        let mut text = String::new();
        if self.chars.peek() != Some(&'"') {
            while let Some(&c) = self.chars.peek() {
                if c == self.sep || c == '\n' || c == '\r' {
                    break;
                }
                if c == '"' {
                    return Err((
                        self.at(),
                        "a quote inside a field that does not start with one: quote the whole field and double the quote (\"a \"\"b\"\"\")".into(),
                    ));
                }
                text.push(c);
                self.next();
            }
            return Ok(Field {
                text,
                at,
                quoted: false,
                row: self.record,
            });
        }
        self.next();
        loop {
            match self.next() {
                Some('"') if self.chars.peek() == Some(&'"') => {
                    self.next();
                    text.push('"');
                }
                Some('"') => {
                    return Ok(Field {
                        text,
                        at,
                        quoted: true,
                        row: self.record,
                    })
                }
                Some(c) => text.push(c),
                None => return Err((at, "a quoted field is never closed".into())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<(String, usize, usize)>> {
        parse(text)
            .unwrap()
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|f| (f.text, f.at.line, f.at.col))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn fields_know_where_they_start() {
        let rows = cells("a,b\r\n\"x,\"\"y\"\"\",é z\n,,\n\"multi\nline\",q");
        let s = |t: &str, l, c| (t.to_string(), l, c);
        assert_eq!(
            rows,
            [
                vec![s("a", 1, 1), s("b", 1, 3)],
                vec![s("x,\"y\"", 2, 1), s("é z", 2, 11)],
                vec![s("multi\nline", 4, 1), s("q", 5, 7)],
            ]
        );
    }

    #[test]
    fn records_count_empty_rows_and_not_quoted_line_breaks() {
        let rows = parse("a\n\n\"x\ny\",b\nc").unwrap();
        let at: Vec<(usize, usize)> = rows.iter().map(|r| (r[0].row, r[0].at.line)).collect();
        assert_eq!(at, [(1, 1), (3, 3), (4, 5)]);
    }

    #[test]
    fn semicolons_and_byte_order_marks_from_spreadsheets() {
        assert_eq!(
            cells("\u{feff}a;b\n1;2"),
            [
                vec![("a".into(), 1, 1), ("b".into(), 1, 3)],
                vec![("1".into(), 2, 1), ("2".into(), 2, 3)]
            ]
        );
    }

    #[test]
    fn broken_quotes_are_located() {
        let e = parse("a,b\nx,\"open").unwrap_err();
        assert_eq!((e.0.line, e.0.col), (2, 3));
        assert!(e.1.contains("never closed"));
        let e = parse("a,b\nx,y\"z").unwrap_err();
        assert_eq!((e.0.line, e.0.col), (2, 4));
        let e = parse("\"a\"b").unwrap_err();
        assert_eq!((e.0.line, e.0.col), (1, 4), "{}", e.1);
    }

    #[test]
    fn huge_rows_are_refused() {
        assert!(parse(&",".repeat(100)).is_err());
        assert!(parse(&"x\n".repeat(MAX_ROWS + 1)).is_err());
    }
}
