//! Arbitrary paths and allowlists into feed-mapping's mount-point policy.
//!
//! The policy is the only thing between a feed definition and the directories a mount-point
//! feed may read or write, so it is checked against an independent model written here on raw
//! bytes (Unix paths, `/` as the only separator):
//! - `MountPointPolicy::new` accepts exactly the allowlists whose entries are all plain
//!   absolute paths (start with `/`, no `.` or `..` segment);
//! - `check` allows a path only when it is plain absolute and inside, component-wise, one root
//!   of the allowlist for that access, and it allows every such path (no false refusals);
//! - a refusal names the right reason, the path and the allowlist, and prints without panic.
//!
//! Paths are built from the fuzz input either as raw bytes or from a small vocabulary of
//! troublesome segments (`.`, `..`, empty, prefix tricks like `mnt`/`mntx`), so both
//! structure-aware and byte-level cases are reached.

#![no_main]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use feed_mapping::feed::{MountAccess, MountPointPolicy, RefusalReason};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Segments that exercise the policy's edge cases.
const VOCABULARY: &[&[u8]] = &[
    b"",
    b".",
    b"..",
    b"mnt",
    b"mntx",
    b"feeds",
    b"a",
    b"...",
    b".hidden",
    b"\xff\xfe",
];

/// One path from the input: raw bytes, or segments joined by one or more slashes.
fn path_bytes(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    if u.ratio(1, 4)? {
        let len = u.int_in_range(0..=64)?;
        return Ok(u.bytes(len)?.to_vec());
    }
    let mut out = Vec::new();
    match u.int_in_range(0..=3)? {
        0 => {}
        1 | 2 => out.push(b'/'),
        _ => out.extend_from_slice(b"//"),
    }
    let segments = u.int_in_range(0..=6)?;
    for index in 0..segments {
        if index > 0 {
            let slashes = if u.ratio(1, 5)? { 2 } else { 1 };
            out.extend(std::iter::repeat_n(b'/', slashes));
        }
        let choice = u.choose_index(VOCABULARY.len() + 1)?;
        match VOCABULARY.get(choice) {
            Some(segment) => out.extend_from_slice(segment),
            None => {
                let len = u.int_in_range(0..=8)?;
                out.extend_from_slice(u.bytes(len)?);
            }
        }
    }
    if u.ratio(1, 4)? {
        out.push(b'/');
    }
    Ok(out)
}

fn to_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

/// The raw `/`-separated segments of a path (empty ones included).
fn raw_segments(path: &Path) -> impl Iterator<Item = &[u8]> {
    path.as_os_str().as_bytes().split(|byte| *byte == b'/')
}

/// The reason the model refuses the shape of `path`, or `None` for a plain absolute path.
fn model_shape_problem(path: &Path) -> Option<RefusalReason> {
    if !path.as_os_str().as_bytes().starts_with(b"/") {
        Some(RefusalReason::Relative)
    } else if raw_segments(path).any(|segment| segment == b"..") {
        Some(RefusalReason::ParentDirComponent)
    } else if raw_segments(path).any(|segment| segment == b".") {
        Some(RefusalReason::CurrentDirComponent)
    } else {
        None
    }
}

/// Whether `path` is `root` or below it, comparing non-empty segments whole.
fn model_inside(path: &Path, root: &Path) -> bool {
    let mut path_segments = raw_segments(path).filter(|segment| !segment.is_empty());
    raw_segments(root)
        .filter(|segment| !segment.is_empty())
        .all(|root_segment| path_segments.next() == Some(root_segment))
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut lists: [Vec<PathBuf>; 2] = [Vec::new(), Vec::new()];
    for list in &mut lists {
        let entries = u.int_in_range(0..=3)?;
        for _ in 0..entries {
            list.push(to_path(&path_bytes(u)?));
        }
    }
    let access = if u.arbitrary()? {
        MountAccess::Push
    } else {
        MountAccess::Poll
    };
    let path = to_path(&path_bytes(u)?);
    let [poll, push] = lists;

    let first_bad = poll
        .iter()
        .map(|entry| (MountAccess::Poll, entry))
        .chain(push.iter().map(|entry| (MountAccess::Push, entry)))
        .find_map(|(access, entry)| {
            model_shape_problem(entry).map(|reason| (access, entry, reason))
        });
    let policy = match (MountPointPolicy::new(poll.clone(), push.clone()), first_bad) {
        (Ok(policy), None) => policy,
        (Err(refusal), Some((access, entry, reason))) => {
            assert_eq!(
                refusal.access, access,
                "refused allowlist names the wrong access"
            );
            assert_eq!(
                &refusal.path, entry,
                "refused allowlist names the wrong entry"
            );
            assert_eq!(
                refusal.reason, reason,
                "allowlist entry refused for the wrong reason"
            );
            let _ = refusal.to_string();
            return Ok(());
        }
        (Ok(_), Some((_, entry, reason))) => {
            panic!("allowlist entry {entry:?} accepted though it is not plain ({reason:?})")
        }
        (Err(refusal), None) => panic!("plain allowlists refused: {refusal:?}"),
    };

    let allowlist = match access {
        MountAccess::Poll => &poll,
        MountAccess::Push => &push,
    };
    assert_eq!(policy.allowlist(access), allowlist.as_slice());

    let expected = match model_shape_problem(&path) {
        Some(reason) => Err(reason),
        None if allowlist.is_empty() => Err(RefusalReason::EmptyAllowlist),
        None if allowlist.iter().any(|root| model_inside(&path, root)) => Ok(()),
        None => Err(RefusalReason::OutsideAllowlist),
    };
    match (policy.check(access, &path), expected) {
        (Ok(()), Ok(())) => {}
        (Ok(()), Err(reason)) => {
            panic!("{path:?} allowed for {access:?} with {allowlist:?}; the model says {reason:?}")
        }
        (Err(refusal), Ok(())) => {
            panic!("{path:?} refused for {access:?} with {allowlist:?} though inside: {refusal:?}")
        }
        (Err(refusal), Err(reason)) => {
            assert_eq!(
                refusal.reason, reason,
                "{path:?} refused for the wrong reason"
            );
            assert_eq!(refusal.path, path);
            assert_eq!(refusal.access, access);
            assert_eq!(&refusal.allowlist, allowlist);
            let _ = refusal.to_string();
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
