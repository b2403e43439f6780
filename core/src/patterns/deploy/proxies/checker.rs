//! Checks the proxy stories from the trace: which requests a proxy forwarded to a server
//! (and whether that server had been down too long, by the statuses the engine shows),
//! which it answered at once from its cache (an answer sent while handling the client's
//! request), and which requests each client gave up on.

use std::fmt::Write;

use super::{BACKEND, HITS, TIMEOUTS};
use crate::patterns::deploy::msg::{Msg, Note};
use crate::patterns::deploy::DeployNode;
use crate::patterns::downtime::Downtime;
use crate::patterns::findings::{run_wide, Findings};
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "no-dead-server",
        sentence: "No proxy forwards a request to a server that has been down for longer \
                   than 60 ms (three rounds of health checks; nor in the 60 ms after the \
                   proxy itself was down, when its view is stale).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "every-client-answered",
        sentence: "No client gives up on a request: every one is answered within its 50 ms \
                   timeout.",
        kind: PropertyKind::Contrast,
    },
];

const NO_DEAD: usize = 0;
const ANSWERED: usize = 1;
/// How long a server may have been down when a request is forwarded to it.
pub const BOUND_US: u64 = 60_000;

/// The proxy stories' checker.
#[derive(Clone, Debug)]
pub struct ProxiesChecker {
    findings: Findings,
    down: Downtime,
    clients: Vec<NodeId>,
    proxies: Vec<NodeId>,
    servers: Vec<NodeId>,
    /// The latest client request delivered to a proxy: its event.
    asked: Option<u32>,
    /// When each proxy was last back up after being down (paused, crashed): its view
    /// of the servers may be stale for a while.
    back: Vec<Option<SimTime>>,
    backend: u64,
    hits: u64,
    /// Per client, requests given up on.
    timeouts: Vec<u64>,
    measures: Vec<Measure>,
}

impl ProxiesChecker {
    /// A checker for nodes named `names`.
    pub fn new(
        names: &[String],
        clients: Vec<NodeId>,
        proxies: Vec<NodeId>,
        servers: Vec<NodeId>,
    ) -> ProxiesChecker {
        ProxiesChecker {
            findings: Findings::new(names),
            down: Downtime::new(names.len()),
            timeouts: vec![0; clients.len()],
            clients,
            proxies,
            servers,
            asked: None,
            back: vec![None; names.len()],
            backend: 0,
            hits: 0,
            measures: Vec::new(),
        }
    }

    /// A proxy sent `record` at `at` (event `index`).
    fn on_proxy_send(&mut self, index: usize, at: SimTime, record: &MessageRecord<Msg>) {
        match record.payload {
            Msg::Get { key, .. } if self.servers.contains(&record.to) => {
                self.backend += 1;
                self.measures.push(run_wide(BACKEND, 1));
                let Some(since) = self.down.since(record.to) else {
                    return;
                };
                let down_for = at.as_micros() - since.as_micros();
                let fresh = self.back[record.from.index()]
                    .is_none_or(|b| at.as_micros() >= b.as_micros() + BOUND_US);
                if down_for > BOUND_US && fresh {
                    let (from, to) = (record.from, record.to);
                    self.findings.breach(NO_DEAD, index, |c| {
                        format!(
                            "{} sent a request for k{key} to {}, down since {since} ({} > \
                             60 ms)",
                            c.name(from),
                            c.name(to),
                            SimTime(down_for)
                        )
                    });
                }
            }
            Msg::Got { .. } if self.asked.is_some() && record.cause == self.asked => {
                self.hits += 1;
                self.measures.push(run_wide(HITS, 1));
            }
            _ => {}
        }
    }
}

impl Checker<DeployNode> for ProxiesChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<DeployNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let Some(node) = event.node else {
            return;
        };
        match (&event.kind, msg) {
            (EventKind::Deliver { .. }, Some(record)) if self.proxies.contains(&node) => {
                if let Msg::Get { .. } = record.payload {
                    self.asked = Some(index as u32);
                }
            }
            (EventKind::Send { .. }, Some(record)) if self.proxies.contains(&node) => {
                self.on_proxy_send(index, event.time, record);
            }
            (EventKind::Note(Note::TimedOut { id }), _) => {
                let Some(c) = self.clients.iter().position(|&c| c == node) else {
                    return;
                };
                self.timeouts[c] += 1;
                self.measures.push(Measure {
                    metric: TIMEOUTS,
                    node: Some(node),
                    value: 1,
                });
                let id = *id;
                self.findings.breach(ANSWERED, index, |f| {
                    format!("{} gave up on r{id}", f.name(node))
                });
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[DeployNode], world: &World<'_>, out: &mut Vec<Breach>) {
        for &p in &self.proxies {
            let up = world.status.get(p.index()) == Some(&NodeStatus::Up);
            if up && self.down.since(p).is_some() {
                self.back[p.index()] = Some(world.now);
            }
        }
        self.down.update(world);
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }
}

impl ProxiesChecker {
    /// What the checker says of the run at its frontier.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut timeouts = String::new();
        for (c, n) in self.clients.iter().zip(&self.timeouts) {
            if !timeouts.is_empty() {
                timeouts.push_str(", ");
            }
            let _ = write!(timeouts, "{} {n}", self.findings.name(*c));
        }
        let answered = self.backend + self.hits;
        let share = (self.hits * 100).checked_div(answered).unwrap_or(0);
        vec![
            ("requests that reached a server", self.backend.to_string()),
            (
                "answered from a cache",
                format!("{} ({share} %)", self.hits),
            ),
            ("timeouts by client", timeouts),
        ]
    }
}

#[cfg(test)]
mod tests;
