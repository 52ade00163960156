//! DOCX (to be filled: a Vietnamese administrative report).
