# The two commands a user needs (README):
#   make demo   - the device demo with the bundled default model
#   make test   - every test: normal build, ASan+UBSan build, fuzz smoke run
# Both install the Debian packages they need first (scripts/deps.sh).
JOBS      ?= $(shell nproc)
BUILD     ?= build
ASAN      ?= build-asan
FUZZ      ?= build-fuzz
FUZZ_SECS ?= 10

.PHONY: all deps build demo test test-build test-asan fuzz fuzz-smoke clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/Makefile $(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps
	@test -f $(BUILD)/build.ninja || cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	BUILD=$(BUILD) bash scripts/demo.sh

test: test-build test-asan fuzz-smoke
	@echo "make test: all stages passed"

test-build: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@test -f $(ASAN)/build.ninja || cmake -S . -B $(ASAN) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DINKPIN_SANITIZE=ON
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && INKPIN_SANITIZED=1 ctest --output-on-failure -j $(JOBS)

fuzz: deps
	@test -f $(FUZZ)/build.ninja || CC=clang cmake -S . -B $(FUZZ) -G Ninja \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DINKPIN_FUZZ=ON -DINKPIN_TESTS=OFF
	cmake --build $(FUZZ) -j $(JOBS)

# Runs every harness for FUZZ_SECS seconds from its seed corpus (fuzz/corpus/NAME).
fuzz-smoke: fuzz
	@bash scripts/fuzz_smoke.sh $(FUZZ) $(FUZZ_SECS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)

# The browser version: one self-contained page, build/web/inkpin.html (ports/web/build.sh:
# npm ci for the pinned libsodium + playwright, clang wasm32 + wasm-ld, wasm and libsodium inlined).
.PHONY: web
web: deps
	bash ports/web/build.sh $(BUILD)/web

# The MCU footprint and latency table (Cortex-M4/M3/M0 in QEMU, ATmega328P in simavr,
# rv32imc size): prints it and writes bench/results/mcu.json (bench/mcu_report.sh, docs/mcu.md).
.PHONY: mcu-report
mcu-report: deps
	bash bench/mcu_report.sh $(abspath $(BUILD))/mcu-report
