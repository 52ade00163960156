//! The report's charts as PNG images, for formats that cannot draw SVG (the DOCX): the chart of
//! [`super::svg`] rasterised with `resvg`, at a given width in pixels, on a white background.
//!
//! - The text is drawn in the first serif font found among the system fonts (Times New Roman,
//!   Liberation Serif, Tinos, DejaVu Serif, any other): all of them have the Vietnamese letters.
//!   The fonts are looked up once per process. With no font at all the chart is still drawn,
//!   without its text.
//! - The styles the HTML gives the chart's classes are repeated here (the SVG itself has
//!   none), so the image looks like the HTML's chart.
//! - Deterministic: the same chart on the same machine (the same fonts) gives the same bytes.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg::{self, fontdb};
use xhht_core::Lang;

use crate::doc::Chart;
use crate::error::{Error, Result};

/// The chart classes' styles, as in the HTML (which the SVG relies on), and the text's font.
const STYLE: &str = "text{font-family:serif;font-size:12px;fill:#222}.grid{stroke:#ddd;stroke-width:1}\
.axis{font-size:11px;fill:#444}.value{font-size:10px;fill:#111}\
.series{fill:none;stroke:#1d4ed8;stroke-width:2.5}.path{fill:none;stroke:#9ca3af;stroke-dasharray:5 4;stroke-width:1.5}\
.target{stroke:#dc2626;stroke-width:1.5;stroke-dasharray:2 3}.break{stroke:#7c3aed;stroke-width:1.5;stroke-dasharray:6 3}\
.dot{fill:#1d4ed8}.track{fill:#eef2f7}.bar{fill:#1d4ed8}.legend text{font-size:11px}\
.series-key{fill:#1d4ed8}.path-key{fill:#9ca3af}.target-key{fill:#dc2626}\
.st-ok{fill:#16a34a}.st-late{fill:#f59e0b}.st-missing{fill:#dc2626}.st-pending{fill:#94a3b8}";

/// Serif families with Vietnamese letters, best first (Liberation Serif and Tinos have the
/// metrics of Times New Roman).
const SERIF: [&str; 4] = ["Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif"];
const SANS: [&str; 4] = ["Arial", "Liberation Sans", "Arimo", "DejaVu Sans"];

fn err(message: impl ToString) -> Error {
    Error::Render { format: "png", message: message.to_string() }
}

/// The system fonts, read once; the generic serif and sans-serif families set to the first
/// installed of [`SERIF`] and [`SANS`].
fn fonts() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let installed = |family: &str| db.faces().any(|f| f.families.iter().any(|(name, _)| name == family));
        let serif = SERIF.iter().find(|f| installed(f)).map(|f| (*f).to_owned());
        let sans = SANS.iter().find(|f| installed(f)).map(|f| (*f).to_owned());
        // Any family at all rather than none: a chart whose text is drawn in some font is better
        // than one without text.
        let any = db.faces().next().and_then(|f| f.families.first()).map(|(name, _)| name.clone());
        if let Some(f) = serif.clone().or_else(|| any.clone()) {
            db.set_serif_family(f);
        }
        if let Some(f) = sans.or(serif).or(any) {
            db.set_sans_serif_family(f);
        }
        Arc::new(db)
    })
    .clone()
}

/// A rasterised chart: PNG bytes and the size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png {
    /// The PNG file.
    pub bytes: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// `chart` drawn `width` pixels wide (the height follows the chart's proportions), as PNG.
pub fn chart(chart: &Chart, lang: Lang, width: u32) -> Result<Png> {
    svg(&super::svg::render(chart, lang), width)
}

/// An SVG document rasterised `width` pixels wide, on white, as PNG.
pub fn svg(svg: &str, width: u32) -> Result<Png> {
    draw(svg, width, fonts())
}

fn draw(svg: &str, width: u32, fontdb: Arc<fontdb::Database>) -> Result<Png> {
    let opt = usvg::Options {
        fontdb,
        font_family: "serif".to_owned(),
        languages: vec!["vi".to_owned(), "en".to_owned()],
        style_sheet: Some(STYLE.to_owned()),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(err)?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    if w <= 0.0 || h <= 0.0 || width == 0 || width > 8_000 {
        return Err(err(format!("cannot draw an image {width} px wide from an SVG of {w} × {h}")));
    }
    // Pixels and scale: drawing only, never a figure of the report.
    #[allow(clippy::float_arithmetic, reason = "pixel geometry")]
    let (scale, height) = {
        let scale = f64::from(width) / f64::from(w);
        (scale, (f64::from(h) * scale).round())
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "checked to be in 1..=8000 × ratio")]
    let height = (height.clamp(1.0, 16_000.0)) as u32;
    let mut pixmap = Pixmap::new(width, height).ok_or_else(|| err(format!("no {width} × {height} image")))?;
    pixmap.fill(Color::WHITE);
    #[allow(clippy::cast_possible_truncation, reason = "a scale near 1–10")]
    let s = scale as f32;
    resvg::render(&tree, Transform::from_scale(s, s), &mut pixmap.as_mut());
    let bytes = pixmap.encode_png().map_err(err)?;
    Ok(Png { bytes, width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_svg_is_an_error_not_a_panic() {
        assert!(svg("<not svg", 100).is_err());
        assert!(svg("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>", 0).is_err());
    }

    #[test]
    fn without_fonts_a_chart_is_drawn_without_its_text() {
        let c = Chart::Bars { caption: "Theo địa bàn".into(), bars: vec![("Xã Mỹ Lệ".into(), None)] };
        let svg = super::super::svg::render(&c, Lang::Vi);
        let bare = draw(&svg, 640, Arc::new(fontdb::Database::new())).unwrap();
        assert!(bare.bytes.starts_with(b"\x89PNG") && bare.width == 640);
    }

    #[test]
    fn a_chart_is_a_png_of_the_width_asked() {
        let c = Chart::Status {
            caption: "Tình hình nộp báo cáo".into(),
            parts: vec![("Đúng hạn".into(), 3, "ok"), ("Trễ hạn".into(), 1, "late")],
        };
        let png = chart(&c, Lang::Vi, 800).unwrap();
        assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!((png.width, png.height), (800, 113));
        assert_eq!(chart(&c, Lang::Vi, 800).unwrap(), png, "the same chart gives the same bytes");
    }
}
