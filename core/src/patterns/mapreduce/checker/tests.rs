//! The checker's unit tests: hand-built traces that break each property, and ones that
//! look alike but hold.

use super::*;
use crate::sim::checker::breaches_after_step;
use crate::sim::time::SimTime;
use crate::sim::trace::{Fate, MsgId};

const M: NodeId = NodeId(0);
const W1: NodeId = NodeId(1);
const W2: NodeId = NodeId(2);

/// A job of 2 map tasks and 1 reduce task over the corpus, with workers w1 and w2.
struct Trace {
    c: MapReduceChecker,
    index: usize,
}

impl Trace {
    fn new() -> Trace {
        let names: Vec<String> = ["m", "w1", "w2"].map(String::from).to_vec();
        Trace {
            c: MapReduceChecker::new(&names, &Corpus::new(), 2, 1),
            index: 0,
        }
    }

    fn message(
        &mut self,
        node: NodeId,
        kind: EventKind<MapReduceNode>,
        from: NodeId,
        to: NodeId,
        msg: Msg,
    ) {
        let event = TraceEvent {
            time: SimTime(self.index as u64 * 100),
            node: Some(node),
            kind,
        };
        let record = MessageRecord {
            from,
            to,
            sent_at: event.time,
            copy_of: None,
            cause: None,
            payload: msg,
        };
        self.c.observe(self.index, &event, Some(&record));
        self.index += 1;
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Send {
            msg: MsgId(self.index as u32),
            to,
            fate: Fate::Arrives(SimTime(0)),
        };
        self.message(from, kind, from, to, msg);
    }

    fn deliver(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let kind = EventKind::Deliver {
            msg: MsgId(self.index as u32),
            from,
        };
        self.message(to, kind, from, to, msg);
    }

    fn note(&mut self, note: Note) {
        let event = TraceEvent {
            time: SimTime(0),
            node: Some(M),
            kind: EventKind::Note(note),
        };
        self.c.observe(self.index, &event, None);
        self.index += 1;
    }

    fn assign(&mut self, worker: NodeId, task: Task, copy: u32) {
        let sources = Rc::new(vec![W1, W2]);
        self.send(
            M,
            worker,
            Msg::Assign {
                task,
                copy,
                sources,
            },
        );
    }

    fn breaches(&mut self) -> Vec<Breach> {
        breaches_after_step(&mut self.c, 3)
    }

    /// Both workers alive, each running one map task.
    fn running_maps() -> Trace {
        let mut t = Trace::new();
        for w in [W1, W2] {
            t.deliver(
                w,
                M,
                Msg::Heartbeat {
                    fresh: true,
                    running: [None; 2],
                },
            );
        }
        t.assign(W1, Task::Map(0), 1);
        t.assign(W2, Task::Map(1), 1);
        assert!(t.breaches().is_empty());
        t
    }

    fn commit(&mut self, part: u32, counts: Vec<(u16, u32)>) {
        self.note(Note::Committed {
            part,
            counts: Rc::new(counts),
        });
    }
}

fn whole_output() -> Vec<(u16, u32)> {
    let counts = Corpus::new().counts();
    (0..).zip(counts).filter(|(_, n)| *n > 0).collect()
}

#[test]
fn a_worker_idle_while_a_task_runs_alone_elsewhere_breaks_the_schedule() {
    let mut t = Trace::running_maps();
    t.deliver(W1, M, Msg::MapDone { map: 0, copy: 1 });
    // w1 is free, map 1 runs alone on w2: without a backup copy, that breaks it.
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, NO_IDLE);
    assert!(
        found[0].detail.contains("w1 had a free slot while map 1"),
        "{}",
        found[0].detail
    );
}

#[test]
fn a_backup_copy_or_a_failed_worker_leaves_no_idle_slot() {
    let mut t = Trace::running_maps();
    t.deliver(W1, M, Msg::MapDone { map: 0, copy: 1 });
    t.assign(W1, Task::Map(1), 2);
    assert!(t.breaches().is_empty(), "the backup runs on w1");
    // w2 is marked failed: its copy is forgotten, w1's still runs map 1.
    t.note(Note::Failed {
        worker: W2,
        lost_maps: 0,
    });
    assert!(t.breaches().is_empty());
}

#[test]
fn a_copy_the_master_stops_counting_on_frees_its_slot_for_the_schedule() {
    let mut t = Trace::running_maps();
    // w1's heartbeat does not report map 0 (its assignment was lost): the master takes
    // it back, so w1 has a free slot and map 0 waits; not handing it out breaks it.
    t.note(Note::Unreported {
        worker: W1,
        task: Task::Map(0),
        copy: 1,
    });
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].property, NO_IDLE);
    assert!(
        found[0].detail.contains("w1 had a free slot while map 0"),
        "{found:?}"
    );
    // Handed out again, the schedule holds.
    let mut t = Trace::running_maps();
    t.note(Note::Unreported {
        worker: W1,
        task: Task::Map(0),
        copy: 1,
    });
    t.assign(W1, Task::Map(0), 2);
    assert!(t.breaches().is_empty());
}

#[test]
fn a_reduce_slot_is_free_work_only_once_every_map_output_is_in() {
    let mut t = Trace::running_maps();
    t.assign(W1, Task::Map(1), 2);
    assert!(t.breaches().is_empty(), "reduce 0 cannot start yet");
    t.deliver(W1, M, Msg::MapDone { map: 0, copy: 1 });
    t.deliver(W2, M, Msg::MapDone { map: 1, copy: 1 });
    // Every map output is in; w1's backup of map 1 still runs, and reduce 0 waits.
    let found = t.breaches();
    assert_eq!(found[0].property, NO_IDLE);
    assert!(found[0].detail.contains("reduce 0"), "{}", found[0].detail);
}

#[test]
fn a_second_commit_of_one_partition_breaks_commit_once() {
    let mut t = Trace::new();
    t.commit(0, whole_output());
    assert!(t.breaches().is_empty(), "one partition holds every word");
    t.commit(0, whole_output());
    let found = t.breaches();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].property, found[0].event), (ONCE, Some(1)));
}

#[test]
fn an_output_that_differs_from_the_input_counts_breaks_correctness() {
    let mut t = Trace::new();
    let mut wrong = whole_output();
    wrong[3].1 += 1;
    t.commit(0, wrong);
    let found = t.breaches();
    assert_eq!(found[0].property, CORRECT);
    let mut short = whole_output();
    short.pop();
    let mut t = Trace::new();
    t.commit(0, short);
    assert_eq!(t.breaches()[0].property, CORRECT);
}

#[test]
fn shuffled_counts_backups_and_commits_are_measured_from_the_trace() {
    let mut t = Trace::running_maps();
    t.assign(W1, Task::Map(1), 2);
    let counts = Rc::new(vec![(1, 2), (5, 1)]);
    t.send(
        W2,
        W1,
        Msg::Chunk {
            map: 1,
            part: 0,
            counts,
        },
    );
    t.commit(0, whole_output());
    let mut measures = Vec::new();
    t.c.measure(&mut measures);
    let total = |metric: usize| -> i64 {
        measures
            .iter()
            .filter(|m| m.metric == metric)
            .map(|m| m.value)
            .sum()
    };
    assert_eq!(
        (
            total(STARTED),
            total(BACKUPS),
            total(SHUFFLED),
            total(COMMITTED)
        ),
        (3, 1, 2, 1)
    );
}

impl Trace {
    /// What the checker reports after a step at `ms` with w2 crashed (or all up).
    fn breaches_at(&mut self, ms: u64, w2_up: bool) -> Vec<Breach> {
        let w2 = if w2_up {
            NodeStatus::Up
        } else {
            NodeStatus::Crashed
        };
        let status = [NodeStatus::Up, NodeStatus::Up, w2];
        let clocks = vec![crate::sim::clock::WallClock::new(0, 0); 3];
        let world = World {
            now: SimTime::from_millis(ms),
            status: &status,
            clocks: &clocks,
        };
        let mut out = Vec::new();
        self.c.check(&[], &world, &mut out);
        out
    }

    /// `worker` finished `map`'s copy 1: its output is on the worker's disk.
    fn map_done(&mut self, worker: NodeId, map: u32) {
        self.send(worker, M, Msg::MapDone { map, copy: 1 });
        self.deliver(worker, M, Msg::MapDone { map, copy: 1 });
    }

    /// Both map tasks done: map 0's output on w1, map 1's on w2.
    fn map_done_on_w2() -> Trace {
        let mut t = Trace::running_maps();
        t.map_done(W2, 1);
        t.map_done(W1, 0);
        assert!(reruns(t.breaches_at(1, true)).is_empty());
        t
    }
}

/// The breaches of the re-run property among `found`.
fn reruns(found: Vec<Breach>) -> Vec<Breach> {
    found.into_iter().filter(|b| b.property == RERUN).collect()
}

#[test]
fn a_finished_map_output_lost_with_its_worker_and_never_rerun_breaks_the_rerun_property() {
    let mut t = Trace::map_done_on_w2();
    // w2 dies at 10 ms: map 1's output is gone with its disk, and nothing runs it.
    assert!(reruns(t.breaches_at(10, false)).is_empty());
    assert!(
        reruns(t.breaches_at(70, false)).is_empty(),
        "within the bound"
    );
    let rerun = reruns(t.breaches_at(71, false));
    assert_eq!(rerun.len(), 1, "{rerun:?}");
    assert!(
        rerun[0].detail.starts_with("map 1 had no copy running")
            && rerun[0].detail.contains("w2 died"),
        "{}",
        rerun[0].detail
    );
}

#[test]
fn a_lost_map_output_run_again_elsewhere_or_no_longer_needed_keeps_the_rerun_property() {
    let mut t = Trace::map_done_on_w2();
    assert!(reruns(t.breaches_at(10, false)).is_empty());
    t.assign(W1, Task::Map(1), 2);
    assert!(reruns(t.breaches_at(200, false)).is_empty());
    // Once reduce 0 is committed no map output is needed any more.
    let mut t = Trace::map_done_on_w2();
    t.commit(0, whole_output());
    assert!(reruns(t.breaches_at(10, false)).is_empty());
    assert!(reruns(t.breaches_at(200, false)).is_empty());
}

#[test]
fn a_running_copy_lost_with_its_worker_must_run_again_too() {
    let mut t = Trace::running_maps();
    // w2 dies while running map 1 (it never reported it done); w1 still runs map 0, so
    // no slot is free for map 1 yet.
    assert!(reruns(t.breaches_at(10, false)).is_empty());
    assert!(reruns(t.breaches_at(100, false)).is_empty());
    t.map_done(W1, 0);
    assert!(reruns(t.breaches_at(101, false)).is_empty());
    assert!(
        reruns(t.breaches_at(161, false)).is_empty(),
        "within the bound"
    );
    let rerun = reruns(t.breaches_at(162, false));
    assert!(rerun[0].detail.starts_with("map 1"), "{rerun:?}");
}

#[test]
fn after_a_lost_message_the_rerun_property_is_not_judged() {
    let mut t = Trace::map_done_on_w2();
    let lost = EventKind::Send {
        msg: MsgId(99),
        to: M,
        fate: Fate::Lost,
    };
    t.message(
        W1,
        lost,
        W1,
        M,
        Msg::Heartbeat {
            fresh: false,
            running: [None; 2],
        },
    );
    assert!(reruns(t.breaches_at(10, false)).is_empty());
    assert!(reruns(t.breaches_at(500, false)).is_empty());
}

#[test]
fn the_timeline_holds_every_attempt_with_how_it_ended() {
    let mut t = Trace::running_maps();
    t.map_done(W1, 0);
    t.assign(W1, Task::Map(1), 2);
    // w2 dies while running map 1; w1 runs a backup copy of it.
    assert!(reruns(t.breaches_at(10, false)).is_empty());
    let table = &t.c.tables(&[])[0];
    assert_eq!(table.columns, crate::patterns::timeline::COLUMNS);
    let rows: Vec<Vec<&str>> = table
        .rows
        .iter()
        .map(|r| {
            let c = &r.cells;
            vec![&*c[0], &*c[1], &*c[5], &*c[6]]
        })
        .collect();
    assert_eq!(
        rows,
        [
            ["w1", "map 0 #1", "first", "finished"],
            ["w2", "map 1 #1", "first", "killed"],
            ["w1", "map 1 #2", "backup", "running"],
        ]
    );
    // A running attempt has no end yet; the killed one ended at w2's death (10 ms).
    assert_eq!(table.rows[2].cells[3], "");
    assert_eq!(table.rows[1].cells[3], "10000");
}
