//! The Sans-IO REST client against the captured PyMISP exchanges: our requests carry the same
//! semantics as PyMISP's, and the recorded MISP answers parse into the right typed outcomes.

use http::{Request, Response};
use misp_model::rest::{
    AddOutcome, ApiErrorKind, MispClient, Push, PushOutcome, PushStep, SearchQuery,
};
use misp_model::{Attribute, Error, Event};
use serde_json::Value;

use crate::shared_dir;

const KEY: &str = "PyMISPcaptureKEY0123456789abcdefghijklmn";
const EVENT: &str = "8c2f7a8e-52f1-4c5e-9a5e-6f1d2b3c4d5e";

struct Captures(std::path::PathBuf);

impl Captures {
    fn get(&self, seq: u32) -> Value {
        let prefix = format!("{seq:03}-");
        let entry = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                let name = p.file_name().unwrap().to_str().unwrap();
                name.starts_with(&prefix) && name.ends_with(".json") && !name.ends_with(".http")
            })
            .unwrap_or_else(|| panic!("capture {seq} missing"));
        serde_json::from_slice(&std::fs::read(entry).unwrap()).unwrap()
    }
}

fn captures() -> Option<Captures> {
    shared_dir("PyMISP capture replay").map(|s| Captures(s.join("peers/misp/captures")))
}

fn client() -> MispClient {
    MispClient::new("http://127.0.0.1:44603/", KEY).unwrap()
}

/// The recorded MISP answer of a capture as an `http::Response`.
fn response_of(capture: &Value) -> Response<Vec<u8>> {
    let recorded = &capture["response"];
    let mut builder = Response::builder().status(recorded["status"].as_u64().unwrap() as u16);
    for header in recorded["headers"].as_array().unwrap() {
        let name = header[0].as_str().unwrap();
        if name != "Content-Length" {
            builder = builder.header(name, header[1].as_str().unwrap());
        }
    }
    builder
        .body(serde_json::to_vec(&recorded["body_json"]).unwrap())
        .unwrap()
}

fn header<'a>(capture: &'a Value, name: &str) -> Option<&'a str> {
    capture["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name))
        .map(|h| h[1].as_str().unwrap())
}

/// PyMISP's search sends every boolean option as `0`; MISP treats absent and `0` alike.
fn without_zero_flags(body: &Value) -> Value {
    match body {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| !(v.as_u64() == Some(0) && k.as_str() != "limit"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Same method, path, MISP headers and JSON body (order-insensitive) as PyMISP's request.
fn assert_same_request(ours: &Request<Vec<u8>>, theirs: &Value) {
    assert_eq!(ours.method().as_str(), theirs["method"].as_str().unwrap());
    assert_eq!(ours.uri().path(), theirs["path"].as_str().unwrap());
    assert_eq!(ours.uri().host(), Some("127.0.0.1"));
    for name in ["Accept", "Authorization", "Content-Type"] {
        assert_eq!(
            ours.headers().get(name).and_then(|v| v.to_str().ok()),
            header(theirs, name),
            "header {name}"
        );
    }
    let ua = ours.headers().get("User-Agent").unwrap().to_str().unwrap();
    assert!(
        ua.starts_with("misp-model/") && !ua.contains("MISP "),
        "{ua}"
    );
    let their_body = theirs["body_text"].as_str().unwrap_or("");
    if their_body.is_empty() {
        assert!(ours.body().is_empty(), "expected no body");
    } else {
        let ours: Value = serde_json::from_slice(ours.body()).unwrap();
        let theirs: Value = serde_json::from_str(their_body).unwrap();
        assert_eq!(without_zero_flags(&ours), without_zero_flags(&theirs));
    }
}

fn api_kind(result: Result<impl std::fmt::Debug, Error>) -> (ApiErrorKind, u16, Option<String>) {
    match result {
        Err(Error::Api(api)) => (api.kind, api.status.as_u16(), api.message.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn handshake_and_wrong_key() {
    let Some(c) = captures() else { return };
    let cl = client();
    let cap = c.get(1);
    assert_same_request(&cl.get_version().unwrap(), &cap);
    let version = cl.parse_version(&response_of(&cap)).unwrap();
    assert_eq!(version.version, "2.5.17");
    assert_eq!(
        (version.perm_sync, version.perm_sighting),
        (Some(false), Some(true))
    );
    let (kind, status, message) = api_kind(cl.parse_version(&response_of(&c.get(21))));
    assert_eq!((kind, status), (ApiErrorKind::AuthenticationFailed, 403));
    assert!(message.unwrap().starts_with("Authentication failed."));
}

#[test]
fn add_edit_view_events_like_pymisp() {
    let Some(c) = captures() else { return };
    let cl = client();
    for seq in [4, 5] {
        let cap = c.get(seq);
        let event = Event::from_json(cap["body_text"].as_str().unwrap().as_bytes()).unwrap();
        assert_same_request(&cl.add_event(&event).unwrap(), &cap);
        match cl.parse_add_event(&response_of(&cap)).unwrap() {
            AddOutcome::Added {
                event: stored,
                warnings,
            } => {
                assert_eq!(stored.uuid, event.uuid);
                assert!(stored.id.is_some());
                assert_eq!(warnings, None);
            }
            other => panic!("{other:?}"),
        }
    }
    let cap = c.get(6);
    let event = Event::from_json(cap["body_text"].as_str().unwrap().as_bytes()).unwrap();
    assert_same_request(&cl.edit_event(EVENT, &event).unwrap(), &cap);
    let saved = cl.parse_event(&response_of(&cap)).unwrap();
    assert_eq!(
        saved.event.info,
        "Incident 2024-0042: phishing wave against finance (updated)"
    );

    let cap = c.get(12);
    assert_same_request(&cl.view_event(EVENT).unwrap(), &cap);
    let viewed = cl.parse_event(&response_of(&cap)).unwrap();
    assert_eq!(viewed.event.uuid.as_deref(), Some(EVENT));

    // Repeated UUID on add: 404 + Location becomes "exists, edit instead".
    let cap = c.get(18);
    let event = Event::from_json(cap["body_text"].as_str().unwrap().as_bytes()).unwrap();
    assert_same_request(&cl.add_event(&event).unwrap(), &cap);
    assert_eq!(
        cl.parse_add_event(&response_of(&cap)).unwrap(),
        AddOutcome::AlreadyExists {
            location: "/events/1".to_owned(),
            existing_id: Some(1)
        }
    );

    let cap = c.get(19);
    assert_same_request(
        &cl.view_event("00000000-0000-4000-8000-000000000000")
            .unwrap(),
        &cap,
    );
    let (kind, status, message) = api_kind(cl.parse_event(&response_of(&cap)));
    assert_eq!(
        (kind, status, message.as_deref()),
        (ApiErrorKind::NotFound, 404, Some("Invalid event"))
    );

    let cap = c.get(20);
    let event = Event::from_json(cap["body_text"].as_str().unwrap().as_bytes()).unwrap();
    assert_same_request(&cl.edit_event(EVENT, &event).unwrap(), &cap);
    let (kind, status, _) = api_kind(cl.parse_event(&response_of(&cap)));
    assert_eq!((kind, status), (ApiErrorKind::StaleEdit, 403));
}

#[test]
fn attributes_tags_publish_like_pymisp() {
    let Some(c) = captures() else { return };
    let cl = client();
    let cap = c.get(7);
    let attribute: Attribute = serde_json::from_str(cap["body_text"].as_str().unwrap()).unwrap();
    assert_same_request(&cl.add_attribute(EVENT, &attribute).unwrap(), &cap);
    let stored = cl.parse_add_attribute(&response_of(&cap)).unwrap();
    assert_eq!(stored.value, "cdn.login-finance.example");

    let cap = c.get(8);
    let attribute: Attribute = serde_json::from_str(cap["body_text"].as_str().unwrap()).unwrap();
    assert_same_request(&cl.add_attribute(EVENT, &attribute).unwrap(), &cap);
    match cl.parse_add_attribute(&response_of(&cap)) {
        Err(Error::Api(api)) => {
            assert_eq!(api.kind, ApiErrorKind::ValidationFailed);
            assert_eq!(api.message.as_deref(), Some("Could not add Attribute"));
            assert_eq!(
                api.errors,
                Some(
                    serde_json::json!({"value": ["A similar attribute already exists for this event."]})
                )
            );
        }
        other => panic!("{other:?}"),
    }

    let cap = c.get(9);
    assert_same_request(&cl.attach_tag(EVENT, "tlp:amber", false).unwrap(), &cap);
    assert_eq!(
        cl.parse_ack(&response_of(&cap)).unwrap().message,
        "Global tag tlp:amber(4) successfully attached to Event(1)."
    );
    let cap = c.get(10);
    let body: Value = serde_json::from_str(cap["body_text"].as_str().unwrap()).unwrap();
    let ours = cl
        .attach_tag(
            body["uuid"].as_str().unwrap(),
            body["tag"].as_str().unwrap(),
            true,
        )
        .unwrap();
    assert_same_request(&ours, &cap);
    cl.parse_ack(&response_of(&cap)).unwrap();

    let cap = c.get(11);
    assert_same_request(&cl.publish(EVENT).unwrap(), &cap);
    assert_eq!(
        cl.parse_ack(&response_of(&cap)).unwrap().message,
        "Job queued"
    );

    for (seq, hard) in [(16, false), (17, true)] {
        let cap = c.get(seq);
        let target = cap["path"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        assert_same_request(&cl.delete_attribute(&target, hard).unwrap(), &cap);
        assert_eq!(
            cl.parse_ack(&response_of(&cap)).unwrap().message,
            "Attribute deleted."
        );
    }
}

#[test]
fn searches_like_pymisp() {
    let Some(c) = captures() else { return };
    let cl = client();
    let cap = c.get(13);
    assert_same_request(
        &cl.search_events(&SearchQuery::new().value("203.0.113.7"))
            .unwrap(),
        &cap,
    );
    let events = cl.parse_event_search(&response_of(&cap)).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].uuid.as_deref(), Some(EVENT));

    let cap = c.get(14);
    let query = SearchQuery::new()
        .attribute_type("ip-dst")
        .tags(["tlp:green"]);
    assert_same_request(&cl.search_attributes(&query).unwrap(), &cap);
    let attributes = cl.parse_attribute_search(&response_of(&cap)).unwrap();
    assert!(!attributes.is_empty());
    assert!(attributes.iter().all(|a| a.attribute_type == "ip-dst"));

    let cap = c.get(15);
    let query = SearchQuery::new().event_id(EVENT).metadata(true);
    assert_same_request(&cl.search_events(&query).unwrap(), &cap);
    assert_eq!(cl.parse_event_search(&response_of(&cap)).unwrap().len(), 1);
}

#[test]
fn push_state_machine_switches_to_edit_on_repeated_uuid() {
    let Some(c) = captures() else { return };
    let cl = client();
    let event = Event::new("same uuid again").with_uuid(EVENT);
    let (mut push, first) = Push::start(&cl, &event).unwrap();
    assert_eq!(first.uri().path(), "/events/add");
    let second = match push.handle_response(&response_of(&c.get(18))).unwrap() {
        PushStep::Send(request) => request,
        other => panic!("{other:?}"),
    };
    assert_eq!(second.uri().path(), format!("/events/edit/{EVENT}"));
    assert_eq!(second.body(), first.body());
    match push.handle_response(&response_of(&c.get(6))).unwrap() {
        PushStep::Done(done) => match *done {
            PushOutcome::Updated(saved) => assert_eq!(saved.event.uuid.as_deref(), Some(EVENT)),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    // The same path ending in a stale edit.
    let (mut push, _) = Push::start(&cl, &event).unwrap();
    push.handle_response(&response_of(&c.get(18))).unwrap();
    match push.handle_response(&response_of(&c.get(20))).unwrap() {
        PushStep::Done(done) => match *done {
            PushOutcome::Stale(api) => assert_eq!(api.kind, ApiErrorKind::StaleEdit),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn authkey_never_leaks_and_bad_targets_are_refused() {
    let cl = client();
    assert!(!format!("{cl:?}").contains(KEY));
    match MispClient::new("http://x", "short") {
        Err(err) => assert!(!err.to_string().contains("short")),
        Ok(_) => panic!("short key accepted"),
    }
    match cl.view_event("../admin") {
        Err(Error::Request(message)) => {
            assert!(message.contains("neither a numeric id nor a UUID"))
        }
        other => panic!("{other:?}"),
    }
    match Push::start(&cl, &Event::new("no uuid")) {
        Err(Error::Request(message)) => assert_eq!(message, "an event needs a UUID to be pushed"),
        other => panic!("{other:?}"),
    }
    // A 405 with MISP's exception shape.
    let response = Response::builder()
        .status(405)
        .body(br#"{"name":"No valid event data received.","message":"No valid event data received.","url":"/events/add"}"#.to_vec())
        .unwrap();
    let (kind, status, message) = api_kind(cl.parse_add_event(&response));
    assert_eq!(
        (kind, status, message.as_deref()),
        (
            ApiErrorKind::MethodNotAllowed,
            405,
            Some("No valid event data received.")
        )
    );
    // A 200 that carries only errors.
    let response = Response::builder()
        .status(200)
        .body(br#"{"errors":{"x":["y"]}}"#.to_vec())
        .unwrap();
    assert_eq!(
        api_kind(cl.parse_event(&response)).0,
        ApiErrorKind::ErrorsInBody
    );
    // A 500 with an HTML body.
    let response = Response::builder()
        .status(500)
        .body(b"<html>oops</html>".to_vec())
        .unwrap();
    assert_eq!(api_kind(cl.parse_event(&response)).0, ApiErrorKind::Server);
}
