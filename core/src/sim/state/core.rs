//! The part of a run's state that does not depend on the pattern's types: time, the
//! queue, statuses, clocks, the network, messages in flight, the workers' queues, the
//! RNG, and how many messages, fired timers and notes the run has logged.

use super::super::action::Action;
use super::super::load::Delay;
use super::super::network::LinkSelector;
use super::super::node::Workers;
use super::*;

/// The pattern-independent state of a run.
#[derive(Clone)]
pub(super) struct Core {
    pub(super) now: SimTime,
    pub(super) steps: usize,
    pub(super) events: usize,
    pub(super) seq: u64,
    pub(super) next_token: u64,
    pub(super) next_msg: u32,
    /// Timer events so far: the next one's slot in the typed log.
    pub(super) timers_fired: u32,
    /// Note events so far: the next one's slot in the typed log.
    pub(super) notes: u32,
    pub(super) next_action: usize,
    pub(super) rng: Rng,
    pub(super) queue: BinaryHeap<Reverse<Scheduled>>,
    pub(super) status: Vec<NodeStatus>,
    pub(super) clocks: Vec<WallClock>,
    pub(super) parked: Vec<Vec<Pending>>,
    pub(super) network: Network,
    pub(super) in_flight: BTreeMap<MsgId, InFlight>,
    pub(super) servers: Vec<Server>,
    pub(super) topology: Arc<Topology>,
    pub(super) builtins: Builtins,
    /// The trace event whose handler is running (what a message sent now is caused by).
    pub(super) cause: Option<u32>,
}

impl Core {
    pub(super) fn schedule(&mut self, time: SimTime, what: Pending) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            time,
            seq: self.seq,
            what,
        }));
    }

    /// When the next step would happen (ignoring the horizon).
    pub(crate) fn next_time(&self, actions: &[(TimedAction<NodeId>, Origin)]) -> Option<SimTime> {
        let queued = self.queue.peek().map(|Reverse(s)| s.time);
        let action = actions.get(self.next_action).map(|(a, _)| a.at);
        match (queued, action) {
            (Some(q), Some(a)) => Some(if a < q { a.max(self.now) } else { q }),
            (q, a) => q.or(a.map(|a| a.max(self.now))),
        }
    }

    /// A new message from `from` to `to`: its id, its fate (cut by a partition, lost, or
    /// arriving after the link's latency) and whether the network duplicates it (never
    /// an `original`'s copy); one that arrives is put in flight and scheduled.
    pub(super) fn route(
        &mut self,
        from: NodeId,
        to: NodeId,
        original: bool,
    ) -> (MsgId, Fate, bool) {
        let msg = MsgId(self.next_msg);
        self.next_msg += 1;
        let link = self
            .network
            .override_of(from, to)
            .or_else(|| self.topology.local_link(from, to))
            .unwrap_or(self.network.default_link());
        let fate = if to.index() >= self.status.len() || self.network.is_blocked(from, to) {
            Fate::Cut
        } else if original && self.rng.chance(link.loss) {
            Fate::Lost
        } else {
            let latency = self.rng.in_range(link.latency_min_us, link.latency_max_us);
            Fate::Arrives(self.now.plus_micros(latency))
        };
        let duplicate =
            original && matches!(fate, Fate::Arrives(_)) && self.rng.chance(link.duplication);
        if let Fate::Arrives(due_at) = fate {
            let held_at = None;
            self.in_flight.insert(msg, InFlight { due_at, held_at });
            self.schedule(due_at, Pending::Deliver(msg));
        }
        (msg, fate, duplicate)
    }

    /// Applies an action on the network, a message in flight or a clock.
    pub(super) fn apply_network_action(&mut self, action: &Action<NodeId>) {
        match action {
            Action::Partition { from, to, one_way } => {
                let (from, to) = (self.expand(from), self.expand(to));
                self.network.block(&from, &to);
                if !one_way {
                    self.network.block(&to, &from);
                }
            }
            Action::Heal => self.network.heal(),
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
            Action::SkewClock { node, delta_us } if node.index() < self.status.len() => {
                self.clocks[node.index()].adjust(self.now, *delta_us);
            }
            Action::SetDrift { node, ppm } if node.index() < self.status.len() => {
                self.clocks[node.index()].set_drift(self.now, *ppm);
            }
            Action::SetLink { link, cfg } => {
                let which = match link {
                    Some((a, b)) => LinkSelector::Between(*a, *b),
                    None => LinkSelector::All,
                };
                self.network.set_link(which, *cfg);
            }
            _ => {}
        }
    }

    /// The nodes a list of references means (groups expanded), in order, without repeats.
    fn expand(&self, refs: &[NodeId]) -> Vec<NodeId> {
        let mut out: Vec<NodeId> = Vec::new();
        for &r in refs {
            for n in self.topology.targets(r, self.status.len()) {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Resumes a paused node: what waited is scheduled now, in order.
    pub(super) fn resume(&mut self, n: NodeId) {
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

    /// A plain-data picture with messages drawn at `at`, from the nodes' views and pending
    /// timers and each message's sender, receiver, send time and text; the checker's facts
    /// and tables are the caller's to add.
    pub(super) fn snapshot(
        &self,
        names: &[String],
        (views, timers): (Vec<NodeView>, Vec<Vec<TimerSnapshot>>),
        message: &dyn Fn(MsgId) -> Option<(NodeId, NodeId, SimTime, String)>,
        at: SimTime,
    ) -> Snapshot {
        let at = at.max(self.now);
        let nodes = views
            .into_iter()
            .zip(timers)
            .enumerate()
            .map(|(i, (view, timers))| NodeSnapshot {
                id: NodeId(i as u32),
                name: names.get(i).cloned().unwrap_or_default(),
                role: view.role,
                status: self.status[i],
                wall_clock: self.clocks[i].read(at),
                skew_us: self.clocks[i].skew_at(at),
                drift_ppm: self.clocks[i].drift_ppm(),
                headline: view.headline,
                fields: view.fields,
                busy: self.servers[i].busy(),
                queued: self.servers[i].queued(),
                timers,
            })
            .collect();
        let in_flight = self
            .in_flight
            .iter()
            .filter_map(|(&id, flight)| {
                let (from, to, sent_at, label) = message(id)?;
                let drawn_at = flight.held_at.unwrap_or(at);
                Some(FlightSnapshot {
                    id,
                    from,
                    to,
                    label,
                    sent_at,
                    due_at: flight.due_at,
                    progress_permille: progress_permille(sent_at, flight.due_at, drawn_at),
                    held: flight.held_at.is_some(),
                })
            })
            .collect();
        Snapshot {
            time: at,
            steps: self.steps,
            events: self.events,
            nodes,
            in_flight,
            cut_links: self.network.blocked_links().collect(),
            facts: Vec::new(),
            tables: Vec::new(),
            plots: Vec::new(),
            link: self.network.default_link(),
        }
    }

    /// `msg` reaches `to`, whose handling takes `work` and who has `workers`: a worker
    /// takes it (`Some(0)`), it waits (`Some(queue length)`), or the full queue refuses
    /// it (`None`).
    pub(super) fn admit(
        &mut self,
        to: NodeId,
        msg: MsgId,
        workers: Workers,
        work: Delay,
        measures: &mut Vec<Measure>,
    ) -> Option<u32> {
        let server = &mut self.servers[to.index()];
        if server.serving.len() < workers.limit.max(1) as usize {
            server.serving.push(msg);
            self.start_work(to, msg, work);
            Some(0)
        } else if workers
            .queue
            .is_none_or(|bound| server.waiting.len() < bound as usize)
        {
            server.waiting.push_back(msg);
            let queued = server.waiting.len() as u32;
            self.measure_queue(to, measures);
            Some(queued)
        } else {
            None
        }
    }

    /// A worker of `node` takes `msg`: its service time is drawn now.
    pub(super) fn start_work(&mut self, node: NodeId, msg: MsgId, work: Delay) {
        let took = work.draw(&mut self.rng);
        self.schedule(self.now.plus_micros(took), Pending::Complete { node, msg });
    }

    /// Records `node`'s queue depth, when the pattern charts it.
    pub(super) fn measure_queue(&mut self, node: NodeId, measures: &mut Vec<Measure>) {
        if let Some(metric) = self.builtins.queue {
            measures.push(Measure {
                metric,
                node: Some(node),
                value: i64::from(self.servers[node.index()].queued()),
            });
        }
    }

    /// Everything `node` was about to receive or handle, lost as it crashes or leaves:
    /// deliveries parked while it was paused, then the work in hand and its queue.
    pub(super) fn lose_messages(
        &mut self,
        node: NodeId,
        measures: &mut Vec<Measure>,
    ) -> Vec<MsgId> {
        let mut lost = Vec::new();
        for what in std::mem::take(&mut self.parked[node.index()]) {
            if let Pending::Deliver(msg) = what {
                if self.in_flight.remove(&msg).is_some() {
                    lost.push(msg);
                }
            }
        }
        let server = std::mem::take(&mut self.servers[node.index()]);
        let had_queue = !server.waiting.is_empty();
        lost.extend(server.serving.into_iter().chain(server.waiting));
        if had_queue {
            self.measure_queue(node, measures);
        }
        lost
    }
}
