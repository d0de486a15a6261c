//! Text people type: no control characters where they have no meaning. A NUL would also end
//! SQLite's `length()` early and slip past a column's CHECK; a line break in a name would reach
//! an e-mail subject.

use crate::error::Invalid;

const CODE: &str = "invalid_characters";

/// A name, an address: one line, no control character at all.
pub fn single_line(value: &str) -> Result<(), Invalid> {
    if value.chars().any(char::is_control) {
        return Err(Invalid::new(
            CODE,
            "Caractères de contrôle ou retours à la ligne interdits.",
        ));
    }
    Ok(())
}

/// A message, a description: line breaks and tabs allowed, no other control character.
pub fn multi_line(value: &str) -> Result<(), Invalid> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::new(CODE, "Caractères de contrôle interdits."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_line_without_control_characters() {
        assert!(single_line("Léa Marie-Dupré").is_ok());
        for bad in ["\u{0}x", "a\nb", "a\rb", "a\tb", "\u{7f}"] {
            assert_eq!(single_line(bad).unwrap_err().code, CODE, "{bad:?}");
        }
    }

    #[test]
    fn free_text_keeps_line_breaks_but_no_nul() {
        assert!(multi_line("Bonjour,\r\n\tmerci.").is_ok());
        assert!(multi_line("\u{0}hello").is_err());
        assert!(multi_line("a\u{1b}[31m").is_err());
    }
}
