# Lifeline: the two commands (make demo, make test) and a few helpers.
# Each installs the missing Debian packages first (scripts/install-deps.sh), then configures
# and builds with CMake + Ninja in $(BUILD_DIR).

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

FUZZ_SECONDS ?= 60

.PHONY: all deps configure build test demo bench fuzz format format-check clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@if [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DLIFELINE_WERROR=ON $(CMAKE_FLAGS); \
	fi

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

demo: build
	scripts/demo.sh $(BUILD_DIR) $(if $(KEEP),--keep)

bench: build
	scripts/bench.sh $(BUILD_DIR)

# libFuzzer on the metadata parser, growing the kept corpus (clang, separate build tree).
fuzz: deps
	@if [ ! -f build-fuzz/build.ninja ]; then \
	  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFELINE_FUZZ=ON \
	    -DLIFELINE_BUILD_TESTS=OFF -DLIFELINE_BUILD_BENCH=OFF; \
	fi
	cmake --build build-fuzz --target metadata_fuzzer -j $(JOBS)
	build-fuzz/tests/fuzz/metadata_fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=65536 tests/fuzz/corpus/metadata

format: deps
	git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' | xargs clang-format -i

format-check: deps
	git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD_DIR) build-fuzz
