//! A batch job's pod: the job container makes its calls through a proxy sidecar and
//! exits when it has made them all; the kubelet polls the pod's containers and reports
//! the job complete once every one has exited. A managed (native) sidecar is stopped by
//! the kubelet when the application containers have exited; a plain one runs on.

use crate::patterns::deploy::msg::{Msg, Note, Timer};
use crate::patterns::deploy::{DeployNode, LATENCY};
use crate::sim::node::{Ctx, NodeId, NodeView, Stamp};

/// How long the job waits for an answer before it asks again.
const RETRY_US: u64 = 20_000;
/// How often the kubelet polls the pod's containers.
const POLL_US: u64 = 10_000;

/// The job's application container.
#[derive(Clone, Debug)]
pub struct Job {
    proxy: NodeId,
    calls: u64,
    /// Durable: calls answered, and whether it has exited.
    done: u64,
    exited: bool,
    // Volatile: when the call in flight was first sent.
    sent: Option<Stamp>,
}

impl Job {
    /// A job that makes `calls` calls through `proxy`, one after the other.
    pub fn new(proxy: NodeId, calls: u64) -> Job {
        Job {
            proxy,
            calls,
            done: 0,
            exited: false,
            sent: None,
        }
    }

    fn call(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.sent.get_or_insert(ctx.stamp());
        ctx.send(self.proxy, Msg::Request { id: self.done + 1 });
        ctx.set_timer(Timer::Retry, RETRY_US, RETRY_US);
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        if !self.exited {
            self.call(ctx);
        }
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        if !self.exited {
            self.call(ctx);
        }
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Response { id, ok: true } if id == self.done + 1 && !self.exited => {
                self.done += 1;
                if let Some(sent) = self.sent.take() {
                    ctx.measure_since(LATENCY, sent);
                }
                if self.done == self.calls {
                    self.exited = true;
                    ctx.cancel_timer(Timer::Retry);
                    ctx.note(Note::Exited);
                } else {
                    self.call(ctx);
                }
            }
            Msg::Poll => ctx.send(
                from,
                Msg::State {
                    exited: self.exited,
                },
            ),
            _ => {}
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.sent = None;
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: "job",
            headline: if self.exited {
                "exited".to_string()
            } else {
                format!("{}/{} calls", self.done, self.calls)
            },
            fields: vec![("calls answered", self.done.to_string())],
        }
    }
}

/// The kubelet of the job's host, as far as the job's pod goes.
#[derive(Clone, Debug)]
pub struct Agent {
    /// The application containers, then the sidecars.
    containers: Vec<NodeId>,
    apps: usize,
    managed: bool,
    /// Durable: the job is complete.
    complete: bool,
    // Volatile.
    exited: Vec<bool>,
}

impl Agent {
    /// A kubelet over a pod of `containers`, the first `apps` of them the application's;
    /// `managed` when it stops the sidecars once the application has exited.
    pub fn new(containers: Vec<NodeId>, apps: usize, managed: bool) -> Agent {
        Agent {
            exited: vec![false; containers.len()],
            containers,
            apps,
            managed,
            complete: false,
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        if !self.complete {
            self.on_timer(ctx);
        }
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        if self.exited.iter().all(|&e| e) {
            self.complete = true;
            ctx.note(Note::JobComplete);
            return;
        }
        let apps_done = self.exited[..self.apps].iter().all(|&e| e);
        if apps_done && self.managed {
            let sidecars = self.containers[self.apps..].iter().copied();
            ctx.broadcast(sidecars, Msg::Stop);
        }
        ctx.broadcast(self.containers.iter().copied(), Msg::Poll);
        ctx.set_timer(Timer::Round, POLL_US, POLL_US);
    }

    pub(crate) fn on_message(&mut self, from: NodeId, msg: Msg) {
        if let (Msg::State { exited }, Some(i)) =
            (msg, self.containers.iter().position(|&c| c == from))
        {
            self.exited[i] = exited;
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.exited.fill(false);
    }

    pub(crate) fn view(&self) -> NodeView {
        let running = self.exited.iter().filter(|&&e| !e).count();
        NodeView {
            role: "kubelet",
            headline: if self.complete {
                "job complete".to_string()
            } else {
                format!("{running} running")
            },
            fields: vec![(
                "sidecars",
                if self.managed {
                    "managed: stopped after the job"
                } else {
                    "plain: left running"
                }
                .to_string(),
            )],
        }
    }
}
