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

/// One plane of ``ck_depthwise_rows`` with 16-lane vectors: output rows `0..<oh` (`ow` wide, at
/// `dst`) from the padded plane at `scratch` (laid out as `l`, whose rows hold at least the
/// output width rounded up to 16 plus the taps), weights `wt` (`kh × kw`), bias `b`, clamp
/// `lo...hi`. CPUs with AVX-512 F only.
void ck_depthwise_plane512(const layout *l, const float *scratch, const float *wt, long kh,
                           long kw, float b, float lo, float hi, float *dst, long oh, long ow);

#endif
