//! A proxy sidecar, forwarding requests from the container beside it to its upstream
//! and answers back, each pass taking a little work; and a server that answers requests
//! and keeps a small key-value store.

use std::collections::BTreeMap;

use crate::patterns::deploy::msg::{Msg, Note};
use crate::patterns::deploy::DeployNode;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A forwarding proxy in a pod (Envoy as a sidecar, here).
#[derive(Clone, Debug)]
pub struct Proxy {
    downstream: NodeId,
    upstream: NodeId,
    work: Delay,
    /// Durable: told to stop (a stopped container stays stopped).
    exited: bool,
    forwarded: u64,
}

impl Proxy {
    /// A proxy for `downstream`'s requests to `upstream`, each pass taking `work`.
    pub fn new(downstream: NodeId, upstream: NodeId, work: Delay) -> Proxy {
        Proxy {
            downstream,
            upstream,
            work,
            exited: false,
            forwarded: 0,
        }
    }

    pub(crate) fn service(&self, msg: &Msg) -> Option<Delay> {
        let traffic = matches!(msg, Msg::Request { .. } | Msg::Response { .. });
        (traffic && !self.exited).then_some(self.work)
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Poll => ctx.send(
                from,
                Msg::State {
                    exited: self.exited,
                },
            ),
            Msg::Stop if !self.exited => {
                self.exited = true;
                ctx.note(Note::Exited);
            }
            _ if self.exited => {}
            Msg::Request { .. } => {
                self.forwarded += 1;
                ctx.send(self.upstream, msg);
            }
            Msg::Response { .. } => ctx.send(self.downstream, msg),
            _ => {}
        }
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "sidecar",
            headline: if self.exited { "exited" } else { "running" }.to_string(),
            fields: vec![("requests forwarded", self.forwarded.to_string())],
        }
    }
}

/// A remote server: answers requests, and reads and writes its keys (newest version
/// wins, so a late, older write never overwrites a newer one).
#[derive(Clone, Debug)]
pub struct Server {
    work: Delay,
    /// Durable: each key's value (its version is the value itself).
    data: BTreeMap<u64, u64>,
    served: u64,
}

impl Server {
    /// A server whose requests take `work` each.
    pub fn new(work: Delay) -> Server {
        Server {
            work,
            data: BTreeMap::new(),
            served: 0,
        }
    }

    pub(crate) fn service(&self, _msg: &Msg) -> Option<Delay> {
        Some(self.work)
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        if let Msg::Probe { round } = msg {
            // A health check: it is up.
            let (boot, warm) = (0, true);
            ctx.send(from, Msg::Status { round, boot, warm });
            return;
        }
        self.served += 1;
        let answer = match msg {
            Msg::Request { id } => Msg::Response { id, ok: true },
            Msg::Get { id, key } => Msg::Got {
                id,
                value: self.data.get(&key).copied(),
            },
            Msg::Put { id, key, value } => {
                let slot = self.data.entry(key).or_insert(value);
                *slot = (*slot).max(value);
                Msg::PutOk { id }
            }
            _ => return,
        };
        ctx.send(from, answer);
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "server",
            headline: if self.data.is_empty() {
                format!("{} served", self.served)
            } else {
                format!("{} keys", self.data.len())
            },
            fields: vec![("requests served", self.served.to_string())],
        }
    }
}
