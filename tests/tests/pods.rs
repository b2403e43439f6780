//! Pods and services, story by story: readiness probes keep a starting container out
//! of the service (without them its first requests fail), and a dead host's capacity
//! is missing for the grace period, the toleration and a start-up.

use playground_core::patterns::deploy::pods::PATTERN;
use playground_core::sim::run::Engine;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

fn metric(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

/// The checker's fact `label` at the run's end.
fn fact(engine: &dyn Engine, label: &str) -> String {
    let snapshot = engine.snapshot_at(engine.horizon());
    let found = snapshot.facts.iter().find(|(l, _)| *l == label);
    found.expect("a fact").1.clone()
}

#[test]
fn with_readiness_probes_new_pods_become_endpoints_only_once_started() {
    let session = Session::new("pods-readiness", 1);
    assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
    let run = run_to_end(&session);
    let e = run.engine();
    assert_eq!(metric(e, "failed", 0, 400), 0, "no request fails");
    // Three containers join at 150 ms and need 40 ms: the service keeps six endpoints
    // until a probe has found them ready, then routes to nine.
    assert_eq!(metric(e, "ready", 150, 190), 6);
    assert_eq!(metric(e, "endpoints", 150, 190), 6);
    assert_eq!(metric(e, "endpoints", 220, 400), 9);
    assert_eq!(fact(e, "ready pods"), "9");
    assert_eq!(fact(e, "capacity lost"), "none");
}

#[test]
fn without_readiness_probes_starting_pods_get_requests_and_fail_them() {
    for seed in 1..=10 {
        let session = Session::new("pods-readiness", seed).with_switch_off("readiness");
        let breach = only_breach(&session, "served-when-ready");
        assert!(breach.line.contains("503 starting"), "{breach:?}");
        assert!(
            ["app7", "app8", "app9"]
                .iter()
                .any(|a| breach.detail.starts_with(a)),
            "{breach:?}"
        );
        let run = run_to_end(&session);
        let e = run.engine();
        // They were endpoints before they had started, and the requests sent there failed.
        assert_eq!(metric(e, "endpoints", 150, 190), 9, "seed {seed}");
        assert!(metric(e, "failed", 150, 200) > 0, "seed {seed}");
        assert_eq!(metric(e, "failed", 200, 400), 0, "seed {seed}");
    }
}

#[test]
fn a_longer_start_up_keeps_new_pods_out_longer() {
    let session = Session::new("pods-readiness", 1).with_param("startup", 150);
    assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
    let run = run_to_end(&session);
    let e = run.engine();
    assert_eq!(metric(e, "endpoints", 150, 300), 6);
    assert_eq!(metric(e, "endpoints", 330, 400), 9);
}

#[test]
fn a_dead_hosts_capacity_is_missing_for_grace_toleration_and_start_up() {
    let session = Session::new("pods-node-failure", 1);
    assert!(guarantee_breaches(&Registry::standard(), &session).is_empty());
    let run = run_to_end(&session);
    let e = run.engine();
    // Requests sent to h1's pods after 200 ms are lost until the grace (40 ms) takes
    // them off the endpoints: they time out 100 ms later. None fails afterwards.
    assert_eq!(metric(e, "failed", 0, 200), 0);
    assert!(metric(e, "failed", 300, 350) > 0);
    assert_eq!(metric(e, "failed", 400, 800), 0);
    assert_eq!(metric(e, "endpoints", 260, 540), 4);
    // Evicted after the toleration (300 ms), rescheduled, ready after a start-up.
    assert_eq!(metric(e, "ready", 250, 580), 4);
    assert_eq!(metric(e, "endpoints", 620, 800), 6);
    let lost = fact(e, "capacity lost");
    assert!(lost.starts_with("200.000ms to 5"), "{lost}");
    // Latency climbs with the same load on two thirds of the pods.
    assert!(metric(e, "latency", 400, 500) > metric(e, "latency", 50, 150));
}

#[test]
fn the_window_shrinks_with_the_toleration() {
    let session = Session::new("pods-node-failure", 1).with_param("toleration", 0);
    let run = run_to_end(&session);
    let lost = fact(run.engine(), "capacity lost");
    // Grace (40 ms), a monitor round, start-up (40 ms): back before 300 ms.
    assert!(lost.starts_with("200.000ms to 2"), "{lost}");
}

#[test]
fn replacements_wait_on_the_hosts_that_survive_and_serve_when_another_host_dies() {
    use playground_core::sim::action::Action;
    use playground_core::sim::node::NodeId;
    use playground_core::sim::time::SimTime;
    let session = Session::new("pods-node-failure", 1);
    let run = run_to_end(&session);
    let topology = run.engine().topology().clone();
    let host = |name: &str| topology.groups().iter().position(|g| g.name == name);
    let h1 = host("h1").expect("host h1");
    // No container that starts absent (a replacement) is drawn inside h1, the host the
    // story kills: it would read as a pod rescheduled onto a dead host.
    let spares: Vec<NodeId> = (0..run.engine().names().len() as u32)
        .map(NodeId)
        .filter(|&n| topology.starts_absent(n))
        .collect();
    assert_eq!(spares.len(), 6);
    for n in spares {
        assert!(!topology.ancestors(n).any(|g| g == h1), "{n:?} waits on h1");
    }
    // Kill h2 as well, earlier: its pods and h1's come back on h3, the one host left
    // (h1's app7 was to go to h2, which is dead too).
    let both = session.with_action(SimTime::from_millis(100), Action::Crash("h2".into()));
    let run = run_to_end(&both);
    assert_eq!(metric(run.engine(), "endpoints", 700, 800), 5);
}
