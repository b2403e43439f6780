//! The embedded view's panels: which appear, in which order (the first opens first), as
//! the address gives them (`embed=stage,invariants`).

/// One panel of the embedded view, shown one at a time behind a tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The stage, with the story's caption.
    Stage,
    /// The space-time diagram.
    Diagram,
    /// The invariants, each with its sentence, and the mechanism switches.
    Invariants,
    /// The pattern's facts, tables and pictures at the cursor.
    Facts,
    /// The pattern's metrics over the run (for a pattern that records some).
    Charts,
}

impl Panel {
    /// Every panel, in the default order.
    pub const ALL: [Panel; 5] = [
        Panel::Stage,
        Panel::Diagram,
        Panel::Invariants,
        Panel::Facts,
        Panel::Charts,
    ];

    /// Its name in the address.
    pub fn name(self) -> &'static str {
        match self {
            Panel::Stage => "stage",
            Panel::Diagram => "diagram",
            Panel::Invariants => "invariants",
            Panel::Facts => "facts",
            Panel::Charts => "charts",
        }
    }

    /// Its tab's test id.
    pub fn tab_id(self) -> &'static str {
        match self {
            Panel::Stage => "embed-tab-stage",
            Panel::Diagram => "embed-tab-diagram",
            Panel::Invariants => "embed-tab-invariants",
            Panel::Facts => "embed-tab-facts",
            Panel::Charts => "embed-tab-charts",
        }
    }

    /// Its body's test id and class.
    pub fn panel_id(self) -> &'static str {
        match self {
            Panel::Stage => "embed-panel-stage",
            Panel::Diagram => "embed-panel-diagram",
            Panel::Invariants => "embed-panel-invariants",
            Panel::Facts => "embed-panel-facts",
            Panel::Charts => "embed-panel-charts",
        }
    }

    /// Its checkbox's test id in the Embed dialog.
    pub fn choose_id(self) -> &'static str {
        match self {
            Panel::Stage => "embed-choose-stage",
            Panel::Diagram => "embed-choose-diagram",
            Panel::Invariants => "embed-choose-invariants",
            Panel::Facts => "embed-choose-facts",
            Panel::Charts => "embed-choose-charts",
        }
    }

    /// Its tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Panel::Stage => "Stage",
            Panel::Diagram => "Diagram",
            Panel::Invariants => "Invariants",
            Panel::Facts => "At this instant",
            Panel::Charts => "Charts",
        }
    }
}

/// Reads the panels of `embed=<names>`: comma-separated names, each once (a repeat is
/// ignored); none at all means every panel. An unknown name is the error.
pub fn parse_panels(text: &str) -> Result<Vec<Panel>, String> {
    let mut panels = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let panel = Panel::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| name.to_string())?;
        if !panels.contains(&panel) {
            panels.push(panel);
        }
    }
    Ok(if panels.is_empty() {
        Panel::ALL.to_vec()
    } else {
        panels
    })
}

/// The address's form of `panels`: `embed` for every panel in the default order, else
/// `embed=<names>`.
pub fn embed_param(panels: &[Panel]) -> String {
    if panels == Panel::ALL {
        return "embed".into();
    }
    let names: Vec<&str> = panels.iter().map(|p| p.name()).collect();
    format!("embed={}", names.join(","))
}

/// What to show for `embed=<text>`: its panels, or every panel and the sentence saying
/// which name was not understood.
pub fn panels_or_default(text: &str) -> (Vec<Panel>, Option<String>) {
    match parse_panels(text) {
        Ok(panels) => (panels, None),
        Err(bad) => {
            let known: Vec<&str> = Panel::ALL.iter().map(|p| p.name()).collect();
            let shown: String = bad.chars().take(40).collect();
            (
                Panel::ALL.to_vec(),
                Some(format!(
                    "This embed asks for a panel `{shown}` that does not exist (the panels are \
                     {}); showing every panel.",
                    known.join(", ")
                )),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_are_read_in_order_once_and_default_to_all() {
        assert_eq!(
            parse_panels("invariants,stage,invariants"),
            Ok(vec![Panel::Invariants, Panel::Stage])
        );
        assert_eq!(parse_panels(""), Ok(Panel::ALL.to_vec()));
        assert_eq!(parse_panels(" Stage , "), Ok(vec![Panel::Stage]));
        assert_eq!(parse_panels("stage,timeline"), Err("timeline".into()));
    }

    #[test]
    fn the_address_form_round_trips() {
        for panels in [
            Panel::ALL.to_vec(),
            vec![Panel::Facts],
            vec![Panel::Diagram, Panel::Stage],
        ] {
            let param = embed_param(&panels);
            let text = param.strip_prefix("embed").unwrap().trim_start_matches('=');
            assert_eq!(parse_panels(text), Ok(panels), "{param}");
        }
        assert_eq!(embed_param(&Panel::ALL), "embed");
    }

    #[test]
    fn an_unknown_panel_gives_a_notice_and_every_panel() {
        let (panels, notice) = panels_or_default("stage,%3Cscript%3E");
        assert_eq!(panels, Panel::ALL.to_vec());
        let notice = notice.unwrap();
        assert!(
            notice.contains("`%3Cscript%3E`") && notice.contains("stage, diagram"),
            "{notice}"
        );
        assert_eq!(panels_or_default("facts").1, None);
    }
}
