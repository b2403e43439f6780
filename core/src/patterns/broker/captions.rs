//! The broker stories' captions, computed from the parameters and switches.

use super::scenarios::{
    BrokerScenario, Story, BIND_MS, BROKER_CRASH_MS, C2_CRASH_MS, JOIN_MS, POISON_MS, SLOW_MS,
    SLOW_SHIPMENTS_US, TOPIC_CRASH_MS,
};
use super::{DEAD_LETTER, DELIVERY_LIMIT, DURABLE, MANUAL_ACK};
use crate::sim::scenario::{Caption, Config, EventCaption};
use crate::sim::time::SimTime;

fn caption(ms: u64, text: String) -> Caption {
    Caption {
        at: SimTime::from_millis(ms),
        text,
    }
}

/// Messages a second one consumer takes with prefetch `prefetch` (0: unlimited), a
/// round trip of `rtt_us` and `work_us` per message.
fn per_consumer(prefetch: i64, rtt_us: u64, work_us: u64) -> u64 {
    let saturated = 1_000_000 / work_us;
    if prefetch <= 0 {
        return saturated;
    }
    let per_trip = prefetch as u64 * 1_000_000 / (rtt_us + work_us);
    per_trip.min(saturated)
}

/// The captions of a story, for a config.
pub(super) fn captions(s: &BrokerScenario, cfg: &Config) -> Vec<Caption> {
    let rate = cfg.param("rate");
    let work_ms = s.work_us() / 1_000;
    match s.story() {
        Story::Prefetch => prefetch(cfg, s.work_us()),
        Story::SlowConsumer => {
            let prefetch = cfg.param("prefetch");
            let slowdown = cfg.param("slowdown").max(1) as u64;
            let one = per_consumer(prefetch, 3_000, s.work_us());
            let slow = per_consumer(prefetch, 3_000, s.work_us() * slowdown);
            let can = (one + slow) as i64;
            let limit = match prefetch {
                0 => "as many unacknowledged messages as the broker sends".to_string(),
                p => format!("up to {p} unacknowledged messages"),
            };
            let after = if prefetch == 0 {
                "With no prefetch limit the broker keeps sending c2 half of the messages: the \
                 queue looks empty (\"ready\") while c2's backlog grows (\"waiting at \
                 consumers\"), and c1 idles half the time."
                    .to_string()
            } else if can < rate {
                format!(
                    "Together they now take about {can} a second, fewer than the {rate} that \
                     arrive: the queue grows by about {} a second (\"ready\"), without bound. \
                     By Little's law (L = λW) each message waits longer the longer the queue.",
                    rate - can
                )
            } else {
                format!(
                    "Together they can still take about {can} a second, as many as the {rate} \
                     that arrive: the queue stays short."
                )
            };
            vec![
                caption(
                    0,
                    format!(
                        "p1 publishes about {rate} messages a second; c1 and c2 each process \
                         one in {work_ms} ms and hold {limit}: together they can take about \
                         {} a second.",
                        2 * one
                    ),
                ),
                caption(
                    SLOW_MS,
                    format!("c2 becomes {slowdown} times slower. {after}"),
                ),
            ]
        }
        Story::Poison => {
            let then = if cfg.switch(DEAD_LETTER) {
                format!(
                    "The broker counts its deliveries: the limit is {DELIVERY_LIMIT}, then \
                     the dead-letter queue."
                )
            } else {
                format!(
                    "Without a delivery limit it comes back forever: c1 does nothing else, \
                     and the queue grows by about {rate} messages a second."
                )
            };
            vec![
                caption(
                    0,
                    format!(
                        "p1 publishes about {rate} messages a second; c1 processes each in \
                         {work_ms} ms, one at a time (prefetch 1), and acknowledges it."
                    ),
                ),
                caption(
                    POISON_MS,
                    format!(
                        "p1 publishes a poison message. c1 fails on it and rejects it; the \
                         broker puts it back at the head of the queue and hands it out again. \
                         {then}"
                    ),
                ),
            ]
        }
        Story::Crashes => crashes(cfg, rate, work_ms),
        Story::Topics => topics(cfg, rate),
    }
}

fn topics(cfg: &Config, rate: i64) -> Vec<Caption> {
    let crash = if cfg.switch(DURABLE) {
        "The broker crashes. audit, eu-orders and analytics are durable queues with \
         persistent messages: they come back with every copy they held, the unacknowledged \
         ones back in the queue. shipments is transient: it is gone, with the copies it held \
         (\"gone with a transient queue\": by design, not a loss), and it is bound again \
         only when c3 reconnects and declares it anew. Publishes sent while the broker is \
         down never reach it (no publisher confirms)."
    } else {
        "The broker crashes. Messages are not persistent: the durable queues come back \
         empty, and every copy they held is lost (see the invariants); shipments, \
         transient, is gone with its copies either way."
    };
    vec![
        caption(
            0,
            format!(
                "p1 publishes about {rate} messages a second, each with a routing key, in \
                 turn: orders.eu.created, orders.us.created, orders.eu.shipped, \
                 payments.eu.settled, orders.us.shipped. The topic exchange copies each into \
                 every queue whose binding matches (* is exactly one word, # zero or more): \
                 audit (#) gets every message, eu-orders (orders.eu.*) two in five, shipments \
                 (*.*.shipped) two in five. Each queue has its own consumer: c1, c2 and c3, \
                 which process a message in 4 ms, 4 ms and {} ms: shipments' consumer is \
                 slow, and its queue builds a backlog.",
                SLOW_SHIPMENTS_US / 1_000
            ),
        ),
        caption(
            BIND_MS,
            "c4 starts and declares the analytics queue, bound to orders.# (every order, \
             however many words). It gets copies of what is published from now on only: \
             nothing published before it bound was copied into it (\"copies routed per \
             queue\"). A subscriber that binds late misses the past."
                .to_string(),
        ),
        caption(TOPIC_CRASH_MS.0, crash.to_string()),
        caption(
            TOPIC_CRASH_MS.1 + 200,
            "Every message the broker accepted is, for each queue it was routed to, ready, \
             out at a consumer, acknowledged, dead-lettered, or gone with a transient queue \
             (the facts count copies): the invariant holds if no copy is lost."
                .to_string(),
        ),
    ]
}

fn prefetch(cfg: &Config, work_us: u64) -> Vec<Caption> {
    let (p, batch, rate) = (cfg.param("prefetch"), cfg.param("batch"), cfg.param("rate"));
    let rtt_us = 100_000;
    let took = per_consumer(p, rtt_us, work_us);
    let busy = took * work_us / 10_000;
    let first = format!(
        "p1 publishes a batch of {batch} messages, about {rate} a second. Every link takes \
         50 ms each way, and c1 processes a message in 4 ms, then acknowledges it."
    );
    let (middle, join) = if p == 0 {
        (
            "With no prefetch limit the broker sends c1 every message as it arrives: the \
             queue looks empty (\"ready\" stays near 0) while c1 holds the whole backlog \
             (\"waiting at consumers\") and works through it at 250 a second."
                .to_string(),
            "c2 joins and subscribes, but the backlog is already in c1, out of the queue: \
             c2 gets nothing (its utilisation stays at 0) while c1 works alone."
                .to_string(),
        )
    } else {
        let cover = if p >= 26 {
            "That covers the round trip (26 × 4 ms ≈ 104 ms)".to_string()
        } else {
            format!("It would take about 26 to cover the round trip (26 × 4 ms ≈ 104 ms), not {p}")
        };
        (
            format!(
                "With prefetch {p}, c1 may hold {p} unacknowledged messages: it gets {p} per \
                 round trip of about 104 ms, so it takes about {took} a second and is busy \
                 about {busy} % of the time (\"consumer utilisation\"). {cover}. The rest \
                 wait in the queue (\"ready\")."
            ),
            "c2 joins and subscribes: the broker hands it messages from the queue too, up to \
             its own prefetch limit, and the queue drains twice as fast."
                .to_string(),
        )
    };
    vec![
        caption(0, first),
        caption(150, middle),
        caption(JOIN_MS, join),
    ]
}

fn crashes(cfg: &Config, rate: i64, work_ms: u64) -> Vec<Caption> {
    let c2 = if cfg.switch(MANUAL_ACK) {
        "c2 crashes holding up to 10 unacknowledged messages. The broker keeps them; when c2 \
         restarts it subscribes again, and the broker requeues them and hands them out \
         again (\"redeliveries\"). Any c2 had processed but not yet acknowledged are \
         processed twice: at least once, not exactly once."
    } else {
        "c2 crashes. With automatic acknowledgement the broker forgot every message as it \
         sent it, and ignored the prefetch limit: whatever c2 held is lost (see the \
         invariants)."
    };
    let broker = if cfg.switch(DURABLE) {
        "The broker crashes. Its queue is durable: it restarts with every message it held, \
         the unacknowledged ones back in the queue, tells the consumers to reconnect and \
         delivers them again. What p1 published while the broker was down never reached \
         it: without publisher confirms (not modelled) p1 cannot know."
    } else {
        "The broker crashes. Its queue is transient: it restarts empty, and every message \
         it held, ready or out at a consumer, is lost (see the invariants)."
    };
    vec![
        caption(
            0,
            format!(
                "p1 publishes about {rate} messages a second; c1 and c2 each process one in \
                 {work_ms} ms with prefetch 10: together about 250 a second, so with more \
                 arriving the queue slowly grows."
            ),
        ),
        caption(C2_CRASH_MS.0, c2.to_string()),
        caption(BROKER_CRASH_MS.0, broker.to_string()),
        caption(
            BROKER_CRASH_MS.1 + 100,
            "Every message the broker accepted is ready, out at a consumer, acknowledged, \
             dead-lettered or lost (\"facts\"): the invariant holds if none is lost."
                .to_string(),
        ),
    ]
}

/// The captions that wait for the run: the poison message's move to the dead-letter
/// queue, when its deliveries run out.
pub(super) fn event_captions(s: &BrokerScenario, cfg: &Config) -> Vec<EventCaption> {
    if s.story() != Story::Poison || !cfg.switch(DEAD_LETTER) {
        return Vec::new();
    }
    vec![EventCaption::after(
        POISON_MS,
        "dead-letter m",
        format!(
            "The {{node}} has delivered the poison message {DELIVERY_LIMIT} times: it moves \
             it to the dead-letter queue (dlq), where a person can look at it, and the \
             messages behind it flow again."
        ),
    )]
}
