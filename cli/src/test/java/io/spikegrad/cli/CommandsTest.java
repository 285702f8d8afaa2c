package io.spikegrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.spikegrad.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spikegrad command end to end, on small runs. */
class CommandsTest {

    /** Exit code, stdout and stderr of one command line. */
    record Run(int code, String out, String err) {
        JsonObject json() {
            String[] lines = out.strip().split("\n");
            return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        }
    }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void gradOnTheShippedSpecAgreesAcrossBackends() {
        Path spec = Path.of("..", "examples", "grad-spec.json");
        Run cpu = run("grad", "--spec", spec.toString());
        Run ref = run("grad", "--spec", spec.toString(), "--backend", "reference");
        assertEquals(0, cpu.code(), cpu.err());
        JsonObject a = cpu.json(), b = ref.json();
        assertEquals(b.get("loss").getAsDouble(), a.get("loss").getAsDouble(), 1e-6);
        assertEquals(b.get("output_spike_counts"), a.get("output_spike_counts"));
        JsonObject ga = a.getAsJsonObject("gradients"), gb = b.getAsJsonObject("gradients");
        assertEquals(gb.keySet(), ga.keySet());
        assertTrue(ga.has("hidden.weight") && ga.has("out.threshold") && ga.has("hidden.tau_mem"), ga.keySet().toString());
        double x = ga.getAsJsonArray("hidden.weight").get(0).getAsJsonArray().get(0).getAsDouble();
        double y = gb.getAsJsonArray("hidden.weight").get(0).getAsJsonArray().get(0).getAsDouble();
        assertEquals(y, x, 1e-5 * Math.abs(y) + 1e-9);
    }

    @Test
    void gradSpecErrorsNameTheField(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"dt\": 0.001, \"surrogate\": {\"kind\": \"nope\"}}");
        Run r = run("grad", "--spec", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("surrogate.kind must be one of"), r.err());
    }

    @Test
    void interruptedRunResumesToTheSameNumbers(@TempDir Path dir) {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        String[] common = {"--limit", "128", "--batch", "16", "--hidden", "40", "--threads", "1", "--seed", "5"};
        Run a = run(concat(new String[] {"train", "--epochs", "2", "--out", whole.toString()}, common));
        assertEquals(0, a.code(), a.err());
        Run b1 = run(concat(new String[] {"train", "--epochs", "1", "--out", parts.toString()}, common));
        assertEquals(0, b1.code(), b1.err());
        Run b2 = run("train", "--resume", parts.toString(), "--epochs", "2", "--threads", "1");
        assertEquals(0, b2.code(), b2.err());
        assertEquals(a.json().get("test_loss").getAsDouble(), b2.json().get("test_loss").getAsDouble(), 0.0,
                "resumed run must reproduce the uninterrupted one exactly");
        assertEquals(a.json().get("test_accuracy"), b2.json().get("test_accuracy"));
        assertTrue(Files.exists(whole.resolve("history.png")) && Files.exists(whole.resolve("raster.png")));
        assertTrue(Files.exists(whole.resolve("summary.json")));
        for (String key : new String[] {"task", "method", "backend", "epochs", "seed", "train_accuracy", "test_accuracy",
                "test_loss", "wall_seconds", "spikes_per_neuron"}) {
            assertTrue(a.json().has(key), "summary lacks " + key);
        }

        Run ev = run("evaluate", "--model", whole.toString());
        assertEquals(0, ev.code(), ev.err());
        assertEquals(a.json().get("test_accuracy"), ev.json().get("test_accuracy"));
    }

    /** EventProp (native kernel) checkpoints every epoch and resumes to the same numbers. */
    @Test
    void eventPropRunResumesToTheSameNumbers(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        String[] common = {"--method", "eventprop", "--limit", "256", "--batch", "64", "--threads", "1", "--seed", "3"};
        Run a = run(concat(new String[] {"train", "--epochs", "3", "--out", whole.toString()}, common));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.err().contains("missing spikes per layer"), a.err());
        Run b1 = run(concat(new String[] {"train", "--epochs", "2", "--out", parts.toString()}, common));
        assertEquals(0, b1.code(), b1.err());
        Run b2 = run("train", "--resume", parts.toString(), "--epochs", "3", "--threads", "1");
        assertEquals(0, b2.code(), b2.err());
        JsonObject x = a.json(), y = b2.json();
        assertEquals("cpu", x.get("backend").getAsString());
        assertEquals(x.get("test_loss").getAsDouble(), y.get("test_loss").getAsDouble(), 0.0, "resumed run must reproduce the uninterrupted one");
        assertEquals(x.get("test_accuracy"), y.get("test_accuracy"));
        assertEquals(x.get("best_validation_epoch"), y.get("best_validation_epoch"));
        assertEquals(x.get("test_accuracy_at_best_validation"), y.get("test_accuracy_at_best_validation"));
        assertTrue(x.get("eventprop_stored_bytes_per_sample").getAsDouble() > 0, x.toString());
        assertTrue(Files.exists(whole.resolve("history.png")) && Files.exists(whole.resolve("raster.png")));
    }

    @Test
    void eventPropVoltageLossAndBadOptionsAreExplained(@TempDir Path dir) {
        Run v = run("train", "--method", "eventprop", "--loss", "max-voltage", "--limit", "64", "--batch", "32", "--epochs", "1",
                "--threads", "1", "--out", dir.resolve("v").toString());
        assertEquals(0, v.code(), v.err());
        assertEquals("max-voltage", v.json().get("loss").getAsString());
        Run bad = run("train", "--method", "eventprop", "--loss", "mse");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--loss must be first-spike"), bad.err());
        Run bptt = run("train", "--loss", "first-spike");
        assertTrue(bptt.err().contains("--method eventprop only"), bptt.err());
        Run backend = run("train", "--method", "eventprop", "--backend", "tpu");
        assertTrue(backend.err().contains("--backend cpu (native kernel), cuda (GPU kernel) or reference"), backend.err());
    }

    /** --grad-cutoff reaches the engine (the run differs from the exact one), is stored, and bad values are refused. */
    @Test
    void gradCutoffIsAppliedStoredAndChecked(@TempDir Path dir) {
        String[] common = {"train", "--limit", "64", "--batch", "16", "--hidden", "30", "--epochs", "1", "--threads", "1", "--seed", "2"};
        Run exact = run(concat(common, new String[] {"--out", dir.resolve("exact").toString()}));
        Run cut = run(concat(common, new String[] {"--grad-cutoff", "0.5", "--out", dir.resolve("cut").toString()}));
        assertEquals(0, exact.code(), exact.err());
        assertEquals(0, cut.code(), cut.err());
        assertEquals(0.0, exact.json().get("grad_cutoff").getAsDouble());
        assertEquals(0.5, cut.json().get("grad_cutoff").getAsDouble());
        assertNotEquals(exact.json().get("test_loss").getAsDouble(), cut.json().get("test_loss").getAsDouble(),
                "a cut-off of half the surrogate's peak must change the gradients and so the trained network");
        Run negative = run("train", "--grad-cutoff", "-1");
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("--grad-cutoff must be finite and >= 0"), negative.err());
        Run eventprop = run("train", "--method", "eventprop", "--grad-cutoff", "0.1");
        assertTrue(eventprop.err().contains("--method bptt only"), eventprop.err());
    }

    @Test
    void corruptCheckpointIsRefused(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("r");
        assertEquals(0, run("train", "--epochs", "1", "--limit", "64", "--batch", "16", "--hidden", "20", "--out", runDir.toString()).code());
        Path ck = runDir.resolve("checkpoint.bin");
        byte[] bytes = Files.readAllBytes(ck);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(ck, bytes);
        Run r = run("train", "--resume", runDir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is corrupt"), r.err());
        Run again = run("train", "--epochs", "1", "--out", runDir.toString());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }

    @Test
    void verifyPassesOnAFreshNetwork() {
        Run r = run("verify", "--batch", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.json().get("passed").getAsBoolean());
        assertTrue(r.err().contains("hidden.weight"), r.err());
    }

    /**
     * BPTT at a small dt and EventProp compute the same readout loss, and the readout weight
     * gradient (no surrogate involved there) must agree; the hidden layer's differs by the
     * surrogate's bias, which is what the command is for.
     */
    @Test
    void compareGradientsConvergesAsDtShrinks() {
        Run r = run("compare-gradients", "--dt", "1e-4", "--batch", "32");
        assertEquals(0, r.code(), r.err());
        JsonObject j = r.json();
        assertEquals(j.get("loss_eventprop").getAsDouble(), j.get("loss_bptt").getAsDouble(), 0.02 * j.get("loss_eventprop").getAsDouble());
        JsonObject out = j.getAsJsonArray("layers").get(1).getAsJsonObject();
        assertEquals("out.weight", out.get("tensor").getAsString());
        assertTrue(out.get("cosine").getAsDouble() > 0.99, out.toString());
        assertEquals(1.0, out.get("norm_ratio").getAsDouble(), 0.05);
        assertTrue(j.get("bptt_bytes_per_sample").getAsDouble() > 10 * j.get("eventprop_bytes_per_sample").getAsDouble());
    }

    @Test
    void cudaSaysWhyItIsUnavailable(@TempDir Path dir) {
        if (Backends.available().contains("cuda")) return;  // a GPU machine: nothing to check here
        Path out = dir.resolve("run");
        Run r = run("train", "--backend", "cuda", "--epochs", "1", "--out", out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("backend 'cuda' is not available"), r.err());
        assertTrue(!Files.exists(out), "a refused backend must leave no run directory behind");
        Run ep = run("train", "--method", "eventprop", "--backend", "cuda", "--epochs", "1", "--out", out.toString());
        assertNotEquals(0, ep.code());
        assertTrue(ep.err().contains("backend 'cuda' is not available"), ep.err());
        assertTrue(!Files.exists(out), "a refused backend must leave no run directory behind");
        Run ds = run("train", "--task", "predictive-coding", "--method", "diffsyn", "--backend", "cuda", "--epochs", "1", "--out",
                out.toString());
        assertNotEquals(0, ds.code());
        assertTrue(ds.err().contains("backend 'cuda' is not available"), ds.err());
        assertTrue(!Files.exists(out), "a refused backend must leave no run directory behind");
    }

    @Test
    void unknownTaskAndBadValuesAreExplained() {
        Run r = run("train", "--task", "cifar");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown task 'cifar'"), r.err());
        Run s = run("train", "--surrogate", "wiggly:3");
        assertTrue(s.err().contains("--surrogate kind must be one of"), s.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
