//! The node of the idempotent receiver pattern: a client or the server.

use super::client::Client;
use super::messages::{Msg, Note, Outcome, Refusal, Timer};
use super::server::Server;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the idempotent receiver pattern.
#[derive(Clone, Debug)]
pub enum IdempotentNode {
    /// Sends requests.
    Client(Client),
    /// Applies them, once.
    Server(Server),
}

impl Node for IdempotentNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            IdempotentNode::Client(c) => c.on_start(ctx),
            IdempotentNode::Server(s) => s.keep_sweeping(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            IdempotentNode::Client(c) => c.on_message(ctx, msg),
            IdempotentNode::Server(s) => s.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            IdempotentNode::Client(c) => c.on_timer(ctx, timer),
            IdempotentNode::Server(s) => s.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            IdempotentNode::Client(c) => c.on_crash(),
            IdempotentNode::Server(s) => s.on_crash(),
        }
    }

    fn view(&self) -> NodeView {
        match self {
            IdempotentNode::Client(c) => c.view(),
            IdempotentNode::Server(s) => s.view(),
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Register => "register".into(),
            Msg::Registered { client } => format!("id {client}"),
            Msg::Request { req, .. } => format!("r{req} +1"),
            Msg::Response { req, outcome, .. } => match outcome {
                Outcome::Applied(c) => format!("r{req} ={c}"),
                Outcome::Refused(Refusal::SessionExpired) => format!("r{req} expired"),
                Outcome::Refused(Refusal::Stale) => format!("r{req} stale"),
            },
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::Completed { .. })
    }
}
