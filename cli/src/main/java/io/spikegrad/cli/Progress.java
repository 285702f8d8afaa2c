package io.spikegrad.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress on a stream (stderr in practice). On a terminal one line is redrawn in place with
 * {@code '\r'} (at most about ten times a second); elsewhere (logs, pipes) plain lines are printed at most every
 * 10% of an epoch and never more often than every 5 s. Every finished epoch gets one summary line either way.
 *
 * <p>Epochs are counted from 1 and batches are counted as done, from 1 to {@code batches}; accuracies are
 * fractions in [0, 1] and are shown as percentages.
 */
final class Progress {
    static final long REDRAW_NANOS = 100_000_000L;
    static final long LOG_NANOS = 5_000_000_000L;
    private static final int BAR = 20;

    private final PrintStream err;
    private final boolean interactive;
    private final LongSupplier nanoTime;

    /** Time and work (in batches) at the first batch report: the ETA's rate is measured from there. */
    private long t0 = -1;
    private long work0;
    private long lastDraw;
    /** Epoch and tenth of that epoch of the last plain line (non-interactive). */
    private int lastLogEpoch = -1, lastLogTenth;
    private long lastLog;
    /** Length of the progress line now on screen (interactive), 0 when there is none. */
    private int onScreen;

    Progress(PrintStream err, boolean interactive, LongSupplier nanoTime) {
        this.err = err;
        this.interactive = interactive;
        this.nanoTime = nanoTime;
        this.lastLog = nanoTime.getAsLong();
    }

    /**
     * Progress on {@code err}: a redrawn line if {@code interactive} (see {@link #isTerminal}), else plain lines.
     */
    static Progress create(PrintStream err, boolean interactive) {
        return new Progress(err, interactive, System::nanoTime);
    }

    /** Whether this JVM talks to a terminal ({@code System.console() != null}). */
    static boolean isTerminal() {
        return System.console() != null;
    }

    /**
     * Reports that {@code batch} of {@code batches} batches of epoch {@code epoch} of {@code epochs} are done,
     * with that batch's loss and accuracy (a fraction). Rate-limited: most calls print nothing.
     */
    synchronized void batch(int epoch, int epochs, int batch, int batches, double loss, double accuracy) {
        long now = nanoTime.getAsLong();
        long work = (long) (epoch - 1) * batches + batch;
        long total = (long) epochs * batches;
        if (t0 < 0) {
            t0 = now;
            work0 = work;
        }
        String eta = "ETA " + formatEta(eta(now, work, total));
        if (interactive) {
            if (onScreen > 0 && now - lastDraw < REDRAW_NANOS && batch < batches) return;
            lastDraw = now;
            String line = String.format(Locale.ROOT, "epoch %d/%d %s %d/%d loss %.4f%s %s",
                    epoch, epochs, bar(batch, batches), batch, batches, loss, acc(accuracy), eta);
            err.print('\r' + line + " ".repeat(Math.max(0, onScreen - line.length())));
            err.flush();
            onScreen = line.length();
        } else {
            int tenth = (int) (10L * batch / Math.max(1, batches));
            if (epoch != lastLogEpoch) lastLogTenth = 0;
            if (tenth <= lastLogTenth || now - lastLog < LOG_NANOS) return;
            lastLogEpoch = epoch;
            lastLogTenth = tenth;
            lastLog = now;
            err.println(String.format(Locale.ROOT, "epoch %d/%d batch %d/%d loss %.4f%s %s",
                    epoch, epochs, batch, batches, loss, acc(accuracy), eta));
        }
    }

    /** Ends the progress line (if any) and prints the summary line of a finished epoch. */
    synchronized void epoch(EpochRecord r, int epochs) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d train loss %.4f%s",
                r.epoch(), epochs, r.trainLoss(), acc(r.trainAccuracy())));
        if (!Double.isNaN(r.validLoss()) || !Double.isNaN(r.validAccuracy()))
            s.append(String.format(Locale.ROOT, " | valid loss %.4f%s", r.validLoss(), acc(r.validAccuracy())));
        s.append(String.format(Locale.ROOT, " | %.2f spikes/neuron | %.1f s", r.spikesPerNeuron(), r.seconds()));
        println(s.toString());
        lastLog = nanoTime.getAsLong();
    }

    /** Prints one line of text, clearing the progress line first; the next batch report redraws it. */
    synchronized void message(String s) {
        println(s);
    }

    private void println(String s) {
        if (onScreen > 0) {
            err.print('\r' + " ".repeat(onScreen) + '\r');
            onScreen = 0;
        }
        err.println(s);
        err.flush();
    }

    /** " acc 97.1%", or nothing for a task without an accuracy (NaN). */
    private static String acc(double accuracy) {
        return Double.isNaN(accuracy) ? "" : String.format(Locale.ROOT, " acc %.1f%%", 100 * accuracy);
    }

    /** Seconds left, from the rate since the first report; NaN while there is no rate yet. */
    private double eta(long now, long work, long total) {
        long done = work - work0;
        if (done <= 0 || now <= t0) return Double.NaN;
        double perBatch = (now - t0) / 1e9 / done;
        return Math.max(0, total - work) * perBatch;
    }

    private static String bar(int batch, int batches) {
        int full = batches <= 0 ? BAR : (int) Math.min(BAR, (long) BAR * Math.max(0, batch) / batches);
        return "[" + "#".repeat(full) + ".".repeat(BAR - full) + "]";
    }

    /** {@code m:ss} below an hour, {@code h:mm:ss} above, {@code ?:??} when unknown. */
    static String formatEta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?:??";
        long s = Math.round(seconds);
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
