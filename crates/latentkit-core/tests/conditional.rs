// Conditional text models: the label tables, labels as the data's last column, decoding by
// label, the config's `tokens.labels` and its refusals.
mod common;

use common::{options, train, NUM};
use latentkit_core::{model_file, Autoencoder, ModelConfig};

const LENGTH: usize = 6;

fn config(labels: &str) -> ModelConfig {
    ModelConfig::from_json(&format!(
        r#"{{"inputSize":60,"tokens":{{"table":8,"length":{LENGTH},"vocab":10,"context":1{labels}}},"encoder":[48,4],"activation":"tanh","loss":"cce","seed":5}}"#
    ))
    .unwrap()
}

/// Rows of LENGTH ids then a label: label 0 texts are made of tokens 3 and 4, label 1 texts
/// of 5 and 6, in the same patterns (so the code can leave the alphabet to the label).
fn data(rows: usize) -> Vec<f32> {
    let mut out = Vec::new();
    for r in 0..rows {
        let label = r % 2;
        let len = 2 + (r / 2) % 3;
        for p in 0..LENGTH {
            let bit = ((r / 6) >> p) & 1;
            out.push(if p < len { (3 + 2 * label + bit) as f32 } else if p == len { 1.0 } else { 0.0 });
        }
        out.push(label as f32);
    }
    out
}

#[test]
fn labels_are_a_column_of_the_data_and_a_part_of_the_plan() {
    let plain = config("");
    let cond = config(r#","labels":3"#);
    assert_eq!((plain.data_cols(), cond.data_cols()), (LENGTH, LENGTH + 1));
    // the tables (3 × 48 for the encoder's first layer, 3 × 48 for the decoder's) ride in
    // the token table's slice; every other layer keeps its place and size
    let (p, c) = (plain.plan(), cond.plan());
    assert_eq!(c.param_count, p.param_count + 3 * 48 * 2);
    assert_eq!(c.layers[0].weights.len(), p.layers[0].weights.len() + 3 * 96);
    assert_eq!(c.layers[1..].iter().map(|l| l.weights.len()).collect::<Vec<_>>(), p.layers[1..].iter().map(|l| l.weights.len()).collect::<Vec<_>>());
    // the config round-trips its labels, and an unconditional one writes none
    assert!(cond.to_json(NUM).contains(r#""labels":3"#) && !plain.to_json(NUM).contains("labels"));
    assert_eq!(ModelConfig::from_json(&cond.to_json(NUM)).unwrap(), cond);
    // same seed: the weights the two models share are the same (the tables start at zero)
    let (a, b) = (Autoencoder::new(plain).unwrap(), Autoencoder::new(cond).unwrap());
    let e = 10 * 8 + LENGTH * 8;
    assert_eq!(&a.params()[..e], &b.params()[..e]);
    assert!(b.params()[e..e + 3 * 96].iter().all(|&v| v == 0.0));
}

#[test]
fn bad_labels_are_refused() {
    for bad in [r#","labels":1"#, r#","labels":257"#] {
        let err = ModelConfig::from_json(&config("").to_json(NUM).replace(r#""table":8"#, &format!(r#""table":8{bad}"#))).unwrap_err();
        assert_eq!(err.code(), "INVALID_OPTION", "{bad}: {err}");
    }
    let net = Autoencoder::new(config(r#","labels":2"#)).unwrap();
    let mut rows = data(4);
    rows[LENGTH] = 2.0;
    let err = net.encode(&rows, 4).unwrap_err();
    assert!(err.code() == "SHAPE_MISMATCH" && err.message().contains("label"), "{err}");
    let z = vec![0.1f32; 2 * 4];
    assert_eq!(net.decode(&z, 2).unwrap_err().code(), "SHAPE_MISMATCH");
    assert_eq!(net.decode_labelled(&z, 2, &[0.0, 2.0], 0.0).unwrap_err().code(), "INVALID_OPTION");
    assert_eq!(net.decode_labelled(&z, 2, &[0.0, 0.5], 0.0).unwrap_err().code(), "INVALID_OPTION");
    assert_eq!(net.decode_sampled(&z, 2, &[0.5; 10], 1.0, &[1.0], 0.0).unwrap_err().code(), "SHAPE_MISMATCH");
    let plain = Autoencoder::new(config("")).unwrap();
    assert_eq!(plain.decode_labelled(&z, 2, &[0.0, 1.0], 0.0).unwrap_err().code(), "INVALID_OPTION");
}

#[test]
fn the_label_decides_the_alphabet_and_the_file_keeps_the_model() {
    let rows = 96;
    let d = data(rows);
    let run = || {
        let mut net = Autoencoder::new(config(r#","labels":2"#)).unwrap();
        let (epochs, _) = train(&mut net, options(r#"{"epochs":60,"learningRate":0.01,"batchSize":16,"seed":3,"mmd":1}"#), &d, Some(&d[..24 * (LENGTH + 1)])).unwrap();
        (net, epochs)
    };
    let (net, epochs) = run();
    assert!(epochs.last().unwrap().0 < 0.3 * epochs[0].0, "{epochs:?}");
    assert_eq!(net.weights_digest(), run().0.weights_digest(), "same seed, same weights");
    // each text's code decoded with the other label: the other alphabet. The MMD penalty is
    // what makes the code leave the alphabet to the label: without it (measured) the code
    // carries the alphabet too and the decoder ignores the label (0 of 96 here; 84 with it).
    let z = net.encode(&d, rows).unwrap();
    let swapped: Vec<f32> = (0..rows).map(|r| ((r + 1) % 2) as f32).collect();
    let ids = net.decode_sampled(&z, rows, &vec![0.5; rows * (LENGTH - 1)], 0.0, &swapped, 0.0).unwrap();
    let mut follows = 0;
    for r in 0..rows {
        let row = &ids[r * LENGTH..(r + 1) * LENGTH];
        let letters: Vec<f32> = row.iter().copied().filter(|&v| v > 2.0).collect();
        let want = [3.0 + 2.0 * swapped[r], 4.0 + 2.0 * swapped[r]];
        follows += usize::from(!letters.is_empty() && letters.iter().all(|v| want.contains(v)));
    }
    assert!(follows > rows * 3 / 4, "restyled rows in the other alphabet: {follows} of {rows}");
    // reconstruct decodes with each row's own label
    let back = net.reconstruct(&d, rows).unwrap();
    // (positions up to the end: those after it are not trained)
    let upto_end = |r: usize| (0..LENGTH).take_while(|&p| p == 0 || d[r * (LENGTH + 1) + p - 1] != 1.0).collect::<Vec<_>>();
    let own = (0..rows).filter(|&r| upto_end(r).into_iter().all(|p| argmax(&back[(r * LENGTH + p) * 10..(r * LENGTH + p + 1) * 10]) == d[r * (LENGTH + 1) + p] as usize)).count();
    assert!(own > rows * 8 / 10, "exact reconstructions: {own} of {rows}");
    // the model file keeps the labels and the weights, bit for bit
    let bytes = model_file::encode(&net, "{}", NUM, None).unwrap();
    let back = model_file::decode(&bytes).unwrap();
    assert_eq!(back.model.config().labels, 2);
    assert_eq!(back.model.params(), net.params());
    assert_eq!(model_file::encode(&back.model, "{}", NUM, None).unwrap(), bytes);
}

fn argmax(p: &[f32]) -> usize {
    p.iter().enumerate().fold(0, |b, (i, &x)| if x > p[b] { i } else { b })
}

#[test]
fn label_guidance_keeps_distributions_and_is_refused_where_it_means_nothing() {
    let rows = 48;
    let d = data(rows);
    for labels in [2, 3] {
        let mut net = Autoencoder::new(config(&format!(r#","labels":{labels}"#))).unwrap();
        train(&mut net, options(r#"{"epochs":5,"learningRate":0.01,"batchSize":16,"seed":3}"#), &d, None).unwrap();
        let z = net.encode(&d, rows).unwrap();
        let ids: Vec<f32> = (0..rows).map(|r| (r % labels) as f32).collect();
        let plain = net.decode_labelled(&z, rows, &ids, 0.0).unwrap();
        assert_eq!(plain, net.decode_labelled(&z, rows, &ids, 0.0).unwrap());
        for w in [0.5, 4.0] {
            // guided: each position's probabilities still sum to 1, and differ from unguided
            let p = net.decode_labelled(&z, rows, &ids, w).unwrap();
            for pos in p.chunks_exact(10) {
                let sum: f32 = pos.iter().sum();
                assert!((sum - 1.0).abs() < 1e-4, "{labels} labels, guidance {w}: a position sums to {sum}");
            }
            assert_ne!(p, plain, "{labels} labels, guidance {w}");
            let u = vec![0.5; rows * (LENGTH - 1)];
            assert_eq!(net.decode_sampled(&z, rows, &u, 1.0, &ids, w).unwrap(), net.decode_sampled(&z, rows, &u, 1.0, &ids, w).unwrap());
        }
        for bad in [f32::NAN, -1.0, 100.5, f32::INFINITY] {
            assert_eq!(net.decode_labelled(&z, rows, &ids, bad).unwrap_err().code(), "INVALID_OPTION", "guidance {bad}");
            assert_eq!(net.decode_sampled(&z, rows, &vec![0.5; rows * (LENGTH - 1)], 1.0, &ids, bad).unwrap_err().code(), "INVALID_OPTION");
        }
    }
    let plain = Autoencoder::new(config("")).unwrap();
    let z = vec![0f32; 4];
    assert_eq!(plain.decode_labelled(&z, 1, &[], 1.0).unwrap_err().code(), "INVALID_OPTION");
    assert_eq!(plain.decode_labelled(&z, 1, &[], 0.0).unwrap().len(), 60);
}

#[test]
fn the_label_adversary_trains_plain_conditional_models_only_and_the_same_seed_gives_the_same_weights() {
    let rows = 48;
    let d = data(rows);
    let run = |json: &str| {
        let mut net = Autoencoder::new(config(r#","labels":2"#)).unwrap();
        train(&mut net, options(json), &d, None).map(|_| net)
    };
    let with = r#"{"epochs":4,"learningRate":0.01,"batchSize":16,"seed":3,"mmd":1,"adversary":5}"#;
    let (a, b) = (run(with).unwrap(), run(with).unwrap());
    assert_eq!(a.weights_digest(), b.weights_digest(), "same seed, same weights");
    let without = run(r#"{"epochs":4,"learningRate":0.01,"batchSize":16,"seed":3,"mmd":1}"#).unwrap();
    assert_ne!(a.weights_digest(), without.weights_digest(), "the adversary changed nothing");
    for bad in [r#""adversary":-1"#, r#""adversary":1e39"#] {
        assert!(latentkit_core::TrainOptions::from_json(&format!("{{{bad}}}")).is_err(), "{bad}");
    }
    // no labels, or a VAE: refused by the session, the model unchanged
    let mut plain = Autoencoder::new(config("")).unwrap();
    let before = plain.weights_digest();
    let unlabelled: Vec<f32> = d.chunks_exact(LENGTH + 1).flat_map(|r| r[..LENGTH].to_vec()).collect();
    let err = train(&mut plain, options(r#"{"epochs":1,"adversary":1}"#), &unlabelled, None).unwrap_err();
    assert_eq!(err.code(), "INVALID_OPTION", "{err}");
    assert_eq!(plain.weights_digest(), before);
}
