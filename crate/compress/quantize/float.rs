//! Floating-point quantization: fp16 and bf16 (IEEE 754 binary16 and bfloat16, via `half`),
//! and the two OCP 8-bit formats (OCP "8-bit Floating Point Specification (OFP8)" rev 1.0, 2023;
//! Micikevicius et al. 2022): E4M3 (bias 7, max 448, no infinities, NaN = S.1111.111) and
//! E5M2 (bias 15, max 57344, IEEE-like: infinities and NaNs). Round to nearest, ties to even;
//! on overflow either saturate to ±max or give the format's overflow value (E4M3 NaN, E5M2 ±inf).

use half::{bf16, f16};
use serde::{Deserialize, Serialize};

/// A floating-point storage format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FloatFormat {
    /// IEEE binary16: 1 sign, 5 exponent, 10 mantissa bits.
    Fp16,
    /// bfloat16: f32's 8-bit exponent with 7 mantissa bits.
    Bf16,
    /// OCP fp8 E4M3: 4 exponent, 3 mantissa bits, max 448, no infinities.
    #[default]
    E4m3,
    /// OCP fp8 E5M2: 5 exponent, 2 mantissa bits, max 57344, IEEE-like.
    E5m2,
}

/// The layout of an 8-bit float format.
#[derive(Debug, Clone, Copy)]
struct Fp8 {
    mbits: u32,
    bias: i32,
    /// Largest finite magnitude.
    max: f64,
    /// Code of +max.
    max_code: u8,
    /// True for E5M2 (exponent field all ones is inf/NaN); E4M3 reuses it for normals.
    ieee: bool,
}

const E4M3: Fp8 = Fp8 {
    mbits: 3,
    bias: 7,
    max: 448.0,
    max_code: 0x7E,
    ieee: false,
};
const E5M2: Fp8 = Fp8 {
    mbits: 2,
    bias: 15,
    max: 57344.0,
    max_code: 0x7B,
    ieee: true,
};

impl FloatFormat {
    /// Bits per stored value.
    pub fn bits(self) -> u32 {
        match self {
            FloatFormat::Fp16 | FloatFormat::Bf16 => 16,
            FloatFormat::E4m3 | FloatFormat::E5m2 => 8,
        }
    }

    /// Largest finite value.
    pub fn max_finite(self) -> f32 {
        match self {
            FloatFormat::Fp16 => 65504.0,
            FloatFormat::Bf16 => bf16::MAX.to_f32(),
            FloatFormat::E4m3 => 448.0,
            FloatFormat::E5m2 => 57344.0,
        }
    }

    fn fp8(self) -> Fp8 {
        if self == FloatFormat::E5m2 {
            E5M2
        } else {
            E4M3
        }
    }

    /// Encodes `x` into the format's bit pattern (low 8 bits for fp8), rounding to nearest
    /// even. With `saturate`, overflow (and ±inf) gives ±max; otherwise fp16/bf16/E5M2 give
    /// ±inf and E4M3 gives NaN, as the definitions say. NaN stays NaN.
    pub fn encode(self, x: f32, saturate: bool) -> u16 {
        match self {
            FloatFormat::Fp16 => {
                let h = f16::from_f32(x);
                if saturate && h.is_infinite() && !x.is_nan() {
                    f16::MAX.to_bits() | (h.to_bits() & 0x8000)
                } else {
                    h.to_bits()
                }
            }
            FloatFormat::Bf16 => {
                let h = bf16::from_f32(x);
                if saturate && h.is_infinite() && !x.is_nan() {
                    bf16::MAX.to_bits() | (h.to_bits() & 0x8000)
                } else {
                    h.to_bits()
                }
            }
            FloatFormat::E4m3 | FloatFormat::E5m2 => u16::from(encode_fp8(self.fp8(), x, saturate)),
        }
    }

    /// Decodes a bit pattern produced by [`FloatFormat::encode`].
    pub fn decode(self, code: u16) -> f32 {
        match self {
            FloatFormat::Fp16 => f16::from_bits(code).to_f32(),
            FloatFormat::Bf16 => bf16::from_bits(code).to_f32(),
            FloatFormat::E4m3 | FloatFormat::E5m2 => decode_fp8(self.fp8(), (code & 0xFF) as u8),
        }
    }

    /// decode(encode(x)): the value the format stores for `x`.
    pub fn round(self, x: f32, saturate: bool) -> f32 {
        self.decode(self.encode(x, saturate))
    }
}

fn decode_fp8(f: Fp8, code: u8) -> f32 {
    let sign = if code & 0x80 != 0 { -1.0 } else { 1.0 };
    let exp_bits = 7 - f.mbits;
    let e = i32::from((code >> f.mbits) & ((1 << exp_bits) - 1) as u8);
    let m = f64::from(code & ((1 << f.mbits) - 1) as u8);
    let e_max = (1 << exp_bits) - 1;
    if f.ieee && e == e_max {
        return if m == 0.0 {
            sign as f32 * f32::INFINITY
        } else {
            f32::NAN
        };
    }
    if !f.ieee && e == e_max && m == f64::from((1u8 << f.mbits) - 1) {
        return f32::NAN;
    }
    let scale = f64::from(1u32 << f.mbits);
    let v = if e == 0 {
        m / scale * 2f64.powi(1 - f.bias)
    } else {
        (1.0 + m / scale) * 2f64.powi(e - f.bias)
    };
    (sign * v) as f32
}

fn encode_fp8(f: Fp8, x: f32, saturate: bool) -> u8 {
    let sign: u8 = if x.is_sign_negative() { 0x80 } else { 0 };
    let nan = 0x7F;
    if x.is_nan() {
        return sign | nan;
    }
    let overflow = if saturate {
        sign | f.max_code
    } else if f.ieee {
        sign | 0x7C
    } else {
        sign | nan
    };
    if x.is_infinite() {
        return overflow;
    }
    let a = f64::from(x.abs());
    if a == 0.0 {
        return sign;
    }
    let emin = 1 - f.bias;
    // Exponent of a from the f64 bits: every f32 (subnormals included) is a normal f64.
    let e = ((a.to_bits() >> 52) & 0x7FF) as i32 - 1023;
    let e = e.max(emin);
    let quantum = 2f64.powi(e - f.mbits as i32);
    let r = round_half_even(a / quantum) * quantum;
    if r > f.max {
        return overflow;
    }
    if r == 0.0 {
        return sign;
    }
    let er = (((r.to_bits() >> 52) & 0x7FF) as i32 - 1023).max(emin);
    let scale = 2f64.powi(f.mbits as i32);
    let (ef, mant) = if r < 2f64.powi(emin) {
        (0, (r / 2f64.powi(emin) * scale) as u8)
    } else {
        (er + f.bias, ((r / 2f64.powi(er) - 1.0) * scale) as u8)
    };
    sign | ((ef as u8) << f.mbits) | mant
}

/// Rounds to the nearest integer, ties to even.
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FloatFormat::*;

    #[test]
    fn every_fp8_code_round_trips() {
        for fmt in [E4m3, E5m2] {
            for code in 0u16..256 {
                let v = fmt.decode(code);
                let back = fmt.encode(v, false);
                if v.is_nan() {
                    assert!(fmt.decode(back).is_nan(), "{fmt:?} {code:#04x}");
                } else {
                    assert_eq!(back, code, "{fmt:?} {code:#04x} = {v}");
                    // Saturating mode clamps ±inf to ±max (like CUDA's SATFINITE).
                    let want = if v.is_infinite() {
                        (code & 0x80) | 0x7B
                    } else {
                        code
                    };
                    assert_eq!(fmt.encode(v, true), want, "saturating {fmt:?} {code:#04x}");
                }
            }
        }
    }

    #[test]
    fn e4m3_reference_values() {
        assert_eq!(E4m3.decode(0x7E), 448.0);
        assert_eq!(E4m3.decode(0xFE), -448.0);
        assert!(E4m3.decode(0x7F).is_nan() && E4m3.decode(0xFF).is_nan());
        assert_eq!(E4m3.decode(0x08), 2f32.powi(-6)); // smallest normal
        assert_eq!(E4m3.decode(0x01), 2f32.powi(-9)); // smallest subnormal
        assert_eq!(E4m3.decode(0x07), 7.0 * 2f32.powi(-9)); // largest subnormal
        assert_eq!(E4m3.decode(0x38), 1.0);
        assert_eq!(E4m3.decode(0x78), 256.0); // exponent 1111 is a normal binade in E4M3
                                              // Ties to even: 1.0625 is halfway between 1.0 (m=000) and 1.125 (m=001).
        assert_eq!(E4m3.encode(1.0625, false), 0x38);
        assert_eq!(E4m3.encode(1.1875, false), 0x3A);
        // Subnormal tie: 1.5·2^-9 → 2·2^-9 (even), 0.5·2^-9 → 0.
        assert_eq!(E4m3.encode(1.5 * 2f32.powi(-9), false), 0x02);
        assert_eq!(E4m3.encode(0.5 * 2f32.powi(-9), false), 0x00);
        assert_eq!(E4m3.encode(-0.0, false), 0x80);
        // Overflow: 464 is the tie between 448 and (absent) 480 → 448; above → NaN or max.
        assert_eq!(E4m3.encode(464.0, false), 0x7E);
        assert_eq!(E4m3.encode(465.0, false), 0x7F);
        assert_eq!(E4m3.encode(465.0, true), 0x7E);
        assert_eq!(E4m3.encode(-1e9, true), 0xFE);
        assert_eq!(E4m3.encode(f32::INFINITY, false), 0x7F);
        assert_eq!(E4m3.encode(f32::NEG_INFINITY, true), 0xFE);
        assert_eq!(E4m3.encode(f32::NAN, true) & 0x7F, 0x7F);
    }

    #[test]
    fn e5m2_reference_values() {
        assert_eq!(E5m2.decode(0x7B), 57344.0);
        assert_eq!(E5m2.decode(0x7C), f32::INFINITY);
        assert_eq!(E5m2.decode(0xFC), f32::NEG_INFINITY);
        for c in [0x7D, 0x7E, 0x7F, 0xFD] {
            assert!(E5m2.decode(c).is_nan());
        }
        assert_eq!(E5m2.decode(0x04), 2f32.powi(-14));
        assert_eq!(E5m2.decode(0x01), 2f32.powi(-16));
        assert_eq!(E5m2.decode(0x3C), 1.0);
        assert_eq!(E5m2.encode(1.125, false), 0x3C); // tie → even mantissa 00
        assert_eq!(E5m2.encode(1.375, false), 0x3E); // tie → even mantissa 10
                                                     // Max is 1.75·2^15 (odd mantissa): the tie with 2^16 rounds up and overflows, as in IEEE.
        assert_eq!(E5m2.encode(61439.0, false), 0x7B);
        assert_eq!(E5m2.encode(61440.0, false), 0x7C);
        assert_eq!(E5m2.encode(61440.0, true), 0x7B);
        assert_eq!(E5m2.encode(f32::NEG_INFINITY, false), 0xFC);
    }

    #[test]
    fn fp16_and_bf16_reference_bits() {
        assert_eq!(Fp16.encode(1.0, false), 0x3C00);
        assert_eq!(Fp16.encode(-2.0, false), 0xC000);
        assert_eq!(Fp16.encode(65504.0, false), 0x7BFF);
        assert_eq!(Fp16.encode(1e6, false), 0x7C00);
        assert_eq!(Fp16.encode(1e6, true), 0x7BFF);
        assert_eq!(Fp16.encode(2f32.powi(-24), false), 0x0001); // smallest subnormal
        assert_eq!(Fp16.encode(1.0 + 2f32.powi(-11), false), 0x3C00); // tie → even
        assert_eq!(Bf16.encode(1.0, false), 0x3F80);
        assert_eq!(Bf16.encode(-1.0, false), 0xBF80);
        assert_eq!(Bf16.encode(1.0 + 2f32.powi(-8), false), 0x3F80); // tie → even
        assert_eq!(Bf16.encode(1.0 + 3.0 * 2f32.powi(-8), false), 0x3F82);
        assert!(Bf16.decode(Bf16.encode(f32::NAN, false)).is_nan());
    }

    #[test]
    fn rounding_error_is_within_half_ulp() {
        for i in 0..2000 {
            let x = (i as f32 - 1000.0) * 0.173;
            for fmt in [E4m3, E5m2] {
                let r = fmt.round(x, true);
                let rel = if fmt == E4m3 { 1.0 / 16.0 } else { 1.0 / 8.0 };
                assert!((r - x).abs() <= rel * x.abs() + 1e-6, "{fmt:?} {x} → {r}");
            }
        }
    }
}
