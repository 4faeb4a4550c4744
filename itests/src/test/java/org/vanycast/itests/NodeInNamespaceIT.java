package org.vanycast.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vanycast.node.internal.demo.NodeDemo;

/**
 * The real node in a network namespace of its own (ULA addresses only, deleted afterwards):
 * curl reaches the sample service at [X]:8080 where X is on no interface of the namespace.
 */
@Tag("netns")
class NodeInNamespaceIT {

    @TempDir
    Path work;

    @Test
    void shouldAnswerSoapAndDownloadAtLogicalAddressThatIsOnNoInterface() throws Exception {
        Path repository = Path.of(System.getProperty("vanycast.home")).toAbsolutePath().normalize();
        NodeDemo.Report report = NodeDemo.execute(repository, work);

        assertFalse(report.logicalOnInterface(), "X must not be an interface address");
        assertNotNull(report.version());
        assertEquals(report.version(), report.ownAddressVersion(), "the node's own address answers too");
        assertEquals(List.of("hello.txt", "sample-1MiB.bin"), report.documents());
        assertTrue(report.rangeMatches(), "getRange returns the document's bytes");
        assertEquals(1 << 20, report.downloadedBytes());
        assertTrue(report.downloadMatches(), "HTTP download has the document's SHA-256");
        assertTrue(report.traversalFault().contains("invalid document name"), report.traversalFault());
        assertTrue(report.passed());

        String namespaces = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
        assertFalse(namespaces.contains(report.namespace()), "namespace deleted: " + namespaces);
    }
}
