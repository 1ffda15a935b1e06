package io.streamlsq.service;

/** A refused request: the HTTP status and a message that names the thing, its value and the rule. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }
}
