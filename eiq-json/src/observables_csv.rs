//! The EclecticIQ *Observables CSV* row (`urn:eclecticiq.com:csv-extracts:1.0`) in its JSON
//! form: one observable per record with flat, dotted column names.
//!
//! This is what EclecticIQ outgoing feeds give SIEM integrations (Elastic, QRadar, XSOAR); it is
//! not EIQ JSON, but the only real EclecticIQ feed data that is public has this shape, so the
//! crate reads it too. Every column is text in the export; `value` may be a number after JSON
//! re-encoding.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::extract::ExtractValue;
use crate::field::Field;
use crate::json;
use crate::limits::Limits;

/// Declares the record with its dotted column names.
macro_rules! record {
    ($( $(#[$fmeta:meta])* $field:ident = $column:literal : $ty:ty, )*) => {
        /// One row of the Observables CSV export.
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct ObservableRecord {
            $(
                $(#[$fmeta])*
                #[serde(rename = $column, default, skip_serializing_if = "Field::is_absent")]
                pub $field: Field<$ty>,
            )*
            /// Columns this crate does not model, kept for the round trip.
            #[serde(flatten)]
            pub extra: $crate::Extra,
        }
    };
}

record! {
    /// Relevancy computed at export (0–1, as text).
    calculated_relevancy = "calculated.relevancy": String,
    /// Source reliability computed at export.
    calculated_source_reliability = "calculated.source_reliability": String,
    /// TLP computed at export.
    calculated_tlp = "calculated.tlp": String,
    /// `add` or `del` (diff update strategy).
    diff = "diff": String,
    /// The owning entity's id.
    entity_id = "entity.id": String,
    /// The owning entity's title.
    entity_title = "entity.title": String,
    /// The owning entity's type.
    entity_type = "entity.type": String,
    /// Classification (`bad`, `good`, `unknown` or empty).
    meta_classification = "meta.classification": String,
    /// Confidence (`low`, `medium`, `high` or empty).
    meta_confidence = "meta.confidence": String,
    /// Link to the entity on the platform.
    meta_entity_url = "meta.entity_url": String,
    /// Observed time.
    meta_estimated_observed_time = "meta.estimated_observed_time": String,
    /// Threat end time.
    meta_estimated_threat_end_time = "meta.estimated_threat_end_time": String,
    /// Threat start time.
    meta_estimated_threat_start_time = "meta.estimated_threat_start_time": String,
    /// Ingest time.
    meta_ingest_time = "meta.ingest_time": String,
    /// Relevancy.
    meta_relevancy = "meta.relevancy": String,
    /// Source reliability.
    meta_source_reliability = "meta.source_reliability": String,
    /// Tags, `;`-joined.
    meta_tags = "meta.tags": String,
    /// Taxonomy.
    meta_taxonomy = "meta.taxonomy": String,
    /// Terms of use.
    meta_terms_of_use = "meta.terms_of_use": String,
    /// TLP.
    meta_tlp = "meta.tlp": String,
    /// Source ids.
    source_ids = "source.ids": String,
    /// Source names.
    source_names = "source.names": String,
    /// Export time.
    timestamp = "timestamp": String,
    /// Extract kind (same strings as [`crate::ExtractKind`]).
    kind = "type": crate::ExtractKind,
    /// Extract value.
    value = "value": ExtractValue,
    /// Link to the extract on the platform.
    value_url = "value_url": String,
}

impl ObservableRecord {
    /// Parses one record, checking the size limit.
    ///
    /// # Errors
    /// [`crate::Error::TooLarge`], [`crate::Error::Json`] with the column's path.
    pub fn from_json_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        json::parse(bytes, limits)
    }

    /// Writes the record as compact JSON.
    ///
    /// # Errors
    /// [`crate::Error::Write`] (not expected).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        json::write(self)
    }
}
