package org.vanycast.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.node.internal.demo.NodeProcess;

/**
 * A running node (the real distribution, started by ./vanycast node) picks up a new version
 * of the sample bundle dropped into its deploy folder, without restarting.
 */
class HotDeployIT {

    private static final long TIMEOUT_MILLIS = 90_000;
    private static final String NEW_VERSION = "0.1.1.hotdeploy";

    @TempDir
    Path tmp;

    @Test
    void shouldReplaceSampleBundleDroppedIntoDeployFolderWithoutRestartingTheNode() throws Exception {
        Path repository = Path.of(System.getProperty("vanycast.home")).toAbsolutePath().normalize();
        Path dist = Path.of(System.getProperty("vanycast.node.dist"));
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("hello.txt"), "hello\n");
        Path sample = deploy.resolve("vanycast-sample.jar");
        Files.copy(dist.resolve("deploy/vanycast-sample.jar"), sample);
        int port = Http.freePort();
        String url = "http://127.0.0.1:" + port + "/soap/content";

        List<String> args = List.of("--name", "hotdeploy" + ProcessHandle.current().pid(), "--address", "127.0.0.1",
                "--port", Integer.toString(port), "--deploy", deploy.toString(), "--data", data.toString(),
                "--work", tmp.resolve("work").toString());
        try (NodeProcess node = NodeProcess.start(repository, List.of(), args, tmp.resolve("node.log"), TIMEOUT_MILLIS)) {
            String before = Http.value(Http.postUntilOk(url, Http.envelope("getServiceVersion", ""), TIMEOUT_MILLIS).body,
                    "version");
            assertNotEquals(NEW_VERSION, before);
            long pid = node.pid();

            // Write elsewhere, then move over the old jar in one step: FileInstall never sees half a file.
            Path staged = tmp.resolve("staged.jar");
            withBundleVersion(sample, staged, NEW_VERSION);
            Files.move(staged, sample, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            String after = before;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            while (!after.equals(NEW_VERSION) && System.nanoTime() < deadline) {
                try {
                    Http.Response r = Http.post(url, Http.envelope("getServiceVersion", ""));
                    if (r.status == 200) {
                        after = Http.value(r.body, "version");
                    }
                } catch (IOException e) {
                    // the endpoint is briefly gone while the bundle is updated
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            assertEquals(NEW_VERSION, after, node.tail());
            assertTrue(node.isAlive());
            assertEquals(pid, node.pid());
            String log = node.logText();
            assertEquals(1, log.lines().filter(l -> l.contains(" started in ")).count(), "the node started once: " + log);
            assertEquals("hello.txt", Http.value(Http.post(url, Http.envelope("listDocuments", "")).body, "name"));
        }
    }

    /** A copy of {@code jar} whose manifest says {@code version}: the "new release" of the bundle. */
    static void withBundleVersion(Path jar, Path target, String version) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    copy(in, out);
                    out.closeEntry();
                }
            }
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }
}
