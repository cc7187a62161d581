//! describeTypes: MISP's attribute type and category matrix with per-type defaults.
//!
//! MISP serves it at `GET /attributes/describeTypes.json`; PyMISP ships a copy. A built-in table
//! ([`DescribeTypes::builtin`], generated from PyMISP 2.5.34.4's copy) covers the 194 types and 16
//! categories; [`DescribeTypes::from_json`] loads a newer one at run time.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use crate::attribute::Attribute;
use crate::error::{Error, Result};

mod builtin;
mod names;

pub(crate) use names::{intern, intern_owned};

/// The built-in table's own `'static` copy of `name`, when `name` is one of its attribute types
/// or categories (exactly, case included); `None` otherwise.
///
/// [`Attribute`]'s `type` and `category` hold such names borrowed instead of copied; this is
/// how the readers find them, and how a caller can do the same for names it builds.
///
/// ```
/// use misp_model::describe_types::builtin_name;
///
/// assert_eq!(builtin_name(&String::from("ip-dst")), Some("ip-dst"));
/// assert_eq!(builtin_name("Network activity"), Some("Network activity"));
/// assert_eq!(builtin_name("x-custom"), None);
/// ```
pub fn builtin_name(name: &str) -> Option<&'static str> {
    names::builtin_name(name)
}

/// Defaults MISP and PyMISP apply to a new attribute of one type (`sane_defaults`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDefaults {
    /// The category used when none is given.
    pub default_category: String,
    /// The IDS flag used when none is given.
    pub to_ids: bool,
}

/// The attribute type/category matrix.
///
/// ```
/// use misp_model::describe_types::DescribeTypes;
///
/// let table = DescribeTypes::builtin();
/// assert_eq!(table.defaults("ip-dst").map(|d| d.default_category.as_str()), Some("Network activity"));
/// assert!(table.category_allows("Payload delivery", "sha256"));
/// assert!(!table.category_allows("Financial fraud", "sha256"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeTypes {
    types: Vec<String>,
    categories: Vec<String>,
    defaults: HashMap<String, TypeDefaults>,
    category_types: Vec<(String, Vec<String>)>,
    /// Index over `categories` and `category_types` (built from them; one hash lookup per check).
    lookup: Lookup,
}

/// Hash indexes over the category lists, so validating an attribute costs constant time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lookup {
    categories: HashSet<String>,
    allowed: HashMap<String, HashSet<String>>,
}

impl Lookup {
    fn new(categories: &[String], category_types: &[(String, Vec<String>)]) -> Self {
        let mut allowed: HashMap<String, HashSet<String>> = HashMap::new();
        for (category, types) in category_types {
            // Like `types_in_category`, the first entry of a repeated category wins.
            allowed
                .entry(category.clone())
                .or_insert_with(|| types.iter().cloned().collect());
        }
        Self {
            categories: categories.iter().cloned().collect(),
            allowed,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDescribeTypes {
    types: Vec<String>,
    categories: Vec<String>,
    sane_defaults: indexmap_free::OrderedMap<RawDefaults>,
    category_type_mappings: indexmap_free::OrderedMap<Vec<String>>,
}

#[derive(Deserialize)]
struct RawDefaults {
    default_category: String,
    to_ids: RawFlag,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFlag {
    Int(u8),
    Bool(bool),
}

/// An order-preserving JSON object reader without an extra dependency.
mod indexmap_free {
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    pub(super) struct OrderedMap<T>(pub(super) Vec<(String, T)>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for OrderedMap<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = OrderedMap<T>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(
                    self,
                    mut access: A,
                ) -> Result<Self::Value, A::Error> {
                    let mut entries = Vec::new();
                    while let Some((key, value)) = access.next_entry::<String, T>()? {
                        entries.push((key, value));
                    }
                    Ok(OrderedMap(entries))
                }
            }
            deserializer.deserialize_map(V(PhantomData))
        }
    }
}

impl DescribeTypes {
    /// The built-in table (PyMISP 2.5.34.4's describeTypes), built once.
    pub fn builtin() -> &'static Self {
        static TABLE: OnceLock<DescribeTypes> = OnceLock::new();
        TABLE.get_or_init(|| {
            Self::indexed(
                builtin::TYPES
                    .iter()
                    .map(|(t, _, _)| (*t).to_owned())
                    .collect(),
                builtin::CATEGORIES
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                builtin::TYPES
                    .iter()
                    .map(|(t, category, to_ids)| {
                        (
                            (*t).to_owned(),
                            TypeDefaults {
                                default_category: (*category).to_owned(),
                                to_ids: *to_ids,
                            },
                        )
                    })
                    .collect(),
                builtin::CATEGORY_TYPES
                    .iter()
                    .map(|(c, types)| {
                        (
                            (*c).to_owned(),
                            types.iter().map(|t| (*t).to_owned()).collect(),
                        )
                    })
                    .collect(),
            )
        })
    }

    /// A table from its parts, with the lookup indexes built.
    fn indexed(
        types: Vec<String>,
        categories: Vec<String>,
        defaults: HashMap<String, TypeDefaults>,
        category_types: Vec<(String, Vec<String>)>,
    ) -> Self {
        let lookup = Lookup::new(&categories, &category_types);
        Self {
            types,
            categories,
            defaults,
            category_types,
            lookup,
        }
    }

    /// Loads a describeTypes document: the server's `{"result": {…}}` answer or the bare table.
    ///
    /// # Errors
    /// [`Error::Json`] for malformed JSON; [`Error::WrongType`]/[`Error::InvalidValue`] with the
    /// JSON path (e.g. `result.sane_defaults.md5.to_ids`) for a table of the wrong shape, or a
    /// type without defaults.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::from_json(&e))?;
        let (inner, prefix) = match value {
            Value::Object(mut map) if map.len() == 1 && map.contains_key("result") => {
                (map.shift_remove("result").unwrap_or(Value::Null), "result")
            }
            other => (other, ""),
        };
        let raw: RawDescribeTypes = serde_path_to_error::deserialize(inner).map_err(|err| {
            let inner_path = err.path().to_string();
            let path = match (prefix.is_empty(), inner_path.as_str()) {
                (true, _) => inner_path.clone(),
                (false, ".") => prefix.to_owned(),
                (false, p) => format!("{prefix}.{p}"),
            };
            Error::InvalidValue {
                path,
                value: err.into_inner().to_string(),
                expected: "a describeTypes table (types, categories, sane_defaults, category_type_mappings)",
            }
        })?;
        let defaults: HashMap<String, TypeDefaults> = raw
            .sane_defaults
            .0
            .into_iter()
            .map(|(t, d)| {
                let to_ids = match d.to_ids {
                    RawFlag::Int(i) => i != 0,
                    RawFlag::Bool(b) => b,
                };
                (
                    t,
                    TypeDefaults {
                        default_category: d.default_category,
                        to_ids,
                    },
                )
            })
            .collect();
        if let Some(missing) = raw
            .types
            .iter()
            .find(|t| !defaults.contains_key(t.as_str()))
        {
            return Err(Error::InvalidValue {
                path: format!("{prefix}.sane_defaults")
                    .trim_start_matches('.')
                    .to_owned(),
                value: missing.clone(),
                expected: "sane defaults for every listed type",
            });
        }
        Ok(Self::indexed(
            raw.types,
            raw.categories,
            defaults,
            raw.category_type_mappings.0,
        ))
    }

    /// Every attribute type, in describeTypes order.
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(String::as_str)
    }

    /// Every category, in describeTypes order.
    pub fn categories(&self) -> impl Iterator<Item = &str> {
        self.categories.iter().map(String::as_str)
    }

    /// Whether `attribute_type` is a known type.
    pub fn is_known_type(&self, attribute_type: &str) -> bool {
        self.defaults.contains_key(attribute_type)
    }

    /// Whether `category` is a known category.
    pub fn is_known_category(&self, category: &str) -> bool {
        self.lookup.categories.contains(category)
    }

    /// The defaults of a type, `None` for an unknown type.
    pub fn defaults(&self, attribute_type: &str) -> Option<&TypeDefaults> {
        self.defaults.get(attribute_type)
    }

    /// The types `category` allows (empty for an unknown category).
    pub fn types_in_category(&self, category: &str) -> &[String] {
        self.category_types
            .iter()
            .find(|(c, _)| c == category)
            .map_or(&[], |(_, types)| types.as_slice())
    }

    /// The categories that allow `attribute_type`, in describeTypes order.
    pub fn categories_for_type<'a>(
        &'a self,
        attribute_type: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.category_types
            .iter()
            .filter(move |(_, types)| types.iter().any(|t| t == attribute_type))
            .map(|(c, _)| c.as_str())
    }

    /// Whether `category` allows `attribute_type`.
    pub fn category_allows(&self, category: &str, attribute_type: &str) -> bool {
        self.lookup
            .allowed
            .get(category)
            .is_some_and(|types| types.contains(attribute_type))
    }

    /// Fills an attribute's missing `category` and `to_ids` with the type's defaults (what MISP
    /// and PyMISP do for a new attribute). Returns `false` for an unknown type (nothing changed).
    pub fn apply_defaults(&self, attribute: &mut Attribute) -> bool {
        let Some(defaults) = self.defaults(&attribute.attribute_type) else {
            return false;
        };
        if attribute.category.is_none() {
            attribute.category = Some(intern(&defaults.default_category));
        }
        if attribute.to_ids.is_none() {
            attribute.to_ids = Some(defaults.to_ids);
        }
        true
    }
}
