package org.vanycast.core.internal.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Reads and writes the PEM files of the group CA and its nodes. */
final class Pem {
    private Pem() {
    }

    static void write(Path file, boolean secret, Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        }
        Files.deleteIfExists(file);
        if (secret) {
            // create it private from the start: the key is never readable by others, not even briefly
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, text.toString(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    static PrivateKey readKey(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(Crypto.BC);
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + ": no private key in PEM (found " + (o == null ? "nothing" : o.getClass().getSimpleName()) + ")");
        } catch (RuntimeException e) {
            throw new IOException(file + ": unreadable PEM: " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider(Crypto.BC);
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    certs.add(conv.getCertificate(h));
                }
            }
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(file + ": unreadable certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException(file + ": no certificate in PEM");
        }
        return certs;
    }
}
