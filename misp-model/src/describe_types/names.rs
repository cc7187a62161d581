//! The built-in table's type and category names as `'static` strings, found by name.
//!
//! An attribute's `type` and `category` are nearly always one of the built-in table's 210 names
//! (194 types, 16 categories). Readers and the outgoing mapping hold those as borrowed
//! `'static` text instead of one heap copy per attribute: that copy (and its free) was a fair
//! part of loading a large event. The names are found through an open-addressing table built at
//! compile time: one hash of a few of the name's bytes, usually one comparison.

use std::borrow::Cow;

use super::builtin::{CATEGORIES, TYPES};

/// Slots of [`TABLE`]: a power of two, well above the 210 names (short probe runs).
const SLOTS: usize = 512;

/// Every built-in name at the slot its hash leads to (or the next free one); `""` is a free slot.
static TABLE: [&str; SLOTS] = build();

/// The slot of [`TABLE`] where the search for `name` starts: a multiplicative hash of its
/// length and its first, middle and last bytes (the 210 names differ there often enough for
/// short probe runs, and the hash costs a few instructions whatever the name's length).
const fn slot_of(name: &[u8]) -> usize {
    let (first, last) = match name {
        [] => (0, 0),
        [first, .., last] => (*first, *last),
        [only] => (*only, *only),
    };
    let middle = match name.split_at(name.len() / 2) {
        (_, [middle, ..]) => *middle,
        (_, []) => 0,
    };
    let key = (name.len() as u64) << 24 | (first as u64) << 16 | (middle as u64) << 8 | last as u64;
    // The top bits of the product depend on every bit of the key.
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SLOTS.trailing_zeros())) as usize
}

/// Whether two byte strings are equal (`==` on slices is not `const`).
const fn same(mut a: &[u8], mut b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    while let ([x, a_rest @ ..], [y, b_rest @ ..]) = (a, b) {
        if *x != *y {
            return false;
        }
        (a, b) = (a_rest, b_rest);
    }
    true
}

/// Puts `name` into `table` at its slot or the next free one (a name already there stays once).
// Only evaluated at compile time (for `TABLE`), where an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const fn insert(table: &mut [&'static str; SLOTS], name: &'static str) {
    let mut slot = slot_of(name.as_bytes());
    // 210 names in 512 slots: a free slot is always found.
    while !table[slot].is_empty() {
        if same(table[slot].as_bytes(), name.as_bytes()) {
            return;
        }
        slot = (slot + 1) & (SLOTS - 1);
    }
    table[slot] = name;
}

/// [`TABLE`], built at compile time from the built-in types and categories.
const fn build() -> [&'static str; SLOTS] {
    let mut table = [""; SLOTS];
    let mut types = TYPES;
    while let [(name, _, _), rest @ ..] = types {
        insert(&mut table, name);
        types = rest;
    }
    let mut categories = CATEGORIES;
    while let [name, rest @ ..] = categories {
        insert(&mut table, name);
        categories = rest;
    }
    table
}

/// The built-in table's own `'static` copy of `name`, when `name` is one of its attribute types
/// or categories (exactly, case included); `None` otherwise.
pub(super) fn builtin_name(name: &str) -> Option<&'static str> {
    let mut slot = slot_of(name.as_bytes());
    loop {
        let entry: &'static str = TABLE.get(slot)?;
        if entry.is_empty() {
            return None;
        }
        if entry == name {
            return Some(entry);
        }
        slot = (slot + 1) & (SLOTS - 1);
    }
}

/// `name` as an attribute's `type` or `category` holds it: the built-in `'static` name when it
/// is one (no allocation), else an owned copy.
pub(crate) fn intern(name: &str) -> Cow<'static, str> {
    match builtin_name(name) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.to_owned()),
    }
}

/// [`intern`] for a name already owned: a known name is swapped for the `'static` one (and the
/// copy freed), an unknown one kept as it is.
pub(crate) fn intern_owned(name: String) -> Cow<'static, str> {
    match builtin_name(&name) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_name_is_found_as_itself() {
        let names = TYPES
            .iter()
            .map(|(t, _, _)| *t)
            .chain(CATEGORIES.iter().copied());
        for name in names {
            assert_eq!(builtin_name(name), Some(name));
            // Found by content, not by address.
            let copy = String::from(name);
            assert_eq!(builtin_name(&copy), Some(name));
            assert!(matches!(intern(name), Cow::Borrowed(n) if n == name));
            assert!(matches!(intern_owned(name.to_owned()), Cow::Borrowed(n) if n == name));
        }
        let filled = TABLE.iter().filter(|entry| !entry.is_empty()).count();
        assert_eq!(filled, TYPES.len() + CATEGORIES.len());
        // The probe runs stay short: most names sit at their hash's slot (68 of 210 do not,
        // one of them 7 slots on).
        let distances: Vec<usize> = TABLE
            .iter()
            .enumerate()
            .filter(|(_, name)| !name.is_empty())
            .map(|(slot, name)| slot.wrapping_sub(slot_of(name.as_bytes())) & (SLOTS - 1))
            .collect();
        assert!(distances.iter().all(|&d| d <= 8), "{distances:?}");
        assert!(
            distances.iter().sum::<usize>() <= distances.len() / 2,
            "{distances:?}"
        );
    }

    #[test]
    fn other_names_are_not_found_and_stay_as_given() {
        for name in [
            "",
            "IP-DST",
            "ip-dst ",
            "ip-ds",
            "network activity",
            "x-custom-type",
            "filename|md",
            "é",
        ] {
            assert_eq!(builtin_name(name), None, "{name:?}");
            assert!(matches!(intern(name), Cow::Owned(n) if n == name));
            assert!(matches!(intern_owned(name.to_owned()), Cow::Owned(n) if n == name));
        }
    }
}
