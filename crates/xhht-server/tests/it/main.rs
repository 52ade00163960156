//! Integration tests of the xhht server.
