#!/bin/bash
set -e
echo "acme post-image hook in $SKIFF_CURRENT_CONF_DIR"
