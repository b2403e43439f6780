//! The sharding pattern's node: a client, a router or a shard.

use super::client::Client;
use super::msg::{Key, Msg, Note, Req, Timer};
use super::router::Router;
use super::shard::Shard;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView, Workers};

/// A node of a sharded store.
#[derive(Clone, Debug)]
pub enum ShardNode {
    /// Sends reads and writes at a rate.
    Client(Client),
    /// Sends each request to its key's shard.
    Router(Router),
    /// Holds a share of the keys.
    Shard(Shard),
}

impl Node for ShardNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            ShardNode::Client(c) => c.on_start(ctx),
            ShardNode::Router(r) => r.on_start(ctx),
            ShardNode::Shard(_) => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            ShardNode::Client(c) => c.on_message(ctx, from, msg),
            ShardNode::Router(r) => r.on_message(ctx, from, msg),
            ShardNode::Shard(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            ShardNode::Client(c) => c.on_timer(ctx, timer),
            ShardNode::Router(r) => r.on_timer(ctx, timer),
            ShardNode::Shard(_) => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            ShardNode::Client(c) => c.on_crash(),
            ShardNode::Router(_) => {}
            ShardNode::Shard(s) => s.on_crash(),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            ShardNode::Client(c) => c.view(),
            ShardNode::Router(r) => r.view(),
            ShardNode::Shard(s) => s.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            ShardNode::Shard(s) => s.service(msg),
            _ => None,
        }
    }

    fn workers(&self) -> Workers {
        match self {
            ShardNode::Shard(s) => s.workers(),
            _ => Workers::default(),
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        match self {
            ShardNode::Client(c) => c.on_command(ctx, verb, arg),
            ShardNode::Router(r) => r.on_command(ctx, verb, arg),
            ShardNode::Shard(_) => {}
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Req(Req { key, .. }) | Msg::Reply { key, .. } => Key(*key).to_string(),
            Msg::Moved { .. } => "MOVED".into(),
            other => other.to_string(),
        }
    }
}
