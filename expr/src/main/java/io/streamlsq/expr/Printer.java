package io.streamlsq.expr;

/** Prints a node back as an expression of the language (fully parenthesized where needed). */
final class Printer {
    private Printer() {
    }

    static String print(Node n) {
        StringBuilder b = new StringBuilder();
        print(n, b);
        return b.toString();
    }

    private static void print(Node n, StringBuilder b) {
        switch (n.kind) {
            case NUMBER -> b.append(n.value < 0 ? "(" + n.value + ")" : Double.toString(n.value));
            case PARAMETER, VARIABLE -> b.append(n.name);
            case NEG -> {
                b.append("(-");
                print(n.args[0], b);
                b.append(')');
            }
            case ADD, SUB, MUL, DIV, POW -> {
                b.append('(');
                print(n.args[0], b);
                b.append(switch (n.kind) {
                    case ADD -> " + ";
                    case SUB -> " - ";
                    case MUL -> "*";
                    case DIV -> "/";
                    default -> "^";
                });
                print(n.args[1], b);
                b.append(')');
            }
            case CALL -> {
                b.append(n.fn.text()).append('(');
                for (int i = 0; i < n.args.length; i++) {
                    if (i > 0) {
                        b.append(", ");
                    }
                    print(n.args[i], b);
                }
                b.append(')');
            }
            default -> throw new AssertionError(n.kind);
        }
    }
}
