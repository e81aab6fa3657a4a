//! Reconstruction losses, averaged over every element of the batch (Keras's convention:
//! mean over columns, then over rows).

use crate::activation::Activation;
use crate::math;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// mean (a − y)²
    Mse,
    /// Binary cross-entropy computed from the output layer's logits z (the output
    /// activation must be sigmoid): mean max(z,0) − z·y + ln(1 + e^−|z|). Never takes the
    /// log of a saturated sigmoid, so it cannot produce inf/NaN for finite z.
    Bce,
}

impl Loss {
    pub fn name(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::Bce => "bce",
        }
    }

    pub fn from_name(name: &str) -> Option<Loss> {
        [Loss::Mse, Loss::Bce].into_iter().find(|l| l.name() == name)
    }
    /// Loss of one element, given the output layer's pre-activation z, output a and target y.
    #[inline]
    pub fn element(self, z: f32, a: f32, y: f32) -> f32 {
        match self {
            Loss::Mse => {
                let d = a - y;
                d * d
            }
            Loss::Bce => z.max(0.0) - z * y + math::ln_1p(math::exp(-z.abs())),
        }
    }

    /// Sum (in f64) of the element losses of each row, divided by the columns: per-row loss.
    pub fn per_row(self, z: &[f32], a: &[f32], y: &[f32], cols: usize, out: &mut [f32]) {
        for (r, o) in out.iter_mut().enumerate() {
            let span = r * cols..(r + 1) * cols;
            let s: f64 = z[span.clone()]
                .iter()
                .zip(&a[span.clone()])
                .zip(&y[span])
                .map(|((&zz, &aa), &yy)| self.element(zz, aa, yy) as f64)
                .sum();
            *o = (s / cols as f64) as f32;
        }
    }

    /// Mean loss over all elements (f64 accumulation).
    pub fn mean(self, z: &[f32], a: &[f32], y: &[f32]) -> f64 {
        let s: f64 = z.iter().zip(a).zip(y).map(|((&zz, &aa), &yy)| self.element(zz, aa, yy) as f64).sum();
        s / y.len() as f64
    }

    /// Gradient of the mean loss with respect to the output layer's pre-activation z,
    /// written to `dz`. `out_act` is the output activation; BCE bypasses it (σ(z) − y).
    pub fn grad_z(self, out_act: Activation, z: &[f32], a: &[f32], y: &[f32], dz: &mut [f32]) {
        let scale = 1.0 / y.len() as f32;
        match self {
            Loss::Mse => {
                let two_scale = 2.0 * scale;
                for (((g, &zz), &aa), &yy) in dz.iter_mut().zip(z).zip(a).zip(y) {
                    *g = two_scale * (aa - yy) * out_act.derivative(zz, aa);
                }
            }
            Loss::Bce => {
                for ((g, &aa), &yy) in dz.iter_mut().zip(a).zip(y) {
                    *g = scale * (aa - yy);
                }
            }
        }
    }
}
