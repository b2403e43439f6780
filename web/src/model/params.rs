//! A parameter typed into its field: the value the run takes, and what was changed from
//! what was typed (never silently: 4 servers where only 3 or 5 are allowed says so).

use playground_core::sim::scenario::ParamSpec;

use super::{Command, Notice, Playground, Tone};

/// The allowed value for `typed`, and a sentence when it is not exactly what was typed;
/// `None` when nothing usable was typed.
pub fn settle(spec: &ParamSpec, typed: &str) -> (Option<i64>, Option<String>) {
    let label = spec.label;
    let Ok(asked) = typed.trim().parse::<i64>() else {
        let shown = match typed.trim() {
            "" => String::new(),
            text => format!(" “{text}”"),
        };
        return (
            None,
            Some(format!(
                "{label}:{shown} is not a whole number; it stays as it was."
            )),
        );
    };
    let value = spec.nearest(asked);
    let note = (value != asked).then(|| {
        format!(
            "{label}: {asked} is not allowed ({}); the run uses {value}.",
            spec.allowed()
        )
    });
    (Some(value), note)
}

impl Playground {
    /// Applies a parameter as typed (see [`settle`]); says so when it was adjusted.
    pub(super) fn type_param(&mut self, name: &str, typed: &str) {
        let Some(spec) = self
            .run
            .scenario()
            .params()
            .iter()
            .find(|p| p.name == name)
            .copied()
        else {
            return;
        };
        let (value, note) = settle(&spec, typed);
        if let Some(value) = value {
            self.apply(Command::SetParam(name.to_string(), value));
        }
        if let Some(text) = note {
            self.notify(Notice {
                tone: Tone::Info,
                text,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVERS: ParamSpec = ParamSpec {
        name: "servers",
        label: "Servers",
        min: 3,
        max: 7,
        default: 3,
        unit: "",
        step: 2,
    };

    #[test]
    fn an_allowed_value_passes_and_anything_else_is_adjusted_aloud() {
        assert_eq!(settle(&SERVERS, "5"), (Some(5), None));
        let (value, note) = settle(&SERVERS, "4");
        assert_eq!(value, Some(3));
        assert!(note.unwrap().contains("4 is not allowed (one of 3, 5, 7)"));
        assert_eq!(settle(&SERVERS, "99").0, Some(7));
        assert_eq!(settle(&SERVERS, &i64::MIN.to_string()).0, Some(3));
        let (value, note) = settle(&SERVERS, "three");
        assert_eq!(value, None);
        assert!(note.unwrap().contains("not a whole number"));
    }

    #[test]
    fn typing_an_absurd_value_runs_the_nearest_allowed_one_and_says_so() {
        let query = crate::url::parse_query("?s=v1~lamport-skew~seed.1");
        let mut p = Playground::open(query, false);
        p.apply(Command::TypeParam("servers".into(), "99".into()));
        assert_eq!(p.run().config().param("servers"), 6);
        let notice = p.notices().last().expect("a notice").text.clone();
        assert!(
            notice.contains("99 is not allowed (between 2 and 6)"),
            "{notice}"
        );
        let session = p.session().encode();
        p.apply(Command::TypeParam("servers".into(), "".into()));
        assert_eq!(
            p.session().encode(),
            session,
            "nothing typed changes nothing"
        );
    }
}
