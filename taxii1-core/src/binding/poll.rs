//! A poll conversation: the poll request, then `Poll_Fulfillment` requests for each further
//! result part, until the server says there is no more. No I/O, no clock.
//!
//! ```text
//!   new ──poll_transmit──▶ awaiting ──handle_response(Poll_Response more=true)──▶ ready
//!                             ▲                                                  │
//!                             └────────────poll_transmit (Poll_Fulfillment)──────┘
//!   handle_response(Poll_Response more=false) ──▶ finished
//!   handle_response(Status PENDING) ──▶ ready (fulfilment of part 1 after the estimated wait)
//! ```

use std::num::NonZeroU64;

use crate::error::{Error, LimitKind, Result};
use crate::message::*;
use crate::version::Version;

/// What a poll response contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PollEvent {
    /// A result part arrived.
    Part {
        /// Its content blocks.
        content_blocks: Vec<ContentBlock>,
        /// Its part number (1 when the server does not number parts).
        part_number: u64,
        /// The record count the server reports, if any.
        record_count: Option<RecordCount>,
        /// Whether more parts follow (then call [`PollSession::poll_transmit`] again).
        more: bool,
    },
    /// The server accepted an asynchronous poll; ask again after `estimated_wait` seconds.
    Pending {
        /// Seconds to wait, if the server said.
        estimated_wait: Option<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Start(Box<PollRequest>),
    Awaiting(MessageId),
    Ready,
    Finished,
}

/// Follows a poll result across its parts.
#[derive(Debug, Clone)]
pub struct PollSession {
    version: Version,
    collection_name: String,
    result_id: Option<String>,
    next_part: u64,
    parts_received: usize,
    max_parts: usize,
    state: State,
}

impl PollSession {
    /// A session for `request`, spoken in `version`, following at most `max_parts` parts
    /// (see [`crate::Limits::max_result_parts`]).
    pub fn new(request: PollRequest, version: Version, max_parts: usize) -> Self {
        Self {
            version,
            collection_name: request.collection_name.clone(),
            result_id: None,
            next_part: 1,
            parts_received: 0,
            max_parts,
            state: State::Start(Box::new(request)),
        }
    }

    /// The next message to send, if one is due; `message_id` becomes its id (the first call
    /// sends the poll request with its own id and ignores `message_id`).
    pub fn poll_transmit(&mut self, message_id: MessageId) -> Option<Message> {
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Start(request) => {
                self.state = State::Awaiting(request.message_id.clone());
                Some(Message::PollRequest(*request))
            }
            State::Ready => {
                let result_id = self.result_id.clone()?;
                let part = NonZeroU64::new(self.next_part)?;
                self.state = State::Awaiting(message_id.clone());
                Some(Message::PollFulfillmentRequest(
                    PollFulfillmentRequest::new(
                        message_id,
                        self.collection_name.clone(),
                        result_id,
                        part,
                    ),
                ))
            }
            other => {
                self.state = other;
                None
            }
        }
    }

    /// Whether the result is complete.
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished
    }

    /// How many parts have arrived.
    pub fn parts_received(&self) -> usize {
        self.parts_received
    }

    /// Takes the server's answer to the message last returned by [`PollSession::poll_transmit`].
    ///
    /// # Errors
    /// [`Error::Status`] for a status other than PENDING; [`Error::UnexpectedMessage`] for another
    /// message; [`Error::WrongInResponseTo`] when it answers another request;
    /// [`Error::InvalidField`] when it is for another collection, repeats a part, or asks for a
    /// fulfilment without a result id; [`Error::LimitExceeded`] past the part limit.
    pub fn handle_response(&mut self, message: Message) -> Result<PollEvent> {
        let State::Awaiting(request_id) = &self.state else {
            return Err(Error::InvalidField {
                field: "poll session",
                reason: "no request is awaiting an answer".into(),
            });
        };
        if let Some(in_response_to) = message.in_response_to() {
            let early =
                matches!(message, Message::StatusMessage(_)) && in_response_to.as_str() == "0";
            if in_response_to != request_id && !early {
                return Err(Error::WrongInResponseTo {
                    expected: request_id.to_string(),
                    found: in_response_to.to_string(),
                });
            }
        }
        match message {
            Message::PollResponse(response) => self.handle_part(response),
            Message::StatusMessage(status)
                if status.status_type == StatusType::PENDING && self.version == Version::V1_1 =>
            {
                let result_id =
                    status
                        .result_id()
                        .map(str::to_owned)
                        .ok_or(Error::InvalidField {
                            field: "Status_Message",
                            reason: "PENDING without a RESULT_ID detail".into(),
                        })?;
                let estimated_wait = status.estimated_wait().and_then(|w| w.ok());
                self.result_id = Some(result_id);
                self.next_part = 1;
                self.state = State::Ready;
                Ok(PollEvent::Pending { estimated_wait })
            }
            Message::StatusMessage(status) => {
                self.state = State::Finished;
                Err(Error::Status(Box::new(status)))
            }
            other => {
                self.state = State::Finished;
                Err(Error::UnexpectedMessage {
                    expected: MessageKind::PollResponse,
                    found: other.kind(),
                })
            }
        }
    }

    fn handle_part(&mut self, response: PollResponse) -> Result<PollEvent> {
        if response.collection_name != self.collection_name {
            self.state = State::Finished;
            return Err(Error::InvalidField {
                field: "Poll_Response",
                reason: format!(
                    "answers collection `{}`, polled `{}`",
                    response.collection_name, self.collection_name
                ),
            });
        }
        let part_number = response
            .result_part_number
            .map_or(self.next_part, NonZeroU64::get);
        if part_number != self.next_part {
            self.state = State::Finished;
            return Err(Error::InvalidField {
                field: "Poll_Response",
                reason: format!(
                    "result part {part_number} arrived, part {} was asked for",
                    self.next_part
                ),
            });
        }
        self.parts_received += 1;
        if self.parts_received > self.max_parts {
            self.state = State::Finished;
            return Err(Error::LimitExceeded {
                limit: LimitKind::ResultParts,
                offset: 0,
            });
        }
        if let Some(result_id) = &response.result_id {
            self.result_id = Some(result_id.clone());
        }
        let more = response.more && self.version == Version::V1_1;
        if more && self.result_id.is_none() {
            self.state = State::Finished;
            return Err(Error::InvalidField {
                field: "Poll_Response",
                reason: "more=\"true\" without a result_id".into(),
            });
        }
        self.next_part = part_number.saturating_add(1);
        self.state = if more { State::Ready } else { State::Finished };
        Ok(PollEvent::Part {
            content_blocks: response.content_blocks,
            part_number,
            record_count: response.record_count,
            more,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Content, ContentBinding, ContentBindingId};

    fn id(n: u64) -> MessageId {
        MessageId::from_u64(n)
    }

    /// A server holding `blocks`, answering `per_part` blocks per part.
    fn serve(
        message: &Message,
        blocks: &[ContentBlock],
        per_part: usize,
        reply_id: u64,
    ) -> Message {
        let (part, in_response_to) = match message {
            Message::PollRequest(r) => (1u64, r.message_id.clone()),
            Message::PollFulfillmentRequest(f) => (
                f.result_part_number.map_or(1, NonZeroU64::get),
                f.message_id.clone(),
            ),
            _ => panic!("unexpected {message:?}"),
        };
        let start = (part as usize - 1) * per_part;
        let chunk: Vec<ContentBlock> = blocks.iter().skip(start).take(per_part).cloned().collect();
        let mut r = PollResponse::new(id(reply_id), in_response_to, "feed", chunk);
        r.more = start + per_part < blocks.len();
        r.result_id = Some("r1".into());
        r.result_part_number = NonZeroU64::new(part);
        r.record_count = Some(RecordCount::exact(blocks.len() as u64));
        r.into()
    }

    #[test]
    fn follows_all_parts_of_a_result() {
        let blocks: Vec<ContentBlock> = (0..7)
            .map(|i| {
                ContentBlock::new(
                    ContentBinding::new(ContentBindingId::EIQ_JSON_1_0),
                    Content::text(format!("{{\"n\": {i}}}")),
                )
            })
            .collect();
        let mut session = PollSession::new(PollRequest::new(id(1), "feed"), Version::V1_1, 100);
        let mut received = Vec::new();
        let mut next_id = 2;
        for _ in 0..20 {
            let Some(request) = session.poll_transmit(id(next_id)) else {
                break;
            };
            next_id += 1;
            let response = serve(&request, &blocks, 3, 1000 + next_id);
            if let PollEvent::Part { content_blocks, .. } =
                session.handle_response(response).unwrap()
            {
                received.extend(content_blocks);
            }
        }
        assert!(session.is_finished());
        assert_eq!(session.parts_received(), 3);
        assert_eq!(received, blocks);
    }

    #[test]
    fn a_server_that_never_stops_hits_the_part_limit() {
        let mut session = PollSession::new(PollRequest::new(id(1), "feed"), Version::V1_1, 5);
        let mut outcome = Ok(());
        for n in 2..100 {
            let Some(request) = session.poll_transmit(id(n)) else {
                break;
            };
            let (part, irt) = match &request {
                Message::PollRequest(r) => (1, r.message_id.clone()),
                Message::PollFulfillmentRequest(f) => {
                    (f.result_part_number.unwrap().get(), f.message_id.clone())
                }
                _ => unreachable!(),
            };
            let mut r = PollResponse::new(id(500 + n), irt, "feed", Vec::new());
            r.more = true;
            r.result_id = Some("loop".into());
            r.result_part_number = NonZeroU64::new(part);
            if let Err(e) = session.handle_response(r.into()) {
                outcome = Err(e);
                break;
            }
        }
        assert!(matches!(
            outcome,
            Err(Error::LimitExceeded {
                limit: LimitKind::ResultParts,
                ..
            })
        ));
    }

    #[test]
    fn pending_then_fulfilment() {
        let mut session = PollSession::new(PollRequest::new(id(1), "feed"), Version::V1_1, 10);
        session.poll_transmit(id(2)).unwrap();
        let pending = StatusMessage::new(id(50), id(1), StatusType::PENDING)
            .with_detail(Detail::text("RESULT_ID", "async-1"))
            .with_detail(Detail::text("ESTIMATED_WAIT", "30"));
        assert_eq!(
            session.handle_response(pending.into()).unwrap(),
            PollEvent::Pending {
                estimated_wait: Some(30)
            }
        );
        let Some(Message::PollFulfillmentRequest(f)) = session.poll_transmit(id(3)) else {
            panic!()
        };
        assert_eq!(f.result_id, "async-1");
        assert_eq!(f.result_part_number.map(NonZeroU64::get), Some(1));
    }

    #[test]
    fn error_statuses_and_foreign_answers_end_the_session() {
        let mut session = PollSession::new(PollRequest::new(id(1), "feed"), Version::V1_1, 10);
        session.poll_transmit(id(2));
        let denied = StatusMessage::new(id(9), id(0), StatusType::NOT_FOUND);
        assert!(matches!(
            session.handle_response(denied.into()),
            Err(Error::Status(_))
        ));
        assert!(session.is_finished());
        let mut session = PollSession::new(PollRequest::new(id(1), "feed"), Version::V1_1, 10);
        session.poll_transmit(id(2));
        let other = PollResponse::new(id(9), id(77), "feed", Vec::new());
        assert!(matches!(
            session.handle_response(other.into()),
            Err(Error::WrongInResponseTo { .. })
        ));
    }
}
