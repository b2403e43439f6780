//! Discovery's node: a client, the registry, a balancer or an instance.

use super::balancer::Balancer;
use super::client::Client;
use super::instance::Instance;
use super::msg::{Msg, Note, Timer};
use super::registrar::Registrar;
use super::registry::Registry;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the discovery pattern.
#[derive(Clone, Debug)]
pub enum DiscoveryNode {
    /// Sends requests at a rate.
    Client(Client),
    /// Holds the instances' leases.
    Registry(Registry),
    /// Routes requests (server-side discovery).
    Balancer(Balancer),
    /// Registers instances it finds healthy (third-party registration).
    Registrar(Registrar),
    /// Serves requests and renews its lease.
    Instance(Instance),
}

impl Node for DiscoveryNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            DiscoveryNode::Client(c) => c.on_start(ctx),
            DiscoveryNode::Registry(r) => r.on_start(ctx),
            DiscoveryNode::Balancer(b) => b.on_start(ctx),
            DiscoveryNode::Registrar(r) => r.round(ctx),
            DiscoveryNode::Instance(i) => i.beat(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            DiscoveryNode::Client(c) => c.on_message(ctx, msg),
            DiscoveryNode::Registry(r) => r.on_message(ctx, from, msg),
            DiscoveryNode::Balancer(b) => b.on_message(ctx, from, msg),
            DiscoveryNode::Registrar(r) => r.on_message(ctx, from, msg),
            DiscoveryNode::Instance(i) => i.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            DiscoveryNode::Client(c) => c.on_timer(ctx, timer),
            DiscoveryNode::Registry(r) => r.on_timer(ctx),
            DiscoveryNode::Balancer(b) => b.on_timer(ctx, timer),
            DiscoveryNode::Registrar(r) => r.round(ctx),
            DiscoveryNode::Instance(i) => i.beat(ctx),
        }
    }

    fn on_crash(&mut self) {
        match self {
            DiscoveryNode::Client(c) => c.on_crash(),
            DiscoveryNode::Registry(r) => r.on_crash(),
            DiscoveryNode::Balancer(b) => b.on_crash(),
            DiscoveryNode::Registrar(_) | DiscoveryNode::Instance(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            DiscoveryNode::Client(c) => c.view(),
            DiscoveryNode::Registry(r) => r.view(),
            DiscoveryNode::Balancer(b) => b.view(),
            DiscoveryNode::Registrar(r) => r.view(),
            DiscoveryNode::Instance(i) => i.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            DiscoveryNode::Instance(i) => i.service(msg),
            _ => None,
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let DiscoveryNode::Instance(i) = self {
            i.on_command(ctx, verb, arg);
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Request { id } | Msg::Response { id, .. } => format!("r{id}"),
            Msg::Work { id, .. } | Msg::Done { id, .. } => format!("r{id}"),
            Msg::Heartbeat => "♥".into(),
            Msg::Ping => "ping".into(),
            Msg::Pong => "pong".into(),
            Msg::Renew { instance } => format!("♥ i{}", instance + 1),
            Msg::Replicate { instance, evicted } => {
                format!("{} i{}", if *evicted { "✕" } else { "⇄" }, instance + 1)
            }
            Msg::Fetch { .. } => "fetch".into(),
            Msg::Instances { list, .. } => format!("{} up", list.len()),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::TimedOut { .. })
    }
}
