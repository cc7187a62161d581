//! MISP's small integer enumerations (core format §1.3 of our notes; RFC "distribution",
//! "threat_level_id", "analysis", sighting "type", object reference "referenced_type").
//!
//! MISP writes them as JSON strings (`"distribution": "1"`); some producers write integers. Both
//! are read; anything outside the defined range is a typed [`Error::InvalidValue`] naming the path.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::wire::{JsonPath, Scalar, WireValue, read_uint, read_uint_scalar, serialize_uint_str};

macro_rules! small_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $expected:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [Self] = &[$( Self::$variant, )*];

            /// The numeric code MISP uses on the wire.
            pub const fn code(self) -> u8 {
                match self {
                    $( Self::$variant => $code, )*
                }
            }

            /// The value for a numeric code, or `None` when out of range.
            pub const fn from_code(code: u64) -> Option<Self> {
                match code {
                    $( $code => Some(Self::$variant), )*
                    _ => None,
                }
            }
        }

        impl WireValue for $name {
            fn from_wire(value: Value, path: &JsonPath<'_>) -> Result<Self> {
                let code = read_uint(&value, path).map_err(|_| Error::invalid(path, &value, $expected))?;
                Self::from_code(code).ok_or_else(|| Error::invalid(path, &value, $expected))
            }

            fn from_scalar(scalar: Scalar<'_>, path: &JsonPath<'_>) -> Result<Self> {
                read_uint_scalar(scalar, path)
                    .ok()
                    .and_then(Self::from_code)
                    .ok_or_else(|| Error::invalid(path, &scalar.to_value(), $expected))
            }

            fn serialize_wire<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                serialize_uint_str(u64::from(self.code()), serializer)
            }

            fn write_compact(&self, out: &mut crate::wire::compact::Out<'_>) {
                out.uint_string(u64::from(self.code()));
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.code())
            }
        }
    };
}

small_enum! {
    /// Who may see an event, attribute, object or report.
    ///
    /// Events allow 0–4; attributes, objects, event reports and analyst data also allow
    /// [`Distribution::Inherit`]. [`Distribution::SharingGroup`] needs a non-zero
    /// `sharing_group_id`, every other level needs `"0"` (checked by [`crate::validate`]).
    Distribution, "a distribution level 0-5" {
        /// `0`: your organisation only.
        Organisation = 0,
        /// `1`: this community only.
        Community = 1,
        /// `2`: connected communities.
        ConnectedCommunities = 2,
        /// `3`: all communities.
        AllCommunities = 3,
        /// `4`: the sharing group named by `sharing_group_id`.
        SharingGroup = 4,
        /// `5`: inherit from the parent event (not valid on an event itself).
        Inherit = 5,
    }
}

small_enum! {
    /// How severe the event's threat is (`threat_level_id`).
    ThreatLevel, "a threat level 1-4" {
        /// `1`: high.
        High = 1,
        /// `2`: medium.
        Medium = 2,
        /// `3`: low.
        Low = 3,
        /// `4`: undefined (MISP's default).
        Undefined = 4,
    }
}

small_enum! {
    /// How far the analysis of an event has come (`analysis`).
    Analysis, "an analysis state 0-2" {
        /// `0`: initial.
        Initial = 0,
        /// `1`: ongoing.
        Ongoing = 1,
        /// `2`: completed.
        Completed = 2,
    }
}

small_enum! {
    /// What a sighting says about an attribute (`Sighting.type`).
    SightingType, "a sighting type 0-3" {
        /// `0`: the value was seen.
        Seen = 0,
        /// `1`: the value is a false positive.
        FalsePositive = 1,
        /// `2`: the value expires.
        Expiration = 2,
        /// `3`: the value is a true positive.
        TruePositive = 3,
    }
}

small_enum! {
    /// What an object reference points at (`ObjectReference.referenced_type`).
    ReferencedType, "a referenced type 0 (attribute) or 1 (object)" {
        /// `0`: an attribute.
        Attribute = 0,
        /// `1`: an object.
        Object = 1,
    }
}

impl Distribution {
    /// Whether this level is allowed on an event (everything but [`Distribution::Inherit`]).
    pub const fn valid_for_event(self) -> bool {
        !matches!(self, Self::Inherit)
    }
}
