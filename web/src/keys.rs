//! Keyboard shortcuts: one table, used both to handle keys and to list them in the help.

use crate::model::Command;

/// Every shortcut: the key as `KeyboardEvent.key` names it, how the help shows it, and
/// what it does.
pub const SHORTCUTS: &[(&str, &str, &str)] = &[
    (" ", "Space", "Play or pause"),
    ("ArrowRight", "→", "One step forward"),
    ("ArrowLeft", "←", "One step back"),
    ("Home", "Home", "Go to the start"),
    ("End", "End", "Go to the end"),
    ("]", "]", "Next event in the diagram, with its causality"),
    (
        "[",
        "[",
        "Previous event in the diagram, with its causality",
    ),
    ("+", "+", "Zoom the diagram in"),
    ("-", "−", "Zoom the diagram out"),
    ("n", "N", "Re-run with another seed"),
    (
        "g",
        "G",
        "Guided mode on or off: playing stops at key moments and asks",
    ),
    ("d", "D", "Go to where two compared runs part"),
    (
        "o",
        "O",
        "Go to the first difference in outcome of two compared runs",
    ),
    ("?", "?", "Show or hide this help"),
    (
        "Escape",
        "Esc",
        "Close this help; else stop highlighting a path or an event's causality",
    ),
];

/// The command for a key, given the end of the run (for `End`), whether help is open and
/// whether guided mode is on.
pub fn command_for(
    key: &str,
    end: playground_core::sim::time::SimTime,
    help_open: bool,
    guided: bool,
) -> Option<Command> {
    Some(match key {
        " " => Command::TogglePlay,
        "ArrowRight" => Command::StepForward,
        "ArrowLeft" => Command::StepBack,
        "Home" => Command::Scrub(playground_core::sim::time::SimTime::ZERO),
        "End" => Command::Scrub(end),
        "]" => Command::NextEvent(true),
        "[" => Command::NextEvent(false),
        "+" | "=" => Command::Zoom(1),
        "-" => Command::Zoom(-1),
        "n" | "N" => Command::NewSeed,
        "g" | "G" => Command::SetGuided(!guided),
        "d" | "D" => Command::SeekDivergence,
        "o" | "O" => Command::SeekOutcome,
        "?" => Command::ToggleHelp,
        "Escape" if help_open => Command::ToggleHelp,
        "Escape" => Command::ClearFocus,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use playground_core::sim::time::SimTime;

    #[test]
    fn every_listed_shortcut_does_something() {
        for (key, _, _) in SHORTCUTS {
            assert!(command_for(key, SimTime(5), true, false).is_some(), "{key}");
        }
        assert_eq!(
            command_for("End", SimTime(5), false, false),
            Some(Command::Scrub(SimTime(5)))
        );
        assert_eq!(
            command_for("Escape", SimTime(5), false, false),
            Some(Command::ClearFocus)
        );
        assert_eq!(command_for("x", SimTime(5), false, false), None);
        assert_eq!(
            command_for("g", SimTime(5), false, true),
            Some(Command::SetGuided(false))
        );
    }
}
