//! Data-driven tests of the rulebook static check.
//!
//! Every `tests/data/rulebooks/*.toml` file opens with comment lines saying what the check must
//! report: `# expect: <code> <rule path>` for a diagnostic of severity error, or
//! `# expect-parse: <line>: <message part>` for a parse error. A file with no expectation must
//! validate without errors.

use std::path::{Path, PathBuf};

use xhht_core::Error;
use xhht_core::plan::Plan;
use xhht_core::rulebook::{LoadedRulebook, Rulebook, Severity, validate};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rulebooks");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 10, "expected the broken-rulebook corpus in {}", dir.display());
    v
}

#[test]
fn every_case_reports_exactly_what_it_expects() {
    let plans = [Plan::can_duoc_2024()];
    let mut failures = Vec::new();
    for path in cases() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let src = std::fs::read_to_string(&path).unwrap();
        let expect: Vec<&str> = src.lines().filter_map(|l| l.strip_prefix("# expect: ")).collect();
        let expect_parse: Vec<&str> = src.lines().filter_map(|l| l.strip_prefix("# expect-parse: ")).collect();
        match Rulebook::from_toml(&src, &name) {
            Err(Error::Toml { origin, line, message, .. }) => {
                let matches = |e: &&str| {
                    e.split_once(": ").is_some_and(|(l, part)| l == line.to_string() && message.contains(part))
                };
                if origin != name || !expect_parse.iter().any(matches) {
                    failures
                        .push(format!("{name}: unexpected parse error `{line}: {message}`, expected {expect_parse:?}"));
                }
            }
            Err(e) => failures.push(format!("{name}: unexpected error {e}")),
            Ok(rb) => {
                if !expect_parse.is_empty() {
                    failures.push(format!("{name}: parsed, but expected a parse error {expect_parse:?}"));
                    continue;
                }
                let diags = validate(&rb, &name, &plans);
                let errors: Vec<String> = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| {
                        assert_eq!(d.file, name, "every diagnostic names the file");
                        format!("{} {}", d.code, d.rule)
                    })
                    .collect();
                for e in &expect {
                    if !errors.iter().any(|got| got == e) {
                        failures.push(format!("{name}: expected `{e}`, got {errors:#?}"));
                    }
                }
                for got in &errors {
                    if !expect.contains(&got.as_str()) {
                        failures.push(format!("{name}: unexpected `{got}`"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn loading_a_broken_file_fails_with_a_message_naming_file_and_rule() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rulebooks/points-sum.toml");
    let err = LoadedRulebook::from_path(&path, &[Plan::can_duoc_2024()]).unwrap_err().to_string();
    assert!(err.contains("points-sum.toml"), "{err}");
    assert!(err.contains("thu/groups/G1: the indicators' maxima add up to 20, not the group's max of 30"), "{err}");
    assert!(err.contains("error[points-sum]"), "{err}");
}
