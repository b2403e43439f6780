//! The pattern's tables for the instant shown (for the Lamport clock: each server's store
//! and the replay order), drawn as the core gives them, marks and all; a table in the
//! timeline format is drawn as a timeline chart.

use std::rc::Rc;

use playground_core::sim::snapshot::{Mark, MarkKind, Table};
use playground_core::sim::time::SimTime;
use yew::prelude::*;

use super::lineage::{is_lineage, Lineage};
use super::timeline::{is_timeline, Timeline};
use crate::model::Command;

/// What the tables panel shows.
#[derive(Properties, PartialEq)]
pub struct TablesProps {
    /// The tables, in the pattern's order; the panel is absent when there are none.
    pub tables: Rc<Vec<Table>>,
    /// The end of the explored run (a timeline's axis).
    pub end: SimTime,
    /// The instant shown.
    pub cursor: SimTime,
    /// Where commands go (a timeline seeks).
    pub on: Callback<Command>,
}

/// A mark's symbol, class and word: the word keeps it readable without color.
fn look(kind: MarkKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        MarkKind::Breaks => ("✗", "breaks", "breaks the guarantee"),
        MarkKind::Contrast => ("⚠", "contrast", "naive order goes wrong"),
        MarkKind::Differs => ("↕", "differs", "elsewhere by wall clock"),
    }
}

fn mark_item(mark: &Mark) -> Html {
    let (symbol, class, word) = look(mark.kind);
    html! {
        <li class={classes!("mark", class)} data-testid={format!("mark-{class}")}>
            <span class="symbol" aria-hidden="true">{ symbol }</span>
            <span class="word">{ format!("{word}: ") }</span>{ &mark.text }
        </li>
    }
}

fn table_view(table: &Table) -> Html {
    let width = table.columns.len().max(1);
    let rows = table.rows.iter().map(|row| {
        let worst = row.marks.iter().map(|m| m.kind).min();
        let class = classes!(worst.map(|k| look(k).1));
        let symbol = worst.map_or("", |k| look(k).0);
        // A difference of order gets a symbol (its text on hover); the rest get a line.
        let spelled: Vec<&Mark> = row
            .marks
            .iter()
            .filter(|m| m.kind != MarkKind::Differs)
            .collect();
        let hover = row
            .marks
            .iter()
            .map(|m| m.text.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let hover = (!hover.is_empty()).then_some(hover);
        html! {
            <>
                <tr class={class.clone()} data-testid="table-row">
                    <td class="flag" title={hover.clone()} aria-label={hover}>{ symbol }</td>
                    { for row.cells.iter().map(|c| html! { <td>{ c }</td> }) }
                </tr>
                if !spelled.is_empty() {
                    <tr class={classes!("marks", class)}>
                        <td></td>
                        <td colspan={width.to_string()}>
                            <ul>{ for spelled.into_iter().map(mark_item) }</ul>
                        </td>
                    </tr>
                }
            </>
        }
    });
    html! {
        <figure class="pattern-table" data-testid="pattern-table">
            <figcaption>
                <h3>{ &table.title }</h3>
                <p class="hint">{ &table.caption }</p>
            </figcaption>
            if !table.rows.is_empty() {
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th aria-label="mark"></th>
                            { for table.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            }
        </figure>
    }
}

/// The pattern's tables at the cursor.
#[component]
pub fn PatternTables(props: &TablesProps) -> Html {
    if props.tables.is_empty() {
        return html! {};
    }
    let (drawn, plain): (Vec<&Table>, Vec<&Table>) = props
        .tables
        .iter()
        .partition(|t| is_timeline(t) || is_lineage(t));
    let timelines = drawn.into_iter().map(|t| {
        if is_lineage(t) {
            html! { <Lineage table={t.clone()} /> }
        } else {
            html! { <Timeline table={t.clone()} end={props.end} cursor={props.cursor} on={props.on.clone()} /> }
        }
    });
    let has_plain = !plain.is_empty();
    html! {
        <section class="panel tables" data-testid="pattern-tables">
            <h2>{ "At this instant" }</h2>
            <>{ for timelines }</>
            <>{ for plain.into_iter().map(table_view) }</>
            if has_plain {
                <p class="hint legend">
                    { "✗ breaks the pattern's guarantee · ⚠ where the naive order (wall clock) goes wrong · ↕ elsewhere in wall-clock order (hover for where)" }
                </p>
            }
        </section>
    }
}
