//! Which directories mount-point feeds may touch: the pure half of the mount-point transport.
//!
//! Incoming mount-point feeds read packages from a directory on the *poll allowlist*; outgoing
//! ones write packages into a directory on the *push allowlist*. An empty allowlist allows
//! nothing. This module only compares paths: the I/O layer (the `examples` crate) first resolves
//! the feed directory and every allowlist root with `std::fs::canonicalize`, so symlinks and `..`
//! are gone, and then asks [`MountPointPolicy::check`]. The check still refuses anything that is
//! not a plain absolute path (relative paths, `.` or `..` components), and it compares whole path
//! components, so `/mntx` is not inside `/mnt`.

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// What a feed wants to do with a mount point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MountAccess {
    /// Read packages (incoming feeds); governed by the poll allowlist.
    Poll,
    /// Write packages (outgoing feeds); governed by the push allowlist.
    Push,
}

impl MountAccess {
    /// The name of the allowlist that governs this access, as used in feed files.
    pub const fn allowlist_name(self) -> &'static str {
        match self {
            Self::Poll => "poll_allowlist",
            Self::Push => "push_allowlist",
        }
    }
}

impl fmt::Display for MountAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Poll => "poll (read)",
            Self::Push => "push (write)",
        })
    }
}

/// Why a path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The path is relative; only absolute, resolved paths can be checked.
    Relative,
    /// The path still contains a `.` component (it was not resolved).
    CurrentDirComponent,
    /// The path still contains a `..` component (it was not resolved).
    ParentDirComponent,
    /// The allowlist for this access is empty, which allows nothing.
    EmptyAllowlist,
    /// The path is not inside any allowlisted directory.
    OutsideAllowlist,
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Relative => "the path is relative; give an absolute path",
            Self::CurrentDirComponent => "the path contains a `.` component; resolve it first",
            Self::ParentDirComponent => "the path contains a `..` component; resolve it first",
            Self::EmptyAllowlist => "the allowlist is empty, which allows no directory",
            Self::OutsideAllowlist => "the path is not inside any allowlisted directory",
        })
    }
}

/// A path the policy will not let a feed touch, with the allowlist it was checked against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refusing {access} access to `{}`: {reason} ({}: {})", path.display(), access.allowlist_name(), DisplayList(allowlist))]
pub struct PathRefusal {
    /// The refused path (as given to the check).
    pub path: PathBuf,
    /// The access that was asked for.
    pub access: MountAccess,
    /// The allowlist the path was checked against.
    pub allowlist: Vec<PathBuf>,
    /// Why it was refused.
    pub reason: RefusalReason,
}

/// Prints an allowlist as `[/a, /b]`.
struct DisplayList<'a>(&'a [PathBuf]);

impl fmt::Display for DisplayList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (index, entry) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", entry.display())?;
        }
        f.write_str("]")
    }
}

/// The poll and push allowlists for mount-point feeds.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use feed_mapping::feed::{MountAccess, MountPointPolicy, RefusalReason};
///
/// let policy = MountPointPolicy::new(vec![PathBuf::from("/mnt/feeds")], vec![])?;
/// assert!(policy.check(MountAccess::Poll, Path::new("/mnt/feeds/alice")).is_ok());
/// let refusal = policy.check(MountAccess::Poll, Path::new("/mnt/feedsx")).unwrap_err();
/// assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
/// let refusal = policy.check(MountAccess::Push, Path::new("/mnt/feeds/alice")).unwrap_err();
/// assert_eq!(refusal.reason, RefusalReason::EmptyAllowlist);
/// # Ok::<(), feed_mapping::feed::PathRefusal>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MountPointPolicy {
    poll_allowlist: Vec<PathBuf>,
    push_allowlist: Vec<PathBuf>,
}

impl MountPointPolicy {
    /// A policy that allows nothing (both allowlists empty); the safe default.
    pub fn deny_all() -> Self {
        Self::default()
    }

    /// A policy from the two allowlists.
    ///
    /// # Errors
    /// [`PathRefusal`] for the first entry that is not a plain absolute path (relative, or with
    /// `.`/`..` components): an allowlist entry that is not resolved cannot be compared safely.
    pub fn new(
        poll_allowlist: Vec<PathBuf>,
        push_allowlist: Vec<PathBuf>,
    ) -> Result<Self, PathRefusal> {
        for (access, list) in [
            (MountAccess::Poll, &poll_allowlist),
            (MountAccess::Push, &push_allowlist),
        ] {
            for entry in list {
                if let Some(reason) = shape_problem(entry) {
                    return Err(PathRefusal {
                        path: entry.clone(),
                        access,
                        allowlist: list.clone(),
                        reason,
                    });
                }
            }
        }
        Ok(Self {
            poll_allowlist,
            push_allowlist,
        })
    }

    /// The allowlist that governs `access`.
    pub fn allowlist(&self, access: MountAccess) -> &[PathBuf] {
        match access {
            MountAccess::Poll => &self.poll_allowlist,
            MountAccess::Push => &self.push_allowlist,
        }
    }

    /// Whether a feed may perform `access` on the directory `path`.
    ///
    /// `path` must already be resolved (absolute, symlinks followed, no `.`/`..`): the I/O layer
    /// canonicalizes it, and the allowlist roots, before calling this. The path may be an
    /// allowlisted directory itself or lie anywhere below one; components are compared whole.
    ///
    /// # Errors
    /// [`PathRefusal`] naming the path, the allowlist and the [`RefusalReason`].
    pub fn check(&self, access: MountAccess, path: &Path) -> Result<(), PathRefusal> {
        let allowlist = self.allowlist(access);
        let refuse = |reason| PathRefusal {
            path: path.to_path_buf(),
            access,
            allowlist: allowlist.to_vec(),
            reason,
        };
        if let Some(reason) = shape_problem(path) {
            return Err(refuse(reason));
        }
        if allowlist.is_empty() {
            return Err(refuse(RefusalReason::EmptyAllowlist));
        }
        if allowlist.iter().any(|root| path.starts_with(root)) {
            Ok(())
        } else {
            Err(refuse(RefusalReason::OutsideAllowlist))
        }
    }
}

/// Why `path` is not a plain absolute path, if it is not one.
///
/// `Path::components` silently drops inner `.` components, so those are found on the raw
/// segments instead.
fn shape_problem(path: &Path) -> Option<RefusalReason> {
    if !path.is_absolute() {
        return Some(RefusalReason::Relative);
    }
    if path
        .components()
        .any(|component| component == Component::ParentDir)
    {
        return Some(RefusalReason::ParentDirComponent);
    }
    let has_dot_segment = path
        .as_os_str()
        .as_encoded_bytes()
        .split(|byte| byte.is_ascii() && std::path::is_separator(char::from(*byte)))
        .any(|segment| segment == b".");
    has_dot_segment.then_some(RefusalReason::CurrentDirComponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> MountPointPolicy {
        MountPointPolicy::new(
            vec![PathBuf::from("/mnt"), PathBuf::from("/srv/feeds/in")],
            vec![PathBuf::from("/srv/feeds/out")],
        )
        .unwrap()
    }

    #[test]
    fn inside_and_equal_paths_are_allowed() {
        let policy = policy();
        for ok in [
            "/mnt",
            "/mnt/",
            "/mnt/a/b",
            "/srv/feeds/in/x",
            "/mnt//double",
        ] {
            assert_eq!(
                policy.check(MountAccess::Poll, Path::new(ok)),
                Ok(()),
                "{ok}"
            );
        }
        assert_eq!(
            policy.check(MountAccess::Push, Path::new("/srv/feeds/out/run-1")),
            Ok(())
        );
    }

    #[test]
    fn prefix_tricks_are_outside() {
        let policy = policy();
        for bad in [
            "/mntx",
            "/mnt-other/a",
            "/srv/feeds/inbox",
            "/srv/feeds",
            "/",
        ] {
            let refusal = policy.check(MountAccess::Poll, Path::new(bad)).unwrap_err();
            assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist, "{bad}");
            assert_eq!(refusal.path, PathBuf::from(bad));
            assert_eq!(refusal.access, MountAccess::Poll);
            assert_eq!(refusal.allowlist, policy.allowlist(MountAccess::Poll));
        }
    }

    #[test]
    fn poll_and_push_lists_are_separate() {
        let policy = policy();
        let refusal = policy
            .check(MountAccess::Push, Path::new("/mnt/a"))
            .unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
        let refusal = policy
            .check(MountAccess::Poll, Path::new("/srv/feeds/out"))
            .unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
    }

    #[test]
    fn unresolved_paths_are_refused() {
        let policy = policy();
        let cases = [
            ("mnt/a", RefusalReason::Relative),
            ("./mnt", RefusalReason::Relative),
            ("", RefusalReason::Relative),
            ("/mnt/../etc", RefusalReason::ParentDirComponent),
            ("/mnt/a/..", RefusalReason::ParentDirComponent),
            ("/mnt/./a", RefusalReason::CurrentDirComponent),
            ("/mnt/a/.", RefusalReason::CurrentDirComponent),
        ];
        for (path, reason) in cases {
            let refusal = policy
                .check(MountAccess::Poll, Path::new(path))
                .unwrap_err();
            assert_eq!(refusal.reason, reason, "{path}");
        }
    }

    #[test]
    fn empty_allowlist_allows_nothing() {
        let policy = MountPointPolicy::deny_all();
        let refusal = policy
            .check(MountAccess::Poll, Path::new("/mnt"))
            .unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::EmptyAllowlist);
        assert_eq!(
            refusal.to_string(),
            "refusing poll (read) access to `/mnt`: the allowlist is empty, which allows no directory (poll_allowlist: [])"
        );
    }

    #[test]
    fn allowlist_entries_must_be_plain_absolute_paths() {
        let refusal = MountPointPolicy::new(vec![PathBuf::from("feeds")], vec![]).unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::Relative);
        assert_eq!(refusal.access, MountAccess::Poll);
        let refusal =
            MountPointPolicy::new(vec![], vec![PathBuf::from("/srv/../etc")]).unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::ParentDirComponent);
        assert_eq!(refusal.access, MountAccess::Push);
    }

    #[test]
    fn refusal_message_names_path_and_allowlist() {
        let refusal = policy()
            .check(MountAccess::Poll, Path::new("/mntx/a"))
            .unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "refusing poll (read) access to `/mntx/a`: the path is not inside any allowlisted directory (poll_allowlist: [/mnt, /srv/feeds/in])"
        );
    }

    #[test]
    fn unicode_is_compared_byte_for_byte() {
        let policy =
            MountPointPolicy::new(vec![PathBuf::from("/srv/donn\u{e9}es")], vec![]).unwrap();
        assert_eq!(
            policy.check(MountAccess::Poll, Path::new("/srv/donn\u{e9}es/\u{1F4E6}")),
            Ok(())
        );
        // The decomposed spelling (e + combining accent) is a different directory on disk.
        let refusal = policy
            .check(MountAccess::Poll, Path::new("/srv/donne\u{301}es"))
            .unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
    }
}
