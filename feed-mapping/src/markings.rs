//! The explicit tables between EclecticIQ markings and MISP: TLP ↔ tag and distribution,
//! classification/confidence → `to_ids`, incident fields ↔ threat level and analysis.
//!
//! | TLP (`meta.tlp_color`) | MISP tag | distribution |
//! |---|---|---|
//! | `WHITE` | `tlp:white` | 3 all communities |
//! | `CLEAR` | `tlp:clear` | 3 all communities |
//! | `GREEN` | `tlp:green` | 2 connected communities |
//! | `AMBER` | `tlp:amber` | 1 this community |
//! | `AMBER+STRICT` | `tlp:amber+strict` | 0 your organisation |
//! | `RED` | `tlp:red` | 0 your organisation |
//! | `NONE` or absent | — | 0 your organisation (nothing is shared wider than asked) |
//!
//! Back (incoming, when the event has no `tlp:` tag or the TLP tag is not prioritised):
//! distribution 0 → `RED`, 1 → `AMBER`, 2 → `GREEN`, 3 → `WHITE`, 4 (sharing group) → `AMBER`,
//! absent → no TLP.
//!
//! `to_ids`: an extract classified `bad` is for detection unless its confidence is `low`;
//! `good` and `unknown` extracts are context (`to_ids` false).
//!
//! Threat level from the incident's `security_compromise`: `Yes` → 1 high, `Suspected` → 2
//! medium, `No` → 3 low, anything else → 4 undefined. Analysis from `status`: `New` → 0
//! initial; `Open`, `Stalled`, `Containment Achieved`, `Restoration Achieved` → 1 ongoing;
//! `Incident Reported`, `Closed`, `Rejected`, `Deleted` → 2 completed; absent or other → 0.
//! The incoming mapping writes the first value of each group back, so both survive a round trip.

use eiq_json::{Classification, ExtractConfidence, Tlp};
use misp_model::{Analysis, Distribution, ThreatLevel};

/// The MISP `tlp:` tag for a TLP colour (`None` for `NONE`).
pub fn tlp_tag(tlp: Tlp) -> Option<&'static str> {
    match tlp {
        Tlp::White => Some("tlp:white"),
        Tlp::Clear => Some("tlp:clear"),
        Tlp::Green => Some("tlp:green"),
        Tlp::Amber => Some("tlp:amber"),
        Tlp::AmberStrict => Some("tlp:amber+strict"),
        Tlp::Red => Some("tlp:red"),
        Tlp::None => None,
    }
}

/// The TLP colour a MISP tag names (`tlp:green`, any case), if it is a TLP tag.
pub fn tlp_from_tag(tag: &str) -> Option<Tlp> {
    let colour = tag
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("tlp:"))
        .and_then(|_| tag.get(4..))?;
    match colour.trim().to_ascii_lowercase().as_str() {
        "white" => Some(Tlp::White),
        "clear" => Some(Tlp::Clear),
        "green" => Some(Tlp::Green),
        "amber" => Some(Tlp::Amber),
        "amber+strict" => Some(Tlp::AmberStrict),
        "red" => Some(Tlp::Red),
        _ => None,
    }
}

/// The distribution for a TLP colour (absent TLP: your organisation only).
pub fn distribution_for(tlp: Option<Tlp>) -> Distribution {
    match tlp {
        Some(Tlp::White | Tlp::Clear) => Distribution::AllCommunities,
        Some(Tlp::Green) => Distribution::ConnectedCommunities,
        Some(Tlp::Amber) => Distribution::Community,
        Some(Tlp::AmberStrict | Tlp::Red | Tlp::None) | None => Distribution::Organisation,
    }
}

/// The TLP colour a distribution stands for (incoming, when no TLP tag decides).
pub fn tlp_for_distribution(distribution: Distribution) -> Option<Tlp> {
    match distribution {
        Distribution::Organisation => Some(Tlp::Red),
        Distribution::Community | Distribution::SharingGroup => Some(Tlp::Amber),
        Distribution::ConnectedCommunities => Some(Tlp::Green),
        Distribution::AllCommunities => Some(Tlp::White),
        Distribution::Inherit => None,
    }
}

/// How widely a TLP colour lets information go (higher is wider); absent counts as narrowest.
pub fn openness(tlp: Option<Tlp>) -> u8 {
    distribution_for(tlp).code()
}

/// The IDS flag for an extract's classification and confidence.
pub fn to_ids(classification: Classification, confidence: Option<ExtractConfidence>) -> bool {
    classification == Classification::Bad && confidence != Some(ExtractConfidence::Low)
}

/// The threat level for an incident's `security_compromise` statement value.
pub fn threat_level(security_compromise: Option<&str>) -> ThreatLevel {
    match security_compromise.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("yes") => ThreatLevel::High,
        Some(v) if v.eq_ignore_ascii_case("suspected") => ThreatLevel::Medium,
        Some(v) if v.eq_ignore_ascii_case("no") => ThreatLevel::Low,
        _ => ThreatLevel::Undefined,
    }
}

/// The `security_compromise` value the incoming mapping writes for a threat level.
pub fn security_compromise(level: ThreatLevel) -> &'static str {
    match level {
        ThreatLevel::High => "Yes",
        ThreatLevel::Medium => "Suspected",
        ThreatLevel::Low => "No",
        ThreatLevel::Undefined => "Unknown",
    }
}

/// The analysis state for an incident's `status` statement value.
pub fn analysis(status: Option<&str>) -> Analysis {
    let status = status.map(|s| s.trim().to_ascii_lowercase());
    match status.as_deref() {
        Some("open" | "stalled" | "containment achieved" | "restoration achieved") => {
            Analysis::Ongoing
        }
        Some("incident reported" | "closed" | "rejected" | "deleted") => Analysis::Completed,
        _ => Analysis::Initial,
    }
}

/// The `status` value the incoming mapping writes for an analysis state.
pub fn status(analysis: Analysis) -> &'static str {
    match analysis {
        Analysis::Initial => "New",
        Analysis::Ongoing => "Open",
        Analysis::Completed => "Closed",
    }
}

/// The `YYYY-MM-DD` date at the start of an ISO 8601 timestamp, if it has one.
pub fn date_part(timestamp: &str) -> Option<&str> {
    let date = timestamp.trim().get(..10)?;
    misp_model::validate::is_date(date).then_some(date)
}
