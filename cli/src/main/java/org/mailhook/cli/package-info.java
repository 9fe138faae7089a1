/**
 * The {@code mailhook} command: one {@link org.mailhook.cli.Command} per subcommand ({@code run},
 * {@code receive}, {@code parse}, {@code verify}, {@code scan}, {@code doctor}). Runs the core engines
 * in its own JVM; may import the core only, never James ({@code CliLayeringTest}).
 */
package org.mailhook.cli;
