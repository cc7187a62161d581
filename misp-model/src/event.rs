//! The MISP event: the unit MISP shares, pushes and publishes.

use crate::attribute::Attribute;
use crate::error::{Error, Result};
use crate::event_report::EventReport;
use crate::galaxy::Galaxy;
use crate::limits::Limits;
use crate::object::Object;
use crate::org::Org;
use crate::shadow_attribute::ShadowAttribute;
use crate::tag::Tag;
use crate::vocabulary::{Analysis, Distribution, ThreatLevel};
use crate::wire::compact::Out;
use crate::wire::{WireValue, wire_struct};

wire_struct! {
    /// A MISP event with its children, fields in the order MISP writes them.
    ///
    /// `RelatedEvent`, `SharingGroup`, `CryptographicKey`, analyst data (`Note`, `Opinion`,
    /// `Relationship`) and any key this model does not know stay verbatim in `extra`.
    ///
    /// ```
    /// use misp_model::{Attribute, Event, ThreatLevel};
    ///
    /// let event = Event::new("Phishing wave")
    ///     .with_uuid("8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e")
    ///     .with_threat_level(ThreatLevel::Medium)
    ///     .with_attribute(Attribute::new("ip-dst", "203.0.113.7"));
    /// let json = String::from_utf8(event.to_json())?;
    /// assert!(json.starts_with(r#"{"Event":{"threat_level_id":"2","info":"Phishing wave""#));
    /// assert_eq!(Event::from_json(json.as_bytes())?, event);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub struct Event {
        /// Instance-local numeric id (absent in feeds).
        pub id: Option<u64> = "id",
        /// Instance-local id of the creator organisation.
        pub orgc_id: Option<u64> = "orgc_id",
        /// Instance-local id of the owner organisation.
        pub org_id: Option<u64> = "org_id",
        /// When it happened, `YYYY-MM-DD` (kept as written).
        pub date: Option<String> = "date",
        /// Threat level (1–4).
        pub threat_level: Option<ThreatLevel> = "threat_level_id",
        /// One-line summary; MISP requires it.
        pub info: String = "info",
        /// Whether the event is published (synchronised onward).
        pub published: Option<bool> = "published",
        /// Stable identity across instances.
        pub uuid: Option<String> = "uuid",
        /// Number of attributes, computed by the server.
        pub attribute_count: Option<u64> = "attribute_count",
        /// Analysis state (0–2).
        pub analysis: Option<Analysis> = "analysis",
        /// Last change of the event or any child, seconds since the Unix epoch.
        pub timestamp: Option<u64> = "timestamp",
        /// Who may see the event (0–4 on an event).
        pub distribution: Option<Distribution> = "distribution",
        /// Whether proposals notify by e-mail.
        pub proposal_email_lock: Option<bool> = "proposal_email_lock",
        /// "Synchronised from elsewhere" flag.
        pub locked: Option<bool> = "locked",
        /// When last published, seconds since the Unix epoch (`0`: never).
        pub publish_timestamp: Option<u64> = "publish_timestamp",
        /// Last sighting, seconds since the Unix epoch.
        pub sighting_timestamp: Option<u64> = "sighting_timestamp",
        /// Instance-local sharing group id (`0` unless distribution is 4).
        pub sharing_group_id: Option<u64> = "sharing_group_id",
        /// Whether MISP should skip correlating the event.
        pub disable_correlation: Option<bool> = "disable_correlation",
        /// UUID of the event this one extends (`""` when none).
        pub extends_uuid: Option<String> = "extends_uuid",
        /// Whether the event is signed/protected (a `null` is kept: see [`Event::absent_marker`]).
        pub protected: Option<bool> = "protected",
        /// Creator's e-mail (exports only).
        pub event_creator_email: Option<String> = "event_creator_email",
        /// Owner organisation on this instance.
        pub org: Option<Org> = "Org",
        /// Creator organisation (preserved across instances).
        pub orgc: Option<Org> = "Orgc",
        /// Top-level attributes.
        pub attributes: Vec<Attribute> = "Attribute",
        /// Proposals for new attributes.
        pub shadow_attributes: Vec<ShadowAttribute> = "ShadowAttribute",
        /// Attached galaxies.
        pub galaxies: Vec<Galaxy> = "Galaxy",
        /// Objects.
        pub objects: Vec<Object> = "Object",
        /// Markdown reports.
        pub reports: Vec<EventReport> = "EventReport",
        /// Event tags.
        pub tags: Vec<Tag> = "Tag",
    }
}

impl Event {
    /// A new event with its one required field, the one-line summary.
    pub fn new(info: impl Into<String>) -> Self {
        Self {
            info: info.into(),
            ..Self::default()
        }
    }

    /// The same event with a UUID.
    #[must_use]
    pub fn with_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// The same event with a date (`YYYY-MM-DD`).
    #[must_use]
    pub fn with_date(mut self, date: impl Into<String>) -> Self {
        self.date = Some(date.into());
        self
    }

    /// The same event with a threat level.
    #[must_use]
    pub fn with_threat_level(mut self, level: ThreatLevel) -> Self {
        self.threat_level = Some(level);
        self
    }

    /// The same event with an analysis state.
    #[must_use]
    pub fn with_analysis(mut self, analysis: Analysis) -> Self {
        self.analysis = Some(analysis);
        self
    }

    /// The same event with a distribution level.
    #[must_use]
    pub fn with_distribution(mut self, distribution: Distribution) -> Self {
        self.distribution = Some(distribution);
        self
    }

    /// The same event with a timestamp (seconds since the Unix epoch).
    #[must_use]
    pub fn with_timestamp(mut self, timestamp: u64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// The same event marked published (or not).
    #[must_use]
    pub fn with_published(mut self, published: bool) -> Self {
        self.published = Some(published);
        self
    }

    /// The same event with a creator organisation.
    #[must_use]
    pub fn with_orgc(mut self, orgc: Org) -> Self {
        self.orgc = Some(orgc);
        self
    }

    /// The same event with one more attribute.
    #[must_use]
    pub fn with_attribute(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    /// The same event with one more object.
    #[must_use]
    pub fn with_object(mut self, object: Object) -> Self {
        self.objects.push(object);
        self
    }

    /// The same event with one more tag.
    #[must_use]
    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }

    /// Every attribute: the top-level ones, then each object's, in document order.
    pub fn all_attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.iter().chain(
            self.objects
                .iter()
                .flat_map(|object| object.attributes.iter()),
        )
    }

    /// Reads one event from any single-event form (`{"Event":…}` or a bare event) with the
    /// default [`Limits`].
    ///
    /// # Errors
    /// Malformed JSON, a value MISP would not accept at its path, a limit, or a document that
    /// holds several events or no event (use [`crate::Document`] for those).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        Self::from_json_with(bytes, &Limits::default())
    }

    /// [`Event::from_json`] with explicit limits.
    ///
    /// # Errors
    /// As [`Event::from_json`].
    pub fn from_json_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        match crate::document::Document::from_json_with(bytes, limits)? {
            crate::document::Document::Event(event) => Ok(*event),
            _ => Err(Error::UnrecognisedDocument {
                path: String::new(),
                reason: "expected a single event, found a list or collection",
            }),
        }
    }

    /// The event as MISP writes it: `{"Event":{…}}`, compact.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Out::in_memory();
        crate::document::write_wrapped_event(&mut out, self);
        out.into_bytes()
    }

    /// The event as `{"Event":{…}}`, indented with two spaces (the feed file layout).
    pub fn to_json_pretty(&self) -> Vec<u8> {
        crate::document::to_vec(&crate::document::Wrapped { event: self }, true)
    }

    /// Writes what [`Event::to_json`] returns straight into `writer`, without building the bytes
    /// in memory first (for large events; wrap an unbuffered sink in a `BufWriter`). The caller
    /// owns the sink: this does no I/O of its own.
    ///
    /// # Errors
    /// Whatever `writer` reports.
    pub fn write_json<W: std::io::Write>(&self, mut writer: W) -> std::io::Result<()> {
        let mut out = Out::into_sink(&mut writer);
        crate::document::write_wrapped_event(&mut out, self);
        out.finish()
    }

    /// [`Event::write_json`] for [`Event::to_json_pretty`]'s layout.
    ///
    /// # Errors
    /// Whatever `writer` reports.
    pub fn write_json_pretty<W: std::io::Write>(&self, writer: W) -> std::io::Result<()> {
        crate::document::to_writer(writer, &crate::document::Wrapped { event: self }, true)
    }

    /// The bare event object, compact (what PyMISP sends to `events/add`).
    pub fn to_json_bare(&self) -> Vec<u8> {
        let mut out = Out::in_memory();
        self.write_compact(&mut out);
        out.into_bytes()
    }
}
