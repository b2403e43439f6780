//! A management node: a member of the small cluster that keeps the metadata in a log
//! replicated to a majority, elects a leader by terms, and keeps data nodes' leases.

use imbl::Vector;

use std::collections::{BTreeMap, BTreeSet};

use super::meta::{Applied, Cmd, Entry, Meta, ReqId};
use super::msg::{Msg, Note, Timer};
use super::node::{ConsistentNode, Names};
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId};

mod handlers;
mod leases;
mod view;

/// Timing and switches of the management cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagementPlan {
    /// Election timeout range, in microseconds.
    pub election_us: (u64, u64),
    /// Time between heartbeats.
    pub heartbeat_us: u64,
    /// A data node's lease, measured from when it asked.
    pub lease_us: u64,
    /// What the leader waits beyond a lease before reassigning (covers message delay).
    pub lease_margin_us: u64,
    /// Partitions of the data cluster.
    pub partitions: u8,
    /// Acknowledge writes only once a majority stored them (the mechanism).
    pub ack_after_majority: bool,
    /// Replicate new entries at once (else only on heartbeats).
    pub replicate_at_once: bool,
    /// The partition store, which the leader tells each new fencing token.
    pub store: NodeId,
}

/// What to answer once an entry is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reply {
    Put(NodeId, ReqId),
    Get(NodeId, ReqId, char),
    Registered(NodeId),
    Lease(NodeId, u32),
}

/// A management node: a member of the small cluster that keeps the metadata.
#[derive(Clone, Debug)]
pub struct Management {
    me: NodeId,
    peers: Vec<NodeId>,
    plan: ManagementPlan,
    names: Names,
    // Durable: term, vote and log.
    term: u64,
    voted_for: Option<NodeId>,
    log: Vector<Entry>,
    // Volatile.
    /// Crashed and not yet restarted (it then reads "down", not the follower it becomes).
    down: bool,
    leading: bool,
    leader: Option<NodeId>,
    heard_at: WallTime,
    votes: BTreeSet<NodeId>,
    commit: usize,
    applied: usize,
    meta: Meta,
    next: BTreeMap<NodeId, usize>,
    matched: BTreeMap<NodeId, usize>,
    pending: BTreeMap<usize, (u64, Reply)>,
    expiring: BTreeSet<NodeId>,
    lease_deadline: BTreeMap<NodeId, WallTime>,
    fenced: BTreeMap<u8, usize>,
}

impl Management {
    /// Management node `me` of `cluster`; `leads` makes it leader of term 1 from the start.
    pub fn new(
        me: NodeId,
        cluster: &[NodeId],
        plan: ManagementPlan,
        names: Names,
        leads: bool,
    ) -> Self {
        Management {
            me,
            peers: cluster.iter().copied().filter(|&p| p != me).collect(),
            plan,
            names,
            term: 1,
            voted_for: None,
            log: Vector::unit(Entry {
                term: 1,
                cmd: Cmd::Noop,
            }),
            down: false,
            leading: leads,
            leader: None,
            heard_at: WallTime(0),
            votes: BTreeSet::new(),
            commit: 1,
            applied: 1,
            meta: Meta::default(),
            next: BTreeMap::new(),
            matched: BTreeMap::new(),
            pending: BTreeMap::new(),
            expiring: BTreeSet::new(),
            lease_deadline: BTreeMap::new(),
            fenced: BTreeMap::new(),
        }
    }

    /// The metadata as this node has applied it.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Whether it leads.
    pub fn leading(&self) -> bool {
        self.leading
    }

    fn majority(&self) -> usize {
        let cluster = self.peers.len() + 1;
        cluster / 2 + 1
    }

    fn last(&self) -> (usize, u64) {
        (self.log.len(), self.log.last().map_or(0, |e| e.term))
    }

    fn name(&self, id: Option<NodeId>) -> String {
        id.map_or_else(|| "unknown".into(), |i| self.names.name(i))
    }

    /// The leader this node follows, if it heard from it within two heartbeats (on its
    /// own wall clock); itself when it leads.
    fn live_leader(&self, ctx: &Ctx<'_, ConsistentNode>) -> Option<NodeId> {
        if self.leading {
            return Some(self.me);
        }
        let silent = ctx.wall_clock().0 - self.heard_at.0;
        self.leader
            .filter(|_| silent <= 2 * self.plan.heartbeat_us as i64)
    }

    fn reset_election(&self, ctx: &mut Ctx<'_, ConsistentNode>) {
        let (lo, hi) = self.plan.election_us;
        ctx.set_timer(Timer::ElectionTimeout, lo, hi);
    }

    fn step_down(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, term: u64) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
        }
        if self.leading {
            ctx.cancel_timer(Timer::HeartbeatTick);
            self.expiring.clear();
            for d in std::mem::take(&mut self.lease_deadline).into_keys() {
                ctx.cancel_timer(Timer::LeaseCheck(self.names.peer(d)));
            }
        }
        self.leading = false;
        self.votes.clear();
        self.pending.clear();
        self.reset_election(ctx);
    }

    fn become_leader(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        self.leading = true;
        self.leader = Some(self.me);
        ctx.cancel_timer(Timer::ElectionTimeout);
        ctx.note(Note::Leader { term: self.term });
        let next = self.log.len() + 1;
        for &p in &self.peers {
            self.next.insert(p, next);
            self.matched.insert(p, 0);
        }
        self.append(ctx, Cmd::Noop, None);
        // A new leader does not know when members last renewed: it gives each a full
        // lease and margin from now before it may expire anyone.
        for d in self.meta.members.clone() {
            self.arm_lease_check(ctx, d);
        }
        self.heartbeat(ctx);
    }

    fn append(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, cmd: Cmd, reply: Option<Reply>) {
        self.log.push_back(Entry {
            term: self.term,
            cmd,
        });
        let index = self.log.len();
        if let Some(reply) = reply {
            self.pending.insert(index, (self.term, reply));
        }
        if self.plan.replicate_at_once {
            for p in self.peers.clone() {
                self.send_append(ctx, p);
            }
        }
        self.advance_commit(ctx);
    }

    fn send_append(&self, ctx: &mut Ctx<'_, ConsistentNode>, to: NodeId) {
        let next = self.next.get(&to).copied().unwrap_or(1).max(1);
        let prev_index = next - 1;
        let prev_term = prev_index
            .checked_sub(1)
            .and_then(|i| self.log.get(i))
            .map_or(0, |e| e.term);
        let end = self.log.len().min(prev_index + 32);
        let entries: Vec<Entry> = (prev_index..end).map(|i| self.log[i]).collect();
        ctx.send(
            to,
            Msg::Append {
                term: self.term,
                prev_index,
                prev_term,
                entries,
                commit: self.commit,
            },
        );
    }

    fn heartbeat(&self, ctx: &mut Ctx<'_, ConsistentNode>) {
        for &p in &self.peers {
            self.send_append(ctx, p);
        }
        self.fence_store(ctx);
        let beat = self.plan.heartbeat_us;
        ctx.set_timer(Timer::HeartbeatTick, beat, beat);
    }

    fn advance_commit(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        for n in (self.commit + 1..=self.log.len()).rev() {
            if self.log[n - 1].term != self.term {
                break;
            }
            let copies = 1 + self.matched.values().filter(|&&m| m >= n).count();
            if copies >= self.majority() {
                self.commit = n;
                break;
            }
        }
        self.apply(ctx);
    }

    fn apply(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        while self.applied < self.commit {
            self.applied += 1;
            let index = self.applied;
            let entry = self.log[index - 1];
            match self.meta.apply(index, entry.cmd, self.plan.partitions) {
                Applied::Done => ctx.note(Note::Applied {
                    index,
                    term: entry.term,
                    cmd: entry.cmd,
                    what: entry.cmd.describe(|d| self.names.name(d)),
                }),
                Applied::Retry(first) => ctx.note(Note::Skipped { index, first }),
            }
            if !self.leading {
                continue;
            }
            if let Cmd::Register(d) = entry.cmd {
                self.arm_lease_check(ctx, d);
                self.fence_store(ctx);
            }
            if let Cmd::Expire(d) = entry.cmd {
                self.expiring.remove(&d);
                self.fence_store(ctx);
            }
            match self.pending.remove(&index) {
                Some((term, reply)) if term == entry.term => self.answer(ctx, index, entry, reply),
                _ => {}
            }
        }
    }

    /// Acknowledges to `to` the put of `req` at log index `index`.
    fn acknowledge(&self, ctx: &mut Ctx<'_, ConsistentNode>, to: NodeId, req: ReqId, index: usize) {
        let entry = self.log[index - 1];
        if let Cmd::Put { key, value, .. } = entry.cmd {
            ctx.note(Note::Acked {
                index,
                term: entry.term,
                key,
                value,
            });
            ctx.send(to, Msg::PutOk { req });
        }
    }

    fn answer(
        &mut self,
        ctx: &mut Ctx<'_, ConsistentNode>,
        index: usize,
        entry: Entry,
        reply: Reply,
    ) {
        match (reply, entry.cmd) {
            (Reply::Put(to, req), Cmd::Put { .. }) if self.plan.ack_after_majority => {
                // A retry applied earlier is acknowledged as the put it repeats.
                let first = self.meta.requests.applied_at(req).unwrap_or(index);
                self.acknowledge(ctx, to, req, first);
            }
            (Reply::Get(to, req, key), _) => {
                let found = self.meta.kv.get(&key).copied();
                ctx.note(Note::ReadServed {
                    key,
                    from_index: found.map(|(_, i)| i),
                });
                let value = found.map(|(v, _)| v);
                ctx.send(
                    to,
                    Msg::GetOk {
                        req,
                        value,
                        linearizable: true,
                    },
                );
            }
            (Reply::Registered(d), _) => ctx.send(d, Msg::Registered),
            // No lease for a node whose expiry is already decided (in the log).
            (Reply::Lease(d, n), _)
                if self.meta.members.contains(&d) && !self.expiring.contains(&d) =>
            {
                self.grant_lease(ctx, d, n);
            }
            _ => {}
        }
    }

    /// Handles a client's or data node's request (forwarded or not) as the leader.
    fn lead_request(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, origin: NodeId, request: Msg) {
        match request {
            Msg::Put { req, key, value } => {
                if let Some(first) = self.meta.requests.applied_at(req) {
                    // A retry of a put already applied: answered from the request table.
                    self.acknowledge(ctx, origin, req, first);
                    return;
                }
                self.append(
                    ctx,
                    Cmd::Put { key, value, req },
                    Some(Reply::Put(origin, req)),
                );
                if !self.plan.ack_after_majority {
                    self.acknowledge(ctx, origin, req, self.log.len());
                }
            }
            Msg::Get { req, key, .. } => self.append(
                ctx,
                Cmd::Read { key, req },
                Some(Reply::Get(origin, req, key)),
            ),
            Msg::Register => {
                self.append(ctx, Cmd::Register(origin), Some(Reply::Registered(origin)))
            }
            Msg::Renew { n } => {
                self.append(ctx, Cmd::Renew(origin, n), Some(Reply::Lease(origin, n)))
            }
            Msg::WhoOwns { req, partition, .. } => self.answer_owner(ctx, origin, req, partition),
            _ => {}
        }
    }

    /// Tells `to` who owns `partition` as this node knows it, and who leads: the client
    /// can then go to either.
    fn answer_owner(
        &self,
        ctx: &mut Ctx<'_, ConsistentNode>,
        to: NodeId,
        req: ReqId,
        partition: u8,
    ) {
        let owner = self.meta.owner(partition).map(|o| self.names.peer(o));
        let leader = self.live_leader(ctx).map(|l| self.names.peer(l));
        ctx.send(
            to,
            Msg::Owner {
                req,
                partition,
                owner,
                leader,
            },
        );
    }
}
