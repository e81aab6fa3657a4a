//! The model file, format version 1 (all integers little-endian):
//!
//! | bytes     | content                                                        |
//! |-----------|----------------------------------------------------------------|
//! | 8         | magic `LATENTKT`                                               |
//! | 4         | format version (u32)                                           |
//! | 4         | header length H (u32)                                          |
//! | H         | header, UTF-8 JSON: `{ config, layers: [[in, out], ...], paramCount, meta }`; `meta` is the caller's JSON object, kept verbatim |
//! | 4         | parameter count N (u32), equal to the header's                 |
//! | 4·N       | the parameters, f32                                            |
//! | 4         | CRC-32 of every byte before it                                 |
//!
//! Every version keeps the magic, the version field and the CRC trailer; the reader checks
//! magic, then CRC, then version, then that the header, shapes and lengths agree.

use crate::autoencoder::Autoencoder;
use crate::config::ModelConfig;
use crate::error::{Error, Result};
use crate::io::crc32::crc32;
use crate::io::json::{self, Fields, Json, NumberFormat};
use crate::limits::MAX_PARAMS;

pub const MAGIC: &[u8; 8] = b"LATENTKT";
pub const FORMAT_VERSION: u32 = 1;
const MAX_HEADER: usize = 1 << 24;

pub struct ModelFile {
    pub model: Autoencoder,
    /// The `meta` object of the header, verbatim.
    pub meta_json: String,
}

/// Serialises `model` with `meta_json` (a JSON object) in its header.
/// `num` prints floats (shortest round-trip form; the bindings pass JavaScript's).
pub fn encode(model: &Autoencoder, meta_json: &str, num: NumberFormat) -> Result<Vec<u8>> {
    match json::parse(meta_json) {
        Ok(Json::Obj(_)) => {}
        Ok(_) => return Err(Error::InvalidOption("model meta must be a JSON object".into())),
        Err(e) => return Err(Error::InvalidOption(format!("model meta is not valid JSON: {e}"))),
    }
    let layers: Vec<String> = model.layers().iter().map(|l| format!("[{},{}]", l.inputs, l.outputs)).collect();
    let header = format!(
        r#"{{"config":{},"layers":[{}],"paramCount":{},"meta":{}}}"#,
        model.config().to_json(num),
        layers.join(","),
        model.params().len(),
        meta_json.trim()
    );
    let header = header.into_bytes();
    let params = model.params();
    let mut out = Vec::with_capacity(24 + header.len() + 4 * params.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&(params.len() as u32).to_le_bytes());
    for p in params {
        out.extend_from_slice(&p.to_le_bytes());
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Reads and verifies a model file.
pub fn decode(bytes: &[u8]) -> Result<ModelFile> {
    let corrupt = |why: &str| Error::CorruptModel(format!("{why}: the model file is damaged or incomplete; save it again from the trained model"));
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Error::CorruptModel(
            "these bytes are not a latentkit model file (the magic bytes 'LATENTKT' are missing): pass bytes made by model.save()".into(),
        ));
    }
    if bytes.len() < 8 + 4 + 4 + 4 + 4 {
        return Err(corrupt("the file is truncated"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 4);
    if crc32(body) != u32_at(trailer, 0) {
        return Err(corrupt("the checksum does not match"));
    }
    let version = u32_at(bytes, 8);
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(format!(
            "this model file has format version {version}; this latentkit reads version {FORMAT_VERSION}: {}",
            if version > FORMAT_VERSION { "upgrade latentkit to load it" } else { "re-save it with the latentkit that made it" }
        )));
    }
    let header_len = u32_at(bytes, 12) as usize;
    if header_len > MAX_HEADER || 16 + header_len + 4 > body.len() {
        return Err(corrupt("the header length is out of range"));
    }
    let text = std::str::from_utf8(&bytes[16..16 + header_len]).map_err(|_| corrupt("the header is not UTF-8"))?;
    let header = json::parse(text).map_err(|e| corrupt(&format!("the header is not valid JSON ({e})")))?;
    let mut fields = Fields::of(&header, "model header").map_err(|_| corrupt("the header is not an object"))?;
    let bad = |e: Error| corrupt(&format!("the header is not valid ({e})"));
    let config_value = fields.get("config").ok_or_else(|| corrupt("the header has no config"))?;
    let config = ModelConfig::from_value(config_value).map_err(bad)?;
    let layers: Vec<[usize; 2]> = match fields.get("layers") {
        Some(Json::Arr(items)) => items
            .iter()
            .map(|l| match l {
                Json::Arr(pair) => match pair.as_slice() {
                    [Json::Num(a), Json::Num(b)] => Ok([*a as usize, *b as usize]),
                    _ => Err(corrupt("a layer shape is malformed")),
                },
                _ => Err(corrupt("a layer shape is malformed")),
            })
            .collect::<Result<_>>()?,
        _ => return Err(corrupt("the header has no layer shapes")),
    };
    let param_count = fields.usize("paramCount", None).map_err(bad)?;
    let meta = fields.member("meta").ok_or_else(|| corrupt("the header has no meta"))?;
    if !matches!(meta.value, Json::Obj(_)) {
        return Err(corrupt("the header's meta is not an object"));
    }
    let meta_json = text[meta.span.clone()].to_string();
    fields.finish().map_err(bad)?;
    let count_at = 16 + header_len;
    let count = u32_at(bytes, count_at) as usize;
    if count != param_count || count > MAX_PARAMS {
        return Err(corrupt("the parameter count is inconsistent"));
    }
    let weights = &body[count_at + 4..];
    if weights.len() != count * 4 {
        return Err(corrupt("the weights' length does not match the parameter count"));
    }
    let params: Vec<f32> = weights.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    if params.iter().any(|p| !p.is_finite()) {
        return Err(corrupt("a weight is NaN or infinite"));
    }
    let model = Autoencoder::from_parts(config, params).map_err(|e| corrupt(&format!("the config is invalid ({e})")))?;
    let shapes: Vec<[usize; 2]> = model.layers().iter().map(|l| [l.inputs, l.outputs]).collect();
    if shapes != layers {
        return Err(corrupt("the layer shapes do not match the config"));
    }
    Ok(ModelFile { model, meta_json })
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
