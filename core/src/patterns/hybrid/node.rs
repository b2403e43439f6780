//! The coordinator and the versioned key-value servers of the hybrid clock pattern.

use std::collections::BTreeSet;
use std::fmt;

use super::hlc::{Hlc, HybridClock};
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A transaction's number: `T1`, `T2` … in the order the coordinator runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxId(pub u32);

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}

/// One stored version of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// The transaction that wrote it.
    pub tx: TxId,
    /// The key.
    pub key: char,
    /// The value.
    pub value: u32,
    /// Its timestamp: provisional until committed, then the commit timestamp.
    pub ts: Hlc,
    /// Whether it is committed (a pending version is never visible to reads).
    pub committed: bool,
}

/// Messages of the pattern. Every message carries its sender's clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// The coordinator writes a value provisionally.
    Write {
        /// The transaction.
        tx: TxId,
        /// The key.
        key: char,
        /// The value.
        value: u32,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// The server wrote it provisionally; its clock.
    Written {
        /// The transaction.
        tx: TxId,
        /// The key written.
        key: char,
        /// The server's clock.
        hlc: Hlc,
    },
    /// Commit the transaction's writes at `ts` (or, switched off, at the server's own clock).
    Commit {
        /// The transaction.
        tx: TxId,
        /// The commit timestamp, when the coordinator sends its final clock.
        ts: Option<Hlc>,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// The server committed.
    Committed {
        /// The transaction.
        tx: TxId,
        /// The server's clock.
        hlc: Hlc,
    },
    /// Forget the transaction's provisional writes.
    Abort {
        /// The transaction.
        tx: TxId,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// A server asks the coordinator what became of a transaction it holds pending.
    Status {
        /// The transaction.
        tx: TxId,
        /// The server's clock.
        hlc: Hlc,
    },
    /// The coordinator's durable decision about a transaction.
    Decision {
        /// The transaction.
        tx: TxId,
        /// What was decided, if anything yet.
        outcome: TxOutcome,
        /// The coordinator's clock.
        hlc: Hlc,
    },
    /// A server copies a committed version to a peer (last writer wins by timestamp).
    Replicate {
        /// The version.
        version: Version,
        /// The sender's clock.
        hlc: Hlc,
    },
}

impl Msg {
    /// The sender's clock on the message.
    pub fn hlc(&self) -> Hlc {
        match self {
            Msg::Write { hlc, .. }
            | Msg::Written { hlc, .. }
            | Msg::Commit { hlc, .. }
            | Msg::Committed { hlc, .. }
            | Msg::Abort { hlc, .. }
            | Msg::Status { hlc, .. }
            | Msg::Decision { hlc, .. }
            | Msg::Replicate { hlc, .. } => *hlc,
        }
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Write {
                tx,
                key,
                value,
                hlc,
            } => write!(f, "{tx} write {key}={value} clock={hlc}"),
            Msg::Written { tx, key, hlc } => write!(f, "{tx} wrote {key} clock={hlc}"),
            Msg::Commit {
                tx, ts: Some(ts), ..
            } => write!(f, "{tx} commit at {ts}"),
            Msg::Commit { tx, ts: None, hlc } => write!(f, "{tx} commit (own clocks) clock={hlc}"),
            Msg::Committed { tx, hlc } => write!(f, "{tx} committed clock={hlc}"),
            Msg::Abort { tx, .. } => write!(f, "{tx} abort"),
            Msg::Status { tx, .. } => write!(f, "{tx} status?"),
            Msg::Decision { tx, outcome, .. } => write!(f, "{tx} is {outcome}"),
            Msg::Replicate { version: v, .. } => {
                write!(f, "replicate {}={} of {} at {}", v.key, v.value, v.tx, v.ts)
            }
        }
    }
}

/// What the coordinator decided about a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxOutcome {
    /// Not decided yet (its writes are still going out).
    Undecided,
    /// Committed, at this timestamp (or, with the switch off, at each server's clock).
    Committed(Option<Hlc>),
    /// Aborted.
    Aborted,
}

impl fmt::Display for TxOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxOutcome::Undecided => f.write_str("undecided"),
            TxOutcome::Committed(Some(ts)) => write!(f, "committed at {ts}"),
            TxOutcome::Committed(None) => f.write_str("committed"),
            TxOutcome::Aborted => f.write_str("aborted"),
        }
    }
}

/// Timers of the pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Start transaction number `n` (0-based) of the plan.
    Start(usize),
    /// Commit the transaction whose writes are all done.
    CommitNow,
    /// The transaction took too long: abort it (or resend its commit).
    TxTimeout,
    /// A server still holds this transaction pending: ask the coordinator.
    Resolve(TxId),
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timer::Start(n) => write!(f, "start T{}", n + 1),
            Timer::CommitNow => f.write_str("commit-now"),
            Timer::TxTimeout => f.write_str("tx-timeout"),
            Timer::Resolve(tx) => write!(f, "resolve {tx}"),
        }
    }
}

/// Pattern-level events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The node's clock moved on a receive (routine; the checker reads it).
    Clock {
        /// The clock after the receive.
        hlc: Hlc,
    },
    /// A server wrote a value provisionally.
    Provisional {
        /// The transaction.
        tx: TxId,
        /// The key.
        key: char,
        /// The value.
        value: u32,
        /// Its provisional timestamp.
        ts: Hlc,
    },
    /// A server committed a transaction's write at `ts`.
    Committed {
        /// The transaction.
        tx: TxId,
        /// The key.
        key: char,
        /// The version's timestamp.
        ts: Hlc,
    },
    /// A server took a replicated version.
    Replicated {
        /// The version.
        version: Version,
    },
    /// The coordinator heard every commit: the transaction is acknowledged.
    TxDone {
        /// The transaction.
        tx: TxId,
        /// Its commit timestamp as the coordinator sent it (or its clock then).
        ts: Hlc,
    },
    /// The coordinator gave up on a transaction.
    TxAborted {
        /// The transaction.
        tx: TxId,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Clock { hlc } => write!(f, "clock -> {hlc}"),
            Note::Provisional { tx, key, value, ts } => {
                write!(f, "{key}={value} pending ({tx}) at {ts}")
            }
            Note::Committed { tx, key, ts } => write!(f, "{key} committed ({tx}) at {ts}"),
            Note::Replicated { version: v } => {
                write!(f, "copy of {}={} ({}) at {}", v.key, v.value, v.tx, v.ts)
            }
            Note::TxDone { tx, ts } => write!(f, "{tx} acknowledged at {ts}"),
            Note::TxAborted { tx } => write!(f, "{tx} aborted"),
        }
    }
}

/// One transaction the coordinator runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxPlan {
    /// When to start it, in microseconds from the start (later if the previous one runs).
    pub start_us: u64,
    /// Its writes, in order: server, key, value.
    pub writes: Vec<(NodeId, char, u32)>,
}

/// How the coordinator behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoordinatorPlan {
    /// The transactions, in order.
    pub txs: Vec<TxPlan>,
    /// Pause between the last write and the commit, in microseconds.
    pub commit_delay_us: u64,
    /// Give up on a transaction after this long.
    pub timeout_us: u64,
    /// Commit with the coordinator's final clock (the mechanism) or let servers use theirs.
    pub commit_with_final_clock: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Writing {
        write: usize,
    },
    /// Every write is done; the commit goes out after a short pause.
    Deciding,
    Committing {
        ts: Hlc,
        waiting: BTreeSet<NodeId>,
    },
}

/// The coordinator: runs transactions one at a time.
#[derive(Clone, Debug)]
pub struct Coordinator {
    plan: CoordinatorPlan,
    // Durable: the clock, how far through the plan it is, and every decision it made.
    clock: HybridClock,
    next_tx: usize,
    decisions: std::collections::BTreeMap<TxId, TxOutcome>,
    // Volatile.
    current: Option<usize>,
    phase: Phase,
    due: BTreeSet<usize>,
    done: Vec<TxId>,
}

impl Coordinator {
    /// A coordinator with a hybrid (or, switched off, plain) clock.
    pub fn new(plan: CoordinatorPlan, clock: HybridClock) -> Coordinator {
        Coordinator {
            plan,
            clock,
            next_tx: 0,
            decisions: std::collections::BTreeMap::new(),
            current: None,
            phase: Phase::Idle,
            due: BTreeSet::new(),
            done: Vec::new(),
        }
    }

    fn tx(&self) -> TxId {
        TxId(self.current.map_or(0, |i| i as u32 + 1))
    }

    fn begin(&mut self, ctx: &mut Ctx<'_, HybridNode>) {
        if self.current.is_some() || !self.due.contains(&self.next_tx) {
            return;
        }
        self.due.remove(&self.next_tx);
        self.current = Some(self.next_tx);
        self.next_tx += 1;
        ctx.set_timer(Timer::TxTimeout, self.plan.timeout_us, self.plan.timeout_us);
        self.send_write(ctx, 0);
    }

    fn send_write(&mut self, ctx: &mut Ctx<'_, HybridNode>, write: usize) {
        let Some(i) = self.current else { return };
        let (server, key, value) = self.plan.txs[i].writes[write];
        let hlc = self.clock.tick(ctx.wall_clock());
        self.phase = Phase::Writing { write };
        let tx = self.tx();
        ctx.send(
            server,
            Msg::Write {
                tx,
                key,
                value,
                hlc,
            },
        );
    }

    /// Whether `from` writing `key` answers write number `write` of the current
    /// transaction (a duplicate or late answer to an earlier write does not).
    fn expects(&self, write: usize, from: NodeId, key: char) -> bool {
        self.current
            .and_then(|i| self.plan.txs[i].writes.get(write))
            .is_some_and(|&(server, k, _)| server == from && k == key)
    }

    fn servers(&self) -> BTreeSet<NodeId> {
        self.current
            .map(|i| self.plan.txs[i].writes.iter().map(|w| w.0).collect())
            .unwrap_or_default()
    }

    fn finish(&mut self, ctx: &mut Ctx<'_, HybridNode>) {
        self.current = None;
        self.phase = Phase::Idle;
        ctx.cancel_timer(Timer::TxTimeout);
        ctx.cancel_timer(Timer::CommitNow);
        self.begin(ctx);
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, HybridNode>, from: NodeId, msg: Msg) {
        let hlc = self.clock.receive(ctx.wall_clock(), msg.hlc());
        ctx.note(Note::Clock { hlc });
        match (msg, self.phase.clone()) {
            (Msg::Written { tx, key, .. }, Phase::Writing { write })
                if tx == self.tx() && self.expects(write, from, key) =>
            {
                let writes = self.current.map_or(0, |i| self.plan.txs[i].writes.len());
                if write + 1 < writes {
                    self.send_write(ctx, write + 1);
                } else {
                    self.phase = Phase::Deciding;
                    let delay = self.plan.commit_delay_us;
                    ctx.set_timer(Timer::CommitNow, delay, delay);
                }
            }
            (Msg::Committed { tx, .. }, Phase::Committing { ts, mut waiting })
                if tx == self.tx() =>
            {
                waiting.remove(&from);
                if waiting.is_empty() {
                    ctx.note(Note::TxDone { tx, ts });
                    self.done.push(tx);
                    self.finish(ctx);
                } else {
                    self.phase = Phase::Committing { ts, waiting };
                }
            }
            (Msg::Status { tx, .. }, _) => {
                let outcome = self
                    .decisions
                    .get(&tx)
                    .copied()
                    .unwrap_or(TxOutcome::Undecided);
                let hlc = self.clock.tick(ctx.wall_clock());
                ctx.send(from, Msg::Decision { tx, outcome, hlc });
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, HybridNode>, timer: Timer) {
        match timer {
            Timer::Start(n) => {
                self.due.insert(n);
                self.begin(ctx);
            }
            Timer::CommitNow if self.phase == Phase::Deciding => {
                // The final clock: it has seen every server's answer.
                let ts = self.clock.tick(ctx.wall_clock());
                let commit_ts = self.plan.commit_with_final_clock.then_some(ts);
                // The decision is written durably before any commit goes out.
                self.decisions
                    .insert(self.tx(), TxOutcome::Committed(commit_ts));
                let waiting = self.servers();
                let tx = self.tx();
                for &server in &waiting {
                    let hlc = self.clock.tick(ctx.wall_clock());
                    ctx.send(
                        server,
                        Msg::Commit {
                            tx,
                            ts: commit_ts,
                            hlc,
                        },
                    );
                }
                self.phase = Phase::Committing { ts, waiting };
            }
            Timer::TxTimeout => self.timed_out(ctx),
            _ => {}
        }
    }

    /// Before the commit decision a slow transaction is aborted; after it, the decision
    /// stands and the commit is sent again to the servers that have not answered.
    fn timed_out(&mut self, ctx: &mut Ctx<'_, HybridNode>) {
        let tx = self.tx();
        match self.phase.clone() {
            Phase::Committing { ts, waiting } => {
                let commit_ts = self.plan.commit_with_final_clock.then_some(ts);
                for server in waiting {
                    let hlc = self.clock.tick(ctx.wall_clock());
                    ctx.send(
                        server,
                        Msg::Commit {
                            tx,
                            ts: commit_ts,
                            hlc,
                        },
                    );
                }
                ctx.set_timer(Timer::TxTimeout, self.plan.timeout_us, self.plan.timeout_us);
            }
            Phase::Writing { .. } | Phase::Deciding => {
                self.decisions.insert(tx, TxOutcome::Aborted);
                for server in self.servers() {
                    let hlc = self.clock.tick(ctx.wall_clock());
                    ctx.send(server, Msg::Abort { tx, hlc });
                }
                ctx.note(Note::TxAborted { tx });
                self.finish(ctx);
            }
            Phase::Idle => {}
        }
    }
}

/// How a server behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerPlan {
    /// Peers it copies committed versions to (last writer wins); empty for none.
    pub replicate_to: Vec<NodeId>,
}

/// A server: a versioned key-value store.
#[derive(Clone, Debug)]
pub struct Server {
    plan: ServerPlan,
    // Durable: the clock, every version (pending or committed), and what it knows of
    // transactions: who coordinates the pending ones, which were aborted.
    clock: HybridClock,
    versions: Vec<Version>,
    coordinators: std::collections::BTreeMap<TxId, NodeId>,
    aborted: BTreeSet<TxId>,
}

impl Server {
    /// A server with a hybrid (or, switched off, plain) clock.
    pub fn new(plan: ServerPlan, clock: HybridClock) -> Server {
        Server {
            plan,
            clock,
            versions: Vec::new(),
            coordinators: std::collections::BTreeMap::new(),
            aborted: BTreeSet::new(),
        }
    }

    /// Commits `tx`'s pending versions at `ts` (or, with none, at its own clock).
    fn commit(&mut self, ctx: &mut Ctx<'_, HybridNode>, tx: TxId, ts: Option<Hlc>) -> Vec<Version> {
        let ts = ts.unwrap_or_else(|| self.clock.tick(ctx.wall_clock()));
        let mut committed = Vec::new();
        for v in self
            .versions
            .iter_mut()
            .filter(|v| v.tx == tx && !v.committed)
        {
            v.ts = ts;
            v.committed = true;
            committed.push(*v);
        }
        for v in &committed {
            ctx.note(Note::Committed { tx, key: v.key, ts });
        }
        self.coordinators.remove(&tx);
        ctx.cancel_timer(Timer::Resolve(tx));
        committed
    }

    /// Copies committed versions to the peers (last writer wins).
    fn replicate(&mut self, ctx: &mut Ctx<'_, HybridNode>, committed: Vec<Version>) {
        for version in committed {
            for &peer in &self.plan.replicate_to {
                let hlc = self.clock.tick(ctx.wall_clock());
                ctx.send(peer, Msg::Replicate { version, hlc });
            }
        }
    }

    /// Asks the coordinator about a transaction still pending here.
    fn on_timer(&mut self, ctx: &mut Ctx<'_, HybridNode>, timer: Timer) {
        if let Timer::Resolve(tx) = timer {
            let pending = self.versions.iter().any(|v| v.tx == tx && !v.committed);
            if let (true, Some(&coordinator)) = (pending, self.coordinators.get(&tx)) {
                let hlc = self.clock.tick(ctx.wall_clock());
                ctx.send(coordinator, Msg::Status { tx, hlc });
                let after = Self::RESOLVE_AFTER_US;
                ctx.set_timer(Timer::Resolve(tx), after, after);
            }
        }
    }

    /// Forgets `tx`'s pending versions for good.
    fn abort(&mut self, ctx: &mut Ctx<'_, HybridNode>, tx: TxId) {
        ctx.cancel_timer(Timer::Resolve(tx));
        self.versions.retain(|v| v.tx != tx || v.committed);
        self.coordinators.remove(&tx);
        self.aborted.insert(tx);
    }

    /// How long a transaction may stay pending before the server asks about it.
    const RESOLVE_AFTER_US: u64 = 200_000;

    /// Every version it holds, in the order it wrote them.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// What a read of `key` as of `t` sees: the latest committed version at or before
    /// `t`, unless a pending version could still commit at or before `t` (then the read
    /// cannot answer yet: `Err` with that version).
    pub fn read_as_of(&self, key: char, t: Hlc) -> Result<Option<Version>, Version> {
        let latest = self
            .versions
            .iter()
            .filter(|v| v.key == key && v.committed && v.ts <= t)
            .max_by_key(|v| v.ts)
            .copied();
        // A pending version's commit timestamp is at least its provisional one.
        match self
            .versions
            .iter()
            .find(|v| v.key == key && !v.committed && v.ts <= t)
        {
            Some(pending) => Err(*pending),
            None => Ok(latest),
        }
    }

    /// The keys it holds, in order.
    pub fn keys(&self) -> Vec<char> {
        let keys: BTreeSet<char> = self.versions.iter().map(|v| v.key).collect();
        keys.into_iter().collect()
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, HybridNode>, from: NodeId, msg: Msg) {
        let clock = self.clock.receive(ctx.wall_clock(), msg.hlc());
        ctx.note(Note::Clock { hlc: clock });
        match msg {
            Msg::Write { tx, key, value, .. } => {
                // A repeated write (a network duplicate) is answered but not stored again,
                // and a late write of an aborted transaction is not stored at all.
                let known = self.versions.iter().any(|v| v.tx == tx && v.key == key);
                if !known && !self.aborted.contains(&tx) {
                    self.coordinators.insert(tx, from);
                    let after = Self::RESOLVE_AFTER_US;
                    ctx.set_timer(Timer::Resolve(tx), after, after);
                    self.versions.push(Version {
                        tx,
                        key,
                        value,
                        ts: clock,
                        committed: false,
                    });
                    ctx.note(Note::Provisional {
                        tx,
                        key,
                        value,
                        ts: clock,
                    });
                }
                let hlc = self.clock.tick(ctx.wall_clock());
                ctx.send(from, Msg::Written { tx, key, hlc });
            }
            Msg::Commit { tx, ts, .. } => {
                let committed = self.commit(ctx, tx, ts);
                let hlc = self.clock.tick(ctx.wall_clock());
                ctx.send(from, Msg::Committed { tx, hlc });
                self.replicate(ctx, committed);
            }
            Msg::Abort { tx, .. } => self.abort(ctx, tx),
            Msg::Decision { tx, outcome, .. } => match outcome {
                TxOutcome::Committed(ts) => {
                    let committed = self.commit(ctx, tx, ts);
                    self.replicate(ctx, committed);
                }
                TxOutcome::Aborted => self.abort(ctx, tx),
                TxOutcome::Undecided => {}
            },
            Msg::Replicate { version, .. } => {
                if !self.versions.contains(&version) {
                    self.versions.push(version);
                    ctx.note(Note::Replicated { version });
                }
            }
            Msg::Written { .. } | Msg::Committed { .. } | Msg::Status { .. } => {}
        }
    }

    fn describe(&self) -> String {
        if self.versions.is_empty() {
            return "empty".to_string();
        }
        self.versions
            .iter()
            .map(|v| {
                let state = if v.committed { "" } else { " PENDING" };
                format!("{}={} ({}) at {}{state}", v.key, v.value, v.tx, v.ts)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A node of the hybrid clock pattern.
#[derive(Clone, Debug)]
pub enum HybridNode {
    /// Runs transactions.
    Coordinator(Coordinator),
    /// Stores versions.
    Server(Server),
}

impl HybridNode {
    /// The node's clock now.
    pub fn clock(&self) -> Hlc {
        match self {
            HybridNode::Coordinator(c) => c.clock.current(),
            HybridNode::Server(s) => s.clock.current(),
        }
    }

    /// The server, for servers.
    pub fn server(&self) -> Option<&Server> {
        match self {
            HybridNode::Server(s) => Some(s),
            HybridNode::Coordinator(_) => None,
        }
    }
}

/// The hybrid clock in a few characters (milliseconds), for the stage.
fn clock_headline(hlc: Hlc) -> String {
    let text = WallTime(hlc.wall).to_string();
    format!(
        "hlc {}+{}",
        &text[..text.len().saturating_sub(3)],
        hlc.logical
    )
}

impl Node for HybridNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let HybridNode::Coordinator(c) = self {
            // A transaction begun before a crash and not decided is aborted now; its
            // servers learn that when they ask. Later ones still run.
            for n in 0..c.next_tx {
                c.decisions
                    .entry(TxId(n as u32 + 1))
                    .or_insert(TxOutcome::Aborted);
            }
            for (n, tx) in c.plan.txs.iter().enumerate().skip(c.next_tx) {
                ctx.set_timer(Timer::Start(n), tx.start_us, tx.start_us);
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            HybridNode::Coordinator(c) => c.on_message(ctx, from, msg),
            HybridNode::Server(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            HybridNode::Coordinator(c) => c.on_timer(ctx, timer),
            HybridNode::Server(s) => s.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        if let HybridNode::Coordinator(c) = self {
            c.current = None;
            c.phase = Phase::Idle;
            c.due.clear();
        }
    }

    fn view(&self) -> NodeView {
        match self {
            HybridNode::Coordinator(c) => NodeView {
                role: "coordinator",
                headline: clock_headline(c.clock.current()),
                fields: vec![
                    ("hybrid clock", c.clock.current().to_string()),
                    (
                        "transaction",
                        match (&c.phase, c.current) {
                            (Phase::Deciding, Some(_)) => format!("{} about to commit", c.tx()),
                            (Phase::Writing { write }, Some(_)) => {
                                format!("{} writing ({} done)", c.tx(), write)
                            }
                            (Phase::Committing { ts, waiting }, Some(_)) => format!(
                                "{} committing at {ts}, {} answers to come",
                                c.tx(),
                                waiting.len()
                            ),
                            _ => "none".to_string(),
                        },
                    ),
                    (
                        "acknowledged",
                        if c.done.is_empty() {
                            "none".to_string()
                        } else {
                            c.done
                                .iter()
                                .map(|t| t.to_string())
                                .collect::<Vec<_>>()
                                .join(" ")
                        },
                    ),
                ],
            },
            HybridNode::Server(s) => NodeView {
                role: "server",
                headline: clock_headline(s.clock.current()),
                fields: vec![
                    ("hybrid clock", s.clock.current().to_string()),
                    ("versions", s.describe()),
                ],
            },
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Write { tx, key, value, .. } => format!("{tx} {key}={value}"),
            Msg::Written { tx, key, .. } => format!("{tx} {key} ok"),
            Msg::Commit { tx, .. } => format!("{tx} commit"),
            Msg::Committed { tx, .. } => format!("{tx} done"),
            Msg::Abort { tx, .. } => format!("{tx} abort"),
            Msg::Status { tx, .. } => format!("{tx}?"),
            Msg::Decision { tx, outcome, .. } => match outcome {
                TxOutcome::Undecided => format!("{tx} undecided"),
                TxOutcome::Committed(_) => format!("{tx} committed"),
                TxOutcome::Aborted => format!("{tx} aborted"),
            },
            Msg::Replicate { version, .. } => format!("copy {}", version.key),
        }
    }

    fn note_label(note: &Note) -> String {
        match note {
            Note::Clock { hlc } => format!("clock {}", hlc.compact()),
            Note::Provisional { key, value, ts, .. } => {
                format!("{key}={value} pending @{}", ts.compact())
            }
            Note::Committed { key, ts, .. } => format!("{key} committed @{}", ts.compact()),
            Note::Replicated { version: v } => {
                format!("copy {}={} @{}", v.key, v.value, v.ts.compact())
            }
            Note::TxDone { tx, ts } => format!("{tx} acked @{}", ts.compact()),
            Note::TxAborted { tx } => format!("{tx} aborted"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Clock { .. })
    }
}
