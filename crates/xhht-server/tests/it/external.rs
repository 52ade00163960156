//! Tests that need tools from outside cargo: schemathesis (XHHT_RUN_SCHEMATHESIS=1) and headless
//! Chromium (XHHT_RUN_BROWSER=1).
