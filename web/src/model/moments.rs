//! Guided mode's key moments and their questions, derived from the run itself (no
//! scenario is written for it): each change of the story's caption, each action of the
//! script or the person, and the instant each property first breaks; moments close
//! together are merged and at most [`MAX_MOMENTS`] kept.
//!
//! A question's right answer is read from the run's own future (the trace after the
//! moment), and every other choice is checked to be false in this run: a pattern event
//! that does not happen after the moment at all, or a property that does not break after
//! it. Two kinds: which of the pattern's own events happens next (the first non-minor
//! note after the moment, against the same event on another node of its role or an event
//! seen before that does not come again), and which invariant breaks first from here
//! (or none).

use playground_core::sim::node::NodeId;
use playground_core::sim::run::{Engine, EventTag};
use playground_core::sim::time::SimTime;
use playground_core::Run;

/// At most this many moments in one run.
pub const MAX_MOMENTS: usize = 5;

/// Moments closer than the run's length over this are merged into the earlier one.
const MERGE_FRACTION: u64 = 40;

/// How many of the pattern's events before a moment are looked at for other choices.
const PAST_NOTES: usize = 200;

/// Why an instant is a key moment, least telling first (merging keeps the most telling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// The story's caption changes.
    Caption,
    /// The script or the person acts (a fault, a pattern action).
    Action,
    /// A property breaks for the first time.
    Breach,
}

/// A key moment of the run: playing in guided mode stops just before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    /// The instant it happens (playing stops one microsecond before).
    pub at: SimTime,
    /// The most telling reason it is a moment.
    pub why: Why,
    /// The first thing the script or the person does from it on, within the moment: when,
    /// and the action's one-line text.
    pub action: Option<(SimTime, String)>,
}

/// One choice of a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What the button says.
    pub text: String,
    /// One sentence, true of the run, about this choice (empty when the right answer's
    /// sentence says it all).
    pub explain: String,
}

/// A question asked at a moment, with the run's own answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// The moment's instant.
    pub at: SimTime,
    /// The next action of the script or the person, when it is part of the moment.
    pub given: Option<String>,
    /// The question.
    pub ask: &'static str,
    /// Two or three choices.
    pub choices: Vec<Choice>,
    /// The index of the right one.
    pub right: usize,
}

/// The run's key moments, in time order.
pub fn moments(run: &Run) -> Vec<Moment> {
    let engine = run.engine();
    let end = engine.now();
    let mut found: Vec<Moment> = run
        .captions_until(end)
        .iter()
        .map(|c| Moment {
            at: c.at,
            why: Why::Caption,
            action: None,
        })
        .collect();
    for i in 0..engine.trace_len() {
        if matches!(engine.event_class(i), Some((_, EventTag::Action))) {
            if let Some(event) = engine.event(i) {
                found.push(Moment {
                    at: event.time,
                    why: Why::Action,
                    action: Some((event.time, event.label)),
                });
            }
        }
    }
    found.extend(engine.violations().into_iter().flatten().map(|v| Moment {
        at: v.time,
        why: Why::Breach,
        action: None,
    }));
    found.retain(|m| m.at > SimTime::ZERO && m.at <= end);
    // Captions and actions come in time order, breaches by property: an insertion sort
    // (a standard sort would add its code for one more element type to the bundle).
    for i in 1..found.len() {
        let mut j = i;
        while j > 0 && found[j - 1].at > found[j].at {
            found.swap(j - 1, j);
            j -= 1;
        }
    }
    let gap = (end.as_micros() / MERGE_FRACTION).max(1);
    let mut merged: Vec<Moment> = Vec::new();
    for m in found {
        match merged.last_mut() {
            Some(last) if m.at.as_micros() - last.at.as_micros() < gap => {
                last.why = last.why.max(m.why);
                if last.action.is_none() {
                    last.action = m.action;
                }
            }
            _ => merged.push(m),
        }
    }
    while merged.len() > MAX_MOMENTS {
        let least = merged.iter().map(|m| m.why).min().unwrap_or(Why::Caption);
        if let Some(i) = merged.iter().rposition(|m| m.why == least) {
            merged.remove(i);
        }
    }
    merged
}

/// Where playing stops for `moment`: one microsecond before it, with every step by then.
pub fn pause_at(engine: &dyn Engine, moment: &Moment) -> (SimTime, usize) {
    let time = SimTime(moment.at.as_micros().saturating_sub(1));
    (time, engine.steps_until(time))
}

/// The question for `moment`: which invariant breaks first from here at a breach, else
/// which of the pattern's events comes next (or, when no such question can be built,
/// which invariant breaks first). `None` when neither can be asked truthfully.
pub fn question(run: &Run, moment: &Moment) -> Option<Question> {
    let (_, steps) = pause_at(run.engine(), moment);
    // A breach ahead is asked about at its own moment; a note at the very instant of an
    // action is only its echo ("service time now ×10").
    let echo = moment.action.as_ref().map(|(t, _)| *t);
    let (ask, mut choices, right) = match moment.why {
        Why::Breach => breaks(run.engine(), steps)?.0,
        _ => next_event(run, steps, echo).or_else(|| {
            let (asked, ahead) = breaks(run.engine(), steps)?;
            (!ahead).then_some(asked)
        })?,
    };
    // The right answer's place varies from moment to moment (deterministically).
    let place = (moment.at.as_micros() / 1_000) as usize % choices.len();
    choices.swap(right, place);
    Some(Question {
        at: moment.at,
        given: moment.action.as_ref().map(|(_, text)| text.clone()),
        ask,
        choices,
        right: place,
    })
}

/// A question's text, its choices and the index of the right one.
type Asked = (&'static str, Vec<Choice>, usize);

/// "Which breaks first from here?": the first property to break after `steps` steps,
/// or none, against properties that hold to the end (and "none" when one breaks); and
/// whether one breaks.
fn breaks(engine: &dyn Engine, steps: usize) -> Option<(Asked, bool)> {
    let properties = engine.properties();
    let violations = engine.violations();
    // Properties not broken by the pause, with their first breach if one comes.
    let open: Vec<_> = properties
        .iter()
        .zip(&violations)
        .filter(|(_, v)| v.as_ref().is_none_or(|v| v.step >= steps))
        .collect();
    if open.is_empty() {
        return None;
    }
    let first = open
        .iter()
        .filter_map(|(p, v)| v.as_ref().map(|v| (p, v)))
        .min_by_key(|(_, v)| (v.step, v.event));
    let holding = open.iter().filter(|(_, v)| v.is_none());
    let none = "None of them: each holds to the end".to_string();
    let mut choices = vec![match first {
        Some((p, v)) => Choice {
            text: p.sentence.to_string(),
            explain: format!(
                "“{}” breaks at {}: {}{}",
                p.id,
                v.time,
                v.detail,
                if v.detail.ends_with('.') { "" } else { "." }
            ),
        },
        None => Choice {
            text: none.clone(),
            explain: format!(
                "Each of them still holds when the run ends at {}.",
                engine.now()
            ),
        },
    }];
    for (p, _) in holding.take(2) {
        choices.push(Choice {
            text: p.sentence.to_string(),
            explain: format!("“{}” holds to the end of the run.", p.id),
        });
    }
    if first.is_some() {
        choices.truncate(2);
        choices.push(Choice {
            text: none,
            explain: String::new(),
        });
    }
    let asked = ("Which of these breaks first from here?", choices, 0);
    Some((asked, first.is_some()))
}

/// Trace event `i` if it is one of the pattern's own events (a note) that is not minor:
/// its node, label and time.
fn noted(engine: &dyn Engine, i: usize) -> Option<(NodeId, String, SimTime)> {
    let (node, tag) = engine.event_class(i)?;
    if tag != EventTag::Note {
        return None;
    }
    let (node, event) = (node?, engine.event(i)?);
    (!event.minor).then_some((node, event.label, event.time))
}

/// "Which happens next?": the first non-minor note after `steps` steps (not at the
/// instant `echo`), against the same note on other nodes of its role and notes seen
/// before, none of which happens after.
fn next_event(run: &Run, steps: usize, echo: Option<SimTime>) -> Option<Asked> {
    let engine = run.engine();
    let (from, end) = (engine.events_through(steps), engine.trace_len());
    let (node, label, time) = (from..end)
        .filter_map(|i| noted(engine, i))
        .find(|(_, _, t)| Some(*t) != echo)?;
    let names = engine.names();
    let name = |n: NodeId| names.get(n.index()).map_or("?", String::as_str);
    // Other choices: the same event on another node of its role, then events seen before.
    let infos = run.scenario().nodes(run.config());
    let role = |n: &str| infos.iter().find(|i| i.name == n).map(|i| i.role);
    let mut others: Vec<(NodeId, String)> = (1..names.len())
        .map(|k| NodeId(((node.index() + k) % names.len()) as u32))
        .filter(|n| role(name(*n)).is_some_and(|r| Some(r) == role(name(node))))
        .map(|n| (n, label.clone()))
        .collect();
    let mut looked = 0;
    for i in (0..from).rev() {
        if looked == PAST_NOTES || others.len() >= 6 {
            break;
        }
        let Some((n, l, _)) = noted(engine, i) else {
            continue;
        };
        looked += 1;
        if l != label && !others.iter().any(|(m, k)| *m == n && *k == l) {
            others.push((n, l));
        }
    }
    // Keep only what does not happen at all after the moment.
    for i in from..end {
        if let Some((n, l, _)) = noted(engine, i) {
            others.retain(|(m, k)| !(*m == n && *k == l));
            if others.is_empty() {
                return None;
            }
        }
    }
    let mut choices = vec![Choice {
        text: format!("{}: {label}", name(node)),
        explain: format!(
            "The pattern's next event is “{}: {label}”, at {time}.",
            name(node)
        ),
    }];
    choices.extend(others.into_iter().take(2).map(|(n, l)| Choice {
        text: format!("{}: {l}", name(n)),
        explain: format!("“{}: {l}” never happens after this point.", name(n)),
    }));
    Some(("Which of these happens next?", choices, 0))
}
