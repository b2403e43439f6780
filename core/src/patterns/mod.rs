//! The pattern catalog: one module per pattern, and the [`Registry`] of their scenarios.

pub mod balance;
pub mod batch;
pub mod broker;
pub mod bus;
pub mod consistent;
pub mod deploy;
pub mod discovery;
pub mod downtime;
pub mod findings;
pub mod gateway;
pub mod generation;
pub mod hub;
pub mod hybrid;
pub mod idempotent;
pub mod lamport;
pub mod lineage;
pub mod mapreduce;
pub mod outstanding;
pub mod rdd;
pub mod resilience;
pub mod scatter;
pub mod sharding;
pub mod slowable;
pub mod timeline;
#[cfg(test)]
pub(crate) mod trace_builder;
pub mod workload;

use crate::sim::action::TimedAction;
use crate::sim::run::Run;
use crate::sim::scenario::{PatternInfo, RunActions, Scenario};
use crate::sim::session::{Session, SessionError};
use crate::sim::validate;

/// Sorts a short slice by `key`, stably: an insertion sort. The standard library's sort
/// costs about 3 kB of wasm for every element type and key it is used with; this costs a
/// few dozen bytes. It is quadratic, so it is only for the bounded lists a pattern shows
/// or checks (a table's latest rows, one transaction's writes).
/// How many letters must be inserted, deleted or replaced to turn `a` into `b`
/// (Levenshtein's distance), for telling a typo's story apart.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

pub(crate) fn sort_short_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

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
                &mapreduce::STRAGGLER,
                &mapreduce::WORKER_DIES,
                &mapreduce::DIES_MID_MAP,
                &rdd::LINEAGE,
                &scatter::TAIL_AT_SCALE,
                &scatter::HEDGED_REQUESTS,
                &batch::JOIN,
                &batch::REDUCE,
                &balance::SLOW_INSTANCE,
                &balance::HOST_FAILURE,
                &balance::SCALE_OUT,
                &balance::STALE_LOAD,
                &balance::GRAY_FAILURE,
                &resilience::RETRY_STORM,
                &resilience::BREAKER_TRIP,
                &resilience::VOLUME_TRAP,
                &resilience::FLAPPING,
                &resilience::SLOW_CALLS,
                &discovery::REGISTRY_LAG,
                &discovery::SELF_PRESERVATION,
                &discovery::SERVER_SIDE_STORY,
                &discovery::REGISTRATION,
                &discovery::REPLICATED,
                &gateway::ROUTING,
                &gateway::SPOF,
                &sharding::FUNCTIONS,
                &sharding::HOT_RANGE,
                &sharding::CELEBRITY,
                &sharding::SALTED,
                &sharding::MONOTONIC,
                &sharding::RESHARD,
                &sharding::ROUTERS,
                &sharding::SCALING,
                &deploy::pods::SCALE_UP,
                &deploy::pods::NODE_FAILURE,
                &deploy::sidecar::JOB,
                &deploy::sidecar::HOP_COST,
                &deploy::sidecar::AMBASSADOR,
                &deploy::sidecar::ADAPTER,
                &deploy::hosts::THREE_WAYS,
                &deploy::proxies::REVERSE,
                &deploy::proxies::CLIENT_SIDE,
                &broker::PREFETCH,
                &broker::SLOW_CONSUMER,
                &broker::POISON,
                &broker::CRASHES,
                &broker::TOPICS,
                &bus::ROUTING,
                &bus::ACCOUNTABILITY,
                &bus::BOTTLENECK,
                &hub::POINT_TO_POINT,
                &hub::HUB_AND_SPOKE,
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

    /// The scenario a session names, or an error naming the nearest ones that exist.
    pub fn find(&self, id: &str) -> Result<&'static dyn Scenario, SessionError> {
        self.scenario(id)
            .ok_or_else(|| SessionError::UnknownScenario {
                id: id.to_string(),
                known: self.nearest_ids(id),
            })
    }

    /// Up to five story ids nearest to `id`, said as a clause: most words in common (the
    /// pattern's word counting double), then fewest letters to change (a typo), then
    /// catalog order; when none is near (no word in common, and more than half its
    /// letters to change), the catalog's first five, said as such. Each is named by its
    /// pattern and title, with its id; then how many there are in all.
    fn nearest_ids(&self, id: &str) -> String {
        const SHOWN: usize = 5;
        let words: Vec<&str> = id.split('-').collect();
        let score = |other: &str| -> usize {
            (0..)
                .zip(other.split('-'))
                .filter(|(_, w)| words.contains(w))
                .map(|(i, w)| if i == 0 && words[0] == w { 2 } else { 1 })
                .sum()
        };
        let mut ranked: Vec<(usize, usize, usize, &str)> = (0..)
            .zip(&self.scenarios)
            .map(|(i, s)| (score(s.id()), edit_distance(id, s.id()), i, s.id()))
            .collect();
        sort_short_by_key(&mut ranked, |&(score, edits, i, _)| {
            (std::cmp::Reverse(score), edits, i)
        });
        let near = ranked
            .first()
            .is_some_and(|&(score, edits, _, _)| score > 0 || 2 * edits <= id.chars().count());
        if !near {
            sort_short_by_key(&mut ranked, |r| r.2);
        }
        let shown: Vec<String> = ranked
            .iter()
            .take(SHOWN)
            .map(|r| {
                let story = &self.scenarios[r.2];
                format!("{} “{}” ({})", story.pattern().name, story.title(), r.3)
            })
            .collect();
        let said = if near {
            "the nearest are"
        } else {
            "none is like it; the catalog begins"
        };
        format!(
            "{said}: {}; {} stories in all, listed under Patterns",
            shown.join(", "),
            self.scenarios.len()
        )
    }

    /// Starts the run a session defines (nothing is explored yet), once
    /// [`validate::session`] accepts it.
    pub fn start(&self, session: &Session) -> Result<Run, SessionError> {
        let scenario = self.find(&session.scenario)?;
        let (config, user) = validate::session(scenario, session)?;
        let (names, _) = validate::namespace(scenario, &config);
        // The script is the scenario's own: its node names are resolved, not checked
        // against the limits a person's actions have.
        let script = scenario
            .script(&config)
            .iter()
            .map(|timed| {
                let action = validate::resolve(&timed.action, &names)?;
                Ok(TimedAction {
                    at: timed.at,
                    action,
                })
            })
            .collect::<Result<_, SessionError>>()?;
        let engine = scenario.build(&config, RunActions { script, user });
        Ok(Run::new(scenario, config, session.clone(), engine))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Config;

    /// Every role a story's nodes report is drawn as its pattern describes, so no node
    /// falls back to the neutral look by oversight.
    #[test]
    fn every_role_of_every_story_has_a_look() {
        for story in Registry::standard().scenarios() {
            let pattern = story.pattern();
            for node in story.nodes(&Config::defaults(*story, 1)) {
                assert!(
                    pattern.roles.iter().any(|look| look.role == node.role),
                    "{}: role `{}` has no look in pattern {}",
                    story.id(),
                    node.role,
                    pattern.id
                );
            }
        }
    }

    #[test]
    fn an_unknown_story_is_answered_with_the_nearest_ones() {
        let registry = Registry::standard();
        let said = |id: &str| registry.find(id).err().expect("unknown").to_string();
        let near = said("resilience-breaker-trip");
        assert!(
            near.contains("the nearest are: Retries and circuit breaker “A breaker trips” (resilience-breaker), "),
            "{near}"
        );
        assert!(near.ends_with(&format!(
            "; {} stories in all, listed under Patterns",
            registry.scenarios().len()
        )));
        assert_eq!(near.matches("), ").count(), 4, "five named: {near}");
        // A typo: the story it misspells first.
        let typo = said("lamport-concurent");
        assert!(
            typo.contains("the nearest are: Lamport clock “Concurrent writes” (lamport-concurrent), Lamport clock “Skewed wall clocks” (lamport-skew)"),
            "{typo}"
        );
        assert!(said("hybrid-lagin").contains("(hybrid-lagging)"));
        // Nothing like it: the catalog's first stories, not called near.
        let none = said("raft");
        assert!(
            none.contains("none is like it; the catalog begins: Lamport clock “Skewed wall clocks” (lamport-skew), Lamport clock “Concurrent writes” (lamport-concurrent)"),
            "{none}"
        );
    }

    #[test]
    fn edit_distance_counts_letters_to_change() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("lamport-concurent", "lamport-concurrent"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn an_unknown_role_is_drawn_neutral() {
        let look = lamport::PATTERN.look("no-such-role");
        assert_eq!(look.role, "");
        assert_ne!(look.stroke, lamport::PATTERN.look("client").stroke);
    }
}
