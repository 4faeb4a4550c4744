package org.vanycast.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRecordRehearsalTest {
    @TempDir
    static Path dir;
    static NodeCredentials n1;

    @BeforeAll
    static void createGroup() throws Exception {
        Instant now = Instant.now();
        GroupCa.init(dir, "g", now, Duration.ofDays(1));
        GroupCa.issue(dir, "n1", now, Duration.ofDays(1));
        n1 = NodeCredentials.load(dir, "n1");
    }

    @Test
    void shouldSealAndOpenARecordEveryRehearsalWithTheNodesOwnCredentials() throws Exception {
        TlsRecordRehearsal r = TlsRecordRehearsal.start(n1.sslContext());
        for (int i = 0; i < 1000; i++) {
            r.rehearse(); // throws if a record does not come out as it went in
        }
        assertEquals(1000, r.rehearsals());
    }

    @Test
    void shouldLetConcurrentReadersRehearseWithoutCorruptingTheEngines() throws Exception {
        TlsRecordRehearsal r = TlsRecordRehearsal.start(n1.sslContext());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] readers = new Thread[4];
        for (int t = 0; t < readers.length; t++) {
            readers[t] = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 500; i++) {
                        r.rehearse();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            readers[t].start();
        }
        go.countDown();
        for (Thread t : readers) {
            t.join();
        }
        assertEquals(null, failure.get());
        long before = r.rehearsals();
        r.rehearse();
        assertEquals(before + 1, r.rehearsals(), "the engines still agree after the concurrent rehearsals");
    }

    @Test
    void shouldThrowItsFirstFailureAndThenStayQuiet() throws Exception {
        TlsRecordRehearsal r = TlsRecordRehearsal.start(n1.sslContext());
        r.rehearse();
        r.closeSealer();
        assertThrows(IllegalStateException.class, r::rehearse);
        long after = r.rehearsals();
        r.rehearse(); // a reader rehearses every 200 µs: no exception, no work on broken engines
        r.rehearse();
        assertEquals(after, r.rehearsals());
    }

    @Test
    void shouldRefuseAContextThatTrustsNoOneItPresents(@TempDir Path other) throws Exception {
        Instant now = Instant.now();
        GroupCa.init(other, "other", now, Duration.ofDays(1));
        GroupCa.issue(other, "n1", now, Duration.ofDays(1));
        // n1's key and certificate, but the other group's CA as the only trust anchor
        NodeCredentials mixed = new NodeCredentials(Pem.readKey(dir.resolve("n1.key")),
                Pem.readCertificates(dir.resolve("n1.crt")), Pem.readCertificates(other.resolve(GroupCa.CA_CERT)).get(0));
        assertThrows(SSLException.class, () -> TlsRecordRehearsal.start(mixed.sslContext()));
    }
}
