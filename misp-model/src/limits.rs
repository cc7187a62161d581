//! Limits against hostile input.

use taxii1_core::size::SizeLimit;

/// Bounds applied when reading MISP documents and feeds; every hit is an error, never a truncation.
///
/// Fields are private so the size cap from [`taxii1_core::size`] cannot be bypassed; use the
/// `with_*` setters.
///
/// ```
/// use misp_model::Limits;
/// use taxii1_core::size::SizeLimit;
///
/// let limits = Limits::default().with_max_document_bytes(SizeLimit::UPLOAD_DEFAULT).with_max_events(10);
/// assert_eq!(limits.max_events(), 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    max_document_bytes: SizeLimit,
    max_events: usize,
    max_attributes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_document_bytes: SizeLimit::FEED_DEFAULT,
            max_events: 100_000,
            max_attributes: 1_000_000,
        }
    }
}

impl Limits {
    /// Largest accepted document or feed file. Default: the feed limit
    /// [`SizeLimit::FEED_DEFAULT`] (20 MiB), never above the 100 MiB hard cap.
    #[must_use]
    pub fn with_max_document_bytes(mut self, limit: SizeLimit) -> Self {
        self.max_document_bytes = limit;
        self
    }

    /// Most events in one document or feed manifest. Default 100 000 (a full year of a busy
    /// daily feed is a few hundred), so a hostile manifest cannot ask for millions of fetches.
    #[must_use]
    pub fn with_max_events(mut self, max: usize) -> Self {
        self.max_events = max;
        self
    }

    /// Most attributes (top-level plus object attributes) in one document. Default 1 000 000,
    /// roughly 400 MB of model in memory; a 20 MiB document holds far fewer.
    #[must_use]
    pub fn with_max_attributes(mut self, max: usize) -> Self {
        self.max_attributes = max;
        self
    }

    /// The document size limit.
    pub fn max_document_bytes(&self) -> SizeLimit {
        self.max_document_bytes
    }

    /// The event count limit.
    pub fn max_events(&self) -> usize {
        self.max_events
    }

    /// The attribute count limit.
    pub fn max_attributes(&self) -> usize {
        self.max_attributes
    }
}
