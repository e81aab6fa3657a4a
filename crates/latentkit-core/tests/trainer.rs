// The trainer's life cycle: idle / training, begin, step, end, abort.
mod common;

use common::*;
use latentkit_core::{Autoencoder, Trainer};

fn small_net() -> Autoencoder {
    let mut cfg = keras_config(10, 1);
    cfg.encoder = vec![8, 3];
    cfg.decoder = None;
    Autoencoder::new(cfg).unwrap()
}

#[test]
fn one_session_at_a_time_and_none_after_the_end() {
    let data = low_rank_data(40, 10, 1);
    let mut net = small_net();
    let mut tr = Trainer::new();
    assert_eq!(tr.step(&mut net, 1).err().unwrap().code(), "INVALID_STATE");
    assert_eq!(tr.end(&mut net).err().unwrap().code(), "INVALID_STATE");
    assert_eq!(tr.abort().err().unwrap().code(), "INVALID_STATE");
    tr.begin(&net, options("{}"), &data[..], 40, None).unwrap();
    assert!(tr.is_training());
    let err = tr.begin(&net, options("{}"), &data[..], 40, None).err().unwrap();
    assert_eq!(err.code(), "INVALID_STATE");
    assert!(!err.message().contains("trainEnd"), "core messages name no JS method: {}", err.message());
    tr.step(&mut net, 1).unwrap();
    tr.end(&mut net).unwrap();
    assert!(!tr.is_training());
    assert_eq!(tr.step(&mut net, 1).err().unwrap().code(), "INVALID_STATE");
}

#[test]
fn a_second_session_continues_the_optimiser_of_the_first() {
    let data = low_rank_data(40, 10, 2);
    let o = r#"{"epochs":1,"batchSize":8,"seed":3}"#;
    let run = |carry: bool| {
        let mut net = small_net();
        let mut tr = Trainer::new();
        for _ in 0..2 {
            if !carry {
                tr = Trainer::new();
            }
            tr.begin(&net, options(o), &data[..], 40, None).unwrap();
            while !tr.step(&mut net, 3).unwrap().stop {}
            tr.end(&mut net).unwrap();
        }
        net.weights_digest()
    };
    // Adam's moments and step count carry over: not the same as two fresh optimisers
    assert_ne!(run(true), run(false));
    assert_eq!(run(true), run(true));
}

#[test]
fn a_refused_begin_keeps_the_carried_optimiser() {
    let data = low_rank_data(40, 10, 2);
    let o = r#"{"epochs":1,"batchSize":8,"seed":3}"#;
    let run = |refused_in_between: bool| {
        let mut net = small_net();
        let mut tr = Trainer::new();
        for i in 0..2 {
            if i == 1 && refused_in_between {
                assert!(tr.begin(&net, options(o), [f32::NAN; 10], 1, None).is_err());
            }
            tr.begin(&net, options(o), &data[..], 40, None).unwrap();
            while !tr.step(&mut net, 3).unwrap().stop {}
            tr.end(&mut net).unwrap();
        }
        net.weights_digest()
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn end_restores_the_best_weights_and_abort_keeps_the_last_batch() {
    let data = low_rank_data(200, 10, 4);
    let (train_rows, val_rows) = data.split_at(150 * 10);
    let o = r#"{"epochs":50,"learningRate":1e-9,"earlyStopping":{"monitor":"valLoss","patience":3,"minDelta":0.01}}"#;
    let run = |abort: bool| {
        let mut net = small_net();
        let mut tr = Trainer::new();
        tr.begin(&net, options(o), train_rows, 150, Some((val_rows, 50))).unwrap();
        while !tr.step(&mut net, 100).unwrap().stop {}
        let last = net.weights_digest();
        let summary = if abort { tr.abort() } else { tr.end(&mut net) }.unwrap();
        (summary.restored, last, net.weights_digest())
    };
    let (restored, last, now) = run(false);
    assert!(restored);
    assert_ne!(last, now, "end() put the best epoch's weights back");
    let (restored, last, now) = run(true);
    assert!(!restored);
    assert_eq!(last, now, "abort() keeps the last finished batch");
}

#[test]
fn divergence_ends_the_session() {
    let data = low_rank_data(40, 10, 5);
    let mut net = small_net();
    let mut tr = Trainer::new();
    tr.begin(&net, options(r#"{"learningRate":1e30,"optimizer":"sgd"}"#), &data[..], 40, None).unwrap();
    let mut diverged = false;
    for _ in 0..100 {
        match tr.step(&mut net, 5) {
            Ok(r) if r.stop => break,
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.code(), "DIVERGED");
                diverged = true;
                break;
            }
        }
    }
    assert!(diverged);
    assert!(!tr.is_training());
    assert_eq!(tr.step(&mut net, 1).err().unwrap().code(), "INVALID_STATE");
    tr.begin(&net, options("{}"), &data[..], 40, None).unwrap();
}

#[test]
fn a_validation_loss_that_overflows_is_diverged_with_the_weights_rolled_back() {
    let data = low_rank_data(40, 10, 4);
    // finite validation rows whose squared error overflows float32
    let val = vec![1e30f32; 20];
    let mut net = small_net();
    let before = net.params().to_vec();
    let mut tr = Trainer::new();
    tr.begin(&net, options(r#"{"epochs":3,"batchSize":8}"#), &data[..], 40, Some((&val, 2))).unwrap();
    let err = loop {
        match tr.step(&mut net, 100) {
            Ok(r) => assert!(!r.stop, "ended without noticing the validation loss"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.code(), "DIVERGED");
    assert!(err.message().contains("epoch 1"), "{}", err.message());
    assert_eq!(net.params(), &before[..], "back at the start of the failed epoch");
    assert!(!tr.is_training());
    assert!(tr.saved_state().unwrap().is_none(), "the optimiser starts afresh after a divergence");
}

#[test]
fn an_epoch_ending_with_a_weight_beyond_2_to_the_64_is_diverged() {
    // the first input column is always 0, so its weights (here 1e20) never reach the loss
    let config = latentkit_core::ModelConfig::from_json(r#"{"inputSize":2,"encoder":[2]}"#).unwrap();
    let mut params = Autoencoder::new(config.clone()).unwrap().params().to_vec();
    params[0] = 1e20;
    let mut net = Autoencoder::from_parts(config, params).unwrap();
    let data: Vec<f32> = (0..20).flat_map(|i| [0.0, (i % 5) as f32 / 5.0]).collect();
    let mut tr = Trainer::new();
    tr.begin(&net, options(r#"{"epochs":2,"batchSize":4}"#), &data[..], 20, None).unwrap();
    let err = loop {
        if let Err(e) = tr.step(&mut net, 100) {
            break e;
        }
    };
    assert_eq!(err.code(), "DIVERGED");
    assert!(err.message().contains("beyond ±2^64") && err.message().contains("epoch 1"), "{}", err.message());
}
