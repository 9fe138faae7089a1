package org.mailhook.reports;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a DMARC aggregate report (RFC 7489 appendix C; also the namespaced drafts that followed it) with
 * the JDK's StAX reader, one pass, keeping only the fields of {@link Report}. DTDs and external entities
 * are off and a DOCTYPE is refused, so the XML cannot reach files or the network (XXE) or expand entities.
 * Element names are matched without their namespace: reporters use none, the RFC's and newer ones.
 */
final class DmarcAggregateXml {
    private static final XMLInputFactory FACTORY = secureFactory();

    private final ReportLimits limits;

    DmarcAggregateXml(ReportLimits limits) {
        this.limits = limits;
    }

    /** The report in {@code xml}; {@link ReportException} when the root is not {@code feedback} or a field is missing. */
    Report read(byte[] xml) throws ReportException {
        Builder report = new Builder();
        List<String> path = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
            try {
                while (reader.hasNext()) {
                    switch (reader.next()) {
                        case XMLStreamConstants.DTD -> throw new ReportException("XML with a DOCTYPE is refused", report.identified);
                        case XMLStreamConstants.START_ELEMENT -> {
                            String name = reader.getLocalName();
                            if (path.isEmpty() && !name.equals("feedback")) {
                                throw new ReportException("XML root is <" + name + ">, not <feedback>", false);
                            }
                            report.identified = true;
                            path.add(name);
                            text.setLength(0);
                            report.start(String.join("/", path));
                        }
                        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text.append(reader.getText());
                        case XMLStreamConstants.END_ELEMENT -> {
                            report.end(String.join("/", path), text.toString().strip());
                            text.setLength(0);
                            path.remove(path.size() - 1);
                        }
                        default -> {
                            // comments, processing instructions, blanks between elements: not report data
                        }
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            throw new ReportException("XML is not well-formed: " + e.getMessage(), report.identified);
        }
        if (!report.identified) {
            throw new ReportException("no XML element", false);
        }
        return report.build();
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    /** Collects the fields as their elements end; a record is started by its {@code <record>}. */
    private final class Builder {
        boolean identified;
        private String orgName;
        private String email;
        private String reportId;
        private Long begin;
        private Long end;
        private String domain;
        private String adkim;
        private String aspf;
        private String p;
        private String sp;
        private Integer pct;
        private String fo;
        private String np;
        private final List<Report.SourceRecord> records = new ArrayList<>();
        private int omitted;
        private RecordBuilder record;
        private String[] auth;
        private String reasonType;
        private String reasonComment;

        void start(String path) {
            switch (path) {
                case "feedback/record" -> record = new RecordBuilder();
                case "feedback/record/auth_results/dkim", "feedback/record/auth_results/spf" -> auth = new String[3];
                case "feedback/record/row/policy_evaluated/reason" -> {
                    reasonType = null;
                    reasonComment = null;
                }
                default -> {
                    // elements without children of interest
                }
            }
        }

        void end(String path, String value) throws ReportException {
            String v = value.isEmpty() ? null : value;
            switch (path) {
                case "feedback/report_metadata/org_name" -> orgName = v;
                case "feedback/report_metadata/email" -> email = v;
                case "feedback/report_metadata/report_id" -> reportId = v;
                case "feedback/report_metadata/date_range/begin" -> begin = seconds(path, v);
                case "feedback/report_metadata/date_range/end" -> end = seconds(path, v);
                case "feedback/policy_published/domain" -> domain = v;
                case "feedback/policy_published/adkim" -> adkim = keyword(v);
                case "feedback/policy_published/aspf" -> aspf = keyword(v);
                case "feedback/policy_published/p" -> p = keyword(v);
                case "feedback/policy_published/sp" -> sp = keyword(v);
                case "feedback/policy_published/pct" -> pct = v == null ? null : (int) number(path, v);
                case "feedback/policy_published/fo" -> fo = v;
                case "feedback/policy_published/np" -> np = keyword(v);
                case "feedback/record/row/source_ip" -> record.sourceIp = v;
                case "feedback/record/row/count" -> record.count = v == null ? null : number(path, v);
                case "feedback/record/row/policy_evaluated/disposition" -> record.disposition = keyword(v);
                case "feedback/record/row/policy_evaluated/dkim" -> record.dkimAligned = keyword(v);
                case "feedback/record/row/policy_evaluated/spf" -> record.spfAligned = keyword(v);
                case "feedback/record/row/policy_evaluated/reason/type" -> reasonType = keyword(v);
                case "feedback/record/row/policy_evaluated/reason/comment" -> reasonComment = v;
                case "feedback/record/row/policy_evaluated/reason" -> record.reasons.add(new Report.Reason(reasonType, reasonComment));
                case "feedback/record/identifiers/header_from" -> record.headerFrom = v;
                case "feedback/record/identifiers/envelope_from" -> record.envelopeFrom = v;
                case "feedback/record/identifiers/envelope_to" -> record.envelopeTo = v;
                case "feedback/record/auth_results/dkim/domain", "feedback/record/auth_results/spf/domain" -> auth[0] = v;
                case "feedback/record/auth_results/dkim/selector", "feedback/record/auth_results/spf/scope" -> auth[1] = v;
                case "feedback/record/auth_results/dkim/result", "feedback/record/auth_results/spf/result" -> auth[2] = keyword(v);
                case "feedback/record/auth_results/dkim" -> record.dkim.add(new Report.AuthResult(auth[0], auth[1], auth[2]));
                case "feedback/record/auth_results/spf" -> record.spf.add(new Report.AuthResult(auth[0], auth[1], auth[2]));
                case "feedback/record" -> {
                    if (records.size() < limits.maxRecords()) {
                        records.add(record.build());
                    } else {
                        omitted++;
                    }
                }
                default -> {
                    // other elements (version, extra_contact_info, error, fo extensions ...) are not kept
                }
            }
        }

        Report build() throws ReportException {
            require(orgName, "report_metadata/org_name");
            require(reportId, "report_metadata/report_id");
            require(begin, "report_metadata/date_range/begin");
            require(end, "report_metadata/date_range/end");
            require(domain, "policy_published/domain");
            return new Report(ReportKind.DMARC_AGGREGATE, orgName, email, reportId,
                new Report.DateRange(Instant.ofEpochSecond(begin), Instant.ofEpochSecond(end)),
                new Report.PublishedPolicy(domain, adkim, aspf, p, sp, pct, fo, np), records, List.of(), null, omitted);
        }
    }

    /** One {@code <record>}; source IP and count are required. */
    private static final class RecordBuilder {
        String sourceIp;
        Long count;
        String disposition;
        String dkimAligned;
        String spfAligned;
        final List<Report.Reason> reasons = new ArrayList<>();
        String headerFrom;
        String envelopeFrom;
        String envelopeTo;
        final List<Report.AuthResult> dkim = new ArrayList<>();
        final List<Report.AuthResult> spf = new ArrayList<>();

        Report.SourceRecord build() throws ReportException {
            require(sourceIp, "record/row/source_ip");
            require(count, "record/row/count");
            return new Report.SourceRecord(sourceIp, count, disposition, dkimAligned, spfAligned, reasons, headerFrom,
                envelopeFrom, envelopeTo, dkim, spf);
        }
    }

    private static void require(Object value, String field) throws ReportException {
        if (value == null) {
            throw new ReportException("aggregate report has no " + field, true);
        }
    }

    /** Result keywords in lower case: some reporters write {@code Pass}, {@code NONE}. */
    private static String keyword(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    private static long seconds(String path, String value) throws ReportException {
        if (value == null) {
            throw new ReportException(path.substring("feedback/".length()) + " is empty", true);
        }
        return number(path, value);
    }

    /** A whole number; a few reporters write seconds with a fraction ({@code 1538204542.0}), which is cut. */
    private static long number(String path, String value) throws ReportException {
        try {
            return value.contains(".") ? (long) Double.parseDouble(value) : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ReportException(path.substring("feedback/".length()) + " is not a number: '" + value + "'", true);
        }
    }
}
