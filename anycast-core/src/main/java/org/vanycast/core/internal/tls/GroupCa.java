package org.vanycast.core.internal.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The group certificate authority: a directory with {@code ca.crt} and {@code ca.key}, and
 * one {@code NAME.crt} (node certificate then CA certificate) and {@code NAME.key} per node.
 * A node proves its membership with a certificate this CA issued; its name is the CN.
 */
public final class GroupCa {
    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private GroupCa() {
    }

    /** Creates a new CA in {@code dir}; refuses to overwrite an existing one. */
    public static X509Certificate init(Path dir, String group, Instant now, Duration validity)
            throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(CA_KEY)) || Files.exists(dir.resolve(CA_CERT))) {
            throw new IOException("a group CA already exists in " + dir);
        }
        KeyPair kp = newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "vanycast")
                .addRDN(BCStyle.CN, "vanycast group CA " + group).build();
        X509v3CertificateBuilder b = builder(name, name, kp, now, validity);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        X509Certificate cert = sign(b, kp.getPrivate());
        Pem.write(dir.resolve(CA_KEY), true, kp.getPrivate());
        Pem.write(dir.resolve(CA_CERT), false, cert);
        return cert;
    }

    /** Issues (or re-issues) the certificate of node {@code node}. */
    public static X509Certificate issue(Path dir, String node, Instant now, Duration validity)
            throws IOException, GeneralSecurityException {
        checkNodeName(node);
        X509Certificate caCert = Pem.readCertificates(dir.resolve(CA_CERT)).get(0);
        PrivateKey caKey = Pem.readKey(dir.resolve(CA_KEY));
        KeyPair kp = newKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "vanycast")
                .addRDN(BCStyle.CN, node).build();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
                subject, kp, now, validity);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        // every node is both a TLS server (accepts Init) and a TLS client (sends Prepare/Init)
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, node)));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
        X509Certificate cert = sign(b, caKey);
        Pem.write(dir.resolve(node + ".key"), true, kp.getPrivate());
        Pem.write(dir.resolve(node + ".crt"), false, cert, caCert);
        return cert;
    }

    public static void checkNodeName(String node) {
        if (node == null || !NODE_NAME.matcher(node).matches()) {
            throw new IllegalArgumentException("node name must be 1-63 of [A-Za-z0-9._-], starting alphanumeric: '" + node + "'");
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Crypto.BC);
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp, Instant now,
            Duration validity) {
        BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
        // a little slack before "now" so nodes with slightly skewed clocks accept a fresh certificate
        Date from = Date.from(now.minus(Duration.ofMinutes(5)));
        Date to = Date.from(now.plus(validity));
        return new JcaX509v3CertificateBuilder(issuer, serial, from, to, subject, kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.BC).build(key);
            return new JcaX509CertificateConverter().setProvider(Crypto.BC).getCertificate(b.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign certificate: " + e.getMessage(), e);
        }
    }
}
