package io.spikegrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class YinYangTest {

    @Test
    void publishedSplitsHaveTheirSizesAndNumbers() {
        YinYang.Points train = YinYang.points(YinYang.Split.TRAIN);
        assertEquals(5000, train.size());
        assertEquals(1000, YinYang.points(YinYang.Split.VALIDATION).size());
        assertEquals(1000, YinYang.points(YinYang.Split.TEST).size());
        // first and last rows of train.csv, exactly as written
        assertEquals(0.6803075385877797, train.x(0));
        assertEquals(0.450499251969543, train.y(0));
        assertEquals(2, train.label(0));
        assertEquals(0.09767211400638387, train.x(1));
        assertEquals(1, train.label(1));
        assertEquals(2, train.label(4999));
        YinYang.Points val = YinYang.points(YinYang.Split.VALIDATION);
        assertEquals(0.6805727261759029, val.x(0));
        assertEquals(0.3209733938933629, val.y(0));
        assertEquals(0, val.label(0));
        YinYang.Points test = YinYang.points(YinYang.Split.TEST);
        assertEquals(0.23409664559563403, test.x(0));
        assertEquals(0.4017249751828972, test.y(0));
        assertEquals(2, test.label(0));
    }

    @Test
    void trainDatasetIsEncodedAsInTheEventPropPaper() {
        Dataset d = YinYang.train();
        assertEquals("yinyang-train", d.name());
        assertEquals(5, d.channels());
        assertEquals(3, d.classes());
        assertEquals(5000, d.size());
        assertArrayEquals(new int[] {1681, 1702, 1617}, d.classCounts());
        double x = 0.6803075385877797, y = 0.450499251969543;
        SpikeEvents e = d.get(0).events();
        assertEquals(5, e.size());
        double[] byChannel = new double[5];
        for (int i = 0; i < 5; i++) byChannel[e.channel(i)] = e.time(i);
        assertEquals(0.010 + x * 0.030, byChannel[0], 1e-15);
        assertEquals(0.010 + (1 - x) * 0.030, byChannel[1], 1e-15);
        assertEquals(0.010 + y * 0.030, byChannel[2], 1e-15);
        assertEquals(0.010 + (1 - y) * 0.030, byChannel[3], 1e-15);
        assertEquals(0.020, byChannel[4]);
        for (int i = 1; i < 5; i++) assertTrue(e.time(i - 1) <= e.time(i), "events in time order");
        assertEquals(1000, YinYang.validation().size());
        assertEquals(1000, YinYang.test().size());
    }

    @Test
    void encodingIsConfigurable() {
        YinYang.Encoding enc = new YinYang.Encoding(0.0, 0.1, 0.05);
        SpikeEvents e = YinYang.load(YinYang.Split.TEST, enc).get(0).events();
        assertEquals(0.0, YinYang.Encoding.defaults().latency(0) - 0.010, 1e-18);
        assertEquals(0.040, YinYang.Encoding.defaults().latency(1), 1e-15);
        assertEquals(0.040, YinYang.Encoding.defaults().window(), 1e-15);
        double[] byChannel = new double[5];
        for (int i = 0; i < 5; i++) byChannel[e.channel(i)] = e.time(i);
        assertEquals(0.23409664559563403 * 0.1, byChannel[0], 1e-15);
        assertEquals(0.05, byChannel[4]);
        assertThrows(IllegalArgumentException.class, () -> new YinYang.Encoding(0.04, 0.01, 0.02));
        assertThrows(IllegalArgumentException.class, () -> new YinYang.Encoding(-0.01, 0.04, 0.02));
        assertThrows(IllegalArgumentException.class, () -> new YinYang.Encoding(0.01, 0.04, Double.NaN));
    }

    @Test
    void classifyKnowsTheRegions() {
        assertEquals(YinYang.DOT, YinYang.classify(0.25, 0.5), "left dot centre");
        assertEquals(YinYang.DOT, YinYang.classify(0.75, 0.5), "right dot centre");
        assertEquals(YinYang.DOT, YinYang.classify(0.25 + 0.099, 0.5));
        assertEquals(YinYang.DOT, YinYang.classify(0.75, 0.5 - 0.099));
        assertEquals(YinYang.YANG, YinYang.classify(0.25 + 0.101, 0.5), "left lobe around the left dot");
        assertEquals(YinYang.YANG, YinYang.classify(0.25, 0.3), "left lobe, below the centre line");
        assertEquals(YinYang.YIN, YinYang.classify(0.75, 0.7), "right lobe, above the centre line");
        assertEquals(YinYang.YANG, YinYang.classify(0.5, 0.95), "upper half");
        assertEquals(YinYang.YIN, YinYang.classify(0.5, 0.05), "lower half");
        assertEquals(YinYang.YIN, YinYang.classify(0.95, 0.45));
        assertEquals(YinYang.YANG, YinYang.classify(0.05, 0.55));
        assertEquals(-1, YinYang.classify(0.02, 0.02), "outside the big circle");
        assertEquals(-1, YinYang.classify(0.98, 0.98));
    }

    @Test
    void pointReflectionSwapsYinAndYang() {
        SplittableRandom r = new SplittableRandom(1);
        int checked = 0;
        for (int i = 0; i < 200_000; i++) {
            double x = r.nextDouble(), y = r.nextDouble();
            int c = YinYang.classify(x, y);
            int m = YinYang.classify(1 - x, 1 - y);
            if (c < 0) {
                assertEquals(-1, m);
                continue;
            }
            int expected = c == YinYang.DOT ? YinYang.DOT : 1 - c;
            assertEquals(expected, m, "(" + x + ", " + y + ")");
            checked++;
        }
        assertTrue(checked > 150_000);
    }

    @Test
    void classifyAgreesWithThePublishedLabels() {
        for (YinYang.Split split : YinYang.Split.values()) {
            YinYang.Points p = YinYang.points(split);
            int agree = 0;
            for (int i = 0; i < p.size(); i++) if (YinYang.classify(p.x(i), p.y(i)) == p.label(i)) agree++;
            double fraction = agree / (double) p.size();
            System.out.printf("Yin-Yang %s: classify() agrees with %d of %d published labels (%.2f%%)%n",
                    split, agree, p.size(), 100 * fraction);
            assertTrue(fraction >= 0.99, split + ": agreement " + fraction);
        }
    }

    @Test
    void generatorFollowsTheDefinition() {
        YinYang.Points p = YinYang.generatePoints(6000, 1234);
        int[] counts = new int[3];
        for (int i = 0; i < p.size(); i++) {
            double x = p.x(i), y = p.y(i);
            assertTrue(x >= 0 && x <= 1 && y >= 0 && y <= 1);
            assertTrue(Math.hypot(x - 0.5, y - 0.5) <= 0.5, "inside the big circle");
            assertEquals(YinYang.classify(x, y), p.label(i));
            counts[p.label(i)]++;
        }
        // goal classes are uniform: each count ~ Binomial(6000, 1/3), sd ~ 36.5
        for (int c : counts) assertTrue(Math.abs(c - 2000) < 5 * 36.5, java.util.Arrays.toString(counts));

        YinYang.Points again = YinYang.generatePoints(6000, 1234);
        for (int i = 0; i < p.size(); i++) {
            assertEquals(p.x(i), again.x(i));
            assertEquals(p.y(i), again.y(i));
        }
        assertNotEquals(p.x(0), YinYang.generatePoints(1, 1235).x(0));
        Dataset d = YinYang.generate(300, 5);
        assertEquals(300, d.size());
        assertEquals(5, d.channels());
        assertEquals(0, YinYang.generate(0, 5).size());
    }

    @Test
    void csvParserFindsColumnsByNameAndReportsBadLines() throws Exception {
        String csv = "label,y,x\n1,0.25,0.75\n0,0.5,0.5\n";
        YinYang.Points p = YinYang.parseCsv("t", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        assertEquals(0.75, p.x(0));
        assertEquals(0.25, p.y(0));
        assertEquals(1, p.label(0));
        var bad = assertThrows(IllegalStateException.class, () -> YinYang.parseCsv("t",
                new ByteArrayInputStream("x,y,label\n0.1,0.2,1\n0.1,zz,1\n".getBytes(StandardCharsets.UTF_8))));
        assertTrue(bad.getMessage().contains("line 3"), bad.getMessage());
        assertThrows(IllegalStateException.class, () -> YinYang.parseCsv("t",
                new ByteArrayInputStream("a,b,c\n".getBytes(StandardCharsets.UTF_8))));
    }
}
