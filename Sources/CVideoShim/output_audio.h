// The output handle, shared by output.c (video, muxing) and output_audio.c (audio copy and
// re-encoding). Never seen by Swift.
#ifndef CVSHIM_OUTPUT_AUDIO_H
#define CVSHIM_OUTPUT_AUDIO_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

#include "cvshim.h"

struct cv_output {
  AVFormatContext *fmt;
  AVDictionary *fmt_opts;
  int header_written;
  int finished;

  // video
  AVCodecContext *enc;
  AVStream *vst;
  AVFrame *frame;
  AVPacket *pkt;
  struct SwsContext *sws;
  uint8_t *padded;
  size_t padded_size;
  int in_w, in_h;
  AVRational in_tb;
  int64_t last_pts;
  int64_t frames;

  // audio
  int audio_mode;          // CV_AUDIO_*
  AVStream *ast;
  AVRational audio_in_tb;  // time base of the packets the input delivers
  AVCodecContext *adec;    // transcode only
  AVCodecContext *aenc;
  SwrContext *swr;
  AVAudioFifo *fifo;
  AVFrame *adecoded;
  AVPacket *apkt;
  int64_t audio_next_pts;  // in aenc->time_base (1/sample_rate)
  int audio_pts_known;
  int64_t audio_packets;
  char audio_codec[64];
};

int cv_output_write_header_once(cv_output *o);
int cv_output_audio_flush(cv_output *o);
void cv_output_audio_free(cv_output *o);

#endif
