//! A server: a versioned key-value store that commits at the timestamp it is given.

use std::collections::{BTreeMap, BTreeSet};

use super::hlc::{Hlc, HybridClock};
use super::node::HybridNode;
use super::protocol::{Msg, Note, Timer, TxId, TxOutcome, Version};
use crate::patterns::sort_short_by_key;
use crate::sim::node::{Ctx, NodeId, NodeView};

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
    coordinators: BTreeMap<TxId, NodeId>,
    aborted: BTreeSet<TxId>,
}

impl Server {
    /// A server with `clock` (hybrid, or with a part switched off).
    pub fn new(plan: ServerPlan, clock: HybridClock) -> Server {
        Server {
            plan,
            clock,
            versions: Vec::new(),
            coordinators: BTreeMap::new(),
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
    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, HybridNode>, timer: Timer) {
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
        let before = self.versions.len();
        self.versions.retain(|v| v.tx != tx || v.committed);
        if self.versions.len() < before {
            ctx.note(Note::Forgot { tx });
        }
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
        read_as_of(&self.versions, key, t)
    }

    /// The keys it holds, in order.
    pub fn keys(&self) -> Vec<char> {
        // A handful of distinct keys among many versions: a scan, not a set (see
        // `sort_short_by_key`).
        let mut keys: Vec<char> = Vec::new();
        for v in self.versions.iter() {
            if !keys.contains(&v.key) {
                keys.push(v.key);
            }
        }
        sort_short_by_key(&mut keys, |k| *k);
        keys
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, HybridNode>, from: NodeId, msg: Msg) {
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
                let stored = self
                    .versions
                    .iter()
                    .find(|v| v.tx == tx && v.committed)
                    .map(|v| v.ts);
                let hlc = self.clock.tick(ctx.wall_clock());
                ctx.send(from, Msg::Committed { tx, stored, hlc });
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

    /// What the stage and the inspector show.
    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "server",
            headline: self.clock.headline(),
            fields: vec![
                ("clock", self.clock.current().to_string()),
                ("clock kind", self.clock.parts().describe().to_string()),
                ("versions", self.describe()),
            ],
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

/// What a read of `key` as of `t` sees in `versions`: the latest committed version at
/// or before `t`, unless a pending version could still commit at or before `t` (then
/// the read cannot answer yet: `Err` with that version). A pending version's commit
/// timestamp is at least its provisional one while the clocks count past what they
/// receive.
pub fn read_as_of(versions: &[Version], key: char, t: Hlc) -> Result<Option<Version>, Version> {
    let latest = versions
        .iter()
        .filter(|v| v.key == key && v.committed && v.ts <= t)
        .max_by_key(|v| v.ts)
        .copied();
    match versions
        .iter()
        .find(|v| v.key == key && !v.committed && v.ts <= t)
    {
        Some(pending) => Err(*pending),
        None => Ok(latest),
    }
}
