//! Guided mode: playing (or stepping) stops just before each of the run's key moments
//! (see `moments.rs`), a card asks what happens next, the person picks, the card says
//! what the run does, and "Continue" plays on. Seeking does not ask: only playing or
//! stepping into a moment does, once per moment and run.

use std::rc::Rc;

use playground_core::sim::time::SimTime;

use super::moments::{self, Moment, Question};
use super::{Command, Cursor, Memo, Playground};

/// Guided mode's state.
#[derive(Default)]
pub struct Guide {
    /// Whether guided mode is on.
    on: bool,
    /// Whether the person chose the mode on this page (it then outlasts a change of story).
    chosen: Option<bool>,
    /// The moments of the run explored last.
    moments: Memo<(), Rc<Vec<Moment>>>,
    /// The moments asked about already (by instant), in this run.
    asked: Vec<SimTime>,
    /// The right answer of the question asked last, in this run (a moment whose question
    /// is the same is passed without asking again).
    last: Option<String>,
    /// The question shown, and the choice made, if any.
    card: Option<(Rc<Question>, Option<usize>)>,
}

impl Guide {
    /// Forgets the run's moments and questions (the run changed).
    pub(super) fn reset(&mut self) {
        self.moments.clear();
        self.asked.clear();
        self.last = None;
        self.card = None;
    }
}

/// The question card as the page draws it.
#[derive(Clone, Debug)]
pub struct GuideCard {
    /// The question, with its choices and the run's answer.
    pub question: Rc<Question>,
    /// The choice made, once made.
    pub chosen: Option<usize>,
}

/// The same question (not merely an equal one) and the same choice: a card is redrawn
/// only when one of them changes.
impl PartialEq for GuideCard {
    fn eq(&self, other: &GuideCard) -> bool {
        Rc::ptr_eq(&self.question, &other.question) && self.chosen == other.chosen
    }
}

impl GuideCard {
    /// What the card says once a choice is made: whether it was right ("Right" or "Not
    /// this time"), and what the run does, in sentences true of it.
    pub fn reveal(&self) -> Option<(&'static str, String)> {
        let chosen = self.chosen?;
        let q = &self.question;
        let right = q.choices.get(q.right)?.explain.clone();
        Some(if chosen == q.right {
            ("Right.", right)
        } else {
            match q.choices.get(chosen).map(|c| c.explain.as_str()) {
                Some(wrong) if !wrong.is_empty() => ("Not this time.", format!("{wrong} {right}")),
                _ => ("Not this time.", right),
            }
        })
    }
}

impl Playground {
    /// Whether guided mode is on.
    pub fn guided(&self) -> bool {
        self.guide.on
    }

    /// The question card shown, if playing stopped at a moment.
    pub fn guide_card(&self) -> Option<GuideCard> {
        self.guide
            .card
            .as_ref()
            .map(|(question, chosen)| GuideCard {
                question: question.clone(),
                chosen: *chosen,
            })
    }

    /// The run's key moments (computed once per run).
    pub fn moments(&self) -> Rc<Vec<Moment>> {
        self.guide
            .moments
            .get((), || Rc::new(moments::moments(&self.run)))
    }

    /// Turns guided mode on or off as a link or the page's first visit asks, unless
    /// the person chose already.
    pub(super) fn guide_default(&mut self, on: bool) {
        self.guide.on = self.guide.chosen.unwrap_or(on);
    }

    /// Carries out guided mode's commands and closes the card on a command that moves
    /// the cursor; returns any other command to carry out.
    pub(super) fn apply_guide(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::SetGuided(on) => {
                self.guide.on = on;
                self.guide.chosen = Some(on);
                if !on {
                    self.guide.card = None;
                }
            }
            Command::GuideDefault(on) => self.guide_default(on),
            Command::Answer(i) => {
                if let Some((question, chosen @ None)) = self.guide.card.as_mut() {
                    *chosen = (i < question.choices.len()).then_some(i);
                }
            }
            Command::Continue | Command::TogglePlay if self.guide.card.is_some() => {
                self.guide.card = None;
                self.playing = true;
                self.step_debt_ms = 0.0;
            }
            Command::Continue => {}
            Command::Scrub(_)
            | Command::StepBack
            | Command::StepForward
            | Command::JumpToEvent(_)
            | Command::NextEvent(_)
            | Command::ShowCausality(_) => {
                self.guide.card = None;
                return Some(command);
            }
            command => return Some(command),
        }
        None
    }

    /// After playing or stepping moved the cursor on from `before`: in guided mode,
    /// stops just before the first moment not yet asked about that it passed, and asks.
    /// Returns whether it stopped.
    pub(super) fn stop_at_moment(&mut self, before: Cursor) -> bool {
        if !self.guide.on || self.guide.card.is_some() {
            return false;
        }
        let after = self.cursor.time;
        let moments = self.moments();
        for moment in moments
            .iter()
            .filter(|m| before.time < m.at && m.at <= after)
        {
            if self.guide.asked.contains(&moment.at) {
                continue;
            }
            self.guide.asked.push(moment.at);
            let Some(question) = moments::question(&self.run, moment) else {
                continue;
            };
            let right = question.choices.get(question.right).map(|c| c.text.clone());
            if right == self.guide.last {
                continue;
            }
            self.guide.last = right;
            let (time, steps) = moments::pause_at(self.engine(), moment);
            self.cursor = Cursor { time, steps };
            self.diagram_start = None;
            self.playing = false;
            self.guide.card = Some((Rc::new(question), None));
            return true;
        }
        false
    }
}
