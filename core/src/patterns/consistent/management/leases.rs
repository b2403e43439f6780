//! The leader's side of data nodes' leases: when to expire a node (measured on the
//! leader's own wall clock), and the fencing tokens the store must know before a partition
//! is granted.

use super::Management;
use crate::patterns::consistent::meta::Cmd;
use crate::patterns::consistent::msg::{Msg, Owned, Peer, Timer};
use crate::patterns::consistent::node::ConsistentNode;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId};

impl Management {
    /// Gives data node `d` a lease and a margin, measured on this node's wall clock, before
    /// it may be expired.
    pub(super) fn arm_lease_check(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, d: NodeId) {
        let wait = self.plan.lease_us + self.plan.lease_margin_us;
        self.lease_deadline
            .insert(d, WallTime(ctx.wall_clock().0 + wait as i64));
        ctx.set_timer(Timer::LeaseCheck(self.names.peer(d)), wait, wait);
    }

    /// A data node's lease check fired: expire it if its deadline passed on this node's
    /// wall clock, else look again when it will have.
    pub(super) fn check_lease(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, peer: Peer) {
        let d = peer.id;
        let left = self
            .lease_deadline
            .get(&d)
            .map_or(0, |t| t.0 - ctx.wall_clock().0);
        if left > 0 {
            // Timers run on virtual time; the lease is measured on the wall clock.
            ctx.set_timer(Timer::LeaseCheck(peer), left as u64, left as u64);
        } else if self.expiring.insert(d) {
            self.lease_deadline.remove(&d);
            self.append(ctx, Cmd::Expire(d), None);
        }
    }

    /// Answers data node `d`'s renewal `n` with the partitions it owns. A partition is
    /// granted only once the store knows its token, so the old owner's writes are refused
    /// before the new owner may write.
    pub(super) fn grant_lease(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, d: NodeId, n: u32) {
        self.arm_lease_check(ctx, d);
        let partitions = self
            .meta
            .owned_by(d)
            .into_iter()
            .filter(|o| self.unfenced(o.partition).is_none())
            .collect();
        ctx.send(d, Msg::Lease { n, partitions });
    }

    /// Tells the store every ownership token it has not confirmed yet (again on every
    /// heartbeat, until it answers), so it refuses older owners' writes.
    pub(super) fn fence_store(&self, ctx: &mut Ctx<'_, ConsistentNode>) {
        for owned in self.meta.owners.keys().flat_map(|&p| self.unfenced(p)) {
            ctx.send(self.plan.store, Msg::Fence(owned));
        }
    }

    /// Partition `p`'s ownership, if the store has not confirmed its token yet.
    fn unfenced(&self, p: u8) -> Option<Owned> {
        let (_, token) = *self.meta.owners.get(&p)?;
        let confirmed = self.fenced.get(&p).is_some_and(|&t| t >= token);
        (!confirmed).then_some(Owned {
            partition: p,
            token,
        })
    }
}
