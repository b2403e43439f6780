//! Work that takes time and that a person can slow down ("a noisy neighbour, a bad
//! disk"): shared by the Services family's servers (load balancing's instances,
//! resilience's database), with the `slow` verb they offer.

use crate::sim::load::Delay;
use crate::sim::node::{NodeView, TROUBLE};
use crate::sim::scenario::{ParamSpec, VerbSpec};

/// The `slow` verb, for nodes of `roles`: multiplies the service time by 1 (normal) to
/// `max`, `default` unless set; `help` says what it stands for.
pub const fn slow_verb(
    roles: &'static [&'static str],
    help: &'static str,
    max: i64,
    default: i64,
) -> VerbSpec {
    VerbSpec {
        name: "slow",
        label: "Slow down",
        help,
        roles,
        arg: Some(ParamSpec {
            name: "factor",
            label: "Times slower",
            min: 1,
            max,
            default,
            unit: "×",
            step: 1,
        }),
    }
}

/// The `slow` verb of a service's instances (load balancing's, discovery's, the API
/// gateway's).
pub const SLOW_VERB: VerbSpec = slow_verb(
    &["instance"],
    "Multiply this instance's service time (a noisy neighbour, a bad disk); 1 makes it \
     normal again.",
    50,
    10,
);

/// A server's work: its service time, how much slower than normal it is, what it served.
#[derive(Clone, Debug)]
pub struct SlowableWork {
    work: Delay,
    /// Durable (a property of the machine): how many times slower than normal it is.
    slow: u64,
    served: u64,
}

impl SlowableWork {
    /// Work that takes `work` per request at normal speed.
    pub fn new(work: Delay) -> SlowableWork {
        SlowableWork {
            work,
            slow: 1,
            served: 0,
        }
    }

    /// How long one request takes now.
    pub fn delay(&self) -> Delay {
        self.work.times(self.slow)
    }

    /// Counts one request served.
    pub fn count_served(&mut self) {
        self.served += 1;
    }

    /// Applies a pattern action: for `slow`, the new factor (clamped to 1..=1,000).
    pub fn command(&mut self, verb: &str, arg: i64) -> Option<u64> {
        (verb == "slow").then(|| {
            self.slow = arg.clamp(1, 1_000) as u64;
            self.slow
        })
    }

    /// The stage's line: what it served, and how much slower it is when it is.
    pub fn headline(&self) -> String {
        let mut headline = format!("{} served", self.served);
        if self.slow > 1 {
            headline.push_str(&format!(" ×{}", self.slow));
        }
        headline
    }

    /// The inspector's fields: what it served (under `served`), its mean service time now
    /// and its slow-down factor; when it is slowed, that as its trouble.
    pub fn fields(&self, served: &'static str) -> Vec<(&'static str, String)> {
        let mean = self.delay().mean();
        let mut fields = vec![
            (served, self.served.to_string()),
            (
                "mean service time",
                format!("{}.{} ms", mean / 1_000, mean % 1_000 / 100),
            ),
            ("slowed", format!("×{}", self.slow)),
        ];
        if self.slow > 1 {
            fields.push((TROUBLE, format!("{}× slower", self.slow)));
        }
        fields
    }

    /// A server of `role` as the stage and the inspector show it: what it served, its
    /// service time and slow-down.
    pub fn view(&self, role: &'static str) -> NodeView {
        NodeView {
            role,
            headline: self.headline(),
            fields: self.fields("served"),
        }
    }
}
