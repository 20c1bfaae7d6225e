//! When `--color auto` colours output: the conventions users set in their
//! environment, in this order of precedence —
//!
//! 1. `NO_COLOR` (non-empty): never (<https://no-color.org>);
//! 2. `FORCE_COLOR`: `0` or `false` never, any other non-empty value always
//!    (<https://force-color.org>, as Node and many CLIs read it);
//! 3. `CLICOLOR_FORCE` (non-empty, not `0`): always;
//! 4. `CLICOLOR=0`: never;
//! 5. else only on a terminal.
//!
//! `--color always|never` overrides all of them.

/// Should `--color auto` colour a stream, given whether it is a terminal and
/// a way to read the environment?
pub fn auto(is_terminal: bool, var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if let Some(v) = set("FORCE_COLOR") {
        return !matches!(v.to_ascii_lowercase().as_str(), "0" | "false");
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    if set("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    is_terminal
}

/// [`auto`] with the process environment.
pub fn auto_from_env(is_terminal: bool) -> bool {
    auto(is_terminal, |name| {
        std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::auto;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn precedence() {
        assert!(auto(true, env(&[])));
        assert!(!auto(false, env(&[])));
        assert!(!auto(true, env(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")])));
        assert!(auto(true, env(&[("NO_COLOR", "")])));
        assert!(auto(false, env(&[("FORCE_COLOR", "1")])));
        assert!(auto(false, env(&[("FORCE_COLOR", "true")])));
        assert!(!auto(true, env(&[("FORCE_COLOR", "0")])));
        assert!(!auto(true, env(&[("FORCE_COLOR", "false")])));
        assert!(auto(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!auto(false, env(&[("CLICOLOR_FORCE", "0")])));
        assert!(!auto(true, env(&[("CLICOLOR", "0")])));
        assert!(auto(
            false,
            env(&[("CLICOLOR", "0"), ("CLICOLOR_FORCE", "1")])
        ));
    }
}
