//! Optimisers as one flat loop over the single parameter buffer.
//!
//! - `adam`: Kingma & Ba with bias correction, written as PyTorch does
//!   (p -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε)); `weightDecay` adds L2 to the gradient.
//! - `adamW`: the same with decoupled weight decay (p -= lr·wd·p before the step).
//! - `sgd`: with momentum (buffer = μ·buffer + g; p -= lr·buffer) and L2 weight decay.

use crate::kernels;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimizerKind {
    Adam,
    AdamW,
    Sgd,
}

impl OptimizerKind {
    pub fn from_name(name: &str) -> Option<OptimizerKind> {
        match name {
            "adam" => Some(OptimizerKind::Adam),
            "adamw" | "adamW" => Some(OptimizerKind::AdamW),
            "sgd" => Some(OptimizerKind::Sgd),
            _ => None,
        }
    }

    /// The name a model file stores (`from_name` reads it back).
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "adam",
            OptimizerKind::AdamW => "adamw",
            OptimizerKind::Sgd => "sgd",
        }
    }
}

/// The optimiser's hyper-parameters (a training session's options carry them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyper {
    pub kind: OptimizerKind,
    pub learning_rate: f32,
    /// Adam's decay rates of the moments and its ε.
    pub beta1: f32,
    pub beta2: f32,
    pub epsilon: f32,
    /// L2 for adam and sgd, decoupled decay for adamw.
    pub weight_decay: f32,
    /// SGD's momentum.
    pub momentum: f32,
}

#[derive(Debug, Clone)]
pub struct OptimizerState {
    pub kind: OptimizerKind,
    /// First moment (Adam) or momentum buffer (SGD).
    m: Vec<f32>,
    /// Second moment (Adam only).
    v: Vec<f32>,
    /// Steps taken.
    pub t: u64,
    /// β1ᵗ and β2ᵗ as running products (exact and platform-independent, unlike powi).
    beta1_pow: f64,
    beta2_pow: f64,
}

impl OptimizerState {
    pub fn new(kind: OptimizerKind, params: usize) -> OptimizerState {
        let v = if kind == OptimizerKind::Sgd { Vec::new() } else { vec![0f32; params] };
        OptimizerState { kind, m: vec![0f32; params], v, t: 0, beta1_pow: 1.0, beta2_pow: 1.0 }
    }

    /// A state read back from a model file, checked like the weights: m (and v for Adam)
    /// hold one finite value per parameter, v is >= 0, and β1ᵗ, β2ᵗ are in [0, 1]. The
    /// error says which part is wrong; the file reader wraps it in CORRUPT_MODEL.
    pub fn from_saved(kind: OptimizerKind, params: usize, m: Vec<f32>, v: Vec<f32>, t: u64, beta_pows: [f64; 2]) -> std::result::Result<OptimizerState, &'static str> {
        let v_len = if kind == OptimizerKind::Sgd { 0 } else { params };
        if m.len() != params || v.len() != v_len {
            return Err("the optimiser's moments do not have one value per parameter");
        }
        if m.iter().any(|x| !x.is_finite()) || v.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err("an optimiser moment is NaN, infinite or (second moment) negative");
        }
        if beta_pows.iter().any(|b| !(0.0..=1.0).contains(b)) {
            return Err("the optimiser's beta powers are not in [0, 1]");
        }
        Ok(OptimizerState { kind, m, v, t, beta1_pow: beta_pows[0], beta2_pow: beta_pows[1] })
    }

    /// First moment (or SGD's momentum buffer) and second moment (empty for SGD).
    pub fn moments(&self) -> (&[f32], &[f32]) {
        (&self.m, &self.v)
    }

    /// β1ᵗ and β2ᵗ as carried from step to step (kept bit for bit by a saved file).
    pub fn beta_pows(&self) -> [f64; 2] {
        [self.beta1_pow, self.beta2_pow]
    }

    /// Whether this state can continue a session with `kind` over `params` parameters.
    pub fn fits(&self, kind: OptimizerKind, params: usize) -> bool {
        self.kind == kind && self.m.len() == params
    }

    /// One update. Returns false when an updated parameter is not finite (the caller then
    /// restores its snapshot).
    pub fn step(&mut self, o: &Hyper, params: &mut [f32], grads: &[f32]) -> bool {
        self.t += 1;
        let lr = o.learning_rate;
        let wd = o.weight_decay;
        let mut finite = true;
        match self.kind {
            OptimizerKind::Adam | OptimizerKind::AdamW => {
                self.beta1_pow *= o.beta1 as f64;
                self.beta2_pow *= o.beta2 as f64;
                let step_size = (lr as f64 / (1.0 - self.beta1_pow)) as f32;
                let bc2_sqrt = (1.0 - self.beta2_pow).sqrt() as f32;
                let decoupled = self.kind == OptimizerKind::AdamW;
                let step = kernels::AdamStep {
                    step_size,
                    bc2_sqrt,
                    beta1: o.beta1,
                    beta2: o.beta2,
                    eps: o.epsilon,
                    l2: if decoupled { 0.0 } else { wd },
                    decay: if decoupled { 1.0 - lr * wd } else { 1.0 },
                };
                finite = kernels::adam(params, grads, &mut self.m, &mut self.v, &step);
            }
            OptimizerKind::Sgd => {
                let mu = o.momentum;
                for ((p, &g), buf) in params.iter_mut().zip(grads).zip(self.m.iter_mut()) {
                    let g = if wd == 0.0 { g } else { g + wd * *p };
                    let d = if mu > 0.0 {
                        *buf = if self.t == 1 { g } else { mu * *buf + g };
                        *buf
                    } else {
                        g
                    };
                    *p -= lr * d;
                    finite &= p.is_finite();
                }
            }
        }
        finite
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(kind: OptimizerKind, lr: f32, wd: f32, momentum: f32) -> Hyper {
        Hyper { kind, learning_rate: lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weight_decay: wd, momentum }
    }

    #[test]
    fn adam_first_steps_by_hand() {
        // With bias correction the first Adam step is lr · g/|g| (up to ε): p = 1 - 0.1.
        let o = opts(OptimizerKind::Adam, 0.1, 0.0, 0.0);
        let mut s = OptimizerState::new(OptimizerKind::Adam, 2);
        let mut p = vec![1.0f32, -2.0];
        assert!(s.step(&o, &mut p, &[0.5, -3.0]));
        assert!((p[0] - 0.9).abs() < 1e-6 && (p[1] - -1.9).abs() < 1e-6, "{p:?}");
        // Second step with g = 0.25: m = 0.9·0.05 + 0.1·0.25 = 0.07, m̂ = 0.07/0.19;
        // v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225, v̂ = v/0.001999.
        assert!(s.step(&o, &mut p, &[0.25, 0.0]));
        let m_hat = 0.07f64 / 0.19;
        let v_hat = 0.000_312_25f64 / (1.0 - 0.999f64 * 0.999);
        let want = 0.9 - 0.1 * m_hat / (v_hat.sqrt() + 1e-7);
        assert!(((p[0] as f64) - want).abs() < 1e-5, "{} vs {want}", p[0]);
    }

    #[test]
    fn adamw_decays_weights_apart_from_the_gradient() {
        let o = opts(OptimizerKind::AdamW, 0.1, 0.5, 0.0);
        let mut s = OptimizerState::new(OptimizerKind::AdamW, 1);
        let mut p = vec![2.0f32];
        s.step(&o, &mut p, &[1.0]);
        // p·(1 - 0.1·0.5) - 0.1 = 1.9 - 0.1 = 1.8
        assert!((p[0] - 1.8).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn sgd_momentum_by_hand() {
        let o = opts(OptimizerKind::Sgd, 0.1, 0.0, 0.9);
        let mut s = OptimizerState::new(OptimizerKind::Sgd, 1);
        let mut p = vec![1.0f32];
        s.step(&o, &mut p, &[1.0]); // buf = 1, p = 0.9
        s.step(&o, &mut p, &[1.0]); // buf = 1.9, p = 0.71
        assert!((p[0] - 0.71).abs() < 1e-6, "{p:?}");
        // L2 weight decay adds wd·p to the gradient
        let o = opts(OptimizerKind::Sgd, 0.1, 0.5, 0.0);
        let mut s = OptimizerState::new(OptimizerKind::Sgd, 1);
        let mut p = vec![2.0f32];
        s.step(&o, &mut p, &[0.0]);
        assert!((p[0] - 1.9).abs() < 1e-6);
    }

    #[test]
    fn reports_non_finite_parameters() {
        let o = opts(OptimizerKind::Sgd, 1e30, 0.0, 0.0);
        let mut s = OptimizerState::new(OptimizerKind::Sgd, 1);
        let mut p = vec![1.0f32];
        assert!(!s.step(&o, &mut p, &[1e30]));
    }
}
