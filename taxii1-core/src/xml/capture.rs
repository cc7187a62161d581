//! Raw capture of `xs:any` content (`Content`, `Extended_Header`, `Detail`, foreign queries,
//! signatures): a well-formedness scan of the element's inner content that builds nothing, then
//! one shared slice of the input (or a copy with the outside namespace declarations the
//! fragment needs spliced in).
//!
//! Content is almost all of a large message's bytes, so this scan is the reader's hot path: it
//! jumps between `<` and `&` with `memchr` and reads tags with the shared lexical layer
//! ([`super::markup`]), checking the same rules as the envelope reader: matching end tags,
//! well-formed attributes without duplicates or `<`, the five predefined entities and character
//! references to allowed characters only, declared prefixes, no DOCTYPE or XML declaration,
//! comments without `--`, and the depth, attribute and value limits.

use bytes::Bytes;
use memchr::{memchr, memchr3};

use super::markup::{Bang, Markup, RawAttr, declare, is_declaration, prefix_of, push_normalized};
use super::read::Doc;
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
            .filter(|(_, b)| qname_prefix(&b.prefix))
            .map(|(i, b)| (i, b.prefix.len())),
    );
    let mut scan = Scanner {
        m: Markup::new(doc.body),
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

/// The scan's working lists, kept in the document between captures so that a message with
/// many content blocks allocates them once.
#[derive(Default)]
pub(super) struct ScanBuffers {
    /// Open elements inside the capture: name range and the namespace scope to restore.
    open: Vec<((usize, usize), usize)>,
    /// The current start tag's attributes.
    attrs: Vec<RawAttr>,
    /// Indices of the bindings from outside the fragment whose prefix a QName-valued
    /// attribute could name (see [`qname_prefix`]), with the prefix's length.
    outside: Vec<(usize, usize)>,
}

struct Scanner<'b> {
    m: Markup<'b>,
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

impl<'b> Scanner<'b> {
    fn at(&self, offset: usize) -> Option<u8> {
        self.m.at(offset)
    }

    fn run(&mut self, doc: &mut Doc<'b>) -> Result<Scanned> {
        loop {
            // Markup often follows markup directly (`><`): no search needed then.
            if self.at(self.pos) != Some(b'<') {
                let Some(found) = memchr3(b'<', b'&', b'\r', self.m.rest(self.pos)) else {
                    return Err(
                        doc.xml_err(self.m.len() as u64, "unclosed element at end of input")
                    );
                };
                self.pos += found;
            }
            match self.at(self.pos) {
                Some(b'&') => {
                    let (end, c) = self.m.reference(doc, self.pos)?;
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
            let tag = self.pos;
            match self.at(tag + 1) {
                Some(b'/') => {
                    let Some((name, scope)) = self.buffers.open.pop() else {
                        // The capturing element's own end tag, left for the envelope reader.
                        let tail = self.m.text((self.copied, tag));
                        if let Some(text) = self.decoded.as_mut() {
                            text.push_str(tail);
                        }
                        return Ok(Scanned {
                            end: tag,
                            markup: self.markup,
                            injections: std::mem::take(&mut self.injections),
                            decoded: self.decoded.take().filter(|_| !self.markup),
                        });
                    };
                    self.pos = self.m.end_tag(doc, tag, self.m.slice(name))?;
                    doc.bindings.truncate(scope);
                }
                Some(b'!') => match self.m.bang(doc, tag)? {
                    Bang::Comment(end) => {
                        self.markup = true;
                        self.pos = end;
                    }
                    Bang::CData(inner, end) => {
                        let inner = self.m.text(inner);
                        self.decode(tag, end, |out| push_normalized(out, inner));
                        self.pos = end;
                    }
                },
                Some(b'?') => {
                    let (target, end) = self.m.processing_instruction(doc, tag)?;
                    if self.m.slice(target).eq_ignore_ascii_case(b"xml") {
                        return Err(doc.xml_err(tag as u64, "XML declaration inside content"));
                    }
                    self.markup = true;
                    self.pos = end;
                }
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
        let before = self.m.text((self.copied, from));
        let text = self.decoded.get_or_insert_with(|| {
            // Text-only content usually runs to the end tag: the next `<` sizes the buffer.
            let estimate = memchr(b'<', self.m.rest(from));
            String::with_capacity(before.len() + estimate.unwrap_or(0))
        });
        text.push_str(before);
        push(text);
        self.copied = to;
    }

    /// A start tag (or empty-element tag) at `pos`.
    fn start_tag(&mut self, doc: &mut Doc<'b>) -> Result<()> {
        let tag = self.pos;
        let depth = self.depth_base + self.buffers.open.len() + 1;
        if depth > doc.limits.max_depth() {
            return Err(doc.limit(LimitKind::Depth, tag as u64));
        }
        let start = self.m.start_tag(doc, tag, &mut self.buffers.attrs)?;
        let scope = doc.bindings.len();
        declare(doc, self.m, &self.buffers.attrs)?;
        self.markup = true;
        if self.buffers.open.is_empty() {
            self.top = start.name.1;
        }
        self.check_prefixes(doc, start.name, tag)?;
        if start.empty {
            doc.bindings.truncate(scope);
        } else {
            self.buffers.open.push((start.name, scope));
        }
        self.pos = start.end;
        Ok(())
    }

    /// Checks that the element's and its attributes' prefixes are declared, and records the
    /// declarations from outside the fragment that they (or QName-looking values) need.
    fn check_prefixes(&mut self, doc: &Doc<'_>, name: (usize, usize), tag: usize) -> Result<()> {
        let element_prefix = prefix_of(self.m.slice(name));
        if let Some(uri) = check_prefix(doc, element_prefix, self.base_scope, tag)? {
            self.need(element_prefix, uri);
        }
        for index in 0..self.buffers.attrs.len() {
            let Some(&attr) = self.buffers.attrs.get(index) else {
                break;
            };
            let key = self.m.slice(attr.name);
            if is_declaration(key) {
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
            let value = self.m.slice(attr.value);
            // The colon after the prefix's length first: one byte tells most values apart
            // without looking at the binding.
            let Some(prefix) = self
                .buffers
                .outside
                .iter()
                .filter(|&&(_, len)| value.get(len) == Some(&b':'))
                .filter_map(|&(i, _)| doc.bindings.get(i))
                .map(|binding| binding.prefix.as_bytes())
                .find(|prefix| value.starts_with(prefix))
            else {
                continue;
            };
            // `http://…` is a URL, not a QName, even with an `http` prefix declared.
            if value.get(prefix.len() + 1) != Some(&b'/')
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

/// Whether an attribute value starting with `prefix:` is taken for a QName: a non-empty prefix
/// other than `xml`, of ASCII letters, digits, `_`, `-` and `.`.
fn qname_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix != "xml"
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
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
        None => Err(doc.xml_err_with(position as u64, || {
            format!(
                "undeclared namespace prefix `{}`",
                String::from_utf8_lossy(prefix)
            )
        })),
    }
}

/// The fragment `body[start..end]` with the needed declarations inserted; shares the input
/// buffer when nothing needs inserting.
fn splice(doc: &Doc<'_>, start: usize, end: usize, injections: &[Injection]) -> Bytes {
    if injections.is_empty() {
        return doc.body_bytes.slice(start..end);
    }
    let body = doc.body.as_bytes();
    let mut out = Vec::with_capacity(end - start + 64);
    let mut at = start;
    for injection in injections {
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
