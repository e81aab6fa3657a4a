//! Element-wise activations: forward a = f(z) and backward dz = da · f'(z).

use crate::kernels::elementwise as ew;
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

/// max(z, 0.01·z) below 0; the formulas live in `math`, beside the kernels that map them.
pub const LEAKY_RELU_SLOPE: f32 = math::LEAKY_RELU_SLOPE;

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
            Activation::Elu => math::elu(z),
            Activation::Gelu => math::gelu(z),
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
            Activation::Elu => math::elu_derivative(z, a),
            Activation::Gelu => math::gelu_derivative(z),
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
        ew::add_bias(z, bias);
        a.copy_from_slice(z);
        self.apply_in_place(a);
    }

    /// x = f(x + bias) in place, for inference where z need not be kept.
    pub fn bias_forward_in_place(self, x: &mut [f32], bias: &[f32]) {
        ew::add_bias(x, bias);
        self.apply_in_place(x);
    }

    /// x = f(x) in place: one loop per activation, in the kernels crate (compiled for speed).
    pub fn apply_in_place(self, x: &mut [f32]) {
        match self {
            Activation::Relu => ew::relu(x),
            Activation::LeakyRelu => ew::leaky_relu(x),
            Activation::Linear => {}
            Activation::Elu => ew::elu(x),
            Activation::Gelu => ew::gelu(x),
            Activation::Tanh => ew::tanh(x),
            Activation::Sigmoid => ew::sigmoid(x),
        }
    }

    /// dz = da · f'(z), in place over `da`
    pub fn backward(self, z: &[f32], a: &[f32], da_to_dz: &mut [f32]) {
        match self {
            Activation::Linear => {}
            Activation::Relu => ew::relu_backward(z, da_to_dz),
            Activation::LeakyRelu => ew::leaky_relu_backward(z, da_to_dz),
            Activation::Elu => ew::elu_backward(z, a, da_to_dz),
            Activation::Gelu => ew::gelu_backward(z, da_to_dz),
            Activation::Tanh => ew::tanh_backward(a, da_to_dz),
            Activation::Sigmoid => ew::sigmoid_backward(a, da_to_dz),
        }
    }
}
