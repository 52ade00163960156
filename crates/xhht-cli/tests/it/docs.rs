//! `docs/cli.md` is generated from the clap definition; this test fails when it is stale.

#[test]
fn the_cli_reference_is_up_to_date() {
    let path = format!("{}/../../docs/cli.md", env!("CARGO_MANIFEST_DIR"));
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = xhht_cli::help::markdown();
    assert!(on_disk == generated, "docs/cli.md is stale: run `cargo xtask codegen`");
}

#[test]
fn completions_are_printed_for_bash() {
    let o = super::xhht(&["completions", "bash"]);
    assert!(o.status.success());
    assert!(super::stdout(&o).contains("_xhht()"));
}
