//! Opening the page: what the address asks for (one run, or two to compare, at an
//! instant), with a clear notice and a sane fallback for every broken part.

use std::collections::BTreeSet;

use playground_core::salvage::salvage;
use playground_core::sim::time::SimTime;
use playground_core::{Registry, Run};

use super::embed::panels_or_default;
use super::playback::DEFAULT_SPEED;
use super::{Cursor, LogFilter, Memo, Notice, Panel, Playground, Query, Tone};

impl Playground {
    /// Opens what the address asks for, falling back to the default session with a notice
    /// when the address is broken. Guided mode is off unless the link says `guide=1`.
    pub fn open(query: Query, reduced_motion: bool) -> Playground {
        let registry = Registry::standard();
        let mut notices = Vec::new();
        let mut at = query.at;
        let started = match query.session {
            None => None,
            Some(Err(e)) => Some(Err(e)),
            Some(Ok(session)) => Some(registry.start(&session)),
        };
        let run = match started {
            None => None,
            Some(Ok(run)) => Some(run),
            Some(Err(e)) => match salvage(&registry, &query.session_text) {
                // The same story, with what could not be used left out: say what.
                Some(fixed) => {
                    notices.push(repaired_link(&fixed.changes));
                    registry.start(&fixed.session).ok()
                }
                None => {
                    notices.push(bad_link(&e.to_string()));
                    None
                }
            },
        };
        let opened = run.is_some();
        if !opened {
            // The instant (and a second run) belonged to the session that could not open.
            at = None;
        }
        let run = match run {
            Some(run) => run,
            None => match registry.start(&registry.default_session()) {
                Ok(run) => run,
                // The default session is tested to start; this only guards a broken build.
                Err(e) => panic!("the default session does not start: {e}"),
            },
        };
        let embed = query.embed.as_deref().map(|text| {
            let (panels, notice) = panels_or_default(text);
            if let Some(text) = notice {
                notices.push(Notice {
                    tone: Tone::Error,
                    text,
                });
            }
            panels
        });
        let mut playground = Playground::with_run(run, reduced_motion, embed);
        playground.registry = registry;
        playground.notices = notices;
        if let Some(vs) = query.vs.filter(|_| opened) {
            match vs {
                Ok(session) => playground.compare_with(&session, true),
                Err(e) => playground.notify(Notice {
                    tone: Tone::Error,
                    text: format!(
                        "This link's second run (`vs=`) could not be opened: {e}. Showing \
                         the first run alone."
                    ),
                }),
            }
        }
        match at {
            // `t=0` is the start, as a link without `t` (how one shared there is written).
            Some(Ok(t)) if t > SimTime::ZERO => playground.seek(t),
            Some(Ok(_)) | None => {}
            Some(Err(text)) => playground.notify(Notice {
                tone: Tone::Error,
                text: format!(
                    "The link's time `{text}` is not a whole number of microseconds; \
                     the run opens at its start."
                ),
            }),
        }
        match query.guide {
            Some(Ok(on)) => playground.guide_default(on),
            Some(Err(text)) => playground.notify(Notice {
                tone: Tone::Error,
                text: format!(
                    "The link's `guide={text}` is neither 1 (guided mode on) nor 0 (off); \
                     guided mode is off."
                ),
            }),
            None => {}
        }
        playground.sync_vs();
        playground
    }

    /// A page showing `run`, explored, at its start.
    pub(super) fn with_run(
        run: Run,
        reduced_motion: bool,
        embed: Option<Vec<Panel>>,
    ) -> Playground {
        let mut playground = Playground {
            registry: Registry::standard(),
            run,
            cursor: Cursor::default(),
            playing: false,
            speed: DEFAULT_SPEED,
            reduced_motion,
            step_debt_ms: 0.0,
            following: false,
            selected: None,
            selected_msg: None,
            path_msg: None,
            cone_event: None,
            selected_group: None,
            collapsed: BTreeSet::new(),
            layout: Memo::default(),
            talks: Memo::default(),
            lanes: Memo::default(),
            view: Default::default(),
            group: BTreeSet::new(),
            log: LogFilter::default(),
            diagram_span_us: 0,
            diagram_start: None,
            help: false,
            embed,
            notices: Vec::new(),
            fingerprint: None,
            query: String::new(),
            answer: Memo::default(),
            charts: Memo::default(),
            path_memo: Memo::default(),
            cone_memo: Memo::default(),
            guide: Default::default(),
            vs: None,
            divergence: None,
            outcome: None,
            prints: Vec::new(),
            exported_test: None,
            download: None,
        };
        playground.explore();
        playground.fit_diagram();
        playground
    }
}

fn bad_link(error: &str) -> Notice {
    Notice {
        tone: Tone::Error,
        text: format!(
            "This link's session could not be opened: {error}. Showing the default scenario \
             instead."
        ),
    }
}

fn repaired_link(changes: &[String]) -> Notice {
    Notice {
        tone: Tone::Error,
        text: format!(
            "This link's session could not be opened as it was; it opens repaired: {}.",
            changes.join("; ")
        ),
    }
}
