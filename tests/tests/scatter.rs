//! Scatter/gather, story by story: a search waits for its slowest shard, so rare
//! hiccups make many searches slow as the fan-out grows (1 − (1 − p)^N); hedged requests
//! cut that for a few percent more queries; answering at a deadline cuts it too, at the
//! price of incomplete answers.

use playground_core::patterns::scatter::PATTERN;
use playground_core::sim::run::{Engine, Run};
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between};

fn run(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// Metric `id` over the whole run.
fn total(engine: &dyn Engine, id: &str) -> i64 {
    metric_between(engine, PATTERN.metrics, id, 0, 1_000)
}

/// The share of searches slower than 10 ms, and the searches, over a few seeds.
fn slow_share(session: impl Fn(u64) -> Session) -> (f64, i64) {
    let (mut slow, mut searches) = (0, 0);
    for seed in 1..=4 {
        let run = run(&session(seed));
        slow += total(run.engine(), "slow");
        searches += total(run.engine(), "searches");
    }
    (slow as f64 / searches as f64, searches)
}

#[test]
fn the_share_of_slow_searches_grows_with_the_fan_out_as_one_minus_q_to_the_n() {
    for (shards, expected) in [(1, 0.01), (10, 0.096), (50, 0.395), (100, 0.634)] {
        let (share, searches) =
            slow_share(|seed| Session::new("scatter-tail", seed).with_param("shards", shards));
        // About 400 searches: allow a few standard deviations.
        let sd = (expected * (1.0 - expected) / searches as f64).sqrt();
        assert!(
            (share - expected).abs() <= 3.0 * sd + 0.01,
            "{shards} shards: {share:.3} slow, expected {expected:.3} (± {sd:.3})"
        );
    }
}

#[test]
fn hedging_cuts_the_slow_searches_for_a_few_percent_more_queries() {
    let (plain, _) = slow_share(|seed| Session::new("scatter-tail", seed));
    let (hedged, _) = slow_share(|seed| Session::new("scatter-hedged", seed));
    assert!(plain > 0.3 && hedged < 0.1, "{plain:.3} → {hedged:.3}");
    let run = run(&Session::new("scatter-hedged", 1));
    let e = run.engine();
    let extra = total(e, "hedged") as f64 / (total(e, "queries") - total(e, "hedged")) as f64;
    assert!(
        (0.005..0.05).contains(&extra),
        "hedges add {extra:.3} of the queries"
    );
    // The hiccups still happen, on one replica at a time: the p99 of the searches that
    // hedging saved is far below a hiccup's 50 ms.
    let hiccups = (0..e.trace_len())
        .filter(|&i| e.event(i).unwrap().label.starts_with("hiccup"))
        .count();
    assert!(hiccups > 20, "{hiccups} hiccups");
    assert!(
        guarantee_breaches(&Registry::standard(), &Session::new("scatter-hedged", 1)).is_empty()
    );
}

#[test]
fn answering_at_a_deadline_is_fast_and_breaks_completeness() {
    let session = Session::new("scatter-tail", 1).with_switch_off("wait-all");
    let cut = run(&session);
    let e = cut.engine();
    // Nothing waits for a hiccup: the slowest answer leaves the root at 10 ms.
    assert!(
        total(e, "latency") <= 11_000,
        "p99 {} µs",
        total(e, "latency")
    );
    let breaches = guarantee_breaches(&Registry::standard(), &session);
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0].property, "complete-answers");
    assert!(
        breaches[0].line.contains("root send"),
        "{}",
        breaches[0].line
    );
    assert!(
        breaches[0].line.contains("of 50 shards"),
        "{}",
        breaches[0].line
    );
    // With the switch on, every answer is complete, and slow searches wait 50 ms or more.
    let waits = Session::new("scatter-tail", 1);
    assert!(guarantee_breaches(&Registry::standard(), &waits).is_empty());
    assert!(total(run(&waits).engine(), "latency") >= 50_000);
}
