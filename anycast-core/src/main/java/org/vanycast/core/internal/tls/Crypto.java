package org.vanycast.core.internal.tls;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * The Bouncy Castle providers, created once and never installed in {@code java.security}:
 * other bundles in the same JVM keep the JDK's providers.
 */
final class Crypto {
    static final Provider BC = new BouncyCastleProvider();
    static final Provider BCJSSE = new BouncyCastleJsseProvider(BC);

    private Crypto() {
    }
}
