//! A pod's application container: it needs its start-up time after every (re)start
//! before it can serve (it loads its data, warms its caches); a request it gets sooner
//! fails. It answers probes with its boot and whether it has started, and refuses a
//! request routed to a previous boot.

use crate::patterns::deploy::msg::{Msg, Note, Timer};
use crate::patterns::deploy::DeployNode;
use crate::sim::load::Delay;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// An application container in a pod.
#[derive(Clone, Debug)]
pub struct Container {
    role: &'static str,
    startup_us: u64,
    work: Delay,
    /// Its work's time in percent of normal, as its host's scheduler last said.
    percent: u64,
    ready_at_start: bool,
    /// Durable: how many times it has started (the kubelet's restart count).
    boot: u32,
    served: u64,
    // Volatile.
    warm: bool,
}

impl Container {
    /// A container that needs `startup_us` after each start, then serves requests in
    /// `work` each; `ready_at_start` when it was already running before the run began.
    pub fn new(startup_us: u64, work: Delay, ready_at_start: bool) -> Container {
        Container {
            role: "container",
            startup_us,
            work,
            percent: 100,
            ready_at_start,
            boot: 0,
            served: 0,
            warm: false,
        }
    }

    /// The same, shown in the role `role` (a process, a VM).
    pub fn shown_as(self, role: &'static str) -> Container {
        Container { role, ..self }
    }

    pub(crate) fn on_start(&mut self, ctx: &mut Ctx<'_, DeployNode>) {
        self.boot += 1;
        self.warm = self.boot == 1 && self.ready_at_start;
        if !self.warm {
            ctx.set_timer(Timer::Warm, self.startup_us, self.startup_us);
        }
    }

    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, DeployNode>, timer: Timer) {
        if timer == Timer::Warm {
            self.warm = true;
            ctx.note(Note::Warm { boot: self.boot });
        }
    }

    /// A request takes its service time; a probe none.
    pub(crate) fn service(&self, msg: &Msg) -> Option<Delay> {
        let p = self.percent;
        let scaled = |us: u64| us.saturating_mul(p) / 100;
        let work = match self.work {
            Delay::Fixed(us) => Delay::Fixed(scaled(us)),
            Delay::Uniform(lo, hi) => Delay::Uniform(scaled(lo), scaled(hi)),
            Delay::Exponential(mean) => Delay::Exponential(scaled(mean)),
        };
        matches!(msg, Msg::Work { .. }).then_some(work)
    }

    pub(crate) fn on_message(&mut self, ctx: &mut Ctx<'_, DeployNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Work { client, id, boot } if boot != self.boot => {
                ctx.send(from, Msg::Refused { client, id });
            }
            Msg::Work { client, id, .. } => {
                self.served += u64::from(self.warm);
                ctx.send(
                    from,
                    Msg::Done {
                        client,
                        id,
                        ok: self.warm,
                    },
                );
            }
            Msg::Share { percent } => self.percent = percent,
            Msg::Probe { round } => {
                let (boot, warm) = (self.boot, self.warm);
                ctx.send(from, Msg::Status { round, boot, warm });
            }
            _ => {}
        }
    }

    pub(crate) fn on_crash(&mut self) {
        self.warm = false;
    }

    pub(crate) fn view(&self) -> NodeView {
        NodeView {
            role: self.role,
            headline: if self.warm { "ready" } else { "starting" }.to_string(),
            fields: vec![
                ("boot", self.boot.to_string()),
                ("start-up time", format!("{} ms", self.startup_us / 1_000)),
                ("requests served", self.served.to_string()),
                ("work time", format!("{} % of normal", self.percent)),
            ],
        }
    }
}
