#!/usr/bin/env bash
# The checks that need a GPU, in one short run (about 5 minutes on an idle machine once built):
# run from the repository root on a machine with an NVIDIA GPU, its driver, and the cuBLAS 13
# runtime (a CUDA 13 toolkit's lib64 on LD_LIBRARY_PATH, or the bytedeco redist jar: README, CUDA).
# Prints what ran on the device; everything else (fat binary, emulation) is covered by mvn verify
# on any machine.
set -uo pipefail
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv 2>&1 | head -3
nice -n 10 mvn -q -B package -DskipTests || exit 1
java -jar cli/target/spikegrad.jar backends
# parity of the device kernels against the reference, the device against its emulation,
# GPU EventProp against the exact reference, device memory and error paths
mvn -q -B verify -pl java-api,verification -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest='LifParityTest,SpikeMatmulParityTest,CudaEmulationParityTest,CudaEventPropEmulationTest,CudaDiffSynEmulationTest,CudaBackendProviderTest,FatBinaryTest' \
  > java-api/target/gpu-check.log 2>&1
status=$?
grep -E "cuda emulation|GPU EventProp|diffsyn CUDA|parity: worst|fat binary|Tests run:|FAIL" java-api/target/gpu-check.log | head -40
# one short pass over every CUDA benchmark (scores in microseconds per call, synchronised)
java -jar perf/target/benchmarks.jar 'Cuda.*' -f 1 -wi 1 -i 2 -w 1 -r 1 2>&1 | grep -E "^Cuda|^Benchmark|SKIPPED" | head -40
exit $status
