//! A project's health report as a PDF document (pdf-writer): uptime per check over the period,
//! uptime per check per day, and the incidents, in tables that run over as many A4 pages as they
//! need. Text is set in the PDF's built-in Helvetica (nothing embedded), so it is Windows-1252:
//! other characters print as `?`.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use quantum_kernel::Store;

use crate::report::{incident_rows, uptime_rows, IncidentRow, UptimeRow};
use crate::Result;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");

/// The project's report over the last `days` days, read from the store.
pub async fn pdf_report(store: &Store, project_id: i64, days: i64) -> Result<Vec<u8>> {
    let project = quantum_kernel::projects::get(store, project_id).await?;
    let uptime = uptime_rows(store, project_id, days).await?;
    let incidents = incident_rows(store, project_id, days).await?;
    let now = time::OffsetDateTime::now_utc();
    let generated = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute()
    );
    Ok(render(&project.name, days, &generated, &uptime, &incidents))
}

/// A piece of text at a place on a page.
struct Text {
    x: f32,
    y: f32,
    size: f32,
    bold: bool,
    bytes: Vec<u8>,
}

/// The pages laid out top to bottom, a new one when the next line does not fit.
struct Layout {
    pages: Vec<Vec<Text>>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Vec::new()],
            y: HEIGHT - MARGIN,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = HEIGHT - MARGIN;
    }

    /// Room for a line of `height` points; on a new page when this one is full.
    fn advance(&mut self, height: f32) {
        if self.y - height < MARGIN + 20.0 {
            self.new_page();
        }
        self.y -= height;
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        self.pages.last_mut().expect("a page").push(Text {
            x,
            y,
            size,
            bold,
            bytes: win_ansi(text),
        });
    }

    fn line(&mut self, size: f32, bold: bool, text: &str) {
        self.advance(size * 1.5);
        self.text(MARGIN, size, bold, text);
    }

    /// A table row: each cell cut to its column's width.
    fn row(&mut self, columns: &[(f32, f32)], cells: &[String], bold: bool) {
        self.advance(14.0);
        for ((x, width), cell) in columns.iter().zip(cells) {
            self.text(MARGIN + x, 9.0, bold, &fit(cell, *width, 9.0));
        }
    }

    /// A table: its header again at the top of every page it runs onto.
    fn table(&mut self, columns: &[(f32, f32)], header: &[&str], rows: &[Vec<String>]) {
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        self.row(columns, &header, true);
        for row in rows {
            if self.y - 14.0 < MARGIN + 20.0 {
                self.new_page();
                self.row(columns, &header, true);
            }
            self.row(columns, row, false);
        }
    }
}

/// The text cut to what fits in `width` points at `size` (Helvetica averages half an em).
fn fit(text: &str, width: f32, size: f32) -> String {
    let most = (width / (size * 0.52)).max(1.0) as usize;
    let count = text.chars().count();
    if count <= most {
        return text.to_owned();
    }
    let kept: String = text.chars().take(most.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// Windows-1252, which Helvetica's WinAnsiEncoding reads; `?` for what it has not.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

fn percent(up: i64, runs: i64) -> String {
    if runs == 0 {
        return "-".into();
    }
    format!("{:.2} %", up as f64 * 100.0 / runs as f64)
}

/// The document: the tables as the rows give them.
pub fn render(
    project: &str,
    days: i64,
    generated: &str,
    uptime: &[UptimeRow],
    incidents: &[IncidentRow],
) -> Vec<u8> {
    let mut layout = Layout::new();
    layout.line(18.0, true, &format!("Health report: {project}"));
    layout.line(
        10.0,
        false,
        &format!("The last {days} days, to {generated}. Made by Quantum Admin."),
    );

    layout.advance(10.0);
    layout.line(13.0, true, "Uptime per check");
    let mut checks: Vec<(String, i64, i64)> = Vec::new();
    for row in uptime {
        match checks.iter_mut().find(|(check, _, _)| *check == row.check) {
            Some((_, runs, up)) => {
                *runs += row.runs;
                *up += row.up;
            }
            None => checks.push((row.check.clone(), row.runs, row.up)),
        }
    }
    checks.sort();
    if checks.is_empty() {
        layout.line(10.0, false, "No check ran in this period.");
    } else {
        let rows: Vec<Vec<String>> = checks
            .iter()
            .map(|(check, runs, up)| {
                vec![
                    check.clone(),
                    runs.to_string(),
                    up.to_string(),
                    percent(*up, *runs),
                ]
            })
            .collect();
        layout.table(
            &[(0.0, 230.0), (240.0, 70.0), (320.0, 70.0), (400.0, 90.0)],
            &["Check", "Runs", "Passed", "Uptime"],
            &rows,
        );
    }

    layout.advance(10.0);
    layout.line(13.0, true, "Incidents");
    if incidents.is_empty() {
        layout.line(10.0, false, "No incident in this period.");
    } else {
        let rows: Vec<Vec<String>> = incidents
            .iter()
            .map(|IncidentRow { incident, minutes }| {
                vec![
                    incident.check.clone(),
                    incident.started_at.replace('T', " "),
                    incident
                        .ended_at
                        .as_deref()
                        .map_or_else(|| "still open".to_owned(), |at| at.replace('T', " ")),
                    minutes.to_string(),
                    incident.failing.clone(),
                ]
            })
            .collect();
        layout.table(
            &[
                (0.0, 80.0),
                (85.0, 105.0),
                (195.0, 105.0),
                (305.0, 40.0),
                (350.0, 145.0),
            ],
            &[
                "Check",
                "Started (UTC)",
                "Ended (UTC)",
                "Minutes",
                "Failing",
            ],
            &rows,
        );
    }

    layout.advance(10.0);
    layout.line(13.0, true, "Uptime per day");
    if uptime.is_empty() {
        layout.line(10.0, false, "No check ran in this period.");
    } else {
        let rows: Vec<Vec<String>> = uptime
            .iter()
            .map(|row| {
                vec![
                    row.day.clone(),
                    row.check.clone(),
                    row.runs.to_string(),
                    row.up.to_string(),
                    percent(row.up, row.runs),
                ]
            })
            .collect();
        layout.table(
            &[
                (0.0, 80.0),
                (90.0, 200.0),
                (300.0, 60.0),
                (370.0, 60.0),
                (440.0, 60.0),
            ],
            &["Day", "Check", "Runs", "Passed", "Uptime"],
            &rows,
        );
    }
    write(project, layout.pages)
}

fn write(project: &str, pages: Vec<Vec<Text>>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let count = pages.len();
    let page_ids: Vec<Ref> = (0..count)
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(count as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.document_info(info)
        .title(TextStr(&format!("Health report: {project}")))
        .creator(TextStr("Quantum Admin"));
    for (index, texts) in pages.into_iter().enumerate() {
        let page_id = page_ids[index];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        page.resources()
            .fonts()
            .pair(REGULAR, regular)
            .pair(BOLD, bold);
        page.finish();

        let mut content = Content::new();
        let footer = Text {
            x: MARGIN,
            y: MARGIN - 10.0,
            size: 8.0,
            bold: false,
            bytes: win_ansi(&format!("Page {} of {count}", index + 1)),
        };
        for text in texts.iter().chain(std::iter::once(&footer)) {
            content.begin_text();
            content.set_font(if text.bold { BOLD } else { REGULAR }, text.size);
            content.next_line(text.x, text.y);
            content.show(Str(&text.bytes));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}
