//! Sans-IO TAXII 1.1 and 1.0: message codec and HTTP binding. (Under construction.)

pub mod error;
pub mod limits;
pub mod message;
pub mod size;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod timestamp;
pub mod urn;
pub mod version;
pub mod vocab;
mod xml;

pub use error::{Error, Result};
pub use limits::Limits;
pub use message::{
    Content, ContentBinding, ContentBlock, ContentKind, Message, MessageKind, Parsed,
};
pub use timestamp::Timestamp;
pub use version::Version;
pub use vocab::ContentBindingId;
