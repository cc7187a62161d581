//! The XML codec: reading with hardening and limits, and writing.

mod decode;
mod encode;
pub(crate) mod read;
pub(crate) mod write;

use bytes::Bytes;

use crate::error::Result;
use crate::limits::Limits;
use crate::message::{Message, Parsed};
use crate::version::Version;

/// Reads a message from `input` (shared, so content can borrow it).
pub(crate) fn parse(input: &Bytes, limits: &Limits) -> Result<Parsed> {
    let root = read::read_document(input, limits)?;
    decode::decode(&root, limits.accept_peer_deviations())
}

/// Writes `message` as `version`, appending to `out`. On error `out` is left as it was.
pub(crate) fn write(message: &Message, version: Version, out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    let result = encode::encode(message, version, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Checks that `bytes` is a standalone well-formed XML fragment: balanced elements, every
/// namespace prefix declared within it, no DOCTYPE, only predefined entities, UTF-8.
pub(crate) fn check_fragment(bytes: &[u8]) -> Result<(), String> {
    std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut reader = NsReader::from_reader(bytes);
    let mut depth = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_resolved_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => return Err(format!("byte {}: {e}", reader.error_position())),
        };
        match event {
            (ResolveResult::Unknown(prefix), Event::Start(_) | Event::Empty(_)) => {
                return Err(format!("undeclared namespace prefix `{}`", prefix));
            }
            (_, Event::Start(_)) => depth += 1,
            (_, Event::End(_)) => depth = depth.saturating_sub(1),
            (_, Event::DocType(_)) => return Err("DOCTYPE is not allowed".into()),
            (_, Event::GeneralRef(r)) => {
                let name = r.into_inner();
                if !matches!(&*name, "lt" | "gt" | "amp" | "apos" | "quot")
                    && !name.starts_with('#')
                {
                    return Err(format!("entity reference `&{name};` is not allowed"));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
        buf.clear();
    }
    if depth == 0 {
        Ok(())
    } else {
        Err("unclosed element".into())
    }
}
