/**
 * JMH benchmarks of the MIME parser (throughput and CPU time per mail) and of sealed record files, run from
 * {@code target/benchmarks.jar} as docs/performance.md shows. May import the core only.
 */
package org.mailhook.benchmarks;
