//! Repairing a broken session link: the same story, with what cannot be used left out or
//! brought into range, and one sentence per change.
//!
//! A hand-edited or truncated link usually breaks in one part (a parameter out of range,
//! an action on a node that does not exist, a token cut short). Falling back to the
//! default story would lose what the link was about; [`salvage`] keeps the story and every
//! part that is valid, and says exactly what it changed. A link whose story is unknown (or
//! whose text is not a session at all) cannot be repaired: `None`.

use crate::sim::action::TimedAction;
use crate::sim::scenario::{Config, Scenario};
use crate::sim::session::{SessionError, VERSION};
use crate::sim::validate::{self, Scope};
use crate::{Registry, Session};

/// A repaired session and what was changed to make it start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Salvaged {
    /// The session that starts.
    pub session: Session,
    /// One sentence per change, in the order of the link's parts.
    pub changes: Vec<String>,
}

/// The session `text` asks for, repaired so that it starts, if its story exists; `None`
/// when the text is not a session of a known story, or when it starts as it is (nothing
/// to repair).
pub fn salvage(registry: &Registry, text: &str) -> Option<Salvaged> {
    let text = text.trim();
    if let Ok(session) = Session::decode(text) {
        if registry.start(&session).is_ok() {
            return None;
        }
    }
    let mut tokens = text.split('~');
    if tokens.next() != Some(VERSION) {
        return None;
    }
    let scenario = registry.scenario(tokens.next()?)?;
    let mut changes = Vec::new();
    let mut session = read_tokens(scenario.id(), tokens, &mut changes);
    let config = settle_config(scenario, &mut session, &mut changes);
    settle_actions(scenario, &config, &mut session, &mut changes);
    registry.start(&session).ok()?;
    Some(Salvaged { session, changes })
}

/// Reads each token on its own, leaving out those that do not read (or repeat a seed or
/// a parameter).
fn read_tokens<'a>(
    scenario: &str,
    tokens: impl Iterator<Item = &'a str>,
    changes: &mut Vec<String>,
) -> Session {
    let mut session = Session::new(scenario, 1);
    let mut seeded = false;
    for (i, token) in tokens.enumerate() {
        let position = i + 3;
        let alone = if token.starts_with("seed.") {
            format!("{VERSION}~{scenario}~{token}")
        } else {
            format!("{VERSION}~{scenario}~seed.0~{token}")
        };
        let read = match Session::decode(&alone) {
            Ok(read) => read,
            Err(e) => {
                let reason = match e {
                    SessionError::BadToken { reason, .. } => reason,
                    other => other.to_string(),
                };
                changes.push(format!("part {position} (`{token}`) is left out: {reason}"));
                continue;
            }
        };
        if token.starts_with("seed.") {
            if seeded {
                changes.push(format!(
                    "part {position} (`{token}`) is left out: the seed is given twice"
                ));
            } else {
                session.seed = read.seed;
                seeded = true;
            }
            continue;
        }
        for (name, value) in read.params {
            if session.params.iter().any(|(n, _)| *n == name) {
                changes.push(format!(
                    "part {position} (`{token}`) is left out: parameter `{name}` is given twice"
                ));
            } else {
                session.params.push((name, value));
            }
        }
        for name in read.switches_off {
            session = session.with_switch_off(&name);
        }
        session.actions.extend(read.actions);
    }
    if !seeded {
        changes.push(format!(
            "the link has no usable seed; seed {} is used",
            session.seed
        ));
    }
    session
}

/// Leaves out unknown parameters and switches and brings each parameter to its nearest
/// allowed value; returns the configuration they give.
fn settle_config(
    scenario: &dyn Scenario,
    session: &mut Session,
    changes: &mut Vec<String>,
) -> Config {
    let specs = scenario.params();
    session.params.retain_mut(|(name, value)| {
        let Some(spec) = specs.iter().find(|p| p.name == name) else {
            changes.push(format!(
                "parameter `{name}` is left out: this story has no such parameter"
            ));
            return false;
        };
        let nearest = spec.nearest(*value);
        if nearest != *value {
            changes.push(format!(
                "parameter `{name}` {value} is not allowed ({}); the run uses {nearest}",
                spec.allowed()
            ));
            *value = nearest;
        }
        true
    });
    let offered = scenario.offered_switches();
    session.switches_off.retain(|name| {
        let known = offered.iter().any(|s| s.name == name);
        if !known {
            changes.push(format!(
                "switch `{name}` is left out: this story has no such switch"
            ));
        }
        known
    });
    let mut config = Config::defaults(scenario, session.seed);
    for (name, value) in &session.params {
        config.set_param(name, *value);
    }
    for name in &session.switches_off {
        config.set_switch(name, false);
    }
    config
}

/// Puts the actions in time order, keeps the first [`validate::MAX_ACTIONS`] and leaves
/// out each one that is not valid in this run.
fn settle_actions(
    scenario: &dyn Scenario,
    config: &Config,
    session: &mut Session,
    changes: &mut Vec<String>,
) {
    let actions = &mut session.actions;
    if actions.windows(2).any(|w| w[0].at > w[1].at) {
        actions.sort_by_key(|a| a.at);
        changes.push("the actions were out of time order; they are put in order".to_string());
    }
    if actions.len() > validate::MAX_ACTIONS {
        changes.push(format!(
            "the link holds {} actions; the first {} are kept",
            actions.len(),
            validate::MAX_ACTIONS
        ));
        actions.truncate(validate::MAX_ACTIONS);
    }
    let (names, roles) = validate::namespace(scenario, config);
    let scope = Scope {
        horizon: scenario.horizon(config),
        names: &names,
        roles: &roles,
        verbs: scenario.pattern().verbs,
    };
    actions.retain(
        |timed: &TimedAction| match validate::action(timed, &scope) {
            Ok(_) => true,
            Err(e) => {
                changes.push(format!("an action is left out: {e}"));
                false
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repair(text: &str) -> Option<Salvaged> {
        salvage(&Registry::standard(), text)
    }

    #[test]
    fn a_session_that_starts_or_an_unknown_story_is_not_repaired() {
        assert_eq!(repair("v1~lamport-skew~seed.3"), None);
        assert_eq!(repair("v1~no-such-story~seed.3"), None);
        assert_eq!(repair("v2~lamport-skew~seed.3"), None);
        assert_eq!(repair("garbage"), None);
        assert_eq!(repair(""), None);
    }

    #[test]
    fn a_parameter_out_of_range_takes_its_nearest_allowed_value() {
        let fixed = repair("v1~lamport-skew~seed.3~p.clients.-9223372036854775808").unwrap();
        assert_eq!(fixed.session.encode(), "v1~lamport-skew~seed.3~p.clients.1");
        assert_eq!(fixed.changes.len(), 1);
        assert!(
            fixed.changes[0].contains("the run uses 1"),
            "{:?}",
            fixed.changes
        );
    }

    #[test]
    fn unknown_names_and_broken_parts_are_left_out_and_the_rest_kept() {
        let text = "v1~lamport-skew~seed.9~off.nothing~1000.crash.zz~-5.crash.s1~off.carry-clock\
                    ~2000.crash.s1~p.nope.3";
        let fixed = repair(text).unwrap();
        assert_eq!(
            fixed.session.encode(),
            "v1~lamport-skew~seed.9~off.carry-clock~2000.crash.s1"
        );
        assert_eq!(fixed.changes.len(), 4, "{:?}", fixed.changes);
        assert!(fixed.changes.iter().any(|c| c.contains("`-5.crash.s1`")));
        assert!(fixed.changes.iter().any(|c| c.contains("no node `zz`")));
    }

    #[test]
    fn actions_out_of_order_or_after_the_end_are_settled() {
        let fixed =
            repair("v1~lamport-skew~seed.1~2000.crash.s1~1000.crash.s2~99999999999.heal").unwrap();
        assert_eq!(
            fixed.session.encode(),
            "v1~lamport-skew~seed.1~1000.crash.s2~2000.crash.s1"
        );
        assert_eq!(fixed.changes.len(), 2, "{:?}", fixed.changes);
    }

    #[test]
    fn a_missing_or_repeated_seed_is_said() {
        let fixed = repair("v1~lamport-skew~p.clients.2").unwrap();
        assert_eq!(fixed.session.seed, 1);
        assert!(fixed.changes[0].contains("no usable seed"));
        let fixed = repair("v1~lamport-skew~seed.4~seed.5~p.clients.99").unwrap();
        assert_eq!(fixed.session.seed, 4);
        assert!(fixed.changes[0].contains("given twice"));
    }
}
