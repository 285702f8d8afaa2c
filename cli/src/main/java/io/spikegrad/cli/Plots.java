package io.spikegrad.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of a training run with XChart, rendered headless (no display needed). */
final class Plots {
    private Plots() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int W = 800, H = 500;

    /**
     * Loss and accuracy per epoch, training and validation, as two charts side by side in one PNG. Non-finite
     * values (e.g. validation NaN when there is no validation set) are left out; a series with none is not drawn.
     */
    static void history(Path png, List<EpochRecord> h) throws IOException {
        XYChart loss = chart("Loss", "epoch", "loss", W, H);
        addFinite(loss, "train", h, EpochRecord::trainLoss, 1);
        addFinite(loss, "valid", h, EpochRecord::validLoss, 1);
        XYChart acc = chart("Accuracy", "epoch", "accuracy (%)", W, H);
        addFinite(acc, "train", h, EpochRecord::trainAccuracy, 100);
        addFinite(acc, "valid", h, EpochRecord::validAccuracy, 100);
        acc.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE); // rising curves: keep the top right free
        for (XYChart c : List.of(loss, acc)) {
            c.getStyler().setXAxisDecimalPattern("0");
            if (h.isEmpty()) emptyAxes(c, 0, 1, 0, 1);
        }
        BufferedImage left = BitmapEncoder.getBufferedImage(loss), right = BitmapEncoder.getBufferedImage(acc);
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        write(png, both);
    }

    /**
     * Spike raster of one sample: a small dot at (time in ms, neuron) for every spike.
     *
     * @param spikes     {@code [steps][neurons]} row-major (index {@code t * neurons + n}); nonzero means a spike
     * @param dt         time step in seconds
     * @param maxNeurons at most this many neurons are shown, the first ones
     */
    static void raster(Path png, String title, float[] spikes, int steps, int neurons, double dt, int maxNeurons)
            throws IOException {
        if (spikes.length != (long) steps * neurons)
            throw new IllegalArgumentException(spikes.length + " spikes for " + steps + " steps x " + neurons + " neurons");
        int shown = Math.max(1, Math.min(neurons, maxNeurons));
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int t = 0; t < steps; t++)
            for (int n = 0; n < Math.min(neurons, maxNeurons); n++)
                if (spikes[t * neurons + n] != 0) {
                    x.add(t * dt * 1000);
                    y.add((double) n);
                }
        String yTitle = shown < neurons ? "neuron (first " + shown + " of " + neurons + ")" : "neuron";
        XYChart c = chart(title, "time (ms)", yTitle, W, H);
        XYStyler st = c.getStyler();
        st.setLegendVisible(false);
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        st.setMarkerSize(Math.max(2, Math.min(6, 300 / shown)));
        st.setYAxisDecimalPattern("0");
        emptyAxes(c, 0, Math.max(steps * dt * 1000, 1e-9), -0.5, shown - 0.5);
        if (!x.isEmpty()) {
            XYSeries s = c.addSeries("spikes", x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Color.BLACK);
        }
        write(png, BitmapEncoder.getBufferedImage(c));
    }

    /**
     * Several traces over time as lines, e.g. readout against target.
     *
     * @param timeMs x values in ms, shared by every series
     * @param names  one legend name per series
     * @param series y values, each as long as {@code timeMs}
     */
    static void traces(Path png, String title, double[] timeMs, List<String> names, List<double[]> series)
            throws IOException {
        if (names.size() != series.size())
            throw new IllegalArgumentException(names.size() + " names for " + series.size() + " series");
        XYChart c = chart(title, "time (ms)", "value", W, H);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        for (int i = 0; i < series.size(); i++) {
            if (series.get(i).length != timeMs.length)
                throw new IllegalArgumentException("series '" + names.get(i) + "' has " + series.get(i).length
                        + " values for " + timeMs.length + " times");
            if (timeMs.length == 0) continue;
            c.addSeries(names.get(i), timeMs, series.get(i)).setMarker(SeriesMarkers.NONE);
        }
        if (timeMs.length == 0 || series.isEmpty()) emptyAxes(c, 0, 1, 0, 1);
        write(png, BitmapEncoder.getBufferedImage(c));
    }

    private static XYChart chart(String title, String xTitle, String yTitle, int w, int h) {
        XYChart c = new XYChartBuilder().width(w).height(h).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler st = c.getStyler();
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setAntiAlias(true);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        return c;
    }

    /** Fixed axis ranges, so that a chart without data still renders with sensible axes. */
    private static void emptyAxes(XYChart c, double x0, double x1, double y0, double y1) {
        XYStyler st = c.getStyler();
        st.setXAxisMin(x0);
        st.setXAxisMax(x1);
        st.setYAxisMin(y0);
        st.setYAxisMax(y1);
    }

    private static void addFinite(XYChart c, String name, List<EpochRecord> h, ToDoubleFunction<EpochRecord> f,
                                  double scale) {
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochRecord r : h) {
            double v = f.applyAsDouble(r);
            if (Double.isFinite(v)) {
                x.add(r.epoch());
                y.add(v * scale);
            }
        }
        if (!x.isEmpty()) c.addSeries(name, x, y).setMarker(h.size() <= 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private static void write(Path png, BufferedImage img) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", png.toFile())) throw new IOException("no PNG writer for " + png);
    }
}
