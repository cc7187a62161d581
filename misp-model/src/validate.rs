//! Validation of events against describeTypes and MISP's rules, reporting every problem with
//! its JSON path.
//!
//! Two modes: [`Mode::Lax`] reports what a MISP server or PyMISP refuses outright (missing or
//! empty `info`, unknown attribute types, empty values, event distribution 5, distribution 4
//! without a sharing group, malformed UUIDs); [`Mode::Strict`] adds what PyMISP's lax loader
//! silently rewrites or what breaks synchronisation (unknown or disallowed categories, a sharing
//! group id with a distribution other than 4, composite values without `|`, missing UUIDs,
//! dates that are not `YYYY-MM-DD`, object attributes without `object_relation`).
//!
//! ```
//! use misp_model::describe_types::DescribeTypes;
//! use misp_model::validate::{Mode, ProblemKind, validate_event};
//! use misp_model::{Attribute, Event};
//!
//! let event = Event::new("x")
//!     .with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e")
//!     .with_attribute(
//!         Attribute::new("ip-dst", "203.0.113.7")
//!             .with_uuid("0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091")
//!             .with_category("Payload type"),
//!     );
//! let problems = validate_event(&event, DescribeTypes::builtin(), Mode::Strict);
//! assert_eq!(problems.len(), 1);
//! assert_eq!(problems[0].path, "Event.Attribute[0].category");
//! assert!(matches!(problems[0].kind, ProblemKind::CategoryNotAllowed { .. }));
//! assert!(validate_event(&event, DescribeTypes::builtin(), Mode::Lax).is_empty());
//! ```

use std::fmt;

use crate::attribute::Attribute;
use crate::composite;
use crate::describe_types::DescribeTypes;
use crate::event::Event;
use crate::object::Object;
use crate::vocabulary::Distribution;

/// How much to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything: also what PyMISP would silently rewrite.
    Strict,
    /// Only what MISP or PyMISP would refuse.
    Lax,
}

/// One problem found in an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `Event.Attribute[3].category`.
    pub path: String,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)
    }
}

/// The kinds of problem validation reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// `info` is empty or only whitespace (MISP refuses it).
    EmptyInfo,
    /// An event has distribution 5 (inherit), which only children may use.
    EventDistributionInherit,
    /// Distribution 4 without a non-zero `sharing_group_id`.
    SharingGroupMissing,
    /// A non-zero `sharing_group_id` with a distribution other than 4 (strict).
    SharingGroupUnexpected {
        /// The sharing group id found.
        sharing_group_id: u64,
    },
    /// An attribute type describeTypes does not know.
    UnknownType {
        /// The type found.
        attribute_type: String,
    },
    /// A category describeTypes does not know (strict).
    UnknownCategory {
        /// The category found.
        category: String,
    },
    /// A category that does not allow the attribute's type (strict).
    CategoryNotAllowed {
        /// The category found.
        category: String,
        /// The attribute type.
        attribute_type: String,
    },
    /// An empty attribute value.
    EmptyValue,
    /// A composite type whose value has no `|` (strict).
    CompositeValueWithoutSeparator {
        /// The composite type.
        attribute_type: String,
    },
    /// A UUID that is not 8-4-4-4-12 hexadecimal.
    InvalidUuid {
        /// The value found.
        value: String,
    },
    /// A missing UUID (strict; MISP would generate one, so the item's identity is not stable).
    MissingUuid,
    /// A date that is not `YYYY-MM-DD` (strict).
    InvalidDate {
        /// The value found.
        value: String,
    },
    /// An object attribute without `object_relation` (strict).
    MissingObjectRelation,
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyInfo => f.write_str("event info is empty"),
            Self::EventDistributionInherit => {
                f.write_str("distribution 5 (inherit) is not allowed on an event")
            }
            Self::SharingGroupMissing => {
                f.write_str("distribution 4 (sharing group) needs a non-zero sharing_group_id")
            }
            Self::SharingGroupUnexpected { sharing_group_id } => write!(
                f,
                "sharing_group_id {sharing_group_id} set but distribution is not 4"
            ),
            Self::UnknownType { attribute_type } => {
                write!(f, "unknown attribute type `{attribute_type}`")
            }
            Self::UnknownCategory { category } => write!(f, "unknown category `{category}`"),
            Self::CategoryNotAllowed {
                category,
                attribute_type,
            } => write!(
                f,
                "category `{category}` does not allow type `{attribute_type}`"
            ),
            Self::EmptyValue => f.write_str("attribute value is empty"),
            Self::CompositeValueWithoutSeparator { attribute_type } => write!(
                f,
                "value of composite type `{attribute_type}` has no `|` separator"
            ),
            Self::InvalidUuid { value } => write!(f, "`{value}` is not a UUID"),
            Self::MissingUuid => f.write_str("uuid is missing"),
            Self::InvalidDate { value } => write!(f, "`{value}` is not a YYYY-MM-DD date"),
            Self::MissingObjectRelation => f.write_str("object attribute has no object_relation"),
        }
    }
}

/// Whether `value` is a UUID in the 8-4-4-4-12 hexadecimal form (either case).
///
/// One pass over the 36 bytes, without an early exit: hyphens at 8, 13, 18 and 23, hex digits
/// everywhere else. Every attribute is checked, so this is on the hot path of a large load.
pub fn is_uuid(value: &str) -> bool {
    /// Where the hyphens go.
    const HYPHEN_AT: [bool; 36] = {
        let mut at = [false; 36];
        at[8] = true;
        at[13] = true;
        at[18] = true;
        at[23] = true;
        at
    };
    let Ok(bytes) = <&[u8; 36]>::try_from(value.as_bytes()) else {
        return false;
    };
    bytes
        .iter()
        .zip(HYPHEN_AT)
        .fold(true, |ok, (&byte, hyphen)| {
            let digit = byte.wrapping_sub(b'0') < 10;
            let letter = (byte | 0x20).wrapping_sub(b'a') < 6;
            ok & if hyphen { byte == b'-' } else { digit | letter }
        })
}

/// Whether `value` is a `YYYY-MM-DD` date with a plausible month and day.
pub fn is_date(value: &str) -> bool {
    let mut parts = value.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    matches!((m.parse::<u8>(), d.parse::<u8>()), (Ok(1..=12), Ok(1..=31)))
}

/// Where a checked item sits, rendered into a JSON path only when a problem is reported (so a
/// clean attribute costs no string building).
#[derive(Clone, Copy)]
enum Loc<'a> {
    /// The caller's base path, e.g. `Event` or `response.Attribute[3]`.
    Base(&'a str),
    /// Element `index` of list `list` below `parent`, e.g. `….Attribute[3]`.
    Element(&'a Self, &'static str, usize),
}

impl Loc<'_> {
    fn render_into(&self, out: &mut String) {
        match self {
            Self::Base(base) => out.push_str(base),
            Self::Element(parent, list, index) => {
                parent.render_into(out);
                out.push('.');
                out.push_str(list);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }

    /// The path of `leaf` below this item, e.g. `Event.Attribute[3].uuid`.
    fn leaf(&self, leaf: &str) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out.push('.');
        out.push_str(leaf);
        out
    }
}

struct Checker<'a> {
    table: &'a DescribeTypes,
    strict: bool,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, at: &Loc<'_>, leaf: &str, kind: ProblemKind) {
        self.problems.push(Problem {
            path: at.leaf(leaf),
            kind,
        });
    }

    fn uuid(&mut self, at: &Loc<'_>, uuid: Option<&str>) {
        match uuid {
            Some(value) if !is_uuid(value) => self.report(
                at,
                "uuid",
                ProblemKind::InvalidUuid {
                    value: value.to_owned(),
                },
            ),
            None if self.strict => self.report(at, "uuid", ProblemKind::MissingUuid),
            _ => {}
        }
    }

    fn sharing(&mut self, at: &Loc<'_>, distribution: Option<Distribution>, group: Option<u64>) {
        match (distribution, group) {
            (Some(Distribution::SharingGroup), None | Some(0)) => {
                self.report(at, "sharing_group_id", ProblemKind::SharingGroupMissing);
            }
            (Some(d), Some(id)) if self.strict && id != 0 && d != Distribution::SharingGroup => {
                self.report(
                    at,
                    "sharing_group_id",
                    ProblemKind::SharingGroupUnexpected {
                        sharing_group_id: id,
                    },
                );
            }
            _ => {}
        }
    }

    fn object(&mut self, at: &Loc<'_>, object: &Object) {
        self.uuid(at, object.uuid.as_deref());
        self.sharing(at, object.distribution, object.sharing_group_id);
        for (j, reference) in object.references.iter().enumerate() {
            if let Some(target) = reference.referenced_uuid.as_deref()
                && !is_uuid(target)
            {
                self.report(
                    &Loc::Element(at, "ObjectReference", j),
                    "referenced_uuid",
                    ProblemKind::InvalidUuid {
                        value: target.to_owned(),
                    },
                );
            }
        }
        for (j, attribute) in object.attributes.iter().enumerate() {
            self.attribute(&Loc::Element(at, "Attribute", j), attribute, true);
        }
    }

    fn attribute(&mut self, at: &Loc<'_>, attribute: &Attribute, in_object: bool) {
        self.uuid(at, attribute.uuid.as_deref());
        let attribute_type = &*attribute.attribute_type;
        let known = self.table.is_known_type(attribute_type);
        if !known {
            self.report(
                at,
                "type",
                ProblemKind::UnknownType {
                    attribute_type: attribute_type.to_owned(),
                },
            );
        }
        if self.strict
            && let Some(category) = attribute.category.as_deref()
        {
            if !self.table.is_known_category(category) {
                self.report(
                    at,
                    "category",
                    ProblemKind::UnknownCategory {
                        category: category.to_owned(),
                    },
                );
            } else if known && !self.table.category_allows(category, attribute_type) {
                self.report(
                    at,
                    "category",
                    ProblemKind::CategoryNotAllowed {
                        category: category.to_owned(),
                        attribute_type: attribute_type.to_owned(),
                    },
                );
            }
        }
        if attribute.value.trim().is_empty() {
            self.report(at, "value", ProblemKind::EmptyValue);
        } else if self.strict
            && composite::is_composite_type(attribute_type)
            && !attribute.value.contains('|')
        {
            self.report(
                at,
                "value",
                ProblemKind::CompositeValueWithoutSeparator {
                    attribute_type: attribute_type.to_owned(),
                },
            );
        }
        if self.strict && in_object && attribute.object_relation.is_none() {
            self.report(at, "object_relation", ProblemKind::MissingObjectRelation);
        }
        self.sharing(at, attribute.distribution, attribute.sharing_group_id);
    }
}

/// Checks one attribute outside an event (e.g. an `attributes/restSearch` result); paths start
/// at `path` (e.g. `response.Attribute[3]`).
pub fn validate_attribute(
    attribute: &Attribute,
    table: &DescribeTypes,
    mode: Mode,
    path: &str,
) -> Vec<Problem> {
    let mut checker = Checker {
        table,
        strict: mode == Mode::Strict,
        problems: Vec::new(),
    };
    checker.attribute(
        &Loc::Base(path),
        attribute,
        attribute.object_relation.is_some(),
    );
    checker.problems
}

/// Checks one object outside an event (e.g. an `objects/restSearch` result); paths start at
/// `path` (e.g. `response[0].Object`).
pub fn validate_object(
    object: &Object,
    table: &DescribeTypes,
    mode: Mode,
    path: &str,
) -> Vec<Problem> {
    let mut checker = Checker {
        table,
        strict: mode == Mode::Strict,
        problems: Vec::new(),
    };
    checker.object(&Loc::Base(path), object);
    checker.problems
}

/// Checks one event; problems come in document order with paths starting at `Event`.
pub fn validate_event(event: &Event, table: &DescribeTypes, mode: Mode) -> Vec<Problem> {
    let mut checker = Checker {
        table,
        strict: mode == Mode::Strict,
        problems: Vec::new(),
    };
    let root = Loc::Base("Event");
    if event.info.trim().is_empty() {
        checker.report(&root, "info", ProblemKind::EmptyInfo);
    }
    checker.uuid(&root, event.uuid.as_deref());
    if let Some(date) = event.date.as_deref()
        && checker.strict
        && !is_date(date)
    {
        checker.report(
            &root,
            "date",
            ProblemKind::InvalidDate {
                value: date.to_owned(),
            },
        );
    }
    if event.distribution == Some(Distribution::Inherit) {
        checker.report(&root, "distribution", ProblemKind::EventDistributionInherit);
    }
    checker.sharing(&root, event.distribution, event.sharing_group_id);
    for (i, attribute) in event.attributes.iter().enumerate() {
        checker.attribute(&Loc::Element(&root, "Attribute", i), attribute, false);
    }
    for (i, object) in event.objects.iter().enumerate() {
        checker.object(&Loc::Element(&root, "Object", i), object);
    }
    for (i, report) in event.reports.iter().enumerate() {
        checker.sharing(
            &Loc::Element(&root, "EventReport", i),
            report.distribution,
            report.sharing_group_id,
        );
    }
    checker.problems
}
