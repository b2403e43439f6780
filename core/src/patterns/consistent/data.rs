//! A data node: registers with the core, keeps a lease by renewing it, and serves writes
//! to the partitions it owns.

use std::collections::{BTreeMap, BTreeSet};

use super::msg::{Msg, Note, Timer};
use super::node::ConsistentNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A data node: registers, keeps a lease by renewing it, and serves writes to what it owns.
#[derive(Clone, Debug)]
pub struct DataNode {
    management: Vec<NodeId>,
    lease_us: u64,
    renew_us: u64,
    // Durable: what it stored.
    store: BTreeMap<u8, u32>,
    // Volatile.
    registered: bool,
    target: usize,
    renewals: u32,
    answered: u32,
    live: BTreeSet<u32>,
    holding: u32,
    owned: Vec<u8>,
}

impl DataNode {
    /// A data node of the cluster steered by `management`.
    pub fn new(management: Vec<NodeId>, lease_us: u64, renew_us: u64) -> DataNode {
        DataNode {
            management,
            lease_us,
            renew_us,
            store: BTreeMap::new(),
            registered: false,
            target: 0,
            renewals: 0,
            answered: 0,
            live: BTreeSet::new(),
            holding: 0,
            owned: Vec::new(),
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        self.registered = false;
        ctx.send(self.ask(), Msg::Register);
        ctx.set_timer(Timer::RegisterRetry, 150_000, 150_000);
    }

    pub(super) fn on_crash(&mut self) {
        self.registered = false;
        self.live.clear();
        self.owned.clear();
        self.holding = 0;
    }

    fn ask(&self) -> NodeId {
        self.management[self.target % self.management.len()]
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
                if self.live.contains(&n) && n > self.holding {
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
            } => {
                if self.owned.contains(&partition) {
                    self.store.insert(partition, value);
                    ctx.note(Note::Stored { partition, value });
                    ctx.send(from, Msg::DataOk { req });
                } else {
                    ctx.send(from, Msg::NotOwner { req });
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
        match timer {
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
                self.live.insert(n);
                ctx.send(self.ask(), Msg::Renew { n });
                ctx.set_timer(Timer::LeaseEnd(n), self.lease_us, self.lease_us);
                ctx.set_timer(Timer::RenewTick, self.renew_us, self.renew_us);
            }
            Timer::LeaseEnd(n) => {
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
            let p: Vec<String> = self.owned.iter().map(|p| format!("p{p}")).collect();
            format!("owns {} · lease", p.join(","))
        };
        NodeView {
            role: "data",
            headline: owns.clone(),
            fields: vec![
                ("lease", owns),
                ("renewals sent", self.renewals.to_string()),
                (
                    "stored (durable)",
                    if self.store.is_empty() {
                        "nothing".into()
                    } else {
                        self.store
                            .iter()
                            .map(|(p, v)| format!("p{p}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    },
                ),
            ],
        }
    }
}
