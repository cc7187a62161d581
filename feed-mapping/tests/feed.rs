//! Integration tests of the `feed` module: loading feed files (TOML and JSON), every error kind
//! with its file/line/field, secrets, package size limits at their exact boundaries, the
//! Alice/Barbara pair check with every rule broken once, and the mount-point path policy
//! (including property tests over generated paths).

// Tests may unwrap and index; reading the example feed files from disk is the test's job, not
// the library's (the Sans-IO clippy.toml forbids file reads in the crate).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use feed_mapping::feed::{
    BasicAuth, ConfigFormat, ConfigLimits, ContentType, Error, FeedConfig, FeedDefinition, Finding,
    Location, MispSettings, MountAccess, MountPointPolicy, MountPointSettings, NoSecrets,
    PackageSizeLimits, RefusalReason, Schedule, Secret, SecretResolver, Side, TaxiiSettings,
    Transport, TransportKind, UpdateStrategy, check_pair,
};
use proptest::prelude::*;
use taxii1_core::Version;
use taxii1_core::size::{DEFAULT_MAX_BLOB_SIZE, HARD_MAX_BLOB_SIZE, MIB, SizeLimit};

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    }
}

fn at(source_name: &str, path: &str, line: usize, column: usize) -> Box<Location> {
    Box::new(Location {
        source_name: source_name.into(),
        path: path.into(),
        line,
        column,
    })
}

fn load(text: &str) -> Result<FeedConfig, Error> {
    FeedConfig::from_toml_str(text, "test.toml", &NoSecrets)
}

const POLL_FEED: &str = r#"
[[outgoing]]
name = "out"
transport = "taxii-poll"
content_type = "eclecticiq-json"
[outgoing.taxii]
collection_name = "eiq-outgoing"
"#;

mod example_files {
    use super::*;

    fn examples_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/feeds")
    }

    fn load_example(name: &str, secrets: &dyn SecretResolver) -> FeedConfig {
        let text = std::fs::read_to_string(examples_dir().join(name)).unwrap();
        FeedConfig::from_source(&text, name, secrets).unwrap()
    }

    const SECRETS: &[(&str, &str)] = &[
        ("BARBARA_TAXII_PASSWORD", "barbara-secret-pw"),
        ("ALICE_TAXII_PASSWORD", "alice-secret-pw"),
    ];

    #[test]
    fn poll_pair_is_compatible() {
        let alice = load_example("alice.toml", &env(SECRETS));
        let barbara = load_example("barbara.toml", &env(SECRETS));
        let outgoing = alice.outgoing_feed("eiq-to-barbara").unwrap();
        let incoming = barbara.incoming_feed("eiq-from-alice").unwrap();
        assert_eq!(check_pair(outgoing, incoming), Vec::<Finding>::new());
        assert_eq!(outgoing.transport.kind(), TransportKind::TaxiiPoll);
        assert_eq!(
            outgoing.schedule,
            Schedule::Every(Duration::from_secs(3600))
        );
        let taxii = incoming.transport.taxii().unwrap();
        assert_eq!(taxii.version, Version::V1_1);
        assert_eq!(taxii.collection_name.as_deref(), Some("eiq-outgoing"));
        assert_eq!(
            taxii.poll_url.as_ref().unwrap().as_str(),
            "http://127.0.0.1:9000/services/poll"
        );
        let auth = taxii.basic_auth.as_ref().unwrap();
        assert_eq!(auth.username.as_deref(), Some("taxii"));
        assert_eq!(
            auth.password.as_ref().unwrap().expose(),
            "barbara-secret-pw"
        );
        assert_eq!(alice.package_size_limits, PackageSizeLimits::default());
    }

    #[test]
    fn inbox_pair_is_compatible() {
        let alice = load_example("alice-inbox.toml", &env(SECRETS));
        let barbara = load_example("barbara-inbox.toml", &env(SECRETS));
        assert_eq!(
            check_pair(&alice.outgoing[0], &barbara.incoming[0]),
            Vec::<Finding>::new()
        );
        assert_eq!(
            alice.outgoing[0].transport.kind(),
            TransportKind::TaxiiInbox
        );
    }

    #[test]
    fn cross_pairs_are_not_compatible() {
        let alice = load_example("alice.toml", &env(SECRETS));
        let barbara = load_example("barbara-inbox.toml", &env(SECRETS));
        let findings = check_pair(&alice.outgoing[0], &barbara.incoming[0]);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (findings[0].side, findings[0].field),
            (Side::Both, "transport")
        );
    }

    #[test]
    fn mount_point_example_loads() {
        let config = load_example("mount-point.toml", &NoSecrets);
        assert_eq!(
            config.incoming[0].transport,
            Transport::MountPoint(MountPointSettings::new("/srv/feeds/incoming/partner-a"))
        );
        assert_eq!(
            config.mount_points.allowlist(MountAccess::Push),
            [PathBuf::from("/srv/feeds/outgoing")]
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let barbara = load_example("barbara.toml", &env(SECRETS));
        let debug = format!("{barbara:?}");
        assert!(!debug.contains("barbara-secret-pw"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn missing_environment_variable_is_reported_by_name() {
        let text = std::fs::read_to_string(examples_dir().join("barbara.toml")).unwrap();
        let error = FeedConfig::from_toml_str(&text, "barbara.toml", &NoSecrets).unwrap_err();
        assert_eq!(
            error,
            Error::MissingSecret {
                at: at(
                    "barbara.toml",
                    "incoming[0].taxii.basic_auth.password.env",
                    18,
                    49
                ),
                variable: "BARBARA_TAXII_PASSWORD".into(),
            }
        );
        assert_eq!(
            error.to_string(),
            "barbara.toml:18:49: `incoming[0].taxii.basic_auth.password.env`: secret variable `BARBARA_TAXII_PASSWORD` is not set"
        );
    }
}

mod loading {
    use super::*;

    #[test]
    fn json_and_toml_load_the_same_config() {
        let toml = r#"
            [limits]
            max_blob_size = 31457280
            [mount_points]
            poll_allowlist = ["/mnt/in"]
            [[incoming]]
            name = "misp-out"
            transport = "misp-upload"
            content_type = "misp-json"
            datasets = ["a", "b"]
            schedule = "every 2h"
            [incoming.misp]
            url = "https://misp.example/"
            key = { env = "MISP_KEY" }
            include_tags = false
            verify_ssl = false
            update_strategy = "replace"
            client_certificate = { certificate = { value = "CERT" }, private_key = { env = "MISP_TLS_KEY" } }
        "#;
        let json = r#"{
            "limits": {"max_blob_size": "30 MiB"},
            "mount_points": {"poll_allowlist": ["/mnt/in"]},
            "incoming": [{
                "name": "misp-out", "transport": "misp-upload", "content_type": "misp-json",
                "datasets": ["a", "b"], "schedule": "every 2h",
                "misp": {"url": "https://misp.example/", "key": {"env": "MISP_KEY"},
                         "include_tags": false, "verify_ssl": false, "update_strategy": "replace",
                         "client_certificate": {"certificate": {"value": "CERT"}, "private_key": {"env": "MISP_TLS_KEY"}}}
            }]
        }"#;
        let secrets = env(&[("MISP_KEY", "k3y"), ("MISP_TLS_KEY", "PEM")]);
        let from_toml = FeedConfig::from_toml_str(toml, "a.toml", &secrets).unwrap();
        let from_json = FeedConfig::from_json_str(json, "a.json", &secrets).unwrap();
        assert_eq!(from_toml, from_json);
        assert_eq!(
            from_toml.package_size_limits.max_blob_size().bytes(),
            30 * MIB
        );
        assert_eq!(
            from_toml
                .package_size_limits
                .max_uploaded_blob_size()
                .bytes(),
            15 * MIB
        );
        let Transport::MispUpload(misp) = &from_toml.incoming[0].transport else {
            panic!()
        };
        let mut expected =
            MispSettings::new("https://misp.example/".parse().unwrap(), Secret::new("k3y"));
        expected.include_tags = false;
        expected.verify_ssl = false;
        expected.update_strategy = UpdateStrategy::Replace;
        expected.client_certificate = Some(feed_mapping::feed::ClientCertificate {
            certificate: Secret::new("CERT"),
            private_key: Secret::new("PEM"),
        });
        assert_eq!(misp, &expected);
        assert_eq!(from_toml.incoming[0].datasets, ["a", "b"]);
    }

    #[test]
    fn defaults_apply() {
        let config = load(POLL_FEED).unwrap();
        assert_eq!(config.package_size_limits, PackageSizeLimits::default());
        assert_eq!(config.mount_points, MountPointPolicy::deny_all());
        let feed = &config.outgoing[0];
        assert_eq!(feed.schedule, Schedule::Manual);
        assert!(feed.datasets.is_empty());
        let taxii = feed.transport.taxii().unwrap();
        assert_eq!(taxii.version, Version::V1_1);
        assert!(taxii.verify_ssl);
        assert_eq!(taxii.basic_auth, None);
        assert_eq!(load("").unwrap(), FeedConfig::default());
    }

    #[test]
    fn from_source_picks_the_format_by_name() {
        assert_eq!(
            FeedConfig::from_source("{}", "feeds.yaml", &NoSecrets),
            Err(Error::UnknownFormat {
                source_name: "feeds.yaml".into()
            })
        );
        assert_eq!(
            FeedConfig::from_source("{}", "feeds.JSON", &NoSecrets),
            Ok(FeedConfig::default())
        );
        assert_eq!(
            ConfigFormat::from_source_name("x.toml"),
            Some(ConfigFormat::Toml)
        );
    }

    #[test]
    fn inline_secret_and_username_only_auth() {
        let text = r#"
            [[incoming]]
            name = "in"
            transport = "taxii-inbox"
            content_type = "eclecticiq-json"
            [incoming.taxii]
            version = "1.0"
            basic_auth = { username = "u", password = { value = "inline-pw" } }
        "#;
        let config = load(text).unwrap();
        let taxii = config.incoming[0].transport.taxii().unwrap();
        assert_eq!(taxii.version, Version::V1_0);
        assert_eq!(
            taxii.basic_auth,
            Some(BasicAuth::new("u", Secret::new("inline-pw")))
        );
    }
}

mod errors {
    use super::*;

    fn feed_with(transport_line: &str, taxii_lines: &str) -> String {
        format!(
            "[[outgoing]]\nname = \"out\"\n{transport_line}\ncontent_type = \"eclecticiq-json\"\n[outgoing.taxii]\n{taxii_lines}\n"
        )
    }

    #[test]
    fn toml_syntax_error_names_line_and_column() {
        let error = load("[[outgoing]]\nname = \"out\nx = 1\n").unwrap_err();
        let Error::Syntax {
            at: location,
            message,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(
            (
                location.source_name.as_str(),
                location.line,
                location.path.as_str()
            ),
            ("test.toml", 2, "")
        );
        assert!(message.contains("string"), "{message}");
    }

    #[test]
    fn json_syntax_error_column_counts_characters() {
        // Found by the `feed_config` fuzz target: serde_json counts the column in bytes, and
        // `é` and `→` are two and three bytes. The stray `x` is the 38th character of line 2.
        let text = "{\n  \"limits\": {\"max_blob_size\": \"é→\"}, x\n}";
        let error = FeedConfig::from_json_str(text, "test.json", &NoSecrets).unwrap_err();
        let Error::Syntax { at: location, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!((location.line, location.column), (2, 38), "{error}");
        assert_eq!(text.lines().nth(1).unwrap().chars().nth(37), Some('x'));
    }

    #[test]
    fn unknown_field_names_the_table_path() {
        let error = load(&feed_with(
            "transport = \"taxii-poll\"",
            "colection_name = \"x\"",
        ))
        .unwrap_err();
        let Error::Syntax {
            at: location,
            message,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(location.path, "outgoing[0].taxii.colection_name");
        assert_eq!(location.line, 6);
        assert!(
            message.starts_with("unknown field `colection_name`"),
            "{message}"
        );
    }

    #[test]
    fn wrong_type_names_the_field() {
        let error = load(&feed_with(
            "transport = \"taxii-poll\"",
            "verify_ssl = \"yes\"",
        ))
        .unwrap_err();
        let Error::Syntax {
            at: location,
            message,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(
            (location.path.as_str(), location.line, location.column),
            ("outgoing[0].taxii.verify_ssl", 6, 14)
        );
        assert!(message.contains("expected a boolean"), "{message}");
    }

    #[test]
    fn missing_required_field() {
        let error = load("[[incoming]]\nname = \"in\"\ncontent_type = \"stix\"\n").unwrap_err();
        let Error::Syntax {
            at: location,
            message,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!((location.path.as_str(), location.line), ("incoming[0]", 1));
        assert_eq!(message, "missing field `transport`");
    }

    #[test]
    fn unknown_transport_lists_accepted_values() {
        let error = load(&feed_with("transport = \"taxii\"", "")).unwrap_err();
        assert_eq!(
            error,
            Error::InvalidValue {
                at: at("test.toml", "outgoing[0].transport", 3, 1),
                found: "taxii".into(),
                expected: "one of the transports (`taxii-inbox`, `taxii-poll`, `misp-upload`, `mount-point`)".into(),
            }
        );
        assert_eq!(
            error.to_string(),
            "test.toml:3:1: `outgoing[0].transport`: invalid value \"taxii\"; expected one of the transports (`taxii-inbox`, `taxii-poll`, `misp-upload`, `mount-point`)"
        );
    }

    #[test]
    fn unknown_content_type_version_schedule_and_strategy() {
        let text = POLL_FEED.replace("eclecticiq-json", "EclecticIQ JSON");
        let Error::InvalidValue {
            at: location,
            expected,
            ..
        } = load(&text).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line),
            ("outgoing[0].content_type", 5)
        );
        assert_eq!(
            expected,
            "one of the content types (`eclecticiq-json`, `misp-json`, `stix`)"
        );

        let Error::InvalidValue {
            at: location,
            found,
            ..
        } = load(&feed_with(
            "transport = \"taxii-poll\"",
            "version = \"2.1\"",
        ))
        .unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line, found.as_str()),
            ("outgoing[0].taxii.version", 6, "2.1")
        );

        let text = POLL_FEED.replace(
            "transport = \"taxii-poll\"",
            "transport = \"taxii-poll\"\nschedule = \"hourly\"",
        );
        let Error::InvalidValue {
            at: location,
            expected,
            ..
        } = load(&text).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line),
            ("outgoing[0].schedule", 5)
        );
        assert_eq!(expected, Schedule::EXPECTED);

        let text = "[[outgoing]]\nname = \"m\"\ntransport = \"misp-upload\"\ncontent_type = \"misp-json\"\n[outgoing.misp]\nurl = \"https://misp.example\"\nkey = { value = \"k\" }\nupdate_strategy = \"diff\"\n";
        let Error::InvalidValue {
            at: location,
            expected,
            ..
        } = load(text).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line),
            ("outgoing[0].misp.update_strategy", 8)
        );
        assert_eq!(
            expected,
            "one of the update strategies (`append`, `replace`)"
        );
    }

    #[test]
    fn bad_urls() {
        for (url, column) in [
            ("not a url", 11),
            ("ftp://alice.example/poll", 11),
            ("https://", 11),
        ] {
            let text = feed_with(
                "transport = \"taxii-poll\"",
                &format!("poll_url = \"{url}\""),
            );
            let Error::InvalidValue {
                at: location,
                found,
                ..
            } = load(&text).unwrap_err()
            else {
                panic!("{url}")
            };
            assert_eq!(
                (location.path.as_str(), location.line, location.column),
                ("outgoing[0].taxii.poll_url", 6, column - 10)
            );
            assert_eq!(found, url);
        }
    }

    #[test]
    fn empty_names_are_refused() {
        let Error::InvalidValue { at: location, .. } =
            load(&POLL_FEED.replace("\"out\"", "\" \"")).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(location.path, "outgoing[0].name");
        let text = feed_with("transport = \"taxii-poll\"", "collection_name = \"\"");
        let Error::InvalidValue { at: location, .. } = load(&text).unwrap_err() else {
            panic!()
        };
        assert_eq!(location.path, "outgoing[0].taxii.collection_name");
    }

    #[test]
    fn duplicate_names_across_incoming_and_outgoing() {
        let text = format!(
            "{POLL_FEED}\n[[incoming]]\nname = \"out\"\ntransport = \"taxii-poll\"\ncontent_type = \"eclecticiq-json\"\n[incoming.taxii]\n"
        );
        assert_eq!(
            load(&text).unwrap_err(),
            Error::DuplicateFeedName {
                at: at("test.toml", "outgoing[0].name", 3, 1),
                name: "out".into(),
                first_path: "incoming[0].name".into(),
                first_line: 10,
            }
        );
        let twice = format!("{POLL_FEED}{POLL_FEED}");
        let Error::DuplicateFeedName {
            at: location,
            first_path,
            first_line,
            ..
        } = load(&twice).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line),
            ("outgoing[1].name", 10)
        );
        assert_eq!((first_path.as_str(), first_line), ("outgoing[0].name", 3));
    }

    #[test]
    fn transport_needs_its_table_and_no_other() {
        let text =
            "[[incoming]]\nname = \"in\"\ntransport = \"taxii-poll\"\ncontent_type = \"stix\"\n";
        assert_eq!(
            load(text).unwrap_err(),
            Error::MissingField {
                at: at("test.toml", "incoming[0]", 1, 1),
                field: "taxii",
                reason: "TAXII transports need a `taxii` table",
            }
        );
        let text = format!("{POLL_FEED}[outgoing.mount_point]\npath = \"/mnt\"\n");
        assert_eq!(
            load(&text).unwrap_err(),
            Error::UnusedSection {
                at: at("test.toml", "outgoing[0].mount_point", 8, 11),
                section: "mount_point",
                transport: "taxii-poll",
            }
        );
    }

    #[test]
    fn secrets_of_the_wrong_shape_are_not_echoed() {
        for (secret_toml, problem) in [
            (
                "\"hunter2-bare\"",
                "a secret must be a table `{ env = \"VARIABLE\" }` or `{ value = \"...\" }`",
            ),
            ("{ value = 4242424242 }", "`value` must be a string"),
            ("{ env = \"\" }", "`env` must name an environment variable"),
            (
                "{ env = \"A\", value = \"hunter2-both\" }",
                "a secret must be a table `{ env = \"VARIABLE\" }` or `{ value = \"...\" }`",
            ),
            (
                "{ file = \"hunter2-file\" }",
                "a secret must be a table `{ env = \"VARIABLE\" }` or `{ value = \"...\" }`",
            ),
        ] {
            let text = feed_with(
                "transport = \"taxii-poll\"",
                &format!("basic_auth = {{ username = \"u\", password = {secret_toml} }}"),
            );
            let error = load(&text).unwrap_err();
            assert_eq!(
                error,
                Error::InvalidSecret {
                    at: at("test.toml", "outgoing[0].taxii.basic_auth.password", 6, 32),
                    problem
                },
                "{secret_toml}"
            );
            let shown = format!("{error} {error:?}");
            assert!(
                !shown.contains("hunter2") && !shown.contains("4242424242"),
                "{shown}"
            );
        }
    }

    #[test]
    fn json_errors_name_line_and_field() {
        let error = FeedConfig::from_json_str(
            "{\n  \"incoming\": [\n    {\"name\": 5}\n  ]\n}",
            "b.json",
            &NoSecrets,
        )
        .unwrap_err();
        let Error::Syntax {
            at: location,
            message,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(
            (
                location.source_name.as_str(),
                location.path.as_str(),
                location.line
            ),
            ("b.json", "incoming[0].name", 3)
        );
        assert_eq!(message, "invalid type: integer `5`, expected a string");

        let text = "{\"outgoing\": [\n {\"name\": \"o\",\n  \"transport\": \"carrier-pigeon\",\n  \"content_type\": \"stix\"}]}";
        let Error::InvalidValue {
            at: location,
            found,
            ..
        } = FeedConfig::from_json_str(text, "b.json", &NoSecrets).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line, location.column),
            ("outgoing[0].transport", 3, 3)
        );
        assert_eq!(found, "carrier-pigeon");

        let Error::Syntax {
            at: location,
            message,
        } = FeedConfig::from_json_str("{}\n{}", "b.json", &NoSecrets).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.line, message.as_str()),
            (2, "trailing characters")
        );
    }

    #[test]
    fn mount_point_paths_are_checked_against_the_allowlists() {
        let text = "[mount_points]\npoll_allowlist = [\"/mnt\"]\n[[incoming]]\nname = \"in\"\ntransport = \"mount-point\"\ncontent_type = \"eclecticiq-json\"\n[incoming.mount_point]\npath = \"/mntx/a\"\n";
        let Error::MountPathRefused {
            at: location,
            refusal,
        } = load(text).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line),
            ("incoming[0].mount_point.path", 8)
        );
        assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
        assert_eq!(refusal.allowlist, [PathBuf::from("/mnt")]);

        // The same directory as an outgoing feed is checked against the (empty) push allowlist.
        let text = text.replace("incoming", "outgoing");
        let Error::MountPathRefused { refusal, .. } =
            load(&text.replace("/mntx/a", "/mnt/a")).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (refusal.access, refusal.reason),
            (MountAccess::Push, RefusalReason::EmptyAllowlist)
        );

        let text = "[mount_points]\npush_allowlist = [\"/srv/out\", \"out/relative\"]\n";
        let Error::MountPathRefused {
            at: location,
            refusal,
        } = load(text).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(
            (location.path.as_str(), location.line, location.column),
            ("mount_points.push_allowlist[1]", 2, 31)
        );
        assert_eq!(refusal.reason, RefusalReason::Relative);
    }

    #[test]
    fn loader_limits() {
        let limits = ConfigLimits::default().with_max_text_bytes(10);
        assert_eq!(
            FeedConfig::parse(
                POLL_FEED,
                "big.toml",
                ConfigFormat::Toml,
                &NoSecrets,
                &limits
            ),
            Err(Error::TooLarge {
                source_name: "big.toml".into(),
                size: POLL_FEED.len(),
                limit: 10
            })
        );
        let limits = ConfigLimits::default().with_max_feeds(1);
        let twice = format!("{POLL_FEED}{}", POLL_FEED.replace("\"out\"", "\"out2\""));
        assert_eq!(
            FeedConfig::parse(&twice, "many.toml", ConfigFormat::Toml, &NoSecrets, &limits),
            Err(Error::TooManyFeeds {
                at: at("many.toml", "", 1, 1),
                count: 2,
                limit: 1
            })
        );
        assert!(
            FeedConfig::parse(
                POLL_FEED,
                "one.toml",
                ConfigFormat::Toml,
                &NoSecrets,
                &limits
            )
            .is_ok()
        );
    }
}

mod size_limits {
    use super::*;

    fn limits_text(max_blob: &str, max_upload: Option<&str>) -> String {
        let upload = max_upload
            .map(|value| format!("max_uploaded_blob_size = {value}\n"))
            .unwrap_or_default();
        format!("[limits]\nmax_blob_size = {max_blob}\n{upload}")
    }

    #[test]
    fn exact_cap_is_accepted_and_one_byte_more_is_refused() {
        let config = load(&limits_text(&HARD_MAX_BLOB_SIZE.to_string(), None)).unwrap();
        assert_eq!(
            config.package_size_limits.max_blob_size(),
            SizeLimit::HARD_CAP
        );
        assert_eq!(
            config.package_size_limits.max_uploaded_blob_size().bytes(),
            HARD_MAX_BLOB_SIZE / 2
        );

        assert_eq!(
            load(&limits_text(&(HARD_MAX_BLOB_SIZE + 1).to_string(), None)).unwrap_err(),
            Error::SizeAboveCap {
                at: at("test.toml", "limits.max_blob_size", 2, 1),
                requested: 104_857_601
            }
        );
        assert_eq!(
            load(&limits_text("\"100 MiB\"", Some("\"101 MiB\""))).unwrap_err(),
            Error::SizeAboveCap {
                at: at("test.toml", "limits.max_uploaded_blob_size", 3, 1),
                requested: 101 * 1024 * 1024
            }
        );
        let config = load(&limits_text("\"100 MiB\"", Some("\"100 MiB\""))).unwrap();
        assert_eq!(
            config.package_size_limits.max_uploaded_blob_size(),
            SizeLimit::HARD_CAP
        );
    }

    #[test]
    fn upload_limit_alone_keeps_the_feed_default() {
        let config = load("[limits]\nmax_uploaded_blob_size = \"1 KiB\"\n").unwrap();
        assert_eq!(
            config.package_size_limits.max_blob_size().bytes(),
            DEFAULT_MAX_BLOB_SIZE
        );
        assert_eq!(
            config.package_size_limits.max_uploaded_blob_size().bytes(),
            1024
        );
    }

    #[test]
    fn non_sizes_are_invalid_values() {
        for (value, found) in [
            ("-1", "-1"),
            ("1.5", "1.5"),
            ("\"20 MB\"", "20 MB"),
            ("true", "true"),
        ] {
            let Error::InvalidValue {
                at: location,
                found: actual,
                ..
            } = load(&limits_text(value, None)).unwrap_err()
            else {
                panic!("{value}")
            };
            assert_eq!(
                (location.path.as_str(), actual.as_str()),
                ("limits.max_blob_size", found)
            );
        }
    }

    proptest! {
        #[test]
        fn accepted_iff_within_the_cap(bytes in (HARD_MAX_BLOB_SIZE as u64 - 1024)..(HARD_MAX_BLOB_SIZE as u64 + 1024)) {
            let result = load(&limits_text(&bytes.to_string(), None));
            if bytes <= HARD_MAX_BLOB_SIZE as u64 {
                prop_assert_eq!(result.unwrap().package_size_limits.max_blob_size().bytes() as u64, bytes);
            } else {
                prop_assert_eq!(
                    result.unwrap_err(),
                    Error::SizeAboveCap { at: at("test.toml", "limits.max_blob_size", 2, 1), requested: bytes }
                );
            }
        }

        #[test]
        fn secret_values_never_reach_error_messages(secret in "[A-Za-z0-9]{12,24}") {
            // A bare string where a secret table belongs, and a valid secret next to a broken field.
            let bare = format!("[[incoming]]\nname = \"in\"\ntransport = \"taxii-poll\"\ncontent_type = \"stix\"\n[incoming.taxii]\nbasic_auth = {{ username = \"u\", password = \"{secret}\" }}\n");
            let error = load(&bare).unwrap_err();
            let shown = format!("{error} {error:?}");
            prop_assert!(!shown.contains(&secret), "{}", shown);
            let other = bare.replace(&format!("\"{secret}\""), &format!("{{ value = \"{secret}\" }}")).replace("\"stix\"", "\"stixx\"");
            let error = load(&other).unwrap_err();
            let shown = format!("{error} {error:?}");
            prop_assert!(!shown.contains(&secret), "{}", shown);
        }
    }
}

mod pair {
    use super::*;

    fn taxii(collection: Option<&str>, destination: Option<&str>) -> TaxiiSettings {
        let mut settings = TaxiiSettings::default();
        settings.collection_name = collection.map(str::to_owned);
        settings.destination_collection_name = destination.map(str::to_owned);
        settings
    }

    /// A compatible poll pair: Alice requires `barbara`, Barbara polls with credentials.
    fn poll_pair() -> (FeedDefinition, FeedDefinition) {
        let mut alice_settings = taxii(Some("eiq-outgoing"), None);
        alice_settings.basic_auth = Some(BasicAuth {
            username: Some("barbara".into()),
            password: None,
        });
        let mut barbara_settings = taxii(Some("eiq-outgoing"), None);
        barbara_settings.poll_url = Some("https://alice.example/taxii/poll".parse().unwrap());
        barbara_settings.basic_auth = Some(BasicAuth::new("barbara", Secret::new("pw")));
        (
            FeedDefinition::new(
                "to-barbara",
                Transport::TaxiiPoll(alice_settings),
                ContentType::EclecticIqJson,
            ),
            FeedDefinition::new(
                "from-alice",
                Transport::TaxiiPoll(barbara_settings),
                ContentType::EclecticIqJson,
            ),
        )
    }

    /// A compatible inbox pair: Barbara's inbox requires auth, Alice pushes with credentials.
    fn inbox_pair() -> (FeedDefinition, FeedDefinition) {
        let mut alice_settings = taxii(None, Some("eiq-outgoing"));
        alice_settings.inbox_url = Some("https://barbara.example/taxii/inbox".parse().unwrap());
        alice_settings.basic_auth = Some(BasicAuth::new("alice", Secret::new("pw")));
        let mut barbara_settings = taxii(None, Some("eiq-outgoing"));
        barbara_settings.basic_auth = Some(BasicAuth::enabled());
        (
            FeedDefinition::new(
                "push-to-barbara",
                Transport::TaxiiInbox(alice_settings),
                ContentType::EclecticIqJson,
            ),
            FeedDefinition::new(
                "inbox-from-alice",
                Transport::TaxiiInbox(barbara_settings),
                ContentType::EclecticIqJson,
            ),
        )
    }

    fn only(findings: Vec<Finding>) -> Finding {
        assert_eq!(findings.len(), 1, "{findings:#?}");
        findings.into_iter().next().unwrap()
    }

    fn taxii_mut(feed: &mut FeedDefinition) -> &mut TaxiiSettings {
        feed.transport.taxii_mut().unwrap()
    }

    #[test]
    fn compatible_pairs_have_no_findings() {
        let (alice, barbara) = poll_pair();
        assert_eq!(check_pair(&alice, &barbara), []);
        let (alice, barbara) = inbox_pair();
        assert_eq!(check_pair(&alice, &barbara), []);
    }

    #[test]
    fn content_type_must_be_eclecticiq_json_on_each_side() {
        let (mut alice, barbara) = poll_pair();
        alice.content_type = ContentType::Stix;
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Alice,
                field: "content_type",
                message: "set `content_type = \"eclecticiq-json\"` on Alice's feed `to-barbara` (it is `stix`): EclecticIQ JSON is the only content type supported between instances".into(),
            }
        );
        let (alice, mut barbara) = poll_pair();
        barbara.content_type = ContentType::MispJson;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Barbara, "content_type")
        );
    }

    #[test]
    fn transport_must_be_taxii_on_each_side() {
        let (alice, mut barbara) = poll_pair();
        barbara.transport = Transport::MountPoint(MountPointSettings::new("/mnt/in"));
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Barbara,
                field: "transport",
                message: "set `transport` on Barbara's feed `from-alice` to `taxii-poll` or `taxii-inbox` (it is `mount-point`): instances exchange data over TAXII".into(),
            }
        );
        let (mut alice, barbara) = poll_pair();
        alice.transport = Transport::MispUpload(MispSettings::new(
            "https://misp.example".parse().unwrap(),
            Secret::new("k"),
        ));
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!((finding.side, finding.field), (Side::Alice, "transport"));
    }

    #[test]
    fn both_sides_must_use_the_same_service() {
        let (alice, _) = poll_pair();
        let (_, barbara) = inbox_pair();
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Both,
                field: "transport",
                message: "use the same TAXII service on both sides: Alice's feed `to-barbara` uses `taxii-poll`, Barbara's feed `inbox-from-alice` uses `taxii-inbox`; make both `taxii-poll` or both `taxii-inbox`".into(),
            }
        );
    }

    #[test]
    fn versions_must_match() {
        let (mut alice, barbara) = poll_pair();
        taxii_mut(&mut alice).version = Version::V1_0;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!((finding.side, finding.field), (Side::Both, "taxii.version"));
        assert_eq!(
            finding.message,
            "use the same TAXII version on both sides: Alice's feed `to-barbara` speaks 1.0, Barbara's feed `from-alice` speaks 1.1"
        );
    }

    #[test]
    fn poll_collections_must_be_named_and_equal() {
        let (mut alice, barbara) = poll_pair();
        taxii_mut(&mut alice).collection_name = Some("other".into());
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Both,
                field: "taxii.collection_name",
                message: "use the same collection on both sides: Alice's feed `to-barbara` names `other`, Barbara's feed `from-alice` names `eiq-outgoing`".into(),
            }
        );
        let (alice, mut barbara) = poll_pair();
        let settings = taxii_mut(&mut barbara);
        settings.collection_name = None;
        settings.destination_collection_name = Some("eiq-outgoing".into());
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Barbara,
                field: "taxii.collection_name",
                message: "set `taxii.collection_name` on Barbara's feed `from-alice` to the collection both sides share (`taxii.destination_collection_name` is set, but poll feeds use `taxii.collection_name`)".into(),
            }
        );
    }

    #[test]
    fn inbox_collections_use_the_destination_collection_name() {
        let (mut alice, barbara) = inbox_pair();
        taxii_mut(&mut alice).destination_collection_name = None;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Alice, "taxii.destination_collection_name")
        );
        assert_eq!(
            finding.message,
            "set `taxii.destination_collection_name` on Alice's feed `push-to-barbara` to the collection both sides share"
        );
    }

    #[test]
    fn the_connecting_side_needs_a_url() {
        let (alice, mut barbara) = poll_pair();
        taxii_mut(&mut barbara).poll_url = None;
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Barbara,
                field: "taxii.poll_url",
                message: "set `taxii.poll_url` (or `taxii.discovery_url`) on Barbara's feed `from-alice` to Alice's TAXII service".into(),
            }
        );
        taxii_mut(&mut barbara).discovery_url =
            Some("https://alice.example/taxii/discovery".parse().unwrap());
        assert_eq!(check_pair(&alice, &barbara), []);

        let (mut alice, barbara) = inbox_pair();
        taxii_mut(&mut alice).inbox_url = None;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Alice, "taxii.inbox_url")
        );
    }

    #[test]
    fn credentials_where_basic_auth_is_enabled() {
        // Alice requires basic auth; Barbara sends none.
        let (alice, mut barbara) = poll_pair();
        taxii_mut(&mut barbara).basic_auth = None;
        assert_eq!(
            only(check_pair(&alice, &barbara)),
            Finding {
                side: Side::Barbara,
                field: "taxii.basic_auth",
                message: "Alice's feed `to-barbara` requires basic auth: add `taxii.basic_auth` with username and password on Barbara's feed `from-alice`".into(),
            }
        );
        // Barbara has a username but no password.
        let (alice, mut barbara) = poll_pair();
        taxii_mut(&mut barbara)
            .basic_auth
            .as_mut()
            .unwrap()
            .password = None;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Barbara, "taxii.basic_auth.password")
        );
        // An empty password counts as missing.
        taxii_mut(&mut barbara)
            .basic_auth
            .as_mut()
            .unwrap()
            .password = Some(Secret::new(""));
        assert_eq!(
            only(check_pair(&alice, &barbara)).field,
            "taxii.basic_auth.password"
        );
        // Barbara has a password but no username.
        let (alice, mut barbara) = poll_pair();
        taxii_mut(&mut barbara)
            .basic_auth
            .as_mut()
            .unwrap()
            .username = None;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Barbara, "taxii.basic_auth.username")
        );
        // Barbara uses another account than the one Alice expects.
        let (alice, mut barbara) = poll_pair();
        taxii_mut(&mut barbara)
            .basic_auth
            .as_mut()
            .unwrap()
            .username = Some("mallory".into());
        assert_eq!(
            only(check_pair(&alice, &barbara)).message,
            "set `taxii.basic_auth.username` on Barbara's feed `from-alice` to `barbara`, the account Alice's feed `to-barbara` expects (it is `mallory`)"
        );
        // Inbox: Barbara's inbox requires auth, Alice pushes without.
        let (mut alice, barbara) = inbox_pair();
        taxii_mut(&mut alice).basic_auth = None;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Alice, "taxii.basic_auth")
        );
    }

    #[test]
    fn credentials_without_auth_on_the_serving_side() {
        let (mut alice, barbara) = poll_pair();
        taxii_mut(&mut alice).basic_auth = None;
        let finding = only(check_pair(&alice, &barbara));
        assert_eq!(
            (finding.side, finding.field),
            (Side::Both, "taxii.basic_auth")
        );
        assert_eq!(
            finding.message,
            "Barbara's feed `from-alice` sends basic auth credentials but Alice's feed `to-barbara` does not require them: enable basic auth on Alice or remove it from Barbara"
        );
    }

    #[test]
    fn findings_never_contain_secrets() {
        let (mut alice, mut barbara) = poll_pair();
        alice.content_type = ContentType::Stix;
        taxii_mut(&mut barbara).basic_auth = Some(BasicAuth {
            username: None,
            password: Some(Secret::new("pw-in-finding")),
        });
        taxii_mut(&mut barbara).collection_name = Some("x".into());
        let findings = check_pair(&alice, &barbara);
        assert_eq!(findings.len(), 3, "{findings:#?}");
        assert!(!format!("{findings:?}").contains("pw-in-finding"));
    }
}

mod mount_policy {
    use super::*;

    /// Path segments the generator draws from: tricky names, dot segments, unicode.
    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("mnt".to_owned()),
            Just("mntx".to_owned()),
            Just("feeds".to_owned()),
            Just("..".to_owned()),
            Just(".".to_owned()),
            Just("".to_owned()),
            Just("donn\u{e9}es".to_owned()),
            Just("donne\u{301}es".to_owned()),
            "[a-z\u{e9}\u{1F4E6}]{1,4}",
        ]
    }

    /// The model: split on `/`, drop empty segments, compare segment lists.
    fn model_accepts(path: &str, roots: &[&str]) -> bool {
        let segments = |text: &str| {
            text.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let path_segments = segments(path);
        if !path.starts_with('/') || path_segments.iter().any(|s| s == ".." || s == ".") {
            return false;
        }
        roots.iter().any(|root| {
            let root_segments = segments(root);
            path_segments.len() >= root_segments.len()
                && path_segments[..root_segments.len()] == root_segments[..]
        })
    }

    const ROOTS: [&str; 2] = ["/mnt", "/srv/donn\u{e9}es"];

    fn policy() -> MountPointPolicy {
        MountPointPolicy::new(ROOTS.iter().map(PathBuf::from).collect(), vec![]).unwrap()
    }

    proptest! {
        #[test]
        fn policy_agrees_with_the_segment_model(
            absolute in any::<bool>(),
            prefix in prop::sample::select(vec!["", "/mnt", "/srv/donn\u{e9}es", "/srv"]),
            segments in prop::collection::vec(segment(), 0..6),
        ) {
            let tail = segments.join("/");
            let path = match (absolute, prefix.is_empty()) {
                (true, true) => format!("/{tail}"),
                (true, false) => format!("{prefix}/{tail}"),
                (false, _) => tail,
            };
            let verdict = policy().check(MountAccess::Poll, Path::new(&path));
            prop_assert_eq!(verdict.is_ok(), model_accepts(&path, &ROOTS), "{:?} -> {:?}", path, verdict);
            if let Err(refusal) = verdict {
                prop_assert_eq!(refusal.path, PathBuf::from(&path));
                prop_assert_eq!(refusal.allowlist, ROOTS.iter().map(PathBuf::from).collect::<Vec<_>>());
            }
        }

        #[test]
        fn any_dot_dot_segment_is_refused(
            before in prop::collection::vec("[a-z]{1,5}", 0..4),
            after in prop::collection::vec("[a-z]{1,5}", 0..4),
        ) {
            let path = format!("/mnt/{}", before.iter().chain(std::iter::once(&"..".to_owned())).chain(after.iter()).cloned().collect::<Vec<_>>().join("/"));
            let refusal = policy().check(MountAccess::Poll, Path::new(&path)).unwrap_err();
            prop_assert_eq!(refusal.reason, RefusalReason::ParentDirComponent);
        }

        #[test]
        fn string_prefix_tricks_are_refused(suffix in "[a-zA-Z0-9_\u{e9}-]{1,8}", rest in prop::option::of("[a-z]{1,5}")) {
            let path = match rest {
                Some(rest) => format!("/mnt{suffix}/{rest}"),
                None => format!("/mnt{suffix}"),
            };
            let refusal = policy().check(MountAccess::Poll, Path::new(&path)).unwrap_err();
            prop_assert_eq!(refusal.reason, RefusalReason::OutsideAllowlist);
        }

        #[test]
        fn push_access_never_uses_the_poll_allowlist(segments in prop::collection::vec("[a-z]{1,5}", 0..4)) {
            let path = format!("/mnt/{}", segments.join("/"));
            let refusal = policy().check(MountAccess::Push, Path::new(&path)).unwrap_err();
            prop_assert_eq!(refusal.reason, RefusalReason::EmptyAllowlist);
        }
    }
}
