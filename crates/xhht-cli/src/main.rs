//! The `xhht` binary.

fn main() {}
