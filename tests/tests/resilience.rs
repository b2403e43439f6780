//! Retries and circuit breaker, story by story: the retry storm multiplies calls at the
//! database layer by layer, a budget holds them near the offered load; an open breaker
//! fails fast and keeps the line at its service short; low traffic never trips a
//! breaker with a high minimum volume; a breaker that counts slow calls opens on a
//! database that is slow rather than failing.

use playground_core::patterns::resilience::PATTERN;
use playground_core::sim::run::{Engine, Run};
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between};

/// A story's run to its end.
fn run(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// Between `from_ms` and `to_ms`: a counter's total, a gauge's highest level, a
/// latency's highest p99 (µs).
fn between(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

/// Calls reaching the database per offered request, once the storm is under way.
fn amplification(session: &Session) -> f64 {
    let run = run(session);
    let e = run.engine();
    between(e, "db-calls", 400, 800) as f64 / between(e, "offered", 400, 800) as f64
}

fn storm() -> Session {
    Session::new("resilience-retry-storm", 1)
}

#[test]
fn without_a_budget_calls_at_the_database_multiply_by_three_per_layer() {
    let two = amplification(
        &storm()
            .with_switch_off("retry-budget")
            .with_param("depth", 2),
    );
    let three = amplification(&storm().with_switch_off("retry-budget"));
    assert!((6.0..=12.0).contains(&two), "3^2 = 9, got {two:.1}");
    assert!((20.0..=34.0).contains(&three), "3^3 = 27, got {three:.1}");
    // Before the database slows down, every request is one call at the bottom.
    let calm = run(&storm().with_switch_off("retry-budget"));
    let e = calm.engine();
    assert_eq!(
        between(e, "db-calls", 0, 180),
        between(e, "offered", 0, 180)
    );
}

#[test]
fn with_a_budget_the_database_sees_about_the_offered_load_at_any_depth() {
    for depth in [3, 5] {
        let ratio = amplification(&storm().with_param("depth", depth));
        assert!((1.0..=1.2).contains(&ratio), "depth {depth}: {ratio:.2}");
    }
}

#[test]
fn switching_the_budget_off_breaks_it_at_the_bottom_callers_retry() {
    let on = storm();
    assert!(guarantee_breaches(&Registry::standard(), &on).is_empty());
    let breaches = guarantee_breaches(&Registry::standard(), &on.with_switch_off("retry-budget"));
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0].property, "retry-budget");
    assert!(
        breaches[0].line.contains("s2   send"),
        "{}",
        breaches[0].line
    );
    assert!(
        breaches[0].line.contains("to db call"),
        "{}",
        breaches[0].line
    );
}

fn breaker() -> Session {
    Session::new("resilience-breaker", 1)
}

#[test]
fn an_open_breaker_fails_fast_and_keeps_the_line_short() {
    let on = run(&breaker());
    let off = run(&breaker().with_switch_off("breaker"));
    let (on, off) = (on.engine(), off.engine());
    // While the database is slow (200–500 ms), once the breaker has opened.
    let (waiting_on, waiting_off) = (
        between(on, "waiting", 300, 500),
        between(off, "waiting", 300, 500),
    );
    assert!(waiting_on <= 5, "with the breaker: {waiting_on} waiting");
    assert!(waiting_off >= 100, "without: {waiting_off} waiting");
    let (p99_on, p99_off) = (
        between(on, "latency", 300, 500),
        between(off, "latency", 300, 500),
    );
    assert!(p99_off >= 100_000, "without the breaker, p99 {p99_off} µs");
    assert!(p99_on < 20_000, "with it, p99 {p99_on} µs");
    // Open, it sends the database its probes only: one per 50 ms sleep window.
    assert!(between(on, "db-calls", 300, 500) <= 5);
    assert!(between(off, "db-calls", 300, 500) >= 100);
    assert_eq!(between(on, "breaker", 300, 500), 2);
}

#[test]
fn the_breaker_probes_while_open_and_closes_once_the_database_is_back() {
    let run = run(&breaker());
    let e = run.engine();
    let notes: Vec<(u64, String)> = (0..e.trace_len())
        .map(|i| e.event(i).unwrap())
        .filter(|ev| ev.label.starts_with("breaker"))
        .map(|ev| (ev.time.as_micros() / 1_000, ev.label.clone()))
        .collect();
    let opened = notes
        .iter()
        .find(|n| n.1.starts_with("breaker open"))
        .unwrap();
    assert!((200..300).contains(&opened.0), "{notes:?}");
    assert!(notes.iter().filter(|n| n.1 == "breaker half-open").count() >= 4);
    let closed = notes
        .iter()
        .find(|n| n.1.starts_with("breaker closed"))
        .unwrap();
    assert!(closed.0 > 500, "{notes:?}");
    assert_eq!(notes.last(), Some(closed), "it stays closed");
}

#[test]
fn switching_the_breaker_off_breaks_its_guarantee_when_it_would_open() {
    let off = breaker().with_switch_off("breaker");
    let breaches = guarantee_breaches(&Registry::standard(), &off);
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0].property, "open-breaker-only-probes");
    assert!(
        breaches[0].detail.contains("not a probe"),
        "{}",
        breaches[0].detail
    );
    assert!(
        breaches[0].line.contains("s1   send"),
        "{}",
        breaches[0].line
    );
}

#[test]
fn low_traffic_never_trips_a_breaker_with_a_high_minimum_volume() {
    let trap = run(&Session::new("resilience-volume-trap", 1));
    let e = trap.engine();
    assert_eq!(between(e, "breaker", 0, 800), 0, "never opens");
    let (failed, offered) = (
        between(e, "failed", 400, 800),
        between(e, "offered", 400, 800),
    );
    assert!(failed * 10 >= offered * 9, "{failed} of {offered} failed");
    // Every request still reaches the slow database.
    assert_eq!(between(e, "db-calls", 400, 800), offered);
    // A lower minimum volume lets it open: the database is spared.
    let low = run(&Session::new("resilience-volume-trap", 1).with_param("volume", 5));
    let e = low.engine();
    assert_eq!(between(e, "breaker", 200, 800), 2);
    assert!(between(e, "db-calls", 400, 800) * 2 < between(e, "offered", 400, 800));
}

#[test]
fn a_breaker_in_front_of_a_degraded_database_flaps() {
    let run = run(&Session::new("resilience-flapping", 1));
    let e = run.engine();
    let labels: Vec<String> = (0..e.trace_len())
        .map(|i| e.event(i).unwrap())
        .filter(|ev| ev.label.starts_with("breaker"))
        .map(|ev| ev.label)
        .collect();
    let count = |label: &str| labels.iter().filter(|l| *l == label).count();
    // Open, half-open, closed by a probe that succeeds, open again: more than once.
    assert!(count("breaker closed") >= 2, "{labels:?}");
    assert!(
        count("breaker open") > count("breaker closed"),
        "{labels:?}"
    );
    assert!(guarantee_breaches(
        &Registry::standard(),
        &Session::new("resilience-flapping", 1)
    )
    .is_empty());
}

fn slow_calls() -> Session {
    Session::new("resilience-slow-calls", 1)
}

#[test]
fn a_breaker_counting_slow_calls_opens_on_a_slow_database_and_keeps_the_line_short() {
    let counting = run(&slow_calls());
    let blind = run(&slow_calls().with_param("slow-ms", 0));
    let (counting, blind) = (counting.engine(), blind.engine());
    // Counting only failures, it never opens: no call fails, they are only slow.
    assert_eq!(between(blind, "breaker", 0, 800), 0);
    assert_eq!(between(blind, "failed", 0, 800), 0);
    // Counting slow calls, it opens while the database is slow, and not before.
    assert_eq!(between(counting, "breaker", 0, 200), 0);
    assert_eq!(between(counting, "breaker", 200, 500), 2);
    // The trade: requests fail fast instead of waiting in a line for a thread.
    let (line_counting, line_blind) = (
        between(counting, "waiting", 200, 500),
        between(blind, "waiting", 200, 500),
    );
    assert!(
        line_blind >= 3 * line_counting && line_blind >= 20,
        "line {line_counting} vs {line_blind}"
    );
    let (p99_counting, p99_blind) = (
        between(counting, "latency", 300, 500),
        between(blind, "latency", 300, 500),
    );
    assert!(
        p99_blind > 3 * p99_counting / 2,
        "p99 {p99_counting} vs {p99_blind} µs"
    );
    assert!(between(counting, "failed", 200, 600) > 0);
    // Its notes say why it opened: slow calls, none failed.
    let opened = (0..counting.trace_len())
        .map(|i| counting.event(i).unwrap())
        .find(|ev| ev.label.starts_with("breaker open"))
        .unwrap();
    let text = counting.trace_line(opened.index);
    assert!(text.contains("0 of") && text.contains("slow"), "{text}");
    assert!(guarantee_breaches(&Registry::standard(), &slow_calls()).is_empty());
}

#[test]
fn switched_off_the_slow_call_breaker_lets_calls_through_while_it_would_be_open() {
    let breaches = guarantee_breaches(
        &Registry::standard(),
        &slow_calls().with_switch_off("breaker"),
    );
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0].property, "open-breaker-only-probes");
}
