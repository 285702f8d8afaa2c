package io.spikegrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spikegrad train --method diffsyn} end to end on tiny runs. */
class DiffSynCommandTest {

    static CommandsTest.Run run(String... args) {
        return CommandsTest.run(args);
    }

    @Test
    void predictiveCodingResumesToTheSameNumbersAndWritesItsPlots(@TempDir Path dir) {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        String[] common = {"--task", "predictive-coding", "--method", "diffsyn", "--iterations", "2", "--batch", "2", "--dt", "1e-3",
                "--hidden", "8", "--threads", "1", "--seed", "3"};
        CommandsTest.Run a = run(cat(common, "--epochs", "2", "--out", whole.toString()));
        assertEquals(0, a.code(), a.err());
        CommandsTest.Run b1 = run(cat(common, "--epochs", "1", "--out", parts.toString()));
        assertEquals(0, b1.code(), b1.err());
        CommandsTest.Run b2 = run("train", "--resume", parts.toString(), "--epochs", "2", "--threads", "2");
        assertEquals(0, b2.code(), b2.err());
        JsonObject x = a.json(), y = b2.json();
        for (String key : new String[] {"test_loss", "test_nmse", "spikes_per_neuron_per_second", "no_recurrence_test_nmse",
                "no_recurrence_spikes_per_neuron_per_second", "control_test_nmse", "control_spikes_per_neuron_per_second",
                "corr_u_ot", "corr_w_minus_uo"}) {
            assertTrue(x.has(key), "summary lacks " + key);
            assertEquals(x.get(key).getAsDouble(), y.get(key).getAsDouble(), 0.0, key + ": resumed run must reproduce the uninterrupted one");
        }
        assertEquals("diffsyn", x.get("method").getAsString());
        for (String f : new String[] {"summary.json", "readout.png", "raster.png", "raster-no-recurrence.png", "weights.png", "history.png"})
            assertTrue(Files.exists(whole.resolve(f)), f);
    }

    @Test
    void delayedXorReportsItsFractionCorrect(@TempDir Path dir) {
        Path out = dir.resolve("xor");
        CommandsTest.Run r = run("train", "--task", "delayed-xor", "--method", "diffsyn", "--epochs", "1", "--iterations", "1",
                "--batch", "6", "--hidden", "10", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonObject j = r.json();
        double f = j.get("test_fraction_correct").getAsDouble();
        assertTrue(f >= 0 && f <= 1, "fraction " + f);
        assertEquals(600, j.get("test_trials").getAsInt());
        assertEquals(6, j.getAsJsonObject("fraction_correct_by_kind").size());
        assertTrue(Files.exists(out.resolve("readout.png")) && Files.exists(out.resolve("raster.png")));
        assertEquals(DiffSynTasks.XorSetup.DEFAULTS.responseWeight(), j.get("response_weight").getAsDouble(), 0.0);
        double before = j.get("mean_abs_readout_before_go").getAsDouble();
        assertTrue(before >= 0 && Double.isFinite(before), "mean |o| before the go-cue " + before);
    }

    @Test
    void delayedXorResumesToTheSameNumbersAndItsLossWeightMatters(@TempDir Path dir) {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts"), plain = dir.resolve("plain");
        String[] common = {"--task", "delayed-xor", "--method", "diffsyn", "--iterations", "2", "--batch", "4", "--hidden", "10",
                "--recurrent-lr-scale", "0.1", "--threads", "1", "--seed", "5"};
        CommandsTest.Run a = run(cat(common, "--epochs", "2", "--out", whole.toString()));
        assertEquals(0, a.code(), a.err());
        CommandsTest.Run b1 = run(cat(common, "--epochs", "1", "--out", parts.toString()));
        assertEquals(0, b1.code(), b1.err());
        CommandsTest.Run b2 = run("train", "--resume", parts.toString(), "--epochs", "2", "--threads", "1");
        assertEquals(0, b2.code(), b2.err());
        for (String key : new String[] {"test_loss", "test_fraction_correct", "spikes_per_neuron_per_second", "response_weight"})
            assertEquals(a.json().get(key).getAsDouble(), b2.json().get(key).getAsDouble(), 0.0,
                    key + ": a resumed run (response weight and W's rate from the checkpoint) must reproduce the uninterrupted one");
        // the paper's unweighted cost: another loss on the same test trials
        CommandsTest.Run c = run(cat(common, "--epochs", "2", "--response-weight", "1", "--out", plain.toString()));
        assertEquals(0, c.code(), c.err());
        assertEquals(1.0, c.json().get("response_weight").getAsDouble(), 0.0);
        assertTrue(Math.abs(c.json().get("test_loss").getAsDouble() - a.json().get("test_loss").getAsDouble()) > 1e-6,
                "the response weight must change the loss");
    }

    @Test
    void badLossWeightOrRecurrentRateIsNamed() {
        CommandsTest.Run r = run("train", "--task", "delayed-xor", "--method", "diffsyn", "--response-weight", "0.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--response-weight must be finite and >= 1, got 0.5"), r.err());
        r = run("train", "--task", "predictive-coding", "--method", "diffsyn", "--response-weight", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--response-weight applies to --task delayed-xor only"), r.err());
        r = run("train", "--task", "delayed-xor", "--method", "diffsyn", "--recurrent-lr-scale", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--recurrent-lr-scale must be finite and >= 0, got -1.0"), r.err());
    }

    @Test
    void wrongTaskOrBackendIsNamed() {
        CommandsTest.Run r = run("train", "--task", "yinyang", "--method", "diffsyn");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--method diffsyn trains the tasks predictive-coding and delayed-xor"), r.err());
        r = run("train", "--task", "predictive-coding", "--method", "diffsyn", "--backend", "tpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("runs on backend cpu, cuda or reference"), r.err());
        r = run("train", "--task", "predictive-coding", "--method", "diffsyn", "--gate", "round");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--gate must be box or bump"), r.err());
    }

    @Test
    void doublesRoundTripThroughTheCheckpointEncoding() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] d = new double[1000];
        for (int k = 0; k < d.length; k++) d[k] = Double.longBitsToDouble(rng.nextLong());
        d[0] = -0.0;
        d[1] = Double.MIN_VALUE;
        d[2] = Double.NaN;
        double[] back = DiffSynTraining.decode(DiffSynTraining.encode(d));
        for (int k = 0; k < d.length; k++) assertEquals(Double.doubleToRawLongBits(d[k]), Double.doubleToRawLongBits(back[k]), "entry " + k);
        assertArrayEquals(new float[0], DiffSynTraining.encode(new double[0]));
    }

    private static String[] cat(String[] a, String... b) {
        String[] r = new String[1 + a.length + b.length];
        r[0] = "train";
        System.arraycopy(a, 0, r, 1, a.length);
        System.arraycopy(b, 0, r, 1 + a.length, b.length);
        return r;
    }
}
