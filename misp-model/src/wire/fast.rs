//! The fast first pass: reads the usual documents (`{"Event": …}` and a bare event) straight from
//! the UTF-8-checked text into the model with a small scanner, without serde's per-token
//! machinery.
//!
//! It handles only what it can do quickly and certainly right: anything else (other document
//! forms, negative or fractional numbers in typed fields, lone surrogates, deep nesting, …) and
//! anything wrong makes it give up with [`Bail`]. The caller then reads the input again with the
//! serde-based reader ([`crate::stream`]), which accepts every form and gives the typed error with
//! its JSON path. So a document either comes out of this pass exactly as the full reader would
//! build it, or this pass changes nothing but the time taken (tests compare both readers).

use std::borrow::Cow;

use serde_json::Value;

use crate::stream::FieldOut;
use crate::wire::{Absent, JsonPath, RequiredText, Scalar, WireValue};

/// The fast pass gave up: the full reader reads the input instead.
#[derive(Debug)]
pub(crate) struct Bail;

/// The result of a fast-pass step.
pub(crate) type Fast<T> = Result<T, Bail>;

/// Deepest nesting the fast pass follows. Well below serde_json's recursion limit (128), so
/// deeper input is always left to the full reader, which decides on it.
const MAX_DEPTH: usize = 64;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Bit 7 of each byte of `word` that is `"`, `\` or a control character (below 0x20); exact for
/// the lowest flagged byte (a borrow only runs past a flagged byte), which is all the scan uses.
fn specials(word: u64) -> u64 {
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    control | quote | backslash
}

/// The index of the first `"`, `\` or control character at or after `from` (`bytes.len()` when
/// there is none), eight bytes at a time.
fn find_special(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at.saturating_add(8)) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let mask = specials(u64::from_le_bytes(word));
        if mask != 0 {
            // `trailing_zeros` of a non-zero u64 is below 64: the byte offset is below 8.
            return at + (mask.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            return at;
        }
        at += 1;
    }
    at
}

/// Where the reader stands inside one object: before its first key or after an entry.
pub(crate) struct Keys {
    first: bool,
}

/// What [`Reader::next_key_hinted`] found.
pub(crate) enum KeyRead<'a> {
    /// The object ended.
    End,
    /// The key is the hint.
    Hinted,
    /// Another key.
    Key(Cow<'a, str>),
}

/// A cursor over the document text.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte after JSON whitespace, not consumed.
    fn peek(&mut self) -> Fast<u8> {
        let bytes = self.bytes();
        loop {
            match bytes.get(self.pos) {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                Some(&byte) => return Ok(byte),
                None => return Err(Bail),
            }
        }
    }

    /// Consumes `literal` at the current position (whitespace already skipped).
    fn literal(&mut self, literal: &[u8]) -> Fast<()> {
        let end = self.pos.saturating_add(literal.len());
        if self.bytes().get(self.pos..end) == Some(literal) {
            self.pos = end;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Consumes `null` if it comes next; `false` (nothing consumed) otherwise.
    fn null(&mut self) -> Fast<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Only whitespace is left.
    pub(crate) fn end(&mut self) -> Fast<()> {
        match self.peek() {
            Err(Bail) => Ok(()),
            Ok(_) => Err(Bail),
        }
    }

    fn enter(&mut self) -> Fast<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(Bail)
        } else {
            Ok(())
        }
    }

    /// Consumes the `{` that opens an object.
    pub(crate) fn begin_object(&mut self) -> Fast<Keys> {
        if self.peek()? != b'{' {
            return Err(Bail);
        }
        self.pos += 1;
        self.enter()?;
        Ok(Keys { first: true })
    }

    /// The next key of the object (its `:` consumed), or `None` after its closing `}`.
    pub(crate) fn next_key(&mut self, keys: &mut Keys) -> Fast<Option<Cow<'a, str>>> {
        match self.next_key_hinted(keys, |_| false)? {
            KeyRead::End => Ok(None),
            KeyRead::Hinted => Err(Bail),
            KeyRead::Key(key) => Ok(Some(key)),
        }
    }

    /// Like [`Self::next_key`], comparing the input with the key `hint` tries first (the one
    /// expected next in MISP's order): a match is reported without scanning or copying the key.
    /// `hint` gets the reader and answers whether it took the key (see [`Self::take_key`]).
    pub(crate) fn next_key_hinted(
        &mut self,
        keys: &mut Keys,
        hint: impl FnOnce(&mut Self) -> bool,
    ) -> Fast<KeyRead<'a>> {
        let byte = self.peek()?;
        if byte == b'}' {
            self.pos += 1;
            self.depth = self.depth.saturating_sub(1);
            return Ok(KeyRead::End);
        }
        if keys.first {
            keys.first = false;
        } else if byte == b',' {
            self.pos += 1;
        } else {
            return Err(Bail);
        }
        if self.peek()? != b'"' {
            return Err(Bail);
        }
        let read = if hint(self) {
            KeyRead::Hinted
        } else {
            KeyRead::Key(self.string()?)
        };
        if self.peek()? != b':' {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(read)
    }

    /// Takes the key `key` if the input (standing on a key's opening quote) holds exactly it.
    /// Inlined so the comparison is against a constant (a few word compares, no `memcmp`).
    #[inline(always)]
    #[allow(
        clippy::inline_always,
        reason = "the point is a compare of constant length"
    )]
    pub(crate) fn take_key(&mut self, key: &'static str) -> bool {
        let start = self.pos + 1;
        let end = start + key.len();
        let found = self.bytes().get(start..end) == Some(key.as_bytes())
            && self.bytes().get(end) == Some(&b'"');
        if found {
            self.pos = end + 1;
        }
        found
    }

    /// A string (the reader stands on its opening quote): borrowed unless it has escapes.
    fn string(&mut self) -> Fast<Cow<'a, str>> {
        let bytes = self.bytes();
        let start = self.pos + 1;
        let stop = find_special(bytes, start);
        match bytes.get(stop) {
            Some(b'"') => {
                let text = self.text.get(start..stop).ok_or(Bail)?;
                self.pos = stop + 1;
                Ok(Cow::Borrowed(text))
            }
            Some(b'\\') => self.escaped_string(start, stop).map(Cow::Owned),
            _ => Err(Bail),
        }
    }

    /// The rest of a string with escapes: `plain` is where its text starts, `at` its first `\`.
    fn escaped_string(&mut self, plain: usize, mut at: usize) -> Fast<String> {
        let bytes = self.bytes();
        let mut out = String::new();
        let mut from = plain;
        loop {
            out.push_str(self.text.get(from..at).ok_or(Bail)?);
            match bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let escape = bytes.get(at + 1).ok_or(Bail)?;
                    at += 2;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let mut code = self.hex4(at)?;
                            at += 4;
                            if (0xD800..0xDC00).contains(&code) {
                                // A surrogate pair: `\uD8xx\uDCxx`; a lone half is left to
                                // the full reader (an error there).
                                if self.bytes().get(at..at + 2) != Some(b"\\u") {
                                    return Err(Bail);
                                }
                                let low = self.hex4(at + 2)?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(Bail);
                                }
                                code = 0x1_0000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                at += 6;
                            }
                            out.push(char::from_u32(code).ok_or(Bail)?);
                        }
                        _ => return Err(Bail),
                    }
                    from = at;
                    at = find_special(bytes, at);
                }
                _ => return Err(Bail),
            }
        }
    }

    /// The four hex digits of a `\u` escape at `at`.
    fn hex4(&self, at: usize) -> Fast<u32> {
        let hex = self.text.get(at..at + 4).ok_or(Bail)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Bail);
        }
        u32::from_str_radix(hex, 16).map_err(|_| Bail)
    }

    /// A plain non-negative integer (digits only, no leading zero, within `u64`, ending before a
    /// delimiter); `None` with nothing consumed for any other number.
    fn plain_uint(&mut self) -> Option<u64> {
        let bytes = self.bytes();
        let start = self.pos;
        let mut end = start;
        let mut value: Option<u64> = Some(0);
        while let Some(&byte) = bytes.get(end) {
            if !byte.is_ascii_digit() {
                break;
            }
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(u64::from(byte - b'0')));
            end += 1;
        }
        let leading_zero = bytes.get(start) == Some(&b'0') && end > start + 1;
        let plain = end > start
            && !leading_zero
            && matches!(
                bytes.get(end),
                None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            );
        match value {
            Some(value) if plain => {
                self.pos = end;
                Some(value)
            }
            // Beyond `u64` (serde_json reads a float) or not plain: not consumed.
            _ => None,
        }
    }

    /// One scalar (string, plain non-negative integer or boolean) handed to `read`.
    pub(crate) fn scalar<T>(&mut self, read: impl FnOnce(Scalar<'_>) -> Fast<T>) -> Fast<T> {
        match self.peek()? {
            b'"' => {
                let text = self.string()?;
                read(Scalar::Str(&text))
            }
            b't' => {
                self.literal(b"true")?;
                read(Scalar::Bool(true))
            }
            b'f' => {
                self.literal(b"false")?;
                read(Scalar::Bool(false))
            }
            b'0'..=b'9' => match self.plain_uint() {
                Some(value) => read(Scalar::U64(value)),
                None => Err(Bail),
            },
            _ => Err(Bail),
        }
    }

    /// A string value, owned.
    pub(crate) fn owned_string(&mut self) -> Fast<String> {
        if self.peek()? != b'"' {
            return Err(Bail);
        }
        self.string().map(Cow::into_owned)
    }

    /// Any JSON value, as serde_json reads it into a `Value` (for `extra`).
    pub(crate) fn value(&mut self) -> Fast<Value> {
        match self.peek()? {
            b'"' => return self.string().map(|s| Value::String(s.into_owned())),
            b'n' => return self.literal(b"null").map(|()| Value::Null),
            b't' => return self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => return self.literal(b"false").map(|()| Value::Bool(false)),
            b'0'..=b'9' => {
                if let Some(value) = self.plain_uint() {
                    return Ok(Value::from(value));
                }
            }
            _ => {}
        }
        let raw = self.raw_value()?;
        serde_json::from_str(raw).map_err(|_| Bail)
    }

    /// The text of the next value (not checked beyond its extent: serde_json checks it).
    fn raw_value(&mut self) -> Fast<&'a str> {
        let bytes = self.bytes();
        self.peek()?;
        let start = self.pos;
        let mut at = start;
        let mut depth = 0usize;
        loop {
            let byte = *bytes.get(at).ok_or(Bail)?;
            match byte {
                b'"' => {
                    // Skip the string, escapes included.
                    at += 1;
                    loop {
                        at = find_special(bytes, at);
                        match bytes.get(at) {
                            Some(b'"') => break,
                            Some(b'\\') => at += 2,
                            _ => return Err(Bail),
                        }
                    }
                    at += 1;
                }
                b'{' | b'[' => {
                    depth += 1;
                    if self.depth + depth > MAX_DEPTH {
                        return Err(Bail);
                    }
                    at += 1;
                }
                b'}' | b']' => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    at += 1;
                }
                b',' | b' ' | b'\n' | b'\r' | b'\t' if depth == 0 => break,
                _ => at += 1,
            }
            if depth == 0 && matches!(byte, b'"' | b'}' | b']') {
                break;
            }
        }
        let raw = self.text.get(start..at).ok_or(Bail)?;
        self.pos = at;
        Ok(raw)
    }

    /// The elements of an array field: `null` and `[]` are markers.
    pub(crate) fn list<T: WireValue>(&mut self) -> Fast<FieldOut<Vec<T>>> {
        match self.peek()? {
            b'n' => {
                self.literal(b"null")?;
                return Ok(FieldOut::Marker(Absent::Null));
            }
            b'[' => self.pos += 1,
            _ => return Err(Bail),
        }
        self.enter()?;
        if self.peek()? == b']' {
            self.pos += 1;
            self.depth -= 1;
            return Ok(FieldOut::Marker(Absent::EmptyList));
        }
        let mut items = Vec::new();
        loop {
            items.push(T::fast_read(self)?);
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(FieldOut::Present(items));
                }
                _ => return Err(Bail),
            }
        }
    }
}

/// The fast read of a scalar through its [`WireValue::from_scalar`] (any error: [`Bail`]).
pub(crate) fn scalar<T: WireValue>(reader: &mut Reader<'_>) -> Fast<T> {
    reader.scalar(|scalar| T::from_scalar(scalar, &JsonPath::Root).map_err(|_| Bail))
}

/// Reads one typed field in the fast pass: `null` (and `[]` for lists) is the absent marker.
pub(crate) trait FastField: Sized {
    /// Reads the field's value.
    fn fast_field(reader: &mut Reader<'_>) -> Fast<FieldOut<Self>>;
}

impl<T: WireValue> FastField for Option<T> {
    fn fast_field(reader: &mut Reader<'_>) -> Fast<FieldOut<Self>> {
        if reader.null()? {
            Ok(FieldOut::Marker(Absent::Null))
        } else {
            T::fast_read(reader).map(|value| FieldOut::Present(Some(value)))
        }
    }
}

impl<T: RequiredText> FastField for T {
    fn fast_field(reader: &mut Reader<'_>) -> Fast<FieldOut<Self>> {
        if reader.null()? {
            Ok(FieldOut::Marker(Absent::Null))
        } else {
            T::fast_read(reader).map(FieldOut::Present)
        }
    }
}

impl<T: WireValue> FastField for Vec<T> {
    fn fast_field(reader: &mut Reader<'_>) -> Fast<FieldOut<Self>> {
        reader.list()
    }
}

impl<T: FastField + crate::rare::RareValue> FastField for crate::rare::Rare<T> {
    #[inline]
    fn fast_field(reader: &mut Reader<'_>) -> Fast<FieldOut<Self>> {
        T::fast_field(reader).map(|read| read.map(Self::from))
    }
}

/// A wire struct read in the fast pass (generated by `wire_struct!`).
pub(crate) trait FastStruct: Sized {
    /// Reads the entries of an object whose `{` (and possibly first key, `first`) was consumed.
    fn fast_entries<'a>(
        reader: &mut Reader<'a>,
        keys: Keys,
        first: Option<Cow<'a, str>>,
    ) -> Fast<Self>;
}

/// Reads a whole document in the fast pass; `None` when the full reader has to read it.
pub(crate) fn read_document(text: &str) -> Option<crate::Document> {
    let mut reader = Reader::new(text);
    let document = document(&mut reader);
    let document = document.ok()?;
    reader.end().ok()?;
    Some(document)
}

fn document(reader: &mut Reader<'_>) -> Fast<crate::Document> {
    let mut keys = reader.begin_object()?;
    match reader.next_key(&mut keys)? {
        Some(key) if key == "Event" => {
            let event = <crate::Event as WireValue>::fast_read(reader)?;
            match reader.next_key(&mut keys)? {
                None => Ok(crate::Document::Event(Box::new(event))),
                Some(_) => Err(Bail),
            }
        }
        Some(key) if key == "response" => Err(Bail),
        first => {
            let event = <crate::Event as FastStruct>::fast_entries(reader, keys, first)?;
            Ok(crate::Document::Event(Box::new(event)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::read_document_full;

    /// The fast pass reads `text` and gives what the full reader gives.
    fn fast_agrees(text: &str) {
        let fast = read_document(text).unwrap_or_else(|| panic!("fast pass gave up on {text}"));
        let full = read_document_full(text).unwrap();
        assert_eq!(fast, full, "{text}");
        // Written back the same, markers and extra order included.
        assert_eq!(fast.to_json(), full.to_json(), "{text}");
    }

    /// The fast pass gives up on `text` (the full reader decides).
    fn fast_gives_up(text: &str) {
        assert!(read_document(text).is_none(), "fast pass read {text}");
    }

    #[test]
    fn the_usual_documents_are_read_as_the_full_reader_reads_them() {
        let cases = [
            r#"{"Event":{"info":"x"}}"#,
            r#"{"info":"bare event","id":"12","published":false}"#,
            r#"{"Event":{"in\u0066o":"escaped key","x\"y":1}}"#,
            " \n\t{ \"Event\" :\r\n { \"info\" : \"spaced\" , \"Tag\" : [ ] } } \n",
            r#"{"Event":{"id":7,"info":"numbers","distribution":"3","threat_level_id":1,
                "analysis":"2","timestamp":1716000000,"published":"1","attribute_count":"0"}}"#,
            r#"{"Event":{"info":"flags","published":0,"locked":"true","proposal_email_lock":"False",
                "disable_correlation":true}}"#,
            r#"{"Event":{"info":"markers","id":null,"Attribute":[],"Object":null,
                "x-before":1,"uuid":null,"Tag":[],"x-after":[1,2]}}"#,
            r#"{"Event":{"info":"extras","a":null,"b":true,"c":false,"d":0,"e":-1,"f":1.5,
                "g":1e3,"h":"s\"q","i":[1,"x",{"y":null}],"j":{"k":{"l":[[]]}},"m":18446744073709551616,
                "n":"\u00e9\ud83e\udd80"}}"#,
            r#"{"Event":{"info":"esc\"aped \\ \/ \b\f\n\r\t \u0041\u00e9\u20ac \u0000 é 漢 🦀",
                "Attribute":[{"type":"text","value":"a\nb","comment":"\"q\""}]}}"#,
            r#"{"Event":{"info":"repeats","id":"1","id":"2","x":1,"x":2,"uuid":null,"uuid":"u",
                "Tag":[],"Tag":[{"name":"t"}],"comment":"c","comment":null}}"#,
            r##"{"Event":{"info":"children","Org":{"id":"1","name":"o","uuid":"u"},"Orgc":null,
                "Attribute":[{"id":"1","type":"ip-dst","category":"Network activity","to_ids":true,
                  "uuid":"7881d5ed-6730-46da-abf1-9bd215fa2a7c","value":"10.0.0.1","Galaxy":[],
                  "ShadowAttribute":[],"Sighting":[{"id":"1","type":"0","Organisation":{"name":"o"}}],
                  "Tag":[{"id":"3","name":"tlp:white","colour":"#fff","exportable":true,"local":0}]}],
                "Object":[{"name":"file","meta-category":"file","Attribute":[{"type":"md5",
                  "object_relation":"md5","value":"d41d8cd98f00b204e9800998ecf8427e"}],
                  "ObjectReference":[{"referenced_uuid":"u","relationship_type":"rel"}]}],
                "Galaxy":[{"name":"g","GalaxyCluster":[{"value":"c","meta":{"k":["v"]}}]}],
                "EventReport":[{"name":"r","content":"# md"}],
                "RelatedEvent":[{"Event":{"id":"9","info":"other"}}]}}"##,
        ];
        for case in cases {
            fast_agrees(case);
        }
    }

    #[test]
    fn anything_unusual_or_wrong_is_left_to_the_full_reader() {
        let cases = [
            // Other document forms.
            r#"[{"Event":{"info":"x"}}]"#,
            r#"{"response":[{"Event":{"info":"x"}}]}"#,
            r#"{"response":{"Attribute":[]}}"#,
            // Wrong or unusual JSON.
            r#"{"Event":{"info":"x",}}"#,
            r#"{"Event":{"info":"x"}} x"#,
            r#"{"Event":{"info":"x"},"other":1}"#,
            r#"{"Event":{"info":"x","id":01}}"#,
            r#"{"Event":{"info":"x","id":-1}}"#,
            r#"{"Event":{"info":"x","id":1.0}}"#,
            r#"{"Event":{"info":"x","id":18446744073709551616}}"#,
            r#"{"Event":{"info":"x","x":01}}"#,
            r#"{"Event":{"info":"x","x":[1,]}}"#,
            r#"{"Event":{"info":"x","x":tru}}"#,
            "{\"Event\":{\"info\":\"control \u{1} character\"}}",
            r#"{"Event":{"info":"lone \ud800 surrogate"}}"#,
            r#"{"Event":{"info":"bad \x escape"}}"#,
            r#"{"Event":{"info":"x""#,
            r#"{"Event":{"info":"x","#,
            "",
            // Typed errors.
            r#"{"Event":{"id":"1"}}"#,
            r#"{"Event":{"info":"x","distribution":"9"}}"#,
            r#"{"Event":{"info":"x","published":"maybe"}}"#,
            r#"{"Event":{"info":"x","Attribute":{}}}"#,
            r#"{"Event":{"info":"x","Attribute":[null]}}"#,
            r#"{"Event":{"info":"x","Org":[]}}"#,
            r#"{"Event":{"info":"x","id":[]}}"#,
            r#"{"Event":{"info":7}}"#,
        ];
        for case in cases {
            fast_gives_up(case);
        }
    }

    #[test]
    fn nesting_deeper_than_the_fast_pass_follows_is_left_to_the_full_reader() {
        let deep = |levels: usize| {
            format!(
                r#"{{"Event":{{"info":"x","deep":{}1{}}}}}"#,
                "[".repeat(levels),
                "]".repeat(levels)
            )
        };
        fast_agrees(&deep(MAX_DEPTH - 4));
        fast_gives_up(&deep(MAX_DEPTH));
        // serde_json's own limit still applies, through the full reader.
        assert!(matches!(
            crate::Document::from_json(deep(200).as_bytes()),
            Err(crate::Error::Json { .. })
        ));
    }

    #[test]
    fn the_string_scan_finds_every_special_byte_at_every_position() {
        for special in [b'"', b'\\', 0x00, 0x1f] {
            for position in 0..19 {
                let mut bytes = vec![b'a'; 19];
                bytes[position] = special;
                assert_eq!(find_special(&bytes, 0), position);
                assert_eq!(find_special(&bytes, position), position);
            }
        }
        assert_eq!(find_special(b"plain text, no specials", 0), 23);
        assert_eq!(find_special("é漢🦀\u{7f}".as_bytes(), 0), 10);
    }

    #[cfg(feature = "proptest")]
    mod generated {
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn generated_events_read_the_same_both_ways(event in crate::strategy::event()) {
                let compact = String::from_utf8(event.to_json()).unwrap();
                super::fast_agrees(&compact);
                let pretty = serde_json::to_string_pretty(&event).unwrap();
                super::fast_agrees(&pretty);
            }
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    reason = "the test reads the shared corpus in place; the library itself does no I/O"
)]
mod corpus {
    use super::read_document;
    use crate::stream::read_document_full;

    /// Every MISP event in the shared corpus (third-party data, read in place; skipped when
    /// absent) reads the same both ways, and the fast pass reads the usual forms itself.
    #[test]
    fn corpus_events_read_the_same_both_ways() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus/misp/events");
        let Ok(dirs) = std::fs::read_dir(&root) else {
            eprintln!("skipped: {} is absent", root.display());
            return;
        };
        let mut files = Vec::new();
        for dir in dirs.flatten() {
            if let Ok(entries) = std::fs::read_dir(dir.path()) {
                files.extend(entries.flatten().map(|e| e.path()));
            }
        }
        let (mut fast_read, mut total) = (0, 0);
        for path in files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let bytes = std::fs::read(path).unwrap();
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            total += 1;
            let full = read_document_full(text);
            if let Some(fast) = read_document(text) {
                fast_read += 1;
                let full = full.unwrap_or_else(|e| {
                    panic!("{}: only the fast pass read it: {e}", path.display())
                });
                assert_eq!(fast, full, "{}", path.display());
            }
        }
        eprintln!("fast pass read {fast_read} of {total} corpus documents");
        assert!(
            total == 0 || fast_read > 0,
            "the fast pass read no corpus document"
        );
    }
}
