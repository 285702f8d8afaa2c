package io.spikegrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static long lines(String s) {
        return s.lines().count();
    }

    @Test
    void etaFormatting() {
        assertEquals("0:00", Progress.formatEta(0));
        assertEquals("0:42", Progress.formatEta(42.3));
        assertEquals("1:00", Progress.formatEta(59.6));
        assertEquals("12:05", Progress.formatEta(725));
        assertEquals("1:00:00", Progress.formatEta(3600));
        assertEquals("26:03:04", Progress.formatEta(26 * 3600 + 3 * 60 + 4));
        assertEquals("?:??", Progress.formatEta(Double.NaN));
        assertEquals("?:??", Progress.formatEta(Double.POSITIVE_INFINITY));
    }

    @Test
    void nonInteractiveHasNoCarriageReturnAndIsRateLimited() {
        Progress p = new Progress(err, false, clock::get);
        // a fast epoch: 1000 batches in 2 s -> nothing but the summary
        for (int b = 1; b <= 1000; b++) {
            clock.addAndGet(2_000_000L);
            p.batch(1, 3, b, 1000, 0.5, 0.8);
        }
        assertEquals("", out());
        p.epoch(new EpochRecord(1, 0.41, 0.912, 0.44, 0.901, 1.3, 4.2), 3);
        assertEquals("epoch 1/3 train loss 0.4100 acc 91.2% | valid loss 0.4400 acc 90.1% | 1.30 spikes/neuron | 4.2 s"
                + System.lineSeparator(), out());
        bytes.reset();
        // a slow epoch: 1000 batches of 1 s each -> one line per 10% (100 batches >= 5 s)
        for (int b = 1; b <= 1000; b++) {
            clock.addAndGet(1_000_000_000L);
            p.batch(2, 3, b, 1000, 0.5, 0.8);
        }
        String s = out();
        assertFalse(s.contains("\r"));
        assertEquals(10, lines(s), s);
        assertTrue(s.startsWith("epoch 2/3 batch 100/1000 loss 0.5000 acc 80.0% ETA "), s);
        bytes.reset();
        // tiny epochs, slow batches: at most one line per 5 s even though 10% is a single batch
        Progress q = new Progress(err, false, clock::get);
        for (int b = 1; b <= 10; b++) {
            clock.addAndGet(1_000_000_000L);
            q.batch(1, 1, b, 10, 0.5, 0.8);
        }
        assertEquals(2, lines(out()), out()); // at 5 s and 10 s
    }

    @Test
    void etaFromRate() {
        Progress p = new Progress(err, false, clock::get);
        // 2 epochs of 10 batches at 1 s per batch: after batch 10 of epoch 1, 10 batches left -> 10 s
        for (int b = 1; b <= 10; b++) {
            clock.addAndGet(1_000_000_000L);
            p.batch(1, 2, b, 10, 1, 0.5);
        }
        assertTrue(out().trim().endsWith("ETA 0:10"), out());
    }

    @Test
    void interactiveRedrawsOneLineAndIsRateLimited() {
        Progress p = new Progress(err, true, clock::get);
        for (int b = 1; b <= 156; b++) {
            clock.addAndGet(10_000_000L); // 10 ms per batch: about every 10th batch is drawn
            p.batch(3, 30, b, 156, 0.4123, 0.912);
        }
        String s = out();
        long draws = s.chars().filter(c -> c == '\r').count();
        assertTrue(draws >= 14 && draws <= 18, draws + " draws");
        assertFalse(s.contains("\n"));
        assertTrue(s.contains("epoch 3/30 [####################] 156/156 loss 0.4123 acc 91.2% ETA "), s);
        p.epoch(new EpochRecord(3, 0.41, 0.912, Double.NaN, Double.NaN, 1.25, 4.2), 30);
        String after = out().substring(s.length());
        assertTrue(after.startsWith("\r"), after);
        assertTrue(after.endsWith("\repoch 3/30 train loss 0.4100 acc 91.2% | 1.25 spikes/neuron | 4.2 s"
                + System.lineSeparator()), after);
    }

    @Test
    void messageClearsTheBarAndTheNextBatchRedraws() {
        Progress p = new Progress(err, true, clock::get);
        p.batch(1, 1, 1, 100, 1, 0);
        p.message("saved checkpoint");
        int mark = out().length();
        clock.addAndGet(1_000_000L); // only 1 ms later, but the bar is gone so it is redrawn at once
        p.batch(1, 1, 2, 100, 1, 0);
        assertTrue(out().contains("saved checkpoint" + System.lineSeparator()));
        assertTrue(out().substring(mark).startsWith("\repoch 1/1 [........"), out().substring(mark));
    }
}
