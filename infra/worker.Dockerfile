# Solvent worker: one job per container (`npx tsx functions/worker/main.ts`), run by AWS Batch on g5/g6 GPU
# instances (ECS AL2023 NVIDIA AMI) and on CPU-only instances. Build context: the repository root (the CDK asset
# keeps only package*.json, tsconfig.json, shared/, solvers/, functions/, infra/).
FROM node:20-bookworm-slim

# gpu.js's WebGPU backend runs on Dawn (npm `webgpu`), whose Vulkan backend needs the Vulkan loader; the NVIDIA
# container runtime mounts the driver's Vulkan/EGL libraries only when NVIDIA_DRIVER_CAPABILITIES includes
# `graphics` (compute alone gives CUDA only). libegl1/libgl1/libx11 cover Dawn's GL fallback and its link deps.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libvulkan1 libegl1 libgl1 libx11-6 libxext6 libxrandr2 libxi6 \
 && rm -rf /var/lib/apt/lists/*

# The driver's Vulkan ICD manifest (the toolkit mounts libGLX_nvidia.so.0 but, on some versions, not the manifest).
RUN mkdir -p /etc/vulkan/icd.d \
 && printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' \
      > /etc/vulkan/icd.d/nvidia_icd.json

ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics \
    NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only. Install scripts are skipped (gpu.js's optional `gl` would compile for ~25 minutes and
# is never used here; webgpu ships its Dawn binary in the tarball and its postinstall only matters on macOS), then
# run for esbuild, which tsx needs.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild esbuild \
 && npm cache clean --force

COPY tsconfig.json ./
COPY shared ./shared
COPY solvers ./solvers
COPY functions ./functions

ARG SOLVENT_COMMIT=unknown
ENV SOLVENT_COMMIT=${SOLVENT_COMMIT}

USER node
CMD ["npx", "tsx", "functions/worker/main.ts"]
