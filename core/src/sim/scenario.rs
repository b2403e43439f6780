//! What a UI needs to know about patterns and scenarios, behind object-safe traits.
//!
//! A [`Scenario`] describes itself (title, summary, nodes, parameters with ranges,
//! captions, its scripted actions) and builds a type-erased [`Engine`](super::run::Engine)
//! for a [`Config`]. A UI drives every pattern through these two traits without knowing
//! any pattern's message or node types.

use super::action::TimedAction;
use super::checker::Property;
use super::metrics::MetricSpec;
use super::node::NodeId;
use super::run::Engine;
use super::time::SimTime;
use super::topology::Topology;

/// A numeric parameter of a scenario, with its allowed range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// URL-safe name, e.g. `clients`.
    pub name: &'static str,
    /// Label for a UI, e.g. "Clients".
    pub label: &'static str,
    /// Smallest allowed value.
    pub min: i64,
    /// Largest allowed value.
    pub max: i64,
    /// Value when the session does not set it.
    pub default: i64,
    /// Unit shown after the value, e.g. "ms"; empty for counts.
    pub unit: &'static str,
    /// Allowed values are `min`, `min + step`, … up to `max`.
    pub step: i64,
}

impl ParamSpec {
    /// Whether `value` is allowed.
    pub fn allows(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value) && (value - self.min) % self.step.max(1) == 0
    }

    /// The allowed value nearest to `value` (at or below it, between two steps).
    pub fn nearest(&self, value: i64) -> i64 {
        let clamped = value.clamp(self.min, self.max);
        clamped - (clamped - self.min) % self.step.max(1)
    }

    /// The allowed values in words: "between 2 and 6", or "one of 3, 5".
    pub fn allowed(&self) -> String {
        if self.step <= 1 {
            format!("between {} and {}", self.min, self.max)
        } else {
            let values: Vec<String> = (self.min..=self.max)
                .step_by(self.step as usize)
                .map(|v| v.to_string())
                .collect();
            format!("one of {}", values.join(", "))
        }
    }
}

/// A mechanism of a pattern that can be switched off to show what breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwitchSpec {
    /// URL-safe name, e.g. `carry-clock`.
    pub name: &'static str,
    /// Label for a UI, e.g. "Clients carry their clock".
    pub label: &'static str,
    /// What happens when it is off, in one sentence.
    pub when_off: &'static str,
}

/// A short explanation shown at a moment of a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    /// From when it applies.
    pub at: SimTime,
    /// The text.
    pub text: String,
}

/// A caption that waits for something to happen in the run rather than for a time: it
/// applies from the first pattern event (a note) or message sent at or after `from` whose
/// text contains `on` (an election is won when a random timeout says, not at a fixed
/// instant), and not at all in a run where none comes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventCaption {
    /// From when the event is looked for.
    pub from: SimTime,
    /// What the event's text contains, e.g. `LEADER of gen`.
    pub on: &'static str,
    /// The text; `{node}` in it is the node the event happened at.
    pub text: String,
}

impl EventCaption {
    /// The caption `text` from the first event after `from_ms` whose text contains `on`.
    pub fn after(from_ms: u64, on: &'static str, text: impl Into<String>) -> EventCaption {
        EventCaption {
            from: SimTime::from_millis(from_ms),
            on,
            text: text.into(),
        }
    }
}

/// A node of a scenario, as a catalog lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    /// Its name, e.g. `s1`.
    pub name: String,
    /// Its role, e.g. `server`.
    pub role: &'static str,
}

/// A pattern: its place in the catalog, the problem it solves and how.
#[derive(Debug, PartialEq, Eq)]
pub struct PatternInfo {
    /// URL-safe id, e.g. `lamport`.
    pub id: &'static str,
    /// Catalog family, e.g. "Clocks".
    pub family: &'static str,
    /// Name, e.g. "Lamport clock".
    pub name: &'static str,
    /// The problem, in a few plain sentences.
    pub problem: &'static str,
    /// The solution, as numbered steps.
    pub solution: &'static [&'static str],
    /// The properties its checker reports on.
    pub properties: &'static [Property],
    /// Its mechanism switches.
    pub switches: &'static [SwitchSpec],
    /// The question a person can ask about any instant, if the pattern answers one.
    pub query: Option<QuerySpec>,
    /// How each of its roles is drawn; a role not listed is drawn in neutral grey.
    pub roles: &'static [RoleLook],
    /// The metrics its nodes and checker record, charted in this order.
    pub metrics: &'static [MetricSpec],
    /// Its own actions ("slow this worker ×10"), offered beside the built-in faults.
    pub verbs: &'static [VerbSpec],
}

/// A pattern action: a verb a person (or a script) applies to one node, with a typed
/// argument, carried in the session as `do.NODE.VERB.ARG`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerbSpec {
    /// URL-safe name, e.g. `slow`.
    pub name: &'static str,
    /// Label for a button, e.g. "Slow down".
    pub label: &'static str,
    /// What it does, in one sentence.
    pub help: &'static str,
    /// The roles it applies to (empty: every role).
    pub roles: &'static [&'static str],
    /// Its argument, with range and default, if it takes one.
    pub arg: Option<ParamSpec>,
}

impl VerbSpec {
    /// Whether a node of `role` accepts this verb.
    pub fn applies_to(&self, role: &str) -> bool {
        self.roles.is_empty() || self.roles.contains(&role)
    }
}

impl PatternInfo {
    /// How `role` is drawn.
    pub fn look(&self, role: &str) -> RoleLook {
        self.roles
            .iter()
            .find(|r| r.role == role)
            .copied()
            .unwrap_or(RoleLook {
                role: "",
                stroke: "#6b7280",
                fill: "#f3f4f6",
            })
    }
}

/// How the stage draws the nodes of one role: a pattern's description, not the page's
/// style sheet, decides it, so a new pattern needs no CSS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleLook {
    /// The role, as nodes report it (`NodeView::role`).
    pub role: &'static str,
    /// The outline colour (CSS), e.g. `#5b7db1`.
    pub stroke: &'static str,
    /// The fill colour (CSS), a light tint of the outline.
    pub fill: &'static str,
}

/// The page's role colours, for patterns to pick from: a client, a server, a coordinating
/// or managing role, and a store.
pub mod looks {
    use super::RoleLook;

    /// A role in blue (clients).
    pub const fn blue(role: &'static str) -> RoleLook {
        RoleLook {
            role,
            stroke: "#5b7db1",
            fill: "#eef3fb",
        }
    }
    /// A role in green (servers, data nodes).
    pub const fn green(role: &'static str) -> RoleLook {
        RoleLook {
            role,
            stroke: "#3c8a6e",
            fill: "#eaf6f1",
        }
    }
    /// A role in purple (coordinators, managers).
    pub const fn purple(role: &'static str) -> RoleLook {
        RoleLook {
            role,
            stroke: "#7a5aa6",
            fill: "#f4effb",
        }
    }
    /// A role in brown (stores, disks).
    pub const fn brown(role: &'static str) -> RoleLook {
        RoleLook {
            role,
            stroke: "#8a6a3c",
            fill: "#f7f1e8",
        }
    }
}

/// A question a pattern answers about any instant ("read as of a timestamp").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuerySpec {
    /// Label for the input, e.g. "Read as of".
    pub label: &'static str,
    /// An example input.
    pub placeholder: &'static str,
    /// What the answer means, in a sentence.
    pub help: &'static str,
}

/// Resolved inputs of a run: the seed, every parameter, every switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The seed of the run's PRNG.
    pub seed: u64,
    params: Vec<(&'static str, i64)>,
    switches: Vec<(&'static str, bool)>,
}

impl Config {
    /// A config with every parameter and switch at its default.
    pub fn defaults(scenario: &dyn Scenario, seed: u64) -> Config {
        Config {
            seed,
            params: scenario
                .params()
                .iter()
                .map(|p| (p.name, p.default))
                .collect(),
            switches: scenario
                .offered_switches()
                .into_iter()
                .map(|s| (s.name, true))
                .collect(),
        }
    }

    /// Sets a parameter that the scenario declares (others are ignored).
    pub fn set_param(&mut self, name: &str, value: i64) {
        if let Some(slot) = self.params.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = value;
        }
    }

    /// Sets a switch that the story offers (others are ignored).
    pub fn set_switch(&mut self, name: &str, on: bool) {
        if let Some(slot) = self.switches.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = on;
        }
    }

    /// A parameter's value; 0 for a name the scenario does not declare.
    pub fn param(&self, name: &str) -> i64 {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, v)| *v)
    }

    /// Whether a switch is on; switches are on unless turned off.
    pub fn switch(&self, name: &str) -> bool {
        self.switches
            .iter()
            .find(|(n, _)| *n == name)
            .is_none_or(|(_, on)| *on)
    }

    /// Every parameter, in declaration order.
    pub fn params(&self) -> &[(&'static str, i64)] {
        &self.params
    }

    /// Every switch, in declaration order.
    pub fn switches(&self) -> &[(&'static str, bool)] {
        &self.switches
    }
}

/// The actions of a run, resolved to node ids: the scenario's script and the person's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunActions {
    /// What the scenario's story does by itself, in time order.
    pub script: Vec<TimedAction<NodeId>>,
    /// What the person did, in time order.
    pub user: Vec<TimedAction<NodeId>>,
}

/// What every story declares about itself, whatever its pattern: each pattern's scenario
/// type holds one and returns it from [`Scenario::info`].
#[derive(Debug)]
pub struct StoryInfo {
    /// The pattern it belongs to.
    pub pattern: &'static PatternInfo,
    /// URL-safe id, unique in the registry, e.g. `lamport-skew`.
    pub id: &'static str,
    /// Title for a catalog.
    pub title: &'static str,
    /// What it shows, in a few sentences.
    pub summary: &'static str,
    /// Its parameters with ranges and defaults.
    pub params: &'static [ParamSpec],
}

/// A named, scripted scenario of a pattern.
pub trait Scenario: Sync {
    /// Its pattern, id, title, summary and parameters.
    fn info(&self) -> &StoryInfo;
    /// The pattern it belongs to.
    fn pattern(&self) -> &'static PatternInfo {
        self.info().pattern
    }
    /// URL-safe id, unique in the registry, e.g. `lamport-skew`.
    fn id(&self) -> &'static str {
        self.info().id
    }
    /// Title for a catalog.
    fn title(&self) -> &'static str {
        self.info().title
    }
    /// What it shows, in a few sentences.
    fn summary(&self) -> &'static str {
        self.info().summary
    }
    /// Its parameters with ranges and defaults.
    fn params(&self) -> &'static [ParamSpec] {
        self.info().params
    }
    /// Its nodes for a config.
    fn nodes(&self, cfg: &Config) -> Vec<NodeInfo>;
    /// Its captions for a config, in time order.
    fn captions(&self, cfg: &Config) -> Vec<Caption>;
    /// Its captions that wait for an event of the run (none by default).
    fn event_captions(&self, _cfg: &Config) -> Vec<EventCaption> {
        Vec::new()
    }
    /// Actions its story performs by itself (faults at given times), naming nodes.
    fn script(&self, cfg: &Config) -> Vec<TimedAction>;
    /// When the run ends.
    fn horizon(&self, cfg: &Config) -> SimTime;
    /// Its groups, declared links and nodes that start absent, for a config (empty by
    /// default: a flat run where every node starts). `build` passes the same to its `Setup`.
    fn topology(&self, _cfg: &Config) -> Topology {
        Topology::default()
    }
    /// The pattern's switches this story offers. A story offers a switch only when
    /// switching it off shows harm in this story (a consequence property breaks at the
    /// default seed); the default offers every switch of the pattern.
    fn offered_switches(&self) -> Vec<&'static SwitchSpec> {
        self.pattern().switches.iter().collect()
    }
    /// Builds a run for `cfg`, with the script's and the person's actions already
    /// resolved to node ids.
    fn build(&self, cfg: &Config, actions: RunActions) -> Box<dyn Engine>;
}
