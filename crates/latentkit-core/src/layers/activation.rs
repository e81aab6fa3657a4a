//! Element-wise activations: forward a = f(z) and backward dz = da · f'(z).

use crate::math;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Relu,
    /// max(z, 0.01·z)
    LeakyRelu,
    /// z for z > 0, e^z − 1 otherwise (α = 1)
    Elu,
    /// GELU, tanh approximation (as in GPT-2 and `approximate=True` elsewhere)
    Gelu,
    Tanh,
    Sigmoid,
    Linear,
}

pub const LEAKY_RELU_SLOPE: f32 = 0.01;
const GELU_C: f32 = 0.797_884_6; // sqrt(2/pi)
const GELU_K: f32 = 0.044_715;

impl Activation {
    pub const ALL: [Activation; 7] = [
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Elu,
        Activation::Gelu,
        Activation::Tanh,
        Activation::Sigmoid,
        Activation::Linear,
    ];

    /// The option value naming this activation ("relu", "leakyRelu", ...).
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leakyRelu",
            Activation::Elu => "elu",
            Activation::Gelu => "gelu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
        }
    }

    pub fn from_name(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.name() == name)
    }

    pub const CHOICES: &'static str = "relu, leakyRelu, elu, gelu, tanh, sigmoid, linear";

    #[inline]
    pub fn apply(self, z: f32) -> f32 {
        match self {
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_RELU_SLOPE * z
                }
            }
            Activation::Elu => {
                if z > 0.0 {
                    z
                } else {
                    math::exp(z) - 1.0
                }
            }
            Activation::Gelu => 0.5 * z * (1.0 + math::tanh(GELU_C * (z + GELU_K * z * z * z))),
            Activation::Tanh => math::tanh(z),
            Activation::Sigmoid => math::sigmoid(z),
            Activation::Linear => z,
        }
    }

    /// f'(z), given z and a = f(z) (whichever is cheaper to use).
    #[inline]
    pub fn derivative(self, z: f32, a: f32) -> f32 {
        match self {
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if z > 0.0 {
                    1.0
                } else {
                    LEAKY_RELU_SLOPE
                }
            }
            Activation::Elu => {
                if z > 0.0 {
                    1.0
                } else {
                    a + 1.0
                }
            }
            Activation::Gelu => {
                let inner = GELU_C * (z + GELU_K * z * z * z);
                let t = math::tanh(inner);
                0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * z * z)
            }
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Linear => 1.0,
        }
    }

    /// z += bias (row by row), then a = f(z). Sigmoid, the usual output layer's, is one
    /// SIMD pass; the others add the bias, copy and map: two light passes next to the
    /// product before them, and one map loop per activation instead of two (~5 KB of wasm).
    pub fn bias_forward(self, z: &mut [f32], bias: &[f32], a: &mut [f32]) {
        if self == Activation::Sigmoid {
            return crate::kernels::bias_sigmoid(z, bias, a);
        }
        add_bias(z, bias);
        a.copy_from_slice(z);
        self.apply_in_place(a);
    }

    /// x = f(x + bias) in place, for inference where z need not be kept.
    pub fn bias_forward_in_place(self, x: &mut [f32], bias: &[f32]) {
        add_bias(x, bias);
        self.apply_in_place(x);
    }

    /// x = f(x) in place. The activation is chosen once, outside the loop, so the simple
    /// ones (relu, leaky relu) vectorise.
    #[inline(never)] // a loop per activation: one copy, not one per call site
    fn apply_in_place(self, x: &mut [f32]) {
        match self {
            Activation::Relu => map_in_place(x, |v| if v > 0.0 { v } else { 0.0 }),
            Activation::LeakyRelu => map_in_place(x, |v| if v > 0.0 { v } else { LEAKY_RELU_SLOPE * v }),
            Activation::Linear => {}
            Activation::Elu => map_in_place(x, |v| Activation::Elu.apply(v)),
            Activation::Gelu => map_in_place(x, |v| Activation::Gelu.apply(v)),
            Activation::Tanh => map_in_place(x, math::tanh),
            Activation::Sigmoid => map_in_place(x, math::sigmoid),
        }
    }

    /// dz = da · f'(z), in place over `da`
    #[inline(never)] // a loop per activation: one copy, not one per call site
    pub fn backward(self, z: &[f32], a: &[f32], da_to_dz: &mut [f32]) {
        match self {
            Activation::Linear => {}
            Activation::Relu => grad_map(z, a, da_to_dz, |z, _| if z > 0.0 { 1.0 } else { 0.0 }),
            Activation::LeakyRelu => grad_map(z, a, da_to_dz, |z, _| if z > 0.0 { 1.0 } else { LEAKY_RELU_SLOPE }),
            Activation::Tanh => grad_map(z, a, da_to_dz, |_, a| 1.0 - a * a),
            Activation::Sigmoid => grad_map(z, a, da_to_dz, |_, a| a * (1.0 - a)),
            other => grad_map(z, a, da_to_dz, |z, a| other.derivative(z, a)),
        }
    }
}

/// x += bias, row by row.
#[inline(never)]
fn add_bias(x: &mut [f32], bias: &[f32]) {
    for row in x.chunks_exact_mut(bias.len()) {
        for (v, &b) in row.iter_mut().zip(bias) {
            *v += b;
        }
    }
}

#[inline(always)]
fn map_in_place(x: &mut [f32], f: impl Fn(f32) -> f32) {
    for v in x.iter_mut() {
        *v = f(*v);
    }
}

#[inline(always)]
fn grad_map(z: &[f32], a: &[f32], g: &mut [f32], d: impl Fn(f32, f32) -> f32) {
    for ((g, &z), &a) in g.iter_mut().zip(z).zip(a) {
        *g *= d(z, a);
    }
}
