//! Mount-point transport: the file-system half of mount-point feeds.
//!
//! Incoming mount-point feeds read package files from a directory on the poll allowlist;
//! outgoing ones write each run's packages into a directory on the push allowlist. This module
//! does the I/O; the decision which directory is allowed is the pure
//! [`MountPointPolicy`] of `feed-mapping`.
//!
//! Safety rules:
//! - The feed directory and every allowlist root are resolved with [`std::fs::canonicalize`]
//!   before the policy compares them, so `..`, symlinks that lead elsewhere and prefix tricks
//!   (`/mnt` vs `/mntx`) are refused with a [`PathRefusal`].
//! - Reading never skips silently: a file that is too large, unreadable, not a regular file, a
//!   symlink leading out of the directory, or an unfinished temporary file is returned in
//!   [`ReadPackages::skipped`] with the reason.
//! - Writing is atomic: the package goes to a temporary file in the same directory, is flushed
//!   to disk, then renamed into place, so a crash leaves at most a `.*.tmp` file (which readers
//!   report and skip), never half a package.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use feed_mapping::feed::{MountAccess, MountPointPolicy, PathRefusal};
use taxii1_core::size::{SizeLimit, TooLarge};

/// Suffix of the temporary files that [`MountPoint::write_package_atomic`] renames into place.
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// Everything that stops a mount-point operation as a whole (per-file problems while reading
/// are [`Skipped`] entries instead).
#[derive(Debug)]
#[non_exhaustive]
pub enum MountError {
    /// The directory (or its parent chain) cannot be resolved, e.g. it does not exist.
    Resolve {
        /// The directory as given.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The resolved path is not a directory.
    NotADirectory {
        /// The resolved path.
        path: PathBuf,
    },
    /// The policy refuses the resolved directory.
    Refused(Box<PathRefusal>),
    /// The mount point was opened for the other direction (reading an outgoing one, writing an
    /// incoming one).
    WrongAccess {
        /// What the operation needs.
        needed: MountAccess,
        /// What the mount point was opened for.
        opened_for: MountAccess,
    },
    /// The directory cannot be listed.
    List {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A package name that is not a plain file name.
    InvalidPackageName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Writing, flushing or renaming a package failed; no partial package was left behind.
    Write {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl fmt::Display for MountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Resolve { path, source } => {
                write!(
                    f,
                    "cannot resolve mount point `{}`: {source}",
                    path.display()
                )
            }
            Self::NotADirectory { path } => {
                write!(f, "mount point `{}` is not a directory", path.display())
            }
            Self::Refused(refusal) => write!(f, "{refusal}"),
            Self::WrongAccess { needed, opened_for } => write!(
                f,
                "mount point opened for {opened_for} access cannot be used for {needed} access"
            ),
            Self::List { path, source } => {
                write!(f, "cannot list mount point `{}`: {source}", path.display())
            }
            Self::InvalidPackageName { name, reason } => {
                write!(f, "invalid package name {name:?}: {reason}")
            }
            Self::Write { path, source } => {
                write!(f, "cannot write package `{}`: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for MountError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Resolve { source, .. }
            | Self::List { source, .. }
            | Self::Write { source, .. } => Some(source),
            Self::Refused(refusal) => Some(refusal.as_ref()),
            Self::NotADirectory { .. }
            | Self::WrongAccess { .. }
            | Self::InvalidPackageName { .. } => None,
        }
    }
}

/// Why a directory entry was not returned as a package.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The file is larger than the package size limit.
    TooLarge(TooLarge),
    /// The file could not be opened or read (the I/O error's text).
    Unreadable(String),
    /// A symlink whose target lies outside the mount point.
    SymlinkOutside {
        /// The resolved target.
        target: PathBuf,
    },
    /// A symlink whose target does not exist (the I/O error's text).
    BrokenSymlink(String),
    /// Not a regular file (a directory, socket, FIFO, device).
    NotAFile,
    /// A temporary file of a write in progress (or of one that crashed).
    TemporaryFile,
    /// The file was replaced between the checks and the read.
    ChangedWhileReading,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge(too_large) => write!(f, "{too_large}"),
            Self::Unreadable(error) => write!(f, "unreadable: {error}"),
            Self::SymlinkOutside { target } => {
                write!(
                    f,
                    "symlink leads outside the mount point to `{}`",
                    target.display()
                )
            }
            Self::BrokenSymlink(error) => write!(f, "broken symlink: {error}"),
            Self::NotAFile => f.write_str("not a regular file"),
            Self::TemporaryFile => f.write_str("temporary file of an unfinished write"),
            Self::ChangedWhileReading => f.write_str("file was replaced while being read"),
        }
    }
}

/// A directory entry that was not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's path inside the mount point.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// The result of reading a mount point: packages and everything that was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadPackages {
    /// `(path, bytes)` of every package read, in file-name order.
    pub packages: Vec<(PathBuf, Vec<u8>)>,
    /// Entries that were not read, in file-name order.
    pub skipped: Vec<Skipped>,
}

/// A resolved, policy-checked directory of a mount-point feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountPoint {
    dir: PathBuf,
    access: MountAccess,
}

impl MountPoint {
    /// Opens `dir` for an incoming feed, if it lies on the `poll_allowlist`.
    ///
    /// # Errors
    /// See [`MountPoint::open`].
    pub fn open_incoming(dir: &Path, poll_allowlist: &[PathBuf]) -> Result<Self, MountError> {
        Self::open_with_roots(dir, poll_allowlist, MountAccess::Poll)
    }

    /// Opens `dir` for an outgoing feed, if it lies on the `push_allowlist`.
    ///
    /// # Errors
    /// See [`MountPoint::open`].
    pub fn open_outgoing(dir: &Path, push_allowlist: &[PathBuf]) -> Result<Self, MountError> {
        Self::open_with_roots(dir, push_allowlist, MountAccess::Push)
    }

    /// Opens `dir` for `access` under the allowlists of a loaded feed configuration.
    ///
    /// The directory and the allowlist roots are resolved first; roots that do not exist are
    /// left out (they cannot contain an existing directory).
    ///
    /// # Errors
    /// [`MountError::Resolve`] when `dir` cannot be resolved, [`MountError::NotADirectory`],
    /// and [`MountError::Refused`] when the resolved directory is not on the allowlist.
    pub fn open(
        dir: &Path,
        policy: &MountPointPolicy,
        access: MountAccess,
    ) -> Result<Self, MountError> {
        Self::open_with_roots(dir, policy.allowlist(access), access)
    }

    fn open_with_roots(
        dir: &Path,
        roots: &[PathBuf],
        access: MountAccess,
    ) -> Result<Self, MountError> {
        let resolved_roots: Vec<PathBuf> = roots
            .iter()
            .filter_map(|root| fs::canonicalize(root).ok())
            .collect();
        let resolved = fs::canonicalize(dir).map_err(|source| MountError::Resolve {
            path: dir.to_path_buf(),
            source,
        })?;
        let (poll, push) = match access {
            MountAccess::Poll => (resolved_roots, Vec::new()),
            MountAccess::Push => (Vec::new(), resolved_roots),
        };
        let policy = MountPointPolicy::new(poll, push)
            .map_err(|refusal| MountError::Refused(Box::new(refusal)))?;
        policy
            .check(access, &resolved)
            .map_err(|refusal| MountError::Refused(Box::new(refusal)))?;
        if !resolved.is_dir() {
            return Err(MountError::NotADirectory { path: resolved });
        }
        Ok(Self {
            dir: resolved,
            access,
        })
    }

    /// The resolved directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the mount point was opened for.
    pub fn access(&self) -> MountAccess {
        self.access
    }

    /// Reads every package file in the directory (not recursively), up to `limit` bytes each.
    ///
    /// Symlinks are followed only when their target stays inside the directory.
    ///
    /// # Errors
    /// [`MountError::WrongAccess`] on an outgoing mount point, [`MountError::List`] when the
    /// directory cannot be listed. Problems with single files are [`Skipped`] entries.
    pub fn read_packages(&self, limit: SizeLimit) -> Result<ReadPackages, MountError> {
        self.require(MountAccess::Poll)?;
        let listing = fs::read_dir(&self.dir).map_err(|source| MountError::List {
            path: self.dir.clone(),
            source,
        })?;
        let mut outcome = ReadPackages::default();
        let mut paths = Vec::new();
        for entry in listing {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(error) => outcome.skipped.push(Skipped {
                    path: self.dir.clone(),
                    reason: SkipReason::Unreadable(error.to_string()),
                }),
            }
        }
        paths.sort();
        for path in paths {
            match self.read_one(&path, limit) {
                Ok(bytes) => outcome.packages.push((path, bytes)),
                Err(reason) => outcome.skipped.push(Skipped { path, reason }),
            }
        }
        Ok(outcome)
    }

    fn read_one(&self, path: &Path, limit: SizeLimit) -> Result<Vec<u8>, SkipReason> {
        if path.file_name().is_some_and(is_temporary_name) {
            return Err(SkipReason::TemporaryFile);
        }
        let unreadable = |error: io::Error| SkipReason::Unreadable(error.to_string());
        let link_metadata = fs::symlink_metadata(path).map_err(unreadable)?;
        let (target, metadata) = if link_metadata.file_type().is_symlink() {
            let target = fs::canonicalize(path)
                .map_err(|error| SkipReason::BrokenSymlink(error.to_string()))?;
            if !target.starts_with(&self.dir) {
                return Err(SkipReason::SymlinkOutside { target });
            }
            let metadata = fs::metadata(&target).map_err(unreadable)?;
            (target, metadata)
        } else {
            (path.to_path_buf(), link_metadata)
        };
        if !metadata.is_file() {
            return Err(SkipReason::NotAFile);
        }
        limit
            .check_u64(metadata.len())
            .map_err(SkipReason::TooLarge)?;
        let file = File::open(&target).map_err(unreadable)?;
        let opened = file.metadata().map_err(unreadable)?;
        if !same_file(&metadata, &opened) {
            return Err(SkipReason::ChangedWhileReading);
        }
        // Read at most one byte past the limit, so a file that grew is caught without reading it all.
        let cap = u64::try_from(limit.bytes())
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let mut bytes = Vec::new();
        file.take(cap).read_to_end(&mut bytes).map_err(unreadable)?;
        limit.check(bytes.len()).map_err(SkipReason::TooLarge)?;
        Ok(bytes)
    }

    /// Writes one package as `name` in the directory, atomically: temporary file in the same
    /// directory, flushed to disk, renamed over `name`, directory flushed. An existing package
    /// of the same name is replaced as a whole. Returns the final path.
    ///
    /// # Errors
    /// [`MountError::WrongAccess`] on an incoming mount point, [`MountError::InvalidPackageName`]
    /// unless `name` is a plain file name (no separators, not `.`/`..`, not hidden, no NUL), and
    /// [`MountError::Write`] for I/O failures (the temporary file is removed again).
    pub fn write_package_atomic(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, MountError> {
        self.require(MountAccess::Push)?;
        check_package_name(name)?;
        let final_path = self.dir.join(name);
        let temporary = self.dir.join(temporary_name(name));
        let write_error = |path: &Path, source| MountError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(|source| write_error(&temporary, source))?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        if let Err(source) = written.and_then(|()| fs::rename(&temporary, &final_path)) {
            // Best effort: the write already failed; a leftover temporary file is reported by readers.
            let _ = fs::remove_file(&temporary);
            return Err(write_error(&final_path, source));
        }
        sync_directory(&self.dir).map_err(|source| write_error(&self.dir, source))?;
        Ok(final_path)
    }

    fn require(&self, needed: MountAccess) -> Result<(), MountError> {
        if self.access == needed {
            Ok(())
        } else {
            Err(MountError::WrongAccess {
                needed,
                opened_for: self.access,
            })
        }
    }
}

/// Whether `name` is a temporary file of [`MountPoint::write_package_atomic`].
fn is_temporary_name(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') && name.ends_with(TEMPORARY_SUFFIX)
}

/// A fresh temporary name for `name`: hidden, unique per process and call.
fn temporary_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let sequence = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        ".{name}.{}.{sequence}{TEMPORARY_SUFFIX}",
        std::process::id()
    )
}

/// Refuses anything but a plain, visible file name.
fn check_package_name(name: &str) -> Result<(), MountError> {
    let reason = if name.is_empty() {
        Some("the name is empty")
    } else if name == "." || name == ".." {
        Some("`.` and `..` are not file names")
    } else if name.contains(['/', '\\']) {
        Some("the name contains a path separator")
    } else if name.contains('\0') {
        Some("the name contains a NUL character")
    } else if name.starts_with('.') {
        Some("hidden names are reserved for temporary files")
    } else if name.len() > 200 {
        Some("the name is longer than 200 bytes")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(MountError::InvalidPackageName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Whether two metadata records describe the same file (device and inode on Unix).
#[cfg(unix)]
fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    checked.dev() == opened.dev() && checked.ino() == opened.ino()
}

/// Whether two metadata records describe the same file (size and type elsewhere).
#[cfg(not(unix))]
fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    checked.len() == opened.len() && checked.is_file() == opened.is_file()
}

/// Flushes the directory entry of a rename to disk (Unix); a no-op elsewhere.
#[cfg(unix)]
fn sync_directory(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Flushes the directory entry of a rename to disk (Unix); a no-op elsewhere.
#[cfg(not(unix))]
fn sync_directory(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        for good in ["package-1.json", "données.json", "a b.xml", "x"] {
            assert!(check_package_name(good).is_ok(), "{good}");
        }
        for (bad, reason) in [
            ("", "the name is empty"),
            (".", "`.` and `..` are not file names"),
            ("..", "`.` and `..` are not file names"),
            ("../x", "the name contains a path separator"),
            ("a/b", "the name contains a path separator"),
            ("a\\b", "the name contains a path separator"),
            ("a\0b", "the name contains a NUL character"),
            (".hidden", "hidden names are reserved for temporary files"),
        ] {
            let Err(MountError::InvalidPackageName {
                name,
                reason: actual,
            }) = check_package_name(bad)
            else {
                panic!("{bad:?} accepted");
            };
            assert_eq!((name.as_str(), actual), (bad, reason));
        }
    }

    #[test]
    fn temporary_names_are_recognised() {
        let name = temporary_name("p.json");
        assert!(is_temporary_name(OsStr::new(&name)), "{name}");
        assert_ne!(temporary_name("p.json"), name);
        assert!(!is_temporary_name(OsStr::new("p.json")));
        assert!(!is_temporary_name(OsStr::new("p.tmp")));
    }
}
