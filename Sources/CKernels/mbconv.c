// An inverted-residual block (MobileNetV2 / EfficientNet "MBConv") in one call, image by image:
// 1×1 expand (optional) → k×k depthwise → 1×1 project (+ residual), each with its bias and clamp,
// on the caller's one-image scratch. Run unfused on a batch, each stage writes the whole batch's
// tensor before the next reads it back (8 × 4.8 MB for the 112×112 expand of EfficientNet-Lite0,
// past L3); here one image's intermediates are reused while they are still cached.
//
// The block can also advance by strips of output rows (the expand computes only the input rows
// the strip's depthwise needs that are not computed yet, so nothing is repeated), which a range
// of rows per thread uses. Strips sized to keep the expanded rows in L2 measured slower than
// whole images (thin GEMMs and per-call overhead cost more than the L3 traffic they saved:
// 112×112 16→96→24 1.05 ms whole, 1.09–1.37 ms in strips of 4–1 rows).
#include "ckernels.h"

int ck_mbconv(int isa, const float *x, long x_image_stride, long image_begin, long image_end,
              long cin, long h, long w, const float *expand, long expanded,
              const float *expand_bias, float expand_lo, float expand_hi, long kh, long kw,
              long stride, long pad_top, long pad_left, long oh, long ow,
              const float *depthwise, const float *depthwise_bias, float depthwise_lo,
              float depthwise_hi, const float *project, long cout, const float *project_bias,
              float project_lo, float project_hi, const float *residual, long oy_begin,
              long oy_end, long strip, float *e, float *d, float *y, long y_image_stride) {
  if (strip < 1) strip = 1;
  for (long n = image_begin; n < image_end; n++) {
    const float *xn = x + n * x_image_stride;
    // Without an expand the depthwise reads the block's input.
    const float *en = expand ? e : xn;
    const float *rn = residual ? residual + n * y_image_stride : NULL;
    float *yn = y + n * y_image_stride;
    // Expanded rows computed so far: from the first row this range reads.
    long done = oy_begin * stride - pad_top;
    if (done < 0) done = 0;
    for (long oy0 = oy_begin; oy0 < oy_end; oy0 += strip) {
      long oy1 = oy_end - oy0 < strip ? oy_end : oy0 + strip;
      long need = (oy1 - 1) * stride - pad_top + kh;
      if (need > h) need = h;
      if (expand && need > done) {
        ck_gemm_packed(isa, expand, expanded, cin, xn, h * w, cin * h * w, 0, expanded, done * w,
                       need * w, expand_bias, expand_lo, expand_hi, NULL, e, expanded * h * w);
      }
      if (need > done) done = need;
      if (ck_depthwise_rows(isa, en, expanded, expanded, 0, h, w, kh, kw, stride, pad_top,
                            pad_left, oh, ow, oy0, oy1, depthwise, depthwise_bias, depthwise_lo,
                            depthwise_hi, d) != 0) {
        return -1;
      }
      ck_gemm_packed(isa, project, cout, expanded, d, oh * ow, expanded * oh * ow, 0, cout,
                     oy0 * ow, oy1 * ow, project_bias, project_lo, project_hi, rn, yn,
                     cout * oh * ow);
    }
  }
  return 0;
}
