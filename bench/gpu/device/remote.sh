#!/bin/bash
# What runs on the borrowed GPU machine (issue 19), one step per `run` call, from the checkout's
# root with the payload of bench/gpu/device/pack.sh carried in .gpu/. The machine reaches no
# package registry and takes 64 MiB a call; it keeps /root while it stays warm between calls.
#   call1: Node, the site (built library, pages, transformers.js), Dawn's adapter (a probe that
#          takes seconds, before anything long), the models; NODE_BENCH=1: the Node + Dawn bench too
#   call2: headless Chromium + the headless-surface layer; probes; the browser bench
#   bench: the browser bench again (ONLY=... DTYPES=... to pick jobs)
#   node:  the Node + Dawn bench (kernel figures even if no browser reaches the GPU)
set -u
step=$1
P=${P:-$PWD/.gpu}; G=/root/g; S=/root/site; M=/root/models; R=$OUT/results
mkdir -p $G $R
export PATH=$G:$PATH
t0=$(date +%s); stamp() { echo "[remote $(( $(date +%s) - t0 ))s] $*"; }
unxz_to() { python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'), 1<<24)" "$1" "$2"; }
# Vulkan loader (Debian's libvulkan1) and the NVIDIA driver's manifests.
# Debian's glvnd too: NVIDIA's libGLX_nvidia.so.0 (its Vulkan driver) needs libGLdispatch.so.0;
# without it the loader says "Could not get 'vkCreateInstance' via 'vk_icdGetInstanceProcAddr'".
vulkan_env() {
  [ -f /root/.debs-unpacked ] || { for f in $G/debs/*.deb; do dpkg -x $f /; done; ldconfig; touch /root/.debs-unpacked; }
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
}
# The headless-surface layer, where every Vulkan loader looks for implicit layers.
install_layer() {
  mkdir -p /etc/vulkan/implicit_layer.d
  cp $P/layer/libVkLayer_slm_headless_surface.so $G/
  sed "s#\./libVkLayer_slm_headless_surface.so#$G/libVkLayer_slm_headless_surface.so#" $P/layer/manifest.json > /etc/vulkan/implicit_layer.d/slm_headless_surface.json
}

# The bare pipeline in Node on Dawn (kernel figures).
node_bench() {
  vulkan_env
  (cd $S && DAWN_NODE_VERSION="webgpu 0.6.2" timeout ${NODE_SECONDS:-150} node bench/gpu/node-dawn.mjs --dawn $G/dawn.node --models $M \
    --dtypes ${DTYPES:-q4,fp32} --reps ${REPS:-2} --tokens 128 --out $R/gpu-node-results.json 2>&1 | grep -v '^ ' | tail -40
   node bench/gpu/report.mjs --browser none --node $R/gpu-node-results.json --md $R/RESULTS-GPU-node.md)
  mkdir -p /root/keep && cp $R/gpu-node-results.json /root/keep/
}

case $step in
call1)
  stamp "machine"; nvidia-smi -L; nvidia-smi --query-gpu=name,memory.total,clocks.max.memory,driver_version --format=csv,noheader
  python3 -c "import onnx, numpy, onnxruntime; print('onnx', onnx.__version__, 'numpy', numpy.__version__, 'onnxruntime', onnxruntime.__version__)"
  df -h /root | tail -1; free -g | head -2
  unxz_to $P/node.xz $G/node && chmod +x $G/node && node --version
  unxz_to $P/dawn.node.xz $G/dawn.node
  mkdir -p $G/debs && cp $P/debs/*.deb $G/debs/ && cp $P/chromium.br.aa $G/
  vulkan_env; ldd /usr/local/nvidia/lib64/libGLX_nvidia.so.0 2>&1 | grep -iE 'not found|GLdispatch'
  rm -rf $S && mkdir -p $S && python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" $P/site.tar.xz $S
  stamp "dawn probe"
  (cd $S && timeout 60 node bench/gpu/node-dawn.mjs --dawn $G/dawn.node --probe) > $R/dawn-probe.json 2> $R/dawn-probe.log
  echo "probe exit $?"; grep -v '^  *"[a-z0-9-]*",\?$' $R/dawn-probe.json; tail -20 $R/dawn-probe.log
  stamp "models"
  python3 $S/bench/gpu/make_models.py --tokenizer $S/tok --out $M --jobs 12 --dtypes ${MODEL_DTYPES:-fp32,fp16,q4,q4f16} > $R/models.log 2>&1
  tail -5 $R/models.log; du -sh $M/*; stamp "models done"
  mkdir -p /root/keep; cp $R/dawn-probe.json /root/keep/
  [ "${NODE_BENCH:-0}" = 1 ] && node_bench
  stamp "call1 done"
  ;;
node)
  [ -x $G/node ] || { echo "fresh machine: call1 first"; exit 3; }
  node_bench
  stamp "node done"
  ;;
call2)
  [ -x $G/node ] || { echo "fresh machine: call1 first"; exit 3; }
  stamp "chromium"
  cat $G/chromium.br.aa $P/chromium.br.ab > $G/chromium.br
  node -e "const z=require('zlib'),fs=require('fs');fs.writeFileSync('$G/chromium',z.brotliDecompressSync(fs.readFileSync('$G/chromium.br')))" && chmod +x $G/chromium && rm $G/chromium.br
  for t in al2023 swiftshader fonts; do python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" $P/$t.tar.xz $G; done
  vulkan_env; install_layer
  export LD_LIBRARY_PATH=$G/lib:$G FONTCONFIG_PATH=$G VK_LOADER_DEBUG=error,warn
  ldd $G/chromium | grep 'not found'
  cp /root/keep/gpu-node-results.json $R/ 2>/dev/null
  cd $S && node bench/gpu/run-gpu.mjs --chromium $G/chromium --configs $P/configs.json --models $M \
    --dtypes ${DTYPES:-q4f16,q4,fp16,fp32} --reps 3 --tokens 128 --timeout ${BENCH_SECONDS:-240} --probe-timeout 20 \
    --out $R/gpu-results.json --md $R/RESULTS-GPU.md 2>&1 | tail -60
  stamp "call2 done"
  ;;
bench)
  [ -x $G/chromium ] || { echo "fresh machine: call1 and call2 first"; exit 3; }
  vulkan_env; install_layer
  export LD_LIBRARY_PATH=$G/lib:$G FONTCONFIG_PATH=$G VK_LOADER_DEBUG=error,warn
  cp /root/keep/gpu-node-results.json $R/ 2>/dev/null
  cd $S && node bench/gpu/run-gpu.mjs --chromium $G/chromium --configs ${CONFIGS:-$P/configs.json} --models $M \
    --only ${ONLY:-gpu-smollm2-360m,gpu-qwen3-0.6b,gpu-llama-3.2-1b} --dtypes ${DTYPES:-q4f16,q4,fp16,fp32} \
    --reps 3 --tokens 128 --timeout ${BENCH_SECONDS:-480} --probe-timeout 25 --out $R/gpu-results.json --md $R/RESULTS-GPU.md 2>&1 | tail -60
  stamp "bench done"
  ;;
esac
# Logs of the browser (probes, bench) in one file.
cd $R && ls *.log >/dev/null 2>&1 && tar czf $OUT/logs.tgz *.log && rm -f *.log
ls -la $OUT $R
