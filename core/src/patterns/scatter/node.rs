//! The scatter/gather pattern's node: a client, the root or a replica of a shard.

use super::client::Client;
use super::leaf::Leaf;
use super::msg::{Msg, Note, Timer};
use super::root::Root;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the fan-out.
#[derive(Clone, Debug)]
pub enum ScatterNode {
    /// Sends searches at a rate.
    Client(Client),
    /// Fans each search out and gathers the parts.
    Root(Root),
    /// One replica of one shard.
    Leaf(Leaf),
}

impl Node for ScatterNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let ScatterNode::Client(c) = self {
            c.on_start(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            ScatterNode::Client(c) => c.on_message(ctx, msg),
            ScatterNode::Root(r) => r.on_message(ctx, from, msg),
            ScatterNode::Leaf(l) => l.on_message(ctx, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            ScatterNode::Client(c) => c.on_timer(ctx, timer),
            ScatterNode::Root(r) => r.on_timer(ctx, timer),
            ScatterNode::Leaf(l) => l.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            ScatterNode::Client(c) => c.on_crash(),
            ScatterNode::Root(r) => r.on_crash(),
            ScatterNode::Leaf(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            ScatterNode::Client(c) => c.view(),
            ScatterNode::Root(r) => r.view(),
            ScatterNode::Leaf(l) => l.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Search { req } | Msg::Answer { req, .. } => format!("q{req}"),
            Msg::Query {
                req, hedge: true, ..
            } => format!("q{req} hedge"),
            Msg::Query { req, .. } | Msg::Part { req, .. } => format!("q{req}"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Hedged { .. })
    }
}
