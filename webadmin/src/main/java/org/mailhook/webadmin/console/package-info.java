/**
 * The operator console: static HTML, CSS and JavaScript bundled in the jar and served under
 * {@code /mailhook/console/}, behind the same authentication and Host/Origin guard as every WebAdmin
 * route. The page calls the {@code /mailhook/*} APIs; it has no route of its own that reads or changes mail.
 */
package org.mailhook.webadmin.console;
