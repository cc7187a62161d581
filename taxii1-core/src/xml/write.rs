//! XML writing: compact output, one namespace prefix per TAXII version declared on the root,
//! content written back exactly as held.

use crate::error::{Error, Result};
use crate::message::{Content, ContentKind};
use crate::version::Version;

/// The prefix used for each version's elements.
pub(crate) fn prefix(version: Version) -> &'static str {
    match version {
        Version::V1_0 => "taxii",
        Version::V1_1 => "taxii_11",
    }
}

/// Appends `value` escaped for a double-quoted attribute (tab, LF and CR as character
/// references so they survive attribute-value normalisation).
pub(crate) fn escape_attr_into(value: &str, out: &mut Vec<u8>) {
    let bytes = value.as_bytes();
    replace_into(bytes, 0..bytes.len(), out, |b| match b {
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'&' => Some(b"&amp;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#9;"),
        b'\n' => Some(b"&#10;"),
        b'\r' => Some(b"&#13;"),
        _ => None,
    });
}

/// Appends `text` escaped for character data (CR as a reference so it is not normalised away).
pub(crate) fn escape_text_into(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let replacement = |b| match b {
        b'<' => Some(&b"&lt;"[..]),
        b'>' => Some(&b"&gt;"[..]),
        b'&' => Some(&b"&amp;"[..]),
        b'\r' => Some(&b"&#13;"[..]),
        _ => None,
    };
    // Without CR (almost always), the three other specials are found with a vector search.
    if memchr::memchr(b'\r', bytes).is_none() {
        replace_into(
            bytes,
            memchr::memchr3_iter(b'<', b'>', b'&', bytes),
            out,
            replacement,
        );
    } else {
        replace_into(bytes, 0..bytes.len(), out, replacement);
    }
}

/// Appends `bytes` to `out` with the byte at each of `candidates` (ascending offsets) replaced
/// by what `replacement` gives for it, if anything.
fn replace_into<'r>(
    bytes: &[u8],
    candidates: impl Iterator<Item = usize>,
    out: &mut Vec<u8>,
    replacement: impl Fn(u8) -> Option<&'r [u8]>,
) {
    let mut last = 0;
    for i in candidates {
        let Some(with) = bytes.get(i).and_then(|&b| replacement(b)) else {
            continue;
        };
        out.extend_from_slice(bytes.get(last..i).unwrap_or_default());
        out.extend_from_slice(with);
        last = i + 1;
    }
    out.extend_from_slice(bytes.get(last..).unwrap_or_default());
}

/// Checks that `text` holds only characters XML 1.0 can carry (no C0 controls but tab, LF and
/// CR; no U+FFFE or U+FFFF), with the reader's check, which also says where the culprit is.
fn check_chars(field: &'static str, text: &str) -> Result<()> {
    let Err(at) = super::read::check_chars(text) else {
        return Ok(());
    };
    let bytes = text.as_bytes();
    let c = match bytes.get(at..at + 3) {
        Some([0xEF, 0xBF, 0xBE]) => 0xFFFE,
        Some([0xEF, 0xBF, 0xBF]) => 0xFFFF,
        _ => bytes.get(at).map_or(0, |&b| u32::from(b)),
    };
    Err(Error::InvalidField {
        field,
        reason: format!("character U+{c:04X} cannot be written in XML"),
    })
}

/// A compact XML writer for one message.
pub(crate) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    prefix: &'static str,
    pub(crate) version: Version,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>, version: Version) -> Self {
        Self {
            out,
            prefix: prefix(version),
            version,
        }
    }

    fn name(&mut self, local: &str) {
        self.out.extend_from_slice(self.prefix.as_bytes());
        self.out.push(b':');
        self.out.extend_from_slice(local.as_bytes());
    }

    fn attrs(&mut self, attrs: &[(&str, Option<&str>)]) -> Result<()> {
        for (name, value) in attrs {
            if let Some(value) = value {
                check_chars(attr_field(name), value)?;
                self.out.push(b' ');
                self.out.extend_from_slice(name.as_bytes());
                self.out.extend_from_slice(b"=\"");
                escape_attr_into(value, self.out);
                self.out.push(b'"');
            }
        }
        Ok(())
    }

    /// Opens the root element with the version's namespace declaration.
    pub(crate) fn root(&mut self, local: &str, attrs: &[(&str, Option<&str>)]) -> Result<()> {
        self.out.push(b'<');
        self.name(local);
        self.out.extend_from_slice(b" xmlns:");
        self.out.extend_from_slice(self.prefix.as_bytes());
        self.out.extend_from_slice(b"=\"");
        self.out
            .extend_from_slice(self.version.namespace().as_bytes());
        self.out.push(b'"');
        self.attrs(attrs)?;
        self.out.push(b'>');
        Ok(())
    }

    /// `<p:local attrs>`.
    pub(crate) fn open(&mut self, local: &str, attrs: &[(&str, Option<&str>)]) -> Result<()> {
        self.out.push(b'<');
        self.name(local);
        self.attrs(attrs)?;
        self.out.push(b'>');
        Ok(())
    }

    /// `<p:local attrs/>`.
    pub(crate) fn empty(&mut self, local: &str, attrs: &[(&str, Option<&str>)]) -> Result<()> {
        self.out.push(b'<');
        self.name(local);
        self.attrs(attrs)?;
        self.out.extend_from_slice(b"/>");
        Ok(())
    }

    /// `</p:local>`.
    pub(crate) fn close(&mut self, local: &str) {
        self.out.extend_from_slice(b"</");
        self.name(local);
        self.out.push(b'>');
    }

    /// `<p:local>text</p:local>`.
    pub(crate) fn text(&mut self, local: &'static str, text: &str) -> Result<()> {
        check_chars(local, text)?;
        self.open(local, &[])?;
        escape_text_into(text, self.out);
        self.close(local);
        Ok(())
    }

    /// Escaped character data inside the element just opened.
    pub(crate) fn close_text_after_open(&mut self, text: &str) {
        escape_text_into(text, self.out);
    }

    /// `<p:local>text</p:local>` when `text` is present.
    pub(crate) fn opt_text(&mut self, local: &'static str, text: Option<&str>) -> Result<()> {
        match text {
            Some(text) => self.text(local, text),
            None => Ok(()),
        }
    }

    /// An element holding `xs:any` content, written back as held.
    pub(crate) fn content(
        &mut self,
        local: &'static str,
        attrs: &[(&str, Option<&str>)],
        content: &Content,
    ) -> Result<()> {
        if content.as_bytes().is_empty() {
            return self.empty(local, attrs);
        }
        self.open(local, attrs)?;
        self.raw_content(local, content)?;
        self.close(local);
        Ok(())
    }

    /// Content written in place, without an enclosing element.
    pub(crate) fn raw_content(&mut self, field: &'static str, content: &Content) -> Result<()> {
        match content.kind() {
            ContentKind::Xml => self.out.extend_from_slice(content.as_bytes()),
            ContentKind::Text => {
                check_chars(field, content.as_str())?;
                escape_text_into(content.as_str(), self.out);
            }
        }
        Ok(())
    }

    /// An element of another namespace with its own prefix declared on it (the Default Query).
    pub(crate) fn foreign_open(
        &mut self,
        prefix: &str,
        local: &str,
        namespace: Option<&str>,
        attrs: &[(&str, Option<&str>)],
        empty: bool,
    ) -> Result<()> {
        self.out.push(b'<');
        self.out.extend_from_slice(prefix.as_bytes());
        self.out.push(b':');
        self.out.extend_from_slice(local.as_bytes());
        if let Some(namespace) = namespace {
            self.out.extend_from_slice(b" xmlns:");
            self.out.extend_from_slice(prefix.as_bytes());
            self.out.extend_from_slice(b"=\"");
            escape_attr_into(namespace, self.out);
            self.out.push(b'"');
        }
        self.attrs(attrs)?;
        self.out.extend_from_slice(if empty { b"/>" } else { b">" });
        Ok(())
    }

    /// Closes an element of another namespace.
    pub(crate) fn foreign_close(&mut self, prefix: &str, local: &str) {
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(prefix.as_bytes());
        self.out.push(b':');
        self.out.extend_from_slice(local.as_bytes());
        self.out.push(b'>');
    }

    /// A simple-content element of another namespace.
    pub(crate) fn foreign_text(
        &mut self,
        prefix: &str,
        local: &'static str,
        attrs: &[(&str, Option<&str>)],
        text: &str,
    ) -> Result<()> {
        check_chars(local, text)?;
        self.foreign_open(prefix, local, None, attrs, false)?;
        escape_text_into(text, self.out);
        self.foreign_close(prefix, local);
        Ok(())
    }
}

fn attr_field(name: &str) -> &'static str {
    match name {
        "message_id" => "message_id",
        "in_response_to" => "in_response_to",
        "collection_name" => "collection_name",
        "feed_name" => "feed_name",
        "result_id" => "result_id",
        "subscription_id" => "subscription_id",
        "name" => "name",
        _ => "attribute",
    }
}
