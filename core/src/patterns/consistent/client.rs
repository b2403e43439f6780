//! The client: asks the core, then talks to the owner (or the leader) it was told.
//!
//! A request keeps its number across retries, so the core can recognise a retried put
//! and answer it without applying it again (the idempotent receiver's mechanism).

use std::collections::BTreeMap;

use super::meta::ReqId;
use super::msg::{Msg, Note, Timer};
use super::node::{ConsistentNode, Names};
use crate::sim::node::{Ctx, NodeId, NodeView};

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
        /// The management node it asks, through the leader, when it does not know the
        /// owner: the lookup and the write are then one request path.
        ask: NodeId,
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

impl Op {
    /// The same operation sent to management node `to` (a write goes to the owner).
    fn via(self, to: NodeId) -> Op {
        match self {
            Op::AskOwner { partition, .. } => Op::AskOwner { partition, via: to },
            Op::Put { key, value, .. } => Op::Put {
                key,
                value,
                via: to,
            },
            Op::Get {
                key, via_leader, ..
            } => Op::Get {
                key,
                via: to,
                via_leader,
            },
            write @ Op::Write { .. } => write,
        }
    }

    /// The management node it goes to, if it goes to one.
    fn target(&self) -> Option<NodeId> {
        match self {
            Op::AskOwner { via, .. } | Op::Put { via, .. } | Op::Get { via, .. } => Some(*via),
            Op::Write { .. } => None,
        }
    }
}

/// The client: runs its operations in order, each after a pause.
#[derive(Clone, Debug)]
pub struct Client {
    me: NodeId,
    ops: Vec<(u64, Op)>,
    management: Vec<NodeId>,
    names: Names,
    // Durable: where it is in its operations, the current request number and operation,
    // so that after a crash it retries the same request rather than ask again anew.
    next_op: usize,
    req: u32,
    current: Option<Op>,
    // Volatile: what it learned from the core.
    owners: BTreeMap<u8, NodeId>,
    leader: Option<NodeId>,
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
            leader: None,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        if let Some(op) = self.current.clone() {
            // Restarted in the middle of an operation: retry it under the same number.
            self.send(ctx, op);
        } else if let Some((pause, _)) = self.ops.get(self.next_op) {
            ctx.set_timer(Timer::NextOp, *pause, *pause);
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.owners.clear();
        self.leader = None;
    }

    pub(super) fn view(&self) -> NodeView {
        let done = format!("{} of {}", self.next_op.min(self.ops.len()), self.ops.len());
        NodeView {
            role: "client",
            headline: format!("op {done}"),
            fields: vec![
                ("operations done", done),
                (
                    "known leader",
                    self.leader.map_or("none".into(), |l| self.name(l)),
                ),
                (
                    "known owners",
                    self.owners
                        .iter()
                        .map(|(p, o)| format!("p{p}→{}", self.name(*o)))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
            ],
        }
    }

    fn name(&self, id: NodeId) -> String {
        self.names.name(id)
    }

    /// Starts the next operation under a new request number.
    fn begin(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, op: Op) {
        self.req += 1;
        self.send(ctx, op);
    }

    /// Sends the current request (first try or retry: the number stays).
    fn send(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, op: Op) {
        let req = ReqId {
            client: self.me,
            n: self.req,
        };
        let (to, msg) = match op.clone() {
            Op::AskOwner { partition, via } => (
                via,
                Msg::WhoOwns {
                    req,
                    partition,
                    via_leader: false,
                },
            ),
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
            Op::Write {
                partition,
                value,
                ask,
            } => match self.owners.get(&partition) {
                Some(&owner) => (
                    owner,
                    Msg::DataWrite {
                        req,
                        partition,
                        value,
                    },
                ),
                None => {
                    // Not known yet: ask the core first (through its leader, for an
                    // answer that is current), then write from the answer's handler.
                    self.current = Some(op);
                    let via_leader = true;
                    ctx.send(
                        ask,
                        Msg::WhoOwns {
                            req,
                            partition,
                            via_leader,
                        },
                    );
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

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
        if self.current.is_none() || msg.req().is_some_and(|r| r.n != self.req) {
            return;
        }
        match msg {
            Msg::Owner {
                partition,
                owner,
                leader,
                ..
            } => {
                if let Some(o) = &owner {
                    self.owners.insert(partition, o.id);
                }
                if let Some(l) = &leader {
                    self.leader = Some(l.id);
                }
                let what = format!(
                    "{} says p{partition} is owned by {} (leader {})",
                    self.name(from),
                    owner.as_ref().map_or("nobody".into(), |o| o.to_string()),
                    leader.as_ref().map_or("unknown".into(), |l| l.to_string())
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
                if let Some(Op::Write {
                    partition, value, ..
                }) = self.current
                {
                    let what = format!("wrote p{partition}={value} on {}", self.name(from));
                    self.finish(ctx, what);
                }
            }
            Msg::NotOwner { .. } => {
                if let Some(Op::Write { partition, .. }) = self.current {
                    self.owners.remove(&partition);
                    ctx.note(Note::Done {
                        what: format!(
                            "{} does not own p{partition} now: ask the core again",
                            self.name(from)
                        ),
                    });
                    // Give the new owner a moment to receive its lease, then ask again.
                    ctx.set_timer(Timer::RequestTimeout, 30_000, 30_000);
                }
            }
            Msg::NotLeader { .. } => {
                // An election is likely under way: ask the same node again shortly.
                ctx.cancel_timer(Timer::RequestTimeout);
                ctx.note(Note::Done {
                    what: format!("{} hears no leader: ask it again soon", self.name(from)),
                });
                ctx.set_timer(Timer::RetrySoon, 50_000, 50_000);
            }
            Msg::PutOk { .. } => {
                self.leader = Some(from);
                if let Some(Op::Put { key, value, .. }) = self.current {
                    self.finish(ctx, format!("put {key}={value} acknowledged"));
                }
            }
            Msg::GetOk {
                value,
                linearizable,
                ..
            } => {
                if linearizable {
                    self.leader = Some(from);
                }
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

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
        match timer {
            Timer::NextOp if self.current.is_none() => {
                if let Some((_, op)) = self.ops.get(self.next_op).cloned() {
                    self.begin(ctx, op);
                }
            }
            Timer::RetrySoon => {
                if let Some(op) = self.current.clone() {
                    self.send(ctx, op);
                }
            }
            Timer::RequestTimeout => {
                let Some(op) = self.current.clone() else {
                    return;
                };
                if let Op::Write { partition, .. } = op {
                    // No answer from the owner: ask the core again.
                    self.owners.remove(&partition);
                    self.send(ctx, op);
                    return;
                }
                // No answer: go to the leader the core told us of, else the next node.
                let failed = op.target().unwrap_or(self.management[0]);
                let next = match self.leader.filter(|&l| l != failed) {
                    Some(l) => l,
                    None => {
                        let i = self.management.iter().position(|m| *m == failed);
                        self.management[i.map_or(0, |i| i + 1) % self.management.len()]
                    }
                };
                self.send(ctx, op.via(next));
            }
            _ => {}
        }
    }
}
