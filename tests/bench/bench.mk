# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: the hot-path micro-benchmarks, measured in instructions under
# QEMU -icount (tests/bench/run-bench). Not part of make check.

.PHONY: bench
bench: $(BUILD)/hv.elf $(BUILD)/guests/bench.elf
	$(Q)QEMU='$(QEMU)' tests/bench/run-bench $(BUILD)
