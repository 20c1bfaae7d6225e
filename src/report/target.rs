//! `--report FORMAT=FILE` (SPEC §2): more reports from the same run.

use std::path::PathBuf;
use std::str::FromStr;

use clap::ValueEnum;

use super::Format;

/// One `--report FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    pub path: PathBuf,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Target, String> {
        let names = || {
            Format::value_variants()
                .iter()
                .filter_map(|f| f.to_possible_value())
                .map(|v| v.get_name().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some((format, path)) = s.split_once('=') else {
            return Err(format!(
                "expected FORMAT=FILE (e.g. sarif=readyctl.sarif), got `{s}`"
            ));
        };
        let format = Format::from_str(format.trim(), true)
            .map_err(|_| format!("unknown format `{format}` (expected one of: {})", names()))?;
        if path.is_empty() {
            return Err(format!("`{s}`: no file after `=`"));
        }
        Ok(Target {
            format,
            path: PathBuf::from(path),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let t: Target = "sarif=out/r.sarif".parse().unwrap();
        assert_eq!(t.format, Format::Sarif);
        assert_eq!(t.path, PathBuf::from("out/r.sarif"));
        let t: Target = "junit=a=b.xml".parse().unwrap();
        assert_eq!(t.path, PathBuf::from("a=b.xml"));
        assert!(
            "sarif"
                .parse::<Target>()
                .unwrap_err()
                .contains("FORMAT=FILE")
        );
        assert!("yaml=x".parse::<Target>().unwrap_err().contains("sarif"));
        assert!("json=".parse::<Target>().unwrap_err().contains("no file"));
    }
}
