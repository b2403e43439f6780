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
use super::scenario::{Config, Scenario, VerbSpec};
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
    let (names, roles) = namespace(scenario, &config);
    let scope = Scope {
        horizon: scenario.horizon(&config),
        names: &names,
        roles: &roles,
        verbs: scenario.pattern().verbs,
    };
    let actions = session
        .actions
        .iter()
        .map(|timed| action(timed, &scope))
        .collect::<Result<_, _>>()?;
    Ok((config, actions))
}

/// What an action is checked against: the run's end, its namespace (node names then
/// group names), each node's role and the pattern's verbs.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    /// When the run ends.
    pub horizon: SimTime,
    /// Node names, then group names.
    pub names: &'a [String],
    /// Each node's role, in id order.
    pub roles: &'a [&'static str],
    /// The pattern's own actions.
    pub verbs: &'static [VerbSpec],
}

/// A scenario's namespace for a config: node names then group names, and each node's role.
pub fn namespace(scenario: &dyn Scenario, config: &Config) -> (Vec<String>, Vec<&'static str>) {
    let nodes = scenario.nodes(config);
    let roles = nodes.iter().map(|n| n.role).collect();
    let mut names: Vec<String> = nodes.into_iter().map(|n| n.name).collect();
    names.extend(scenario.topology(config).names().map(str::to_string));
    (names, roles)
}

/// Refuses a session that would hold more than [`MAX_ACTIONS`] actions.
pub fn action_count(count: usize) -> Result<(), SessionError> {
    if count > MAX_ACTIONS {
        Err(SessionError::TooManyActions { max: MAX_ACTIONS })
    } else {
        Ok(())
    }
}

/// Checks one action against its run's [`Scope`]: its time, its numbers against their
/// [`Limit`]s, its node and group names, a pattern action's verb, argument and role;
/// returns it resolved.
pub fn action(timed: &TimedAction, scope: &Scope<'_>) -> Result<TimedAction<NodeId>, SessionError> {
    if timed.at > scope.horizon {
        return Err(SessionError::ActionAfterEnd {
            at: timed.at,
            horizon: scope.horizon,
        });
    }
    numbers(&timed.action, scope.horizon)?;
    let resolved = resolve(&timed.action, scope.names)?;
    let node_only = match &resolved {
        Action::Command { node, .. }
        | Action::SkewClock { node, .. }
        | Action::SetDrift { node, .. } => vec![*node],
        Action::SetLink {
            link: Some((a, b)), ..
        } => vec![*a, *b],
        _ => Vec::new(),
    };
    if let Some(group) = node_only.iter().find(|n| n.index() >= scope.roles.len()) {
        return Err(SessionError::ActionOutOfRange {
            what: "target",
            value: format!("the group `{}`", scope.names[group.index()]),
            allowed: "a node; a group can be crashed, restarted, paused, resumed, joined, \
                      retired or partitioned"
                .to_string(),
        });
    }
    if let Action::Command { node, verb, arg } = &resolved {
        command(scope, *node, verb, *arg)?;
    }
    Ok(TimedAction {
        at: timed.at,
        action: resolved,
    })
}

/// Checks a pattern action: a verb the pattern has, for the node's role, with its
/// argument in range (0 for a verb without one).
fn command(scope: &Scope<'_>, node: NodeId, verb: &str, arg: i64) -> Result<(), SessionError> {
    let spec =
        scope
            .verbs
            .iter()
            .find(|v| v.name == verb)
            .ok_or_else(|| SessionError::UnknownVerb {
                verb: verb.to_string(),
                known: match scope.verbs {
                    [] => "none".to_string(),
                    verbs => join(verbs.iter().map(|v| v.name)),
                },
            })?;
    let role = scope.roles[node.index()];
    if !spec.applies_to(role) {
        return Err(SessionError::ActionOutOfRange {
            what: "action target",
            value: format!("`{verb}` on {} (a {role})", scope.names[node.index()]),
            allowed: format!("a node whose role is {}", spec.roles.join(" or ")),
        });
    }
    let allowed = match &spec.arg {
        Some(param) => param.allows(arg),
        None => arg == 0,
    };
    if allowed {
        Ok(())
    } else {
        Err(SessionError::ActionOutOfRange {
            what: "action argument",
            value: arg.to_string(),
            allowed: spec
                .arg
                .map_or_else(|| "0 (this action takes none)".to_string(), |p| p.allowed()),
        })
    }
}

/// Resolves the node and group names of an action to ids (a group's id follows the
/// nodes', see `sim::topology`), naming the first unknown one.
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
