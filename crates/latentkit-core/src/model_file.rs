//! The model file (all integers little-endian). Format version 1 is the default file;
//! version 2 is the same file with the optimiser's state after the weights, written only
//! when asked (`save({ optimizer: true })`), so that readers that know only version 1
//! refuse it (UNSUPPORTED_VERSION) rather than misread it. Text models are versions 3 and
//! 4 (4 with the optimiser's state): their config has a token table and the classes of the
//! output layer. Text models of versions 1 and 2 (the old one-hot architecture, gone) are
//! refused with UNSUPPORTED_VERSION and a message that says to retrain:
//!
//! | bytes     | content                                                        |
//! |-----------|----------------------------------------------------------------|
//! | 8         | magic `LATENTKT`                                               |
//! | 4         | format version (u32): 1 (3 for text), or 2 (4) with the optimiser block |
//! | 4         | header length H (u32)                                          |
//! | H         | header, UTF-8 JSON: `{ config, layers: [[in, out], ...], paramCount, meta }`, and in version 2 `optimizer: { kind, step }`; `meta` is the caller's JSON object, kept verbatim |
//! | 4         | parameter count N (u32), equal to the header's                 |
//! | 4·N       | the parameters, f32                                            |
//! | (v2) 4·N  | first moment m (Adam, AdamW) or momentum buffer (SGD), f32     |
//! | (v2) 4·N  | second moment v, f32 (Adam and AdamW only)                     |
//! | (v2) 16   | β1ᵗ and β2ᵗ, f64 (the running products the bias correction uses) |
//! | 4         | CRC-32 of every byte before it                                 |
//!
//! Every version keeps the magic, the version field and the CRC trailer; the reader checks
//! magic, then CRC, then version, then that the header, shapes and lengths agree, that
//! every weight is finite and within ±2^64 (`limits::MAX_ABS_WEIGHT`), and every moment finite.

use crate::autoencoder::Autoencoder;
use crate::config::ModelConfig;
use crate::error::{Error, Result};
use crate::io::crc32::crc32;
use crate::io::json::{self, Fields, Json, NumberFormat};
use crate::limits::{weight_ok, MAX_PARAMS, MAX_SEED};
use crate::train::optimizer::{OptimizerKind, OptimizerState};

pub const MAGIC: &[u8; 8] = b"LATENTKT";
/// The default file's version.
pub const FORMAT_VERSION: u32 = 1;
/// The version of files that carry the optimiser's state.
pub const OPTIMIZER_FORMAT_VERSION: u32 = 2;
/// What a text model adds to its file's version (3, or 4 with the optimiser's state).
pub const TEXT_VERSION_OFFSET: u32 = 2;
/// The newest version this build reads.
const NEWEST_VERSION: u32 = OPTIMIZER_FORMAT_VERSION + TEXT_VERSION_OFFSET;
const MAX_HEADER: usize = 1 << 24;

pub struct ModelFile {
    pub model: Autoencoder,
    /// The `meta` object of the header, verbatim.
    pub meta_json: String,
    /// The optimiser's state of a version 2 file.
    pub optimizer: Option<OptimizerState>,
}

/// Serialises `model` with `meta_json` (a JSON object) in its header, and with the
/// optimiser's state when given (a version 2 file). `num` prints floats (shortest
/// round-trip form; the bindings pass JavaScript's).
pub fn encode(model: &Autoencoder, meta_json: &str, num: NumberFormat, optimizer: Option<&OptimizerState>) -> Result<Vec<u8>> {
    match json::parse(meta_json) {
        Ok(Json::Obj(_)) => {}
        Ok(_) => return Err(Error::InvalidOption("model meta must be a JSON object".into())),
        Err(e) => return Err(Error::InvalidOption(format!("model meta is not valid JSON: {e}"))),
    }
    let layers: Vec<String> = model.layers().iter().map(|l| format!("[{},{}]", l.inputs, l.outputs)).collect();
    let optimizer_field = optimizer.map_or(String::new(), |o| format!(r#","optimizer":{{"kind":"{}","step":{}}}"#, o.kind.name(), o.t));
    let header = format!(
        r#"{{"config":{},"layers":[{}],"paramCount":{},"meta":{}{}}}"#,
        model.config().to_json(num),
        layers.join(","),
        model.params().len(),
        meta_json.trim(),
        optimizer_field
    );
    let header = header.into_bytes();
    let params = model.params();
    let text = if model.config().tokens.is_some() { TEXT_VERSION_OFFSET } else { 0 };
    let version = text + if optimizer.is_some() { OPTIMIZER_FORMAT_VERSION } else { FORMAT_VERSION };
    let mut out = Vec::with_capacity(24 + header.len() + 4 * params.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&(params.len() as u32).to_le_bytes());
    let floats = |out: &mut Vec<u8>, xs: &[f32]| xs.iter().for_each(|p| out.extend_from_slice(&p.to_le_bytes()));
    floats(&mut out, params);
    if let Some(o) = optimizer {
        let (m, v) = o.moments();
        floats(&mut out, m);
        floats(&mut out, v);
        for b in o.beta_pows() {
            out.extend_from_slice(&b.to_le_bytes());
        }
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

fn corrupt(why: &str) -> Error {
    Error::CorruptModel(format!("{why}: the model file is damaged or incomplete; save it again from the trained model"))
}

/// Reads and verifies a model file.
pub fn decode(bytes: &[u8]) -> Result<ModelFile> {
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
    if !(FORMAT_VERSION..=NEWEST_VERSION).contains(&version) {
        return Err(Error::UnsupportedVersion(format!(
            "this model file has format version {version}; this latentkit reads versions {FORMAT_VERSION} to {NEWEST_VERSION}: {}",
            if version > NEWEST_VERSION { "upgrade latentkit to load it" } else { "re-save it with the latentkit that made it" }
        )));
    }
    let header_len = u32_at(bytes, 12) as usize;
    if header_len > MAX_HEADER || 16 + header_len + 4 > body.len() {
        return Err(corrupt("the header length is out of range"));
    }
    let text = std::str::from_utf8(&bytes[16..16 + header_len]).map_err(|_| corrupt("the header is not UTF-8"))?;
    let header = read_header(text, version > TEXT_VERSION_OFFSET, version.is_multiple_of(2))?;
    let count_at = 16 + header_len;
    let count = u32_at(bytes, count_at) as usize;
    if count != header.param_count || count > MAX_PARAMS {
        return Err(corrupt("the parameter count is inconsistent"));
    }
    let rest = &body[count_at + 4..];
    let block_len = header.optimizer.map_or(0, |(kind, _)| optimizer_block_len(kind, count));
    if rest.len() != count * 4 + block_len {
        return Err(corrupt("the weights' length does not match the parameter count"));
    }
    let (weights, block) = rest.split_at(count * 4);
    let params = floats(weights);
    if let Some(i) = params.iter().position(|&p| !weight_ok(p)) {
        // no float in the message: formatting one would pull a float printer into the wasm
        return Err(corrupt(&format!("weight {i} is NaN, infinite or beyond ±2^64")));
    }
    let model = Autoencoder::from_parts(header.config, params).map_err(|e| corrupt(&format!("the config is invalid ({e})")))?;
    let shapes: Vec<[usize; 2]> = model.layers().iter().map(|l| [l.inputs, l.outputs]).collect();
    if shapes != header.layers {
        return Err(corrupt("the layer shapes do not match the config"));
    }
    let optimizer = match header.optimizer {
        Some((kind, step)) => Some(read_optimizer(kind, step, count, block)?),
        None => None,
    };
    Ok(ModelFile { model, meta_json: header.meta_json, optimizer })
}

/// What the header declares.
struct Header {
    config: ModelConfig,
    layers: Vec<[usize; 2]>,
    param_count: usize,
    meta_json: String,
    /// The optimiser's kind and step count (version 2).
    optimizer: Option<(OptimizerKind, u64)>,
}

/// Parses the header's JSON; `text` says whether the version is a text model's, `optimizer`
/// whether it must describe an optimiser block.
fn read_header(text_json: &str, text: bool, optimizer: bool) -> Result<Header> {
    let header = json::parse(text_json).map_err(|e| corrupt(&format!("the header is not valid JSON ({e})")))?;
    let mut fields = Fields::of(&header, "model header").map_err(|_| corrupt("the header is not an object"))?;
    let bad = |e: Error| corrupt(&format!("the header is not valid ({e})"));
    let config_value = fields.get("config").ok_or_else(|| corrupt("the header has no config"))?;
    let has_tokens = matches!(config_value, Json::Obj(members) if members.iter().any(|m| m.key == "tokens"));
    if has_tokens && !text {
        return Err(Error::UnsupportedVersion(
            "this text model was saved by an earlier latentkit (0.1), whose text architecture is gone: retrain it from your texts with text.train(texts); the file holds weights, not texts".into(),
        ));
    }
    if has_tokens != text {
        return Err(corrupt("the format version says a text model but the config has no tokens"));
    }
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
    // `get`, not indexing: the span is the parser's and always on char boundaries, and str
    // indexing would link its panic message's Debug printing (and Unicode tables) into the wasm
    let meta_json = text_json.get(meta.span.clone()).ok_or_else(|| corrupt("the header's meta is not valid text"))?.to_string();
    let optimizer = match (optimizer, fields.get("optimizer")) {
        (true, Some(o)) => Some(read_optimizer_field(o)?),
        (true, None) => return Err(corrupt("a version 2 file has no optimizer field in its header")),
        (false, Some(_)) => return Err(corrupt("a version 1 file has an optimizer field in its header")),
        (false, None) => None,
    };
    fields.finish().map_err(bad)?;
    Ok(Header { config, layers, param_count, meta_json, optimizer })
}

/// `optimizer: { kind, step }` of a version 2 header.
fn read_optimizer_field(value: &Json) -> Result<(OptimizerKind, u64)> {
    let bad = |e: Error| corrupt(&format!("the header's optimizer is not valid ({e})"));
    let mut f = Fields::of(value, "optimizer").map_err(bad)?;
    let kind = match f.get("kind") {
        Some(Json::Str(s)) => OptimizerKind::from_name(s).ok_or_else(|| corrupt("the header's optimizer.kind is not adam, adamw or sgd"))?,
        _ => return Err(corrupt("the header's optimizer.kind is missing")),
    };
    let step = f.uint("step", None).map_err(bad)?;
    if step > MAX_SEED {
        return Err(corrupt("the header's optimizer.step is above 2^53"));
    }
    f.finish().map_err(bad)?;
    Ok((kind, step))
}

/// Bytes of the optimiser block after `params` weights.
fn optimizer_block_len(kind: OptimizerKind, params: usize) -> usize {
    let moments = if kind == OptimizerKind::Sgd { 1 } else { 2 };
    4 * params * moments + 16
}

/// The optimiser block (its length already checked), validated like the weights.
fn read_optimizer(kind: OptimizerKind, step: u64, params: usize, block: &[u8]) -> Result<OptimizerState> {
    let (m, rest) = block.split_at(4 * params);
    let (v, pows) = rest.split_at(rest.len() - 16);
    let f64_at = |at: usize| {
        // copied, not `try_into().expect`, which would link Debug printing into the wasm
        let mut b = [0u8; 8];
        b.copy_from_slice(&pows[at..at + 8]);
        f64::from_le_bytes(b)
    };
    OptimizerState::from_saved(kind, params, floats(m), floats(v), step, [f64_at(0), f64_at(8)]).map_err(corrupt)
}

fn floats(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}
