//! XLSX (to be filled: one sheet per table with native charts).
