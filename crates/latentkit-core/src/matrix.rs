//! Checked views of row-major data: every public entry point goes through `view`, so a
//! wrong length, an empty matrix or a NaN is reported once, in one wording.

use crate::error::{Error, Result};
use crate::limits::MAX_DATA_VALUES;
use ndarray::ArrayView2;

/// A (rows × cols) view of `data`, after checking its length, that it is not empty and
/// that every value is finite. `what` names the data in messages ("data", "codes").
pub fn view<'a>(data: &'a [f32], rows: usize, cols: usize, what: &str) -> Result<ArrayView2<'a, f32>> {
    if rows == 0 || data.is_empty() {
        return Err(Error::EmptyData(format!("{what} has no rows: pass at least one row")));
    }
    let expected = rows
        .checked_mul(cols)
        .filter(|&n| n <= MAX_DATA_VALUES)
        .ok_or_else(|| Error::TooLarge(format!("{what}: {rows} x {cols} values is above the limit of {MAX_DATA_VALUES}")))?;
    if data.len() != expected {
        return Err(Error::ShapeMismatch(format!(
            "{what} has {} values but {rows} rows x {cols} columns need {expected}: each row must have {cols} columns",
            data.len()
        )));
    }
    if let Some(i) = data.iter().position(|v| !v.is_finite()) {
        let v = data[i];
        let kind = if v.is_nan() { "NaN" } else if v > 0.0 { "Infinity" } else { "-Infinity" };
        return Err(Error::NonFiniteInput(format!(
            "{what} row {}, column {} is {kind}: replace NaN/Infinity before calling",
            i / cols,
            i % cols
        )));
    }
    Ok(ArrayView2::from_shape((rows, cols), data).expect("length checked above"))
}
