//! What a run accepts: the one place a session is checked against its scenario, and the
//! allowed ranges every error quotes.
//!
//! Decoding ([`Session::decode`]) only reads the text; it accepts any number that fits its
//! type. Whether a parameter, switch, node or number is allowed is decided here, for a
//! session being started ([`session`]) and for an action taken live ([`action`]). The
//! checks compare against ranges without arithmetic, so an absurd number (`i64::MIN`,
//! `u64::MAX`) is refused in every build, never wrapped.

use super::action::{Action, TimedAction};
use super::clock::MAX_DRIFT_PPM;
use super::network::LinkConfig;
use super::node::NodeId;
use super::rng::Ratio;
use super::scenario::{Config, Scenario};
use super::session::{Session, SessionError};
use super::time::SimTime;

/// The most actions a session may hold.
pub const MAX_ACTIONS: usize = 1_000;

/// An allowed range of one kind of number in an action, as its error quotes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// What the number is, e.g. "clock drift".
    pub what: &'static str,
    /// The smallest allowed value.
    pub min: i64,
    /// The largest allowed value.
    pub max: i64,
    /// Its unit, e.g. "ppm".
    pub unit: &'static str,
}

/// How fast a clock may drift: ±10%.
pub const DRIFT: Limit = Limit {
    what: "clock drift",
    min: -MAX_DRIFT_PPM,
    max: MAX_DRIFT_PPM,
    unit: "ppm",
};

/// How far one step may move a wall clock: an hour either way.
pub const CLOCK_STEP: Limit = Limit {
    what: "clock step",
    min: -3_600_000_000,
    max: 3_600_000_000,
    unit: "µs",
};

/// How long a link may take to deliver: up to 10 s.
pub const LATENCY: Limit = Limit {
    what: "link latency",
    min: 0,
    max: 10_000_000,
    unit: "µs",
};

impl Limit {
    /// Refuses `value` unless it is within the range.
    pub fn check(&self, value: impl Into<i128>) -> Result<(), SessionError> {
        let value = value.into();
        if (i128::from(self.min)..=i128::from(self.max)).contains(&value) {
            Ok(())
        } else {
            Err(SessionError::ActionOutOfRange {
                what: self.what,
                value: format!("{value} {}", self.unit),
                allowed: self.allowed(),
            })
        }
    }

    /// The range in words: "-100000 to 100000 ppm".
    pub fn allowed(&self) -> String {
        format!("{} to {} {}", self.min, self.max, self.unit)
    }
}

/// How long a message may be delayed: at most the run's length.
fn delay_limit(horizon: SimTime) -> Limit {
    Limit {
        what: "message delay",
        min: 0,
        max: i64::try_from(horizon.as_micros()).unwrap_or(i64::MAX),
        unit: "µs (the run's length)",
    }
}

/// Checks a session against its scenario: every parameter in its range, every switch
/// offered, at most [`MAX_ACTIONS`] actions in time order, each one valid (see [`action`]).
/// Returns the resolved configuration and the actions with node names resolved to ids.
pub fn session(
    scenario: &dyn Scenario,
    session: &Session,
) -> Result<(Config, Vec<TimedAction<NodeId>>), SessionError> {
    let config = config(scenario, session)?;
    action_count(session.actions.len())?;
    if let Some(pair) = session.actions.windows(2).find(|w| w[0].at > w[1].at) {
        return Err(SessionError::ActionsOutOfOrder {
            earlier: pair[0].at,
            later: pair[1].at,
        });
    }
    let horizon = scenario.horizon(&config);
    let names: Vec<String> = scenario
        .nodes(&config)
        .into_iter()
        .map(|n| n.name)
        .collect();
    let actions = session
        .actions
        .iter()
        .map(|timed| action(timed, horizon, &names))
        .collect::<Result<_, _>>()?;
    Ok((config, actions))
}

/// Refuses a session that would hold more than [`MAX_ACTIONS`] actions.
pub fn action_count(count: usize) -> Result<(), SessionError> {
    if count > MAX_ACTIONS {
        Err(SessionError::TooManyActions { max: MAX_ACTIONS })
    } else {
        Ok(())
    }
}

/// Checks one action of a run that ends at `horizon` and whose nodes are `names`: its
/// time, its numbers against their [`Limit`]s, its node names; returns it resolved.
pub fn action(
    timed: &TimedAction,
    horizon: SimTime,
    names: &[String],
) -> Result<TimedAction<NodeId>, SessionError> {
    if timed.at > horizon {
        return Err(SessionError::ActionAfterEnd {
            at: timed.at,
            horizon,
        });
    }
    numbers(&timed.action, horizon)?;
    Ok(TimedAction {
        at: timed.at,
        action: resolve(&timed.action, names)?,
    })
}

/// Resolves the node names of an action to ids, naming the first unknown node.
pub fn resolve(action: &Action<String>, names: &[String]) -> Result<Action<NodeId>, SessionError> {
    action.try_map(|name| {
        names
            .iter()
            .position(|n| n == name)
            .map(|i| NodeId(i as u32))
            .ok_or_else(|| SessionError::UnknownNode {
                name: name.clone(),
                known: names.join(", "),
            })
    })
}

fn config(scenario: &dyn Scenario, session: &Session) -> Result<Config, SessionError> {
    let mut config = Config::defaults(scenario, session.seed);
    for (name, value) in &session.params {
        let spec = scenario
            .params()
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| SessionError::UnknownParam {
                name: name.clone(),
                known: join(scenario.params().iter().map(|p| p.name)),
            })?;
        if !spec.allows(*value) {
            return Err(SessionError::ParamOutOfRange {
                name: name.clone(),
                value: *value,
                allowed: spec.allowed(),
            });
        }
        config.set_param(name, *value);
    }
    let switches = scenario.offered_switches();
    for name in &session.switches_off {
        if !switches.iter().any(|s| s.name == name) {
            return Err(SessionError::UnknownSwitch {
                name: name.clone(),
                known: join(switches.iter().map(|s| s.name)),
            });
        }
        config.set_switch(name, false);
    }
    Ok(config)
}

fn numbers<R>(action: &Action<R>, horizon: SimTime) -> Result<(), SessionError> {
    match action {
        Action::SetDrift { ppm, .. } => DRIFT.check(*ppm),
        Action::SkewClock { delta_us, .. } => CLOCK_STEP.check(*delta_us),
        Action::Delay { by_us, .. } => delay_limit(horizon).check(*by_us),
        Action::SetLink { cfg, .. } => link(cfg),
        Action::Partition { from, to, .. } if from.is_empty() || to.is_empty() => {
            Err(SessionError::ActionOutOfRange {
                what: "partition",
                value: "an empty side".to_string(),
                allowed: "at least one node on each side".to_string(),
            })
        }
        _ => Ok(()),
    }
}

fn link(cfg: &LinkConfig) -> Result<(), SessionError> {
    LATENCY.check(cfg.latency_min_us)?;
    LATENCY.check(cfg.latency_max_us)?;
    if cfg.latency_min_us > cfg.latency_max_us {
        return Err(SessionError::ActionOutOfRange {
            what: "link latency",
            value: format!("{}..{} µs", cfg.latency_min_us, cfg.latency_max_us),
            allowed: format!(
                "{}, the shortest no longer than the longest",
                LATENCY.allowed()
            ),
        });
    }
    let ratio_ok = |r: Ratio| r.den >= 1 && r.num <= r.den;
    if ratio_ok(cfg.loss) && ratio_ok(cfg.duplication) {
        Ok(())
    } else {
        Err(SessionError::ActionOutOfRange {
            what: "loss or duplication ratio",
            value: format!("{} and {}", cfg.loss, cfg.duplication),
            allowed: "a fraction n/d with d at least 1 and n at most d".to_string(),
        })
    }
}

fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_refuse_the_extremes_of_every_type_and_quote_their_range() {
        assert_eq!(DRIFT.check(MAX_DRIFT_PPM), Ok(()));
        assert_eq!(DRIFT.check(-MAX_DRIFT_PPM), Ok(()));
        assert_eq!(
            DRIFT.check(i64::MIN),
            Err(SessionError::ActionOutOfRange {
                what: "clock drift",
                value: "-9223372036854775808 ppm".to_string(),
                allowed: "-100000 to 100000 ppm".to_string(),
            })
        );
        assert!(DRIFT.check(MAX_DRIFT_PPM + 1).is_err());
        assert!(CLOCK_STEP.check(i64::MIN).is_err());
        assert!(CLOCK_STEP.check(i64::MAX).is_err());
        assert_eq!(CLOCK_STEP.check(-3_600_000_000i64), Ok(()));
        assert!(LATENCY.check(u64::MAX).is_err());
        assert_eq!(LATENCY.check(10_000_000u64), Ok(()));
        let delay = delay_limit(SimTime(u64::MAX));
        assert_eq!(delay.max, i64::MAX);
        assert!(delay.check(u64::MAX).is_err());
    }

    #[test]
    fn one_more_action_than_allowed_is_refused() {
        assert_eq!(action_count(MAX_ACTIONS), Ok(()));
        assert_eq!(
            action_count(MAX_ACTIONS + 1),
            Err(SessionError::TooManyActions { max: MAX_ACTIONS })
        );
    }
}
