//! proptest strategies for the message model (feature `proptest`).
//!
//! Every strategy produces values that the chosen TAXII version can express and that the codec
//! is expected to round-trip exactly: writing a generated message and reading it back gives the
//! same message, and writing that again gives the same bytes. So the generators respect every
//! rule the writer checks (numeric 1.0 message ids, fields only one version has, exactly one of
//! `subscription_id`/`poll_parameters` in a 1.1 `Poll_Request`, the required 1.0
//! `Inclusive_End_Timestamp`, at least one `Message_Binding`, at least one `Detail`, at least one
//! item in Default Query criteria, at most one subtype on a content block's binding, ...) and the
//! reader's value rules (at most 6 fractional second digits in timestamps, typed status details).
//!
//! Strings come in three families, matching how the codec treats them:
//! - [`xml_text`]: any characters XML can carry (markup characters, `]]>`, CR, tabs, non-BMP
//!   characters, U+0085 and U+2028), for `xs:string` values the codec keeps as they are
//!   (`Message`, `Description`, `Address`, `Padding`, `Target`, `Parameter`, ...);
//! - [`uri`]: non-empty identifiers without whitespace, for URIs, ids and names, whose
//!   surrounding whitespace the codec trims;
//! - content ([`content()`]): text payloads and standalone XML fragments ([`xml_fragment`]) that
//!   declare the namespace prefixes they use.
//!
//! ```
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//! use taxii1_core::{Message, Version, strategy};
//!
//! let mut runner = TestRunner::deterministic();
//! for version in Version::ALL {
//!     let tree = strategy::message(version).new_tree(&mut runner).map_err(|e| e.to_string())?;
//!     let message = tree.current();
//!     let xml = message.to_xml(version)?;
//!     let parsed = Message::from_xml(&xml)?;
//!     assert_eq!((parsed.version, parsed.message), (version, message));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union};

use crate::message::*;
use crate::timestamp::Timestamp;
use crate::urn;
use crate::version::Version;
use crate::vocab::ContentBindingId;

/// How many items repeated children get at most; small, so cases stay quick to write and read.
const MAX_ITEMS: usize = 3;

/// Nesting depth of generated Default Query criteria in [`message`].
pub const QUERY_DEPTH: u32 = 3;

/// Nesting depth of the elements of generated XML fragments.
pub const FRAGMENT_DEPTH: u32 = 3;

fn is_v11(version: Version) -> bool {
    version == Version::V1_1
}

/// `strategy` in TAXII 1.1, nothing (`None`) in TAXII 1.0.
fn opt_11<T: Clone + std::fmt::Debug + 'static>(
    version: Version,
    strategy: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    if is_v11(version) {
        option::of(strategy).boxed()
    } else {
        Just(None).boxed()
    }
}

/// A list of `strategy` values in TAXII 1.1, an empty list in TAXII 1.0.
fn vec_11<T: Clone + std::fmt::Debug + 'static>(
    version: Version,
    strategy: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Vec<T>> {
    if is_v11(version) {
        vec(strategy, 0..MAX_ITEMS).boxed()
    } else {
        Just(Vec::new()).boxed()
    }
}

/// Either TAXII version.
pub fn version() -> impl Strategy<Value = Version> {
    select(Version::ALL.to_vec())
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

/// Characters that need care in XML: markup, quotes, whitespace (CR is normalised away unless
/// escaped).
const SPECIAL_CHARS: &[char] = &['<', '>', '&', '"', '\'', ']', '\t', '\n', '\r', ' '];

/// Sequences that need care: a CDATA end and start, CRLF, an entity-like text, markup-like
/// text, NEL and LINE SEPARATOR (line ends only in XML 1.1), a BOM, double spaces.
const TRICKY_PIECES: &[&str] = &[
    "]]>",
    "\r\n",
    "&amp;",
    "<![CDATA[",
    "<a/>",
    "\u{85}",
    "\u{2028}",
    "\u{FEFF}",
    "  ",
];

/// Maps a random number to an XML-carriable character: mostly printable ASCII, often a
/// [`SPECIAL_CHARS`] one, sometimes any other allowed code point (BMP and beyond). Numbers near
/// zero give a space, so shrinking simplifies text.
fn char_from_code(code: u32) -> char {
    let pick = code / 100;
    let c = match code % 100 {
        0..=59 => char::from_u32(0x20 + pick % 95),
        60..=79 => SPECIAL_CHARS
            .get(pick as usize % SPECIAL_CHARS.len())
            .copied(),
        80..=89 => char::from_u32(0x80 + pick % (0xD800 - 0x80)),
        90..=94 => char::from_u32(0xE000 + pick % (0xFFFE - 0xE000)),
        _ => char::from_u32(0x1_0000 + pick % (0x11_0000 - 0x1_0000)),
    };
    c.unwrap_or(' ')
}

/// One character that XML 1.0 can carry: mostly printable ASCII, often markup characters and
/// whitespace, sometimes any other allowed code point (BMP and beyond).
pub fn xml_char() -> impl Strategy<Value = char> {
    any::<u32>().prop_map(char_from_code)
}

/// Text for `xs:string` values the codec keeps as they are: any XML-carriable characters,
/// possibly empty or all whitespace, with tricky sequences (`]]>`, CRLF, `&amp;`, a CDATA
/// opener, U+0085, U+2028, a BOM) mixed in.
pub fn xml_text() -> impl Strategy<Value = String> {
    vec(any::<u32>(), 0..16).prop_map(|codes| {
        let mut text = String::new();
        for code in codes {
            // One piece in ten is a tricky sequence.
            let tricky = (code % 10 == 9)
                .then(|| TRICKY_PIECES.get((code / 10) as usize % TRICKY_PIECES.len()))
                .flatten();
            match tricky {
                Some(piece) => text.push_str(piece),
                None => text.push(char_from_code(code / 10)),
            }
        }
        text
    })
}

/// A URI, id or name: non-empty and without whitespace at either end (the codec trims it there
/// for such values), with URI punctuation, markup characters, some non-ASCII letters and,
/// sometimes, whitespace inside (space, tab, LF, CR, NEL, NBSP, LINE SEPARATOR), which attribute
/// values and element text must both keep.
pub fn uri() -> impl Strategy<Value = String> {
    let inner = prop_oneof![
        8 => chars_of(URI_CHARS),
        1 => chars_of(" \t\n\r\u{85}\u{A0}\u{2028}"),
    ];
    (
        chars_of(ALNUM),
        vec(inner, 0..=22),
        option::of(chars_of(URI_CHARS)),
    )
        .prop_map(|(first, inner, last)| {
            let mut text: String = std::iter::once(first).chain(inner).collect();
            // Never end on whitespace: close with a URI character when the inside might.
            if let Some(last) = last.or_else(|| (text.trim_end().len() < text.len()).then_some('x'))
            {
                text.push(last);
            }
            text
        })
}

const DIGITS: &str = "0123456789";
const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URI_CHARS: &str = "ABCXYZabcdexyz0123456789._~:/?#@!$&'()*+,;=%<>\"-éß漢🦀";
/// XML name characters: a start that cannot begin `xml`, then letters, digits, `_`, `.`, `-`.
const NAME_START: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwyz_";
const NAME_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
/// Attribute names: never `xmlns` (nor any other `x...`).
const ATTR_START: &str = "abcdefghijklmnopqrstuvw";
const ATTR_CHARS: &str = "abcdefghijklmnopqrstuvwxyz0123456789_";

/// One character of `set`.
fn chars_of(set: &'static str) -> impl Strategy<Value = char> {
    select(set.chars().collect::<Vec<_>>())
}

/// A character of `first` followed by up to `max_rest` characters of `rest`.
fn word(first: &'static str, rest: &'static str, max_rest: usize) -> impl Strategy<Value = String> {
    (chars_of(first), vec(chars_of(rest), 0..=max_rest))
        .prop_map(|(c, rest)| std::iter::once(c).chain(rest).collect())
}

/// A URI that is guaranteed not to be one the specs define (custom vocabulary values).
fn custom_uri(prefix: &'static str) -> impl Strategy<Value = String> {
    uri().prop_map(move |tail| format!("{prefix}{tail}"))
}

/// A message id `version` accepts: decimal digits in 1.0 (leading zeros kept), digits or any
/// URI in 1.1.
pub fn message_id(version: Version) -> impl Strategy<Value = MessageId> {
    let digits = word(DIGITS, DIGITS, 19).boxed();
    let text = if is_v11(version) {
        prop_oneof![digits, uri()].boxed()
    } else {
        digits
    };
    text.prop_filter_map("message ids are non-empty", |id| MessageId::new(id).ok())
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A timestamp label: an `xs:dateTime` with a time zone (`Z` or an offset up to ±14:00), with
/// 0 to 6 fractional second digits (what `TimestampLabelType` allows), leap days, and the
/// `24:00:00` end-of-day form.
pub fn timestamp() -> impl Strategy<Value = Timestamp> {
    let date = (1u32..=9999, 1u32..=12, 0u32..31)
        .prop_map(|(y, m, d)| (y, m, 1 + d % days_in_month(y, m)));
    let time = prop_oneof![
        9 => (0u32..24, 0u32..60, 0u32..60, option::of(word(DIGITS, DIGITS, 5))),
        1 => Just((24, 0, 0, None)),
    ];
    let zone = prop_oneof![
        Just("Z".to_owned()),
        (any::<bool>(), 0u32..=14, 0u32..60).prop_map(|(minus, h, m)| {
            let m = if h == 14 { 0 } else { m };
            format!("{}{h:02}:{m:02}", if minus { '-' } else { '+' })
        }),
    ];
    (date, time, zone)
        .prop_map(|((y, mo, d), (h, mi, s, fraction), zone)| {
            let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}{zone}")
        })
        .prop_filter_map("valid xs:dateTime", |text| Timestamp::new(text).ok())
}

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

/// Namespace prefixes XML fragments use, with a URI each; some shadow the envelope's prefixes.
const PREFIXES: &[(&str, &str)] = &[
    ("stix", "http://stix.mitre.org/stix-1"),
    ("indicator", "http://stix.mitre.org/Indicator-2"),
    ("cybox", "http://cybox.mitre.org/cybox-2"),
    ("x", "urn:example:x"),
    ("taxii_11", "urn:example:shadows-the-envelope-prefix"),
    (
        "taxii",
        "http://taxii.mitre.org/messages/taxii_xml_binding-1",
    ),
    ("ds", "http://www.w3.org/2000/09/xmldsig#"),
];

/// A node of a generated XML fragment.
#[derive(Debug, Clone)]
enum Node {
    Element(Box<ElementNode>),
    Text(String),
    CData(String),
    Comment(String),
    Pi(String),
}

#[derive(Debug, Clone)]
struct ElementNode {
    /// Index into [`PREFIXES`]; `None` for an unprefixed name.
    prefix: Option<usize>,
    /// Declare the namespace even when an ancestor already did (or, unprefixed, declare a
    /// default namespace).
    declare: bool,
    local: String,
    attrs: BTreeMap<String, String>,
    lang: Option<&'static str>,
    children: Vec<Node>,
}

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn render(node: &Node, scope: &mut Vec<usize>, out: &mut String) {
    match node {
        Node::Text(text) => escape_into(out, text, false),
        Node::CData(text) => {
            out.push_str("<![CDATA[");
            out.push_str(text);
            out.push_str("]]>");
        }
        Node::Comment(text) => {
            out.push_str("<!--");
            out.push_str(text);
            out.push_str("-->");
        }
        Node::Pi(data) => {
            out.push_str("<?taxii-test ");
            out.push_str(data);
            out.push_str("?>");
        }
        Node::Element(e) => {
            let scope_len = scope.len();
            let declared = PREFIXES.get(e.prefix.unwrap_or(usize::MAX));
            out.push('<');
            if let Some((prefix, _)) = declared {
                out.push_str(prefix);
                out.push(':');
            }
            out.push_str(&e.local);
            match (e.prefix, declared) {
                (Some(index), Some((prefix, ns))) if e.declare || !scope.contains(&index) => {
                    out.push_str(&format!(" xmlns:{prefix}=\"{ns}\""));
                    scope.push(index);
                }
                (None, _) if e.declare => out.push_str(" xmlns=\"urn:example:default\""),
                _ => {}
            }
            for (name, value) in &e.attrs {
                out.push_str(&format!(" {name}=\""));
                escape_into(out, value, true);
                out.push('"');
            }
            if let Some(lang) = &e.lang {
                out.push_str(&format!(" xml:lang=\"{lang}\""));
            }
            if e.children.is_empty() {
                out.push_str("/>");
            } else {
                out.push('>');
                for child in &e.children {
                    render(child, scope, out);
                }
                out.push_str("</");
                if let Some((prefix, _)) = declared {
                    out.push_str(prefix);
                    out.push(':');
                }
                out.push_str(&e.local);
                out.push('>');
            }
            scope.truncate(scope_len);
        }
    }
}

fn element_node(children: BoxedStrategy<Vec<Node>>) -> impl Strategy<Value = Node> {
    // Attribute values have no `:`: a value that looks like a QName whose prefix the envelope
    // declares makes the reader carry that declaration into the fragment (by design).
    let attr_value = vec(
        xml_char().prop_filter("no QName-like values", |c| *c != ':'),
        0..8,
    )
    .prop_map(String::from_iter);
    (
        option::of(0..PREFIXES.len()),
        any::<bool>(),
        word(NAME_START, NAME_CHARS, 8),
        btree_map(word(ATTR_START, ATTR_CHARS, 5), attr_value, 0..3),
        option::of(select(vec!["en", "de", "fr-CA", "nl-NL", "ja"])),
        children,
    )
        .prop_map(|(prefix, declare, local, attrs, lang, children)| {
            Node::Element(Box::new(ElementNode {
                prefix,
                declare,
                local,
                attrs,
                lang,
                children,
            }))
        })
}

/// A fragment node: text, CDATA, a comment, a processing instruction or an element, which
/// nests at most `depth` more levels. Built once per strategy (unlike `prop_recursive`, which
/// rebuilds its strategies for every value), so generating stays cheap.
fn node(depth: u32) -> BoxedStrategy<Node> {
    let leaf = prop_oneof![
        4 => xml_text().prop_map(Node::Text),
        1 => xml_text().prop_map(|t| Node::CData(t.replace(']', ")"))),
        1 => xml_text().prop_map(|t| Node::Comment(t.replace('-', "_"))),
        1 => vec(chars_of("abcz019 =\""), 0..12).prop_map(|c| Node::Pi(String::from_iter(c))),
        2 => element_node(Just(Vec::new()).boxed()),
    ];
    match depth.checked_sub(1) {
        None => leaf.boxed(),
        Some(below) => prop_oneof![
            3 => leaf,
            1 => element_node(vec(node(below), 1..4).boxed()),
        ]
        .boxed(),
    }
}

/// A standalone XML fragment as [`Content::xml`] takes it: at least one element (possibly
/// nested, prefixed or not, with attributes, `xml:lang`, comments, CDATA sections and
/// processing instructions), optionally surrounded by text or comments. Every prefix it uses is
/// declared inside it, sometimes shadowing the envelope's own prefixes.
pub fn xml_fragment() -> impl Strategy<Value = String> {
    let around = || {
        vec(
            prop_oneof![
                3 => vec(chars_of(" \t\r\n"), 0..=3).prop_map(|c| Node::Text(String::from_iter(c))),
                1 => xml_text().prop_map(Node::Text),
                1 => xml_text().prop_map(|t| Node::Comment(t.replace('-', "_"))),
            ],
            0..2,
        )
    };
    let first = element_node(vec(node(FRAGMENT_DEPTH - 1), 0..4).boxed());
    (around(), first, vec(node(FRAGMENT_DEPTH), 0..3), around()).prop_map(
        |(before, first, rest, after)| {
            let mut out = String::new();
            let mut scope = Vec::new();
            for n in before.iter().chain([&first]).chain(&rest).chain(&after) {
                render(n, &mut scope, &mut out);
            }
            out
        },
    )
}

/// XML content: a standalone fragment from [`xml_fragment`].
pub fn xml_content() -> impl Strategy<Value = Content> {
    xml_fragment().prop_filter_map("a standalone fragment", |f| Content::xml(f).ok())
}

/// Text content (decoded text such as a JSON document): any [`xml_text`], including markup
/// characters that the writer escapes, `]]>` and CR.
pub fn text_content() -> impl Strategy<Value = Content> {
    xml_text().prop_map(Content::text)
}

/// Content of either kind, as `Content`, `Extended_Header`, `Detail` and signatures hold.
pub fn content() -> impl Strategy<Value = Content> {
    prop_oneof![text_content(), xml_content()]
}

/// An XML signature (the inside of `ds:Signature`): content of either kind.
pub fn signature() -> impl Strategy<Value = Signature> {
    content()
}

/// A content binding id: one of the named ones, or a custom URI.
pub fn content_binding_id() -> impl Strategy<Value = ContentBindingId> {
    prop_oneof![
        select(ContentBindingId::KNOWN),
        uri().prop_map(ContentBindingId::new),
    ]
}

/// A content binding that `version` can express, with at most `max_subtypes` subtypes in
/// TAXII 1.1 (1 for a content block's binding) and none in TAXII 1.0.
pub fn content_binding(
    version: Version,
    max_subtypes: usize,
) -> impl Strategy<Value = ContentBinding> {
    let max = if is_v11(version) { max_subtypes } else { 0 };
    (content_binding_id(), vec(uri(), 0..=max)).prop_map(|(binding_id, subtypes)| ContentBinding {
        binding_id,
        subtypes,
    })
}

fn content_bindings(version: Version) -> impl Strategy<Value = Vec<ContentBinding>> {
    vec(content_binding(version, MAX_ITEMS), 0..MAX_ITEMS)
}

/// A content block that `version` can express (a `Message` only in 1.1, at most one subtype).
pub fn content_block(version: Version) -> impl Strategy<Value = ContentBlock> {
    (
        content_binding(version, 1),
        content(),
        option::of(timestamp()),
        opt_11(version, xml_text()),
        option::of(xml_text()),
        option::of(signature()),
    )
        .prop_map(
            |(content_binding, content, timestamp_label, message, padding, signature)| {
                ContentBlock {
                    content_binding,
                    content,
                    timestamp_label,
                    message,
                    padding,
                    signature,
                }
            },
        )
}

fn content_blocks(version: Version) -> impl Strategy<Value = Vec<ContentBlock>> {
    vec(content_block(version), 0..MAX_ITEMS)
}

/// An extended header: a URI name and content of either kind.
pub fn extended_header() -> impl Strategy<Value = ExtendedHeader> {
    (uri(), content()).prop_map(|(name, value)| ExtendedHeader { name, value })
}

fn extended_headers() -> impl Strategy<Value = Vec<ExtendedHeader>> {
    vec(extended_header(), 0..MAX_ITEMS)
}

// ---------------------------------------------------------------------------------------------
// Vocabularies and service contacts
// ---------------------------------------------------------------------------------------------

/// A protocol binding: HTTP, HTTPS or a custom URI.
pub fn protocol_binding() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![urn::PROTOCOL_HTTP_1_0, urn::PROTOCOL_HTTPS_1_0]).prop_map(str::to_owned),
        uri(),
    ]
}

/// A message binding: one of the named ones or a custom URI.
pub fn message_binding() -> impl Strategy<Value = String> {
    const KNOWN: &[&str] = &[
        urn::MESSAGE_BINDING_XML_1_0,
        urn::MESSAGE_BINDING_XML_1_1,
        urn::MESSAGE_BINDING_CERT_EU_JSON_1_0,
    ];
    prop_oneof![select(KNOWN).prop_map(str::to_owned), uri()]
}

fn message_bindings() -> impl Strategy<Value = Vec<String>> {
    vec(message_binding(), 1..MAX_ITEMS)
}

/// A service contact (`Polling_Service`, `Subscription_Service`, `Poll_Instance`): at least one
/// message binding; the address is free text.
pub fn service_contact() -> impl Strategy<Value = ServiceContact> {
    (protocol_binding(), xml_text(), message_bindings()).prop_map(
        |(protocol_binding, address, message_bindings)| ServiceContact {
            protocol_binding,
            address,
            message_bindings,
        },
    )
}

fn service_contacts() -> impl Strategy<Value = Vec<ServiceContact>> {
    vec(service_contact(), 0..MAX_ITEMS)
}

/// Push parameters (`Push_Parameters`, `Delivery_Parameters`); content bindings only in 1.0.
pub fn push_parameters(version: Version) -> impl Strategy<Value = PushParameters> {
    let bindings = if is_v11(version) {
        Just(Vec::new()).boxed()
    } else {
        content_bindings(version).boxed()
    };
    (protocol_binding(), xml_text(), message_binding(), bindings).prop_map(
        |(protocol_binding, address, message_binding, content_bindings)| PushParameters {
            protocol_binding,
            address,
            message_binding,
            content_bindings,
        },
    )
}

/// A response type.
pub fn response_type() -> impl Strategy<Value = ResponseType> {
    select(vec![ResponseType::Full, ResponseType::CountOnly])
}

/// A record count, exact or partial.
pub fn record_count() -> impl Strategy<Value = RecordCount> {
    (any::<u64>(), any::<bool>()).prop_map(|(count, partial_count)| RecordCount {
        count,
        partial_count,
    })
}

fn part_number() -> impl Strategy<Value = NonZeroU64> {
    prop_oneof![1u64..10, any::<u64>()].prop_filter_map("positive", NonZeroU64::new)
}

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

/// A Default Query test: mostly the capability modules and relationships the spec defines
/// (not necessarily with the parameters they require; the codec carries any), sometimes custom.
pub fn test() -> impl Strategy<Value = Test> {
    use crate::message::query::relationship as r;
    const MODULES: &[&str] = &[
        urn::CAPABILITY_CORE_1_0,
        urn::CAPABILITY_REGEX_1_0,
        urn::CAPABILITY_TIMESTAMP_1_0,
    ];
    const RELATIONSHIPS: &[&str] = &[
        r::EQUALS,
        r::NOT_EQUALS,
        r::GREATER_THAN,
        r::LESS_THAN_OR_EQUAL,
        r::EXISTS,
        r::BEGINS_WITH,
        r::CONTAINS,
        r::MATCHES,
    ];
    const PARAMETERS: &[&str] = &[r::PARAM_VALUE, r::PARAM_MATCH_TYPE, r::PARAM_CASE_SENSITIVE];
    let parameter = (
        prop_oneof![3 => select(PARAMETERS).prop_map(str::to_owned), 1 => uri()],
        xml_text(),
    )
        .prop_map(|(name, value)| Parameter { name, value });
    (
        prop_oneof![3 => select(MODULES).prop_map(str::to_owned), 1 => uri()],
        prop_oneof![3 => select(RELATIONSHIPS).prop_map(str::to_owned), 1 => uri()],
        vec(parameter, 0..MAX_ITEMS),
    )
        .prop_map(|(capability_id, relationship, parameters)| Test {
            capability_id,
            relationship,
            parameters,
        })
}

/// A Default Query criterion: a target (free text) and a test, maybe negated.
pub fn criterion() -> impl Strategy<Value = Criterion> {
    (any::<bool>(), xml_text(), test()).prop_map(|(negate, target, test)| Criterion {
        negate,
        target,
        test,
    })
}

fn operator() -> impl Strategy<Value = Operator> {
    select(vec![Operator::And, Operator::Or])
}

/// Default Query criteria nested at most `depth` levels below the top, each with 1 to 3 items.
pub fn criteria(depth: u32) -> impl Strategy<Value = Criteria> {
    (operator(), vec(criteria_item(depth), 1..MAX_ITEMS))
        .prop_map(|(operator, items)| Criteria { operator, items })
}

/// A criterion, or (while `depth` allows) nested criteria.
fn criteria_item(depth: u32) -> BoxedStrategy<CriteriaItem> {
    let leaf = criterion().prop_map(CriteriaItem::Criterion);
    match depth.checked_sub(1) {
        None => leaf.boxed(),
        Some(below) => prop_oneof![
            2 => leaf,
            1 => criteria(below).prop_map(CriteriaItem::Criteria),
        ]
        .boxed(),
    }
}

/// A Default Query with criteria nested at most `depth` levels.
pub fn default_query(depth: u32) -> impl Strategy<Value = DefaultQuery> {
    (uri(), criteria(depth)).prop_map(|(targeting_expression_id, criteria)| DefaultQuery {
        targeting_expression_id,
        criteria,
    })
}

/// A query: a Default Query (with its format id) or another format (any other format id)
/// carried as content.
pub fn query() -> impl Strategy<Value = Query> {
    prop_oneof![
        default_query(QUERY_DEPTH).prop_map(Query::default_query),
        (custom_uri("urn:example:query:"), content()).prop_map(|(format_id, content)| Query {
            format_id,
            body: QueryBody::Other(content),
        }),
    ]
}

/// A `Targeting_Expression_Info`.
pub fn targeting_expression_info() -> impl Strategy<Value = TargetingExpressionInfo> {
    (
        option::of(uri()),
        vec(xml_text(), 0..MAX_ITEMS),
        vec(xml_text(), 0..MAX_ITEMS),
    )
        .prop_map(
            |(targeting_expression_id, preferred_scopes, allowed_scopes)| TargetingExpressionInfo {
                targeting_expression_id,
                preferred_scopes,
                allowed_scopes,
            },
        )
}

/// A `Default_Query_Info`: at least one targeting expression info and one capability module.
pub fn default_query_info() -> impl Strategy<Value = DefaultQueryInfo> {
    let module = prop_oneof![
        select(vec![
            urn::CAPABILITY_CORE_1_0,
            urn::CAPABILITY_REGEX_1_0,
            urn::CAPABILITY_TIMESTAMP_1_0,
        ])
        .prop_map(str::to_owned),
        uri(),
    ];
    (
        vec(targeting_expression_info(), 1..MAX_ITEMS),
        vec(module, 1..MAX_ITEMS),
    )
        .prop_map(
            |(targeting_expression_infos, capability_modules)| DefaultQueryInfo {
                targeting_expression_infos,
                capability_modules,
            },
        )
}

/// A `Supported_Query` (1.1): Default Query support, or another format carried as content.
pub fn supported_query() -> impl Strategy<Value = SupportedQuery> {
    prop_oneof![
        default_query_info().prop_map(SupportedQuery::default_query),
        (custom_uri("urn:example:query:"), content()).prop_map(|(format_id, content)| {
            SupportedQuery {
                format_id,
                info: QueryInfo::Other(content),
            }
        }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/// A status type `version` can express: a named one (1.0 only has some) or a custom URI.
pub fn status_type(version: Version) -> impl Strategy<Value = StatusType> {
    let known = if is_v11(version) {
        StatusType::KNOWN
    } else {
        StatusType::TAXII_1_0
    };
    prop_oneof![
        3 => select(known),
        1 => custom_uri("urn:example:status:").prop_map(StatusType::new),
    ]
}

/// A 1.1 status detail. Details whose name has a type (`ESTIMATED_WAIT`, `MAX_PART_NUMBER`,
/// `WILL_PUSH`) get a value of that type, as the reader checks; others get any content.
pub fn detail() -> impl Strategy<Value = Detail> {
    use crate::message::status::detail_name as n;
    const NAMES: &[&str] = &[
        n::ACCEPTABLE_DESTINATION,
        n::ITEM,
        n::RESULT_ID,
        n::SUPPORTED_BINDING,
        n::SUPPORTED_CONTENT,
        n::SUPPORTED_PROTOCOL,
        n::SUPPORTED_QUERY,
        n::CAPABILITY_MODULE,
        n::PREFERRED_SCOPE,
        n::ALLOWED_SCOPE,
        n::TARGETING_EXPRESSION_ID,
    ];
    let padded = |value: String, pad: bool| if pad { format!(" {value}\n") } else { value };
    prop_oneof![
        3 => (
            prop_oneof![select(NAMES).prop_map(str::to_owned), custom_uri("x-")],
            content(),
        )
            .prop_map(|(name, value)| Detail { name, value }),
        1 => (
            select(vec![n::ESTIMATED_WAIT, n::MAX_PART_NUMBER]),
            any::<u64>(),
            any::<bool>(),
        )
            .prop_map(move |(name, value, pad)| Detail::text(name, padded(value.to_string(), pad))),
        1 => (select(vec!["true", "false", "1", "0"]), any::<bool>())
            .prop_map(move |(value, pad)| Detail::text(n::WILL_PUSH, padded(value.to_owned(), pad))),
    ]
}

/// A status detail `version` can express: structured details (at least one) in 1.1, text in
/// 1.0.
pub fn status_detail(version: Version) -> impl Strategy<Value = StatusDetail> {
    if is_v11(version) {
        vec(detail(), 1..=MAX_ITEMS)
            .prop_map(StatusDetail::Details)
            .boxed()
    } else {
        xml_text().prop_map(StatusDetail::Text).boxed()
    }
}

/// A `Status_Message` that `version` can express.
pub fn status_message(version: Version) -> impl Strategy<Value = StatusMessage> {
    (
        message_id(version),
        message_id(version),
        extended_headers(),
        status_type(version),
        option::of(status_detail(version)),
        option::of(xml_text()),
        option::of(signature()),
    )
        .prop_map(
            |(
                message_id,
                in_response_to,
                extended_headers,
                status_type,
                status_detail,
                message,
                signature,
            )| StatusMessage {
                message_id,
                in_response_to,
                extended_headers,
                status_type,
                status_detail,
                message,
                signature,
            },
        )
}

/// A `Discovery_Request`.
pub fn discovery_request(version: Version) -> impl Strategy<Value = DiscoveryRequest> {
    (
        message_id(version),
        extended_headers(),
        option::of(signature()),
    )
        .prop_map(
            |(message_id, extended_headers, signature)| DiscoveryRequest {
                message_id,
                extended_headers,
                signature,
            },
        )
}

/// A `Service_Instance` that `version` can express (supported queries only in 1.1).
pub fn service_instance(version: Version) -> impl Strategy<Value = ServiceInstance> {
    let service_type = select(vec![
        ServiceType::Discovery,
        ServiceType::CollectionManagement,
        ServiceType::Inbox,
        ServiceType::Poll,
    ]);
    let service_version = prop_oneof![
        select(vec![urn::SERVICES_1_0, urn::SERVICES_1_1]).prop_map(str::to_owned),
        uri(),
    ];
    (
        service_type,
        service_version,
        option::of(any::<bool>()),
        protocol_binding(),
        xml_text(),
        message_bindings(),
        vec_11(version, supported_query()),
        content_bindings(version),
        option::of(xml_text()),
    )
        .prop_map(
            |(
                service_type,
                service_version,
                available,
                protocol_binding,
                address,
                message_bindings,
                supported_queries,
                content_bindings,
                message,
            )| ServiceInstance {
                service_type,
                service_version,
                available,
                protocol_binding,
                address,
                message_bindings,
                supported_queries,
                content_bindings,
                message,
            },
        )
}

/// A `Discovery_Response` that `version` can express.
pub fn discovery_response(version: Version) -> impl Strategy<Value = DiscoveryResponse> {
    (
        message_id(version),
        message_id(version),
        extended_headers(),
        vec(service_instance(version), 0..MAX_ITEMS),
        option::of(signature()),
    )
        .prop_map(
            |(message_id, in_response_to, extended_headers, service_instances, signature)| {
                DiscoveryResponse {
                    message_id,
                    in_response_to,
                    extended_headers,
                    service_instances,
                    signature,
                }
            },
        )
}

/// A `Collection_Information_Request` / `Feed_Information_Request`.
pub fn collection_information_request(
    version: Version,
) -> impl Strategy<Value = CollectionInformationRequest> {
    (
        message_id(version),
        extended_headers(),
        option::of(signature()),
    )
        .prop_map(
            |(message_id, extended_headers, signature)| CollectionInformationRequest {
                message_id,
                extended_headers,
                signature,
            },
        )
}

/// A `Push_Method`: a protocol binding and at least one message binding.
pub fn push_method() -> impl Strategy<Value = PushMethod> {
    (protocol_binding(), message_bindings()).prop_map(|(protocol_binding, message_bindings)| {
        PushMethod {
            protocol_binding,
            message_bindings,
        }
    })
}

/// A `Collection` (1.1) or `Feed` (1.0) record that `version` can express: a 1.0 feed has no
/// type, volume or receiving inboxes, at least one content binding, and a push method or a
/// polling service.
pub fn collection_record(version: Version) -> impl Strategy<Value = CollectionRecord> {
    let inbox =
        (service_contact(), content_bindings(version)).prop_map(|(contact, content_bindings)| {
            InboxService {
                contact,
                content_bindings,
            }
        });
    let collection_type = select(vec![CollectionType::DataFeed, CollectionType::DataSet]);
    let (bindings, delivery) = if is_v11(version) {
        (
            content_bindings(version).boxed(),
            (vec(push_method(), 0..MAX_ITEMS), service_contacts()).boxed(),
        )
    } else {
        (
            vec(content_binding(version, 0), 1..MAX_ITEMS).boxed(),
            prop_oneof![
                (vec(push_method(), 1..MAX_ITEMS), service_contacts()),
                (
                    vec(push_method(), 0..MAX_ITEMS),
                    vec(service_contact(), 1..MAX_ITEMS)
                ),
            ]
            .boxed(),
        )
    };
    (
        uri(),
        opt_11(version, collection_type),
        option::of(any::<bool>()),
        xml_text(),
        opt_11(version, any::<u64>()),
        bindings,
        delivery,
        service_contacts(),
        vec_11(version, inbox),
    )
        .prop_map(
            |(
                collection_name,
                collection_type,
                available,
                description,
                collection_volume,
                content_bindings,
                (push_methods, polling_services),
                subscription_services,
                receiving_inbox_services,
            )| CollectionRecord {
                collection_name,
                collection_type,
                available,
                description,
                collection_volume,
                content_bindings,
                push_methods,
                polling_services,
                subscription_services,
                receiving_inbox_services,
            },
        )
}

/// A `Collection_Information_Response` / `Feed_Information_Response` that `version` can express.
pub fn collection_information_response(
    version: Version,
) -> impl Strategy<Value = CollectionInformationResponse> {
    (
        message_id(version),
        message_id(version),
        extended_headers(),
        vec(collection_record(version), 0..MAX_ITEMS),
        option::of(signature()),
    )
        .prop_map(
            |(message_id, in_response_to, extended_headers, collections, signature)| {
                CollectionInformationResponse {
                    message_id,
                    in_response_to,
                    extended_headers,
                    collections,
                    signature,
                }
            },
        )
}

/// `Subscription_Parameters` (1.1).
pub fn subscription_parameters() -> impl Strategy<Value = SubscriptionParameters> {
    (
        response_type(),
        content_bindings(Version::V1_1),
        option::of(query()),
    )
        .prop_map(
            |(response_type, content_bindings, query)| SubscriptionParameters {
                response_type,
                content_bindings,
                query,
            },
        )
}

/// A `Subscription_Management_Request` that `version` can express (PAUSE, RESUME and
/// subscription parameters only in 1.1).
pub fn subscription_management_request(
    version: Version,
) -> impl Strategy<Value = SubscriptionManagementRequest> {
    use SubscriptionAction::*;
    let actions: &'static [SubscriptionAction] = if is_v11(version) {
        &[Subscribe, Unsubscribe, Pause, Resume, Status]
    } else {
        &[Subscribe, Unsubscribe, Status]
    };
    (
        message_id(version),
        extended_headers(),
        select(actions),
        uri(),
        option::of(uri()),
        opt_11(version, subscription_parameters()),
        option::of(push_parameters(version)),
        option::of(signature()),
    )
        .prop_map(
            |(
                message_id,
                extended_headers,
                action,
                collection_name,
                subscription_id,
                subscription_parameters,
                push_parameters,
                signature,
            )| SubscriptionManagementRequest {
                message_id,
                extended_headers,
                action,
                collection_name,
                subscription_id,
                subscription_parameters,
                push_parameters,
                signature,
            },
        )
}

/// A `Subscription` record that `version` can express (status and parameters only in 1.1).
pub fn subscription_record(version: Version) -> impl Strategy<Value = SubscriptionRecord> {
    let status = select(vec![
        SubscriptionStatus::Active,
        SubscriptionStatus::Paused,
        SubscriptionStatus::Unsubscribed,
    ]);
    (
        uri(),
        opt_11(version, status),
        opt_11(version, subscription_parameters()),
        option::of(push_parameters(version)),
        service_contacts(),
    )
        .prop_map(
            |(
                subscription_id,
                status,
                subscription_parameters,
                push_parameters,
                poll_instances,
            )| {
                SubscriptionRecord {
                    subscription_id,
                    status,
                    subscription_parameters,
                    push_parameters,
                    poll_instances,
                }
            },
        )
}

/// A `Subscription_Management_Response` that `version` can express.
pub fn subscription_management_response(
    version: Version,
) -> impl Strategy<Value = SubscriptionManagementResponse> {
    (
        message_id(version),
        message_id(version),
        extended_headers(),
        uri(),
        option::of(xml_text()),
        vec(subscription_record(version), 0..MAX_ITEMS),
        option::of(signature()),
    )
        .prop_map(
            |(
                message_id,
                in_response_to,
                extended_headers,
                collection_name,
                message,
                subscriptions,
                signature,
            )| SubscriptionManagementResponse {
                message_id,
                in_response_to,
                extended_headers,
                collection_name,
                message,
                subscriptions,
                signature,
            },
        )
}

/// `Poll_Parameters` (1.1).
pub fn poll_parameters() -> impl Strategy<Value = PollParameters> {
    (
        any::<bool>(),
        response_type(),
        content_bindings(Version::V1_1),
        option::of(query()),
        option::of(push_parameters(Version::V1_1)),
    )
        .prop_map(
            |(allow_asynch, response_type, content_bindings, query, delivery_parameters)| {
                PollParameters {
                    allow_asynch,
                    response_type,
                    content_bindings,
                    query,
                    delivery_parameters,
                }
            },
        )
}

/// A `Poll_Request` that `version` can express: in 1.1 exactly one of a subscription id and
/// poll parameters; in 1.0 an optional subscription id and content bindings.
pub fn poll_request(version: Version) -> impl Strategy<Value = PollRequest> {
    type Selection = (Option<String>, Option<PollParameters>, Vec<ContentBinding>);
    let selection: BoxedStrategy<Selection> = if is_v11(version) {
        prop_oneof![
            uri().prop_map(|id| (Some(id), None, Vec::new())),
            poll_parameters().prop_map(|p| (None, Some(p), Vec::new())),
        ]
        .boxed()
    } else {
        (option::of(uri()), content_bindings(version))
            .prop_map(|(id, bindings)| (id, None, bindings))
            .boxed()
    };
    (
        message_id(version),
        extended_headers(),
        uri(),
        option::of(timestamp()),
        option::of(timestamp()),
        selection,
        option::of(signature()),
    )
        .prop_map(
            |(
                message_id,
                extended_headers,
                collection_name,
                exclusive_begin_timestamp_label,
                inclusive_end_timestamp_label,
                (subscription_id, poll_parameters, content_bindings),
                signature,
            )| PollRequest {
                message_id,
                extended_headers,
                collection_name,
                exclusive_begin_timestamp_label,
                inclusive_end_timestamp_label,
                subscription_id,
                poll_parameters,
                content_bindings,
                signature,
            },
        )
}

/// The fields of a poll response that differ between the versions.
type PollPart = (
    bool,
    Option<String>,
    Option<NonZeroU64>,
    Option<Timestamp>,
    Option<Timestamp>,
    Option<Timestamp>,
    Option<RecordCount>,
);

/// A `Poll_Response` that `version` can express: in 1.1 `more`, a result id and part number,
/// an exclusive begin and a record count; in 1.0 an inclusive begin and the required inclusive
/// end.
pub fn poll_response(version: Version) -> impl Strategy<Value = PollResponse> {
    let part: BoxedStrategy<PollPart> = if is_v11(version) {
        (
            any::<bool>(),
            option::of(uri()),
            option::of(part_number()),
            option::of(timestamp()),
            option::of(timestamp()),
            option::of(record_count()),
        )
            .prop_map(|(more, result_id, part, begin, end, count)| {
                (more, result_id, part, begin, None, end, count)
            })
            .boxed()
    } else {
        (option::of(timestamp()), timestamp())
            .prop_map(|(begin, end)| (false, None, None, None, begin, Some(end), None))
            .boxed()
    };
    (
        (
            message_id(version),
            message_id(version),
            extended_headers(),
            uri(),
        ),
        part,
        option::of(uri()),
        option::of(xml_text()),
        content_blocks(version),
        option::of(signature()),
    )
        .prop_map(
            |(
                (message_id, in_response_to, extended_headers, collection_name),
                (
                    more,
                    result_id,
                    result_part_number,
                    exclusive_begin_timestamp_label,
                    inclusive_begin_timestamp_label,
                    inclusive_end_timestamp_label,
                    record_count,
                ),
                subscription_id,
                message,
                content_blocks,
                signature,
            )| PollResponse {
                message_id,
                in_response_to,
                extended_headers,
                collection_name,
                more,
                result_id,
                result_part_number,
                subscription_id,
                exclusive_begin_timestamp_label,
                inclusive_begin_timestamp_label,
                inclusive_end_timestamp_label,
                record_count,
                message,
                content_blocks,
                signature,
            },
        )
}

/// A `Poll_Fulfillment` (TAXII 1.1 only).
pub fn poll_fulfillment_request() -> impl Strategy<Value = PollFulfillmentRequest> {
    (
        message_id(Version::V1_1),
        extended_headers(),
        uri(),
        uri(),
        option::of(part_number()),
        option::of(signature()),
    )
        .prop_map(
            |(
                message_id,
                extended_headers,
                collection_name,
                result_id,
                result_part_number,
                signature,
            )| PollFulfillmentRequest {
                message_id,
                extended_headers,
                collection_name,
                result_id,
                result_part_number,
                signature,
            },
        )
}

/// A `Source_Subscription` that `version` can express: 1.1 needs a subscription id and has an
/// exclusive begin; 1.0 has an inclusive begin and needs the inclusive end.
pub fn source_subscription(version: Version) -> impl Strategy<Value = SourceSubscription> {
    type Window = (
        Option<String>,
        Option<Timestamp>,
        Option<Timestamp>,
        Option<Timestamp>,
    );
    let window: BoxedStrategy<Window> = if is_v11(version) {
        (uri(), option::of(timestamp()), option::of(timestamp()))
            .prop_map(|(id, begin, end)| (Some(id), begin, None, end))
            .boxed()
    } else {
        (option::of(uri()), option::of(timestamp()), timestamp())
            .prop_map(|(id, begin, end)| (id, None, begin, Some(end)))
            .boxed()
    };
    (uri(), window).prop_map(
        |(
            collection_name,
            (
                subscription_id,
                exclusive_begin_timestamp_label,
                inclusive_begin_timestamp_label,
                inclusive_end_timestamp_label,
            ),
        )| SourceSubscription {
            collection_name,
            subscription_id,
            exclusive_begin_timestamp_label,
            inclusive_begin_timestamp_label,
            inclusive_end_timestamp_label,
        },
    )
}

/// An `Inbox_Message` that `version` can express (destinations, result id and record count
/// only in 1.1).
pub fn inbox_message(version: Version) -> impl Strategy<Value = InboxMessage> {
    (
        message_id(version),
        extended_headers(),
        vec_11(version, uri()),
        option::of(xml_text()),
        option::of(source_subscription(version)),
        opt_11(version, uri()),
        opt_11(version, record_count()),
        content_blocks(version),
        option::of(signature()),
    )
        .prop_map(
            |(
                message_id,
                extended_headers,
                destination_collection_names,
                message,
                source_subscription,
                result_id,
                record_count,
                content_blocks,
                signature,
            )| InboxMessage {
                message_id,
                extended_headers,
                destination_collection_names,
                message,
                source_subscription,
                result_id,
                record_count,
                content_blocks,
                signature,
            },
        )
}

/// Any message that `version` can express, every message kind equally likely (no
/// `Poll_Fulfillment` in TAXII 1.0).
pub fn message(version: Version) -> impl Strategy<Value = Message> {
    let mut kinds: Vec<BoxedStrategy<Message>> = vec![
        status_message(version).prop_map(Message::from).boxed(),
        discovery_request(version).prop_map(Message::from).boxed(),
        discovery_response(version).prop_map(Message::from).boxed(),
        collection_information_request(version)
            .prop_map(Message::from)
            .boxed(),
        collection_information_response(version)
            .prop_map(Message::from)
            .boxed(),
        subscription_management_request(version)
            .prop_map(Message::from)
            .boxed(),
        subscription_management_response(version)
            .prop_map(Message::from)
            .boxed(),
        poll_request(version).prop_map(Message::from).boxed(),
        poll_response(version).prop_map(Message::from).boxed(),
        inbox_message(version).prop_map(Message::from).boxed(),
    ];
    if is_v11(version) {
        kinds.push(poll_fulfillment_request().prop_map(Message::from).boxed());
    }
    Union::new(kinds)
}

/// A version and a message it can express.
pub fn versioned_message() -> impl Strategy<Value = (Version, Message)> {
    prop_oneof![
        message(Version::V1_0).prop_map(|m| (Version::V1_0, m)),
        message(Version::V1_1).prop_map(|m| (Version::V1_1, m)),
    ]
}
