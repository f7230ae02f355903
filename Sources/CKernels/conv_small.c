// Direct k×k convolution of an input with few channels: an image model's stem (3 → 32, 3×3
// stride 2 on 224×224 for EfficientNet-Lite0).
//
// Through the GEMM, such a convolution is mostly packing: each 16-column micro-panel gathers
// its C·KH·KW = 27 rows with strided loads for a product only 27 deep, and the 6-row tiles then
// store after 27 steps. Here each output row's input rows are laid out (zero-padded; for
// stride 2 split into even and odd columns, so every tap reads 16 consecutive floats), and the
// GEMM's 6×16 micro-tile runs on them with the packed weights: per tap, two loads and six
// broadcasts for twelve FMAs, as in the GEMM's own inner loop, and in the same order (zero,
// then every tap in turn, then bias and clamp), so the outputs are the GEMM's. The stem of
// EfficientNet-Lite0 went from about 1.0 to 0.7 ms per 224×224 image.
#include "avx2.h"
#include "ckernels.h"

#include <stdlib.h>
#include <string.h>


#define MR CK_PANEL_ROWS
/// The most taps (`channels·kh·kw`) the kernel keeps pointers for.
#define MAX_TAPS 64
/// Zero floats after each laid-out row: a 32-wide tile at the last columns reads past `ow`.
#define SLACK 32

int ck_conv_small_supported(long channels, long kh, long kw, long stride_h, long stride_w,
                            long dilation_h, long dilation_w) {
  return channels >= 1 && kh >= 1 && kw >= 1 && channels * kh * kw <= MAX_TAPS &&
         stride_h == stride_w && (stride_h == 1 || stride_h == 2) && dilation_h == 1 &&
         dilation_w == 1;
}

#if CK_X86
/// One output row's R×16 tiles (R = 6, or 4 for a last panel of at most 4 rows: 8 FMAs a step
/// instead of 12) for weight panel `a` (`k` taps of 6 floats), its first `rows` rows stored at
/// `y` (rows `ohw` apart) for `ow` columns.
CK_AVX2 CK_INLINE static void row_tiles_impl(const float *a, long k, const float *const *tap,
                                             long ow, const float *bias6, long rows, float lo,
                                             float hi, float *y, long ohw, const int R) {
  __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  for (long ox = 0; ox < ow; ox += 16) {
    __m256 acc[MR][2];
    for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    const float *ak = a;
    for (long kk = 0; kk < k; kk++) {
      __m256 b0 = _mm256_loadu_ps(tap[kk] + ox), b1 = _mm256_loadu_ps(tap[kk] + ox + 8);
      for (int r = 0; r < R; r++) {
        __m256 av = _mm256_broadcast_ss(ak + r);
        acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
      }
      ak += MR;
    }
    long n = ow - ox < 16 ? ow - ox : 16;
    for (int r = 0; r < R && r < rows; r++) {
      __m256 bv = _mm256_broadcast_ss(bias6 + r);
      float *out = y + r * ohw + ox;
      for (int v = 0; v < 2; v++) {
        __m256 o = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(acc[r][v], bv), vlo), vhi);
        long left = n - 8 * v;
        if (left >= 8) {
          _mm256_storeu_ps(out + 8 * v, o);
        } else if (left > 0) {
          _mm256_maskstore_ps(out + 8 * v, ck_lanes(left), o);
        }
      }
    }
  }
}

/// ``row_tiles_impl`` with 16-lane vectors: R×32 tiles (a last one of at most 16 columns as
/// R×16), partial vectors stored under a lane mask. The laid-out rows hold the reads: a tile
/// starts below `ow` and reads at most 32 floats past its start, within a row's `SLACK`.
CK_AVX512 CK_INLINE static void row_tiles512_impl(const float *a, long k,
                                                  const float *const *tap, long ow,
                                                  const float *bias6, long rows, float lo,
                                                  float hi, float *y, long ohw, const int R) {
  __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  for (long ox = 0; ox < ow; ox += 32) {
    long n = ow - ox < 32 ? ow - ox : 32;
    const int nv = n > 16 ? 2 : 1;
    __m512 acc[MR][2];
    for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    const float *ak = a;
    if (nv == 2) {
      for (long kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_loadu_ps(tap[kk] + ox), b1 = _mm512_loadu_ps(tap[kk] + ox + 16);
        for (int r = 0; r < R; r++) {
          __m512 av = _mm512_set1_ps(ak[r]);
          acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
          acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
        }
        ak += MR;
      }
    } else {
      for (long kk = 0; kk < k; kk++) {
        __m512 b0 = _mm512_loadu_ps(tap[kk] + ox);
        for (int r = 0; r < R; r++) acc[r][0] = _mm512_fmadd_ps(_mm512_set1_ps(ak[r]), b0, acc[r][0]);
        ak += MR;
      }
    }
    for (int r = 0; r < R && r < rows; r++) {
      __m512 bv = _mm512_set1_ps(bias6[r]);
      float *out = y + r * ohw + ox;
      for (int v = 0; v < nv; v++) {
        __m512 o = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(acc[r][v], bv), vlo), vhi);
        _mm512_mask_storeu_ps(out + 16 * v, ck_mask16(n - 16 * v), o);
      }
    }
  }
}

CK_AVX512 static void row_tiles512(const float *a, long k, const float *const *tap, long ow,
                                   const float *bias6, long rows, float lo, float hi, float *y,
                                   long ohw) {
  if (rows <= 4) {
    row_tiles512_impl(a, k, tap, ow, bias6, rows, lo, hi, y, ohw, 4);
  } else {
    row_tiles512_impl(a, k, tap, ow, bias6, rows, lo, hi, y, ohw, MR);
  }
}

CK_AVX2 static void row_tiles(const float *a, long k, const float *const *tap, long ow,
                              const float *bias6, long rows, float lo, float hi, float *y,
                              long ohw) {
  if (rows <= 4) {
    row_tiles_impl(a, k, tap, ow, bias6, rows, lo, hi, y, ohw, 4);
  } else {
    row_tiles_impl(a, k, tap, ow, bias6, rows, lo, hi, y, ohw, MR);
  }
}

/// Lays out one input row: padded column `q < columns` holds `src[q − first]` for `first ≤ q <
/// last` and zero elsewhere, at `row[q]` (stride 1) or `row[(q mod 2)·half + q / 2]` (stride 2:
/// the even columns, then the odd ones), split 8 pairs at a time (the element loop took 2.3 % of
/// a forward pass).
CK_AVX2 static void lay_out_row(const float *src, long first, long last, long columns,
                                long stride, long half, float *row) {
  long n = last - first;
  if (stride == 1) {
    memset(row, 0, (size_t)first * sizeof(float));
    memcpy(row + first, src, (size_t)n * sizeof(float));
    memset(row + last, 0, (size_t)(columns - last) * sizeof(float));
    return;
  }
  memset(row, 0, (size_t)(2 * half) * sizeof(float));
  // src[2i] lands in the half of `first`'s parity, src[2i + 1] in the other.
  float *a = (first & 1) ? row + half + first / 2 : row + first / 2;
  float *b = (first & 1) ? row + (first + 1) / 2 : row + half + first / 2;
  long i = 0;
  for (; 2 * i + 16 <= n; i += 8) {
    __m256 lo = _mm256_loadu_ps(src + 2 * i), hi = _mm256_loadu_ps(src + 2 * i + 8);
    // [l0 l2 h0 h2 l4 l6 h4 h6] → [l0 l2 l4 l6 h0 h2 h4 h6]
    __m256 e = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    __m256 o = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    _mm256_storeu_ps(a + i, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8)));
    _mm256_storeu_ps(b + i, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xD8)));
  }
  for (; 2 * i < n; i++) {
    a[i] = src[2 * i];
    if (2 * i + 1 < n) b[i] = src[2 * i + 1];
  }
}
#endif

int ck_conv_small(const float *packed, long m, long channels, long h, long w, long kh, long kw,
                  long stride, long pad_top, long pad_left, long oh, long ow, const float *x,
                  long oy_begin, long oy_end, const float *bias, float lo, float hi, float *y) {
#if CK_X86
  if (ck_isa() < CK_ISA_AVX2_FMA ||
      !ck_conv_small_supported(channels, kh, kw, stride, stride, 1, 1)) {
    return -1;
  }
  long k = channels * kh * kw;
  int wide = ck_isa() >= CK_ISA_AVX512;
  // A laid-out row: padded column q at [q] (stride 1), or at [q / 2] of its half (stride 2).
  long span = (ow + 15) / 16 * 16;
  long half = span + (kw - 1) / stride + 1 + SLACK;
  long per_row = stride == 1 ? half : 2 * half;
  long columns = stride * half;
  // One output row's input rows, `channels · kh` of them (about 10 KB for a 3×3 stem at 224
  // wide: they stay in L1 while every weight panel sweeps them; laying out the whole input once
  // instead measured slower, 0.69 → 0.82 ms for the stem).
  float *rows_buf = malloc((size_t)(channels * kh * per_row) * sizeof(float));
  if (!rows_buf) return -1;
  const float *tap[MAX_TAPS];
  for (long ci = 0; ci < channels; ci++) {
    for (long ky = 0; ky < kh; ky++) {
      const float *row = rows_buf + (ci * kh + ky) * per_row;
      for (long kx = 0; kx < kw; kx++) {
        tap[(ci * kh + ky) * kw + kx] = stride == 1 ? row + kx : row + (kx & 1) * half + kx / 2;
      }
    }
  }
  long ohw = oh * ow;
  for (long oy = oy_begin; oy < oy_end; oy++) {
    for (long ci = 0; ci < channels; ci++) {
      for (long ky = 0; ky < kh; ky++) {
        float *row = rows_buf + (ci * kh + ky) * per_row;
        long iy = oy * stride - pad_top + ky;
        // Padded columns `first..<last` hold input columns `first − pad_left…`.
        long first = iy >= 0 && iy < h ? pad_left : columns;
        long last = pad_left + w < columns ? pad_left + w : columns;
        if (last < first) last = first;
        const float *src = x + (ci * h + (first < columns ? iy : 0)) * w;
        lay_out_row(src, first, last, columns, stride, half, row);
      }
    }
    for (long p = 0; p * MR < m; p++) {
      long rows = m - p * MR < MR ? m - p * MR : MR;
      float bias6[MR] = {0};
      for (long r = 0; r < rows; r++) bias6[r] = bias ? bias[p * MR + r] : 0.0f;
      const float *a = packed + p * MR * k;
      float *out = y + p * MR * ohw + oy * ow;
      if (wide) {
        row_tiles512(a, k, tap, ow, bias6, rows, lo, hi, out, ohw);
      } else {
        row_tiles(a, k, tap, ow, bias6, rows, lo, hi, out, ohw);
      }
    }
  }
  free(rows_buf);
  return 0;
#else
  (void)packed, (void)m, (void)channels, (void)h, (void)w, (void)kh, (void)kw, (void)stride;
  (void)pad_top, (void)pad_left, (void)oh, (void)ow, (void)x, (void)oy_begin, (void)oy_end;
  (void)bias, (void)lo, (void)hi, (void)y;
  return -1;
#endif
}
