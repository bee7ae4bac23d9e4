//! Where each table's box goes in the schema diagram. Laid out here rather than in the window:
//! dagre took 1.0–1.4 s of JavaScriptCore's time on 500 tables (scripts/erd-bench.mjs), a
//! layered (Sugiyama) layout in Rust takes milliseconds. rust-sugiyama does the layering
//! (Gansner et al.'s network simplex), the crossing reduction and Brandes–Köpf's coordinates;
//! this module turns its top-to-bottom drawing into the diagram's left-to-right one and packs
//! the graph's separate parts (tables without keys among them) into rows.

use std::collections::BTreeSet;

use rust_sugiyama::configure::Config;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{Error, Result};

/// Room between two boxes of one column.
const NODE_GAP: f64 = 40.0;
/// Room between two columns, where the arrows run.
const RANK_GAP: f64 = 110.0;
/// Room between separate parts of the graph.
const PART_GAP: f64 = 80.0;

/// The boxes to place, and the foreign keys between them.
#[derive(Clone, Debug, Deserialize, Type)]
pub struct DiagramGraph {
    pub boxes: Vec<DiagramBox>,
    pub links: Vec<DiagramLink>,
}

/// A table's box, in pixels at zoom 1.
#[derive(Clone, Copy, Debug, Deserialize, Type)]
pub struct DiagramBox {
    pub width: u32,
    pub height: u32,
}

/// A foreign key: from the box of the table that holds it to the box of the table it references
/// (indexes into `boxes`).
#[derive(Clone, Copy, Debug, Deserialize, Type)]
pub struct DiagramLink {
    pub source: u32,
    pub target: u32,
}

/// A box's top-left corner, in pixels at zoom 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Type)]
pub struct DiagramPoint {
    pub x: i32,
    pub y: i32,
}

/// One point per box, in `boxes`' order: columns left to right, a table to the left of those it
/// references, its boxes' tops at 0 or below. Blocking (milliseconds at 500 tables).
pub fn layout(graph: &DiagramGraph) -> Result<Vec<DiagramPoint>> {
    let count = graph.boxes.len();
    if let Some(bad) = graph.boxes.iter().find(|b| b.width == 0 || b.height == 0) {
        return Err(Error::Unsupported(format!(
            "A diagram box must have a positive size, not {} × {}.",
            bad.width, bad.height
        )));
    }
    if let Some(bad) = graph
        .links
        .iter()
        .find(|l| l.source as usize >= count || l.target as usize >= count)
    {
        return Err(Error::Unsupported(format!(
            "A diagram link joins box {} to box {}, but there are {count} boxes.",
            bad.source, bad.target
        )));
    }
    // One edge per pair, none from a box to itself: the layout places boxes, the window draws
    // every key.
    let edges: Vec<(u32, u32)> = graph
        .links
        .iter()
        .filter(|l| l.source != l.target)
        .map(|l| (l.source, l.target))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // Drawn top to bottom, then turned: a box's width runs along the layers, its height across.
    let vertices: Vec<(u32, (f64, f64))> = graph
        .boxes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                i as u32,
                (
                    f64::from(b.height) + NODE_GAP,
                    f64::from(b.width) + RANK_GAP,
                ),
            )
        })
        .collect();
    let config = Config {
        vertex_spacing: 0.0,
        ..Config::default()
    };
    let parts: Vec<Part> = rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config)
        .into_iter()
        .map(|(centres, _, _)| Part::new(&graph.boxes, centres))
        .collect();
    Ok(pack(count, parts))
}

/// One connected part of the graph, turned left to right, its boxes' corners relative to its
/// own top-left corner.
struct Part {
    corners: Vec<(usize, f64, f64)>,
    width: f64,
    height: f64,
}

impl Part {
    fn new(boxes: &[DiagramBox], centres: Vec<(usize, (f64, f64))>) -> Self {
        // Top to bottom becomes left to right: the layer coordinate is x.
        let corners: Vec<(usize, f64, f64)> = centres
            .into_iter()
            .map(|(i, (across, along))| {
                (
                    i,
                    along - f64::from(boxes[i].width) / 2.0,
                    across - f64::from(boxes[i].height) / 2.0,
                )
            })
            .collect();
        let left = corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
        let top = corners.iter().map(|c| c.2).fold(f64::INFINITY, f64::min);
        let (mut width, mut height) = (0.0_f64, 0.0_f64);
        let corners = corners
            .into_iter()
            .map(|(i, x, y)| {
                let (x, y) = (x - left, y - top);
                width = width.max(x + f64::from(boxes[i].width));
                height = height.max(y + f64::from(boxes[i].height));
                (i, x, y)
            })
            .collect();
        Self {
            corners,
            width,
            height,
        }
    }
}

/// The parts in rows, largest first, each row as wide as the widest part or the square root of
/// their whole area, whichever is more: a schema of one big tangle and forty lone tables shows
/// the tangle on top and the lone tables as a grid under it, not as one long column.
fn pack(count: usize, mut parts: Vec<Part>) -> Vec<DiagramPoint> {
    parts.sort_by(|a, b| {
        b.corners
            .len()
            .cmp(&a.corners.len())
            .then(b.height.total_cmp(&a.height))
            .then(a.corners[0].0.cmp(&b.corners[0].0))
    });
    let area: f64 = parts
        .iter()
        .map(|p| (p.width + PART_GAP) * (p.height + PART_GAP))
        .sum();
    let widest = parts.iter().map(|p| p.width).fold(0.0, f64::max);
    let row_width = widest.max(area.sqrt());
    let mut points = vec![DiagramPoint { x: 0, y: 0 }; count];
    let (mut x, mut y, mut row_height) = (0.0, 0.0, 0.0_f64);
    for part in parts {
        if x > 0.0 && x + part.width > row_width {
            (x, y) = (0.0, y + row_height + PART_GAP);
            row_height = 0.0;
        }
        for (i, dx, dy) in &part.corners {
            // Whole pixels: a box a fraction off another draws the same.
            points[*i] = DiagramPoint {
                x: (x + dx).round() as i32,
                y: (y + dy).round() as i32,
            };
        }
        x += part.width + PART_GAP;
        row_height = row_height.max(part.height);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(boxes: usize, links: &[(u32, u32)]) -> DiagramGraph {
        DiagramGraph {
            // Heights vary as tables' column counts do.
            boxes: (0..boxes)
                .map(|i| DiagramBox {
                    width: 240,
                    height: 42 + 22 * (1 + i as u32 % 12),
                })
                .collect(),
            links: links
                .iter()
                .map(|&(source, target)| DiagramLink { source, target })
                .collect(),
        }
    }

    fn assert_apart(graph: &DiagramGraph, points: &[DiagramPoint]) {
        for i in 0..points.len() {
            for j in i + 1..points.len() {
                let (a, b) = (points[i], points[j]);
                let (sa, sb) = (graph.boxes[i], graph.boxes[j]);
                let (wa, ha, wb, hb) = (
                    sa.width as i32,
                    sa.height as i32,
                    sb.width as i32,
                    sb.height as i32,
                );
                let apart =
                    a.x + wa <= b.x || b.x + wb <= a.x || a.y + ha <= b.y || b.y + hb <= a.y;
                assert!(apart, "boxes {i} {a:?} and {j} {b:?} overlap");
            }
        }
    }

    /// The inspect bench's schema: each table references the one before, tables 1..=101 also
    /// the one at half their number.
    fn bench_schema(tables: u32) -> DiagramGraph {
        let mut links: Vec<(u32, u32)> = (1..tables).map(|i| (i, i - 1)).collect();
        links.extend((1..=101.min(tables - 1)).map(|i| (i, i / 2)));
        graph(tables as usize, &links)
    }

    #[test]
    fn a_table_sits_left_of_those_it_references_and_no_boxes_overlap() {
        // order_items → orders → customers, order_items → products, a lone table.
        let shop = graph(5, &[(0, 1), (1, 2), (0, 3)]);
        let points = layout(&shop).expect("layout");
        let gap = 240 + RANK_GAP as i32;
        assert!(points[0].x + gap <= points[1].x);
        assert!(points[1].x + gap <= points[2].x);
        assert!(points[0].x < points[3].x);
        assert_apart(&shop, &points);
        assert!(points.iter().all(|p| p.x >= 0 && p.y >= 0));
    }

    #[test]
    fn five_hundred_tables_are_placed_apart_and_the_same_each_time() {
        let schema = bench_schema(500);
        let points = layout(&schema).expect("layout");
        assert_apart(&schema, &points);
        for i in 1..500 {
            assert!(points[i].x < points[i - 1].x, "table {i} left of {}", i - 1);
        }
        assert_eq!(layout(&schema).expect("again"), points);
    }

    #[test]
    fn cycles_self_references_and_repeated_keys_are_placed() {
        // Two tables referencing each other, one referencing itself, two keys between one pair.
        let tangled = graph(4, &[(0, 1), (1, 0), (2, 2), (3, 1), (3, 1)]);
        let points = layout(&tangled).expect("layout");
        assert_eq!(points.len(), 4);
        assert_apart(&tangled, &points);
    }

    #[test]
    fn lone_tables_are_packed_in_rows_under_the_largest_part() {
        let mut links: Vec<(u32, u32)> = (1..20).map(|i| (i, i - 1)).collect();
        links.push((20, 0));
        let schema = graph(60, &links);
        let points = layout(&schema).expect("layout");
        assert_apart(&schema, &points);
        let chain_bottom = (0..21)
            .map(|i| points[i].y + schema.boxes[i].height as i32)
            .max()
            .expect("a chain");
        let lone: Vec<_> = points[21..].to_vec();
        assert!(lone.iter().all(|p| p.y > chain_bottom), "under the chain");
        let rows: BTreeSet<i32> = lone.iter().map(|p| p.y).collect();
        assert!(
            rows.len() > 1 && rows.len() < 39,
            "a grid: {} rows",
            rows.len()
        );
    }

    #[test]
    fn a_link_to_a_box_that_is_not_there_is_refused() {
        let error = layout(&graph(2, &[(0, 2)])).expect_err("refused");
        assert_eq!(
            error.to_string(),
            "A diagram link joins box 0 to box 2, but there are 2 boxes."
        );
        let mut flat = graph(1, &[]);
        flat.boxes[0].height = 0;
        assert!(layout(&flat).is_err());
        assert!(layout(&graph(0, &[])).expect("empty").is_empty());
    }
}
