//! The load balancer pattern's node: a client, a balancer or an instance.

use super::balancer::Balancer;
use super::client::Client;
use super::instance::Instance;
use super::msg::{Msg, Note, Timer};
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the load balancer pattern.
#[derive(Clone, Debug)]
pub enum BalanceNode {
    /// Sends requests at a rate.
    Client(Client),
    /// Routes them.
    Balancer(Balancer),
    /// Serves them.
    Instance(Instance),
}

impl Node for BalanceNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            BalanceNode::Client(c) => c.on_start(ctx),
            BalanceNode::Balancer(b) => b.on_start(ctx),
            BalanceNode::Instance(_) => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            BalanceNode::Client(c) => c.on_message(ctx, msg),
            BalanceNode::Balancer(b) => b.on_message(ctx, from, msg),
            BalanceNode::Instance(i) => i.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            BalanceNode::Client(c) => c.on_timer(ctx, timer),
            BalanceNode::Balancer(b) => b.on_timer(ctx, timer),
            BalanceNode::Instance(_) => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            BalanceNode::Client(c) => c.on_crash(),
            BalanceNode::Balancer(b) => b.on_crash(),
            BalanceNode::Instance(i) => i.on_crash(),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            BalanceNode::Client(c) => c.view(),
            BalanceNode::Balancer(b) => b.view(),
            BalanceNode::Instance(i) => i.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            BalanceNode::Instance(i) => i.service(msg),
            _ => None,
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let BalanceNode::Instance(i) = self {
            i.on_command(ctx, verb, arg);
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Request { id } | Msg::Response { id, .. } => format!("r{id}"),
            Msg::Work { id, .. } | Msg::Done { id, .. } => format!("r{id}"),
            Msg::Failed { id, .. } | Msg::Error { id } => format!("500 r{id}"),
            Msg::Ping { .. } => "ping".into(),
            Msg::Pong { load, .. } => format!("pong {load}"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::TimedOut { .. })
    }
}
