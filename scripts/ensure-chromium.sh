#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the report browser test, only when it is
# missing and only where that is possible (root with apt-get); otherwise say why and carry on:
# the browser test then skips with that reason.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: chromium is absent and cannot be installed here (needs root and apt-get);" \
         "the report browser test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; then
    echo "ensure-chromium: installed $(chromium --version 2>/dev/null)" >&2
else
    echo "ensure-chromium: apt-get could not install chromium; the report browser test will" \
         "be skipped" >&2
fi
