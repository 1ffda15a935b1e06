package io.streamlsq.phase;

import java.util.List;

/**
 * Ends a phase when its loss stops falling (seeds-others.md §1(d)). At step {@code i} (the index of the
 * newest loss) the rule checks only when {@code i >= minStep} and {@code i % checkEvery == 0}; the trend
 * is {@code loss[i - window] - loss[i]}, compared with {@code criterion} as it is (ABSOLUTE) or divided by
 * {@code |loss[i]|} (RELATIVE). The step-i loss is kept, so a stop at step i leaves i + 1 losses.
 *
 * <p>Off unless a phase asks for it. {@link #spectraclesCompat()} reproduces spectracles' absolute 1e2, which
 * stops almost every phase at step 100 whatever the scale of its loss; {@link #relative(double)} is the
 * scale-free form for real use.
 */
public record PlateauRule(double criterion, Mode mode, int window, int checkEvery, int minStep) {
    /** How the trend is compared with the criterion. */
    public enum Mode { ABSOLUTE, RELATIVE }

    /**
     * @throws IllegalArgumentException if the criterion is not positive and finite, or window, checkEvery or
     *     minStep is out of range (window ≥ 1, checkEvery ≥ 1, minStep ≥ window)
     */
    public PlateauRule {
        if (!(criterion > 0) || !Double.isFinite(criterion)) {
            throw new IllegalArgumentException("plateau criterion = " + criterion + ": must be positive and finite");
        }
        if (mode == null) {
            throw new IllegalArgumentException("plateau mode is null: ABSOLUTE or RELATIVE");
        }
        if (window < 1 || checkEvery < 1 || minStep < window) {
            throw new IllegalArgumentException("plateau window = " + window + ", checkEvery = " + checkEvery
                    + ", minStep = " + minStep + ": need window >= 1, checkEvery >= 1 and minStep >= window");
        }
    }

    /** spectracles' rule: absolute criterion 1e2, window 49, checked every 50 steps from step 100. */
    public static PlateauRule spectraclesCompat() {
        return spectraclesCompat(1e2);
    }

    /** spectracles' cadence with another absolute criterion. */
    public static PlateauRule spectraclesCompat(double criterion) {
        return new PlateauRule(criterion, Mode.ABSOLUTE, 49, 50, 100);
    }

    /** Relative improvement over the last step below {@code criterion}, checked every step from step 2. */
    public static PlateauRule relative(double criterion) {
        return new PlateauRule(criterion, Mode.RELATIVE, 1, 1, 2);
    }

    /** Whether the newest loss ({@code losses.get(losses.size() - 1)}, step i = size − 1) ends the phase. */
    public boolean reached(List<Double> losses) {
        int i = losses.size() - 1;
        if (i < minStep || i % checkEvery != 0) {
            return false;
        }
        double now = losses.get(i);
        double trend = losses.get(i - window) - now;
        double measure = mode == Mode.ABSOLUTE ? trend
                : now == 0 ? (trend == 0 ? 0 : Double.POSITIVE_INFINITY) : trend / Math.abs(now);
        return measure < criterion;
    }
}
