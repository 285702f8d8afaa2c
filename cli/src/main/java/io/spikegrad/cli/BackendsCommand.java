package io.spikegrad.cli;

import com.google.gson.JsonObject;
import io.spikegrad.Backends;
import java.util.Map;
import picocli.CommandLine.Command;

/** Lists the backends and why an unavailable one cannot run here. */
@Command(name = "backends", mixinStandardHelpOptions = true, description = "List backends and whether each can run here.")
final class BackendsCommand implements Runnable {
    @Override
    public void run() {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, String> e : Backends.status().entrySet()) {
            System.err.printf("%-10s %s%n", e.getKey(), e.getValue());
            out.addProperty(e.getKey(), e.getValue());
        }
        System.out.println(Json.GSON.toJson(out));
    }
}
