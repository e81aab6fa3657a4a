//! A training batch's working memory: every layer's pre-activations and activations, the
//! two gradient buffers of the backward pass and a text head's scratch, made once per batch
//! size so the training loop does not allocate.

use super::Autoencoder;
use crate::config::{Layer, LayerKind};
use crate::layers::text_head::{self, TextHead};

/// Per-layer activations, two gradient buffers and the variational buffers for a batch of
/// up to `rows` rows; made once per batch size, so the training loop does not allocate.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    pub z: Vec<Vec<f32>>,
    pub a: Vec<Vec<f32>>,
    pub dz: Vec<f32>,
    pub dx: Vec<f32>,
    /// The latent code fed to the decoder of a variational model, and its ε.
    pub latent: Vec<f32>,
    pub eps: Vec<f32>,
    /// Latent dimensions whose KL is above the free-bits floor.
    pub active: Vec<bool>,
    /// Buffers of a text model's head (they grow on first use).
    pub text: text_head::Scratch,
}

/// The width a workspace keeps for a layer's z and a: none for a text head, whose outputs
/// (a distribution per position) are never held for a whole batch.
fn kept_width(l: &Layer) -> usize {
    if l.kind == LayerKind::TextHead {
        0
    } else {
        l.outputs
    }
}

impl Workspace {
    /// The f32 values one row of a batch takes in a workspace (what `new` allocates per
    /// row, and what a text head's scratch grows to), in u64: every term is bounded by the
    /// config limits (widths below 2^25, at most 64 layers, a text head's length × vocab
    /// within MAX_TOKEN_WIDTH), so the sum cannot wrap.
    pub fn values_per_row(net: &Autoencoder) -> u64 {
        let layers = net.layers();
        let widest = layers.iter().map(|l| kept_width(l).max(l.inputs)).max().unwrap_or(0) as u64;
        let latent = if net.is_variational() { net.latent_size() as u64 } else { 0 };
        let outputs: u64 = layers.iter().map(|l| kept_width(l) as u64).sum();
        let head = net.text_head().map_or(0, TextHead::values_per_row);
        2 * outputs + 2 * widest + 2 * latent + head
    }

    pub fn new(net: &Autoencoder, rows: usize) -> Workspace {
        let layers = net.layers();
        let widest = layers.iter().map(|l| kept_width(l).max(l.inputs)).max().unwrap_or(0);
        let latent = if net.is_variational() { net.latent_size() } else { 0 };
        Workspace {
            z: layers.iter().map(|l| vec![0f32; rows * kept_width(l)]).collect(),
            a: layers.iter().map(|l| vec![0f32; rows * kept_width(l)]).collect(),
            dz: vec![0f32; rows * widest],
            dx: vec![0f32; rows * widest],
            latent: vec![0f32; rows * latent],
            eps: vec![0f32; rows * latent],
            active: vec![false; latent],
            text: text_head::Scratch::default(),
        }
    }
}
