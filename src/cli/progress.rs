//! Progress bars on stderr: shown only on a terminal, only when allowed
//! (`--no-progress` turns them off), and only once the work has taken long
//! enough to need one. All bars share one `MultiProgress`, so the check
//! spinner and a check's own bar (health probes) never draw over each other.

use std::io::IsTerminal;
use std::sync::LazyLock;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

static MULTI: LazyLock<MultiProgress> =
    LazyLock::new(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));

/// A bar with `template` (indicatif syntax) that appears after `delay` if it
/// is not finished by then. `None` when progress is off or stderr is not a
/// terminal.
pub fn delayed_bar(
    enabled: bool,
    len: Option<u64>,
    template: &str,
    delay: Duration,
) -> Option<ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        if !shown.is_finished() {
            let shown = MULTI.add(shown);
            shown.enable_steady_tick(Duration::from_millis(120));
        }
    });
    Some(bar)
}
