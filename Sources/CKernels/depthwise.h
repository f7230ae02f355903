// What depthwise.c shares with its AVX-512 plane kernel (depthwise512.c): the layout of a
// zero-padded scratch plane. Not part of the module's API.
#ifndef CKERNELS_DEPTHWISE_H
#define CKERNELS_DEPTHWISE_H

/// The scratch layout of one padded plane.
typedef struct {
  long rows, cols, half;  // half: floats of one column half (the whole plane when stride 1)
  long stride, pad_top, pad_left, h, w;
  long ring;  // input row `iy` is row `iy mod ring` of its plane (0: row `iy`)
} layout;

/// Offset of tap column `kx` in the scratch (stride 2: into the odd half for odd `kx`).
static inline long tap_offset(const layout *l, long kx) {
  return l->stride == 1 ? kx : (kx & 1) * l->half + kx / 2;
}

/// Where input row `iy` of a plane starts.
static inline const float *input_row(const layout *l, const float *plane, long iy) {
  return plane + (l->ring ? iy % l->ring : iy) * l->w;
}

/// Whether ``ck_depthwise_plane512`` handles this window: 3×3 or 5×5.
int ck_depthwise512_handles(long kh, long kw);

/// Whether ``ck_depthwise_plane512`` reads this window straight from the input plane (no
/// scratch copy): stride 1, 3×3 or 5×5, planes at most 32 wide. In a C harness against the
/// scratch copy, median of 41 calls: 672 planes 14×14 5×5 0.069 → 0.053 ms, 480 × 14×14 3×3
/// 0.025 → 0.020, 240 × 28×28 5×5 0.083 → 0.074; but 144 × 56×56 3×3 0.082 → 0.097 and 32 ×
/// 112×112 0.070 → 0.086, whose copy is cheap for its rows of whole vectors, and which read
/// aligned vectors from it.
int ck_depthwise512_reads_input(long kh, long kw, long stride, long w);

/// One plane of ``ck_depthwise_rows`` with 16-lane vectors, for a `k × k` window that
/// ``ck_depthwise512_handles``: output rows `0..<oh` (`ow` wide, at `dst`) from the padded plane
/// at `scratch` (laid out as `l`, 64-byte aligned rows of whole vectors holding the output width
/// rounded up to 16 plus the taps) or, for the windows of ``ck_depthwise512_reads_input``, from
/// the input plane at `input` itself (its rows as `l` says: `h`, `w`, `ring`, `pad_top` and
/// `pad_left`); weights `wt` (`k × k`), bias `b`, clamp `lo...hi`. CPUs with AVX-512 F only.
void ck_depthwise_plane512(const layout *l, const float *scratch, const float *input,
                           const float *wt, long k, float b, float lo, float hi, float *dst,
                           long oh, long ow);

#endif
