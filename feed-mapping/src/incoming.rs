//! Incoming: MISP events → one EclecticIQ JSON package.

use eiq_json::{ContentType, Package};
use misp_model::Event;

/// Settings of the incoming mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IncomingOptions {}

/// Maps MISP events to one package: each event becomes an incident with its attributes as
/// indicators' extracts.
pub fn events_to_package(events: &[Event], options: &IncomingOptions) -> Package {
    let _ = (events, options);
    Package::new(ContentType::V1)
}
