package io.streamlsq.app.predict;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code columns} section of the result JSON: which data columns the fit read, so that {@code lsq predict} can
 * bind the same model to a file again ({@code {"variables": {variable: column}, "y": column, "sigma": column or null}},
 * docs/result-json.md). No JSON library here: the map is written with the rest of the result.
 */
public final class FitColumns {
    private FitColumns() {
    }

    /**
     * @param variables the model's variables → the columns bound to them, in the model's variable order
     * @param y the response column
     * @param sigma the column of standard deviations, or null
     */
    public static Map<String, Object> json(Map<String, String> variables, String y, String sigma) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("variables", new LinkedHashMap<>(variables));
        m.put("y", y);
        m.put("sigma", sigma);
        return m;
    }
}
