//! Hardened XML reading: builds a small element tree of the TAXII envelope, and captures
//! `Content`-like (`xs:any`) elements as raw, standalone fragments without building a tree.
//! Tags, references and the other tokens are read by the crate's own lexical layer
//! ([`super::markup`]), the same one the content capture uses.
//!
//! What is refused, before anything is allocated for it: inputs over the size limit, non-UTF-8
//! bytes or encoding declarations, characters XML forbids, DOCTYPEs (so no entity declarations,
//! no external subsets, no expansion), entity references other than the five predefined ones,
//! undeclared prefixes, nesting deeper than the limit, too many attributes, too long names,
//! values or text, too many repeated children.

use std::borrow::Cow;

use bytes::Bytes;
use memchr::{memchr, memchr2};

use super::capture::capture;
use super::markup::{
    Bang, Markup, RawAttr, StartTag, declare, decode_attribute, find_short, is_declaration,
    is_space, push_normalized,
};
use crate::error::{Error, LimitKind, Result};
use crate::limits::Limits;
use crate::message::{Content, ContentKind};
use crate::version::{NS_DEFAULT_QUERY_1_0, NS_TAXII_1_0, NS_TAXII_1_1};

/// XML namespace of XML Signature.
pub(crate) const NS_XMLDSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// A resolved element or attribute namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ns {
    None,
    Taxii10,
    Taxii11,
    Tdq,
    /// Any other namespace (borrowed when it is one the reader knows, e.g. XML Signature).
    Other(Cow<'static, str>),
}

impl Ns {
    fn from_uri(uri: &str) -> Self {
        match uri {
            "" => Self::None,
            NS_TAXII_1_0 => Self::Taxii10,
            NS_TAXII_1_1 => Self::Taxii11,
            NS_DEFAULT_QUERY_1_0 => Self::Tdq,
            other => Self::Other(Cow::Owned(other.to_owned())),
        }
    }

    pub(crate) fn uri(&self) -> &str {
        match self {
            Self::None => "",
            Self::Taxii10 => NS_TAXII_1_0,
            Self::Taxii11 => NS_TAXII_1_1,
            Self::Tdq => NS_DEFAULT_QUERY_1_0,
            Self::Other(uri) => uri,
        }
    }
}

/// Element and attribute names TAXII messages use: a name found here is shared instead of
/// allocated for every element read.
const KNOWN_NAMES: &[&str] = &[
    "Address",
    "Allowed_Scope",
    "Capability_Module",
    "Collection",
    "Collection_Information_Request",
    "Collection_Information_Response",
    "Collection_Volume",
    "Content",
    "Content_Binding",
    "Content_Block",
    "Criteria",
    "Criterion",
    "Default_Query",
    "Default_Query_Info",
    "Delivery_Parameters",
    "Description",
    "Destination_Collection_Name",
    "Detail",
    "Discovery_Request",
    "Discovery_Response",
    "Exclusive_Begin_Timestamp",
    "Extended_Header",
    "Extended_Headers",
    "Feed",
    "Feed_Information_Request",
    "Feed_Information_Response",
    "Inbox_Message",
    "Inclusive_Begin_Timestamp",
    "Inclusive_End_Timestamp",
    "Message",
    "Message_Binding",
    "Padding",
    "Parameter",
    "Poll_Fulfillment",
    "Poll_Instance",
    "Poll_Parameters",
    "Poll_Request",
    "Poll_Response",
    "Polling_Service",
    "Preferred_Scope",
    "Protocol_Binding",
    "Push_Method",
    "Push_Parameters",
    "Query",
    "Receiving_Inbox_Service",
    "Record_Count",
    "Response_Type",
    "Service_Instance",
    "Signature",
    "Source_Subscription",
    "Status_Detail",
    "Status_Message",
    "Subscription",
    "Subscription_ID",
    "Subscription_Management_Request",
    "Subscription_Management_Response",
    "Subscription_Parameters",
    "Subscription_Service",
    "Subtype",
    "Supported_Query",
    "Target",
    "Targeting_Expression_Info",
    "Test",
    "Timestamp_Label",
    "action",
    "allow_asynch",
    "available",
    "binding_id",
    "capability_id",
    "collection_name",
    "collection_type",
    "feed_name",
    "format_id",
    "in_response_to",
    "message_id",
    "more",
    "name",
    "negate",
    "operator",
    "partial_count",
    "relationship",
    "result_id",
    "result_part_number",
    "service_type",
    "service_version",
    "status",
    "status_type",
    "subscription_id",
    "subtype_id",
    "targeting_expression_id",
];

/// Slots of the open-addressing table over [`KNOWN_NAMES`] (a power of two, at least four
/// times the names so that most lookups compare one name at most).
const NAME_SLOTS: usize = 512;

/// Each slot holds a name's index in [`KNOWN_NAMES`] plus one, or 0 when empty; built at
/// compile time.
const NAME_TABLE: [u16; NAME_SLOTS] = name_table();

/// A hash of a name's length and three of its bytes: enough to spread TAXII's names.
// Also evaluated at compile time, where an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn name_hash(name: &[u8]) -> usize {
    let n = name.len();
    if n == 0 {
        return 0;
    }
    let mixed = n.wrapping_mul(0x9E37)
        ^ (name[0] as usize).wrapping_mul(0x2F1)
        ^ (name[n / 2] as usize).wrapping_mul(0x61)
        ^ (name[n - 1] as usize).wrapping_mul(0x1B);
    (mixed ^ (mixed >> 7)) & (NAME_SLOTS - 1)
}

// Evaluated at compile time: an out-of-range index fails the build.
#[allow(clippy::indexing_slicing)]
const fn name_table() -> [u16; NAME_SLOTS] {
    let mut table = [0u16; NAME_SLOTS];
    let mut i = 0;
    while i < KNOWN_NAMES.len() {
        let mut slot = name_hash(KNOWN_NAMES[i].as_bytes());
        while table[slot] != 0 {
            slot = (slot + 1) & (NAME_SLOTS - 1);
        }
        table[slot] = (i + 1) as u16;
        i += 1;
    }
    table
}

/// The known name equal to `name`, if any.
fn known_name(name: &str) -> Option<&'static str> {
    let mut slot = name_hash(name.as_bytes());
    loop {
        let index = usize::from(*NAME_TABLE.get(slot)?);
        let known = KNOWN_NAMES.get(index.checked_sub(1)?)?;
        if *known == name {
            return Some(known);
        }
        slot = (slot + 1) & (NAME_SLOTS - 1);
    }
}

/// A name of the envelope, shared when it is one of [`KNOWN_NAMES`].
pub(crate) type Name = Cow<'static, str>;

fn intern(name: &str) -> Name {
    known_name(name).map_or_else(|| Cow::Owned(name.to_owned()), Cow::Borrowed)
}

/// An attribute other than a namespace declaration.
#[derive(Debug)]
pub(crate) struct Attr {
    pub(crate) ns: Ns,
    pub(crate) local: Name,
    pub(crate) value: String,
}

/// An element of the envelope.
#[derive(Debug)]
pub(crate) struct Element {
    pub(crate) ns: Ns,
    pub(crate) local: Name,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) children: Vec<Self>,
    /// Character data directly inside this element (decoded), for simple-content elements.
    pub(crate) text: String,
    /// The captured inner content of an `xs:any` element.
    pub(crate) raw: Option<Content>,
    /// Byte offset of the start tag.
    pub(crate) offset: u64,
}

impl Element {
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == Ns::None && a.local == local)
            .map(|a| a.value.as_str())
    }
}

/// How an element's inner content is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Capture {
    /// Build child elements.
    Tree,
    /// Keep the inner content as a raw standalone fragment.
    Raw,
}

/// Which elements hold `xs:any` content that is kept raw: `Content`, `Extended_Header`,
/// `Detail`, a `Query`/`Supported_Query` in a format other than the Default Query, and XML
/// signatures (the whole `ds:Signature` is kept; see [`Element::raw`] of its parent).
fn capture_for(element: &Element) -> Capture {
    match &element.ns {
        Ns::Taxii10 | Ns::Taxii11 => match &*element.local {
            "Content" | "Extended_Header" | "Detail" => Capture::Raw,
            "Query" | "Supported_Query" => {
                let default = element
                    .attr("format_id")
                    .is_some_and(|format| format.trim() == crate::urn::QUERY_FORMAT_DEFAULT_1_0);
                if default { Capture::Tree } else { Capture::Raw }
            }
            _ => Capture::Tree,
        },
        Ns::Other(uri) if uri == NS_XMLDSIG && element.local == "Signature" => Capture::Raw,
        _ => Capture::Tree,
    }
}

/// A namespace declaration in scope.
/// Both parts borrow the input unless the value needed decoding.
pub(super) struct Binding<'a> {
    pub(super) prefix: Cow<'a, str>,
    pub(super) uri: Cow<'a, str>,
}

/// The reader state shared by the tree builder and the raw capture.
pub(super) struct Doc<'a> {
    pub(super) body: &'a str,
    pub(super) body_bytes: Bytes,
    /// Bytes before `body` in the original input (a UTF-8 BOM), for error offsets.
    skew: u64,
    pub(super) limits: &'a Limits,
    pub(super) bindings: Vec<Binding<'a>>,
    /// The content scan's working lists, reused from one capture to the next.
    pub(super) scan_buffers: super::capture::ScanBuffers,
}

impl<'a> Doc<'a> {
    /// A well-formedness error at `offset` of the body. Cold and out of line: the readers'
    /// hot functions keep only a call on their error paths, not the string building.
    #[cold]
    #[inline(never)]
    pub(super) fn xml_err(&self, offset: u64, reason: impl Into<String>) -> Error {
        Error::Xml {
            offset: offset + self.skew,
            reason: reason.into(),
        }
    }

    /// [`Doc::xml_err`] with a reason formatted only when the error happens: the hot
    /// functions then carry no formatting code of their own.
    #[cold]
    #[inline(never)]
    pub(super) fn xml_err_with(&self, offset: u64, reason: impl FnOnce() -> String) -> Error {
        self.xml_err(offset, reason())
    }

    /// A limit exceeded at `offset` of the body (cold, like [`Doc::xml_err`]).
    #[cold]
    #[inline(never)]
    pub(super) fn limit(&self, limit: LimitKind, offset: u64) -> Error {
        Error::LimitExceeded {
            limit,
            offset: offset + self.skew,
        }
    }

    pub(super) fn lookup(&self, prefix: &str) -> Option<(usize, &str)> {
        self.lookup_bytes(prefix.as_bytes())
    }

    /// The innermost declaration of `prefix` in scope: its index (to tell declarations from
    /// outside a captured fragment) and its namespace.
    pub(super) fn lookup_bytes(&self, prefix: &[u8]) -> Option<(usize, &str)> {
        if prefix == b"xml" {
            return Some((0, NS_XML));
        }
        self.bindings
            .iter()
            .enumerate()
            .rev()
            // Length and first byte first: most bindings differ there, without a memcmp call.
            .find(|(_, b)| {
                let bound = b.prefix.as_bytes();
                bound.len() == prefix.len() && bound.first() == prefix.first() && bound == prefix
            })
            .map(|(i, b)| (i, b.uri.as_ref()))
    }
}

/// Checks the characters XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE; U+FFFF).
///
/// 32 bytes at a time, in a loop the compiler turns into vector compares: a chunk with no
/// control byte and no 0xEF byte (the lead byte of U+FFFE/U+FFFF) needs no closer look, which
/// is almost every chunk of real input.
pub(super) fn check_chars(body: &str) -> std::result::Result<(), usize> {
    const CHUNK: usize = 32;
    let bytes = body.as_bytes();
    let mut chunks = bytes.chunks_exact(CHUNK);
    let mut base = 0;
    for chunk in chunks.by_ref() {
        let suspect = chunk.iter().fold(false, |found, &b| {
            found | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0xEF)
        });
        if suspect {
            check_bytes(bytes, base, base + CHUNK)?;
        }
        base += CHUNK;
    }
    check_bytes(bytes, base, bytes.len())
}

fn check_bytes(bytes: &[u8], from: usize, to: usize) -> std::result::Result<(), usize> {
    for i in from..to {
        let Some(&b) = bytes.get(i) else { break };
        if b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r' {
            return Err(i);
        }
        if b == 0xEF {
            let next = bytes.get(i + 1..i + 3);
            if next == Some(&[0xBF, 0xBE]) || next == Some(&[0xBF, 0xBF]) {
                return Err(i);
            }
        }
    }
    Ok(())
}

pub(super) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

pub(super) fn predefined(name: &[u8]) -> Option<char> {
    Some(match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        _ => return None,
    })
}

/// Reads `input` into the envelope tree.
pub(crate) fn read_document(input: &Bytes, limits: &Limits) -> Result<Element> {
    let mut doc = open_document(input, limits)?;
    let mut builder = TreeBuilder::new(doc.body, false);
    match builder.run(&mut doc)? {
        Step::Done(root) => Ok(root),
        Step::BlocksStart | Step::Block(_) => Err(doc.xml_err(0, "content block outside a stream")),
    }
}

/// The checks on the whole input before any markup is read (size, encoding, characters), and
/// the reader state over it.
pub(super) fn open_document<'a>(input: &'a Bytes, limits: &'a Limits) -> Result<Doc<'a>> {
    if input.len() > limits.max_message_bytes() {
        return Err(Error::LimitExceeded {
            limit: LimitKind::MessageBytes,
            offset: 0,
        });
    }
    let skew = if input.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    if input.starts_with(&[0xFF, 0xFE]) || input.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Encoding {
            offset: 0,
            reason: "UTF-16 input; only UTF-8 is supported".into(),
        });
    }
    let bytes = input.get(skew..).unwrap_or_default();
    // The vectorised check first; std's, which says where, only for an input that fails it.
    let body = simdutf8::basic::from_utf8(bytes)
        .or_else(|_| std::str::from_utf8(bytes))
        .map_err(|e| Error::Encoding {
            offset: (e.valid_up_to() + skew) as u64,
            reason: "invalid UTF-8".into(),
        })?;
    if let Err(at) = check_chars(body) {
        return Err(Error::Xml {
            offset: (at + skew) as u64,
            reason: "character not allowed in XML".into(),
        });
    }
    Ok(Doc {
        body,
        body_bytes: input.slice(skew..),
        skew: skew as u64,
        limits,
        bindings: Vec::new(),
        scan_buffers: Default::default(),
    })
}

/// Checks that `fragment` is what the reader would capture as XML content on its own: the same
/// rules as inside `Content` (well-formed, UTF-8, no DTD, declared prefixes, predefined entities
/// only, within the default limits), holding at least one element, comment or processing
/// instruction (text alone is text content).
pub(crate) fn check_fragment(fragment: &[u8]) -> std::result::Result<(), String> {
    let text = std::str::from_utf8(fragment).map_err(|e| format!("not UTF-8: {e}"))?;
    let wrapped = Bytes::from(format!("<w>{text}</w>"));
    let body = std::str::from_utf8(&wrapped).map_err(|e| e.to_string())?;
    if let Err(at) = check_chars(body) {
        return Err(format!(
            "character not allowed in XML at byte {}",
            at.saturating_sub(3)
        ));
    }
    let limits = Limits::default().with_max_message(crate::size::SizeLimit::HARD_CAP);
    let mut doc = Doc {
        body,
        body_bytes: wrapped.clone(),
        skew: 0,
        limits: &limits,
        bindings: Vec::new(),
        scan_buffers: Default::default(),
    };
    let (content, end) = capture(&mut doc, 3, 1).map_err(|e| e.to_string())?;
    let markup = Markup::new(body);
    match markup.end_tag(&doc, end, b"w") {
        Ok(after) if after == body.len() => {}
        _ => return Err("unbalanced end tag".into()),
    }
    if content.kind() != ContentKind::Xml {
        return Err(
            "no element, comment or processing instruction (use Content::text for text)".into(),
        );
    }
    Ok(())
}

/// Where [`TreeBuilder::run`] stopped.
pub(super) enum Step {
    /// The whole document was read: its root element.
    Done(Element),
    /// Streaming: the first content block of the root starts; [`TreeBuilder::root`] holds
    /// everything before it.
    BlocksStart,
    /// Streaming: a complete content block of the root, not attached to it.
    Block(Element),
}

/// The envelope tree builder, resumable so that a content-block stream can take the root's
/// `Content_Block` children one at a time instead of attaching them.
pub(super) struct TreeBuilder<'a> {
    markup: Markup<'a>,
    /// Where reading goes on.
    pos: usize,
    /// The current start tag's attributes (reused).
    attrs: Vec<RawAttr>,
    /// Open elements: the element, the namespace scope to restore, its qualified name.
    stack: Vec<(Element, usize, (usize, usize))>,
    root: Option<Element>,
    streaming: bool,
    blocks_started: bool,
    /// An empty-element content block seen when the blocks started, handed out next.
    pending: Option<Element>,
}

/// Whether `element`, a child of `parent`, is a content block of a message that carries them.
fn is_streamed_block(parent: &Element, element: &Element) -> bool {
    element.local == "Content_Block"
        && element.ns == parent.ns
        && matches!(parent.ns, Ns::Taxii10 | Ns::Taxii11)
        && matches!(&*parent.local, "Poll_Response" | "Inbox_Message")
}

impl<'a> TreeBuilder<'a> {
    /// A builder over the whole body; with `streaming`, the root's content blocks are handed
    /// out by [`TreeBuilder::run`] instead of attached.
    pub(super) fn new(body: &'a str, streaming: bool) -> Self {
        Self {
            markup: Markup::new(body),
            pos: 0,
            attrs: Vec::new(),
            stack: Vec::new(),
            root: None,
            streaming,
            blocks_started: false,
            pending: None,
        }
    }

    /// The root element while it is open.
    pub(super) fn root(&self) -> Option<&Element> {
        self.stack.first().map(|(root, _, _)| root)
    }

    /// Whether `element`, opened at the current depth, is a streamed content block.
    fn streams(&self, element: &Element) -> bool {
        self.streaming
            && self.stack.len() == 1
            && self
                .root()
                .is_some_and(|root| is_streamed_block(root, element))
    }

    /// Reads until the document ends or, streaming, until the next content-block boundary.
    pub(super) fn run(&mut self, doc: &mut Doc<'a>) -> Result<Step> {
        if let Some(block) = self.pending.take() {
            return Ok(Step::Block(block));
        }
        loop {
            let at = self.pos;
            let Some(byte) = self.markup.at(at) else {
                if !self.stack.is_empty() {
                    return Err(doc.xml_err(at as u64, "unclosed element at end of input"));
                }
                return match self.root.take() {
                    Some(root) => Ok(Step::Done(root)),
                    None => Err(doc.xml_err(at as u64, "no root element")),
                };
            };
            if byte != b'<' {
                self.text(doc, at)?;
                continue;
            }
            match self.markup.at(at + 1) {
                Some(b'/') => {
                    let Some((element, scope, name)) = self.stack.pop() else {
                        return Err(doc.xml_err(at as u64, "end tag without a start tag"));
                    };
                    self.pos = self.markup.end_tag(doc, at, self.markup.slice(name))?;
                    doc.bindings.truncate(scope);
                    if self.streams(&element) {
                        return Ok(Step::Block(element));
                    }
                    self.attach(element);
                }
                Some(b'!') => match self.markup.bang(doc, at)? {
                    Bang::Comment(end) => self.pos = end,
                    Bang::CData(inner, end) => {
                        let Some((element, _, _)) = self.stack.last_mut() else {
                            return Err(doc.xml_err(at as u64, "CDATA outside the root element"));
                        };
                        let mut text = String::new();
                        push_normalized(&mut text, self.markup.text(inner));
                        push_text(doc, element, &text, at as u64)?;
                        self.pos = end;
                    }
                },
                Some(b'?') => {
                    let (target, end) = self.markup.processing_instruction(doc, at)?;
                    if self.markup.slice(target).eq_ignore_ascii_case(b"xml") {
                        if at != 0 {
                            return Err(doc.xml_err(at as u64, "XML declaration not at the start"));
                        }
                        check_decl(doc, self.markup, target.1, end - 2)?;
                    }
                    self.pos = end;
                }
                _ => {
                    if let Some(step) = self.element(doc, at)? {
                        return Ok(step);
                    }
                }
            }
        }
    }

    /// Character data at `at`, up to the next `<`: added (decoded) to the open element's text;
    /// outside the root only white space is allowed.
    fn text(&mut self, doc: &Doc<'a>, at: usize) -> Result<()> {
        let end = memchr(b'<', self.markup.rest(at)).map_or(self.markup.len(), |i| at + i);
        self.pos = end;
        let raw = self.markup.text((at, end));
        let Some((element, _, _)) = self.stack.last_mut() else {
            if raw.bytes().all(is_space) {
                return Ok(());
            }
            return Err(doc.xml_err(at as u64, "text outside the root element"));
        };
        if memchr2(b'&', b'\r', raw.as_bytes()).is_none() {
            return push_text(doc, element, raw, at as u64);
        }
        // References resolved; the runs between them with their line ends normalised.
        let mut decoded = String::with_capacity(raw.len());
        let mut from = at;
        while let Some(amp) = memchr(b'&', self.markup.slice((from, end))).map(|i| from + i) {
            push_normalized(&mut decoded, self.markup.text((from, amp)));
            let (after, c) = self.markup.reference(doc, amp)?;
            decoded.push(c);
            from = after;
        }
        push_normalized(&mut decoded, self.markup.text((from, end)));
        push_text(doc, element, &decoded, at as u64)
    }

    /// The start tag at `at` and, for an element whose content is captured, everything up to
    /// its end tag. Returns a step when a streamed content block starts or is complete.
    fn element(&mut self, doc: &mut Doc<'a>, at: usize) -> Result<Option<Step>> {
        if self.root.is_some() {
            return Err(doc.xml_err(at as u64, "a second root element"));
        }
        if self.stack.len() + 1 > doc.limits.max_depth() {
            return Err(doc.limit(LimitKind::Depth, at as u64));
        }
        let start = self.markup.start_tag(doc, at, &mut self.attrs)?;
        let scope = doc.bindings.len();
        let mut element = open_element(doc, self.markup, &start, &self.attrs, at as u64)?;
        self.pos = start.end;
        if start.empty {
            doc.bindings.truncate(scope);
            if self.streams(&element) {
                if std::mem::replace(&mut self.blocks_started, true) {
                    return Ok(Some(Step::Block(element)));
                }
                self.pending = Some(element);
                return Ok(Some(Step::BlocksStart));
            }
            check_list_limit(doc, self.stack.last().map(|(p, _, _)| p), &element)?;
            if capture_for(&element) == Capture::Raw {
                element.raw = Some(Content::from_parts_unchecked(
                    ContentKind::Text,
                    Bytes::new(),
                ));
            }
            self.attach(element);
            return Ok(None);
        }
        let streamed = self.streams(&element);
        if !streamed {
            check_list_limit(doc, self.stack.last().map(|(p, _, _)| p), &element)?;
        }
        if capture_for(&element) == Capture::Raw {
            let (content, end) = capture(doc, start.end, self.stack.len() + 1)?;
            self.pos = self
                .markup
                .end_tag(doc, end, self.markup.slice(start.name))?;
            element.raw = Some(content);
            doc.bindings.truncate(scope);
            self.attach(element);
        } else {
            self.stack.push((element, scope, start.name));
            if streamed && !std::mem::replace(&mut self.blocks_started, true) {
                return Ok(Some(Step::BlocksStart));
            }
        }
        Ok(None)
    }

    fn attach(&mut self, element: Element) {
        match self.stack.last_mut() {
            Some((parent, _, _)) => parent.children.push(element),
            None => self.root = Some(element),
        }
    }
}

/// Checks the pseudo-attributes of the XML declaration between `from` and `to`: `version`
/// first and `1.0`, then an optional `encoding` (UTF-8 only) and `standalone`.
fn check_decl(doc: &Doc<'_>, markup: Markup<'_>, from: usize, to: usize) -> Result<()> {
    let mut expected: &[&str] = &["version", "encoding", "standalone"];
    let mut at = markup.skip_space(from);
    let mut version_seen = false;
    while at < to {
        let name_end = markup.name(doc, at)?;
        let name = markup.text((at, name_end));
        let Some(index) = expected.iter().position(|&e| e == name) else {
            return Err(doc.xml_err(0, format!("unexpected `{name}` in the XML declaration")));
        };
        if index > 0 && !version_seen {
            return Err(doc.xml_err(0, "the XML declaration does not start with its version"));
        }
        expected = expected.get(index + 1..).unwrap_or_default();
        let eq = markup.skip_space(name_end);
        let open = markup.skip_space(eq + 1);
        let quote = markup.at(open).filter(|&q| q == b'"' || q == b'\'');
        let close = quote.and_then(|q| memchr(q, markup.rest(open + 1)).map(|i| open + 1 + i));
        let (Some(b'='), Some(close)) = (markup.at(eq), close.filter(|&c| c < to)) else {
            return Err(doc.xml_err(0, "malformed XML declaration"));
        };
        let value = markup.text((open + 1, close));
        match name {
            "version" if value == "1.0" => version_seen = true,
            "version" => {
                return Err(doc.xml_err(0, format!("XML version `{value}` is not supported")));
            }
            "encoding" => {
                if !value.eq_ignore_ascii_case("utf-8") && !value.eq_ignore_ascii_case("utf8") {
                    return Err(Error::Encoding {
                        offset: doc.skew,
                        reason: format!("declared encoding `{value}`; only UTF-8 is supported"),
                    });
                }
            }
            _ if matches!(value, "yes" | "no") => {}
            _ => return Err(doc.xml_err(0, format!("standalone `{value}` is not yes or no"))),
        }
        let next = markup.skip_space(close + 1);
        if next < to && next == close + 1 {
            return Err(doc.xml_err(0, "malformed XML declaration"));
        }
        at = next;
    }
    if !version_seen {
        return Err(doc.xml_err(0, "the XML declaration has no version"));
    }
    Ok(())
}

fn push_text(doc: &Doc<'_>, element: &mut Element, text: &str, position: u64) -> Result<()> {
    if element.text.len() + text.len() > doc.limits.max_text_bytes() {
        return Err(doc.limit(LimitKind::TextBytes, position));
    }
    element.text.push_str(text);
    Ok(())
}

fn check_list_limit(doc: &Doc<'_>, parent: Option<&Element>, child: &Element) -> Result<()> {
    let Some(parent) = parent else { return Ok(()) };
    let (limit, kind) = if child.local == "Content_Block" {
        (doc.limits.max_content_blocks(), LimitKind::ContentBlocks)
    } else {
        (doc.limits.max_list_items(), LimitKind::ListItems)
    };
    if parent.children.len() >= limit {
        return Err(doc.limit(kind, child.offset));
    }
    Ok(())
}

/// The element a start tag opens: its namespace declarations pushed, its name and other
/// attributes resolved (an undeclared prefix is an error), values decoded.
fn open_element<'a>(
    doc: &mut Doc<'a>,
    markup: Markup<'a>,
    start: &StartTag,
    attrs: &[RawAttr],
    position: u64,
) -> Result<Element> {
    declare(doc, markup, attrs)?;
    let (ns, local) = resolve_name(doc, markup.text(start.name), position, true)?;
    let mut resolved = Vec::with_capacity(attrs.len());
    for attr in attrs {
        let key = markup.text(attr.name);
        if is_declaration(key.as_bytes()) {
            continue;
        }
        let (ns, local) = resolve_name(doc, key, position, false)?;
        resolved.push(Attr {
            ns,
            local,
            value: decode_attribute(markup.text(attr.value)).into_owned(),
        });
    }
    Ok(Element {
        ns,
        local,
        attrs: resolved,
        children: Vec::new(),
        text: String::new(),
        raw: None,
        offset: position + doc.skew,
    })
}

/// The namespace and local part of a qualified name. An unprefixed element is in the default
/// namespace; an unprefixed attribute is in none.
fn resolve_name(doc: &Doc<'_>, qname: &str, position: u64, element: bool) -> Result<(Ns, Name)> {
    let (prefix, local) = match find_short(b':', qname.as_bytes()) {
        Some(colon) => (
            qname.get(..colon),
            qname.get(colon + 1..).unwrap_or_default(),
        ),
        None => (None, qname),
    };
    let ns = match prefix {
        Some(prefix) => match doc.lookup(prefix) {
            Some((_, uri)) => Ns::from_uri(uri),
            None => {
                return Err(doc.xml_err_with(position, || {
                    format!("undeclared namespace prefix `{prefix}`")
                }));
            }
        },
        None if element => doc
            .lookup("")
            .map_or(Ns::None, |(_, uri)| Ns::from_uri(uri)),
        None => Ns::None,
    };
    Ok((ns, intern(local)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_name_is_found_and_others_are_not() {
        for name in KNOWN_NAMES {
            assert_eq!(known_name(name), Some(*name));
            assert_eq!(known_name(&format!("{name}x")), None);
            let shorter = &name[..name.len() - 1];
            let expected = KNOWN_NAMES.iter().find(|&&known| known == shorter).copied();
            assert_eq!(known_name(shorter), expected);
        }
        let used = NAME_TABLE.iter().filter(|&&slot| slot != 0).count();
        assert_eq!(used, KNOWN_NAMES.len(), "every name has its own slot");
        assert!(matches!(
            intern("Content_Block"),
            Cow::Borrowed("Content_Block")
        ));
        assert!(matches!(intern("Other"), Cow::Owned(_)));
    }
}
