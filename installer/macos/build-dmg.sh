#!/usr/bin/env bash
# macOS: the one-folder app wrapped as mdtdesk.app inside a .dmg. A recipe, run by the
# workflow in .github/workflows/installers.yml on a macOS runner, not on this project's
# Linux CI; see installer/README.md.
# Signing and notarisation need an Apple Developer ID (the variables below):
#   codesign --deep --force --options runtime --timestamp --sign "$MAC_SIGN_ID" dist/mdtdesk.app
#   xcrun notarytool submit dist/mdtdesk-$VERSION.dmg --apple-id "$APPLE_ID" \
#       --team-id "$TEAM_ID" --password "$APP_PASSWORD" --wait
#   xcrun stapler staple dist/mdtdesk-$VERSION.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(python -c "import mdtdesk; print(mdtdesk.__version__)")
python -m PyInstaller --noconfirm --clean installer/mdtdesk.spec
APP=dist/mdtdesk.app
rm -rf "$APP"
mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources"
cp -R dist/mdtdesk/. "$APP/Contents/MacOS/"
cat > "$APP/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>CFBundleName</key><string>mdtdesk</string>
  <key>CFBundleIdentifier</key><string>uk.nhs.mdtdesk</string>
  <key>CFBundleVersion</key><string>$VERSION</string>
  <key>CFBundleShortVersionString</key><string>$VERSION</string>
  <key>CFBundleExecutable</key><string>mdtdesk</string>
  <key>LSMinimumSystemVersion</key><string>12.0</string>
  <key>NSHighResolutionCapable</key><true/>
</dict></plist>
PLIST
"$APP/Contents/MacOS/mdtdesk" --version
hdiutil create -volname mdtdesk -srcfolder "$APP" -ov -format UDZO "dist/mdtdesk-$VERSION.dmg"
echo "dist/mdtdesk-$VERSION.dmg"
