//! An executor: runs the driver's tasks, keeps `links` partitions cached in memory and
//! `pairs` shuffle outputs on its disk (both lost when it dies), serves its shuffle
//! outputs to other executors, and rebuilds a partition from its lineage when told.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::msg::{Job, Msg, Source, Timer};
use super::node::RddNode;
use super::{partial, BUSY, HEARTBEAT_US};
use crate::patterns::mapreduce::{partition, Corpus, Counts};
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Reading a word from stable storage and parsing it: 0.12–0.18 ms.
const PARSE: Delay = Delay::Uniform(120, 180);
/// Reading a word count from the checkpoint on stable storage: 0.08–0.12 ms.
const READ: Delay = Delay::Uniform(80, 120);
/// Grouping a fetched word count, or writing one to the checkpoint: 0.04–0.06 ms.
const GROUP: Delay = Delay::Uniform(40, 60);
/// One iteration's work on a word count: 0.3–0.5 ms.
const STEP: Delay = Delay::Uniform(300, 500);
/// A rebuild gives up on missing shuffle blocks after this long.
const FETCH_TIMEOUT_US: u64 = 10_000;

/// What the executor is running, with what it has gathered so far.
#[derive(Clone, Debug)]
struct Running {
    job: Job,
    x: u64,
    /// For a rebuild: the block of every `pairs` partition, once fetched.
    blocks: Vec<Option<Counts>>,
}

/// The indices of the partitions held in `slots`.
fn held<T>(slots: &[Option<T>]) -> Vec<u32> {
    (0..)
        .zip(slots)
        .filter(|(_, s)| s.is_some())
        .map(|(i, _)| i)
        .collect()
}

/// An executor.
#[derive(Clone, Debug)]
pub struct Executor {
    driver: NodeId,
    corpus: Rc<Corpus>,
    parts: u32,
    checkpoint: bool,
    // Volatile: lost when it dies.
    /// `links` partitions cached in memory, by partition.
    cache: Vec<Option<Counts>>,
    /// `pairs` shuffle outputs on its disk: per partition q, if held, a block per `links`
    /// partition.
    shuffle: Vec<Option<Vec<Counts>>>,
    running: Option<Running>,
    fresh: bool,
}

impl Executor {
    /// An executor of `driver` for `parts` partitions of `corpus`, writing rebuilt
    /// partitions to a checkpoint if `checkpoint`.
    pub fn new(driver: NodeId, corpus: Rc<Corpus>, parts: u32, checkpoint: bool) -> Executor {
        Executor {
            driver,
            corpus,
            parts,
            checkpoint,
            cache: vec![None; parts as usize],
            shuffle: vec![None; parts as usize],
            running: None,
            fresh: true,
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, RddNode>) {
        self.fresh = true;
        self.heartbeat(ctx);
    }

    fn heartbeat(&mut self, ctx: &mut Ctx<'_, RddNode>) {
        ctx.send(self.driver, Msg::Heartbeat { fresh: self.fresh });
        self.fresh = false;
        ctx.set_timer(Timer::Heartbeat, HEARTBEAT_US, HEARTBEAT_US);
    }

    /// Sets the timer for `n` units of work of `each`.
    fn work(&mut self, ctx: &mut Ctx<'_, RddNode>, job: Job, steps: &[(Delay, usize)]) {
        let mut us = 0;
        for &(each, n) in steps {
            us += (0..n).map(|_| ctx.draw(each)).sum::<u64>();
        }
        ctx.set_timer(Timer::Worked(job), us, us);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, RddNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Run { job, x, sources } => {
                // The task it is already doing, sent again (the driver saw it free from a
                // late or duplicated reply): starting it over would let the first
                // attempt's work timer finish the second one half gathered.
                if self.running.as_ref().is_some_and(|r| r.job == job) {
                    return;
                }
                ctx.cancel_timer(Timer::FetchTimeout);
                self.running = Some(Running {
                    job,
                    x,
                    blocks: vec![None; self.parts as usize],
                });
                ctx.measure(BUSY, 1);
                self.begin(ctx, &sources);
            }
            Msg::Fetch { q, part } => {
                let block = self.block(q, part);
                if let Some(counts) = block.cloned() {
                    ctx.send(from, Msg::Block { q, part, counts });
                }
            }
            Msg::Block { q, part, counts } => self.take_block(ctx, q, part, counts),
            _ => {}
        }
    }

    /// Starts the work of the task it was just given.
    fn begin(&mut self, ctx: &mut Ctx<'_, RddNode>, sources: &[NodeId]) {
        let Some(r) = &self.running else {
            return;
        };
        let job = r.job;
        match job {
            Job::Parse(q) => {
                let words = self.corpus.split(q, self.parts).iter().map(Vec::len).sum();
                self.work(ctx, job, &[(PARSE, words)]);
            }
            Job::Iter { part, source, .. } => match source {
                Source::Cached => match self.cached(part).map(|c| c.len()) {
                    Some(n) => self.work(ctx, job, &[(STEP, n)]),
                    // Not here (it restarted since): the driver must find it elsewhere.
                    None => self.give_up(ctx, Vec::new()),
                },
                Source::Checkpoint => {
                    let n = self.links(part).len();
                    self.work(ctx, job, &[(READ, n), (STEP, n)]);
                }
                Source::Lineage => {
                    // A wide dependency: a block from every parent partition.
                    for (q, &holder) in (0..).zip(sources) {
                        match self.block(q, part) {
                            Some(local) if holder == ctx.me() => {
                                let counts = local.clone();
                                self.take_block(ctx, q, part, counts);
                            }
                            _ => ctx.send(holder, Msg::Fetch { q, part }),
                        }
                    }
                    if self.running.as_ref().is_some_and(|r| r.job == job) {
                        ctx.set_timer(Timer::FetchTimeout, FETCH_TIMEOUT_US, FETCH_TIMEOUT_US);
                    }
                }
            },
        }
    }

    /// The `links` partition `part` as the input defines it (what the checkpoint holds).
    fn links(&self, part: u32) -> Vec<(u16, u32)> {
        let counts = self.corpus.counts();
        (0..)
            .zip(counts)
            .filter(|&(w, n)| n > 0 && partition(w, self.parts) == part)
            .collect()
    }

    fn take_block(&mut self, ctx: &mut Ctx<'_, RddNode>, q: u32, part: u32, counts: Counts) {
        let Some(r) = &mut self.running else {
            return;
        };
        let Job::Iter { part: p, .. } = r.job else {
            return;
        };
        if p != part || r.blocks.get(q as usize).is_none_or(Option::is_some) {
            return;
        }
        r.blocks[q as usize] = Some(counts);
        if r.blocks.iter().all(Option::is_some) {
            ctx.cancel_timer(Timer::FetchTimeout);
            let job = r.job;
            let fetched: usize = r.blocks.iter().flatten().map(|b| b.len()).sum();
            let grouped = self.gathered().len();
            let write = if self.checkpoint { grouped } else { 0 };
            self.work(ctx, job, &[(GROUP, fetched + write), (STEP, grouped)]);
        }
    }

    /// The gathered blocks of the running rebuild, grouped by word: its `links` partition.
    fn gathered(&self) -> Counts {
        let mut sums: BTreeMap<u16, u32> = BTreeMap::new();
        if let Some(r) = &self.running {
            for &(w, n) in r.blocks.iter().flatten().flat_map(|b| b.iter()) {
                *sums.entry(w).or_default() += n;
            }
        }
        Rc::new(sums.into_iter().collect())
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, RddNode>, timer: Timer) {
        match timer {
            Timer::Heartbeat => self.heartbeat(ctx),
            Timer::FetchTimeout => {
                let missing = self.running.as_ref().map_or(Vec::new(), |r| {
                    let blocks = (0..).zip(&r.blocks);
                    blocks
                        .filter(|(_, b)| b.is_none())
                        .map(|(q, _)| q)
                        .collect()
                });
                self.give_up(ctx, missing);
            }
            Timer::Worked(job) => {
                if self.running.as_ref().map(|r| r.job) != Some(job) {
                    return;
                }
                self.finish(ctx, job);
            }
            Timer::Round => {}
        }
    }

    /// Gives the running task back: its input is not where the driver thought.
    fn give_up(&mut self, ctx: &mut Ctx<'_, RddNode>, missing: Vec<u32>) {
        let Some(r) = self.running.take() else {
            return;
        };
        ctx.measure(BUSY, 0);
        let (job, missing) = (r.job, Rc::new(missing));
        ctx.send(self.driver, Msg::FetchFailed { job, missing });
    }

    fn finish(&mut self, ctx: &mut Ctx<'_, RddNode>, job: Job) {
        let reply = match job {
            Job::Parse(q) => {
                let blocks = self.corpus.split_counts(q, self.parts, self.parts);
                if let Some(slot) = self.shuffle.get_mut(q as usize) {
                    *slot = Some(blocks);
                }
                Msg::Parsed { q }
            }
            Job::Iter { iter, part, source } => {
                let links = match source {
                    Source::Cached => self.cached(part).cloned().unwrap_or_default(),
                    Source::Checkpoint => Rc::new(self.links(part)),
                    Source::Lineage => self.gathered(),
                };
                let x = self.running.as_ref().map_or(0, |r| r.x);
                let built = source != Source::Cached;
                if let Some(slot) = self.cache.get_mut(part as usize) {
                    *slot = Some(links.clone());
                }
                Msg::IterDone {
                    iter,
                    part,
                    partial: partial(&links, x),
                    built,
                    checkpointed: built && self.checkpoint,
                }
            }
        };
        self.running = None;
        ctx.measure(BUSY, 0);
        ctx.send(self.driver, reply);
    }

    /// Its cached `links` partition `part`, if any.
    fn cached(&self, part: u32) -> Option<&Counts> {
        self.cache.get(part as usize).and_then(Option::as_ref)
    }

    /// Its shuffle output of `pairs` partition `q` for `links` partition `part`, if any.
    fn block(&self, q: u32, part: u32) -> Option<&Counts> {
        let output = self.shuffle.get(q as usize).and_then(Option::as_ref);
        output.and_then(|b| b.get(part as usize))
    }

    pub(super) fn on_crash(&mut self) {
        self.cache.iter_mut().for_each(|c| *c = None);
        self.shuffle.iter_mut().for_each(|s| *s = None);
        self.running = None;
    }

    pub(super) fn view(&self) -> NodeView {
        // The job as its box holds it: the partition shortened, where its input comes
        // from kept ("iter 1 p0 + rebuild"); messages say it in full.
        let headline = match self.running.as_ref().map(|r| &r.job) {
            None => "idle".to_string(),
            Some(Job::Iter { iter, part, source }) => format!(
                "iter {iter} p{part}{}",
                match source {
                    Source::Cached => "",
                    Source::Checkpoint => " ← ckpt",
                    Source::Lineage => " + rebuild",
                }
            ),
            Some(job) => job.to_string(),
        };
        let list = |keys: Vec<u32>| {
            let names: Vec<String> = keys.iter().map(u32::to_string).collect();
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        };
        NodeView {
            role: "executor",
            headline,
            fields: vec![
                ("links cached (memory)", list(held(&self.cache))),
                ("pairs shuffle outputs (disk)", list(held(&self.shuffle))),
            ],
        }
    }
}
