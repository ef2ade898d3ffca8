# Portable zip for machines without admin rights: the one-folder app, unzipped anywhere
# the user may write (for example Documents\mdtdesk). A recipe; see installer/README.md.
#   powershell -ExecutionPolicy Bypass -File installer\windows\portable.ps1
$ErrorActionPreference = "Stop"
$version = (python -c "import mdtdesk; print(mdtdesk.__version__)")
python -m PyInstaller --noconfirm --clean installer\mdtdesk.spec
dist\mdtdesk\mdtdesk.exe --version
Compress-Archive -Path dist\mdtdesk -DestinationPath "dist\mdtdesk-$version-windows-portable.zip" -Force
Write-Output "dist\mdtdesk-$version-windows-portable.zip"
