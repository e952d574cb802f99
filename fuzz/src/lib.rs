//! Shared input decoding of the fuzz targets: a geometry (layout, spec,
//! padding) from arbitrary bytes, sizes bounded so each execution is fast.

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use patch_core::{AxisRole, Convention, PadMode, Padding};

/// A fuzzed geometry: shape, strides, offset, roles, padding, fill.
#[derive(Debug)]
pub struct Geometry {
    /// Axis lengths.
    pub shape: Vec<usize>,
    /// Element strides.
    pub strides: Vec<isize>,
    /// Element offset.
    pub offset: usize,
    /// Axis roles.
    pub roles: Vec<AxisRole>,
    /// The padding.
    pub padding: Padding,
}

/// A padding mode.
pub fn mode(u: &mut Unstructured) -> Result<PadMode> {
    Ok(*u.choose(&[
        PadMode::Constant,
        PadMode::Edge,
        PadMode::Wrap,
        PadMode::Reflect,
        PadMode::Symmetric,
    ])?)
}

/// Any numbers (unbounded): for plan creation, which must refuse or accept
/// without panicking.
pub fn wild(u: &mut Unstructured) -> Result<Geometry> {
    let rank = u.int_in_range(0..=6)?;
    let mut g = Geometry { shape: vec![], strides: vec![], offset: u.arbitrary()?, roles: vec![], padding: Padding::valid() };
    let mut pads = vec![];
    for _ in 0..rank {
        g.shape.push(if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(0..=9)? });
        g.strides.push(if u.arbitrary()? { u.arbitrary()? } else { u.int_in_range(-20..=20)? });
        let role = match u.int_in_range(0..=2)? {
            0 => AxisRole::Batch,
            1 => AxisRole::Whole,
            _ => {
                let small: bool = u.arbitrary()?;
                let n = |u: &mut Unstructured| -> Result<usize> { if small { u.int_in_range(0..=5) } else { u.arbitrary() } };
                let w = AxisRole::window(n(u)?, n(u)?, n(u)?);
                pads.push((n(u)?, n(u)?));
                w
            }
        };
        g.roles.push(role);
    }
    g.padding = conv(u, &pads)?;
    Ok(g)
}

fn conv(u: &mut Unstructured, pads: &[(usize, usize)]) -> Result<Padding> {
    let mode = mode(u)?;
    let convention = match u.int_in_range(0..=3)? {
        0 => Convention::Valid,
        1 => Convention::Same,
        2 => Convention::Cover,
        _ => Convention::Explicit(pads.to_vec()),
    };
    Ok(Padding { convention, mode })
}

/// Small numbers, a contiguous-or-gapped layout that fits a buffer of
/// `buffer` elements (returned): for the differential targets.
pub fn small(u: &mut Unstructured) -> Result<(Geometry, usize)> {
    let rank = u.int_in_range(1..=4)?;
    let mut shape: Vec<usize> = vec![];
    let mut roles = vec![];
    let mut pads = vec![];
    for _ in 0..rank {
        shape.push(u.int_in_range(0..=6)?);
        roles.push(match u.int_in_range(0..=3)? {
            0 => AxisRole::Batch,
            1 => AxisRole::Whole,
            _ => {
                pads.push((u.int_in_range(0..=4)?, u.int_in_range(0..=4)?));
                AxisRole::window(u.int_in_range(1..=4)?, u.int_in_range(1..=4)?, u.int_in_range(1..=3)?)
            }
        });
    }
    // Strides: C order with gaps, some axes flipped.
    let mut strides = vec![0isize; rank];
    let mut offset = 0usize;
    let mut acc = 1usize;
    for a in (0..rank).rev() {
        let gap = u.int_in_range(1..=2)?;
        let s = acc * gap;
        let flip: bool = u.arbitrary()?;
        strides[a] = if flip { -(s as isize) } else { s as isize };
        if flip {
            offset += s * shape[a].saturating_sub(1);
        }
        acc = s * shape[a].max(1);
    }
    let buffer = offset + acc + u.int_in_range(0..=3)?;
    let padding = conv(u, &pads)?;
    Ok((Geometry { shape, strides, offset, roles, padding }, buffer))
}
