//! Limits against hostile or runaway input.

use taxii1_core::size::SizeLimit;

/// Limits applied when parsing: input size first, then counts.
///
/// The size limit is the TAXII side's [`SizeLimit`] (20 MiB default, 100 MiB hard cap that no
/// setting can exceed), checked before any parsing. Nesting depth stays serde_json's 128. The
/// count limits are checked right after parsing, so they bound what callers iterate over; the
/// size limit is what bounds memory.
///
/// ```
/// use eiq_json::Limits;
/// use taxii1_core::size::{SizeLimit, MIB};
///
/// let limits = Limits::default().with_size(SizeLimit::new(5 * MIB)?).with_max_entities(1000);
/// assert_eq!(limits.size().bytes(), 5 * MIB);
/// assert_eq!(limits.max_entities(), 1000);
/// # Ok::<(), taxii1_core::size::SizeLimitAboveCap>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    size: SizeLimit,
    max_entities: usize,
    max_extracts_per_entity: usize,
}

impl Limits {
    /// Default for [`Limits::max_entities`]: far above what a 20 MiB package can hold in
    /// realistic entities (≈ 1 KiB each), low enough to stop a flood of empty objects.
    pub const DEFAULT_MAX_ENTITIES: usize = 100_000;
    /// Default for [`Limits::max_extracts_per_entity`]: reports with tens of thousands of
    /// observables exist; more than this is a flood.
    pub const DEFAULT_MAX_EXTRACTS_PER_ENTITY: usize = 100_000;

    /// The input size limit.
    pub fn size(&self) -> SizeLimit {
        self.size
    }

    /// The most entities a package may hold.
    pub fn max_entities(&self) -> usize {
        self.max_entities
    }

    /// The most extracts (plus enrichment extracts) one entity may hold.
    pub fn max_extracts_per_entity(&self) -> usize {
        self.max_extracts_per_entity
    }

    /// Sets the size limit (default 20 MiB, the platform's `MAX_BLOB_SIZE`; [`SizeLimit`]
    /// itself refuses anything above the 100 MiB cap).
    #[must_use]
    pub fn with_size(mut self, size: SizeLimit) -> Self {
        self.size = size;
        self
    }

    /// Sets the entity limit (default [`Limits::DEFAULT_MAX_ENTITIES`]).
    #[must_use]
    pub fn with_max_entities(mut self, max: usize) -> Self {
        self.max_entities = max;
        self
    }

    /// Sets the per-entity extract limit (default [`Limits::DEFAULT_MAX_EXTRACTS_PER_ENTITY`]).
    #[must_use]
    pub fn with_max_extracts_per_entity(mut self, max: usize) -> Self {
        self.max_extracts_per_entity = max;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            size: SizeLimit::FEED_DEFAULT,
            max_entities: Self::DEFAULT_MAX_ENTITIES,
            max_extracts_per_entity: Self::DEFAULT_MAX_EXTRACTS_PER_ENTITY,
        }
    }
}
