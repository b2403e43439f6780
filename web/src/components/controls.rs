//! Playback controls: play, step, scrub, speed, seed, share and embed.

use playground_core::sim::time::SimTime;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::embed::embed_dialog;
use crate::model::{Command, Panel, FOLLOW_MAX_FLIGHTS, ONE_X_RUN_SECONDS, SPEEDS};
use crate::url::{EmbedSource, EMBED_HEIGHT};

/// What the speeds mean, for the speed control's tooltip.
fn speed_meaning(crossing_ms: f64) -> String {
    format!(
        "1× plays the whole run in about {ONE_X_RUN_SECONDS} seconds (at most 100 ms and at \
         least 1 ms of simulated time a second); 2× twice as fast, and so on. Up to 5×, while \
         at most {FOLLOW_MAX_FLIGHTS} messages are in flight, time slows so that each takes at \
         least {:.2} s to cross at 1× in this run (shown as \"following messages\"; shorter in \
         runs with many messages, so that no run crawls); while none is in flight, playing \
         stops at the next message's send rather than jumping past it.",
        crossing_ms / 1_000.0
    )
}

/// What the controls show.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Whether it is playing.
    pub playing: bool,
    /// Whether playing is slowed so that the messages in flight can be followed.
    #[prop_or_default]
    pub following: bool,
    /// How long a message takes at least to cross at 1× in this run, in real ms.
    #[prop_or_default]
    pub crossing_ms: f64,
    /// The instant shown.
    pub time: SimTime,
    /// Steps by that instant.
    pub steps: usize,
    /// Steps in the whole run.
    pub total_steps: usize,
    /// Time of the last step.
    pub end: SimTime,
    /// Index into `SPEEDS`.
    pub speed: usize,
    /// The run's seed.
    pub seed: u64,
    /// The fingerprint of the whole trace, once computed.
    pub fingerprint: Option<u64>,
    /// The full share link.
    pub share_url: AttrValue,
    /// What the Embed dialog's snippet embeds.
    pub embed_source: EmbedSource,
    /// Whether this is the embedded view (no share or embed tools).
    pub embedded: bool,
    /// Whether guided mode is on.
    #[prop_or_default]
    pub guided: bool,
    /// Where commands go.
    pub on: Callback<Command>,
}

/// The control bar.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let show_embed = use_state(|| false);
    let embed_panels = use_state(|| Panel::ALL.to_vec());
    let embed_height = use_state(|| EMBED_HEIGHT);
    let embed_guided = use_state(|| false);
    // None until a copy is tried; then whether the browser let the page write the link.
    let copied = use_state(|| None::<bool>);
    let send = |c: Command| {
        let on = props.on.clone();
        Callback::from(move |_: MouseEvent| on.emit(c.clone()))
    };
    let on_scrub = {
        let on = props.on.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(us) = input.value().parse::<u64>() {
                on.emit(Command::Scrub(SimTime(us)));
            }
        })
    };
    let on_speed = {
        let on = props.on.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                on.emit(Command::SetSpeed(i));
            }
        })
    };
    let on_copy = {
        let url = props.share_url.to_string();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else {
                return;
            };
            // The browser may refuse (no permission, an insecure page): then the link is
            // selected for the person to copy, and the button says so.
            let written = JsFuture::from(window.navigator().clipboard().write_text(&url));
            let copied = copied.clone();
            yew::platform::spawn_local(async move {
                let ok = written.await.is_ok();
                copied.set(Some(ok));
                if !ok {
                    crate::browser::select_text("share-url");
                }
            });
        })
    };
    let toggle_embed = {
        let show_embed = show_embed.clone();
        Callback::from(move |_: MouseEvent| show_embed.set(!*show_embed))
    };
    let play_label = if props.playing {
        "❚❚ Pause"
    } else {
        "▶ Play"
    };
    html! {
        <div class="controls" role="toolbar" aria-label="Playback">
            <div class="row">
                <button data-testid="play" onclick={send(Command::TogglePlay)}
                        aria-pressed={props.playing.to_string()}>{ play_label }</button>
                <button data-testid="step-back" onclick={send(Command::StepBack)}
                        disabled={props.steps == 0}>{ "◀ Step back" }</button>
                <button data-testid="step-forward" onclick={send(Command::StepForward)}
                        disabled={props.steps >= props.total_steps}>{ "Step ▶" }</button>
                <button class="guided" data-testid="guided" aria-pressed={props.guided.to_string()}
                        onclick={send(Command::SetGuided(!props.guided))}
                        title="Guided mode: playing stops at the story's key moments and asks what happens next (G)">
                    { "Guided" }
                </button>
                <label class="speed" title={speed_meaning(props.crossing_ms)}>{ "Speed " }
                    <select data-testid="speed" onchange={on_speed}>
                        { for SPEEDS.iter().enumerate().map(|(i, (_, label))| html! {
                            <option value={i.to_string()} selected={i == props.speed}>{ *label }</option>
                        }) }
                    </select>
                </label>
                if props.following {
                    <span class="following" data-testid="following" title={speed_meaning(props.crossing_ms)}>{ "🐢 following messages" }</span>
                }
                <span class="clock" data-testid="time">
                    { format!("t = {} of {}", props.time, props.end) }
                    <span class="muted">{ format!(" · step {} of {}", props.steps, props.total_steps) }</span>
                </span>
                <span class="spacer"></span>
                <span class="fingerprint muted" data-testid="fingerprint"
                      title="Fingerprint of the whole trace: the same link always gives the same fingerprint">
                    { props.fingerprint.map_or("run …".to_string(), |f| format!("run {f:016x}")) }
                </span>
                <button data-testid="new-seed" onclick={send(Command::NewSeed)}
                        title="Same scenario and actions, other random choices">
                    { format!("↻ New seed (now {})", props.seed) }
                </button>
            </div>
            <input class="scrubber" data-testid="scrubber" type="range" aria-label="Time"
                   aria-valuetext={format!("{} of {}", props.time, props.end)}
                   min="0" max={props.end.as_micros().to_string()} step="1"
                   value={props.time.as_micros().to_string()} oninput={on_scrub} />
            if !props.embedded {
                <div class="row share">
                    <button data-testid="copy-link" onclick={on_copy}>
                        { match *copied {
                            Some(true) => "✓ Link copied",
                            Some(false) => "Copy refused: press Ctrl+C",
                            None => "Copy link",
                        } }
                    </button>
                    <input data-testid="share-url" class="share-url" readonly=true
                           aria-label="Link to this run" value={props.share_url.clone()} />
                    <button data-testid="embed" onclick={toggle_embed}
                            aria-expanded={show_embed.to_string()}>{ "</> Embed" }</button>
                </div>
                if *show_embed {
                    { embed_dialog(&props.embed_source, &embed_panels, &embed_height, &embed_guided) }
                }
            }
        </div>
    }
}
