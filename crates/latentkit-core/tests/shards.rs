// Gradient shards (training option `shards`, `train::session::shards`): the weights after
// training do not depend on where the shards were computed (all in one session, or split
// between two copies of the model as two workers would), S = 1 is the unsharded path where
// no batch-level term couples the rows, and the option is refused where it cannot work.

mod common;

use common::*;
use latentkit_core::{shard_range, Autoencoder, ModelConfig, TrainOptions, Trainer};

/// A numeric model (noise on, so the batch's random draws are part of what must agree).
fn numeric() -> (ModelConfig, Vec<f32>) {
    (keras_config(40, 3), low_rank_data(150, 40, 9))
}

/// A conditional text model (labels as the last column) and its rows.
fn text(labels: bool) -> (ModelConfig, Vec<f32>) {
    let extra = if labels { r#","labels":2"# } else { "" };
    let config = ModelConfig::from_json(&format!(
        r#"{{"inputSize":60,"tokens":{{"table":8,"length":6,"vocab":10,"context":1{extra}}},"encoder":[24,4],"activation":"tanh","loss":"cce","seed":5}}"#
    ))
    .unwrap();
    let mut data = Vec::new();
    for r in 0..90 {
        let len = 2 + r % 4;
        for p in 0..6 {
            data.push(if p < len { (2 + (r * 7 + p * 3) % 8) as f32 } else if p == len { 1.0 } else { 0.0 });
        }
        if labels {
            data.push((r % 2) as f32);
        }
    }
    (config, data)
}

/// Trains with the session's own `step` (every shard in one place); returns the weights.
fn trained_in_one_place(config: &ModelConfig, data: &[f32], json: &str) -> Vec<f32> {
    let mut net = Autoencoder::new(config.clone()).unwrap();
    train(&mut net, options(json), data, None).unwrap();
    net.params().to_vec()
}

/// Trains two copies of the model as two workers would: copy 0 computes the even shards,
/// copy 1 the odd ones, each phase's buffers are exchanged, both add the gradients in shard
/// order and take the same step. Returns both copies' weights.
fn trained_by_two_copies(config: &ModelConfig, data: &[f32], json: &str) -> [Vec<f32>; 2] {
    let mut nets = [Autoencoder::new(config.clone()).unwrap(), Autoencoder::new(config.clone()).unwrap()];
    let mut trainers = [Trainer::new(), Trainer::new()];
    let rows = data.len() / nets[0].data_cols();
    for (t, net) in trainers.iter_mut().zip(&nets) {
        t.begin(net, options(json), data, rows, None).unwrap();
    }
    let (n, latent) = (nets[0].params().len(), nets[0].latent_size());
    loop {
        let mut b = 0;
        for (t, net) in trainers.iter_mut().zip(&nets) {
            b = t.session_mut().unwrap().begin_batch(net).unwrap();
        }
        let count = trainers[0].session_mut().unwrap().shard_count();
        let owner = |s: usize| s % 2;
        let coupled = trainers[0].session_mut().unwrap().coupled();
        let mut dcodes = vec![0f32; b * latent];
        let mut value = 0.0;
        if coupled {
            let mut codes = vec![0f32; b * latent];
            for s in 0..count {
                let r = shard_range(b, count, s);
                let w = owner(s);
                trainers[w].session_mut().unwrap().shard_forward(&nets[w], s, &mut codes[r.start * latent..r.end * latent]).unwrap();
            }
            // every copy computes the batch level (and steps its adversary) from all codes
            for (t, net) in trainers.iter_mut().zip(&nets) {
                value = t.session_mut().unwrap().code_gradient(net, &codes, &mut dcodes).unwrap();
            }
        }
        let mut parts = vec![vec![0f32; n]; count];
        let mut losses = vec![0f64; count];
        for s in 0..count {
            let w = owner(s);
            losses[s] = trainers[w].session_mut().unwrap().shard_gradient(&nets[w], s, &dcodes, &mut parts[s]).unwrap();
        }
        let mut sum = parts[0].clone();
        for part in &parts[1..] {
            sum.iter_mut().zip(part).for_each(|(g, p)| *g += p);
        }
        let loss = losses.iter().sum::<f64>() + value;
        let mut stop = false;
        for (t, net) in trainers.iter_mut().zip(nets.iter_mut()) {
            stop = t.end_batch(net, &sum, loss).unwrap().stop;
        }
        if stop {
            break;
        }
    }
    nets.map(|net| net.params().to_vec())
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn the_weights_do_not_depend_on_where_the_shards_are_computed() {
    let cases = [
        (numeric(), r#"{"epochs":3,"batchSize":32,"seed":4,"noise":{"gaussian":0.1,"mask":0.1}}"#),
        (numeric(), r#"{"epochs":2,"batchSize":32,"seed":4,"clipNorm":0.5}"#),
        (text(false), r#"{"epochs":3,"batchSize":16,"seed":2,"learningRate":0.01,"mmd":1,"noise":{"mask":0.1,"context":0.2}}"#),
        (text(true), r#"{"epochs":3,"batchSize":16,"seed":2,"learningRate":0.01,"mmd":1,"adversary":5}"#),
        (text(true), r#"{"epochs":2,"batchSize":16,"seed":2,"learningRate":0.01}"#),
    ];
    for ((config, data), json) in cases {
        // 40 shards of a 32-row batch: some shards are empty
        for shards in [2, 3, 4, 7, 40] {
            let json = json.replacen('{', &format!(r#"{{"shards":{shards},"#), 1);
            let here = trained_in_one_place(&config, &data, &json);
            let [a, b] = trained_by_two_copies(&config, &data, &json);
            assert_eq!(bits(&here), bits(&a), "{json}: two copies differ from one place");
            assert_eq!(bits(&a), bits(&b), "{json}: the two copies drifted apart");
            let start = Autoencoder::new(config.clone()).unwrap();
            assert_ne!(bits(&here), bits(start.params()), "{json}: nothing was trained");
        }
    }
}

#[test]
fn one_shard_is_the_unsharded_path_unless_a_term_couples_the_batch() {
    // Without a coupling term, one shard runs the very same operations as no sharding.
    for ((config, data), json) in [(numeric(), r#"{"epochs":2,"batchSize":32,"seed":4}"#), (text(true), r#"{"epochs":2,"batchSize":16,"seed":2}"#)] {
        let plain = trained_in_one_place(&config, &data, json);
        let one = trained_in_one_place(&config, &data, &json.replacen('{', r#"{"shards":1,"#, 1));
        assert_eq!(bits(&plain), bits(&one), "{json}");
    }
    // With MMD, the unsharded path adds each pair's term into ∂loss/∂codes as it goes, where
    // the sharded one adds the finished ∂MMD/∂codes: the same sum in another order, so the
    // bits may differ, not the training.
    let (config, data) = text(false);
    let json = r#"{"epochs":3,"batchSize":16,"seed":2,"learningRate":0.01,"mmd":1}"#;
    let plain = trained_in_one_place(&config, &data, json);
    let one = trained_in_one_place(&config, &data, &json.replacen('{', r#"{"shards":1,"#, 1));
    let worst = plain.iter().zip(&one).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
    assert!(worst < 1e-3, "shards 1 strays {worst} from the unsharded weights");
}

#[test]
fn sharded_training_learns_like_unsharded_training() {
    let (config, data) = numeric();
    let json = r#"{"epochs":20,"batchSize":32,"seed":4,"learningRate":0.003}"#;
    let loss_of = |json: &str| {
        let mut net = Autoencoder::new(config.clone()).unwrap();
        let (epochs, _) = train(&mut net, options(json), &data, None).unwrap();
        (epochs[0].0, epochs.last().unwrap().0)
    };
    let (first, plain) = loss_of(json);
    let (_, sharded) = loss_of(&json.replacen('{', r#"{"shards":4,"#, 1));
    assert!(sharded < 0.7 * first, "sharded training did not learn: {first} -> {sharded}");
    assert!((sharded - plain).abs() < 0.02 * plain, "sharded loss {sharded} vs unsharded {plain}");
}

#[test]
fn shards_are_refused_where_they_cannot_work() {
    let bad = TrainOptions::from_json(r#"{"shards":257}"#).unwrap_err();
    assert_eq!(bad.code(), "INVALID_OPTION");
    let vae = ModelConfig::from_json(r#"{"inputSize":40,"encoder":[8],"variational":true,"seed":1}"#).unwrap();
    let mut net = Autoencoder::new(vae).unwrap();
    let err = train(&mut net, options(r#"{"shards":2}"#), &low_rank_data(20, 40, 1), None).unwrap_err();
    assert!(err.code() == "INVALID_OPTION" && err.to_string().contains("variational"), "{err}");

    // the phases out of order are errors, never a wrong gradient
    let (config, data) = text(false);
    let net = Autoencoder::new(config).unwrap();
    let mut trainer = Trainer::new();
    trainer.begin(&net, options(r#"{"shards":2,"batchSize":16,"mmd":1}"#), &data[..], data.len() / 6, None).unwrap();
    let n = net.params().len();
    let session = trainer.session_mut().unwrap();
    let mut grads = vec![0f32; n];
    assert_eq!(session.shard_gradient(&net, 0, &[], &mut grads).unwrap_err().code(), "INVALID_STATE");
    let b = session.begin_batch(&net).unwrap();
    let dcodes = vec![0f32; b * net.latent_size()];
    assert_eq!(session.shard_gradient(&net, 0, &dcodes, &mut grads).unwrap_err().code(), "INVALID_STATE", "no forward pass yet");
    let mut codes = vec![0f32; b * net.latent_size()];
    assert_eq!(session.shard_forward(&net, 2, &mut codes).unwrap_err().code(), "INVALID_OPTION", "shard 2 of 2");
    assert_eq!(session.shard_forward(&net, 0, &mut codes[..3]).unwrap_err().code(), "SHAPE_MISMATCH");
    assert_eq!(session.shard_gradient(&net, 0, &dcodes, &mut grads[..n - 1]).unwrap_err().code(), "SHAPE_MISMATCH");
}
