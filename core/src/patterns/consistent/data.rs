//! A data node: registers with the core, keeps a lease by renewing it, and serves writes
//! to the partitions it owns by storing them in the partition store with its fencing token.
//!
//! The lease is measured on the node's own wall clock, from when it asked for a renewal:
//! a node whose clock runs slow believes in its lease for longer than the core does. That
//! is why the store checks fencing tokens.

use std::collections::BTreeMap;

use super::meta::ReqId;
use super::msg::{Msg, Note, Owned, Timer};
use super::node::ConsistentNode;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A data node: registers, keeps a lease by renewing it, and serves writes to what it owns.
#[derive(Clone, Debug)]
pub struct DataNode {
    management: Vec<NodeId>,
    store: NodeId,
    lease_us: u64,
    renew_us: u64,
    join_after_us: u64,
    // Volatile (what it stored lives in the store).
    registered: bool,
    target: usize,
    renewals: u32,
    answered: u32,
    /// Renewals whose lease has not ended, with when it ends on this node's wall clock.
    live: BTreeMap<u32, WallTime>,
    holding: u32,
    owned: Vec<Owned>,
    /// Writes sent to the store, with the client to answer.
    writing: BTreeMap<ReqId, NodeId>,
}

impl DataNode {
    /// A data node of the cluster steered by `management`, storing writes in `store`, with
    /// leases of `lease_us` renewed every `renew_us`; it registers `join_after_us` after it
    /// starts (data nodes join one by one, so d1 owns p1 and d2 owns p2 at every seed).
    pub fn new(
        management: Vec<NodeId>,
        store: NodeId,
        (lease_us, renew_us): (u64, u64),
        join_after_us: u64,
    ) -> DataNode {
        DataNode {
            management,
            store,
            lease_us,
            renew_us,
            join_after_us,
            registered: false,
            target: 0,
            renewals: 0,
            answered: 0,
            live: BTreeMap::new(),
            holding: 0,
            owned: Vec::new(),
            writing: BTreeMap::new(),
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        self.registered = false;
        ctx.set_timer(Timer::Join, self.join_after_us, self.join_after_us);
    }

    pub(super) fn on_crash(&mut self) {
        self.registered = false;
        self.live.clear();
        self.owned.clear();
        self.holding = 0;
        self.writing.clear();
    }

    fn ask(&self) -> NodeId {
        self.management[self.target % self.management.len()]
    }

    /// The token of partition `p` if this node holds a lease on it now, by its own clock.
    fn token(&self, ctx: &Ctx<'_, ConsistentNode>, p: u8) -> Option<Owned> {
        let lease_ends = self.live.get(&self.holding)?;
        (ctx.wall_clock() < *lease_ends)
            .then(|| self.owned.iter().find(|o| o.partition == p).copied())
            .flatten()
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Registered if !self.registered => {
                self.registered = true;
                ctx.cancel_timer(Timer::RegisterRetry);
                ctx.set_timer(Timer::RenewTick, 0, 0);
            }
            Msg::Lease { n, partitions } => {
                self.answered = self.answered.max(n);
                // Only a renewal whose lease has not ended yet counts.
                if self.live.contains_key(&n) && n > self.holding {
                    self.holding = n;
                    self.owned = partitions.clone();
                    ctx.note(Note::Holds { n, partitions });
                }
            }
            Msg::NotLeader { .. } => self.target += 1,
            Msg::DataWrite {
                req,
                partition,
                value,
            } => match self.token(ctx, partition) {
                Some(owned) => {
                    self.writing.insert(req, from);
                    ctx.send(self.store, Msg::Persist { req, owned, value });
                }
                None => ctx.send(from, Msg::NotOwner { req }),
            },
            Msg::Persisted { req, ok } => {
                if let Some(client) = self.writing.remove(&req) {
                    let answer = if ok {
                        Msg::DataOk { req }
                    } else {
                        Msg::NotOwner { req }
                    };
                    ctx.send(client, answer);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
        match timer {
            Timer::Join => {
                ctx.send(self.ask(), Msg::Register);
                ctx.set_timer(Timer::RegisterRetry, 150_000, 150_000);
            }
            Timer::RegisterRetry if !self.registered => {
                self.target += 1;
                ctx.send(self.ask(), Msg::Register);
                ctx.set_timer(Timer::RegisterRetry, 150_000, 150_000);
            }
            Timer::RenewTick => {
                if self.renewals > self.answered + 1 {
                    self.target += 1; // no answers: try another management node
                }
                self.renewals += 1;
                let n = self.renewals;
                let ends = WallTime(ctx.wall_clock().0 + self.lease_us as i64);
                self.live.insert(n, ends);
                ctx.send(self.ask(), Msg::Renew { n });
                ctx.set_timer(Timer::LeaseEnd(n), self.lease_us, self.lease_us);
                ctx.set_timer(Timer::RenewTick, self.renew_us, self.renew_us);
            }
            Timer::LeaseEnd(n) => {
                let left = self.live.get(&n).map_or(0, |t| t.0 - ctx.wall_clock().0);
                if left > 0 {
                    // Timers run on virtual time; the lease is measured on the wall clock.
                    ctx.set_timer(Timer::LeaseEnd(n), left as u64, left as u64);
                    return;
                }
                self.live.remove(&n);
                if n == self.holding && !self.owned.is_empty() {
                    self.owned.clear();
                    ctx.note(Note::Lapsed);
                }
            }
            _ => {}
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let owns = if self.owned.is_empty() {
            "owns nothing".to_string()
        } else {
            let p: Vec<String> = self
                .owned
                .iter()
                .map(|o| format!("p{}", o.partition))
                .collect();
            format!("owns {} · lease", p.join(","))
        };
        let tokens: Vec<String> = self.owned.iter().map(Owned::to_string).collect();
        let ends = self
            .live
            .get(&self.holding)
            .map_or("no lease".to_string(), |t| t.to_string());
        NodeView {
            role: "data",
            headline: owns.clone(),
            fields: vec![
                ("lease", owns),
                ("lease ends (own clock)", ends),
                ("fencing tokens", tokens.join(", ")),
                ("renewals sent", self.renewals.to_string()),
            ],
        }
    }
}
