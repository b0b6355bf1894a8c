################################################################################
#
# skiff-core
#
################################################################################

SKIFF_CORE_VERSION = v1.15.0
SKIFF_CORE_SITE = $(call github,skiffos,skiff-core,$(SKIFF_CORE_VERSION))
SKIFF_CORE_LICENSE = MIT
SKIFF_CORE_LICENSE_FILES = LICENSE

# Only the command line tool is installed (as /usr/bin/skiff-core).
SKIFF_CORE_BUILD_TARGETS = cmd/skiff-core
SKIFF_CORE_LDFLAGS = -X main.gitCommit=$(SKIFF_CORE_VERSION)

$(eval $(golang-package))
