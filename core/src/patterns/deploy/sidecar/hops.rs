//! The hop story's latencies from the trace: for each of two clients (one through the
//! sidecar proxies, one calling the server directly), when each request was sent and when
//! its answer reached the client, kept as a histogram, so the 90th percentile of each
//! and their difference can be read at any instant.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::patterns::deploy::msg::Msg;
use crate::sim::node::NodeId;
use crate::sim::time::SimTime;
use crate::sim::trace::MessageRecord;

/// A histogram bucket's width, and how many there are (the last takes everything longer).
const BUCKET_US: u64 = 50;
const BUCKETS: usize = 400;

/// What the checker follows of the two clients.
#[derive(Clone, Debug)]
pub struct HopTimes {
    /// The client through the proxies, and the one calling directly.
    clients: [NodeId; 2],
    /// How many passes through a proxy a request and its answer take.
    passes: u32,
    /// Requests in flight, by number and client (`id * 2 + client`): when each was sent.
    sent: BTreeMap<u64, SimTime>,
    /// Answers per latency bucket, per client.
    answered: [Vec<u32>; 2],
}

impl HopTimes {
    /// Follows `via` (through `passes` passes through a proxy) and `direct`.
    pub fn new(via: NodeId, direct: NodeId, passes: u32) -> HopTimes {
        HopTimes {
            clients: [via, direct],
            passes,
            sent: BTreeMap::new(),
            answered: [vec![0; BUCKETS], vec![0; BUCKETS]],
        }
    }

    /// A request sent, or an answer delivered, at `at`.
    pub fn on_message(&mut self, at: SimTime, record: &MessageRecord<Msg>, delivered: bool) {
        let (node, id) = match (&record.payload, delivered) {
            (&Msg::Request { id }, false) => (record.from, id),
            (&Msg::Response { id, ok: true }, true) => (record.to, id),
            _ => return,
        };
        let Some(client) = self.clients.iter().position(|&c| c == node) else {
            return;
        };
        let key = id * 2 + client as u64;
        if !delivered {
            self.sent.insert(key, at);
        } else if let Some(sent) = self.sent.remove(&key) {
            let took = at.as_micros().saturating_sub(sent.as_micros());
            let bucket = ((took / BUCKET_US) as usize).min(BUCKETS - 1);
            self.answered[client][bucket] += 1;
        }
    }

    /// A request given up on (timed out) by `client`: it will not be answered.
    pub fn forget(&mut self, client: NodeId, id: u64) {
        if let Some(c) = self.clients.iter().position(|&c| c == client) {
            self.sent.remove(&(id * 2 + c as u64));
        }
    }

    /// The 90th percentile of a client's latencies (the top of its bucket, in µs), and
    /// how many were answered.
    fn p90(&self, client: usize) -> Option<(u64, u32)> {
        let counts = &self.answered[client];
        let total: u32 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let rank = (u64::from(total) * 9).div_ceil(10);
        let mut seen = 0;
        let bucket = counts.iter().position(|&n| {
            seen += u64::from(n);
            seen >= rank
        })?;
        Some(((bucket as u64 + 1) * BUCKET_US, total))
    }

    /// The facts: each client's p90 and the difference.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let ms = |us: u64| {
            let mut s = String::new();
            let _ = write!(s, "{}.{:02} ms", us / 1_000, us % 1_000 / 10);
            s
        };
        let shown = |p: Option<(u64, u32)>| {
            p.map_or("none answered yet".to_string(), |(us, n)| {
                let mut s = ms(us);
                let _ = write!(s, " ({n} answered)");
                s
            })
        };
        let (via, direct) = (self.p90(0), self.p90(1));
        let mut added = String::from("not yet known");
        if let (Some((v, _)), Some((d, _))) = (via, direct) {
            added = if v >= d {
                format!("+{}", ms(v - d))
            } else {
                format!("-{}", ms(d - v))
            };
            let _ = write!(added, " for {} passes through a proxy", self.passes);
        }
        vec![
            ("p90 latency, c1 (through the sidecars)", shown(via)),
            ("p90 latency, c2 (direct)", shown(direct)),
            ("added at p90 by the sidecars", added),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::deploy::checker::message_event;

    #[test]
    fn the_90th_percentile_of_each_client_comes_from_its_sends_and_answers() {
        let mut h = HopTimes::new(NodeId(0), NodeId(4), 4);
        // c1: ten requests answered after 1, 2, ... 10 ms; c2: ten after 1 ms.
        for id in 1..=10u64 {
            for (client, took) in [(0u32, id * 1_000), (4, 1_000)] {
                let (_, sent) = message_event(0, 0, (client, 3), Msg::Request { id }, false);
                h.on_message(SimTime(0), &sent, false);
                let answer = Msg::Response { id, ok: true };
                let (_, back) = message_event(0, took, (3, client), answer, true);
                h.on_message(SimTime(took), &back, true);
            }
        }
        // A failed answer and a forgotten request count for nothing.
        let (_, sent) = message_event(0, 0, (0, 3), Msg::Request { id: 11 }, false);
        h.on_message(SimTime(0), &sent, false);
        h.forget(NodeId(0), 11);
        let failed = Msg::Response { id: 11, ok: true };
        let (_, back) = message_event(0, 50_000, (3, 0), failed, true);
        h.on_message(SimTime(50_000), &back, true);
        let facts = h.facts();
        assert_eq!(facts[0].1, "9.05 ms (10 answered)");
        assert_eq!(facts[1].1, "1.05 ms (10 answered)");
        assert_eq!(facts[2].1, "+8.00 ms for 4 passes through a proxy");
    }
}
