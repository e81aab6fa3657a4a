// Gradient shards (training option `shards`, `train::session::shards`): the weights after
// training do not depend on where the shards were computed (all in one session, or split
// between two copies of the model as two workers would), S = 1 is the unsharded path where
// no batch-level term couples the rows, and the option is refused where it cannot work.

mod common;

use common::*;
use latentkit_core::{Autoencoder, Error, Exchange, ModelConfig, TrainOptions, Trainer};
use std::ops::Range;
use std::sync::{Arc, Barrier, Mutex};

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

/// What the workers' threads share: the buffers of the call in progress and a barrier.
struct Board {
    values: Mutex<Vec<f32>>,
    barrier: Barrier,
}

/// One worker's side of the exchange: writes its range, waits for the others, reads theirs,
/// and waits again so that nobody writes the next call's values before all have read.
struct ThreadExchange {
    board: Arc<Board>,
    calls: usize,
    /// Fail at this call (a worker that dies mid-batch).
    fail_at: Option<usize>,
}

impl Exchange for ThreadExchange {
    fn exchange(&mut self, values: &mut [f32], mine: Range<usize>) -> latentkit_core::Result<()> {
        self.calls += 1;
        if self.fail_at == Some(self.calls) {
            return Err(Error::InvalidState("worker gone".into()));
        }
        {
            let mut shared = self.board.values.lock().unwrap();
            let len = shared.len().max(values.len());
            shared.resize(len, 0.0);
            shared[mine.clone()].copy_from_slice(&values[mine]);
        }
        self.board.barrier.wait();
        values.copy_from_slice(&self.board.values.lock().unwrap()[..values.len()]);
        self.board.barrier.wait();
        Ok(())
    }
}

/// Trains with `workers` threads, each with its own copy of the model and session (worker w
/// of W), exchanging through a `ThreadExchange`. Returns every worker's weights.
fn trained_by_workers(config: &ModelConfig, data: &[f32], json: &str, workers: usize) -> Vec<Vec<f32>> {
    let board = Arc::new(Board { values: Mutex::new(Vec::new()), barrier: Barrier::new(workers) });
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let (config, data, board) = (config.clone(), data.to_vec(), board.clone());
            let json = json.replacen('{', &format!(r#"{{"workers":{workers},"worker":{w},"#), 1);
            std::thread::spawn(move || {
                let mut net = Autoencoder::new(config).unwrap();
                let mut trainer = Trainer::new();
                let rows = data.len() / net.data_cols();
                trainer.begin(&net, options(&json), data, rows, None).unwrap();
                let mut ex = ThreadExchange { board, calls: 0, fail_at: None };
                while !trainer.step_with(&mut net, 3, Some(&mut ex)).unwrap().stop {}
                trainer.end(&mut net).unwrap();
                net.params().to_vec()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn the_weights_do_not_depend_on_how_many_workers_computed_the_shards() {
    let cases = [
        (numeric(), r#"{"epochs":3,"batchSize":32,"seed":4,"noise":{"gaussian":0.1,"mask":0.1}}"#),
        (numeric(), r#"{"epochs":2,"batchSize":32,"seed":4,"clipNorm":0.5}"#),
        (text(false), r#"{"epochs":3,"batchSize":16,"seed":2,"learningRate":0.01,"mmd":1,"noise":{"mask":0.1,"context":0.2}}"#),
        (text(true), r#"{"epochs":3,"batchSize":16,"seed":2,"learningRate":0.01,"mmd":1,"adversary":5}"#),
        (text(true), r#"{"epochs":2,"batchSize":16,"seed":2,"learningRate":0.01}"#),
    ];
    for ((config, data), json) in cases {
        // 40 shards of a 32-row batch: some shards are empty; 3 shards of 2 workers: uneven
        for (shards, counts) in [(4, &[2, 3, 4][..]), (3, &[2, 3]), (8, &[2, 4, 8]), (5, &[2]), (40, &[2])] {
            let json = json.replacen('{', &format!(r#"{{"shards":{shards},"#), 1);
            let here = bits(&trained_in_one_place(&config, &data, &json));
            for &workers in counts {
                for (w, weights) in trained_by_workers(&config, &data, &json, workers).iter().enumerate() {
                    assert_eq!(here, bits(weights), "{json}: worker {w} of {workers} differs from one place");
                }
            }
            let start = Autoencoder::new(config.clone()).unwrap();
            assert_ne!(here, bits(start.params()), "{json}: nothing was trained");
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

    // workers: each one's group of shards must be a node of the sum tree
    assert!(latentkit_core::workers_fit(4, 3) && latentkit_core::workers_fit(3, 2) && !latentkit_core::workers_fit(8, 3));
    for json in [r#"{"shards":4,"workers":5}"#, r#"{"shards":8,"workers":3}"#, r#"{"shards":4,"workers":2,"worker":2}"#, r#"{"workers":2}"#, r#"{"shards":4,"workers":0}"#] {
        assert_eq!(TrainOptions::from_json(json).unwrap_err().code(), "INVALID_OPTION", "{json}");
    }
    // a session of several workers without its exchange
    let (config, data) = numeric();
    let mut net = Autoencoder::new(config).unwrap();
    let mut trainer = Trainer::new();
    trainer.begin(&net, options(r#"{"shards":4,"workers":2,"worker":1,"batchSize":32}"#), &data[..], 150, None).unwrap();
    assert_eq!(trainer.step(&mut net, 1).unwrap_err().code(), "INVALID_STATE");
}

#[test]
fn a_failed_exchange_ends_the_session_with_the_last_finished_batch() {
    let (config, data) = text(true);
    let json = r#"{"shards":4,"workers":2,"worker":0,"epochs":2,"batchSize":16,"seed":2,"mmd":1,"adversary":5}"#;
    let mut net = Autoencoder::new(config).unwrap();
    let mut trainer = Trainer::new();
    trainer.begin(&net, options(json), &data[..], 90, None).unwrap();
    // a lone worker 0: its partner "answers" with zeros until the 5th call fails
    let board = Arc::new(Board { values: Mutex::new(Vec::new()), barrier: Barrier::new(1) });
    let mut ex = ThreadExchange { board, calls: 0, fail_at: Some(5) };
    trainer.step_with(&mut net, 2, Some(&mut ex)).unwrap(); // 2 batches: 4 calls
    let before = bits(net.params());
    assert_eq!(trainer.step_with(&mut net, 1, Some(&mut ex)).unwrap_err().code(), "INVALID_STATE");
    assert_eq!(before, bits(net.params()), "a failed batch changed the weights");
    assert!(!trainer.is_training());
}
