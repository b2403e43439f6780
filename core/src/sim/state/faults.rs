//! Faults and membership: what an action does to nodes, groups and the network.
//!
//! A fault may name a group: it applies to every node nested in it, in id order. A
//! crashed node keeps only what its `on_crash` leaves and loses its timers, its queue
//! and the work in hand; a retired node loses the same and becomes absent, until it
//! joins again (and starts, like a restart).

use super::super::action::Action;
use super::super::network::LinkSelector;
use super::*;

impl<N: Node, C: Checker<N>> State<N, C> {
    pub(super) fn apply_action(
        &mut self,
        action: &Action<NodeId>,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        let lane = match action {
            // Only messages already sent: a seek's replay can see the whole log.
            Action::Drop(m)
            | Action::Hold(m)
            | Action::Release(m)
            | Action::Delay { msg: m, .. } => {
                log.get(*m).filter(|_| m.0 < self.next_msg).map(|r| r.to)
            }
            other => other.subject().copied(),
        };
        let lane = lane.filter(|n| n.index() < self.nodes.len());
        self.record(scratch, lane, EventKind::Action(Box::new(action.clone())));
        let valid = |n: &NodeId| n.index() < self.nodes.len();
        match action {
            Action::Crash(r)
            | Action::Restart(r)
            | Action::Pause(r)
            | Action::Resume(r)
            | Action::Join(r)
            | Action::Retire(r) => {
                for n in self.topology.targets(*r, self.nodes.len()) {
                    self.apply_node_fault(action, n, log, scratch);
                }
            }
            Action::Command { node, verb, arg }
                if valid(node) && self.status[node.index()] == NodeStatus::Up =>
            {
                self.run_handler(*node, log, scratch, |n, ctx| n.on_command(ctx, verb, *arg));
            }
            Action::Partition { from, to, one_way } => {
                let (from, to) = (self.expand(from), self.expand(to));
                self.network.block(&from, &to);
                if !one_way {
                    self.network.block(&to, &from);
                }
            }
            Action::Heal => self.network.heal(),
            Action::Drop(msg) if self.in_flight.remove(msg).is_some() => {
                let reason = DropReason::ByUser;
                self.record(scratch, lane, EventKind::Dropped { msg: *msg, reason });
            }
            Action::Hold(msg) => {
                if let Some(flight) = self.in_flight.get_mut(msg).filter(|f| f.held_at.is_none()) {
                    flight.held_at = Some(self.now);
                }
            }
            Action::Release(msg) => {
                if let Some(flight) = self.in_flight.get_mut(msg).filter(|f| f.held_at.is_some()) {
                    flight.held_at = None;
                    flight.due_at = self.now;
                    self.schedule(self.now, Pending::Deliver(*msg));
                }
            }
            Action::Delay { msg, by_us } => {
                if let Some(flight) = self.in_flight.get_mut(msg).filter(|f| f.held_at.is_none()) {
                    // Never into the past: a waiting message delayed a little is due now.
                    flight.due_at = flight.due_at.plus_micros(*by_us).max(self.now);
                    let due = flight.due_at;
                    self.schedule(due, Pending::Deliver(*msg));
                }
            }
            Action::SkewClock { node, delta_us } if valid(node) => {
                self.clocks[node.index()].adjust(self.now, *delta_us);
            }
            Action::SetDrift { node, ppm } if valid(node) => {
                self.clocks[node.index()].set_drift(self.now, *ppm);
            }
            Action::SetLink { link, cfg } => {
                let which = match link {
                    Some((a, b)) => LinkSelector::Between(*a, *b),
                    None => LinkSelector::All,
                };
                self.network.set_link(which, *cfg);
            }
            // Acting on an unknown node or in a state where the action means nothing
            // (a command to a crashed node) is recorded and ignored.
            _ => {}
        }
    }

    /// The nodes a list of references means (groups expanded), in order, without repeats.
    fn expand(&self, refs: &[NodeId]) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = Vec::new();
        for &r in refs {
            for n in self.topology.targets(r, self.nodes.len()) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Applies a node fault or a membership change to one node; one that means nothing
    /// in the node's state (restarting a running node) does nothing.
    fn apply_node_fault(
        &mut self,
        action: &Action<NodeId>,
        n: NodeId,
        log: &mut Log<'_, N::Msg>,
        scratch: &mut Scratch<N>,
    ) {
        match (action, self.status[n.index()]) {
            (Action::Crash(_), _) => self.crash(n, scratch),
            (Action::Restart(_), NodeStatus::Crashed) => {
                self.status[n.index()] = NodeStatus::Up;
                self.record(scratch, Some(n), EventKind::Start);
                self.run_handler(n, log, scratch, |node, ctx| node.on_start(ctx));
            }
            (Action::Pause(_), NodeStatus::Up) => self.status[n.index()] = NodeStatus::Paused,
            (Action::Resume(_), NodeStatus::Paused) => self.resume(n),
            (Action::Join(_), _) => self.join(n, log, scratch),
            (Action::Retire(_), _) => self.retire(n, scratch),
            _ => {}
        }
    }

    /// Resumes a paused node: what waited is scheduled now, in order.
    fn resume(&mut self, n: NodeId) {
        self.status[n.index()] = NodeStatus::Up;
        for what in std::mem::take(&mut self.parked[n.index()]) {
            let at = match what {
                Pending::Deliver(msg) => match self.in_flight.get_mut(&msg) {
                    // A message delayed while it waited keeps its later due time.
                    Some(flight) if flight.held_at.is_none() => {
                        flight.due_at = flight.due_at.max(self.now);
                        flight.due_at
                    }
                    _ => continue,
                },
                _ => self.now,
            };
            self.schedule(at, what);
        }
    }

    /// Brings an absent node into the run: it starts now.
    pub(super) fn join(&mut self, n: NodeId, log: &mut Log<'_, N::Msg>, scratch: &mut Scratch<N>) {
        if self.status.get(n.index()) != Some(&NodeStatus::Absent) {
            return;
        }
        self.status[n.index()] = NodeStatus::Up;
        self.record(scratch, Some(n), EventKind::Start);
        self.run_handler(n, log, scratch, |node, ctx| node.on_start(ctx));
    }

    /// Takes a node out of the run: it forgets what a crash forgets and becomes absent.
    pub(super) fn retire(&mut self, n: NodeId, scratch: &mut Scratch<N>) {
        if matches!(self.status.get(n.index()), None | Some(NodeStatus::Absent)) {
            return;
        }
        self.crash(n, scratch);
        self.status[n.index()] = NodeStatus::Absent;
        self.record(scratch, Some(n), EventKind::Retired);
    }

    fn crash(&mut self, node: NodeId, scratch: &mut Scratch<N>) {
        let i = node.index();
        if matches!(self.status[i], NodeStatus::Crashed | NodeStatus::Absent) {
            return;
        }
        self.status[i] = NodeStatus::Crashed;
        self.nodes[i].on_crash();
        self.timers[i].clear();
        for what in std::mem::take(&mut self.parked[i]) {
            if let Pending::Deliver(msg) = what {
                if self.in_flight.remove(&msg).is_some() {
                    let reason = DropReason::ReceiverDown;
                    self.record(scratch, Some(node), EventKind::Dropped { msg, reason });
                }
            }
        }
        self.drop_work(node, scratch);
    }
}
