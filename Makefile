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
PKGS =		libbsd-overlay libevent jansson libseccomp
PKG_CFLAGS :=	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS :=	$(shell pkg-config --libs $(PKGS) 2>/dev/null)
CTOR_LIBS :=	$(shell pkg-config --libs libbsd-ctor 2>/dev/null)
ATF_CFLAGS :=	$(shell pkg-config --cflags atf-c 2>/dev/null)
ATF_LIBS :=	$(shell pkg-config --libs atf-c 2>/dev/null)

WARNINGS =	-Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
		-Wshadow -Wformat=2 -Wpointer-arith -Wno-unused-parameter
override CPPFLAGS += -D_GNU_SOURCE -Icommon $(PKG_CFLAGS)
override CFLAGS += -std=gnu11 $(WARNINGS) -MMD -MP

ifdef SANITIZE
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
		-fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
endif

COMMON_SRCS =	common/imsg.c common/imsg-buffer.c common/log.c \
		common/wire.c common/config.c common/paths.c
COMMON_OBJS =	$(COMMON_SRCS:.c=.o)

GOPROCD_SRCS =	$(wildcard goprocd/*.c)
GOPROCD_OBJS =	$(GOPROCD_SRCS:.c=.o)
GOPROCCTL_SRCS = $(wildcard goprocctl/*.c)
GOPROCCTL_OBJS = $(GOPROCCTL_SRCS:.c=.o)

PROGS =		goprocd/goprocd goprocctl/goprocctl

# C unit tests: regress/<unit>/<unit>_test.c, linked with what it tests.
TESTS_C =	$(patsubst %.c,%,$(wildcard regress/*/*_test.c))
TEST_OBJS =	$(addsuffix .o,$(TESTS_C))

all: $(PROGS) $(TESTS_C)

libgoproc.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

goprocd/goprocd: $(GOPROCD_OBJS) libgoproc.a
	$(CC) $(LDFLAGS) -o $@ $(GOPROCD_OBJS) libgoproc.a $(CTOR_LIBS) \
	    $(PKG_LIBS)

goprocctl/goprocctl: $(GOPROCCTL_OBJS) libgoproc.a
	$(CC) $(LDFLAGS) -o $@ $(GOPROCCTL_OBJS) libgoproc.a $(PKG_LIBS)

$(TEST_OBJS): override CPPFLAGS += $(ATF_CFLAGS) -Igoprocd -Igoprocctl

.SECONDEXPANSION:
regress/%_test: regress/%_test.o $$(TEST_LINK_$$(notdir $$@)) libgoproc.a
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_LINK_$(notdir $@)) libgoproc.a \
	    $(ATF_LIBS) $(PKG_LIBS)

# Which daemon or client objects each unit test links besides libgoproc.a.
TEST_LINK_registry_test = goprocd/regtab.o
TEST_LINK_snapshot_test = goprocd/regtab.o goprocd/snapshot.o \
			  goprocd/journal.o
TEST_LINK_parser_test =	goprocctl/parser.o
TEST_LINK_procfs_test =	goprocd/procfs.o

check: all
	@sh regress/run-kyua.sh

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
	    libjansson-dev libseccomp-dev kyua atf-sh libatf-dev mandoc \
	    clang-format

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 goprocd/goprocd $(DESTDIR)$(SBINDIR)/goprocd
	install -m 0755 goprocctl/goprocctl $(DESTDIR)$(BINDIR)/goprocctl
	for f in man/*.5; do [ -f "$$f" ] && \
	    install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man5/ || true; done
	for f in man/*.8; do [ -f "$$f" ] && \
	    install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man8/ || true; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/goprocd $(DESTDIR)$(BINDIR)/goprocctl \
	    $(DESTDIR)$(MANDIR)/man5/goprocd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/goprocd.8 \
	    $(DESTDIR)$(MANDIR)/man8/goprocctl.8

lint:
	mandoc -Tlint -Wwarning man/*.[58]

format:
	clang-format -i common/*.[ch] goprocd/*.[ch] goprocctl/*.[ch] \
	    regress/*/*.c

clean:
	rm -f $(PROGS) $(TESTS_C) libgoproc.a */*.o */*.d regress/*/*.o \
	    regress/*/*.d regress/bench/bench
	rm -rf .kyua

.PHONY: all bench check run deps install uninstall lint format clean

-include $(wildcard */*.d regress/*/*.d)
