use super::*;
use crate::patterns::deploy::checker::message_event;
use crate::patterns::findings::breaches_with;

/// job (0), proxy (1), app (2), monitor (3), app2 (4).
fn checker() -> SidecarChecker {
    let names: Vec<String> = ["job", "proxy", "app", "monitor", "app2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    SidecarChecker::new(&names, &[NodeId(0)], Some(NodeId(2)), 4, Some(NodeId(3)))
}

fn after_step(c: &mut SidecarChecker, at: u64) -> Vec<Breach> {
    breaches_with(c, at, &[NodeStatus::Up; 5])
}

fn event(at: u64, node: u32, kind: EventKind<DeployNode>) -> TraceEvent<DeployNode> {
    TraceEvent {
        time: SimTime(at),
        node: Some(NodeId(node)),
        kind,
    }
}

fn note(c: &mut SidecarChecker, index: usize, at: u64, node: u32, note: Note) {
    c.observe(index, &event(at, node, EventKind::Note(note)), None);
}

/// A message from `from` to `to`: sent (`deliver` false) or delivered.
fn message(c: &mut SidecarChecker, index: usize, from: u32, to: u32, payload: Msg, deliver: bool) {
    let (event, record) = message_event(index, index as u64, (from, to), payload, deliver);
    c.observe(index, &event, Some(&record));
}

#[test]
fn a_job_complete_before_its_application_breaks_the_guarantee() {
    let mut c = checker();
    note(&mut c, 4, 1_000, 5, Note::JobComplete);
    let found = after_step(&mut c, 1_000);
    assert_eq!((found[0].property, found[0].event), (JOB, Some(4)));
    assert!(
        found[0].detail.contains("job still runs"),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_job_not_complete_long_after_its_application_breaks_the_guarantee() {
    let mut c = checker();
    note(&mut c, 7, 10_000, 0, Note::Exited);
    // The proxy exiting is not the application's exit; completing in time is fine.
    assert!(after_step(&mut c, 50_000).is_empty());
    let found = after_step(&mut c, 50_001);
    assert_eq!((found[0].property, found[0].event), (JOB, Some(7)));
    // Completing in time holds it.
    let mut c = checker();
    note(&mut c, 7, 10_000, 0, Note::Exited);
    note(&mut c, 8, 30_000, 5, Note::JobComplete);
    assert!(after_step(&mut c, 900_000).is_empty());
}

#[test]
fn a_fault_or_a_cut_network_postpones_the_deadline() {
    let mut c = checker();
    note(&mut c, 7, 10_000, 0, Note::Exited);
    let cut = Action::Partition {
        from: vec![NodeId(0)],
        to: vec![NodeId(1)],
        one_way: false,
    };
    c.observe(8, &event(20_000, 0, EventKind::Action(Box::new(cut))), None);
    assert!(after_step(&mut c, 500_000).is_empty());
    c.observe(
        9,
        &event(600_000, 0, EventKind::Action(Box::new(Action::Heal))),
        None,
    );
    assert!(after_step(&mut c, 640_000).is_empty());
    let found = after_step(&mut c, 640_001);
    assert_eq!((found[0].property, found[0].event), (JOB, Some(7)));
}

#[test]
fn a_read_that_misses_an_acknowledged_write_breaks_the_guarantee() {
    let mut c = checker();
    let put = Msg::Put {
        id: 1,
        key: 2,
        value: 1,
    };
    message(&mut c, 1, 2, 1, put, false);
    message(&mut c, 2, 1, 2, Msg::PutOk { id: 1 }, true);
    // A write never acknowledged may be seen, and the acknowledged one is fine.
    let put = Msg::Put {
        id: 2,
        key: 2,
        value: 2,
    };
    message(&mut c, 3, 2, 1, put, false);
    message(&mut c, 4, 2, 1, Msg::Get { id: 3, key: 2 }, false);
    message(
        &mut c,
        5,
        1,
        2,
        Msg::Got {
            id: 3,
            value: Some(2),
        },
        true,
    );
    message(&mut c, 6, 2, 1, Msg::Get { id: 4, key: 2 }, false);
    message(
        &mut c,
        7,
        1,
        2,
        Msg::Got {
            id: 4,
            value: Some(1),
        },
        true,
    );
    assert!(after_step(&mut c, 7).is_empty());
    // Nothing, after an acknowledged write: broken.
    message(&mut c, 8, 2, 1, Msg::Get { id: 5, key: 2 }, false);
    message(&mut c, 9, 1, 2, Msg::Got { id: 5, value: None }, true);
    let found = after_step(&mut c, 9);
    assert_eq!((found[0].property, found[0].event), (READS, Some(9)));
    assert!(
        found[0].detail.contains("returned nothing"),
        "{}",
        found[0].detail
    );
}

#[test]
fn metrics_in_another_format_break_the_guarantee() {
    let mut c = checker();
    let ok = Msg::Metrics {
        format: Format::Prometheus,
    };
    message(&mut c, 1, 4, 3, ok, true);
    assert!(after_step(&mut c, 1).is_empty());
    let json = Msg::Metrics {
        format: Format::Json,
    };
    message(&mut c, 2, 4, 3, json, true);
    let found = after_step(&mut c, 2);
    assert_eq!((found[0].property, found[0].event), (METRICS, Some(2)));
    assert!(
        found[0].detail.contains("app2's metrics as JSON"),
        "{}",
        found[0].detail
    );
}
