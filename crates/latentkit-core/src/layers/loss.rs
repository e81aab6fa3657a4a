//! Reconstruction losses.
//!
//! `Reduction::Mean` averages over every element of the batch (Keras's convention: mean
//! over columns, then rows; for `cce` an element is one position). `Reduction::SumPerRow`
//! sums over a row's elements and averages over rows: the scale of a VAE's ELBO, where
//! the reconstruction term must weigh against a KL term summed over latent dimensions.

use crate::layers::activation::Activation;
use crate::math;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// mean (a − y)²
    Mse,
    /// Binary cross-entropy computed from the output layer's logits z (the output
    /// activation must be sigmoid): max(z,0) − z·y + ln(1 + e^−|z|). Never takes the
    /// log of a saturated sigmoid, so it cannot produce inf/NaN for finite z.
    Bce,
    /// Categorical cross-entropy of text models: per position, −ln p(y) of the target token
    /// id y. Computed by the text head (`text_head`), never by `OutputSpec`.
    Cce,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    Mean,
    SumPerRow,
}

/// What the loss needs to know about the output layer (not to be confused with the
/// context head, which is a layer).
#[derive(Debug, Clone, Copy)]
pub struct OutputSpec {
    pub loss: Loss,
    pub activation: Activation,
    /// Output columns per row.
    pub cols: usize,
    pub reduction: Reduction,
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::Bce => "bce",
            Loss::Cce => "cce",
        }
    }

    pub fn from_name(name: &str) -> Option<Loss> {
        [Loss::Mse, Loss::Bce, Loss::Cce].into_iter().find(|l| l.name() == name)
    }
}

impl OutputSpec {
    /// Elements of one row the loss is taken over: its columns, also a row of targets.
    pub fn elements(&self) -> usize {
        self.cols
    }

    /// Loss of each row (mean or sum over its elements, per the reduction), in f64.
    fn row_loss(&self, z: &[f32], a: &[f32], y: &[f32]) -> f64 {
        let sum: f64 = match self.loss {
            Loss::Mse => a.iter().zip(y).map(|(&a, &y)| ((a - y) * (a - y)) as f64).sum(),
            Loss::Bce => z.iter().zip(y).map(|(&z, &y)| (z.max(0.0) - z * y + math::ln_1p(math::exp(-z.abs()))) as f64).sum(),
            Loss::Cce => unreachable!("a text model's loss is its head's"),
        };
        match self.reduction {
            Reduction::Mean => sum / self.elements() as f64,
            Reduction::SumPerRow => sum,
        }
    }

    /// Per-row losses into `out` (rows = out.len()).
    pub fn per_row(&self, z: &[f32], a: &[f32], y: &[f32], out: &mut [f32]) {
        let (c, t) = (self.cols, self.elements());
        for (r, o) in out.iter_mut().enumerate() {
            *o = self.row_loss(&z[r * c..(r + 1) * c], &a[r * c..(r + 1) * c], &y[r * t..(r + 1) * t]) as f32;
        }
    }

    /// The batch loss: mean over rows of the row losses.
    pub fn batch(&self, z: &[f32], a: &[f32], y: &[f32], rows: usize) -> f64 {
        let (c, t) = (self.cols, self.elements());
        let total: f64 = (0..rows).map(|r| self.row_loss(&z[r * c..(r + 1) * c], &a[r * c..(r + 1) * c], &y[r * t..(r + 1) * t])).sum();
        total / rows as f64
    }

    /// ∂(batch loss)/∂z of the output layer into `dz`, for `rows` rows of a batch of `of`
    /// (`of` = `rows` but for one shard of a sharded batch: its rows' share of the batch's
    /// mean). BCE bypasses the output activation (σ(z) − y).
    pub fn grad_z(&self, z: &[f32], a: &[f32], y: &[f32], rows: usize, of: usize, dz: &mut [f32]) {
        let n = rows * self.cols;
        let (z, a, dz) = (&z[..n], &a[..n], &mut dz[..n]);
        let scale = match self.reduction {
            Reduction::Mean => 1.0 / (of * self.elements()) as f32,
            Reduction::SumPerRow => 1.0 / of as f32,
        };
        match self.loss {
            Loss::Mse => {
                let two_scale = 2.0 * scale;
                // The common output activations get loops of their own, which vectorise.
                match self.activation {
                    Activation::Sigmoid => {
                        for ((g, &aa), &yy) in dz.iter_mut().zip(a).zip(y) {
                            *g = two_scale * (aa - yy) * (aa * (1.0 - aa));
                        }
                    }
                    Activation::Linear => {
                        for ((g, &aa), &yy) in dz.iter_mut().zip(a).zip(y) {
                            *g = two_scale * (aa - yy) * 1.0;
                        }
                    }
                    act => {
                        for (((g, &zz), &aa), &yy) in dz.iter_mut().zip(z).zip(a).zip(y) {
                            *g = two_scale * (aa - yy) * act.derivative(zz, aa);
                        }
                    }
                }
            }
            Loss::Bce => {
                for ((g, &aa), &yy) in dz.iter_mut().zip(a).zip(y) {
                    *g = scale * (aa - yy);
                }
            }
            Loss::Cce => unreachable!("a text model's loss is its head's"),
        }
    }
}

// ln Σ e^z is a kernel (compiled for speed); re-exported where it was.
pub use crate::kernels::elementwise::log_sum_exp;
