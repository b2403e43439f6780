//! The page's address: which session to open, whether to embed, and share links.
//!
//! The query string holds `s=<session text>`, when comparing `vs=<session text>` (run B,
//! the same story with one change), for the embedded view `embed` (every panel) or
//! `embed=stage,invariants` (those panels, the first open), in a shared link
//! `t=<microseconds>`, the instant it was shared at, and `guide=1` (or `0`) for guided
//! mode on (or off). The session text uses
//! only URL-unreserved characters, so it is written as is; reading tolerates
//! percent-encoding in case a browser or a docs tool added some.

use playground_core::sim::session::SessionError;
use playground_core::sim::time::SimTime;
use playground_core::Session;

use crate::model::{embed_param, Panel};

/// What the address asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The embedded view: none, or the text after `embed=` (empty for a bare `embed`),
    /// naming its panels.
    pub embed: Option<String>,
    /// The session in the address: none, or what decoding it gave.
    pub session: Option<Result<Session, SessionError>>,
    /// The session's text as the address gives it (for repairing a broken link).
    pub session_text: String,
    /// The session to compare it with (`vs=`): none, or what decoding it gave.
    pub vs: Option<Result<Session, SessionError>>,
    /// The instant to open at: none, a time in microseconds, or the text that is not one.
    pub at: Option<Result<SimTime, String>>,
    /// Guided mode (`guide=1` or `0`): none, on or off, or the text that is neither.
    pub guide: Option<Result<bool, String>>,
}

/// Reads a query string (`?s=…&embed` or `s=…`).
pub fn parse_query(search: &str) -> Query {
    let mut query = Query {
        embed: None,
        session: None,
        session_text: String::new(),
        vs: None,
        at: None,
        guide: None,
    };
    for pair in search.trim_start_matches('?').split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "embed" => query.embed = Some(percent_decode(value)),
            "s" => {
                query.session_text = percent_decode(value);
                query.session = Some(Session::decode(&query.session_text));
            }
            "vs" => query.vs = Some(Session::decode(&percent_decode(value))),
            "t" => {
                let text = percent_decode(value);
                query.at = Some(text.parse::<u64>().map(SimTime).map_err(|_| text));
            }
            "guide" => {
                query.guide = Some(match value {
                    "1" => Ok(true),
                    "0" => Ok(false),
                    _ => Err(percent_decode(value)),
                })
            }
            _ => {}
        }
    }
    query
}

/// The query string for a session (and the one it is compared with), with the embedded
/// view's panels first when embedding.
pub fn query_for(session: &Session, vs: Option<&Session>, embed: Option<&[Panel]>) -> String {
    let mut query = String::from("?");
    if let Some(panels) = embed {
        query.push_str(&embed_param(panels));
        query.push('&');
    }
    query.push_str("s=");
    query.push_str(&session.encode());
    if let Some(vs) = vs {
        query.push_str("&vs=");
        query.push_str(&vs.encode());
    }
    query
}

/// The query string of a link that opens `session` at the instant `at` (the start is
/// left out).
pub fn share_query(
    session: &Session,
    vs: Option<&Session>,
    embed: Option<&[Panel]>,
    at: SimTime,
) -> String {
    let query = query_for(session, vs, embed);
    match at.as_micros() {
        0 => query,
        us => format!("{query}&t={us}"),
    }
}

/// What an embed snippet embeds: the run (and the one it is compared with) at an
/// instant, from the page at `page_url` (the address without its query), and the story's
/// title.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedSource {
    /// The page's address without its query.
    pub page_url: String,
    /// The run.
    pub session: Session,
    /// The run it is compared with, if any.
    pub vs: Option<Session>,
    /// The instant shown.
    pub at: SimTime,
    /// The story's title, with its pattern's name.
    pub title: String,
    /// Whether the pattern records metrics (the Charts panel can be offered).
    pub has_charts: bool,
}

/// The snippet's height when none is chosen, in CSS pixels.
pub const EMBED_HEIGHT: u32 = 620;

/// An `<iframe>` snippet, `height` pixels tall, that embeds `source` showing `panels`,
/// titled with the story's title; `guided` adds `guide=1` (the frame stops at the run's
/// key moments and asks what happens next).
pub fn iframe_snippet(source: &EmbedSource, panels: &[Panel], height: u32, guided: bool) -> String {
    let title = source.title.replace('"', "'");
    format!(
        "<iframe src=\"{}{}{}\" width=\"100%\" height=\"{height}\" style=\"border:1px solid \
         #d5d9e0;border-radius:8px\" title=\"{title} — Distributed Patterns Playground\" \
         loading=\"lazy\"></iframe>",
        source.page_url,
        share_query(&source.session, source.vs.as_ref(), Some(panels), source.at),
        if guided { "&guide=1" } else { "" },
    )
}

/// Decodes `%XX` escapes of ASCII characters; anything malformed is kept as it was (the
/// session decoder then names the odd character).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(u8::is_ascii);
        match escaped {
            Some(byte) => {
                out.push(char::from(byte));
                i += 3;
            }
            None => {
                let ch = text[i..].chars().next().unwrap_or('?');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_and_embed_flag() {
        let q = parse_query("?embed&s=v1~lamport-skew~seed.7");
        assert_eq!(q.embed.as_deref(), Some(""));
        assert_eq!(q.session, Some(Ok(Session::new("lamport-skew", 7))));
        assert_eq!(parse_query("").session, None);
        assert_eq!(parse_query("?s=v1~lamport-skew~seed.7").embed, None);
        let q = parse_query("?embed=stage%2Cfacts&s=v1~lamport-skew~seed.7");
        assert_eq!(q.embed.as_deref(), Some("stage,facts"));
    }

    #[test]
    fn round_trips_through_the_query() {
        let session = Session::new("lamport-concurrent", 3).with_param("clients", 4);
        let some: &[Panel] = &[Panel::Invariants, Panel::Stage];
        for (embed, text) in [
            (None, None),
            (Some(&Panel::ALL[..]), Some("")),
            (Some(some), Some("invariants,stage")),
        ] {
            let q = parse_query(&query_for(&session, None, embed));
            assert_eq!(q.embed.as_deref(), text);
            assert_eq!(q.session, Some(Ok(session.clone())));
        }
    }

    #[test]
    fn tolerates_percent_encoding_and_reports_garbage() {
        let q = parse_query("s=v1%7Elamport-skew%7Eseed.7");
        assert_eq!(q.session, Some(Ok(Session::new("lamport-skew", 7))));
        let bad = parse_query("s=v1~lamport-skew~seed.%ZZ");
        assert!(matches!(bad.session, Some(Err(_))));
        let unicode = parse_query("s=v1~ländlich");
        assert!(matches!(
            unicode.session,
            Some(Err(SessionError::BadCharacter('ä')))
        ));
    }

    #[test]
    fn reads_guided_mode_and_reports_a_bad_value() {
        let q = |s: &str| parse_query(s).guide;
        assert_eq!(q("?s=v1~lamport-skew~seed.7&guide=1"), Some(Ok(true)));
        assert_eq!(q("?guide=0&s=v1~lamport-skew~seed.7"), Some(Ok(false)));
        assert_eq!(q("?s=v1~lamport-skew~seed.7"), None);
        assert_eq!(q("?guide=yes"), Some(Err("yes".to_string())));
        assert_eq!(q("?guide"), Some(Err(String::new())));
    }

    #[test]
    fn the_iframe_snippet_points_at_the_embed_view() {
        let source = EmbedSource {
            page_url: "https://docs.example/play/".into(),
            session: Session::new("lamport-skew", 2),
            vs: None,
            at: SimTime(12_500),
            title: "Lamport clock: \"Skewed\" wall clocks".into(),
            has_charts: false,
        };
        let snippet = iframe_snippet(&source, &Panel::ALL, EMBED_HEIGHT, false);
        assert!(snippet.starts_with(
            "<iframe src=\"https://docs.example/play/?embed&s=v1~lamport-skew~seed.2&t=12500\""
        ));
        assert!(snippet.contains("title=\"Lamport clock: 'Skewed' wall clocks — "));
        assert!(snippet.contains("height=\"620\""));
        let snippet = iframe_snippet(&source, &[Panel::Facts, Panel::Stage], 480, true);
        assert!(
            snippet.contains("?embed=facts,stage&s=v1~lamport-skew~seed.2&t=12500&guide=1\"")
                && snippet.contains("height=\"480\""),
            "{snippet}"
        );
        let query = snippet.split('"').nth(1).unwrap();
        let query = &query[query.find('?').unwrap()..];
        assert_eq!(parse_query(query).guide, Some(Ok(true)), "{query}");
    }

    #[test]
    fn a_shared_link_carries_its_instant_and_a_bad_one_is_reported() {
        let session = Session::new("lamport-skew", 2);
        let q = parse_query(&share_query(&session, None, None, SimTime(752_000)));
        assert_eq!(q.at, Some(Ok(SimTime(752_000))));
        assert_eq!(q.session, Some(Ok(session.clone())));
        assert_eq!(
            share_query(&session, None, None, SimTime::ZERO),
            query_for(&session, None, None)
        );
        for bad in ["-9223372036854775808", "1e9", "", "99999999999999999999"] {
            let q = parse_query(&format!("?s=v1~lamport-skew~seed.2&t={bad}"));
            assert_eq!(q.at, Some(Err(bad.to_string())), "{bad}");
        }
    }

    #[test]
    fn a_compare_link_round_trips_both_halves_and_reports_a_bad_one() {
        let a = Session::new("balance-host-failure", 3);
        let b = a.clone().with_switch_off("health-checks");
        for embed in [None, Some(&Panel::ALL[..])] {
            let text = share_query(&a, Some(&b), embed, SimTime(5_000));
            let q = parse_query(&text);
            assert_eq!(q.session, Some(Ok(a.clone())), "{text}");
            assert_eq!(q.vs, Some(Ok(b.clone())), "{text}");
            assert_eq!(q.embed.is_some(), embed.is_some());
            assert_eq!(q.at, Some(Ok(SimTime(5_000))));
        }
        let q = parse_query("?s=v1~lamport-skew~seed.2&vs=v1~lamport-skew~seed.%ZZ");
        assert_eq!(q.session, Some(Ok(Session::new("lamport-skew", 2))));
        assert!(matches!(q.vs, Some(Err(_))));
        assert_eq!(parse_query("?s=v1~lamport-skew~seed.2").vs, None);
        let source = EmbedSource {
            page_url: "https://d/".into(),
            session: a.clone(),
            vs: Some(b.clone()),
            at: SimTime::ZERO,
            title: "t".into(),
            has_charts: true,
        };
        let snippet = iframe_snippet(&source, &Panel::ALL, EMBED_HEIGHT, false);
        assert!(
            snippet.contains("?embed&s=v1~balance-host-failure~seed.3&vs="),
            "{snippet}"
        );
    }
}
