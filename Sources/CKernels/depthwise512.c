// The depthwise plane kernel with 16-lane vectors for 3×3 and 5×5 windows (every one in
// EfficientNet-Lite0; depthwise.c lays out the padded scratch planes, 64-byte aligned rows of
// whole vectors, calls this on CPUs with AVX-512 F and keeps its AVX2 kernel for other windows).
//
// Planes go by bands of 8 output rows × 16 columns: eight ZMM accumulators, enough independent
// FMAs to cover their latency on two 512-bit pipes. Each input row is read as two aligned
// vectors (per column half for stride 2) and each tap's window is a lane shift of them
// (`valignd`): a 64-byte load at a tap's offset nearly always spans two cache lines. In a C
// harness, median of 41 calls against the AVX2 kernel: 144 planes 56×56 3×3 0.127 → 0.081 ms,
// 240 × 28×28 5×5 0.152 → 0.082, 672 × 14×14 5×5 0.128 → 0.069, 96 × 112×112 3×3 stride 2
// 0.160 → 0.151.
//
// A row's last partial vector is stored under a lane mask, which AVX-512 runs as a plain store
// (the AVX2 kernel moves its last block left instead, as `vmaskmovps` is microcode on AMD).
#include "avx2.h"
#include "ckernels.h"
#include "depthwise.h"

#if CK_X86
/// Stores a row's vector, `valid` (1…16) columns of it, clamped.
CK_AVX512 CK_INLINE static void store_row(float *d, __m512 acc, __m512 lo, __m512 hi,
                                          long valid) {
  __m512 out = _mm512_min_ps(_mm512_max_ps(acc, lo), hi);
  if (valid >= 16) {
    _mm512_storeu_ps(d, out);
  } else {
    _mm512_mask_storeu_ps(d, ck_mask16(valid), out);
  }
}

/// Floats `k..<k + 16` of the 32 in `lo ‖ hi` (`k` ≤ 7, a constant once inlined).
CK_AVX512 CK_INLINE static __m512 window(__m512 lo, __m512 hi, const int k) {
#define SHIFT(n) _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(hi), _mm512_castps_si512(lo), n))
  switch (k) {
  case 0: return lo;
  case 1: return SHIFT(1);
  case 2: return SHIFT(2);
  case 3: return SHIFT(3);
  case 4: return SHIFT(4);
  case 5: return SHIFT(5);
  case 6: return SHIFT(6);
  default: return SHIFT(7);
  }
#undef SHIFT
}

/// `ROWS` (≤ 8) output rows × 16 columns, each input row read as two vectors per column half
/// and each tap's window a lane shift of them (`valignd`): a 64-byte load at a tap's offset
/// nearly always spans two cache lines. Each row's windows feed every output row that reads it.
/// The rows come from the 64-byte aligned scratch at `base` (the block's first input row and
/// column) or, with `input` (stride 1 only), straight from the input plane: input row `iy0 + ir`
/// from column `x0` on, zero outside the plane (lanes outside `m0`/`m1`, rows outside `0..<h`).
/// `stride`, `KH`, `KW` and `ROWS` are constants in the callers.
CK_AVX512 CK_INLINE static void band(const float *base, long cols, long half, const layout *input,
                                     const float *plane, long iy0, long x0, __mmask16 m0,
                                     __mmask16 m1, const long stride, const long KH,
                                     const long KW, const int ROWS, const float *wt, __m512 b,
                                     __m512 lo, __m512 hi, float *dst, long ow, long valid) {
  __m512 acc[8];
  for (int r = 0; r < ROWS; r++) acc[r] = b;
#pragma clang loop unroll(full)
  for (long ir = 0; ir < (ROWS - 1) * stride + KH; ir++) {
    __m512 e0, e1;
    if (input) {
      long iy = iy0 + ir;
      e0 = e1 = _mm512_setzero_ps();
      if (iy >= 0 && iy < input->h) {
        const float *q = input_row(input, plane, iy) + x0 - input->pad_left;
        e0 = _mm512_maskz_loadu_ps(m0, q);
        e1 = _mm512_maskz_loadu_ps(m1, q + 16);
      }
    } else {
      e0 = _mm512_load_ps(base + ir * cols);
      e1 = _mm512_load_ps(base + ir * cols + 16);
    }
    __m512 o0 = e0, o1 = e1;
    if (stride == 2) o0 = _mm512_load_ps(base + ir * cols + half), o1 = _mm512_load_ps(base + ir * cols + half + 16);
#pragma clang loop unroll(full)
    for (long kx = 0; kx < KW; kx++) {
      __m512 x = stride == 1  ? window(e0, e1, (int)kx)
                 : kx & 1 ? window(o0, o1, (int)(kx / 2))
                          : window(e0, e1, (int)(kx / 2));
#pragma clang loop unroll(full)
      for (int r = 0; r < ROWS; r++) {
        long ky = ir - r * stride;
        if (ky >= 0 && ky < KH) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(wt[ky * KW + kx]), x, acc[r]);
      }
    }
  }
  for (int r = 0; r < ROWS; r++) store_row(dst + r * ow, acc[r], lo, hi, valid);
}

/// The band of output rows `oy..<oy + rows` (≤ 8) and columns `x..<x + 16` of a plane (see
/// ``plane_bands``).
CK_AVX512 CK_INLINE static void one_band(const layout *l, const float *s, const float *input,
                                         const float *wt, const long stride, const long KH,
                                         const long KW, __m512 b, __m512 lo, __m512 hi,
                                         float *dst, long ow, long oy, long rows, long x) {
  long valid = ow - x < 16 ? ow - x : 16;
  // The lanes of input columns x − pad_left + j inside the plane, j < 32.
  long first = x - l->pad_left, lo_j = first < 0 ? -first : 0, hi_j = l->w - first;
  if (hi_j > 32) hi_j = 32;
  unsigned long long bits = hi_j > lo_j ? ((1ull << hi_j) - 1) & ~((1ull << lo_j) - 1) : 0;
  __mmask16 m0 = (__mmask16)bits, m1 = (__mmask16)(bits >> 16);
  long iy0 = oy * stride - l->pad_top;
  const float *q = s ? s + oy * stride * l->cols + x : NULL;
  float *d = dst + oy * ow + x;
#define BAND(R)                                                                                    \
  band(q, l->cols, l->half, input ? l : NULL, input, iy0, x, m0, m1, stride, KH, KW, R, wt, b, lo, \
       hi, d, ow, valid)
  switch (rows) {
  case 8: BAND(8); break;
  case 7: BAND(7); break;
  case 6: BAND(6); break;
  case 5: BAND(5); break;
  case 4: BAND(4); break;
  case 3: BAND(3); break;
  case 2: BAND(2); break;
  default: BAND(1); break;
  }
#undef BAND
}

/// One plane by bands of 8 output rows × 16 columns, from the scratch `s` or (`input` not NULL)
/// straight from the input plane at `input`. From the scratch the bands go across the rows,
/// from the input down the columns (each measured faster than the other order, in a C harness
/// on the shapes of EfficientNet-Lite0).
CK_AVX512 CK_INLINE static void plane_bands(const layout *l, const float *s, const float *input,
                                            const float *wt, const long stride, const long KH,
                                            const long KW, float bias, float lo, float hi,
                                            float *dst, long oh, long ow) {
  __m512 b = _mm512_set1_ps(bias), vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  if (input) {
    for (long x = 0; x < ow; x += 16) {
      for (long oy = 0; oy < oh; oy += 8) {
        long rows = oh - oy < 8 ? oh - oy : 8;
        one_band(l, NULL, input, wt, stride, KH, KW, b, vlo, vhi, dst, ow, oy, rows, x);
      }
    }
    return;
  }
  for (long oy = 0; oy < oh; oy += 8) {
    long rows = oh - oy < 8 ? oh - oy : 8;
    for (long x = 0; x < ow; x += 16) {
      one_band(l, s, NULL, wt, stride, KH, KW, b, vlo, vhi, dst, ow, oy, rows, x);
    }
  }
}

int ck_depthwise512_handles(long kh, long kw) { return kh == kw && (kh == 3 || kh == 5); }

int ck_depthwise512_reads_input(long kh, long kw, long stride, long w) {
  return ck_depthwise512_handles(kh, kw) && stride == 1 && w <= 32;
}

CK_AVX512 void ck_depthwise_plane512(const layout *l, const float *s, const float *input,
                                     const float *wt, long k, float b, float lo, float hi,
                                     float *dst, long oh, long ow) {
  if (k == 3 && l->stride == 1) {
    plane_bands(l, s, input, wt, 1, 3, 3, b, lo, hi, dst, oh, ow);
  } else if (k == 3) {
    plane_bands(l, s, NULL, wt, 2, 3, 3, b, lo, hi, dst, oh, ow);
  } else if (l->stride == 1) {
    plane_bands(l, s, input, wt, 1, 5, 5, b, lo, hi, dst, oh, ow);
  } else {
    plane_bands(l, s, NULL, wt, 2, 5, 5, b, lo, hi, dst, oh, ow);
  }
}
#else
int ck_depthwise512_handles(long kh, long kw) {
  (void)kh, (void)kw;
  return 0;
}

int ck_depthwise512_reads_input(long kh, long kw, long stride, long w) {
  (void)kh, (void)kw, (void)stride, (void)w;
  return 0;
}

void ck_depthwise_plane512(const layout *l, const float *s, const float *input, const float *wt,
                           long k, float b, float lo, float hi, float *dst, long oh, long ow) {
  (void)l, (void)s, (void)input, (void)wt, (void)k, (void)b, (void)lo, (void)hi, (void)dst;
  (void)oh, (void)ow;
}
#endif
