// One RGB picture in, one baseline JPEG out (libavcodec's MJPEG encoder): the frames of the
// live view. After FFmpeg's doc/examples/encode_video.c: send the frame, receive its packet.
#include "cvshim.h"

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>

struct cv_jpeg {
  AVCodecContext *enc;
  AVFrame *frame;
  AVPacket *pkt;
  int64_t next_pts;
};

int cv_jpeg_open(cv_jpeg **out, int width, int height, int quality) {
  if (!out || width <= 0 || height <= 0 || quality < 2 || quality > 31) return AVERROR(EINVAL);
  *out = NULL;
  const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (!codec) return CV_ERR_ENCODER_NOT_FOUND;
  cv_jpeg *j = av_mallocz(sizeof(*j));
  if (!j) return AVERROR(ENOMEM);
  int ret = AVERROR(ENOMEM);
  if (!(j->enc = avcodec_alloc_context3(codec))) goto fail;
  if (!(j->frame = av_frame_alloc())) goto fail;
  if (!(j->pkt = av_packet_alloc())) goto fail;

  j->enc->width = width;
  j->enc->height = height;
  // Full-range 4:2:0, what browsers expect of a JPEG (the encoder refuses limited range); said
  // with color_range rather than the deprecated YUVJ formats, which swscale warns about.
  j->enc->pix_fmt = AV_PIX_FMT_YUV420P;
  j->enc->color_range = AVCOL_RANGE_JPEG;
  j->enc->time_base = (AVRational){1, 25};
  j->enc->flags |= AV_CODEC_FLAG_QSCALE;
  j->enc->global_quality = FF_QP2LAMBDA * quality;
  j->enc->thread_count = 1;
  if ((ret = avcodec_open2(j->enc, codec, NULL)) < 0) goto fail;

  j->frame->format = j->enc->pix_fmt;
  j->frame->width = width;
  j->frame->height = height;
  if ((ret = av_frame_get_buffer(j->frame, 0)) < 0) goto fail;
  *out = j;
  return 0;

fail:
  cv_jpeg_close(&j);
  return ret;
}

int cv_jpeg_encode(cv_jpeg *j, const uint8_t *rgb, int stride, const uint8_t **data, int *size) {
  if (!j || !rgb || stride <= 0 || !data || !size) return AVERROR(EINVAL);
  *data = NULL;
  *size = 0;
  int ret = av_frame_make_writable(j->frame);
  if (ret < 0) return ret;
  AVFrame *f = j->frame;
  ret = cv_rgb24_to_yuv420p(rgb, stride, f->width, f->height, f->data[0], f->linesize[0],
                            f->data[1], f->linesize[1], f->data[2], f->linesize[2], f->width,
                            f->height, 1);
  if (ret < 0) return ret;
  j->frame->pts = j->next_pts++;
  j->frame->quality = j->enc->global_quality;
  av_packet_unref(j->pkt);
  if ((ret = avcodec_send_frame(j->enc, j->frame)) < 0) return ret;
  // MJPEG is intra-only without delay: every frame gives its packet at once.
  if ((ret = avcodec_receive_packet(j->enc, j->pkt)) < 0) return ret;
  *data = j->pkt->data;
  *size = j->pkt->size;
  return 0;
}

void cv_jpeg_close(cv_jpeg **pj) {
  if (!pj || !*pj) return;
  cv_jpeg *j = *pj;
  avcodec_free_context(&j->enc);
  av_frame_free(&j->frame);
  av_packet_free(&j->pkt);
  av_freep(pj);
}
