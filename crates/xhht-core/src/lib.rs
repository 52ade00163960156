//! `xhht-core` — the domain of the learning-society emulation movement.
