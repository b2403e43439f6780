//! A proxy: in front of the servers for every client (a reverse proxy), or beside one
//! client (a client proxy, a library or a local agent). Either way it is the same logic:
//! it answers from its cache while an answer is fresh, balances the rest round robin
//! over the servers its health checks find up, and hands each answer back.

use std::collections::BTreeMap;

use crate::patterns::deploy::msg::{Msg, Timer};
use crate::patterns::deploy::DeployNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Health-check rounds: one every 20 ms; a server that missed two answers is out.
pub const ROUND_US: u64 = 20_000;
const MISSED: u64 = 2;
/// A cached answer stays fresh for this many rounds (200 ms).
const FRESH_ROUNDS: u64 = 10;

/// A request the proxy forwarded: who asked, under which number, for which path.
#[derive(Clone, Copy, Debug)]
struct Forwarded {
    client: NodeId,
    id: u64,
    path: u64,
}

/// A caching, balancing, health-checking proxy.
#[derive(Clone, Debug)]
pub struct EdgeProxy {
    /// Whether it stands in front of the servers (reverse) or beside a client.
    reverse: bool,
    servers: Vec<NodeId>,
    health_checks: bool,
    // Volatile: a proxy keeps its cache and its view of the servers in memory.
    /// The latest round each server answered.
    answered: Vec<u64>,
    /// Durable, standing for a clock: the current round of checks, which never goes back.
    round: u64,
    turn: usize,
    next_id: u64,
    /// Requests out at a server, by the proxy's own number.
    out: BTreeMap<u64, Forwarded>,
    /// Each path's cached answer, and the round it was stored.
    cache: BTreeMap<u64, (Option<u64>, u64)>,
    hits: u64,
    forwarded: u64,
}

impl EdgeProxy {
    /// A proxy over `servers`, in front of them if `reverse`, checking their health if
    /// `health_checks`.
    pub fn new(reverse: bool, servers: Vec<NodeId>, health_checks: bool) -> EdgeProxy {
        EdgeProxy {
            reverse,
            answered: vec![0; servers.len()],
            servers,
            health_checks,
            round: 0,
            turn: 0,
            next_id: 0,
            out: BTreeMap::new(),
            cache: BTreeMap::new(),
            hits: 0,
            forwarded: 0,
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        // At the run's start every server counts as up until it misses its first checks
        // (round 0); a restarted proxy trusts none until it answers a probe.
        self.answered = vec![0; self.servers.len()];
        if self.health_checks {
            let round = self.round;
            ctx.broadcast(self.servers.iter().copied(), Msg::Probe { round });
        }
        ctx.set_timer(Timer::Round, ROUND_US, ROUND_US);
    }

    fn is_up(&self, server: usize) -> bool {
        !self.health_checks || self.round < self.answered[server] + MISSED
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.round += 1;
        let round = self.round;
        self.cache.retain(|_, (_, at)| round < *at + FRESH_ROUNDS);
        if self.health_checks {
            ctx.broadcast(self.servers.iter().copied(), Msg::Probe { round });
        }
        ctx.set_timer(Timer::Round, ROUND_US, ROUND_US);
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Get { id, key } => {
                if let Some(&(value, _)) = self.cache.get(&key) {
                    self.hits += 1;
                    ctx.send(from, Msg::Got { id, value });
                    return;
                }
                let count = self.servers.len();
                let Some(s) = (0..count)
                    .map(|k| (self.turn + k) % count)
                    .find(|&s| self.is_up(s))
                else {
                    // No server up: the request is answered by nobody (it times out).
                    return;
                };
                self.turn = s + 1;
                self.next_id += 1;
                let forwarded = Forwarded {
                    client: from,
                    id,
                    path: key,
                };
                self.out.insert(self.next_id, forwarded);
                self.forwarded += 1;
                let (id, key) = (self.next_id, key);
                ctx.send(self.servers[s], Msg::Get { id, key });
            }
            Msg::Got { id, value } => {
                if let Some(f) = self.out.remove(&id) {
                    self.cache.insert(f.path, (value, self.round));
                    ctx.send(f.client, Msg::Got { id: f.id, value });
                }
            }
            Msg::Status { round, .. } => {
                if let Some(s) = self.servers.iter().position(|&n| n == from) {
                    self.answered[s] = self.answered[s].max(round);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.out.clear();
        self.cache.clear();
        self.hits = 0;
        self.forwarded = 0;
    }

    pub(crate) fn view(&self) -> NodeView {
        let up = (0..self.servers.len()).filter(|&s| self.is_up(s)).count();
        NodeView {
            role: if self.reverse {
                "reverse proxy"
            } else {
                "client proxy"
            },
            headline: format!("{} hits · {} fwd", self.hits, self.forwarded),
            fields: vec![
                ("servers it sees up", up.to_string()),
                ("paths cached", self.cache.len().to_string()),
                ("cache hits", self.hits.to_string()),
                ("forwarded to a server", self.forwarded.to_string()),
            ],
        }
    }
}
