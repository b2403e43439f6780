//! The retries and circuit breaker pattern's node: a client, a service or the database.

use super::client::Client;
use super::database::Database;
use super::msg::{Msg, Note, Timer};
use super::service::Service;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView, Workers};

/// A node of the chain.
#[derive(Clone, Debug)]
pub enum ResilienceNode {
    /// Sends requests at a rate.
    Client(Client),
    /// Serves calls by calling the next layer.
    Service(Service),
    /// Answers queries, taking time.
    Database(Database),
}

impl Node for ResilienceNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            ResilienceNode::Client(c) => c.on_start(ctx),
            ResilienceNode::Service(s) => s.on_start(ctx),
            ResilienceNode::Database(_) => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            ResilienceNode::Client(c) => c.on_message(ctx, msg),
            ResilienceNode::Service(s) => s.on_message(ctx, from, msg),
            ResilienceNode::Database(d) => d.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            ResilienceNode::Client(c) => c.on_timer(ctx, timer),
            ResilienceNode::Service(s) => s.on_timer(ctx, timer),
            ResilienceNode::Database(_) => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            ResilienceNode::Client(c) => c.on_crash(),
            ResilienceNode::Service(s) => s.on_crash(),
            ResilienceNode::Database(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            ResilienceNode::Client(c) => c.view(),
            ResilienceNode::Service(s) => s.view(),
            ResilienceNode::Database(d) => d.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            ResilienceNode::Database(d) => d.service(msg),
            _ => None,
        }
    }

    fn workers(&self) -> Workers {
        match self {
            ResilienceNode::Database(_) => Database::workers(),
            _ => Workers::default(),
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let ResilienceNode::Database(d) = self {
            d.on_command(ctx, verb, arg);
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Call {
                job,
                attempt,
                probe: true,
            } => format!("probe j{job}#{attempt}"),
            Msg::Call { job, attempt, .. } => format!("j{job}#{attempt}"),
            Msg::Reply { job, attempt, .. } => format!("re j{job}#{attempt}"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::GaveUp { .. })
    }
}
