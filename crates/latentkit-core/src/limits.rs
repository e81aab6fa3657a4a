//! Every size limit of the core, in one place: the checks read them from here and the
//! bindings hand them to the SDK (`limits_json`), so no other layer keeps a copy.

/// Widest layer accepted.
pub const MAX_LAYER_WIDTH: usize = 65_536;
/// Most layers in encoder + decoder together (the output layer included).
pub const MAX_LAYERS: usize = 64;
/// Most parameters in one model (training keeps about six copies: weights, gradients,
/// two Adam moments, the epoch snapshot and the best weights).
pub const MAX_PARAMS: usize = 1 << 25;
/// Most elements in one matrix handed to the core (1 GiB of f32).
pub const MAX_DATA_VALUES: usize = 1 << 28;
/// Largest batch.
pub const MAX_BATCH: usize = 65_536;
/// Most epochs of one training session.
pub const MAX_EPOCHS: usize = 1_000_000;
/// Most tokens a context head looks back.
pub const MAX_CONTEXT: usize = 8;
/// Largest length × vocab of a token model (the width of its one-hot input).
pub const MAX_TOKEN_WIDTH: usize = 1 << 24;
/// Largest seed: every integer up to it is exact in a JavaScript number.
pub const MAX_SEED: u64 = 1 << 53;

/// `{ maxParams, maxUnits, maxLayers, maxDataValues, maxBatch, maxEpochs, maxContext,
/// maxTokenWidth, maxSeed }`, all integers.
pub fn limits_json() -> String {
    format!(
        r#"{{"maxParams":{MAX_PARAMS},"maxUnits":{MAX_LAYER_WIDTH},"maxLayers":{MAX_LAYERS},"maxDataValues":{MAX_DATA_VALUES},"maxBatch":{MAX_BATCH},"maxEpochs":{MAX_EPOCHS},"maxContext":{MAX_CONTEXT},"maxTokenWidth":{MAX_TOKEN_WIDTH},"maxSeed":{MAX_SEED}}}"#
    )
}
