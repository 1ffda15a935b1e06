package io.streamlsq.expr;

/**
 * A model expression that cannot be accepted: a syntax error, an unknown name, a wrong number of
 * arguments, a limit exceeded. The message quotes the expression and points at the column (1-based).
 */
public class ExprException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int column;

    public ExprException(String text, int column, String problem) {
        this("model expression", text, column, problem);
    }

    /**
     * @param subject what the text is, first in the message (e.g. {@code tie m2}); the default is
     *     {@code model expression}
     */
    public ExprException(String subject, String text, int column, String problem) {
        super(format(subject, text, column, problem));
        this.column = column;
    }

    /** This problem said of {@code subject} instead of the model expression (the message's first words). */
    ExprException about(String subject) {
        String m = getMessage();
        return new ExprException(subject + m.substring(m.startsWith("model expression") ? "model expression".length() : 0),
                column);
    }

    private ExprException(String message, int column) {
        super(message);
        this.column = column;
    }

    /** 1-based column of the problem, 0 when it concerns the whole expression. */
    public int column() {
        return column;
    }

    private static String format(String subject, String text, int column, String problem) {
        if (column <= 0 || text == null) {
            return subject + ": " + problem;
        }
        // Quote at most 60 characters around the column, so a huge expression gives a short message.
        int from = Math.max(0, column - 1 - 30);
        int to = Math.min(text.length(), column - 1 + 30);
        String snippet = (from > 0 ? "..." : "") + printable(text.substring(from, to)) + (to < text.length() ? "..." : "");
        int caret = column - 1 - from + (from > 0 ? 3 : 0);
        return subject + ", column " + column + ": " + problem + "\n  " + snippet + "\n  " + " ".repeat(caret) + "^";
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? c : '?');
        }
        return b.toString();
    }
}
