//! A replica of one shard: works out its part of a search, usually in about a
//! millisecond, now and then much more slowly.

use super::msg::{Msg, Note, Timer};
use super::node::ScatterNode;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A part's usual work: exponential, 1 ms on average.
pub const WORK: Delay = Delay::Exponential(1_000);
/// A part that hits a hiccup (a pause, a busy disk, a background job): 50–100 ms.
pub const HICCUP: Delay = Delay::Uniform(50_000, 100_000);

/// A replica.
#[derive(Clone, Debug)]
pub struct Leaf {
    root: NodeId,
    /// Parts in a thousand that hit a hiccup.
    hiccup_permille: u64,
    // Volatile.
    served: u64,
    hiccups: u64,
}

impl Leaf {
    /// A replica answering `root`, slow on `hiccup_permille` parts in a thousand.
    pub fn new(root: NodeId, hiccup_permille: u64) -> Leaf {
        Leaf {
            root,
            hiccup_permille,
            served: 0,
            hiccups: 0,
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, ScatterNode>, msg: Msg) {
        if let Msg::Query { req, shard, .. } = msg {
            let hiccup = ctx.random_below(1_000) < self.hiccup_permille;
            let us = ctx.draw(if hiccup { HICCUP } else { WORK });
            if hiccup {
                self.hiccups += 1;
                ctx.note(Note::Hiccup { req, us });
            }
            ctx.set_timer(Timer::Done { req, shard }, us, us);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, ScatterNode>, timer: Timer) {
        if let Timer::Done { req, shard } = timer {
            self.served += 1;
            ctx.send(self.root, Msg::Part { req, shard });
        }
    }

    pub(super) fn view(&self) -> NodeView {
        NodeView {
            role: "replica",
            headline: format!("{} parts", self.served),
            fields: vec![
                ("parts answered", self.served.to_string()),
                ("hiccups", self.hiccups.to_string()),
                ("hiccup rate", format!("{} ‰", self.hiccup_permille)),
            ],
        }
    }
}
