//! The root: fans a search out to one replica of every shard, gathers the parts, hedges
//! the slow ones, and answers the client.

use std::collections::BTreeMap;

use super::msg::{Msg, Note, Timer};
use super::node::ScatterNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the root fans out and waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Shards; shard `k`'s replicas are nodes `first + k` and `first + shards + k`.
    pub shards: u32,
    /// The first replica's id.
    pub first: u32,
    /// After this long, missing parts are asked of the other replica (none: no hedging).
    pub hedge_us: Option<u64>,
    /// After this long the root answers with the parts it has (none: it waits for all).
    pub deadline_us: Option<u64>,
}

/// One search being gathered.
#[derive(Clone, Debug)]
struct Gather {
    client: NodeId,
    /// Per shard: which replica was asked first (0 or 1), and whether its part is in.
    first: Vec<u8>,
    got: Vec<bool>,
    parts: u32,
}

/// The root.
#[derive(Clone, Debug)]
pub struct Root {
    plan: Plan,
    // Volatile.
    gathering: BTreeMap<u64, Gather>,
    answered: u64,
    partial: u64,
    hedged: u64,
}

impl Root {
    /// A root working to `plan`.
    pub fn new(plan: Plan) -> Root {
        Root {
            plan,
            gathering: BTreeMap::new(),
            answered: 0,
            partial: 0,
            hedged: 0,
        }
    }

    fn replica(&self, shard: u32, which: u8) -> NodeId {
        NodeId(self.plan.first + shard + u32::from(which) * self.plan.shards)
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ScatterNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Search { req } => {
                let first: Vec<u8> = (0..self.plan.shards)
                    .map(|_| ctx.random_below(2) as u8)
                    .collect();
                for (shard, &which) in (0..).zip(&first) {
                    let query = Msg::Query {
                        req,
                        shard,
                        hedge: false,
                    };
                    ctx.send(self.replica(shard, which), query);
                }
                let got = vec![false; first.len()];
                self.gathering.insert(
                    req,
                    Gather {
                        client: from,
                        first,
                        got,
                        parts: 0,
                    },
                );
                if let Some(us) = self.plan.hedge_us {
                    ctx.set_timer(Timer::Hedge { req }, us, us);
                }
                if let Some(us) = self.plan.deadline_us {
                    ctx.set_timer(Timer::Deadline { req }, us, us);
                }
            }
            Msg::Part { req, shard } => {
                let Some(g) = self.gathering.get_mut(&req) else {
                    return;
                };
                match g.got.get_mut(shard as usize) {
                    Some(got) if !*got => *got = true,
                    _ => return,
                }
                g.parts += 1;
                if g.parts == self.plan.shards {
                    self.answer(ctx, req);
                }
            }
            Msg::Query { .. } | Msg::Answer { .. } => {}
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ScatterNode>, timer: Timer) {
        match timer {
            Timer::Hedge { req } => {
                let Some(g) = self.gathering.get(&req) else {
                    return;
                };
                let missing: Vec<(u32, u8)> = (0..)
                    .zip(g.first.iter().zip(&g.got))
                    .filter(|(_, (_, got))| !**got)
                    .map(|(shard, (&which, _))| (shard, 1 - which))
                    .collect();
                for &(shard, other) in &missing {
                    let query = Msg::Query {
                        req,
                        shard,
                        hedge: true,
                    };
                    ctx.send(self.replica(shard, other), query);
                }
                self.hedged += missing.len() as u64;
                let shards = missing.len() as u32;
                ctx.note(Note::Hedged { req, shards });
            }
            Timer::Deadline { req } => {
                if let Some(g) = self.gathering.get(&req) {
                    let missing = self.plan.shards - g.parts;
                    self.partial += 1;
                    ctx.note(Note::Partial { req, missing });
                    self.answer(ctx, req);
                }
            }
            Timer::Arrival | Timer::Done { .. } => {}
        }
    }

    fn answer(&mut self, ctx: &mut Ctx<'_, ScatterNode>, req: u64) {
        let Some(g) = self.gathering.remove(&req) else {
            return;
        };
        ctx.cancel_timer(Timer::Hedge { req });
        ctx.cancel_timer(Timer::Deadline { req });
        self.answered += 1;
        let (shards, of) = (g.parts, self.plan.shards);
        ctx.send(g.client, Msg::Answer { req, shards, of });
    }

    pub(super) fn on_crash(&mut self) {
        self.gathering.clear();
    }

    pub(super) fn view(&self) -> NodeView {
        let plan = self.plan;
        let ms = |us: Option<u64>| us.map_or("off".to_string(), |us| format!("{} ms", us / 1_000));
        NodeView {
            role: "root",
            headline: format!("{} gathering", self.gathering.len()),
            fields: vec![
                ("shards", plan.shards.to_string()),
                ("answered", self.answered.to_string()),
                ("answered partly", self.partial.to_string()),
                ("hedged queries", self.hedged.to_string()),
                ("hedge after", ms(plan.hedge_us)),
                ("deadline", ms(plan.deadline_us)),
            ],
        }
    }
}
