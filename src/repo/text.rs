//! Byte offsets to 1-based line and column numbers.

/// Maps byte offsets of one text to 1-based `(line, column)`.
/// Columns count characters, not bytes.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Characters before each [`CHAR_BLOCK`]-byte block: a column costs at
    /// most one block of counting, not the whole line (a checklist item of
    /// 200k markers on one 8 MB line was quadratic).
    chars_before: Vec<usize>,
}

const CHAR_BLOCK: usize = 4096;

/// Characters starting in `bytes` (bytes that are not UTF-8 continuations).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        let mut chars_before = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
        let mut n = 0;
        for block in text.as_bytes().chunks(CHAR_BLOCK) {
            chars_before.push(n);
            n += char_starts(block);
        }
        chars_before.push(n);
        LineIndex {
            text,
            starts,
            chars_before,
        }
    }

    /// Characters in `text[..offset]` (`offset` on a char boundary).
    fn chars_to(&self, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let base = self.chars_before.get(block).copied().unwrap_or(0);
        base + char_starts(&self.text.as_bytes()[block * CHAR_BLOCK..offset])
    }

    /// 1-based line of `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        let i = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (i + 1) as u32
    }

    /// 1-based `(line, column)` of `offset`.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line(offset);
        let start = self.starts[(line - 1) as usize];
        let col = if self.text.is_char_boundary(offset) {
            self.chars_to(offset) - self.chars_to(start)
        } else {
            offset - start
        };
        (line, col as u32 + 1)
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'\n').then_some(i))
}

/// 1-based line of `offset` in `text`, without building an index.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u32
        + 1
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

/// `rel` (`./x`, `../y/z`) resolved against the directory `dir`, both
/// `/`-separated and relative to the root; `None` when it leaves the root.
pub fn resolve_relative(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for c in rel.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// The deepest nesting of `{` braces in `s` (glob alternations): the glob
/// compilers recurse on it, so a deep one must be refused before them.
pub fn brace_depth(s: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for b in s.bytes() {
        match b {
            b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// The deepest `{…}` nesting a glob may have (real globs nest one or two).
pub const MAX_GLOB_BRACES: usize = 16;

/// `n` and `noun` in the number `n` asks for: shown, "1 file" or
/// "3 files"; [`Plural::noun`] is the noun alone ("line", "lines"). The
/// plural adds an "s": every noun readyctl counts takes one.
pub fn plural(n: usize, noun: &str) -> Plural<'_> {
    Plural { n, noun }
}

/// A count and its noun: see [`plural`].
#[derive(Debug, Clone, Copy)]
pub struct Plural<'a> {
    n: usize,
    noun: &'a str,
}

impl Plural<'_> {
    /// The noun without the count: "line" for 1, "lines" otherwise.
    pub fn noun(&self) -> String {
        if self.n == 1 {
            self.noun.to_string()
        } else {
            format!("{}s", self.noun)
        }
    }
}

impl std::fmt::Display for Plural<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.n, self.noun())
    }
}

/// At most 80 characters, with an ellipsis when cut (a command or a target
/// quoted in a message).
pub fn shorten(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let t = "ab\ncdé\n\nx";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(0), (1, 1));
        assert_eq!(ix.line_col(3), (2, 1));
        assert_eq!(ix.line_col(5), (2, 3));
        assert_eq!(ix.line_col(9), (4, 1));
        assert_eq!(ix.line_text(2), "cdé");
        assert_eq!(line_of(t, 9), 4);
    }

    #[test]
    fn columns_on_long_lines_match_counting_characters() {
        // Multi-byte characters across block boundaries, several lines.
        let t = format!(
            "{}\n{}x\n{}",
            "é".repeat(5000),
            "aé€😀".repeat(3000),
            "z".repeat(8192)
        );
        let ix = LineIndex::new(&t);
        for offset in (0..=t.len()).filter(|&o| t.is_char_boundary(o)).step_by(97) {
            let line = ix.line(offset);
            let start = ix.starts[(line - 1) as usize];
            let naive = t[start..offset].chars().count() as u32 + 1;
            assert_eq!(ix.line_col(offset), (line, naive), "offset {offset}");
        }
        assert_eq!(ix.line_col(t.len()).1, 8193);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(0, "file").to_string(), "0 files");
        assert_eq!(plural(1, "root module").to_string(), "1 root module");
        assert_eq!(plural(2, "line").to_string(), "2 lines");
        assert_eq!(plural(1, "line").noun(), "line");
        assert_eq!(plural(3, "line").noun(), "lines");
    }
}
