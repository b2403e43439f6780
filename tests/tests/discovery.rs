//! Service registry and discovery, story by story: a crashed instance gets requests until
//! the registry evicts it and the caches refresh, and forever without refreshing;
//! self-preservation keeps live instances through a partition and dead ones after a zone
//! dies; server-side discovery adds a hop and stops sending to the dead sooner; a
//! registrar keeps an instance cut off from the registry listed, and when it dies every
//! lease lapses and a new instance is never registered; two peer registry servers cut off
//! from each other diverge, and converge after the heal.

use playground_core::patterns::discovery::PATTERN;
use playground_core::sim::run::{Engine, Run};
use playground_core::{Registry, Session};
use playground_tests::guarantee_breaches;

/// A story's run to its end.
fn run(session: &Session) -> Run {
    let mut run = Registry::standard().start(session).unwrap();
    run.engine_mut().run_to_end(2_000_000);
    assert!(run.engine().is_finished());
    run
}

/// A metric's points: (bucket start in µs, point).
fn points(engine: &dyn Engine, id: &str) -> Vec<(u64, playground_core::sim::metrics::Point)> {
    let metric = PATTERN.metrics.iter().position(|m| m.id == id).unwrap();
    let series = engine.series(metric, engine.horizon());
    let bucket = series.bucket_us;
    series
        .points
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i as u64 * bucket, p))
        .collect()
}

/// Requests sent to a dead instance: how many, and the first and last bucket (ms) with any.
fn to_dead(engine: &dyn Engine) -> (i64, u64, u64) {
    let hit: Vec<_> = points(engine, "to-dead")
        .into_iter()
        .filter(|(_, p)| p.sum > 0)
        .collect();
    let total = hit.iter().map(|(_, p)| p.sum).sum();
    let first = hit.first().map_or(0, |h| h.0 / 1_000);
    let last = hit.last().map_or(0, |h| h.0 / 1_000);
    (total, first, last)
}

/// When (ms) the first trace line containing `text` happened.
fn first_line(engine: &dyn Engine, text: &str) -> Option<(u64, String)> {
    (0..engine.trace_len()).find_map(|i| {
        let line = engine.trace_line(i);
        line.contains(text)
            .then(|| (engine.event(i).unwrap().time.as_micros() / 1_000, line))
    })
}

/// The broken property's id and the trace line that broke it.
fn broken(run: &Run, id: &str) -> Option<(String, String)> {
    let e = run.engine();
    let index = e.properties().iter().position(|p| p.id == id).unwrap();
    e.violations()[index]
        .clone()
        .map(|v| (v.detail, e.trace_line(v.event)))
}

fn lag() -> Session {
    Session::new("discovery-registry-lag", 1)
}

#[test]
fn a_crashed_instance_gets_requests_until_evicted_and_refreshed() {
    let r = run(&lag());
    let e = r.engine();
    assert!(guarantee_breaches(&Registry::standard(), &lag()).is_empty());
    let (total, first, last) = to_dead(e);
    // i2 crashes at 300 ms; its lease (90 ms) expires, a round (every 60 ms) evicts it,
    // each client drops it at its next refresh (30 ms): 190 ms at most (the third caption).
    let (evicted, line) = first_line(e, "evicted i2").expect("the registry evicts i2");
    assert!((360..=460).contains(&evicted), "{line}");
    assert!(
        total >= 5 && first >= 300 && last > 360 && last <= 490,
        "{total} {first}..{last}"
    );
    assert!(last <= evicted + 30 + 10, "{last} vs eviction at {evicted}");
    let caption = r
        .scenario()
        .captions(r.config())
        .into_iter()
        .nth(2)
        .unwrap();
    assert_eq!(caption.at.as_micros() / 1_000, 300 + 90 + 60 + 30 + 10);
    assert!(last * 1_000 < caption.at.as_micros());
    // A live instance is never evicted in this story.
    assert!(broken(&r, "no-live-evicted").is_none());
}

#[test]
fn a_longer_lease_or_refresh_makes_the_lag_longer() {
    let (_, _, base) = to_dead(run(&lag()).engine());
    let (_, _, lease) = to_dead(run(&lag().with_param("lease", 240)).engine());
    let (_, _, refresh) = to_dead(run(&lag().with_param("refresh", 150)).engine());
    assert!(lease >= base + 100, "lease 240 ms: {lease} vs {base}");
    assert!(refresh > base, "refresh 150 ms: {refresh} vs {base}");
}

#[test]
fn a_cache_that_never_refreshes_keeps_sending_to_the_dead_instance() {
    let off = lag().with_switch_off("refresh-cache");
    let r = run(&off);
    let (detail, line) = broken(&r, "dead-skipped-in-time").expect("the guarantee breaks");
    assert!(detail.contains("to i2, down since 300.000ms"), "{detail}");
    assert!(line.contains("to i2 work"), "{line}");
    // To the end of the run.
    let (_, _, last) = to_dead(r.engine());
    assert!(last >= 950, "{last}");
}

fn preservation() -> Session {
    Session::new("discovery-self-preservation", 1)
}

/// The fewest and most instances in the registry between `from` and `to` ms.
fn registered(engine: &dyn Engine, from: u64, to: u64) -> (i64, i64) {
    let levels: Vec<i64> = points(engine, "registered")
        .into_iter()
        .filter(|(at, p)| *at >= from * 1_000 && *at < to * 1_000 && p.count > 0)
        .map(|(_, p)| p.max)
        .collect();
    (*levels.iter().min().unwrap(), *levels.iter().max().unwrap())
}

/// The highest median latency (ms) of a bucket between `from` and `to` ms.
fn worst_p50(engine: &dyn Engine, from: u64, to: u64) -> i64 {
    points(engine, "latency")
        .into_iter()
        .filter(|(at, _)| *at >= from * 1_000 && *at < to * 1_000)
        .map(|(_, p)| p.p50 / 1_000)
        .max()
        .unwrap()
}

#[test]
fn strict_eviction_loses_live_instances_in_a_partition_and_drops_dead_ones() {
    let r = run(&preservation());
    let e = r.engine();
    assert!(guarantee_breaches(&Registry::standard(), &preservation()).is_empty());
    // The partition (300-550 ms): the four live instances in z2 are evicted.
    let (detail, line) = broken(&r, "no-live-evicted").expect("live instances evicted");
    let z2 = ["i3", "i4", "i5", "i6"];
    assert!(
        z2.iter()
            .any(|i| detail.contains(&format!("evicted {i}, which is up"))),
        "{detail}"
    );
    assert!(line.contains("registry evicted i"), "{line}");
    assert_eq!(registered(e, 450, 550), (2, 2));
    // They register again after the heal.
    assert_eq!(registered(e, 650, 750), (6, 6));
    // Zone z2 dies at 750 ms: evicted, and no request goes there after the bound.
    assert_eq!(registered(e, 950, 1_200), (2, 2));
    let (_, first, last) = to_dead(e);
    assert!(first >= 750 && last < 750 + 286, "{first}..{last}");
    // i1 and i2 cannot carry 600 requests a second: requests time out.
    let failed: i64 = points(e, "failed")
        .into_iter()
        .filter(|(at, _)| *at >= 950_000)
        .map(|(_, p)| p.sum)
        .sum();
    assert!(failed >= 20, "{failed} failed after 950 ms");
}

#[test]
fn self_preservation_keeps_live_instances_and_dead_ones() {
    let on = run(&preservation());
    let off = preservation().with_switch_off("strict-eviction");
    let r = run(&off);
    let e = r.engine();
    let (at, line) = first_line(e, "self-preservation").expect("the registry preserves");
    // The first round after the partition: only i1, i2 and the heartbeats z2 sent at
    // 300 ms renewed, 8 of the 12 expected (six instances, two heartbeats a round).
    assert_eq!(at, 360, "{line}");
    assert!(line.contains("8 of 12 renewals, no eviction"), "{line}");
    // No live instance is evicted; all six stay registered through the partition, and
    // the two surviving instances are spared the whole load.
    assert!(broken(&r, "no-live-evicted").is_none());
    assert_eq!(registered(e, 0, 1_200).1, 6);
    assert_eq!(registered(e, 360, 750), (6, 6));
    let (strict, kept) = (worst_p50(on.engine(), 420, 600), worst_p50(e, 420, 600));
    assert!(
        strict >= 2 * kept,
        "p50 {strict} ms strict vs {kept} ms preserved"
    );
    // Zone z2 dies: its instances stay listed, and the guarantee breaks.
    assert_eq!(registered(e, 900, 1_200), (6, 6));
    let (detail, line) = broken(&r, "dead-skipped-in-time").expect("the guarantee breaks");
    assert!(detail.contains("down since 750.000ms"), "{detail}");
    assert!(line.contains("work"), "{line}");
    let (_, _, last) = to_dead(e);
    assert!(last >= 1_150, "{last}");
}

fn sides(server: i64) -> Run {
    run(&Session::new("discovery-server-side", 1).with_param("server-side", server))
}

/// The hops of the path of the first request c1 sends.
fn first_path_hops(engine: &dyn Engine, text: &str) -> usize {
    let index = (0..engine.trace_len())
        .find(|&i| engine.trace_line(i).contains(text))
        .unwrap();
    let msg = engine.event_msg(index).unwrap();
    engine.path(msg).unwrap().hops.len()
}

#[test]
fn server_side_discovery_adds_a_hop_and_stops_sending_to_the_dead_sooner() {
    let server = sides(1);
    let client = sides(0);
    let (s, c) = (server.engine(), client.engine());
    for r in [&server, &client] {
        assert!(guarantee_breaches(&Registry::standard(), r.session()).is_empty());
    }
    // c1 → lb → i → lb → c1 against c1 → i → c1.
    assert_eq!(first_path_hops(s, "c1   send #"), 4);
    assert_eq!(first_path_hops(c, "to i"), 2);
    let p50 = |e: &dyn Engine| {
        let mut v: Vec<i64> = points(e, "latency")
            .into_iter()
            .filter(|(at, p)| *at < 300_000 && p.count > 0)
            .map(|(_, p)| p.p50)
            .collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    assert!(
        p50(s) > p50(c) + 1_000,
        "p50 {} µs vs {} µs",
        p50(s),
        p50(c)
    );
    // Both send to i2 until the registry evicts it; the clients' caches go on longer.
    let (evicted, _) = first_line(s, "evicted i2").unwrap();
    let (_, _, server_last) = to_dead(s);
    let (_, _, client_last) = to_dead(c);
    assert!(server_last <= evicted + 10, "{server_last} vs {evicted}");
    assert!(
        client_last >= server_last + 40,
        "{client_last} vs {server_last}"
    );
}

fn registration(third_party: i64) -> Run {
    run(&Session::new("discovery-registration", 1).with_param("third-party", third_party))
}

#[test]
fn self_registration_loses_an_instance_cut_off_from_the_registry() {
    let r = registration(0);
    let e = r.engine();
    assert!(guarantee_breaches(&Registry::standard(), r.session()).is_empty());
    // i2 is cut off from the registry at 300 ms, alive: evicted at the round after its
    // lease expires, registered again after the heal (550 ms).
    let (detail, line) = broken(&r, "no-live-evicted").expect("i2 evicted while up");
    assert_eq!(detail, "registry evicted i2, which is up");
    assert!(
        line.starts_with("  420.000ms registry evicted i2"),
        "{line}"
    );
    assert_eq!(registered(e, 450, 550), (3, 3));
    let again = (0..e.trace_len())
        .map(|i| e.trace_line(i))
        .filter(|l| l.contains("registry registered i2"))
        .count();
    assert_eq!(again, 2, "registered at the start and after the heal");
    // i5 starts at 700 ms and registers itself.
    let (at, _) = first_line(e, "registry registered i5").expect("i5 registers");
    assert!((700..710).contains(&at), "{at}");
    assert_eq!(registered(e, 750, 1_000), (5, 5));
}

#[test]
fn a_registrar_keeps_a_cut_off_instance_but_its_crash_loses_them_all() {
    let r = registration(1);
    let e = r.engine();
    assert!(guarantee_breaches(&Registry::standard(), r.session()).is_empty());
    // The partition does not evict i2: the registrar renews it.
    assert_eq!(registered(e, 0, 780), (4, 4));
    // The registrar crashes at 650 ms: every lease lapses, alive as the instances are.
    let (detail, line) = broken(&r, "no-live-evicted").expect("live instances evicted");
    assert!(detail.ends_with("which is up"), "{detail}");
    assert!(line.starts_with("  780.000ms registry evicted"), "{line}");
    assert_eq!(registered(e, 800, 1_000), (0, 0));
    // i5 starts at 700 ms and is never registered; the clients fail fast.
    assert!(first_line(e, "registry registered i5").is_none());
    let failed: i64 = points(e, "failed")
        .into_iter()
        .filter(|(at, _)| *at >= 800_000)
        .map(|(_, p)| p.sum)
        .sum();
    assert!(failed >= 60, "{failed} requests failed after 800 ms");
}

fn replicated() -> Session {
    Session::new("discovery-replicated-registry", 1)
}

/// The fewest and most instances registry server `server` holds between `from` and `to`
/// ms (its strip in the chart).
fn held(engine: &dyn Engine, server: &str, from: u64, to: u64) -> (i64, i64) {
    let metric = PATTERN.metrics.iter().position(|m| m.id == "registered");
    let heat = engine.heat(metric.unwrap(), engine.horizon());
    let node = engine.names().iter().position(|n| n == server).unwrap();
    let levels: Vec<i64> = heat.rows[node]
        .iter()
        .enumerate()
        .filter(|(i, _)| (from * 1_000..to * 1_000).contains(&(*i as u64 * heat.bucket_us)))
        .map(|(_, &v)| v)
        .collect();
    (*levels.iter().min().unwrap(), *levels.iter().max().unwrap())
}

/// When (ms) `sender` sent its first and last request to `instance`, from `from` ms on.
fn sends(engine: &dyn Engine, sender: &str, instance: &str, from: u64) -> Option<(u64, u64)> {
    let text = format!(" to {instance} work {sender}/");
    let at: Vec<u64> = (0..engine.trace_len())
        .filter(|&i| engine.trace_line(i).contains(&text))
        .map(|i| engine.event(i).unwrap().time.as_micros() / 1_000)
        .filter(|&at| at >= from)
        .collect();
    Some((*at.first()?, *at.last()?))
}

#[test]
fn peer_registries_cut_off_from_each_other_diverge_and_converge_after_the_heal() {
    let r = run(&replicated());
    let e = r.engine();
    assert!(guarantee_breaches(&Registry::standard(), &replicated()).is_empty());
    assert!(e.trace_len() < 4_000, "{} events", e.trace_len());
    // Both servers hold i1-i4 (two registered directly, two by replication).
    assert_eq!(held(e, "reg1", 10, 300), (4, 4));
    assert_eq!(held(e, "reg2", 10, 300), (4, 4));
    // Cut off at 300 ms: i5 registers with reg2 alone at 350 ms, then each server evicts
    // the other zone's instances, alive as they are (the contrast breaks).
    assert_eq!(held(e, "reg2", 355, 420), (5, 5));
    let (detail, line) = broken(&r, "no-live-evicted").expect("live instances evicted");
    assert_eq!(detail, "reg1 evicted i4, which is up");
    assert!(line.starts_with("  420.000ms reg1 evicted i4"), "{line}");
    assert!(first_line(e, "reg2 evicted i1").is_some_and(|(at, _)| at == 420));
    assert_eq!(held(e, "reg1", 425, 650), (2, 2));
    assert_eq!(held(e, "reg2", 425, 600), (3, 3));
    // i3 crashes at 450 ms: reg2 evicts it, c2 stops sending to it; c1 had stopped.
    let (evicted, _) = first_line(e, "reg2 evicted i3").expect("reg2 evicts i3");
    assert!((540..=600).contains(&evicted), "{evicted}");
    assert_eq!(held(e, "reg2", 605, 650), (2, 2));
    let (total, first, last) = to_dead(e);
    assert!(
        total >= 3 && first >= 450 && last <= evicted + 40,
        "{total} {first}..{last}"
    );
    assert!(sends(e, "c1", "i3", 0).is_some_and(|(_, last)| last < 450));
    // From reg1's and reg2's evictions to the heal, each client sends only to its own
    // zone's instances.
    for (client, other) in [("c1", "i4"), ("c2", "i1"), ("c2", "i2")] {
        let (first, _) = sends(e, client, other, 460).expect("after the heal");
        assert!(
            (650..720).contains(&first),
            "{client} to {other} at {first}"
        );
    }
    // c2 uses i5 from its start; c1 only once the heal replicates it to reg1.
    assert!(sends(e, "c2", "i5", 0).is_some_and(|(first, _)| first < 400));
    let (c1_first, _) = sends(e, "c1", "i5", 0).expect("c1 sends to i5 after the heal");
    assert!((650..700).contains(&c1_first), "{c1_first}");
    // After the heal both list i1, i2, i4 and i5.
    assert_eq!(held(e, "reg1", 700, 1_000), (4, 4));
    assert_eq!(held(e, "reg2", 700, 1_000), (4, 4));
    assert!(first_line(e, "reg1 registered i5").is_some_and(|(at, _)| at >= 650));
}

#[test]
fn self_preservation_keeps_a_dead_instance_on_both_partitioned_servers() {
    let r = run(&replicated().with_switch_off("strict-eviction"));
    let e = r.engine();
    // Each server hears only its own zone's renewals: half those expected.
    let preserving = |server: &str| first_line(e, &format!("{server} self-preservation"));
    let (at, line) = preserving("reg1").expect("reg1 preserves");
    assert!(at == 360 && line.contains("4 of 8 renewals"), "{line}");
    let (at, line) = preserving("reg2").expect("reg2 preserves");
    assert!(at == 360 && line.contains("5 of 10 renewals"), "{line}");
    assert!(broken(&r, "no-live-evicted").is_none());
    assert!(first_line(e, "evicted").is_none());
    // i3 dies at 450 ms and stays listed on both, after the heal too (8 renewals of the
    // 10 expected): both clients send to it to the end, and the guarantee breaks.
    assert_eq!(held(e, "reg1", 700, 1_000), (5, 5));
    assert_eq!(held(e, "reg2", 355, 1_000), (5, 5));
    let (detail, line) = broken(&r, "dead-skipped-in-time").expect("the guarantee breaks");
    assert!(detail.contains("to i3, down since 450.000ms"), "{detail}");
    assert!(line.contains("to i3 work"), "{line}");
    for client in ["c1", "c2"] {
        assert!(sends(e, client, "i3", 0).is_some_and(|(_, last)| last >= 950));
    }
}
