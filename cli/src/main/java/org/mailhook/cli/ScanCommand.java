package org.mailhook.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.mailhook.attachments.AttachmentPolicy;
import org.mailhook.attachments.ClamdClient;
import org.mailhook.attachments.ContentClassifier;
import org.mailhook.attachments.MessageScanner;
import org.mailhook.attachments.ScanReport;
import org.mailhook.attachments.ScannerDownPolicy;
import org.mailhook.attachments.Verdict;
import org.mailhook.attachments.VirusScanner;

/** {@code mailhook scan}: the attachment verdicts of one message, as QuarantineAttachments would judge them. */
public final class ScanCommand implements Command {

    @Override
    public String name() {
        return "scan";
    }

    @Override
    public String summary() {
        return "classify a message's attachments and print the verdicts as JSON";
    }

    @Override
    public String help() {
        return """
            Usage: mailhook scan FILE.eml [--clamd HOST:PORT] [--clamd-unavailable warn|quarantine]
                                 [--blocked-extensions LIST]

            Classifies every attachment of the message (nested messages, TNEF, Outlook .msg and
            archives included) and prints the security JSON that QuarantineAttachments sets as
            mailhook.security. FILE - reads standard input.
            Exit code 1 when any attachment is dangerous, 0 otherwise (suspicious included).

            Options:
              --clamd ADDRESS           also scan with ClamAV's clamd: HOST:PORT, HOST (port 3310)
                                        or unix:/path/to/clamd.ctl
              --clamd-timeout MS        clamd timeout in milliseconds (default 30000)
              --clamd-unavailable P     when clamd cannot scan: warn (default; a warning in the JSON)
                                        or quarantine (reason scan-unavailable, dangerous)
              --blocked-extensions L    extension list, e.g. "default,-iso,xz" (default: default)

            Examples:
              mailhook scan suspicious.eml
              mailhook scan suspicious.eml --clamd 127.0.0.1:3310 --clamd-unavailable quarantine""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, Set.of("clamd", "clamd-timeout", "clamd-unavailable", "blocked-extensions"), Set.of());
        if (args.positionals().size() != 1) {
            throw new UsageException("expected one message file (or - for standard input)");
        }
        byte[] mime = read(args.positionals().get(0));
        AttachmentPolicy policy = AttachmentPolicy.defaults()
            .withBlockedExtensions(AttachmentPolicy.parseExtensions(args.option("blocked-extensions").orElse("default")));
        Optional<VirusScanner> clamd;
        ScannerDownPolicy whenDown;
        try {
            clamd = args.option("clamd").map(spec -> ClamdClient.parse(spec, Duration.ofMillis(args.option("clamd-timeout")
                .map(Long::parseLong).orElse(ClamdClient.DEFAULT_TIMEOUT.toMillis())), ClamdClient.DEFAULT_MAX_BYTES));
            whenDown = ScannerDownPolicy.fromCode(args.option("clamd-unavailable").orElse("warn"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ScanReport report = new MessageScanner(new ContentClassifier(policy), clamd, whenDown).scan(mime);
        console.out().println(report.toJson());
        report.warnings().forEach(warning -> console.err().println("mailhook scan: warning: " + warning));
        return report.verdict() == Verdict.DANGEROUS ? FINDING : OK;
    }

    private static byte[] read(String file) throws UsageException {
        try {
            return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
