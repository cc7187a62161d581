//! The lexical layer of XML 1.0 that both readers share: the envelope tree builder
//! ([`super::read`]) and the raw capture of `xs:any` content ([`super::capture`]).
//!
//! It works on byte offsets into the (already UTF-8 and character checked) body and builds
//! nothing: tags come back as ranges, and the callers decide what a tag means. It jumps between
//! markup bytes with `memchr` and checks what XML requires of each token: names, quoted and
//! unique attributes without `<`, the five predefined entities and character references to
//! allowed characters only, comments without `--`, no DOCTYPE, and the attribute limits.

use std::borrow::Cow;

use memchr::{memchr, memchr3, memmem};

use super::read::{Doc, is_xml_char, predefined};
use crate::error::{LimitKind, Result};

/// An attribute of a start tag: byte ranges of its name and raw (undecoded) value.
#[derive(Clone, Copy)]
pub(super) struct RawAttr {
    pub(super) name: (usize, usize),
    pub(super) value: (usize, usize),
}

/// A start tag read by [`Markup::start_tag`]; its attributes are in the caller's list.
pub(super) struct StartTag {
    /// The qualified name.
    pub(super) name: (usize, usize),
    /// The offset after the closing `>`.
    pub(super) end: usize,
    /// Whether it was an empty-element tag (`/>`).
    pub(super) empty: bool,
}

/// What a `<!` starts.
pub(super) enum Bang {
    /// A comment; the offset after it.
    Comment(usize),
    /// A CDATA section: its content's range, and the offset after it.
    CData((usize, usize), usize),
}

/// A view of the body with the token readers.
#[derive(Clone, Copy)]
pub(super) struct Markup<'b> {
    body: &'b str,
}

#[inline]
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that may start a name (non-ASCII bytes are parts of characters the UTF-8 check
/// already accepted), and bytes that may continue one: tables, so a name costs a load and a
/// test per byte.
const NAME_START: [bool; 256] = name_table(false);
const NAME_BYTE: [bool; 256] = name_table(true);

// Evaluated at compile time with `b < 256`: an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn name_table(continuing: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        let start = byte.is_ascii_alphabetic() || byte == b'_' || byte == b':' || byte >= 0x80;
        let more = byte.is_ascii_digit() || byte == b'-' || byte == b'.';
        table[b] = start || (continuing && more);
        b += 1;
    }
    table
}

#[inline]
fn is_name_start(b: u8) -> bool {
    matches!(NAME_START.get(usize::from(b)), Some(true))
}

#[inline]
fn is_name_byte(b: u8) -> bool {
    matches!(NAME_BYTE.get(usize::from(b)), Some(true))
}

/// The length of the run of name bytes at the start of `bytes`: eight bytes at a time (names
/// in STIX run to 20 bytes and more), then byte by byte for the tail.
#[inline]
fn name_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    while let Some(word) = bytes.get(len..len + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let stops = non_name_bytes(u64::from_le_bytes(eight));
        if stops != 0 {
            return len + (stops.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    let tail = bytes.get(len..).unwrap_or_default();
    len + tail
        .iter()
        .position(|&b| !is_name_byte(b))
        .unwrap_or(tail.len())
}

/// The high bit of each byte of `word` that is not a name byte (the same set as
/// [`NAME_BYTE`]): bytes at or above 0x80, ASCII letters, digits, `:`, `-`, `.` and `_` are.
#[inline]
fn non_name_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = word & !HIGH;
    // For 7-bit bytes `t`, `t + (0x80 - n)` has its high bit set exactly when `t >= n`, and
    // no carry crosses into the next byte.
    let at_least = |t: u64, n: u64| t.wrapping_add(ONES * (0x80 - n)) & HIGH;
    let within = |t: u64, from: u64, to: u64| at_least(t, from) & !at_least(t, to + 1);
    let name = (word & HIGH)
        | within(low | (ONES * 0x20), 0x61, 0x7A) // letters, either case
        | within(low, 0x30, 0x3A) // digits and `:`
        | within(low, 0x2D, 0x2E) // `-` and `.`
        | within(low, 0x5F, 0x5F); // `_`
    !name & HIGH
}

impl<'b> Markup<'b> {
    #[inline]
    pub(super) fn new(body: &'b str) -> Self {
        Self { body }
    }

    #[inline]
    pub(super) fn slice(&self, (from, to): (usize, usize)) -> &'b [u8] {
        self.body.as_bytes().get(from..to).unwrap_or_default()
    }

    /// The input in `range` as text (ranges always start and end at ASCII markup bytes).
    #[inline]
    pub(super) fn text(&self, (from, to): (usize, usize)) -> &'b str {
        self.body.get(from..to).unwrap_or_default()
    }

    #[inline]
    pub(super) fn at(&self, offset: usize) -> Option<u8> {
        self.body.as_bytes().get(offset).copied()
    }

    #[inline]
    pub(super) fn rest(&self, from: usize) -> &'b [u8] {
        self.body.as_bytes().get(from..).unwrap_or_default()
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.body.len()
    }

    /// Reads a name starting at `from`; returns its end.
    #[inline]
    pub(super) fn name(&self, doc: &Doc<'_>, from: usize) -> Result<usize> {
        match self.at(from) {
            Some(b) if is_name_start(b) => {}
            _ => return Err(doc.xml_err(from as u64, "expected a name")),
        }
        Ok(from + 1 + name_len(self.rest(from + 1)))
    }

    #[inline]
    pub(super) fn skip_space(&self, mut at: usize) -> usize {
        while self.at(at).is_some_and(is_space) {
            at += 1;
        }
        at
    }

    /// The start tag whose `<` is at `tag`: its name, and its attributes in `attrs` (cleared
    /// first), each checked for syntax, duplicates, references and the limits.
    #[inline]
    pub(super) fn start_tag(
        &self,
        doc: &Doc<'_>,
        tag: usize,
        attrs: &mut Vec<RawAttr>,
    ) -> Result<StartTag> {
        let name = (tag + 1, self.name(doc, tag + 1)?);
        attrs.clear();
        // One bit per attribute-name length seen (modulo 64): a name whose length bit is clear
        // cannot repeat an earlier one, so most attributes skip the duplicate comparison.
        let mut lengths = 0u64;
        let mut at = name.1;
        loop {
            let after_space = self.skip_space(at);
            match self.at(after_space) {
                Some(b'>') => {
                    return Ok(StartTag {
                        name,
                        end: after_space + 1,
                        empty: false,
                    });
                }
                Some(b'/') if self.at(after_space + 1) == Some(b'>') => {
                    return Ok(StartTag {
                        name,
                        end: after_space + 2,
                        empty: true,
                    });
                }
                None => return Err(doc.xml_err(tag as u64, "unclosed start tag")),
                Some(_) if after_space == at => {
                    return Err(doc.xml_err(after_space as u64, "malformed start tag"));
                }
                Some(_) => {
                    let attr = self.attribute(doc, after_space, attrs, &mut lengths)?;
                    at = attr.value.1 + 1;
                    attrs.push(attr);
                }
            }
        }
    }

    /// One attribute at `from`, not yet in `seen` (whose name lengths `lengths` marks).
    #[inline]
    fn attribute(
        &self,
        doc: &Doc<'_>,
        from: usize,
        seen: &[RawAttr],
        lengths: &mut u64,
    ) -> Result<RawAttr> {
        if seen.len() >= doc.limits.max_attributes() {
            return Err(doc.limit(LimitKind::Attributes, from as u64));
        }
        let name = (from, self.name(doc, from)?);
        let eq = self.skip_space(name.1);
        if self.at(eq) != Some(b'=') {
            return Err(doc.xml_err(from as u64, "attribute without a value"));
        }
        let open = self.skip_space(eq + 1);
        let Some(quote @ (b'"' | b'\'')) = self.at(open) else {
            return Err(doc.xml_err(open as u64, "attribute value without quotes"));
        };
        let value_start = open + 1;
        // One search for the closing quote that also stops at `<` (refused) and `&` (checked).
        let mut at = value_start;
        let value = loop {
            let Some(hit) = memchr3(quote, b'<', b'&', self.rest(at)) else {
                return Err(doc.xml_err(open as u64, "unclosed attribute value"));
            };
            let offset = at + hit;
            let found = match self.at(offset) {
                Some(b'<') => Err(doc.xml_err(offset as u64, "`<` in an attribute value")),
                Some(b'&') => self.reference(doc, offset).map(|(end, _)| end),
                _ => break (value_start, offset),
            };
            match found {
                Ok(end) => at = end,
                // An unclosed or over-long value is reported before what is inside it.
                Err(inside) => {
                    return Err(match memchr(quote, self.rest(value_start)) {
                        None => doc.xml_err(open as u64, "unclosed attribute value"),
                        Some(len) if len > doc.limits.max_text_bytes() => {
                            doc.limit(LimitKind::TextBytes, from as u64)
                        }
                        Some(_) => inside,
                    });
                }
            }
        };
        if value.1 - value.0 > doc.limits.max_text_bytes() {
            return Err(doc.limit(LimitKind::TextBytes, from as u64));
        }
        let key = self.slice(name);
        let length_bit = 1u64 << (key.len() % 64);
        let maybe_seen = *lengths & length_bit != 0;
        *lengths |= length_bit;
        if maybe_seen && seen.iter().any(|a| self.slice(a.name) == key) {
            return Err(doc.xml_err_with(from as u64, || {
                format!("duplicate attribute `{}`", self.text(name))
            }));
        }
        Ok(RawAttr { name, value })
    }

    /// The end tag whose `</` is at `tag`, which must close the element named `expected`;
    /// returns the offset after its `>`.
    #[inline]
    pub(super) fn end_tag(&self, doc: &Doc<'_>, tag: usize, expected: &[u8]) -> Result<usize> {
        // The expected name is known: compare it instead of scanning for where a name ends.
        // When it is there, the end tag matches; otherwise the name is scanned for the error.
        let after = tag + 2 + expected.len();
        let matches =
            self.rest(tag + 2).starts_with(expected) && !self.at(after).is_some_and(is_name_byte);
        let name_end = if matches {
            after
        } else {
            self.name(doc, tag + 2)?
        };
        let close = self.skip_space(name_end);
        if self.at(close) != Some(b'>') {
            return Err(doc.xml_err(tag as u64, "malformed end tag"));
        }
        if !matches {
            return Err(doc.xml_err_with(tag as u64, || {
                format!(
                    "end tag `</{}>` does not match the start tag `<{}>`",
                    self.text((tag + 2, name_end)),
                    String::from_utf8_lossy(expected)
                )
            }));
        }
        Ok(close + 1)
    }

    /// A comment or CDATA section at `tag` (`<!`); a DOCTYPE or other declaration is refused.
    pub(super) fn bang(&self, doc: &Doc<'_>, tag: usize) -> Result<Bang> {
        let rest = self.rest(tag);
        if rest.starts_with(b"<!--") {
            let body = tag + 4;
            let Some(dashes) = memmem::find(self.rest(body), b"--") else {
                return Err(doc.xml_err(tag as u64, "unclosed comment"));
            };
            if self.at(body + dashes + 2) != Some(b'>') {
                return Err(doc.xml_err(tag as u64, "`--` inside a comment"));
            }
            Ok(Bang::Comment(body + dashes + 3))
        } else if rest.starts_with(b"<![CDATA[") {
            let body = tag + 9;
            let Some(close) = memmem::find(self.rest(body), b"]]>") else {
                return Err(doc.xml_err(tag as u64, "unclosed CDATA section"));
            };
            Ok(Bang::CData((body, body + close), body + close + 3))
        } else if rest.starts_with(b"<!DOCTYPE") {
            Err(doc.xml_err(tag as u64, "DOCTYPE is not allowed in TAXII messages"))
        } else {
            Err(doc.xml_err(tag as u64, "markup declarations are not allowed"))
        }
    }

    /// A processing instruction at `tag` (`<?`): its target's range and the offset after it.
    /// Whether an `xml` target (a declaration) is allowed there is the caller's call.
    pub(super) fn processing_instruction(
        &self,
        doc: &Doc<'_>,
        tag: usize,
    ) -> Result<((usize, usize), usize)> {
        let target = (tag + 2, self.name(doc, tag + 2)?);
        let Some(close) = memmem::find(self.rest(target.1), b"?>") else {
            return Err(doc.xml_err(tag as u64, "unclosed processing instruction"));
        };
        if close > 0 && !self.at(target.1).is_some_and(is_space) {
            return Err(doc.xml_err(tag as u64, "malformed processing instruction"));
        }
        Ok((target, target.1 + close + 2))
    }

    /// Checks the reference starting with the `&` at `at`; returns the offset after its `;` and
    /// the character it stands for.
    pub(super) fn reference(&self, doc: &Doc<'_>, at: usize) -> Result<(usize, char)> {
        let rest = self.rest(at + 1);
        // Names and character references are short (a byte loop beats a vector search here); a
        // missing `;` nearby is an error.
        let window = rest.get(..rest.len().min(64)).unwrap_or_default();
        let Some(semi) = window
            .iter()
            .position(|&b| matches!(b, b';' | b'<' | b'&'))
            .filter(|&i| rest.get(i) == Some(&b';'))
        else {
            return Err(doc.xml_err(at as u64, "`&` not followed by a reference"));
        };
        let name = rest.get(..semi).unwrap_or_default();
        let end = at + 1 + semi + 1;
        if let Some(c) = resolve(name).filter(|&c| is_xml_char(c)) {
            return Ok((end, c));
        }
        Err(doc.xml_err_with(at as u64, || {
            let name = String::from_utf8_lossy(name);
            if name.starts_with('#') {
                format!("character reference `&{name};` to a character XML forbids")
            } else {
                format!("entity reference `&{name};` is not allowed (no DTD)")
            }
        }))
    }
}

/// Decodes an attribute value already checked by [`Markup::start_tag`]: references
/// resolved, and tab, CR and LF normalised to spaces (XML attribute-value normalisation).
/// Borrows the input when there is nothing to decode.
pub(super) fn decode_attribute(raw: &str) -> Cow<'_, str> {
    // A fold without an early exit, which the compiler turns into vector compares: values are
    // namespace URIs and ids, scanned whole anyway when nothing needs decoding.
    let needs_decoding = raw.bytes().fold(false, |found, b| {
        found | matches!(b, b'&' | b'\t' | b'\n' | b'\r')
    });
    if !needs_decoding {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        push_attribute_text(&mut out, rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        let (name, tail) = after.split_once(';').unwrap_or((after, ""));
        if let Some(c) = resolve(name.as_bytes()) {
            out.push(c);
        }
        rest = tail;
    }
    push_attribute_text(&mut out, rest);
    Cow::Owned(out)
}

fn push_attribute_text(out: &mut String, text: &str) {
    out.extend(text.chars().map(|c| match c {
        '\t' | '\n' | '\r' => ' ',
        c => c,
    }));
}

/// The character a reference name (without `&` and `;`) stands for: one of the five
/// predefined entities, or a decimal or `x` hexadecimal character reference of digits only.
fn resolve(name: &[u8]) -> Option<char> {
    let Some(number) = name.strip_prefix(b"#") else {
        return predefined(name);
    };
    let (digits, radix) = match number.strip_prefix(b"x") {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value = 0u32;
    for &b in digits {
        let digit = char::from(b).to_digit(radix)?;
        value = value.checked_mul(radix)?.checked_add(digit)?;
    }
    char::from_u32(value)
}

/// The first `needle` in `haystack`, for the short names and values of a tag, where a plain
/// loop is cheaper than setting up a vector search.
#[inline]
pub(super) fn find_short(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The prefix of a qualified name (empty without one).
#[inline]
pub(super) fn prefix_of(name: &[u8]) -> &[u8] {
    find_short(b':', name).map_or(&[][..], |i| name.get(..i).unwrap_or_default())
}

/// Whether an attribute name declares a namespace (`xmlns` or `xmlns:p`).
#[inline]
pub(super) fn is_declaration(key: &[u8]) -> bool {
    key.starts_with(b"xmlns") && matches!(key.get(5), None | Some(b':'))
}

/// Pushes the namespace declarations among `attrs` (read by [`Markup::start_tag`]) onto the
/// document's bindings; a prefix bound to the empty namespace is refused.
#[inline]
pub(super) fn declare<'a>(doc: &mut Doc<'a>, m: Markup<'a>, attrs: &[RawAttr]) -> Result<()> {
    for attr in attrs {
        let key = m.slice(attr.name);
        if !is_declaration(key) {
            continue;
        }
        let uri = decode_attribute(m.text(attr.value));
        let prefix = m.text(attr.name).get(5..).unwrap_or_default();
        let prefix = prefix.strip_prefix(':').unwrap_or(prefix);
        if key != b"xmlns" && uri.is_empty() {
            return Err(doc.xml_err_with(attr.name.0 as u64, || {
                format!("empty namespace for prefix `{prefix}`")
            }));
        }
        doc.bindings.push(super::read::Binding {
            prefix: Cow::Borrowed(prefix),
            uri,
        });
    }
    Ok(())
}

/// Appends `text` with XML line-end normalisation (CRLF and CR become LF).
pub(super) fn push_normalized(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = memchr(b'\r', rest.as_bytes()) {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push('\n');
        rest = rest.get(at + 1..).unwrap_or_default();
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_at_a_time_name_scan_agrees_with_the_byte_table() {
        for stop in 0..=255u8 {
            for at in 0..12 {
                let mut bytes = vec![b'a'; 12];
                if let Some(b) = bytes.get_mut(at) {
                    *b = stop;
                }
                let expected = bytes
                    .iter()
                    .position(|&b| !is_name_byte(b))
                    .unwrap_or(bytes.len());
                assert_eq!(name_len(&bytes), expected, "byte {stop:#04x} at {at}");
            }
        }
    }
}
