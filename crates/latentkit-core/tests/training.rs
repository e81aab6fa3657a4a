mod common;

use common::*;
use latentkit_core::{Autoencoder, Error, Trainer};

#[test]
fn keras_example_learns_low_rank_data() {
    let data = low_rank_data(1000, 100, 1);
    let variance = mean_column_variance(&data, 100);
    let mut net = Autoencoder::new(keras_config(100, 7)).unwrap();
    let before = net.evaluate(&data, 1000).unwrap();
    let (epochs, _) = train(&mut net, options(r#"{"epochs":15,"batchSize":32,"learningRate":0.003,"seed":7}"#), &data, None).unwrap();
    let after = net.evaluate(&data, 1000).unwrap();
    assert!(epochs.len() == 15);
    assert!(epochs.last().unwrap().0 < epochs[0].0, "loss fell: {epochs:?}");
    assert!(after < 0.5 * variance, "mse {after} should be well below the variance {variance} (before training {before})");
}

#[test]
fn same_seed_same_weights_other_seed_other_weights() {
    let data = low_rank_data(300, 20, 2);
    let run = |seed: u64| {
        let mut cfg = keras_config(20, seed);
        cfg.encoder = vec![16, 4];
        cfg.decoder = None;
        let mut net = Autoencoder::new(cfg).unwrap();
        train(&mut net, options(&format!(r#"{{"epochs":3,"batchSize":16,"seed":{seed}}}"#)), &data, None).unwrap();
        net.weights_digest()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
}

#[test]
fn chunking_of_steps_does_not_change_the_result() {
    let data = low_rank_data(200, 10, 3);
    let run = |chunk: usize| {
        let mut cfg = keras_config(10, 1);
        cfg.encoder = vec![8, 3];
        cfg.decoder = None;
        let mut net = Autoencoder::new(cfg).unwrap();
        let mut s = Trainer::new();
        s.begin(&net, options(r#"{"epochs":2,"batchSize":8}"#), &data[..], 200, None).unwrap();
        while !s.step(&mut net, chunk).unwrap().stop {}
        s.end(&mut net).unwrap();
        net.weights_digest()
    };
    assert_eq!(run(1), run(1000));
}

/// 200 rows of 10 columns (150 to train, 50 to validate) and a 10 -> 8 -> 3 model, for the
/// early-stopping tests, which train it at a learning rate too small to improve: a plateau.
fn plateau_model() -> (Vec<f32>, Autoencoder) {
    let mut cfg = keras_config(10, 1);
    cfg.encoder = vec![8, 3];
    cfg.decoder = None;
    (low_rank_data(200, 10, 4), Autoencoder::new(cfg).unwrap())
}

#[test]
fn early_stopping_stops_on_a_plateau_and_restores_the_best() {
    let (data, mut net) = plateau_model();
    let (train_rows, val_rows) = data.split_at(150 * 10);
    // A learning rate this small cannot improve the loss by minDelta: a plateau.
    let o = options(r#"{"epochs":50,"learningRate":1e-9,"earlyStopping":{"monitor":"valLoss","patience":3,"minDelta":0.01}}"#);
    let before = net.weights_digest();
    let (epochs, summary) = train(&mut net, o, train_rows, Some(val_rows)).unwrap();
    assert_eq!(epochs.len(), 4, "1 best epoch + 3 of patience");
    assert_eq!(summary.best_epoch, Some(1));
    assert!(summary.restored);
    assert!(epochs.iter().all(|e| e.1.is_some()));
    assert_ne!(net.weights_digest(), before, "best epoch's weights, not the initial ones");
}

#[test]
fn the_step_that_stops_early_names_the_best_epoch() {
    let (data, mut net) = plateau_model();
    let (train_rows, val_rows) = data.split_at(150 * 10);
    let o = options(r#"{"epochs":50,"learningRate":1e-9,"earlyStopping":{"monitor":"valLoss","patience":2,"minDelta":0.01}}"#);
    let mut s = Trainer::new();
    s.begin(&net, o, train_rows, 150, Some((val_rows, 50))).unwrap();
    let mut ends = Vec::new();
    loop {
        let r = s.step(&mut net, 1000).unwrap();
        if r.epoch_ended {
            ends.push((r.epoch, r.best_epoch, r.stop_reason));
        }
        if r.stop {
            break;
        }
    }
    s.end(&mut net).unwrap();
    // the SDK's "stopped improving at epoch 3 (best: epoch 1)" comes from the last report
    assert_eq!(ends, vec![(1, Some(1), None), (2, Some(1), None), (3, Some(1), Some("earlyStopping"))]);
}

#[test]
fn the_step_report_without_early_stopping_has_no_best_epoch() {
    let data = low_rank_data(40, 10, 4);
    let mut cfg = keras_config(10, 1);
    cfg.encoder = vec![8, 3];
    cfg.decoder = None;
    let mut net = Autoencoder::new(cfg).unwrap();
    let mut s = Trainer::new();
    s.begin(&net, options(r#"{"epochs":1}"#), &data[..], 40, None).unwrap();
    let r = loop {
        let r = s.step(&mut net, 1000).unwrap();
        if r.stop {
            break r;
        }
    };
    s.end(&mut net).unwrap();
    assert_eq!(r.best_epoch, None);
    assert_eq!(r.stop_reason, Some("epochs"));
}

#[test]
fn monitoring_val_loss_without_validation_data_is_refused() {
    let data = low_rank_data(20, 10, 4);
    let net = Autoencoder::new(keras_config(10, 1)).unwrap();
    let err = Trainer::new().begin(&net, options(r#"{"earlyStopping":{"patience":2}}"#), &data[..], 20, None).err().unwrap();
    assert_eq!(err.code(), "INVALID_OPTION");
}

#[test]
fn divergence_restores_the_last_good_weights_and_leaves_a_usable_model() {
    let data = low_rank_data(64, 10, 5);
    let mut net = Autoencoder::new(keras_config(10, 1)).unwrap();
    let before = net.weights_digest();
    let err = train(&mut net, options(r#"{"optimizer":"sgd","learningRate":1e30,"epochs":3}"#), &data, None).err().unwrap();
    assert!(matches!(err, Error::Diverged(_)), "{err:?}");
    assert!(err.to_string().contains("learningRate"));
    assert_eq!(net.weights_digest(), before, "weights back at the start of the failed epoch");
    assert!(net.encode(&data, 64).unwrap().iter().all(|v| v.is_finite()));
    // and it can still train
    train(&mut net, options(r#"{"epochs":1}"#), &data, None).unwrap();
}

#[test]
fn clip_norm_bounds_the_update() {
    let data = low_rank_data(32, 10, 6);
    let mut net = Autoencoder::new(keras_config(10, 1)).unwrap();
    let p0 = net.params().to_vec();
    // one SGD step with clipNorm 1e-3: the update's norm is lr·clip at most
    train(&mut net, options(r#"{"optimizer":"sgd","learningRate":1.0,"clipNorm":0.001,"epochs":1,"batchSize":32,"shuffle":false}"#), &data, None).unwrap();
    let moved: f64 = net.params().iter().zip(&p0).map(|(a, b)| ((a - b) as f64).powi(2)).sum::<f64>().sqrt();
    assert!(moved > 0.0 && moved <= 1.0001e-3, "moved {moved}");
}

#[test]
fn bad_inputs_get_the_right_codes() {
    let net = Autoencoder::new(keras_config(4, 1)).unwrap();
    let code = |r: Result<Vec<f32>, Error>| r.err().unwrap().code();
    assert_eq!(code(net.encode(&[0.0; 7], 2)), "SHAPE_MISMATCH");
    assert_eq!(code(net.encode(&[], 0)), "EMPTY_DATA");
    assert_eq!(code(net.encode(&[0.0, f32::NAN, 0.0, 0.0], 1)), "NON_FINITE_INPUT");
    assert_eq!(code(net.decode(&[0.0; 4], 1)), "SHAPE_MISMATCH");
    assert_eq!(code(net.encode(&[0.0; 4], usize::MAX)), "TOO_LARGE");
    // bce needs targets in [0, 1]
    let mut cfg = keras_config(2, 1);
    cfg.loss = latentkit_core::Loss::Bce;
    let bce = Autoencoder::new(cfg).unwrap();
    let err = Trainer::new().begin(&bce, options("{}"), [0.5, 1.5], 1, None).err().unwrap();
    assert_eq!(err.code(), "INVALID_OPTION");
    // a failed call leaves the model as it was
    let before = net.weights_digest();
    let _ = Trainer::new().begin(&net, options("{}"), [f32::INFINITY; 4], 1, None);
    assert_eq!(net.weights_digest(), before);
}

#[test]
fn bce_trains_and_stays_finite_on_saturated_targets() {
    let mut cfg = keras_config(6, 2);
    cfg.loss = latentkit_core::Loss::Bce;
    cfg.encoder = vec![4, 2];
    cfg.decoder = None;
    let mut net = Autoencoder::new(cfg).unwrap();
    let data: Vec<f32> = (0..60).map(|i| if i % 3 == 0 { 1.0 } else { 0.0 }).collect();
    let (epochs, _) = train(&mut net, options(r#"{"epochs":30,"learningRate":0.01}"#), &data, None).unwrap();
    assert!(epochs.iter().all(|e| e.0.is_finite()));
    assert!(epochs.last().unwrap().0 < epochs[0].0);
}
