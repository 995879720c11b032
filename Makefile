# Lifeline: the two commands (make demo, make test) and a few helpers.
# Each installs the missing Debian packages first (scripts/install-deps.sh), then configures
# and builds with CMake + Ninja in $(BUILD_DIR).

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)

FUZZ_SECONDS ?= 60
# make package builds the .deb files from their own tree (no tests, no benchmarks).
PACKAGE_BUILD_DIR ?= $(BUILD_DIR)/package-build

.PHONY: all deps configure build test demo bench scale-demo fuzz format format-check clean package package-test

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

# Two servers on one PostgreSQL catalog behind nginx, one killed during a fleet's installs
# (docs/scale-out.md); FLEET_N devices (10,000 here, 1,000 in make test).
scale-demo: build
	FLEET_N=$${FLEET_N:-10000} scripts/scale-demo.sh $(BUILD_DIR)

# libFuzzer on the TUF metadata, CVRF and CSAF parsers, FUZZ_SECONDS each, growing the kept
# corpora (clang, separate build tree). make test runs the same briefly on throw-away copies.
fuzz: deps
	scripts/fuzz.sh . build-fuzz $(FUZZ_SECONDS) --keep

format: deps
	git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' | xargs clang-format -i

format-check: deps
	git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

# Debian packages lifeline-server, lifeline-agent, lifeline (+ -dbgsym) into $(BUILD_DIR)/packages.
package: deps
	@if [ ! -f $(PACKAGE_BUILD_DIR)/build.ninja ]; then \
	  cmake -S . -B $(PACKAGE_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFELINE_WERROR=ON \
	    -DLIFELINE_BUILD_TESTS=OFF -DLIFELINE_BUILD_BENCH=OFF $(CMAKE_FLAGS); \
	fi
	cmake --build $(PACKAGE_BUILD_DIR) -j $(JOBS)
	rm -f $(BUILD_DIR)/packages/*.deb $(BUILD_DIR)/packages/*.ddeb
	cd $(PACKAGE_BUILD_DIR) && cpack -G DEB -B $(abspath $(BUILD_DIR))/packages
	@ls -1 $(BUILD_DIR)/packages/*.deb

# The packages installed, run and purged in a fresh Debian 12 root (root; FRESH=1 redoes the
# cached debootstrap). Not part of make test: it takes minutes (docs/packaging.md).
package-test: package
	@scripts/install-deps.sh --package-test
	scripts/package-test.sh $(BUILD_DIR) $(if $(FRESH),--fresh) $(PACKAGE_TEST_FLAGS)

clean:
	rm -rf $(BUILD_DIR) build-fuzz
