//! Acting on the run at the cursor: the action applies after every event of the instant,
//! everything after it is simulated again, and the person is told what that discarded.

use playground_core::sim::action::Action;
use playground_core::sim::node::NodeId;

use super::{Cursor, Notice, Playground, Tone};

impl Playground {
    /// Acts at the cursor, or says why nothing was done.
    pub(super) fn act(&mut self, action: Action<String>) {
        let at = self.cursor.time;
        // An action applies after every event of its instant: show that state first.
        let end_of_instant = self.engine().steps_until(at);
        if self.cursor.steps < end_of_instant {
            self.cursor.steps = end_of_instant;
            self.notify(Notice {
                tone: Tone::Info,
                text: format!(
                    "Actions apply after every event of an instant, so the view moved to the \
                     end of {at}."
                ),
            });
        }
        if let Action::Drop(m)
        | Action::Hold(m)
        | Action::Release(m)
        | Action::Delay { msg: m, .. } = &action
        {
            if !self.snapshot().in_flight.iter().any(|f| f.id == *m) {
                self.notify(Notice {
                    tone: Tone::Error,
                    text: format!(
                        "Message {m} is no longer in flight at {at}, so nothing was done."
                    ),
                });
                return;
            }
        }
        let future = self.cursor.steps < self.total_steps();
        let before = self.run.session().actions.len();
        if let Err(e) = self.run.act(at, action) {
            self.notify(Notice {
                tone: Tone::Error,
                text: format!("That action could not be applied: {e}."),
            });
            return;
        }
        self.explore();
        let dropped = (before + 1).saturating_sub(self.run.session().actions.len());
        self.cursor = Cursor {
            time: at,
            steps: self.engine().steps_until(at),
        };
        if future {
            let later = match dropped {
                0 => String::new(),
                1 => " Your one later action was discarded too.".to_string(),
                n => format!(" Your {n} later actions were discarded too."),
            };
            self.notices.retain(|n| n.tone != Tone::Info);
            self.notify(Notice {
                tone: Tone::Info,
                text: format!(
                    "You acted at {at}: everything after that instant was discarded and \
                     simulated again with your action.{later} The link now records it."
                ),
            });
        }
    }

    /// Cuts the picked nodes off from the others (one way or both).
    pub(super) fn partition_group(&mut self, one_way: bool) {
        let (mut inside, mut outside) = (Vec::new(), Vec::new());
        for (i, name) in self.engine().names().iter().enumerate() {
            if self.group.contains(&NodeId(i as u32)) {
                inside.push(name.clone());
            } else {
                outside.push(name.clone());
            }
        }
        if inside.is_empty() || outside.is_empty() {
            self.notify(Notice {
                tone: Tone::Error,
                text: "Pick some nodes (but not all) for one side of the partition first."
                    .to_string(),
            });
            return;
        }
        self.act(Action::Partition {
            from: inside,
            to: outside,
            one_way,
        });
        self.group.clear();
    }
}
