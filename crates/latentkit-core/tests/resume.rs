// Resume exactly (issue #11): a file saved with the optimiser's state (format version 2),
// loaded and trained on, gives bit-identical weights to the model that stayed in memory; the
// block is validated like the weights.
mod common;

use common::*;
use latentkit_core::model_file::{decode, encode, FORMAT_VERSION, OPTIMIZER_FORMAT_VERSION};
use latentkit_core::{Autoencoder, ModelConfig, Trainer};

/// One `fit`: a whole session on `tr`, ended as its options say.
fn fit(net: &mut Autoencoder, tr: &mut Trainer, opts: &str, data: &[f32]) {
    tr.begin(net, options(opts), data, data.len() / net.data_cols(), None).unwrap();
    while !tr.step(net, 5).unwrap().stop {}
    tr.end(net).unwrap();
}

/// fit(A); fit(B) in memory, and fit(A); save with the optimiser; load; fit(B): the saved
/// bytes of both (with the optimiser state) must be equal.
fn resumes_exactly(config: &str, a: &[f32], b: &[f32], opts: &str) {
    let mut kept = Autoencoder::new(ModelConfig::from_json(config).unwrap()).unwrap();
    let mut tr = Trainer::new();
    fit(&mut kept, &mut tr, opts, a);
    let saved = encode(&kept, "{}", NUM, tr.saved_state().unwrap()).unwrap();
    // an even version: the optimiser's state follows the weights (2 numeric, 4 text)
    assert_eq!(u32::from_le_bytes(saved[8..12].try_into().unwrap()) % 2, OPTIMIZER_FORMAT_VERSION % 2);
    fit(&mut kept, &mut tr, opts, b);

    let file = decode(&saved).unwrap();
    assert!(file.optimizer.is_some());
    let (mut back, mut tr2) = (file.model, Trainer::resumed(file.optimizer));
    fit(&mut back, &mut tr2, opts, b);
    let want = encode(&kept, "{}", NUM, tr.saved_state().unwrap()).unwrap();
    assert_eq!(encode(&back, "{}", NUM, tr2.saved_state().unwrap()).unwrap(), want, "{config} {opts}");

    // without the state the second fit starts a fresh optimiser: not the same weights
    let mut fresh = decode(&saved).unwrap().model;
    fit(&mut fresh, &mut Trainer::new(), opts, b);
    assert_ne!(fresh.params(), kept.params());
}

#[test]
fn numeric_models_resume_bit_for_bit_with_each_optimiser() {
    let (a, b) = (low_rank_data(40, 6, 1), low_rank_data(30, 6, 2));
    let config = r#"{"inputSize":6,"encoder":[5,2],"seed":4}"#;
    for opts in [
        r#"{"epochs":2,"batchSize":8,"seed":3}"#,
        r#"{"epochs":2,"batchSize":8,"seed":3,"optimizer":"adamw","weightDecay":0.01}"#,
        r#"{"epochs":2,"batchSize":8,"seed":3,"optimizer":"sgd","momentum":0.9,"learningRate":0.01}"#,
        r#"{"epochs":1,"batchSize":7,"seed":9,"noise":{"gaussian":0.1}}"#,
    ] {
        resumes_exactly(config, &a, &b, opts);
    }
    resumes_exactly(r#"{"inputSize":6,"encoder":[5,2],"variational":true}"#, &a, &b, r#"{"epochs":2,"batchSize":8}"#);
}

#[test]
fn token_models_resume_bit_for_bit() {
    let ids = |seed: usize| -> Vec<f32> { (0..24 * 6).map(|i| ((i * 7 + seed) % 5 + 3) as f32).collect() };
    let config = r#"{"inputSize":48,"encoder":[8,2],"loss":"cce","tokens":{"table":8,"length":6,"vocab":8,"context":2}}"#;
    resumes_exactly(config, &ids(1), &ids(2), r#"{"epochs":2,"batchSize":5,"noise":{"mask":0.1,"context":0.2}}"#);
}

#[test]
fn the_default_file_stays_version_1_and_a_new_model_has_no_state_to_save() {
    let net = Autoencoder::new(ModelConfig::from_json(r#"{"inputSize":4,"encoder":[2]}"#).unwrap()).unwrap();
    let tr = Trainer::new();
    assert!(tr.saved_state().unwrap().is_none());
    let bytes = encode(&net, "{}", NUM, None).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), FORMAT_VERSION);
    assert!(decode(&bytes).unwrap().optimizer.is_none());
    let mut training = Trainer::new();
    training.begin(&net, options("{}"), [1.0; 8], 2, None).unwrap();
    assert_eq!(training.saved_state().unwrap_err().code(), "INVALID_STATE");
}

#[test]
fn a_damaged_optimiser_block_is_corrupt_model() {
    let mut net = Autoencoder::new(ModelConfig::from_json(r#"{"inputSize":4,"encoder":[3,2]}"#).unwrap()).unwrap();
    let mut tr = Trainer::new();
    fit(&mut net, &mut tr, r#"{"epochs":1}"#, &low_rank_data(10, 4, 1));
    let good = encode(&net, "{}", NUM, tr.saved_state().unwrap()).unwrap();
    let n = net.params().len();
    let block = good.len() - 4 - (8 * n + 16);
    let refused = |edit: &dyn Fn(&mut Vec<u8>), why: &str| {
        let mut bytes = good.clone();
        edit(&mut bytes);
        reseal(&mut bytes);
        let err = decode(&bytes).err().unwrap_or_else(|| panic!("{why}: loaded"));
        assert_eq!(err.code(), "CORRUPT_MODEL", "{why}: {err}");
        err.message().to_string()
    };
    let msg = refused(&|b| b[block..block + 4].copy_from_slice(&f32::NAN.to_le_bytes()), "NaN moment");
    assert!(msg.contains("moment"), "{msg}");
    refused(&|b| b[block + 4 * n..block + 4 * n + 4].copy_from_slice(&(-1.0f32).to_le_bytes()), "negative v");
    refused(&|b| b[block + 8 * n..block + 8 * n + 8].copy_from_slice(&2.0f64.to_le_bytes()), "beta power 2");
    refused(&|b| b.drain(block..block + 4).for_each(drop), "a truncated block");
    // the header says sgd (one moment) but the block holds two
    let sgd = |b: &mut Vec<u8>| {
        let at = b.windows(13).position(|w| w == br#""kind":"adam""#).expect("the header names adam");
        b[at..at + 13].copy_from_slice(br#""kind":"sgd" "#);
    };
    let msg = refused(&sgd, "kind");
    assert!(msg.contains("length"), "{msg}");
    // version 1 with the block, and version 2 without
    refused(&|b| b[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes()), "v1 with an optimizer field");
    let plain = encode(&net, "{}", NUM, None).unwrap();
    let mut v2 = plain.clone();
    v2[8..12].copy_from_slice(&OPTIMIZER_FORMAT_VERSION.to_le_bytes());
    reseal(&mut v2);
    assert_eq!(decode(&v2).err().unwrap().code(), "CORRUPT_MODEL");
}
