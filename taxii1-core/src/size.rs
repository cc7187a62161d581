//! Package size limits shared by every parser and client in the workspace.
//!
//! The exchange platform guards ingestion with two settings: `MAX_BLOB_SIZE` for packages that
//! arrive through feeds (default 20 MiB) and `MAX_UPLOADED_BLOB_SIZE` for manual uploads (default
//! half of it). Neither may be configured above a hard cap of 100 MiB. This module is the one place
//! that defines those numbers; `eiq-json`, `misp-model`, `feed-mapping` and the clients take a
//! [`SizeLimit`] from here instead of defining their own.

use std::fmt;

/// One mebibyte, the unit the platform settings are expressed in.
pub const MIB: usize = 1024 * 1024;

/// Default `MAX_BLOB_SIZE`: the largest package accepted from a feed (20 MiB).
pub const DEFAULT_MAX_BLOB_SIZE: usize = 20 * MIB;

/// Default `MAX_UPLOADED_BLOB_SIZE`: the largest manually uploaded package (half of the feed limit).
pub const DEFAULT_MAX_UPLOADED_BLOB_SIZE: usize = DEFAULT_MAX_BLOB_SIZE / 2;

/// The hard cap: no configuration may raise a package size limit above 100 MiB.
pub const HARD_MAX_BLOB_SIZE: usize = 100 * MIB;

/// A package size limit in bytes that is guaranteed never to exceed [`HARD_MAX_BLOB_SIZE`].
///
/// ```
/// use taxii1_core::size::{SizeLimit, MIB};
///
/// let limit = SizeLimit::new(30 * MIB)?;
/// assert!(limit.check(30 * MIB).is_ok());
/// assert!(limit.check(30 * MIB + 1).is_err());
/// assert!(SizeLimit::new(101 * MIB).is_err());
/// # Ok::<(), taxii1_core::size::SizeLimitAboveCap>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SizeLimit(usize);

impl SizeLimit {
    /// The feed limit with its default value, 20 MiB (`MAX_BLOB_SIZE`).
    pub const FEED_DEFAULT: Self = Self(DEFAULT_MAX_BLOB_SIZE);
    /// The manual-upload limit with its default value, 10 MiB (`MAX_UPLOADED_BLOB_SIZE`).
    pub const UPLOAD_DEFAULT: Self = Self(DEFAULT_MAX_UPLOADED_BLOB_SIZE);
    /// The hard cap itself, 100 MiB.
    pub const HARD_CAP: Self = Self(HARD_MAX_BLOB_SIZE);

    /// A limit of `bytes`.
    ///
    /// # Errors
    /// [`SizeLimitAboveCap`] when `bytes` exceeds [`HARD_MAX_BLOB_SIZE`].
    pub const fn new(bytes: usize) -> Result<Self, SizeLimitAboveCap> {
        if bytes > HARD_MAX_BLOB_SIZE {
            Err(SizeLimitAboveCap { requested: bytes })
        } else {
            Ok(Self(bytes))
        }
    }

    /// A limit of `mib` MiB, as command-line options and settings give it.
    ///
    /// # Errors
    /// [`SizeLimitAboveCap`] when it exceeds [`HARD_MAX_BLOB_SIZE`].
    pub const fn from_mib(mib: usize) -> Result<Self, SizeLimitAboveCap> {
        Self::new(mib.saturating_mul(MIB))
    }

    /// The limit in bytes.
    pub const fn bytes(self) -> usize {
        self.0
    }

    /// Whether a package of `len` bytes fits.
    ///
    /// # Errors
    /// [`TooLarge`] naming the size and the limit when it does not.
    pub const fn check(self, len: usize) -> Result<(), TooLarge> {
        if len > self.0 {
            Err(TooLarge {
                size: len,
                limit: self.0,
            })
        } else {
            Ok(())
        }
    }

    /// Whether a declared length (for example an HTTP `Content-Length`) fits, before reading it.
    ///
    /// # Errors
    /// [`TooLarge`] when `len` does not fit (lengths beyond `usize` never fit).
    pub fn check_u64(self, len: u64) -> Result<(), TooLarge> {
        match usize::try_from(len) {
            Ok(len) => self.check(len),
            Err(_) => Err(TooLarge {
                size: usize::MAX,
                limit: self.0,
            }),
        }
    }
}

impl Default for SizeLimit {
    /// The feed default, 20 MiB.
    fn default() -> Self {
        Self::FEED_DEFAULT
    }
}

impl fmt::Display for SizeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.0)
    }
}

/// A requested size limit above the 100 MiB hard cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("size limit of {requested} bytes is above the hard cap of {HARD_MAX_BLOB_SIZE} bytes")]
pub struct SizeLimitAboveCap {
    /// The limit that was asked for, in bytes.
    pub requested: usize,
}

/// A package larger than its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("package of {size} bytes exceeds the limit of {limit} bytes")]
pub struct TooLarge {
    /// The package size in bytes (`usize::MAX` when it does not even fit in `usize`).
    pub size: usize,
    /// The limit in bytes.
    pub limit: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_platform_settings() {
        assert_eq!(SizeLimit::default().bytes(), 20 * 1024 * 1024);
        assert_eq!(SizeLimit::UPLOAD_DEFAULT.bytes(), 10 * 1024 * 1024);
        assert_eq!(SizeLimit::HARD_CAP.bytes(), 100 * 1024 * 1024);
    }

    #[test]
    fn exact_boundaries() {
        assert_eq!(SizeLimit::new(HARD_MAX_BLOB_SIZE), Ok(SizeLimit::HARD_CAP));
        assert_eq!(
            SizeLimit::new(HARD_MAX_BLOB_SIZE + 1),
            Err(SizeLimitAboveCap {
                requested: HARD_MAX_BLOB_SIZE + 1
            })
        );
        let limit = SizeLimit::new(10).unwrap();
        assert_eq!(limit.check(10), Ok(()));
        assert_eq!(
            limit.check(11),
            Err(TooLarge {
                size: 11,
                limit: 10
            })
        );
        assert_eq!(
            limit.check_u64(u64::MAX),
            Err(TooLarge {
                size: usize::MAX,
                limit: 10
            })
        );
    }
}
