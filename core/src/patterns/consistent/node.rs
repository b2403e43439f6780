//! The management cluster (a small replicated log), the data nodes and the client.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use super::meta::{Cmd, Entry, Meta, ReqId};
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// Node names, shared by every node of a run, for the inspector.
pub type Names = Arc<Vec<String>>;

/// Messages of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A candidate asks for a vote.
    RequestVote {
        /// Its term.
        term: u64,
        /// Its last log index.
        last_index: usize,
        /// The term of its last entry.
        last_term: u64,
    },
    /// A vote.
    Vote {
        /// The voter's term.
        term: u64,
        /// Whether granted.
        granted: bool,
    },
    /// The leader replicates entries (none: a heartbeat).
    Append {
        /// Its term.
        term: u64,
        /// The index before the entries.
        prev_index: usize,
        /// The term of that entry.
        prev_term: u64,
        /// The entries.
        entries: Vec<Entry>,
        /// The leader's commit index.
        commit: usize,
    },
    /// A follower's answer.
    AppendReply {
        /// The follower's term.
        term: u64,
        /// Whether the entries matched and were stored.
        ok: bool,
        /// How far the follower's log now matches (or a hint where to retry).
        matched: usize,
    },
    /// A follower passes a request on to the leader.
    Forward {
        /// Who asked.
        origin: NodeId,
        /// The request.
        request: Box<Msg>,
    },
    /// Set a metadata key.
    Put {
        /// The request.
        req: ReqId,
        /// The key.
        key: char,
        /// The value.
        value: u32,
    },
    /// Read a metadata key: through the leader (linearizable) or locally (maybe stale).
    Get {
        /// The request.
        req: ReqId,
        /// The key.
        key: char,
        /// Whether it must go through the leader.
        via_leader: bool,
    },
    /// Who owns a partition of the data cluster?
    WhoOwns {
        /// The request.
        req: ReqId,
        /// The partition.
        partition: u8,
    },
    /// A data node joins.
    Register,
    /// A data node renews its lease.
    Renew {
        /// Its renewal number.
        n: u32,
    },
    /// The put is acknowledged.
    PutOk {
        /// The request.
        req: ReqId,
    },
    /// A read's answer.
    GetOk {
        /// The request.
        req: ReqId,
        /// The value, if set.
        value: Option<u32>,
        /// Whether the leader answered through the log (else it may be stale).
        linearizable: bool,
    },
    /// The owner of a partition, as this management node knows it.
    Owner {
        /// The request.
        req: ReqId,
        /// The partition.
        partition: u8,
        /// Its owner, if any.
        owner: Option<NodeId>,
    },
    /// This node knows no leader to forward to; try another.
    NotLeader {
        /// A hint.
        hint: Option<NodeId>,
    },
    /// The data node is registered.
    Registered,
    /// The data node's lease is renewed: it owns these partitions.
    Lease {
        /// The renewal it answers.
        n: u32,
        /// The partitions it owns.
        partitions: Vec<u8>,
    },
    /// The client writes to a partition's owner.
    DataWrite {
        /// The request.
        req: ReqId,
        /// The partition.
        partition: u8,
        /// The value.
        value: u32,
    },
    /// The owner took the write.
    DataOk {
        /// The request.
        req: ReqId,
    },
    /// This data node does not own the partition (now).
    NotOwner {
        /// The request.
        req: ReqId,
    },
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::RequestVote { term, .. } => write!(f, "vote for me? term={term}"),
            Msg::Vote { term, granted } => {
                write!(
                    f,
                    "vote term={term} {}",
                    if *granted { "yes" } else { "no" }
                )
            }
            Msg::Append {
                term,
                prev_index,
                entries,
                commit,
                ..
            } => write!(
                f,
                "append term={term} after #{prev_index}: {} entries, commit #{commit}",
                entries.len()
            ),
            Msg::AppendReply { ok, matched, .. } => {
                write!(
                    f,
                    "append {} (matched #{matched})",
                    if *ok { "ok" } else { "refused" }
                )
            }
            Msg::Forward { request, .. } => write!(f, "forwarded: {request}"),
            Msg::Put { key, value, .. } => write!(f, "put {key}={value}"),
            Msg::Get {
                key, via_leader, ..
            } => {
                write!(
                    f,
                    "get {key}{}",
                    if *via_leader {
                        " through the leader"
                    } else {
                        ""
                    }
                )
            }
            Msg::WhoOwns { partition, .. } => write!(f, "who owns p{partition}?"),
            Msg::Register => f.write_str("register"),
            Msg::Renew { n } => write!(f, "renew lease #{n}"),
            Msg::PutOk { .. } => f.write_str("put ok"),
            Msg::GetOk {
                value,
                linearizable,
                ..
            } => write!(
                f,
                "value {} ({})",
                value.map_or("none".to_string(), |v| v.to_string()),
                if *linearizable {
                    "latest"
                } else {
                    "may be stale"
                }
            ),
            Msg::Owner {
                partition, owner, ..
            } => write!(
                f,
                "p{partition} is owned by {}",
                owner.map_or("nobody".to_string(), |o| format!("node {}", o.0))
            ),
            Msg::NotLeader { .. } => f.write_str("no leader known"),
            Msg::Registered => f.write_str("registered"),
            Msg::Lease { n, partitions } => write!(f, "lease #{n}: owns {partitions:?}"),
            Msg::DataWrite {
                partition, value, ..
            } => write!(f, "write p{partition}={value}"),
            Msg::DataOk { .. } => f.write_str("write ok"),
            Msg::NotOwner { .. } => f.write_str("not the owner"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// No heartbeat: stand for election.
    ElectionTimeout,
    /// The leader's next heartbeat.
    HeartbeatTick,
    /// The leader has heard no renewal from this data node for a lease and a margin.
    LeaseCheck(NodeId),
    /// A data node's next renewal.
    RenewTick,
    /// A data node's lease from renewal number `n` ends.
    LeaseEnd(u32),
    /// A data node's registration got no answer.
    RegisterRetry,
    /// The client's next operation.
    NextOp,
    /// The client's request got no answer.
    RequestTimeout,
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::ElectionTimeout => f.write_str("election-timeout"),
            Timer::HeartbeatTick => f.write_str("heartbeat-tick"),
            Timer::LeaseCheck(d) => write!(f, "lease-check node {}", d.0),
            Timer::RenewTick => f.write_str("renew-tick"),
            Timer::LeaseEnd(n) => write!(f, "lease #{n} ends"),
            Timer::RegisterRetry => f.write_str("register-retry"),
            Timer::NextOp => f.write_str("next-op"),
            Timer::RequestTimeout => f.write_str("request-timeout"),
        }
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A management node became leader.
    Leader {
        /// Its term.
        term: u64,
    },
    /// A management node applied a committed entry.
    Applied {
        /// The log index.
        index: usize,
        /// The entry's term.
        term: u64,
        /// The command, in words (with node names).
        what: String,
    },
    /// The leader acknowledged a put to the client.
    Acked {
        /// The put's log index.
        index: usize,
        /// The put's term.
        term: u64,
        /// The key.
        key: char,
        /// The value.
        value: u32,
    },
    /// The leader answered a read through the log.
    ReadServed {
        /// The key.
        key: char,
        /// The log index of the put whose value it returned.
        from_index: Option<usize>,
    },
    /// A data node holds a lease on these partitions.
    Holds {
        /// The renewal.
        n: u32,
        /// The partitions.
        partitions: Vec<u8>,
    },
    /// A data node's lease ran out.
    Lapsed,
    /// A data node took a write.
    Stored {
        /// The partition.
        partition: u8,
        /// The value.
        value: u32,
    },
    /// The client finished an operation.
    Done {
        /// What it learned.
        what: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Leader { term } => write!(f, "LEADER of term {term}"),
            Note::Applied { index, what, .. } => write!(f, "applied #{index}: {what}"),
            Note::Acked {
                index, key, value, ..
            } => write!(f, "acknowledged put {key}={value} (#{index})"),
            Note::ReadServed { key, .. } => write!(f, "read {key} through the log"),
            Note::Holds { n, partitions } => write!(f, "holds lease #{n} on {partitions:?}"),
            Note::Lapsed => f.write_str("lease lapsed: owns nothing"),
            Note::Stored { partition, value } => write!(f, "stored p{partition}={value}"),
            Note::Done { what } => f.write_str(what),
        }
    }
}

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

    fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
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

    fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
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

    fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        if self.leading {
            self.leading = false;
            self.become_leader(ctx);
        } else {
            self.reset_election(ctx);
        }
    }

    fn on_crash(&mut self) {
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

    fn view(&self) -> NodeView {
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

    fn ask(&self) -> NodeId {
        self.management[self.target % self.management.len()]
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
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

    fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
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

    fn view(&self) -> NodeView {
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

/// One thing the client does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// Ask a management node who owns a partition.
    AskOwner {
        /// The partition.
        partition: u8,
        /// The management node asked first.
        via: NodeId,
    },
    /// Write to the partition's owner (asking first when unknown or refused).
    Write {
        /// The partition.
        partition: u8,
        /// The value.
        value: u32,
    },
    /// Put metadata through a management node.
    Put {
        /// The key.
        key: char,
        /// The value.
        value: u32,
        /// The management node asked first.
        via: NodeId,
    },
    /// Read metadata from a management node, locally or through the leader.
    Get {
        /// The key.
        key: char,
        /// The management node asked first.
        via: NodeId,
        /// Through the leader (linearizable) or locally (maybe stale).
        via_leader: bool,
    },
}

/// The client: runs its operations in order, each after a pause.
#[derive(Clone, Debug)]
pub struct Client {
    me: NodeId,
    ops: Vec<(u64, Op)>,
    management: Vec<NodeId>,
    names: Names,
    next_op: usize,
    req: u32,
    current: Option<Op>,
    owners: BTreeMap<u8, NodeId>,
}

impl Client {
    /// A client with `ops` (each with the pause before it, in microseconds).
    pub fn new(me: NodeId, ops: Vec<(u64, Op)>, management: Vec<NodeId>, names: Names) -> Client {
        Client {
            me,
            ops,
            management,
            names,
            next_op: 0,
            req: 0,
            current: None,
            owners: BTreeMap::new(),
        }
    }

    fn name(&self, id: NodeId) -> String {
        self.names.get(id.index()).cloned().unwrap_or_default()
    }

    fn send(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, op: Op) {
        self.req += 1;
        let req = ReqId {
            client: self.me,
            n: self.req,
        };
        let (to, msg) = match op.clone() {
            Op::AskOwner { partition, via } => (via, Msg::WhoOwns { req, partition }),
            Op::Put { key, value, via } => (via, Msg::Put { req, key, value }),
            Op::Get {
                key,
                via,
                via_leader,
            } => (
                via,
                Msg::Get {
                    req,
                    key,
                    via_leader,
                },
            ),
            Op::Write { partition, value } => match self.owners.get(&partition) {
                Some(&owner) => (
                    owner,
                    Msg::DataWrite {
                        req,
                        partition,
                        value,
                    },
                ),
                None => {
                    // Not known yet: ask the management cluster first, then write.
                    let via = self.management[0];
                    self.current = Some(op);
                    ctx.send(via, Msg::WhoOwns { req, partition });
                    ctx.set_timer(Timer::RequestTimeout, 200_000, 200_000);
                    return;
                }
            },
        };
        self.current = Some(op);
        ctx.send(to, msg);
        ctx.set_timer(Timer::RequestTimeout, 200_000, 200_000);
    }

    fn finish(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, what: String) {
        ctx.note(Note::Done { what });
        ctx.cancel_timer(Timer::RequestTimeout);
        self.current = None;
        self.next_op += 1;
        if let Some((pause, _)) = self.ops.get(self.next_op) {
            ctx.set_timer(Timer::NextOp, *pause, *pause);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
        if self.current.is_none() || msg_req(&msg).is_some_and(|r| r.n != self.req) {
            return;
        }
        match msg {
            Msg::Owner {
                partition, owner, ..
            } => {
                if let Some(owner) = owner {
                    self.owners.insert(partition, owner);
                }
                let what = format!(
                    "{} says p{partition} is owned by {}",
                    self.name(from),
                    owner.map_or("nobody".into(), |o| self.name(o))
                );
                match self.current.clone() {
                    Some(op @ Op::Write { .. }) if owner.is_some() => {
                        ctx.note(Note::Done { what });
                        self.send(ctx, op);
                    }
                    _ => self.finish(ctx, what),
                }
            }
            Msg::DataOk { .. } => {
                if let Some(Op::Write { partition, value }) = self.current {
                    let what = format!("wrote p{partition}={value} on {}", self.name(from));
                    self.finish(ctx, what);
                }
            }
            Msg::NotOwner { .. } => {
                if let Some(op @ Op::Write { partition, .. }) = self.current.clone() {
                    self.owners.remove(&partition);
                    ctx.note(Note::Done {
                        what: format!(
                            "{} does not own p{partition} (yet): ask again",
                            self.name(from)
                        ),
                    });
                    // Give the new owner a moment to receive its lease, then ask again.
                    let _ = op;
                    ctx.set_timer(Timer::RequestTimeout, 30_000, 30_000);
                }
            }
            Msg::PutOk { .. } => {
                if let Some(Op::Put { key, value, .. }) = self.current {
                    self.finish(ctx, format!("put {key}={value} acknowledged"));
                }
            }
            Msg::GetOk {
                value,
                linearizable,
                ..
            } => {
                if let Some(Op::Get { key, .. }) = self.current {
                    let shown = value.map_or("none".to_string(), |v| v.to_string());
                    let how = if linearizable {
                        "the latest"
                    } else {
                        "may be stale"
                    };
                    self.finish(
                        ctx,
                        format!("{key}={shown} from {} ({how})", self.name(from)),
                    );
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
        match timer {
            Timer::NextOp if self.current.is_none() => {
                if let Some((_, op)) = self.ops.get(self.next_op).cloned() {
                    self.send(ctx, op);
                }
            }
            Timer::RequestTimeout => {
                if let Some(op) = self.current.clone() {
                    // No answer: try the next management node, or ask who owns the partition.
                    let next_via = |via: NodeId, mgmt: &[NodeId]| {
                        let i = mgmt.iter().position(|m| *m == via).map_or(0, |i| i + 1);
                        mgmt[i % mgmt.len()]
                    };
                    let retry = match op {
                        Op::AskOwner { partition, via } => Op::AskOwner {
                            partition,
                            via: next_via(via, &self.management),
                        },
                        Op::Put { key, value, via } => Op::Put {
                            key,
                            value,
                            via: next_via(via, &self.management),
                        },
                        Op::Get {
                            key,
                            via,
                            via_leader,
                        } => Op::Get {
                            key,
                            via: next_via(via, &self.management),
                            via_leader,
                        },
                        Op::Write { partition, value } => {
                            self.owners.remove(&partition);
                            Op::Write { partition, value }
                        }
                    };
                    self.send(ctx, retry);
                }
            }
            _ => {}
        }
    }
}

fn msg_req(msg: &Msg) -> Option<ReqId> {
    match msg {
        Msg::PutOk { req }
        | Msg::GetOk { req, .. }
        | Msg::Owner { req, .. }
        | Msg::DataOk { req }
        | Msg::NotOwner { req } => Some(*req),
        _ => None,
    }
}

/// A node of the consistent core pattern.
#[derive(Clone, Debug)]
pub enum ConsistentNode {
    /// Runs operations.
    Client(Client),
    /// A member of the management cluster (boxed: it is much larger than the others).
    Management(Box<Management>),
    /// A member of the data cluster.
    Data(DataNode),
}

impl ConsistentNode {
    /// The management node, for management nodes.
    pub fn management(&self) -> Option<&Management> {
        match self {
            ConsistentNode::Management(m) => Some(m),
            _ => None,
        }
    }
}

impl Node for ConsistentNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            ConsistentNode::Management(m) => m.on_start(ctx),
            ConsistentNode::Data(d) => {
                d.registered = false;
                ctx.send(d.ask(), Msg::Register);
                ctx.set_timer(Timer::RegisterRetry, 150_000, 150_000);
            }
            ConsistentNode::Client(c) => {
                if let Some((pause, _)) = c.ops.get(c.next_op) {
                    ctx.set_timer(Timer::NextOp, *pause, *pause);
                }
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            ConsistentNode::Management(m) => m.on_message(ctx, from, msg),
            ConsistentNode::Data(d) => d.on_message(ctx, from, msg),
            ConsistentNode::Client(c) => c.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            ConsistentNode::Management(m) => m.on_timer(ctx, timer),
            ConsistentNode::Data(d) => d.on_timer(ctx, timer),
            ConsistentNode::Client(c) => c.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            ConsistentNode::Management(m) => m.on_crash(),
            ConsistentNode::Data(d) => {
                d.registered = false;
                d.live.clear();
                d.owned.clear();
                d.holding = 0;
            }
            ConsistentNode::Client(c) => c.current = None,
        }
    }

    fn view(&self) -> NodeView {
        match self {
            ConsistentNode::Management(m) => m.view(),
            ConsistentNode::Data(d) => d.view(),
            ConsistentNode::Client(c) => NodeView {
                role: "client",
                headline: format!("op {} of {}", c.next_op.min(c.ops.len()), c.ops.len()),
                fields: vec![
                    (
                        "operations done",
                        format!("{} of {}", c.next_op.min(c.ops.len()), c.ops.len()),
                    ),
                    (
                        "known owners",
                        c.owners
                            .iter()
                            .map(|(p, o)| format!("p{p}→{}", c.name(*o)))
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                ],
            },
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::RequestVote { term, .. } => format!("vote? t{term}"),
            Msg::Vote { term, granted } => {
                format!("{} t{term}", if *granted { "yes" } else { "no" })
            }
            Msg::Append { entries, .. } if entries.is_empty() => "hb".into(),
            Msg::Append { entries, .. } => format!("+{}", entries.len()),
            Msg::AppendReply { ok, .. } => (if *ok { "ok" } else { "no" }).into(),
            Msg::Forward { .. } => "fwd".into(),
            Msg::Renew { n } => format!("renew #{n}"),
            Msg::Lease { partitions, .. } => format!("lease {partitions:?}"),
            other => other.to_string(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Applied { .. } | Note::Holds { .. })
    }
}
