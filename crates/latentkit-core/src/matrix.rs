//! Checks of row-major data handed to the core: every public entry point goes through
//! `check`, so a wrong length, an empty matrix or a NaN is reported once, in one wording.

use crate::error::{Error, Result};
use crate::limits::MAX_DATA_VALUES;

/// Checks that `data` holds rows × cols values, is not empty and that every value is
/// finite. `what` names the data in messages ("data", "codes").
pub fn check(data: &[f32], rows: usize, cols: usize, what: &str) -> Result<()> {
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
    Ok(())
}

/// `out` (rows of `cols`) when every value is finite; otherwise NON_FINITE_INPUT: finite
/// inputs can still overflow float32 inside the network (values near ±3.4e38), and a
/// NaN or Infinity must never reach the caller as if it were a result.
pub fn finite_output(out: Vec<f32>, cols: usize, call: &str, input: &str) -> Result<Vec<f32>> {
    match out.iter().position(|v| !v.is_finite()) {
        None => Ok(out),
        Some(i) => Err(Error::NonFiniteInput(format!(
            "{call}: result row {}, column {} overflowed float32 (NaN or Infinity) although every value of the {input} was finite: scale the {input} to a smaller range",
            i / cols.max(1),
            i % cols.max(1)
        ))),
    }
}
