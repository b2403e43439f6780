//! Reverse and client proxies, story by story: one shared cache saves the servers more
//! than a cache per client; health checks route around a dead server (and without them a
//! proxy keeps sending to it); a reverse proxy's failure cuts every client off, a client
//! proxy's only its own client.

use playground_core::patterns::deploy::proxies::PATTERN;
use playground_core::sim::run::Run;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

/// A fact of the run at `ms`.
fn fact(run: &Run, ms: u64, label: &str) -> String {
    let snapshot = run.engine().snapshot_at(SimTime::from_millis(ms));
    let found = snapshot.facts.iter().find(|(l, _)| *l == label);
    found.expect("a fact").1.clone()
}

/// Each client's timeouts so far, at `ms`.
fn timeouts(run: &Run, ms: u64) -> Vec<u64> {
    let facts = fact(run, ms, "timeouts by client");
    facts
        .split(", ")
        .map(|p| p.split(' ').nth(1).unwrap().parse().unwrap())
        .collect()
}

/// Requests answered from a cache, and requests that reached a server, by `ms`.
fn hits_and_backend(run: &Run, ms: u64) -> (u64, u64) {
    let hits = fact(run, ms, "answered from a cache");
    let hits = hits.split(' ').next().unwrap().parse().unwrap();
    let backend = fact(run, ms, "requests that reached a server")
        .parse()
        .unwrap();
    (hits, backend)
}

#[test]
fn one_shared_cache_saves_the_servers_more_than_a_cache_per_client() {
    let reverse = run_to_end(&Session::new("proxy-reverse", 1));
    let client = run_to_end(&Session::new("proxy-client", 1));
    // Before a proxy fails.
    let (rh, rb) = hits_and_backend(&reverse, 490);
    let (ch, cb) = hits_and_backend(&client, 490);
    let (rs, cs) = (rh * 100 / (rh + rb), ch * 100 / (ch + cb));
    assert!(
        rs >= 50 && rs >= cs + 15,
        "hits: reverse {rs} %, client {cs} %"
    );
    assert!(rb * 10 < cb * 8, "to servers: reverse {rb}, client {cb}");
    let e = reverse.engine();
    assert!(metric_between(e, PATTERN.metrics, "hits", 0, 240) > 0);
}

#[test]
fn a_reverse_proxy_that_dies_cuts_every_client_off_a_client_proxy_only_its_own() {
    let reverse = run_to_end(&Session::new("proxy-reverse", 1));
    let (before, after) = (timeouts(&reverse, 499), timeouts(&reverse, 660));
    for c in 0..3 {
        assert!(
            after[c] >= before[c] + 5,
            "reverse: c{} {before:?} → {after:?}",
            c + 1
        );
    }
    let client = run_to_end(&Session::new("proxy-client", 1));
    let (before, after) = (timeouts(&client, 499), timeouts(&client, 660));
    assert!(after[0] >= before[0] + 5, "client: {before:?} → {after:?}");
    assert_eq!(&after[1..], &before[1..], "c2 and c3 go on");
    for story in ["proxy-reverse", "proxy-client"] {
        assert!(guarantee_breaches(&Registry::standard(), &Session::new(story, 1)).is_empty());
    }
}

#[test]
fn without_health_checks_a_proxy_keeps_sending_to_the_dead_server() {
    for story in ["proxy-reverse", "proxy-client"] {
        let healthy = run_to_end(&Session::new(story, 1));
        let off = Session::new(story, 1).with_switch_off("health-checks");
        let breach = only_breach(&off, "no-dead-server");
        assert!(breach.line.contains("to s2"), "{breach:?}");
        // s2 died at 250 ms: the breach is past the 60 ms bound.
        let ms = breach.ms();
        assert!((310.0..400.0).contains(&ms), "{story}: {breach:?}");
        // Its requests time out, where the health checks had stopped them.
        let lossy = run_to_end(&off);
        let sum = |t: Vec<u64>| t.iter().sum::<u64>();
        let extra = sum(timeouts(&lossy, 499)) - sum(timeouts(&healthy, 499));
        assert!(extra >= 5, "{story}: {extra} more timeouts");
    }
}
