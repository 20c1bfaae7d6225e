//! What a report checked (SPEC §13): the repository's name, remote and
//! commit from git, and the service, so that reports written anywhere can be
//! aggregated by `readyctl fleet`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::repo::index::GitInfo;

/// `"repository"` in the JSON report. Every field is null where unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    /// The remote URL's last path segment (without `.git`), else the work
    /// tree's (or the checked directory's) name.
    pub name: Option<String>,
    /// URL of `origin` (or the first remote), with any user name and
    /// password taken out.
    pub remote: Option<String>,
    /// The commit HEAD points at.
    pub commit: Option<String>,
    /// The service this report covers, when only one was checked.
    pub service: Option<String>,
}

impl Repository {
    /// The identity of the repository `root` lives in.
    pub fn of(root: &Path, git: Option<&GitInfo>) -> Repository {
        let remote = git.and_then(|g| g.remote_url.as_deref()).map(redact_remote);
        let name = remote
            .as_deref()
            .and_then(name_from_remote)
            .or_else(|| git.and_then(|g| dir_name(&g.workdir)))
            .or_else(|| dir_name(root));
        Repository {
            name,
            remote,
            commit: git.and_then(|g| g.head.clone()),
            service: None,
        }
    }
}

fn dir_name(p: &Path) -> Option<String> {
    let canon = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canon
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
}

/// The path segments of a remote URL (`https://host/org/repo.git`,
/// `git@host:org/repo.git`, `/srv/mirrors/org/repo`), host excluded.
fn segments(url: &str) -> Vec<&str> {
    let url = url.trim();
    let path = match url.split_once("://") {
        // scheme://[user@]host[:port]/path
        Some((_, rest)) => rest.split_once('/').map(|(_, p)| p).unwrap_or(""),
        None => match url.split_once(':') {
            // scp-like `user@host:path` (not a Windows drive letter)
            Some((host, p)) if host.len() > 1 && !host.contains('/') => p,
            _ => url,
        },
    };
    path.split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect()
}

/// Is this segment a mirror's or bare repository's container rather than
/// the repository's name (`repo`, `repo.git`, `.git`)?
fn is_container(seg: &str) -> bool {
    let s = seg.strip_suffix(".git").unwrap_or(seg);
    s.is_empty() || s == "repo" || s == "repository"
}

/// The repository's name from its remote URL: the last path segment without
/// `.git`, skipping mirror containers named `repo` or `.git`.
pub fn name_from_remote(url: &str) -> Option<String> {
    segments(url)
        .into_iter()
        .rev()
        .find(|s| !is_container(s))
        .map(|s| s.strip_suffix(".git").unwrap_or(s).to_string())
}

/// Does the URL name a host (`https://host/...`, `git@host:...`), rather
/// than a local path or `file://`?
fn has_host(url: &str) -> bool {
    let url = url.trim();
    match url.split_once("://") {
        Some((scheme, _)) => !scheme.eq_ignore_ascii_case("file"),
        None => {
            matches!(url.split_once(':'), Some((host, _)) if host.len() > 1 && !host.contains('/'))
        }
    }
}

/// The owner (organisation or user) from a hosted remote URL: the segment
/// before the name, when there is one (a local path has none).
pub fn owner_from_remote(url: &str) -> Option<String> {
    if !has_host(url) {
        return None;
    }
    let segs = segments(url);
    let pos = segs.iter().rposition(|s| !is_container(s))?;
    let owner = segs.get(pos.checked_sub(1)?)?;
    Some(owner.to_string())
}

/// The remote URL without user name or password (a token in a clone URL is
/// a secret).
pub fn redact_remote(url: &str) -> String {
    let url = url.trim();
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if let Some((_, host)) = authority.rsplit_once('@') {
            return format!("{scheme}://{host}{path}");
        }
    }
    url.to_string()
}

/// The time a report is written, RFC 3339 in UTC (`SOURCE_DATE_EPOCH`, when
/// set, for reproducible output).
pub fn now_rfc3339() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| gix::date::Time::now_utc().seconds);
    format_rfc3339(seconds)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339(seconds: i64) -> String {
    let t = gix::date::Time::new(seconds, 0);
    t.format_or_unix(gix::date::time::format::ISO8601_STRICT)
        .replace("+00:00", "Z")
}

/// Parse an RFC 3339 / ISO 8601 time into seconds since the epoch.
pub fn parse_time(s: &str) -> Option<i64> {
    gix::date::parse(s.trim(), None).ok().map(|t| t.seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_remotes() {
        for (url, name, owner) in [
            ("https://github.com/acme/shop.git", "shop", Some("acme")),
            ("https://github.com/acme/shop", "shop", Some("acme")),
            ("https://github.com/acme/shop/", "shop", Some("acme")),
            ("git@github.com:acme/shop.git", "shop", Some("acme")),
            (
                "ssh://git@gitlab.example:2222/g/sub/shop.git",
                "shop",
                Some("sub"),
            ),
            ("/srv/mirrors/acme/shop/repo.git", "shop", None),
            ("/srv/mirrors/shop/repo", "shop", None),
            ("/srv/git/shop.git/", "shop", None),
            ("file:///srv/git/shop.git", "shop", None),
            (
                "https://mirror.example/acme/shop/repo.git",
                "shop",
                Some("acme"),
            ),
            ("shop.git", "shop", None),
        ] {
            assert_eq!(name_from_remote(url).as_deref(), Some(name), "{url}");
            assert_eq!(owner_from_remote(url).as_deref(), owner, "{url}");
        }
        assert_eq!(name_from_remote("repo.git"), None);
    }

    #[test]
    fn credentials_are_taken_out_of_remotes() {
        let token = ["ghp", "_", "abcdefghij0123456789"].concat();
        let url = format!("https://x-access-token:{token}@github.com/acme/shop.git");
        let r = redact_remote(&url);
        assert_eq!(r, "https://github.com/acme/shop.git");
        assert!(!r.contains(&token));
        assert_eq!(
            redact_remote("git@github.com:acme/shop.git"),
            "git@github.com:acme/shop.git"
        );
    }

    #[test]
    fn times_round_trip() {
        let s = format_rfc3339(1_700_000_000);
        assert_eq!(s, "2023-11-14T22:13:20Z");
        assert_eq!(parse_time(&s), Some(1_700_000_000));
        assert_eq!(parse_time("2023-11-14T23:13:20+01:00"), Some(1_700_000_000));
        assert_eq!(parse_time("yesterday-ish"), None);
    }
}
