//! The compact JSON writer behind `to_json`/`write_json`: writes the model's wire form straight
//! into a byte buffer, byte for byte what serde_json's compact serializer writes (same escapes),
//! without serde's per-token overhead. Keys are pre-built `"key":` tokens; strings without
//! anything to escape (nearly all) are copied in one go after a word-at-a-time check.
//!
//! With a sink, the buffer is handed over in chunks at item boundaries, so a large event never
//! sits in memory twice. The writer itself does no I/O: the caller owns the sink.

use std::io;

use serde_json::Value;

/// Bytes handed to the sink at once (when there is one).
const CHUNK: usize = 64 * 1024;

/// A compact JSON output buffer, optionally draining into a caller's sink.
pub(crate) struct Out<'w> {
    buf: Vec<u8>,
    sink: Option<&'w mut dyn io::Write>,
    error: Option<io::Error>,
}

impl<'w> Out<'w> {
    /// A writer that collects everything in memory.
    pub(crate) fn in_memory() -> Self {
        Self {
            buf: Vec::new(),
            sink: None,
            error: None,
        }
    }

    /// A writer that hands its output to `sink` in chunks.
    pub(crate) fn into_sink(sink: &'w mut dyn io::Write) -> Self {
        Self {
            buf: Vec::with_capacity(CHUNK + CHUNK / 4),
            sink: Some(sink),
            error: None,
        }
    }

    /// Raw bytes (already valid JSON).
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// One raw byte.
    pub(crate) fn byte(&mut self, byte: u8) {
        self.buf.push(byte);
    }

    /// A `,` before every entry or element but the first.
    pub(crate) fn separator(&mut self, first: &mut bool) {
        if *first {
            *first = false;
        } else {
            self.buf.push(b',');
        }
    }

    /// A JSON string, escaped as serde_json escapes it.
    pub(crate) fn string(&mut self, text: &str) {
        self.buf.push(b'"');
        let bytes = text.as_bytes();
        if needs_escape(bytes) {
            escape_into(&mut self.buf, bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
        self.buf.push(b'"');
    }

    /// A non-negative integer as a JSON string of digits (MISP's spelling), two digits per
    /// step from a table.
    pub(crate) fn uint_string(&mut self, value: u64) {
        const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839\
            4041424344454647484950515253545556575859\
            6061626364656667686970717273747576777879\
            8081828384858687888990919293949596979899";
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        let mut rest = value;
        while rest >= 100 {
            // `rest % 100` is below 100: the pair index is below 200.
            let pair = (rest % 100) as usize * 2;
            rest /= 100;
            start -= 2;
            if let (Some(slot), Some(pair)) =
                (digits.get_mut(start..start + 2), PAIRS.get(pair..pair + 2))
            {
                slot.copy_from_slice(pair);
            }
        }
        if rest >= 10 {
            let pair = rest as usize * 2;
            start -= 2;
            if let (Some(slot), Some(pair)) =
                (digits.get_mut(start..start + 2), PAIRS.get(pair..pair + 2))
            {
                slot.copy_from_slice(pair);
            }
        } else {
            start -= 1;
            if let Some(slot) = digits.get_mut(start) {
                // `rest` is below 10 here.
                *slot = b'0' + rest as u8;
            }
        }
        self.buf.push(b'"');
        self.buf
            .extend_from_slice(digits.get(start..).unwrap_or(b"0"));
        self.buf.push(b'"');
    }

    /// A JSON value kept verbatim (`extra` entries), in serde_json's compact form.
    pub(crate) fn value(&mut self, value: &Value) {
        // Writing a `Value` into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, value);
    }

    /// Anything serde can write, in serde_json's compact form.
    pub(crate) fn serde<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        // The model's serde impls only fail on non-string map keys, which it never has.
        let _ = serde_json::to_writer(&mut self.buf, value);
    }

    /// An item boundary: hands a full chunk to the sink, if there is one.
    pub(crate) fn boundary(&mut self) {
        if self.buf.len() >= CHUNK {
            self.drain();
        }
    }

    fn drain(&mut self) {
        if let Some(sink) = self.sink.as_mut() {
            if self.error.is_none()
                && let Err(err) = sink.write_all(&self.buf)
            {
                self.error = Some(err);
            }
            self.buf.clear();
        }
    }

    /// The collected bytes (in-memory writer; empty after draining into a sink).
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// Hands the rest to the sink and reports the first error the sink gave.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.drain();
        match self.error.take() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of the word is below 0x20 or is `"` or `\`.
fn word_needs_escape(word: u64) -> bool {
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    let quote = zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    control | quote | backslash != 0
}

/// Whether a byte must be escaped in a JSON string.
fn byte_needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether `bytes` hold anything a JSON string must escape (checked eight bytes at a time).
fn needs_escape(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for chunk in words.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if word_needs_escape(u64::from_le_bytes(word)) {
            return true;
        }
    }
    words.remainder().iter().copied().any(byte_needs_escape)
}

/// Writes `bytes` escaped the way serde_json does: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and
/// `\u00xx` (lower-case hex) for the other control characters; everything else verbatim.
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !byte_needs_escape(byte) {
            continue;
        }
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        start = i + 1;
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => {
                let hex = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex(byte >> 4), hex(byte & 0xf)]);
            }
        }
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(text: &str) -> String {
        let mut out = Out::in_memory();
        out.string(text);
        String::from_utf8(out.into_bytes()).unwrap()
    }

    #[test]
    fn strings_are_escaped_exactly_like_serde_json() {
        let mut samples: Vec<String> = vec![
            String::new(),
            "plain ascii text longer than one word".to_owned(),
            "quote \" backslash \\ slash / del \u{7f} é 漢 🦀".to_owned(),
            "\u{8}\u{c}\n\r\t\u{0}\u{1f}".to_owned(),
        ];
        // Every byte below 0x80 at every position of a 17-byte string (word and tail paths).
        for byte in 0u8..0x80 {
            for position in 0..17 {
                let mut text = vec![b'a'; 17];
                text[position] = byte;
                samples.push(String::from_utf8(text).unwrap());
            }
        }
        for text in &samples {
            assert_eq!(
                compact(text),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn integers_are_quoted_digits() {
        let edges = (1..20).flat_map(|e| [10u64.pow(e) - 1, 10u64.pow(e), 10u64.pow(e) + 1]);
        let values = (0..2_000)
            .chain((0..64).map(|shift| 1u64 << shift))
            .chain(edges)
            .chain([1_715_900_000, u64::MAX]);
        for value in values {
            let mut out = Out::in_memory();
            out.uint_string(value);
            assert_eq!(out.into_bytes(), format!("\"{value}\"").into_bytes());
        }
    }

    #[test]
    fn a_sink_receives_every_byte_and_its_first_error() {
        let mut sink = Vec::new();
        let mut out = Out::into_sink(&mut sink);
        for i in 0..20_000u64 {
            out.uint_string(i);
            out.boundary();
        }
        out.finish().unwrap();
        let expected: String = (0..20_000u64).map(|i| format!("\"{i}\"")).collect();
        assert_eq!(String::from_utf8(sink).unwrap(), expected);

        struct Broken;
        impl io::Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut broken = Broken;
        let mut out = Out::into_sink(&mut broken);
        out.raw(b"[]");
        assert_eq!(out.finish().unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }
}
