#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerate the build system from configure.ac and the Makefile.am files.
set -e
cd "$(dirname "$0")"
autoreconf --force --install --warnings=all
echo "Now run ./configure (see README.md for the system-layout options)."
