//! The service bus, story by story: routing by content with conversion and an
//! invalid-message channel (switch it off and a message is dropped); the message history
//! that answers "where is message 17?" and records a delivery only once confirmed; the
//! bus as bottleneck (its queue grows past its service rate) and single point of failure.

use playground_core::patterns::bus::PATTERN;
use playground_core::sim::run::Engine;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

fn metric(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

fn holds(session: &Session) -> bool {
    guarantee_breaches(&Registry::standard(), session).is_empty()
}

#[test]
fn the_bus_routes_by_kind_and_sends_what_it_cannot_handle_to_the_invalid_channel() {
    let session = Session::new("bus-routing", 1);
    let run = run_to_end(&session);
    let e = run.engine();
    let (routed, invalid) = (
        metric(e, "routed", 0, 1_000),
        metric(e, "invalid", 0, 1_000),
    );
    // About 120 messages a second, 5 % malformed and 5 % memos.
    assert!((90..=150).contains(&routed), "{routed} routed");
    assert!((3..=25).contains(&invalid), "{invalid} invalid");
    assert!(holds(&session));
    let off = session.with_switch_off("invalid-channel");
    let breach = only_breach(&off, "none-dropped");
    assert!(breach.line.contains("bus  recv"), "{breach:?}");
    assert_eq!(metric(run_to_end(&off).engine(), "invalid", 0, 1_000), 0);
}

#[test]
fn the_history_answers_where_a_message_is_and_records_only_confirmed_deliveries() {
    let session = Session::new("bus-accountability", 1);
    let run = run_to_end(&session);
    let e = run.engine();
    let answer = e.query(e.trace_len(), "17").unwrap();
    let labels: Vec<&str> = answer.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels[0], "sent by");
    assert!(
        answer[1].1.starts_with("shipping")
            || answer[1].1.starts_with("billing")
            || answer[1].1.starts_with("invalid")
    );
    assert!(e.query(e.trace_len(), "order seventeen").is_err());
    // While shipping is down, routed orders are lost, and the history never says otherwise.
    assert!(holds(&session));
    let lost = (1..400)
        .filter_map(|id| e.query(e.trace_len(), &id.to_string()).ok())
        .filter(|a| a[2].1.starts_with("nowhere"))
        .inspect(|a| assert_eq!(a[3].1, "nothing recorded", "{a:?}"))
        .count();
    assert!(lost >= 10, "{lost} lost while shipping was down");
    let off = session.with_switch_off("confirmed-history");
    let breach = only_breach(&off, "true-history");
    assert!(breach.line.contains("shipping drop"), "{breach:?}");
}

#[test]
fn the_bus_is_a_bottleneck_past_its_rate_and_its_crash_stops_every_integration() {
    let session = Session::new("bus-bottleneck", 1);
    let run = run_to_end(&session);
    let e = run.engine();
    assert!(metric(e, "queue", 0, 500) <= 15);
    assert!(
        metric(e, "queue", 1_250, 1_600) >= 40,
        "the queue grows past 250/s"
    );
    assert!(metric(e, "latency", 1_250, 1_600) > 100_000);
    assert!(e.violations()[3].is_some(), "prompt breaks");
    assert_eq!(
        metric(e, "routed", 1_650, 1_900),
        0,
        "nothing routed while it is down"
    );
    assert!(metric(e, "routed", 1_950, 2_200) > 0);
    assert!(holds(&session));
}
