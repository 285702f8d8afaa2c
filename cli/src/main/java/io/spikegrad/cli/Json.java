package io.spikegrad.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;

/** Shared JSON settings: one line, NaN refused (a NaN in output is a bug, not a number). */
final class Json {
    private Json() {}

    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /** A flat float array as nested JSON arrays of the given shape. */
    static JsonArray nested(float[] values, int[] shape) {
        return nested(values, shape, 0, 0);
    }

    private static JsonArray nested(float[] v, int[] shape, int dim, int offset) {
        JsonArray a = new JsonArray();
        int stride = 1;
        for (int d = dim + 1; d < shape.length; d++) stride *= shape[d];
        for (int i = 0; i < shape[dim]; i++) {
            if (dim == shape.length - 1) a.add(v[offset + i]);
            else a.add(nested(v, shape, dim + 1, offset + i * stride));
        }
        return a;
    }
}
