//! Every size limit of the core, in one place: the checks read them from here and the
//! bindings report them to the SDK (`limits_json`). The SDK keeps its own constants (it
//! validates options before the wasm is loaded); its test/limits.test.ts holds them equal
//! to this report.

use crate::error::{Error, Result};

/// Widest layer accepted.
pub const MAX_LAYER_WIDTH: usize = 65_536;
/// Most layers in encoder + decoder together (the output layer included).
pub const MAX_LAYERS: usize = 64;
/// Most parameters in one model (training keeps about six copies: weights, gradients,
/// two Adam moments, the epoch snapshot and the best weights).
pub const MAX_PARAMS: usize = 1 << 25;
/// Most elements in one matrix handed to the core (1 GiB of f32).
pub const MAX_DATA_VALUES: usize = 1 << 28;
/// Most values one call returns (rows × output columns; 1 GiB of f32, the same bound as
/// its input): a larger result is refused with TOO_LARGE before anything is allocated.
pub const MAX_OUTPUT_VALUES: usize = 1 << 28;
/// Most f32 values of working memory for one batch: training's workspace (every layer's
/// pre-activations and activations, two gradient buffers, the batch copies and a context
/// head's buffers, for batch × length × vocabulary logits) and inference's scratch per
/// chunk of rows. 512 MiB: with the data (up to 1 GiB), its validation rows and six copies
/// of the parameters (768 MiB at most) it stays within wasm32's 4 GiB.
pub const MAX_WORKSPACE_VALUES: usize = 1 << 27;
/// Largest magnitude of a weight: 2^64 ≈ 1.8e19. Training that reaches beyond it has
/// diverged (its outputs would overflow float32 on ordinary inputs: two such weights in a
/// row already pass 3.4e38), so an epoch ending there is DIVERGED, and a model file with
/// such a weight is CORRUPT_MODEL. Every model that trained therefore loads.
pub const MAX_ABS_WEIGHT: f32 = 18_446_744_073_709_551_616.0;

/// Whether a weight is finite and within ±MAX_ABS_WEIGHT (NaN compares false, so it is not).
pub fn weight_ok(w: f32) -> bool {
    w.abs() <= MAX_ABS_WEIGHT
}
/// Largest batch.
pub const MAX_BATCH: usize = 65_536;
/// Most epochs of one training session.
pub const MAX_EPOCHS: usize = 1_000_000;
/// Most tokens a context head looks back.
pub const MAX_CONTEXT: usize = 8;
/// Largest length × vocab of a token model (the width of a decoded row: one probability
/// per position and token).
pub const MAX_TOKEN_WIDTH: usize = 1 << 24;
/// Widest token table of a text model (its embedding width).
pub const MAX_TOKEN_TABLE: usize = 1024;
/// Most labels of a conditional text model.
pub const MAX_LABELS: usize = 256;
/// Largest seed: every integer up to it is exact in a JavaScript number.
pub const MAX_SEED: u64 = 1 << 53;

/// `{ maxParams, maxUnits, maxLayers, maxDataValues, maxOutputValues, maxWorkspaceValues,
/// maxBatch, maxEpochs, maxContext, maxTokenWidth, maxTokenTable, maxSeed }`, all integers.
pub fn limits_json() -> String {
    format!(
        r#"{{"maxParams":{MAX_PARAMS},"maxUnits":{MAX_LAYER_WIDTH},"maxLayers":{MAX_LAYERS},"maxDataValues":{MAX_DATA_VALUES},"maxOutputValues":{MAX_OUTPUT_VALUES},"maxWorkspaceValues":{MAX_WORKSPACE_VALUES},"maxBatch":{MAX_BATCH},"maxEpochs":{MAX_EPOCHS},"maxContext":{MAX_CONTEXT},"maxTokenWidth":{MAX_TOKEN_WIDTH},"maxTokenTable":{MAX_TOKEN_TABLE},"maxSeed":{MAX_SEED}}}"#
    )
}

/// The size of `rows` rows of `cols` values, refused with TOO_LARGE above `limit`.
/// Computed in u64 (rows < 2^32 times cols < 2^32 cannot wrap), so no product wraps on
/// wasm32, whose usize is 32 bits; u64 also avoids u128 division helpers in the wasm.
/// `advice` is called only for the refusal: every encode passes here, and a message
/// formatted on each call would cost a one-row encode an allocation.
pub fn checked_values(rows: usize, cols: u64, limit: usize, what: &str, advice: impl FnOnce() -> String) -> Result<usize> {
    let n = rows as u64 * cols;
    if n > limit as u64 {
        return Err(Error::TooLarge(format!("{what}: {rows} rows x {cols} values = {n}, above the limit of {limit}: {}", advice())));
    }
    Ok(n as usize)
}

/// Rows of one chunk whose working memory (`per_row` values a row) stays within
/// MAX_WORKSPACE_VALUES, at most `cap`; TOO_LARGE when not even one row fits.
pub fn rows_within_budget(per_row: u64, cap: usize, what: &str) -> Result<usize> {
    let fit = MAX_WORKSPACE_VALUES as u64 / per_row.max(1);
    if fit == 0 {
        return Err(Error::TooLarge(format!(
            "{what}: one row needs {per_row} values of working memory, above the budget of {MAX_WORKSPACE_VALUES}: use a shorter maxLength, a smaller vocabulary or narrower layers"
        )));
    }
    Ok((fit.min(cap as u64)) as usize)
}
