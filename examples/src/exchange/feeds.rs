//! The Alice/Barbara feed definitions of the exchange: the built-in pair (the files
//! `examples/feeds/alice.toml` + `barbara.toml`, or the `-inbox` variants, compiled in) or a pair
//! loaded from a directory, pointed at the server actually used and checked with
//! [`feed_mapping::feed::check_pair`].

use std::path::{Path, PathBuf};

use feed_mapping::feed::{
    BasicAuth, FeedConfig, FeedDefinition, PackageSizeLimits, Secret, SecretResolver,
    TaxiiSettings, check_pair,
};
use taxii1_core::Version;
use url::Url;

use super::{Error, Mode};

/// The built-in poll pair, the very files in `examples/feeds/`.
const ALICE_POLL: (&str, &str) = ("alice.toml", include_str!("../../feeds/alice.toml"));
const BARBARA_POLL: (&str, &str) = ("barbara.toml", include_str!("../../feeds/barbara.toml"));
/// The built-in inbox pair.
const ALICE_INBOX: (&str, &str) = (
    "alice-inbox.toml",
    include_str!("../../feeds/alice-inbox.toml"),
);
const BARBARA_INBOX: (&str, &str) = (
    "barbara-inbox.toml",
    include_str!("../../feeds/barbara-inbox.toml"),
);

/// Where the feed definitions came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    /// The pair compiled into the binary (same text as `examples/feeds/`).
    BuiltIn,
    /// Files loaded from this directory.
    Dir(PathBuf),
}

/// Alice's outgoing feed and Barbara's incoming feed, after [`FeedPair::point_at`].
#[derive(Debug, Clone)]
pub struct FeedPair {
    /// File name of Alice's feed definitions (e.g. `alice.toml`).
    pub alice_file: String,
    /// File name of Barbara's feed definitions.
    pub barbara_file: String,
    /// Alice's outgoing TAXII feed.
    pub alice: FeedDefinition,
    /// Barbara's incoming TAXII feed.
    pub barbara: FeedDefinition,
    /// Barbara's package size limits (`MAX_BLOB_SIZE` applies to every polled package).
    pub barbara_limits: PackageSizeLimits,
    /// Where they came from.
    pub source: FeedSource,
}

/// Resolves `{ env = "NAME" }` secrets: the variable when it is set, else the run's password
/// (the embedded server's per-run password, or the one given for an external server), so the
/// shipped files work unchanged without exporting anything.
struct RunSecrets<'a> {
    fallback: &'a str,
}

impl SecretResolver for RunSecrets<'_> {
    fn resolve(&self, name: &str) -> Option<String> {
        std::env::var(name)
            .ok()
            .or_else(|| Some(self.fallback.to_owned()))
    }
}

/// Built-in feeds resolve every secret to the run's password, never the environment.
struct BuiltInSecrets<'a> {
    password: &'a str,
}

impl SecretResolver for BuiltInSecrets<'_> {
    fn resolve(&self, _name: &str) -> Option<String> {
        Some(self.password.to_owned())
    }
}

fn file_names(mode: Mode) -> [(&'static str, &'static str); 2] {
    match mode {
        Mode::Poll => [ALICE_POLL, BARBARA_POLL],
        Mode::Inbox => [ALICE_INBOX, BARBARA_INBOX],
    }
}

impl FeedPair {
    /// The built-in pair for `mode`, with `password` as every secret.
    ///
    /// # Errors
    /// [`Error::Feeds`] (not expected: the texts are the shipped files, tested to load).
    pub fn built_in(mode: Mode, password: &str) -> Result<Self, Error> {
        let [(alice_name, alice_text), (barbara_name, barbara_text)] = file_names(mode);
        let secrets = BuiltInSecrets { password };
        let alice = FeedConfig::from_source(alice_text, alice_name, &secrets)?;
        let barbara = FeedConfig::from_source(barbara_text, barbara_name, &secrets)?;
        Self::from_configs(
            mode,
            alice_name,
            &alice,
            barbara_name,
            &barbara,
            FeedSource::BuiltIn,
        )
    }

    /// The pair in `dir`: `alice.toml` and `barbara.toml` for poll, `alice-inbox.toml` and
    /// `barbara-inbox.toml` for inbox (a `.json` file of the same stem is used when the `.toml`
    /// is absent). Secrets come from the environment, else `fallback_password`.
    ///
    /// # Errors
    /// [`Error::ReadFeeds`] for a missing or unreadable file, [`Error::Feeds`] for one that
    /// does not load, [`Error::NoTaxiiFeed`] when a file has no TAXII feed of the mode.
    pub fn load_dir(mode: Mode, dir: &Path, fallback_password: &str) -> Result<Self, Error> {
        let [(alice_name, _), (barbara_name, _)] = file_names(mode);
        let secrets = RunSecrets {
            fallback: fallback_password,
        };
        let load = |name: &str| -> Result<(String, FeedConfig), Error> {
            let mut path = dir.join(name);
            if !path.is_file() {
                let json = path.with_extension("json");
                if json.is_file() {
                    path = json;
                }
            }
            let text = std::fs::read_to_string(&path).map_err(|source| Error::ReadFeeds {
                path: path.clone(),
                source,
            })?;
            let file = path.display().to_string();
            let config = FeedConfig::from_source(&text, &file, &secrets)?;
            Ok((file, config))
        };
        let (alice_file, alice) = load(alice_name)?;
        let (barbara_file, barbara) = load(barbara_name)?;
        Self::from_configs(
            mode,
            &alice_file,
            &alice,
            &barbara_file,
            &barbara,
            FeedSource::Dir(dir.to_owned()),
        )
    }

    fn from_configs(
        mode: Mode,
        alice_file: &str,
        alice: &FeedConfig,
        barbara_file: &str,
        barbara: &FeedConfig,
        source: FeedSource,
    ) -> Result<Self, Error> {
        let wanted = mode.transport_kind();
        let pick = |feeds: &[FeedDefinition], file: &str, side: &'static str| {
            feeds
                .iter()
                .find(|f| f.transport.kind() == wanted)
                .cloned()
                .ok_or_else(|| Error::NoTaxiiFeed {
                    file: file.to_owned(),
                    side,
                    transport: wanted.to_string(),
                })
        };
        Ok(Self {
            alice_file: alice_file.to_owned(),
            barbara_file: barbara_file.to_owned(),
            alice: pick(&alice.outgoing, alice_file, "outgoing")?,
            barbara: pick(&barbara.incoming, barbara_file, "incoming")?,
            barbara_limits: barbara.package_size_limits,
            source,
        })
    }

    /// Alice's TAXII settings.
    pub fn alice_taxii(&self) -> Option<&TaxiiSettings> {
        self.alice.transport.taxii()
    }

    /// Barbara's TAXII settings.
    pub fn barbara_taxii(&self) -> Option<&TaxiiSettings> {
        self.barbara.transport.taxii()
    }

    /// Speaks `version` on both sides (the `--taxii-version` option).
    pub fn set_version(&mut self, version: Version) {
        for feed in [&mut self.alice, &mut self.barbara] {
            if let Some(taxii) = feed.transport.taxii_mut() {
                taxii.version = version;
            }
        }
    }

    /// Points the connecting side's URLs (Barbara's for poll, Alice's for inbox) at the server
    /// whose discovery service is `discovery`: the discovery URL becomes `discovery`, and the
    /// poll and inbox URLs keep their path under its scheme, host and port. Returns a note for
    /// each URL that changed, for the summary.
    pub fn point_at(&mut self, mode: Mode, discovery: &Url) -> Vec<String> {
        let feed = match mode {
            Mode::Poll => &mut self.barbara,
            Mode::Inbox => &mut self.alice,
        };
        let name = feed.name.clone();
        let Some(taxii) = feed.transport.taxii_mut() else {
            return Vec::new();
        };
        let mut notes = Vec::new();
        let mut repoint = |field: &str, url: &mut Option<Url>, new: Url| {
            if url.as_ref() != Some(&new) {
                notes.push(format!(
                    "feed `{name}`: taxii.{field} {} -> {new}",
                    url.as_ref()
                        .map_or_else(|| "(unset)".to_owned(), Url::to_string)
                ));
                *url = Some(new);
            }
        };
        repoint("discovery_url", &mut taxii.discovery_url, discovery.clone());
        for (field, url) in [
            ("poll_url", &mut taxii.poll_url),
            ("inbox_url", &mut taxii.inbox_url),
        ] {
            let Some(old) = url.clone() else { continue };
            let mut new = discovery.clone();
            new.set_path(old.path());
            new.set_query(old.query());
            repoint(field, url, new);
        }
        notes
    }

    /// The pair check; the findings as an error when there are any.
    ///
    /// # Errors
    /// [`Error::PairCheck`] listing every finding.
    pub fn check(&self) -> Result<(), Error> {
        let findings = check_pair(&self.alice, &self.barbara);
        if findings.is_empty() {
            Ok(())
        } else {
            Err(Error::PairCheck {
                findings: findings.iter().map(ToString::to_string).collect(),
            })
        }
    }

    /// The credentials of the connecting side (Barbara for poll, Alice for inbox).
    pub fn connecting_credentials(&self, mode: Mode) -> Option<(&str, &Secret)> {
        let taxii = match mode {
            Mode::Poll => self.barbara_taxii(),
            Mode::Inbox => self.alice_taxii(),
        }?;
        credentials(taxii.basic_auth.as_ref())
    }

    /// The account the serving side requires, falling back to the connecting side's user name.
    pub fn serving_username(&self, mode: Mode) -> Option<String> {
        let (serving, connecting) = match mode {
            Mode::Poll => (self.alice_taxii(), self.barbara_taxii()),
            Mode::Inbox => (self.barbara_taxii(), self.alice_taxii()),
        };
        let from = |t: Option<&TaxiiSettings>| {
            t.and_then(|t| t.basic_auth.as_ref())
                .and_then(|a| a.username.clone())
        };
        from(serving).or_else(|| from(connecting))
    }
}

fn credentials(auth: Option<&BasicAuth>) -> Option<(&str, &Secret)> {
    let auth = auth?;
    Some((auth.username.as_deref()?, auth.password.as_ref()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_pairs_load_and_fit() {
        for (mode, alice, barbara) in [
            (Mode::Poll, "eiq-to-barbara", "eiq-from-alice"),
            (Mode::Inbox, "eiq-push-to-barbara", "eiq-pushed-by-alice"),
        ] {
            let pair = FeedPair::built_in(mode, "run-password").unwrap();
            assert_eq!(
                (pair.alice.name.as_str(), pair.barbara.name.as_str()),
                (alice, barbara)
            );
            pair.check().unwrap();
            let (user, password) = pair.connecting_credentials(mode).unwrap();
            assert_eq!((user, password.expose()), ("taxii", "run-password"));
            assert_eq!(pair.serving_username(mode).as_deref(), Some("taxii"));
        }
    }

    #[test]
    fn pointing_at_a_server_keeps_paths_and_reports_every_change() {
        let mut pair = FeedPair::built_in(Mode::Poll, "p").unwrap();
        let discovery: Url = "http://127.0.0.1:41234/services/discovery".parse().unwrap();
        let notes = pair.point_at(Mode::Poll, &discovery);
        assert_eq!(
            notes,
            [
                "feed `eiq-from-alice`: taxii.discovery_url http://127.0.0.1:9000/services/discovery -> http://127.0.0.1:41234/services/discovery",
                "feed `eiq-from-alice`: taxii.poll_url http://127.0.0.1:9000/services/poll -> http://127.0.0.1:41234/services/poll",
            ]
        );
        let taxii = pair.barbara_taxii().unwrap();
        assert_eq!(
            taxii.poll_url.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:41234/services/poll")
        );
        // Alice (the serving side) is untouched, and pointing again changes nothing.
        assert!(pair.alice_taxii().unwrap().poll_url.is_none());
        assert!(pair.point_at(Mode::Poll, &discovery).is_empty());
        pair.check().unwrap();
    }

    #[test]
    fn a_version_override_applies_to_both_sides() {
        let mut pair = FeedPair::built_in(Mode::Inbox, "p").unwrap();
        pair.set_version(Version::V1_0);
        assert_eq!(pair.alice_taxii().unwrap().version, Version::V1_0);
        assert_eq!(pair.barbara_taxii().unwrap().version, Version::V1_0);
        pair.check().unwrap();
    }

    #[test]
    fn a_missing_feed_file_names_the_path() {
        let dir = std::env::temp_dir().join(format!("exchange-feeds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = FeedPair::load_dir(Mode::Poll, &dir, "p").unwrap_err();
        assert!(
            matches!(&err, Error::ReadFeeds { path, .. } if path == &dir.join("alice.toml")),
            "{err:?}"
        );
        // A file without a feed of the mode's transport.
        std::fs::write(dir.join("alice.toml"), "").unwrap();
        std::fs::write(dir.join("barbara.toml"), "").unwrap();
        let err = FeedPair::load_dir(Mode::Poll, &dir, "p").unwrap_err();
        assert!(
            matches!(&err, Error::NoTaxiiFeed { side: "outgoing", transport, .. } if transport == "taxii-poll"),
            "{err:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
