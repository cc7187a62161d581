//! From the message model to XML in the chosen version, refusing what that version cannot say.

use super::read::NS_XMLDSIG;
use super::write::Writer;
use crate::error::{Error, Result};
use crate::message::*;
use crate::version::{NS_DEFAULT_QUERY_1_0, Version};

fn not_representable(version: Version, field: &'static str) -> Error {
    Error::NotRepresentable { version, field }
}

/// A Default Query body needs the Default Query `format_id` and any other body another one: the
/// reader decides how to read the body from the `format_id`.
fn check_format(format_id: &str, default_body: bool, field: &'static str) -> Result<()> {
    let default_format = format_id.trim() == crate::urn::QUERY_FORMAT_DEFAULT_1_0;
    if default_body == default_format {
        return Ok(());
    }
    Err(Error::InvalidField {
        field,
        reason: if default_body {
            format!("a Default Query body with format_id `{format_id}`")
        } else {
            "a body in another format with the Default Query format_id".to_owned()
        },
    })
}

fn bool_str(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// Writes `message` as `version` XML, appending to `out`.
pub(crate) fn encode(message: &Message, version: Version, out: &mut Vec<u8>) -> Result<()> {
    let kind = message.kind();
    let root = kind
        .element_name(version)
        .ok_or_else(|| not_representable(version, "Poll_Fulfillment"))?;
    let mut e = Encoder {
        w: Writer::new(out, version),
        v: version,
    };
    e.check_id(message.message_id(), "message_id")?;
    if let Some(id) = message.in_response_to() {
        e.check_id(id, "in_response_to")?;
    }
    match message {
        Message::StatusMessage(m) => e.status(root, m),
        Message::DiscoveryRequest(m) => e.bare(
            root,
            &m.message_id,
            &m.extended_headers,
            m.signature.as_ref(),
        ),
        Message::CollectionInformationRequest(m) => e.bare(
            root,
            &m.message_id,
            &m.extended_headers,
            m.signature.as_ref(),
        ),
        Message::DiscoveryResponse(m) => e.discovery_response(root, m),
        Message::CollectionInformationResponse(m) => e.collection_response(root, m),
        Message::SubscriptionManagementRequest(m) => e.subscription_request(root, m),
        Message::SubscriptionManagementResponse(m) => e.subscription_response(root, m),
        Message::PollRequest(m) => e.poll_request(root, m),
        Message::PollResponse(m) => e.poll_response(root, m),
        Message::PollFulfillmentRequest(m) => e.poll_fulfillment(root, m),
        Message::InboxMessage(m) => e.inbox(root, m),
    }
}

struct Encoder<'a> {
    w: Writer<'a>,
    v: Version,
}

impl Encoder<'_> {
    fn v11(&self) -> bool {
        self.v == Version::V1_1
    }

    fn only_11(&self, present: bool, field: &'static str) -> Result<()> {
        if present && !self.v11() {
            Err(not_representable(self.v, field))
        } else {
            Ok(())
        }
    }

    fn only_10(&self, present: bool, field: &'static str) -> Result<()> {
        if present && self.v11() {
            Err(not_representable(self.v, field))
        } else {
            Ok(())
        }
    }

    fn check_id(&self, id: &MessageId, field: &'static str) -> Result<()> {
        if self.v == Version::V1_0 && !id.is_numeric() {
            return Err(Error::NotRepresentable {
                version: self.v,
                field: if field == "message_id" {
                    "non-numeric message_id"
                } else {
                    "non-numeric in_response_to"
                },
            });
        }
        Ok(())
    }

    fn collection_attr(&self) -> &'static str {
        if self.v11() {
            "collection_name"
        } else {
            "feed_name"
        }
    }

    fn extended_headers(&mut self, headers: &[ExtendedHeader]) -> Result<()> {
        if headers.is_empty() {
            return Ok(());
        }
        self.w.open("Extended_Headers", &[])?;
        for h in headers {
            self.w
                .content("Extended_Header", &[("name", Some(&h.name))], &h.value)?;
        }
        self.w.close("Extended_Headers");
        Ok(())
    }

    fn signature(&mut self, signature: Option<&Signature>) -> Result<()> {
        if let Some(signature) = signature {
            self.w
                .foreign_open("ds", "Signature", Some(NS_XMLDSIG), &[], false)?;
            self.w.raw_content("Signature", signature)?;
            self.w.foreign_close("ds", "Signature");
        }
        Ok(())
    }

    /// Opens the root element of a message with its attributes, and writes its extended
    /// headers (every message starts so).
    fn open_message(
        &mut self,
        root: &str,
        attrs: &[(&str, Option<&str>)],
        headers: &[ExtendedHeader],
    ) -> Result<()> {
        self.w.root(root, attrs)?;
        self.extended_headers(headers)
    }

    /// A value TAXII 1.0 carries as an attribute (1.1 has an element for it instead).
    fn attr_in_1_0<'v>(&self, value: Option<&'v str>) -> Option<&'v str> {
        if self.v11() { None } else { value }
    }

    /// Writes the signature, if any, and closes the root element (every message ends so).
    fn close_message(&mut self, root: &str, signature: Option<&Signature>) -> Result<()> {
        self.signature(signature)?;
        self.w.close(root);
        Ok(())
    }

    fn bare(
        &mut self,
        root: &str,
        id: &MessageId,
        headers: &[ExtendedHeader],
        signature: Option<&Signature>,
    ) -> Result<()> {
        self.open_message(root, &[("message_id", Some(id.as_str()))], headers)?;
        self.close_message(root, signature)
    }

    fn status(&mut self, root: &str, m: &StatusMessage) -> Result<()> {
        // Typed details must carry their type, or the reader would refuse what we write.
        let bad = |e: status::BadDetail| Error::InvalidField {
            field: "Status_Detail",
            reason: e.to_string(),
        };
        if let Some(wait) = m.estimated_wait() {
            wait.map_err(bad)?;
        }
        if let Some(max) = m.max_part_number() {
            max.map_err(bad)?;
        }
        if let Some(push) = m.will_push() {
            push.map_err(bad)?;
        }
        if !self.v11() && !m.status_type.is_known() {
            // Custom URIs are allowed in both versions; known 1.1-only types are not 1.0.
        } else if !self.v11() && !StatusType::TAXII_1_0.contains(&m.status_type) {
            return Err(not_representable(self.v, "a TAXII 1.1-only status type"));
        }
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("in_response_to", Some(m.in_response_to.as_str())),
                ("status_type", Some(m.status_type.as_str())),
            ],
            &m.extended_headers,
        )?;
        match (&m.status_detail, self.v) {
            (None, _) => {}
            (Some(StatusDetail::Text(text)), Version::V1_0) => {
                self.w.text("Status_Detail", text)?
            }
            (Some(StatusDetail::Details(details)), Version::V1_1) => {
                if details.is_empty() {
                    return Err(Error::InvalidField {
                        field: "Status_Detail",
                        reason: "at least one Detail is required".into(),
                    });
                }
                self.w.open("Status_Detail", &[])?;
                for d in details {
                    self.w
                        .content("Detail", &[("name", Some(&d.name))], &d.value)?;
                }
                self.w.close("Status_Detail");
            }
            (Some(StatusDetail::Text(_)), Version::V1_1) => {
                return Err(not_representable(self.v, "a text Status_Detail (1.0)"));
            }
            (Some(StatusDetail::Details(_)), Version::V1_0) => {
                return Err(not_representable(self.v, "structured Status_Detail (1.1)"));
            }
        }
        self.w.opt_text("Message", m.message.as_deref())?;
        self.close_message(root, m.signature.as_ref())
    }

    fn content_binding(&mut self, b: &ContentBinding, max_subtypes: Option<usize>) -> Result<()> {
        match self.v {
            Version::V1_0 => {
                self.only_11(!b.subtypes.is_empty(), "Content_Binding subtypes")?;
                self.w.text("Content_Binding", b.binding_id.as_str())
            }
            Version::V1_1 => {
                if max_subtypes.is_some_and(|max| b.subtypes.len() > max) {
                    return Err(Error::InvalidField {
                        field: "Content_Binding",
                        reason: "a content block carries at most one subtype".into(),
                    });
                }
                let attrs = [("binding_id", Some(b.binding_id.as_str()))];
                if b.subtypes.is_empty() {
                    return self.w.empty("Content_Binding", &attrs);
                }
                self.w.open("Content_Binding", &attrs)?;
                for s in &b.subtypes {
                    self.w.empty("Subtype", &[("subtype_id", Some(s))])?;
                }
                self.w.close("Content_Binding");
                Ok(())
            }
        }
    }

    fn content_bindings(&mut self, bindings: &[ContentBinding]) -> Result<()> {
        bindings
            .iter()
            .try_for_each(|b| self.content_binding(b, None))
    }

    fn uris(&mut self, local: &'static str, values: &[String]) -> Result<()> {
        values.iter().try_for_each(|v| self.w.text(local, v))
    }

    fn need_one(values: &[String], field: &'static str) -> Result<()> {
        if values.is_empty() {
            return Err(Error::InvalidField {
                field,
                reason: "at least one is required".into(),
            });
        }
        Ok(())
    }

    fn contact(&mut self, c: &ServiceContact) -> Result<()> {
        Self::need_one(&c.message_bindings, "Message_Binding")?;
        self.w.text("Protocol_Binding", &c.protocol_binding)?;
        self.w.text("Address", &c.address)?;
        self.uris("Message_Binding", &c.message_bindings)
    }

    fn contacts(&mut self, local: &'static str, contacts: &[ServiceContact]) -> Result<()> {
        for c in contacts {
            self.w.open(local, &[])?;
            self.contact(c)?;
            self.w.close(local);
        }
        Ok(())
    }

    fn discovery_response(&mut self, root: &str, m: &DiscoveryResponse) -> Result<()> {
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("in_response_to", Some(m.in_response_to.as_str())),
            ],
            &m.extended_headers,
        )?;
        for si in &m.service_instances {
            let service_type = match si.service_type {
                ServiceType::Discovery => "DISCOVERY",
                ServiceType::CollectionManagement if self.v11() => "COLLECTION_MANAGEMENT",
                ServiceType::CollectionManagement => "FEED_MANAGEMENT",
                ServiceType::Inbox => "INBOX",
                ServiceType::Poll => "POLL",
            };
            self.only_11(!si.supported_queries.is_empty(), "Supported_Query")?;
            Self::need_one(&si.message_bindings, "Message_Binding")?;
            self.w.open(
                "Service_Instance",
                &[
                    ("service_type", Some(service_type)),
                    ("service_version", Some(&si.service_version)),
                    ("available", si.available.map(bool_str)),
                ],
            )?;
            self.w.text("Protocol_Binding", &si.protocol_binding)?;
            self.w.text("Address", &si.address)?;
            self.uris("Message_Binding", &si.message_bindings)?;
            for q in &si.supported_queries {
                self.supported_query(q)?;
            }
            self.content_bindings(&si.content_bindings)?;
            self.w.opt_text("Message", si.message.as_deref())?;
            self.w.close("Service_Instance");
        }
        self.close_message(root, m.signature.as_ref())
    }

    fn collection_response(&mut self, root: &str, m: &CollectionInformationResponse) -> Result<()> {
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("in_response_to", Some(m.in_response_to.as_str())),
            ],
            &m.extended_headers,
        )?;
        let record = if self.v11() { "Collection" } else { "Feed" };
        for c in &m.collections {
            self.only_11(
                c.collection_type == Some(CollectionType::DataSet),
                "collection_type DATA_SET",
            )?;
            self.only_11(c.collection_volume.is_some(), "Collection_Volume")?;
            self.only_11(
                !c.receiving_inbox_services.is_empty(),
                "Receiving_Inbox_Service",
            )?;
            if !self.v11() && c.content_bindings.is_empty() {
                return Err(not_representable(self.v, "a Feed without Content_Binding"));
            }
            if !self.v11() && c.push_methods.is_empty() && c.polling_services.is_empty() {
                return Err(not_representable(
                    self.v,
                    "a Feed with neither Push_Method nor Polling_Service",
                ));
            }
            let collection_type = c.collection_type.map(|t| match t {
                CollectionType::DataFeed => "DATA_FEED",
                CollectionType::DataSet => "DATA_SET",
            });
            self.w.open(
                record,
                &[
                    (self.collection_attr(), Some(&c.collection_name)),
                    ("collection_type", collection_type.filter(|_| self.v11())),
                    ("available", c.available.map(bool_str)),
                ],
            )?;
            self.w.text("Description", &c.description)?;
            if let Some(volume) = c.collection_volume {
                self.w.text("Collection_Volume", &volume.to_string())?;
            }
            self.content_bindings(&c.content_bindings)?;
            for pm in &c.push_methods {
                Self::need_one(&pm.message_bindings, "Message_Binding")?;
                self.w.open("Push_Method", &[])?;
                self.w.text("Protocol_Binding", &pm.protocol_binding)?;
                self.uris("Message_Binding", &pm.message_bindings)?;
                self.w.close("Push_Method");
            }
            self.contacts("Polling_Service", &c.polling_services)?;
            self.contacts("Subscription_Service", &c.subscription_services)?;
            for r in &c.receiving_inbox_services {
                self.w.open("Receiving_Inbox_Service", &[])?;
                self.contact(&r.contact)?;
                self.content_bindings(&r.content_bindings)?;
                self.w.close("Receiving_Inbox_Service");
            }
            self.w.close(record);
        }
        self.close_message(root, m.signature.as_ref())
    }

    fn response_type(&mut self, response_type: ResponseType) -> Result<()> {
        self.w.text(
            "Response_Type",
            match response_type {
                ResponseType::Full => "FULL",
                ResponseType::CountOnly => "COUNT_ONLY",
            },
        )
    }

    fn subscription_parameters(&mut self, p: &SubscriptionParameters) -> Result<()> {
        self.w.open("Subscription_Parameters", &[])?;
        self.response_type(p.response_type)?;
        self.content_bindings(&p.content_bindings)?;
        if let Some(q) = &p.query {
            self.query(q)?;
        }
        self.w.close("Subscription_Parameters");
        Ok(())
    }

    fn push_parameters(&mut self, local: &'static str, p: &PushParameters) -> Result<()> {
        self.only_10(
            !p.content_bindings.is_empty(),
            "Push_Parameters content bindings (1.0)",
        )?;
        self.w.open(local, &[])?;
        self.w.text("Protocol_Binding", &p.protocol_binding)?;
        self.w.text("Address", &p.address)?;
        self.w.text("Message_Binding", &p.message_binding)?;
        self.content_bindings(&p.content_bindings)?;
        self.w.close(local);
        Ok(())
    }

    fn subscription_request(
        &mut self,
        root: &str,
        m: &SubscriptionManagementRequest,
    ) -> Result<()> {
        let action = match m.action {
            SubscriptionAction::Subscribe => "SUBSCRIBE",
            SubscriptionAction::Unsubscribe => "UNSUBSCRIBE",
            SubscriptionAction::Pause => "PAUSE",
            SubscriptionAction::Resume => "RESUME",
            SubscriptionAction::Status => "STATUS",
        };
        self.only_11(
            matches!(
                m.action,
                SubscriptionAction::Pause | SubscriptionAction::Resume
            ),
            "action PAUSE/RESUME",
        )?;
        self.only_11(
            m.subscription_parameters.is_some(),
            "Subscription_Parameters",
        )?;
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("action", Some(action)),
                (self.collection_attr(), Some(&m.collection_name)),
                (
                    "subscription_id",
                    self.attr_in_1_0(m.subscription_id.as_deref()),
                ),
            ],
            &m.extended_headers,
        )?;
        if self.v11() {
            self.w
                .opt_text("Subscription_ID", m.subscription_id.as_deref())?;
            if let Some(p) = &m.subscription_parameters {
                self.subscription_parameters(p)?;
            }
        }
        if let Some(p) = &m.push_parameters {
            self.push_parameters("Push_Parameters", p)?;
        }
        self.close_message(root, m.signature.as_ref())
    }

    fn subscription_response(
        &mut self,
        root: &str,
        m: &SubscriptionManagementResponse,
    ) -> Result<()> {
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("in_response_to", Some(m.in_response_to.as_str())),
                (self.collection_attr(), Some(&m.collection_name)),
            ],
            &m.extended_headers,
        )?;
        self.w.opt_text("Message", m.message.as_deref())?;
        for s in &m.subscriptions {
            self.only_11(
                s.status
                    .is_some_and(|status| status != SubscriptionStatus::Active),
                "Subscription status other than ACTIVE",
            )?;
            self.only_11(
                s.subscription_parameters.is_some(),
                "Subscription_Parameters",
            )?;
            let status = s.status.map(|status| match status {
                SubscriptionStatus::Active => "ACTIVE",
                SubscriptionStatus::Paused => "PAUSED",
                SubscriptionStatus::Unsubscribed => "UNSUBSCRIBED",
            });
            if self.v11() {
                self.w.open("Subscription", &[("status", status)])?;
                self.w.text("Subscription_ID", &s.subscription_id)?;
                if let Some(p) = &s.subscription_parameters {
                    self.subscription_parameters(p)?;
                }
            } else {
                self.w.open(
                    "Subscription",
                    &[("subscription_id", Some(&s.subscription_id))],
                )?;
            }
            if let Some(p) = &s.push_parameters {
                self.push_parameters("Push_Parameters", p)?;
            }
            self.contacts("Poll_Instance", &s.poll_instances)?;
            self.w.close("Subscription");
        }
        self.close_message(root, m.signature.as_ref())
    }

    fn opt_timestamp(&mut self, local: &'static str, ts: Option<&crate::Timestamp>) -> Result<()> {
        self.w.opt_text(local, ts.map(crate::Timestamp::as_str))
    }

    fn poll_request(&mut self, root: &str, m: &PollRequest) -> Result<()> {
        self.only_11(m.poll_parameters.is_some(), "Poll_Parameters")?;
        self.only_10(
            !m.content_bindings.is_empty(),
            "Poll_Request content bindings (1.0; use poll parameters)",
        )?;
        if self.v11() && m.subscription_id.is_some() == m.poll_parameters.is_some() {
            return Err(Error::InvalidField {
                field: "Poll_Request",
                reason:
                    "exactly one of subscription_id and poll_parameters is required in TAXII 1.1"
                        .into(),
            });
        }
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                (self.collection_attr(), Some(&m.collection_name)),
                (
                    "subscription_id",
                    self.attr_in_1_0(m.subscription_id.as_deref()),
                ),
            ],
            &m.extended_headers,
        )?;
        self.opt_timestamp(
            "Exclusive_Begin_Timestamp",
            m.exclusive_begin_timestamp_label.as_ref(),
        )?;
        self.opt_timestamp(
            "Inclusive_End_Timestamp",
            m.inclusive_end_timestamp_label.as_ref(),
        )?;
        if self.v11() {
            self.w
                .opt_text("Subscription_ID", m.subscription_id.as_deref())?;
            if let Some(p) = &m.poll_parameters {
                self.w.open(
                    "Poll_Parameters",
                    &[("allow_asynch", Some(bool_str(p.allow_asynch)))],
                )?;
                self.response_type(p.response_type)?;
                self.content_bindings(&p.content_bindings)?;
                if let Some(q) = &p.query {
                    self.query(q)?;
                }
                if let Some(d) = &p.delivery_parameters {
                    self.push_parameters("Delivery_Parameters", d)?;
                }
                self.w.close("Poll_Parameters");
            }
        } else {
            self.content_bindings(&m.content_bindings)?;
        }
        self.close_message(root, m.signature.as_ref())
    }

    fn record_count(&mut self, rc: Option<&RecordCount>) -> Result<()> {
        if let Some(rc) = rc {
            self.w.open(
                "Record_Count",
                &[("partial_count", rc.partial_count.then_some("true"))],
            )?;
            let count = rc.count.to_string();
            self.w.close_text_after_open(&count);
            self.w.close("Record_Count");
        }
        Ok(())
    }

    fn poll_response(&mut self, root: &str, m: &PollResponse) -> Result<()> {
        self.only_11(m.more, "more")?;
        self.only_11(m.result_id.is_some(), "result_id")?;
        self.only_11(m.result_part_number.is_some(), "result_part_number")?;
        self.only_11(
            m.exclusive_begin_timestamp_label.is_some(),
            "Exclusive_Begin_Timestamp",
        )?;
        self.only_11(m.record_count.is_some(), "Record_Count")?;
        self.only_10(
            m.inclusive_begin_timestamp_label.is_some(),
            "Inclusive_Begin_Timestamp (1.0)",
        )?;
        if !self.v11() && m.inclusive_end_timestamp_label.is_none() {
            return Err(not_representable(
                self.v,
                "a Poll_Response without Inclusive_End_Timestamp",
            ));
        }
        let part = m.result_part_number.map(|n| n.to_string());
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("in_response_to", Some(m.in_response_to.as_str())),
                (self.collection_attr(), Some(&m.collection_name)),
                ("more", m.more.then_some("true")),
                ("result_id", m.result_id.as_deref()),
                ("result_part_number", part.as_deref()),
                (
                    "subscription_id",
                    self.attr_in_1_0(m.subscription_id.as_deref()),
                ),
            ],
            &m.extended_headers,
        )?;
        if self.v11() {
            self.w
                .opt_text("Subscription_ID", m.subscription_id.as_deref())?;
            self.opt_timestamp(
                "Exclusive_Begin_Timestamp",
                m.exclusive_begin_timestamp_label.as_ref(),
            )?;
            self.opt_timestamp(
                "Inclusive_End_Timestamp",
                m.inclusive_end_timestamp_label.as_ref(),
            )?;
            self.record_count(m.record_count.as_ref())?;
            self.w.opt_text("Message", m.message.as_deref())?;
        } else {
            self.w.opt_text("Message", m.message.as_deref())?;
            self.opt_timestamp(
                "Inclusive_Begin_Timestamp",
                m.inclusive_begin_timestamp_label.as_ref(),
            )?;
            self.opt_timestamp(
                "Inclusive_End_Timestamp",
                m.inclusive_end_timestamp_label.as_ref(),
            )?;
        }
        self.content_blocks(&m.content_blocks)?;
        self.close_message(root, m.signature.as_ref())
    }

    fn content_blocks(&mut self, blocks: &[ContentBlock]) -> Result<()> {
        for b in blocks {
            self.only_11(b.message.is_some(), "Content_Block Message")?;
            self.w.open("Content_Block", &[])?;
            self.content_binding(&b.content_binding, Some(1))?;
            self.w.content("Content", &[], &b.content)?;
            self.opt_timestamp("Timestamp_Label", b.timestamp_label.as_ref())?;
            self.w.opt_text("Message", b.message.as_deref())?;
            self.w.opt_text("Padding", b.padding.as_deref())?;
            self.signature(b.signature.as_ref())?;
            self.w.close("Content_Block");
        }
        Ok(())
    }

    fn inbox(&mut self, root: &str, m: &InboxMessage) -> Result<()> {
        self.only_11(
            !m.destination_collection_names.is_empty(),
            "Destination_Collection_Name",
        )?;
        self.only_11(m.result_id.is_some(), "result_id")?;
        self.only_11(m.record_count.is_some(), "Record_Count")?;
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("result_id", m.result_id.as_deref()),
            ],
            &m.extended_headers,
        )?;
        self.uris(
            "Destination_Collection_Name",
            &m.destination_collection_names,
        )?;
        self.w.opt_text("Message", m.message.as_deref())?;
        if let Some(s) = &m.source_subscription {
            self.source_subscription(s)?;
        }
        self.record_count(m.record_count.as_ref())?;
        self.content_blocks(&m.content_blocks)?;
        self.close_message(root, m.signature.as_ref())
    }

    fn source_subscription(&mut self, s: &SourceSubscription) -> Result<()> {
        if self.v11() {
            self.only_10(
                s.inclusive_begin_timestamp_label.is_some(),
                "Inclusive_Begin_Timestamp (1.0)",
            )?;
            let Some(id) = &s.subscription_id else {
                return Err(Error::InvalidField {
                    field: "Source_Subscription",
                    reason: "TAXII 1.1 requires a Subscription_ID".into(),
                });
            };
            self.w.open(
                "Source_Subscription",
                &[("collection_name", Some(&s.collection_name))],
            )?;
            self.w.text("Subscription_ID", id)?;
            self.opt_timestamp(
                "Exclusive_Begin_Timestamp",
                s.exclusive_begin_timestamp_label.as_ref(),
            )?;
            self.opt_timestamp(
                "Inclusive_End_Timestamp",
                s.inclusive_end_timestamp_label.as_ref(),
            )?;
        } else {
            self.only_11(
                s.exclusive_begin_timestamp_label.is_some(),
                "Exclusive_Begin_Timestamp",
            )?;
            if s.inclusive_end_timestamp_label.is_none() {
                return Err(not_representable(
                    self.v,
                    "a Source_Subscription without Inclusive_End_Timestamp",
                ));
            }
            self.w.open(
                "Source_Subscription",
                &[
                    ("feed_name", Some(&s.collection_name)),
                    ("subscription_id", s.subscription_id.as_deref()),
                ],
            )?;
            self.opt_timestamp(
                "Inclusive_Begin_Timestamp",
                s.inclusive_begin_timestamp_label.as_ref(),
            )?;
            self.opt_timestamp(
                "Inclusive_End_Timestamp",
                s.inclusive_end_timestamp_label.as_ref(),
            )?;
        }
        self.w.close("Source_Subscription");
        Ok(())
    }

    fn poll_fulfillment(&mut self, root: &str, m: &PollFulfillmentRequest) -> Result<()> {
        let part = m.result_part_number.map(|n| n.to_string());
        self.open_message(
            root,
            &[
                ("message_id", Some(m.message_id.as_str())),
                ("collection_name", Some(&m.collection_name)),
                ("result_id", Some(&m.result_id)),
                ("result_part_number", part.as_deref()),
            ],
            &m.extended_headers,
        )?;
        self.close_message(root, m.signature.as_ref())
    }

    fn query(&mut self, q: &Query) -> Result<()> {
        check_format(
            &q.format_id,
            matches!(q.body, QueryBody::Default(_)),
            "Query",
        )?;
        let attrs = [("format_id", Some(q.format_id.as_str()))];
        match &q.body {
            QueryBody::Other(content) => self.w.content("Query", &attrs, content),
            QueryBody::Default(dq) => {
                self.w.open("Query", &attrs)?;
                self.w.foreign_open(
                    "tdq",
                    "Default_Query",
                    Some(NS_DEFAULT_QUERY_1_0),
                    &[("targeting_expression_id", Some(&dq.targeting_expression_id))],
                    false,
                )?;
                self.criteria(&dq.criteria)?;
                self.w.foreign_close("tdq", "Default_Query");
                self.w.close("Query");
                Ok(())
            }
        }
    }

    /// Recursion is as deep as the caller's nesting; parsed queries are bounded by the limits.
    fn criteria(&mut self, c: &Criteria) -> Result<()> {
        if c.items.is_empty() {
            return Err(Error::InvalidField {
                field: "Criteria",
                reason: "at least one Criteria or Criterion is required".into(),
            });
        }
        let operator = match c.operator {
            Operator::And => "AND",
            Operator::Or => "OR",
        };
        self.w.foreign_open(
            "tdq",
            "Criteria",
            None,
            &[("operator", Some(operator))],
            false,
        )?;
        for item in &c.items {
            match item {
                CriteriaItem::Criteria(inner) => self.criteria(inner)?,
                CriteriaItem::Criterion(criterion) => {
                    self.w.foreign_open(
                        "tdq",
                        "Criterion",
                        None,
                        &[("negate", Some(bool_str(criterion.negate)))],
                        false,
                    )?;
                    self.w
                        .foreign_text("tdq", "Target", &[], &criterion.target)?;
                    let t = &criterion.test;
                    let attrs = [
                        ("capability_id", Some(t.capability_id.as_str())),
                        ("relationship", Some(t.relationship.as_str())),
                    ];
                    self.w
                        .foreign_open("tdq", "Test", None, &attrs, t.parameters.is_empty())?;
                    if !t.parameters.is_empty() {
                        for p in &t.parameters {
                            self.w.foreign_text(
                                "tdq",
                                "Parameter",
                                &[("name", Some(&p.name))],
                                &p.value,
                            )?;
                        }
                        self.w.foreign_close("tdq", "Test");
                    }
                    self.w.foreign_close("tdq", "Criterion");
                }
            }
        }
        self.w.foreign_close("tdq", "Criteria");
        Ok(())
    }

    fn supported_query(&mut self, q: &SupportedQuery) -> Result<()> {
        check_format(
            &q.format_id,
            matches!(q.info, QueryInfo::Default(_)),
            "Supported_Query",
        )?;
        let attrs = [("format_id", Some(q.format_id.as_str()))];
        match &q.info {
            QueryInfo::Other(content) => self.w.content("Supported_Query", &attrs, content),
            QueryInfo::Default(info) => {
                if info.targeting_expression_infos.is_empty() || info.capability_modules.is_empty()
                {
                    return Err(Error::InvalidField {
                        field: "Default_Query_Info",
                        reason: "needs a Targeting_Expression_Info and a Capability_Module".into(),
                    });
                }
                self.w.open("Supported_Query", &attrs)?;
                self.w.foreign_open(
                    "tdq",
                    "Default_Query_Info",
                    Some(NS_DEFAULT_QUERY_1_0),
                    &[],
                    false,
                )?;
                for t in &info.targeting_expression_infos {
                    let attrs = [(
                        "targeting_expression_id",
                        t.targeting_expression_id.as_deref(),
                    )];
                    let empty = t.preferred_scopes.is_empty() && t.allowed_scopes.is_empty();
                    self.w
                        .foreign_open("tdq", "Targeting_Expression_Info", None, &attrs, empty)?;
                    if !empty {
                        for s in &t.preferred_scopes {
                            self.w.foreign_text("tdq", "Preferred_Scope", &[], s)?;
                        }
                        for s in &t.allowed_scopes {
                            self.w.foreign_text("tdq", "Allowed_Scope", &[], s)?;
                        }
                        self.w.foreign_close("tdq", "Targeting_Expression_Info");
                    }
                }
                for m in &info.capability_modules {
                    self.w.foreign_text("tdq", "Capability_Module", &[], m)?;
                }
                self.w.foreign_close("tdq", "Default_Query_Info");
                self.w.close("Supported_Query");
                Ok(())
            }
        }
    }
}
