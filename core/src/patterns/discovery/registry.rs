//! The registry: instances register and renew their leases by heartbeat; an eviction
//! round removes every instance whose lease has expired, unless too few renewals came in
//! (self-preservation, when it is on). A registry may be one of several peer servers (as
//! Eureka's are): each passes on to its peers every renewal an instance sends it and every
//! eviction it makes, asynchronously and without consensus, so a partition between them
//! lets their lists diverge.

use super::cache::instance_names;
use super::msg::{Msg, Note, Timer};
use super::node::DiscoveryNode;
use super::REGISTERED;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Leases and rounds, in µs of the registry's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leases {
    /// How long a renewal keeps an instance registered.
    pub lease_us: u64,
    /// Time between two eviction rounds.
    pub evict_us: u64,
    /// The instances' heartbeat interval (renewals expected per round follow from it).
    pub heartbeat_us: u64,
    /// Self-preservation: no eviction in a round with fewer renewals than 85 % of those
    /// expected.
    pub preserve: bool,
}

/// The service registry.
#[derive(Clone, Debug)]
pub struct Registry {
    first: u32,
    leases: Leases,
    /// The other registry servers, which it replicates to.
    peers: Vec<NodeId>,
    // Volatile.
    /// Each registered instance and when (on this clock) it last renewed.
    entries: Vec<(u32, WallTime)>,
    renewals: u64,
    preserving: bool,
}

impl Registry {
    /// A registry for the instances from node id `first` on, replicating to `peers`.
    pub fn new(first: u32, leases: Leases, peers: Vec<NodeId>) -> Registry {
        Registry {
            first,
            leases,
            peers,
            entries: Vec::new(),
            renewals: 0,
            preserving: false,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        let every = self.leases.evict_us;
        ctx.set_timer(Timer::Evict, every, every);
    }

    /// How long since `renewed`, on this clock now; `None` if the clock went back past it.
    fn silent(renewed: WallTime, now: WallTime) -> Option<u64> {
        (renewed <= now).then(|| (now.0 - renewed.0) as u64)
    }

    /// A renewal, from the instance or its registrar or a peer: registers it if new.
    fn renew(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, instance: u32, now: WallTime) {
        self.renewals += 1;
        match self.entries.iter_mut().find(|e| e.0 == instance) {
            Some(entry) => entry.1 = now,
            None => {
                self.entries.push((instance, now));
                ctx.note(Note::Registered { instance });
                ctx.measure(REGISTERED, self.entries.len() as i64);
            }
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>, from: NodeId, msg: Msg) {
        let now = ctx.monotonic();
        match msg {
            Msg::Heartbeat | Msg::Renew { .. } => {
                let instance = match msg {
                    Msg::Renew { instance } => instance,
                    _ => from.0 - self.first,
                };
                self.renew(ctx, instance, now);
                let evicted = false;
                ctx.broadcast(
                    self.peers.iter().copied(),
                    Msg::Replicate { instance, evicted },
                );
            }
            Msg::Replicate { instance, evicted } => {
                if !evicted {
                    self.renew(ctx, instance, now);
                } else if let Some(at) = self.entries.iter().position(|e| e.0 == instance) {
                    self.entries.remove(at);
                    ctx.measure(REGISTERED, self.entries.len() as i64);
                }
            }
            Msg::Fetch { round } => {
                // Expired leases stay listed until an eviction round removes them (at
                // most one round late), or as long as self-preservation holds.
                let listed = self.leases.lease_us + self.leases.evict_us;
                let list = self
                    .entries
                    .iter()
                    .filter(|e| {
                        self.preserving || Self::silent(e.1, now).is_some_and(|s| s <= listed)
                    })
                    .map(|e| e.0)
                    .collect();
                ctx.send(from, Msg::Instances { round, list });
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, DiscoveryNode>) {
        let leases = self.leases;
        let expected = self.entries.len() as u64 * leases.evict_us / leases.heartbeat_us;
        let renewals = std::mem::take(&mut self.renewals);
        let was = self.preserving;
        self.preserving = leases.preserve && renewals * 100 < expected * 85;
        if self.preserving {
            if !was {
                ctx.note(Note::Preserving { renewals, expected });
            }
        } else {
            let now = ctx.monotonic();
            let lease = leases.lease_us;
            let peers = &self.peers;
            self.entries.retain(|&(instance, renewed)| {
                let silent = Self::silent(renewed, now);
                let keep = silent.is_some_and(|s| s <= lease);
                if !keep {
                    let silent_ms = silent.unwrap_or(0) / 1_000;
                    ctx.note(Note::Evicted {
                        instance,
                        silent_ms,
                    });
                    let evicted = true;
                    ctx.broadcast(peers.iter().copied(), Msg::Replicate { instance, evicted });
                }
                keep
            });
        }
        ctx.measure(REGISTERED, self.entries.len() as i64);
        ctx.set_timer(Timer::Evict, leases.evict_us, leases.evict_us);
    }

    pub(super) fn on_crash(&mut self) {
        self.entries.clear();
        self.renewals = 0;
        self.preserving = false;
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "registry",
            headline: format!(
                "{} {}",
                self.entries.len(),
                if self.preserving {
                    "kept (preserving)"
                } else {
                    "registered"
                }
            ),
            fields: vec![
                (
                    "instances",
                    instance_names(self.entries.iter().map(|e| e.0)),
                ),
                ("renewals this round", self.renewals.to_string()),
                (
                    "self-preservation",
                    if !self.leases.preserve {
                        "off"
                    } else if self.preserving {
                        "on: not evicting"
                    } else {
                        "armed"
                    }
                    .to_string(),
                ),
            ],
        }
    }
}
