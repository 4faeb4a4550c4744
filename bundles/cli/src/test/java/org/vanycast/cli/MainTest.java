package org.vanycast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    static volatile String[] lastArgs;

    /** A contributed command: records what it got, fails on request. */
    public static final class Recorder {
        public static int run(String[] args) {
            lastArgs = args;
            if (args.length > 0 && args[0].equals("--boom")) {
                throw new IllegalStateException("boom");
            }
            return args.length == 0 ? 0 : 7;
        }
    }

    /** A second contributed command, used for two-word dispatch. */
    public static final class Other {
        public static int run(String[] args) {
            lastArgs = args;
            return 3;
        }
    }

    @TempDir
    Path dir;

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private ClassLoader jarsWith(String... propertyFiles) throws IOException {
        URL[] urls = new URL[propertyFiles.length];
        for (int i = 0; i < propertyFiles.length; i++) {
            Path root = dir.resolve("jar" + i);
            Path file = root.resolve("META-INF/vanycast/commands.properties");
            Files.createDirectories(file.getParent());
            Files.writeString(file, propertyFiles[i]);
            urls[i] = root.toUri().toURL();
        }
        return new URLClassLoader(urls, MainTest.class.getClassLoader());
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDispatchToCommandFromAnyJarWithRemainingArguments() throws IOException {
        ClassLoader loader = jarsWith("t-a=" + Other.class.getName(), "t-rec=" + Recorder.class.getName());
        int status = Main.run(new String[] {"t-rec", "x", "y"}, loader, err);
        assertEquals(7, status);
        assertArrayEquals(new String[] {"x", "y"}, lastArgs);
    }

    @Test
    void shouldPreferTwoWordCommandOverOneWordCommand() throws IOException {
        // Names no module uses: the test class path also holds the real modules' commands.
        ClassLoader loader = jarsWith("t-bench=" + Recorder.class.getName() + "\nt-bench.t-migrate=" + Other.class.getName());
        assertEquals(3, Main.run(new String[] {"t-bench", "t-migrate", "--n", "5"}, loader, err));
        assertArrayEquals(new String[] {"--n", "5"}, lastArgs);
        assertEquals(7, Main.run(new String[] {"t-bench", "other"}, loader, err));
        assertArrayEquals(new String[] {"other"}, lastArgs);
    }

    @Test
    void shouldExitWithUsageStatusOnUnknownCommand() throws IOException {
        ClassLoader loader = jarsWith("t-rec=" + Recorder.class.getName());
        assertEquals(2, Main.run(new String[] {"nope"}, loader, err));
        assertTrue(err().contains("unknown command: nope"), err());
        assertTrue(err().contains("usage:"), err());
        assertTrue(err().contains("t-rec"), err());
    }

    @Test
    void shouldExitWithUsageStatusWhenNoCommandGiven() throws IOException {
        assertEquals(2, Main.run(new String[0], jarsWith(""), err));
        assertTrue(err().contains("missing command"), err());
    }

    @Test
    void shouldRefuseTwoJarsMappingOneCommandToDifferentClasses() throws IOException {
        ClassLoader loader = jarsWith("t-rec=" + Recorder.class.getName(), "t-rec=" + Other.class.getName());
        assertEquals(1, Main.run(new String[] {"t-rec"}, loader, err));
        assertTrue(err().contains("defined twice"), err());
    }

    @Test
    void shouldReportFailingCommandInOneLineWithoutStackTrace() throws IOException {
        ClassLoader loader = jarsWith("t-rec=" + Recorder.class.getName());
        assertEquals(1, Main.run(new String[] {"t-rec", "--boom"}, loader, err));
        assertTrue(err().contains("boom"), err());
        assertEquals(1, err().strip().lines().count(), err());
    }

    @Test
    void shouldReportCommandWhoseClassIsMissing() throws IOException {
        ClassLoader loader = jarsWith("t-ghost=org.vanycast.NoSuchClass");
        assertEquals(1, Main.run(new String[] {"t-ghost"}, loader, err));
        assertTrue(err().contains("org.vanycast.NoSuchClass"), err());
    }
}
