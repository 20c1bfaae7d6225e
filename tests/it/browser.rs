//! The fleet scorecard in a real browser: headless Chromium renders the
//! page; the DOM after the inline script ran holds the table and the chart,
//! and the screenshot is not blank.
//!
//! Without a browser the test is skipped with a message on the terminal;
//! with `READYCTL_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs
//! Debian's chromium) a missing browser fails it. `READYCTL_BLESS=1` copies
//! the screenshot to `docs/fleet-scorecard.png`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::crate_root;

const BROWSERS: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

fn find_browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("READYCTL_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for b in BROWSERS {
            let candidate = dir.join(b);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Run the browser on `page` with `extra` arguments; stdout, or a panic
/// after 90 seconds (the browser is killed: never a hang).
fn chromium(browser: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the browser starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(
                status.success(),
                "{} exited with {status}",
                browser.display()
            );
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish in 90s", browser.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// (share of pixels that are not background, pixels of the chart's bar
/// colours) in a PNG.
fn pixels(png_path: &Path) -> (f64, usize, (u32, u32)) {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).expect("screenshot written"));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    let data = &buf[..info.buffer_size()];
    let mut ink = 0usize;
    let mut bars = 0usize;
    let total = (info.width * info.height) as usize;
    for px in data.chunks(channels) {
        let (r, g, b) = (px[0] as i32, px[1] as i32, px[2] as i32);
        if r < 235 || g < 235 || b < 235 {
            ink += 1;
        }
        // #2da44e (pass), #bf8700, #cf222e (fail), give or take rendering.
        let near = |c: (i32, i32, i32)| (r - c.0).abs() + (g - c.1).abs() + (b - c.2).abs() < 40;
        if near((0x2d, 0xa4, 0x4e)) || near((0xbf, 0x87, 0x00)) || near((0xcf, 0x22, 0x2e)) {
            bars += 1;
        }
    }
    (ink as f64 / total as f64, bars, (info.width, info.height))
}

#[test]
fn the_scorecard_renders_in_a_real_browser() {
    let Some(browser) = find_browser() else {
        assert!(
            std::env::var_os("READYCTL_REQUIRE_BROWSER").is_none(),
            "READYCTL_REQUIRE_BROWSER is set but no chromium was found in PATH"
        );
        // Straight to the terminal: the test harness captures print!.
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED browser::the_scorecard_renders_in_a_real_browser: no chromium in PATH \
             (install Debian's `chromium`, or set READYCTL_CHROMIUM)\n"
        );
        return;
    };
    let (_a, _b, _c, reports) = crate::fleet::three();
    let html = crate::fleet::fleet_html(reports.path());
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("scorecard.html");
    std::fs::write(&page, &html).unwrap();

    // The DOM after the inline script ran.
    let dom = chromium(&browser, &page, &["--dump-dom".to_string()]);
    assert!(dom.contains("<table id=\"rows\">"), "no table in\n{dom}");
    assert!(dom.contains("<svg id=\"chart\""), "no chart in\n{dom}");
    assert_eq!(
        dom.matches("<g class=\"bar\">").count(),
        html.matches("<g class=\"bar\">").count()
    );
    assert!(dom.contains("gamma"));
    // The script ran: filters shown, rows counted.
    assert!(
        dom.contains("4 of 4 shown"),
        "the inline script did not run:\n{dom}"
    );
    assert!(!dom.contains("id=\"controls\" hidden"), "{dom}");

    // A screenshot with the table and the bars on it.
    let shot = dir.path().join("shot.png");
    chromium(
        &browser,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,1100".to_string(),
        ],
    );
    let (ink, bars, (w, h)) = pixels(&shot);
    assert_eq!((w, h), (1280, 1100));
    assert!(ink > 0.02, "the screenshot is blank ({:.3} inked)", ink);
    assert!(
        bars > 2000,
        "no chart bars on the screenshot ({bars} bar pixels)"
    );
    if std::env::var_os("READYCTL_BLESS").is_some() {
        std::fs::copy(&shot, crate_root().join("docs/fleet-scorecard.png")).unwrap();
    }
}
