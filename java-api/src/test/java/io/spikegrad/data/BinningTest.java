package io.spikegrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinningTest {

    @Test
    void eventsLandInFloorOfTimeOverDt() {
        EventSample s = EventSample.of(3, new double[] {0.0, 0.0009, 0.001, 0.0025, 0.0025, 0.0049}, new int[] {0, 1, 2, 0, 0, 1}, 0);
        float[] d = Binning.toDense(s, 3, 0.001, 5);
        float[] expected = new float[15];
        expected[0 * 3 + 0] = 1; // t = 0
        expected[0 * 3 + 1] = 1; // 0.9 ms -> step 0
        expected[1 * 3 + 2] = 1; // exactly 1 ms -> step 1
        expected[2 * 3 + 0] = 2; // two events in one bin add up
        expected[4 * 3 + 1] = 1;
        assertArrayEquals(expected, d);
        assertEquals(0, Binning.countDropped(s.events(), 0.001, 5));
    }

    @Test
    void gridTimesLandOnTheirOwnStepDespiteRounding() {
        for (double dt : new double[] {1e-4, 2.5e-4, 5e-4, 1e-3, 0.1, 1.0 / 3}) {
            for (int k = 0; k < 2000; k++) {
                assertEquals(k, Binning.step(k * dt, dt), "k = " + k + ", dt = " + dt);
                if (k > 0) assertEquals(k - 1, Binning.step(k * dt - 1e-6 * dt, dt));
            }
        }
        assertEquals(81, Binning.stepsFor(0.040, 0.0005), "an event at exactly 40 ms needs 81 steps of 0.5 ms");
        assertEquals(1, Binning.stepsFor(0, 0.001));
    }

    @Test
    void eventsPastTheWindowAreDroppedAndCounted() {
        SpikeEvents e = SpikeEvents.of(2, new double[] {0.001, 0.004, 0.0049, 0.005, 0.7}, new int[] {0, 1, 0, 1, 0});
        assertEquals(2, Binning.countDropped(e, 0.001, 5));
        float[] buf = new float[5 * 2];
        assertEquals(2, Binning.toDense(e, 2, 0.001, 5, buf, 0, 2));
        float sum = 0;
        for (float f : buf) sum += f;
        assertEquals(3f, sum);
        float[] padded = Binning.toDense(e, 4, 0.001, 5); // more grid channels than event channels is fine
        assertEquals(20, padded.length);
        assertThrows(IllegalArgumentException.class, () -> Binning.toDense(e, 1, 0.001, 5));
        assertThrows(IllegalArgumentException.class, () -> Binning.toDense(e, 2, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> Binning.toDense(e, 2, 0.001, 5, new float[9], 0, 2));
    }

    @Test
    void batchIsTimeMajorAndFillsAReusedBufferAtAnOffset() {
        EventSample a = EventSample.of(2, new double[] {0.0, 0.0021}, new int[] {1, 0}, 0);
        EventSample b = EventSample.of(2, new double[] {0.0011, 0.009}, new int[] {0, 1}, 1);
        EventSample c = EventSample.of(2, new double[] {0.0029}, new int[] {1}, 0);
        int steps = 3, batch = 3, ch = 2, offset = 5;
        float[] buf = new float[offset + steps * batch * ch + 4];
        Arrays.fill(buf, 9f); // stale contents from a previous batch
        int dropped = Binning.toDenseBatch(List.of(a, b, c), ch, 0.001, steps, buf, offset);
        assertEquals(1, dropped, "b's event at 9 ms is past the 3 ms window");
        float[] expected = new float[buf.length];
        Arrays.fill(expected, 9f);
        Arrays.fill(expected, offset, offset + steps * batch * ch, 0f);
        expected[offset + (0 * batch + 0) * ch + 1] = 1; // a: step 0, ch 1
        expected[offset + (2 * batch + 0) * ch + 0] = 1; // a: step 2, ch 0
        expected[offset + (1 * batch + 1) * ch + 0] = 1; // b: step 1, ch 0
        expected[offset + (2 * batch + 2) * ch + 1] = 1; // c: step 2, ch 1
        assertArrayEquals(expected, buf);

        // the per-sample dense grids are the [T][C] slices of the batch
        float[] da = Binning.toDense(a, ch, 0.001, steps);
        for (int k = 0; k < steps; k++) {
            for (int j = 0; j < ch; j++) assertEquals(da[k * ch + j], buf[offset + (k * batch) * ch + j]);
        }
    }

    @Test
    void batchFromADatasetInShuffledOrder() {
        Dataset data = YinYang.test();
        int[] order = data.shuffledOrder(1, 0);
        double dt = 0.0005;
        int steps = Binning.stepsFor(YinYang.Encoding.defaults().window(), dt);
        int batch = 32;
        float[] buf = new float[steps * batch * data.channels()];
        assertEquals(0, Binning.toDenseBatch(data, order, 64, batch, dt, steps, buf, 0));
        float total = 0;
        for (float f : buf) total += f;
        assertEquals(batch * 5f, total, "five spikes per Yin-Yang sample");
        float[] expected = new float[buf.length];
        List<EventSample> picked = new java.util.ArrayList<>();
        for (int j = 0; j < batch; j++) picked.add(data.get(order[64 + j]));
        Binning.toDenseBatch(picked, data.channels(), dt, steps, expected, 0);
        assertArrayEquals(expected, buf);
        // every bias spike at 20 ms lands in step 40
        for (int j = 0; j < batch; j++) assertEquals(1f, buf[(40 * batch + j) * 5 + 4]);
    }
}
