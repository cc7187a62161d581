//! Mount-point I/O against a real temporary directory: allowlist resolution (`..`, symlinks,
//! prefix tricks, absolute paths elsewhere), reading with every skip reason, atomic writes.

// Tests may unwrap and index.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/scratch.rs"]
mod scratch;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use examples::mount::{MountError, MountPoint, SkipReason, Skipped};
use feed_mapping::feed::{FeedConfig, MountAccess, NoSecrets, RefusalReason};
use taxii1_core::size::{SizeLimit, TooLarge};

use scratch::Scratch;

/// `path`, created with its parents.
fn made(path: PathBuf) -> PathBuf {
    fs::create_dir_all(&path).unwrap();
    path
}

fn refusal_reason(result: Result<MountPoint, MountError>) -> RefusalReason {
    match result {
        Err(MountError::Refused(refusal)) => refusal.reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn allowed_directories_open() {
    let scratch = Scratch::new("mount-point-allowed");
    let allowed = made(scratch.join("allowed"));
    let sub = made(scratch.join("allowed/partner"));
    let allowlist = [allowed.clone()];
    assert_eq!(
        MountPoint::open_incoming(&allowed, &allowlist)
            .unwrap()
            .dir(),
        allowed
    );
    assert_eq!(
        MountPoint::open_incoming(&sub, &allowlist).unwrap().dir(),
        sub
    );
    // `..` that stays inside resolves to an allowed directory.
    let back_inside = allowed.join("partner/../partner");
    assert_eq!(
        MountPoint::open_incoming(&back_inside, &allowlist)
            .unwrap()
            .dir(),
        sub
    );
    assert_eq!(
        MountPoint::open_outgoing(&sub, &allowlist)
            .unwrap()
            .access(),
        MountAccess::Push
    );
}

#[test]
fn escapes_are_refused_after_resolution() {
    let scratch = Scratch::new("mount-point-escapes");
    let allowed = made(scratch.join("mnt"));
    let outside = made(scratch.join("outside"));
    let prefix_twin = made(scratch.join("mntx"));
    let allowlist = [allowed.clone()];

    let dot_dot = allowed.join("../outside");
    assert_eq!(
        refusal_reason(MountPoint::open_incoming(&dot_dot, &allowlist)),
        RefusalReason::OutsideAllowlist
    );
    assert_eq!(
        refusal_reason(MountPoint::open_incoming(&prefix_twin, &allowlist)),
        RefusalReason::OutsideAllowlist
    );
    assert_eq!(
        refusal_reason(MountPoint::open_incoming(&outside, &allowlist)),
        RefusalReason::OutsideAllowlist
    );
    assert_eq!(
        refusal_reason(MountPoint::open_incoming(Path::new("/"), &allowlist)),
        RefusalReason::OutsideAllowlist
    );

    // A symlink inside the allowed directory that leads outside.
    let link = allowed.join("sneaky");
    symlink(&outside, &link).unwrap();
    match MountPoint::open_incoming(&link, &allowlist) {
        Err(MountError::Refused(refusal)) => {
            assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
            assert_eq!(refusal.path, outside, "the refusal names the resolved path");
            assert_eq!(refusal.allowlist, std::slice::from_ref(&allowed));
        }
        other => panic!("{other:?}"),
    }

    // An empty allowlist allows nothing, and the push list does not govern polling.
    assert_eq!(
        refusal_reason(MountPoint::open_incoming(&allowed, &[])),
        RefusalReason::EmptyAllowlist
    );
}

#[test]
fn allowlist_roots_are_resolved_too() {
    let scratch = Scratch::new("mount-point-roots");
    let real = made(scratch.join("real/feeds"));
    let alias = scratch.join("alias");
    symlink(scratch.join("real"), &alias).unwrap();
    // The allowlist names the symlink; the directory is given by its real path, and vice versa.
    assert_eq!(
        MountPoint::open_incoming(&real, std::slice::from_ref(&alias))
            .unwrap()
            .dir(),
        real
    );
    assert_eq!(
        MountPoint::open_incoming(&alias.join("feeds"), &[scratch.join("real")])
            .unwrap()
            .dir(),
        real
    );
    // A root that does not exist allows nothing.
    let missing_root = [scratch.join("missing")];
    assert_eq!(
        refusal_reason(MountPoint::open_incoming(&real, &missing_root)),
        RefusalReason::EmptyAllowlist
    );
}

#[test]
fn missing_and_non_directory_paths() {
    let scratch = Scratch::new("mount-point-missing");
    let allowed = made(scratch.join("in"));
    let allowlist = [allowed.clone()];
    match MountPoint::open_incoming(&allowed.join("nope"), &allowlist) {
        Err(MountError::Resolve { path, source }) => {
            assert_eq!(path, allowed.join("nope"));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    fs::write(allowed.join("file"), b"x").unwrap();
    match MountPoint::open_incoming(&allowed.join("file"), &allowlist) {
        Err(MountError::NotADirectory { path }) => assert_eq!(path, allowed.join("file")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reading_reports_everything_it_skips() {
    let scratch = Scratch::new("mount-point-read");
    let dir = made(scratch.join("in"));
    let outside = made(scratch.join("outside"));
    fs::write(outside.join("secret.json"), b"outside").unwrap();
    let limit = SizeLimit::new(8).unwrap();

    fs::write(dir.join("a-exact.json"), b"12345678").unwrap();
    fs::write(dir.join("b-too-large.json"), b"123456789").unwrap();
    fs::write(dir.join("c-empty.json"), b"").unwrap();
    fs::write(dir.join("d-donn\u{e9}es-\u{1F4E6}.json"), b"unicode").unwrap();
    fs::create_dir(dir.join("e-subdir")).unwrap();
    symlink(outside.join("secret.json"), dir.join("f-escape.json")).unwrap();
    symlink(dir.join("a-exact.json"), dir.join("g-inside-link.json")).unwrap();
    symlink(dir.join("missing.json"), dir.join("h-broken.json")).unwrap();
    fs::write(dir.join(".i.json.123.0.tmp"), b"half").unwrap();

    let read = MountPoint::open_incoming(&dir, std::slice::from_ref(&dir))
        .unwrap()
        .read_packages(limit)
        .unwrap();
    let names: Vec<_> = read
        .packages
        .iter()
        .map(|(path, bytes)| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                bytes.clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("a-exact.json".to_owned(), b"12345678".to_vec()),
            ("c-empty.json".to_owned(), Vec::new()),
            (
                "d-donn\u{e9}es-\u{1F4E6}.json".to_owned(),
                b"unicode".to_vec()
            ),
            ("g-inside-link.json".to_owned(), b"12345678".to_vec()),
        ]
    );
    let broken = read
        .skipped
        .iter()
        .find(|skipped| skipped.path == dir.join("h-broken.json"))
        .unwrap();
    assert!(
        matches!(broken.reason, SkipReason::BrokenSymlink(_)),
        "{broken:?}"
    );
    let others: Vec<Skipped> = read
        .skipped
        .iter()
        .filter(|skipped| skipped.path != dir.join("h-broken.json"))
        .cloned()
        .collect();
    assert_eq!(
        others,
        [
            Skipped {
                path: dir.join(".i.json.123.0.tmp"),
                reason: SkipReason::TemporaryFile
            },
            Skipped {
                path: dir.join("b-too-large.json"),
                reason: SkipReason::TooLarge(TooLarge { size: 9, limit: 8 })
            },
            Skipped {
                path: dir.join("e-subdir"),
                reason: SkipReason::NotAFile
            },
            Skipped {
                path: dir.join("f-escape.json"),
                reason: SkipReason::SymlinkOutside {
                    target: outside.join("secret.json")
                },
            },
        ]
    );
    assert_eq!(
        read.packages.len() + read.skipped.len(),
        9,
        "every entry is accounted for"
    );
}

#[test]
fn writes_are_atomic_and_names_are_plain() {
    let scratch = Scratch::new("mount-point-write");
    let out = made(scratch.join("out"));
    let mount = MountPoint::open_outgoing(&out, std::slice::from_ref(&out)).unwrap();

    let path = mount
        .write_package_atomic("run-1.json", b"{\"entities\": []}")
        .unwrap();
    assert_eq!(path, out.join("run-1.json"));
    assert_eq!(fs::read(&path).unwrap(), b"{\"entities\": []}");
    // Replacing a package swaps the whole file.
    mount.write_package_atomic("run-1.json", b"second").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"second");
    // No temporary file is left behind.
    let entries: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["run-1.json"]);

    for bad in ["../escape.json", "sub/x.json", ".hidden", "..", ""] {
        match mount.write_package_atomic(bad, b"x") {
            Err(MountError::InvalidPackageName { name, .. }) => assert_eq!(name, bad),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert!(!scratch.join("escape.json").exists());

    // A planted symlink at the target name is replaced, not followed.
    let victim = scratch.join("victim.txt");
    fs::write(&victim, b"untouched").unwrap();
    symlink(&victim, out.join("planted.json")).unwrap();
    mount
        .write_package_atomic("planted.json", b"package")
        .unwrap();
    assert_eq!(fs::read(&victim).unwrap(), b"untouched");
    assert_eq!(fs::read(out.join("planted.json")).unwrap(), b"package");
}

#[test]
fn written_packages_read_back_and_directions_are_enforced() {
    let scratch = Scratch::new("mount-point-roundtrip");
    let dir = made(scratch.join("exchange"));
    let outgoing = MountPoint::open_outgoing(&dir, std::slice::from_ref(&dir)).unwrap();
    outgoing.write_package_atomic("p1.json", b"one").unwrap();
    outgoing.write_package_atomic("p2.json", b"two").unwrap();
    let incoming = MountPoint::open_incoming(&dir, std::slice::from_ref(&dir)).unwrap();
    let read = incoming.read_packages(SizeLimit::default()).unwrap();
    assert_eq!(
        read.packages,
        [
            (dir.join("p1.json"), b"one".to_vec()),
            (dir.join("p2.json"), b"two".to_vec())
        ]
    );
    assert!(read.skipped.is_empty());

    match incoming.write_package_atomic("p3.json", b"x") {
        Err(MountError::WrongAccess {
            needed: MountAccess::Push,
            opened_for: MountAccess::Poll,
        }) => {}
        other => panic!("{other:?}"),
    }
    match outgoing.read_packages(SizeLimit::default()) {
        Err(MountError::WrongAccess {
            needed: MountAccess::Poll,
            opened_for: MountAccess::Push,
        }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn feed_config_allowlists_drive_the_io_layer() {
    let scratch = Scratch::new("mount-point-config");
    let incoming_root = made(scratch.join("feeds/in"));
    let partner = made(scratch.join("feeds/in/partner"));
    let text = format!(
        "[mount_points]\npoll_allowlist = [{:?}]\n[[incoming]]\nname = \"drop\"\ntransport = \"mount-point\"\ncontent_type = \"eclecticiq-json\"\n[incoming.mount_point]\npath = {:?}\n",
        incoming_root.display().to_string(),
        partner.display().to_string(),
    );
    let config = FeedConfig::from_toml_str(&text, "mount.toml", &NoSecrets).unwrap();
    let feed_mapping::feed::Transport::MountPoint(settings) = &config.incoming[0].transport else {
        panic!()
    };
    let mount = MountPoint::open(&settings.path, &config.mount_points, MountAccess::Poll).unwrap();
    assert_eq!(mount.dir(), partner);
    assert_eq!(
        refusal_reason(MountPoint::open(
            &settings.path,
            &config.mount_points,
            MountAccess::Push
        )),
        RefusalReason::EmptyAllowlist
    );
}
