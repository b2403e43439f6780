//! The checker's unit tests: hand-built traces that break each property.

use super::*;
use crate::sim::checker::breaches_after_step;
use crate::sim::trace::{Fate, MsgId};

const C1: NodeId = NodeId(0);
const S1: NodeId = NodeId(1);
const DB: NodeId = NodeId(2);
const SLEEP_US: u64 = 50_000;

fn checker() -> ResilienceChecker {
    let names: Vec<String> = ["c1", "s1", "db"].iter().map(|s| s.to_string()).collect();
    ResilienceChecker::new(&names, vec![DB], SLEEP_US, 10)
}

/// `from` sends a call for `job` (attempt `attempt`) at `at_us`, as trace event `index`.
fn call(
    c: &mut ResilienceChecker,
    index: usize,
    at_us: u64,
    from: NodeId,
    job: u64,
    attempt: u32,
    probe: bool,
) {
    let to = NodeId(from.0 + 1);
    let event = TraceEvent {
        time: SimTime(at_us),
        node: Some(from),
        kind: EventKind::Send {
            msg: MsgId(index as u32),
            to,
            fate: Fate::Arrives(SimTime(at_us + 500)),
        },
    };
    let record = MessageRecord {
        from,
        to,
        sent_at: SimTime(at_us),
        copy_of: None,
        cause: None,
        payload: Msg::Call {
            job,
            attempt,
            probe,
        },
    };
    c.observe(index, &event, Some(&record));
}

fn event(
    c: &mut ResilienceChecker,
    index: usize,
    at_us: u64,
    node: NodeId,
    kind: EventKind<ResilienceNode>,
) {
    let event = TraceEvent {
        time: SimTime(at_us),
        node: Some(node),
        kind,
    };
    c.observe(index, &event, None);
}

fn opened() -> EventKind<ResilienceNode> {
    EventKind::Note(Note::Opened {
        failed: 10,
        slow: 0,
        calls: 20,
        enforced: true,
    })
}

fn after_step(c: &mut ResilienceChecker) -> Vec<Breach> {
    breaches_after_step(c, 3)
}

#[test]
fn an_open_breaker_sending_a_call_that_is_not_a_probe_breaks_the_guarantee() {
    let mut c = checker();
    call(&mut c, 0, 1_000, S1, 1, 1, false);
    event(&mut c, 1, 2_000, S1, opened());
    assert!(after_step(&mut c).is_empty());
    call(&mut c, 2, 3_000, S1, 2, 1, false);
    let found = after_step(&mut c);
    assert_eq!((found[0].property, found[0].event), (ONLY_PROBES, Some(2)));
    assert!(
        found[0].detail.contains("not a probe"),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_probe_is_allowed_once_per_sleep_window() {
    let mut c = checker();
    event(&mut c, 0, 0, S1, opened());
    call(&mut c, 1, SLEEP_US, S1, 1, 1, true);
    assert!(
        after_step(&mut c).is_empty(),
        "the probe after the sleep window"
    );
    call(&mut c, 2, SLEEP_US + 1, S1, 2, 1, true);
    let found = after_step(&mut c);
    assert_eq!((found[0].property, found[0].event), (ONLY_PROBES, Some(2)));
    assert!(
        found[0].detail.contains("a second probe"),
        "{}",
        found[0].detail
    );
}

#[test]
fn an_early_probe_breaks_the_guarantee_and_closing_or_restarting_lifts_it() {
    let mut c = checker();
    event(&mut c, 0, 0, S1, opened());
    call(&mut c, 1, SLEEP_US - 1, S1, 1, 1, true);
    let found = after_step(&mut c);
    assert!(
        found[0].detail.contains("before the sleep window"),
        "{}",
        found[0].detail
    );
    // Closed (a note), or restarted (its breaker is volatile): calls are fine again.
    let mut c = checker();
    event(&mut c, 0, 0, S1, opened());
    event(&mut c, 1, 60_000, S1, EventKind::Note(Note::Closed));
    call(&mut c, 2, 60_001, S1, 1, 1, false);
    event(&mut c, 3, 70_000, S1, opened());
    event(&mut c, 4, 80_000, S1, EventKind::Start);
    call(&mut c, 5, 80_001, S1, 2, 1, false);
    assert!(after_step(&mut c).is_empty());
}

#[test]
fn retries_beyond_the_budget_break_the_guarantee() {
    let mut c = checker();
    // Ten new calls earn one retry; two more come with the bucket: three are fine.
    for job in 1..=10 {
        call(&mut c, job as usize, job * 1_000, C1, job, 1, false);
    }
    for (i, job) in (1..=3).enumerate() {
        call(&mut c, 20 + i, 20_000 + i as u64, C1, job, 2, false);
    }
    assert!(after_step(&mut c).is_empty());
    call(&mut c, 30, 30_000, C1, 4, 2, false);
    let found = after_step(&mut c);
    assert_eq!((found[0].property, found[0].event), (BUDGET, Some(30)));
    assert!(found[0].detail.contains("4 retries"), "{}", found[0].detail);
}

#[test]
fn retries_older_than_the_window_do_not_count() {
    let mut c = checker();
    call(&mut c, 0, 0, S1, 1, 1, false);
    for (i, at) in [1_000, 2_000].into_iter().enumerate() {
        call(&mut c, 1 + i, at, S1, 1, 2 + i as u32, false);
    }
    // Two retries (the burst) and no new call: a third now would be one too many, but
    // 100 ms later the first two are out of the window.
    call(&mut c, 9, 2_000 + WINDOW_US, S1, 1, 4, false);
    assert!(after_step(&mut c).is_empty());
    // Every call to the database is counted, and every retry.
    let mut measures = Vec::new();
    c.measure(&mut measures);
    let count = |metric| measures.iter().filter(|m| m.metric == metric).count();
    assert_eq!((count(DB_CALLS), count(RETRIES)), (4, 3));
}

#[test]
fn a_failed_request_breaks_the_contrast() {
    let mut c = checker();
    let why = "timed out";
    event(
        &mut c,
        4,
        5,
        C1,
        EventKind::Note(Note::GaveUp { job: 3, why }),
    );
    let found = after_step(&mut c);
    assert_eq!((found[0].property, found[0].event), (ANSWERED, Some(4)));
    assert!(found[0].detail.contains("j3"), "{}", found[0].detail);
}
