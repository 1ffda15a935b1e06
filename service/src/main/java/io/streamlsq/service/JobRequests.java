package io.streamlsq.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlsq.app.FitJobs;
import io.streamlsq.expr.ExprException;
import io.streamlsq.expr.ExpressionCompiler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A POST /api/jobs body → the job's settings. The body has the keys of an {@code lsq fit --config} file, read by
 * the same code ({@link FitJobs#settings}); on top of that the service refuses the settings it owns (where results
 * and checkpoints go) or cannot honour (the Spark engine), bounds the model text and the threads, resolves the data
 * path under the data root, and parses the model once so a typo is a 400, not a failed job. Parsing builds an
 * expression tree only: nothing of the text reaches the Java compiler (the fit's compilation generates Java from
 * the tree, with names of its own: docs/service.md).
 */
final class JobRequests {
    /** Settings the service sets itself, with what to use instead. */
    static final Map<String, String> OWNED = Map.ofEntries(
            Map.entry("out", "the result is GET /api/jobs/ID/result"),
            Map.entry("metrics-file", "the service's metrics are GET /metrics"),
            Map.entry("checkpoint-dir", "every job checkpoints into its directory in the state directory"),
            Map.entry("plot", "every job writes its plots into its directory: GET /api/jobs/ID/plots/NAME"),
            Map.entry("group-by", "grouped fits write a results table the service does not serve yet: run lsq fit --group-by"),
            Map.entry("engine", "the service runs fits on its own threads (--engine local)"),
            Map.entry("spark-master", "the service runs fits on its own threads (--engine local)"),
            Map.entry("spark-partitions", "the service runs fits on its own threads (--engine local)"));
    /** Settings that name an input file: confined to the data root. */
    static final List<String> PATHS = List.of("data", "p0-table");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final DataRoot dataRoot;
    private final int maxModelChars;
    private final int maxThreads;

    JobRequests(DataRoot dataRoot, int maxModelChars, int maxThreads) {
        this.dataRoot = dataRoot;
        this.maxModelChars = maxModelChars;
        this.maxThreads = maxThreads;
    }

    /** The request's settings (keys normalised), validated; throws {@link ApiException} naming what is wrong. */
    Map<String, Object> parse(byte[] body) {
        Object tree;
        try {
            tree = JSON.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw new ApiException(400, "the request body could not be read: " + e.getMessage());
        }
        if (!(tree instanceof Map)) {
            throw new ApiException(400, "the request body must be a JSON object of settings (the keys of lsq fit"
                    + " --config), not " + (tree == null ? "null" : tree instanceof List ? "an array" : "a value"));
        }
        Map<String, Object> request;
        try {
            request = FitJobs.settings(tree, "request body");
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        for (String k : request.keySet()) {
            if (OWNED.containsKey(k)) {
                throw new ApiException(400, "setting '" + k + "' is not taken by the service: " + OWNED.get(k));
            }
        }
        for (String k : List.of("data", "model", "p0")) {
            if (request.get(k) == null) {
                throw new ApiException(400, "setting '" + k + "' is required");
            }
        }
        for (String k : List.of("data", "model", "p0-table")) {
            if (request.containsKey(k) && !(request.get(k) instanceof String)) {
                throw new ApiException(400, "setting '" + k + "' must be a string, not " + request.get(k));
            }
        }
        checkModelText(request);
        Object threads = request.get("threads");
        if (threads != null && !(threads instanceof Integer t && t >= 1 && t <= maxThreads)) {
            throw new ApiException(400, "setting 'threads' = " + threads + " must be a whole number from 1 to "
                    + maxThreads + " (the server's cores)");
        }
        try {
            ExpressionCompiler.names((String) request.get("model"));
        } catch (ExprException e) {
            throw new ApiException(400, "setting 'model': " + e.getMessage());
        }
        for (String k : PATHS) {
            if (request.get(k) != null) {
                dataRoot.resolve(k, (String) request.get(k)); // refuses escapes now (resolved again for the settings)
            }
        }
        return request;
    }

    /** The model, ties and penalties: all model-language text, {@code maxModelChars} at most together. */
    private void checkModelText(Map<String, Object> request) {
        long chars = 0;
        for (String k : Set.of("model", "ties", "penalties", "schedule")) {
            Object v = request.get(k);
            if (v != null) {
                try {
                    chars += v instanceof String s ? s.length() : JSON.writeValueAsString(v).length();
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        if (chars > maxModelChars) {
            throw new ApiException(413, "the model text (model, ties, penalties and schedule) has " + chars
                    + " characters; this server takes at most " + maxModelChars + " (--max-model-chars)");
        }
    }

    /** The settings the job runs with: the request's, the data path resolved, outputs in {@code jobDir}. */
    Map<String, Object> settings(Map<String, Object> request, Path jobDir) {
        Map<String, Object> s = new LinkedHashMap<>(request);
        for (String k : PATHS) {
            if (request.get(k) != null) {
                s.put(k, dataRoot.resolve(k, (String) request.get(k)));
            }
        }
        s.put("plot", jobDir.resolve("plots").toString());
        s.put("checkpoint-dir", jobDir.resolve("checkpoints").toString());
        s.put("out", jobDir.resolve("result.json").toString());
        return s;
    }
}
