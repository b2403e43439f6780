//! The API gateway pattern's node: a client, the balancer, a gateway, the auth service
//! or a service instance.

use super::backend::{serve, Auth};
use super::balancer::Balancer;
use super::client::Client;
use super::entry::Gateway;
use super::msg::{Msg, Note, Timer};
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the API gateway pattern.
#[derive(Clone, Debug)]
pub enum GatewayNode {
    /// Sends requests at a rate.
    Client(Client),
    /// Spreads them over the gateway replicas.
    Balancer(Balancer),
    /// Checks, limits and routes them.
    Gateway(Gateway),
    /// Checks tokens.
    Auth(Auth),
    /// Serves one path's requests.
    Instance(SlowableWork),
}

impl Node for GatewayNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            GatewayNode::Client(c) => c.on_start(ctx),
            GatewayNode::Balancer(b) => b.on_start(ctx),
            GatewayNode::Gateway(g) => g.on_start(ctx),
            GatewayNode::Auth(_) | GatewayNode::Instance(_) => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            GatewayNode::Client(c) => c.on_message(ctx, msg),
            GatewayNode::Balancer(b) => b.on_message(ctx, from, msg),
            GatewayNode::Gateway(g) => g.on_message(ctx, from, msg),
            GatewayNode::Auth(a) => a.on_message(ctx, from, msg),
            GatewayNode::Instance(work) => serve(work, ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            GatewayNode::Client(c) => c.on_timer(ctx, timer),
            GatewayNode::Balancer(b) => b.on_timer(ctx, timer),
            GatewayNode::Gateway(g) => g.on_timer(ctx, timer),
            GatewayNode::Auth(_) | GatewayNode::Instance(_) => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            GatewayNode::Client(c) => c.on_crash(),
            GatewayNode::Balancer(b) => b.on_crash(),
            GatewayNode::Gateway(g) => g.on_crash(),
            GatewayNode::Auth(a) => a.on_crash(),
            GatewayNode::Instance(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            GatewayNode::Client(c) => c.view(),
            GatewayNode::Balancer(b) => b.view(),
            GatewayNode::Gateway(g) => g.view(),
            GatewayNode::Auth(a) => a.view(),
            GatewayNode::Instance(work) => work.view("instance"),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            GatewayNode::Gateway(g) => g.service(msg),
            GatewayNode::Auth(a) => a.service(msg),
            GatewayNode::Instance(work) => matches!(msg, Msg::Work { .. }).then(|| work.delay()),
            _ => None,
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let GatewayNode::Instance(work) = self {
            if let Some(factor) = work.command(verb, arg) {
                ctx.note(Note::Slowed { factor });
            }
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Request { id, .. } | Msg::Work { id, .. } | Msg::Done { id, .. } => {
                format!("r{id}")
            }
            Msg::Verify { .. } => "verify".into(),
            Msg::Verdict { valid, .. } => if *valid { "valid" } else { "invalid" }.into(),
            Msg::Reply { outcome, .. } => outcome.code().to_string(),
            Msg::Ping { .. } => "ping".into(),
            Msg::Pong { .. } => "pong".into(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::TimedOut { .. })
    }
}
