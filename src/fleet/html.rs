//! The scorecard as one self-contained HTML page: inline CSS, a pass-rate
//! bar chart in inline SVG, a little inline script for sorting and
//! filtering (the page is complete without it), and a Content Security
//! Policy that lets no request leave the page. Everything that comes from a
//! report is escaped by the template engine.

use serde::Serialize;

use super::{Scorecard, age};

const TEMPLATE: &str = include_str!("scorecard.html");

#[derive(Serialize)]
struct RowView {
    repository: String,
    service: String,
    path: String,
    owner: String,
    remote: String,
    level: String,
    ready: bool,
    age: String,
    age_seconds: i64,
    generated_at: String,
    failing: Vec<String>,
}

#[derive(Serialize)]
struct Bar {
    id: String,
    y: u32,
    width: u32,
    label: String,
    pass: usize,
    ran: usize,
    color: &'static str,
}

#[derive(Serialize)]
struct Chart {
    width: u32,
    height: u32,
    label_width: u32,
    bar_width: u32,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct LevelView {
    name: String,
    count: usize,
}

const ROW_HEIGHT: u32 = 22;
const BAR_WIDTH: u32 = 360;

fn chart(card: &Scorecard) -> Chart {
    let longest = card
        .checks
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(10) as u32;
    let label_width = (longest * 7 + 16).clamp(120, 420);
    let bars = card
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ran = c.pass + c.fail + c.error;
            let (width, label, color) = match c.rate {
                Some(r) => (
                    (r * BAR_WIDTH as f64).round() as u32,
                    format!("{:.0}%", r * 100.0),
                    if r >= 0.9 {
                        "#2da44e"
                    } else if r >= 0.5 {
                        "#bf8700"
                    } else {
                        "#cf222e"
                    },
                ),
                None => (0, "not run".to_string(), "#8c959f"),
            };
            Bar {
                id: c.id.clone(),
                y: i as u32 * ROW_HEIGHT,
                width,
                label,
                pass: c.pass,
                ran,
                color,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        width: label_width + BAR_WIDTH + 60,
        height: (bars.len() as u32 * ROW_HEIGHT).max(ROW_HEIGHT),
        label_width,
        bar_width: BAR_WIDTH,
        bars,
    }
}

pub fn render(card: &Scorecard) -> anyhow::Result<String> {
    let mut env = minijinja::Environment::new();
    // The `.html` name turns on HTML auto-escaping for every value.
    env.add_template("scorecard.html", TEMPLATE)?;
    let rows: Vec<RowView> = card
        .rows
        .iter()
        .map(|r| RowView {
            repository: r.repository.clone(),
            service: r.service.clone().unwrap_or_default(),
            path: r.path.clone().unwrap_or_default(),
            owner: r.owner.clone().unwrap_or_default(),
            remote: r.remote.clone().unwrap_or_default(),
            level: match (&r.level, r.has_level) {
                (Some(l), _) => l.clone(),
                (None, true) => "none".into(),
                (None, false) => "unknown".into(),
            },
            ready: r.ready,
            age: age(r.age_seconds),
            age_seconds: r.age_seconds.unwrap_or(-1),
            generated_at: r.generated_at.clone().unwrap_or_default(),
            failing: r.failing.clone(),
        })
        .collect();
    let mut owners: Vec<String> = rows
        .iter()
        .map(|r| r.owner.clone())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort();
    owners.dedup();
    let levels: Vec<LevelView> = card
        .levels
        .iter()
        .map(|(name, count)| LevelView {
            name: name.clone(),
            count: *count,
        })
        .collect();
    let tmpl = env.get_template("scorecard.html")?;
    Ok(tmpl.render(minijinja::context! {
        card => card,
        rows => rows,
        owners => owners,
        levels => levels,
        chart => chart(card),
    })?)
}
