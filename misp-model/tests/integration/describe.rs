//! describeTypes: the built-in table equals the shared file; validation against it.

use misp_model::describe_types::DescribeTypes;
use misp_model::validate::{Mode, ProblemKind, validate_event};
use misp_model::{Attribute, Distribution, Document, Error, Event, Object};

use crate::{json_files, shared_dir};

#[test]
fn builtin_table_equals_the_shared_describe_types() {
    let Some(shared) = shared_dir("describeTypes comparison") else {
        return;
    };
    let bytes = std::fs::read(shared.join("schemas/misp/describeTypes.json")).unwrap();
    let loaded = DescribeTypes::from_json(&bytes).unwrap();
    assert_eq!(&loaded, DescribeTypes::builtin());
    assert_eq!(loaded.types().count(), 194);
    assert_eq!(loaded.categories().count(), 16);
    // The server's answer wraps the same table in `result`, like the capture of the handshake.
    let capture: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            shared.join("peers/misp/captures/003-GET-attributes_describeTypes.json.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let answer = serde_json::to_vec(&capture["response"]["body_json"]).unwrap();
    assert_eq!(
        &DescribeTypes::from_json(&answer).unwrap(),
        DescribeTypes::builtin()
    );
}

#[test]
fn builtin_defaults_match_the_documented_ones() {
    let t = DescribeTypes::builtin();
    for (ty, category, to_ids) in [
        ("ip-dst", "Network activity", true),
        ("AS", "Network activity", false),
        ("sha256", "Payload delivery", true),
        ("mutex", "Artifacts dropped", true),
        ("regkey", "Persistence mechanism", true),
        ("link", "External analysis", false),
        ("threat-actor", "Attribution", false),
        ("btc", "Financial fraud", true),
    ] {
        let d = t.defaults(ty).unwrap();
        assert_eq!(
            (d.default_category.as_str(), d.to_ids),
            (category, to_ids),
            "{ty}"
        );
    }
    assert_eq!(
        t.types()
            .filter(|ty| t.defaults(ty).unwrap().to_ids)
            .count(),
        96
    );
    assert!(
        t.categories_for_type("ip-dst")
            .any(|c| c == "Network activity")
    );
    let mut a = Attribute::new("sha256", "e3b0c442");
    assert!(t.apply_defaults(&mut a));
    assert_eq!(
        (a.category.as_deref(), a.to_ids),
        (Some("Payload delivery"), Some(true))
    );
    assert!(!t.apply_defaults(&mut Attribute::new("no-such-type", "x")));
}

#[test]
fn describe_types_errors_name_the_path() {
    match DescribeTypes::from_json(br#"{"result":{"types":["md5"],"categories":[],"sane_defaults":{"md5":{"default_category":"x","to_ids":"1"}},"category_type_mappings":{}}}"#) {
        Err(Error::InvalidValue { path, .. }) => assert_eq!(path, "result.sane_defaults.md5.to_ids"),
        other => panic!("{other:?}"),
    }
    match DescribeTypes::from_json(
        br#"{"types":["md5"],"categories":[],"sane_defaults":{},"category_type_mappings":{}}"#,
    ) {
        Err(Error::InvalidValue { path, value, .. }) => {
            assert_eq!((path.as_str(), value.as_str()), ("sane_defaults", "md5"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn validation_reports_every_problem_with_its_path() {
    let t = DescribeTypes::builtin();
    let mut event = Event::new(" ")
        .with_uuid("not-a-uuid")
        .with_date("2024-13-01")
        .with_distribution(Distribution::Inherit)
        .with_attribute(Attribute::new("ip-dst", "203.0.113.7").with_category("Financial fraud"))
        .with_attribute(Attribute::new("no-such-type", ""))
        .with_attribute(
            Attribute::new("ip-dst|port", "203.0.113.7")
                .with_uuid("0b6f9a61-0c1d-4e2f-8a3b-4c5d6e7f8091")
                .with_distribution(Distribution::SharingGroup),
        )
        .with_object(
            Object::new("file")
                .with_uuid("1c7a0b72-1d2e-4f30-9b4c-5d6e7f809102")
                .with_attribute(
                    "filename",
                    Attribute::new("filename", "a.exe")
                        .with_uuid("2d8b1c83-2e3f-4041-8c5d-6e7f80910213"),
                ),
        );
    event.objects[0]
        .attributes
        .push(Attribute::new("md5", "x").with_uuid("3e9c2d94-3f40-4152-9d6e-7f8091021324"));
    let lax: Vec<(String, ProblemKind)> = validate_event(&event, t, Mode::Lax)
        .into_iter()
        .map(|p| (p.path, p.kind))
        .collect();
    assert_eq!(
        lax,
        vec![
            ("Event.info".to_owned(), ProblemKind::EmptyInfo),
            (
                "Event.uuid".to_owned(),
                ProblemKind::InvalidUuid {
                    value: "not-a-uuid".to_owned()
                }
            ),
            (
                "Event.distribution".to_owned(),
                ProblemKind::EventDistributionInherit
            ),
            (
                "Event.Attribute[1].type".to_owned(),
                ProblemKind::UnknownType {
                    attribute_type: "no-such-type".to_owned()
                }
            ),
            (
                "Event.Attribute[1].value".to_owned(),
                ProblemKind::EmptyValue
            ),
            (
                "Event.Attribute[2].sharing_group_id".to_owned(),
                ProblemKind::SharingGroupMissing
            ),
        ]
    );
    let strict: Vec<String> = validate_event(&event, t, Mode::Strict)
        .into_iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        strict,
        vec![
            "Event.info: event info is empty",
            "Event.uuid: `not-a-uuid` is not a UUID",
            "Event.date: `2024-13-01` is not a YYYY-MM-DD date",
            "Event.distribution: distribution 5 (inherit) is not allowed on an event",
            "Event.Attribute[0].uuid: uuid is missing",
            "Event.Attribute[0].category: category `Financial fraud` does not allow type `ip-dst`",
            "Event.Attribute[1].uuid: uuid is missing",
            "Event.Attribute[1].type: unknown attribute type `no-such-type`",
            "Event.Attribute[1].value: attribute value is empty",
            "Event.Attribute[2].value: value of composite type `ip-dst|port` has no `|` separator",
            "Event.Attribute[2].sharing_group_id: distribution 4 (sharing group) needs a non-zero sharing_group_id",
            "Event.Object[0].Attribute[1].object_relation: object attribute has no object_relation",
        ]
    );
}

#[test]
fn real_corpus_events_are_lax_valid() {
    let Some(shared) = shared_dir("corpus validation") else {
        return;
    };
    let mut checked = 0;
    for path in json_files(&shared.join("corpus/misp/events")) {
        let Ok(doc) = Document::from_json(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let name = path.file_name().unwrap().to_str().unwrap();
        for event in doc.events() {
            let problems: Vec<String> = validate_event(event, DescribeTypes::builtin(), Mode::Lax)
                .iter()
                .map(ToString::to_string)
                .collect();
            // PyMISP's own test file names an object "a" instead of a UUID.
            let expected: &[&str] = match name {
                "mispevent_testfiles__def_param.json"
                | "mispevent_testfiles__misp_custom_obj.json" => {
                    &["Event.Object[0].uuid: `a` is not a UUID"]
                }
                _ => &[],
            };
            assert_eq!(problems, expected, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 28, "{checked}");
}
