package io.spikegrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpikeEventsTest {

    @Test
    void copiesItsInputAndHandsOutCopies() {
        double[] t = {0.001, 0.002};
        int[] c = {0, 2};
        SpikeEvents e = SpikeEvents.of(3, t, c);
        t[0] = 5;
        c[0] = 1;
        assertEquals(0.001, e.time(0));
        assertEquals(0, e.channel(0));
        e.times()[1] = 9;
        e.channelIds()[1] = 9;
        assertEquals(0.002, e.time(1));
        assertEquals(2, e.channel(1));
    }

    @Test
    void sortsByTimeStably() {
        SpikeEvents e = SpikeEvents.of(4, new double[] {0.3, 0.1, 0.2, 0.1}, new int[] {0, 1, 2, 3});
        assertArrayEquals(new double[] {0.1, 0.1, 0.2, 0.3}, e.times());
        assertArrayEquals(new int[] {1, 3, 2, 0}, e.channelIds(), "equal times keep their given order");
        assertEquals(0.3, e.lastTime());
        assertEquals(0.0, SpikeEvents.empty(2).lastTime());
    }

    @Test
    void refusesBadEventsNamingThem() {
        var nan = assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(2, new double[] {0, Double.NaN}, new int[] {0, 1}));
        assertTrue(nan.getMessage().contains("event 1"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(2, new double[] {-1e-9}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(2, new double[] {Double.POSITIVE_INFINITY}, new int[] {0}));
        var ch = assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(2, new double[] {0.1}, new int[] {2}));
        assertTrue(ch.getMessage().contains("[0, 2)"), ch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(2, new double[] {0.1}, new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(2, new double[] {0.1, 0.2}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> SpikeEvents.of(0, new double[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> EventSample.of(2, new double[0], new int[0], -1));
    }

    @Test
    void equalityIsByValue() {
        EventSample a = EventSample.of(2, new double[] {0.1}, new int[] {1}, 1);
        EventSample b = EventSample.of(2, new double[] {0.1}, new int[] {1}, 1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(2, a.channels());
    }
}
