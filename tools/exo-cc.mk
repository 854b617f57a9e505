# SPDX-License-Identifier: BSD-2-Clause
#
# exo-cc, the unikernel compiler (tools/exo-cc.in), and what it links: the
# library OS as one archive. The build tree's exo-cc, $(BUILD)/bin/exo-cc,
# names the tree's files by absolute paths, so that any program's build can
# call it; `make install` writes one naming the installed copies:
#
#   $(PREFIX)/bin/exo-cc
#   $(PREFIX)/lib/exovisor/    libexo.a, libfdt.a, guest.ld, mksymbols,
#                              mkfiles, include/{exo,public}/*.h and
#                              libfdt's headers in include/
#
# Included by guest-libos/libos.mk once LIBOS_OBJS and LIBOS_LD are known.

EXO_CC := $(BUILD)/bin/exo-cc
LIBEXO := $(BUILD)/lib/libexo.a
AR ?= ar
PREFIX ?= /usr/local
EXO_LIBDIR = $(PREFIX)/lib/exovisor

# Everything a link reads besides its inputs: an image is relinked when one
# of them changes.
EXO_LINK_DEPS := $(EXO_CC) $(LIBEXO) $(LIBOS_LD) tools/mksymbols tools/mkfiles

EXO_LIBGCC := $(shell $(CC) -print-libgcc-file-name)
# The build tree's exo-cc takes the headers from the source tree, and
# libfdt's (which it links) from the directory holding only them.
EXO_TREE_INCLUDE := $(CURDIR)/guest-libos/include:$(CURDIR)/hv/include:$(abspath $(FDT_INCLUDE))

# exo_cc_gen(LIBEXO, LIBFDT, LDSCRIPT, INCLUDE-DIRS, TOOLS-DIR): the sed
# command that fills in tools/exo-cc.in.
exo_cc_gen = sed -e 's|@CC@|$(CC)|g' -e 's|@NM@|$(NM)|g' \
	-e 's|@GCC_INCLUDE@|$(GCC_INCLUDE)|g' -e 's|@MUSL_INCLUDE@|$(MUSL_INCLUDE)|g' \
	-e 's|@MUSL_LIBDIR@|$(MUSL_LIBDIR)|g' -e 's|@LIBGCC@|$(EXO_LIBGCC)|g' \
	-e 's|@LIBEXO@|$(strip $(1))|g' -e 's|@LIBFDT@|$(strip $(2))|g' \
	-e 's|@LDSCRIPT@|$(strip $(3))|g' -e 's|@EXO_INCLUDE@|$(strip $(4))|g' \
	-e 's|@MKSYMBOLS@|$(strip $(5))/mksymbols|g' -e 's|@MKFILES@|$(strip $(5))/mkfiles|g' \
	tools/exo-cc.in
# The build tree's exo-cc and the installed one.
exo_cc_gen_tree = $(call exo_cc_gen,$(abspath $(LIBEXO)),$(LIBFDT_A),$(CURDIR)/$(LIBOS_LD), \
	$(EXO_TREE_INCLUDE),$(CURDIR)/tools)
exo_cc_gen_install = $(call exo_cc_gen,$(EXO_LIBDIR)/libexo.a,$(EXO_LIBDIR)/libfdt.a, \
	$(EXO_LIBDIR)/guest.ld,$(EXO_LIBDIR)/include,$(EXO_LIBDIR))

# Written to a temporary name and renamed: a parallel make never runs a
# half-written exo-cc or links a half-written archive.
$(EXO_CC): tools/exo-cc.in tools/exo-cc.mk $(wildcard config.mk) | $(FDT_INCLUDE)/libfdt.h
	$(call msg,GEN,$@)
	@mkdir -p $(@D)
	$(Q)$(exo_cc_gen_tree) > $@.tmp
	$(Q)chmod +x $@.tmp && mv -f $@.tmp $@

$(LIBEXO): $(LIBOS_OBJS)
	$(call msg,AR,$@)
	@mkdir -p $(@D)
	$(Q)rm -f $@.tmp && $(AR) rcD $@.tmp $(LIBOS_OBJS) && mv -f $@.tmp $@

all: $(EXO_CC) $(LIBEXO)

# The host-side checks of exo-cc and of the images it built
# (tests/tools/check-exo-cc), run by make check with the unit tests.
$(BUILD)/tests/unit/test_exo_cc: tests/tools/check-exo-cc tools/exo-cc.mk
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\nexec "%s" "%s"\n' '$(CURDIR)/tests/tools/check-exo-cc' \
		'$(abspath $(BUILD))' > $@.tmp && chmod +x $@.tmp && mv -f $@.tmp $@

all: $(BUILD)/tests/unit/test_exo_cc

# make install [PREFIX=DIR] [DESTDIR=STAGING]
.PHONY: install-exo-cc
install-exo-cc: $(LIBEXO) tools/exo-cc.in
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX)/bin/exo-cc)
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(EXO_LIBDIR)/include/exo \
		$(DESTDIR)$(EXO_LIBDIR)/include/public
	$(Q)install -m 644 $(LIBEXO) $(DESTDIR)$(EXO_LIBDIR)/libexo.a
	$(Q)install -m 644 $(LIBFDT_A) $(DESTDIR)$(EXO_LIBDIR)/libfdt.a
	$(Q)install -m 644 $(LIBOS_LD) $(DESTDIR)$(EXO_LIBDIR)/guest.ld
	$(Q)install -m 755 tools/mksymbols tools/mkfiles $(DESTDIR)$(EXO_LIBDIR)/
	$(Q)install -m 644 guest-libos/include/exo/*.h $(DESTDIR)$(EXO_LIBDIR)/include/exo/
	$(Q)install -m 644 hv/include/public/*.h $(DESTDIR)$(EXO_LIBDIR)/include/public/
	$(Q)install -m 644 $(addprefix $(LIBFDT_INCLUDE)/,libfdt.h libfdt_env.h fdt.h) \
		$(DESTDIR)$(EXO_LIBDIR)/include/
	$(Q)$(exo_cc_gen_install) > $(DESTDIR)$(PREFIX)/bin/exo-cc.tmp
	$(Q)chmod 755 $(DESTDIR)$(PREFIX)/bin/exo-cc.tmp && \
		mv -f $(DESTDIR)$(PREFIX)/bin/exo-cc.tmp $(DESTDIR)$(PREFIX)/bin/exo-cc
