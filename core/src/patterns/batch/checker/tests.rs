//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::sim::checker::breaches_after_step;
use crate::sim::trace::{Fate, MsgId};

const COORD: NodeId = NodeId(0);
const OUT: NodeId = NodeId(1);
const W1: NodeId = NodeId(2);
const W2: NodeId = NodeId(3);

/// A trace builder over a batch of two tasks: every call appends one send.
struct Trace {
    c: BatchChecker,
    index: usize,
}

impl Trace {
    fn new() -> Trace {
        let names: Vec<String> = ["coord", "out", "w1", "w2"].map(String::from).to_vec();
        Trace {
            c: BatchChecker::new(&names, COORD, 2),
            index: 0,
        }
    }

    fn send(&mut self, at_us: u64, from: NodeId, to: NodeId, msg: Msg) {
        let event = TraceEvent {
            time: SimTime(at_us),
            node: Some(from),
            kind: EventKind::Send {
                msg: MsgId(self.index as u32),
                to,
                fate: Fate::Arrives(SimTime(at_us + 300)),
            },
        };
        let record = MessageRecord {
            from,
            to,
            sent_at: SimTime(at_us),
            copy_of: None,
            cause: None,
            payload: msg,
        };
        self.c.observe(self.index, &event, Some(&record));
        self.index += 1;
    }

    /// Batch `batch` starts at `at_us`: task 0 to w1, task 1 to w2.
    fn start(&mut self, at_us: u64, batch: u32) {
        for (task, worker) in [(0, W1), (1, W2)] {
            let (lo, hi) = (1, 100);
            self.send(
                at_us,
                COORD,
                worker,
                Msg::Task {
                    batch,
                    task,
                    lo,
                    hi,
                },
            );
        }
    }

    fn output(&mut self, at_us: u64, worker: NodeId, batch: u32, task: u32, value: u64) {
        self.send(at_us, worker, COORD, Msg::Output { batch, task, value });
    }

    fn publish(&mut self, at_us: u64, msg: Msg) {
        self.send(at_us, COORD, OUT, msg);
    }

    fn final_result(&mut self, at_us: u64, batch: u32, value: u64) {
        self.publish(at_us, Msg::Final { batch, value });
    }

    /// Batch `batch` starts at `at_us`; w2 sends 20 for task 1 at `w2_us`, w1 sends 7
    /// for task 0 at `w1_us`.
    fn outputs(&mut self, at_us: u64, batch: u32, w2_us: u64, w1_us: u64) {
        self.start(at_us, batch);
        self.output(w2_us, W2, batch, 1, 20);
        self.output(w1_us, W1, batch, 0, 7);
    }

    fn breaches(&mut self) -> Vec<Breach> {
        breaches_after_step(&mut self.c, 4)
    }

    fn measures(&mut self) -> Vec<Measure> {
        let mut out = Vec::new();
        self.c.measure(&mut out);
        out
    }
}

#[test]
fn a_final_sum_of_the_sent_outputs_holds_and_is_measured() {
    let mut t = Trace::new();
    t.start(0, 1);
    t.output(5_000, W2, 1, 1, 20);
    t.publish(
        6_000,
        Msg::Running {
            batch: 1,
            folded: 1,
            value: 20,
        },
    );
    t.output(50_000, W1, 1, 0, 7);
    // The same output sent twice counts once.
    t.output(50_000, W1, 1, 0, 7);
    t.final_result(51_000, 1, 27);
    assert!(t.breaches().is_empty());
    let m = t.measures();
    let values = |metric: usize| -> Vec<i64> {
        m.iter()
            .filter(|m| m.metric == metric)
            .map(|m| m.value)
            .collect()
    };
    assert_eq!(values(FIRST), [6_000]);
    assert_eq!(values(FINAL), [51_000]);
    assert_eq!(values(RESULTS).len(), 2);
    // The batch starts at 0 tasks covered; the running result covers 1, the final both.
    assert_eq!(values(COVERED), [0, 1, 2]);
}

#[test]
fn a_final_result_that_counts_an_output_twice_breaks_the_sum() {
    let mut t = Trace::new();
    t.outputs(0, 1, 5_000, 6_000);
    // What a reducer folding a repeat would publish: 20 + 20 + 7.
    t.final_result(7_000, 1, 47);
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, SUM);
    assert_eq!(found[0].event, Some(t.index - 1), "the final result's send");
    assert!(found[0].detail.contains("sum to 27"), "{}", found[0].detail);
}

#[test]
fn a_final_result_before_every_task_answered_breaks_the_sum_whatever_its_value() {
    let mut t = Trace::new();
    t.start(0, 1);
    t.output(5_000, W2, 1, 1, 20);
    // 20 is right for what was sent so far, but task 0 has not answered.
    t.final_result(6_000, 1, 20);
    let found = t.breaches();
    assert_eq!(found[0].property, SUM);
    assert!(
        found[0].detail.contains("before task 0"),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_late_first_result_breaks_the_contrast_once_per_run() {
    let mut t = Trace::new();
    t.outputs(0, 1, 5_000, 19_000);
    t.final_result(20_000, 1, 27);
    assert!(t.breaches().is_empty(), "20 ms is early enough");
    t.outputs(100_000, 2, 105_000, 150_000);
    t.final_result(162_000, 2, 27);
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, EARLY);
    assert!(
        found[0].detail.contains("b2's first result came 62 ms"),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_coordinator_restart_drops_the_open_batch() {
    let mut t = Trace::new();
    t.start(0, 1);
    let start = TraceEvent {
        time: SimTime(2_500),
        node: Some(COORD),
        kind: EventKind::Start,
    };
    t.c.observe(t.index, &start, None);
    t.index += 1;
    // A final result for a batch the checker no longer follows is not judged.
    t.publish(3_000, Msg::Final { batch: 1, value: 0 });
    assert!(t.breaches().is_empty());
}
