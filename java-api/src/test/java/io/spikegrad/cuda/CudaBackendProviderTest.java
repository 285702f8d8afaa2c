package io.spikegrad.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.spikegrad.Backend;
import io.spikegrad.Backends;
import io.spikegrad.NativeException;
import org.junit.jupiter.api.Test;

/**
 * How "cuda" presents itself: without a GPU (or driver, or nvcc at build time) it is listed with
 * a reason and creating it fails with that reason, while everything else keeps working; with a
 * GPU, a backend is created, its arenas live on the device and a failing call names itself.
 */
class CudaBackendProviderTest {

    @Test
    void unavailableCudaSaysWhyAndLeavesTheOthersUsable() {
        String why = CudaBackendProvider.probe();
        assumeTrue(why != null, "a GPU is usable here; the unavailable path cannot be observed");
        assertTrue(why.contains("no GPU") || why.contains("without CUDA") || why.contains("cuBLAS runtime not found")
                || why.contains("could not be loaded"), why);
        assertEquals(why, Backends.status().get("cuda"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda", 1));
        assertTrue(e.getMessage().contains("backend 'cuda' is not available") && e.getMessage().contains(why), e.getMessage());
        assertTrue(Backends.available().contains("cpu"), "the cpu backend stays available");
        try (Backend b = Backends.best()) {
            assertTrue(!b.name().equals("cuda"));
        }
    }

    @Test
    void noDeviceQueryReportsTheDriversAnswer() {
        assumeTrue(CudaRuntime.sg_cuda_compiled() == 1, "stub build");
        int[] count = new int[1];
        int st = CudaRuntime.sg_cuda_device_count(count);
        assumeTrue(st != 0, "a device is present");
        assertEquals(6, st, "SG_ERR_NO_CUDA");
        assertEquals(0, count[0]);
        // the failing CUDA call is named, with CUDA's own error name
        String why = CudaRuntime.sg_cuda_last_error();
        assertTrue(why.contains("cudaGetDeviceCount") || why.contains("no device"), why);
        long[] ctx = new long[1];
        st = CudaRuntime.sg_cuda_context_create(0, ctx);
        assertEquals(7, st, "SG_ERR_CUDA without a device");
        assertTrue(CudaRuntime.sg_cuda_last_error().startsWith("cudaSetDevice: "), CudaRuntime.sg_cuda_last_error());
        assertEquals(0L, ctx[0]);
    }

    @Test
    void cublasLoadFailureNamesTheFix() {
        String why = Cublas.loadFailure();
        assumeTrue(why != null, "the cuBLAS runtime loads here");
        assertTrue(why.startsWith("cuBLAS runtime not found") && why.contains("cuda-platform-redist"), why);
    }

    @Test
    void onAGpuDeviceTensorsRoundTripAndErrorsNameTheCall() {
        assumeTrue(CudaBackendProvider.probe() == null, "no usable GPU here");
        try (Backend b = Backends.create("cuda", 1); io.spikegrad.Arena a = b.newArena()) {
            io.spikegrad.Tensor t = a.of("t", new float[] {1, 2, 3}, 3);
            assertTrue(!t.onHost());
            assertEquals(6.0, b.sum(t), 0.0);
            assertEquals(2f, t.toArray()[1]);
            try (org.bytedeco.javacpp.FloatPointer host = new org.bytedeco.javacpp.FloatPointer(3)) {
                // a host address where a device one belongs: cudaMemcpyAsync refuses, and says so
                NativeException e = assertThrows(NativeException.class,
                        () -> a.memory().copyToHost(host.address(), host.address(), 12));
                assertTrue(e.getMessage().contains("cudaMemcpyAsync"), e.getMessage());
            }
        }
    }
}
