//! The span of input memory the patches read.

use super::Plan;

impl Plan {
    /// Bytes of input memory the patches read from: from the lowest to the
    /// highest byte any patch reads, plus one element; 0 when nothing is
    /// read (no patches, empty patches, or every position in constant
    /// padding). A view costs no memory of its own; this is what it looks
    /// through.
    ///
    /// Padding counts by the elements it reads after remapping (reflect,
    /// symmetric, edge and wrap read real elements, constant padding reads
    /// none), and dilation gaps by the positions that are really read. The
    /// elements read are, per axis, the remapped coordinates of that axis's
    /// positions (one product over the axes), so the span is found axis by
    /// axis without visiting the patches. On an axis where finding the
    /// ends would take more than 65,536 steps (periodic padding many times
    /// longer than the axis, with windows that keep missing its ends), the
    /// whole axis counts: then this is an upper bound.
    ///
    /// ```
    /// use patch_core::{Layout, PadMode, Padding, PatchSpec, Plan};
    ///
    /// // One window of 2 at -3: reflect padding reads x[3] and x[2].
    /// let layout = Layout::of::<f32>(&[5]).unwrap();
    /// let spec = PatchSpec::sliding(&[2], &[10]).unwrap();
    /// let reflect = Plan::new(&layout, &spec, &Padding::explicit(&[(3, 0)], PadMode::Reflect)).unwrap();
    /// assert_eq!(reflect.span_bytes(), 8);
    /// // Constant padding reads nothing there.
    /// let constant = Plan::new(&layout, &spec, &Padding::explicit(&[(3, 0)], PadMode::Constant)).unwrap();
    /// assert_eq!(constant.span_bytes(), 0);
    /// ```
    pub fn span_bytes(&self) -> usize {
        if self.num_patches == 0 || self.patch_len == 0 {
            return 0;
        }
        let offset = self.layout.offset() as i128;
        let (mut lo, mut hi) = (offset, offset);
        for (a, &s) in self.axes.iter().zip(self.layout.strides()) {
            let Some((first, last)) = a.read_bounds(self.padding.mode) else {
                return 0;
            };
            let (x, y) = (first as i128 * s as i128, last as i128 * s as i128);
            lo += x.min(y);
            hi += x.max(y);
        }
        // Both ends are reachable indices, so this fits in practice; saturate
        // rather than wrap if it ever does not.
        usize::try_from(hi - lo + 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(self.layout.itemsize())
    }
}
