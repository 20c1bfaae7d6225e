//! `--format junit`: JUnit XML as GitLab, Jenkins, Azure DevOps and most CI
//! test-report panels read it.
//!
//! One `<testsuite>` per area, one `<testcase>` per check. A failing check
//! carries `<failure>` with its findings, a skipped one `<skipped>`, a check
//! that could not run `<error>`.

use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::View;
use crate::findings::{CheckResult, Report, Status};

/// Replace the characters XML 1.0 cannot carry, even escaped (most C0
/// controls), so that any message makes a well-formed document.
pub fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 => '\u{FFFD}',
            '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// An attribute value on one line.
fn attr(s: &str) -> String {
    xml_safe(s).replace(['\n', '\r', '\t'], " ")
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of<'a>(checks: impl IntoIterator<Item = &'a CheckResult>) -> Counts {
        let mut n = Counts::default();
        for c in checks {
            n.tests += 1;
            match c.status {
                Status::Fail => n.failures += 1,
                Status::Error => n.errors += 1,
                Status::Skip => n.skipped += 1,
                Status::Pass => {}
            }
        }
        n
    }

    fn attrs(self) -> [(&'static str, String); 5] {
        [
            ("tests", self.tests.to_string()),
            ("failures", self.failures.to_string()),
            ("errors", self.errors.to_string()),
            ("skipped", self.skipped.to_string()),
            ("time", "0".to_string()),
        ]
    }
}

/// The body of a `<failure>`: every finding on its own line.
fn failure_body(c: &CheckResult) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "{}", c.message);
    for f in &c.findings {
        let text = super::sarif::finding_text(f);
        match f.location() {
            Some(loc) => {
                let _ = writeln!(body, "{loc}: {text}");
            }
            None => {
                let _ = writeln!(body, "{text}");
            }
        }
    }
    if let Some(fix) = &c.fix {
        let _ = write!(body, "fix: {}", fix.hint);
        if let Some(k) = &fix.scaffold {
            let _ = write!(body, " (readyctl scaffold {k})");
        }
        body.push('\n');
    }
    xml_safe(&body)
}

fn testcase(w: &mut Writer<Vec<u8>>, c: &CheckResult) -> std::io::Result<()> {
    let classname = format!("readyctl.{}", c.area);
    let el = w.create_element("testcase").with_attributes([
        ("classname", attr(&classname).as_str()),
        ("name", attr(&c.id).as_str()),
        ("time", "0"),
    ]);
    let message = attr(&c.message);
    match c.status {
        Status::Pass => {
            el.write_inner_content(|w| {
                w.create_element("system-out")
                    .write_text_content(BytesText::new(&xml_safe(&format!(
                        "{}: {}",
                        c.title, c.message
                    ))))?;
                Ok(())
            })?;
        }
        Status::Skip => {
            el.write_inner_content(|w| {
                w.create_element("skipped")
                    .with_attribute(("message", message.as_str()))
                    .write_empty()?;
                Ok(())
            })?;
        }
        Status::Fail => {
            el.write_inner_content(|w| {
                w.create_element("failure")
                    .with_attributes([("message", message.as_str()), ("type", c.severity.as_str())])
                    .write_text_content(BytesText::new(&failure_body(c)))?;
                Ok(())
            })?;
        }
        Status::Error => {
            el.write_inner_content(|w| {
                w.create_element("error")
                    .with_attributes([("message", message.as_str()), ("type", "error")])
                    .write_text_content(BytesText::new(&failure_body(c)))?;
                Ok(())
            })?;
        }
    }
    Ok(())
}

pub fn render(report: &Report, _view: &View) -> anyhow::Result<String> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;

    // Areas in report order (the report is sorted by area, then id).
    let mut areas: Vec<(&str, Vec<&CheckResult>)> = Vec::new();
    for c in &report.checks {
        match areas.last_mut() {
            Some((a, list)) if *a == c.area => list.push(c),
            _ => areas.push((&c.area, vec![c])),
        }
    }

    // Jenkins' xunit schema (junit-10.xsd) allows no `skipped` on
    // `<testsuites>`: the skipped count is on each `<testsuite>`.
    let total = Counts::of(&report.checks);
    let total_attrs = total.attrs();
    w.create_element("testsuites")
        .with_attribute(("name", "readyctl"))
        .with_attributes(
            total_attrs
                .iter()
                .filter(|(k, _)| *k != "skipped")
                .map(|(k, v)| (*k, v.as_str())),
        )
        .write_inner_content(|w| {
            for (area, checks) in &areas {
                let counts = Counts::of(checks.iter().copied());
                let attrs = counts.attrs();
                let name = attr(area);
                w.create_element("testsuite")
                    .with_attribute(("name", name.as_str()))
                    .with_attributes(attrs.iter().map(|(k, v)| (*k, v.as_str())))
                    .write_inner_content(|w| {
                        for c in checks {
                            testcase(w, c)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut out = String::from_utf8(w.into_inner())?;
    out.push('\n');
    Ok(out)
}
