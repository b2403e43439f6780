//! Coordinated batch, story by story: a join publishes nothing until the slowest task is
//! in, a reduce publishes a running result after the first; both give every batch the
//! same final sum, and a reducer that folds a repeated output twice gets it wrong.

use playground_core::patterns::batch::PATTERN;
use playground_core::sim::action::Action;
use playground_core::sim::run::Engine;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

/// A result the coordinator published: batch, when (µs), whether final, the value.
#[derive(Debug, PartialEq)]
struct Published {
    batch: u32,
    at: u64,
    last: bool,
    value: u64,
}

/// Every result `coord` sent to `out`, read from the trace's lines (first copies only).
fn published(engine: &dyn Engine) -> Vec<Published> {
    let mut out = Vec::new();
    for i in 0..engine.trace_len() {
        let event = engine.event(i).unwrap();
        let label = &event.label;
        if !label.starts_with("send") || !label.contains("to out b") || label.contains("duplicate")
        {
            continue;
        }
        let text = label.split("to out b").nth(1).unwrap();
        let batch = text.split(' ').next().unwrap().parse().unwrap();
        let value = text.split("= ").nth(1).unwrap();
        let value = value.split([' ', ';']).next().unwrap().parse().unwrap();
        let last = text.contains("final");
        let at = event.time.as_micros();
        out.push(Published {
            batch,
            at,
            last,
            value,
        });
    }
    out
}

/// Per batch that finished: its final sum.
fn finals(results: &[Published]) -> Vec<(u32, u64)> {
    results
        .iter()
        .filter(|r| r.last)
        .map(|r| (r.batch, r.value))
        .collect()
}

/// The levels "tasks in the latest result" reaches, bucket by bucket.
fn covered(engine: &dyn Engine) -> Vec<i64> {
    let metric = PATTERN
        .metrics
        .iter()
        .position(|m| m.id == "covered")
        .unwrap();
    let series = engine.series(metric, engine.horizon());
    series.points.iter().map(|p| p.max).collect()
}

/// Metric `id` over the whole run: a latency's highest p99.
fn total(engine: &dyn Engine, id: &str) -> i64 {
    metric_between(engine, PATTERN.metrics, id, 0, 1_000)
}

#[test]
fn a_join_publishes_only_the_final_result_after_the_slow_worker() {
    for seed in 1..=4 {
        let run = run_to_end(&Session::new("batch-join", seed));
        let e = run.engine();
        let results = published(e);
        assert!(results.len() >= 3, "seed {seed}: {results:?}");
        assert!(
            results.iter().all(|r| r.last),
            "a join publishes only finals"
        );
        // w1's three tasks take 40–60 ms each: the first result waits for them.
        assert!(total(e, "first") >= 120_000, "seed {seed}");
        assert_eq!(total(e, "first"), total(e, "final"), "first = final");
        let barriers = (0..e.trace_len())
            .filter(|&i| e.event(i).unwrap().label.contains("barrier"))
            .count();
        // One barrier per batch published (and maybe one for a batch still combining).
        let n = results.len();
        assert!(
            (n..=n + 1).contains(&barriers),
            "{barriers} barriers, {n} batches"
        );
    }
    let session = Session::new("batch-join", 1);
    assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
    let violations = run_to_end(&session).engine().violations();
    let early = violations[1].as_ref().expect("the contrast breaks");
    assert!(
        early.detail.contains("b1's first result came 15"),
        "{}",
        early.detail
    );
}

#[test]
fn a_reduce_publishes_early_and_ends_with_the_joins_sums() {
    for seed in 1..=4 {
        let join = run_to_end(&Session::new("batch-join", seed));
        let reduce = run_to_end(&Session::new("batch-reduce", seed));
        let (j, r) = (published(join.engine()), published(reduce.engine()));
        // The same sums, batch by batch, whatever order the outputs came in.
        let (jf, rf) = (finals(&j), finals(&r));
        assert!(jf.len() >= 3 && rf.len() >= jf.len(), "{jf:?} {rf:?}");
        assert_eq!(jf[..], rf[..jf.len()], "seed {seed}");
        let e = reduce.engine();
        // A running result after the first task (4–6 ms, 1 ms to fold, the links).
        assert!(
            total(e, "first") <= 9_000,
            "seed {seed}: {}",
            total(e, "first")
        );
        assert!(total(e, "final") >= 120_000, "seed {seed}");
        // Running sums only grow, and each batch ends with its final.
        for b in 1..=rf.len() as u32 {
            let mine: Vec<&Published> = r.iter().filter(|p| p.batch == b).collect();
            assert!(mine
                .windows(2)
                .all(|w| w[0].value < w[1].value && w[0].at < w[1].at));
            assert!(mine.last().unwrap().last && mine.len() >= 2, "{mine:?}");
        }
        // The published result covers part of a batch for most of its time.
        let part = covered(e).iter().filter(|&&c| (1..12).contains(&c)).count();
        assert!(part > covered(e).len() / 3, "{:?}", covered(e));
        let contrast = &e.violations()[1];
        assert!(contrast.is_none(), "seed {seed}: {contrast:?}");
    }
}

#[test]
fn without_a_slow_worker_a_join_is_nearly_as_quick() {
    // Three tasks of 4–6 ms on each worker, then 12 ms to fold the outputs.
    let run = run_to_end(&Session::new("batch-join", 1).with_param("slow", 1));
    let final_us = total(run.engine(), "final");
    assert!((12_000..=36_000).contains(&final_us), "{final_us} µs");
}

#[test]
fn slowing_a_second_worker_holds_the_next_batches_back_too() {
    let mut run = Registry::standard()
        .start(&Session::new("batch-reduce", 1))
        .unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let before = published(run.engine()).iter().filter(|r| r.last).count();
    let slow = Action::Command {
        node: "w2".into(),
        verb: "slow".into(),
        arg: 20,
    };
    run.act(SimTime::from_millis(1), slow).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let after = published(run.engine()).iter().filter(|r| r.last).count();
    // w2's three tasks now take 80–120 ms each: a batch takes longer than w1's.
    assert!(after < before, "{before} → {after} batches");
    assert!(total(run.engine(), "final") >= 240_000);
}

#[test]
fn folding_every_output_that_arrives_breaks_the_sum() {
    let session = Session::new("batch-reduce", 1).with_switch_off("fold-once");
    let breach = only_breach(&session, "final-is-sum");
    assert!(breach.line.contains("coord send"), "{breach:?}");
    assert!(breach.line.contains("final"), "{breach:?}");
    assert!(breach.detail.contains("before task"), "{breach:?}");
    // Over seeds: with the switch on the sums always hold, and every run that saw a
    // repeated output fold it once; with it off, most runs publish a wrong sum.
    let mut broken = 0;
    for seed in 1..=20 {
        let on = Session::new("batch-reduce", seed);
        assert!(
            guarantee_breaches(&Registry::standard(), &on).is_empty(),
            "seed {seed}"
        );
        let off = on.with_switch_off("fold-once");
        broken += usize::from(!guarantee_breaches(&Registry::standard(), &off).is_empty());
    }
    assert!(broken >= 12, "{broken} of 20 seeds broke");
}
