//! The checker's unit tests: hand-built traces that break each property.

use super::*;
use crate::patterns::trace_builder::TraceBuilder;
use crate::sim::checker::breaches_after_step;

const D: NodeId = NodeId(0);
const E1: NodeId = NodeId(1);

fn checker() -> RddChecker {
    let names: Vec<String> = ["d", "e1"].map(String::from).to_vec();
    RddChecker::new(&names, &Corpus::new(), 2, 3)
}

fn note(t: &mut TraceBuilder<RddNode, RddChecker>, note: Note) {
    t.event(D, EventKind::Note(note), None);
}

#[test]
fn an_iteration_value_other_than_the_inputs_breaks_correctness() {
    let mut t = TraceBuilder::new(checker());
    let want = t.checker.expected[0];
    note(&mut t, Note::Iteration { iter: 1, x: want });
    assert!(breaches_after_step(&mut t.checker, 2).is_empty());
    let second = t.checker.expected[1];
    note(
        &mut t,
        Note::Iteration {
            iter: 2,
            x: second + 1,
        },
    );
    let found = breaches_after_step(&mut t.checker, 2);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].property, found[0].event), (CORRECT, Some(1)));
}

#[test]
fn an_iteration_finished_twice_breaks_progress() {
    let mut t = TraceBuilder::new(checker());
    let (a, b) = (t.checker.expected[0], t.checker.expected[1]);
    note(&mut t, Note::Iteration { iter: 1, x: a });
    note(&mut t, Note::Iteration { iter: 2, x: b });
    assert!(breaches_after_step(&mut t.checker, 2).is_empty());
    note(&mut t, Note::Restarted);
    note(&mut t, Note::Iteration { iter: 1, x: a });
    let found = breaches_after_step(&mut t.checker, 2);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].property, found[0].event), (PROGRESS, Some(3)));
}

#[test]
fn the_lineage_graph_marks_lost_and_recomputed_partitions() {
    let mut t = TraceBuilder::new(checker());
    t.send(E1, D, Msg::Parsed { q: 0 });
    let done = Msg::IterDone {
        iter: 1,
        part: 1,
        partial: 0,
        built: true,
        checkpointed: false,
    };
    t.send(E1, D, done.clone());
    // e1 dies: what it held is lost.
    let status = [NodeStatus::Up, NodeStatus::Crashed];
    let clocks = vec![crate::sim::clock::WallClock::new(0, 0); 2];
    let world = World {
        now: SimTime(0),
        status: &status,
        clocks: &clocks,
    };
    t.checker.check(&[], &world, &mut Vec::new());
    let states = |c: &RddChecker| -> Vec<String> {
        c.tables(&[])[0]
            .rows
            .iter()
            .map(|r| format!("{} {} {}", r.cells[0], r.cells[1], r.cells[3]))
            .collect()
    };
    let lost = states(&t.checker);
    assert!(lost.contains(&"pairs 0 lost".to_string()), "{lost:?}");
    assert!(lost.contains(&"links 1 lost".to_string()), "{lost:?}");
    assert!(lost.contains(&"pairs 1 missing".to_string()), "{lost:?}");
    // Restarted, it parses pairs 0 again: recomputed, and counted.
    let run = Msg::Run {
        job: Job::Parse(0),
        x: 1,
        sources: Rc::new(Vec::new()),
    };
    t.send(D, E1, run);
    t.send(E1, D, Msg::Parsed { q: 0 });
    let again = states(&t.checker);
    assert!(
        again.contains(&"pairs 0 recomputed".to_string()),
        "{again:?}"
    );
    let mut measures = Vec::new();
    t.checker.measure(&mut measures);
    assert_eq!(
        measures.iter().filter(|m| m.metric == RECOMPUTED).count(),
        1
    );
}
