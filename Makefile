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

DEPS := gsoap gsoapssl libcurl openssl
MISSING := $(strip $(foreach d,$(DEPS),$(if $(shell $(PKG_CONFIG) --exists $(d) \
	&& echo y),,$(d))))
ifneq ($(MISSING),)
ifeq ($(filter gen check-style clean,$(MAKECMDGOALS)),)
$(error missing libraries: $(MISSING); on Debian run \
	apt-get install libgsoap-dev gsoap libcurl4-openssl-dev libssl-dev)
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
GSOAP_LIBDIR := $(shell $(PKG_CONFIG) --variable=libdir gsoap 2>/dev/null)
# gSOAP is linked in statically and hidden, so the shared library exports
# nothing but umws_* and does not clash with a program's own gSOAP.
GSOAP_STATIC := $(GSOAP_LIBDIR)/libgsoap.a
SERVER_LIBS := $(shell $(PKG_CONFIG) --libs gsoapssl openssl 2>/dev/null) \
	-lz -lm -lpthread
LDFLAGS ?=

LIB_CFLAGS := $(BASE_CFLAGS) $(GSOAP_CFLAGS) $(CURL_CFLAGS) -Igen -Isrc \
	-DUMWS_BUILDING -fvisibility=hidden
GEN_CLIENT := gen/soapC.c gen/soapClient.c
LIB_SRC := $(wildcard src/*.c)
LIB_OBJ := $(patsubst %.c,$(B)/lib/%.o,$(GEN_CLIENT) $(LIB_SRC))
LIB_A := $(B)/libumws.a
LIB_SO := $(B)/libumws.so.$(VERSION)
LIB_SONAME := libumws.so.$(SOMAJOR)
LIB_LIBS := $(CURL_LIBS) -lm -lpthread

CLI_SRC := $(wildcard src/cli/*.c)
CLI := $(B)/umws

SERVER_CFLAGS := $(BASE_CFLAGS) $(GSOAPSSL_CFLAGS) -Igen -Isrc/server
SERVER_SRC := $(wildcard src/server/*.c)
SERVER_OBJ := $(patsubst %.c,$(B)/server/%.o,gen/soapC.c gen/soapServer.c \
	$(SERVER_SRC))
SERVER := $(B)/umws-server

GEN_FILES := gen/um.h gen/soapStub.h gen/soapH.h gen/soapC.c \
	gen/soapClient.c gen/soapServer.c gen/UMServiceSoap.nsmap

.PHONY: all lib gen check check-gen check-style check-unit check-wire \
	check-zeep check-integration clean demo
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
$(B)/lib/gen/%.o: gen/%.c $(GEN_FILES)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -w -c $< -o $@

$(B)/lib/src/%.o: src/%.c src/*.h $(GEN_FILES)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(WARN) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB_SO): $(LIB_OBJ)
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

$(B)/server/gen/%.o: gen/%.c $(GEN_FILES)
	@mkdir -p $(@D)
	$(CC) $(SERVER_CFLAGS) -w -c $< -o $@

$(B)/server/src/server/%.o: src/server/%.c src/server/*.h $(GEN_FILES)
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

check-unit: $(B)/tests/unit
	$(B)/tests/unit

check-wire: $(B)/tests/wire
	$(PYTHON) tests/run_wire.py $(B)/tests/wire tests/fixtures/um \
		$(B)/wire-out

check-zeep:
	$(PYTHON) tests/zeep_wsdl.py

check-integration: all $(B)/tests/transport $(B)/tests/lifecycle \
	$(B)/tests/keepalive
	PYTHON=$(PYTHON) B=$(B) bash tests/integration.sh

check-style:
	@bash tests/check_style.sh

check: check-gen check-style check-unit check-wire check-zeep \
	check-integration
	@echo "all checks passed"

demo: all
	@bash examples/demo.sh

clean:
	rm -rf $(B)
