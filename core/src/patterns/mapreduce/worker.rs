//! A worker: runs the map and reduce tasks the master hands it, keeps map outputs on its
//! local disk (lost when it crashes), and serves them to reducers.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::corpus::Corpus;
use super::msg::{Counts, Msg, Note, Task, Timer};
use super::node::MapReduceNode;
use super::{BUSY, HEARTBEAT_US};
use crate::patterns::slowable::SlowableWork;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Work per word a map task reads, or per word count a reduce task sums: 0.4–0.6 ms.
pub const PER_WORD: Delay = Delay::Uniform(400, 600);
/// A reducer asks again for missing map outputs after this long.
const FETCH_AGAIN_US: u64 = 20_000;

/// The reduce task a worker is gathering input for.
#[derive(Clone, Debug)]
struct Gathering {
    part: u32,
    copy: u32,
    sources: Vec<NodeId>,
    chunks: Vec<Option<Counts>>,
}

/// A worker.
#[derive(Clone, Debug)]
pub struct Worker {
    master: NodeId,
    corpus: Rc<Corpus>,
    maps: u32,
    parts: u32,
    /// Durable (the machine's speed): how much slower than normal it works.
    work: SlowableWork,
    // Volatile: lost when it crashes.
    /// Map outputs on its local disk: per map task, per partition.
    disk: BTreeMap<u32, Vec<Counts>>,
    /// The copies whose work it is doing: a map task and a reduce task at most.
    running: Vec<(Task, u32)>,
    gathering: Option<Gathering>,
    fresh: bool,
}

impl Worker {
    /// A worker of `master`, for a job of `maps` map tasks and `parts` reduce tasks.
    pub fn new(master: NodeId, corpus: Rc<Corpus>, maps: u32, parts: u32) -> Worker {
        Worker {
            master,
            corpus,
            maps,
            parts,
            work: SlowableWork::new(PER_WORD),
            disk: BTreeMap::new(),
            running: Vec::new(),
            gathering: None,
            fresh: true,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, MapReduceNode>) {
        self.fresh = true;
        self.heartbeat(ctx);
    }

    fn heartbeat(&mut self, ctx: &mut Ctx<'_, MapReduceNode>) {
        let mut running = [None; 2];
        for &(task, copy) in &self.running {
            running[usize::from(matches!(task, Task::Reduce(_)))] = Some((task, copy));
        }
        let fresh = self.fresh;
        ctx.send(self.master, Msg::Heartbeat { fresh, running });
        self.fresh = false;
        ctx.set_timer(Timer::Heartbeat, HEARTBEAT_US, HEARTBEAT_US);
    }

    /// Sets the timer for `words` of work at this worker's speed, and says it is busy.
    fn work(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, task: Task, copy: u32, words: usize) {
        let per = self.work.delay();
        let us: u64 = (0..words).map(|_| ctx.draw(per)).sum();
        self.start(ctx, task, copy);
        ctx.set_timer(Timer::Worked { task, copy }, us, us);
    }

    /// Takes up copy `copy` of `task`, in place of any task of its kind.
    fn start(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, task: Task, copy: u32) {
        let same_kind = |t: &Task| {
            matches!(
                (t, task),
                (Task::Map(_), Task::Map(_)) | (Task::Reduce(_), Task::Reduce(_))
            )
        };
        self.running.retain(|(t, _)| !same_kind(t));
        self.running.push((task, copy));
        ctx.measure(BUSY, self.running.len() as i64);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Assign {
                task,
                copy,
                sources,
            } => {
                // The master decides: a new task replaces whatever task of its kind it was
                // running (the master stopped counting on that, e.g. after marking it
                // failed).
                match task {
                    Task::Map(map) => {
                        let words = self.corpus.split(map, self.maps).iter().map(Vec::len).sum();
                        self.work(ctx, task, copy, words);
                    }
                    Task::Reduce(part) => {
                        self.start(ctx, task, copy);
                        self.gathering = Some(Gathering {
                            part,
                            copy,
                            sources: sources.to_vec(),
                            chunks: vec![None; self.maps as usize],
                        });
                        self.fetch_missing(ctx);
                    }
                }
            }
            Msg::Fetch { map, part } => {
                let reply = match self.disk.get(&map).and_then(|p| p.get(part as usize)) {
                    Some(counts) => Msg::Chunk {
                        map,
                        part,
                        counts: counts.clone(),
                    },
                    // Not here (it restarted since): the reducer will ask the master.
                    None => return,
                };
                ctx.send(from, reply);
            }
            Msg::Chunk { map, part, counts } => self.take_chunk(ctx, map, part, counts),
            Msg::Located { map, worker } => {
                if let Some(g) = &mut self.gathering {
                    if let Some(source) = g.sources.get_mut(map as usize) {
                        *source = worker;
                    }
                    let part = g.part;
                    ctx.send(worker, Msg::Fetch { map, part });
                }
            }
            _ => {}
        }
    }

    fn fetch_missing(&mut self, ctx: &mut Ctx<'_, MapReduceNode>) {
        let Some(g) = &self.gathering else {
            return;
        };
        let part = g.part;
        let missing: Vec<(u32, NodeId)> = (0..)
            .zip(g.chunks.iter().zip(&g.sources))
            .filter(|(_, (chunk, _))| chunk.is_none())
            .map(|(map, (_, &source))| (map, source))
            .collect();
        for (map, source) in missing {
            match self
                .disk
                .get(&map)
                .and_then(|p| p.get(part as usize))
                .cloned()
            {
                Some(local) if source == ctx.me() => self.take_chunk(ctx, map, part, local),
                _ => ctx.send(source, Msg::Fetch { map, part }),
            }
        }
        if self.gathering.is_some() {
            ctx.set_timer(Timer::FetchAgain, FETCH_AGAIN_US, FETCH_AGAIN_US);
        }
    }

    fn take_chunk(
        &mut self,
        ctx: &mut Ctx<'_, MapReduceNode>,
        map: u32,
        part: u32,
        counts: Counts,
    ) {
        let Some(g) = &mut self.gathering else {
            return;
        };
        if g.part != part {
            return;
        }
        if let Some(slot) = g.chunks.get_mut(map as usize) {
            slot.get_or_insert(counts);
        }
        if g.chunks.iter().all(Option::is_some) {
            let (task, copy) = (Task::Reduce(part), g.copy);
            let words = g.chunks.iter().flatten().map(|c| c.len()).sum();
            ctx.cancel_timer(Timer::FetchAgain);
            self.work(ctx, task, copy, words);
        }
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, timer: Timer) {
        match timer {
            Timer::Heartbeat => self.heartbeat(ctx),
            Timer::FetchAgain => {
                // Ask the master where the missing outputs are now, then fetch again.
                if let Some(g) = &self.gathering {
                    let missing = (0..).zip(&g.chunks).filter(|(_, c)| c.is_none());
                    for (map, _) in missing {
                        ctx.send(self.master, Msg::WhereIs { map });
                    }
                }
                self.fetch_missing(ctx);
            }
            Timer::Worked { task, copy } => {
                if !self.running.contains(&(task, copy)) {
                    return;
                }
                self.running.retain(|&r| r != (task, copy));
                self.work.count_served();
                ctx.measure(BUSY, self.running.len() as i64);
                match task {
                    Task::Map(map) => {
                        self.disk
                            .insert(map, self.corpus.split_counts(map, self.maps, self.parts));
                        ctx.send(self.master, Msg::MapDone { map, copy });
                    }
                    Task::Reduce(part) => {
                        let counts = self.reduce_output();
                        self.gathering = None;
                        ctx.send(self.master, Msg::ReduceDone { part, copy, counts });
                    }
                }
            }
            Timer::Round => {}
        }
    }

    /// Sums the gathered chunks.
    fn reduce_output(&self) -> Counts {
        let mut sums: BTreeMap<u16, u32> = BTreeMap::new();
        if let Some(g) = &self.gathering {
            for &(w, n) in g.chunks.iter().flatten().flat_map(|c| c.iter()) {
                *sums.entry(w).or_default() += n;
            }
        }
        Rc::new(sums.into_iter().collect())
    }

    pub(super) fn on_command(&mut self, ctx: &mut Ctx<'_, MapReduceNode>, verb: &str, arg: i64) {
        if let Some(factor) = self.work.command(verb, arg) {
            ctx.note(Note::Slowed { factor });
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.disk.clear();
        self.running.clear();
        self.gathering = None;
    }

    pub(super) fn view(&self) -> NodeView {
        let doing = match self.running.as_slice() {
            [] => "idle".to_string(),
            tasks => {
                // A backup copy says so ("map 7 #2"); the first copy is just its task.
                // Tasks side by side are joined tight, so two fit a box.
                let names: Vec<String> = tasks
                    .iter()
                    .map(|(t, c)| {
                        if *c > 1 {
                            format!("{t} #{c}")
                        } else {
                            t.to_string()
                        }
                    })
                    .collect();
                names.join("·")
            }
        };
        let mut fields = self.work.fields("tasks done");
        fields.insert(0, ("map outputs on disk", self.disk.len().to_string()));
        NodeView {
            role: "worker",
            headline: doing,
            fields,
        }
    }
}
