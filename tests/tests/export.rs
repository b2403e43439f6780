//! Taking a run elsewhere: the JSON export parses and holds the whole run, the ShiViz
//! log's vector clocks respect every message, and a run exported as a test replays
//! (`tests/tests/exported.rs` is one, written by `export::rust_test`).

use playground_core::export::{run_json, rust_test, shiviz_log, FORMAT, SHIVIZ_REGEX};
use playground_core::sim::action::Action;
use playground_core::sim::run::EventTag;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Run, Session};
use playground_tests::replay::{check, PAGE_EVENTS};
use serde_json::Value;

/// A hand-driven run: health checks off, and a person crashing instance i2 at 300 ms.
fn hand_driven() -> Run {
    let session = Session::new("balance-host-failure", 1).with_switch_off("health-checks");
    let mut run = Registry::standard().start(&session).unwrap();
    run.engine_mut().run_until(SimTime::from_millis(300));
    run.act(SimTime::from_millis(300), Action::Crash("i2".to_string()))
        .unwrap();
    let engine = run.engine_mut();
    while engine.trace_len() < PAGE_EVENTS && engine.step() {}
    run
}

#[test]
fn the_json_export_holds_the_session_the_fingerprint_events_and_metrics() {
    let run = hand_driven();
    let engine = run.engine();
    let fingerprint = engine.trace_fingerprint();
    let json: Value = serde_json::from_str(&run_json(&run, fingerprint)).expect("valid JSON");
    assert_eq!(json["format"], FORMAT);
    assert_eq!(json["version"], 1);
    assert_eq!(json["session"], run.session().encode());
    assert!(json["session"].as_str().unwrap().contains("crash.i2"));
    assert_eq!(json["fingerprint"], format!("{fingerprint:016x}"));
    assert_eq!(
        json["nodes"].as_array().unwrap().len(),
        engine.names().len()
    );
    let events = json["events"].as_array().unwrap();
    assert_eq!(events.len(), engine.trace_len());
    for i in [0, events.len() / 2, events.len() - 1] {
        let e = engine.event(i).unwrap();
        assert_eq!(events[i]["i"], i);
        assert_eq!(events[i]["t_us"], e.time.as_micros());
        assert_eq!(events[i]["text"], e.label);
        assert_eq!(events[i]["step"], e.step);
    }
    let broken = engine.violations().iter().flatten().count();
    assert!(broken > 0, "health checks off breaks a property");
    assert_eq!(json["violations"].as_array().unwrap().len(), broken);
    let metrics = json["metrics"].as_array().unwrap();
    assert_eq!(metrics.len(), run.scenario().pattern().metrics.len());
    for (m, metric) in metrics.iter().enumerate() {
        let series = engine.series(m, engine.now());
        assert_eq!(metric["bucket_us"], series.bucket_us);
        assert_eq!(
            metric["points"].as_array().unwrap().len(),
            series.points.len()
        );
    }
}

#[test]
fn the_shiviz_log_gives_every_delivery_a_clock_after_its_send() {
    let run = hand_driven();
    let engine = run.engine();
    let names = engine.names();
    let log = shiviz_log(engine);
    let mut lines = log.lines();
    assert_eq!(lines.next(), Some(SHIVIZ_REGEX));
    assert_eq!(lines.next(), Some(""));
    let mut sent = std::collections::BTreeMap::new();
    let mut own = vec![0u64; names.len()];
    let mut count = 0;
    for i in 0..engine.trace_len() {
        let e = engine.event(i).unwrap();
        let Some(node) = e.node.filter(|n| n.index() < names.len()) else {
            continue;
        };
        count += 1;
        let line = lines.next().expect("a line per event on a node");
        let (head, clock) = line.split_at(line.find(" {").expect("a clock"));
        let host = &names[node.index()];
        assert_eq!(head, format!("{} {host}", e.label), "{line}");
        let clock: serde_json::Map<String, Value> = serde_json::from_str(clock.trim()).unwrap();
        let tick = clock[host].as_u64().unwrap();
        assert_eq!(
            tick,
            own[node.index()] + 1,
            "each event ticks its host: {line}"
        );
        own[node.index()] = tick;
        match (e.tag, e.msg) {
            (EventTag::Send | EventTag::Lost | EventTag::Cut, Some(m)) => {
                sent.insert(m, clock);
            }
            (EventTag::Deliver, Some(m)) => {
                for (k, v) in &sent[&m] {
                    let mine = clock.get(k).and_then(Value::as_u64).unwrap_or(0);
                    assert!(mine >= v.as_u64().unwrap(), "{line} after {k}={v}");
                }
            }
            _ => {}
        }
    }
    assert_eq!(lines.next(), None);
    assert!(count > 1_000, "{count}");
}

#[test]
fn a_run_exported_as_a_test_is_the_test_in_exported_rs() {
    let run = hand_driven();
    let test = rust_test(&run, run.engine().trace_fingerprint());
    let file = include_str!("exported.rs");
    assert!(file.contains(&test), "exported.rs holds:\n{test}");
}

#[test]
#[should_panic(expected = "is not the exported")]
fn a_replay_with_another_fingerprint_fails() {
    check("v1~balance-host-failure~seed.1", 0x1234, &[]);
}

#[test]
#[should_panic(expected = "the properties that break")]
fn a_replay_that_breaks_other_properties_fails() {
    let session = Session::new("balance-host-failure", 1).with_switch_off("health-checks");
    let fingerprint = {
        let mut run = Registry::standard().start(&session).unwrap();
        let engine = run.engine_mut();
        while engine.trace_len() < PAGE_EVENTS && engine.step() {}
        engine.trace_fingerprint()
    };
    check(&session.encode(), fingerprint, &[]);
}
