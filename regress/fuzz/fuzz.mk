# libFuzzer targets for goproc's parsers of outside input (see STYLE.md,
# "Fuzzable parsers").  Included by the top-level Makefile, or on its own:
#
#   make fuzz-build		build regress/fuzz/fuzz_<name> for every target
#   make fuzz			build, then run each target FUZZ_SECONDS seconds
#				on a copy of its seed corpus; fails on a crash
#   make fuzz-repro		run each target once on its saved reproducers
#   make fuzz-corpus		regenerate the wire and imsg seed corpora
#   make fuzz-clean		remove the fuzz binaries
#
#   make fuzz FUZZ_SECONDS=60 FUZZ_TARGETS="wire imsg"
#
# Each target is linked from the .c files it tests, plus a stub log.c
# whose fatal() aborts, never from libgoproc.a.  A crash, leak, timeout
# or failed check is saved as regress/fuzz/crashes/<name>-<kind>-<sha1>;
# replay one with "regress/fuzz/fuzz_<name> <file>".

FUZZ_CC ?=		clang
FUZZ_SECONDS ?=		30
FUZZ_TIMEOUT ?=		10
FUZZ_ALL :=		wire imsg snapshot journal config procstat parser
FUZZ_TARGETS ?=		$(FUZZ_ALL)
FUZZ_DIR :=		regress/fuzz
FUZZ_CRASHES ?=		$(FUZZ_DIR)/crashes
FUZZ_PKGS :=		libbsd-overlay jansson libsodium
FUZZ_CFLAGS ?=		-g -O1 -fno-omit-frame-pointer
FUZZ_SANITIZE :=	-fsanitize=fuzzer,address,undefined \
			-fno-sanitize-recover=undefined
FUZZ_WARNINGS :=	-Wall -Wextra -Wno-unused-parameter \
			-Wmissing-prototypes -Wstrict-prototypes
FUZZ_CPPFLAGS :=	-D_GNU_SOURCE -Icommon -Igoprocd -Igoprocctl \
			$(shell pkg-config --cflags $(FUZZ_PKGS) 2>/dev/null)
FUZZ_LIBS :=		$(shell pkg-config --libs $(FUZZ_PKGS) 2>/dev/null)

# What every target links, and the headers a rebuild depends on.
FUZZ_COMMON_SRCS :=	$(FUZZ_DIR)/log_stub.c $(FUZZ_DIR)/fuzz_util.c
FUZZ_HDRS =		$(wildcard common/*.h goprocd/*.h goprocctl/*.h \
			$(FUZZ_DIR)/*.h)

# The sources of each target, and the longest input it is given.
FUZZ_SRCS_wire =	$(FUZZ_DIR)/fuzz_wire.c common/wire.c common/text.c \
			common/imsg-buffer.c
FUZZ_SRCS_imsg =	$(FUZZ_DIR)/fuzz_imsg.c common/imsg.c \
			common/imsg-buffer.c common/wire.c common/text.c
FUZZ_SRCS_snapshot =	$(FUZZ_DIR)/fuzz_snapshot.c $(FUZZ_DIR)/fuzz_regtab.c \
			goprocd/snapshot.c goprocd/snapfast.c goprocd/regtab.c common/wire.c common/select.c \
			common/text.c common/util.c common/imsg-buffer.c
FUZZ_SRCS_journal =	$(FUZZ_DIR)/fuzz_journal.c $(FUZZ_DIR)/fuzz_regtab.c \
			goprocd/journal.c goprocd/snapshot.c goprocd/snapfast.c goprocd/regtab.c common/select.c \
			common/wire.c common/text.c common/util.c \
			common/imsg-buffer.c
FUZZ_SRCS_config =	$(FUZZ_DIR)/fuzz_config.c common/config.c \
			common/util.c
FUZZ_SRCS_procstat =	$(FUZZ_DIR)/fuzz_procstat.c goprocd/procfs.c \
			common/text.c
FUZZ_SRCS_parser =	$(FUZZ_DIR)/fuzz_parser.c goprocctl/parser.c \
			common/wire.c common/text.c common/imsg-buffer.c

FUZZ_MAXLEN_wire =	16384
FUZZ_MAXLEN_imsg =	32768
FUZZ_MAXLEN_snapshot =	16384
FUZZ_MAXLEN_journal =	16384
FUZZ_MAXLEN_config =	4096
FUZZ_MAXLEN_procstat =	4200
FUZZ_MAXLEN_parser =	1024

FUZZ_BINS =		$(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

# The last status line of libFuzzer, as "cov C, ft F, corpus N".
FUZZ_COV_SED =		s/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/cov \1, ft \2, corpus \3/

fuzz-build: $(FUZZ_BINS)

define FUZZ_BIN_RULE
$(FUZZ_DIR)/fuzz_$(1): $$(FUZZ_SRCS_$(1)) $$(FUZZ_COMMON_SRCS) $$(FUZZ_HDRS)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(FUZZ_SANITIZE) $$(FUZZ_WARNINGS) \
	    $$(FUZZ_CPPFLAGS) -o $$@ $$(FUZZ_SRCS_$(1)) $$(FUZZ_COMMON_SRCS) \
	    $$(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call FUZZ_BIN_RULE,$(t))))

# One line per target: "fuzz_<name>: ok, N runs in S s (E/s), cov C, ft F"
# or "fuzz_<name>: FAILED ..." followed by the end of its log.
fuzz: fuzz-build
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/goproc-fuzz.XXXXXX") || exit 1; \
	mkdir -p $(FUZZ_CRASHES) || exit 1; \
	fail=0; \
	for spec in $(foreach t,$(FUZZ_TARGETS),$(t):$(FUZZ_MAXLEN_$(t))); do \
	    t=$${spec%%:*}; maxlen=$${spec#*:}; \
	    mkdir -p "$$tmp/$$t"; \
	    cp $(FUZZ_DIR)/corpus/$$t/* "$$tmp/$$t/" 2>/dev/null; \
	    dict=; \
	    [ -f $(FUZZ_DIR)/$$t.dict ] && dict=-dict=$(FUZZ_DIR)/$$t.dict; \
	    ls $(FUZZ_CRASHES)/$$t-* > "$$tmp/$$t.before" 2>/dev/null; \
	    $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
		-timeout=$(FUZZ_TIMEOUT) -max_len=$$maxlen $$dict \
		-print_final_stats=1 \
		-artifact_prefix=$(FUZZ_CRASHES)/$$t- \
		"$$tmp/$$t" > "$$tmp/$$t.log" 2>&1; \
	    rc=$$?; \
	    runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' \
		"$$tmp/$$t.log"); \
	    eps=$$(sed -n 's/^stat::average_exec_per_sec: *//p' \
		"$$tmp/$$t.log"); \
	    cov=$$(grep -E '^#[0-9]+.* cov: ' "$$tmp/$$t.log" | tail -n 1 | \
		sed -E '$(FUZZ_COV_SED)'); \
	    if [ $$rc -eq 0 ]; then \
		echo "fuzz_$$t: ok, $${runs:-?} runs in $(FUZZ_SECONDS) s" \
		    "($${eps:-?}/s), $${cov:-no coverage}"; \
	    else \
		fail=1; \
		new=$$(ls $(FUZZ_CRASHES)/$$t-* 2>/dev/null | \
		    grep -vxF -f "$$tmp/$$t.before" | tr '\n' ' '); \
		echo "fuzz_$$t: FAILED (exit $$rc) after $${runs:-?} runs," \
		    "$${cov:-no coverage}; input: $${new:-none saved}"; \
		grep -vE '^(#[0-9]+|INFO:|stat::)' "$$tmp/$$t.log" | \
		    tail -n 40 | sed 's/^/    /'; \
	    fi; \
	done; \
	rm -rf "$$tmp"; \
	exit $$fail

# Replay the saved reproducers: each must now run without a crash.
fuzz-repro: fuzz-build
	@fail=0; \
	for t in $(FUZZ_TARGETS); do \
	    files=$$(ls $(FUZZ_CRASHES)/$$t-* 2>/dev/null); \
	    [ -n "$$files" ] || continue; \
	    if $(FUZZ_DIR)/fuzz_$$t $$files > /dev/null 2>&1; then \
		echo "fuzz_$$t: ok on" $$files; \
	    else \
		echo "fuzz_$$t: FAILED on" $$files; fail=1; \
	    fi; \
	done; \
	exit $$fail

# The binary seeds of the wire and imsg targets, from real encodings.
fuzz-corpus:
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/goproc-fuzz.XXXXXX") || exit 1; \
	$(FUZZ_CC) -g $(FUZZ_WARNINGS) $(FUZZ_CPPFLAGS) -o "$$tmp/mkcorpus" \
	    $(FUZZ_DIR)/mkcorpus.c common/wire.c common/text.c \
	    common/imsg-buffer.c $(FUZZ_LIBS) && \
	"$$tmp/mkcorpus" $(FUZZ_DIR)/corpus; \
	rc=$$?; rm -rf "$$tmp"; exit $$rc

fuzz-clean:
	rm -f $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_ALL))

.PHONY: fuzz fuzz-build fuzz-repro fuzz-corpus fuzz-clean
