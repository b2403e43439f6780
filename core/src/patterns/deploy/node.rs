//! The Deployment family's node: one enum over every role its stories use.

use super::client::Client;
use super::hosts::os::HostOs;
use super::msg::{Msg, Note, Timer};
use super::pods::container::Container;
use super::pods::control::Control;
use super::pods::kubelet::Kubelet;
use super::pods::service::Service;
use super::proxies::edge::EdgeProxy;
use super::sidecar::adapter::{Adapter, Exporter, Monitor};
use super::sidecar::ambassador::{Ambassador, App};
use super::sidecar::job::{Agent, Job};
use super::sidecar::proxy::{Proxy, Server};
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, Node, NodeId, NodeView, Workers};

/// How many requests a process keeps waiting for its one thread (its accept backlog);
/// one more is refused. The stories' own runs never come near it (at most 7 wait); it
/// keeps an overloaded run (the largest settings, a host down) from queueing without end.
const BACKLOG: u32 = 128;

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
    /// A batch job's application container.
    Job(Job),
    /// The kubelet of a job's pod.
    Agent(Agent),
    /// A forwarding proxy sidecar.
    Proxy(Proxy),
    /// A remote server (requests, keys).
    Server(Server),
    /// An application reading and writing keys through its ambassador.
    App(App),
    /// The ambassador beside it.
    Ambassador(Ambassador),
    /// An application exposing metrics in its own format.
    Exporter(Exporter),
    /// The adapter beside it.
    Adapter(Adapter),
    /// The monitoring system.
    Monitor(Monitor),
    /// A host's scheduler: its kernel or hypervisor.
    HostOs(HostOs),
    /// A caching, balancing proxy: a reverse proxy or a client proxy.
    Edge(EdgeProxy),
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
            DeployNode::Job(n) => n.on_start(ctx),
            DeployNode::Agent(n) => n.on_start(ctx),
            DeployNode::App(n) => n.on_start(ctx),
            DeployNode::Monitor(n) => n.on_start(ctx),
            DeployNode::Edge(n) => n.on_start(ctx),
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match self {
            DeployNode::Client(n) => n.on_message(ctx, msg),
            DeployNode::Service(n) => n.on_message(ctx, from, msg),
            DeployNode::Container(n) => n.on_message(ctx, from, msg),
            DeployNode::Kubelet(n) => n.on_message(from, msg),
            DeployNode::Control(n) => n.on_message(ctx, from, msg),
            DeployNode::Job(n) => n.on_message(ctx, from, msg),
            DeployNode::Agent(n) => n.on_message(from, msg),
            DeployNode::Proxy(n) => n.on_message(ctx, from, msg),
            DeployNode::Server(n) => n.on_message(ctx, from, msg),
            DeployNode::App(n) => n.on_message(ctx, msg),
            DeployNode::Ambassador(n) => n.on_message(ctx, msg),
            DeployNode::Exporter(n) => n.on_message(ctx, from, msg),
            DeployNode::Adapter(n) => n.on_message(ctx, from, msg),
            DeployNode::Monitor(n) => n.on_message(ctx, msg),
            DeployNode::HostOs(_) => {}
            DeployNode::Edge(n) => n.on_message(ctx, from, msg),
        }
    }

    fn on_timer(&mut self, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match self {
            DeployNode::Client(n) => n.on_timer(ctx, timer),
            DeployNode::Container(n) => n.on_timer(ctx, timer),
            DeployNode::Kubelet(n) => n.on_timer(ctx, timer),
            DeployNode::Control(n) => n.on_timer(ctx, timer),
            DeployNode::Job(n) => n.on_timer(ctx),
            DeployNode::Agent(n) => n.on_timer(ctx),
            DeployNode::App(n) => n.on_timer(ctx, timer),
            DeployNode::Monitor(n) => n.on_timer(ctx),
            DeployNode::Edge(n) => n.on_timer(ctx),
            _ => {}
        }
    }

    fn on_crash(&mut self) {
        match self {
            DeployNode::Client(n) => n.on_crash(),
            DeployNode::Container(n) => n.on_crash(),
            DeployNode::Kubelet(n) => n.on_crash(),
            DeployNode::Job(n) => n.on_crash(),
            DeployNode::Agent(n) => n.on_crash(),
            DeployNode::App(n) => n.on_crash(),
            DeployNode::Ambassador(n) => n.on_crash(),
            DeployNode::Adapter(n) => n.on_crash(),
            DeployNode::HostOs(n) => n.on_crash(),
            DeployNode::Edge(n) => n.on_crash(),
            _ => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            DeployNode::Client(n) => n.view(),
            DeployNode::Service(n) => n.view(),
            DeployNode::Container(n) => n.view(),
            DeployNode::Kubelet(n) => n.view(),
            DeployNode::Control(n) => n.view(),
            DeployNode::Job(n) => n.view(),
            DeployNode::Agent(n) => n.view(),
            DeployNode::Proxy(n) => n.view(),
            DeployNode::Server(n) => n.view(),
            DeployNode::App(n) => n.view(),
            DeployNode::Ambassador(n) => n.view(),
            DeployNode::Exporter(n) => n.view(),
            DeployNode::Adapter(n) => n.view(),
            DeployNode::Monitor(n) => n.view(),
            DeployNode::HostOs(n) => n.view(),
            DeployNode::Edge(n) => n.view(),
        }
    }

    fn service(&self, msg: &Msg) -> Option<Delay> {
        match self {
            DeployNode::Container(n) => n.service(msg),
            DeployNode::Proxy(n) => n.service(msg),
            DeployNode::Server(n) => n.service(msg),
            _ => None,
        }
    }

    fn workers(&self) -> Workers {
        Workers {
            limit: 1,
            queue: Some(BACKLOG),
        }
    }

    fn on_command(&mut self, ctx: &mut Ctx<'_, Self>, verb: &str, arg: i64) {
        if let DeployNode::HostOs(n) = self {
            n.on_command(ctx, verb, arg);
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
            Msg::Get { id, .. } | Msg::Put { id, .. } | Msg::Got { id, .. } | Msg::PutOk { id } => {
                format!("op {id}")
            }
            _ => msg.to_string(),
        }
    }

    fn note_is_minor(note: &Note) -> bool {
        matches!(note, Note::TimedOut { .. })
    }
}
