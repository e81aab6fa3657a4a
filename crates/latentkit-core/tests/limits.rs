// Sizes are checked before allocation (issue #11, cause 1): every result is bounded by
// MAX_OUTPUT_VALUES, a training batch's working memory by MAX_WORKSPACE_VALUES, and inference
// chunks its rows so its scratch stays within that budget; non-finite results are refused.
mod common;

use common::*;
use latentkit_core::limits::{rows_within_budget, MAX_OUTPUT_VALUES, MAX_WORKSPACE_VALUES};
use latentkit_core::{Autoencoder, ModelConfig, Trainer};

fn wide_decoder() -> Autoencoder {
    Autoencoder::new(ModelConfig::from_json(r#"{"inputSize":65536,"encoder":[1]}"#).unwrap()).unwrap()
}

#[test]
fn decode_refuses_results_above_the_output_limit_before_allocating() {
    let net = wide_decoder();
    // 4,096 rows x 65,536 = 2^28 values is the limit; one row more, or 65,536 rows (2^32,
    // which wraps to 0 in a 32-bit usize), is TOO_LARGE
    for rows in [4097usize, 65_536, 65_537, 200_000] {
        let err = net.decode(&vec![0.0; rows], rows).unwrap_err();
        assert_eq!(err.code(), "TOO_LARGE", "{rows} rows: {err}");
        assert!(err.message().contains("at most 4096 rows"), "{}", err.message());
    }
    assert_eq!(net.decode(&[0.5; 3], 3).unwrap().len(), 3 * 65_536);
    assert_eq!(MAX_OUTPUT_VALUES, 4096 * 65_536);
}

#[test]
fn reconstruct_bounds_its_codes_too() {
    // 1 input column, 65,536 latent units: the codes in between are rows x 65,536
    let net = Autoencoder::new(ModelConfig::from_json(r#"{"inputSize":1,"encoder":[65536]}"#).unwrap()).unwrap();
    assert_eq!(net.reconstruct(&vec![0.0; 5000], 5000).unwrap_err().code(), "TOO_LARGE");
    assert_eq!(net.encode(&vec![0.0; 5000], 5000).unwrap_err().code(), "TOO_LARGE");
    assert_eq!(net.reconstruct(&[1.0, 2.0], 2).unwrap().len(), 2);
}

fn token_config(length: usize, vocab: usize) -> ModelConfig {
    let json = format!(
        r#"{{"inputSize":{},"encoder":[1,1],"loss":"cce","tokens":{{"table":8,"length":{length},"vocab":{vocab}}}}}"#,
        length * vocab
    );
    ModelConfig::from_json(&json).unwrap()
}

#[test]
fn a_training_batch_above_the_workspace_budget_is_too_large_and_names_what_to_lower() {
    // issue #11 1c: 4,096 positions x 1,024 tokens, batch 256: the text head alone needs ~4.5 M values a row
    let net = Autoencoder::new(token_config(4096, 1024)).unwrap();
    let data = vec![3.0f32; 256 * 4096];
    let mut tr = Trainer::new();
    let err = tr.begin(&net, options(r#"{"batchSize":256,"epochs":1}"#), &data[..], 256, None).unwrap_err();
    assert_eq!(err.code(), "TOO_LARGE");
    for word in ["batchSize 256", "maxLength 4096", "vocabulary 1024", "use batchSize 28 or less"] {
        assert!(err.message().contains(word), "{word}: {}", err.message());
    }
    assert!(!tr.is_training());
    // the batch it names fits
    let mut tr = Trainer::new();
    tr.begin(&net, options(r#"{"batchSize":28,"epochs":1}"#), &data[..28 * 4096], 28, None).unwrap();
}

#[test]
fn inference_chunks_wide_rows_within_the_budget_and_gives_the_same_results() {
    let net = Autoencoder::new(token_config(512, 1024)).unwrap();
    let rows = 9;
    let ids: Vec<f32> = (0..rows * 512).map(|i| ((i * 7) % 1021 + 3) as f32).collect();
    let all = net.encode(&ids, rows).unwrap();
    let one_by_one: Vec<f32> = ids.chunks(512).flat_map(|r| net.encode(r, 1).unwrap()).collect();
    assert_eq!(all, one_by_one);
    assert_eq!(rows_within_budget(1 << 20, 256, "x").unwrap(), 128);
    assert_eq!(rows_within_budget(1, 256, "x").unwrap(), 256);
    let err = rows_within_budget(MAX_WORKSPACE_VALUES as u64 + 1, 256, "decode").unwrap_err();
    assert_eq!(err.code(), "TOO_LARGE");
}

#[test]
fn results_that_overflow_float32_are_refused_not_returned() {
    // weights and inputs of 1e20: every product is 1e40, past float32's 3.4e38
    let config = ModelConfig::from_json(r#"{"inputSize":6,"encoder":[4,2],"activation":"linear"}"#).unwrap();
    let n = config.plan().param_count;
    let net = Autoencoder::from_parts(config, vec![1e20; n]).unwrap();
    let huge = [1e20f32; 6];
    for (what, r) in [("encode", net.encode(&huge, 1)), ("reconstruct", net.reconstruct(&huge, 1)), ("score", net.score(&huge, 1))] {
        let err = r.unwrap_err();
        assert_eq!(err.code(), "NON_FINITE_INPUT", "{what}");
        assert!(err.message().contains("overflowed float32") && err.message().contains("scale the data"), "{}", err.message());
    }
    assert_eq!(net.evaluate(&huge, 1).unwrap_err().code(), "NON_FINITE_INPUT");
    let err = net.decode(&[1e20, 1e20], 1).unwrap_err();
    assert!(err.code() == "NON_FINITE_INPUT" && err.message().contains("scale the codes"), "{err}");
}

#[test]
fn sampled_decoding_and_the_encoder_distribution_are_bounded_too() {
    // 300,000 rows x 1,000 positions = 3e8 token ids, above 2^28
    let net = Autoencoder::new(token_config(1000, 3)).unwrap();
    let rows = 300_000;
    let err = net.decode_sampled(&vec![0.0; rows], rows, &[], 0.0, &[], 0.0).unwrap_err();
    assert!(err.code() == "TOO_LARGE" && err.message().contains("decodeSampled"), "{err}");
    // a variational encoder returns 2 x latent a row: 65,536 x 2 x 2,049 > 2^28
    let vae = Autoencoder::new(ModelConfig::from_json(r#"{"inputSize":1,"encoder":[65536],"variational":true}"#).unwrap()).unwrap();
    let err = vae.encode_distribution(&vec![0.0; 2049], 2049).unwrap_err();
    assert!(err.code() == "TOO_LARGE" && err.message().contains("at most 2048 rows"), "{err}");
    assert_eq!(vae.encode_distribution(&[0.5; 2], 2).unwrap().len(), 2 * 2 * 65_536);
}
