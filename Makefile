# umws: one non-recursive Makefile. Every tool and path can be overridden
# on the command line (make CC=clang B=/tmp/out).

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
WSDL2H ?= wsdl2h
SOAPCPP2 ?= soapcpp2
PYTHON ?= /usr/bin/python3
INSTALL ?= install
PREFIX ?= /usr/local
DESTDIR ?=
B ?= build

VERSION := $(shell sed -n 's/^\#define UMWS_VERSION "\(.*\)"/\1/p' src/umws.h)
SOMAJOR := $(shell sed -n 's/^\#define UMWS_VERSION_MAJOR //p' src/umws.h)

DEPS := gsoap gsoapssl libcurl openssl libxml-2.0
MISSING := $(strip $(foreach d,$(DEPS),$(if $(shell $(PKG_CONFIG) --exists $(d) \
	&& echo y),,$(d))))
ifneq ($(MISSING),)
ifeq ($(filter gen check-style clean,$(MAKECMDGOALS)),)
$(error missing libraries: $(MISSING); on Debian run \
	apt-get install libgsoap-dev gsoap libcurl4-openssl-dev libssl-dev \
	libxml2-dev)
endif
endif

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
SANFLAGS ?=
BASE_CFLAGS := -std=gnu11 $(CFLAGS) $(SANFLAGS) -fPIC
GSOAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags gsoap 2>/dev/null)
GSOAPSSL_CFLAGS := $(shell $(PKG_CONFIG) --cflags gsoapssl 2>/dev/null)
CURL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS := $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null)
XML_CFLAGS := $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null)
XML_LIBS := $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null)
GSOAP_LIBDIR := $(shell $(PKG_CONFIG) --variable=libdir gsoap 2>/dev/null)
# gSOAP is linked in statically and hidden, so the shared library exports
# nothing but umws_* and does not clash with a program's own gSOAP.
GSOAP_STATIC := $(GSOAP_LIBDIR)/libgsoap.a
GSOAP_PC_PRIVATE := -l:libgsoap.a
SERVER_GSOAP_LIBS := $(shell $(PKG_CONFIG) --libs gsoapssl 2>/dev/null)
SERVER_GSOAP_OBJ :=

# GSOAP_SRC=DIR: gSOAP's runtime is compiled here from DIR/stdsoap2.c (the
# gSOAP version soapcpp2 wrote gen/ with; tools/gsoap-source.sh fetches
# Debian's) instead of taken from libgsoap.a. Its hash tables are then
# sized for this service's small messages: libgsoap.a clears 1999 + 4096
# slots twice per call, over half the client's work (docs/BENCHMARKS.md).
# The table sizes change struct soap, so the runtime goes inside
# libumws.a, and objects are rebuilt when the flags change ($(B)/cflags).
# umws-server then gets the same, with gSOAP's OpenSSL support.
GSOAP_SRC ?=
GSOAP_TUNE :=
GSOAP_OBJ :=
ifneq ($(GSOAP_SRC),)
ifeq ($(filter clean check-style,$(MAKECMDGOALS)),)
ifneq ($(words $(wildcard $(GSOAP_SRC)/stdsoap2.c $(GSOAP_SRC)/stdsoap2.h)),2)
$(error GSOAP_SRC=$(GSOAP_SRC) must hold stdsoap2.c and stdsoap2.h \
	(a path without spaces); tools/gsoap-source.sh fetches them)
endif
endif
GSOAP_TUNE := -I$(GSOAP_SRC) -DSOAP_IDHASH=19 -DSOAP_PTRHASH=32
GSOAP_OBJ := $(B)/gsoap/stdsoap2.o
GSOAP_STATIC :=
GSOAP_PC_PRIVATE :=
SERVER_GSOAP_OBJ := $(B)/gsoap/stdsoap2-ssl.o
SERVER_GSOAP_LIBS :=
endif
SERVER_LIBS := $(SERVER_GSOAP_LIBS) \
	$(shell $(PKG_CONFIG) --libs openssl 2>/dev/null) $(XML_LIBS) -lz \
	-lm -lpthread
LDFLAGS ?=

LIB_CFLAGS := $(BASE_CFLAGS) $(GSOAP_TUNE) $(GSOAP_CFLAGS) $(CURL_CFLAGS) \
	$(XML_CFLAGS) -Igen -Isrc -DUMWS_BUILDING -fvisibility=hidden
GEN_CLIENT := gen/soapC.c gen/soapClient.c
LIB_SRC := $(wildcard src/*.c)
LIB_OBJ := $(patsubst %.c,$(B)/lib/%.o,$(GEN_CLIENT) $(LIB_SRC))
LIB_A := $(B)/libumws.a
LIB_SO := $(B)/libumws.so.$(VERSION)
LIB_SONAME := libumws.so.$(SOMAJOR)
LIB_LIBS := $(CURL_LIBS) $(XML_LIBS) -lm -lpthread

CLI_SRC := $(wildcard src/cli/*.c)
CLI := $(B)/umws

SERVER_CFLAGS := $(BASE_CFLAGS) $(GSOAP_TUNE) $(GSOAPSSL_CFLAGS) \
	$(XML_CFLAGS) -Igen -Isrc/server -Isrc
SERVER_SRC := $(wildcard src/server/*.c)
SERVER_OBJ := $(patsubst %.c,$(B)/server/%.o,gen/soapC.c gen/soapServer.c \
	src/xmlguard.c $(SERVER_SRC)) $(SERVER_GSOAP_OBJ)
SERVER := $(B)/umws-server

GEN_FILES := gen/um.h gen/soapStub.h gen/soapH.h gen/soapC.c \
	gen/soapClient.c gen/soapServer.c gen/UMServiceSoap.nsmap

.PHONY: all lib gen check check-gen check-style check-unit check-wire \
	check-zeep check-integration check-peers check-asan check-tsan \
	check-fuzz-replay fuzz check-valgrind clean demo
all: lib $(CLI) $(if $(SERVER_SRC),$(SERVER))
lib: $(LIB_A) $(B)/libumws.so

# ---- generated code --------------------------------------------------
# wsdl2h and soapcpp2 stamp the time into their output; the stamps are
# dropped so that regenerating an unchanged WSDL changes nothing.
define run-gen
	@mkdir -p $(1)
	$(WSDL2H) -c -x -L -t wsdl/typemap.dat -o $(1)/um.h wsdl/um.wsdl \
		>$(1)/wsdl2h.log 2>&1 || { cat $(1)/wsdl2h.log; exit 1; }
	sed -i -e '/^   [0-9-]* [0-9:]* GMT$$/d' -e 's|$(1)/um.h|um.h|' $(1)/um.h
	cd $(1) && $(SOAPCPP2) -c -1 -L -x -w um.h >soapcpp2.log 2>&1 || \
		{ cat soapcpp2.log; exit 1; }
	sed -i -e 's/ [0-9-]* [0-9:]* GMT")$$/")/' $(1)/*.c
	rm -f $(1)/wsdl2h.log $(1)/soapcpp2.log
endef

gen:
	$(call run-gen,gen)

check-gen:
	@rm -rf $(B)/gencheck
	$(call run-gen,$(B)/gencheck)
	@diff -r -q gen $(B)/gencheck >/dev/null || { diff -r gen \
		$(B)/gencheck | head -40; echo "gen/ is stale: run make gen"; \
		exit 1; }
	@echo "gen/ matches wsdl/"

# ---- library ---------------------------------------------------------
# $(call replace-if-changed,FILE): FILE.$$$$ becomes FILE if it differs,
# so that FILE's date moves only when its content does.
replace-if-changed = if cmp -s $(1).$$$$ $(1); then rm -f $(1).$$$$; \
	else mv -f $(1).$$$$ $(1); fi

# The flags the objects were compiled with, gSOAP's runtime among them;
# rewritten only when they change, so that a build directory never mixes
# two layouts of struct soap.
$(B)/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(LIB_CFLAGS) | $(SERVER_CFLAGS)' >$@.$$$$ && \
		$(call replace-if-changed,$@)

$(B)/gsoap/stdsoap2.o: $(GSOAP_SRC)/stdsoap2.c $(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(GSOAP_TUNE) $(GSOAP_CFLAGS) \
		-fvisibility=hidden -w -c $< -o $@

$(B)/gsoap/stdsoap2-ssl.o: $(GSOAP_SRC)/stdsoap2.c $(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(GSOAP_TUNE) $(GSOAPSSL_CFLAGS) -w -c $< -o $@

$(B)/lib/gen/%.o: gen/%.c $(GEN_FILES) $(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -w -c $< -o $@

$(B)/lib/src/%.o: src/%.c src/*.h $(GEN_FILES) $(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(WARN) -c $< -o $@

$(LIB_A): $(LIB_OBJ) $(GSOAP_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB_SO): $(LIB_OBJ) $(GSOAP_OBJ)
	$(CC) -shared $(SANFLAGS) $(LDFLAGS) -Wl,-soname,$(LIB_SONAME) \
		-Wl,--exclude-libs,ALL -Wl,--no-undefined -o $@ $^ \
		$(GSOAP_STATIC) $(LIB_LIBS)

$(B)/libumws.so: $(LIB_SO)
	ln -sf $(notdir $(LIB_SO)) $(B)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $@

# ---- programs --------------------------------------------------------
$(CLI): $(CLI_SRC) src/umws.h $(LIB_A)
	$(CC) $(BASE_CFLAGS) $(WARN) -Isrc $(LDFLAGS) -o $@ $(CLI_SRC) \
		$(LIB_A) $(GSOAP_STATIC) $(LIB_LIBS)

$(B)/server/gen/%.o: gen/%.c $(GEN_FILES) $(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) -w -c $< -o $@

$(B)/server/src/xmlguard.o: src/xmlguard.c src/xmlguard.h $(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) $(WARN) -c $< -o $@

$(B)/server/src/server/%.o: src/server/%.c src/server/*.h $(GEN_FILES) \
		$(B)/cflags
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) $(WARN) -c $< -o $@

$(SERVER): $(SERVER_OBJ)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(SERVER_LIBS)

# tests/srv_*.c test the server's parts: linked with all of the server
# but its main().
SERVER_PART_OBJ := $(filter-out %/main.o,$(SERVER_OBJ))
$(B)/tests/srv_%: tests/srv_%.c $(SERVER_PART_OBJ)
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) $(WARN) -Itests $(LDFLAGS) -o $@ $< \
		$(SERVER_PART_OBJ) $(SERVER_LIBS)

# ---- tests -----------------------------------------------------------
TEST_CFLAGS := $(LIB_CFLAGS) $(WARN) -Itests
TEST_LIBS := $(LIB_A) $(GSOAP_STATIC) $(LIB_LIBS)

$(B)/tests/%: tests/%.c tests/*.h $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_LIBS)

check-unit: $(B)/tests/unit $(B)/tests/srv_ntlm check-fuzz-replay
	$(B)/tests/unit
	$(B)/tests/srv_ntlm

# Independent peers against umws-server: curl --ntlm, zeep + requests-ntlm
check-peers: $(SERVER)
	PYTHON=$(PYTHON) B=$(B) bash tests/srv_peers.sh
	PYTHON=$(PYTHON) B=$(B) bash tests/srv_hostile.sh

check-wire: $(B)/tests/wire
	$(PYTHON) tests/run_wire.py $(B)/tests/wire tests/fixtures/um \
		$(B)/wire-out

check-zeep:
	$(PYTHON) tests/zeep_wsdl.py

check-integration: all $(B)/tests/transport $(B)/tests/lifecycle \
	$(B)/tests/keepalive $(B)/tests/hostile $(B)/tests/threads
	PYTHON=$(PYTHON) B=$(B) bash tests/integration.sh

check-style:
	@bash tests/check_style.sh

# Response handling replayed over the seeds and every past fuzz finding.
$(B)/tests/fuzz_replay: tests/fuzz_response.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DUMWS_FUZZ_REPLAY $(LDFLAGS) -o $@ $< \
		$(TEST_LIBS)

check-fuzz-replay: $(B)/tests/fuzz_replay
	@rm -rf $(B)/fuzz-seeds
	@bash tests/fuzz_seeds.sh $(B)/fuzz-seeds
	$(B)/tests/fuzz_replay $(B)/fuzz-seeds/* \
		$(filter-out %.md,$(wildcard tests/fuzz-regressions/*))

# libFuzzer over response parsing for FUZZ_SECONDS; findings land in
# $(B)/fuzz/ as crash-* files: keep each in tests/fuzz-regressions/.
CLANG ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	$(MAKE) B=$(B)/fuzz CC=$(CLANG) CFLAGS="-O1 -g" \
		SANFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		$(B)/fuzz/libumws.a
	$(CLANG) $(TEST_CFLAGS) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) \
		-o $(B)/fuzz/fuzz_response tests/fuzz_response.c \
		$(B)/fuzz/libumws.a $(GSOAP_STATIC) $(LIB_LIBS)
	@rm -rf $(B)/fuzz/seeds && mkdir -p $(B)/fuzz/corpus
	@bash tests/fuzz_seeds.sh $(B)/fuzz/seeds
	cd $(B)/fuzz && ./fuzz_response -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 corpus seeds

# ---- benchmarks ------------------------------------------------------
# make bench: umws against plain libcurl, reconnecting clients, zeep and
# itself on more threads (bench/run.py). Timings only; never in check.
.PHONY: bench
BENCH_PROGS := $(addprefix $(B)/bench/,umws_bench curl_limit ipc)
$(B)/bench/%: bench/%.c $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_LIBS)

# With GSOAP_SRC the same code on Debian's libgsoap.a runs beside it.
bench: all $(BENCH_PROGS)
ifneq ($(GSOAP_SRC),)
	$(MAKE) B=$(B)/libgsoap GSOAP_SRC= $(B)/libgsoap/bench/umws_bench \
		$(B)/libgsoap/bench/ipc
endif
	PYTHON=$(PYTHON) B=$(B) VALGRIND=$(VALGRIND) \
		GSOAP_RUNTIME="$(strip $(if $(GSOAP_SRC),compiled from \
		$(GSOAP_SRC)/stdsoap2.c with $(filter -D%,$(GSOAP_TUNE)),\
		Debian libgsoap.a))" \
		SYSTEM_B="$(if $(GSOAP_SRC),$(B)/libgsoap)" \
		$(PYTHON) bench/run.py

# The whole suite with AddressSanitizer and UBSan in the library, the
# CLI, the server and the tests; any report fails the run.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
check-asan:
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) B=$(B)/asan CFLAGS="-O1 -g" SANFLAGS="$(ASAN_FLAGS)" \
		check-unit check-wire check-integration

# Threads, each with its own client, under ThreadSanitizer (the server
# too); tests/threads.c is the case made for it.
check-tsan:
	TSAN_OPTIONS=halt_on_error=1 $(MAKE) B=$(B)/tsan CFLAGS="-O1 -g" \
		SANFLAGS="-fsanitize=thread" check-integration

VALGRIND ?= valgrind
VG := $(VALGRIND) -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99
check-valgrind: $(B)/tests/unit $(B)/tests/srv_ntlm $(B)/tests/wire all \
		$(B)/tests/transport \
		$(B)/tests/lifecycle $(B)/tests/keepalive $(B)/tests/hostile \
		$(B)/tests/threads
	$(VG) $(B)/tests/unit
	$(VG) $(B)/tests/srv_ntlm
	$(PYTHON) tests/run_wire.py "$(VG) $(B)/tests/wire" \
		tests/fixtures/um $(B)/wire-out
	RUN="$(VG)" TIME_SCALE=0.5 PYTHON=$(PYTHON) B=$(B) \
		bash tests/integration.sh

check: check-gen check-style check-unit check-wire check-zeep \
	check-integration check-peers
	@echo "all checks passed"

demo: all
	@bash examples/demo.sh

clean:
	rm -rf $(B)

# ---- install, docs ---------------------------------------------------
# GNU directory variables; DESTDIR stages a package (make install
# DESTDIR=/tmp/pkg PREFIX=/usr).
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DOXYGEN ?= doxygen
MAN1 := docs/man/umws.1 $(if $(SERVER_SRC),docs/man/umws-server.1)
MAN3 := docs/man/umws.3
PROGRAMS := $(CLI) $(if $(SERVER_SRC),$(SERVER))

.PHONY: install uninstall docs check-symbols check-install check-docs \
	check-man FORCE

# Rewritten when PREFIX or the version changes, left alone otherwise;
# the temporary file is per process, as check-install's make install
# may run beside check-symbols under -j.
$(B)/umws.pc: umws.pc.in FORCE
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
		-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
		-e 's|@VERSION@|$(VERSION)|' \
		-e 's|@GSOAP_PRIVATE@ *|$(GSOAP_PC_PRIVATE) |' \
		umws.pc.in >$@.$$$$ && $(call replace-if-changed,$@)

install: all $(B)/umws.pc
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 $(LIB_SO) $(LIB_A) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libumws.so
	$(INSTALL) -m 644 src/umws.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 644 $(B)/umws.pc $(DESTDIR)$(PKGCONFIGDIR)/
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/

# Directories stay: they may hold other packages' files.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,umws umws-server) \
		$(addprefix $(DESTDIR)$(LIBDIR)/,libumws.a libumws.so \
			$(LIB_SONAME) $(notdir $(LIB_SO))) \
		$(DESTDIR)$(INCLUDEDIR)/umws.h \
		$(DESTDIR)$(PKGCONFIGDIR)/umws.pc \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,umws.1 umws-server.1) \
		$(DESTDIR)$(MANDIR)/man3/umws.3

# The API reference from src/umws.h; any Doxygen warning fails it.
docs:
	@command -v $(DOXYGEN) >/dev/null || { echo "docs: $(DOXYGEN) not \
		found; on Debian run apt-get install doxygen"; exit 1; }
	@rm -rf $(B)/docs && mkdir -p $(B)/docs
	UMWS_DOCS_OUT=$(B)/docs UMWS_VERSION=$(VERSION) $(DOXYGEN) \
		docs/Doxyfile >$(B)/docs/doxygen.out 2>&1 || \
		{ cat $(B)/docs/doxygen.out $(B)/docs/warnings.log; exit 1; }
	@if [ -s $(B)/docs/warnings.log ]; then cat $(B)/docs/warnings.log; \
		exit 1; fi
	@echo "docs: $(B)/docs/html/index.html"

check-docs: docs

check-man:
	@bash tests/man.sh $(MAN1) $(MAN3)

check-symbols: lib $(CLI) $(B)/umws.pc
	CC="$(CC)" B=$(B) bash tests/symbols.sh

check-install: all
	MAKE="$(MAKE)" B=$(B) bash tests/install.sh

check: check-symbols check-install check-docs check-man
