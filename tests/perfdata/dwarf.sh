#!/usr/bin/env bash
. "$KILN_SRC/tests/lib.sh"
echo ok
