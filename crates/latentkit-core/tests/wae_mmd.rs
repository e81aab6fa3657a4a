// The Wasserstein autoencoder's training option `mmd` (λ of the MMD penalty, `layers::mmd`):
// parsed and refused like the other options, deterministic, counted in the training loss but
// not in the validation loss, and it pulls the aggregate of the codes towards N(0, I).

mod common;

use common::*;
use latentkit_core::{Autoencoder, Error, ModelConfig, TrainOptions};

fn wae_config(seed: u64) -> ModelConfig {
    ModelConfig::from_json(&format!(
        r#"{{"inputSize":20,"encoder":[32,4],"decoder":[32],"activation":"tanh","latentActivation":"linear","outputActivation":"sigmoid","loss":"mse","seed":{seed}}}"#
    ))
    .unwrap()
}

/// Σ_j mean_j² + Σ_j (var_j − 1)² of the codes: 0 for the moments of N(0, I).
fn distance_from_prior(codes: &[f32], d: usize) -> f64 {
    let rows = codes.len() / d;
    (0..d)
        .map(|j| {
            let mean = (0..rows).map(|r| codes[r * d + j] as f64).sum::<f64>() / rows as f64;
            let var = (0..rows).map(|r| (codes[r * d + j] as f64 - mean).powi(2)).sum::<f64>() / rows as f64;
            mean * mean + (var - 1.0) * (var - 1.0)
        })
        .sum()
}

#[test]
fn mmd_option_is_parsed_and_bad_values_are_refused() {
    assert_eq!(options("{}").mmd, 0.0);
    assert_eq!(options(r#"{"mmd":10}"#).mmd, 10.0);
    for bad in [r#"{"mmd":-1}"#, r#"{"mmd":1e300}"#, r#"{"mmd":"10"}"#] {
        match TrainOptions::from_json(bad) {
            Err(Error::InvalidOption(m)) => assert!(m.contains("mmd"), "{bad}: {m}"),
            other => panic!("{bad} should be refused, got {other:?}"),
        }
    }
}

#[test]
fn mmd_is_refused_for_a_variational_model() {
    let mut cfg = wae_config(1);
    cfg.variational = Some(latentkit_core::Variational { beta: 1.0, kl_warmup_epochs: 0, free_bits: 0.0 });
    let mut net = Autoencoder::new(cfg).unwrap();
    let data = low_rank_data(40, 20, 1);
    let before = net.weights_digest();
    match train(&mut net, options(r#"{"epochs":1,"mmd":1}"#), &data, None) {
        Err(Error::InvalidOption(m)) => assert!(m.contains("variational"), "{m}"),
        other => panic!("should be refused, got {other:?}"),
    }
    assert_eq!(net.weights_digest(), before);
}

#[test]
fn same_seed_same_weights_and_mmd_zero_is_the_plain_model() {
    let data = low_rank_data(200, 20, 2);
    let run = |json: &str| {
        let mut net = Autoencoder::new(wae_config(3)).unwrap();
        train(&mut net, options(json), &data, None).unwrap();
        net.weights_digest()
    };
    let with = run(r#"{"epochs":2,"batchSize":16,"seed":5,"mmd":10}"#);
    assert_eq!(with, run(r#"{"epochs":2,"batchSize":16,"seed":5,"mmd":10}"#));
    assert_ne!(with, run(r#"{"epochs":2,"batchSize":16,"seed":6,"mmd":10}"#), "the prior's draws follow the seed");
    let plain = run(r#"{"epochs":2,"batchSize":16,"seed":5}"#);
    assert_ne!(with, plain);
    assert_eq!(plain, run(r#"{"epochs":2,"batchSize":16,"seed":5,"mmd":0}"#));
}

#[test]
fn training_loss_counts_the_penalty_and_validation_loss_does_not() {
    let data = low_rank_data(256, 20, 4);
    let losses = |mmd: f64| {
        let mut net = Autoencoder::new(wae_config(4)).unwrap();
        // weights that barely move: the epoch's training loss is the start's loss
        let o = options(&format!(r#"{{"epochs":1,"batchSize":64,"learningRate":1e-9,"mmd":{mmd}}}"#));
        train(&mut net, o, &data, Some(&data)).unwrap().0[0]
    };
    let (plain, plain_val) = losses(0.0);
    let (wae, wae_val) = losses(100.0);
    assert!((plain - plain_val.unwrap()).abs() < 1e-3 * plain, "{plain} vs {plain_val:?}");
    let (plain_val, wae_val) = (plain_val.unwrap(), wae_val.unwrap());
    assert!((plain_val - wae_val).abs() < 1e-6 * plain_val, "validation loss is the reconstruction loss alone: {plain_val} vs {wae_val}");
    assert!(wae > plain + 0.1, "λ·MMD is in the training loss: {wae} vs {plain}");
}

#[test]
fn codes_trained_with_mmd_are_nearer_the_prior() {
    let data = low_rank_data(1024, 20, 5);
    let fit = |mmd: f64| {
        let mut net = Autoencoder::new(wae_config(6)).unwrap();
        let o = options(&format!(r#"{{"epochs":20,"batchSize":64,"learningRate":0.003,"seed":6,"mmd":{mmd}}}"#));
        train(&mut net, o, &data, None).unwrap();
        (distance_from_prior(&net.encode(&data, 1024).unwrap(), 4), net.evaluate(&data, 1024).unwrap())
    };
    let (plain, plain_mse) = fit(0.0);
    let (wae, wae_mse) = fit(10.0);
    assert!(wae < 0.25 * plain && wae < 0.2, "distance of the codes' moments from N(0, I): plain {plain}, mmd {wae}");
    // the penalty shapes the codes without giving up the reconstruction
    let variance = mean_column_variance(&data, 20);
    assert!(wae_mse < 0.5 * variance && wae_mse < 2.0 * plain_mse, "mse plain {plain_mse}, mmd {wae_mse}, variance {variance}");
}

/// The weights digest of a 3-epoch mmd run, pinned here and in the SDK's
/// `test/wae-mmd.test.ts` on the same data, model and options: the two are equal only if the
/// penalty (and its prior draws) give the same bits natively and in wasm.
const PINNED_DIGEST: &str = "eeef7662ac556400b8cd3e5e";

#[test]
fn same_bits_natively_as_the_sdk_pins_in_wasm() {
    // values of exact arithmetic (no libm), as the SDK's test makes them
    let data: Vec<f32> = (0..300 * 12).map(|i| (((i * 7919) % 1000) as f64 / 1000.0) as f32).collect();
    let cfg = ModelConfig::from_json(
        r#"{"inputSize":12,"encoder":[16,5],"decoder":[16],"activation":"tanh","latentActivation":"linear","outputActivation":"linear","loss":"mse","init":"glorotUniform","seed":9}"#,
    )
    .unwrap();
    let mut net = Autoencoder::new(cfg).unwrap();
    // the JSON the SDK sends for { epochs: 3, batchSize: 32, seed: 9, mmd: 10 }
    let o = r#"{"epochs":3,"batchSize":32,"learningRate":0.001,"optimizer":"adam","beta1":0.9,"beta2":0.999,"epsilon":1e-7,"weightDecay":0,"momentum":0,"shuffle":true,"seed":9,"clipNorm":null,"earlyStopping":null,"mmd":10}"#;
    train(&mut net, options(o), &data, None).unwrap();
    assert_eq!(net.weights_digest(), PINNED_DIGEST);
}
