//! A management node: a member of the small cluster that keeps the metadata in a log
//! replicated to a majority, elects a leader by terms, and keeps data nodes' leases.

use std::collections::{BTreeMap, BTreeSet};

use super::meta::{Cmd, Entry, Meta, ReqId};
use super::msg::{Msg, Note, Timer};
use super::node::{ConsistentNode, Names};
use crate::sim::node::{Ctx, NodeId, NodeView};

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
    log: Vec<Entry>,
    // Volatile.
    leading: bool,
    leader: Option<NodeId>,
    votes: BTreeSet<NodeId>,
    commit: usize,
    applied: usize,
    meta: Meta,
    next: BTreeMap<NodeId, usize>,
    matched: BTreeMap<NodeId, usize>,
    pending: BTreeMap<usize, (u64, Reply)>,
    expiring: BTreeSet<NodeId>,
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
            log: vec![Entry {
                term: 1,
                cmd: Cmd::Noop,
            }],
            leading: leads,
            leader: None,
            votes: BTreeSet::new(),
            commit: 1,
            applied: 1,
            meta: Meta::default(),
            next: BTreeMap::new(),
            matched: BTreeMap::new(),
            pending: BTreeMap::new(),
            expiring: BTreeSet::new(),
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
        id.and_then(|i| self.names.get(i.index()).cloned())
            .unwrap_or_else(|| "unknown".into())
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
            for d in std::mem::take(&mut self.expiring) {
                ctx.cancel_timer(Timer::LeaseCheck(d));
            }
            for d in self.meta.members.clone() {
                ctx.cancel_timer(Timer::LeaseCheck(d));
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
        let wait = self.plan.lease_us + self.plan.lease_margin_us;
        for d in self.meta.members.clone() {
            ctx.set_timer(Timer::LeaseCheck(d), wait, wait);
        }
        self.heartbeat(ctx);
    }

    fn append(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, cmd: Cmd, reply: Option<Reply>) {
        self.log.push(Entry {
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
        let entries: Vec<Entry> = self.log.iter().skip(prev_index).take(32).copied().collect();
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
            self.meta.apply(index, entry.cmd, self.plan.partitions);
            let what = match entry.cmd {
                Cmd::Register(d) => format!("register {}", self.name(Some(d))),
                Cmd::Renew(d, n) => format!("renew {} #{n}", self.name(Some(d))),
                Cmd::Expire(d) => format!("expire {}", self.name(Some(d))),
                other => other.to_string(),
            };
            ctx.note(Note::Applied {
                index,
                term: entry.term,
                what,
            });
            if !self.leading {
                continue;
            }
            if let Cmd::Register(d) = entry.cmd {
                let wait = self.plan.lease_us + self.plan.lease_margin_us;
                ctx.set_timer(Timer::LeaseCheck(d), wait, wait);
            }
            if let Cmd::Expire(d) = entry.cmd {
                self.expiring.remove(&d);
            }
            match self.pending.remove(&index) {
                Some((term, reply)) if term == entry.term => self.answer(ctx, index, entry, reply),
                _ => {}
            }
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
            (Reply::Put(to, req), Cmd::Put { key, value, .. }) if self.plan.ack_after_majority => {
                ctx.note(Note::Acked {
                    index,
                    term: entry.term,
                    key,
                    value,
                });
                ctx.send(to, Msg::PutOk { req });
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
                let wait = self.plan.lease_us + self.plan.lease_margin_us;
                ctx.set_timer(Timer::LeaseCheck(d), wait, wait);
                let partitions = self.meta.owned_by(d);
                ctx.send(d, Msg::Lease { n, partitions });
            }
            _ => {}
        }
    }

    /// Handles a client's or data node's request (forwarded or not) as the leader.
    fn lead_request(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, origin: NodeId, request: Msg) {
        match request {
            Msg::Put { req, key, value } => {
                self.append(
                    ctx,
                    Cmd::Put { key, value, req },
                    Some(Reply::Put(origin, req)),
                );
                if !self.plan.ack_after_majority {
                    let index = self.log.len();
                    let term = self.term;
                    ctx.note(Note::Acked {
                        index,
                        term,
                        key,
                        value,
                    });
                    ctx.send(origin, Msg::PutOk { req });
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
            _ => {}
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::RequestVote {
                term,
                last_index,
                last_term,
            } => {
                if term > self.term {
                    self.step_down(ctx, term);
                }
                let up_to_date = (last_term, last_index) >= {
                    let (i, t) = self.last();
                    (t, i)
                };
                let granted =
                    term == self.term && up_to_date && self.voted_for.is_none_or(|v| v == from);
                if granted {
                    self.voted_for = Some(from);
                    self.reset_election(ctx);
                }
                ctx.send(
                    from,
                    Msg::Vote {
                        term: self.term,
                        granted,
                    },
                );
            }
            Msg::Vote { term, granted } => {
                if term > self.term {
                    self.step_down(ctx, term);
                } else if granted
                    && term == self.term
                    && !self.leading
                    && self.voted_for == Some(self.me)
                {
                    self.votes.insert(from);
                    if self.votes.len() >= self.majority() {
                        self.become_leader(ctx);
                    }
                }
            }
            Msg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => {
                if term < self.term {
                    let reply = Msg::AppendReply {
                        term: self.term,
                        ok: false,
                        matched: 0,
                    };
                    ctx.send(from, reply);
                    return;
                }
                if term > self.term || self.leading {
                    self.step_down(ctx, term);
                }
                self.leader = Some(from);
                self.reset_election(ctx);
                let matches = prev_index == 0
                    || self
                        .log
                        .get(prev_index - 1)
                        .is_some_and(|e| e.term == prev_term);
                if !matches {
                    let hint = prev_index.saturating_sub(1).min(self.log.len());
                    ctx.send(
                        from,
                        Msg::AppendReply {
                            term,
                            ok: false,
                            matched: hint,
                        },
                    );
                    return;
                }
                for (offset, entry) in entries.iter().enumerate() {
                    let index = prev_index + 1 + offset;
                    match self.log.get(index - 1) {
                        Some(existing) if existing.term == entry.term => {}
                        Some(_) => {
                            self.log.truncate(index - 1);
                            self.log.push(*entry);
                        }
                        None => self.log.push(*entry),
                    }
                }
                let matched = prev_index + entries.len();
                if commit > self.commit {
                    self.commit = commit.min(matched);
                    self.apply(ctx);
                }
                ctx.send(
                    from,
                    Msg::AppendReply {
                        term,
                        ok: true,
                        matched,
                    },
                );
            }
            Msg::AppendReply { term, ok, matched } => {
                if term > self.term {
                    self.step_down(ctx, term);
                    return;
                }
                if !self.leading || term != self.term {
                    return;
                }
                if ok {
                    let best = self.matched.entry(from).or_default();
                    *best = (*best).max(matched);
                    let m = *best;
                    self.next.insert(from, m + 1);
                    self.advance_commit(ctx);
                } else {
                    let next = self.next.get(&from).copied().unwrap_or(1);
                    self.next
                        .insert(from, (matched + 1).min(next.saturating_sub(1)).max(1));
                    self.send_append(ctx, from);
                }
            }
            Msg::Forward { origin, request } if self.leading => {
                self.lead_request(ctx, origin, *request);
            }
            Msg::WhoOwns { req, partition } => {
                let owner = self.meta.owners.get(&partition).copied();
                ctx.send(
                    from,
                    Msg::Owner {
                        req,
                        partition,
                        owner,
                    },
                );
            }
            Msg::Get {
                req,
                key,
                via_leader: false,
            } => {
                let value = self.meta.kv.get(&key).map(|(v, _)| *v);
                ctx.send(
                    from,
                    Msg::GetOk {
                        req,
                        value,
                        linearizable: false,
                    },
                );
            }
            request @ (Msg::Put { .. } | Msg::Get { .. } | Msg::Register | Msg::Renew { .. }) => {
                if self.leading {
                    self.lead_request(ctx, from, request);
                } else if let Some(leader) = self.leader {
                    ctx.send(
                        leader,
                        Msg::Forward {
                            origin: from,
                            request: Box::new(request),
                        },
                    );
                } else {
                    ctx.send(from, Msg::NotLeader { hint: None });
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
        match timer {
            Timer::ElectionTimeout if !self.leading => {
                self.term += 1;
                self.voted_for = Some(self.me);
                self.votes = BTreeSet::from([self.me]);
                self.leader = None;
                let (last_index, last_term) = self.last();
                let term = self.term;
                ctx.broadcast(
                    self.peers.clone(),
                    Msg::RequestVote {
                        term,
                        last_index,
                        last_term,
                    },
                );
                self.reset_election(ctx);
            }
            Timer::HeartbeatTick if self.leading => self.heartbeat(ctx),
            Timer::LeaseCheck(d)
                if self.leading && self.meta.members.contains(&d) && self.expiring.insert(d) =>
            {
                self.append(ctx, Cmd::Expire(d), None);
            }
            _ => {}
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        if self.leading {
            self.leading = false;
            self.become_leader(ctx);
        } else {
            self.reset_election(ctx);
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.leading = false;
        self.leader = None;
        self.votes.clear();
        self.commit = 1;
        self.applied = 1;
        self.meta = Meta::default();
        self.next.clear();
        self.matched.clear();
        self.pending.clear();
        self.expiring.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        let role = if self.leading { "LEADER" } else { "follower" };
        let owners: Vec<String> = self
            .meta
            .owners
            .iter()
            .map(|(p, o)| format!("p{p}→{}", self.name(Some(*o))))
            .collect();
        let kv: Vec<String> = self
            .meta
            .kv
            .iter()
            .map(|(k, (v, _))| format!("{k}={v}"))
            .collect();
        NodeView {
            role: "management",
            headline: format!("{role} · t{} · #{}", self.term, self.commit),
            fields: vec![
                ("role", role.to_lowercase()),
                ("term (durable)", self.term.to_string()),
                (
                    "log (durable)",
                    format!(
                        "{} entries, committed up to #{}",
                        self.log.len(),
                        self.commit
                    ),
                ),
                ("believed leader", self.name(self.leader)),
                (
                    "owners",
                    if owners.is_empty() {
                        "none".into()
                    } else {
                        owners.join(" ")
                    },
                ),
                (
                    "metadata",
                    if kv.is_empty() {
                        "empty".into()
                    } else {
                        kv.join(" ")
                    },
                ),
            ],
        }
    }
}
