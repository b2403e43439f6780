//! Taking a run elsewhere and bringing it back: the exports the page offers (the run as
//! JSON, its events as a ShiViz log, the run as a Rust test) and opening a JSON export
//! again, which re-runs its session and checks the fingerprint before anything changes.

use playground_core::export::{run_json, rust_test, shiviz_log, FORMAT, VERSION};
use playground_core::Session;

use super::{Notice, Playground, Tone};

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The run as JSON (see README.md, "Exporting a run").
    Json,
    /// The space-time diagram as an SVG file (serialized from the page).
    Svg,
    /// The events as a ShiViz log, with vector clocks.
    ShiViz,
    /// A Rust test replaying the run natively.
    Test,
}

/// The fields of a JSON file an import reads (what the browser's JSON parser found).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportFields {
    /// `format`: must be the playground's.
    pub format: Option<String>,
    /// `version` of the schema.
    pub version: Option<f64>,
    /// `session`: the text that reproduces the run.
    pub session: Option<String>,
    /// `fingerprint`: 16 hexadecimal digits.
    pub fingerprint: Option<String>,
}

/// A file to offer for download: its name, type and text.
pub type Download = (String, &'static str, String);

impl Playground {
    /// The SVG export's file name and its diagrams' labels: run A's diagram alone, or
    /// both runs' stacked when comparing (the name says which).
    pub fn svg_export(&self) -> (String, Vec<String>) {
        let id = self.run.scenario().id();
        match self.vs() {
            None => (format!("{id}-diagram.svg"), Vec::new()),
            Some(b) => (
                format!("{id}-A-and-B-diagrams.svg"),
                vec![
                    "A: this run".to_string(),
                    format!("B: {}", super::difference(self.session(), b.session())),
                ],
            ),
        }
    }

    fn fingerprint_now(&mut self) -> u64 {
        *self
            .fingerprint
            .get_or_insert_with(|| self.run.engine().trace_fingerprint())
    }

    /// The file for an export of the run shown (run A): none for the SVG, which the page
    /// takes from the drawn diagram. A Rust test is also kept to be shown
    /// ([`Playground::exported_test`]).
    pub fn export(&mut self, kind: ExportKind) -> Option<Download> {
        let fingerprint = self.fingerprint_now();
        let story = self.run.scenario().id();
        let seed = self.run.session().seed;
        Some(match kind {
            ExportKind::Json => (
                format!("{story}-seed{seed}.json"),
                "application/json",
                run_json(&self.run, fingerprint),
            ),
            ExportKind::ShiViz => (
                format!("{story}-seed{seed}.shiviz.log"),
                "text/plain",
                shiviz_log(self.run.engine()),
            ),
            ExportKind::Test => {
                let test = rust_test(&self.run, fingerprint);
                self.exported_test = Some(test.clone());
                (format!("{story}-seed{seed}.rs"), "text/plain", test)
            }
            ExportKind::Svg => return None,
        })
    }

    /// The Rust test exported last, while it is shown.
    pub fn exported_test(&self) -> Option<&str> {
        self.exported_test.as_deref()
    }

    /// Opens an exported run: the same session, if it makes the same fingerprint; else
    /// (or for a file that is not an export) a notice says why and nothing else changes.
    pub(super) fn import(&mut self, file: Result<ImportFields, String>) {
        match self.imported_run(file) {
            Ok(run) => {
                self.vs = None;
                self.replace_run(run, false);
                self.notify(Notice {
                    tone: Tone::Info,
                    text: "The exported run is open again: same session, same fingerprint."
                        .to_string(),
                });
            }
            Err(why) => self.notify(Notice {
                tone: Tone::Error,
                text: format!("That file could not be opened: {why}. Nothing changed."),
            }),
        }
    }

    fn imported_run(
        &self,
        file: Result<ImportFields, String>,
    ) -> Result<playground_core::Run, String> {
        let fields = file?;
        if fields.format.as_deref() != Some(FORMAT) {
            return Err(format!(
                "it is not a run exported from the playground (its `format` is not `{FORMAT}`)"
            ));
        }
        if fields.version != Some(f64::from(VERSION)) {
            return Err(format!("it was written in another version of the export (this page reads version {VERSION})"));
        }
        let text = fields.session.ok_or("it holds no `session`")?;
        let wanted = fields
            .fingerprint
            .as_deref()
            .and_then(|f| u64::from_str_radix(f, 16).ok())
            .ok_or("its `fingerprint` is not 16 hexadecimal digits")?;
        let session = Session::decode(&text).map_err(|e| format!("its session: {e}"))?;
        let mut run = self
            .registry
            .start(&session)
            .map_err(|e| format!("its session: {e}"))?;
        let engine = run.engine_mut();
        while engine.trace_len() < super::MAX_UI_EVENTS && engine.step() {}
        let got = run.engine().trace_fingerprint();
        if got != wanted {
            return Err(format!(
                "its session now makes run {got:016x}, not the exported {wanted:016x} (it was \
                 exported from another version of the playground)"
            ));
        }
        Ok(run)
    }
}
