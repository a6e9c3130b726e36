#!/usr/bin/env bash
# pnpm setup:webgpu — a WebGPU adapter for machines without a GPU, from Debian packages only.
#
# Installs the SwiftShader Vulkan driver that Debian ships in chromium-common (and the Vulkan loader,
# libvulkan1), then checks that Dawn (the `webgpu` npm package) finds an adapter. With root (or
# password-less sudo) it uses apt-get install; without, it extracts the .deb into
# ~/.cache/dendrite/swiftshader, where @dendrite/backend-webgpu looks too. Idempotent: a second run only
# checks. No environment variable has to be set afterwards: the backend points VK_ICD_FILENAMES at the
# driver itself when the machine has no GPU device nodes and the variable is unset.
set -euo pipefail

ICD=/usr/lib/chromium/vk_swiftshader_icd.json
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dendrite/swiftshader"
LOCAL_ICD="$CACHE/usr/lib/chromium/vk_swiftshader_icd.json"
APT=(apt-get -o DPkg::Lock::Timeout=300 -y -q)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  as_root "${APT[@]}" install --no-install-recommends "$@" || { as_root "${APT[@]}" update && as_root "${APT[@]}" install --no-install-recommends "$@"; }
}

if ! ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1' >/dev/null; then
  echo "setup:webgpu: installing the Vulkan loader (libvulkan1)"
  apt_install libvulkan1 || { echo "setup:webgpu: need root to install libvulkan1: sudo apt-get install libvulkan1" >&2; exit 1; }
fi

if [ -f "$ICD" ]; then
  echo "setup:webgpu: SwiftShader present at $ICD"
elif [ -f "$LOCAL_ICD" ]; then
  echo "setup:webgpu: SwiftShader present at $LOCAL_ICD"
elif apt_install chromium-common; then
  echo "setup:webgpu: installed chromium-common (SwiftShader at $ICD)"
else
  echo "setup:webgpu: no root: extracting chromium-common into $CACHE"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download chromium-common)
  mkdir -p "$CACHE"
  dpkg-deb -x "$tmp"/chromium-common_*.deb "$CACHE"
  rm -rf "$tmp"
fi

# The check: Dawn must find an adapter through the backend's own lookup.
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here/packages/backend-webgpu"
node --input-type=module -e "
import { existsSync } from 'node:fs';
let webgpu;
try { webgpu = await import('webgpu'); } catch { console.error('setup:webgpu: the webgpu npm package is missing: run pnpm install'); process.exit(1); }
const icds = ['$ICD', '$LOCAL_ICD'].filter((p) => existsSync(p));
if (!process.env.VK_ICD_FILENAMES && icds.length) { process.env.VK_ICD_FILENAMES = icds[0]; process.env.NODEVICE_SELECT ??= '1'; }
const gpu = webgpu.create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) { console.error('setup:webgpu: Dawn found no adapter (VK_ICD_FILENAMES=' + process.env.VK_ICD_FILENAMES + ')'); process.exit(1); }
const i = adapter.info;
console.log('setup:webgpu: adapter ready: ' + [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / '));
globalThis.keep = gpu;
"
