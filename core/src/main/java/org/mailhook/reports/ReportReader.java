package org.mailhook.reports;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The front door: tells from a part's content type and filename alone whether it may hold a report
 * ({@link #candidate}, free for ordinary mail), and reads a candidate's bytes into a {@link Report}
 * ({@link #read}). Thread-safe. Never throws for bad input: a broken report is a {@link ReportResult#error()}.
 *
 * <p>A candidate is <em>named</em> when its sender marked it as a report: a TLS report media type
 * (RFC 8460 5.3) or the reporters' file name {@code receiver!domain!begin!end[!id].ext} (RFC 7489 7.2.1.1,
 * RFC 8460 5.1). A named candidate that cannot be read is an error; any other candidate is an error only
 * once its content showed it is a report, so an ordinary zip or XML attachment is quietly no report.
 */
public final class ReportReader {
    /** How a candidate's bytes are read. */
    public enum Format { XML, JSON, GZIP, ZIP, FEEDBACK }

    public record Candidate(Format format, boolean named) {
    }

    /** receiver!policy-domain!begin!end[!unique-id].extension (RFC 7489 7.2.1.1, RFC 8460 5.1). */
    private static final Pattern REPORT_FILE_NAME = Pattern.compile("[^!]+![^!]+!\\d+!\\d+(![^!.]+)?\\..+");

    private final ReportLimits limits;
    private final BoundedExpansion expansion;
    private final DmarcAggregateXml aggregate;
    private final TlsRptJson tlsReport;

    public ReportReader(ReportLimits limits) {
        this.limits = limits;
        this.expansion = new BoundedExpansion(limits);
        this.aggregate = new DmarcAggregateXml(limits);
        this.tlsReport = new TlsRptJson(limits);
    }

    public ReportLimits limits() {
        return limits;
    }

    /**
     * Whether a part of this content type (lower case, no parameters) and filename (null when none) may be a
     * report; null when it cannot be.
     */
    public static Candidate candidate(String contentType, String filename) {
        if (contentType.equals("message/feedback-report")) {
            return new Candidate(Format.FEEDBACK, true);
        }
        String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
        if (contentType.equals("application/gzip") || contentType.equals("application/x-gzip")
            || contentType.equals("application/tlsrpt+gzip") || name.endsWith(".gz")) {
            boolean named = named(contentType, name);
            return named || name.endsWith(".xml.gz") || name.endsWith(".json.gz") ? new Candidate(Format.GZIP, named) : null;
        }
        if (contentType.equals("application/zip") || contentType.equals("application/x-zip-compressed")
            || contentType.equals("application/x-zip") || name.endsWith(".zip")) {
            boolean named = named(contentType, name);
            return named || name.endsWith(".xml.zip") ? new Candidate(Format.ZIP, named) : null;
        }
        if (contentType.equals("text/xml") || contentType.equals("application/xml") || name.endsWith(".xml")) {
            return new Candidate(Format.XML, named(contentType, name));
        }
        if (contentType.equals("application/tlsrpt+json") || contentType.equals("application/json") || name.endsWith(".json")) {
            return new Candidate(Format.JSON, named(contentType, name));
        }
        return null;
    }

    /** Whether the sender marked the part as a report: a TLS report media type or the reporters' file name. */
    private static boolean named(String contentType, String lowerCaseName) {
        return contentType.startsWith("application/tlsrpt+") || REPORT_FILE_NAME.matcher(lowerCaseName).matches();
    }

    /** Reads a candidate's decoded bytes (at most {@link ReportLimits#maxPartBytes()} of them). */
    public ReportResult read(byte[] bytes, Candidate candidate) {
        try {
            Report report = switch (candidate.format()) {
                case FEEDBACK -> FeedbackReportFields.read(bytes);
                case XML -> aggregate.read(bytes);
                case JSON -> tlsReport.read(bytes);
                case GZIP -> unpacked(expansion.gunzip(bytes));
                case ZIP -> unpacked(expansion.unzip(bytes));
            };
            return report == null ? ReportResult.none() : ReportResult.of(report);
        } catch (ReportException e) {
            return candidate.named() || e.identified() ? ReportResult.invalid(e.getMessage()) : ReportResult.none();
        } catch (RuntimeException e) {
            // a library failing on hostile input must not lose the mail
            return candidate.named() ? ReportResult.invalid("report could not be read: " + e) : ReportResult.none();
        }
    }

    /** An unpacked file by its name inside the archive, else by its first byte. */
    private Report unpacked(BoundedExpansion.Unpacked file) throws ReportException {
        String name = file.name() == null ? "" : file.name().toLowerCase(Locale.ROOT);
        if (name.endsWith(".xml")) {
            return aggregate.read(file.bytes());
        }
        if (name.endsWith(".json")) {
            return tlsReport.read(file.bytes());
        }
        return switch (firstSignificantByte(file.bytes())) {
            case '<' -> aggregate.read(file.bytes());
            case '{' -> tlsReport.read(file.bytes());
            default -> throw new ReportException("unpacked file is neither XML nor JSON", false);
        };
    }

    /** The first byte after a UTF-8 byte order mark and blanks, or -1. */
    private static int firstSignificantByte(byte[] bytes) {
        int i = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF ? 3 : 0;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
            i++;
        }
        return i < bytes.length ? bytes[i] : -1;
    }
}
