//! Element-wise activations: forward a = f(z) and backward dz = da · f'(z).

use crate::math;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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

    /// a = f(z) element-wise
    pub fn forward(self, z: &[f32], a: &mut [f32]) {
        if self == Activation::Linear {
            a.copy_from_slice(z);
            return;
        }
        for (o, &x) in a.iter_mut().zip(z) {
            *o = self.apply(x);
        }
    }

    /// dz = da · f'(z), in place over `da`
    pub fn backward(self, z: &[f32], a: &[f32], da_to_dz: &mut [f32]) {
        if self == Activation::Linear {
            return;
        }
        for ((g, &x), &y) in da_to_dz.iter_mut().zip(z).zip(a) {
            *g *= self.derivative(x, y);
        }
    }
}
