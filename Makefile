# MiniVoice Edge. `make run` and `make test` do their own set-up on a fresh Debian 12 machine.
.PHONY: all deps build build-test run stop test fuzz format bench clean

BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-test
FUZZ_BUILD_DIR ?= build-fuzz
# Seconds each libFuzzer target runs in `make fuzz` (six targets: about a minute in all).
FUZZ_SECONDS ?= 10
JOBS ?= $(shell nproc)

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_BUILD_TESTS=OFF
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Tests build everything with AddressSanitizer + UndefinedBehaviorSanitizer.
build-test:
	@MV_TEST=1 scripts/install-deps.sh
	cmake -S . -B $(TEST_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DMV_SANITIZE=ON
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS)

run: build
	@MV_BUILD_DIR=$(BUILD_DIR) scripts/dev-run.sh

stop:
	@scripts/dev-stop.sh

test: build-test
	cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) fuzz

# libFuzzer targets (fuzz/) built with clang, ASan and UBSan, each run FUZZ_SECONDS from the
# committed seed corpus; fails on any crash, sanitizer report or broken invariant.
fuzz:
	@MV_FUZZ=1 scripts/install-deps.sh
	cmake -S . -B $(FUZZ_BUILD_DIR) -DMV_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz.sh $(FUZZ_BUILD_DIR)

format:
	find controlplane tests bench fuzz \( -name '*.cpp' -o -name '*.h' \) -print0 | xargs -0 clang-format -i

bench: build
	@MV_BENCH=1 scripts/install-deps.sh
	bash bench/run.sh

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR) $(FUZZ_BUILD_DIR)
