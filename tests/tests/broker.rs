//! The message broker, story by story: prefetch sets how busy a consumer 50 ms away can
//! be (1: about 4 %; 26: saturated; unlimited: the backlog hides in one consumer and a
//! new one starves); a slow consumer lets the queue grow; a poison message is
//! dead-lettered after 5 deliveries, or blocks the queue forever; crashes lose nothing
//! with acknowledgements and a durable queue, and lose messages without either.

use playground_core::patterns::broker::PATTERN;
use playground_core::sim::run::{Engine, Run};
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Session};
use playground_tests::{guarantee_breaches, metric_between, only_breach, run_to_end};

/// Metric `id` between two instants (ms): a counter's total, a gauge's highest level.
fn metric(engine: &dyn Engine, id: &str, from_ms: u64, to_ms: u64) -> i64 {
    metric_between(engine, PATTERN.metrics, id, from_ms, to_ms)
}

/// A fact of the run at `ms`.
fn fact(run: &Run, ms: u64, label: &str) -> String {
    let snapshot = run.engine().snapshot_at(SimTime::from_millis(ms));
    let found = snapshot.facts.iter().find(|(l, _)| *l == label);
    found.expect("a fact").1.clone()
}

/// The number a fact listing "name number, name number …" gives `name`, at `ms`.
fn part_of(run: &Run, ms: u64, label: &str, name: &str) -> u64 {
    let facts = fact(run, ms, label);
    let part = facts
        .split(", ")
        .find(|p| p.starts_with(&format!("{name} ")))
        .expect("the name");
    part[name.len() + 1..]
        .trim_end_matches(" %")
        .parse()
        .unwrap()
}

/// The share of the run so far (%) that consumer `name` spent processing, at `ms`.
fn busy_pct(run: &Run, ms: u64, name: &str) -> u64 {
    part_of(run, ms, "consumers busy", name)
}

/// What the node named `name` shows on the stage at the end.
fn headline(run: &Run, name: &str) -> String {
    let e = run.engine();
    let snapshot = e.snapshot_at(e.horizon());
    let node = snapshot.nodes.iter().find(|n| n.name == name).unwrap();
    node.headline.clone()
}

fn holds(session: &Session) -> bool {
    guarantee_breaches(&Registry::standard(), session).is_empty()
}

#[test]
fn prefetch_1_keeps_a_consumer_50_ms_away_busy_about_4_percent_and_26_saturates_it() {
    let one = run_to_end(&Session::new("broker-prefetch", 1));
    let busy = busy_pct(&one, 1_000, "c1");
    assert!((2..=5).contains(&busy), "prefetch 1: c1 busy {busy} %");
    // Every 100 ms window says the same: 1 message per round trip of 104 ms.
    assert!(metric(one.engine(), "busy", 200, 1_000) <= 8);
    assert!(
        metric(one.engine(), "ready", 0, 3_000) > 400,
        "the batch waits"
    );
    let saturated = run_to_end(&Session::new("broker-prefetch", 1).with_param("prefetch", 26));
    let busy = busy_pct(&saturated, 1_000, "c1");
    assert!(
        busy >= 80,
        "prefetch 26: c1 busy {busy} % (from its first delivery at 100 ms)"
    );
    assert_eq!(metric(saturated.engine(), "busy", 200, 1_000), 100);
    // Half of it: about half as busy.
    let half = run_to_end(&Session::new("broker-prefetch", 1).with_param("prefetch", 13));
    let busy = busy_pct(&half, 1_000, "c1");
    assert!((40..=55).contains(&busy), "prefetch 13: c1 busy {busy} %");
    for run in [&one, &saturated, &half] {
        assert!(holds(run.session()));
    }
}

#[test]
fn unlimited_prefetch_hides_the_backlog_in_one_consumer_and_the_new_one_starves() {
    let session = Session::new("broker-prefetch", 1).with_param("prefetch", 0);
    let run = run_to_end(&session);
    let e = run.engine();
    assert!(metric(e, "ready", 0, 3_000) <= 5, "the queue looks empty");
    assert!(
        metric(e, "queue", 0, 1_000) >= 300,
        "the backlog waits in c1"
    );
    assert_eq!(busy_pct(&run, 3_000, "c2"), 0);
    assert!(
        headline(&run, "c2").starts_with("0 served"),
        "{}",
        headline(&run, "c2")
    );
    assert!(
        e.violations()[2].is_none(),
        "the short-queue contrast holds, hiding it"
    );
    // With prefetch 26 the backlog stays in the queue, and c2 takes its share.
    let shared = run_to_end(&Session::new("broker-prefetch", 1).with_param("prefetch", 26));
    let served: u64 = headline(&shared, "c2")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(served >= 100, "c2 served {served}");
    assert!(
        shared.engine().violations()[2].is_some(),
        "the queue held the backlog"
    );
    // And the batch is done sooner: by 2 s, against c1 alone past 2 s.
    assert!(metric(shared.engine(), "acked", 2_000, 3_000) == 0);
    assert!(metric(e, "acked", 2_000, 3_000) > 0);
}

#[test]
fn a_slow_consumer_lets_the_queue_grow_without_bound() {
    let run = run_to_end(&Session::new("broker-slow-consumer", 1));
    let e = run.engine();
    assert!(metric(e, "ready", 0, 1_000) <= 30);
    let (early, late) = (
        metric(e, "ready", 2_000, 2_500),
        metric(e, "ready", 3_500, 4_000),
    );
    assert!(late > early + 50, "the queue grows: {early} → {late}");
    let breach = e.violations()[2].clone().expect("short-queue breaks");
    assert!(breach.time > SimTime::from_millis(1_000));
    assert!(headline(&run, "c2").contains("×10"));
    assert!(holds(run.session()));
    // Not slowed (×1), the two keep up.
    let calm = run_to_end(&Session::new("broker-slow-consumer", 1).with_param("slowdown", 1));
    assert!(metric(calm.engine(), "ready", 0, 4_000) <= 30);
}

#[test]
fn a_poison_message_is_dead_lettered_after_5_deliveries_or_blocks_the_queue() {
    let session = Session::new("broker-poison", 1);
    let run = run_to_end(&session);
    assert_eq!(headline(&run, "dlq"), "1 dead letter");
    assert_eq!(fact(&run, 1_500, "dead-lettered"), "1");
    assert_eq!(metric(run.engine(), "redelivered", 0, 1_500), 4);
    assert!(metric(run.engine(), "ready", 0, 1_500) <= 30);
    assert!(holds(&session));
    // Without the delivery limit: redelivered forever, nothing else gets through.
    let off = session.clone().with_switch_off("dead-letter");
    let breach = only_breach(&off, "bounded-redelivery");
    assert!(breach.line.contains("redelivery 5"), "{breach:?}");
    let blocked = run_to_end(&off);
    assert!(metric(blocked.engine(), "acked", 400, 1_500) == 0);
    assert!(metric(blocked.engine(), "ready", 1_000, 1_500) > 100);
    assert_eq!(headline(&blocked, "dlq"), "0 dead letters");
}

#[test]
fn crashes_lose_nothing_with_acknowledgements_and_a_durable_queue() {
    let session = Session::new("broker-crashes", 1);
    let run = run_to_end(&session);
    assert!(holds(&session));
    assert_eq!(fact(&run, 1_600, "lost"), "0");
    // c2's unacknowledged messages, then the broker's, are handed out again.
    let e = run.engine();
    assert!(metric(e, "redelivered", 400, 700) >= 5);
    assert!(metric(e, "redelivered", 1_000, 1_300) >= 10);
    // A transient queue loses what it held, at the broker's crash.
    let transient = session.clone().with_switch_off("durable");
    let breach = only_breach(&transient, "conservation");
    assert!(breach.line.contains("CRASH broker"), "{breach:?}");
    assert!(fact(&run_to_end(&transient), 1_600, "lost") != "0");
    // Automatic acknowledgement loses what c2 held when it crashed.
    let auto = session.with_switch_off("manual-ack");
    let breach = only_breach(&auto, "conservation");
    assert!(
        breach.line.contains("c2") && breach.line.contains("drop"),
        "{breach:?}"
    );
    assert!(breach.detail.contains("was lost"), "{breach:?}");
}

/// The count a queue got, from the fact "copies routed per queue" at `ms`.
fn copies(run: &Run, ms: u64, queue: &str) -> u64 {
    part_of(run, ms, "copies routed per queue", queue)
}

#[test]
fn topics_fan_each_message_out_to_every_matching_queue_and_a_late_one_misses_the_past() {
    let session = Session::new("broker-topics", 1);
    let run = run_to_end(&session);
    assert!(holds(&session));
    // Before the crash: audit (#) has a copy of every accepted message, eu-orders and
    // shipments two in five each; analytics none, since it is not bound yet.
    let accepted: u64 = fact(&run, 790, "accepted by the broker").parse().unwrap();
    assert!(accepted >= 50, "{accepted} accepted");
    assert_eq!(copies(&run, 790, "audit"), accepted);
    for queue in ["eu-orders", "shipments"] {
        let n = copies(&run, 790, queue);
        assert!(
            n * 5 >= accepted * 2 - 5 && n * 5 <= accepted * 2 + 5,
            "{queue} {n}"
        );
    }
    assert_eq!(copies(&run, 790, "analytics"), 0);
    // Bound at 0.8 s, analytics gets four in five from then on, never the past.
    let (before, later) = (
        copies(&run, 1_390, "audit"),
        copies(&run, 1_390, "analytics"),
    );
    let since = before - accepted;
    assert!(
        later * 5 >= since * 4 - 10 && later <= since,
        "{later} of {since}"
    );
    // Each consumer got its own copies: all four acknowledge.
    for c in ["c1", "c2", "c3", "c4"] {
        assert!(
            !headline(&run, c).starts_with("0 "),
            "{c}: {}",
            headline(&run, c)
        );
    }
}

#[test]
fn a_crash_takes_the_transient_queue_and_its_copies_but_durable_queues_keep_theirs() {
    let session = Session::new("broker-topics", 1);
    let run = run_to_end(&session);
    // The slow shipments consumer had a backlog: gone with its queue, by design.
    let gone: u64 = fact(&run, 1_450, "gone with a transient queue")
        .parse()
        .unwrap();
    assert!(gone >= 5, "{gone} copies gone");
    assert_eq!(
        fact(&run, 1_450, "gone with a transient queue"),
        fact(&run, 2_200, "gone with a transient queue")
    );
    assert_eq!(fact(&run, 2_200, "copies lost"), "0");
    // The durable queues' unacknowledged copies come back and are delivered again.
    assert!(metric(run.engine(), "redelivered", 1_600, 1_800) >= 1);
    // c3 declared shipments again when it reconnected: it gets copies again.
    let shipments = copies(&run, 2_200, "shipments") - copies(&run, 1_650, "shipments");
    assert!(shipments >= 5, "{shipments} copies after the restart");
    // Without persistent messages the durable queues lose theirs: a breach at the crash.
    let lossy = session.with_switch_off("durable");
    let breach = only_breach(&lossy, "conservation");
    assert!(breach.line.contains("CRASH broker"), "{breach:?}");
    assert!(fact(&run_to_end(&lossy), 2_200, "copies lost") != "0");
}
