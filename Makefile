# camvideo's everyday commands. `make test` is the README's test command, and what CI runs.
#
#   make build   release build of everything (.build/release/camvideo)
#   make test    test media into .build/test-media, the release binary, then `swift test`
#   make asan    the same tests under AddressSanitizer (separate build folder .build-asan)
#   make bench   decode/encode speed against the ffmpeg CLI (Benchmarks/VideoIOBench)
#   make media   only the test media
#   make clean   remove the build folders and the test media

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

# Swift 6.3: on PATH, else where this machine kind installs it.
SWIFT ?= $(or $(shell command -v swift 2>/dev/null),/opt/swift/usr/bin/swift)
MEDIA := $(abspath .build/test-media)
ASAN := --sanitize=address --scratch-path .build-asan

.PHONY: build test asan bench media model fuzz clean

build:
	$(SWIFT) build -c release

media:
	scripts/make-test-media.sh $(MEDIA)

# The tests run the built binary; they find it through CAMVIDEO_BIN.
# The default model the CLI tests classify with (idempotent; quick when installed).
model:
	scripts/install_model.sh

# The CLI tests run the release binary: the model is ~50 times slower in a debug build, and the
# release binary is what users run.
test: media model
	$(SWIFT) build -c release --product camvideo
	$(SWIFT) build --build-tests
	CAMVIDEO_TEST_MEDIA=$(MEDIA) \
	CAMVIDEO_BIN="$$($(SWIFT) build -c release --show-bin-path)/camvideo" \
	$(SWIFT) test --skip-build

asan: media model
	$(SWIFT) build $(ASAN)
	CAMVIDEO_TEST_MEDIA=$(MEDIA) \
	CAMVIDEO_BIN="$$($(SWIFT) build $(ASAN) --show-bin-path)/camvideo" \
	LSAN_OPTIONS=suppressions=$(abspath scripts/lsan.supp):print_suppressions=0 \
	$(SWIFT) test $(ASAN)

# The ONNX importer's fuzz target: a deterministic mutation run over Fuzz/seeds (seconds).
FUZZ_ITERATIONS ?= 200000
fuzz:
	$(SWIFT) build -c release --product camvideo-fuzz-importer
	for seed in 1 2 3; do \
	  .build/release/camvideo-fuzz-importer Fuzz/seeds --iterations $(FUZZ_ITERATIONS) --seed $$seed; \
	done

# Speed beside the peers, same run, medians of repeats (never a timed test).
bench:
	$(SWIFT) build -c release --product camvideo-bench-video
	.build/release/camvideo-bench-video examples/media/cockatoo.mp4 --repeats 5 --threads 1
	$(SWIFT) build -c release --product camvideo-bench-engine
	.build/release/camvideo-bench-engine

clean:
	rm -rf .build .build-asan
