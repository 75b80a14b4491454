//! A fixed diverging palette (ColorBrewer RdBu, reversed: negative blue, zero white, positive
//! red) so frames compare across time and layers, plus reserved colours for masked cells.

/// RGBA colour.
pub type Rgba = [u8; 4];

/// A pruned (masked) weight: dark, far from every palette colour.
pub const PRUNED: Rgba = [24, 24, 24, 255];
/// A removed neuron's whole tile.
pub const REMOVED: Rgba = [150, 150, 150, 255];
/// Background between tiles.
pub const GAP: Rgba = [255, 255, 255, 0];

/// RdBu stops from −1 to +1 (11 stops).
const STOPS: [[u8; 3]; 11] = [
    [5, 48, 97],
    [33, 102, 172],
    [67, 147, 195],
    [146, 197, 222],
    [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199],
    [244, 165, 130],
    [214, 96, 77],
    [178, 24, 43],
    [103, 0, 31],
];

/// Colour of `v / scale`, clamped to [−1, 1]; NaN maps to the pruned colour's opposite (magenta)
/// so that a broken value is visible rather than silently white.
pub fn diverging(v: f32, scale: f32) -> Rgba {
    if !v.is_finite() || !scale.is_finite() || scale <= 0.0 {
        return [255, 0, 255, 255];
    }
    let t = ((v / scale).clamp(-1.0, 1.0) + 1.0) * 5.0; // 0..=10
    let i = (t.floor() as usize).min(9);
    let f = t - i as f32;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |k: usize| (a[k] as f32 + (b[k] as f32 - a[k] as f32) * f).round() as u8;
    [mix(0), mix(1), mix(2), 255]
}

/// Sequential colour for a value in [0, 1] (white to dark red), for masks counts and errors.
pub fn sequential(t: f32) -> Rgba {
    if !t.is_finite() {
        return [255, 0, 255, 255];
    }
    diverging(t.clamp(0.0, 1.0), 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle() {
        assert_eq!(diverging(0.0, 1.0), [247, 247, 247, 255]);
        assert_eq!(diverging(-5.0, 1.0), [5, 48, 97, 255]);
        assert_eq!(diverging(5.0, 1.0), [103, 0, 31, 255]);
        assert_eq!(diverging(f32::NAN, 1.0), [255, 0, 255, 255]);
        assert_ne!(diverging(0.3, 1.0), diverging(0.31, 1.0));
    }
}
