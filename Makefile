# nci: build, test, install.  `make check` is the one command that does all of it.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
B ?= build

# Generated scripts call execline programs and nci-exec by absolute path, never
# through PATH: the image has no PATH entry for them.
EXECLINE_BINDIR ?= $(shell if [ -x /usr/lib/execline/bin/execlineb ]; then echo /usr/lib/execline/bin; \
  else p=$$(command -v execlineb 2>/dev/null); [ -n "$$p" ] && dirname "$$p" || echo /usr/lib/execline/bin; fi)
NCI_BINDIR ?= $(BINDIR)

CC ?= cc
OPT ?= -O2 -g
SAN ?=
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
  -Wmissing-prototypes -Wno-unused-parameter -Ilib $(OPT) $(SAN) $(CFLAGS) \
  -DNCI_EXECLINE_BINDIR='"$(EXECLINE_BINDIR)"' -DNCI_BINDIR='"$(NCI_BINDIR)"'
LDFLAGS_ALL = $(SAN) $(LDFLAGS)
SKARNET = -l:libskarnet.a
JANSSON = $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
CHECK = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
CONVERT_SRC = $(filter-out convert/nci-convert.c,$(sort $(wildcard convert/*.c)))
CONVERT_OBJ = $(CONVERT_SRC:%.c=$(B)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:%.c=$(B)/%)
HELPER_SRC = $(sort $(wildcard tests/helpers/*.c))
HELPER_BIN = $(HELPER_SRC:%.c=$(B)/%)

SUPERVISE_OBJ = $(patsubst %.c,$(B)/%.o,$(sort $(wildcard supervise/*.c)))
CTL_OBJ = $(patsubst %.c,$(B)/%.o,$(sort $(wildcard ctl/*.c)))
INIT_OBJ = $(patsubst %.c,$(B)/%.o,$(sort $(wildcard init/*.c)))

PROGS = $(B)/nci-convert $(B)/nci-exec $(if $(SUPERVISE_OBJ),$(B)/nci-supervise) \
  $(if $(CTL_OBJ),$(B)/nci-ctl) $(if $(INIT_OBJ),$(B)/nci-init)

.PHONY: check-extra
.PHONY: all deps check test unit integration sanitize clang install demo bench clean
all: $(PROGS) $(HELPER_BIN)

$(B)/%.o: %.c $(wildcard lib/nci/*.h convert/*.h supervise/*.h ctl/*.h init/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/libnci.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/nci-convert: $(B)/convert/nci-convert.o $(CONVERT_OBJ) $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(JANSSON) $(SKARNET)

# The run-time programs take no jansson: they never allocate once running.
# nci-supervise and nci-exec run once per service: an nci-supervise's private
# pages are what a container pays per service, and nci-exec's start is on every
# service's path. glibc's static startup alone costs about 60 kB per process and
# glibc's dynamic start (the loader, then its CPU probing) most of an exec's time,
# musl's static start little of either (make bench). So by default both are
# linked statically against musl, with Debian's musl-gcc and a musl build of
# skalibs (tools/musl-skalibs, from the Debian archive's source, checked against
# its .dsc). SERVICE_LIBC=system links nci-supervise statically and nci-exec
# dynamically with $(CC) and its skalibs instead: sanitizer and clang builds do,
# as does the Nix package, which takes both from pkgsStatic.
SERVICE_LIBC ?= $(if $(SAN),system,musl)
STATIC ?= -static
MUSL_B = $(B)/musl
MUSL_CC = musl-gcc $(filter-out $(SAN),$(CFLAGS_ALL)) -I$(MUSL_B)/inst/include -ffunction-sections \
  -fdata-sections -static -Wl,--gc-sections
SUPERVISE_SRC = $(sort $(wildcard supervise/*.c))
ifeq ($(SERVICE_LIBC),musl)
$(MUSL_B)/inst/lib/skalibs/libskarnet.a:
	@tools/musl-skalibs $(MUSL_B)

$(B)/nci-supervise: $(SUPERVISE_SRC) $(LIB_SRC) $(wildcard supervise/*.h lib/nci/*.h) $(MUSL_B)/inst/lib/skalibs/libskarnet.a
	$(MUSL_CC) -o $@ $(filter %.c %.a,$^)

$(B)/nci-exec: exec/nci-exec.c $(LIB_SRC) $(wildcard lib/nci/*.h) $(MUSL_B)/inst/lib/skalibs/libskarnet.a
	$(MUSL_CC) -o $@ $(filter %.c %.a,$^)
else
$(B)/nci-supervise: $(SUPERVISE_OBJ) $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) $(if $(SAN),,$(STATIC)) -o $@ $^ $(SKARNET)

$(B)/nci-exec: $(B)/exec/nci-exec.o $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SKARNET)
endif

$(B)/nci-ctl: $(CTL_OBJ) $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SKARNET)

$(B)/nci-init: $(INIT_OBJ) $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SKARNET)

# nci-init's own parts that have a suite of their own
$(B)/tests/unit/test_pidmap: $(B)/tests/unit/test_pidmap.o $(B)/init/pidmap.o $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK) $(SKARNET)

# the unit machine, its actions recorded by the test instead of done
$(B)/tests/unit/test_unit_machine: $(B)/tests/unit/test_unit_machine.o $(B)/init/unit_machine.o $(B)/init/pidmap.o $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK) $(SKARNET)

$(B)/tests/unit/test_supervise_machine: $(B)/tests/unit/test_supervise_machine.o $(B)/supervise/machine.o $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK) $(SKARNET)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(CONVERT_OBJ) $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(CHECK) $(JANSSON) $(SKARNET)

$(B)/tests/helpers/%: $(B)/tests/helpers/%.o $(B)/libnci.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(SKARNET)

# Installs the missing Debian packages the build and the tests need (as root).
deps:
	@tools/deps

unit: $(UNIT_BIN) $(PROGS) $(HELPER_BIN)
	@NCI_BUILD=$(abspath $(B)) EXECLINE_BINDIR=$(EXECLINE_BINDIR) tools/run-unit $(B) $(UNIT_BIN)

integration: $(PROGS) $(HELPER_BIN)
	@NCI_BUILD=$(abspath $(B)) EXECLINE_BINDIR=$(EXECLINE_BINDIR) tools/run-integration

test: unit integration

# ASan+UBSan build of the same suites, in its own build directory.
sanitize:
	@LSAN_OPTIONS=suppressions=$(abspath tools/lsan.supp):print_suppressions=0 \
	  $(MAKE) --no-print-directory B=build-san OPT='-O1 -g -fno-omit-frame-pointer' \
	  SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' test

# The same sources must build warning-free with clang too.
clang:
	@if command -v clang > /dev/null; then $(MAKE) --no-print-directory CC=clang B=build-clang SERVICE_LIBC=system all; \
	  else echo "clang not installed: clang build skipped"; fi

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory sanitize
	@$(MAKE) --no-print-directory clang
	@$(MAKE) --no-print-directory check-extra

# make check N times (N=20), each on a fresh clone of HEAD; stops at the first red run
N ?= 20
.PHONY: check-repeat
check-repeat:
	@tools/check-repeat $(N)

# Parts of the project with their own make fragment (mk/*.mk) add their suites here.
check-extra::

# make install into two prefixes this build never saw (one staged with DESTDIR), then
# convert and boot a tree from each: tests/install/prefixes.sh.
.PHONY: install-check
check-extra:: install-check
install-check: $(PROGS) $(HELPER_BIN)
	@rm -rf $(B)/installs
	@$(MAKE) --no-print-directory install PREFIX=$(abspath $(B))/installs/opt > /dev/null
	@$(MAKE) --no-print-directory install DESTDIR=$(abspath $(B))/installs/stage PREFIX=/usr > /dev/null
	@NCI_BUILD=$(abspath $(B)) NCI_INSTALLS=$(abspath $(B))/installs EXECLINE_BINDIR=$(EXECLINE_BINDIR) \
	  tools/run-integration install tests/install/prefixes.sh

install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo $(B)

$(B)/bench/%: $(B)/bench/%.o
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(JANSSON)

bench: deps
	@$(MAKE) --no-print-directory all $(B)/bench/json-parse $(B)/bench/crasher \
	  $(B)/bench/started $(B)/bench/stamp $(B)/bench/launch $(B)/bench/orphans
	@$(MAKE) --no-print-directory B=$(B)/glibc SERVICE_LIBC=system $(B)/glibc/nci-supervise
	@bench/run $(B)

clean:
	rm -rf build build-san build-dbg build-clang
.SECONDARY:

-include $(sort $(wildcard mk/*.mk))
