//! The coordinator: runs the transactions of its plan one at a time.

use std::collections::{BTreeMap, BTreeSet};

use super::hlc::{Hlc, HybridClock};
use super::node::HybridNode;
use super::protocol::{Msg, Note, Timer, TxId, TxOutcome};
use crate::sim::node::{Ctx, NodeId, NodeView};

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
        /// The timestamps the servers that answered stored it under.
        stored: BTreeSet<Hlc>,
    },
}

/// The coordinator: runs transactions one at a time.
#[derive(Clone, Debug)]
pub struct Coordinator {
    plan: CoordinatorPlan,
    // Durable: the clock, how far through the plan it is, and every decision it made.
    clock: HybridClock,
    next_tx: usize,
    decisions: BTreeMap<TxId, TxOutcome>,
    // Volatile.
    current: Option<usize>,
    phase: Phase,
    due: BTreeSet<usize>,
    done: Vec<TxId>,
}

impl Coordinator {
    /// A coordinator with `clock` (hybrid, or with a part switched off).
    pub fn new(plan: CoordinatorPlan, clock: HybridClock) -> Coordinator {
        Coordinator {
            plan,
            clock,
            next_tx: 0,
            decisions: BTreeMap::new(),
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

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, HybridNode>, from: NodeId, msg: Msg) {
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
            (
                Msg::Committed { tx, stored: at, .. },
                Phase::Committing {
                    ts,
                    mut waiting,
                    mut stored,
                },
            ) if tx == self.tx() => {
                if waiting.remove(&from) {
                    stored.extend(at);
                }
                if waiting.is_empty() {
                    let stored = stored.into_iter().collect();
                    ctx.note(Note::TxDone { tx, stored });
                    self.done.push(tx);
                    self.finish(ctx);
                } else {
                    self.phase = Phase::Committing {
                        ts,
                        waiting,
                        stored,
                    };
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

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, HybridNode>, timer: Timer) {
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
                self.send_commit(ctx, &waiting, commit_ts);
                self.phase = Phase::Committing {
                    ts,
                    waiting,
                    stored: BTreeSet::new(),
                };
            }
            Timer::TxTimeout => self.timed_out(ctx),
            _ => {}
        }
    }

    /// Sends the commit of the current transaction to `servers`, each stamped by a tick of
    /// the clock.
    fn send_commit(
        &mut self,
        ctx: &mut Ctx<'_, HybridNode>,
        servers: &BTreeSet<NodeId>,
        ts: Option<Hlc>,
    ) {
        let tx = self.tx();
        for &server in servers {
            let hlc = self.clock.tick(ctx.wall_clock());
            ctx.send(server, Msg::Commit { tx, ts, hlc });
        }
    }

    /// Before the commit decision a slow transaction is aborted; after it, the decision
    /// stands and the commit is sent again to the servers that have not answered.
    fn timed_out(&mut self, ctx: &mut Ctx<'_, HybridNode>) {
        let tx = self.tx();
        match self.phase.clone() {
            Phase::Committing { ts, waiting, .. } => {
                let commit_ts = self.plan.commit_with_final_clock.then_some(ts);
                self.send_commit(ctx, &waiting, commit_ts);
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

    /// Schedules the transactions still to run; one begun before a crash and not
    /// decided is aborted now, and its servers learn that when they ask.
    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, HybridNode>) {
        for n in 0..self.next_tx {
            self.decisions
                .entry(TxId(n as u32 + 1))
                .or_insert(TxOutcome::Aborted);
        }
        for (n, tx) in self.plan.txs.iter().enumerate().skip(self.next_tx) {
            ctx.set_timer(Timer::Start(n), tx.start_us, tx.start_us);
        }
    }

    /// Forgets what is volatile: the transaction under way and those due.
    pub(super) fn on_crash(&mut self) {
        self.current = None;
        self.phase = Phase::Idle;
        self.due.clear();
    }

    /// What the stage and the inspector show.
    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "coordinator",
            headline: self.clock.headline(),
            fields: vec![
                ("clock", self.clock.current().to_string()),
                ("clock kind", self.clock.parts().describe().to_string()),
                (
                    "transaction",
                    match (&self.phase, self.current) {
                        (Phase::Deciding, Some(_)) => format!("{} about to commit", self.tx()),
                        (Phase::Writing { write }, Some(_)) => {
                            format!("{} writing ({} done)", self.tx(), write)
                        }
                        (Phase::Committing { ts, waiting, .. }, Some(_)) => format!(
                            "{} committing at {ts}, {} answers to come",
                            self.tx(),
                            waiting.len()
                        ),
                        _ => "none".to_string(),
                    },
                ),
                (
                    "acknowledged",
                    if self.done.is_empty() {
                        "none".to_string()
                    } else {
                        self.done
                            .iter()
                            .map(|t| t.to_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    },
                ),
            ],
        }
    }
}
