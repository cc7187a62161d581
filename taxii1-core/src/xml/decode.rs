//! From the envelope tree to the message model, enforcing each version's schema: element order,
//! required and allowed elements and attributes, value types.

use std::fmt;
use std::num::NonZeroU64;

use super::read::{Element, NS_XMLDSIG, Ns};
use crate::error::{Error, Result};
use crate::message::*;
use crate::timestamp::Timestamp;
use crate::version::Version;

/// An element path for errors, built without allocating: `Poll_Response/Content_Block[3]`.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Self>,
    name: &'a str,
    index: Option<usize>,
}

impl<'a> Path<'a> {
    fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            name,
            index: None,
        }
    }

    fn child(&'a self, name: &'a str) -> Self {
        Path {
            parent: Some(self),
            name,
            index: None,
        }
    }

    fn item(&'a self, name: &'a str, index: usize) -> Self {
        Path {
            parent: Some(self),
            name,
            index: Some(index),
        }
    }

    fn attr(&self, name: &str) -> String {
        format!("{self}/@{name}")
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}/")?;
        }
        f.write_str(self.name)?;
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        Ok(())
    }
}

fn cut(value: &str) -> String {
    value.chars().take(64).collect()
}

fn invalid(path: String, value: &str, expected: &'static str, offset: u64) -> Error {
    Error::InvalidValue {
        path,
        value: cut(value),
        expected,
        offset,
    }
}

/// Reads children in schema order.
struct Kids<'e, 'p> {
    element: &'e Element,
    at: usize,
    path: &'p Path<'p>,
}

impl<'e, 'p> Kids<'e, 'p> {
    fn new(element: &'e Element, path: &'p Path<'p>) -> Self {
        Self {
            element,
            at: 0,
            path,
        }
    }

    fn peek_is(&self, ns: &Ns, local: &str) -> bool {
        self.element
            .children
            .get(self.at)
            .is_some_and(|c| &c.ns == ns && c.local == local)
    }

    fn opt(&mut self, ns: &Ns, local: &str) -> Option<&'e Element> {
        if self.peek_is(ns, local) {
            let child = self.element.children.get(self.at);
            self.at += 1;
            child
        } else {
            None
        }
    }

    /// An optional simple-content child (no child elements allowed).
    fn opt_leaf(&mut self, ns: &Ns, local: &'static str) -> Result<Option<&'e Element>> {
        let child = self.opt(ns, local);
        if let Some(e) = child {
            leaf(e, &self.path.child(local))?;
        }
        Ok(child)
    }

    /// A required simple-content child (no child elements allowed).
    fn req_leaf(&mut self, ns: &Ns, local: &'static str) -> Result<&'e Element> {
        let e = self.req(ns, local)?;
        leaf(e, &self.path.child(local))?;
        Ok(e)
    }

    fn req(&mut self, ns: &Ns, local: &'static str) -> Result<&'e Element> {
        self.opt(ns, local).ok_or_else(|| Error::MissingElement {
            path: self.path.to_string(),
            element: local,
            offset: self.element.offset,
        })
    }

    fn many(&mut self, ns: &Ns, local: &str) -> Vec<&'e Element> {
        let mut out = Vec::new();
        while let Some(child) = self.opt(ns, local) {
            out.push(child);
        }
        out
    }

    fn signature(&mut self) -> Option<Signature> {
        let ns = Ns::Other(std::borrow::Cow::Borrowed(NS_XMLDSIG));
        self.opt(&ns, "Signature").and_then(|s| s.raw.clone())
    }

    fn finish(self) -> Result<()> {
        if let Some(extra) = self.element.children.get(self.at) {
            return Err(Error::UnexpectedElement {
                path: self.path.to_string(),
                found: format!("{{{}}}{}", extra.ns.uri(), extra.local),
                offset: extra.offset,
            });
        }
        if !self.element.text.trim().is_empty() {
            return Err(invalid(
                self.path.to_string(),
                self.element.text.trim(),
                "no text in an element-only element",
                self.element.offset,
            ));
        }
        Ok(())
    }
}

/// Fails on attributes other than `allowed` (attributes in the XML Schema instance namespace,
/// such as `xsi:schemaLocation`, are allowed everywhere).
fn check_attrs(element: &Element, allowed: &[&str], path: &Path<'_>) -> Result<()> {
    for attr in &element.attrs {
        let ok = match &attr.ns {
            Ns::None => allowed.contains(&attr.local.as_ref()),
            Ns::Other(uri) => uri == "http://www.w3.org/2001/XMLSchema-instance",
            _ => false,
        };
        if !ok {
            return Err(Error::UnexpectedAttribute {
                path: path.to_string(),
                found: attr.local.to_string(),
                offset: element.offset,
            });
        }
    }
    Ok(())
}

/// Fails when a simple-content element (a string, URI, number or timestamp) has child elements.
fn leaf(element: &Element, path: &Path<'_>) -> Result<()> {
    match element.children.first() {
        Some(extra) => Err(Error::UnexpectedElement {
            path: path.to_string(),
            found: extra.local.to_string(),
            offset: extra.offset,
        }),
        None => Ok(()),
    }
}

fn req_attr<'e>(element: &'e Element, name: &'static str, path: &Path<'_>) -> Result<&'e str> {
    element.attr(name).ok_or_else(|| Error::MissingAttribute {
        path: path.to_string(),
        attribute: name,
        offset: element.offset,
    })
}

fn parse_bool(value: &str, path: impl Fn() -> String, offset: u64) -> Result<bool> {
    match value.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(invalid(
            path(),
            value,
            "an xs:boolean (true, false, 1, 0)",
            offset,
        )),
    }
}

fn parse_u64(value: &str, path: impl Fn() -> String, offset: u64) -> Result<u64> {
    let trimmed = value.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            path(),
            value,
            "a non-negative decimal integer",
            offset,
        ));
    }
    digits
        .parse()
        .map_err(|_| invalid(path(), value, "an integer below 2^64", offset))
}

fn parse_positive(value: &str, path: impl Fn() -> String, offset: u64) -> Result<NonZeroU64> {
    let n = parse_u64(value, &path, offset)?;
    NonZeroU64::new(n).ok_or_else(|| invalid(path(), value, "a positive integer", offset))
}

fn parse_timestamp(value: &str, path: impl Fn() -> String, offset: u64) -> Result<Timestamp> {
    Timestamp::new(value.trim()).map_err(|_| {
        invalid(
            path(),
            value,
            "an xs:dateTime with a time zone and at most 6 fractional digits",
            offset,
        )
    })
}

struct Decoder {
    version: Version,
    ns: Ns,
    lenient: bool,
}

/// Turns the envelope tree into a message.
pub(crate) fn decode(root: &Element, lenient: bool) -> Result<Parsed> {
    let version = match &root.ns {
        Ns::Taxii10 => Version::V1_0,
        Ns::Taxii11 => Version::V1_1,
        other => {
            return Err(Error::UnknownMessage {
                namespace: other.uri().to_owned(),
                local_name: root.local.to_string(),
            });
        }
    };
    let d = Decoder {
        version,
        ns: root.ns.clone(),
        lenient,
    };
    let path = Path::root(&root.local);
    let message = match (root.local.as_ref(), version) {
        ("Status_Message", _) => Message::StatusMessage(d.status(root, &path)?),
        ("Discovery_Request", _) => {
            let (message_id, extended_headers, signature) = d.bare_request(root, &path)?;
            Message::DiscoveryRequest(DiscoveryRequest {
                message_id,
                extended_headers,
                signature,
            })
        }
        ("Discovery_Response", _) => Message::DiscoveryResponse(d.discovery_response(root, &path)?),
        ("Collection_Information_Request", Version::V1_1)
        | ("Feed_Information_Request", Version::V1_0) => {
            let (message_id, extended_headers, signature) = d.bare_request(root, &path)?;
            Message::CollectionInformationRequest(CollectionInformationRequest {
                message_id,
                extended_headers,
                signature,
            })
        }
        ("Collection_Information_Response", Version::V1_1)
        | ("Feed_Information_Response", Version::V1_0) => {
            Message::CollectionInformationResponse(d.collection_response(root, &path)?)
        }
        ("Subscription_Management_Request", _) => {
            Message::SubscriptionManagementRequest(d.subscription_request(root, &path)?)
        }
        ("Subscription_Management_Response", _) => {
            Message::SubscriptionManagementResponse(d.subscription_response(root, &path)?)
        }
        ("Poll_Request", _) => Message::PollRequest(d.poll_request(root, &path)?),
        ("Poll_Response", _) => Message::PollResponse(d.poll_response(root, &path)?),
        ("Poll_Fulfillment", Version::V1_1) => {
            Message::PollFulfillmentRequest(d.poll_fulfillment(root, &path)?)
        }
        ("Inbox_Message", _) => Message::InboxMessage(d.inbox(root, &path)?),
        _ => {
            return Err(Error::UnknownMessage {
                namespace: root.ns.uri().to_owned(),
                local_name: root.local.to_string(),
            });
        }
    };
    Ok(Parsed { version, message })
}

/// Decodes one content block of a message streamed by [`super::stream`]: `root` is the
/// message's root element, `index` the block's position (for error paths).
pub(crate) fn content_block(
    root: &Element,
    block: &Element,
    index: usize,
    lenient: bool,
) -> Result<ContentBlock> {
    let version = match root.ns {
        Ns::Taxii10 => Version::V1_0,
        _ => Version::V1_1,
    };
    let d = Decoder {
        version,
        ns: root.ns.clone(),
        lenient,
    };
    let path = Path::root(&root.local);
    d.content_block(block, &path.item("Content_Block", index))
}

impl Decoder {
    fn message_id(
        &self,
        element: &Element,
        name: &'static str,
        path: &Path<'_>,
    ) -> Result<MessageId> {
        let value = req_attr(element, name, path)?;
        if value.is_empty() {
            return Err(invalid(
                path.attr(name),
                value,
                "a non-empty message id",
                element.offset,
            ));
        }
        if self.version == Version::V1_0 && !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                path.attr(name),
                value,
                "decimal digits (TAXII 1.0)",
                element.offset,
            ));
        }
        MessageId::new(value)
    }

    fn extended_headers(
        &self,
        kids: &mut Kids<'_, '_>,
        path: &Path<'_>,
    ) -> Result<Vec<ExtendedHeader>> {
        let Some(headers) = kids.opt(&self.ns, "Extended_Headers") else {
            return Ok(Vec::new());
        };
        let hpath = path.child("Extended_Headers");
        check_attrs(headers, &[], &hpath)?;
        let mut hk = Kids::new(headers, &hpath);
        let mut out = Vec::new();
        for (i, h) in hk.many(&self.ns, "Extended_Header").into_iter().enumerate() {
            let p = hpath.item("Extended_Header", i);
            check_attrs(h, &["name"], &p)?;
            let name = req_attr(h, "name", &p)?.to_owned();
            out.push(ExtendedHeader {
                name,
                value: raw(h),
            });
        }
        if out.is_empty() {
            return Err(Error::MissingElement {
                path: hpath.to_string(),
                element: "Extended_Header",
                offset: headers.offset,
            });
        }
        hk.finish()?;
        Ok(out)
    }

    fn text(&self, kids: &mut Kids<'_, '_>, local: &'static str) -> Result<Option<String>> {
        Ok(kids.opt_leaf(&self.ns, local)?.map(|e| e.text.clone()))
    }

    fn uri(&self, kids: &mut Kids<'_, '_>, local: &'static str) -> Result<String> {
        Ok(kids.req_leaf(&self.ns, local)?.text.trim().to_owned())
    }

    fn uris(
        &self,
        kids: &mut Kids<'_, '_>,
        local: &'static str,
        at_least_one: bool,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for e in kids.many(&self.ns, local) {
            leaf(e, &kids.path.child(local))?;
            out.push(e.text.trim().to_owned());
        }
        if at_least_one && out.is_empty() {
            return Err(Error::MissingElement {
                path: kids.path.to_string(),
                element: local,
                offset: kids.element.offset,
            });
        }
        Ok(out)
    }

    fn timestamp(
        &self,
        kids: &mut Kids<'_, '_>,
        local: &'static str,
        path: &Path<'_>,
    ) -> Result<Option<Timestamp>> {
        kids.opt_leaf(&self.ns, local)?
            .map(|e| parse_timestamp(&e.text, || path.child(local).to_string(), e.offset))
            .transpose()
    }

    fn bare_request(
        &self,
        root: &Element,
        path: &Path<'_>,
    ) -> Result<(MessageId, Vec<ExtendedHeader>, Option<Signature>)> {
        check_attrs(root, &["message_id"], path)?;
        let message_id = self.message_id(root, "message_id", path)?;
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let signature = kids.signature();
        kids.finish()?;
        Ok((message_id, extended_headers, signature))
    }

    /// Content bindings: `Content_Binding/@binding_id` + `Subtype` (1.1) or text (1.0).
    fn content_bindings(
        &self,
        kids: &mut Kids<'_, '_>,
        path: &Path<'_>,
        max_subtypes: Option<usize>,
    ) -> Result<Vec<ContentBinding>> {
        let mut out = Vec::new();
        for (i, e) in kids
            .many(&self.ns, "Content_Binding")
            .into_iter()
            .enumerate()
        {
            let p = path.item("Content_Binding", i);
            out.push(self.content_binding(e, &p, max_subtypes)?);
        }
        Ok(out)
    }

    fn content_binding(
        &self,
        e: &Element,
        p: &Path<'_>,
        max_subtypes: Option<usize>,
    ) -> Result<ContentBinding> {
        match self.version {
            Version::V1_0 => {
                check_attrs(e, &[], p)?;
                leaf(e, p)?;
                Ok(ContentBinding::new(e.text.trim()))
            }
            Version::V1_1 => {
                check_attrs(e, &["binding_id"], p)?;
                let binding_id = req_attr(e, "binding_id", p)?;
                let mut kids = Kids::new(e, p);
                let mut subtypes = Vec::new();
                for (j, s) in kids.many(&self.ns, "Subtype").into_iter().enumerate() {
                    let sp = p.item("Subtype", j);
                    check_attrs(s, &["subtype_id"], &sp)?;
                    Kids::new(s, &sp).finish()?;
                    subtypes.push(req_attr(s, "subtype_id", &sp)?.to_owned());
                }
                if max_subtypes.is_some_and(|max| subtypes.len() > max) {
                    return Err(invalid(
                        p.to_string(),
                        binding_id,
                        "at most one Subtype in a content block",
                        e.offset,
                    ));
                }
                kids.finish()?;
                Ok(ContentBinding {
                    binding_id: binding_id.into(),
                    subtypes,
                })
            }
        }
    }

    fn status(&self, root: &Element, path: &Path<'_>) -> Result<StatusMessage> {
        check_attrs(root, &["message_id", "in_response_to", "status_type"], path)?;
        let message_id = self.message_id(root, "message_id", path)?;
        let in_response_to = self.message_id(root, "in_response_to", path)?;
        let status_type = req_attr(root, "status_type", path)?.trim();
        if status_type.is_empty() {
            return Err(invalid(
                path.attr("status_type"),
                status_type,
                "a status type",
                root.offset,
            ));
        }
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let status_detail = match kids.opt(&self.ns, "Status_Detail") {
            None => None,
            Some(sd) => {
                let p = path.child("Status_Detail");
                check_attrs(sd, &[], &p)?;
                match self.version {
                    Version::V1_0 => {
                        leaf(sd, &p)?;
                        Some(StatusDetail::Text(sd.text.clone()))
                    }
                    Version::V1_1 => {
                        let mut dk = Kids::new(sd, &p);
                        let mut details = Vec::new();
                        for (i, d) in dk.many(&self.ns, "Detail").into_iter().enumerate() {
                            let dp = p.item("Detail", i);
                            check_attrs(d, &["name"], &dp)?;
                            details.push(Detail {
                                name: req_attr(d, "name", &dp)?.to_owned(),
                                value: raw(d),
                            });
                        }
                        dk.finish()?;
                        if details.is_empty() {
                            return Err(Error::MissingElement {
                                path: p.to_string(),
                                element: "Detail",
                                offset: sd.offset,
                            });
                        }
                        Some(StatusDetail::Details(details))
                    }
                }
            }
        };
        let message = self.text(&mut kids, "Message")?;
        let signature = kids.signature();
        kids.finish()?;
        let status = StatusMessage {
            message_id,
            in_response_to,
            extended_headers,
            status_type: status_type.into(),
            status_detail,
            message,
            signature,
        };
        // Typed details must have the type their name calls for.
        let bad = |e: status::BadDetail| {
            invalid(
                path.child("Status_Detail").to_string(),
                &e.value,
                e.expected,
                root.offset,
            )
        };
        if let Some(wait) = status.estimated_wait() {
            wait.map_err(bad)?;
        }
        if let Some(max) = status.max_part_number() {
            max.map_err(bad)?;
        }
        if let Some(push) = status.will_push() {
            push.map_err(bad)?;
        }
        Ok(status)
    }

    fn discovery_response(&self, root: &Element, path: &Path<'_>) -> Result<DiscoveryResponse> {
        check_attrs(root, &["message_id", "in_response_to"], path)?;
        let message_id = self.message_id(root, "message_id", path)?;
        let in_response_to = self.message_id(root, "in_response_to", path)?;
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let mut service_instances = Vec::new();
        for (i, si) in kids
            .many(&self.ns, "Service_Instance")
            .into_iter()
            .enumerate()
        {
            service_instances.push(self.service_instance(si, &path.item("Service_Instance", i))?);
        }
        let signature = kids.signature();
        kids.finish()?;
        Ok(DiscoveryResponse {
            message_id,
            in_response_to,
            extended_headers,
            service_instances,
            signature,
        })
    }

    fn service_type(&self, value: &str, path: &Path<'_>, offset: u64) -> Result<ServiceType> {
        Ok(match (value.trim(), self.version) {
            ("DISCOVERY", _) => ServiceType::Discovery,
            ("COLLECTION_MANAGEMENT", Version::V1_1) | ("FEED_MANAGEMENT", Version::V1_0) => {
                ServiceType::CollectionManagement
            }
            ("INBOX", _) => ServiceType::Inbox,
            ("POLL", _) => ServiceType::Poll,
            _ => {
                return Err(invalid(
                    path.attr("service_type"),
                    value,
                    match self.version {
                        Version::V1_1 => "DISCOVERY, COLLECTION_MANAGEMENT, INBOX or POLL",
                        Version::V1_0 => "DISCOVERY, FEED_MANAGEMENT, INBOX or POLL",
                    },
                    offset,
                ));
            }
        })
    }

    fn service_instance(&self, si: &Element, p: &Path<'_>) -> Result<ServiceInstance> {
        check_attrs(si, &["service_type", "service_version", "available"], p)?;
        let service_type = self.service_type(req_attr(si, "service_type", p)?, p, si.offset)?;
        let service_version = req_attr(si, "service_version", p)?.trim().to_owned();
        let available = si
            .attr("available")
            .map(|v| parse_bool(v, || p.attr("available"), si.offset))
            .transpose()?;
        let mut kids = Kids::new(si, p);
        let protocol_binding = self.uri(&mut kids, "Protocol_Binding")?;
        let address = kids.req_leaf(&self.ns, "Address")?.text.clone();
        let message_bindings = self.uris(&mut kids, "Message_Binding", true)?;
        let mut supported_queries = Vec::new();
        if self.version == Version::V1_1 {
            for (i, q) in kids
                .many(&self.ns, "Supported_Query")
                .into_iter()
                .enumerate()
            {
                supported_queries.push(self.supported_query(q, &p.item("Supported_Query", i))?);
            }
        }
        let content_bindings = self.content_bindings(&mut kids, p, None)?;
        let message = self.text(&mut kids, "Message")?;
        kids.finish()?;
        Ok(ServiceInstance {
            service_type,
            service_version,
            available,
            protocol_binding,
            address,
            message_bindings,
            supported_queries,
            content_bindings,
            message,
        })
    }

    fn supported_query(&self, q: &Element, p: &Path<'_>) -> Result<SupportedQuery> {
        check_attrs(q, &["format_id"], p)?;
        let format_id = req_attr(q, "format_id", p)?.trim().to_owned();
        let info = match &q.raw {
            Some(content) => QueryInfo::Other(content.clone()),
            None => {
                let mut kids = Kids::new(q, p);
                let e = kids.req(&Ns::Tdq, "Default_Query_Info")?;
                let info = default_query_info(e, &p.child("Default_Query_Info"))?;
                kids.finish()?;
                QueryInfo::Default(info)
            }
        };
        Ok(SupportedQuery { format_id, info })
    }

    fn query(&self, q: &Element, p: &Path<'_>) -> Result<Query> {
        check_attrs(q, &["format_id"], p)?;
        let format_id = req_attr(q, "format_id", p)?.trim().to_owned();
        let body = match &q.raw {
            Some(content) => QueryBody::Other(content.clone()),
            None => {
                let mut kids = Kids::new(q, p);
                let e = kids.req(&Ns::Tdq, "Default_Query")?;
                let query = default_query(e, &p.child("Default_Query"))?;
                kids.finish()?;
                QueryBody::Default(query)
            }
        };
        Ok(Query { format_id, body })
    }

    fn collection_response(
        &self,
        root: &Element,
        path: &Path<'_>,
    ) -> Result<CollectionInformationResponse> {
        check_attrs(root, &["message_id", "in_response_to"], path)?;
        let message_id = self.message_id(root, "message_id", path)?;
        let in_response_to = self.message_id(root, "in_response_to", path)?;
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let record = match self.version {
            Version::V1_1 => "Collection",
            Version::V1_0 => "Feed",
        };
        let mut collections = Vec::new();
        for (i, c) in kids.many(&self.ns, record).into_iter().enumerate() {
            collections.push(self.collection(c, &path.item(record, i))?);
        }
        let signature = kids.signature();
        kids.finish()?;
        Ok(CollectionInformationResponse {
            message_id,
            in_response_to,
            extended_headers,
            collections,
            signature,
        })
    }

    fn collection(&self, c: &Element, p: &Path<'_>) -> Result<CollectionRecord> {
        let name_attr = self.collection_attr();
        match self.version {
            Version::V1_1 => {
                check_attrs(c, &["collection_name", "collection_type", "available"], p)?
            }
            Version::V1_0 => check_attrs(c, &["feed_name", "available"], p)?,
        }
        let collection_name = req_attr(c, name_attr, p)?.trim().to_owned();
        let collection_type = match c.attr("collection_type").map(str::trim) {
            None => None,
            Some("DATA_FEED") => Some(CollectionType::DataFeed),
            Some("DATA_SET") => Some(CollectionType::DataSet),
            Some(other) => {
                return Err(invalid(
                    p.attr("collection_type"),
                    other,
                    "DATA_FEED or DATA_SET",
                    c.offset,
                ));
            }
        };
        let available = c
            .attr("available")
            .map(|v| parse_bool(v, || p.attr("available"), c.offset))
            .transpose()?;
        let mut kids = Kids::new(c, p);
        let description = kids.req_leaf(&self.ns, "Description")?.text.clone();
        let collection_volume = match self.version {
            Version::V1_1 => kids
                .opt(&self.ns, "Collection_Volume")
                .map(|e| {
                    parse_u64(
                        &e.text,
                        || p.child("Collection_Volume").to_string(),
                        e.offset,
                    )
                })
                .transpose()?,
            Version::V1_0 => None,
        };
        let content_bindings = self.content_bindings(&mut kids, p, None)?;
        let mut push_methods = Vec::new();
        for (i, m) in kids.many(&self.ns, "Push_Method").into_iter().enumerate() {
            let mp = p.item("Push_Method", i);
            check_attrs(m, &[], &mp)?;
            let mut mk = Kids::new(m, &mp);
            let protocol_binding = self.uri(&mut mk, "Protocol_Binding")?;
            let message_bindings = self.uris(&mut mk, "Message_Binding", true)?;
            mk.finish()?;
            push_methods.push(PushMethod {
                protocol_binding,
                message_bindings,
            });
        }
        let polling_services = self.contacts(&mut kids, "Polling_Service", p)?;
        let subscription_services = self.contacts(&mut kids, "Subscription_Service", p)?;
        if self.version == Version::V1_0 && !self.lenient {
            if content_bindings.is_empty() {
                return Err(Error::MissingElement {
                    path: p.to_string(),
                    element: "Content_Binding",
                    offset: c.offset,
                });
            }
            if push_methods.is_empty() && polling_services.is_empty() {
                return Err(Error::MissingElement {
                    path: p.to_string(),
                    element: "Push_Method or Polling_Service",
                    offset: c.offset,
                });
            }
        }
        let mut receiving_inbox_services = Vec::new();
        if self.version == Version::V1_1 {
            for (i, r) in kids
                .many(&self.ns, "Receiving_Inbox_Service")
                .into_iter()
                .enumerate()
            {
                let rp = p.item("Receiving_Inbox_Service", i);
                check_attrs(r, &[], &rp)?;
                let mut rk = Kids::new(r, &rp);
                let contact = self.contact_fields(&mut rk)?;
                let content_bindings = self.content_bindings(&mut rk, &rp, None)?;
                rk.finish()?;
                receiving_inbox_services.push(InboxService {
                    contact,
                    content_bindings,
                });
            }
        }
        kids.finish()?;
        Ok(CollectionRecord {
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
        })
    }

    fn contact_fields(&self, kids: &mut Kids<'_, '_>) -> Result<ServiceContact> {
        let protocol_binding = self.uri(kids, "Protocol_Binding")?;
        let address = kids.req_leaf(&self.ns, "Address")?.text.clone();
        let message_bindings = self.uris(kids, "Message_Binding", true)?;
        Ok(ServiceContact {
            protocol_binding,
            address,
            message_bindings,
        })
    }

    fn contacts(
        &self,
        kids: &mut Kids<'_, '_>,
        local: &'static str,
        p: &Path<'_>,
    ) -> Result<Vec<ServiceContact>> {
        let mut out = Vec::new();
        for (i, e) in kids.many(&self.ns, local).into_iter().enumerate() {
            let ep = p.item(local, i);
            check_attrs(e, &[], &ep)?;
            let mut ek = Kids::new(e, &ep);
            out.push(self.contact_fields(&mut ek)?);
            ek.finish()?;
        }
        Ok(out)
    }

    fn collection_attr(&self) -> &'static str {
        match self.version {
            Version::V1_1 => "collection_name",
            Version::V1_0 => "feed_name",
        }
    }

    fn response_type(&self, kids: &mut Kids<'_, '_>, p: &Path<'_>) -> Result<ResponseType> {
        match kids.opt(&self.ns, "Response_Type") {
            None => Ok(ResponseType::Full),
            Some(e) => match e.text.trim() {
                "FULL" => Ok(ResponseType::Full),
                "COUNT_ONLY" => Ok(ResponseType::CountOnly),
                other => Err(invalid(
                    p.child("Response_Type").to_string(),
                    other,
                    "FULL or COUNT_ONLY",
                    e.offset,
                )),
            },
        }
    }

    fn subscription_parameters(&self, e: &Element, p: &Path<'_>) -> Result<SubscriptionParameters> {
        check_attrs(e, &[], p)?;
        let mut kids = Kids::new(e, p);
        let response_type = self.response_type(&mut kids, p)?;
        let content_bindings = self.content_bindings(&mut kids, p, None)?;
        let query = kids
            .opt(&self.ns, "Query")
            .map(|q| self.query(q, &p.child("Query")))
            .transpose()?;
        kids.finish()?;
        Ok(SubscriptionParameters {
            response_type,
            content_bindings,
            query,
        })
    }

    fn push_parameters(&self, e: &Element, p: &Path<'_>) -> Result<PushParameters> {
        check_attrs(e, &[], p)?;
        let mut kids = Kids::new(e, p);
        let protocol_binding = self.uri(&mut kids, "Protocol_Binding")?;
        let address = kids.req_leaf(&self.ns, "Address")?.text.clone();
        let message_binding = self.uri(&mut kids, "Message_Binding")?;
        let content_bindings = match self.version {
            Version::V1_0 => self.content_bindings(&mut kids, p, None)?,
            Version::V1_1 => Vec::new(),
        };
        kids.finish()?;
        Ok(PushParameters {
            protocol_binding,
            address,
            message_binding,
            content_bindings,
        })
    }

    fn subscription_request(
        &self,
        root: &Element,
        path: &Path<'_>,
    ) -> Result<SubscriptionManagementRequest> {
        match self.version {
            Version::V1_1 => check_attrs(root, &["message_id", "action", "collection_name"], path)?,
            Version::V1_0 => check_attrs(
                root,
                &["message_id", "action", "feed_name", "subscription_id"],
                path,
            )?,
        }
        let message_id = self.message_id(root, "message_id", path)?;
        let action_text = req_attr(root, "action", path)?;
        let action = match (action_text.trim(), self.version) {
            ("SUBSCRIBE", _) => SubscriptionAction::Subscribe,
            ("UNSUBSCRIBE", _) => SubscriptionAction::Unsubscribe,
            ("PAUSE", Version::V1_1) => SubscriptionAction::Pause,
            ("RESUME", Version::V1_1) => SubscriptionAction::Resume,
            ("STATUS", _) => SubscriptionAction::Status,
            _ => {
                return Err(invalid(
                    path.attr("action"),
                    action_text,
                    match self.version {
                        Version::V1_1 => "SUBSCRIBE, UNSUBSCRIBE, PAUSE, RESUME or STATUS",
                        Version::V1_0 => "SUBSCRIBE, UNSUBSCRIBE or STATUS",
                    },
                    root.offset,
                ));
            }
        };
        let collection_name = req_attr(root, self.collection_attr(), path)?
            .trim()
            .to_owned();
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let (subscription_id, subscription_parameters) = match self.version {
            Version::V1_1 => {
                let id = kids
                    .opt(&self.ns, "Subscription_ID")
                    .map(|e| e.text.trim().to_owned());
                let params = kids
                    .opt(&self.ns, "Subscription_Parameters")
                    .map(|e| {
                        self.subscription_parameters(e, &path.child("Subscription_Parameters"))
                    })
                    .transpose()?;
                (id, params)
            }
            Version::V1_0 => (
                root.attr("subscription_id").map(|s| s.trim().to_owned()),
                None,
            ),
        };
        let push_parameters = kids
            .opt(&self.ns, "Push_Parameters")
            .map(|e| self.push_parameters(e, &path.child("Push_Parameters")))
            .transpose()?;
        let signature = kids.signature();
        kids.finish()?;
        Ok(SubscriptionManagementRequest {
            message_id,
            extended_headers,
            action,
            collection_name,
            subscription_id,
            subscription_parameters,
            push_parameters,
            signature,
        })
    }

    fn subscription_response(
        &self,
        root: &Element,
        path: &Path<'_>,
    ) -> Result<SubscriptionManagementResponse> {
        let name_attr = self.collection_attr();
        check_attrs(root, &["message_id", "in_response_to", name_attr], path)?;
        let message_id = self.message_id(root, "message_id", path)?;
        let in_response_to = self.message_id(root, "in_response_to", path)?;
        let collection_name = req_attr(root, name_attr, path)?.trim().to_owned();
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let message = self.text(&mut kids, "Message")?;
        let mut subscriptions = Vec::new();
        for (i, s) in kids.many(&self.ns, "Subscription").into_iter().enumerate() {
            let sp = path.item("Subscription", i);
            subscriptions.push(self.subscription_record(s, &sp)?);
        }
        let signature = kids.signature();
        kids.finish()?;
        Ok(SubscriptionManagementResponse {
            message_id,
            in_response_to,
            extended_headers,
            collection_name,
            message,
            subscriptions,
            signature,
        })
    }

    fn subscription_record(&self, s: &Element, p: &Path<'_>) -> Result<SubscriptionRecord> {
        let mut kids = Kids::new(s, p);
        let (subscription_id, status, subscription_parameters) = match self.version {
            Version::V1_1 => {
                check_attrs(s, &["status"], p)?;
                let status = match s.attr("status").map(str::trim) {
                    None => None,
                    Some("ACTIVE") => Some(SubscriptionStatus::Active),
                    Some("PAUSED") => Some(SubscriptionStatus::Paused),
                    Some("UNSUBSCRIBED") => Some(SubscriptionStatus::Unsubscribed),
                    Some(other) => {
                        return Err(invalid(
                            p.attr("status"),
                            other,
                            "ACTIVE, PAUSED or UNSUBSCRIBED",
                            s.offset,
                        ));
                    }
                };
                let id = self.uri(&mut kids, "Subscription_ID")?;
                let params = kids
                    .opt(&self.ns, "Subscription_Parameters")
                    .map(|e| self.subscription_parameters(e, &p.child("Subscription_Parameters")))
                    .transpose()?;
                (id, status, params)
            }
            Version::V1_0 => {
                check_attrs(s, &["subscription_id"], p)?;
                (
                    req_attr(s, "subscription_id", p)?.trim().to_owned(),
                    None,
                    None,
                )
            }
        };
        let push_parameters = kids
            .opt(&self.ns, "Push_Parameters")
            .map(|e| self.push_parameters(e, &p.child("Push_Parameters")))
            .transpose()?;
        let poll_instances = self.contacts(&mut kids, "Poll_Instance", p)?;
        kids.finish()?;
        Ok(SubscriptionRecord {
            subscription_id,
            status,
            subscription_parameters,
            push_parameters,
            poll_instances,
        })
    }

    fn poll_request(&self, root: &Element, path: &Path<'_>) -> Result<PollRequest> {
        match self.version {
            Version::V1_1 => check_attrs(root, &["message_id", "collection_name"], path)?,
            Version::V1_0 => {
                check_attrs(root, &["message_id", "feed_name", "subscription_id"], path)?
            }
        }
        let message_id = self.message_id(root, "message_id", path)?;
        let collection_name = req_attr(root, self.collection_attr(), path)?
            .trim()
            .to_owned();
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let exclusive_begin_timestamp_label =
            self.timestamp(&mut kids, "Exclusive_Begin_Timestamp", path)?;
        let inclusive_end_timestamp_label =
            self.timestamp(&mut kids, "Inclusive_End_Timestamp", path)?;
        let (subscription_id, poll_parameters, content_bindings) = match self.version {
            Version::V1_1 => {
                let id = kids
                    .opt(&self.ns, "Subscription_ID")
                    .map(|e| e.text.trim().to_owned());
                let params = if id.is_none() {
                    let e = kids.opt(&self.ns, "Poll_Parameters").ok_or_else(|| {
                        Error::MissingElement {
                            path: path.to_string(),
                            element: "Subscription_ID or Poll_Parameters",
                            offset: root.offset,
                        }
                    })?;
                    Some(self.poll_parameters(e, &path.child("Poll_Parameters"))?)
                } else {
                    None
                };
                (id, params, Vec::new())
            }
            Version::V1_0 => (
                root.attr("subscription_id").map(|s| s.trim().to_owned()),
                None,
                self.content_bindings(&mut kids, path, None)?,
            ),
        };
        let signature = kids.signature();
        kids.finish()?;
        Ok(PollRequest {
            message_id,
            extended_headers,
            collection_name,
            exclusive_begin_timestamp_label,
            inclusive_end_timestamp_label,
            subscription_id,
            poll_parameters,
            content_bindings,
            signature,
        })
    }

    fn poll_parameters(&self, e: &Element, p: &Path<'_>) -> Result<PollParameters> {
        check_attrs(e, &["allow_asynch"], p)?;
        let allow_asynch = e
            .attr("allow_asynch")
            .map(|v| parse_bool(v, || p.attr("allow_asynch"), e.offset))
            .transpose()?
            .unwrap_or(false);
        let mut kids = Kids::new(e, p);
        let response_type = self.response_type(&mut kids, p)?;
        let content_bindings = self.content_bindings(&mut kids, p, None)?;
        let query = kids
            .opt(&self.ns, "Query")
            .map(|q| self.query(q, &p.child("Query")))
            .transpose()?;
        let delivery_parameters = kids
            .opt(&self.ns, "Delivery_Parameters")
            .map(|d| self.push_parameters(d, &p.child("Delivery_Parameters")))
            .transpose()?;
        kids.finish()?;
        Ok(PollParameters {
            allow_asynch,
            response_type,
            content_bindings,
            query,
            delivery_parameters,
        })
    }

    fn record_count(&self, kids: &mut Kids<'_, '_>, p: &Path<'_>) -> Result<Option<RecordCount>> {
        let Some(e) = kids.opt(&self.ns, "Record_Count") else {
            return Ok(None);
        };
        let rp = p.child("Record_Count");
        check_attrs(e, &["partial_count"], &rp)?;
        let count = parse_u64(&e.text, || rp.to_string(), e.offset)?;
        let partial_count = e
            .attr("partial_count")
            .map(|v| parse_bool(v, || rp.attr("partial_count"), e.offset))
            .transpose()?
            .unwrap_or(false);
        leaf(e, &rp)?;
        Ok(Some(RecordCount {
            count,
            partial_count,
        }))
    }

    fn poll_response(&self, root: &Element, path: &Path<'_>) -> Result<PollResponse> {
        match self.version {
            Version::V1_1 => check_attrs(
                root,
                &[
                    "message_id",
                    "in_response_to",
                    "collection_name",
                    "more",
                    "result_id",
                    "result_part_number",
                ],
                path,
            )?,
            Version::V1_0 => check_attrs(
                root,
                &[
                    "message_id",
                    "in_response_to",
                    "feed_name",
                    "subscription_id",
                ],
                path,
            )?,
        }
        let message_id = self.message_id(root, "message_id", path)?;
        let in_response_to = self.message_id(root, "in_response_to", path)?;
        let collection_name = req_attr(root, self.collection_attr(), path)?
            .trim()
            .to_owned();
        let more = root
            .attr("more")
            .map(|v| parse_bool(v, || path.attr("more"), root.offset))
            .transpose()?
            .unwrap_or(false);
        let result_id = root.attr("result_id").map(|s| s.trim().to_owned());
        let result_part_number = root
            .attr("result_part_number")
            .map(|v| parse_positive(v, || path.attr("result_part_number"), root.offset))
            .transpose()?;
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let mut response =
            PollResponse::new(message_id, in_response_to, collection_name, Vec::new());
        response.extended_headers = extended_headers;
        response.more = more;
        response.result_id = result_id;
        response.result_part_number = result_part_number;
        match self.version {
            Version::V1_1 => {
                response.subscription_id = kids
                    .opt(&self.ns, "Subscription_ID")
                    .map(|e| e.text.trim().to_owned());
                response.exclusive_begin_timestamp_label =
                    self.timestamp(&mut kids, "Exclusive_Begin_Timestamp", path)?;
                response.inclusive_end_timestamp_label =
                    self.timestamp(&mut kids, "Inclusive_End_Timestamp", path)?;
                response.record_count = self.record_count(&mut kids, path)?;
                response.message = self.text(&mut kids, "Message")?;
            }
            Version::V1_0 => {
                response.subscription_id =
                    root.attr("subscription_id").map(|s| s.trim().to_owned());
                response.message = self.text(&mut kids, "Message")?;
                response.inclusive_begin_timestamp_label =
                    self.timestamp(&mut kids, "Inclusive_Begin_Timestamp", path)?;
                response.inclusive_end_timestamp_label =
                    self.timestamp(&mut kids, "Inclusive_End_Timestamp", path)?;
                if response.inclusive_end_timestamp_label.is_none() {
                    return Err(Error::MissingElement {
                        path: path.to_string(),
                        element: "Inclusive_End_Timestamp",
                        offset: root.offset,
                    });
                }
            }
        }
        response.content_blocks = self.content_blocks(&mut kids, path)?;
        response.signature = kids.signature();
        kids.finish()?;
        Ok(response)
    }

    fn content_blocks(
        &self,
        kids: &mut Kids<'_, '_>,
        path: &Path<'_>,
    ) -> Result<Vec<ContentBlock>> {
        let blocks = kids.many(&self.ns, "Content_Block");
        let mut out = Vec::with_capacity(blocks.len());
        for (i, block) in blocks.into_iter().enumerate() {
            out.push(self.content_block(block, &path.item("Content_Block", i))?);
        }
        Ok(out)
    }

    fn content_block(&self, b: &Element, p: &Path<'_>) -> Result<ContentBlock> {
        check_attrs(b, &[], p)?;
        let mut bk = Kids::new(b, p);
        let binding = bk.req(&self.ns, "Content_Binding")?;
        let max_subtypes = if self.lenient { None } else { Some(1) };
        let content_binding =
            self.content_binding(binding, &p.child("Content_Binding"), max_subtypes)?;
        let content_el = bk.req(&self.ns, "Content")?;
        check_attrs(content_el, &[], &p.child("Content"))?;
        let content = raw(content_el);
        let timestamp_label = self.timestamp(&mut bk, "Timestamp_Label", p)?;
        let message = match self.version {
            Version::V1_1 => self.text(&mut bk, "Message")?,
            Version::V1_0 => None,
        };
        let padding = self.text(&mut bk, "Padding")?;
        let signature = bk.signature();
        bk.finish()?;
        Ok(ContentBlock {
            content_binding,
            content,
            timestamp_label,
            message,
            padding,
            signature,
        })
    }

    fn inbox(&self, root: &Element, path: &Path<'_>) -> Result<InboxMessage> {
        match self.version {
            Version::V1_1 => check_attrs(root, &["message_id", "result_id"], path)?,
            Version::V1_0 => check_attrs(root, &["message_id"], path)?,
        }
        let message_id = self.message_id(root, "message_id", path)?;
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let mut inbox = InboxMessage::new(message_id, Vec::new());
        inbox.extended_headers = extended_headers;
        if self.version == Version::V1_1 {
            inbox.result_id = root.attr("result_id").map(|s| s.trim().to_owned());
            inbox.destination_collection_names =
                self.uris(&mut kids, "Destination_Collection_Name", false)?;
        }
        inbox.message = self.text(&mut kids, "Message")?;
        if let Some(s) = kids.opt(&self.ns, "Source_Subscription") {
            inbox.source_subscription =
                Some(self.source_subscription(s, &path.child("Source_Subscription"))?);
        }
        if self.version == Version::V1_1 {
            inbox.record_count = self.record_count(&mut kids, path)?;
        }
        inbox.content_blocks = self.content_blocks(&mut kids, path)?;
        inbox.signature = kids.signature();
        kids.finish()?;
        Ok(inbox)
    }

    fn source_subscription(&self, s: &Element, p: &Path<'_>) -> Result<SourceSubscription> {
        let mut kids = Kids::new(s, p);
        let out = match self.version {
            Version::V1_1 => {
                check_attrs(s, &["collection_name"], p)?;
                let collection_name = req_attr(s, "collection_name", p)?.trim().to_owned();
                let subscription_id = Some(self.uri(&mut kids, "Subscription_ID")?);
                let exclusive_begin_timestamp_label =
                    self.timestamp(&mut kids, "Exclusive_Begin_Timestamp", p)?;
                let inclusive_end_timestamp_label =
                    self.timestamp(&mut kids, "Inclusive_End_Timestamp", p)?;
                SourceSubscription {
                    collection_name,
                    subscription_id,
                    exclusive_begin_timestamp_label,
                    inclusive_begin_timestamp_label: None,
                    inclusive_end_timestamp_label,
                }
            }
            Version::V1_0 => {
                check_attrs(s, &["feed_name", "subscription_id"], p)?;
                let collection_name = req_attr(s, "feed_name", p)?.trim().to_owned();
                let subscription_id = s.attr("subscription_id").map(|v| v.trim().to_owned());
                let inclusive_begin_timestamp_label =
                    self.timestamp(&mut kids, "Inclusive_Begin_Timestamp", p)?;
                let inclusive_end_timestamp_label =
                    self.timestamp(&mut kids, "Inclusive_End_Timestamp", p)?;
                if inclusive_end_timestamp_label.is_none() {
                    return Err(Error::MissingElement {
                        path: p.to_string(),
                        element: "Inclusive_End_Timestamp",
                        offset: s.offset,
                    });
                }
                SourceSubscription {
                    collection_name,
                    subscription_id,
                    exclusive_begin_timestamp_label: None,
                    inclusive_begin_timestamp_label,
                    inclusive_end_timestamp_label,
                }
            }
        };
        kids.finish()?;
        Ok(out)
    }

    fn poll_fulfillment(&self, root: &Element, path: &Path<'_>) -> Result<PollFulfillmentRequest> {
        check_attrs(
            root,
            &[
                "message_id",
                "collection_name",
                "result_id",
                "result_part_number",
            ],
            path,
        )?;
        let message_id = self.message_id(root, "message_id", path)?;
        let collection_name = req_attr(root, "collection_name", path)?.trim().to_owned();
        let result_id = req_attr(root, "result_id", path)?.trim().to_owned();
        let result_part_number = root
            .attr("result_part_number")
            .map(|v| parse_positive(v, || path.attr("result_part_number"), root.offset))
            .transpose()?;
        let mut kids = Kids::new(root, path);
        let extended_headers = self.extended_headers(&mut kids, path)?;
        let signature = kids.signature();
        kids.finish()?;
        Ok(PollFulfillmentRequest {
            message_id,
            extended_headers,
            collection_name,
            result_id,
            result_part_number,
            signature,
        })
    }
}

fn raw(element: &Element) -> Content {
    element
        .raw
        .clone()
        .unwrap_or_else(|| Content::text(String::new()))
}

fn tdq_text(kids: &mut Kids<'_, '_>, local: &'static str) -> Result<String> {
    Ok(kids.req_leaf(&Ns::Tdq, local)?.text.clone())
}

fn default_query_info(e: &Element, p: &Path<'_>) -> Result<DefaultQueryInfo> {
    check_attrs(e, &[], p)?;
    let mut kids = Kids::new(e, p);
    let mut targeting_expression_infos = Vec::new();
    for (i, t) in kids
        .many(&Ns::Tdq, "Targeting_Expression_Info")
        .into_iter()
        .enumerate()
    {
        let tp = p.item("Targeting_Expression_Info", i);
        check_attrs(t, &["targeting_expression_id"], &tp)?;
        let mut tk = Kids::new(t, &tp);
        let preferred_scopes = tk
            .many(&Ns::Tdq, "Preferred_Scope")
            .into_iter()
            .map(|s| s.text.clone())
            .collect();
        let allowed_scopes = tk
            .many(&Ns::Tdq, "Allowed_Scope")
            .into_iter()
            .map(|s| s.text.clone())
            .collect();
        tk.finish()?;
        targeting_expression_infos.push(TargetingExpressionInfo {
            targeting_expression_id: t
                .attr("targeting_expression_id")
                .map(|s| s.trim().to_owned()),
            preferred_scopes,
            allowed_scopes,
        });
    }
    if targeting_expression_infos.is_empty() {
        return Err(Error::MissingElement {
            path: p.to_string(),
            element: "Targeting_Expression_Info",
            offset: e.offset,
        });
    }
    let capability_modules: Vec<String> = kids
        .many(&Ns::Tdq, "Capability_Module")
        .into_iter()
        .map(|m| m.text.trim().to_owned())
        .collect();
    if capability_modules.is_empty() {
        return Err(Error::MissingElement {
            path: p.to_string(),
            element: "Capability_Module",
            offset: e.offset,
        });
    }
    kids.finish()?;
    Ok(DefaultQueryInfo {
        targeting_expression_infos,
        capability_modules,
    })
}

fn default_query(e: &Element, p: &Path<'_>) -> Result<DefaultQuery> {
    check_attrs(e, &["targeting_expression_id"], p)?;
    let targeting_expression_id = req_attr(e, "targeting_expression_id", p)?.trim().to_owned();
    let mut kids = Kids::new(e, p);
    let c = kids.req(&Ns::Tdq, "Criteria")?;
    let criteria = criteria(c, &p.child("Criteria"))?;
    kids.finish()?;
    Ok(DefaultQuery {
        targeting_expression_id,
        criteria,
    })
}

/// Recursion depth is bounded by the reader's depth limit.
fn criteria(e: &Element, p: &Path<'_>) -> Result<Criteria> {
    check_attrs(e, &["operator"], p)?;
    let operator_text = req_attr(e, "operator", p)?;
    let operator = match operator_text.trim() {
        "AND" => Operator::And,
        "OR" => Operator::Or,
        _ => {
            return Err(invalid(
                p.attr("operator"),
                operator_text,
                "AND or OR",
                e.offset,
            ));
        }
    };
    let mut items = Vec::with_capacity(e.children.len());
    for (i, child) in e.children.iter().enumerate() {
        match (&child.ns, child.local.as_ref()) {
            (Ns::Tdq, "Criteria") => items.push(CriteriaItem::Criteria(criteria(
                child,
                &p.item("Criteria", i),
            )?)),
            (Ns::Tdq, "Criterion") => items.push(CriteriaItem::Criterion(criterion(
                child,
                &p.item("Criterion", i),
            )?)),
            _ => {
                return Err(Error::UnexpectedElement {
                    path: p.to_string(),
                    found: format!("{{{}}}{}", child.ns.uri(), child.local),
                    offset: child.offset,
                });
            }
        }
    }
    if items.is_empty() {
        return Err(Error::MissingElement {
            path: p.to_string(),
            element: "Criteria or Criterion",
            offset: e.offset,
        });
    }
    Kids {
        element: e,
        at: e.children.len(),
        path: p,
    }
    .finish()?;
    Ok(Criteria { operator, items })
}

fn criterion(e: &Element, p: &Path<'_>) -> Result<Criterion> {
    check_attrs(e, &["negate"], p)?;
    let negate = e
        .attr("negate")
        .map(|v| parse_bool(v, || p.attr("negate"), e.offset))
        .transpose()?
        .unwrap_or(false);
    let mut kids = Kids::new(e, p);
    let target = tdq_text(&mut kids, "Target")?;
    let t = kids.req(&Ns::Tdq, "Test")?;
    let tp = p.child("Test");
    check_attrs(t, &["capability_id", "relationship"], &tp)?;
    let capability_id = req_attr(t, "capability_id", &tp)?.trim().to_owned();
    let relationship = req_attr(t, "relationship", &tp)?.to_owned();
    let mut tk = Kids::new(t, &tp);
    let mut parameters = Vec::new();
    for (i, param) in tk.many(&Ns::Tdq, "Parameter").into_iter().enumerate() {
        let pp = tp.item("Parameter", i);
        check_attrs(param, &["name"], &pp)?;
        leaf(param, &pp)?;
        parameters.push(Parameter {
            name: req_attr(param, "name", &pp)?.to_owned(),
            value: param.text.clone(),
        });
    }
    tk.finish()?;
    kids.finish()?;
    Ok(Criterion {
        negate,
        target,
        test: Test {
            capability_id,
            relationship,
            parameters,
        },
    })
}
