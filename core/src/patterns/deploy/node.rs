//! The Deployment family's node: one enum over every role its stories use.

use super::client::Client;
use super::container::Container;
use super::control::Control;
use super::kubelet::Kubelet;
use super::msg::{Msg, Note, Timer};
use super::service::Service;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView};

/// A node of the Deployment family.
#[derive(Clone, Debug)]
pub enum DeployNode {
    /// Sends requests at a rate.
    Client(Client),
    /// Balances them over ready pods.
    Service(Service),
    /// A pod's application container.
    Container(Container),
    /// A host's node agent: probes, node status.
    Kubelet(Kubelet),
    /// Node controller, scheduler, endpoints.
    Control(Control),
}

impl Node for DeployNode {
    type Msg = Msg;
    type Timer = Timer;
    type Note = Note;

    fn on_start(&mut self, ctx: &mut Ctx<'_, Self>) {
        match self {
            DeployNode::Client(n) => n.on_start(ctx),
            DeployNode::Service(n) => n.on_start(ctx),
            DeployNode::Container(n) => n.on_start(ctx),
            DeployNode::Kubelet(n) => n.on_start(ctx),
            DeployNode::Control(n) => n.on_start(ctx),
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            DeployNode::Client(n) => n.on_message(ctx, msg),
            DeployNode::Service(n) => n.on_message(ctx, from, msg),
            DeployNode::Container(n) => n.on_message(ctx, from, msg),
            DeployNode::Kubelet(n) => n.on_message(from, msg),
            DeployNode::Control(n) => n.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            DeployNode::Client(n) => n.on_timer(ctx, timer),
            DeployNode::Service(_) => {}
            DeployNode::Container(n) => n.on_timer(ctx, timer),
            DeployNode::Kubelet(n) => n.on_timer(ctx, timer),
            DeployNode::Control(n) => n.on_timer(ctx, timer),
        }
    }

    fn on_crash(&mut self) {
        match self {
            DeployNode::Client(n) => n.on_crash(),
            DeployNode::Container(n) => n.on_crash(),
            DeployNode::Kubelet(n) => n.on_crash(),
            DeployNode::Service(_) | DeployNode::Control(_) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            DeployNode::Client(n) => n.view(),
            DeployNode::Service(n) => n.view(),
            DeployNode::Container(n) => n.view(),
            DeployNode::Kubelet(n) => n.view(),
            DeployNode::Control(n) => n.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            DeployNode::Container(n) => n.service(msg),
            _ => None,
        }
    }

    fn short_label(msg: &Msg) -> String {
        match msg {
            Msg::Request { id } | Msg::Response { id, .. } => format!("r{id}"),
            Msg::Work { id, .. } | Msg::Done { id, .. } | Msg::Refused { id, .. } => {
                format!("r{id}")
            }
            Msg::Probe { .. } | Msg::Status { .. } => "probe".into(),
            Msg::Heartbeat { .. } => "status".into(),
            Msg::Endpoints { version, .. } => format!("eps v{version}"),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::TimedOut { .. })
    }
}
