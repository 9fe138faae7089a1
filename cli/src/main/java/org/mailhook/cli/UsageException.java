package org.mailhook.cli;

/** Bad usage or unreadable input: printed as one line on stderr, exit code 2. */
public class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
