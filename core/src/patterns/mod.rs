//! The pattern catalog: one module per pattern, and the [`Registry`] of their scenarios.

pub mod consistent;
pub mod generation;
pub mod hybrid;
pub mod idempotent;
pub mod lamport;
pub mod workload;

use crate::sim::run::{resolve_actions, validate_action, Run};
use crate::sim::scenario::{Config, PatternInfo, RunActions, Scenario};
use crate::sim::session::{Session, SessionError};

/// Every scenario that really runs, in catalog order.
pub struct Registry {
    scenarios: Vec<&'static dyn Scenario>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::standard()
    }
}

impl Registry {
    /// The full catalog.
    pub fn standard() -> Registry {
        Registry {
            scenarios: vec![
                &lamport::SKEW,
                &lamport::CONCURRENT,
                &generation::PAUSE,
                &generation::CRASH,
                &generation::PARTITION,
                &generation::SPLIT_VOTE,
                &hybrid::TRANSACTION,
                &hybrid::LAGGING,
                &hybrid::LAST_WRITER_WINS,
                &hybrid::COORDINATOR_CRASH,
                &idempotent::LOST_RESPONSE,
                &idempotent::DUPLICATE,
                &idempotent::CRASH,
                &idempotent::EXPIRY,
                &consistent::LOOKUP,
                &consistent::DATA_FAILOVER,
                &consistent::LEADER_CRASH,
                &consistent::STALE_READ,
                &consistent::LEASE_CLOCK,
            ],
        }
    }

    /// Every scenario, in catalog order.
    pub fn scenarios(&self) -> &[&'static dyn Scenario] {
        &self.scenarios
    }

    /// Every pattern with at least one scenario, in catalog order.
    pub fn patterns(&self) -> Vec<&'static PatternInfo> {
        let mut patterns: Vec<&'static PatternInfo> = Vec::new();
        for s in &self.scenarios {
            if !patterns.iter().any(|p| p.id == s.pattern().id) {
                patterns.push(s.pattern());
            }
        }
        patterns
    }

    /// The scenarios of one pattern, in catalog order.
    pub fn scenarios_of<'a>(
        &'a self,
        pattern_id: &'a str,
    ) -> impl Iterator<Item = &'static dyn Scenario> + 'a {
        self.scenarios
            .iter()
            .copied()
            .filter(move |s| s.pattern().id == pattern_id)
    }

    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&'static dyn Scenario> {
        self.scenarios.iter().copied().find(|s| s.id() == id)
    }

    /// The session a newcomer sees first.
    pub fn default_session(&self) -> Session {
        Session::new(self.scenarios[0].id(), 1)
    }

    /// Checks a session against its scenario and resolves its parameters and switches.
    pub fn config(
        &self,
        session: &Session,
    ) -> Result<(&'static dyn Scenario, Config), SessionError> {
        let scenario =
            self.scenario(&session.scenario)
                .ok_or_else(|| SessionError::UnknownScenario {
                    id: session.scenario.clone(),
                    known: self
                        .scenarios
                        .iter()
                        .map(|s| s.id())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        let mut config = Config::defaults(scenario, session.seed);
        for (name, value) in &session.params {
            let spec = scenario
                .params()
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| SessionError::UnknownParam {
                    name: name.clone(),
                    known: scenario
                        .params()
                        .iter()
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", "),
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
                    known: switches
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            config.set_switch(name, false);
        }
        Ok((scenario, config))
    }

    /// Starts the run a session defines (nothing is explored yet).
    pub fn start(&self, session: &Session) -> Result<Run, SessionError> {
        let (scenario, config) = self.config(session)?;
        let horizon = scenario.horizon(&config);
        if let Some(late) = session.actions.iter().find(|a| a.at > horizon) {
            return Err(SessionError::ActionAfterEnd {
                at: late.at,
                horizon,
            });
        }
        let names: Vec<String> = scenario
            .nodes(&config)
            .into_iter()
            .map(|n| n.name)
            .collect();
        for timed in &session.actions {
            validate_action(&timed.action, horizon)?;
        }
        let actions = RunActions {
            script: resolve_actions(&scenario.script(&config), &names)?,
            user: resolve_actions(&session.actions, &names)?,
        };
        let engine = scenario.build(&config, actions);
        Ok(Run::new(scenario, config, session.clone(), engine))
    }
}
