//! What the views read from the playground: the run, the cursor, selections and
//! settings, the snapshot, properties and log rows at the cursor.

use std::collections::BTreeSet;

use playground_core::sim::node::NodeId;
use playground_core::sim::run::EventTag;
use playground_core::sim::snapshot::Snapshot;
use playground_core::sim::time::SimTime;
use playground_core::sim::trace::MsgId;
use playground_core::{Registry, Run, Session};

use super::{
    logview, Cursor, Download, LogRow, Notice, Panel, Playground, PropertyRow, QueryAnswer,
};

impl Playground {
    /// The file the last export made, to download (taken once).
    pub fn take_download(&mut self) -> Option<Download> {
        self.download.take()
    }

    /// The run being shown.
    pub fn run(&self) -> &Run {
        &self.run
    }

    /// The registry of scenarios.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The session that reproduces what is shown.
    pub fn session(&self) -> &Session {
        self.run.session()
    }

    /// The instant shown.
    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// The time of the run's last step (of the longer run, when comparing).
    pub fn end(&self) -> SimTime {
        self.end_with_vs(self.engine().now())
    }

    /// Total steps of the explored run.
    pub fn total_steps(&self) -> usize {
        self.engine().steps()
    }

    /// The fingerprint of the whole explored trace (equal links give equal fingerprints),
    /// once [`Command::Fingerprint`] has computed it for this run.
    pub fn fingerprint(&self) -> Option<u64> {
        self.fingerprint
    }

    /// The question being asked, as typed.
    pub fn query_input(&self) -> &str {
        &self.query
    }

    /// The pattern's answer to the question at the cursor, once one is asked. It is
    /// computed (a replay from a checkpoint) once per cursor, question and run.
    pub fn query_answer(&self) -> Option<QueryAnswer> {
        if self.query.trim().is_empty() {
            return None;
        }
        let steps = self.cursor.steps;
        Some(self.answer.get((steps, self.query.clone()), || {
            self.engine().query(steps, &self.query)
        }))
    }

    /// Whether it is playing.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// The index of the playback speed.
    pub fn speed(&self) -> usize {
        self.speed
    }

    /// The selected node.
    pub fn selected(&self) -> Option<NodeId> {
        self.selected
    }

    /// The selected message.
    pub fn selected_message(&self) -> Option<MsgId> {
        self.selected_msg
    }

    /// The partition group.
    pub fn group(&self) -> &BTreeSet<NodeId> {
        &self.group
    }

    /// Whether the keyboard help is open.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// Whether the page is embedded.
    pub fn embedded(&self) -> bool {
        self.embed.is_some()
    }

    /// The embedded view's panels (the first opens first), when embedded.
    pub fn embed_panels(&self) -> Option<&[Panel]> {
        self.embed.as_deref()
    }

    /// The notices to show.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The log's node filter.
    pub fn log_node(&self) -> Option<NodeId> {
        self.log.node
    }

    /// Whether the log shows events of this kind.
    pub fn log_shows(&self, tag: EventTag) -> bool {
        !self.log.hidden.contains(&tag)
    }

    /// The run at the cursor.
    pub fn snapshot(&self) -> Snapshot {
        self.engine().snapshot(self.cursor.steps, self.cursor.time)
    }

    /// The caption in force at the cursor.
    pub fn caption(&self) -> Option<String> {
        self.run.caption_at(self.cursor.time).map(|c| c.text)
    }

    /// Each property and its status at the cursor.
    pub fn properties(&self) -> Vec<PropertyRow> {
        let engine = self.engine();
        engine
            .properties()
            .iter()
            .zip(engine.violations())
            .map(|(p, v)| {
                let happened = v.as_ref().is_some_and(|v| v.step < self.cursor.steps);
                PropertyRow {
                    id: p.id,
                    sentence: p.sentence,
                    kind: p.kind,
                    violated: v.clone().filter(|_| happened),
                    breaks_later: v.filter(|_| !happened),
                }
            })
            .collect()
    }

    /// Log rows around the cursor (up to `before` rows before it and `after` after it),
    /// filtered by node and kind; only the rows returned are formatted.
    pub fn log_rows(&self, before: usize, after: usize) -> Vec<LogRow> {
        logview::log_rows(
            self.engine(),
            &self.log,
            self.snapshot_events(),
            before,
            after,
        )
    }

    /// How many trace events have happened by the cursor.
    pub fn snapshot_events(&self) -> usize {
        self.engine().events_through(self.cursor.steps)
    }
}
