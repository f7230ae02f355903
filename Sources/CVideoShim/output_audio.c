// The input's audio in the output: copied packet for packet when the container takes the codec,
// otherwise decoded, resampled and re-encoded (after doc/examples/transcode_aac.c).
#include "cvshim.h"
#include "internal.h"
#include "output_audio.h"

#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <string.h>

static int container_takes(const AVOutputFormat *f, enum AVCodecID id) {
  int r = avformat_query_codec(f, id, FF_COMPLIANCE_NORMAL);
  return r == 1 || (r < 0 && !f->codec_tag);  // unknown to a tag-less muxer: let it try
}

// The encoder for a container that refuses the input's codec: Opus for WebM, AAC for the MP4
// family and Matroska, else the muxer's own default.
static const AVCodec *fallback_encoder(const AVOutputFormat *f) {
  const AVCodec *c = NULL;
  if (!strcmp(f->name, "webm")) {
    c = avcodec_find_encoder_by_name("libopus");
    if (!c) c = avcodec_find_encoder_by_name("libvorbis");
  } else if (container_takes(f, AV_CODEC_ID_AAC)) {
    c = avcodec_find_encoder_by_name("aac");
  }
  if (!c && f->audio_codec != AV_CODEC_ID_NONE) c = avcodec_find_encoder(f->audio_codec);
  if (c && !container_takes(f, c->id)) c = NULL;
  return c;
}

static int pick_rate(const AVCodec *c, int want) {
  if (!c->supported_samplerates) return want;
  int best = 0;
  for (const int *r = c->supported_samplerates; *r; r++) {
    if (*r == want) return want;
    if (*r > best) best = *r;
  }
  return best ? best : want;
}

static enum AVSampleFormat pick_format(const AVCodec *c, enum AVSampleFormat want) {
  if (!c->sample_fmts) return want;
  for (const enum AVSampleFormat *f = c->sample_fmts; *f != AV_SAMPLE_FMT_NONE; f++)
    if (*f == want) return want;
  return c->sample_fmts[0];
}

static int open_transcoder(cv_output *o, const AVCodecParameters *par, const AVCodec *ec) {
  int ret;
  const AVCodec *dc = avcodec_find_decoder(par->codec_id);
  if (!dc) return AVERROR_DECODER_NOT_FOUND;
  o->adec = avcodec_alloc_context3(dc);
  o->aenc = avcodec_alloc_context3(ec);
  o->adecoded = av_frame_alloc();
  o->apkt = av_packet_alloc();
  if (!o->adec || !o->aenc || !o->adecoded || !o->apkt) return AVERROR(ENOMEM);
  if ((ret = avcodec_parameters_to_context(o->adec, par)) < 0) return ret;
  o->adec->pkt_timebase = o->audio_in_tb;
  if ((ret = avcodec_open2(o->adec, dc, NULL)) < 0) return ret;

  int channels = o->adec->ch_layout.nb_channels > 0 ? o->adec->ch_layout.nb_channels : 2;
  if (channels > 2 && !strcmp(ec->name, "libopus")) channels = 2;
  av_channel_layout_default(&o->aenc->ch_layout, channels);
  if (channels == o->adec->ch_layout.nb_channels &&
      o->adec->ch_layout.order == AV_CHANNEL_ORDER_NATIVE)
    av_channel_layout_copy(&o->aenc->ch_layout, &o->adec->ch_layout);
  o->aenc->sample_rate = pick_rate(ec, o->adec->sample_rate > 0 ? o->adec->sample_rate : 48000);
  o->aenc->sample_fmt = pick_format(ec, AV_SAMPLE_FMT_FLTP);
  o->aenc->time_base = (AVRational){1, o->aenc->sample_rate};
  o->aenc->bit_rate = channels > 1 ? 128000 : 64000;
  if (o->fmt->oformat->flags & AVFMT_GLOBALHEADER) o->aenc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if ((ret = avcodec_open2(o->aenc, ec, NULL)) < 0) return ret;

  AVChannelLayout in_layout = {0};
  if (o->adec->ch_layout.nb_channels > 0) av_channel_layout_copy(&in_layout, &o->adec->ch_layout);
  else av_channel_layout_default(&in_layout, channels);
  if (in_layout.order != AV_CHANNEL_ORDER_NATIVE) {
    int n = in_layout.nb_channels;
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_default(&in_layout, n);
  }
  ret = swr_alloc_set_opts2(&o->swr, &o->aenc->ch_layout, o->aenc->sample_fmt, o->aenc->sample_rate,
                            &in_layout, o->adec->sample_fmt, o->adec->sample_rate, 0, NULL);
  av_channel_layout_uninit(&in_layout);
  if (ret < 0) return ret;
  if ((ret = swr_init(o->swr)) < 0) return ret;
  o->fifo = av_audio_fifo_alloc(o->aenc->sample_fmt, o->aenc->ch_layout.nb_channels, 1024);
  return o->fifo ? 0 : AVERROR(ENOMEM);
}

int cv_output_add_audio(cv_output *o, const cv_input *in) {
  if (!o || !in || o->header_written || o->ast) return AVERROR(EINVAL);
  const AVCodecParameters *par = cv_input_audio_params(in, &o->audio_in_tb);
  if (!par) return CV_AUDIO_NONE;
  const AVOutputFormat *f = o->fmt->oformat;
  const AVCodec *ec = NULL;
  int mode = CV_AUDIO_COPY;
  if (!container_takes(f, par->codec_id)) {
    ec = fallback_encoder(f);
    if (!ec) return CV_AUDIO_NONE;
    mode = CV_AUDIO_TRANSCODE;
  }
  int ret;
  if (mode == CV_AUDIO_TRANSCODE && (ret = open_transcoder(o, par, ec)) < 0) {
    cv_output_audio_free(o);
    return CV_AUDIO_NONE;  // the encoder would not open: drop the audio, the caller warns
  }
  o->ast = avformat_new_stream(o->fmt, NULL);
  if (!o->ast) return AVERROR(ENOMEM);
  if (mode == CV_AUDIO_COPY) {
    if ((ret = avcodec_parameters_copy(o->ast->codecpar, par)) < 0) return ret;
    o->ast->codecpar->codec_tag = 0;  // let the muxer choose its own tag
    o->ast->time_base = o->audio_in_tb;
    cv_copy_name(o->audio_codec, sizeof(o->audio_codec), avcodec_get_name(par->codec_id));
  } else {
    if ((ret = avcodec_parameters_from_context(o->ast->codecpar, o->aenc)) < 0) return ret;
    o->ast->time_base = o->aenc->time_base;
    cv_copy_name(o->audio_codec, sizeof(o->audio_codec), ec->name);
  }
  o->audio_mode = mode;
  return mode;
}

const char *cv_output_audio_codec(const cv_output *o) { return o ? o->audio_codec : ""; }

static int mux_audio(cv_output *o, AVPacket *pkt, AVRational from) {
  av_packet_rescale_ts(pkt, from, o->ast->time_base);
  pkt->stream_index = o->ast->index;
  pkt->pos = -1;
  int ret = av_interleaved_write_frame(o->fmt, pkt);
  if (ret >= 0) o->audio_packets++;
  return ret;
}

static int encode_audio(cv_output *o, AVFrame *frame) {
  int ret = avcodec_send_frame(o->aenc, frame);
  if (ret < 0) return ret;
  for (;;) {
    ret = avcodec_receive_packet(o->aenc, o->apkt);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return 0;
    if (ret < 0) return ret;
    if ((ret = mux_audio(o, o->apkt, o->aenc->time_base)) < 0) return ret;
  }
}

// Encodes whole encoder frames from the FIFO (and, when flushing, the short remainder).
static int drain_fifo(cv_output *o, int flush) {
  int frame_size = o->aenc->frame_size > 0 ? o->aenc->frame_size : 1024;
  while (av_audio_fifo_size(o->fifo) >= frame_size || (flush && av_audio_fifo_size(o->fifo) > 0)) {
    int n = FFMIN(frame_size, av_audio_fifo_size(o->fifo));
    AVFrame *f = av_frame_alloc();
    if (!f) return AVERROR(ENOMEM);
    f->nb_samples = n;
    f->format = o->aenc->sample_fmt;
    f->sample_rate = o->aenc->sample_rate;
    int ret = av_channel_layout_copy(&f->ch_layout, &o->aenc->ch_layout);
    if (ret >= 0) ret = av_frame_get_buffer(f, 0);
    if (ret >= 0 && av_audio_fifo_read(o->fifo, (void **)f->data, n) < n) ret = AVERROR(EIO);
    if (ret >= 0) {
      f->pts = o->audio_next_pts;
      o->audio_next_pts += n;
      ret = encode_audio(o, f);
    }
    av_frame_free(&f);
    if (ret < 0) return ret;
  }
  return 0;
}

// Resamples `in` (NULL flushes the resampler) into the FIFO.
static int resample(cv_output *o, const AVFrame *in) {
  AVFrame *out = av_frame_alloc();
  if (!out) return AVERROR(ENOMEM);
  out->format = o->aenc->sample_fmt;
  out->sample_rate = o->aenc->sample_rate;
  int ret = av_channel_layout_copy(&out->ch_layout, &o->aenc->ch_layout);
  if (ret >= 0) ret = swr_convert_frame(o->swr, out, in);
  if (ret >= 0 && out->nb_samples > 0 &&
      av_audio_fifo_write(o->fifo, (void **)out->data, out->nb_samples) < out->nb_samples)
    ret = AVERROR(ENOMEM);
  av_frame_free(&out);
  return ret;
}

static int decode_audio(cv_output *o, const AVPacket *pkt) {
  int ret = avcodec_send_packet(o->adec, pkt);
  if (ret < 0 && ret != AVERROR_EOF) return pkt ? 0 : ret;  // a damaged audio packet is skipped
  for (;;) {
    ret = avcodec_receive_frame(o->adec, o->adecoded);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return 0;
    if (ret < 0) continue;
    if (!o->audio_pts_known && o->adecoded->best_effort_timestamp != AV_NOPTS_VALUE) {
      o->audio_next_pts =
          av_rescale_q(o->adecoded->best_effort_timestamp, o->audio_in_tb, o->aenc->time_base);
      o->audio_pts_known = 1;
    }
    // The resampler does not track channel layouts of frames that lack one.
    if (o->adecoded->ch_layout.nb_channels == 0)
      av_channel_layout_copy(&o->adecoded->ch_layout, &o->adec->ch_layout);
    ret = resample(o, o->adecoded);
    av_frame_unref(o->adecoded);
    if (ret < 0) return ret;
    if ((ret = drain_fifo(o, 0)) < 0) return ret;
  }
}

int cv_output_write_audio(cv_output *o, const cv_packet *p) {
  if (!o || !p || o->finished) return AVERROR(EINVAL);
  if (o->audio_mode == CV_AUDIO_NONE) return 0;
  int ret = cv_output_write_header_once(o);
  if (ret < 0) return ret;
  if (o->audio_mode == CV_AUDIO_TRANSCODE) return decode_audio(o, p->pkt);
  if (p->pkt->pts == AV_NOPTS_VALUE && p->pkt->dts == AV_NOPTS_VALUE) return 0;  // unplaceable
  AVPacket *copy = av_packet_clone(p->pkt);
  if (!copy) return AVERROR(ENOMEM);
  ret = mux_audio(o, copy, p->time_base);
  av_packet_free(&copy);
  return ret;
}

int cv_output_audio_flush(cv_output *o) {
  if (o->audio_mode != CV_AUDIO_TRANSCODE) return 0;
  int ret = decode_audio(o, NULL);
  if (ret >= 0) ret = resample(o, NULL);
  if (ret >= 0) ret = drain_fifo(o, 1);
  if (ret >= 0) ret = encode_audio(o, NULL);
  return ret;
}

void cv_output_audio_free(cv_output *o) {
  avcodec_free_context(&o->adec);
  avcodec_free_context(&o->aenc);
  swr_free(&o->swr);
  if (o->fifo) av_audio_fifo_free(o->fifo);
  o->fifo = NULL;
  av_frame_free(&o->adecoded);
  av_packet_free(&o->apkt);
}
