// An inverted-residual block (MobileNetV2 / EfficientNet "MBConv") in one call, image by image:
// 1×1 expand (optional) → k×k depthwise → 1×1 project (+ residual), each with its bias and clamp,
// on the caller's one-image scratch. Run unfused on a batch, each stage writes the whole batch's
// tensor before the next reads it back (8 × 4.8 MB for the 112×112 expand of EfficientNet-Lite0,
// past L3); here one image's intermediates are reused while they are still cached.
//
// The block advances by strips of output rows. The expand computes only the input rows the
// strip's depthwise needs that are not computed yet (nothing is repeated) into a ring of the
// few rows the depthwise still reads; the depthwise writes the strip's rows and the project
// reads them back at once. So the scratch is a ring and a strip, not whole expanded images
// (4.8 + 1.2 MB at 112×112 → 56×56), and stays in cache from block to block.
#include "ckernels.h"

long ck_mbconv_ring_rows(long h, long kh, long stride, long strip) {
  if (strip < 1) strip = 1;
  long rows = (strip - 1) * stride + kh;
  return rows < h ? rows : h;
}

int ck_mbconv(int isa, const float *x, long x_image_stride, long image_begin, long image_end,
              long cin, long h, long w, const float *expand, long expanded,
              const float *expand_bias, float expand_lo, float expand_hi, long kh, long kw,
              long stride, long pad_top, long pad_left, long oh, long ow,
              const float *depthwise, const float *depthwise_bias, float depthwise_lo,
              float depthwise_hi, const float *project, long cout, const float *project_bias,
              float project_lo, float project_hi, const float *residual, long oy_begin,
              long oy_end, long strip, float *e, float *d, float *y, long y_image_stride) {
  if (strip < 1) strip = 1;
  long ring = ck_mbconv_ring_rows(h, kh, stride, strip);
  for (long n = image_begin; n < image_end; n++) {
    const float *xn = x + n * x_image_stride;
    const float *rn = residual ? residual + n * y_image_stride : NULL;
    float *yn = y + n * y_image_stride;
    // Expanded rows computed so far: from the first row this range reads.
    long done = oy_begin * stride - pad_top;
    if (done < 0) done = 0;
    for (long oy0 = oy_begin; oy0 < oy_end; oy0 += strip) {
      long oy1 = oy_end - oy0 < strip ? oy_end : oy0 + strip;
      long need = (oy1 - 1) * stride - pad_top + kh;
      if (need > h) need = h;
      // Rows `done..<need` into the ring, in at most two runs of consecutive slots. They
      // overwrite rows below `need − ring`, which no strip from this one on reads.
      while (expand && done < need) {
        long slot = done % ring;
        long end = need - done < ring - slot ? need : done + (ring - slot);
        ck_gemm_planes(isa, expand, expanded, cin, xn + done * w, h * w, (end - done) * w, 0,
                       expanded, expand_bias, expand_lo, expand_hi, NULL, e + slot * w, ring * w);
        done = end;
      }
      if (need > done) done = need;
      // Without an expand the depthwise reads the block's input, whole planes.
      if (ck_depthwise_ring(isa, expand ? e : xn, expand ? ring * w : h * w, expand ? ring : 0,
                            expanded, h, w, kh, kw, stride, pad_top, pad_left, oh, ow, oy0, oy1,
                            depthwise, depthwise_bias, depthwise_lo, depthwise_hi, d,
                            strip * ow) != 0) {
        return -1;
      }
      ck_gemm_planes(isa, project, cout, expanded, d, strip * ow, (oy1 - oy0) * ow, 0, cout,
                     project_bias, project_lo, project_hi, rn ? rn + oy0 * ow : NULL,
                     yn + oy0 * ow, oh * ow);
    }
  }
  return 0;
}
