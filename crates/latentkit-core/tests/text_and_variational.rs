mod common;

use common::*;
use latentkit_core::rng::Rng;
use latentkit_core::{Autoencoder, ModelConfig};

/// Rows of `length` token ids: a random "word" of 3..=6 letters (ids 3..13), the end id
/// (1), then padding (0).
fn words(rows: usize, length: usize, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed, 0);
    let mut out = Vec::with_capacity(rows * length);
    for _ in 0..rows {
        let n = 3 + rng.below(4) as usize;
        for p in 0..length {
            out.push(if p < n { 3.0 + rng.below(10) as f32 } else if p == n { 1.0 } else { 0.0 });
        }
    }
    out
}

fn text_config(variational: &str) -> ModelConfig {
    ModelConfig::from_json(&format!(
        r#"{{"inputSize":104,"tokens":{{"table":8,"length":8,"vocab":13}},"encoder":[128,24],"activation":"relu","loss":"cce"{variational}}}"#
    ))
    .unwrap()
}

fn argmax_rows(probs: &[f32], vocab: usize) -> Vec<f32> {
    probs.chunks(vocab).map(|p| p.iter().enumerate().fold((0, f32::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b }).0 as f32).collect()
}

/// Rows of `length` decoded ids equal to the data up to and including the end id (a text
/// model is not trained on, and decoding never reads, the positions after the end).
fn texts_equal(decoded: &[f32], data: &[f32], length: usize) -> usize {
    let text = |row: &[f32]| row.iter().position(|&id| id == 1.0).map_or(row.to_vec(), |end| row[..=end].to_vec());
    decoded.chunks(length).zip(data.chunks(length)).filter(|(a, b)| text(a) == text(b)).count()
}

#[test]
fn a_token_autoencoder_learns_to_reconstruct_words() {
    let data = words(600, 8, 1);
    let mut net = Autoencoder::new(text_config("")).unwrap();
    let (epochs, _) = train(&mut net, options(r#"{"epochs":40,"learningRate":0.003,"batchSize":32}"#), &data, None).unwrap();
    assert!(epochs.last().unwrap().0 < 0.2 * epochs[0].0, "{epochs:?}");
    let probs = net.reconstruct(&data, 600).unwrap();
    let rows_equal = texts_equal(&argmax_rows(&probs, 13), &data, 8);
    assert!(rows_equal > 450, "exact reconstructions: {rows_equal} of 600");
    // decode gives one probability distribution per position
    let z = net.encode(&data[..8], 1).unwrap();
    let p = net.decode(&z, 1).unwrap();
    for dist in p.chunks(13) {
        assert!((dist.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}

#[test]
fn token_ids_outside_the_vocabulary_are_refused() {
    let net = Autoencoder::new(text_config("")).unwrap();
    let mut row = words(1, 8, 2);
    row[3] = 13.0;
    assert_eq!(net.encode(&row, 1).err().unwrap().code(), "SHAPE_MISMATCH");
    row[3] = 2.5;
    assert_eq!(net.encode(&row, 1).err().unwrap().code(), "SHAPE_MISMATCH");
}

#[test]
fn a_variational_text_model_trains_with_warm_up_and_free_bits() {
    let data = words(400, 8, 3);
    let mut net = Autoencoder::new(text_config(r#","variational":{"beta":0.5,"klWarmupEpochs":5,"freeBits":0.05}"#)).unwrap();
    assert_eq!(net.layers()[2].outputs, 48, "the encoder emits mean and log-variance (after the token table)");
    let (epochs, _) = train(&mut net, options(r#"{"epochs":15,"learningRate":0.003,"noise":{"mask":0.1,"delete":0.1,"swap":0.05}}"#), &data, None).unwrap();
    assert!(epochs.iter().all(|e| e.0.is_finite()));
    assert!(epochs.last().unwrap().0 < epochs[0].0, "{epochs:?}");
    let z = net.encode(&data, 400).unwrap();
    assert_eq!(z.len(), 400 * 24);
    // encode gives the mean: deterministic
    assert_eq!(z, net.encode(&data, 400).unwrap());
}

#[test]
fn noise_and_sampling_are_seeded() {
    let run = |seed: u64| {
        let mut net = Autoencoder::new(text_config(r#","variational":true"#)).unwrap();
        train(&mut net, options(&format!(r#"{{"epochs":2,"seed":{seed},"noise":{{"mask":0.2}}}}"#)), &words(100, 8, 4), None).unwrap();
        net.weights_digest()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn numeric_denoising_trains_and_repeats() {
    let data = low_rank_data(300, 20, 5);
    let run = || {
        let mut cfg = keras_config(20, 1);
        cfg.encoder = vec![16, 6];
        cfg.decoder = None;
        let mut net = Autoencoder::new(cfg).unwrap();
        let (epochs, _) = train(&mut net, options(r#"{"epochs":5,"noise":{"gaussian":0.1,"mask":0.1}}"#), &data, None).unwrap();
        (net.weights_digest(), epochs)
    };
    let (a, epochs) = run();
    assert_eq!(a, run().0);
    assert!(epochs.last().unwrap().0 < epochs[0].0);
    // noise kinds are checked against the model kind
    let net = Autoencoder::new(keras_config(20, 1)).unwrap();
    let err = latentkit_core::Trainer::new().begin(&net, options(r#"{"noise":{"swap":0.1}}"#), &data[..], 300, None).err().unwrap();
    assert_eq!(err.code(), "INVALID_OPTION");
}

fn context_config(context: usize) -> ModelConfig {
    ModelConfig::from_json(&format!(
        r#"{{"inputSize":104,"tokens":{{"table":8,"length":8,"vocab":13,"context":{context}}},"encoder":[128,24],"activation":"relu","loss":"cce"}}"#
    ))
    .unwrap()
}

#[test]
fn a_context_head_learns_words_and_decodes_greedily_or_by_drawing() {
    let data = words(600, 8, 1);
    let mut net = Autoencoder::new(context_config(2)).unwrap();
    let (epochs, _) = train(&mut net, options(r#"{"epochs":40,"learningRate":0.003,"batchSize":32}"#), &data, None).unwrap();
    assert!(epochs.last().unwrap().0 < 0.2 * epochs[0].0, "{epochs:?}");
    let probs = net.reconstruct(&data, 600).unwrap();
    let rows_equal = texts_equal(&argmax_rows(&probs, 13), &data, 8);
    assert!(rows_equal > 450, "exact reconstructions: {rows_equal} of 600");

    // Sampling at temperature 0 follows decode()'s greedy path: the same ids, ended at the
    // first end id, padding after.
    let rows = 5;
    let z = net.encode(&data[..rows * 8], rows).unwrap();
    let greedy = net.decode(&z, rows).unwrap();
    let greedy_ids = argmax_rows(&greedy, 13);
    let mut uniforms: Vec<f32> = (0..rows * 7).map(|i| ((i * 37) % 100) as f32 / 100.0).collect();
    let cold = net.decode_sampled(&z, rows, &uniforms, 0.0, &[], 0.0).unwrap();
    for r in 0..rows {
        let end = greedy_ids[r * 8..r * 8 + 7].iter().position(|&id| id == 1.0 || id == 0.0).unwrap_or(7);
        let mut want: Vec<f32> = greedy_ids[r * 8..r * 8 + end].to_vec();
        want.push(1.0);
        want.resize(8, 0.0);
        assert_eq!(&cold[r * 8..(r + 1) * 8], &want[..], "row {r}");
    }
    // Drawn texts: well formed, the same for the same uniforms, and a row's text does not
    // depend on the rows decoded with it.
    let hot = net.decode_sampled(&z, rows, &uniforms, 1.0, &[], 0.0).unwrap();
    assert_eq!(net.decode_sampled(&z, rows, &uniforms, 1.0, &[], 0.0).unwrap(), hot);
    assert_eq!(net.decode_sampled(&z[..2 * 24], 2, &uniforms[..2 * 7], 1.0, &[], 0.0).unwrap(), &hot[..16]);
    for row in hot.chunks(8) {
        let end = row.iter().position(|&id| id == 1.0).expect("every text ends");
        assert!(row[..end].iter().all(|&id| id >= 3.0), "{row:?}");
        assert!(row[end + 1..].iter().all(|&id| id == 0.0), "{row:?}");
    }
    // Other uniforms, other texts.
    uniforms.iter_mut().for_each(|u| *u = 0.999);
    assert_ne!(net.decode_sampled(&z, rows, &uniforms, 1.0, &[], 0.0).unwrap(), hot);

    // the saved model keeps the context and the weights
    let bytes = latentkit_core::model_file::encode(&net, "{}", &|x| format!("{x}"), None).unwrap();
    let back = latentkit_core::model_file::decode(&bytes).unwrap().model;
    assert_eq!(back.config().tokens.unwrap().context, 2);
    assert_eq!(back.decode(&z, rows).unwrap(), greedy);
}

#[test]
fn decode_sampled_refuses_bad_calls() {
    let numeric = Autoencoder::new(keras_config(20, 1)).unwrap();
    let z = vec![0f32; 24];
    let u = vec![0.5f32; 7];
    assert_eq!(numeric.decode_sampled(&vec![0f32; numeric.latent_size()], 1, &u, 1.0, &[], 0.0).err().unwrap().code(), "INVALID_STATE");
    let net = Autoencoder::new(context_config(3)).unwrap();
    assert_eq!(net.decode_sampled(&z, 1, &u[..6], 1.0, &[], 0.0).err().unwrap().code(), "SHAPE_MISMATCH");
    assert_eq!(net.decode_sampled(&z[..23], 1, &u, 1.0, &[], 0.0).err().unwrap().code(), "SHAPE_MISMATCH");
    assert_eq!(net.decode_sampled(&[f32::NAN; 24], 1, &u, 1.0, &[], 0.0).err().unwrap().code(), "NON_FINITE_INPUT");
    assert_eq!(net.decode_sampled(&z, 1, &[1.0; 7], 1.0, &[], 0.0).err().unwrap().code(), "INVALID_OPTION");
    assert_eq!(net.decode_sampled(&z, 1, &u, -1.0, &[], 0.0).err().unwrap().code(), "INVALID_OPTION");
    assert_eq!(net.decode_sampled(&z, 1, &u, f32::INFINITY, &[], 0.0).err().unwrap().code(), "INVALID_OPTION");
    assert_eq!(ModelConfig::from_json(r#"{"inputSize":104,"tokens":{"table":8,"length":8,"vocab":13,"context":9},"encoder":[8],"loss":"cce"}"#).err().unwrap().code(), "INVALID_OPTION");
}

/// Independent f64 form of the sampler for one position: softmax(ln p / T) over the ids
/// other than start and pad, drawn with `u`.
fn draw64(p: &[f32], temperature: f64, u: f64) -> usize {
    let w: Vec<f64> = p.iter().enumerate().map(|(i, &x)| if i == 0 || i == 2 || x <= 0.0 { 0.0 } else { (x as f64).powf(1.0 / temperature) }).collect();
    let total: f64 = w.iter().sum();
    let mut left = u * total;
    for (i, &wi) in w.iter().enumerate() {
        left -= wi;
        if left < 0.0 && wi > 0.0 {
            return i;
        }
    }
    1
}

#[test]
fn a_plain_token_model_samples_each_position_from_its_probabilities() {
    let data = words(300, 8, 2);
    let mut net = Autoencoder::new(text_config("")).unwrap();
    train(&mut net, options(r#"{"epochs":5,"learningRate":0.003}"#), &data, None).unwrap();
    let rows = 40;
    let mut rng = latentkit_core::rng::Rng::new(9, 9);
    let z: Vec<f32> = (0..rows * 24).map(|_| rng.normal()).collect();
    let u: Vec<f32> = (0..rows * 7).map(|_| rng.uniform()).collect();
    let p = net.decode(&z, rows).unwrap();
    // temperature 0: each position's most likely token, up to the end
    let greedy = net.decode_sampled(&z, rows, &u, 0.0, &[], 0.0).unwrap();
    let best = argmax_rows(&p, 13);
    for r in 0..rows {
        for t in 0..8 {
            let ended = greedy[r * 8..r * 8 + t].iter().any(|&id| id == 1.0 || id == 0.0);
            let want = if ended { 0.0 } else if t == 7 { 1.0 } else { best[r * 8 + t] };
            assert_eq!(greedy[r * 8 + t], want, "row {r} position {t}");
        }
    }
    for temperature in [0.7f32, 1.0, 1.5] {
        let drawn = net.decode_sampled(&z, rows, &u, temperature, &[], 0.0).unwrap();
        assert_eq!(drawn, net.decode_sampled(&z, rows, &u, temperature, &[], 0.0).unwrap(), "the same uniforms, the same texts");
        let mut changed = 0;
        for r in 0..rows {
            for t in 0..7 {
                if drawn[r * 8..r * 8 + t].contains(&1.0) {
                    break;
                }
                let want = draw64(&p[(r * 8 + t) * 13..(r * 8 + t + 1) * 13], temperature as f64, u[r * 7 + t] as f64);
                assert_eq!(drawn[r * 8 + t] as usize, want, "row {r} position {t} at temperature {temperature}");
                changed += (drawn[r * 8 + t] != best[r * 8 + t]) as usize;
                assert!(drawn[r * 8 + t] != 0.0 && drawn[r * 8 + t] != 2.0, "never pad or the start token");
            }
        }
        assert!(changed > 0, "drawing is not argmax");
    }
}
