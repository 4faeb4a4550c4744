package org.vanycast.node.internal.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * {@code ./vanycast demo}: one node in a network namespace of its own, serving the sample
 * service at a logical address X that is on no interface (a local route delivers it, the
 * listener binds it with free-bind); a SOAP client (curl) calls it at [X]:port and downloads
 * a 1 MiB document over plain HTTP. Prints a short report; exit 0 when every answer is right.
 * A later issue turns this into the handoff demo.
 */
public final class NodeDemo {

    static final String OWN_ADDRESS = "fd00:5a::2";
    static final String LOGICAL_ADDRESS = "fd00:5a:ff::1";
    static final int PORT = 8080;
    static final String BIG_DOCUMENT = "sample-1MiB.bin";
    private static final long TIMEOUT_MILLIS = 90_000;

    private NodeDemo() {
    }

    /** What the demo saw; every field is checked by {@link #passed()}. */
    public record Report(String namespace, boolean logicalOnInterface, long startupMillis, String ownAddressVersion,
            List<String> documents,
            String version, boolean rangeMatches, long downloadedBytes, boolean downloadMatches, String traversalFault) {

        public boolean passed() {
            return !logicalOnInterface && version != null && version.equals(ownAddressVersion)
                    && documents.contains("hello.txt") && documents.contains(BIG_DOCUMENT)
                    && version != null && rangeMatches && downloadedBytes == 1 << 20 && downloadMatches
                    && traversalFault != null && traversalFault.contains("invalid document name");
        }
    }

    public static int run(String[] args) throws Exception {
        if (args.length != 0) {
            System.err.println("usage: ./vanycast demo");
            return 2;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            System.err.println("vanycast demo: needs root (it creates a network namespace)");
            return 1;
        }
        Path repository = Path.of(System.getProperty("vanycast.home", ".")).toAbsolutePath();
        Path work = Files.createTempDirectory("vanycast-demo");
        try {
            Report report = execute(repository, work);
            print(report);
            return report.passed() ? 0 : 1;
        } finally {
            deleteTree(work);
        }
    }

    /** Runs the whole scenario in {@code work} (data folder, node log) and cleans up the namespace. */
    public static Report execute(Path repository, Path work) throws IOException, InterruptedException {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("hello.txt"), "Hello from a Vanycast node.\n");
        byte[] big = new byte[1 << 20];
        new Random(20261125L).nextBytes(big); // fixed seed: the same document every run
        Files.write(data.resolve(BIG_DOCUMENT), big);

        try (Namespace ns = Namespace.create("vcdemo")) {
            ns.ip("link", "add", "vc0", "type", "veth", "peer", "name", "vc1");
            ns.ip("link", "set", "vc0", "up");
            ns.ip("link", "set", "vc1", "up");
            ns.ip("-6", "addr", "add", OWN_ADDRESS + "/64", "dev", "vc0", "nodad");
            // X is on no interface: a local route makes the kernel deliver it to this host.
            ns.ip("-6", "route", "add", "local", LOGICAL_ADDRESS + "/128", "dev", "lo");
            boolean logicalOnInterface = ns.hasInterfaceAddress(LOGICAL_ADDRESS);

            List<String> args = List.of("--name", "demo" + ProcessHandle.current().pid(), "--address", OWN_ADDRESS,
                    "--logical-address", LOGICAL_ADDRESS, "--port", Integer.toString(PORT), "--data", data.toString(),
                    "--work", work.resolve("node").toString());
            try (NodeProcess node = NodeProcess.start(repository, ns.execPrefix(), args, work.resolve("node.log"),
                    TIMEOUT_MILLIS)) {
                long startupMillis = node.startupMillis(System.nanoTime());
                String base = "http://[" + LOGICAL_ADDRESS + "]:" + PORT;
                Curl curl = new Curl(ns);
                String version = Soap.value(curl.soapWhenReady(base + "/soap/content",
                        Soap.envelope("getServiceVersion"), TIMEOUT_MILLIS), "version");
                String ownAddressVersion = Soap.value(curl.soap("http://[" + OWN_ADDRESS + "]:" + PORT + "/soap/content",
                        Soap.envelope("getServiceVersion")).body(), "version");
                List<String> documents = Soap.values(curl.soap(base + "/soap/content", Soap.envelope("listDocuments")).body(),
                        "name");
                String range = Soap.value(curl.soap(base + "/soap/content", Soap.envelope("getRange", "name", BIG_DOCUMENT,
                        "offset", "524288", "length", "32")).body(), "content");
                boolean rangeMatches = range != null
                        && Arrays.equals(Base64.getMimeDecoder().decode(range), Arrays.copyOfRange(big, 524288, 524288 + 32));
                Path downloaded = work.resolve("downloaded.bin");
                curl.download(base + "/content/" + BIG_DOCUMENT, downloaded);
                byte[] got = Files.readAllBytes(downloaded);
                String traversal = Soap.value(curl.soap(base + "/soap/content",
                        Soap.envelope("getDocument", "name", "../../etc/passwd")).body(), "faultstring");
                return new Report(ns.name(), logicalOnInterface, startupMillis, ownAddressVersion, documents, version,
                        rangeMatches,
                        got.length, Arrays.equals(sha256(got), sha256(big)), traversal);
            }
        }
    }

    private static void print(Report r) {
        System.out.println("Vanycast demo: one node in network namespace " + r.namespace());
        System.out.printf("  %-28s %s%n", "node address", OWN_ADDRESS);
        System.out.printf("  %-28s %s (%s)%n", "logical address X", LOGICAL_ADDRESS,
                r.logicalOnInterface() ? "ON AN INTERFACE: unexpected" : "on no interface; local route + free-bind");
        System.out.printf("  %-28s %d ms%n", "node up and listening after", r.startupMillis());
        System.out.printf("  %-28s %s at X, %s at the node address%n", "SOAP getServiceVersion", r.version(),
                r.ownAddressVersion());
        System.out.printf("  %-28s %s%n", "SOAP listDocuments", r.documents());
        System.out.printf("  %-28s %s%n", "SOAP getRange(32 B @ 512 KiB)", r.rangeMatches() ? "bytes match" : "MISMATCH");
        System.out.printf("  %-28s %d bytes, sha-256 %s%n", "HTTP GET " + BIG_DOCUMENT, r.downloadedBytes(),
                r.downloadMatches() ? "matches" : "MISMATCH");
        System.out.printf("  %-28s %s%n", "SOAP getDocument(../..)", r.traversalFault());
        System.out.println(r.passed() ? "demo passed" : "demo FAILED");
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
