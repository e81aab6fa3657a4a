//! Bytes and text: the JSON reader (and the number formatting of its writers) and CRC-32.
//! The model file, which needs the model, sits above in `model_file`.

pub mod crc32;
pub mod json;
