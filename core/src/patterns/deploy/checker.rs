//! The family's checker: one type over its patterns' checkers, so that the engine's
//! pattern-facing code is compiled once for the family, not once per pattern.

use super::hosts::HostsChecker;
use super::msg::Msg;
use super::pods::PodsChecker;
use super::proxies::ProxiesChecker;
use super::sidecar::SidecarChecker;
use super::DeployNode;
use crate::sim::checker::{Breach, Checker, Property, World};
use crate::sim::metrics::Measure;
use crate::sim::trace::{MessageRecord, TraceEvent};

/// The checker of one of the family's stories.
#[derive(Clone, Debug)]
pub enum DeployChecker {
    /// Pods and services.
    Pods(PodsChecker),
    /// Sidecar, ambassador, adapter.
    Sidecar(SidecarChecker),
    /// Hosts, VMs, containers.
    Hosts(HostsChecker),
    /// Reverse and client proxies.
    Proxies(ProxiesChecker),
}

impl Checker<DeployNode> for DeployChecker {
    fn properties(&self) -> &'static [Property] {
        match self {
            DeployChecker::Pods(c) => c.properties(),
            DeployChecker::Sidecar(c) => c.properties(),
            DeployChecker::Hosts(c) => c.properties(),
            DeployChecker::Proxies(c) => c.properties(),
        }
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<DeployNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        match self {
            DeployChecker::Pods(c) => c.observe(index, event, msg),
            DeployChecker::Sidecar(c) => c.observe(index, event, msg),
            DeployChecker::Hosts(c) => c.observe(index, event, msg),
            DeployChecker::Proxies(c) => c.observe(index, event, msg),
        }
    }

    fn check(&mut self, nodes: &[DeployNode], world: &World<'_>, out: &mut Vec<Breach>) {
        match self {
            DeployChecker::Pods(c) => c.check(nodes, world, out),
            DeployChecker::Sidecar(c) => c.check(nodes, world, out),
            DeployChecker::Hosts(c) => c.check(nodes, world, out),
            DeployChecker::Proxies(c) => c.check(nodes, world, out),
        }
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        match self {
            DeployChecker::Pods(c) => c.measure(out),
            DeployChecker::Proxies(c) => c.measure(out),
            _ => {}
        }
    }

    fn facts(&self, nodes: &[DeployNode]) -> Vec<(&'static str, String)> {
        match self {
            DeployChecker::Pods(c) => c.facts(nodes),
            DeployChecker::Sidecar(c) => c.facts(),
            DeployChecker::Proxies(c) => c.facts(),
            DeployChecker::Hosts(_) => Vec::new(),
        }
    }
}

/// A message event for the family's checkers' unit tests (see
/// [`crate::sim::trace::message_event`]).
#[cfg(test)]
pub(crate) fn message_event(
    index: usize,
    at: u64,
    ends: (u32, u32),
    payload: Msg,
    deliver: bool,
) -> (TraceEvent<DeployNode>, MessageRecord<Msg>) {
    crate::sim::trace::message_event(index, at, ends, payload, deliver)
}
