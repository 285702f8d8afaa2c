package io.spikegrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    static List<EpochRecord> history(int epochs, boolean valid) {
        List<EpochRecord> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++)
            h.add(new EpochRecord(e, 1.1 * Math.exp(-e / 5.0), 1 - 0.6 * Math.exp(-e / 4.0),
                    valid ? 1.15 * Math.exp(-e / 5.5) : Double.NaN, valid ? 1 - 0.62 * Math.exp(-e / 4.5) : Double.NaN,
                    1.3, 4.2));
        return h;
    }

    static float[] spikes(int steps, int neurons) {
        float[] s = new float[steps * neurons];
        java.util.Random r = new java.util.Random(1);
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < neurons; n++)
                if (r.nextDouble() < 0.02 + 0.1 * Math.sin(Math.PI * t / steps) * (n % 3 == 0 ? 1 : 0)) s[t * neurons + n] = 1;
        return s;
    }

    static BufferedImage assertPng(Path f, int minWidth, int minHeight) throws IOException {
        assertTrue(Files.isRegularFile(f), f + " written");
        byte[] head = Arrays.copyOf(Files.readAllBytes(f), PNG.length);
        assertArrayEquals(PNG, head, "PNG signature");
        BufferedImage img = ImageIO.read(f.toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() >= minWidth && img.getWidth() <= 4000, "width " + img.getWidth());
        assertTrue(img.getHeight() >= minHeight && img.getHeight() <= 4000, "height " + img.getHeight());
        return img;
    }

    @Test
    void historyPlot() throws IOException {
        Path f = dir.resolve("history.png");
        Plots.history(f, history(30, true));
        BufferedImage img = assertPng(f, 1000, 300);
        assertTrue(img.getWidth() > img.getHeight(), "two charts side by side");
    }

    @Test
    void historyWithoutValidationOrEpochs() throws IOException {
        Plots.history(dir.resolve("a.png"), history(1, false));
        assertPng(dir.resolve("a.png"), 1000, 300);
        Plots.history(dir.resolve("b.png"), List.of());
        assertPng(dir.resolve("b.png"), 1000, 300);
    }

    @Test
    void rasterPlot() throws IOException {
        Path f = dir.resolve("sub/raster.png"); // parent directory created
        Plots.raster(f, "hidden spikes", spikes(200, 120), 200, 120, 1e-4, 100);
        assertPng(f, 400, 300);
    }

    @Test
    void rasterWithoutSpikes() throws IOException {
        Path f = dir.resolve("empty.png");
        Plots.raster(f, "no spikes", new float[50 * 10], 50, 10, 1e-3, 100);
        assertPng(f, 400, 300);
        Plots.raster(dir.resolve("nothing.png"), "nothing", new float[0], 0, 0, 1e-3, 100);
        assertPng(dir.resolve("nothing.png"), 400, 300);
    }

    @Test
    void tracesPlot() throws IOException {
        int n = 300;
        double[] t = new double[n], readout = new double[n], target = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * 0.1;
            target[i] = Math.sin(t[i] / 5);
            readout[i] = target[i] + 0.2 * Math.sin(t[i] * 3);
        }
        Path f = dir.resolve("traces.png");
        Plots.traces(f, "readout vs target", t, List.of("readout", "target"), List.of(readout, target));
        assertPng(f, 400, 300);
        Plots.traces(dir.resolve("none.png"), "empty", new double[0], List.of(), List.of());
        assertPng(dir.resolve("none.png"), 400, 300);
    }
}
