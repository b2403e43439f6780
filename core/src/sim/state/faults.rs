//! Faults and membership: what an action does to nodes, groups and the network.
//!
//! A fault may name a group: it applies to every node nested in it, in id order. A
//! crashed node keeps only what its `on_crash` leaves and loses its timers, its queue
//! and the work in hand; a retired node loses the same and becomes absent, until it
//! joins again (and starts, like a restart).

use super::super::action::Action;
use super::*;
use crate::sim::metrics::Measure;

impl State {
    pub(super) fn apply_action(
        &mut self,
        action: &Action<NodeId>,
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
    ) {
        let lane = match action {
            // Only messages already sent: a seek's replay can see the whole log.
            Action::Drop(m)
            | Action::Hold(m)
            | Action::Release(m)
            | Action::Delay { msg: m, .. } => log
                .read()
                .envelope(*m)
                .filter(|_| m.0 < self.core.next_msg)
                .map(|r| r.to),
            other => other.subject().copied(),
        };
        let nodes = self.core.status.len();
        let lane = lane.filter(|n| n.index() < nodes);
        self.record(scratch, lane, EventKind::Action(Box::new(action.clone())));
        let valid = |n: &NodeId| n.index() < nodes;
        match action {
            Action::Crash(r)
            | Action::Restart(r)
            | Action::Pause(r)
            | Action::Resume(r)
            | Action::Join(r)
            | Action::Retire(r) => {
                for n in self.core.topology.targets(*r, nodes) {
                    self.apply_node_fault(action, n, log, scratch);
                }
            }
            Action::Command { node, verb, arg }
                if valid(node) && self.core.status[node.index()] == NodeStatus::Up =>
            {
                let call = Call::Command { verb, arg: *arg };
                self.run_handler(*node, call, log, scratch);
            }
            Action::Drop(msg) if self.core.in_flight.remove(msg).is_some() => {
                let reason = DropReason::ByUser;
                self.record(scratch, lane, EventKind::Dropped { msg: *msg, reason });
            }
            Action::SkewClock { .. }
            | Action::SetDrift { .. }
            | Action::Partition { .. }
            | Action::Heal
            | Action::Hold(_)
            | Action::Release(_)
            | Action::Delay { .. }
            | Action::SetLink { .. } => self.core.apply_network_action(action),
            // Acting on an unknown node or in a state where the action means nothing
            // (a command to a crashed node) is recorded and ignored.
            _ => {}
        }
    }

    /// Applies a node fault or a membership change to one node; one that means nothing
    /// in the node's state (restarting a running node) does nothing.
    fn apply_node_fault(
        &mut self,
        action: &Action<NodeId>,
        n: NodeId,
        log: &mut LogRef<'_>,
        scratch: &mut Scratch,
    ) {
        match (action, self.core.status[n.index()]) {
            (Action::Crash(_), _) => self.crash(n, scratch),
            (Action::Restart(_), NodeStatus::Crashed) => {
                self.core.status[n.index()] = NodeStatus::Up;
                self.record(scratch, Some(n), EventKind::Start);
                self.run_handler(n, Call::Start, log, scratch);
            }
            (Action::Pause(_), NodeStatus::Up) => self.core.status[n.index()] = NodeStatus::Paused,
            (Action::Resume(_), NodeStatus::Paused) => self.core.resume(n),
            (Action::Join(_), _) => self.join(n, log, scratch),
            (Action::Retire(_), _) => self.retire(n, scratch),
            _ => {}
        }
    }

    /// Brings an absent node into the run: it starts now.
    pub(super) fn join(&mut self, n: NodeId, log: &mut LogRef<'_>, scratch: &mut Scratch) {
        if self.core.status.get(n.index()) != Some(&NodeStatus::Absent) {
            return;
        }
        self.core.status[n.index()] = NodeStatus::Up;
        self.record(scratch, Some(n), EventKind::Start);
        self.run_handler(n, Call::Start, log, scratch);
    }

    /// Takes a node out of the run: it forgets what a crash forgets and becomes absent.
    pub(super) fn retire(&mut self, n: NodeId, scratch: &mut Scratch) {
        if matches!(
            self.core.status.get(n.index()),
            None | Some(NodeStatus::Absent)
        ) {
            return;
        }
        self.crash(n, scratch);
        self.core.status[n.index()] = NodeStatus::Absent;
        self.record(scratch, Some(n), EventKind::Retired);
    }

    fn crash(&mut self, node: NodeId, scratch: &mut Scratch) {
        let i = node.index();
        if matches!(
            self.core.status[i],
            NodeStatus::Crashed | NodeStatus::Absent
        ) {
            return;
        }
        self.core.status[i] = NodeStatus::Crashed;
        self.pattern.crash(node);
        // What it held or did is gone: its gauges fall to zero.
        let gauges = self.core.builtins.node_gauges;
        for metric in (0..64).filter(|m| gauges & 1 << m != 0) {
            let node = Some(node);
            scratch.measures.push(Measure {
                metric,
                node,
                value: 0,
            });
        }
        for msg in self.core.lose_messages(node, &mut scratch.measures) {
            let reason = DropReason::ReceiverDown;
            self.record(scratch, Some(node), EventKind::Dropped { msg, reason });
        }
    }
}
