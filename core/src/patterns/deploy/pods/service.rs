//! The service: a stable name in front of the pods. It balances requests round robin
//! over the endpoints the control plane lists as ready, each tagged with the container's
//! boot it was seen ready in, and relays the answers.

use super::ENDPOINTS;
use crate::patterns::deploy::msg::{Msg, Ready};
use crate::patterns::deploy::DeployNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// The service (kube-proxy's rules, as one node).
#[derive(Clone, Debug)]
pub struct Service {
    /// The ready endpoints and the version of the list they came in.
    ready: Vec<Ready>,
    version: u64,
    turn: usize,
    /// The metric that charts its endpoints, if its pattern has one.
    gauge: Option<usize>,
}

impl Service {
    /// A service routing to `ready` until the control plane says otherwise.
    pub fn new(ready: Vec<Ready>) -> Service {
        Service {
            ready,
            version: 0,
            turn: 0,
            gauge: None,
        }
    }

    /// The same, charting its endpoints (the pods pattern's gauge).
    pub fn charted(self) -> Service {
        Service {
            gauge: Some(ENDPOINTS),
            ..self
        }
    }

    fn measure(&self, ctx: &mut Ctx<'_, DeployNode>) {
        if let Some(gauge) = self.gauge {
            ctx.measure(gauge, self.ready.len() as i64);
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.measure(ctx);
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Request { id } => {
                if self.ready.is_empty() {
                    ctx.send(from, Msg::Response { id, ok: false });
                    return;
                }
                self.turn = (self.turn + 1) % self.ready.len();
                let (pod, boot) = self.ready[self.turn];
                let client = from.0;
                ctx.send(NodeId(pod), Msg::Work { client, id, boot });
            }
            Msg::Done { client, id, ok } => ctx.send(NodeId(client), Msg::Response { id, ok }),
            Msg::Refused { client, id } => {
                ctx.send(NodeId(client), Msg::Response { id, ok: false });
            }
            Msg::Endpoints { version, ready } if version > self.version => {
                self.version = version;
                self.ready = ready;
                self.measure(ctx);
            }
            _ => {}
        }
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "service",
            headline: format!("{} endpoints", self.ready.len()),
            fields: vec![("endpoints version", self.version.to_string())],
        }
    }
}
