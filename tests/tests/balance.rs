//! Load balancing, story by story: stale load information herds the balancers.

use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};

/// The longest queue at any instance, per 100 ms, and which instance had it.
fn longest_queues(policy: i64) -> Vec<(i64, usize)> {
    let session = Session::new("balance-stale-load", 1).with_param("policy", policy);
    let mut run = Registry::standard().start(&session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    let engine = run.engine();
    let queue = run
        .scenario()
        .pattern()
        .metrics
        .iter()
        .position(|m| m.id == "queue")
        .unwrap();
    let heat = engine.heat(queue, SimTime::from_millis(1_500));
    let per_window = (100_000 / heat.bucket_us) as usize;
    (0..heat.rows[0].len() / per_window)
        .map(|w| {
            let cells = w * per_window..(w + 1) * per_window;
            heat.rows
                .iter()
                .enumerate()
                .map(|(node, row)| (row[cells.clone()].iter().copied().max().unwrap_or(0), node))
                .max()
                .unwrap()
        })
        .collect()
}

#[test]
fn least_reported_load_herds_and_two_random_choices_do_not() {
    let herd = longest_queues(4);
    let robust = longest_queues(3);
    let worst = |q: &[(i64, usize)]| q.iter().map(|w| w.0).max().unwrap();
    assert!(
        worst(&herd) >= 3 * worst(&robust).max(1),
        "{herd:?} vs {robust:?}"
    );
    // The hot spot moves: the longest queue is at different instances over the run.
    let mut hot: Vec<usize> = herd.iter().filter(|w| w.0 >= 10).map(|w| w.1).collect();
    hot.sort_unstable();
    hot.dedup();
    assert!(hot.len() >= 3, "the herd moves between instances: {herd:?}");
}
