//! Spark RDD lineage, as the story tells it: an executor dies at the start of iteration
//! 6; its partitions are rebuilt from their lineage (through a wide dependency, so its
//! shuffle outputs are parsed again first), that iteration spikes and the job is back to
//! normal (the shape of the RDD paper's Fig. 11); a checkpoint makes the spike smaller;
//! without lineage the job starts over.

use playground_core::patterns::rdd::PATTERN;
use playground_core::sim::node::NodeId;
use playground_core::sim::run::{Engine, EventTag, Run};
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach};

fn run(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

fn story() -> Session {
    Session::new("rdd-lineage", 1)
}

/// Each iteration's time in ms, from the driver's notes, and the notes.
fn iterations(engine: &dyn Engine) -> (Vec<u64>, Vec<String>) {
    let notes: Vec<(u64, String)> = (0..engine.trace_len())
        .map(|i| engine.event(i).unwrap())
        .filter(|e| e.node == Some(NodeId(0)) && e.tag == EventTag::Note)
        .map(|e| (e.time.as_micros(), e.label))
        .collect();
    let mut last = 0;
    let mut times = Vec::new();
    for (t, label) in &notes {
        if label.starts_with("iteration ") {
            times.push((t - last) / 1_000);
            last = *t;
        }
    }
    (times, notes.into_iter().map(|n| n.1).collect())
}

fn recomputed(engine: &dyn Engine) -> i64 {
    metric_between(engine, PATTERN.metrics, "recomputed", 0, 1_000)
}

#[test]
fn the_failure_iteration_spikes_then_the_job_is_back_to_normal() {
    let lost = run(&story());
    let calm = run(&story().with_param("crash", 0));
    let (times, notes) = iterations(lost.engine());
    let (calm_times, _) = iterations(calm.engine());
    assert_eq!(times.len(), 10, "{notes:?}");
    // The first iteration builds `links` (parse, shuffle, group): about twice a later one.
    assert!(times[0] > 2 * times[1], "{times:?}");
    // Iteration 6 rebuilds e3's partitions: more than twice a normal iteration, ...
    let normal = calm_times[5];
    assert!(times[5] > 2 * normal, "{times:?} vs {calm_times:?}");
    // ... and afterwards the iterations take what they took before the failure.
    for &t in &times[6..] {
        assert!(t <= normal + 2, "{times:?} vs {calm_times:?}");
    }
    assert!(notes.iter().any(|n| n == "e3 lost"), "{notes:?}");
    let text = lost.engine().trace_text();
    assert!(text.contains("e3 lost (2 cached, 2 shuffle outputs)"));
    // Two shuffle outputs parsed again and two `links` partitions rebuilt: only what e3 held.
    assert_eq!(recomputed(lost.engine()), 4);
    assert_eq!(recomputed(calm.engine()), 0);
    assert!(guarantee_breaches(&Registry::standard(), &story()).is_empty());
}

#[test]
fn a_checkpoint_cuts_the_lineage_and_the_spike() {
    let lineage = run(&story());
    let checkpoint = run(&story().with_param("checkpoint", 1));
    let (with_lineage, _) = iterations(lineage.engine());
    let (with_checkpoint, notes) = iterations(checkpoint.engine());
    // Read back from stable storage: nothing recomputed, a much smaller spike.
    assert_eq!(recomputed(checkpoint.engine()), 0);
    let spike = |times: &[u64]| *times[4..7].iter().max().unwrap();
    assert!(
        2 * spike(&with_checkpoint) < spike(&with_lineage) + 10,
        "{with_checkpoint:?} vs {with_lineage:?}"
    );
    assert!(spike(&with_checkpoint) < spike(&with_lineage), "{notes:?}");
    assert!(
        guarantee_breaches(&Registry::standard(), &story().with_param("checkpoint", 1)).is_empty()
    );
}

#[test]
fn without_lineage_the_job_starts_over_and_computes_iterations_again() {
    let off = story().with_switch_off("lineage");
    let breach = only_breach(&off, "no-lost-progress");
    assert!(
        breach
            .detail
            .starts_with("iteration 1 finished again, after iteration 5"),
        "{breach:?}"
    );
    let run = run(&off);
    let (times, notes) = iterations(run.engine());
    assert!(
        notes.iter().any(|n| n == "job restarted from scratch"),
        "{notes:?}"
    );
    assert_eq!(times.len(), 15, "five iterations done twice: {notes:?}");
    // Every value is still the input's: correctness holds, progress does not.
    assert_eq!(guarantee_breaches(&Registry::standard(), &off).len(), 1);
}

#[test]
fn the_output_holds_whatever_dies_and_whenever() {
    for crash in [0, 10, 30, 45, 60, 114, 150, 190] {
        for checkpoint in [0, 1] {
            let session = story()
                .with_param("crash", crash)
                .with_param("checkpoint", checkpoint);
            let breaches = guarantee_breaches(&Registry::standard(), &session);
            assert!(breaches.is_empty(), "{}: {breaches:?}", session.encode());
            let (times, _) = iterations(run(&session).engine());
            assert_eq!(times.len(), 10, "{}", session.encode());
        }
    }
}

#[test]
fn the_lineage_graph_shows_lost_then_recomputed_partitions() {
    let run = run(&story());
    let e = run.engine();
    let states = |ms: u64| -> Vec<String> {
        let snap = e.snapshot_at(playground_core::sim::time::SimTime::from_millis(ms));
        let table = &snap.tables[0];
        assert_eq!(table.columns, playground_core::patterns::lineage::COLUMNS);
        table
            .rows
            .iter()
            .map(|r| format!("{} {}", r.cells[0], r.cells[3]))
            .collect()
    };
    let lost = states(116);
    assert_eq!(
        lost.iter().filter(|s| *s == "links lost").count(),
        2,
        "{lost:?}"
    );
    assert_eq!(
        lost.iter().filter(|s| *s == "pairs lost").count(),
        2,
        "{lost:?}"
    );
    let after = states(200);
    assert_eq!(
        after.iter().filter(|s| *s == "links recomputed").count(),
        2,
        "{after:?}"
    );
    assert_eq!(
        after.iter().filter(|s| *s == "pairs recomputed").count(),
        2,
        "{after:?}"
    );
    assert!(after.iter().all(|s| !s.ends_with("lost")), "{after:?}");
}

/// Found by the seed sweep: with duplicated messages an executor got the task it was
/// already doing a second time and started it over, so the first attempt's work timer
/// could finish the second attempt half gathered (iteration 1 gave x=12927; the input
/// gives 12960). A task sent again while it runs is now a duplicate and is ignored.
#[test]
fn a_task_sent_again_while_it_runs_is_not_started_over() {
    let session = Session::decode(
        "v1~rdd-lineage~seed.398~13481.link.all.all.1273.25935.1.10.1.10\
         ~48763.link.all.all.1000.5000.0.1.0.1~162739.skew.e3.15189~189574.pause.e2\
         ~205737.resume.e2~235938.hold.9~241273.oneway.e2-d-e4-e3.e1~255639.release.9\
         ~292627.heal",
    )
    .unwrap();
    let text = run(&session).engine().trace_text();
    let at = |needle: &str| -> f64 {
        let line = text.lines().find(|l| l.contains(needle)).expect(needle);
        line.trim_start()
            .split("ms")
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // e2 gets "run parse 6" twice (the network duplicated it) while parsing it; a parse
    // takes about 7.5 ms, so finishing within a few ms of the copy means no restart.
    let copy = at("e2   recv #43 from d run parse 6");
    let worked = at("e2   timer parse 6 worked");
    assert!(
        worked - copy < 3.0,
        "parse 6 restarted: copy at {copy}, done at {worked}"
    );
    let breaches = guarantee_breaches(&Registry::standard(), &session);
    assert!(breaches.is_empty(), "{breaches:?}");
}
