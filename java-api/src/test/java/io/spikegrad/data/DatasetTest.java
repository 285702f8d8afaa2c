package io.spikegrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Dataset tiny(int n) {
        List<EventSample> s = new ArrayList<>();
        for (int i = 0; i < n; i++) s.add(EventSample.of(2, new double[] {0.001 * i}, new int[] {i % 2}, i % 3));
        return Dataset.of("tiny", 2, 3, s);
    }

    @Test
    void shuffledOrderIsAReproduciblePermutation() {
        Dataset d = tiny(1000);
        int[] a = d.shuffledOrder(42, 0);
        assertArrayEquals(a, d.shuffledOrder(42, 0), "same seed and epoch, same order");
        assertArrayEquals(a, Dataset.shuffledOrder(1000, 42, 0));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        assertFalse(Arrays.equals(a, d.shuffledOrder(42, 1)), "another epoch, another order");
        assertFalse(Arrays.equals(a, d.shuffledOrder(43, 0)), "another seed, another order");
        assertFalse(Arrays.equals(d.shuffledOrder(42, 1), d.shuffledOrder(43, 0)));
    }

    @Test
    void shuffledOrderFollowsTheDocumentedRule() {
        // Fisher-Yates driven by SplittableRandom(seed + golden * (epoch + 1)), as documented.
        long seed = 7;
        int epoch = 3;
        int[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        SplittableRandom r = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (epoch + 1L));
        for (int i = expected.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        assertArrayEquals(expected, Dataset.shuffledOrder(10, seed, epoch));
        assertArrayEquals(new int[0], Dataset.shuffledOrder(0, 1, 0));
        assertArrayEquals(new int[] {0}, Dataset.shuffledOrder(1, 1, 0));
    }

    @Test
    void isImmutableAndValidated() {
        List<EventSample> s = new ArrayList<>(tiny(3).samples());
        Dataset d = Dataset.of("d", 2, 3, s);
        s.clear();
        assertEquals(3, d.size(), "a copy of the list is kept");
        assertThrows(UnsupportedOperationException.class, () -> d.samples().clear());
        assertArrayEquals(new int[] {1, 1, 1}, d.classCounts());
        assertEquals(2, d.label(2));
        assertEquals(2, d.slice(1, 3).size());
        assertEquals(d.get(1), d.slice(1, 3).get(0));

        var label = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("x", 2, 2, List.of(EventSample.of(2, new double[0], new int[0], 2))));
        assertTrue(label.getMessage().contains("sample 0") && label.getMessage().contains("label 2"), label.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("x", 3, 2, List.of(EventSample.of(2, new double[0], new int[0], 0))));
    }
}
