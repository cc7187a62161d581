//! Reading a message one content block at a time.

use bytes::Bytes;

use super::decode;
use super::read::{Doc, Element, NS_XMLDSIG, Step, TreeBuilder, open_document};
use crate::error::{Error, LimitKind, Result};
use crate::limits::Limits;
use crate::message::{ContentBlock, Message, Parsed};
use crate::version::Version;

/// Reads a `Poll_Response` or `Inbox_Message` one content block at a time, so a caller can
/// handle (store, map, forward) each block and drop it before the next is decoded.
///
/// The content itself is never copied (each block's content shares the input buffer, as with
/// [`Message::from_bytes`]); what streaming saves is holding every decoded block, and every
/// decoded text payload, at once. The same rules and [`Limits`] apply as for
/// [`Message::from_bytes`], and the two agree on every input: a message is valid only if
/// the stream reaches its end without an error, so a block handed out before a later error came
/// from an invalid message. [`ContentBlocks::finish`] reads to the end and returns the message
/// without its blocks.
///
/// Any message can be read this way; one without content blocks yields none.
///
/// ```
/// use taxii1_core::{ContentBlocks, Limits, Message};
///
/// let xml = bytes::Bytes::from_static(
///     br#"<taxii_11:Poll_Response xmlns:taxii_11="http://taxii.mitre.org/messages/taxii_xml_binding-1.1" message_id="2" in_response_to="1" collection_name="feed"><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="urn:eclecticiq.com:json:1.0"/><taxii_11:Content>{"a": 1}</taxii_11:Content></taxii_11:Content_Block><taxii_11:Content_Block><taxii_11:Content_Binding binding_id="urn:eclecticiq.com:json:1.0"/><taxii_11:Content>{"b": 2}</taxii_11:Content></taxii_11:Content_Block></taxii_11:Poll_Response>"#,
/// );
/// let limits = Limits::default();
/// let mut blocks = ContentBlocks::new(&xml, &limits)?;
/// let mut seen = Vec::new();
/// for block in blocks.by_ref() {
///     seen.push(block?.content.as_str().to_owned());
/// }
/// assert_eq!(seen, [r#"{"a": 1}"#, r#"{"b": 2}"#]);
/// let rest = blocks.finish()?;
/// let Message::PollResponse(response) = rest.message else { unreachable!() };
/// assert_eq!(response.collection_name, "feed");
/// assert!(response.content_blocks.is_empty());
/// # Ok::<(), taxii1_core::Error>(())
/// ```
pub struct ContentBlocks<'a> {
    doc: Doc<'a>,
    builder: TreeBuilder<'a>,
    lenient: bool,
    version: Version,
    /// The message decoded from what came before the blocks (then, at the end, from
    /// everything but the blocks).
    envelope: Message,
    /// Children of the root before the first block: any new one before a later block is out of
    /// place.
    head_children: usize,
    /// Whether the part before the blocks ended with a signature (which must come last).
    head_signed: bool,
    blocks: usize,
    state: State,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Blocks may follow.
    Blocks,
    /// The document was read to its end.
    Finished,
    /// This error was returned; nothing more is read.
    Failed(Error),
}

impl std::fmt::Debug for ContentBlocks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentBlocks")
            .field("version", &self.version)
            .field("blocks_read", &self.blocks)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<'a> ContentBlocks<'a> {
    /// Reads `input` up to its first content block (or, without blocks, to its end).
    pub fn new(input: &'a Bytes, limits: &'a Limits) -> Result<Self> {
        let mut doc = open_document(input, limits)?;
        let mut builder = TreeBuilder::new(doc.body, true);
        let lenient = limits.accept_peer_deviations();
        let (parsed, state, head_children) = match builder.run(&mut doc)? {
            Step::Done(root) => (decode::decode(&root, lenient)?, State::Finished, 0),
            Step::BlocksStart => {
                let Some(root) = builder.root() else {
                    return Err(doc.xml_err(0, "content block without a message"));
                };
                let parsed = decode::decode(root, lenient)?;
                (parsed, State::Blocks, root.children.len())
            }
            Step::Block(block) => {
                return Err(doc.xml_err(block.offset, "content block before the message"));
            }
        };
        let head_signed = match &parsed.message {
            Message::PollResponse(response) => response.signature.is_some(),
            Message::InboxMessage(inbox) => inbox.signature.is_some(),
            _ => false,
        };
        Ok(Self {
            doc,
            builder,
            head_signed,
            lenient,
            version: parsed.version,
            envelope: parsed.message,
            head_children,
            blocks: 0,
            state,
        })
    }

    /// The TAXII version of the message, from its root namespace.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The message without its content blocks: the fields that come before the blocks, and
    /// once the stream has ended, its signature too.
    pub fn envelope(&self) -> &Message {
        &self.envelope
    }

    /// How many content blocks were handed out so far.
    pub fn blocks_read(&self) -> usize {
        self.blocks
    }

    /// The next content block, `Ok(None)` at the end of the message.
    pub fn next_block(&mut self) -> Result<Option<ContentBlock>> {
        if self.state != State::Blocks {
            return Ok(None);
        }
        let result = self.step();
        match &result {
            Err(e) => self.state = State::Failed(e.clone()),
            Ok(None) => self.state = State::Finished,
            Ok(Some(_)) => self.blocks += 1,
        }
        result
    }

    fn step(&mut self) -> Result<Option<ContentBlock>> {
        match self.builder.run(&mut self.doc)? {
            Step::Block(block) => {
                let Some(root) = self.builder.root() else {
                    return Err(self
                        .doc
                        .xml_err(block.offset, "content block without a message"));
                };
                if let Some(extra) = root.children.get(self.head_children) {
                    return Err(out_of_place(root, extra));
                }
                if self.head_signed {
                    return Err(out_of_place(root, &block));
                }
                if self.blocks >= self.doc.limits.max_content_blocks() {
                    return Err(self.doc.limit(LimitKind::ContentBlocks, block.offset));
                }
                decode::content_block(root, &block, self.blocks, self.lenient).map(Some)
            }
            Step::Done(root) => {
                // After the blocks, only the message's signature may follow.
                let after = root.children.get(self.head_children..).unwrap_or_default();
                if let Some(extra) = after
                    .iter()
                    .find(|e| !(e.local == "Signature" && e.ns.uri() == NS_XMLDSIG))
                {
                    return Err(out_of_place(&root, extra));
                }
                self.envelope = decode::decode(&root, self.lenient)?.message;
                Ok(None)
            }
            Step::BlocksStart => Err(self.doc.xml_err(0, "content blocks started twice")),
        }
    }

    /// Reads the rest of the message (dropping blocks not taken yet) and returns it without
    /// its content blocks; fails if the message turns out invalid.
    pub fn finish(mut self) -> Result<Parsed> {
        if let State::Failed(error) = self.state {
            return Err(error);
        }
        while self.next_block()?.is_some() {}
        Ok(Parsed {
            version: self.version,
            message: self.envelope,
        })
    }
}

/// The error for an element of the message found between its content blocks.
fn out_of_place(root: &Element, extra: &Element) -> Error {
    Error::UnexpectedElement {
        path: root.local.to_string(),
        found: format!("{{{}}}{}", extra.ns.uri(), extra.local),
        offset: extra.offset,
    }
}

impl Iterator for ContentBlocks<'_> {
    type Item = Result<ContentBlock>;

    /// The next block; after the end or an error, `None`.
    fn next(&mut self) -> Option<Self::Item> {
        self.next_block().transpose()
    }
}

impl std::iter::FusedIterator for ContentBlocks<'_> {}
