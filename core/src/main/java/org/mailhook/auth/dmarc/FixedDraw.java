package org.mailhook.auth.dmarc;

import java.util.random.RandomGenerator;

/**
 * A random source that always draws the same number, for a reproducible pct= sample: a draw below
 * pct= is inside the sample (the policy applies), a draw at or above it is outside.
 */
public record FixedDraw(int draw) implements RandomGenerator {

    public FixedDraw {
        if (draw < 0 || draw > 99) {
            throw new IllegalArgumentException("a pct= draw is 0 to 99, got " + draw);
        }
    }

    @Override
    public long nextLong() {
        return draw;
    }

    @Override
    public int nextInt(int bound) {
        return draw % bound;
    }
}
