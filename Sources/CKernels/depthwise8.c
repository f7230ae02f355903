// Depthwise convolution of small planes vectorised over channels instead of pixels.
//
// On 14×14 and 7×7 maps the plane kernels of depthwise.c spend most of their time on per-plane
// work (filling a padded scratch plane, partial vectors: a 7-wide row fills 7 of 8 lanes) for a
// few hundred multiply-adds. Here 8 planes at a time are transposed into a zero-padded
// `[rows][cols][8]` block (8×8 register transposes), every tap is one FMA on 8 channels at 4
// output pixels, and the `[pixels][8]` result is transposed back into the 8 output planes.
#include "avx2.h"
#include "ckernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)

/// Output pixels per register block.
#define PX 4
/// Taps of the largest kernel (7×7, as ``ck_depthwise_supported``).
#define MAXTAPS 49

/// Transposes the 8×8 matrix held as 8 row vectors.
CK_AVX2 static inline void transpose8(__m256 r[8]) {
  __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// Block geometry: `rows × cols` padded pixels of 8 channels.
typedef struct {
  long h, w, kh, kw, stride, pad_top, pad_left, oh, ow, rows, cols;
} geometry;

/// Writes planes `src[0..<n]` (zero for `n..<8`) into the interior of the block `t`.
CK_AVX2 static void pack8(const geometry *g, const float *src, long n, float *t) {
  long plane = g->h * g->w;
  for (long iy = 0; iy < g->h; iy++) {
    for (long x0 = 0; x0 < g->w; x0 += 8) {
      long count = g->w - x0 < 8 ? g->w - x0 : 8;
      __m256i mask = ck_lanes(count);
      __m256 r[8];
      for (long p = 0; p < 8; p++) {
        r[p] = p < n ? _mm256_maskload_ps(src + p * plane + iy * g->w + x0, mask)
                     : _mm256_setzero_ps();
      }
      transpose8(r);
      float *d = t + ((iy + g->pad_top) * g->cols + g->pad_left + x0) * 8;
      for (long j = 0; j < count; j++) _mm256_storeu_ps(d + j * 8, r[j]);
    }
  }
}

/// `o[pixel][8] = clamp(bias + Σ w[tap] · t[…], lo, hi)` for every output pixel.
CK_AVX2 static void compute8(const geometry *g, const float *t, const float *wv,
                             const float *bv, float lo_, float hi_, float *o) {
  long s = g->stride;
  __m256 bias = _mm256_loadu_ps(bv), lo = _mm256_set1_ps(lo_), hi = _mm256_set1_ps(hi_);
  for (long oy = 0; oy < g->oh; oy++) {
    for (long ox0 = 0; ox0 < g->ow; ox0 += PX) {
      __m256 acc[PX];
      for (int j = 0; j < PX; j++) acc[j] = bias;
      for (long ky = 0; ky < g->kh; ky++) {
        const float *row = t + ((oy * s + ky) * g->cols + ox0 * s) * 8;
        for (long kx = 0; kx < g->kw; kx++) {
          __m256 w = _mm256_loadu_ps(wv + (ky * g->kw + kx) * 8);
          for (int j = 0; j < PX; j++) {
            acc[j] = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + (j * s + kx) * 8), acc[j]);
          }
        }
      }
      long count = g->ow - ox0 < PX ? g->ow - ox0 : PX;
      for (long j = 0; j < count; j++) {
        _mm256_storeu_ps(o + (oy * g->ow + ox0 + j) * 8,
                         _mm256_min_ps(_mm256_max_ps(acc[j], lo), hi));
      }
    }
  }
}

/// Transposes `o[pixel][8]` back into planes `dst[0..<n]` of `oh·ow` pixels. Whole-vector
/// stores only (a masked store is microcoded on AMD cores: it made this kernel 2× slower than
/// the plane one): the last 8 pixels of a plane are stored as an overlapping vector, and planes
/// of fewer than 8 pixels lane by lane.
CK_AVX2 static void unpack8(const geometry *g, const float *o, long n, float *dst) {
  long pixels = g->oh * g->ow;
  for (long i0 = 0; i0 < pixels; i0 += 8) {
    long count = pixels - i0 < 8 ? pixels - i0 : 8;
    long start = count == 8 || pixels < 8 ? i0 : pixels - 8;
    __m256 r[8];
    for (long j = 0; j < 8; j++) {
      r[j] = start + j < pixels ? _mm256_loadu_ps(o + (start + j) * 8) : _mm256_setzero_ps();
    }
    transpose8(r);
    if (pixels < 8) {
      float lane[8];
      for (long p = 0; p < n; p++) {
        _mm256_storeu_ps(lane, r[p]);
        for (long j = 0; j < pixels; j++) dst[p * pixels + j] = lane[j];
      }
      continue;
    }
    for (long p = 0; p < n; p++) _mm256_storeu_ps(dst + p * pixels + start, r[p]);
  }
}

int ck_depthwise_c8(const float *x, long planes, long channels, long first_channel, long h,
                    long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                    long ow, const float *weights, const float *bias, float lo, float hi,
                    float *y) {
  geometry g = {h, w, kh, kw, stride, pad_top, pad_left, oh, ow, 0, 0};
  // Every tap of every register block stays inside the block (the last block's extra pixels
  // read zeros and are not stored).
  long owp = (ow + PX - 1) / PX * PX;
  g.rows = (oh - 1) * stride + kh;
  g.cols = (owp - 1) * stride + kw;
  if (g.rows < pad_top + h) g.rows = pad_top + h;
  if (g.cols < pad_left + w) g.cols = pad_left + w;
  size_t block = (size_t)(g.rows * g.cols * 8), out = (size_t)(oh * ow * 8);
  float *t = malloc((block + out + 8 * MAXTAPS + 8) * sizeof(float));
  if (!t) return -1;
  float *o = t + block, *wv = o + out, *bv = wv + 8 * MAXTAPS;
  long taps = kh * kw;
  for (long p0 = 0; p0 < planes; p0 += 8) {
    long n = planes - p0 < 8 ? planes - p0 : 8;
    for (long p = 0; p < 8; p++) {
      long c = (first_channel + p0 + p) % channels;
      for (long k = 0; k < taps; k++) wv[k * 8 + p] = p < n ? weights[c * taps + k] : 0.0f;
      bv[p] = p < n && bias ? bias[c] : 0.0f;
    }
    // The padding must be zero; the interior is overwritten.
    memset(t, 0, block * sizeof(float));
    pack8(&g, x + p0 * h * w, n, t);
    compute8(&g, t, wv, bv, lo, hi, o);
    unpack8(&g, o, n, y + p0 * oh * ow);
  }
  free(t);
  return 0;
}
#else
int ck_depthwise_c8(const float *x, long planes, long channels, long first_channel, long h,
                    long w, long kh, long kw, long stride, long pad_top, long pad_left, long oh,
                    long ow, const float *weights, const float *bias, float lo, float hi,
                    float *y) {
  (void)x, (void)planes, (void)channels, (void)first_channel, (void)h, (void)w, (void)kh;
  (void)kw, (void)stride, (void)pad_top, (void)pad_left, (void)oh, (void)ow, (void)weights;
  (void)bias, (void)lo, (void)hi, (void)y;
  return -1;
}
#endif
