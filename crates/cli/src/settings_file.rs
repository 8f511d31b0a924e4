//! The settings document on disk (`shouhu.toml` beside the data, decision 52).

use anyhow::Context;
use shouhu_domain::settings::Settings;
use std::path::Path;

/// Reads the settings document at `path`, or writes one with every default (commented with
/// its unit and source) when there is none, so the operator finds every setting in one place.
/// A wrong value or an unknown key is an error naming the file and the key.
pub fn load(path: &Path) -> anyhow::Result<Settings> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            Settings::from_toml(&text).map_err(|e| anyhow::anyhow!("设置文件 / settings file {}：{e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(path, Settings::default_document())
                .with_context(|| format!("writing the default settings to {}", path.display()))?;
            tracing::info!(path = %path.display(), "wrote the default settings document");
            Ok(Settings::default())
        }
        Err(e) => Err(e).with_context(|| format!("reading the settings file {}", path.display())),
    }
}
