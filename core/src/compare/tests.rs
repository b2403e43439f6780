//! The first divergence on hand-built traces and on real runs.

use super::*;
use crate::sim::node::NodeId;
use crate::sim::run::EventTag;
use crate::sim::time::SimTime;
use crate::{Registry, Session};

/// A hand-built event: `node` did `label` at `ms`.
fn event(index: usize, ms: u64, node: &str, label: &str) -> EventInfo {
    let time = SimTime::from_millis(ms);
    EventInfo {
        index,
        step: index,
        time,
        node: Some(NodeId(0)),
        tag: EventTag::Note,
        msg: None,
        peer: None,
        arrives: None,
        text: format!("{time:>12} {node:<4} {label}"),
        label: label.to_string(),
        minor: false,
    }
}

/// A trace of `labels` on node s1, one event per millisecond.
fn trace(labels: &[&str]) -> Vec<EventInfo> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| event(i, i as u64, "s1", l))
        .collect()
}

#[test]
fn identical_traces_do_not_diverge() {
    let a = trace(&["start", "send #0 to s2 ping", "timer tick"]);
    assert_eq!(first_divergence(&a[..], &a.clone()[..]), None);
    assert_eq!(first_divergence(&[][..], &[][..]), None);
}

#[test]
fn finds_a_difference_at_the_first_a_middle_and_the_last_event() {
    let a = trace(&[
        "start",
        "deliver #3 ack 3 from c1",
        "timer tick",
        "note done",
    ]);
    for at in [0, 1, a.len() - 1] {
        let mut b = a.clone();
        b[at] = event(at, at as u64, "s1", "dropped #3 (receiver down)");
        let d = first_divergence(&a[..], &b[..]).expect("they differ");
        assert_eq!(d.index, at);
        assert_eq!(d.a.as_ref(), a.get(at));
        assert_eq!(d.b.as_ref(), b.get(at));
        let at_ms = SimTime::from_millis(at as u64);
        assert_eq!(
            d.sentence,
            format!(
                "event {at} at {at_ms}: run A: s1 {}; run B: s1 dropped #3 (receiver down)",
                a[at].label
            )
        );
    }
}

#[test]
fn a_difference_in_time_alone_is_one_and_the_sentence_gives_both_times() {
    let a = trace(&["start", "deliver #0 ping from c1"]);
    let mut b = a.clone();
    b[1] = event(1, 7, "s1", "deliver #0 ping from c1");
    let d = first_divergence(&a[..], &b[..]).expect("they differ");
    assert_eq!(d.index, 1);
    assert_eq!(
        d.sentence,
        "event 1: run A: at 1.000ms, s1 deliver #0 ping from c1; \
         run B: at 7.000ms, s1 deliver #0 ping from c1"
    );
}

#[test]
fn a_trace_that_ends_early_diverges_where_it_ends() {
    let long = trace(&["start", "send #0 to s2 ping", "timer tick"]);
    let short = long[..2].to_vec();
    let d = first_divergence(&short[..], &long[..]).expect("lengths differ");
    assert_eq!(d.index, 2);
    assert_eq!(d.a, None);
    assert_eq!(
        d.sentence,
        "event 2 at 2.000ms: run A: has ended; run B: s1 timer tick"
    );
    let d = first_divergence(&long[..], &[][..]).expect("one is empty");
    assert_eq!(d.index, 0);
    assert!(d.sentence.ends_with("run B: has ended"), "{}", d.sentence);
}

#[test]
fn two_runs_of_one_session_agree_and_a_switch_off_parts_them() {
    let registry = Registry::standard();
    let story = registry
        .scenarios()
        .iter()
        .find(|s| !s.offered_switches().is_empty())
        .expect("a story offers a switch");
    let session = Session::new(story.id(), 1);
    let run = |s: &Session| {
        let mut run = registry.start(s).expect("starts");
        run.engine_mut().run_to_end(20_000);
        run
    };
    let (a, again) = (run(&session), run(&session));
    assert_eq!(first_divergence(a.engine(), again.engine()), None);
    let off = session.with_switch_off(story.offered_switches()[0].name);
    let b = run(&off);
    let d = first_divergence(a.engine(), b.engine()).expect("a switch off changes the run");
    assert!(d.index > 0, "both runs start alike");
    assert_eq!(
        a.engine().trace_line(d.index - 1),
        b.engine().trace_line(d.index - 1),
        "the runs agree up to the divergence"
    );
    assert_ne!(
        a.engine().trace_line(d.index),
        b.engine().trace_line(d.index)
    );
    assert!(
        d.sentence.starts_with(&format!("event {}", d.index)),
        "{}",
        d.sentence
    );
}
