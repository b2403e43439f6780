//! The first divergence and the first difference in outcome, on hand-built traces and on
//! real runs.

use super::*;
use crate::sim::node::NodeId;
use crate::sim::run::EventTag;
use crate::sim::time::SimTime;
use crate::{Registry, Session};

/// A hand-built trace: events, node names (`s1`, `s2`, `c1`) and one payload per message.
#[derive(Clone)]
struct Hand(Vec<EventInfo>);

const NAMES: [&str; 3] = ["s1", "s2", "c1"];
const PAYLOADS: [&str; 4] = ["ping", "ack 3", "write x=1", "ok"];

impl Trail for Hand {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn line(&self, index: usize) -> String {
        self.0
            .get(index)
            .map(|e| e.text.clone())
            .unwrap_or_default()
    }
    fn event(&self, index: usize) -> Option<EventInfo> {
        self.0.get(index).cloned()
    }
    fn name(&self, node: NodeId) -> String {
        NAMES[node.index()].to_string()
    }
    fn payload(&self, msg: MsgId) -> Option<String> {
        PAYLOADS.get(msg.0 as usize).map(|p| p.to_string())
    }
}

/// A hand-built event at `ms` on node `node` (an index into `NAMES`).
fn event(index: usize, ms: u64, node: usize, tag: EventTag, label: &str) -> EventInfo {
    let time = SimTime::from_millis(ms);
    EventInfo {
        index,
        step: index,
        time,
        node: Some(NodeId(node as u32)),
        tag,
        msg: None,
        peer: None,
        arrives: None,
        text: format!("{time:>12} {:<4} {label}", NAMES[node]),
        label: label.to_string(),
        minor: false,
    }
}

/// Event `e` about message `msg` with `peer`.
fn about(mut e: EventInfo, msg: u32, peer: usize) -> EventInfo {
    e.msg = Some(MsgId(msg));
    e.peer = Some(NodeId(peer as u32));
    e
}

/// A trace of notes on node s1, one event per millisecond.
fn trace(labels: &[&str]) -> Hand {
    Hand(
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| event(i, i as u64, 0, EventTag::Note, l))
            .collect(),
    )
}

#[test]
fn identical_traces_do_not_diverge() {
    let a = trace(&["start", "send #0 to s2 ping", "timer tick"]);
    assert_eq!(first_divergence(&a, &a.clone()), None);
    assert_eq!(first_divergence(&Hand(vec![]), &Hand(vec![])), None);
}

#[test]
fn finds_a_difference_at_the_first_a_middle_and_the_last_event() {
    let a = trace(&["start", "elected", "lease renewed", "done"]);
    for at in [0, 1, a.len() - 1] {
        let mut b = a.clone();
        b.0[at] = event(at, at as u64, 0, EventTag::Note, "stepped down");
        let d = first_divergence(&a, &b).expect("they differ");
        assert_eq!(d.index, at);
        assert_eq!(d.a.as_ref(), a.0.get(at));
        assert_eq!(d.b.as_ref(), b.0.get(at));
        let at_ms = SimTime::from_millis(at as u64);
        assert_eq!(
            d.sentence,
            format!(
                "At {at_ms} (event {at}), in run A s1: {}; in run B s1: stepped down.",
                a.0[at].label
            )
        );
        // Knowing the traces agree up to the difference reads no line before it.
        assert_eq!(first_divergence_from(&a, &b, at), Some(d));
    }
}

#[test]
fn the_sentence_says_which_node_did_what_to_which_message() {
    let start = event(0, 0, 2, EventTag::Start, "start");
    let deliver = about(
        event(1, 5, 1, EventTag::Deliver, "recv #1 from c1 ack 3"),
        1,
        2,
    );
    let mut dropped = event(
        1,
        5,
        1,
        EventTag::Dropped,
        "drop #1 ack 3 (receiver is down)",
    );
    dropped.msg = Some(MsgId(1));
    let a = Hand(vec![start.clone(), deliver]);
    let b = Hand(vec![start, dropped]);
    let d = first_divergence(&a, &b).expect("delivered against dropped");
    assert_eq!(
        d.sentence,
        "At 5.000ms (event 1), in run A s2 receives message #1 (ack 3) from c1; \
         in run B message #1 (ack 3) to s2 is dropped (receiver is down)."
    );
}

#[test]
fn another_network_delay_is_said_as_another_arrival_time() {
    let send = |arrives: u64| {
        let mut e = about(
            event(
                0,
                2,
                2,
                EventTag::Send,
                &format!("send #0 to s1 ping; arrives {arrives}"),
            ),
            0,
            0,
        );
        e.arrives = Some(SimTime::from_millis(arrives));
        e
    };
    let d = first_divergence(&Hand(vec![send(3)]), &Hand(vec![send(7)])).expect("differ");
    assert_eq!(
        d.sentence,
        "At 2.000ms (event 0), c1 sends message #0 (ping) to s1: it arrives at 3.000ms \
         in run A, at 7.000ms in run B (another network delay)."
    );
}

#[test]
fn the_same_event_at_another_time_gives_both_times() {
    let a = trace(&["start", "timer tick"]);
    let mut b = a.clone();
    b.0[1] = event(1, 7, 0, EventTag::Note, "timer tick");
    let d = first_divergence(&a, &b).expect("they differ");
    assert_eq!(d.index, 1);
    assert_eq!(
        d.sentence,
        "Event 1 is the same in both runs but comes at another time: s1: timer tick, \
         at 1.000ms in run A and at 7.000ms in run B."
    );
    // Different events at different times give each run's time.
    b.0[1] = event(1, 7, 0, EventTag::Note, "elected");
    assert_eq!(
        first_divergence(&a, &b).unwrap().sentence,
        "At event 1, in run A at 1.000ms s1: timer tick; in run B at 7.000ms s1: elected."
    );
}

#[test]
fn a_trace_that_ends_early_diverges_where_it_ends() {
    let long = trace(&["start", "elected", "timer tick"]);
    let short = Hand(long.0[..2].to_vec());
    let d = first_divergence(&short, &long).expect("lengths differ");
    assert_eq!(d.index, 2);
    assert_eq!(d.a, None);
    assert_eq!(
        d.sentence,
        "Run A ends after 2 events; run B goes on: at 2.000ms (event 2), s1: timer tick."
    );
    let d = first_divergence(&long, &Hand(vec![])).expect("one is empty");
    assert_eq!(d.index, 0);
    assert!(
        d.sentence.starts_with("Run B ends after 0 events"),
        "{}",
        d.sentence
    );
}

#[test]
fn chunk_fingerprints_skip_the_shared_prefix() {
    assert_eq!(equal_prefix(4, &[1, 2, 3], &[1, 2, 3]), 12);
    assert_eq!(equal_prefix(4, &[1, 2, 3], &[1, 9, 3]), 4);
    assert_eq!(equal_prefix(4, &[5], &[1]), 0);
    assert_eq!(equal_prefix(4, &[1, 2], &[1]), 4);
}

/// The answers a client got, hand-built: (answer number, ms, event, text).
fn answers(client: u32, list: &[(usize, u64, usize, &str)]) -> Vec<Answer> {
    list.iter()
        .map(|&(nth, ms, event, text)| Answer {
            client: NodeId(client),
            nth,
            time: SimTime::from_millis(ms),
            event,
            msg: None,
            text: text.to_string(),
        })
        .collect()
}

fn name(n: NodeId) -> String {
    NAMES[n.index()].to_string()
}

#[test]
fn the_first_outcome_difference_is_a_verdict_or_an_answer() {
    let base = Outcomes {
        answers: answers(2, &[(4, 10, 40, "ok 4"), (5, 20, 50, "ok 5")]),
        verdicts: vec![("no-stale-read", None), ("one-leader", None)],
        end: SimTime::from_millis(100),
    };
    assert_eq!(outcome(&base, &base.clone(), &name), None);
    // Only the time of an answer differs: not an outcome.
    let mut later = base.clone();
    later.answers[1].time = SimTime::from_millis(25);
    assert_eq!(outcome(&base, &later, &name), None);
    // Another answer.
    let mut other = base.clone();
    other.answers[1] = answers(2, &[(5, 22, 53, "timeout")]).remove(0);
    let o = outcome(&base, &other, &name).expect("c1's 6th answer differs");
    assert_eq!(
        (o.time, o.a, o.b),
        (SimTime::from_millis(20), Some(50), Some(53))
    );
    assert_eq!(
        o.sentence,
        "At 20.000ms, c1 gets its 6th answer: “ok 5” in run A (at 20.000ms), \
         “timeout” in run B (at 22.000ms)."
    );
    // A property broken in run B only, earlier than the answer: the verdict comes first.
    other.verdicts[1].1 = Some((SimTime::from_millis(15), 45));
    let o = outcome(&base, &other, &name).expect("a verdict differs");
    assert_eq!(
        (o.time, o.a, o.b),
        (SimTime::from_millis(15), None, Some(45))
    );
    assert_eq!(
        o.sentence,
        "At 15.000ms, run B breaks “one leader”; run A keeps it to its end."
    );
    // Broken in both, earlier in run A.
    let mut both = base.clone();
    both.verdicts[0].1 = Some((SimTime::from_millis(8), 30));
    let mut later_b = base.clone();
    later_b.verdicts[0].1 = Some((SimTime::from_millis(9), 31));
    assert_eq!(
        outcome(&both, &later_b, &name).unwrap().sentence,
        "At 8.000ms, run A breaks “no stale read”; run B breaks it too, but only at 9.000ms."
    );
    // An answer run B never got, while it still ran; none when run B had ended already.
    let mut fewer = base.clone();
    fewer.answers.pop();
    let o = outcome(&base, &fewer, &name).expect("run B lacks an answer");
    assert_eq!((o.a, o.b), (Some(50), None));
    assert_eq!(
        o.sentence,
        "At 20.000ms, c1 gets its 6th answer in run A (“ok 5”); in run B it gets no 6th \
         answer by the end (100.000ms)."
    );
    fewer.end = SimTime::from_millis(15);
    assert_eq!(outcome(&base, &fewer, &name), None);
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
        d.sentence.contains(&format!("event {}", d.index)),
        "{}",
        d.sentence
    );
    // The chunk fingerprints give the same fingerprint and the same divergence.
    let (whole, chunks_a) = a.engine().trace_fingerprints(64);
    assert_eq!(whole, a.engine().trace_fingerprint());
    assert_eq!(chunks_a.len(), a.engine().trace_len().div_ceil(64));
    let (_, chunks_b) = b.engine().trace_fingerprints(64);
    let start = equal_prefix(64, &chunks_a, &chunks_b);
    assert!(
        start <= d.index && d.index < start + 64,
        "{start} {}",
        d.index
    );
    assert_eq!(
        first_divergence_from(a.engine(), b.engine(), start),
        Some(d.clone())
    );
    // Their outcomes, read from the traces from the divergence on.
    let (oa, ob) = (
        outcomes(a.engine(), d.index, &[]),
        outcomes(b.engine(), d.index, &[]),
    );
    assert!(oa.answers.is_empty(), "no client named");
    assert_eq!(oa.verdicts.len(), a.engine().properties().len());
    assert_eq!(oa.end, a.engine().now());
    if let Some(o) = outcome(&oa, &ob, &|n| a.engine().name(n)) {
        assert!(o.sentence.contains("breaks"), "{}", o.sentence);
    }
}

#[test]
fn outcomes_read_the_answers_delivered_to_clients() {
    let registry = Registry::standard();
    let mut run = registry
        .start(&Session::decode("v1~balance-host-failure~seed.1").unwrap())
        .unwrap();
    run.engine_mut().run_to_end(20_000);
    let engine = run.engine();
    let c1 = NodeId(engine.names().iter().position(|n| n == "c1").unwrap() as u32);
    let all = outcomes(engine, 0, &[c1]);
    assert!(!all.answers.is_empty(), "c1 gets answers");
    for (i, x) in all.answers.iter().enumerate() {
        assert_eq!(x.nth, i);
        assert_eq!(x.client, c1);
        let e = engine.event(x.event).unwrap();
        assert_eq!(
            (e.tag, e.node, e.time),
            (EventTag::Deliver, Some(c1), x.time)
        );
        assert!(e.label.ends_with(&x.text), "{} / {}", e.label, x.text);
    }
    // From a later event, the numbering still counts from the start.
    let from = all.answers[3].event;
    let later = outcomes(engine, from, &[c1]);
    assert_eq!(later.answers, all.answers[3..]);
    // Formatting only the answers it compares finds what comparing them all finds.
    let mut other = registry
        .start(&Session::decode("v1~balance-host-failure~seed.1~off.health-checks").unwrap())
        .unwrap();
    other.engine_mut().run_to_end(20_000);
    let name = |n: NodeId| engine.name(n);
    let d = first_divergence(engine, other.engine()).expect("they part");
    for clients in [vec![c1], Vec::new()] {
        let full = outcome(
            &outcomes(engine, d.index, &clients),
            &outcomes(other.engine(), d.index, &clients),
            &name,
        );
        let lazy = first_outcome(engine, other.engine(), d.index, &clients, &name);
        assert_eq!(lazy, full);
        assert!(lazy.is_some());
    }
}
