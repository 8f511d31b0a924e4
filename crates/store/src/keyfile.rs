//! Key files: 32-byte secrets kept as hex in files of shouhu's account only, shared by the
//! backup key (decision 92) and the data key (decision 97).

use crate::error::StoreError;
use std::path::Path;

/// A 32-byte secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret([u8; 32]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// A new random secret from the operating system's generator (through `rand`'s).
    pub fn random() -> Secret {
        let mut bytes = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut bytes);
        Secret(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Secret {
        Secret(bytes)
    }

    /// 64 hex digits (surrounding white space ignored).
    pub fn parse_hex(text: &str) -> Option<Secret> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(Secret(bytes.try_into().ok()?))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// HKDF-SHA256 of the secret with `salt` and the label `info`, filling `out`.
    pub fn derive(&self, salt: Option<&[u8]>, info: &[u8], out: &mut [u8]) {
        // Outputs up to 255 × 32 bytes are within HKDF-SHA256's limit; ours are 16 to 32.
        let _ = hkdf::Hkdf::<sha2::Sha256>::new(salt, &self.0).expand(info, out);
    }
}

/// Reads a key file, refusing one that others on the machine can read.
pub fn read(path: &Path) -> Result<String, StoreError> {
    let failed = |e: std::io::Error| StoreError::Config(format!("reading the key file {}: {e}", path.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(failed)?;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(StoreError::Config(format!(
                "the key file {} can be read by others: `chmod 600` it first",
                path.display()
            )));
        }
    }
    std::fs::read_to_string(path).map_err(failed)
}

/// A new file, 0600, that must not exist yet.
pub fn create(path: &Path) -> Result<std::fs::File, StoreError> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path).map_err(|e| StoreError::Config(format!("creating {}: {e}", path.display())))
}

/// Replaces a key file's text in one step (a new 0600 file beside it, synced, renamed over it),
/// so that a crash leaves the old text or the new, never half of either.
pub fn replace(path: &Path, text: &str) -> Result<(), StoreError> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = std::path::PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let failed = |e: std::io::Error| StoreError::Config(format!("writing {}: {e}", path.display()));
    let mut f = create(&tmp)?;
    f.write_all(text.as_bytes()).map_err(failed)?;
    f.sync_all().map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(failed)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir).and_then(|d| d.sync_all()).ok();
    }
    Ok(())
}

/// The folder a file is in (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// `a` lies inside the folder `dir` (both as they are on disk, where they exist).
pub fn inside(a: &Path, dir: &Path) -> bool {
    let canon = |p: &Path| {
        std::fs::canonicalize(p).ok().or_else(|| Some(std::fs::canonicalize(folder_of(p)).ok()?.join(p.file_name()?)))
    };
    match (canon(a), canon(dir)) {
        (Some(a), Some(d)) => a.starts_with(d),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_reads_from_hex_and_a_key_file_open_to_others_is_refused() {
        let s = Secret::random();
        assert_eq!(Secret::parse_hex(&format!("{}\n", s.to_hex())), Some(s.clone()));
        assert!(Secret::parse_hex("abcd").is_none());
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("k");
        {
            use std::io::Write;
            let mut f = create(&path).expect("create");
            writeln!(f, "{}", s.to_hex()).expect("write");
        }
        assert!(create(&path).is_err(), "an existing file is never overwritten");
        assert_eq!(Secret::parse_hex(&read(&path).expect("read")), Some(s));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(read(&path).is_err());
        }
        replace(&dir.path().join("r"), "x").expect("replace");
        replace(&dir.path().join("r"), "y").expect("replace again");
        assert_eq!(read(&dir.path().join("r")).expect("read"), "y");
        assert!(inside(&dir.path().join("r"), dir.path()));
        assert!(!inside(dir.path(), &dir.path().join("sub")));
    }
}
