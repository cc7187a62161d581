//! The extract kind ↔ MISP attribute type table, and the value checks each MISP type needs.
//!
//! [`KIND_TABLE`] has one row for each of the 77 documented extract kinds (IC 3.3–3.5). A row
//! names the MISP type and category used by default, optionally a different type for extracts
//! whose link types include `targeted-victim` (the victim side of an incident), or why no
//! simple MISP attribute is a sound match. Every type/category pair is allowed by PyMISP
//! 2.5.34.4's describeTypes (checked by the tests against the built-in table and, when present,
//! `shared/schemas/misp/describeTypes.json`). The reverse direction ([`kind_for_type`]) is used
//! by the incoming mapping.

use std::borrow::Cow;
use std::collections::HashMap;
#[cfg(doc)]
use std::net::Ipv4Addr;
use std::net::Ipv6Addr;
use std::sync::OnceLock;

use eiq_json::{ExtractKind, LinkType};

use crate::outgoing::FoldHashing;

/// A MISP attribute type with the category it is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MispTarget {
    /// The attribute type, e.g. `ip-dst`.
    pub misp_type: &'static str,
    /// The category, e.g. `Network activity` (allowed for the type by describeTypes).
    pub category: &'static str,
}

/// What an extract kind becomes by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindTarget {
    /// A simple attribute.
    Attribute(MispTarget),
    /// Nothing: no MISP attribute type is a sound match (the reason says why).
    Unsupported(&'static str),
}

/// One row of [`KIND_TABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRule {
    /// The extract kind.
    pub kind: &'static str,
    /// What the kind becomes in general.
    pub default: KindTarget,
    /// What the kind becomes when the extract's link types include `targeted-victim`.
    pub targeted_victim: Option<MispTarget>,
}

const fn attr(kind: &'static str, misp_type: &'static str, category: &'static str) -> KindRule {
    KindRule {
        kind,
        default: KindTarget::Attribute(MispTarget {
            misp_type,
            category,
        }),
        targeted_victim: None,
    }
}

const fn none(kind: &'static str, why: &'static str) -> KindRule {
    KindRule {
        kind,
        default: KindTarget::Unsupported(why),
        targeted_victim: None,
    }
}

const fn victim(
    kind: &'static str,
    default: KindTarget,
    misp_type: &'static str,
    category: &'static str,
) -> KindRule {
    KindRule {
        kind,
        default,
        targeted_victim: Some(MispTarget {
            misp_type,
            category,
        }),
    }
}

const NET: &str = "Network activity";
const PAYLOAD: &str = "Payload delivery";
const FRAUD: &str = "Financial fraud";
const LOCATION: &str = "a location or postal detail has no MISP attribute type";
const FORUM: &str = "forum details have no MISP attribute type";

/// Extract kind → MISP type/category, one row per documented kind, in the documentation order.
pub const KIND_TABLE: &[KindRule] = &[
    attr("actor-id", "threat-actor", "Attribution"),
    none("address", LOCATION),
    attr("asn", "AS", NET),
    attr("bank-account", "bank-account-nr", FRAUD),
    attr("card", "cc-number", FRAUD),
    none(
        "card-owner",
        "a card owner's name has no MISP attribute type",
    ),
    none("cce", "CCE identifiers have no MISP attribute type"),
    none(
        "certificate-serial-number",
        "a certificate serial number alone has no MISP attribute type (x509 types are fingerprints)",
    ),
    none("city", LOCATION),
    none(
        "company",
        "a company name has no MISP attribute type outside targeting data",
    ),
    none("country", LOCATION),
    none("country-code", LOCATION),
    none(
        "cpu-architecture",
        "a CPU architecture has no MISP attribute type",
    ),
    attr("crypto-address", "btc", FRAUD),
    attr("cve", "vulnerability", "External analysis"),
    attr("cwe", "weakness", "External analysis"),
    attr("domain", "domain", NET),
    victim(
        "email",
        KindTarget::Attribute(MispTarget {
            misp_type: "email-src",
            category: PAYLOAD,
        }),
        "target-email",
        "Targeting data",
    ),
    attr("email-subject", "email-subject", PAYLOAD),
    attr("eui-64", "mac-eui-64", NET),
    attr("file", "filename", PAYLOAD),
    attr("file-size", "size-in-bytes", "Other"),
    none("forum-name", FORUM),
    none("forum-room", FORUM),
    none("forum-thread", FORUM),
    none(
        "fox-it-portal-uri",
        "a Fox-IT portal link is platform-internal",
    ),
    none("geo", LOCATION),
    none("geo-lat", LOCATION),
    none("geo-long", LOCATION),
    none(
        "handle",
        "a handle names no platform, so no MISP username type fits",
    ),
    attr("hash-authentihash", "authentihash", PAYLOAD),
    attr("hash-imphash", "imphash", PAYLOAD),
    attr("hash-md5", "md5", PAYLOAD),
    none(
        "hash-rich-pe-header",
        "the rich PE header hash has no MISP attribute type",
    ),
    attr("hash-sha1", "sha1", PAYLOAD),
    attr("hash-sha224", "sha224", PAYLOAD),
    attr("hash-sha256", "sha256", PAYLOAD),
    attr("hash-sha384", "sha384", PAYLOAD),
    attr("hash-sha512", "sha512", PAYLOAD),
    attr("hash-ssdeep", "ssdeep", PAYLOAD),
    attr("hash-vhash", "vhash", PAYLOAD),
    attr("host", "hostname", NET),
    none("industry", "an industry sector has no MISP attribute type"),
    none(
        "inetnum",
        "an address range in RIR notation has no MISP attribute type",
    ),
    attr("ipv4", "ip-dst", NET),
    attr("ipv4-cidr", "ip-dst", NET),
    attr("ipv6", "ip-dst", NET),
    attr("ipv6-cidr", "ip-dst", NET),
    none(
        "ja3-full",
        "the full JA3 string has no MISP attribute type (only its md5)",
    ),
    attr("ja3-hash", "ja3-fingerprint-md5", NET),
    none("ja3s-full", "JA3S has no MISP attribute type"),
    none("ja3s-hash", "JA3S has no MISP attribute type"),
    attr("mac-48", "mac-address", NET),
    none(
        "malware",
        "malware families are MISP galaxy clusters, not attributes (galaxies are out of scope)",
    ),
    none(
        "malware-key",
        "a malware configuration key has no MISP attribute type",
    ),
    attr("mutex", "mutex", "Artifacts dropped"),
    none("name", "a bare name has no MISP attribute type"),
    attr("nationality", "nationality", "Person"),
    none("netname", "a RIR netname has no MISP attribute type"),
    victim(
        "organization",
        KindTarget::Unsupported(
            "an organization maps (to target-org) only with link type targeted-victim",
        ),
        "target-org",
        "Targeting data",
    ),
    victim(
        "person",
        KindTarget::Unsupported(
            "a person maps (to target-user) only with link type targeted-victim",
        ),
        "target-user",
        "Targeting data",
    ),
    attr("port", "port", NET),
    none("postcode", LOCATION),
    none("process", "a process has no simple MISP attribute type"),
    none(
        "process-name",
        "a process name has no simple MISP attribute type",
    ),
    none("product", "a product name has no MISP attribute type"),
    none("region", LOCATION),
    attr("registrar", "whois-registrar", "Attribution"),
    attr("rule", "stix2-pattern", "Payload installation"),
    attr("snort", "snort", NET),
    none("street", LOCATION),
    attr("telephone", "phone-number", "Person"),
    attr("uri", "url", NET),
    none(
        "uri-hash-sha256",
        "the SHA-256 of a URI has no MISP attribute type",
    ),
    attr("user-agent", "user-agent", NET),
    attr("winregistry", "regkey", "Persistence mechanism"),
    attr("yara", "yara", "Payload installation"),
];

/// The table row of a kind, `None` for a kind outside the documented 77.
pub fn rule(kind: &ExtractKind) -> Option<&'static KindRule> {
    // Looked up once per extract: by hash, not by a walk over the table (which compared the
    // kind with half the rows on average).
    static BY_KIND: OnceLock<HashMap<&str, &KindRule, FoldHashing>> = OnceLock::new();
    BY_KIND
        .get_or_init(|| {
            let mut by_kind =
                HashMap::with_capacity_and_hasher(KIND_TABLE.len(), FoldHashing::default());
            for rule in KIND_TABLE {
                // As in a walk over the table, the first row of a kind wins.
                by_kind.entry(rule.kind).or_insert(rule);
            }
            by_kind
        })
        .get(kind.as_str())
        .copied()
}

/// Why an extract cannot become an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmappable {
    /// The kind has no sound MISP type (or is not a documented kind).
    Kind(String),
    /// The value does not fit the MISP type.
    Value(String),
}

/// The MISP type and category for an extract of `kind` with these link types.
///
/// # Errors
/// [`Unmappable::Kind`] when the kind has no MISP type (for these link types).
pub fn target(kind: &ExtractKind, link_types: &[LinkType]) -> Result<MispTarget, Unmappable> {
    let Some(rule) = rule(kind) else {
        return Err(Unmappable::Kind(format!(
            "`{kind}` is not a documented extract kind"
        )));
    };
    if let Some(victim) = rule.targeted_victim
        && link_types.contains(&LinkType::TARGETED_VICTIM)
    {
        return Ok(victim);
    }
    match rule.default {
        KindTarget::Attribute(target) => Ok(target),
        KindTarget::Unsupported(why) => Err(Unmappable::Kind(why.to_owned())),
    }
}

/// MISP types the incoming mapping reads beyond the reverse of [`KIND_TABLE`], with their kind.
const EXTRA_REVERSE: &[(&str, &str)] = &[
    ("ip-src", "ipv4"),
    ("email", "email"),
    ("email-dst", "email"),
    ("email-reply-to", "email"),
    ("link", "uri"),
    ("uri", "uri"),
    ("x509-fingerprint-sha1", "hash-sha1"),
    ("filename-pattern", "file"),
    ("pdb", "file"),
    ("iban", "bank-account"),
    ("whois-registrant-phone", "telephone"),
];

/// The extract kind for a MISP attribute type (the reverse table), `None` when no kind fits.
///
/// IP types give `ipv4`, `ipv6`, `ipv4-cidr` or `ipv6-cidr` by the shape of `value`.
pub fn kind_for_type(misp_type: &str, value: &str) -> Option<ExtractKind> {
    if matches!(misp_type, "ip-src" | "ip-dst") {
        let v6 = value.contains(':');
        let cidr = value.contains('/');
        let kind = match (v6, cidr) {
            (false, false) => ExtractKind::IPV4,
            (false, true) => ExtractKind::IPV4_CIDR,
            (true, false) => ExtractKind::IPV6,
            (true, true) => ExtractKind::IPV6_CIDR,
        };
        return Some(kind);
    }
    let from_table = KIND_TABLE.iter().find(|rule| {
        matches!(rule.default, KindTarget::Attribute(t) if t.misp_type == misp_type)
            || rule
                .targeted_victim
                .is_some_and(|t| t.misp_type == misp_type)
    });
    if let Some(rule) = from_table {
        return Some(ExtractKind::new(rule.kind));
    }
    EXTRA_REVERSE
        .iter()
        .find(|(t, _)| *t == misp_type)
        .map(|(_, kind)| ExtractKind::new(*kind))
}

/// Checks (and where documented, normalises) a value for a MISP type.
///
/// Normalisations: surrounding whitespace is trimmed; hashes are lower-cased; a `cve` without
/// its `CVE-` prefix (as in Elastic's fixture) and a `cwe` given as a bare number get the
/// prefix. The result borrows `value` unless a normalisation changed it.
///
/// # Errors
/// A short description of what is wrong (empty value, wrong hash length, not an IP address, …).
pub fn check_value<'v>(misp_type: &str, value: &'v str) -> Result<Cow<'v, str>, String> {
    let value = trim(value);
    if value.is_empty() {
        return Err("empty value".into());
    }
    let hex_len = match misp_type {
        "md5" | "imphash" | "ja3-fingerprint-md5" => Some(32),
        "sha1" => Some(40),
        "sha224" => Some(56),
        "sha256" | "authentihash" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    };
    if let Some(len) = hex_len {
        // A fold without early exit, which the compiler vectorises: hashes are long.
        let hex = value
            .bytes()
            .fold(true, |hex, b| hex & b.is_ascii_hexdigit());
        return if value.len() == len && hex {
            Ok(lower_case(value))
        } else {
            Err(format!("a {misp_type} is {len} hexadecimal digits"))
        };
    }
    match misp_type {
        "ip-dst" | "ip-src" => check_ip(value).map(|()| Cow::Borrowed(value)),
        "port" => match value.parse::<u16>() {
            Ok(_) => Ok(Cow::Borrowed(value)),
            Err(_) => Err("a port is a number from 0 to 65535".into()),
        },
        "size-in-bytes" => match value.parse::<u64>() {
            Ok(_) => Ok(Cow::Borrowed(value)),
            Err(_) => Err("a size is a whole number of bytes".into()),
        },
        "AS" => {
            let digits = value
                .strip_prefix("AS")
                .or_else(|| value.strip_prefix("as"))
                .map_or(value, |rest| rest.trim_start_matches('-'));
            if digits.parse::<u32>().is_ok() {
                Ok(Cow::Borrowed(value))
            } else {
                Err("an AS number is a number, optionally prefixed with AS".into())
            }
        }
        "vulnerability" => {
            let upper = value.to_ascii_uppercase();
            let body = upper.strip_prefix("CVE-").unwrap_or(&upper);
            let mut parts = body.splitn(2, '-');
            let year = parts.next().unwrap_or_default();
            let number = parts.next().unwrap_or_default();
            if year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && number.len() >= 4
                && number.bytes().all(|b| b.is_ascii_digit())
            {
                Ok(Cow::Owned(format!("CVE-{body}")))
            } else {
                Err("a CVE id looks like CVE-2021-44228".into())
            }
        }
        "weakness" => {
            let upper = value.to_ascii_uppercase();
            let body = upper.strip_prefix("CWE-").unwrap_or(&upper);
            if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Cow::Owned(format!("CWE-{body}")))
            } else {
                Err("a CWE id looks like CWE-79".into())
            }
        }
        "domain" | "hostname" => {
            if !value.starts_with('.') && is_domain_text(value) {
                Ok(Cow::Borrowed(value))
            } else {
                Err("a domain name is dot-separated labels of letters, digits and hyphens".into())
            }
        }
        "email-src" | "target-email" => match value.split_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                if value.contains(char::is_whitespace) {
                    Err("an e-mail address has no spaces".into())
                } else {
                    Ok(Cow::Borrowed(value))
                }
            }
            _ => Err("an e-mail address has the form local@domain".into()),
        },
        "url" => {
            if value.contains(char::is_whitespace) {
                Err("a URL has no spaces".into())
            } else {
                Ok(Cow::Borrowed(value))
            }
        }
        "mac-address" => {
            let groups: Vec<&str> = value.split([':', '-']).collect();
            if groups.len() == 6
                && groups
                    .iter()
                    .all(|g| g.len() == 2 && g.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                Ok(Cow::Borrowed(value))
            } else {
                Err("a MAC-48 address is six hexadecimal pairs".into())
            }
        }
        "mac-eui-64" => {
            let groups: Vec<&str> = value.split([':', '-']).collect();
            if groups.len() == 8
                && groups
                    .iter()
                    .all(|g| g.len() == 2 && g.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                Ok(Cow::Borrowed(value))
            } else {
                Err("an EUI-64 address is eight hexadecimal pairs".into())
            }
        }
        "btc" => {
            let base58 = |s: &str| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() && !matches!(c, '0' | 'O' | 'I' | 'l'))
            };
            let lower = value.to_ascii_lowercase();
            if (value.starts_with('1') || value.starts_with('3'))
                && (26..=35).contains(&value.len())
                && base58(value)
                || lower.starts_with("bc1")
                    && (14..=74).contains(&value.len())
                    && value.chars().all(|c| c.is_ascii_alphanumeric())
            {
                Ok(Cow::Borrowed(value))
            } else {
                Err("only bitcoin addresses have a MISP attribute type (btc)".into())
            }
        }
        _ => Ok(Cow::Borrowed(value)),
    }
}

/// `value` in ASCII lower case, copied only when it has an upper-case letter.
pub(crate) fn lower_case(value: &str) -> Cow<'_, str> {
    if value.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(value.to_ascii_lowercase())
    } else {
        Cow::Borrowed(value)
    }
}

/// `value` without leading and trailing whitespace ([`str::trim`]), with a short way out for
/// the usual value that starts and ends with a visible ASCII character.
fn trim(value: &str) -> &str {
    let visible = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_graphic);
    let bytes = value.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        value
    } else {
        value.trim()
    }
}

/// Whether a domain name has a dot and every character is a letter, a digit, `.`, `-` or `_`
/// (letters and digits of any script), reading bytes while the text is ASCII.
fn is_domain_text(value: &str) -> bool {
    // Folds without early exit, which the compiler vectorises.
    let ascii_allowed = value.bytes().fold(true, |allowed, b| {
        allowed & (b.is_ascii_alphanumeric() | (b == b'.') | (b == b'-') | (b == b'_'))
    });
    if ascii_allowed {
        value.bytes().fold(false, |dots, b| dots | (b == b'.'))
    } else {
        // Letters and digits of other scripts (an ASCII character not allowed fails here too).
        value.contains('.')
            && value
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
    }
}

/// Whether `text` is an IPv4 address as [`Ipv4Addr`]'s parser reads one: four decimal octets
/// of at most 255, joined by dots, none with a leading zero. A byte loop, a third of the
/// parser's cost (the parser builds the address; only the verdict is needed here).
fn is_ipv4(text: &[u8]) -> bool {
    let mut octets = 0;
    for octet in text.split(|&b| b == b'.') {
        octets += 1;
        let well_formed = match octet {
            [] | [b'0', _, ..] => false,
            _ if octet.len() > 3 => false,
            _ => octet
                .iter()
                .try_fold(0u16, |value, &b| {
                    b.is_ascii_digit().then(|| value * 10 + u16::from(b - b'0'))
                })
                .is_some_and(|value| value <= 255),
        };
        if octets > 4 || !well_formed {
            return false;
        }
    }
    octets == 4
}

fn check_ip(value: &str) -> Result<(), String> {
    // A byte loop finds the slash: a memchr call costs more than these few bytes.
    let (address, prefix) = match value.bytes().position(|b| b == b'/') {
        Some(slash) => (
            value.get(..slash).unwrap_or_default(),
            value.get(slash + 1..),
        ),
        None => (value, None),
    };
    let max = if is_ipv4(address.as_bytes()) {
        32
    } else if address.parse::<Ipv6Addr>().is_ok() {
        128
    } else {
        return Err("not an IPv4 or IPv6 address".into());
    };
    match prefix.map(str::parse::<u8>) {
        None => Ok(()),
        Some(Ok(bits)) if bits <= max => Ok(()),
        Some(_) => Err(format!("a CIDR prefix is 0 to {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::{KIND_TABLE, check_value, is_ipv4, rule, trim};
    use eiq_json::ExtractKind;

    #[test]
    fn every_row_is_found_by_its_kind_and_nothing_else_is() {
        for row in KIND_TABLE {
            let found = rule(&ExtractKind::new(row.kind.to_owned()));
            assert_eq!(found, Some(row), "{}", row.kind);
        }
        for kind in ["", "IPV4", "ipv4 ", "ipv", "ipv44", "x-custom", "hash-md"] {
            assert_eq!(rule(&ExtractKind::new(kind)), None, "{kind:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ipv4_verdict_is_the_std_parsers(
            text in "[0-9.]{0,17}",
            octets in proptest::collection::vec("0|[1-9][0-9]{0,3}|0[0-9]{1,2}", 3..=5),
            any in "[ -~]{0,16}",
        ) {
            let joined = octets.join(".");
            for candidate in [text.as_str(), joined.as_str(), any.as_str()] {
                proptest::prop_assert_eq!(
                    is_ipv4(candidate.as_bytes()),
                    candidate.parse::<std::net::Ipv4Addr>().is_ok(),
                    "{:?}", candidate
                );
            }
        }

        #[test]
        fn trim_is_str_trim(text in "[ -~\t\r\n\u{a0}\u{2003}é]{0,8}") {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn values_are_checked_trimmed(
            core in "[ -~é]{0,12}",
            before in "[ \t\r\n\u{a0}\u{2003}]{0,2}",
            after in "[ \t\r\n\u{a0}\u{2003}]{0,2}",
            misp_type in proptest::sample::select(vec![
                "ip-dst", "domain", "md5", "url", "port", "email-src", "vulnerability", "btc",
            ]),
        ) {
            let padded = format!("{before}{core}{after}");
            proptest::prop_assert_eq!(
                check_value(misp_type, &padded),
                check_value(misp_type, padded.trim())
            );
        }
    }

    #[test]
    fn addresses_with_and_without_prefix() {
        for (value, ok) in [
            ("10.0.0.1", true),
            (" 10.0.0.1\t", true),
            ("10.0.0.0/8", true),
            ("10.0.0.0/32", true),
            ("10.0.0.0/33", false),
            ("2001:db8::/32", true),
            ("2001:db8::/129", false),
            ("10.0.0.1/", false),
            ("/8", false),
            ("10.0.0", false),
        ] {
            assert_eq!(check_value("ip-dst", value).is_ok(), ok, "{value}");
        }
        assert_eq!(
            check_value("ip-src", " 10.0.0.1 ").as_deref(),
            Ok("10.0.0.1")
        );
    }

    #[test]
    fn domain_names_ascii_and_not() {
        for name in [
            "h1.example.net",
            "xn--bcher-kva.example",
            "bücher.example",
            "a_b-c.d",
        ] {
            assert_eq!(check_value("domain", name).as_deref(), Ok(name), "{name}");
            assert_eq!(check_value("hostname", name).as_deref(), Ok(name), "{name}");
        }
        for name in [
            "example",
            ".example.net",
            "a b.example",
            "a/b.example",
            "x€y.example",
        ] {
            assert!(check_value("domain", name).is_err(), "{name}");
        }
    }
}
