//! Queries in poll and subscription requests, and the query formats services advertise; the
//! TAXII Default Query 1.0 is modelled in full, other formats are kept as XML.

use super::Content;

/// A `Query` in poll or subscription parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// The query format (`@format_id`), e.g. [`crate::urn::QUERY_FORMAT_DEFAULT_1_0`].
    pub format_id: String,
    /// The query itself.
    pub body: QueryBody,
}

impl Query {
    /// A Default Query.
    pub fn default_query(query: DefaultQuery) -> Self {
        Self {
            format_id: crate::urn::QUERY_FORMAT_DEFAULT_1_0.to_owned(),
            body: QueryBody::Default(query),
        }
    }
}

/// The body of a [`Query`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryBody {
    /// A TAXII Default Query (`tdq:Default_Query`).
    Default(DefaultQuery),
    /// Another format, kept as received.
    Other(Content),
}

/// A `Supported_Query` in a service description (1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SupportedQuery {
    /// The query format (`@format_id`).
    pub format_id: String,
    /// What the service supports of it.
    pub info: QueryInfo,
}

impl SupportedQuery {
    /// Support for the Default Query.
    pub fn default_query(info: DefaultQueryInfo) -> Self {
        Self {
            format_id: crate::urn::QUERY_FORMAT_DEFAULT_1_0.to_owned(),
            info: QueryInfo::Default(info),
        }
    }
}

/// The body of a [`SupportedQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryInfo {
    /// Default Query support (`tdq:Default_Query_Info`).
    Default(DefaultQueryInfo),
    /// Another format's description, kept as received.
    Other(Content),
}

/// `tdq:Default_Query_Info`: the targeting expressions and capability modules a service supports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DefaultQueryInfo {
    /// Supported targeting expressions (the schema allows one; the spec and libtaxii several).
    pub targeting_expression_infos: Vec<TargetingExpressionInfo>,
    /// Supported capability module URNs (at least one).
    pub capability_modules: Vec<String>,
}

/// `tdq:Targeting_Expression_Info`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TargetingExpressionInfo {
    /// The targeting expression vocabulary, usually a content binding id.
    pub targeting_expression_id: Option<String>,
    /// Scopes the service prefers.
    pub preferred_scopes: Vec<String>,
    /// Scopes the service allows.
    pub allowed_scopes: Vec<String>,
}

/// `tdq:Default_Query`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DefaultQuery {
    /// The targeting expression vocabulary the targets use (usually a content binding id).
    pub targeting_expression_id: String,
    /// The top-level criteria.
    pub criteria: Criteria,
}

impl DefaultQuery {
    /// A query over `targeting_expression_id`.
    pub fn new(targeting_expression_id: impl Into<String>, criteria: Criteria) -> Self {
        Self {
            targeting_expression_id: targeting_expression_id.into(),
            criteria,
        }
    }
}

/// How a [`Criteria`] combines its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// All items must match.
    And,
    /// At least one item must match.
    Or,
}

/// `tdq:Criteria`: criteria and criterions combined by an operator; nests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Criteria {
    /// AND or OR.
    pub operator: Operator,
    /// At least one item, in order.
    pub items: Vec<CriteriaItem>,
}

impl Criteria {
    /// Criteria with `items`.
    pub fn new(operator: Operator, items: Vec<CriteriaItem>) -> Self {
        Self { operator, items }
    }
}

/// One item of a [`Criteria`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriteriaItem {
    /// Nested criteria.
    Criteria(Criteria),
    /// A single test.
    Criterion(Criterion),
}

/// `tdq:Criterion`: a test applied to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Criterion {
    /// Whether the result is inverted (`@negate`).
    pub negate: bool,
    /// The targeting expression (`Target`), e.g. `STIX_Package/Indicators/Indicator/Title`.
    pub target: String,
    /// The test.
    pub test: Test,
}

impl Criterion {
    /// A criterion.
    pub fn new(target: impl Into<String>, test: Test) -> Self {
        Self {
            negate: false,
            target: target.into(),
            test,
        }
    }
}

/// `tdq:Test`: a capability module's relationship with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Test {
    /// The capability module (`@capability_id`), e.g. [`crate::urn::CAPABILITY_CORE_1_0`].
    pub capability_id: String,
    /// The relationship, e.g. [`relationship::EQUALS`].
    pub relationship: String,
    /// Parameters in order.
    pub parameters: Vec<Parameter>,
}

impl Test {
    /// A test without parameters.
    pub fn new(capability_id: impl Into<String>, relationship: impl Into<String>) -> Self {
        Self {
            capability_id: capability_id.into(),
            relationship: relationship.into(),
            parameters: Vec::new(),
        }
    }

    /// Adds a parameter.
    #[must_use]
    pub fn with_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.push(Parameter {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// The value of the first parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// Checks the relationship and its parameters against the capability module's definition,
    /// for the three modules the Default Query defines; tests of other modules pass unchecked.
    ///
    /// # Errors
    /// A sentence naming the unknown relationship or the missing/unknown/invalid parameter.
    pub fn check(&self) -> Result<(), String> {
        let Some(spec) = relationship::spec(&self.capability_id, &self.relationship) else {
            return if relationship::is_known_module(&self.capability_id) {
                Err(format!(
                    "relationship `{}` is not defined by capability module {}",
                    self.relationship, self.capability_id
                ))
            } else {
                Ok(())
            };
        };
        for p in &self.parameters {
            if !spec.iter().any(|(name, _)| *name == p.name) {
                return Err(format!(
                    "parameter `{}` is not defined for relationship `{}`",
                    p.name, self.relationship
                ));
            }
        }
        for (name, allowed) in spec {
            match self.parameter(name) {
                None => {
                    return Err(format!(
                        "relationship `{}` needs parameter `{name}`",
                        self.relationship
                    ));
                }
                Some(value) if !allowed.is_empty() && !allowed.contains(&value) => {
                    return Err(format!(
                        "parameter `{name}` is `{value}`, expected one of {}",
                        allowed.join(", ")
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// A `tdq:Parameter`: a named value of a test.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Parameter {
    /// The name (`@name`).
    pub name: String,
    /// The value (text; a string even when it looks like a boolean or number).
    pub value: String,
}

/// Relationships and parameter names of the Default Query's capability modules (core, regex,
/// timestamp), with what each relationship requires.
pub mod relationship {
    use crate::urn::{CAPABILITY_CORE_1_0, CAPABILITY_REGEX_1_0, CAPABILITY_TIMESTAMP_1_0};

    /// Core: equal to a value.
    pub const EQUALS: &str = "equals";
    /// Core: not equal to a value.
    pub const NOT_EQUALS: &str = "not_equals";
    /// Core: numerically greater.
    pub const GREATER_THAN: &str = "greater_than";
    /// Core: numerically greater or equal.
    pub const GREATER_THAN_OR_EQUAL: &str = "greater_than_or_equal";
    /// Core: numerically less.
    pub const LESS_THAN: &str = "less_than";
    /// Core: numerically less or equal.
    pub const LESS_THAN_OR_EQUAL: &str = "less_than_or_equal";
    /// Core: the target does not exist.
    pub const DOES_NOT_EXIST: &str = "does_not_exist";
    /// Core: the target exists.
    pub const EXISTS: &str = "exists";
    /// Core: begins with a value.
    pub const BEGINS_WITH: &str = "begins_with";
    /// Core: ends with a value.
    pub const ENDS_WITH: &str = "ends_with";
    /// Core: contains a value.
    pub const CONTAINS: &str = "contains";
    /// Regex: matches a regular expression.
    pub const MATCHES: &str = "matches";
    /// Timestamp: the same instant.
    pub const TIMESTAMP_EQUALS: &str = "equals";
    /// Timestamp: later than.
    pub const TIMESTAMP_GREATER_THAN: &str = "greater_than";
    /// Timestamp: later than or equal.
    pub const TIMESTAMP_GREATER_THAN_OR_EQUAL: &str = "greater_than_or_equal";
    /// Timestamp: earlier than.
    pub const TIMESTAMP_LESS_THAN: &str = "less_than";
    /// Timestamp: earlier than or equal.
    pub const TIMESTAMP_LESS_THAN_OR_EQUAL: &str = "less_than_or_equal";

    /// Parameter: the value compared against.
    pub const PARAM_VALUE: &str = "value";
    /// Parameter: how `equals`/`not_equals` compare.
    pub const PARAM_MATCH_TYPE: &str = "match_type";
    /// Parameter: whether string tests are case sensitive.
    pub const PARAM_CASE_SENSITIVE: &str = "case_sensitive";

    const MATCH_TYPES: &[&str] = &["case_sensitive_string", "case_insensitive_string", "number"];
    const BOOLEANS: &[&str] = &["true", "false"];

    type Spec = &'static [(&'static str, &'static [&'static str])];

    const CORE: &[(&str, Spec)] = &[
        (
            EQUALS,
            &[(PARAM_VALUE, &[]), (PARAM_MATCH_TYPE, MATCH_TYPES)],
        ),
        (
            NOT_EQUALS,
            &[(PARAM_VALUE, &[]), (PARAM_MATCH_TYPE, MATCH_TYPES)],
        ),
        (GREATER_THAN, &[(PARAM_VALUE, &[])]),
        (GREATER_THAN_OR_EQUAL, &[(PARAM_VALUE, &[])]),
        (LESS_THAN, &[(PARAM_VALUE, &[])]),
        (LESS_THAN_OR_EQUAL, &[(PARAM_VALUE, &[])]),
        (DOES_NOT_EXIST, &[]),
        (EXISTS, &[]),
        (
            BEGINS_WITH,
            &[(PARAM_CASE_SENSITIVE, BOOLEANS), (PARAM_VALUE, &[])],
        ),
        (
            ENDS_WITH,
            &[(PARAM_CASE_SENSITIVE, BOOLEANS), (PARAM_VALUE, &[])],
        ),
        (
            CONTAINS,
            &[(PARAM_CASE_SENSITIVE, BOOLEANS), (PARAM_VALUE, &[])],
        ),
    ];
    const REGEX: &[(&str, Spec)] = &[(
        MATCHES,
        &[(PARAM_VALUE, &[]), (PARAM_CASE_SENSITIVE, BOOLEANS)],
    )];
    const TIMESTAMP: &[(&str, Spec)] = &[
        (TIMESTAMP_EQUALS, &[(PARAM_VALUE, &[])]),
        (TIMESTAMP_GREATER_THAN, &[(PARAM_VALUE, &[])]),
        (TIMESTAMP_GREATER_THAN_OR_EQUAL, &[(PARAM_VALUE, &[])]),
        (TIMESTAMP_LESS_THAN, &[(PARAM_VALUE, &[])]),
        (TIMESTAMP_LESS_THAN_OR_EQUAL, &[(PARAM_VALUE, &[])]),
    ];

    fn module(capability_id: &str) -> Option<&'static [(&'static str, Spec)]> {
        match capability_id {
            CAPABILITY_CORE_1_0 => Some(CORE),
            CAPABILITY_REGEX_1_0 => Some(REGEX),
            CAPABILITY_TIMESTAMP_1_0 => Some(TIMESTAMP),
            _ => None,
        }
    }

    /// Whether `capability_id` is one of the three Default Query modules.
    pub fn is_known_module(capability_id: &str) -> bool {
        module(capability_id).is_some()
    }

    /// The parameters (name, allowed values; empty = any) a known relationship requires.
    pub(crate) fn spec(capability_id: &str, relationship: &str) -> Option<Spec> {
        module(capability_id)?
            .iter()
            .find(|(r, _)| *r == relationship)
            .map(|(_, s)| *s)
    }
}
