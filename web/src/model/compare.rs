//! Comparing two runs: run B, the same story with one change, beside the run shown (A).
//!
//! Run B is a second [`Playground`] held by the first. Both share one cursor in virtual
//! time: after every command B's cursor is set to A's time (with every step of B at or
//! before it) and its diagram to A's window, so the two diagrams share their time axis.
//! B's own views (its stage, lanes, paths) answer B's commands ([`Command::OnB`]); moving
//! in time from B moves the shared cursor; B's run itself is never changed (it is a
//! link's second half, made again by "compare with…").
//!
//! Where the two traces part is computed with the fingerprints, a frame after the runs
//! are drawn: equal fingerprints mean equal texts, so there is nothing to scan; otherwise
//! the chunk fingerprints (computed in the same pass) skip the chunks both traces share,
//! and the first differing chunk is compared line by line ([`first_divergence_from`]).
//! The first difference in outcome is read from there on ([`outcome`]): the properties'
//! first breaches and the answers the clients (the nodes whose role is `client`) got.

use std::rc::Rc;

use playground_core::compare::{
    equal_prefix, first_divergence_from, outcome, outcomes, Divergence, Outcome,
};
use playground_core::sim::node::NodeId;
use playground_core::sim::time::SimTime;
use playground_core::Session;

use super::{next_seed, Command, Cursor, Notice, Playground, Tone};

/// How many trace events a chunk fingerprint covers.
pub(super) const CHUNK: usize = 1024;

impl Playground {
    /// Run B, when comparing.
    pub fn vs(&self) -> Option<&Playground> {
        self.vs.as_deref()
    }

    /// Where runs A and B part, once computed (with the fingerprints): `None` before,
    /// `Some(None)` when they do not part.
    pub fn divergence(&self) -> Option<Option<Rc<Divergence>>> {
        self.vs.as_ref()?;
        self.divergence.clone()
    }

    /// The first difference in outcome between runs A and B (a property's verdict or a
    /// client's answer), once computed and if there is one.
    pub fn outcome(&self) -> Option<Rc<Outcome>> {
        self.vs.as_ref()?;
        self.outcome.clone()
    }

    /// Opens run B on `session` beside this run, or says why it cannot.
    pub(super) fn compare_with(&mut self, session: &Session, from_link: bool) {
        let mine = &self.run.session().scenario;
        let problem = if session.scenario != *mine {
            format!(
                "it is a run of `{}`, not of `{mine}`, and only two runs of one story compare",
                session.scenario
            )
        } else {
            match self.registry.start(session) {
                Ok(run) => {
                    let mut b = Playground::with_run(run, self.reduced_motion, self.embed.clone());
                    b.diagram_span_us = self.diagram_span_us;
                    self.vs = Some(Box::new(b));
                    self.divergence = None;
                    self.outcome = None;
                    self.fingerprint = None;
                    self.sync_vs();
                    return;
                }
                Err(e) => e.to_string(),
            }
        };
        let text = if from_link {
            format!("This link's second run (`vs=`) could not be opened: {problem}. Showing the first run alone.")
        } else {
            format!("That comparison could not be opened: {problem}.")
        };
        self.notify(Notice {
            tone: Tone::Error,
            text,
        });
    }

    /// Carries out the commands about comparing; hands any other back.
    pub(super) fn apply_compare(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::CompareWith(session) => self.compare_with(&session, false),
            Command::StopCompare => {
                self.vs = None;
                self.divergence = None;
                self.outcome = None;
            }
            Command::SeekDivergence => self.seek_divergence(),
            Command::SeekOutcome => {
                if let Some(o) = self.outcome() {
                    self.seek_event(o.a, o.time);
                }
            }
            Command::OnB(command) => self.apply_b(*command),
            other => return Some(other),
        }
        None
    }

    /// A command from one of run B's views: moving in time moves the shared cursor; what
    /// only changes B's view (a selection, a fold) is B's; B's run is not changed.
    fn apply_b(&mut self, command: Command) {
        let Some(b) = self.vs.as_mut() else { return };
        match command {
            Command::Scrub(_) => self.apply(command),
            Command::JumpToEvent(index) => {
                if let Some(event) = b.run.engine().event(index) {
                    self.playing = false;
                    self.seek(event.time);
                }
            }
            Command::SelectNode(_)
            | Command::SelectMessage(_)
            | Command::SelectPath(_)
            | Command::ClearPath
            | Command::SelectGroup(_)
            | Command::ToggleCollapse(_) => b.apply(command),
            _ => self.notify(Notice {
                tone: Tone::Info,
                text: "Run B stays as it was opened: act on run A, or open run B on its own \
                       (its link is under the compare bar)."
                    .to_string(),
            }),
        }
    }

    /// Shows the instant right after the first event where the runs part (in run A; in
    /// run B when run A ended before it).
    fn seek_divergence(&mut self) {
        let Some(Some(d)) = self.divergence() else {
            return;
        };
        let time = d.a.as_ref().or(d.b.as_ref()).map(|e| e.time);
        if let Some(time) = time {
            self.seek_event(d.a.as_ref().map(|e| e.index), time);
        }
    }

    /// Shows the instant right after run A's event `index`, or `time` when run A has no
    /// such event.
    fn seek_event(&mut self, index: Option<usize>, time: SimTime) {
        self.playing = false;
        match index.and_then(|i| self.run.engine().event(i)) {
            Some(a) => {
                self.diagram_start = None;
                self.cursor = Cursor {
                    time: a.time,
                    steps: a.step + 1,
                };
            }
            None => self.seek(time),
        }
    }

    /// Fingerprints run B and finds where the runs part, once both are explored: the
    /// chunks both traces share are skipped, and the first difference in outcome is read
    /// from the divergence on.
    pub(super) fn fingerprint_vs(&mut self) {
        let Some(b) = self.vs.as_mut() else { return };
        b.apply(Command::Fingerprint);
        if self.divergence.is_some() {
            return;
        }
        let clients = self.clients();
        let Some(b) = self.vs.as_deref() else { return };
        let same = self.fingerprint.is_some() && self.fingerprint == b.fingerprint;
        let (ea, eb) = (self.run.engine(), b.run.engine());
        let found = if same {
            None
        } else {
            let start = equal_prefix(CHUNK, &self.prints, &b.prints);
            first_divergence_from(ea, eb, start)
        };
        let outcome = found.as_ref().and_then(|d| {
            let (oa, ob) = (
                outcomes(ea, d.index, &clients),
                outcomes(eb, d.index, &clients),
            );
            let name = |n: NodeId| ea.names().get(n.index()).cloned().unwrap_or_default();
            outcome(&oa, &ob, &name)
        });
        self.outcome = outcome.map(Rc::new);
        self.divergence = Some(found.map(Rc::new));
    }

    /// The nodes whose role is `client` (the answers they get are what a person using
    /// the system sees).
    pub(super) fn clients(&self) -> Vec<NodeId> {
        self.snapshot()
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.role == "client")
            .map(|(i, _)| NodeId(i as u32))
            .collect()
    }

    /// Puts run B at the shared cursor and diagram window.
    pub(super) fn sync_vs(&mut self) {
        let (start, span) = self.diagram_window();
        let time = self.cursor.time;
        let Some(b) = self.vs.as_mut() else { return };
        b.cursor = Cursor {
            time,
            steps: b.run.engine().steps_until(time),
        };
        b.diagram_span_us = span;
        b.diagram_start = Some(start);
    }

    /// The later end of the two runs (B's when it is longer), so the shared cursor
    /// reaches both.
    pub(super) fn end_with_vs(&self, end: SimTime) -> SimTime {
        self.vs
            .as_ref()
            .map_or(end, |b| end.max(b.run.engine().now()))
    }

    /// The changes "compare with…" offers: each offered switch flipped, another seed, each
    /// parameter halved and doubled (within its range), and the person's actions: only
    /// those up to the cursor (when some come after it), and each one left out.
    pub fn compare_options(&self) -> Vec<(String, Session)> {
        let session = self.run.session();
        let config = self.run.config();
        let scenario = self.run.scenario();
        let mut options = Vec::new();
        for s in scenario.offered_switches() {
            let on = config.switch(s.name);
            let mut other = session.clone();
            other.switches_off.retain(|n| n != s.name);
            if on {
                other.switches_off.push(s.name.to_string());
            }
            let verb = if on { "off" } else { "on" };
            options.push((format!("{} {verb}", s.label), other));
        }
        let seed = next_seed(session.seed);
        let mut reseeded = session.clone();
        reseeded.seed = seed;
        options.push((format!("seed {seed}"), reseeded));
        for p in scenario.params() {
            let now = config.param(p.name);
            for value in [now / 2, now.saturating_mul(2)] {
                let value =
                    p.min + (value.clamp(p.min, p.max) - p.min) / p.step.max(1) * p.step.max(1);
                if value != now && p.allows(value) {
                    let label = format!("{} {value}{}", p.label, p.unit);
                    options.push((label, session.clone().with_param(p.name, value)));
                }
            }
        }
        options.extend(self.action_options());
        options
    }

    /// The same session with the person's actions up to the cursor only (when some come
    /// after it), and without each one of them in turn.
    fn action_options(&self) -> Vec<(String, Session)> {
        let session = self.run.session();
        let now = self.cursor.time;
        let mut options = Vec::new();
        let later = session.actions.iter().filter(|a| a.at > now).count();
        if later > 0 {
            let mut upto = session.clone();
            upto.actions.retain(|a| a.at <= now);
            let s = if later == 1 { "" } else { "s" };
            let label = format!("my actions only up to {now} (without the {later} after it{s})");
            options.push((label, upto));
        }
        // The engine holds the same actions, in the same order, with node ids to name them.
        let engine = self.engine();
        let resolved = engine.user_actions();
        if resolved.len() == session.actions.len() {
            for (i, action) in resolved.iter().enumerate() {
                let mut without = session.clone();
                without.actions.remove(i);
                let what = action.action.describe(engine.ref_names());
                options.push((
                    format!("without my action at {}: {what}", action.at),
                    without,
                ));
            }
        }
        options
    }
}

/// What run `b` changes from run `a`, in a few words ("seed 7, Retries off").
pub fn difference(a: &Session, b: &Session) -> String {
    let mut parts = Vec::new();
    if a.seed != b.seed {
        parts.push(format!("seed {}", b.seed));
    }
    for (name, value) in &b.params {
        if !a.params.contains(&(name.clone(), *value)) {
            parts.push(format!("{name} {value}"));
        }
    }
    for (name, _) in &a.params {
        if !b.params.iter().any(|(n, _)| n == name) {
            parts.push(format!("{name} as by default"));
        }
    }
    for name in &b.switches_off {
        if !a.switches_off.contains(name) {
            parts.push(format!("{name} off"));
        }
    }
    for name in &a.switches_off {
        if !b.switches_off.contains(name) {
            parts.push(format!("{name} on"));
        }
    }
    if a.actions != b.actions {
        parts.push(actions_difference(a, b));
    }
    if parts.is_empty() {
        "the same session".to_string()
    } else {
        parts.join(", ")
    }
}

/// What run `b`'s actions change from run `a`'s: the first few only, one left out, or
/// another list.
fn actions_difference(a: &Session, b: &Session) -> String {
    let (mine, theirs) = (&a.actions, &b.actions);
    if theirs.len() < mine.len() && mine.starts_with(theirs) {
        let upto = theirs.last().map_or_else(
            || "none of your actions".to_string(),
            |last| format!("your actions up to {}", last.at),
        );
        return format!("{upto} (not the {} after)", mine.len() - theirs.len());
    }
    if theirs.len() + 1 == mine.len() {
        let left_out =
            (0..mine.len()).find(|&i| mine[..i] == theirs[..i] && mine[i + 1..] == theirs[i..]);
        if let Some(i) = left_out {
            return format!("without your action at {}", mine[i].at);
        }
    }
    format!("{} of your actions", theirs.len())
}
