//! The story: an executor dies at the start of an iteration; its partitions are rebuilt
//! from their lineage (or read back from a checkpoint).

use std::rc::Rc;

use super::checker::RddChecker;
use super::driver::{Driver, Plan};
use super::executor::Executor;
use super::node::RddNode;
use super::{LINEAGE_SWITCH, PATTERN};
use crate::patterns::mapreduce::Corpus;
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Every link: 0.2–0.5 ms.
const LINK: LinkConfig = LinkConfig::reliable(200, 500);
/// Iterations of the job.
const ITERATIONS: u32 = 10;
/// A replacement executor starts this long after one dies.
const REPLACE_MS: u64 = 5;

const PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "executors",
        label: "Executors",
        min: 3,
        max: 8,
        default: 4,
        unit: "",
        step: 1,
    },
    ParamSpec {
        name: "parts",
        label: "Partitions of each dataset",
        min: 4,
        max: 16,
        default: 8,
        unit: "",
        step: 1,
    },
    ParamSpec {
        name: "crash",
        label: "When e3 dies (0: never)",
        min: 0,
        max: 400,
        default: CRASH_MS as i64,
        unit: "ms",
        step: 1,
    },
    ParamSpec {
        name: "checkpoint",
        label: "Checkpoint links (1: yes)",
        min: 0,
        max: 1,
        default: 0,
        unit: "",
        step: 1,
    },
];

/// The RDD story.
pub struct RddScenario {
    info: StoryInfo,
}

/// An executor dies at the start of iteration 6.
pub static LINEAGE: RddScenario = RddScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "rdd-lineage",
        title: "A node dies mid-job: rebuild from lineage",
        summary: "Four executors run ten iterations over a cached dataset of 8 \
                  partitions; e3 dies at the start of iteration 6, and a replacement \
                  starts 5 ms later. Its partitions are rebuilt from their lineage — \
                  through a wide dependency, so its lost shuffle outputs are parsed again \
                  first — and that iteration takes more than twice as long, then the \
                  job is back to normal: the shape of the RDD paper's Fig. 11 (whose \
                  spike is 1.4×: one machine of 75 failed there, one executor of four \
                  here).",
        params: PARAMS,
    },
};

/// When e3 dies at the default parameters: as iteration 6 starts.
const CRASH_MS: u64 = 114;

impl RddScenario {
    fn sizes(cfg: &Config) -> (u32, u32) {
        (
            cfg.param("executors").clamp(1, 16) as u32,
            cfg.param("parts").clamp(1, 64) as u32,
        )
    }

    fn crash(cfg: &Config) -> Option<u64> {
        let ms = cfg.param("crash").clamp(0, 10_000) as u64;
        (ms > 0).then_some(ms)
    }
}

impl Scenario for RddScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let (executors, _) = Self::sizes(cfg);
        let driver = NodeInfo {
            name: "d".into(),
            role: "driver",
        };
        let executors = (1..=executors).map(|i| NodeInfo {
            name: format!("e{i}"),
            role: "executor",
        });
        std::iter::once(driver).chain(executors).collect()
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let (executors, _) = Self::sizes(cfg);
        let mut topology = Topology::default();
        for a in 1..=executors {
            topology.link(NodeId(0), NodeId(a));
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let (executors, parts) = Self::sizes(cfg);
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let mut out = vec![caption(
            0,
            format!(
                "The driver d runs {ITERATIONS} iterations over `links`, {parts} \
                 partitions cached on {executors} executors. The first iteration builds \
                 it: each executor reads and parses input splits into `pairs` (narrow) \
                 and writes them as shuffle output; then each `links` partition fetches \
                 its part of every `pairs` partition and groups it by word (wide). Later \
                 iterations only read their cached partition: much faster."
            ),
        )];
        if let Some(crash) = Self::crash(cfg) {
            let recovery = if !cfg.switch(LINEAGE_SWITCH) {
                "Lineage is switched off: the driver throws everything away and starts \
                 the job over from iteration 1 (see the invariants): every partition \
                 and iteration done so far is computed again."
            } else if cfg.param("checkpoint") > 0 {
                "`links` was checkpointed to stable storage as it was built: the lost \
                 partitions are read back from it, without touching their lineage — \
                 no parse, no shuffle. The iteration is only a little slower."
            } else {
                "Their lineage says how to rebuild them: `links` depends on every \
                 `pairs` partition (wide), and e3's shuffle outputs died with it, so \
                 those are parsed again from the input first, then the lost `links` \
                 partitions fetch their parts and regroup, on an executor caching less \
                 than its share (the empty replacement). See the lineage graph and the \
                 iteration time chart."
            };
            out.push(caption(
                crash,
                format!(
                    "e3 dies, and with it whatever it held: `links` partitions cached in \
                     its memory, `pairs` shuffle outputs on its disk. A replacement e3 starts \
                     {REPLACE_MS} ms later, empty: its first heartbeat tells the driver \
                     the old one is lost (15 ms of silence would have too). {recovery}"
                ),
            ));
        }
        out
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        let Some(crash) = Self::crash(cfg) else {
            return Vec::new();
        };
        let victim = format!("e{}", Self::sizes(cfg).0.min(3));
        vec![
            TimedAction {
                at: SimTime::from_millis(crash),
                action: Action::Crash(victim.clone()),
            },
            TimedAction {
                at: SimTime::from_millis(crash + REPLACE_MS),
                action: Action::Restart(victim),
            },
        ]
    }

    /// Long enough for the job: about an iteration's work (the busiest executor's word
    /// counts) twelve times (the first builds `links`), plus a crash's recovery (three
    /// iterations' worth), or, without lineage, the whole job again after the crash.
    fn horizon(&self, cfg: &Config) -> SimTime {
        let (executors, parts) = Self::sizes(cfg);
        let words = Corpus::new().counts().iter().filter(|&&n| n > 0).count() as u64;
        // The busiest executor's partitions, at 0.4 ms a word count.
        let busiest = u64::from(parts.div_ceil(executors));
        let iteration_ms = busiest * words * 2 / 5 / u64::from(parts) + 2;
        let job = iteration_ms * u64::from(ITERATIONS + 2);
        let crash = Self::crash(cfg).unwrap_or(0);
        let end = if cfg.switch(LINEAGE_SWITCH) {
            job.max(crash) + 3 * iteration_ms
        } else {
            crash + job
        };
        SimTime::from_millis(end + 40)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        PATTERN.switches.iter().collect()
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let (executors, parts) = Self::sizes(cfg);
        let corpus = Rc::new(Corpus::new());
        let checkpoint = cfg.param("checkpoint") > 0;
        let plan = Plan {
            executors,
            parts,
            iterations: ITERATIONS,
            checkpoint,
            lineage: cfg.switch(LINEAGE_SWITCH),
        };
        let mut nodes = vec![RddNode::Driver(Driver::new(plan))];
        nodes.extend((0..executors).map(|_| {
            RddNode::Executor(Executor::new(NodeId(0), corpus.clone(), parts, checkpoint))
        }));
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: RddChecker::new(&names, &corpus, parts, ITERATIONS),
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
