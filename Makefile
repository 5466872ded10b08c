# SPDX-License-Identifier: GPL-2.0-or-later
#
# A thin wrapper over meson/ninja in build/.

BUILD_DIR ?= build
MESON_TEST_ARGS ?=

.PHONY: all deps check check-unit check-asan check-soak demo clean distclean bench

all: $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR)

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	./configure --builddir=$(BUILD_DIR)

check: deps
	@[ -f $(BUILD_DIR)/build.ninja ] || ./configure --builddir=$(BUILD_DIR)
	ninja -C $(BUILD_DIR)
	@rc=0; meson test -C $(BUILD_DIR) --print-errorlogs $(MESON_TEST_ARGS) \
	    || rc=$$?; \
	python3 scripts/meson-totals.py $(BUILD_DIR)/meson-logs/testlog.json; \
	exit $$rc

# The unit and qtest suites again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer in a second build directory.  The tests that
# ask for an impossible allocation expect NULL back, hence
# allocator_may_return_null.
ASAN_BUILD_DIR ?= build-asan
check-asan: deps
	@[ -f $(ASAN_BUILD_DIR)/build.ninja ] || \
	    ./configure --builddir=$(ASAN_BUILD_DIR) --enable-sanitizers
	ninja -C $(ASAN_BUILD_DIR)
	@rc=0; \
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:fast_unwind_on_malloc=0:quarantine_size_mb=16 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C $(ASAN_BUILD_DIR) --print-errorlogs --suite unit \
	    --suite qtest --timeout-multiplier 3 $(MESON_TEST_ARGS) || rc=$$?; \
	python3 scripts/meson-totals.py $(ASAN_BUILD_DIR)/meson-logs/testlog.json; \
	exit $$rc

# Soak: migrate one long-lived VMM for SOAK_SECS seconds and show that its
# RSS, fds and threads stay flat and every migration is byte-exact
# (docs/devel/migration-testing.md).  Not part of make check.
# SOAK_COUNT=Q,K runs Q migrations of the qtest VM and K of the KVM guest
# instead, however long they take.
SOAK_SECS ?= 300
SOAK_COUNT ?=
check-soak: all
	SOAK_SECS=$(SOAK_SECS) SOAK_COUNT=$(SOAK_COUNT) \
	    python3 tests/soak/migration-soak.py --build-dir $(BUILD_DIR)

demo: deps
	@[ -f $(BUILD_DIR)/build.ninja ] || ./configure --builddir=$(BUILD_DIR)
	ninja -C $(BUILD_DIR)
	python3 scripts/migration-demo.py --build-dir $(BUILD_DIR)

# Benchmarks report numbers; they never pass or fail on speed.
bench: all
	$(BUILD_DIR)/tests/bench/json-bench
	$(BUILD_DIR)/tests/bench/bufferiszero-bench
	python3 tests/bench/migration-bench.py --build-dir $(BUILD_DIR) \
	    $(if $(wildcard /usr/bin/qemu-system-x86_64),--compare /usr/bin/qemu-system-x86_64)

clean:
	[ ! -f $(BUILD_DIR)/build.ninja ] || ninja -C $(BUILD_DIR) clean

distclean:
	rm -rf $(BUILD_DIR)
