/**
 * The front door of authentication: {@link org.mailhook.auth.Authenticator} runs SPF, DKIM, ARC and
 * DMARC on one message and returns one {@link org.mailhook.auth.AuthenticationReport} with every
 * verdict and the Authentication-Results header. Owns the orchestration and the shared result type;
 * each RFC lives in its own subpackage. May import {@code org.mailhook.dns} and its own subpackages
 * only.
 */
package org.mailhook.auth;
