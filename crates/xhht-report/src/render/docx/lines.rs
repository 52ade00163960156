//! Names and titles broken into lines as a clerk breaks them by hand: as few lines as fit, as
//! even as can be, and never inside a word of two syllables ("XÂY DỰNG", "GIÁO DỤC"), inside a
//! place name ("HUYỆN CẦN ĐƯỚC"), or after a connector ("VÀ", "CỦA", "FOR") when another break
//! fits.

use super::{Look, text_width};

/// Two-syllable words of the issuers', their parents' and the titles' vocabulary, in upper
/// case: a line breaks inside one only when no other break fits.
const WORDS: &[&str] = &[
    "BAN CHỈ",
    "CHỈ ĐẠO",
    "BAN CHẤP",
    "CHẤP HÀNH",
    "XÂY DỰNG",
    "XÃ HỘI",
    "HỌC TẬP",
    "SUỐT ĐỜI",
    "ĐẨY MẠNH",
    "GIÁO DỤC",
    "ĐÀO TẠO",
    "NHÂN DÂN",
    "ỦY BAN",
    "UỶ BAN",
    "KHUYẾN HỌC",
    "KHUYẾN TÀI",
    "THI ĐUA",
    "KHEN THƯỞNG",
    "PHONG TRÀO",
    "KẾT QUẢ",
    "THỰC HIỆN",
    "GIAI ĐOẠN",
    "SƠ KẾT",
    "TỔNG KẾT",
    "BÁO CÁO",
    "CÔNG DÂN",
    "GIA ĐÌNH",
    "DÒNG HỌ",
    "CỘNG ĐỒNG",
    "ĐƠN VỊ",
    "VĂN HÓA",
    "VĂN HOÁ",
    "THỂ THAO",
    "DU LỊCH",
    "NỘI VỤ",
    "LAO ĐỘNG",
    "THƯƠNG BINH",
    "HỘI ĐỒNG",
    "THÔNG TIN",
    "TRUYỀN THÔNG",
    "TÀI CHÍNH",
    "KẾ HOẠCH",
    "ĐẦU TƯ",
    "MẶT TRẬN",
    "TỔ QUỐC",
    "VIỆT NAM",
    "CỘNG HÒA",
    "CỘNG HOÀ",
    "CHỦ NGHĨA",
    "PHỤ NỮ",
    "THANH NIÊN",
    "NÔNG DÂN",
    "LIÊN ĐOÀN",
    "CÔNG ĐOÀN",
    "CHIẾN BINH",
    "HỌC SINH",
    "SINH VIÊN",
    "MỤC TIÊU",
    "NHIỆM VỤ",
    "PEOPLE'S COMMITTEE",
    "STEERING COMMITTEE",
    "LEARNING SOCIETY",
    "LIFELONG LEARNING",
];

/// Words a line should not end with: the word after belongs to them.
const CONNECTORS: &[&str] = &[
    "VÀ", "CỦA", "VỀ", "CHO", "VỚI", "TRONG", "TẠI", "THEO", "CÁC", "NHỮNG", "TRÊN", "AND", "OF", "FOR", "THE", "A",
    "AN", "ON", "IN", "TO", "AT",
];

/// Administrative tiers: the two words after one are a place name.
const TIERS: &[&str] = &["TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG", "THỊ TRẤN", "THỊ XÃ", "THÀNH PHỐ"];

/// The cost of a break inside a word or a name, after a connector, between a tier and its
/// place, at any other space, and after a comma; in twips, added to the widest line.
const INSIDE: usize = 4_800;
const DANGLING: usize = 2_400;
const TIER: usize = 1_200;
const PLAIN: usize = 240;
const BEFORE_CONNECTOR: usize = 120;

fn bare(w: &str) -> String {
    w.trim_end_matches([',', ';', ':', '.']).to_uppercase()
}

fn is_word(a: &str, b: &str) -> bool {
    WORDS.contains(&format!("{a} {b}").as_str())
}

/// Per gap between two words (after word `i`): what a line break there costs.
fn gap_costs(words: &[&str]) -> Vec<usize> {
    let up: Vec<String> = words.iter().map(|w| bare(w)).collect();
    let n = words.len().saturating_sub(1);
    let mut cost: Vec<usize> = (0..n)
        .map(|i| {
            let (a, b) = (&up[i], &up[i + 1]);
            if words[i].ends_with([',', ';']) {
                0
            } else if is_word(a, b) {
                INSIDE
            } else if CONNECTORS.contains(&a.as_str()) {
                DANGLING
            } else if CONNECTORS.contains(&b.as_str()) {
                BEFORE_CONNECTOR
            } else {
                PLAIN
            }
        })
        .collect();
    // A tier of one or two words, then its place name of two.
    for i in 0..up.len() {
        let one = TIERS.contains(&up[i].as_str()) && !up.get(i + 1).is_some_and(|b| is_word(&up[i], b));
        let two = up.get(i + 1).is_some_and(|b| TIERS.contains(&format!("{} {b}", up[i]).as_str()));
        let name = if two {
            i + 2
        } else if one {
            i + 1
        } else {
            continue;
        };
        if let Some(c) = cost.get_mut(name - 1) {
            *c = (*c).max(TIER);
        }
        if name + 1 < up.len()
            && let Some(c) = cost.get_mut(name)
        {
            *c = (*c).max(INSIDE);
        }
    }
    cost
}

/// A search for the best places to break a text of known word widths.
struct Search<'a> {
    widths: &'a [usize],
    space: usize,
    gaps: &'a [usize],
    width: usize,
}

/// The cost of a split (the widest line plus the breaks' costs) and where its lines start.
type Split = (usize, Vec<usize>);

impl Search<'_> {
    fn line_width(&self, from: usize, to: usize) -> usize {
        self.widths.get(from..to).map_or(0, |w| w.iter().sum::<usize>()) + self.space * to.saturating_sub(from + 1)
    }

    /// The cheapest split of the words from `from` into `left` lines, each at most `width`;
    /// ties go to the first found (the longer first lines).
    fn walk(
        &self,
        from: usize,
        left: usize,
        widest: usize,
        paid: usize,
        starts: &mut Vec<usize>,
        best: &mut Option<Split>,
    ) {
        let k = self.widths.len();
        if left <= 1 {
            let w = self.line_width(from, k);
            let cost = widest.max(w) + paid;
            if w <= self.width && best.as_ref().is_none_or(|(c, _)| cost < *c) {
                *best = Some((cost, starts.clone()));
            }
            return;
        }
        // Longer lines first.
        for to in (from + 1..=k.saturating_sub(left - 1)).rev() {
            let w = self.line_width(from, to);
            if w > self.width {
                continue;
            }
            starts.push(to);
            let gap = self.gaps.get(to - 1).copied().unwrap_or(0);
            self.walk(to, left - 1, widest.max(w), paid + gap, starts, best);
            starts.pop();
        }
    }

    /// The best split into `lines` lines, if one fits.
    fn best(&self, lines: usize) -> Option<Split> {
        let mut best = None;
        self.walk(0, lines, 0, 0, &mut vec![0], &mut best);
        best
    }
}

/// Splits `text` into as few lines as fit in `width` twips (one more if that spares a break
/// inside a word), as even as possible, breaking where a clerk would (see the module's docs).
/// A word wider than `width` gets a line of its own.
pub(super) fn balanced_lines(text: &str, lk: Look, width: usize) -> Vec<String> {
    /// Past this many words the text is not a name or a title: filled line by line.
    const MOST: usize = 40;
    let words: Vec<&str> = text.split_whitespace().collect();
    let widths: Vec<usize> = words.iter().map(|w| text_width(w, lk)).collect();
    let space = text_width(" ", lk);
    // The greedy fill: the fewest lines.
    let mut greedy: Vec<Vec<&str>> = Vec::new();
    let mut used = 0;
    for (w, &ww) in words.iter().zip(&widths) {
        match greedy.last_mut() {
            Some(line) if used + space + ww <= width => {
                line.push(w);
                used += space + ww;
            }
            _ => {
                greedy.push(vec![w]);
                used = ww;
            }
        }
    }
    let join = |ws: &[&str]| ws.join(" ");
    let n = greedy.len();
    if n <= 1 || words.len() > MOST || widths.iter().any(|w| *w > width) {
        return greedy.iter().map(|l| join(l)).collect();
    }
    let gaps = gap_costs(&words);
    let search = Search { widths: &widths, space, gaps: &gaps, width };
    let fewest = search.best(n);
    // One more line only to spare a break inside a word.
    let more = search.best(n + 1).map(|(c, s)| (c + INSIDE, s));
    let chosen = match (fewest, more) {
        (Some(a), Some(b)) if b.0 < a.0 => Some(b),
        (a, b) => a.or(b),
    };
    let Some((_, starts)) = chosen else { return greedy.iter().map(|l| join(l)).collect() };
    let mut ends: Vec<usize> = starts.iter().skip(1).copied().collect();
    ends.push(words.len());
    starts.iter().zip(ends).map(|(&a, b)| join(&words[a..b])).collect()
}

/// `line` with the spaces inside its two-syllable words and place names made non-breaking, so
/// that a word processor whose font is wider than estimated wraps it between words, never
/// inside one.
pub(super) fn bind(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let gaps = gap_costs(&words);
    let mut out = String::with_capacity(line.len() + 8);
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let inside = gaps.get(i - 1).is_some_and(|c| *c >= DANGLING);
            out.push(if inside { '\u{a0}' } else { ' ' });
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::look;
    use super::*;

    fn issuer(text: &str) -> Vec<String> {
        balanced_lines(text, look(26).bold(), super::super::HEAD_LEFT - 400)
    }

    #[test]
    fn issuers_break_between_words() {
        assert_eq!(issuer("BAN CHỈ ĐẠO XÂY DỰNG XÃ HỘI HỌC TẬP"), ["BAN CHỈ ĐẠO XÂY DỰNG", "XÃ HỘI HỌC TẬP"]);
        assert_eq!(issuer("SỞ GIÁO DỤC VÀ ĐÀO TẠO"), ["SỞ GIÁO DỤC VÀ ĐÀO TẠO"]);
        let parent = |t: &str| balanced_lines(t, look(26), super::super::HEAD_LEFT - 400);
        assert_eq!(parent("UBND TỈNH TÂY NINH"), ["UBND TỈNH TÂY NINH"]);
        assert_eq!(parent("UBND HUYỆN CẦN ĐƯỚC"), ["UBND HUYỆN CẦN ĐƯỚC"]);
        // Narrower: where it must break, it breaks before "VÀ", not inside "ĐÀO TẠO".
        assert_eq!(balanced_lines("SỞ GIÁO DỤC VÀ ĐÀO TẠO", look(26).bold(), 3_000), ["SỞ GIÁO DỤC", "VÀ ĐÀO TẠO"]);
        assert_eq!(
            balanced_lines("ỦY BAN NHÂN DÂN HUYỆN CẦN ĐƯỚC", look(26), 3_000),
            ["ỦY BAN NHÂN DÂN", "HUYỆN CẦN ĐƯỚC"]
        );
        for lines in [
            issuer("STEERING COMMITTEE FOR BUILDING A LEARNING SOCIETY"),
            issuer("DEPARTMENT OF EDUCATION AND TRAINING"),
        ] {
            assert!(lines.len() <= 3, "{lines:?}");
            assert!(
                lines.iter().all(|l| !["FOR", "A", "OF", "AND"].iter().any(|c| l.ends_with(&format!(" {c}")))),
                "{lines:?}"
            );
        }
    }

    #[test]
    fn long_titles_are_balanced() {
        let title = "KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA XÂY DỰNG XÃ HỘI HỌC TẬP, ĐẨY MẠNH HỌC TẬP SUỐT ĐỜI NĂM 2026";
        let lines = balanced_lines(title, look(28).bold(), super::super::TEXT_W - 600);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines.join(" "), title);
        assert!(lines[0].ends_with("HỌC TẬP,") || lines[0].ends_with("XÂY DỰNG"), "{lines:?}");
    }

    #[test]
    fn words_are_bound_within_a_line() {
        assert_eq!(bind("SỞ GIÁO DỤC VÀ ĐÀO TẠO"), "SỞ GIÁO\u{a0}DỤC VÀ\u{a0}ĐÀO\u{a0}TẠO");
        assert_eq!(bind("UBND HUYỆN CẦN ĐƯỚC"), "UBND HUYỆN CẦN\u{a0}ĐƯỚC");
        assert_eq!(balanced_lines("", look(26), 3_000), Vec::<String>::new());
        assert_eq!(balanced_lines("MỘT", look(26), 10), ["MỘT"]);
    }
}
