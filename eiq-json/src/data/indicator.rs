//! `indicator`: a pattern of observables that signals something malicious.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{
    InformationSource, KillChainPhase, MarkingSpecification, Statement, TimeWindow,
};
use super::entity_body;
use crate::field::Field;
use crate::vocab::EntityType;

entity_body! {
    /// The body of an `indicator` (STIX 1.2 Indicator as the platform writes it).
    IndicatorData = EntityType::INDICATOR, {
        /// Indicator types (IndicatorTypeVocab-1.1): `[{"value": "IP Watchlist"}]`.
        types: Vec<Statement>,
        /// Likely impact (statement, HighMediumLowVocab).
        likely_impact: Statement,
        /// Windows in which the indicator is valid.
        valid_time_positions: Vec<TimeWindow>,
        /// Kill chain phases.
        kill_chain_phases: Vec<KillChainPhase>,
        /// Test mechanisms (STIX 1.2; shape inferred, kept as JSON).
        test_mechanisms: Vec<Value>,
        /// Embedded indicated TTPs (STIX 1.2; packages use relation entities instead).
        indicated_ttps: Box<Value>,
        /// Embedded suggested courses of action (STIX 1.2).
        suggested_coas: Box<Value>,
        /// The CybOX observable (STIX 1.2; kept as JSON).
        observable: Box<Value>,
        /// Composite indicator expression (STIX 1.2; kept as JSON).
        composite_indicator_expression: Box<Value>,
        /// Whether the indicator is negated.
        negate: bool,
    }
}
