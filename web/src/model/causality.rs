//! Causality at a click: the event a person picked in the diagram, what happened before
//! it and what it could have influenced (see `playground_core::sim::causality`).
//! Computed once per picked event and run.

use std::rc::Rc;

use playground_core::sim::causality::Cone;

use super::Playground;

impl Playground {
    /// Shows event `index`'s instant and its causality (again on the same event: hides it).
    pub(super) fn show_causality(&mut self, index: usize) {
        if self.cone_event == Some(index) {
            self.cone_event = None;
            return;
        }
        if self.engine().event(index).and_then(|e| e.node).is_none() {
            return;
        }
        self.apply(super::Command::JumpToEvent(index));
        self.cone_event = Some(index);
        self.path_msg = None;
    }

    /// Shows the event on a node after (or before) the one shown, or after (before) the
    /// cursor when none is: the diagram's events, reachable one by one from the keyboard.
    pub(super) fn next_event(&mut self, forward: bool) {
        let engine = self.engine();
        let shown = self.snapshot_events();
        let on_a_node = |i: &usize| {
            engine
                .event_class(*i)
                .is_some_and(|(node, _)| node.is_some())
        };
        let next = match (self.cone_event, forward) {
            (Some(at), true) => (at + 1..engine.trace_len()).find(on_a_node),
            (Some(at), false) => (0..at).rev().find(on_a_node),
            (None, true) => (shown..engine.trace_len()).find(on_a_node),
            (None, false) => (0..shown).rev().find(on_a_node),
        };
        if let Some(index) = next {
            self.show_causality(index);
        }
    }

    /// The causality shown, if any.
    pub fn cone(&self) -> Option<Rc<Cone>> {
        let chosen = self.cone_event?;
        Some(
            self.cone_memo
                .get(chosen, || Rc::new(self.engine().cone(chosen))),
        )
    }

    /// One sentence on the shown causality: the event, and how many events happened
    /// before it and after it (the rest are concurrent with it).
    pub fn cone_summary(&self) -> Option<String> {
        let cone = self.cone()?;
        let engine = self.engine();
        let event = engine.event(cone.chosen)?;
        let node = engine.names().get(event.node?.0 as usize)?;
        let (before, after) = cone.counts();
        let rest = engine.trace_len().saturating_sub(before + after + 1);
        Some(format!(
            "{node}: {} at {}. {before} events happened before it (they could have \
             influenced it), {after} after it (it could have influenced them); the other \
             {rest} are concurrent with it: no chain of events links them.",
            event.label, event.time
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::url::parse_query;
    use playground_core::sim::causality::Relation;
    use playground_core::sim::run::EventTag;

    #[test]
    fn clicking_an_event_jumps_there_and_shows_what_came_before_and_after() {
        let mut p = Playground::open(parse_query("?s=v1~lamport-concurrent~seed.2"), false);
        let engine = p.run().engine();
        // The first delivery: its message's send happened before it.
        let delivery = (0..engine.trace_len())
            .filter_map(|i| engine.event(i))
            .find(|e| e.tag == EventTag::Deliver)
            .expect("a delivery");
        let send = (0..delivery.index)
            .filter_map(|i| engine.event(i))
            .find(|e| e.tag == EventTag::Send && e.msg == delivery.msg)
            .expect("its send");
        p.apply(Command::ShowCausality(delivery.index));
        assert_eq!(
            p.cursor().time,
            delivery.time,
            "the cursor jumps to the event"
        );
        let cone = p.cone().expect("the causality is shown");
        assert_eq!(cone.event(delivery.index), Relation::Chosen);
        assert_eq!(cone.event(send.index), Relation::Before);
        assert_eq!(cone.message(delivery.msg.unwrap()), Relation::Before);
        let (before, after) = cone.counts();
        let summary = p.cone_summary().unwrap();
        assert!(
            summary.contains(&format!("{before} events happened before it"))
                && summary.contains(&format!("{after} after it")),
            "{summary}"
        );
        // A path replaces it; Escape clears whichever is shown; the same event again hides it.
        p.apply(Command::SelectPath(delivery.msg.unwrap()));
        assert!(p.cone().is_none() && p.path().is_some());
        p.apply(Command::ClearFocus);
        assert!(p.path().is_none());
        p.apply(Command::ShowCausality(delivery.index));
        p.apply(Command::ShowCausality(delivery.index));
        assert!(p.cone().is_none());
    }

    #[test]
    fn the_keyboard_walks_the_events_one_by_one() {
        let mut p = Playground::open(parse_query("?s=v1~lamport-concurrent~seed.2"), false);
        let on_a_node: Vec<usize> = {
            let engine = p.run().engine();
            (0..engine.trace_len())
                .filter(|i| engine.event(*i).is_some_and(|e| e.node.is_some()))
                .collect()
        };
        // From the start, the first event on a node; then each next one in turn.
        for expected in &on_a_node[..4] {
            p.apply(Command::NextEvent(true));
            assert_eq!(p.cone().map(|c| c.chosen), Some(*expected));
            assert_eq!(
                p.cursor().steps,
                p.run().engine().event(*expected).unwrap().step + 1
            );
        }
        p.apply(Command::NextEvent(false));
        assert_eq!(p.cone().map(|c| c.chosen), Some(on_a_node[2]));
        // Back past the first stays on it.
        for _ in 0..5 {
            p.apply(Command::NextEvent(false));
        }
        assert_eq!(p.cone().map(|c| c.chosen), Some(on_a_node[0]));
    }
}
