# Thin front door: every target installs what is missing, then drives CMake and CTest.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test test-sanitize bench bench-deps fuzz ci format format-check clean

all: build

deps:
	@tools/install-deps

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEAVER_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@examples/demo.sh $(BUILD)/beaver

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# AddressSanitizer + UndefinedBehaviorSanitizer build, every test run under it.
test-sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBEAVER_WERROR=ON -DBEAVER_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# Benchmarks: each compares beaver with a baseline in the same run and prints the ratio.
bench: build bench-deps
	@tests/bench/ledger.sh $(BUILD)/beaver
	@tests/bench/package_archive.sh $(BUILD)/tests/beaver_bench_archive
	@tests/bench/deploy.sh $(BUILD)/beaver
	@tests/bench/report.sh $(BUILD)/beaver
	@tests/bench/complete.sh $(BUILD)/beaver
	@tests/bench/server.sh $(BUILD)/beaver
	@tests/bench/server_pg.sh $(BUILD)/beaver

# Debian packages only the benchmarks need (so not in install-deps): ansible, the deploy
# benchmark's baseline; wrk and nginx, the server benchmark's load and baseline.
bench-deps:
	@command -v ansible-playbook >/dev/null && command -v wrk >/dev/null && \
	  { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    --no-upgrade ansible wrk nginx-light; }

# Coverage-guided fuzzing: afl++ with ASan and UBSan on every target of tests/fuzz for
# FUZZ_SECONDS each; the findings stay in $(FUZZ_BUILD)/findings. afl-g++ instruments the
# assembly GCC 12 writes: Debian 12's afl++ GCC plugin (afl-g++-fast) refuses the GCC it ships
# with ("GCC and plugin have incompatible versions"), and its clang 14 cannot compile C++23's
# std::expected.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 120
fuzz: deps
	@command -v afl-g++ >/dev/null || { \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    --no-upgrade afl++; }
	@AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 CC=afl-gcc CXX=afl-g++ \
	  cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 cmake --build $(FUZZ_BUILD) -j $(JOBS) --target beaver_fuzz
	@tests/fuzz/fuzz.sh $(FUZZ_BUILD)/tests/beaver_fuzz $(FUZZ_SECONDS) $(FUZZ_BUILD)/findings

ci: format-check test test-sanitize

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# Every C++ file as .clang-format wants it.
format-check: deps
	@clang-format --dry-run --Werror $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
