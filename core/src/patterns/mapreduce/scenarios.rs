//! The named scenarios: a straggler, and a worker that dies in the map phase or in the
//! reduce phase, at a time the story's parameter chooses.

use std::rc::Rc;

use super::checker::MapReduceChecker;
use super::corpus::Corpus;
use super::master::{Master, Plan};
use super::node::MapReduceNode;
use super::worker::Worker;
use super::{BACKUP_TASKS, COMMIT_ONCE, PATTERN, RERUN_LOST};
use crate::sim::action::{Action, TimedAction};
use crate::sim::engine::{Setup, Simulation};
use crate::sim::network::LinkConfig;
use crate::sim::node::NodeId;
use crate::sim::run::Engine;
use crate::sim::scenario::{
    Caption, Config, EventCaption, NodeInfo, ParamSpec, RunActions, Scenario, StoryInfo, SwitchSpec,
};
use crate::sim::time::SimTime;
use crate::sim::topology::Topology;

/// Every link: 0.2–0.5 ms.
const LINK: LinkConfig = LinkConfig::reliable(200, 500);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Story {
    Straggler,
    WorkerDies,
    DiesMidMap,
}

/// A map/reduce scenario.
pub struct MapReduceScenario {
    info: StoryInfo,
    story: Story,
}

const WORKERS: ParamSpec = ParamSpec {
    name: "workers",
    label: "Workers",
    min: 2,
    max: 8,
    default: 4,
    unit: "",
    step: 1,
};
const MAPS: ParamSpec = ParamSpec {
    name: "maps",
    label: "Map tasks (the input's splits)",
    min: 2,
    max: 16,
    default: 8,
    unit: "",
    step: 1,
};
const REDUCES: ParamSpec = ParamSpec {
    name: "reduces",
    label: "Reduce tasks (partitions)",
    min: 1,
    max: 6,
    default: 3,
    unit: "",
    step: 1,
};

const PARAMS: &[ParamSpec] = &[
    WORKERS,
    MAPS,
    REDUCES,
    ParamSpec {
        name: "slowdown",
        label: "How much slower w2 works",
        min: 1,
        max: 50,
        default: 10,
        unit: "×",
        step: 1,
    },
];

/// When the victim crashes, from `default` ms.
const fn crash_at(default: i64) -> ParamSpec {
    ParamSpec {
        name: "crash",
        label: "When w3 crashes (w2 of two workers)",
        min: 0,
        max: 300,
        default,
        unit: "ms",
        step: 5,
    }
}

/// One slow worker, with and without backup tasks.
pub static STRAGGLER: MapReduceScenario = MapReduceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "mapreduce-straggler",
        title: "A straggler and backup tasks",
        summary: "Four workers count the words of a 30-line text in 8 map and 3 reduce \
                  tasks; w2 works 10× slower (a bad disk). Near the end of each phase the \
                  master starts backup copies of the tasks still running, so the job does \
                  not wait for w2. Switch backups off and it does (far longer than the \
                  paper's 44 %: here one worker in four is 10× slow).",
        params: PARAMS,
    },
    story: Story::Straggler,
};

/// A worker dies after the map phase: its finished map outputs are lost with it.
pub static WORKER_DIES: MapReduceScenario = MapReduceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "mapreduce-worker-dies",
        title: "A worker dies in the reduce phase",
        summary: "The same job; w3 crashes once the reducers have started. The master \
                  notices its silence, and runs its map tasks again even though they had \
                  finished: their output was on w3's disk. The reducers fetch it from the \
                  new copies, and the output is still exactly the input's counts.",
        params: &[WORKERS, MAPS, REDUCES, crash_at(CRASH_MS)],
    },
    story: Story::WorkerDies,
};

/// A worker dies in the map phase, with a map output on its disk and a map task running.
pub static DIES_MID_MAP: MapReduceScenario = MapReduceScenario {
    info: StoryInfo {
        pattern: &PATTERN,
        id: "mapreduce-dies-mid-map",
        title: "A worker dies in the map phase",
        summary: "The same job; w3 crashes halfway through the map phase, with one map \
                  task finished on its disk and another running. The master runs both \
                  again on other workers, the reduce phase starts without w3, and the \
                  output is still exactly the input's counts, committed once. Switch off \
                  re-running lost map outputs and the job never ends.",
        params: &[WORKERS, MAPS, REDUCES, crash_at(MID_MAP_MS)],
    },
    story: Story::DiesMidMap,
};

impl MapReduceScenario {
    /// The worker that dies in the worker story: w3, or the last one if there are fewer.
    fn victim(cfg: &Config) -> String {
        let (workers, _, _) = Self::sizes(cfg);
        format!("w{}", workers.min(3))
    }

    fn sizes(cfg: &Config) -> (u32, u32, u32) {
        (
            cfg.param("workers").clamp(1, 16) as u32,
            cfg.param("maps").clamp(1, 64) as u32,
            cfg.param("reduces").clamp(1, 16) as u32,
        )
    }
}

impl Scenario for MapReduceScenario {
    fn info(&self) -> &StoryInfo {
        &self.info
    }

    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo> {
        let (workers, _, _) = Self::sizes(cfg);
        let master = NodeInfo {
            name: "m".into(),
            role: "master",
        };
        let workers = (1..=workers).map(|i| NodeInfo {
            name: format!("w{i}"),
            role: "worker",
        });
        std::iter::once(master).chain(workers).collect()
    }

    fn topology(&self, cfg: &Config) -> Topology {
        let (workers, _, _) = Self::sizes(cfg);
        let mut topology = Topology::default();
        for a in 1..=workers {
            topology.link(NodeId(0), NodeId(a));
            for b in a + 1..=workers {
                topology.link(NodeId(a), NodeId(b));
            }
        }
        topology
    }

    fn captions(&self, cfg: &Config) -> Vec<Caption> {
        let (workers, maps, reduces) = Self::sizes(cfg);
        let slowdown = cfg.param("slowdown");
        let caption = |ms: u64, text: String| Caption {
            at: SimTime::from_millis(ms),
            text,
        };
        let start = caption(
            0,
            format!(
                "The master m splits a 30-line text into {maps} map tasks and hands them to \
                 {workers} idle workers; each counts its split's words (about half a ms a \
                 word) and keeps them on its own disk, in {reduces} partitions. Once every \
                 map is done, {reduces} reduce tasks fetch their partition from each map \
                 output and sum it; the master commits each output once."
            ),
        );
        match self.story {
            Story::Straggler => {
                let mut out = vec![
                    start,
                    caption(
                        1,
                        format!(
                            "w2 works {slowdown}× slower than the others (a bad disk, a busy \
                             machine): its first map task takes {slowdown} times as long."
                        ),
                    ),
                ];
                // With backups on, what comes next waits for the first backup: see
                // `event_captions`.
                if !cfg.switch(BACKUP_TASKS) {
                    out.push(caption(
                        50,
                        "Backups are switched off: once the other workers have taken every \
                         map task there is, they sit idle (see the invariants) and the \
                         reducers cannot start until w2's slow map task is done. One slow \
                         machine sets the time of the whole job: the paper's sort took 44 % \
                         longer without backups."
                            .to_string(),
                    ));
                }
                out
            }
            Story::WorkerDies | Story::DiesMidMap => {
                let crash = cfg.param("crash").max(0) as u64;
                let victim = Self::victim(cfg);
                let after = if cfg.switch(RERUN_LOST) {
                    "Other workers run them again; reducers that miss one of those outputs \
                     ask the master where it is now, fetch it, and finish: the committed \
                     output still holds exactly the input's counts, each partition \
                     committed once."
                } else {
                    "Re-running lost map outputs is switched off: the master keeps \
                     counting them as done on the dead worker, the reducers ask for them \
                     there and never get them, and the job never ends (see the \
                     invariants: started tasks must finish or run again)."
                };
                vec![
                    start,
                    caption(
                        crash,
                        format!(
                            "{victim} crashes, and its disk with it. The master hears no \
                             heartbeat from it for 30 ms and marks it failed: the task it \
                             was running goes back to idle, and so do the map tasks it had \
                             finished, because their output was on its disk. {after}"
                        ),
                    ),
                ]
            }
        }
    }

    /// The straggler's first backup copy, when the master runs out of tasks to hand out.
    fn event_captions(&self, cfg: &Config) -> Vec<EventCaption> {
        if self.story != Story::Straggler || !cfg.switch(BACKUP_TASKS) {
            return Vec::new();
        }
        vec![EventCaption::after(
            0,
            "backup copy of",
            "The master has no map task left to hand out: it starts a backup copy of each \
             one still running — w2's included — on the first idle worker; whichever copy \
             finishes first counts, the other is discarded. The same near the end of the \
             reduce phase. Compare \"backup copies\" with \"task copies started\": the job \
             ends long before w2 would have.",
        )]
    }

    fn script(&self, cfg: &Config) -> Vec<TimedAction> {
        match self.story {
            Story::Straggler => vec![TimedAction {
                at: SimTime::ZERO,
                action: Action::Command {
                    node: "w2".into(),
                    verb: "slow".into(),
                    arg: cfg.param("slowdown"),
                },
            }],
            Story::WorkerDies | Story::DiesMidMap => vec![TimedAction {
                at: SimTime::from_millis(cfg.param("crash").max(0) as u64),
                action: Action::Crash(Self::victim(cfg)),
            }],
        }
    }

    /// Long enough for the job to finish, with room to spare: the text's work spread
    /// over the workers, twice (map and reduce), plus, without backups, the straggler's
    /// map and reduce tasks at its speed, plus failure detection.
    fn horizon(&self, cfg: &Config) -> SimTime {
        let (workers, maps, parts) = Self::sizes(cfg);
        let words = Corpus::new().counts().iter().sum::<u32>() as u64;
        let work_ms = words / 2; // half a millisecond a word
        let calm = 2 * work_ms / u64::from(workers);
        let straggling = match self.story {
            Story::Straggler if !cfg.switch(BACKUP_TASKS) => {
                let slowdown = cfg.param("slowdown").clamp(1, 1_000) as u64;
                slowdown * (work_ms / u64::from(maps) + work_ms / u64::from(parts))
            }
            Story::Straggler => work_ms / u64::from(maps),
            Story::WorkerDies | Story::DiesMidMap => {
                cfg.param("crash").clamp(0, 10_000) as u64 + work_ms / u64::from(workers)
            }
        };
        SimTime::from_millis(calm + straggling + 150)
    }

    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        match self.story {
            Story::Straggler => PATTERN
                .switches
                .iter()
                .filter(|s| s.name != RERUN_LOST)
                .collect(),
            Story::WorkerDies | Story::DiesMidMap => PATTERN
                .switches
                .iter()
                .filter(|s| s.name == RERUN_LOST)
                .collect(),
        }
    }

    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine> {
        let names: Vec<String> = self.nodes(cfg).into_iter().map(|n| n.name).collect();
        let (workers, maps, parts) = Self::sizes(cfg);
        let corpus = Rc::new(Corpus::new());
        let plan = Plan {
            workers,
            maps,
            parts,
            backups: cfg.switch(BACKUP_TASKS),
            commit_once: cfg.switch(COMMIT_ONCE),
            rerun_lost: cfg.switch(RERUN_LOST),
        };
        let mut nodes = vec![MapReduceNode::Master(Master::new(plan))];
        nodes.extend(
            (0..workers).map(|_| {
                MapReduceNode::Worker(Worker::new(NodeId(0), corpus.clone(), maps, parts))
            }),
        );
        Box::new(Simulation::new(Setup {
            topology: self.topology(cfg),
            metrics: PATTERN.metrics,
            checker: MapReduceChecker::new(&names, &corpus, maps, parts),
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

/// When w3 crashes in the worker story: after the map phase, while the reducers run.
const CRASH_MS: i64 = 70;
/// When w3 crashes in the map phase story: with its first map output on its disk, its
/// second map task running.
const MID_MAP_MS: i64 = 40;
