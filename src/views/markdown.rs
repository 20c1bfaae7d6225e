//! Markdown structure over pulldown-cmark: headings, the sections they
//! open, and the concrete steps (list items, code blocks) inside them.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

use crate::repo::text::LineIndex;

/// A heading and the section it opens (up to the next heading of the same
/// or a higher level).
#[derive(Debug, Clone)]
pub struct Section {
    pub level: u8,
    /// The heading's plain text.
    pub title: String,
    /// 1-based line of the heading.
    pub line: u32,
    /// Byte range of the section's body, after the heading.
    pub body: Range<usize>,
    /// List items and code blocks in the body (nested sections included).
    pub steps: usize,
    /// Non-empty paragraphs, list items and code blocks in the body.
    pub blocks: usize,
}

/// The structure of one Markdown document.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub sections: Vec<Section>,
    /// Byte ranges of code (blocks and spans), where placeholders don't count.
    pub code: Vec<Range<usize>>,
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Parse `text` (never fails: every string is Markdown).
pub fn parse(text: &str) -> Doc {
    let lines = LineIndex::new(text);
    let mut doc = Doc::default();
    // (level, title, line, heading end)
    let mut headings: Vec<(u8, String, u32, usize, usize)> = Vec::new();
    let mut steps: Vec<usize> = Vec::new();
    let mut blocks: Vec<usize> = Vec::new();
    let mut in_heading: Option<(u8, String, usize)> = None;

    let parser = Parser::new_ext(text, Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES);
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((level_num(level), String::new(), range.start));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((lvl, title, start)) = in_heading.take() {
                    headings.push((
                        lvl,
                        title.trim().to_string(),
                        lines.line(start),
                        start,
                        range.end,
                    ));
                }
            }
            Event::Text(t) | Event::Code(t) if in_heading.is_some() => {
                if let Some((_, title, _)) = in_heading.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::Start(Tag::Item) => {
                steps.push(range.start);
                blocks.push(range.start);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                steps.push(range.start);
                blocks.push(range.start);
                doc.code.push(range);
            }
            Event::Code(t) => {
                // An inline command with arguments ("To restore: `aws rds
                // restore-db-instance-from-db-snapshot ...`") is a step.
                if t.trim().contains(' ') {
                    steps.push(range.start);
                }
                doc.code.push(range)
            }
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Table(_)) => blocks.push(range.start),
            _ => {}
        }
    }

    // Each section's body ends at the next heading of the same or a higher
    // level: one pass from the end with a stack keeps this linear (a file of
    // 300,000 headings must not take minutes).
    let mut body_ends = vec![text.len(); headings.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        while let Some(&j) = open.last() {
            if h.0 <= headings[j].0 {
                body_ends[j] = h.3;
                open.pop();
            } else {
                break;
            }
        }
        open.push(i);
    }
    // `steps` and `blocks` are in document order: count by binary search.
    let count_in = |v: &[usize], r: &Range<usize>| {
        v.partition_point(|&o| o < r.end) - v.partition_point(|&o| o < r.start)
    };
    for (i, (level, title, line, _start, end)) in headings.iter().enumerate() {
        let body_end = body_ends[i];
        let body = *end..body_end.max(*end);
        let count = |v: &[usize]| count_in(v, &body);
        doc.sections.push(Section {
            level: *level,
            title: title.clone(),
            line: *line,
            steps: count(&steps),
            blocks: count(&blocks),
            body,
        });
    }
    doc
}

/// The anchor GitHub gives a heading: lower case, punctuation dropped
/// (letters, digits, `_`, `-` and spaces kept), spaces turned into `-`.
pub fn github_slug(title: &str) -> String {
    title
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

impl Doc {
    /// The GitHub anchors of every heading, in order; a repeated slug gets
    /// `-1`, `-2`, ... as on GitHub.
    pub fn anchors(&self) -> Vec<String> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        self.sections
            .iter()
            .map(|s| {
                let base = github_slug(&s.title);
                let n = seen.entry(base.clone()).or_insert(0);
                let out = if *n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                };
                *n += 1;
                out
            })
            .collect()
    }

    /// Is `offset` inside code?
    pub fn in_code(&self, offset: usize) -> bool {
        self.code.iter().any(|r| r.contains(&offset))
    }

    /// Sections whose title matches `re`.
    pub fn sections_matching<'a>(
        &'a self,
        re: &'a regex::Regex,
    ) -> impl Iterator<Item = &'a Section> {
        self.sections.iter().filter(move |s| re.is_match(&s.title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_steps() {
        let t = "# Service\n\nintro\n\n## Rollback\n\n1. revert\n2. deploy\n\n### Data\n\n```\nrestore\n```\n\n## Other\n\ntext\n";
        let d = parse(t);
        let titles: Vec<_> = d
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.line, s.steps))
            .collect();
        assert_eq!(
            titles,
            vec![
                ("Service", 1, 3),
                ("Rollback", 5, 3),
                ("Data", 10, 1),
                ("Other", 16, 0)
            ]
        );
        assert!(d.in_code(t.find("restore").unwrap()));
    }

    #[test]
    fn github_anchors() {
        let d = parse(
            "# Redis: fail-over (Sentinel)\n\n## Restore\n\n## Restore\n\n## `appendonly` & RDB\n",
        );
        assert_eq!(
            d.anchors(),
            vec![
                "redis-fail-over-sentinel",
                "restore",
                "restore-1",
                "appendonly--rdb"
            ]
        );
    }
}
