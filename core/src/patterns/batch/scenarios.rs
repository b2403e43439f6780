//! The named scenarios: the same batches combined by a join, then by a reduce.

use super::checker::BatchChecker;
use super::coordinator::{Coordinator, Plan, FOLD_US};
use super::node::BatchNode;
use super::{FOLD_ONCE, PATTERN};
use crate::sim::action::TimedAction;
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::rng::Ratio;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Every link: 200–400 µs, and 1 message in 20 delivered twice (at-least-once delivery).
const LINK: LinkConfig = LinkConfig {
    duplication: Ratio::new(1, 20),
    ..LinkConfig::reliable(200, 400)
};

/// The coordinator, then the workers, then the consumer.
const COORDINATOR: NodeId = NodeId(0);
const FIRST_WORKER: u32 = 1;

/// A coordinated batch scenario: `reduce` or join.
pub struct BatchScenario {
    info: StoryInfo,
    reduce: bool,
}

const PARAMS: [ParamSpec; 3] = [
    ParamSpec {
        name: "tasks",
        label: "Tasks per batch",
        min: 2,
        max: 48,
        default: 12,
        unit: "",
        step: 1,
    },
    ParamSpec {
        name: "workers",
        label: "Workers",
        min: 1,
        max: 8,
        default: 4,
        unit: "",
        step: 1,
    },
    ParamSpec {
        name: "slow",
        label: "Worker w1 is slower by",
        min: 1,
        max: 20,
        default: 10,
        unit: "×",
        step: 1,
    },
];

/// Join: the coordinator waits for every task, then computes.
pub static JOIN: BatchScenario = BatchScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "batch-join",
        title: "Join waits for every task",
        summary: "A coordinator hands 12 tasks to 4 workers, one of them 10× slower, and \
                  joins: nothing is published until the slow worker's last task is in \
                  and the 12 outputs are combined. First result = final result, late.",
        params: &PARAMS,
    },
    reduce: false,
};

/// Reduce: the coordinator folds each output as it arrives.
pub static REDUCE: BatchScenario = BatchScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "batch-reduce",
        title: "Reduce folds as results arrive",
        summary: "The same batches, reduced: the coordinator folds each output as it \
                  arrives and publishes the running sum, so the first result is out after \
                  one task, the final one right after the slowest, with the same sum as \
                  the join. A result delivered twice must be folded once.",
        params: &PARAMS,
    },
    reduce: true,
};

/// The stories' numbers, clamped.
struct Shape {
    tasks: u32,
    workers: u32,
    slow: i64,
}

impl Shape {
    fn of(cfg: &Config) -> Shape {
        Shape {
            tasks: cfg.param("tasks").clamp(2, 48) as u32,
            workers: cfg.param("workers").clamp(1, 8) as u32,
            slow: cfg.param("slow").clamp(1, 20),
        }
    }
}

impl Scenario for BatchScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let mut nodes = vec![NodeInfo {
            name: "coord".into(),
            role: "coordinator",
        }];
        nodes.extend((1..=Shape::of(cfg).workers).map(|k| NodeInfo {
            name: format!("w{k}"),
            role: "worker",
        }));
        nodes.push(NodeInfo {
            name: "out".into(),
            role: "consumer",
        });
        nodes
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let mut topology = Topology::default();
        let workers = Shape::of(cfg).workers;
        for k in 0..=workers {
            // The last one is the consumer.
            topology.link(COORDINATOR, NodeId(FIRST_WORKER + k));
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        captions(self.reduce, cfg)
    }

    fn script(&self, _cfg: &Config) -> Vec<TimedAction> {
        Vec::new()
    }

    fn horizon(&self, _cfg: &Config) -> SimTime {
        SimTime::from_millis(1_000)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        if self.reduce {
            PATTERN.switches.iter().collect()
        } else {
            Vec::new()
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let shape = Shape::of(cfg);
        let plan = Plan {
            reduce: self.reduce,
            fold_once: cfg.switch(FOLD_ONCE),
            tasks: shape.tasks,
            first_worker: FIRST_WORKER,
            workers: shape.workers,
            consumer: NodeId(FIRST_WORKER + shape.workers),
        };
        let mut nodes = vec![BatchNode::Coordinator(Coordinator::new(plan))];
        nodes.extend(
            (0..shape.workers)
                .map(|k| BatchNode::worker(COORDINATOR, if k == 0 { shape.slow } else { 1 })),
        );
        nodes.push(BatchNode::Consumer { latest: None });
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: BatchChecker::new(&names, COORDINATOR, shape.tasks),
            names,
            nodes,
            clocks: Vec::new(),
            link: LINK,
            horizon: self.horizon(cfg),
            seed: cfg.seed,
            script: actions.script,
            user_actions: actions.user,
        }))
    }
}

/// The captions, for a config.
fn captions(reduce: bool, cfg: &Config) -> Vec<Caption> {
    let Shape {
        tasks,
        workers,
        slow,
    } = Shape::of(cfg);
    // w1 gets the first of every `workers` tasks: the most of anyone.
    let mine = tasks.div_ceil(workers);
    let slowest = i64::from(mine) * 5 * slow;
    let fold = u64::from(tasks) * FOLD_US / 1_000;
    let mut out = vec![Caption {
        at: SimTime::ZERO,
        text: format!(
            "coord splits each batch into {tasks} tasks (sum the squares of a slice of 100 \
             numbers) and hands them round robin to {workers} workers. A task takes 4–6 ms; \
             w1 is {slow}× slower, so its {mine} tasks take about {slowest} ms. Every \
             link delivers 1 message in 20 twice."
        ),
    }];
    let text = if !reduce {
        format!(
            "Join: coord keeps one slot per task and waits for all {tasks} (the barrier \
             note). The fast workers are done within about {} ms, but nothing is \
             published until w1's last task is in; then coord folds the {tasks} outputs \
             ({fold} ms) and sends out the final result: the first result is the final \
             one, about {} ms after the batch starts (\"time to first result\"; \
             \"tasks in the latest result\" jumps from 0 to {tasks}). A repeated output \
             only fills its slot again.",
            mine * 5,
            slowest + fold as i64
        )
    } else if cfg.switch(FOLD_ONCE) {
        format!(
            "Reduce: coord folds each output as it arrives (1 ms each) and sends out the \
             running sum (\"tasks in the latest result\" climbs a task at a time): the \
             first result about 6 ms after the batch starts, the final one about 1 ms \
             after w1's last task, some {slowest} ms in. A repeated \
             output is dropped (\"repeat\" notes), so each batch's final sum is the same \
             as the join's at any seed."
        )
    } else {
        "Reduce without remembering what it folded: an output that arrives twice (1 \
         message in 20 does) is counted twice, so coord counts its batch complete before \
         the last task is in and publishes a wrong final sum (see the invariants; at a \
         seed where no output arrives twice, every sum is still right)."
            .to_string()
    };
    out.push(Caption {
        at: SimTime::from_millis(8),
        text,
    });
    out
}
