package io.spikegrad.cli;

import com.google.gson.JsonObject;

/**
 * The settings of a training run, stored in every checkpoint so that --resume needs nothing else.
 * The last five are EventProp's (EventPropSetup; null in older checkpoints: the defaults).
 */
record RunConfig(String task, String method, int hidden, long seed, double dt, double lr, int batch, int epochs,
                 String surrogate, String schedule, double regSpikes, String regRate, boolean detachReset, double clip, String hiddenInit, String readoutInit, int limit, String data,
                 String loss, Double missingHidden, Double missingOutput, Double bump, Double sampleClip) {

    RunConfig withEpochs(int n) {
        return new RunConfig(task, method, hidden, seed, dt, lr, batch, n, surrogate, schedule, regSpikes, regRate, detachReset, clip, hiddenInit, readoutInit, limit, data,
                loss, missingHidden, missingOutput, bump, sampleClip);
    }

    JsonObject toJson() {
        return Json.GSON.toJsonTree(this).getAsJsonObject();
    }

    static RunConfig fromJson(JsonObject o) {
        return Json.GSON.fromJson(o, RunConfig.class);
    }
}
