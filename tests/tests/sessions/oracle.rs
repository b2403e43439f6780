//! The oracle: what is wrong with a session, computed from the scenario's declared specs
//! and the documented ranges, independently of the code that validates.

use playground_core::sim::action::{Action, TimedAction};
use playground_core::sim::rng::Ratio;
use playground_core::sim::scenario::{Config, ParamSpec, Scenario};
use playground_core::sim::session::SessionError;
use playground_core::{Registry, Session};

/// One thing wrong with a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    UnknownScenario,
    UnknownParam,
    ParamOutOfRange,
    UnknownSwitch,
    OutOfOrder,
    AfterEnd,
    OutOfRange(&'static str),
    UnknownNode(String),
}

/// The documented allowed range of each kind of action number.
pub fn documented_range(what: &str) -> &'static str {
    match what {
        "clock drift" => "-100000 to 100000 ppm",
        "clock step" => "-3600000000 to 3600000000 µs",
        "link latency" => "0 to 10000000 µs",
        _ => "",
    }
}

/// The problem an error reports, or `None` if it is not a validation error.
pub fn problem_of(error: &SessionError) -> Option<Problem> {
    Some(match error {
        SessionError::UnknownScenario { .. } => Problem::UnknownScenario,
        SessionError::UnknownParam { .. } => Problem::UnknownParam,
        SessionError::ParamOutOfRange { .. } => Problem::ParamOutOfRange,
        SessionError::UnknownSwitch { .. } => Problem::UnknownSwitch,
        SessionError::ActionsOutOfOrder { .. } => Problem::OutOfOrder,
        SessionError::ActionAfterEnd { .. } => Problem::AfterEnd,
        SessionError::ActionOutOfRange { what, .. } => Problem::OutOfRange(what),
        SessionError::UnknownNode { name, .. } => Problem::UnknownNode(name.clone()),
        _ => return None,
    })
}

fn param_ok(spec: &ParamSpec, value: i64) -> bool {
    let (v, min, max, step) = (
        i128::from(value),
        i128::from(spec.min),
        i128::from(spec.max),
        i128::from(spec.step.max(1)),
    );
    min <= v && v <= max && (v - min) % step == 0
}

/// Everything wrong with one action of a run that ends at `horizon` with nodes `names`.
pub fn action_problems(timed: &TimedAction, horizon: u64, names: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    if timed.at.as_micros() > horizon {
        problems.push(Problem::AfterEnd);
    }
    let mut range = |ok: bool, what: &'static str| {
        if !ok {
            problems.push(Problem::OutOfRange(what));
        }
    };
    let ratio_ok = |r: Ratio| r.den >= 1 && r.num <= r.den;
    match &timed.action {
        Action::SetDrift { ppm, .. } => range(ppm.unsigned_abs() <= 100_000, "clock drift"),
        Action::SkewClock { delta_us, .. } => {
            range(delta_us.unsigned_abs() <= 3_600_000_000, "clock step")
        }
        Action::Delay { by_us, .. } => range(*by_us <= horizon, "message delay"),
        Action::SetLink { cfg, .. } => {
            range(
                cfg.latency_max_us <= 10_000_000 && cfg.latency_min_us <= cfg.latency_max_us,
                "link latency",
            );
            range(
                ratio_ok(cfg.loss) && ratio_ok(cfg.duplication),
                "loss or duplication ratio",
            );
        }
        Action::Partition { from, to, .. } => {
            range(!from.is_empty() && !to.is_empty(), "partition")
        }
        _ => {}
    }
    timed.action.map(|name| {
        if !names.contains(name) {
            problems.push(Problem::UnknownNode(name.clone()));
        }
    });
    problems
}

/// Everything wrong with `session`; empty when it must start.
pub fn problems(session: &Session) -> Vec<Problem> {
    let registry = Registry::standard();
    let Some(scenario) = registry.scenario(&session.scenario) else {
        return vec![Problem::UnknownScenario];
    };
    let mut problems = Vec::new();
    let mut config = Config::defaults(scenario, session.seed);
    for (name, value) in &session.params {
        match scenario.params().iter().find(|p| p.name == name) {
            None => problems.push(Problem::UnknownParam),
            Some(spec) if !param_ok(spec, *value) => problems.push(Problem::ParamOutOfRange),
            Some(_) => config.set_param(name, *value),
        }
    }
    let offered = scenario.offered_switches();
    for name in &session.switches_off {
        if offered.iter().any(|s| s.name == name) {
            // A switch can change the run's end (the RDD job without lineage runs again).
            config.set_switch(name, false);
        } else {
            problems.push(Problem::UnknownSwitch);
        }
    }
    if session.actions.windows(2).any(|w| w[0].at > w[1].at) {
        problems.push(Problem::OutOfOrder);
    }
    let horizon = scenario.horizon(&config).as_micros();
    let names = node_names(scenario, &config);
    for timed in &session.actions {
        problems.extend(action_problems(timed, horizon, &names));
    }
    problems
}

/// The names of the scenario's nodes under `config`.
pub fn node_names(scenario: &dyn Scenario, config: &Config) -> Vec<String> {
    scenario.nodes(config).into_iter().map(|n| n.name).collect()
}
