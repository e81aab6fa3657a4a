mod common;

use common::*;
use latentkit_core::model_file::{decode, encode, FORMAT_VERSION, OPTIMIZER_FORMAT_VERSION};
use latentkit_core::{model_file, Autoencoder, ModelConfig};

fn trained() -> Autoencoder {
    let data = low_rank_data(64, 12, 1);
    let mut cfg = keras_config(12, 3);
    cfg.encoder = vec![8, 3];
    cfg.decoder = None;
    let mut net = Autoencoder::new(cfg).unwrap();
    train(&mut net, options(r#"{"epochs":2}"#), &data, None).unwrap();
    net
}

#[test]
fn round_trip_is_exact_and_saving_is_deterministic() {
    let net = trained();
    let bytes = encode(&net, r#"{"history":[{"epoch":1,"loss":0.5}]}"#, NUM, None).unwrap();
    assert_eq!(bytes, encode(&net, r#"{"history":[{"epoch":1,"loss":0.5}]}"#, NUM, None).unwrap());
    let file = decode(&bytes).unwrap();
    assert_eq!(file.model.params(), net.params());
    assert_eq!(file.model.config(), net.config());
    assert_eq!(file.meta_json, r#"{"history":[{"epoch":1,"loss":0.5}]}"#);
    let data = low_rank_data(5, 12, 9);
    assert_eq!(file.model.reconstruct(&data, 5).unwrap(), net.reconstruct(&data, 5).unwrap());
    assert_eq!(&bytes[..8], b"LATENTKT");
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), FORMAT_VERSION);
}

#[test]
fn every_truncation_is_refused() {
    let bytes = encode(&trained(), "{}", NUM, None).unwrap();
    for len in 0..bytes.len() {
        let err = decode(&bytes[..len]).err().unwrap_or_else(|| panic!("accepted a file cut at {len}"));
        assert_eq!(err.code(), "CORRUPT_MODEL", "cut at {len}");
    }
}

#[test]
fn every_single_bit_flip_is_refused() {
    let bytes = encode(&trained(), "{}", NUM, None).unwrap();
    for i in (0..bytes.len()).step_by(7) {
        for bit in [0, 3, 7] {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            let err = decode(&b).err().unwrap_or_else(|| panic!("accepted a flip at byte {i} bit {bit}"));
            assert!(["CORRUPT_MODEL", "UNSUPPORTED_VERSION"].contains(&err.code()), "flip at {i}: {err:?}");
        }
    }
}

#[test]
fn foreign_bytes_are_refused() {
    for junk in [&b"PK\x03\x04 not a model"[..], b"", b"{\"config\":{}}", &[0u8; 100]] {
        assert_eq!(decode(junk).err().unwrap().code(), "CORRUPT_MODEL");
    }
}

#[test]
fn a_newer_format_version_is_unsupported() {
    let mut bytes = encode(&trained(), "{}", NUM, None).unwrap();
    bytes[8..12].copy_from_slice(&(OPTIMIZER_FORMAT_VERSION + model_file::TEXT_VERSION_OFFSET + 1).to_le_bytes());
    reseal(&mut bytes);
    let err = decode(&bytes).err().unwrap();
    assert_eq!(err.code(), "UNSUPPORTED_VERSION");
    assert!(err.to_string().contains("upgrade latentkit"));
}

#[test]
fn a_resealed_file_with_nan_weights_is_refused() {
    let mut bytes = encode(&trained(), "{}", NUM, None).unwrap();
    let n = bytes.len() - 4;
    bytes[n - 4..n].copy_from_slice(&f32::NAN.to_le_bytes());
    reseal(&mut bytes);
    assert_eq!(decode(&bytes).err().unwrap().code(), "CORRUPT_MODEL");
}

#[test]
fn a_weight_beyond_2_to_the_64_is_corrupt_and_one_at_it_loads() {
    // training stops (DIVERGED) before a weight passes 2^64, so no trained model is refused
    let good = encode(&trained(), "{}", NUM, None).unwrap();
    let n = good.len() - 4;
    for (w, ok) in [(1e30f32, false), (-3.4e38, false), (1.9e19, false), (18_446_744_073_709_551_616.0, true), (-1e19, true)] {
        let mut bytes = good.clone();
        bytes[n - 4..n].copy_from_slice(&w.to_le_bytes());
        reseal(&mut bytes);
        match decode(&bytes) {
            Ok(_) => assert!(ok, "{w} loaded"),
            Err(e) => {
                assert!(!ok && e.code() == "CORRUPT_MODEL", "{w}: {e}");
                assert!(e.message().contains("2^64"), "{}", e.message());
            }
        }
    }
}

#[test]
fn meta_must_be_a_json_object() {
    let net = trained();
    assert_eq!(encode(&net, "[1,2]", NUM, None).err().unwrap().code(), "INVALID_OPTION");
    assert_eq!(encode(&net, "{oops", NUM, None).err().unwrap().code(), "INVALID_OPTION");
}

/// A small text model of the current architecture.
fn text_model() -> Autoencoder {
    let json = r#"{"inputSize":40,"tokens":{"length":5,"vocab":8,"context":2,"table":4,"counts":[9,9,1,5,4,3,2,1]},"encoder":[6,3],"loss":"cce"}"#;
    Autoencoder::new(ModelConfig::from_json(json).unwrap()).unwrap()
}

#[test]
fn text_models_are_versions_3_and_4_and_keep_their_classes() {
    let net = text_model();
    let bytes = model_file::encode(&net, "{}", &|x| format!("{x}"), None).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 3);
    let back = model_file::decode(&bytes).unwrap().model;
    assert_eq!(back.params(), net.params());
    assert_eq!(back.config().classes, net.config().classes);
    assert_eq!(back.config(), net.config());
    let ids = [3.0, 4.0, 1.0, 0.0, 0.0];
    assert_eq!(back.encode(&ids, 1).unwrap(), net.encode(&ids, 1).unwrap());
    // with the optimiser's state: version 4
    let state = latentkit_core::train::optimizer::OptimizerState::new(latentkit_core::train::optimizer::OptimizerKind::Adam, net.params().len());
    let bytes = model_file::encode(&net, "{}", &|x| format!("{x}"), Some(&state)).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 4);
    assert!(model_file::decode(&bytes).unwrap().optimizer.is_some());
}

#[test]
fn old_text_models_are_refused_with_a_message_that_says_to_retrain() {
    let net = text_model();
    let mut bytes = model_file::encode(&net, "{}", &|x| format!("{x}"), None).unwrap();
    // the same file under version 1, as latentkit 0.1 wrote its text models
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    reseal(&mut bytes);
    let err = model_file::decode(&bytes).err().unwrap();
    assert_eq!(err.code(), "UNSUPPORTED_VERSION");
    assert!(err.message().contains("retrain") && err.message().contains("text.train"), "{}", err.message());
    // and a numeric config under a text version is damaged, not a text model
    let numeric = Autoencoder::new(ModelConfig::from_json(r#"{"inputSize":4,"encoder":[2]}"#).unwrap()).unwrap();
    let mut bytes = model_file::encode(&numeric, "{}", &|x| format!("{x}"), None).unwrap();
    bytes[8..12].copy_from_slice(&3u32.to_le_bytes());
    reseal(&mut bytes);
    assert_eq!(model_file::decode(&bytes).err().unwrap().code(), "CORRUPT_MODEL");
}
