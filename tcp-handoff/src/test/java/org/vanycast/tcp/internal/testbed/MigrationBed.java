package org.vanycast.tcp.internal.testbed;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vanycast.tcp.api.FreezeMode;

/**
 * The netns tests' fixture: a fresh {@link Testbed} before each test and, once the test knows
 * its freeze mode, a {@link MigrationHarness} on it. Both are removed after the test, also when
 * it fails or set-up throws, so no namespace outlives it. Register as an instance field:
 * {@code @RegisterExtension final MigrationBed bed = new MigrationBed();}
 */
final class MigrationBed implements BeforeEachCallback, AfterEachCallback {
    /** The release grace the migration tests use unless they say otherwise. */
    static final Duration GRACE = Duration.ofMillis(300);

    private Testbed testbed;
    private MigrationHarness harness;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        testbed = Testbed.create();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (harness != null) {
            harness.close();
            harness = null;
        }
        if (testbed != null) {
            testbed.close();
            testbed = null;
        }
    }

    Testbed testbed() {
        return testbed;
    }

    /** Two nodes with migrators in {@code mode} and the {@link #GRACE default} release grace. */
    MigrationHarness harness(FreezeMode mode) throws IOException {
        return harness(mode, GRACE);
    }

    /** Two nodes with migrators in {@code mode}; one harness per test. */
    MigrationHarness harness(FreezeMode mode, Duration releaseGrace) throws IOException {
        if (harness != null) {
            throw new IllegalStateException("the test already has its harness");
        }
        harness = new MigrationHarness(testbed, mode, releaseGrace);
        return harness;
    }

    /** Blocks (with a deadline) until {@code ch} has bytes to read; returns it blocking again. */
    static SocketChannel awaitReadable(SocketChannel ch) throws IOException {
        ch.configureBlocking(false);
        try (Selector s = Selector.open()) {
            ch.register(s, SelectionKey.OP_READ);
            assertTrue(s.select(10_000) > 0, "the peer's bytes arrived");
        }
        ch.configureBlocking(true);
        return ch;
    }
}
