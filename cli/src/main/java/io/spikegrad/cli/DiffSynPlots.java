package io.spikegrad.cli;

import io.spikegrad.diffsyn.DelayedXor;
import io.spikegrad.diffsyn.DiffSynModel;
import io.spikegrad.diffsyn.DiffSynParams;
import io.spikegrad.diffsyn.DiffSynResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Plots of the diffsyn runs that {@link Plots} has no shape for: weight scatter, stacked XOR trials. */
final class DiffSynPlots {
    private DiffSynPlots() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One sample's spikes [T][N] as floats (nonzero = a crossing of either sign) from a [T][B][N] raster. */
    static float[] sample(byte[] spikes, int T, int B, int N, int b) {
        float[] out = new float[T * N];
        for (int k = 0; k < T; k++)
            for (int i = 0; i < N; i++) out[k * N + i] = spikes[(k * B + b) * N + i];
        return out;
    }

    /** Learned W against the prediction -U O (off-diagonal entries), and O^T against U, side by side. */
    static void weights(Path png, DiffSynModel m, DiffSynParams p) throws IOException {
        int N = m.neurons(), D = m.inputs();
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                if (i == j) continue;
                double uo = 0;
                for (int c = 0; c < D; c++) uo += p.u()[i * D + c] * p.o()[c * N + j];
                x.add(-uo);
                y.add(p.wFast()[i * N + j]);
            }
        XYChart w = scatter("fast recurrent weight W vs prediction -U O", "-(U O)_ij", "W_ij", x, y);
        List<Double> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < N; i++)
            for (int c = 0; c < D; c++) {
                a.add(p.o()[c * N + i]);
                b.add(p.u()[i * D + c]);
            }
        XYChart u = scatter("input weight U vs readout O^T", "O_ci", "U_ic", a, b);
        write(png, side(List.of(BitmapEncoder.getBufferedImage(w), BitmapEncoder.getBufferedImage(u)), false));
    }

    private static XYChart scatter(String title, String xt, String yt, List<Double> x, List<Double> y) {
        XYChart c = new XYChartBuilder().width(600).height(500).title(title).xAxisTitle(xt).yAxisTitle(yt).build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(4);
        XYSeries s = c.addSeries("w", x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(Color.BLACK);
        return c;
    }

    /** One chart per trial kind (the first test trial of each): readout, target, input pulses and go-cue. */
    static void xorTrials(Path png, DelayedXor.Settings s, DiffSynModel m, DelayedXor.Trials t, DiffSynResult r) throws IOException {
        int B = t.batch().batch(), T = t.batch().steps();
        List<BufferedImage> rows = new ArrayList<>();
        for (int kind = 0; kind < 6; kind++) {
            int b = -1;
            for (int q = 0; q < B; q++) if (t.kind()[q] == kind) { b = q; break; }
            if (b < 0) continue;
            double[] time = new double[T], o = new double[T], d = new double[T], in = new double[T], go = new double[T];
            for (int k = 0; k < T; k++) {
                time[k] = k * m.dt() * 1000;
                o[k] = r.readout()[k * B + b];
                d[k] = t.batch().target()[k * B + b];
                in[k] = 0.5 * t.batch().x()[(k * B + b) * 2] / s.amplitude();
                go[k] = 0.5 * t.batch().x()[(k * B + b) * 2 + 1] / s.amplitude();
            }
            int answer = DelayedXor.decide(s, t, r.readout(), b);
            XYChart c = new XYChartBuilder().width(900).height(220)
                    .title("trial " + b + " (" + DelayedXor.KINDS[kind] + "): expected " + sign(t.expected(b)) + ", answered " + sign(answer))
                    .xAxisTitle("time (ms)").build();
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            c.getStyler().setChartBackgroundColor(Color.WHITE);
            c.getStyler().setPlotBackgroundColor(Color.WHITE);
            c.getStyler().setYAxisMin(-1.3);
            c.getStyler().setYAxisMax(1.3);
            c.addSeries("readout o", time, o).setMarker(SeriesMarkers.NONE);
            c.addSeries("target o_d", time, d).setMarker(SeriesMarkers.NONE);
            c.addSeries("input/2", time, in).setMarker(SeriesMarkers.NONE);
            c.addSeries("go-cue/2", time, go).setMarker(SeriesMarkers.NONE);
            rows.add(BitmapEncoder.getBufferedImage(c));
        }
        write(png, side(rows, true));
    }

    private static String sign(int s) {
        return s > 0 ? "+" : (s < 0 ? "-" : "null");
    }

    private static BufferedImage side(List<BufferedImage> parts, boolean vertical) {
        int w = 0, h = 0;
        for (BufferedImage p : parts) {
            w = vertical ? Math.max(w, p.getWidth()) : w + p.getWidth();
            h = vertical ? h + p.getHeight() : Math.max(h, p.getHeight());
        }
        BufferedImage all = new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        int at = 0;
        for (BufferedImage p : parts) {
            g.drawImage(p, vertical ? 0 : at, vertical ? at : 0, null);
            at += vertical ? p.getHeight() : p.getWidth();
        }
        g.dispose();
        return all;
    }

    private static void write(Path png, BufferedImage img) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", png.toFile())) throw new IOException("no PNG writer for " + png);
    }
}
