//! A kubelet: on its host, it probes every container that may run there each period and
//! sends the control plane its node status with the containers it finds ready.
//!
//! A readiness probe asks the application whether it has finished starting; without
//! one (the `readiness` switch off) a container counts as ready as soon as it answers
//! at all, i.e. once its process runs. A container is unready after `failures` probes
//! in a row go unanswered, or at once when it answers as a restarted container that has
//! not finished starting.

use crate::patterns::deploy::msg::{Msg, Ready, Timer};
use crate::patterns::deploy::DeployNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// Probe settings (Kubernetes' defaults: every 10 s, three failures; scaled here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probes {
    /// Whether the probe asks for readiness (off: a running process counts as ready).
    pub readiness: bool,
    /// Time between rounds.
    pub every_us: u64,
    /// Unanswered probes in a row before a container is unready.
    pub failures: u32,
}

/// What the kubelet knows of one container.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    /// The boot it saw ready, if it is ready.
    ready: Option<u32>,
    answered: bool,
    missed: u32,
}

/// The node agent of one host.
#[derive(Clone, Debug)]
pub struct Kubelet {
    control: NodeId,
    containers: Vec<NodeId>,
    probes: Probes,
    // Volatile.
    seen: Vec<Seen>,
    round: u64,
}

impl Kubelet {
    /// The kubelet of a host that may run `containers`, reporting to `control`; the
    /// first `running` of them were running, ready, before the run began.
    pub fn new(
        control: NodeId,
        containers: Vec<NodeId>,
        probes: Probes,
        running: usize,
    ) -> Kubelet {
        let mut seen = vec![Seen::default(); containers.len()];
        for s in seen.iter_mut().take(running) {
            *s = Seen {
                ready: Some(1),
                answered: true,
                missed: 0,
            };
        }
        Kubelet {
            seen,
            control,
            containers,
            probes,
            round: 0,
        }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.on_round(ctx);
    }

    fn on_round(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.round += 1;
        let failures = self.probes.failures;
        for seen in &mut self.seen {
            if !seen.answered {
                seen.missed += 1;
                if seen.missed >= failures {
                    seen.ready = None;
                }
            }
            seen.answered = false;
        }
        let ready = self.ready();
        ctx.send(self.control, Msg::Heartbeat { ready });
        let round = self.round;
        ctx.broadcast(self.containers.iter().copied(), Msg::Probe { round });
        let every = self.probes.every_us;
        ctx.set_timer(Timer::Round, every, every);
    }

    fn ready(&self) -> Vec<Ready> {
        let pairs = self.containers.iter().zip(&self.seen);
        pairs
            .filter_map(|(c, s)| s.ready.map(|boot| (c.0, boot)))
            .collect()
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>, timer: Timer) {
        if timer == Timer::Round {
            self.on_round(ctx);
        }
    }

    pub(crate) fn on_message(&mut self, from: NodeId, msg: Msg) {
        let Msg::Status { round, boot, warm } = msg else {
            return;
        };
        let Some(i) = self.containers.iter().position(|&c| c == from) else {
            return;
        };
        if round != self.round {
            return;
        }
        let seen = &mut self.seen[i];
        seen.answered = true;
        seen.missed = 0;
        seen.ready = (warm || !self.probes.readiness).then_some(boot);
    }

    pub(crate) fn on_crash(&mut self) {
        self.seen.fill(Seen::default());
    }

    pub(crate) fn view(&self) -> NodeView {
        let ready = self.seen.iter().filter(|s| s.ready.is_some()).count();
        NodeView {
            role: "kubelet",
            headline: format!("{ready} ready"),
            fields: vec![
                (
                    "probe",
                    if self.probes.readiness {
                        "readiness"
                    } else {
                        "process running"
                    }
                    .to_string(),
                ),
                ("round", self.round.to_string()),
            ],
        }
    }
}
