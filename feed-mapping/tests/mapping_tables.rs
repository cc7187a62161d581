//! The explicit tables: one kind row for each of the 77 documented kinds, every MISP
//! type/category pair allowed by describeTypes (built-in table and, when present, the shared
//! `describeTypes.json`), the reverse table, value checks, TLP and level tables, skip reasons.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

use std::path::PathBuf;

use eiq_json::{ExtractKind, LinkType, Tlp};
use feed_mapping::kinds::{KIND_TABLE, KindTarget, MispTarget, check_value, kind_for_type, target};
use feed_mapping::markings;
use feed_mapping::outgoing::SkipReason;
use misp_model::describe_types::DescribeTypes;
use misp_model::{Analysis, Distribution, ThreatLevel};

fn targets() -> Vec<MispTarget> {
    KIND_TABLE
        .iter()
        .flat_map(|rule| {
            let default = match rule.default {
                KindTarget::Attribute(t) => Some(t),
                KindTarget::Unsupported(_) => None,
            };
            default.into_iter().chain(rule.targeted_victim)
        })
        .collect()
}

fn check_against(table: &DescribeTypes) {
    for t in targets() {
        assert!(
            table.category_allows(t.category, t.misp_type),
            "{} / {}",
            t.misp_type,
            t.category
        );
    }
}

#[test]
fn the_table_has_exactly_one_row_per_documented_kind_in_order() {
    let kinds: Vec<&str> = KIND_TABLE.iter().map(|r| r.kind).collect();
    let known: Vec<&str> = ExtractKind::KNOWN.iter().map(ExtractKind::as_str).collect();
    assert_eq!(kinds, known);
    assert_eq!(kinds.len(), 77);
    let mapped = KIND_TABLE
        .iter()
        .filter(|r| matches!(r.default, KindTarget::Attribute(_)))
        .count();
    assert_eq!(mapped, 41);
}

#[test]
fn every_type_and_category_is_allowed_by_the_builtin_describe_types() {
    check_against(DescribeTypes::builtin());
}

#[test]
fn every_type_and_category_is_allowed_by_the_shared_describe_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/schemas/misp/describeTypes.json");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    check_against(&DescribeTypes::from_json(&bytes).unwrap());
}

#[test]
fn the_reverse_table_inverts_every_mapped_kind() {
    for rule in KIND_TABLE {
        if let KindTarget::Attribute(t) = rule.default {
            let value = if rule.kind.starts_with("ipv6") {
                "2001:db8::1"
            } else {
                "10.0.0.1"
            };
            let value = if rule.kind.ends_with("cidr") {
                format!("{value}/24")
            } else {
                value.into()
            };
            let back = kind_for_type(t.misp_type, &value).unwrap();
            if t.misp_type != "ip-dst" {
                assert_eq!(back.as_str(), rule.kind);
            }
        }
    }
    assert_eq!(
        kind_for_type("ip-src", "2001:db8::/32").unwrap(),
        ExtractKind::IPV6_CIDR
    );
    assert_eq!(
        kind_for_type("email-dst", "a@b.example").unwrap(),
        ExtractKind::EMAIL
    );
    assert_eq!(kind_for_type("comment", "x"), None);
}

#[test]
fn link_types_choose_the_victim_types() {
    let victim = [LinkType::TARGETED_VICTIM];
    assert_eq!(
        target(&ExtractKind::EMAIL, &[]).unwrap().misp_type,
        "email-src"
    );
    assert_eq!(
        target(&ExtractKind::EMAIL, &victim).unwrap().misp_type,
        "target-email"
    );
    assert_eq!(
        target(&ExtractKind::ORGANIZATION, &victim)
            .unwrap()
            .misp_type,
        "target-org"
    );
    assert!(target(&ExtractKind::ORGANIZATION, &[]).is_err());
    assert!(target(&ExtractKind::new("x-custom"), &[]).is_err());
}

#[test]
fn values_are_checked_and_normalised() {
    assert_eq!(
        check_value("md5", " CEBCFCA3F9B057B5409B02FAE5D18047 ").unwrap(),
        "cebcfca3f9b057b5409b02fae5d18047"
    );
    assert_eq!(
        check_value("md5", "abc").unwrap_err(),
        "a md5 is 32 hexadecimal digits"
    );
    assert_eq!(
        check_value("vulnerability", "2021-45105").unwrap(),
        "CVE-2021-45105"
    );
    assert_eq!(check_value("weakness", "79").unwrap(), "CWE-79");
    assert_eq!(
        check_value("ip-dst", "198.51.100.0/24").unwrap(),
        "198.51.100.0/24"
    );
    assert_eq!(
        check_value("ip-dst", "198.51.100.0/33").unwrap_err(),
        "a CIDR prefix is 0 to 32"
    );
    assert_eq!(
        check_value("ip-dst", "300.1.1.1").unwrap_err(),
        "not an IPv4 or IPv6 address"
    );
    assert_eq!(
        check_value("port", "65536").unwrap_err(),
        "a port is a number from 0 to 65535"
    );
    assert_eq!(check_value("AS", "AS13335").unwrap(), "AS13335");
    assert_eq!(
        check_value("btc", "0xdeadbeef").unwrap_err(),
        "only bitcoin addresses have a MISP attribute type (btc)"
    );
    assert_eq!(check_value("domain", "").unwrap_err(), "empty value");
}

#[test]
fn tlp_and_level_tables() {
    assert_eq!(markings::tlp_tag(Tlp::Amber), Some("tlp:amber"));
    assert_eq!(markings::tlp_tag(Tlp::None), None);
    assert_eq!(markings::tlp_from_tag("TLP:Green"), Some(Tlp::Green));
    assert_eq!(
        markings::distribution_for(Some(Tlp::White)),
        Distribution::AllCommunities
    );
    assert_eq!(markings::distribution_for(None), Distribution::Organisation);
    assert_eq!(
        markings::tlp_for_distribution(Distribution::Community),
        Some(Tlp::Amber)
    );
    for level in ThreatLevel::ALL {
        assert_eq!(
            markings::threat_level(Some(markings::security_compromise(*level))),
            *level
        );
    }
    for analysis in Analysis::ALL {
        assert_eq!(
            markings::analysis(Some(markings::status(*analysis))),
            *analysis
        );
    }
    assert_eq!(
        markings::analysis(Some("Containment Achieved")),
        Analysis::Ongoing
    );
}

#[test]
fn skip_reasons_read_as_short_clauses() {
    assert_eq!(SkipReason::NoIncident.to_string(), "linked to no incident");
    assert_eq!(
        SkipReason::IncidentOutsideDataset {
            incident: "x".into()
        }
        .to_string(),
        "linked only to incident x, which is not in the dataset"
    );
    assert_eq!(SkipReason::Duplicate.code(), "duplicate");
}
