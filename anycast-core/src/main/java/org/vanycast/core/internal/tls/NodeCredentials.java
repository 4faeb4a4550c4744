package org.vanycast.core.internal.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * One node's group identity (its key, its certificate chain, the group CA) and the TLS 1.3
 * context built from it. Peers are trusted only when their chain ends at the group CA.
 */
public final class NodeCredentials {
    public static final String PROTOCOL = "TLSv1.3";
    private static final char[] IN_MEMORY = "vanycast".toCharArray();

    private final String nodeName;
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final X509Certificate groupCa;

    public NodeCredentials(PrivateKey key, List<X509Certificate> chain, X509Certificate groupCa) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.groupCa = groupCa;
        this.nodeName = commonName(chain.get(0).getSubjectX500Principal());
    }

    /** Loads {@code NAME.key}, {@code NAME.crt} and {@code ca.crt} from {@code dir}. */
    public static NodeCredentials load(Path dir, String node) throws IOException {
        GroupCa.checkNodeName(node);
        Path cert = dir.resolve(node + ".crt");
        if (!Files.isReadable(cert)) {
            throw new IOException("no group certificate for node '" + node + "' in " + dir
                    + " (create one with: vanycast ca issue --dir " + dir + " --node " + node + ")");
        }
        return new NodeCredentials(Pem.readKey(dir.resolve(node + ".key")), Pem.readCertificates(cert),
                Pem.readCertificates(dir.resolve(GroupCa.CA_CERT)).get(0));
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate groupCa() {
        return groupCa;
    }

    /** Only for tests that build deliberately wrong identities. */
    public PrivateKey privateKeyForTests() {
        return key;
    }

    public String nodeName() {
        return nodeName;
    }

    /** A TLS 1.3 context over Bouncy Castle JSSE that presents this node and trusts only the group CA. */
    public SSLContext sslContext() throws GeneralSecurityException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("node", key, IN_MEMORY, chain.toArray(new X509Certificate[0]));
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("group-ca", groupCa);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", Crypto.BCJSSE);
            kmf.init(ks, IN_MEMORY);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", Crypto.BCJSSE);
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance(PROTOCOL, Crypto.BCJSSE);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot build key store: " + e.getMessage(), e);
        }
    }

    /** The CN of a certificate subject: the node name. */
    public static String commonName(X500Principal p) {
        for (String rdn : p.getName(X500Principal.RFC2253).split(",")) {
            if (rdn.startsWith("CN=")) {
                return rdn.substring(3);
            }
        }
        throw new IllegalArgumentException("certificate without CN: " + p);
    }
}
