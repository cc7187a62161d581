//! Limits against hostile input, checked before anything is allocated for it.

use crate::size::{SizeLimit, SizeLimitAboveCap};

/// Limits the reader enforces. Every limit hit is [`crate::Error::LimitExceeded`]; nothing is
/// truncated. The defaults are safe for messages from untrusted peers.
///
/// ```
/// use taxii1_core::{Limits, size::MIB};
/// let limits = Limits::default().with_max_message_bytes(50 * MIB)?.with_max_depth(32);
/// assert_eq!(limits.max_message_bytes(), 50 * MIB);
/// assert!(Limits::default().with_max_message_bytes(200 * MIB).is_err());
/// # Ok::<(), taxii1_core::size::SizeLimitAboveCap>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    max_message: SizeLimit,
    max_depth: usize,
    max_attributes: usize,
    max_text_bytes: usize,
    max_content_blocks: usize,
    max_list_items: usize,
    max_result_parts: usize,
    accept_peer_deviations: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message: SizeLimit::FEED_DEFAULT,
            max_depth: 64,
            max_attributes: 64,
            max_text_bytes: 64 * 1024,
            max_content_blocks: 100_000,
            max_list_items: 10_000,
            max_result_parts: 10_000,
            accept_peer_deviations: false,
        }
    }
}

impl Limits {
    /// Largest message in bytes. Default 20 MiB, the platform's `MAX_BLOB_SIZE` for feeds; never
    /// above the 100 MiB hard cap.
    pub fn max_message_bytes(&self) -> usize {
        self.max_message.bytes()
    }

    /// The message size limit as a [`SizeLimit`].
    pub fn max_message(&self) -> SizeLimit {
        self.max_message
    }

    /// Sets the largest message in bytes.
    ///
    /// # Errors
    /// [`SizeLimitAboveCap`] above 100 MiB.
    pub fn with_max_message_bytes(self, bytes: usize) -> Result<Self, SizeLimitAboveCap> {
        Ok(self.with_max_message(SizeLimit::new(bytes)?))
    }

    /// Sets the largest message from a [`SizeLimit`] (already capped).
    #[must_use]
    pub fn with_max_message(mut self, limit: SizeLimit) -> Self {
        self.max_message = limit;
        self
    }

    /// Deepest element nesting, counted inside `Content` too. Default 64: a TAXII envelope needs
    /// fewer than 10 levels and a STIX package rarely more than 20; the default query allows
    /// nesting, and 64 leaves room without letting a deep document exhaust the stack or time.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Sets the deepest element nesting.
    #[must_use]
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Most attributes on one element. Default 64: no TAXII element has more than 6, and
    /// embedded STIX rarely more than a dozen namespace declarations.
    pub fn max_attributes(&self) -> usize {
        self.max_attributes
    }

    /// Sets the most attributes on one element.
    #[must_use]
    pub fn with_max_attributes(mut self, count: usize) -> Self {
        self.max_attributes = count;
        self
    }

    /// Longest attribute value or text node outside `Content`, in bytes. Default 64 KiB: ids,
    /// names and messages are short; content payloads are bounded by the message limit instead.
    pub fn max_text_bytes(&self) -> usize {
        self.max_text_bytes
    }

    /// Sets the longest attribute value or text node outside `Content`.
    #[must_use]
    pub fn with_max_text_bytes(mut self, bytes: usize) -> Self {
        self.max_text_bytes = bytes;
        self
    }

    /// Most content blocks in one message. Default 100,000: a 20 MiB message of minimal blocks
    /// holds about that many.
    pub fn max_content_blocks(&self) -> usize {
        self.max_content_blocks
    }

    /// Sets the most content blocks in one message.
    #[must_use]
    pub fn with_max_content_blocks(mut self, count: usize) -> Self {
        self.max_content_blocks = count;
        self
    }

    /// Most repeated children of one kind other than content blocks (service instances,
    /// collections, extended headers, status details, criteria...). Default 10,000.
    pub fn max_list_items(&self) -> usize {
        self.max_list_items
    }

    /// Sets the most repeated children of one kind.
    #[must_use]
    pub fn with_max_list_items(mut self, count: usize) -> Self {
        self.max_list_items = count;
        self
    }

    /// Most result parts a poll session follows. Default 10,000: a hostile server can answer
    /// `more="true"` forever.
    pub fn max_result_parts(&self) -> usize {
        self.max_result_parts
    }

    /// Whether to accept the schema deviations real peers are known to produce. Default
    /// `false` (strict). When `true` the reader accepts: a TAXII 1.0 `Feed` without
    /// `Content_Binding` (OpenTAXII for accept-all collections) or with neither `Push_Method` nor
    /// `Polling_Service` (libtaxii), and a content block binding with more than one `Subtype`
    /// (libtaxii). The writer never produces these; it refuses such a message with an error.
    pub fn accept_peer_deviations(&self) -> bool {
        self.accept_peer_deviations
    }

    /// Sets whether to accept known peer schema deviations (see
    /// [`Limits::accept_peer_deviations`]).
    #[must_use]
    pub fn with_accept_peer_deviations(mut self, accept: bool) -> Self {
        self.accept_peer_deviations = accept;
        self
    }

    /// Sets the most result parts a poll session follows.
    #[must_use]
    pub fn with_max_result_parts(mut self, count: usize) -> Self {
        self.max_result_parts = count;
        self
    }
}
