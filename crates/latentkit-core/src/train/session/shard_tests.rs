//! A sharded batch's gradient is the unsharded batch's (which `gradcheck` holds to finite
//! differences), up to the order of its sums: the shards' scaling and the two-phase terms
//! (MMD, the label adversary) are checked against it, batch by batch.

use super::TrainSession;
use crate::autoencoder::Autoencoder;
use crate::config::ModelConfig;
use crate::train::options::TrainOptions;

fn numeric() -> (ModelConfig, Vec<f32>) {
    let config = r#"{"inputSize":12,"encoder":[10,3],"activation":"tanh","outputActivation":"sigmoid","loss":"mse","seed":3}"#;
    let data = (0..40 * 12).map(|i| (i * 37 % 101) as f32 / 101.0).collect();
    (ModelConfig::from_json(config).unwrap(), data)
}

fn text() -> (ModelConfig, Vec<f32>) {
    let config = r#"{"inputSize":60,"tokens":{"table":8,"length":6,"vocab":10,"context":1,"labels":3},"encoder":[16,4],"activation":"tanh","loss":"cce","seed":5}"#;
    let mut data = Vec::new();
    for r in 0..40 {
        let len = 2 + r % 4;
        data.extend((0..6).map(|p| if p < len { (2 + (r * 7 + p * 3) % 8) as f32 } else if p == len { 1.0 } else { 0.0 }));
        data.push((r % 3) as f32);
    }
    (ModelConfig::from_json(config).unwrap(), data)
}

/// The first batches' (loss, gradient) without and with `shards` 5.
fn compare(config: ModelConfig, data: &[f32], json: &str) {
    let net = Autoencoder::new(config).unwrap();
    let rows = data.len() / net.data_cols();
    let session = |shards: usize| {
        let options = TrainOptions::from_json(&json.replacen('{', &format!(r#"{{"shards":{shards},"#), 1)).unwrap();
        TrainSession::new(&net, options, data.to_vec(), rows, None, &mut None).unwrap()
    };
    let (mut plain, mut sharded) = (session(0), session(5));
    for batch in 0..3 {
        let (b, b5) = (plain.prepare_batch(&net), sharded.prepare_batch(&net));
        assert_eq!(b, b5);
        let (loss, loss5) = (plain.batch_gradient(&net, b), sharded.sharded_gradient(&net, b, &mut None).unwrap());
        assert!((loss - loss5).abs() <= 1e-5 * loss.abs(), "{json} batch {batch}: loss {loss} vs {loss5}");
        let scale = plain.grads.iter().fold(0f32, |m, g| m.max(g.abs()));
        let worst = plain.grads.iter().zip(&sharded.grads).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(scale > 0.0 && worst <= 1e-5 * scale, "{json} batch {batch}: gradients differ by {worst} (largest {scale})");
        // the next batch from the same weights
        plain.cursor += b;
        sharded.cursor += b;
    }
}

#[test]
fn shard_gradients_add_up_to_the_batch_gradient() {
    let (config, data) = numeric();
    compare(config.clone(), &data, r#"{"batchSize":13,"seed":1}"#);
    compare(config, &data, r#"{"batchSize":16,"seed":1,"noise":{"gaussian":0.2}}"#);
    let (config, data) = text();
    compare(config.clone(), &data, r#"{"batchSize":16,"seed":1}"#);
    compare(config.clone(), &data, r#"{"batchSize":16,"seed":1,"mmd":2}"#);
    compare(config, &data, r#"{"batchSize":16,"seed":1,"mmd":1,"adversary":5,"noise":{"mask":0.2,"context":0.3}}"#);
}
