//! The balancer in front of the gateway replicas: it checks their health and sends each
//! request to the next one that answered, or answers 503 when none did.

use super::msg::{Msg, Note, Outcome, Timer};
use super::node::GatewayNode;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// A health-checking round-robin balancer (a cloud load balancer's target group).
#[derive(Clone, Debug)]
pub struct Balancer {
    gateways: Vec<NodeId>,
    every_us: u64,
    eject_after: u32,
    // Volatile.
    round: u64,
    /// Per gateway: rounds missed in a row, and whether it answered this one.
    missed: Vec<(u32, bool)>,
    turn: usize,
}

impl Balancer {
    /// A balancer over `gateways`, checking them every `every_us` and ejecting one after
    /// `eject_after` missed rounds in a row.
    pub fn new(gateways: Vec<NodeId>, every_us: u64, eject_after: u32) -> Balancer {
        Balancer {
            missed: vec![(0, true); gateways.len()],
            gateways,
            every_us,
            eject_after,
            round: 0,
            turn: 0,
        }
    }

    fn healthy(&self, i: usize) -> bool {
        self.missed[i].0 < self.eject_after
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, GatewayNode>) {
        self.check_round(ctx);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, GatewayNode>, timer: Timer) {
        if timer == Timer::HealthRound {
            self.check_round(ctx);
        }
    }

    fn check_round(&mut self, ctx: &mut Ctx<'_, GatewayNode>) {
        self.round += 1;
        for i in 0..self.gateways.len() {
            let (missed, answered) = &mut self.missed[i];
            if !*answered {
                *missed += 1;
                if *missed == self.eject_after {
                    ctx.note(Note::Ejected { gateway: i as u32 });
                }
            }
            *answered = false;
            ctx.send(self.gateways[i], Msg::Ping { round: self.round });
        }
        ctx.set_timer(Timer::HealthRound, self.every_us, self.every_us);
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, GatewayNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Request { client, id, .. } => {
                let n = self.gateways.len();
                match (0..n)
                    .map(|k| (self.turn + k) % n)
                    .find(|&i| self.healthy(i))
                {
                    Some(i) => {
                        self.turn = i + 1;
                        ctx.send(self.gateways[i], msg);
                    }
                    None => {
                        let outcome = Outcome::Unavailable;
                        ctx.send(NodeId(client), Msg::Reply { id, outcome });
                    }
                }
            }
            Msg::Pong { round } if round == self.round => {
                if let Some(i) = self.gateways.iter().position(|&g| g == from) {
                    if !self.healthy(i) {
                        ctx.note(Note::Admitted { gateway: i as u32 });
                    }
                    self.missed[i] = (0, true);
                }
            }
            _ => {}
        }
    }

    pub(super) fn on_crash(&mut self) {
        self.missed.fill((0, true));
    }

    pub(super) fn view(&self) -> NodeView {
        let up = (0..self.gateways.len())
            .filter(|&i| self.healthy(i))
            .count();
        NodeView {
            role: "balancer",
            headline: format!("{up}/{} up", self.gateways.len()),
            fields: vec![
                ("gateways routed to", up.to_string()),
                (
                    "health checks",
                    format!("every {} ms", self.every_us / 1_000),
                ),
            ],
        }
    }
}
