//! The Alice→Barbara pair check: can Alice's outgoing feed deliver to Barbara's incoming feed?
//!
//! The platform documentation for exchanging data between two instances calls the publisher
//! *Alice* and the recipient *Barbara*. Their feeds work together only when both use the same
//! TAXII service (inbox with inbox, poll with poll), the same collection (`collection_name` for
//! poll, `destination_collection_name` for inbox), the same TAXII version, EclecticIQ JSON as
//! content type, and — where basic auth is on — credentials on the side that connects (Barbara
//! for poll, Alice for inbox). [`check_pair`] lists every violation with what to change and where.

use std::fmt;

use super::definition::{ContentType, FeedDefinition, TaxiiSettings, TransportKind};

/// Which side a finding asks to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The publisher's outgoing feed.
    Alice,
    /// The recipient's incoming feed.
    Barbara,
    /// The two sides disagree; change either so they match.
    Both,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Alice => "Alice",
            Self::Barbara => "Barbara",
            Self::Both => "both sides",
        })
    }
}

/// One reason the pair cannot exchange data, and what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The side to change.
    pub side: Side,
    /// The feed field concerned, as written in feed files (e.g. `taxii.collection_name`).
    pub field: &'static str,
    /// What to change, in a sentence.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`: {}", self.side, self.field, self.message)
    }
}

/// Checks Alice's outgoing feed against Barbara's incoming feed; an empty list means they fit.
///
/// Findings come in a fixed order: content type, transport, then (for matching TAXII services)
/// version, collection, URL and credentials. No secret value appears in a message.
///
/// ```
/// use feed_mapping::feed::{check_pair, ContentType, FeedDefinition, Side, TaxiiSettings, Transport};
///
/// let mut settings = TaxiiSettings::default();
/// settings.collection_name = Some("eiq-outgoing".into());
/// let alice = FeedDefinition::new("to-barbara", Transport::TaxiiPoll(settings.clone()), ContentType::EclecticIqJson);
/// settings.poll_url = Some("https://alice.example/taxii/poll".parse()?);
/// let barbara = FeedDefinition::new("from-alice", Transport::TaxiiPoll(settings), ContentType::Stix);
///
/// let findings = check_pair(&alice, &barbara);
/// assert_eq!(findings.len(), 1);
/// assert_eq!((findings[0].side, findings[0].field), (Side::Barbara, "content_type"));
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn check_pair(alice: &FeedDefinition, barbara: &FeedDefinition) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (side, feed) in [(Side::Alice, alice), (Side::Barbara, barbara)] {
        if feed.content_type != ContentType::EclecticIqJson {
            findings.push(Finding {
                side,
                field: "content_type",
                message: format!(
                    "set `content_type = \"{}\"` on {side}'s feed `{}` (it is `{}`): EclecticIQ JSON is the only content type supported between instances",
                    ContentType::EclecticIqJson,
                    feed.name,
                    feed.content_type
                ),
            });
        }
    }
    let alice_kind = alice.transport.kind();
    let barbara_kind = barbara.transport.kind();
    for (side, feed, kind) in [
        (Side::Alice, alice, alice_kind),
        (Side::Barbara, barbara, barbara_kind),
    ] {
        if feed.transport.taxii().is_none() {
            findings.push(Finding {
                side,
                field: "transport",
                message: format!(
                    "set `transport` on {side}'s feed `{}` to `{}` or `{}` (it is `{kind}`): instances exchange data over TAXII",
                    feed.name,
                    TransportKind::TaxiiPoll,
                    TransportKind::TaxiiInbox,
                ),
            });
        }
    }
    let (Some(alice_taxii), Some(barbara_taxii)) =
        (alice.transport.taxii(), barbara.transport.taxii())
    else {
        return findings;
    };
    if alice_kind != barbara_kind {
        findings.push(Finding {
            side: Side::Both,
            field: "transport",
            message: format!(
                "use the same TAXII service on both sides: Alice's feed `{}` uses `{alice_kind}`, Barbara's feed `{}` uses `{barbara_kind}`; make both `{}` or both `{}`",
                alice.name,
                barbara.name,
                TransportKind::TaxiiPoll,
                TransportKind::TaxiiInbox,
            ),
        });
        return findings;
    }
    let pair = TaxiiPair {
        alice,
        barbara,
        alice_taxii,
        barbara_taxii,
        poll: alice_kind == TransportKind::TaxiiPoll,
    };
    pair.check_version(&mut findings);
    pair.check_collection(&mut findings);
    pair.check_url(&mut findings);
    pair.check_credentials(&mut findings);
    findings
}

/// Two TAXII feeds that use the same service.
struct TaxiiPair<'a> {
    alice: &'a FeedDefinition,
    barbara: &'a FeedDefinition,
    alice_taxii: &'a TaxiiSettings,
    barbara_taxii: &'a TaxiiSettings,
    /// Poll (Barbara connects to Alice) rather than inbox (Alice connects to Barbara).
    poll: bool,
}

impl TaxiiPair<'_> {
    fn sides(&self) -> [(Side, &FeedDefinition, &TaxiiSettings); 2] {
        [
            (Side::Alice, self.alice, self.alice_taxii),
            (Side::Barbara, self.barbara, self.barbara_taxii),
        ]
    }

    /// The side that opens the connection, and the side that serves it.
    fn client_and_server(
        &self,
    ) -> (
        (Side, &FeedDefinition, &TaxiiSettings),
        (Side, &FeedDefinition, &TaxiiSettings),
    ) {
        let [alice, barbara] = self.sides();
        if self.poll {
            (barbara, alice)
        } else {
            (alice, barbara)
        }
    }

    fn check_version(&self, findings: &mut Vec<Finding>) {
        if self.alice_taxii.version != self.barbara_taxii.version {
            findings.push(Finding {
                side: Side::Both,
                field: "taxii.version",
                message: format!(
                    "use the same TAXII version on both sides: Alice's feed `{}` speaks {}, Barbara's feed `{}` speaks {}",
                    self.alice.name, self.alice_taxii.version, self.barbara.name, self.barbara_taxii.version
                ),
            });
        }
    }

    fn check_collection(&self, findings: &mut Vec<Finding>) {
        let (field, other_field) = if self.poll {
            ("taxii.collection_name", "taxii.destination_collection_name")
        } else {
            ("taxii.destination_collection_name", "taxii.collection_name")
        };
        let collection = |settings: &TaxiiSettings| {
            if self.poll {
                settings.collection_name.clone()
            } else {
                settings.destination_collection_name.clone()
            }
        };
        let other = |settings: &TaxiiSettings| {
            if self.poll {
                settings.destination_collection_name.is_some()
            } else {
                settings.collection_name.is_some()
            }
        };
        let service = if self.poll { "poll" } else { "inbox" };
        let mut names = Vec::new();
        for (side, feed, settings) in self.sides() {
            match collection(settings) {
                Some(name) => names.push(name),
                None => {
                    let hint = if other(settings) {
                        format!(" (`{other_field}` is set, but {service} feeds use `{field}`)")
                    } else {
                        String::new()
                    };
                    findings.push(Finding {
                        side,
                        field,
                        message: format!(
                            "set `{field}` on {side}'s feed `{}` to the collection both sides share{hint}",
                            feed.name
                        ),
                    });
                }
            }
        }
        if let [alice_collection, barbara_collection] = names.as_slice()
            && alice_collection != barbara_collection
        {
            findings.push(Finding {
                side: Side::Both,
                field,
                message: format!(
                    "use the same collection on both sides: Alice's feed `{}` names `{alice_collection}`, Barbara's feed `{}` names `{barbara_collection}`",
                    self.alice.name, self.barbara.name
                ),
            });
        }
    }

    fn check_url(&self, findings: &mut Vec<Finding>) {
        let ((side, feed, settings), (server_side, _, _)) = self.client_and_server();
        let (url, field) = if self.poll {
            (&settings.poll_url, "taxii.poll_url")
        } else {
            (&settings.inbox_url, "taxii.inbox_url")
        };
        if url.is_none() && settings.discovery_url.is_none() {
            findings.push(Finding {
                side,
                field,
                message: format!(
                    "set `{field}` (or `taxii.discovery_url`) on {side}'s feed `{}` to {server_side}'s TAXII service",
                    feed.name
                ),
            });
        }
    }

    fn check_credentials(&self, findings: &mut Vec<Finding>) {
        let ((client_side, client, client_settings), (server_side, server, server_settings)) =
            self.client_and_server();
        match (&server_settings.basic_auth, &client_settings.basic_auth) {
            (None, None) => {}
            (Some(_), None) => findings.push(Finding {
                side: client_side,
                field: "taxii.basic_auth",
                message: format!(
                    "{server_side}'s feed `{}` requires basic auth: add `taxii.basic_auth` with username and password on {client_side}'s feed `{}`",
                    server.name, client.name
                ),
            }),
            (None, Some(_)) => findings.push(Finding {
                side: Side::Both,
                field: "taxii.basic_auth",
                message: format!(
                    "{client_side}'s feed `{}` sends basic auth credentials but {server_side}'s feed `{}` does not require them: enable basic auth on {server_side} or remove it from {client_side}",
                    client.name, server.name
                ),
            }),
            (Some(expected), Some(credentials)) => {
                match (&credentials.username, &expected.username) {
                    (None, _) => findings.push(Finding {
                        side: client_side,
                        field: "taxii.basic_auth.username",
                        message: format!(
                            "set `taxii.basic_auth.username` on {client_side}'s feed `{}`: basic auth is enabled",
                            client.name
                        ),
                    }),
                    (Some(sent), Some(wanted)) if sent != wanted => findings.push(Finding {
                        side: client_side,
                        field: "taxii.basic_auth.username",
                        message: format!(
                            "set `taxii.basic_auth.username` on {client_side}'s feed `{}` to `{wanted}`, the account {server_side}'s feed `{}` expects (it is `{sent}`)",
                            client.name, server.name
                        ),
                    }),
                    _ => {}
                }
                if credentials.password.as_ref().is_none_or(|password| password.is_empty()) {
                    findings.push(Finding {
                        side: client_side,
                        field: "taxii.basic_auth.password",
                        message: format!(
                            "set `taxii.basic_auth.password` on {client_side}'s feed `{}` (e.g. `{{ env = \"VARIABLE\" }}`): basic auth is enabled",
                            client.name
                        ),
                    });
                }
            }
        }
    }
}
