//! `cargo xtask bench --peers`: xhht against the best peer tools on the same files, in the same
//! run, the way a user runs them (whole processes, real files).
//!
//! - `xhht score --format json` of a **synthetic** 1,000,000-row "Công dân học tập" file (10
//!   indicators in tenths; generated once under `target/peers/`, a fixed pseudo-random sequence,
//!   no real person) against DuckDB's `read_csv` + `COPY … TO … (FORMAT json)` of the same file
//!   with the same rule (total ≥ 80 and every indicator ≥ 5). DuckDB comes from PyPI, into a
//!   virtual environment under `target/peers/venv` that this task makes; its time includes
//!   starting Python and importing DuckDB (about 0.1 s here), as a user running it pays.
//!   Runs alternate (A B, B A, …); medians of wall time and of peak memory (`/usr/bin/time`,
//!   when installed) are printed with their ratio, and both tools' pass counts must agree.
//! - `xhht score` of the same rows in an XLSX workbook (written once from the CSV with XlsxWriter,
//!   scores as numbers, ids in the shared-strings table, as Excel keeps them) against
//!   python-calamine (Rust's calamine behind Python, the fastest XLSX reader on PyPI) only
//!   reading every row; xhht's output must be byte for byte its output from the CSV.
//! - `xhht import people` against `sqlite3 .import`: the store's import benchmark
//!   (`crates/xhht-store/examples/store_bench_import.rs`), which times both on one synthetic
//!   people file, runs alternating, and prints the medians, the ratio and the CPU seconds (with
//!   `XHHT_BENCH_POSTGRES` set to a server URL, also the PostgreSQL import against `psql \copy`).
//!
//! It measures; nothing here asserts on time. Figures go to `docs/benchmarks.md`.

#![allow(clippy::float_arithmetic, reason = "timings are seconds and MiB, printed")]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Rows of the synthetic file.
const ROWS: usize = 1_000_000;
/// Runs of each tool.
const RUNS: usize = 5;

/// A small, fixed pseudo-random sequence (synthetic data only).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A score in tenths of a point, mostly 6.0–10.0 with a tail down to 3.0.
    fn tenths(&mut self) -> u64 {
        let r = self.next() % 1000;
        if r < 50 { 30 + r % 30 } else { 60 + self.next() % 41 }
    }
}

fn synthetic_file(path: &Path) -> Result<(), String> {
    if path.is_file() {
        return Ok(());
    }
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut line = String::from("id,1,2,3,4,5,6,7,8,9,10,minh_chung\n");
    let write = |w: &mut std::io::BufWriter<std::fs::File>, s: &str| {
        w.write_all(s.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(&mut w, &line)?;
    for i in 0..ROWS {
        line.clear();
        let _ = write!(line, "SYN{i:07}");
        for _ in 0..10 {
            let t = rng.tenths();
            let _ = write!(line, ",{}.{}", t / 10, t % 10);
        }
        line.push_str(",\n");
        write(&mut w, &line)?;
    }
    w.flush().map_err(|e| format!("{}: {e}", path.display()))
}

const DUCK: &str = r#"import sys, duckdb
con = duckdb.connect()
cols = ", ".join(f"'{i}': 'DECIMAL(4,1)'" for i in range(1, 11))
total = " + ".join(f'"{i}"' for i in range(1, 11))
lowest = "least(" + ", ".join(f'"{i}"' for i in range(1, 11)) + ")"
con.execute(f"""COPY (SELECT id, {total} AS total,
    CASE WHEN {total} >= 80 AND {lowest} >= 5 THEN 'dat' ELSE 'khong_dat' END AS outcome
  FROM read_csv('{sys.argv[1]}', header=true, columns={{'id': 'VARCHAR', {cols}, 'minh_chung': 'VARCHAR'}}))
  TO '{sys.argv[2]}' (FORMAT json)""")
"#;

fn venv(dir: &Path) -> Result<PathBuf, String> {
    let python = dir.join("venv/bin/python");
    let have = |p: &Path| {
        p.is_file()
            && Command::new(p)
                .args(["-c", "import duckdb, xlsxwriter, python_calamine"])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
    };
    if have(&python) {
        return Ok(python);
    }
    eprintln!(
        "xtask bench --peers: installing DuckDB, XlsxWriter and python-calamine from PyPI into {}",
        dir.join("venv").display()
    );
    let ok = |c: &mut Command| c.status().is_ok_and(|s| s.success());
    if !python.is_file() && !ok(Command::new("python3").args(["-m", "venv"]).arg(dir.join("venv"))) {
        return Err("cannot make a Python virtual environment (install python3-venv)".to_owned());
    }
    let packages = ["duckdb>=1,<3", "xlsxwriter>=3,<4", "python-calamine>=0.2,<1"];
    if !ok(Command::new(dir.join("venv/bin/pip")).args(["install", "--quiet"]).args(packages)) {
        return Err("cannot install duckdb, xlsxwriter and python-calamine from PyPI".to_owned());
    }
    Ok(python)
}

/// Writes the synthetic CSV's rows to an XLSX workbook as Excel keeps them: the scores as
/// numbers, the ids as text in the shared-strings table (XlsxWriter, from PyPI).
const TO_XLSX: &str = r#"import sys, csv, xlsxwriter
wb = xlsxwriter.Workbook(sys.argv[2])
ws = wb.add_worksheet()
with open(sys.argv[1], newline="") as f:
    for r, row in enumerate(csv.reader(f)):
        for c, v in enumerate(row):
            if v == "":
                continue
            if r > 0 and 1 <= c <= 10:
                ws.write_number(r, c, float(v))
            else:
                ws.write_string(r, c, v)
wb.close()
"#;

/// The peer for a workbook: python-calamine (Rust's calamine behind Python, the fastest XLSX
/// reader on PyPI) reading every row of the sheet, nothing scored or written.
const CALAMINE: &str = r#"import sys
from python_calamine import CalamineWorkbook
n = sum(1 for _ in CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).iter_rows())
print(n)
"#;

/// One run: wall seconds and peak memory in MiB (when `/usr/bin/time` is there).
fn timed(program: &Path, args: &[&str], stdout: Option<&Path>, dir: &Path) -> Result<(f64, Option<f64>), String> {
    let time = Path::new("/usr/bin/time");
    let report = dir.join("time.txt");
    let mut cmd = if time.is_file() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&report).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).stderr(Stdio::null());
    match stdout {
        Some(p) => cmd.stdout(std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => cmd.stdout(Stdio::null()),
    };
    let start = Instant::now();
    let status = cmd.status().map_err(|e| format!("{}: {e}", program.display()))?;
    let wall = start.elapsed().as_secs_f64();
    // xhht exits 1 when a row has a problem; the synthetic file has none.
    if !status.success() {
        return Err(format!("{} failed: {status}", program.display()));
    }
    let kib = std::fs::read_to_string(&report).ok().and_then(|t| t.trim().lines().last()?.trim().parse::<f64>().ok());
    Ok((wall, kib.map(|k| k / 1024.0)))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn passes(path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.lines().filter(|l| l.contains("\"outcome\":\"dat\"")).count())
}

pub(crate) fn run(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let dir = root.join("target/peers");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let ok = |c: &mut Command| c.status().is_ok_and(|s| s.success());
    if !ok(Command::new(&cargo).args(["build", "--release", "--locked", "-p", "xhht-cli"])) {
        return Err("cannot build xhht".to_owned());
    }
    let file = dir.join("synthetic-cdht-1m.csv");
    synthetic_file(&file)?;
    let python = venv(&dir)?;
    let script = dir.join("duck.py");
    std::fs::write(&script, DUCK).map_err(|e| format!("{}: {e}", script.display()))?;
    let xhht = root.join("target/release/xhht");
    let file_s = file.to_string_lossy().into_owned();
    let (xhht_out, duck_out) = (dir.join("xhht.json"), dir.join("duckdb.json"));
    let duck_out_s = duck_out.to_string_lossy().into_owned();
    let script_s = script.to_string_lossy().into_owned();
    let xhht_args = ["--format", "json", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", file_s.as_str()];
    let duck_args = [script_s.as_str(), file_s.as_str(), duck_out_s.as_str()];
    let (mut xw, mut xm, mut dw, mut dm) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..RUNS {
        let mut one = |duck: bool| -> Result<(), String> {
            if duck {
                let (w, m) = timed(&python, &duck_args, None, &dir)?;
                dw.push(w);
                dm.extend(m);
            } else {
                let (w, m) = timed(&xhht, &xhht_args, Some(&xhht_out), &dir)?;
                xw.push(w);
                xm.extend(m);
            }
            Ok(())
        };
        one(i % 2 == 1)?;
        one(i % 2 == 0)?;
    }
    let (xp, dp) = (passes(&xhht_out)?, passes(&duck_out)?);
    let mem = |v: &[f64]| if v.is_empty() { "-".to_owned() } else { format!("{:.0} MiB", median(v.to_vec())) };
    println!("\n== xhht score vs DuckDB: {ROWS} synthetic rows, {RUNS} runs each, alternating ==");
    println!("xhht score --format json   median {:.3} s, peak {}", median(xw.clone()), mem(&xm));
    println!("DuckDB read_csv → json     median {:.3} s, peak {}", median(dw.clone()), mem(&dm));
    println!("ratio (xhht / DuckDB)      {:.2}× the wall time", median(xw) / median(dw));
    println!(
        "pass counts                xhht {xp}, DuckDB {dp}{}",
        if xp == dp { " (the same)" } else { " — DIFFERENT" }
    );
    if xp != dp {
        return Err("xhht and DuckDB disagree on the pass count".to_owned());
    }
    workbook(&dir, &python, &xhht, &file, &xhht_out)?;
    println!("\n== xhht import people vs sqlite3 .import (the store's import benchmark) ==");
    let store_dir = dir.join("store");
    let store_dir_s = store_dir.to_string_lossy().into_owned();
    let runs = RUNS.to_string();
    let bench = ["run", "--release", "--locked", "-p", "xhht-store", "--example", "store_bench_import", "--"];
    let mut cmd = Command::new(&cargo);
    cmd.args(bench).args(["--people", "1000000", "--runs", runs.as_str(), "--dir", store_dir_s.as_str()]);
    if let Ok(url) = std::env::var("XHHT_BENCH_POSTGRES") {
        cmd.args(["--postgres", url.as_str()]);
    }
    if !ok(&mut cmd) {
        return Err("the store's import benchmark failed".to_owned());
    }
    Ok(())
}

/// `xhht score` of the same rows in an XLSX workbook against python-calamine reading it.
fn workbook(dir: &Path, python: &Path, xhht: &Path, csv: &Path, csv_out: &Path) -> Result<(), String> {
    let xlsx = dir.join("synthetic-cdht-1m.xlsx");
    let to_xlsx = dir.join("to_xlsx.py");
    let reader = dir.join("calamine.py");
    std::fs::write(&to_xlsx, TO_XLSX).map_err(|e| format!("{}: {e}", to_xlsx.display()))?;
    std::fs::write(&reader, CALAMINE).map_err(|e| format!("{}: {e}", reader.display()))?;
    if !xlsx.is_file() {
        eprintln!("xtask bench --peers: writing {} (about a minute, once)", xlsx.display());
        let made = Command::new(python).arg(&to_xlsx).arg(csv).arg(&xlsx).status().is_ok_and(|s| s.success());
        if !made {
            return Err(format!("cannot write {}", xlsx.display()));
        }
    }
    let xlsx_s = xlsx.to_string_lossy().into_owned();
    let reader_s = reader.to_string_lossy().into_owned();
    let out = dir.join("xhht-xlsx.json");
    let xhht_args = ["--format", "json", "score", "--rulebook", "cong-dan-hoc-tap", "--year", "2024", xlsx_s.as_str()];
    let peer_args = [reader_s.as_str(), xlsx_s.as_str()];
    let (mut xw, mut xm, mut pw, mut pm) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..RUNS {
        for peer in [i % 2 == 1, i % 2 == 0] {
            if peer {
                let (w, m) = timed(python, &peer_args, None, dir)?;
                pw.push(w);
                pm.extend(m);
            } else {
                let (w, m) = timed(xhht, &xhht_args, Some(&out), dir)?;
                xw.push(w);
                xm.extend(m);
            }
        }
    }
    let same = std::fs::read(&out).ok() == std::fs::read(csv_out).ok();
    let mem = |v: &[f64]| if v.is_empty() { "-".to_owned() } else { format!("{:.0} MiB", median(v.to_vec())) };
    println!(
        "\n== xhht score of the same rows in an XLSX workbook vs python-calamine reading it ({RUNS} runs each) =="
    );
    println!("xhht score --format json   median {:.3} s, peak {}", median(xw.clone()), mem(&xm));
    println!("python-calamine, read only median {:.3} s, peak {}", median(pw.clone()), mem(&pm));
    println!("ratio (xhht / python-calamine) {:.2}× the wall time", median(xw) / median(pw));
    println!(
        "output                     {}",
        if same { "the same bytes as from the CSV" } else { "DIFFERENT from the CSV's" }
    );
    if !same {
        return Err("xhht scored the workbook differently from the CSV of the same rows".to_owned());
    }
    Ok(())
}
