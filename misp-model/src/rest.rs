//! Sans-IO client for MISP's REST API: builds `http::Request`s and parses `http::Response`s.
//!
//! No I/O happens here: send the requests with any HTTP client and hand the responses back.
//! Requests carry what MISP expects (§5.1 of our notes): `Authorization: <authkey>`,
//! `Accept: application/json`, `Content-Type: application/json` and our own `User-Agent`
//! (never one containing `MISP `, which MISP reserves for server-to-server sync). Bodies are what
//! PyMISP sends: the bare event or attribute, `{"uuid","tag","local"}` for tags, search filters
//! with `returnFormat: json`.
//!
//! Errors come back typed from MISP's shapes ([`ApiError`]); a repeated event UUID on add
//! (404 + `Location`) is the [`AddOutcome::AlreadyExists`] outcome, and a stale edit is
//! [`ApiErrorKind::StaleEdit`]. The authkey never appears in `Debug` output or errors.
//!
//! ```
//! use misp_model::rest::{AddOutcome, MispClient};
//! use misp_model::Event;
//!
//! let client = MispClient::new("https://misp.example", "0123456789abcdefghijABCDEFGHIJ0123456789")?;
//! let event = Event::new("x").with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e");
//! let request = client.add_event(&event)?;
//! assert_eq!(request.uri(), "https://misp.example/events/add");
//! assert!(!format!("{client:?}").contains("0123456789abcdefghij"));
//!
//! let response = http::Response::builder()
//!     .status(404)
//!     .header("Location", "/events/1")
//!     .body(br#"{"name":"Event already exists, if you would like to edit it, use the url in the location header.","message":"...","url":"/events/add"}"#.to_vec())?;
//! match client.parse_add_event(&response)? {
//!     AddOutcome::AlreadyExists { existing_id, .. } => assert_eq!(existing_id, Some(1)),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{Method, Request, Response, StatusCode};
use serde_json::{Map, Value};

use crate::attribute::Attribute;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::limits::Limits;
use crate::validate::is_uuid;
use crate::wire::{JsonPath, WireValue};

/// The `User-Agent` sent unless replaced with [`MispClient::with_user_agent`].
pub const DEFAULT_USER_AGENT: &str = concat!("misp-model/", env!("CARGO_PKG_VERSION"));

/// A MISP authkey: 40 letters or digits. Its `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey(String);

impl AuthKey {
    /// Checks the key's form (MISP only tries keys matching `^[a-zA-Z0-9]{40}$`).
    ///
    /// # Errors
    /// [`Error::Request`] (without the key) when it has the wrong form.
    pub fn new(key: &str) -> Result<Self> {
        let key = key.trim();
        if key.len() == 40 && key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(key.to_owned()))
        } else {
            Err(Error::Request(format!(
                "the authkey must be 40 letters or digits (got {} characters)",
                key.chars().count()
            )))
        }
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthKey(<redacted>)")
    }
}

/// Which event or attribute a request targets: a numeric id or a UUID.
fn target(reference: &str) -> Result<&str> {
    if (!reference.is_empty() && reference.bytes().all(|b| b.is_ascii_digit()))
        || is_uuid(reference)
    {
        Ok(reference)
    } else {
        Err(Error::Request(format!(
            "`{}` is neither a numeric id nor a UUID",
            reference.chars().take(64).collect::<String>()
        )))
    }
}

/// Filters for `events/restSearch` and `attributes/restSearch`, sent as a JSON body.
///
/// ```
/// use misp_model::rest::SearchQuery;
///
/// let query = SearchQuery::new().value("203.0.113.7").tags(["tlp:green"]).metadata(true);
/// assert_eq!(query.to_json(), br#"{"returnFormat":"json","value":"203.0.113.7","tags":["tlp:green"],"metadata":1}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchQuery {
    filters: Map<String, Value>,
}

impl SearchQuery {
    /// An empty query (`returnFormat: json` only).
    pub fn new() -> Self {
        let mut filters = Map::new();
        filters.insert("returnFormat".to_owned(), Value::from("json"));
        Self { filters }
    }

    /// Any MISP filter by name (see MISP's restSearch documentation).
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.filters.insert(key.to_owned(), value.into());
        self
    }

    /// Match attribute values.
    #[must_use]
    pub fn value(self, value: &str) -> Self {
        self.with("value", value)
    }

    /// Match an attribute type.
    #[must_use]
    pub fn attribute_type(self, attribute_type: &str) -> Self {
        self.with("type", attribute_type)
    }

    /// Match any of these tags.
    #[must_use]
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(self, tags: I) -> Self {
        let tags: Vec<Value> = tags.into_iter().map(|t| Value::String(t.into())).collect();
        self.with("tags", tags)
    }

    /// Match an event id or UUID.
    #[must_use]
    pub fn event_id(self, event: &str) -> Self {
        self.with("eventid", event)
    }

    /// Return events without attributes (MISP's `metadata` flag, sent as `1`/`0` like PyMISP).
    #[must_use]
    pub fn metadata(self, metadata: bool) -> Self {
        self.with("metadata", u8::from(metadata))
    }

    /// The filters as a JSON body.
    pub fn to_json(&self) -> Vec<u8> {
        crate::document::to_vec(&self.filters, false)
    }
}

/// A client for one MISP instance: base URL and authkey.
#[derive(Clone)]
pub struct MispClient {
    base: String,
    key: AuthKey,
    user_agent: String,
    limits: Limits,
}

impl fmt::Debug for MispClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MispClient")
            .field("base", &self.base)
            .field("key", &self.key)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

/// What `events/add` answered.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AddOutcome {
    /// The event was created; `warnings` holds a sibling `errors` object if MISP sent one.
    Added {
        /// The event as stored (with its new id).
        event: Box<Event>,
        /// Partial problems MISP reported beside the event.
        warnings: Option<Value>,
    },
    /// An event with this UUID exists already: edit it instead (`events/edit/<uuid>`).
    AlreadyExists {
        /// The `Location` header, e.g. `/events/1`.
        location: String,
        /// The existing event's id, when the location ends with one.
        existing_id: Option<u64>,
    },
}

/// An event MISP returned from edit/view, with any warnings sent beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedEvent {
    /// The event as stored.
    pub event: Event,
    /// A sibling `errors` value, when MISP saved with partial problems.
    pub warnings: Option<Value>,
}

/// MISP's `getVersion` answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerVersion {
    /// MISP version, e.g. `2.5.17`.
    pub version: String,
    /// Whether the key's user may synchronise.
    pub perm_sync: Option<bool>,
    /// Whether the key's user may add sightings.
    pub perm_sighting: Option<bool>,
    /// Every other field, as sent.
    pub extra: Map<String, Value>,
}

/// A success acknowledgement (`{"saved":true,"success":true,"name":…,"message":…}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// MISP's message, e.g. `Job queued` or `Attribute deleted.`.
    pub message: String,
}

/// The kind of an error answer, classified from MISP's shapes (§5.3 of our notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 403 "Authentication failed…": wrong, disabled or non-API key.
    AuthenticationFailed,
    /// 403 without `saved:false`: the role or organisation may not do this (or a blocklist).
    Forbidden,
    /// 404: the event or attribute does not exist (or is not visible).
    NotFound,
    /// 405: wrong method, missing ACL, empty or unparseable body.
    MethodNotAllowed,
    /// `saved:false`: MISP refused the data; see `errors`.
    ValidationFailed,
    /// `saved:false` because the event's `timestamp` is not newer than the server's copy.
    StaleEdit,
    /// 200 with an `errors` key and none of the expected payload.
    ErrorsInBody,
    /// 5xx.
    Server,
    /// Any other status or an unexpected body.
    Unexpected,
}

/// An error answer from MISP.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Classification.
    pub kind: ApiErrorKind,
    /// MISP's `name` (or `message`), when the body had one.
    pub message: Option<String>,
    /// MISP's `url` (the request path), when the body had one.
    pub url: Option<String>,
    /// MISP's `errors` value (string or field → messages), when the body had one.
    pub errors: Option<Value>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} (HTTP {})", self.kind, self.status.as_u16())?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(errors) = &self.errors {
            let text = match errors {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            write!(f, " — {}", text.chars().take(300).collect::<String>())?;
        }
        if let Some(url) = &self.url {
            write!(f, " [{url}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn classify(status: StatusCode, body: &Map<String, Value>) -> ApiErrorKind {
    let message = text(body, "name")
        .or_else(|| text(body, "message"))
        .unwrap_or_default();
    if body.get("saved") == Some(&Value::Bool(false)) {
        let errors = match body.get("errors") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        if errors.contains("not newer than the local copy") {
            return ApiErrorKind::StaleEdit;
        }
        return ApiErrorKind::ValidationFailed;
    }
    match status.as_u16() {
        403 if message.starts_with("Authentication failed") => ApiErrorKind::AuthenticationFailed,
        403 => ApiErrorKind::Forbidden,
        404 => ApiErrorKind::NotFound,
        405 => ApiErrorKind::MethodNotAllowed,
        500..=599 => ApiErrorKind::Server,
        200 if body.contains_key("errors") => ApiErrorKind::ErrorsInBody,
        _ => ApiErrorKind::Unexpected,
    }
}

fn api_error(status: StatusCode, body: Option<&Map<String, Value>>) -> Error {
    let empty = Map::new();
    let map = body.unwrap_or(&empty);
    Error::Api(Box::new(ApiError {
        status,
        kind: classify(status, map),
        message: text(map, "name").or_else(|| text(map, "message")),
        url: text(map, "url"),
        errors: map.get("errors").cloned(),
    }))
}

impl MispClient {
    /// A client for the instance at `base_url` (e.g. `https://misp.example`) using `authkey`.
    ///
    /// # Errors
    /// [`Error::Request`] when the URL is not `http(s)://…` or the key has the wrong form.
    pub fn new(base_url: &str, authkey: &str) -> Result<Self> {
        let base = base_url.trim().trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://"))
            || base.contains(char::is_whitespace)
        {
            return Err(Error::Request(format!(
                "base URL `{base}` is not an http(s) URL"
            )));
        }
        base.parse::<http::Uri>()
            .map_err(|e| Error::Request(format!("base URL `{base}`: {e}")))?;
        Ok(Self {
            base: base.to_owned(),
            key: AuthKey::new(authkey)?,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            limits: Limits::default(),
        })
    }

    /// The same client sending another `User-Agent` (avoid `MISP `, reserved for sync).
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: &str) -> Self {
        user_agent.clone_into(&mut self.user_agent);
        self
    }

    /// The same client with other limits for response bodies.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The instance base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str, body: Vec<u8>) -> Result<Request<Vec<u8>>> {
        Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(USER_AGENT, self.user_agent.as_str())
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, self.key.0.as_str())
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .map_err(|e| Error::Request(e.to_string()))
    }

    /// `GET /servers/getVersion`: test the connection and the key.
    ///
    /// # Errors
    /// [`Error::Request`] if the request cannot be built.
    pub fn get_version(&self) -> Result<Request<Vec<u8>>> {
        self.request(Method::GET, "/servers/getVersion", Vec::new())
    }

    /// `POST /events/add` with the bare event (as PyMISP sends it).
    ///
    /// # Errors
    /// [`Error::Request`] if the request cannot be built.
    pub fn add_event(&self, event: &Event) -> Result<Request<Vec<u8>>> {
        self.request(Method::POST, "/events/add", event.to_json_bare())
    }

    /// `POST /events/edit/<id or uuid>` with the bare event. Leave `timestamp` out (or make it
    /// newer than the server's) or MISP refuses the edit as stale.
    ///
    /// # Errors
    /// [`Error::Request`] for a target that is neither an id nor a UUID.
    pub fn edit_event(&self, event_ref: &str, event: &Event) -> Result<Request<Vec<u8>>> {
        let path = format!("/events/edit/{}", target(event_ref)?);
        self.request(Method::POST, &path, event.to_json_bare())
    }

    /// `GET /events/view/<id or uuid>`.
    ///
    /// # Errors
    /// [`Error::Request`] for a target that is neither an id nor a UUID.
    pub fn view_event(&self, event_ref: &str) -> Result<Request<Vec<u8>>> {
        self.request(
            Method::GET,
            &format!("/events/view/{}", target(event_ref)?),
            Vec::new(),
        )
    }

    /// `POST /events/restSearch` with the query.
    ///
    /// # Errors
    /// [`Error::Request`] if the request cannot be built.
    pub fn search_events(&self, query: &SearchQuery) -> Result<Request<Vec<u8>>> {
        self.request(Method::POST, "/events/restSearch", query.to_json())
    }

    /// `POST /attributes/restSearch` with the query.
    ///
    /// # Errors
    /// [`Error::Request`] if the request cannot be built.
    pub fn search_attributes(&self, query: &SearchQuery) -> Result<Request<Vec<u8>>> {
        self.request(Method::POST, "/attributes/restSearch", query.to_json())
    }

    /// `POST /attributes/add/<event id or uuid>` with the bare attribute.
    ///
    /// # Errors
    /// [`Error::Request`] for a target that is neither an id nor a UUID.
    pub fn add_attribute(
        &self,
        event_ref: &str,
        attribute: &Attribute,
    ) -> Result<Request<Vec<u8>>> {
        let path = format!("/attributes/add/{}", target(event_ref)?);
        self.request(
            Method::POST,
            &path,
            crate::document::to_vec(attribute, false),
        )
    }

    /// `POST /attributes/delete/<id or uuid>`: soft delete (`{}`) or hard delete (`{"hard":1}`).
    ///
    /// # Errors
    /// [`Error::Request`] for a target that is neither an id nor a UUID.
    pub fn delete_attribute(&self, attribute_ref: &str, hard: bool) -> Result<Request<Vec<u8>>> {
        let path = format!("/attributes/delete/{}", target(attribute_ref)?);
        let body = if hard {
            b"{\"hard\":1}".to_vec()
        } else {
            b"{}".to_vec()
        };
        self.request(Method::POST, &path, body)
    }

    /// `POST /events/publish/<id or uuid>` (no body) so the event synchronises onward.
    ///
    /// # Errors
    /// [`Error::Request`] for a target that is neither an id nor a UUID.
    pub fn publish(&self, event_ref: &str) -> Result<Request<Vec<u8>>> {
        self.request(
            Method::POST,
            &format!("/events/publish/{}", target(event_ref)?),
            Vec::new(),
        )
    }

    /// `POST /tags/attachTagToObject` `{"uuid","tag","local"}`: tag an event or attribute.
    ///
    /// # Errors
    /// [`Error::Request`] when `uuid` is not a UUID.
    pub fn attach_tag(&self, uuid: &str, tag: &str, local: bool) -> Result<Request<Vec<u8>>> {
        if !is_uuid(uuid) {
            return Err(Error::Request(format!("`{uuid}` is not a UUID")));
        }
        let mut body = Map::new();
        body.insert("uuid".to_owned(), Value::from(uuid));
        body.insert("tag".to_owned(), Value::from(tag));
        body.insert("local".to_owned(), Value::Bool(local));
        self.request(
            Method::POST,
            "/tags/attachTagToObject",
            crate::document::to_vec(&body, false),
        )
    }

    /// The JSON object body of a response, checked against the size limit.
    fn body<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Option<Map<String, Value>>> {
        let bytes = response.body().as_ref();
        self.limits.max_document_bytes().check(bytes.len())?;
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            _ => Ok(None),
        }
    }

    /// A 200 JSON object, or the typed error for anything else.
    fn success<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Map<String, Value>> {
        let status = response.status();
        let body = self.body(response)?;
        match body {
            Some(map) if status.is_success() && map.get("saved") != Some(&Value::Bool(false)) => {
                Ok(map)
            }
            other => Err(api_error(status, other.as_ref())),
        }
    }

    fn event_in(map: Map<String, Value>, status: StatusCode) -> Result<SavedEvent> {
        let mut map = map;
        let warnings = map.shift_remove("errors");
        match map.shift_remove("Event") {
            Some(event) => Ok(SavedEvent {
                event: Event::from_wire(event, &JsonPath::Root.key("Event"))?,
                warnings,
            }),
            None => {
                if let Some(w) = warnings {
                    map.insert("errors".to_owned(), w);
                }
                Err(api_error(status, Some(&map)))
            }
        }
    }

    /// Parses the answer to [`MispClient::get_version`].
    ///
    /// # Errors
    /// [`Error::Api`] for an error answer (e.g. [`ApiErrorKind::AuthenticationFailed`]).
    pub fn parse_version<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<ServerVersion> {
        let mut map = self.success(response)?;
        let Some(Value::String(version)) = map.shift_remove("version") else {
            return Err(api_error(response.status(), Some(&map)));
        };
        let flag = |map: &mut Map<String, Value>, key: &str| {
            map.shift_remove(key).and_then(|v| v.as_bool())
        };
        Ok(ServerVersion {
            version,
            perm_sync: flag(&mut map, "perm_sync"),
            perm_sighting: flag(&mut map, "perm_sighting"),
            extra: map,
        })
    }

    /// Parses the answer to [`MispClient::add_event`].
    ///
    /// # Errors
    /// [`Error::Api`] for an error answer; model errors for a malformed event.
    pub fn parse_add_event<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<AddOutcome> {
        if response.status() == StatusCode::NOT_FOUND
            && let Some(location) = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
        {
            let existing_id = location
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .and_then(|last| last.parse::<u64>().ok());
            return Ok(AddOutcome::AlreadyExists {
                location: location.to_owned(),
                existing_id,
            });
        }
        let map = self.success(response)?;
        let saved = Self::event_in(map, response.status())?;
        Ok(AddOutcome::Added {
            event: Box::new(saved.event),
            warnings: saved.warnings,
        })
    }

    /// Parses the answer to [`MispClient::edit_event`] or [`MispClient::view_event`].
    ///
    /// # Errors
    /// [`Error::Api`] ([`ApiErrorKind::StaleEdit`], [`ApiErrorKind::NotFound`], …).
    pub fn parse_event<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<SavedEvent> {
        let map = self.success(response)?;
        Self::event_in(map, response.status())
    }

    /// Parses the answer to [`MispClient::search_events`]: every event of the `response` list.
    ///
    /// # Errors
    /// [`Error::Api`] for an error answer; model errors for malformed events.
    pub fn parse_event_search<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Vec<Event>> {
        let map = self.success(response)?;
        match Document::from_value(Value::Object(map))? {
            Document::Events(events) => Ok(events),
            _ => Err(api_error(response.status(), None)),
        }
    }

    /// Parses the answer to [`MispClient::search_attributes`].
    ///
    /// # Errors
    /// [`Error::Api`] for an error answer; model errors for malformed attributes.
    pub fn parse_attribute_search<B: AsRef<[u8]>>(
        &self,
        response: &Response<B>,
    ) -> Result<Vec<Attribute>> {
        let map = self.success(response)?;
        match Document::from_value(Value::Object(map))? {
            Document::Attributes(attributes) => Ok(attributes),
            Document::Events(events) if events.is_empty() => Ok(Vec::new()),
            _ => Err(api_error(response.status(), None)),
        }
    }

    /// Parses the answer to [`MispClient::add_attribute`] (a single attribute).
    ///
    /// # Errors
    /// [`Error::Api`] ([`ApiErrorKind::ValidationFailed`] for a duplicate value, …).
    pub fn parse_add_attribute<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Attribute> {
        let mut map = self.success(response)?;
        match map.shift_remove("Attribute") {
            Some(attribute @ Value::Object(_)) => {
                Attribute::from_wire(attribute, &JsonPath::Root.key("Attribute"))
            }
            _ => Err(api_error(response.status(), Some(&map))),
        }
    }

    /// Parses a plain acknowledgement: publish, tag, attribute delete.
    ///
    /// # Errors
    /// [`Error::Api`] for an error answer or a 200 that reports failure.
    pub fn parse_ack<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<Ack> {
        let map = self.success(response)?;
        if map.contains_key("errors") || map.get("success") == Some(&Value::Bool(false)) {
            return Err(api_error(response.status(), Some(&map)));
        }
        let message = text(&map, "message")
            .or_else(|| text(&map, "name"))
            .unwrap_or_default();
        Ok(Ack { message })
    }
}

/// The result of pushing one event with [`Push`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PushOutcome {
    /// The event was new and was created.
    Added(SavedEvent),
    /// The event existed (same UUID) and was edited.
    Updated(SavedEvent),
    /// The event existed and the server's copy is as new or newer (timestamp rule): nothing changed.
    Stale(ApiError),
}

/// The next step of a [`Push`].
#[derive(Debug)]
#[non_exhaustive]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived step at a time; boxing the request would only add an allocation"
)]
pub enum PushStep {
    /// Send this request and pass its response to [`Push::handle_response`].
    Send(Request<Vec<u8>>),
    /// Finished.
    Done(Box<PushOutcome>),
}

/// Add-or-edit of one event by UUID as a Sans-IO state machine.
///
/// ```text
/// start ──add──▶ 200 ─────────────────────────────▶ Done(Added)
///               404 + Location ──edit/<uuid>──▶ 200 ─▶ Done(Updated)
///                                             stale ─▶ Done(Stale)
/// ```
#[derive(Debug)]
pub struct Push<'a> {
    client: &'a MispClient,
    event: &'a Event,
    editing: bool,
}

impl<'a> Push<'a> {
    /// Starts pushing `event` (it must have a UUID so a repeat can be detected); returns the
    /// `events/add` request to send first.
    ///
    /// # Errors
    /// [`Error::Request`] when the event has no UUID.
    pub fn start(client: &'a MispClient, event: &'a Event) -> Result<(Self, Request<Vec<u8>>)> {
        if event.uuid.as_deref().is_none_or(|u| !is_uuid(u)) {
            return Err(Error::Request(
                "an event needs a UUID to be pushed".to_owned(),
            ));
        }
        let request = client.add_event(event)?;
        Ok((
            Self {
                client,
                event,
                editing: false,
            },
            request,
        ))
    }

    /// Handles the response to the last request.
    ///
    /// # Errors
    /// [`Error::Api`] for MISP errors other than the repeated UUID and the stale edit.
    pub fn handle_response<B: AsRef<[u8]>>(&mut self, response: &Response<B>) -> Result<PushStep> {
        if self.editing {
            return match self.client.parse_event(response) {
                Ok(saved) => Ok(PushStep::Done(Box::new(PushOutcome::Updated(saved)))),
                Err(Error::Api(api)) if api.kind == ApiErrorKind::StaleEdit => {
                    Ok(PushStep::Done(Box::new(PushOutcome::Stale(*api))))
                }
                Err(other) => Err(other),
            };
        }
        match self.client.parse_add_event(response)? {
            AddOutcome::Added { event, warnings } => {
                Ok(PushStep::Done(Box::new(PushOutcome::Added(SavedEvent {
                    event: *event,
                    warnings,
                }))))
            }
            AddOutcome::AlreadyExists { .. } => {
                self.editing = true;
                let uuid = self.event.uuid.as_deref().unwrap_or_default();
                Ok(PushStep::Send(self.client.edit_event(uuid, self.event)?))
            }
        }
    }
}
