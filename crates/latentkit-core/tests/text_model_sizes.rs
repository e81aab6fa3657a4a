// Parameters and file sizes (4 bytes a parameter) of a text model for the three corpora of
// issue #12: the old model (a first layer of L·V·H, a context head with k·V·H + H·V, gone
// since) against the model of docs/text-architecture.md (a shared token table, a class
// softmax tied to it). The new model's formula is held to the core's own plan. Print the
// table with
//
//   cargo test -p latentkit-core --test text_model_sizes -- --nocapture

use latentkit_core::layers::class_softmax::default_classes;
use latentkit_core::{limits, ModelConfig};

/// Today's defaults: hidden [256], latent 32, context 3, a plain (not variational) model.
const HIDDEN: u64 = 256;
const LATENT: u64 = 32;
const CONTEXT: u64 = 3;

/// Today's text model: L·V one-hot → H → z → H → context head (Wq H·H, E k·V·H, P L·H, bq H,
/// U H·V, bu V).
fn today(vocab: u64, length: u64) -> u64 {
    let (v, l, h, z, k) = (vocab, length, HIDDEN, LATENT, CONTEXT);
    (l * v * h + h) + (h * z + z) + (z * h + h) + (h * h + k * v * h + l * h + h + h * v + v)
}

/// The proposed model (docs/text-architecture.md) with table width d: E (V·d), positions
/// (L·d), encoder L·d → H → z, decoder z → H → L·d (a query base per position), context
/// mixing (k·d lag weights, Wc d·d, bq d), class softmax (C nC·d, bc nC, bw V).
fn proposed(vocab: u64, length: u64, d: u64) -> u64 {
    let (v, l, h, z, k) = (vocab, length, HIDDEN, LATENT, CONTEXT);
    let nc = default_classes(vocab as usize) as u64;
    v * d + l * d + (l * d * h + h) + (h * z + z) + (z * h + h) + (h * l * d + l * d) + (k * d + d * d + d) + (nc * d + nc + v)
}

/// The table width the design proposes by default: the vocabulary rounded up to a multiple
/// of 16 (SIMD lanes), at most 128. A wider table than the vocabulary only makes the dense
/// layers over L·d columns wider than today's one-hot input of L·V.
fn default_width(vocab: u64) -> u64 {
    (vocab.div_ceil(16) * 16).min(128)
}

#[test]
fn the_designs_formula_is_the_plan_and_the_table_of_sizes() {
    for (v, l, d) in [(30u64, 11u64, 32u64), (4460, 6, 128), (12_500, 13, 96)] {
        let json = format!(r#"{{"inputSize":{},"tokens":{{"length":{l},"vocab":{v},"context":{CONTEXT},"table":{d}}},"encoder":[{HIDDEN},{LATENT}],"loss":"cce"}}"#, v * l);
        let plan = ModelConfig::from_json(&json).unwrap().plan();
        assert_eq!(plan.param_count as u64, proposed(v, l, d), "the design's formula is the plan, V {v}, L {l}, d {d}");
    }
    // WordNet at V 12,500 is over the limit today: the refusal the issue reports
    assert!(today(12_500, 13) > limits::MAX_PARAMS as u64);
    let mb = |p: u64| p as f64 * 4.0 / 1e6;
    println!("| corpus | V | L | today: parameters / file | proposed, default d | proposed d 128 | proposed d 96 | proposed d 64 |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, v, l) in [("English words, char", 30, 11), ("Tang lines, char", 4460, 6), ("WordNet sentences, word (V from the brief)", 7700, 13), ("WordNet sentences, word (minCount 2, notes)", 12_500, 13)] {
        let t = today(v, l);
        let cols: Vec<String> = [128, 96, 64].iter().map(|&d| format!("{:.2} M / {:.1} MB", proposed(v, l, d) as f64 / 1e6, mb(proposed(v, l, d)))).collect();
        let (d, p) = (default_width(v), proposed(v, l, default_width(v)));
        println!("| {name} | {v} | {l} | {:.2} M / {:.1} MB | d {d}: {:.2} M / {:.1} MB | {} |", t as f64 / 1e6, mb(t), p as f64 / 1e6, mb(p), cols.join(" | "));
        assert!(p < t, "{name}: the proposed model at its default width is smaller than today's");
    }
}
