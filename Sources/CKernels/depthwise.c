// Direct depthwise convolution with bias and clamp fused.
//
// Each plane is copied into the interior of a zero-padded scratch plane (its padding is zeroed
// once per call and never written again), so the inner loops read whole vectors without bounds
// checks. Stride 2 splits the padded plane into even and odd columns, which turns the strided
// reads into contiguous ones. Four output rows by 16 columns are computed together (eight
// independent YMM accumulators) with the taps as broadcast FMAs; 3×3 kernels instead keep their
// nine weights in registers and load each input row vector once for all the output rows it
// feeds.
#include "avx2.h"
#include "ckernels.h"
#include "depthwise.h"

#include <stdlib.h>
#include <string.h>


#define MAXK 7
/// Zero floats after each half of a scratch plane, for ``fill_avx2``'s whole-vector stores.
#define SLACK 16

int ck_depthwise_supported(long kh, long kw, long stride_h, long stride_w, long dilation_h,
                           long dilation_w, long pad_top, long pad_left, long pad_bottom,
                           long pad_right) {
  return kh >= 1 && kh <= MAXK && kw >= 1 && kw <= MAXK && stride_h == stride_w &&
         (stride_h == 1 || stride_h == 2) && dilation_h == 1 && dilation_w == 1 && pad_top >= 0 &&
         pad_left >= 0 && pad_top < kh && pad_left < kw && pad_bottom >= 0 && pad_right >= 0 &&
         pad_bottom < kh && pad_right < kw;
}

/// `first[i] = src[2i]`, `second[i] = src[2i + 1]` for `i < pairs`.
static void deinterleave(const float *src, long pairs, float *first, float *second) {
  for (long i = 0; i < pairs; i++) {
    first[i] = src[2 * i];
    second[i] = src[2 * i + 1];
  }
}

/// Where input column 0 of a row lands for stride 2: input column t goes to half
/// (t + pad_left) mod 2 at index (t + pad_left) / 2, so pairs (t, t + 1) from t = 0 split into
/// `first` and `second`.
static void split_targets(const layout *l, float *row_even, float *row_odd, float **first,
                          float **second) {
  long p = l->pad_left;
  *first = (p & 1) ? row_odd + p / 2 : row_even + p / 2;
  *second = (p & 1) ? row_even + (p + 1) / 2 : row_odd + p / 2;
}

/// Input columns that land inside the scratch (padded column q = t + pad_left is kept while
/// q / stride < cols).
static long fill_width(const layout *l) {
  long limit = l->cols * l->stride - l->pad_left;
  return l->w < limit ? l->w : limit;
}

/// Copies plane `src` into the scratch interior (stride 2: even padded columns to the first
/// half, odd ones to the second).
static void fill(const layout *l, const float *src, float *dst) {
  long n = fill_width(l);
  for (long r = 0; r < l->rows; r++) {
    long iy = r - l->pad_top;
    if (iy < 0 || iy >= l->h) continue;
    const float *s = input_row(l, src, iy);
    if (l->stride == 1) {
      memcpy(dst + r * l->cols + l->pad_left, s, (size_t)n * sizeof(float));
      continue;
    }
    float *first, *second;
    split_targets(l, dst + r * l->cols, dst + l->half + r * l->cols, &first, &second);
    deinterleave(s, n / 2, first, second);
    if (n & 1) first[n / 2] = s[n - 1];
  }
}

#if CK_X86
/// ``fill`` with whole-vector copies: each row is read with masked loads and written in full
/// vectors, the lanes past the row's end as zeros. Those land in the right padding (zero
/// anyway), in the next row (written after this one) or in the `SLACK` floats after each half.
CK_AVX2 static void fill_avx2(const layout *l, const float *src, float *dst) {
  long n = fill_width(l);
  for (long r = 0; r < l->rows; r++) {
    long iy = r - l->pad_top;
    if (iy < 0 || iy >= l->h) continue;
    const float *s = input_row(l, src, iy);
    if (l->stride == 1) {
      float *d = dst + r * l->cols + l->pad_left;
      for (long i = 0; i < n; i += 8) {
        __m256 v = n - i >= 8 ? _mm256_loadu_ps(s + i) : _mm256_maskload_ps(s + i, ck_lanes(n - i));
        _mm256_storeu_ps(d + i, v);
      }
      continue;
    }
    float *first, *second;
    split_targets(l, dst + r * l->cols, dst + l->half + r * l->cols, &first, &second);
    for (long i = 0; 2 * i < n; i += 8) {
      long left = n - 2 * i;
      __m256 a = left >= 8 ? _mm256_loadu_ps(s + 2 * i) : _mm256_maskload_ps(s + 2 * i, ck_lanes(left));
      __m256 b = left >= 16  ? _mm256_loadu_ps(s + 2 * i + 8)
                 : left > 8 ? _mm256_maskload_ps(s + 2 * i + 8, ck_lanes(left - 8))
                            : _mm256_setzero_ps();
      // [a0 a2 b0 b2 a4 a6 b4 b6] → [a0 a2 a4 a6 b0 b2 b4 b6]
      __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
      __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
      _mm256_storeu_ps(first + i,
                       _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8)));
      _mm256_storeu_ps(second + i,
                       _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xD8)));
    }
  }
}
#endif

static void plane_portable(const layout *l, const float *scratch, const float *wt, long kh,
                           long kw, float b, float lo, float hi, float *dst, long oh, long ow) {
  for (long oy = 0; oy < oh; oy++) {
    for (long ox = 0; ox < ow; ox++) {
      float acc = b;
      for (long ky = 0; ky < kh; ky++) {
        const float *row = scratch + (oy * l->stride + ky) * l->cols + ox;
        for (long kx = 0; kx < kw; kx++) acc += wt[ky * kw + kx] * row[tap_offset(l, kx)];
      }
      acc = acc < lo ? lo : acc;
      dst[oy * ow + ox] = acc > hi ? hi : acc;
    }
  }
}

#if CK_X86
/// `rows` (1 or 4) output rows × `nv` (1 or 2) vectors of 8 columns at `dst`, of which `valid`
/// columns are stored.
CK_AVX2 CK_INLINE static void block_avx2(const float *base, long row_step, long cols,
                                      const long *taps, const float *wt, const long kh,
                                      const long kw, const int rows, const int nv, __m256 b,
                                      __m256 lo, __m256 hi, float *dst, long ow, long valid) {
  __m256 acc[4][2];
  for (int r = 0; r < rows; r++) {
    for (int v = 0; v < nv; v++) acc[r][v] = b;
  }
  for (long ky = 0; ky < kh; ky++) {
    const float *q0 = base + ky * cols;
    for (long kx = 0; kx < kw; kx++) {
      __m256 wv = _mm256_broadcast_ss(wt + ky * kw + kx);
      const float *q = q0 + taps[kx];
      for (int r = 0; r < rows; r++) {
        for (int v = 0; v < nv; v++) {
          acc[r][v] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + r * row_step + 8 * v), acc[r][v]);
        }
      }
    }
  }
  for (int r = 0; r < rows; r++) {
    for (int v = 0; v < nv; v++) {
      __m256 out = _mm256_min_ps(_mm256_max_ps(acc[r][v], lo), hi);
      float *d = dst + r * ow + 8 * v;
      long n = valid - 8 * v;
      if (n >= 8) {
        _mm256_storeu_ps(d, out);
      } else if (n > 0) {
        _mm256_maskstore_ps(d, ck_lanes(n), out);
      }
    }
  }
}

/// 3×3 taps, 4 output rows × 8 columns: the 9 weights stay in registers and each input row
/// vector is loaded once for every output row it feeds (6 or 9 rows of 3 loads instead of 36).
CK_AVX2 CK_INLINE static void block3_rr(const float *base, long stride, long cols,
                                        const long *taps, const __m256 *wv, __m256 b, __m256 lo,
                                        __m256 hi, float *dst, long ow, long valid) {
  __m256 acc[4] = {b, b, b, b};
  for (long ir = 0; ir < 3 * stride + 3; ir++) {
    const float *q = base + ir * cols;
    for (long kx = 0; kx < 3; kx++) {
      __m256 v = _mm256_loadu_ps(q + taps[kx]);
      for (long r = 0; r < 4; r++) {
        long ky = ir - r * stride;
        if (ky >= 0 && ky < 3) acc[r] = _mm256_fmadd_ps(wv[ky * 3 + kx], v, acc[r]);
      }
    }
  }
  for (long r = 0; r < 4; r++) {
    __m256 out = _mm256_min_ps(_mm256_max_ps(acc[r], lo), hi);
    if (valid >= 8) {
      _mm256_storeu_ps(dst + r * ow, out);
    } else {
      _mm256_maskstore_ps(dst + r * ow, ck_lanes(valid), out);
    }
  }
}

/// The next column block of an output row from column `*x`: its first column `*at`, `*nv`
/// vectors of 8 and `*valid` columns stored; advances `*x` past it and returns 0 when the row
/// is done. Whole-vector stores only where the row has 8 columns or more: a partial last block
/// moves left to end at the row's end (recomputing a few columns) instead of using a masked
/// store, which AMD cores run as microcode (14- and 28-wide rows spent much of their time there).
static inline int next_block(long ow, int widest, long *x, long *at, int *nv, long *valid) {
  long rest = ow - *x, step = widest * 8;
  if (rest <= 0) return 0;
  if (rest >= step || ow < 8) {
    *at = *x, *nv = widest, *valid = rest < step ? rest : step;
    if (rest < step) *nv = rest > 8 ? 2 : 1;
  } else if (rest > 8 && ow >= 16) {
    *at = ow - 16, *nv = 2, *valid = 16;
  } else if (rest > 8) {
    *at = *x, *nv = 1, *valid = 8;
  } else {
    *at = ow - 8, *nv = 1, *valid = 8;
  }
  *x = *at + *valid > *x ? *at + *valid : *x;
  return 1;
}

/// One plane; `kh`, `kw` are constants in the specialised callers.
CK_AVX2 CK_INLINE static void plane_avx2_impl(const layout *l, const float *scratch, const float *wt,
                                           const long kh, const long kw, float bias, float lo,
                                           float hi, float *dst, long oh, long ow) {
  long taps[MAXK];
  for (long kx = 0; kx < kw; kx++) taps[kx] = tap_offset(l, kx);
  long row_step = l->stride * l->cols;
  __m256 b = _mm256_set1_ps(bias), vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  long oy = 0;
  long x, x0, valid;
  int nv;
  for (; oy + 4 <= oh; oy += 4) {
    const float *base = scratch + oy * row_step;
    for (x = 0; next_block(ow, 2, &x, &x0, &nv, &valid);) {
      if (nv == 2) {
        block_avx2(base + x0, row_step, l->cols, taps, wt, kh, kw, 4, 2, b, vlo, vhi,
                   dst + oy * ow + x0, ow, valid);
      } else {
        block_avx2(base + x0, row_step, l->cols, taps, wt, kh, kw, 4, 1, b, vlo, vhi,
                   dst + oy * ow + x0, ow, valid);
      }
    }
  }
  // The last 1–3 rows as one block.
  if (oy < oh) {
    const float *base = scratch + oy * row_step;
    long rows = oh - oy;
    for (x = 0; next_block(ow, 2, &x, &x0, &nv, &valid);) {
      const float *q = base + x0;
      float *d = dst + oy * ow + x0;
      if (nv == 2) {
        if (rows == 1) block_avx2(q, row_step, l->cols, taps, wt, kh, kw, 1, 2, b, vlo, vhi, d, ow, valid);
        if (rows == 2) block_avx2(q, row_step, l->cols, taps, wt, kh, kw, 2, 2, b, vlo, vhi, d, ow, valid);
        if (rows == 3) block_avx2(q, row_step, l->cols, taps, wt, kh, kw, 3, 2, b, vlo, vhi, d, ow, valid);
      } else {
        if (rows == 1) block_avx2(q, row_step, l->cols, taps, wt, kh, kw, 1, 1, b, vlo, vhi, d, ow, valid);
        if (rows == 2) block_avx2(q, row_step, l->cols, taps, wt, kh, kw, 2, 1, b, vlo, vhi, d, ow, valid);
        if (rows == 3) block_avx2(q, row_step, l->cols, taps, wt, kh, kw, 3, 1, b, vlo, vhi, d, ow, valid);
      }
    }
  }
}

CK_AVX2 static void plane_avx2_3(const layout *l, const float *s, const float *wt, float b,
                                 float lo, float hi, float *dst, long oh, long ow) {
  long taps[3] = {tap_offset(l, 0), tap_offset(l, 1), tap_offset(l, 2)};
  __m256 wv[9];
  for (int i = 0; i < 9; i++) wv[i] = _mm256_broadcast_ss(wt + i);
  __m256 vb = _mm256_set1_ps(b), vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  long row_step = l->stride * l->cols, full = oh / 4 * 4;
  long x, x0, valid;
  int nv;
  if (l->stride == 1) {
    for (long oy = 0; oy < full; oy += 4) {
      for (x = 0; next_block(ow, 1, &x, &x0, &nv, &valid);) {
        block3_rr(s + oy * row_step + x0, 1, l->cols, taps, wv, vb, vlo, vhi, dst + oy * ow + x0,
                  ow, valid);
      }
    }
  } else {
    for (long oy = 0; oy < full; oy += 4) {
      for (x = 0; next_block(ow, 1, &x, &x0, &nv, &valid);) {
        block3_rr(s + oy * row_step + x0, 2, l->cols, taps, wv, vb, vlo, vhi, dst + oy * ow + x0,
                  ow, valid);
      }
    }
  }
  if (full < oh) {
    // The last 1–3 rows by the general kernel (it starts at row `full`).
    plane_avx2_impl(l, s + full * row_step, wt, 3, 3, b, lo, hi, dst + full * ow, oh - full, ow);
  }
}

CK_AVX2 static void plane_avx2_5(const layout *l, const float *s, const float *wt, float b,
                                 float lo, float hi, float *dst, long oh, long ow) {
  plane_avx2_impl(l, s, wt, 5, 5, b, lo, hi, dst, oh, ow);
}

CK_AVX2 static void plane_avx2_any(const layout *l, const float *s, const float *wt, long kh,
                                   long kw, float b, float lo, float hi, float *dst, long oh,
                                   long ow) {
  plane_avx2_impl(l, s, wt, kh, kw, b, lo, hi, dst, oh, ow);
}
#endif

int ck_depthwise(int isa, const float *x, long planes, long channels, long first_channel, long h,
                 long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                 long ow, const float *weights, const float *bias, float lo, float hi, float *y) {
  return ck_depthwise_rows(isa, x, planes, channels, first_channel, h, w, kh, kw, stride, pad_top,
                           pad_left, oh, ow, 0, oh, weights, bias, lo, hi, y);
}

/// ``ck_depthwise_rows`` on planes `x_plane` floats apart whose rows may be a ring (`ring` rows,
/// 0: none), written from output row `oy_begin` on at `y`, planes `y_plane` floats apart.
static int depthwise_rows(int isa, const float *x, long x_plane, long ring, long planes,
                          long channels, long first_channel, long h, long w, long kh, long kw,
                          long stride, long pad_top, long pad_left, long oh, long ow,
                          long oy_begin, long oy_end, const float *weights, const float *bias,
                          float lo, float hi, float *y, long y_plane) {
  if (oy_end > oh) oy_end = oh;
  if (oy_begin < 0) oy_begin = 0;
  // A ring of the whole plane is the plane (and the whole-plane kernels below may take it).
  if (ring >= h) ring = 0;
  long rows = oy_end - oy_begin;
  if (planes <= 0 || rows <= 0 || ow <= 0) return 0;
  // Outputs narrower than a vector (7×7 maps) on AVX2: 8 planes at a time, vectorised over
  // channels (A/B: 1152 planes 7×7 5×5 0.14 → 0.10 ms; at 14 wide the plane kernel stays
  // faster). The AVX-512 plane kernel beats it even on 7 of its 16 lanes, reading in place (C
  // harness, median of 41: 1152 planes 7×7 5×5 0.063 → 0.047 ms, 3×3 0.039 → 0.025; 672
  // planes 14×14 5×5 stride 2 from the scratch, 0.055 both).
  if (isa == CK_ISA_AVX2_FMA && rows == oh && ow < 8 && ring == 0 && x_plane == h * w &&
      y_plane == oh * ow &&
      ck_depthwise_c8(x, planes, channels, first_channel, h, w, kh, kw, stride, pad_top, pad_left,
                      oh, ow, weights, bias, lo, hi, y) == 0) {
    return 0;
  }
  // Output columns rounded up to whole vectors (8 lanes, 16 on AVX-512).
  long lanes = isa >= CK_ISA_AVX512 ? 16 : 8;
  long owp = (ow + lanes - 1) / lanes * lanes;
  layout l;
  l.stride = stride;
  // Scratch row r holds input row r + oy_begin·stride − pad_top.
  l.pad_top = pad_top - oy_begin * stride;
  l.pad_left = pad_left;
  l.h = h;
  l.w = w;
  l.ring = ring;
  l.rows = (rows - 1) * stride + kh;
  l.cols = stride == 1 ? owp + kw - 1 : owp + (kw - 1) / 2 + 1;
  // AVX-512 reads each scratch row as aligned vectors: rows of whole vectors, 64-byte aligned.
  if (isa >= CK_ISA_AVX512) l.cols = (l.cols + 15) / 16 * 16;
  l.half = l.rows * l.cols + SLACK;
  long count = stride == 1 ? l.half : 2 * l.half;
#if CK_X86
  if (isa >= CK_ISA_AVX512 && ck_depthwise512_reads_input(kh, kw, stride, w)) {
    // Narrow stride-1 planes are read in place, zero lanes past their edges: no scratch.
    for (long p = 0; p < planes; p++) {
      long c = (first_channel + p) % channels;
      ck_depthwise_plane512(&l, NULL, x + p * x_plane, weights + c * kh * kw, kh,
                            bias ? bias[c] : 0.0f, lo, hi, y + p * y_plane, rows, ow);
    }
    return 0;
  }
#endif
  // Two scratch planes: the next plane is copied in while this one is computed, so the vector
  // loads never wait on the copy's just-written (narrower) stores.
  size_t bytes = (size_t)(2 * count) * sizeof(float);
  float *scratch = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!scratch) return -1;
  memset(scratch, 0, bytes);
#if CK_X86
  if (isa >= CK_ISA_AVX2_FMA) {
    fill_avx2(&l, x, scratch);
    for (long p = 0; p < planes; p++) {
      long c = (first_channel + p) % channels;
      const float *wt = weights + c * kh * kw;
      float b = bias ? bias[c] : 0.0f;
      float *dst = y + p * y_plane;
      const float *plane = scratch + (p & 1) * count;
      if (p + 1 < planes) fill_avx2(&l, x + (p + 1) * x_plane, scratch + ((p + 1) & 1) * count);
      if (isa >= CK_ISA_AVX512 && ck_depthwise512_handles(kh, kw)) {
        ck_depthwise_plane512(&l, plane, NULL, wt, kh, b, lo, hi, dst, rows, ow);
      } else if (kh == 3 && kw == 3) {
        plane_avx2_3(&l, plane, wt, b, lo, hi, dst, rows, ow);
      } else if (kh == 5 && kw == 5) {
        plane_avx2_5(&l, plane, wt, b, lo, hi, dst, rows, ow);
      } else {
        plane_avx2_any(&l, plane, wt, kh, kw, b, lo, hi, dst, rows, ow);
      }
    }
    free(scratch);
    return 0;
  }
#endif
  (void)isa;
  for (long p = 0; p < planes; p++) {
    long c = (first_channel + p) % channels;
    fill(&l, x + p * x_plane, scratch);
    plane_portable(&l, scratch, weights + c * kh * kw, kh, kw, bias ? bias[c] : 0.0f, lo, hi,
                   y + p * y_plane, rows, ow);
  }
  free(scratch);
  return 0;
}

int ck_depthwise_rows(int isa, const float *x, long planes, long channels, long first_channel,
                      long h, long w, long kh, long kw, long stride, long pad_top, long pad_left,
                      long oh, long ow, long oy_begin, long oy_end, const float *weights,
                      const float *bias, float lo, float hi, float *y) {
  if (oy_begin < 0) oy_begin = 0;
  return depthwise_rows(isa, x, h * w, 0, planes, channels, first_channel, h, w, kh, kw, stride,
                        pad_top, pad_left, oh, ow, oy_begin, oy_end, weights, bias, lo, hi,
                        y + oy_begin * ow, oh * ow);
}

int ck_depthwise_ring(int isa, const float *x, long x_plane, long ring, long planes, long h,
                      long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                      long ow, long oy_begin, long oy_end, const float *weights, const float *bias,
                      float lo, float hi, float *y, long y_plane) {
  return depthwise_rows(isa, x, x_plane, ring, planes, planes, 0, h, w, kh, kw, stride, pad_top,
                        pad_left, oh, ow, oy_begin, oy_end, weights, bias, lo, hi, y, y_plane);
}
