//! Checks map/reduce from the trace: the tasks the master handed out and to whom, the
//! completions that reached it, the workers it heard from or marked failed, and the
//! outputs it committed, against word counts computed from the input itself.

use std::rc::Rc;

use super::corpus::{partition, Corpus};
use super::msg::{Msg, Note, Task};
use super::node::MapReduceNode;
use super::{BACKUPS, COMMITTED, SHUFFLED, STARTED};
use crate::patterns::findings::Findings;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::metrics::Measure;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::snapshot::Table;
use crate::sim::time::SimTime;
use crate::sim::trace::{DropReason, EventKind, Fate, MessageRecord, TraceEvent};

use attempts::Attempts;
use rerun::Places;

mod attempts;
mod rerun;

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "commit-once",
        sentence: "No reduce output is committed twice.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "correct-output",
        sentence: "Every committed output holds exactly the word counts of the input for \
                   its partition's words.",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "no-idle-worker",
        sentence: "While the master is up and the job is not done, no live worker has a \
                   free slot while a task could run in it: a task waiting to start, or, once \
                   none waits, a task of the phase still running as a single copy \
                   elsewhere (a backup).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "started-tasks-finish",
        sentence: "Every task that was started finishes or runs again elsewhere: once its \
                   worker dies (taking a finished map task's output with its disk, while \
                   a reduce still needs it), the task waits at most 60 ms while it could \
                   run (a reduce: every map output is on a live disk), a live worker has \
                   a free slot for it and the master is up. Judged while no message is \
                   lost (a lost assignment or report is noticed from the worker's \
                   heartbeats 30 ms on, which this bound leaves out).",
        kind: PropertyKind::Guarantee,
    },
];

const ONCE: usize = 0;
const CORRECT: usize = 1;
const NO_IDLE: usize = 2;
const RERUN: usize = 3;

/// Makes a task of one kind from its number.
type TaskOf = fn(u32) -> Task;

/// What the checker knows of one task.
#[derive(Clone, Debug, Default)]
struct Seen {
    /// Copies running: (worker, copy).
    copies: Vec<(NodeId, u32)>,
    /// For a map task: the worker whose output counts; for a reduce: the master, once
    /// committed.
    done_by: Option<NodeId>,
    commits: u32,
}

/// The map/reduce checker.
#[derive(Clone, Debug)]
pub struct MapReduceChecker {
    master: NodeId,
    /// What each partition's output must be: (word, count), by word.
    expected: Rc<Vec<Vec<(u16, u32)>>>,
    maps: Vec<Seen>,
    reduces: Vec<Seen>,
    /// Per worker (index = id − 1): live in the master's eyes, and what it runs.
    live: Vec<bool>,
    /// Where each task's work lives, from the trace and the nodes' statuses.
    places: Places,
    /// Every task attempt: the timeline.
    attempts: Attempts,
    /// Per node: up (or paused) at the latest step; a worker that crashes or leaves loses
    /// its work and its disk.
    up: Vec<bool>,
    findings: Findings,
    measures: Vec<Measure>,
    latest: usize,
}

impl MapReduceChecker {
    /// A checker for nodes named `names` (the master first, then the workers), for a job
    /// of `maps` map tasks and `parts` reduce tasks over `corpus`.
    pub fn new(names: &[String], corpus: &Corpus, maps: u32, parts: u32) -> MapReduceChecker {
        let mut expected = vec![Vec::new(); parts as usize];
        for (w, &n) in corpus.counts().iter().enumerate() {
            if n > 0 {
                expected[partition(w as u16, parts) as usize].push((w as u16, n));
            }
        }
        MapReduceChecker {
            master: NodeId(0),
            expected: Rc::new(expected),
            maps: vec![Seen::default(); maps as usize],
            reduces: vec![Seen::default(); parts as usize],
            live: vec![false; names.len().saturating_sub(1)],
            places: Places::new(maps, parts),
            attempts: Attempts::default(),
            up: vec![true; names.len()],
            findings: Findings::new(names),
            measures: Vec::new(),
            latest: 0,
        }
    }

    fn count(&mut self, metric: usize, value: i64) {
        self.measures.push(Measure {
            metric,
            node: None,
            value,
        });
    }

    fn seen(&mut self, task: Task) -> Option<&mut Seen> {
        match task {
            Task::Map(n) => self.maps.get_mut(n as usize),
            Task::Reduce(n) => self.reduces.get_mut(n as usize),
        }
    }

    fn set_live(&mut self, worker: NodeId, live: bool) {
        if let Some(l) = self.live.get_mut((worker.0 as usize).wrapping_sub(1)) {
            *l = live;
        }
    }

    /// Forgets what `worker` runs, and (while a reduce output is still missing) the map
    /// outputs on its disk.
    fn forget(&mut self, worker: NodeId) {
        let reducing = self.reduces.iter().any(|r| r.commits == 0);
        for t in &mut self.maps {
            t.copies.retain(|c| c.0 != worker);
            if reducing && t.done_by == Some(worker) {
                t.done_by = None;
            }
        }
        for t in &mut self.reduces {
            t.copies.retain(|c| c.0 != worker);
        }
    }

    fn on_send(&mut self, at: SimTime, from: NodeId, to: NodeId, msg: &Msg) {
        self.places.on_send(from, to, msg, self.master);
        let master = from == self.master;
        self.attempts.on_send(at, master, from, to, msg);
        match msg {
            Msg::Assign { task, copy, .. } if from == self.master => {
                self.count(STARTED, 1);
                let Some(seen) = self.seen(*task) else {
                    return;
                };
                let backup = !seen.copies.is_empty();
                seen.copies.push((to, *copy));
                if backup {
                    self.count(BACKUPS, 1);
                }
            }
            Msg::Chunk { counts, .. } => self.count(SHUFFLED, counts.len() as i64),
            _ => {}
        }
    }

    fn on_deliver(&mut self, at: SimTime, from: NodeId, to: NodeId, msg: &Msg) {
        if let Msg::Assign { task, copy, .. } = *msg {
            self.places.on_assigned(to, task);
            self.attempts.on_assigned(at, to, task, copy);
        }
        if to != self.master {
            return;
        }
        match *msg {
            Msg::Heartbeat { fresh, .. } => {
                if fresh {
                    self.forget(from);
                }
                self.set_live(from, true);
            }
            Msg::MapDone { map, copy } => {
                let Some(seen) = self.maps.get_mut(map as usize) else {
                    return;
                };
                let running = seen.copies.contains(&(from, copy));
                seen.copies.retain(|&c| c != (from, copy));
                if running && seen.done_by.is_none() {
                    seen.done_by = Some(from);
                }
            }
            Msg::ReduceDone { part, copy, .. } => {
                if let Some(seen) = self.reduces.get_mut(part as usize) {
                    seen.copies.retain(|&c| c != (from, copy));
                }
            }
            _ => {}
        }
    }

    fn on_note(&mut self, index: usize, note: &Note) {
        match note {
            Note::Committed { part, counts } => {
                self.count(COMMITTED, 1);
                self.places.committed(*part);
                let Some(seen) = self.reduces.get_mut(*part as usize) else {
                    return;
                };
                seen.commits += 1;
                seen.done_by = Some(self.master);
                if seen.commits == 2 {
                    self.findings.breach(ONCE, index, |_| {
                        format!("reduce {part}'s output was committed a second time")
                    });
                }
                let expected = self.expected.get(*part as usize);
                if expected.map(Vec::as_slice) != Some(counts.as_slice()) {
                    let (got, want) = (counts.len(), expected.map_or(0, Vec::len));
                    self.findings.breach(CORRECT, index, |_| {
                        format!(
                            "reduce {part}'s committed output has {got} word counts, not the \
                             {want} the input gives (or a count differs)"
                        )
                    });
                }
            }
            Note::Discarded { task, copy } => self.attempts.discarded(*task, *copy),
            // The master stops counting on a copy its worker does not report.
            Note::Unreported { worker, task, copy } => {
                if let Some(seen) = self.seen(*task) {
                    seen.copies.retain(|c| *c != (*worker, *copy));
                }
            }
            Note::Failed { worker, .. } => {
                self.set_live(*worker, false);
                self.forget(*worker);
            }
            _ => {}
        }
    }

    /// A live worker with a free slot, and a task that could run in it, if any.
    fn idle_with_work(&self) -> Option<(NodeId, Task)> {
        // Once every output is committed the job is done: nothing is left to run.
        if self.reduces.iter().all(|r| r.commits > 0) {
            return None;
        }
        let maps_done = self.maps.iter().all(|t| t.done_by.is_some());
        // Reduce tasks can run only once every map output is in.
        let mut kinds: Vec<(&[Seen], TaskOf)> = vec![(&self.maps, Task::Map)];
        if maps_done {
            kinds.push((&self.reduces, Task::Reduce));
        }
        let live = (1..)
            .zip(&self.live)
            .filter(|(_, &l)| l)
            .map(|(i, _)| NodeId(i));
        for worker in live {
            for &(tasks, make) in &kinds {
                let busy = tasks.iter().any(|t| t.copies.iter().any(|c| c.0 == worker));
                if busy {
                    continue;
                }
                // A task waiting to start, or one running alone on another worker.
                let open = |t: &Seen| t.done_by.is_none();
                let waiting = tasks.iter().position(|t| open(t) && t.copies.is_empty());
                let single = || {
                    tasks
                        .iter()
                        .position(|t| open(t) && t.copies.len() == 1 && t.copies[0].0 != worker)
                };
                if let Some(n) = waiting.or_else(single) {
                    return Some((worker, make(n as u32)));
                }
            }
        }
        None
    }
}

impl Checker<MapReduceNode> for MapReduceChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<MapReduceNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        self.latest = index;
        let Some(node) = event.node else {
            return;
        };
        match &event.kind {
            EventKind::Send {
                fate: Fate::Lost | Fate::Cut,
                ..
            } => self.places.message_lost(),
            EventKind::Dropped { reason, .. }
                if node == self.master || *reason != DropReason::ReceiverDown =>
            {
                self.places.message_lost();
            }
            _ => {}
        }
        match (&event.kind, msg) {
            (EventKind::Send { to, .. }, Some(record)) if record.copy_of.is_none() => {
                self.on_send(event.time, node, *to, &record.payload);
            }
            (EventKind::Deliver { from, .. }, Some(record)) => {
                self.on_deliver(event.time, *from, node, &record.payload);
            }
            (EventKind::Note(note), _) => self.on_note(index, note),
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[MapReduceNode], world: &World<'_>, out: &mut Vec<Breach>) {
        for (i, s) in world.status.iter().enumerate() {
            // A paused worker keeps its disk and its work; a crashed or absent one not.
            let up = matches!(s, NodeStatus::Up | NodeStatus::Paused);
            if self.up.get(i) == Some(&true) && !up && i != self.master.index() {
                let gone = NodeId(i as u32);
                self.places.died(gone);
                self.attempts.died(world.now, gone);
            }
            if let Some(u) = self.up.get_mut(i) {
                *u = up;
            }
        }
        let master_up = world.status.get(self.master.index()) == Some(&NodeStatus::Up);
        if master_up && !self.findings.reported(NO_IDLE) {
            if let Some((worker, task)) = self.idle_with_work() {
                self.findings.breach(NO_IDLE, self.latest, |f| {
                    format!(
                        "{} had a free slot while {task} could run in it",
                        f.name(worker)
                    )
                });
            }
        }
        if !self.findings.reported(RERUN) {
            if let Some((task, died, since)) =
                self.places.overdue(world.now, world.status, self.master)
            {
                self.findings.breach(RERUN, self.latest, |f| {
                    format!(
                        "{task} had no copy running and no output on a live worker since \
                         {since} ({} died), and was not started again while a worker had a \
                         free slot",
                        f.name(died)
                    )
                });
            }
        }
        self.findings.drain(out);
    }

    fn measure(&mut self, out: &mut Vec<Measure>) {
        out.append(&mut self.measures);
    }

    fn tables(&self, _nodes: &[MapReduceNode]) -> Vec<Table> {
        vec![self.attempts.table(&|n| self.findings.name(n).to_string())]
    }
}

#[cfg(test)]
mod tests;
