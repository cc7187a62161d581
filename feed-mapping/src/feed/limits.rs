//! Package size limits configured by a feed file, and the limits that guard feed-file loading.
//!
//! The numbers themselves live in [`taxii1_core::size`], the one place that defines them; this
//! module only carries the configured values from the feed file to the clients, which pass
//! [`PackageSizeLimits::max_blob_size`] into each parser's limits.

use taxii1_core::size::{SizeLimit, SizeLimitAboveCap};

/// `MAX_BLOB_SIZE` and `MAX_UPLOADED_BLOB_SIZE` as configured for a platform instance.
///
/// Both are [`SizeLimit`]s, so neither can exceed the 100 MiB hard cap.
///
/// ```
/// use feed_mapping::feed::PackageSizeLimits;
/// use taxii1_core::size::{SizeLimit, MIB};
///
/// let limits = PackageSizeLimits::default();
/// assert_eq!(limits.max_blob_size(), SizeLimit::FEED_DEFAULT);
/// assert_eq!(limits.max_uploaded_blob_size(), SizeLimit::UPLOAD_DEFAULT);
///
/// let limits = PackageSizeLimits::with_max_blob_size(SizeLimit::new(40 * MIB)?);
/// assert_eq!(limits.max_uploaded_blob_size().bytes(), 20 * MIB);
/// # Ok::<(), taxii1_core::size::SizeLimitAboveCap>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackageSizeLimits {
    max_blob_size: SizeLimit,
    max_uploaded_blob_size: SizeLimit,
}

impl Default for PackageSizeLimits {
    /// The platform defaults: 20 MiB for feeds, 10 MiB for manual uploads.
    fn default() -> Self {
        Self {
            max_blob_size: SizeLimit::FEED_DEFAULT,
            max_uploaded_blob_size: SizeLimit::UPLOAD_DEFAULT,
        }
    }
}

impl PackageSizeLimits {
    /// Both limits given explicitly.
    pub const fn new(max_blob_size: SizeLimit, max_uploaded_blob_size: SizeLimit) -> Self {
        Self {
            max_blob_size,
            max_uploaded_blob_size,
        }
    }

    /// A feed limit of `max_blob_size`, with the upload limit at half of it (the platform's rule
    /// for the default upload limit).
    pub fn with_max_blob_size(max_blob_size: SizeLimit) -> Self {
        Self {
            max_blob_size,
            max_uploaded_blob_size: half_of(max_blob_size),
        }
    }

    /// The largest package accepted from a feed (`MAX_BLOB_SIZE`, default 20 MiB).
    pub const fn max_blob_size(&self) -> SizeLimit {
        self.max_blob_size
    }

    /// The largest manually uploaded package (`MAX_UPLOADED_BLOB_SIZE`, default 10 MiB).
    pub const fn max_uploaded_blob_size(&self) -> SizeLimit {
        self.max_uploaded_blob_size
    }
}

/// Half of `limit`, which can never exceed the cap because `limit` does not.
fn half_of(limit: SizeLimit) -> SizeLimit {
    SizeLimit::new(limit.bytes() / 2).unwrap_or(SizeLimit::UPLOAD_DEFAULT)
}

/// Converts a configured byte count to a [`SizeLimit`].
pub(crate) fn size_limit_from_u64(bytes: u64) -> Result<SizeLimit, SizeLimitAboveCap> {
    let bytes = usize::try_from(bytes).map_err(|_| SizeLimitAboveCap {
        requested: usize::MAX,
    })?;
    SizeLimit::new(bytes)
}

/// Limits that guard the feed-file loader against oversized or runaway files.
///
/// Feed files come from operators, not from peers, so the defaults are generous; they only stop
/// a wrong file (a package mistaken for a configuration, a generated file gone wrong) early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConfigLimits {
    max_text_bytes: usize,
    max_feeds: usize,
}

impl Default for ConfigLimits {
    fn default() -> Self {
        Self {
            max_text_bytes: Self::DEFAULT_MAX_TEXT_BYTES,
            max_feeds: Self::DEFAULT_MAX_FEEDS,
        }
    }
}

impl ConfigLimits {
    /// Default for [`Self::max_text_bytes`]: 1 MiB, hundreds of times a realistic feed file.
    pub const DEFAULT_MAX_TEXT_BYTES: usize = 1024 * 1024;
    /// Default for [`Self::max_feeds`]: 1024 feeds, far beyond what one instance runs.
    pub const DEFAULT_MAX_FEEDS: usize = 1024;

    /// The largest feed file accepted, in bytes.
    pub const fn max_text_bytes(&self) -> usize {
        self.max_text_bytes
    }

    /// The most feeds (incoming plus outgoing) one file may define.
    pub const fn max_feeds(&self) -> usize {
        self.max_feeds
    }

    /// Sets [`Self::max_text_bytes`] (default 1 MiB).
    #[must_use]
    pub const fn with_max_text_bytes(mut self, bytes: usize) -> Self {
        self.max_text_bytes = bytes;
        self
    }

    /// Sets [`Self::max_feeds`] (default 1024).
    #[must_use]
    pub const fn with_max_feeds(mut self, feeds: usize) -> Self {
        self.max_feeds = feeds;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taxii1_core::size::{
        DEFAULT_MAX_BLOB_SIZE, DEFAULT_MAX_UPLOADED_BLOB_SIZE, HARD_MAX_BLOB_SIZE,
    };

    #[test]
    fn defaults_come_from_taxii1_core() {
        let limits = PackageSizeLimits::default();
        assert_eq!(limits.max_blob_size().bytes(), DEFAULT_MAX_BLOB_SIZE);
        assert_eq!(
            limits.max_uploaded_blob_size().bytes(),
            DEFAULT_MAX_UPLOADED_BLOB_SIZE
        );
        assert_eq!(
            PackageSizeLimits::with_max_blob_size(SizeLimit::FEED_DEFAULT),
            limits
        );
    }

    #[test]
    fn byte_counts_convert_at_the_exact_cap() {
        let cap = u64::try_from(HARD_MAX_BLOB_SIZE).unwrap();
        assert_eq!(size_limit_from_u64(cap), Ok(SizeLimit::HARD_CAP));
        assert_eq!(
            size_limit_from_u64(cap + 1),
            Err(SizeLimitAboveCap {
                requested: HARD_MAX_BLOB_SIZE + 1
            })
        );
        assert_eq!(size_limit_from_u64(0).map(SizeLimit::bytes), Ok(0));
    }

    #[test]
    fn upload_default_is_half_rounded_down() {
        let limits = PackageSizeLimits::with_max_blob_size(SizeLimit::new(7).unwrap());
        assert_eq!(limits.max_uploaded_blob_size().bytes(), 3);
        let limits = PackageSizeLimits::with_max_blob_size(SizeLimit::HARD_CAP);
        assert_eq!(
            limits.max_uploaded_blob_size().bytes(),
            HARD_MAX_BLOB_SIZE / 2
        );
    }

    #[test]
    fn config_limits_setters() {
        let limits = ConfigLimits::default()
            .with_max_text_bytes(10)
            .with_max_feeds(2);
        assert_eq!((limits.max_text_bytes(), limits.max_feeds()), (10, 2));
        assert_eq!(ConfigLimits::default().max_text_bytes(), 1024 * 1024);
    }
}
