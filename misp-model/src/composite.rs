//! Composite attribute values: types such as `ip-dst|port` or `filename|md5` whose value joins
//! two parts with `|`.
//!
//! ```
//! use misp_model::composite::{is_composite_type, join, split};
//!
//! assert!(is_composite_type("ip-dst|port"));
//! assert_eq!(split("ip-dst|port", "203.0.113.7|443"), Some(("203.0.113.7", "443")));
//! assert_eq!(join("203.0.113.7", "443"), "203.0.113.7|443");
//! assert_eq!(split("ip-dst", "203.0.113.7"), None);
//! ```

/// Whether values of `attribute_type` have two `|`-joined parts. `malware-sample` counts: its
/// value is `filename|md5`.
pub fn is_composite_type(attribute_type: &str) -> bool {
    attribute_type.contains('|') || attribute_type == "malware-sample"
}

/// The two parts of a composite value, split at the first `|` as MISP does; `None` for a
/// non-composite type or a value without `|`.
pub fn split<'a>(attribute_type: &str, value: &'a str) -> Option<(&'a str, &'a str)> {
    if is_composite_type(attribute_type) {
        value.split_once('|')
    } else {
        None
    }
}

/// The two type names of a composite type (`"ip-dst|port"` → `("ip-dst", "port")`; `malware-sample`
/// → `("filename", "md5")`).
pub fn split_type(attribute_type: &str) -> Option<(&str, &str)> {
    if attribute_type == "malware-sample" {
        Some(("filename", "md5"))
    } else {
        attribute_type.split_once('|')
    }
}

/// Joins two parts into a composite value.
pub fn join(first: &str, second: &str) -> String {
    let mut out = String::with_capacity(first.len() + 1 + second.len());
    out.push_str(first);
    out.push('|');
    out.push_str(second);
    out
}

/// The parts of a value for hashing and correlation: both parts of a composite value, else the
/// value itself.
pub fn value_parts<'a>(attribute_type: &str, value: &'a str) -> Vec<&'a str> {
    match split(attribute_type, value) {
        Some((first, second)) => vec![first, second],
        None => vec![value],
    }
}
