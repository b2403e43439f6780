//! The control plane, as far as this story needs it: the node controller, which marks
//! a host not ready when its kubelet's status has not come for the grace period and
//! evicts its pods after the toleration, scheduling each on another host; and the
//! endpoints controller, which tells the service which containers are ready.

use crate::patterns::deploy::msg::{Msg, Note, Ready, Timer};
use crate::patterns::deploy::DeployNode;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Node-failure settings (Kubernetes: grace 40 s, toleration 300 s; scaled here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Eviction {
    /// How long without a status before a host is not ready.
    pub grace_us: u64,
    /// How long a host stays not ready before its pods are evicted.
    pub toleration_us: u64,
}

/// How the control plane sees one host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostState {
    Ready,
    NotReady(WallTime),
    Evicted,
}

/// One host: its kubelet, the containers that may run there, and what it last reported.
#[derive(Clone, Debug)]
pub struct Host {
    kubelet: NodeId,
    containers: Vec<NodeId>,
    // Volatile.
    last: WallTime,
    state: HostState,
    ready: Vec<Ready>,
}

impl Host {
    /// A host whose `kubelet` reports on `containers`, of which `running` are ready now.
    pub fn new(kubelet: NodeId, containers: Vec<NodeId>, running: usize) -> Host {
        let ready = containers.iter().take(running).map(|c| (c.0, 1)).collect();
        Host {
            kubelet,
            containers,
            last: WallTime::default(),
            state: HostState::Ready,
            ready,
        }
    }
}

/// The control plane.
#[derive(Clone, Debug)]
pub struct Control {
    service: NodeId,
    eviction: Eviction,
    hosts: Vec<Host>,
    /// Each pod's replacement on another host, if it is evicted.
    replacements: Vec<(NodeId, NodeId)>,
    /// Durable (etcd): the containers scheduled to run.
    scheduled: Vec<NodeId>,
    version: u64,
    published: Vec<Ready>,
}

/// How often the node controller looks at its hosts.
const MONITOR_US: u64 = 5_000;

impl Control {
    /// A control plane over `hosts`, telling `service` the endpoints; `replacements`
    /// maps a pod to the one scheduled when it is evicted.
    pub fn new(
        service: NodeId,
        eviction: Eviction,
        hosts: Vec<Host>,
        replacements: Vec<(NodeId, NodeId)>,
    ) -> Control {
        // Every container is scheduled, but the replacements, until they are needed.
        let scheduled: Vec<NodeId> = hosts
            .iter()
            .flat_map(|h| h.containers.iter().copied())
            .filter(|c| !replacements.iter().any(|r| r.1 == *c))
            .collect();
        let mut control = Control {
            service,
            eviction,
            hosts,
            replacements,
            scheduled,
            version: 0,
            published: Vec::new(),
        };
        control.published = control.endpoints();
        control
    }

    /// The endpoints the service starts with.
    pub fn initial_endpoints(&self) -> Vec<Ready> {
        self.published.clone()
    }

    fn endpoints(&self) -> Vec<Ready> {
        let ready_hosts = self.hosts.iter().filter(|h| h.state == HostState::Ready);
        ready_hosts
            .flat_map(|h| h.ready.iter().copied())
            .filter(|r| self.scheduled.contains(&NodeId(r.0)))
            .collect()
    }

    fn publish(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        let ready = self.endpoints();
        if ready != self.published {
            self.version += 1;
            self.published.clone_from(&ready);
            let version = self.version;
            ctx.send(self.service, Msg::Endpoints { version, ready });
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        let now = ctx.monotonic();
        for host in &mut self.hosts {
            host.last = now;
        }
        ctx.set_timer(Timer::Monitor, MONITOR_US, MONITOR_US);
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        let Msg::Heartbeat { ready } = msg else {
            return;
        };
        let Some(h) = self.hosts.iter().position(|h| h.kubelet == from) else {
            return;
        };
        let host = &mut self.hosts[h];
        host.last = ctx.monotonic();
        host.ready = ready;
        if host.state != HostState::Ready {
            host.state = HostState::Ready;
            ctx.note(Note::NodeReady { host: h as u32 });
        }
        self.publish(ctx);
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>, timer: Timer) {
        if timer != Timer::Monitor {
            return;
        }
        let now = ctx.monotonic();
        let elapsed = |since: WallTime| u64::try_from(now.0 - since.0).unwrap_or(0);
        for h in 0..self.hosts.len() {
            match self.hosts[h].state {
                HostState::Ready if elapsed(self.hosts[h].last) > self.eviction.grace_us => {
                    self.hosts[h].state = HostState::NotReady(now);
                    ctx.note(Note::NodeNotReady { host: h as u32 });
                }
                HostState::NotReady(since) if elapsed(since) > self.eviction.toleration_us => {
                    self.hosts[h].state = HostState::Evicted;
                    let replaced = self.evict(ctx, h);
                    ctx.note(Note::Evicted {
                        host: h as u32,
                        replaced,
                    });
                }
                _ => {}
            }
        }
        self.publish(ctx);
        ctx.set_timer(Timer::Monitor, MONITOR_US, MONITOR_US);
    }

    /// Deletes host `h`'s pods and schedules their replacements; returns how many.
    fn evict(&mut self, ctx: &mut Ctx<'_, DeployNode>, h: usize) -> u32 {
        let mut replaced = 0;
        for &pod in &self.hosts[h].containers {
            let Some(at) = self.scheduled.iter().position(|&s| s == pod) else {
                continue;
            };
            self.scheduled.remove(at);
            ctx.retire(pod);
            let spare = self.replacements.iter().find(|r| r.0 == pod).map(|r| r.1);
            if let Some(spare) = spare.filter(|s| !self.scheduled.contains(s)) {
                self.scheduled.push(spare);
                ctx.join(spare);
                replaced += 1;
            }
        }
        replaced
    }

    pub(crate) fn view(&self) -> NodeView {
        let not_ready = self
            .hosts
            .iter()
            .filter(|h| h.state != HostState::Ready)
            .count();
        NodeView {
            role: "control plane",
            headline: format!("{} endpoints", self.published.len()),
            fields: vec![
                ("pods scheduled", self.scheduled.len().to_string()),
                ("hosts not ready", not_ready.to_string()),
                (
                    "grace, toleration",
                    format!(
                        "{} ms, {} ms",
                        self.eviction.grace_us / 1_000,
                        self.eviction.toleration_us / 1_000
                    ),
                ),
            ],
        }
    }
}
