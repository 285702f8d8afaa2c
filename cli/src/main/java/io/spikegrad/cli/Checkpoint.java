package io.spikegrad.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A training checkpoint: the file {@value #FILE} in a run directory.
 *
 * <p>Layout (big-endian, {@link DataOutputStream}): the magic {@code SGCK}, a format version (int), the length of
 * a UTF-8 JSON header (int) and the header (config, epochs done, history, parameter names, lengths and shapes,
 * optimizer state names and lengths), then the raw IEEE-754 bits of every parameter array and then of every
 * optimizer state array, in header order, and last the SHA-256 of all preceding bytes. Floats are stored with
 * {@link Float#floatToRawIntBits}, so they round-trip bit-exactly (NaN payloads and -0.0 included).
 *
 * <p>{@link #write} replaces the file atomically (temp file, fsync, atomic rename), so a crash leaves either the
 * previous checkpoint or the new one, never a half-written file. {@link #read} checks magic, version and checksum
 * before it trusts any field.
 */
final class Checkpoint {
    private Checkpoint() {}

    /** The checkpoint's file name inside its directory. */
    static final String FILE = "checkpoint.bin";
    static final String TEMP = FILE + ".tmp";
    static final int VERSION = 1;
    private static final byte[] MAGIC = {'S', 'G', 'C', 'K'};
    private static final int HASH_BYTES = 32;
    /** magic, version, header length, hash. */
    private static final int MIN_SIZE = 4 + 4 + 4 + HASH_BYTES;
    private static final int CHUNK = 1 << 16;

    /**
     * Everything needed to resume training.
     *
     * @param config     the run's settings (may be null)
     * @param epochsDone how many epochs the parameters have been trained for
     * @param params     parameter arrays by name, in a fixed order
     * @param shapes     the shape of each parameter by name (the product must equal the array's length)
     * @param optimizer  optimizer state arrays by name (e.g. Adam moments); read back as a {@link LinkedHashMap}
     * @param history    one record per finished epoch
     */
    record Data(JsonObject config, int epochsDone, LinkedHashMap<String, float[]> params,
                LinkedHashMap<String, int[]> shapes, Map<String, float[]> optimizer, List<EpochRecord> history) {
        Data {
            Objects.requireNonNull(params, "params");
            Objects.requireNonNull(shapes, "shapes");
            Objects.requireNonNull(optimizer, "optimizer");
            Objects.requireNonNull(history, "history");
        }
    }

    /** Whether {@code dir} holds a checkpoint file (it is not read, so it may still be corrupt). */
    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /**
     * Writes {@code d} to {@code dir}/{@value #FILE}, creating {@code dir} if needed. The file is written to a
     * temp file in the same directory, forced to disk and then atomically renamed over the previous checkpoint.
     *
     * @throws IllegalArgumentException if a shape does not match its parameter's length
     */
    static void write(Path dir, Data d) throws IOException {
        for (Map.Entry<String, int[]> s : d.shapes().entrySet()) {
            float[] p = d.params().get(s.getKey());
            if (p != null && product(s.getValue()) != p.length)
                throw new IllegalArgumentException("shape " + Arrays.toString(s.getValue()) + " of parameter '"
                        + s.getKey() + "' does not match its " + p.length + " values");
        }
        byte[] header = Json.GSON.toJson(header(d)).getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(dir);
        Path target = dir.resolve(FILE), tmp = dir.resolve(TEMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            MessageDigest md = sha256();
            OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), CHUNK);
            DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, md));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(header.length);
            out.write(header);
            byte[] buf = new byte[CHUNK];
            for (float[] p : d.params().values()) writeFloats(out, p, buf);
            for (float[] o : d.optimizer().values()) writeFloats(out, o, buf);
            out.flush();
            raw.write(md.digest());
            raw.flush();
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
    }

    /**
     * Reads the checkpoint in {@code dir}.
     *
     * @throws FileNotFoundException if there is none
     * @throws IOException           if it is truncated, corrupt or of another format version; the message says so
     *                               and names the file
     */
    static Data read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new FileNotFoundException("no checkpoint found in " + dir + " (no " + FILE + ")");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < MIN_SIZE) throw corrupt(file, "only " + size + " bytes");
            DataInputStream in = stream(ch, 0);
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) throw corrupt(file, "not a spikegrad checkpoint: bad magic");
            int version = in.readInt();
            if (version != VERSION) throw corrupt(file, "format version " + version + ", this build reads " + VERSION);
            verifyChecksum(file, ch, size);
            try {
                return parse(file, stream(ch, 8), size);
            } catch (EOFException e) {
                throw corrupt(file, "ends early");
            } catch (RuntimeException e) { // malformed JSON or a missing field
                throw corrupt(file, "bad header: " + e);
            }
        }
    }

    private static void verifyChecksum(Path file, FileChannel ch, long size) throws IOException {
        MessageDigest md = sha256();
        DataInputStream in = stream(ch, 0);
        byte[] buf = new byte[CHUNK];
        for (long left = size - HASH_BYTES; left > 0; ) {
            int n = (int) Math.min(left, buf.length);
            in.readFully(buf, 0, n);
            md.update(buf, 0, n);
            left -= n;
        }
        byte[] stored = new byte[HASH_BYTES];
        in.readFully(stored);
        if (!MessageDigest.isEqual(stored, md.digest())) throw corrupt(file, "SHA-256 checksum mismatch");
    }

    /** Parses what follows magic and version; the checksum has been verified. */
    private static Data parse(Path file, DataInputStream in, long size) throws IOException {
        long pos = 8;
        long end = size - HASH_BYTES;
        int headerLength = in.readInt();
        pos += 4;
        if (headerLength < 0 || headerLength > end - pos) throw corrupt(file, "header length " + headerLength + " out of range");
        byte[] hb = new byte[headerLength];
        in.readFully(hb);
        pos += headerLength;
        JsonObject h = JsonParser.parseString(new String(hb, StandardCharsets.UTF_8)).getAsJsonObject();

        List<Map.Entry<String, Integer>> paramLengths = lengths(file, h.getAsJsonArray("params"));
        List<Map.Entry<String, Integer>> optLengths = lengths(file, h.getAsJsonArray("optimizer"));
        long floats = 0;
        for (var e : paramLengths) floats += e.getValue();
        for (var e : optLengths) floats += e.getValue();
        if (floats * 4 != end - pos)
            throw corrupt(file, "header lists " + floats + " floats but " + (end - pos) + " bytes of data follow");

        LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : h.getAsJsonObject("shapes").entrySet()) {
            JsonArray a = e.getValue().getAsJsonArray();
            int[] s = new int[a.size()];
            for (int i = 0; i < s.length; i++) s[i] = a.get(i).getAsInt();
            shapes.put(e.getKey(), s);
        }
        byte[] buf = new byte[CHUNK];
        LinkedHashMap<String, float[]> params = new LinkedHashMap<>();
        for (var e : paramLengths) {
            int[] s = shapes.get(e.getKey());
            if (s != null && product(s) != e.getValue()) throw corrupt(file, "shape of '" + e.getKey() + "' does not match its length");
            if (params.put(e.getKey(), readFloats(in, e.getValue(), buf)) != null) throw corrupt(file, "duplicate parameter '" + e.getKey() + "'");
        }
        LinkedHashMap<String, float[]> optimizer = new LinkedHashMap<>();
        for (var e : optLengths)
            if (optimizer.put(e.getKey(), readFloats(in, e.getValue(), buf)) != null) throw corrupt(file, "duplicate optimizer state '" + e.getKey() + "'");

        List<EpochRecord> history = new ArrayList<>();
        for (JsonElement el : h.getAsJsonArray("history")) {
            JsonObject r = el.getAsJsonObject();
            history.add(new EpochRecord(r.get("epoch").getAsInt(), num(r, "trainLoss"), num(r, "trainAccuracy"),
                    num(r, "validLoss"), num(r, "validAccuracy"), num(r, "spikesPerNeuron"), num(r, "seconds")));
        }
        JsonElement config = h.get("config");
        return new Data(config == null || config.isJsonNull() ? null : config.getAsJsonObject(),
                h.get("epochsDone").getAsInt(), params, shapes, optimizer, history);
    }

    private static JsonObject header(Data d) {
        JsonObject h = new JsonObject();
        h.add("config", d.config() == null ? JsonNull.INSTANCE : d.config());
        h.addProperty("epochsDone", d.epochsDone());
        JsonArray history = new JsonArray();
        for (EpochRecord r : d.history()) {
            JsonObject o = new JsonObject();
            o.addProperty("epoch", r.epoch());
            o.add("trainLoss", num(r.trainLoss()));
            o.add("trainAccuracy", num(r.trainAccuracy()));
            o.add("validLoss", num(r.validLoss()));
            o.add("validAccuracy", num(r.validAccuracy()));
            o.add("spikesPerNeuron", num(r.spikesPerNeuron()));
            o.add("seconds", num(r.seconds()));
            history.add(o);
        }
        h.add("history", history);
        h.add("params", lengths(d.params()));
        JsonObject shapes = new JsonObject();
        for (Map.Entry<String, int[]> e : d.shapes().entrySet()) {
            JsonArray a = new JsonArray();
            for (int v : e.getValue()) a.add(v);
            shapes.add(e.getKey(), a);
        }
        h.add("shapes", shapes);
        h.add("optimizer", lengths(d.optimizer()));
        return h;
    }

    private static JsonArray lengths(Map<String, float[]> arrays) {
        JsonArray a = new JsonArray();
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", e.getKey());
            o.addProperty("length", e.getValue().length);
            a.add(o);
        }
        return a;
    }

    private static List<Map.Entry<String, Integer>> lengths(Path file, JsonArray a) throws IOException {
        List<Map.Entry<String, Integer>> out = new ArrayList<>();
        for (JsonElement el : a) {
            JsonObject o = el.getAsJsonObject();
            long n = o.get("length").getAsLong();
            if (n < 0 || n > Integer.MAX_VALUE - 8) throw corrupt(file, "length " + n + " out of range");
            out.add(Map.entry(o.get("name").getAsString(), (int) n));
        }
        return out;
    }

    /** JSON has no NaN or infinities: those go as strings, which {@link JsonElement#getAsDouble} parses back. */
    private static JsonPrimitive num(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : new JsonPrimitive(Double.toString(v));
    }

    private static double num(JsonObject o, String key) {
        return o.get(key).getAsDouble();
    }

    private static void writeFloats(DataOutputStream out, float[] v, byte[] buf) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf);
        for (int i = 0; i < v.length; ) {
            int n = Math.min(v.length - i, buf.length / 4);
            bb.clear();
            for (int k = 0; k < n; k++) bb.putInt(Float.floatToRawIntBits(v[i + k]));
            out.write(buf, 0, n * 4);
            i += n;
        }
    }

    private static float[] readFloats(DataInputStream in, int length, byte[] buf) throws IOException {
        float[] v = new float[length];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        for (int i = 0; i < length; ) {
            int n = Math.min(length - i, buf.length / 4);
            in.readFully(buf, 0, n * 4);
            bb.clear();
            for (int k = 0; k < n; k++) v[i + k] = Float.intBitsToFloat(bb.getInt());
            i += n;
        }
        return v;
    }

    private static long product(int[] shape) {
        long p = 1;
        for (int s : shape) p *= s;
        return p;
    }

    /** A buffered stream over {@code ch} from {@code position}; closing the channel is the caller's job. */
    private static DataInputStream stream(FileChannel ch, long position) throws IOException {
        ch.position(position);
        InputStream in = Channels.newInputStream(ch);
        return new DataInputStream(new BufferedInputStream(in, CHUNK));
    }

    /** Makes the rename durable where the platform allows fsync on a directory (Linux does; elsewhere a no-op). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported here: the rename is still atomic, just not yet durable
        }
    }

    private static IOException corrupt(Path file, String what) {
        return new IOException("checkpoint " + file + " is corrupt (" + what
                + "): refusing to resume; delete it or point --resume at another run");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }
}
