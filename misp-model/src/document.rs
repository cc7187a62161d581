//! The top-level forms a MISP JSON document takes, and reading any of them.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

use crate::attribute::Attribute;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::limits::Limits;
use crate::object::Object;
use crate::wire::compact::Out;
use crate::wire::{JsonPath, Wire, WireList, WireValue, write_compact_list};

/// A parsed MISP document in one of the forms MISP and PyMISP produce.
///
/// | form | variant |
/// |---|---|
/// | `{"Event": {…}}` or a bare event | [`Document::Event`] |
/// | `{"response": [{"Event": {…}}, …]}` (or bare events; every element is kept) | [`Document::Events`] |
/// | `{"response": {"Attribute": […]}}` (`attributes/restSearch`) | [`Document::Attributes`] |
/// | `{"response": [{"Object": {…}}, …]}` (`objects/restSearch`) | [`Document::Objects`] |
/// | `[{…}, …]` (`events/index`) | [`Document::Index`] |
///
/// ```
/// use misp_model::Document;
///
/// let doc = Document::from_json(br#"{"response":[{"Event":{"info":"a"}},{"Event":{"info":"b"}}]}"#)?;
/// let infos: Vec<_> = doc.events().iter().map(|e| e.info.as_str()).collect();
/// assert_eq!(infos, ["a", "b"]);
/// # Ok::<(), misp_model::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// One event.
    Event(Box<Event>),
    /// A `response` list of events (search results, collections).
    Events(Vec<Event>),
    /// An attribute search result; attributes may carry an `Event` stub in `extra`.
    Attributes(Vec<Attribute>),
    /// An object search result.
    Objects(Vec<Object>),
    /// An `events/index` array of event rows (metadata without attributes).
    Index(Vec<Event>),
}

impl Document {
    /// Reads any top-level form with the default [`Limits`].
    ///
    /// # Errors
    /// [`Error::Json`] for malformed JSON, [`Error::TooLarge`]/[`Error::LimitExceeded`] for limits,
    /// [`Error::UnrecognisedDocument`] for JSON that is none of the forms, and the value errors
    /// (`WrongType`, `InvalidValue`, `MissingField`) with the JSON path of the first bad value.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with(bytes, &Limits::default())
    }

    /// [`Document::from_json`] with explicit limits.
    ///
    /// # Errors
    /// As [`Document::from_json`].
    pub fn from_json_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        limits.max_document_bytes().check(bytes.len())?;
        let document = crate::stream::read_document(bytes)?;
        document.check_counts(limits)?;
        Ok(document)
    }

    /// Reads an already parsed JSON value.
    ///
    /// # Errors
    /// As [`Document::from_json`], without the size limits.
    pub fn from_value(value: Value) -> Result<Self> {
        let root = JsonPath::Root;
        match value {
            Value::Array(items) => Ok(Self::Index(read_events(items, &root)?)),
            Value::Object(mut map) => {
                if map.contains_key("response") && map.len() == 1 {
                    let response = map.shift_remove("response").unwrap_or(Value::Null);
                    read_response(response, &root.key("response"))
                } else if map.contains_key("Event") && map.len() == 1 {
                    let inner = map.shift_remove("Event").unwrap_or(Value::Null);
                    let event = Event::from_wire(inner, &root.key("Event"))?;
                    Ok(Self::Event(Box::new(event)))
                } else if map.contains_key("Event") || map.contains_key("response") {
                    Err(Error::UnrecognisedDocument {
                        path: String::new(),
                        reason: "`Event`/`response` wrapper with other keys beside it",
                    })
                } else {
                    let event = Event::from_wire(Value::Object(map), &root)?;
                    Ok(Self::Event(Box::new(event)))
                }
            }
            other => Err(Error::wrong_type(&root, "a JSON object or array", &other)),
        }
    }

    /// The events of the document (empty for attribute and object collections).
    pub fn events(&self) -> &[Event] {
        match self {
            Self::Event(event) => std::slice::from_ref(event),
            Self::Events(events) | Self::Index(events) => events,
            Self::Attributes(_) | Self::Objects(_) => &[],
        }
    }

    /// The events of the document, owned.
    pub fn into_events(self) -> Vec<Event> {
        match self {
            Self::Event(event) => vec![*event],
            Self::Events(events) | Self::Index(events) => events,
            Self::Attributes(_) | Self::Objects(_) => Vec::new(),
        }
    }

    /// The document in its own form, normalised: events wrapped as `{"Event":…}`, numbers as
    /// strings, flags as booleans.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Out::in_memory();
        self.write_compact(&mut out);
        out.into_bytes()
    }

    /// Writes what [`Document::to_json`] returns straight into `writer`, without building the
    /// bytes in memory first. The caller owns the sink: this does no I/O of its own.
    ///
    /// # Errors
    /// Whatever `writer` reports.
    pub fn write_json<W: std::io::Write>(&self, mut writer: W) -> std::io::Result<()> {
        let mut out = Out::into_sink(&mut writer);
        self.write_compact(&mut out);
        out.finish()
    }

    /// The compact wire form (what the `Serialize` impl writes, without serde's overhead).
    fn write_compact(&self, out: &mut Out<'_>) {
        match self {
            Self::Event(event) => write_wrapped_event(out, event),
            Self::Events(events) => {
                out.raw(br#"{"response":["#);
                let mut first = true;
                for event in events {
                    out.separator(&mut first);
                    write_wrapped_event(out, event);
                    out.boundary();
                }
                out.raw(b"]}");
            }
            Self::Index(events) => write_compact_list(out, events),
            Self::Attributes(attributes) => {
                out.raw(br#"{"response":{"Attribute":"#);
                write_compact_list(out, attributes);
                out.raw(b"}}");
            }
            Self::Objects(objects) => {
                out.raw(br#"{"response":["#);
                let mut first = true;
                for object in objects {
                    out.separator(&mut first);
                    out.raw(br#"{"Object":"#);
                    object.write_compact(out);
                    out.byte(b'}');
                    out.boundary();
                }
                out.raw(b"]}");
            }
        }
    }

    fn check_counts(&self, limits: &Limits) -> Result<()> {
        let events = self.events();
        if events.len() > limits.max_events() {
            return Err(Error::LimitExceeded {
                what: "events",
                limit: limits.max_events(),
            });
        }
        let attributes: usize = match self {
            Self::Attributes(list) => list.len(),
            Self::Objects(list) => list.iter().map(|o| o.attributes.len()).sum(),
            _ => events.iter().map(|e| e.all_attributes().count()).sum(),
        };
        if attributes > limits.max_attributes() {
            return Err(Error::LimitExceeded {
                what: "attributes",
                limit: limits.max_attributes(),
            });
        }
        Ok(())
    }
}

impl Serialize for Document {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Self::Event(event) => Wrapped { event }.serialize(serializer),
            Self::Events(events) => {
                let wrapped: Vec<Wrapped<'_>> =
                    events.iter().map(|event| Wrapped { event }).collect();
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("response", &wrapped)?;
                map.end()
            }
            Self::Index(events) => WireList(events).serialize(serializer),
            Self::Attributes(attributes) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("response", &AttributeList(attributes))?;
                map.end()
            }
            Self::Objects(objects) => {
                let wrapped: Vec<WrappedObject<'_>> = objects
                    .iter()
                    .map(|object| WrappedObject { object })
                    .collect();
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("response", &wrapped)?;
                map.end()
            }
        }
    }
}

/// Writes `{"Event":…}` around `event` in the compact wire form.
pub(crate) fn write_wrapped_event(out: &mut Out<'_>, event: &Event) {
    out.raw(br#"{"Event":"#);
    event.write_compact(out);
    out.byte(b'}');
}

/// `{"Event": …}` around a borrowed event.
pub(crate) struct Wrapped<'a> {
    pub(crate) event: &'a Event,
}

impl Serialize for Wrapped<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("Event", &Wire(self.event))?;
        map.end()
    }
}

struct WrappedObject<'a> {
    object: &'a Object,
}

impl Serialize for WrappedObject<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("Object", &Wire(self.object))?;
        map.end()
    }
}

struct AttributeList<'a>(&'a [Attribute]);

impl Serialize for AttributeList<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("Attribute", &WireList(self.0))?;
        map.end()
    }
}

/// Serialises to bytes; serialising the model into a `Vec` cannot fail (all keys are strings).
pub(crate) fn to_vec<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Vec<u8> {
    let result = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    result.unwrap_or_default()
}

/// Serialises into `writer`; the model itself always serialises (all keys are strings), so every
/// error comes from the writer.
pub(crate) fn to_writer<W: std::io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
    pretty: bool,
) -> std::io::Result<()> {
    let result = if pretty {
        serde_json::to_writer_pretty(writer, value)
    } else {
        serde_json::to_writer(writer, value)
    };
    result.map_err(std::io::Error::from)
}

/// Unwraps `{"Event": {…}}` if `value` is that wrapper, else returns the bare event object.
fn unwrap_event(value: Value) -> (Value, bool) {
    match value {
        Value::Object(mut map)
            if map.len() == 1 && map.get("Event").is_some_and(Value::is_object) =>
        {
            (map.shift_remove("Event").unwrap_or(Value::Null), true)
        }
        other => (other, false),
    }
}

fn read_events(items: Vec<Value>, path: &JsonPath<'_>) -> Result<Vec<Event>> {
    let mut events = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let element = path.index(i);
        let (inner, wrapped) = unwrap_event(item);
        let event = if wrapped {
            Event::from_wire(inner, &element.key("Event"))?
        } else {
            Event::from_wire(inner, &element)?
        };
        events.push(event);
    }
    Ok(events)
}

fn read_response(response: Value, path: &JsonPath<'_>) -> Result<Document> {
    match response {
        Value::Array(items) => {
            let is_objects = items
                .first()
                .is_some_and(|first| is_wrapper(first, "Object"));
            if is_objects {
                let mut objects = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let element = path.index(i);
                    match item {
                        Value::Object(mut map) if map.len() == 1 && map.contains_key("Object") => {
                            let inner = map.shift_remove("Object").unwrap_or(Value::Null);
                            objects.push(Object::from_wire(inner, &element.key("Object"))?);
                        }
                        _ => {
                            return Err(Error::UnrecognisedDocument {
                                path: element.render(),
                                reason: "an object collection element that is not `{\"Object\": …}`",
                            });
                        }
                    }
                }
                Ok(Document::Objects(objects))
            } else {
                Ok(Document::Events(read_events(items, path)?))
            }
        }
        Value::Object(mut map) if map.len() == 1 && map.contains_key("Attribute") => {
            let attributes = map.shift_remove("Attribute").unwrap_or(Value::Null);
            let list_path = path.key("Attribute");
            match attributes {
                Value::Array(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| Attribute::from_wire(item, &list_path.index(i)))
                    .collect::<Result<Vec<_>>>()
                    .map(Document::Attributes),
                other => Err(Error::wrong_type(&list_path, "an array", &other)),
            }
        }
        other => Err(Error::UnrecognisedDocument {
            path: path.render(),
            reason: match other {
                Value::Object(_) => "a `response` object other than `{\"Attribute\": […]}`",
                _ => "a `response` that is neither a list nor an attribute collection",
            },
        }),
    }
}

fn is_wrapper(value: &Value, key: &str) -> bool {
    matches!(value, Value::Object(map) if map.len() == 1 && map.contains_key(key))
}
