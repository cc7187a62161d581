//! Vocabularies of EclecticIQ JSON.
//!
//! Open vocabularies (entity types, extract kinds, link types, relation keys) are string newtypes
//! with constants for the values the platform documents; unknown values are kept as given and
//! round-trip unchanged, so a newer platform version never makes a package unreadable.
//! Closed vocabularies ([`Tlp`], [`SourceReliability`], [`Classification`],
//! [`ExtractConfidence`]) reject unknown values with an error naming the JSON path.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, normalize = $normalize:expr, {
            $( $(#[$cmeta:meta])* $konst:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Cow<'static, str>);

        impl $name {
            $( $(#[$cmeta])* pub const $konst: Self = Self(Cow::Borrowed($value)); )*

            /// Every value this crate names, in documentation order.
            pub const KNOWN: &'static [Self] = &[ $( Self::$konst, )* ];

            /// A value from its wire form; unknown values are kept as given.
            pub fn new(value: impl Into<String>) -> Self {
                let value = value.into();
                Self::known(&value).unwrap_or(Self(Cow::Owned(value)))
            }

            /// The named value `value` stands for (after normalising), if any.
            fn known(value: &str) -> Option<Self> {
                let normalize: fn(&str) -> Cow<'_, str> = $normalize;
                let key = normalize(value);
                Self::KNOWN.iter().find(|known| known.as_str() == key).cloned()
            }

            /// The wire form.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether this is one of the values named by a constant.
            pub fn is_known(&self) -> bool {
                Self::KNOWN.iter().any(|known| known.0 == self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| Self(Cow::Owned(value.to_owned())))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                /// Reads the string where it is: a named value is not copied.
                struct WireForm;

                impl serde::de::Visitor<'_> for WireForm {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from(value))
                    }

                    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<$name, E> {
                        Ok($name::new(value))
                    }
                }

                deserializer.deserialize_str(WireForm)
            }
        }
    };
}

fn exact(value: &str) -> Cow<'_, str> {
    Cow::Borrowed(value)
}

/// Entity types are matched ignoring case and surrounding whitespace: XSOAR's data carries
/// `" EclecticIQ-sighting"` for `eclecticiq-sighting`.
fn trimmed_lowercase(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim();
    if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(trimmed.to_ascii_lowercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

open_vocabulary! {
    /// The type of an entity (`data.type`).
    ///
    /// IC 2.x defines nine STIX 1.2-shaped types plus `relation`; IC 3.x adds STIX 2.1-style
    /// types. Reference stubs for entities outside a package are written as `<type>_ref`
    /// (see [`EntityType::is_stub`]). Known values are recognised ignoring case and surrounding
    /// whitespace and then written in their canonical form.
    EntityType, normalize = trimmed_lowercase, {
        /// A campaign (STIX 1.2 Campaign).
        CAMPAIGN = "campaign",
        /// A course of action (STIX 1.2 COA).
        COURSE_OF_ACTION = "course-of-action",
        /// A sighting, an EclecticIQ extension entity.
        ECLECTICIQ_SIGHTING = "eclecticiq-sighting",
        /// An exploit target (STIX 1.2), usually a vulnerability.
        EXPLOIT_TARGET = "exploit-target",
        /// An incident: what the outgoing MISP feed turns into a MISP event.
        INCIDENT = "incident",
        /// An indicator.
        INDICATOR = "indicator",
        /// A report.
        REPORT = "report",
        /// A threat actor.
        THREAT_ACTOR = "threat-actor",
        /// Tactics, techniques and procedures.
        TTP = "ttp",
        /// A relation between two entities, itself an entity in EIQ JSON v1.
        RELATION = "relation",
        /// IC 3.x: a STIX 2.1 attack pattern.
        ATTACK_PATTERN = "attack-pattern",
        /// IC 3.x: a STIX 2.1 identity.
        IDENTITY = "identity",
        /// IC 3.x: a STIX 2.1 infrastructure.
        INFRASTRUCTURE = "infrastructure",
        /// IC 3.x: a STIX 2.1 intrusion set.
        INTRUSION_SET = "intrusion-set",
        /// IC 3.x: a STIX 2.1 location.
        LOCATION = "location",
        /// IC 3.x: a STIX 2.1 malware.
        MALWARE = "malware",
        /// IC 3.x: a STIX 2.1 malware analysis.
        MALWARE_ANALYSIS = "malware-analysis",
        /// IC 3.x: a STIX 2.1 tool.
        TOOL = "tool",
        /// IC 3.x: a STIX 2.1 vulnerability.
        VULNERABILITY = "vulnerability",
    }
}

/// The suffix that marks a reference stub type (`incident_ref`, `threat-actor_ref`).
const STUB_SUFFIX: &str = "_ref";

impl EntityType {
    /// The nine STIX 1.2-shaped types of IC 2.x (the `HALF_LIFE` table), without `relation`.
    pub const STIX1: [Self; 9] = [
        Self::CAMPAIGN,
        Self::COURSE_OF_ACTION,
        Self::ECLECTICIQ_SIGHTING,
        Self::EXPLOIT_TARGET,
        Self::INCIDENT,
        Self::INDICATOR,
        Self::REPORT,
        Self::THREAT_ACTOR,
        Self::TTP,
    ];

    /// The STIX 2.1-style types IC 3.x adds.
    pub const STIX21: [Self; 9] = [
        Self::ATTACK_PATTERN,
        Self::IDENTITY,
        Self::INFRASTRUCTURE,
        Self::INTRUSION_SET,
        Self::LOCATION,
        Self::MALWARE,
        Self::MALWARE_ANALYSIS,
        Self::TOOL,
        Self::VULNERABILITY,
    ];

    /// Whether this is a reference stub type (`<type>_ref`): a placeholder for an entity that
    /// was not put into the package.
    pub fn is_stub(&self) -> bool {
        self.0.len() > STUB_SUFFIX.len() && self.0.ends_with(STUB_SUFFIX)
    }

    /// For a stub type, the type of the entity it stands for (`incident_ref` → `incident`).
    pub fn stub_target(&self) -> Option<Self> {
        self.0
            .strip_suffix(STUB_SUFFIX)
            .filter(|rest| !rest.is_empty())
            .map(Self::new)
    }

    /// The stub type for this type (`incident` → `incident_ref`).
    pub fn stub(&self) -> Self {
        Self::new(format!("{}{STUB_SUFFIX}", self.0))
    }

    /// The platform's default `meta.half_life` in days for the IC 2.x types.
    pub fn default_half_life(&self) -> Option<u64> {
        let days = match self.as_str() {
            "campaign" | "threat-actor" => 1000,
            "course-of-action"
            | "eclecticiq-sighting"
            | "exploit-target"
            | "incident"
            | "report" => 182,
            "indicator" => 30,
            "ttp" => 720,
            _ => return None,
        };
        Some(days)
    }
}

open_vocabulary! {
    /// The kind of an extract (observable), for example `ipv4` or `hash-sha256`.
    ///
    /// The constants are the 77 kinds of the IC 3.3–3.5 documentation; older and newer platform
    /// versions use subsets and supersets, so unknown kinds are kept.
    ExtractKind, normalize = exact, {
        /// Threat actor identifier.
        ACTOR_ID = "actor-id",
        /// Postal address.
        ADDRESS = "address",
        /// Autonomous system number.
        ASN = "asn",
        /// Bank account number.
        BANK_ACCOUNT = "bank-account",
        /// Payment card number.
        CARD = "card",
        /// Payment card owner.
        CARD_OWNER = "card-owner",
        /// Common Configuration Enumeration id (ingestion only).
        CCE = "cce",
        /// X.509 certificate serial number.
        CERTIFICATE_SERIAL_NUMBER = "certificate-serial-number",
        /// City.
        CITY = "city",
        /// Company.
        COMPANY = "company",
        /// Country.
        COUNTRY = "country",
        /// ISO 3166 alpha-2 country code.
        COUNTRY_CODE = "country-code",
        /// CPU architecture.
        CPU_ARCHITECTURE = "cpu-architecture",
        /// Cryptocurrency address.
        CRYPTO_ADDRESS = "crypto-address",
        /// CVE id (ingestion only).
        CVE = "cve",
        /// CWE id (ingestion only).
        CWE = "cwe",
        /// Domain name.
        DOMAIN = "domain",
        /// E-mail address.
        EMAIL = "email",
        /// E-mail subject.
        EMAIL_SUBJECT = "email-subject",
        /// EUI-64 hardware address.
        EUI_64 = "eui-64",
        /// File name.
        FILE = "file",
        /// File size in bytes.
        FILE_SIZE = "file-size",
        /// Forum name.
        FORUM_NAME = "forum-name",
        /// Forum room.
        FORUM_ROOM = "forum-room",
        /// Forum thread.
        FORUM_THREAD = "forum-thread",
        /// Fox-IT portal URI.
        FOX_IT_PORTAL_URI = "fox-it-portal-uri",
        /// Geographic position (`lat,long`).
        GEO = "geo",
        /// Latitude.
        GEO_LAT = "geo-lat",
        /// Longitude.
        GEO_LONG = "geo-long",
        /// Handle (user name).
        HANDLE = "handle",
        /// Authenticode hash.
        HASH_AUTHENTIHASH = "hash-authentihash",
        /// Import hash.
        HASH_IMPHASH = "hash-imphash",
        /// MD5 hash.
        HASH_MD5 = "hash-md5",
        /// Rich PE header hash.
        HASH_RICH_PE_HEADER = "hash-rich-pe-header",
        /// SHA-1 hash.
        HASH_SHA1 = "hash-sha1",
        /// SHA-224 hash.
        HASH_SHA224 = "hash-sha224",
        /// SHA-256 hash.
        HASH_SHA256 = "hash-sha256",
        /// SHA-384 hash.
        HASH_SHA384 = "hash-sha384",
        /// SHA-512 hash.
        HASH_SHA512 = "hash-sha512",
        /// ssdeep fuzzy hash.
        HASH_SSDEEP = "hash-ssdeep",
        /// VirusTotal vhash.
        HASH_VHASH = "hash-vhash",
        /// Host name.
        HOST = "host",
        /// Industry.
        INDUSTRY = "industry",
        /// RIR inetnum range.
        INETNUM = "inetnum",
        /// IPv4 address (may hold a CIDR).
        IPV4 = "ipv4",
        /// IPv4 CIDR range.
        IPV4_CIDR = "ipv4-cidr",
        /// IPv6 address (may hold a CIDR).
        IPV6 = "ipv6",
        /// IPv6 CIDR range.
        IPV6_CIDR = "ipv6-cidr",
        /// Full JA3 string.
        JA3_FULL = "ja3-full",
        /// JA3 hash.
        JA3_HASH = "ja3-hash",
        /// Full JA3S string.
        JA3S_FULL = "ja3s-full",
        /// JA3S hash.
        JA3S_HASH = "ja3s-hash",
        /// MAC-48 address.
        MAC_48 = "mac-48",
        /// Malware name.
        MALWARE = "malware",
        /// Malware configuration key.
        MALWARE_KEY = "malware-key",
        /// Mutex name.
        MUTEX = "mutex",
        /// Name.
        NAME = "name",
        /// Nationality.
        NATIONALITY = "nationality",
        /// RIR netname.
        NETNAME = "netname",
        /// Organization.
        ORGANIZATION = "organization",
        /// Person.
        PERSON = "person",
        /// Port number.
        PORT = "port",
        /// Postal code.
        POSTCODE = "postcode",
        /// Process.
        PROCESS = "process",
        /// Process name.
        PROCESS_NAME = "process-name",
        /// Product.
        PRODUCT = "product",
        /// Region.
        REGION = "region",
        /// Domain registrar.
        REGISTRAR = "registrar",
        /// Detection rule, for example a STIX pattern (ingestion only).
        RULE = "rule",
        /// Snort rule (ingestion only).
        SNORT = "snort",
        /// Street.
        STREET = "street",
        /// Telephone number.
        TELEPHONE = "telephone",
        /// URI.
        URI = "uri",
        /// SHA-256 of a URI.
        URI_HASH_SHA256 = "uri-hash-sha256",
        /// HTTP user agent.
        USER_AGENT = "user-agent",
        /// Windows registry key.
        WINREGISTRY = "winregistry",
        /// YARA rule (ingestion only).
        YARA = "yara",
    }
}

open_vocabulary! {
    /// How an entity relates to one of its extracts (`instance_meta.link_types[]`).
    LinkType, normalize = exact, {
        /// A parameter.
        PARAMETER = "parameter",
        /// Affected.
        AFFECTED = "affected",
        /// A configuration.
        CONFIGURATION = "configuration",
        /// A vulnerability.
        VULNERABILITY = "vulnerability",
        /// A weakness.
        WEAKNESS = "weakness",
        /// An affected asset.
        AFFECTED_ASSET = "affected-asset",
        /// Related.
        RELATED = "related",
        /// Observed.
        OBSERVED = "observed",
        /// Sighted.
        SIGHTED = "sighted",
        /// A test mechanism: what detection tools (IDS, EDR) consume.
        TEST_MECHANISM = "test-mechanism",
        /// An identity.
        IDENTITY = "identity",
        /// Malicious infrastructure.
        MALICIOUS_INFRASTRUCTURE = "malicious-infrastructure",
        /// A targeted victim.
        TARGETED_VICTIM = "targeted-victim",
    }
}

open_vocabulary! {
    /// The label of a relation (`data.key`): the STIX 1.2 property on the source entity that
    /// holds the link, for example `related_indicators` on an incident.
    RelationKey, normalize = exact, {
        /// Indicator → TTP.
        INDICATED_TTPS = "indicated_ttps",
        /// Threat actor → TTP.
        OBSERVED_TTPS = "observed_ttps",
        /// Report → threat actor.
        THREAT_ACTORS = "threat_actors",
        /// Incident → indicator.
        RELATED_INDICATORS = "related_indicators",
        /// Incident → TTP.
        LEVERAGED_TTPS = "leveraged_ttps",
        /// Incident → threat actor.
        ATTRIBUTED_THREAT_ACTORS = "attributed_threat_actors",
        /// Incident → course of action requested.
        COA_REQUESTED = "coa_requested",
        /// Incident → course of action taken.
        COA_TAKEN = "coa_taken",
        /// Incident or campaign → incident.
        RELATED_INCIDENTS = "related_incidents",
        /// Indicator → course of action.
        SUGGESTED_COAS = "suggested_coas",
        /// Campaign → TTP.
        RELATED_TTPS = "related_ttps",
        /// Threat actor → campaign.
        ASSOCIATED_CAMPAIGNS = "associated_campaigns",
        /// TTP or report → exploit target.
        EXPLOIT_TARGETS = "exploit_targets",
        /// Exploit target → course of action.
        POTENTIAL_COAS = "potential_coas",
        /// Report → indicator.
        INDICATORS = "indicators",
        /// Report → incident.
        INCIDENTS = "incidents",
        /// Report → TTP.
        TTPS = "ttps",
        /// Report → campaign.
        CAMPAIGNS = "campaigns",
        /// Report → course of action.
        COURSES_OF_ACTION = "courses_of_action",
    }
}

/// Declares a closed vocabulary: a fieldless enum parsed from a fixed set of wire strings.
macro_rules! closed_vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, expected = $expected:literal, parse = $parse:expr, {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in documentation order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )* ];

            /// The canonical wire form.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $value, )*
                }
            }

            /// Parses a wire value (see the type docs for what is accepted).
            pub fn parse(value: &str) -> Option<Self> {
                let parse: fn(&str) -> Cow<'_, str> = $parse;
                let key = parse(value);
                Self::ALL.iter().copied().find(|known| known.as_str() == key)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                /// Reads the string where it is, without a copy.
                struct WireForm;

                impl serde::de::Visitor<'_> for WireForm {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        $name::parse(text).ok_or_else(|| {
                            E::custom(format_args!(
                                "unknown {} `{}`, expected {}",
                                stringify!($name),
                                text,
                                $expected
                            ))
                        })
                    }
                }

                deserializer.deserialize_str(WireForm)
            }
        }
    };
}

fn uppercase(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim();
    if trimmed.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(trimmed.to_ascii_uppercase())
    } else {
        Cow::Borrowed(trimmed)
    }
}

fn lowercase(value: &str) -> Cow<'_, str> {
    trimmed_lowercase(value)
}

closed_vocabulary! {
    /// Traffic Light Protocol colour (`meta.tlp_color`).
    ///
    /// Parsed ignoring case and surrounding whitespace; written upper case as the platform does.
    /// `CLEAR` and `AMBER+STRICT` (TLP 2.0) are accepted although the platform was never seen
    /// emitting them. The string `"null"` (seen in API answers) is read as a JSON `null` by
    /// [`crate::Meta`], not as a colour.
    Tlp, expected = "WHITE, CLEAR, GREEN, AMBER, AMBER+STRICT, RED or NONE", parse = uppercase, {
        /// TLP:WHITE, unlimited disclosure.
        White = "WHITE",
        /// TLP:CLEAR, the TLP 2.0 name for WHITE.
        Clear = "CLEAR",
        /// TLP:GREEN, community-wide.
        Green = "GREEN",
        /// TLP:AMBER, limited disclosure.
        Amber = "AMBER",
        /// TLP:AMBER+STRICT, organisation only (TLP 2.0).
        AmberStrict = "AMBER+STRICT",
        /// TLP:RED, named recipients only.
        Red = "RED",
        /// No TLP set (seen in the Observables CSV export).
        None = "NONE",
    }
}

closed_vocabulary! {
    /// Admiralty-code source reliability (`meta.source_reliability`), `A` (reliable) to `F`
    /// (cannot be judged). Parsed ignoring case; written upper case.
    SourceReliability, expected = "a letter A to F", parse = uppercase, {
        /// Completely reliable.
        A = "A",
        /// Usually reliable.
        B = "B",
        /// Fairly reliable.
        C = "C",
        /// Not usually reliable.
        D = "D",
        /// Unreliable.
        E = "E",
        /// Reliability cannot be judged.
        F = "F",
    }
}

closed_vocabulary! {
    /// Maliciousness classification of an extract (`meta.classification`). Absent means
    /// unknown. Parsed ignoring case; written lower case.
    Classification, expected = "bad, good or unknown", parse = lowercase, {
        /// Malicious.
        Bad = "bad",
        /// Benign (safe).
        Good = "good",
        /// Not classified.
        Unknown = "unknown",
    }
}

closed_vocabulary! {
    /// Confidence in a `bad` classification (`meta.confidence` of an extract). Parsed ignoring
    /// case; written lower case.
    ExtractConfidence, expected = "low, medium or high", parse = lowercase, {
        /// Low confidence.
        Low = "low",
        /// Medium confidence.
        Medium = "medium",
        /// High confidence.
        High = "high",
    }
}

#[cfg(test)]
mod tests;
