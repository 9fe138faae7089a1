package org.mailhook.json;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The invitation in a {@code text/calendar} part (RFC 5545 / iTIP RFC 5546): the method and the first
 * event. Only content lines are read (unfold, then {@code NAME;PARAM=V:VALUE}); ical4j is not used
 * because it resolves every TZID through its time-zone registry, which may go to the network, and
 * James ships its own copy of it.
 *
 * @param start ISO-8601: an instant ({@code Z}) for UTC or a known TZID, a local date-time for floating
 *        times, a date for all-day events
 */
record CalendarInvite(String method, String uid, String summary, String description, String location,
                      String start, String end, String timeZone, String status, Integer sequence,
                      Person organizer, List<Person> attendees) {

    record Person(String name, String address, String role, String status, Boolean rsvp) {
    }

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");

    private record Line(String name, Map<String, String> params, String value) {
    }

    /** The invite, or null when the text holds no VCALENDAR. */
    static CalendarInvite parse(String text) {
        String unfolded = text.replaceAll("\r?\n[ \t]", "");
        String method = null;
        boolean inCalendar = false;
        boolean inEvent = false;
        boolean eventDone = false;
        int nested = 0;
        Map<String, Line> event = new HashMap<>();
        List<Line> attendees = new ArrayList<>();
        for (String raw : unfolded.split("\r?\n")) {
            Line line = line(raw);
            if (line == null) {
                continue;
            }
            switch (line.name) {
                case "BEGIN" -> {
                    String what = line.value.toUpperCase(Locale.ROOT);
                    if (what.equals("VCALENDAR")) {
                        inCalendar = true;
                    } else if (what.equals("VEVENT") && !eventDone && !inEvent) {
                        inEvent = true;
                    } else if (inEvent) {
                        nested++;
                    }
                }
                case "END" -> {
                    if (inEvent && nested > 0) {
                        nested--;
                    } else if (inEvent && line.value.equalsIgnoreCase("VEVENT")) {
                        inEvent = false;
                        eventDone = true;
                    }
                }
                case "METHOD" -> method = method == null && !inEvent ? line.value.strip().toUpperCase(Locale.ROOT) : method;
                default -> {
                    if (inEvent && nested == 0) {
                        if (line.name.equals("ATTENDEE")) {
                            attendees.add(line);
                        } else {
                            event.putIfAbsent(line.name, line);
                        }
                    }
                }
            }
        }
        if (!inCalendar) {
            return null;
        }
        Line start = event.get("DTSTART");
        Integer sequence = null;
        if (event.containsKey("SEQUENCE")) {
            try {
                sequence = Integer.valueOf(event.get("SEQUENCE").value.strip());
            } catch (NumberFormatException e) {
                sequence = null;
            }
        }
        return new CalendarInvite(method, text(event.get("UID")), text(event.get("SUMMARY")),
            text(event.get("DESCRIPTION")), text(event.get("LOCATION")), time(start), time(event.get("DTEND")),
            start == null ? null : start.params.get("TZID"), text(event.get("STATUS")), sequence,
            person(event.get("ORGANIZER")), attendees.stream().map(CalendarInvite::person).toList());
    }

    private static Line line(String raw) {
        int colon = -1;
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted) {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            return null;
        }
        List<String> head = splitOutsideQuotes(raw.substring(0, colon));
        Map<String, String> params = new HashMap<>();
        for (int i = 1; i < head.size(); i++) {
            int eq = head.get(i).indexOf('=');
            if (eq > 0) {
                params.put(head.get(i).substring(0, eq).strip().toUpperCase(Locale.ROOT),
                    head.get(i).substring(eq + 1).strip().replace("\"", ""));
            }
        }
        return new Line(head.get(0).strip().toUpperCase(Locale.ROOT), params, raw.substring(colon + 1));
    }

    /** Splits {@code NAME;PARAM=V;PARAM="a;b"} at the semicolons that are not quoted. */
    private static List<String> splitOutsideQuotes(String head) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                parts.add(head.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(head.substring(start));
        return parts;
    }

    private static String text(Line line) {
        if (line == null) {
            return null;
        }
        String text = line.value.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";")
            .replace("\\\\", "\\").strip();
        return text.isEmpty() ? null : text;
    }

    private static Person person(Line line) {
        if (line == null) {
            return null;
        }
        String value = line.value.strip();
        String address = value.regionMatches(true, 0, "mailto:", 0, 7) ? value.substring(7) : value;
        String rsvp = line.params.get("RSVP");
        return new Person(line.params.get("CN"), address.isEmpty() ? null : address, line.params.get("ROLE"),
            line.params.get("PARTSTAT"), rsvp == null ? null : rsvp.equalsIgnoreCase("TRUE"));
    }

    private static String time(Line line) {
        if (line == null) {
            return null;
        }
        String value = line.value.strip();
        try {
            if (value.length() == 8) {
                return LocalDate.parse(value, DATE).toString();
            }
            boolean utc = value.endsWith("Z") || value.endsWith("z");
            LocalDateTime local = LocalDateTime.parse(utc ? value.substring(0, value.length() - 1) : value, DATE_TIME);
            if (utc) {
                return local.toInstant(ZoneOffset.UTC).toString();
            }
            String tzid = line.params.get("TZID");
            if (tzid != null) {
                try {
                    return local.atZone(ZoneId.of(tzid)).toInstant().toString();
                } catch (RuntimeException unknownZone) {
                    return local.toString();
                }
            }
            return local.toString();
        } catch (DateTimeParseException e) {
            return value;
        }
    }
}
