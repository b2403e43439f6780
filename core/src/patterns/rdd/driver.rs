//! The driver: the lineage of the datasets and where each partition lives; it hands
//! tasks to free executors (a partition's task to the executor caching it), notices lost
//! executors and rebuilds what they held from its lineage (or, with lineage off, starts
//! the whole job again).

use std::rc::Rc;

use super::msg::{Job, Msg, Note, Source, Timer};
use super::node::RddNode;
use super::{next_x, DEAD_US, ROUND_US, X0};
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the driver runs the job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Executors are nodes `1..=executors`.
    pub executors: u32,
    /// Partitions of every dataset.
    pub parts: u32,
    /// Iterations.
    pub iterations: u32,
    /// Whether `links` partitions are written to a checkpoint once built.
    pub checkpoint: bool,
    /// Whether a lost partition is rebuilt from its lineage (else the job starts over).
    pub lineage: bool,
}

#[derive(Clone, Debug)]
struct Executor {
    alive: bool,
    heard_at: i64,
    busy: Option<Job>,
}

/// The driver. Its state is durable (a driver that dies ends a real job; here it
/// survives, so that the executors' faults are the story).
#[derive(Clone, Debug)]
pub struct Driver {
    plan: Plan,
    executors: Vec<Executor>,
    /// Where each `pairs` shuffle output is.
    pairs_at: Vec<Option<NodeId>>,
    /// Where each `links` partition is cached.
    links_at: Vec<Option<NodeId>>,
    /// Which `links` partitions are on the checkpoint.
    checkpointed: Vec<bool>,
    iter: u32,
    x: u64,
    /// This iteration's partial results.
    partials: Vec<Option<u64>>,
    done: bool,
}

impl Driver {
    /// A driver running `plan`.
    pub fn new(plan: Plan) -> Driver {
        let n = plan.parts as usize;
        Driver {
            plan,
            executors: vec![
                Executor {
                    alive: false,
                    heard_at: 0,
                    busy: None,
                };
                plan.executors as usize
            ],
            pairs_at: vec![None; n],
            links_at: vec![None; n],
            checkpointed: vec![false; n],
            iter: 1,
            x: X0,
            partials: vec![None; n],
            done: false,
        }
    }

    fn executor(&mut self, id: NodeId) -> Option<&mut Executor> {
        self.executors.get_mut((id.0 as usize).wrapping_sub(1))
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, RddNode>) {
        ctx.set_timer(Timer::Round, ROUND_US, ROUND_US);
        self.assign(ctx);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, RddNode>, timer: Timer) {
        if timer != Timer::Round {
            return;
        }
        let now = ctx.monotonic().0;
        for i in 0..self.executors.len() {
            let e = &self.executors[i];
            if e.alive && now - e.heard_at > DEAD_US as i64 {
                self.lose(ctx, NodeId(i as u32 + 1));
            }
        }
        self.assign(ctx);
        if !self.done {
            ctx.set_timer(Timer::Round, ROUND_US, ROUND_US);
        }
    }

    /// `id` is lost: what it held is gone and its task must run again; with lineage
    /// off, the job starts over.
    fn lose(&mut self, ctx: &mut Ctx<'_, RddNode>, id: NodeId) {
        if let Some(e) = self.executor(id) {
            e.alive = false;
            e.busy = None;
        }
        let count = |at: &mut Vec<Option<NodeId>>| {
            let held = at.iter_mut().filter(|a| **a == Some(id));
            held.map(|a| *a = None).count() as u32
        };
        let (cached, shuffle) = (count(&mut self.links_at), count(&mut self.pairs_at));
        ctx.note(Note::Lost {
            executor: id,
            cached,
            shuffle,
        });
        if !self.plan.lineage && cached + shuffle > 0 && !self.done {
            ctx.note(Note::Restarted);
            self.pairs_at.iter_mut().for_each(|a| *a = None);
            self.links_at.iter_mut().for_each(|a| *a = None);
            self.checkpointed.iter_mut().for_each(|c| *c = false);
            self.partials.iter_mut().for_each(|p| *p = None);
            self.iter = 1;
            self.x = X0;
            for e in &mut self.executors {
                e.busy = None;
            }
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, RddNode>, from: NodeId, msg: Msg) {
        let now = ctx.monotonic().0;
        match msg {
            Msg::Heartbeat { fresh } => {
                let known = self.executor(from).is_some_and(|e| e.alive);
                if fresh && known {
                    self.lose(ctx, from);
                }
                if let Some(e) = self.executor(from) {
                    e.alive = true;
                    e.heard_at = now;
                }
            }
            Msg::Parsed { q } => {
                self.free(from);
                if let Some(at) = self.pairs_at.get_mut(q as usize) {
                    *at = Some(from);
                }
            }
            Msg::IterDone {
                iter,
                part,
                partial,
                built,
                checkpointed,
            } => {
                self.free(from);
                let p = part as usize;
                if iter == self.iter && self.partials.get(p) == Some(&None) {
                    self.partials[p] = Some(partial);
                    if built || self.links_at[p].is_none() {
                        self.links_at[p] = Some(from);
                    }
                    self.checkpointed[p] |= checkpointed;
                    self.finish_iteration(ctx);
                }
            }
            Msg::FetchFailed { job, missing } => {
                self.free(from);
                if let Job::Iter { part, .. } = job {
                    let at = self.links_at.get_mut(part as usize);
                    if let Some(at) = at.filter(|a| **a == Some(from)) {
                        *at = None;
                    }
                }
                for &q in missing.iter() {
                    if let Some(at) = self.pairs_at.get_mut(q as usize) {
                        *at = None;
                    }
                }
            }
            _ => {}
        }
        self.assign(ctx);
    }

    fn free(&mut self, id: NodeId) {
        if let Some(e) = self.executor(id) {
            e.busy = None;
        }
    }

    fn finish_iteration(&mut self, ctx: &mut Ctx<'_, RddNode>) {
        if self.partials.iter().any(Option::is_none) {
            return;
        }
        let sum = self.partials.iter().flatten().sum();
        self.x = next_x(self.iter, sum);
        ctx.note(Note::Iteration {
            iter: self.iter,
            x: self.x,
        });
        self.partials.iter_mut().for_each(|p| *p = None);
        if self.iter == self.plan.iterations {
            self.done = true;
            ctx.note(Note::JobDone);
        } else {
            self.iter += 1;
        }
    }

    /// Whether a task for partition `p` of this iteration runs somewhere now.
    fn running(&self, p: u32) -> bool {
        self.executors
            .iter()
            .any(|e| matches!(e.busy, Some(Job::Iter { part, .. }) if part == p))
    }

    /// The task `worker` should run next: this iteration's task over a partition it
    /// caches; else a parse a rebuild waits for; else, if it caches less than its share,
    /// a task over a partition no live executor caches (from the checkpoint, or rebuilt
    /// once every shuffle output is in).
    fn next_job(&self, worker: NodeId) -> Option<Job> {
        let iter = self.iter;
        let pending = (0..self.plan.parts)
            .filter(|&p| self.partials[p as usize].is_none() && !self.running(p));
        let mut homeless = Vec::new();
        for p in pending {
            match self.links_at[p as usize] {
                Some(at) if at == worker => {
                    let source = Source::Cached;
                    return Some(Job::Iter {
                        iter,
                        part: p,
                        source,
                    });
                }
                Some(_) => {}
                None => homeless.push(p),
            }
        }
        let needs_parse = homeless.iter().any(|&p| !self.checkpointed[p as usize]);
        if needs_parse {
            let parsing = |q: u32| self.executors.iter().any(|e| e.busy == Some(Job::Parse(q)));
            let missing =
                (0..self.plan.parts).find(|&q| self.pairs_at[q as usize].is_none() && !parsing(q));
            if let Some(q) = missing {
                return Some(Job::Parse(q));
            }
        }
        // A partition no one caches goes to an executor caching fewer than its share,
        // so that the executors stay balanced (a replacement takes the lost ones).
        let alive = self.executors.iter().filter(|e| e.alive).count().max(1) as u32;
        let share = self.plan.parts.div_ceil(alive) as usize;
        let cached = self.links_at.iter().filter(|&&a| a == Some(worker)).count();
        if cached >= share {
            return None;
        }
        let shuffled = self.pairs_at.iter().all(Option::is_some);
        homeless.into_iter().find_map(|p| {
            let source = if self.checkpointed[p as usize] {
                Source::Checkpoint
            } else if shuffled {
                Source::Lineage
            } else {
                return None;
            };
            Some(Job::Iter {
                iter,
                part: p,
                source,
            })
        })
    }

    /// Hands a task to every free live executor that has one.
    fn assign(&mut self, ctx: &mut Ctx<'_, RddNode>) {
        if self.done {
            return;
        }
        for i in 0..self.executors.len() {
            let e = &self.executors[i];
            if !e.alive || e.busy.is_some() {
                continue;
            }
            let worker = NodeId(i as u32 + 1);
            let Some(job) = self.next_job(worker) else {
                continue;
            };
            self.executors[i].busy = Some(job);
            let sources = match job {
                Job::Iter {
                    source: Source::Lineage,
                    ..
                } => Rc::new(
                    self.pairs_at
                        .iter()
                        .map(|a| a.unwrap_or(NodeId(0)))
                        .collect(),
                ),
                _ => Rc::new(Vec::new()),
            };
            let x = self.x;
            ctx.send(worker, Msg::Run { job, x, sources });
        }
    }

    pub(super) fn view(&self) -> NodeView {
        let held = |at: &[Option<NodeId>]| at.iter().flatten().count().to_string();
        let headline = if self.done {
            "job done".to_string()
        } else {
            let done = self.partials.iter().flatten().count();
            format!("iter {} · {done}/{}", self.iter, self.partials.len())
        };
        NodeView {
            role: "driver",
            headline,
            fields: vec![
                ("x (the job's value)", self.x.to_string()),
                ("links partitions cached", held(&self.links_at)),
                ("pairs shuffle outputs", held(&self.pairs_at)),
                (
                    "checkpointed",
                    self.checkpointed.iter().filter(|&&c| c).count().to_string(),
                ),
                (
                    "executors alive",
                    self.executors
                        .iter()
                        .filter(|e| e.alive)
                        .count()
                        .to_string(),
                ),
            ],
        }
    }
}
