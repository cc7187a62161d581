//! The XML codec: reading with hardening and limits, and writing.

mod capture;
mod decode;
mod encode;
mod markup;
pub(crate) mod read;
pub(crate) mod stream;
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

pub(crate) use read::check_fragment;
