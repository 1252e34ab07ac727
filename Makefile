# goproc: a privilege-separated process watcher.
#
#   make		build goprocd and goprocctl
#   make check		build, run every test with kyua, print "N passed, M failed"
#   make run		build, then run goprocd in the foreground
#   make deps		install the build and test dependencies (Debian, as root)
#   make install	install under $(DESTDIR)$(PREFIX)
#   make SANITIZE=1 ...	the same with AddressSanitizer and UBSan

PREFIX ?=	/usr/local
BINDIR ?=	$(PREFIX)/bin
SBINDIR ?=	$(PREFIX)/sbin
MANDIR ?=	$(PREFIX)/share/man

CC ?=		cc
CFLAGS ?=	-O2 -g
PKGS =		libbsd-overlay libevent jansson libseccomp libsodium
PKG_CFLAGS :=	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS :=	$(shell pkg-config --libs $(PKGS) 2>/dev/null)
CTOR_LIBS :=	$(shell pkg-config --libs libbsd-ctor 2>/dev/null)
ATF_CFLAGS :=	$(shell pkg-config --cflags atf-c 2>/dev/null)
# goprocctl runs once per command: with libbsd and jansson linked in, the
# dynamic loader has a third less to do, 0.3 ms of a 1.6 ms ping (README).
# CTL_STATIC= links them dynamically.
CTL_STATIC ?=	yes
ifeq ($(CTL_STATIC),yes)
CTL_LIBS :=	-Wl,-Bstatic \
		$(shell pkg-config --libs --static libbsd-overlay jansson \
		2>/dev/null) -Wl,-Bdynamic
else
CTL_LIBS :=	$(shell pkg-config --libs libbsd-overlay jansson 2>/dev/null)
endif
ATF_LIBS :=	$(shell pkg-config --libs atf-c 2>/dev/null)
# goprocctl top draws with ncurses, the wide-character build; nothing
# else links it.
CURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
CURSES_LIBS :=	$(shell pkg-config --libs ncursesw 2>/dev/null)

WARNINGS =	-Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
		-Wshadow -Wformat=2 -Wpointer-arith -Wno-unused-parameter
override CPPFLAGS += -D_GNU_SOURCE -Icommon $(PKG_CFLAGS)
override CFLAGS += -std=gnu11 $(WARNINGS) -MMD -MP

# make NOSANDBOX=1: no seccomp, Landlock or limits, for make valgrind only.
ifdef NOSANDBOX
override CPPFLAGS += -DGOPROC_NOSANDBOX
endif

ifdef SANITIZE
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
endif

COMMON_SRCS =	common/imsg.c common/imsg-buffer.c common/log.c \
		common/wire.c common/config.c common/paths.c \
		common/sandbox.c common/select.c common/text.c \
		common/util.c common/prom.c
COMMON_OBJS =	$(COMMON_SRCS:.c=.o)

GOPROCD_SRCS =	$(wildcard goprocd/*.c)
GOPROCD_OBJS =	$(GOPROCD_SRCS:.c=.o)
GOPROCCTL_SRCS = $(wildcard goprocctl/*.c)
GOPROCCTL_OBJS = $(GOPROCCTL_SRCS:.c=.o)

PROGS =		goprocd/goprocd goprocctl/goprocctl

# C unit tests: regress/<unit>/<unit>_test.c, linked with what it tests
# and with the helpers they share (regress/lib).
TESTS_C =	$(patsubst %.c,%,$(wildcard regress/*/*_test.c))
TEST_OBJS =	$(addsuffix .o,$(TESTS_C))
TESTUTIL_OBJ =	regress/lib/testutil.o

all: $(PROGS) $(TESTS_C)

libgoproc.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

goprocd/goprocd: $(GOPROCD_OBJS) libgoproc.a
	$(CC) $(LDFLAGS) -o $@ $(GOPROCD_OBJS) libgoproc.a $(CTOR_LIBS) \
	    $(PKG_LIBS)

goprocctl/goprocctl: $(GOPROCCTL_OBJS) libgoproc.a
	$(CC) $(LDFLAGS) -o $@ $(GOPROCCTL_OBJS) libgoproc.a $(CTL_LIBS) \
	    $(CURSES_LIBS)

$(filter goprocctl/top%.o,$(GOPROCCTL_OBJS)): override CPPFLAGS += \
	    $(CURSES_CFLAGS)

$(TEST_OBJS) $(TESTUTIL_OBJ): override CPPFLAGS += $(ATF_CFLAGS) -Igoprocd \
	    -Igoprocctl -Iregress/lib

.SECONDEXPANSION:
regress/%_test: regress/%_test.o $$(TEST_LINK_$$(notdir $$@)) $(TESTUTIL_OBJ) \
	    libgoproc.a
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_LINK_$(notdir $@)) $(TESTUTIL_OBJ) \
	    libgoproc.a $(ATF_LIBS) $(PKG_LIBS)

# Which daemon or client objects each unit test links besides libgoproc.a.
TEST_LINK_registry_test = goprocd/regtab.o
TEST_LINK_snapshot_test = goprocd/regtab.o goprocd/snapshot.o goprocd/snapfast.o \
			  goprocd/snapview.o \
			  goprocd/journal.o
TEST_LINK_parser_test =	goprocctl/parser.o
TEST_LINK_procfs_test =	goprocd/procfs.o

check: all
	@sh regress/run-kyua.sh

# The unit tests and a day of the daemon's work under valgrind's memcheck,
# built without the sandbox (valgrind cannot run under seccomp).
valgrind:
	$(MAKE) clean
	$(MAKE) NOSANDBOX=1 all
	@sh regress/valgrind.sh; rc=$$?; $(MAKE) clean >/dev/null; exit $$rc

# A benchmark against a real goprocd; prints its figures (see README).
regress/bench/bench: regress/bench/bench.o libgoproc.a
	$(CC) $(LDFLAGS) -o $@ regress/bench/bench.o libgoproc.a $(PKG_LIBS) -lm

bench: $(PROGS) regress/bench/bench
	./regress/bench/bench

run: $(PROGS)
	./goprocd/goprocd -d

deps:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "make deps: run as root (it calls apt-get)" >&2; exit 1; fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    build-essential pkg-config libevent-dev libbsd-dev \
	    libjansson-dev libseccomp-dev libsodium-dev kyua atf-sh \
	    libatf-dev mandoc clang-format python3 systemd clang \
	    libclang-rt-dev valgrind \
	    libncurses-dev tmux
	@$(MAKE) -s deps-prometheus
	@$(MAKE) -s install-user

# Prometheus and node_exporter for regress/integration/prometheus_test.sh,
# installed without starting their packaged services: a policy-rc.d that
# answers 101 while apt-get runs (unless one is already there), then,
# where systemd runs, the units of the packages this run installed are
# disabled and stopped (one that was there before is left alone).
# Idempotent.
PROM_PKGS =	prometheus prometheus-node-exporter
deps-prometheus:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "make deps-prometheus: run as root" >&2; exit 1; fi
	@set -e; rc=/usr/sbin/policy-rc.d; new=; \
	for p in $(PROM_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		grep -q ' installed$$' || new="$$new $$p"; \
	done; \
	if [ -n "$$new" ] && [ ! -e $$rc ]; then \
	    printf '#!/bin/sh\nexit 101\n' >$$rc; chmod 0755 $$rc; \
	    trap "rm -f $$rc" EXIT; \
	fi; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=600 --no-install-recommends $(PROM_PKGS); \
	if [ -n "$$new" ] && [ -d /run/systemd/system ]; then \
	    for p in $$new; do \
		systemctl disable --now $$p.service >/dev/null 2>&1 || :; \
	    done; \
	fi; \
	promtool --version | head -1; \
	prometheus-node-exporter --version 2>&1 | head -1

# Where install puts the service files, the completion and the example.
SYSCONFDIR ?=	/etc
INITDIR ?=	$(SYSCONFDIR)/init.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSTEMDUSERUNITDIR ?= $(PREFIX)/lib/systemd/user
BASHCOMPDIR ?=	$(PREFIX)/share/bash-completion/completions
DOCDIR ?=	$(PREFIX)/share/doc/goproc
EXAMPLESDIR ?=	$(DOCDIR)/examples
# The units and the init script name goprocd where it is installed.
SETPATHS =	sed 's|/usr/local/sbin/goprocd|$(SBINDIR)/goprocd|g'

# Prometheus: scrape configuration, alerting rules, node_exporter's flags.
PROM_EXAMPLES =	prometheus.yml goproc.rules.yml prometheus-node-exporter.default

# Installs the programs as they are built: "make install" after "make".
install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSTEMDUSERUNITDIR) \
	    $(DESTDIR)$(INITDIR) $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(EXAMPLESDIR)
	install -m 0755 goprocd/goprocd $(DESTDIR)$(SBINDIR)/goprocd
	install -m 0755 goprocctl/goprocctl $(DESTDIR)$(BINDIR)/goprocctl
	install -m 0644 man/goprocd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/goprocctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/goprocd.8 $(DESTDIR)$(MANDIR)/man8/
	$(SETPATHS) etc/goprocd.service \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/goprocd.service
	$(SETPATHS) etc/goprocd-user.service \
	    >$(DESTDIR)$(SYSTEMDUSERUNITDIR)/goprocd.service
	$(SETPATHS) etc/goprocd.init >$(DESTDIR)$(INITDIR)/goprocd
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/goprocd.service \
	    $(DESTDIR)$(SYSTEMDUSERUNITDIR)/goprocd.service
	chmod 0755 $(DESTDIR)$(INITDIR)/goprocd
	install -m 0644 etc/goprocctl.bash-completion \
	    $(DESTDIR)$(BASHCOMPDIR)/goprocctl
	install -m 0644 etc/goprocd.conf.example \
	    $(DESTDIR)$(EXAMPLESDIR)/goprocd.conf
	install -d $(DESTDIR)$(EXAMPLESDIR)/prometheus/targets
	install -m 0644 $(PROM_EXAMPLES:%=etc/prometheus/%) \
	    $(DESTDIR)$(EXAMPLESDIR)/prometheus/
	install -m 0644 etc/prometheus/targets/goproc-hosts.yml \
	    $(DESTDIR)$(EXAMPLESDIR)/prometheus/targets/
	@# A staged install (DESTDIR) leaves users to the target system.
	@if [ -n "$(DESTDIR)" ]; then \
	    :; \
	elif getent passwd _goproc >/dev/null; then \
	    :; \
	elif [ "$$(id -u)" -ne 0 ]; then \
	    echo "not root: user _goproc not created; a root goprocd" \
	        "needs it (make install-user) or -u user" >&2; \
	else \
	    $(ADDUSER); \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/goprocd $(DESTDIR)$(BINDIR)/goprocctl \
	    $(DESTDIR)$(MANDIR)/man5/goprocd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/goprocd.8 \
	    $(DESTDIR)$(MANDIR)/man1/goprocctl.1 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/goprocd.service \
	    $(DESTDIR)$(SYSTEMDUSERUNITDIR)/goprocd.service \
	    $(DESTDIR)$(INITDIR)/goprocd \
	    $(DESTDIR)$(BASHCOMPDIR)/goprocctl \
	    $(DESTDIR)$(EXAMPLESDIR)/goprocd.conf \
	    $(PROM_EXAMPLES:%=$(DESTDIR)$(EXAMPLESDIR)/prometheus/%) \
	    $(DESTDIR)$(EXAMPLESDIR)/prometheus/targets/goproc-hosts.yml
	rmdir $(DESTDIR)$(EXAMPLESDIR)/prometheus/targets \
	    $(DESTDIR)$(EXAMPLESDIR)/prometheus 2>/dev/null || true
	rmdir $(DESTDIR)$(EXAMPLESDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null || true

# The user goprocd's children run as when it starts as root; without it
# (and without -u) a root goprocd refuses to start.  make install creates
# it unless DESTDIR is set.  As root, on the running system.
ADDUSER =	echo "useradd --system --no-create-home" \
		    "--shell /usr/sbin/nologin _goproc"; \
		useradd --system --no-create-home --shell /usr/sbin/nologin \
		    _goproc || getent passwd _goproc >/dev/null

install-user:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "make install-user: run as root" >&2; exit 1; fi
	@if getent passwd _goproc >/dev/null; then \
	    echo "user _goproc exists"; \
	else \
	    $(ADDUSER); \
	fi

.PHONY: install-user deps-prometheus

lint:
	mandoc -Tlint -Wwarning man/*.[158]

format:
	clang-format -i common/*.[ch] goprocd/*.[ch] goprocctl/*.[ch] \
	    regress/*/*.c

clean: fuzz-clean
	rm -f $(PROGS) $(TESTS_C) libgoproc.a */*.o */*.d regress/*/*.o \
	    regress/*/*.d regress/bench/bench
	rm -rf .kyua

.PHONY: all bench check valgrind run deps install uninstall lint format \
	    clean

# libFuzzer targets: make fuzz, make fuzz-build, make fuzz-repro.
include regress/fuzz/fuzz.mk

-include $(wildcard */*.d regress/*/*.d)
