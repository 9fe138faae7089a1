package org.mailhook.doctor;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How {@code --probe} reaches the network: the SMTP port of the MX hosts (25), the HTTPS port of the
 * MTA-STS policy host (443), the timeout of each connection and read, and the certificates trusted.
 * Tests point the ports at loopback responders and trust their self-signed certificates.
 */
public record ProbeSettings(int smtpPort, int httpsPort, Duration timeout, X509TrustManager trust) {

    public static ProbeSettings defaults() {
        return new ProbeSettings(25, 443, Duration.ofSeconds(10), systemTrust());
    }

    /** The JDK's default trust store (the public web PKI). */
    public static X509TrustManager systemTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("the JDK has no X509 trust manager"));
        } catch (NoSuchAlgorithmException | KeyStoreException e) {
            throw new IllegalStateException("the JDK's default trust store is unusable", e);
        }
    }
}
