//! Checks the sidecar stories from the trace: when the job's application containers
//! exited (their own exit, in the trace) against when the job was reported complete;
//! what the application was told its writes did against what its reads returned; the
//! format of every metrics answer that reached monitoring.

use super::hops::HopTimes;
use crate::patterns::deploy::msg::{Format, Msg, Note};
use crate::patterns::deploy::DeployNode;
use crate::patterns::findings::Findings;
use crate::sim::action::Action;
use crate::sim::checker::{Breach, Checker, Property, PropertyKind, World};
use crate::sim::network::LinkConfig;
use crate::sim::node::{NodeId, NodeStatus};
use crate::sim::time::SimTime;
use crate::sim::trace::{EventKind, MessageRecord, TraceEvent};

/// The properties, in the order the checker reports them.
pub const PROPERTIES: &[Property] = &[
    Property {
        id: "job-completes-iff-apps-did",
        sentence: "A job completes if and only if all its application containers \
                   completed: never before, and within 40 ms after the last of them (or \
                   after the last fault, if one came later; not while the network is cut \
                   or degraded).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "reads-latest-write",
        sentence: "Every read the application makes returns the latest value it was told \
                   was written to that key (or one it wrote since, not yet acknowledged).",
        kind: PropertyKind::Guarantee,
    },
    Property {
        id: "metrics-readable",
        sentence: "Every answer to monitoring's scrapes reaches it in the one format it \
                   reads (Prometheus text).",
        kind: PropertyKind::Guarantee,
    },
];

const JOB: usize = 0;
const READS: usize = 1;
const METRICS: usize = 2;

/// How long after its application containers a job may take to complete.
const JOB_BOUND_US: u64 = 40_000;

/// The job's pod, as the checker follows it.
#[derive(Clone, Debug, Default)]
struct JobPod {
    /// The application containers, whether each has exited, and the event and time of
    /// the last exit.
    apps: Vec<(NodeId, bool)>,
    last_exit: Option<(usize, SimTime)>,
    last_fault: SimTime,
    /// Partitions not yet healed, and links set to other than the default.
    cut: bool,
    degraded: bool,
    complete: bool,
}

/// The application's operation in flight: its number, key and (for a write) value.
type Op = (u64, u64, Option<u64>);

/// The sidecar pattern's checker.
#[derive(Clone, Debug)]
pub struct SidecarChecker {
    findings: Findings,
    job: JobPod,
    /// The key-value application, its operation in flight, and per key the latest
    /// acknowledged value and the values written since without an acknowledgement.
    app: Option<NodeId>,
    op: Option<Op>,
    acked: Vec<Option<u64>>,
    unacked: Vec<Vec<u64>>,
    monitor: Option<NodeId>,
    /// The hop story's two clients' latencies.
    hops: Option<HopTimes>,
}

impl SidecarChecker {
    /// A checker for nodes named `names`: `apps` are a job's application containers,
    /// `app` an application using `keys` keys, `monitor` the monitoring system.
    pub fn new(
        names: &[String],
        apps: &[NodeId],
        app: Option<NodeId>,
        keys: usize,
        monitor: Option<NodeId>,
    ) -> SidecarChecker {
        SidecarChecker {
            findings: Findings::new(names),
            job: JobPod {
                apps: apps.iter().map(|&a| (a, false)).collect(),
                ..JobPod::default()
            },
            app,
            op: None,
            acked: vec![None; keys],
            unacked: vec![Vec::new(); keys],
            monitor,
            hops: None,
        }
    }

    /// The same, following the hop story's clients' latencies too.
    pub fn timing(self, hops: HopTimes) -> SidecarChecker {
        SidecarChecker {
            hops: Some(hops),
            ..self
        }
    }

    /// What the checker says of the run at its frontier: the hop story's p90 latencies.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        self.hops.as_ref().map_or_else(Vec::new, HopTimes::facts)
    }

    fn on_note(&mut self, index: usize, node: NodeId, note: &Note) {
        match note {
            Note::Exited => {
                if let Some(app) = self.job.apps.iter_mut().find(|a| a.0 == node) {
                    app.1 = true;
                }
            }
            Note::JobComplete => {
                let running = self.job.apps.iter().find(|a| !a.1).map(|a| a.0);
                if let Some(app) = running {
                    self.findings.breach(JOB, index, |c| {
                        format!("job complete while {} still runs", c.name(app))
                    });
                }
                self.job.complete = true;
            }
            _ => {}
        }
    }

    /// What the application sent or was answered.
    fn on_app(&mut self, index: usize, record: &MessageRecord<Msg>, sent: bool) {
        match (&record.payload, sent) {
            (&Msg::Get { id, key }, true) => self.op = Some((id, key, None)),
            (&Msg::Put { id, key, value }, true) => {
                self.op = Some((id, key, Some(value)));
                if let Some(list) = self.unacked.get_mut(key as usize) {
                    list.push(value);
                }
            }
            (&Msg::PutOk { id }, false) => {
                if let Some((_, key, Some(value))) = self.op.filter(|op| op.0 == id) {
                    let key = key as usize;
                    self.acked[key] = Some(value);
                    self.unacked[key].retain(|&v| v > value);
                    self.op = None;
                }
            }
            (&Msg::Got { id, value }, false) => {
                let Some((_, key, None)) = self.op.filter(|op| op.0 == id) else {
                    return;
                };
                self.op = None;
                let k = key as usize;
                let acked = self.acked[k];
                let fine = value == acked || value.is_some_and(|v| self.unacked[k].contains(&v));
                if !fine {
                    let show = |v: Option<u64>| v.map_or("nothing".to_string(), |v| v.to_string());
                    self.findings.breach(READS, index, |_| {
                        format!(
                            "a read of k{key} returned {}, but the latest acknowledged \
                             write was {}",
                            show(value),
                            show(acked)
                        )
                    });
                }
            }
            _ => {}
        }
    }
}

impl Checker<DeployNode> for SidecarChecker {
    fn properties(&self) -> &'static [Property] {
        PROPERTIES
    }

    fn observe(
        &mut self,
        index: usize,
        event: &TraceEvent<DeployNode>,
        msg: Option<&MessageRecord<Msg>>,
    ) {
        let node = event.node.unwrap_or(NodeId(u32::MAX));
        if let Some(hops) = &mut self.hops {
            match (&event.kind, msg) {
                (EventKind::Send { .. }, Some(record)) => {
                    hops.on_message(event.time, record, false)
                }
                (EventKind::Deliver { .. }, Some(record)) => {
                    hops.on_message(event.time, record, true);
                }
                (EventKind::Note(Note::TimedOut { id }), _) => hops.forget(node, *id),
                _ => {}
            }
        }
        match (&event.kind, msg) {
            (EventKind::Note(note), _) => {
                if matches!(note, Note::Exited) && self.job.apps.iter().any(|a| a.0 == node) {
                    self.job.last_exit = Some((index, event.time));
                }
                self.on_note(index, node, note);
            }
            (EventKind::Action(action), _) => {
                self.job.last_fault = event.time;
                match **action {
                    Action::Partition { .. } => self.job.cut = true,
                    Action::Heal => self.job.cut = false,
                    Action::SetLink { cfg, .. } => self.job.degraded = cfg != LinkConfig::default(),
                    _ => {}
                }
            }
            (EventKind::Send { .. }, Some(record)) if Some(record.from) == self.app => {
                self.on_app(index, record, true);
            }
            (EventKind::Deliver { .. }, Some(record)) if Some(record.to) == self.app => {
                self.on_app(index, record, false);
            }
            (EventKind::Deliver { .. }, Some(record)) if Some(record.to) == self.monitor => {
                if let Msg::Metrics { format } = record.payload {
                    if format != Format::Prometheus {
                        let from = record.from;
                        self.findings.breach(METRICS, index, |c| {
                            format!(
                                "monitoring got {}'s metrics as {}, which it cannot read",
                                c.name(from),
                                format.name()
                            )
                        });
                    }
                }
            }
            _ => {}
        }
    }

    fn check(&mut self, _nodes: &[DeployNode], world: &World<'_>, out: &mut Vec<Breach>) {
        let job = &self.job;
        let all_exited = !job.apps.is_empty() && job.apps.iter().all(|a| a.1);
        let calm = !job.cut && !job.degraded && world.status.iter().all(|s| *s == NodeStatus::Up);
        if let (true, false, true, Some((index, at))) =
            (all_exited, job.complete, calm, job.last_exit)
        {
            let from = at.max(job.last_fault);
            if world.now.as_micros() > from.as_micros() + JOB_BOUND_US {
                self.findings.breach(JOB, index, |_| {
                    format!(
                        "every application container had exited by {at}, and at {} the \
                         job is still not complete",
                        world.now
                    )
                });
            }
        }
        self.findings.drain(out);
    }
}

#[cfg(test)]
mod tests;
