package io.spikegrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint.Data sample(int epochsDone, float seed) {
        JsonObject config = new JsonObject();
        config.addProperty("task", "yinyang");
        config.addProperty("lr", 0.001);
        config.addProperty("seed", 7);
        LinkedHashMap<String, float[]> params = new LinkedHashMap<>();
        params.put("hidden.w", new float[] {seed, -0.0f, 0.0f, Float.intBitsToFloat(0x7fc12345),
                Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001), Float.MIN_VALUE, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, (float) Math.PI});
        params.put("readout.w", new float[] {1, 2, 3, 4, 5, 6});
        params.put("empty", new float[0]);
        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("hidden.w", new int[] {3, 4});
        shapes.put("readout.w", new int[] {2, 3});
        shapes.put("empty", new int[] {0});
        Map<String, float[]> opt = new LinkedHashMap<>();
        opt.put("step", new float[] {epochsDone * 10});
        opt.put("m.hidden.w", new float[] {0.1f, -0.0f, Float.NaN});
        List<EpochRecord> history = List.of(
                new EpochRecord(1, 1.0986122886681098, 0.3333333333333333, Double.NaN, Double.NaN, 0.125, 4.2),
                new EpochRecord(2, 0.1 + 0.2, 0.95, -0.0, Double.POSITIVE_INFINITY, 1e-300, Double.MIN_VALUE));
        return new Checkpoint.Data(config, epochsDone, params, shapes, opt, history);
    }

    private static void assertSame(Checkpoint.Data want, Checkpoint.Data got) {
        assertEquals(want.config(), got.config());
        assertEquals(want.epochsDone(), got.epochsDone());
        assertEquals(List.copyOf(want.params().keySet()), List.copyOf(got.params().keySet()));
        for (String k : want.params().keySet()) assertArrayEquals(bits(want.params().get(k)), bits(got.params().get(k)), k);
        assertEquals(List.copyOf(want.shapes().keySet()), List.copyOf(got.shapes().keySet()));
        for (String k : want.shapes().keySet()) assertArrayEquals(want.shapes().get(k), got.shapes().get(k), k);
        assertEquals(List.copyOf(want.optimizer().keySet()), List.copyOf(got.optimizer().keySet()));
        for (String k : want.optimizer().keySet())
            assertArrayEquals(bits(want.optimizer().get(k)), bits(got.optimizer().get(k)), k);
        assertEquals(want.history(), got.history()); // record equals compares doubles bitwise (Double.compare)
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Checkpoint.Data d = sample(2, 0.5f);
        assertFalse(Checkpoint.exists(dir));
        Checkpoint.write(dir, d);
        assertTrue(Checkpoint.exists(dir));
        assertSame(d, Checkpoint.read(dir));
        assertFalse(Files.exists(dir.resolve(Checkpoint.TEMP)), "temp file renamed away");
    }

    @Test
    void historyRecordsCompareBitwise() {
        // the round-trip assertion relies on this: -0.0 != 0.0 and NaN == NaN for record equality
        assertFalse(new EpochRecord(1, 0.0, 0, 0, 0, 0, 0).equals(new EpochRecord(1, -0.0, 0, 0, 0, 0, 0)));
        assertEquals(new EpochRecord(1, Double.NaN, 0, 0, 0, 0, 0), new EpochRecord(1, Double.NaN, 0, 0, 0, 0, 0));
    }

    @Test
    void largeArraysAndNullConfig() throws IOException {
        float[] big = new float[100_003];
        for (int i = 0; i < big.length; i++) big[i] = Float.intBitsToFloat(i * 40503 + 17);
        LinkedHashMap<String, float[]> params = new LinkedHashMap<>();
        params.put("w", big);
        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("w", new int[] {big.length});
        Checkpoint.Data d = new Checkpoint.Data(null, 0, params, shapes, Map.of(), List.of());
        Checkpoint.write(dir.resolve("nested/run"), d);
        Checkpoint.Data got = Checkpoint.read(dir.resolve("nested/run"));
        assertNull(got.config());
        assertArrayEquals(bits(big), bits(got.params().get("w")));
    }

    @Test
    void overwriteReplacesPrevious() throws IOException {
        Checkpoint.write(dir, sample(1, 1f));
        Checkpoint.Data second = sample(2, 2f);
        Checkpoint.write(dir, second);
        assertSame(second, Checkpoint.read(dir));
    }

    @Test
    void leftoverTempFileFromCrashIsHarmless() throws IOException {
        Checkpoint.Data d = sample(3, 3f);
        Checkpoint.write(dir, d);
        // a crash mid-write leaves a partial temp file next to the previous checkpoint
        byte[] full = Files.readAllBytes(dir.resolve(Checkpoint.FILE));
        Files.write(dir.resolve(Checkpoint.TEMP), Arrays.copyOf(full, full.length / 2));
        assertSame(d, Checkpoint.read(dir));
        // and the next write goes through and cleans it up
        Checkpoint.Data next = sample(4, 4f);
        Checkpoint.write(dir, next);
        assertSame(next, Checkpoint.read(dir));
        assertFalse(Files.exists(dir.resolve(Checkpoint.TEMP)));
    }

    @Test
    void missingCheckpointSaysSo() {
        IOException e = assertThrows(FileNotFoundException.class, () -> Checkpoint.read(dir.resolve("nothing")));
        assertTrue(e.getMessage().contains("no checkpoint found in " + dir.resolve("nothing")), e.getMessage());
    }

    @Test
    void truncatedFileRefusedAtEveryLength() throws IOException {
        Checkpoint.write(dir, sample(1, 1f));
        Path f = dir.resolve(Checkpoint.FILE);
        byte[] full = Files.readAllBytes(f);
        for (int n = 0; n < full.length; n++) {
            Files.write(f, Arrays.copyOf(full, n));
            assertCorrupt(f);
        }
    }

    @Test
    void everySingleFlippedByteRefused() throws IOException {
        Checkpoint.write(dir, sample(1, 1f));
        Path f = dir.resolve(Checkpoint.FILE);
        byte[] full = Files.readAllBytes(f);
        for (int i = 0; i < full.length; i++) {
            byte[] bad = full.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            Files.write(f, bad);
            assertCorrupt(f);
        }
    }

    @Test
    void wrongMagicRefused() throws IOException {
        Checkpoint.write(dir, sample(1, 1f));
        Path f = dir.resolve(Checkpoint.FILE);
        byte[] bad = Files.readAllBytes(f);
        System.arraycopy("PK\3\4".getBytes(StandardCharsets.ISO_8859_1), 0, bad, 0, 4);
        Files.write(f, bad);
        assertTrue(assertCorrupt(f).getMessage().contains("magic"));
    }

    @Test
    void trailingGarbageRefused() throws IOException {
        Checkpoint.write(dir, sample(1, 1f));
        Path f = dir.resolve(Checkpoint.FILE);
        byte[] full = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(full, full.length + 1));
        assertCorrupt(f);
    }

    @Test
    void hugeLengthWithValidChecksumRefusedWithoutAllocating() throws Exception {
        // a well-formed file (correct hash) whose header claims 2^31 floats: bounded by the file size, not allocated
        String header = "{\"config\":null,\"epochsDone\":0,\"history\":[],\"params\":[{\"name\":\"w\",\"length\":2147483000}],"
                + "\"shapes\":{},\"optimizer\":[]}";
        Path f = dir.resolve(Checkpoint.FILE);
        Files.write(f, withHash(header, 16));
        assertTrue(assertCorrupt(f).getMessage().contains("floats"));
    }

    @Test
    void malformedHeaderWithValidChecksumRefused() throws Exception {
        Path f = dir.resolve(Checkpoint.FILE);
        Files.write(f, withHash("{\"params\": [", 0));
        assertCorrupt(f);
    }

    @Test
    void mismatchedShapeRejectedOnWrite() {
        LinkedHashMap<String, float[]> params = new LinkedHashMap<>();
        params.put("w", new float[6]);
        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("w", new int[] {2, 2});
        assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.write(dir, new Checkpoint.Data(null, 0, params, shapes, Map.of(), List.of())));
        assertFalse(Checkpoint.exists(dir));
    }

    private static byte[] withHash(String header, int dataBytes) throws Exception {
        var bos = new java.io.ByteArrayOutputStream();
        var out = new java.io.DataOutputStream(bos);
        out.write("SGCK".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(Checkpoint.VERSION);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        out.writeInt(h.length);
        out.write(h);
        out.write(new byte[dataBytes]);
        out.flush();
        out.write(java.security.MessageDigest.getInstance("SHA-256").digest(bos.toByteArray()));
        return bos.toByteArray();
    }

    private IOException assertCorrupt(Path f) {
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().startsWith("checkpoint " + f + " is corrupt ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("): refusing to resume; delete it or point --resume at another run"), e.getMessage());
        return e;
    }
}
