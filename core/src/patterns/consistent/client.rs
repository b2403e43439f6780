//! The client: asks the core, then talks to the owner it was told.

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

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, ConsistentNode>) {
        if let Some((pause, _)) = self.ops.get(self.next_op) {
            ctx.set_timer(Timer::NextOp, *pause, *pause);
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.current = None;
    }

    pub(super) fn view(&self) -> NodeView {
        let done = format!("{} of {}", self.next_op.min(self.ops.len()), self.ops.len());
        NodeView {
            role: "client",
            headline: format!("op {done}"),
            fields: vec![
                ("operations done", done),
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

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, from: NodeId, msg: Msg) {
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

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ConsistentNode>, timer: Timer) {
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
