package io.streamlsq.testkit;

import io.streamlsq.model.Model;
import java.util.ArrayList;
import java.util.List;

/** The 27 NIST StRD models with hand-written analytic Jacobians (test code, checked against differences). */
public final class NistModels {
    private NistModels() {
    }

    private static List<String> b(int p) {
        List<String> n = new ArrayList<>();
        for (int k = 1; k <= p; k++) {
            n.add("b" + k);
        }
        return n;
    }

    /** The model of problem {@code name}. Nelson's response is log(y): see {@link #transformY}. */
    public static Model of(String name) {
        return switch (name) {
            case "Misra1a", "BoxBOD" -> new RowModel(b(2), List.of("x"), "b1*(1-exp(-b2*x))", (x, b, g) -> {
                double e = Math.exp(-b[1] * x[0]);
                if (g != null) {
                    g[0] = 1 - e;
                    g[1] = b[0] * x[0] * e;
                }
                return b[0] * (1 - e);
            });
            case "Chwirut1", "Chwirut2" -> new RowModel(b(3), List.of("x"), "exp(-b1*x)/(b2+b3*x)", (x, b, g) -> {
                double e = Math.exp(-b[0] * x[0]);
                double u = b[1] + b[2] * x[0];
                double f = e / u;
                if (g != null) {
                    g[0] = -x[0] * f;
                    g[1] = -e / (u * u);
                    g[2] = -x[0] * e / (u * u);
                }
                return f;
            });
            case "Lanczos1", "Lanczos2", "Lanczos3" -> new RowModel(b(6), List.of("x"),
                    "b1*exp(-b2*x)+b3*exp(-b4*x)+b5*exp(-b6*x)", (x, b, g) -> {
                        double f = 0;
                        for (int q = 0; q < 3; q++) {
                            double e = Math.exp(-b[2 * q + 1] * x[0]);
                            f += b[2 * q] * e;
                            if (g != null) {
                                g[2 * q] = e;
                                g[2 * q + 1] = -b[2 * q] * x[0] * e;
                            }
                        }
                        return f;
                    });
            case "Gauss1", "Gauss2", "Gauss3" -> new RowModel(b(8), List.of("x"),
                    "b1*exp(-b2*x)+b3*exp(-(x-b4)^2/b5^2)+b6*exp(-(x-b7)^2/b8^2)", (x, b, g) -> {
                        double t = x[0];
                        double e = Math.exp(-b[1] * t);
                        double d1 = t - b[3];
                        double d2 = t - b[6];
                        double g1 = Math.exp(-d1 * d1 / (b[4] * b[4]));
                        double g2 = Math.exp(-d2 * d2 / (b[7] * b[7]));
                        if (g != null) {
                            g[0] = e;
                            g[1] = -b[0] * t * e;
                            g[2] = g1;
                            g[3] = b[2] * g1 * 2 * d1 / (b[4] * b[4]);
                            g[4] = b[2] * g1 * 2 * d1 * d1 / (b[4] * b[4] * b[4]);
                            g[5] = g2;
                            g[6] = b[5] * g2 * 2 * d2 / (b[7] * b[7]);
                            g[7] = b[5] * g2 * 2 * d2 * d2 / (b[7] * b[7] * b[7]);
                        }
                        return b[0] * e + b[2] * g1 + b[5] * g2;
                    });
            case "DanWood" -> new RowModel(b(2), List.of("x"), "b1*x^b2", (x, b, g) -> {
                double pw = Math.pow(x[0], b[1]);
                if (g != null) {
                    g[0] = pw;
                    g[1] = b[0] * pw * Math.log(x[0]);
                }
                return b[0] * pw;
            });
            case "Misra1b" -> new RowModel(b(2), List.of("x"), "b1*(1-(1+b2*x/2)^(-2))", (x, b, g) -> {
                double u = 1 + b[1] * x[0] / 2;
                if (g != null) {
                    g[0] = 1 - 1 / (u * u);
                    g[1] = b[0] * x[0] / (u * u * u);
                }
                return b[0] * (1 - 1 / (u * u));
            });
            case "Kirby2" -> new RowModel(b(5), List.of("x"), "(b1+b2*x+b3*x^2)/(1+b4*x+b5*x^2)", (x, b, g) -> {
                double t = x[0];
                double num = b[0] + b[1] * t + b[2] * t * t;
                double den = 1 + b[3] * t + b[4] * t * t;
                if (g != null) {
                    g[0] = 1 / den;
                    g[1] = t / den;
                    g[2] = t * t / den;
                    g[3] = -num * t / (den * den);
                    g[4] = -num * t * t / (den * den);
                }
                return num / den;
            });
            case "Hahn1", "Thurber" -> new RowModel(b(7), List.of("x"),
                    "(b1+b2*x+b3*x^2+b4*x^3)/(1+b5*x+b6*x^2+b7*x^3)", (x, b, g) -> {
                        double t = x[0];
                        double t2 = t * t;
                        double t3 = t2 * t;
                        double num = b[0] + b[1] * t + b[2] * t2 + b[3] * t3;
                        double den = 1 + b[4] * t + b[5] * t2 + b[6] * t3;
                        if (g != null) {
                            g[0] = 1 / den;
                            g[1] = t / den;
                            g[2] = t2 / den;
                            g[3] = t3 / den;
                            double q = -num / (den * den);
                            g[4] = q * t;
                            g[5] = q * t2;
                            g[6] = q * t3;
                        }
                        return num / den;
                    });
            case "Nelson" -> new RowModel(b(3), List.of("x1", "x2"), "b1-b2*x1*exp(-b3*x2)", (x, b, g) -> {
                double e = Math.exp(-b[2] * x[1]);
                if (g != null) {
                    g[0] = 1;
                    g[1] = -x[0] * e;
                    g[2] = b[1] * x[0] * x[1] * e;
                }
                return b[0] - b[1] * x[0] * e;
            });
            case "MGH17" -> new RowModel(b(5), List.of("x"), "b1+b2*exp(-x*b4)+b3*exp(-x*b5)", (x, b, g) -> {
                double e4 = Math.exp(-x[0] * b[3]);
                double e5 = Math.exp(-x[0] * b[4]);
                if (g != null) {
                    g[0] = 1;
                    g[1] = e4;
                    g[2] = e5;
                    g[3] = -b[1] * x[0] * e4;
                    g[4] = -b[2] * x[0] * e5;
                }
                return b[0] + b[1] * e4 + b[2] * e5;
            });
            case "Misra1c" -> new RowModel(b(2), List.of("x"), "b1*(1-(1+2*b2*x)^(-0.5))", (x, b, g) -> {
                double u = 1 + 2 * b[1] * x[0];
                double s = 1 / Math.sqrt(u);
                if (g != null) {
                    g[0] = 1 - s;
                    g[1] = b[0] * x[0] * s / u;
                }
                return b[0] * (1 - s);
            });
            case "Misra1d" -> new RowModel(b(2), List.of("x"), "b1*b2*x*((1+b2*x)^(-1))", (x, b, g) -> {
                double u = 1 + b[1] * x[0];
                if (g != null) {
                    g[0] = b[1] * x[0] / u;
                    g[1] = b[0] * x[0] / (u * u);
                }
                return b[0] * b[1] * x[0] / u;
            });
            case "Roszman1" -> new RowModel(b(4), List.of("x"), "b1-b2*x-atan(b3/(x-b4))/pi", (x, b, g) -> {
                double d = x[0] - b[3];
                double u = b[2] / d;
                if (g != null) {
                    double c = 1 / (Math.PI * (1 + u * u));
                    g[0] = 1;
                    g[1] = -x[0];
                    g[2] = -c / d;
                    g[3] = -c * b[2] / (d * d);
                }
                return b[0] - b[1] * x[0] - Math.atan(u) / Math.PI;
            });
            case "ENSO" -> new RowModel(b(9), List.of("x"), "ENSO (annual + two cycles)", (x, b, g) -> {
                double t = x[0];
                double w0 = 2 * Math.PI * t / 12;
                double w4 = 2 * Math.PI * t / b[3];
                double w7 = 2 * Math.PI * t / b[6];
                double c4 = Math.cos(w4);
                double s4 = Math.sin(w4);
                double c7 = Math.cos(w7);
                double s7 = Math.sin(w7);
                if (g != null) {
                    g[0] = 1;
                    g[1] = Math.cos(w0);
                    g[2] = Math.sin(w0);
                    g[3] = (b[4] * s4 - b[5] * c4) * w4 / b[3];
                    g[4] = c4;
                    g[5] = s4;
                    g[6] = (b[7] * s7 - b[8] * c7) * w7 / b[6];
                    g[7] = c7;
                    g[8] = s7;
                }
                return b[0] + b[1] * Math.cos(w0) + b[2] * Math.sin(w0) + b[4] * c4 + b[5] * s4 + b[7] * c7 + b[8] * s7;
            });
            case "MGH09" -> new RowModel(b(4), List.of("x"), "b1*(x^2+x*b2)/(x^2+x*b3+b4)", (x, b, g) -> {
                double t = x[0];
                double num = t * t + t * b[1];
                double den = t * t + t * b[2] + b[3];
                if (g != null) {
                    g[0] = num / den;
                    g[1] = b[0] * t / den;
                    g[2] = -b[0] * num * t / (den * den);
                    g[3] = -b[0] * num / (den * den);
                }
                return b[0] * num / den;
            });
            case "Rat42" -> new RowModel(b(3), List.of("x"), "b1/(1+exp(b2-b3*x))", (x, b, g) -> {
                double e = Math.exp(b[1] - b[2] * x[0]);
                double u = 1 + e;
                if (g != null) {
                    g[0] = 1 / u;
                    g[1] = -b[0] * e / (u * u);
                    g[2] = b[0] * x[0] * e / (u * u);
                }
                return b[0] / u;
            });
            case "MGH10" -> new RowModel(b(3), List.of("x"), "b1*exp(b2/(x+b3))", (x, b, g) -> {
                double d = x[0] + b[2];
                double e = Math.exp(b[1] / d);
                if (g != null) {
                    g[0] = e;
                    g[1] = b[0] * e / d;
                    g[2] = -b[0] * e * b[1] / (d * d);
                }
                return b[0] * e;
            });
            case "Eckerle4" -> new RowModel(b(3), List.of("x"), "(b1/b2)*exp(-0.5*((x-b3)/b2)^2)", (x, b, g) -> {
                double z = (x[0] - b[2]) / b[1];
                double e = Math.exp(-0.5 * z * z);
                if (g != null) {
                    g[0] = e / b[1];
                    g[1] = b[0] * e / (b[1] * b[1]) * (z * z - 1);
                    g[2] = b[0] * e * z / (b[1] * b[1]);
                }
                return b[0] / b[1] * e;
            });
            case "Rat43" -> new RowModel(b(4), List.of("x"), "b1/((1+exp(b2-b3*x))^(1/b4))", (x, b, g) -> {
                double e = Math.exp(b[1] - b[2] * x[0]);
                double u = 1 + e;
                double pw = Math.pow(u, -1 / b[3]);
                if (g != null) {
                    g[0] = pw;
                    g[1] = -b[0] * pw * e / (b[3] * u);
                    g[2] = b[0] * pw * x[0] * e / (b[3] * u);
                    g[3] = b[0] * pw * Math.log(u) / (b[3] * b[3]);
                }
                return b[0] * pw;
            });
            case "Bennett5" -> new RowModel(b(3), List.of("x"), "b1*(b2+x)^(-1/b3)", (x, b, g) -> {
                double u = b[1] + x[0];
                double pw = Math.pow(u, -1 / b[2]);
                if (g != null) {
                    g[0] = pw;
                    g[1] = -b[0] * pw / (b[2] * u);
                    g[2] = b[0] * pw * Math.log(u) / (b[2] * b[2]);
                }
                return b[0] * pw;
            });
            default -> throw new IllegalArgumentException("no NIST model " + name);
        };
    }

    /** The response the model predicts: log(y) for Nelson, y otherwise. */
    public static double[] transformY(String name, double[] y) {
        if (!name.equals("Nelson")) {
            return y.clone();
        }
        double[] t = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            t[i] = Math.log(y[i]);
        }
        return t;
    }
}
