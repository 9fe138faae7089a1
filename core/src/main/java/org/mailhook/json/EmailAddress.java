package org.mailhook.json;

/** One address of an address header; {@code group} names the RFC 5322 group it was listed in, or is null. */
record EmailAddress(String name, String address, String group) {
}
