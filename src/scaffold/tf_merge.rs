//! `scaffold terraform` into an existing root module: only the missing
//! settings are added, inside the module's own `terraform { }` block (found
//! with `hcl::edit`, which keeps byte spans), so comments and formatting
//! stay as they are. Never a second `terraform`/`required_providers`/backend
//! block, never a version pin that contradicts the repository's.
//!
//! The module's files come from the index ([`Files`]). Their text is parsed
//! here with `hcl::edit` rather than read from the Terraform view: an edit
//! needs the editable tree with byte spans, which the read-only view does
//! not keep (layering.rs allows this one parse).

use hcl::edit::Span;
use hcl::edit::structure::Structure;

use super::files::Files;
use super::write::Planned;

/// What to add to the root at `dir`: `required_version`, a backend, and
/// `required_providers` when the module has none. `backend` is the
/// rendered backend block (indented by 2), when the module lacks one.
pub struct Additions {
    /// The project name, for a new file's header.
    pub name: String,
    pub required_version: &'static str,
    pub backend: Option<String>,
    pub providers: Option<String>,
}

/// The merge into the file of `dir` that holds the `terraform` block, or a
/// new `versions.tf` when no file has one.
pub fn merge(files: &Files, dir: &str, add: &Additions) -> anyhow::Result<Option<Planned>> {
    let names: Vec<String> = files
        .names_in(dir)
        .into_iter()
        .filter(|n| n.ends_with(".tf") && files.exists(&Files::join(dir, n)))
        .collect();
    // What the whole module already sets.
    let mut has_version = false;
    let mut has_backend = false;
    let mut has_providers = false;
    let mut target: Option<(String, String, usize)> = None;
    for n in &names {
        let text = files
            .text(&Files::join(dir, n))
            .map_err(|e| anyhow::anyhow!("{dir}/{n}: cannot read: {e}"))?
            .unwrap_or_default();
        // hcl-edit keeps about 65 bytes per byte of source (a 9.4 MB `.tf`
        // took 500 MB here): past the size the checks parse, add by hand.
        if let Some(why) = crate::views::terraform::parse_budget::too_large(text.len(), false) {
            anyhow::bail!("{dir}/{n}: {why}; add the settings by hand");
        }
        let Ok(body) = hcl::edit::parser::parse_body(text) else {
            anyhow::bail!("{dir}/{n}: does not parse; fix it before scaffolding terraform");
        };
        for s in body.iter() {
            let Structure::Block(b) = s else { continue };
            if b.ident.as_str() != "terraform" {
                continue;
            }
            has_version |= b.body.has_attribute("required_version");
            has_backend |= b.body.has_blocks("backend") || b.body.has_blocks("cloud");
            has_providers |= b.body.has_blocks("required_providers");
            if target.is_none()
                && let Some(span) = b.span()
            {
                target = Some((n.clone(), text.to_string(), span.end));
            }
        }
    }
    let Some((file, text, end)) = target else {
        // No `terraform` block in the module: one new file holds it.
        let path = if dir.is_empty() || dir == "." {
            "versions.tf".to_string()
        } else {
            format!("{dir}/versions.tf")
        };
        let mut t = format!(
            "# Terraform and provider versions for {}, written by `readyctl scaffold terraform`.\n# Commit .terraform.lock.hcl after the first `terraform init`.\nterraform {{\n  required_version = \"{}\"\n",
            add.name, add.required_version
        );
        if let Some(p) = &add.providers {
            t.push('\n');
            t.push_str(p);
        }
        if !has_backend && let Some(b) = &add.backend {
            t.push('\n');
            t.push_str(b);
        }
        t.push_str("}\n");
        return Ok(Some(Planned::create(path, t)));
    };
    let path = if dir.is_empty() || dir == "." {
        file.clone()
    } else {
        format!("{dir}/{file}")
    };
    let mut block = String::new();
    let mut added = Vec::new();
    if !has_version {
        block.push_str(&format!(
            "  required_version = \"{}\"\n",
            add.required_version
        ));
        added.push("required_version");
    }
    if !has_providers && let Some(p) = &add.providers {
        block.push('\n');
        block.push_str(p);
        added.push("required_providers");
    }
    if !has_backend && let Some(b) = &add.backend {
        block.push('\n');
        block.push_str(b);
        added.push("backend");
    }
    if added.is_empty() {
        return Ok(Some(Planned::merge(
            path,
            text,
            "already pins Terraform and configures a backend",
        )));
    }
    // Before the line of the block's closing brace.
    let close = text[..end].rfind('}').unwrap_or(end);
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[..line_start];
    let closing_line = &text[line_start..];
    if !text[line_start..close].trim().is_empty() {
        anyhow::bail!(
            "{path}: the terraform block is written on one line; add {} by hand",
            added.join(", ")
        );
    }
    let mut new = String::with_capacity(text.len() + block.len() + 1);
    new.push_str(before);
    if !before.ends_with("{\n") && !before.ends_with("\n\n") {
        new.push('\n');
    }
    new.push_str(block.trim_start_matches('\n'));
    new.push_str(closing_line);
    // Read back with the checks' own parser: one terraform block, as before.
    let body = crate::views::terraform::parse_hcl(&new).map_err(|e| {
        anyhow::anyhow!(
            "{path}:{}: the merged file does not parse ({}); add by hand",
            e.line,
            e.message
        )
    })?;
    let tf_blocks = body.blocks("terraform").count();
    let rp = body
        .blocks("terraform")
        .map(|t| t.body.blocks("required_providers").count())
        .sum::<usize>();
    if tf_blocks != 1 || rp > 1 {
        anyhow::bail!(
            "{path}: merging would duplicate a block; add {} by hand",
            added.join(", ")
        );
    }
    Ok(Some(Planned::merge(
        path,
        new,
        &format!("added {}", added.join(", ")),
    )))
}

/// The provider version the lock file holds (`5.4.0` → `~> 5.4`), so that
/// a new pin agrees with what the repository already runs.
pub fn locked_pin(files: &Files, dir: &str, source: &str) -> Option<String> {
    let text = files
        .text(&Files::join(dir, ".terraform.lock.hcl"))
        .ok()??;
    let body = crate::views::terraform::parse_hcl(text).ok()?;
    let want = format!("registry.terraform.io/{source}");
    let b = body
        .blocks("provider")
        .find(|b| b.label() == want || b.label() == source)?;
    let v = b.body.attr("version")?.text.clone()?;
    let mut parts = v.split('.');
    Some(format!("~> {}.{}", parts.next()?, parts.next()?))
}
