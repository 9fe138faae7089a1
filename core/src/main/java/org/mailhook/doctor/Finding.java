package org.mailhook.doctor;

/**
 * One result of {@code mailhook doctor}: a stable {@code id} (e.g. {@code mx.count}), a status, the
 * name it is about ({@code subject}), a one-line message saying what was found and a one-line advice
 * saying what to do (empty when there is nothing to do).
 */
public record Finding(String id, Status status, String subject, String message, String advice) {

    public enum Status {
        PASS, WARN, FAIL;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Finding pass(String id, String subject, String message) {
        return new Finding(id, Status.PASS, subject, message, "");
    }

    public static Finding warn(String id, String subject, String message, String advice) {
        return new Finding(id, Status.WARN, subject, message, advice);
    }

    public static Finding fail(String id, String subject, String message, String advice) {
        return new Finding(id, Status.FAIL, subject, message, advice);
    }
}
