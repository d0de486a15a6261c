//! `?page=&page_size=` of every list (API.md: page from 1, `page_size` 20 by default, at most
//! 100): parsed once here. A page past [`PageSizes::max_page`] is a 400 naming the field, so
//! `page × page_size` always fits SQLite's 64-bit `OFFSET`: never a wrapped offset. The bounds
//! are a parameter, so a list with other sizes (the directory search's 10–20, R-DIR-1) uses the
//! same type.

use crate::error::{Error, FieldErrors};

/// The page sizes a list accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSizes {
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

/// API.md's sizes for every list.
pub const LIST_PAGE_SIZES: PageSizes = PageSizes {
    min: 1,
    max: 100,
    default: 20,
};

impl PageSizes {
    /// The last page number accepted: whatever the size, its offset fits SQLite's `OFFSET` (a
    /// signed 64-bit integer). The accepted pairs form a rectangle an API document can state.
    pub fn max_page(self) -> u64 {
        i64::MAX as u64 / u64::from(self.max.max(1)) + 1
    }
}

/// A requested page: its number (from 1), its size, and the rows it skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    number: u64,
    size: u32,
    offset: u64,
}

impl Page {
    /// `page` and `page_size` as the query string gives them (`None`: absent or empty).
    pub fn parse(
        number: Option<&str>,
        size: Option<&str>,
        sizes: PageSizes,
    ) -> Result<Page, Error> {
        let max_page = sizes.max_page();
        let number = match number {
            None => 1,
            Some(n) => n
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max_page).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "page",
                        "invalid_page",
                        format!("Le numéro de page doit être un entier entre 1 et {max_page}."),
                    )
                })?,
        };
        let size = match size {
            None => sizes.default,
            Some(s) => s
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|s| (sizes.min..=sizes.max).contains(s))
                .ok_or_else(|| {
                    invalid(
                        "page_size",
                        "invalid_page_size",
                        format!(
                            "La taille de page doit être un entier entre {} et {}.",
                            sizes.min, sizes.max
                        ),
                    )
                })?,
        };
        Ok(Page {
            number,
            size,
            // At most (i64::MAX / max) × max ≤ i64::MAX: `max_page` is chosen so.
            offset: (number - 1) * u64::from(size),
        })
    }

    pub fn number(self) -> u64 {
        self.number
    }

    pub fn size(self) -> u32 {
        self.size
    }

    /// The rows before this page; at most `i64::MAX`, so it binds as an SQLite integer.
    pub fn offset(self) -> i64 {
        self.offset as i64
    }

    /// `{"results", "count", "page", "page_size"}` (API.md).
    pub fn envelope<T: serde::Serialize>(self, results: &[T], count: i64) -> serde_json::Value {
        serde_json::json!({
            "results": results,
            "count": count,
            "page": self.number,
            "page_size": self.size,
        })
    }
}

fn invalid(field: &str, code: &'static str, message: String) -> Error {
    let mut errors = FieldErrors::new();
    errors.insert(field.to_owned(), vec![message.clone()]);
    Error::BadRequest {
        code,
        detail: message,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(number: Option<&str>, size: Option<&str>) -> Result<Page, Error> {
        Page::parse(number, size, LIST_PAGE_SIZES)
    }

    fn field_of(error: Error) -> (u16, String) {
        let field = error
            .field_errors()
            .and_then(|errors| errors.keys().next().cloned())
            .unwrap_or_default();
        (error.status(), field)
    }

    #[test]
    fn defaults_to_the_first_page_of_20() {
        let page = parse(None, None).unwrap();
        assert_eq!((page.number(), page.size(), page.offset()), (1, 20, 0));
        let third = parse(Some("3"), Some("100")).unwrap();
        assert_eq!(
            (third.number(), third.size(), third.offset()),
            (3, 100, 200)
        );
    }

    #[test]
    fn bad_values_are_a_400_naming_the_field() {
        for (number, size, field) in [
            (Some("0"), None, "page"),
            (Some("-1"), None, "page"),
            (Some("deux"), None, "page"),
            (Some("1.5"), None, "page"),
            (None, Some("0"), "page_size"),
            (None, Some("101"), "page_size"),
            (None, Some("vingt"), "page_size"),
            (None, Some("-20"), "page_size"),
        ] {
            let error = parse(number, size).unwrap_err();
            assert_eq!(
                field_of(error),
                (400, field.to_owned()),
                "{number:?} {size:?}"
            );
        }
    }

    #[test]
    fn a_page_whose_offset_would_overflow_is_a_400_never_a_wrapped_offset() {
        let max_page = LIST_PAGE_SIZES.max_page();
        assert_eq!(max_page, 92_233_720_368_547_759);
        // One past it would need an offset beyond i64 at page_size 100, so it is refused at any
        // size; so are pages past u64 (they do not even parse).
        for (number, size) in [
            ((max_page + 1).to_string(), "100"),
            ((max_page + 1).to_string(), "1"),
            (u64::MAX.to_string(), "100"),
            ("18446744073709551616".to_owned(), "20"),
        ] {
            let error = parse(Some(&number), Some(size)).unwrap_err();
            assert_eq!(error.code(), "invalid_page");
            assert_eq!(
                field_of(error),
                (400, "page".to_owned()),
                "{number} × {size}"
            );
        }
        // The last page is accepted at the largest size, with its exact offset.
        let page = parse(Some(&max_page.to_string()), Some("100")).unwrap();
        assert_eq!(page.offset(), i64::MAX / 100 * 100);
    }

    #[test]
    fn other_lists_bring_their_own_sizes() {
        let directory = PageSizes {
            min: 10,
            max: 20,
            default: 20,
        };
        assert!(Page::parse(None, Some("9"), directory).is_err());
        assert_eq!(Page::parse(None, None, directory).unwrap().size(), 20);
    }

    #[test]
    fn the_envelope_is_the_api_list_shape() {
        let page = parse(Some("2"), Some("1")).unwrap();
        assert_eq!(
            page.envelope(&["b"], 3),
            serde_json::json!({"results": ["b"], "count": 3, "page": 2, "page_size": 1})
        );
    }
}
