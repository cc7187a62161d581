//! Raw capture of `xs:any` content (`Content`, `Extended_Header`, `Detail`, foreign queries,
//! signatures): a well-formedness scan of the element's inner content that builds nothing, then
//! one shared slice of the input (or a copy with the outside namespace declarations the
//! fragment needs spliced in).
//!
//! Content is almost all of a large message's bytes, so this scan is the reader's hot path: it
//! jumps between `<` and `&` with `memchr` instead of producing an event per token, and checks
//! the same rules as the envelope reader: matching end tags, well-formed attributes without
//! duplicates or `<`, the five predefined entities and character references to allowed
//! characters only, declared prefixes, no DOCTYPE or XML declaration, comments without `--`,
//! and the depth, attribute and value limits.

use std::borrow::Cow;

use bytes::Bytes;
use memchr::{memchr, memchr3, memmem};

use super::read::{Doc, is_xml_char, predefined};
use crate::error::{LimitKind, Result};
use crate::message::{Content, ContentKind};

/// Insertions of namespace declarations into one top-level element of a captured fragment.
struct Injection {
    /// Offset in `body` right after the element name.
    at: usize,
    declarations: Vec<(String, String)>,
}

impl Injection {
    fn need(&mut self, prefix: &[u8], uri: &str) {
        if !self
            .declarations
            .iter()
            .any(|(p, _)| p.as_bytes() == prefix)
        {
            let prefix = String::from_utf8_lossy(prefix).into_owned();
            self.declarations.push((prefix, uri.to_owned()));
        }
    }
}

/// What the scan found between the capturing element's start tag and its end tag.
struct Scanned {
    /// Offset of the `</` of the capturing element's end tag.
    end: usize,
    /// Whether the content holds an element, comment or processing instruction.
    markup: bool,
    injections: Vec<Injection>,
    /// Text-only content that needed decoding (references, CDATA, CR), decoded.
    decoded: Option<String>,
}

/// Scans the inner content of the element whose start tag ends at `start`, up to (not
/// including) its end tag, and returns it as standalone [`Content`] with the offset of that end
/// tag. `depth_base` is the depth of the capturing element.
pub(super) fn capture<'a>(
    doc: &mut Doc<'a>,
    start: usize,
    depth_base: usize,
) -> Result<(Content, usize)> {
    let base_scope = doc.bindings.len();
    let mut buffers = std::mem::take(&mut doc.scan_buffers);
    buffers.open.clear();
    buffers.outside.clear();
    buffers.outside.extend(
        doc.bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.prefix.is_empty() && !b.prefix.contains(':'))
            .map(|(i, _)| i),
    );
    let mut scan = Scanner {
        body: doc.body,
        bytes: doc.body.as_bytes(),
        pos: start,
        base_scope,
        depth_base,
        buffers,
        top: start,
        markup: false,
        injections: Vec::new(),
        decoded: None,
        copied: start,
    };
    let scanned = scan.run(doc);
    doc.scan_buffers = scan.buffers;
    doc.bindings.truncate(base_scope);
    let scanned = scanned?;
    let content = if scanned.markup {
        Content::from_parts_unchecked(
            ContentKind::Xml,
            splice(doc, start, scanned.end, &scanned.injections),
        )
    } else if let Some(text) = scanned.decoded {
        Content::from_parts_unchecked(ContentKind::Text, Bytes::from(text))
    } else {
        Content::from_parts_unchecked(ContentKind::Text, doc.body_bytes.slice(start..scanned.end))
    };
    Ok((content, scanned.end))
}

/// An attribute of the start tag being scanned: byte ranges of its name and raw value.
#[derive(Clone, Copy)]
struct RawAttr {
    name: (usize, usize),
    value: (usize, usize),
}

/// The scan's working lists, kept in the document between captures so that a message with
/// many content blocks allocates them once.
#[derive(Default)]
pub(super) struct ScanBuffers {
    /// Open elements inside the capture: name range and the namespace scope to restore.
    open: Vec<((usize, usize), usize)>,
    /// The current start tag's attributes.
    attrs: Vec<RawAttr>,
    /// Indices of the bindings from outside the fragment whose prefix a QName-valued
    /// attribute could name (not empty, no colon).
    outside: Vec<usize>,
}

struct Scanner<'b> {
    body: &'b str,
    bytes: &'b [u8],
    pos: usize,
    base_scope: usize,
    depth_base: usize,
    buffers: ScanBuffers,
    /// Where declarations for the current top-level element would be inserted.
    top: usize,
    markup: bool,
    /// Only top-level elements that need a declaration from outside have an entry.
    injections: Vec<Injection>,
    /// While no markup was seen: the text decoded so far, once something needed decoding...
    decoded: Option<String>,
    /// ...and the offset up to which the input was appended to it.
    copied: usize,
}

fn is_space(b: u8) -> bool {
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

fn is_name_start(b: u8) -> bool {
    matches!(NAME_START.get(usize::from(b)), Some(true))
}

fn is_name_byte(b: u8) -> bool {
    matches!(NAME_BYTE.get(usize::from(b)), Some(true))
}

/// The length of the run of name bytes at the start of `bytes`: eight bytes at a time (names
/// in STIX run to 20 bytes and more), then byte by byte for the tail.
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

impl<'b> Scanner<'b> {
    fn slice(&self, (from, to): (usize, usize)) -> &'b [u8] {
        self.bytes.get(from..to).unwrap_or_default()
    }

    /// The input in `range` as text (ranges always start and end at ASCII markup bytes).
    fn text(&self, (from, to): (usize, usize)) -> &'b str {
        self.body.get(from..to).unwrap_or_default()
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(offset).copied()
    }

    fn rest(&self, from: usize) -> &'b [u8] {
        self.bytes.get(from..).unwrap_or_default()
    }

    fn run(&mut self, doc: &mut Doc<'b>) -> Result<Scanned> {
        loop {
            // Markup often follows markup directly (`><`): no search needed then.
            if self.at(self.pos) != Some(b'<') {
                let Some(found) = memchr3(b'<', b'&', b'\r', self.rest(self.pos)) else {
                    return Err(
                        doc.xml_err(self.bytes.len() as u64, "unclosed element at end of input")
                    );
                };
                self.pos += found;
            }
            match self.at(self.pos) {
                Some(b'&') => {
                    let (end, c) = check_reference(doc, self.bytes, self.pos)?;
                    self.decode(self.pos, end, |out| out.push(c));
                    self.pos = end;
                    continue;
                }
                Some(b'\r') => {
                    // Line ends are normalised in text: CRLF and CR become LF.
                    let end = self.pos
                        + if self.at(self.pos + 1) == Some(b'\n') {
                            2
                        } else {
                            1
                        };
                    self.decode(self.pos, end, |out| out.push('\n'));
                    self.pos = end;
                    continue;
                }
                _ => {}
            }
            match self.at(self.pos + 1) {
                Some(b'/') => {
                    if let Some(end) = self.end_tag(doc)? {
                        let tail = self.text((self.copied, end));
                        if let Some(text) = self.decoded.as_mut() {
                            text.push_str(tail);
                        }
                        return Ok(Scanned {
                            end,
                            markup: self.markup,
                            injections: std::mem::take(&mut self.injections),
                            decoded: self.decoded.take().filter(|_| !self.markup),
                        });
                    }
                }
                Some(b'!') => self.bang(doc)?,
                Some(b'?') => self.processing_instruction(doc)?,
                _ => self.start_tag(doc)?,
            }
        }
    }

    /// While the content is text only: appends the input up to `from`, then what `push`
    /// writes for `from..to` (a decoded reference, a normalised line end, a CDATA section).
    fn decode(&mut self, from: usize, to: usize, push: impl FnOnce(&mut String)) {
        if self.markup {
            return;
        }
        let before = self.text((self.copied, from));
        let text = self.decoded.get_or_insert_with(|| {
            // Text-only content usually runs to the end tag: the next `<` sizes the buffer.
            let estimate = memchr(b'<', self.bytes.get(from..).unwrap_or_default());
            String::with_capacity(before.len() + estimate.unwrap_or(0))
        });
        text.push_str(before);
        push(text);
        self.copied = to;
    }

    /// Reads a name starting at `from`; returns its end.
    fn name(&self, doc: &Doc<'_>, from: usize) -> Result<usize> {
        match self.at(from) {
            Some(b) if is_name_start(b) => {}
            _ => return Err(doc.xml_err(from as u64, "expected a name")),
        }
        Ok(from + 1 + name_len(self.rest(from + 1)))
    }

    fn skip_space(&self, mut at: usize) -> usize {
        while self.at(at).is_some_and(is_space) {
            at += 1;
        }
        at
    }

    /// An end tag at `pos`. Returns the offset of the capturing element's end tag when this is
    /// it (left for the envelope reader, which checks its name).
    fn end_tag(&mut self, doc: &mut Doc<'b>) -> Result<Option<usize>> {
        let tag = self.pos;
        let Some((name, scope)) = self.buffers.open.pop() else {
            return Ok(Some(tag));
        };
        // The expected name is known: compare it instead of scanning for where a name ends.
        let expected = self.slice(name);
        let after = tag + 2 + expected.len();
        let name_end = if self.rest(tag + 2).starts_with(expected)
            && !self.at(after).is_some_and(is_name_byte)
        {
            after
        } else {
            self.name(doc, tag + 2)?
        };
        let close = self.skip_space(name_end);
        if self.at(close) != Some(b'>') {
            return Err(doc.xml_err(tag as u64, "malformed end tag"));
        }
        if self.slice((tag + 2, name_end)) != self.slice(name) {
            return Err(doc.xml_err(
                tag as u64,
                format!(
                    "end tag `</{}>` does not match the start tag `<{}>`",
                    self.text((tag + 2, name_end)),
                    self.text(name)
                ),
            ));
        }
        doc.bindings.truncate(scope);
        self.pos = close + 1;
        Ok(None)
    }

    /// A comment, a CDATA section, or a refused DOCTYPE/declaration at `pos`.
    fn bang(&mut self, doc: &Doc<'_>) -> Result<()> {
        let tag = self.pos;
        let rest = self.rest(tag);
        if rest.starts_with(b"<!--") {
            let body = tag + 4;
            let Some(dashes) = memmem::find(self.rest(body), b"--") else {
                return Err(doc.xml_err(tag as u64, "unclosed comment"));
            };
            if self.at(body + dashes + 2) != Some(b'>') {
                return Err(doc.xml_err(tag as u64, "`--` inside a comment"));
            }
            self.markup = true;
            self.pos = body + dashes + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            let body = tag + 9;
            let Some(close) = memmem::find(self.rest(body), b"]]>") else {
                return Err(doc.xml_err(tag as u64, "unclosed CDATA section"));
            };
            let inner = self.text((body, body + close));
            self.decode(tag, body + close + 3, |out| push_normalized(out, inner));
            self.pos = body + close + 3;
        } else if rest.starts_with(b"<!DOCTYPE") {
            return Err(doc.xml_err(tag as u64, "DOCTYPE is not allowed in TAXII messages"));
        } else {
            return Err(doc.xml_err(tag as u64, "markup declarations are not allowed"));
        }
        Ok(())
    }

    /// A processing instruction at `pos`; an XML declaration is refused.
    fn processing_instruction(&mut self, doc: &Doc<'_>) -> Result<()> {
        let tag = self.pos;
        let target_end = self.name(doc, tag + 2)?;
        if self
            .slice((tag + 2, target_end))
            .eq_ignore_ascii_case(b"xml")
        {
            return Err(doc.xml_err(tag as u64, "XML declaration inside content"));
        }
        let Some(close) = memmem::find(self.rest(target_end), b"?>") else {
            return Err(doc.xml_err(tag as u64, "unclosed processing instruction"));
        };
        if close > 0 && !self.at(target_end).is_some_and(is_space) {
            return Err(doc.xml_err(tag as u64, "malformed processing instruction"));
        }
        self.markup = true;
        self.pos = target_end + close + 2;
        Ok(())
    }

    /// A start tag (or empty-element tag) at `pos`.
    fn start_tag(&mut self, doc: &mut Doc<'b>) -> Result<()> {
        let tag = self.pos;
        let depth = self.depth_base + self.buffers.open.len() + 1;
        if depth > doc.limits.max_depth() {
            return Err(doc.limit(LimitKind::Depth, tag as u64));
        }
        let name = (tag + 1, self.name(doc, tag + 1)?);
        let scope = doc.bindings.len();
        self.buffers.attrs.clear();
        let mut at = name.1;
        let empty = loop {
            let after_space = self.skip_space(at);
            match self.at(after_space) {
                Some(b'>') => {
                    at = after_space + 1;
                    break false;
                }
                Some(b'/') if self.at(after_space + 1) == Some(b'>') => {
                    at = after_space + 2;
                    break true;
                }
                None => return Err(doc.xml_err(tag as u64, "unclosed start tag")),
                Some(_) if after_space == at => {
                    return Err(doc.xml_err(after_space as u64, "malformed start tag"));
                }
                Some(_) => at = self.attribute(doc, after_space)?,
            }
        };
        self.markup = true;
        if self.buffers.open.is_empty() {
            self.top = name.1;
        }
        self.check_prefixes(doc, name, tag)?;
        if empty {
            doc.bindings.truncate(scope);
        } else {
            self.buffers.open.push((name, scope));
        }
        self.pos = at;
        Ok(())
    }

    /// One attribute at `from`; declares namespaces as it goes. Returns the offset after it.
    fn attribute(&mut self, doc: &mut Doc<'b>, from: usize) -> Result<usize> {
        if self.buffers.attrs.len() >= doc.limits.max_attributes() {
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
                Some(b'&') => check_reference(doc, self.bytes, offset).map(|(end, _)| end),
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
        if self.buffers.attrs.iter().any(|a| self.slice(a.name) == key) {
            return Err(doc.xml_err(
                from as u64,
                format!("duplicate attribute `{}`", self.text(name)),
            ));
        }
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            let uri = decode_attribute(self.text(value));
            let prefix = self.text(name).strip_prefix("xmlns").unwrap_or_default();
            let prefix = prefix.strip_prefix(':').unwrap_or(prefix);
            if key != b"xmlns" && uri.is_empty() {
                return Err(doc.xml_err(
                    from as u64,
                    format!("empty namespace for prefix `{prefix}`"),
                ));
            }
            doc.bindings.push(super::read::Binding {
                prefix: Cow::Borrowed(prefix),
                uri,
            });
        }
        self.buffers.attrs.push(RawAttr { name, value });
        Ok(value.1 + 1)
    }

    /// Checks that the element's and its attributes' prefixes are declared, and records the
    /// declarations from outside the fragment that they (or QName-looking values) need.
    fn check_prefixes(&mut self, doc: &Doc<'_>, name: (usize, usize), tag: usize) -> Result<()> {
        let element_prefix = prefix_of(self.slice(name));
        if let Some(uri) = check_prefix(doc, element_prefix, self.base_scope, tag)? {
            self.need(element_prefix, uri);
        }
        for index in 0..self.buffers.attrs.len() {
            let Some(&attr) = self.buffers.attrs.get(index) else {
                break;
            };
            let key = self.slice(attr.name);
            if key.starts_with(b"xmlns") && matches!(key.get(5), None | Some(b':')) {
                continue;
            }
            // Unprefixed attributes are in no namespace (the default one does not apply).
            let attr_prefix = prefix_of(key);
            if !attr_prefix.is_empty()
                && let Some(uri) = check_prefix(doc, attr_prefix, self.base_scope, tag)?
            {
                self.need(attr_prefix, uri);
            }
            // QName-valued attributes (xsi:type="stix:Foo") use prefixes too; a declaration
            // from outside the fragment that such a value names is carried along. Only the
            // outside prefixes can need that, so only they are looked for.
            let value = self.slice(attr.value);
            let outside = self
                .buffers
                .outside
                .iter()
                .filter_map(|&i| doc.bindings.get(i));
            let Some(prefix) = outside
                .map(|binding| binding.prefix.as_bytes())
                .find(|prefix| value.starts_with(prefix) && value.get(prefix.len()) == Some(&b':'))
            else {
                continue;
            };
            let plausible = prefix != b"xml"
                && value.get(prefix.len() + 1) != Some(&b'/')
                && prefix
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            if plausible
                && let Some((index, uri)) = doc.lookup_bytes(prefix)
                && index < self.base_scope
            {
                self.need(prefix, uri);
            }
        }
        Ok(())
    }

    /// Records that the current top-level element needs `prefix` declared as `uri`.
    fn need(&mut self, prefix: &[u8], uri: &str) {
        if self.injections.last().map(|i| i.at) != Some(self.top) {
            self.injections.push(Injection {
                at: self.top,
                declarations: Vec::new(),
            });
        }
        if let Some(injection) = self.injections.last_mut() {
            injection.need(prefix, uri);
        }
    }
}

/// Checks the reference starting with the `&` at `at`; returns the offset after its `;` and
/// the character it stands for.
fn check_reference(doc: &Doc<'_>, bytes: &[u8], at: usize) -> Result<(usize, char)> {
    let rest = bytes.get(at + 1..).unwrap_or_default();
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
    let name = String::from_utf8_lossy(name);
    let reason = if name.starts_with('#') {
        format!("character reference `&{name};` to a character XML forbids")
    } else {
        format!("entity reference `&{name};` is not allowed (no DTD)")
    };
    Err(doc.xml_err(at as u64, reason))
}

/// Decodes an attribute value already checked by the scan: references resolved, and tab, CR
/// and LF normalised to spaces (XML attribute-value normalisation).
fn decode_attribute(raw: &str) -> Cow<'_, str> {
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
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
fn find_short(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// The prefix of a qualified name (empty without one).
fn prefix_of(name: &[u8]) -> &[u8] {
    find_short(b':', name).map_or(&[][..], |i| name.get(..i).unwrap_or_default())
}

/// Checks that `prefix` is declared; returns the namespace when the declaration is from
/// outside the fragment and must be carried into it.
fn check_prefix<'d>(
    doc: &'d Doc<'_>,
    prefix: &[u8],
    base_scope: usize,
    position: usize,
) -> Result<Option<&'d str>> {
    if prefix == b"xml" {
        return Ok(None);
    }
    match doc.lookup_bytes(prefix) {
        Some((index, uri)) if index < base_scope => {
            Ok(Some(uri).filter(|uri| !(prefix.is_empty() && uri.is_empty())))
        }
        Some(_) => Ok(None),
        None if prefix.is_empty() => Ok(None),
        None => Err(doc.xml_err(
            position as u64,
            format!(
                "undeclared namespace prefix `{}`",
                String::from_utf8_lossy(prefix)
            ),
        )),
    }
}

/// The fragment `body[start..end]` with the needed declarations inserted; shares the input
/// buffer when nothing needs inserting.
fn splice(doc: &Doc<'_>, start: usize, end: usize, injections: &[Injection]) -> Bytes {
    if injections.iter().all(|i| i.declarations.is_empty()) {
        return doc.body_bytes.slice(start..end);
    }
    let body = doc.body.as_bytes();
    let mut out = Vec::with_capacity(end - start + 64);
    let mut at = start;
    for injection in injections.iter().filter(|i| !i.declarations.is_empty()) {
        out.extend_from_slice(body.get(at..injection.at).unwrap_or_default());
        for (prefix, uri) in &injection.declarations {
            if prefix.is_empty() {
                out.extend_from_slice(b" xmlns=\"");
            } else {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(prefix.as_bytes());
                out.extend_from_slice(b"=\"");
            }
            super::write::escape_attr_into(uri, &mut out);
            out.push(b'"');
        }
        at = injection.at;
    }
    out.extend_from_slice(body.get(at..end).unwrap_or_default());
    Bytes::from(out)
}

/// Appends `text` with XML line-end normalisation (CRLF and CR become LF).
fn push_normalized(out: &mut String, text: &str) {
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
