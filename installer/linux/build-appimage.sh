#!/usr/bin/env bash
# Linux: the one-folder app as an AppImage, with mdtdesk/data/mdtdesk.desktop. A recipe
# (it downloads appimagetool); the one-folder app itself is built and smoke-tested by
# .ci/run. See installer/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(.venv/bin/python -c "import mdtdesk; print(mdtdesk.__version__)")
make dist
DIR=dist/mdtdesk.AppDir
rm -rf "$DIR"
mkdir -p "$DIR/usr/lib"
cp -R dist/mdtdesk "$DIR/usr/lib/mdtdesk"
cp mdtdesk/data/mdtdesk.desktop "$DIR/mdtdesk.desktop"
touch "$DIR/mdtdesk.png"  # no icon is drawn yet: an empty one satisfies appimagetool
cat > "$DIR/AppRun" <<'RUN'
#!/bin/sh
HERE="$(dirname "$(readlink -f "$0")")"
exec "$HERE/usr/lib/mdtdesk/mdtdesk" "$@"
RUN
chmod +x "$DIR/AppRun"
curl -fsSLo dist/appimagetool https://github.com/AppImage/appimagetool/releases/download/continuous/appimagetool-x86_64.AppImage
chmod +x dist/appimagetool
ARCH=x86_64 dist/appimagetool "$DIR" "dist/mdtdesk-$VERSION-x86_64.AppImage"
