//! The balancer: picks an instance for each request by its policy, among the instances
//! its health checks say are up, and relays the answer.

use super::msg::{Msg, Note, Timer};
use super::node::BalanceNode;
use crate::sim::clock::WallTime;
use crate::sim::node::{Ctx, NodeId, NodeView};

/// How the balancer picks an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Each healthy instance in turn.
    RoundRobin,
    /// A healthy instance at random.
    Random,
    /// The healthy instance with the fewest requests this balancer has in hand there.
    LeastOutstanding,
    /// Two healthy instances at random, then the one with fewer requests in hand.
    TwoChoices,
    /// The healthy instance that reported the least load at the latest health check
    /// (the first one on a tie): information that is up to a round old.
    LeastReported,
}

impl Policy {
    /// The policy for the `policy` parameter's value.
    pub fn from_param(value: i64) -> Policy {
        match value {
            0 => Policy::RoundRobin,
            1 => Policy::Random,
            2 => Policy::LeastOutstanding,
            3 => Policy::TwoChoices,
            _ => Policy::LeastReported,
        }
    }

    /// Its name in words.
    pub fn name(self) -> &'static str {
        match self {
            Policy::RoundRobin => "round robin",
            Policy::Random => "random",
            Policy::LeastOutstanding => "least outstanding requests",
            Policy::TwoChoices => "two random choices",
            Policy::LeastReported => "least load reported at the last check",
        }
    }
}

/// How the balancer checks its instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Health {
    /// Whether it checks at all (off: every configured instance is assumed up).
    pub on: bool,
    /// Time between two rounds of checks.
    pub every_us: u64,
    /// Rounds missed in a row before an instance is ejected.
    pub eject_after: u32,
}

/// Outlier detection (Envoy's, passive): an instance whose answers are errors
/// `errors_in_row` times in a row is ejected for `base_us` times the times it has been
/// ejected, at most a tenth of the instances (and at least one) at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outliers {
    /// Whether the balancer watches its answers at all.
    pub on: bool,
    /// Errors in a row that eject an instance (Envoy: 5 consecutive 5xx).
    pub errors_in_row: u32,
    /// The first ejection's length; the n-th lasts n times as long (Envoy: 30 s).
    pub base_us: u64,
}

impl Outliers {
    /// How many instances of `n` may be ejected at once: a tenth, and at least one
    /// (Envoy's `max_ejection_percent`, 10 %).
    pub fn cap(n: usize) -> usize {
        (n / 10).max(1)
    }
}

/// One instance as the balancer sees it.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    healthy: bool,
    answered: bool,
    missed: u32,
    in_hand: u32,
    /// Errors it answered in a row (outlier detection).
    errors: u32,
    /// Times outlier detection ejected it.
    ejections: u32,
    /// Ejected by outlier detection until then (on the balancer's monotonic clock).
    out_until: Option<WallTime>,
    /// The load it reported with its latest answer.
    reported: u32,
    /// When (on the balancer's wall clock) the latest round it answered began.
    answered_round_at: WallTime,
}

/// A load balancer in front of the instances.
#[derive(Clone, Debug)]
pub struct Balancer {
    instances: Vec<NodeId>,
    policy: Policy,
    health: Health,
    outliers: Outliers,
    // Volatile.
    seen: Vec<Seen>,
    turn: usize,
    round: u64,
    round_at: WallTime,
}

impl Balancer {
    /// A balancer over `instances`.
    pub fn new(
        instances: Vec<NodeId>,
        policy: Policy,
        health: Health,
        outliers: Outliers,
    ) -> Balancer {
        let seen = vec![Seen::default(); instances.len()];
        Balancer {
            instances,
            policy,
            health,
            outliers,
            seen,
            turn: 0,
            round: 0,
            round_at: WallTime::default(),
        }
    }

    pub(super) fn on_start(&mut self, ctx: &mut Ctx<'_, BalanceNode>) {
        // With checks, an instance is routed to once it has answered one; without, every
        // configured instance is assumed up.
        let assumed_up = !self.health.on;
        for seen in &mut self.seen {
            *seen = Seen {
                healthy: assumed_up,
                ..Seen::default()
            };
        }
        if self.health.on {
            self.check_round(ctx);
        }
    }

    fn check_round(&mut self, ctx: &mut Ctx<'_, BalanceNode>) {
        self.round += 1;
        self.round_at = ctx.wall_clock();
        for (i, seen) in self.seen.iter_mut().enumerate() {
            if self.round > 1 && !seen.answered {
                seen.missed += 1;
                if seen.healthy && seen.missed >= self.health.eject_after {
                    seen.healthy = false;
                    let missed = seen.missed;
                    ctx.note(Note::Ejected {
                        instance: i as u32,
                        missed,
                    });
                }
            }
            seen.answered = false;
            ctx.send(self.instances[i], Msg::Ping { round: self.round });
        }
        let every = self.health.every_us;
        ctx.set_timer(Timer::HealthRound, every, every);
    }

    pub(super) fn on_timer(&mut self, ctx: &mut Ctx<'_, BalanceNode>, timer: Timer) {
        if timer == Timer::HealthRound {
            self.check_round(ctx);
        }
    }

    pub(super) fn on_message(&mut self, ctx: &mut Ctx<'_, BalanceNode>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Request { id } => match self.pick(ctx) {
                Some(i) => {
                    self.seen[i].in_hand += 1;
                    let client = from.0;
                    ctx.send(self.instances[i], Msg::Work { client, id });
                }
                None => ctx.send(from, Msg::Response { id, served: false }),
            },
            Msg::Done { client, id } => {
                if let Some(i) = self.index_of(from) {
                    let seen = &mut self.seen[i];
                    seen.in_hand = seen.in_hand.saturating_sub(1);
                    seen.errors = 0;
                }
                ctx.send(NodeId(client), Msg::Response { id, served: true });
            }
            Msg::Failed { client, id } => {
                if let Some(i) = self.index_of(from) {
                    let seen = &mut self.seen[i];
                    seen.in_hand = seen.in_hand.saturating_sub(1);
                    seen.errors += 1;
                    self.watch(ctx, i);
                }
                ctx.send(NodeId(client), Msg::Error { id });
            }
            Msg::Pong { round, load } if round == self.round => {
                if let Some(i) = self.index_of(from) {
                    let seen = &mut self.seen[i];
                    seen.answered = true;
                    seen.reported = load;
                    seen.missed = 0;
                    seen.answered_round_at = self.round_at;
                    if !seen.healthy {
                        seen.healthy = true;
                        ctx.note(Note::Admitted { instance: i as u32 });
                    }
                }
            }
            _ => {}
        }
    }

    /// Outlier detection after instance `i` answered with an error: eject it once its
    /// errors in a row reach the threshold, if fewer than the cap are out already.
    fn watch(&mut self, ctx: &mut Ctx<'_, BalanceNode>, i: usize) {
        let now = ctx.monotonic();
        let out = |s: &Seen| s.out_until.is_some_and(|until| until > now);
        let ejected = self.seen.iter().filter(|s| out(s)).count();
        let cap = Outliers::cap(self.seen.len());
        let seen = &mut self.seen[i];
        if !self.outliers.on
            || seen.errors < self.outliers.errors_in_row
            || out(seen)
            || ejected >= cap
        {
            return;
        }
        seen.ejections += 1;
        let for_us = self.outliers.base_us * u64::from(seen.ejections);
        seen.out_until = Some(WallTime(now.0.saturating_add(for_us as i64)));
        ctx.note(Note::Outlier {
            instance: i as u32,
            errors: seen.errors,
            for_ms: for_us / 1_000,
        });
        // Envoy resets the count on ejection: back in, it takes as many errors again.
        seen.errors = 0;
    }

    fn index_of(&self, node: NodeId) -> Option<usize> {
        self.instances.iter().position(|&n| n == node)
    }

    /// The instance for the next request, by the policy, among the healthy ones.
    fn pick(&mut self, ctx: &mut Ctx<'_, BalanceNode>) -> Option<usize> {
        // An instance whose ejection is over is back in the pool (said once).
        let mono = ctx.monotonic();
        for (i, seen) in self.seen.iter_mut().enumerate() {
            if seen.out_until.is_some_and(|until| until <= mono) {
                seen.out_until = None;
                ctx.note(Note::Admitted { instance: i as u32 });
            }
        }
        // A health table is only as good as its latest answers, dated by when their round
        // began: after a pause of the balancer (or its clock stepping back) none is
        // fresh, and it fails fast until a new round has answered.
        let now = ctx.wall_clock().0;
        let window = (u64::from(self.health.eject_after) * self.health.every_us) as i64;
        let fresh = |seen: &Seen| {
            let asked = seen.answered_round_at.0;
            !self.health.on || (asked <= now && now - asked <= window)
        };
        let healthy: Vec<usize> = (0..self.seen.len())
            .filter(|&i| {
                let seen = &self.seen[i];
                seen.healthy && fresh(seen) && seen.out_until.is_none()
            })
            .collect();
        if healthy.is_empty() {
            return None;
        }
        let in_hand = |i: usize| self.seen[i].in_hand;
        Some(match self.policy {
            Policy::RoundRobin => {
                self.turn += 1;
                healthy[self.turn % healthy.len()]
            }
            Policy::Random => healthy[ctx.random_below(healthy.len() as u64) as usize],
            Policy::LeastOutstanding => {
                // Ties go to the next instance in turn, so an idle pool is shared.
                self.turn += 1;
                let start = self.turn % healthy.len();
                let order = healthy[start..].iter().chain(&healthy[..start]);
                *order.min_by_key(|&&i| in_hand(i)).unwrap_or(&healthy[0])
            }
            Policy::LeastReported => *healthy
                .iter()
                .min_by_key(|&&i| self.seen[i].reported)
                .unwrap_or(&healthy[0]),
            Policy::TwoChoices => {
                let n = healthy.len() as u64;
                let a = healthy[ctx.random_below(n) as usize];
                let b = healthy[ctx.random_below(n) as usize];
                if in_hand(b) < in_hand(a) {
                    b
                } else {
                    a
                }
            }
        })
    }

    pub(super) fn on_crash(&mut self) {}

    pub(super) fn view(&self) -> NodeView {
        let healthy = self.seen.iter().filter(|s| s.healthy).count();
        let in_hand: u32 = self.seen.iter().map(|s| s.in_hand).sum();
        let outliers = self.seen.iter().filter(|s| s.out_until.is_some()).count();
        let routed = self
            .seen
            .iter()
            .filter(|s| s.healthy && s.out_until.is_none())
            .count();
        // The instances it ejected for errors are said on the node itself (instead of
        // how many are up: a small box holds one of the two), so an ejection is seen on
        // the stage, not only in the inspector; "up" is what the health checks say,
        // which an ejected instance may well still pass.
        let up = format!("{healthy}/{} up", self.instances.len());
        let headline = if outliers > 0 {
            format!("{outliers} ejected")
        } else {
            up.clone()
        };
        NodeView {
            role: "balancer",
            headline,
            fields: vec![
                ("policy", self.policy.name().to_string()),
                ("passing health checks", up),
                ("up and not ejected", routed.to_string()),
                ("requests in hand", in_hand.to_string()),
                (
                    "ejected for errors",
                    if self.outliers.on {
                        outliers.to_string()
                    } else {
                        "outlier detection off".to_string()
                    },
                ),
                (
                    "health checks",
                    if self.health.on {
                        format!("every {} ms", self.health.every_us / 1_000)
                    } else {
                        "off".to_string()
                    },
                ),
            ],
        }
    }
}
