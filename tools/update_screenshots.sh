#!/usr/bin/env bash
# Retakes the screenshots of docs/fiji.md: runs FijiScreenshotsTest (real ImageJ 1.x under Xvfb,
# the repository's real CT, the starter model; needs xvfb-run) and copies what it saved from
# target/test-artifacts/screenshots/ into docs/images/.
#   tools/update_screenshots.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MEDVLM_REQUIRE_XVFB=1 mvn -B -ntp -q test -Dtest=FijiScreenshotsTest -Dsurefire.failIfNoSpecifiedTests=false
mkdir -p docs/images
cp target/test-artifacts/screenshots/fiji-*.png docs/images/
ls -l docs/images/fiji-*.png
