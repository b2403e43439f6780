//! Tests of exporting a run and opening an export again.
use super::*;
use crate::url::parse_query;

const A: &str = "v1~balance-host-failure~seed.1~off.health-checks";

fn open(search: &str) -> Playground {
    Playground::open(parse_query(search), false)
}

/// What the browser would read from the JSON export of `p`'s run.
fn exported(p: &mut Playground) -> ImportFields {
    p.apply(Command::Export(ExportKind::Json));
    let (name, mime, text) = p.take_download().expect("a file");
    assert_eq!(name, "balance-host-failure-seed1.json");
    assert_eq!(mime, "application/json");
    assert!(text.starts_with("{\"format\":\"distributed-patterns-playground-run\",\"version\":1,"));
    ImportFields {
        format: Some(playground_core::export::FORMAT.to_string()),
        version: Some(1.0),
        session: Some(p.session().encode()),
        fingerprint: Some(format!(
            "{:016x}",
            p.fingerprint().expect("exporting fingerprints")
        )),
    }
}

#[test]
fn exports_offer_a_file_and_the_test_is_shown() {
    let mut p = open(&format!("?s={A}"));
    p.apply(Command::Export(ExportKind::ShiViz));
    let (name, _, log) = p.take_download().unwrap();
    assert!(name.ends_with(".shiviz.log"));
    assert_eq!(
        log.lines().next(),
        Some(playground_core::export::SHIVIZ_REGEX)
    );
    assert_eq!(p.take_download(), None, "taken once");
    p.apply(Command::Export(ExportKind::Test));
    let test = p.exported_test().expect("shown");
    assert!(test.contains(A) && test.contains("replay::check"), "{test}");
    p.apply(Command::HideTest);
    assert_eq!(p.exported_test(), None);
    // The SVG is the page's to make.
    p.apply(Command::Export(ExportKind::Svg));
    assert_eq!(p.take_download(), None);
}

#[test]
fn an_export_opens_again_as_the_same_run() {
    let mut source = open(&format!("?s={A}"));
    let fields = exported(&mut source);
    let mut p = open("?s=v1~lamport-skew~seed.3");
    p.apply(Command::Import(Ok(fields)));
    assert_eq!(p.session(), source.session());
    p.apply(Command::Fingerprint);
    assert_eq!(p.fingerprint(), source.fingerprint());
    assert_eq!(p.notices()[0].tone, Tone::Info);
}

#[test]
fn a_foreign_malformed_or_changed_file_says_why_and_changes_nothing() {
    let mut source = open(&format!("?s={A}"));
    let good = exported(&mut source);
    let cases: Vec<(Result<ImportFields, String>, &str)> = vec![
        (Err("it is not JSON".to_string()), "it is not JSON"),
        (
            Ok(ImportFields::default()),
            "not a run exported from the playground",
        ),
        (
            Ok(ImportFields {
                version: Some(2.0),
                ..good.clone()
            }),
            "another version of the export",
        ),
        (
            Ok(ImportFields {
                session: None,
                ..good.clone()
            }),
            "holds no `session`",
        ),
        (
            Ok(ImportFields {
                session: Some("v1~raft~seed.1".into()),
                ..good.clone()
            }),
            "there is no scenario `raft`",
        ),
        (
            Ok(ImportFields {
                fingerprint: Some("zz".into()),
                ..good.clone()
            }),
            "not 16 hexadecimal digits",
        ),
        (
            Ok(ImportFields {
                fingerprint: Some("0123456789abcdef".into()),
                ..good.clone()
            }),
            "not the exported 0123456789abcdef",
        ),
    ];
    for (file, says) in cases {
        let mut p = open("?s=v1~lamport-skew~seed.3&t=5000");
        let before = (p.session().clone(), p.cursor());
        p.apply(Command::Import(file));
        assert_eq!((p.session().clone(), p.cursor()), before, "{says}");
        let notice = &p.notices()[0];
        assert_eq!(notice.tone, Tone::Error);
        assert!(notice.text.contains(says), "{says}: {}", notice.text);
        assert!(notice.text.ends_with("Nothing changed."), "{}", notice.text);
    }
}

#[test]
fn the_svg_export_names_the_runs_it_holds() {
    let a = "v1~balance-host-failure~seed.1";
    let p = open(&format!("?s={a}"));
    assert_eq!(
        p.svg_export(),
        ("balance-host-failure-diagram.svg".to_string(), Vec::new())
    );
    let p = open(&format!("?s={a}&vs={a}~off.health-checks"));
    let (name, labels) = p.svg_export();
    assert_eq!(name, "balance-host-failure-A-and-B-diagrams.svg");
    assert_eq!(labels, ["A: this run", "B: health-checks off"]);
}
