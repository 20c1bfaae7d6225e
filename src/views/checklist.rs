//! The readiness checklist (SPEC §6): task items, `<!-- readyctl: ID -->`
//! markers, and `--sync-checklist`, which rewrites only the boxes of marked
//! items and leaves every other byte as it was.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

use crate::findings::{CheckResult, Status};
use crate::repo::index::Index;
use crate::repo::text::LineIndex;

static MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<!--\s*readyctl:\s*([^>]*?)\s*-->").expect("valid regex"));

/// A check id named in a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerRef {
    pub id: String,
    pub line: u32,
    pub column: u32,
}

/// One task item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Plain text of the item (markers removed).
    pub text: String,
    /// 1-based line of the item's box.
    pub line: u32,
    pub column: u32,
    pub checked: bool,
    /// Byte offset of the box's inner character (` `, `x` or `X`).
    pub box_offset: usize,
    /// The checks that verify it; empty for a manual item.
    pub markers: Vec<MarkerRef>,
}

impl Item {
    pub fn is_manual(&self) -> bool {
        self.markers.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Checklist {
    /// Relative to the root.
    pub path: String,
    pub source: String,
    pub items: Vec<Item>,
}

/// Load the checklist at `path` from the index: `None` when the file is not
/// there, `Some(Err)` when it cannot be read as text.
pub fn load(index: &Index, path: &str) -> Option<Result<Checklist, String>> {
    (*view(index, path)).clone()
}

type Loaded = Option<Result<Checklist, String>>;

/// Checklists read so far, per path (a view on the index).
#[derive(Default)]
struct Checklists(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<Loaded>>>);

/// The checklist at `path`, parsed once per index (the engine, the
/// readiness check and `--sync-checklist` share it).
pub fn view(index: &Index, path: &str) -> std::sync::Arc<Loaded> {
    let all = index.view(|_| Checklists::default());
    let mut map = all.0.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(path.to_string())
        .or_insert_with(|| std::sync::Arc::new(read(index, path)))
        .clone()
}

/// Whether `path` is a file under the root that the index does not hold
/// (ignored, or outside what readyctl reads): for a clearer "not found".
pub fn on_disk_but_not_indexed(index: &Index, path: &str) -> bool {
    index.get(path).is_none() && index.root.join(path).is_file()
}

/// Whether something that is not a regular file (a FIFO, a device, a
/// directory) sits at the checklist's path: it is never opened, and the
/// check that needs it fails closed.
pub fn not_a_regular_file(index: &Index, path: &str) -> bool {
    std::fs::metadata(index.root.join(path)).is_ok_and(|m| !m.is_file())
}

/// The most task items, and the most distinct markers, a checklist may
/// hold; a larger one is not used (its readiness check is `error`). The
/// checklist is shared by the engine, the readiness check and each service
/// scope: 200,000 items, or one item naming 200,000 different checks, took
/// 250–530 MB. Real checklists hold dozens.
pub const MAX_ITEMS: usize = 10_000;

/// `list`, or why it is too large to use.
fn bounded(list: Checklist) -> Result<Checklist, String> {
    let markers: usize = list.items.iter().map(|i| i.markers.len()).sum();
    if list.items.len() > MAX_ITEMS || markers > MAX_ITEMS {
        return Err(format!(
            "{}: {} task items and {markers} markers, over the {MAX_ITEMS} a checklist may hold; not used",
            list.path,
            list.items.len()
        ));
    }
    Ok(list)
}

fn read(index: &Index, path: &str) -> Loaded {
    let entry = index.get(path).or_else(|| index.get_ignore_case(path))?;
    Some(match entry.content() {
        crate::repo::index::Content::Text(t) => bounded(parse(&entry.path, t)),
        crate::repo::index::Content::Binary => Err(format!("{}: is a binary file", entry.path)),
        crate::repo::index::Content::TooLarge => Err(format!("{}: too large to read", entry.path)),
        crate::repo::index::Content::Unreadable(e) => {
            Err(format!("{}: cannot read: {e}", entry.path))
        }
    })
}

struct Partial {
    text: String,
    checked: Option<(bool, usize)>,
    markers: Vec<(String, usize)>,
}

/// Parse checklist text. Never fails: text that holds no task item gives
/// an empty list.
pub fn parse(path: &str, source: &str) -> Checklist {
    let lines = LineIndex::new(source);
    let mut stack: Vec<Partial> = Vec::new();
    let mut items = Vec::new();
    let parser = Parser::new_ext(source, Options::ENABLE_TASKLISTS);
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Item) => stack.push(Partial {
                text: String::new(),
                checked: None,
                markers: Vec::new(),
            }),
            Event::End(TagEnd::Item) => {
                let Some(p) = stack.pop() else { continue };
                let Some((checked, box_offset)) = p.checked else {
                    continue;
                };
                let (line, column) = lines.line_col(box_offset.saturating_sub(1));
                // A check named twice on one item is one marker (200k
                // copies made 200k findings and a 4 MB message).
                let mut seen = std::collections::HashSet::new();
                let markers = p
                    .markers
                    .into_iter()
                    .filter(|(id, _)| seen.insert(id.clone()))
                    .map(|(id, off)| {
                        let (line, column) = lines.line_col(off);
                        MarkerRef { id, line, column }
                    })
                    .collect();
                items.push(Item {
                    text: p.text.split_whitespace().collect::<Vec<_>>().join(" "),
                    line,
                    column,
                    checked,
                    box_offset,
                    markers,
                });
            }
            Event::TaskListMarker(checked) => {
                if let Some(top) = stack.last_mut() {
                    // The range covers `[ ]`; the inner character follows `[`.
                    let slice = &source[range.clone()];
                    let inner = slice
                        .find('[')
                        .map(|i| range.start + i + 1)
                        .unwrap_or(range.start + 1);
                    top.checked = Some((checked, inner));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t);
                    top.text.push(' ');
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = stack.last_mut() {
                    top.text.push(' ');
                }
            }
            Event::InlineHtml(h) | Event::Html(h) => {
                if let Some(top) = stack.last_mut() {
                    for cap in MARKER.captures_iter(&h) {
                        let Some(m) = cap.get(1) else { continue };
                        let base = range.start
                            + source[range.clone()].find(h.as_ref()).unwrap_or(0)
                            + m.start();
                        let mut off = 0;
                        for id in m.as_str().split([',', ' ']) {
                            let pos = m.as_str()[off..].find(id).map(|p| p + off).unwrap_or(off);
                            off = pos + id.len();
                            if !id.trim().is_empty() {
                                top.markers.push((id.trim().to_string(), base + pos));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    items.sort_by_key(|i| i.box_offset);
    Checklist {
        path: path.to_string(),
        source: source.to_string(),
        items,
    }
}

/// Why an item is not resolved, or `None` when it is.
pub fn unresolved_reason(
    item: &Item,
    results: &[CheckResult],
    known: &std::collections::BTreeSet<String>,
) -> Option<String> {
    if item.is_manual() {
        return (!item.checked).then(|| "not ticked (manual item)".to_string());
    }
    let mut reasons = Vec::new();
    let mut fallback_to_box = false;
    for m in &item.markers {
        if !known.contains(&m.id) {
            reasons.push(format!("marker names unknown check `{}`", m.id));
            continue;
        }
        match results.iter().find(|r| r.id == m.id).map(|r| r.status) {
            Some(Status::Pass) => {}
            Some(Status::Fail) => reasons.push(format!("{} failed", m.id)),
            Some(Status::Error) => reasons.push(format!("{} could not run", m.id)),
            Some(Status::Skip) | None => fallback_to_box = true,
        }
    }
    if reasons.is_empty() && fallback_to_box && !item.checked {
        reasons.push("its check was skipped and the box is not ticked".to_string());
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The checklist with the boxes of marked items set from `results`; every
/// other byte is unchanged. Items whose checks were skipped keep their box.
pub fn synced(list: &Checklist, results: &[CheckResult]) -> String {
    let mut bytes = list.source.clone().into_bytes();
    for item in &list.items {
        if item.is_manual() {
            continue;
        }
        let statuses: Vec<Option<Status>> = item
            .markers
            .iter()
            .map(|m| results.iter().find(|r| r.id == m.id).map(|r| r.status))
            .collect();
        if statuses
            .iter()
            .any(|s| matches!(s, None | Some(Status::Skip)))
        {
            continue;
        }
        let pass = statuses.iter().all(|s| *s == Some(Status::Pass));
        let Some(b) = bytes.get_mut(item.box_offset) else {
            continue;
        };
        if pass && *b == b' ' {
            *b = b'x';
        } else if !pass && (*b == b'x' || *b == b'X') {
            *b = b' ';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| list.source.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "# Ready\n\n- [ ] Infra <!-- readyctl: terraform.present -->\n- [x] Stakeholders informed\n  - [X] nested <!-- readyctl: docs.rollback, docs.runbook -->\n* [ ] `code` item\n";

    #[test]
    fn items_markers_lines() {
        let c = parse("d.md", LIST);
        assert_eq!(c.items.len(), 4);
        assert_eq!(c.items[0].line, 3);
        assert_eq!(c.items[0].text, "Infra");
        assert_eq!(c.items[0].markers[0].id, "terraform.present");
        assert!(c.items[1].checked && c.items[1].is_manual());
        assert_eq!(c.items[2].line, 5);
        let ids: Vec<_> = c.items[2].markers.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["docs.rollback", "docs.runbook"]);
        assert_eq!(&LIST[c.items[2].box_offset..c.items[2].box_offset + 1], "X");
        assert_eq!(c.items[3].text, "code item");
    }
}
