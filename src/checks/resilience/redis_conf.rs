//! Redis and Sentinel settings: `redis.conf` / `sentinel.conf` lines,
//! `redis-server --key value` arguments and the Bitnami images' environment.
//!
//! The configuration format is one directive a line, arguments split like a
//! shell command (quotes group words); no crate reads it, so this module
//! does, with `shlex` for the splitting.

/// One directive with its 1-based line in the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    pub key: String,
    pub args: Vec<String>,
    pub path: String,
    pub line: u32,
}

/// The directives of a configuration text (`path` is where it lives,
/// `first_line` the line of the text's first line in that file).
pub fn parse(text: &str, path: &str, first_line: u32) -> Vec<Directive> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(words) = shlex::split(line) else {
            continue;
        };
        let Some((key, args)) = words.split_first() else {
            continue;
        };
        out.push(Directive {
            key: key.to_ascii_lowercase(),
            args: args.to_vec(),
            path: path.to_string(),
            line: first_line + i as u32,
        });
    }
    out
}

/// `redis-server [file] --key value ...` / `redis-sentinel file --key v`:
/// the configuration file named (first argument not starting with `--`)
/// and the `--key value...` directives.
pub fn from_args(args: &[(String, u32)], path: &str) -> (Option<String>, Vec<Directive>) {
    let mut file = None;
    let mut out: Vec<Directive> = Vec::new();
    for (a, line) in args {
        let line = *line;
        if let Some(k) = a.strip_prefix("--") {
            if k.is_empty() {
                continue;
            }
            // `--sentinel` is a mode switch, not a directive with arguments.
            out.push(Directive {
                key: k.to_ascii_lowercase(),
                args: Vec::new(),
                path: path.to_string(),
                line,
            });
        } else if let Some(d) = out.last_mut() {
            d.args.push(a.clone());
        } else if file.is_none() && a.ends_with(".conf") {
            file = Some(a.clone());
        }
    }
    (file, out)
}

/// Settings of one Redis server or Sentinel, the last directive winning.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub directives: Vec<Directive>,
}

impl Settings {
    pub fn extend(&mut self, d: impl IntoIterator<Item = Directive>) {
        self.directives.extend(d);
    }

    /// The last directive named `key` (`slaveof` for `replicaof` and the like).
    pub fn get(&self, key: &str) -> Option<&Directive> {
        let alias = alias(key);
        self.directives
            .iter()
            .rev()
            .find(|d| d.key == key || Some(d.key.as_str()) == alias)
    }

    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Directive> + 'a {
        let alias = alias(key);
        self.directives
            .iter()
            .filter(move |d| d.key == key || Some(d.key.as_str()) == alias)
    }

    /// The first argument of `key` as a number.
    pub fn num(&self, key: &str) -> Option<(u64, &Directive)> {
        let d = self.get(key)?;
        let n = d.args.first()?.parse().ok()?;
        Some((n, d))
    }

    /// `sentinel <sub> <master> <value>`: the value for `sub`
    /// (`down-after-milliseconds`, `failover-timeout`, `parallel-syncs`).
    pub fn sentinel(&self, sub: &str) -> Option<(u64, &Directive)> {
        self.directives.iter().rev().find_map(|d| {
            (d.key == "sentinel" && d.args.first().map(String::as_str) == Some(sub))
                .then(|| d.args.get(2)?.parse().ok().map(|n| (n, d)))
                .flatten()
        })
    }

    /// `sentinel monitor <name> <host> <port> <quorum>`.
    pub fn monitor(&self) -> Option<(&str, &str, u64, &Directive)> {
        self.directives.iter().rev().find_map(|d| {
            if d.key != "sentinel" || d.args.first().map(String::as_str) != Some("monitor") {
                return None;
            }
            let name = d.args.get(1)?;
            let host = d.args.get(2)?;
            let quorum = d.args.get(4)?.parse().ok()?;
            Some((name.as_str(), host.as_str(), quorum, d))
        })
    }
}

/// The older name of a directive Redis still accepts.
fn alias(key: &str) -> Option<&'static str> {
    Some(match key {
        "replicaof" => "slaveof",
        "min-replicas-to-write" => "min-slaves-to-write",
        "min-replicas-max-lag" => "min-slaves-max-lag",
        "replica-priority" => "slave-priority",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_quotes() {
        let d = parse(
            "# c\nport 6379\nsave \"\"\nsentinel monitor mymaster redis-master 6379 2\n",
            "r.conf",
            1,
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].args, vec![String::new()]);
        let s = Settings { directives: d };
        let (name, host, q, at) = s.monitor().unwrap();
        assert_eq!((name, host, q, at.line), ("mymaster", "redis-master", 2, 4));
    }

    #[test]
    fn args_and_aliases() {
        let args: Vec<(String, u32)> = [
            "/etc/redis.conf",
            "--slaveof",
            "m",
            "6379",
            "--appendonly",
            "yes",
        ]
        .iter()
        .map(|s| (s.to_string(), 3))
        .collect();
        let (file, d) = from_args(&args, "c.yml");
        assert_eq!(file.as_deref(), Some("/etc/redis.conf"));
        let s = Settings { directives: d };
        assert_eq!(s.get("replicaof").unwrap().args, vec!["m", "6379"]);
        assert_eq!(s.get("appendonly").unwrap().args, vec!["yes"]);
    }
}
