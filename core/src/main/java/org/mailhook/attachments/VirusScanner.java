package org.mailhook.attachments;

/** A virus scanner for one attachment's bytes (ClamAV's clamd in production, a fake in tests). */
public interface VirusScanner {
    /** Never throws: an unreachable or failing scanner is a {@link VirusScan.Status#UNAVAILABLE} result. */
    VirusScan scan(byte[] content);
}
