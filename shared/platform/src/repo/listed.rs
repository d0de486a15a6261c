//! Merged into [`super::organizations`], which owns every statement on `organizations`. Kept
//! only while `functions/accounts` still imports `listed::cell`; delete it once that import
//! reads `organizations::cell`.

pub use super::organizations::cell;
