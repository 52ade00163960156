//! The report's data tables in the DOCX: columns sized to their content (measured in the
//! font's widths, so headers and numbers do not break mid-word), long texts wrapped into
//! balanced lines, header rows repeated on every page.

use super::*;

fn numeric(c: &Cell) -> bool {
    matches!(c, Cell::Int(_) | Cell::Dec(_) | Cell::Pct(_) | Cell::Year(_) | Cell::Date(_))
}

/// A table cell as the width finder sees it: the estimated widths of its words.
#[derive(Debug)]
struct Measured {
    words: Vec<usize>,
    space: usize,
}

impl Measured {
    fn new(text: &str, lk: Look) -> Self {
        // Words a little wider than estimated, so that an estimate a bit short breaks nothing.
        let words = text.split_whitespace().map(|w| text_width(w, lk) * 108 / 100).collect();
        Self { words, space: text_width(" ", lk) }
    }

    /// Lines taken in a column `avail` twips wide (wrapping at spaces, as a word processor
    /// does), and whether a word has to be broken.
    fn lines(&self, avail: usize) -> (usize, bool) {
        let avail = avail.max(1);
        let (mut lines, mut used, mut broken) = (1usize, 0usize, false);
        for &w in &self.words {
            if used > 0 && used + self.space + w <= avail {
                used += self.space + w;
                continue;
            }
            if used > 0 {
                lines += 1;
            }
            if w > avail {
                broken = true;
                lines += (w - 1) / avail;
                used = w % avail;
            } else {
                used = w;
            }
        }
        (lines, broken)
    }
}

/// Per row of a column: the lines it takes, and the cost of the words it breaks.
type ColumnLines = Vec<(usize, usize)>;

/// Column widths from the contents, chosen to make the table as short as it can be without
/// breaking words. The cost of a layout is the lines of the table plus three for every word
/// broken across lines in a cell (eight in the header row), with the lines found by wrapping
/// the estimated word widths (see [`text_width`]). Starting with each column as wide as its
/// longest word (all narrowed alike if those do not fit together), each step widens the column that
/// saves the most per twip until nothing is saved; the rest of the width goes to
/// the columns with the most text; then width moves from one column to another while that
/// lowers the cost.
fn column_widths(t: &DocTable, lang: Lang) -> Vec<usize> {
    /// Cell margins (2 × 108 twips) and a little slack.
    const PAD: usize = 240;
    /// The narrowest a column gets.
    const FLOOR: usize = PAD + 360;
    /// Rows looked at: enough to know the columns, cheap for a long list.
    const SAMPLE: usize = 150;
    /// The most width moves tried after the first fill.
    const MOVES: usize = 40;
    let n = t.labels.len().max(1);
    let floor = FLOOR.min(TEXT_W / n);
    let mut rows: Vec<Vec<Measured>> = vec![t.labels.iter().map(|x| Measured::new(x, look(TABLE).bold())).collect()];
    rows.extend(
        t.rows.iter().take(SAMPLE).map(|r| r.iter().map(|c| Measured::new(&c.show(lang), look(TABLE))).collect()),
    );
    // Per column and row: (lines, cost of broken words) at a width.
    let column = |c: usize, width: usize| -> ColumnLines {
        rows.iter()
            .enumerate()
            .map(|(i, r)| {
                r.get(c).map_or((1, 0), |m| {
                    let (lines, broken) = m.lines(width.saturating_sub(PAD));
                    (lines, if broken { if i == 0 { 8 } else { 3 } } else { 0 })
                })
            })
            .collect()
    };
    let cost = |cols: &[ColumnLines]| -> usize {
        (0..rows.len())
            .map(|r| {
                let tallest = cols.iter().filter_map(|c| c.get(r)).map(|x| x.0).max().unwrap_or(1);
                tallest + cols.iter().filter_map(|c| c.get(r)).map(|x| x.1).sum::<usize>()
            })
            .sum()
    };
    // Start with every column as wide as its longest word, if those fit together; else narrow.
    let mut widths: Vec<usize> = (0..n)
        .map(|c| {
            let word = rows.iter().filter_map(|r| r.get(c)).flat_map(|m| m.words.iter().copied()).max();
            (word.unwrap_or(0) + PAD).max(floor)
        })
        .collect();
    let sum: usize = widths.iter().sum();
    if sum > TEXT_W {
        widths = widths.iter().map(|w| (w * TEXT_W / sum).max(floor)).collect();
        while widths.iter().sum::<usize>() > TEXT_W {
            let Some(w) = widths.iter_mut().max() else { break };
            *w -= 60;
        }
    }
    let mut cols: Vec<ColumnLines> = (0..n).map(|c| column(c, widths.get(c).copied().unwrap_or(floor))).collect();
    let mut now = cost(&cols);
    // Grow.
    loop {
        let left = TEXT_W.saturating_sub(widths.iter().sum());
        let mut best: Option<(usize, usize, usize, ColumnLines)> = None; // (column, step, saved, lines)
        for c in 0..n {
            for step in [120, 480, 1_920] {
                if step > left {
                    break;
                }
                let Some(w) = widths.get(c) else { continue };
                let col = column(c, w + step);
                let mut trial = cols.clone();
                if let Some(x) = trial.get_mut(c) {
                    *x = col.clone();
                }
                let saved = now.saturating_sub(cost(&trial));
                // Best saving per twip: saved / step, compared without division.
                if saved > 0 && best.as_ref().is_none_or(|(_, bs, bsaved, _)| saved * bs > bsaved * step) {
                    best = Some((c, step, saved, col));
                }
            }
        }
        let Some((c, step, saved, col)) = best else { break };
        if let (Some(w), Some(x)) = (widths.get_mut(c), cols.get_mut(c)) {
            *w += step;
            *x = col;
        }
        now -= saved;
    }
    // Fill: what is left goes to the columns in proportion to their longest text.
    let left = TEXT_W.saturating_sub(widths.iter().sum());
    let want: Vec<usize> = (0..n)
        .map(|c| {
            let longest = rows.iter().filter_map(|r| r.get(c)).map(|m| m.words.iter().sum::<usize>()).max();
            longest.unwrap_or(0).min(6_000) + 1
        })
        .collect();
    let total: usize = want.iter().sum();
    for (w, x) in widths.iter_mut().zip(&want) {
        *w += left * x / total.max(1);
    }
    let used: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += TEXT_W.saturating_sub(used);
    }
    // Move width between columns while that lowers the cost.
    cols = (0..n).map(|c| column(c, widths.get(c).copied().unwrap_or(floor))).collect();
    now = cost(&cols);
    for _ in 0..MOVES {
        let mut best: Option<(usize, usize, usize, usize)> = None; // (from, to, step, cost)
        for from in 0..n {
            for to in (0..n).filter(|t| *t != from) {
                for step in [120, 480, 1_200] {
                    let (Some(&a), Some(&b)) = (widths.get(from), widths.get(to)) else { continue };
                    if a < floor + step {
                        break;
                    }
                    let mut trial = cols.clone();
                    if let Some(x) = trial.get_mut(to) {
                        *x = column(to, b + step);
                    }
                    if let Some(x) = trial.get_mut(from) {
                        *x = column(from, a - step);
                    }
                    let c = cost(&trial);
                    if c < now && best.is_none_or(|b| c < b.3) {
                        best = Some((from, to, step, c));
                    }
                }
            }
        }
        let Some((from, to, step, c)) = best else { break };
        if let Some(w) = widths.get_mut(from) {
            *w -= step;
        }
        if let Some(w) = widths.get_mut(to) {
            *w += step;
        }
        for k in [from, to] {
            if let (Some(x), Some(w)) = (cols.get_mut(k), widths.get(k)) {
                *x = column(k, *w);
            }
        }
        now = c;
    }
    widths
}

/// A centred paragraph of `lines`, joined by line breaks.
pub(super) fn lines_para(lines: &[String], lk: Look) -> Paragraph {
    let mut p = Paragraph::new().align(AlignmentType::Center).fonts(fonts()).size(lk.size).line_spacing(spacing(0, 0));
    for (i, line) in lines.iter().enumerate() {
        let mut r = run(line, lk);
        if i + 1 < lines.len() {
            r = r.add_break(BreakType::TextWrapping);
        }
        p = p.add_run(r);
    }
    p
}

fn table_borders() -> TableBorders {
    let mut b = TableBorders::new();
    for pos in [
        TableBorderPosition::Top,
        TableBorderPosition::Bottom,
        TableBorderPosition::Left,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        b = b.set(TableBorder::new(pos).border_type(BorderType::Single).size(4).color("000000"));
    }
    b
}

pub(super) fn data_table(t: &DocTable, lang: Lang) -> Table {
    let widths = column_widths(t, lang);
    let cell_para = |text: &str, lk: Look, align| para(text, lk, align).line_spacing(spacing(20, 20));
    let header = TableRow::new(
        t.labels
            .iter()
            .zip(&widths)
            .map(|(label, w)| {
                cell(*w).vertical_align(VAlignType::Center).add_paragraph(cell_para(
                    label,
                    look(TABLE).bold(),
                    AlignmentType::Center,
                ))
            })
            .collect(),
    )
    .cant_split()
    .row_height(1.0)
    .height_rule(HeightRule::AtLeast);
    let mut rows = vec![header];
    if t.rows.is_empty() {
        rows.push(TableRow::new(vec![cell(TEXT_W).grid_span(widths.len()).add_paragraph(cell_para(
            l(lang, "(không có)", "(none)"),
            look(TABLE).italic(),
            AlignmentType::Center,
        ))]));
    }
    for r in &t.rows {
        rows.push(
            TableRow::new(
                r.iter()
                    .zip(&widths)
                    .map(|(c, w)| {
                        let align = if numeric(c) { AlignmentType::Center } else { AlignmentType::Left };
                        cell(*w).add_paragraph(cell_para(&c.show(lang), look(TABLE), align))
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(rows)
        .set_grid(widths)
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .set_borders(table_borders())
}
