//! `xs:dateTime` timestamps with a mandatory time zone, as TAXII timestamp labels require.

use std::fmt;

/// A TAXII timestamp (`Timestamp_Label`, `Exclusive_Begin_Timestamp`, ...): an `xs:dateTime`
/// with a time zone, kept in its original lexical form so that it round-trips byte for byte.
///
/// The time zone is mandatory (the XSD pattern requires it; a local time cannot be ordered
/// against a peer's). Ordering compares the text, which is only meaningful between timestamps
/// written by the same producer.
///
/// ```
/// use taxii1_core::Timestamp;
/// let ts: Timestamp = "2026-11-22T12:56:07.900621+00:00".parse()?;
/// assert_eq!(ts.as_str(), "2026-11-22T12:56:07.900621+00:00");
/// assert!("2026-11-22T12:56:07".parse::<Timestamp>().is_err());
/// # Ok::<(), taxii1_core::timestamp::InvalidTimestamp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

/// Text that is not an `xs:dateTime` with a time zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an xs:dateTime with a time zone (YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm))")]
pub struct InvalidTimestamp {
    /// The rejected text (cut to 64 characters).
    pub text: String,
}

impl Timestamp {
    /// Parses and validates `text`.
    ///
    /// # Errors
    /// [`InvalidTimestamp`] unless `text` is `YYYY-MM-DDThh:mm:ss[.ffffff](Z|±hh:mm)` (one to six
    /// fractional digits, as TAXII's `TimestampLabelType` requires) with
    /// values in range (month 1–12, day valid for the month, hour 0–23 or `24:00:00`, offset
    /// at most ±14:00).
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidTimestamp> {
        let text = text.into();
        if is_valid(&text) {
            Ok(Self(text))
        } else {
            Err(InvalidTimestamp {
                text: text.chars().take(64).collect(),
            })
        }
    }

    /// The lexical form, as received or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Timestamp {
    type Err = InvalidTimestamp;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn digits(bytes: &[u8], at: usize, len: usize) -> Option<u32> {
    let slice = bytes.get(at..at + len)?;
    slice.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

fn is_valid(text: &str) -> bool {
    let b = text.as_bytes();
    // Optional leading '-' for negative years is legal xs:dateTime but never meaningful here.
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(b, 0, 4),
        digits(b, 5, 2),
        digits(b, 8, 2),
        digits(b, 11, 2),
        digits(b, 14, 2),
        digits(b, 17, 2),
    ) else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return false;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if year == 0 || day == 0 || day > days || minute > 59 || second > 59 {
        return false;
    }
    let mut at = 19;
    let mut fraction_nonzero = false;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            fraction_nonzero |= b.get(at) != Some(&b'0');
            at += 1;
        }
        // TAXII's TimestampLabelType allows one to six fractional digits.
        if at == start || at - start > 6 {
            return false;
        }
    }
    if hour > 24 || (hour == 24 && (minute != 0 || second != 0 || fraction_nonzero)) {
        return false;
    }
    match b.get(at..) {
        Some(b"Z") => true,
        Some([sign, ..]) if *sign == b'+' || *sign == b'-' => {
            let (Some(oh), Some(om)) = (digits(b, at + 1, 2), digits(b, at + 4, 2)) else {
                return false;
            };
            b.get(at + 3) == Some(&b':')
                && b.len() == at + 6
                && om <= 59
                && (oh * 60 + om) <= 14 * 60
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_xsd_forms() {
        for ok in [
            "2026-11-22T12:56:07Z",
            "2026-11-22T12:56:07.900621+00:00",
            "2024-02-29T00:00:00-14:00",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00.123456+05:30",
        ] {
            assert!(Timestamp::new(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_what_libtaxii_lets_through() {
        for bad in [
            "2026-11-22T12:56:07",
            "2026-11-22t12:56:07z",
            "2026-11-22T12:56:07+25:00",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T24:00:01Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00.1234567Z",
            "yesterday",
            "",
            "2026-11-22T12:56:07+00:00 ",
        ] {
            assert!(Timestamp::new(bad).is_err(), "{bad}");
        }
    }
}
